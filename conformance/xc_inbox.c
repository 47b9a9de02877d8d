/*
 * xc_inbox.c - x400conf as the receiving MTA
 *
 * See xc_inbox.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assoc.h"
#include "conn.h"
#include "p1_env.h"
#include "p1_id.h"
#include "xalloc.h"
#include "xc_build.h"
#include "xc_inbox.h"

/* One inbound association from the target. */
struct in_assoc {
	struct in_assoc	*next;
	struct xc_inbox	*ib;
	struct assoc	*a;
	int		bound;
};

struct xc_inbox {
	struct xc	*x;
	struct conn_listener *l;
	struct in_assoc	*live;
	struct xc_msg	*first, *last;
	char		problems[1200];
	int		capturing;
	int		closing;
};

static void add_problem(struct xc_inbox *ib, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_problem(struct xc_inbox *ib, const char *fmt, ...)
{
	size_t n = strlen(ib->problems);
	va_list ap;

	if (n + 4 >= sizeof(ib->problems))
		return;
	if (n)
		n += (size_t)snprintf(ib->problems + n, sizeof(ib->problems) -
				      n, "; ");
	va_start(ap, fmt);
	vsnprintf(ib->problems + n, sizeof(ib->problems) - n, fmt, ap);
	va_end(ap);
}

static void on_bind_ind(struct assoc *a, const struct assoc_bind *peer,
			void *arg)
{
	struct in_assoc *ia = arg;
	struct xc_inbox *ib = ia->ib;
	struct xc *x = ib->x;
	const struct xc_cfg *c = &x->cfg;
	struct assoc_bind ours;
	size_t pwlen = strlen(c->t_password);

	if (!peer->authenticated || strcasecmp(peer->name, c->t_mta) != 0) {
		add_problem(ib, "the target bound to x400conf as %s%s%s, not "
			    "as target.mta \"%s\": refused",
			    peer->authenticated ? "MTA \"" :
			    "an unauthenticated MTA", peer->authenticated ?
			    peer->name : "", peer->authenticated ? "\"" : "",
			    c->t_mta);
		xc_note(x, "inbox: %s", ib->problems);
		assoc_bind_rsp(a, 0, ASSOC_BE_AUTHENTICATION, NULL);
		return;
	}
	if (c->t_password_set && (peer->password_len != pwlen ||
	    memcmp(peer->password, c->t_password, pwlen) != 0)) {
		add_problem(ib, "the target (MTA \"%s\") bound to x400conf "
			    "with a password of %zu octets that is not "
			    "target.password: refused", peer->name,
			    peer->password_len);
		xc_note(x, "inbox: bind from the target refused: wrong "
			"password");
		assoc_bind_rsp(a, 0, ASSOC_BE_AUTHENTICATION, NULL);
		return;
	}
	memset(&ours, 0, sizeof(ours));
	snprintf(ours.name, sizeof(ours.name), "%s", c->u_mta);
	ours.password_len = strlen(c->u_password);
	memcpy(ours.password, c->u_password, ours.password_len);
	assoc_bind_rsp(a, 1, 0, &ours);
}

static void on_bound(struct assoc *a, const struct assoc_bind *peer,
		     void *arg)
{
	struct in_assoc *ia = arg;
	struct xc *x = ia->ib->x;
	const struct osi *o = assoc_osi(a);

	(void)peer;
	ia->bound = 1;
	xc_note(x, "inbox: the target bound from %s in %s mode "
		"(checkpoint %zu KB, window %u, %s)", assoc_peer(a),
		o->rtse.cfg.mode == RTSE_X410 ? "X.410-1984" : "normal",
		o->rtse.ckpt / 1024, o->rtse.window, o->rtse.twa ? "TWA" :
		"monologue");
	xc_pics(x, "initiator", "calls in %s mode, proposes checkpoint %zu "
		"KB, window %u, %s", o->rtse.cfg.mode == RTSE_X410 ?
		"X.410-1984" : "normal", o->rtse.ckpt / 1024, o->rtse.window,
		o->rtse.twa ? "two-way alternate" : "monologue");
}

static void on_apdu_ind(struct assoc *a, const unsigned char *p, size_t n,
			void *arg)
{
	struct in_assoc *ia = arg;
	const struct osi *o = assoc_osi(a);

	xc_inbox_take(ia->ib->x, p, n, o->rtse.cfg.mode,
		      "the target's association");
	assoc_apdu_rsp(a, ASSOC_OK);
}

static void on_apdu_conf(struct assoc *a, void *tag, int ok, void *arg)
{
	(void)a;
	(void)tag;
	(void)ok;
	(void)arg;
}

static void on_ended(struct assoc *a, enum assoc_end how, const char *why,
		     void *arg)
{
	struct in_assoc *ia = arg, **pp;
	struct xc_inbox *ib = ia->ib;

	(void)a;
	if (how != ASSOC_RELEASED && how != ASSOC_REFUSED && !ib->closing)
		xc_note(ib->x, "inbox: the target's association %s: %s",
			assoc_end_name(how), why);
	for (pp = &ib->live; *pp; pp = &(*pp)->next)
		if (*pp == ia) {
			*pp = ia->next;
			break;
		}
	free(ia);
}

static const struct assoc_cbs in_cbs = {
	on_bind_ind, on_bound, on_apdu_ind, on_apdu_conf, on_ended
};

static void on_accept(struct conn *c, void *arg)
{
	struct xc_inbox *ib = arg;
	struct in_assoc *ia;
	struct assoc_cfg ac;

	if (ib->closing) {
		conn_abort(c);
		return;
	}
	ia = XNEW(struct in_assoc);
	ia->ib = ib;
	memset(&ac, 0, sizeof(ac));
	ac.osi.role = RTSE_RESPONDER;
	ac.osi.rtse.any_mode = 1;
	ac.osi.rtse.checkpoint = 65535;	/* take what the target proposes */
	ac.osi.rtse.window = 1000;
	ac.osi.rtse.recovery = 1;
	ac.osi.rtse.max_apdu = 80u << 20;
	ac.link = "inbox";
	ac.pcap = ib->capturing ? xc_pcap_part(ib->x) : NULL;
	ac.pcap_secrets = 1;	/* the case's evidence, byte for byte */
	ac.open_ms = 60000;
	ia->next = ib->live;
	ib->live = ia;
	ia->a = assoc_accept(c, &ac, &in_cbs, ia);
}

int xc_inbox_start(struct xc *x)
{
	struct xc_inbox *ib = XNEW(struct xc_inbox);
	const char *addrs[1] = { x->cfg.u_listen_host };
	int rc;

	ib->x = x;
	x->inbox = ib;
	rc = conn_listen(x->loop, addrs, 1, x->cfg.u_listen_port, on_accept,
			 ib, &ib->l);
	if (rc != 0) {
		fprintf(stderr, "x400conf: cannot listen on %s:%u (us.listen): "
			"%s\n", x->cfg.u_listen_host, x->cfg.u_listen_port,
			conn_strerror(rc));
		return -1;
	}
	return 0;
}

static int no_live(void *arg)
{
	struct xc_inbox *ib = arg;

	return ib->live == NULL;
}

void xc_inbox_stop(struct xc *x)
{
	struct xc_inbox *ib = x->inbox;
	struct in_assoc *ia;
	struct xc_msg *m, *n;

	if (ib == NULL)
		return;
	ib->closing = 1;
	if (ib->l)
		conn_listener_close(ib->l);
	for (ia = ib->live; ia; ia = ia->next)
		assoc_abort(ia->a);
	xc_wait(x, no_live, ib, 5000);
	for (m = ib->first; m; m = n) {
		n = m->next;
		xc_apdu_free(m->apdu);
		free(m->der);
		free(m);
	}
	free(ib);
	x->inbox = NULL;
}

void xc_inbox_take(struct xc *x, const void *der, size_t len,
		   enum rtse_mode mode, const char *via)
{
	struct xc_inbox *ib = x->inbox;
	struct xc_msg *m = XNEW(struct xc_msg);
	char *s;

	m->der = xmemdup(der, len ? len : 1);
	m->len = len;
	m->mode = mode;
	m->kind = -1;
	m->at = xc_now(x);
	snprintf(m->via, sizeof(m->via), "%s", via);
	snprintf(m->case_id, sizeof(m->case_id), "%s", x->cur ?
		 x->cur->id : "-");
	m->apdu = xc_apdu_decode(der, len);
	if (m->apdu == NULL) {
		snprintf(m->why, sizeof(m->why), "an MTS-APDU of %zu octets "
			 "that does not decode", len);
	} else {
		m->kind = (int)p1_env_kind(m->apdu);
		s = xc_apdu_id(m->apdu);
		snprintf(m->id, sizeof(m->id), "%s", s);
		free(s);
		if (m->kind == P1_REPORT && p1_env_subject_id(m->apdu)) {
			s = p1_mtsid_format(p1_env_subject_id(m->apdu));
			snprintf(m->subject, sizeof(m->subject), "%s", s);
			free(s);
		}
	}
	xc_note(x, "inbox: received %s %s%s%s (%zu octets, %s mode)",
		m->apdu ? p1_env_kind_name(m->apdu) : "APDU",
		m->id[0] ? m->id : m->why, m->subject[0] ? " on " : "",
		m->subject, len, mode == RTSE_X410 ? "X.410-1984" : "normal");
	if (ib == NULL) {
		xc_apdu_free(m->apdu);
		free(m->der);
		free(m);
		return;
	}
	if (ib->last)
		ib->last->next = m;
	else
		ib->first = m;
	ib->last = m;
}

struct xc_msg *xc_inbox_find(struct xc *x, int kind, const char *id,
			     const struct xc_msg *after)
{
	struct xc_msg *m;

	if (x->inbox == NULL)
		return NULL;
	for (m = after ? after->next : x->inbox->first; m; m = m->next) {
		if (kind >= 0 && m->kind != kind)
			continue;
		if (strcmp(m->kind == P1_REPORT ? m->subject : m->id, id) == 0)
			return m;
	}
	return NULL;
}

struct find_arg {
	struct xc	*x;
	int		kind;
	const char	*id;
};

static int found(void *arg)
{
	struct find_arg *f = arg;

	return xc_inbox_find(f->x, f->kind, f->id, NULL) != NULL;
}

struct xc_msg *xc_inbox_wait(struct xc *x, int kind, const char *id,
			     unsigned ms)
{
	struct find_arg f = { x, kind, id };

	xc_wait(x, found, &f, ms);
	return xc_inbox_find(x, kind, id, NULL);
}

int xc_inbox_count(struct xc *x, int kind, const char *id)
{
	const struct xc_msg *m = NULL;
	int n = 0;

	while ((m = xc_inbox_find(x, kind, id, m)) != NULL)
		n++;
	return n;
}

const char *xc_inbox_problems(struct xc *x)
{
	return x->inbox ? x->inbox->problems : "";
}

void xc_inbox_case_start(struct xc *x)
{
	if (x->inbox)
		x->inbox->problems[0] = 0;
}

void xc_inbox_capture(struct xc *x, int on)
{
	struct xc_inbox *ib = x->inbox;
	struct in_assoc *ia;

	if (ib == NULL)
		return;
	ib->capturing = on;
	for (ia = ib->live; ia; ia = ia->next) {
		struct conn *c = assoc_conn(ia->a);
		const char *path;

		if (c == NULL)
			continue;
		if (!on)
			conn_pcap(c, NULL);
		else if ((path = xc_pcap_part(x)) != NULL)
			conn_pcap(c, path);
	}
}
