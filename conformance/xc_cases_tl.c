/*
 * xc_cases_tl.c - test cases of the group trace and loops (TL)
 *
 * Every case sends as an MTA of us.domain and watches what the target
 * does with it: relays it back to x400conf (its route for us.domain),
 * reports on it, or refuses it (the helpers: xc_cases.h).
 * X.411 12.2.1.1.1.7 and 14 (trace, loop detection).
 */

#include <stdlib.h>
#include <time.h>

#include "p1_env.h"
#include "p1_id.h"
#include "xc.h"
#include "xc_build.h"
#include "xc_cases.h"
#include "xc_check.h"


/* ---- TL: trace and loops --------------------------------------------- */

static void tl_trace(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);

	xc_trace_add(a, "C=XX;A=ADMD;P=TL01-ONE", 0, time(NULL) - 60);
	xc_trace_add(a, "C=YY;A=OTHER;P=TL01-TWO", 0, time(NULL) - 30);
	xc_relay(x, a);
	xc_apdu_free(a);
}

static void tl_loop(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	char *r = xc_rcpt(x, 1), *id = xc_apdu_id(a);

	/* it came from us, went through the target, and came back to us */
	xc_trace_add(a, x->cfg.t_domain, 0, time(NULL) - 60);
	xc_trace_add(a, x->cfg.u_domain, 0, time(NULL) - 30);
	if (xc_ndr(x, a, r, XC_NDR_UNABLE, XC_NDD_LOOP, 0)) {
		xc_pics(x, "p1.loop", "detected (non-delivery report)");
		xc_expect_nothing(x, P1_MESSAGE, id, XC_QUIET_MS);
	}
	free(r);
	free(id);
	xc_apdu_free(a);
}

static void tl_report_loop(struct xc *x)
{
	char *r = xc_rcpt(x, 1);
	MTS_APDU_t *rep = xc_report_on(x, r);
	char *subject = p1_mtsid_format(p1_env_subject_id(rep));
	int rc;

	xc_trace_add(rep, x->cfg.t_domain, 0, time(NULL) - 60);
	xc_trace_add(rep, x->cfg.u_domain, 0, time(NULL) - 30);
	rc = xc_send(x, rep);
	if (rc == XC_T_CONFIRMED || rc == XC_T_REFUSED)
		xc_expect_nothing(x, P1_REPORT, subject, 3 * XC_QUIET_MS / 2);
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

