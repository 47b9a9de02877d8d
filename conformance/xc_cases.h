/*
 * xc_cases.h - what the test case files share
 *
 * SYNOPSIS
 *	#include "xc_cases.h"
 *
 * DESCRIPTION
 *	The cases live one group to a file: xc_cases_ts.c (transport and
 *	session), xc_cases_as.c (association), xc_cases_bi.c (bind),
 *	xc_cases_tr.c (transfer), xc_cases_tl.c (trace and loops),
 *	xc_cases_ex.c (extensions), xc_cases_ub.c (upper bounds),
 *	xc_cases_sc.c (strong credentials), xc_cases_tx.c (TLS) and
 *	xc_cases_rb.c (robustness); each exports its table (xc.h). The
 *	helpers below are what more than one group uses.
 *
 * OWNERSHIP
 *	xc_relay, xc_ndr: the xc_msg returned belongs to the inbox (like
 *	xc_expect_relay's). xc_repeat and xc_report_on return what the
 *	caller frees (free(), xc_apdu_free()).
 *
 * DIAGNOSTICS
 *	Every helper that judges gives the case its verdict itself
 *	(xc_fail, xc_inconc) with the reason.
 */
#ifndef X400_XC_CASES_H
#define X400_XC_CASES_H

#include <stddef.h>

#include "xc.h"
#include "xc_inbox.h"

#include "MTS-APDU.h"

/* Non-delivery reasons and diagnostics the cases expect (X.411 12.2.1.3) */
#define XC_NDR_UNABLE		1	/* unable-to-transfer */
#define XC_NDD_UNRECOGNISED	0
#define XC_NDD_LOOP		3
#define XC_NDD_CRITICAL		18
#define XC_QUIET_MS		2000	/* how long "nothing arrives" is
					   watched */

/* xc_refused_bind - open an association in mode with this MTA-bind
 *	argument (as xc_bind_arg writes it); the target must refuse it
 *	with authentication-error (PRefuse validation-failure in
 *	X.410-1984 mode), else the case fails naming what (xc_cases_bi.c) */
void	xc_refused_bind(struct xc *x, enum rtse_mode mode, const void *bind,
			size_t n, const char *what);
/* xc_mode_name - "normal" or "X.410-1984" */
const char *xc_mode_name(enum rtse_mode m);
/* xc_mode_usable - 1 if the case can run in mode; 0 (inconclusive) if
 *	the target showed it does not take it (AS.01, AS.02) */
int	xc_mode_usable(struct xc *x, enum rtse_mode mode);

/* xc_x410_form - open an association in X.410-1984 mode with
 *	applicationProtocol ap and the MTA-bind bare or in [16], and
 *	release it; the PICS row key records the form taken or not. Not
 *	taken: a failure when required and target.mode is x410, else
 *	inconclusive */
void	xc_x410_form(struct xc *x, long ap, int bare, int required,
		     const char *key);
/* xc_rcpt_fields - recipient i of a message */
PerRecipientMessageTransferFields_t *xc_rcpt_fields(MTS_APDU_t *a, int i);
/* xc_ext_octets - add standard extension n holding an OCTET STRING */
void	xc_ext_octets(void **list, long n, unsigned crit, const char *v);
/* xc_ext_private - add a private extension (type an OBJECT IDENTIFIER) */
void	xc_ext_private(void **list, const char *oid, unsigned crit);
/* xc_repeat - n times c (malloc()ed, NUL-terminated) */
char	*xc_repeat(char c, size_t n);

/* xc_relay - send a and check its relayed copy; the copy or NULL */
struct xc_msg *xc_relay(struct xc *x, MTS_APDU_t *a);
/* xc_ndr - send a and check the non-delivery report on rcpt (reason,
 *	diagnostic; strict as xc_check_report's strict_diag); the report
 *	or NULL */
struct xc_msg *xc_ndr(struct xc *x, MTS_APDU_t *a, const char *rcpt,
		      long reason, long diag, int strict);
/* xc_report_on - a delivery report on a message of ours to rcpt, as an
 *	MTA of our domain that delivered it would send it */
MTS_APDU_t *xc_report_on(struct xc *x, const char *rcpt);

#endif
