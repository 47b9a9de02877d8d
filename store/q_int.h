/*
 * q_int.h - the store's insides, shared by store/q_*.c (not for callers)
 *
 * DESCRIPTION
 *	The databases of one environment, the transaction wrapper with a
 *	sticky error (after the first failure every call is a no-op and
 *	the caller aborts), the record codecs and the key builders. Keys
 *	are built from big-endian integers so that LMDB's byte order is
 *	the order we want. docs/store.md describes every key and value.
 *
 * OWNERSHIP
 *	A decoded record's strings point into the bytes it was decoded
 *	from (each string is stored with its NUL). Records read in a write
 *	transaction must be copied before the next write (struct qm does).
 */
#ifndef X400_Q_INT_H
#define X400_Q_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "buf.h"
#include "q.h"

#define Q_FORMAT	1	/* store format version (meta "version") */
#define Q_REC_MSG_V1	1
#define Q_REC_RCPT_V1	1
#define Q_REC_JRNL_V1	1

enum q_db {
	QDB_META, QDB_MSG, QDB_APDU, QDB_RCPT, QDB_QUEUE, QDB_EXPIRE,
	QDB_DUP, QDB_JRNL, QDB_JMSG, QDB_COUNT, QDB_LINK, QDB_N
};
extern const char *const q_db_names[QDB_N];

struct q_sub;
struct q_async;

struct q {
	MDB_env		*env;
	MDB_dbi		dbi[QDB_N];
	char		*dir;
	int		readonly;
	unsigned	max_batch;
	size_t		max_batch_bytes;
	/* writer thread (q_commit.c); everything below under mu */
	pthread_mutex_t	mu;
	pthread_cond_t	cv;
	pthread_t	thread;
	int		running, stopping;
	/* loop thread only: what was submitted during this turn of the
	 * loop, handed to the writer at its end (q_commit.c) */
	struct q_sub	*stage, **stage_tail;
	unsigned	stage_urgent;
	struct q_sub	*todo, **todo_tail;
	unsigned	urgent;		/* submissions in todo not lazy */
	unsigned	last_urgent;	/* ... in the last group */
	uint64_t	last_commit_ns;	/* how long its commit took */
	struct q_sub	*done, **done_tail;
	struct q_async	*async;
	uint64_t	commits, ops;
};

/* A transaction, read-only (struct q_rd to callers) or for writing. */
struct q_rd {
	struct q	*q;
	MDB_txn		*txn;
	int		ret;	/* sticky: first disk error */
	int		write;
	const char	*user;	/* the operator of the op being applied:
				 * every journal entry it writes names him */
};

/* ---- q_db.c: the sticky wrapper -------------------------------------- */

int	q_err(int mdb_rc);
int	qt_begin(struct q *q, int write, struct q_rd *t);
int	qt_get(struct q_rd *t, enum q_db db, const void *k, size_t kl,
	       MDB_val *v);
void	qt_put(struct q_rd *t, enum q_db db, const void *k, size_t kl,
	       const void *v, size_t vl);
void	qt_del(struct q_rd *t, enum q_db db, const void *k, size_t kl);
int	qt_cursor(struct q_rd *t, enum q_db db, MDB_cursor **c);
int	q_meta_u64(struct q_rd *t, const char *name, uint64_t *v);
void	q_meta_put_u64(struct q_rd *t, const char *name, uint64_t v);

/* ---- q_rec.c: integers, keys, records -------------------------------- */

void	q_be32(unsigned char *p, uint32_t v);
void	q_be64(unsigned char *p, uint64_t v);
uint32_t q_get32(const unsigned char *p);
uint64_t q_get64(const unsigned char *p);

#define Q_KEY_ID	8
#define Q_KEY_RCPT	12
#define Q_KEY_PAIR	16	/* expire (time, id), jmsg (id, seq) */
#define Q_KEY_QUEUE_TAIL 21	/* rank, due, id, idx after "link\0" */
#define Q_KEY_MAX	511	/* LMDB's default key limit */

int	q_rank(enum q_prio p);		/* urgent 0, normal 1, non-urgent 2 */
enum q_prio q_rank_prio(int rank);
size_t	q_key_queue(unsigned char *k, const char *link, int rank,
		    int64_t due, uint64_t id, uint32_t idx);
int	q_key_dup(unsigned char *k, size_t *kl, const char *link,
		  const char *mtsid);
size_t	q_key_count(unsigned char *k, const char *link, enum q_state st);

int	q_link_ok(const char *link);
int	q_str_ok(const char *s, size_t max);

void	q_rec_msg_enc(struct buf *b, const struct q_msg *m);
int	q_rec_msg_dec(const void *p, size_t n, struct q_msg *m);
void	q_rec_rcpt_enc(struct buf *b, const struct q_rcpt *r);
int	q_rec_rcpt_dec(const void *p, size_t n, struct q_rcpt *r);
void	q_rec_jrnl_enc(struct buf *b, const struct q_jent *e);
int	q_rec_jrnl_dec(const void *p, size_t n, struct q_jent *e);

/* dup value: id, time, flags (Q_DUP_GONE) */
#define Q_DUP_LEN	17
#define Q_DUP_GONE	0x01
/* count value: rcpts, msgs, bytes (or for "G": msgs, rcpts, bytes,
 * apdu bytes) */
#define Q_COUNT_LEN	24
#define Q_TOTAL_LEN	32
/* link value: version, flags, changed */
#define Q_LINK_LEN	10
#define Q_LINK_HELD	0x01

/* ---- q_count.c: counters as a function of recipients ---------------- */

struct q_contrib {
	const char	*link;
	enum q_state	state;
	uint64_t	rcpts;
};

struct q_contribs {
	struct q_contrib *v;
	size_t		n, cap;
	uint64_t	size;	/* the message's octets */
};

void	q_contribs_build(struct q_contribs *c, uint64_t size,
			 const struct q_rcpt *r, size_t n);
void	q_contribs_free(struct q_contribs *c);
void	q_count_diff(struct q_rd *t, const struct q_contribs *old,
		     const struct q_contribs *new_);
void	q_count_total(struct q_rd *t, int64_t dmsgs, int64_t drcpts,
		      int64_t dbytes, int64_t dapdu);
int	q_count_state(struct q_rd *t, enum q_state st, uint64_t *n);

/* ---- q_journal.c ---------------------------------------------------- */

void	q_journal_add(struct q_rd *t, enum q_jtype type, int64_t time,
		      uint64_t id, int32_t rcpt, const char *link,
		      const char *peer, const char *text);
int	q_journal_prune(struct q_rd *t, int64_t before, size_t max,
			uint64_t *n);
int	q_dup_prune(struct q_rd *t, int64_t before, size_t max, uint64_t *n);
void	q_key_tomb(unsigned char *k, int64_t time, uint64_t id);
#define Q_KEY_TOMB	17

/* ---- q_qm.c: a message loaded for change ------------------------------ */

/* A message loaded for change. */
struct qm {
	struct q_msg	m, m0;		/* as changed, as loaded */
	struct q_rcpt	*r, *r0;
	uint32_t	n;
	int		exists;		/* loaded (0: arriving) */
	int		removed;
	uint64_t	apdu_len, apdu_len0;
	void		**blocks;	/* record copies the strings live in */
	size_t		nblocks;
};


/* q_qm_load - message id with its recipients, copied out twice (as
 *	loaded, to be changed); q_qm_store - every write the difference
 *	implies (t->ret on a disk error); q_qm_free - release it */
int	q_qm_load(struct q_rd *t, uint64_t id, struct qm *qm);
void	q_qm_store(struct q_rd *t, struct qm *qm, int64_t now);
void	q_qm_free(struct qm *qm);

/* The queue and expiry keys a message's state implies. */
int	q_rcpt_queued(const struct q_msg *m, const struct q_rcpt *r,
		      const char **queue, int64_t *due);
int64_t	q_msg_expiry_key(const struct q_msg *m, const struct q_rcpt *r,
			 size_t n);

/* ---- q_msg.c: one message in a write txn ----------------------------- */
int	q_apply_op(struct q_rd *t, const struct q_op *op, uint64_t *id);

#endif
