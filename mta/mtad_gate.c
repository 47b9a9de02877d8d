/*
 * mtad_gate.c - the front door's refusals, counted and logged once an
 *	interval
 *
 * See mtad.h. A flood of connections that never bind, or of binds
 * refused while their caller backs off, must not flood the log too
 * (issue 17: 1,937 refusals once wrote 335 KB). Each such refusal is
 * counted here by reason and source address, and one event (2011
 * conn-refusals) per global.limits.refusal_log_interval says how many
 * of each there were and which address sent most. Refusals that teach
 * the operator something new (a wrong password, an unknown name: events
 * 3001-3004) are still logged one by one by mtad_in.c; the back-off
 * bounds how often.
 *
 * The busiest sources are found with the space-saving algorithm
 * (Metwally, Agrawal and El Abbadi, "Efficient computation of frequent
 * and top-k elements in data streams", 2005) over GATE_TOP slots: an
 * address that sent more than 1/GATE_TOP of the refusals is always
 * among them, and its count is never under its true count.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "mtad.h"
#include "xalloc.h"

static const struct {
	const char	*text;
	int		refusal;	/* enum mtad_refusal, -1: none */
} why_tab[GATE_MAX] = {
	[GATE_PER_SOURCE] = { "over prebind_per_source",
			      MTAD_REF_PREBIND_SOURCE },
	[GATE_PREBIND_FULL] = { "over prebind_max", MTAD_REF_PREBIND_FULL },
	[GATE_STOPPING] = { "while stopping", -1 },
	[GATE_NO_BIND] = { "no bind within bind_timeout",
			   MTAD_REF_BIND_TIMEOUT },
	[GATE_ENDED_UNBOUND] = { "ended before a bind", -1 },
	[GATE_BACKOFF] = { "binds refused while their caller backs off",
			   MTAD_REF_RATE_LIMITED },
	[GATE_TOO_MANY] = { "binds refused over max_associations_in",
			    MTAD_REF_TOO_MANY },
	[GATE_TLS_FAILED] = { "TLS handshakes failed", MTAD_REF_TLS_FAILED },
};

/* top_count - one more refusal from addr among the busiest sources */
static void top_count(struct mtad_gate *g, const char *addr)
{
	size_t i, min = 0;

	for (i = 0; i < GATE_TOP; i++) {
		if (g->top[i].n && strcmp(g->top[i].addr, addr) == 0) {
			g->top[i].n++;
			return;
		}
		if (g->top[i].n < g->top[min].n)
			min = i;
	}
	/* a free slot (n 0) or the least counted one: it inherits that
	 * count, so no count is ever under the truth */
	snprintf(g->top[min].addr, sizeof(g->top[min].addr), "%s", addr);
	g->top[min].n++;
}

void mtad_gate_count(struct mtad *m, enum mtad_gate_why why,
		     const char *addr)
{
	struct mtad_gate *g = &m->gate;

	if ((unsigned)why >= GATE_MAX)
		panic("mtad_gate_count: reason %d", (int)why);
	g->n[why]++;
	if (why_tab[why].refusal >= 0)
		mtad_refused(m, (enum mtad_refusal)why_tab[why].refusal);
	if (addr && addr[0])
		top_count(g, addr);
}

/* gate_flush - the summary event of the counts so far, then zero */
static void gate_flush(struct mtad *m)
{
	struct mtad_gate *g = &m->gate;
	char text[900];
	size_t at = 0, i, best = 0;
	uint64_t total = 0;

	for (i = 0; i < GATE_MAX; i++)
		total += g->n[i];
	if (total == 0)
		return;
	for (i = 0; i < GATE_MAX && at + 80 < sizeof(text); i++)
		if (g->n[i])
			at += (size_t)snprintf(text + at, sizeof(text) - at,
			      "%s%llu %s", at ? ", " : "",
			      (unsigned long long)g->n[i], why_tab[i].text);
	for (i = 1; i < GATE_TOP; i++)
		if (g->top[i].n > g->top[best].n)
			best = i;
	mtad_log(m, LOG_WARNING, EV_CONN_REFUSALS, NULL, NULL, "conn",
		 "in the last %lld s, before a bind: %s; most from %s (at "
		 "most %llu)", (long long)((mtad_now_ms() - g->since + 999) /
		 1000), text, g->top[best].n ? g->top[best].addr : "-",
		 (unsigned long long)g->top[best].n);
	memset(g->n, 0, sizeof(g->n));
	memset(g->top, 0, sizeof(g->top));
}

static void on_gate_timer(uv_timer_t *t)
{
	struct mtad *m = t->data;

	gate_flush(m);
	m->gate.since = mtad_now_ms();
	uv_timer_start(&m->gate.timer, on_gate_timer, m->cfg->refusal_log_ms,
		       0);
}

void mtad_gate_start(struct mtad *m)
{
	memset(&m->gate, 0, sizeof(m->gate));
	uv_timer_init(m->loop, &m->gate.timer);
	m->gate.timer.data = m;
	m->gate.since = mtad_now_ms();
	uv_timer_start(&m->gate.timer, on_gate_timer, m->cfg->refusal_log_ms,
		       0);
}

void mtad_gate_stop(struct mtad *m)
{
	gate_flush(m);
	uv_timer_stop(&m->gate.timer);
	uv_close((uv_handle_t *)&m->gate.timer, NULL);
}
