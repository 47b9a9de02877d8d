/*
 * xc_cases_bi.c - test cases of the group bind (BI)
 *
 * Each case's table entry names the clauses it rests on, what it sends
 * and what it expects (docs/conformance.md is made from these tables).
 * X.411 12.1 and X.419 for the MTA-bind; X.410 (1984) for the bind in
 * X.410-1984 mode.
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xc.h"
#include "xc_build.h"
#include "xc_cases.h"
#include "xc_peer.h"

/* ---- BI: bind ------------------------------------------------------ */

static void bi_good(struct xc *x, int ia5)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	struct xc_bind b;
	struct buf arg = BUF_INIT;
	struct xc_bindres r;
	enum xc_open rc;
	const char *prev = xc_pics_get(x, "bind.password");
	char old[200];

	snprintf(old, sizeof(old), "%s", prev ? prev : "");
	xc_peer_opts_init(x, &o);
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection");
		xc_peer_free(p);
		return;
	}
	memset(&b, 0, sizeof(b));
	b.authenticated = 1;
	b.name = x->cfg.u_mta;
	b.pw = x->cfg.u_password;
	b.pwlen = strlen(x->cfg.u_password);
	b.ia5 = ia5;
	xc_bind_arg(&b, &arg);
	rc = xc_peer_open(p, buf_ptr(&arg), buf_avail(&arg));
	buf_free(&arg);
	if (rc != XC_OPENED) {
		xc_fail(x, "our MTA-bind (MTA \"%s\", password as %s) was not "
			"accepted: %s%s%s%s%s", x->cfg.u_mta, ia5 ?
			"IA5String" : "OCTET STRING", xc_open_name(rc),
			p->why[0] ? ": " : "", p->why, p->bind_error >= 0 ?
			", bind error " : "", p->bind_error >= 0 ?
			xc_bind_error_name(p->bind_error) : "");
		xc_pics(x, "bind.password", "%s%s%s no", old, old[0] ? ", " :
			"", ia5 ? "IA5String" : "OCTET STRING");
		xc_peer_free(p);
		return;
	}
	xc_pics(x, "bind.password", "%s%s%s", old, old[0] ? ", " : "",
		ia5 ? "IA5String" : "OCTET STRING");
	if (xc_bind_result(buf_ptr(&p->bind_data), buf_avail(&p->bind_data),
			   &r) != 0) {
		xc_fail(x, "the bind result is not an MTABindResult [17] "
			"(X.411 12.1.1.2; X.419 A.1)");
	} else if (!r.authenticated) {
		xc_note(x, "the target answered with an unauthenticated bind "
			"result");
	} else if (strcasecmp(r.name, x->cfg.t_mta) != 0) {
		xc_fail(x, "the target's bind result names MTA \"%s\", not "
			"target.mta \"%s\"", r.name, x->cfg.t_mta);
	} else if (x->cfg.t_password_set &&
		   (r.pwlen != strlen(x->cfg.t_password) ||
		    memcmp(r.pw, x->cfg.t_password, r.pwlen) != 0)) {
		xc_fail(x, "the target's bind result carries a password of "
			"%zu octets that is not target.password", r.pwlen);
	} else {
		xc_note(x, "bind result: MTA \"%s\", password of %zu octets",
			r.name, r.pwlen);
	}
	xc_peer_release(p);
	xc_peer_free(p);
}

static void bi_good_octets(struct xc *x)
{
	bi_good(x, 0);
}

static void bi_good_ia5(struct xc *x)
{
	bi_good(x, 1);
}

void xc_refused_bind(struct xc *x, enum rtse_mode mode, const void *bind,
		     size_t n, const char *what)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	enum xc_open rc;

	xc_peer_opts_init(x, &o);
	o.mode = mode;
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection");
		xc_peer_free(p);
		return;
	}
	rc = xc_peer_open(p, bind, n);
	if (rc == XC_OPENED) {
		xc_fail(x, "the target accepted a bind with %s", what);
		xc_peer_release(p);
	} else if (rc != XC_REFUSED) {
		xc_fail(x, "a bind with %s got %s%s%s, not a refusal with "
			"MTA-bind-error authentication-error", what,
			xc_open_name(rc), p->why[0] ? ": " : "", p->why);
	} else if (mode == RTSE_X410) {
		if (p->refuse_reason != RTSE_RJ_VALIDATION)
			xc_fail(x, "a bind with %s was refused with PRefuse "
				"reason %d, not validation-failure (2) "
				"(X.410 1984)", what, p->refuse_reason);
	} else if (p->bind_error == -1) {
		xc_fail(x, "a bind with %s was refused without an "
			"MTA-bind-error (%s); X.419 A.1 puts it in the RTORJ "
			"user data", what, p->why);
	} else if (p->bind_error != XC_BE_AUTH) {
		xc_fail(x, "a bind with %s was refused with MTA-bind-error %s, "
			"not authentication-error (X.411 12.1.1.3)", what,
			xc_bind_error_name(p->bind_error));
	} else {
		xc_note(x, "refused with MTA-bind-error authentication-error");
	}
	xc_peer_free(p);
}

/* bad_bind - a bind the target must refuse with authentication-error */
static void bad_bind(struct xc *x, enum rtse_mode mode,
		     const struct xc_bind *b, const char *what)
{
	struct buf arg = BUF_INIT;

	xc_bind_arg(b, &arg);
	xc_refused_bind(x, mode, buf_ptr(&arg), buf_avail(&arg), what);
	buf_free(&arg);
}

static void bi_wrong_password(struct xc *x)
{
	char pw[80];
	struct xc_bind b = { 1, NULL, NULL, 0, 0 };

	snprintf(pw, sizeof(pw), "%s-wrong", x->cfg.u_password);
	b.name = x->cfg.u_mta;
	b.pw = pw;
	b.pwlen = strlen(pw);
	bad_bind(x, x->cfg.t_mode, &b, "a wrong password");
}

static void bi_unknown_mta(struct xc *x)
{
	struct xc_bind b = { 1, "x400conf-unknown-mta", NULL, 0, 0 };

	b.pw = x->cfg.u_password;
	b.pwlen = strlen(x->cfg.u_password);
	bad_bind(x, x->cfg.t_mode, &b, "an unknown MTA name");
}

static void bi_x410_wrong_password(struct xc *x)
{
	char pw[80];
	struct xc_bind b = { 1, NULL, NULL, 0, 0 };

	if (!xc_mode_usable(x, RTSE_X410))
		return;
	snprintf(pw, sizeof(pw), "%s-wrong", x->cfg.u_password);
	b.name = x->cfg.u_mta;
	b.pw = pw;
	b.pwlen = strlen(pw);
	bad_bind(x, RTSE_X410, &b, "a wrong password in X.410-1984 mode");
}

static void bi_unauthenticated(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	struct xc_bind b = { 0, NULL, NULL, 0, 0 };
	struct buf arg = BUF_INIT;
	enum xc_open rc;

	xc_peer_opts_init(x, &o);
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection");
		xc_peer_free(p);
		return;
	}
	xc_bind_arg(&b, &arg);
	rc = xc_peer_open(p, buf_ptr(&arg), buf_avail(&arg));
	buf_free(&arg);
	if (rc == XC_OPENED) {
		xc_pics(x, "bind.unauthenticated", "accepted");
		xc_peer_release(p);
	} else if (rc == XC_REFUSED && (p->bind_error == XC_BE_AUTH ||
		   (x->cfg.t_mode == RTSE_X410 &&
		    p->refuse_reason == RTSE_RJ_VALIDATION))) {
		xc_pics(x, "bind.unauthenticated", "refused "
			"(authentication-error)");
	} else {
		xc_fail(x, "an unauthenticated MTA-bind got %s%s%s%s%s; "
			"expected acceptance or authentication-error",
			xc_open_name(rc), p->why[0] ? ": " : "", p->why,
			p->bind_error >= 0 ? ", bind error " : "",
			p->bind_error >= 0 ?
			xc_bind_error_name(p->bind_error) : "");
	}
	xc_peer_free(p);
}

/* BI.07, BI.08: the MTA-bind bare or in [16] in X.410-1984 mode
 *	(docs/editions.md row 3), applicationProtocol as target.x410_* */
static void bi_x410_bare(struct xc *x)
{
	xc_x410_form(x, x->cfg.t_x410_ap, 1, 1, "x410.bind");
}

static void bi_x410_wrapped(struct xc *x)
{
	xc_x410_form(x, x->cfg.t_x410_ap, 0, 0, "x410.bind");
}

const struct xc_case xc_cases_bi[] = {
	{ "BI.01", "bind", "good credentials",
	  "X.411 12.1.1.1, 12.1.1.2 (MTA-bind argument and result); X.419 "
	  "A.1",
	  "MTABindArgument authenticated: us.mta and us.password as an "
	  "OCTET STRING",
	  "Accepted; the MTABindResult names target.mta and carries "
	  "target.password (when set)",
	  bi_good_octets, 0 },
	{ "BI.02", "bind", "password as IA5String",
	  "X.411 12.1.1.1 (Password ::= CHOICE { IA5String, OCTET STRING })",
	  "The same bind with the password as an IA5String",
	  "Accepted like BI.01 (both password forms are valid)",
	  bi_good_ia5, 0 },
	{ "BI.03", "bind", "wrong password",
	  "X.411 12.1.1.3 (authentication-error); X.419 A.1 (bind error in "
	  "RTORJ)",
	  "MTABindArgument with us.mta and a wrong password",
	  "Refused: RTORJ with MTA-bind-error authentication-error (PRefuse "
	  "validation-failure in X.410-1984 mode)",
	  bi_wrong_password, XC_F_HEALTH },
	{ "BI.04", "bind", "unknown MTA name",
	  "X.411 12.1.1.3 (authentication-error)",
	  "MTABindArgument naming MTA \"x400conf-unknown-mta\"",
	  "Refused with MTA-bind-error authentication-error",
	  bi_unknown_mta, XC_F_HEALTH },
	{ "BI.05", "bind", "unauthenticated bind",
	  "X.411 12.1.1.1 (MTABindArgument unauthenticated NULL)",
	  "MTABindArgument unauthenticated",
	  "Accepted, or refused with authentication-error (the PICS says "
	  "which)",
	  bi_unauthenticated, XC_F_HEALTH },
	{ "BI.06", "bind", "wrong password in X.410-1984 mode",
	  "X.410 (1984) (PRefuse refuseReason validationFailure); "
	  "X.411 12.1.1.3",
	  "PConnect with a wrong password",
	  "PRefuse with validation-failure",
	  bi_x410_wrong_password, XC_F_HEALTH },
	{ "BI.07", "bind", "bare MTA-bind in X.410-1984 mode",
	  "X.410 (1984) (the MTABind argument and result in PConnect and "
	  "PAccept, no [16] or [17]); X.419 Annex B; docs/editions.md row 3",
	  "PConnect (applicationProtocol as target.x410_application_protocol) "
	  "proposing 16 KB checkpoints, holding our MTABindArgument bare",
	  "PAccept with the target's MTABindResult (bare or in [17]). A "
	  "target whose target.mode is normal may refuse (inconclusive)",
	  bi_x410_bare, 0 },
	{ "BI.08", "bind", "MTA-bind in [16] in X.410-1984 mode",
	  "X.419 A.1 (the RO-notation BIND: argument [16], result [17]); "
	  "docs/editions.md row 3 (both forms taken in either mode)",
	  "PConnect proposing 16 KB checkpoints, holding our MTABindArgument "
	  "wrapped in [16], as normal mode carries it",
	  "PAccept with the target's MTABindResult (every form taken); a "
	  "refusal is inconclusive (X.410 (1984) has no [16])",
	  bi_x410_wrapped, 0 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
