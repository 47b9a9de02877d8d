/*
 * test_store_check.c - record codecs, and the consistency check's repairs
 *
 * Records come back from disk, so their decoders must refuse every kind
 * of damage (short header, unknown version, values out of range, TLVs
 * past the end, strings without their NUL, a tag twice) and survive
 * every single-bit flip. Then a store is damaged on purpose, through
 * the raw databases, in each way q_check() knows: it must report each
 * problem, repair it, and find the store consistent afterwards, with
 * the repair's effect visible (an entry back in its queue, a message
 * without content removed, counters right again).
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

#include "log.h"
#include "q.h"
#include "q_int.h"

#define T0	1700000000

/* ---- codecs --------------------------------------------------------- */

static const struct q_msg full_msg = {
	.id = 77, .kind = Q_KIND_PROBE, .prio = Q_PRIO_URGENT,
	.flags = Q_MF_HOLD, .nrcpt = 3, .size = 1234, .arrival = T0,
	.deferred = T0 + 1, .latest = T0 + 2, .expiry = T0 + 3,
	.mtsid = "[C=GB;A= ;P=ACME;x]", .originator = "C=GB;S=A",
	.content_type = "22", .src_link = "in", .src_peer = "127.0.0.2:102"
};

static const struct q_rcpt full_rcpt = {
	.idx = 2, .state = Q_ST_REPORT, .flags = Q_RF_HOLD | Q_RF_RESPONSIBLE,
	.attempts = 4, .next_attempt = T0 + 9, .changed = T0 + 8,
	.reason = 1, .diag = 5, .address = "C=GB;S=B", .link = "alpha",
	.diag_text = "no route"
};

static void test_codec_roundtrip(void **state)
{
	struct buf b = BUF_INIT;
	struct q_msg m;
	struct q_rcpt r;
	struct q_jent e, je = { .type = Q_J_REROUTE, .time = T0, .id = 9,
				.rcpt = 3, .link = "l", .peer = "p",
				.text = "t", .user = "u" };

	(void)state;
	q_rec_msg_enc(&b, &full_msg);
	assert_int_equal(q_rec_msg_dec(b.data, b.len, &m), 0);
	assert_int_equal(m.id, 77);
	assert_int_equal(m.kind, Q_KIND_PROBE);
	assert_int_equal(m.prio, Q_PRIO_URGENT);
	assert_int_equal(m.flags, Q_MF_HOLD);
	assert_int_equal(m.nrcpt, 3);
	assert_int_equal(m.size, 1234);
	assert_int_equal(m.deferred, T0 + 1);
	assert_int_equal(m.latest, T0 + 2);
	assert_int_equal(m.expiry, T0 + 3);
	assert_string_equal(m.mtsid, full_msg.mtsid);
	assert_string_equal(m.src_peer, "127.0.0.2:102");
	/* strings point into the record: no copy */
	assert_true((const unsigned char *)m.mtsid > b.data &&
		    (const unsigned char *)m.mtsid < b.data + b.len);
	buf_reset(&b);
	q_rec_rcpt_enc(&b, &full_rcpt);
	assert_int_equal(q_rec_rcpt_dec(b.data, b.len, &r), 0);
	assert_int_equal(r.idx, 2);
	assert_int_equal(r.state, Q_ST_REPORT);
	assert_int_equal(r.flags, Q_RF_HOLD | Q_RF_RESPONSIBLE);
	assert_int_equal(r.attempts, 4);
	assert_int_equal(r.reason, 1);
	assert_int_equal(r.diag, 5);
	assert_int_equal(r.next_attempt, T0 + 9);
	assert_string_equal(r.diag_text, "no route");
	buf_reset(&b);
	q_rec_jrnl_enc(&b, &je);
	assert_int_equal(q_rec_jrnl_dec(b.data, b.len, &e), 0);
	assert_int_equal(e.type, Q_J_REROUTE);
	assert_int_equal(e.rcpt, 3);
	assert_string_equal(e.text, "t");
	assert_string_equal(e.user, "u");
	buf_free(&b);
}

/* dec_msg - decode a modified copy of the full record */
static int dec_msg(const struct buf *b, size_t off, int val, size_t len)
{
	unsigned char *p = malloc(b->len + 8);
	struct q_msg m;
	int rc;

	memcpy(p, b->data, b->len);
	if (val >= 0)
		p[off] = (unsigned char)val;
	rc = q_rec_msg_dec(p, len, &m);
	free(p);
	return rc;
}

static void test_codec_refusals(void **state)
{
	struct buf b = BUF_INIT, t = BUF_INIT;
	struct q_msg m;
	struct q_rcpt r;
	struct q_jent e;
	size_t tlv;

	(void)state;
	q_rec_msg_enc(&b, &full_msg);
	tlv = 56;	/* first TLV: the MTS identifier */
	for (size_t n = 0; n < tlv; n++)
		assert_int_equal(dec_msg(&b, 0, -1, n), Q_E_CORRUPT);
	assert_int_equal(dec_msg(&b, 0, 0, b.len), Q_E_CORRUPT);
	assert_int_equal(dec_msg(&b, 0, 2, b.len), Q_E_VERSION);
	assert_int_equal(dec_msg(&b, 1, 3, b.len), Q_E_CORRUPT);  /* kind */
	assert_int_equal(dec_msg(&b, 2, 3, b.len), Q_E_CORRUPT);  /* prio */
	assert_int_equal(dec_msg(&b, 3, 0x80, b.len), Q_E_CORRUPT);
	assert_int_equal(dec_msg(&b, 7, 0, b.len), Q_E_CORRUPT);  /* nrcpt 0 */
	assert_int_equal(dec_msg(&b, 24, 0x80, b.len), Q_E_CORRUPT); /* time */
	/* a TLV cut short, its length past the end, no NUL, a NUL inside */
	assert_int_equal(dec_msg(&b, 0, -1, b.len - 1), Q_E_CORRUPT);
	assert_int_equal(dec_msg(&b, tlv + 1, 0xff, b.len), Q_E_CORRUPT);
	assert_int_equal(dec_msg(&b, tlv + 3 + strlen(full_msg.mtsid), 'x',
				 b.len), Q_E_CORRUPT);
	assert_int_equal(dec_msg(&b, tlv + 4, 0, b.len), Q_E_CORRUPT);
	/* the MTS identifier tag turned into an unknown one: skipped, and
	 * then the required identifier is missing */
	assert_int_equal(dec_msg(&b, tlv, 99, b.len), Q_E_CORRUPT);
	/* the originator tag turned into a second identifier */
	assert_int_equal(dec_msg(&b, tlv + 3 + strlen(full_msg.mtsid) + 1, 1,
				 b.len), Q_E_CORRUPT);
	/* an unknown tag added at the end is skipped */
	buf_add(&t, b.data, b.len);
	buf_add_u8(&t, 200);
	buf_add_u16be(&t, 2);
	buf_add(&t, "zz", 2);
	assert_int_equal(q_rec_msg_dec(t.data, t.len, &m), 0);
	assert_string_equal(m.mtsid, full_msg.mtsid);
	/* every single-bit flip: refused or decoded, never a crash */
	for (size_t i = 0; i < b.len; i++)
		for (int bit = 0; bit < 8; bit++) {
			b.data[i] ^= (unsigned char)(1 << bit);
			(void)q_rec_msg_dec(b.data, b.len, &m);
			b.data[i] ^= (unsigned char)(1 << bit);
		}
	buf_reset(&b);
	q_rec_rcpt_enc(&b, &full_rcpt);
	for (size_t n = 0; n < 40; n++)
		assert_int_equal(q_rec_rcpt_dec(b.data, n, &r), Q_E_CORRUPT);
	b.data[1] = Q_ST_COUNT;
	assert_int_equal(q_rec_rcpt_dec(b.data, b.len, &r), Q_E_CORRUPT);
	b.data[1] = Q_ST_PENDING;
	b.data[12] = 0x80;	/* reason below -1 */
	assert_int_equal(q_rec_rcpt_dec(b.data, b.len, &r), Q_E_CORRUPT);
	b.data[12] = 0;
	for (size_t i = 0; i < b.len; i++)
		for (int bit = 0; bit < 8; bit++) {
			b.data[i] ^= (unsigned char)(1 << bit);
			(void)q_rec_rcpt_dec(b.data, b.len, &r);
			b.data[i] ^= (unsigned char)(1 << bit);
		}
	buf_reset(&b);
	{
		struct q_jent je = { .type = Q_J_NOTE, .rcpt = -1,
				     .text = "x" };

		q_rec_jrnl_enc(&b, &je);
	}
	assert_int_equal(q_rec_jrnl_dec(b.data, 10, &e), Q_E_CORRUPT);
	b.data[1] = 0;
	assert_int_equal(q_rec_jrnl_dec(b.data, b.len, &e), Q_E_CORRUPT);
	b.data[1] = Q_J_APDU + 1;
	assert_int_equal(q_rec_jrnl_dec(b.data, b.len, &e), Q_E_CORRUPT);
	buf_free(&b);
	buf_free(&t);
}

/* ---- check and repair ------------------------------------------------ */

struct seen {
	char	text[16384];
	int	n, unrepaired;
};

/* collect - q_check's reporter: keep every line */
static void collect(void *arg, const char *problem, const char *fix)
{
	struct seen *s = arg;

	strncat(s->text, problem, sizeof(s->text) - strlen(s->text) - 2);
	strcat(s->text, "\n");
	s->n++;
	if (fix == NULL)
		s->unrepaired++;
}

struct fx {
	char		dir[64];
	struct q	*q;
	uint64_t	ids[6];
};

static uint64_t arrive(struct q *q, const char *mtsid, const char *link,
		       int n)
{
	struct q_msg m = { .arrival = T0, .mtsid = mtsid, .src_link = "in",
			   .size = 10, .expiry = T0 + 1000 };
	struct q_rcpt r[3];
	struct q_op op = { .type = Q_OP_ARRIVE, .now = T0, .msg = &m,
			   .rcpts = r, .nrcpts = (size_t)n, .apdu = "A",
			   .apdu_len = 1 };
	uint64_t id;

	memset(r, 0, sizeof(r));
	for (int i = 0; i < n; i++) {
		r[i].address = "C=GB;S=X";
		r[i].link = link;
	}
	assert_int_equal(q_apply(q, &op, 1, &id), 0);
	return id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct q_config cfg = { .create = 1, .sync = Q_SYNC_NONE,
				.mapsize = 64u << 20 };
	struct q_op op = { .type = Q_OP_BEGIN, .now = T0 };

	strcpy(f->dir, "/tmp/test_store_check-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	cfg.dir = f->dir;
	assert_int_equal(q_open(&cfg, &f->q), 0);
	f->ids[0] = arrive(f->q, "c0", "alpha", 2);
	f->ids[1] = arrive(f->q, "c1", "alpha", 1);
	f->ids[2] = arrive(f->q, "c2", "beta", 3);
	f->ids[3] = arrive(f->q, "c3", "beta", 1);
	f->ids[4] = arrive(f->q, "c4", "alpha", 1);
	f->ids[5] = arrive(f->q, "c5", "gamma", 2);
	op.id = f->ids[3];
	assert_int_equal(q_apply(f->q, &op, 1, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[128];

	q_close(f->q);
	snprintf(p, sizeof(p), "%s/data.mdb", f->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", f->dir);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* raw_put, raw_del - damage the store behind the API's back */
static void raw_put(struct q *q, enum q_db db, const void *k, size_t kl,
		    const void *v, size_t vl)
{
	struct q_rd t;

	assert_int_equal(qt_begin(q, 1, &t), 0);
	qt_put(&t, db, k, kl, v, vl);
	assert_int_equal(t.ret, 0);
	assert_int_equal(mdb_txn_commit(t.txn), 0);
}

static void raw_del(struct q *q, enum q_db db, const void *k, size_t kl)
{
	struct q_rd t;
	MDB_val v;

	assert_int_equal(qt_begin(q, 1, &t), 0);
	assert_int_equal(qt_get(&t, db, k, kl, &v), 0);
	qt_del(&t, db, k, kl);
	assert_int_equal(t.ret, 0);
	assert_int_equal(mdb_txn_commit(t.txn), 0);
}

static void test_check_clean(void **state)
{
	struct fx *f = *state;
	struct seen s = { "", 0, 0 };

	assert_int_equal(q_check(f->q, 0, collect, &s), 0);
	assert_int_equal(q_check(f->q, 1, collect, &s), 0);
	assert_int_equal(s.n, 0);
}

static void test_check_repair(void **state)
{
	struct fx *f = *state;
	struct seen s = { "", 0, 0 };
	unsigned char k[Q_KEY_MAX], v[64];
	struct q_rd *rd;
	struct q_msg m;
	struct q_totals tot;
	struct q_iter it;
	struct q_due d;
	uint64_t gid;
	size_t kl;
	int n, gone;

	/* 1: message 0 loses its content */
	q_be64(k, f->ids[0]);
	raw_del(f->q, QDB_APDU, k, Q_KEY_ID);
	/* 2: message 2's record becomes garbage */
	q_be64(k, f->ids[2]);
	raw_put(f->q, QDB_MSG, k, Q_KEY_ID, "\x01garbage", 8);
	/* 3: a recipient and content with no message */
	q_be64(k, 999);
	q_be32(k + 8, 0);
	{
		struct buf b = BUF_INIT;

		q_rec_rcpt_enc(&b, &full_rcpt);
		raw_put(f->q, QDB_RCPT, k, Q_KEY_RCPT, b.data, b.len);
		buf_free(&b);
	}
	raw_put(f->q, QDB_APDU, k, Q_KEY_ID, "orphan", 6);
	/* 4: message 1's queue entry vanishes, a stale one appears */
	kl = q_key_queue(k, "alpha", 1, T0, f->ids[1], 0);
	raw_del(f->q, QDB_QUEUE, k, kl);
	kl = q_key_queue(k, "alpha", 0, T0 - 5, 4242, 0);
	raw_put(f->q, QDB_QUEUE, k, kl, "", 0);
	/* 5: a counter lies, another is made up */
	kl = q_key_count(k, "beta", Q_ST_TRANSFER);
	memset(v, 0, Q_COUNT_LEN);
	v[7] = 9;
	raw_put(f->q, QDB_COUNT, k, kl, v, Q_COUNT_LEN);
	kl = q_key_count(k, "nowhere", Q_ST_DONE);
	raw_put(f->q, QDB_COUNT, k, kl, v, Q_COUNT_LEN);
	/* 6: message 4's live duplicate entry and expiry entry vanish */
	assert_int_equal(q_key_dup(k, &kl, "in", "c4"), 0);
	raw_del(f->q, QDB_DUP, k, kl);
	q_be64(k, T0 + 1000);
	q_be64(k + 8, f->ids[4]);
	raw_del(f->q, QDB_EXPIRE, k, Q_KEY_PAIR);
	/* 7: a journal entry that does not decode, a dangling jmsg */
	q_be64(k, 5000);
	raw_put(f->q, QDB_JRNL, k, 8, "\x01\x00", 2);
	q_be64(k, f->ids[5]);
	q_be64(k + 8, 4999);
	raw_put(f->q, QDB_JMSG, k, Q_KEY_PAIR, "", 0);
	/* 8: next_id below the ids in use */
	q_be64(v, 2);
	raw_put(f->q, QDB_META, "next_id", 7, v, 8);
	/* 9: message 5's second recipient does not decode */
	q_be64(k, f->ids[5]);
	q_be32(k + 8, 1);
	raw_put(f->q, QDB_RCPT, k, Q_KEY_RCPT, "\x01\x09", 2);

	/* a read-only look finds everything and changes nothing */
	n = q_check(f->q, 0, collect, &s);
	assert_true(n >= 14);
	assert_int_equal(s.n, n);
	assert_int_equal(s.unrepaired, n);	/* not repairing: no fix */
	assert_non_null(strstr(s.text, "no content"));
	assert_non_null(strstr(s.text, "record does not decode"));
	assert_non_null(strstr(s.text, "recipient 0 of message 999"));
	assert_non_null(strstr(s.text, "content of message 999"));
	assert_non_null(strstr(s.text, "not in queue alpha"));
	assert_non_null(strstr(s.text, "stale entry for message 4242"));
	assert_non_null(strstr(s.text, "count beta/transfer"));
	assert_non_null(strstr(s.text, "nothing contributes"));
	assert_non_null(strstr(s.text, "no live duplicate-index entry"));
	assert_non_null(strstr(s.text, "no expiry entry"));
	assert_non_null(strstr(s.text, "entry 5000 does not decode"));
	assert_non_null(strstr(s.text, "jmsg"));
	assert_non_null(strstr(s.text, "next_id"));
	assert_non_null(strstr(s.text, "a recipient record does not decode"));
	assert_int_equal(q_check(f->q, 0, collect, &s), n);

	/* repair, then nothing is left */
	memset(&s, 0, sizeof(s));
	assert_true(q_check(f->q, 1, collect, &s) >= n);
	assert_int_equal(s.unrepaired, 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(q_check(f->q, 0, collect, &s), 0);
	if (s.n)
		print_error("%s", s.text);

	/* the effects: unreadable messages gone, as tombstones */
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_msg_get(rd, f->ids[0], &m), Q_E_NOTFOUND);
	assert_int_equal(q_msg_get(rd, f->ids[2], &m), Q_E_NOTFOUND);
	assert_int_equal(q_msg_get(rd, f->ids[5], &m), Q_E_NOTFOUND);
	assert_int_equal(q_dup_find(rd, "in", "c0", &gid, &gone), 0);
	assert_int_equal(gid, f->ids[0]);
	assert_int_equal(gone, 1);
	assert_int_equal(q_dup_find(rd, "in", "c4", &gid, &gone), 0);
	assert_int_equal(gone, 0);
	assert_int_equal(q_totals(rd, &tot), 0);
	assert_int_equal(tot.msgs, 3);
	assert_int_equal(tot.next_id, f->ids[5] + 1);
	/* message 1 is in its queue again, the stale entry is gone */
	assert_int_equal(q_iter_due(rd, &it, "alpha", T0), 0);
	assert_int_equal(q_next_due(&it, &d), 1);
	assert_int_equal(d.id, f->ids[1]);
	assert_int_equal(q_next_due(&it, &d), 1);
	assert_int_equal(d.id, f->ids[4]);
	assert_int_equal(q_next_due(&it, &d), 0);
	q_iter_end(&it);
	q_rd_end(rd);
	/* and the journal says what repair removed */
	{
		struct q_jent e;
		int repairs = 0;

		assert_int_equal(q_rd_begin(f->q, &rd), 0);
		assert_int_equal(q_iter_journal(rd, &it, f->ids[0]), 0);
		while (q_next_journal(&it, &e) == 1)
			if (e.type == Q_J_REPAIR) {
				repairs++;
				assert_string_equal(e.text,
						    "no content (APDU missing)");
			}
		q_iter_end(&it);
		q_rd_end(rd);
		assert_int_equal(repairs, 1);
	}
	/* new arrivals get fresh ids after the raised next_id */
	assert_true(arrive(f->q, "after", "alpha", 1) > f->ids[5]);
	assert_int_equal(q_check(f->q, 0, NULL, NULL), 0);
}

/* An arrival final at once (a report whose destination has no route:
 * x400d queues it with its one recipient refused, and a report is never
 * reported on) is removed in the same operation: it must leave the
 * totals as they were, not count its APDU octets (issue 15: "messages
 * 0 ... (APDUs 417)" and check: "totals differ from the records"). */
static void test_arrive_final_counts_nothing(void **state)
{
	struct fx *f = *state;
	struct q_msg m = { .kind = Q_KIND_REPORT, .prio = Q_PRIO_URGENT,
			   .arrival = T0, .mtsid = "unroutable-report",
			   .src_link = "" };
	struct q_rcpt r = { .state = Q_ST_REPORT, .reason = 1, .diag = 0,
			    .address = "C=ZZ;A= ;P=NOWHERE;S=X", .link = "-",
			    .diag_text = "no route to this O/R address" };
	struct q_op op = { .type = Q_OP_ARRIVE, .now = T0, .msg = &m,
			   .rcpts = &r, .nrcpts = 1, .apdu = "0123456789",
			   .apdu_len = 10 };
	struct q_totals t0, t1;
	struct q_rd *rd;
	uint64_t id, gid;
	int gone;

	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_totals(rd, &t0), 0);
	q_rd_end(rd);
	assert_int_equal(q_apply(f->q, &op, 1, &id), 0);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_totals(rd, &t1), 0);
	assert_int_equal(q_msg_get(rd, id, &m), Q_E_NOTFOUND);
	assert_int_equal(q_dup_find(rd, "", "unroutable-report", &gid,
				    &gone), 0);
	assert_int_equal(gone, 1);
	q_rd_end(rd);
	assert_int_equal(t1.msgs, t0.msgs);
	assert_int_equal(t1.rcpts, t0.rcpts);
	assert_int_equal(t1.bytes, t0.bytes);
	assert_int_equal(t1.apdu_bytes, t0.apdu_bytes);
	assert_int_equal(q_check(f->q, 0, NULL, NULL), 0);
}

/* Totals drifted behind the API's back are found, named with both the
 * stored and the recomputed values, and rewritten by repair. */
static void test_check_repair_totals(void **state)
{
	struct fx *f = *state;
	struct seen s = { "", 0, 0 };
	unsigned char v[Q_TOTAL_LEN];
	struct q_totals t0, t1;
	struct q_rd *rd;

	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_totals(rd, &t0), 0);
	q_rd_end(rd);
	memset(v, 0, sizeof(v));
	q_be64(v + 24, 417);		/* messages 0, APDU octets 417 */
	raw_put(f->q, QDB_COUNT, "G", 1, v, sizeof(v));
	assert_int_equal(q_check(f->q, 0, collect, &s), 1);
	assert_non_null(strstr(s.text, "totals differ from the records "
			       "(stored 0 messages, 0 recipients, 0 octets, "
			       "APDUs 417; the records: 6,"));
	memset(&s, 0, sizeof(s));
	assert_int_equal(q_check(f->q, 1, collect, &s), 1);
	assert_int_equal(s.unrepaired, 0);
	assert_int_equal(q_check(f->q, 0, NULL, NULL), 0);
	assert_int_equal(q_rd_begin(f->q, &rd), 0);
	assert_int_equal(q_totals(rd, &t1), 0);
	q_rd_end(rd);
	assert_int_equal(t1.msgs, 6);
	assert_int_equal(t1.msgs, t0.msgs);
	assert_int_equal(t1.rcpts, t0.rcpts);
	assert_int_equal(t1.bytes, t0.bytes);
	assert_int_equal(t1.apdu_bytes, t0.apdu_bytes);
	/* a missing totals record is found and written too */
	raw_del(f->q, QDB_COUNT, "G", 1);
	assert_int_equal(q_check(f->q, 1, NULL, NULL), 1);
	assert_int_equal(q_check(f->q, 0, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_roundtrip),
		cmocka_unit_test(test_codec_refusals),
		cmocka_unit_test_setup_teardown(test_check_clean, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_check_repair, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
		    test_arrive_final_counts_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_repair_totals,
						setup, teardown),
	};

	log_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
