/*
 * qapdu.h - build real MTS-APDUs (messages) for the store's tests
 *
 * SYNOPSIS
 *	#include "qapdu.h"
 *
 *	struct qapdu_spec s = { .local_id = "run1-42", .originator = "Alice",
 *				.rcpts = names, .nrcpts = 2, .prio = 2,
 *				.content_len = 300, .arrival = now };
 *	unsigned char *der = qapdu_build(&s, &len);
 *	char *mtsid = qapdu_mtsid(&s);
 *	char *addr = qapdu_oraddr("Bob");
 *
 * DESCRIPTION
 *	Test support only: the store never parses an APDU, but x400q show
 *	decodes it, so the tests store real ones. qapdu_build() encodes a
 *	message-transfer MTS-APDU (X.411 12.2.1.1) with the given MTS
 *	identifier (C=GB, A=" ", P=ACME), originator and recipients (each
 *	O/R address C=GB;A= ;P=ACME;O=Acme;S=<surname>), one trace element
 *	(that domain, the arrival time, relayed) and content_len octets of
 *	content, of P2 (22) content type. qapdu_mtsid() and
 *	qapdu_oraddr() give the strings the daemon gives the store for the
 *	same values (p1_mtsid_format, p1_orname_format).
 *
 * OWNERSHIP
 *	Every result is malloc()ed; the caller frees it.
 *
 * DIAGNOSTICS
 *	qapdu_build() returns NULL (and says why on stderr) if the value
 *	does not encode.
 */
#ifndef X400_TEST_QAPDU_H
#define X400_TEST_QAPDU_H

#include <stddef.h>
#include <time.h>

struct qapdu_spec {
	const char	*local_id;	/* MTS identifier's local part */
	const char	*originator;	/* surname */
	const char	*const *rcpts;	/* surnames */
	size_t		nrcpts;
	int		prio;		/* X.411 Priority, 0..2 */
	size_t		content_len;
	time_t		arrival;
};

unsigned char *qapdu_build(const struct qapdu_spec *s, size_t *len);
char	*qapdu_mtsid(const struct qapdu_spec *s);
char	*qapdu_oraddr(const char *surname);

#endif
