/*
 * test_p1env.c - envelope accessors over messages, probes and reports
 */
#include "test_p1_util.h"

#include "LatestDeliveryTime.h"
#include "p1_env.h"
#include "p1_ext.h"
#include "p1_report.h"

static void test_pp_message(void **state)
{
	MTS_APDU_t *m = pp_message();
	struct p1_recip r;
	time_t t;
	char *s;

	(void)state;
	assert_int_equal(p1_env_kind(m), P1_MESSAGE);
	assert_string_equal(p1_env_kind_name(m), "message");
	s = p1_mtsid_format(p1_env_id(m));
	assert_string_equal(s, "C=GB;A= ;P=PPTEST;"
			       "L=ppmta.test.155:21.10.26.13.38.06");
	free(s);
	assert_orname_is(p1_env_originator(m),
			 "C=GB;A= ;P=PPTEST;O=PPORG;S=root");
	assert_null(p1_env_report_destination(m));
	assert_null(p1_env_subject_id(m));
	assert_int_equal(p1_env_builtin_content_type(m), 22);
	assert_int_equal(p1_env_priority(m), Priority_normal);
	assert_true(p1_env_pmi(m, PerMessageIndicators_content_return_request));
	assert_true(p1_env_pmi(m,
			PerMessageIndicators_alternate_recipient_allowed));
	assert_false(p1_env_pmi(m,
			PerMessageIndicators_disclosure_of_other_recipients));
	assert_int_equal(p1_env_deferred_time(m, &t), 0);
	assert_int_equal(p1_env_latest_delivery_time(m, &t, NULL), 0);
	assert_int_equal(p1_env_recipient_count(m), 1);
	p1_env_recipient(m, 0, &r);
	assert_orname_is(r.name, "C=GB;A= ;P=PPTEST;O=LOOPORG;S=carol");
	assert_int_equal(r.number, 1);
	assert_true(r.responsible);
	assert_int_equal(r.mta_req, P1_REP_NDR);
	assert_int_equal(r.orig_req, P1_REP_NDR);
	assert_int_equal(r.explicit_conversion, -1);
	assert_int_equal(p1_ext_count(r.extensions), 0);
	assert_int_equal(p1_env_content_length(m), 237);
	assert_int_equal(p1_env_trace(m)->list.count, 2);
	assert_int_equal(p1_ext_count(p1_env_extensions_c(m)), 2);
	codec_free(&asn_DEF_MTS_APDU, m);
}

static const char *const rcpts[] = { "C=DE;A=DBP;P=NORDWIND;S=Mueller" };

static void test_times_and_priority(void **state)
{
	MTS_APDU_t *m = new_message("C=GB;A= ;P=ACME;L=9",
				    "C=GB;A= ;P=ACME;S=Smith", rcpts, 1,
				    "body"), *got;
	MessageTransferEnvelope_t *e = &m->choice.message.envelope;
	LatestDeliveryTime_t ldt = { 0 };
	struct p1_recip r;
	unsigned crit = 99;
	time_t t;

	(void)state;
	e->priority = calloc(1, sizeof(*e->priority));
	*e->priority = Priority_urgent;
	e->deferred_delivery_time = calloc(1, sizeof(UTCTime_t));
	p1_time_set(e->deferred_delivery_time, 1774085415);
	p1_time_set(&ldt, 1774171815);
	assert_non_null(p1_ext_add(p1_env_extensions(m),
				   StandardExtension_latest_delivery_time,
				   P1_CRIT_DELIVERY,
				   &asn_DEF_LatestDeliveryTime, &ldt,
				   P1_EXTF_IMPLICIT));
	free(ldt.buf);
	ldt.buf = NULL;
	e->per_recipient_fields.list.array[0]->explicit_conversion =
	    calloc(1, sizeof(long));
	*e->per_recipient_fields.list.array[0]->explicit_conversion = 8;
	got = reencode(m);
	assert_int_equal(p1_env_priority(got), Priority_urgent);
	assert_int_equal(p1_env_deferred_time(got, &t), 1);
	assert_int_equal(t, 1774085415);
	assert_int_equal(p1_env_latest_delivery_time(got, &t, &crit), 1);
	assert_int_equal(t, 1774171815);
	assert_int_equal(crit, P1_CRIT_DELIVERY);
	p1_env_recipient(got, 0, &r);
	assert_int_equal(r.explicit_conversion, 8);
	assert_int_equal(r.mta_req, P1_REP_ALL);
	assert_int_equal(r.orig_req, P1_REP_NDR);
	assert_int_equal(p1_env_content_length(got), 4);
	/* malformed times are the peer's error, told apart from absence */
	p1_str_set(got->choice.message.envelope.deferred_delivery_time,
		   "2603XX");
	assert_int_equal(p1_env_deferred_time(got, &t), -1);
	p1_ext_remove(*p1_env_extensions(got), 5);
	p1_str_set(&ldt, "garbage");
	p1_ext_add(p1_env_extensions(got), 5, 0, &asn_DEF_OCTET_STRING, &ldt,
		   P1_EXTF_IMPLICIT);
	free(ldt.buf);
	assert_int_equal(p1_env_latest_delivery_time(got, &t, NULL), -1);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, m);
}

static void test_report_view(void **state)
{
	MTS_APDU_t *m = new_message("C=GB;A= ;P=ACME;L=10",
				    "C=GB;A= ;P=ACME;S=Smith", rcpts, 1, "b");
	MTS_APDU_t *r;
	GlobalDomainIdentifier_t *g = gdi("C=DE;A=DBP;P=NORDWIND");
	struct p1_here here = { g, "mx1" };
	struct p1_report_params p = { &here, 1774085415, 1 };
	struct p1_outcome o = { .index = 0, .arrival = 1774085415,
				.reason = 1, .diagnostic = 0 };
	struct p1_recip rc;

	(void)state;
	assert_int_equal(p1_report_build(m, &o, 1, &p, &r), 1);
	assert_int_equal(p1_env_kind(r), P1_REPORT);
	assert_string_equal(p1_env_kind_name(r), "report");
	assert_null(p1_env_originator(r));
	assert_orname_is(p1_env_report_destination(r),
			 "C=GB;A= ;P=ACME;S=Smith");
	assert_true(p1_mtsid_equal(p1_env_subject_id(r), p1_env_id(m)));
	assert_int_equal(p1_env_builtin_content_type(r), 22);
	assert_int_equal(p1_env_priority(r), Priority_normal);
	assert_false(p1_env_pmi(r, 3));
	assert_int_equal(p1_env_recipient_count(r), 1);
	p1_env_recipient(r, 0, &rc);
	assert_false(rc.responsible);		/* don't care in reports */
	assert_int_equal(rc.orig_req, P1_REP_NDR);
	assert_int_equal(p1_env_content_length(r), 0);
	assert_int_equal(p1_env_trace(r)->list.count, 1);
	/* the report envelope carries our internal trace */
	assert_non_null(p1_ext_find(p1_env_extensions_c(r), 38));
	codec_free(&asn_DEF_MTS_APDU, r);
	codec_free(&asn_DEF_MTS_APDU, m);
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pp_message),
		cmocka_unit_test(test_times_and_priority),
		cmocka_unit_test(test_report_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
