/*
 * test_reject.c - every PDU type refuses damaged input without harm
 *
 * DESCRIPTION
 *	Issue 2, must-show 6, table-driven over the codec registry: for
 *	every top-level PDU type and every seed of its fuzz corpus
 *	(tests/fuzz/corpus/<PDU>/, real PDUs cut from the captures):
 *	  - the seed decodes, and its DER reads back the same;
 *	  - every strict prefix is refused as truncated;
 *	  - one octet more is refused as trailing data;
 *	  - a cap one octet short is refused as too big;
 *	  - an outer length beyond the buffer is refused as truncated;
 *	  - the seed inside CODEC_MAX_DEPTH + 1 SEQUENCEs (too deep even for
 *	    a primitive seed) is refused for depth;
 *	  - every octet, corrupted in twelve ways (each bit flipped, 00,
 *	    ff, 7f, 80), is refused with a codec error or decodes to a value
 *	    that re-encodes and decodes again to the same DER: never a
 *	    crash, a leak or a hang (ASan and UBSan watch, make check runs
 *	    this).
 *	Then known hostile inputs, each one a bug found by fuzzing (see
 *	tests/fuzz/crashes/ and asn1/README.md), with the error each must
 *	now get.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"

#define CORPUS	"tests/fuzz/corpus"

static void *zalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	assert_non_null(p);
	return p;
}

/* read_file - the whole file; caller frees */
static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *p;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	p = zalloc((size_t)n);
	assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return p;
}

/* is_codec_error - one of the documented CODEC_E_* values */
static int is_codec_error(int rc)
{
	return rc < 0 && rc >= CODEC_E_NOMEM;
}

/* refused - decoding p fails with exactly want (0: any codec error), and
 *	leaves nothing behind */
static void refused(const asn_TYPE_descriptor_t *td, const void *p,
		    size_t n, size_t cap, int want, const char *what)
{
	void *v = (void *)1;
	int rc = codec_decode(td, p, n, cap, &v, NULL);

	if (want ? rc != want : !is_codec_error(rc))
		fail_msg("%s %s: got %d (%s: %s), want %d", td->name, what, rc,
			 codec_strerror(rc), codec_last_detail(), want);
	assert_null(v);
}

/* survives - p decodes or is refused; what decodes re-encodes, and its
 *	DER decodes to the same DER again. Returns 1 if it decoded. */
static int survives(const asn_TYPE_descriptor_t *td, const void *p, size_t n)
{
	unsigned char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	void *v = NULL, *w = NULL;
	int rc = codec_decode(td, p, n, 0, &v, NULL);

	if (rc != CODEC_OK) {
		if (!is_codec_error(rc))
			fail_msg("%s: unknown result %d", td->name, rc);
		assert_null(v);
		return 0;
	}
	if (codec_encode_alloc(td, v, &a, &alen) != CODEC_OK)
		fail_msg("%s: decoded but cannot encode (%s)", td->name,
			 codec_last_detail());
	rc = codec_decode(td, a, alen, 0, &w, NULL);
	if (rc != CODEC_OK) {
		print_error("%s: input ", td->name);
		for (size_t i = 0; i < n; i++)
			print_error("%02x", ((const unsigned char *)p)[i]);
		print_error("\n%s: its DER ", td->name);
		for (size_t i = 0; i < alen; i++)
			print_error("%02x", a[i]);
		fail_msg("\n%s: our DER does not decode: %s", td->name,
			 codec_last_detail());
	}
	assert_int_equal(codec_encode_alloc(td, w, &b, &blen), CODEC_OK);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
	codec_free(td, v);
	codec_free(td, w);
	return 1;
}

/* nest - p inside depth definite SEQUENCE headers (long-form lengths) */
static unsigned char *nest(const unsigned char *p, size_t n, int depth,
			   size_t *outlen)
{
	size_t total = n + (size_t)depth * 6;
	unsigned char *o = zalloc(total), *q = o;

	for (int i = 0; i < depth; i++) {
		size_t inner = n + (size_t)(depth - i - 1) * 6;

		*q++ = 0x30;
		*q++ = 0x84;
		*q++ = (unsigned char)(inner >> 24);
		*q++ = (unsigned char)(inner >> 16);
		*q++ = (unsigned char)(inner >> 8);
		*q++ = (unsigned char)inner;
	}
	memcpy(q, p, n);
	*outlen = total;
	return o;
}

/* tag_length - the number of tag octets and of length octets of the
 *	TLV at p (valid BER); whether its length is indefinite */
static void tag_length(const unsigned char *p, size_t n, size_t *tagl,
		       size_t *lenl, int *indefinite)
{
	size_t t = 1;

	if ((p[0] & 0x1f) == 0x1f)
		while (t < n && (p[t++] & 0x80))
			;
	assert_true(t < n);
	*tagl = t;
	*indefinite = p[t] == 0x80;
	*lenl = p[t] & 0x80 && p[t] != 0x80 ? 1u + (p[t] & 0x7f) : 1u;
}

/* Totals over the whole corpus, for the log. */
struct tally {
	unsigned long seeds, corruptions, decoded;
};

/* damage_seed - everything in the head comment, for one seed */
static void damage_seed(const asn_TYPE_descriptor_t *td,
			const unsigned char *seed, size_t n, struct tally *t)
{
	static const unsigned char set[] = { 0x00, 0xff, 0x7f, 0x80 };
	unsigned char *c = zalloc(n + 16), *deep;
	size_t tagl, lenl, dlen;
	int indefinite;
	char what[64];

	assert_true(survives(td, seed, n));
	t->seeds++;
	for (size_t cut = 0; cut < n; cut++) {
		snprintf(what, sizeof(what), "cut to %zu of %zu", cut, n);
		refused(td, seed, cut, 0, CODEC_E_TRUNCATED, what);
	}
	memcpy(c, seed, n);
	c[n] = 0x05;
	refused(td, c, n + 1, 0, CODEC_E_TRAILING, "with a trailing octet");
	refused(td, seed, n, n - 1, CODEC_E_TOOBIG, "over the cap");

	/* the outer length, in long form, far beyond the buffer */
	tag_length(seed, n, &tagl, &lenl, &indefinite);
	if (!indefinite) {
		size_t m = tagl;

		memcpy(c, seed, tagl);
		c[m++] = 0x84;
		c[m++] = 0x7f;
		c[m++] = 0xff;
		c[m++] = 0xff;
		c[m++] = 0xff;
		memcpy(c + m, seed + tagl + lenl, n - tagl - lenl);
		m += n - tagl - lenl;
		refused(td, c, m, 0, CODEC_E_TRUNCATED,
			"with a length beyond the buffer");
	}

	deep = nest(seed, n, CODEC_MAX_DEPTH + 1, &dlen);
	refused(td, deep, dlen, 0, CODEC_E_DEPTH, "nested too deep");
	free(deep);

	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 12; k++) {
			unsigned char v = k < 8 ?
			    (unsigned char)(seed[i] ^ (1u << k)) : set[k - 8];

			if (v == seed[i])
				continue;
			memcpy(c, seed, n);
			c[i] = v;
			t->corruptions++;
			t->decoded += (unsigned long)survives(td, c, n);
		}
	}
	free(c);
}

/* test_corpus - damage_seed() for every seed of every PDU type */
static void test_corpus(void **state)
{
	struct tally t = { 0, 0, 0 };
	const char *name;

	(void)state;
	for (size_t i = 0; (name = codec_pdu_name(i)) != NULL; i++) {
		const asn_TYPE_descriptor_t *td = codec_pdu(name);
		char dir[512];
		struct dirent *de;
		DIR *d;
		int seeds = 0;

		snprintf(dir, sizeof(dir), "%s/%s", CORPUS, name);
		d = opendir(dir);
		if (d == NULL)
			fail_msg("%s: no seed corpus", dir);
		while ((de = readdir(d)) != NULL) {
			char path[1024];
			unsigned char *p;
			size_t n;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			p = read_file(path, &n);
			damage_seed(td, p, n, &t);
			free(p);
			seeds++;
		}
		closedir(d);
		if (seeds == 0)
			fail_msg("%s: no seed corpus", dir);
	}
	print_message("%lu seeds, %lu corruptions, %lu of them still "
		      "decode\n", t.seeds, t.corruptions, t.decoded);
}

/* ---- known hostile inputs ---------------------------------------------- */

struct hostile {
	const char	*what;
	const char	*pdu;
	const char	*hex;
	int		err;
};

static const struct hostile hostile[] = {
	/* asn1c's CHOICE decoder looped for ever on 00 xx (xx != 0) where
	 * the end of the indefinite [1] around the credentials belongs */
	{ "00 05 inside the indefinite [1] credentials", "MTABindArgument",
	  "a1 10 80 01 41 a1 80 04 00 00 05 41 41 41 41 41 00 00",
	  CODEC_E_MALFORMED },
	/* ... and the same hidden in the contents of a primitive [0] where
	 * the IPN's tagged CHOICE belongs: asn1c reads them as TLVs */
	{ "00 05 in a tagged CHOICE inside a primitive [0]",
	  "InformationObject",
	  "a1 2a 6b 03 13 01 41 80 23 a0 21 80 01 00 a3 1c 31 18 6b 16 60 "
	  "11 30 0f 61 80 13 02 44 45 00 05 41 41 41 41 41 00 00 13 01 41 "
	  "30 00", CODEC_E_MALFORMED },
	/* a primitive [1] where the credentials' CHOICE belongs, holding a
	 * BIT STRING with 132 unused bits: asn1c shifted 0xff by 132 */
	{ "BIT STRING with 132 unused bits", "MTABindArgument",
	  "a1 12 80 07 27 4d ee 75 4f 55 41 81 07 a1 11 82 02 84 4e 47", 0 },
	/* a primitive [1] where RTORJ's explicit [1] ANY belongs: asn1c
	 * kept the octet 05, not a TLV, as the ANY, and wrote back a
	 * userDataRJ that does not parse */
	{ "primitive [1] around an ANY that is not a TLV", "CPR-PPDU",
	  "31 03 81 01 05", CODEC_E_MALFORMED },
	{ NULL, NULL, NULL, 0 }
};

/* unhex - hex with spaces to octets; caller frees */
static unsigned char *unhex(const char *hex, size_t *len)
{
	unsigned char *p = zalloc(strlen(hex) / 2 + 1);
	size_t n = 0;
	unsigned v;

	while (*hex) {
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

/* test_hostile - each input of the table gets its error, and no other
 *	PDU type is harmed by it */
static void test_hostile(void **state)
{
	(void)state;
	for (const struct hostile *h = hostile; h->what; h++) {
		size_t n;
		unsigned char *p = unhex(h->hex, &n);
		const asn_TYPE_descriptor_t *td = codec_pdu(h->pdu);

		assert_non_null(td);
		refused(td, p, n, 0, h->err, h->what);
		/* every other PDU type refuses it as well */
		for (size_t i = 0; codec_pdu_name(i); i++)
			survives(codec_pdu(codec_pdu_name(i)), p, n);
		free(p);
	}
}

/* Primitive context tags nested in one another's contents: asn1c reads
 * the contents of a primitive tag where a CHOICE belongs as TLVs, so
 * these count as nesting too. */
static void test_hidden_depth(void **state)
{
	const asn_TYPE_descriptor_t *td = codec_pdu("MTABindArgument");
	unsigned char p[4 * (CODEC_MAX_DEPTH + 2) + 2];
	size_t tlv;

	(void)state;
	for (int depth = CODEC_MAX_DEPTH - 1; depth <= CODEC_MAX_DEPTH + 1;
	     depth++) {
		size_t n = 0;

		for (int i = 0; i < depth; i++) {
			size_t inner = 4u * (size_t)(depth - i - 1) + 2;

			p[n++] = 0x81;
			p[n++] = 0x82;
			p[n++] = (unsigned char)(inner >> 8);
			p[n++] = (unsigned char)inner;
		}
		p[n++] = 0x04;			/* OCTET STRING, empty */
		p[n++] = 0x00;
		if (depth > CODEC_MAX_DEPTH) {
			assert_int_equal(codec_ber_check(p, n, 0, &tlv),
					 CODEC_E_DEPTH);
			refused(td, p, n, 0, CODEC_E_DEPTH, "hidden depth");
		} else {
			assert_int_equal(codec_ber_check(p, n, 0, &tlv),
					 CODEC_OK);
			assert_int_equal(tlv, n);
		}
	}
}

/* What is not TLVs inside a primitive context tag is opaque: legitimate
 * IMPLICIT OCTET STRINGs with any contents pass the skeleton check. */
static void test_opaque_primitives(void **state)
{
	static const char *const ok[] = {
		"81 05 00 01 02 03 04",		/* starts with 00 */
		"81 04 30 80 02 01",		/* indefinite, cut */
		"81 04 04 05 41 42",		/* length past the end */
		"81 03 04 80 00",		/* indefinite primitive */
		"a0 0a 81 02 ff ff 82 04 00 00 00 00",
		"81 02 00 00",			/* 00 00, no indefinite */
	};
	size_t tlv;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		size_t n;
		unsigned char *p = unhex(ok[i], &n);
		int rc = codec_ber_check(p, n, 0, &tlv);

		if (rc != CODEC_OK || tlv != n)
			fail_msg("\"%s\": %d (%s)", ok[i], rc,
				 codec_last_detail());
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_hidden_depth),
		cmocka_unit_test(test_opaque_primitives),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
