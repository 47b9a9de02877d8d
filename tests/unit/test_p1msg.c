/*
 * test_p1msg.c - building P1 messages and probes with P22 content
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
#include "p1_addr.h"
#include "p1_env.h"
#include "p1_id.h"
#include "p1_msg.h"
#include "p1_trace.h"

#include "InformationObject.h"
#include "MTS-APDU.h"

static const char *const rcpts[] = {
	"C=GB;A= ;P=BETA;O=Sales;S=Jones",
	"C=GB;A= ;P=GAMMA;S=Brown;G=Ann"
};

static MTS_APDU_t *build(struct p1_msg_spec *s)
{
	unsigned char *der;
	size_t len;
	char why[200];
	void *v = NULL;

	if (p1_msg_build(s, &der, &len, why, sizeof(why)) != 0)
		fail_msg("build: %s", why);
	assert_int_equal(codec_decode(&asn_DEF_MTS_APDU, der, len, 0, &v,
				      NULL), 0);
	free(der);
	return v;
}

static void test_message(void **state)
{
	struct p1_msg_spec s;
	MTS_APDU_t *a;
	struct p1_recip r;
	InformationObject_t *io = NULL;
	char *str;
	time_t t;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.gdi = "C=GB;A= ;P=ALPHA";
	s.mta = "mta-a";
	s.seq = 7;
	s.originator = "C=GB;A= ;P=ALPHA;S=Smith;G=John";
	s.recipients = rcpts;
	s.nrecipients = 2;
	s.priority = 2;
	s.report = P1_REP_ALL;
	s.deferred = 1900000000;
	s.subject = "Quarterly figures";
	s.body = "Dear Ann,\nplease find...\n";
	s.pad_to = 4096;
	a = build(&s);
	assert_int_equal(p1_env_kind(a), P1_MESSAGE);
	assert_int_equal(p1_env_priority(a), 2);
	assert_int_equal(p1_env_recipient_count(a), 2);
	p1_env_recipient(a, 1, &r);
	assert_true(r.responsible);
	assert_int_equal(r.orig_req, P1_REP_ALL);
	assert_int_equal(r.number, 2);
	str = p1_orname_format(r.name);
	assert_non_null(strstr(str, "P=GAMMA"));
	free(str);
	assert_int_equal(p1_env_deferred_time(a, &t), 1);
	assert_int_equal(t, 1900000000);
	assert_true(p1_trace_origin_ok(a));
	assert_int_equal(p1_env_builtin_content_type(a), 22);
	str = p1_mtsid_format(p1_env_id(a));
	assert_non_null(strstr(str, "P=ALPHA"));
	free(str);
	/* the content is an IPM with the subject and a padded body */
	assert_int_equal(codec_decode(&asn_DEF_InformationObject,
	    a->choice.message.content.buf,
	    (size_t)a->choice.message.content.size, 0, (void **)&io, NULL),
			 0);
	assert_int_equal(io->present, InformationObject_PR_ipm);
	assert_int_equal(io->choice.ipm.heading.subject->size, 17);
	assert_int_equal(io->choice.ipm.body->list.count, 1);
	assert_int_equal(io->choice.ipm.body->list.array[0]->choice.ia5_text.
			 data.size, 4096);
	codec_free(&asn_DEF_InformationObject, io);
	codec_free(&asn_DEF_MTS_APDU, a);
}

static void test_probe(void **state)
{
	struct p1_msg_spec s;
	MTS_APDU_t *a;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.gdi = "C=GB;A= ;P=ALPHA";
	s.mta = "mta-a";
	s.local_id = "probe-1";
	s.originator = "C=GB;A= ;P=ALPHA;S=Smith";
	s.recipients = rcpts;
	s.nrecipients = 1;
	s.probe = 1;
	s.body = "x";
	a = build(&s);
	assert_int_equal(p1_env_kind(a), P1_PROBE);
	assert_true(p1_env_content_length(a) > 0);
	assert_true(p1_trace_origin_ok(a));
	codec_free(&asn_DEF_MTS_APDU, a);
}

static void test_errors(void **state)
{
	static const char *const bad[] = { "C=GB;Q=?" };
	struct p1_msg_spec s;
	unsigned char *der;
	size_t len;
	char why[200];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.gdi = "C=GB;A= ;P=ALPHA";
	s.originator = "C=GB;A= ;P=ALPHA;S=Smith";
	s.recipients = bad;
	s.nrecipients = 1;
	assert_int_equal(p1_msg_build(&s, &der, &len, why, sizeof(why)), -1);
	assert_null(der);
	assert_non_null(strstr(why, "recipient"));
	s.recipients = rcpts;
	s.gdi = "nonsense";
	assert_int_equal(p1_msg_build(&s, &der, &len, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "global domain"));
	s.gdi = "C=GB;A= ;P=ALPHA";
	s.nrecipients = 0;
	assert_int_equal(p1_msg_build(&s, &der, &len, why, sizeof(why)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
