/*
 * xc_build.h - what x400conf sends: MTA-bind values, test messages,
 *		probes and reports, and the addresses they go to
 *
 * SYNOPSIS
 *	#include "xc_build.h"
 *
 *	struct xc_bind b = { .authenticated = 1, .name = "x400conf",
 *			     .pw = "secret", .pwlen = 6 };
 *	xc_bind_arg(&b, &out);
 *	xc_bind_result(p, n, &res);   e = xc_bind_error(p, n);
 *
 *	r = xc_rcpt(x, 1);
 *	a = xc_msg_new(x, rcpts, n, &opt);  ... edit a ...
 *	der = xc_encode_for(x, a, &len);  id = xc_apdu_id(a);
 *	rc = xc_send(x, a);
 *
 * DESCRIPTION
 *	MTA-bind (X.411 12.1.1): the argument as RTSE's "open" carries it,
 *	tagged [16] (X.419 A.1 with the RO-notation BIND, as PP sends it;
 *	in X.410-1984 mode xc_peer_open() sends it bare unless
 *	target.x410_bind says "wrapped"),
 *	authenticated (name and simple password, as an OCTET STRING or an
 *	IA5String) or unauthenticated (NULL). The result [17] and the
 *	error (bare or in a [18]) are read back.
 *
 *	Test messages are built as an originating MTA of us.domain builds
 *	them (p1_msg.h) and then edited as a case needs. Their recipients
 *	are us.recipients;S=<case>;G=r<n>: the target routes them back to
 *	x400conf. Each case gets its own recipients, so a late arrival is
 *	never taken for another case's.
 *
 *	Every extension type of what a case sends is written in the
 *	target's edition (target.edition: X.411 1988's [0] EXPLICIT, or
 *	1992's IMPLICIT; docs/editions.md row 1): xc_send() and
 *	xc_encode_for() rewrite the APDU itself before encoding it, so
 *	that the checks compare the relayed copy with what went out.
 *	xc_encode() sends a as it is (the edition cases).
 *
 *	xc_send() is the common path: a fresh association in the target's
 *	mode, the bind, one transfer, the release. It fails the case when
 *	the bind or the association does not work, and says whether the
 *	target confirmed the transfer.
 *
 * OWNERSHIP
 *	MTS_APDU_t values are the caller's (xc_apdu_free). Strings and
 *	encodings returned are malloc()ed.
 */
#ifndef X400_XC_BUILD_H
#define X400_XC_BUILD_H

#include <stddef.h>

#include "buf.h"
#include "p1_env.h"
#include "xc.h"

#include "GlobalDomainIdentifier.h"
#include "MTS-APDU.h"

struct xc_bind {
	int		authenticated;
	const char	*name;
	const void	*pw;
	size_t		pwlen;
	int		ia5;		/* password as IA5String */
};

struct xc_bindres {
	int		authenticated;
	char		name[80];
	unsigned char	pw[80];
	size_t		pwlen;
	int		bare;		/* no [17] around it */
};

/* MTABindError values (X.411 12.1.1.3) */
enum { XC_BE_BUSY = 0, XC_BE_AUTH = 2, XC_BE_DIALOGUE = 3 };

void	xc_bind_arg(const struct xc_bind *b, struct buf *out);
/* xc_bind_result - 0, or -1 if it is no MTABindResult, in [17] or
 *	bare */
int	xc_bind_result(const void *p, size_t n, struct xc_bindres *r);
/* xc_bind_error - the MTABindError, or -1 */
long	xc_bind_error(const void *p, size_t n);
const char *xc_bind_error_name(long e);

struct xc_msgopt {
	int		probe;
	enum p1_report_level report;	/* P1_REP_NDR unless set */
	int		report_set;
	size_t		pad;		/* content at least this long */
	const char	*originator;	/* NULL: ours */
};

/* xc_rcpt - test recipient i of the running case (malloc()ed) */
char	*xc_rcpt(struct xc *x, unsigned i);
/* xc_originator - our test originator (static) */
const char *xc_originator(struct xc *x);
/* xc_msg_new - a message (or probe) to rcpts from us */
MTS_APDU_t *xc_msg_new(struct xc *x, const char *const *rcpts, size_t n,
		       const struct xc_msgopt *o);
/* xc_msg_to - xc_msg_new to n fresh test recipients */
MTS_APDU_t *xc_msg_to(struct xc *x, size_t n, const struct xc_msgopt *o);
MTS_APDU_t *xc_apdu_decode(const void *p, size_t n);
void	xc_apdu_free(MTS_APDU_t *a);
/* xc_encode - a as it is, DER (no constraint check) */
unsigned char *xc_encode(const MTS_APDU_t *a, size_t *len);
/* xc_edition - write every extension type of a in the target's edition
 *	(target.edition), as every case's message, probe and report is */
void	xc_edition(const struct xc *x, MTS_APDU_t *a);
/* xc_encode_for - xc_edition, then xc_encode */
unsigned char *xc_encode_for(const struct xc *x, MTS_APDU_t *a, size_t *len);
/* xc_apdu_id - the message, probe or report identifier as text */
char	*xc_apdu_id(const MTS_APDU_t *a);
GlobalDomainIdentifier_t *xc_gdi(const char *s);
/* xc_trace_add - append a trace element (action 0 relayed, 1 rerouted)
 *	for domain gdi ("C=..;A=..;P=..") at t */
void	xc_trace_add(MTS_APDU_t *a, const char *gdi, long action, time_t t);

/* What a transfer came to. */
enum {
	XC_T_CONFIRMED = 1,	/* the target confirmed it */
	XC_T_REFUSED = 0,	/* refused (exception report, discard) */
	XC_T_ENDED = -1,	/* the association ended during it */
	XC_T_TIMEOUT = -2,	/* no answer within the relay timeout */
	XC_T_NOBIND = -3	/* no association (the case has failed) */
};

struct xc_peer_opts;

/* xc_transfer - a fresh association (o, or the target's defaults with
 *	16 KB checkpoints for APDUs over 64 KB), the bind, one transfer,
 *	the release; XC_T_*. Unless quiet, an association that ends or
 *	does not answer fails the case. */
int	xc_transfer(struct xc *x, const void *der, size_t len,
		    const struct xc_peer_opts *o, int quiet);
int	xc_send_opts(struct xc *x, MTS_APDU_t *a,
		     const struct xc_peer_opts *o, int quiet);
/* xc_send - xc_send_opts(x, a, NULL, 0) */
int	xc_send(struct xc *x, MTS_APDU_t *a);

#endif
