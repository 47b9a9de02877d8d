/*
 * q_count.c - counters kept in the same transaction as what they count
 *
 * SYNOPSIS
 *	#include "q_int.h"
 *
 *	q_contribs_build(&before, size, rcpts, n);
 *	... change the recipients ...
 *	q_contribs_build(&after, size, rcpts, n);
 *	q_count_diff(t, &before, &after);
 *	q_count_total(t, dmsgs, drcpts, dbytes, dapdu);
 *
 * DESCRIPTION
 *	A message contributes, to each (link, state) where it has
 *	recipients, their number, one message and its size in octets. An
 *	operation computes a message's contribution before and after it
 *	changes it and adds the difference to the stored counters, in the
 *	same write transaction: the counters can never disagree with the
 *	records they count, and x400q check recomputes them from scratch
 *	with the same function to prove it. Counters that reach zero are
 *	deleted.
 *
 *	Key "G" holds the totals: messages, recipients, their octets and
 *	the octets of stored APDUs.
 */
#include <stdlib.h>
#include <string.h>

#include "q_int.h"
#include "xalloc.h"

/* cmp_contrib - order by link, then state */
static int cmp_contrib(const void *a, const void *b)
{
	const struct q_contrib *x = a, *y = b;
	int c = strcmp(x->link, y->link);

	if (c)
		return c;
	return (int)x->state - (int)y->state;
}

/* q_contribs_build - what a message with these recipients contributes */
void q_contribs_build(struct q_contribs *c, uint64_t size,
		      const struct q_rcpt *r, size_t n)
{
	size_t i, j;

	c->size = size;
	c->n = 0;
	if (n > c->cap) {
		c->cap = n;
		c->v = xrealloc(c->v, n * sizeof(*c->v));
	}
	for (i = 0; i < n; i++) {
		c->v[i].link = r[i].link;
		c->v[i].state = r[i].state;
		c->v[i].rcpts = 1;
	}
	if (n > 1)
		qsort(c->v, n, sizeof(*c->v), cmp_contrib);
	for (i = 0, j = 0; i < n; i++) {
		if (j > 0 && cmp_contrib(&c->v[j - 1], &c->v[i]) == 0)
			c->v[j - 1].rcpts++;
		else
			c->v[j++] = c->v[i];
	}
	c->n = j;
}

/* q_contribs_free - release the array */
void q_contribs_free(struct q_contribs *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* add - v += d, never below zero */
static uint64_t add(uint64_t v, int64_t d)
{
	if (d < 0 && (uint64_t)-d > v)
		return 0;
	return v + (uint64_t)d;
}

/* bump - add deltas to the counter of (link, state) */
static void bump(struct q_rd *t, const char *link, enum q_state st,
		 int64_t drcpts, int64_t dmsgs, int64_t dbytes)
{
	unsigned char k[Q_MAX_LINK + 8], v[Q_COUNT_LEN];
	uint64_t rc = 0, mc = 0, bc = 0;
	size_t kl = q_key_count(k, link, st);
	MDB_val old;

	if (drcpts == 0 && dmsgs == 0 && dbytes == 0)
		return;
	if (qt_get(t, QDB_COUNT, k, kl, &old) == 0 &&
	    old.mv_size == Q_COUNT_LEN) {
		rc = q_get64(old.mv_data);
		mc = q_get64((unsigned char *)old.mv_data + 8);
		bc = q_get64((unsigned char *)old.mv_data + 16);
	}
	rc = add(rc, drcpts);
	mc = add(mc, dmsgs);
	bc = add(bc, dbytes);
	if (rc == 0 && mc == 0 && bc == 0) {
		qt_del(t, QDB_COUNT, k, kl);
		return;
	}
	q_be64(v, rc);
	q_be64(v + 8, mc);
	q_be64(v + 16, bc);
	qt_put(t, QDB_COUNT, k, kl, v, sizeof(v));
}

/* q_count_diff - add (after - before) to the stored counters */
void q_count_diff(struct q_rd *t, const struct q_contribs *o,
		  const struct q_contribs *n)
{
	size_t i = 0, j = 0;

	while (i < o->n || j < n->n) {
		int c;

		if (i == o->n)
			c = 1;
		else if (j == n->n)
			c = -1;
		else
			c = cmp_contrib(&o->v[i], &n->v[j]);
		if (c < 0) {
			bump(t, o->v[i].link, o->v[i].state,
			     -(int64_t)o->v[i].rcpts, -1,
			     -(int64_t)o->size);
			i++;
		} else if (c > 0) {
			bump(t, n->v[j].link, n->v[j].state,
			     (int64_t)n->v[j].rcpts, 1, (int64_t)n->size);
			j++;
		} else {
			bump(t, n->v[j].link, n->v[j].state,
			     (int64_t)n->v[j].rcpts - (int64_t)o->v[i].rcpts,
			     0, (int64_t)n->size - (int64_t)o->size);
			i++;
			j++;
		}
	}
}

/* q_count_total - add to the totals under key "G" */
void q_count_total(struct q_rd *t, int64_t dmsgs, int64_t drcpts,
		   int64_t dbytes, int64_t dapdu)
{
	unsigned char v[Q_TOTAL_LEN];
	uint64_t c[4] = { 0, 0, 0, 0 };
	MDB_val old;

	if (qt_get(t, QDB_COUNT, "G", 1, &old) == 0 &&
	    old.mv_size == Q_TOTAL_LEN)
		for (int i = 0; i < 4; i++)
			c[i] = q_get64((unsigned char *)old.mv_data + 8 * i);
	c[0] = add(c[0], dmsgs);
	c[1] = add(c[1], drcpts);
	c[2] = add(c[2], dbytes);
	c[3] = add(c[3], dapdu);
	for (int i = 0; i < 4; i++)
		q_be64(v + 8 * i, c[i]);
	qt_put(t, QDB_COUNT, "G", 1, v, sizeof(v));
}

/* q_count_state - recipients in state st on every link, summed from the
 *	"L" counters (one entry per link and state: no walk of the queue) */
int q_count_state(struct q_rd *t, enum q_state st, uint64_t *n)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	*n = 0;
	if (qt_cursor(t, QDB_COUNT, &c))
		return t->ret;
	k.mv_data = "L";
	k.mv_size = 1;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const unsigned char *p = k.mv_data;

		if (k.mv_size < 1 || p[0] != 'L')
			break;
		if (k.mv_size >= 4 && p[k.mv_size - 1] == st &&
		    v.mv_size == Q_COUNT_LEN)
			*n += q_get64(v.mv_data);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return t->ret = q_err(rc);
	return 0;
}
