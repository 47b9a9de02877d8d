/*
 * q_db.c - the LMDB environment, its databases, the transaction wrapper
 *
 * SYNOPSIS
 *	#include "q.h"
 *
 *	q_open(&cfg, &q);  q_close(q);
 *	q_strerror(err);  q_state_name(s); ...
 *
 * DESCRIPTION
 *	One environment per store directory (data.mdb and lock.mdb inside
 *	it, not MDB_NOSUBDIR), opened with MDB_NOTLS so that a read
 *	transaction may live on any thread and the writer thread's write
 *	transaction does not take a reader slot of the loop's. The eleven
 *	named databases are opened once at q_open() and shared by every
 *	transaction. A read-only open (x400q's reading commands) uses
 *	MDB_RDONLY; it still registers in lock.mdb's reader table, which is
 *	how LMDB lets it read while another process writes.
 *
 *	The transaction wrapper (after Knot DNS's knot_lmdb.c) keeps the
 *	first disk error in t->ret: every later put or delete is a no-op,
 *	and the caller checks once and aborts.
 *
 * DIAGNOSTICS
 *	q_open() logs EV_STORE_OPEN, or EV_STORE_ERROR naming the path and
 *	the cause; EV_STORE_STALE_READERS when it cleared reader slots of
 *	dead processes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "q_int.h"
#include "xalloc.h"

const char *const q_db_names[QDB_N] = {
	[QDB_META] = "meta", [QDB_MSG] = "msg", [QDB_APDU] = "apdu",
	[QDB_RCPT] = "rcpt", [QDB_QUEUE] = "queue", [QDB_EXPIRE] = "expire",
	[QDB_DUP] = "dup", [QDB_JRNL] = "journal", [QDB_JMSG] = "jmsg",
	[QDB_COUNT] = "count", [QDB_LINK] = "link"
};

/* q_err - an LMDB return code as ours: errno values become negative */
int q_err(int rc)
{
	if (rc > 0)
		return -rc;
	return rc;
}

/* open_dbis - open (or create) every named database and the meta keys */
static int open_dbis(struct q *q, int create)
{
	MDB_txn *txn;
	MDB_val k, v;
	int rc, i;
	unsigned char ver[4];

	rc = mdb_txn_begin(q->env, NULL, q->readonly ? MDB_RDONLY : 0, &txn);
	if (rc)
		return q_err(rc);
	for (i = 0; i < QDB_N; i++) {
		rc = mdb_dbi_open(txn, q_db_names[i], create ? MDB_CREATE : 0,
				  &q->dbi[i]);
		if (rc == MDB_NOTFOUND) {
			mdb_txn_abort(txn);
			return Q_E_NOSTORE;
		}
		if (rc) {
			mdb_txn_abort(txn);
			return q_err(rc);
		}
	}
	k.mv_data = "version";
	k.mv_size = 7;
	rc = mdb_get(txn, q->dbi[QDB_META], &k, &v);
	if (rc == MDB_NOTFOUND && create) {
		unsigned char one[8];

		q_be32(ver, Q_FORMAT);
		v.mv_data = ver;
		v.mv_size = 4;
		rc = mdb_put(txn, q->dbi[QDB_META], &k, &v, 0);
		q_be64(one, 1);
		k.mv_data = "next_id";
		k.mv_size = 7;
		v.mv_data = one;
		v.mv_size = 8;
		if (rc == 0)
			rc = mdb_put(txn, q->dbi[QDB_META], &k, &v, 0);
		k.mv_data = "next_seq";
		k.mv_size = 8;
		if (rc == 0)
			rc = mdb_put(txn, q->dbi[QDB_META], &k, &v, 0);
	} else if (rc == MDB_NOTFOUND) {
		rc = Q_E_NOSTORE;
	} else if (rc == 0) {
		if (v.mv_size != 4)
			rc = Q_E_CORRUPT;
		else if (q_get32(v.mv_data) > Q_FORMAT)
			rc = Q_E_VERSION;
	}
	if (rc) {
		mdb_txn_abort(txn);
		return q_err(rc);
	}
	return q_err(mdb_txn_commit(txn));
}

/* q_open - open the store; see q.h */
int q_open(const struct q_config *cfg, struct q **qp)
{
	struct log_who who = { .layer = "store" };
	unsigned flags = MDB_NOTLS;
	struct q *q;
	struct stat st;
	char path[4096];
	int rc, dead = 0;

	*qp = NULL;
	if (cfg->dir == NULL || cfg->dir[0] == '\0')
		return Q_E_INVAL;
	who.peer = cfg->dir;
	if (cfg->create && !cfg->readonly && mkdir(cfg->dir, 0700) != 0 &&
	    errno != EEXIST) {
		rc = -errno;
		log_ev(LOG_ERR, EV_STORE_ERROR, &who, "cannot create %s: %s",
		       cfg->dir, strerror(-rc));
		return rc;
	}
	snprintf(path, sizeof(path), "%s/data.mdb", cfg->dir);
	if (!cfg->create && stat(path, &st) != 0)
		return errno == ENOENT ? Q_E_NOSTORE : -errno;

	q = XNEW(struct q);
	q->dir = xstrdup(cfg->dir);
	q->readonly = cfg->readonly;
	q->max_batch = cfg->max_batch ? cfg->max_batch : Q_BATCH_DEFAULT;
	q->max_batch_bytes = cfg->max_batch_bytes ? cfg->max_batch_bytes :
			     Q_BATCH_BYTES;
	pthread_mutex_init(&q->mu, NULL);
	{
		/* the writer's timed waits (lazy submissions) must not
		 * follow the wall clock */
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&q->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	q->todo_tail = &q->todo;
	q->done_tail = &q->done;

	if ((rc = mdb_env_create(&q->env)) != 0)
		goto fail;
	mdb_env_set_maxdbs(q->env, QDB_N + 1);
	/* Without a configured size an existing store keeps its own. */
	if (cfg->mapsize || cfg->create) {
		uint64_t sz = cfg->mapsize ? cfg->mapsize : Q_MAPSIZE_DEFAULT;

		if ((rc = mdb_env_set_mapsize(q->env, (size_t)sz)) != 0)
			goto fail;
	}
	if (cfg->readonly)
		flags |= MDB_RDONLY;
	if (cfg->sync == Q_SYNC_NONE)
		flags |= MDB_NOSYNC | MDB_NOMETASYNC;
	if ((rc = mdb_env_open(q->env, cfg->dir, flags, 0600)) != 0)
		goto fail;
	/* Reader slots of processes that died (SIGKILL) are reclaimed. */
	mdb_reader_check(q->env, &dead);
	if (dead > 0)
		log_ev(LOG_NOTICE, EV_STORE_STALE_READERS, &who,
		       "cleared %d reader slots of dead processes", dead);
	if ((rc = open_dbis(q, cfg->create && !cfg->readonly)) != 0)
		goto fail;
	if (!cfg->readonly)
		log_ev(LOG_INFO, EV_STORE_OPEN, &who, "store %s opened (%s)",
		       cfg->dir, cfg->sync == Q_SYNC_NONE ?
		       "no sync: tests only" : "full sync");
	*qp = q;
	return 0;
fail:
	rc = q_err(rc);
	if (rc == -ENOENT)
		rc = Q_E_NOSTORE;
	if (rc != Q_E_NOSTORE)
		log_ev(LOG_ERR, EV_STORE_ERROR, &who, "cannot open %s: %s",
		       cfg->dir, q_strerror(rc));
	if (q->env)
		mdb_env_close(q->env);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->dir);
	free(q);
	return rc;
}

/* q_close - close the environment; the writer must be stopped */
void q_close(struct q *q)
{
	if (q == NULL)
		return;
	if (q->running)
		panic("q_close: writer still running");
	mdb_env_close(q->env);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->dir);
	free(q);
}

/* q_dir - the store's directory */
const char *q_dir(const struct q *q)
{
	return q->dir;
}

/* qt_begin - start a transaction; a resized map is adopted once */
int qt_begin(struct q *q, int write, struct q_rd *t)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->q = q;
	t->write = write;
	if (write && q->readonly)
		return Q_E_RDONLY;
	rc = mdb_txn_begin(q->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
	if (rc == MDB_MAP_RESIZED) {
		/* another process grew the map: adopt its size */
		rc = mdb_env_set_mapsize(q->env, 0);
		if (rc == 0)
			rc = mdb_txn_begin(q->env, NULL,
					   write ? 0 : MDB_RDONLY, &t->txn);
	}
	return q_err(rc);
}

/* qt_get - look a key up: 0, Q_E_NOTFOUND, or a (sticky) disk error */
int qt_get(struct q_rd *t, enum q_db db, const void *k, size_t kl,
	   MDB_val *v)
{
	MDB_val key = { kl, (void *)k };
	int rc;

	if (t->ret)
		return t->ret;
	rc = mdb_get(t->txn, t->q->dbi[db], &key, v);
	if (rc == MDB_NOTFOUND)
		return Q_E_NOTFOUND;
	if (rc)
		t->ret = q_err(rc);
	return t->ret;
}

/* qt_put - store a value unless an earlier call failed */
void qt_put(struct q_rd *t, enum q_db db, const void *k, size_t kl,
	    const void *v, size_t vl)
{
	MDB_val key = { kl, (void *)k }, val = { vl, (void *)v };
	int rc;

	if (t->ret)
		return;
	if ((rc = mdb_put(t->txn, t->q->dbi[db], &key, &val, 0)) != 0)
		t->ret = q_err(rc);
}

/* qt_del - delete a key (absent is fine) unless an earlier call failed */
void qt_del(struct q_rd *t, enum q_db db, const void *k, size_t kl)
{
	MDB_val key = { kl, (void *)k };
	int rc;

	if (t->ret)
		return;
	rc = mdb_del(t->txn, t->q->dbi[db], &key, NULL);
	if (rc && rc != MDB_NOTFOUND)
		t->ret = q_err(rc);
}

/* qt_cursor - open a cursor on db */
int qt_cursor(struct q_rd *t, enum q_db db, MDB_cursor **c)
{
	int rc;

	if (t->ret)
		return t->ret;
	if ((rc = mdb_cursor_open(t->txn, t->q->dbi[db], c)) != 0)
		t->ret = q_err(rc);
	return t->ret;
}

/* q_meta_u64 - read a 64-bit meta value */
int q_meta_u64(struct q_rd *t, const char *name, uint64_t *v)
{
	MDB_val val;
	int rc = qt_get(t, QDB_META, name, strlen(name), &val);

	if (rc)
		return rc;
	if (val.mv_size != 8)
		return Q_E_CORRUPT;
	*v = q_get64(val.mv_data);
	return 0;
}

/* q_meta_put_u64 - write a 64-bit meta value */
void q_meta_put_u64(struct q_rd *t, const char *name, uint64_t v)
{
	unsigned char b[8];

	q_be64(b, v);
	qt_put(t, QDB_META, name, strlen(name), b, 8);
}

/* q_rd_begin - a read-only snapshot for the caller */
int q_rd_begin(struct q *q, struct q_rd **rd)
{
	struct q_rd *t = XNEW(struct q_rd);
	int rc;

	if ((rc = qt_begin(q, 0, t)) != 0) {
		free(t);
		*rd = NULL;
		return rc;
	}
	*rd = t;
	return 0;
}

/* q_rd_end - end a snapshot; everything read from it becomes invalid */
void q_rd_end(struct q_rd *rd)
{
	if (rd == NULL)
		return;
	mdb_txn_abort(rd->txn);
	free(rd);
}

/* q_strerror - name any error a q_ function returns */
const char *q_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case Q_E_NOTFOUND: return "no such message or entry";
	case Q_E_DUPLICATE: return "duplicate MTS identifier from that link";
	case Q_E_STATE: return "recipient state does not allow it";
	case Q_E_INVAL: return "invalid argument";
	case Q_E_CORRUPT: return "stored record does not decode";
	case Q_E_VERSION: return "store written by a newer format";
	case Q_E_RDONLY: return "store opened read-only";
	case Q_E_CLOSED: return "store writer not running";
	case Q_E_NOSTORE: return "no store there";
	}
	if (err >= MDB_KEYEXIST && err <= MDB_LAST_ERRCODE)
		return mdb_strerror(err);
	if (err < 0 && err > -4096)
		return strerror(-err);
	return "unknown store error";
}

static const char *const state_names[Q_ST_COUNT] = {
	"pending", "transfer", "delivered", "failed", "report", "done"
};

/* q_state_name - a recipient state's name */
const char *q_state_name(enum q_state s)
{
	return (unsigned)s < Q_ST_COUNT ? state_names[s] : "?";
}

/* q_state_parse - a state by name, or -1 */
int q_state_parse(const char *s)
{
	for (int i = 0; i < Q_ST_COUNT; i++)
		if (strcmp(s, state_names[i]) == 0)
			return i;
	return -1;
}

/* q_state_final - DELIVERED, FAILED and DONE end a recipient's life */
int q_state_final(enum q_state s)
{
	return s == Q_ST_DELIVERED || s == Q_ST_FAILED || s == Q_ST_DONE;
}

/* q_prio_name - X.411 priority name */
const char *q_prio_name(enum q_prio p)
{
	switch (p) {
	case Q_PRIO_NORMAL: return "normal";
	case Q_PRIO_NONURGENT: return "non-urgent";
	case Q_PRIO_URGENT: return "urgent";
	}
	return "?";
}

/* q_prio_parse - priority by name, or -1 */
int q_prio_parse(const char *s)
{
	if (strcmp(s, "normal") == 0)
		return Q_PRIO_NORMAL;
	if (strcmp(s, "non-urgent") == 0 || strcmp(s, "nonurgent") == 0)
		return Q_PRIO_NONURGENT;
	if (strcmp(s, "urgent") == 0)
		return Q_PRIO_URGENT;
	return -1;
}

/* q_kind_name - message, probe or report */
const char *q_kind_name(enum q_kind k)
{
	switch (k) {
	case Q_KIND_MESSAGE: return "message";
	case Q_KIND_PROBE: return "probe";
	case Q_KIND_REPORT: return "report";
	}
	return "?";
}

/* q_jtype_name - a journal entry type's name */
const char *q_jtype_name(enum q_jtype t)
{
	static const char *const n[] = {
		[Q_J_ARRIVAL] = "arrival", [Q_J_ATTEMPT] = "attempt",
		[Q_J_TRANSFER] = "transfer", [Q_J_DELIVERY] = "delivery",
		[Q_J_DEFER] = "defer", [Q_J_FAILURE] = "failure",
		[Q_J_REPORT] = "report", [Q_J_HOLD] = "hold",
		[Q_J_RELEASE] = "release", [Q_J_DELETE] = "delete",
		[Q_J_REROUTE] = "reroute", [Q_J_RETRY] = "retry",
		[Q_J_COMPLETE] = "complete", [Q_J_DUPLICATE] = "duplicate",
		[Q_J_RECOVER] = "recover", [Q_J_NOTE] = "note",
		[Q_J_REPAIR] = "repair", [Q_J_APDU] = "apdu"
	};

	if ((unsigned)t < sizeof(n) / sizeof(n[0]) && n[t])
		return n[t];
	return "?";
}
