/*
 * xc_cases_as.c - test cases of the group association (AS)
 *
 * Each case's table entry names the clauses it rests on, what it sends
 * and what it expects (docs/conformance.md is made from these tables).
 * X.226, X.227 and X.228 for presentation, ACSE and RTSE in normal mode;
 * X.410 (1984) for the X.410-1984 mode.
 */

#include <stdlib.h>
#include <string.h>

#include "xc.h"
#include "xc_build.h"
#include "xc_cases.h"
#include "xc_check.h"
#include "xc_inbox.h"
#include "xc_peer.h"

/* ---- AS: association ------------------------------------------------ */

static void as_mode(struct xc *x, enum rtse_mode mode)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	enum xc_open rc;
	const char *key = mode == RTSE_X410 ? "mode.x410" : "mode.normal";

	xc_peer_opts_init(x, &o);
	o.mode = mode;
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection");
		xc_peer_free(p);
		return;
	}
	rc = xc_peer_bind(p);
	if (rc == XC_OPENED) {
		xc_pics(x, key, "yes");
		xc_note(x, "open in %s mode: checkpoint %zu KB, window %u",
			xc_mode_name(mode), p->osi.rtse.ckpt / 1024,
			p->osi.rtse.window);
		if (!xc_peer_release(p))
			xc_fail(x, "the association in %s mode does not "
				"release: %s", xc_mode_name(mode), p->why);
	} else if (mode != x->cfg.t_mode &&
		   (rc == XC_REFUSED || rc == XC_ABORTED)) {
		xc_pics(x, key, "no (%s)", p->why);
		xc_inconc(x, "the target does not take %s mode here (%s): not "
			  "offered", xc_mode_name(mode), p->why);
	} else {
		xc_pics(x, key, "no");
		xc_fail(x, "an association in %s mode (target.mode) was not "
			"accepted: %s%s%s", xc_mode_name(mode),
			xc_open_name(rc), p->why[0] ? ": " : "", p->why);
	}
	xc_peer_free(p);
}

static void as_normal(struct xc *x)
{
	as_mode(x, RTSE_NORMAL);
}

static void as_x410(struct xc *x)
{
	as_mode(x, RTSE_X410);
}

/* context - change id-ac-mts-transfer (06 04 56 00 01 06) in the AARQ
 *	to 2.6.0.1.127, an application context no MTA knows */
static void context(struct xc_peer *p, struct buf *out, void *arg)
{
	static const unsigned char oid[] = { 0x06, 0x04, 0x56, 0x00, 0x01,
					     0x06 };
	unsigned char *d = buf_ptr(out);
	size_t n = buf_avail(out), i;

	(void)arg;
	for (i = 0; i + sizeof(oid) <= n; i++)
		if (memcmp(d + i, oid, sizeof(oid)) == 0) {
			d[i + 5] = 0x7f;
			p->mutate = NULL;
			xc_note(p->x, "sent AARQ with application context "
				"2.6.0.1.127");
			return;
		}
}

static void as_context(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	enum xc_open rc;

	if (!xc_mode_usable(x, RTSE_NORMAL))
		return;
	xc_peer_opts_init(x, &o);
	o.mode = RTSE_NORMAL;
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection");
		xc_peer_free(p);
		return;
	}
	p->mutate = context;
	rc = xc_peer_bind(p);
	if (rc == XC_OPENED) {
		xc_fail(x, "the target accepted an association for application "
			"context 2.6.0.1.127 (X.227 7.1: refuse with "
			"application-context-name-not-supported)");
		xc_pics(x, "acse.context", "accepted");
		xc_peer_release(p);
	} else if (rc == XC_TIMEOUT) {
		xc_fail(x, "no answer to an AARQ for an unknown application "
			"context");
	} else {
		if (strstr(p->why, "diagnostic 2"))
			xc_pics(x, "acse.context", "refused, diagnostic "
				"application-context-name-not-supported");
		else
			xc_pics(x, "acse.context", "refused (%s)", p->why[0] ?
				p->why : xc_open_name(rc));
		xc_note(x, "refused: %s", p->why);
	}
	xc_peer_free(p);
}

static void as_defaults(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;

	xc_peer_opts_init(x, &o);
	o.checkpoint = 0;
	o.window = 0;
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	if (p->osi.rtse.ckpt != 0)
		xc_fail(x, "we proposed no checkpointing and the target "
			"answered checkpoint size %zu KB (X.228 9.1.3)",
			p->osi.rtse.ckpt / 1024);
	else if (p->osi.rtse.window > 3)
		xc_fail(x, "window %u after a proposal without one (default "
			"3; X.228 9.1.3)", p->osi.rtse.window);
	xc_pics(x, "rtse.defaults", "no checkpointing, window %u",
		p->osi.rtse.window);
	xc_peer_release(p);
	xc_peer_free(p);
}

static void as_negotiate(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	MTS_APDU_t *a;
	unsigned char *der;
	size_t len, hick;
	unsigned hiwin;
	struct xc_msgopt mo;
	int rc;

	/* as large as RTSE allows: what does the target take? */
	xc_peer_opts_init(x, &o);
	o.checkpoint = 65535;
	o.window = 100;
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	hick = p->osi.rtse.ckpt / 1024;
	hiwin = p->osi.rtse.window;
	if (hick > 65535 || hiwin > 100)
		xc_fail(x, "the target raised our proposal (checkpoint 65535, "
			"window 100) to %zu, %u", hick, hiwin);
	xc_peer_release(p);
	xc_peer_free(p);
	/* the smallest: 1 KB, window 1, and a transfer of 10 segments */
	xc_peer_opts_init(x, &o);
	o.checkpoint = 1;
	o.window = 1;
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	xc_pics(x, "rtse.checkpoint", "65535 KB -> %zu KB, 1 KB -> %zu KB",
		hick, p->osi.rtse.ckpt / 1024);
	xc_pics(x, "rtse.window", "100 -> %u, 1 -> %u", hiwin,
		p->osi.rtse.window);
	xc_pics(x, "rtse.recovery", hick ? "checkpointing agreed (up to %zu "
		"KB)" : "no checkpointing (%zu KB)", hick);
	if (p->osi.rtse.ckpt > 1024 || p->osi.rtse.window > 1) {
		xc_fail(x, "proposed checkpoint 1 KB and window 1, the target "
			"answered %zu KB and %u (X.228 9.1.3: lower only)",
			p->osi.rtse.ckpt / 1024, p->osi.rtse.window);
	} else {
		memset(&mo, 0, sizeof(mo));
		mo.pad = 10000;
		a = xc_msg_to(x, 1, &mo);
		der = xc_encode_for(x, a, &len);
		rc = xc_peer_transfer(p, der, len, x->cfg.relay_ms);
		if (rc != 1)
			xc_fail(x, "a transfer of %zu octets in %zu-octet "
				"segments, window %u, was not confirmed: %s",
				len, p->osi.rtse.ckpt, p->osi.rtse.window,
				rc == 0 ? "refused" : rc == -2 ? "no answer" :
				p->why);
		else
			xc_note(x, "%zu octets in %zu-octet checkpointed "
				"segments, window %u: confirmed", len,
				p->osi.rtse.ckpt, p->osi.rtse.window);
		free(der);
		xc_apdu_free(a);
		xc_peer_release(p);
	}
	xc_peer_free(p);
}

/* two_acked - the transfer has two checkpoints confirmed, or is over */
static int two_acked(void *arg)
{
	struct xc_peer *p = arg;

	return p->osi.rtse.tx_sn_acked >= 2 || !p->osi.rtse.tx_active ||
	    p->aborted || p->closed;
}

struct resume_wait {
	struct xc_peer	*p;
	unsigned	conf, failed;
};

/* resumed_done - the interrupted transfer was confirmed, or failed */
static int resumed_done(void *arg)
{
	struct resume_wait *w = arg;

	return w->p->nconf != w->conf || w->p->nfailed != w->failed ||
	    w->p->aborted || w->p->closed;
}

/* as_recover - X.228 9.5.3: interrupt a checkpointed transfer after
 *	two confirmed checkpoints, resume it from the second */
static void as_recover(struct xc *x)
{
	struct xc_msgopt mo = { 0, P1_REP_NDR, 0, 40000, NULL };
	struct xc_peer_opts o;
	struct xc_peer *p;
	struct rtse *r;
	struct resume_wait w;
	MTS_APDU_t *a;
	unsigned char *der;
	size_t len;
	unsigned long at;
	struct xc_msg *m;

	xc_peer_opts_init(x, &o);
	o.checkpoint = 4;
	o.window = 1;
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	r = &p->osi.rtse;
	if (r->ckpt == 0) {
		xc_pics(x, "rtse.resume", "no (no checkpointing agreed)");
		xc_inconc(x, "the target agreed no checkpointing: nothing to "
			  "resume from");
		xc_peer_release(p);
		xc_peer_free(p);
		return;
	}
	a = xc_msg_to(x, 1, &mo);
	der = xc_encode_for(x, a, &len);
	if (rtse_transfer_req(r, der, len, NULL) != 0) {
		xc_fail(x, "cannot start the transfer (our RTSE in state %d)",
			(int)r->state);
		goto out;
	}
	xc_peer_flush(p);
	w.p = p;
	w.conf = p->nconf;
	w.failed = p->nfailed;
	if (!xc_wait(x, two_acked, p, x->cfg.answer_ms) ||
	    r->tx_sn_acked < 2 || !r->tx_active) {
		xc_fail(x, "the target did not confirm two checkpoints of a "
			"%zu-octet transfer in %zu-octet segments, window 1: "
			"%s", len, r->ckpt, p->why[0] ? p->why : "no answer");
		goto out;
	}
	/* what our RTSE does when the receiver reports a temporary
	 * problem, done here by the sender: S-ACTIVITY-INTERRUPT; on its
	 * confirmation, S-ACTIVITY-RESUME from the last confirmed
	 * checkpoint (rtse.c, tx_resume) */
	at = r->tx_sn_acked;
	r->tx_interrupted = 1;
	if (ses_act_interrupt_req(&r->ses, 0) != 0) {
		xc_fail(x, "cannot interrupt the activity (our session in "
			"state %s)", ses_state_name(r->ses.state));
		goto out;
	}
	xc_peer_flush(p);
	xc_note(x, "interrupted the activity with checkpoint %lu of %zu "
		"octets confirmed (%llu octets sent)", at, len,
		p->c ? (unsigned long long)conn_bytes_out(p->c) : 0ULL);
	if (!xc_wait(x, resumed_done, &w, x->cfg.relay_ms)) {
		xc_fail(x, "no answer within %u s to the interrupted and "
			"resumed transfer", x->cfg.relay_ms / 1000);
	} else if (p->nconf != w.conf) {
		xc_pics(x, "rtse.resume", "yes (activity interrupted and "
			"resumed from a checkpoint)");
		xc_note(x, "the resumed transfer was confirmed");
		if ((m = xc_expect_relay(x, a)) != NULL && m->apdu) {
			xc_check_same(x, a, m->apdu);
			xc_check_trace(x, a, m->apdu);
		}
		if (xc_ok(x) && !xc_peer_release(p))
			xc_fail(x, "the release after the resumed transfer "
				"failed: %s", p->why);
	} else {
		const char *why = p->why[0] ? p->why : p->notice[0] ?
		    p->notice :
		    p->aborted ? "aborted" : p->closed ?
		    "the connection closed" : "refused";

		xc_pics(x, "rtse.resume", "no (%s)", why);
		xc_fail(x, "the activity interrupted with checkpoint %lu "
			"confirmed, then resumed (AR), was not confirmed: %s",
			at, why);
	}
out:
	free(der);
	xc_apdu_free(a);
	xc_peer_free(p);
}

static void as_twa(struct xc *x, int turn_responder)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	enum xc_open rc;
	const char *v = xc_pics_get(x, "rtse.twa");

	if (turn_responder && v && strncmp(v, "no", 2) == 0) {
		xc_inconc(x, "the target does not take two-way alternate "
			  "(AS.06)");
		return;
	}
	xc_peer_opts_init(x, &o);
	o.dialogue = RTSE_TWA;
	o.turn_responder = turn_responder;
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection");
		xc_peer_free(p);
		return;
	}
	rc = xc_peer_bind(p);
	if (rc == XC_OPENED) {
		MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
		unsigned char *der;
		size_t len;
		int t;

		xc_pics(x, "rtse.twa", "yes");
		der = xc_encode_for(x, a, &len);
		t = xc_peer_transfer(p, der, len, 0);
		if (t != 1)
			xc_fail(x, "a transfer in two-way alternate mode%s was "
				"not confirmed: %s", turn_responder ?
				" (turn asked for with RT-TURN-PLEASE)" : "",
				t == -2 ? "no answer" : t == 0 ? "refused" :
				p->why);
		else if (turn_responder)
			xc_note(x, "the target gave the turn (%u "
				"RT-TURN-GIVE) and confirmed", p->nturn);
		if (t == 1 && !xc_peer_release(p))
			xc_fail(x, "release in two-way alternate mode failed: "
				"%s", p->why);
		free(der);
		xc_apdu_free(a);
	} else if (rc == XC_REFUSED && p->bind_error == XC_BE_DIALOGUE) {
		xc_pics(x, "rtse.twa", "no (unacceptable-dialogue-mode)");
		xc_note(x, "refused with unacceptable-dialogue-mode");
	} else {
		xc_fail(x, "two-way alternate proposed: %s%s%s; expected "
			"acceptance or MTA-bind-error unacceptable-dialogue-"
			"mode (X.411 12.1.1.3)", xc_open_name(rc),
			p->why[0] ? ": " : "", p->why);
	}
	xc_peer_free(p);
}

static void as_twa_ours(struct xc *x)
{
	as_twa(x, 0);
}

static void as_twa_theirs(struct xc *x)
{
	as_twa(x, 1);
}

static void as_release(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;

	xc_peer_opts_init(x, &o);
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	if (!xc_peer_release(p))
		xc_fail(x, "RT-CLOSE (RLRQ in FN) was not confirmed: %s",
			p->why);
	else if (!xc_peer_wait_end(p, x->cfg.answer_ms))
		xc_fail(x, "the connection did not close after the release");
	xc_peer_free(p);
}

static void as_abort(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;

	xc_peer_opts_init(x, &o);
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	rtse_abort_req(&p->osi.rtse, RTSE_AB_USER);
	xc_peer_flush(p);
	xc_note(x, "sent RT-U-ABORT");
	xc_peer_free(p);
}

/* AS.11, AS.12: the applicationProtocol of the PConnect (docs/editions.md
 *	row 2), the bind in target.x410_bind's form */
static void as_ap1(struct xc *x)
{
	xc_x410_form(x, 1, x->cfg.t_x410_bare, 1, "x410.ap");
}

static void as_ap12(struct xc *x)
{
	xc_x410_form(x, 12, x->cfg.t_x410_bare, 0, "x410.ap");
}

const struct xc_case xc_cases_as[] = {
	{ "AS.01", "association", "1988 normal mode",
	  "X.228 9.1 (RT-OPEN over A-ASSOCIATE); X.227 7.1; X.226 6.2; "
	  "X.419 A.1 (id-ac-mts-transfer)",
	  "CN with a CP proposing the ACSE, mta-rtse and mts-transfer "
	  "contexts, an AARQ for id-ac-mts-transfer and an RTORQ holding "
	  "our MTA-bind; then RT-CLOSE",
	  "AC with a CPA, an accepting AARE and an RTOAC holding the "
	  "target's bind result; RLRE in a DN",
	  as_normal, 0 },
	{ "AS.02", "association", "X.410-1984 mode",
	  "X.410 (1984) (PConnect, PAccept); X.226 8.2 (mode-value 0, "
	  "x410-1984-mode); X.419 Annex B",
	  "CN with a PConnect (mode x410-1984) holding our MTA-bind; then "
	  "S-RELEASE",
	  "AC with a PAccept and the bind result; DN. A target whose "
	  "target.mode is normal may refuse (inconclusive)",
	  as_x410, 0 },
	{ "AS.03", "association", "unknown application context",
	  "X.227 7.1 (AARE result source-diagnostic application-context-"
	  "name-not-supported); X.419 A.1 (id-ac-mts-transfer)",
	  "An AARQ naming application context 2.6.0.1.127",
	  "A refusal (CPR with an AARE rejected-permanent, diagnostic 2), "
	  "never an accepted association",
	  as_context, XC_F_HEALTH },
	{ "AS.04", "association", "RTSE defaults",
	  "X.228 9.1.3 (checkpointSize DEFAULT 0, windowSize DEFAULT 3)",
	  "An RTORQ with neither checkpoint size nor window size",
	  "An RTOAC with no checkpointing (0) and a window of at most 3",
	  as_defaults, 0 },
	{ "AS.05", "association", "window and checkpoint negotiation",
	  "X.228 9.1.3 (the acceptor may only lower them), 9.3 (minor "
	  "synchronization points)",
	  "RTORQ with checkpoint 65535 KB and window 100; then one with "
	  "1 KB and window 1, and a 10 KB message in 1 KB checkpointed "
	  "segments",
	  "Values no higher than proposed; the 10 KB transfer confirmed "
	  "with a window of 1",
	  as_negotiate, 0 },
	{ "AS.06", "association", "two-way alternate dialogue",
	  "X.228 9.1.3 (dialogueMode), 9.4 (turn); X.411 12.1.1.3 "
	  "(unacceptable-dialogue-mode)",
	  "RTORQ proposing two-way alternate, the initial turn ours; one "
	  "transfer; RT-CLOSE",
	  "Accepted and the transfer confirmed, or the bind refused with "
	  "unacceptable-dialogue-mode",
	  as_twa_ours, 0 },
	{ "AS.07", "association", "turn passing",
	  "X.228 9.4 (RT-TURN-PLEASE, RT-TURN-GIVE); X.225 (S-TOKEN-"
	  "PLEASE, S-CONTROL-GIVE)",
	  "RTORQ proposing two-way alternate with the initial turn at the "
	  "target; an RT-TURN-PLEASE (RTTP in a PT) to send one message",
	  "The turn given (GT with every token), the message confirmed",
	  as_twa_theirs, 0 },
	{ "AS.08", "association", "orderly release",
	  "X.228 9.2 (RT-CLOSE); X.227 (RLRQ, RLRE); X.225 (FN, DN)",
	  "RLRQ in an FN after the bind",
	  "RLRE in a DN, then the transport connection ends",
	  as_release, 0 },
	{ "AS.09", "association", "user abort",
	  "X.228 9.6 (RT-U-ABORT); X.227 (ABRT); X.225 8.3.9 (AB)",
	  "An RTAB (userError) in an ABRT in an ARU in an AB after the "
	  "bind",
	  "The association ends; the target still serves",
	  as_abort, XC_F_HEALTH },
	{ "AS.10", "association", "activity interrupted and resumed",
	  "X.228 9.5.3 (recovery: S-ACTIVITY-INTERRUPT, then "
	  "S-ACTIVITY-RESUME from the last confirmed checkpoint); X.225 "
	  "8.3.29 (AI), 8.3.30 (AIA), 8.3.28 (AR)",
	  "A 40 KB message in 4 KB checkpointed segments, window 1; after "
	  "the second checkpoint confirmed, an AI; on its AIA, an AR from "
	  "the last checkpoint confirmed and the rest of the message",
	  "AIA, the resumed activity confirmed, the message relayed with "
	  "identical content",
	  as_recover, XC_F_HEALTH },
	{ "AS.11", "association", "X.410-1984 applicationProtocol 1",
	  "X.410 (1984) 5.3 (PConnect applicationProtocol [4] IMPLICIT "
	  "INTEGER DEFAULT 1, P1 is 1); X.419 Annex B; docs/editions.md row 2",
	  "CN with a PConnect (mode x410-1984) whose applicationProtocol is "
	  "1 (left out: the default), proposing 16 KB checkpoints, the "
	  "MTA-bind as target.x410_bind says",
	  "AC with a PAccept and the bind result. A target whose target.mode "
	  "is normal may refuse (inconclusive)",
	  as_ap1, 0 },
	{ "AS.12", "association", "X.410-1984 applicationProtocol 12",
	  "X.419 Annex B (1984 interworking of a 1988 MTA); docs/editions.md "
	  "row 2 (12, as PP's 1988-X410 channel sends it and Wireshark reads "
	  "it)",
	  "CN with a PConnect (mode x410-1984) whose applicationProtocol is "
	  "12, proposing 16 KB checkpoints, the MTA-bind as target.x410_bind "
	  "says",
	  "AC with a PAccept and the bind result (every form taken); a "
	  "refusal is inconclusive (X.410 (1984) defines only 1)",
	  as_ap12, 0 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
