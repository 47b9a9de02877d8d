/*
 * acse.h - Association Control (ITU-T X.227): AARQ, AARE, RLRQ, RLRE,
 *	    ABRT, built and read for the RTSE machine
 *
 * SYNOPSIS
 *	#include "acse.h"
 *
 *	struct acse_apdu a = { .type = ACSE_AARQ, ... };
 *	acse_build(&a, &out);
 *	acse_parse(bytes, n, &a, why, sizeof(why));
 *	acse_apdu_free(&a);
 *
 * DESCRIPTION
 *	One plain structure describes every ACSE APDU an MTA sends or
 *	receives; acse_build() turns it into DER with the generated
 *	codec, acse_parse() fills it from BER (any valid form). The user
 *	information of each APDU is at most one EXTERNAL (X.227 7.1.5):
 *	its presentation context (indirect-reference) and the encoding of
 *	its single-ASN1-type, which for P1 is an RTSE APDU. AP titles and
 *	AE qualifiers are kept in form 2 (an OID and an INTEGER, X.227
 *	7.1.1.x); a form 1 title from a peer is accepted and ignored.
 *
 * OWNERSHIP
 *	acse_parse() fills a->user (a struct buf) that acse_apdu_free()
 *	releases; everything else in struct acse_apdu is inline.
 *
 * DIAGNOSTICS
 *	0, or -1 with a sentence in why naming the APDU and field.
 */
#ifndef X400_ACSE_H
#define X400_ACSE_H

#include <stddef.h>

#include "buf.h"

#define ACSE_OID_MTS_TRANSFER	"2.6.0.1.6"	/* id-ac-mts-transfer */

enum acse_type { ACSE_AARQ, ACSE_AARE, ACSE_RLRQ, ACSE_RLRE, ACSE_ABRT };

/* X.227 Associate-result and the source of its diagnostic */
enum { ACSE_ACCEPTED = 0, ACSE_REJECTED_PERMANENT = 1,
       ACSE_REJECTED_TRANSIENT = 2 };
enum { ACSE_DIAG_USER = 1, ACSE_DIAG_PROVIDER = 2 };
/* acse-service-user diagnostics used here */
enum { ACSE_D_NULL = 0, ACSE_D_NO_REASON = 1, ACSE_D_CONTEXT = 2,
       ACSE_D_AUTH_FAILURE = 13 };
/* ABRT-source */
enum { ACSE_ABRT_USER = 0, ACSE_ABRT_PROVIDER = 1 };

struct acse_apdu {
	enum acse_type	type;
	char		context[64];	/* AARQ/AARE application context */
	char		calling_ap_title[64];	/* form 2 OID, or "" */
	long		calling_ae_qual;	/* form 2, if have_ */
	int		have_calling_ae_qual;
	char		called_ap_title[64];
	long		called_ae_qual;
	int		have_called_ae_qual;
	long		result;		/* AARE */
	int		diag_source;	/* AARE: ACSE_DIAG_* */
	long		diag;
	long		reason;		/* RLRQ/RLRE reason, -1: absent */
	long		abort_source;	/* ABRT */
	int		have_user;	/* user information present */
	long		user_ctx;	/* its indirect-reference */
	struct buf	user;		/* its single-ASN1-type encoding */
};

int	acse_build(const struct acse_apdu *a, struct buf *out, char *why,
		   size_t whylen);
int	acse_parse(const void *p, size_t n, struct acse_apdu *a, char *why,
		   size_t whylen);
void	acse_apdu_free(struct acse_apdu *a);
const char *acse_type_name(enum acse_type t);

#endif
