/*
 * test_p1downgrade.c - 1988 to 1984 downgrade: what is dropped, mapped
 * and refused (p1_downgrade.h table)
 */
#include "test_p1_util.h"

#include "LatestDeliveryTime.h"
#include "p1_downgrade.h"
#include "p1_env.h"
#include "p1_ext.h"
#include "p1_report.h"
#include "p1_trace.h"

static void test_pp_message(void **state)
{
	MTS_APDU_t *m = pp_message(), *got;
	struct p1_downgrade d;

	(void)state;
	assert_int_equal(p1_downgrade(m, &d), P1_DG_OK);
	assert_int_equal(d.changes, P1_DG_EXT_DROPPED);
	assert_int_equal(d.nrefused, 0);
	got = reencode(m);
	assert_null(got->choice.message.envelope.extensions);
	assert_int_equal(p1_env_trace(got)->list.count, 2);
	assert_orname_is(p1_env_originator(got),
			 "C=GB;A= ;P=PPTEST;O=PPORG;S=root");
	p1_downgrade_free(&d);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, m);
}

static const char *const rcpts[] = {
	"C=DE;A=DBP;P=NORDWIND;O=Nordwind;CN=Bernd Mueller",
	"C=DE;A=DBP;P=NORDWIND;T-CN=J\\xFCrgen",
	"C=DE;A=DBP;P=NORDWIND;S=Weber;DN=3000",
};

/* Names: common name to DDA "Common", directory names dropped, a
 * teletex common name refused for its recipient only. */
static void test_names(void **state)
{
	MTS_APDU_t *m = new_message("C=GB;A= ;P=ACME;L=dg.1",
				    "C=GB;A= ;P=ACME;O=Acme;CN=Postmaster;"
				    "DN=3000", rcpts, 3, "body"), *got;
	struct p1_downgrade d;
	struct p1_recip r;

	(void)state;
	add_trace(m, "C=GB;A= ;P=ACME", RoutingAction_relayed, NULL);
	assert_int_equal(p1_downgrade(m, &d), P1_DG_SOME);
	assert_true(d.changes & P1_DG_CN_TO_DDA);
	assert_true(d.changes & P1_DG_DN_DROPPED);
	assert_true(d.changes & P1_DG_EIT_ADDED);
	assert_true(d.changes & P1_DG_RECIP_REMOVED);
	assert_int_equal(d.nrefused, 1);
	assert_int_equal(d.refused[0], 1);
	assert_int_equal(d.reason, 1);
	assert_int_equal(d.diagnostic, 47);	/* unable-to-downgrade */
	assert_non_null(strstr(d.why, "recipient 2"));
	got = reencode(m);
	assert_orname_is(p1_env_originator(got),
			 "C=GB;A= ;P=ACME;O=Acme;DDA:Common=Postmaster");
	assert_int_equal(p1_env_recipient_count(got), 2);
	p1_env_recipient(got, 0, &r);
	assert_orname_is(r.name,
			 "C=DE;A=DBP;P=NORDWIND;O=Nordwind;"
			 "DDA:Common=Bernd Mueller");
	p1_env_recipient(got, 1, &r);
	assert_int_equal(r.number, 3);
	assert_orname_is(r.name, "C=DE;A=DBP;P=NORDWIND;S=Weber");
	assert_true(p1_bit_get(&got->choice.message.envelope
				       .original_encoded_information_types
				       ->built_in_encoded_information_types,
			       BuiltInEncodedInformationTypes_unknown));
	p1_downgrade_free(&d);
	assert_null(d.refused);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, m);
}

/* What refuses the whole message. */
static void test_refusals(void **state)
{
	static const char *const one[] = { "C=DE;A=DBP;S=Weber" };
	static const char *const tele[] = { "C=DE;A=DBP;T-S=W\\xE9ber" };
	MTS_APDU_t *m;
	struct p1_downgrade d;
	LatestDeliveryTime_t ldt = { 0 };

	(void)state;
	/* a critical extension */
	m = new_message("C=GB;A= ;P=ACME;L=dg.2", "C=GB;A= ;S=Smith", one, 1,
			"x");
	p1_time_set(&ldt, 1774085415);
	p1_ext_add(p1_env_extensions(m), 5, P1_CRIT_DELIVERY,
		   &asn_DEF_LatestDeliveryTime, &ldt, P1_EXTF_IMPLICIT);
	free(ldt.buf);
	assert_int_equal(p1_downgrade(m, &d), P1_DG_ALL);
	assert_non_null(strstr(d.why, "latest-delivery-time"));
	p1_downgrade_free(&d);
	codec_free(&asn_DEF_MTS_APDU, m);
	/* an extended content type */
	m = new_message("C=GB;A= ;P=ACME;L=dg.3", "C=GB;A= ;S=Smith", one, 1,
			"x");
	memset(&m->choice.message.envelope.content_type, 0,
	       sizeof(ContentType_t));
	m->choice.message.envelope.content_type.present =
	    ContentType_PR_extended;
	{
		long arcs[] = { 1, 3, 6, 1, 4, 1, 99 };

		OBJECT_IDENTIFIER_set_arcs(&m->choice.message.envelope
						    .content_type.choice.extended,
					   arcs, sizeof(arcs[0]), 7);
	}
	assert_int_equal(p1_downgrade(m, &d), P1_DG_ALL);
	assert_non_null(strstr(d.why, "content type"));
	p1_downgrade_free(&d);
	codec_free(&asn_DEF_MTS_APDU, m);
	/* an originator 1984 cannot name */
	m = new_message("C=GB;A= ;P=ACME;L=dg.4", "C=GB;A= ;EA:24=0500", one,
			1, "x");
	assert_int_equal(p1_downgrade(m, &d), P1_DG_ALL);
	assert_non_null(strstr(d.why, "originator"));
	p1_downgrade_free(&d);
	codec_free(&asn_DEF_MTS_APDU, m);
	/* every recipient refused */
	m = new_message("C=GB;A= ;P=ACME;L=dg.5", "C=GB;A= ;S=Smith", tele, 1,
			"x");
	assert_int_equal(p1_downgrade(m, &d), P1_DG_ALL);
	p1_downgrade_free(&d);
	codec_free(&asn_DEF_MTS_APDU, m);
	/* four DDAs leave no room for the common name */
	m = new_message("C=GB;A= ;P=ACME;L=dg.6", "C=GB;A= ;DDA:a=1;DDA:b=2;"
			"DDA:c=3;DDA:d=4;CN=x", one, 1, "x");
	assert_int_equal(p1_downgrade(m, &d), P1_DG_ALL);
	assert_non_null(strstr(d.why, "no room"));
	p1_downgrade_free(&d);
	codec_free(&asn_DEF_MTS_APDU, m);
	/* explicit conversion 1984 did not have */
	m = new_message("C=GB;A= ;P=ACME;L=dg.7", "C=GB;A= ;S=Smith", one, 1,
			"x");
	m->choice.message.envelope.per_recipient_fields.list.array[0]
	    ->explicit_conversion = calloc(1, sizeof(long));
	*m->choice.message.envelope.per_recipient_fields.list.array[0]
	     ->explicit_conversion = 8;
	assert_int_equal(p1_downgrade(m, &d), P1_DG_ALL);
	assert_non_null(strstr(d.why, "explicit conversion"));
	p1_downgrade_free(&d);
	codec_free(&asn_DEF_MTS_APDU, m);
}

/* 1988 fields that are dropped. */
static void test_trims(void **state)
{
	static const char *const one[] = { "C=DE;A=DBP;S=Weber" };
	MTS_APDU_t *m = new_message("C=GB;A= ;P=ACME;L=dg.8",
				    "C=GB;A= ;S=Smith", one, 1, "x"), *got;
	MessageTransferEnvelope_t *e = &m->choice.message.envelope;
	struct p1_downgrade d;
	PerDomainBilateralInformation_t *b;
	OCTET_STRING_t v = { 0 };

	(void)state;
	e->per_message_indicators = calloc(1, sizeof(*e->per_message_indicators));
	p1_bits_init(e->per_message_indicators, 8);
	p1_bit_set(e->per_message_indicators, 3, 1);
	p1_bit_set(e->per_message_indicators, 7, 1);	/* service message */
	add_trace(m, "C=GB;A= ;P=ACME", RoutingAction_relayed, NULL);
	e->trace_information.list.array[0]->domain_supplied_information
	    .other_actions = calloc(1, sizeof(OtherActions_t));
	p1_bits_init(e->trace_information.list.array[0]
			     ->domain_supplied_information.other_actions, 2);
	p1_bit_set(e->trace_information.list.array[0]
			   ->domain_supplied_information.other_actions, 1, 1);
	e->per_domain_bilateral_information =
	    calloc(1, sizeof(*e->per_domain_bilateral_information));
	b = calloc(1, sizeof(*b));
	b->country_name.present = CountryName_PR_iso_3166_alpha2_code;
	p1_str_set(&b->country_name.choice.iso_3166_alpha2_code, "GB");
	b->domain.present =
	    PerDomainBilateralInformation__domain_PR_private_domain;
	p1_str_set(&b->domain.choice.private_domain.administration_domain_name
			    .choice.printable, " ");
	b->domain.choice.private_domain.administration_domain_name.present =
	    AdministrationDomainName_PR_printable;
	b->domain.choice.private_domain.private_domain_identifier.present =
	    PrivateDomainIdentifier_PR_printable;
	p1_str_set(&b->domain.choice.private_domain.private_domain_identifier
			    .choice.printable, "ACME");
	p1_str_set(&v, "x");
	p1_any_set(&b->bilateral_information, &asn_DEF_OCTET_STRING, &v);
	free(v.buf);
	p1_list_add(&e->per_domain_bilateral_information->list, b);

	assert_int_equal(p1_downgrade(m, &d), P1_DG_OK);
	assert_int_equal(d.changes, P1_DG_EIT_ADDED | P1_DG_PMI_TRIMMED |
				    P1_DG_PDBI_DROPPED | P1_DG_TRACE_TRIMMED);
	got = reencode(m);
	e = &got->choice.message.envelope;
	assert_true(p1_bit_get(e->per_message_indicators, 3));
	assert_false(p1_bit_get(e->per_message_indicators, 7));
	assert_null(e->per_domain_bilateral_information);
	assert_null(e->trace_information.list.array[0]
			    ->domain_supplied_information.other_actions);
	p1_downgrade_free(&d);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, m);
}

/* A report: 1988 content fields dropped, codes mapped to 1984's. */
static void test_report(void **state)
{
	static const char *const two[] = {
		"C=DE;A=DBP;P=NORDWIND;S=Weber",
		"C=DE;A=DBP;P=NORDWIND;S=Braun",
	};
	MTS_APDU_t *m = new_message("C=GB;A= ;P=ACME;L=dg.9",
				    "C=GB;A= ;P=ACME;CN=Alice Smith", two, 2,
				    "x"), *r, *got;
	GlobalDomainIdentifier_t *g = gdi("C=DE;A=DBP;P=NORDWIND");
	struct p1_here here = { g, "mx1" };
	struct p1_report_params p = { &here, 1774085415, 5 };
	struct p1_outcome o[2] = {
		{ .index = 0, .delivered = 1, .arrival = 1774085415,
		  .when = 1774085416, .type_of_user = TypeOfMTSUser_ms,
		  .diagnostic = -1 },
		{ .index = 1, .arrival = 1774085415, .type_of_user = -1,
		  .reason = NonDeliveryReasonCode_transfer_failure_for_security_reason,
		  .diagnostic = NonDeliveryDiagnosticCode_unreliable_system },
	};
	struct p1_downgrade d;
	ReportTransferContent_t *c;
	LastTraceInformation_t *lt;

	(void)state;
	assert_int_equal(p1_report_build(m, o, 2, &p, &r), 1);
	assert_int_equal(p1_downgrade(r, &d), P1_DG_OK);
	assert_true(d.changes & P1_DG_EXT_DROPPED);	/* internal trace */
	assert_true(d.changes & P1_DG_REPORT_TRIMMED);
	assert_true(d.changes & P1_DG_CODES_MAPPED);
	assert_true(d.changes & P1_DG_CN_TO_DDA);
	got = reencode(r);
	c = &got->choice.report.content;
	assert_null(c->content_type);
	assert_null(c->original_encoded_information_types);
	assert_null(got->choice.report.envelope.extensions);
	assert_orname_is(&got->choice.report.envelope.report_destination_name,
			 "C=GB;A= ;P=ACME;DDA:Common=Alice Smith");
	lt = &c->per_recipient_fields.list.array[0]->last_trace_information;
	assert_null(lt->report_type.choice.delivery.type_of_MTS_user);
	lt = &c->per_recipient_fields.list.array[1]->last_trace_information;
	assert_int_equal(lt->report_type.choice.non_delivery
				 .non_delivery_reason_code, 1);
	assert_null(lt->report_type.choice.non_delivery
			    .non_delivery_diagnostic_code);
	p1_downgrade_free(&d);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, r);
	codec_free(&asn_DEF_MTS_APDU, m);
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pp_message),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_trims),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
