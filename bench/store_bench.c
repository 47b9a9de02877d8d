/*
 * store_bench - durable operations per second of the queue (store/),
 *		 with group commit, beside the disk's own sync rate
 *
 * SYNOPSIS
 *	store_bench -d DIR [-s SECONDS] [-z BYTES]
 *
 * DESCRIPTION
 *	Issue 4's store benchmark, run by make bench. Every figure is
 *	durable (Q_SYNC_FULL: each commit fsync'ed) and every operation is
 *	a message arrival (Q_OP_ARRIVE: the record, one recipient on a link
 *	queue, the duplicate index, the journal, the counters, and a
 *	BYTES-octet APDU, 4096 by default).
 *
 *	raw fdatasync	append BYTES to a file and fdatasync(), in a loop:
 *			the most single commits the disk gives
 *	q_apply		one arrival per write transaction, each its own
 *			commit (the synchronous path x400q uses)
 *	group, C callers  C callers on a libuv loop, each submitting its
 *			next arrival as soon as its last one is durable
 *			(q_submit); the writer thread commits whatever
 *			arrived during its previous commit as one group.
 *			C = 1, 10, 100. Printed with commits per second
 *			and operations per commit (q_commits()).
 *
 *	LMDB alone, one BYTES-octet put per commit, three ways (issue
 *	19: would one sync per commit raise one association's rate?):
 *	  2 syncs	LMDB's default, what the store does: fdatasync of
 *			the data pages, then the meta page written O_DSYNC
 *	  1 sync, not durable	MDB_NOMETASYNC: the meta page written
 *			without a sync, so a power cut may undo the last
 *			commit; the bound of any one-sync design
 *	  NOMETASYNC + sync	the same, made durable before the caller
 *			is told (mdb_env_sync): what a confirmation needs
 *	  log + nosync	a write-ahead log: the put committed with
 *			MDB_NOSYNC, and the op's octets written over a
 *			preallocated log file and fdatasync'ed (one
 *			sync, durable; LMDB synced at checkpoints)
 *
 *	Each row runs for SECONDS (default 2) on a fresh store in DIR.
 *
 * DIAGNOSTICS
 *	Exit status 0, 1 when the store fails (the error printed), 2 on a
 *	usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "log.h"
#include "q.h"
#include "xalloc.h"

static const char *dir;
static double seconds = 2.0;
static size_t apdu_len = 4096;
static unsigned char *apdu;

static double now_s(void)
{
	return (double)uv_hrtime() / 1e9;
}

/* fresh - an empty store directory */
static void fresh(const char *d)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	if (system(cmd) != 0)
		exit(1);
	mkdir(d, 0750);
}

static struct q *open_store(void)
{
	struct q_config c = { .dir = dir, .create = 1, .sync = Q_SYNC_FULL };
	struct q *q;
	int rc;

	fresh(dir);
	if ((rc = q_open(&c, &q)) != 0) {
		fprintf(stderr, "store_bench: %s: %s\n", dir, q_strerror(rc));
		exit(1);
	}
	return q;
}

/* arrival - an ARRIVE op for message number k; strings in bufs */
static void arrival(uint64_t k, struct q_op *op, struct q_msg *m,
		    struct q_rcpt *r, char mtsid[64])
{
	snprintf(mtsid, 64, "[C=XX;A=ADMD;P=LOAD;bench-%llu]",
		 (unsigned long long)k);
	memset(m, 0, sizeof(*m));
	m->kind = Q_KIND_MESSAGE;
	m->prio = Q_PRIO_NORMAL;
	m->size = apdu_len;
	m->mtsid = mtsid;
	m->originator = "C=XX;A=ADMD;P=LOAD;O=gen;S=sender";
	m->content_type = "22";
	m->src_link = "load";
	m->src_peer = "127.0.0.1:1";
	memset(r, 0, sizeof(*r));
	r->state = Q_ST_PENDING;
	r->flags = Q_RF_RESPONSIBLE;
	r->reason = r->diag = -1;
	r->address = "C=XX;A=ADMD;P=SINK;O=dst;S=user";
	r->link = "sink";
	r->diag_text = "";
	memset(op, 0, sizeof(*op));
	op->type = Q_OP_ARRIVE;
	op->msg = m;
	op->rcpts = r;
	op->nrcpts = 1;
	op->apdu = apdu;
	op->apdu_len = apdu_len;
	op->link = "load";
	op->peer = "127.0.0.1:1";
}

/* raw_sync - appends with fdatasync */
static double raw_sync(void)
{
	char path[1200];
	double t0, t;
	long n = 0;
	int fd;

	fresh(dir);
	snprintf(path, sizeof(path), "%s/raw", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0640)) < 0) {
		perror(path);
		exit(1);
	}
	t0 = now_s();
	do {
		if (write(fd, apdu, apdu_len) != (ssize_t)apdu_len ||
		    fdatasync(fd) != 0) {
			perror(path);
			exit(1);
		}
		n++;
	} while ((t = now_s()) - t0 < seconds);
	close(fd);
	return (double)n / (t - t0);
}

/* single - one arrival per commit */
static double single(void)
{
	struct q *q = open_store();
	struct q_op op;
	struct q_msg m;
	struct q_rcpt r;
	char mtsid[64];
	double t0, t;
	uint64_t n = 0;
	int rc;

	t0 = now_s();
	do {
		arrival(n, &op, &m, &r, mtsid);
		if ((rc = q_apply(q, &op, 1, NULL)) != 0) {
			fprintf(stderr, "store_bench: %s\n", q_strerror(rc));
			exit(1);
		}
		n++;
	} while ((t = now_s()) - t0 < seconds);
	q_close(q);
	return (double)n / (t - t0);
}

/* ---- LMDB alone ----------------------------------------------------- */

enum lm_way { LM_TWO, LM_META_LAZY, LM_META_SYNC, LM_LOG };

static void lm_check(int rc, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "store_bench: %s: %s\n", what,
			mdb_strerror(rc));
		exit(1);
	}
}

/* lmdb_way - puts per second, one per commit, the way asked */
static double lmdb_way(enum lm_way way)
{
	static const unsigned flags[] = { 0, MDB_NOMETASYNC, MDB_NOMETASYNC,
					  MDB_NOSYNC | MDB_NOMETASYNC };
	char path[1200];
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;
	uint64_t n = 0;
	double t0, t;
	int fd = -1;

	fresh(dir);
	lm_check(mdb_env_create(&env), "mdb_env_create");
	lm_check(mdb_env_set_mapsize(env, (size_t)1 << 32), "mapsize");
	lm_check(mdb_env_open(env, dir, flags[way], 0640), "mdb_env_open");
	if (way == LM_LOG) {	/* a log file written over, not grown */
		snprintf(path, sizeof(path), "%s/log", dir);
		fd = open(path, O_WRONLY | O_CREAT, 0640);
		if (fd < 0 || posix_fallocate(fd, 0, 64 << 20) != 0 ||
		    fsync(fd) != 0) {
			perror(path);
			exit(1);
		}
	}
	lm_check(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
	lm_check(mdb_dbi_open(txn, NULL, 0, &dbi), "mdb_dbi_open");
	lm_check(mdb_txn_commit(txn), "mdb_txn_commit");
	t0 = now_s();
	do {
		k.mv_size = sizeof(n);
		k.mv_data = &n;
		v.mv_size = apdu_len;
		v.mv_data = apdu;
		lm_check(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
		lm_check(mdb_put(txn, dbi, &k, &v, 0), "mdb_put");
		lm_check(mdb_txn_commit(txn), "mdb_txn_commit");
		if (way == LM_META_SYNC)
			lm_check(mdb_env_sync(env, 1), "mdb_env_sync");
		if (way == LM_LOG &&
		    (pwrite(fd, apdu, apdu_len, (off_t)((n * apdu_len) %
		     (64u << 20))) != (ssize_t)apdu_len || fdatasync(fd))) {
			perror(path);
			exit(1);
		}
		n++;
	} while ((t = now_s()) - t0 < seconds);
	if (fd >= 0)
		close(fd);
	mdb_env_close(env);
	return (double)n / (t - t0);
}

static void lmdb_rows(void)
{
	static const char *const name[] = {
		"LMDB, 2 syncs (the store's)", "LMDB, 1 sync, not durable",
		"LMDB, NOMETASYNC + sync", "LMDB nosync + log fdatasync" };
	double r;
	int w;

	for (w = LM_TWO; w <= LM_LOG; w++) {
		r = lmdb_way((enum lm_way)w);
		printf("  %-28s %10.0f %10.0f %10.1f\n", name[w], r, r, 1.0);
	}
}

/* ---- group commit ---------------------------------------------------- */

struct group {
	struct q	*q;
	uint64_t	next, done;
	double		t0, end;
	int		live;
	int		stopped;
};

static void submit(struct group *g);

static void on_done(void *arg, int err, uint64_t id)
{
	struct group *g = arg;

	(void)id;
	if (err) {
		fprintf(stderr, "store_bench: %s\n", q_strerror(err));
		exit(1);
	}
	g->done++;
	if (now_s() < g->end) {
		submit(g);
		return;
	}
	if (--g->live == 0 && !g->stopped) {
		g->stopped = 1;
		q_writer_stop(g->q);
	}
}

static void submit(struct group *g)
{
	struct q_op op;
	struct q_msg m;
	struct q_rcpt r;
	char mtsid[64];
	int rc;

	arrival(g->next++, &op, &m, &r, mtsid);
	if ((rc = q_submit(g->q, &op, 1, on_done, g)) != 0) {
		fprintf(stderr, "store_bench: %s\n", q_strerror(rc));
		exit(1);
	}
}

/* group - C callers; prints its row */
static void group(int callers)
{
	struct group g;
	uv_loop_t loop;
	uint64_t commits, ops;
	double t;
	int i;

	memset(&g, 0, sizeof(g));
	g.q = open_store();
	uv_loop_init(&loop);
	if (q_writer_start(g.q, &loop) != 0)
		exit(1);
	g.t0 = now_s();
	g.end = g.t0 + seconds;
	g.live = callers;
	for (i = 0; i < callers; i++)
		submit(&g);
	uv_run(&loop, UV_RUN_DEFAULT);
	t = now_s() - g.t0;
	q_commits(g.q, &commits, &ops);
	uv_loop_close(&loop);
	q_close(g.q);
	printf("  %-28s %10.0f %10.0f %10.1f\n",
	       callers == 1 ? "group commit, 1 caller" :
	       callers == 10 ? "group commit, 10 callers" :
	       "group commit, 100 callers", (double)g.done / t,
	       (double)commits / t, commits ? (double)ops / commits : 0.0);
}

static void usage(void)
{
	fprintf(stderr, "usage: store_bench -d DIR [-s SECONDS] [-z BYTES]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	double r;
	int c;

	while ((c = getopt(argc, argv, "d:s:z:")) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 's': seconds = atof(optarg); break;
		case 'z': apdu_len = (size_t)atol(optarg); break;
		default: usage();
		}
	}
	if (dir == NULL || seconds <= 0 || apdu_len == 0)
		usage();
	log_open(NULL, LOG_ERR);
	apdu = xmalloc(apdu_len);
	for (size_t i = 0; i < apdu_len; i++)
		apdu[i] = (unsigned char)(i * 131 + 7);
	printf("Store (LMDB, sync=full), %zu-octet arrivals, %.0f s each\n",
	       apdu_len, seconds);
	printf("  %-28s %10s %10s %10s\n", "", "ops/s", "commits/s",
	       "ops/commit");
	r = raw_sync();
	printf("  %-28s %10.0f %10.0f %10.1f\n", "raw append+fdatasync", r, r,
	       1.0);
	r = single();
	printf("  %-28s %10.0f %10.0f %10.1f\n", "q_apply, 1 op per commit", r,
	       r, 1.0);
	group(1);
	group(10);
	group(100);
	lmdb_rows();
	fresh(dir);
	rmdir(dir);
	free(apdu);
	return 0;
}
