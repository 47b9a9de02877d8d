/*
 * mtad_in.c - x400d: inbound associations, from the accept to the end
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

#include <openssl/crypto.h>

#include "log.h"
#include "mtad.h"
#include "mtad_strong.h"
#include "mtad_tls.h"
#include "xalloc.h"

#define IN_IDLE_DEFAULT_MS	300000	/* a link's idle_timeout of 0 */
#define IN_IDLE_GRACE_MS	5000	/* a silent caller is aborted after
					 * idle_timeout and this */

/* One inbound association. It lives until the association ended, no
 * arrival is waiting for its commit and no password is being hashed for
 * it. */
struct in_assoc {
	struct in_assoc	*next, **pprev;	/* m->ins */
	struct in_assoc	*pnext, **ppprev; /* m->pool, while in it */
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
	int		burned;		/* a hash paid for a refusal */
	int		started;	/* decide() ran (the back-off checked) */
	/* the front door: while not bound, the connection takes a place
	 * in the reserve of the link named here, or ("") in the pool of
	 * unreserved callers (admit) */
	char		reserve[CFG_NAME_MAX + 1];
	int		waiting;	/* counted in the reserve or pool */
	int		bound;
	int		pcap_held;	/* capture held until the bind is
					 * judged (mtad_pcap.c) */
	uv_timer_t	delay;		/* burn(): the time of a hash */
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
	uint64_t	queued_us;	/* when it was queued */
};

/* Unbound associations waiting in one link's reserve (admit). */
struct in_wait {
	char		name[CFG_NAME_MAX + 1];
	unsigned	n;
};

static void decide(struct in_assoc *ia);

/* ---- the front door's counts -------------------------------------------- */

/* wait_count - the count of the reserve named name, made if new (the
 *	reserves are the receiving links with an allow list: a few) */
static unsigned *wait_count(struct mtad *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nwaits; i++)
		if (strcmp(m->waits[i].name, name) == 0)
			return &m->waits[i].n;
	m->waits = xrealloc(m->waits, (m->nwaits + 1) * sizeof(*m->waits));
	snprintf(m->waits[i].name, sizeof(m->waits[i].name), "%s", name);
	m->waits[i].n = 0;
	m->nwaits++;
	return &m->waits[i].n;
}

/* wait_enter - a new connection waits for its bind in its reserve, or
 *	in the pool */
static void wait_enter(struct in_assoc *ia)
{
	struct mtad *m = ia->m;

	ia->waiting = 1;
	if (ia->reserve[0]) {
		(*wait_count(m, ia->reserve))++;
		return;
	}
	if ((ia->pnext = m->pool) != NULL)
		m->pool->ppprev = &ia->pnext;
	m->pool = ia;
	ia->ppprev = &m->pool;
	m->npool++;
}

/* wait_leave - bound, or ended: it no longer waits */
static void wait_leave(struct in_assoc *ia)
{
	struct mtad *m = ia->m;

	if (!ia->waiting)
		return;
	ia->waiting = 0;
	if (ia->reserve[0]) {
		(*wait_count(m, ia->reserve))--;
		return;
	}
	if ((*ia->ppprev = ia->pnext) != NULL)
		ia->pnext->ppprev = ia->ppprev;
	m->npool--;
}

static void in_maybe_free(struct in_assoc *ia)
{
	if (ia->a != NULL || ia->pending != 0)
		return;
	wait_leave(ia);
	if ((*ia->pprev = ia->next) != NULL)
		ia->next->pprev = ia->pprev;
	auth_verifier_free(ia->hashed);
	p1_bind_clear(&ia->bind);
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

/* rl_key - the name the back-off counts a caller under (ratelimit.h):
 *	the name it claimed when some link knows that name, and "*" for
 *	every other, so that inventing names buys no fresh attempts */
static const char *rl_key(const struct cfg *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nlinks; i++)
		if (cfg->links[i].peer_mta &&
		    strcasecmp(cfg->links[i].peer_mta, name) == 0)
			return name;
	return "*";
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
		wait = rl_fail(m->rl, (struct sockaddr *)&ss,
			       rl_key(m->cfg, ia->bind.name), now);
	mtad_log(m, LOG_WARNING, ev, ia->peer, link, "p1", "%s; %s", msg,
		 wire_text(ia->x410, bind_error));
	if (wait)
		mtad_log(m, LOG_WARNING, EV_BIND_RATE_LIMITED, ia->peer, link,
			 "p1", "caller %s: %u failed binds in a row as %s; "
			 "its further binds as %s are refused for %lu ms",
			 ia->peer_addr, rl_failures(m->rl,
			 (struct sockaddr *)&ss, rl_key(m->cfg, ia->bind.name),
			 now), rl_key(m->cfg, ia->bind.name)[0] == '*' ?
			 "an unknown MTA" : "this MTA",
			 rl_key(m->cfg, ia->bind.name)[0] == '*' ?
			 "any unknown MTA" : "it", (unsigned long)wait);
	m->refused++;
	mtad_refused(m, ev == EV_BIND_BAD_SELECTOR ? MTAD_REF_BAD_SELECTOR :
		     ev == EV_BIND_BAD_ADDRESS ? MTAD_REF_BAD_ADDRESS :
		     ev == EV_BIND_BAD_PASSWORD || (ev >= EV_STRONG_SIGNATURE &&
		     ev <= EV_BIND_CREDENTIALS_KIND) ? MTAD_REF_BAD_PASSWORD :
		     ev == EV_BIND_BUSY ? MTAD_REF_BUSY : MTAD_REF_UNKNOWN_MTA);
	assoc_bind_rsp(ia->a, 0, bind_error, NULL);
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
	struct mtad *m = ia->m;
	uint64_t took = uv_hrtime() / 1000 - v->queued_us;

	/* what a hash costs now, queueing included: burn()'s delay */
	m->hash_us = m->hash_us ? (7 * m->hash_us + took) / 8 : took;
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
static void hash_start(struct in_assoc *ia, const struct auth_verifier *cur);

static int password_ok(struct in_assoc *ia, const struct cfg_link *l)
{
	struct auth_verifier *cur = l->peer_pw;
	enum auth_kind k = auth_verifier_kind(cur);

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
	hash_start(ia, cur);
	return -1;
}

/* costly - a verifier whose check costs a hash */
static int costly(const struct auth_verifier *v)
{
	return v && (auth_verifier_kind(v) == AUTH_PBKDF2 ||
		     auth_verifier_kind(v) == AUTH_SCRYPT);
}

static void delay_closed(uv_handle_t *h)
{
	struct in_assoc *ia = h->data;

	ia->pending--;
	if (ia->a == NULL || ia->m->stopping) {
		if (ia->a)
			assoc_abort(ia->a);
		in_maybe_free(ia);
		return;
	}
	decide(ia);
}

static void delay_done(uv_timer_t *t)
{
	uv_close((uv_handle_t *)t, delay_closed);
}

/* burn - before a refusal that needs no password (an unknown name,
 *	the selectors, the address), take the time a wrong password takes,
 *	so that the time of the answer tells the caller nothing (issue
 *	17): as long as hashes take now (m->hash_us, measured), without
 *	paying for one, so that such refusals cost no CPU; until one was
 *	measured, a real hash with the link's verifier when the name is
 *	known, else the first receiving link's. Only when some verifier
 *	costs a hash. 1: decide() runs again later; 0: refuse now. */
static int burn(struct in_assoc *ia, const struct cfg_link *l)
{
	struct mtad *m = ia->m;
	const struct cfg *cfg = m->cfg;
	const struct auth_verifier *v = NULL;

	if (ia->burned)
		return 0;
	if (l && costly(l->peer_pw))
		v = l->peer_pw;
	for (size_t i = 0; v == NULL && i < cfg->nlinks; i++)
		if ((cfg->links[i].dir & CFG_IN) &&
		    costly(cfg->links[i].peer_pw))
			v = cfg->links[i].peer_pw;
	if (v == NULL)
		return 0;
	ia->burned = 1;
	if (m->hash_us == 0) {
		hash_start(ia, v);
		return 1;
	}
	uv_timer_init(m->loop, &ia->delay);
	ia->delay.data = ia;
	ia->pending++;
	uv_timer_start(&ia->delay, delay_done, (m->hash_us + 999) / 1000, 0);
	return 1;
}

/* hash_start - check the caller's password against cur on the thread
 *	pool; verify_done() calls decide() again */
static void hash_start(struct in_assoc *ia, const struct auth_verifier *cur)
{
	struct in_verify *v;
	char err[AUTH_ERRLEN];

	v = XNEW(struct in_verify);
	if (auth_verifier_parse(auth_verifier_text(cur), 1, &v->v, err,
				sizeof(err)) != 0)
		panic("password_ok: a loaded verifier does not parse: %s",
		      err);
	v->ia = ia;
	v->len = ia->bind.password_len;
	memcpy(v->pw, ia->bind.password, v->len);
	v->w.data = v;
	v->queued_us = uv_hrtime() / 1000;
	if (uv_queue_work(ia->m->loop, &v->w, verify_work, verify_done)
	    != 0) {
		/* cannot happen with a valid loop; hash here, then */
		v->ok = auth_verify(v->v, v->pw, v->len);
		ia->pending++;
		verify_done(&v->w, 0);
		return;
	}
	ia->pending++;
}

/* backing_off - the caller's key (address, claimed name) must still
 *	wait: refuse at once, with no hash and no log line (counted) */
static int backing_off(struct in_assoc *ia)
{
	struct mtad *m = ia->m;
	struct sockaddr_storage ss;

	if (sockaddr_of(ia->peer_addr, &ss) != 0 ||
	    rl_check(m->rl, (struct sockaddr *)&ss,
		     rl_key(m->cfg, ia->bind.name),
		     (uint64_t)mtad_now_ms()) == 0)
		return 0;
	mtad_gate_count(m, GATE_BACKOFF, ia->peer_addr);
	m->refused++;
	assoc_bind_rsp(ia->a, 0, ASSOC_BE_AUTHENTICATION, NULL);
	return 1;
}

/* credentials - the checks 1 to 4 of decide(): the link the caller may
 *	bind as, or NULL (refused, or a hash is running) */
static const struct cfg_link *credentials(struct in_assoc *ia)
{
	struct mtad *m = ia->m;
	const struct assoc_bind *peer = &ia->bind;
	const struct cfg_link *l, *out;
	enum cfg_match why;
	char b1[160], b2[160], acl[300], twhy[900];
	unsigned tls;
	int pw;

	l = cfg_link_inbound(m->cfg, peer->name, &ia->called, &why);
	if (ia->pcap_held) {	/* once: decide() may run again */
		ia->pcap_held = 0;
		mtad_pcap_in(m, ia->a, l);
	}
	out = why == CFG_NO_LINK ? outbound_only(m->cfg, peer->name) : NULL;
	if ((why != CFG_MATCHED || (l->allow && !acl_match_text(l->allow,
	    ia->peer_addr))) && burn(ia, why == CFG_NO_LINK ? NULL : l))
		return NULL;	/* decide() again once the hash is paid */
	if (out)
		refuse(ia, EV_BIND_UNKNOWN_MTA, ASSOC_BE_AUTHENTICATION, 1,
		       out->name, "caller %s claimed MTA \"%s\"; link %s "
		       "sends to \"%s\" but does not receive from it; set "
		       "direction = \"both\" on link %s", ia->peer_addr,
		       peer->name, out->name, peer->name, out->name);
	else if (why == CFG_NO_LINK)
		refuse(ia, EV_BIND_UNKNOWN_MTA, ASSOC_BE_AUTHENTICATION, 1, NULL,
		       "caller %s claimed MTA \"%s\", which no link receives "
		       "from; correct the caller's MTA name, or add a link "
		       "with peer_mta = \"%s\"", ia->peer_addr, peer->name,
		       peer->name);
	else if (why == CFG_WRONG_SELECTORS)
		refuse(ia, EV_BIND_BAD_SELECTOR, ASSOC_BE_AUTHENTICATION, 1,
		       l->name, "caller %s claimed MTA \"%s\" and called %s; "
		       "link %s expects %s; set the selectors the caller "
		       "calls, or our_tsel/our_ssel/our_psel on link %s",
		       ia->peer_addr, peer->name,
		       sels_text(&ia->called, ia->x410, b1, sizeof(b1)),
		       l->name, sels_text(&l->our_sel, ia->x410, b2,
		       sizeof(b2)), l->name);
	else if (l->allow && !acl_match_text(l->allow, ia->peer_addr))
		refuse(ia, EV_BIND_BAD_ADDRESS, ASSOC_BE_AUTHENTICATION, 0,
		       l->name, "caller %s claimed MTA \"%s\"; link %s allows "
		       "%s; set %s's source address or allow %s",
		       ia->peer_addr, peer->name, l->name,
		       acl_describe(l->allow, acl, sizeof(acl)), peer->name,
		       ia->peer_addr);
	else if ((tls = mtad_tls_refusal(l, assoc_conn(ia->a), twhy,
					 sizeof(twhy))) != 0)
		refuse(ia, tls, ASSOC_BE_AUTHENTICATION, 1, l->name, "caller "
		       "%s claimed MTA \"%s\": %s", ia->peer_addr,
		       peer->name, twhy);
	else if ((tls = mtad_strong_refusal(m, l, peer, twhy,
					    sizeof(twhy))) != 0) {
		if (burn(ia, l))
			return NULL;	/* the time of a hash, then again */
		refuse(ia, tls, ASSOC_BE_AUTHENTICATION, 1, l->name, "caller "
		       "%s claimed MTA \"%s\": %s", ia->peer_addr,
		       peer->name, twhy);
	} else if (!peer->strong && l->peer_pw &&
		   (pw = password_ok(ia, l)) <= 0) {
		if (pw < 0)
			return NULL;	/* hashing: decide() again later */
		refuse(ia, EV_BIND_BAD_PASSWORD, ASSOC_BE_AUTHENTICATION, 1,
		       l->name, "caller %s claimed MTA \"%s\" with a password "
		       "(%zu octets) that link %s's peer_password (%s) does "
		       "not match; set the password %s sends us, or "
		       "peer_password on link %s (x400passwd -c checks one)",
		       ia->peer_addr, peer->name, peer->password_len,
		       l->name, auth_kind_name(auth_verifier_kind(l->peer_pw)),
		       peer->name, l->name);
	} else
		return l;
	return NULL;
}

/* accept_bind - the caller is link l's peer: take it (3000, logged by
 *	assoc.c), unless the link or x400d has no room (3008) */
static void accept_bind(struct in_assoc *ia, const struct cfg_link *l)
{
	struct mtad *m = ia->m;
	struct mtad_link *ml = mtad_link(m, l->name);
	struct assoc_bind ours;
	struct sockaddr_storage ss;

	if (ml && ml->nin >= l->max_assoc) {
		refuse(ia, EV_BIND_BUSY, ASSOC_BE_BUSY, 0, l->name,
		       "caller %s (MTA \"%s\"): link %s already has %u "
		       "inbound associations (max_associations %u); the "
		       "caller may try again later", ia->peer_addr,
		       ia->bind.name, l->name, ml->nin, l->max_assoc);
		return;
	}
	if (m->nin_bound >= m->cfg->max_assoc_in) {
		mtad_gate_count(m, GATE_TOO_MANY, ia->peer_addr);
		m->refused++;
		assoc_bind_rsp(ia->a, 0, ASSOC_BE_BUSY, NULL);
		return;
	}
	if (sockaddr_of(ia->peer_addr, &ss) == 0)
		rl_success(m->rl, (struct sockaddr *)&ss, ia->bind.name);
	ia->link = ml;
	ia->bound = 1;
	wait_leave(ia);
	m->nin_bound++;
	snprintf(ia->link_name, sizeof(ia->link_name), "%s", l->name);
	if (ml) {
		ml->nin++;
		ml->assoc_in_total++;
	}
	assoc_set_link(ia->a, l->name);
	/* from now on silence ends it (issue 17), a grace after the
	 * link's idle_timeout so that a caller with the same timer
	 * releases first; 0 (release at once when idle, for our calls)
	 * means the default here */
	assoc_set_idle(ia->a, (unsigned)(l->idle_timeout_ms ?
		       l->idle_timeout_ms : IN_IDLE_DEFAULT_MS) + IN_IDLE_GRACE_MS);
	conn_set_quiet(assoc_conn(ia->a), 0);
	memset(&ours, 0, sizeof(ours));
	snprintf(ours.name, sizeof(ours.name), "%s", l->our_mta ?
		 l->our_mta : m->cfg->mta_name);
	if (ml && ml->our_pw) {
		ours.password_len = strlen(ml->our_pw) > ASSOC_PW_MAX ?
		    ASSOC_PW_MAX : strlen(ml->our_pw);
		memcpy(ours.password, ml->our_pw, ours.password_len);
	}
	mtad_strong_ours(m, l, ia->bind.strong, ia->bind.name, &ours);
	assoc_bind_rsp(ia->a, 1, 0, &ours);
	OPENSSL_cleanse(&ours, sizeof(ours));
}

/* decide - who the caller is (issue 6; docs/links.md "Inbound: who is
 *	calling"). First the back-off of its key (address, claimed name:
 *	3005, counted); then the checks, in this order, each with its
 *	event:
 *	  1. the MTA name it claims is some receiving link's peer_mta (3001)
 *	  2. it called that link's selectors (3004)
 *	  3. its address is on the link's allow list (3003)
 *	  4. its password matches the link's peer_password (3002), or
 *	     its strong credentials verify (mtad_strong.h: 3009-3015,
 *	     2043-2045 for the certificate)
 *	  5. the link, and x400d, have room for one more bound inbound
 *	     association (3008; max_associations_in: counted)
 *	then the bind is accepted (3000, logged by assoc.c). Refusals 1 to
 *	4 take the time of a password hash whatever failed, and all send
 *	the same authentication-error: the caller learns nothing of which
 *	names exist or where they may call from (issue 17). 1, 2 and 4
 *	count as failed binds for the back-off: they are what a guesser
 *	produces; 3 and 5 do not, since no credential was tried, and a
 *	peer that merely calls from the wrong address (KB Q197378) keeps
 *	getting the event that names the fix. */
static void decide(struct in_assoc *ia)
{
	const struct cfg_link *l;

	if (!ia->started) {
		ia->started = 1;
		if (backing_off(ia))
			return;
	}
	if ((l = credentials(ia)) != NULL)
		accept_bind(ia, l);
}

/* on_bind_ind - a caller's MTA-bind: note what it sent and called */
static void on_bind_ind(struct assoc *a, const struct assoc_bind *peer,
			void *arg)
{
	struct in_assoc *ia = arg;
	const struct osi *o = assoc_osi(a);
	struct cfg_sels *sels = &ia->called;

	p1_bind_clear(&ia->bind);
	p1_bind_copy(&ia->bind, peer);
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

	if (ia->link && mtad_link(m, ia->link_name) == ia->link)
		ia->link->nin--;
	m->nin--;
	if (ia->bound)
		m->nin_bound--;
	wait_leave(ia);
	if (!ia->bound && how != ASSOC_REFUSED)	/* counted, not logged */
		mtad_gate_count(m, how == ASSOC_TIMEOUT ? GATE_NO_BIND :
				assoc_tls_failed(a) ? GATE_TLS_FAILED :
				GATE_ENDED_UNBOUND, ia->peer_addr);
	else if (how != ASSOC_RELEASED && how != ASSOC_REFUSED)
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

/* admit - may a new connection from addr wait for its bind (issue 17)?
 *	GATE_MAX: yes, in the reserve of the link reserve names (a
 *	receiving link whose allow list holds addr, up to its
 *	max_associations waiting at once), or ("") in the pool of the
 *	others, up to prebind_per_source from one address and prebind_max
 *	in all; else why not. Configured peers that call from their
 *	allowed addresses are therefore never refused because strangers
 *	hold the pool. */
static enum mtad_gate_why admit(struct mtad *m, const char *addr,
				char *reserve, size_t n)
{
	const struct cfg *cfg = m->cfg;
	const struct in_assoc *ia;
	unsigned same = 0;

	reserve[0] = 0;
	if (m->stopping)
		return GATE_STOPPING;
	for (size_t i = 0; i < cfg->nlinks; i++) {
		const struct cfg_link *l = &cfg->links[i];

		if (!(l->dir & CFG_IN) || l->allow == NULL ||
		    !acl_match_text(l->allow, addr))
			continue;
		if (*wait_count(m, l->name) < l->max_assoc) {
			snprintf(reserve, n, "%s", l->name);
			return GATE_MAX;
		}
	}
	for (ia = m->pool; ia; ia = ia->pnext)	/* prebind_max at most */
		same += strcmp(ia->peer_addr, addr) == 0;
	if (same >= cfg->prebind_per_source)
		return GATE_PER_SOURCE;
	if (m->npool >= cfg->prebind_max)
		return GATE_PREBIND_FULL;
	return GATE_MAX;
}

void mtad_in_accept(struct conn *c, void *arg)
{
	struct mtad *m = arg;
	struct in_assoc *ia;
	struct assoc_cfg ac;
	char reserve[CFG_NAME_MAX + 1];
	enum mtad_gate_why no;

	if ((no = admit(m, conn_peer_addr(c), reserve, sizeof(reserve))) !=
	    GATE_MAX) {
		mtad_gate_count(m, no, conn_peer_addr(c));
		conn_set_quiet(c, 1);
		conn_abort(c);
		return;
	}
	conn_set_quiet(c, 1);		/* until the bind is accepted */
	ia = XNEW(struct in_assoc);
	ia->m = m;
	snprintf(ia->reserve, sizeof(ia->reserve), "%s", reserve);
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
	ac.open_ms = (unsigned)m->cfg->bind_timeout_ms;
	ac.idle_ms = IN_IDLE_DEFAULT_MS;	/* the link's, once bound */
	m->nin++;
	m->assoc_in_total++;
	if ((ia->next = m->ins) != NULL)
		m->ins->pprev = &ia->next;
	m->ins = ia;
	ia->pprev = &m->ins;
	wait_enter(ia);
	ia->pcap_held = mtad_pcap_in_hold(m, c);
	ia->a = assoc_accept(c, &ac, &in_cbs, ia);
}
