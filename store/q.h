/*
 * q.h - the durable message queue on LMDB
 *
 * SYNOPSIS
 *	#include "q.h"
 *
 *	struct q_config cfg = { .dir = "/var/spool/x400" };
 *	struct q *q;
 *	q_open(&cfg, &q);
 *
 *	Daemon (libuv loop thread):
 *	q_recover(q, now);			once, before scheduling
 *	q_writer_start(q, loop);
 *	struct q_op op = { .type = Q_OP_ARRIVE, .msg = &m, .rcpts = r,
 *			   .apdu = ber, .apdu_len = n };
 *	q_submit(q, &op, 1, arrived_cb, conn);	cb runs on the loop once durable
 *	...
 *	q_writer_stop(q);  q_close(q);
 *
 *	Tools (any thread, no loop):
 *	q_apply(q, &op, 1, &id);		own short write transaction
 *
 *	Readers (short read-only snapshots):
 *	struct q_rd *rd;  struct q_iter it;  struct q_due d;
 *	q_rd_begin(q, &rd);
 *	q_iter_due(rd, &it, "to-B", now);
 *	while (q_next_due(&it, &d) == 1)
 *		...;
 *	q_iter_end(&it);
 *	q_rd_end(rd);
 *
 * DESCRIPTION
 *	One LMDB environment (a directory holding data.mdb and lock.mdb)
 *	holds every message the MTA is responsible for: its record (the
 *	envelope fields the scheduler and the operator need), its raw
 *	MTS-APDU (stored apart, so listing never reads it), one record per
 *	recipient with its own state, the per-link queues, the index that
 *	recognises duplicate transfers, an event journal and counters.
 *	docs/store.md gives the keys and values.
 *
 *	Every change is an operation (struct q_op). The daemon submits
 *	operations from its loop with q_submit(); one writer thread takes
 *	everything submitted while its previous commit ran, applies it in
 *	one LMDB write transaction, commits (with fsync unless
 *	Q_SYNC_NONE) and only then calls each submitter back on the loop
 *	(uv_async_t). Several operations passed to one q_submit() are
 *	applied atomically: all or none. Tools use q_apply(), which runs
 *	its own write transaction; LMDB serialises writers across threads
 *	and processes, so x400q may change the queue while x400d runs.
 *
 *	Recipient states: PENDING (queued on its link), TRANSFER (taken
 *	by the scheduler, on the wire), DELIVERED (delivered locally or
 *	transferred: responsibility passed on), FAILED (no report owed),
 *	REPORT (a delivery or non-delivery report is owed: the recipient
 *	sits in the Q_QUEUE_REPORT queue), DONE (report generated).
 *	DELIVERED, FAILED and DONE are final: once every recipient of a
 *	message is final, the operation that made it so also removes the
 *	message (journal "complete"); its duplicate-index entry stays, as
 *	a tombstone, until Q_OP_PRUNE removes it.
 *
 *	A recipient is in its link's queue while it is PENDING and
 *	neither it nor its message is held; the queue key is its
 *	message's priority (urgent, then normal, then non-urgent), then
 *	its due time, max(next attempt, deferred-delivery time), then the
 *	message id and recipient index. A held link keeps its entries but
 *	q_iter_due() returns none of them.
 *
 *	Times are seconds since the epoch (int64_t, never negative); a
 *	time of 0 means "none" where the field says so.
 *
 * OWNERSHIP
 *	q_submit() and q_apply() copy everything an operation points to
 *	before returning: the caller may free its strings, arrays and
 *	APDU at once.
 *	Everything a reader returns (struct q_msg, q_rcpt, q_due, q_jent,
 *	q_count, q_link strings, APDU pointers) points into the LMDB map
 *	and is valid only until q_rd_end() on its snapshot, as with LMDB's
 *	MDB_val. Copy what must live longer.
 *	A struct q_rd belongs to one thread at a time (any thread:
 *	MDB_NOTLS); keep it short and never open one across network I/O,
 *	it pins old pages and makes the file grow.
 *	The writer thread never calls back or logs itself: completions and
 *	their events are delivered on the loop that q_writer_start() got.
 *
 * DIAGNOSTICS
 *	Functions return 0 (or a count, or 1 for "one more item") on
 *	success and a negative code on failure: a Q_E_* value, an LMDB
 *	code (MDB_MAP_FULL, ...) or a negative errno (disk errors).
 *	q_strerror() names any of them. Validation errors (Q_E_NOTFOUND,
 *	Q_E_STATE, Q_E_INVAL, Q_E_DUPLICATE) concern one operation only;
 *	any other error fails the whole group it was committed with, and
 *	the loop logs EV_STORE_COMMIT_FAILED once per failed group.
 */
#ifndef X400_Q_H
#define X400_Q_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

struct uv_loop_s;

/* Errors of our own, below LMDB's range (-30799..-30780). */
enum {
	Q_E_NOTFOUND = -31001,	/* no such message, recipient or entry */
	Q_E_DUPLICATE = -31002,	/* arrival of an MTS identifier already
				 * accepted from that link; id = the first */
	Q_E_STATE = -31003,	/* recipient not in a state that allows it */
	Q_E_INVAL = -31004,	/* bad argument (empty, too long, range) */
	Q_E_CORRUPT = -31005,	/* a stored record does not decode */
	Q_E_VERSION = -31006,	/* store written by a newer format */
	Q_E_RDONLY = -31007,	/* store opened read-only */
	Q_E_CLOSED = -31008,	/* writer not running, or stopping */
	Q_E_NOSTORE = -31009	/* no store at that path */
};

/* Defaults and limits */
#define Q_MAPSIZE_DEFAULT	(256ull << 30)	/* 256 GiB of address space,
						 * sparse: the file grows
						 * with the data */
#define Q_BATCH_DEFAULT		1024		/* submissions per group */
#define Q_BATCH_BYTES		(64u << 20)	/* octets per group, unless
						 * one submission is larger */
#define Q_MAX_RCPTS		32767		/* X.411 ub-recipients */
#define Q_MAX_STR		4096		/* any string field */
#define Q_MAX_LINK		64		/* link name, octets */
#define Q_MAX_MTSID		256		/* canonical MTS identifier */
#define Q_LAZY_MS		5		/* q_submit_lazy: longest wait
						 * for a commit to ride with */
#define Q_GATHER_US		2000		/* group commit: longest wait
						 * for a group to fill */

/* The pseudo-link of local delivery, and the queue of owed reports. */
#define Q_LINK_LOCAL		"local"
#define Q_QUEUE_REPORT		"@report"

enum q_sync {
	Q_SYNC_FULL = 0,	/* fsync each commit: the default */
	Q_SYNC_NONE = 1		/* MDB_NOSYNC|MDB_NOMETASYNC: survives a
				 * process crash, not an OS crash or power
				 * loss. Tests and benchmarks only. */
};

struct q_config {
	const char	*dir;		/* the store's directory */
	int		readonly;	/* MDB_RDONLY: x400q's reading commands */
	int		create;		/* create dir and databases if absent */
	enum q_sync	sync;
	uint64_t	mapsize;	/* 0: Q_MAPSIZE_DEFAULT */
	unsigned	max_batch;	/* 0: Q_BATCH_DEFAULT */
	size_t		max_batch_bytes; /* 0: Q_BATCH_BYTES */
};

enum q_kind { Q_KIND_MESSAGE = 0, Q_KIND_PROBE = 1, Q_KIND_REPORT = 2 };

/* X.411 Priority values (12.2.1.1.1.8); order urgent > normal > non-urgent */
enum q_prio { Q_PRIO_NORMAL = 0, Q_PRIO_NONURGENT = 1, Q_PRIO_URGENT = 2 };

enum q_state {
	Q_ST_PENDING = 0, Q_ST_TRANSFER = 1, Q_ST_DELIVERED = 2,
	Q_ST_FAILED = 3, Q_ST_REPORT = 4, Q_ST_DONE = 5
};
#define Q_ST_COUNT	6

#define Q_MF_HOLD	0x01u	/* message held by the operator */
#define Q_RF_HOLD	0x01u	/* recipient held by the operator */
#define Q_RF_RESPONSIBLE 0x02u	/* X.411 responsibility flag */

/* One message. As an ARRIVE argument, id, nrcpt and the times the store
 * fills are ignored (nrcpt comes from the op). */
struct q_msg {
	uint64_t	id;		/* local id: monotonic, never reused */
	enum q_kind	kind;
	enum q_prio	prio;
	unsigned	flags;		/* Q_MF_* */
	uint32_t	nrcpt;
	uint64_t	size;		/* octets (content); 0: the APDU's length */
	uint64_t	apdu_len;	/* filled by the store */
	int64_t		arrival;
	int64_t		deferred;	/* deferred-delivery time, 0 none */
	int64_t		latest;		/* latest-delivery time, 0 none */
	int64_t		expiry;		/* queue age limit reached, 0 none */
	const char	*mtsid;		/* canonical MTS identifier string */
	const char	*originator;	/* O/R address string */
	const char	*content_type;
	const char	*src_link;	/* "" for locally originated */
	const char	*src_peer;	/* "address:port" or "" */
};

/* One recipient. reason/diag: X.411 NonDeliveryReasonCode and
 * NonDeliveryDiagnosticCode, -1 when absent; a REPORT recipient with
 * reason -1 owes a delivery report, with reason >= 0 a non-delivery
 * report. */
struct q_rcpt {
	uint32_t	idx;		/* 0..nrcpt-1, fixed at arrival */
	enum q_state	state;
	unsigned	flags;		/* Q_RF_* */
	uint32_t	attempts;
	int64_t		next_attempt;	/* 0 at arrival: the arrival time */
	int64_t		changed;	/* last state change (store) */
	int32_t		reason;
	int32_t		diag;
	const char	*address;	/* O/R address string */
	const char	*link;		/* assigned link or Q_LINK_LOCAL */
	const char	*diag_text;	/* last failure text, or "" */
};

enum q_op_type {
	Q_OP_ARRIVE,	/* msg, rcpts[0..nrcpts), apdu: a new message;
			 * callback id = its local id. Each rcpt's state
			 * must be PENDING, FAILED or REPORT (a recipient
			 * refused at once; give reason and diag then).
			 * Q_E_DUPLICATE (id = first) if (src_link, mtsid)
			 * is known, even if that message is gone. */
	Q_OP_BEGIN,	/* idx: PENDING -> TRANSFER (scheduler took them) */
	Q_OP_DONE,	/* idx: PENDING/TRANSFER -> DELIVERED, or REPORT
			 * (delivery report owed) with Q_OPF_REPORT */
	Q_OP_DEFER,	/* idx: PENDING/TRANSFER -> PENDING, attempts+1,
			 * next attempt = when, diag_text = text */
	Q_OP_FAIL,	/* idx: PENDING/TRANSFER -> FAILED, or REPORT with
			 * Q_OPF_REPORT; reason, diag, text */
	Q_OP_REPORTED,	/* idx: REPORT -> DONE (report generated) */
	Q_OP_HOLD,	/* idx NULL: hold the message; else those rcpts */
	Q_OP_RELEASE,	/* the reverse */
	Q_OP_LINK_HOLD,	/* link: q_iter_due() returns nothing for it */
	Q_OP_LINK_RELEASE,
	Q_OP_RETRY,	/* idx (NULL: all) PENDING: next attempt = now */
	Q_OP_REROUTE,	/* idx (NULL: all PENDING) -> link, due now */
	Q_OP_DELETE,	/* remove the message; with Q_OPF_REPORT instead
			 * turn every PENDING/TRANSFER recipient into REPORT
			 * with reason (>= 0; x400q gives 1,
			 * unable-to-transfer), diag and text, and lift the
			 * holds, so that the daemon issues a non-delivery
			 * report. A report (Q_KIND_REPORT) is never
			 * reported on: it is removed. */
	Q_OP_SET_APDU,	/* replace the stored APDU (trace added) */
	Q_OP_NOTE,	/* journal only: text (id 0: not about a message) */
	Q_OP_PRUNE,	/* drop journal entries and duplicate tombstones
			 * older than when; at most Q_PRUNE_MAX of each;
			 * callback id = how many were dropped */
	Q_OP_RECOVER	/* every TRANSFER -> PENDING (after a restart) */
};
#define Q_PRUNE_MAX	10000

#define Q_OPF_REPORT	0x01u

struct q_op {
	enum q_op_type	type;
	uint64_t	id;		/* the message (not for ARRIVE) */
	const uint32_t	*idx;		/* recipient indexes; NULL: all */
	size_t		nidx;
	int64_t		now;		/* event time; 0: time(NULL) */
	int64_t		when;		/* DEFER: next attempt; PRUNE: cutoff */
	unsigned	flags;		/* Q_OPF_* */
	int32_t		reason, diag;	/* FAIL, DELETE+REPORT */
	const char	*text;		/* diagnostic or journal text */
	const char	*link;		/* REROUTE target, LINK_*; else the
					 * link named in the journal */
	const char	*peer;		/* journal: peer address */
	const char	*user;		/* journal: the operator (Unix user)
					 * on whose behalf x400q acts; NULL
					 * or "" for the daemon's own work */
	const struct q_msg *msg;	/* ARRIVE */
	const struct q_rcpt *rcpts;	/* ARRIVE: nrcpts of them */
	size_t		nrcpts;
	const void	*apdu;		/* ARRIVE, SET_APDU */
	size_t		apdu_len;
};

/* Journal entries */
enum q_jtype {
	Q_J_ARRIVAL = 1, Q_J_ATTEMPT, Q_J_TRANSFER, Q_J_DELIVERY, Q_J_DEFER,
	Q_J_FAILURE, Q_J_REPORT, Q_J_HOLD, Q_J_RELEASE, Q_J_DELETE,
	Q_J_REROUTE, Q_J_RETRY, Q_J_COMPLETE, Q_J_DUPLICATE, Q_J_RECOVER,
	Q_J_NOTE, Q_J_REPAIR, Q_J_APDU
};

struct q_jent {
	uint64_t	seq;
	enum q_jtype	type;
	int64_t		time;
	uint64_t	id;		/* 0: not about one message */
	int32_t		rcpt;		/* -1: the whole message */
	const char	*link, *peer, *text;	/* "" when absent */
	const char	*user;		/* the operator, "" for the daemon */
};

/* Scheduler work: one recipient due on a link. */
struct q_due {
	uint64_t	id;
	uint32_t	idx;
	enum q_prio	prio;
	int64_t		due;
};

/* Counters of recipients in one (link, state), and of the distinct
 * messages having a recipient there, with those messages' octets. */
struct q_count {
	const char	*link;
	enum q_state	state;
	uint64_t	rcpts, msgs, bytes;
};

struct q_totals {
	uint64_t	msgs, rcpts, bytes, apdu_bytes;
	uint64_t	next_id;
};

struct q_link {
	const char	*name;
	int		held;
	int64_t		changed;
};

struct q;
struct q_rd;

/* A cursor over one kind of entry; lives on the caller's stack. */
struct q_iter {
	struct q_rd	*rd;
	MDB_cursor	*cur;
	int		kind, started, done;
	uint64_t	u64;		/* message id, time bound */
	int		rank;		/* due: priority class in progress */
	size_t		plen;		/* due: link prefix length */
	unsigned char	prefix[Q_MAX_LINK + 2];
};

typedef void q_done_fn(void *arg, int err, uint64_t id);
/* q_check reports each problem, and what repair did about it */
typedef void q_check_fn(void *arg, const char *problem, const char *repair);

/* ---- opening -------------------------------------------------------- */

/* q_open - open (or with cfg->create create) the store at cfg->dir */
int	q_open(const struct q_config *cfg, struct q **qp);
/* q_close - close; the writer must have been stopped */
void	q_close(struct q *q);
const char *q_dir(const struct q *q);

/* ---- writing -------------------------------------------------------- */

/* q_writer_start - start the group-commit thread; callbacks on loop */
int	q_writer_start(struct q *q, struct uv_loop_s *loop);
/* q_writer_stop - commit what was submitted, call every callback still
 *	owed (on the calling thread, which must be the loop's), join */
void	q_writer_stop(struct q *q);
/* q_submit - queue ops[0..n) as one atomic unit; cb(arg, err, id) runs
 *	on the loop after commit, never from inside q_submit. Call it on
 *	the loop's thread; the writer gets it at the end of that turn of
 *	the loop, with everything else the turn submitted. Returns 0, or Q_E_CLOSED / Q_E_RDONLY /
 *	Q_E_INVAL (then cb is not called). A callback may submit and may
 *	call q_writer_stop(), not q_close(). */
int	q_submit(struct q *q, const struct q_op *ops, size_t n,
		 q_done_fn *cb, void *arg);
/* q_submit_lazy - as q_submit, for work no peer is waiting on (the
 *	scheduler's own bookkeeping): it does not start a commit by itself
 *	but rides with the next one, and waits at most Q_LAZY_MS for one.
 *	The durability promise is the same: cb runs once it is durable. */
int	q_submit_lazy(struct q *q, const struct q_op *ops, size_t n,
		      q_done_fn *cb, void *arg);
/* q_apply - apply ops[0..n) atomically in a write txn of the caller's
 *	own, then return; *id as the callback would get it (may be NULL) */
int	q_apply(struct q *q, const struct q_op *ops, size_t n, uint64_t *id);
/* q_recover - Q_OP_RECOVER at once: in-transfer recipients of a
 *	crashed run are PENDING again; returns how many */
int	q_recover(struct q *q, int64_t now);
/* q_commits - group transactions committed by the writer thread, and
 *	operations (submissions) they carried */
void	q_commits(struct q *q, uint64_t *commits, uint64_t *ops);

/* ---- reading -------------------------------------------------------- */

int	q_rd_begin(struct q *q, struct q_rd **rd);
void	q_rd_end(struct q_rd *rd);

int	q_msg_get(struct q_rd *rd, uint64_t id, struct q_msg *m);
int	q_rcpt_get(struct q_rd *rd, uint64_t id, uint32_t idx,
		   struct q_rcpt *r);
int	q_apdu_get(struct q_rd *rd, uint64_t id, const void **p,
		   size_t *len);
/* q_dup_find - the id an (src_link, mtsid) arrival got; *gone = 1 if
 *	that message has since been removed */
int	q_dup_find(struct q_rd *rd, const char *src_link, const char *mtsid,
		   uint64_t *id, int *gone);
int	q_link_get(struct q_rd *rd, const char *link, struct q_link *l);
int	q_totals(struct q_rd *rd, struct q_totals *t);
/* q_due_first - earliest due time on link (any priority), for timers;
 *	Q_E_NOTFOUND if the queue is empty or the link held */
int	q_due_first(struct q_rd *rd, const char *link, int64_t *when);

/* Iterators: q_iter_X() starts, q_next_X() returns 1 with an item, 0 at
 * the end, or an error; q_iter_end() always. */
int	q_iter_msgs(struct q_rd *rd, struct q_iter *it, uint64_t from_id);
int	q_next_msg(struct q_iter *it, struct q_msg *m);
int	q_iter_rcpts(struct q_rd *rd, struct q_iter *it, uint64_t id);
int	q_next_rcpt(struct q_iter *it, struct q_rcpt *r);
/* due work on link at time now: urgent first, then normal, then
 *	non-urgent; within each, by due time. Nothing if the link is held. */
int	q_iter_due(struct q_rd *rd, struct q_iter *it, const char *link,
		   int64_t now);
int	q_next_due(struct q_iter *it, struct q_due *d);
/* messages with a PENDING recipient whose expiry or latest-delivery
 *	time (the earlier set one) is <= now */
int	q_iter_expired(struct q_rd *rd, struct q_iter *it, int64_t now);
int	q_next_expired(struct q_iter *it, uint64_t *id, int64_t *when);
/* journal in order; id 0: every entry, else that message's */
int	q_iter_journal(struct q_rd *rd, struct q_iter *it, uint64_t id);
/* the whole journal from sequence number seq on (a follower's cursor);
 *	q_journal_next_seq - the number the next entry will get */
int	q_iter_journal_from(struct q_rd *rd, struct q_iter *it, uint64_t seq);
int	q_journal_next_seq(struct q_rd *rd, uint64_t *seq);
int	q_next_journal(struct q_iter *it, struct q_jent *e);
int	q_iter_counts(struct q_rd *rd, struct q_iter *it);
int	q_next_count(struct q_iter *it, struct q_count *c);
int	q_iter_links(struct q_rd *rd, struct q_iter *it);
/* the link's name lives in the iterator: valid until the next call */
int	q_next_link(struct q_iter *it, struct q_link *l);
void	q_iter_end(struct q_iter *it);

/* ---- checking ------------------------------------------------------- */

/* q_check - verify every invariant (docs/store.md); with repair, in one
 *	write txn, fix what can be fixed. Returns the number of problems
 *	found (0: consistent) or an error. */
int	q_check(struct q *q, int repair, q_check_fn *fn, void *arg);

/* ---- names ---------------------------------------------------------- */

const char *q_strerror(int err);
const char *q_state_name(enum q_state s);
int	q_state_parse(const char *s);	/* -1 if unknown */
const char *q_prio_name(enum q_prio p);
int	q_prio_parse(const char *s);
const char *q_kind_name(enum q_kind k);
const char *q_jtype_name(enum q_jtype t);
int	q_state_final(enum q_state s);

#endif
