/*
 * test_acse.c - ACSE APDUs (X.227): DER round trips of AARQ, AARE, RLRQ,
 *	RLRE and ABRT with every field, and known answers cut from the PP
 *	and ISODE captures
 *
 * Every round trip builds a value in C, encodes it with
 * codec_encode_alloc(), decodes the octets with codec_decode(), checks the
 * decoded fields one by one and re-encodes them: the two encodings must be
 * identical. The P1 values are the real ones: application context
 * id-ac-mts-transfer (2.6.0.1.6), RTSE APDUs in the user information under
 * BER (2.1.1) in presentation context 3 (id-as-mta-rtse, 2.6.0.2.12).
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
#include "ACSE-apdu.h"
#include "RTSE-apdus.h"

#define OID_AC_MTS_TRANSFER	"2.6.0.1.6"
#define OID_AC_MTS_TRANSFER_93	"2.6.0.1.12"
#define OID_BER			"2.1.1"
#define OID_PASSWORD_MECH	"2.2.3.1"
#define CTX_MTA_RTSE		3	/* pcid of id-as-mta-rtse */

/* PP's A-ASSOCIATE request (pp-p1-bad-password.pcap, frame 8): the AARQ
 * in the CP-type's user data, with an RTORQ carrying MTA name and a wrong
 * password. */
static const unsigned char pp_aarq[] = {
	0x60, 0x37, 0xa1, 0x06, 0x06, 0x04, 0x56, 0x00, 0x01, 0x06, 0xbe,
	0x2d, 0x28, 0x2b, 0x06, 0x02, 0x51, 0x01, 0x02, 0x01, 0x03, 0xa0,
	0x22, 0xb0, 0x20, 0x80, 0x01, 0x3f, 0x82, 0x01, 0x00, 0xa3, 0x18,
	0xa0, 0x16, 0xb0, 0x14, 0xa1, 0x12, 0x80, 0x07, 'T', 'E', 'S', 'T',
	'M', 'T', 'A', 0xa1, 0x07, 0x04, 0x05, 'W', 'R', 'O', 'N', 'G'
};
/* ... and its refusal (frame 9): AARE rejected-permanent, RTORJ with the
 * MTABindError authentication-error. */
static const unsigned char pp_aare_reject[] = {
	0x61, 0x28, 0xa1, 0x06, 0x06, 0x04, 0x56, 0x00, 0x01, 0x06, 0xa2,
	0x03, 0x02, 0x01, 0x01, 0xa3, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x01,
	0xbe, 0x12, 0x28, 0x10, 0x06, 0x02, 0x51, 0x01, 0x02, 0x01, 0x03,
	0xa0, 0x07, 0xb2, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x02
};
/* ISODE's A-RELEASE request (isode-psap-acse-echo.pcap, frame 10) */
static const unsigned char isode_rlrq[] = { 0x62, 0x03, 0x80, 0x01, 0x00 };

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

static void put_string(OCTET_STRING_t *s, const char *text)
{
	put_octets(s, text, strlen(text));
}

/* put_bits - a BIT STRING of nbits bits, bit 0 first, in DER form (no
 *	trailing zero bits: the caller passes nbits up to the last 1) */
static void put_bits(BIT_STRING_t *b, unsigned long bits, int nbits)
{
	unsigned char o[8] = { 0 };
	int i;

	for (i = 0; i < nbits; i++)
		if (bits & (1ul << i))
			o[i / 8] |= (unsigned char)(0x80 >> (i % 8));
	put_octets((OCTET_STRING_t *)b, o, (size_t)(nbits + 7) / 8);
	b->bits_unused = (8 - nbits % 8) % 8;
}

static void assert_bits(const BIT_STRING_t *b, unsigned char first,
			int unused)
{
	assert_non_null(b);
	assert_int_equal(b->size, 1);
	assert_int_equal(b->buf[0], first);
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

/* encode_alloc - DER of any value, for nesting one PDU in another */
static unsigned char *encode_alloc(const asn_TYPE_descriptor_t *td,
				   const void *v, size_t *len)
{
	unsigned char *der = NULL;

	assert_int_equal(codec_encode_alloc(td, v, &der, len), CODEC_OK);
	return der;
}

/* round_trip - encode v, decode the octets, re-encode what was decoded:
 *	both encodings must be identical. Frees v; returns the decoded
 *	value (free it with codec_free). */
static void *round_trip(const asn_TYPE_descriptor_t *td, void *v)
{
	unsigned char *a, *b;
	size_t alen = 0, blen = 0;
	void *d = NULL;

	a = encode_alloc(td, v, &alen);
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

/* decode_known - decode octets from a capture, re-encode them: DER peers
 *	(PP) must come back octet for octet */
static void *decode_known(const asn_TYPE_descriptor_t *td,
			  const unsigned char *p, size_t n)
{
	unsigned char *again;
	size_t len = 0;
	void *d = NULL;

	assert_int_equal(codec_decode(td, p, n, 0, &d, NULL), CODEC_OK);
	again = encode_alloc(td, d, &len);
	assert_int_equal(len, n);
	assert_memory_equal(again, p, n);
	free(again);
	return d;
}

static ACSE_apdu_t *new_apdu(ACSE_apdu_PR which)
{
	ACSE_apdu_t *a = zalloc(sizeof(*a));

	a->present = which;
	return a;
}

/* The RTSE APDU an MTA carries in the AARQ (RTORQ), AARE (RTOAC or
 * RTORJ) or ABRT (RTAB), encoded. */
static unsigned char *rtse_apdu(RTSE_apdus_PR which, size_t *len)
{
	static const unsigned char bind[] = {	/* [16] MTABindArgument */
		0xb0, 0x11, 0xa1, 0x0f, 0x80, 0x05, 'M', 'T', 'A', '-', 'A',
		0xa1, 0x06, 0x04, 0x04, 'p', 'a', 's', 's'
	};
	RTSE_apdus_t *r = zalloc(sizeof(*r));
	ConnectionData_t *cd = NULL;
	unsigned char *der;

	r->present = which;
	switch (which) {
	case RTSE_apdus_PR_rtorq_apdu:
		r->choice.rtorq_apdu.checkpointSize = new_long(63);
		cd = &r->choice.rtorq_apdu.connectionDataRQ;
		break;
	case RTSE_apdus_PR_rtoac_apdu:
		cd = &r->choice.rtoac_apdu.connectionDataAC;
		break;
	case RTSE_apdus_PR_rtorj_apdu:
		r->choice.rtorj_apdu.refuseReason =
		    new_long(RefuseReason_validationFailure);
		break;
	default:
		r->choice.rtab_apdu.abortReason =
		    new_long(AbortReason_userError);
		break;
	}
	if (cd) {
		cd->present = ConnectionData_PR_open;
		put_octets((OCTET_STRING_t *)&cd->choice.open, bind,
			   sizeof(bind));
	}
	der = encode_alloc(&asn_DEF_RTSE_apdus, r, len);
	codec_free(&asn_DEF_RTSE_apdus, r);
	return der;
}

/* new_user_info - user information of one EXTERNAL: an RTSE APDU in
 *	context CTX_MTA_RTSE, under BER, named as X.227 7.1 asks */
static Association_information_t *new_user_info(RTSE_apdus_PR which)
{
	Association_information_t *ui = zalloc(sizeof(*ui));
	ACSE_External_t *x = zalloc(sizeof(*x));
	unsigned char *der;
	size_t len = 0;

	x->direct_reference = new_oid(OID_BER);
	x->indirect_reference = new_long(CTX_MTA_RTSE);
	x->encoding.present = ACSE_External__encoding_PR_single_ASN1_type;
	der = rtse_apdu(which, &len);
	put_octets((OCTET_STRING_t *)&x->encoding.choice.single_ASN1_type,
		   der, len);
	free(der);
	assert_int_equal(ASN_SEQUENCE_ADD(&ui->list, x), 0);
	return ui;
}

/* assert_user_info - one EXTERNAL, context CTX_MTA_RTSE, holding an RTSE
 *	APDU of the given kind; returns nothing, checks it decodes */
static void assert_user_info(const Association_information_t *ui,
			     RTSE_apdus_PR which)
{
	const ACSE_External_t *x;
	RTSE_apdus_t *r = NULL;

	assert_non_null(ui);
	assert_int_equal(ui->list.count, 1);
	x = ui->list.array[0];
	assert_oid(x->direct_reference, OID_BER);
	assert_long(x->indirect_reference, CTX_MTA_RTSE);
	assert_int_equal(x->encoding.present,
			 ACSE_External__encoding_PR_single_ASN1_type);
	assert_int_equal(codec_decode(&asn_DEF_RTSE_apdus,
	    x->encoding.choice.single_ASN1_type.buf,
	    (size_t)x->encoding.choice.single_ASN1_type.size, 0,
	    (void **)&r, NULL), CODEC_OK);
	assert_int_equal(r->present, which);
	codec_free(&asn_DEF_RTSE_apdus, r);
}

/* One directory attribute: a PrintableString value. */
struct attr {
	const char *type;
	const char *value;
};

static ACSE_AttributeTypeAndValue_t *new_attr(const struct attr *a)
{
	ACSE_AttributeTypeAndValue_t *t = zalloc(sizeof(*t));
	unsigned char v[64];
	size_t n = strlen(a->value);

	assert_true(n < sizeof(v) - 2);
	v[0] = 0x13;			/* PrintableString */
	v[1] = (unsigned char)n;
	memcpy(v + 2, a->value, n);
	set_oid(&t->type, a->type);
	put_octets((OCTET_STRING_t *)&t->value, v, n + 2);
	return t;
}

static void assert_attr(const ACSE_AttributeTypeAndValue_t *t,
			const struct attr *a)
{
	size_t n = strlen(a->value);

	assert_oid(&t->type, a->type);
	assert_int_equal(t->value.size, n + 2);
	assert_int_equal(t->value.buf[0], 0x13);
	assert_memory_equal(t->value.buf + 2, a->value, n);
}

/* A directory name, one attribute per RDN: C=GB, O=Example, CN=MTA-A */
static const struct attr mta_name[] = {
	{ "2.5.4.6", "GB" }, { "2.5.4.10", "Example" }, { "2.5.4.3", "MTA-A" }
};
static const struct attr p1_qualifier = { "2.5.4.3", "P1" };

static AP_title_t *new_title_form1(void)
{
	AP_title_t *t = zalloc(sizeof(*t));
	size_t i;

	t->present = AP_title_PR_ap_title_form1;
	t->choice.ap_title_form1.present = ACSE_Name_PR_rdnSequence;
	for (i = 0; i < sizeof(mta_name) / sizeof(mta_name[0]); i++) {
		ACSE_RelativeDistinguishedName_t *rdn = zalloc(sizeof(*rdn));

		assert_int_equal(ASN_SET_ADD(&rdn->list,
					     new_attr(&mta_name[i])), 0);
		assert_int_equal(ASN_SEQUENCE_ADD(
		    &t->choice.ap_title_form1.choice.rdnSequence.list, rdn), 0);
	}
	return t;
}

static void assert_title_form1(const AP_title_t *t)
{
	const ACSE_RDNSequence_t *seq;
	size_t i;

	assert_non_null(t);
	assert_int_equal(t->present, AP_title_PR_ap_title_form1);
	assert_int_equal(t->choice.ap_title_form1.present,
			 ACSE_Name_PR_rdnSequence);
	seq = &t->choice.ap_title_form1.choice.rdnSequence;
	assert_int_equal(seq->list.count, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(seq->list.array[i]->list.count, 1);
		assert_attr(seq->list.array[i]->list.array[0], &mta_name[i]);
	}
}

static AP_title_t *new_title_form2(const char *oid)
{
	AP_title_t *t = zalloc(sizeof(*t));

	t->present = AP_title_PR_ap_title_form2;
	set_oid(&t->choice.ap_title_form2, oid);
	return t;
}

static void assert_title_form2(const AP_title_t *t, const char *oid)
{
	assert_non_null(t);
	assert_int_equal(t->present, AP_title_PR_ap_title_form2);
	assert_oid(&t->choice.ap_title_form2, oid);
}

static AE_qualifier_t *new_qualifier_form1(void)
{
	AE_qualifier_t *q = zalloc(sizeof(*q));

	q->present = AE_qualifier_PR_ae_qualifier_form1;
	assert_int_equal(ASN_SET_ADD(&q->choice.ae_qualifier_form1.list,
				     new_attr(&p1_qualifier)), 0);
	return q;
}

static void assert_qualifier_form1(const AE_qualifier_t *q)
{
	assert_non_null(q);
	assert_int_equal(q->present, AE_qualifier_PR_ae_qualifier_form1);
	assert_int_equal(q->choice.ae_qualifier_form1.list.count, 1);
	assert_attr(q->choice.ae_qualifier_form1.list.array[0],
		    &p1_qualifier);
}

static AE_qualifier_t *new_qualifier_form2(long v)
{
	AE_qualifier_t *q = zalloc(sizeof(*q));

	q->present = AE_qualifier_PR_ae_qualifier_form2;
	q->choice.ae_qualifier_form2 = v;
	return q;
}

static void assert_qualifier_form2(const AE_qualifier_t *q, long v)
{
	assert_non_null(q);
	assert_int_equal(q->present, AE_qualifier_PR_ae_qualifier_form2);
	assert_int_equal(q->choice.ae_qualifier_form2, v);
}

static Application_context_name_list_t *new_context_list(void)
{
	Application_context_name_list_t *l = zalloc(sizeof(*l));

	assert_int_equal(ASN_SEQUENCE_ADD(&l->list,
	    new_oid(OID_AC_MTS_TRANSFER)), 0);
	assert_int_equal(ASN_SEQUENCE_ADD(&l->list,
	    new_oid(OID_AC_MTS_TRANSFER_93)), 0);
	return l;
}

static void assert_context_list(const Application_context_name_list_t *l)
{
	assert_non_null(l);
	assert_int_equal(l->list.count, 2);
	assert_oid(l->list.array[0], OID_AC_MTS_TRANSFER);
	assert_oid(l->list.array[1], OID_AC_MTS_TRANSFER_93);
}

static Authentication_value_t *new_password(const char *pw)
{
	Authentication_value_t *v = zalloc(sizeof(*v));

	v->present = Authentication_value_PR_charstring;
	put_string(&v->choice.charstring, pw);
	return v;
}

static Implementation_data_t *new_impl(const char *text)
{
	Implementation_data_t *s = zalloc(sizeof(*s));

	put_string(s, text);
	return s;
}

/* ---- A-ASSOCIATE ------------------------------------------------------ */

/* AARQ with every field: called title form 2, calling title form 1,
 * both qualifier forms, invocation identifiers, authentication by password
 * (mechanism 2.2.3.1), context negotiation list, implementation data and
 * an RTORQ in the user information. */
static void test_aarq_all_fields(void **state)
{
	ACSE_apdu_t *a = new_apdu(ACSE_apdu_PR_aarq), *d;
	AARQ_apdu_t *q = &a->choice.aarq;

	(void)state;
	q->protocol_version = zalloc(sizeof(*q->protocol_version));
	put_bits(q->protocol_version, 1ul << ACSE_protocol_version_version1,
		 1);
	set_oid(&q->application_context_name, OID_AC_MTS_TRANSFER);
	q->called_AP_title = new_title_form2("1.3.6.1.4.1.99999.1.2");
	q->called_AE_qualifier = new_qualifier_form2(1);
	q->called_AP_invocation_identifier = new_long(7);
	q->called_AE_invocation_identifier = new_long(8);
	q->calling_AP_title = new_title_form1();
	q->calling_AE_qualifier = new_qualifier_form1();
	q->calling_AP_invocation_identifier = new_long(9);
	q->calling_AE_invocation_identifier = new_long(-10);
	q->sender_acse_requirements = zalloc(sizeof(BIT_STRING_t));
	put_bits(q->sender_acse_requirements,
		 (1ul << ACSE_requirements_authentication) |
		 (1ul << ACSE_requirements_application_context_negotiation),
		 2);
	q->mechanism_name = new_oid(OID_PASSWORD_MECH);
	q->calling_authentication_value = new_password("secret-a");
	q->application_context_name_list = new_context_list();
	q->implementation_information = new_impl("x400mta 0.1");
	q->user_information = new_user_info(RTSE_apdus_PR_rtorq_apdu);

	d = round_trip(&asn_DEF_ACSE_apdu, a);
	assert_int_equal(d->present, ACSE_apdu_PR_aarq);
	q = &d->choice.aarq;
	assert_bits(q->protocol_version, 0x80, 7);
	assert_oid(&q->application_context_name, OID_AC_MTS_TRANSFER);
	assert_title_form2(q->called_AP_title, "1.3.6.1.4.1.99999.1.2");
	assert_qualifier_form2(q->called_AE_qualifier, 1);
	assert_long(q->called_AP_invocation_identifier, 7);
	assert_long(q->called_AE_invocation_identifier, 8);
	assert_title_form1(q->calling_AP_title);
	assert_qualifier_form1(q->calling_AE_qualifier);
	assert_long(q->calling_AP_invocation_identifier, 9);
	assert_long(q->calling_AE_invocation_identifier, -10);
	assert_bits(q->sender_acse_requirements, 0xc0, 6);
	assert_oid(q->mechanism_name, OID_PASSWORD_MECH);
	assert_non_null(q->calling_authentication_value);
	assert_int_equal(q->calling_authentication_value->present,
			 Authentication_value_PR_charstring);
	assert_buf(&q->calling_authentication_value->choice.charstring,
		   "secret-a", 8);
	assert_context_list(q->application_context_name_list);
	assert_non_null(q->implementation_information);
	assert_buf(q->implementation_information, "x400mta 0.1", 11);
	assert_user_info(q->user_information, RTSE_apdus_PR_rtorq_apdu);
	codec_free(&asn_DEF_ACSE_apdu, d);
}

/* AARE accepting, with every responder field and an RTOAC. */
static void test_aare_accepted(void **state)
{
	static const unsigned char token[] = { 0x5a, 0xc3, 0x0f };
	ACSE_apdu_t *a = new_apdu(ACSE_apdu_PR_aare), *d;
	AARE_apdu_t *r = &a->choice.aare;

	(void)state;
	r->protocol_version = zalloc(sizeof(*r->protocol_version));
	put_bits(r->protocol_version, 1, 1);
	set_oid(&r->application_context_name, OID_AC_MTS_TRANSFER);
	r->result = Associate_result_accepted;
	r->result_source_diagnostic.present =
	    Associate_source_diagnostic_PR_acse_service_user;
	r->result_source_diagnostic.choice.acse_service_user =
	    Associate_source_diagnostic__acse_service_user_null;
	r->responding_AP_title = new_title_form1();
	r->responding_AE_qualifier = new_qualifier_form1();
	r->responding_AP_invocation_identifier = new_long(11);
	r->responding_AE_invocation_identifier = new_long(12);
	r->responder_acse_requirements = zalloc(sizeof(BIT_STRING_t));
	put_bits(r->responder_acse_requirements,
		 1ul << ACSE_requirements_authentication, 1);
	r->mechanism_name = new_oid(OID_PASSWORD_MECH);
	r->responding_authentication_value = zalloc(
	    sizeof(*r->responding_authentication_value));
	r->responding_authentication_value->present =
	    Authentication_value_PR_bitstring;
	put_octets((OCTET_STRING_t *)
		   &r->responding_authentication_value->choice.bitstring,
		   token, sizeof(token));
	r->application_context_name_list = new_context_list();
	r->implementation_information = new_impl("x400mta 0.1");
	r->user_information = new_user_info(RTSE_apdus_PR_rtoac_apdu);

	d = round_trip(&asn_DEF_ACSE_apdu, a);
	assert_int_equal(d->present, ACSE_apdu_PR_aare);
	r = &d->choice.aare;
	assert_bits(r->protocol_version, 0x80, 7);
	assert_oid(&r->application_context_name, OID_AC_MTS_TRANSFER);
	assert_int_equal(r->result, Associate_result_accepted);
	assert_int_equal(r->result_source_diagnostic.present,
			 Associate_source_diagnostic_PR_acse_service_user);
	assert_int_equal(r->result_source_diagnostic.choice.acse_service_user,
			 Associate_source_diagnostic__acse_service_user_null);
	assert_title_form1(r->responding_AP_title);
	assert_qualifier_form1(r->responding_AE_qualifier);
	assert_long(r->responding_AP_invocation_identifier, 11);
	assert_long(r->responding_AE_invocation_identifier, 12);
	assert_bits(r->responder_acse_requirements, 0x80, 7);
	assert_oid(r->mechanism_name, OID_PASSWORD_MECH);
	assert_non_null(r->responding_authentication_value);
	assert_int_equal(r->responding_authentication_value->present,
			 Authentication_value_PR_bitstring);
	assert_buf(&r->responding_authentication_value->choice.bitstring,
		   token, sizeof(token));
	assert_context_list(r->application_context_name_list);
	assert_buf(r->implementation_information, "x400mta 0.1", 11);
	assert_user_info(r->user_information, RTSE_apdus_PR_rtoac_apdu);
	codec_free(&asn_DEF_ACSE_apdu, d);
}

/* AARE refusing for the provider, with RTORJ in the user information. */
static void test_aare_rejected(void **state)
{
	ACSE_apdu_t *a = new_apdu(ACSE_apdu_PR_aare), *d;
	AARE_apdu_t *r = &a->choice.aare;

	(void)state;
	set_oid(&r->application_context_name, OID_AC_MTS_TRANSFER);
	r->result = Associate_result_rejected_transient;
	r->result_source_diagnostic.present =
	    Associate_source_diagnostic_PR_acse_service_provider;
	r->result_source_diagnostic.choice.acse_service_provider =
	    Associate_source_diagnostic__acse_service_provider_no_common_acse_version;
	r->user_information = new_user_info(RTSE_apdus_PR_rtorj_apdu);

	d = round_trip(&asn_DEF_ACSE_apdu, a);
	r = &d->choice.aare;
	assert_int_equal(d->present, ACSE_apdu_PR_aare);
	assert_null(r->protocol_version);
	assert_int_equal(r->result, Associate_result_rejected_transient);
	assert_int_equal(r->result_source_diagnostic.present,
			 Associate_source_diagnostic_PR_acse_service_provider);
	assert_int_equal(
	    r->result_source_diagnostic.choice.acse_service_provider,
	    Associate_source_diagnostic__acse_service_provider_no_common_acse_version);
	assert_null(r->responding_AP_title);
	assert_null(r->mechanism_name);
	assert_user_info(r->user_information, RTSE_apdus_PR_rtorj_apdu);
	codec_free(&asn_DEF_ACSE_apdu, d);
}

/* The four forms of Authentication-value, each alone in an AARQ. */
static void test_authentication_values(void **state)
{
	static const unsigned char other_value[] = {
		0x30, 0x06, 0x04, 0x04, 0xde, 0xad, 0xbe, 0xef
	};
	static const unsigned char ext_value[] = { 0x04, 0x02, 0x01, 0x02 };
	Authentication_value_PR kind;

	(void)state;
	for (kind = Authentication_value_PR_charstring;
	     kind <= Authentication_value_PR_other; kind++) {
		ACSE_apdu_t *a = new_apdu(ACSE_apdu_PR_aarq), *d;
		Authentication_value_t *v = zalloc(sizeof(*v));
		ACSE_External_t *x = &v->choice.external;

		set_oid(&a->choice.aarq.application_context_name,
			OID_AC_MTS_TRANSFER);
		a->choice.aarq.mechanism_name = new_oid(OID_PASSWORD_MECH);
		v->present = kind;
		switch (kind) {
		case Authentication_value_PR_charstring:
			put_string(&v->choice.charstring, "pw");
			break;
		case Authentication_value_PR_bitstring:
			put_bits(&v->choice.bitstring, 0x5, 3);
			break;
		case Authentication_value_PR_external:
			x->direct_reference = new_oid("2.5.5.1");
			x->data_value_descriptor = zalloc(
			    sizeof(*x->data_value_descriptor));
			put_string(x->data_value_descriptor, "token");
			x->encoding.present =
			    ACSE_External__encoding_PR_single_ASN1_type;
			put_octets((OCTET_STRING_t *)
				   &x->encoding.choice.single_ASN1_type,
				   ext_value, sizeof(ext_value));
			break;
		default:
			set_oid(&v->choice.other.other_mechanism_name,
				"1.3.6.1.4.1.99999.7");
			put_octets((OCTET_STRING_t *)
				   &v->choice.other.other_mechanism_value,
				   other_value, sizeof(other_value));
			break;
		}
		a->choice.aarq.calling_authentication_value = v;

		d = round_trip(&asn_DEF_ACSE_apdu, a);
		v = d->choice.aarq.calling_authentication_value;
		assert_non_null(v);
		assert_int_equal(v->present, kind);
		switch (kind) {
		case Authentication_value_PR_charstring:
			assert_buf(&v->choice.charstring, "pw", 2);
			break;
		case Authentication_value_PR_bitstring:
			assert_bits(&v->choice.bitstring, 0xa0, 5);
			break;
		case Authentication_value_PR_external:
			x = &v->choice.external;
			assert_oid(x->direct_reference, "2.5.5.1");
			assert_null(x->indirect_reference);
			assert_non_null(x->data_value_descriptor);
			assert_buf(x->data_value_descriptor, "token", 5);
			assert_buf(&x->encoding.choice.single_ASN1_type,
				   ext_value, sizeof(ext_value));
			break;
		default:
			assert_oid(&v->choice.other.other_mechanism_name,
				   "1.3.6.1.4.1.99999.7");
			assert_buf(&v->choice.other.other_mechanism_value,
				   other_value, sizeof(other_value));
			break;
		}
		codec_free(&asn_DEF_ACSE_apdu, d);
	}
}

/* ---- A-RELEASE and A-ABORT -------------------------------------------- */

/* new_raw_info - user information of one EXTERNAL in octet-aligned or
 *	arbitrary form (context 1) */
static Association_information_t *new_raw_info(int arbitrary)
{
	static const unsigned char raw[] = { 0x01, 0x02, 0x03, 0x04 };
	Association_information_t *ui = zalloc(sizeof(*ui));
	ACSE_External_t *x = zalloc(sizeof(*x));

	x->indirect_reference = new_long(1);
	if (arbitrary) {
		x->encoding.present = ACSE_External__encoding_PR_arbitrary;
		put_bits(&x->encoding.choice.arbitrary, 0x1f, 5);
	} else {
		x->encoding.present = ACSE_External__encoding_PR_octet_aligned;
		put_octets(&x->encoding.choice.octet_aligned, raw,
			   sizeof(raw));
	}
	assert_int_equal(ASN_SEQUENCE_ADD(&ui->list, x), 0);
	return ui;
}

static void test_rlrq(void **state)
{
	ACSE_apdu_t *a = new_apdu(ACSE_apdu_PR_rlrq), *d;
	unsigned char *der;
	size_t len = 0;
	const ACSE_External_t *x;

	(void)state;
	/* the reason alone: what ISODE sends */
	a->choice.rlrq.reason = new_long(Release_request_reason_normal);
	der = encode_alloc(&asn_DEF_ACSE_apdu, a, &len);
	assert_int_equal(len, sizeof(isode_rlrq));
	assert_memory_equal(der, isode_rlrq, sizeof(isode_rlrq));
	free(der);

	*a->choice.rlrq.reason = Release_request_reason_urgent;
	a->choice.rlrq.user_information = new_raw_info(0);
	d = round_trip(&asn_DEF_ACSE_apdu, a);
	assert_int_equal(d->present, ACSE_apdu_PR_rlrq);
	assert_long(d->choice.rlrq.reason, Release_request_reason_urgent);
	assert_non_null(d->choice.rlrq.user_information);
	assert_int_equal(d->choice.rlrq.user_information->list.count, 1);
	x = d->choice.rlrq.user_information->list.array[0];
	assert_null(x->direct_reference);
	assert_long(x->indirect_reference, 1);
	assert_int_equal(x->encoding.present,
			 ACSE_External__encoding_PR_octet_aligned);
	assert_buf(&x->encoding.choice.octet_aligned, "\1\2\3\4", 4);
	codec_free(&asn_DEF_ACSE_apdu, d);
}

static void test_rlre(void **state)
{
	ACSE_apdu_t *a = new_apdu(ACSE_apdu_PR_rlre), *d;
	const ACSE_External_t *x;

	(void)state;
	a->choice.rlre.reason = new_long(Release_response_reason_not_finished);
	a->choice.rlre.user_information = new_raw_info(1);
	d = round_trip(&asn_DEF_ACSE_apdu, a);
	assert_int_equal(d->present, ACSE_apdu_PR_rlre);
	assert_long(d->choice.rlre.reason,
		    Release_response_reason_not_finished);
	assert_non_null(d->choice.rlre.user_information);
	x = d->choice.rlre.user_information->list.array[0];
	assert_int_equal(x->encoding.present,
			 ACSE_External__encoding_PR_arbitrary);
	assert_bits(&x->encoding.choice.arbitrary, 0xf8, 3);
	codec_free(&asn_DEF_ACSE_apdu, d);
}

static void test_abrt(void **state)
{
	ACSE_apdu_t *a = new_apdu(ACSE_apdu_PR_abrt), *d;

	(void)state;
	a->choice.abrt.abort_source = ABRT_source_acse_service_user;
	a->choice.abrt.abort_diagnostic =
	    new_long(ABRT_diagnostic_authentication_failure);
	a->choice.abrt.user_information =
	    new_user_info(RTSE_apdus_PR_rtab_apdu);
	d = round_trip(&asn_DEF_ACSE_apdu, a);
	assert_int_equal(d->present, ACSE_apdu_PR_abrt);
	assert_int_equal(d->choice.abrt.abort_source,
			 ABRT_source_acse_service_user);
	assert_long(d->choice.abrt.abort_diagnostic,
		    ABRT_diagnostic_authentication_failure);
	assert_user_info(d->choice.abrt.user_information,
			 RTSE_apdus_PR_rtab_apdu);
	codec_free(&asn_DEF_ACSE_apdu, d);
}

/* ---- known answers and refusals ---------------------------------------- */

static void test_pp_aarq(void **state)
{
	static const unsigned char open[] = {
		0xb0, 0x14, 0xa1, 0x12, 0x80, 0x07, 'T', 'E', 'S', 'T', 'M',
		'T', 'A', 0xa1, 0x07, 0x04, 0x05, 'W', 'R', 'O', 'N', 'G'
	};
	ACSE_apdu_t *d = decode_known(&asn_DEF_ACSE_apdu, pp_aarq,
				      sizeof(pp_aarq));
	const ACSE_External_t *x;
	RTSE_apdus_t *r = NULL;

	(void)state;
	assert_int_equal(d->present, ACSE_apdu_PR_aarq);
	assert_null(d->choice.aarq.protocol_version);
	assert_oid(&d->choice.aarq.application_context_name,
		   OID_AC_MTS_TRANSFER);
	assert_null(d->choice.aarq.calling_AP_title);
	assert_non_null(d->choice.aarq.user_information);
	x = d->choice.aarq.user_information->list.array[0];
	assert_oid(x->direct_reference, OID_BER);
	assert_long(x->indirect_reference, CTX_MTA_RTSE);
	assert_int_equal(codec_decode(&asn_DEF_RTSE_apdus,
	    x->encoding.choice.single_ASN1_type.buf,
	    (size_t)x->encoding.choice.single_ASN1_type.size, 0,
	    (void **)&r, NULL), CODEC_OK);
	assert_int_equal(r->present, RTSE_apdus_PR_rtorq_apdu);
	assert_long(r->choice.rtorq_apdu.checkpointSize, 63);
	assert_long(r->choice.rtorq_apdu.dialogueMode, 0);
	assert_null(r->choice.rtorq_apdu.windowSize);
	assert_int_equal(r->choice.rtorq_apdu.connectionDataRQ.present,
			 ConnectionData_PR_open);
	assert_buf(&r->choice.rtorq_apdu.connectionDataRQ.choice.open, open,
		   sizeof(open));
	codec_free(&asn_DEF_RTSE_apdus, r);
	codec_free(&asn_DEF_ACSE_apdu, d);
}

static void test_pp_aare_reject(void **state)
{
	static const unsigned char bind_error[] = { 0x02, 0x01, 0x02 };
	ACSE_apdu_t *d = decode_known(&asn_DEF_ACSE_apdu, pp_aare_reject,
				      sizeof(pp_aare_reject));
	const ACSE_External_t *x;
	RTSE_apdus_t *r = NULL;

	(void)state;
	assert_int_equal(d->present, ACSE_apdu_PR_aare);
	assert_int_equal(d->choice.aare.result,
			 Associate_result_rejected_permanent);
	assert_int_equal(d->choice.aare.result_source_diagnostic.present,
			 Associate_source_diagnostic_PR_acse_service_user);
	assert_int_equal(
	    d->choice.aare.result_source_diagnostic.choice.acse_service_user,
	    Associate_source_diagnostic__acse_service_user_no_reason_given);
	x = d->choice.aare.user_information->list.array[0];
	assert_int_equal(codec_decode(&asn_DEF_RTSE_apdus,
	    x->encoding.choice.single_ASN1_type.buf,
	    (size_t)x->encoding.choice.single_ASN1_type.size, 0,
	    (void **)&r, NULL), CODEC_OK);
	assert_int_equal(r->present, RTSE_apdus_PR_rtorj_apdu);
	assert_null(r->choice.rtorj_apdu.refuseReason);
	assert_non_null(r->choice.rtorj_apdu.userDataRJ);
	assert_buf(r->choice.rtorj_apdu.userDataRJ, bind_error,
		   sizeof(bind_error));
	codec_free(&asn_DEF_RTSE_apdus, r);
	codec_free(&asn_DEF_ACSE_apdu, d);
}

/* Refused: an AARQ without its application context name, one with a
 * higher-level-association extension field ([14], not modelled: refused
 * rather than half-read), and the A-DT APDU ([APPLICATION 5]) that
 * ACSE-apdu does not carry. */
static void test_acse_refused(void **state)
{
	static const unsigned char no_context[] = {
		0x60, 0x04, 0x80, 0x02, 0x07, 0x80
	};
	static const unsigned char extension[] = {
		0x60, 0x18, 0xa1, 0x06, 0x06, 0x04, 0x56, 0x00, 0x01, 0x06,
		0xae, 0x02, 0x05, 0x00, 0xbe, 0x0a, 0x28, 0x08, 0x02, 0x01,
		0x03, 0xa0, 0x03, 0x02, 0x01, 0x05
	};
	static const unsigned char adt[] = { 0x65, 0x00 };
	void *d = NULL;

	(void)state;
	assert_int_equal(codec_decode(&asn_DEF_ACSE_apdu, no_context,
				      sizeof(no_context), 0, &d, NULL),
			 CODEC_E_MALFORMED);
	assert_int_equal(codec_decode(&asn_DEF_ACSE_apdu, extension,
				      sizeof(extension), 0, &d, NULL),
			 CODEC_E_MALFORMED);
	assert_int_equal(codec_decode(&asn_DEF_ACSE_apdu, adt, sizeof(adt), 0,
				      &d, NULL), CODEC_E_MALFORMED);
	assert_null(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aarq_all_fields),
		cmocka_unit_test(test_aare_accepted),
		cmocka_unit_test(test_aare_rejected),
		cmocka_unit_test(test_authentication_values),
		cmocka_unit_test(test_rlrq),
		cmocka_unit_test(test_rlre),
		cmocka_unit_test(test_abrt),
		cmocka_unit_test(test_pp_aarq),
		cmocka_unit_test(test_pp_aare_reject),
		cmocka_unit_test(test_acse_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
