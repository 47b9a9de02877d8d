/*
 * q_commit.c - group commit: one writer thread, callbacks on the loop
 *
 * SYNOPSIS
 *	#include "q.h"
 *
 *	q_writer_start(q, loop);
 *	q_submit(q, ops, n, cb, arg);
 *	q_writer_stop(q);
 *	q_apply(q, ops, n, &id);
 *
 * DESCRIPTION
 *	q_submit() copies the operations into one block and stages it; at
 *	the end of that turn of the loop (uv_check, or uv_prepare for what
 *	timers submitted) everything staged is appended to the writer's
 *	list at once, so that the arrivals one turn read go into one
 *	group instead of the first starting a commit alone while the loop
 *	still decodes the others. q_submit_lazy() stages the same way, but
 *	its submission does not wake the writer for a commit: it rides
 *	with the next urgent one, or is committed Q_LAZY_MS after it was
 *	made if none comes (the scheduler's bookkeeping, which no peer
 *	waits on). The writer thread takes everything on the list
 *	(at most max_batch submissions and max_batch_bytes octets, but
 *	always one), which is everything submitted
 *	while its previous commit was syncing, applies it in one LMDB write
 *	transaction and commits: one fsync for the whole group. It then
 *	moves the group to the done list and wakes the loop (uv_async_t);
 *	on the loop, each submitter's callback runs with its error and id,
 *	in submission order. A callback never runs before its group is
 *	durable, and never from inside q_submit().
 *
 *	Callers whose submissions a group confirmed tend to submit again
 *	at once (a peer sends its next message on the confirmation), but
 *	not within one turn of the loop: the first of them would start a
 *	commit alone and the others wait for it and then for their own.
 *	So when fewer urgent submissions are waiting than the last group
 *	carried, the writer gives the others a moment to join (until as
 *	many wait, at most half the last commit's duration and Q_GATHER_US):
 *	a steady load commits in whole groups, and a load that shrank pays
 *	the wait once, since the next group is the smaller one.
 *
 *	A submission of several operations runs in a nested transaction,
 *	so that it applies wholly or not at all while the rest of its group
 *	commits. A single operation validates before it writes (q_msg.c),
 *	so it needs none. A disk error (map full, I/O) poisons the group's
 *	transaction: the group is aborted and every submission in it gets
 *	the error.
 *
 *	q_apply() is the synchronous path for tools: its own short write
 *	transaction. LMDB serialises it against the writer thread and
 *	against other processes.
 *
 * OWNERSHIP
 *	A submission is freed after its callback returns. The loop's
 *	handles (async, check, prepare) are freed in their close callback,
 *	after q_writer_stop().
 *
 * DIAGNOSTICS
 *	EV_STORE_COMMIT_FAILED once per failed group, EV_STORE_CORRUPT for
 *	an operation that met an undecodable record, on the loop;
 *	EV_STORE_RECOVERED when q_recover() re-queued recipients.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "log.h"
#include "q_int.h"
#include "xalloc.h"

struct q_sub {
	struct q_sub	*next;
	size_t		size;		/* octets of the copy */
	q_done_fn	*cb;
	void		*arg;
	struct q_op	*ops;
	size_t		n;
	int		err;
	int		fatal;		/* the whole group failed */
	uint64_t	id;
	uint64_t	group;		/* which commit carried it */
	int		lazy;		/* q_submit_lazy */
	uint64_t	at_ns;		/* when submitted (lazy only) */
};

struct q_async {
	uv_async_t	h;		/* first: the writer wakes the loop */
	uv_check_t	check;		/* the end of each turn of the loop */
	uv_prepare_t	prep;		/* and its start (timers ran) */
	struct q	*q;
	int		open;		/* handles not yet closed */
};

/* The copy of a submission: one block, laid out in two passes. */
struct cp {
	char		*base;		/* NULL: only measure */
	size_t		off;
};

/* cp_take - room for n octets aligned to a */
static void *cp_take(struct cp *c, size_t n, size_t a)
{
	void *p;

	c->off = (c->off + a - 1) & ~(a - 1);
	p = c->base ? c->base + c->off : NULL;
	c->off += n;
	return p;
}

/* cp_str - a copy of s (NULL stays NULL) */
static const char *cp_str(struct cp *c, const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if ((p = cp_take(c, n, 1)) != NULL)
		memcpy(p, s, n);
	return p;
}

/* cp_ops - copy ops and everything they point to into c */
static struct q_op *cp_ops(struct cp *c, const struct q_op *ops, size_t n)
{
	struct q_op *o = cp_take(c, n * sizeof(*o), alignof(struct q_op));

	for (size_t i = 0; i < n; i++) {
		const struct q_op *s = &ops[i];
		struct q_op d = *s;

		if (s->idx) {
			uint32_t *p = cp_take(c, s->nidx * sizeof(*p),
					      alignof(uint32_t));

			if (p)
				memcpy(p, s->idx, s->nidx * sizeof(*p));
			d.idx = p;
		}
		d.text = cp_str(c, s->text);
		d.link = cp_str(c, s->link);
		d.peer = cp_str(c, s->peer);
		d.user = cp_str(c, s->user);
		if (s->msg) {
			struct q_msg *m = cp_take(c, sizeof(*m),
						  alignof(struct q_msg));
			struct q_msg mm = *s->msg;

			mm.mtsid = cp_str(c, mm.mtsid);
			mm.originator = cp_str(c, mm.originator);
			mm.content_type = cp_str(c, mm.content_type);
			mm.src_link = cp_str(c, mm.src_link);
			mm.src_peer = cp_str(c, mm.src_peer);
			if (m)
				*m = mm;
			d.msg = m;
		}
		if (s->rcpts) {
			struct q_rcpt *r = cp_take(c, s->nrcpts * sizeof(*r),
						   alignof(struct q_rcpt));

			for (size_t j = 0; j < s->nrcpts; j++) {
				struct q_rcpt rr = s->rcpts[j];

				rr.address = cp_str(c, rr.address);
				rr.link = cp_str(c, rr.link);
				rr.diag_text = cp_str(c, rr.diag_text);
				if (r)
					r[j] = rr;
			}
			d.rcpts = r;
		}
		if (s->apdu) {
			void *p = cp_take(c, s->apdu_len, 1);

			if (p)
				memcpy(p, s->apdu, s->apdu_len);
			d.apdu = p;
		}
		if (o)
			o[i] = d;
	}
	return o;
}

/* sub_new - a submission owning a copy of ops */
static struct q_sub *sub_new(const struct q_op *ops, size_t n,
			     q_done_fn *cb, void *arg)
{
	struct cp c = { NULL, sizeof(struct q_sub) };
	struct q_sub *s;

	cp_ops(&c, ops, n);
	s = xcalloc(1, c.off);
	s->size = c.off;
	c.base = (char *)s;
	c.off = sizeof(struct q_sub);
	s->ops = cp_ops(&c, ops, n);
	s->n = n;
	s->cb = cb;
	s->arg = arg;
	return s;
}

/* apply_group - ops[0..n) in t, atomically; id from the first op */
static int apply_group(struct q_rd *t, const struct q_op *ops, size_t n,
		       uint64_t *id)
{
	struct q_rd child;
	int rc = 0;

	if (n == 1)
		return q_apply_op(t, ops, id);
	child = *t;
	if ((rc = mdb_txn_begin(t->q->env, t->txn, 0, &child.txn)) != 0)
		return t->ret = q_err(rc);
	for (size_t i = 0; i < n && rc == 0; i++) {
		uint64_t oid;

		rc = q_apply_op(&child, &ops[i], &oid);
		if (i == 0)
			*id = oid;
		if (rc == 0 && child.ret)
			rc = child.ret;
	}
	if (rc) {
		/* the parent is untouched by a child's failure */
		mdb_txn_abort(child.txn);
		return rc;
	}
	if ((rc = mdb_txn_commit(child.txn)) != 0)
		return t->ret = q_err(rc);
	return 0;
}

/* commit_group - one write transaction for a list of submissions */
static int commit_group(struct q *q, struct q_sub *list)
{
	struct q_rd t;
	int rc;

	if ((rc = qt_begin(q, 1, &t)) == 0) {
		for (struct q_sub *s = list; s; s = s->next) {
			s->err = apply_group(&t, s->ops, s->n, &s->id);
			if (t.ret)
				break;
		}
		if (t.ret) {
			rc = t.ret;
			mdb_txn_abort(t.txn);
		} else {
			rc = q_err(mdb_txn_commit(t.txn));
		}
	}
	if (rc)
		for (struct q_sub *s = list; s; s = s->next) {
			s->err = rc;
			s->fatal = 1;
			s->id = 0;
		}
	return rc;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* wait_work - under mu: until a commit is due (a submission someone is
 *	waiting on, or a lazy one Q_LAZY_MS old) or the writer stops */
static void wait_work(struct q *q)
{
	while (!q->stopping && q->urgent == 0) {
		uint64_t due, t;
		struct timespec ts;

		if (q->todo == NULL) {
			pthread_cond_wait(&q->cv, &q->mu);
			continue;
		}
		/* only lazy submissions: the first is the oldest */
		due = q->todo->at_ns + (uint64_t)Q_LAZY_MS * 1000000u;
		if ((t = mono_ns()) >= due)
			return;
		ts.tv_sec = (time_t)(due / 1000000000u);
		ts.tv_nsec = (long)(due % 1000000000u);
		pthread_cond_timedwait(&q->cv, &q->mu, &ts);
	}
}

/* gather - under mu: fewer urgent submissions wait than the last group
 *	carried; wait a moment for the rest (see DESCRIPTION) */
static void gather(struct q *q)
{
	uint64_t wait = q->last_commit_ns / 2, due;
	struct timespec ts;

	if (wait > (uint64_t)Q_GATHER_US * 1000u)
		wait = (uint64_t)Q_GATHER_US * 1000u;
	due = mono_ns() + wait;
	ts.tv_sec = (time_t)(due / 1000000000u);
	ts.tv_nsec = (long)(due % 1000000000u);
	while (!q->stopping && q->urgent < q->last_urgent &&
	       mono_ns() < due)
		pthread_cond_timedwait(&q->cv, &q->mu, &ts);
}

/* writer_main - the writer thread: take, apply, commit, hand back */
static void *writer_main(void *arg)
{
	struct q *q = arg;
	uint64_t group = 0;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		struct q_sub *list, *last;
		unsigned n = 1, urgent;
		uint64_t t0;
		size_t bytes;
		int rc;

		wait_work(q);
		if (q->todo == NULL)
			break;
		if (q->urgent > 0 && q->urgent < q->last_urgent)
			gather(q);
		urgent = q->urgent;
		/* a group is bounded by count and by octets (APDUs) */
		list = last = q->todo;
		bytes = last->size;
		q->urgent -= !last->lazy;
		while (last->next && n < q->max_batch &&
		       bytes + last->next->size <= q->max_batch_bytes) {
			last = last->next;
			bytes += last->size;
			q->urgent -= !last->lazy;
			n++;
		}
		q->todo = last->next;
		if (q->todo == NULL)
			q->todo_tail = &q->todo;
		last->next = NULL;
		/* what the next group is expected to carry */
		q->last_urgent = urgent - q->urgent;
		pthread_mutex_unlock(&q->mu);

		t0 = mono_ns();
		rc = commit_group(q, list);
		group++;
		for (struct q_sub *s = list; s; s = s->next)
			s->group = group;

		pthread_mutex_lock(&q->mu);
		q->last_commit_ns = mono_ns() - t0;
		if (rc == 0)
			q->commits++;
		q->ops += n;
		*q->done_tail = list;
		q->done_tail = &last->next;
		uv_async_send(&q->async->h);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* deliver - run the callbacks of everything done (on the loop); q must
 *	stay open until it returns (q_writer_stop() from a callback is
 *	fine, q_close() is not) */
static void deliver(struct q *q)
{
	struct q_sub *list, *next;
	uint64_t logged = 0;

	pthread_mutex_lock(&q->mu);
	list = q->done;
	q->done = NULL;
	q->done_tail = &q->done;
	pthread_mutex_unlock(&q->mu);
	for (struct q_sub *s = list; s; s = s->next) {
		if (s->err == Q_E_CORRUPT && !s->fatal) {
			struct log_who who = { .peer = q->dir,
					       .layer = "store" };

			log_ev(LOG_ERR, EV_STORE_CORRUPT, &who, "message %llu: "
			       "a stored record does not decode (x400q check "
			       "--repair)", (unsigned long long)s->ops[0].id);
		}
		if (s->fatal && s->group != logged) {
			struct log_who who = { .peer = q->dir,
					       .layer = "store" };

			logged = s->group;
			log_ev(LOG_ERR, EV_STORE_COMMIT_FAILED, &who,
			       "group commit failed, its operations refused: "
			       "%s", q_strerror(s->err));
		}
	}
	/* what the callbacks submit is staged, and handed over as one
	 * group at the end of this turn of the loop (on_check) */
	for (; list; list = next) {
		next = list->next;
		if (list->cb)
			list->cb(list->arg, list->err, list->id);
		free(list);
	}
}

/* hand_over - give the writer what this turn of the loop submitted */
static void hand_over(struct q *q)
{
	if (q->stage == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	*q->todo_tail = q->stage;
	q->todo_tail = q->stage_tail;
	q->urgent += q->stage_urgent;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	q->stage = NULL;
	q->stage_tail = &q->stage;
	q->stage_urgent = 0;
}

/* on_check - the end of a turn of the loop: every arrival read in it
 *	goes into one group, instead of the first starting a commit alone
 *	while the loop still decodes the others */
static void on_check(uv_check_t *h)
{
	struct q_async *a = h->data;

	hand_over(a->q);
}

/* on_prepare - before the loop waits for I/O: what timers, or code
 *	before uv_run(), submitted */
static void on_prepare(uv_prepare_t *h)
{
	struct q_async *a = h->data;

	hand_over(a->q);
}

/* on_async - the writer handed back a group */
static void on_async(uv_async_t *h)
{
	struct q_async *a = (struct q_async *)h;

	deliver(a->q);
}

/* on_closed - free the handles' memory once both are closed */
static void on_closed(uv_handle_t *h)
{
	struct q_async *a = h->data;

	if (--a->open == 0)
		free(a);
}

/* close_async - close both handles; freed in on_closed */
static void close_async(struct q *q)
{
	uv_close((uv_handle_t *)&q->async->h, on_closed);
	uv_close((uv_handle_t *)&q->async->check, on_closed);
	uv_close((uv_handle_t *)&q->async->prep, on_closed);
	q->async = NULL;
}

/* q_writer_start - start the thread; callbacks will run on loop */
int q_writer_start(struct q *q, struct uv_loop_s *loop)
{
	int rc;

	if (q->readonly)
		return Q_E_RDONLY;
	if (q->running)
		panic("q_writer_start: already running");
	q->async = XNEW(struct q_async);
	q->async->q = q;
	if ((rc = uv_async_init(loop, &q->async->h, on_async)) != 0) {
		free(q->async);
		q->async = NULL;
		return rc;
	}
	q->async->h.data = q->async;
	uv_check_init(loop, &q->async->check);
	q->async->check.data = q->async;
	uv_check_start(&q->async->check, on_check);
	uv_unref((uv_handle_t *)&q->async->check);
	uv_prepare_init(loop, &q->async->prep);
	q->async->prep.data = q->async;
	uv_prepare_start(&q->async->prep, on_prepare);
	uv_unref((uv_handle_t *)&q->async->prep);
	q->async->open = 3;
	q->stage = NULL;
	q->stage_tail = &q->stage;
	q->stage_urgent = 0;
	q->stopping = 0;
	if ((rc = pthread_create(&q->thread, NULL, writer_main, q)) != 0) {
		close_async(q);
		return -rc;
	}
	q->running = 1;
	return 0;
}

/* q_writer_stop - drain, join, deliver what is owed, close the handle */
void q_writer_stop(struct q *q)
{
	if (!q->running)
		return;
	hand_over(q);
	pthread_mutex_lock(&q->mu);
	q->stopping = 1;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	q->running = 0;
	close_async(q);
	deliver(q);
}

/* submit - stage ops for the next group commit (handed over at the end
 *	of this turn of the loop, or by q_writer_stop) */
static int submit(struct q *q, const struct q_op *ops, size_t n,
		  q_done_fn *cb, void *arg, int lazy)
{
	struct q_sub *s;

	if (q->readonly)
		return Q_E_RDONLY;
	if (ops == NULL || n == 0)
		return Q_E_INVAL;
	/* running and stopping change only on this (the loop's) thread */
	if (!q->running || q->stopping)
		return Q_E_CLOSED;
	s = sub_new(ops, n, cb, arg);
	s->lazy = lazy;
	if (lazy)
		s->at_ns = mono_ns();
	*q->stage_tail = s;
	q->stage_tail = &s->next;
	q->stage_urgent += !lazy;
	return 0;
}

/* q_submit - queue ops for the next group commit */
int q_submit(struct q *q, const struct q_op *ops, size_t n, q_done_fn *cb,
	     void *arg)
{
	return submit(q, ops, n, cb, arg, 0);
}

/* q_submit_lazy - queue ops to ride with the next commit */
int q_submit_lazy(struct q *q, const struct q_op *ops, size_t n,
		  q_done_fn *cb, void *arg)
{
	return submit(q, ops, n, cb, arg, 1);
}

/* q_apply - ops[0..n) in a write transaction of our own */
int q_apply(struct q *q, const struct q_op *ops, size_t n, uint64_t *idp)
{
	struct q_rd t;
	uint64_t id = 0;
	int rc, crc;

	if (ops == NULL || n == 0)
		return Q_E_INVAL;
	if ((rc = qt_begin(q, 1, &t)) != 0)
		return rc;
	rc = apply_group(&t, ops, n, &id);
	if (t.ret) {
		mdb_txn_abort(t.txn);
		return t.ret;
	}
	if ((crc = mdb_txn_commit(t.txn)) != 0)
		return q_err(crc);
	if (idp)
		*idp = id;
	return rc;
}

/* q_recover - re-queue what a crashed run left in transfer */
int q_recover(struct q *q, int64_t now)
{
	struct q_op op = { .type = Q_OP_RECOVER, .now = now };
	uint64_t n = 0;
	int rc = q_apply(q, &op, 1, &n);

	if (rc)
		return rc;
	if (n > 0) {
		struct log_who who = { .peer = q->dir, .layer = "store" };

		log_ev(LOG_NOTICE, EV_STORE_RECOVERED, &who,
		       "%llu recipients were in transfer at the last stop; "
		       "queued again", (unsigned long long)n);
	}
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

/* q_commits - how many groups and submissions the writer committed */
void q_commits(struct q *q, uint64_t *commits, uint64_t *ops)
{
	pthread_mutex_lock(&q->mu);
	if (commits)
		*commits = q->commits;
	if (ops)
		*ops = q->ops;
	pthread_mutex_unlock(&q->mu);
}
