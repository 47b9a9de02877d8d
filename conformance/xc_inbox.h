/*
 * xc_inbox.h - x400conf as the receiving MTA: what the target relays to
 *		us, and how it binds
 *
 * SYNOPSIS
 *	#include "xc_inbox.h"
 *
 *	xc_inbox_start(x);			listen on us.listen
 *	m = xc_inbox_wait(x, P1_MESSAGE, id, ms);
 *	m = xc_inbox_find(x, P1_REPORT, subject_id, NULL);
 *	xc_inbox_capture(x, 1);  ...  xc_inbox_capture(x, 0);
 *	xc_inbox_stop(x);
 *
 * DESCRIPTION
 *	The target is configured to route x400conf's domain back to
 *	us.listen. The inbox accepts its associations in either mode, checks
 *	its MTA-bind against target.mta and target.password (a mismatch is
 *	refused with authentication-error and remembered as a problem, which
 *	cases waiting for a relay then report), confirms every MTS-APDU
 *	after keeping it, and records what the target proposed as initiator
 *	(mode, checkpoint size, window, dialogue mode) in the PICS.
 *
 *	A received APDU is matched by its identifier: a message or probe by
 *	its MTS identifier, a report by its subject identifier. Every
 *	APDU is kept until the run ends.
 *
 * OWNERSHIP
 *	struct xc_msg values belong to the inbox; they live until
 *	xc_inbox_stop().
 */
#ifndef X400_XC_INBOX_H
#define X400_XC_INBOX_H

#include <stddef.h>

#include "rtse.h"
#include "xc.h"

#include "MTS-APDU.h"

struct xc_msg {
	struct xc_msg	*next;
	unsigned char	*der;
	size_t		len;
	MTS_APDU_t	*apdu;		/* NULL if it did not decode */
	char		why[200];	/* why it did not */
	int		kind;		/* P1_MESSAGE, ..., -1 */
	char		id[200];	/* its identifier */
	char		subject[200];	/* reports: the subject's */
	enum rtse_mode	mode;		/* of the association it came on */
	char		via[64];	/* "inbound association", ... */
	char		case_id[16];	/* the case running when it came */
	double		at;
};

int	xc_inbox_start(struct xc *x);
void	xc_inbox_stop(struct xc *x);
/* xc_inbox_take - keep an APDU received on any association */
void	xc_inbox_take(struct xc *x, const void *der, size_t len,
		      enum rtse_mode mode, const char *via);
/* xc_inbox_find - the first APDU of kind (-1: any) matching id after
 *	"after" (NULL: from the start) */
struct xc_msg *xc_inbox_find(struct xc *x, int kind, const char *id,
			     const struct xc_msg *after);
/* xc_inbox_wait - xc_inbox_find, waiting up to ms */
struct xc_msg *xc_inbox_wait(struct xc *x, int kind, const char *id,
			     unsigned ms);
/* xc_inbox_count - how many APDUs of kind match id */
int	xc_inbox_count(struct xc *x, int kind, const char *id);
/* xc_inbox_problems - what went wrong with the target's binds to us
 *	since the case began ("" if nothing) */
const char *xc_inbox_problems(struct xc *x);
/* xc_inbox_capture - start (on) or stop capturing the inbound
 *	connections into the running case's pcap files */
void	xc_inbox_capture(struct xc *x, int on);
/* xc_inbox_case_start - forget the problems of earlier cases */
void	xc_inbox_case_start(struct xc *x);

#endif
