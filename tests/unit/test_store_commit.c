/*
 * test_store_commit.c - group commit on a real libuv loop
 *
 * The writer thread must gather everything submitted while it was busy
 * into one transaction: the tests hold LMDB's write lock from the test
 * thread while they submit, so the writer is stuck in mdb_txn_begin()
 * and the submissions pile up; after the lock is released, the commit
 * counter must show at most two groups for fifty submissions, and
 * a group must stop at its size in octets. Each
 * callback must come on the loop's thread, never from inside
 * q_submit(), in submission order, with its own result: a duplicate, a
 * missing message and a failing atomic group in the middle of a batch
 * do not disturb the others. A disk error (map full) fails its whole
 * group and is logged once; the store stays usable. Stopping the writer
 * delivers every callback still owed. What one turn of the loop
 * submits is one group; a lazy submission (q_submit_lazy) is committed
 * even alone, and rides in the group of an urgent one beside it.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <uv.h>

#include "log.h"
#include "q.h"
#include "q_int.h"

#define T0	1700000000
#define NSUB	50

struct slot {
	struct ctx	*c;
	int		done, err;
	uint64_t	id;
	int		order;
};

struct ctx {
	char		dir[64];
	struct q	*q;
	uv_loop_t	loop;
	pthread_t	loop_thread;
	int		in_submit;
	int		ndone;
	int		bad_thread, reentrant;
	struct slot	s[NSUB];
	int		commit_failed_events;
};

/* on_done - a submission's callback */
static void on_done(void *arg, int err, uint64_t id)
{
	struct slot *s = arg;

	if (!pthread_equal(pthread_self(), s->c->loop_thread))
		s->c->bad_thread++;
	if (s->c->in_submit)
		s->c->reentrant++;
	s->done++;
	s->err = err;
	s->id = id;
	s->order = s->c->ndone++;
}

/* sink - count EV_STORE_COMMIT_FAILED */
static void sink(const struct log_rec *rec, void *arg)
{
	struct ctx *c = arg;

	if (rec->event == EV_STORE_COMMIT_FAILED)
		c->commit_failed_events++;
}

static void rm_store(const char *dir)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/data.mdb", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", dir);
	unlink(p);
	rmdir(dir);
}

/* open_ctx2 - a fresh store and a loop with the writer on it */
static struct ctx *open_ctx2(enum q_sync sync, uint64_t mapsize,
			     size_t batch_bytes)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct q_config cfg = { .create = 1, .sync = sync,
				.mapsize = mapsize,
				.max_batch_bytes = batch_bytes };

	strcpy(c->dir, "/tmp/test_store_commit-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	cfg.dir = c->dir;
	assert_int_equal(q_open(&cfg, &c->q), 0);
	assert_int_equal(uv_loop_init(&c->loop), 0);
	c->loop_thread = pthread_self();
	assert_int_equal(q_writer_start(c->q, &c->loop), 0);
	for (int i = 0; i < NSUB; i++)
		c->s[i].c = c;
	log_set_sink(sink, c);
	return c;
}

static struct ctx *open_ctx(enum q_sync sync, uint64_t mapsize)
{
	return open_ctx2(sync, mapsize, 0);
}

/* close_ctx - stop, close every handle and the loop, remove the store */
static void close_ctx(struct ctx *c)
{
	q_writer_stop(c->q);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&c->loop), 0);
	q_close(c->q);
	rm_store(c->dir);
	log_set_sink(NULL, NULL);
	assert_int_equal(c->bad_thread, 0);
	assert_int_equal(c->reentrant, 0);
	free(c);
}

/* wait_done - run the loop until n callbacks came */
static void wait_done(struct ctx *c, int n)
{
	while (c->ndone < n)
		uv_run(&c->loop, UV_RUN_ONCE);
}

/* submit - one submission into slot i */
static void submit(struct ctx *c, int i, const struct q_op *ops, size_t n)
{
	c->in_submit = 1;
	assert_int_equal(q_submit(c->q, ops, n, on_done, &c->s[i]), 0);
	c->in_submit = 0;
}

/* arrive_op - an ARRIVE op for message name (static storage, one op at
 *	a time: q_submit copies it) */
static void submit_arrive(struct ctx *c, int slot, const char *name,
			  size_t apdu_len)
{
	static struct q_msg m;
	static struct q_rcpt r;
	struct q_op op = { .type = Q_OP_ARRIVE, .now = T0, .msg = &m,
			   .rcpts = &r, .nrcpts = 1 };
	char *apdu = malloc(apdu_len);
	char mtsid[64], addr[64];

	memset(apdu, 'x', apdu_len);
	snprintf(mtsid, sizeof(mtsid), "[C=GB;A= ;P=ACME;%s]", name);
	snprintf(addr, sizeof(addr), "C=GB;S=%s", name);
	memset(&m, 0, sizeof(m));
	m.mtsid = mtsid;
	m.src_link = "in";
	m.arrival = T0;
	memset(&r, 0, sizeof(r));
	r.address = addr;
	r.link = "alpha";
	op.apdu = apdu;
	op.apdu_len = apdu_len;
	submit(c, slot, &op, 1);
	/* everything was copied: clobber and free at once */
	memset(apdu, 0, apdu_len);
	memset(mtsid, 0, sizeof(mtsid));
	free(apdu);
}

/* lock_writer - take LMDB's write lock, so the writer thread waits */
static void lock_writer(struct ctx *c, struct q_rd *t)
{
	assert_int_equal(qt_begin(c->q, 1, t), 0);
}

static void unlock_writer(struct q_rd *t)
{
	mdb_txn_abort(t->txn);
}

static void test_batching(void **state)
{
	struct ctx *c = open_ctx(Q_SYNC_NONE, 64u << 20);
	uint64_t commits, ops;
	struct q_rd t;
	char name[16];

	(void)state;
	lock_writer(c, &t);
	for (int i = 0; i < NSUB; i++) {
		snprintf(name, sizeof(name), "b%d", i);
		submit_arrive(c, i, name, 100);
	}
	/* nothing is durable yet, so nothing may be confirmed */
	uv_run(&c->loop, UV_RUN_NOWAIT);
	usleep(20000);
	uv_run(&c->loop, UV_RUN_NOWAIT);
	assert_int_equal(c->ndone, 0);
	unlock_writer(&t);
	wait_done(c, NSUB);
	for (int i = 0; i < NSUB; i++) {
		assert_int_equal(c->s[i].done, 1);
		assert_int_equal(c->s[i].err, 0);
		/* in order, ids monotonic */
		assert_int_equal(c->s[i].order, i);
		assert_int_equal(c->s[i].id, (uint64_t)i + 1);
	}
	q_commits(c->q, &commits, &ops);
	/* the writer may have taken the first one before it blocked */
	assert_true(commits >= 1 && commits <= 2);
	assert_int_equal(ops, NSUB);
	close_ctx(c);
}

static void test_batch_bytes(void **state)
{
	struct ctx *c = open_ctx2(Q_SYNC_NONE, 64u << 20, 10000);
	uint64_t commits, ops;
	struct q_rd t;
	char name[16];

	(void)state;
	lock_writer(c, &t);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "bb%d", i);
		submit_arrive(c, i, name, 3000);
	}
	unlock_writer(&t);
	wait_done(c, 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(c->s[i].err, 0);
	/* over 3000 octets each, at most 3 fit in 10000: 4 groups or more */
	q_commits(c->q, &commits, &ops);
	assert_int_equal(ops, 10);
	assert_true(commits >= 4 && commits <= 10);
	close_ctx(c);
}

static void test_mixed_results(void **state)
{
	struct ctx *c = open_ctx(Q_SYNC_NONE, 64u << 20);
	struct q_op hold99 = { .type = Q_OP_HOLD, .id = 99, .now = T0 };
	struct q_op group[2] = {
		{ .type = Q_OP_HOLD, .id = 1, .now = T0 },
		{ .type = Q_OP_REPORTED, .id = 1, .now = T0 }
	};
	struct q_op retry = { .type = Q_OP_RETRY, .id = 1, .now = T0 + 1 };
	struct q_rd t, *rd;
	struct q_msg m;
	struct q_iter it;
	struct q_jent e;
	uint64_t commits;
	char types[128] = "";

	(void)state;
	lock_writer(c, &t);
	submit_arrive(c, 0, "mx", 10);
	submit_arrive(c, 1, "mx", 10);		/* duplicate in the same batch */
	submit(c, 2, &hold99, 1);		/* no such message */
	submit(c, 3, group, 2);			/* atomic group that fails */
	submit(c, 4, &retry, 1);
	unlock_writer(&t);
	wait_done(c, 5);
	assert_int_equal(c->s[0].err, 0);
	assert_int_equal(c->s[0].id, 1);
	assert_int_equal(c->s[1].err, Q_E_DUPLICATE);
	assert_int_equal(c->s[1].id, 1);
	assert_int_equal(c->s[2].err, Q_E_NOTFOUND);
	assert_int_equal(c->s[3].err, Q_E_STATE);
	assert_int_equal(c->s[4].err, 0);
	q_commits(c->q, &commits, NULL);
	assert_true(commits <= 2);
	/* the failed group left no hold behind */
	assert_int_equal(q_rd_begin(c->q, &rd), 0);
	assert_int_equal(q_msg_get(rd, 1, &m), 0);
	assert_int_equal(m.flags & Q_MF_HOLD, 0);
	assert_int_equal(q_iter_journal(rd, &it, 1), 0);
	while (q_next_journal(&it, &e) == 1) {
		strcat(types, q_jtype_name(e.type));
		strcat(types, " ");
	}
	q_iter_end(&it);
	q_rd_end(rd);
	assert_string_equal(types, "arrival duplicate retry ");
	assert_int_equal(q_check(c->q, 0, NULL, NULL), 0);
	close_ctx(c);
}

static void test_stop_delivers(void **state)
{
	struct ctx *c = open_ctx(Q_SYNC_NONE, 64u << 20);
	struct q_op note = { .type = Q_OP_NOTE, .text = "x", .now = T0 };
	struct q_rd t;
	char name[16];

	(void)state;
	lock_writer(c, &t);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		submit_arrive(c, i, name, 10);
	}
	unlock_writer(&t);
	/* no loop run: the stop itself commits and calls back */
	q_writer_stop(c->q);
	assert_int_equal(c->ndone, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(c->s[i].err, 0);
	assert_int_equal(q_submit(c->q, &note, 1, on_done, &c->s[9]),
			 Q_E_CLOSED);
	assert_int_equal(q_submit(c->q, &note, 0, on_done, &c->s[9]),
			 Q_E_INVAL);
	assert_int_equal(c->s[9].done, 0);
	close_ctx(c);
}

static void test_map_full(void **state)
{
	struct ctx *c = open_ctx(Q_SYNC_NONE, 1u << 20);
	struct q_rd t;
	char name[16];

	(void)state;
	lock_writer(c, &t);
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "big%d", i);
		submit_arrive(c, i, name, 200000);
	}
	unlock_writer(&t);
	wait_done(c, 8);
	/* the group that overflowed failed as a whole, logged once */
	for (int i = 0; i < 8; i++)
		if (c->s[i].err) {
			assert_int_equal(c->s[i].err, MDB_MAP_FULL);
			assert_int_equal(c->s[i].id, 0);
		}
	assert_int_not_equal(c->s[7].err, 0);
	assert_int_equal(c->commit_failed_events, 1);
	/* the store is still consistent and usable */
	submit_arrive(c, 10, "small", 10);
	wait_done(c, 9);
	assert_int_equal(c->s[10].err, 0);
	assert_int_equal(q_check(c->q, 0, NULL, NULL), 0);
	close_ctx(c);
}

static void test_full_sync_durable(void **state)
{
	struct ctx *c = open_ctx(Q_SYNC_FULL, 0);
	struct q_config cfg = { .readonly = 1 };
	struct q *ro;
	struct q_rd *rd;
	struct q_totals tot;
	char name[16];

	(void)state;
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		submit_arrive(c, i, name, 50);
	}
	wait_done(c, 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(c->s[i].err, 0);
	q_writer_stop(c->q);
	q_close(c->q);
	/* reopened read-only: all ten are there */
	cfg.dir = c->dir;
	assert_int_equal(q_open(&cfg, &ro), 0);
	assert_int_equal(q_rd_begin(ro, &rd), 0);
	assert_int_equal(q_totals(rd, &tot), 0);
	assert_int_equal(tot.msgs, 10);
	q_rd_end(rd);
	c->q = ro;
	close_ctx(c);
}

/* test_one_turn - what one turn of the loop submits is one group: the
 *	writer is handed all of it at once (no lock held here) */
static void test_one_turn(void **state)
{
	struct ctx *c = open_ctx(Q_SYNC_NONE, 64u << 20);
	uint64_t commits, ops;
	char name[16];

	(void)state;
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		submit_arrive(c, i, name, 100);
	}
	wait_done(c, 20);
	for (int i = 0; i < 20; i++)
		assert_int_equal(c->s[i].err, 0);
	q_commits(c->q, &commits, &ops);
	assert_int_equal(commits, 1);
	assert_int_equal(ops, 20);
	close_ctx(c);
}

/* test_lazy - a lazy submission alone is still committed; one beside an
 *	urgent one rides in its group, its callback first (order kept) */
static void test_lazy(void **state)
{
	struct ctx *c = open_ctx(Q_SYNC_NONE, 64u << 20);
	struct q_op note = { .type = Q_OP_NOTE, .now = T0, .text = "lazy" };
	uint64_t commits, ops;

	(void)state;
	c->in_submit = 1;
	assert_int_equal(q_submit_lazy(c->q, &note, 1, on_done, &c->s[0]), 0);
	c->in_submit = 0;
	wait_done(c, 1);
	assert_int_equal(c->s[0].err, 0);
	q_commits(c->q, &commits, &ops);
	assert_int_equal(commits, 1);
	assert_int_equal(ops, 1);

	c->in_submit = 1;
	assert_int_equal(q_submit_lazy(c->q, &note, 1, on_done, &c->s[1]), 0);
	c->in_submit = 0;
	submit_arrive(c, 2, "after-lazy", 100);
	wait_done(c, 3);
	assert_int_equal(c->s[1].err, 0);
	assert_int_equal(c->s[2].err, 0);
	assert_true(c->s[1].order < c->s[2].order);
	q_commits(c->q, &commits, &ops);
	assert_int_equal(commits, 2);
	assert_int_equal(ops, 3);
	close_ctx(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batching),
		cmocka_unit_test(test_batch_bytes),
		cmocka_unit_test(test_mixed_results),
		cmocka_unit_test(test_stop_delivers),
		cmocka_unit_test(test_map_full),
		cmocka_unit_test(test_full_sync_durable),
		cmocka_unit_test(test_one_turn),
		cmocka_unit_test(test_lazy),
	};

	log_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
