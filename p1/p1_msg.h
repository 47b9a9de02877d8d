/*
 * p1_msg.h - build a P1 message (or probe) around an interpersonal
 *	      message, as an originating MTA does
 *
 * SYNOPSIS
 *	#include "p1_msg.h"
 *
 *	struct p1_msg_spec s = { .originator = "C=GB;A= ;P=ACME;S=Smith",
 *		.recipients = rcpts, .nrecipients = 2, .subject = "Hi",
 *		.body = "text", .gdi = "C=GB;A= ;P=ACME", .mta = "mta-a" };
 *	rc = p1_msg_build(&s, &der, &len, why, sizeof(why));
 *
 * DESCRIPTION
 *	Makes one MTS-APDU: a Message with a MessageTransferEnvelope (X.411
 *	12.2.1.1) whose MTS identifier is fresh for the given domain (or
 *	the one given), the originator and recipients from their string
 *	forms (p1_addr.h), content type interpersonal-messaging-1988 (22),
 *	priority, deferred delivery time, report requests per recipient,
 *	and the first trace element of the originating domain
 *	(p1_trace_originate); and a P22 content (X.420): an IPM with
 *	this-IPM, originator, primary recipients, subject and one IA5 text
 *	body part. With .probe set, a Probe with the same envelope fields
 *	and the content's length instead.
 *
 *	x400send submits what it builds to an MTA over P1; x400conf builds
 *	its test messages with it; tests use it for realistic traffic.
 *
 * OWNERSHIP
 *	*der is malloc()ed; the caller frees it. The spec is only read.
 *
 * DIAGNOSTICS
 *	0, or -1 with why naming the field (an O/R address that does not
 *	parse, a subject over ub-subject-field...).
 */
#ifndef X400_P1_MSG_H
#define X400_P1_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "p1_env.h"
#include "p1_ext.h"

struct p1_msg_spec {
	const char	*gdi;		/* "C=..;A=..;P=.." of the origin MD */
	const char	*mta;		/* originating MTA name */
	const char	*local_id;	/* MTS identifier's local part, or
					 * NULL: a fresh one (seq, time) */
	uint64_t	seq;
	time_t		now;		/* 0: time(NULL) */
	const char	*originator;
	const char *const *recipients;
	size_t		nrecipients;
	long		priority;	/* X.411: 0 normal, 1 non-urgent,
					 * 2 urgent */
	enum p1_report_level report;	/* originator's request, each rcpt */
	time_t		deferred;	/* deferred delivery time, 0 none */
	time_t		latest;		/* latest-delivery-time extension
					 * (X.411 standard extension 5), 0 */
	long		ext_number;	/* one more standard extension of
					 * this number (an unknown one, for
					 * tests), 0: none */
	unsigned	ext_crit;	/* its criticality (P1_CRIT_*) */
	int		probe;		/* build a Probe, not a Message */
	int		content_return;	/* per-message indicator */
	const char	*subject;
	const char	*body;		/* IA5 text */
	size_t		body_len;	/* 0: strlen(body) */
	size_t		pad_to;		/* make the content this long with
					 * text, if longer than the body */
	enum p1_edition	edition;	/* how extension types are written
					 * (0: 1988, what the installed
					 * base reads) */
};

int	p1_msg_build(const struct p1_msg_spec *s, unsigned char **der,
		     size_t *len, char *why, size_t whylen);

#endif
