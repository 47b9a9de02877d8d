/*
 * xc_cases_tr.c - test cases of the group transfer (TR)
 *
 * Every case sends as an MTA of us.domain and watches what the target
 * does with it: relays it back to x400conf (its route for us.domain),
 * reports on it, or refuses it (the helpers: xc_cases.h).
 * X.411 clause 12.2 defines the three transfers, 14 the MTA's procedures
 * (routing, reports).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asnx.h"
#include "codec.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_env.h"
#include "p1_ext.h"
#include "p1_id.h"
#include "xalloc.h"
#include "xc.h"
#include "xc_build.h"
#include "xc_cases.h"
#include "xc_check.h"
#include "xc_inbox.h"
#include "xc_peer.h"

#include "ContentCorrelator.h"
#include "ConversionWithLossProhibited.h"
#include "DLExpansionProhibited.h"
#include "LatestDeliveryTime.h"
#include "RecipientReassignmentProhibited.h"

/* ---- TR: transfer ---------------------------------------------------- */

static void tr_smallest(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	MessageTransferEnvelope_t *e = &a->choice.message.envelope;

	/* nothing optional: no priority, no indicators, empty content */
	codec_free(&asn_DEF_PerMessageIndicators, e->per_message_indicators);
	e->per_message_indicators = NULL;
	p1_str_setn(&a->choice.message.content, "", 0);
	xc_relay(x, a);
	xc_apdu_free(a);
}

static void tr_largest(struct xc *x)
{
	struct xc_msgopt o = { 0, P1_REP_ALL, 1, 4000, NULL };
	MTS_APDU_t *a = xc_msg_to(x, 32, &o);
	MessageTransferEnvelope_t *e = &a->choice.message.envelope;
	ContentCorrelator_t cc;
	UTCTime_t ldt;
	long yes = 1;
	char *corr = xc_repeat('c', 512);
	int i;

	e->content_identifier = p1_str_new("x400conf-TR.02-1");
	e->priority = asnx_long(2);
	codec_free(&asn_DEF_PerMessageIndicators, e->per_message_indicators);
	e->per_message_indicators = XNEW(PerMessageIndicators_t);
	p1_bits_init(e->per_message_indicators, 3);
	p1_bit_set(e->per_message_indicators, 0, 1);	/* disclosure */
	p1_bit_set(e->per_message_indicators, 1, 1);	/* no conversion */
	p1_bit_set(e->per_message_indicators, 2, 1);	/* alternate ok */
	e->original_encoded_information_types =
	    XNEW(EncodedInformationTypes_t);
	p1_bits_init(&e->original_encoded_information_types->
		     built_in_encoded_information_types, 3);
	p1_bit_set(&e->original_encoded_information_types->
		   built_in_encoded_information_types, 2, 1);	/* ia5 */
	e->deferred_delivery_time = XNEW(UTCTime_t);
	p1_time_set(e->deferred_delivery_time, time(NULL) - 600);
	memset(&cc, 0, sizeof(cc));
	cc.present = ContentCorrelator_PR_ia5text;
	p1_str_set(&cc.choice.ia5text, corr);
	memset(&ldt, 0, sizeof(ldt));
	p1_time_set(&ldt, time(NULL) + 30 * 86400);
	if (!p1_ext_add((void **)&e->extensions, 1, 0,
			&asn_DEF_RecipientReassignmentProhibited, &yes,
			P1_EXTF_IMPLICIT) ||
	    !p1_ext_add((void **)&e->extensions, 3, 0,
			&asn_DEF_DLExpansionProhibited, &yes,
			P1_EXTF_IMPLICIT) ||
	    !p1_ext_add((void **)&e->extensions, 4, 0,
			&asn_DEF_ConversionWithLossProhibited, &yes,
			P1_EXTF_IMPLICIT) ||
	    !p1_ext_add((void **)&e->extensions, 5, 0,
			&asn_DEF_LatestDeliveryTime, &ldt, P1_EXTF_IMPLICIT) ||
	    !p1_ext_add((void **)&e->extensions, 23, 0,
			&asn_DEF_ContentCorrelator, &cc, P1_EXTF_IMPLICIT))
		panic("x400conf: TR.02 extensions");
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_ContentCorrelator, &cc);
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_UTCTime, &ldt);
	for (i = 0; i < 32; i++)
		xc_ext_octets((void **)&xc_rcpt_fields(a, i)->extensions,
			      200, 0, "x400conf per-recipient extension");
	xc_trace_add(a, "C=XX;A=ADMD;P=TR02-VIA", 0, time(NULL));
	xc_relay(x, a);
	free(corr);
	xc_apdu_free(a);
}

/* copies - mark the recipients of sent that some copy with its id
 *	carries with responsibility; how many are marked */
static int copies(struct xc *x, const MTS_APDU_t *sent, const char *id,
		  int *seen, int n, int *dups)
{
	const struct xc_msg *m = NULL;
	int i, k, marked = 0;

	memset(seen, 0, (size_t)n * sizeof(*seen));
	*dups = 0;
	while ((m = xc_inbox_find(x, P1_MESSAGE, id, m)) != NULL) {
		if (m->apdu == NULL)
			continue;
		for (i = 0; i < p1_env_recipient_count(m->apdu); i++) {
			struct p1_recip r;
			char *name;

			p1_env_recipient(m->apdu, i, &r);
			if (!r.responsible)
				continue;
			name = p1_orname_format(r.name);
			k = xc_recipient_index(sent, name);
			free(name);
			if (k < 0 || k >= n)
				continue;
			if (seen[k]++)
				(*dups)++;
			else
				marked++;
		}
	}
	return marked;
}

struct many_arg {
	struct xc	*x;
	const MTS_APDU_t *sent;
	const char	*id;
	int		*seen, n, dups;
};

static int all_came(void *arg)
{
	struct many_arg *m = arg;

	return copies(m->x, m->sent, m->id, m->seen, m->n, &m->dups) == m->n;
}

static void tr_many(struct xc *x)
{
	int n = (int)x->cfg.many;
	MTS_APDU_t *a = xc_msg_to(x, (size_t)n, NULL);
	char *id = xc_apdu_id(a);
	struct many_arg m = { x, a, id, xcalloc((size_t)n, sizeof(int)), n,
			      0 };
	int got, ncopies, rc = xc_send(x, a);

	if (rc == XC_T_CONFIRMED) {
		xc_wait(x, all_came, &m, x->cfg.relay_ms);
		got = copies(x, a, id, m.seen, n, &m.dups);
		ncopies = xc_inbox_count(x, P1_MESSAGE, id);
		if (got < n)
			xc_fail(x, "%d of %d recipients came back within %u s "
				"(in %d copies)%s%s", got, n,
				x->cfg.relay_ms / 1000, ncopies,
				xc_inbox_problems(x)[0] ? "; " : "",
				xc_inbox_problems(x));
		else if (m.dups)
			xc_fail(x, "%d recipients came back more than once "
				"with responsibility (X.411 12.2.1.1.1: each "
				"recipient is one MTA's responsibility)",
				m.dups);
		else
			xc_note(x, "all %d recipients came back, in %d "
				"cop%s", n, ncopies, ncopies == 1 ? "y" :
				"ies");
		if (ncopies >= 1) {
			struct xc_msg *c = xc_inbox_find(x, P1_MESSAGE, id,
							 NULL);

			if (c->apdu && ncopies == 1) {
				xc_check_same(x, a, c->apdu);
				xc_check_trace(x, a, c->apdu);
			}
		}
	} else if (rc == XC_T_REFUSED) {
		xc_fail(x, "the target refused a message with %d recipients "
			"(ub-recipients is 32767)", n);
	}
	free(m.seen);
	free(id);
	xc_apdu_free(a);
}

static void tr_large(struct xc *x, int checkpointing)
{
	struct xc_msgopt o = { 0, P1_REP_NDR, 0, 0, NULL };
	struct xc_peer_opts po;
	MTS_APDU_t *a;
	struct xc_msg *m;
	int rc;

	o.pad = checkpointing ? x->cfg.large_size : x->cfg.large_size / 2;
	a = xc_msg_to(x, 1, &o);
	xc_peer_opts_init(x, &po);
	po.checkpoint = checkpointing ? 16 : 0;
	po.window = checkpointing ? 3 : 0;
	rc = xc_send_opts(x, a, &po, 0);
	if (rc == XC_T_CONFIRMED) {
		if ((m = xc_expect_relay(x, a)) != NULL && m->apdu) {
			xc_check_same(x, a, m->apdu);
			xc_check_trace(x, a, m->apdu);
		}
	} else if (rc == XC_T_REFUSED) {
		xc_fail(x, "the target refused a message of %ld octets of "
			"content", p1_env_content_length(a));
	}
	xc_apdu_free(a);
}

static void tr_large_ckpt(struct xc *x)
{
	tr_large(x, 1);
}

static void tr_large_plain(struct xc *x)
{
	tr_large(x, 0);
}

struct either {
	struct xc	*x;
	const char	*id;
};

static int probe_done(void *arg)
{
	struct either *e = arg;

	return xc_inbox_find(e->x, P1_PROBE, e->id, NULL) ||
	    xc_inbox_find(e->x, P1_REPORT, e->id, NULL);
}

static void tr_probe(struct xc *x)
{
	struct xc_msgopt o = { 1, P1_REP_ALL, 1, 0, NULL };
	MTS_APDU_t *a = xc_msg_to(x, 1, &o);
	char *id = xc_apdu_id(a);
	char *r = xc_rcpt(x, 1);
	struct either e = { x, id };
	struct xc_msg *m;

	if (xc_send(x, a) == XC_T_CONFIRMED) {
		xc_wait(x, probe_done, &e, x->cfg.relay_ms);
		if ((m = xc_inbox_find(x, P1_PROBE, id, NULL)) != NULL &&
		    m->apdu) {
			xc_pics(x, "p1.probe", "relayed to the next MTA");
			if (m->mode != x->cfg.t_mode)
				xc_fail(x, "the probe came over an association "
					"in the wrong mode");
			xc_check_same(x, a, m->apdu);
			xc_check_trace(x, a, m->apdu);
		} else if ((m = xc_inbox_find(x, P1_REPORT, id, NULL)) !=
			   NULL && m->apdu) {
			xc_pics(x, "p1.probe", "answered by the target");
			xc_check_report(x, m->apdu, a, r, 1, -1, -1, 0);
		} else {
			xc_fail(x, "the probe %s was neither relayed nor "
				"answered within %u s%s%s", id,
				x->cfg.relay_ms / 1000,
				xc_inbox_problems(x)[0] ? "; " : "",
				xc_inbox_problems(x));
		}
	}
	free(r);
	free(id);
	xc_apdu_free(a);
}
static void tr_report(struct xc *x)
{
	char *r = xc_rcpt(x, 1);
	MTS_APDU_t *rep = xc_report_on(x, r);
	const MTSIdentifier_t *sid = p1_env_subject_id(rep);
	char *subject = p1_mtsid_format(sid);
	struct xc_msg *m;

	if (xc_send(x, rep) == XC_T_CONFIRMED &&
	    (m = xc_expect_report(x, subject)) != NULL && m->apdu) {
		xc_pics(x, "p1.report", "yes");
		if (m->mode != x->cfg.t_mode)
			xc_fail(x, "the report came over an association in "
				"the wrong mode");
		xc_check_same(x, rep, m->apdu);
		xc_check_trace(x, rep, m->apdu);
	}
	free(subject);
	free(r);
	xc_apdu_free(rep);
}

static void tr_ndr(struct xc *x)
{
	const char *r1[1] = { x->cfg.u_unroutable };
	MTS_APDU_t *a = xc_msg_new(x, r1, 1, NULL);

	if (xc_ndr(x, a, x->cfg.u_unroutable, XC_NDR_UNABLE,
		   XC_NDD_UNRECOGNISED, 0))
		xc_pics(x, "p1.ndr", "yes (unroutable recipient)");
	xc_apdu_free(a);
}

static void tr_dr(struct xc *x)
{
	const char *r1[1] = { x->cfg.t_local };
	struct xc_msgopt o = { 0, P1_REP_ALL, 1, 0, NULL };
	MTS_APDU_t *a;
	struct xc_msg *r;
	char *id;

	if (x->cfg.t_local[0] == 0) {
		xc_inconc(x, "no target.local_recipient: the target delivers "
			  "nothing x400conf can address");
		return;
	}
	a = xc_msg_new(x, r1, 1, &o);
	id = xc_apdu_id(a);
	if (xc_send(x, a) == XC_T_CONFIRMED &&
	    (r = xc_expect_report(x, id)) != NULL && r->apdu) {
		if (xc_check_report(x, r->apdu, a, x->cfg.t_local, 1, -1, -1,
				    0))
			xc_pics(x, "p1.dr", "yes");
	}
	free(id);
	xc_apdu_free(a);
}

static void tr_responsibility(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 2, NULL);
	struct xc_msg *m;
	char *r2 = xc_rcpt(x, 2), *id = xc_apdu_id(a);
	struct p1_recip pr;
	int k;

	/* recipient 2 is another MTA's business (X.411 12.2.1.1.1.x) */
	p1_bit_set(&xc_rcpt_fields(a, 1)->per_recipient_indicators, 0, 0);
	if ((m = xc_relay(x, a)) != NULL) {
		k = xc_recipient_index(m->apdu, r2);
		if (k >= 0) {
			p1_env_recipient(m->apdu, k, &pr);
			if (pr.responsible)
				xc_fail(x, "the target passed on recipient %s "
					"with responsibility set, though it was "
					"not responsible for it", r2);
			else
				xc_pics(x, "p1.nonresp", "passed on, not "
					"responsible");
		}
		xc_expect_nothing(x, P1_REPORT, id, XC_QUIET_MS);
	}
	free(r2);
	free(id);
	xc_apdu_free(a);
}

static void tr_x410(struct xc *x)
{
	const char *v = xc_pics_get(x, "mode.x410");
	struct xc_peer_opts o;
	MTS_APDU_t *a;
	struct xc_msg *m;

	if (v && strncmp(v, "no", 2) == 0) {
		xc_inconc(x, "the target does not take X.410-1984 mode (AS.02)");
		return;
	}
	a = xc_msg_to(x, 1, NULL);
	xc_peer_opts_init(x, &o);
	o.mode = RTSE_X410;
	if (xc_send_opts(x, a, &o, 0) == XC_T_CONFIRMED &&
	    (m = xc_expect_relay(x, a)) != NULL && m->apdu) {
		xc_check_same(x, a, m->apdu);
		xc_check_trace(x, a, m->apdu);
	}
	xc_apdu_free(a);
}

const struct xc_case xc_cases_tr[] = {
	{ "TR.01", "transfer", "smallest message",
	  "X.411 12.2.1.1 (message-transfer), 12.2.1.1.1 (envelope); X.228 "
	  "9.3 (RT-TRANSFER)",
	  "A message with only the mandatory envelope fields, one recipient "
	  "in us.domain and an empty content",
	  "Confirmed; relayed back to x400conf unchanged but for the "
	  "target's trace element",
	  tr_smallest, XC_F_SLOW },
	{ "TR.02", "transfer", "largest envelope",
	  "X.411 12.2.1.1.1 (every envelope field), Figure 2 "
	  "(ub-content-id-length, ub-content-correlator-length)",
	  "32 recipients each with a per-recipient extension; content "
	  "identifier, priority urgent, per-message indicators, original "
	  "EITs, deferred delivery time (past), the extensions "
	  "recipient-reassignment-prohibited, dl-expansion-prohibited, "
	  "conversion-with-loss-prohibited, latest-delivery-time and a "
	  "512-octet content-correlator; two trace elements",
	  "Confirmed and relayed with every field unchanged",
	  tr_largest, XC_F_SLOW },
	{ "TR.03", "transfer", "many recipients",
	  "X.411 12.2.1.1.1 (per-recipient fields, responsibility), Figure "
	  "2 (ub-recipients)",
	  "One message to suite.recipients (200) recipients in us.domain",
	  "Every recipient relayed back, each exactly once with "
	  "responsibility set (in one copy or several)",
	  tr_many, XC_F_SLOW },
	{ "TR.04", "transfer", "large content with checkpointing",
	  "X.228 9.3 (checkpoints, window), 9.1.3; X.411 12.2.1.1",
	  "A message of suite.large_size octets of content, on an "
	  "association proposing 16 KB checkpoints and window 3",
	  "Every checkpoint confirmed in turn, the transfer confirmed, the "
	  "message relayed with identical content",
	  tr_large_ckpt, XC_F_SLOW },
	{ "TR.05", "transfer", "large content without checkpointing",
	  "X.228 9.3 (a transfer in one activity, no checkpointing)",
	  "A message of half suite.large_size octets without checkpointing",
	  "Confirmed and relayed with identical content",
	  tr_large_plain, XC_F_SLOW },
	{ "TR.06", "transfer", "probe",
	  "X.411 12.2.1.2 (probe-transfer: answered as if the message had "
	  "been sent)",
	  "A probe for one recipient in us.domain, content-length given, "
	  "reports asked",
	  "The probe relayed unchanged to x400conf, or a delivery report "
	  "answering it",
	  tr_probe, XC_F_SLOW },
	{ "TR.07", "transfer", "report",
	  "X.411 12.2.1.3 (report-transfer), Figure 2 "
	  "(ub-supplementary-info-length)",
	  "A delivery report made in us.domain on a message of ours, to "
	  "our originator, with 256 octets of supplementary information",
	  "Confirmed and relayed unchanged to x400conf, the target's trace "
	  "element added",
	  tr_report, XC_F_SLOW },
	{ "TR.08", "transfer", "non-delivery report",
	  "X.411 14.3 (routing failure), 12.2.1.3.1 (report content), "
	  "8.3.1.2.1 (non-delivery reason and diagnostic)",
	  "A message to us.unroutable, an address the target has no route "
	  "for",
	  "Confirmed; a non-delivery report to our originator: subject our "
	  "message, reason unable-to-transfer, (usually) diagnostic "
	  "unrecognised-OR-name, trace starting in the target's domain",
	  tr_ndr, XC_F_SLOW },
	{ "TR.09", "transfer", "delivery report on local delivery",
	  "X.411 14 (delivery, report generation), 12.2.1.3",
	  "A message to target.local_recipient asking for delivery reports",
	  "A delivery report naming that recipient delivered",
	  tr_dr, XC_F_SLOW },
	{ "TR.10", "transfer", "per-recipient responsibility",
	  "X.411 12.2.1.1.1 (per-recipient-indicators, responsibility)",
	  "A message to two recipients in us.domain, the target responsible "
	  "for the first only",
	  "The first relayed with responsibility; the second not passed on "
	  "as ours, and no report on it",
	  tr_responsibility, XC_F_SLOW },
	{ "TR.11", "transfer", "transfer in X.410-1984 mode",
	  "X.410 (1984); X.419 Annex B (1984 interworking)",
	  "A message over an association in X.410-1984 mode",
	  "Confirmed and relayed (over target.mode) unchanged",
	  tr_x410, XC_F_SLOW },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};

