/*
 * mtad_in.c - x400d: inbound associations, and every MTS-APDU's arrival
 *
 * See mtad.h. Who may bind as which link (issue 6): a caller is known
 * by the MTA name and password in its bind and by the selectors it
 * called; a link may also restrict the addresses it may call from.
 * Each outcome is its own numbered event, and each refusal says what
 * was expected and how to fix it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "codec.h"
#include "log.h"
#include "mtad.h"
#include "p1_addr.h"
#include "p1_env.h"
#include "p1_ext.h"
#include "p1_id.h"
#include "xalloc.h"

#include "MTS-APDU.h"

/* X.411 NonDeliveryReasonCode and NonDeliveryDiagnosticCode */
#define NDR_UNABLE		1
#define NDD_UNRECOGNISED	0
#define NDD_LOOP		3
#define NDD_TOO_LONG		7
#define NDD_CRITICAL		18

/* One inbound association. It lives until the association ended, no
 * arrival is waiting for its commit and no password is being hashed for
 * it. */
struct in_assoc {
	struct in_assoc	*next;		/* m->ins */
	struct mtad	*m;
	struct assoc	*a;		/* NULL once ended */
	struct mtad_link *link;		/* once bound */
	char		link_name[CFG_NAME_MAX + 1];
	char		peer[CONN_ADDRSTRLEN];
	char		peer_addr[CONN_ADDRSTRLEN];
	int		pending;	/* arrivals not yet committed, and
					 * a password hash in progress */
	/* the bind being decided */
	struct assoc_bind bind;		/* what the caller sent */
	struct cfg_sels	called;		/* the selectors it called */
	int		x410;		/* X.410-1984 mode */
	struct auth_verifier *hashed;	/* verifier the worker used */
	int		hashed_ok;	/* and its verdict */
	int		pcap_held;	/* capture held until the bind is
					 * judged (mtad_pcap.c) */
};

/* A password hash on libuv's thread pool (auth.h: a hash costs about
 * 0.2 s on purpose, which the loop must not pay for a guesser). */
struct in_verify {
	uv_work_t	w;
	struct in_assoc	*ia;
	struct auth_verifier *v;	/* a private copy: a reload may free
					 * the configuration meanwhile */
	unsigned char	pw[ASSOC_PW_MAX + 1];
	size_t		len;
	int		ok;
};

static void decide(struct in_assoc *ia);

static void in_maybe_free(struct in_assoc *ia)
{
	struct in_assoc **pp;

	if (ia->a != NULL || ia->pending != 0)
		return;
	for (pp = &ia->m->ins; *pp; pp = &(*pp)->next)
		if (*pp == ia) {
			*pp = ia->next;
			break;
		}
	auth_verifier_free(ia->hashed);
	OPENSSL_cleanse(&ia->bind, sizeof(ia->bind));
	free(ia);
}

void mtad_in_stop(struct mtad *m)
{
	struct in_assoc *ia;

	for (ia = m->ins; ia; ia = ia->next)
		if (ia->a)
			assoc_abort(ia->a);
}

/* sockaddr_of - the caller's address for the rate limiter */
static int sockaddr_of(const char *addr, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(addr, ':'))
		return uv_ip6_addr(addr, 0, (struct sockaddr_in6 *)ss);
	return uv_ip4_addr(addr, 0, (struct sockaddr_in *)ss);
}

/* sel_text - a selector as the configuration writes it */
static const char *sel_text(const struct cfg_sel *s, char *buf, size_t n)
{
	if (s->len == 0)
		return "none";
	return cfg_sel_format(s, buf, n);
}

/* sels_text - "TSEL x, SSEL y, PSEL z" */
static const char *sels_text(const struct cfg_sels *s, int x410, char *buf,
			     size_t n)
{
	char t[2 * CFG_SEL_MAX + 3], ss[2 * CFG_SEL_MAX + 3];
	char ps[2 * CFG_SEL_MAX + 3];

	if (x410)	/* X.410-1984 mode has no presentation layer */
		snprintf(buf, n, "TSEL %s, SSEL %s", sel_text(&s->t, t,
			 sizeof(t)), sel_text(&s->s, ss, sizeof(ss)));
	else
		snprintf(buf, n, "TSEL %s, SSEL %s, PSEL %s",
			 sel_text(&s->t, t, sizeof(t)),
			 sel_text(&s->s, ss, sizeof(ss)),
			 sel_text(&s->p, ps, sizeof(ps)));
	return buf;
}

/* wire_text - what the caller gets on the wire for a bind error */
static const char *wire_text(int x410, int bind_error)
{
	if (x410)	/* X.410-1984: the refusal cannot carry the error */
		return "sent PRefuse validationFailure (X.410-1984 mode "
		    "carries no bind error)";
	return bind_error == ASSOC_BE_BUSY ?
	    "sent bind error busy (0) in RTORJ" :
	    "sent bind error authentication-error (2) in RTORJ";
}

/* refuse - one refused bind: the event, the back-off, the bind error.
 *	counts: the refusal counts as a failed bind for the back-off
 *	(ratelimit.h) */
static void refuse(struct in_assoc *ia, unsigned ev, int bind_error,
		   int counts, const char *link, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void refuse(struct in_assoc *ia, unsigned ev, int bind_error,
		   int counts, const char *link, const char *fmt, ...)
{
	struct mtad *m = ia->m;
	struct sockaddr_storage ss;
	char msg[900];
	uint64_t now = (uint64_t)mtad_now_ms(), wait = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (counts && sockaddr_of(ia->peer_addr, &ss) == 0)
		wait = rl_fail(m->rl, (struct sockaddr *)&ss, now);
	mtad_log(m, LOG_WARNING, ev, ia->peer, link, "p1", "%s; %s", msg,
		 wire_text(ia->x410, bind_error));
	if (wait)
		mtad_log(m, LOG_WARNING, EV_BIND_RATE_LIMITED, ia->peer, link,
			 "p1", "caller %s: %u failed binds in a row; further "
			 "connections from it are refused for %lu ms",
			 ia->peer_addr, rl_failures(m->rl,
			 (struct sockaddr *)&ss, now), (unsigned long)wait);
	m->refused++;
	assoc_bind_rsp(ia->a, 0, bind_error, NULL);
}

/* peers_text - the MTA names our receiving links expect, for a caller
 *	whose name is unknown */
static const char *peers_text(const struct cfg *cfg, char *buf, size_t n)
{
	size_t i, at = 0;

	buf[0] = 0;
	for (i = 0; i < cfg->nlinks && at + 40 < n; i++)
		if (cfg->links[i].dir & CFG_IN)
			at += (size_t)snprintf(buf + at, n - at, "%s\"%s\"",
					       at ? ", " : "",
					       cfg->links[i].peer_mta);
	if (i < cfg->nlinks && at + 5 < n)
		snprintf(buf + at, n - at, ", ...");
	return at ? buf : "none";
}

/* outbound_only - a link that sends to that MTA but does not receive */
static const struct cfg_link *outbound_only(const struct cfg *cfg,
					    const char *mta)
{
	size_t i;

	for (i = 0; i < cfg->nlinks; i++)
		if (!(cfg->links[i].dir & CFG_IN) &&
		    strcasecmp(cfg->links[i].peer_mta, mta) == 0)
			return &cfg->links[i];
	return NULL;
}

static void verify_work(uv_work_t *w)
{
	struct in_verify *v = w->data;

	v->ok = auth_verify(v->v, v->pw, v->len);
}

/* verify_done - back on the loop: decide again with the verdict (the
 *	configuration may have been reloaded meanwhile) */
static void verify_done(uv_work_t *w, int status)
{
	struct in_verify *v = w->data;
	struct in_assoc *ia = v->ia;

	ia->pending--;
	auth_verifier_free(ia->hashed);
	ia->hashed = v->v;
	ia->hashed_ok = status == 0 && v->ok;
	OPENSSL_cleanse(v->pw, sizeof(v->pw));
	free(v);
	if (ia->a == NULL || ia->m->stopping) {
		if (ia->a)
			assoc_abort(ia->a);
		in_maybe_free(ia);
		return;
	}
	decide(ia);
}

/* password_ok - 1 the caller's password matches the link's verifier, 0
 *	it does not, -1 a hash was started on the thread pool and decide()
 *	runs again when it is done */
static int password_ok(struct in_assoc *ia, const struct cfg_link *l)
{
	struct auth_verifier *cur = l->peer_pw;
	struct in_verify *v;
	enum auth_kind k = auth_verifier_kind(cur);
	char err[AUTH_ERRLEN];

	if (ia->hashed && auth_verifier_equal(ia->hashed, cur)) {
		if (ia->hashed_ok)
			auth_memo_store(cur, ia->bind.password,
					ia->bind.password_len);
		return ia->hashed_ok;
	}
	if (k != AUTH_PBKDF2 && k != AUTH_SCRYPT)	/* cheap */
		return auth_verify(cur, ia->bind.password,
				   ia->bind.password_len);
	if (auth_memo_match(cur, ia->bind.password, ia->bind.password_len))
		return 1;
	v = XNEW(struct in_verify);
	if (auth_verifier_parse(auth_verifier_text(cur), 1, &v->v, err,
				sizeof(err)) != 0)
		panic("password_ok: a loaded verifier does not parse: %s",
		      err);
	v->ia = ia;
	v->len = ia->bind.password_len;
	memcpy(v->pw, ia->bind.password, v->len);
	v->w.data = v;
	if (uv_queue_work(ia->m->loop, &v->w, verify_work, verify_done)
	    != 0) {
		/* cannot happen with a valid loop; hash here, then */
		v->ok = auth_verify(v->v, v->pw, v->len);
		ia->pending++;
		verify_done(&v->w, 0);
		return -1;
	}
	ia->pending++;
	return -1;
}

/* decide - who the caller is (issue 6; docs/links.md "Inbound: who is
 *	calling"). The checks, in this order, each with its event:
 *	  1. the MTA name it claims is some receiving link's peer_mta (3001)
 *	  2. it called that link's selectors (3004)
 *	  3. its address is on the link's allow list (3003)
 *	  4. its password matches the link's peer_password (3002)
 *	  5. the link has room for one more inbound association (3008)
 *	then the bind is accepted (3000, logged by assoc.c). The address
 *	comes before the password so that a caller from elsewhere costs no
 *	hash and learns nothing about the password. Refusals 1, 2 and 4
 *	count as failed binds for the back-off (3005): they are what a
 *	guesser produces; 3 and 5 do not, since no credential was tried,
 *	and a peer that merely calls from the wrong address (KB Q197378)
 *	keeps getting the event that names the fix. */
static void decide(struct in_assoc *ia)
{
	struct mtad *m = ia->m;
	const struct assoc_bind *peer = &ia->bind;
	const struct cfg_link *l, *out;
	struct mtad_link *ml;
	enum cfg_match why;
	struct assoc_bind ours;
	struct sockaddr_storage ss;
	char b1[160], b2[160], acl[300];
	int pw;

	l = cfg_link_inbound(m->cfg, peer->name, &ia->called, &why);
	if (ia->pcap_held) {	/* once: decide() may run again */
		ia->pcap_held = 0;
		mtad_pcap_in(m, assoc_conn(ia->a), l);
	}
	if (why == CFG_NO_LINK && (out = outbound_only(m->cfg, peer->name))) {
		refuse(ia, EV_BIND_UNKNOWN_MTA, ASSOC_BE_AUTHENTICATION, 1,
		       out->name, "caller %s claimed MTA \"%s\"; link %s "
		       "sends to \"%s\" but does not receive from it; set "
		       "direction = \"both\" on link %s", ia->peer_addr,
		       peer->name, out->name, peer->name, out->name);
		return;
	}
	if (why == CFG_NO_LINK) {
		refuse(ia, EV_BIND_UNKNOWN_MTA, ASSOC_BE_AUTHENTICATION, 1, NULL,
		       "caller %s claimed MTA \"%s\", which no link receives "
		       "from (we receive from %s); correct the caller's MTA "
		       "name, or add a link with peer_mta = \"%s\"",
		       ia->peer_addr, peer->name,
		       peers_text(m->cfg, acl, sizeof(acl)), peer->name);
		return;
	}
	if (why == CFG_WRONG_SELECTORS) {
		refuse(ia, EV_BIND_BAD_SELECTOR, ASSOC_BE_AUTHENTICATION, 1,
		       l->name, "caller %s claimed MTA \"%s\" and called %s; "
		       "link %s expects %s; set the selectors the caller "
		       "calls, or our_tsel/our_ssel/our_psel on link %s",
		       ia->peer_addr, peer->name,
		       sels_text(&ia->called, ia->x410, b1, sizeof(b1)),
		       l->name, sels_text(&l->our_sel, ia->x410, b2,
		       sizeof(b2)), l->name);
		return;
	}
	if (l->allow && !acl_match_text(l->allow, ia->peer_addr)) {
		refuse(ia, EV_BIND_BAD_ADDRESS, ASSOC_BE_AUTHENTICATION, 0,
		       l->name, "caller %s claimed MTA \"%s\"; link %s allows "
		       "%s; set %s's source address or allow %s",
		       ia->peer_addr, peer->name, l->name,
		       acl_describe(l->allow, acl, sizeof(acl)), peer->name,
		       ia->peer_addr);
		return;
	}
	if (l->peer_pw && (pw = password_ok(ia, l)) <= 0) {
		if (pw < 0)
			return;		/* hashing: decide() again later */
		refuse(ia, EV_BIND_BAD_PASSWORD, ASSOC_BE_AUTHENTICATION, 1,
		       l->name, "caller %s claimed MTA \"%s\" with a password "
		       "(%zu octets) that link %s's peer_password (%s) does "
		       "not match; set the password %s sends us, or "
		       "peer_password on link %s (x400passwd -c checks one)",
		       ia->peer_addr, peer->name, peer->password_len,
		       l->name, auth_kind_name(auth_verifier_kind(l->peer_pw)),
		       peer->name, l->name);
		return;
	}
	ml = mtad_link(m, l->name);
	if (ml && ml->nin >= l->max_assoc) {
		refuse(ia, EV_BIND_BUSY, ASSOC_BE_BUSY, 0, l->name,
		       "caller %s (MTA \"%s\"): link %s already has %u "
		       "inbound associations (max_associations %u); the "
		       "caller may try again later", ia->peer_addr,
		       peer->name, l->name, ml->nin, l->max_assoc);
		return;
	}
	if (sockaddr_of(ia->peer_addr, &ss) == 0)
		rl_success(m->rl, (struct sockaddr *)&ss);
	ia->link = ml;
	snprintf(ia->link_name, sizeof(ia->link_name), "%s", l->name);
	if (ml)
		ml->nin++;
	assoc_set_link(ia->a, l->name);
	memset(&ours, 0, sizeof(ours));
	snprintf(ours.name, sizeof(ours.name), "%s", l->our_mta ?
		 l->our_mta : m->cfg->mta_name);
	if (ml && ml->our_pw) {
		ours.password_len = strlen(ml->our_pw) > ASSOC_PW_MAX ?
		    ASSOC_PW_MAX : strlen(ml->our_pw);
		memcpy(ours.password, ml->our_pw, ours.password_len);
	}
	assoc_bind_rsp(ia->a, 1, 0, &ours);
	OPENSSL_cleanse(&ours, sizeof(ours));
}

/* on_bind_ind - a caller's MTA-bind: note what it sent and called */
static void on_bind_ind(struct assoc *a, const struct assoc_bind *peer,
			void *arg)
{
	struct in_assoc *ia = arg;
	const struct osi *o = assoc_osi(a);
	struct cfg_sels *sels = &ia->called;

	ia->bind = *peer;
	ia->x410 = o->rtse.cfg.mode != RTSE_NORMAL;
	memset(sels, 0, sizeof(*sels));
	sels->t.len = o->tp.cotp.called.len;
	memcpy(sels->t.v, o->tp.cotp.called.sel, sels->t.len);
	sels->s.len = o->rtse.ses.conn.called_ssel_len;
	memcpy(sels->s.v, o->rtse.ses.conn.called_ssel, sels->s.len);
	if (!ia->x410) {
		sels->p.len = o->rtse.pres.called_psel_len;
		memcpy(sels->p.v, o->rtse.pres.called_psel, sels->p.len);
	}
	decide(ia);
}

static void on_bound(struct assoc *a, const struct assoc_bind *p, void *arg)
{
	(void)a;
	(void)p;
	(void)arg;
}

static void arrived(void *arg, int err, uint64_t id)
{
	struct in_assoc *ia = arg;

	(void)id;
	ia->pending--;
	if (ia->a)
		assoc_apdu_rsp(ia->a, err == 0 ? ASSOC_OK : ASSOC_TEMPORARY);
	in_maybe_free(ia);
}

static void on_apdu_ind(struct assoc *a, const unsigned char *p, size_t n,
			void *arg)
{
	struct in_assoc *ia = arg;

	int rc;

	ia->pending++;
	if ((rc = mtad_arrive(ia->m, p, n, ia->link_name, ia->peer, NULL, 0,
			      arrived, ia)) != 0) {
		ia->pending--;
		assoc_apdu_rsp(a, MTAD_ARRIVE_ANSWER(rc));
	}
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
	struct in_assoc *ia = arg;
	struct mtad *m = ia->m;

	(void)a;
	if (ia->link && mtad_link(m, ia->link_name) == ia->link)
		ia->link->nin--;
	m->nin--;
	if (how != ASSOC_RELEASED && how != ASSOC_REFUSED)
		mtad_log(m, LOG_NOTICE, EV_CONN_CLOSED, ia->peer,
			 ia->link_name[0] ? ia->link_name : NULL, "p1",
			 "inbound association %s: %s", assoc_end_name(how),
			 why);
	ia->a = NULL;
	in_maybe_free(ia);
}

static const struct assoc_cbs in_cbs = {
	on_bind_ind, on_bound, on_apdu_ind, on_apdu_conf, on_ended
};

void mtad_in_accept(struct conn *c, void *arg)
{
	struct mtad *m = arg;
	struct in_assoc *ia;
	struct assoc_cfg ac;
	struct sockaddr_storage ss;
	uint64_t wait;

	if (m->stopping || m->nin >= m->cfg->max_assoc_in) {
		mtad_log(m, LOG_WARNING, EV_CONN_ACCEPTED, conn_peer(c), NULL,
			 "conn", "refused: %s", m->stopping ? "stopping" :
			 "max_associations_in reached");
		conn_abort(c);
		return;
	}
	if (sockaddr_of(conn_peer_addr(c), &ss) == 0 &&
	    (wait = rl_check(m->rl, (struct sockaddr *)&ss,
			     (uint64_t)mtad_now_ms())) > 0) {
		mtad_log(m, LOG_WARNING, EV_BIND_RATE_LIMITED, conn_peer(c),
			 NULL, "conn", "caller %s failed to bind too often: "
			 "connection refused for %lu ms more",
			 conn_peer_addr(c), (unsigned long)wait);
		conn_abort(c);
		return;
	}
	ia = XNEW(struct in_assoc);
	ia->m = m;
	snprintf(ia->peer, sizeof(ia->peer), "%s", conn_peer(c));
	snprintf(ia->peer_addr, sizeof(ia->peer_addr), "%s",
		 conn_peer_addr(c));
	memset(&ac, 0, sizeof(ac));
	ac.osi.role = RTSE_RESPONDER;
	ac.osi.rtse.any_mode = 1;
	ac.osi.rtse.checkpoint = 64;
	ac.osi.rtse.window = 8;
	ac.osi.rtse.recovery = 1;
	ac.osi.rtse.max_apdu = m->cfg->max_message_size + (1u << 20);
	ac.open_ms = 60000;
	ac.idle_ms = 600000;
	m->nin++;
	m->assoc_in_total++;
	ia->next = m->ins;
	m->ins = ia;
	ia->pcap_held = mtad_pcap_in_hold(m, c);
	ia->a = assoc_accept(c, &ac, &in_cbs, ia);
}

/* ---- arrival --------------------------------------------------------- */

struct arrival {
	struct mtad	*m;
	mtad_arrive_fn	*cb;
	void		*arg;
	char		src_link[CFG_NAME_MAX + 1];
	char		peer[CONN_ADDRSTRLEN];
	char		mtsid[Q_MAX_MTSID];
};

static void committed(void *arg, int err, uint64_t id)
{
	struct arrival *ar = arg;
	struct mtad *m = ar->m;

	if (err == Q_E_DUPLICATE) {
		mtad_log(m, LOG_NOTICE, EV_TRANSFER_DUPLICATE, ar->peer,
			 ar->src_link, "p1", "%s was accepted before (message "
			 "%lu): confirmed, not delivered again", ar->mtsid,
			 (unsigned long)id);
		err = 0;
	} else if (err != 0) {
		mtad_log(m, LOG_ERR, EV_STORE_ERROR, ar->peer, ar->src_link,
			 "store", "cannot commit %s: %s; not confirmed",
			 ar->mtsid, q_strerror(err));
	} else {
		m->arrived++;
		mtad_log(m, LOG_INFO, EV_TRANSFER_IN, ar->peer, ar->src_link,
			 "p1", "%s arrived: message %lu", ar->mtsid,
			 (unsigned long)id);
		mtad_kick(m);
	}
	if (ar->cb)
		ar->cb(ar->arg, err, id);
	free(ar);
}

/* fail_rcpt - a recipient refused at once, with a report owed */
static void fail_rcpt(struct q_rcpt *r, int reason, int diag,
		      const char *text)
{
	r->state = Q_ST_REPORT;
	if (r->link == NULL || r->link[0] == 0)
		r->link = "-";		/* no link will carry it */
	r->reason = reason;
	r->diag = diag;
	r->diag_text = text;
}

/* An MTS-APDU being taken in, from its decoding to its submission to the
 * store: what the steps of mtad_arrive share. */
struct arriving {
	struct mtad	*m;
	const char	*src_link, *src_peer;
	MTS_APDU_t	*a;
	int		kind;		/* P1_MESSAGE, P1_PROBE, P1_REPORT */
	int		nall;		/* recipients in a (a report: 1) */
	int		nr;		/* rc[]: those we keep */
	time_t		now;
	char		*mtsid;
	int		loop, where;	/* p1_trace_loop */
	enum p1_ext_verdict xv;		/* p1_ext_check_apdu */
	struct p1_ext_info xi;
	int		*bad;		/* [nall]: a critical extension */
	struct route_split sp;
	char		**names;	/* [nall]: ours (responsible); else
					 * NULL */
	struct q_rcpt	*rc;		/* [nall] */
	char		*orig;		/* the originator, for qm */
	unsigned char	*der;		/* a, encoded again */
	size_t		len;
};

/* arrive_check - the identifier, loops, critical extensions, and our
 *	trace element on what came from a link */
static void arrive_check(struct arriving *v)
{
	struct mtad *m = v->m;

	v->mtsid = p1_mtsid_format(p1_env_id(v->a));
	/* what we made here (a report) carries our own trace already */
	v->loop = v->src_link[0] ? p1_trace_loop(v->a, &m->here, &v->where) :
	    P1_LOOP_NONE;
	v->bad = xcalloc((size_t)v->nall, sizeof(*v->bad));
	v->xv = p1_ext_check_apdu(v->a, P1_CRIT_TRANSFER, &v->xi, v->bad,
				  v->nall);
	if (v->src_link[0] && p1_trace_arrive(v->a, &m->here, v->now) != 0)
		mtad_log(m, LOG_NOTICE, EV_TRANSFER_BAD, v->src_peer,
			 v->src_link, "p1", "%s: cannot add our trace element",
			 v->mtsid);
}

/* arrive_rcpts - a queue recipient for each recipient we are
 *	responsible for (names[i] set), pending, not yet on a link */
static void arrive_rcpts(struct arriving *v)
{
	struct q_rcpt *rc;

	rc = v->rc = xcalloc((size_t)v->nall, sizeof(*v->rc));
	v->names = xcalloc((size_t)v->nall, sizeof(*v->names));
	for (int i = 0; i < v->nall; i++) {
		const ORName_t *name;

		if (v->kind == P1_REPORT) {
			name = p1_env_report_destination(v->a);
		} else {
			struct p1_recip pr;

			p1_env_recipient(v->a, i, &pr);
			name = pr.name;
			if (!pr.responsible)
				continue;	/* another MTA's business */
		}
		v->names[i] = p1_orname_format(name);
		rc[i].idx = 0;
		rc[i].state = Q_ST_PENDING;
		rc[i].reason = rc[i].diag = -1;
		rc[i].address = v->names[i];
		rc[i].link = "";
		rc[i].diag_text = "";
		rc[i].flags = Q_RF_RESPONSIBLE;
	}
}

/* arrive_route - each recipient's link: its route, or the best one when
 *	every route is failing; the unroutable are refused */
static void arrive_route(struct arriving *v)
{
	struct mtad *m = v->m;
	struct route_split *sp = &v->sp;
	struct q_rcpt *rc = v->rc;
	int g, i;

	for (g = 0; g < sp->ngroups; g++)
		for (i = 0; i < sp->groups[g].n; i++)
			rc[sp->groups[g].recips[i]].link = sp->groups[g].link;
	for (i = 0; i < sp->nwaiting; i++) {
		/* every route is failing: queue on the best one anyway */
		struct route_result rr;
		int k = sp->waiting[i];
		const ORName_t *name = v->kind == P1_REPORT ?
		    p1_env_report_destination(v->a) : NULL;
		struct p1_recip pr;

		if (name == NULL) {
			p1_env_recipient(v->a, k, &pr);
			name = pr.name;
		}
		if (route_lookup(m->routes, name, NULL, NULL, &rr) >= 0 &&
		    rr.chosen >= 0)
			rc[k].link = rr.cand[rr.chosen].link;
	}
	for (i = 0; i < sp->nunroutable; i++)
		fail_rcpt(&rc[sp->unroutable[i]], NDR_UNABLE, NDD_UNRECOGNISED,
			  "no route to this O/R address");
}

/* arrive_judge - refuse, with a report owed, each pending recipient of
 *	ours that a loop, a critical extension, a missing route or its
 *	link's size limit stops */
static void arrive_judge(struct arriving *v)
{
	struct q_rcpt *rc = v->rc;

	for (int i = 0; i < v->nall; i++) {
		struct mtad_link *ml;
		long clen = p1_env_content_length(v->a);

		if (v->names[i] == NULL || rc[i].state != Q_ST_PENDING)
			continue;
		if (v->loop != P1_LOOP_NONE)
			fail_rcpt(&rc[i], NDR_UNABLE, NDD_LOOP, "loop detected: "
				  "the trace shows this domain already");
		else if (v->xv == P1_EXT_ALL || v->bad[i])
			fail_rcpt(&rc[i], NDR_UNABLE, NDD_CRITICAL,
				  "unsupported critical extension");
		else if (rc[i].link[0] == 0)
			fail_rcpt(&rc[i], NDR_UNABLE, NDD_UNRECOGNISED,
				  "no route to this O/R address");
		else if (clen > 0 && (ml = mtad_link(v->m, rc[i].link)) != NULL
			 && ml->cfg->size_limit &&
			 (uint64_t)clen > ml->cfg->size_limit)
			fail_rcpt(&rc[i], NDR_UNABLE, NDD_TOO_LONG,
				  "content over the link's size limit");
	}
}

/* arrive_log_refusals - say why recipients were refused: a loop, a
 *	critical extension, no route */
static void arrive_log_refusals(struct arriving *v)
{
	struct mtad *m = v->m;
	const struct route_split *sp = &v->sp;

	if (v->loop != P1_LOOP_NONE)
		mtad_log(m, LOG_WARNING, EV_ROUTE_LOOP, v->src_peer,
			 v->src_link, "p1", "%s: %s loop detected (trace "
			 "element %d): non-delivery", v->mtsid,
			 p1_loop_name(v->loop), v->where);
	if (v->xv != P1_EXT_OK)
		mtad_log(m, LOG_NOTICE, EV_REPORT_SENT, v->src_peer,
			 v->src_link, "p1", "%s: unsupported critical "
			 "extension %s (%ld): non-delivery for %s", v->mtsid,
			 v->xi.name, v->xi.number,
			 v->xv == P1_EXT_ALL ? "every recipient" : "some");
	/* a report is never reported on (X.411 14): one whose
	 * destination has no route is journalled and dropped */
	for (int i = 0; i < sp->nunroutable; i++)
		mtad_log(m, LOG_NOTICE, EV_ROUTE_NONE, v->src_peer,
			 v->src_link, "p1", "%s: no route for %s%s", v->mtsid,
			 v->names[sp->unroutable[i]] ?
			 v->names[sp->unroutable[i]] : "?",
			 v->kind == P1_REPORT ? ": the report is dropped" : "");
}

/* arrive_compact - keep the responsible recipients, in order, indexed
 *	from 0; how many */
static int arrive_compact(struct arriving *v)
{
	int k = 0;

	for (int i = 0; i < v->nall; i++)
		if (v->names[i]) {
			v->rc[k] = v->rc[i];
			v->rc[k].idx = (uint32_t)k;
			k++;
		}
	return k;
}

/* arrive_none - no recipient is ours: nothing to queue, but the extra
 *	operations still happen. 0, or -1 if the store refused them. */
static int arrive_none(struct arriving *v, const struct q_op *extra,
		       size_t nextra, mtad_arrive_fn *cb, void *arg)
{
	struct mtad *m = v->m;
	struct arrival *ar;

	mtad_log(m, LOG_NOTICE, EV_TRANSFER_IN, v->src_peer, v->src_link,
		 "p1", "%s: no recipient is ours (responsibility): nothing "
		 "to do", v->mtsid);
	if (nextra) {
		/* the extra operations still happen */
		ar = XNEW(struct arrival);
		ar->m = m;
		ar->cb = cb;
		ar->arg = arg;
		if (q_submit(m->q, extra, nextra, committed, ar) != 0) {
			free(ar);
			return -1;
		}
		return 0;
	}
	if (cb)
		cb(arg, 0, 0);
	return 0;
}

/* arrive_msg - the queue's record of the message: kind, priority, size,
 *	times, the expiry of its links' shortest max_age, originator,
 *	content type, where it came from */
static void arrive_msg(struct arriving *v, struct q_msg *qm)
{
	static char ct[32];
	const MTS_APDU_t *a = v->a;
	uint64_t age = 0;
	long b;
	time_t t;

	memset(qm, 0, sizeof(*qm));
	qm->kind = v->kind == P1_REPORT ? Q_KIND_REPORT :
	    v->kind == P1_PROBE ? Q_KIND_PROBE : Q_KIND_MESSAGE;
	qm->prio = v->kind == P1_REPORT ? Q_PRIO_URGENT :
	    (enum q_prio)p1_env_priority(a);
	qm->size = p1_env_content_length(a) > 0 ?
	    (uint64_t)p1_env_content_length(a) : 0;
	qm->arrival = v->now;
	if (p1_env_deferred_time(a, &t) == 1)
		qm->deferred = t;
	if (p1_env_latest_delivery_time(a, &t, NULL) == 1)
		qm->latest = t;
	for (int i = 0; i < v->nr; i++) {
		struct mtad_link *ml = mtad_link(v->m, v->rc[i].link);

		if (ml && ml->cfg->max_age_ms &&
		    (age == 0 || ml->cfg->max_age_ms < age))
			age = ml->cfg->max_age_ms;
	}
	if (age)
		qm->expiry = v->now + (int64_t)(age / 1000);
	qm->mtsid = v->mtsid;
	v->orig = v->kind == P1_REPORT ? xstrdup("") :
	    p1_orname_format(p1_env_originator(a));
	qm->originator = v->orig;
	b = p1_env_builtin_content_type(a);
	snprintf(ct, sizeof(ct), b >= 0 ? "%ld" : "extended", b);
	qm->content_type = v->kind == P1_REPORT ? "report" : ct;
	qm->src_link = v->src_link;
	qm->src_peer = v->src_peer ? v->src_peer : "";
}

/* arrive_submit - the arrival and the extra operations in one
 *	transaction; committed() ends it. 0, or -1 (logged). */
static int arrive_submit(struct arriving *v, struct q_msg *qm,
			 const struct q_op *extra, size_t nextra,
			 mtad_arrive_fn *cb, void *arg)
{
	struct mtad *m = v->m;
	struct q_op ops[4], op;
	struct arrival *ar;
	int rcode;

	memset(&op, 0, sizeof(op));
	op.type = Q_OP_ARRIVE;
	op.now = v->now;
	op.msg = qm;
	op.rcpts = v->rc;
	op.nrcpts = (size_t)v->nr;
	op.apdu = v->der;
	op.apdu_len = v->len;
	op.link = v->src_link;
	op.peer = v->src_peer;
	ar = XNEW(struct arrival);
	ar->m = m;
	ar->cb = cb;
	ar->arg = arg;
	snprintf(ar->src_link, sizeof(ar->src_link), "%s", v->src_link);
	snprintf(ar->peer, sizeof(ar->peer), "%s",
		 v->src_peer ? v->src_peer : "");
	snprintf(ar->mtsid, sizeof(ar->mtsid), "%s", v->mtsid);
	if (nextra > 3)
		panic("mtad_arrive: %zu extra operations", nextra);
	ops[0] = op;
	if (nextra)	/* extra may be NULL then: memcpy must not see it */
		memcpy(ops + 1, extra, nextra * sizeof(*extra));
	if ((rcode = q_submit(m->q, ops, 1 + nextra, committed, ar)) != 0) {
		mtad_log(m, LOG_ERR, EV_STORE_ERROR, v->src_peer, v->src_link,
			 "store", "%s: %s", v->mtsid, q_strerror(rcode));
		free(ar);
		return -1;
	}
	return 0;
}

/* arrive_free - what the steps made */
static void arrive_free(struct arriving *v)
{
	if (v->names)
		for (int i = 0; i < v->nall; i++)
			free(v->names[i]);
	free(v->names);
	free(v->rc);
	free(v->bad);
	free(v->der);
	free(v->mtsid);
	free(v->orig);
	codec_free(&asn_DEF_MTS_APDU, v->a);
}

int mtad_arrive(struct mtad *m, const unsigned char *apdu, size_t n,
		const char *src_link, const char *src_peer,
		const struct q_op *extra, size_t nextra,
		mtad_arrive_fn *cb, void *arg)
{
	struct arriving v;
	struct q_msg qm;
	int ret = -1;

	memset(&v, 0, sizeof(v));
	v.m = m;
	v.src_link = src_link;
	v.src_peer = src_peer;
	v.now = time(NULL);
	if (codec_decode(&asn_DEF_MTS_APDU, apdu, n,
			 m->cfg->max_message_size + (1u << 20),
			 (void **)&v.a, NULL) != 0) {
		mtad_log(m, LOG_WARNING, EV_TRANSFER_BAD, src_peer, src_link,
			 "p1", "an MTS-APDU that does not decode, refused "
			 "for good (%zu octets): %s", n, codec_last_detail());
		return MTAD_ARRIVE_PERMANENT;
	}
	v.kind = p1_env_kind(v.a);
	v.nall = v.kind == P1_REPORT ? 1 : p1_env_recipient_count(v.a);
	if (v.nall < 1) {
		mtad_log(m, LOG_WARNING, EV_TRANSFER_BAD, src_peer, src_link,
			 "p1", "an MTS-APDU without recipients, refused for "
			 "good");
		ret = MTAD_ARRIVE_PERMANENT;
		goto out;
	}
	arrive_check(&v);
	route_split(m->routes, v.a, mtad_link_up, m, &v.sp);
	arrive_rcpts(&v);
	arrive_route(&v);
	arrive_judge(&v);
	arrive_log_refusals(&v);
	route_split_free(&v.sp);

	if ((v.nr = arrive_compact(&v)) == 0) {
		ret = arrive_none(&v, extra, nextra, cb, arg);
		goto out;
	}
	if (codec_encode_alloc(&asn_DEF_MTS_APDU, v.a, &v.der, &v.len) != 0) {
		mtad_log(m, LOG_WARNING, EV_TRANSFER_BAD, src_peer, src_link,
			 "p1", "%s: does not encode again, refused for good: "
			 "%s", v.mtsid, codec_last_detail());
		ret = MTAD_ARRIVE_PERMANENT;
		goto out;
	}
	arrive_msg(&v, &qm);
	ret = arrive_submit(&v, &qm, extra, nextra, cb, arg);
out:
	arrive_free(&v);
	return ret;
}
