/*
 * q_check.c - the consistency check and repair (like Exchange's mtacheck)
 *
 * SYNOPSIS
 *	#include "q.h"
 *
 *	n = q_check(q, repair, report_fn, arg);
 *
 * DESCRIPTION
 *	Reads the whole store in one snapshot (a read transaction, so it
 *	may run while the daemon writes; with repair, one write
 *	transaction, which holds the daemon's writes back meanwhile) and
 *	verifies, pass by pass:
 *
 *	  1 meta       the format version; next_id above every id used,
 *		       next_seq above every journal entry
 *	  2 messages   every record decodes and carries its own id; its
 *		       APDU exists; recipients 0..nrcpt-1 exist, decode
 *		       and carry their index; each queued recipient has
 *		       its queue entry, the message its expiry entry and
 *		       a live duplicate-index entry
 *	  3 rcpt       no recipient without its message, none past nrcpt
 *	  4 apdu       no content without its message
 *	  5 queue      every entry is exactly the key its recipient implies
 *	  6 expire     likewise
 *	  7 dup        a live entry names an existing message with that
 *		       (link, MTS identifier); a tombstone names none and
 *		       has its "T" entry, and every "T" entry its tombstone
 *	  8 journal    entries decode; "jmsg" and "journal" agree
 *	  9 counters   equal to the counts recomputed from the records
 *	 10 links      link records decode
 *
 *	With repair, each pass's fixes are applied when the pass ends, so
 *	later passes see the repaired state: orphans and stale index
 *	entries are deleted, missing index entries added, counters
 *	rewritten, meta raised. A message that cannot be read whole (its
 *	record, APDU or a recipient is missing or does not decode) cannot
 *	be delivered: it is removed, its duplicate entry becomes a
 *	tombstone, and the journal says so (type "repair"). Every problem
 *	and what was done about it goes to the caller's function.
 *
 * DIAGNOSTICS
 *	Returns the number of problems found (0: consistent) or an error.
 *	Logs each problem (EV_STORE_CHECK_PROBLEM), or each repair
 *	(EV_STORE_REPAIRED), on the caller's thread.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "q_int.h"
#include "xalloc.h"

enum fix_kind { FIX_PUT, FIX_DEL, FIX_DELMSG };

struct fix {
	struct fix	*next;
	enum fix_kind	kind;
	enum q_db	db;
	unsigned char	*k, *v;
	size_t		kl, vl;
	uint64_t	id;		/* FIX_DELMSG */
	char		*why;
};

struct acc {				/* a recomputed counter */
	char		*link;
	enum q_state	state;
	uint64_t	rcpts, msgs, bytes;
	int		seen;
};

struct chk {
	struct q_rd	*t;
	int		repair;
	q_check_fn	*fn;
	void		*arg;
	int		problems;
	struct fix	*fixes, **tail;
	struct acc	*acc;
	size_t		nacc, capacc;
	uint64_t	tot[4];		/* msgs, rcpts, bytes, apdu bytes */
	uint64_t	max_id, max_seq;
	int64_t		now;
	struct log_who	who;
};

/* problem - report one problem and what repair does (or would do) */
static void problem(struct chk *c, const char *repair, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct chk *c, const char *repair, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->problems++;
	if (c->repair && repair)
		log_ev(LOG_WARNING, EV_STORE_REPAIRED, &c->who, "%s: %s", msg,
		       repair);
	else
		log_ev(LOG_WARNING, EV_STORE_CHECK_PROBLEM, &c->who, "%s", msg);
	if (c->fn)
		c->fn(c->arg, msg, c->repair ? repair : NULL);
}

/* add_fix - queue a change for the end of the pass */
static void add_fix(struct chk *c, enum fix_kind kind, enum q_db db,
		    const void *k, size_t kl, const void *v, size_t vl)
{
	struct fix *f;

	if (!c->repair)
		return;
	f = XNEW(struct fix);
	f->kind = kind;
	f->db = db;
	f->k = kl ? xmemdup(k, kl) : NULL;
	f->kl = kl;
	f->v = vl ? xmemdup(v, vl) : NULL;
	f->vl = vl;
	*c->tail = f;
	c->tail = &f->next;
}

/* del_msg - queue the removal of a message that cannot be read */
static void del_msg(struct chk *c, uint64_t id, const char *why)
{
	struct fix *f;

	if (!c->repair)
		return;
	f = XNEW(struct fix);
	f->kind = FIX_DELMSG;
	f->id = id;
	f->why = xstrdup(why);
	*c->tail = f;
	c->tail = &f->next;
}

/* apply_fixes - carry out what the pass queued */
static void apply_fixes(struct chk *c)
{
	struct fix *f, *next;

	for (f = c->fixes; f; f = next) {
		next = f->next;
		if (f->kind == FIX_PUT) {
			qt_put(c->t, f->db, f->k, f->kl, f->v ? f->v :
			       (void *)"", f->vl);
		} else if (f->kind == FIX_DEL) {
			qt_del(c->t, f->db, f->k, f->kl);
		} else {
			unsigned char k[Q_KEY_RCPT];
			MDB_cursor *cur;
			MDB_val key, v;

			q_be64(k, f->id);
			qt_del(c->t, QDB_MSG, k, Q_KEY_ID);
			qt_del(c->t, QDB_APDU, k, Q_KEY_ID);
			q_be32(k + 8, 0);
			if (qt_cursor(c->t, QDB_RCPT, &cur) == 0) {
				key.mv_data = k;
				key.mv_size = Q_KEY_RCPT;
				while (mdb_cursor_get(cur, &key, &v,
						      MDB_SET_RANGE) == 0 &&
				       key.mv_size >= 8 &&
				       q_get64(key.mv_data) == f->id) {
					if (mdb_cursor_del(cur, 0) != 0)
						break;
					key.mv_data = k;
					key.mv_size = Q_KEY_RCPT;
				}
				mdb_cursor_close(cur);
			}
			q_journal_add(c->t, Q_J_REPAIR, c->now, f->id, -1,
				      NULL, NULL, f->why);
		}
		free(f->k);
		free(f->v);
		free(f->why);
		free(f);
	}
	c->fixes = NULL;
	c->tail = &c->fixes;
}

/* acc_add - add a message's contribution to the recomputed counters */
static void acc_add(struct chk *c, const struct q_contribs *cb)
{
	for (size_t i = 0; i < cb->n; i++) {
		size_t lo = 0, hi = c->nacc;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int d = strcmp(c->acc[mid].link, cb->v[i].link);

			if (d == 0)
				d = (int)c->acc[mid].state -
				    (int)cb->v[i].state;
			if (d < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == c->nacc ||
		    strcmp(c->acc[lo].link, cb->v[i].link) != 0 ||
		    c->acc[lo].state != cb->v[i].state) {
			if (c->nacc == c->capacc) {
				c->capacc = c->capacc * 2 + 16;
				c->acc = xrealloc(c->acc,
						  c->capacc * sizeof(*c->acc));
			}
			memmove(&c->acc[lo + 1], &c->acc[lo],
				(c->nacc - lo) * sizeof(*c->acc));
			c->nacc++;
			memset(&c->acc[lo], 0, sizeof(c->acc[lo]));
			c->acc[lo].link = xstrdup(cb->v[i].link);
			c->acc[lo].state = cb->v[i].state;
		}
		c->acc[lo].rcpts += cb->v[i].rcpts;
		c->acc[lo].msgs++;
		c->acc[lo].bytes += cb->size;
	}
}

/* load - a message and all its recipients, read-only (map pointers);
 *	*why says what is wrong when it returns Q_E_CORRUPT */
static int load(struct q_rd *t, uint64_t id, struct q_msg *m,
		struct q_rcpt **rp, const char **why)
{
	unsigned char k[Q_KEY_RCPT];
	struct q_rcpt *r;
	MDB_cursor *cur;
	MDB_val key, v;
	int rc;

	*rp = NULL;
	*why = NULL;
	q_be64(k, id);
	if ((rc = qt_get(t, QDB_MSG, k, Q_KEY_ID, &v)) != 0)
		return rc;
	if (q_rec_msg_dec(v.mv_data, v.mv_size, m) != 0 || m->id != id) {
		*why = "record does not decode";
		return Q_E_CORRUPT;
	}
	if ((rc = qt_get(t, QDB_APDU, k, Q_KEY_ID, &v)) != 0) {
		*why = "no content (APDU missing)";
		return rc == Q_E_NOTFOUND ? Q_E_CORRUPT : rc;
	}
	m->apdu_len = v.mv_size;
	r = xcalloc(m->nrcpt, sizeof(*r));
	if ((rc = qt_cursor(t, QDB_RCPT, &cur)) != 0) {
		free(r);
		return rc;
	}
	q_be32(k + 8, 0);
	key.mv_data = k;
	key.mv_size = Q_KEY_RCPT;
	rc = mdb_cursor_get(cur, &key, &v, MDB_SET_RANGE);
	for (uint32_t i = 0; i < m->nrcpt; i++) {
		if (rc || key.mv_size != Q_KEY_RCPT ||
		    q_get64(key.mv_data) != id ||
		    q_get32((unsigned char *)key.mv_data + 8) != i) {
			*why = "a recipient record is missing";
			rc = Q_E_CORRUPT;
			break;
		}
		if (q_rec_rcpt_dec(v.mv_data, v.mv_size, &r[i]) != 0 ||
		    r[i].idx != i) {
			*why = "a recipient record does not decode";
			rc = Q_E_CORRUPT;
			break;
		}
		rc = mdb_cursor_get(cur, &key, &v, MDB_NEXT);
		if (rc == MDB_NOTFOUND)
			rc = i + 1 < m->nrcpt ? rc : 0;
		else if (rc)
			rc = q_err(rc);
	}
	mdb_cursor_close(cur);
	if (rc) {
		free(r);
		return rc == MDB_NOTFOUND ? Q_E_CORRUPT : rc;
	}
	*rp = r;
	return 0;
}

/* pass_msgs - 2: each message whole, and the entries it implies */
static int pass_msgs(struct chk *c)
{
	struct q_contribs cb = { 0 };
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = qt_cursor(c->t, QDB_MSG, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		unsigned char key[Q_KEY_MAX], val[Q_DUP_LEN];
		struct q_rcpt *r;
		struct q_msg m;
		const char *why;
		uint64_t id;
		int64_t e;
		size_t kl;
		MDB_val dv;

		if (k.mv_size != Q_KEY_ID) {
			problem(c, "deleted", "msg: key of %zu octets",
				k.mv_size);
			add_fix(c, FIX_DEL, QDB_MSG, k.mv_data, k.mv_size,
				NULL, 0);
			continue;
		}
		id = q_get64(k.mv_data);
		if ((rc = load(c->t, id, &m, &r, &why)) == Q_E_CORRUPT) {
			problem(c, "message removed", "message %llu: %s",
				(unsigned long long)id, why);
			del_msg(c, id, why);
			continue;
		}
		if (rc)
			break;
		for (uint32_t i = 0; i < m.nrcpt; i++) {
			const char *queue;
			int64_t due;
			MDB_val qv;

			if (!q_rcpt_queued(&m, &r[i], &queue, &due))
				continue;
			kl = q_key_queue(key, queue, q_rank(m.prio), due, id,
					 i);
			if (qt_get(c->t, QDB_QUEUE, key, kl, &qv) ==
			    Q_E_NOTFOUND) {
				problem(c, "entry added", "message %llu "
					"recipient %u: not in queue %s",
					(unsigned long long)id, i, queue);
				add_fix(c, FIX_PUT, QDB_QUEUE, key, kl, NULL, 0);
			}
		}
		if ((e = q_msg_expiry_key(&m, r, m.nrcpt)) != 0) {
			MDB_val ev;

			q_be64(key, (uint64_t)e);
			q_be64(key + 8, id);
			if (qt_get(c->t, QDB_EXPIRE, key, Q_KEY_PAIR, &ev) ==
			    Q_E_NOTFOUND) {
				problem(c, "entry added", "message %llu: no "
					"expiry entry", (unsigned long long)id);
				add_fix(c, FIX_PUT, QDB_EXPIRE, key,
					Q_KEY_PAIR, NULL, 0);
			}
		}
		if (q_key_dup(key, &kl, m.src_link, m.mtsid) == 0) {
			int drc = qt_get(c->t, QDB_DUP, key, kl, &dv);

			if (drc == 0 && dv.mv_size == Q_DUP_LEN &&
			    q_get64(dv.mv_data) != id &&
			    q_get64(dv.mv_data) != 0) {
				problem(c, NULL, "message %llu: duplicate "
					"index names message %llu",
					(unsigned long long)id,
					(unsigned long long)q_get64(dv.mv_data));
			} else if (drc != 0 || dv.mv_size != Q_DUP_LEN ||
				   (((unsigned char *)dv.mv_data)[16] &
				    Q_DUP_GONE)) {
				problem(c, "entry written", "message %llu: no "
					"live duplicate-index entry",
					(unsigned long long)id);
				q_be64(val, id);
				q_be64(val + 8, (uint64_t)m.arrival);
				val[16] = 0;
				add_fix(c, FIX_PUT, QDB_DUP, key, kl, val,
					Q_DUP_LEN);
			}
		}
		q_contribs_build(&cb, m.size, r, m.nrcpt);
		acc_add(c, &cb);
		c->tot[0]++;
		c->tot[1] += m.nrcpt;
		c->tot[2] += m.size;
		c->tot[3] += m.apdu_len;
		free(r);
		rc = 0;
	}
	mdb_cursor_close(cur);
	q_contribs_free(&cb);
	return rc == MDB_NOTFOUND || rc == 0 ? 0 : q_err(rc);
}

/* msg_exists - is there a record under id? */
static int msg_exists(struct chk *c, uint64_t id)
{
	unsigned char k[Q_KEY_ID];
	MDB_val v;

	q_be64(k, id);
	return qt_get(c->t, QDB_MSG, k, Q_KEY_ID, &v) == 0;
}

/* pass_orphans - 3 and 4: recipients and content without a message */
static int pass_orphans(struct chk *c, enum q_db db)
{
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t last = 0;
	int rc, last_ok = 0;

	if ((rc = qt_cursor(c->t, db, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		size_t want = db == QDB_RCPT ? Q_KEY_RCPT : Q_KEY_ID;
		uint64_t id;

		if (k.mv_size != want) {
			problem(c, "deleted", "%s: key of %zu octets",
				q_db_names[db], k.mv_size);
			add_fix(c, FIX_DEL, db, k.mv_data, k.mv_size, NULL, 0);
			continue;
		}
		id = q_get64(k.mv_data);
		if (id != last || !last) {
			last = id;
			last_ok = msg_exists(c, id);
		}
		if (!last_ok) {
			if (db == QDB_RCPT)
				problem(c, "deleted", "recipient %u of "
					"message %llu: no such message",
					q_get32((unsigned char *)k.mv_data + 8),
					(unsigned long long)id);
			else
				problem(c, "deleted", "content of message "
					"%llu: no such message (orphaned)",
					(unsigned long long)id);
			add_fix(c, FIX_DEL, db, k.mv_data, k.mv_size, NULL, 0);
		} else if (db == QDB_RCPT) {
			struct q_msg m;
			unsigned char mk[Q_KEY_ID];
			MDB_val mv;

			memcpy(mk, k.mv_data, Q_KEY_ID);
			if (qt_get(c->t, QDB_MSG, mk, Q_KEY_ID, &mv) == 0 &&
			    q_rec_msg_dec(mv.mv_data, mv.mv_size, &m) == 0 &&
			    q_get32((unsigned char *)k.mv_data + 8) >=
			    m.nrcpt) {
				problem(c, "deleted", "recipient %u of message "
					"%llu: past its %u recipients",
					q_get32((unsigned char *)k.mv_data + 8),
					(unsigned long long)id, m.nrcpt);
				add_fix(c, FIX_DEL, db, k.mv_data, k.mv_size,
					NULL, 0);
			}
		}
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : q_err(rc);
}

/* pass_queue - 5: each queue entry is the key its recipient implies */
static int pass_queue(struct chk *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = qt_cursor(c->t, QDB_QUEUE, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const unsigned char *p = k.mv_data, *nul;
		unsigned char want[Q_MAX_LINK + 1 + Q_KEY_QUEUE_TAIL + 8];
		const char *queue, *why;
		struct q_rcpt *r = NULL;
		struct q_msg m;
		uint64_t id = 0;
		uint32_t idx = 0;
		int64_t due;
		int ok = 0;

		nul = memchr(p, '\0', k.mv_size);
		if (nul && k.mv_size == (size_t)(nul - p) + 1 +
		    Q_KEY_QUEUE_TAIL && nul - p <= Q_MAX_LINK) {
			id = q_get64(nul + 10);
			idx = q_get32(nul + 18);
			if (load(c->t, id, &m, &r, &why) == 0 &&
			    idx < m.nrcpt &&
			    q_rcpt_queued(&m, &r[idx], &queue, &due) &&
			    q_key_queue(want, queue, q_rank(m.prio), due, id,
					idx) == k.mv_size &&
			    memcmp(want, p, k.mv_size) == 0)
				ok = 1;
			free(r);
		}
		if (!ok) {
			problem(c, "deleted", "queue %.*s: stale entry for "
				"message %llu recipient %u",
				nul ? (int)(nul - p) : 0, (const char *)p,
				(unsigned long long)id, idx);
			add_fix(c, FIX_DEL, QDB_QUEUE, k.mv_data, k.mv_size,
				NULL, 0);
		}
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : q_err(rc);
}

/* pass_expire - 6: each expiry entry is the one its message implies */
static int pass_expire(struct chk *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = qt_cursor(c->t, QDB_EXPIRE, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct q_rcpt *r = NULL;
		struct q_msg m;
		const char *why;
		uint64_t id = 0;
		int ok = 0;

		if (k.mv_size == Q_KEY_PAIR) {
			id = q_get64((unsigned char *)k.mv_data + 8);
			if (load(c->t, id, &m, &r, &why) == 0 &&
			    (uint64_t)q_msg_expiry_key(&m, r, m.nrcpt) ==
			    q_get64(k.mv_data))
				ok = 1;
			free(r);
		}
		if (!ok) {
			problem(c, "deleted", "expire: stale entry for message "
				"%llu", (unsigned long long)id);
			add_fix(c, FIX_DEL, QDB_EXPIRE, k.mv_data, k.mv_size,
				NULL, 0);
		}
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : q_err(rc);
}

/* pass_dup - 7: live entries, tombstones and their "T" entries */
static int pass_dup(struct chk *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = qt_cursor(c->t, QDB_DUP, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const unsigned char *p = k.mv_data, *val = v.mv_data;
		unsigned char want[Q_KEY_MAX], tk[Q_KEY_TOMB];
		const char *link;
		struct q_msg m;
		MDB_val o;
		size_t wl;
		uint64_t id;

		if (k.mv_size >= 2 && p[0] == 'K' && v.mv_size == Q_DUP_LEN &&
		    memchr(p + 1, '\0', k.mv_size - 1) != NULL) {
			id = q_get64(val);
			link = (const char *)p + 1;
			if (!(val[16] & Q_DUP_GONE)) {
				unsigned char mk[Q_KEY_ID];
				MDB_val mv;

				q_be64(mk, id);
				if (qt_get(c->t, QDB_MSG, mk, Q_KEY_ID, &mv) ==
				    0) {
					if (q_rec_msg_dec(mv.mv_data,
							  mv.mv_size, &m) ==
					    0 && q_key_dup(want, &wl,
					    m.src_link, m.mtsid) == 0 &&
					    wl == k.mv_size &&
					    memcmp(want, p, wl) == 0)
						continue;
					problem(c, "deleted", "dup: entry for "
						"%s names message %llu, which "
						"has another identifier", link,
						(unsigned long long)id);
					add_fix(c, FIX_DEL, QDB_DUP, p,
						k.mv_size, NULL, 0);
					continue;
				}
				problem(c, "made a tombstone", "dup: live entry "
					"names message %llu, which is gone",
					(unsigned long long)id);
				memcpy(want, val, Q_DUP_LEN);
				want[16] |= Q_DUP_GONE;
				q_be64(want + 8, (uint64_t)c->now);
				add_fix(c, FIX_PUT, QDB_DUP, p, k.mv_size,
					want, Q_DUP_LEN);
				q_key_tomb(tk, c->now, id);
				add_fix(c, FIX_PUT, QDB_DUP, tk, Q_KEY_TOMB, p,
					k.mv_size);
				continue;
			}
			if (msg_exists(c, id)) {
				problem(c, NULL, "dup: tombstone names message "
					"%llu, which exists",
					(unsigned long long)id);
				continue;
			}
			if (q_get64(val + 8) > INT64_MAX) {
				problem(c, "deleted", "dup: tombstone of "
					"message %llu has a bad time",
					(unsigned long long)id);
				add_fix(c, FIX_DEL, QDB_DUP, p, k.mv_size,
					NULL, 0);
				continue;
			}
			q_key_tomb(tk, (int64_t)q_get64(val + 8), id);
			if (qt_get(c->t, QDB_DUP, tk, Q_KEY_TOMB, &o) != 0) {
				problem(c, "entry added", "dup: tombstone of "
					"message %llu has no T entry",
					(unsigned long long)id);
				add_fix(c, FIX_PUT, QDB_DUP, tk, Q_KEY_TOMB, p,
					k.mv_size);
			}
			continue;
		}
		if (k.mv_size == Q_KEY_TOMB && p[0] == 'T' && v.mv_size >= 2 &&
		    v.mv_size <= Q_KEY_MAX &&
		    ((const unsigned char *)v.mv_data)[0] == 'K') {
			unsigned char kk[Q_KEY_MAX];

			memcpy(kk, v.mv_data, v.mv_size);
			if (qt_get(c->t, QDB_DUP, kk, v.mv_size, &o) == 0 &&
			    o.mv_size == Q_DUP_LEN &&
			    (((unsigned char *)o.mv_data)[16] & Q_DUP_GONE) &&
			    q_get64(o.mv_data) == q_get64(p + 9) &&
			    memcmp((unsigned char *)o.mv_data + 8, p + 1, 8) ==
			    0)
				continue;
		}
		problem(c, "deleted", "dup: bad entry (%zu-octet key)",
			k.mv_size);
		add_fix(c, FIX_DEL, QDB_DUP, p, k.mv_size, NULL, 0);
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : q_err(rc);
}

/* pass_journal - 8: entries decode; the per-message index agrees */
static int pass_journal(struct chk *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = qt_cursor(c->t, QDB_JRNL, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		unsigned char jk[Q_KEY_PAIR];
		struct q_jent e;
		MDB_val o;

		if (k.mv_size != 8 ||
		    q_rec_jrnl_dec(v.mv_data, v.mv_size, &e) != 0) {
			problem(c, "deleted", "journal: entry %llu does not "
				"decode", k.mv_size == 8 ?
				(unsigned long long)q_get64(k.mv_data) : 0);
			add_fix(c, FIX_DEL, QDB_JRNL, k.mv_data, k.mv_size,
				NULL, 0);
			continue;
		}
		if (e.id == 0)
			continue;
		q_be64(jk, e.id);
		memcpy(jk + 8, k.mv_data, 8);
		if (qt_get(c->t, QDB_JMSG, jk, Q_KEY_PAIR, &o) != 0) {
			problem(c, "entry added", "journal: entry %llu is not "
				"indexed under message %llu",
				(unsigned long long)q_get64(k.mv_data),
				(unsigned long long)e.id);
			add_fix(c, FIX_PUT, QDB_JMSG, jk, Q_KEY_PAIR, NULL, 0);
		}
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return q_err(rc);
	if ((rc = qt_cursor(c->t, QDB_JMSG, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		unsigned char sk[8];
		struct q_jent e;
		MDB_val o;

		if (k.mv_size == Q_KEY_PAIR) {
			memcpy(sk, (unsigned char *)k.mv_data + 8, 8);
			if (qt_get(c->t, QDB_JRNL, sk, 8, &o) == 0 &&
			    q_rec_jrnl_dec(o.mv_data, o.mv_size, &e) == 0 &&
			    e.id == q_get64(k.mv_data))
				continue;
		}
		problem(c, "deleted", "jmsg: entry names no journal entry of "
			"its message");
		add_fix(c, FIX_DEL, QDB_JMSG, k.mv_data, k.mv_size, NULL, 0);
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : q_err(rc);
}

/* totals_differ - the "G" totals are not the records': say both */
static void totals_differ(struct chk *c, const unsigned char *stored,
			  const unsigned char *want)
{
	uint64_t o[4] = { 0, 0, 0, 0 };

	for (int i = 0; stored && i < 4; i++)
		o[i] = q_get64(stored + 8 * i);
	problem(c, "rewritten", "count: totals differ from the records "
		"(stored %s%llu messages, %llu recipients, %llu octets, APDUs "
		"%llu; the records: %llu, %llu, %llu, APDUs %llu)",
		stored ? "" : "none: ", (unsigned long long)o[0],
		(unsigned long long)o[1], (unsigned long long)o[2],
		(unsigned long long)o[3], (unsigned long long)c->tot[0],
		(unsigned long long)c->tot[1], (unsigned long long)c->tot[2],
		(unsigned long long)c->tot[3]);
	add_fix(c, FIX_PUT, QDB_COUNT, "G", 1, want, Q_TOTAL_LEN);
}

/* pass_counts - 9: stored counters equal the recomputed ones */
static int pass_counts(struct chk *c)
{
	unsigned char want[Q_TOTAL_LEN];
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, bad = 0;

	if ((rc = qt_cursor(c->t, QDB_COUNT, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const unsigned char *p = k.mv_data;
		size_t i;

		if (k.mv_size == 1 && p[0] == 'G')
			continue;
		for (i = 0; i < c->nacc; i++) {
			unsigned char ck[Q_MAX_LINK + 8];
			size_t cl = q_key_count(ck, c->acc[i].link,
						c->acc[i].state);

			if (cl == k.mv_size && memcmp(ck, p, cl) == 0)
				break;
		}
		if (i == c->nacc) {
			problem(c, "deleted", "count: a counter nothing "
				"contributes to (%zu-octet key)", k.mv_size);
			add_fix(c, FIX_DEL, QDB_COUNT, p, k.mv_size, NULL, 0);
			bad = 1;
			continue;
		}
		if (v.mv_size != Q_COUNT_LEN ||
		    q_get64(v.mv_data) != c->acc[i].rcpts ||
		    q_get64((unsigned char *)v.mv_data + 8) != c->acc[i].msgs ||
		    q_get64((unsigned char *)v.mv_data + 16) !=
		    c->acc[i].bytes) {
			const unsigned char *sv = v.mv_data;
			int ok = v.mv_size == Q_COUNT_LEN;

			problem(c, "rewritten", "count %s/%s: stored values "
				"differ from the records (stored %llu "
				"recipients, %llu messages, %llu octets; the "
				"records: %llu, %llu, %llu)", c->acc[i].link,
				q_state_name(c->acc[i].state),
				(unsigned long long)(ok ? q_get64(sv) : 0),
				(unsigned long long)(ok ? q_get64(sv + 8) : 0),
				(unsigned long long)(ok ? q_get64(sv + 16) : 0),
				(unsigned long long)c->acc[i].rcpts,
				(unsigned long long)c->acc[i].msgs,
				(unsigned long long)c->acc[i].bytes);
			bad = 1;
		}
		c->acc[i].seen = 1;
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return q_err(rc);
	for (size_t i = 0; i < c->nacc; i++) {
		if (c->acc[i].seen)
			continue;
		problem(c, "added", "count %s/%s: missing (%llu recipients)",
			c->acc[i].link, q_state_name(c->acc[i].state),
			(unsigned long long)c->acc[i].rcpts);
		bad = 1;
	}
	if (bad)
		for (size_t i = 0; i < c->nacc; i++) {
			unsigned char ck[Q_MAX_LINK + 8], cv[Q_COUNT_LEN];
			size_t cl = q_key_count(ck, c->acc[i].link,
						c->acc[i].state);

			q_be64(cv, c->acc[i].rcpts);
			q_be64(cv + 8, c->acc[i].msgs);
			q_be64(cv + 16, c->acc[i].bytes);
			add_fix(c, FIX_PUT, QDB_COUNT, ck, cl, cv,
				Q_COUNT_LEN);
		}
	for (int i = 0; i < 4; i++)
		q_be64(want + 8 * i, c->tot[i]);
	rc = qt_get(c->t, QDB_COUNT, "G", 1, &v);
	if (rc && rc != Q_E_NOTFOUND)
		return rc;
	if ((rc == Q_E_NOTFOUND && (c->tot[0] || c->tot[3])) ||
	    (rc == 0 && (v.mv_size != Q_TOTAL_LEN ||
			 memcmp(v.mv_data, want, Q_TOTAL_LEN) != 0)))
		totals_differ(c, rc == 0 && v.mv_size == Q_TOTAL_LEN ?
			      v.mv_data : NULL, want);
	return 0;
}

/* pass_links - 10: link records decode */
static int pass_links(struct chk *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = qt_cursor(c->t, QDB_LINK, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const unsigned char *p = v.mv_data;

		if (k.mv_size > 0 && k.mv_size <= Q_MAX_LINK &&
		    v.mv_size == Q_LINK_LEN && p[0] == 1 &&
		    q_get64(p + 2) <= INT64_MAX)
			continue;
		problem(c, "deleted (link released)", "link: bad record");
		add_fix(c, FIX_DEL, QDB_LINK, k.mv_data, k.mv_size, NULL, 0);
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : q_err(rc);
}

/* last_u64 - the first 64 bits of db's last key (the greatest id) */
static int last_u64(struct chk *c, enum q_db db, uint64_t *v)
{
	MDB_cursor *cur;
	MDB_val k, d;
	int rc;

	*v = 0;
	if ((rc = qt_cursor(c->t, db, &cur)) != 0)
		return rc;
	rc = mdb_cursor_get(cur, &k, &d, MDB_LAST);
	if (rc == 0 && k.mv_size >= 8)
		*v = q_get64(k.mv_data);
	mdb_cursor_close(cur);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : q_err(rc);
}

/* pass_meta - 1: the format, and sequences above everything used (done
 *	first: the journal entries repair writes need next_seq) */
static int pass_meta(struct chk *c)
{
	uint64_t v, a, b;
	MDB_val ver;
	int rc;

	rc = qt_get(c->t, QDB_META, "version", 7, &ver);
	if (rc && rc != Q_E_NOTFOUND)
		return rc;
	if (rc || ver.mv_size != 4 || q_get32(ver.mv_data) != Q_FORMAT) {
		unsigned char f[4];

		problem(c, "rewritten", "meta: format version missing or "
			"wrong");
		q_be32(f, Q_FORMAT);
		if (c->repair)
			qt_put(c->t, QDB_META, "version", 7, f, 4);
	}
	if ((rc = last_u64(c, QDB_MSG, &a)) != 0 ||
	    (rc = last_u64(c, QDB_JMSG, &b)) != 0)
		return rc;
	c->max_id = a > b ? a : b;
	if ((rc = last_u64(c, QDB_JRNL, &c->max_seq)) != 0)
		return rc;
	rc = q_meta_u64(c->t, "next_id", &v);
	if (rc && rc != Q_E_NOTFOUND && rc != Q_E_CORRUPT)
		return rc;
	if (rc || v <= c->max_id) {
		problem(c, "raised", "meta: next_id is not above message %llu",
			(unsigned long long)c->max_id);
		if (c->repair)
			q_meta_put_u64(c->t, "next_id", c->max_id + 1);
	}
	rc = q_meta_u64(c->t, "next_seq", &v);
	if (rc && rc != Q_E_NOTFOUND && rc != Q_E_CORRUPT)
		return rc;
	if (rc || v <= c->max_seq) {
		problem(c, "raised", "meta: next_seq is not above journal "
			"entry %llu", (unsigned long long)c->max_seq);
		if (c->repair)
			q_meta_put_u64(c->t, "next_seq", c->max_seq + 1);
	}
	return c->t->ret;
}

/* pass_rcpts, pass_apdus - 3 and 4: see pass_orphans */
static int pass_rcpts(struct chk *c)
{
	return pass_orphans(c, QDB_RCPT);
}

static int pass_apdus(struct chk *c)
{
	return pass_orphans(c, QDB_APDU);
}

/* q_check - every pass in one transaction; see the top of this file */
int q_check(struct q *q, int repair, q_check_fn *fn, void *arg)
{
	static int (*const passes[])(struct chk *) = {
		pass_meta, pass_msgs, pass_rcpts, pass_apdus, pass_queue,
		pass_expire, pass_dup, pass_journal, pass_counts, pass_links
	};
	struct q_rd t;
	struct chk c;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	c.repair = repair;
	c.fn = fn;
	c.arg = arg;
	c.tail = &c.fixes;
	c.t = &t;
	c.now = (int64_t)time(NULL);
	c.who.peer = q->dir;
	c.who.layer = "store";
	if ((rc = qt_begin(q, repair, &t)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]); i++) {
		if ((rc = passes[i](&c)) != 0)
			break;
		apply_fixes(&c);
		if ((rc = t.ret) != 0)
			break;
	}
	/* fixes left after an error are only freed */
	for (struct fix *f = c.fixes, *n; f; f = n) {
		n = f->next;
		free(f->k);
		free(f->v);
		free(f->why);
		free(f);
	}
	for (size_t i = 0; i < c.nacc; i++)
		free(c.acc[i].link);
	free(c.acc);
	if (rc || !repair) {
		mdb_txn_abort(t.txn);
		return rc ? rc : c.problems;
	}
	if ((rc = mdb_txn_commit(t.txn)) != 0)
		return q_err(rc);
	return c.problems;
}
