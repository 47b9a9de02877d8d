/*
 * conn_open.c - how a connection begins: connecting out, listening and
 *		 accepting
 *
 * See conn.h and conn.c (the life of a struct conn). Outbound: the
 * source address bound first when one is configured (a failure to use
 * it logged, and either fatal or a fall-back to the OS's choice, as the
 * link's enforce rule says), then the connect; the user's connected()
 * comes from a callback, or through the defer timer when the failure
 * is found inside conn_connect(). Inbound: one listening socket per
 * configured address, each accepted connection handed to the
 * listener's user in WAIT_START until conn_start().
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conn.h"
#include "conn_int.h"
#include "conn_tls.h"
#include "log.h"
#include "xalloc.h"

/* ---- outbound ---------------------------------------------------------- */

static void start_connect(struct conn *c);

/* names - both addresses of a connected or accepted socket */
static void names(struct conn *c)
{
	int len = sizeof(c->lsa);

	uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&c->lsa, &len);
	len = sizeof(c->psa);
	uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->psa, &len);
	conni_sa_name((struct sockaddr *)&c->lsa, c->local_addr, c->local,
		&c->local_port);
	conni_sa_name((struct sockaddr *)&c->psa, c->peer_addr, c->peer, NULL);
}

/* srcaddr_unusable - the enforce rule (issue 6): log, and return 1 if
 *	the attempt goes on from the address the OS chooses */
static int srcaddr_unusable(struct conn *c, int rc)
{
	struct log_who w = conni_who(c);

	if (c->enforce) {
		log_ev(LOG_ERR, EV_SRCADDR_UNAVAILABLE, &w, "source address "
		       "%s cannot be used (%s): not connecting to %s; this is "
		       "a local configuration error, not the peer's fault",
		       c->src_str, uv_strerror(rc), c->peer);
		return 0;
	}
	log_ev(LOG_WARNING, EV_SRCADDR_FALLBACK, &w, "source address %s "
	       "cannot be used (%s); connecting to %s from the address the "
	       "OS chooses", c->src_str, uv_strerror(rc), c->peer);
	c->fallback = 1;
	return 1;
}

static void on_reopened(uv_handle_t *h)
{
	struct conn *c = container_of(h, struct conn, tcp);

	c->reopening = 0;
	if (c->state == CS_CLOSED) {	/* aborted meanwhile */
		conni_hclose(h);
		return;
	}
	uv_tcp_init(c->loop, &c->tcp);
	start_connect(c);
}

static void on_connect(uv_connect_t *req, int status)
{
	struct conn *c = container_of(req, struct conn, creq);
	struct log_who w;

	if (c->state != CS_CONNECTING)
		return;			/* closed by the user meanwhile */
	if (status == UV_EADDRNOTAVAIL && c->have_src && !c->fallback) {
		/* the source address failed late, in connect() */
		if (!srcaddr_unusable(c, status)) {
			conni_fail_connect(c, CONN_E_SRCADDR);
			return;
		}
		c->reopening = 1;
		uv_close((uv_handle_t *)&c->tcp, on_reopened);
		return;
	}
	if (status < 0) {
		w = conni_who(c);
		log_ev(LOG_NOTICE, EV_CONN_FAILED, &w, "connect to %s%s%s "
		       "failed: %s", c->peer, c->have_src && !c->fallback ?
		       " from " : "", c->have_src && !c->fallback ?
		       c->src_str : "", uv_strerror(status));
		conni_fail_connect(c, status);
		return;
	}
	names(c);
	w = conni_who(c);
	log_ev(LOG_INFO, EV_CONN_CONNECTED, &w, "connected to %s from local "
	       "address %s (%s%s%s)", c->peer, c->local,
	       !c->have_src ? "chosen by the OS" :
	       c->fallback ? "chosen by the OS; configured source " :
	       "configured source ", c->have_src ? c->src_str : "",
	       c->have_src && c->fallback ? " unavailable" : "");
	c->state = CS_OPEN;
	/* every TPKT goes out at once: a small confirmation must not wait
	 * for the ACK of the previous segment (Nagle) */
	(void)uv_tcp_nodelay(&c->tcp, 1);
	if (c->pcap_path)
		(void)conn_pcap(c, c->pcap_path);
	conni_read_start(c);
	if (c->tls) {			/* connected() once it is up */
		ctls_start(c->tls);
		return;
	}
	if (c->cbs.connected)
		c->cbs.connected(c, 0, c->arg);
}

/* start_connect - bind the source (unless falling back), connect */
static void start_connect(struct conn *c)
{
	int rc;

	if (c->have_src && !c->fallback) {
		if (c->src.ss_family != c->dst.ss_family)
			rc = UV_EAFNOSUPPORT;
		else
			rc = uv_tcp_bind(&c->tcp, (struct sockaddr *)&c->src,
					 0);
		if (rc < 0 && !srcaddr_unusable(c, rc)) {
			conni_defer_fail(c, CONN_E_SRCADDR);
			return;
		}
	}
	rc = uv_tcp_connect(&c->creq, &c->tcp, (struct sockaddr *)&c->dst,
			    on_connect);
	if (rc < 0) {
		struct log_who w = conni_who(c);

		log_ev(LOG_NOTICE, EV_CONN_FAILED, &w, "connect to %s "
		       "failed: %s", c->peer, uv_strerror(rc));
		conni_defer_fail(c, rc);
	}
}

int conn_connect(uv_loop_t *loop, const char *addr, unsigned port,
		 const struct conn_opts *o, const struct conn_cbs *cbs,
		 void *arg, struct conn **out)
{
	struct sockaddr_storage dst, src;
	struct conn *c;

	if (conni_parse_addr(addr, port, &dst))
		return UV_EINVAL;
	if (o && o->src && conni_parse_addr(o->src, 0, &src))
		return UV_EINVAL;
	c = conni_new(loop);
	c->outbound = 1;
	c->state = CS_CONNECTING;
	c->dst = dst;
	if (cbs)
		c->cbs = *cbs;
	c->arg = arg;
	conni_sa_name((struct sockaddr *)&dst, c->peer_addr, c->peer, NULL);
	if (o) {
		if (o->src) {
			c->src = src;
			c->have_src = 1;
			snprintf(c->src_str, sizeof(c->src_str), "%s", o->src);
		}
		c->enforce = o->enforce;
		c->link = o->link ? xstrdup(o->link) : NULL;
		c->pcap_path = o->pcap ? xstrdup(o->pcap) : NULL;
		if (o->tls)
			c->tls = ctls_new(c, o->tls, o->tls_id);
	}
	uv_tcp_init(loop, &c->tcp);
	start_connect(c);
	*out = c;
	return 0;
}

/* ---- inbound ----------------------------------------------------------- */

static void on_connection(uv_stream_t *server, int status)
{
	struct lsock *ls = container_of(server, struct lsock, tcp);
	struct conn_listener *l = ls->l;
	struct log_who w = { .peer = NULL, .layer = "conn" };
	struct conn *c;
	int rc;

	if (status < 0) {
		log_ev(LOG_WARNING, EV_CONN_LISTEN_FAILED, &w, "accept on %s "
		       "failed: %s", ls->name, uv_strerror(status));
		return;
	}
	c = conni_new(l->loop);
	c->state = CS_WAIT_START;
	uv_tcp_init(l->loop, &c->tcp);
	if ((rc = uv_accept(server, (uv_stream_t *)&c->tcp)) < 0) {
		log_ev(LOG_WARNING, EV_CONN_LISTEN_FAILED, &w, "accept on %s "
		       "failed: %s", ls->name, uv_strerror(rc));
		conni_close_handles(c, 0);
		return;
	}
	(void)uv_tcp_nodelay(&c->tcp, 1);	/* as in on_connect() */
	names(c);
	w = conni_who(c);
	/* at debug: the listener's user logs what matters (an accepted
	 * bind, or a count of refusals) */
	log_ev(LOG_DEBUG, EV_CONN_ACCEPTED, &w, "connection from %s to %s%s",
	       c->peer, c->local, l->tls ? " (TLS)" : "");
	if (l->tls) {
		c->tls = ctls_new(c, l->tls, NULL);
		c->tls_check = l->tls_check;
		c->tls_check_arg = l->tls_check_arg;
	}
	l->fn(c, l->arg);
}

void conn_start(struct conn *c, const struct conn_cbs *cbs, void *arg)
{
	if (c->state != CS_WAIT_START)
		panic("conn_start: connection not waiting to start");
	if (cbs)
		c->cbs = *cbs;
	c->arg = arg;
	c->state = CS_OPEN;
	conni_read_start(c);
}

void conn_set_quiet(struct conn *c, int quiet)
{
	c->quiet = quiet;
}

void conn_set_link(struct conn *c, const char *link)
{
	free(c->link);
	c->link = link ? xstrdup(link) : NULL;
}

static void on_lclose(uv_handle_t *h)
{
	struct lsock *ls = container_of(h, struct lsock, tcp);
	struct conn_listener *l = ls->l;

	if (--l->nclose == 0) {
		free(l->socks);
		free(l);
	}
}

void conn_listener_close(struct conn_listener *l)
{
	size_t i;

	l->nclose = (int)l->n;
	for (i = 0; i < l->n; i++)
		uv_close((uv_handle_t *)&l->socks[i].tcp, on_lclose);
}

int conn_listen(uv_loop_t *loop, const char *const *addrs, size_t n,
		unsigned port, conn_accept_fn *fn, void *arg,
		struct conn_listener **out)
{
	struct conn_listener *l;
	struct log_who w = { .layer = "conn" };
	size_t i;
	int rc = 0;

	if (n == 0)
		return UV_EINVAL;
	l = XNEW(struct conn_listener);
	l->loop = loop;
	l->fn = fn;
	l->arg = arg;
	l->socks = xcalloc(n, sizeof(*l->socks));
	for (i = 0; i < n; i++) {
		struct lsock *ls = &l->socks[i];
		struct sockaddr_storage ss;
		int len = sizeof(ss);

		ls->l = l;
		uv_tcp_init(loop, &ls->tcp);
		l->n++;
		if ((rc = conni_parse_addr(addrs[i], port, &ss)) == 0)
			rc = uv_tcp_bind(&ls->tcp, (struct sockaddr *)&ss,
					 ss.ss_family == AF_INET6 ?
					 UV_TCP_IPV6ONLY : 0);
		if (rc == 0)
			rc = uv_listen((uv_stream_t *)&ls->tcp, 128,
				       on_connection);
		if (rc == 0)
			rc = uv_tcp_getsockname(&ls->tcp,
						(struct sockaddr *)&ss, &len);
		if (rc < 0) {
			log_ev(LOG_ERR, EV_CONN_LISTEN_FAILED, &w, "cannot "
			       "listen on %s port %u: %s", addrs[i], port,
			       uv_strerror(rc));
			conn_listener_close(l);
			return rc;
		}
		conni_sa_name((struct sockaddr *)&ss, NULL, ls->name, &ls->port);
		log_ev(LOG_INFO, EV_CONN_LISTEN, &w, "listening on %s",
		       ls->name);
	}
	*out = l;
	return 0;
}

unsigned conn_listener_port(const struct conn_listener *l, size_t i)
{
	return i < l->n ? l->socks[i].port : 0;
}

