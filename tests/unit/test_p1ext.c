/*
 * test_p1ext.c - extension fields: classification, criticality, verdicts
 */
#include "test_p1_util.h"

#include "LatestDeliveryTime.h"
#include "p1_env.h"
#include "p1_ext.h"

static const char *const rcpts[] = {
	"C=DE;A=DBP;P=NORDWIND;S=Mueller",
	"C=DE;A=DBP;P=NORDWIND;S=Weber",
};

static MTS_APDU_t *msg(void)
{
	return new_message("C=GB;A= ;P=ACME;L=1", "C=GB;A= ;P=ACME;S=Smith",
			   rcpts, 2, "x");
}

/* raw_field - an extension field from the octets of its type */
static ExtensionField_t *raw_field(void **listp, const char *type_hex,
				   unsigned crit)
{
	ExtensionField_t *f = calloc(1, sizeof(*f));
	static const unsigned char null[] = { 0x05, 0x00 };
	size_t n;

	assert_non_null(f);
	f->type.buf = hex_bytes(type_hex, &n);
	f->type.size = (int)n;
	if (crit) {
		f->criticality = calloc(1, sizeof(*f->criticality));
		p1_bits_init(f->criticality, 3);
		for (int b = 0; b < 3; b++)
			if (crit & (1u << b))
				p1_bit_set(f->criticality, b, 1);
	}
	f->value = calloc(1, sizeof(ANY_t));
	p1_str_setn((OCTET_STRING_t *)f->value, null, 2);
	if (*listp == NULL)
		*listp = calloc(1, sizeof(struct MessageTransferEnvelope__extensions));
	p1_list_add(&((struct MessageTransferEnvelope__extensions *)*listp)
			     ->list, f);
	return f;
}

static void test_classify_pp(void **state)
{
	MTS_APDU_t *m = pp_message();
	const void *l = p1_env_extensions_c(m);
	struct p1_ext_info info;

	(void)state;
	assert_int_equal(p1_ext_count(l), 2);
	assert_int_equal(p1_ext_classify(p1_ext_at(l, 0), &info), 0);
	assert_int_equal(info.kind, P1_EXT_STANDARD);
	assert_int_equal(info.number, 23);
	assert_string_equal(info.name, "content-correlator");
	assert_int_equal(info.form, P1_EXTF_EXPLICIT);
	assert_int_equal(info.crit, 0);
	assert_true(info.supported);
	assert_int_equal(p1_ext_classify(p1_ext_at(l, 1), &info), 0);
	assert_int_equal(info.number, 38);
	assert_int_equal(p1_ext_form_of(l), P1_EXTF_EXPLICIT);
	assert_int_equal(p1_ext_check(l, P1_CRIT_TRANSFER, &info), 0);
	assert_ptr_equal(p1_ext_find(l, 38), p1_ext_at(l, 1));
	assert_null(p1_ext_find(l, 5));
	codec_free(&asn_DEF_MTS_APDU, m);
}

static void test_add_and_check(void **state)
{
	MTS_APDU_t *m = msg(), *got;
	void **lp = p1_env_extensions(m);
	LatestDeliveryTime_t ldt = { 0 };
	struct p1_ext_info info;
	ExtensionField_t *f;
	int bad[2];

	(void)state;
	assert_int_equal(p1_ext_form_of(*lp), P1_EXTF_IMPLICIT);
	p1_time_set(&ldt, 1774085415);
	f = p1_ext_add(lp, StandardExtension_latest_delivery_time,
		       P1_CRIT_TRANSFER | P1_CRIT_DELIVERY,
		       &asn_DEF_LatestDeliveryTime, &ldt, P1_EXTF_IMPLICIT);
	assert_non_null(f);
	free(ldt.buf);
	/* requested-delivery-method, critical for transfer: unsupported */
	raw_field(lp, "800106", P1_CRIT_TRANSFER);
	got = reencode(m);
	f = p1_ext_find(p1_env_extensions_c(got), 5);
	assert_int_equal(p1_ext_classify(f, &info), 0);
	assert_int_equal(info.form, P1_EXTF_IMPLICIT);
	assert_int_equal(info.crit, P1_CRIT_TRANSFER | P1_CRIT_DELIVERY);
	assert_true(info.supported);
	assert_int_equal(p1_ext_check(p1_env_extensions_c(got),
				      P1_CRIT_TRANSFER, &info), 1);
	assert_int_equal(info.number, 6);
	assert_string_equal(info.name, "requested-delivery-method");
	assert_false(info.supported);
	assert_int_equal(p1_ext_check(p1_env_extensions_c(got),
				      P1_CRIT_DELIVERY, &info), 0);
	assert_int_equal(p1_ext_check_apdu(got, P1_CRIT_TRANSFER, &info, bad,
					   2), P1_EXT_ALL);
	assert_int_equal(bad[0] + bad[1], 2);
	assert_int_equal(p1_ext_check_apdu(got, P1_CRIT_DELIVERY, &info, bad,
					   2), P1_EXT_OK);
	/* removing it lets the message pass */
	assert_int_equal(p1_ext_remove(*p1_env_extensions(got), 6), 1);
	assert_int_equal(p1_ext_remove(*p1_env_extensions(got), 6), 0);
	assert_int_equal(p1_ext_check_apdu(got, P1_CRIT_TRANSFER, &info, bad,
					   2), P1_EXT_OK);
	assert_int_equal(p1_ext_count(p1_env_extensions_c(got)), 1);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, m);
}

/* Unknown private extensions: relayed unchanged unless critical. */
static void test_private_and_unknown(void **state)
{
	MTS_APDU_t *m = msg(), *got;
	PerRecipientMessageTransferFields_t *r =
	    m->choice.message.envelope.per_recipient_fields.list.array[1];
	void **lp = p1_env_extensions(m);
	struct p1_ext_info info;
	int bad[2];
	unsigned char *before, *after;
	size_t nb, na;

	(void)state;
	/* [3] OID 1.3.6.1.4.1.50302.9, not critical: relayed as is */
	raw_field(lp, "83092b0601040183887e09", 0);
	/* a standard number we do not know, in PP's form, not critical */
	raw_field(lp, "a003020163", 0);
	before = p1_der(&asn_DEF_MessageTransferEnvelope,
			&m->choice.message.envelope, &nb);
	got = reencode(m);
	after = p1_der(&asn_DEF_MessageTransferEnvelope,
		       &got->choice.message.envelope, &na);
	assert_int_equal(na, nb);
	assert_memory_equal(before, after, na);
	free(before);
	free(after);
	assert_int_equal(p1_ext_classify(p1_ext_find(p1_env_extensions_c(got),
						     99), &info), 0);
	assert_string_equal(info.name, "extension-unknown");
	/* DER orders a SET OF by encoding: look for the private one */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(p1_ext_classify(p1_ext_at(
			p1_env_extensions_c(got), i), &info), 0);
		if (info.kind == P1_EXT_PRIVATE)
			break;
	}
	assert_int_equal(info.kind, P1_EXT_PRIVATE);
	assert_string_equal(info.oid, "1.3.6.1.4.1.50302.9");
	assert_false(info.supported);
	assert_int_equal(p1_ext_check_apdu(got, P1_CRIT_TRANSFER, &info, bad,
					   2), P1_EXT_OK);
	codec_free(&asn_DEF_MTS_APDU, got);
	/* a private extension critical for delivery on recipient 2 only */
	raw_field((void **)&r->extensions, "83092b0601040183887e0a",
		  P1_CRIT_DELIVERY);
	assert_int_equal(p1_ext_check_apdu(m, P1_CRIT_TRANSFER, &info, bad, 2),
			 P1_EXT_OK);
	assert_int_equal(p1_ext_check_apdu(m, P1_CRIT_DELIVERY, &info, bad, 2),
			 P1_EXT_SOME);
	assert_int_equal(bad[0], 0);
	assert_int_equal(bad[1], 1);
	assert_string_equal(info.oid, "1.3.6.1.4.1.50302.10");
	/* a type that reads as neither form: unsupported, by criticality */
	raw_field(lp, "0400", 0);
	assert_int_equal(p1_ext_classify(p1_ext_at(*lp, 2), &info), -1);
	assert_int_equal(info.kind, P1_EXT_BAD);
	assert_int_equal(p1_ext_check(*lp, P1_CRIT_TRANSFER, &info), 0);
	raw_field(lp, "0400", P1_CRIT_TRANSFER);
	assert_int_equal(p1_ext_check(*lp, P1_CRIT_TRANSFER, &info), 1);
	assert_int_equal(info.kind, P1_EXT_BAD);
	codec_free(&asn_DEF_MTS_APDU, m);
}

/* type_is - a field's type octets, as hex */
static void type_is(const ExtensionField_t *f, const char *hex)
{
	size_t n;
	unsigned char *want = hex_bytes(hex, &n);

	assert_int_equal(f->type.size, (int)n);
	assert_memory_equal(f->type.buf, want, n);
	free(want);
}

/* Editions (X.411 1988: type [0] EXPLICIT CHOICE { INTEGER, OID };
 * 1992+: [0] IMPLICIT INTEGER / [3] IMPLICIT OID), hand-built octets:
 * 38 = internal-trace-information, 1.2.3.4 = 06 03 2A 03 04. */
static void test_set_form(void **state)
{
	MTS_APDU_t *m = msg();
	MessageTransferEnvelope_t *e = &m->choice.message.envelope;
	void **rl = (void **)&e->per_recipient_fields.list.array[1]->extensions;
	ExtensionField_t *a, *b, *c, *d;
	struct p1_ext_info info;

	(void)state;
	a = raw_field((void **)&e->extensions, "800126", 0);
	b = raw_field((void **)&e->extensions, "83032a0304", 0);
	c = raw_field((void **)&e->extensions, "a003020105", 2);
	d = raw_field(rl, "800117", 0);
	assert_int_equal(p1_ext_set_form(m, P1_EXTF_EXPLICIT), 3);
	type_is(a, "a003020126");
	type_is(b, "a00506032a0304");
	type_is(c, "a003020105");
	type_is(d, "a003020117");
	assert_int_equal(p1_ext_classify(b, &info), 0);
	assert_int_equal(info.kind, P1_EXT_PRIVATE);
	assert_string_equal(info.oid, "1.2.3.4");
	assert_int_equal(info.form, P1_EXTF_EXPLICIT);
	assert_int_equal(p1_ext_classify(c, &info), 0);
	assert_int_equal(info.crit, 2);		/* criticality kept */
	assert_int_equal(p1_ext_set_form(m, P1_EXTF_EXPLICIT), 0);
	assert_int_equal(p1_ext_set_form(m, P1_EXTF_IMPLICIT), 4);
	type_is(a, "800126");
	type_is(b, "83032a0304");
	type_is(c, "800105");
	type_is(d, "800117");
	/* an unreadable type is left alone, the others still convert */
	raw_field((void **)&e->extensions, "a0020500", 0);
	assert_int_equal(p1_ext_set_form(m, P1_EXTF_EXPLICIT), 4);
	type_is(a, "a003020126");
	codec_free(&asn_DEF_MTS_APDU, m);
}

static void test_edition_names(void **state)
{
	enum p1_edition e = P1_EDITION_1992;

	(void)state;
	assert_int_equal(p1_edition_parse("1988", &e), 0);
	assert_int_equal(e, P1_EDITION_1988);
	assert_int_equal(P1_EDITION_FORM(e), P1_EXTF_EXPLICIT);
	assert_int_equal(p1_edition_parse("1999", &e), 0);
	assert_int_equal(e, P1_EDITION_1992);
	assert_int_equal(P1_EDITION_FORM(e), P1_EXTF_IMPLICIT);
	assert_string_equal(p1_edition_name(e), "1992");
	assert_int_equal(p1_edition_parse("1984", &e), -1);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(p1_ext_name(46), "certificate-selectors-override");
	assert_string_equal(p1_ext_name(0), "extension-unknown");
	assert_string_equal(p1_ext_name(47), "extension-unknown");
	assert_true(p1_ext_supported(38));
	assert_false(p1_ext_supported(2));	/* alternate recipient */
	assert_false(p1_ext_supported(20));	/* security label */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_pp),
		cmocka_unit_test(test_add_and_check),
		cmocka_unit_test(test_private_and_unknown),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_set_form),
		cmocka_unit_test(test_edition_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
