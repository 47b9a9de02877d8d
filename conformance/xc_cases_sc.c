/*
 * xc_cases_sc.c - test cases of the group strong credentials (SC)
 *
 * An MTA-bind whose credentials are strong (X.411 12.2.1.1): a bind
 * token signed with x400conf's key (suite.strong_key) and its
 * certificate (suite.strong_cert), which the target's link for
 * suite.strong_mta pins. The token is built by p1_strong_build() (as
 * x400d sends it) and then spoilt as a case needs: a bit of the
 * signature flipped, a time an hour old, another MTA's name, or the
 * same bind sent twice. Every case is inconclusive when the settings
 * are left out, so a run against a target with no strong link stays as
 * it was.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "asnx.h"
#include "codec.h"
#include "p1_asn.h"
#include "p1_bind.h"
#include "p1_strong.h"
#include "xalloc.h"
#include "xc.h"
#include "xc_build.h"
#include "xc_cases.h"
#include "xc_peer.h"

#include "AsymmetricToken.h"
#include "MTABindArgumentRO.h"

/* How a case spoils the token. */
enum sc_spoil { SC_GOOD, SC_SIGNATURE };

/* sc_name - the MTA name of the strong binds */
static const char *sc_name(const struct xc *x)
{
	return x->cfg.strong_mta[0] ? x->cfg.strong_mta : x->cfg.u_mta;
}

/* sc_key - x400conf's key, or NULL and the case inconclusive */
static struct p1_strong_key *sc_key(struct xc *x)
{
	struct p1_strong_key *k;
	char err[240];

	if (x->cfg.strong_cert[0] == 0 || x->cfg.strong_key[0] == 0) {
		xc_inconc(x, "no suite.strong_cert and suite.strong_key: "
			  "x400conf has no certificate for strong credentials");
		x->sent_nothing = 1;
		return NULL;
	}
	k = p1_strong_key_load(x->cfg.strong_cert, x->cfg.strong_key, err,
			       sizeof(err));
	if (k == NULL) {
		xc_inconc(x, "suite.strong_cert, suite.strong_key: %s", err);
		x->sent_nothing = 1;
	}
	return k;
}

/* flip_signature - one bit in the middle of the token's signature */
static int flip_signature(StrongCredentials_t *sc)
{
	AsymmetricToken_t *a;
	int rc = -1;

	a = p1_any_get(&sc->bind_token->token, &asn_DEF_AsymmetricToken);
	if (a == NULL)
		return -1;
	if (a->encrypted.size > 0) {
		a->encrypted.buf[a->encrypted.size / 2] ^= 0x01;
		rc = p1_any_set(&sc->bind_token->token,
				&asn_DEF_AsymmetricToken, a);
	}
	codec_free(&asn_DEF_AsymmetricToken, a);
	return rc;
}

/* sc_bind - our MTA-bind argument in [16], strong credentials for MTA
 *	for_name at time now, spoilt as said; appended to out */
static void sc_bind(struct xc *x, const struct p1_strong_key *k,
		    const char *for_name, int64_t now, enum sc_spoil spoil,
		    struct buf *out)
{
	MTABindArgumentRO_t *g = XNEW(MTABindArgumentRO_t);
	Credentials_t *cr = &g->choice.authenticated.initiator_credentials;
	unsigned char *der = NULL;
	size_t n = 0;
	const char *me = sc_name(x);

	g->present = MTABindArgument_PR_authenticated;
	asnx_octets(&g->choice.authenticated.initiator_name, me, strlen(me));
	cr->present = Credentials_PR_strong;
	if (p1_strong_build(k, for_name, now, &cr->choice.strong) != 0)
		panic("x400conf: the strong credentials do not build");
	if (spoil == SC_SIGNATURE && flip_signature(&cr->choice.strong) != 0)
		panic("x400conf: the bind token does not re-encode");
	if (codec_encode_alloc(&asn_DEF_MTABindArgumentRO, g, &der, &n) != 0)
		panic("x400conf: the strong MTA-bind does not encode");
	buf_add(out, der, n);
	free(der);
	codec_free(&asn_DEF_MTABindArgumentRO, g);
}

/* sc_accepted - open an association with this bind; 1 when accepted
 *	(and released), else 0 with the case failed */
static int sc_accepted(struct xc *x, const struct buf *arg, const char *what)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	struct assoc_bind r;
	enum xc_open rc;
	int bare = 0;
	char why[300];

	xc_peer_opts_init(x, &o);
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection");
		xc_peer_free(p);
		return 0;
	}
	rc = xc_peer_open(p, buf_ptr(arg), buf_avail(arg));
	if (rc != XC_OPENED) {
		xc_fail(x, "%s (MTA \"%s\", strong credentials) was not "
			"accepted: %s%s%s%s%s", what, sc_name(x),
			xc_open_name(rc), p->why[0] ? ": " : "", p->why,
			p->bind_error >= 0 ? ", bind error " : "",
			p->bind_error >= 0 ?
			xc_bind_error_name(p->bind_error) : "");
		xc_peer_free(p);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	if (p1_bind_decode(buf_ptr(&p->bind_data), buf_avail(&p->bind_data),
			   1, &r, &bare, why, sizeof(why)) != 0) {
		xc_fail(x, "the bind result does not decode: %s", why);
	} else if (!r.authenticated) {
		xc_note(x, "the target answered with an unauthenticated bind "
			"result");
		xc_pics(x, "bind.strong", "accepted; unauthenticated result");
	} else if (strcasecmp(r.name, x->cfg.t_mta) != 0) {
		xc_fail(x, "the target's bind result names MTA \"%s\", not "
			"target.mta \"%s\"", r.name, x->cfg.t_mta);
	} else if (r.strong && r.tok && r.tok->has_name &&
		   strcasecmp(r.tok->name, sc_name(x)) != 0) {
		xc_fail(x, "the target's bind result carries a token for MTA "
			"\"%s\", not for us (\"%s\"; X.411 12.2.1.1: the "
			"responder's token is for the initiator)",
			r.tok->name, sc_name(x));
	} else if (r.strong) {
		xc_note(x, "bind result: MTA \"%s\", strong credentials, a "
			"token for \"%s\", a certificate of %zu octets",
			r.name, r.tok ? r.tok->name : "?",
			r.tok ? r.tok->cert_len : (size_t)0);
		xc_pics(x, "bind.strong", "accepted; strong credentials in "
			"the result too");
	} else {
		xc_note(x, "bind result: MTA \"%s\", a password of %zu octets",
			r.name, r.password_len);
		xc_pics(x, "bind.strong", "accepted; a password in the result");
	}
	p1_bind_clear(&r);
	xc_peer_release(p);
	xc_peer_free(p);
	return xc_ok(x);
}

static void sc_good(struct xc *x)
{
	struct p1_strong_key *k = sc_key(x);
	struct buf arg = BUF_INIT;

	if (k == NULL)
		return;
	sc_bind(x, k, x->cfg.t_mta, (int64_t)time(NULL), SC_GOOD, &arg);
	if (!sc_accepted(x, &arg, "our MTA-bind") &&
	    xc_pics_get(x, "bind.strong") == NULL)
		xc_pics(x, "bind.strong", "no");
	buf_free(&arg);
	p1_strong_key_free(k);
}

/* sc_refused - a bind spoilt as said must be refused */
static void sc_refused(struct xc *x, const char *for_name, int64_t now,
		       enum sc_spoil spoil, const char *what)
{
	struct p1_strong_key *k = sc_key(x);
	struct buf arg = BUF_INIT;

	if (k == NULL)
		return;
	sc_bind(x, k, for_name, now, spoil, &arg);
	xc_refused_bind(x, x->cfg.t_mode, buf_ptr(&arg), buf_avail(&arg),
			what);
	buf_free(&arg);
	p1_strong_key_free(k);
}

static void sc_signature(struct xc *x)
{
	sc_refused(x, x->cfg.t_mta, (int64_t)time(NULL), SC_SIGNATURE,
		   "a bind token whose signature has one bit flipped");
}

static void sc_old(struct xc *x)
{
	sc_refused(x, x->cfg.t_mta, (int64_t)time(NULL) - 3600, SC_GOOD,
		   "a bind token signed an hour ago");
}

static void sc_other_name(struct xc *x)
{
	char other[P1_STRONG_NAME_MAX + 1];

	snprintf(other, sizeof(other), "%.24s-other", x->cfg.t_mta);
	sc_refused(x, other, (int64_t)time(NULL), SC_GOOD,
		   "a bind token for another MTA");
}

static void sc_replay(struct xc *x)
{
	struct p1_strong_key *k = sc_key(x);
	struct buf arg = BUF_INIT;

	if (k == NULL)
		return;
	sc_bind(x, k, x->cfg.t_mta, (int64_t)time(NULL), SC_GOOD, &arg);
	if (sc_accepted(x, &arg, "the first association's MTA-bind")) {
		xc_note(x, "the same MTA-bind, octet for octet, on a second "
			"association");
		xc_refused_bind(x, x->cfg.t_mode, buf_ptr(&arg),
				buf_avail(&arg), "a bind token already used "
				"(a replay of the first association's)");
	}
	if (xc_ok(x))
		xc_pics(x, "bind.strong_replay", "refused");
	buf_free(&arg);
	p1_strong_key_free(k);
}

const struct xc_case xc_cases_sc[] = {
	{ "SC.01", "strong", "valid strong credentials",
	  "X.411 12.1.1.1 (MTABindArgument), 12.2.1.1 (StrongCredentials, "
	  "the bind token); X.509 (SIGNED)",
	  "MTABindArgument authenticated as suite.strong_mta with "
	  "StrongCredentials: an asymmetric token (2.6.3.6.0) for "
	  "target.mta, the current time, 16 random octets, signed with "
	  "suite.strong_key, and suite.strong_cert",
	  "Accepted; the MTABindResult names target.mta (a token in it is "
	  "for us). Inconclusive without suite.strong_cert",
	  sc_good, 0 },
	{ "SC.02", "strong", "bind token with a bad signature",
	  "X.411 12.2.1.1 (the token is signed), 12.1.1.3 "
	  "(authentication-error)",
	  "SC.01's bind with one bit of the token's signature flipped",
	  "Refused with MTA-bind-error authentication-error",
	  sc_signature, XC_F_HEALTH },
	{ "SC.03", "strong", "bind token an hour old",
	  "X.411 12.2.1.1 (time: replay protection), 12.1.1.3",
	  "SC.01's bind, the token's time an hour before now (signed)",
	  "Refused with MTA-bind-error authentication-error",
	  sc_old, XC_F_HEALTH },
	{ "SC.04", "strong", "bind token replayed",
	  "X.411 12.2.1.1 (time and random number: replay protection), "
	  "12.1.1.3",
	  "A valid strong bind (accepted, released), then the same bind "
	  "octet for octet on a second association",
	  "The first accepted, the second refused with MTA-bind-error "
	  "authentication-error",
	  sc_replay, XC_F_HEALTH },
	{ "SC.05", "strong", "bind token for another MTA",
	  "X.411 12.2.1.1 (name: the MTA the token is for), 12.1.1.3",
	  "SC.01's bind with a token (validly signed) for MTA "
	  "\"<target.mta>-other\"",
	  "Refused with MTA-bind-error authentication-error",
	  sc_other_name, XC_F_HEALTH },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
