/*
 * mtad_prune.c - x400d: the queue's housekeeping
 *
 * See mtad.h. The queue keeps a journal of what happened to each
 * message, and the identifier of each removed message (a tombstone),
 * so that a peer's retransmission after delivery is still recognised
 * as a duplicate (docs/store.md). Both would grow without end: every
 * PRUNE_MS (or half of global.limits.history, if shorter) x400d drops
 * what is older than limits.history (7 days), at most Q_PRUNE_MAX of
 * each per transaction, again at once while a transaction was full, so
 * that the store stays as big as the work of one history. Event 5009
 * store-pruned says how much went.
 */
#include <time.h>

#include "log.h"
#include "mtad.h"

#define PRUNE_MS	600000	/* at most this long between prunes */
#define PRUNE_AGAIN_MS	1000	/* after a full transaction */

static void prune_arm(struct mtad *m, uint64_t ms);

static void pruned(void *arg, int err, uint64_t n)
{
	struct mtad *m = arg;

	m->pruning = 0;
	if (m->stopping)
		return;
	if (err != 0) {
		mtad_log(m, LOG_ERR, EV_STORE_ERROR, NULL, NULL, "store",
			 "cannot prune the journal: %s", q_strerror(err));
	} else if (n > 0) {
		mtad_log(m, LOG_INFO, EV_STORE_PRUNED, NULL, NULL, "store",
			 "%llu journal entries and identifiers of removed "
			 "messages older than %llu s dropped",
			 (unsigned long long)n,
			 (unsigned long long)(m->cfg->history_ms / 1000));
	}
	/* a full transaction: more is waiting */
	prune_arm(m, err == 0 && n >= Q_PRUNE_MAX ? PRUNE_AGAIN_MS : 0);
}

static void on_prune(uv_timer_t *t)
{
	struct mtad *m = t->data;
	struct q_op op = { 0 };
	int rc;

	if (m->stopping || m->pruning)
		return;
	op.type = Q_OP_PRUNE;
	op.now = time(NULL);
	op.when = op.now - (int64_t)(m->cfg->history_ms / 1000);
	if (op.when <= 0)
		op.when = 1;
	m->pruning = 1;
	if ((rc = q_submit_lazy(m->q, &op, 1, pruned, m)) != 0) {
		m->pruning = 0;
		mtad_log(m, LOG_ERR, EV_STORE_ERROR, NULL, NULL, "store",
			 "cannot prune the journal: %s", q_strerror(rc));
		prune_arm(m, 0);
	}
}

/* prune_arm - the next prune in ms, or (0) at the usual interval */
static void prune_arm(struct mtad *m, uint64_t ms)
{
	if (ms == 0) {
		ms = m->cfg->history_ms / 2;
		if (ms > PRUNE_MS)
			ms = PRUNE_MS;
		if (ms < 500)
			ms = 500;
	}
	uv_timer_start(&m->prune, on_prune, ms, 0);
}

void mtad_prune_start(struct mtad *m)
{
	uv_timer_init(m->loop, &m->prune);
	m->prune.data = m;
	prune_arm(m, 0);
}

void mtad_prune_stop(struct mtad *m)
{
	uv_timer_stop(&m->prune);
	uv_close((uv_handle_t *)&m->prune, NULL);
}
