/*
 * assoc.c - one P1 association on the libuv loop
 *
 * See assoc.h. The connection (conn.c) carries bytes; the OSI stack
 * (osi.c) turns them into RTSE indications; this module adds the MTA
 * bind of X.411 12.1 and the association's timers, and logs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assoc.h"
#include "p1_bind.h"
#include "codec.h"
#include "log.h"
#include "xalloc.h"


#define DEFAULT_OPEN_MS		60000
#define CLOSE_WAIT_MS		10000	/* the peer should release by then */
#define PCAP_HOLD		(64u << 10)	/* an outbound capture held until
						 * the bind is over: CR, CC,
						 * both binds */

enum phase { PH_CONNECTING, PH_BINDING, PH_BOUND, PH_ENDING };

struct assoc {
	struct assoc_cfg cfg;
	struct assoc_cbs cbs;
	void		*arg;
	struct conn	*conn;
	struct osi	osi;
	int		osi_ready;
	enum phase	phase;
	enum assoc_end	how;
	char		why[512];
	int		ended;		/* ended() has been called */
	int		want_release;
	int		connect_error;	/* the connection failed: why */
	uint64_t	t_open;		/* uv_hrtime() at assoc_open */
	int64_t		connect_ms;	/* open to connected, -1 not yet */
	int		in_cb;		/* inside an osi/rtse callback */
	char		link[64];
	char		pcap[512];
	struct assoc_bind peer;
	int		peer_bare;	/* the peer's bind value came bare */
	int		peer_bad;	/* the peer's bind did not decode */
	int		tls_failed;	/* the connection ended: TLS failed */
	/* TWA: one APDU waiting for the turn */
	struct buf	pending;
	void		*pending_tag;
	int		have_pending;
};

static const struct conn_cbs conn_cbs;
static void pcap_settle(struct assoc *a);

const char *assoc_end_name(enum assoc_end how)
{
	static const char *const n[] = {
		"released", "refused", "aborted", "failed", "timeout"
	};

	return (unsigned)how < 5 ? n[how] : "?";
}

/* layer_of - the layer an event number belongs to (events.h ranges) */
static const char *layer_of(unsigned ev)
{
	if (ev >= 2010 && ev < 2020)
		return "tpkt";
	if (ev >= 2020 && ev < 2100)
		return "cotp";
	if (ev >= 2100 && ev < 2200)
		return "ses";
	if (ev >= 2200 && ev < 2210)
		return "pres";
	if (ev >= 2210 && ev < 2300)
		return "acse";
	if (ev >= 2300 && ev < 2400)
		return "rtse";
	if (ev >= 3000 && ev < 3200)
		return "p1";
	return "conn";
}

static void logv(struct assoc *a, enum log_level lvl, unsigned ev,
		 const char *msg)
{
	struct log_who who = { a->conn ? conn_peer(a->conn) : a->cfg.addr,
			       a->link[0] ? a->link : NULL, layer_of(ev) };

	log_ev(lvl, ev, &who, "%s", msg);
}

/* finish - record how the association ends; the conn closes, then
 *	ended() runs from its closed callback */
static void finish(struct assoc *a, enum assoc_end how, const char *why)
{
	if (a->phase == PH_ENDING)
		return;
	pcap_settle(a);
	a->phase = PH_ENDING;
	a->how = how;
	snprintf(a->why, sizeof(a->why), "%s", why);
}

/* flush - write what the stack produced; close when it says so */
static void flush(struct assoc *a)
{
	if (!a->osi_ready || a->conn == NULL)
		return;
	osi_settle(&a->osi);
	if (buf_avail(&a->osi.out))
		conn_write_buf(a->conn, &a->osi.out);
	if (a->osi.close == OSI_CLOSE_NOW) {
		if (a->phase != PH_ENDING)
			finish(a, ASSOC_ABORTED, "association ended");
		conn_close(a->conn);
	} else if (a->osi.close == OSI_CLOSE_WAIT) {
		if (a->phase != PH_ENDING)
			finish(a, ASSOC_RELEASED, "released by the peer");
		conn_timer(a->conn, CLOSE_WAIT_MS);
	}
}

/* ---- RTSE indications ---------------------------------------- */

static void on_rtse(void *arg, const struct rtse_ind *ind)
{
	struct assoc *a = arg;
	char why[512];

	switch (ind->type) {
	case RTSE_OPEN_IND:
		if (p1_bind_decode(ind->data, ind->len, 0, &a->peer, &a->peer_bare,
			     why, sizeof(why)) != 0) {
			a->peer_bad = 1;
			logv(a, LOG_WARNING, EV_TRANSFER_BAD, why);
			rtse_abort_req(&a->osi.rtse, RTSE_AB_PROTOCOL);
			finish(a, ASSOC_ABORTED, why);
			return;
		}
		a->cbs.bind_ind(a, &a->peer, a->arg);
		return;
	case RTSE_OPEN_CONF:
		if (ind->len && p1_bind_decode(ind->data, ind->len, 1, &a->peer,
					 &a->peer_bare, why, sizeof(why)) != 0) {
			a->peer_bad = 1;
			logv(a, LOG_WARNING, EV_TRANSFER_BAD, why);
			rtse_abort_req(&a->osi.rtse, RTSE_AB_PROTOCOL);
			finish(a, ASSOC_ABORTED, why);
			return;
		}
		a->phase = PH_BOUND;
		snprintf(why, sizeof(why), "bound to MTA \"%s\" from %s "
			 "(%s mode, checkpoint %zu KB, window %u, %s; we "
			 "write X.411 %s; bind %s%s)",
			 a->peer.name, conn_local(a->conn),
			 a->osi.rtse.cfg.mode == RTSE_X410 ? "X.410-1984" :
			 "1988 normal", a->osi.rtse.ckpt / 1024,
			 a->osi.rtse.window, a->osi.rtse.twa ? "TWA" :
			 "monologue", a->cfg.edition ? a->cfg.edition :
			 "1988", a->cfg.bind_bare ? "bare" : "[16]/[17]",
			 a->peer.strong ? ", strong credentials" : "");
		logv(a, LOG_INFO, EV_BIND_DONE, why);
		pcap_settle(a);
		conn_timer(a->conn, a->cfg.idle_ms);
		a->cbs.bound(a, &a->peer, a->arg);
		return;
	case RTSE_OPEN_REFUSED: {
		long e = ind->len ? p1_bind_error_decode(ind->data, ind->len) : -1;

		if (e == ASSOC_BE_AUTHENTICATION)
			snprintf(why, sizeof(why), "the peer refused our "
				 "MTA-bind from %s: %s (%ld): it does not take "
				 "our name \"%s\" with the %s we sent; "
				 "check this link's our_mta and %s against "
				 "what the peer expects",
				 conn_local(a->conn), p1_bind_error_name(e), e,
				 a->cfg.ours.name, a->cfg.ours.strong ?
				 "strong credentials" : "password",
				 a->cfg.ours.strong ? "that the peer's link "
				 "for us has credentials = \"strong\" and "
				 "pins our tls_cert" : "our_password");
		else if (e >= 0)
			snprintf(why, sizeof(why), "the peer refused our "
				 "MTA-bind from %s: %s (%ld)",
				 conn_local(a->conn), p1_bind_error_name(e), e);
		else
			snprintf(why, sizeof(why), "the peer refused the "
				 "association: %s", a->osi.rtse.why[0] ?
				 a->osi.rtse.why : a->osi.why[0] ?
				 a->osi.why : "no reason given");
		logv(a, LOG_WARNING, EV_BIND_REFUSED_BY_PEER, why);
		finish(a, ASSOC_REFUSED, why);
		return;
	}
	case RTSE_TRANSFER_IND:
		conn_timer(a->conn, a->cfg.idle_ms);
		a->cbs.apdu_ind(a, ind->data, ind->len, a->arg);
		return;
	case RTSE_TRANSFER_CONF:
	case RTSE_TRANSFER_FAILED:
		conn_timer(a->conn, a->cfg.idle_ms);
		a->cbs.apdu_conf(a, ind->tag, ind->type == RTSE_TRANSFER_CONF ?
				 ASSOC_OK : ind->reason == RTSE_AB_PERMANENT ?
				 ASSOC_PERMANENT : ASSOC_TEMPORARY, a->arg);
		return;
	case RTSE_TURN_PLEASE_IND:
		if (!rtse_busy(&a->osi.rtse) && !a->have_pending &&
		    !a->want_release)
			rtse_turn_give_req(&a->osi.rtse);
		return;
	case RTSE_TURN_GIVE_IND:
		if (a->want_release && !a->have_pending) {
			a->want_release = 0;
			assoc_release(a);
			return;
		}
		if (a->have_pending) {
			a->have_pending = 0;
			if (rtse_transfer_req(&a->osi.rtse, buf_ptr(&a->pending),
					      buf_avail(&a->pending),
					      a->pending_tag) != 0)
				a->cbs.apdu_conf(a, a->pending_tag, 0, a->arg);
			buf_reset(&a->pending);
		}
		return;
	case RTSE_CLOSE_IND:
		rtse_close_rsp(&a->osi.rtse);
		finish(a, ASSOC_RELEASED, "released by the peer");
		return;
	case RTSE_CLOSE_CONF:
		finish(a, ASSOC_RELEASED, "released");
		return;
	case RTSE_ABORT_IND:
		snprintf(why, sizeof(why), "%s", a->osi.rtse.why[0] ?
			 a->osi.rtse.why : "aborted");
		if (ind->peer && a->osi.rtse.why_event)	/* who aborted */
			logv(a, LOG_NOTICE, a->osi.rtse.why_event, why);
		finish(a, ASSOC_ABORTED, why);
		return;
	case RTSE_NOTICE_IND:
		snprintf(why, sizeof(why), "%.*s", (int)ind->len,
			 (const char *)ind->data);
		logv(a, LOG_NOTICE, (unsigned)ind->reason, why);
		return;
	}
}

/* ---- the capture ---------------------------------------------- */

/* blank - blank one password in the held capture; 0 if it had to be
 *	and was not found */
static int blank(struct assoc *a, int from_peer, const struct assoc_bind *b)
{
	return b->password_len == 0 || conn_pcap_redact(a->conn, from_peer,
	    b->password, b->password_len) > 0;
}

/* pcap_settle - the bind is over: the held capture, its passwords
 *	blanked, goes to its file, or is dropped */
static void pcap_settle(struct assoc *a)
{
	char why[800];

	if (a->conn == NULL || !conn_pcap_held(a->conn))
		return;
	if (a->pcap[0] == 0) {
		conn_pcap(a->conn, NULL);
		return;
	}
	if (!a->cfg.pcap_secrets && (a->peer_bad || !blank(a, 1, &a->peer) ||
	    !blank(a, 0, &a->cfg.ours))) {
		snprintf(why, sizeof(why), "capture %s dropped: %s, so its "
			 "password could not be blanked (pcap_secrets = true "
			 "on the link keeps captures with passwords)", a->pcap,
			 a->peer_bad ? "the peer's MTA-bind did not decode" :
			 "a bind's password was not sent as one BER string");
		logv(a, LOG_WARNING, EV_PCAP_ERROR, why);
		conn_pcap(a->conn, NULL);
		return;
	}
	(void)conn_pcap(a->conn, a->pcap);	/* failure: event 2031 */
}

void assoc_pcap_to(struct assoc *a, const char *path, int secrets)
{
	snprintf(a->pcap, sizeof(a->pcap), "%s", path ? path : "");
	a->cfg.pcap = a->pcap[0] ? a->pcap : NULL;
	a->cfg.pcap_secrets = secrets;
	if (a->phase != PH_BINDING)	/* over already */
		pcap_settle(a);
}

/* ---- the connection ------------------------------------------ */

static struct assoc *assoc_new(const struct assoc_cfg *cfg,
			       const struct assoc_cbs *cbs, void *arg)
{
	struct assoc *a = XNEW(struct assoc);

	a->cfg = *cfg;
	a->cfg.ours.key = p1_strong_key_ref(cfg->ours.key);	/* ours now */
	a->cbs = *cbs;
	a->arg = arg;
	a->connect_ms = -1;
	snprintf(a->link, sizeof(a->link), "%s", cfg->link ? cfg->link : "");
	if (cfg->pcap)
		snprintf(a->pcap, sizeof(a->pcap), "%s", cfg->pcap);
	a->cfg.link = a->link;
	a->cfg.pcap = a->pcap[0] ? a->pcap : NULL;
	a->cfg.addr = NULL;	/* borrowed: not kept */
	if (a->cfg.open_ms == 0)
		a->cfg.open_ms = DEFAULT_OPEN_MS;
	return a;
}

/* start_osi - the stack, once the connection exists */
static void start_osi(struct assoc *a)
{
	struct osi_cfg oc = a->cfg.osi;

	oc.peer = conn_peer(a->conn);
	oc.link = a->link;
	osi_init(&a->osi, &oc, on_rtse, a);
	a->osi_ready = 1;
}

int assoc_open(uv_loop_t *loop, const struct assoc_cfg *cfg,
	       const struct assoc_cbs *cbs, void *arg, struct assoc **out)
{
	struct assoc *a = assoc_new(cfg, cbs, arg);
	struct conn_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.src = cfg->src;
	o.enforce = cfg->enforce;
	o.link = a->link[0] ? a->link : NULL;
	o.pcap = a->cfg.pcap_secrets ? a->cfg.pcap : NULL;	/* else held */
	o.tls = cfg->tls;
	o.tls_id = cfg->tls_id;
	a->phase = PH_CONNECTING;
	a->t_open = uv_hrtime();
	a->connect_ms = -1;
	rc = conn_connect(loop, cfg->addr, cfg->port, &o, &conn_cbs, a,
			  &a->conn);
	if (rc != 0) {
		p1_strong_key_free(a->cfg.ours.key);
		free(a);
		return rc;
	}
	conn_timer(a->conn, a->cfg.open_ms);
	*out = a;
	return 0;
}

struct assoc *assoc_accept(struct conn *c, const struct assoc_cfg *cfg,
			   const struct assoc_cbs *cbs, void *arg)
{
	struct assoc *a = assoc_new(cfg, cbs, arg);

	a->conn = c;
	a->phase = PH_BINDING;
	if (a->cfg.pcap)
		conn_pcap(c, a->cfg.pcap);
	start_osi(a);
	conn_start(c, &conn_cbs, a);
	conn_timer(c, a->cfg.open_ms);
	return a;
}

static void on_connected(struct conn *c, int status, void *arg)
{
	struct assoc *a = arg;
	struct buf bind = BUF_INIT;
	char why[200];

	if (status != 0) {
		snprintf(why, sizeof(why), "cannot connect: %s",
			 conn_strerror(status));
		a->connect_error = status;
		finish(a, ASSOC_FAILED, why);
		return;		/* closed() follows */
	}
	a->connect_ms = (int64_t)((uv_hrtime() - a->t_open) / 1000000);
	a->phase = PH_BINDING;
	if (a->cfg.pcap && !a->cfg.pcap_secrets)
		(void)conn_pcap_hold(c, PCAP_HOLD);
	start_osi(a);
	if (p1_bind_encode(&a->cfg.ours, 0, a->cfg.bind_bare, &bind) != 0 ||
	    osi_connect(&a->osi, buf_ptr(&bind), buf_avail(&bind)) != 0) {
		finish(a, ASSOC_FAILED, "cannot encode our MTA-bind argument");
		conn_abort(a->conn);
	}
	buf_free(&bind);
	flush(a);
}

static void on_read(struct conn *c, const uint8_t *p, size_t n, void *arg)
{
	struct assoc *a = arg;

	(void)c;
	if (!a->osi_ready || a->phase == PH_ENDING)
		return;
	if (a->phase == PH_BOUND)	/* the peer is not idle */
		conn_timer(a->conn, a->cfg.idle_ms);
	if (osi_input(&a->osi, p, n) != 0) {
		logv(a, LOG_WARNING, a->osi.why_event ? a->osi.why_event :
		     EV_SES_BAD_SPDU, a->osi.why);
		finish(a, ASSOC_ABORTED, a->osi.why);
	}
	flush(a);
}

static void on_eof(struct conn *c, int status, void *arg)
{
	struct assoc *a = arg;
	char why[200];

	a->tls_failed = status == CONN_E_TLS || status == CONN_E_TLS_PEER ||
	    conn_tls_failed(c);
	if (a->phase != PH_ENDING) {
		snprintf(why, sizeof(why), "the peer closed the connection "
			 "(%s) %s", conn_strerror(status),
			 a->osi_ready && rtse_busy(&a->osi.rtse) ?
			 "in the middle of a transfer" :
			 a->phase == PH_BOUND ? "without releasing" :
			 "before the bind");
		/* a caller gone before its bind: the user counts it (x400d:
		 * mtad_gate.c) */
		logv(a, a->phase != PH_BOUND && a->cfg.osi.role ==
		     RTSE_RESPONDER ? LOG_DEBUG : LOG_WARNING,
		     EV_CONN_CLOSED, why);
		finish(a, ASSOC_FAILED, why);
		if (a->osi_ready)
			osi_transport_lost(&a->osi);
	}
	conn_close(c);
}

static void on_drained(struct conn *c, void *arg)
{
	(void)c;
	(void)arg;
}

static void on_timeout(struct conn *c, void *arg)
{
	struct assoc *a = arg;

	if (a->phase == PH_ENDING) {
		conn_close(c);	/* the peer did not release in time */
		return;
	}
	if (a->phase == PH_BOUND && !rtse_busy(&a->osi.rtse) &&
	    a->osi.rtse.turn && a->osi.rtse.role == RTSE_INITIATOR) {
		logv(a, LOG_INFO, EV_CONN_IDLE, "idle: releasing");
		assoc_release(a);
		return;
	}
	/* before the bind, the user counts it (x400d: mtad_gate.c) */
	logv(a, a->phase == PH_BOUND ? LOG_WARNING : LOG_DEBUG, EV_CONN_IDLE,
	     a->phase == PH_BOUND ? "idle peer: aborting" :
	     "no bind in time: aborting");
	if (a->osi_ready) {
		rtse_abort_req(&a->osi.rtse, RTSE_AB_TEMPORARY);
		flush(a);
	}
	finish(a, ASSOC_TIMEOUT, a->phase == PH_BOUND ? "idle timeout" :
	       "association not established in time");
	conn_abort(c);
}

static void on_closed(struct conn *c, void *arg)
{
	struct assoc *a = arg;

	(void)c;
	if (a->phase != PH_ENDING) {
		a->conn = NULL;		/* gone: what it held with it */
		finish(a, ASSOC_FAILED, "connection closed");
	}
	if (a->have_pending)
		a->cbs.apdu_conf(a, a->pending_tag, 0, a->arg);
	a->conn = NULL;
	a->ended = 1;
	a->cbs.ended(a, a->how, a->why, a->arg);
	if (a->osi_ready)
		osi_free(&a->osi);
	buf_free(&a->pending);
	p1_strong_key_free(a->cfg.ours.key);
	explicit_bzero(&a->cfg.ours, sizeof(a->cfg.ours));
	p1_bind_clear(&a->peer);
	free(a);
}

static const struct conn_cbs conn_cbs = {
	on_connected, on_read, on_eof, on_drained, on_timeout, on_closed
};

/* ---- requests ------------------------------------------------ */

void assoc_bind_rsp(struct assoc *a, int accept, int bind_error,
		    const struct assoc_bind *ours)
{
	struct buf b = BUF_INIT;
	char why[300];

	if (a->phase != PH_BINDING)
		return;
	if (accept) {
		if (p1_bind_encode(ours, 1, a->peer_bare, &b) != 0 ||
		    rtse_open_rsp(&a->osi.rtse, 1, buf_ptr(&b),
				  buf_avail(&b)) != 0) {
			finish(a, ASSOC_FAILED, "cannot encode our MTA-bind "
			       "result");
			conn_abort(a->conn);
			buf_free(&b);
			return;
		}
		a->phase = PH_BOUND;
		a->cfg.ours = *ours;	/* to be blanked in the capture */
		a->cfg.ours.key = NULL;	/* borrowed for the encode only */
		conn_timer(a->conn, a->cfg.idle_ms);
		snprintf(why, sizeof(why), "MTA \"%s\" bound (%s mode, "
			 "checkpoint %zu KB, window %u, %s; its bind %s%s)",
			 a->peer.name,
			 a->osi.rtse.cfg.mode == RTSE_X410 ? "X.410-1984" :
			 "1988 normal", a->osi.rtse.ckpt / 1024, a->osi.rtse.window,
			 a->osi.rtse.twa ? "TWA" : "monologue",
			 a->peer_bare ? "bare" : "[16]/[17]",
			 a->peer.strong ? ", strong credentials" : "");
		logv(a, LOG_INFO, EV_BIND_ACCEPTED, why);
		a->cbs.bound(a, &a->peer, a->arg);
	} else {
		if (p1_bind_error_encode(bind_error, &b) == 0)
			rtse_open_rsp(&a->osi.rtse, 0, buf_ptr(&b),
				      buf_avail(&b));
		snprintf(why, sizeof(why), "bind refused: %s",
			 p1_bind_error_name(bind_error));
		finish(a, ASSOC_REFUSED, why);
	}
	buf_free(&b);
	flush(a);
	pcap_settle(a);		/* the result, and its password, written */
}

int assoc_can_send(const struct assoc *a)
{
	return a->phase == PH_BOUND && !a->osi.rtse.tx_active &&
	    !a->have_pending && !a->want_release;
}

int assoc_send(struct assoc *a, const void *apdu, size_t n, void *tag)
{
	int rc;

	if (!assoc_can_send(a))
		return -1;
	if (!a->osi.rtse.turn) {
		if (!a->osi.rtse.twa)
			return -1;	/* monologue: only the initiator */
		buf_reset(&a->pending);
		buf_add(&a->pending, apdu, n);
		a->pending_tag = tag;
		a->have_pending = 1;
		rtse_turn_please_req(&a->osi.rtse, 0);
		flush(a);
		return 0;
	}
	rc = rtse_transfer_req(&a->osi.rtse, apdu, n, tag);
	flush(a);
	return rc == 0 ? 0 : -1;
}

void assoc_apdu_rsp(struct assoc *a, int ok)
{
	if (a->phase == PH_ENDING || !a->osi_ready)
		return;
	rtse_transfer_rsp(&a->osi.rtse, ok == ASSOC_OK ? RTSE_RSP_OK :
			  ok == ASSOC_PERMANENT ? RTSE_RSP_PERMANENT :
			  RTSE_RSP_TEMPORARY);
	if (ok == ASSOC_PERMANENT)
		finish(a, ASSOC_ABORTED, "refused an incoming APDU for good "
		       "(RTAB permanentProblem)");
	else if (ok != ASSOC_OK)
		finish(a, ASSOC_ABORTED, "could not secure an incoming APDU "
		       "(RTAB temporaryProblem)");
	flush(a);
	if (a->want_release)
		assoc_release(a);
}

void assoc_release(struct assoc *a)
{
	if (a->phase == PH_ENDING || a->conn == NULL)
		return;
	if (a->phase != PH_BOUND) {
		assoc_abort(a);
		return;
	}
	if (rtse_busy(&a->osi.rtse)) {
		a->want_release = 1;	/* after the transfer */
		return;
	}
	if (a->osi.rtse.twa && !a->osi.rtse.turn &&
	    a->osi.rtse.role == RTSE_INITIATOR) {
		a->want_release = 1;	/* X.228 9.2: with the turn */
		rtse_turn_please_req(&a->osi.rtse, 0);
		flush(a);
		return;
	}
	if (rtse_close_req(&a->osi.rtse) != 0) {
		/* not ours to release (responder, or no turn): abort */
		assoc_abort(a);
		return;
	}
	flush(a);
}

void assoc_abort(struct assoc *a)
{
	if (a->conn == NULL)
		return;
	if (a->osi_ready && a->phase != PH_ENDING) {
		rtse_abort_req(&a->osi.rtse, RTSE_AB_USER);
		finish(a, ASSOC_ABORTED, "aborted by us");
		flush(a);
		return;
	}
	finish(a, ASSOC_ABORTED, "aborted by us");
	conn_abort(a->conn);
}

const char *assoc_peer(const struct assoc *a)
{
	return a->conn ? conn_peer(a->conn) : "";
}

const char *assoc_local(const struct assoc *a)
{
	return a->conn ? conn_local(a->conn) : "";
}

const char *assoc_link(const struct assoc *a)
{
	return a->link;
}

struct conn *assoc_conn(const struct assoc *a)
{
	return a->conn;
}

/* assoc_connect_error - why the connection could not be made, 0 if it was */
int assoc_tls_failed(const struct assoc *a)
{
	return a->tls_failed;
}

int assoc_connect_error(const struct assoc *a)
{
	return a->connect_error;
}

/* assoc_connect_ms - milliseconds from assoc_open() to the connection */
int64_t assoc_connect_ms(const struct assoc *a)
{
	return a->connect_ms;
}

const struct osi *assoc_osi(const struct assoc *a)
{
	return &a->osi;
}

void assoc_set_idle(struct assoc *a, unsigned ms)
{
	a->cfg.idle_ms = ms;
	if (a->phase == PH_BOUND && a->conn)
		conn_timer(a->conn, ms);
}

void assoc_set_link(struct assoc *a, const char *link)
{
	snprintf(a->link, sizeof(a->link), "%s", link ? link : "");
	if (a->conn)
		conn_set_link(a->conn, a->link);
}
