/*
 * q_qm.c - a message loaded for change, and written back as the
 *	difference
 *
 * SYNOPSIS
 *	#include "q_int.h"
 *
 *	struct qm qm;
 *	rc = q_qm_load(t, id, &qm);	change qm.m, qm.r[i]...
 *	q_qm_store(t, &qm, now);
 *	q_qm_free(&qm);
 *
 * DESCRIPTION
 *	q_qm_load() copies a message's record and every recipient record
 *	out of the map twice: as loaded (m0, r0) and to be changed (m, r).
 *	q_qm_store() compares the two and derives every write from the
 *	difference: the records, the queue and expiry index entries, the
 *	counters and the duplicate index. Nothing else writes those, so
 *	they cannot drift apart (q_check.c tests the same rules). A message
 *	whose recipients are all final is removed: record, APDU, recipient
 *	records; its duplicate-index entry becomes a tombstone. A disk
 *	error is left in t->ret.
 *
 *	q_msg.c's operations (q_apply_op) are the users.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "q_int.h"
#include "xalloc.h"

/* keep - remember a block to free with the qm */
static void *keep(struct qm *qm, void *p)
{
	qm->blocks = xrealloc(qm->blocks,
			      (qm->nblocks + 1) * sizeof(*qm->blocks));
	qm->blocks[qm->nblocks++] = p;
	return p;
}

/* q_qm_free - release a loaded message */
void q_qm_free(struct qm *qm)
{
	for (size_t i = 0; i < qm->nblocks; i++)
		free(qm->blocks[i]);
	free(qm->blocks);
	free(qm->r);
	free(qm->r0);
	memset(qm, 0, sizeof(*qm));
}

/* q_qm_load - load message id with its recipients */
int q_qm_load(struct q_rd *t, uint64_t id, struct qm *qm)
{
	unsigned char k[Q_KEY_RCPT];
	MDB_cursor *c;
	MDB_val key, v;
	int rc;

	memset(qm, 0, sizeof(*qm));
	q_be64(k, id);
	if ((rc = qt_get(t, QDB_MSG, k, Q_KEY_ID, &v)) != 0)
		return rc;
	if ((rc = q_rec_msg_dec(keep(qm, xmemdup(v.mv_data, v.mv_size)),
				v.mv_size, &qm->m)) != 0)
		return Q_E_CORRUPT;
	if (qm->m.id != id)
		return Q_E_CORRUPT;
	if ((rc = qt_get(t, QDB_APDU, k, Q_KEY_ID, &v)) != 0)
		return rc == Q_E_NOTFOUND ? Q_E_CORRUPT : rc;
	qm->apdu_len = qm->apdu_len0 = v.mv_size;
	qm->m.apdu_len = v.mv_size;
	qm->m0 = qm->m;
	qm->n = qm->m.nrcpt;
	qm->r = xcalloc(qm->n, sizeof(*qm->r));
	qm->r0 = xcalloc(qm->n, sizeof(*qm->r0));
	qm->exists = 1;
	if (qt_cursor(t, QDB_RCPT, &c))
		return t->ret;
	q_be32(k + 8, 0);
	key.mv_data = k;
	key.mv_size = Q_KEY_RCPT;
	rc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE);
	for (uint32_t i = 0; i < qm->n; i++) {
		const unsigned char *kp = key.mv_data;

		if (rc != 0 || key.mv_size != Q_KEY_RCPT ||
		    q_get64(kp) != id || q_get32(kp + 8) != i) {
			rc = rc && rc != MDB_NOTFOUND ? q_err(rc) :
			     Q_E_CORRUPT;
			break;
		}
		if (q_rec_rcpt_dec(keep(qm, xmemdup(v.mv_data, v.mv_size)),
				   v.mv_size, &qm->r[i]) != 0 ||
		    qm->r[i].idx != i) {
			rc = Q_E_CORRUPT;
			break;
		}
		rc = i + 1 < qm->n ? mdb_cursor_get(c, &key, &v, MDB_NEXT) : 0;
	}
	mdb_cursor_close(c);
	if (rc < 0 && rc != Q_E_CORRUPT && t->ret == 0)
		t->ret = rc;
	if (rc)
		return rc;
	memcpy(qm->r0, qm->r, qm->n * sizeof(*qm->r));
	return 0;
}

/* q_rcpt_queued - the queue and due time a recipient belongs in, or 0 */
int q_rcpt_queued(const struct q_msg *m, const struct q_rcpt *r,
		  const char **queue, int64_t *due)
{
	if ((m->flags & Q_MF_HOLD) || (r->flags & Q_RF_HOLD))
		return 0;
	if (r->state == Q_ST_PENDING) {
		*queue = r->link;
		*due = r->next_attempt > m->deferred ? r->next_attempt :
		       m->deferred;
		return 1;
	}
	if (r->state == Q_ST_REPORT) {
		*queue = Q_QUEUE_REPORT;
		*due = r->next_attempt;
		return 1;
	}
	return 0;
}

/* q_msg_expiry_key - the expiry index time of a message, 0 for none:
 *	the earlier of expiry and latest delivery, while it has a PENDING
 *	recipient */
int64_t q_msg_expiry_key(const struct q_msg *m, const struct q_rcpt *r,
			 size_t n)
{
	int64_t e = m->expiry;
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i].state == Q_ST_PENDING)
			break;
	if (i == n)
		return 0;
	if (m->latest && (e == 0 || m->latest < e))
		e = m->latest;
	return e;
}

/* same_msg, same_rcpt - do two records encode alike? */
static int same_msg(const struct q_msg *a, const struct q_msg *b)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	int same;

	q_rec_msg_enc(&x, a);
	q_rec_msg_enc(&y, b);
	same = x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
	buf_free(&x);
	buf_free(&y);
	return same;
}

static int same_rcpt(const struct q_rcpt *a, const struct q_rcpt *b)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	int same;

	q_rec_rcpt_enc(&x, a);
	q_rec_rcpt_enc(&y, b);
	same = x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
	buf_free(&x);
	buf_free(&y);
	return same;
}

/* put_queue - add or delete a recipient's queue entry */
static void put_queue(struct q_rd *t, const struct q_msg *m,
		      const struct q_rcpt *r, int add)
{
	unsigned char k[Q_MAX_LINK + 1 + Q_KEY_QUEUE_TAIL + 8];
	const char *queue;
	int64_t due;
	size_t kl;

	if (!q_rcpt_queued(m, r, &queue, &due))
		return;
	kl = q_key_queue(k, queue, q_rank(m->prio), due, m->id, r->idx);
	if (add)
		qt_put(t, QDB_QUEUE, k, kl, "", 0);
	else
		qt_del(t, QDB_QUEUE, k, kl);
}

/* put_expire - add or delete a message's expiry entry */
static void put_expire(struct q_rd *t, int64_t when, uint64_t id, int add)
{
	unsigned char k[Q_KEY_PAIR];

	if (when == 0)
		return;
	q_be64(k, (uint64_t)when);
	q_be64(k + 8, id);
	if (add)
		qt_put(t, QDB_EXPIRE, k, Q_KEY_PAIR, "", 0);
	else
		qt_del(t, QDB_EXPIRE, k, Q_KEY_PAIR);
}

/* tombstone - the message is gone: mark its duplicate entry so */
static void tombstone(struct q_rd *t, const struct q_msg *m, int64_t now)
{
	unsigned char k[Q_KEY_MAX], v[Q_DUP_LEN], tk[Q_KEY_TOMB];
	size_t kl;

	if (q_key_dup(k, &kl, m->src_link, m->mtsid) != 0)
		return;
	q_be64(v, m->id);
	q_be64(v + 8, (uint64_t)now);
	v[16] = Q_DUP_GONE;
	qt_put(t, QDB_DUP, k, kl, v, Q_DUP_LEN);
	q_key_tomb(tk, now, m->id);
	qt_put(t, QDB_DUP, tk, Q_KEY_TOMB, k, kl);
}

/* q_qm_store - write everything that differs between loaded and changed */
void q_qm_store(struct q_rd *t, struct qm *qm, int64_t now)
{
	struct q_contribs before = { 0 }, after = { 0 };
	unsigned char k[Q_KEY_RCPT];
	struct buf b = BUF_INIT;
	int64_t e0, e1;

	if (!qm->removed) {
		uint32_t i;

		for (i = 0; i < qm->n; i++)
			if (!q_state_final(qm->r[i].state))
				break;
		if (i == qm->n) {
			qm->removed = 1;
			q_journal_add(t, Q_J_COMPLETE, now, qm->m.id, -1, NULL,
				      NULL, "every recipient done");
		}
	}
	if (qm->exists)
		q_contribs_build(&before, qm->m0.size, qm->r0, qm->n);
	if (!qm->removed)
		q_contribs_build(&after, qm->m.size, qm->r, qm->n);
	q_count_diff(t, &before, &after);
	q_contribs_free(&before);
	q_contribs_free(&after);
	/* totals: an arrival that is final at once (a report whose
	 * destination has no route) was never counted and counts nothing */
	if (!qm->exists && !qm->removed)
		q_count_total(t, 1, qm->n, (int64_t)qm->m.size,
			      (int64_t)qm->apdu_len);
	else if (qm->exists && qm->removed)
		q_count_total(t, -1, -(int64_t)qm->n, -(int64_t)qm->m0.size,
			      -(int64_t)qm->apdu_len0);
	else if (qm->exists && qm->apdu_len != qm->apdu_len0)
		q_count_total(t, 0, 0, 0,
			      (int64_t)qm->apdu_len - (int64_t)qm->apdu_len0);

	q_be64(k, qm->m.id);
	if (qm->removed) {
		qt_del(t, QDB_MSG, k, Q_KEY_ID);
		qt_del(t, QDB_APDU, k, Q_KEY_ID);
		tombstone(t, &qm->m, now);
	} else if (!qm->exists || !same_msg(&qm->m, &qm->m0)) {
		q_rec_msg_enc(&b, &qm->m);
		qt_put(t, QDB_MSG, k, Q_KEY_ID, b.data, b.len);
	}
	for (uint32_t i = 0; i < qm->n; i++) {
		const char *q0 = NULL, *q1 = NULL;
		int64_t d0 = 0, d1 = 0;
		int in0 = qm->exists &&
			  q_rcpt_queued(&qm->m0, &qm->r0[i], &q0, &d0);
		int in1 = !qm->removed &&
			  q_rcpt_queued(&qm->m, &qm->r[i], &q1, &d1);
		int moved = in0 != in1 || (in0 && (strcmp(q0, q1) ||
			    d0 != d1 || qm->m0.prio != qm->m.prio));

		if (in0 && moved)
			put_queue(t, &qm->m0, &qm->r0[i], 0);
		if (in1 && moved)
			put_queue(t, &qm->m, &qm->r[i], 1);
		q_be32(k + 8, i);
		if (qm->removed) {
			qt_del(t, QDB_RCPT, k, Q_KEY_RCPT);
		} else if (!qm->exists || !same_rcpt(&qm->r[i], &qm->r0[i])) {
			buf_reset(&b);
			q_rec_rcpt_enc(&b, &qm->r[i]);
			qt_put(t, QDB_RCPT, k, Q_KEY_RCPT, b.data, b.len);
		}
	}
	e0 = qm->exists ? q_msg_expiry_key(&qm->m0, qm->r0, qm->n) : 0;
	e1 = qm->removed ? 0 : q_msg_expiry_key(&qm->m, qm->r, qm->n);
	if (e0 != e1) {
		put_expire(t, e0, qm->m.id, 0);
		put_expire(t, e1, qm->m.id, 1);
	}
	buf_free(&b);
}

