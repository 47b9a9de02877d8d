/*
 * xc_cases_ex.c - test cases of the group extensions (EX)
 *
 * Every case sends as an MTA of us.domain and watches what the target
 * does with it: relays it back to x400conf (its route for us.domain),
 * reports on it, or refuses it (the helpers: xc_cases.h).
 * X.411 9.1 defines the extension mechanism and its criticality.
 */
#include <stdio.h>
#include <stdlib.h>

#include "p1_env.h"
#include "p1_ext.h"
#include "xc.h"
#include "xc_build.h"
#include "xc_cases.h"
#include "xc_check.h"
#include "xc_inbox.h"


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
	xc_ext_octets((void **)&e->extensions, 222, 0, "x400conf unknown 222");
	xc_ext_private((void **)&e->extensions, "1.3.6.1.4.1.99999.400.1", 0);
	xc_ext_octets((void **)&xc_rcpt_fields(a, 0)->extensions, 223, 0,
		      "x400conf unknown 223");
	if (xc_relay(x, a) && xc_ok(x))
		xc_pics(x, "ext.noncritical", "relayed unchanged");
	xc_apdu_free(a);
}

static void ex_critical(struct xc *x, int private)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	MessageTransferEnvelope_t *e = &a->choice.message.envelope;
	char *r = xc_rcpt(x, 1), *id = xc_apdu_id(a);

	if (private)
		xc_ext_private((void **)&e->extensions,
			       "1.3.6.1.4.1.99999.400.2", P1_CRIT_TRANSFER);
	else
		xc_ext_octets((void **)&e->extensions, 224, P1_CRIT_TRANSFER,
			      "x400conf unknown critical 224");
	if (xc_ndr(x, a, r, XC_NDR_UNABLE, XC_NDD_CRITICAL, 1)) {
		if (xc_ok(x))
			xc_pics(x, "ext.critical", "refused with a "
				"non-delivery report");
		xc_expect_nothing(x, P1_MESSAGE, id, XC_QUIET_MS);
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
	xc_ext_octets((void **)&e->extensions, 225, P1_CRIT_DELIVERY,
		      "x400conf critical for delivery");
	xc_ext_octets((void **)&e->extensions, 226, P1_CRIT_SUBMISSION,
		      "x400conf critical for submission");
	if (xc_relay(x, a) && xc_ok(x))
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

	xc_ext_octets((void **)&xc_rcpt_fields(a, 1)->extensions, 227,
		      P1_CRIT_TRANSFER, "x400conf critical per recipient");
	rc = xc_send(x, a);
	if (rc == XC_T_CONFIRMED) {
		if ((rep = xc_expect_report(x, id)) != NULL && rep->apdu)
			xc_check_report(x, rep->apdu, a, r2, 0, XC_NDR_UNABLE,
					XC_NDD_CRITICAL, 1);
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

