/*
 * test_codec.c - the codec wrapper's TLV walk and its refusals
 *
 * Every case is a byte string built here, so each outcome is known:
 * valid forms pass with the right length, and each kind of damage gets
 * its own error code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codec.h"

#include "MTS-APDU.h"
#include "ORName.h"

struct ber_case {
	const char	*name;
	const char	*hex;
	int		err;		/* expected result */
	size_t		tlvlen;		/* expected length when err == 0 */
};

/* unhex - decode a hex string with optional spaces; caller frees */
static unsigned char *unhex(const char *hex, size_t *len)
{
	unsigned char *p = malloc(strlen(hex) / 2 + 1);
	size_t n = 0;

	assert_non_null(p);
	while (*hex) {
		unsigned v;

		if (*hex == ' ') {
			hex++;
			continue;
		}
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		p[n++] = (unsigned char)v;
		hex += 2;
	}
	*len = n;
	return p;
}

static const struct ber_case ber_cases[] = {
	{ "primitive", "02 01 05", 0, 3 },
	{ "empty constructed", "30 00", 0, 2 },
	{ "definite nested", "30 06 02 01 01 04 01 41", 0, 8 },
	{ "indefinite", "30 80 02 01 01 00 00", 0, 7 },
	{ "indefinite in indefinite", "30 80 31 80 04 00 00 00 00 00", 0,
	  10 },
	{ "definite in indefinite", "30 80 31 03 02 01 07 00 00", 0, 9 },
	{ "constructed octet string", "24 80 04 02 41 42 04 01 43 00 00",
	  0, 11 },
	{ "long-form length", "04 81 02 41 42", 0, 5 },
	{ "long-form with leading zero", "04 82 00 02 41 42", 0, 6 },
	{ "high tag number", "9f 81 00 01 00", 0, 5 },
	{ "trailing data ignored", "02 01 05 ff ff", 0, 3 },
	{ "empty input", "", CODEC_E_TRUNCATED, 0 },
	{ "tag only", "30", CODEC_E_TRUNCATED, 0 },
	{ "content short", "04 05 41 42", CODEC_E_TRUNCATED, 0 },
	{ "long length short", "04 82 01", CODEC_E_TRUNCATED, 0 },
	{ "indefinite without end", "30 80 02 01 01", CODEC_E_TRUNCATED,
	  0 },
	{ "long tag cut", "9f 81", CODEC_E_TRUNCATED, 0 },
	{ "child passes parent", "30 03 04 05 41 42 43 44 45",
	  CODEC_E_MALFORMED, 0 },
	{ "indefinite primitive", "04 80 41 00 00", CODEC_E_MALFORMED, 0 },
	{ "reserved length 0xff", "04 ff 00", CODEC_E_MALFORMED, 0 },
	{ "nine length octets", "04 89 00 00 00 00 00 00 00 00 01",
	  CODEC_E_MALFORMED, 0 },
	{ "end-of-contents in definite", "30 02 00 00", CODEC_E_MALFORMED,
	  0 },
	{ "tag number over 4 octets", "9f 81 81 81 81 01 00",
	  CODEC_E_MALFORMED, 0 },
	{ "length beyond buffer", "04 84 7f ff ff ff 41",
	  CODEC_E_TRUNCATED, 0 },
	{ "huge length", "04 88 ff ff ff ff ff ff ff ff", CODEC_E_MALFORMED,
	  0 },
};

static void test_ber_check_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ber_cases) / sizeof(ber_cases[0]);
	     i++) {
		const struct ber_case *c = &ber_cases[i];
		size_t len, tlv = 0;
		unsigned char *p = unhex(c->hex, &len);
		int err = codec_ber_check(p, len, 0, &tlv);

		if (err != c->err)
			fail_msg("%s: got %d (%s), want %d", c->name, err,
				 codec_last_detail(), c->err);
		if (err == 0 && tlv != c->tlvlen)
			fail_msg("%s: length %zu, want %zu", c->name, tlv,
				 c->tlvlen);
		free(p);
	}
}

/* nest - depth constructed values, definite or indefinite */
static unsigned char *nest(int depth, int indefinite, size_t *len)
{
	unsigned char *p = malloc((size_t)depth * 5 + 2);
	size_t n = 0;

	assert_non_null(p);
	assert_true(depth < 80);	/* one long-form length octet */
	for (int i = 0; i < depth; i++) {
		p[n++] = 0x30;
		if (indefinite) {
			p[n++] = 0x80;
		} else {
			p[n++] = 0x81;
			p[n++] = (unsigned char)(3 * (depth - i - 1) + 2);
		}
	}
	p[n++] = 0x05;			/* NULL at the bottom */
	p[n++] = 0x00;
	if (indefinite)
		for (int i = 0; i < depth; i++) {
			p[n++] = 0;
			p[n++] = 0;
		}
	*len = n;
	return p;
}

static void test_ber_depth_bound(void **state)
{
	(void)state;
	for (int indef = 0; indef <= 1; indef++) {
		size_t len, tlv;
		unsigned char *ok = nest(CODEC_MAX_DEPTH, indef, &len);
		unsigned char *deep;

		assert_int_equal(codec_ber_check(ok, len, 0, &tlv), 0);
		assert_int_equal(tlv, len);
		free(ok);
		deep = nest(CODEC_MAX_DEPTH + 1, indef, &len);
		assert_int_equal(codec_ber_check(deep, len, 0, &tlv),
				 CODEC_E_DEPTH);
		free(deep);
		/* A caller may ask for a tighter bound. */
		ok = nest(5, indef, &len);
		assert_int_equal(codec_ber_check(ok, len, 4, &tlv),
				 CODEC_E_DEPTH);
		assert_int_equal(codec_ber_check(ok, len, 5, &tlv), 0);
		free(ok);
	}
}

/* Every strict prefix of a valid value is truncated, never accepted. */
static void test_ber_every_prefix_truncated(void **state)
{
	size_t len, tlv;
	unsigned char *p = unhex("30 80 31 80 a0 03 02 01 01 24 80 04 02 41"
				 " 42 00 00 00 00 04 81 01 5a 00 00", &len);

	(void)state;
	assert_int_equal(codec_ber_check(p, len, 0, &tlv), 0);
	assert_int_equal(tlv, len);
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(codec_ber_check(p, cut, 0, &tlv),
				 CODEC_E_TRUNCATED);
	free(p);
}

static void test_strerror_names_all(void **state)
{
	(void)state;
	for (int e = CODEC_E_NOMEM; e <= CODEC_OK; e++)
		assert_string_not_equal(codec_strerror(e),
					"unknown codec error");
	assert_string_equal(codec_strerror(42), "unknown codec error");
}

/* ---- where an undecodable value goes wrong ---------------------------- */

/* refused_at - td refuses hex (its skeleton is valid): the detail names
 *	the path and the offset */
static void refused_at(const asn_TYPE_descriptor_t *td,
		       const unsigned char *p, size_t n, const char *want)
{
	void *v = NULL;

	assert_int_equal(codec_decode(td, p, n, 0, &v, NULL),
			 CODEC_E_MALFORMED);
	assert_null(v);
	if (strstr(codec_last_detail(), want) == NULL)
		fail_msg("detail \"%s\" lacks \"%s\"", codec_last_detail(),
			 want);
}

/* An O/R name (X.411 12.2.2, ORName ::= [APPLICATION 0] SEQUENCE) whose
 * country-name ([APPLICATION 1] CHOICE { NumericString, PrintableString
 * }) holds an INTEGER: 60 0c 30 0a | 61 03 02 01 05 | 62 03 13 01 20. */
static void test_locate_orname(void **state)
{
	size_t n;
	unsigned char *p = unhex("600c300a 6103020105 6203130120", &n);

	(void)state;
	refused_at(&asn_DEF_ORName, p, n, "ORName.built-in-standard-"
		   "attributes.country-name: [UNIVERSAL 2]: not an "
		   "alternative of CountryName (offset 6)");
	/* a mandatory member gone: the built-in standard attributes */
	free(p);
	p = unhex("6000", &n);
	refused_at(&asn_DEF_ORName, p, n, "ORName: built-in-standard-"
		   "attributes missing (offset 2)");
	free(p);
	/* after the country name, a tag no member takes: [9] */
	p = unhex("6009 3007 6103130147 8900", &n);
	refused_at(&asn_DEF_ORName, p, n, "ORName.built-in-standard-"
		   "attributes: [9]: no member of BuiltInStandardAttributes "
		   "after country-name takes this tag (offset 9)");
	free(p);
}

/* A message PP sent (tests/vectors/pp-message.ber), damaged by hand in
 * two places X.411 fixes: per-message-indicators ([APPLICATION 8] BIT
 * STRING) at offset 123 with 9 unused bits (X.690 8.6.2.2 allows 0..7),
 * and the originator's country-name holding an INTEGER (offset 67). */
static void test_locate_pp_message(void **state)
{
	unsigned char buf[4096];
	size_t n;
	FILE *f = fopen("tests/vectors/pp-message.ber", "rb");

	(void)state;
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(n, 698);
	assert_int_equal(buf[123], 0x48);
	buf[125] = 0x09;
	refused_at(&asn_DEF_MTS_APDU, buf, n, "MTS-APDU.message.envelope."
		   "per-message-indicators: not a valid PerMessageIndicators "
		   "(tag [APPLICATION 8], 4 octets) (offset 123)");
	buf[125] = 0x04;
	assert_int_equal(buf[67], 0x13);
	buf[67] = 0x02;
	refused_at(&asn_DEF_MTS_APDU, buf, n, "MTS-APDU.message.envelope."
		   "originator-name.built-in-standard-attributes.country-"
		   "name: [UNIVERSAL 2]: not an alternative of CountryName "
		   "(offset 67)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ber_check_table),
		cmocka_unit_test(test_ber_depth_bound),
		cmocka_unit_test(test_ber_every_prefix_truncated),
		cmocka_unit_test(test_strerror_names_all),
		cmocka_unit_test(test_locate_orname),
		cmocka_unit_test(test_locate_pp_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
