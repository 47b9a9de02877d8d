/*
 * x400q - look into the message queue and steer it
 *
 * SYNOPSIS
 *	x400q [-d DIR] [-j] COMMAND [ARGUMENTS]
 *
 * DESCRIPTION
 *	The operator's view of x400d's queue (store/q.h), like Exchange's
 *	queue viewer and mtacheck, or PP's mtaconsole. The reading commands
 *	(list, show, stats, journal, check) open the store read-only and
 *	read short snapshots, so they run while the daemon writes; the
 *	mutating ones (hold, release, delete, retry, reroute, check
 *	--repair) open it for writing and apply each change in a short
 *	transaction of their own, which LMDB serialises with the daemon's.
 *	Human tables by default; -j (--json) prints one JSON document for
 *	scripts. The manual is usage_text below and docs/store.md.
 *
 * DIAGNOSTICS
 *	Exit status 0 on success, 1 when the command failed (no such
 *	message, a state that does not allow it, an inconsistent store),
 *	2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "log.h"
#include "p1_env.h"
#include "p1_id.h"
#include "p1_trace.h"
#include "q.h"
#include "xalloc.h"

#define X400Q_DEFAULT_DIR	"/var/spool/x400/queue"
#define CHUNK			512	/* messages read per snapshot */

static const char usage_text[] =
"usage: x400q [-d DIR] [-j] COMMAND [ARGUMENTS]\n"
"\n"
"Look into x400d's message queue, and steer it, while the daemon runs.\n"
"\n"
"Global options:\n"
"  -d, --dir DIR     the queue (default: $X400_QUEUE, else "
X400Q_DEFAULT_DIR ")\n"
"  -j, --json        one JSON document on standard output, for scripts\n"
"  -h, --help        this text\n"
"\n"
"Reading commands (the queue is opened read-only):\n"
"  list [FILTERS]    one line per message, oldest id first\n"
"      -l, --link LINK        a recipient on LINK (\"local\": local delivery)\n"
"      -s, --state STATE      a recipient in STATE: pending, transfer,\n"
"                             delivered, failed, report, done\n"
"      -p, --priority PRIO    urgent, normal or non-urgent\n"
"      -k, --kind KIND        message, probe or report\n"
"      -o, --older-than AGE   arrived at least AGE ago (AGE: 90, 90s, 15m,\n"
"                             2h, 3d, 1w)\n"
"      -n, --newer-than AGE   arrived less than AGE ago\n"
"      -f, --from GLOB        originator O/R address matches GLOB\n"
"      -t, --to GLOB          a recipient's O/R address matches GLOB\n"
"      -H, --held             held (the message or one of its recipients)\n"
"      -m, --max N            at most N messages\n"
"    Recipient filters (-l, -s, -t) must hold for the same recipient;\n"
"    globs are shell patterns (*, ?, [...]), letters' case ignored.\n"
"  show ID [--raw]   the envelope decoded, with its trace and internal\n"
"                    trace, each recipient's state, and the message's\n"
"                    history from the journal; --raw writes the stored\n"
"                    MTS-APDU (BER) to standard output instead\n"
"  stats             messages, recipients and octets per link and state,\n"
"                    held links, an age histogram, the oldest message\n"
"  journal [ID] [-m N]  the journal (of message ID), the last N entries\n"
"  check             verify every record, index and counter (like\n"
"                    mtacheck); exit status 1 if anything is wrong\n"
"\n"
"Commands that change the queue:\n"
"  hold ID [-r IDX]...     hold a message (or some of its recipients):\n"
"                          the daemon does not send it until released\n"
"  hold -l LINK            hold everything queued on a link\n"
"  release ID [-r IDX]... | release -l LINK\n"
"  delete ID [--ndr] [-m TEXT]\n"
"                          remove a message; with --ndr, instead mark its\n"
"                          pending recipients failed (unable-to-transfer)\n"
"                          with a report owed: the daemon then sends the\n"
"                          originator a non-delivery report and removes\n"
"                          the message. A report is never reported on.\n"
"  retry ID [-r IDX]... | retry -l LINK\n"
"                          make pending recipients due now\n"
"  reroute ID LINK [-r IDX]...\n"
"                          move pending recipients to another link, due now\n"
"  check --repair          fix what can be fixed, saying what was done\n"
"\n"
"Exit status: 0 success, 1 failure or inconsistency, 2 usage error.\n";

static int json_mode;
static const char *store_dir;

/* die_usage - a usage error */
static int die_usage(const char *fmt, ...)
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
static int fail(const char *what, int err)
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

/* open_store - the store, read-only unless writing */
static struct q *open_store(int write)
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
static const char *fmt_time(int64_t t, char *buf, size_t n)
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

/* fmt_age - seconds as "3d04h", "2h05m", "5m03s", "42s" */
static const char *fmt_age(int64_t s, char *buf, size_t n)
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
static int64_t parse_age(const char *s)
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
static uint64_t parse_id(const char *s)
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

struct msg_copy {
	struct q_msg	m;
	struct q_rcpt	*r;
	uint32_t	n;
	int		bad;		/* a record did not decode */
};

/* copy_msg, copy_rcpt - give a record's strings their own memory */
static void copy_msg(struct msg_copy *c, const struct q_msg *m)
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

static void free_msg(struct msg_copy *c)
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
static int load_rcpts(struct q_rd *rd, struct msg_copy *c)
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
static int read_chunk(struct q *q, uint64_t *from, struct msg_copy *out)
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
static json_t *json_msg(const struct msg_copy *c, int64_t now)
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
static void json_out(json_t *o)
{
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(o);
}

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
static int cmd_list(int argc, char **argv)
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
		       "PRIORITY", "KIND", "OCTETS", "HOLD", "RECIPIENTS",
		       "ORIGINATOR");
	while ((n = read_chunk(q, &from, chunk)) > 0) {
		for (int i = 0; i < n; i++) {
			struct msg_copy *m = &chunk[i];
			char age[32], rs[512];

			if ((max < 0 || shown < max) && match(&f, m, now)) {
				shown++;
				if (json_mode) {
					json_array_append_new(arr,
							      json_msg(m, now));
				} else {
					rcpt_summary(m, rs, sizeof(rs));
					printf("%8llu  %-7s %-10s %-7s %8llu "
					       "%-4s %-28s %s\n",
					       (unsigned long long)m->m.id,
					       fmt_age(now - m->m.arrival, age,
						       sizeof(age)),
					       q_prio_name(m->m.prio),
					       q_kind_name(m->m.kind),
					       (unsigned long long)m->m.size,
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

/* ---- show ----------------------------------------------------------------- */

/* copy_journal - a message's journal entries, copied */
static int copy_journal(struct q_rd *rd, uint64_t id, struct q_jent **out,
			size_t *n)
{
	struct q_iter it;
	struct q_jent e;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = q_iter_journal(rd, &it, id)) != 0)
		return rc;
	while ((rc = q_next_journal(&it, &e)) == 1) {
		if (*n == cap)
			*out = xrealloc(*out, (cap = cap * 2 + 16) *
					sizeof(**out));
		(*out)[*n] = e;
		(*out)[*n].link = xstrdup(e.link);
		(*out)[*n].peer = xstrdup(e.peer);
		(*out)[*n].text = xstrdup(e.text);
		++*n;
	}
	q_iter_end(&it);
	return rc < 0 ? rc : 0;
}

static void free_journal(struct q_jent *j, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)j[i].link);
		free((char *)j[i].peer);
		free((char *)j[i].text);
	}
	free(j);
}

/* print_jent - one journal line */
static void print_jent(const struct q_jent *e, int with_id)
{
	char t[32];

	printf("  %s  %-9s", fmt_time(e->time, t, sizeof(t)),
	       q_jtype_name(e->type));
	if (with_id)
		printf(" msg %llu", (unsigned long long)e->id);
	if (e->rcpt >= 0)
		printf(" rcpt %d", e->rcpt);
	if (e->link[0])
		printf(" link %s", e->link);
	if (e->peer[0])
		printf(" peer %s", e->peer);
	if (e->text[0])
		printf("%s%s", with_id || e->rcpt >= 0 || e->link[0] ||
		       e->peer[0] ? ": " : " ", e->text);
	putchar('\n');
}

/* json_jent - one journal entry as JSON */
static json_t *json_jent(const struct q_jent *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
	json_object_set_new(o, "time", json_integer(e->time));
	json_object_set_new(o, "type", json_string(q_jtype_name(e->type)));
	json_object_set_new(o, "id", json_integer((json_int_t)e->id));
	json_object_set_new(o, "recipient", e->rcpt >= 0 ?
			    json_integer(e->rcpt) : json_null());
	json_object_set_new(o, "link", json_string(e->link));
	json_object_set_new(o, "peer", json_string(e->peer));
	json_object_set_new(o, "text", json_string(e->text));
	return o;
}

/* ut_time - a UTCTime as seconds, or 0 */
static int64_t ut_time(const UTCTime_t *u)
{
	struct tm tm;
	time_t t = asn_UT2time(u, &tm, 1);

	return t == (time_t)-1 ? 0 : (int64_t)t;
}

/* trace_json - the trace and internal trace of a decoded APDU */
static json_t *trace_json(const MTS_APDU_t *a, json_t **internal)
{
	const TraceInformation_t *t = p1_env_trace_c(a);
	InternalTraceInformation_t *it = p1_trace_internal(a);
	json_t *arr = json_array();

	for (int i = 0; t && i < t->list.count; i++) {
		const TraceInformationElement_t *e = t->list.array[i];
		const DomainSuppliedInformation_t *d =
			&e->domain_supplied_information;
		char *gdi = p1_gdi_format(&e->global_domain_identifier);
		json_t *o = json_object();

		json_object_set_new(o, "domain", json_string(gdi));
		json_object_set_new(o, "arrival",
				    json_integer(ut_time(&d->arrival_time)));
		json_object_set_new(o, "action", json_string(
			d->routing_action == 1 ? "rerouted" : "relayed"));
		if (d->attempted_domain) {
			char *ad = p1_gdi_format(d->attempted_domain);

			json_object_set_new(o, "attempted_domain",
					    json_string(ad));
			free(ad);
		}
		json_array_append_new(arr, o);
		free(gdi);
	}
	*internal = json_array();
	for (int i = 0; it && i < it->list.count; i++) {
		const InternalTraceInformationElement_t *e = it->list.array[i];
		const MTASuppliedInformation_t *s = &e->mta_supplied_information;
		char *gdi = p1_gdi_format(&e->global_domain_identifier);
		json_t *o = json_object();

		json_object_set_new(o, "domain", json_string(gdi));
		json_object_set_new(o, "mta", json_stringn(
			(const char *)e->mta_name.buf, (size_t)e->mta_name.size));
		json_object_set_new(o, "arrival",
				    json_integer(ut_time(&s->arrival_time)));
		json_object_set_new(o, "action", json_string(
			s->routing_action == 1 ? "rerouted" : "relayed"));
		json_array_append_new(*internal, o);
		free(gdi);
	}
	if (it)
		ASN_STRUCT_FREE(asn_DEF_InternalTraceInformation, it);
	return arr;
}

/* envelope_text - the decoded envelope (and a report's content) */
static char *envelope_text(const MTS_APDU_t *a)
{
	switch (a->present) {
	case MTS_APDU_PR_message:
		return codec_sprint(&asn_DEF_MessageTransferEnvelope,
				    &a->choice.message.envelope);
	case MTS_APDU_PR_probe:
		return codec_sprint(&asn_DEF_Probe, &a->choice.probe);
	case MTS_APDU_PR_report:
		return codec_sprint(&asn_DEF_Report, &a->choice.report);
	default:
		return xstrdup("(no envelope)");
	}
}

/* show_human - print what cmd_show gathered */
static void show_human(const struct msg_copy *c, const struct q_jent *j,
		       size_t nj, json_t *trace, json_t *itrace,
		       const char *env, const char *decode_err, int64_t now)
{
	const struct q_msg *m = &c->m;
	char t1[32], t2[32];
	size_t i;
	json_t *v;

	printf("Message %llu\n", (unsigned long long)m->id);
	printf("  kind            %s\n", q_kind_name(m->kind));
	printf("  priority        %s\n", q_prio_name(m->prio));
	printf("  MTS identifier  %s\n", m->mtsid);
	printf("  originator      %s\n", m->originator);
	printf("  content type    %s\n", m->content_type);
	printf("  size            %llu octets (APDU %llu octets)\n",
	       (unsigned long long)m->size, (unsigned long long)m->apdu_len);
	printf("  arrived         %s (%s ago)", fmt_time(m->arrival, t1,
	       sizeof(t1)), fmt_age(now - m->arrival, t2, sizeof(t2)));
	if (m->src_link[0])
		printf(" from link %s", m->src_link);
	if (m->src_peer[0])
		printf(" peer %s", m->src_peer);
	printf("\n  deferred until  %s\n", fmt_time(m->deferred, t1,
	       sizeof(t1)));
	printf("  latest delivery %s\n", fmt_time(m->latest, t1, sizeof(t1)));
	printf("  expires         %s\n", fmt_time(m->expiry, t1, sizeof(t1)));
	printf("  held            %s\n", m->flags & Q_MF_HOLD ? "yes" : "no");
	printf("Recipients (%u)\n", m->nrcpt);
	printf("  %3s %-9s %-12s %4s %-20s %-5s %s\n", "IDX", "STATE", "LINK",
	       "ATT", "NEXT ATTEMPT", "FLAGS", "ADDRESS");
	for (uint32_t k = 0; k < c->n; k++) {
		const struct q_rcpt *r = &c->r[k];

		printf("  %3u %-9s %-12s %4u %-20s %-5s %s\n", r->idx,
		       q_state_name(r->state), r->link, r->attempts,
		       fmt_time(r->next_attempt, t1, sizeof(t1)),
		       r->flags & Q_RF_HOLD ? (r->flags & Q_RF_RESPONSIBLE ?
		       "H,R" : "H") : r->flags & Q_RF_RESPONSIBLE ? "R" : "-",
		       r->address);
		if (r->reason >= 0)
			printf("      reason %d", r->reason);
		else if (r->diag_text[0])
			printf("     ");
		if (r->diag >= 0)
			printf(" diagnostic %d", r->diag);
		if (r->diag_text[0])
			printf("%s%s", r->reason >= 0 || r->diag >= 0 ?
			       ": " : " last error: ", r->diag_text);
		if (r->reason >= 0 || r->diag_text[0])
			putchar('\n');
	}
	if (c->bad)
		printf("  (recipient records damaged: run x400q check)\n");
	printf("Trace\n");
	json_array_foreach(trace, i, v) {
		printf("  %zu. %-24s arrived %s %s", i + 1,
		       json_string_value(json_object_get(v, "domain")),
		       fmt_time(json_integer_value(json_object_get(v,
				"arrival")), t1, sizeof(t1)),
		       json_string_value(json_object_get(v, "action")));
		if (json_object_get(v, "attempted_domain"))
			printf(" (attempted %s)", json_string_value(
			       json_object_get(v, "attempted_domain")));
		putchar('\n');
	}
	if (json_array_size(itrace)) {
		printf("Internal trace\n");
		json_array_foreach(itrace, i, v)
			printf("  %zu. %-24s mta %s arrived %s %s\n", i + 1,
			       json_string_value(json_object_get(v, "domain")),
			       json_string_value(json_object_get(v, "mta")),
			       fmt_time(json_integer_value(json_object_get(v,
					"arrival")), t1, sizeof(t1)),
			       json_string_value(json_object_get(v,
					"action")));
	}
	printf("History\n");
	for (i = 0; i < nj; i++)
		print_jent(&j[i], 0);
	if (decode_err)
		printf("Envelope\n  the stored APDU does not decode: %s\n",
		       decode_err);
	else
		printf("Envelope\n%s", env);
}

/* cmd_show - one message in full */
static int cmd_show(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "raw", 0, NULL, 'r' }, { NULL, 0, NULL, 0 }
	};
	struct msg_copy c;
	struct q_jent *j = NULL;
	unsigned char *apdu = NULL;
	size_t apdu_len = 0, nj = 0;
	int64_t now = (int64_t)time(NULL);
	int raw = 0, rc, opt, exists;
	char *env = NULL, decode_err[256];
	const char *derr = NULL;
	MTS_APDU_t *a = NULL;
	struct q_rd *rd;
	struct q_msg m;
	uint64_t id;
	struct q *q;

	while ((opt = getopt_long(argc, argv, "r", lo, NULL)) != -1) {
		if (opt != 'r')
			return die_usage("show: bad option");
		raw = 1;
	}
	if (optind + 1 != argc || (id = parse_id(argv[optind])) == 0)
		return die_usage("show: one message id expected");
	if ((q = open_store(0)) == NULL)
		return 1;
	memset(&c, 0, sizeof(c));
	if ((rc = q_rd_begin(q, &rd)) != 0) {
		q_close(q);
		return fail("show", rc);
	}
	rc = q_msg_get(rd, id, &m);
	exists = rc == 0;
	if (exists) {
		const void *p;

		copy_msg(&c, &m);
		rc = load_rcpts(rd, &c);
		if (rc == 0 && q_apdu_get(rd, id, &p, &apdu_len) == 0)
			apdu = xmemdup(p, apdu_len ? apdu_len : 1);
	}
	if (rc == 0 || rc == Q_E_NOTFOUND)
		rc = copy_journal(rd, id, &j, &nj) ? rc : (exists ? 0 : rc);
	q_rd_end(rd);
	q_close(q);
	if (!exists) {
		char what[64];

		snprintf(what, sizeof(what), "show %llu",
			 (unsigned long long)id);
		if (nj == 0 || raw) {
			free_journal(j, nj);
			return fail(what, rc ? rc : Q_E_NOTFOUND);
		}
		/* gone, but its history is still in the journal */
		if (json_mode) {
			json_t *o = json_object(), *h = json_array();

			json_object_set_new(o, "id", json_integer(
					    (json_int_t)id));
			json_object_set_new(o, "in_queue", json_false());
			for (size_t i = 0; i < nj; i++)
				json_array_append_new(h, json_jent(&j[i]));
			json_object_set_new(o, "history", h);
			json_out(o);
		} else {
			printf("Message %llu is no longer in the queue\n"
			       "History\n", (unsigned long long)id);
			for (size_t i = 0; i < nj; i++)
				print_jent(&j[i], 0);
		}
		free_journal(j, nj);
		return 0;
	}
	if (raw) {
		int ok = apdu && fwrite(apdu, 1, apdu_len, stdout) == apdu_len;

		free(apdu);
		free_journal(j, nj);
		free_msg(&c);
		return ok ? 0 : fail("show --raw", apdu ? -EIO : Q_E_CORRUPT);
	}
	if (apdu == NULL) {
		derr = "no APDU stored";
	} else if ((rc = codec_decode(codec_pdu("MTS-APDU"), apdu, apdu_len,
				      0, (void **)&a, NULL)) != 0) {
		snprintf(decode_err, sizeof(decode_err), "%s: %s",
			 codec_strerror(rc), codec_last_detail());
		derr = decode_err;
	} else {
		env = envelope_text(a);
	}
	{
		json_t *itrace = NULL;
		json_t *trace = a ? trace_json(a, &itrace) : json_array();

		if (itrace == NULL)
			itrace = json_array();
		if (json_mode) {
			json_t *o = json_msg(&c, now), *h = json_array();

			json_object_set_new(o, "in_queue", json_true());
			json_object_set_new(o, "trace", trace);
			json_object_set_new(o, "internal_trace", itrace);
			for (size_t i = 0; i < nj; i++)
				json_array_append_new(h, json_jent(&j[i]));
			json_object_set_new(o, "history", h);
			if (derr)
				json_object_set_new(o, "decode_error",
						    json_string(derr));
			else
				json_object_set_new(o, "envelope",
						    json_string(env ? env : ""));
			json_out(o);
		} else {
			show_human(&c, j, nj, trace, itrace, env ? env : "",
				   derr, now);
			json_decref(trace);
			json_decref(itrace);
		}
	}
	if (a)
		codec_free(codec_pdu("MTS-APDU"), a);
	free(env);
	free(apdu);
	free_journal(j, nj);
	free_msg(&c);
	return 0;
}

/* ---- stats ---------------------------------------------------------------- */

static const struct { const char *name; int64_t below; } age_buckets[] = {
	{ "1m", 60 }, { "5m", 300 }, { "1h", 3600 }, { "6h", 6 * 3600 },
	{ "1d", 86400 }, { "1w", 7 * 86400 }, { "older", INT64_MAX }
};
#define NBUCKETS (sizeof(age_buckets) / sizeof(age_buckets[0]))

/* cmd_stats - counters, held links, ages */
static int cmd_stats(int argc, char **argv)
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
		char t[32], a[32];

		printf("messages %llu, recipients %llu, octets %llu "
		       "(APDUs %llu)\n", (unsigned long long)tot.msgs,
		       (unsigned long long)tot.rcpts,
		       (unsigned long long)tot.bytes,
		       (unsigned long long)tot.apdu_bytes);
		printf("\n%-16s %-9s %10s %10s %12s\n", "LINK", "STATE",
		       "RECIPIENTS", "MESSAGES", "OCTETS");
		json_array_foreach(counts, i, v)
			printf("%-16s %-9s %10lld %10lld %12lld\n",
			       json_string_value(json_object_get(v, "link")),
			       json_string_value(json_object_get(v, "state")),
			       json_integer_value(json_object_get(v,
						  "recipients")),
			       json_integer_value(json_object_get(v,
						  "messages")),
			       json_integer_value(json_object_get(v,
						  "octets")));
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

/* ---- journal -------------------------------------------------------------- */

/* cmd_journal - the journal, or one message's part, the last N */
static int cmd_journal(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "max", 1, NULL, 'm' }, { NULL, 0, NULL, 0 }
	};
	uint64_t id = 0, max = 50;
	struct q_jent *j = NULL;
	size_t nj = 0, start;
	struct q_rd *rd;
	struct q *q;
	int rc, c;

	while ((c = getopt_long(argc, argv, "m:", lo, NULL)) != -1) {
		if (c != 'm' || (max = parse_id(optarg)) == 0)
			return die_usage("journal: bad option");
	}
	if (optind < argc && (id = parse_id(argv[optind++])) == 0)
		return die_usage("journal: bad message id");
	if (optind != argc)
		return die_usage("journal: unexpected %s", argv[optind]);
	if ((q = open_store(0)) == NULL)
		return 1;
	if ((rc = q_rd_begin(q, &rd)) == 0) {
		rc = copy_journal(rd, id, &j, &nj);
		q_rd_end(rd);
	}
	q_close(q);
	if (rc) {
		free_journal(j, nj);
		return fail("journal", rc);
	}
	start = nj > max ? nj - max : 0;
	if (json_mode) {
		json_t *a = json_array();

		for (size_t i = start; i < nj; i++)
			json_array_append_new(a, json_jent(&j[i]));
		json_out(a);
	} else {
		for (size_t i = start; i < nj; i++)
			print_jent(&j[i], id == 0);
	}
	free_journal(j, nj);
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
static int cmd_check(int argc, char **argv)
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

/* ---- the commands that change the queue ----------------------------------- */

/* who - the journal text naming the operator */
static const char *who(const char *what, char *buf, size_t n)
{
	const char *user = getenv("USER");

	snprintf(buf, n, "%s by %s (x400q)", what, user && *user ? user :
		 "operator");
	return buf;
}

/* apply_one - one op in a transaction of our own; prints the outcome */
static int apply_one(struct q *q, struct q_op *op, const char *cmd,
		     const char *more)
{
	char what[160];
	uint64_t id = 0;
	int rc = q_apply(q, op, 1, &id);

	if (op->link && op->id == 0)
		snprintf(what, sizeof(what), "%s link %s", cmd, op->link);
	else
		snprintf(what, sizeof(what), "%s %llu%s", cmd,
			 (unsigned long long)op->id, more);
	if (rc)
		return fail(what, rc);
	if (json_mode) {
		json_t *o = json_pack("{s:b,s:s}", "ok", 1, "command", cmd);

		if (op->id)
			json_object_set_new(o, "id", json_integer(
					    (json_int_t)op->id));
		if (op->link)
			json_object_set_new(o, "link", json_string(op->link));
		json_out(o);
	} else {
		printf("%s: done\n", what);
	}
	return 0;
}

/* parse_target - -r IDX (repeatable), -l LINK, --ndr, -m TEXT */
static int parse_target(int argc, char **argv, const char *cmd, int want_link,
			uint32_t **idx, size_t *nidx, const char **link,
			int *ndr, const char **text)
{
	static const struct option lo[] = {
		{ "rcpt", 1, NULL, 'r' }, { "link", 1, NULL, 'l' },
		{ "ndr", 0, NULL, 'N' }, { "text", 1, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	int c, rc = 0;

	*idx = NULL;
	*nidx = 0;
	*link = NULL;
	while ((c = getopt_long(argc, argv, "r:l:m:", lo, NULL)) != -1) {
		switch (c) {
		case 'r': {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg ||
			    v >= Q_MAX_RCPTS) {
				rc = die_usage("%s: bad recipient index %s",
					       cmd, optarg);
				goto out;
			}
			*idx = xrealloc(*idx, (*nidx + 1) * sizeof(**idx));
			(*idx)[(*nidx)++] = (uint32_t)v;
			break;
		}
		case 'l':
			if (!want_link) {
				rc = die_usage("%s: no --link here", cmd);
				goto out;
			}
			*link = optarg;
			break;
		case 'N':
			if (!ndr) {
				rc = die_usage("%s: no --ndr here", cmd);
				goto out;
			}
			*ndr = 1;
			break;
		case 'm':
			if (!text) {
				rc = die_usage("%s: no --text here", cmd);
				goto out;
			}
			*text = optarg;
			break;
		default:
			rc = die_usage("%s: bad option", cmd);
			goto out;
		}
	}
	return 0;
out:
	free(*idx);
	*idx = NULL;
	return rc;
}

/* cmd_hold - hold or release a message, recipients, or a link */
static int cmd_hold(int argc, char **argv)
{
	int hold = strcmp(argv[0], "hold") == 0;
	struct q_op op = { .now = (int64_t)time(NULL) };
	const char *link;
	uint32_t *idx;
	size_t nidx;
	char text[128];
	struct q *q;
	int rc;

	if ((rc = parse_target(argc, argv, argv[0], 1, &idx, &nidx, &link,
			       NULL, NULL)) != 0)
		return rc;
	if (link) {
		if (optind != argc || idx) {
			free(idx);
			return die_usage("%s -l LINK takes nothing else",
					 argv[0]);
		}
		op.type = hold ? Q_OP_LINK_HOLD : Q_OP_LINK_RELEASE;
		op.link = link;
	} else {
		if (optind + 1 != argc ||
		    (op.id = parse_id(argv[optind])) == 0) {
			free(idx);
			return die_usage("%s: a message id (or -l LINK) "
					 "expected", argv[0]);
		}
		op.type = hold ? Q_OP_HOLD : Q_OP_RELEASE;
		op.idx = idx;
		op.nidx = nidx;
	}
	op.text = who(hold ? "held" : "released", text, sizeof(text));
	if ((q = open_store(1)) == NULL) {
		free(idx);
		return 1;
	}
	rc = apply_one(q, &op, argv[0], "");
	q_close(q);
	free(idx);
	return rc;
}

/* cmd_delete - remove a message, or owe non-delivery reports */
static int cmd_delete(int argc, char **argv)
{
	struct q_op op = { .type = Q_OP_DELETE, .now = (int64_t)time(NULL),
			   .reason = -1, .diag = -1 };
	const char *link, *text = NULL;
	uint32_t *idx;
	size_t nidx;
	int ndr = 0, rc;
	char buf[128];
	struct q *q;

	if ((rc = parse_target(argc, argv, "delete", 0, &idx, &nidx, &link,
			       &ndr, &text)) != 0)
		return rc;
	if (idx) {
		free(idx);
		return die_usage("delete: whole messages only");
	}
	if (optind + 1 != argc || (op.id = parse_id(argv[optind])) == 0)
		return die_usage("delete: one message id expected");
	if (ndr) {
		op.flags = Q_OPF_REPORT;
		op.reason = 1;		/* X.411 unable-to-transfer */
	}
	op.text = text ? text : who("deleted", buf, sizeof(buf));
	if ((q = open_store(1)) == NULL)
		return 1;
	rc = apply_one(q, &op, "delete", ndr ? " --ndr" : "");
	q_close(q);
	return rc;
}

/* retry_link - every pending recipient queued on link: due now */
static int retry_link(struct q *q, const char *link)
{
	uint64_t *ids = NULL, last = 0;
	size_t n = 0, done = 0;
	struct q_rd *rd;
	struct q_iter it;
	struct q_due d;
	int rc;

	if ((rc = q_rd_begin(q, &rd)) != 0)
		return fail("retry", rc);
	if ((rc = q_iter_due(rd, &it, link, INT64_MAX)) == 0) {
		while ((rc = q_next_due(&it, &d)) == 1)
			if (d.id != last) {
				ids = xrealloc(ids, (n + 1) * sizeof(*ids));
				ids[n++] = last = d.id;
			}
		q_iter_end(&it);
	}
	q_rd_end(rd);
	if (rc < 0) {
		free(ids);
		return fail("retry", rc);
	}
	for (size_t i = 0; i < n; i++) {
		struct q_op op = { .type = Q_OP_RETRY, .id = ids[i],
				   .now = (int64_t)time(NULL),
				   .text = "retry of the link (x400q)" };

		/* each message may have moved on since: skip those */
		if (q_apply(q, &op, 1, NULL) == 0)
			done++;
	}
	free(ids);
	if (json_mode)
		json_out(json_pack("{s:b,s:s,s:s,s:I}", "ok", 1, "command",
				   "retry", "link", link, "messages",
				   (json_int_t)done));
	else
		printf("retry link %s: %zu message%s due now\n", link, done,
		       done == 1 ? "" : "s");
	return 0;
}

/* cmd_retry - make pending recipients due now */
static int cmd_retry(int argc, char **argv)
{
	struct q_op op = { .type = Q_OP_RETRY, .now = (int64_t)time(NULL) };
	const char *link;
	uint32_t *idx;
	size_t nidx;
	char text[128];
	struct q *q;
	int rc;

	if ((rc = parse_target(argc, argv, "retry", 1, &idx, &nidx, &link,
			       NULL, NULL)) != 0)
		return rc;
	if ((link && (optind != argc || idx)) ||
	    (!link && (optind + 1 != argc ||
		       (op.id = parse_id(argv[optind])) == 0))) {
		free(idx);
		return die_usage("retry: a message id or -l LINK expected");
	}
	if ((q = open_store(1)) == NULL) {
		free(idx);
		return 1;
	}
	if (link) {
		rc = retry_link(q, link);
	} else {
		op.idx = idx;
		op.nidx = nidx;
		op.text = who("retry", text, sizeof(text));
		rc = apply_one(q, &op, "retry", "");
	}
	q_close(q);
	free(idx);
	return rc;
}

/* cmd_reroute - move pending recipients to another link */
static int cmd_reroute(int argc, char **argv)
{
	struct q_op op = { .type = Q_OP_REROUTE, .now = (int64_t)time(NULL) };
	const char *link;
	uint32_t *idx;
	size_t nidx;
	struct q *q;
	int rc;

	if ((rc = parse_target(argc, argv, "reroute", 0, &idx, &nidx, &link,
			       NULL, NULL)) != 0)
		return rc;
	if (optind + 2 != argc || (op.id = parse_id(argv[optind])) == 0) {
		free(idx);
		return die_usage("reroute: ID LINK expected");
	}
	op.link = argv[optind + 1];
	op.idx = idx;
	op.nidx = nidx;
	if ((q = open_store(1)) == NULL) {
		free(idx);
		return 1;
	}
	{
		char more[Q_MAX_LINK + 8];

		snprintf(more, sizeof(more), " %.*s", Q_MAX_LINK, op.link);
		rc = apply_one(q, &op, "reroute", more);
	}
	q_close(q);
	free(idx);
	return rc;
}

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
} commands[] = {
	{ "list", cmd_list }, { "show", cmd_show }, { "stats", cmd_stats },
	{ "journal", cmd_journal }, { "check", cmd_check },
	{ "hold", cmd_hold }, { "release", cmd_hold },
	{ "delete", cmd_delete }, { "retry", cmd_retry },
	{ "reroute", cmd_reroute }
};

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dir", 1, NULL, 'd' }, { "json", 0, NULL, 'j' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 }
	};
	int c;

	store_dir = getenv("X400_QUEUE");
	if (store_dir == NULL || *store_dir == '\0')
		store_dir = X400Q_DEFAULT_DIR;
	while ((c = getopt_long(argc, argv, "+d:jh", lo, NULL)) != -1) {
		switch (c) {
		case 'd': store_dir = optarg; break;
		case 'j': json_mode = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: return die_usage("bad option");
		}
	}
	if (optind >= argc)
		return die_usage("a command expected");
	/* the library's events would repeat what we print */
	log_quiet(1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0) {
			char **sub = argv + optind;
			int subc = argc - optind;

			optind = 0;	/* GNU getopt: start again */
			return commands[i].fn(subc, sub);
		}
	return die_usage("no command %s", argv[optind]);
}
