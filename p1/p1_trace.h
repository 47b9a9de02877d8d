/*
 * p1_trace.h - trace information, internal trace, and loop detection
 *
 * SYNOPSIS
 *	#include "p1_trace.h"
 *
 *	struct p1_here here = { .gdi = our_gdi, .mta = "mta1.acme" };
 *	loop = p1_trace_loop(apdu, &here, &why);
 *	rc = p1_trace_arrive(apdu, &here, now);
 *	rc = p1_trace_reroute(apdu, &here, now, attempted_gdi, attempted_mta);
 *	rc = p1_trace_originate(apdu, &here, now);
 *	p1_trace_origin_ok(apdu);  p1_trace_strip_internal(apdu);
 *	it = p1_trace_internal(apdu);   (decoded copy, or NULL)
 *
 * DESCRIPTION
 *	Trace information (X.411 12.2.1.1.1 trace-information; ASN.1
 *	TraceInformation, Figure 4) records each management domain (MD) a
 *	message, probe or report passes through: one TraceInformation-
 *	Element per MD, added by the MD on entry, holding the MD's global
 *	domain identifier, the arrival time and the routing action:
 *	relayed, or rerouted (with the attempted-domain it failed to
 *	reach). An MD that reroutes adds a second element of its own, so a
 *	domain may legitimately appear twice in a row. The first element
 *	is the originating MD's, and its GDI equals that of the MTS
 *	identifier (X.411 12.2.1.1.1; Exchange logs "invalid GDI" when it
 *	does not, and so does p1_trace_origin_ok()).
 *
 *	Internal trace information (standard extension 38, X.411
 *	12.2.1.1.1.4; InternalTraceInformation) records each MTA within an
 *	MD: GDI, MTA name, arrival time, routing action, attempted MTA or
 *	domain. x400d adds one element for itself on every arrival.
 *
 *	Loop rule (x400d's reading of X.411 14.3, routing and forwarding;
 *	the standard asks an MTA to detect loops from the trace without
 *	fixing the algorithm):
 *	  1. Domain loop: an element of our MD at position i, other than a
 *	     last element of ours (which records the present visit when a
 *	     sibling MTA of our MD passed the object to us), followed by no
 *	     element whose routing action is rerouted. The object left our
 *	     MD and came back with nobody having rerouted it: it would be
 *	     routed the same way again. After a reroute (by any MD, ours
 *	     included) an MD may see an object again legitimately.
 *	  2. MTA loop: on the present visit of our MD (the trailing internal
 *	     trace elements with our GDI, when the last trace element is
 *	     ours), an element for our MTA name followed by no rerouted
 *	     element.
 *	  3. Hop limit: ub-transfers (512) elements in either trace: no
 *	     element can be added.
 *	A loop ends in a non-delivery report: reason unable-to-transfer
 *	(1), diagnostic loop-detected (3) (NonDeliveryDiagnosticCode).
 *
 * OWNERSHIP
 *	The APDU is modified in place; what is added belongs to it.
 *	p1_trace_internal() returns a copy the caller frees with
 *	ASN_STRUCT_FREE(asn_DEF_InternalTraceInformation, p).
 *
 * DIAGNOSTICS
 *	p1_trace_arrive() and friends return 0, or P1_TRACE_FULL when a
 *	trace already holds ub-transfers elements, or P1_TRACE_BADITI when
 *	the internal trace extension does not decode (it is then left as
 *	it came, and only the domain trace is updated).
 */
#ifndef X400_P1_TRACE_H
#define X400_P1_TRACE_H

#include <time.h>

#include "GlobalDomainIdentifier.h"
#include "InternalTraceInformation.h"
#include "MTS-APDU.h"
#include "TraceInformation.h"

#define P1_UB_TRANSFERS	512	/* ub-transfers, X.411 Figure 2 */

/* Who we are. */
struct p1_here {
	const GlobalDomainIdentifier_t *gdi;	/* our MD */
	const char	*mta;			/* our MTA name */
};

enum p1_loop {
	P1_LOOP_NONE = 0,
	P1_LOOP_DOMAIN,		/* rule 1 */
	P1_LOOP_MTA,		/* rule 2 */
	P1_LOOP_HOPS		/* rule 3 */
};

enum {
	P1_TRACE_FULL = -1,
	P1_TRACE_BADITI = -2
};

/* p1_trace_loop - apply the loop rule; *where (may be NULL) gets the
 *	index of the trace element (or internal element) that shows it */
enum p1_loop p1_trace_loop(const MTS_APDU_t *apdu, const struct p1_here *h,
			   int *where);
const char *p1_loop_name(enum p1_loop l);

/* p1_trace_arrive - on arrival: add our MD's element unless the last
 *	one is already ours (arrival from a sibling MTA), and our MTA's
 *	internal element; both relayed, at now */
int	p1_trace_arrive(MTS_APDU_t *apdu, const struct p1_here *h, time_t now);
/* p1_trace_reroute - after failing to reach attempted_gdi (or the MTA
 *	attempted_mta of our MD, either may be NULL): add a rerouted
 *	element of ours with the attempted domain, and an internal one */
int	p1_trace_reroute(MTS_APDU_t *apdu, const struct p1_here *h, time_t now,
			 const GlobalDomainIdentifier_t *attempted_gdi,
			 const char *attempted_mta);
/* p1_trace_originate - for an object we originate (a report, or a
 *	message x400d builds): the first element, with the GDI of the
 *	object's MTS identifier, if the trace is empty; and our internal
 *	element */
int	p1_trace_originate(MTS_APDU_t *apdu, const struct p1_here *h,
			   time_t now);
/* p1_trace_add - append one element to a trace (P1_TRACE_FULL at 512) */
int	p1_trace_add(TraceInformation_t *t, const GlobalDomainIdentifier_t *gdi,
		     time_t arrival, long action,
		     const GlobalDomainIdentifier_t *attempted);
/* p1_trace_origin_ok - the first element's GDI is the MTS identifier's */
int	p1_trace_origin_ok(const MTS_APDU_t *apdu);
/* p1_trace_internal - the decoded internal trace, or NULL if absent or
 *	undecodable */
InternalTraceInformation_t *p1_trace_internal(const MTS_APDU_t *apdu);
/* p1_trace_strip_internal - remove internal trace (X.411 allows an MD
 *	to do so when the object leaves it); returns elements removed */
int	p1_trace_strip_internal(MTS_APDU_t *apdu);

#endif
