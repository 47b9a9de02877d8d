/*
 * x400send_run.c - x400send's run: associations, messages, pace, summary
 *
 * DESCRIPTION
 *	x400send.h says what a run is. Each association is a slot: it
 *	sends one message at a time and waits for its confirmation. In the
 *	closed loop a confirmation sends the slot's next message at once;
 *	with a rate the slot goes back to the idle list and pump() hands
 *	due messages to idle slots, with a timer for the next one due.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "p1_id.h"
#include "x400send.h"
#include "xalloc.h"

#include "MTS-APDU.h"

struct slot {
	struct sender	*s;
	struct assoc	*a;
	uint64_t	sent_at;	/* us: sent, or due (with a rate) */
	uint64_t	opened_at;	/* us */
	int		busy;
	int		bound;
	char		mtsid[160];
};

static uint64_t now_us(void)
{
	return uv_hrtime() / 1000;
}

static void start_assoc(struct sender *s);
static void pump(struct sender *s);

/* send_one - build and send the next message on this association; due
 *	is when it was due (with a rate), else 0 for now */
static void send_one(struct slot *sl, uint64_t due)
{
	struct sender *s = sl->s;
	unsigned char *der;
	size_t len;
	char why[300];

	if (s->started >= s->total) {
		assoc_release(sl->a);
		return;
	}
	s->spec.seq = ++s->seq;
	s->spec.now = time(NULL);
	if (s->raw) {
		der = xmalloc(s->raw_len);
		memcpy(der, s->raw, s->raw_len);
		len = s->raw_len;
	} else if (p1_msg_build(&s->spec, &der, &len, why, sizeof(why)) != 0) {
		fprintf(stderr, "x400send: %s\n", why);
		exit(2);
	}
	s->started++;
	if (!s->quiet && s->total <= 20) {
		void *v = NULL;

		if (codec_decode(&asn_DEF_MTS_APDU, der, len, 0, &v, NULL) == 0) {
			char *id = p1_mtsid_format(p1_env_id(v));

			snprintf(sl->mtsid, sizeof(sl->mtsid), "%s", id);
			free(id);
			codec_free(&asn_DEF_MTS_APDU, v);
		}
	}
	sl->sent_at = due ? due : now_us();
	sl->busy = 1;
	if (assoc_send(sl->a, der, len, sl) != 0) {
		fprintf(stderr, "x400send: cannot send on the association\n");
		s->failed++;
		sl->busy = 0;
		assoc_abort(sl->a);
	}
	free(der);
}

/* ---- the pace ----------------------------------------------------------- */

static void idle_push(struct slot *sl)
{
	sl->s->idle[sl->s->nidle++] = sl;
}

/* idle_drop - an idle association that ended leaves the list */
static void idle_drop(struct slot *sl)
{
	struct sender *s = sl->s;
	int i;

	for (i = 0; i < s->nidle; i++)
		if (s->idle[i] == sl) {
			s->idle[i] = s->idle[--s->nidle];
			return;
		}
}

/* due - when message k (from 0) is due, in us */
static uint64_t due(const struct sender *s, long k)
{
	return s->t_send + (uint64_t)((double)k * 1e6 / s->rate);
}

static void on_tick(uv_timer_t *t)
{
	pump(t->data);
}

/* pump - hand every message due by now to a free association; when all
 *	have gone, release the free ones; else wake at the next one due
 *	(or at a confirmation, when none is free) */
static void pump(struct sender *s)
{
	uint64_t now = now_us(), next;

	while (s->started < s->total && s->nidle > 0 &&
	       due(s, s->started) <= now)
		send_one(s->idle[--s->nidle], due(s, s->started));
	if (s->started >= s->total) {
		while (s->nidle > 0)
			assoc_release(s->idle[--s->nidle]->a);
		return;
	}
	next = due(s, s->started);
	if (s->nidle > 0 && next > now)
		uv_timer_start(&s->tick, on_tick, (next - now + 999) / 1000, 0);
}

/* begin - every association is bound (or gone): the messages now */
static void begin(struct sender *s)
{
	s->sending = 1;
	s->t_send = now_us();
	s->nbegan = s->nbound;
	if (s->rate > 0) {
		pump(s);
		return;
	}
	while (s->nidle > 0)
		send_one(s->idle[--s->nidle], 0);
}

static void check_begin(struct sender *s)
{
	if (s->bind_first && !s->sending && s->live > 0 &&
	    s->nbound == s->live && s->opened >= s->assocs)
		begin(s);
}

/* ---- the association's callbacks ---------------------------------------- */

/* on_hold - --hold is over: the messages now */
static void on_hold(uv_timer_t *t)
{
	struct sender *s = t->data;
	struct slot *sl = s->held;

	s->held = NULL;
	if (sl)
		send_one(sl, 0);
}

static void on_bind_ind(struct assoc *a, const struct assoc_bind *p,
			void *arg)
{
	(void)p;
	(void)arg;
	assoc_abort(a);
}

static void on_bound(struct assoc *a, const struct assoc_bind *peer,
		     void *arg)
{
	struct slot *sl = arg;
	struct sender *s = sl->s;

	if (s->peer_pw && (peer->password_len != strlen(s->peer_pw) ||
	    memcmp(peer->password, s->peer_pw, peer->password_len))) {
		fprintf(stderr, "x400send: MTA \"%s\" gave the wrong "
			"password\n", peer->name);
		assoc_abort(a);
		return;
	}
	if (!s->quiet)
		printf("bound to MTA \"%s\" at %s from %s in %.1f ms\n",
		       peer->name, assoc_peer(a), assoc_local(a),
		       (double)(now_us() - sl->opened_at) / 1000.0);
	if (s->hold_ms) {	/* --hold: say nothing for a while */
		printf("holding the association silent for %.1f s\n",
		       (double)s->hold_ms / 1000.0);
		fflush(stdout);
		s->held = sl;
		s->held_at = now_us();
		uv_timer_start(&s->hold, on_hold, s->hold_ms, 0);
		return;
	}
	sl->bound = 1;
	s->nbound++;
	if (!s->bind_first) {
		send_one(sl, 0);
		return;
	}
	if (s->sending && s->rate <= 0) {	/* a replacement, late */
		send_one(sl, 0);
		return;
	}
	idle_push(sl);
	if (s->sending)
		pump(s);
	else
		check_begin(s);
}

static void on_apdu_ind(struct assoc *a, const unsigned char *p, size_t n,
			void *arg)
{
	(void)p;
	(void)n;
	(void)arg;
	assoc_apdu_rsp(a, ASSOC_OK);	/* not expected from a submission peer */
}

static void on_apdu_conf(struct assoc *a, void *tag, int ok, void *arg)
{
	struct slot *sl = arg;
	struct sender *s = sl->s;

	(void)tag;
	sl->busy = 0;
	if (ok != ASSOC_OK) {
		s->failed++;
		fprintf(stderr, "x400send: a transfer was %s\n",
			ok == ASSOC_PERMANENT ? "refused for good by the MTA "
			"(RTAB permanentProblem)" : "not confirmed");
		assoc_abort(a);
		return;
	}
	s->lat[s->confirmed++] = now_us() - sl->sent_at;
	if (!s->quiet && s->total <= 20)
		printf("%s %s confirmed\n", s->spec.probe ? "probe" :
		       "message", sl->mtsid);
	if (s->rate > 0) {
		idle_push(sl);
		pump(s);
	} else {
		send_one(sl, 0);
	}
}

static void on_ended(struct assoc *a, enum assoc_end how, const char *why,
		     void *arg)
{
	struct slot *sl = arg;
	struct sender *s = sl->s;

	(void)a;
	if (sl->busy)
		s->failed++;
	if (sl->bound) {
		s->nbound--;
		idle_drop(sl);
	}
	if (s->held == sl) {
		fprintf(stderr, "x400send: the MTA ended the association "
			"after %.1f s of silence\n",
			(double)(now_us() - s->held_at) / 1e6);
		uv_timer_stop(&s->hold);
		s->held = NULL;
	}
	if (s->hold_ms && s->live == 1)
		uv_close((uv_handle_t *)&s->hold, NULL);
	if (how != ASSOC_RELEASED) {
		fprintf(stderr, "x400send: association %s: %s\n",
			assoc_end_name(how), why);
		s->broken++;
	}
	s->live--;
	free(sl);
	/* an association that died early: the rest go on the others, or a
	 * new one if none is left and messages remain, at most 3 per
	 * association asked for (a peer that refuses every connection must
	 * not keep us looping). A refused bind is the peer's answer, not an
	 * accident: asking again would only feed its back-off (issue 6). */
	if (how == ASSOC_REFUSED)
		s->refused = 1;
	if (how != ASSOC_RELEASED && s->live == 0 && s->started < s->total &&
	    s->broken < 3 * s->assocs && !s->refused && !s->hold_ms)
		start_assoc(s);
	else if (how != ASSOC_RELEASED && s->live == 0)
		s->failed += s->total - s->started, s->started = s->total;
	else
		check_begin(s);		/* the others are bound */
}

static const struct assoc_cbs cbs = {
	on_bind_ind, on_bound, on_apdu_ind, on_apdu_conf, on_ended
};

static void start_assoc(struct sender *s)
{
	struct slot *sl = XNEW(struct slot);
	struct assoc *a;
	int rc;

	sl->s = s;
	sl->opened_at = now_us();
	if (s->nsrc > 0)
		s->cfg.src = s->srcs[s->opened % s->nsrc];
	s->opened++;
	rc = assoc_open(s->loop, &s->cfg, &cbs, sl, &a);
	if (rc != 0) {
		fprintf(stderr, "x400send: %s%s%s: %s\n", s->cfg.addr,
			s->cfg.src ? " from " : "", s->cfg.src ? s->cfg.src :
			"", uv_strerror(rc));
		exit(1);
	}
	sl->a = a;
	s->live++;
}

/* ---- the run ------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void summary(struct sender *s, uint64_t t1)
{
	uint64_t from = s->bind_first && s->sending ? s->t_send : s->t0;
	double secs = (double)(t1 - from) / 1e6;
	long n = s->confirmed;

	if (s->bind_first)
		printf("%d associations bound in %.3f s%s\n", s->nbegan,
		       s->sending ? (double)(s->t_send - s->t0) / 1e6 : 0.0,
		       s->rate > 0 ? "; messages then due at an even pace, "
		       "latency from when each was due" : "");
	qsort(s->lat, (size_t)n, sizeof(*s->lat), cmp_u64);
	printf("%ld sent, %ld confirmed, %ld failed in %.3f s: %.1f msg/s, "
	       "latency p50 %.2f ms p99 %.2f ms\n", s->started, n, s->failed,
	       secs, secs > 0 ? (double)n / secs : 0.0,
	       n ? (double)s->lat[n / 2] / 1000.0 : 0.0,
	       n ? (double)s->lat[(n * 99) / 100] / 1000.0 : 0.0);
}

int xs_run(struct sender *s)
{
	int i, n;

	s->lat = xcalloc((size_t)s->total, sizeof(*s->lat));
	n = s->assocs < s->total ? s->assocs : (int)s->total;
	s->assocs = n;
	s->idle = xcalloc((size_t)n, sizeof(*s->idle));
	if (s->rate > 0)
		s->bind_first = 1;
	uv_timer_init(s->loop, &s->hold);
	s->hold.data = s;
	if (!s->hold_ms)
		uv_close((uv_handle_t *)&s->hold, NULL);
	uv_timer_init(s->loop, &s->tick);
	s->tick.data = s;
	uv_unref((uv_handle_t *)&s->tick);	/* the associations keep the loop */
	s->t0 = now_us();
	for (i = 0; i < n; i++)
		start_assoc(s);
	uv_run(s->loop, UV_RUN_DEFAULT);
	summary(s, now_us());
	uv_close((uv_handle_t *)&s->tick, NULL);
	uv_run(s->loop, UV_RUN_DEFAULT);
	free(s->lat);
	free(s->idle);
	return s->confirmed == s->total && s->failed == 0 ? 0 : 1;
}
