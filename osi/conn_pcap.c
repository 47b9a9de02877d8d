/*
 * conn_pcap.c - the capture of a connection (conn.h, "pcap"): to a file
 *	from the start, or held in memory until its file is known, with the
 *	passwords of the MTA-bind blanked before it is written
 *
 * See conn.h and pcapw.h. conn.c calls conn_pcap_data(), _fin() and
 * _rst() for every byte and end of the connection.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "conn.h"
#include "conn_int.h"
#include "log.h"
#include "pcapw.h"

/* who - the log_who of a connection */
static struct log_who who(const struct conn *c)
{
	struct log_who w = { .peer = c->peer, .link = c->link,
			     .layer = "conn" };

	return w;
}

/* ---- pcap ---------------------------------------------------------------- */

/* pcap_fail - a capture write failed: say so once and stop capturing */
static void pcap_fail(struct conn *c, int rc)
{
	struct log_who w = who(c);

	log_ev(LOG_WARNING, EV_PCAP_ERROR, &w, "capture to %s stopped: %s",
	       pcapw_path(c->pcap), strerror(-rc));
	pcapw_close(c->pcap);
	c->pcap = NULL;
}

void conn_pcap_data(struct conn *c, int from, const void *p, size_t n)
{
	int rc;

	if (c->pcap && (rc = pcapw_data(c->pcap, from, p, n)))
		pcap_fail(c, rc);
}

void conn_pcap_fin(struct conn *c, int from)
{
	int rc;

	if (c->pcap && (rc = pcapw_fin(c->pcap, from)))
		pcap_fail(c, rc);
}

void conn_pcap_rst(struct conn *c, int from)
{
	int rc;

	if (c->pcap && (rc = pcapw_rst(c->pcap, from)))
		pcap_fail(c, rc);
}

int conn_pcap_hold(struct conn *c, size_t max)
{
	int err;

	if (c->state != CS_WAIT_START && c->state != CS_OPEN)
		return UV_ENOTCONN;
	pcapw_close(c->pcap);
	c->pcap = pcapw_open_mem((struct sockaddr *)&c->lsa,
				 (struct sockaddr *)&c->psa, c->outbound, max,
				 &err);
	return c->pcap ? 0 : err;
}

/* pcap_to - capture to path: what was held, or from now on */
static int pcap_to(struct conn *c, const char *path)
{
	int err;

	if (c->pcap && pcapw_held(c->pcap)) {
		if ((err = pcapw_save(c->pcap, path)) == 0)
			return 0;
		pcapw_close(c->pcap);
		c->pcap = NULL;
		return err;
	}
	pcapw_close(c->pcap);
	c->pcap = pcapw_open(path, (struct sockaddr *)&c->lsa,
			     (struct sockaddr *)&c->psa, c->outbound, &err);
	return c->pcap ? 0 : err;
}

int conn_pcap(struct conn *c, const char *path)
{
	struct log_who w = who(c);
	int err;

	if (path == NULL) {		/* stop capturing */
		pcapw_close(c->pcap);
		c->pcap = NULL;
		return 0;
	}
	if (c->state != CS_WAIT_START && c->state != CS_OPEN)
		return UV_ENOTCONN;
	if ((err = pcap_to(c, path)) != 0) {
		log_ev(LOG_WARNING, EV_PCAP_ERROR, &w, "cannot capture to "
		       "%s: %s", path, err == -EFBIG ? "the connection's start "
		       "was more than could be held" : strerror(-err));
		return err;
	}
	log_ev(LOG_INFO, EV_PCAP_START, &w, "capturing %s <-> %s to %s%s",
	       c->local, c->peer, path, c->tls ? " (the decrypted stream "
	       "inside TLS: what goes into and comes out of TLS)" : "");
	return 0;
}

int conn_pcap_redact(struct conn *c, int from_peer, const void *secret,
		     size_t n)
{
	if (c->pcap == NULL || !pcapw_held(c->pcap))
		return -1;
	return pcapw_redact(c->pcap, from_peer ? PCAPW_FROM_PEER :
			    PCAPW_FROM_LOCAL, secret, n);
}

int conn_pcap_held(const struct conn *c)
{
	return c->pcap != NULL && pcapw_held(c->pcap);
}
