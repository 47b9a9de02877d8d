/*
 * xc_cases_ub.c - test cases of the group upper bounds (UB)
 *
 * Every case sends as an MTA of us.domain and watches what the target
 * does with it: relays it back to x400conf (its route for us.domain),
 * reports on it, or refuses it (the helpers: xc_cases.h).
 * X.411 Figure 2 gives the upper bounds.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "p1_asn.h"
#include "p1_env.h"
#include "p1_id.h"
#include "xalloc.h"
#include "xc.h"
#include "xc_build.h"
#include "xc_cases.h"
#include "xc_check.h"
#include "xc_inbox.h"
#include "xc_peer.h"


/* ---- UB: upper bounds ------------------------------------------------ */

/* bounded_name - an O/R address in us.domain with every attribute at its
 *	upper bound (X.411 Figure 2; X.402 18.3) */
static char *bounded_name(struct xc *x, const char *tag)
{
	GlobalDomainIdentifier_t *g = xc_gdi(x->cfg.u_domain);
	char *gd = p1_gdi_format(g), *s = xmalloc(2048);
	char *o = xc_repeat('o', 64), *ou = xc_repeat('u', 31),
	     *sn = xc_repeat('s', 34),
	     *dv = xc_repeat('v', 128), *cn = xc_repeat('n', 64);

	/* common-name is a 1988 extension attribute: an X.410-1984 link
	 * could carry it only as a DDA, and the four are taken */
	snprintf(s, 2048, "%s;O=%s;OU1=%s1;OU2=%s2;OU3=%s3;OU4=%s4;"
		 "S=%s-%s;G=gggggggggggggggg;I=IIIII;Q=QQQ;%s%s%s"
		 "DDA:typeone=%s;DDA:typetwo=%s;DDA:typethre=%s;"
		 "DDA:typefour=%s", gd, o, ou, ou, ou, ou, tag, sn,
		 x->cfg.t_mode == RTSE_X410 ? "" : "CN=",
		 x->cfg.t_mode == RTSE_X410 ? "" : cn,
		 x->cfg.t_mode == RTSE_X410 ? "" : ";", dv, dv, dv, dv);
	codec_free(&asn_DEF_GlobalDomainIdentifier, g);
	free(gd);
	free(o);
	free(ou);
	free(sn);
	free(dv);
	free(cn);
	return s;
}

static void ub_names(struct xc *x)
{
	char tag[8];
	char *r, *orig;
	const char *r1[1];
	struct xc_msgopt o = { 0, P1_REP_NDR, 0, 0, NULL };
	MTS_APDU_t *a;

	snprintf(tag, sizeof(tag), "%.5s", x->cur->id);
	r = bounded_name(x, tag);
	orig = bounded_name(x, "orig");
	r1[0] = r;
	o.originator = orig;
	a = xc_msg_new(x, r1, 1, &o);
	if (xc_relay(x, a) && xc_ok(x))
		xc_pics(x, "ub", "O/R names at their bounds relayed");
	xc_apdu_free(a);
	free(r);
	free(orig);
}

static void ub_identifiers(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	MessageTransferEnvelope_t *e = &a->choice.message.envelope;
	char local[40];

	/* ub-local-id-length 32, ub-content-id-length 16, recipient number
	 * ub-recipients 32767 */
	snprintf(local, sizeof(local), "x400conf-UB02-%018llu",
		 (unsigned long long)(time(NULL) * 1000 + x->seq));
	local[32] = 0;
	p1_str_set(&e->message_identifier.local_identifier, local);
	e->content_identifier = p1_str_new("0123456789ABCDEF");
	xc_rcpt_fields(a, 0)->originally_specified_recipient_number = 32767;
	xc_relay(x, a);
	xc_apdu_free(a);
}

/* long_trace - n trace elements: ours first, then other domains */
static void long_trace(MTS_APDU_t *a, int n)
{
	char d[64];
	int i;

	for (i = p1_env_trace(a)->list.count; i < n; i++) {
		snprintf(d, sizeof(d), "C=XX;A=ADMD;P=HOP%d", i);
		xc_trace_add(a, d, 0, time(NULL) - 120);
	}
}

static void ub_trace(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);

	long_trace(a, 511);	/* ub-transfers - 1 */
	xc_relay(x, a);
	xc_apdu_free(a);
}

static void ub_trace_full(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	char *id = xc_apdu_id(a), *r = xc_rcpt(x, 1);
	struct xc_msg *m;
	int rc;

	long_trace(a, 512);	/* ub-transfers: no room for the target's */
	rc = xc_send_opts(x, a, NULL, 1);
	if (rc == XC_T_REFUSED || rc == XC_T_ENDED) {
		xc_note(x, "the target refused the transfer");
	} else if (rc == XC_T_CONFIRMED) {
		m = xc_inbox_wait(x, -1, id, x->cfg.relay_ms);
		if (m && m->kind == P1_MESSAGE)
			xc_fail(x, "the target relayed a message whose trace "
				"was already at ub-transfers (512): %d "
				"elements came back", m->apdu ?
				p1_env_trace_c(m->apdu)->list.count : -1);
		else if (m && m->apdu)
			xc_check_report(x, m->apdu, a, r, 0, -1, -1, 0);
		else
			xc_fail(x, "neither a relay nor a non-delivery report "
				"came for a message with a full trace");
	} else if (rc == XC_T_TIMEOUT) {
		xc_fail(x, "no answer to a transfer with a full trace");
	}
	free(r);
	free(id);
	xc_apdu_free(a);
}

static void ub_over(struct xc *x)
{
	MTS_APDU_t *a = xc_msg_to(x, 1, NULL);
	ORName_t *n = &xc_rcpt_fields(a, 0)->recipient_name;
	char *s41 = xc_repeat('z', 41);
	int rc;

	/* surname of 41 characters: over ub-surname-length */
	if (n->built_in_standard_attributes.personal_name == NULL)
		panic("x400conf: test recipient without a surname");
	p1_str_set(&n->built_in_standard_attributes.personal_name->surname,
		   s41);
	rc = xc_send_opts(x, a, NULL, 1);
	if (rc == XC_T_TIMEOUT)
		xc_fail(x, "no answer to a transfer with a surname over "
			"ub-surname-length");
	else
		xc_note(x, "a surname of 41 characters: %s", rc ==
			XC_T_CONFIRMED ? "taken" : rc == XC_T_REFUSED ?
			"transfer refused" : "association ended");
	free(s41);
	xc_apdu_free(a);
}

static void ub_bind(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	struct xc_bind b;
	struct buf arg = BUF_INIT;
	char *name = xc_repeat('m', 33), *pw = xc_repeat('p', 63);
	enum xc_open rc;

	xc_peer_opts_init(x, &o);
	p = xc_peer_new(x, &o);
	if (p->connected) {
		memset(&b, 0, sizeof(b));
		b.authenticated = 1;
		b.name = name;
		b.pw = pw;
		b.pwlen = 63;
		xc_bind_arg(&b, &arg);
		rc = xc_peer_open(p, buf_ptr(&arg), buf_avail(&arg));
		if (rc == XC_OPENED)
			xc_fail(x, "the target accepted a bind from a 33-"
				"character MTA name with a 63-octet password");
		else if (rc == XC_TIMEOUT)
			xc_fail(x, "no answer to a bind over ub-mta-name-length "
				"and ub-password-length");
		else
			xc_note(x, "refused: %s", p->why);
	} else {
		xc_fail(x, "no TCP connection");
	}
	buf_free(&arg);
	free(name);
	free(pw);
	xc_peer_free(p);
}

const struct xc_case xc_cases_ub[] = {
	{ "UB.01", "bounds", "O/R names at their upper bounds",
	  "X.411 Figure 2 (ub-organization-name-length 64, "
	  "ub-organizational-unit-name-length 32, ub-organizational-units "
	  "4, ub-surname-length 40, ub-given-name-length 16, "
	  "ub-initials-length 5, ub-generation-qualifier-length 3, "
	  "ub-common-name-length 64, ub-domain-defined-attributes 4, "
	  "ub-domain-defined-attribute-type-length 8, -value-length 128); "
	  "X.402 18.3",
	  "A message whose originator and recipient have every one of "
	  "those attributes at its bound",
	  "Relayed with both names unchanged",
	  ub_names, XC_F_SLOW },
	{ "UB.02", "bounds", "identifiers at their upper bounds",
	  "X.411 Figure 2 (ub-local-id-length 32, ub-content-id-length 16, "
	  "ub-recipients 32767)",
	  "A message whose MTS identifier has a 32-character local part, "
	  "with a 16-character content identifier and recipient number "
	  "32767",
	  "Relayed with all three unchanged",
	  ub_identifiers, XC_F_SLOW },
	{ "UB.03", "bounds", "trace of ub-transfers - 1 elements",
	  "X.411 Figure 2 (ub-transfers 512), 12.2.1.1.1 (trace-information)",
	  "A message whose trace holds 511 elements",
	  "Relayed with 512 elements, the last the target's",
	  ub_trace, XC_F_SLOW },
	{ "UB.04", "bounds", "trace already at ub-transfers",
	  "X.411 Figure 2 (ub-transfers), 14.3",
	  "A message whose trace holds 512 elements",
	  "Not relayed (the target cannot add its element): a non-delivery "
	  "report, or the transfer refused",
	  ub_trace_full, XC_F_SLOW | XC_F_HEALTH },
	{ "UB.05", "bounds", "a value over its upper bound",
	  "X.411 Figure 2 (ub-surname-length 40)",
	  "A message whose recipient's surname has 41 characters",
	  "Any clean outcome (taken, refused, non-delivery, abort); the "
	  "target still serves",
	  ub_over, XC_F_SLOW | XC_F_HEALTH },
	{ "UB.06", "bounds", "MTA-bind over its upper bounds",
	  "X.411 Figure 2 (ub-mta-name-length 32, ub-password-length 62)",
	  "An MTA-bind with a 33-character MTA name and a 63-octet password",
	  "Refused (or aborted); the target still serves",
	  ub_bind, XC_F_HEALTH },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
