/*
 * x400q_list.c - x400q list: one line per message that passes the filters
 *
 * Part of x400q (x400q.c: the manual, the commands table and main;
 * x400q.h: what the parts share).
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "x400q.h"
#include "xalloc.h"

/* ---- list ----------------------------------------------------------------- */

struct filter {
	const char	*link, *from, *to;
	int		state, prio, kind, held;
	int64_t		older, newer;	/* -1: not given */
};

/* rcpt_match - the recipient filters, all on one recipient */
static int rcpt_match(const struct filter *f, const struct q_rcpt *r)
{
	if (f->link && strcmp(f->link, r->link) != 0)
		return 0;
	if (f->state >= 0 && (int)r->state != f->state)
		return 0;
	if (f->to && fnmatch(f->to, r->address, FNM_CASEFOLD) != 0)
		return 0;
	return 1;
}

/* match - does a message pass every filter? */
static int match(const struct filter *f, const struct msg_copy *c,
		 int64_t now)
{
	const struct q_msg *m = &c->m;
	int any = !(f->link || f->state >= 0 || f->to), held;

	if (f->prio >= 0 && (int)m->prio != f->prio)
		return 0;
	if (f->kind >= 0 && (int)m->kind != f->kind)
		return 0;
	if (f->older >= 0 && now - m->arrival < f->older)
		return 0;
	if (f->newer >= 0 && now - m->arrival >= f->newer)
		return 0;
	if (f->from && fnmatch(f->from, m->originator, FNM_CASEFOLD) != 0)
		return 0;
	held = (m->flags & Q_MF_HOLD) != 0;
	for (uint32_t i = 0; i < c->n; i++) {
		if (c->r[i].flags & Q_RF_HOLD)
			held = 1;
		if (!any && rcpt_match(f, &c->r[i]))
			any = 1;
	}
	return any && (!f->held || held);
}

/* rcpt_summary - "alpha/pending beta/report x2" */
static void rcpt_summary(const struct msg_copy *c, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < c->n && o + 1 < n; i++) {
		uint32_t j, same = 0;

		for (j = 0; j < i; j++)
			if (strcmp(c->r[j].link, c->r[i].link) == 0 &&
			    c->r[j].state == c->r[i].state)
				break;
		if (j < i)
			continue;
		for (j = i; j < c->n; j++)
			if (strcmp(c->r[j].link, c->r[i].link) == 0 &&
			    c->r[j].state == c->r[i].state)
				same++;
		o += (size_t)snprintf(buf + o, n - o, "%s%s/%s", o ? " " : "",
				      c->r[i].link,
				      q_state_name(c->r[i].state));
		if (same > 1 && o < n)
			o += (size_t)snprintf(buf + o, n - o, "x%u", same);
	}
	if (c->bad && o < n)
		snprintf(buf + o, n - o, " (damaged)");
}

/* cmd_list - one line per message that passes the filters */
int cmd_list(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "link", 1, NULL, 'l' }, { "state", 1, NULL, 's' },
		{ "priority", 1, NULL, 'p' }, { "kind", 1, NULL, 'k' },
		{ "older-than", 1, NULL, 'o' }, { "newer-than", 1, NULL, 'n' },
		{ "from", 1, NULL, 'f' }, { "to", 1, NULL, 't' },
		{ "held", 0, NULL, 'H' }, { "max", 1, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct filter f = { .state = -1, .prio = -1, .kind = -1, .older = -1,
			    .newer = -1 };
	struct msg_copy *chunk;
	long long max = -1, shown = 0;
	int64_t now = (int64_t)time(NULL);
	json_t *arr;
	uint64_t from = 1;
	struct q *q;
	int c, n, rc = 0;

	while ((c = getopt_long(argc, argv, "l:s:p:k:o:n:f:t:Hm:", lo,
				NULL)) != -1) {
		switch (c) {
		case 'l': f.link = optarg; break;
		case 's':
			if ((f.state = q_state_parse(optarg)) < 0)
				return die_usage("list: no state %s", optarg);
			break;
		case 'p':
			if ((f.prio = q_prio_parse(optarg)) < 0)
				return die_usage("list: no priority %s",
						 optarg);
			break;
		case 'k':
			f.kind = strcmp(optarg, "message") == 0 ?
				 Q_KIND_MESSAGE : strcmp(optarg, "probe") == 0 ?
				 Q_KIND_PROBE : strcmp(optarg, "report") == 0 ?
				 Q_KIND_REPORT : -2;
			if (f.kind == -2)
				return die_usage("list: no kind %s", optarg);
			break;
		case 'o':
		case 'n':
			if (parse_age(optarg) < 0)
				return die_usage("list: bad age %s", optarg);
			*(c == 'o' ? &f.older : &f.newer) = parse_age(optarg);
			break;
		case 'f': f.from = optarg; break;
		case 't': f.to = optarg; break;
		case 'H': f.held = 1; break;
		case 'm':
			max = (long long)parse_id(optarg);
			if (max <= 0)
				return die_usage("list: bad --max %s", optarg);
			break;
		default:
			return die_usage("list: bad option");
		}
	}
	if (optind != argc)
		return die_usage("list: unexpected %s", argv[optind]);
	if ((q = open_store(0)) == NULL)
		return 1;
	chunk = xcalloc(CHUNK, sizeof(*chunk));
	arr = json_array();
	if (!json_mode)
		printf("%8s  %-7s %-10s %-7s %8s %-4s %-28s %s\n", "ID", "AGE",
		       "PRIORITY", "KIND", "SIZE", "HOLD", "RECIPIENTS",
		       "ORIGINATOR");
	while ((n = read_chunk(q, &from, chunk)) > 0) {
		for (int i = 0; i < n; i++) {
			struct msg_copy *m = &chunk[i];
			char age[32], rs[512], sz[16];

			if ((max < 0 || shown < max) && match(&f, m, now)) {
				shown++;
				if (json_mode) {
					json_array_append_new(arr,
							      json_msg(m, now));
				} else {
					rcpt_summary(m, rs, sizeof(rs));
					printf("%8llu  %-7s %-10s %-7s %8s "
					       "%-4s %-28s %s\n",
					       (unsigned long long)m->m.id,
					       fmt_age(now - m->m.arrival, age,
						       sizeof(age)),
					       q_prio_name(m->m.prio),
					       q_kind_name(m->m.kind),
					       fmt_size(m->m.size, sz,
							sizeof(sz)),
					       m->m.flags & Q_MF_HOLD ? "yes" :
					       "-", rs, m->m.originator);
				}
			}
			free_msg(m);
		}
		if (n < CHUNK || (max >= 0 && shown >= max))
			break;
	}
	if (n < 0)
		rc = fail("list", n);
	else if (json_mode)
		json_out(arr), arr = NULL;
	else
		printf("%lld message%s\n", shown, shown == 1 ? "" : "s");
	json_decref(arr);
	free(chunk);
	q_close(q);
	return rc;
}

