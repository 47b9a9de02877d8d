/*
 * x400q_stats.c - x400q stats and check: counters and ages, the consistency check
 *
 * Part of x400q (x400q.c: the manual, the commands table and main;
 * x400q.h: what the parts share).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "x400q.h"
#include "xalloc.h"

/* ---- stats ---------------------------------------------------------------- */

static const struct { const char *name; int64_t below; } age_buckets[] = {
	{ "1m", 60 }, { "5m", 300 }, { "1h", 3600 }, { "6h", 6 * 3600 },
	{ "1d", 86400 }, { "1w", 7 * 86400 }, { "older", INT64_MAX }
};
#define NBUCKETS (sizeof(age_buckets) / sizeof(age_buckets[0]))

/* cmd_stats - counters, held links, ages */
int cmd_stats(int argc, char **argv)
{
	struct msg_copy *chunk;
	uint64_t hist[NBUCKETS] = { 0 }, from = 1, oldest_id = 0;
	int64_t now = (int64_t)time(NULL), oldest = 0;
	json_t *counts, *links;
	struct q_totals tot;
	struct q_count cnt;
	struct q_link l;
	struct q_iter it;
	struct q_rd *rd;
	struct q *q;
	int rc, n;

	(void)argv;
	if (argc != 1)
		return die_usage("stats: no arguments expected");
	if ((q = open_store(0)) == NULL)
		return 1;
	if ((rc = q_rd_begin(q, &rd)) != 0) {
		q_close(q);
		return fail("stats", rc);
	}
	counts = json_array();
	links = json_array();
	if ((rc = q_totals(rd, &tot)) == 0 &&
	    (rc = q_iter_counts(rd, &it)) == 0) {
		while ((rc = q_next_count(&it, &cnt)) == 1)
			json_array_append_new(counts, json_pack(
				"{s:s,s:s,s:I,s:I,s:I}", "link", cnt.link,
				"state", q_state_name(cnt.state),
				"recipients", (json_int_t)cnt.rcpts,
				"messages", (json_int_t)cnt.msgs,
				"octets", (json_int_t)cnt.bytes));
		q_iter_end(&it);
	}
	if (rc == 0 && (rc = q_iter_links(rd, &it)) == 0) {
		while ((rc = q_next_link(&it, &l)) == 1)
			if (l.held)
				json_array_append_new(links, json_pack(
					"{s:s,s:I}", "link", l.name, "since",
					(json_int_t)l.changed));
		q_iter_end(&it);
	}
	q_rd_end(rd);
	chunk = xcalloc(CHUNK, sizeof(*chunk));
	while (rc == 0 && (n = read_chunk(q, &from, chunk)) != 0) {
		if (n < 0) {
			rc = n;
			break;
		}
		for (int i = 0; i < n; i++) {
			int64_t age = now - chunk[i].m.arrival;
			size_t b = 0;

			while (age >= age_buckets[b].below)
				b++;
			hist[b]++;
			if (oldest_id == 0 || chunk[i].m.arrival < oldest) {
				oldest = chunk[i].m.arrival;
				oldest_id = chunk[i].m.id;
			}
			free_msg(&chunk[i]);
		}
		if (n < CHUNK)
			break;
	}
	free(chunk);
	q_close(q);
	if (rc < 0) {
		json_decref(counts);
		json_decref(links);
		return fail("stats", rc);
	}
	if (json_mode) {
		json_t *o = json_object(), *h = json_array();

		json_object_set_new(o, "messages", json_integer(
				    (json_int_t)tot.msgs));
		json_object_set_new(o, "recipients", json_integer(
				    (json_int_t)tot.rcpts));
		json_object_set_new(o, "octets", json_integer(
				    (json_int_t)tot.bytes));
		json_object_set_new(o, "apdu_octets", json_integer(
				    (json_int_t)tot.apdu_bytes));
		json_object_set_new(o, "next_id", json_integer(
				    (json_int_t)tot.next_id));
		json_object_set_new(o, "per_link_state", counts);
		json_object_set_new(o, "held_links", links);
		for (size_t b = 0; b < NBUCKETS; b++)
			json_array_append_new(h, json_pack("{s:s,s:I}",
				b + 1 < NBUCKETS ? "younger_than" : "age",
				age_buckets[b].name, "messages",
				(json_int_t)hist[b]));
		json_object_set_new(o, "age_histogram", h);
		json_object_set_new(o, "oldest", oldest_id ? json_pack(
			"{s:I,s:I,s:I}", "id", (json_int_t)oldest_id,
			"arrival", (json_int_t)oldest, "age",
			(json_int_t)(now - oldest)) : json_null());
		json_out(o);
		return 0;
	}
	{
		size_t i;
		json_t *v;
		char t[32], a[32], s1[16], s2[16];

		printf("messages %llu, recipients %llu, size %s "
		       "(APDUs %s)\n", (unsigned long long)tot.msgs,
		       (unsigned long long)tot.rcpts,
		       fmt_size(tot.bytes, s1, sizeof(s1)),
		       fmt_size(tot.apdu_bytes, s2, sizeof(s2)));
		printf("\n%-16s %-9s %10s %10s %8s\n", "LINK", "STATE",
		       "RECIPIENTS", "MESSAGES", "SIZE");
		json_array_foreach(counts, i, v)
			printf("%-16s %-9s %10lld %10lld %8s\n",
			       json_string_value(json_object_get(v, "link")),
			       json_string_value(json_object_get(v, "state")),
			       json_integer_value(json_object_get(v,
						  "recipients")),
			       json_integer_value(json_object_get(v,
						  "messages")),
			       fmt_size((uint64_t)json_integer_value(
					json_object_get(v, "octets")), s1,
					sizeof(s1)));
		printf("\nheld links:");
		if (json_array_size(links) == 0)
			printf(" none");
		json_array_foreach(links, i, v)
			printf(" %s (since %s)", json_string_value(
			       json_object_get(v, "link")),
			       fmt_time(json_integer_value(json_object_get(v,
					"since")), t, sizeof(t)));
		printf("\n\nage:");
		for (size_t b = 0; b < NBUCKETS; b++)
			printf("  %s%s %llu", b + 1 < NBUCKETS ? "<" : "",
			       age_buckets[b].name,
			       (unsigned long long)hist[b]);
		if (oldest_id)
			printf("\noldest: message %llu, arrived %s (%s ago)\n",
			       (unsigned long long)oldest_id,
			       fmt_time(oldest, t, sizeof(t)),
			       fmt_age(now - oldest, a, sizeof(a)));
		else
			printf("\noldest: none\n");
		json_decref(counts);
		json_decref(links);
	}
	return 0;
}

/* ---- check ---------------------------------------------------------------- */

struct check_out {
	json_t	*problems;
	int	unrepaired;
};

/* on_problem - print or collect one problem */
static void on_problem(void *arg, const char *problem, const char *repair)
{
	struct check_out *o = arg;

	if (repair == NULL)
		o->unrepaired++;
	if (json_mode)
		json_array_append_new(o->problems, json_pack("{s:s,s:s?}",
				      "problem", problem, "repair", repair));
	else if (repair)
		printf("problem: %s -- %s\n", problem, repair);
	else
		printf("problem: %s\n", problem);
}

/* cmd_check - mtacheck: verify, and with --repair fix */
int cmd_check(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "repair", 0, NULL, 'r' }, { NULL, 0, NULL, 0 }
	};
	struct check_out out = { NULL, 0 };
	int repair = 0, c, n;
	struct q *q;

	while ((c = getopt_long(argc, argv, "r", lo, NULL)) != -1) {
		if (c != 'r')
			return die_usage("check: bad option");
		repair = 1;
	}
	if (optind != argc)
		return die_usage("check: unexpected %s", argv[optind]);
	if ((q = open_store(repair)) == NULL)
		return 1;
	out.problems = json_array();
	n = q_check(q, repair, on_problem, &out);
	q_close(q);
	if (n < 0) {
		json_decref(out.problems);
		return fail("check", n);
	}
	if (json_mode) {
		json_t *o = json_object();

		json_object_set_new(o, "consistent", json_boolean(n == 0));
		json_object_set_new(o, "repaired", json_boolean(repair &&
				    n > 0 && out.unrepaired == 0));
		json_object_set_new(o, "problems", out.problems);
		json_out(o);
	} else {
		json_decref(out.problems);
		if (n == 0)
			printf("consistent\n");
		else if (repair && out.unrepaired == 0)
			printf("%d problem%s found and repaired\n", n,
			       n == 1 ? "" : "s");
		else if (repair)
			printf("%d problem%s found, %d not repaired\n", n,
			       n == 1 ? "" : "s", out.unrepaired);
		else
			printf("%d problem%s found (x400q check --repair "
			       "fixes what it can)\n", n, n == 1 ? "" : "s");
	}
	return n == 0 || (repair && out.unrepaired == 0) ? 0 : 1;
}

