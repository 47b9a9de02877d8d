/*
 * test_cotp.c - X.224 class 0: CR/CC with selectors and TPDU-size
 *	negotiation both ways, DT segmentation and reassembly, DR, ER,
 *	protocol errors (unknown codes, out of state, bad lengths), the
 *	CR/CC that PP and ISODE sent (tests/vectors), tp_feed byte by
 *	byte, and every one-octet corruption of a CR and a DT stream
 *
 * Two machines talk through struct bufs: what one appends is cut into
 * TPDUs and given to the other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "cotp.h"
#include "log.h"

/* ---- event capture ---------------------------------------------------- */

static unsigned ev_last, ev_count;
static char ev_layer[16], ev_peer[64], ev_msg[512];

static void sink(const struct log_rec *r, void *arg)
{
	(void)arg;
	if (r->level < LOG_INFO)
		return;
	ev_last = r->event;
	ev_count++;
	snprintf(ev_layer, sizeof(ev_layer), "%s",
		 r->who->layer ? r->who->layer : "");
	snprintf(ev_peer, sizeof(ev_peer), "%s",
		 r->who->peer ? r->who->peer : "");
	snprintf(ev_msg, sizeof(ev_msg), "%s", r->msg);
}

static int setup(void **state)
{
	(void)state;
	log_quiet(1);
	log_set_sink(sink, NULL);
	ev_last = ev_count = 0;
	ev_msg[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	log_set_sink(NULL, NULL);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

/* take - cut the next TPKT out of b (our own output: well formed) */
static int take(struct buf *b, const uint8_t **t, size_t *n)
{
	const uint8_t *p = buf_ptr(b);
	size_t l;

	if (buf_avail(b) == 0)
		return 0;
	assert_true(buf_avail(b) >= 7);
	assert_int_equal(p[0], 3);
	assert_int_equal(p[1], 0);
	l = (size_t)p[2] << 8 | p[3];
	assert_true(l >= 7 && l <= buf_avail(b));
	*t = p + 4;
	*n = l - 4;
	return 1;
}

/* next - drop the TPKT take() returned */
static void next(struct buf *b, size_t n)
{
	buf_consume(b, n + 4);
}

/* deliver - give every TPDU in b to c; the last indication in *ind,
 *	the number of TPDUs in *count; returns the first error or 0 */
static int deliver(struct cotp *c, struct buf *b, struct cotp_ind *ind,
		   struct buf *out, int *count)
{
	const uint8_t *t;
	size_t n;
	int rc = 0;

	*count = 0;
	while (take(b, &t, &n)) {
		rc = cotp_input(c, t, n, ind, out);
		next(b, n);
		(*count)++;
		if (rc < 0 || ind->type != COTP_NONE)
			break;
	}
	return rc;
}

static struct cotp_addr sel(const char *s)
{
	struct cotp_addr a;

	memset(&a, 0, sizeof(a));
	a.len = strlen(s);
	memcpy(a.sel, s, a.len);
	return a;
}

/* connect - CR/CC between a fresh initiator and responder */
static void connect_pair(struct cotp *i, struct cotp *r, size_t imax,
			 size_t rmax, size_t max_tsdu)
{
	struct buf b = BUF_INIT, back = BUF_INIT;
	struct cotp_addr calling = sel("calling"), called = sel("x400");
	struct cotp_ind ind;
	int count;

	cotp_init(i, COTP_INITIATOR, max_tsdu);
	cotp_init(r, COTP_RESPONDER, max_tsdu);
	cotp_set_who(i, "127.0.0.1:102", "to-B");
	cotp_set_who(r, "127.0.0.2:40000", NULL);
	i->max_tpdu = imax;
	r->max_tpdu = rmax;
	assert_int_equal(cotp_connect_req(i, &calling, &called, &b), 0);
	assert_int_equal(i->state, COTP_ST_WAIT_CC);
	assert_int_equal(deliver(r, &b, &ind, &back, &count), 0);
	assert_int_equal(ind.type, COTP_CONNECT_IND);
	assert_int_equal(ind.called.len, 4);
	assert_memory_equal(ind.called.sel, "x400", 4);
	assert_int_equal(ind.calling.len, 7);
	assert_memory_equal(ind.calling.sel, "calling", 7);
	assert_int_equal(r->state, COTP_ST_WAIT_RESP);
	assert_int_equal(buf_avail(&back), 0);
	assert_int_equal(cotp_connect_resp(r, &back), 0);
	assert_int_equal(r->state, COTP_ST_OPEN);
	assert_int_equal(deliver(i, &back, &ind, &b, &count), 0);
	assert_int_equal(ind.type, COTP_CONNECT_CONF);
	assert_int_equal(ind.called.len, 4);
	assert_int_equal(i->state, COTP_ST_OPEN);
	assert_int_equal(i->tpdu_size, r->tpdu_size);
	assert_int_equal(ind.tpdu_size, i->tpdu_size);
	assert_int_equal(ev_last, EV_COTP_CONNECTED);
	buf_free(&b);
	buf_free(&back);
}

/* ---- connection establishment ----------------------------------------- */

static void test_connect_sizes(void **state)
{
	static const struct {
		size_t imax, rmax, want;
	} t[] = {
		{ 2048, 2048, 2048 },	/* our default, both sides */
		{ 2048, 512, 512 },	/* the responder lowers it */
		{ 256, 2048, 256 },	/* the initiator proposes less */
		{ 128, 128, 128 },
		{ 8192, 2048, 2048 },	/* class 0 cannot go above 2048 */
		{ 1000, 2048, 512 },	/* rounded down to a power of 2 */
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		struct cotp i, r;

		connect_pair(&i, &r, t[k].imax, t[k].rmax, 0);
		assert_int_equal(i.tpdu_size, t[k].want);
		assert_int_equal(r.tpdu_size, t[k].want);
		cotp_free(&i);
		cotp_free(&r);
	}
}

/* cr_in - a hand-made CR given to a fresh responder (max_tpdu 2048) */
static int cr_in(const uint8_t *cr, size_t n, struct cotp *r,
		 struct cotp_ind *ind, struct buf *out)
{
	cotp_init(r, COTP_RESPONDER, 0);
	cotp_set_who(r, "127.0.0.3:5000", NULL);
	return cotp_input(r, cr, n, ind, out);
}

static void test_cr_size_variants(void **state)
{
	/* no TPDU size: 128 (X.224 13.3.4 b) */
	static const uint8_t none[] = { 6, 0xe0, 0, 0, 0x12, 0x34, 0x00 };
	/* 8192 (class 2+ value, sent by RFC 1006 stacks): down to 2048 */
	static const uint8_t big[] = { 9, 0xe0, 0, 0, 0x12, 0x34, 0x00,
				       0xc0, 1, 13 };
	/* preferred maximum TPDU size 3 * 128 = 384: we answer 256 */
	static const uint8_t pref[] = { 10, 0xe0, 0, 0, 0x12, 0x34, 0x00,
					0xf0, 2, 0x00, 0x03 };
	/* 0xF0 wins over 0xC0 */
	static const uint8_t both[] = { 12, 0xe0, 0, 0, 0x12, 0x34, 0x00,
					0xc0, 1, 7, 0xf0, 1, 0x08 };
	struct cotp r;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;
	const uint8_t *t;
	size_t n;

	(void)state;
	assert_int_equal(cr_in(none, sizeof(none), &r, &ind, &out), 0);
	assert_int_equal(ind.tpdu_size, 128);
	assert_int_equal(cotp_connect_resp(&r, &out), 0);
	assert_true(take(&out, &t, &n));
	/* CC: DST-REF answers the CR's SRC-REF, size code 7 */
	assert_int_equal(t[1], 0xd0);
	assert_int_equal(t[2], 0x12);
	assert_int_equal(t[3], 0x34);
	assert_int_equal(t[6], 0x00);
	assert_int_equal(t[n - 3], 0xc0);
	assert_int_equal(t[n - 1], 7);
	buf_reset(&out);
	cotp_free(&r);

	assert_int_equal(cr_in(big, sizeof(big), &r, &ind, &out), 0);
	assert_int_equal(ind.tpdu_size, 2048);
	cotp_free(&r);
	assert_int_equal(cr_in(pref, sizeof(pref), &r, &ind, &out), 0);
	assert_int_equal(ind.tpdu_size, 256);
	cotp_free(&r);
	assert_int_equal(cr_in(both, sizeof(both), &r, &ind, &out), 0);
	assert_int_equal(ind.tpdu_size, 1024);
	cotp_free(&r);
	buf_free(&out);
}

/* the initiator takes a CC's 0xF0 as is, and never more than it asked */
static void test_cc_size_variants(void **state)
{
	struct cotp i;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;
	uint8_t cc_pref[] = { 10, 0xd0, 0, 0, 0x43, 0x21, 0x00,
			      0xf0, 2, 0x00, 0x03 };
	uint8_t cc_big[] = { 9, 0xd0, 0, 0, 0x43, 0x21, 0x00, 0xc0, 1, 13 };
	uint8_t cc_none[] = { 6, 0xd0, 0, 0, 0x43, 0x21, 0x00 };

	(void)state;
	cotp_init(&i, COTP_INITIATOR, 0);
	assert_int_equal(cotp_connect_req(&i, NULL, NULL, &out), 0);
	cc_pref[2] = (uint8_t)(i.src_ref >> 8);
	cc_pref[3] = (uint8_t)i.src_ref;
	assert_int_equal(cotp_input(&i, cc_pref, sizeof(cc_pref), &ind, &out),
			 0);
	assert_int_equal(ind.type, COTP_CONNECT_CONF);
	assert_int_equal(i.tpdu_size, 384);
	assert_int_equal(i.dst_ref, 0x4321);
	cotp_free(&i);

	cotp_init(&i, COTP_INITIATOR, 0);
	i.max_tpdu = 512;
	assert_int_equal(cotp_connect_req(&i, NULL, NULL, &out), 0);
	cc_big[2] = (uint8_t)(i.src_ref >> 8);
	cc_big[3] = (uint8_t)i.src_ref;
	assert_int_equal(cotp_input(&i, cc_big, sizeof(cc_big), &ind, &out),
			 0);
	assert_int_equal(i.tpdu_size, 512);
	cotp_free(&i);

	cotp_init(&i, COTP_INITIATOR, 0);
	assert_int_equal(cotp_connect_req(&i, NULL, NULL, &out), 0);
	cc_none[2] = (uint8_t)(i.src_ref >> 8);
	cc_none[3] = (uint8_t)i.src_ref;
	assert_int_equal(cotp_input(&i, cc_none, sizeof(cc_none), &ind,
				    &out), 0);
	assert_int_equal(i.tpdu_size, 128);
	cotp_free(&i);
	buf_free(&out);
}

static void test_class_negotiation(void **state)
{
	/* preferred class 2: we answer class 0 (X.224 6.5.5) */
	static const uint8_t c2[] = { 6, 0xe0, 0, 0, 0, 9, 0x20 };
	/* class 4 with class 0 as an alternative (0xC7) */
	static const uint8_t c4alt[] = { 9, 0xe0, 0, 0, 0, 9, 0x40,
					 0xc7, 1, 0x00 };
	/* class 4 alone: refused with DR "negotiation failed" */
	static const uint8_t c4[] = { 6, 0xe0, 0, 0, 0, 9, 0x40 };
	struct cotp r;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;
	const uint8_t *t;
	size_t n;

	(void)state;
	assert_int_equal(cr_in(c2, sizeof(c2), &r, &ind, &out), 0);
	assert_int_equal(cotp_connect_resp(&r, &out), 0);
	assert_true(take(&out, &t, &n));
	assert_int_equal(t[6], 0x00);	/* CC says class 0 */
	buf_reset(&out);
	cotp_free(&r);
	assert_int_equal(cr_in(c4alt, sizeof(c4alt), &r, &ind, &out), 0);
	assert_int_equal(ind.type, COTP_CONNECT_IND);
	cotp_free(&r);
	assert_int_equal(cr_in(c4, sizeof(c4), &r, &ind, &out), COTP_E_CLASS);
	assert_int_equal(r.state, COTP_ST_CLOSED);
	assert_true(take(&out, &t, &n));
	assert_int_equal(t[1], 0x80);	/* DR */
	assert_int_equal(t[2], 0);	/* DST-REF = the CR's SRC-REF */
	assert_int_equal(t[3], 9);
	assert_int_equal(t[6], COTP_DR_NEGOTIATION_FAILED);
	assert_int_equal(ev_last, EV_COTP_REFUSED);
	assert_non_null(strstr(ind.why, "class 4"));
	cotp_free(&r);
	buf_free(&out);
}

/* the CR and CC of PP's P1 association (pp-p1-loop-success.pcap) */
static void test_pp_capture(void **state)
{
	struct cap cap;
	const struct cap_tsdu *cr = NULL, *cc = NULL;
	struct cotp r, i;
	struct cotp_ind ind;
	struct cotp_addr called = sel("x400");
	struct buf out = BUF_INIT;
	const uint8_t *t;
	size_t k, n;

	(void)state;
	assert_int_equal(cap_load("tests/vectors/pp-p1-loop-success.pcap",
				  &cap), 0);
	for (k = 0; k < cap.n; k++) {
		if (cap.tsdu[k].kind == CAP_CR && cr == NULL)
			cr = &cap.tsdu[k];
		if (cap.tsdu[k].kind == CAP_CC && cc == NULL)
			cc = &cap.tsdu[k];
	}
	assert_non_null(cr);
	assert_non_null(cc);
	/* our responder accepts PP's CR */
	cotp_init(&r, COTP_RESPONDER, 0);
	assert_int_equal(cotp_input(&r, cr->data, cr->len, &ind, &out), 0);
	assert_int_equal(ind.type, COTP_CONNECT_IND);
	assert_int_equal(ind.called.len, 4);
	assert_memory_equal(ind.called.sel, "x400", 4);
	assert_int_equal(ind.calling.len, 0);
	assert_int_equal(ind.tpdu_size, 2048);
	assert_int_equal(cotp_connect_resp(&r, &out), 0);
	assert_true(take(&out, &t, &n));
	assert_int_equal(t[1], 0xd0);
	assert_memory_equal(t + 2, cr->data + 4, 2);	/* DST-REF */
	buf_reset(&out);
	cotp_free(&r);

	/* our initiator, with PP's reference, sends PP's CR octet for
	 * octet, and accepts PP's CC */
	cotp_init(&i, COTP_INITIATOR, 0);
	i.src_ref = (uint16_t)(cr->data[4] << 8 | cr->data[5]);
	assert_int_equal(cotp_connect_req(&i, NULL, &called, &out), 0);
	assert_true(take(&out, &t, &n));
	assert_int_equal(n, cr->len);
	assert_memory_equal(t, cr->data, n);
	assert_int_equal(cotp_input(&i, cc->data, cc->len, &ind, &out), 0);
	assert_int_equal(ind.type, COTP_CONNECT_CONF);
	assert_int_equal(ind.tpdu_size, 2048);
	cotp_free(&i);
	buf_free(&out);
	cap_free(&cap);
}

/* ISODE's CR and CC carry 0xC6 (additional options) in class 0 */
static void test_isode_capture(void **state)
{
	struct cap cap;
	const struct cap_tsdu *cr = NULL, *cc = NULL;
	struct cotp r, i;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;
	size_t k;

	(void)state;
	assert_int_equal(cap_load("tests/vectors/isode-tsap-echo.pcap", &cap),
			 0);
	for (k = 0; k < cap.n; k++) {
		if (cap.tsdu[k].kind == CAP_CR && cr == NULL)
			cr = &cap.tsdu[k];
		if (cap.tsdu[k].kind == CAP_CC && cc == NULL)
			cc = &cap.tsdu[k];
	}
	assert_non_null(cr);
	assert_non_null(cc);
	cotp_init(&r, COTP_RESPONDER, 0);
	assert_int_equal(cotp_input(&r, cr->data, cr->len, &ind, &out), 0);
	assert_int_equal(ind.type, COTP_CONNECT_IND);
	assert_int_equal(ind.called.len, 2);
	assert_int_equal(ind.called.sel[0], 0x00);
	assert_int_equal(ind.called.sel[1], 0x80);
	cotp_free(&r);
	cotp_init(&i, COTP_INITIATOR, 0);
	i.src_ref = (uint16_t)(cr->data[4] << 8 | cr->data[5]);
	assert_int_equal(cotp_connect_req(&i, NULL, &ind.called, &out), 0);
	assert_int_equal(cotp_input(&i, cc->data, cc->len, &ind, &out), 0);
	assert_int_equal(ind.type, COTP_CONNECT_CONF);
	cotp_free(&i);
	buf_free(&out);
	cap_free(&cap);
}

/* ---- data transfer ------------------------------------------------------ */

/* send_recv - one TSDU from a to b; checks the DT framing */
static void send_recv(struct cotp *a, struct cotp *b, const uint8_t *d,
		      size_t len, size_t want_tpdus)
{
	struct buf w = BUF_INIT, back = BUF_INIT;
	struct cotp_ind ind;
	const uint8_t *t;
	size_t n, tpdus = 0, k;

	assert_int_equal(cotp_data_req(a, d, len, &w), 0);
	/* every DT but the last is full and without EOT */
	{
		const uint8_t *q = buf_ptr(&w), *end = q + buf_avail(&w);

		while (q < end) {
			n = ((size_t)q[2] << 8 | q[3]) - 4;
			t = q + 4;
			tpdus++;
			assert_true(n <= a->tpdu_size);
			assert_int_equal(t[0], 2);
			assert_int_equal(t[1], 0xf0);
			if (tpdus < want_tpdus) {
				assert_int_equal(t[2], 0x00);
				assert_int_equal(n, a->tpdu_size);
			} else {
				assert_int_equal(t[2], 0x80);
			}
			q = t + n;
		}
	}
	assert_int_equal(tpdus, want_tpdus);
	for (k = 0; take(&w, &t, &n); k++) {
		assert_int_equal(cotp_input(b, t, n, &ind, &back), 0);
		next(&w, n);
		if (k + 1 < want_tpdus)
			assert_int_equal(ind.type, COTP_NONE);
	}
	assert_int_equal(ind.type, COTP_DATA_IND);
	assert_int_equal(ind.len, len);
	if (len)
		assert_memory_equal(ind.data, d, len);
	assert_int_equal(buf_avail(&back), 0);
	buf_free(&w);
	buf_free(&back);
}

static void test_segmentation(void **state)
{
	struct cotp i, r;
	size_t mb = 1u << 20, k;
	uint8_t *d = malloc(mb);

	(void)state;
	assert_non_null(d);
	for (k = 0; k < mb; k++)
		d[k] = (uint8_t)(k * 31 + (k >> 11));
	connect_pair(&i, &r, 2048, 2048, 2u << 20);
	send_recv(&i, &r, d, 0, 1);		/* 0 octets: one DT, EOT */
	send_recv(&i, &r, d, 1, 1);
	send_recv(&i, &r, d, 2045, 1);		/* exactly one TPDU */
	send_recv(&i, &r, d, 2046, 2);		/* one octet more */
	send_recv(&i, &r, d, 3 * 2045, 3);
	send_recv(&i, &r, d, mb, (mb + 2044) / 2045);	/* 1 MB */
	send_recv(&r, &i, d, mb, (mb + 2044) / 2045);	/* and back */
	send_recv(&r, &i, d, 5, 1);		/* after a big one */
	assert_int_equal(r.tsdus_in, 6);
	assert_int_equal(i.tsdus_in, 2);
	cotp_free(&i);
	cotp_free(&r);
	/* 128-octet TPDUs: 125 octets of data each */
	connect_pair(&i, &r, 128, 2048, 0);
	send_recv(&i, &r, d, 1000, 8);
	send_recv(&r, &i, d, 125, 1);
	cotp_free(&i);
	cotp_free(&r);
	free(d);
}

static void test_reassembly_cap(void **state)
{
	struct cotp i, r;
	struct buf w = BUF_INIT, back = BUF_INIT;
	struct cotp_ind ind;
	uint8_t d[5000] = { 0 };
	const uint8_t *t;
	size_t n;
	int rc = 0, count = 0;

	(void)state;
	connect_pair(&i, &r, 2048, 2048, 4096);
	/* 4096 octets are fine... */
	send_recv(&i, &r, d, 4096, 3);
	/* ...4097 are not: the receiver stops at the third DT */
	assert_int_equal(cotp_data_req(&i, d, 4097, &w), 0);
	while (take(&w, &t, &n)) {
		rc = cotp_input(&r, t, n, &ind, &back);
		next(&w, n);
		count++;
		if (rc < 0)
			break;
	}
	assert_int_equal(rc, COTP_E_TOOBIG);
	assert_int_equal(count, 3);
	assert_int_equal(r.state, COTP_ST_CLOSED);
	assert_int_equal(ev_last, EV_COTP_TOO_BIG);
	assert_string_equal(ev_layer, "cotp");
	assert_string_equal(ev_peer, "127.0.0.2:40000");
	/* DR congestion at TSAP, and nothing more is accepted */
	assert_true(take(&back, &t, &n));
	assert_int_equal(t[1], 0x80);
	assert_int_equal(t[6], COTP_DR_CONGESTION);
	next(&back, n);
	assert_int_equal(cotp_input(&i, d, 0, &ind, &back),
			 COTP_E_TPDU);	/* i: a zero-length TPDU is bad */
	assert_int_equal(cotp_data_req(&r, d, 1, &back), COTP_E_STATE);
	cotp_free(&i);
	cotp_free(&r);
	buf_free(&w);
	buf_free(&back);
}

/* ---- release and refusal ---------------------------------------------- */

static void test_refuse_and_release(void **state)
{
	struct cotp i, r;
	struct buf b = BUF_INIT, back = BUF_INIT;
	struct cotp_addr called = sel("nope");
	struct cotp_ind ind;
	int count;

	(void)state;
	/* refusal: DR with "address unknown" */
	cotp_init(&i, COTP_INITIATOR, 0);
	cotp_init(&r, COTP_RESPONDER, 0);
	assert_int_equal(cotp_connect_req(&i, NULL, &called, &b), 0);
	assert_int_equal(deliver(&r, &b, &ind, &back, &count), 0);
	assert_int_equal(ind.type, COTP_CONNECT_IND);
	assert_int_equal(cotp_data_req(&r, (const uint8_t *)"x", 1, &back),
			 COTP_E_STATE);
	assert_int_equal(cotp_refuse(&r, COTP_DR_ADDRESS_UNKNOWN, &back), 0);
	assert_int_equal(ev_last, EV_COTP_REFUSED);
	assert_int_equal(r.state, COTP_ST_CLOSED);
	assert_int_equal(deliver(&i, &back, &ind, &b, &count), 0);
	assert_int_equal(ind.type, COTP_DISCONNECT_IND);
	assert_int_equal(ind.reason, COTP_DR_ADDRESS_UNKNOWN);
	assert_int_equal(i.state, COTP_ST_CLOSED);
	assert_int_equal(ev_last, EV_COTP_REFUSED);
	assert_non_null(strstr(ev_msg, "address unknown"));
	cotp_free(&i);
	cotp_free(&r);

	/* release in OPEN: DR normal, as PP and ISODE do */
	connect_pair(&i, &r, 2048, 2048, 0);
	assert_int_equal(cotp_disconnect(&i, &b), 0);
	assert_int_equal(cotp_disconnect(&i, &b), COTP_E_STATE);
	assert_int_equal(deliver(&r, &b, &ind, &back, &count), 0);
	assert_int_equal(ind.type, COTP_DISCONNECT_IND);
	assert_int_equal(ind.reason, COTP_DR_NORMAL);
	assert_int_equal(ev_last, EV_COTP_DISCONNECTED);
	cotp_free(&i);
	cotp_free(&r);
	buf_free(&b);
	buf_free(&back);
}

/* PP's own DR at the end of its association is a normal release */
static void test_pp_dr(void **state)
{
	static const uint8_t pp_dr[] = { 0x06, 0x80, 0x08, 0x8e, 0x08, 0x86,
					 0x80 };
	struct cotp i, r;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;

	(void)state;
	connect_pair(&i, &r, 2048, 2048, 0);
	assert_int_equal(cotp_input(&r, pp_dr, sizeof(pp_dr), &ind, &out), 0);
	assert_int_equal(ind.type, COTP_DISCONNECT_IND);
	assert_int_equal(ind.reason, 0x80);
	assert_int_equal(buf_avail(&out), 0);
	/* anything after it is out of state, without an answer */
	assert_int_equal(cotp_input(&r, pp_dr, sizeof(pp_dr), &ind, &out),
			 COTP_E_STATE);
	assert_int_equal(buf_avail(&out), 0);
	cotp_free(&i);
	cotp_free(&r);
	buf_free(&out);
}

static void test_peer_er(void **state)
{
	static const uint8_t er[] = { 0x04, 0x70, 0x00, 0x00, 0x02 };
	static const uint8_t er_c1[] = { 0x08, 0x70, 0x00, 0x00, 0x03,
					 0xc1, 0x02, 0x06, 0xe0 };
	struct cotp i, r;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;

	(void)state;
	connect_pair(&i, &r, 2048, 2048, 0);
	assert_int_equal(cotp_input(&i, er, sizeof(er), &ind, &out),
			 COTP_E_PEER_ER);
	assert_int_equal(ind.reason, 2);
	assert_non_null(strstr(ind.why, "invalid TPDU type"));
	assert_int_equal(ev_last, EV_COTP_ERROR_TPDU);
	assert_int_equal(i.state, COTP_ST_CLOSED);
	assert_int_equal(buf_avail(&out), 0);	/* never answer an ER */
	/* an ER with the invalid-TPDU parameter, to a waiting initiator */
	cotp_free(&i);
	cotp_init(&i, COTP_INITIATOR, 0);
	assert_int_equal(cotp_connect_req(&i, NULL, NULL, &out), 0);
	buf_reset(&out);
	assert_int_equal(cotp_input(&i, er_c1, sizeof(er_c1), &ind, &out),
			 COTP_E_PEER_ER);
	assert_int_equal(ind.reason, 3);
	assert_int_equal(buf_avail(&out), 0);
	cotp_free(&i);
	cotp_free(&r);
	buf_free(&out);
}

/* ---- protocol errors -------------------------------------------------- */

/* expect_er - the last output is an ER with this cause; returns the
 *	echoed invalid-TPDU octets count */
static size_t expect_er(struct buf *out, int cause)
{
	const uint8_t *t;
	size_t n, echoed = 0;

	assert_true(take(out, &t, &n));
	assert_int_equal(t[1], 0x70);
	assert_true(t[0] >= 4);
	assert_int_equal(t[4], cause);
	if (t[0] > 4) {
		assert_int_equal(t[5], 0xc1);
		echoed = t[6];
		assert_int_equal((size_t)t[0], 6 + echoed);
	}
	next(out, n);
	assert_int_equal(buf_avail(out), 0);
	return echoed;
}

static void test_unknown_tpdu(void **state)
{
	static const uint8_t ed[] = { 0x02, 0x10, 0x80, 'x' };	/* ED */
	static const uint8_t ak[] = { 0x03, 0x60, 0x00, 0x01 };	/* AK */
	static const uint8_t x40[] = { 0x02, 0x40, 0x00 };
	static const uint8_t dt1[] = { 0x02, 0xf1, 0x80 };	/* not class 0 */
	const uint8_t *bad[] = { ed, ak, x40, dt1 };
	size_t len[] = { sizeof(ed), sizeof(ak), sizeof(x40), sizeof(dt1) };
	struct cotp i, r;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;
	size_t k;

	(void)state;
	for (k = 0; k < 4; k++) {
		connect_pair(&i, &r, 2048, 2048, 0);
		assert_int_equal(cotp_input(&r, bad[k], len[k], &ind, &out),
				 COTP_E_TYPE);
		assert_int_equal(r.state, COTP_ST_CLOSED);
		assert_int_equal(ev_last, EV_COTP_BAD_TPDU);
		assert_string_equal(ev_layer, "cotp");
		assert_non_null(strstr(ind.why, "TPDU code"));
		/* X.224 13.12: ER, cause "invalid TPDU type", echoing the
		 * header up to the code octet */
		assert_int_equal(expect_er(&out, COTP_ER_TPDU_TYPE), 2);
		cotp_free(&i);
		cotp_free(&r);
	}
	buf_free(&out);
}

static void test_out_of_state(void **state)
{
	static const uint8_t dt[] = { 0x02, 0xf0, 0x80, 'h', 'i' };
	struct cotp i, r;
	struct cotp_ind ind;
	struct buf out = BUF_INIT, cr = BUF_INIT;
	const uint8_t *t;
	size_t n;

	(void)state;
	/* DT before CC */
	cotp_init(&i, COTP_INITIATOR, 0);
	assert_int_equal(cotp_connect_req(&i, NULL, NULL, &cr), 0);
	assert_int_equal(cotp_input(&i, dt, sizeof(dt), &ind, &out),
			 COTP_E_STATE);
	assert_int_equal(ev_last, EV_COTP_OUT_OF_STATE);
	assert_non_null(strstr(ind.why, "DT TPDU not allowed"));
	assert_non_null(strstr(ev_msg, "WAIT_CC"));
	expect_er(&out, COTP_ER_NOT_SPECIFIED);
	cotp_free(&i);
	/* DT to a responder that has seen no CR */
	cotp_init(&r, COTP_RESPONDER, 0);
	assert_int_equal(cotp_input(&r, dt, sizeof(dt), &ind, &out),
			 COTP_E_STATE);
	expect_er(&out, COTP_ER_NOT_SPECIFIED);
	cotp_free(&r);
	/* DT while the responder has not answered the CR yet */
	cotp_init(&r, COTP_RESPONDER, 0);
	assert_true(take(&cr, &t, &n));
	assert_int_equal(cotp_input(&r, t, n, &ind, &out), 0);
	assert_int_equal(cotp_input(&r, dt, sizeof(dt), &ind, &out),
			 COTP_E_STATE);
	expect_er(&out, COTP_ER_NOT_SPECIFIED);
	cotp_free(&r);
	/* CR in the open state */
	connect_pair(&i, &r, 2048, 2048, 0);
	assert_int_equal(cotp_input(&r, t, n, &ind, &out), COTP_E_STATE);
	assert_non_null(strstr(ind.why, "CR TPDU not allowed"));
	expect_er(&out, COTP_ER_NOT_SPECIFIED);
	/* a CR to an initiator */
	assert_int_equal(cotp_input(&i, t, n, &ind, &out), COTP_E_STATE);
	expect_er(&out, COTP_ER_NOT_SPECIFIED);
	cotp_free(&i);
	cotp_free(&r);
	/* requests out of state */
	cotp_init(&r, COTP_RESPONDER, 0);
	assert_int_equal(cotp_connect_req(&r, NULL, NULL, &out), COTP_E_STATE);
	assert_int_equal(cotp_connect_resp(&r, &out), COTP_E_STATE);
	assert_int_equal(cotp_refuse(&r, 0, &out), COTP_E_STATE);
	assert_int_equal(buf_avail(&out), 0);
	cotp_free(&r);
	buf_free(&out);
	buf_free(&cr);
}

/* cr_error - a bad CR to a fresh responder: the error and ER cause */
static void cr_error(const uint8_t *cr, size_t n, int err, int cause)
{
	struct cotp r;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;

	assert_int_equal(cr_in(cr, n, &r, &ind, &out), err);
	assert_int_equal(r.state, COTP_ST_CLOSED);
	assert_int_equal(ev_last, EV_COTP_BAD_TPDU);
	assert_true(strlen(ind.why) > 10);
	expect_er(&out, cause);
	cotp_free(&r);
	buf_free(&out);
}

static void test_bad_lengths(void **state)
{
	/* LI beyond the TPDU */
	static const uint8_t li_long[] = { 9, 0xe0, 0, 0, 0, 1, 0 };
	/* LI 255 is reserved */
	static const uint8_t li_255[] = { 255, 0xe0, 0, 0, 0, 1, 0 };
	/* LI too short for a CR's fixed part */
	static const uint8_t li_short[] = { 4, 0xe0, 0, 0, 0 };
	/* a parameter whose length runs past LI */
	static const uint8_t p_long[] = { 10, 0xe0, 0, 0, 0, 1, 0,
					  0xc2, 5, 'x', '4', '0', '0' };
	/* a parameter code without its length octet */
	static const uint8_t p_nolen[] = { 7, 0xe0, 0, 0, 0, 1, 0, 0xc2 };
	/* TPDU size of two octets, and of a value below 128 */
	static const uint8_t sz_len[] = { 10, 0xe0, 0, 0, 0, 1, 0,
					  0xc0, 2, 0, 11 };
	static const uint8_t sz_val[] = { 9, 0xe0, 0, 0, 0, 1, 0,
					  0xc0, 1, 6 };
	/* preferred size of zero and of five octets */
	static const uint8_t pf_zero[] = { 9, 0xe0, 0, 0, 0, 1, 0,
					   0xf0, 1, 0 };
	static const uint8_t pf_len[] = { 13, 0xe0, 0, 0, 0, 1, 0,
					  0xf0, 5, 0, 0, 0, 0, 1 };
	/* a called TSEL over 32 octets */
	uint8_t tsel[7 + 2 + 33] = { 7 + 2 + 33 - 1, 0xe0, 0, 0, 0, 1, 0,
				     0xc2, 33 };
	static const uint8_t one[] = { 0x02 };
	struct cotp r;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;

	(void)state;
	cr_error(li_long, sizeof(li_long), COTP_E_TPDU, COTP_ER_NOT_SPECIFIED);
	cr_error(li_255, sizeof(li_255), COTP_E_TPDU, COTP_ER_NOT_SPECIFIED);
	cr_error(li_short, sizeof(li_short), COTP_E_TPDU,
		 COTP_ER_NOT_SPECIFIED);
	cr_error(p_long, sizeof(p_long), COTP_E_PARAM, COTP_ER_PARAM_VALUE);
	cr_error(p_nolen, sizeof(p_nolen), COTP_E_PARAM, COTP_ER_PARAM_VALUE);
	cr_error(sz_len, sizeof(sz_len), COTP_E_PARAM, COTP_ER_PARAM_VALUE);
	cr_error(sz_val, sizeof(sz_val), COTP_E_PARAM, COTP_ER_PARAM_VALUE);
	cr_error(pf_zero, sizeof(pf_zero), COTP_E_PARAM, COTP_ER_PARAM_VALUE);
	cr_error(pf_len, sizeof(pf_len), COTP_E_PARAM, COTP_ER_PARAM_VALUE);
	memset(tsel + 9, 'a', 33);
	cr_error(tsel, sizeof(tsel), COTP_E_PARAM, COTP_ER_PARAM_VALUE);
	assert_non_null(strstr(ev_msg, "called TSAP selector of 33"));
	cr_error(one, sizeof(one), COTP_E_TPDU, COTP_ER_NOT_SPECIFIED);
	/* a 32-octet selector is fine */
	tsel[0]--;
	tsel[8] = 32;
	assert_int_equal(cr_in(tsel, sizeof(tsel) - 1, &r, &ind, &out), 0);
	assert_int_equal(ind.called.len, 32);
	cotp_free(&r);
	buf_free(&out);
}

static void test_unknown_parameters(void **state)
{
	/* in a CR an unknown parameter (0x99) is ignored (X.224 13.2.3) */
	static const uint8_t cr[] = { 13, 0xe0, 0, 0, 0, 1, 0,
				      0x99, 2, 1, 2, 0xc0, 1, 9 };
	/* in a DR it is a protocol error; 0xE0 is fine */
	static const uint8_t dr_ok[] = { 9, 0x80, 0, 1, 0, 2, 0x80,
					 0xe0, 1, 'z' };
	static const uint8_t dr_bad[] = { 9, 0x80, 0, 1, 0, 2, 0x80,
					  0x99, 1, 'z' };
	struct cotp i, r;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;
	uint8_t cc[] = { 10, 0xd0, 0, 0, 0, 7, 0, 0x99, 2, 1, 2 };

	(void)state;
	assert_int_equal(cr_in(cr, sizeof(cr), &r, &ind, &out), 0);
	assert_int_equal(ind.tpdu_size, 512);
	assert_int_equal(cotp_connect_resp(&r, &out), 0);
	buf_reset(&out);
	assert_int_equal(cotp_input(&r, dr_ok, sizeof(dr_ok), &ind, &out), 0);
	assert_int_equal(ind.type, COTP_DISCONNECT_IND);
	cotp_free(&r);
	connect_pair(&i, &r, 2048, 2048, 0);
	assert_int_equal(cotp_input(&r, dr_bad, sizeof(dr_bad), &ind, &out),
			 COTP_E_PARAM);
	assert_int_equal(expect_er(&out, COTP_ER_PARAM_CODE), 8);
	cotp_free(&i);
	cotp_free(&r);
	/* in a CC too */
	cotp_init(&i, COTP_INITIATOR, 0);
	assert_int_equal(cotp_connect_req(&i, NULL, NULL, &out), 0);
	buf_reset(&out);
	cc[2] = (uint8_t)(i.src_ref >> 8);
	cc[3] = (uint8_t)i.src_ref;
	assert_int_equal(cotp_input(&i, cc, sizeof(cc), &ind, &out),
			 COTP_E_PARAM);
	expect_er(&out, COTP_ER_PARAM_CODE);
	cotp_free(&i);
	buf_free(&out);
}

static void test_cc_checks(void **state)
{
	uint8_t cc[] = { 6, 0xd0, 0, 0, 0, 7, 0x00 };
	struct cotp i;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;

	(void)state;
	/* DST-REF that does not answer ours */
	cotp_init(&i, COTP_INITIATOR, 0);
	i.src_ref = 0x1111;
	assert_int_equal(cotp_connect_req(&i, NULL, NULL, &out), 0);
	buf_reset(&out);
	cc[2] = 0x22;
	cc[3] = 0x22;
	assert_int_equal(cotp_input(&i, cc, sizeof(cc), &ind, &out),
			 COTP_E_REF);
	assert_non_null(strstr(ind.why, "0x2222"));
	expect_er(&out, COTP_ER_PARAM_VALUE);
	cotp_free(&i);
	/* a class other than 0 */
	cotp_init(&i, COTP_INITIATOR, 0);
	i.src_ref = 0x1111;
	assert_int_equal(cotp_connect_req(&i, NULL, NULL, &out), 0);
	buf_reset(&out);
	cc[2] = 0x11;
	cc[3] = 0x11;
	cc[6] = 0x20;
	assert_int_equal(cotp_input(&i, cc, sizeof(cc), &ind, &out),
			 COTP_E_PARAM);
	expect_er(&out, COTP_ER_PARAM_VALUE);
	cotp_free(&i);
	buf_free(&out);
}

/* ---- tp_feed: framer and machine --------------------------------------- */

/* pump - feed all of in to t, step octets at a time; returns the
 *	indications seen, in order, as types; copies the last data */
static int pump(struct tp *t, struct buf *in, size_t step, int *types,
		int max, struct buf *out, struct buf *data)
{
	const uint8_t *p = buf_ptr(in);
	size_t n = buf_avail(in), off = 0;
	int k = 0;

	while (off < n) {
		size_t chunk = n - off < step ? n - off : step, c = 0;

		while (c < chunk) {
			struct cotp_ind ind;
			size_t used;
			int rc = tp_feed(t, p + off + c, chunk - c, &used,
					 &ind, out);

			c += used;
			if (rc < 0)
				return rc;
			if (rc == 1) {
				assert_true(k < max);
				types[k++] = ind.type;
				if (ind.type == COTP_DATA_IND) {
					buf_reset(data);
					buf_add(data, ind.data, ind.len);
				}
			} else {
				assert_int_equal(c, chunk);
			}
		}
		off += chunk;
	}
	buf_consume(in, n);
	return k;
}

static void test_tp_feed(void **state)
{
	struct tp a, b;
	struct buf ab = BUF_INIT, ba = BUF_INIT, data = BUF_INIT;
	struct cotp_addr called = sel("x400");
	uint8_t d[5000];
	int types[8];
	size_t k, step;

	(void)state;
	for (k = 0; k < sizeof(d); k++)
		d[k] = (uint8_t)(k ^ (k >> 8));
	for (step = 1; step <= 4096; step *= 8) {
		tp_init(&a, COTP_INITIATOR, 0);
		tp_init(&b, COTP_RESPONDER, 0);
		assert_int_equal(cotp_connect_req(&a.cotp, NULL, &called,
						  &ab), 0);
		assert_int_equal(pump(&b, &ab, step, types, 8, &ba, &data), 1);
		assert_int_equal(types[0], COTP_CONNECT_IND);
		assert_int_equal(cotp_connect_resp(&b.cotp, &ba), 0);
		/* CC and two TSDUs in one stream */
		assert_int_equal(cotp_data_req(&b.cotp, d, sizeof(d), &ba), 0);
		assert_int_equal(cotp_data_req(&b.cotp, d, 10, &ba), 0);
		assert_int_equal(pump(&a, &ba, step, types, 8, &ab, &data),
				 3);
		assert_int_equal(types[0], COTP_CONNECT_CONF);
		assert_int_equal(types[1], COTP_DATA_IND);
		assert_int_equal(types[2], COTP_DATA_IND);
		assert_int_equal(buf_avail(&data), 10);
		assert_int_equal(cotp_data_req(&a.cotp, d, sizeof(d), &ab), 0);
		assert_int_equal(pump(&b, &ab, step, types, 8, &ba, &data), 1);
		assert_int_equal(buf_avail(&data), sizeof(d));
		assert_memory_equal(buf_ptr(&data), d, sizeof(d));
		assert_int_equal(buf_avail(&ab), 0);
		assert_int_equal(buf_avail(&ba), 0);
		tp_free(&a);
		tp_free(&b);
	}
	buf_free(&ab);
	buf_free(&ba);
	buf_free(&data);
}

/* a bad TPKT header through tp_feed: logged as "tpkt", ER sent */
static void test_tp_bad_tpkt(void **state)
{
	static const uint8_t junk[] = { 'G', 'E', 'T', ' ', '/' };
	static const uint8_t shortlen[] = { 3, 0, 0, 5, 0 };
	struct tp t;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;
	size_t used;

	(void)state;
	tp_init(&t, COTP_RESPONDER, 0);
	cotp_set_who(&t.cotp, "127.0.0.9:1234", "x");
	assert_int_equal(tp_feed(&t, junk, sizeof(junk), &used, &ind, &out),
			 TPKT_E_VERSION);
	assert_int_equal(ev_last, EV_TPKT_BAD);
	assert_string_equal(ev_layer, "tpkt");
	assert_string_equal(ev_peer, "127.0.0.9:1234");
	assert_non_null(strstr(ind.why, "version"));
	expect_er(&out, COTP_ER_NOT_SPECIFIED);
	tp_free(&t);
	tp_init(&t, COTP_RESPONDER, 0);
	assert_int_equal(tp_feed(&t, shortlen, sizeof(shortlen), &used, &ind,
				 &out), TPKT_E_LENGTH);
	assert_int_equal(used, 4);
	assert_non_null(strstr(ind.why, "00 05"));
	tp_free(&t);
	buf_free(&out);
}

/* ---- hostile input: every one-octet corruption ----------------------- */

static void test_corrupt_every_octet(void **state)
{
	struct cotp i, r;
	struct buf cr = BUF_INIT, stream = BUF_INIT, out = BUF_INIT;
	struct cotp_addr called = sel("x400"), calling = sel("me");
	static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xc0, 0xff };
	uint8_t d[300];
	size_t k, v;

	(void)state;
	memset(d, 'd', sizeof(d));
	cotp_init(&i, COTP_INITIATOR, 0);
	assert_int_equal(cotp_connect_req(&i, &calling, &called, &cr), 0);
	cotp_free(&i);
	/* a CR, corrupted, given to a responder */
	for (k = 4; k < buf_avail(&cr); k++) {
		for (v = 0; v < sizeof(vals); v++) {
			uint8_t copy[128];
			struct cotp_ind ind;

			memcpy(copy, buf_ptr(&cr), buf_avail(&cr));
			copy[k] = vals[v];
			cotp_init(&r, COTP_RESPONDER, 0);
			(void)cotp_input(&r, copy + 4, buf_avail(&cr) - 4,
					 &ind, &out);
			/* and every shorter cut */
			cotp_free(&r);
			cotp_init(&r, COTP_RESPONDER, 0);
			(void)cotp_input(&r, copy + 4, k - 3, &ind, &out);
			cotp_free(&r);
			buf_reset(&out);
		}
	}
	/* a stream (CR, DT, DT), corrupted, through tp_feed */
	connect_pair(&i, &r, 128, 128, 1000);
	buf_add(&stream, buf_ptr(&cr), buf_avail(&cr));
	assert_int_equal(cotp_data_req(&i, d, sizeof(d), &stream), 0);
	assert_int_equal(cotp_data_req(&i, d, 3, &stream), 0);
	for (k = 0; k < buf_avail(&stream); k++) {
		for (v = 0; v < sizeof(vals); v++) {
			struct buf copy = BUF_INIT;
			struct tp t;
			size_t off = 0, used;
			int rc = 0;

			buf_add(&copy, buf_ptr(&stream), buf_avail(&stream));
			copy.data[k] = vals[v];
			tp_init(&t, COTP_RESPONDER, 1000);
			while (off < copy.len) {
				struct cotp_ind ind;

				rc = tp_feed(&t, copy.data + off,
					     copy.len - off, &used, &ind,
					     &out);
				off += used;
				if (rc < 0)
					break;
				if (ind.type == COTP_CONNECT_IND)
					(void)cotp_connect_resp(&t.cotp,
								&out);
				if (rc == 0)
					assert_int_equal(off, copy.len);
			}
			tp_free(&t);
			buf_free(&copy);
			buf_reset(&out);
		}
	}
	cotp_free(&i);
	cotp_free(&r);
	buf_free(&cr);
	buf_free(&stream);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connect_sizes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cr_size_variants, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cc_size_variants, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_class_negotiation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pp_capture, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_isode_capture, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_segmentation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reassembly_cap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refuse_and_release, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pp_dr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_er, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_tpdu, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_out_of_state, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_lengths, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_parameters, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cc_checks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tp_feed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tp_bad_tpkt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_every_octet, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
