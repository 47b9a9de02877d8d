/*
 * pres.h - the presentation layer (X.226 normal mode) as an MTA uses it
 *
 * SYNOPSIS
 *	#include "pres.h"
 *
 *	pres_init(&p, PRES_INITIATOR);
 *	pres_cp_build(&p, calling_psel, called_psel, aarq, n, &out);
 *	pres_cp_parse(&p, ud, n, &info);	   responder
 *	pres_cpa_build(&p, aare, n, &out);  pres_cpr_build(...);
 *	pres_cpa_parse(&p, ud, n, &acse);  pres_cpr_parse(...);
 *	pres_data_build(&p, ctx, apdu, n, &out);
 *	pres_data_parse(&p, ud, n, &ctx, &apdu);
 *	pres_aru_build(&p, abrt, n, &out);  pres_abort_parse(...);
 *
 * DESCRIPTION
 *	Builds and reads the presentation PDUs that carry ACSE and RTSE
 *	over the session layer: CP, CPA, CPR (X.226 8.2) with the
 *	presentation-context definition list and its results, User-data
 *	in the fully-encoded form (8.4), and the aborts ARU and ARP. The
 *	contexts of a P1 association are fixed (X.419 A.1): ACSE
 *	(2.2.1.0.1), id-as-mta-rtse (2.6.0.2.12) and id-as-mts-transfer
 *	(2.6.0.2.7), in BER (2.1.1). As initiator we propose them with
 *	identifiers 1, 3 and 5, like PP; as responder we accept these
 *	abstract syntaxes under whatever identifiers the peer chose, and
 *	refuse others (provider-rejection, abstract-syntax-not-supported),
 *	as X.226 6.2.2.7 allows.
 *
 *	Pure functions over bytes and a small state: no I/O. The machine
 *	that sequences them is RTSE (rtse.c, rtse_open.c, rtse_xfer.c).
 *
 * OWNERSHIP
 *	Output is appended to the caller's struct buf. Parsed user data
 *	is copied into the caller's struct buf. struct pres owns nothing
 *	that needs freeing.
 *
 * DIAGNOSTICS
 *	Parsers return 0, or PRES_E_DECODE (not a valid PPDU: p->why says
 *	which and where), PRES_E_CONTEXT (no usable context, or data in a
 *	context not defined), PRES_E_PSEL (called selector not ours),
 *	PRES_E_REFUSED (a CPR: p->why gives the reason).
 */
#ifndef X400_PRES_H
#define X400_PRES_H

#include <stddef.h>

#include "buf.h"

#define PRES_OID_ACSE	"2.2.1.0.1"
#define PRES_OID_RTSE	"2.6.0.2.12"	/* id-as-mta-rtse */
#define PRES_OID_MTS	"2.6.0.2.7"	/* id-as-mts-transfer */
#define PRES_OID_BER	"2.1.1"

#define PRES_SEL_MAX	16
#define PRES_CTX_MAX	8

enum pres_role { PRES_INITIATOR, PRES_RESPONDER };

/* X.226 8.2: Result-list-item results and provider reasons */
enum { PRES_RES_ACCEPT = 0, PRES_RES_USER_REJECT = 1,
       PRES_RES_PROVIDER_REJECT = 2 };
enum { PRES_PR_UNSPECIFIED = 0, PRES_PR_ABSTRACT = 1, PRES_PR_TRANSFER = 2,
       PRES_PR_LOCAL_LIMIT = 3 };

struct pres_ctx {
	long		id;
	char		abstract[64];	/* dotted OID */
	int		result;		/* PRES_RES_* */
	int		reason;		/* PRES_PR_* if rejected */
};

struct pres {
	enum pres_role	role;
	struct pres_ctx	ctx[PRES_CTX_MAX];
	int		nctx;
	long		id_acse, id_rtse, id_mts;	/* 0: none */
	unsigned char	psel[PRES_SEL_MAX];	/* our own; responder checks */
	size_t		psel_len;
	int		check_psel;
	unsigned char	peer_psel[PRES_SEL_MAX];
	size_t		peer_psel_len;
	unsigned char	called_psel[PRES_SEL_MAX];	/* as the CP said */
	size_t		called_psel_len;
	char		why[200];
};

enum {
	PRES_E_DECODE = -1, PRES_E_CONTEXT = -2, PRES_E_PSEL = -3,
	PRES_E_REFUSED = -4
};

void	pres_init(struct pres *p, enum pres_role role);
/* pres_set_psel - our selector; a responder then refuses CPs for others */
void	pres_set_psel(struct pres *p, const void *sel, size_t n);

int	pres_cp_build(struct pres *p, const void *calling, size_t calling_len,
		      const void *called, size_t called_len, const void *acse,
		      size_t n, struct buf *out);
/* pres_cp_parse - read a CP: decides each context, copies the ACSE APDU
 *	into acse. PRES_E_PSEL and PRES_E_CONTEXT leave p ready for
 *	pres_cpr_build() with the right provider reason. */
int	pres_cp_parse(struct pres *p, const void *ud, size_t n,
		      struct buf *acse);
int	pres_cpa_build(struct pres *p, const void *acse, size_t n,
		       struct buf *out);
/* pres_cpr_build - refuse: with an AARE (user rejection) when acse is
 *	given, else with a provider reason (X.226 6.2.4) */
int	pres_cpr_build(struct pres *p, int provider_reason, const void *acse,
		       size_t n, struct buf *out);
int	pres_cpa_parse(struct pres *p, const void *ud, size_t n,
		       struct buf *acse);
/* pres_cpr_parse - a refusal: 0 with the AARE in acse if the user
 *	refused, PRES_E_REFUSED (and the reason in why) if the provider
 *	did */
int	pres_cpr_parse(struct pres *p, const void *ud, size_t n,
		       struct buf *acse);

/* pres_data_build - User-data, fully encoded, one PDV (X.226 8.4) */
int	pres_data_build(struct pres *p, long ctx, const void *apdu, size_t n,
			struct buf *out);
/* pres_data_parse - the single PDV of a User-data; its value is copied
 *	into apdu (single-ASN1-type or octet-aligned) */
int	pres_data_parse(struct pres *p, const void *ud, size_t n, long *ctx,
			struct buf *apdu);

/* pres_aru_build - ARU-PPDU (normal mode) with an ACSE ABRT, or none */
int	pres_aru_build(struct pres *p, const void *abrt, size_t n,
		       struct buf *out);
/* pres_arp_build - ARP-PPDU with an abort reason (X.226 8.2) */
int	pres_arp_build(struct pres *p, int reason, struct buf *out);
/* pres_abort_parse - Abort-type: *is_user 1 for ARU (its ABRT, if any,
 *	in acse), 0 for ARP (its reason in *reason) */
int	pres_abort_parse(struct pres *p, const void *ud, size_t n,
			 int *is_user, int *reason, struct buf *acse);

#endif
