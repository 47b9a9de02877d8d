/*
 * test_pres.c - Presentation PPDUs (X.226): DER round trips of CP, CPA, CPR,
 *	ARU, ARP, User-data and the context-management PPDUs in both modes,
 *	and every presentation PDU of the normal-mode captures
 *
 * Every round trip builds a value in C, encodes it with
 * codec_encode_alloc(), decodes the octets with codec_decode(), checks the
 * decoded fields one by one and re-encodes them: the two encodings must be
 * identical. The contexts are those of a P1 association: 1 ACSE
 * (2.2.1.0.1), 3 id-as-mta-rtse (2.6.0.2.12), 5 id-as-mts-transfer
 * (2.6.0.2.7), all in BER (2.1.1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "capture.h"
#include "CP-type.h"
#include "CPA-PPDU.h"
#include "CPR-PPDU.h"
#include "Abort-type.h"
#include "Typed-data-type.h"
#include "User-data.h"
#include "ACSE-apdu.h"
#include "RTSE-apdus.h"

#define OID_ACSE_AS	"2.2.1.0.1"
#define OID_MTA_RTSE	"2.6.0.2.12"
#define OID_MTS_TRANSFER "2.6.0.2.7"
#define OID_BER		"2.1.1"

/* The P1 presentation contexts, as PP proposes them. */
static const struct context {
	long id;
	const char *abstract;
} p1_contexts[] = {
	{ 1, OID_ACSE_AS }, { 3, OID_MTA_RTSE }, { 5, OID_MTS_TRANSFER }
};
#define N_P1_CONTEXTS	(sizeof(p1_contexts) / sizeof(p1_contexts[0]))

static const unsigned char calling_psel[] = { 0x00, 0x00, 0x00, 0x01 };
static const unsigned char called_psel[] = { 0x00, 0x00, 0x00, 0x02 };

/* ACSE APDUs carried as PDVs (opaque to the presentation layer): an AARQ
 * for 2.6.0.1.6, an AARE accepting it, an ABRT from the service user. */
static const unsigned char aarq[] = {
	0x60, 0x08, 0xa1, 0x06, 0x06, 0x04, 0x56, 0x00, 0x01, 0x06
};
static const unsigned char aare[] = {
	0x61, 0x14, 0xa1, 0x06, 0x06, 0x04, 0x56, 0x00, 0x01, 0x06, 0xa2,
	0x03, 0x02, 0x01, 0x00, 0xa3, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00
};
static const unsigned char abrt[] = { 0x64, 0x03, 0x80, 0x01, 0x00 };

/* ISODE's X.410-mode S-CONNECT user data (isode-rtse-x410-echo.pcap,
 * frames 8 and 9): a CP-type and a CPA-PPDU of mode x410-1984. */
static const unsigned char isode_x410_cp[] = {
	0x31, 0x19, 0xa0, 0x03, 0x80, 0x01, 0x00, 0xa1, 0x12, 0x80, 0x01,
	0x3f, 0x82, 0x01, 0x01, 0xa3, 0x06, 0xa0, 0x04, 0x02, 0x02, 0x34,
	0xcb, 0x84, 0x02, 0x00, 0x80
};
static const unsigned char isode_x410_cpa[] = {
	0x31, 0x15, 0xa0, 0x03, 0x80, 0x01, 0x00, 0xa1, 0x0e, 0x80, 0x01,
	0x01, 0x81, 0x01, 0x03, 0xa2, 0x06, 0xa0, 0x04, 0x02, 0x02, 0x34,
	0xcc
};

/* ---- helpers ---------------------------------------------------------- */

/* assert_buf - an OCTET STRING, ANY or BIT STRING holds exactly p[0..n) */
#define assert_buf(s, p, n) do {					\
		assert_int_equal((s)->size, (n));			\
		assert_memory_equal((s)->buf, (p), (n));		\
	} while (0)

static void *zalloc(size_t n)
{
	void *p = calloc(1, n);

	assert_non_null(p);
	return p;
}

static long *new_long(long v)
{
	long *p = zalloc(sizeof(*p));

	*p = v;
	return p;
}

static void assert_long(const long *p, long v)
{
	assert_non_null(p);
	assert_int_equal(*p, v);
}

static void put_octets(OCTET_STRING_t *s, const void *p, size_t n)
{
	assert_int_equal(OCTET_STRING_fromBuf(s, (const char *)p, (int)n), 0);
}

static OCTET_STRING_t *new_octets(const void *p, size_t n)
{
	OCTET_STRING_t *s = zalloc(sizeof(*s));

	put_octets(s, p, n);
	return s;
}

/* new_bits - a BIT STRING with the given named bits (bit 0 first), in
 *	DER form: nbits reaches the last 1 bit */
static BIT_STRING_t *new_bits(unsigned long bits, int nbits)
{
	BIT_STRING_t *b = zalloc(sizeof(*b));
	unsigned char o[8] = { 0 };
	int i;

	for (i = 0; i < nbits; i++)
		if (bits & (1ul << i))
			o[i / 8] |= (unsigned char)(0x80 >> (i % 8));
	put_octets((OCTET_STRING_t *)b, o, (size_t)(nbits + 7) / 8);
	b->bits_unused = (8 - nbits % 8) % 8;
	return b;
}

static void assert_bits(const BIT_STRING_t *b, const char *octets,
			int unused)
{
	assert_non_null(b);
	assert_buf(b, octets, strlen(octets));
	assert_int_equal(b->bits_unused, unused);
}

static void set_oid(OBJECT_IDENTIFIER_t *oid, const char *text)
{
	long arcs[20];
	int n = OBJECT_IDENTIFIER_parse_arcs(text, -1, arcs, 20, NULL);

	assert_true(n >= 2 && n <= 20);
	assert_int_equal(OBJECT_IDENTIFIER_set_arcs(oid, arcs, sizeof(arcs[0]),
						    (unsigned)n), 0);
}

static OBJECT_IDENTIFIER_t *new_oid(const char *text)
{
	OBJECT_IDENTIFIER_t *oid = zalloc(sizeof(*oid));

	set_oid(oid, text);
	return oid;
}

static void assert_oid(const OBJECT_IDENTIFIER_t *oid, const char *text)
{
	unsigned long arcs[20];
	char got[160];
	size_t at = 0;
	int i, n;

	assert_non_null(oid);
	n = OBJECT_IDENTIFIER_get_arcs(oid, arcs, sizeof(arcs[0]), 20);
	assert_true(n >= 2 && n <= 20);
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(got + at, sizeof(got) - at, "%s%lu",
				       i ? "." : "", arcs[i]);
	assert_string_equal(got, text);
}

static unsigned char *encode_alloc(const asn_TYPE_descriptor_t *td,
				   const void *v, size_t *len)
{
	unsigned char *der = NULL;

	assert_int_equal(codec_encode_alloc(td, v, &der, len), CODEC_OK);
	return der;
}

/* round_trip - encode v, decode the octets, re-encode what was decoded:
 *	both encodings must be identical. Frees v; returns the decoded value
 *	(free it with codec_free). If want is not NULL the encoding must
 *	also be want[0..wantlen). */
static void *round_trip(const asn_TYPE_descriptor_t *td, void *v,
			const unsigned char *want, size_t wantlen)
{
	unsigned char *a, *b;
	size_t alen = 0, blen = 0;
	void *d = NULL;

	a = encode_alloc(td, v, &alen);
	if (want) {
		assert_int_equal(alen, wantlen);
		assert_memory_equal(a, want, wantlen);
	}
	assert_int_equal(codec_decode(td, a, alen, 0, &d, NULL), CODEC_OK);
	assert_non_null(d);
	b = encode_alloc(td, d, &blen);
	assert_int_equal(blen, alen);
	assert_memory_equal(b, a, alen);
	free(a);
	free(b);
	codec_free(td, v);
	return d;
}

/* new_pdv - one PDV-list: context ctx, transfer syntax name if ts, and
 *	the value in the given form */
static PDV_list_t *new_pdv(long ctx, const char *ts,
			   PDV_list__presentation_data_values_PR form,
			   const void *p, size_t n)
{
	PDV_list_t *l = zalloc(sizeof(*l));

	if (ts)
		l->transfer_syntax_name = new_oid(ts);
	l->presentation_context_identifier = ctx;
	l->presentation_data_values.present = form;
	/* every alternative is an OCTET STRING layout (BIT STRING adds
	 * bits_unused, zero here) */
	put_octets((OCTET_STRING_t *)&l->presentation_data_values.choice, p,
		   n);
	return l;
}

/* new_fully - fully-encoded User-data of one single-ASN1-type PDV */
static User_data_t *new_fully(long ctx, const void *p, size_t n)
{
	User_data_t *u = zalloc(sizeof(*u));

	u->present = User_data_PR_fully_encoded_data;
	assert_int_equal(ASN_SEQUENCE_ADD(&u->choice.fully_encoded_data.list,
	    new_pdv(ctx, NULL,
		    PDV_list__presentation_data_values_PR_single_ASN1_type, p,
		    n)), 0);
	return u;
}

static void assert_fully(const User_data_t *u, long ctx, const void *p,
			 size_t n)
{
	const PDV_list_t *l;

	assert_non_null(u);
	assert_int_equal(u->present, User_data_PR_fully_encoded_data);
	assert_int_equal(u->choice.fully_encoded_data.list.count, 1);
	l = u->choice.fully_encoded_data.list.array[0];
	assert_null(l->transfer_syntax_name);
	assert_int_equal(l->presentation_context_identifier, ctx);
	assert_int_equal(l->presentation_data_values.present,
			 PDV_list__presentation_data_values_PR_single_ASN1_type);
	assert_buf(&l->presentation_data_values.choice.single_ASN1_type, p, n);
}

/* new_context_list - the P1 contexts, each offering BER */
static Context_list_t *new_context_list(void)
{
	Context_list_t *cl = zalloc(sizeof(*cl));
	size_t i;

	for (i = 0; i < N_P1_CONTEXTS; i++) {
		Context_list_item_t *c = zalloc(sizeof(*c));

		c->presentation_context_identifier = p1_contexts[i].id;
		set_oid(&c->abstract_syntax_name, p1_contexts[i].abstract);
		assert_int_equal(ASN_SEQUENCE_ADD(
		    &c->transfer_syntax_name_list.list, new_oid(OID_BER)), 0);
		assert_int_equal(ASN_SEQUENCE_ADD(&cl->list, c), 0);
	}
	return cl;
}

static void assert_context_list(const Context_list_t *cl)
{
	size_t i;

	assert_non_null(cl);
	assert_int_equal(cl->list.count, N_P1_CONTEXTS);
	for (i = 0; i < N_P1_CONTEXTS; i++) {
		const Context_list_item_t *c = cl->list.array[i];

		assert_int_equal(c->presentation_context_identifier,
				 p1_contexts[i].id);
		assert_oid(&c->abstract_syntax_name, p1_contexts[i].abstract);
		assert_int_equal(c->transfer_syntax_name_list.list.count, 1);
		assert_oid(c->transfer_syntax_name_list.list.array[0], OID_BER);
	}
}

/* new_result_list - contexts 1 and 3 accepted in BER, 5 refused by the
 *	provider (abstract syntax not supported) */
static Result_list_t *new_result_list(void)
{
	Result_list_t *rl = zalloc(sizeof(*rl));
	size_t i;

	for (i = 0; i < N_P1_CONTEXTS; i++) {
		Result_list_item_t *r = zalloc(sizeof(*r));

		if (i < 2) {
			r->result = Context_result_acceptance;
			r->transfer_syntax_name = new_oid(OID_BER);
		} else {
			r->result = Context_result_provider_rejection;
			r->provider_reason = new_long(
			    Result_list_item__provider_reason_abstract_syntax_not_supported);
		}
		assert_int_equal(ASN_SEQUENCE_ADD(&rl->list, r), 0);
	}
	return rl;
}

static void assert_result_list(const Result_list_t *rl)
{
	const Result_list_item_t *r;

	assert_non_null(rl);
	assert_int_equal(rl->list.count, N_P1_CONTEXTS);
	for (int i = 0; i < 2; i++) {
		r = rl->list.array[i];
		assert_int_equal(r->result, Context_result_acceptance);
		assert_oid(r->transfer_syntax_name, OID_BER);
		assert_null(r->provider_reason);
	}
	r = rl->list.array[2];
	assert_int_equal(r->result, Context_result_provider_rejection);
	assert_null(r->transfer_syntax_name);
	assert_long(r->provider_reason,
	    Result_list_item__provider_reason_abstract_syntax_not_supported);
}

static Presentation_context_identifier_list_t *new_pcid_list(void)
{
	Presentation_context_identifier_list_t *l = zalloc(sizeof(*l));
	size_t i;

	for (i = 0; i < 2; i++) {
		Presentation_context_identifier_list_item_t *it =
		    zalloc(sizeof(*it));

		it->presentation_context_identifier = p1_contexts[i].id;
		set_oid(&it->transfer_syntax_name, OID_BER);
		assert_int_equal(ASN_SEQUENCE_ADD(&l->list, it), 0);
	}
	return l;
}

static void assert_pcid_list(const Presentation_context_identifier_list_t *l)
{
	size_t i;

	assert_non_null(l);
	assert_int_equal(l->list.count, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(l->list.array[i]->presentation_context_identifier,
				 p1_contexts[i].id);
		assert_oid(&l->list.array[i]->transfer_syntax_name, OID_BER);
	}
}

/* the session requirements an MTA asks for: half-duplex, minor
 * synchronize, activity management, exceptions */
#define P1_SESSION_FU	((1ul << User_session_requirements_half_duplex) | \
	(1ul << User_session_requirements_minor_synchronize) |		\
	(1ul << User_session_requirements_activity_management) |	\
	(1ul << User_session_requirements_exceptions))
#define P1_SESSION_FU_DER	"\x92\x40"	/* 10 bits, 6 unused */

/* ---- connection establishment, normal mode ----------------------------- */

static void test_cp_normal(void **state)
{
	static const unsigned char ext[] = { 0x30, 0x00 };
	CP_type_t *cp = zalloc(sizeof(*cp)), *d;
	struct CP_type__normal_mode_parameters *n;

	(void)state;
	cp->mode_selector.mode_value = Mode_selector__mode_value_normal_mode;
	n = cp->normal_mode_parameters = zalloc(sizeof(*n));
	n->protocol_version = new_bits(1ul << Protocol_version_version_1, 1);
	n->calling_presentation_selector = new_octets(calling_psel, 4);
	n->called_presentation_selector = new_octets(called_psel, 4);
	n->presentation_context_definition_list = new_context_list();
	n->default_context_name = zalloc(sizeof(*n->default_context_name));
	set_oid(&n->default_context_name->abstract_syntax_name, OID_ACSE_AS);
	set_oid(&n->default_context_name->transfer_syntax_name, OID_BER);
	n->presentation_requirements = new_bits(
	    1ul << Presentation_requirements_context_management, 1);
	n->user_session_requirements = new_bits(P1_SESSION_FU, 10);
	n->protocol_options = new_bits(1ul << Protocol_options_nominated_context,
				       1);
	n->initiators_nominated_context = new_long(1);
	n->extensions = zalloc(sizeof(ANY_t));
	put_octets((OCTET_STRING_t *)n->extensions, ext, sizeof(ext));
	n->user_data = new_fully(1, aarq, sizeof(aarq));

	d = round_trip(&asn_DEF_CP_type, cp, NULL, 0);
	assert_int_equal(d->mode_selector.mode_value,
			 Mode_selector__mode_value_normal_mode);
	assert_null(d->x410_mode_parameters);
	n = d->normal_mode_parameters;
	assert_non_null(n);
	assert_bits(n->protocol_version, "\x80", 7);
	assert_non_null(n->calling_presentation_selector);
	assert_buf(n->calling_presentation_selector, calling_psel, 4);
	assert_non_null(n->called_presentation_selector);
	assert_buf(n->called_presentation_selector, called_psel, 4);
	assert_context_list(n->presentation_context_definition_list);
	assert_non_null(n->default_context_name);
	assert_oid(&n->default_context_name->abstract_syntax_name,
		   OID_ACSE_AS);
	assert_oid(&n->default_context_name->transfer_syntax_name, OID_BER);
	assert_bits(n->presentation_requirements, "\x80", 7);
	assert_bits(n->user_session_requirements, P1_SESSION_FU_DER, 6);
	assert_bits(n->protocol_options, "\x80", 7);
	assert_long(n->initiators_nominated_context, 1);
	assert_non_null(n->extensions);
	assert_buf(n->extensions, ext, sizeof(ext));
	assert_fully(n->user_data, 1, aarq, sizeof(aarq));
	codec_free(&asn_DEF_CP_type, d);
}

static void test_cpa_normal(void **state)
{
	static const unsigned char rsel[] = { 0x00, 0x00, 0x00, 0x03 };
	CPA_PPDU_t *c = zalloc(sizeof(*c)), *d;
	struct CPA_PPDU__normal_mode_parameters *n;

	(void)state;
	c->mode_selector.mode_value = Mode_selector__mode_value_normal_mode;
	n = c->normal_mode_parameters = zalloc(sizeof(*n));
	n->protocol_version = new_bits(1ul << Protocol_version_version_1, 1);
	n->responding_presentation_selector = new_octets(rsel, sizeof(rsel));
	n->presentation_context_definition_result_list = new_result_list();
	n->presentation_requirements = new_bits(
	    1ul << Presentation_requirements_restoration, 2);
	n->user_session_requirements = new_bits(P1_SESSION_FU, 10);
	n->protocol_options = new_bits(1ul << Protocol_options_nominated_context,
				       1);
	n->responders_nominated_context = new_long(3);
	n->user_data = new_fully(1, aare, sizeof(aare));

	d = round_trip(&asn_DEF_CPA_PPDU, c, NULL, 0);
	assert_int_equal(d->mode_selector.mode_value,
			 Mode_selector__mode_value_normal_mode);
	assert_null(d->x410_mode_parameters);
	n = d->normal_mode_parameters;
	assert_non_null(n);
	assert_bits(n->protocol_version, "\x80", 7);
	assert_non_null(n->responding_presentation_selector);
	assert_buf(n->responding_presentation_selector, rsel, sizeof(rsel));
	assert_result_list(n->presentation_context_definition_result_list);
	assert_bits(n->presentation_requirements, "\x40", 6);
	assert_bits(n->user_session_requirements, P1_SESSION_FU_DER, 6);
	assert_bits(n->protocol_options, "\x80", 7);
	assert_long(n->responders_nominated_context, 3);
	assert_fully(n->user_data, 1, aare, sizeof(aare));
	codec_free(&asn_DEF_CPA_PPDU, d);
}

static void test_cpr_normal(void **state)
{
	static const unsigned char rsel[] = { 0x00, 0x00, 0x00, 0x03 };
	CPR_PPDU_t *c = zalloc(sizeof(*c)), *d;
	struct CPR_PPDU__normal_mode_parameters *n;

	(void)state;
	c->present = CPR_PPDU_PR_normal_mode_parameters;
	n = &c->choice.normal_mode_parameters;
	n->protocol_version = new_bits(1ul << Protocol_version_version_1, 1);
	n->responding_presentation_selector = new_octets(rsel, sizeof(rsel));
	n->presentation_context_definition_result_list = new_result_list();
	n->default_context_result = new_long(Context_result_user_rejection);
	n->provider_reason = new_long(Provider_reason_local_limit_exceeded);
	n->user_data = new_fully(1, aare, sizeof(aare));

	d = round_trip(&asn_DEF_CPR_PPDU, c, NULL, 0);
	assert_int_equal(d->present, CPR_PPDU_PR_normal_mode_parameters);
	n = &d->choice.normal_mode_parameters;
	assert_bits(n->protocol_version, "\x80", 7);
	assert_buf(n->responding_presentation_selector, rsel, sizeof(rsel));
	assert_result_list(n->presentation_context_definition_result_list);
	assert_long(n->default_context_result, Context_result_user_rejection);
	assert_long(n->provider_reason, Provider_reason_local_limit_exceeded);
	assert_fully(n->user_data, 1, aare, sizeof(aare));
	codec_free(&asn_DEF_CPR_PPDU, d);
}

/* ---- connection establishment, X.410-1984 mode ------------------------- */

/* The X.226 x410-mode CP-type, rebuilt from ISODE's values, is the octets
 * ISODE sent (and those of the X.410 PConnect). */
static void test_cp_x410(void **state)
{
	static const unsigned char open[] = { 0x02, 0x02, 0x34, 0xcb };
	CP_type_t *cp = zalloc(sizeof(*cp)), *d;
	RTORQapdu_t *q;

	(void)state;
	cp->mode_selector.mode_value = Mode_selector__mode_value_x410_1984_mode;
	q = cp->x410_mode_parameters = zalloc(sizeof(*q));
	q->checkpointSize = new_long(63);
	q->dialogueMode = new_long(RTORQapdu__dialogueMode_twa);
	q->applicationProtocol = new_long(128);
	q->connectionDataRQ.present = ConnectionData_PR_open;
	put_octets((OCTET_STRING_t *)&q->connectionDataRQ.choice.open, open,
		   sizeof(open));

	d = round_trip(&asn_DEF_CP_type, cp, isode_x410_cp,
		       sizeof(isode_x410_cp));
	assert_int_equal(d->mode_selector.mode_value,
			 Mode_selector__mode_value_x410_1984_mode);
	assert_null(d->normal_mode_parameters);
	q = d->x410_mode_parameters;
	assert_non_null(q);
	assert_long(q->checkpointSize, 63);
	assert_null(q->windowSize);
	assert_long(q->dialogueMode, RTORQapdu__dialogueMode_twa);
	assert_long(q->applicationProtocol, 128);
	assert_int_equal(q->connectionDataRQ.present, ConnectionData_PR_open);
	assert_buf(&q->connectionDataRQ.choice.open, open, sizeof(open));
	codec_free(&asn_DEF_CP_type, d);
}

static void test_cpa_x410(void **state)
{
	static const unsigned char open[] = { 0x02, 0x02, 0x34, 0xcc };
	CPA_PPDU_t *c = zalloc(sizeof(*c)), *d;
	RTOACapdu_t *a;

	(void)state;
	c->mode_selector.mode_value = Mode_selector__mode_value_x410_1984_mode;
	a = c->x410_mode_parameters = zalloc(sizeof(*a));
	a->checkpointSize = new_long(1);
	a->windowSize = new_long(3);
	a->connectionDataAC.present = ConnectionData_PR_open;
	put_octets((OCTET_STRING_t *)&a->connectionDataAC.choice.open, open,
		   sizeof(open));

	d = round_trip(&asn_DEF_CPA_PPDU, c, isode_x410_cpa,
		       sizeof(isode_x410_cpa));
	a = d->x410_mode_parameters;
	assert_non_null(a);
	assert_null(d->normal_mode_parameters);
	assert_long(a->checkpointSize, 1);
	assert_long(a->windowSize, 3);
	assert_buf(&a->connectionDataAC.choice.open, open, sizeof(open));
	codec_free(&asn_DEF_CPA_PPDU, d);
}

/* X.410 mode refusal: the RTORJ components, i.e. the X.410 PRefuse */
static void test_cpr_x410(void **state)
{
	static const unsigned char want[] = { 0x31, 0x03, 0x80, 0x01, 0x00 };
	CPR_PPDU_t *c = zalloc(sizeof(*c)), *d;

	(void)state;
	c->present = CPR_PPDU_PR_x400_mode_parameters;
	c->choice.x400_mode_parameters.refuseReason =
	    new_long(RefuseReason_rtsBusy);
	d = round_trip(&asn_DEF_CPR_PPDU, c, want, sizeof(want));
	assert_int_equal(d->present, CPR_PPDU_PR_x400_mode_parameters);
	assert_long(d->choice.x400_mode_parameters.refuseReason,
		    RefuseReason_rtsBusy);
	assert_null(d->choice.x400_mode_parameters.userDataRJ);
	codec_free(&asn_DEF_CPR_PPDU, d);
}

/* ---- abort ------------------------------------------------------------- */

static void test_aru_normal(void **state)
{
	Abort_type_t *a = zalloc(sizeof(*a)), *d;
	struct ARU_PPDU__normal_mode_parameters *n;

	(void)state;
	a->present = Abort_type_PR_aru_ppdu;
	a->choice.aru_ppdu.present = ARU_PPDU_PR_normal_mode_parameters;
	n = &a->choice.aru_ppdu.choice.normal_mode_parameters;
	n->presentation_context_identifier_list = new_pcid_list();
	n->user_data = new_fully(1, abrt, sizeof(abrt));

	d = round_trip(&asn_DEF_Abort_type, a, NULL, 0);
	assert_int_equal(d->present, Abort_type_PR_aru_ppdu);
	assert_int_equal(d->choice.aru_ppdu.present,
			 ARU_PPDU_PR_normal_mode_parameters);
	n = &d->choice.aru_ppdu.choice.normal_mode_parameters;
	assert_pcid_list(n->presentation_context_identifier_list);
	assert_fully(n->user_data, 1, abrt, sizeof(abrt));
	codec_free(&asn_DEF_Abort_type, d);
}

static void test_aru_x410(void **state)
{
	static const unsigned char want[] = { 0x31, 0x03, 0x80, 0x01, 0x03 };
	Abort_type_t *a = zalloc(sizeof(*a)), *d;

	(void)state;
	a->present = Abort_type_PR_aru_ppdu;
	a->choice.aru_ppdu.present = ARU_PPDU_PR_x400_mode_parameters;
	a->choice.aru_ppdu.choice.x400_mode_parameters.abortReason =
	    new_long(AbortReason_temporaryProblem);
	d = round_trip(&asn_DEF_Abort_type, a, want, sizeof(want));
	assert_int_equal(d->present, Abort_type_PR_aru_ppdu);
	assert_int_equal(d->choice.aru_ppdu.present,
			 ARU_PPDU_PR_x400_mode_parameters);
	assert_long(d->choice.aru_ppdu.choice.x400_mode_parameters.abortReason,
		    AbortReason_temporaryProblem);
	codec_free(&asn_DEF_Abort_type, d);
}

static void test_arp(void **state)
{
	static const unsigned char want[] = {
		0x30, 0x06, 0x80, 0x01, 0x01, 0x81, 0x01, 0x00
	};
	Abort_type_t *a = zalloc(sizeof(*a)), *d;

	(void)state;
	a->present = Abort_type_PR_arp_ppdu;
	a->choice.arp_ppdu.provider_reason =
	    new_long(Abort_reason_unrecognized_ppdu);
	a->choice.arp_ppdu.event_identifier = new_long(Event_identifier_cp_PPDU);
	d = round_trip(&asn_DEF_Abort_type, a, want, sizeof(want));
	assert_int_equal(d->present, Abort_type_PR_arp_ppdu);
	assert_long(d->choice.arp_ppdu.provider_reason,
		    Abort_reason_unrecognized_ppdu);
	assert_long(d->choice.arp_ppdu.event_identifier,
		    Event_identifier_cp_PPDU);
	codec_free(&asn_DEF_Abort_type, d);
}

/* ---- user data --------------------------------------------------------- */

static void test_user_data_simple(void **state)
{
	static const unsigned char want[] = {
		0x40, 0x05, 0x02, 0x01, 0x07, 0x05, 0x00
	};
	User_data_t *u = zalloc(sizeof(*u)), *d;

	(void)state;
	u->present = User_data_PR_simply_encoded_data;
	put_octets(&u->choice.simply_encoded_data, want + 2, 5);
	d = round_trip(&asn_DEF_User_data, u, want, sizeof(want));
	assert_int_equal(d->present, User_data_PR_simply_encoded_data);
	assert_buf(&d->choice.simply_encoded_data, want + 2, 5);
	codec_free(&asn_DEF_User_data, d);
}

/* The three PDV forms in one fully-encoded User-data: an RTTR with its
 * transfer syntax named, octet-aligned and arbitrary values. */
static void test_user_data_pdv_forms(void **state)
{
	static const unsigned char rttr[] = { 0x04, 0x03, 0x30, 0x01, 0x00 };
	static const unsigned char octets[] = { 0xde, 0xad, 0xbe, 0xef };
	static const unsigned char bits[] = { 0xf0 };
	User_data_t *u = zalloc(sizeof(*u)), *d;
	Fully_encoded_data_t *f = &u->choice.fully_encoded_data;
	const PDV_list_t *l;

	(void)state;
	u->present = User_data_PR_fully_encoded_data;
	assert_int_equal(ASN_SEQUENCE_ADD(&f->list, new_pdv(3, OID_BER,
	    PDV_list__presentation_data_values_PR_single_ASN1_type, rttr,
	    sizeof(rttr))), 0);
	assert_int_equal(ASN_SEQUENCE_ADD(&f->list, new_pdv(5, NULL,
	    PDV_list__presentation_data_values_PR_octet_aligned, octets,
	    sizeof(octets))), 0);
	assert_int_equal(ASN_SEQUENCE_ADD(&f->list, new_pdv(7, NULL,
	    PDV_list__presentation_data_values_PR_arbitrary, bits,
	    sizeof(bits))), 0);

	d = round_trip(&asn_DEF_User_data, u, NULL, 0);
	assert_int_equal(d->present, User_data_PR_fully_encoded_data);
	f = &d->choice.fully_encoded_data;
	assert_int_equal(f->list.count, 3);
	l = f->list.array[0];
	assert_oid(l->transfer_syntax_name, OID_BER);
	assert_int_equal(l->presentation_context_identifier, 3);
	assert_int_equal(l->presentation_data_values.present,
			 PDV_list__presentation_data_values_PR_single_ASN1_type);
	assert_buf(&l->presentation_data_values.choice.single_ASN1_type, rttr,
		   sizeof(rttr));
	l = f->list.array[1];
	assert_null(l->transfer_syntax_name);
	assert_int_equal(l->presentation_context_identifier, 5);
	assert_int_equal(l->presentation_data_values.present,
			 PDV_list__presentation_data_values_PR_octet_aligned);
	assert_buf(&l->presentation_data_values.choice.octet_aligned, octets,
		   sizeof(octets));
	l = f->list.array[2];
	assert_int_equal(l->presentation_context_identifier, 7);
	assert_int_equal(l->presentation_data_values.present,
			 PDV_list__presentation_data_values_PR_arbitrary);
	assert_bits(&l->presentation_data_values.choice.arbitrary, "\xf0", 0);
	codec_free(&asn_DEF_User_data, d);
}

/* ---- context management (P-ALTER-CONTEXT in S-TYPED-DATA) -------------- */

static void test_alter_context(void **state)
{
	Typed_data_type_t *t = zalloc(sizeof(*t)), *d;
	Presentation_context_deletion_result_list_t *dr;
	long *accepted = new_long(
	    Presentation_context_deletion_result_acceptance);

	(void)state;
	t->present = Typed_data_type_PR_acPPDU;
	t->choice.acPPDU.presentation_context_addition_list =
	    new_context_list();
	t->choice.acPPDU.presentation_context_deletion_list =
	    zalloc(sizeof(Presentation_context_deletion_list_t));
	assert_int_equal(ASN_SEQUENCE_ADD(
	    &t->choice.acPPDU.presentation_context_deletion_list->list,
	    new_long(7)), 0);
	t->choice.acPPDU.user_data = new_fully(1, aarq, sizeof(aarq));
	d = round_trip(&asn_DEF_Typed_data_type, t, NULL, 0);
	assert_int_equal(d->present, Typed_data_type_PR_acPPDU);
	assert_context_list(d->choice.acPPDU.presentation_context_addition_list);
	assert_non_null(d->choice.acPPDU.presentation_context_deletion_list);
	assert_int_equal(
	    d->choice.acPPDU.presentation_context_deletion_list->list.count, 1);
	assert_int_equal(
	    *d->choice.acPPDU.presentation_context_deletion_list->list.array[0],
	    7);
	assert_fully(d->choice.acPPDU.user_data, 1, aarq, sizeof(aarq));
	codec_free(&asn_DEF_Typed_data_type, d);

	t = zalloc(sizeof(*t));
	t->present = Typed_data_type_PR_acaPPDU;
	t->choice.acaPPDU.presentation_context_addition_result_list =
	    new_result_list();
	dr = zalloc(sizeof(*dr));
	assert_int_equal(ASN_SEQUENCE_ADD(&dr->list, accepted), 0);
	t->choice.acaPPDU.presentation_context_deletion_result_list = dr;
	d = round_trip(&asn_DEF_Typed_data_type, t, NULL, 0);
	assert_int_equal(d->present, Typed_data_type_PR_acaPPDU);
	assert_result_list(
	    d->choice.acaPPDU.presentation_context_addition_result_list);
	dr = d->choice.acaPPDU.presentation_context_deletion_result_list;
	assert_non_null(dr);
	assert_int_equal(dr->list.count, 1);
	assert_int_equal(*dr->list.array[0],
	    Presentation_context_deletion_result_acceptance);
	assert_null(d->choice.acaPPDU.user_data);
	codec_free(&asn_DEF_Typed_data_type, d);
}

/* ---- the captures ------------------------------------------------------ */

/* What one normal-mode capture holds, counted independently of this
 * walker (a cut of the session user data and a decoder of its own). */
struct census {
	const char *pcap;
	int cp, cpa, cpr, user_data;	/* presentation PPDUs */
	int acse;			/* ACSE APDUs in PDVs */
	int rtse_pdv;			/* RTSE APDUs in PDVs (RTTP, RTTR) */
	int rtse_ext;			/* RTSE APDUs in ACSE user info */
};

/* decode_again - decode a PDU, DER-encode it, decode that and encode it
 *	once more: the DER must be stable. Returns the first decoding. */
static void *decode_again(const asn_TYPE_descriptor_t *td,
			  const unsigned char *p, size_t n)
{
	unsigned char *a, *b;
	size_t alen = 0, blen = 0;
	void *d = NULL, *e = NULL;

	assert_int_equal(codec_decode(td, p, n, 0, &d, NULL), CODEC_OK);
	a = encode_alloc(td, d, &alen);
	assert_int_equal(codec_decode(td, a, alen, 0, &e, NULL), CODEC_OK);
	b = encode_alloc(td, e, &blen);
	assert_int_equal(blen, alen);
	assert_memory_equal(b, a, alen);
	free(a);
	free(b);
	codec_free(td, e);
	return d;
}

/* count_acse - an ACSE APDU in a PDV, and the RTSE APDUs (tags [16] to
 *	[22]) in the EXTERNALs of its user information */
static void count_acse(const ANY_t *v, struct census *got)
{
	ACSE_apdu_t *a = decode_again(&asn_DEF_ACSE_apdu, v->buf,
				      (size_t)v->size);
	const Association_information_t *ui = NULL;
	int i;

	got->acse++;
	switch (a->present) {
	case ACSE_apdu_PR_aarq: ui = a->choice.aarq.user_information; break;
	case ACSE_apdu_PR_aare: ui = a->choice.aare.user_information; break;
	case ACSE_apdu_PR_rlrq: ui = a->choice.rlrq.user_information; break;
	case ACSE_apdu_PR_rlre: ui = a->choice.rlre.user_information; break;
	case ACSE_apdu_PR_abrt: ui = a->choice.abrt.user_information; break;
	default: fail();
	}
	for (i = 0; ui && i < ui->list.count; i++) {
		const ACSE_External_t *x = ui->list.array[i];
		const ANY_t *s = &x->encoding.choice.single_ASN1_type;

		if (x->encoding.present !=
		    ACSE_External__encoding_PR_single_ASN1_type ||
		    s->size < 1 || s->buf[0] < 0xb0 || s->buf[0] > 0xb6)
			continue;
		codec_free(&asn_DEF_RTSE_apdus,
			   decode_again(&asn_DEF_RTSE_apdus, s->buf,
					(size_t)s->size));
		got->rtse_ext++;
	}
	codec_free(&asn_DEF_ACSE_apdu, a);
}

/* count_pdvs - the PDVs of fully-encoded user data: ACSE APDUs (an
 *	[APPLICATION] tag) or RTSE APDUs */
static void count_pdvs(const User_data_t *u, struct census *got)
{
	int i;

	if (u == NULL || u->present != User_data_PR_fully_encoded_data)
		return;
	for (i = 0; i < u->choice.fully_encoded_data.list.count; i++) {
		const PDV_list_t *l = u->choice.fully_encoded_data.list.array[i];
		const ANY_t *v =
		    &l->presentation_data_values.choice.single_ASN1_type;

		assert_int_equal(l->presentation_data_values.present,
		    PDV_list__presentation_data_values_PR_single_ASN1_type);
		assert_true(v->size > 0);
		if ((v->buf[0] & 0xe0) == 0x60) {
			count_acse(v, got);
		} else {
			codec_free(&asn_DEF_RTSE_apdus,
				   decode_again(&asn_DEF_RTSE_apdus, v->buf,
						(size_t)v->size));
			got->rtse_pdv++;
		}
	}
}

/* rf_user_data - X.225 8.3.12: a REFUSE SPDU carries the SS-user data
 *	in its Reason Code (PI 50), after the reason octet; cap_spdu() looks
 *	only at PGI 193/194. Sets v->ud if the RF has any. */
static void rf_user_data(const struct cap_tsdu *t, struct spdu_view *v)
{
	const unsigned char *p = t->data;
	size_t off, end;

	assert_true(t->len >= 2 && p[1] != 0xff);
	end = 2u + p[1];
	assert_true(end <= t->len);
	for (off = 2; off + 2 <= end; off += 2u + p[off + 1]) {
		assert_true(p[off + 1] != 0xff);
		if (p[off] == 50 && p[off + 1] > 1) {
			v->ud = p + off + 3;
			v->udlen = p[off + 1] - 1u;
			return;
		}
	}
}

/* count_tsdu - the presentation PDU in one TSDU, by the SPDU carrying it */
static void count_tsdu(const struct spdu_view *v, struct census *got)
{
	void *d;

	switch (v->si) {
	case SPDU_CN:
		d = decode_again(&asn_DEF_CP_type, v->ud, v->udlen);
		assert_non_null(((CP_type_t *)d)->normal_mode_parameters);
		count_pdvs(((CP_type_t *)d)->normal_mode_parameters->user_data,
			   got);
		codec_free(&asn_DEF_CP_type, d);
		got->cp++;
		break;
	case SPDU_AC:
		d = decode_again(&asn_DEF_CPA_PPDU, v->ud, v->udlen);
		assert_non_null(((CPA_PPDU_t *)d)->normal_mode_parameters);
		count_pdvs(
		    ((CPA_PPDU_t *)d)->normal_mode_parameters->user_data, got);
		codec_free(&asn_DEF_CPA_PPDU, d);
		got->cpa++;
		break;
	case SPDU_RF:
		d = decode_again(&asn_DEF_CPR_PPDU, v->ud, v->udlen);
		assert_int_equal(((CPR_PPDU_t *)d)->present,
				 CPR_PPDU_PR_normal_mode_parameters);
		count_pdvs(((CPR_PPDU_t *)d)->choice.normal_mode_parameters.
			   user_data, got);
		codec_free(&asn_DEF_CPR_PPDU, d);
		got->cpr++;
		break;
	case SPDU_AB:
		codec_free(&asn_DEF_Abort_type,
			   decode_again(&asn_DEF_Abort_type, v->ud, v->udlen));
		break;
	default:
		d = decode_again(&asn_DEF_User_data, v->ud, v->udlen);
		count_pdvs(d, got);
		codec_free(&asn_DEF_User_data, d);
		got->user_data++;
		break;
	}
}

/* Every presentation PDU of the normal-mode captures decodes, its DER is
 * stable, and the census matches. ISODE's echo tests carry INTEGERs in
 * the ACSE user information (not RTSE), hence rtse_ext 0 there. */
static void test_captures(void **state)
{
	static const struct census want[] = {
		{ "tests/vectors/isode-psap-acse-echo.pcap",
		  1, 1, 0, 2, 4, 0, 0 },
		{ "tests/vectors/isode-rtse-acse-echo.pcap",
		  1, 1, 0, 43, 4, 41, 2 },
		{ "tests/vectors/isode-rose-rtse-acse-echo.pcap",
		  1, 1, 0, 43, 4, 41, 2 },
		{ "tests/vectors/pp-p1-loop-success.pcap",
		  1, 1, 0, 3, 4, 1, 2 },
		{ "tests/vectors/pp-p1-bad-password.pcap",
		  1, 0, 1, 0, 2, 0, 2 },
	};
	size_t f, i;

	(void)state;
	for (f = 0; f < sizeof(want) / sizeof(want[0]); f++) {
		struct census got = { want[f].pcap, 0, 0, 0, 0, 0, 0, 0 };
		struct cap cap;

		assert_int_equal(cap_load(want[f].pcap, &cap), 0);
		for (i = 0; i < cap.n; i++) {
			struct spdu_view v;

			if (cap.tsdu[i].kind != CAP_DT ||
			    cap_spdu(&cap.tsdu[i], &v) != 0)
				continue;
			if (v.si == SPDU_RF && v.ud == NULL)
				rf_user_data(&cap.tsdu[i], &v);
			if (v.ud != NULL && v.udlen > 0)
				count_tsdu(&v, &got);
		}
		cap_free(&cap);
		print_message("%s: CP %d CPA %d CPR %d UD %d ACSE %d "
			      "RTSE %d+%d\n", got.pcap, got.cp, got.cpa,
			      got.cpr, got.user_data, got.acse, got.rtse_pdv,
			      got.rtse_ext);
		assert_int_equal(got.cp, want[f].cp);
		assert_int_equal(got.cpa, want[f].cpa);
		assert_int_equal(got.cpr, want[f].cpr);
		assert_int_equal(got.user_data, want[f].user_data);
		assert_int_equal(got.acse, want[f].acse);
		assert_int_equal(got.rtse_pdv, want[f].rtse_pdv);
		assert_int_equal(got.rtse_ext, want[f].rtse_ext);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cp_normal),
		cmocka_unit_test(test_cpa_normal),
		cmocka_unit_test(test_cpr_normal),
		cmocka_unit_test(test_cp_x410),
		cmocka_unit_test(test_cpa_x410),
		cmocka_unit_test(test_cpr_x410),
		cmocka_unit_test(test_aru_normal),
		cmocka_unit_test(test_aru_x410),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_user_data_simple),
		cmocka_unit_test(test_user_data_pdv_forms),
		cmocka_unit_test(test_alter_context),
		cmocka_unit_test(test_captures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
