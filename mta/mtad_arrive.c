/*
 * mtad_arrive.c - x400d: every MTS-APDU's arrival, from a link or made
 *	here
 *
 * See mtad.h (mtad_arrive). The steps, each its own function: decode;
 * the identifier, loops and critical extensions; our trace element; a
 * queue recipient for each recipient we are responsible for, routed;
 * refusals judged (a non-delivery report owed at once); then the
 * message, its recipients and the caller's extra operations in one
 * store transaction, confirmed to the caller only once committed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

struct arrival {
	struct mtad	*m;
	mtad_arrive_fn	*cb;
	void		*arg;
	char		src_link[CFG_NAME_MAX + 1];
	char		peer[CONN_ADDRSTRLEN];
	char		mtsid[Q_MAX_MTSID];
	size_t		octets;		/* as received */
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
		mtad_refused(m, MTAD_REF_STORE);
	} else {
		if (ar->src_link[0]) {	/* not a report made here */
			m->arrived++;
			m->arrived_octets += ar->octets;
		}
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
	size_t		n_in;		/* octets as received */
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

	for (int i = 0; i < v->nall; i++)
		if (v->names[i] && v->rc[i].state == Q_ST_REPORT)
			mtad_refused(m, v->rc[i].diag == NDD_LOOP ?
			    MTAD_REF_LOOP : v->rc[i].diag == NDD_CRITICAL ?
			    MTAD_REF_CRITICAL : v->rc[i].diag == NDD_TOO_LONG ?
			    MTAD_REF_TOO_LONG : MTAD_REF_NO_ROUTE);
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
	ar->octets = v->n_in;
	if (nextra > 3)
		panic("mtad_arrive: %zu extra operations", nextra);
	ops[0] = op;
	if (nextra)	/* extra may be NULL then: memcpy must not see it */
		memcpy(ops + 1, extra, nextra * sizeof(*extra));
	if ((rcode = q_submit(m->q, ops, 1 + nextra, committed, ar)) != 0) {
		mtad_log(m, LOG_ERR, EV_STORE_ERROR, v->src_peer, v->src_link,
			 "store", "%s: %s", v->mtsid, q_strerror(rcode));
		mtad_refused(m, MTAD_REF_STORE);
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
	v.n_in = n;
	v.now = time(NULL);
	if (codec_decode(&asn_DEF_MTS_APDU, apdu, n,
			 m->cfg->max_message_size + (1u << 20),
			 (void **)&v.a, NULL) != 0) {
		mtad_log(m, LOG_WARNING, EV_TRANSFER_BAD, src_peer, src_link,
			 "p1", "an MTS-APDU that does not decode, refused "
			 "for good (%zu octets): %s", n, codec_last_detail());
		mtad_refused(m, MTAD_REF_UNDECODABLE);
		return MTAD_ARRIVE_PERMANENT;
	}
	v.kind = p1_env_kind(v.a);
	v.nall = v.kind == P1_REPORT ? 1 : p1_env_recipient_count(v.a);
	if (v.nall < 1) {
		mtad_log(m, LOG_WARNING, EV_TRANSFER_BAD, src_peer, src_link,
			 "p1", "an MTS-APDU without recipients, refused for "
			 "good");
		mtad_refused(m, MTAD_REF_NO_RECIPIENTS);
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
		mtad_refused(m, MTAD_REF_UNDECODABLE);
		ret = MTAD_ARRIVE_PERMANENT;
		goto out;
	}
	arrive_msg(&v, &qm);
	ret = arrive_submit(&v, &qm, extra, nextra, cb, arg);
out:
	arrive_free(&v);
	return ret;
}
