/*
 * mtad_ctl_cmd.c - x400d: the control socket's commands: links, status,
 *	retry, ping
 *
 * Part of the control socket (mtad_ctl.c: the socket, its clients, the
 * protocol and its manual; mtad_ctl_int.h: what the two share).
 *
 * links and status read one short snapshot of the queue and answer at
 * once. retry reads the recipients to retry in one snapshot, submits one
 * Q_OP_RETRY per message to the queue's writer, and once every one is
 * durable lifts the links' hold after a failure and runs the scheduler:
 * the link connects now, not at its next scheduled attempt. ping opens a
 * test association (mtad_ping.c) and answers when it has ended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mtad_ctl_int.h"
#include "x400_version.h"
#include "xalloc.h"

#define CTL_RETRY_MAX	100000	/* recipients one retry makes due */
#define CTL_USER_MAX	32

/* ---- links ------------------------------------------------------------ */

static const char *dir_name(unsigned dir)
{
	return dir == CFG_BOTH ? "both" : dir == CFG_IN ? "inbound" :
	       dir == CFG_OUT ? "outbound" : "none";
}

/* ms_to_s - a time in ms as whole seconds since the epoch, rounded up */
static json_int_t ms_to_s(int64_t ms)
{
	return (json_int_t)((ms + 999) / 1000);
}

/* queue_part - what waits on link name: counts, next due, oldest, held */
static void queue_part(struct q_rd *rd, json_t *counts, const char *name,
		       json_t *o, int64_t now)
{
	json_t *cnt = json_object_get(counts, name), *w = json_object();
	struct q_link ql;
	struct q_msg qm;
	uint64_t oldest = 0;
	int64_t first;
	int held = 0, exact = 0;

	json_object_set_new(w, "messages", json_integer(
		json_integer_value(json_object_get(cnt, "msgs"))));
	json_object_set_new(w, "recipients", json_integer(
		json_integer_value(json_object_get(cnt, "rcpts"))));
	json_object_set_new(w, "octets", json_integer(
		json_integer_value(json_object_get(cnt, "bytes"))));
	json_object_set_new(o, "waiting", w);
	json_object_set_new(o, "in_transfer", json_integer(
		json_integer_value(json_object_get(cnt, "transfer"))));
	if (q_link_get(rd, name, &ql) == 0)
		held = ql.held;
	json_object_set_new(o, "held", json_boolean(held));
	if (mtad_oldest(rd, name, MTAD_OLDEST_SCAN, &oldest, &exact) == 0 &&
	    q_msg_get(rd, oldest, &qm) == 0) {
		json_t *old = json_object();

		json_object_set_new(old, "id", json_integer((json_int_t)oldest));
		json_object_set_new(old, "mtsid", json_string(qm.mtsid));
		json_object_set_new(old, "arrival", json_integer(qm.arrival));
		json_object_set_new(old, "age_s", json_integer(
			now - qm.arrival > 0 ? now - qm.arrival : 0));
		json_object_set_new(old, "exact", json_boolean(exact));
		json_object_set_new(o, "oldest", old);
	} else {
		json_object_set_new(o, "oldest", json_null());
	}
	if (!held && q_due_first(rd, name, &first) == 0)
		json_object_set_new(o, "next_due", json_integer(first));
	else
		json_object_set_new(o, "next_due", json_null());
}

/* link_json - one configured link: the daemon's view, then the queue's */
static json_t *link_json(struct mtad_link *l, struct q_rd *rd, json_t *counts,
			 int64_t now_ms)
{
	const struct cfg_link *c = l->cfg;
	unsigned bound = mtad_out_bound(l);
	json_t *o = json_object(), *as = json_object(), *next_due;
	int up = bound + l->nin > 0;
	int64_t next;

	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "configured", json_true());
	json_object_set_new(o, "direction", json_string(dir_name(c->dir)));
	json_object_set_new(o, "peer_mta", json_string(c->peer_mta ?
						       c->peer_mta : ""));
	if (c->naddr) {
		char a[300];

		snprintf(a, sizeof(a), strchr(c->addr[0].host, ':') ?
			 "[%s]:%u" : "%s:%u", c->addr[0].host,
			 c->addr[0].port);
		json_object_set_new(o, "address", json_string(a));
	}
	json_object_set_new(o, "up", json_boolean(up));
	json_object_set_new(o, "failing", json_boolean(l->failing));
	json_object_set_new(as, "in", json_integer(l->nin));
	json_object_set_new(as, "out", json_integer(l->nout));
	json_object_set_new(as, "out_bound", json_integer(bound));
	json_object_set_new(o, "associations", as);
	if (l->last_err_ev) {
		json_t *e = json_object();

		json_object_set_new(e, "event", json_integer(l->last_err_ev));
		json_object_set_new(e, "name", json_string(
			log_event_name(l->last_err_ev)));
		json_object_set_new(e, "text", json_string(l->last_err));
		json_object_set_new(e, "time", json_integer(
			l->last_err_at / 1000));
		json_object_set_new(e, "age_s", json_integer(
			(now_ms - l->last_err_at) / 1000));
		json_object_set_new(o, "last_error", e);
	} else {
		json_object_set_new(o, "last_error", json_null());
	}
	json_object_set_new(o, "last_bound", l->last_bound_at ?
			    json_integer(l->last_bound_at / 1000) :
			    json_null());
	json_object_set_new(o, "next_open", l->next_open > now_ms ?
			    json_integer(ms_to_s(l->next_open)) : json_null());
	queue_part(rd, counts, c->name, o, now_ms / 1000);
	/* the next attempt: when work is due and the link may call */
	next_due = json_object_get(o, "next_due");
	if ((c->dir & CFG_OUT) && json_is_integer(next_due)) {
		next = json_integer_value(next_due);
		if (l->next_open > now_ms && ms_to_s(l->next_open) > next)
			next = ms_to_s(l->next_open);
		json_object_set_new(o, "next_attempt", json_integer(next));
	} else {
		json_object_set_new(o, "next_attempt", json_null());
	}
	json_object_set_new(o, "state", json_string(up ? "up" :
		json_is_true(json_object_get(o, "held")) ? "held" :
		l->failing ? "down" : "idle"));
	return o;
}

/* count_links - the queue's counters by link: msgs, rcpts and bytes
 *	pending, rcpts in transfer */
static json_t *count_links(struct q_rd *rd)
{
	json_t *all = json_object();
	struct q_iter it;
	struct q_count k;

	memset(&it, 0, sizeof(it));
	if (q_iter_counts(rd, &it) == 0)
		while (q_next_count(&it, &k) == 1) {
			json_t *o = json_object_get(all, k.link);

			if (k.state != Q_ST_PENDING &&
			    k.state != Q_ST_TRANSFER)
				continue;
			if (o == NULL) {
				o = json_object();
				json_object_set_new(all, k.link, o);
			}
			if (k.state == Q_ST_PENDING) {
				json_object_set_new(o, "msgs",
				    json_integer((json_int_t)k.msgs));
				json_object_set_new(o, "rcpts",
				    json_integer((json_int_t)k.rcpts));
				json_object_set_new(o, "bytes",
				    json_integer((json_int_t)k.bytes));
			} else {
				json_object_set_new(o, "transfer",
				    json_integer((json_int_t)k.rcpts));
			}
		}
	q_iter_end(&it);
	return all;
}

void mtad_ctl_links(struct ctl_client *c)
{
	struct mtad *m = c->ctl->m;
	int64_t now_ms = mtad_now_ms();
	json_t *r, *a = json_array(), *counts, *v;
	const char *name;
	struct q_rd *rd;
	size_t i;
	int rc;

	if ((rc = q_rd_begin(m->q, &rd)) != 0) {
		json_decref(a);
		mtad_ctl_refuse(c, "cannot read the queue: %s", q_strerror(rc));
		return;
	}
	counts = count_links(rd);
	for (i = 0; i < m->nlinks; i++)
		json_array_append_new(a, link_json(&m->links[i], rd, counts,
						   now_ms));
	/* mail waiting on a name that is no configured link (removed, or
	 * local delivery) */
	json_object_foreach(counts, name, v) {
		json_t *o;

		if (mtad_link(m, name) || strcmp(name, Q_QUEUE_REPORT) == 0)
			continue;
		o = json_object();
		json_object_set_new(o, "name", json_string(name));
		json_object_set_new(o, "configured", json_false());
		json_object_set_new(o, "direction", json_string(
			strcmp(name, Q_LINK_LOCAL) == 0 ? "local" : "none"));
		queue_part(rd, counts, name, o, now_ms / 1000);
		json_object_set_new(o, "state", json_string(
			strcmp(name, Q_LINK_LOCAL) == 0 ? "local" :
			"unconfigured"));
		json_array_append_new(a, o);
	}
	q_rd_end(rd);
	json_decref(counts);
	r = mtad_ctl_reply_new(c, 1);
	json_object_set_new(r, "time", json_integer(now_ms / 1000));
	json_object_set_new(r, "links", a);
	mtad_ctl_reply_send(c, r);
}

/* ---- status ------------------------------------------------------------ */

void mtad_ctl_status(struct ctl_client *c)
{
	struct mtad *m = c->ctl->m;
	int64_t now_ms = mtad_now_ms();
	json_t *r = mtad_ctl_reply_new(c, 1), *k = json_object(), *as = json_object();
	struct q_totals t;
	struct q_rd *rd;

	json_object_set_new(r, "pid", json_integer(getpid()));
	json_object_set_new(r, "version", json_string(X400_VERSION));
	json_object_set_new(r, "mta", json_string(m->cfg->mta_name));
	json_object_set_new(r, "domain", json_string(m->cfg->domain));
	json_object_set_new(r, "queue_dir", json_string(m->cfg->queue_dir));
	json_object_set_new(r, "started", json_integer(m->started_at / 1000));
	json_object_set_new(r, "uptime_s", json_integer(
		(now_ms - m->started_at) / 1000));
	json_object_set_new(r, "links", json_integer((json_int_t)m->nlinks));
	json_object_set_new(k, "arrived", json_integer((json_int_t)m->arrived));
	json_object_set_new(k, "relayed", json_integer((json_int_t)m->relayed));
	json_object_set_new(k, "delivered",
			    json_integer((json_int_t)m->delivered));
	json_object_set_new(k, "reports", json_integer((json_int_t)m->reported));
	json_object_set_new(k, "refused", json_integer((json_int_t)m->refused));
	json_object_set_new(r, "messages", k);
	json_object_set_new(as, "in", json_integer(m->nin));
	json_object_set_new(as, "out", json_integer(m->nout));
	json_object_set_new(as, "in_total",
			    json_integer((json_int_t)m->assoc_in_total));
	json_object_set_new(as, "out_total",
			    json_integer((json_int_t)m->assoc_out_total));
	json_object_set_new(r, "associations", as);
	if (q_rd_begin(m->q, &rd) == 0) {
		if (q_totals(rd, &t) == 0) {
			json_t *q = json_object();

			json_object_set_new(q, "messages",
					    json_integer((json_int_t)t.msgs));
			json_object_set_new(q, "recipients",
					    json_integer((json_int_t)t.rcpts));
			json_object_set_new(q, "octets",
					    json_integer((json_int_t)t.bytes));
			json_object_set_new(r, "queue", q);
		}
		q_rd_end(rd);
	}
	json_object_set_new(r, "stopping", json_boolean(m->stopping));
	mtad_ctl_reply_send(c, r);
}

/* ---- retry -------------------------------------------------------------- */

struct retry_pick {
	uint64_t	id;
	uint32_t	idx;
};

struct retry_note {
	struct ctl_retry *r;
	size_t		nidx;
};

struct ctl_retry {
	struct ctl_client *c;
	json_t		*links;		/* names whose hold was lifted */
	size_t		pending;	/* submissions not yet committed */
	size_t		msgs, rcpts, failed;
	int		truncated;
	struct retry_note *notes;
};

static int pick_cmp(const void *a, const void *b)
{
	const struct retry_pick *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* retry_finish - every change is durable (or refused): lift the links'
 *	hold, run the scheduler, answer */
static void retry_finish(struct ctl_retry *r)
{
	struct ctl_client *c = r->c;
	struct mtad *m = c->ctl->m;
	json_t *v, *rep;
	size_t i;

	json_array_foreach(r->links, i, v) {
		struct mtad_link *l = mtad_link(m, json_string_value(v));

		if (l)
			l->next_open = 0;
	}
	mtad_kick(m);
	c->busy = 0;
	rep = mtad_ctl_reply_new(c, 1);
	json_object_set_new(rep, "links", r->links);
	json_object_set_new(rep, "messages", json_integer((json_int_t)r->msgs));
	json_object_set_new(rep, "recipients",
			    json_integer((json_int_t)r->rcpts));
	json_object_set_new(rep, "skipped",
			    json_integer((json_int_t)r->failed));
	json_object_set_new(rep, "truncated", json_boolean(r->truncated));
	free(r->notes);
	free(r);
	if (c->closing) {
		json_decref(rep);
		mtad_ctl_release(c);
		return;
	}
	mtad_ctl_reply_send(c, rep);
	mtad_ctl_process(c);
}

static void retry_done(void *arg, int err, uint64_t id)
{
	struct retry_note *n = arg;
	struct ctl_retry *r = n->r;

	(void)id;
	if (err == 0) {
		r->msgs++;
		r->rcpts += n->nidx;
	} else {
		r->failed++;	/* it moved on meanwhile (sent, deleted) */
	}
	if (--r->pending == 0)
		retry_finish(r);
}

/* add_link - remember a link whose hold is lifted (once each) */
static void add_link(json_t *links, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(links, i, v)
		if (strcmp(json_string_value(v), name) == 0)
			return;
	json_array_append_new(links, json_string(name));
}

/* pick_link - the recipients due (at any time) on link name */
static int pick_link(struct q_rd *rd, const char *name,
		     struct retry_pick **p, size_t *n, int *truncated)
{
	struct q_iter it;
	struct q_due d;
	int rc;

	memset(&it, 0, sizeof(it));
	if ((rc = q_iter_due(rd, &it, name, INT64_MAX)) == 0)
		while ((rc = q_next_due(&it, &d)) == 1) {
			if (*n >= CTL_RETRY_MAX) {
				*truncated = 1;
				break;
			}
			*p = xrealloc(*p, (*n + 1) * sizeof(**p));
			(*p)[*n].id = d.id;
			(*p)[(*n)++].idx = d.idx;
		}
	q_iter_end(&it);
	return rc < 0 ? rc : 0;
}

/* pick_msg - message id's pending recipients (those of idx, if given) */
static int pick_msg(struct q_rd *rd, uint64_t id, json_t *idx, json_t *links,
		    struct retry_pick **p, size_t *n)
{
	struct q_iter it;
	struct q_rcpt qr;
	int rc, found = 0;

	memset(&it, 0, sizeof(it));
	if ((rc = q_iter_rcpts(rd, &it, id)) == 0)
		while ((rc = q_next_rcpt(&it, &qr)) == 1) {
			json_t *v;
			size_t i;
			int want = idx == NULL;

			found = 1;
			json_array_foreach(idx, i, v)
				if (json_integer_value(v) == (json_int_t)qr.idx)
					want = 1;
			if (!want)
				continue;
			if (idx == NULL && qr.state != Q_ST_PENDING)
				continue;
			*p = xrealloc(*p, (*n + 1) * sizeof(**p));
			(*p)[*n].id = id;
			(*p)[(*n)++].idx = qr.idx;
			add_link(links, qr.link);
		}
	q_iter_end(&it);
	if (rc < 0)
		return rc;
	return found ? 0 : Q_E_NOTFOUND;
}

/* who - the operator, for the journal: the name the client gave, if it
 *	is a plausible one, else its uid */
static void who(struct ctl_client *c, json_t *req, char *user, size_t n)
{
	const char *u = json_string_value(json_object_get(req, "user"));
	size_t i;

	if (u && *u && strlen(u) <= CTL_USER_MAX) {
		for (i = 0; u[i]; i++)
			if (u[i] <= ' ' || u[i] > '~')
				break;
		if (u[i] == 0) {
			snprintf(user, n, "%s", u);
			return;
		}
	}
	snprintf(user, n, "uid %ld", c->uid);
}

void mtad_ctl_retry(struct ctl_client *c, json_t *req)
{
	struct mtad *m = c->ctl->m;
	const char *link = json_string_value(json_object_get(req, "link"));
	json_t *idv = json_object_get(req, "id");
	json_t *rcpts = json_object_get(req, "rcpts");
	int all = json_is_true(json_object_get(req, "all"));
	char user[CTL_USER_MAX + 16], text[200];
	struct retry_pick *p = NULL;
	struct ctl_retry *r;
	struct q_rd *rd;
	size_t n = 0, i, j;
	int rc = 0, truncated = 0;

	if ((link != NULL) + all + (idv != NULL) != 1) {
		mtad_ctl_refuse(c, "retry: give exactly one of \"link\", \"all\" or "
		       "\"id\"");
		return;
	}
	if (idv && (!json_is_integer(idv) || json_integer_value(idv) <= 0)) {
		mtad_ctl_refuse(c, "retry: \"id\" is a message id (a positive integer)");
		return;
	}
	if (rcpts && (!idv || !json_is_array(rcpts) ||
		      json_array_size(rcpts) == 0 ||
		      json_array_size(rcpts) > Q_MAX_RCPTS)) {
		mtad_ctl_refuse(c, "retry: \"rcpts\" is a list of recipient indexes, "
		       "with \"id\"");
		return;
	}
	for (i = 0; rcpts && i < json_array_size(rcpts); i++) {
		json_t *v = json_array_get(rcpts, i);

		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= Q_MAX_RCPTS) {
			mtad_ctl_refuse(c, "retry: recipient index %zu is not one", i);
			return;
		}
	}
	if (link && mtad_link(m, link) == NULL) {
		mtad_ctl_refuse(c, "retry: no link \"%.64s\" in x400d's configuration",
		       link);
		return;
	}
	r = XNEW(struct ctl_retry);
	r->c = c;
	r->links = json_array();
	if ((rc = q_rd_begin(m->q, &rd)) == 0) {
		if (link) {
			add_link(r->links, mtad_link(m, link)->cfg->name);
			rc = pick_link(rd, mtad_link(m, link)->cfg->name, &p,
				       &n, &truncated);
		} else if (all) {
			for (i = 0; i < m->nlinks && rc == 0; i++)
				if (m->links[i].cfg->dir & CFG_OUT) {
					add_link(r->links,
						 m->links[i].cfg->name);
					rc = pick_link(rd,
						       m->links[i].cfg->name,
						       &p, &n, &truncated);
				}
		} else {
			rc = pick_msg(rd, (uint64_t)json_integer_value(idv),
				      rcpts, r->links, &p, &n);
		}
		q_rd_end(rd);
	}
	if (rc != 0) {
		json_decref(r->links);
		free(r);
		free(p);
		mtad_ctl_refuse(c, "retry: %s", q_strerror(rc));
		return;
	}
	who(c, req, user, sizeof(user));
	if (link)
		snprintf(text, sizeof(text), "retry of link %s by %s (x400q "
			 "through x400d, uid %ld)", link, user, c->uid);
	else
		snprintf(text, sizeof(text), "retry by %s (x400q through "
			 "x400d, uid %ld)", user, c->uid);
	/* one submission per message: each stands alone (a message that
	 * moved on meanwhile is skipped, not the rest with it) */
	if (n)
		qsort(p, n, sizeof(*p), pick_cmp);
	r->notes = xcalloc(n ? n : 1, sizeof(*r->notes));
	r->truncated = truncated;
	c->busy = 1;
	r->pending = 1;			/* until every one is submitted */
	for (i = 0; i < n; i = j) {
		uint32_t *idx;
		struct q_op op;

		for (j = i; j < n && p[j].id == p[i].id; j++)
			;
		idx = xcalloc(j - i, sizeof(*idx));
		for (size_t k = i; k < j; k++)
			idx[k - i] = p[k].idx;
		memset(&op, 0, sizeof(op));
		op.type = Q_OP_RETRY;
		op.id = p[i].id;
		op.idx = idx;
		op.nidx = j - i;
		op.now = time(NULL);
		op.text = text;
		op.link = link;
		op.user = user;
		r->notes[i].r = r;
		r->notes[i].nidx = j - i;
		if (q_submit(m->q, &op, 1, retry_done, &r->notes[i]) == 0)
			r->pending++;
		else
			r->failed++;
		free(idx);
	}
	free(p);
	if (--r->pending == 0)
		retry_finish(r);
}

/* ---- ping --------------------------------------------------------------- */

static json_t *ms_json(int64_t ms)
{
	return ms >= 0 ? json_integer(ms) : json_null();
}

static void ping_done(void *arg, const struct mtad_ping_result *res)
{
	struct ctl_client *c = arg;
	json_t *r;

	c->ping = NULL;
	c->busy = 0;
	if (c->closing) {
		mtad_ctl_release(c);
		return;
	}
	r = mtad_ctl_reply_new(c, 1);
	json_object_set_new(r, "link", json_string(res->link));
	json_object_set_new(r, "peer", json_string(res->peer));
	json_object_set_new(r, "local", json_string(res->local));
	json_object_set_new(r, "outcome", json_string(res->outcome));
	json_object_set_new(r, "accepted", json_boolean(res->accepted));
	json_object_set_new(r, "reason", json_string(res->reason));
	json_object_set_new(r, "peer_mta", json_string(res->peer_mta));
	json_object_set_new(r, "connect_ms", ms_json(res->connect_ms));
	json_object_set_new(r, "bind_ms", ms_json(res->bind_ms));
	json_object_set_new(r, "release_ms", ms_json(res->release_ms));
	json_object_set_new(r, "total_ms", ms_json(res->total_ms));
	mtad_ctl_reply_send(c, r);
	mtad_ctl_process(c);
}

void mtad_ctl_ping(struct ctl_client *c, json_t *req)
{
	struct mtad *m = c->ctl->m;
	const char *link = json_string_value(json_object_get(req, "link"));
	json_t *t = json_object_get(req, "timeout_ms");
	struct mtad_link *l;
	char why[300];

	if (link == NULL) {
		mtad_ctl_refuse(c, "ping: \"link\" expected");
		return;
	}
	if (t && (!json_is_integer(t) || json_integer_value(t) < 100 ||
		  json_integer_value(t) > 600000)) {
		mtad_ctl_refuse(c, "ping: \"timeout_ms\" is 100 to 600000");
		return;
	}
	if ((l = mtad_link(m, link)) == NULL) {
		mtad_ctl_refuse(c, "ping: no link \"%.64s\" in x400d's configuration",
		       link);
		return;
	}
	c->ping = mtad_ping_start(m, l, t ? (unsigned)json_integer_value(t) :
				  0, ping_done, c, why, sizeof(why));
	if (c->ping == NULL) {
		mtad_ctl_refuse(c, "ping: %s", why);
		return;
	}
	c->busy = 1;		/* mtad_ctl_process() stops reading */
}
