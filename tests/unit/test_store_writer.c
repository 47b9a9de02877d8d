/*
 * test_store_writer.c - the writer the crash and x400q tests drive
 *
 * SYNOPSIS
 *	test_store_writer                      self-tests (TAP), for make check
 *	test_store_writer fill DIR             a fixed set of messages
 *	test_store_writer load DIR RUN [nosync] write until killed
 *	test_store_writer verify DIR LOG RUN   check a killed run's log
 *	test_store_writer damage DIR           break the store (for check)
 *
 * DESCRIPTION
 *	load opens (or creates) the store, re-queues what a previous run
 *	left in transfer (q_recover), starts the group-commit writer on a
 *	libuv loop and keeps NSLOT messages in flight, each with one
 *	operation outstanding at a time. Every message follows a script
 *	drawn from a generator seeded by (RUN, message number): arrival,
 *	then transfers, deliveries, deferrals, failures with reports,
 *	reports done, holds and releases (of the message and of single
 *	recipients), reroutes submitted atomically with a hold, APDU
 *	rewrites, retries, deletions with and without non-delivery
 *	reports, until the message is complete. Before each submission it
 *	writes "S msg op" to standard output, and after its durable
 *	callback "C msg op id", each line in one write(2), so a SIGKILL
 *	leaves whole lines only.
 *
 *	verify replays the same scripts through a model of the store's
 *	rules (the self-tests prove the model and the store agree, step
 *	by step) and requires of every message in the log: its state in
 *	the store is the model's after its last confirmed operation, or
 *	after the one submitted next (committed, not yet confirmed), and
 *	nothing in between; no message of the run is in the store that the
 *	log does not name; and q_check() finds the store consistent.
 *
 *	fill writes the messages tests/integration/x400q.sh expects
 *	(ids 1 to 7, see fill()). damage breaks a store in three ways that
 *	x400q check must report and --repair must fix.
 *
 * DIAGNOSTICS
 *	Exit status 0, or 1 with the first disagreement on stderr.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <uv.h>

#include "codec.h"
#include "log.h"
#include "p1_id.h"
#include "q.h"
#include "q_int.h"
#include "qapdu.h"
#include "xalloc.h"

#include "MTS-APDU.h"

#define NSLOT		16		/* messages in flight */
#define MAXR		3		/* recipients per message */
#define MAXOPS		16		/* script length before a delete */
#define T_APDU		1700000000	/* the trace time inside APDUs */
#define SRC_LINK	"crash"

static const char *const links[] = { "alpha", "beta", Q_LINK_LOCAL,
				     "gamma" };

/* ---- the script and its model ------------------------------------------ */

enum sop {
	S_ARRIVE, S_BEGIN, S_DONE, S_DEFER, S_FAIL, S_REPORTED, S_HOLD,
	S_RELEASE, S_HOLD_R, S_RELEASE_R, S_REROUTE_HOLD, S_SET_APDU,
	S_RETRY, S_DELETE, S_DELETE_NDR
};

struct mr {
	int		state, attempts, hold, link;
};

struct model {
	uint64_t	rng;
	int		run;
	uint64_t	msg;
	int		arrived, removed, hold, n, prio, nops;
	size_t		apdu_len;
	struct mr	r[MAXR];
};

/* One operation of a script, as generated. */
struct step {
	enum sop	op;
	int		flags;		/* report owed */
	int		rcpt;		/* S_HOLD_R, S_RELEASE_R */
	int		link;		/* S_REROUTE_HOLD */
	size_t		content;	/* S_ARRIVE, S_SET_APDU */
	uint32_t	idx[MAXR];	/* the recipients it names */
	size_t		nidx;
};

/* rnd - xorshift64* */
static uint64_t rnd(struct model *m)
{
	m->rng ^= m->rng >> 12;
	m->rng ^= m->rng << 25;
	m->rng ^= m->rng >> 27;
	return m->rng * 2685821657736338717ull;
}

static void model_init(struct model *m, int run, uint64_t msg)
{
	memset(m, 0, sizeof(*m));
	m->run = run;
	m->msg = msg;
	m->rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)run << 32) ^ (msg + 1);
	for (int i = 0; i < 4; i++)
		rnd(m);
}

/* local_id - the MTS identifier's local part of a message */
static void local_id(int run, uint64_t msg, char *buf, size_t n)
{
	snprintf(buf, n, "crash-%d-%llu", run, (unsigned long long)msg);
}

/* apdu_for - the APDU a message carries with content octets */
static unsigned char *apdu_for(const struct model *m, size_t content,
			       size_t *len)
{
	static const char *const names[] = { "R0", "R1", "R2" };
	struct qapdu_spec s = { .originator = "Writer", .rcpts = names,
				.content_len = content, .arrival = T_APDU };
	char lid[40];
	unsigned char *der;

	local_id(m->run, m->msg, lid, sizeof(lid));
	s.local_id = lid;
	s.nrcpts = (size_t)(m->n ? m->n : 1);
	s.prio = m->prio;
	if ((der = qapdu_build(&s, len)) == NULL)
		panic("apdu_for: the APDU does not encode");
	return der;
}

/* pick_in - the recipients in a state (held ones too if want_held) */
static size_t pick_in(const struct model *m, int state, uint32_t *idx)
{
	size_t n = 0;

	for (int i = 0; i < m->n; i++)
		if (m->r[i].state == state)
			idx[n++] = (uint32_t)i;
	return n;
}

/* gen - the next step of a message's script */
static void gen(struct model *m, struct step *s)
{
	memset(s, 0, sizeof(*s));
	if (!m->arrived) {
		m->n = 1 + (int)(rnd(m) % MAXR);
		m->prio = (int)(rnd(m) % 3);
		for (int i = 0; i < m->n; i++)
			m->r[i].link = (int)(rnd(m) % 4);
		s->op = S_ARRIVE;
		s->content = 50 + rnd(m) % 200;
		return;
	}
	if (m->nops >= MAXOPS) {
		s->op = S_DELETE;
		return;
	}
	for (;;) {
		uint32_t idx[MAXR];
		size_t n;
		int eligible = 0;

		for (int i = 0; i < m->n; i++)
			if (m->r[i].state == Q_ST_PENDING && !m->r[i].hold)
				eligible = 1;
		switch (rnd(m) % 20) {
		case 0: case 1: case 2: case 3:
			if (!eligible || m->hold)
				continue;
			s->op = S_BEGIN;
			return;
		case 4: case 5: case 6:
			if ((n = pick_in(m, Q_ST_TRANSFER, idx)) == 0)
				continue;
			s->op = S_DONE;
			s->flags = rnd(m) % 3 == 0;
			break;
		case 7: case 8:
			if ((n = pick_in(m, Q_ST_TRANSFER, idx)) == 0)
				continue;
			s->op = S_DEFER;
			break;
		case 9:
			if ((n = pick_in(m, Q_ST_TRANSFER, idx)) == 0)
				continue;
			s->op = S_FAIL;
			s->flags = 1;
			break;
		case 10: case 11:
			if ((n = pick_in(m, Q_ST_REPORT, idx)) == 0)
				continue;
			s->op = S_REPORTED;
			break;
		case 12:
			s->op = m->hold ? S_RELEASE : S_HOLD;
			return;
		case 13:
			s->rcpt = (int)(rnd(m) % (uint64_t)m->n);
			s->op = m->r[s->rcpt].hold ? S_RELEASE_R : S_HOLD_R;
			return;
		case 14:
			if (pick_in(m, Q_ST_PENDING, idx) == 0)
				continue;
			s->op = S_REROUTE_HOLD;
			s->link = (int)(rnd(m) % 4);
			return;
		case 15:
			s->op = S_SET_APDU;
			s->content = 50 + rnd(m) % 400;
			return;
		case 16:
			if (pick_in(m, Q_ST_PENDING, idx) == 0)
				continue;
			s->op = S_RETRY;
			return;
		case 17:
			s->op = S_DELETE;
			return;
		case 18:
			s->op = S_DELETE_NDR;
			return;
		default:
			continue;
		}
		memcpy(s->idx, idx, n * sizeof(*idx));
		s->nidx = n;
		return;
	}
}

/* step_model - what the store does with a step (store/q.h's rules) */
static void step_model(struct model *m, const struct step *s)
{
	int all_final = 1;

	m->nops++;
	switch (s->op) {
	case S_ARRIVE: {
		unsigned char *der = apdu_for(m, s->content, &m->apdu_len);

		free(der);
		m->arrived = 1;
		break;
	}
	case S_BEGIN:
		for (int i = 0; i < m->n; i++)
			if (m->r[i].state == Q_ST_PENDING && !m->r[i].hold &&
			    !m->hold)
				m->r[i].state = Q_ST_TRANSFER;
		break;
	case S_DONE:
		for (size_t i = 0; i < s->nidx; i++)
			m->r[s->idx[i]].state = s->flags ? Q_ST_REPORT :
						Q_ST_DELIVERED;
		break;
	case S_DEFER:
		for (size_t i = 0; i < s->nidx; i++) {
			m->r[s->idx[i]].state = Q_ST_PENDING;
			m->r[s->idx[i]].attempts++;
		}
		break;
	case S_FAIL:
		for (size_t i = 0; i < s->nidx; i++) {
			m->r[s->idx[i]].state = Q_ST_REPORT;
			m->r[s->idx[i]].attempts++;
		}
		break;
	case S_REPORTED:
		for (size_t i = 0; i < s->nidx; i++)
			m->r[s->idx[i]].state = Q_ST_DONE;
		break;
	case S_HOLD: m->hold = 1; break;
	case S_RELEASE: m->hold = 0; break;
	case S_HOLD_R: m->r[s->rcpt].hold = 1; break;
	case S_RELEASE_R: m->r[s->rcpt].hold = 0; break;
	case S_REROUTE_HOLD:
		for (int i = 0; i < m->n; i++)
			if (m->r[i].state == Q_ST_PENDING)
				m->r[i].link = s->link;
		m->hold = 1;
		break;
	case S_SET_APDU: {
		unsigned char *der = apdu_for(m, s->content, &m->apdu_len);

		free(der);
		break;
	}
	case S_RETRY:
		break;
	case S_DELETE:
		m->removed = 1;
		return;
	case S_DELETE_NDR:
		for (int i = 0; i < m->n; i++) {
			if (m->r[i].state == Q_ST_PENDING ||
			    m->r[i].state == Q_ST_TRANSFER)
				m->r[i].state = Q_ST_REPORT;
			m->r[i].hold = 0;
		}
		m->hold = 0;
		break;
	}
	for (int i = 0; i < m->n; i++)
		if (!q_state_final(m->r[i].state))
			all_final = 0;
	if (all_final)
		m->removed = 1;
}

/* build - the q_ops of a step; *nops of them. Strings and the APDU
 *	are the caller's to free (*apdu). */
static size_t build(const struct model *m, const struct step *s,
		    uint64_t id, struct q_op *ops, struct q_msg *msg,
		    struct q_rcpt *r, char **strs, unsigned char **apdu)
{
	int64_t now = (int64_t)time(NULL);
	size_t nops = 1;

	memset(ops, 0, 2 * sizeof(*ops));
	*apdu = NULL;
	ops[0].id = id;
	ops[0].now = now;
	if (s->nidx) {
		ops[0].idx = s->idx;
		ops[0].nidx = s->nidx;
	}
	switch (s->op) {
	case S_ARRIVE: {
		struct model am = *m;
		char lid[40];
		MTSIdentifier_t *mid;

		am.arrived = 1;
		*apdu = apdu_for(&am, s->content, &ops[0].apdu_len);
		/* the identifier string as the daemon makes it */
		{
			MTS_APDU_t *a = NULL;

			if (codec_decode(codec_pdu("MTS-APDU"), *apdu,
					 ops[0].apdu_len, 0, (void **)&a,
					 NULL) != 0)
				panic("build: own APDU does not decode");
			mid = &a->choice.message.envelope.message_identifier;
			strs[0] = p1_mtsid_format(mid);
			codec_free(codec_pdu("MTS-APDU"), a);
		}
		local_id(m->run, m->msg, lid, sizeof(lid));
		strs[1] = qapdu_oraddr("Writer");
		memset(msg, 0, sizeof(*msg));
		msg->kind = Q_KIND_MESSAGE;
		msg->prio = (enum q_prio)m->prio;
		msg->mtsid = strs[0];
		msg->originator = strs[1];
		msg->content_type = "22";
		msg->src_link = SRC_LINK;
		msg->src_peer = "127.0.0.2:102";
		msg->expiry = now + 86400;
		msg->size = s->content;
		for (int i = 0; i < m->n; i++) {
			char name[16];

			snprintf(name, sizeof(name), "R%d", i);
			memset(&r[i], 0, sizeof(r[i]));
			strs[2 + i] = qapdu_oraddr(name);
			r[i].address = strs[2 + i];
			r[i].link = links[m->r[i].link];
			r[i].flags = Q_RF_RESPONSIBLE;
		}
		ops[0].type = Q_OP_ARRIVE;
		ops[0].msg = msg;
		ops[0].rcpts = r;
		ops[0].nrcpts = (size_t)m->n;
		ops[0].apdu = *apdu;
		break;
	}
	case S_BEGIN:
		ops[0].type = Q_OP_BEGIN;
		ops[0].link = "out";
		ops[0].peer = "127.0.0.3:102";
		break;
	case S_DONE:
		ops[0].type = Q_OP_DONE;
		ops[0].flags = s->flags ? Q_OPF_REPORT : 0;
		break;
	case S_DEFER:
		ops[0].type = Q_OP_DEFER;
		ops[0].when = now + 3600;
		ops[0].text = "peer busy";
		break;
	case S_FAIL:
		ops[0].type = Q_OP_FAIL;
		ops[0].flags = Q_OPF_REPORT;
		ops[0].reason = 1;
		ops[0].diag = -1;
		ops[0].text = "no route";
		break;
	case S_REPORTED:
		ops[0].type = Q_OP_REPORTED;
		break;
	case S_HOLD:
	case S_RELEASE:
		ops[0].type = s->op == S_HOLD ? Q_OP_HOLD : Q_OP_RELEASE;
		break;
	case S_HOLD_R:
	case S_RELEASE_R:
		ops[0].type = s->op == S_HOLD_R ? Q_OP_HOLD : Q_OP_RELEASE;
		ops[0].idx = (const uint32_t *)&s->rcpt;
		ops[0].nidx = 1;
		break;
	case S_REROUTE_HOLD:
		ops[0].type = Q_OP_REROUTE;
		ops[0].link = links[s->link];
		ops[1] = ops[0];
		ops[1].type = Q_OP_HOLD;
		ops[1].link = NULL;
		nops = 2;
		break;
	case S_SET_APDU:
		*apdu = apdu_for(m, s->content, &ops[0].apdu_len);
		ops[0].type = Q_OP_SET_APDU;
		ops[0].apdu = *apdu;
		break;
	case S_RETRY:
		ops[0].type = Q_OP_RETRY;
		break;
	case S_DELETE:
		ops[0].type = Q_OP_DELETE;
		break;
	case S_DELETE_NDR:
		ops[0].type = Q_OP_DELETE;
		ops[0].flags = Q_OPF_REPORT;
		ops[0].reason = 1;
		ops[0].diag = -1;
		break;
	}
	return nops;
}

/* compare - does the store hold the message as the model says?
 *	Returns NULL if so, else what differs. */
static const char *compare(struct q *q, const struct model *m,
			   uint64_t *idp)
{
	static char why[256];
	struct q_rd *rd;
	struct q_msg qm;
	struct q_rcpt r;
	uint64_t id;
	char lid[40], *mtsid;
	struct qapdu_spec s = { 0 };
	int gone = 0, rc;
	const char *res = NULL;

	local_id(m->run, m->msg, lid, sizeof(lid));
	s.local_id = lid;
	mtsid = qapdu_mtsid(&s);
	if (q_rd_begin(q, &rd) != 0)
		panic("compare: no snapshot");
	rc = q_dup_find(rd, SRC_LINK, mtsid, &id, &gone);
	free(mtsid);
	if (rc == Q_E_NOTFOUND) {
		res = m->arrived ? "not in the store" : NULL;
		goto out;
	}
	if (rc)
		panic("compare: dup lookup: %s", q_strerror(rc));
	if (idp)
		*idp = id;
	if (!m->arrived) {
		res = "in the store before its arrival";
		goto out;
	}
	rc = q_msg_get(rd, id, &qm);
	if (m->removed) {
		if (rc != Q_E_NOTFOUND || !gone)
			res = "still in the store";
		goto out;
	}
	if (rc || gone) {
		res = "gone from the store";
		goto out;
	}
	if ((int)qm.nrcpt != m->n || (int)qm.prio != m->prio) {
		res = "recipients or priority differ";
		goto out;
	}
	if (!!(qm.flags & Q_MF_HOLD) != m->hold) {
		res = "message hold differs";
		goto out;
	}
	if (qm.apdu_len != m->apdu_len) {
		res = "APDU differs";
		goto out;
	}
	for (int i = 0; i < m->n; i++) {
		if (q_rcpt_get(rd, id, (uint32_t)i, &r) != 0) {
			res = "a recipient is missing";
			goto out;
		}
		if ((int)r.state != m->r[i].state ||
		    (int)r.attempts != m->r[i].attempts ||
		    !!(r.flags & Q_RF_HOLD) != m->r[i].hold ||
		    strcmp(r.link, links[m->r[i].link]) != 0) {
			snprintf(why, sizeof(why), "recipient %d: store %s/%u/"
				 "%s/%s, model %s/%d/%s/%s", i,
				 q_state_name(r.state), r.attempts,
				 r.flags & Q_RF_HOLD ? "held" : "-", r.link,
				 q_state_name(m->r[i].state),
				 m->r[i].attempts, m->r[i].hold ? "held" : "-",
				 links[m->r[i].link]);
			res = why;
			goto out;
		}
	}
out:
	q_rd_end(rd);
	return res;
}

/* ---- load: write until killed ------------------------------------------ */

struct writer;

struct slot {
	struct writer	*w;
	struct model	m;
	struct step	s;
	uint64_t	id;
	int		k;		/* index of the step outstanding */
};

struct writer {
	struct q	*q;
	uv_loop_t	loop;
	int		run;
	uint64_t	next_msg;
	struct slot	slots[NSLOT];
};

/* say - one line, one write(2) */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (write(1, line, (size_t)n) != n)
		exit(3);
}

static void submit_next(struct slot *s);

/* on_done - a step is durable */
static void on_done(void *arg, int err, uint64_t id)
{
	struct slot *s = arg;

	if (err) {
		say("E %llu %d %d\n", (unsigned long long)s->m.msg, s->k, err);
		fprintf(stderr, "test_store_writer: message %llu step %d: "
			"%s\n", (unsigned long long)s->m.msg, s->k,
			q_strerror(err));
		exit(3);
	}
	if (s->k == 0)
		s->id = id;
	say("C %llu %d %llu\n", (unsigned long long)s->m.msg, s->k,
	    (unsigned long long)s->id);
	step_model(&s->m, &s->s);
	s->k++;
	submit_next(s);
}

/* submit_next - the slot's next step, or a new message */
static void submit_next(struct slot *s)
{
	struct q_op ops[2];
	struct q_msg msg;
	struct q_rcpt r[MAXR];
	char *strs[2 + MAXR] = { NULL };
	unsigned char *apdu;
	size_t n;
	int rc;

	if (s->k == 0 || s->m.removed) {
		model_init(&s->m, s->w->run, s->w->next_msg++);
		s->k = 0;
		s->id = 0;
	}
	gen(&s->m, &s->s);
	n = build(&s->m, &s->s, s->id, ops, &msg, r, strs, &apdu);
	say("S %llu %d\n", (unsigned long long)s->m.msg, s->k);
	if ((rc = q_submit(s->w->q, ops, n, on_done, s)) != 0)
		panic("submit: %s", q_strerror(rc));
	for (size_t i = 0; i < 2 + MAXR; i++)
		free(strs[i]);
	free(apdu);
}

/* on_tick - "# commits N submissions M", for whoever reads the log */
static void on_tick(uv_timer_t *t)
{
	struct writer *w = t->data;
	uint64_t commits, subs;

	q_commits(w->q, &commits, &subs);
	say("# commits %llu submissions %llu\n", (unsigned long long)commits,
	    (unsigned long long)subs);
}

/* load - see the top of the file */
static int load(const char *dir, int run, int nosync)
{
	struct q_config cfg = { .dir = dir, .create = 1,
				.sync = nosync ? Q_SYNC_NONE : Q_SYNC_FULL };
	struct writer *w = xcalloc(1, sizeof(*w));
	uv_timer_t tick;
	int rc;

	if ((rc = q_open(&cfg, &w->q)) != 0 ||
	    (rc = q_recover(w->q, (int64_t)time(NULL))) < 0) {
		fprintf(stderr, "test_store_writer: %s: %s\n", dir,
			q_strerror(rc));
		return 1;
	}
	uv_loop_init(&w->loop);
	if (q_writer_start(w->q, &w->loop) != 0)
		return 1;
	w->run = run;
	w->next_msg = 0;
	for (int i = 0; i < NSLOT; i++) {
		w->slots[i].w = w;
		w->slots[i].k = 0;
		submit_next(&w->slots[i]);
	}
	uv_timer_init(&w->loop, &tick);
	tick.data = w;
	uv_timer_start(&tick, on_tick, 250, 250);
	uv_run(&w->loop, UV_RUN_DEFAULT);	/* until killed */
	return 1;
}

/* ---- verify --------------------------------------------------------- */

struct seen {
	int		max_s, max_c;
};

/* verify - see the top of the file */
static int verify(const char *dir, const char *logpath, int run)
{
	struct q_config cfg = { .dir = dir, .readonly = 1 };
	struct seen *seen = NULL;
	size_t nseen = 0;
	uint64_t confirmed = 0;
	char line[256];
	struct q *q;
	FILE *fp;
	int rc, bad = 0;

	if ((fp = fopen(logpath, "r")) == NULL) {
		perror(logpath);
		return 1;
	}
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long msg, id;
		int k;
		char t;

		if (sscanf(line, "%c %llu %d %llu", &t, &msg, &k, &id) < 3 ||
		    strchr(line, '\n') == NULL)
			continue;
		if (t == 'E') {
			fprintf(stderr, "verify: the writer saw an error: %s",
				line);
			return 1;
		}
		if (msg >= nseen) {
			seen = xrealloc(seen, (msg + 1) * sizeof(*seen));
			while (nseen <= msg) {
				seen[nseen].max_s = -1;
				seen[nseen++].max_c = -1;
			}
		}
		if (t == 'S' && k > seen[msg].max_s)
			seen[msg].max_s = k;
		if (t == 'C') {
			if (k != seen[msg].max_c + 1) {
				fprintf(stderr, "verify: message %llu step %d "
					"confirmed out of order\n", msg, k);
				return 1;
			}
			seen[msg].max_c = k;
			confirmed++;
		}
	}
	fclose(fp);
	if ((rc = q_open(&cfg, &q)) != 0) {
		size_t k;

		/* killed before the store existed: nothing was submitted */
		for (k = 0; k < nseen && seen[k].max_s < 0; k++)
			;
		if (k == nseen) {
			printf("killed before the first submission\n");
			free(seen);
			return 0;
		}
		fprintf(stderr, "verify: %s: %s\n", dir, q_strerror(rc));
		free(seen);
		return 1;
	}
	for (size_t msg = 0; msg < nseen && !bad; msg++) {
		struct model m, next;
		struct step s;
		const char *why, *why2 = "no step submitted after it";

		if (seen[msg].max_s < 0)
			continue;
		if (seen[msg].max_s > seen[msg].max_c + 1) {
			fprintf(stderr, "verify: message %zu: two steps "
				"outstanding\n", msg);
			bad = 1;
			break;
		}
		model_init(&m, run, msg);
		for (int k = 0; k <= seen[msg].max_c; k++) {
			gen(&m, &s);
			step_model(&m, &s);
		}
		if ((why = compare(q, &m, NULL)) == NULL)
			continue;
		/* the next step may have committed without its callback */
		if (seen[msg].max_s == seen[msg].max_c + 1) {
			next = m;
			gen(&next, &s);
			step_model(&next, &s);
			if ((why2 = compare(q, &next, NULL)) == NULL)
				continue;
		}
		fprintf(stderr, "verify: run %d message %zu (confirmed %d, "
			"submitted %d): %s; with the next step: %s\n", run,
			msg, seen[msg].max_c, seen[msg].max_s, why, why2);
		bad = 1;
	}
	/* no message of this run that the log does not name */
	if (!bad) {
		struct q_rd *rd;
		struct q_iter it;
		struct q_msg qm;
		char prefix[40];
		size_t pl;

		pl = (size_t)snprintf(prefix, sizeof(prefix), "L=crash-%d-",
				      run);
		if (q_rd_begin(q, &rd) != 0 || q_iter_msgs(rd, &it, 1) != 0)
			panic("verify: cannot read");
		while ((rc = q_next_msg(&it, &qm)) == 1) {
			const char *p = strstr(qm.mtsid, prefix);
			unsigned long long msg;

			if (p == NULL || sscanf(p + pl, "%llu", &msg) != 1)
				continue;
			if (msg >= nseen || seen[msg].max_s < 0) {
				fprintf(stderr, "verify: message %llu of run "
					"%d is in the store, not in the log\n",
					msg, run);
				bad = 1;
			}
		}
		if (rc < 0) {
			fprintf(stderr, "verify: %s\n", q_strerror(rc));
			bad = 1;
		}
		q_iter_end(&it);
		q_rd_end(rd);
	}
	if (!bad && (rc = q_check(q, 0, NULL, NULL)) != 0) {
		fprintf(stderr, "verify: check: %d problems (%s)\n", rc,
			rc < 0 ? q_strerror(rc) : "x400q check names them");
		bad = 1;
	}
	q_close(q);
	free(seen);
	if (!bad)
		printf("%llu confirmed steps verified\n",
		       (unsigned long long)confirmed);
	return bad;
}

/* ---- fill: the store tests/integration/x400q.sh expects -------------- */

struct fill_rcpt {
	const char	*name, *link;
	enum q_state	state;
};

struct fill_msg {
	const char	*lid, *orig;
	enum q_kind	kind;
	enum q_prio	prio;
	int64_t		age;
	int		hold;
	struct fill_rcpt r[MAXR];
};

/* Ids 1..7, in this order. */
static const struct fill_msg fills[] = {
	{ "fill-1", "Alice", Q_KIND_MESSAGE, Q_PRIO_NORMAL, 7200, 0,
	  { { "Bob", "alpha", Q_ST_PENDING },
	    { "Carol", "beta", Q_ST_PENDING } } },
	{ "fill-2", "Alice", Q_KIND_MESSAGE, Q_PRIO_URGENT, 60, 0,
	  { { "Dave", "alpha", Q_ST_PENDING } } },
	{ "fill-3", "Eve", Q_KIND_MESSAGE, Q_PRIO_NONURGENT, 3 * 86400, 0,
	  { { "Frank", Q_LINK_LOCAL, Q_ST_PENDING } } },
	{ "fill-4", "Eve", Q_KIND_MESSAGE, Q_PRIO_NORMAL, 600, 0,
	  { { "Grace", "beta", Q_ST_REPORT },
	    { "Heidi", "beta", Q_ST_PENDING } } },
	{ "fill-5", "Mallory", Q_KIND_MESSAGE, Q_PRIO_NORMAL, 30, 1,
	  { { "Ivan", "alpha", Q_ST_PENDING } } },
	{ "fill-6", "Alice", Q_KIND_PROBE, Q_PRIO_NORMAL, 20, 0,
	  { { "Judy", "alpha", Q_ST_PENDING } } },
	{ "fill-7", "Postmaster", Q_KIND_REPORT, Q_PRIO_NORMAL, 10, 0,
	  { { "Alice", "beta", Q_ST_PENDING } } },
};

/* on_filled - one fixed message is durable */
static void on_filled(void *arg, int err, uint64_t id)
{
	struct slot *s = arg;

	s->k = err ? 1 : 0;
	s->id = id;
	if (err)
		fprintf(stderr, "fill: %s\n", q_strerror(err));
}

/* fill - write the fixed messages, through the group-commit writer */
static int fill(const char *dir)
{
	enum { NF = sizeof(fills) / sizeof(fills[0]) };
	struct q_config cfg = { .dir = dir, .create = 1 };
	int64_t now = (int64_t)time(NULL);
	struct q_op ops[NF];
	struct q_msg msgs[NF];
	struct q_rcpt rc[NF][MAXR];
	unsigned char *apdus[NF];
	char *strs[NF][2 + MAXR];
	struct slot done[NF];
	uv_loop_t loop;
	struct q *q;
	int err = 0;

	memset(strs, 0, sizeof(strs));
	if (q_open(&cfg, &q) != 0)
		return 1;
	uv_loop_init(&loop);
	if (q_writer_start(q, &loop) != 0)
		return 1;
	for (size_t i = 0; i < NF; i++) {
		const struct fill_msg *f = &fills[i];
		const char *names[MAXR];
		struct qapdu_spec s = { .local_id = f->lid,
					.originator = f->orig,
					.rcpts = names, .prio = (int)f->prio,
					.content_len = 100 + 100 * i,
					.arrival = now - f->age };
		size_t n = 0;

		while (n < MAXR && f->r[n].name) {
			names[n] = f->r[n].name;
			n++;
		}
		s.nrcpts = n;
		memset(&ops[i], 0, sizeof(ops[i]));
		apdus[i] = qapdu_build(&s, &ops[i].apdu_len);
		strs[i][0] = qapdu_mtsid(&s);
		strs[i][1] = qapdu_oraddr(f->orig);
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].kind = f->kind;
		msgs[i].prio = f->prio;
		msgs[i].flags = f->hold ? Q_MF_HOLD : 0;
		msgs[i].arrival = now - f->age;
		msgs[i].mtsid = strs[i][0];
		msgs[i].originator = strs[i][1];
		msgs[i].content_type = "22";
		msgs[i].src_link = "in";
		msgs[i].src_peer = "127.0.0.2:102";
		msgs[i].size = 100 + 100 * i;
		for (size_t j = 0; j < n; j++) {
			memset(&rc[i][j], 0, sizeof(rc[i][j]));
			strs[i][2 + j] = qapdu_oraddr(f->r[j].name);
			rc[i][j].address = strs[i][2 + j];
			rc[i][j].link = f->r[j].link;
			rc[i][j].state = f->r[j].state;
			rc[i][j].flags = Q_RF_RESPONSIBLE;
			if (f->r[j].state == Q_ST_REPORT) {
				rc[i][j].reason = 1;
				rc[i][j].diag = 3;
				rc[i][j].diag_text = "loop detected";
			}
		}
		ops[i].type = Q_OP_ARRIVE;
		ops[i].now = now - f->age;
		ops[i].msg = &msgs[i];
		ops[i].rcpts = rc[i];
		ops[i].nrcpts = n;
		ops[i].apdu = apdus[i];
		done[i].k = -1;
		/* submitted in order: ids 1..7 */
		if (apdus[i] == NULL ||
		    q_submit(q, &ops[i], 1, on_filled, &done[i]) != 0)
			return 1;
	}
	for (size_t k = 0; k < NF; ) {
		if (done[k].k >= 0)
			k++;
		else
			uv_run(&loop, UV_RUN_ONCE);
	}
	for (size_t i = 0; i < NF; i++) {
		if (done[i].k != 0 || done[i].id != i + 1)
			err = 1;
		printf("%llu %s\n", (unsigned long long)done[i].id,
		       fills[i].lid);
		free(apdus[i]);
		for (size_t j = 0; j < 2 + MAXR; j++)
			free(strs[i][j]);
	}
	q_writer_stop(q);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	q_close(q);
	return err;
}

/* ---- damage: what x400q check must find -------------------------------- */

/* damage - message 1 loses its APDU, a counter lies, an orphan recipient
 *	appears */
static int damage(const char *dir)
{
	struct q_config cfg = { .dir = dir };
	unsigned char k[Q_KEY_MAX], v[Q_COUNT_LEN];
	struct q_rd t;
	struct q *q;
	size_t kl;

	if (q_open(&cfg, &q) != 0 || qt_begin(q, 1, &t) != 0)
		return 1;
	q_be64(k, 1);
	qt_del(&t, QDB_APDU, k, Q_KEY_ID);
	kl = q_key_count(k, "beta", Q_ST_PENDING);
	memset(v, 0, sizeof(v));
	v[7] = 42;
	qt_put(&t, QDB_COUNT, k, kl, v, sizeof(v));
	q_be64(k, 4242);
	q_be32(k + 8, 0);
	qt_put(&t, QDB_RCPT, k, Q_KEY_RCPT, "\x01", 1);
	if (t.ret || mdb_txn_commit(t.txn) != 0)
		return 1;
	q_close(q);
	return 0;
}

/* ---- self-tests ------------------------------------------------------------ */

struct fx {
	char	dir[64];
	struct q *q;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct q_config cfg = { .create = 1, .sync = Q_SYNC_NONE,
				.mapsize = 64u << 20 };

	strcpy(f->dir, "/tmp/test_store_writer-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	cfg.dir = f->dir;
	assert_int_equal(q_open(&cfg, &f->q), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[128];

	q_close(f->q);
	snprintf(p, sizeof(p), "%s/data.mdb", f->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", f->dir);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* test_apdu - the built APDU decodes, and its strings are the daemon's */
static void test_apdu(void **state)
{
	static const char *const names[] = { "Bob", "Carol" };
	struct qapdu_spec s = { .local_id = "t-1", .originator = "Alice",
				.rcpts = names, .nrcpts = 2, .prio = 2,
				.content_len = 33, .arrival = T_APDU };
	MTS_APDU_t *a = NULL;
	size_t len;
	unsigned char *der = qapdu_build(&s, &len);
	char *id, *want;

	(void)state;
	assert_non_null(der);
	assert_int_equal(codec_decode(codec_pdu("MTS-APDU"), der, len, 0,
				      (void **)&a, NULL), 0);
	assert_int_equal(a->present, MTS_APDU_PR_message);
	assert_int_equal(a->choice.message.envelope.per_recipient_fields
			 .list.count, 2);
	assert_int_equal(a->choice.message.content.size, 33);
	id = p1_mtsid_format(&a->choice.message.envelope.message_identifier);
	want = qapdu_mtsid(&s);
	assert_string_equal(id, want);
	assert_non_null(strstr(id, "t-1"));
	free(id);
	free(want);
	want = qapdu_oraddr("Alice");
	assert_non_null(strstr(want, "S=Alice"));
	free(want);
	codec_free(codec_pdu("MTS-APDU"), a);
	free(der);
}

/* test_model_matches_store - scripts applied one step at a time with
 *	q_apply: after every step the store equals the model, and the
 *	generator replays identically */
static void test_model_matches_store(void **state)
{
	struct fx *f = *state;
	int steps = 0, kinds[S_DELETE_NDR + 1] = { 0 };

	for (uint64_t msg = 0; msg < 60; msg++) {
		struct model m, replay;
		uint64_t id = 0;

		model_init(&m, 7, msg);
		model_init(&replay, 7, msg);
		while (!m.removed) {
			struct q_op ops[2];
			struct q_msg qm;
			struct q_rcpt r[MAXR];
			char *strs[2 + MAXR] = { NULL };
			unsigned char *apdu;
			struct step s, s2;
			size_t n;
			uint64_t got;
			const char *why;

			gen(&m, &s);
			gen(&replay, &s2);
			assert_int_equal(s.op, s2.op);
			assert_int_equal(s.nidx, s2.nidx);
			n = build(&m, &s, id, ops, &qm, r, strs, &apdu);
			assert_int_equal(q_apply(f->q, ops, n, &got), 0);
			if (s.op == S_ARRIVE)
				id = got;
			step_model(&m, &s);
			step_model(&replay, &s2);
			kinds[s.op]++;
			steps++;
			for (size_t i = 0; i < 2 + MAXR; i++)
				free(strs[i]);
			free(apdu);
			if ((why = compare(f->q, &m, NULL)) != NULL)
				fail_msg("message %llu step %d (%d): %s",
					 (unsigned long long)msg, m.nops,
					 (int)s.op, why);
		}
	}
	/* the scripts exercise every kind of step */
	for (int k = 0; k <= S_DELETE_NDR; k++)
		if (kinds[k] == 0)
			fail_msg("step kind %d never generated", k);
	assert_true(steps > 300);
	assert_int_equal(q_check(f->q, 0, NULL, NULL), 0);
}

/* test_compare_detects - the comparison is not a tautology */
static void test_compare_detects(void **state)
{
	struct fx *f = *state;
	struct model m;
	struct step s;
	struct q_op ops[2];
	struct q_msg qm;
	struct q_rcpt r[MAXR];
	char *strs[2 + MAXR] = { NULL };
	unsigned char *apdu;
	uint64_t id;
	size_t n;

	model_init(&m, 8, 0);
	assert_null(compare(f->q, &m, NULL));
	gen(&m, &s);
	n = build(&m, &s, 0, ops, &qm, r, strs, &apdu);
	assert_int_equal(q_apply(f->q, ops, n, &id), 0);
	for (size_t i = 0; i < 2 + MAXR; i++)
		free(strs[i]);
	free(apdu);
	/* before its step the model says "not arrived" */
	assert_non_null(compare(f->q, &m, NULL));
	step_model(&m, &s);
	assert_null(compare(f->q, &m, NULL));
	m.r[0].attempts++;
	assert_non_null(compare(f->q, &m, NULL));
	m.r[0].attempts--;
	m.hold = !m.hold;
	assert_non_null(compare(f->q, &m, NULL));
	m.hold = !m.hold;
	m.removed = 1;
	assert_non_null(compare(f->q, &m, NULL));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apdu),
		cmocka_unit_test_setup_teardown(test_model_matches_store,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_compare_detects, setup,
						teardown),
	};

	log_quiet(1);
	if (argc >= 3 && strcmp(argv[1], "fill") == 0)
		return fill(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "load") == 0)
		return load(argv[2], atoi(argv[3]),
			    argc > 4 && strcmp(argv[4], "nosync") == 0);
	if (argc >= 5 && strcmp(argv[1], "verify") == 0)
		return verify(argv[2], argv[3], atoi(argv[4]));
	if (argc >= 3 && strcmp(argv[1], "damage") == 0)
		return damage(argv[2]);
	if (argc > 1) {
		fprintf(stderr, "usage: test_store_writer [fill DIR | load DIR "
			"RUN [nosync] | verify DIR LOG RUN | damage DIR]\n");
		return 2;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
