/*
 * xc_cases_p1.c - test cases of the groups transfer (TR), trace and
 *		   loops (TL), extensions (EX) and upper bounds (UB)
 *
 * Every case sends as an MTA of us.domain and watches what the target
 * does with it: relays it back to x400conf (its route for us.domain),
 * reports on it, or refuses it. X.411 clause 12.2 defines the three
 * transfers, 14 the MTA's procedures (routing, reports, loops), 9.1 the
 * extension mechanism, and its Figure 2 the upper bounds.
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
#include "p1_report.h"
#include "p1_trace.h"
#include "xalloc.h"
#include "xc.h"
#include "xc_build.h"
#include "xc_check.h"
#include "xc_inbox.h"
#include "xc_peer.h"

#include "ContentCorrelator.h"
#include "ConversionWithLossProhibited.h"
#include "DLExpansionProhibited.h"
#include "ExtensionType.h"
#include "LatestDeliveryTime.h"
#include "RecipientReassignmentProhibited.h"

#define NDR_UNABLE	1	/* unable-to-transfer */
#define NDD_UNRECOGNISED 0
#define NDD_LOOP	3
#define NDD_CRITICAL	18
#define QUIET_MS	2000	/* how long "nothing arrives" is watched */

/* ---- building -------------------------------------------------- */

/* rcpt_fields - recipient i of a message */
static PerRecipientMessageTransferFields_t *rcpt_fields(MTS_APDU_t *a,
							 int i)
{
	return a->choice.message.envelope.per_recipient_fields.list.array[i];
}

/* ext_octets - a standard extension n holding an OCTET STRING */
static void ext_octets(void **list, long n, unsigned crit, const char *v)
{
	OCTET_STRING_t os;

	memset(&os, 0, sizeof(os));
	p1_str_set(&os, v);
	if (p1_ext_add(list, n, crit, &asn_DEF_OCTET_STRING, &os,
		       P1_EXTF_IMPLICIT) == NULL)
		panic("x400conf: extension does not encode");
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_OCTET_STRING, &os);
}

/* ext_private - a private extension (type an OBJECT IDENTIFIER) */
static void ext_private(void **list, const char *oid, unsigned crit)
{
	ExtensionField_t *f;
	ExtensionType_t t;

	ext_octets(list, 1, crit, "x400conf private extension");
	f = p1_ext_at(*list, p1_ext_count(*list) - 1);
	memset(&t, 0, sizeof(t));
	t.present = ExtensionType_PR_private_extension;
	if (asnx_oid_set(&t.choice.private_extension, oid) != 0 ||
	    p1_any_set(&f->type, &asn_DEF_ExtensionType, &t) != 0)
		panic("x400conf: private extension type");
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_ExtensionType, &t);
}

static char *repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = 0;
	return s;
}

/* ---- sending and watching ------------------------------------------ */

/* relay - send a and check its relayed copy; the copy or NULL */
static struct xc_msg *relay(struct xc *x, const MTS_APDU_t *a)
{
	struct xc_msg *m;
	char *id;
	int rc = xc_send(x, a);

	if (rc != XC_T_CONFIRMED) {
		if (rc == XC_T_REFUSED) {
			id = xc_apdu_id(a);
			xc_fail(x, "the target refused the transfer of %s", id);
			free(id);
		}
		return NULL;
	}
	if ((m = xc_expect_relay(x, a)) == NULL)
		return NULL;
	if (m->apdu == NULL) {
		xc_fail(x, "the relayed copy does not decode: %s", m->why);
		return NULL;
	}
	xc_check_same(x, a, m->apdu);
	xc_check_trace(x, a, m->apdu);
	return m;
}

/* ndr - send a and check the non-delivery report on rcpt */
static struct xc_msg *ndr(struct xc *x, const MTS_APDU_t *a,
			  const char *rcpt, long reason, long diag,
			  int strict)
{
	char *id = xc_apdu_id(a);
	struct xc_msg *r = NULL;
	int rc = xc_send(x, a);

	if (rc == XC_T_REFUSED)
		xc_fail(x, "the target refused the transfer of %s instead of "
			"taking it and reporting (X.411 14.3: the transfer is "
			"confirmed, then a non-delivery report)", id);
	if (rc == XC_T_CONFIRMED && (r = xc_expect_report(x, id)) != NULL) {
		if (r->apdu == NULL)
			xc_fail(x, "the report does not decode: %s", r->why);
		else
			xc_check_report(x, r->apdu, a, rcpt, 0, reason, diag,
					strict);
	}
	free(id);
	return r;
}

/* ---- TR: transfer ---------------------------------------------------- */

static void tr_smallest(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	MessageTransferEnvelope_t *e = &a->choice.message.envelope;

	/* nothing optional: no priority, no indicators, empty content */
	codec_free(&asn_DEF_PerMessageIndicators, e->per_message_indicators);
	e->per_message_indicators = NULL;
	p1_str_setn(&a->choice.message.content, "", 0);
	relay(x, a);
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
	char *corr = repeat('c', 512);
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
		ext_octets((void **)&rcpt_fields(a, i)->extensions, 200, 0,
			   "x400conf per-recipient extension");
	xc_trace_add(a, "C=XX;A=ADMD;P=TR02-VIA", 0, time(NULL));
	relay(x, a);
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

/* report_on - a delivery report on a message of ours to rcpt, as an MTA
 *	of our domain that delivered it would send it */
static MTS_APDU_t *report_on(struct xc *x, const char *rcpt)
{
	const char *r1[1] = { rcpt };
	MTS_APDU_t *subject = xc_msg_new(x, r1, 1, NULL), *rep = NULL;
	GlobalDomainIdentifier_t *g = xc_gdi(x->cfg.u_domain);
	struct p1_here here = { g, x->cfg.u_mta };
	struct p1_report_params rp;
	struct p1_outcome oc;
	char *supp = repeat('s', 256);		/* ub-supplementary-info */

	memset(&oc, 0, sizeof(oc));
	oc.index = 0;
	oc.delivered = 1;
	oc.arrival = oc.when = time(NULL);
	oc.type_of_user = -1;
	oc.diagnostic = -1;
	oc.supplementary = supp;
	memset(&rp, 0, sizeof(rp));
	rp.here = &here;
	rp.now = time(NULL);
	rp.seq = ++x->seq;
	/* the subject asks for delivery reports */
	p1_bit_set(&rcpt_fields(subject, 0)->per_recipient_indicators, 3, 1);
	if (p1_report_build(subject, &oc, 1, &rp, &rep) != 1)
		panic("x400conf: cannot build a report");
	free(supp);
	xc_apdu_free(subject);
	codec_free(&asn_DEF_GlobalDomainIdentifier, g);
	return rep;
}

static void tr_report(struct xc *x)
{
	char *r = xc_rcpt(x, 1);
	MTS_APDU_t *rep = report_on(x, r);
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

	if (ndr(x, a, x->cfg.u_unroutable, NDR_UNABLE, NDD_UNRECOGNISED, 0))
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
	p1_bit_set(&rcpt_fields(a, 1)->per_recipient_indicators, 0, 0);
	if ((m = relay(x, a)) != NULL) {
		k = xc_recipient_index(m->apdu, r2);
		if (k >= 0) {
			p1_env_recipient(m->apdu, k, &pr);
			if (pr.responsible)
				xc_fail(x, "the target passed on recipient %s "
					"with responsibility set, though it was "
					"not responsible for it", r2);
		}
		xc_expect_nothing(x, P1_REPORT, id, QUIET_MS);
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

/* ---- TL: trace and loops --------------------------------------------- */

static void tl_trace(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);

	xc_trace_add(a, "C=XX;A=ADMD;P=TL01-ONE", 0, time(NULL) - 60);
	xc_trace_add(a, "C=YY;A=OTHER;P=TL01-TWO", 0, time(NULL) - 30);
	relay(x, a);
	xc_apdu_free(a);
}

static void tl_loop(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	char *r = xc_rcpt(x, 1), *id = xc_apdu_id(a);

	/* it came from us, went through the target, and came back to us */
	xc_trace_add(a, x->cfg.t_domain, 0, time(NULL) - 60);
	xc_trace_add(a, x->cfg.u_domain, 0, time(NULL) - 30);
	if (ndr(x, a, r, NDR_UNABLE, NDD_LOOP, 0)) {
		xc_pics(x, "p1.loop", "detected (non-delivery report)");
		xc_expect_nothing(x, P1_MESSAGE, id, QUIET_MS);
	}
	free(r);
	free(id);
	xc_apdu_free(a);
}

static void tl_report_loop(struct xc *x)
{
	char *r = xc_rcpt(x, 1);
	MTS_APDU_t *rep = report_on(x, r);
	char *subject = p1_mtsid_format(p1_env_subject_id(rep));
	int rc;

	xc_trace_add(rep, x->cfg.t_domain, 0, time(NULL) - 60);
	xc_trace_add(rep, x->cfg.u_domain, 0, time(NULL) - 30);
	rc = xc_send(x, rep);
	if (rc == XC_T_CONFIRMED || rc == XC_T_REFUSED)
		xc_expect_nothing(x, P1_REPORT, subject, 3 * QUIET_MS / 2);
	free(subject);
	free(r);
	xc_apdu_free(rep);
}

const struct xc_case xc_cases_tl[] = {
	{ "TL.01", "trace", "trace information added",
	  "X.411 12.2.1.1.1 (trace-information: one element per domain, "
	  "added on entry), 14.3",
	  "A message whose trace holds our element and two of other "
	  "domains",
	  "Relayed with those elements unchanged and in order, then the "
	  "target's: its domain, routing action relayed, a current arrival "
	  "time",
	  tl_trace, XC_F_SLOW },
	{ "TL.02", "trace", "loop detected",
	  "X.411 14.3 (loop detection from the trace), 8.3.1.2.1 "
	  "(diagnostic loop-detected)",
	  "A message whose trace already holds the target's domain, "
	  "followed by ours (it went round)",
	  "Not relayed; a non-delivery report, reason unable-to-transfer, "
	  "(usually) diagnostic loop-detected",
	  tl_loop, XC_F_SLOW },
	{ "TL.03", "trace", "loop of a report",
	  "X.411 14.3 (loops); 14 (no report is made on a report)",
	  "A report whose trace already holds the target's domain, then "
	  "ours",
	  "Neither relayed back nor reported on (a report never causes a "
	  "report)",
	  tl_report_loop, XC_F_SLOW | XC_F_HEALTH },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};

/* ---- EX: extensions ------------------------------------------------- */

static int x410_target(struct xc *x)
{
	if (x->cfg.t_mode == RTSE_X410) {
		xc_inconc(x, "extensions do not survive an X.410-1984 link "
			  "(X.419 Annex B): target.mode is x410");
		return 1;
	}
	return 0;
}

static void ex_noncritical(struct xc *x)
{
	MTS_APDU_t *a;
	MessageTransferEnvelope_t *e;

	if (x410_target(x))
		return;
	a = xc_msg_to(x, 1, NULL);
	e = &a->choice.message.envelope;
	ext_octets((void **)&e->extensions, 222, 0, "x400conf unknown 222");
	ext_private((void **)&e->extensions, "1.3.6.1.4.1.99999.400.1", 0);
	ext_octets((void **)&rcpt_fields(a, 0)->extensions, 223, 0,
		   "x400conf unknown 223");
	if (relay(x, a) && xc_ok(x))
		xc_pics(x, "ext.noncritical", "relayed unchanged");
	xc_apdu_free(a);
}

static void ex_critical(struct xc *x, int private)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	MessageTransferEnvelope_t *e = &a->choice.message.envelope;
	char *r = xc_rcpt(x, 1), *id = xc_apdu_id(a);

	if (private)
		ext_private((void **)&e->extensions,
			    "1.3.6.1.4.1.99999.400.2", P1_CRIT_TRANSFER);
	else
		ext_octets((void **)&e->extensions, 224, P1_CRIT_TRANSFER,
			   "x400conf unknown critical 224");
	if (ndr(x, a, r, NDR_UNABLE, NDD_CRITICAL, 1)) {
		if (xc_ok(x))
			xc_pics(x, "ext.critical", "refused with a "
				"non-delivery report");
		xc_expect_nothing(x, P1_MESSAGE, id, QUIET_MS);
	}
	free(r);
	free(id);
	xc_apdu_free(a);
}

static void ex_critical_std(struct xc *x)
{
	ex_critical(x, 0);
}

static void ex_critical_private(struct xc *x)
{
	ex_critical(x, 1);
}

static void ex_other_stages(struct xc *x)
{
	MTS_APDU_t *a;
	MessageTransferEnvelope_t *e;

	if (x410_target(x))
		return;
	a = xc_msg_to(x, 1, NULL);
	e = &a->choice.message.envelope;
	ext_octets((void **)&e->extensions, 225, P1_CRIT_DELIVERY,
		   "x400conf critical for delivery");
	ext_octets((void **)&e->extensions, 226, P1_CRIT_SUBMISSION,
		   "x400conf critical for submission");
	if (relay(x, a) && xc_ok(x))
		xc_pics(x, "ext.delivery", "relayed (critical for delivery "
			"or submission only)");
	xc_apdu_free(a);
}

static void ex_per_recipient(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 2, NULL);
	char *r1 = xc_rcpt(x, 1), *r2 = xc_rcpt(x, 2), *id = xc_apdu_id(a);
	struct xc_msg *m, *rep;
	struct p1_recip pr;
	int k, rc;

	ext_octets((void **)&rcpt_fields(a, 1)->extensions, 227,
		   P1_CRIT_TRANSFER, "x400conf critical per recipient");
	rc = xc_send(x, a);
	if (rc == XC_T_CONFIRMED) {
		if ((rep = xc_expect_report(x, id)) != NULL && rep->apdu)
			xc_check_report(x, rep->apdu, a, r2, 0, NDR_UNABLE,
					NDD_CRITICAL, 1);
		if ((m = xc_expect_relay(x, a)) != NULL && m->apdu) {
			xc_check_trace(x, a, m->apdu);
			if (xc_recipient_index(m->apdu, r1) < 0)
				xc_fail(x, "the recipient without the "
					"extension was not relayed");
			k = xc_recipient_index(m->apdu, r2);
			if (k >= 0) {
				p1_env_recipient(m->apdu, k, &pr);
				if (pr.responsible)
					xc_fail(x, "the recipient with the "
						"unsupported critical extension "
						"was relayed as well");
			}
		}
	} else if (rc == XC_T_REFUSED) {
		xc_fail(x, "the target refused the whole transfer for one "
			"recipient's extension");
	}
	free(r1);
	free(r2);
	free(id);
	xc_apdu_free(a);
}

const struct xc_case xc_cases_ex[] = {
	{ "EX.01", "extensions", "unknown non-critical extensions",
	  "X.411 9.1 (extensions: criticality), 12.2.1.1.1 (extensions "
	  "relayed)",
	  "A message with unknown extensions 222 (standard number) and "
	  "1.3.6.1.4.1.99999.400.1 (private), and 223 on the recipient, "
	  "none critical",
	  "Relayed with every extension octet for octet",
	  ex_noncritical, XC_F_SLOW },
	{ "EX.02", "extensions", "unknown critical extension",
	  "X.411 9.1 (critical-for-transfer), 14.3 (non-delivery: "
	  "unsupported-critical-function)",
	  "A message with unknown extension 224 marked critical for "
	  "transfer",
	  "Not relayed; a non-delivery report with reason "
	  "unable-to-transfer and diagnostic unsupported-critical-function",
	  ex_critical_std, XC_F_SLOW },
	{ "EX.03", "extensions", "unknown private critical extension",
	  "X.411 9.1 (private extensions: OBJECT IDENTIFIER types)",
	  "A message with private extension 1.3.6.1.4.1.99999.400.2 marked "
	  "critical for transfer",
	  "Not relayed; a non-delivery report with reason unable-to-transfer "
	  "and diagnostic unsupported-critical-function",
	  ex_critical_private, XC_F_SLOW },
	{ "EX.04", "extensions", "critical for delivery or submission only",
	  "X.411 9.1 (criticality is per stage: a relaying MTA only looks "
	  "at critical-for-transfer)",
	  "A message with unknown extensions 225 (critical for delivery) "
	  "and 226 (critical for submission)",
	  "Relayed unchanged",
	  ex_other_stages, XC_F_SLOW },
	{ "EX.05", "extensions", "critical per-recipient extension",
	  "X.411 9.1, 12.2.1.1.1 (per-recipient extensions)",
	  "A message to two recipients, the second with unknown extension "
	  "227 critical for transfer",
	  "The first relayed; a non-delivery report (unsupported-critical-"
	  "function) for the second only",
	  ex_per_recipient, XC_F_SLOW },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};

/* ---- UB: upper bounds ------------------------------------------------ */

/* bounded_name - an O/R address in us.domain with every attribute at its
 *	upper bound (X.411 Figure 2; X.402 18.3) */
static char *bounded_name(struct xc *x, const char *tag)
{
	GlobalDomainIdentifier_t *g = xc_gdi(x->cfg.u_domain);
	char *gd = p1_gdi_format(g), *s = xmalloc(2048);
	char *o = repeat('o', 64), *ou = repeat('u', 31), *sn = repeat('s', 34),
	     *dv = repeat('v', 128), *cn = repeat('n', 64);

	/* common-name is a 1988 extension attribute: an X.410-1984 link
	 * could carry it only as a DDA, and the four are taken */
	snprintf(s, 2048, "%s;O=%s;OU1=%s1;OU2=%s2;OU3=%s3;OU4=%s4;"
		 "S=%s-%s;G=gggggggggggggggg;I=IIIII;Q=QQQ;%s%s%s"
		 "DDA:typeone=%s;DDA:typetwo=%s;DDA:typethre=%s;"
		 "DDA:typefour=%s", gd, o, ou, ou, ou, ou, tag, sn,
		 x->cfg.t_mode == RTSE_X410 ? "" : "CN=",
		 x->cfg.t_mode == RTSE_X410 ? "" : cn,
		 x->cfg.t_mode == RTSE_X410 ? "" : ";", dv, dv, dv, dv);
	codec_free(&asn_DEF_GlobalDomainIdentifier, g);
	free(gd);
	free(o);
	free(ou);
	free(sn);
	free(dv);
	free(cn);
	return s;
}

static void ub_names(struct xc *x)
{
	char tag[8];
	char *r, *orig;
	const char *r1[1];
	struct xc_msgopt o = { 0, P1_REP_NDR, 0, 0, NULL };
	MTS_APDU_t *a;

	snprintf(tag, sizeof(tag), "%.5s", x->cur->id);
	r = bounded_name(x, tag);
	orig = bounded_name(x, "orig");
	r1[0] = r;
	o.originator = orig;
	a = xc_msg_new(x, r1, 1, &o);
	if (relay(x, a) && xc_ok(x))
		xc_pics(x, "ub", "O/R names at their bounds relayed");
	xc_apdu_free(a);
	free(r);
	free(orig);
}

static void ub_identifiers(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	MessageTransferEnvelope_t *e = &a->choice.message.envelope;
	char local[40];

	/* ub-local-id-length 32, ub-content-id-length 16, recipient number
	 * ub-recipients 32767 */
	snprintf(local, sizeof(local), "x400conf-UB02-%018llu",
		 (unsigned long long)(time(NULL) * 1000 + x->seq));
	local[32] = 0;
	p1_str_set(&e->message_identifier.local_identifier, local);
	e->content_identifier = p1_str_new("0123456789ABCDEF");
	rcpt_fields(a, 0)->originally_specified_recipient_number = 32767;
	relay(x, a);
	xc_apdu_free(a);
}

/* long_trace - n trace elements: ours first, then other domains */
static void long_trace(MTS_APDU_t *a, int n)
{
	char d[64];
	int i;

	for (i = p1_env_trace(a)->list.count; i < n; i++) {
		snprintf(d, sizeof(d), "C=XX;A=ADMD;P=HOP%d", i);
		xc_trace_add(a, d, 0, time(NULL) - 120);
	}
}

static void ub_trace(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);

	long_trace(a, 511);	/* ub-transfers - 1 */
	relay(x, a);
	xc_apdu_free(a);
}

static void ub_trace_full(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	char *id = xc_apdu_id(a), *r = xc_rcpt(x, 1);
	struct xc_msg *m;
	int rc;

	long_trace(a, 512);	/* ub-transfers: no room for the target's */
	rc = xc_send_opts(x, a, NULL, 1);
	if (rc == XC_T_REFUSED || rc == XC_T_ENDED) {
		xc_note(x, "the target refused the transfer");
	} else if (rc == XC_T_CONFIRMED) {
		m = xc_inbox_wait(x, -1, id, x->cfg.relay_ms);
		if (m && m->kind == P1_MESSAGE)
			xc_fail(x, "the target relayed a message whose trace "
				"was already at ub-transfers (512): %d "
				"elements came back", m->apdu ?
				p1_env_trace_c(m->apdu)->list.count : -1);
		else if (m && m->apdu)
			xc_check_report(x, m->apdu, a, r, 0, -1, -1, 0);
		else
			xc_fail(x, "neither a relay nor a non-delivery report "
				"came for a message with a full trace");
	} else if (rc == XC_T_TIMEOUT) {
		xc_fail(x, "no answer to a transfer with a full trace");
	}
	free(r);
	free(id);
	xc_apdu_free(a);
}

static void ub_over(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	ORName_t *n = &rcpt_fields(a, 0)->recipient_name;
	char *s41 = repeat('z', 41);
	int rc;

	/* surname of 41 characters: over ub-surname-length */
	if (n->built_in_standard_attributes.personal_name == NULL)
		panic("x400conf: test recipient without a surname");
	p1_str_set(&n->built_in_standard_attributes.personal_name->surname,
		   s41);
	rc = xc_send_opts(x, a, NULL, 1);
	if (rc == XC_T_TIMEOUT)
		xc_fail(x, "no answer to a transfer with a surname over "
			"ub-surname-length");
	else
		xc_note(x, "a surname of 41 characters: %s", rc ==
			XC_T_CONFIRMED ? "taken" : rc == XC_T_REFUSED ?
			"transfer refused" : "association ended");
	free(s41);
	xc_apdu_free(a);
}

static void ub_bind(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	struct xc_bind b;
	struct buf arg = BUF_INIT;
	char *name = repeat('m', 33), *pw = repeat('p', 63);
	enum xc_open rc;

	xc_peer_opts_init(x, &o);
	p = xc_peer_new(x, &o);
	if (p->connected) {
		memset(&b, 0, sizeof(b));
		b.authenticated = 1;
		b.name = name;
		b.pw = pw;
		b.pwlen = 63;
		xc_bind_arg(&b, &arg);
		rc = xc_peer_open(p, buf_ptr(&arg), buf_avail(&arg));
		if (rc == XC_OPENED)
			xc_fail(x, "the target accepted a bind from a 33-"
				"character MTA name with a 63-octet password");
		else if (rc == XC_TIMEOUT)
			xc_fail(x, "no answer to a bind over ub-mta-name-length "
				"and ub-password-length");
		else
			xc_note(x, "refused: %s", p->why);
	} else {
		xc_fail(x, "no TCP connection");
	}
	buf_free(&arg);
	free(name);
	free(pw);
	xc_peer_free(p);
}

const struct xc_case xc_cases_ub[] = {
	{ "UB.01", "bounds", "O/R names at their upper bounds",
	  "X.411 Figure 2 (ub-organization-name-length 64, "
	  "ub-organizational-unit-name-length 32, ub-organizational-units "
	  "4, ub-surname-length 40, ub-given-name-length 16, "
	  "ub-initials-length 5, ub-generation-qualifier-length 3, "
	  "ub-common-name-length 64, ub-domain-defined-attributes 4, "
	  "ub-domain-defined-attribute-type-length 8, -value-length 128); "
	  "X.402 18.3",
	  "A message whose originator and recipient have every one of "
	  "those attributes at its bound",
	  "Relayed with both names unchanged",
	  ub_names, XC_F_SLOW },
	{ "UB.02", "bounds", "identifiers at their upper bounds",
	  "X.411 Figure 2 (ub-local-id-length 32, ub-content-id-length 16, "
	  "ub-recipients 32767)",
	  "A message whose MTS identifier has a 32-character local part, "
	  "with a 16-character content identifier and recipient number "
	  "32767",
	  "Relayed with all three unchanged",
	  ub_identifiers, XC_F_SLOW },
	{ "UB.03", "bounds", "trace of ub-transfers - 1 elements",
	  "X.411 Figure 2 (ub-transfers 512), 12.2.1.1.1 (trace-information)",
	  "A message whose trace holds 511 elements",
	  "Relayed with 512 elements, the last the target's",
	  ub_trace, XC_F_SLOW },
	{ "UB.04", "bounds", "trace already at ub-transfers",
	  "X.411 Figure 2 (ub-transfers), 14.3",
	  "A message whose trace holds 512 elements",
	  "Not relayed (the target cannot add its element): a non-delivery "
	  "report, or the transfer refused",
	  ub_trace_full, XC_F_SLOW | XC_F_HEALTH },
	{ "UB.05", "bounds", "a value over its upper bound",
	  "X.411 Figure 2 (ub-surname-length 40)",
	  "A message whose recipient's surname has 41 characters",
	  "Any clean outcome (taken, refused, non-delivery, abort); the "
	  "target still serves",
	  ub_over, XC_F_SLOW | XC_F_HEALTH },
	{ "UB.06", "bounds", "MTA-bind over its upper bounds",
	  "X.411 Figure 2 (ub-mta-name-length 32, ub-password-length 62)",
	  "An MTA-bind with a 33-character MTA name and a 63-octet password",
	  "Refused (or aborted); the target still serves",
	  ub_bind, XC_F_HEALTH },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
