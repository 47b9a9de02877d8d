/*
 * p1_bind.c - the MTA-bind values of X.411 12.1 on the wire
 *
 * See p1_bind.h. Written from X.411 12.1.1 (MTABindArgument,
 * MTABindResult, MTABindError), 12.2.1.1 (strong credentials: p1_strong.c)
 * and X.419 A.1 / X.219 (the RO-notation
 * BIND tags [16], [17], [18]); X.410-1984 systems send the values bare.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asnx.h"
#include "codec.h"
#include "p1_bind.h"
#include "xalloc.h"

#include "MTABindArgument.h"
#include "MTABindArgumentRO.h"
#include "MTABindError.h"
#include "MTABindResult.h"
#include "MTABindResultRO.h"

#define BIND_CAP	65536

/* set_credentials - ours: strong credentials for b->token_for when
 *	b->strong, else the simple password as an OCTET STRING (as PP
 *	sends it); 0 or -1 */
static int set_credentials(Credentials_t *cr, const struct assoc_bind *b)
{
	if (b->strong) {
		cr->present = Credentials_PR_strong;
		return b->key ? p1_strong_build(b->key, b->token_for,
		    (int64_t)time(NULL), &cr->choice.strong) : -1;
	}
	cr->present = Credentials_PR_simple;
	cr->choice.simple.present = Password_PR_octet_string;
	asnx_octets(&cr->choice.simple.choice.octet_string, b->password,
		    b->password_len);
	return 0;
}

/* p1_bind_encode - MTABindArgument or MTABindResult, authenticated
 *	(set_credentials); tagged [16] or [17] (the RO-notation BIND), or
 *	bare when bare is set (X.410 1984, as PP's X.410 channel sends
 *	it). The two types share one C structure: only the descriptor
 *	differs. */
int p1_bind_encode(const struct assoc_bind *b, int result, int bare,
		    struct buf *out)
{
	unsigned char *der = NULL;
	size_t n;
	int rc;

	if (result) {
		MTABindResultRO_t *r = XNEW(MTABindResultRO_t);

		r->present = MTABindResult_PR_authenticated;
		asnx_octets(&r->choice.authenticated.responder_name, b->name,
			    strlen(b->name));
		rc = set_credentials(&r->choice.authenticated.
				     responder_credentials, b);
		if (rc == 0)
			rc = codec_encode_alloc(bare ? &asn_DEF_MTABindResult :
						&asn_DEF_MTABindResultRO, r,
						&der, &n);
		codec_free(&asn_DEF_MTABindResultRO, r);
	} else {
		MTABindArgumentRO_t *g = XNEW(MTABindArgumentRO_t);

		g->present = MTABindArgument_PR_authenticated;
		asnx_octets(&g->choice.authenticated.initiator_name, b->name,
			    strlen(b->name));
		rc = set_credentials(&g->choice.authenticated.
				     initiator_credentials, b);
		if (rc == 0)
			rc = codec_encode_alloc(bare ?
						&asn_DEF_MTABindArgument :
						&asn_DEF_MTABindArgumentRO, g,
						&der, &n);
		codec_free(&asn_DEF_MTABindArgumentRO, g);
	}
	if (rc != 0)
		return -1;
	buf_add(out, der, n);
	free(der);
	return 0;
}

/* take_credentials - name and simple password into a struct assoc_bind */
static int take_credentials(struct assoc_bind *b, const OCTET_STRING_t *name,
			    const Credentials_t *cr, char *why, size_t len)
{
	const OCTET_STRING_t *pw;

	b->authenticated = 1;
	if (name->size > ASSOC_NAME_MAX) {
		snprintf(why, len, "MTA name of %d octets", name->size);
		return -1;
	}
	memcpy(b->name, name->buf, (size_t)name->size);
	b->name[name->size] = 0;
	if (cr->present == Credentials_PR_strong) {
		b->strong = 1;
		b->tok = XNEW(struct p1_token);
		p1_strong_take(&cr->choice.strong, b->tok);
		return 0;
	}
	if (cr->present != Credentials_PR_simple) {
		snprintf(why, len, "MTA %s offers protected-password "
			 "credentials, which this MTA does not take", b->name);
		return -1;
	}
	pw = cr->choice.simple.present == Password_PR_ia5_string ?
	    &cr->choice.simple.choice.ia5_string :
	    &cr->choice.simple.choice.octet_string;
	if (pw->size > ASSOC_PW_MAX) {
		snprintf(why, len, "password of %d octets", pw->size);
		return -1;
	}
	memcpy(b->password, pw->buf, (size_t)pw->size);
	b->password_len = (size_t)pw->size;
	return 0;
}

/* p1_bind_decode - the peer's argument or result, in a [16] / [17] (0xb0 /
 *	0xb1) or bare (X.410-1984 peers send it so): both are taken in
 *	either mode. *bare says which form came. */
int p1_bind_decode(const unsigned char *p, size_t n, int result,
		    struct assoc_bind *b, int *bare, char *why, size_t len)
{
	asn_TYPE_descriptor_t *td;
	void *v = NULL;
	int rc;

	p1_bind_clear(b);
	*bare = !(n > 0 && p[0] == (result ? 0xb1 : 0xb0));
	if (result)
		td = *bare ? &asn_DEF_MTABindResult : &asn_DEF_MTABindResultRO;
	else
		td = *bare ? &asn_DEF_MTABindArgument :
		    &asn_DEF_MTABindArgumentRO;
	rc = codec_decode(td, p, n, BIND_CAP, &v, NULL);
	if (rc != 0) {
		snprintf(why, len, "undecodable MTA-bind %s: %s",
			 result ? "result" : "argument", codec_last_detail());
		return -1;
	}
	if (result) {
		MTABindResultRO_t *r = v;

		rc = r->present != MTABindResult_PR_authenticated ? 0 :
		    take_credentials(b, &r->choice.authenticated.responder_name,
				     &r->choice.authenticated.
				     responder_credentials, why, len);
		codec_free(&asn_DEF_MTABindResultRO, r);
	} else {
		MTABindArgumentRO_t *g = v;

		rc = g->present != MTABindArgument_PR_authenticated ? 0 :
		    take_credentials(b, &g->choice.authenticated.initiator_name,
				     &g->choice.authenticated.
				     initiator_credentials, why, len);
		codec_free(&asn_DEF_MTABindArgumentRO, g);
	}
	return rc;
}

/* p1_bind_error_name - X.411 MTABindError */
const char *p1_bind_error_name(long e)
{
	switch (e) {
	case ASSOC_BE_BUSY: return "busy";
	case ASSOC_BE_AUTHENTICATION: return "authentication-error";
	case ASSOC_BE_DIALOGUE_MODE: return "unacceptable-dialogue-mode";
	case ASSOC_BE_SECURITY_CONTEXT: return "unacceptable-security-context";
	case ASSOC_BE_CONFIDENTIALITY:
		return "inadequate-association-confidentiality";
	}
	return "unknown";
}

/* p1_bind_error_decode - bare, or in a [18] (0xb2) */
long p1_bind_error_decode(const unsigned char *p, size_t n)
{
	void *v = NULL;
	long e = -1;

	if (n > 2 && p[0] == 0xb2) {
		p += 2;
		n -= 2;
	}
	if (codec_decode(&asn_DEF_MTABindError, p, n, BIND_CAP, &v, NULL) == 0) {
		e = *(long *)v;
		codec_free(&asn_DEF_MTABindError, v);
	}
	return e;
}

int p1_bind_error_encode(long e, struct buf *out)
{
	unsigned char *der = NULL;
	size_t n = 0;

	if (codec_encode_alloc(&asn_DEF_MTABindError, &e, &der, &n) != 0)
		return -1;
	buf_add(out, der, n);
	free(der);
	return 0;
}

void p1_bind_copy(struct assoc_bind *dst, const struct assoc_bind *src)
{
	*dst = *src;
	if (src->tok) {
		dst->tok = XNEW(struct p1_token);
		*dst->tok = *src->tok;
	}
}

void p1_bind_clear(struct assoc_bind *b)
{
	if (b->tok) {
		explicit_bzero(b->tok, sizeof(*b->tok));
		free(b->tok);
	}
	explicit_bzero(b, sizeof(*b));
}
