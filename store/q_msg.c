/*
 * q_msg.c - operations on messages, inside a write transaction
 *
 * SYNOPSIS
 *	#include "q_int.h"
 *
 *	rc = q_apply_op(t, &op, &id);
 *
 * DESCRIPTION
 *	Every operation follows one pattern. It loads the message (its
 *	record and every recipient record, copied out of the map), checks
 *	its arguments and the recipients' states, changes the copies in
 *	memory, and only then writes: q_qm_store() compares the message as
 *	loaded with the message as changed and derives every write from
 *	the difference, the records, the queue and expiry index entries,
 *	the counters and the duplicate index. Nothing else writes those,
 *	so they cannot drift apart; q_check.c tests the same rules.
 *
 *	A validation error (Q_E_NOTFOUND, Q_E_STATE, Q_E_INVAL,
 *	Q_E_DUPLICATE) is returned before anything is written, except for
 *	a duplicate arrival, which journals itself on the first message.
 *	A disk error is left in t->ret and the whole transaction must be
 *	aborted.
 *
 *	When every recipient of a message is final (DELIVERED, FAILED,
 *	DONE), the operation removes the message: record, APDU, recipient
 *	records; its duplicate-index entry becomes a tombstone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "q_int.h"
#include "xalloc.h"

/* pick - mark the recipients an op names; Q_E_NOTFOUND past the end */
static int pick(const struct qm *qm, const struct q_op *op, char *sel)
{
	memset(sel, op->idx ? 0 : 1, qm->n);
	if (op->idx == NULL)
		return 0;
	if (op->nidx == 0)
		return Q_E_INVAL;
	for (size_t i = 0; i < op->nidx; i++) {
		if (op->idx[i] >= qm->n)
			return Q_E_NOTFOUND;
		sel[op->idx[i]] = 1;
	}
	return 0;
}

/* journal_rcpts - one journal entry for the recipients changed: the
 *	index when one, else -1 with the list unless it is all of them */
static void journal_rcpts(struct q_rd *t, enum q_jtype type, int64_t now,
			  const struct qm *qm, const char *done,
			  const char *link, const char *peer,
			  const char *text)
{
	struct buf b = BUF_INIT;
	int32_t one = -1;
	uint32_t n = 0;
	char num[16];

	for (uint32_t i = 0; i < qm->n; i++)
		if (done[i]) {
			one = (int32_t)i;
			n++;
		}
	if (n != 1)
		one = -1;
	if (n > 1 && n < qm->n) {
		buf_add(&b, "recipients ", 11);
		for (uint32_t i = 0, k = 0; i < qm->n; i++)
			if (done[i]) {
				int l = snprintf(num, sizeof(num), "%s%u",
						 k++ ? "," : "", i);
				buf_add(&b, num, (size_t)l);
			}
		if (text && text[0]) {
			buf_add(&b, ": ", 2);
			buf_add(&b, text, strlen(text));
		}
		buf_add(&b, "", 1);
		text = (const char *)b.data;
	}
	q_journal_add(t, type, now, qm->m.id, one, link, peer, text);
	buf_free(&b);
}

/* valid_text - optional strings of an op */
static int valid_text(const struct q_op *op)
{
	return (op->text == NULL || q_str_ok(op->text, Q_MAX_STR)) &&
	       (op->peer == NULL || q_str_ok(op->peer, Q_MAX_STR)) &&
	       (op->link == NULL || q_str_ok(op->link, Q_MAX_LINK));
}

/* op_arrive - a new message */
static int op_arrive(struct q_rd *t, const struct q_op *op, int64_t now,
		     uint64_t *id)
{
	const struct q_msg *in = op->msg;
	unsigned char k[Q_KEY_MAX], v[Q_DUP_LEN];
	struct qm qm;
	uint64_t next;
	size_t kl;
	MDB_val old;
	int rc;

	if (in == NULL || op->apdu == NULL || op->apdu_len == 0 ||
	    op->rcpts == NULL || op->nrcpts == 0 ||
	    op->nrcpts > Q_MAX_RCPTS || (unsigned)in->kind > Q_KIND_REPORT ||
	    (unsigned)in->prio > Q_PRIO_URGENT || (in->flags & ~Q_MF_HOLD) ||
	    !q_str_ok(in->mtsid, Q_MAX_MTSID) || in->mtsid[0] == '\0' ||
	    (in->originator && !q_str_ok(in->originator, Q_MAX_STR)) ||
	    (in->content_type && !q_str_ok(in->content_type, Q_MAX_STR)) ||
	    (in->src_link && in->src_link[0] && !q_link_ok(in->src_link)) ||
	    (in->src_peer && !q_str_ok(in->src_peer, Q_MAX_STR)) ||
	    in->arrival < 0 || in->deferred < 0 || in->latest < 0 ||
	    in->expiry < 0)
		return Q_E_INVAL;
	for (size_t i = 0; i < op->nrcpts; i++) {
		const struct q_rcpt *r = &op->rcpts[i];

		if (!q_str_ok(r->address, Q_MAX_STR) || !q_link_ok(r->link) ||
		    (r->state != Q_ST_PENDING && r->state != Q_ST_FAILED &&
		     r->state != Q_ST_REPORT) ||
		    r->reason < -1 || r->diag < -1 || r->next_attempt < 0 ||
		    (r->flags & ~(Q_RF_HOLD | Q_RF_RESPONSIBLE)) ||
		    (r->diag_text && !q_str_ok(r->diag_text, Q_MAX_STR)))
			return Q_E_INVAL;
	}
	if (q_key_dup(k, &kl, in->src_link ? in->src_link : "",
		      in->mtsid) != 0)
		return Q_E_INVAL;
	rc = qt_get(t, QDB_DUP, k, kl, &old);
	if (rc == 0) {
		if (old.mv_size != Q_DUP_LEN)
			return Q_E_CORRUPT;
		*id = q_get64(old.mv_data);
		q_journal_add(t, Q_J_DUPLICATE, now, *id, -1, in->src_link,
			      in->src_peer, in->mtsid);
		return Q_E_DUPLICATE;
	}
	if (rc != Q_E_NOTFOUND)
		return rc;
	if ((rc = q_meta_u64(t, "next_id", &next)) != 0)
		return rc == Q_E_NOTFOUND ? Q_E_CORRUPT : rc;
	if (next == 0)
		return Q_E_CORRUPT;
	q_meta_put_u64(t, "next_id", next + 1);

	memset(&qm, 0, sizeof(qm));
	qm.m = *in;
	qm.m.id = next;
	qm.m.nrcpt = (uint32_t)op->nrcpts;
	qm.m.apdu_len = op->apdu_len;
	qm.m.size = in->size ? in->size : op->apdu_len;
	qm.m.arrival = in->arrival ? in->arrival : now;
	qm.m.originator = in->originator ? in->originator : "";
	qm.m.content_type = in->content_type ? in->content_type : "";
	qm.m.src_link = in->src_link ? in->src_link : "";
	qm.m.src_peer = in->src_peer ? in->src_peer : "";
	qm.apdu_len = op->apdu_len;
	qm.n = qm.m.nrcpt;
	qm.r = xcalloc(qm.n, sizeof(*qm.r));
	for (uint32_t i = 0; i < qm.n; i++) {
		struct q_rcpt *r = &qm.r[i];

		*r = op->rcpts[i];
		r->idx = i;
		r->attempts = 0;
		r->changed = now;
		r->diag_text = r->diag_text ? r->diag_text : "";
		if (r->next_attempt == 0)
			r->next_attempt = qm.m.arrival;
		if (r->state == Q_ST_PENDING) {
			r->reason = -1;
			r->diag = -1;
		}
		if (r->state == Q_ST_REPORT && in->kind == Q_KIND_REPORT)
			r->state = Q_ST_FAILED;
	}
	q_be64(v, next);
	q_be64(v + 8, (uint64_t)now);
	v[16] = 0;
	qt_put(t, QDB_DUP, k, kl, v, Q_DUP_LEN);
	q_be64(k, next);
	qt_put(t, QDB_APDU, k, Q_KEY_ID, op->apdu, op->apdu_len);
	q_journal_add(t, Q_J_ARRIVAL, now, next, -1, qm.m.src_link,
		      qm.m.src_peer, qm.m.mtsid);
	q_qm_store(t, &qm, now);
	q_qm_free(&qm);
	*id = next;
	return t->ret;
}

/* op_change - the common part of the per-recipient state operations */
static int op_change(struct q_rd *t, const struct q_op *op, int64_t now)
{
	struct qm qm;
	char *sel = NULL, *done = NULL;
	enum q_jtype jt = Q_J_NOTE;
	const char *jtext = op->text;
	char note[Q_MAX_LINK * 2 + 16];
	int rc, any = 0;

	if ((rc = q_qm_load(t, op->id, &qm)) != 0)
		goto out;
	sel = xmalloc(qm.n);
	done = xcalloc(qm.n, 1);
	if ((rc = pick(&qm, op, sel)) != 0)
		goto out;
	for (uint32_t i = 0; i < qm.n; i++) {
		struct q_rcpt *r = &qm.r[i];
		int ok;

		if (!sel[i])
			continue;
		switch (op->type) {
		case Q_OP_BEGIN:
			ok = r->state == Q_ST_PENDING &&
			     !(r->flags & Q_RF_HOLD) &&
			     !(qm.m.flags & Q_MF_HOLD);
			break;
		case Q_OP_DONE:
		case Q_OP_DEFER:
		case Q_OP_FAIL:
			ok = r->state == Q_ST_PENDING ||
			     r->state == Q_ST_TRANSFER;
			break;
		case Q_OP_REPORTED:
			ok = r->state == Q_ST_REPORT;
			break;
		case Q_OP_RETRY:
		case Q_OP_REROUTE:
			ok = r->state == Q_ST_PENDING;
			break;
		default:
			panic("op_change: op %d", (int)op->type);
		}
		if (!ok) {
			if (op->idx) {
				rc = Q_E_STATE;
				goto out;
			}
			continue;
		}
		done[i] = 1;
		any = 1;
		switch (op->type) {
		case Q_OP_BEGIN:
			r->state = Q_ST_TRANSFER;
			r->changed = now;
			jt = Q_J_ATTEMPT;
			break;
		case Q_OP_DONE:
			if (op->flags & Q_OPF_REPORT &&
			    qm.m.kind != Q_KIND_REPORT) {
				r->state = Q_ST_REPORT;
				r->next_attempt = now;
			} else {
				r->state = Q_ST_DELIVERED;
			}
			r->reason = -1;
			r->diag = -1;
			r->changed = now;
			jt = strcmp(r->link, Q_LINK_LOCAL) == 0 ?
			     Q_J_DELIVERY : Q_J_TRANSFER;
			break;
		case Q_OP_DEFER:
			r->state = Q_ST_PENDING;
			r->attempts++;
			r->next_attempt = op->when > 0 ? op->when : now;
			r->diag_text = op->text ? op->text : "";
			r->changed = now;
			jt = Q_J_DEFER;
			break;
		case Q_OP_FAIL:
			if (op->flags & Q_OPF_REPORT &&
			    qm.m.kind != Q_KIND_REPORT) {
				r->state = Q_ST_REPORT;
				r->next_attempt = now;
			} else {
				r->state = Q_ST_FAILED;
			}
			r->attempts++;
			r->reason = op->reason;
			r->diag = op->diag;
			r->diag_text = op->text ? op->text : "";
			r->changed = now;
			jt = Q_J_FAILURE;
			break;
		case Q_OP_REPORTED:
			r->state = Q_ST_DONE;
			r->changed = now;
			jt = Q_J_REPORT;
			break;
		case Q_OP_RETRY:
			r->next_attempt = now;
			jt = Q_J_RETRY;
			break;
		case Q_OP_REROUTE:
			snprintf(note, sizeof(note), "%s -> %s", r->link,
				 op->link);
			r->link = op->link;
			r->next_attempt = now;
			jt = Q_J_REROUTE;
			jtext = op->text ? op->text : note;
			break;
		default:
			break;
		}
	}
	if (!any) {
		rc = Q_E_STATE;
		goto out;
	}
	journal_rcpts(t, jt, now, &qm, done, op->link, op->peer, jtext);
	q_qm_store(t, &qm, now);
	rc = t->ret;
out:
	free(sel);
	free(done);
	q_qm_free(&qm);
	return rc;
}

/* op_hold - hold or release a message, or some of its recipients */
static int op_hold(struct q_rd *t, const struct q_op *op, int64_t now)
{
	int hold = op->type == Q_OP_HOLD;
	struct qm qm;
	char *sel = NULL;
	int rc, changed = 0;

	if ((rc = q_qm_load(t, op->id, &qm)) != 0)
		goto out;
	sel = xmalloc(qm.n);
	if ((rc = pick(&qm, op, sel)) != 0)
		goto out;
	if (op->idx == NULL) {
		unsigned f = hold ? qm.m.flags | Q_MF_HOLD :
			     qm.m.flags & ~Q_MF_HOLD;

		changed = f != qm.m.flags;
		qm.m.flags = f;
	} else {
		for (uint32_t i = 0; i < qm.n; i++) {
			unsigned f;

			if (!sel[i])
				continue;
			f = hold ? qm.r[i].flags | Q_RF_HOLD :
			    qm.r[i].flags & ~Q_RF_HOLD;
			changed |= f != qm.r[i].flags;
			qm.r[i].flags = f;
		}
	}
	if (changed) {
		if (op->idx)
			journal_rcpts(t, hold ? Q_J_HOLD : Q_J_RELEASE, now,
				      &qm, sel, op->link, op->peer, op->text);
		else
			q_journal_add(t, hold ? Q_J_HOLD : Q_J_RELEASE, now,
				      qm.m.id, -1, op->link, op->peer,
				      op->text);
		q_qm_store(t, &qm, now);
	}
	rc = t->ret;
out:
	free(sel);
	q_qm_free(&qm);
	return rc;
}

/* op_link_hold - hold or release a whole link */
static int op_link_hold(struct q_rd *t, const struct q_op *op, int64_t now)
{
	unsigned char v[Q_LINK_LEN];
	int hold = op->type == Q_OP_LINK_HOLD;

	if (!q_link_ok(op->link))
		return Q_E_INVAL;
	v[0] = 1;
	v[1] = hold ? Q_LINK_HELD : 0;
	q_be64(v + 2, (uint64_t)now);
	if (hold)
		qt_put(t, QDB_LINK, op->link, strlen(op->link), v, sizeof(v));
	else
		qt_del(t, QDB_LINK, op->link, strlen(op->link));
	q_journal_add(t, hold ? Q_J_HOLD : Q_J_RELEASE, now, 0, -1, op->link,
		      op->peer, op->text ? op->text : hold ? "link held" :
		      "link released");
	return t->ret;
}

/* op_delete - remove a message, or owe non-delivery reports instead */
static int op_delete(struct q_rd *t, const struct q_op *op, int64_t now)
{
	struct qm qm;
	int rc;

	if ((rc = q_qm_load(t, op->id, &qm)) != 0)
		goto out;
	if ((op->flags & Q_OPF_REPORT) && qm.m.kind != Q_KIND_REPORT) {
		if (op->reason < 0) {
			rc = Q_E_INVAL;
			goto out;
		}
		for (uint32_t i = 0; i < qm.n; i++) {
			struct q_rcpt *r = &qm.r[i];

			if (r->state != Q_ST_PENDING &&
			    r->state != Q_ST_TRANSFER)
				continue;
			r->state = Q_ST_REPORT;
			r->reason = op->reason;
			r->diag = op->diag;
			r->diag_text = op->text ? op->text : "";
			r->next_attempt = now;
			r->changed = now;
		}
		/* an operator's delete also lifts the holds */
		qm.m.flags &= ~Q_MF_HOLD;
		for (uint32_t i = 0; i < qm.n; i++)
			qm.r[i].flags &= ~Q_RF_HOLD;
		q_journal_add(t, Q_J_DELETE, now, qm.m.id, -1, op->link,
			      op->peer, "with non-delivery report");
	} else {
		qm.removed = 1;
		q_journal_add(t, Q_J_DELETE, now, qm.m.id, -1, op->link,
			      op->peer, op->text);
	}
	q_qm_store(t, &qm, now);
	rc = t->ret;
out:
	q_qm_free(&qm);
	return rc;
}

/* op_set_apdu - replace the stored APDU */
static int op_set_apdu(struct q_rd *t, const struct q_op *op, int64_t now)
{
	unsigned char k[Q_KEY_ID];
	struct qm qm;
	char text[64];
	int rc;

	if (op->apdu == NULL || op->apdu_len == 0)
		return Q_E_INVAL;
	if ((rc = q_qm_load(t, op->id, &qm)) != 0)
		goto out;
	q_be64(k, op->id);
	qt_put(t, QDB_APDU, k, Q_KEY_ID, op->apdu, op->apdu_len);
	qm.apdu_len = op->apdu_len;
	snprintf(text, sizeof(text), "APDU now %zu octets", op->apdu_len);
	q_journal_add(t, Q_J_APDU, now, op->id, -1, op->link, op->peer,
		      op->text ? op->text : text);
	q_qm_store(t, &qm, now);
	rc = t->ret;
out:
	q_qm_free(&qm);
	return rc;
}

/* op_recover - every TRANSFER recipient becomes PENDING again. The
 *	counters say whether there is any: after a clean stop there is
 *	none, and the recipients are not walked (a million queued would
 *	cost seconds and map in the whole file); after a crash they are */
static int op_recover(struct q_rd *t, int64_t now, uint64_t *count)
{
	uint64_t *ids = NULL, last = 0, owed;
	size_t nids = 0;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	*count = 0;
	if (q_count_state(t, Q_ST_TRANSFER, &owed) != 0 || owed == 0)
		return t->ret;
	if (qt_cursor(t, QDB_RCPT, &c))
		return t->ret;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const unsigned char *p = v.mv_data;
		uint64_t id;

		/* the state octet suffices; a corrupt record is check's */
		if (k.mv_size != Q_KEY_RCPT || v.mv_size < 2 ||
		    p[1] != Q_ST_TRANSFER)
			continue;
		id = q_get64(k.mv_data);
		if (id == last)
			continue;
		ids = xrealloc(ids, (nids + 1) * sizeof(*ids));
		ids[nids++] = last = id;
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND) {
		free(ids);
		return t->ret = q_err(rc);
	}
	for (size_t i = 0; i < nids && t->ret == 0; i++) {
		struct qm qm;
		char *done;

		if (q_qm_load(t, ids[i], &qm) != 0) {
			q_qm_free(&qm);
			continue;
		}
		done = xcalloc(qm.n, 1);
		for (uint32_t j = 0; j < qm.n; j++)
			if (qm.r[j].state == Q_ST_TRANSFER) {
				qm.r[j].state = Q_ST_PENDING;
				qm.r[j].changed = now;
				done[j] = 1;
				++*count;
			}
		journal_rcpts(t, Q_J_RECOVER, now, &qm, done, NULL, NULL,
			      "transfer interrupted by a restart");
		q_qm_store(t, &qm, now);
		free(done);
		q_qm_free(&qm);
	}
	free(ids);
	return t->ret;
}

/* apply_op - q_apply_op, once the operator is known */
static int apply_op(struct q_rd *t, const struct q_op *op, uint64_t *id)
{
	int64_t now = op->now > 0 ? op->now : (int64_t)time(NULL);
	uint64_t n1, n2;
	int rc;

	*id = op->id;
	if (!valid_text(op) || op->now < 0 || op->when < 0 ||
	    (op->idx && op->nidx == 0))
		return Q_E_INVAL;
	switch (op->type) {
	case Q_OP_ARRIVE:
		return op_arrive(t, op, now, id);
	case Q_OP_REROUTE:
		if (!q_link_ok(op->link))
			return Q_E_INVAL;
		/* fall through */
	case Q_OP_BEGIN:
	case Q_OP_DONE:
	case Q_OP_DEFER:
	case Q_OP_FAIL:
	case Q_OP_REPORTED:
	case Q_OP_RETRY:
		if (op->type == Q_OP_FAIL && (op->reason < 0 || op->diag < -1))
			return Q_E_INVAL;
		return op_change(t, op, now);
	case Q_OP_HOLD:
	case Q_OP_RELEASE:
		return op_hold(t, op, now);
	case Q_OP_LINK_HOLD:
	case Q_OP_LINK_RELEASE:
		return op_link_hold(t, op, now);
	case Q_OP_DELETE:
		return op_delete(t, op, now);
	case Q_OP_SET_APDU:
		return op_set_apdu(t, op, now);
	case Q_OP_NOTE:
		if (op->idx && (op->nidx != 1 || op->idx[0] >= Q_MAX_RCPTS))
			return Q_E_INVAL;
		q_journal_add(t, Q_J_NOTE, now, op->id,
			      op->idx && op->nidx == 1 ? (int32_t)op->idx[0] :
			      -1, op->link, op->peer, op->text);
		return t->ret;
	case Q_OP_PRUNE:
		if (op->when <= 0)
			return Q_E_INVAL;
		if ((rc = q_journal_prune(t, op->when, Q_PRUNE_MAX, &n1)) ||
		    (rc = q_dup_prune(t, op->when, Q_PRUNE_MAX, &n2)))
			return rc;
		*id = n1 + n2;
		return 0;
	case Q_OP_RECOVER:
		return op_recover(t, now, id);
	}
	return Q_E_INVAL;
}

/* q_apply_op - apply one operation in the write transaction t; its
 *	journal entries name the operator it was done for, if any */
int q_apply_op(struct q_rd *t, const struct q_op *op, uint64_t *id)
{
	int rc;

	if (op->user && !q_str_ok(op->user, Q_MAX_LINK))
		return Q_E_INVAL;
	t->user = op->user;
	rc = apply_op(t, op, id);
	t->user = NULL;
	return rc;
}
