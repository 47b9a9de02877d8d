/*
 * test_ratelimit.c - failed binds slowed per source address (rl_), on a
 * fake clock: every time below is an argument, nothing sleeps
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "ratelimit.h"

static const uint8_t seed[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
				  13, 14, 15, 16 };

/* sa - a socket address for a numeric string (static storage, one of
 *	four rotating, so a test can hold a few at once) */
static const struct sockaddr *sa(const char *addr)
{
	static struct sockaddr_storage ss[4];
	static int next;
	struct sockaddr_storage *s = &ss[next++ % 4];

	memset(s, 0, sizeof(*s));
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)s)->sin_addr)) {
		s->ss_family = AF_INET;
	} else {
		assert_int_equal(inet_pton(AF_INET6, addr,
			&((struct sockaddr_in6 *)s)->sin6_addr), 1);
		s->ss_family = AF_INET6;
	}
	return (const struct sockaddr *)s;
}

/* v4 - 10.x.y.z for a counter */
static const struct sockaddr *v4(uint32_t n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "10.%u.%u.%u", (n >> 16) & 255,
		 (n >> 8) & 255, n & 255);
	return sa(buf);
}

/* free failures, then waits doubling from base up to max */
static void test_backoff(void **state)
{
	struct rl_params p = RL_PARAMS_DEFAULT;
	const struct sockaddr *a;
	struct rl *rl;
	uint64_t now = 1000000;

	(void)state;
	p.free = 3;
	p.base_ms = 1000;
	p.max_ms = 8000;
	rl = rl_new(&p, seed);
	a = sa("127.0.0.3");
	assert_int_equal(rl_check(rl, a, NULL, now), 0);
	assert_int_equal(rl_fail(rl, a, NULL, now), 0);		/* 1: free */
	assert_int_equal(rl_fail(rl, a, NULL, now), 0);		/* 2: free */
	assert_int_equal(rl_fail(rl, a, NULL, now), 0);		/* 3: free */
	assert_int_equal(rl_check(rl, a, NULL, now), 0);
	assert_int_equal(rl_fail(rl, a, NULL, now), 1000);		/* 4 */
	assert_int_equal(rl_check(rl, a, NULL, now), 1000);
	assert_int_equal(rl_check(rl, a, NULL, now + 400), 600);
	assert_int_equal(rl_check(rl, a, NULL, now + 1000), 0);
	now += 1000;
	assert_int_equal(rl_fail(rl, a, NULL, now), 2000);		/* 5 */
	now += 2000;
	assert_int_equal(rl_fail(rl, a, NULL, now), 4000);		/* 6 */
	now += 4000;
	assert_int_equal(rl_fail(rl, a, NULL, now), 8000);		/* 7 */
	now += 8000;
	assert_int_equal(rl_fail(rl, a, NULL, now), 8000);		/* capped */
	assert_int_equal(rl_failures(rl, a, NULL, now), 8);
	/* another address is not affected */
	assert_int_equal(rl_check(rl, sa("127.0.0.2"), NULL, now), 0);
	/* success forgets */
	rl_success(rl, a, NULL);
	assert_int_equal(rl_check(rl, a, NULL, now), 0);
	assert_int_equal(rl_failures(rl, a, NULL, now), 0);
	assert_int_equal(rl_fail(rl, a, NULL, now), 0);
	rl_free(rl);
}

/* very many failures never overflow the wait */
static void test_many_failures(void **state)
{
	struct rl_params p = RL_PARAMS_DEFAULT;
	const struct sockaddr *a = sa("192.0.2.1");
	struct rl *rl;
	uint64_t w = 0;

	(void)state;
	p.free = 0;
	p.base_ms = 3;
	p.max_ms = UINT64_C(1) << 40;
	p.forget_ms = UINT64_C(1) << 41;
	rl = rl_new(&p, seed);
	for (int i = 0; i < 200; i++)
		w = rl_fail(rl, a, NULL, 5);
	assert_int_equal(w, UINT64_C(1) << 40);
	rl_free(rl);
}

/* quiet for forget_ms after the last failure: forgotten */
static void test_forget(void **state)
{
	struct rl_params p = RL_PARAMS_DEFAULT;
	const struct sockaddr *a = sa("127.0.0.9");
	struct rl *rl;

	(void)state;
	p.free = 0;
	p.base_ms = 1000;
	p.max_ms = 1000;
	p.forget_ms = 60000;
	rl = rl_new(&p, seed);
	assert_int_equal(rl_fail(rl, a, NULL, 0), 1000);
	assert_int_equal(rl_fail(rl, a, NULL, 1000), 1000);
	assert_int_equal(rl_failures(rl, a, NULL, 60999), 2);
	assert_int_equal(rl_failures(rl, a, NULL, 61000), 0);
	/* a failure after that starts again from one */
	assert_int_equal(rl_fail(rl, a, NULL, 70000), 1000);
	assert_int_equal(rl_failures(rl, a, NULL, 70000), 1);
	rl_free(rl);
}

/* IPv6 counted per /64; mapped IPv4 as IPv4 */
static void test_families(void **state)
{
	struct rl_params p = RL_PARAMS_DEFAULT;
	struct rl *rl;

	(void)state;
	p.free = 0;
	rl = rl_new(&p, seed);
	rl_fail(rl, sa("2001:db8:1:2::1"), NULL, 0);
	rl_fail(rl, sa("2001:db8:1:2:ffff::9"), NULL, 0);
	assert_int_equal(rl_failures(rl, sa("2001:db8:1:2::77"), NULL, 0), 2);
	assert_int_equal(rl_failures(rl, sa("2001:db8:1:3::1"), NULL, 0), 0);
	rl_fail(rl, sa("::ffff:127.0.0.5"), NULL, 0);
	assert_int_equal(rl_failures(rl, sa("127.0.0.5"), NULL, 0), 1);
	rl_success(rl, sa("127.0.0.5"), NULL);
	assert_int_equal(rl_failures(rl, sa("::ffff:127.0.0.5"), NULL, 0), 0);
	rl_free(rl);

	p.v6_prefix = 128;
	rl = rl_new(&p, seed);
	rl_fail(rl, sa("2001:db8:1:2::1"), NULL, 0);
	assert_int_equal(rl_failures(rl, sa("2001:db8:1:2::2"), NULL, 0), 0);
	assert_int_equal(rl_failures(rl, sa("2001:db8:1:2::1"), NULL, 0), 1);
	rl_free(rl);
}

/* a flood of new addresses: the table stays at its size, and a guesser
 * held back keeps its penalty (flood entries are evicted first) */
static void test_flood(void **state)
{
	struct rl_params p = RL_PARAMS_DEFAULT;
	struct sockaddr_storage gs;
	const struct sockaddr *g = (const struct sockaddr *)&gs;
	struct rl *rl;
	uint64_t now = 0;

	(void)state;
	memcpy(&gs, sa("127.0.0.66"), sizeof(gs));	/* sa() rotates */
	p.slots = 64;
	p.free = 2;
	rl = rl_new(&p, seed);
	for (int i = 0; i < 10; i++)
		rl_fail(rl, g, NULL, now);
	assert_true(rl_check(rl, g, NULL, now) > 0);
	for (uint32_t i = 0; i < 100000; i++) {
		rl_fail(rl, v4(i), NULL, now);
		if (i % 1000 == 0)
			now++;
	}
	assert_true(rl_used(rl) <= 64);
	assert_true(rl_used(rl) >= 60);
	assert_int_equal(rl_failures(rl, g, NULL, now), 10);
	assert_true(rl_check(rl, g, NULL, now) > 0);
	rl_free(rl);
}

/* the seed decides the sets: two tables with other seeds place the
 * same addresses differently, so collisions cannot be planned */
static void test_seed(void **state)
{
	struct rl_params p = RL_PARAMS_DEFAULT;
	uint8_t other[16] = { 0 };
	struct rl *a, *b;
	int differ = 0;

	(void)state;
	p.slots = 8;			/* two sets of four */
	p.free = 0;
	a = rl_new(&p, seed);
	b = rl_new(&p, other);
	/* fill each with 6 addresses: which survive depends on the sets */
	for (uint32_t i = 0; i < 6; i++) {
		rl_fail(a, v4(i), NULL, i);
		rl_fail(b, v4(i), NULL, i);
	}
	for (uint32_t i = 0; i < 6; i++)
		differ |= rl_failures(a, v4(i), NULL, 10) != rl_failures(b, v4(i), NULL,
								     10);
	assert_true(differ);
	rl_free(a);
	rl_free(b);
}

/* test_names - (address, name) keys: a guesser's failures under one
 *	name do not hold back another name from the same address, and a
 *	success clears its own key only (issue 17) */
static void test_names(void **state)
{
	struct rl_params p = RL_PARAMS_DEFAULT;
	struct rl *rl;
	const struct sockaddr *a = sa("127.0.0.1");
	uint64_t now = 1000;

	(void)state;
	p.free = 1;
	rl = rl_new(&p, seed);
	rl_fail(rl, a, "*", now);
	assert_true(rl_fail(rl, a, "*", now) > 0);
	assert_true(rl_check(rl, a, "*", now) > 0);
	assert_int_equal(rl_check(rl, a, "mta-b", now), 0);
	assert_int_equal(rl_check(rl, a, NULL, now), 0);
	rl_fail(rl, a, "mta-c", now);
	assert_true(rl_fail(rl, a, "MTA-C", now) > 0);	/* no case */
	rl_success(rl, a, "mta-b");
	assert_true(rl_check(rl, a, "*", now) > 0);
	assert_true(rl_check(rl, a, "mta-c", now) > 0);
	rl_success(rl, a, "mta-c");
	assert_int_equal(rl_check(rl, a, "mta-c", now), 0);
	assert_true(rl_check(rl, a, "*", now) > 0);
	assert_int_equal(rl_check(rl, sa("127.0.0.2"), "*", now), 0);
	rl_free(rl);
}

static void test_params(void **state)
{
	struct rl_params p = RL_PARAMS_DEFAULT;

	(void)state;
	assert_null(rl_params_ok(&p));
	p.base_ms = 0;
	assert_non_null(rl_params_ok(&p));
	p = (struct rl_params)RL_PARAMS_DEFAULT;
	p.max_ms = p.base_ms - 1;
	assert_non_null(rl_params_ok(&p));
	p = (struct rl_params)RL_PARAMS_DEFAULT;
	p.forget_ms = p.max_ms - 1;
	assert_non_null(rl_params_ok(&p));
	p = (struct rl_params)RL_PARAMS_DEFAULT;
	p.v6_prefix = 0;
	assert_non_null(rl_params_ok(&p));
	p = (struct rl_params)RL_PARAMS_DEFAULT;
	p.slots = 3;
	assert_non_null(rl_params_ok(&p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_many_failures),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
