/*
 * xc_check.h - what x400conf expects of what the target relays and
 *		reports
 *
 * SYNOPSIS
 *	#include "xc_check.h"
 *
 *	m = xc_expect_relay(x, sent);		the relayed copy, or NULL
 *	xc_check_same(x, sent, m->apdu);	nothing changed but trace
 *	xc_check_trace(x, sent, m->apdu);	the target's element added
 *	r = xc_expect_report(x, id);		a report on our object
 *	xc_check_report(x, r->apdu, sent, rcpt, delivered, reason, diag);
 *	xc_expect_nothing(x, id, ms);		nothing relayed
 *
 * DESCRIPTION
 *	Each check fails the running case with a sentence that names the
 *	field and both values (and, when nothing came, what the inbox saw
 *	of the target's binds), and returns 0; it returns 1 when all is as
 *	X.411 asks:
 *
 *	relay (X.411 12.2.1.1, 14.3): the MTS identifier, originator,
 *	content type and identifier, priority, per-message indicators,
 *	deferred delivery time, every extension other than internal trace
 *	(octet for octet), every recipient with its number, per-recipient
 *	extensions and report requests, and the content (octet for octet)
 *	arrive unchanged, over an association in the target's mode;
 *
 *	trace (X.411 12.2.1.1.1, trace-information):
 *	the elements we sent come back unchanged and in order, followed by
 *	one or more elements of the target's domain, each with routing
 *	action relayed and an arrival time within ten minutes of ours;
 *
 *	reports (X.411 12.2.1.3): the subject identifier is ours, the
 *	destination is our originator, the first trace element's domain is
 *	the report identifier's (12.2.1.1.1 applied to the report), and
 *	the named recipient is reported delivered, or not delivered with
 *	the expected reason and diagnostic.
 */
#ifndef X400_XC_CHECK_H
#define X400_XC_CHECK_H

#include "xc.h"
#include "xc_inbox.h"

#include "MTS-APDU.h"

/* xc_expect_relay - wait for the copy of sent (a message or probe);
 *	NULL (and the case failed) if it does not come */
struct xc_msg *xc_expect_relay(struct xc *x, const MTS_APDU_t *sent);
/* xc_expect_report - wait for a report on subject; NULL (failed) */
struct xc_msg *xc_expect_report(struct xc *x, const char *subject);
/* xc_expect_nothing - nothing with identifier id arrives for ms */
int	xc_expect_nothing(struct xc *x, int kind, const char *id,
			  unsigned ms);

int	xc_check_same(struct xc *x, const MTS_APDU_t *sent,
		      const MTS_APDU_t *got);
int	xc_check_trace(struct xc *x, const MTS_APDU_t *sent,
		       const MTS_APDU_t *got);
/* xc_check_report - the report on sent names rcpt (its string form)
 *	delivered, or not with reason (-1: any) and diag (-1: any); diag
 *	is only noted when it differs if strict_diag is 0 */
int	xc_check_report(struct xc *x, const MTS_APDU_t *report,
			const MTS_APDU_t *sent, const char *rcpt,
			int delivered, long reason, long diag,
			int strict_diag);
/* xc_recipient_index - i of the recipient named rcpt in a, or -1 */
int	xc_recipient_index(const MTS_APDU_t *a, const char *rcpt);
const char *xc_ndr_reason_name(long r);
const char *xc_ndr_diag_name(long d);

#endif
