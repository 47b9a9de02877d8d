/*
 * qapdu.c - build real MTS-APDUs for the store's tests
 *
 * See qapdu.h. The value is built as asn1c structures and encoded by
 * the codec wrapper, which checks every constraint, so what the tests
 * store is a valid X.411 message transfer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "p1_addr.h"
#include "p1_id.h"
#include "qapdu.h"
#include "xalloc.h"

#include "MTS-APDU.h"

#define QA_COUNTRY	"GB"
#define QA_ADMD		" "
#define QA_PRMD		"ACME"
#define QA_ORG		"Acme"

/* set_str - an OCTET STRING-based value from a C string */
static void set_str(OCTET_STRING_t *s, const char *v)
{
	if (OCTET_STRING_fromBuf(s, v, (int)strlen(v)) != 0)
		panic("qapdu: OCTET_STRING_fromBuf");
}

/* fill_gdi - C=GB, A=" ", P=ACME */
static void fill_gdi(GlobalDomainIdentifier_t *g)
{
	g->country_name.present = CountryName_PR_iso_3166_alpha2_code;
	set_str(&g->country_name.choice.iso_3166_alpha2_code, QA_COUNTRY);
	g->administration_domain_name.present =
		AdministrationDomainName_PR_printable;
	set_str(&g->administration_domain_name.choice.printable, QA_ADMD);
	g->private_domain_identifier = XNEW(PrivateDomainIdentifier_t);
	g->private_domain_identifier->present =
		PrivateDomainIdentifier_PR_printable;
	set_str(&g->private_domain_identifier->choice.printable, QA_PRMD);
}

/* fill_orname - C=GB;A= ;P=ACME;O=Acme;S=surname */
static void fill_orname(ORName_t *n, const char *surname)
{
	BuiltInStandardAttributes_t *b = &n->built_in_standard_attributes;

	b->country_name = XNEW(CountryName_t);
	b->country_name->present = CountryName_PR_iso_3166_alpha2_code;
	set_str(&b->country_name->choice.iso_3166_alpha2_code, QA_COUNTRY);
	b->administration_domain_name = XNEW(AdministrationDomainName_t);
	b->administration_domain_name->present =
		AdministrationDomainName_PR_printable;
	set_str(&b->administration_domain_name->choice.printable, QA_ADMD);
	b->private_domain_name = XNEW(PrivateDomainName_t);
	b->private_domain_name->present = PrivateDomainName_PR_printable;
	set_str(&b->private_domain_name->choice.printable, QA_PRMD);
	b->organization_name = XNEW(OrganizationName_t);
	set_str(b->organization_name, QA_ORG);
	b->personal_name = XNEW(PersonalName_t);
	set_str(&b->personal_name->surname, surname);
}

/* utctime - YYMMDDHHMMSSZ */
static void set_utctime(UTCTime_t *u, time_t t)
{
	char s[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%y%m%d%H%M%SZ", &tm);
	set_str(u, s);
}

/* qapdu_build - a message-transfer MTS-APDU, DER */
unsigned char *qapdu_build(const struct qapdu_spec *s, size_t *len)
{
	MTS_APDU_t *a = XNEW(MTS_APDU_t);
	MessageTransferEnvelope_t *e;
	TraceInformationElement_t *te;
	unsigned char *der = NULL, *content;
	int rc;

	a->present = MTS_APDU_PR_message;
	e = &a->choice.message.envelope;
	fill_gdi(&e->message_identifier.global_domain_identifier);
	set_str(&e->message_identifier.local_identifier, s->local_id);
	fill_orname(&e->originator_name, s->originator);
	e->content_type.present = ContentType_PR_built_in;
	e->content_type.choice.built_in = 22;
	if (s->prio != 0) {
		e->priority = XNEW(Priority_t);
		*e->priority = s->prio;
	}
	te = XNEW(TraceInformationElement_t);
	fill_gdi(&te->global_domain_identifier);
	set_utctime(&te->domain_supplied_information.arrival_time, s->arrival);
	te->domain_supplied_information.routing_action =
		RoutingAction_relayed;
	ASN_SEQUENCE_ADD(&e->trace_information.list, te);
	for (size_t i = 0; i < s->nrcpts; i++) {
		PerRecipientMessageTransferFields_t *r =
			XNEW(PerRecipientMessageTransferFields_t);

		fill_orname(&r->recipient_name, s->rcpts[i]);
		r->originally_specified_recipient_number = (long)i + 1;
		/* responsibility, originating-MTA and originator asking for
		 * non-delivery reports (bits 0, 2, 4); 8 bits at least */
		r->per_recipient_indicators.buf = xcalloc(1, 1);
		r->per_recipient_indicators.buf[0] = 0xa8;
		r->per_recipient_indicators.size = 1;
		r->per_recipient_indicators.bits_unused = 0;
		ASN_SEQUENCE_ADD(&e->per_recipient_fields.list, r);
	}
	content = xmalloc(s->content_len + 1);
	for (size_t i = 0; i < s->content_len; i++)
		content[i] = (unsigned char)('a' + i % 26);
	OCTET_STRING_fromBuf(&a->choice.message.content, (char *)content,
			     (int)s->content_len);
	free(content);
	rc = codec_encode_alloc(&asn_DEF_MTS_APDU, a, &der, len);
	if (rc != CODEC_OK) {
		fprintf(stderr, "qapdu: %s: %s\n", codec_strerror(rc),
			codec_last_detail());
		der = NULL;
	}
	ASN_STRUCT_FREE(asn_DEF_MTS_APDU, a);
	return der;
}

/* qapdu_mtsid - the MTS identifier as the daemon writes it (p1_id.h) */
char *qapdu_mtsid(const struct qapdu_spec *s)
{
	MTSIdentifier_t *id = XNEW(MTSIdentifier_t);
	char *str;

	fill_gdi(&id->global_domain_identifier);
	set_str(&id->local_identifier, s->local_id);
	str = p1_mtsid_format(id);
	ASN_STRUCT_FREE(asn_DEF_MTSIdentifier, id);
	return str;
}

/* qapdu_oraddr - an O/R name as the daemon writes it (p1_addr.h) */
char *qapdu_oraddr(const char *surname)
{
	ORName_t *n = XNEW(ORName_t);
	char *str;

	fill_orname(n, surname);
	str = p1_orname_format(n);
	ASN_STRUCT_FREE(asn_DEF_ORName, n);
	return str;
}
