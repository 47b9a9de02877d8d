/*
 * q_iter.c - reading the store: lookups and iterators in a snapshot
 *
 * SYNOPSIS
 *	#include "q.h"
 *
 *	q_rd_begin(q, &rd);
 *	q_msg_get(rd, id, &m);  q_rcpt_get(rd, id, idx, &r);
 *	q_iter_due(rd, &it, link, now);
 *	while ((rc = q_next_due(&it, &d)) == 1) ...
 *	q_iter_end(&it);
 *	q_rd_end(rd);
 *
 * DESCRIPTION
 *	Everything here reads one LMDB read-only snapshot: what a reader
 *	sees is a committed state, never part of a group. Iterators are
 *	cursors over one database, bounded by a key prefix:
 *
 *	  msgs     "msg" from an id on
 *	  rcpts    "rcpt" under one id
 *	  due      "queue" under "link\0", one priority class (rank) after
 *		   the other, each up to the due time; the scheduler's
 *		   "what may I send on link L now", urgent first
 *	  expired  "expire" up to a time
 *	  journal  "journal" in order, or "jmsg" under one id
 *	  counts   "count" keys "L..."
 *	  links    "link"
 *
 * OWNERSHIP
 *	Returned records point into the map: valid until q_rd_end().
 *
 * DIAGNOSTICS
 *	A record that does not decode gives Q_E_CORRUPT and logs
 *	EV_STORE_CORRUPT (x400q check finds and repairs it); the iterator
 *	may be continued past it. Call readers on the thread that logs
 *	(the loop's): log.h is not thread-safe.
 */
#include <string.h>

#include "log.h"
#include "q_int.h"

enum { IT_MSGS = 1, IT_RCPTS, IT_DUE, IT_EXPIRED, IT_JOURNAL, IT_JMSG,
       IT_COUNTS, IT_LINKS };

/* corrupt - log an undecodable record; returns Q_E_CORRUPT */
static int corrupt(struct q_rd *rd, const char *what, uint64_t id)
{
	struct log_who who = { .peer = rd->q->dir, .layer = "store" };

	log_ev(LOG_ERR, EV_STORE_CORRUPT, &who, "message %llu: %s does not "
	       "decode (x400q check --repair)", (unsigned long long)id, what);
	return Q_E_CORRUPT;
}

/* q_msg_get - one message record */
int q_msg_get(struct q_rd *rd, uint64_t id, struct q_msg *m)
{
	unsigned char k[Q_KEY_ID];
	MDB_val v;
	int rc;

	q_be64(k, id);
	if ((rc = qt_get(rd, QDB_MSG, k, Q_KEY_ID, &v)) != 0)
		return rc;
	if (q_rec_msg_dec(v.mv_data, v.mv_size, m) != 0 || m->id != id)
		return corrupt(rd, "its record", id);
	if (qt_get(rd, QDB_APDU, k, Q_KEY_ID, &v) == 0)
		m->apdu_len = v.mv_size;
	return rd->ret;
}

/* q_rcpt_get - one recipient record */
int q_rcpt_get(struct q_rd *rd, uint64_t id, uint32_t idx, struct q_rcpt *r)
{
	unsigned char k[Q_KEY_RCPT];
	MDB_val v;
	int rc;

	q_be64(k, id);
	q_be32(k + 8, idx);
	if ((rc = qt_get(rd, QDB_RCPT, k, Q_KEY_RCPT, &v)) != 0)
		return rc;
	if (q_rec_rcpt_dec(v.mv_data, v.mv_size, r) != 0 || r->idx != idx)
		return corrupt(rd, "a recipient record", id);
	return 0;
}

/* q_apdu_get - the stored MTS-APDU */
int q_apdu_get(struct q_rd *rd, uint64_t id, const void **p, size_t *len)
{
	unsigned char k[Q_KEY_ID];
	MDB_val v;
	int rc;

	q_be64(k, id);
	if ((rc = qt_get(rd, QDB_APDU, k, Q_KEY_ID, &v)) != 0)
		return rc;
	*p = v.mv_data;
	*len = v.mv_size;
	return 0;
}

/* q_dup_find - the duplicate index entry for (src_link, mtsid) */
int q_dup_find(struct q_rd *rd, const char *src_link, const char *mtsid,
	       uint64_t *id, int *gone)
{
	unsigned char k[Q_KEY_MAX];
	size_t kl;
	MDB_val v;
	int rc;

	if (src_link == NULL || mtsid == NULL ||
	    q_key_dup(k, &kl, src_link, mtsid) != 0)
		return Q_E_INVAL;
	if ((rc = qt_get(rd, QDB_DUP, k, kl, &v)) != 0)
		return rc;
	if (v.mv_size != Q_DUP_LEN)
		return Q_E_CORRUPT;
	*id = q_get64(v.mv_data);
	if (gone)
		*gone = (((unsigned char *)v.mv_data)[16] & Q_DUP_GONE) != 0;
	return 0;
}

/* decode_link - a link record */
static int decode_link(const MDB_val *k, const MDB_val *v, struct q_link *l)
{
	const unsigned char *p = v->mv_data;

	if (v->mv_size != Q_LINK_LEN || p[0] != 1 || q_get64(p + 2) > INT64_MAX)
		return Q_E_CORRUPT;
	l->name = NULL;
	(void)k;
	l->held = (p[1] & Q_LINK_HELD) != 0;
	l->changed = (int64_t)q_get64(p + 2);
	return 0;
}

/* q_link_get - a link's hold state (not held when never recorded) */
int q_link_get(struct q_rd *rd, const char *link, struct q_link *l)
{
	MDB_val v;
	int rc;

	memset(l, 0, sizeof(*l));
	l->name = link;
	if (link == NULL || strlen(link) > Q_MAX_LINK)
		return Q_E_INVAL;
	rc = qt_get(rd, QDB_LINK, link, strlen(link), &v);
	if (rc == Q_E_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	rc = decode_link(NULL, &v, l);
	l->name = link;
	return rc;
}

/* q_totals - the "G" counters and the next id */
int q_totals(struct q_rd *rd, struct q_totals *t)
{
	MDB_val v;
	int rc;

	memset(t, 0, sizeof(*t));
	rc = qt_get(rd, QDB_COUNT, "G", 1, &v);
	if (rc == 0 && v.mv_size == Q_TOTAL_LEN) {
		const unsigned char *p = v.mv_data;

		t->msgs = q_get64(p);
		t->rcpts = q_get64(p + 8);
		t->bytes = q_get64(p + 16);
		t->apdu_bytes = q_get64(p + 24);
	} else if (rc == 0) {
		return Q_E_CORRUPT;
	} else if (rc != Q_E_NOTFOUND) {
		return rc;
	}
	return q_meta_u64(rd, "next_id", &t->next_id);
}

/* start - open the iterator's cursor and position it at key */
static int start(struct q_rd *rd, struct q_iter *it, int kind, enum q_db db)
{
	memset(it, 0, sizeof(*it));
	it->rd = rd;
	it->kind = kind;
	return qt_cursor(rd, db, &it->cur);
}

/* step - first call: seek to key (or the first entry), then next */
static int step(struct q_iter *it, MDB_val *k, MDB_val *v, const void *seek,
		size_t seeklen)
{
	int rc;

	if (it->done)
		return MDB_NOTFOUND;
	if (!it->started) {
		it->started = 1;
		if (seek) {
			k->mv_data = (void *)seek;
			k->mv_size = seeklen;
			rc = mdb_cursor_get(it->cur, k, v, MDB_SET_RANGE);
		} else {
			rc = mdb_cursor_get(it->cur, k, v, MDB_FIRST);
		}
	} else {
		rc = mdb_cursor_get(it->cur, k, v, MDB_NEXT);
	}
	if (rc)
		it->done = 1;
	return rc;
}

/* finish - an LMDB status as an iterator result */
static int finish(struct q_iter *it, int rc)
{
	if (rc == MDB_NOTFOUND)
		return 0;
	it->done = 1;
	return q_err(rc);
}

/* q_iter_end - close the cursor */
void q_iter_end(struct q_iter *it)
{
	if (it->cur)
		mdb_cursor_close(it->cur);
	it->cur = NULL;
}

/* q_iter_msgs - every message from from_id on, in id order */
int q_iter_msgs(struct q_rd *rd, struct q_iter *it, uint64_t from_id)
{
	int rc = start(rd, it, IT_MSGS, QDB_MSG);

	it->u64 = from_id;
	return rc;
}

/* q_next_msg - the next message (Q_E_CORRUPT for a bad record) */
int q_next_msg(struct q_iter *it, struct q_msg *m)
{
	unsigned char seek[Q_KEY_ID];
	MDB_val k, v;
	int rc;

	q_be64(seek, it->u64);
	if ((rc = step(it, &k, &v, seek, sizeof(seek))) != 0)
		return finish(it, rc);
	if (k.mv_size != Q_KEY_ID ||
	    q_rec_msg_dec(v.mv_data, v.mv_size, m) != 0 ||
	    m->id != q_get64(k.mv_data)) {
		m->id = k.mv_size == Q_KEY_ID ? q_get64(k.mv_data) : 0;
		return corrupt(it->rd, "its record", m->id);
	}
	{
		unsigned char ak[Q_KEY_ID];
		MDB_val av;

		memcpy(ak, k.mv_data, Q_KEY_ID);
		if (qt_get(it->rd, QDB_APDU, ak, Q_KEY_ID, &av) == 0)
			m->apdu_len = av.mv_size;
	}
	return 1;
}

/* q_iter_rcpts - the recipients of one message, by index */
int q_iter_rcpts(struct q_rd *rd, struct q_iter *it, uint64_t id)
{
	int rc = start(rd, it, IT_RCPTS, QDB_RCPT);

	it->u64 = id;
	return rc;
}

/* q_next_rcpt - the next recipient of the message */
int q_next_rcpt(struct q_iter *it, struct q_rcpt *r)
{
	unsigned char seek[Q_KEY_RCPT];
	MDB_val k, v;
	int rc;

	q_be64(seek, it->u64);
	q_be32(seek + 8, 0);
	if ((rc = step(it, &k, &v, seek, sizeof(seek))) != 0)
		return finish(it, rc);
	if (k.mv_size != Q_KEY_RCPT || q_get64(k.mv_data) != it->u64) {
		it->done = 1;
		return 0;
	}
	if (q_rec_rcpt_dec(v.mv_data, v.mv_size, r) != 0 ||
	    r->idx != q_get32((unsigned char *)k.mv_data + 8))
		return corrupt(it->rd, "a recipient record", it->u64);
	return 1;
}

/* q_iter_due - due work on a link at time now; nothing if it is held */
int q_iter_due(struct q_rd *rd, struct q_iter *it, const char *link,
	       int64_t now)
{
	struct q_link l;
	size_t n;
	int rc;

	if (link == NULL || (n = strlen(link)) == 0 || n > Q_MAX_LINK)
		return Q_E_INVAL;
	if ((rc = start(rd, it, IT_DUE, QDB_QUEUE)) != 0)
		return rc;
	memcpy(it->prefix, link, n + 1);
	it->plen = n + 1;
	it->u64 = now < 0 ? 0 : (uint64_t)now;
	it->rank = 0;
	if ((rc = q_link_get(rd, link, &l)) != 0)
		return rc;
	if (l.held)
		it->done = 1;
	return 0;
}

/* q_next_due - the next due recipient: by rank, then due time */
int q_next_due(struct q_iter *it, struct q_due *d)
{
	MDB_val k, v;
	int rc;

	while (!it->done && it->rank < 3) {
		if (!it->started) {
			unsigned char seek[Q_MAX_LINK + 2];

			memcpy(seek, it->prefix, it->plen);
			seek[it->plen] = (unsigned char)it->rank;
			k.mv_data = seek;
			k.mv_size = it->plen + 1;
			it->started = 1;
			rc = mdb_cursor_get(it->cur, &k, &v, MDB_SET_RANGE);
		} else {
			rc = mdb_cursor_get(it->cur, &k, &v, MDB_NEXT);
		}
		if (rc == 0) {
			const unsigned char *p = k.mv_data;

			if (k.mv_size == it->plen + Q_KEY_QUEUE_TAIL &&
			    memcmp(p, it->prefix, it->plen) == 0 &&
			    p[it->plen] == it->rank &&
			    q_get64(p + it->plen + 1) <= it->u64) {
				p += it->plen;
				d->prio = q_rank_prio(p[0]);
				d->due = (int64_t)q_get64(p + 1);
				d->id = q_get64(p + 9);
				d->idx = q_get32(p + 17);
				return 1;
			}
		} else if (rc != MDB_NOTFOUND) {
			return finish(it, rc);
		}
		/* this class has nothing more due: the next one */
		it->rank++;
		it->started = 0;
	}
	it->done = 1;
	return 0;
}

/* q_due_first - the earliest due time on a link, any class: the first
 *	entry of each class is that class's earliest */
int q_due_first(struct q_rd *rd, const char *link, int64_t *when)
{
	unsigned char seek[Q_MAX_LINK + 2];
	struct q_link l;
	MDB_cursor *c;
	MDB_val k, v;
	size_t n;
	int rc = 0, found = 0;

	if (link == NULL || (n = strlen(link)) == 0 || n > Q_MAX_LINK)
		return Q_E_INVAL;
	if ((rc = q_link_get(rd, link, &l)) != 0)
		return rc;
	if (l.held)
		return Q_E_NOTFOUND;
	if ((rc = qt_cursor(rd, QDB_QUEUE, &c)) != 0)
		return rc;
	memcpy(seek, link, n + 1);
	for (int rank = 0; rank < 3; rank++) {
		const unsigned char *p;

		seek[n + 1] = (unsigned char)rank;
		k.mv_data = seek;
		k.mv_size = n + 2;
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		if (rc == MDB_NOTFOUND)
			break;
		if (rc)
			break;
		p = k.mv_data;
		if (k.mv_size != n + 1 + Q_KEY_QUEUE_TAIL ||
		    memcmp(p, seek, n + 2) != 0)
			continue;
		if (!found || (int64_t)q_get64(p + n + 2) < *when)
			*when = (int64_t)q_get64(p + n + 2);
		found = 1;
	}
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return q_err(rc);
	return found ? 0 : Q_E_NOTFOUND;
}

/* q_iter_expired - messages whose expiry is <= now, earliest first */
int q_iter_expired(struct q_rd *rd, struct q_iter *it, int64_t now)
{
	int rc = start(rd, it, IT_EXPIRED, QDB_EXPIRE);

	it->u64 = now < 0 ? 0 : (uint64_t)now;
	return rc;
}

/* q_next_expired - the next expired message */
int q_next_expired(struct q_iter *it, uint64_t *id, int64_t *when)
{
	MDB_val k, v;
	int rc;

	if ((rc = step(it, &k, &v, NULL, 0)) != 0)
		return finish(it, rc);
	if (k.mv_size != Q_KEY_PAIR)
		return Q_E_CORRUPT;
	if (q_get64(k.mv_data) > it->u64) {
		it->done = 1;
		return 0;
	}
	*when = (int64_t)q_get64(k.mv_data);
	*id = q_get64((unsigned char *)k.mv_data + 8);
	return 1;
}

/* q_iter_journal - the journal, or one message's part of it */
int q_iter_journal(struct q_rd *rd, struct q_iter *it, uint64_t id)
{
	int rc = start(rd, it, id ? IT_JMSG : IT_JOURNAL,
		       id ? QDB_JMSG : QDB_JRNL);

	it->u64 = id;
	return rc;
}

/* q_iter_journal_from - the whole journal from sequence seq on */
int q_iter_journal_from(struct q_rd *rd, struct q_iter *it, uint64_t seq)
{
	int rc = start(rd, it, IT_JOURNAL, QDB_JRNL);

	it->u64 = seq;
	return rc;
}

/* q_journal_next_seq - the sequence number the next entry will get */
int q_journal_next_seq(struct q_rd *rd, uint64_t *seq)
{
	return q_meta_u64(rd, "next_seq", seq);
}

/* q_next_journal - the next entry */
int q_next_journal(struct q_iter *it, struct q_jent *e)
{
	unsigned char seek[Q_KEY_PAIR];
	MDB_val k, v;
	int rc;

	if (it->kind == IT_JOURNAL) {
		q_be64(seek, it->u64);	/* 0: from the first */
		if ((rc = step(it, &k, &v, seek, 8)) != 0)
			return finish(it, rc);
		if (k.mv_size != 8 ||
		    q_rec_jrnl_dec(v.mv_data, v.mv_size, e) != 0)
			return Q_E_CORRUPT;
		e->seq = q_get64(k.mv_data);
		return 1;
	}
	q_be64(seek, it->u64);
	q_be64(seek + 8, 0);
	if ((rc = step(it, &k, &v, seek, sizeof(seek))) != 0)
		return finish(it, rc);
	if (k.mv_size != Q_KEY_PAIR || q_get64(k.mv_data) != it->u64) {
		it->done = 1;
		return 0;
	}
	memcpy(seek + 8, (unsigned char *)k.mv_data + 8, 8);
	if ((rc = qt_get(it->rd, QDB_JRNL, seek + 8, 8, &v)) != 0)
		return rc == Q_E_NOTFOUND ? Q_E_CORRUPT : rc;
	if (q_rec_jrnl_dec(v.mv_data, v.mv_size, e) != 0)
		return Q_E_CORRUPT;
	e->seq = q_get64(seek + 8);
	return 1;
}

/* q_iter_counts - every (link, state) counter */
int q_iter_counts(struct q_rd *rd, struct q_iter *it)
{
	return start(rd, it, IT_COUNTS, QDB_COUNT);
}

/* q_next_count - the next counter */
int q_next_count(struct q_iter *it, struct q_count *c)
{
	MDB_val k, v;
	const unsigned char *p;
	int rc;

	if ((rc = step(it, &k, &v, "L", 1)) != 0)
		return finish(it, rc);
	p = k.mv_data;
	if (k.mv_size < 1 || p[0] != 'L') {
		it->done = 1;
		return 0;
	}
	if (k.mv_size < 4 || p[k.mv_size - 2] != '\0' ||
	    memchr(p + 1, '\0', k.mv_size - 2) != p + k.mv_size - 2 ||
	    p[k.mv_size - 1] >= Q_ST_COUNT || v.mv_size != Q_COUNT_LEN)
		return Q_E_CORRUPT;
	c->link = (const char *)p + 1;
	c->state = p[k.mv_size - 1];
	c->rcpts = q_get64(v.mv_data);
	c->msgs = q_get64((unsigned char *)v.mv_data + 8);
	c->bytes = q_get64((unsigned char *)v.mv_data + 16);
	return 1;
}

/* q_iter_links - every link with a recorded hold */
int q_iter_links(struct q_rd *rd, struct q_iter *it)
{
	return start(rd, it, IT_LINKS, QDB_LINK);
}

/* q_next_link - the next link record; the name is NOT NUL-terminated
 *	in the map, so it is copied into the iterator */
int q_next_link(struct q_iter *it, struct q_link *l)
{
	MDB_val k, v;
	int rc;

	if ((rc = step(it, &k, &v, NULL, 0)) != 0)
		return finish(it, rc);
	if (k.mv_size == 0 || k.mv_size > Q_MAX_LINK ||
	    decode_link(&k, &v, l) != 0)
		return Q_E_CORRUPT;
	memcpy(it->prefix, k.mv_data, k.mv_size);
	it->prefix[k.mv_size] = '\0';
	l->name = (const char *)it->prefix;
	return 1;
}
