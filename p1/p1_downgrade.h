/*
 * p1_downgrade.h - make a 1988 MTS-APDU fit for an X.410-1984 peer
 *
 * SYNOPSIS
 *	#include "p1_downgrade.h"
 *
 *	struct p1_downgrade d;
 *	verdict = p1_downgrade(apdu, &d);   ... p1_downgrade_free(&d);
 *
 * DESCRIPTION
 *	X.410 (1984) P1 is the subset of the 1988 P1 that X.419 Annex B
 *	("interworking with 1984 systems") describes: the same tags for
 *	every 1984 field, and none of the 1988 additions. An MTA relaying
 *	towards a 1984 MTA downgrades the envelope: what 1984 lacks but
 *	can be lost is dropped, what cannot is refused with a non-delivery
 *	report, reason unable-to-transfer (1), diagnostic unable-to-
 *	downgrade (47) (X.411 NonDeliveryDiagnosticCode; the code exists
 *	for this since the 1992 edition). p1_downgrade() works in place:
 *
 *	  extensions (any list)   critical for transfer or delivery: refuse
 *	                          (the object, or the recipient for a
 *	                          per-recipient one); otherwise dropped
 *	                          (internal trace, latest delivery time,
 *	                          content correlator ... are lost)
 *	  O/R names               directory-name dropped; common-name
 *	                          becomes the domain-defined attribute
 *	                          "Common" (RFC 1328 3.2), if fewer than 4
 *	                          DDAs are there; any other extension
 *	                          attribute: refuse (X.419 Annex B; RFC
 *	                          1328 3: such addresses cannot be carried)
 *	  content-type            extended (an OBJECT IDENTIFIER): refuse
 *	  original-EITs           added (bit unknown) when absent: 1984
 *	                          requires them; extended EITs dropped
 *	  per-message-indicators  bits 4 to 7 (1988) cleared
 *	  per-domain-bilateral    elements naming a private domain dropped
 *	  trace                   other-actions (1988) dropped
 *	  explicit-conversion     values other than 0 and 1: refuse the
 *	                          recipient
 *	  report content          original-EITs, content-type and extensions
 *	                          dropped; type-of-MTS-user above private(1)
 *	                          becomes the default (public); reason codes
 *	                          above 2 become unable-to-transfer (1);
 *	                          diagnostics above 11 dropped; an
 *	                          originally-intended-recipient-name that
 *	                          cannot be downgraded is dropped
 *
 *	Recipients refused are removed from the APDU, so that what is left
 *	can go to the 1984 peer; their indices (in the APDU as it came) are
 *	listed for the caller's non-delivery report. A report cannot be
 *	non-delivered: when a report cannot be downgraded, it is refused as
 *	a whole and the caller logs and discards it.
 *
 * OWNERSHIP
 *	The APDU is changed in place. d->refused is malloc()ed:
 *	p1_downgrade_free() releases it.
 *
 * DIAGNOSTICS
 *	d->why says, for the log, the first thing refused; d->changes has
 *	one P1_DG_* bit per kind of change made.
 */
#ifndef X400_P1_DOWNGRADE_H
#define X400_P1_DOWNGRADE_H

#include "MTS-APDU.h"

enum {
	P1_DG_EXT_DROPPED = 1 << 0,	/* non-critical extensions dropped */
	P1_DG_DN_DROPPED = 1 << 1,	/* directory names dropped */
	P1_DG_CN_TO_DDA = 1 << 2,	/* common-name -> DDA "Common" */
	P1_DG_EIT_ADDED = 1 << 3,	/* original-EITs added */
	P1_DG_EIT_TRIMMED = 1 << 4,	/* extended EITs dropped */
	P1_DG_PMI_TRIMMED = 1 << 5,	/* 1988 per-message bits cleared */
	P1_DG_PDBI_DROPPED = 1 << 6,	/* private-domain bilateral info */
	P1_DG_TRACE_TRIMMED = 1 << 7,	/* other-actions dropped */
	P1_DG_REPORT_TRIMMED = 1 << 8,	/* 1988 report fields dropped */
	P1_DG_CODES_MAPPED = 1 << 9,	/* report codes mapped to 1984's */
	P1_DG_RECIP_REMOVED = 1 << 10	/* refused recipients removed */
};

enum p1_dg_verdict {
	P1_DG_OK = 0,		/* send it (perhaps changed) */
	P1_DG_SOME = 1,		/* send it; refused recipients removed */
	P1_DG_ALL = 2		/* cannot be sent to a 1984 peer */
};

struct p1_downgrade {
	unsigned	changes;	/* P1_DG_* */
	int		*refused;	/* indices of refused recipients */
	int		nrefused;
	long		reason;		/* for the report: 1 */
	long		diagnostic;	/* 47 */
	char		why[160];
};

enum p1_dg_verdict p1_downgrade(MTS_APDU_t *apdu, struct p1_downgrade *d);
void	p1_downgrade_free(struct p1_downgrade *d);

#endif
