/*
 * x400q_common.c - what every x400q command uses: errors, the store,
 *	times and ages, messages copied out of a snapshot, JSON
 *
 * Part of x400q (x400q.c: the manual, the commands table and main;
 * x400q.h: what the parts share).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "x400q.h"
#include "xalloc.h"


/* die_usage - a usage error */
int die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "x400q: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(x400q --help for usage)\n");
	return 2;
}

/* fail - report a failure (stderr, and a JSON error object with -j) */
int fail(const char *what, int err)
{
	fprintf(stderr, "x400q: %s: %s\n", what, q_strerror(err));
	if (json_mode) {
		json_t *o = json_pack("{s:b,s:s,s:s}", "ok", 0, "error",
				      q_strerror(err), "what", what);

		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	}
	return 1;
}

/* refuse - a command refused for a reason of ours */
int refuse(const char *what, const char *why)
{
	fprintf(stderr, "x400q: %s: refused: %s\n", what, why);
	if (json_mode)
		json_out(json_pack("{s:b,s:s,s:s}", "ok", 0, "error", why,
				   "what", what));
	return 1;
}

/* open_store - the store, read-only unless writing */
struct q *open_store(int write)
{
	struct q_config cfg = { .dir = store_dir, .readonly = !write };
	struct q *q;
	int rc = q_open(&cfg, &q);

	if (rc) {
		char what[4200];

		snprintf(what, sizeof(what), "cannot open queue %s", store_dir);
		fail(what, rc);
		return NULL;
	}
	return q;
}

/* fmt_time - ISO 8601 UTC, "-" for 0 */
const char *fmt_time(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0) {
		snprintf(buf, n, "-");
		return buf;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* fmt_size - octets for people, 1024s, one decimal */
const char *fmt_size(uint64_t v, char *buf, size_t n)
{
	static const char unit[] = "KMGTP";
	double d = (double)v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, n, "%llu", (unsigned long long)v);
		return buf;
	}
	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	snprintf(buf, n, "%.1f%c", d, unit[u]);
	return buf;
}

/* fmt_age - seconds as "3d04h", "2h05m", "5m03s", "42s" */
const char *fmt_age(int64_t s, char *buf, size_t n)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, n, "%lldd%02lldh", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, n, "%lldh%02lldm", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, n, "%lldm%02llds", (long long)(s / 60),
			 (long long)(s % 60));
	else
		snprintf(buf, n, "%llds", (long long)s);
	return buf;
}

/* parse_age - "90", "90s", "15m", "2h", "3d", "1w" in seconds; -1 bad */
int64_t parse_age(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': v *= 60; break;
	case 'h': v *= 3600; break;
	case 'd': v *= 86400; break;
	case 'w': v *= 7 * 86400; break;
	default: return -1;
	}
	if (*end && end[1])
		return -1;
	return v;
}

/* parse_id - a message id; 0 if not one */
uint64_t parse_id(const char *s)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return 0;
	return v;
}

/* ---- messages copied out of a snapshot ---------------------------------- */

/* copy_msg, copy_rcpt - give a record's strings their own memory */
void copy_msg(struct msg_copy *c, const struct q_msg *m)
{
	c->m = *m;
	c->m.mtsid = xstrdup(m->mtsid);
	c->m.originator = xstrdup(m->originator);
	c->m.content_type = xstrdup(m->content_type);
	c->m.src_link = xstrdup(m->src_link);
	c->m.src_peer = xstrdup(m->src_peer);
}

static void copy_rcpt(struct q_rcpt *d, const struct q_rcpt *r)
{
	*d = *r;
	d->address = xstrdup(r->address);
	d->link = xstrdup(r->link);
	d->diag_text = xstrdup(r->diag_text);
}

void free_msg(struct msg_copy *c)
{
	free((char *)c->m.mtsid);
	free((char *)c->m.originator);
	free((char *)c->m.content_type);
	free((char *)c->m.src_link);
	free((char *)c->m.src_peer);
	for (uint32_t i = 0; i < c->n; i++) {
		free((char *)c->r[i].address);
		free((char *)c->r[i].link);
		free((char *)c->r[i].diag_text);
	}
	free(c->r);
	memset(c, 0, sizeof(*c));
}

/* load_rcpts - copy every recipient of c->m.id */
int load_rcpts(struct q_rd *rd, struct msg_copy *c)
{
	struct q_iter it;
	struct q_rcpt r;
	int rc;

	c->r = xcalloc(c->m.nrcpt ? c->m.nrcpt : 1, sizeof(*c->r));
	if ((rc = q_iter_rcpts(rd, &it, c->m.id)) != 0)
		return rc;
	while ((rc = q_next_rcpt(&it, &r)) == 1 && c->n < c->m.nrcpt)
		copy_rcpt(&c->r[c->n++], &r);
	q_iter_end(&it);
	if (rc == Q_E_CORRUPT || c->n != c->m.nrcpt)
		c->bad = 1;
	return rc < 0 && rc != Q_E_CORRUPT ? rc : 0;
}

/* read_chunk - up to CHUNK messages from id *from on, in one short
 *	snapshot; *from moves past them. Returns how many, or an error. */
int read_chunk(struct q *q, uint64_t *from, struct msg_copy *out)
{
	struct q_rd *rd;
	struct q_iter it;
	struct q_msg m;
	int rc, n = 0;

	if ((rc = q_rd_begin(q, &rd)) != 0)
		return rc;
	if ((rc = q_iter_msgs(rd, &it, *from)) == 0) {
		while (n < CHUNK && (rc = q_next_msg(&it, &m)) != 0) {
			if (rc == Q_E_CORRUPT) {
				/* x400q check reports it; list skips it */
				*from = m.id + 1;
				continue;
			}
			if (rc < 0)
				break;
			memset(&out[n], 0, sizeof(out[n]));
			copy_msg(&out[n], &m);
			if ((rc = load_rcpts(rd, &out[n])) < 0)
				break;
			*from = m.id + 1;
			n++;
		}
		q_iter_end(&it);
	}
	q_rd_end(rd);
	if (rc < 0) {
		while (n > 0)
			free_msg(&out[--n]);
		return rc;
	}
	return n;
}

/* ---- JSON ---------------------------------------------------------------- */

/* json_rcpt - one recipient as JSON */
static json_t *json_rcpt(const struct q_rcpt *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "index", json_integer(r->idx));
	json_object_set_new(o, "address", json_string(r->address));
	json_object_set_new(o, "link", json_string(r->link));
	json_object_set_new(o, "state", json_string(q_state_name(r->state)));
	json_object_set_new(o, "attempts", json_integer(r->attempts));
	json_object_set_new(o, "next_attempt", json_integer(r->next_attempt));
	json_object_set_new(o, "changed", json_integer(r->changed));
	json_object_set_new(o, "held", json_boolean(r->flags & Q_RF_HOLD));
	json_object_set_new(o, "responsible",
			    json_boolean(r->flags & Q_RF_RESPONSIBLE));
	json_object_set_new(o, "reason", r->reason >= 0 ?
			    json_integer(r->reason) : json_null());
	json_object_set_new(o, "diagnostic", r->diag >= 0 ?
			    json_integer(r->diag) : json_null());
	json_object_set_new(o, "text", json_string(r->diag_text));
	return o;
}

/* json_msg - a message (and its recipients) as JSON */
json_t *json_msg(const struct msg_copy *c, int64_t now)
{
	const struct q_msg *m = &c->m;
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "id", json_integer((json_int_t)m->id));
	json_object_set_new(o, "kind", json_string(q_kind_name(m->kind)));
	json_object_set_new(o, "priority", json_string(q_prio_name(m->prio)));
	json_object_set_new(o, "mtsid", json_string(m->mtsid));
	json_object_set_new(o, "originator", json_string(m->originator));
	json_object_set_new(o, "content_type", json_string(m->content_type));
	json_object_set_new(o, "size", json_integer((json_int_t)m->size));
	json_object_set_new(o, "apdu_size",
			    json_integer((json_int_t)m->apdu_len));
	json_object_set_new(o, "arrival", json_integer(m->arrival));
	json_object_set_new(o, "age", json_integer(now - m->arrival));
	json_object_set_new(o, "deferred", json_integer(m->deferred));
	json_object_set_new(o, "latest_delivery", json_integer(m->latest));
	json_object_set_new(o, "expiry", json_integer(m->expiry));
	json_object_set_new(o, "held", json_boolean(m->flags & Q_MF_HOLD));
	json_object_set_new(o, "source_link", json_string(m->src_link));
	json_object_set_new(o, "source_peer", json_string(m->src_peer));
	for (uint32_t i = 0; i < c->n; i++)
		json_array_append_new(a, json_rcpt(&c->r[i]));
	json_object_set_new(o, "recipients", a);
	if (c->bad)
		json_object_set_new(o, "damaged", json_true());
	return o;
}

/* json_out - print and free a JSON document */
void json_out(json_t *o)
{
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(o);
}


/* ids_stdin - add the first word of each line of standard input */
static int ids_stdin(const char *cmd, uint64_t **ids, size_t *n)
{
	char line[512], word[64];
	unsigned lineno = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		uint64_t id;

		lineno++;
		if (sscanf(line, "%63s", word) != 1 || word[0] == '#')
			continue;
		if ((id = parse_id(word)) == 0)
			return die_usage("%s: standard input line %u: \"%s\" is "
					 "not a message id", cmd, lineno, word);
		*ids = xrealloc(*ids, (*n + 1) * sizeof(**ids));
		(*ids)[(*n)++] = id;
	}
	return 0;
}

int collect_ids(int argc, char **argv, int first, const char *cmd,
		uint64_t **ids, size_t *n)
{
	int i, rc;

	*ids = NULL;
	*n = 0;
	for (i = first; i < argc; i++) {
		uint64_t id;

		if (strcmp(argv[i], "-") == 0) {
			if ((rc = ids_stdin(cmd, ids, n)) != 0)
				goto bad;
			continue;
		}
		if ((id = parse_id(argv[i])) == 0) {
			rc = die_usage("%s: \"%s\" is not a message id", cmd,
				       argv[i]);
			goto bad;
		}
		*ids = xrealloc(*ids, (*n + 1) * sizeof(**ids));
		(*ids)[(*n)++] = id;
	}
	if (*n > 0)
		return 0;
	rc = die_usage("%s: a message id expected (several, or - to read "
		       "them from standard input)", cmd);
bad:
	free(*ids);
	*ids = NULL;
	*n = 0;
	return rc;
}
