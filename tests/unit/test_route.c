/*
 * test_route.c - address spaces, precedence, alternates, splitting
 */
#include "test_p1_util.h"

#include "p1_env.h"
#include "route.h"

/* links that are down, by name, for the availability callback */
struct down {
	const char *names[4];
};

static int link_up(const char *link, void *arg)
{
	struct down *d = arg;

	for (int i = 0; d && i < 4; i++)
		if (d->names[i] && strcmp(d->names[i], link) == 0)
			return 0;
	return 1;
}

static struct route_table *table(void)
{
	static const struct {
		const char *pattern, *link;
		unsigned cost;
	} cfg[] = {
		{ "C=GB;A= ;P=ACME", ROUTE_LOCAL, 0 },
		{ "C=DE;A=DBP", "to-dbp", 20 },
		{ "C=DE;A=DBP;P=NORDWIND", "to-nordwind", 50 },
		{ "C=DE;A=DBP;P=NORDWIND", "to-nordwind-backup", 60 },
		{ "c=de; a=dbp; p=nordwind; o=Nordwind GmbH; ou1=Export",
		  "to-export", 90 },
		{ "C=FR;A=*", "to-france", 30 },
		{ "C=FR;A=ATLAS", "to-atlas", 40 },
		{ "C=FR;A=ATLAS", "to-atlas-cheap", 35 },
		{ "C=GB;A= ;P=ACME;DDA:RFC-822=*", "to-smtp-gw", 5 },
		{ "C=234", "to-numeric", 5 },
		{ "", "to-hub", 100 },
	};
	struct route_table *t = route_table_new();
	struct p1_err err;

	for (size_t i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++)
		if (route_add(t, cfg[i].pattern, cfg[i].link, cfg[i].cost,
			      &err) != 0)
			fail_msg("'%s': %s", cfg[i].pattern, err.msg);
	assert_int_equal(route_count(t), 11);
	return t;
}

static const char *chosen(struct route_table *t, const char *addr,
			  struct down *d, struct route_result *res)
{
	ORName_t *n = orname(addr);
	int rc = route_lookup(t, n, link_up, d, res);

	ASN_STRUCT_FREE(asn_DEF_ORName, n);
	if (rc == ROUTE_NONE)
		return "NONE";
	if (rc == ROUTE_UNAVAILABLE)
		return "UNAVAILABLE";
	assert_int_equal(rc, 0);
	return res->cand[res->chosen].link;
}

/* The most specific address space wins; cost decides among equals. */
static void test_precedence(void **state)
{
	struct route_table *t = table();
	struct route_result r;

	(void)state;
	assert_string_equal(chosen(t, "C=GB;A= ;P=ACME;S=Smith", NULL, &r),
			    ROUTE_LOCAL);
	/* more specific (DDA type required) beats local */
	assert_string_equal(chosen(t, "C=GB;A= ;P=ACME;DDA:RFC-822=a(a)b.c",
				   NULL, &r), "to-smtp-gw");
	/* PRMD beats ADMD although dearer */
	assert_string_equal(chosen(t, "C=DE;A=DBP;P=NORDWIND;S=Mueller", NULL,
				   &r), "to-nordwind");
	assert_int_equal(r.n, 4);
	assert_string_equal(r.cand[1].link, "to-nordwind-backup");
	assert_string_equal(r.cand[2].link, "to-dbp");
	assert_string_equal(r.cand[3].link, "to-hub");
	assert_int_equal(r.cand[0].specificity, 6);
	/* organisation and unit: the most specific, case and spaces aside */
	assert_string_equal(chosen(t, "C=DE;A=DBP;P=NORDWIND;"
				   "O=nordwind  gmbh;OU1=EXPORT;S=Weber",
				   NULL, &r), "to-export");
	/* a unit at another position does not match OU1 */
	assert_string_equal(chosen(t, "C=DE;A=DBP;P=NORDWIND;"
				   "O=Nordwind GmbH;OU1=Sales;OU2=Export",
				   NULL, &r), "to-nordwind");
	/* ADMD only */
	assert_string_equal(chosen(t, "C=DE;A=DBP;P=SUED", NULL, &r),
			    "to-dbp");
	/* "A=*" needs an ADMD; a value beats "*"; cost among equals */
	assert_string_equal(chosen(t, "C=FR;A=ATLAS;S=Durand", NULL, &r),
			    "to-atlas-cheap");
	assert_string_equal(r.cand[1].link, "to-atlas");
	assert_string_equal(r.cand[2].link, "to-france");
	assert_string_equal(chosen(t, "C=FR;A=PTT", NULL, &r), "to-france");
	assert_string_equal(chosen(t, "C=FR;O=NoAdmd", NULL, &r), "to-hub");
	/* numeric and alphabetic countries stay apart */
	assert_string_equal(chosen(t, "C=234;A=0", NULL, &r), "to-numeric");
	assert_string_equal(chosen(t, "C=GB;A=0", NULL, &r), "to-hub");
	/* the default route takes the rest */
	assert_string_equal(chosen(t, "C=US;A=ATT;S=Doe", NULL, &r), "to-hub");
	assert_int_equal(r.n, 1);
	route_table_free(t);
}

/* Alternates while links fail, and a less specific space last. */
static void test_alternates(void **state)
{
	struct route_table *t = table();
	struct route_result r;
	struct down d1 = { { "to-nordwind", NULL, NULL, NULL } };
	struct down d2 = { { "to-nordwind", "to-nordwind-backup", NULL,
			     NULL } };
	struct down d3 = { { "to-nordwind", "to-nordwind-backup", "to-dbp",
			     "to-hub" } };
	const char *a = "C=DE;A=DBP;P=NORDWIND;S=Mueller";

	(void)state;
	assert_string_equal(chosen(t, a, &d1, &r), "to-nordwind-backup");
	assert_false(r.cand[0].available);
	assert_int_equal(r.chosen, 1);
	assert_string_equal(chosen(t, a, &d2, &r), "to-dbp");
	assert_string_equal(chosen(t, a, &d3, &r), "UNAVAILABLE");
	assert_int_equal(r.chosen, -1);
	assert_int_equal(r.n, 4);
	/* local delivery is always available */
	assert_string_equal(chosen(t, "C=GB;A= ;P=ACME;S=x", &d3, &r),
			    ROUTE_LOCAL);
	route_table_free(t);

	/* ... but never the alternate of a more specific route: our
	 * domain C=GB;A= ;P=ACME holds the neighbour's O=Branch */
	{
		struct down db = { { "to-branch", NULL, NULL, NULL } };
		struct p1_err err;

		t = route_table_new();
		assert_int_equal(route_add(t, "C=GB;A= ;P=ACME", NULL, 1,
					   &err), 0);
		assert_int_equal(route_add(t, "C=GB;A= ;P=ACME;O=Branch",
					   "to-branch", 1, &err), 0);
		assert_string_equal(chosen(t, "C=GB;A= ;P=ACME;O=Branch;S=x",
					   NULL, &r), "to-branch");
		assert_string_equal(chosen(t, "C=GB;A= ;P=ACME;O=Branch;S=x",
					   &db, &r), "UNAVAILABLE");
		assert_int_equal(r.n, 2);
		assert_false(r.cand[1].available);
		route_table_free(t);
	}
}

static void test_no_route(void **state)
{
	struct route_table *t = route_table_new();
	struct route_result r;
	struct p1_err err;

	(void)state;
	assert_string_equal(chosen(t, "C=GB;A= ;S=x", NULL, &r), "NONE");
	assert_int_equal(route_add(t, "C=GB", "to-uk", 1, &err), 0);
	assert_string_equal(chosen(t, "C=DE;A=DBP", NULL, &r), "NONE");
	assert_int_equal(r.n, 0);
	assert_string_equal(chosen(t, "C=gb;A=X", NULL, &r), "to-uk");
	route_table_free(t);
}

static void test_bad_patterns(void **state)
{
	static const struct {
		const char *pattern, *attr;
		int rc;
	} bad[] = {
		{ "C=GB;S=Smith", "S", P1_E_ATTR },
		{ "C=GB;C=FR", "C", P1_E_DUP },
		{ "C=GB;O=a@b", "O", P1_E_VALUE },
		{ "C=GB;OU5=x", "OU5", P1_E_ATTR },
		{ "C=GB;P", "P", P1_E_SYNTAX },
		{ "DDA:=x", "DDA:", P1_E_ATTR },
	};
	struct route_table *t = route_table_new();
	struct p1_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = route_add(t, bad[i].pattern, "x", 1, &err);

		if (rc != bad[i].rc || strcmp(err.attr, bad[i].attr))
			fail_msg("'%s': %d %s (%s)", bad[i].pattern, rc,
				 err.attr, err.msg);
	}
	assert_int_equal(route_add(t, "C=GB", "", 1, &err), P1_E_VALUE);
	assert_int_equal(route_count(t), 0);
	/* the '/' form and a NULL link (local) */
	assert_int_equal(route_add(t, "/C=GB/A= /P=ACME/", NULL, 0, &err), 0);
	assert_int_equal(route_count(t), 1);
	route_table_free(t);
}

/* One message, recipients split over local delivery, two links, one
 * unroutable and one waiting; a recipient we are not responsible for
 * is left out. */
static void test_split(void **state)
{
	static const char *const rcpts[] = {
		"C=GB;A= ;P=ACME;S=Smith",			/* local */
		"C=DE;A=DBP;P=NORDWIND;S=Mueller",		/* nordwind */
		"C=FR;A=ATLAS;S=Durand",			/* atlas */
		"C=DE;A=DBP;P=NORDWIND;S=Weber",		/* nordwind */
		"C=GB;A= ;P=ACME;S=Jones",			/* local */
		"C=FR;A=ATLAS;S=Martin",			/* not ours */
		"C=US;A=ATT;S=Doe",				/* none */
		"C=DE;A=DBP;P=SUED;S=Huber",			/* waiting */
	};
	struct route_table *t = route_table_new();
	struct p1_err err;
	struct down d = { { "to-dbp", NULL, NULL, NULL } };
	MTS_APDU_t *m = new_message("C=GB;A= ;P=ACME;L=split.1",
				    "C=GB;A= ;P=ACME;S=Smith", rcpts, 8, "x");
	struct route_split s;

	(void)state;
	assert_int_equal(route_add(t, "C=GB;A= ;P=ACME", ROUTE_LOCAL, 0, &err),
			 0);
	assert_int_equal(route_add(t, "C=DE;A=DBP;P=NORDWIND", "to-nordwind",
				   10, &err), 0);
	assert_int_equal(route_add(t, "C=DE;A=DBP", "to-dbp", 10, &err), 0);
	assert_int_equal(route_add(t, "C=FR", "to-atlas", 10, &err), 0);
	assert_int_equal(route_add(t, "C=FR;A=ATLAS", "to-atlas", 20, &err), 0);
	set_pri(&m->choice.message.envelope.per_recipient_fields.list.array[5]
			 ->per_recipient_indicators, 1, -1);
	assert_int_equal(route_split(t, m, link_up, &d, &s), 0);
	assert_int_equal(s.ngroups, 3);
	assert_string_equal(s.groups[0].link, ROUTE_LOCAL);
	assert_int_equal(s.groups[0].n, 2);
	assert_int_equal(s.groups[0].recips[0], 0);
	assert_int_equal(s.groups[0].recips[1], 4);
	assert_string_equal(s.groups[1].link, "to-nordwind");
	assert_int_equal(s.groups[1].n, 2);
	assert_int_equal(s.groups[1].recips[1], 3);
	/* two entries name to-atlas: one group */
	assert_string_equal(s.groups[2].link, "to-atlas");
	assert_int_equal(s.groups[2].n, 1);
	assert_int_equal(s.groups[2].recips[0], 2);
	assert_int_equal(s.nunroutable, 1);
	assert_int_equal(s.unroutable[0], 6);
	assert_int_equal(s.nwaiting, 1);
	assert_int_equal(s.waiting[0], 7);
	route_split_free(&s);
	assert_null(s.groups);
	codec_free(&asn_DEF_MTS_APDU, m);
	route_table_free(t);
}

/* A report goes where its destination (the originator) is. */
static void test_split_report(void **state)
{
	MTS_APDU_t *r = calloc(1, sizeof(*r));
	ORName_t *dest = orname("C=DE;A=DBP;P=NORDWIND;S=Mueller");
	struct route_table *t = route_table_new();
	struct p1_err err;
	struct route_split s;

	(void)state;
	r->present = MTS_APDU_PR_report;
	r->choice.report.envelope.report_destination_name = *dest;
	free(dest);
	assert_int_equal(route_add(t, "C=DE", "to-de", 1, &err), 0);
	assert_int_equal(route_split(t, r, NULL, NULL, &s), 0);
	assert_int_equal(s.ngroups, 1);
	assert_string_equal(s.groups[0].link, "to-de");
	assert_int_equal(s.groups[0].recips[0], 0);
	route_split_free(&s);
	codec_free(&asn_DEF_MTS_APDU, r);
	route_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_alternates),
		cmocka_unit_test(test_no_route),
		cmocka_unit_test(test_bad_patterns),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
