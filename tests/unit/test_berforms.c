/*
 * test_berforms.c - every valid BER form is accepted, in every type
 *
 * What we accept must not depend on how a peer chose to encode: X.690
 * leaves the sender free to send any string in constructed form (8.7.3,
 * 8.23.6: the segments are OCTET STRINGs, [UNIVERSAL 4], whatever the
 * outer tag, IMPLICIT tags included), any constructed value with an
 * indefinite length (8.1.3.6), any length in the long form (8.1.3.5),
 * and the members of a SET in any order (8.11.2).
 *
 * Every input here is written by hand from X.690, X.411 (MTS-APDU,
 * O/R names, X.402 18.3) and X.420 (IPM): short values as hex, whole
 * PDUs with a little TLV writer that takes the tag, the length form and
 * the contents from the test. Nothing comes from our encoder. Each
 * value is decoded by codec_decode() and checked field by field (or by
 * its canonical string), and the local delivery's .txt (mtad_txt.c) is
 * checked for an IPM's subject and body.
 *
 * What asn1c 0.9.28 refused, and where it is fixed (asn1/README.md):
 * segments tagged [UNIVERSAL 4] inside a constructed PrintableString,
 * TeletexString, IA5String... (fixups.sh, fix 4), and a chain of tags
 * mixing indefinite and definite lengths, such as X.420's "[8] EXPLICIT
 * SubjectField" as a8 80 14 .. 00 00 (codec.c retries with ber_norm.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ber_norm.h"
#include "buf.h"
#include "codec.h"
#include "mtad_txt.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_id.h"

#include "BMPString.h"
#include "IA5String.h"
#include "InformationObject.h"
#include "MTS-APDU.h"
#include "NumericString.h"
#include "OCTET_STRING.h"
#include "ORName.h"
#include "PrintableString.h"
#include "TeletexCommonName.h"
#include "TeletexString.h"

/* ------------------------------------------------------------------ */
/* Hand-written TLVs							*/
/* ------------------------------------------------------------------ */

struct blob {
	unsigned char	*p;
	size_t		n;
};

#define END	((struct blob){ NULL, (size_t)-1 })
enum { DEF, INDEF, LONG };

/* tlv - one TLV: identifier octet tag, the length in the given form
 *	(DEF: the short form, 84 and four octets past 127; INDEF: 80 ...
 *	00 00; LONG: 84 and four octets),
 *	contents the concatenation of the blobs up to END (freed). */
static struct blob tlv(int form, int tag, ...)
{
	struct blob b = { malloc(16), 0 }, c;
	size_t clen = 0;
	va_list ap;

	va_start(ap, tag);
	for (c = va_arg(ap, struct blob); c.n != (size_t)-1;
	     c = va_arg(ap, struct blob)) {
		b.p = realloc(b.p, 16 + clen + c.n);
		assert_non_null(b.p);
		memcpy(b.p + 8 + clen, c.p, c.n);
		clen += c.n;
		free(c.p);
	}
	va_end(ap);
	b.p[0] = (unsigned char)tag;
	if (form == INDEF) {
		b.p[1] = 0x80;
		memmove(b.p + 2, b.p + 8, clen);
		b.p[2 + clen] = b.p[3 + clen] = 0;	/* X.690 8.1.5 */
		b.n = clen + 4;
	} else if (form == LONG || clen > 127) {
		assert_true(clen <= 0xffff || form == LONG);
		b.p[1] = 0x84;
		b.p[2] = (unsigned char)(clen >> 24);
		b.p[3] = (unsigned char)(clen >> 16);
		b.p[4] = (unsigned char)(clen >> 8);
		b.p[5] = (unsigned char)clen;
		memmove(b.p + 6, b.p + 8, clen);
		b.n = clen + 6;
	} else {
		b.p[1] = (unsigned char)clen;
		memmove(b.p + 2, b.p + 8, clen);
		b.n = clen + 2;
	}
	return b;
}

#define D(...)	tlv(DEF, __VA_ARGS__, END)
#define I(...)	tlv(INDEF, __VA_ARGS__, END)
#define L(...)	tlv(LONG, __VA_ARGS__, END)

/* S - the octets of a C string */
static struct blob S(const char *s)
{
	struct blob b = { malloc(strlen(s) + 1), strlen(s) };

	memcpy(b.p, s, b.n + 1);
	return b;
}

/* X - octets from hex, spaces allowed */
static struct blob X(const char *hex)
{
	struct blob b = { malloc(strlen(hex) / 2 + 1), 0 };
	unsigned v;

	for (; *hex; hex++) {
		if (*hex == ' ')
			continue;
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		b.p[b.n++] = (unsigned char)v;
		hex++;
	}
	return b;
}

/* decode - b must decode as td (b is freed); codec_free the result */
static void *decode(const asn_TYPE_descriptor_t *td, struct blob b)
{
	void *out = NULL;
	int rc = codec_decode(td, b.p, b.n, 0, &out, NULL);

	if (rc != CODEC_OK)
		fail_msg("%s: %s (%s)", td->name, codec_strerror(rc),
			 codec_last_detail());
	free(b.p);
	return out;
}

/* refuse - b must not decode as td (b is freed) */
static void refuse(const asn_TYPE_descriptor_t *td, struct blob b)
{
	void *out = NULL;

	assert_int_not_equal(codec_decode(td, b.p, b.n, 0, &out, NULL),
			     CODEC_OK);
	assert_null(out);
	free(b.p);
}

/* assert_str - a decoded string type holds want */
static void assert_str(const asn_TYPE_descriptor_t *td, struct blob b,
		       const char *want)
{
	OCTET_STRING_t *s = decode(td, b);

	assert_int_equal(s->size, strlen(want));
	assert_memory_equal(s->buf, want, strlen(want));
	codec_free(td, s);
}

/* ------------------------------------------------------------------ */
/* String types, alone							*/
/* ------------------------------------------------------------------ */

/* X.690 8.23.6 (8.21 in older editions): each restricted character
 * string is encoded as if [UNIVERSAL n] IMPLICIT OCTET STRING, so its
 * constructed form holds OCTET STRING segments (8.7.3.2), nested at
 * will, each definite or indefinite. */
static void test_string_types(void **state)
{
	static const struct {
		const asn_TYPE_descriptor_t *td;
		int tag;		/* the type's own universal tag */
		const char *text;	/* a value in its character set */
	} t[] = {
		{ &asn_DEF_PrintableString, 19, "PPORG" },
		{ &asn_DEF_NumericString, 18, "12345" },
		{ &asn_DEF_TeletexString, 20, "Caf\xc2" "e" },
		{ &asn_DEF_IA5String, 22, "a@b.c" },
		{ &asn_DEF_OCTET_STRING, 4, "\x01\x02\x03\x04\x05" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const asn_TYPE_descriptor_t *td = t[i].td;
		int prim = t[i].tag, cons = 0x20 | t[i].tag;
		char a[3], b[4];

		memcpy(a, t[i].text, 2);
		a[2] = 0;
		memcpy(b, t[i].text + 2, 3);
		b[3] = 0;
		/* primitive, short and long form lengths (8.1.3.5) */
		assert_str(td, D(prim, S(t[i].text)), t[i].text);
		assert_str(td, L(prim, S(t[i].text)), t[i].text);
		/* constructed, definite: two OCTET STRING segments */
		assert_str(td, D(cons, D(0x04, S(a)), D(0x04, S(b))),
			   t[i].text);
		/* constructed, indefinite */
		assert_str(td, I(cons, D(0x04, S(a)), D(0x04, S(b))),
			   t[i].text);
		/* nested: a constructed segment inside (8.7.3.2 NOTE) */
		assert_str(td, I(cons, I(0x24, D(0x04, S(a))),
				 D(0x24, D(0x04, S(b)))),
			   t[i].text);
		/* an empty segment and long form lengths inside */
		assert_str(td, L(cons, D(0x04, S("")), L(0x04, S(a)),
				 D(0x04, S(b))), t[i].text);
		/* the form asn1c took before: segments with the type's tag */
		assert_str(td, D(cons, D(prim, S(a)), D(prim, S(b))),
			   t[i].text);
		/* not a string segment: an INTEGER inside */
		refuse(td, D(cons, D(0x04, S(a)), X("02 01 05")));
		/* an indefinite primitive (8.1.3.2 a) */
		refuse(td, X(prim == 4 ? "04 80 41 00 00" : "13 80 41 00 00"));
	}
	/* UniversalOrBMPString (X.402 universal attributes): BMPString's
	 * segments are OCTET STRINGs too, two octets a character */
	{
		BMPString_t *s = decode(&asn_DEF_BMPString,
		    I(0x3e, D(0x04, X("00 41 00")), D(0x04, X("42"))));

		assert_int_equal(s->size, 4);
		assert_memory_equal(s->buf, "\0A\0B", 4);
		codec_free(&asn_DEF_BMPString, s);
	}
}

/* ------------------------------------------------------------------ */
/* X.411 / X.402: O/R names and a whole MTS-APDU			*/
/* ------------------------------------------------------------------ */

/* An O/R name (X.411 8.5.5, X.402 18.3) whose string attributes are
 * all constructed, most under IMPLICIT context tags:
 *	[APPLICATION 1] CHOICE { PrintableString }	C=GB
 *	[APPLICATION 2] CHOICE { PrintableString }	A=" "
 *	[0] IMPLICIT NumericString			X121=1234
 *	[1] IMPLICIT PrintableString			T-ID=TERM
 *	[2] CHOICE { PrintableString }			P=PPTEST
 *	[3] IMPLICIT PrintableString			O=PPORG
 *	[4] IMPLICIT NumericString			N-ID=42
 *	[5] IMPLICIT SET { [0] [1] IMPLICIT PrintableString }  S, G
 *	[6] IMPLICIT SEQUENCE OF PrintableString	OU=Sales */
static struct blob orname_constructed(int form)
{
	return tlv(form, 0x60, tlv(form, 0x30,
	    tlv(form, 0x61, tlv(form, 0x33, D(0x04, S("G")), D(0x04, S("B")),
				END), END),
	    tlv(form, 0x62, I(0x33, D(0x04, S(" "))), END),
	    tlv(form, 0xa0, D(0x04, S("12")), I(0x24, D(0x04, S("34"))), END),
	    tlv(form, 0xa1, D(0x04, S("TE")), D(0x04, S("RM")), END),
	    tlv(form, 0xa2, tlv(form, 0x33, D(0x04, S("PP")),
				D(0x04, S("TEST")), END), END),
	    tlv(form, 0xa3, D(0x04, S("PP")), D(0x24, D(0x04, S("ORG"))), END),
	    tlv(form, 0xa4, D(0x04, S("42")), END),
	    /* SET members in any order: given-name before surname */
	    tlv(form, 0xa5, tlv(form, 0xa1, D(0x04, S("Ann")), END),
		tlv(form, 0xa0, D(0x04, S("ro")), D(0x04, S("ot")), END), END),
	    tlv(form, 0xa6, tlv(form, 0x33, D(0x04, S("Sal")),
				D(0x04, S("es")), END), END),
	    END), END);
}

#define ORNAME_CONSTRUCTED \
	"C=GB;A= ;P=PPTEST;O=PPORG;OU1=Sales;S=root;G=Ann;X121=1234;" \
	"T-ID=TERM;N-ID=42"

static void assert_orname(struct blob b, const char *want)
{
	ORName_t *n = decode(&asn_DEF_ORName, b);
	char *s = p1_orname_format(n);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
	codec_free(&asn_DEF_ORName, n);
}

static void test_orname_implicit(void **state)
{
	(void)state;
	assert_orname(orname_constructed(DEF), ORNAME_CONSTRUCTED);
	assert_orname(orname_constructed(INDEF), ORNAME_CONSTRUCTED);
	assert_orname(orname_constructed(LONG), ORNAME_CONSTRUCTED);
	/* X.690 8.14: under an EXPLICIT tag (the CHOICE of [2]) the value
	 * keeps its own tag: a bare OCTET STRING there is no
	 * PrintableString */
	refuse(&asn_DEF_ORName, D(0x60, D(0x30, D(0xa2, D(0x04, S("P"))))));
	/* teletex-common-name (X.402 18.3 extension attribute 2): a
	 * TeletexString in [1] EXPLICIT ANY, constructed, indefinite. It
	 * decodes as its type; the string form keeps a value that is not
	 * DER in hex (p1_addr.c, decode_exact), so that it gives back the
	 * same octets. */
	{
		ORName_t *n = decode(&asn_DEF_ORName, D(0x60, D(0x30,
		    D(0x61, D(0x13, S("GB"))), D(0x62, D(0x13, S(" ")))),
		    D(0x31, D(0x30, X("80 01 02"), I(0xa1, I(0x34,
		    D(0x04, S("Bo")), D(0x04, S("b"))))))));
		TeletexCommonName_t *cn;

		assert_non_null(n->extension_attributes);
		assert_int_equal(n->extension_attributes->list.count, 1);
		cn = p1_any_get(&n->extension_attributes->list.array[0]->
				extension_attribute_value,
				&asn_DEF_TeletexCommonName);
		assert_non_null(cn);
		assert_int_equal(cn->size, 3);
		assert_memory_equal(cn->buf, "Bob", 3);
		codec_free(&asn_DEF_TeletexCommonName, cn);
		codec_free(&asn_DEF_ORName, n);
	}
}

/* gdi - [APPLICATION 3] GlobalDomainIdentifier (X.411 12.2.1.1.1.1)
 *	with C=GB, A=" ", P=PPTEST */
static struct blob gdi(int form)
{
	return tlv(form, 0x63,
	    tlv(form, 0x61, D(0x13, S("GB")), END),
	    tlv(form, 0x62, tlv(form, 0x33, D(0x04, S(" ")), END), END),
	    D(0x13, S("PPTEST")), END);
}

/* message - an MTS-APDU message (X.411 12.2.1.1) from C=GB;A= ;P=PPTEST;
 *	O=PPORG;S=root to ...;O=LOOPORG;S=carol, built-in content type 22,
 *	content the octets given. form: the lengths of every constructed
 *	value; rev: the SET members in reverse order. */
static struct blob message(int form, int rev, struct blob content)
{
	struct blob id, orig, ct, trace, rcpts, env;

	/* message-identifier: [APPLICATION 4] MTSIdentifier, local part
	 * an IA5String, constructed */
	id = tlv(form, 0x64, gdi(form), tlv(form, 0x36, D(0x04, S("loop")),
	    D(0x04, S("-1")), END), END);
	orig = tlv(form, 0x60, tlv(form, 0x30, tlv(form, 0x61,
	    D(0x13, S("GB")), END), tlv(form, 0x62, D(0x13, S(" ")), END),
	    tlv(form, 0xa2, D(0x13, S("PPTEST")), END),
	    tlv(form, 0xa3, D(0x04, S("PPORG")), END),
	    tlv(form, 0xa5, tlv(form, 0xa0, D(0x04, S("root")), END), END),
	    END), END);
	ct = X("46 01 16");		/* [APPLICATION 6] 22 */
	/* trace-information: [APPLICATION 9] SEQUENCE OF, arrival-time
	 * [0] IMPLICIT UTCTime (constructed too), routing-action relayed */
	trace = tlv(form, 0x69, tlv(form, 0x30, gdi(form), tlv(form, 0x31,
	    rev ? X("82 01 00") : tlv(form, 0xa0, D(0x04, S("2611211338")),
				      D(0x04, S("06Z")), END),
	    rev ? tlv(form, 0xa0, D(0x04, S("2611211338")),
		      D(0x04, S("06Z")), END) : X("82 01 00"),
	    END), END), END);
	/* per-recipient-fields [2]: recipient-name, [0] number, [1]
	 * IMPLICIT BIT STRING indicators, constructed (8.6.4) */
	rcpts = tlv(form, 0xa2, tlv(form, 0x31, tlv(form, 0x60,
	    tlv(form, 0x30, tlv(form, 0x61, D(0x13, S("GB")), END),
	    tlv(form, 0x62, D(0x13, S(" ")), END),
	    tlv(form, 0xa2, D(0x13, S("PPTEST")), END),
	    tlv(form, 0xa3, D(0x04, S("LOOP")), D(0x04, S("ORG")), END),
	    tlv(form, 0xa5, tlv(form, 0xa0, D(0x04, S("carol")), END), END),
	    END), END), X("80 01 01"), tlv(form, 0xa1, X("03 02 00 a0"), END),
	    END), END);
	if (rev)
		env = tlv(form, 0x31, rcpts, trace, ct, orig, id, END);
	else
		env = tlv(form, 0x31, id, orig, ct, trace, rcpts, END);
	return tlv(form, 0xa0, env, content, END);
}

#define MSG_ID	"C=GB;A= ;P=PPTEST;L=loop-1"
#define MSG_FROM "C=GB;A= ;P=PPTEST;O=PPORG;S=root"
#define MSG_TO	"C=GB;A= ;P=PPTEST;O=LOOPORG;S=carol"

static void check_message(struct blob b)
{
	MTS_APDU_t *a = decode(&asn_DEF_MTS_APDU, b);
	const MessageTransferEnvelope_t *e = &a->choice.message.envelope;
	char *s;

	assert_int_equal(a->present, MTS_APDU_PR_message);
	s = p1_mtsid_format(&e->message_identifier);
	assert_string_equal(s, MSG_ID);
	free(s);
	s = p1_orname_format(&e->originator_name);
	assert_string_equal(s, MSG_FROM);
	free(s);
	assert_int_equal(e->per_recipient_fields.list.count, 1);
	s = p1_orname_format(&e->per_recipient_fields.list.array[0]->
			     recipient_name);
	assert_string_equal(s, MSG_TO);
	free(s);
	assert_int_equal(a->choice.message.content.size, 5);
	assert_memory_equal(a->choice.message.content.buf, "\x01\x02\x03"
			    "\x04\x05", 5);
	codec_free(&asn_DEF_MTS_APDU, a);
}

/* The content (X.411 Content ::= OCTET STRING) primitive or split */
static struct blob content_os(int split)
{
	return split ? I(0x24, X("04 02 01 02"), I(0x24, X("04 03 03 04 05")))
		     : X("04 05 01 02 03 04 05");
}

/* The message: constructed strings everywhere, every length
 * form, SET members in either order. It was refused at offset 0. */
static void test_mts_apdu_forms(void **state)
{
	(void)state;
	for (int form = DEF; form <= LONG; form++)
		for (int rev = 0; rev < 2; rev++)
			for (int split = 0; split < 2; split++)
				check_message(message(form, rev,
						      content_os(split)));
}

/* ------------------------------------------------------------------ */
/* X.420: IPM heading fields and body					*/
/* ------------------------------------------------------------------ */

/* ipm - InformationObject ipm [0] IMPLICIT IPM (X.420 7): heading with
 *	this-IPM ([APPLICATION 11] SET, user-relative-identifier a
 *	PrintableString), originator [0] IMPLICIT ORDescriptor with
 *	free-form-name [0] IMPLICIT TeletexString and telephone-number [1]
 *	IMPLICIT PrintableString, subject [8] EXPLICIT TeletexString; body
 *	one IA5 text part ([0] IMPLICIT SEQUENCE { SET, IA5String }).
 *	form: every constructed value's length form; strings: constructed
 *	strings; rev: heading members in reverse order. */
static struct blob ipm(int form, int strings, int rev)
{
	struct blob this, orig, subj, heading, body;

	this = tlv(form, 0x6b, strings ? tlv(form, 0x33, D(0x04, S("2026")),
	    D(0x04, S("1121.1")), END) : D(0x13, S("20261121.1")), END);
	orig = tlv(form, 0xa0,
	    strings ? tlv(form, 0xa0, D(0x04, S("Ro")), D(0x04, S("ot")), END)
		    : D(0x80, S("Root")),
	    strings ? tlv(form, 0xa1, D(0x04, S("+44")), END)
		    : D(0x81, S("+44")), END);
	subj = tlv(form, 0xa8, strings ? tlv(form, 0x34, D(0x04, S("loop ")),
	    D(0x04, S("test")), END) : D(0x14, S("loop test")), END);
	heading = rev ? tlv(form, 0x31, subj, orig, this, END)
		      : tlv(form, 0x31, this, orig, subj, END);
	body = tlv(form, 0x30, tlv(form, 0xa0, tlv(form, 0x31, END),
	    strings ? tlv(form, 0x36, D(0x04, S("Hello,\r\n")),
			  D(0x04, S("world.\r\n")), END)
		    : D(0x16, S("Hello,\r\nworld.\r\n")), END), END);
	return tlv(form, 0xa0, heading, body, END);
}

static void check_ipm(struct blob b)
{
	InformationObject_t *io = decode(&asn_DEF_InformationObject, b);
	const Heading_t *h = &io->choice.ipm.heading;
	const BodyPart_t *bp;

	assert_int_equal(io->present, InformationObject_PR_ipm);
	assert_int_equal(h->this_IPM.user_relative_identifier.size, 10);
	assert_memory_equal(h->this_IPM.user_relative_identifier.buf,
			    "20261121.1", 10);
	assert_non_null(h->originator);
	assert_non_null(h->originator->free_form_name);
	assert_memory_equal(h->originator->free_form_name->buf, "Root", 4);
	assert_non_null(h->originator->telephone_number);
	assert_memory_equal(h->originator->telephone_number->buf, "+44", 3);
	assert_non_null(h->subject);
	assert_int_equal(h->subject->size, 9);
	assert_memory_equal(h->subject->buf, "loop test", 9);
	assert_int_equal(io->choice.ipm.body->list.count, 1);
	bp = io->choice.ipm.body->list.array[0];
	assert_int_equal(bp->present, BodyPart_PR_ia5_text);
	assert_int_equal(bp->choice.ia5_text.data.size, 16);
	assert_memory_equal(bp->choice.ia5_text.data.buf,
			    "Hello,\r\nworld.\r\n", 16);
	codec_free(&asn_DEF_InformationObject, io);
}

static void test_ipm_forms(void **state)
{
	(void)state;
	for (int form = DEF; form <= LONG; form++)
		for (int strings = 0; strings < 2; strings++)
			for (int rev = 0; rev < 2; rev++)
				check_ipm(ipm(form, strings, rev));
	/* the chains of tags that asn1c refused: [8] EXPLICIT indefinite
	 * round a primitive TeletexString, and definite round an indefinite
	 * constructed one */
	check_ipm(D(0xa0, D(0x31, D(0x6b, D(0x13, S("20261121.1"))),
	    D(0xa0, D(0x80, S("Root")), D(0x81, S("+44"))),
	    I(0xa8, D(0x14, S("loop test")))), D(0x30, D(0xa0, D(0x31),
	    D(0x16, S("Hello,\r\nworld.\r\n"))))));
	check_ipm(D(0xa0, D(0x31, D(0x6b, D(0x13, S("20261121.1"))),
	    D(0xa0, D(0x80, S("Root")), D(0x81, S("+44"))),
	    D(0xa8, I(0x34, D(0x04, S("loop test"))))), D(0x30, D(0xa0,
	    D(0x31), D(0x16, S("Hello,\r\nworld.\r\n"))))));
	/* X.690 8.14: the explicit [8] must hold a TeletexString */
	refuse(&asn_DEF_InformationObject, D(0xa0, D(0x31, D(0x6b, D(0x13,
	    S("1"))), D(0xa8, D(0x04, S("x")))), D(0x30)));
}

/* ------------------------------------------------------------------ */
/* The local delivery's .txt						*/
/* ------------------------------------------------------------------ */

static void check_txt(struct blob apdu)
{
	struct buf b = BUF_INIT;
	char *txt;

	assert_int_equal(mtad_txt_apdu(apdu.p, apdu.n, MSG_TO, &b), 0);
	free(apdu.p);
	buf_add(&b, "", 1);
	txt = (char *)buf_ptr(&b);
	if (strstr(txt, "Subject: loop test\n") == NULL ||
	    strstr(txt, "\nHello,\r\nworld.\r\n") == NULL ||
	    strstr(txt, "Originator: " MSG_FROM "\n") == NULL)
		fail_msg("the .txt lacks subject or body:\n%s", txt);
	buf_free(&b);
}

/* P22 content with indefinite lengths (and constructed strings) in a
 * message that uses them too, or not: the .txt shows subject and body */
static void test_txt_indefinite(void **state)
{
	(void)state;
	for (int strings = 0; strings < 2; strings++) {
		struct blob p22 = ipm(INDEF, strings, 0);

		check_txt(message(DEF, 0, D(0x04, p22)));
		p22 = ipm(INDEF, strings, 1);
		check_txt(message(INDEF, 1, I(0x24, D(0x04, p22))));
	}
	/* the P22 content split across two segments, mid-TLV */
	{
		struct blob p22 = ipm(INDEF, 1, 0), rest;
		size_t h = p22.n / 2;

		rest.n = p22.n - h;
		rest.p = malloc(rest.n);
		memcpy(rest.p, p22.p + h, rest.n);
		check_txt(message(DEF, 0, I(0x24, D(0x04,
		    (struct blob){ p22.p, h }), I(0x24, D(0x04, rest)))));
	}
}

/* ------------------------------------------------------------------ */
/* ber_norm							*/
/* ------------------------------------------------------------------ */

static void norm_is(const char *in, int want_rc, const char *want)
{
	struct blob i = X(in), w = X(want);
	unsigned char *out = NULL;
	size_t n = 0;

	assert_int_equal(ber_norm_definite(i.p, i.n, &out, &n), want_rc);
	if (want_rc == 1) {
		assert_int_equal(n, w.n);
		assert_memory_equal(out, w.p, n);
	} else {
		assert_null(out);
	}
	free(out);
	free(i.p);
	free(w.p);
}

static void test_ber_norm(void **state)
{
	struct blob big;
	unsigned char *out = NULL, *again = NULL;
	size_t n, n2;

	(void)state;
	/* 8.1.3.6 to 8.1.3.4: end-of-contents dropped, lengths shortest */
	norm_is("30 80 02 01 05 00 00", 1, "30 03 02 01 05");
	norm_is("a8 80 14 02 48 69 00 00", 1, "a8 04 14 02 48 69");
	norm_is("a8 0a 34 80 04 01 48 04 01 69 00 00", 1,
		"a8 08 34 06 04 01 48 04 01 69");
	norm_is("31 80 6b 80 13 81 01 58 00 00 00 00", 1,
		"31 05 6b 03 13 01 58");
	/* long-form tags are copied; primitive contents are never read */
	norm_is("7f 21 80 04 04 30 80 00 00 00 00", 1,
		"7f 21 06 04 04 30 80 00 00");
	/* nothing indefinite: nothing to do */
	norm_is("30 84 00 00 00 03 02 01 05", 0, "");
	/* not one value, or not BER */
	norm_is("30 80 02 01 05", CODEC_E_MALFORMED, "");
	norm_is("30 03 02 01 05 00", CODEC_E_MALFORMED, "");
	norm_is("04 80 41 00 00", CODEC_E_MALFORMED, "");
	/* 300 octets of contents: the long form (8.1.3.5) */
	big.n = 300;
	big.p = malloc(big.n);
	for (size_t i = 0; i < big.n; i += 3)
		memcpy(big.p + i, "\x04\x01\x41", 3);
	big = I(0x30, I(0x31, big));
	assert_int_equal(ber_norm_definite(big.p, big.n, &out, &n), 1);
	assert_int_equal(n, big.n);
	assert_memory_equal(out, "\x30\x82\x01\x30\x31\x82\x01\x2c", 8);
	assert_memory_equal(out + 8, big.p + 4, 300);
	assert_int_equal(ber_norm_definite(out, n, &again, &n2), 0);
	assert_null(again);
	free(out);
	free(big.p);
	/* deeper than CODEC_MAX_DEPTH: refused, not followed */
	big = X("04 00");
	for (int i = 0; i < CODEC_MAX_DEPTH + 1; i++)
		big = I(0x30, big);
	assert_int_equal(ber_norm_definite(big.p, big.n, &out, &n),
			 CODEC_E_DEPTH);
	assert_null(out);
	free(big.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_types),
		cmocka_unit_test(test_orname_implicit),
		cmocka_unit_test(test_mts_apdu_forms),
		cmocka_unit_test(test_ipm_forms),
		cmocka_unit_test(test_txt_indefinite),
		cmocka_unit_test(test_ber_norm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
