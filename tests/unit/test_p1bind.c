/*
 * test_p1bind.c - the MTA-bind values from octets built by hand from
 *	X.411 12.1.1 and X.419 A.1, in both forms peers send: tagged [16] /
 *	[17] (1988 normal mode, the RO-notation BIND) and bare (X.410-1984
 *	systems such as PP's X.410 channel).
 *
 * MTABindArgument ::= CHOICE { unauthenticated NULL,
 *	authenticated [1] SET { initiator-name [0] MTAName,
 *	initiator-credentials [1] Credentials, ... } }, IMPLICIT TAGS, so:
 *	A1 15                        [1] SET
 *	   80 07 "TESTMTA"           [0] IMPLICIT IA5String
 *	   A1 0A                     [1] (Credentials is a CHOICE: explicit)
 *	      04 08 "testpass"       simple Password: OCTET STRING
 */
#include "test_p1_util.h"

#include "buf.h"
#include "p1_bind.h"

#define ARG_BARE "a115" "800754455354 4d5441" "a10a" "0408 7465737470617373"


static unsigned char *bytes(const char *hex, size_t *n)
{
	char clean[256];
	size_t k = 0;

	for (const char *p = hex; *p && k + 1 < sizeof(clean); p++)
		if (*p != ' ')
			clean[k++] = *p;
	clean[k] = 0;
	return hex_bytes(clean, n);
}

static void decode_ok(const char *hex, int result, int want_bare,
		      const char *name, const char *pw, size_t pwlen)
{
	struct assoc_bind b = { 0 };
	char why[300];
	size_t n;
	unsigned char *p = bytes(hex, &n);
	int bare = -1;

	assert_int_equal(p1_bind_decode(p, n, result, &b, &bare, why,
					sizeof(why)), 0);
	assert_int_equal(bare, want_bare);
	assert_int_equal(b.authenticated, 1);
	assert_string_equal(b.name, name);
	assert_int_equal(b.password_len, pwlen);
	assert_memory_equal(b.password, pw, pwlen);
	free(p);
}

static void test_argument_both_forms(void **state)
{
	(void)state;
	decode_ok(ARG_BARE, 0, 1, "TESTMTA", "testpass", 8);
	decode_ok("b017" ARG_BARE, 0, 0, "TESTMTA", "testpass", 8);
	/* indefinite length around the [16] and the SET */
	decode_ok("b080 a180 800754455354 4d5441 a10a 0408 7465737470617373"
		  " 0000 0000", 0, 0, "TESTMTA", "testpass", 8);
}

static void test_result_both_forms(void **state)
{
	/* MTABindResult: [1] SET { [0] "PPMTA", [1] simple IA5String (16)
	 * "ppppass!" }: the IA5 form of Password */
	static const char res[] = "a113" "80055050 4d5441" "a10a"
	    "1608 7070707061737321";

	(void)state;
	decode_ok(res, 1, 1, "PPMTA", "ppppass!", 8);
	decode_ok("b115" "a113" "80055050 4d5441" "a10a" "1608 7070707061737321",
		  1, 0, "PPMTA", "ppppass!", 8);
	/* unauthenticated: NULL, bare and wrapped */
	{
		struct assoc_bind b = { 0 };
		char why[300];
		static const unsigned char null[] = { 0x05, 0x00 };
		static const unsigned char wrapped[] = { 0xb1, 0x02, 0x05, 0x00 };
		int bare;

		assert_int_equal(p1_bind_decode(null, 2, 1, &b, &bare, why,
						sizeof(why)), 0);
		assert_int_equal(b.authenticated, 0);
		assert_int_equal(bare, 1);
		assert_int_equal(p1_bind_decode(wrapped, 4, 1, &b, &bare, why,
						sizeof(why)), 0);
		assert_int_equal(bare, 0);
	}
}

static void test_encode_forms(void **state)
{
	struct assoc_bind b = { .authenticated = 1, .name = "TESTMTA",
				.password = "testpass", .password_len = 8 };
	struct buf out = BUF_INIT;
	size_t n;
	unsigned char *want;

	(void)state;
	want = bytes(ARG_BARE, &n);
	assert_int_equal(p1_bind_encode(&b, 0, 1, &out), 0);
	assert_int_equal(buf_avail(&out), n);
	assert_memory_equal(buf_ptr(&out), want, n);
	free(want);
	buf_free(&out);
	want = bytes("b017" ARG_BARE, &n);
	assert_int_equal(p1_bind_encode(&b, 0, 0, &out), 0);
	assert_int_equal(buf_avail(&out), n);
	assert_memory_equal(buf_ptr(&out), want, n);
	free(want);
	buf_free(&out);
	/* the result: [17] around the same shape */
	assert_int_equal(p1_bind_encode(&b, 1, 0, &out), 0);
	assert_int_equal(buf_ptr(&out)[0], 0xb1);
	assert_int_equal(buf_ptr(&out)[2], 0xa1);
	buf_free(&out);
}

static void test_bad_values(void **state)
{
	struct assoc_bind b = { 0 };
	char why[300];
	size_t n;
	int bare;
	/* a [16] whose content is a SEQUENCE, not the CHOICE */
	unsigned char *p = bytes("b0023000", &n);

	(void)state;
	assert_int_equal(p1_bind_decode(p, n, 0, &b, &bare, why,
					sizeof(why)), -1);
	assert_non_null(strstr(why, "undecodable MTA-bind argument"));
	free(p);
	/* the bind error: bare INTEGER 2, and inside a [18] */
	{
		static const unsigned char e1[] = { 0x02, 0x01, 0x02 };
		static const unsigned char e2[] = { 0xb2, 0x03, 0x02, 0x01,
						    0x02 };

		assert_int_equal(p1_bind_error_decode(e1, 3), 2);
		assert_int_equal(p1_bind_error_decode(e2, 5), 2);
		assert_string_equal(p1_bind_error_name(2),
				    "authentication-error");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argument_both_forms),
		cmocka_unit_test(test_result_both_forms),
		cmocka_unit_test(test_encode_forms),
		cmocka_unit_test(test_bad_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
