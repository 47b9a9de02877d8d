/*
 * test_p1trace.c - trace, internal trace and the loop rule
 *
 * Positive and negative loop cases for each rule of p1_trace.h, PP's
 * captured message (its own domain twice in its trace), arrival on a
 * real message with the result encoded and decoded again, rerouting,
 * origination and stripping.
 */
#include "test_p1_util.h"

#include "p1_env.h"
#include "p1_ext.h"
#include "p1_trace.h"

#define ACME	"C=GB;A= ;P=ACME"
#define NORD	"C=DE;A=DBP;P=NORDWIND"
#define ATLAS	"C=FR;A=ATLAS"
#define PPTEST	"C=GB;A= ;P=PPTEST"

static const char *const rcpts[] = {
	"C=DE;A=DBP;P=NORDWIND;O=Nordwind GmbH;S=Mueller",
	"C=FR;A=ATLAS;P=ALPHA;S=Durand",
};

static MTS_APDU_t *msg(void)
{
	return new_message(ACME ";L=20260321093015.1.mta1", ACME ";S=Smith",
			   rcpts, 2, "hello");
}

struct here {
	struct p1_here h;
	GlobalDomainIdentifier_t *g;
};

static void here_set(struct here *w, const char *domain, const char *mta)
{
	w->g = gdi(domain);
	w->h.gdi = w->g;
	w->h.mta = mta;
}

static void here_free(struct here *w)
{
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, w->g);
}

static enum p1_loop loop_at(MTS_APDU_t *m, const char *domain,
			    const char *mta, int *where)
{
	struct here w;
	enum p1_loop l;

	here_set(&w, domain, mta);
	l = p1_trace_loop(m, &w.h, where);
	here_free(&w);
	return l;
}

/* add_internal - one internal trace element (extension 38) */
static void add_internal(MTS_APDU_t *m, const char *domain, const char *mta,
			 long action)
{
	struct here w;

	here_set(&w, domain, mta);
	if (action == RoutingAction_rerouted)
		assert_int_equal(p1_trace_reroute(m, &w.h, 1774085500, NULL,
						  "mta9"), 0);
	else {
		/* p1_trace_arrive adds a domain element when the last is
		 * not ours: add the internal one only, through reroute's
		 * sibling path by hand */
		TraceInformation_t *t = p1_env_trace(m);
		int n = t->list.count;

		assert_int_equal(p1_trace_arrive(m, &w.h, 1774085500), 0);
		if (t->list.count > n) {	/* undo the domain element */
			TraceInformationElement_t *e =
			    p1_list_take(&t->list, t->list.count - 1);

			ASN_STRUCT_FREE(asn_DEF_TraceInformationElement, e);
		}
	}
	here_free(&w);
}

/* Rule 1: a domain loop, and the reroute that excuses a second visit. */
static void test_domain_loop(void **state)
{
	MTS_APDU_t *m = msg();
	int where;

	(void)state;
	add_trace(m, ACME, RoutingAction_relayed, NULL);
	/* at ACME's sibling MTA: the last element is the present visit */
	assert_int_equal(loop_at(m, ACME, "mta2", &where), P1_LOOP_NONE);
	assert_int_equal(where, -1);
	/* at NORDWIND: never seen */
	assert_int_equal(loop_at(m, NORD, "mx1", NULL), P1_LOOP_NONE);
	add_trace(m, NORD, RoutingAction_relayed, NULL);
	/* back at ACME: loop, shown by element 0 */
	assert_int_equal(loop_at(m, ACME, "mta1", &where), P1_LOOP_DOMAIN);
	assert_int_equal(where, 0);
	/* letters' case and spaces do not hide it */
	assert_int_equal(loop_at(m, "c=gb;a=;p=acme", "mta1", NULL),
			 P1_LOOP_DOMAIN);
	/* NORDWIND rerouted after failing ATLAS: ACME may see it again */
	add_trace(m, NORD, RoutingAction_rerouted, ATLAS);
	assert_int_equal(loop_at(m, ACME, "mta1", NULL), P1_LOOP_NONE);
	/* ... but if ACME sends it to NORDWIND again, NORDWIND's rerouted
	 * visit is followed by plain relaying: loop at NORDWIND */
	add_trace(m, ACME, RoutingAction_relayed, NULL);
	assert_int_equal(loop_at(m, NORD, "mx1", &where), P1_LOOP_DOMAIN);
	assert_int_equal(where, 2);
	/* and at ACME's sibling (ACME last): ACME's first visit was
	 * followed by a reroute: no loop */
	assert_int_equal(loop_at(m, ACME, "mta2", NULL), P1_LOOP_NONE);
	codec_free(&asn_DEF_MTS_APDU, m);
}

/* Rule 2: our MTA on the present visit of our domain. */
static void test_mta_loop(void **state)
{
	MTS_APDU_t *m = msg();
	int where;

	(void)state;
	add_trace(m, NORD, RoutingAction_relayed, NULL);
	add_trace(m, ACME, RoutingAction_relayed, NULL);
	add_internal(m, NORD, "mta1", RoutingAction_relayed);	/* theirs */
	add_internal(m, ACME, "mta2", RoutingAction_relayed);
	/* mta1 of NORDWIND is not us, even with our name */
	assert_int_equal(loop_at(m, ACME, "mta1", NULL), P1_LOOP_NONE);
	add_internal(m, ACME, "mta1", RoutingAction_relayed);
	add_internal(m, ACME, "mta3", RoutingAction_relayed);
	/* mta1 handled it on this visit and nobody rerouted: loop */
	assert_int_equal(loop_at(m, ACME, "MTA1", &where), P1_LOOP_MTA);
	assert_int_equal(where, 2);
	assert_int_equal(loop_at(m, ACME, "mta4", NULL), P1_LOOP_NONE);
	/* mta3 rerouted (its link to mta9 failed): mta1 may see it again */
	add_internal(m, ACME, "mta3", RoutingAction_rerouted);
	assert_int_equal(loop_at(m, ACME, "mta1", NULL), P1_LOOP_NONE);
	/* the internal trace only counts when the last element is ours */
	add_trace(m, ATLAS, RoutingAction_relayed, NULL);
	assert_int_equal(loop_at(m, ACME, "mta3", NULL), P1_LOOP_DOMAIN);
	codec_free(&asn_DEF_MTS_APDU, m);
}

/* Rule 3: ub-transfers. */
static void test_hop_limit(void **state)
{
	MTS_APDU_t *m = msg();
	struct here w;
	char d[32];

	(void)state;
	for (int i = 0; i < P1_UB_TRANSFERS - 1; i++) {
		snprintf(d, sizeof(d), "C=GB;A=%d", i % 100 + 100);
		add_trace(m, d, RoutingAction_rerouted, NULL);
	}
	assert_int_equal(loop_at(m, ACME, "mta1", NULL), P1_LOOP_NONE);
	add_trace(m, NORD, RoutingAction_relayed, NULL);
	assert_int_equal(loop_at(m, ACME, "mta1", NULL), P1_LOOP_HOPS);
	here_set(&w, ACME, "mta1");
	assert_int_equal(p1_trace_arrive(m, &w.h, 1774085500), P1_TRACE_FULL);
	assert_int_equal(p1_env_trace(m)->list.count, P1_UB_TRANSFERS);
	here_free(&w);
	assert_string_equal(p1_loop_name(P1_LOOP_HOPS), "too-many-hops");
	codec_free(&asn_DEF_MTS_APDU, m);
}

/* PP's message carries PPTEST twice, relayed both times. */
static void test_pp_message(void **state)
{
	MTS_APDU_t *m = pp_message(), *got;
	struct here w;
	InternalTraceInformation_t *it;
	ExtensionField_t *f;
	struct p1_ext_info info;
	int where;

	(void)state;
	/* PPTEST's sibling MTA sees an earlier PPTEST visit: a loop */
	assert_int_equal(loop_at(m, PPTEST, "x400d", &where), P1_LOOP_DOMAIN);
	assert_int_equal(where, 0);
	/* ppmta.test in the internal trace, with PPTEST last: MTA loop
	 * would be found too; the domain rule comes first */
	assert_true(p1_trace_origin_ok(m));
	/* at NORDWIND it is new: arrive */
	assert_int_equal(loop_at(m, NORD, "mx1.nordwind.de", NULL),
			 P1_LOOP_NONE);
	here_set(&w, NORD, "mx1.nordwind.de");
	assert_int_equal(p1_trace_arrive(m, &w.h, 1774085415), 0);
	got = reencode(m);
	assert_int_equal(p1_env_trace(got)->list.count, 3);
	assert_true(p1_gdi_equal(&p1_env_trace(got)->list.array[2]
					  ->global_domain_identifier, w.g));
	assert_true(p1_str_eq(&p1_env_trace(got)->list.array[2]
				       ->domain_supplied_information.arrival_time,
			      "260321093015Z"));
	it = p1_trace_internal(got);
	assert_non_null(it);
	assert_int_equal(it->list.count, 3);
	assert_true(p1_mtaname_equal(&it->list.array[2]->mta_name,
				     "mx1.nordwind.de"));
	assert_int_equal(it->list.array[2]->mta_supplied_information
				 .routing_action, RoutingAction_relayed);
	ASN_STRUCT_FREE(asn_DEF_InternalTraceInformation, it);
	/* PP's explicit type form is kept, and nothing else was added */
	assert_int_equal(p1_ext_count(p1_env_extensions_c(got)), 2);
	f = p1_ext_find(p1_env_extensions_c(got),
			StandardExtension_internal_trace_information);
	assert_int_equal(p1_ext_classify(f, &info), 0);
	assert_int_equal(info.form, P1_EXTF_EXPLICIT);
	/* the message, back at NORDWIND's MTA from a sibling: MTA loop */
	assert_int_equal(p1_trace_loop(got, &w.h, &where), P1_LOOP_MTA);
	assert_int_equal(where, 2);
	/* and after leaving NORDWIND, internal trace can be stripped */
	assert_int_equal(p1_trace_strip_internal(got), 1);
	assert_null(p1_trace_internal(got));
	here_free(&w);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, m);
}

/* Arrival on a message with no extensions adds extension 38 in the
 * standard (implicit) form; arrival from a sibling adds no element. */
static void test_arrive(void **state)
{
	MTS_APDU_t *m = msg(), *got;
	struct here w;
	ExtensionField_t *f;
	struct p1_ext_info info;

	(void)state;
	add_trace(m, ACME, RoutingAction_relayed, NULL);
	here_set(&w, NORD, "mx1");
	assert_int_equal(p1_trace_arrive(m, &w.h, 1774085415), 0);
	here_free(&w);
	here_set(&w, NORD, "mx2");		/* the sibling */
	assert_int_equal(p1_trace_arrive(m, &w.h, 1774085416), 0);
	got = reencode(m);
	assert_int_equal(p1_env_trace(got)->list.count, 2);
	f = p1_ext_find(p1_env_extensions_c(got),
			StandardExtension_internal_trace_information);
	assert_non_null(f);
	assert_int_equal(f->type.buf[0], 0x80);		/* [0] IMPLICIT */
	assert_int_equal(p1_ext_classify(f, &info), 0);
	assert_int_equal(info.number, 38);
	assert_int_equal(info.crit, 0);
	{
		InternalTraceInformation_t *it = p1_trace_internal(got);

		assert_int_equal(it->list.count, 2);
		assert_true(p1_mtaname_equal(&it->list.array[0]->mta_name,
					     "mx1"));
		assert_true(p1_mtaname_equal(&it->list.array[1]->mta_name,
					     "mx2"));
		ASN_STRUCT_FREE(asn_DEF_InternalTraceInformation, it);
	}
	assert_int_equal(p1_trace_loop(got, &w.h, NULL), P1_LOOP_MTA);
	here_free(&w);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, m);
}

static void test_reroute(void **state)
{
	MTS_APDU_t *m = msg(), *got;
	struct here w;
	GlobalDomainIdentifier_t *atlas = gdi(ATLAS);
	TraceInformationElement_t *e;
	InternalTraceInformation_t *it;

	(void)state;
	add_trace(m, ACME, RoutingAction_relayed, NULL);
	here_set(&w, NORD, "mx1");
	assert_int_equal(p1_trace_arrive(m, &w.h, 1774085415), 0);
	assert_int_equal(p1_trace_reroute(m, &w.h, 1774085600, atlas, NULL), 0);
	got = reencode(m);
	assert_int_equal(p1_env_trace(got)->list.count, 3);
	e = p1_env_trace(got)->list.array[2];
	assert_int_equal(e->domain_supplied_information.routing_action,
			 RoutingAction_rerouted);
	assert_true(p1_gdi_equal(e->domain_supplied_information.attempted_domain,
				 atlas));
	it = p1_trace_internal(got);
	assert_int_equal(it->list.count, 2);
	assert_int_equal(it->list.array[1]->mta_supplied_information
				 .attempted->present,
			 MTASuppliedInformation__attempted_PR_domain);
	ASN_STRUCT_FREE(asn_DEF_InternalTraceInformation, it);
	/* an MTA of our own domain failed: internal trace only */
	assert_int_equal(p1_trace_reroute(got, &w.h, 1774085601, NULL, "mx9"),
			 0);
	assert_int_equal(p1_env_trace(got)->list.count, 3);
	it = p1_trace_internal(got);
	assert_int_equal(it->list.count, 3);
	assert_true(p1_str_eq(&it->list.array[2]->mta_supplied_information
				       .attempted->choice.mta, "mx9"));
	ASN_STRUCT_FREE(asn_DEF_InternalTraceInformation, it);
	here_free(&w);
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, atlas);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, m);
}

static void test_originate(void **state)
{
	MTS_APDU_t *m = msg();
	struct here w;

	(void)state;
	assert_false(p1_trace_origin_ok(m));		/* empty */
	here_set(&w, ACME, "mta1");
	assert_int_equal(p1_trace_originate(m, &w.h, 1774085415), 0);
	assert_int_equal(p1_env_trace(m)->list.count, 1);
	assert_true(p1_trace_origin_ok(m));
	/* a second call adds no domain element */
	assert_int_equal(p1_trace_originate(m, &w.h, 1774085416), 0);
	assert_int_equal(p1_env_trace(m)->list.count, 1);
	here_free(&w);
	codec_free(&asn_DEF_MTS_APDU, m);
	/* a first element from another domain is flagged */
	m = msg();
	add_trace(m, NORD, RoutingAction_relayed, NULL);
	assert_false(p1_trace_origin_ok(m));
	codec_free(&asn_DEF_MTS_APDU, m);
}

/* An internal trace that does not decode is left alone. */
static void test_bad_internal(void **state)
{
	MTS_APDU_t *m = msg();
	struct here w;
	OCTET_STRING_t junk = { 0 };
	ExtensionField_t *f;

	(void)state;
	p1_str_set(&junk, "not a trace");
	add_trace(m, ACME, RoutingAction_relayed, NULL);
	f = p1_ext_add(p1_env_extensions(m),
		       StandardExtension_internal_trace_information, 0,
		       &asn_DEF_OCTET_STRING, &junk, P1_EXTF_IMPLICIT);
	assert_non_null(f);
	here_set(&w, NORD, "mx1");
	assert_int_equal(p1_trace_loop(m, &w.h, NULL), P1_LOOP_NONE);
	assert_int_equal(p1_trace_arrive(m, &w.h, 1774085415),
			 P1_TRACE_BADITI);
	assert_int_equal(p1_env_trace(m)->list.count, 2);	/* added */
	assert_null(p1_trace_internal(m));
	here_free(&w);
	free(junk.buf);
	codec_free(&asn_DEF_MTS_APDU, m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_loop),
		cmocka_unit_test(test_mta_loop),
		cmocka_unit_test(test_hop_limit),
		cmocka_unit_test(test_pp_message),
		cmocka_unit_test(test_arrive),
		cmocka_unit_test(test_reroute),
		cmocka_unit_test(test_originate),
		cmocka_unit_test(test_bad_internal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
