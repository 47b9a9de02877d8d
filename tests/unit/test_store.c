/*
 * test_store.c - every store operation, through the synchronous path
 *
 * Each test opens a fresh store in a temporary directory, applies
 * operations with q_apply() and reads the result back through the
 * reader API: records, recipients, the due iterator's order (priority,
 * then due time), retries, holds, duplicate recognition, reports,
 * deletion, recovery, expiry, the journal and the counters. Every test
 * ends with q_check() finding nothing wrong, so each operation is also
 * shown to keep the indexes and counters consistent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "q.h"
#include "log.h"
#include "q_int.h"

#define T0	1700000000	/* a fixed "now" */

struct fx {
	char		dir[64];
	struct q	*q;
};

/* rm_store - remove a store directory */
static void rm_store(const char *dir)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/data.mdb", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", dir);
	unlink(p);
	rmdir(dir);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct q_config cfg = { .create = 1, .sync = Q_SYNC_NONE,
				.mapsize = 64u << 20 };

	strcpy(f->dir, "/tmp/test_store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	cfg.dir = f->dir;
	assert_int_equal(q_open(&cfg, &f->q), 0);
	*state = f;
	return 0;
}

/* report_problem - q_check's reporter: every problem fails the test */
static void report_problem(void *arg, const char *problem, const char *fix)
{
	(void)arg;
	(void)fix;
	print_error("check: %s\n", problem);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	assert_int_equal(q_check(f->q, 0, report_problem, NULL), 0);
	q_close(f->q);
	rm_store(f->dir);
	free(f);
	return 0;
}

/* arrive - a message with n recipients on the given links */
static uint64_t arrive(struct q *q, const char *mtsid, enum q_prio prio,
		       int64_t arrival, const char *const *links, size_t n)
{
	struct q_msg m = {
		.kind = Q_KIND_MESSAGE, .prio = prio, .arrival = arrival,
		.mtsid = mtsid, .originator = "C=GB;A= ;P=ACME;S=Alice",
		.content_type = "22", .src_link = "in", .src_peer =
		"127.0.0.2:102", .size = 100
	};
	struct q_rcpt r[8];
	struct q_op op = { .type = Q_OP_ARRIVE, .now = arrival, .msg = &m,
			   .rcpts = r, .nrcpts = n, .apdu = "APDU-BYTES",
			   .apdu_len = 10 };
	uint64_t id = 0;
	char addr[8][32];

	assert_true(n <= 8);
	memset(r, 0, sizeof(r));
	for (size_t i = 0; i < n; i++) {
		snprintf(addr[i], sizeof(addr[i]), "C=GB;S=R%zu", i);
		r[i].address = addr[i];
		r[i].link = links[i];
		r[i].flags = Q_RF_RESPONSIBLE;
	}
	assert_int_equal(q_apply(q, &op, 1, &id), 0);
	assert_true(id > 0);
	return id;
}

/* apply - one op on a message; returns q_apply's result */
static int apply(struct q *q, enum q_op_type type, uint64_t id,
		 const uint32_t *idx, size_t nidx, int64_t now)
{
	struct q_op op = { .type = type, .id = id, .idx = idx, .nidx = nidx,
			   .now = now };

	return q_apply(q, &op, 1, NULL);
}

/* rcpt_state - a recipient's state, or -1 if it cannot be read */
static int rcpt_state(struct q *q, uint64_t id, uint32_t idx)
{
	struct q_rd *rd;
	struct q_rcpt r;
	int st;

	assert_int_equal(q_rd_begin(q, &rd), 0);
	st = q_rcpt_get(rd, id, idx, &r) == 0 ? (int)r.state : -1;
	q_rd_end(rd);
	return st;
}

/* msg_exists - is the message still there? */
static int msg_exists(struct q *q, uint64_t id)
{
	struct q_rd *rd;
	struct q_msg m;
	int rc;

	assert_int_equal(q_rd_begin(q, &rd), 0);
	rc = q_msg_get(rd, id, &m);
	q_rd_end(rd);
	assert_true(rc == 0 || rc == Q_E_NOTFOUND);
	return rc == 0;
}

/* due_list - "id.idx id.idx ..." due on link at now */
static void due_list(struct q *q, const char *link, int64_t now, char *out,
		     size_t n)
{
	struct q_rd *rd;
	struct q_iter it;
	struct q_due d;
	size_t o = 0;
	int rc;

	out[0] = '\0';
	assert_int_equal(q_rd_begin(q, &rd), 0);
	assert_int_equal(q_iter_due(rd, &it, link, now), 0);
	while ((rc = q_next_due(&it, &d)) == 1)
		o += (size_t)snprintf(out + o, n - o, "%s%llu.%u", o ? " " : "",
				      (unsigned long long)d.id, d.idx);
	assert_int_equal(rc, 0);
	q_iter_end(&it);
	q_rd_end(rd);
}

/* journal_types - the journal of a message as "type type ..." */
static void journal_types(struct q *q, uint64_t id, char *out, size_t n)
{
	struct q_rd *rd;
	struct q_iter it;
	struct q_jent e;
	size_t o = 0;
	int rc;

	out[0] = '\0';
	assert_int_equal(q_rd_begin(q, &rd), 0);
	assert_int_equal(q_iter_journal(rd, &it, id), 0);
	while ((rc = q_next_journal(&it, &e)) == 1) {
		assert_int_equal(e.id, id);
		o += (size_t)snprintf(out + o, n - o, "%s%s", o ? " " : "",
				      q_jtype_name(e.type));
	}
	assert_int_equal(rc, 0);
	q_iter_end(&it);
	q_rd_end(rd);
}

/* count_of - the stored counter of (link, state), zeros if absent */
static struct q_count count_of(struct q *q, const char *link,
			       enum q_state st)
{
	struct q_count c, r = { 0 };
	struct q_rd *rd;
	struct q_iter it;

	assert_int_equal(q_rd_begin(q, &rd), 0);
	assert_int_equal(q_iter_counts(rd, &it), 0);
	while (q_next_count(&it, &c) == 1)
		if (strcmp(c.link, link) == 0 && c.state == st)
			r = c;
	q_iter_end(&it);
	q_rd_end(rd);
	r.link = NULL;
	return r;
}

static const char *const one_a[] = { "alpha" };

/* ---- opening -------------------------------------------------------- */

static void test_open(void **state)
{
	struct fx *f = *state;
	struct q_config cfg = { .dir = "/tmp/test_store-nonexistent/x",
				.readonly = 1 };
	struct q_config rw = { .dir = f->dir, .sync = Q_SYNC_NONE };
	struct q *ro;
	struct q_op op = { .type = Q_OP_NOTE, .text = "x" };
	unsigned char v[4];
	struct q_rd t;

	assert_int_equal(q_open(&cfg, &ro), Q_E_NOSTORE);
	cfg.dir = "";
	assert_int_equal(q_open(&cfg, &ro), Q_E_INVAL);
	/* one environment per process at a time (LMDB's rule) */
	q_close(f->q);
	cfg.dir = f->dir;
	assert_int_equal(q_open(&cfg, &ro), 0);
	assert_int_equal(q_apply(ro, &op, 1, NULL), Q_E_RDONLY);
	assert_int_equal(q_submit(ro, &op, 1, NULL, NULL), Q_E_RDONLY);
	assert_int_equal(q_writer_start(ro, NULL), Q_E_RDONLY);
	q_close(ro);
	/* a store written by a newer format is refused */
	assert_int_equal(q_open(&rw, &f->q), 0);
	assert_int_equal(qt_begin(f->q, 1, &t), 0);
	q_be32(v, Q_FORMAT + 1);
	qt_put(&t, QDB_META, "version", 7, v, 4);
	assert_int_equal(t.ret, 0);
	assert_int_equal(mdb_txn_commit(t.txn), 0);
	q_close(f->q);
	assert_int_equal(q_open(&rw, &f->q), Q_E_VERSION);
	cfg.readonly = 1;
	assert_int_equal(q_open(&cfg, &ro), Q_E_VERSION);
	/* the format this code writes is accepted again */
	rw.create = 1;
	assert_int_equal(q_open(&rw, &f->q), Q_E_VERSION);
	{
		MDB_env *env;
		MDB_txn *txn;
		MDB_dbi dbi;
		MDB_val k = { 7, "version" }, val = { 4, v };

		assert_int_equal(mdb_env_create(&env), 0);
		mdb_env_set_maxdbs(env, 16);
		assert_int_equal(mdb_env_open(env, f->dir, 0, 0600), 0);
		assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
		assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
		q_be32(v, Q_FORMAT);
		assert_int_equal(mdb_put(txn, dbi, &k, &val, 0), 0);
		assert_int_equal(mdb_txn_commit(txn), 0);
		mdb_env_close(env);
	}
	assert_int_equal(q_open(&rw, &f->q), 0);
	assert_string_equal(q_strerror(Q_E_DUPLICATE),
			    "duplicate MTS identifier from that link");
	assert_string_equal(q_strerror(MDB_MAP_FULL),
			    mdb_strerror(MDB_MAP_FULL));
	assert_string_equal(q_strerror(-28), "No space left on device");
}

/* ---- arrival and reading -------------------------------------------- */

static void test_arrive_read(void **state)
{
	struct fx *f = *state;
	static const char *const links[] = { "alpha", "beta", "alpha" };
	uint64_t id = arrive(f->q, "[C=GB;A= ;P=ACME;m1]", Q_PRIO_URGENT, T0,
			     links, 3);
	uint64_t id2 = arrive(f->q, "[C=GB;A= ;P=ACME;m2]", Q_PRIO_NORMAL, T0,
			      links, 1);
	struct q_totals tot;
	struct q_rd *rd;
	struct q_msg m;
	struct q_rcpt r;
	struct q_iter it;
	const void *p;
	size_t len;
	char j[256];

	assert_int_equal(id, 1);
	assert_int_equal(id2, 2);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_msg_get(rd, id, &m), 0);
	assert_int_equal(m.id, id);
	assert_int_equal(m.kind, Q_KIND_MESSAGE);
	assert_int_equal(m.prio, Q_PRIO_URGENT);
	assert_int_equal(m.nrcpt, 3);
	assert_int_equal(m.size, 100);
	assert_int_equal(m.apdu_len, 10);
	assert_int_equal(m.arrival, T0);
	assert_string_equal(m.mtsid, "[C=GB;A= ;P=ACME;m1]");
	assert_string_equal(m.originator, "C=GB;A= ;P=ACME;S=Alice");
	assert_string_equal(m.content_type, "22");
	assert_string_equal(m.src_link, "in");
	assert_string_equal(m.src_peer, "127.0.0.2:102");
	assert_int_equal(q_rcpt_get(rd, id, 1, &r), 0);
	assert_int_equal(r.idx, 1);
	assert_int_equal(r.state, Q_ST_PENDING);
	assert_string_equal(r.link, "beta");
	assert_string_equal(r.address, "C=GB;S=R1");
	assert_int_equal(r.attempts, 0);
	assert_int_equal(r.next_attempt, T0);
	assert_int_equal(r.reason, -1);
	assert_int_equal(r.flags, Q_RF_RESPONSIBLE);
	assert_int_equal(q_rcpt_get(rd, id, 3, &r), Q_E_NOTFOUND);
	assert_int_equal(q_msg_get(rd, 99, &m), Q_E_NOTFOUND);
	assert_int_equal(q_apdu_get(rd, id, &p, &len), 0);
	assert_int_equal(len, 10);
	assert_memory_equal(p, "APDU-BYTES", 10);
	/* iteration over messages and recipients */
	assert_int_equal(q_iter_msgs(rd, &it, 2), 0);
	assert_int_equal(q_next_msg(&it, &m), 1);
	assert_int_equal(m.id, 2);
	assert_int_equal(q_next_msg(&it, &m), 0);
	q_iter_end(&it);
	assert_int_equal(q_iter_rcpts(rd, &it, id), 0);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(q_next_rcpt(&it, &r), 1);
		assert_int_equal(r.idx, i);
	}
	assert_int_equal(q_next_rcpt(&it, &r), 0);
	q_iter_end(&it);
	assert_int_equal(q_totals(rd, &tot), 0);
	assert_int_equal(tot.msgs, 2);
	assert_int_equal(tot.rcpts, 4);
	assert_int_equal(tot.bytes, 200);
	assert_int_equal(tot.apdu_bytes, 20);
	assert_int_equal(tot.next_id, 3);
	q_rd_end(rd);
	/* two alpha recipients of message 1 and one of message 2 */
	assert_int_equal(count_of(f->q, "alpha", Q_ST_PENDING).rcpts, 3);
	assert_int_equal(count_of(f->q, "alpha", Q_ST_PENDING).msgs, 2);
	assert_int_equal(count_of(f->q, "alpha", Q_ST_PENDING).bytes, 200);
	assert_int_equal(count_of(f->q, "beta", Q_ST_PENDING).rcpts, 1);
	assert_int_equal(count_of(f->q, "beta", Q_ST_PENDING).bytes, 100);
	journal_types(f->q, id, j, sizeof(j));
	assert_string_equal(j, "arrival");
}

/* ---- the due iterator ----------------------------------------------- */

static void test_due_order(void **state)
{
	struct fx *f = *state;
	char got[256];
	uint64_t n1, n2, u1, u2, nu, late;

	/* arrival times make the due times; ids follow arrival order */
	n1 = arrive(f->q, "n1", Q_PRIO_NORMAL, T0 + 10, one_a, 1);
	nu = arrive(f->q, "nu", Q_PRIO_NONURGENT, T0 + 1, one_a, 1);
	u1 = arrive(f->q, "u1", Q_PRIO_URGENT, T0 + 30, one_a, 1);
	n2 = arrive(f->q, "n2", Q_PRIO_NORMAL, T0 + 5, one_a, 1);
	u2 = arrive(f->q, "u2", Q_PRIO_URGENT, T0 + 20, one_a, 1);
	late = arrive(f->q, "late", Q_PRIO_URGENT, T0 + 1000, one_a, 1);
	(void)late;
	due_list(f->q, "alpha", T0 + 100, got, sizeof(got));
	/* urgent by due time, then normal, then non-urgent; late not due */
	{
		char want[128];

		snprintf(want, sizeof(want),
			 "%llu.0 %llu.0 %llu.0 %llu.0 %llu.0",
			 (unsigned long long)u2, (unsigned long long)u1,
			 (unsigned long long)n2, (unsigned long long)n1,
			 (unsigned long long)nu);
		assert_string_equal(got, want);
	}
	/* at T0+6: only n2 (normal, due T0+5) and nu (due T0+1) */
	due_list(f->q, "alpha", T0 + 6, got, sizeof(got));
	{
		char want[64];

		snprintf(want, sizeof(want), "%llu.0 %llu.0",
			 (unsigned long long)n2, (unsigned long long)nu);
		assert_string_equal(got, want);
	}
	due_list(f->q, "beta", T0 + 10000, got, sizeof(got));
	assert_string_equal(got, "");
	/* the earliest due time on the link, for a timer */
	{
		struct q_rd *rd;
		int64_t when = 0;

		assert_int_equal(q_rd_begin(f->q, &rd), 0);
		assert_int_equal(q_due_first(rd, "alpha", &when), 0);
		assert_int_equal(when, T0 + 1);
		assert_int_equal(q_due_first(rd, "beta", &when), Q_E_NOTFOUND);
		q_rd_end(rd);
	}
}

static void test_deferred_delivery(void **state)
{
	struct fx *f = *state;
	struct q_msg m = { .prio = Q_PRIO_NORMAL, .arrival = T0, .mtsid = "d",
			   .deferred = T0 + 500 };
	struct q_rcpt r = { .address = "x", .link = "alpha" };
	struct q_op op = { .type = Q_OP_ARRIVE, .now = T0, .msg = &m,
			   .rcpts = &r, .nrcpts = 1, .apdu = "A",
			   .apdu_len = 1 };
	uint64_t id;
	char got[64];

	assert_int_equal(q_apply(f->q, &op, 1, &id), 0);
	/* due only once the deferred-delivery time has come */
	due_list(f->q, "alpha", T0 + 499, got, sizeof(got));
	assert_string_equal(got, "");
	due_list(f->q, "alpha", T0 + 500, got, sizeof(got));
	assert_string_equal(got, "1.0");
}

/* ---- transfer, delivery, completion ---------------------------------- */

static void test_transfer_complete(void **state)
{
	struct fx *f = *state;
	static const char *const links[] = { "alpha", Q_LINK_LOCAL };
	uint64_t id = arrive(f->q, "tc", Q_PRIO_NORMAL, T0, links, 2), gid;
	uint32_t i0 = 0, i1 = 1;
	struct q_op done = { .type = Q_OP_DONE, .id = id, .idx = &i0,
			     .nidx = 1, .now = T0 + 2, .link = "alpha",
			     .peer = "127.0.0.3:102" };
	struct q_rd *rd;
	char got[256];
	int gone = 0;

	assert_int_equal(apply(f->q, Q_OP_BEGIN, id, &i0, 1, T0 + 1), 0);
	assert_int_equal(rcpt_state(f->q, id, 0), Q_ST_TRANSFER);
	/* in transfer: out of the queue, counted as such */
	due_list(f->q, "alpha", T0 + 100, got, sizeof(got));
	assert_string_equal(got, "");
	assert_int_equal(count_of(f->q, "alpha", Q_ST_TRANSFER).rcpts, 1);
	assert_int_equal(count_of(f->q, "alpha", Q_ST_PENDING).rcpts, 0);
	/* a second BEGIN of the same recipient is refused */
	assert_int_equal(apply(f->q, Q_OP_BEGIN, id, &i0, 1, T0 + 1),
			 Q_E_STATE);
	assert_int_equal(q_apply(f->q, &done, 1, NULL), 0);
	assert_int_equal(rcpt_state(f->q, id, 0), Q_ST_DELIVERED);
	assert_true(msg_exists(f->q, id));
	assert_int_equal(count_of(f->q, "alpha", Q_ST_DELIVERED).rcpts, 1);
	/* local delivery without BEGIN; the last recipient completes it */
	done.idx = &i1;
	done.link = NULL;
	assert_int_equal(q_apply(f->q, &done, 1, NULL), 0);
	assert_false(msg_exists(f->q, id));
	assert_int_equal(rcpt_state(f->q, id, 1), -1);
	journal_types(f->q, id, got, sizeof(got));
	assert_string_equal(got, "arrival attempt transfer delivery complete");
	/* a done message leaves a tombstone in the duplicate index */
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_dup_find(rd, "in", "tc", &gid, &gone), 0);
	assert_int_equal(gid, id);
	assert_int_equal(gone, 1);
	q_rd_end(rd);
	assert_int_equal(count_of(f->q, "alpha", Q_ST_DELIVERED).rcpts, 0);
	/* operations on a removed message */
	assert_int_equal(apply(f->q, Q_OP_BEGIN, id, NULL, 0, T0),
			 Q_E_NOTFOUND);
}

/* ---- retries -------------------------------------------------------- */

static void test_retry(void **state)
{
	struct fx *f = *state;
	uint64_t a = arrive(f->q, "ra", Q_PRIO_NORMAL, T0, one_a, 1);
	uint64_t b = arrive(f->q, "rb", Q_PRIO_NORMAL, T0 + 1, one_a, 1);
	struct q_op defer = { .type = Q_OP_DEFER, .id = a, .now = T0 + 2,
			      .when = T0 + 600, .text = "peer refused" };
	struct q_rd *rd;
	struct q_rcpt r;
	char got[128], want[64];

	assert_int_equal(apply(f->q, Q_OP_BEGIN, a, NULL, 0, T0 + 2), 0);
	assert_int_equal(q_apply(f->q, &defer, 1, NULL), 0);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_rcpt_get(rd, a, 0, &r), 0);
	assert_int_equal(r.state, Q_ST_PENDING);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.next_attempt, T0 + 600);
	assert_string_equal(r.diag_text, "peer refused");
	q_rd_end(rd);
	/* a now waits behind b, and is not due before its time */
	due_list(f->q, "alpha", T0 + 599, got, sizeof(got));
	snprintf(want, sizeof(want), "%llu.0", (unsigned long long)b);
	assert_string_equal(got, want);
	due_list(f->q, "alpha", T0 + 600, got, sizeof(got));
	snprintf(want, sizeof(want), "%llu.0 %llu.0", (unsigned long long)b,
		 (unsigned long long)a);
	assert_string_equal(got, want);
	/* a second failure counts again; DEFER from PENDING is allowed */
	defer.when = T0 + 1200;
	assert_int_equal(q_apply(f->q, &defer, 1, NULL), 0);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_rcpt_get(rd, a, 0, &r), 0);
	assert_int_equal(r.attempts, 2);
	q_rd_end(rd);
	/* retry now: due at once (T0+50), so due before its next attempt
	 * (T0+1200), still after b (T0+1) */
	assert_int_equal(apply(f->q, Q_OP_RETRY, a, NULL, 0, T0 + 50), 0);
	due_list(f->q, "alpha", T0 + 50, got, sizeof(got));
	snprintf(want, sizeof(want), "%llu.0 %llu.0", (unsigned long long)b,
		 (unsigned long long)a);
	assert_string_equal(got, want);
	/* retry of a message with nothing pending */
	assert_int_equal(apply(f->q, Q_OP_BEGIN, b, NULL, 0, T0 + 51), 0);
	assert_int_equal(apply(f->q, Q_OP_RETRY, b, NULL, 0, T0 + 52),
			 Q_E_STATE);
	journal_types(f->q, a, got, sizeof(got));
	assert_string_equal(got, "arrival attempt defer defer retry");
}

static void test_reroute(void **state)
{
	struct fx *f = *state;
	static const char *const links[] = { "alpha", "alpha" };
	uint64_t id = arrive(f->q, "rr", Q_PRIO_NORMAL, T0, links, 2);
	uint32_t i1 = 1;
	struct q_op op = { .type = Q_OP_REROUTE, .id = id, .idx = &i1,
			   .nidx = 1, .now = T0 + 5, .link = "gamma" };
	struct q_rd *rd;
	struct q_rcpt r;
	struct q_jent e;
	struct q_iter it;
	char got[64];

	assert_int_equal(q_apply(f->q, &op, 1, NULL), 0);
	due_list(f->q, "alpha", T0 + 10, got, sizeof(got));
	assert_string_equal(got, "1.0");
	due_list(f->q, "gamma", T0 + 10, got, sizeof(got));
	assert_string_equal(got, "1.1");
	assert_int_equal(count_of(f->q, "gamma", Q_ST_PENDING).rcpts, 1);
	assert_int_equal(count_of(f->q, "alpha", Q_ST_PENDING).rcpts, 1);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_rcpt_get(rd, id, 1, &r), 0);
	assert_string_equal(r.link, "gamma");
	assert_int_equal(r.next_attempt, T0 + 5);
	assert_int_equal(q_iter_journal(rd, &it, id), 0);
	assert_int_equal(q_next_journal(&it, &e), 1);
	assert_int_equal(q_next_journal(&it, &e), 1);
	assert_int_equal(e.type, Q_J_REROUTE);
	assert_int_equal(e.rcpt, 1);
	assert_string_equal(e.text, "alpha -> gamma");
	q_iter_end(&it);
	q_rd_end(rd);
	/* no such link name, or a reserved one */
	op.link = "@report";
	assert_int_equal(q_apply(f->q, &op, 1, NULL), Q_E_INVAL);
	op.link = "has space";
	assert_int_equal(q_apply(f->q, &op, 1, NULL), Q_E_INVAL);
	/* all pending at once */
	op.idx = NULL;
	op.nidx = 0;
	op.link = "delta";
	assert_int_equal(q_apply(f->q, &op, 1, NULL), 0);
	due_list(f->q, "delta", T0 + 10, got, sizeof(got));
	assert_string_equal(got, "1.0 1.1");
}

/* ---- holds ---------------------------------------------------------- */

static void test_holds(void **state)
{
	struct fx *f = *state;
	static const char *const links[] = { "alpha", "alpha" };
	uint64_t id = arrive(f->q, "h", Q_PRIO_NORMAL, T0, links, 2);
	uint64_t other = arrive(f->q, "h2", Q_PRIO_NORMAL, T0, one_a, 1);
	struct q_op lh = { .type = Q_OP_LINK_HOLD, .link = "alpha",
			   .now = T0 };
	uint32_t i1 = 1;
	struct q_rd *rd;
	struct q_link l;
	struct q_iter it;
	char got[64];
	int64_t when;

	(void)other;
	/* message hold: out of the queue, BEGIN refused */
	assert_int_equal(apply(f->q, Q_OP_HOLD, id, NULL, 0, T0), 0);
	due_list(f->q, "alpha", T0 + 10, got, sizeof(got));
	assert_string_equal(got, "2.0");
	assert_int_equal(apply(f->q, Q_OP_BEGIN, id, NULL, 0, T0), Q_E_STATE);
	/* holding twice changes nothing and is not an error */
	assert_int_equal(apply(f->q, Q_OP_HOLD, id, NULL, 0, T0), 0);
	assert_int_equal(apply(f->q, Q_OP_RELEASE, id, NULL, 0, T0), 0);
	due_list(f->q, "alpha", T0 + 10, got, sizeof(got));
	assert_string_equal(got, "1.0 1.1 2.0");
	/* one recipient held */
	assert_int_equal(apply(f->q, Q_OP_HOLD, id, &i1, 1, T0), 0);
	due_list(f->q, "alpha", T0 + 10, got, sizeof(got));
	assert_string_equal(got, "1.0 2.0");
	assert_int_equal(apply(f->q, Q_OP_BEGIN, id, &i1, 1, T0), Q_E_STATE);
	/* BEGIN of all takes only the eligible one */
	assert_int_equal(apply(f->q, Q_OP_BEGIN, id, NULL, 0, T0), 0);
	assert_int_equal(rcpt_state(f->q, id, 0), Q_ST_TRANSFER);
	assert_int_equal(rcpt_state(f->q, id, 1), Q_ST_PENDING);
	assert_int_equal(apply(f->q, Q_OP_RELEASE, id, &i1, 1, T0), 0);
	due_list(f->q, "alpha", T0 + 10, got, sizeof(got));
	assert_string_equal(got, "1.1 2.0");
	/* link hold: the iterator returns nothing for it */
	assert_int_equal(q_apply(f->q, &lh, 1, NULL), 0);
	due_list(f->q, "alpha", T0 + 10, got, sizeof(got));
	assert_string_equal(got, "");
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_link_get(rd, "alpha", &l), 0);
	assert_true(l.held);
	assert_int_equal(q_due_first(rd, "alpha", &when), Q_E_NOTFOUND);
	assert_int_equal(q_iter_links(rd, &it), 0);
	assert_int_equal(q_next_link(&it, &l), 1);
	assert_string_equal(l.name, "alpha");
	assert_int_equal(l.changed, T0);
	assert_int_equal(q_next_link(&it, &l), 0);
	q_iter_end(&it);
	assert_int_equal(q_link_get(rd, "beta", &l), 0);
	assert_false(l.held);
	q_rd_end(rd);
	lh.type = Q_OP_LINK_RELEASE;
	assert_int_equal(q_apply(f->q, &lh, 1, NULL), 0);
	due_list(f->q, "alpha", T0 + 10, got, sizeof(got));
	assert_string_equal(got, "1.1 2.0");
	journal_types(f->q, id, got, sizeof(got));
	assert_string_equal(got, "arrival hold release hold attempt release");
}

/* ---- duplicates ----------------------------------------------------- */

static void test_duplicates(void **state)
{
	struct fx *f = *state;
	struct q_msg m = { .arrival = T0, .mtsid = "[C=GB;A= ;P=ACME;dup]",
			   .src_link = "in" };
	struct q_rcpt r = { .address = "x", .link = "alpha" };
	struct q_op op = { .type = Q_OP_ARRIVE, .now = T0, .msg = &m,
			   .rcpts = &r, .nrcpts = 1, .apdu = "A",
			   .apdu_len = 1 };
	struct q_op prune = { .type = Q_OP_PRUNE, .now = T0 + 100,
			      .when = T0 + 50 };
	uint64_t first, id, gid;
	struct q_rd *rd;
	int gone;
	char got[128];

	assert_int_equal(q_apply(f->q, &op, 1, &first), 0);
	/* the same identifier from the same link is a duplicate */
	assert_int_equal(q_apply(f->q, &op, 1, &id), Q_E_DUPLICATE);
	assert_int_equal(id, first);
	/* from another link it is another message */
	m.src_link = "other";
	assert_int_equal(q_apply(f->q, &op, 1, &id), 0);
	assert_int_not_equal(id, first);
	m.src_link = "in";
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_dup_find(rd, "in", m.mtsid, &gid, &gone), 0);
	assert_int_equal(gid, first);
	assert_int_equal(gone, 0);
	assert_int_equal(q_dup_find(rd, "nowhere", m.mtsid, &gid, &gone),
			 Q_E_NOTFOUND);
	q_rd_end(rd);
	journal_types(f->q, first, got, sizeof(got));
	assert_string_equal(got, "arrival duplicate");
	/* after delivery and removal it is still a duplicate */
	assert_int_equal(apply(f->q, Q_OP_DONE, first, NULL, 0, T0 + 10), 0);
	assert_false(msg_exists(f->q, first));
	op.now = T0 + 20;
	assert_int_equal(q_apply(f->q, &op, 1, &id), Q_E_DUPLICATE);
	assert_int_equal(id, first);
	/* until pruning drops the tombstone (removed at T0+10 < T0+50) */
	assert_int_equal(q_apply(f->q, &prune, 1, &id), 0);
	assert_true(id >= 1);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_dup_find(rd, "in", m.mtsid, &gid, &gone),
			 Q_E_NOTFOUND);
	q_rd_end(rd);
	assert_int_equal(q_apply(f->q, &op, 1, &id), 0);
	assert_true(id > first);
}

/* ---- failures and reports ------------------------------------------- */

static void test_fail_report(void **state)
{
	struct fx *f = *state;
	static const char *const links[] = { "alpha", "beta" };
	uint64_t id = arrive(f->q, "fr", Q_PRIO_URGENT, T0, links, 2);
	uint32_t i0 = 0, i1 = 1;
	struct q_op fail = { .type = Q_OP_FAIL, .id = id, .idx = &i0,
			     .nidx = 1, .now = T0 + 1, .flags = Q_OPF_REPORT,
			     .reason = 1, .diag = 2, .text = "no route" };
	struct q_rd *rd;
	struct q_rcpt r;
	char got[128];

	assert_int_equal(q_apply(f->q, &fail, 1, NULL), 0);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_rcpt_get(rd, id, 0, &r), 0);
	assert_int_equal(r.state, Q_ST_REPORT);
	assert_int_equal(r.reason, 1);
	assert_int_equal(r.diag, 2);
	assert_string_equal(r.diag_text, "no route");
	q_rd_end(rd);
	/* the report is owed in the report queue, the other still queued */
	due_list(f->q, Q_QUEUE_REPORT, T0 + 1, got, sizeof(got));
	assert_string_equal(got, "1.0");
	due_list(f->q, "alpha", T0 + 1, got, sizeof(got));
	assert_string_equal(got, "");
	assert_int_equal(count_of(f->q, "alpha", Q_ST_REPORT).rcpts, 1);
	/* a delivery report owed for the other (reason -1) */
	fail.type = Q_OP_DONE;
	fail.idx = &i1;
	assert_int_equal(q_apply(f->q, &fail, 1, NULL), 0);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_rcpt_get(rd, id, 1, &r), 0);
	assert_int_equal(r.state, Q_ST_REPORT);
	assert_int_equal(r.reason, -1);
	q_rd_end(rd);
	due_list(f->q, Q_QUEUE_REPORT, T0 + 1, got, sizeof(got));
	assert_string_equal(got, "1.0 1.1");
	/* REPORTED only from REPORT; then done, and the message complete */
	assert_int_equal(apply(f->q, Q_OP_REPORTED, id, &i0, 1, T0 + 2), 0);
	assert_int_equal(rcpt_state(f->q, id, 0), Q_ST_DONE);
	assert_int_equal(apply(f->q, Q_OP_REPORTED, id, &i0, 1, T0 + 2),
			 Q_E_STATE);
	assert_int_equal(apply(f->q, Q_OP_REPORTED, id, NULL, 0, T0 + 3), 0);
	assert_false(msg_exists(f->q, id));
	journal_types(f->q, id, got, sizeof(got));
	assert_string_equal(got, "arrival failure transfer report report "
			    "complete");
	/* FAIL needs a reason */
	id = arrive(f->q, "fr2", Q_PRIO_URGENT, T0, links, 1);
	fail.type = Q_OP_FAIL;
	fail.id = id;
	fail.idx = NULL;
	fail.reason = -1;
	assert_int_equal(q_apply(f->q, &fail, 1, NULL), Q_E_INVAL);
	/* without a report owed it is simply failed, and complete */
	fail.reason = 0;
	fail.flags = 0;
	assert_int_equal(q_apply(f->q, &fail, 1, NULL), 0);
	assert_false(msg_exists(f->q, id));
}

static void test_report_kind(void **state)
{
	struct fx *f = *state;
	struct q_msg m = { .kind = Q_KIND_REPORT, .arrival = T0,
			   .mtsid = "rep" };
	struct q_rcpt r[2] = { { .address = "x", .link = "alpha" },
			       { .address = "y", .link = "alpha" } };
	struct q_op op = { .type = Q_OP_ARRIVE, .now = T0, .msg = &m,
			   .rcpts = r, .nrcpts = 2, .apdu = "A",
			   .apdu_len = 1 };
	struct q_op fail = { .type = Q_OP_FAIL, .now = T0, .reason = 1,
			     .flags = Q_OPF_REPORT };
	uint64_t id;
	uint32_t i0 = 0;

	assert_int_equal(q_apply(f->q, &op, 1, &id), 0);
	/* reports are never reported on: failed, not REPORT */
	fail.id = id;
	fail.idx = &i0;
	fail.nidx = 1;
	assert_int_equal(q_apply(f->q, &fail, 1, NULL), 0);
	assert_int_equal(rcpt_state(f->q, id, 0), Q_ST_FAILED);
	/* and delete --ndr of a report removes it */
	fail.type = Q_OP_DELETE;
	fail.idx = NULL;
	fail.nidx = 0;
	assert_int_equal(q_apply(f->q, &fail, 1, NULL), 0);
	assert_false(msg_exists(f->q, id));
}

/* ---- deletion ------------------------------------------------------- */

static void test_delete(void **state)
{
	struct fx *f = *state;
	static const char *const links[] = { "alpha", "beta", "beta" };
	uint64_t a = arrive(f->q, "da", Q_PRIO_NORMAL, T0, links, 3);
	uint64_t b = arrive(f->q, "db", Q_PRIO_NORMAL, T0, links, 2);
	struct q_op del = { .type = Q_OP_DELETE, .id = a, .now = T0 + 1,
			    .text = "by operator" };
	struct q_totals tot;
	struct q_rd *rd;
	struct q_rcpt r;
	uint32_t i2 = 2;
	char got[128];

	/* recipient 2 already delivered: the NDR is for 0 and 1 only */
	assert_int_equal(apply(f->q, Q_OP_DONE, a, &i2, 1, T0), 0);
	assert_int_equal(apply(f->q, Q_OP_HOLD, a, NULL, 0, T0), 0);
	del.flags = Q_OPF_REPORT;
	del.reason = 1;
	assert_int_equal(q_apply(f->q, &del, 1, NULL), 0);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	for (uint32_t i = 0; i < 2; i++) {
		assert_int_equal(q_rcpt_get(rd, a, i, &r), 0);
		assert_int_equal(r.state, Q_ST_REPORT);
		assert_int_equal(r.reason, 1);
		assert_string_equal(r.diag_text, "by operator");
	}
	assert_int_equal(q_rcpt_get(rd, a, 2, &r), 0);
	assert_int_equal(r.state, Q_ST_DELIVERED);
	q_rd_end(rd);
	/* the hold is lifted so that the reports go out */
	due_list(f->q, Q_QUEUE_REPORT, T0 + 1, got, sizeof(got));
	assert_string_equal(got, "1.0 1.1");
	/* delete with a report needs a reason */
	del.id = b;
	del.reason = -1;
	assert_int_equal(q_apply(f->q, &del, 1, NULL), Q_E_INVAL);
	/* plain delete: everything goes */
	del.flags = 0;
	assert_int_equal(q_apply(f->q, &del, 1, NULL), 0);
	assert_false(msg_exists(f->q, b));
	assert_int_equal(q_apply(f->q, &del, 1, NULL), Q_E_NOTFOUND);
	journal_types(f->q, b, got, sizeof(got));
	assert_string_equal(got, "arrival delete");
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_totals(rd, &tot), 0);
	assert_int_equal(tot.msgs, 1);
	assert_int_equal(tot.rcpts, 3);
	q_rd_end(rd);
	assert_int_equal(count_of(f->q, "beta", Q_ST_PENDING).rcpts, 0);
	assert_int_equal(count_of(f->q, "beta", Q_ST_REPORT).rcpts, 1);
	assert_int_equal(count_of(f->q, "beta", Q_ST_DELIVERED).rcpts, 1);
}

/* ---- the APDU ------------------------------------------------------- */

static void test_set_apdu(void **state)
{
	struct fx *f = *state;
	uint64_t id = arrive(f->q, "ap", Q_PRIO_NORMAL, T0, one_a, 1);
	struct q_op op = { .type = Q_OP_SET_APDU, .id = id, .now = T0,
			   .apdu = "LONGER-APDU-WITH-TRACE", .apdu_len = 22 };
	struct q_totals tot;
	struct q_rd *rd;
	const void *p;
	size_t len;

	assert_int_equal(q_apply(f->q, &op, 1, NULL), 0);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_apdu_get(rd, id, &p, &len), 0);
	assert_int_equal(len, 22);
	assert_memory_equal(p, "LONGER-APDU-WITH-TRACE", 22);
	assert_int_equal(q_totals(rd, &tot), 0);
	assert_int_equal(tot.apdu_bytes, 22);
	assert_int_equal(tot.bytes, 100);
	q_rd_end(rd);
	op.apdu_len = 0;
	assert_int_equal(q_apply(f->q, &op, 1, NULL), Q_E_INVAL);
}

/* ---- argument checks ------------------------------------------------- */

static void test_invalid(void **state)
{
	struct fx *f = *state;
	uint64_t id = arrive(f->q, "inv", Q_PRIO_NORMAL, T0, one_a, 1);
	struct q_msg m = { .arrival = T0, .mtsid = "" };
	struct q_rcpt r = { .address = "x", .link = "alpha" };
	struct q_op op = { .type = Q_OP_ARRIVE, .now = T0, .msg = &m,
			   .rcpts = &r, .nrcpts = 1, .apdu = "A",
			   .apdu_len = 1 };
	uint32_t bad = 5;
	char big[Q_MAX_STR + 2];

	assert_int_equal(q_apply(f->q, &op, 1, NULL), Q_E_INVAL);
	m.mtsid = "ok";
	r.link = "";
	assert_int_equal(q_apply(f->q, &op, 1, NULL), Q_E_INVAL);
	r.link = "alpha";
	r.state = Q_ST_DELIVERED;
	assert_int_equal(q_apply(f->q, &op, 1, NULL), Q_E_INVAL);
	r.state = Q_ST_PENDING;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r.address = big;
	assert_int_equal(q_apply(f->q, &op, 1, NULL), Q_E_INVAL);
	r.address = "x";
	op.nrcpts = 0;
	assert_int_equal(q_apply(f->q, &op, 1, NULL), Q_E_INVAL);
	op.nrcpts = 1;
	m.prio = 7;
	assert_int_equal(q_apply(f->q, &op, 1, NULL), Q_E_INVAL);
	m.prio = Q_PRIO_NORMAL;
	op.apdu_len = 0;
	assert_int_equal(q_apply(f->q, &op, 1, NULL), Q_E_INVAL);
	/* recipient index past the end; empty index list */
	assert_int_equal(apply(f->q, Q_OP_BEGIN, id, &bad, 1, T0),
			 Q_E_NOTFOUND);
	assert_int_equal(apply(f->q, Q_OP_BEGIN, id, &bad, 0, T0), Q_E_INVAL);
	assert_int_equal(apply(f->q, Q_OP_HOLD, 4242, NULL, 0, T0),
			 Q_E_NOTFOUND);
	assert_int_equal(q_apply(f->q, NULL, 0, NULL), Q_E_INVAL);
	/* the store is unchanged by all that: one message */
	assert_true(msg_exists(f->q, id));
	assert_false(msg_exists(f->q, id + 1));
}

/* ---- atomic groups -------------------------------------------------- */

static void test_atomic_group(void **state)
{
	struct fx *f = *state;
	uint64_t id = arrive(f->q, "ag", Q_PRIO_NORMAL, T0, one_a, 1);
	struct q_op ops[2] = {
		{ .type = Q_OP_HOLD, .id = id, .now = T0 },
		{ .type = Q_OP_REPORTED, .id = id, .now = T0 }
	};
	char got[64];
	uint64_t gid = 0;

	/* the second fails (not REPORT): the first is not applied either */
	assert_int_equal(q_apply(f->q, ops, 2, &gid), Q_E_STATE);
	due_list(f->q, "alpha", T0, got, sizeof(got));
	assert_string_equal(got, "1.0");
	journal_types(f->q, id, got, sizeof(got));
	assert_string_equal(got, "arrival");
	/* both valid: both applied, id from the first */
	ops[1].type = Q_OP_RETRY;
	assert_int_equal(q_apply(f->q, ops, 2, &gid), 0);
	assert_int_equal(gid, id);
	due_list(f->q, "alpha", T0, got, sizeof(got));
	assert_string_equal(got, "");
	journal_types(f->q, id, got, sizeof(got));
	assert_string_equal(got, "arrival hold retry");
}

/* ---- recovery after a crash ----------------------------------------- */

static void test_recover(void **state)
{
	struct fx *f = *state;
	static const char *const links[] = { "alpha", "beta", "alpha" };
	uint64_t a = arrive(f->q, "rc1", Q_PRIO_NORMAL, T0, links, 3);
	uint64_t b = arrive(f->q, "rc2", Q_PRIO_NORMAL, T0, links, 1);
	uint32_t i1 = 1;
	char got[128];

	assert_int_equal(apply(f->q, Q_OP_BEGIN, a, &i1, 1, T0), 0);
	assert_int_equal(apply(f->q, Q_OP_BEGIN, b, NULL, 0, T0), 0);
	assert_int_equal(q_recover(f->q, T0 + 1), 2);
	assert_int_equal(rcpt_state(f->q, a, 1), Q_ST_PENDING);
	assert_int_equal(rcpt_state(f->q, b, 0), Q_ST_PENDING);
	assert_int_equal(q_recover(f->q, T0 + 2), 0);
	journal_types(f->q, a, got, sizeof(got));
	assert_string_equal(got, "arrival attempt recover");
	assert_int_equal(count_of(f->q, "beta", Q_ST_TRANSFER).rcpts, 0);
	assert_int_equal(count_of(f->q, "beta", Q_ST_PENDING).rcpts, 1);
}

/* ---- expiry --------------------------------------------------------- */

static void test_expiry(void **state)
{
	struct fx *f = *state;
	struct q_msg m = { .arrival = T0, .mtsid = "e1", .expiry = T0 + 100 };
	struct q_rcpt r = { .address = "x", .link = "alpha" };
	struct q_op op = { .type = Q_OP_ARRIVE, .now = T0, .msg = &m,
			   .rcpts = &r, .nrcpts = 1, .apdu = "A",
			   .apdu_len = 1 };
	uint64_t e1, e2, e3, id;
	struct q_rd *rd;
	struct q_iter it;
	int64_t when;

	assert_int_equal(q_apply(f->q, &op, 1, &e1), 0);
	/* the latest-delivery time counts when it is earlier */
	m.mtsid = "e2";
	m.latest = T0 + 50;
	assert_int_equal(q_apply(f->q, &op, 1, &e2), 0);
	m.mtsid = "e3";
	m.latest = 0;
	m.expiry = 0;
	assert_int_equal(q_apply(f->q, &op, 1, &e3), 0);
	(void)e3;
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_iter_expired(rd, &it, T0 + 100), 0);
	assert_int_equal(q_next_expired(&it, &id, &when), 1);
	assert_int_equal(id, e2);
	assert_int_equal(when, T0 + 50);
	assert_int_equal(q_next_expired(&it, &id, &when), 1);
	assert_int_equal(id, e1);
	assert_int_equal(q_next_expired(&it, &id, &when), 0);
	q_iter_end(&it);
	assert_int_equal(q_iter_expired(rd, &it, T0 + 60), 0);
	assert_int_equal(q_next_expired(&it, &id, &when), 1);
	assert_int_equal(q_next_expired(&it, &id, &when), 0);
	q_iter_end(&it);
	q_rd_end(rd);
	/* in transfer, nothing is pending: not in the expiry index */
	assert_int_equal(apply(f->q, Q_OP_BEGIN, e2, NULL, 0, T0), 0);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_iter_expired(rd, &it, T0 + 100), 0);
	assert_int_equal(q_next_expired(&it, &id, &when), 1);
	assert_int_equal(id, e1);
	assert_int_equal(q_next_expired(&it, &id, &when), 0);
	q_iter_end(&it);
	q_rd_end(rd);
}

/* ---- journal -------------------------------------------------------- */

static void test_journal(void **state)
{
	struct fx *f = *state;
	uint64_t id = arrive(f->q, "j", Q_PRIO_NORMAL, T0, one_a, 1), n;
	struct q_op note = { .type = Q_OP_NOTE, .id = id, .now = T0 + 5,
			     .text = "operator looked", .link = "alpha",
			     .peer = "127.0.0.9:102" };
	struct q_op prune = { .type = Q_OP_PRUNE, .now = T0 + 100,
			      .when = T0 + 1 };
	struct q_rd *rd;
	struct q_iter it;
	struct q_jent e;
	uint64_t seq = 0;

	assert_int_equal(q_apply(f->q, &note, 1, NULL), 0);
	note.id = 0;
	note.now = T0 + 6;
	note.text = "about nothing";
	assert_int_equal(q_apply(f->q, &note, 1, NULL), 0);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	/* the whole journal, in order */
	assert_int_equal(q_iter_journal(rd, &it, 0), 0);
	assert_int_equal(q_next_journal(&it, &e), 1);
	assert_int_equal(e.type, Q_J_ARRIVAL);
	assert_int_equal(e.time, T0);
	assert_string_equal(e.link, "in");
	assert_string_equal(e.peer, "127.0.0.2:102");
	assert_string_equal(e.text, "j");
	seq = e.seq;
	assert_int_equal(q_next_journal(&it, &e), 1);
	assert_int_equal(e.type, Q_J_NOTE);
	assert_int_equal(e.seq, seq + 1);
	assert_int_equal(e.rcpt, -1);
	assert_string_equal(e.text, "operator looked");
	assert_string_equal(e.peer, "127.0.0.9:102");
	assert_int_equal(q_next_journal(&it, &e), 1);
	assert_int_equal(e.id, 0);
	assert_int_equal(q_next_journal(&it, &e), 0);
	q_iter_end(&it);
	q_rd_end(rd);
	/* pruning before T0+1 drops only the arrival */
	assert_int_equal(q_apply(f->q, &prune, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_iter_journal(rd, &it, id), 0);
	assert_int_equal(q_next_journal(&it, &e), 1);
	assert_int_equal(e.type, Q_J_NOTE);
	assert_int_equal(q_next_journal(&it, &e), 0);
	q_iter_end(&it);
	q_rd_end(rd);
	prune.when = 0;
	assert_int_equal(q_apply(f->q, &prune, 1, &n), Q_E_INVAL);
}

/* ---- counters over a busy life ---------------------------------------- */

static void test_counters(void **state)
{
	struct fx *f = *state;
	static const char *const links[] = { "alpha", "alpha", "beta" };
	uint64_t a = arrive(f->q, "c1", Q_PRIO_NORMAL, T0, links, 3);
	uint64_t b = arrive(f->q, "c2", Q_PRIO_NORMAL, T0, links, 2);
	uint32_t i0 = 0;
	struct q_count c;

	c = count_of(f->q, "alpha", Q_ST_PENDING);
	assert_int_equal(c.rcpts, 4);
	assert_int_equal(c.msgs, 2);
	assert_int_equal(c.bytes, 200);
	/* one recipient of a moves on: the message is counted in both */
	assert_int_equal(apply(f->q, Q_OP_BEGIN, a, &i0, 1, T0), 0);
	c = count_of(f->q, "alpha", Q_ST_PENDING);
	assert_int_equal(c.rcpts, 3);
	assert_int_equal(c.msgs, 2);
	c = count_of(f->q, "alpha", Q_ST_TRANSFER);
	assert_int_equal(c.rcpts, 1);
	assert_int_equal(c.msgs, 1);
	assert_int_equal(c.bytes, 100);
	assert_int_equal(apply(f->q, Q_OP_BEGIN, b, NULL, 0, T0), 0);
	c = count_of(f->q, "alpha", Q_ST_PENDING);
	assert_int_equal(c.rcpts, 1);
	assert_int_equal(c.msgs, 1);
	c = count_of(f->q, "alpha", Q_ST_TRANSFER);
	assert_int_equal(c.rcpts, 3);
	assert_int_equal(c.msgs, 2);
	assert_int_equal(c.bytes, 200);
	assert_int_equal(apply(f->q, Q_OP_DONE, b, NULL, 0, T0), 0);
	c = count_of(f->q, "alpha", Q_ST_TRANSFER);
	assert_int_equal(c.rcpts, 1);
	assert_int_equal(c.msgs, 1);
	assert_int_equal(q_check(f->q, 0, report_problem, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arrive_read, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_due_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deferred_delivery, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_transfer_complete, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reroute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fail_report, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_report_kind, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_apdu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_group, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters, setup,
						teardown),
	};

	log_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
