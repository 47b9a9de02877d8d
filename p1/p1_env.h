/*
 * p1_env.h - read the envelope of a decoded MTS-APDU
 *
 * SYNOPSIS
 *	#include "p1_env.h"
 *
 *	switch (p1_env_kind(apdu)) { case P1_MESSAGE: ... }
 *	id = p1_env_id(apdu);  orig = p1_env_originator(apdu);
 *	p1_env_priority(apdu);  p1_env_deferred_time(apdu, &t);
 *	p1_env_latest_delivery_time(apdu, &t, &crit);
 *	for (i = 0; i < p1_env_recipient_count(apdu); i++)
 *		p1_env_recipient(apdu, i, &r);
 *	p1_env_content_length(apdu);  p1_env_pmi(apdu, bit);
 *	trace = p1_env_trace(apdu);  list = p1_env_extensions(apdu);
 *
 * DESCRIPTION
 *	One view over the three envelopes of X.411 12.2.1: the message
 *	transfer envelope (12.2.1.1.1), the probe transfer envelope
 *	(12.2.1.2.1) and the report transfer envelope and content
 *	(12.2.1.3.1). Absent DEFAULT fields read as their default:
 *	priority normal, per-message indicators all zero, no extensions.
 *
 *	Per-recipient indicators (X.411 12.2.1.1.1 per-recipient-
 *	indicators, PerRecipientIndicators in asn1/p1.asn1):
 *	  bit 0      responsibility: this MTA must deliver or relay it;
 *	  bits 1, 2  originating-MTA-report-request: report (1),
 *	             non-delivery-report (2), audited-report (both);
 *	  bits 3, 4  originator-report-request: report (3),
 *	             non-delivery-report (4), no-report (neither).
 *	In a report (12.2.1.3.1) bits 0 to 2 are "don't care".
 *
 * OWNERSHIP
 *	Every pointer returned points into the APDU and lives as long as it.
 *
 * DIAGNOSTICS
 *	Time accessors return 1 (present), 0 (absent) or -1 (present but
 *	malformed: a peer's error the caller reports).
 */
#ifndef X400_P1_ENV_H
#define X400_P1_ENV_H

#include <time.h>

#include "MTS-APDU.h"

enum p1_kind {
	P1_MESSAGE = MTS_APDU_PR_message,
	P1_PROBE = MTS_APDU_PR_probe,
	P1_REPORT = MTS_APDU_PR_report
};

/* A report request, from "none" up (X.411 12.2.1.1.1). */
enum p1_report_level {
	P1_REP_NONE = 0,	/* no-report (originator only) */
	P1_REP_NDR = 1,		/* non-delivery-report */
	P1_REP_ALL = 2,		/* report: delivery and non-delivery */
	P1_REP_AUDITED = 3	/* audited-report (MTA only): with trace */
};

struct p1_recip {
	const ORName_t	*name;		/* recipient (report: actual one) */
	long		number;		/* originally-specified-recipient-
					 * number */
	int		responsible;	/* bit 0 (not in reports) */
	enum p1_report_level mta_req;	/* bits 1, 2 */
	enum p1_report_level orig_req;	/* bits 3, 4 */
	long		explicit_conversion;	/* -1: none */
	const void	*extensions;	/* per-recipient list, or NULL */
	const PerRecipientIndicators_t *indicators;
};

enum p1_kind p1_env_kind(const MTS_APDU_t *apdu);
const char *p1_env_kind_name(const MTS_APDU_t *apdu);
/* p1_env_id - message, probe or report identifier */
const MTSIdentifier_t *p1_env_id(const MTS_APDU_t *apdu);
/* p1_env_originator - the originator (NULL for a report) */
const ORName_t *p1_env_originator(const MTS_APDU_t *apdu);
/* p1_env_report_destination - a report's destination (NULL otherwise) */
const ORName_t *p1_env_report_destination(const MTS_APDU_t *apdu);
/* p1_env_subject_id - a report's subject identifier (NULL otherwise) */
const MTSIdentifier_t *p1_env_subject_id(const MTS_APDU_t *apdu);
/* p1_env_content_type - NULL when absent (only in a report) */
const ContentType_t *p1_env_content_type(const MTS_APDU_t *apdu);
/* p1_env_builtin_content_type - the built-in number, or -1 */
long	p1_env_builtin_content_type(const MTS_APDU_t *apdu);
/* p1_env_priority - Priority_normal/_non_urgent/_urgent (normal for
 *	probes and reports, which have none) */
long	p1_env_priority(const MTS_APDU_t *apdu);
/* p1_env_pmi - per-message indicator bit (PerMessageIndicators_*) */
int	p1_env_pmi(const MTS_APDU_t *apdu, int bit);
int	p1_env_deferred_time(const MTS_APDU_t *apdu, time_t *t);
/* p1_env_latest_delivery_time - standard extension 5 (X.411
 *	12.2.1.1.1); *crit gets its P1_CRIT_* bits (may be NULL) */
int	p1_env_latest_delivery_time(const MTS_APDU_t *apdu, time_t *t,
				    unsigned *crit);
int	p1_env_recipient_count(const MTS_APDU_t *apdu);
void	p1_env_recipient(const MTS_APDU_t *apdu, int i, struct p1_recip *r);
/* p1_recip_decode - the report requests of a PerRecipientIndicators */
void	p1_recip_decode(const PerRecipientIndicators_t *pri,
			struct p1_recip *r);
/* p1_env_content_length - octets of content: a message's, a probe's
 *	content-length (-1 if absent), a report's returned content (0) */
long	p1_env_content_length(const MTS_APDU_t *apdu);
/* p1_env_trace - the trace information of the object */
TraceInformation_t *p1_env_trace(MTS_APDU_t *apdu);
const TraceInformation_t *p1_env_trace_c(const MTS_APDU_t *apdu);
/* p1_env_extensions - the address of the per-object extension list
 *	pointer (envelope extensions; a report's envelope ones), for
 *	p1_ext_* functions, which take *p (a list or NULL) */
void	**p1_env_extensions(MTS_APDU_t *apdu);
const void *p1_env_extensions_c(const MTS_APDU_t *apdu);

#endif
