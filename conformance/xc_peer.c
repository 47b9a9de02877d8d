/*
 * xc_peer.c - x400conf as the calling MTA
 *
 * See xc_peer.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"
#include "xc_build.h"
#include "xc_decode.h"
#include "xc_inbox.h"
#include "xc_peer.h"

#define CLOSE_WAIT_MS	3000	/* the target should close by then */
#define TRICKLE_MS	1

static const struct conn_cbs peer_cbs;

const char *xc_open_name(enum xc_open o)
{
	static const char *const n[] = {
		"opened", "refused", "aborted", "closed", "timeout",
		"no connection"
	};

	return (unsigned)o < 6 ? n[o] : "?";
}

void xc_peer_opts_init(struct xc *x, struct xc_peer_opts *o)
{
	const struct xc_cfg *c = &x->cfg;

	memset(o, 0, sizeof(*o));
	o->mode = c->t_mode;
	o->app_protocol = c->t_x410_ap;
	o->bind_bare = c->t_x410_bare;
	o->checkpoint = 0;
	memcpy(o->called_tsel.sel, c->t_tsel.v, c->t_tsel.len);
	o->called_tsel.len = c->t_tsel.len;
	o->called_ssel = c->t_ssel;
	o->called_psel = c->t_psel;
}

/* ---- the connection ------------------------------------------------ */

static void on_connected(struct conn *c, int status, void *arg)
{
	struct xc_peer *p = arg;

	(void)c;
	if (status == 0)
		p->connected = 1;
	else
		p->conn_status = status;
}

static void on_read(struct conn *c, const uint8_t *data, size_t n, void *arg)
{
	struct xc_peer *p = arg;

	(void)c;
	if (!p->osi_on) {
		buf_add(&p->rx, data, n);
		return;
	}
	{
		size_t off = 0, used, len;
		const uint8_t *tp;

		while (off < n && tpkt_rx_feed(&p->tap, data + off, n - off,
					       &used, &tp, &len) >= 0) {
			off += used;
			if (used == 0)
				break;
			if (len > p->max_tpdu_in)
				p->max_tpdu_in = len;
			p->ntpdu_in++;
		}
	}
	if (p->osi.close != OSI_OPEN)
		return;		/* input after the end: ignored */
	if (osi_input(&p->osi, data, n) != 0) {
		snprintf(p->why, sizeof(p->why), "%s", p->osi.why);
		xc_note(p->x, "our stack found a protocol error in what the "
			"target sent: %s", p->osi.why);
	}
	xc_peer_flush(p);
}

static void on_eof(struct conn *c, int status, void *arg)
{
	struct xc_peer *p = arg;

	p->eof = status ? status : 1;
	if (p->osi_on && p->osi_ready && p->osi.close == OSI_OPEN)
		osi_transport_lost(&p->osi);
	conn_close(c);
	p->closing = 1;
}

static void on_drained(struct conn *c, void *arg)
{
	(void)c;
	(void)arg;
}

static void on_timeout(struct conn *c, void *arg)
{
	(void)arg;
	conn_abort(c);	/* the target did not close after our DN/RF */
}

static void on_closed(struct conn *c, void *arg)
{
	struct xc_peer *p = arg;

	(void)c;
	p->closed = 1;
	p->c = NULL;
	if (!p->eof)
		p->eof = 1;
}

static const struct conn_cbs peer_cbs = {
	on_connected, on_read, on_eof, on_drained, on_timeout, on_closed
};

static int is_connected_or_failed(void *arg)
{
	struct xc_peer *p = arg;

	return p->connected || p->conn_status || p->closed;
}

struct xc_peer *xc_peer_new(struct xc *x, const struct xc_peer_opts *o)
{
	struct xc_peer *p = XNEW(struct xc_peer);
	struct conn_opts co;
	const char *host;
	unsigned port;
	int rc;

	p->x = x;
	p->o = *o;
	p->bind_error = -1;
	tpkt_rx_init(&p->tap, TPKT_MAX_LEN);
	p->next = x->peers;
	x->peers = p;
	uv_timer_init(x->loop, &p->tick);
	p->tick.data = p;
	memset(&co, 0, sizeof(co));
	co.link = "x400conf";
	co.pcap = xc_pcap_part(x);
	if (x->cfg.u_source[0]) {
		co.src = x->cfg.u_source;
		co.enforce = 1;
	}
	co.tls = o->tls;
	host = o->host ? o->host : x->cfg.t_host;
	port = o->host ? o->port : x->cfg.t_port;
	rc = conn_connect(x->loop, host, port, &co, &peer_cbs, p, &p->c);
	if (rc != 0) {
		p->conn_status = rc;
		p->closed = 1;
		p->c = NULL;
		xc_note(x, "cannot connect to %s:%u: %s", host, port,
			conn_strerror(rc));
		return p;
	}
	if (!xc_wait(x, is_connected_or_failed, p, x->cfg.answer_ms)) {
		xc_note(x, "no %s connection to %s:%u within %u ms",
			o->tls ? "TLS" : "TCP", host, port, x->cfg.answer_ms);
		conn_abort(p->c);
	} else if (!p->connected) {
		xc_note(x, "%s connection to %s:%u failed: %s",
			o->tls ? "TLS" : "TCP", host, port,
			conn_strerror(p->conn_status));
	}
	return p;
}

static void on_tick_closed(uv_handle_t *h)
{
	struct xc_peer *p = h->data;

	p->tick_closed = 1;
}

static int peer_closed(void *arg)
{
	struct xc_peer *p = arg;

	return p->closed;
}

static int peer_gone(void *arg)
{
	struct xc_peer *p = arg;

	return p->closed && p->tick_closed;
}

void xc_peer_free(struct xc_peer *p)
{
	struct xc *x = p->x;
	struct xc_peer **pp;

	for (pp = &x->peers; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	if (p->c && !p->closed && p->closing)
		xc_wait(x, peer_closed, p, 500);	/* our FIN is out */
	if (p->c && !p->closed)
		conn_abort(p->c);
	uv_timer_stop(&p->tick);
	uv_close((uv_handle_t *)&p->tick, on_tick_closed);
	if (!xc_wait(x, peer_gone, p, 10000))
		panic("x400conf: a connection did not close");
	if (p->osi_ready)
		osi_free(&p->osi);
	buf_free(&p->rx);
	buf_free(&p->bind_data);
	buf_free(&p->slow);
	tpkt_rx_free(&p->tap);
	free(p);
}

void xc_peer_free_all(struct xc *x)
{
	while (x->peers)
		xc_peer_free(x->peers);
}

/* ---- writing ------------------------------------------------------- */

static void on_tick(uv_timer_t *t)
{
	struct xc_peer *p = t->data;

	if (p->c == NULL || p->closed || buf_avail(&p->slow) == 0) {
		uv_timer_stop(t);
		p->tick_on = 0;
		if (p->c && !p->closed && p->osi_ready &&
		    p->osi.close == OSI_CLOSE_NOW) {
			conn_close(p->c);	/* what flush held back */
			p->closing = 1;
		}
		return;
	}
	conn_write(p->c, buf_ptr(&p->slow), 1);
	buf_consume(&p->slow, 1);
}

/* put - write, or queue for the trickle */
static void put(struct xc_peer *p, const void *data, size_t n)
{
	if (p->c == NULL || p->closed || n == 0)
		return;
	if (p->o.trickle) {
		buf_add(&p->slow, data, n);
		if (!p->tick_on) {
			p->tick_on = 1;
			uv_timer_start(&p->tick, on_tick, TRICKLE_MS,
				       TRICKLE_MS);
		}
		return;
	}
	conn_write(p->c, data, n);
}

void xc_peer_write(struct xc_peer *p, const void *data, size_t n)
{
	put(p, data, n);
}

void xc_peer_flush(struct xc_peer *p)
{
	if (!p->osi_ready)
		return;
	osi_settle(&p->osi);
	if (buf_avail(&p->osi.out)) {
		if (p->mutate)
			p->mutate(p, &p->osi.out, p->mutate_arg);
		put(p, buf_ptr(&p->osi.out), buf_avail(&p->osi.out));
		buf_reset(&p->osi.out);
	}
	if (p->c == NULL || p->closed)
		return;
	if (p->osi.close == OSI_CLOSE_NOW && !p->o.trickle) {
		conn_close(p->c);
		p->closing = 1;
	}
	else if (p->osi.close == OSI_CLOSE_WAIT)
		conn_timer(p->c, CLOSE_WAIT_MS);
}

void xc_peer_raw(struct xc_peer *p)
{
	p->osi_on = 0;
}

/* ---- the stack ----------------------------------------------------- */

static void on_rtse(void *arg, const struct rtse_ind *ind)
{
	struct xc_peer *p = arg;
	struct xc *x = p->x;

	switch (ind->type) {
	case RTSE_OPEN_CONF:
		p->opened = 1;
		buf_add(&p->bind_data, ind->data, ind->len);
		break;
	case RTSE_OPEN_REFUSED:
		p->refused = 1;
		p->refuse_reason = ind->reason;
		buf_add(&p->bind_data, ind->data, ind->len);
		if (ind->len)
			p->bind_error = xc_bind_error(ind->data, ind->len);
		snprintf(p->why, sizeof(p->why), "%s", p->osi.rtse.why[0] ?
			 p->osi.rtse.why : p->osi.why[0] ? p->osi.why :
			 "refused");
		break;
	case RTSE_TRANSFER_IND:
		/* the target sends us something on our association (TWA):
		 * it goes to the inbox like any relayed APDU */
		xc_inbox_take(x, ind->data, ind->len, p->o.mode, "our "
			      "association");
		rtse_transfer_rsp(&p->osi.rtse, 1);
		break;
	case RTSE_TRANSFER_CONF:
		p->nconf++;
		break;
	case RTSE_TRANSFER_FAILED:
		p->nfailed++;
		break;
	case RTSE_TURN_PLEASE_IND:
		if (!rtse_busy(&p->osi.rtse))
			rtse_turn_give_req(&p->osi.rtse);
		break;
	case RTSE_TURN_GIVE_IND:
		p->nturn++;
		break;
	case RTSE_CLOSE_IND:
		rtse_close_rsp(&p->osi.rtse);
		p->released = 1;
		break;
	case RTSE_CLOSE_CONF:
		p->released = 1;
		break;
	case RTSE_ABORT_IND:
		p->aborted = 1;
		p->peer_aborted = ind->peer;
		p->abort_reason = ind->reason;
		snprintf(p->why, sizeof(p->why), "%s", p->osi.rtse.why[0] ?
			 p->osi.rtse.why : "aborted");
		break;
	case RTSE_NOTICE_IND:
		xc_note(x, "stack: %.*s", (int)ind->len,
			(const char *)ind->data);
		snprintf(p->notice, sizeof(p->notice), "%.*s", (int)ind->len,
			 (const char *)ind->data);
		break;
	default:
		break;
	}
}

static int open_done(void *arg)
{
	struct xc_peer *p = arg;

	return p->opened || p->refused || p->aborted || p->closed ||
	    p->eof;
}

/* unwrap16 - the MTA-bind argument bare: X.410 (1984) has no [16]
 *	around it (docs/editions.md row 3); left alone if it has none */
static void unwrap16(const void **bind, size_t *n)
{
	const unsigned char *d = *bind;
	size_t len = 0, h = 2, i;

	if (*n < 2 || d[0] != 0xb0)
		return;
	if (d[1] < 0x80) {
		len = d[1];
	} else if (d[1] > 0x80 && d[1] <= 0x84 && *n >= 2u + (d[1] & 0x7f)) {
		h = 2u + (d[1] & 0x7f);
		for (i = 2; i < h; i++)
			len = len << 8 | d[i];
	} else {
		return;
	}
	if (h + len != *n)
		return;
	*bind = d + h;
	*n = len;
}

enum xc_open xc_peer_open(struct xc_peer *p, const void *bind, size_t n)
{
	struct xc *x = p->x;
	struct osi_cfg oc;
	char host[80];

	if (!p->connected || p->closed)
		return XC_NOCONN;
	memset(&oc, 0, sizeof(oc));
	oc.role = RTSE_INITIATOR;
	oc.rtse.mode = p->o.mode;
	oc.rtse.dialogue = p->o.dialogue;
	oc.rtse.initial_turn_responder = p->o.turn_responder;
	oc.rtse.checkpoint = p->o.checkpoint;
	oc.rtse.window = p->o.window;
	oc.rtse.application_protocol = p->o.app_protocol;
	oc.rtse.recovery = 1;
	oc.rtse.max_apdu = 80u << 20;
	memcpy(oc.rtse.called_ssel, p->o.called_ssel.v, p->o.called_ssel.len);
	oc.rtse.called_ssel_len = p->o.called_ssel.len;
	memcpy(oc.rtse.called_psel, p->o.called_psel.v, p->o.called_psel.len);
	oc.rtse.called_psel_len = p->o.called_psel.len;
	oc.called_tsel = p->o.called_tsel;
	oc.calling_tsel = p->o.calling_tsel;
	snprintf(host, sizeof(host), "%s", conn_peer(p->c));
	oc.peer = host;
	oc.link = "x400conf";
	osi_init(&p->osi, &oc, on_rtse, p);
	p->osi_ready = 1;
	p->osi_on = 1;
	if (p->o.max_tpdu)
		p->osi.tp.cotp.max_tpdu = p->o.max_tpdu;
	if (p->o.ses_versions)
		p->osi.rtse.ses.cfg.versions = p->o.ses_versions;
	if (buf_avail(&p->rx)) {
		/* what came in raw mode first */
		struct buf early = p->rx;

		memset(&p->rx, 0, sizeof(p->rx));
		osi_input(&p->osi, buf_ptr(&early), buf_avail(&early));
		buf_free(&early);
	}
	if (p->o.mode == RTSE_X410 && p->o.bind_bare)
		unwrap16(&bind, &n);
	if (osi_connect(&p->osi, bind, n) != 0)
		panic("x400conf: cannot start the RT-OPEN");
	xc_peer_flush(p);
	if (!xc_wait(x, open_done, p, x->cfg.answer_ms))
		return XC_TIMEOUT;
	if (p->opened)
		return XC_OPENED;
	if (p->refused)
		return XC_REFUSED;
	if (p->aborted)
		return XC_ABORTED;
	snprintf(p->why, sizeof(p->why), "the target closed the connection "
		 "without answering");
	return XC_CLOSED;
}

enum xc_open xc_peer_bind(struct xc_peer *p)
{
	struct xc *x = p->x;
	struct xc_bind b;
	struct buf arg = BUF_INIT;
	enum xc_open rc;

	memset(&b, 0, sizeof(b));
	b.authenticated = 1;
	b.name = x->cfg.u_mta;
	b.pw = x->cfg.u_password;
	b.pwlen = strlen(x->cfg.u_password);
	xc_bind_arg(&b, &arg);
	rc = xc_peer_open(p, buf_ptr(&arg), buf_avail(&arg));
	buf_free(&arg);
	return rc;
}

struct xfer_wait {
	struct xc_peer	*p;
	unsigned	conf, failed, turn;
};

static int xfer_done(void *arg)
{
	struct xfer_wait *w = arg;
	struct xc_peer *p = w->p;

	return p->nconf != w->conf || p->nfailed != w->failed ||
	    p->nturn != w->turn || p->aborted || p->closed || p->eof;
}

int xc_peer_transfer(struct xc_peer *p, const void *apdu, size_t n,
		     unsigned ms)
{
	struct xfer_wait w = { p, p->nconf, p->nfailed, p->nturn };
	int rc;

	if (!p->opened || p->closed || p->aborted)
		return -1;
	rc = rtse_transfer_req(&p->osi.rtse, apdu, n, NULL);
	if (rc == RTSE_E_TURN) {
		/* X.228 9.4: ask for the turn, wait for it */
		rtse_turn_please_req(&p->osi.rtse, 0);
		xc_peer_flush(p);
		if (!xc_wait(p->x, xfer_done, &w, p->x->cfg.answer_ms) ||
		    p->nturn == w.turn) {
			snprintf(p->why, sizeof(p->why), "the target did not "
				 "give the turn within %u ms",
				 p->x->cfg.answer_ms);
			return p->aborted || p->closed ? -1 : -2;
		}
		w.turn = p->nturn;
		rc = rtse_transfer_req(&p->osi.rtse, apdu, n, NULL);
	}
	if (rc != 0) {
		snprintf(p->why, sizeof(p->why), "our RTSE cannot start the "
			 "transfer (%d)", rc);
		return -1;
	}
	xc_peer_flush(p);
	if (!xc_wait(p->x, xfer_done, &w, ms ? ms : p->x->cfg.answer_ms))
		return -2;
	if (p->nconf != w.conf)
		return 1;
	if (p->nfailed != w.failed)
		return 0;
	return -1;
}

static int release_done(void *arg)
{
	struct xc_peer *p = arg;

	return p->closed || p->aborted || p->released;
}

static int turn_came(void *arg)
{
	struct xc_peer *p = arg;

	return p->osi.rtse.turn || p->closed || p->aborted;
}

int xc_peer_release(struct xc_peer *p)
{
	if (!p->opened || p->closed || p->aborted)
		return 0;
	if (p->osi.rtse.twa && !p->osi.rtse.turn) {
		rtse_turn_please_req(&p->osi.rtse, 0);
		xc_peer_flush(p);
		xc_wait(p->x, turn_came, p, p->x->cfg.answer_ms);
	}
	if (rtse_close_req(&p->osi.rtse) != 0) {
		snprintf(p->why, sizeof(p->why), "our RTSE cannot release "
			 "now (state %s)", rtse_state_name(p->osi.rtse.state));
		return 0;
	}
	xc_peer_flush(p);
	if (!xc_wait(p->x, release_done, p, p->x->cfg.answer_ms)) {
		snprintf(p->why, sizeof(p->why), "no release confirmation "
			 "and no close within %u ms", p->x->cfg.answer_ms);
		return 0;
	}
	return p->released && !p->aborted;
}

void xc_peer_abort(struct xc_peer *p)
{
	if (p->osi_ready && p->osi.close == OSI_OPEN) {
		rtse_abort_req(&p->osi.rtse, RTSE_AB_USER);
		xc_peer_flush(p);
	}
	if (p->c && !p->closed) {
		conn_close(p->c);
		p->closing = 1;
	}
}

/* ---- raw mode ------------------------------------------------------ */

/* tsdu_refuses - a TSDU whose first SPDU ends the connection: AB, RF,
 *	or (for safety) DN */
static int tsdu_refuses(const unsigned char *p, size_t n)
{
	return n >= 1 && (p[0] == SES_SI_AB || p[0] == SES_SI_RF);
}

struct tpdu_wait {
	struct xc_peer	*p;
};

/* have_tpdu - p->rx holds a whole TPKT, or something that is none */
static int have_tpdu(void *arg)
{
	struct xc_peer *p = arg;
	const unsigned char *d = buf_ptr(&p->rx);
	size_t n = buf_avail(&p->rx);

	if (n >= 1 && d[0] != 3)
		return 1;
	if (n >= 4 && n >= (size_t)((d[2] << 8) | d[3]))
		return 1;
	return p->closed || p->eof;
}

int xc_peer_tpdu(struct xc_peer *p, unsigned ms, struct buf *tpdu)
{
	const unsigned char *d;
	size_t n, len;

	buf_reset(tpdu);
	if (!have_tpdu(p))
		xc_wait(p->x, have_tpdu, p, ms);
	d = buf_ptr(&p->rx);
	n = buf_avail(&p->rx);
	if (n >= 1 && d[0] != 3) {
		buf_add(tpdu, d, n);
		buf_consume(&p->rx, n);
		return -2;
	}
	if (n >= 4 && n >= (len = (size_t)((d[2] << 8) | d[3])) &&
	    len >= 4) {
		buf_add(tpdu, d + 4, len - 4);
		buf_consume(&p->rx, len);
		return 1;
	}
	return p->closed || p->eof ? -1 : 0;
}

static int ended(void *arg)
{
	struct xc_peer *p = arg;

	return p->closed || p->eof;
}

int xc_peer_wait_end(struct xc_peer *p, unsigned ms)
{
	return xc_wait(p->x, ended, p, ms);
}

int xc_peer_outcome(struct xc_peer *p, unsigned ms, char *out, size_t len)
{
	struct buf tpdu = BUF_INIT, tsdu = BUF_INIT, line = BUF_INIT;
	double until = xc_now(p->x) + ms / 1000.0;
	int rc, end = 0, bits = 0;

	xc_peer_raw(p);
	for (;;) {
		double left = until - xc_now(p->x);

		rc = xc_peer_tpdu(p, left > 0 ? (unsigned)(left * 1000) : 0,
				  &tpdu);
		if (rc == 1) {
			const unsigned char *d = buf_ptr(&tpdu);
			size_t n = buf_avail(&tpdu);

			if (n >= 3 && (d[1] & 0xf0) == 0xf0) {
				/* DT: gather the TSDU */
				buf_add(&tsdu, d + 3, n - 3);
				if (!(d[2] & 0x80))
					continue;
				if (buf_avail(&line))
					buf_add(&line, "; ", 2);
				buf_add(&line, "DT ", 3);
				xc_tsdu_brief(buf_ptr(&tsdu), buf_avail(&tsdu),
					      -1, &line);
				bits |= tsdu_refuses(buf_ptr(&tsdu),
						     buf_avail(&tsdu)) ?
				    XC_OUT_REFUSED : XC_OUT_OTHER;
				buf_reset(&tsdu);
				continue;
			}
			if (buf_avail(&line))
				buf_add(&line, "; ", 2);
			xc_tpdu_brief(d, n, &line);
			bits |= n >= 2 && ((d[1] & 0xf0) == 0x70 ||
					   (d[1] & 0xf0) == 0x80) ?
			    XC_OUT_REFUSED : XC_OUT_OTHER;
			continue;
		}
		if (rc == -2) {
			char b[80];

			snprintf(b, sizeof(b), "%s%zu octets that are not a "
				 "TPKT", buf_avail(&line) ? "; " : "",
				 buf_avail(&tpdu));
			buf_add(&line, b, strlen(b));
			bits |= XC_OUT_OTHER;
			xc_peer_wait_end(p, (unsigned)(left > 0 ? left * 1000 :
						       0));
			continue;
		}
		end = rc == -1;
		break;
	}
	buf_add(&line, buf_avail(&line) ? "; " : "", buf_avail(&line) ? 2 : 0);
	if (end)
		buf_add(&line, "connection closed", 17);
	else
		buf_add(&line, "connection still open", 21);
	snprintf(out, len, "%.*s", (int)buf_avail(&line),
		 (const char *)buf_ptr(&line));
	buf_free(&tpdu);
	buf_free(&tsdu);
	buf_free(&line);
	return bits | (end ? XC_OUT_CLOSED : 0);
}

int xc_expect_abort(struct xc_peer *p, const char *what)
{
	struct xc *x = p->x;
	char desc[900];
	int o;

	o = xc_peer_outcome(p, x->cfg.answer_ms, desc, sizeof(desc));
	xc_note(x, "after %s the target sent: %s", what, desc);
	if (o & (XC_OUT_CLOSED | XC_OUT_REFUSED))
		return 1;
	xc_fail(x, "after %s the target neither refused nor closed the "
		"connection within %u s (it sent: %s)", what,
		x->cfg.answer_ms / 1000, desc);
	return 0;
}

struct xc_peer *xc_peer_bound(struct xc *x, const struct xc_peer_opts *o)
{
	struct xc_peer *p = xc_peer_new(x, o);
	enum xc_open rc;

	if (!p->connected) {
		xc_fail(x, "cannot connect to the target at %s:%u",
			x->cfg.t_host, x->cfg.t_port);
		xc_peer_free(p);
		return NULL;
	}
	rc = xc_peer_bind(p);
	if (rc != XC_OPENED) {
		xc_fail(x, "the target did not accept our association and "
			"MTA-bind: %s%s%s", xc_open_name(rc), p->why[0] ?
			": " : "", p->why);
		xc_peer_free(p);
		return NULL;
	}
	return p;
}
