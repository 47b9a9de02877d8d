/*
 * xc_build.c - what x400conf sends
 *
 * See xc_build.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asnx.h"
#include "codec.h"
#include "p1_asn.h"
#include "p1_id.h"
#include "p1_msg.h"
#include "p1_ext.h"
#include "p1_trace.h"
#include "xalloc.h"
#include "xc_build.h"
#include "xc_peer.h"

#include "MTABindArgumentRO.h"
#include "MTABindError.h"
#include "MTABindResultRO.h"

#define APDU_CAP	(80u << 20)

/* ---- the MTA-bind (X.411 12.1.1) ----------------------------------- */

/* password - Credentials simple: a Password in the form asked */
static void password(Credentials_t *cr, const struct xc_bind *b)
{
	cr->present = Credentials_PR_simple;
	if (b->ia5) {
		cr->choice.simple.present = Password_PR_ia5_string;
		asnx_octets(&cr->choice.simple.choice.ia5_string, b->pw,
			    b->pwlen);
	} else {
		cr->choice.simple.present = Password_PR_octet_string;
		asnx_octets(&cr->choice.simple.choice.octet_string, b->pw,
			    b->pwlen);
	}
}

void xc_bind_arg(const struct xc_bind *b, struct buf *out)
{
	MTABindArgumentRO_t *g = XNEW(MTABindArgumentRO_t);
	unsigned char *der = NULL;
	size_t n;

	if (b->authenticated) {
		g->present = MTABindArgument_PR_authenticated;
		asnx_octets(&g->choice.authenticated.initiator_name, b->name,
			    strlen(b->name));
		password(&g->choice.authenticated.initiator_credentials, b);
	} else {
		g->present = MTABindArgument_PR_unauthenticated;
	}
	/* no constraint check: the upper-bound cases send names and
	 * passwords over the bounds on purpose */
	{
		asn_enc_rval_t er = der_encode(&asn_DEF_MTABindArgumentRO, g,
					       NULL, NULL);

		if (er.encoded < 0)
			panic("x400conf: MTA-bind argument does not encode");
		der = xmalloc((size_t)er.encoded);
		n = (size_t)er.encoded;
		er = der_encode_to_buffer(&asn_DEF_MTABindArgumentRO, g, der,
					  n);
		if (er.encoded != (ssize_t)n)
			panic("x400conf: MTA-bind argument does not encode");
	}
	buf_add(out, der, n);
	free(der);
	codec_free(&asn_DEF_MTABindArgumentRO, g);
}

int xc_bind_result(const void *p, size_t n, struct xc_bindres *r)
{
	MTABindResultRO_t *v = NULL;
	const OCTET_STRING_t *pw;
	const Credentials_t *cr;

	memset(r, 0, sizeof(*r));
	/* [17] around it, or bare (X.410-1984 mode, docs/editions.md row 3):
	 * the two types share their C structure */
	if (codec_decode(n > 0 && *(const unsigned char *)p == 0xb1 ?
			 &asn_DEF_MTABindResultRO : &asn_DEF_MTABindResult,
			 p, n, 65536, (void **)&v, NULL) != 0)
		return -1;
	r->bare = *(const unsigned char *)p != 0xb1;
	if (v->present == MTABindResult_PR_authenticated) {
		r->authenticated = 1;
		snprintf(r->name, sizeof(r->name), "%.*s",
			 (int)v->choice.authenticated.responder_name.size,
			 (const char *)v->choice.authenticated.responder_name.
			 buf);
		cr = &v->choice.authenticated.responder_credentials;
		if (cr->present == Credentials_PR_simple) {
			pw = cr->choice.simple.present ==
			    Password_PR_ia5_string ?
			    &cr->choice.simple.choice.ia5_string :
			    &cr->choice.simple.choice.octet_string;
			r->pwlen = (size_t)pw->size < sizeof(r->pw) ?
			    (size_t)pw->size : sizeof(r->pw);
			memcpy(r->pw, pw->buf, r->pwlen);
		}
	}
	codec_free(&asn_DEF_MTABindResultRO, v);
	return 0;
}

long xc_bind_error(const void *p, size_t n)
{
	const unsigned char *d = p;
	void *v = NULL;
	long e = -1;

	if (n > 2 && d[0] == 0xb2) {	/* in a [18] */
		d += 2;
		n -= 2;
	}
	if (codec_decode(&asn_DEF_MTABindError, d, n, 1024, &v, NULL) == 0) {
		e = *(long *)v;
		codec_free(&asn_DEF_MTABindError, v);
	}
	return e;
}

const char *xc_bind_error_name(long e)
{
	switch (e) {
	case 0: return "busy";
	case 2: return "authentication-error";
	case 3: return "unacceptable-dialogue-mode";
	case 4: return "unacceptable-security-context";
	case 5: return "inadequate-association-confidentiality";
	case -1: return "none";
	}
	return "unknown";
}

/* ---- test objects -------------------------------------------------- */

char *xc_rcpt(struct xc *x, unsigned i)
{
	char *s = xmalloc(XC_STR + 64);

	snprintf(s, XC_STR + 64, "%s;S=%s;G=r%u", x->cfg.u_recipients,
		 x->cur ? x->cur->id : "none", i);
	return s;
}

const char *xc_originator(struct xc *x)
{
	static char s[XC_STR + 32];

	if (x->cfg.u_originator[0])
		return x->cfg.u_originator;
	snprintf(s, sizeof(s), "%s;S=originator", x->cfg.u_recipients);
	return s;
}

MTS_APDU_t *xc_apdu_decode(const void *p, size_t n)
{
	MTS_APDU_t *a = NULL;

	if (codec_decode(&asn_DEF_MTS_APDU, p, n, APDU_CAP, (void **)&a,
			 NULL) != 0)
		return NULL;
	return a;
}

void xc_apdu_free(MTS_APDU_t *a)
{
	codec_free(&asn_DEF_MTS_APDU, a);
}

unsigned char *xc_encode(const MTS_APDU_t *a, size_t *len)
{
	asn_enc_rval_t er;
	unsigned char *der;

	/* DER without the constraint check: some cases send values over
	 * the upper bounds on purpose */
	er = der_encode(&asn_DEF_MTS_APDU, (void *)a, NULL, NULL);
	if (er.encoded < 0)
		panic("x400conf: a test APDU does not encode (%s)",
		      er.failed_type ? er.failed_type->name : "?");
	der = xmalloc((size_t)er.encoded + 1);
	er = der_encode_to_buffer(&asn_DEF_MTS_APDU, (void *)a, der,
				  (size_t)er.encoded + 1);
	if (er.encoded < 0)
		panic("x400conf: a test APDU does not encode");
	*len = (size_t)er.encoded;
	return der;
}

/* xc_edition - every extension type of a in the form of the target's
 *	edition (target.edition; docs/editions.md row 1) */
void xc_edition(const struct xc *x, MTS_APDU_t *a)
{
	p1_ext_set_form(a, P1_EDITION_FORM((enum p1_edition)x->cfg.t_edition));
}

unsigned char *xc_encode_for(const struct xc *x, MTS_APDU_t *a, size_t *len)
{
	xc_edition(x, a);
	return xc_encode(a, len);
}

MTS_APDU_t *xc_msg_new(struct xc *x, const char *const *rcpts, size_t n,
		       const struct xc_msgopt *o)
{
	struct p1_msg_spec s;
	unsigned char *der = NULL;
	size_t len;
	char why[300], subj[80];
	MTS_APDU_t *a;

	memset(&s, 0, sizeof(s));
	s.gdi = x->cfg.u_domain;
	s.mta = x->cfg.u_mta;
	s.seq = ++x->seq;
	s.now = time(NULL);
	s.originator = o && o->originator ? o->originator : xc_originator(x);
	s.recipients = rcpts;
	s.nrecipients = n;
	s.report = o && o->report_set ? o->report : P1_REP_NDR;
	s.probe = o ? o->probe : 0;
	snprintf(subj, sizeof(subj), "x400conf %s", x->cur ? x->cur->id :
		 "test");
	s.subject = subj;
	s.body = "A test message from x400conf, the P1 conformance suite.\n";
	s.pad_to = o ? o->pad : 0;
	if (p1_msg_build(&s, &der, &len, why, sizeof(why)) != 0)
		panic("x400conf: cannot build a test message: %s", why);
	a = xc_apdu_decode(der, len);
	free(der);
	if (a == NULL)
		panic("x400conf: a test message does not decode");
	return a;
}

MTS_APDU_t *xc_msg_to(struct xc *x, size_t n, const struct xc_msgopt *o)
{
	char **r = xcalloc(n, sizeof(*r));
	MTS_APDU_t *a;
	size_t i;

	for (i = 0; i < n; i++)
		r[i] = xc_rcpt(x, (unsigned)i + 1);
	a = xc_msg_new(x, (const char *const *)r, n, o);
	for (i = 0; i < n; i++)
		free(r[i]);
	free(r);
	return a;
}

char *xc_apdu_id(const MTS_APDU_t *a)
{
	const MTSIdentifier_t *id = p1_env_id(a);

	return id ? p1_mtsid_format(id) : xstrdup("?");
}

GlobalDomainIdentifier_t *xc_gdi(const char *s)
{
	GlobalDomainIdentifier_t *g = NULL;
	struct p1_err pe;

	if (p1_gdi_parse(s, &g, &pe) != 0)
		panic("x400conf: domain \"%s\": %s", s, pe.msg);
	return g;
}

void xc_trace_add(MTS_APDU_t *a, const char *gdi, long action, time_t t)
{
	GlobalDomainIdentifier_t *g = xc_gdi(gdi);

	if (p1_trace_add(p1_env_trace(a), g, t, action, NULL) != 0)
		panic("x400conf: trace full");
	codec_free(&asn_DEF_GlobalDomainIdentifier, g);
}

/* ---- sending ------------------------------------------------------- */

int xc_transfer(struct xc *x, const void *der, size_t len,
		const struct xc_peer_opts *opts, int quiet)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	enum xc_open op;
	int rc;

	if (opts) {
		o = *opts;
	} else {
		xc_peer_opts_init(x, &o);
		o.checkpoint = len > 65536 ? 16 : 0;
	}
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "cannot connect to the target at %s:%u",
			x->cfg.t_host, x->cfg.t_port);
		xc_peer_free(p);
		return XC_T_NOBIND;
	}
	op = xc_peer_bind(p);
	if (op != XC_OPENED) {
		xc_fail(x, "the target did not accept our MTA-bind: %s%s%s%s",
			xc_open_name(op), p->why[0] ? " (" : "", p->why,
			p->why[0] ? ")" : "");
		if (p->bind_error >= 0)
			xc_note(x, "bind error %s", xc_bind_error_name(
				p->bind_error));
		xc_peer_free(p);
		return XC_T_NOBIND;
	}
	xc_note(x, "bound: checkpoint %zu KB, window %u, %s mode",
		p->osi.rtse.ckpt / 1024, p->osi.rtse.window,
		o.mode == RTSE_X410 ? "X.410-1984" : "normal");
	rc = xc_peer_transfer(p, der, len, x->cfg.relay_ms);
	snprintf(x->why, sizeof(x->why), "%s", p->why);
	if (rc == 1) {
		xc_note(x, "the target confirmed the transfer (%zu octets)",
			len);
		rc = XC_T_CONFIRMED;
	} else if (rc == 0) {
		xc_note(x, "the target refused the transfer (exception "
			"report or discard)");
		rc = XC_T_REFUSED;
	} else {
		if (quiet)
			xc_note(x, "%s during the transfer of %zu octets%s%s",
				rc == -2 ? "no confirmation in time" :
				"the association ended", len, p->why[0] ?
				": " : "", p->why);
		else
			xc_fail(x, "%s during the transfer of %zu octets%s%s",
				rc == -2 ? "no confirmation in time" :
				"the association ended", len, p->why[0] ?
				": " : "", p->why);
		xc_peer_free(p);
		return rc == -2 ? XC_T_TIMEOUT : XC_T_ENDED;
	}
	if (!xc_peer_release(p))
		xc_note(x, "the release did not complete: %s", p->why);
	xc_peer_free(p);
	return rc;
}

int xc_send_opts(struct xc *x, MTS_APDU_t *a,
		 const struct xc_peer_opts *o, int quiet)
{
	size_t len;
	unsigned char *der = xc_encode_for(x, a, &len);
	char *id = xc_apdu_id(a);
	int rc;

	xc_note(x, "sending %s %s (%zu octets)", p1_env_kind_name(a), id,
		len);
	rc = xc_transfer(x, der, len, o, quiet);
	free(der);
	free(id);
	return rc;
}

int xc_send(struct xc *x, MTS_APDU_t *a)
{
	return xc_send_opts(x, a, NULL, 0);
}
