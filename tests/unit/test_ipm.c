/*
 * test_ipm.c - X.420 interpersonal messages and notifications (ipm.asn1)
 *
 * Builds IPMs and IPNs in C, encodes them with the codec, decodes them
 * again and compares the result field by field with what was built,
 * then re-encodes and insists on the same octets. Also decodes the P22
 * content of a real message from the PP MTA, decodes hand-made BER
 * holding body parts nobody here understands (they must survive
 * untouched), and checks that bad input is refused.
 *
 * O/R names and encoded information types come from MTSAbstractService
 * (p1.asn1); the tests make them from BER so as not to depend on how
 * that module lays them out in C, and compare them by their encoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "EncodedInformationTypes.h"
#include "InformationObject.h"
#include "ORName.h"

#define TD_IO	(&asn_DEF_InformationObject)

/* ------------------------------------------------------------------ */
/* A small BER writer for fixtures					*/
/* ------------------------------------------------------------------ */

struct ber {
	unsigned char	b[1024];
	size_t		n;
};

static void ber_put(struct ber *d, const void *p, size_t n)
{
	assert_true(n <= sizeof(d->b) - d->n);
	if (n)
		memcpy(d->b + d->n, p, n);
	d->n += n;
}

/* ber_tlv - append one TLV: tag octet, definite length, contents */
static void ber_tlv(struct ber *d, unsigned char tag, const void *c, size_t n)
{
	unsigned char h[4];
	size_t hl = 0;

	h[hl++] = tag;
	if (n < 0x80) {
		h[hl++] = (unsigned char)n;
	} else if (n < 0x100) {
		h[hl++] = 0x81;
		h[hl++] = (unsigned char)n;
	} else {
		h[hl++] = 0x82;
		h[hl++] = (unsigned char)(n >> 8);
		h[hl++] = (unsigned char)n;
	}
	ber_put(d, h, hl);
	ber_put(d, c, n);
}

static void ber_str(struct ber *d, unsigned char tag, const char *s)
{
	ber_tlv(d, tag, s, strlen(s));
}

static void ber_wrap(struct ber *d, unsigned char tag, const struct ber *in)
{
	ber_tlv(d, tag, in->b, in->n);
}

/* orname_ber - /C=GB/A= /P=PPTEST/O=org/S=surname/ as an X.411 ORName */
static void orname_ber(struct ber *out, const char *org, const char *surname)
{
	struct ber c = { .n = 0 }, a = { .n = 0 }, p = { .n = 0 };
	struct ber pn = { .n = 0 }, bsa = { .n = 0 }, seq = { .n = 0 };

	ber_str(&c, 0x13, "GB");
	ber_wrap(&bsa, 0x61, &c);		/* [APPLICATION 1] country */
	ber_str(&a, 0x13, " ");
	ber_wrap(&bsa, 0x62, &a);		/* [APPLICATION 2] ADMD */
	ber_str(&p, 0x13, "PPTEST");
	ber_wrap(&bsa, 0xa2, &p);		/* [2] PRMD */
	ber_str(&bsa, 0x83, org);		/* [3] organization */
	ber_str(&pn, 0x80, surname);
	ber_wrap(&bsa, 0xa5, &pn);		/* [5] personal name */
	ber_wrap(&seq, 0x30, &bsa);		/* BuiltInStandardAttributes */
	ber_wrap(out, 0x60, &seq);		/* [APPLICATION 0] ORName */
}

/* ------------------------------------------------------------------ */
/* Builders								*/
/* ------------------------------------------------------------------ */

static void *xcalloc(size_t n)
{
	void *p = calloc(1, n);

	assert_non_null(p);
	return p;
}

static long *xlong(long v)
{
	long *p = xcalloc(sizeof(*p));

	*p = v;
	return p;
}

static BOOLEAN_t *xbool(int v)
{
	BOOLEAN_t *p = xcalloc(sizeof(*p));

	*p = v;
	return p;
}

static void set_os(OCTET_STRING_t *os, const void *buf, size_t n)
{
	assert_int_equal(OCTET_STRING_fromBuf(os, buf, (int)n), 0);
}

static void set_str(OCTET_STRING_t *os, const char *s)
{
	set_os(os, s, strlen(s));
}

static OCTET_STRING_t *new_str(const char *s)
{
	OCTET_STRING_t *os = xcalloc(sizeof(*os));

	set_str(os, s);
	return os;
}

static void set_any(ANY_t *any, const struct ber *b)
{
	any->buf = malloc(b->n);
	assert_non_null(any->buf);
	memcpy(any->buf, b->b, b->n);
	any->size = (int)b->n;
}

static ANY_t *new_any(const struct ber *b)
{
	ANY_t *any = xcalloc(sizeof(*any));

	set_any(any, b);
	return any;
}

static void set_oid(OBJECT_IDENTIFIER_t *oid, const unsigned *arcs,
		    unsigned n)
{
	assert_int_equal(OBJECT_IDENTIFIER_set_arcs(oid, arcs,
	    sizeof(arcs[0]), n), 0);
}

/* set_bits - a BIT STRING from its first nbits bits, DER-trimmed */
static void set_bits(BIT_STRING_t *bs, const unsigned char *bytes,
		     size_t nbits)
{
	set_os((OCTET_STRING_t *)bs, bytes, (nbits + 7) / 8);
	bs->bits_unused = (int)((8 - nbits % 8) % 8);
}

/* ANY_ADD - append one TLV to a SEQUENCE OF / SET OF ANY;
 * ADD - append an element to any SEQUENCE OF / SET OF */
#define ANY_ADD(lst, berp) \
	assert_int_equal(asn_set_add(&(lst)->list, new_any(berp)), 0)
#define ADD(lst, item) \
	assert_int_equal(asn_set_add(&(lst)->list, (item)), 0)

static ORName_t *mk_orname(const char *org, const char *surname)
{
	struct ber b = { .n = 0 };
	void *p = NULL;

	orname_ber(&b, org, surname);
	assert_int_equal(codec_decode(&asn_DEF_ORName, b.b, b.n, 0, &p,
	    NULL), CODEC_OK);
	return p;
}

/* fill_ipmid - an IPM identifier; surname NULL leaves out the user */
static void fill_ipmid(IPMIdentifier_t *id, const char *org,
		       const char *surname, const char *local)
{
	if (surname)
		id->user = mk_orname(org, surname);
	set_str(&id->user_relative_identifier, local);
}

static IPMIdentifier_t *mk_ipmid(const char *org, const char *surname,
				 const char *local)
{
	IPMIdentifier_t *id = xcalloc(sizeof(*id));

	fill_ipmid(id, org, surname, local);
	return id;
}

/* mk_ordesc - an O/R descriptor; each part may be NULL */
static ORDescriptor_t *mk_ordesc(const char *org, const char *surname,
				 const char *free_form, const char *phone)
{
	ORDescriptor_t *d = xcalloc(sizeof(*d));

	if (surname)
		d->formal_name = mk_orname(org, surname);
	if (free_form)
		d->free_form_name = new_str(free_form);
	if (phone)
		d->telephone_number = new_str(phone);
	return d;
}

/* mk_notif - notification requests (X.420 7.1.2) from a mask of
 *	1 << NotificationRequests_rn, ..._nrn, ..._ipm_return */
static NotificationRequests_t *mk_notif(unsigned mask)
{
	NotificationRequests_t *bs = xcalloc(sizeof(*bs));
	unsigned char byte = 0;
	size_t nbits = 0;

	for (unsigned i = 0; i < 8; i++)
		if (mask & (1u << i)) {
			byte |= (unsigned char)(0x80u >> i);
			nbits = i + 1;
		}
	set_bits(bs, &byte, nbits);
	return bs;
}

/* mk_recip - a recipient specifier; notif 0 and reply 0 are defaults */
static RecipientSpecifier_t *mk_recip(const char *org, const char *surname,
				      unsigned notif, int reply)
{
	RecipientSpecifier_t *r = xcalloc(sizeof(*r));
	ORDescriptor_t *d = mk_ordesc(org, surname, NULL, NULL);

	r->recipient = *d;		/* move the contents in */
	free(d);
	if (notif)
		r->notification_requests = mk_notif(notif);
	if (reply)
		r->reply_requested = xbool(1);
	return r;
}

/* mk_ext - an IPMS extension; value may be NULL (the X.420 NULL default) */
static IPMSExtension_t *mk_ext(const unsigned *arcs, unsigned n,
			       const struct ber *value)
{
	IPMSExtension_t *e = xcalloc(sizeof(*e));

	set_oid(&e->type, arcs, n);
	if (value)
		e->value = new_any(value);
	return e;
}

/* Heading extensions of X.420 (id-hex = 2.6.1.5). */
static const unsigned hex_incomplete_copy[] = { 2, 6, 1, 5, 0 };
static const unsigned hex_languages[] = { 2, 6, 1, 5, 1 };
/* A body part type nobody here knows. */
static const unsigned et_private[] = { 1, 3, 6, 1, 4, 1, 99999, 7 };

/* languages_ber - Languages ::= SET OF PrintableString, one language */
static void languages_ber(struct ber *b, const char *lang)
{
	struct ber l = { .n = 0 };

	ber_str(&l, 0x13, lang);
	ber_wrap(b, 0x31, &l);
}

static BodyPart_t *mk_text_part(const char *text)
{
	BodyPart_t *bp = xcalloc(sizeof(*bp));

	bp->present = BodyPart_PR_ia5_text;
	set_str(&bp->choice.ia5_text.data, text);	/* repertoire: ia5 */
	return bp;
}

/* mk_extended_part - [15] with an OID-named value (single-ASN1-type) */
static BodyPart_t *mk_extended_part(const unsigned *arcs, unsigned n,
				    const struct ber *params,
				    const struct ber *data)
{
	BodyPart_t *bp = xcalloc(sizeof(*bp));
	ExtendedBodyPart_t *x = &bp->choice.extended;

	bp->present = BodyPart_PR_extended;
	if (params) {
		x->parameters = xcalloc(sizeof(*x->parameters));
		x->parameters->direct_reference =
		    xcalloc(sizeof(OBJECT_IDENTIFIER_t));
		set_oid(x->parameters->direct_reference, arcs, n);
		x->parameters->encoding.present =
		    IPM_External__encoding_PR_single_ASN1_type;
		set_any(&x->parameters->encoding.choice.single_ASN1_type,
		    params);
	}
	x->data.direct_reference = xcalloc(sizeof(OBJECT_IDENTIFIER_t));
	set_oid(x->data.direct_reference, arcs, n);
	x->data.encoding.present = IPM_External__encoding_PR_single_ASN1_type;
	set_any(&x->data.encoding.choice.single_ASN1_type, data);
	return bp;
}

static BodyPart_t *mk_bilateral_part(const void *bytes, size_t n)
{
	BodyPart_t *bp = xcalloc(sizeof(*bp));

	bp->present = BodyPart_PR_bilaterally_defined;
	set_os(&bp->choice.bilaterally_defined, bytes, n);
	return bp;
}

/* mk_g3fax_part - npages pages of made-up T.4 data, 23 bits each (the
 *	unused last bit is zero, as DER wants) */
static BodyPart_t *mk_g3fax_part(int npages)
{
	BodyPart_t *bp = xcalloc(sizeof(*bp));
	G3FacsimileBodyPart_t *g = &bp->choice.g3_facsimile;

	bp->present = BodyPart_PR_g3_facsimile;
	g->parameters.number_of_pages = xlong(npages);
	for (int i = 0; i < npages; i++) {
		unsigned char page[3] = { 0x00, 0x10, 0xa0 };

		page[2] = (unsigned char)(page[2] + 2 * i);
		BIT_STRING_t *bs = xcalloc(sizeof(*bs));

		set_bits(bs, page, 23);
		ADD(&g->data, bs);
	}
	return bp;
}

static BodyPart_t *mk_teletex_part(const char *const *lines, int n)
{
	BodyPart_t *bp = xcalloc(sizeof(*bp));
	TeletexBodyPart_t *t = &bp->choice.teletex;

	bp->present = BodyPart_PR_teletex;
	t->parameters.number_of_pages = xlong(1);
	t->parameters.telex_compatible = xbool(1);
	for (int i = 0; i < n; i++)
		ADD(&t->data, new_str(lines[i]));
	return bp;
}

static BodyPart_t *mk_videotex_part(const char *data)
{
	BodyPart_t *bp = xcalloc(sizeof(*bp));

	bp->present = BodyPart_PR_videotex;
	bp->choice.videotex.parameters.syntax =
	    xlong(VideotexSyntax_data_syntax2);
	set_str(&bp->choice.videotex.data, data);
	return bp;
}

/* mk_encrypted_part - an AlgorithmIdentifier kept opaque, some cipher */
static BodyPart_t *mk_encrypted_part(void)
{
	static const unsigned char alg[] = {	/* { 1 2 3 4 } NULL */
		0x30, 0x07, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x05, 0x00
	};
	static const unsigned char cipher[] = { 0xde, 0xad, 0xbe, 0xef };
	BodyPart_t *bp = xcalloc(sizeof(*bp));
	struct ber a = { .n = 0 };

	bp->present = BodyPart_PR_encrypted;
	ber_put(&a, alg, sizeof(alg));
	ANY_ADD(&bp->choice.encrypted.parameters, &a);
	set_bits(&bp->choice.encrypted.data, cipher, 32);
	return bp;
}

/* mk_opaque_part - a body part of type tag kept as the TLVs it holds */
static BodyPart_t *mk_opaque_part(BodyPart_PR which)
{
	BodyPart_t *bp = xcalloc(sizeof(*bp));
	struct ber set = { .n = 0 }, bits = { .n = 0 };
	OpaqueBodyPart_t *o;
	static const unsigned char voice[] = { 0x00, 0x55, 0xaa };

	bp->present = which;
	switch (which) {
	case BodyPart_PR_voice:		o = &bp->choice.voice; break;
	case BodyPart_PR_tlx:		o = &bp->choice.tlx; break;
	case BodyPart_PR_sfd:		o = &bp->choice.sfd; break;
	case BodyPart_PR_iso_6937_text:	o = &bp->choice.iso_6937_text; break;
	default:			fail(); return NULL;
	}
	ber_tlv(&set, 0x31, NULL, 0);			/* parameters SET {} */
	ANY_ADD(o, &set);
	ber_tlv(&bits, 0x03, voice, sizeof(voice));	/* data BIT STRING */
	ANY_ADD(o, &bits);
	return bp;
}

/* new_ipm_in - fill an IPM's this-IPM and give it an empty body (a
 *	mandatory pointer: asn1c breaks the IPM -> message body part -> IPM
 *	recursion there); the rest is left for the test */
static void new_ipm_in(IPM_t *ipm, const char *local)
{
	fill_ipmid(&ipm->heading.this_IPM, "PPORG", "root", local);
	ipm->body = xcalloc(sizeof(*ipm->body));
}

static InformationObject_t *new_ipm(const char *local)
{
	InformationObject_t *io = xcalloc(sizeof(*io));

	io->present = InformationObject_PR_ipm;
	new_ipm_in(&io->choice.ipm, local);
	return io;
}

/* mk_message_part - [9] forwarding a small IPM with its delivery time */
static BodyPart_t *mk_message_part(const char *local, const char *text)
{
	BodyPart_t *bp = xcalloc(sizeof(*bp));
	MessageBodyPart_t *m;
	struct ber env = { .n = 0 };

	bp->present = BodyPart_PR_message;
	m = bp->choice.message = xcalloc(sizeof(*m));
	m->parameters.delivery_time = new_str("261120093000Z");
	m->parameters.delivery_envelope =
	    xcalloc(sizeof(*m->parameters.delivery_envelope));
	ber_str(&env, 0x82, "");	/* some envelope field, kept opaque */
	ANY_ADD(m->parameters.delivery_envelope, &env);
	m->data = xcalloc(sizeof(*m->data));
	new_ipm_in(m->data, local);
	m->data->heading.subject = new_str("forwarded");
	ADD(m->data->body, mk_text_part(text));
	return bp;
}

/* ------------------------------------------------------------------ */
/* Comparisons: want (what was built) against got (what came back)	*/
/* ------------------------------------------------------------------ */

static void check_bytes(const uint8_t *a, int an, const uint8_t *b, int bn)
{
	assert_int_equal(an, bn);
	if (an > 0)
		assert_memory_equal(a, b, (size_t)an);
}

#define CHECK_OS(w, g)	check_bytes((w)->buf, (w)->size, (g)->buf, (g)->size)

/* CHECK_OPT - both absent, or both present and fn agrees */
#define CHECK_OPT(w, g, fn) do {				\
	if ((w) == NULL) {					\
		assert_null(g);					\
	} else {						\
		assert_non_null(g);				\
		fn((w), (g));					\
	}							\
} while (0)

/* CHECK_LIST - same count, and fn agrees element by element */
#define CHECK_LIST(w, g, fn) do {				\
	assert_int_equal((w)->list.count, (g)->list.count);	\
	for (int i_ = 0; i_ < (w)->list.count; i_++)		\
		fn((w)->list.array[i_], (g)->list.array[i_]);	\
} while (0)

#define CHECK_OPT_LIST(w, g, fn) do {				\
	if ((w) == NULL) {					\
		assert_null(g);					\
	} else {						\
		assert_non_null(g);				\
		CHECK_LIST((w), (g), fn);			\
	}							\
} while (0)

static void check_os(const OCTET_STRING_t *w, const OCTET_STRING_t *g)
{
	CHECK_OS(w, g);
}

static void check_any(const ANY_t *w, const ANY_t *g)
{
	CHECK_OS(w, g);
}

static void check_oid(const OBJECT_IDENTIFIER_t *w,
		      const OBJECT_IDENTIFIER_t *g)
{
	CHECK_OS(w, g);
}

static void check_long(const long *w, const long *g)
{
	assert_int_equal(*w, *g);
}

static void check_bool(const BOOLEAN_t *w, const BOOLEAN_t *g)
{
	assert_int_equal(!*w, !*g);
}

static void check_bits(const BIT_STRING_t *w, const BIT_STRING_t *g)
{
	CHECK_OS(w, g);
	assert_int_equal(w->bits_unused, g->bits_unused);
}

/* check_der - values of an imported type: same DER encoding */
static void check_der(const asn_TYPE_descriptor_t *td, const void *w,
		      const void *g)
{
	unsigned char *wb, *gb;
	size_t wn, gn;

	assert_int_equal(codec_encode_alloc(td, w, &wb, &wn), CODEC_OK);
	assert_int_equal(codec_encode_alloc(td, g, &gb, &gn), CODEC_OK);
	assert_int_equal(wn, gn);
	assert_memory_equal(wb, gb, wn);
	free(wb);
	free(gb);
}

static void check_orname(const ORName_t *w, const ORName_t *g)
{
	check_der(&asn_DEF_ORName, w, g);
}

static void check_eits(const EncodedInformationTypes_t *w,
		       const EncodedInformationTypes_t *g)
{
	check_der(&asn_DEF_EncodedInformationTypes, w, g);
}

static void check_ipmid(const IPMIdentifier_t *w, const IPMIdentifier_t *g)
{
	CHECK_OPT(w->user, g->user, check_orname);
	CHECK_OS(&w->user_relative_identifier, &g->user_relative_identifier);
}

static void check_ordesc(const ORDescriptor_t *w, const ORDescriptor_t *g)
{
	CHECK_OPT(w->formal_name, g->formal_name, check_orname);
	CHECK_OPT(w->free_form_name, g->free_form_name, check_os);
	CHECK_OPT(w->telephone_number, g->telephone_number, check_os);
}

static void check_ext(const IPMSExtension_t *w, const IPMSExtension_t *g)
{
	check_oid(&w->type, &g->type);
	CHECK_OPT(w->value, g->value, check_any);
}

static void check_recip(const RecipientSpecifier_t *w,
			const RecipientSpecifier_t *g)
{
	check_ordesc(&w->recipient, &g->recipient);
	CHECK_OPT(w->notification_requests, g->notification_requests,
	    check_bits);
	CHECK_OPT(w->reply_requested, g->reply_requested, check_bool);
	CHECK_OPT_LIST(w->recipient_extensions, g->recipient_extensions,
	    check_ext);
}

static void check_heading(const Heading_t *w, const Heading_t *g)
{
	check_ipmid(&w->this_IPM, &g->this_IPM);
	CHECK_OPT(w->originator, g->originator, check_ordesc);
	CHECK_OPT_LIST(w->authorizing_users, g->authorizing_users,
	    check_ordesc);
	CHECK_OPT_LIST(w->primary_recipients, g->primary_recipients,
	    check_recip);
	CHECK_OPT_LIST(w->copy_recipients, g->copy_recipients, check_recip);
	CHECK_OPT_LIST(w->blind_copy_recipients, g->blind_copy_recipients,
	    check_recip);
	CHECK_OPT(w->replied_to_IPM, g->replied_to_IPM, check_ipmid);
	CHECK_OPT_LIST(w->obsoleted_IPMs, g->obsoleted_IPMs, check_ipmid);
	CHECK_OPT_LIST(w->related_IPMs, g->related_IPMs, check_ipmid);
	CHECK_OPT(w->subject, g->subject, check_os);
	CHECK_OPT(w->expiry_time, g->expiry_time, check_os);
	CHECK_OPT(w->reply_time, g->reply_time, check_os);
	CHECK_OPT_LIST(w->reply_recipients, g->reply_recipients,
	    check_ordesc);
	CHECK_OPT(w->importance, g->importance, check_long);
	CHECK_OPT(w->sensitivity, g->sensitivity, check_long);
	CHECK_OPT(w->auto_forwarded, g->auto_forwarded, check_bool);
	CHECK_OPT_LIST(w->extensions, g->extensions, check_ext);
}

static void check_external(const IPM_External_t *w, const IPM_External_t *g)
{
	CHECK_OPT(w->direct_reference, g->direct_reference, check_oid);
	CHECK_OPT(w->indirect_reference, g->indirect_reference, check_long);
	CHECK_OPT(w->data_value_descriptor, g->data_value_descriptor,
	    check_os);
	assert_int_equal(w->encoding.present, g->encoding.present);
	switch (w->encoding.present) {
	case IPM_External__encoding_PR_single_ASN1_type:
		check_any(&w->encoding.choice.single_ASN1_type,
		    &g->encoding.choice.single_ASN1_type);
		break;
	case IPM_External__encoding_PR_octet_aligned:
		check_os(&w->encoding.choice.octet_aligned,
		    &g->encoding.choice.octet_aligned);
		break;
	case IPM_External__encoding_PR_arbitrary:
		check_bits(&w->encoding.choice.arbitrary,
		    &g->encoding.choice.arbitrary);
		break;
	default:
		fail();
	}
}

static void check_ipm(const IPM_t *w, const IPM_t *g);

static void check_message(const MessageBodyPart_t *w,
			  const MessageBodyPart_t *g)
{
	CHECK_OPT(w->parameters.delivery_time, g->parameters.delivery_time,
	    check_os);
	CHECK_OPT_LIST(w->parameters.delivery_envelope,
	    g->parameters.delivery_envelope, check_any);
	CHECK_OPT(w->data, g->data, check_ipm);
}

static void check_bodypart(const BodyPart_t *w, const BodyPart_t *g)
{
	const union BodyPart_u *wc = &w->choice, *gc = &g->choice;

	assert_int_equal(w->present, g->present);
	switch (w->present) {
	case BodyPart_PR_ia5_text:
		CHECK_OPT(wc->ia5_text.parameters.repertoire,
		    gc->ia5_text.parameters.repertoire, check_long);
		check_os(&wc->ia5_text.data, &gc->ia5_text.data);
		break;
	case BodyPart_PR_tlx:
		CHECK_LIST(&wc->tlx, &gc->tlx, check_any);
		break;
	case BodyPart_PR_voice:
		CHECK_LIST(&wc->voice, &gc->voice, check_any);
		break;
	case BodyPart_PR_sfd:
		CHECK_LIST(&wc->sfd, &gc->sfd, check_any);
		break;
	case BodyPart_PR_iso_6937_text:
		CHECK_LIST(&wc->iso_6937_text, &gc->iso_6937_text, check_any);
		break;
	case BodyPart_PR_g3_facsimile:
		CHECK_OPT(wc->g3_facsimile.parameters.number_of_pages,
		    gc->g3_facsimile.parameters.number_of_pages, check_long);
		assert_int_equal(
		    !wc->g3_facsimile.parameters.non_basic_parameters,
		    !gc->g3_facsimile.parameters.non_basic_parameters);
		CHECK_LIST(&wc->g3_facsimile.data, &gc->g3_facsimile.data,
		    check_bits);
		break;
	case BodyPart_PR_g4_class1:
		CHECK_LIST(&wc->g4_class1, &gc->g4_class1, check_any);
		break;
	case BodyPart_PR_mixed_mode:
		CHECK_LIST(&wc->mixed_mode, &gc->mixed_mode, check_any);
		break;
	case BodyPart_PR_teletex:
		CHECK_OPT(wc->teletex.parameters.number_of_pages,
		    gc->teletex.parameters.number_of_pages, check_long);
		CHECK_OPT(wc->teletex.parameters.telex_compatible,
		    gc->teletex.parameters.telex_compatible, check_bool);
		assert_int_equal(!wc->teletex.parameters.non_basic_parameters,
		    !gc->teletex.parameters.non_basic_parameters);
		CHECK_LIST(&wc->teletex.data, &gc->teletex.data, check_os);
		break;
	case BodyPart_PR_videotex:
		CHECK_OPT(wc->videotex.parameters.syntax,
		    gc->videotex.parameters.syntax, check_long);
		check_os(&wc->videotex.data, &gc->videotex.data);
		break;
	case BodyPart_PR_nationally_defined:
		check_any(&wc->nationally_defined, &gc->nationally_defined);
		break;
	case BodyPart_PR_encrypted:
		CHECK_LIST(&wc->encrypted.parameters,
		    &gc->encrypted.parameters, check_any);
		check_bits(&wc->encrypted.data, &gc->encrypted.data);
		break;
	case BodyPart_PR_message:
		CHECK_OPT(wc->message, gc->message, check_message);
		break;
	case BodyPart_PR_odif:
		check_os(&wc->odif, &gc->odif);
		break;
	case BodyPart_PR_bilaterally_defined:
		check_os(&wc->bilaterally_defined, &gc->bilaterally_defined);
		break;
	case BodyPart_PR_extended:
		CHECK_OPT(wc->extended.parameters, gc->extended.parameters,
		    check_external);
		check_external(&wc->extended.data, &gc->extended.data);
		break;
	default:
		fail();
	}
}

static void check_ipm(const IPM_t *w, const IPM_t *g)
{
	check_heading(&w->heading, &g->heading);
	assert_non_null(w->body);
	assert_non_null(g->body);
	CHECK_LIST(w->body, g->body, check_bodypart);
}

static void check_nonreceipt(const NonReceiptFields_t *w,
			     const NonReceiptFields_t *g)
{
	assert_int_equal(w->non_receipt_reason, g->non_receipt_reason);
	CHECK_OPT(w->discard_reason, g->discard_reason, check_long);
	CHECK_OPT(w->auto_forward_comment, g->auto_forward_comment, check_os);
	CHECK_OPT(w->returned_ipm, g->returned_ipm, check_ipm);
	CHECK_OPT_LIST(w->nrn_extensions, g->nrn_extensions, check_ext);
}

static void check_receipt(const ReceiptFields_t *w, const ReceiptFields_t *g)
{
	check_os(&w->receipt_time, &g->receipt_time);
	CHECK_OPT(w->acknowledgment_mode, g->acknowledgment_mode, check_long);
	CHECK_OPT(w->suppl_receipt_info, g->suppl_receipt_info, check_os);
	CHECK_OPT_LIST(w->rn_extensions, g->rn_extensions, check_ext);
}

static void check_ipn(const IPN_t *w, const IPN_t *g)
{
	check_ipmid(&w->subject_ipm, &g->subject_ipm);
	CHECK_OPT(w->ipn_originator, g->ipn_originator, check_ordesc);
	CHECK_OPT(w->ipm_intended_recipient, g->ipm_intended_recipient,
	    check_ordesc);
	CHECK_OPT(w->conversion_eits, g->conversion_eits, check_eits);
	CHECK_OPT_LIST(w->notification_extensions, g->notification_extensions,
	    check_ext);
	assert_int_equal(w->choice.present, g->choice.present);
	switch (w->choice.present) {
	case IPN__choice_PR_non_receipt_fields:
		check_nonreceipt(&w->choice.choice.non_receipt_fields,
		    &g->choice.choice.non_receipt_fields);
		break;
	case IPN__choice_PR_receipt_fields:
		check_receipt(&w->choice.choice.receipt_fields,
		    &g->choice.choice.receipt_fields);
		break;
	case IPN__choice_PR_other_notification_type_fields:
		CHECK_LIST(&w->choice.choice.other_notification_type_fields,
		    &g->choice.choice.other_notification_type_fields,
		    check_ext);
		break;
	default:
		fail();
	}
}

static void check_io(const InformationObject_t *w,
		     const InformationObject_t *g)
{
	assert_int_equal(w->present, g->present);
	if (w->present == InformationObject_PR_ipm)
		check_ipm(&w->choice.ipm, &g->choice.ipm);
	else
		check_ipn(&w->choice.ipn, &g->choice.ipn);
}

static void assert_str(const OCTET_STRING_t *os, const char *s)
{
	assert_non_null(os);
	check_bytes(os->buf, os->size, (const uint8_t *)s, (int)strlen(s));
}

/* ------------------------------------------------------------------ */
/* Round trip								*/
/* ------------------------------------------------------------------ */

/* roundtrip - encode io, decode it, compare field by field, re-encode
 *	and insist on the same octets. Returns the decoded copy; *der
 *	(if asked for) gets the encoding, which the caller frees. */
static InformationObject_t *roundtrip(const InformationObject_t *io,
				      unsigned char **der, size_t *derlen)
{
	unsigned char *b1, *b2;
	size_t n1, n2, used = 0;
	void *out = NULL;

	assert_int_equal(codec_encode_alloc(TD_IO, io, &b1, &n1), CODEC_OK);
	assert_int_equal(codec_decode(TD_IO, b1, n1, 0, &out, &used),
	    CODEC_OK);
	assert_int_equal(used, n1);
	check_io(io, out);
	assert_int_equal(codec_encode_alloc(TD_IO, out, &b2, &n2), CODEC_OK);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	free(b2);
	if (der) {
		*der = b1;
		*derlen = n1;
	} else {
		free(b1);
	}
	return out;
}

/* decode_ok - decode fixture bytes that must be a valid IPM or IPN */
static InformationObject_t *decode_ok(const void *buf, size_t n)
{
	void *out = NULL;
	int err = codec_decode(TD_IO, buf, n, 0, &out, NULL);

	if (err != CODEC_OK)
		print_error("decode: %s: %s\n", codec_strerror(err),
		    codec_last_detail());
	assert_int_equal(err, CODEC_OK);
	assert_non_null(out);
	return out;
}

/* ------------------------------------------------------------------ */
/* Tests								*/
/* ------------------------------------------------------------------ */

/*
 * The P22 content of the message in frame 13 of
 * tests/vectors/pp-p1-loop-success.pcap (the content OCTET STRING of
 * the P1 user message, subject "loop test 6"), as PP's UA encoded it:
 * indefinite lengths, importance and repertoire sent at their defaults.
 */
static const unsigned char pp_loop_test_6[] = {
	0xa0, 0x80, 0x31, 0x80, 0x6b, 0x32, 0x13, 0x30, 0x28, 0x71, 0x29, 0x32,
	0x31, 0x37, 0x34, 0x20, 0x53, 0x61, 0x74, 0x20, 0x4e, 0x6f, 0x76, 0x20,
	0x32, 0x31, 0x20, 0x31, 0x33, 0x3a, 0x33, 0x38, 0x3a, 0x30, 0x36, 0x20,
	0x32, 0x30, 0x32, 0x36, 0x28, 0x71, 0x29, 0x28, 0x61, 0x29, 0x70, 0x70,
	0x6d, 0x74, 0x61, 0x2e, 0x74, 0x65, 0x73, 0x74, 0xa0, 0x28, 0x60, 0x26,
	0x30, 0x24, 0x61, 0x04, 0x13, 0x02, 0x47, 0x42, 0x62, 0x03, 0x13, 0x01,
	0x20, 0xa2, 0x08, 0x13, 0x06, 0x50, 0x50, 0x54, 0x45, 0x53, 0x54, 0x83,
	0x05, 0x50, 0x50, 0x4f, 0x52, 0x47, 0xa5, 0x06, 0x80, 0x04, 0x72, 0x6f,
	0x6f, 0x74, 0xa2, 0x2f, 0x31, 0x2d, 0xa0, 0x2b, 0x60, 0x29, 0x30, 0x27,
	0x61, 0x04, 0x13, 0x02, 0x47, 0x42, 0x62, 0x03, 0x13, 0x01, 0x20, 0xa2,
	0x08, 0x13, 0x06, 0x50, 0x50, 0x54, 0x45, 0x53, 0x54, 0x83, 0x07, 0x4c,
	0x4f, 0x4f, 0x50, 0x4f, 0x52, 0x47, 0xa5, 0x07, 0x80, 0x05, 0x63, 0x61,
	0x72, 0x6f, 0x6c, 0xa8, 0x0d, 0x14, 0x0b, 0x6c, 0x6f, 0x6f, 0x70, 0x20,
	0x74, 0x65, 0x73, 0x74, 0x20, 0x36, 0x8c, 0x01, 0x01, 0x00, 0x00, 0x30,
	0x42, 0xa0, 0x40, 0x31, 0x03, 0x80, 0x01, 0x05, 0x16, 0x39, 0x54, 0x65,
	0x73, 0x74, 0x20, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x20, 0x62,
	0x6f, 0x64, 0x79, 0x20, 0x66, 0x6f, 0x72, 0x20, 0x63, 0x61, 0x72, 0x6f,
	0x6c, 0x40, 0x6c, 0x6f, 0x6f, 0x70, 0x6f, 0x72, 0x67, 0x2e, 0x74, 0x65,
	0x73, 0x74, 0x2e, 0x0d, 0x0a, 0x53, 0x65, 0x63, 0x6f, 0x6e, 0x64, 0x20,
	0x6c, 0x69, 0x6e, 0x65, 0x2e, 0x0d, 0x0a, 0x00, 0x00,
};

/* The PP message decodes to what tshark shows, and its DER is stable. */
static void test_pp_vector(void **state)
{
	InformationObject_t *io, *again;
	ORName_t *want_orig = mk_orname("PPORG", "root");
	ORName_t *want_rcpt = mk_orname("LOOPORG", "carol");
	const Heading_t *h;
	const BodyPart_t *bp;
	unsigned char *der;
	size_t n;

	(void)state;
	io = decode_ok(pp_loop_test_6, sizeof(pp_loop_test_6));
	assert_int_equal(io->present, InformationObject_PR_ipm);
	h = &io->choice.ipm.heading;
	assert_null(h->this_IPM.user);
	assert_str(&h->this_IPM.user_relative_identifier,
	    "(q)2174 Sat Nov 21 13:38:06 2026(q)(a)ppmta.test");
	assert_non_null(h->originator);
	assert_non_null(h->originator->formal_name);
	check_orname(want_orig, h->originator->formal_name);
	assert_null(h->originator->free_form_name);
	assert_non_null(h->primary_recipients);
	assert_int_equal(h->primary_recipients->list.count, 1);
	assert_non_null(
	    h->primary_recipients->list.array[0]->recipient.formal_name);
	check_orname(want_rcpt,
	    h->primary_recipients->list.array[0]->recipient.formal_name);
	assert_null(
	    h->primary_recipients->list.array[0]->notification_requests);
	assert_null(h->copy_recipients);
	assert_str(h->subject, "loop test 6");
	assert_non_null(h->importance);
	assert_int_equal(*h->importance, ImportanceField_normal);
	assert_null(h->auto_forwarded);
	assert_null(h->extensions);

	assert_int_equal(io->choice.ipm.body->list.count, 1);
	bp = io->choice.ipm.body->list.array[0];
	assert_int_equal(bp->present, BodyPart_PR_ia5_text);
	assert_non_null(bp->choice.ia5_text.parameters.repertoire);
	assert_int_equal(*bp->choice.ia5_text.parameters.repertoire,
	    Repertoire_ia5);
	assert_str(&bp->choice.ia5_text.data,
	    "Test message body for carol@looporg.test.\r\nSecond line.\r\n");

	/* Re-encoded as DER: same value with definite lengths (the two
	 * end-of-contents pairs go, -4; the IPM's and the heading's
	 * lengths take the long form, +2), and stable from then on. */
	again = roundtrip(io, &der, &n);
	assert_int_equal(n, sizeof(pp_loop_test_6) - 4 + 2);
	free(der);
	codec_free(TD_IO, again);
	codec_free(TD_IO, io);
	codec_free(&asn_DEF_ORName, want_orig);
	codec_free(&asn_DEF_ORName, want_rcpt);
}

/* The smallest IPM encodes to exactly the octets X.420 prescribes. */
static void test_minimal_ipm_bytes(void **state)
{
	static const unsigned char want[] = {
		0xa0, 0x11,			/* [0] IPM */
		0x31, 0x05,			/*  Heading SET */
		0x6b, 0x03,			/*   this-IPM [APPL 11] */
		0x13, 0x01, '1',		/*    user-relative-id */
		0x30, 0x08,			/*  Body */
		0xa0, 0x06,			/*   [0] ia5-text */
		0x31, 0x00,			/*    parameters (ia5) */
		0x16, 0x02, 'h', 'i'		/*    data */
	};
	InformationObject_t *io = xcalloc(sizeof(*io)), *got;
	unsigned char *der;
	size_t n;
	const Heading_t *h;

	(void)state;
	io->present = InformationObject_PR_ipm;
	set_str(&io->choice.ipm.heading.this_IPM.user_relative_identifier,
	    "1");
	io->choice.ipm.body = xcalloc(sizeof(*io->choice.ipm.body));
	ADD(io->choice.ipm.body, mk_text_part("hi"));

	got = roundtrip(io, &der, &n);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(der, want, sizeof(want));

	/* Everything optional stays absent; DEFAULTs read as absent. */
	h = &got->choice.ipm.heading;
	assert_null(h->this_IPM.user);
	assert_null(h->originator);
	assert_null(h->primary_recipients);
	assert_null(h->subject);
	assert_null(h->importance);		/* normal */
	assert_null(h->auto_forwarded);		/* FALSE */
	assert_null(got->choice.ipm.body->list.array[0]->choice.ia5_text.
	    parameters.repertoire);		/* ia5 */
	free(der);
	codec_free(TD_IO, got);
	codec_free(TD_IO, io);
}

/* Every heading field, several recipients of each kind. */
static void test_full_heading(void **state)
{
	InformationObject_t *io = new_ipm("20261121.0001"), *got;
	Heading_t *h = &io->choice.ipm.heading;
	RecipientSpecifier_t *r;
	struct ber lang = { .n = 0 }, uval = { .n = 0 };
	const Heading_t *g;

	(void)state;
	h->originator = mk_ordesc("PPORG", "root", "Root Operator",
	    "+44 20 7946 0000");

	h->authorizing_users = xcalloc(sizeof(*h->authorizing_users));
	ADD(h->authorizing_users, mk_ordesc("PPORG", "boss", NULL, NULL));
	ADD(h->authorizing_users, mk_ordesc(NULL, NULL, "The Board", NULL));

	h->primary_recipients = xcalloc(sizeof(*h->primary_recipients));
	ADD(h->primary_recipients, mk_recip("LOOPORG", "carol",
	    (1u << NotificationRequests_rn) | (1u << NotificationRequests_nrn),
	    1));
	r = mk_recip("LOOPORG", "dave", 1u << NotificationRequests_ipm_return,
	    0);
	r->recipient.free_form_name = new_str("Dave D.");
	r->recipient_extensions = xcalloc(sizeof(*r->recipient_extensions));
	ber_str(&uval, 0x13, "x");
	ADD(r->recipient_extensions, mk_ext(et_private, 8, &uval));
	ADD(h->primary_recipients, r);
	ADD(h->primary_recipients, mk_recip("LOOPORG", "erin", 0, 0));

	h->copy_recipients = xcalloc(sizeof(*h->copy_recipients));
	ADD(h->copy_recipients, mk_recip("PPORG", "frank", 0, 1));
	ADD(h->copy_recipients, mk_recip("PPORG", "grace",
	    1u << NotificationRequests_nrn, 0));

	h->blind_copy_recipients =
	    xcalloc(sizeof(*h->blind_copy_recipients));
	ADD(h->blind_copy_recipients, mk_recip("PPORG", "heidi", 0, 0));

	h->replied_to_IPM = mk_ipmid("LOOPORG", "carol", "carol.42");
	h->obsoleted_IPMs = xcalloc(sizeof(*h->obsoleted_IPMs));
	ADD(h->obsoleted_IPMs, mk_ipmid("PPORG", "root", "20261120.0007"));
	ADD(h->obsoleted_IPMs, mk_ipmid(NULL, NULL, "old-no-user"));
	h->related_IPMs = xcalloc(sizeof(*h->related_IPMs));
	ADD(h->related_IPMs, mk_ipmid("LOOPORG", "dave", "dave.9"));

	h->subject = new_str("Quarterly figures");
	h->expiry_time = new_str("261231235959Z");
	h->reply_time = new_str("261201120000Z");
	h->reply_recipients = xcalloc(sizeof(*h->reply_recipients));
	ADD(h->reply_recipients, mk_ordesc("PPORG", "secretary", NULL, NULL));
	h->importance = xlong(ImportanceField_high);
	h->sensitivity = xlong(SensitivityField_company_confidential);
	h->auto_forwarded = xbool(1);

	/* SET OF: built in DER order so the comparison is order for order. */
	h->extensions = xcalloc(sizeof(*h->extensions));
	ADD(h->extensions, mk_ext(hex_incomplete_copy, 5, NULL));
	languages_ber(&lang, "en");
	ADD(h->extensions, mk_ext(hex_languages, 5, &lang));

	ADD(io->choice.ipm.body, mk_text_part("Figures attached.\r\n"));

	got = roundtrip(io, NULL, NULL);

	/* Beyond matching what was built: each field is really there. */
	g = &got->choice.ipm.heading;
	assert_non_null(g->this_IPM.user);
	assert_non_null(g->originator);
	assert_str(g->originator->telephone_number, "+44 20 7946 0000");
	assert_int_equal(g->authorizing_users->list.count, 2);
	assert_null(g->authorizing_users->list.array[1]->formal_name);
	assert_int_equal(g->primary_recipients->list.count, 3);
	r = g->primary_recipients->list.array[0];
	assert_int_equal(r->notification_requests->size, 1);
	assert_int_equal(r->notification_requests->buf[0], 0xc0);
	assert_int_equal(r->notification_requests->bits_unused, 6);
	assert_true(*r->reply_requested);
	assert_int_equal(g->primary_recipients->list.array[1]->
	    recipient_extensions->list.count, 1);
	assert_int_equal(g->copy_recipients->list.count, 2);
	assert_int_equal(g->blind_copy_recipients->list.count, 1);
	assert_str(&g->replied_to_IPM->user_relative_identifier, "carol.42");
	assert_int_equal(g->obsoleted_IPMs->list.count, 2);
	assert_null(g->obsoleted_IPMs->list.array[1]->user);
	assert_int_equal(g->related_IPMs->list.count, 1);
	assert_str(g->subject, "Quarterly figures");
	assert_str(g->expiry_time, "261231235959Z");
	assert_str(g->reply_time, "261201120000Z");
	assert_int_equal(g->reply_recipients->list.count, 1);
	assert_int_equal(*g->importance, ImportanceField_high);
	assert_int_equal(*g->sensitivity,
	    SensitivityField_company_confidential);
	assert_true(*g->auto_forwarded);
	assert_int_equal(g->extensions->list.count, 2);
	assert_null(g->extensions->list.array[0]->value);
	assert_non_null(g->extensions->list.array[1]->value);

	codec_free(TD_IO, got);
	codec_free(TD_IO, io);
}

/* Every body part type this module types, and forwarding (recursion). */
static void test_body_parts(void **state)
{
	static const char *const lines[] = { "Seite 1", "Zeile 2" };
	static const unsigned char blob[] = { 0x00, 0xff, 0x10, 0x80 };
	InformationObject_t *io = new_ipm("20261121.0002"), *got;
	Body_t *b = io->choice.ipm.body;
	struct ber params = { .n = 0 }, data = { .n = 0 }, nat = { .n = 0 };
	BodyPart_t *bp;
	const IPM_t *fwd;

	(void)state;
	io->choice.ipm.heading.subject = new_str("all kinds");
	ADD(b, mk_text_part("first part\r\n"));
	bp = mk_text_part("ITA2-limited part");
	bp->choice.ia5_text.parameters.repertoire = xlong(Repertoire_ita2);
	ADD(b, bp);
	ADD(b, mk_g3fax_part(2));
	ADD(b, mk_teletex_part(lines, 2));
	ADD(b, mk_videotex_part("\x1b\x25\x40videotex"));
	ADD(b, mk_encrypted_part());
	ADD(b, mk_message_part("fwd.1", "the original text\r\n"));
	ADD(b, mk_bilateral_part(blob, sizeof(blob)));
	ber_str(&nat, 0x04, "national");
	bp = xcalloc(sizeof(*bp));
	bp->present = BodyPart_PR_nationally_defined;
	set_any(&bp->choice.nationally_defined, &nat);
	ADD(b, bp);
	ADD(b, mk_opaque_part(BodyPart_PR_voice));
	ADD(b, mk_opaque_part(BodyPart_PR_iso_6937_text));
	bp = xcalloc(sizeof(*bp));
	bp->present = BodyPart_PR_odif;
	set_os(&bp->choice.odif, blob, sizeof(blob));
	ADD(b, bp);
	ber_str(&params, 0x13, "params");
	ber_str(&data, 0x04, "some octets");
	ADD(b, mk_extended_part(et_private, 8, &params, &data));

	got = roundtrip(io, NULL, NULL);
	assert_int_equal(got->choice.ipm.body->list.count, 13);
	bp = got->choice.ipm.body->list.array[6];
	assert_int_equal(bp->present, BodyPart_PR_message);
	fwd = bp->choice.message->data;
	assert_non_null(fwd);
	assert_str(fwd->heading.subject, "forwarded");
	assert_int_equal(fwd->body->list.count, 1);
	assert_str(&fwd->body->list.array[0]->choice.ia5_text.data,
	    "the original text\r\n");
	bp = got->choice.ipm.body->list.array[2];
	assert_int_equal(bp->choice.g3_facsimile.data.list.count, 2);
	assert_int_equal(*bp->choice.g3_facsimile.parameters.number_of_pages,
	    2);
	codec_free(TD_IO, got);
	codec_free(TD_IO, io);
}

/*
 * Body parts nobody here understands arrive as BER from elsewhere and
 * must come back out unchanged: an extended body part of a private
 * type (EXTERNAL with parameters and data), a 1984 telex part and an
 * SFD part whose contents are just TLVs.
 */
static void test_unknown_body_parts_kept(void **state)
{
	static const unsigned char want_oid[] = {
		0x2b, 0x06, 0x01, 0x04, 0x01, 0x86, 0x8d, 0x1f, 0x07
	};
	struct ber ext = { .n = 0 }, x = { .n = 0 }, v = { .n = 0 };
	struct ber xp = { .n = 0 }, vp = { .n = 0 };
	struct ber tlx = { .n = 0 }, sfd = { .n = 0 }, in = { .n = 0 };
	struct ber body = { .n = 0 }, heading = { .n = 0 }, id = { .n = 0 };
	struct ber ipm = { .n = 0 }, io_ber = { .n = 0 };
	InformationObject_t *io;
	const BodyPart_t *bp;
	unsigned char *der;
	size_t n;
	unsigned arcs[10];

	(void)state;
	/* [15] { [0] EXTERNAL { oid, [0] { UTF8String } },
	 *        EXTERNAL { oid, [0] { SEQUENCE { INTEGER, OCTET STRING } } }
	 * } */
	ber_tlv(&xp, 0x06, want_oid, sizeof(want_oid));
	ber_str(&vp, 0x0c, "charset=utf-8");
	ber_wrap(&xp, 0xa0, &vp);
	ber_wrap(&ext, 0xa0, &xp);
	ber_tlv(&x, 0x06, want_oid, sizeof(want_oid));
	ber_tlv(&in, 0x02, "\x01", 1);
	ber_str(&in, 0x04, "\xe2\x82\xac uro");
	ber_wrap(&v, 0x30, &in);
	ber_wrap(&x, 0xa0, &v);
	ber_wrap(&ext, 0x28, &x);
	ber_wrap(&body, 0xaf, &ext);
	/* [1] telex: an explicit ANY, here an IA5String */
	ber_str(&tlx, 0x16, "ZCZC");
	ber_wrap(&body, 0xa1, &tlx);
	/* [10] SFD: two TLVs */
	ber_tlv(&sfd, 0x31, NULL, 0);
	ber_str(&sfd, 0x04, "sfd doc");
	ber_wrap(&body, 0xaa, &sfd);

	ber_str(&id, 0x13, "unknown.1");
	ber_wrap(&heading, 0x6b, &id);
	ber_wrap(&ipm, 0x31, &heading);
	ber_wrap(&ipm, 0x30, &body);
	ber_wrap(&io_ber, 0xa0, &ipm);

	io = decode_ok(io_ber.b, io_ber.n);
	assert_int_equal(io->choice.ipm.body->list.count, 3);

	bp = io->choice.ipm.body->list.array[0];
	assert_int_equal(bp->present, BodyPart_PR_extended);
	assert_non_null(bp->choice.extended.parameters);
	assert_non_null(bp->choice.extended.data.direct_reference);
	assert_int_equal(OBJECT_IDENTIFIER_get_arcs(
	    bp->choice.extended.data.direct_reference, arcs,
	    sizeof(arcs[0]), 10), 8);
	assert_memory_equal(arcs, et_private, sizeof(et_private));
	assert_int_equal(bp->choice.extended.data.encoding.present,
	    IPM_External__encoding_PR_single_ASN1_type);
	check_bytes(bp->choice.extended.data.encoding.choice.
	    single_ASN1_type.buf, bp->choice.extended.data.encoding.choice.
	    single_ASN1_type.size, v.b, (int)v.n);
	check_bytes(bp->choice.extended.parameters->encoding.choice.
	    single_ASN1_type.buf, bp->choice.extended.parameters->encoding.
	    choice.single_ASN1_type.size, vp.b, (int)vp.n);

	bp = io->choice.ipm.body->list.array[1];
	assert_int_equal(bp->present, BodyPart_PR_tlx);
	assert_int_equal(bp->choice.tlx.list.count, 1);
	check_bytes(bp->choice.tlx.list.array[0]->buf,
	    bp->choice.tlx.list.array[0]->size, tlx.b, (int)tlx.n);

	bp = io->choice.ipm.body->list.array[2];
	assert_int_equal(bp->present, BodyPart_PR_sfd);
	assert_int_equal(bp->choice.sfd.list.count, 2);

	/* Out again, octet for octet. */
	assert_int_equal(codec_encode_alloc(TD_IO, io, &der, &n), CODEC_OK);
	check_bytes(der, (int)n, io_ber.b, (int)io_ber.n);
	free(der);
	codec_free(TD_IO, io);
}

/* new_ipn - an IPN's common fields, about IPM "20261121.0001"; the
 *	kind of notification is left for the test */
static InformationObject_t *new_ipn(void)
{
	InformationObject_t *io = xcalloc(sizeof(*io));
	IPN_t *n = &io->choice.ipn;
	static const unsigned char eits[] = {	/* ia5-text */
		0x65, 0x04, 0x80, 0x02, 0x05, 0x20
	};
	void *p = NULL;

	io->present = InformationObject_PR_ipn;
	fill_ipmid(&n->subject_ipm, "PPORG", "root", "20261121.0001");
	n->ipn_originator = mk_ordesc("LOOPORG", "carol", NULL, NULL);
	n->ipm_intended_recipient = mk_ordesc("LOOPORG", "carol-list",
	    "Carol's list", NULL);
	assert_int_equal(codec_decode(&asn_DEF_EncodedInformationTypes, eits,
	    sizeof(eits), 0, &p, NULL), CODEC_OK);
	n->conversion_eits = p;
	return io;
}

static void test_ipn_receipt(void **state)
{
	InformationObject_t *io = new_ipn(), *got;
	ReceiptFields_t *r;
	struct ber lang = { .n = 0 };

	(void)state;
	io->choice.ipn.choice.present = IPN__choice_PR_receipt_fields;
	r = &io->choice.ipn.choice.choice.receipt_fields;
	set_str(&r->receipt_time, "261121134500Z");
	r->acknowledgment_mode = xlong(AcknowledgmentModeField_automatic);
	r->suppl_receipt_info = new_str("read by the list agent");
	r->rn_extensions = xcalloc(sizeof(*r->rn_extensions));
	languages_ber(&lang, "fr");
	ADD(r->rn_extensions, mk_ext(hex_languages, 5, &lang));

	got = roundtrip(io, NULL, NULL);
	assert_int_equal(got->present, InformationObject_PR_ipn);
	r = &got->choice.ipn.choice.choice.receipt_fields;
	assert_int_equal(got->choice.ipn.choice.present,
	    IPN__choice_PR_receipt_fields);
	assert_str(&r->receipt_time, "261121134500Z");
	assert_int_equal(*r->acknowledgment_mode,
	    AcknowledgmentModeField_automatic);
	assert_non_null(got->choice.ipn.conversion_eits);
	codec_free(TD_IO, got);
	codec_free(TD_IO, io);
}

static void test_ipn_non_receipt(void **state)
{
	InformationObject_t *io = new_ipn(), *got;
	NonReceiptFields_t *nr;

	(void)state;
	io->choice.ipn.choice.present = IPN__choice_PR_non_receipt_fields;
	nr = &io->choice.ipn.choice.choice.non_receipt_fields;
	nr->non_receipt_reason = NonReceiptReasonField_ipm_discarded;
	nr->discard_reason = xlong(DiscardReasonField_ipm_expired);
	nr->auto_forward_comment = new_str("away until Monday");
	nr->returned_ipm = xcalloc(sizeof(*nr->returned_ipm));
	new_ipm_in(nr->returned_ipm, "20261121.0001");
	nr->returned_ipm->heading.subject = new_str("Quarterly figures");
	ADD(nr->returned_ipm->body, mk_text_part("Figures attached.\r\n"));
	nr->nrn_extensions = xcalloc(sizeof(*nr->nrn_extensions));
	ADD(nr->nrn_extensions, mk_ext(et_private, 8, NULL));
	io->choice.ipn.notification_extensions =
	    xcalloc(sizeof(*io->choice.ipn.notification_extensions));
	ADD(io->choice.ipn.notification_extensions,
	    mk_ext(hex_incomplete_copy, 5, NULL));

	got = roundtrip(io, NULL, NULL);
	nr = &got->choice.ipn.choice.choice.non_receipt_fields;
	assert_int_equal(nr->non_receipt_reason,
	    NonReceiptReasonField_ipm_discarded);
	assert_int_equal(*nr->discard_reason, DiscardReasonField_ipm_expired);
	assert_non_null(nr->returned_ipm);
	assert_str(nr->returned_ipm->heading.subject, "Quarterly figures");
	codec_free(TD_IO, got);
	codec_free(TD_IO, io);
}

/* decode_fails - bytes that must not decode, with the expected error */
static void decode_fails(const struct ber *b, int want)
{
	void *out = (void *)1;
	int err = codec_decode(TD_IO, b->b, b->n, 0, &out, NULL);

	if (err == CODEC_OK)
		codec_free(TD_IO, out);
	assert_int_equal(err, want);
	assert_null(out);
}

static void test_rejects(void **state)
{
	struct ber id = { .n = 0 }, h = { .n = 0 }, body = { .n = 0 };
	struct ber ipm = { .n = 0 }, io_ber = { .n = 0 }, bp = { .n = 0 };
	InformationObject_t *io;
	unsigned char *der = NULL;
	size_t n;
	char big[130];

	(void)state;
	/* A body part tag X.420 does not have: [16]. */
	ber_str(&id, 0x13, "1");
	ber_wrap(&h, 0x6b, &id);
	ber_tlv(&bp, 0xb0, NULL, 0);
	ber_wrap(&body, 0x30, &bp);
	ber_wrap(&ipm, 0x31, &h);
	ber_wrap(&ipm, 0x30, &body);
	ber_wrap(&io_ber, 0xa0, &ipm);
	decode_fails(&io_ber, CODEC_E_MALFORMED);

	/* A heading without this-IPM. */
	ipm.n = io_ber.n = 0;
	ber_tlv(&ipm, 0x31, NULL, 0);
	ber_tlv(&ipm, 0x30, NULL, 0);
	ber_wrap(&io_ber, 0xa0, &ipm);
	decode_fails(&io_ber, CODEC_E_MALFORMED);

	/* An IPM identifier that is not a PrintableString ('@'). */
	id.n = h.n = ipm.n = io_ber.n = 0;
	ber_str(&id, 0x13, "a@b");
	ber_wrap(&h, 0x6b, &id);
	ber_wrap(&ipm, 0x31, &h);
	ber_tlv(&ipm, 0x30, NULL, 0);
	ber_wrap(&io_ber, 0xa0, &ipm);
	decode_fails(&io_ber, CODEC_E_CONSTRAINT);

	/* Upper bounds hold on decoding too, however many values of the
	 * type were decoded before: a 65-character IPM identifier
	 * (ub-local-ipm-identifier is 64), a 129-character subject. */
	memset(big, 'x', sizeof(big) - 1);
	big[65] = 0;
	id.n = h.n = ipm.n = io_ber.n = 0;
	ber_str(&id, 0x13, big);
	ber_wrap(&h, 0x6b, &id);
	ber_wrap(&ipm, 0x31, &h);
	ber_tlv(&ipm, 0x30, NULL, 0);
	ber_wrap(&io_ber, 0xa0, &ipm);
	decode_fails(&io_ber, CODEC_E_CONSTRAINT);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	id.n = h.n = ipm.n = io_ber.n = bp.n = 0;
	ber_str(&id, 0x13, "1");
	ber_wrap(&h, 0x6b, &id);
	ber_str(&bp, 0x14, big);
	ber_wrap(&h, 0xa8, &bp);
	ber_wrap(&ipm, 0x31, &h);
	ber_tlv(&ipm, 0x30, NULL, 0);
	ber_wrap(&io_ber, 0xa0, &ipm);
	decode_fails(&io_ber, CODEC_E_CONSTRAINT);

	/* A subject over ub-subject-field (128) does not encode. */
	io = new_ipm("big");
	io->choice.ipm.heading.subject = new_str(big);
	assert_int_equal(codec_encode_alloc(TD_IO, io, &der, &n),
	    CODEC_E_CONSTRAINT);
	assert_null(der);
	codec_free(TD_IO, io);

	/* An IPN that says neither receipt nor non-receipt. */
	io = new_ipn();
	assert_true(codec_encode_alloc(TD_IO, io, &der, &n) < 0);
	assert_null(der);
	codec_free(TD_IO, io);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pp_vector),
		cmocka_unit_test(test_minimal_ipm_bytes),
		cmocka_unit_test(test_full_heading),
		cmocka_unit_test(test_body_parts),
		cmocka_unit_test(test_unknown_body_parts_kept),
		cmocka_unit_test(test_ipn_receipt),
		cmocka_unit_test(test_ipn_non_receipt),
		cmocka_unit_test(test_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
