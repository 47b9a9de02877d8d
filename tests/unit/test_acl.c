/*
 * test_acl.c - allow-lists of caller addresses (acl_)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "acl.h"

/* mk - an ACL from entries (NULL-terminated); each must be accepted */
static struct acl *mk(const char *const *specs)
{
	struct acl *a = acl_new();
	char err[ACL_ERRLEN];

	for (size_t i = 0; specs[i]; i++) {
		if (acl_add(a, specs[i], 0, err, sizeof(err)) != 0)
			fail_msg("%s refused: %s", specs[i], err);
	}
	return a;
}

static void test_ipv4(void **state)
{
	static const char *const specs[] = { "127.0.0.2", "10.0.0.0/8",
					     "192.0.2.128/25", NULL };
	static const struct {
		const char *addr;
		int ok;
	} t[] = {
		{ "127.0.0.2", 1 }, { "127.0.0.3", 0 }, { "127.0.0.1", 0 },
		{ "10.0.0.0", 1 }, { "10.255.255.255", 1 },
		{ "11.0.0.0", 0 }, { "9.255.255.255", 0 },
		{ "192.0.2.128", 1 }, { "192.0.2.255", 1 },
		{ "192.0.2.127", 0 },
		{ "::1", 0 }, { "not an address", 0 },
	};
	struct acl *a = mk(specs);

	(void)state;
	assert_int_equal(acl_count(a), 3);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (acl_match_text(a, t[i].addr) != t[i].ok)
			fail_msg("%s: expected %d", t[i].addr, t[i].ok);
	acl_free(a);
}

static void test_ipv6(void **state)
{
	static const char *const specs[] = { "::1", "2001:db8::/32",
					     "fe80::1:0/112", NULL };
	static const struct {
		const char *addr;
		int ok;
	} t[] = {
		{ "::1", 1 }, { "::2", 0 },
		{ "2001:db8::", 1 }, { "2001:db8:ffff:ffff::1", 1 },
		{ "2001:db9::", 0 }, { "2001:db7:ffff::", 0 },
		{ "fe80::1:0", 1 }, { "fe80::1:ffff", 1 }, { "fe80::2:0", 0 },
		{ "127.0.0.1", 0 },
	};
	struct acl *a = mk(specs);

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (acl_match_text(a, t[i].addr) != t[i].ok)
			fail_msg("%s: expected %d", t[i].addr, t[i].ok);
	acl_free(a);
}

/* CIDR edges: /0 matches its whole family only, /32 and /128 one
 * address, odd lengths cut inside an octet. */
static void test_cidr_edges(void **state)
{
	static const char *const v4all[] = { "0.0.0.0/0", NULL };
	static const char *const v6all[] = { "::/0", NULL };
	static const char *const exact[] = { "192.0.2.7/32",
					     "2001:db8::7/128", NULL };
	static const char *const odd[] = { "192.0.2.64/27", NULL };
	struct acl *a;

	(void)state;
	a = mk(v4all);
	assert_true(acl_match_text(a, "0.0.0.0"));
	assert_true(acl_match_text(a, "255.255.255.255"));
	assert_true(acl_match_text(a, "::ffff:8.8.8.8"));
	assert_false(acl_match_text(a, "::1"));
	acl_free(a);
	a = mk(v6all);
	assert_true(acl_match_text(a, "::"));
	assert_true(acl_match_text(a, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:"
					 "fffe"));
	assert_false(acl_match_text(a, "127.0.0.1"));
	acl_free(a);
	a = mk(exact);
	assert_true(acl_match_text(a, "192.0.2.7"));
	assert_false(acl_match_text(a, "192.0.2.6"));
	assert_false(acl_match_text(a, "192.0.2.8"));
	assert_true(acl_match_text(a, "2001:db8::7"));
	assert_false(acl_match_text(a, "2001:db8::6"));
	assert_false(acl_match_text(a, "2001:db8::8"));
	acl_free(a);
	a = mk(odd);				/* .64 .. .95 */
	assert_false(acl_match_text(a, "192.0.2.63"));
	assert_true(acl_match_text(a, "192.0.2.64"));
	assert_true(acl_match_text(a, "192.0.2.95"));
	assert_false(acl_match_text(a, "192.0.2.96"));
	acl_free(a);
}

/* ::ffff:a.b.c.d is IPv4, in the list and from the socket */
static void test_mapped(void **state)
{
	static const char *const v4[] = { "127.0.0.2", NULL };
	static const char *const m[] = { "::ffff:10.1.0.0/112", NULL };
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	struct acl *a;

	(void)state;
	a = mk(v4);
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:127.0.0.2", &s6.sin6_addr);
	assert_true(acl_match(a, (struct sockaddr *)&s6));
	inet_pton(AF_INET6, "::ffff:127.0.0.3", &s6.sin6_addr);
	assert_false(acl_match(a, (struct sockaddr *)&s6));
	inet_pton(AF_INET6, "::127.0.0.2", &s6.sin6_addr);	/* not mapped */
	assert_false(acl_match(a, (struct sockaddr *)&s6));
	acl_free(a);

	a = mk(m);				/* stored as 10.1.0.0/16 */
	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	inet_pton(AF_INET, "10.1.200.3", &s4.sin_addr);
	assert_true(acl_match(a, (struct sockaddr *)&s4));
	inet_pton(AF_INET, "10.2.0.1", &s4.sin_addr);
	assert_false(acl_match(a, (struct sockaddr *)&s4));
	assert_true(acl_match_text(a, "::ffff:10.1.0.9"));
	acl_free(a);
}

/* host names are resolved when added; "localhost" is 127.0.0.1 in
 * every /etc/hosts */
static void test_hostname(void **state)
{
	static const char *const specs[] = { "localhost", NULL };
	struct acl *a = mk(specs), *b;
	char buf[256], err[ACL_ERRLEN];

	(void)state;
	assert_true(acl_match_text(a, "127.0.0.1"));
	assert_false(acl_match_text(a, "127.0.0.2"));
	acl_describe(a, buf, sizeof(buf));
	assert_non_null(strstr(buf, "localhost (127.0.0.1"));
	acl_free(a);

	b = acl_new();
	assert_int_equal(acl_add(b, "no-such-host.invalid", 0, err,
				 sizeof(err)), -1);
	assert_non_null(strstr(err, "does not resolve"));
	/* kept unresolved on request: matches nothing */
	assert_int_equal(acl_add(b, "no-such-host.invalid", ACL_NO_RESOLVE,
				 err, sizeof(err)), 0);
	assert_false(acl_match_text(b, "127.0.0.1"));
	acl_describe(b, buf, sizeof(buf));
	assert_string_equal(buf, "no-such-host.invalid (unresolved) only");
	acl_free(b);
}

static void test_bad(void **state)
{
	static const struct {
		const char *spec, *msg;
	} t[] = {
		{ "10.1.2.3/8", "did you mean 10.0.0.0/8?" },
		{ "2001:db8::1/32", "did you mean 2001:db8::/32?" },
		{ "10.0.0.0/33", "prefix length over 32" },
		{ "::/129", "prefix length over 128" },
		{ "10.0.0.0/", "bad prefix length" },
		{ "10.0.0.0/+8", "bad prefix length" },
		{ "10.0.0.0/8x", "prefix length" },
		{ "10.0.0.256", "not an IPv4 address" },
		{ "1.2.3", "not an IPv4 address" },
		{ "2001:db8:::1", "not an IPv6 address" },
		{ "host/8", "not an IP address" },
		{ "bad host", "neither an address" },
		{ "", "not an address" },
		{ "a..b", "neither an address" },
	};
	struct acl *a = acl_new();
	char err[ACL_ERRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = 0;
		if (acl_add(a, t[i].spec, ACL_NO_RESOLVE, err,
			    sizeof(err)) != -1)
			fail_msg("\"%s\" accepted", t[i].spec);
		if (strstr(err, t[i].msg) == NULL)
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", t[i].spec, err,
				 t[i].msg);
	}
	assert_int_equal(acl_count(a), 0);
	assert_false(acl_match_text(a, "127.0.0.1"));	/* empty: nobody */
	acl_free(a);
}

/* the sentence in refusal events */
static void test_describe(void **state)
{
	static const char *const one[] = { "127.0.0.2", NULL };
	static const char *const two[] = { "127.0.0.2", "127.0.0.3", NULL };
	static const char *const three[] = { "127.0.0.2", "10.0.0.0/8",
					     "::1", NULL };
	struct acl *a;
	char buf[256], small[12];

	(void)state;
	a = mk(one);
	assert_string_equal(acl_describe(a, buf, sizeof(buf)),
			    "127.0.0.2 only");
	acl_free(a);
	a = mk(two);
	assert_string_equal(acl_describe(a, buf, sizeof(buf)),
			    "127.0.0.2 and 127.0.0.3 only");
	acl_free(a);
	a = mk(three);
	assert_string_equal(acl_describe(a, buf, sizeof(buf)),
			    "127.0.0.2, 10.0.0.0/8 and ::1 only");
	/* cut to fit, and marked */
	acl_describe(a, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_string_equal(small + strlen(small) - 3, "...");
	acl_free(a);
	a = acl_new();
	assert_string_equal(acl_describe(a, buf, sizeof(buf)), "no address");
	acl_free(a);
}

static void test_equal(void **state)
{
	static const char *const x[] = { "127.0.0.2", "10.0.0.0/8", NULL };
	static const char *const y[] = { "127.0.0.2", "10.0.0.0/16", NULL };
	struct acl *a = mk(x), *b = mk(x), *c = mk(y);

	(void)state;
	assert_true(acl_equal(a, b));
	assert_false(acl_equal(a, c));
	assert_false(acl_equal(a, NULL));
	assert_true(acl_equal(NULL, NULL));
	acl_free(a);
	acl_free(b);
	acl_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_cidr_edges),
		cmocka_unit_test(test_mapped),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
