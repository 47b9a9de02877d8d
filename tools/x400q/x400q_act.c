/*
 * x400q_act.c - the x400q commands that change the queue: hold, release,
 *	delete, retry, reroute
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

#include "cfg.h"
#include "x400q.h"
#include "xalloc.h"

/* ---- the commands that change the queue ----------------------------------- */

/* who - the journal text naming the operator */
static const char *who(const char *what, char *buf, size_t n)
{
	snprintf(buf, n, "%s by %s (x400q)", what, operator_name());
	return buf;
}

/* apply_one - one op in a transaction of our own; prints the outcome */
static int apply_one(struct q *q, struct q_op *op, const char *cmd,
		     const char *more)
{
	char what[160];
	uint64_t id = 0;
	int rc;

	op->user = operator_name();	/* the journal names him; x400d
					 * logs it (event 5008) */
	rc = q_apply(q, op, 1, &id);

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
int cmd_hold(int argc, char **argv)
{
	int hold = strcmp(argv[0], "hold") == 0;
	struct q_op op = { .now = (int64_t)time(NULL) };
	const char *link;
	uint32_t *idx;
	uint64_t *ids = NULL;
	size_t nidx, nids = 0, i;
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
		if ((rc = collect_ids(argc, argv, optind, argv[0], &ids,
				      &nids)) != 0 ||
		    (idx && nids != 1)) {
			free(idx);
			free(ids);
			return rc ? rc : die_usage("%s -r: one message id",
						   argv[0]);
		}
		op.type = hold ? Q_OP_HOLD : Q_OP_RELEASE;
		op.idx = idx;
		op.nidx = nidx;
	}
	op.text = who(hold ? "held" : "released", text, sizeof(text));
	if ((q = open_store(1)) == NULL) {
		free(idx);
		free(ids);
		return 1;
	}
	if (link) {
		rc = apply_one(q, &op, argv[0], "");
	} else {
		for (i = 0; i < nids; i++) {
			op.id = ids[i];
			rc |= apply_one(q, &op, argv[0], "");
		}
	}
	q_close(q);
	free(idx);
	free(ids);
	return rc;
}

/* cmd_delete - remove a message, or owe non-delivery reports */
int cmd_delete(int argc, char **argv)
{
	struct q_op op = { .type = Q_OP_DELETE, .now = (int64_t)time(NULL),
			   .reason = -1, .diag = -1 };
	const char *link, *text = NULL;
	uint32_t *idx;
	uint64_t *ids;
	size_t nidx, nids, i;
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
	if ((rc = collect_ids(argc, argv, optind, "delete", &ids,
			      &nids)) != 0)
		return rc;
	if (ndr) {
		op.flags = Q_OPF_REPORT;
		op.reason = 1;		/* X.411 unable-to-transfer */
	}
	op.text = text ? text : who("deleted", buf, sizeof(buf));
	if ((q = open_store(1)) == NULL) {
		free(ids);
		return 1;
	}
	for (i = 0; i < nids; i++) {
		op.id = ids[i];
		rc |= apply_one(q, &op, "delete", ndr ? " --ndr" : "");
	}
	q_close(q);
	free(ids);
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
				   .text = "retry of the link (x400q)",
				   .user = operator_name() };

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
int cmd_retry(int argc, char **argv)
{
	struct q_op op = { .type = Q_OP_RETRY, .now = (int64_t)time(NULL) };
	const char *link;
	uint32_t *idx;
	uint64_t *ids = NULL;
	size_t nidx, nids = 0, i = 0;
	char text[128];
	struct q *q;
	int rc = 0;

	if ((rc = parse_target(argc, argv, "retry", 1, &idx, &nidx, &link,
			       NULL, NULL)) != 0)
		return rc;
	if (link && (optind != argc || idx)) {
		free(idx);
		return die_usage("retry -l LINK takes nothing else");
	}
	if (!link && ((rc = collect_ids(argc, argv, optind, "retry", &ids,
					&nids)) != 0 || (idx && nids != 1))) {
		free(idx);
		free(ids);
		return rc ? rc : die_usage("retry -r: one message id");
	}
	/* a running x400d retries and connects at once */
	if (link && (rc = ctl_retry(link, 0, NULL, 0)) != CTL_DOWN) {
		free(idx);
		return rc;
	}
	for (i = 0; !link && i < nids; i++) {
		int r = ctl_retry(NULL, ids[i], idx, nidx);

		if (r == CTL_DOWN)
			break;
		rc |= r;
	}
	if (!link && i == nids) {	/* x400d did them all */
		free(idx);
		free(ids);
		return rc;
	}
	if ((q = open_store(1)) == NULL) {
		free(idx);
		free(ids);
		return 1;
	}
	if (link) {
		rc = retry_link(q, link);
	} else {
		op.idx = idx;
		op.nidx = nidx;
		op.text = who("retry", text, sizeof(text));
		for (; i < nids; i++) {
			op.id = ids[i];
			rc |= apply_one(q, &op, "retry", "");
		}
	}
	q_close(q);
	free(idx);
	free(ids);
	return rc;
}

/* cmd_reroute - move pending recipients to another link: one that can
 *	send, or local delivery for recipients that are ours; never a
 *	report by itself (the store's REROUTE makes none) */
int cmd_reroute(int argc, char **argv)
{
	struct q_op op = { .type = Q_OP_REROUTE, .now = (int64_t)time(NULL) };
	char why[CFG_ERRLEN + 256], more[Q_MAX_LINK + 8];
	const char *link;
	uint32_t *idx, *checked = NULL;
	size_t nidx, nchecked = 0;
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
	snprintf(more, sizeof(more), " %.*s", Q_MAX_LINK, op.link);
	rc = reroute_check(q, op.id, op.link, idx, nidx, &checked, &nchecked,
			   why, sizeof(why));
	if (rc == 0) {
		if (checked) {		/* exactly those checked */
			op.idx = checked;
			op.nidx = nchecked;
		}
		rc = apply_one(q, &op, "reroute", more);
	} else {
		char what[Q_MAX_LINK + 64];

		snprintf(what, sizeof(what), "reroute %llu%s",
			 (unsigned long long)op.id, more);
		rc = rc == 1 ? refuse(what, why) : fail(what, rc);
	}
	q_close(q);
	free(checked);
	free(idx);
	return rc;
}
