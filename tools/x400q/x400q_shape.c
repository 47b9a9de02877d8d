/*
 * x400q_shape.c - x400q shape: where the waiting mail is, and how old
 *
 * See x400q.h. Like Postfix's qshape: one row per link (or, with -D,
 * per recipient domain: the C, A and P of the O/R address), one column
 * per age of the message (up to 5, 10, 20, 40, 80, 160, 320, 640, 1280
 * minutes, then older), counting recipients still waiting (pending or
 * in transfer). The first row is the total. Read in short snapshots,
 * like list.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "x400q.h"
#include "xalloc.h"

#define NCOLS	10		/* 5m .. 1280m, then older */

struct row {
	char		*name;
	uint64_t	total, col[NCOLS];
};

struct shape {
	struct row	*rows;
	size_t		n;
};

/* column - the age column of a message that arrived age seconds ago */
static int column(int64_t age)
{
	int64_t limit = 5 * 60;
	int c;

	for (c = 0; c < NCOLS - 1 && age > limit; c++)
		limit *= 2;
	return c;
}

/* domain - the C=..;A=..;P=.. part of an O/R address string */
static void domain(const char *addr, char *out, size_t len)
{
	const char *p = addr;
	size_t k = 0;

	out[0] = 0;
	while (p && *p) {
		const char *e = strchr(p, ';');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n >= 2 && (strncmp(p, "C=", 2) == 0 ||
			       strncmp(p, "A=", 2) == 0 ||
			       strncmp(p, "P=", 2) == 0) && k + n + 2 < len) {
			if (k)
				out[k++] = ';';
			memcpy(out + k, p, n);
			k += n;
			out[k] = 0;
		}
		p = e ? e + 1 : NULL;
	}
	if (k == 0)
		snprintf(out, len, "(none)");
}

static struct row *row_of(struct shape *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->rows[i].name, name) == 0)
			return &s->rows[i];
	s->rows = xrealloc(s->rows, (s->n + 1) * sizeof(*s->rows));
	memset(&s->rows[s->n], 0, sizeof(*s->rows));
	s->rows[s->n].name = xstrdup(name);
	return &s->rows[s->n++];
}

static int by_total(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void print(struct shape *s, const struct row *all)
{
	static const char *const head[NCOLS] = { "5m", "10m", "20m", "40m",
		"80m", "160m", "320m", "640m", "1280m", "1280m+" };
	size_t i;
	int c;

	if (json_mode) {
		json_t *a = json_array();

		for (i = 0; i < s->n; i++) {
			json_t *cols = json_array();

			for (c = 0; c < NCOLS; c++)
				json_array_append_new(cols, json_integer(
				    (json_int_t)s->rows[i].col[c]));
			json_array_append_new(a, json_pack("{s:s,s:I,s:o}",
			    "name", s->rows[i].name, "total",
			    (json_int_t)s->rows[i].total, "ages", cols));
		}
		json_out(a);
		return;
	}
	printf("%-28s %6s", "", "T");
	for (c = 0; c < NCOLS; c++)
		printf(" %6s", head[c]);
	putchar('\n');
	for (i = 0; i < s->n + 1; i++) {
		const struct row *r = i == 0 ? all : &s->rows[i - 1];

		printf("%-28.28s %6llu", r->name, (unsigned long long)r->total);
		for (c = 0; c < NCOLS; c++)
			printf(" %6llu", (unsigned long long)r->col[c]);
		putchar('\n');
	}
}

/* cmd_shape - x400q shape [-D] */
int cmd_shape(int argc, char **argv)
{
	struct shape s = { NULL, 0 };
	struct row all = { "TOTAL", 0, { 0 } };
	struct msg_copy *chunk;
	int64_t now = (int64_t)time(NULL);
	uint64_t from = 1;
	int by_domain = 0, n, rc = 0;
	struct q *q;
	char dom[256];

	if (argc == 2 && (strcmp(argv[1], "-D") == 0 ||
			  strcmp(argv[1], "--domain") == 0))
		by_domain = 1;
	else if (argc != 1)
		return die_usage("shape: only -D (--domain) is taken");
	if ((q = open_store(0)) == NULL)
		return 1;
	chunk = xcalloc(CHUNK, sizeof(*chunk));
	while ((n = read_chunk(q, &from, chunk)) != 0) {
		if (n < 0) {
			rc = n;
			break;
		}
		for (int i = 0; i < n; i++) {
			int c = column(now - chunk[i].m.arrival);

			for (uint32_t k = 0; k < chunk[i].n; k++) {
				const struct q_rcpt *r = &chunk[i].r[k];
				struct row *w;

				if (r->state != Q_ST_PENDING &&
				    r->state != Q_ST_TRANSFER)
					continue;
				if (by_domain)
					domain(r->address, dom, sizeof(dom));
				w = row_of(&s, by_domain ? dom : r->link);
				w->total++;
				w->col[c]++;
				all.total++;
				all.col[c]++;
			}
			free_msg(&chunk[i]);
		}
		if (n < CHUNK)
			break;
	}
	free(chunk);
	q_close(q);
	if (rc == 0) {
		qsort(s.rows, s.n, sizeof(*s.rows), by_total);
		print(&s, &all);
	}
	for (size_t i = 0; i < s.n; i++)
		free(s.rows[i].name);
	free(s.rows);
	return rc ? fail("shape", rc) : 0;
}
