/*
 * test_tpkt.c - RFC 1006 framing: tpkt_add() and the receive framer fed
 *	byte by byte, in one piece, split at every offset; wrong version,
 *	short and long lengths, reserved octet ignored
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "tpkt.h"

/* three TPDUs of different sizes, as one stream */
static void make_stream(struct buf *b)
{
	static const uint8_t dt[] = { 0x02, 0xf0, 0x80, 'a', 'b', 'c' };
	static const uint8_t dr[] = { 0x06, 0x80, 0, 1, 0, 2, 0x80 };
	uint8_t big[3000];
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 1);
	tpkt_add(b, dt, sizeof(dt));
	tpkt_add(b, big, sizeof(big));
	tpkt_add(b, dr, sizeof(dr));
}

/* feed - push p[0..n) in chunks of step octets; collect TPDUs, joined
 *	with their lengths into got; returns the number of TPDUs or <0 */
static int feed(struct tpkt_rx *rx, const uint8_t *p, size_t n, size_t step,
		struct buf *got)
{
	size_t off = 0;
	int count = 0;

	while (off < n) {
		size_t chunk = n - off < step ? n - off : step, c = 0;

		while (c < chunk) {
			const uint8_t *t;
			size_t used, len;
			int rc = tpkt_rx_feed(rx, p + off + c, chunk - c,
					      &used, &t, &len);

			if (rc < 0)
				return rc;
			assert_true(used <= chunk - c);
			c += used;
			if (rc == 1) {
				buf_add_u16be(got, (unsigned)len);
				buf_add(got, t, len);
				count++;
			} else {
				assert_int_equal(c, chunk);
			}
		}
		off += chunk;
	}
	return count;
}

static void test_add_header(void **state)
{
	struct buf b = BUF_INIT;
	static const uint8_t t[] = { 0x02, 0xf0, 0x80 };
	static const uint8_t want[] = { 3, 0, 0, 7, 0x02, 0xf0, 0x80 };

	(void)state;
	tpkt_add(&b, t, sizeof(t));
	assert_int_equal(buf_avail(&b), sizeof(want));
	assert_memory_equal(buf_ptr(&b), want, sizeof(want));
	buf_free(&b);
}

static void test_one_piece(void **state)
{
	struct buf in = BUF_INIT, got = BUF_INIT, ref = BUF_INIT;
	struct tpkt_rx rx;

	(void)state;
	make_stream(&in);
	tpkt_rx_init(&rx, TPKT_MAX_LEN);
	assert_int_equal(feed(&rx, buf_ptr(&in), buf_avail(&in),
			      buf_avail(&in), &ref), 3);
	assert_int_equal(rx.packets, 3);
	assert_int_equal(tpkt_rx_pending(&rx), 0);
	/* the lengths and contents */
	assert_int_equal(buf_avail(&ref), 2 + 6 + 2 + 3000 + 2 + 7);
	assert_int_equal(buf_ptr(&ref)[0] << 8 | buf_ptr(&ref)[1], 6);
	assert_memory_equal(buf_ptr(&ref) + 2, buf_ptr(&in) + 4, 6);
	tpkt_rx_free(&rx);

	/* byte by byte gives the same TPDUs */
	tpkt_rx_init(&rx, TPKT_MAX_LEN);
	assert_int_equal(feed(&rx, buf_ptr(&in), buf_avail(&in), 1, &got), 3);
	assert_int_equal(buf_avail(&got), buf_avail(&ref));
	assert_memory_equal(buf_ptr(&got), buf_ptr(&ref), buf_avail(&ref));
	tpkt_rx_free(&rx);
	buf_free(&in);
	buf_free(&got);
	buf_free(&ref);
}

/* every split of the stream into two reads, and many chunk sizes */
static void test_every_split(void **state)
{
	struct buf in = BUF_INIT, ref = BUF_INIT;
	struct tpkt_rx rx;
	size_t cut, step;

	(void)state;
	make_stream(&in);
	tpkt_rx_init(&rx, TPKT_MAX_LEN);
	assert_int_equal(feed(&rx, buf_ptr(&in), buf_avail(&in),
			      buf_avail(&in), &ref), 3);
	tpkt_rx_free(&rx);
	for (cut = 0; cut <= buf_avail(&in); cut++) {
		struct buf got = BUF_INIT;

		tpkt_rx_init(&rx, TPKT_MAX_LEN);
		assert_true(feed(&rx, buf_ptr(&in), cut, cut ? cut : 1,
				 &got) >= 0);
		assert_true(feed(&rx, buf_ptr(&in) + cut,
				 buf_avail(&in) - cut, buf_avail(&in), &got)
			    >= 0);
		assert_int_equal(buf_avail(&got), buf_avail(&ref));
		assert_memory_equal(buf_ptr(&got), buf_ptr(&ref),
				    buf_avail(&ref));
		tpkt_rx_free(&rx);
		buf_free(&got);
	}
	for (step = 2; step < 40; step += 3) {
		struct buf got = BUF_INIT;

		tpkt_rx_init(&rx, TPKT_MAX_LEN);
		assert_int_equal(feed(&rx, buf_ptr(&in), buf_avail(&in), step,
				      &got), 3);
		assert_memory_equal(buf_ptr(&got), buf_ptr(&ref),
				    buf_avail(&ref));
		tpkt_rx_free(&rx);
		buf_free(&got);
	}
	buf_free(&in);
	buf_free(&ref);
}

/* several TPDUs in one read come out one call at a time */
static void test_multiple_in_one_read(void **state)
{
	struct buf in = BUF_INIT;
	struct tpkt_rx rx;
	const uint8_t *t;
	size_t used, len, off = 0;

	(void)state;
	make_stream(&in);
	tpkt_rx_init(&rx, TPKT_MAX_LEN);
	assert_int_equal(tpkt_rx_feed(&rx, buf_ptr(&in), buf_avail(&in),
				      &used, &t, &len), 1);
	assert_int_equal(used, 10);
	assert_int_equal(len, 6);
	assert_ptr_equal(t, buf_ptr(&in) + 4);	/* no copy */
	off += used;
	assert_int_equal(tpkt_rx_feed(&rx, buf_ptr(&in) + off,
				      buf_avail(&in) - off, &used, &t, &len),
			 1);
	assert_int_equal(len, 3000);
	off += used;
	assert_int_equal(tpkt_rx_feed(&rx, buf_ptr(&in) + off,
				      buf_avail(&in) - off, &used, &t, &len),
			 1);
	assert_int_equal(len, 7);
	off += used;
	assert_int_equal(off, buf_avail(&in));
	assert_int_equal(tpkt_rx_feed(&rx, buf_ptr(&in), 0, &used, &t, &len),
			 0);
	assert_int_equal(used, 0);
	tpkt_rx_free(&rx);
	buf_free(&in);
}

static void test_wrong_version(void **state)
{
	static const uint8_t v2[] = { 2, 0, 0, 7, 0x02, 0xf0, 0x80 };
	static const uint8_t ok[] = { 3, 0, 0, 7, 0x02, 0xf0, 0x80 };
	struct tpkt_rx rx;
	const uint8_t *t;
	size_t used, len;

	(void)state;
	tpkt_rx_init(&rx, TPKT_MAX_LEN);
	assert_int_equal(tpkt_rx_feed(&rx, v2, sizeof(v2), &used, &t, &len),
			 TPKT_E_VERSION);
	assert_int_equal(used, 1);	/* noticed at the first octet */
	/* sticky: a good packet afterwards is refused too */
	assert_int_equal(tpkt_rx_feed(&rx, ok, sizeof(ok), &used, &t, &len),
			 TPKT_E_VERSION);
	assert_int_equal(used, 0);
	tpkt_rx_free(&rx);
	/* after a good packet, byte by byte */
	tpkt_rx_init(&rx, TPKT_MAX_LEN);
	assert_int_equal(tpkt_rx_feed(&rx, ok, sizeof(ok), &used, &t, &len),
			 1);
	assert_int_equal(tpkt_rx_feed(&rx, v2, 1, &used, &t, &len),
			 TPKT_E_VERSION);
	assert_string_equal(tpkt_strerror(TPKT_E_VERSION),
			    "TPKT version is not 3");
	tpkt_rx_free(&rx);
}

/* expect_length - a packet with this length field fails (or not) */
static int try_length(unsigned l, size_t cap)
{
	uint8_t p[4 + 300] = { 3, 0, (uint8_t)(l >> 8), (uint8_t)l };
	struct tpkt_rx rx;
	const uint8_t *t;
	size_t used, len, off = 0;
	int rc = 0;

	memset(p + 4, 0xf0, sizeof(p) - 4);
	tpkt_rx_init(&rx, cap);
	while (off < sizeof(p)) {
		rc = tpkt_rx_feed(&rx, p + off, sizeof(p) - off, &used, &t,
				  &len);
		off += used;
		if (rc != 0)
			break;
	}
	if (rc == 1)
		assert_int_equal(len, l - 4);
	tpkt_rx_free(&rx);
	return rc;
}

static void test_lengths(void **state)
{
	(void)state;
	assert_int_equal(try_length(0, TPKT_MAX_LEN), TPKT_E_LENGTH);
	assert_int_equal(try_length(4, TPKT_MAX_LEN), TPKT_E_LENGTH);
	assert_int_equal(try_length(6, TPKT_MAX_LEN), TPKT_E_LENGTH);
	assert_int_equal(try_length(7, TPKT_MAX_LEN), 1);
	assert_int_equal(try_length(200, 200), 1);	/* at the cap */
	assert_int_equal(try_length(201, 200), TPKT_E_LENGTH);
	assert_int_equal(try_length(65535, 1000), TPKT_E_LENGTH);
	/* at the full cap a 65535-octet packet is fine but incomplete */
	assert_int_equal(try_length(65535, TPKT_MAX_LEN), 0);
}

static void test_reserved_ignored(void **state)
{
	static const uint8_t p[] = { 3, 0xa5, 0, 8, 0x02, 0xf0, 0x80, 'x' };
	struct tpkt_rx rx;
	const uint8_t *t;
	size_t used, len;

	(void)state;
	tpkt_rx_init(&rx, TPKT_MAX_LEN);
	assert_int_equal(tpkt_rx_feed(&rx, p, sizeof(p), &used, &t, &len), 1);
	assert_int_equal(len, 4);
	assert_int_equal(t[3], 'x');
	tpkt_rx_free(&rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_header),
		cmocka_unit_test(test_one_piece),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_multiple_in_one_read),
		cmocka_unit_test(test_wrong_version),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_reserved_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
