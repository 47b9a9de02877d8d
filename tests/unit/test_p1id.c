/*
 * test_p1id.c - MTS identifiers, global domain identifiers, MTA names
 */
#include "test_p1_util.h"

#include "p1_id.h"

static void test_gdi(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "C=GB;A= ;P=ACME", "C=GB;A= ;P=ACME" },
		{ "a=DBP; c=DE", "C=DE;A=DBP" },
		{ "C=234;A=0;P=n\" \"", "C=234;A=0;P=n\" \"" },
		{ "C=GB;A=\"400\"", "C=GB;A=\"400\"" },
	};
	static const struct {
		const char *in, *attr;
		int rc;
	} bad[] = {
		{ "C=GB", "A", P1_E_MISSING },
		{ "A= ;P=X", "C", P1_E_MISSING },
		{ "C=GB;A= ;O=Sales", "O", P1_E_ATTR },
		{ "C=GB;A= ;L=x", "L", P1_E_ATTR },
		{ "C=GBR;A= ", "C", P1_E_VALUE },
	};
	GlobalDomainIdentifier_t *g, *h;
	struct p1_err err;
	char *s;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		g = gdi(ok[i].in);
		s = p1_gdi_format(g);
		assert_string_equal(s, ok[i].out);
		free(s);
		ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, g);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(p1_gdi_parse(bad[i].in, &g, &err), bad[i].rc);
		assert_string_equal(err.attr, bad[i].attr);
		assert_null(g);
	}
	g = gdi("C=GB;A= ;P=ACME");
	h = gdi("c=gb;a=;p=acme ");
	assert_true(p1_gdi_equal(g, h));
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, h);
	h = gdi("C=GB;A= ");
	assert_false(p1_gdi_equal(g, h));
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, h);
	h = gdi("C=GB;A= ;P=ACME2");
	assert_false(p1_gdi_equal(g, h));
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, h);
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, g);
}

static void test_gdi_from_oraddr(void **state)
{
	ORName_t *n = orname("C=GB;A= ;P=ACME;O=Sales;S=Smith");
	GlobalDomainIdentifier_t *g, *want = gdi("C=GB;A= ;P=ACME");

	(void)state;
	assert_int_equal(p1_gdi_from_oraddr(&n->built_in_standard_attributes,
					    &g), 0);
	assert_true(p1_same(&asn_DEF_GlobalDomainIdentifier, g, want));
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, g);
	ASN_STRUCT_FREE(asn_DEF_ORName, n);
	n = orname("C=GB;O=Sales");		/* no ADMD: no domain */
	assert_int_equal(p1_gdi_from_oraddr(&n->built_in_standard_attributes,
					    &g), -1);
	assert_null(g);
	ASN_STRUCT_FREE(asn_DEF_ORName, n);
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, want);
}

static void test_mtsid(void **state)
{
	MTS_APDU_t *m = pp_message();
	MTSIdentifier_t *id, *again;
	struct p1_err err;
	char *s;

	(void)state;
	/* PP's message identifier */
	s = p1_mtsid_format(&m->choice.message.envelope.message_identifier);
	assert_string_equal(s, "C=GB;A= ;P=PPTEST;"
			       "L=ppmta.test.155:21.10.26.13.38.06");
	assert_int_equal(p1_mtsid_parse(s, &id, &err), 0);
	assert_true(p1_same(&asn_DEF_MTSIdentifier, id,
			    &m->choice.message.envelope.message_identifier));
	assert_true(p1_mtsid_equal(id,
			&m->choice.message.envelope.message_identifier));
	free(s);
	ASN_STRUCT_FREE(asn_DEF_MTSIdentifier, id);
	/* a local identifier with ';', '\' and a control octet */
	assert_int_equal(p1_mtsid_parse("C=GB;A= ;L=a;;b\\\\c\\x01", &id,
					&err), 0);
	assert_int_equal(id->local_identifier.size, 6);
	assert_memory_equal(id->local_identifier.buf, "a;b\\c\x01", 6);
	s = p1_mtsid_format(id);
	assert_string_equal(s, "C=GB;A= ;L=a;;b\\\\c\\x01");
	assert_int_equal(p1_mtsid_parse(s, &again, &err), 0);
	assert_true(p1_mtsid_equal(id, again));
	free(s);
	ASN_STRUCT_FREE(asn_DEF_MTSIdentifier, again);
	/* exact: a local identifier's case counts */
	assert_int_equal(p1_mtsid_parse("C=GB;A= ;L=A;;B\\\\C\\x01", &again,
					&err), 0);
	assert_false(p1_mtsid_equal(id, again));
	ASN_STRUCT_FREE(asn_DEF_MTSIdentifier, again);
	ASN_STRUCT_FREE(asn_DEF_MTSIdentifier, id);
	/* errors */
	assert_int_equal(p1_mtsid_parse("C=GB;A= ", &id, &err), P1_E_MISSING);
	assert_string_equal(err.attr, "L");
	assert_int_equal(p1_mtsid_parse("C=GB;A= ;L=", &id, &err), P1_E_VALUE);
	assert_int_equal(p1_mtsid_parse("C=GB;A= ;L=0123456789012345678901"
					"23456789012", &id, &err), P1_E_VALUE);
	assert_string_equal(err.attr, "L");
	assert_int_equal(p1_mtsid_parse("C=GB;A= ;L=\\xC3", &id, &err),
			 P1_E_VALUE);
	assert_int_equal(p1_mtsid_parse("C=GB;A= ;L=a;L=b", &id, &err),
			 P1_E_DUP);
	assert_null(id);
	codec_free(&asn_DEF_MTS_APDU, m);
}

static void test_mtsid_make(void **state)
{
	GlobalDomainIdentifier_t *g = gdi("C=GB;A= ;P=ACME");
	MTSIdentifier_t *a, *b, *c;
	time_t t = 1774085415;		/* 2026-03-21 09:30:15 UTC */
	char *s;

	(void)state;
	a = p1_mtsid_make(g, "mta1.acme", t, 4711);
	s = p1_mtsid_format(a);
	assert_string_equal(s, "C=GB;A= ;P=ACME;L=20260321093015.3mv.mta1.acme");
	free(s);
	b = p1_mtsid_make(g, "mta1.acme", t, 4712);
	assert_false(p1_mtsid_equal(a, b));
	/* a long name becomes a hash: still at most 32, still distinct */
	c = p1_mtsid_make(g, "a-very-long-mta-name.example.org", t,
			  UINT64_MAX);
	assert_true(c->local_identifier.size <= 32);
	assert_int_equal(c->local_identifier.size, 14 + 1 + 13 + 1 + 8 - 5);
	s = p1_mtsid_format(c);
	assert_non_null(strstr(s, "L=20260321093015.3w5e11264sgsf."));
	free(s);
	/* it encodes: the bounds hold */
	ASN_STRUCT_FREE(asn_DEF_MTSIdentifier, b);
	b = p1_copy(&asn_DEF_MTSIdentifier, c);
	assert_non_null(b);
	ASN_STRUCT_FREE(asn_DEF_MTSIdentifier, a);
	ASN_STRUCT_FREE(asn_DEF_MTSIdentifier, b);
	ASN_STRUCT_FREE(asn_DEF_MTSIdentifier, c);
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, g);
}

static void test_mtaname(void **state)
{
	MTAName_t n = { 0 };

	(void)state;
	assert_true(p1_mtaname_ok("ppmta.test"));
	assert_true(p1_mtaname_ok("01234567890123456789012345678901"));
	assert_false(p1_mtaname_ok("012345678901234567890123456789012"));
	assert_false(p1_mtaname_ok(""));
	assert_false(p1_mtaname_ok("tab\there"));
	p1_str_set(&n, "PPMTA");
	assert_true(p1_mtaname_equal(&n, "ppmta"));
	assert_false(p1_mtaname_equal(&n, "ppmta2"));
	assert_false(p1_mtaname_equal(NULL, "ppmta"));
	free(n.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gdi),
		cmocka_unit_test(test_gdi_from_oraddr),
		cmocka_unit_test(test_mtsid),
		cmocka_unit_test(test_mtsid_make),
		cmocka_unit_test(test_mtaname),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
