/*
 * test_osi.c - the whole stack of one association as bytes: two osi
 *	machines joined by their output buffers, cut at odd places; peers
 *	that misbehave at the transport; PP's initiator replayed as TPDUs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "capture.h"
#include "events.h"
#include "log.h"
#include "osi.h"
#include "tpkt.h"

#define MAXIND 64

struct side {
	struct osi	o;
	enum rtse_ind_type ind[MAXIND];
	size_t		len[MAXIND];
	int		nind;
	size_t		got;		/* octets of the last APDU */
	unsigned char	first, lastb;	/* its first and last octet */
};

static void on_ind(void *arg, const struct rtse_ind *ind)
{
	struct side *s = arg;

	if (ind->type == RTSE_NOTICE_IND)
		return;
	assert_true(s->nind < MAXIND);
	s->ind[s->nind] = ind->type;
	s->len[s->nind] = ind->len;
	s->nind++;
	switch (ind->type) {
	case RTSE_OPEN_IND:
		assert_int_equal(rtse_open_rsp(&s->o.rtse, 1, "\x05\x00", 2),
				 0);
		break;
	case RTSE_TRANSFER_IND:
		s->got = ind->len;
		if (ind->len) {
			s->first = ind->data[0];
			s->lastb = ind->data[ind->len - 1];
		}
		assert_int_equal(rtse_transfer_rsp(&s->o.rtse, 1), 0);
		break;
	case RTSE_CLOSE_IND:
		assert_int_equal(rtse_close_rsp(&s->o.rtse), 0);
		break;
	default:
		break;
	}
}

static struct osi_cfg cfg_of(enum rtse_role role, enum rtse_mode mode,
			     unsigned ckpt)
{
	struct osi_cfg c;

	memset(&c, 0, sizeof(c));
	c.role = role;
	c.rtse.mode = mode;
	c.rtse.checkpoint = ckpt;
	c.rtse.max_apdu = 32u << 20;
	memcpy(c.called_tsel.sel, "x400", 4);
	c.called_tsel.len = 4;
	c.check_tsel = role == RTSE_RESPONDER;
	c.peer = "127.0.0.1:102";
	c.link = "test";
	return c;
}

/* move - deliver what from sent to to, in chunks of chunk octets */
static int move(struct side *from, struct side *to, size_t chunk)
{
	int rc = 0;

	while (buf_avail(&from->o.out) > 0) {
		struct buf b = BUF_INIT;
		size_t off = 0;

		/* take the bytes out first: to may answer into its own */
		buf_add(&b, buf_ptr(&from->o.out), buf_avail(&from->o.out));
		buf_reset(&from->o.out);
		while (off < buf_avail(&b)) {
			size_t n = buf_avail(&b) - off;

			if (n > chunk)
				n = chunk;
			if (osi_input(&to->o, buf_ptr(&b) + off, n) != 0)
				rc = -1;
			off += n;
		}
		buf_free(&b);
	}
	return rc;
}

static int pump(struct side *a, struct side *b, size_t chunk)
{
	int rc = 0;

	while (buf_avail(&a->o.out) || buf_avail(&b->o.out)) {
		if (move(a, b, chunk))
			rc = -1;
		if (move(b, a, chunk + 3))
			rc = -1;
	}
	return rc;
}

static enum rtse_ind_type last(const struct side *s)
{
	assert_true(s->nind > 0);
	return s->ind[s->nind - 1];
}

/* A whole association through every layer, at odd cut points: open,
 * APDUs of 0 B, 1 KB and 16 MB, release; then who closes the
 * connection. */
static void test_whole_stack(void **state)
{
	static const size_t chunks[] = { 1, 7, 1500, 65536 };
	static const size_t sizes[] = { 0, 1024, 16u << 20 };
	int mode;
	size_t c, i;

	(void)state;
	for (mode = RTSE_NORMAL; mode <= RTSE_X410; mode++) {
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			struct osi_cfg ca = cfg_of(RTSE_INITIATOR, mode,
						   c % 2 ? 64 : 0);
			struct osi_cfg cb = cfg_of(RTSE_RESPONDER, mode, 64);
			struct side a, b;

			memset(&a, 0, sizeof(a));
			memset(&b, 0, sizeof(b));
			osi_init(&a.o, &ca, on_ind, &a);
			osi_init(&b.o, &cb, on_ind, &b);
			assert_int_equal(osi_connect(&a.o, "\x04\x01X", 3), 0);
			assert_int_equal(pump(&a, &b, chunks[c]), 0);
			assert_int_equal(last(&a), RTSE_OPEN_CONF);
			for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]);
			     i++) {
				size_t n = sizes[i];
				unsigned char *apdu;

				if (chunks[c] < 1500 && n > 4096)
					continue;	/* too slow in crumbs */
				apdu = calloc(1, n ? n : 1);
				assert_non_null(apdu);
				if (n) {
					apdu[0] = 0x04;
					apdu[1] = 0x84;
					apdu[2] = (unsigned char)((n - 6) >> 24);
					apdu[3] = (unsigned char)((n - 6) >> 16);
					apdu[4] = (unsigned char)((n - 6) >> 8);
					apdu[5] = (unsigned char)(n - 6);
					apdu[n - 1] = 0x5a;
				}
				assert_int_equal(rtse_transfer_req(&a.o.rtse,
				    apdu, n, NULL), 0);
				assert_int_equal(pump(&a, &b, chunks[c]), 0);
				assert_int_equal(last(&a), RTSE_TRANSFER_CONF);
				assert_int_equal(b.got, n);
				if (n)
					assert_int_equal(b.lastb, 0x5a);
				free(apdu);
			}
			assert_int_equal(rtse_close_req(&a.o.rtse), 0);
			assert_int_equal(pump(&a, &b, chunks[c]), 0);
			assert_int_equal(last(&a), RTSE_CLOSE_CONF);
			assert_int_equal(a.o.close, OSI_CLOSE_NOW);
			assert_int_equal(b.o.close, OSI_CLOSE_WAIT);
			osi_free(&a.o);
			osi_free(&b.o);
		}
	}
}

/* sink - count the events a test expects */
static unsigned seen_event;
static void sink(const struct log_rec *rec, void *arg)
{
	(void)arg;
	if (seen_event == 0 && rec->level >= LOG_NOTICE)
		seen_event = rec->event;
}

/* A CR for another TSAP selector is refused with DR 3. */
static void test_wrong_tsel(void **state)
{
	struct osi_cfg ca = cfg_of(RTSE_INITIATOR, RTSE_NORMAL, 0);
	struct osi_cfg cb = cfg_of(RTSE_RESPONDER, RTSE_NORMAL, 0);
	struct side a, b;

	(void)state;
	memcpy(ca.called_tsel.sel, "x401", 4);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	osi_init(&a.o, &ca, on_ind, &a);
	osi_init(&b.o, &cb, on_ind, &b);
	assert_int_equal(osi_connect(&a.o, "\x04\x01X", 3), 0);
	assert_int_equal(move(&a, &b, 100), -1);
	assert_int_equal(b.o.why_event, EV_COTP_BAD_TSEL);
	assert_int_equal(b.o.close, OSI_CLOSE_NOW);
	assert_int_equal(b.nind, 0);
	move(&b, &a, 100);
	assert_int_equal(a.o.close, OSI_CLOSE_NOW);
	assert_int_equal(last(&a), RTSE_OPEN_REFUSED);
	assert_int_equal(a.o.why_event, EV_COTP_REFUSED);
	osi_free(&a.o);
	osi_free(&b.o);
}

/* bytes_in - raw bytes into a fresh responder: must refuse with why */
static void bytes_in(const char *what, const void *p, size_t n,
		     unsigned want_event)
{
	struct osi_cfg cb = cfg_of(RTSE_RESPONDER, RTSE_NORMAL, 0);
	struct side b;

	memset(&b, 0, sizeof(b));
	osi_init(&b.o, &cb, on_ind, &b);
	if (osi_input(&b.o, p, n) != -1)
		fail_msg("%s: accepted", what);
	if (b.o.why_event != want_event)
		fail_msg("%s: event %u (%s), want %u", what, b.o.why_event,
			 b.o.why, want_event);
	assert_int_equal(b.o.close, OSI_CLOSE_NOW);
	osi_free(&b.o);
}

/* Transport misbehaviour: each ends with the right refusal and event. */
static void test_transport_misbehaviour(void **state)
{
	(void)state;
	seen_event = 0;
	log_set_sink(sink, NULL);
	log_quiet(1);
	bytes_in("TPKT version 2", "\x02\x00\x00\x07\x02\xf0\x80", 7,
		 EV_TPKT_BAD);
	bytes_in("TPKT length 5", "\x03\x00\x00\x05\x02\xf0\x80", 7,
		 EV_TPKT_BAD);
	bytes_in("DT before CR", "\x03\x00\x00\x08\x02\xf0\x80\x01", 8,
		 EV_COTP_BAD_TPDU);
	bytes_in("unknown TPDU", "\x03\x00\x00\x07\x02\x90\x80", 7,
		 EV_COTP_BAD_TPDU);
	log_set_sink(NULL, NULL);
}

/* A CR, then session garbage: the session layer aborts (AB, then DR). */
static void test_session_garbage(void **state)
{
	struct osi_cfg ca = cfg_of(RTSE_INITIATOR, RTSE_NORMAL, 0);
	struct osi_cfg cb = cfg_of(RTSE_RESPONDER, RTSE_NORMAL, 0);
	struct side a, b;
	struct buf t = BUF_INIT;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	osi_init(&a.o, &ca, on_ind, &a);
	osi_init(&b.o, &cb, on_ind, &b);
	assert_int_equal(osi_connect(&a.o, "\x04\x01X", 3), 0);
	assert_int_equal(move(&a, &b, 100), 0);
	buf_reset(&b.o.out);			/* forget the CC */
	tpkt_add(&t, "\x02\xf0\x80\x63\x00", 5);	/* SI 99 */
	assert_int_equal(osi_input(&b.o, buf_ptr(&t), buf_avail(&t)), -1);
	assert_int_equal(b.o.why_event, EV_SES_BAD_SPDU);
	assert_non_null(strstr(b.o.why, "SI 99"));
	assert_int_equal(b.o.close, OSI_CLOSE_NOW);
	buf_free(&t);
	osi_free(&a.o);
	osi_free(&b.o);
}

/* PP's initiator, TPDU by TPDU, to our responder: bind, message,
 * release; with the wrong password PP's own flow ends at the refusal. */
static void test_pp_tpdus(void **state)
{
	struct osi_cfg cb = cfg_of(RTSE_RESPONDER, RTSE_NORMAL, 0);
	struct side b;
	struct cap cap;
	size_t i;

	(void)state;
	assert_int_equal(cap_load("tests/vectors/pp-p1-loop-success.pcap",
				  &cap), 0);
	memset(&b, 0, sizeof(b));
	osi_init(&b.o, &cb, on_ind, &b);
	for (i = 0; i < cap.n; i++) {
		struct buf t = BUF_INIT;

		if (!cap.tsdu[i].from_initiator)
			continue;
		if (cap.tsdu[i].kind == CAP_CR) {
			tpkt_add(&t, cap.tsdu[i].data, cap.tsdu[i].len);
		} else if (cap.tsdu[i].kind == CAP_DT) {
			struct buf d = BUF_INIT;

			buf_add(&d, "\x02\xf0\x80", 3);
			buf_add(&d, cap.tsdu[i].data, cap.tsdu[i].len);
			tpkt_add(&t, buf_ptr(&d), buf_avail(&d));
			buf_free(&d);
		} else {
			continue;
		}
		if (osi_input(&b.o, buf_ptr(&t), buf_avail(&t)) != 0)
			fail_msg("frame %u: %s", cap.tsdu[i].frame, b.o.why);
		buf_free(&t);
	}
	assert_int_equal(b.ind[0], RTSE_OPEN_IND);
	assert_int_equal(b.ind[1], RTSE_TRANSFER_IND);
	assert_int_equal(b.ind[2], RTSE_CLOSE_IND);
	assert_int_equal(b.o.close, OSI_CLOSE_WAIT);
	cap_free(&cap);
	osi_free(&b.o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_stack),
		cmocka_unit_test(test_wrong_tsel),
		cmocka_unit_test(test_transport_misbehaviour),
		cmocka_unit_test(test_session_garbage),
		cmocka_unit_test(test_pp_tpdus),
	};

	log_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
