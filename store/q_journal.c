/*
 * q_journal.c - the event journal, and pruning of old history
 *
 * SYNOPSIS
 *	#include "q_int.h"
 *
 *	q_journal_add(t, Q_J_TRANSFER, now, id, idx, link, peer, text);
 *	q_journal_prune(t, before, max, &n);
 *	q_dup_prune(t, before, max, &n);
 *
 * DESCRIPTION
 *	Every change to a message is journalled in the transaction that
 *	makes it: what happened, when, to which message and recipient,
 *	over which link, with which peer, and a free text. Entries are
 *	numbered by a sequence (meta "next_seq") and stored under it, so
 *	the journal reads in order of events; "jmsg" indexes them by
 *	message (id, seq), which is what x400q show reads. The journal
 *	outlives the messages it speaks of until Q_OP_PRUNE drops entries
 *	older than a cutoff, oldest first.
 *
 *	The duplicate index keeps an entry for a removed message as a
 *	tombstone, indexed by its removal time under "T" time id, so that
 *	pruning reads only what it drops.
 */
#include <string.h>

#include "q_int.h"

/* q_journal_add - append one entry (and its per-message index entry) */
void q_journal_add(struct q_rd *t, enum q_jtype type, int64_t time,
		   uint64_t id, int32_t rcpt, const char *link,
		   const char *peer, const char *text)
{
	struct q_jent e = {
		.type = type, .time = time, .id = id, .rcpt = rcpt,
		.link = link, .peer = peer, .text = text, .user = t->user
	};
	struct buf b = BUF_INIT;
	unsigned char k[Q_KEY_PAIR];
	uint64_t seq;

	if (t->ret)
		return;
	if (q_meta_u64(t, "next_seq", &seq) != 0 || seq == 0) {
		if (t->ret == 0)
			t->ret = Q_E_CORRUPT;
		return;
	}
	q_rec_jrnl_enc(&b, &e);
	q_be64(k, seq);
	qt_put(t, QDB_JRNL, k, 8, b.data, b.len);
	if (id) {
		q_be64(k, id);
		q_be64(k + 8, seq);
		qt_put(t, QDB_JMSG, k, Q_KEY_PAIR, "", 0);
	}
	q_meta_put_u64(t, "next_seq", seq + 1);
	buf_free(&b);
}

/* q_journal_prune - drop up to max entries older than before */
int q_journal_prune(struct q_rd *t, int64_t before, size_t max,
		    uint64_t *n)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	*n = 0;
	if (qt_cursor(t, QDB_JRNL, &c))
		return t->ret;
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	while (rc == 0 && *n < max) {
		unsigned char jk[Q_KEY_PAIR];
		struct q_jent e;

		if (k.mv_size != 8)
			break;
		memcpy(jk + 8, k.mv_data, 8);
		if (q_rec_jrnl_dec(v.mv_data, v.mv_size, &e) == 0) {
			if (e.time >= before)
				break;
			if (e.id) {
				q_be64(jk, e.id);
				qt_del(t, QDB_JMSG, jk, Q_KEY_PAIR);
			}
		}
		/* an undecodable entry is old news: it goes too */
		qt_del(t, QDB_JRNL, jk + 8, 8);
		if (t->ret)
			break;
		++*n;
		rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	}
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND && t->ret == 0)
		t->ret = q_err(rc);
	return t->ret;
}

/* q_dup_prune - drop up to max duplicate tombstones older than before */
int q_dup_prune(struct q_rd *t, int64_t before, size_t max, uint64_t *n)
{
	unsigned char start[1] = { 'T' };
	MDB_cursor *c;
	MDB_val k = { 1, start }, v;
	int rc;

	*n = 0;
	if (qt_cursor(t, QDB_DUP, &c))
		return t->ret;
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && *n < max) {
		unsigned char tk[17], kk[Q_KEY_MAX];
		size_t kkl = v.mv_size;

		if (k.mv_size != 17 || ((unsigned char *)k.mv_data)[0] != 'T')
			break;
		memcpy(tk, k.mv_data, 17);
		if (q_get64(tk + 1) >= (uint64_t)(before < 0 ? 0 : before))
			break;
		/* the value names the tombstone's "K" key */
		if (kkl > 1 && kkl <= Q_KEY_MAX &&
		    ((unsigned char *)v.mv_data)[0] == 'K') {
			memcpy(kk, v.mv_data, kkl);
			qt_del(t, QDB_DUP, kk, kkl);
		}
		qt_del(t, QDB_DUP, tk, 17);
		if (t->ret)
			break;
		++*n;
		k.mv_size = 1;
		k.mv_data = start;
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	}
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND && t->ret == 0)
		t->ret = q_err(rc);
	return t->ret;
}
