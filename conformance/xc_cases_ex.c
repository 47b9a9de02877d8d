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
#include "xalloc.h"

#include "RecipientReassignmentProhibited.h"


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

/* ---- EX: the editions' forms of an extension type (docs/editions.md
 *	row 1) ----------------------------------------------------------- */

/* form_name - how an edition writes internal-trace-information's type */
static const char *form_name(enum p1_ext_form f)
{
	return f == P1_EXTF_IMPLICIT ? "X.411 1992 form ([0] IMPLICIT "
	    "INTEGER, 80 01 26)" : "X.411 1988 form ([0] EXPLICIT INTEGER, "
	    "A0 03 02 01 26)";
}

/* pics_forms - add "1988: taken" (or refused) to the PICS row */
static void pics_forms(struct xc *x, enum p1_ext_form f, const char *what)
{
	const char *old = xc_pics_get(x, "ext.forms");
	char prev[200];

	snprintf(prev, sizeof(prev), "%s", old ? old : "");
	xc_pics(x, "ext.forms", "%s%s%s: %s", prev, prev[0] ? "; " : "",
		f == P1_EXTF_IMPLICIT ? "1992" : "1988", what);
}

/* ex_form - a message whose extension types (internal trace 38 and
 *	recipient-reassignment-prohibited 1, both of X.411 1988) are all
 *	in form f: taken and relayed with the same extensions (in
 *	whatever form the target writes) */
static void ex_form(struct xc *x, int other)
{
	enum p1_ext_form ours = P1_EDITION_FORM((enum p1_edition)
						x->cfg.t_edition);
	enum p1_ext_form f = other ? (ours == P1_EXTF_IMPLICIT ?
				      P1_EXTF_EXPLICIT : P1_EXTF_IMPLICIT) :
	    ours;
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	MessageTransferEnvelope_t *e = &a->choice.message.envelope;
	struct xc_msg *m;
	unsigned char *der;
	size_t len;
	long yes = 1;
	int rc;

	if (!p1_ext_add((void **)&e->extensions, 1, 0,
			&asn_DEF_RecipientReassignmentProhibited, &yes, f))
		panic("x400conf: extension 1 does not encode");
	p1_ext_set_form(a, f);
	xc_note(x, "every extension type in the %s%s", form_name(f),
		other ? ", not target.edition's" : ", target.edition's");
	der = xc_encode(a, &len);
	rc = xc_transfer(x, der, len, NULL, 1);
	free(der);
	if (rc != XC_T_CONFIRMED) {
		pics_forms(x, f, "refused");
		xc_fail(x, "the target did not take a message whose extension "
			"types are in the %s: %s%s%s (X.411 accepts both "
			"editions' forms, docs/editions.md row 1)",
			form_name(f), rc == XC_T_REFUSED ? "refused the "
			"transfer" : rc == XC_T_TIMEOUT ? "no confirmation in "
			"time" : rc == XC_T_NOBIND ? "no association" :
			"the association ended during the transfer",
			x->why[0] ? ": " : "", x->why);
		xc_apdu_free(a);
		return;
	}
	if ((m = xc_expect_relay(x, a)) != NULL && m->apdu == NULL)
		xc_fail(x, "the relayed copy does not decode: %s", m->why);
	else if (m) {
		xc_note(x, "relayed with its extension types in the %s",
			form_name(p1_ext_form_of(m->apdu->choice.message.
						 envelope.extensions)));
		/* the form the target writes is its link's edition: compare
		 * the rest */
		p1_ext_set_form(m->apdu, f);
		xc_check_same(x, a, m->apdu);
		xc_check_trace(x, a, m->apdu);
	}
	if (xc_ok(x))
		pics_forms(x, f, "taken and relayed");
	xc_apdu_free(a);
}

static void ex_form_own(struct xc *x)
{
	ex_form(x, 0);
}

static void ex_form_other(struct xc *x)
{
	ex_form(x, 1);
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
	{ "EX.06", "extensions", "extension types in the target's edition",
	  "X.411 (1988) 12.2.1.1.1 and Figure 2 (EXTENSION macro: type [0] "
	  "ExtensionType, a CHOICE of INTEGER and OBJECT IDENTIFIER); X.411 "
	  "(1992) 12.2.1.1.1 (standard-extension [0] IMPLICIT INTEGER); "
	  "docs/editions.md row 1",
	  "A message with internal-trace-information (38) and recipient-"
	  "reassignment-prohibited (1), every extension type in the form of "
	  "target.edition (1988: A0 03 02 01 26; 1992: 80 01 26)",
	  "Confirmed and relayed with the extensions unchanged but for the "
	  "form of their type (the target writes its link's edition)",
	  ex_form_own, XC_F_SLOW },
	{ "EX.07", "extensions", "extension types in the other edition's form",
	  "X.411 (1988) and (1992) 12.2.1.1.1 (the two encodings of an "
	  "extension's type); docs/editions.md row 1 (every form is taken)",
	  "The message of EX.06 with every extension type in the form of the "
	  "edition target.edition does not name",
	  "Confirmed and relayed like EX.06: an MTA takes both editions' "
	  "forms whatever it writes",
	  ex_form_other, XC_F_SLOW },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};

