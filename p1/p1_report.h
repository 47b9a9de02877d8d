/*
 * p1_report.h - build reports on messages and probes; read reports
 *
 * SYNOPSIS
 *	#include "p1_report.h"
 *
 *	struct p1_outcome o[n] = { { .index = 0, .delivered = 1, ... } };
 *	struct p1_report_params p = { .here = &here, .now = now, .seq = seq };
 *	rc = p1_report_build(subject, o, n, &p, &report);
 *	rc = p1_probe_answer(probe, judge, arg, &p, &report);
 *	p1_report_wanted(&recip, delivered);
 *	rc = p1_report_parse(report, &entries, &n);  free(entries);
 *
 * DESCRIPTION
 *	A report (X.411 12.2.1.3, report-transfer; content 8.3.1.2.1 and
 *	12.2.1.3.1) tells the originator what became of some recipients of
 *	a message or probe (the subject). x400d makes one when it delivers
 *	or fails to deliver, and p1_report_build() fills it so:
 *	  report-identifier    a fresh MTS identifier of our domain
 *	                       (p1_mtsid_make(here.gdi, here.mta, now, seq));
 *	  report-destination-name  the subject's originator (no DL here);
 *	  trace-information    one element of our domain, equal to the
 *	                       report identifier's GDI (p1_trace_originate),
 *	                       and our internal trace element;
 *	  subject-identifier   the message or probe identifier;
 *	  subject-intermediate-trace-information  the subject's trace, when
 *	                       a reported recipient asked for an audited
 *	                       report (MTA request bits 1 and 2);
 *	  original-encoded-information-types, content-type,
 *	  content-identifier   the subject's, when it has them;
 *	  returned-content     the message content, when the originator set
 *	                       content-return-request (per-message indicator
 *	                       3) and some recipient is non-delivered
 *	                       (never for probes, never on delivery only);
 *	  extensions           content-correlator (23) copied from the
 *	                       subject, octet for octet;
 *	  per recipient        actual-recipient-name, originally-specified-
 *	                       recipient-number and per-recipient-indicators
 *	                       of the subject; last-trace-information: the
 *	                       arrival time given, and the report type:
 *	                       delivery (message-delivery-time, type-of-MTS-
 *	                       user, public left out as the default) or
 *	                       non-delivery (NonDeliveryReasonCode,
 *	                       NonDeliveryDiagnosticCode); supplementary-
 *	                       information (PrintableString, at most 256).
 *
 *	Which outcomes are reported (p1_report_wanted; X.411 12.2.1.1.1
 *	per-recipient-indicators, and X.411 14, report generation): the larger
 *	of the MTA's and the originator's request decides. A delivery is
 *	reported when either asks for "report" (bit 1 or bit 3) or an
 *	audited report; a non-delivery whenever any report is asked at all
 *	(the MTA request always asks at least non-delivery, so in practice
 *	always, unless a peer sends every bit zero: "prohibited"). Outcomes
 *	that are not wanted are left out; if none is wanted, no report.
 *	No report is ever made on a report.
 *
 *	A probe (X.411 12.2.1.2) is answered "as if the message had been
 *	sent": p1_probe_answer() asks the caller's judge for each recipient
 *	the probe makes us responsible for (responsibility bit) whether
 *	the message, of the probe's content-length, would be delivered or
 *	relayed (delivery report) or not (non-delivery: unroutable,
 *	unrecognised-OR-name; over a size limit, content-too-long; ...).
 *
 *	p1_report_parse() reads a received report into one entry per
 *	recipient, and says whether the originator asked for it to be
 *	delivered (originator-report-request: delivery reports only on
 *	"report", non-delivery reports unless "no-report").
 *
 * OWNERSHIP
 *	*report is a new MTS-APDU (codec_free(&asn_DEF_MTS_APDU, p)). The
 *	subject is not modified. Parsed entries point into the report for
 *	names and are one malloc()ed array.
 *
 * DIAGNOSTICS
 *	p1_report_build() returns 1 (built), 0 (nothing to report) or a
 *	negative P1_REPORT_E_* (a caller's mistake: an index out of range,
 *	a report as subject). p1_report_parse() returns -1 if the APDU is
 *	not a report or holds a malformed time.
 */
#ifndef X400_P1_REPORT_H
#define X400_P1_REPORT_H

#include <stdint.h>
#include <time.h>

#include "MTS-APDU.h"
#include "p1_env.h"
#include "p1_trace.h"

enum {
	P1_REPORT_E_SUBJECT = -1,	/* the subject is a report */
	P1_REPORT_E_INDEX = -2		/* an outcome names no recipient */
};

/* What became of one recipient of the subject. */
struct p1_outcome {
	int		index;		/* recipient index in the subject */
	int		delivered;	/* delivered (or would be: probes) */
	time_t		arrival;	/* subject's arrival here */
	time_t		when;		/* message-delivery-time */
	long		type_of_user;	/* TypeOfMTSUser_*, -1 public */
	long		reason;		/* NonDeliveryReasonCode_* */
	long		diagnostic;	/* NonDeliveryDiagnosticCode_*, -1 */
	const char	*supplementary;	/* text, or NULL */
};

struct p1_report_params {
	const struct p1_here *here;	/* our domain and MTA */
	time_t		now;
	uint64_t	seq;		/* for the report identifier */
};

/* p1_report_wanted - this outcome of this recipient is to be reported */
int	p1_report_wanted(const struct p1_recip *r, int delivered);
int	p1_report_build(const MTS_APDU_t *subject, const struct p1_outcome *o,
			int n, const struct p1_report_params *p,
			MTS_APDU_t **report);

/* The judge of p1_probe_answer: fill o (delivered, or reason and
 *	diagnostic, supplementary) for recipient r of a content of
 *	content_length octets (-1: the probe did not say). */
typedef void p1_probe_judge_fn(const struct p1_recip *r, long content_length,
			       void *arg, struct p1_outcome *o);
int	p1_probe_answer(const MTS_APDU_t *probe, p1_probe_judge_fn *judge,
			void *arg, const struct p1_report_params *p,
			MTS_APDU_t **report);

/* One recipient of a received report. */
struct p1_report_entry {
	const ORName_t	*actual;	/* into the report */
	long		number;
	int		delivered;
	time_t		arrival, when;
	long		type_of_user;	/* -1: public (default) */
	long		reason, diagnostic;	/* -1 when absent */
	char		supplementary[257];	/* "" when absent */
	enum p1_report_level orig_req;
	int		for_originator;	/* deliver it to the originator */
};

int	p1_report_parse(const MTS_APDU_t *report,
			struct p1_report_entry **entries, int *n);

#endif
