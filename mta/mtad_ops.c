/*
 * mtad_ops.c - x400d: the operator's actions, read from the journal
 *
 * See mtad.h. x400q changes the queue in write transactions of its own,
 * and the journal entry of each change names the Unix user it was made
 * for (struct q_jent.user; the daemon's own entries name none). On each
 * scheduler pass x400d reads the journal entries after the last one it
 * has seen and logs each operator's hold, release, delete, retry and
 * reroute as event 5008 operator-action: the user, the action, the
 * message id and MTS identifier (or the link). A change x400q makes in
 * the queue reaches x400d this way; a retry x400q asks of a running
 * x400d (mtad_ctl.c) is journalled by x400d with the operator's name and
 * is logged from here all the same.
 *
 * x400d starts at the journal's end: actions taken while it was down
 * are in the journal (x400q journal), not in its log.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "mtad.h"

#define OPS_MAX		256	/* journal entries read per pass */

/* mtad_ops_start - follow the journal from its end on */
void mtad_ops_start(struct mtad *m)
{
	struct q_rd *rd;

	if (q_rd_begin(m->q, &rd) != 0)
		return;
	if (q_journal_next_seq(rd, &m->jseq) != 0)
		m->jseq = 0;
	q_rd_end(rd);
}

/* operator_action - a journal type an operator's x400q command makes */
static int operator_action(enum q_jtype t)
{
	return t == Q_J_HOLD || t == Q_J_RELEASE || t == Q_J_DELETE ||
	       t == Q_J_REROUTE || t == Q_J_RETRY;
}

/* mtsid_of - the message's MTS identifier: its record's, or, once it
 *	is gone (deleted), its arrival entry's */
static void mtsid_of(struct q_rd *rd, uint64_t id, char *out, size_t n)
{
	struct q_iter it;
	struct q_jent e;
	struct q_msg qm;

	snprintf(out, n, "?");
	if (q_msg_get(rd, id, &qm) == 0) {
		snprintf(out, n, "%s", qm.mtsid);
		return;
	}
	if (q_iter_journal(rd, &it, id) != 0)
		return;
	while (q_next_journal(&it, &e) == 1)
		if (e.type == Q_J_ARRIVAL) {
			snprintf(out, n, "%s", e.text);
			break;
		}
	q_iter_end(&it);
}

/* log_action - event 5008 for one entry */
static void log_action(struct mtad *m, struct q_rd *rd,
		       const struct q_jent *e)
{
	char mtsid[Q_MAX_MTSID + 8], rcpt[32] = "";

	if (e->id == 0) {
		mtad_log(m, LOG_NOTICE, EV_OPERATOR_ACTION, NULL, e->link,
			 "queue", "%s: %s of link %s (%s)", e->user,
			 q_jtype_name(e->type), e->link, e->text);
		return;
	}
	mtsid_of(rd, e->id, mtsid, sizeof(mtsid));
	if (e->rcpt >= 0)
		snprintf(rcpt, sizeof(rcpt), " recipient %d", (int)e->rcpt);
	mtad_log(m, LOG_NOTICE, EV_OPERATOR_ACTION, NULL,
		 e->link[0] ? e->link : NULL, "queue", "%s: %s of message "
		 "%" PRIu64 "%s, MTS identifier %s (%s)", e->user,
		 q_jtype_name(e->type), e->id, rcpt, mtsid, e->text);
}

/* mtad_ops_run - log the operators' actions journalled since the last
 *	pass */
void mtad_ops_run(struct mtad *m)
{
	struct q_rd *rd;
	struct q_iter it;
	struct q_jent e;
	int n = 0, rc = 0;

	if (q_rd_begin(m->q, &rd) != 0)
		return;
	if (q_iter_journal_from(rd, &it, m->jseq) == 0) {
		while (n < OPS_MAX && (rc = q_next_journal(&it, &e)) == 1) {
			m->jseq = e.seq + 1;
			n++;
			if (e.user[0] && operator_action(e.type))
				log_action(m, rd, &e);
		}
		q_iter_end(&it);
	}
	q_rd_end(rd);
	if (rc == Q_E_CORRUPT)
		m->jseq++;		/* x400q check names it; step over */
	if (n == OPS_MAX)
		mtad_kick(m);		/* more to read: soon */
}
