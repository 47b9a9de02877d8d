/*
 * x400q_show.c - x400q show and journal: one message in full, the journal
 *
 * Part of x400q (x400q.c: the manual, the commands table and main;
 * x400q.h: what the parts share).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "p1_env.h"
#include "p1_id.h"
#include "p1_trace.h"
#include "x400q.h"
#include "xalloc.h"

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
		(*out)[*n].user = xstrdup(e.user);
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
		free((char *)j[i].user);
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
	json_object_set_new(o, "user", e->user[0] ?
			    json_string(e->user) : json_null());
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

/* waits_on_daemon - whether r waits on a link x400d reports down or
 *	held (links: x400d's answer, or NULL when it does not run) */
static int waits_on_daemon(const struct q_rcpt *r, json_t *links)
{
	json_t *l;
	const char *st;

	if (links == NULL || (r->state != Q_ST_PENDING &&
			      r->state != Q_ST_TRANSFER) ||
	    (l = ctl_link_find(links, r->link)) == NULL)
		return 0;
	st = json_string_value(json_object_get(l, "state"));
	return st && (strcmp(st, "down") == 0 || strcmp(st, "held") == 0);
}

/* link_now - add x400d's view of its link to each waiting recipient
 *	of o (show --json) */
static void link_now(json_t *o, const struct msg_copy *c, json_t *links)
{
	json_t *a = json_object_get(o, "recipients");

	for (uint32_t k = 0; links && k < c->n; k++)
		if (waits_on_daemon(&c->r[k], links))
			json_object_set(json_array_get(a, k), "link_now",
					ctl_link_find(links, c->r[k].link));
}

/* show_human - print what cmd_show gathered */
static void show_human(const struct msg_copy *c, const struct q_jent *j,
		       size_t nj, json_t *trace, json_t *itrace,
		       const char *env, const char *decode_err, int64_t now,
		       json_t *links)
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
		if (waits_on_daemon(r, links))
			ctl_link_why(ctl_link_find(links, r->link), now);
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
int cmd_show(int argc, char **argv)
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
		json_t *links = NULL;
		uint32_t k = 0;

		while (k < c.n && c.r[k].state != Q_ST_PENDING &&
		       c.r[k].state != Q_ST_TRANSFER)
			k++;
		if (k < c.n)		/* one waits: ask x400d why */
			links = ctl_links_quiet();

		if (json_mode) {
			json_t *o = json_msg(&c, now), *h = json_array();

			link_now(o, &c, links);
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
				   derr, now, links);
			json_decref(trace);
			json_decref(itrace);
		}
		json_decref(links);
	}
	if (a)
		codec_free(codec_pdu("MTS-APDU"), a);
	free(env);
	free(apdu);
	free_journal(j, nj);
	free_msg(&c);
	return 0;
}

/* ---- journal -------------------------------------------------------------- */

/* cmd_journal - the journal, or one message's part, the last N */
int cmd_journal(int argc, char **argv)
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

