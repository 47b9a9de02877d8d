/*
 * test_p1report.c - reports built on messages and probes, and read back
 *
 * Reports are built with PP's captured message as subject and with
 * messages and probes made here, DER-encoded and decoded as an
 * MTS-APDU (codec_pdu("MTS-APDU")), and checked field by field against
 * X.411 12.2.1.3.1. The report-request rules decide which outcomes are
 * reported. Received reports are parsed back into outcomes.
 */
#include "test_p1_util.h"

#include "p1_env.h"
#include "p1_ext.h"
#include "p1_report.h"
#include "p1_trace.h"

#define NORD	"C=DE;A=DBP;P=NORDWIND"
#define T0	1774085415		/* 2026-03-21 09:30:15Z */

struct ctx {
	GlobalDomainIdentifier_t *g;
	struct p1_here here;
	struct p1_report_params p;
};

static void ctx_init(struct ctx *c)
{
	c->g = gdi(NORD);
	c->here.gdi = c->g;
	c->here.mta = "mx1.nordwind.de";
	c->p.here = &c->here;
	c->p.now = T0 + 60;
	c->p.seq = 77;
}

static void ctx_free(struct ctx *c)
{
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, c->g);
}

/* wire - what a peer receives: encoded and decoded by the registry's
 *	MTS-APDU descriptor */
static MTS_APDU_t *wire(const MTS_APDU_t *r)
{
	const asn_TYPE_descriptor_t *td = codec_pdu("MTS-APDU");
	unsigned char *der = NULL;
	size_t len;
	void *out = NULL;

	assert_non_null(td);
	assert_int_equal(codec_encode_alloc(td, r, &der, &len), CODEC_OK);
	assert_int_equal(der[0], 0xa1);			/* report [1] */
	assert_int_equal(codec_decode(td, der, len, 0, &out, NULL), CODEC_OK);
	free(der);
	return out;
}

static struct p1_outcome nd(int index, long reason, long diag,
			    const char *supp)
{
	struct p1_outcome o = { .index = index, .delivered = 0,
				.arrival = T0, .type_of_user = -1,
				.reason = reason, .diagnostic = diag,
				.supplementary = supp };
	return o;
}

static struct p1_outcome dl(int index, long type)
{
	struct p1_outcome o = { .index = index, .delivered = 1,
				.arrival = T0, .when = T0 + 5,
				.type_of_user = type, .diagnostic = -1 };
	return o;
}

/* A loop on PP's message: a non-delivery report with its content. */
static void test_ndr_on_pp_message(void **state)
{
	MTS_APDU_t *m = pp_message(), *r, *got;
	struct ctx c;
	struct p1_outcome o[1];
	ReportTransferEnvelope_t *e;
	ReportTransferContent_t *rc;
	PerRecipientReportTransferFields_t *f;
	NonDeliveryReport_t *ndr;
	ExtensionField_t *cc, *want;
	char *s;

	(void)state;
	ctx_init(&c);
	/* PP asked for non-delivery reports only (bits 0, 2, 4) */
	o[0] = dl(0, -1);
	assert_int_equal(p1_report_build(m, o, 1, &c.p, &r), 0);
	assert_null(r);
	o[0] = nd(0, NonDeliveryReasonCode_unable_to_transfer,
		  NonDeliveryDiagnosticCode_loop_detected,
		  "loop: PPTEST seen twice");
	assert_int_equal(p1_report_build(m, o, 1, &c.p, &r), 1);
	got = wire(r);
	e = &got->choice.report.envelope;
	rc = &got->choice.report.content;
	s = p1_mtsid_format(&e->report_identifier);
	/* "mx1.nordwind.de" does not fit in 32: a hash of it */
	assert_string_equal(s, NORD ";L=20260321093115.25.f32721b5");
	free(s);
	assert_orname_is(&e->report_destination_name,
			 "C=GB;A= ;P=PPTEST;O=PPORG;S=root");
	/* trace: ours first, equal to the report identifier's GDI */
	assert_int_equal(e->trace_information.list.count, 1);
	assert_true(p1_trace_origin_ok(got));
	assert_true(p1_gdi_equal(&e->trace_information.list.array[0]
					  ->global_domain_identifier, c.g));
	assert_true(p1_same(&asn_DEF_MTSIdentifier, &rc->subject_identifier,
			    p1_env_id(m)));
	assert_null(rc->subject_intermediate_trace_information);
	assert_non_null(rc->original_encoded_information_types);
	assert_int_equal(rc->content_type->choice.built_in, 22);
	assert_true(p1_str_eq(rc->content_identifier, "loop test 6"));
	/* content-return-request was set: the content comes back */
	assert_non_null(rc->returned_content);
	assert_int_equal(rc->returned_content->size, 237);
	assert_memory_equal(rc->returned_content->buf,
			    m->choice.message.content.buf, 237);
	/* the content correlator, octet for octet (PP's explicit form) */
	cc = p1_ext_find(rc->extensions, StandardExtension_content_correlator);
	want = p1_ext_find(m->choice.message.envelope.extensions,
			   StandardExtension_content_correlator);
	assert_non_null(cc);
	assert_true(p1_same(&asn_DEF_ExtensionField, cc, want));
	assert_int_equal(rc->per_recipient_fields.list.count, 1);
	f = rc->per_recipient_fields.list.array[0];
	assert_orname_is(&f->actual_recipient_name,
			 "C=GB;A= ;P=PPTEST;O=LOOPORG;S=carol");
	assert_int_equal(f->originally_specified_recipient_number, 1);
	assert_true(p1_same(&asn_DEF_PerRecipientIndicators,
			    &f->per_recipient_indicators,
			    &m->choice.message.envelope.per_recipient_fields
				     .list.array[0]->per_recipient_indicators));
	assert_true(p1_str_eq(&f->last_trace_information.arrival_time,
			      "260321093015Z"));
	assert_int_equal(f->last_trace_information.report_type.present,
			 ReportType_PR_non_delivery);
	ndr = &f->last_trace_information.report_type.choice.non_delivery;
	assert_int_equal(ndr->non_delivery_reason_code, 1);
	assert_int_equal(*ndr->non_delivery_diagnostic_code, 3);
	assert_true(p1_str_eq(f->supplementary_information,
			      "loop: PPTEST seen twice"));
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, r);
	codec_free(&asn_DEF_MTS_APDU, m);
	ctx_free(&c);
}

static const char *const rcpts[] = {
	NORD ";O=Nordwind GmbH;S=Mueller",
	NORD ";O=Nordwind GmbH;S=Schmidt",
	NORD ";O=Nordwind GmbH;S=Weber",
};

/* Delivered and non-delivered recipients of one message, one of them
 * asking for an audited report; no content return. */
static void test_mixed_report(void **state)
{
	MTS_APDU_t *m = new_message("C=GB;A= ;P=ACME;L=4711",
				    "C=GB;A= ;P=ACME;S=Smith", rcpts, 3, "hi");
	MTS_APDU_t *r, *got;
	struct ctx c;
	struct p1_outcome o[3];
	ReportTransferContent_t *rc;
	DeliveryReport_t *d;
	struct p1_report_entry *en;
	int n;

	(void)state;
	ctx_init(&c);
	add_trace(m, "C=GB;A= ;P=ACME", RoutingAction_relayed, NULL);
	add_trace(m, NORD, RoutingAction_relayed, NULL);
	/* recipient 3: audited report (bits 1 and 2) */
	set_pri(&m->choice.message.envelope.per_recipient_fields.list.array[2]
			 ->per_recipient_indicators, 0, 1, 2, 3, -1);
	o[0] = dl(0, TypeOfMTSUser_ms);
	o[1] = nd(1, NonDeliveryReasonCode_unable_to_transfer,
		  NonDeliveryDiagnosticCode_unrecognised_OR_name,
		  "no mailbox d\xe9j\xe0 vu");
	o[2] = dl(2, TypeOfMTSUser_public);
	assert_int_equal(p1_report_build(m, o, 3, &c.p, &r), 1);
	got = wire(r);
	rc = &got->choice.report.content;
	assert_int_equal(rc->per_recipient_fields.list.count, 3);
	/* audited: the subject's trace comes along */
	assert_non_null(rc->subject_intermediate_trace_information);
	assert_int_equal(rc->subject_intermediate_trace_information->list.count,
			 2);
	assert_null(rc->returned_content);	/* not requested */
	assert_null(rc->content_identifier);
	assert_null(rc->extensions);
	d = &rc->per_recipient_fields.list.array[0]->last_trace_information
		     .report_type.choice.delivery;
	assert_true(p1_str_eq(&d->message_delivery_time, "260321093020Z"));
	assert_int_equal(*d->type_of_MTS_user, TypeOfMTSUser_ms);
	d = &rc->per_recipient_fields.list.array[2]->last_trace_information
		     .report_type.choice.delivery;
	/* public, the default, is written all the same: PP dies on a
	 * delivery report without it (tests/interop/pp.sh) */
	assert_non_null(d->type_of_MTS_user);
	assert_int_equal(*d->type_of_MTS_user, TypeOfMTSUser_public);
	/* a character outside PrintableString becomes '?' */
	assert_true(p1_str_eq(rc->per_recipient_fields.list.array[1]
				      ->supplementary_information,
			      "no mailbox d?j? vu"));

	/* read back */
	assert_int_equal(p1_report_parse(got, &en, &n), 0);
	assert_int_equal(n, 3);
	assert_true(en[0].delivered);
	assert_int_equal(en[0].when, T0 + 5);
	assert_int_equal(en[0].arrival, T0);
	assert_int_equal(en[0].type_of_user, TypeOfMTSUser_ms);
	/* the originator asked for non-delivery reports only (bit 4) */
	assert_false(en[0].for_originator);
	assert_false(en[1].delivered);
	assert_int_equal(en[1].reason, 1);
	assert_int_equal(en[1].diagnostic, 0);
	assert_string_equal(en[1].supplementary, "no mailbox d?j? vu");
	assert_true(en[1].for_originator);
	assert_int_equal(en[1].number, 2);
	assert_orname_is(en[1].actual, NORD ";O=Nordwind GmbH;S=Schmidt");
	/* recipient 3 asked for "report" (bit 3): delivery reaches the
	 * originator */
	assert_true(en[2].for_originator);
	assert_int_equal(en[2].type_of_user, -1);
	free(en);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, r);
	codec_free(&asn_DEF_MTS_APDU, m);
	ctx_free(&c);
}

/* Who gets a report: the rule of p1_report_wanted. */
static void test_wanted(void **state)
{
	static const struct {
		int bits[5];		/* bits 1..4 set? (index 1..4) */
		int delivered, wanted;
	} cases[] = {
		{ { 0, 0, 1, 0, 0 }, 1, 0 },	/* MTA: NDR only */
		{ { 0, 0, 1, 0, 0 }, 0, 1 },
		{ { 0, 1, 0, 0, 0 }, 1, 1 },	/* MTA: report */
		{ { 0, 1, 1, 0, 0 }, 1, 1 },	/* MTA: audited */
		{ { 0, 0, 1, 1, 0 }, 1, 1 },	/* originator: report */
		{ { 0, 0, 1, 0, 1 }, 1, 0 },	/* originator: NDR */
		{ { 0, 0, 0, 0, 0 }, 0, 0 },	/* all zero: prohibited */
		{ { 0, 0, 0, 0, 1 }, 0, 1 },
	};
	PerRecipientIndicators_t pri = { 0 };
	struct p1_recip r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p1_bits_init(&pri, 8);
		for (int b = 1; b <= 4; b++)
			if (cases[i].bits[b])
				p1_bit_set(&pri, b, 1);
		memset(&r, 0, sizeof(r));
		p1_recip_decode(&pri, &r);
		if (p1_report_wanted(&r, cases[i].delivered) != cases[i].wanted)
			fail_msg("case %zu", i);
	}
	free(pri.buf);
}

static void test_prohibited_and_errors(void **state)
{
	MTS_APDU_t *m = new_message("C=GB;A= ;P=ACME;L=4712",
				    "C=GB;A= ;P=ACME;S=Smith", rcpts, 1, "x");
	MTS_APDU_t *r, *r2;
	struct ctx c;
	struct p1_outcome o = nd(0, 1, -1, NULL);
	struct p1_report_entry *en;
	int n;

	(void)state;
	ctx_init(&c);
	set_pri(&m->choice.message.envelope.per_recipient_fields.list.array[0]
			 ->per_recipient_indicators, 0, -1);
	assert_int_equal(p1_report_build(m, &o, 1, &c.p, &r), 0);
	o.index = 1;
	assert_int_equal(p1_report_build(m, &o, 1, &c.p, &r),
			 P1_REPORT_E_INDEX);
	o.index = -1;
	assert_int_equal(p1_report_build(m, &o, 1, &c.p, &r),
			 P1_REPORT_E_INDEX);
	/* no report on a report */
	set_pri(&m->choice.message.envelope.per_recipient_fields.list.array[0]
			 ->per_recipient_indicators, 0, 2, -1);
	o.index = 0;
	assert_int_equal(p1_report_build(m, &o, 1, &c.p, &r), 1);
	assert_null(r->choice.report.content.per_recipient_fields.list
			    .array[0]->last_trace_information.report_type
			    .choice.non_delivery.non_delivery_diagnostic_code);
	assert_int_equal(p1_report_build(r, &o, 1, &c.p, &r2),
			 P1_REPORT_E_SUBJECT);
	assert_int_equal(p1_probe_answer(r, NULL, NULL, &c.p, &r2),
			 P1_REPORT_E_SUBJECT);
	assert_int_equal(p1_report_parse(m, &en, &n), -1);
	/* a malformed time in a received report */
	p1_str_set(&r->choice.report.content.per_recipient_fields.list.array[0]
			    ->last_trace_information.arrival_time, "junk");
	assert_int_equal(p1_report_parse(r, &en, &n), -1);
	assert_null(en);
	codec_free(&asn_DEF_MTS_APDU, r);
	codec_free(&asn_DEF_MTS_APDU, m);
	ctx_free(&c);
}

/* A probe of three recipients: one routable, one unknown, one we are
 * not responsible for; the content is over one link's limit. */
static MTS_APDU_t *new_probe(long length)
{
	MTS_APDU_t *m = new_message("C=GB;A= ;P=ACME;L=probe.1",
				    "C=GB;A= ;P=ACME;S=Smith", rcpts, 3, "");
	MTS_APDU_t *p = calloc(1, sizeof(*p));
	MessageTransferEnvelope_t *e = &m->choice.message.envelope;
	ProbeTransferEnvelope_t *pe;

	assert_non_null(p);
	p->present = MTS_APDU_PR_probe;
	pe = &p->choice.probe;
	pe->probe_identifier = e->message_identifier;
	pe->originator_name = e->originator_name;
	pe->content_type = e->content_type;
	pe->content_identifier = p1_str_new("probe");
	pe->content_length = calloc(1, sizeof(long));
	*pe->content_length = length;
	for (int i = 0; i < 3; i++) {
		PerRecipientMessageTransferFields_t *f =
		    e->per_recipient_fields.list.array[i];
		PerRecipientProbeTransferFields_t *g = calloc(1, sizeof(*g));

		g->recipient_name = f->recipient_name;
		g->originally_specified_recipient_number = i + 1;
		g->per_recipient_indicators = f->per_recipient_indicators;
		memset(f, 0, sizeof(*f));
		p1_list_add(&pe->per_recipient_fields.list, g);
	}
	set_pri(&pe->per_recipient_fields.list.array[2]
			 ->per_recipient_indicators, 1, 4, -1);
	memset(&e->message_identifier, 0, sizeof(e->message_identifier));
	memset(&e->originator_name, 0, sizeof(e->originator_name));
	memset(&e->content_type, 0, sizeof(e->content_type));
	codec_free(&asn_DEF_MTS_APDU, m);
	add_trace(p, "C=GB;A= ;P=ACME", RoutingAction_relayed, NULL);
	return p;
}

struct judged {
	int calls;
	long seen_length;
};

/* judge - Schmidt is unknown; anything over 4096 octets is too long
 *	for the link to Mueller */
static void judge(const struct p1_recip *r, long len, void *arg,
		  struct p1_outcome *o)
{
	struct judged *j = arg;
	char *s = p1_orname_format(r->name);

	j->calls++;
	j->seen_length = len;
	o->index = 99;		/* ignored */
	if (strstr(s, "S=Schmidt")) {
		o->delivered = 0;
		o->reason = NonDeliveryReasonCode_unable_to_transfer;
		o->diagnostic = NonDeliveryDiagnosticCode_unrecognised_OR_name;
	} else if (len > 4096) {
		o->delivered = 0;
		o->reason = NonDeliveryReasonCode_unable_to_transfer;
		o->diagnostic = NonDeliveryDiagnosticCode_content_too_long;
		o->supplementary = "link to-B: limit 4096";
	} else {
		o->delivered = 1;
	}
	free(s);
}

static void test_probe(void **state)
{
	MTS_APDU_t *p = new_probe(1000), *r, *got;
	struct ctx c;
	struct judged j = { 0, 0 };
	struct p1_report_entry *en;
	int n;

	(void)state;
	ctx_init(&c);
	assert_int_equal(p1_probe_answer(p, judge, &j, &c.p, &r), 1);
	assert_int_equal(j.calls, 2);		/* the third is not ours */
	assert_int_equal(j.seen_length, 1000);
	got = wire(r);
	assert_null(got->choice.report.content.returned_content);
	assert_true(p1_str_eq(got->choice.report.content.content_identifier,
			      "probe"));
	assert_int_equal(p1_report_parse(got, &en, &n), 0);
	assert_int_equal(n, 2);
	assert_true(en[0].delivered);		/* as if sent */
	assert_int_equal(en[0].number, 1);
	assert_int_equal(en[0].when, c.p.now);
	assert_false(en[1].delivered);
	assert_int_equal(en[1].number, 2);
	assert_int_equal(en[1].diagnostic,
			 NonDeliveryDiagnosticCode_unrecognised_OR_name);
	free(en);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, r);
	codec_free(&asn_DEF_MTS_APDU, p);

	/* too big for the link: content-too-long */
	p = new_probe(100000);
	assert_int_equal(p1_probe_answer(p, judge, &j, &c.p, &r), 1);
	assert_int_equal(p1_report_parse(r, &en, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(en[0].diagnostic,
			 NonDeliveryDiagnosticCode_content_too_long);
	assert_string_equal(en[0].supplementary, "link to-B: limit 4096");
	free(en);
	codec_free(&asn_DEF_MTS_APDU, r);
	codec_free(&asn_DEF_MTS_APDU, p);
	ctx_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ndr_on_pp_message),
		cmocka_unit_test(test_mixed_report),
		cmocka_unit_test(test_wanted),
		cmocka_unit_test(test_prohibited_and_errors),
		cmocka_unit_test(test_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
