/*
 * mtad_out.c - x400d: outbound associations and transfers
 *
 * See mtad.h. For each link with due work, at most max_associations
 * associations, each opened from the link's source address (issue 6)
 * and each transferring one message at a time: the recipients of that
 * message due on that link are taken (Q_OP_BEGIN), the APDU is sent
 * with the responsibility indicator set for exactly those recipients
 * (X.411 12.2.1.1.1.x), downgraded for an X.410-1984 link, and only the
 * next MTA's transfer confirmation marks them done.
 *
 * The result (DONE, DEFER, FAIL) rides with the next commit (lazy), and
 * the association does not wait for it: it takes its next message at
 * once. Until the result is durable the queue may still show the
 * message due, so a note of it (struct out_settling, on the mtad: it
 * outlives the association, which may end meanwhile) keeps every
 * association of the link off it (mtad_out_in_flight()); the
 * association's memory lives until its last note is committed.
 * mtad_out_open.c opens the associations and ends them (mtad_out.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "log.h"
#include "mtad.h"
#include "mtad_out.h"
#include "mtad_strong.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_downgrade.h"
#include "p1_ext.h"
#include "p1_env.h"
#include "route.h"
#include "xalloc.h"

#include "MTS-APDU.h"


/* mtad_out_in_flight - another association of the link already took
 *	this one */
int mtad_out_in_flight(struct mtad_link *l, uint64_t id,
		       const struct mtad_out *except)
{
	const struct mtad_out *o;

	const struct out_settling *s;

	for (o = l->outs; o; o = o->next)
		if (o != except && o->busy && o->id == id)
			return 1;
	for (s = l->m->settling; s; s = s->next)
		if (s->id == id && strcmp(s->link, l->cfg->name) == 0)
			return 1;
	return 0;
}

/* out_gone - free o if its association ended and nothing refers to it */
static void out_gone(struct mtad_out *o)
{
	if (o->a == NULL && o->pending == 0 && !o->busy && o->settling == 0)
		free(o);
}

static void unlink_out(struct mtad_out *o)
{
	struct mtad_link *l = mtad_link(o->m, o->link);
	struct mtad_out **pp;

	if (l == NULL)
		return;
	for (pp = &l->outs; *pp; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			l->nout--;
			return;
		}
}

/* ---- results --------------------------------------------------------- */

static void result_done(void *arg, int err, uint64_t id)
{
	struct out_settling *n = arg, **pp;
	struct mtad_out *o = n->o;

	(void)id;
	if (err)
		mtad_log(o->m, LOG_WARNING, EV_STORE_ERROR, NULL, o->link,
			 "store", "result for %s: %s (changed by an "
			 "operator?)", n->mtsid, q_strerror(err));
	for (pp = &o->m->settling; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	free(n);
	o->settling--;
	out_gone(o);
}

/* submit_result - the transfer's result op, lazy or not; o is free for
 *	its next transfer at once (on the next scheduler pass) */
static void submit_result(struct mtad_out *o, const struct q_op *op,
			  int lazy)
{
	struct out_settling *n = XNEW(struct out_settling);
	int rc;

	n->o = o;
	n->id = o->id;
	snprintf(n->link, sizeof(n->link), "%s", o->link);
	snprintf(n->mtsid, sizeof(n->mtsid), "%s", o->mtsid);
	n->next = o->m->settling;
	o->m->settling = n;
	o->settling++;
	rc = lazy ? q_submit_lazy(o->m->q, op, 1, result_done, n) :
		    q_submit(o->m->q, op, 1, result_done, n);
	o->busy = 0;
	o->phase = OUT_IDLE;
	o->nidx = 0;
	if (rc != 0) {
		result_done(n, -1, 0);	/* may free o */
		return;
	}
	if (o->a == NULL)
		out_gone(o);
	else
		mtad_kick(o->m);
}

/* settle - the transfer ended: done, or another attempt later, or a
 *	failure with a non-delivery report */
static void settle(struct mtad_out *o, int ok, const char *why)
{
	struct mtad *m = o->m;
	struct mtad_link *l = mtad_link(m, o->link);
	struct q_op op;
	int64_t now = time(NULL);

	o->phase = OUT_SETTLING;
	memset(&op, 0, sizeof(op));
	op.id = o->id;
	op.idx = o->idx;
	op.nidx = o->nidx;
	op.now = now;
	op.link = o->link;
	op.peer = o->a ? assoc_peer(o->a) : "";
	if (ok == ASSOC_OK) {
		op.type = Q_OP_DONE;
		m->relayed++;
		m->relayed_octets += o->octets;
		mtad_log(m, LOG_INFO, EV_TRANSFER_OUT, op.peer, o->link, "p1",
			 "%s: %zu recipient%s transferred in %ld ms",
			 o->mtsid, o->nidx, o->nidx == 1 ? "" : "s",
			 (long)(mtad_now_ms() - o->started));
	} else if (ok == ASSOC_PERMANENT) {
		/* the next MTA will never take it (X.228 RTAB
		 * permanentProblem): retrying cannot help */
		op.type = Q_OP_FAIL;
		op.flags = Q_OPF_REPORT;
		op.reason = 0;		/* transfer-failure */
		op.diag = NDD_UNABLE_TO_COMPLETE;
		op.text = why;
		if (l)
			mtad_link_fail(l, LOG_WARNING, EV_REPORT_SENT, op.peer,
				       "p1", "%s: %s refused it for good (RTSE "
				       "abort permanentProblem): non-delivery "
				       "to %zu recipient%s, not retried",
				       o->mtsid, l->cfg->peer_mta, o->nidx,
				       o->nidx == 1 ? "" : "s");
		else
			mtad_log(m, LOG_WARNING, EV_REPORT_SENT, op.peer,
				 o->link, "p1", "%s: %s refused it for good "
				 "(RTSE abort permanentProblem): non-delivery "
				 "to %zu recipient%s, not retried", o->mtsid,
				 o->link, o->nidx, o->nidx == 1 ? "" : "s");
	} else if (l && o->attempts >= l->cfg->transfer_retries + 1) {
		op.type = Q_OP_FAIL;
		op.flags = Q_OPF_REPORT;
		op.reason = 0;		/* transfer-failure */
		op.diag = -1;
		op.text = why;
		mtad_link_fail(l, LOG_WARNING, EV_REPORT_SENT, op.peer, "p1",
			       "%s: %u transfer attempts failed (%s): "
			       "non-delivery", o->mtsid, o->attempts, why);
	} else {
		op.type = Q_OP_DEFER;
		op.when = now + (int64_t)((l ? l->cfg->transfer_interval_ms :
					   60000) / 1000);
		op.text = why;
	}
	/* lazy: rides with the next arrivals' commit (q.h) */
	submit_result(o, &op, 1);
}

/* ---- one transfer ---------------------------------------------------- */

/* prepare - the APDU as this link gets it: responsibility for our
 *	recipients only; downgraded for X.410-1984 */
static int prepare(struct mtad_out *o, const void *apdu, size_t n,
		   char **addrs, size_t naddrs, unsigned char **der,
		   size_t *len, char *why, size_t whylen)
{
	struct mtad_link *l = mtad_link(o->m, o->link);
	MTS_APDU_t *a = NULL;
	int i, k, rc = -1;

	if (codec_decode(&asn_DEF_MTS_APDU, apdu, n, 0, (void **)&a, NULL)) {
		snprintf(why, whylen, "the stored APDU does not decode");
		return -1;
	}
	if (p1_env_kind(a) != P1_REPORT) {
		int nr = p1_env_recipient_count(a);

		for (i = 0; i < nr; i++) {
			struct p1_recip r;
			char *s;
			int mine = 0;

			p1_env_recipient(a, i, &r);
			s = p1_orname_format(r.name);
			for (k = 0; s && k < (int)naddrs; k++)
				if (strcmp(s, addrs[k]) == 0)
					mine = 1;
			free(s);
			p1_bit_set((BIT_STRING_t *)r.indicators, 0, mine);
		}
	}
	if (l && l->cfg->mode == RTSE_X410) {
		struct p1_downgrade d;
		enum p1_dg_verdict v;

		memset(&d, 0, sizeof(d));
		v = p1_downgrade(a, &d);
		if (v == P1_DG_ALL) {
			snprintf(why, whylen, "cannot be downgraded for an "
				 "X.410-1984 link: %s", d.why);
			p1_downgrade_free(&d);
			goto out;
		}
		p1_downgrade_free(&d);
	}
	if (l)		/* extension types as the link's edition writes them */
		p1_ext_set_form(a, P1_EDITION_FORM(l->cfg->edition));
	if (codec_encode_alloc(&asn_DEF_MTS_APDU, a, der, len) != 0) {
		snprintf(why, whylen, "does not encode: %s",
			 codec_last_detail());
		goto out;
	}
	rc = 0;
out:
	codec_free(&asn_DEF_MTS_APDU, a);
	return rc;
}

struct begun {
	struct mtad_out	*o;
	unsigned char	*apdu;
	size_t		len;
	char		**addrs;
	size_t		naddrs;
};

static void begun_free(struct begun *b)
{
	size_t i;

	for (i = 0; i < b->naddrs; i++)
		free(b->addrs[i]);
	free(b->addrs);
	free(b->apdu);
	free(b);
}

/* on_begun - the recipients are ours to transfer: send */
static void on_begun(void *arg, int err, uint64_t id)
{
	struct begun *b = arg;
	struct mtad_out *o = b->o;
	unsigned char *der = NULL;
	size_t len = 0;
	char why[300];

	(void)id;
	if (err) {
		mtad_log(o->m, LOG_WARNING, EV_STORE_ERROR, NULL, o->link,
			 "store", "cannot take %s: %s", o->mtsid,
			 q_strerror(err));
		o->busy = 0;
		o->phase = OUT_IDLE;
		begun_free(b);
		if (o->a == NULL)
			out_gone(o);
		else
			mtad_out_next(o);
		return;
	}
	if (o->a == NULL) {		/* gone meanwhile: try again later */
		begun_free(b);
		settle(o, 0, "the association ended before the transfer");
		return;
	}
	if (prepare(o, b->apdu, b->len, b->addrs, b->naddrs, &der, &len, why,
		    sizeof(why)) != 0) {
		struct q_op op;

		memset(&op, 0, sizeof(op));
		op.type = Q_OP_FAIL;
		op.id = o->id;
		op.idx = o->idx;
		op.nidx = o->nidx;
		op.flags = Q_OPF_REPORT;
		op.reason = 1;		/* unable-to-transfer */
		op.diag = 47;		/* unable-to-downgrade */
		op.text = why;
		mtad_log(o->m, LOG_WARNING, EV_REPORT_SENT, assoc_peer(o->a),
			 o->link, "p1", "%s: %s: non-delivery", o->mtsid, why);
		begun_free(b);
		submit_result(o, &op, 0);
		return;
	}
	begun_free(b);
	o->started = mtad_now_ms();
	o->octets = len;
	o->phase = OUT_SENDING;
	if (assoc_send(o->a, der, len, o) != 0) {
		free(der);
		settle(o, 0, "the association cannot take a transfer now");
		return;
	}
	free(der);
}

struct begin_note {
	struct mtad	*m;
	char		link[CFG_NAME_MAX + 1];
	char		mtsid[Q_MAX_MTSID];
};

static struct begin_note *begin_note(const struct mtad_out *o)
{
	struct begin_note *n = XNEW(struct begin_note);

	n->m = o->m;
	snprintf(n->link, sizeof(n->link), "%s", o->link);
	snprintf(n->mtsid, sizeof(n->mtsid), "%s", o->mtsid);
	return n;
}

/* begin_done - the BEGIN of a transfer already under way is durable, or
 *	was refused (an operator changed the message meanwhile): the
 *	transfer's result op says what happens to it */
static void begin_done(void *arg, int err, uint64_t id)
{
	struct begin_note *n = arg;

	(void)id;
	if (err)
		mtad_log(n->m, LOG_WARNING, EV_STORE_ERROR, NULL, n->link,
			 "store", "cannot mark %s in transfer: %s",
			 n->mtsid, q_strerror(err));
	free(n);
}

/* mtad_out_next - start the next transfer on a bound, idle
 *	association */
void mtad_out_next(struct mtad_out *o)
{
	struct mtad *m = o->m;
	struct mtad_link *l = mtad_link(m, o->link);
	struct q_rd *rd;
	struct q_iter it;
	struct q_due d;
	struct q_rcpt r;
	struct q_msg qm;
	struct begun *b;
	const void *p;
	size_t n;
	int64_t now = time(NULL);
	int rc, found = 0;

	if (o->a == NULL || !o->bound || o->busy || o->releasing ||
	    l == NULL || m->stopping)
		return;
	if (l->cfg->max_transfers && o->transfers >= l->cfg->max_transfers) {
		/* carried its share (max_transfers): a new association,
		 * opened by the scheduler, takes the rest */
		o->releasing = 1;
		assoc_release(o->a);
		return;
	}
	if (q_rd_begin(m->q, &rd) != 0)
		return;
	if (q_iter_due(rd, &it, o->link, now) == 0) {
		while ((rc = q_next_due(&it, &d)) == 1)
			if (!mtad_out_in_flight(l, d.id, o)) {
				found = 1;
				break;
			}
	}
	q_iter_end(&it);
	if (!found) {
		q_rd_end(rd);
		if (!m->stopping && l->cfg->idle_timeout_ms == 0) {
			o->releasing = 1;
			assoc_release(o->a);
		}
		return;
	}
	b = XNEW(struct begun);
	b->o = o;
	o->id = d.id;
	o->nidx = 0;
	o->attempts = 0;
	/* every recipient of that message due on this link */
	if (q_iter_rcpts(rd, &it, d.id) == 0) {
		while (q_next_rcpt(&it, &r) == 1 && o->nidx < MAX_TAKE) {
			if (r.state != Q_ST_PENDING ||
			    strcmp(r.link, o->link) != 0 ||
			    (r.flags & Q_RF_HOLD) || r.next_attempt > now)
				continue;
			o->idx[o->nidx++] = r.idx;
			if (r.attempts > o->attempts)
				o->attempts = r.attempts;
			b->addrs = xrealloc(b->addrs, (b->naddrs + 1) *
					    sizeof(*b->addrs));
			b->addrs[b->naddrs++] = xstrdup(r.address);
		}
	}
	q_iter_end(&it);
	o->attempts++;
	if (q_msg_get(rd, d.id, &qm) == 0)
		snprintf(o->mtsid, sizeof(o->mtsid), "%s", qm.mtsid);
	if (q_apdu_get(rd, d.id, &p, &n) == 0) {
		b->apdu = xmemdup(p, n);
		b->len = n;
	}
	q_rd_end(rd);
	if (o->nidx == 0 || b->apdu == NULL) {
		begun_free(b);
		return;
	}
	o->busy = 1;
	o->phase = OUT_TAKING;
	o->transfers++;
	{
		struct q_op op;

		memset(&op, 0, sizeof(op));
		op.type = Q_OP_BEGIN;
		op.id = o->id;
		op.idx = o->idx;
		op.nidx = o->nidx;
		op.link = o->link;
		op.peer = assoc_peer(o->a);
		/* The transfer does not wait for BEGIN to be durable: after
		 * a crash q_recover() makes every TRANSFER recipient PENDING
		 * again, so a restart sees the same either way; meanwhile
		 * mtad_out_in_flight() keeps the link's other associations off this
		 * message, and the result (DONE, DEFER, FAIL), submitted
		 * later, is applied after the BEGIN (one writer, in order).
		 * This saves a commit per message on each association, and
		 * the BEGIN rides with the next commit (lazy). */
		if (q_submit_lazy(m->q, &op, 1, begin_done,
				  begin_note(o)) != 0) {
			o->busy = 0;
			o->phase = OUT_IDLE;
			begun_free(b);
			return;
		}
		on_begun(b, 0, o->id);
	}
}

/* ---- the association -------------------------------------------------- */

static void on_bind_ind(struct assoc *a, const struct assoc_bind *p,
			void *arg)
{
	(void)p;
	(void)arg;
	assoc_abort(a);
}

/* mtad_out_check_peer - the peer's bind result is the one the link
 *	expects: its MTA name and, when the link verifies one, its password */
unsigned mtad_out_check_peer(struct mtad_link *l, struct assoc *a,
			     const struct assoc_bind *peer, char *why,
			     size_t n)
{
	unsigned ev;

	if (l->cfg->peer_mta && strcasecmp(peer->name,
					    l->cfg->peer_mta) != 0) {
		snprintf(why, n, "the peer at %s bound as MTA \"%s\", not "
			 "\"%s\": aborted", assoc_peer(a), peer->name,
			 l->cfg->peer_mta);
		return EV_BIND_UNKNOWN_MTA;
	}
	if ((ev = mtad_strong_result(l->m, l->cfg, peer, why, n)) != 0)
		return ev;
	if (!l->cfg->strong && l->cfg->peer_pw &&
	    auth_verifier_kind(l->cfg->peer_pw) != AUTH_NONE &&
	    !auth_check(l->cfg->peer_pw, peer->password,
			peer->password_len)) {
		snprintf(why, n, "MTA \"%s\" answered our bind with a wrong "
			 "password: aborted", peer->name);
		return EV_BIND_BAD_PASSWORD;
	}
	return 0;
}

static void on_bound(struct assoc *a, const struct assoc_bind *peer,
		     void *arg)
{
	struct mtad_out *o = arg;
	struct mtad_link *l = mtad_link(o->m, o->link);
	char why[MTAD_ERR_MAX];
	unsigned ev;

	if (l && (ev = mtad_out_check_peer(l, a, peer, why, sizeof(why)))) {
		mtad_link_fail(l, LOG_WARNING, ev, assoc_peer(a), "p1", "%s",
			       why);
		assoc_abort(a);
		return;
	}
	o->bound = 1;
	if (l) {
		l->failing = 0;
		l->next_open = 0;
		l->last_bound_at = mtad_now_ms();
	}
	mtad_out_next(o);
}

/* twa_arrived - an APDU the peer sent us on our association (TWA) is
 *	committed: now it may be confirmed */
static void twa_arrived(void *arg, int err, uint64_t id)
{
	struct mtad_out *o = arg;

	(void)id;
	o->pending--;
	if (o->a)
		assoc_apdu_rsp(o->a, err == 0 ? ASSOC_OK : ASSOC_TEMPORARY);
	else
		out_gone(o);
}

static void on_apdu_ind(struct assoc *a, const unsigned char *p, size_t n,
			void *arg)
{
	struct mtad_out *o = arg;

	int rc;

	o->pending++;
	if ((rc = mtad_arrive(o->m, p, n, o->link, assoc_peer(a), NULL, 0,
			      twa_arrived, o)) != 0) {
		o->pending--;
		assoc_apdu_rsp(a, MTAD_ARRIVE_ANSWER(rc));
	}
}

static void on_apdu_conf(struct assoc *a, void *tag, int ok, void *arg)
{
	struct mtad_out *o = arg;

	(void)a;
	(void)tag;
	if (o->phase != OUT_SENDING)
		return;
	settle(o, ok, ok == ASSOC_OK ? "" : ok == ASSOC_PERMANENT ?
	       "the next MTA refused the message for good" :
	       "the next MTA did not confirm the transfer");
}

/* mtad_out_hold_link - no association could be opened: the link waits
 *	open_interval, and the router uses alternates meanwhile */
void mtad_out_hold_link(struct mtad *m, struct mtad_link *l)
{
	l->failing = 1;
	l->next_open = mtad_now_ms() + (int64_t)l->cfg->open_interval_ms;
	mtad_kick_at(m, l->next_open);
}

/* mtad_out_reroute_away - link l has just failed: move the recipients
 *	waiting on it to the next route that is up (the router's alternates), due at
 *	once, rather than leave them behind a peer that does not answer.
 *	Recipients whose only route is l stay; so do held ones (the
 *	operator's hold outranks routing). */
void mtad_out_reroute_away(struct mtad *m, struct mtad_link *l)
{
	enum { MAX_MOVE = 1000 };	/* per failure; the next one moves more */
	struct q_op *ops;
	char **links;
	uint32_t *idx;
	size_t n = 0, i;
	struct q_rd *rd;
	struct q_iter it;
	struct q_due d;

	if (q_rd_begin(m->q, &rd) != 0)
		return;
	memset(&it, 0, sizeof(it));
	ops = xcalloc(MAX_MOVE, sizeof(*ops));
	links = xcalloc(MAX_MOVE, sizeof(*links));
	idx = xcalloc(MAX_MOVE, sizeof(*idx));
	if (q_iter_due(rd, &it, l->cfg->name, INT64_MAX) == 0) {
		while (n < MAX_MOVE && q_next_due(&it, &d) == 1) {
			struct q_rcpt r;
			struct route_result rr;
			ORName_t *name = NULL;
			struct p1_err err;
			const char *to;

			if (q_rcpt_get(rd, d.id, d.idx, &r) != 0 ||
			    p1_orname_parse(r.address, &name, &err) != 0)
				continue;
			if (route_lookup(m->routes, name, mtad_link_up, m,
					 &rr) >= 0 && rr.chosen >= 0 &&
			    strcmp((to = rr.cand[rr.chosen].link),
				   ROUTE_LOCAL) != 0 &&
			    strcasecmp(to, l->cfg->name) != 0) {
				idx[n] = d.idx;
				links[n] = xstrdup(to);
				ops[n].type = Q_OP_REROUTE;
				ops[n].id = d.id;
				ops[n].idx = &idx[n];
				ops[n].nidx = 1;
				ops[n].link = links[n];
				ops[n].text = "alternate route: the link failed";
				n++;
			}
			codec_free(&asn_DEF_ORName, name);
		}
	}
	q_iter_end(&it);
	q_rd_end(rd);
	for (i = 0; i < n; i++)
		if (q_submit(m->q, &ops[i], 1, NULL, NULL) != 0)
			break;
	if (n)
		mtad_log(m, LOG_NOTICE, EV_ROUTE_ALTERNATE, NULL, l->cfg->name,
			 "route", "%zu recipient%s moved to alternate routes "
			 "while link %s fails (first to %s)", n,
			 n == 1 ? "" : "s", l->cfg->name, links[0]);
	for (i = 0; i < n; i++)
		free(links[i]);
	free(links);
	free(ops);
	free(idx);
}

static void on_ended(struct assoc *a, enum assoc_end how, const char *why,
		     void *arg)
{
	struct mtad_out *o = arg;
	struct mtad *m = o->m;
	struct mtad_link *l = mtad_link(m, o->link);

	m->nout--;
	unlink_out(o);
	o->a = NULL;
	if (!o->bound && l && !m->stopping &&
	    assoc_connect_error(a) == CONN_E_SRCADDR) {
		/* our own source address is unusable (source_enforce): held
		 * as for any failure, but the event says whose fault it is;
		 * conn.c logged EV_SRCADDR_UNAVAILABLE with the cause */
		mtad_out_hold_link(m, l);
		mtad_link_fail(l, LOG_ERR, EV_SRCADDR_HELD, NULL, "conn",
			 "link %s held: its source address %s is not usable "
			 "on this host; a local configuration error, %s is "
			 "not at fault; set source_address on link %s to an "
			 "address of this host, or source_enforce = false; "
			 "next attempt in %lu ms", o->link, o->src,
			 l->cfg->peer_mta, o->link,
			 (unsigned long)l->cfg->open_interval_ms);
		mtad_out_reroute_away(m, l);
	} else if (!o->bound && l && !m->stopping) {
		/* could not reach the peer, or it refused our bind */
		mtad_out_hold_link(m, l);
		mtad_link_fail(l, LOG_WARNING, EV_CONN_FAILED, NULL, "p1",
			 "association to %s %s: %s; next attempt in %lu ms",
			 l->cfg->peer_mta, assoc_end_name(how), why,
			 (unsigned long)l->cfg->open_interval_ms);
		mtad_out_reroute_away(m, l);
	} else if (how != ASSOC_RELEASED && l) {
		mtad_link_fail(l, LOG_NOTICE, EV_CONN_CLOSED, NULL, "p1",
			 "outbound association %s: %s", assoc_end_name(how),
			 why);
	} else if (how != ASSOC_RELEASED) {
		mtad_log(m, LOG_NOTICE, EV_CONN_CLOSED, NULL, o->link, "p1",
			 "outbound association %s: %s", assoc_end_name(how),
			 why);
	} else if (!m->stopping) {
		mtad_kick(m);	/* released (max_transfers): more may wait */
	}
	if (o->phase == OUT_SENDING) {
		/* a transfer was under way: try it again later; the result
		 * frees o once the store has it */
		settle(o, 0, why);
		return;
	}
	if (o->phase == OUT_IDLE)
		out_gone(o);
	/* else: on_begun, result_done or twa_arrived frees it */
}

const struct assoc_cbs mtad_out_cbs = {
	on_bind_ind, on_bound, on_apdu_ind, on_apdu_conf, on_ended
};
