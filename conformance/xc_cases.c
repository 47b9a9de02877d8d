/*
 * xc_cases.c - what the test case files share
 *
 * Helpers of the case groups (xc_cases_*.c): the mode a case needs, the
 * pieces of test messages, sending a message and checking what the
 * target made of it. See xc_cases.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asnx.h"
#include "codec.h"
#include "p1_asn.h"
#include "p1_ext.h"
#include "p1_report.h"
#include "xalloc.h"
#include "xc.h"
#include "xc_build.h"
#include "xc_cases.h"
#include "xc_check.h"
#include "xc_inbox.h"
#include "xc_peer.h"

#include "ExtensionType.h"

/* xc_mode_name - the name of an RTSE mode, as the verdicts write it */
const char *xc_mode_name(enum rtse_mode m)
{
	return m == RTSE_X410 ? "X.410-1984" : "normal";
}

/* xc_mode_usable - the case needs this mode; inconclusive if the target
 *	showed it does not take it */
int xc_mode_usable(struct xc *x, enum rtse_mode mode)
{
	const char *v = xc_pics_get(x, mode == RTSE_X410 ? "mode.x410" :
				    "mode.normal");

	if (v && strncmp(v, "no", 2) == 0) {
		xc_inconc(x, "the target does not take %s mode (AS.0%d)",
			  xc_mode_name(mode), mode == RTSE_X410 ? 2 : 1);
		return 0;
	}
	return 1;
}

/* xc_x410_form - an association in X.410-1984 mode with
 *	applicationProtocol ap and the bind bare or in [16]
 *	(docs/editions.md rows 2 and 3) */
void xc_x410_form(struct xc *x, long ap, int bare, int required,
		  const char *key)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	struct xc_bindres br;
	enum xc_open rc;
	const char *old = xc_pics_get(x, key);
	char prev[200], what[80];

	snprintf(prev, sizeof(prev), "%s", old ? old : "");
	snprintf(what, sizeof(what), "applicationProtocol %ld, bind %s", ap,
		 bare ? "bare" : "in [16]");
	if (x->cfg.t_mode != RTSE_X410 && !xc_mode_usable(x, RTSE_X410))
		return;
	xc_peer_opts_init(x, &o);
	o.mode = RTSE_X410;
	o.app_protocol = ap;
	o.bind_bare = bare;
	/* checkpoints proposed, as MTAs do: what is tested is the form,
	 * not the RTSE defaults (AS.02, AS.04) */
	o.checkpoint = 16;
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection");
		xc_peer_free(p);
		return;
	}
	rc = xc_peer_bind(p);
	if (rc == XC_OPENED) {
		xc_pics(x, key, "%s%s%s: yes", prev, prev[0] ? "; " : "",
			strcmp(key, "x410.ap") == 0 ? (ap == 1 ? "1" : "12") :
			bare ? "bare" : "[16]");
		if (xc_bind_result(buf_ptr(&p->bind_data),
				   buf_avail(&p->bind_data), &br) == 0)
			xc_note(x, "open in X.410-1984 mode with %s; the "
				"target's bind result %s", what, br.bare ?
				"bare" : "in [17]");
		if (!xc_peer_release(p))
			xc_fail(x, "the association (%s) does not release: %s",
				what, p->why);
		xc_peer_free(p);
		return;
	}
	xc_pics(x, key, "%s%s%s: no", prev, prev[0] ? "; " : "",
		strcmp(key, "x410.ap") == 0 ? (ap == 1 ? "1" : "12") :
		bare ? "bare" : "[16]");
	if (required && x->cfg.t_mode == RTSE_X410)
		xc_fail(x, "an association in X.410-1984 mode with %s, the "
			"form X.410 (1984) defines, was not accepted: %s%s%s",
			what, xc_open_name(rc), p->why[0] ? ": " : "", p->why);
	else
		xc_inconc(x, "the target did not accept X.410-1984 mode with "
			  "%s (%s%s%s)%s", what, xc_open_name(rc),
			  p->why[0] ? ": " : "", p->why, required ?
			  ": target.mode is normal, so it need not" :
			  ": X.410 (1984) does not define it, a 1988 MTA's "
			  "X.410 mode may use it (docs/editions.md)");
	xc_peer_free(p);
}

/* ---- building -------------------------------------------------- */

/* xc_rcpt_fields - recipient i of a message */
PerRecipientMessageTransferFields_t *xc_rcpt_fields(MTS_APDU_t *a, int i)
{
	return a->choice.message.envelope.per_recipient_fields.list.array[i];
}

/* xc_ext_octets - a standard extension n holding an OCTET STRING */
void xc_ext_octets(void **list, long n, unsigned crit, const char *v)
{
	OCTET_STRING_t os;

	memset(&os, 0, sizeof(os));
	p1_str_set(&os, v);
	if (p1_ext_add(list, n, crit, &asn_DEF_OCTET_STRING, &os,
		       P1_EXTF_IMPLICIT) == NULL)
		panic("x400conf: extension does not encode");
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_OCTET_STRING, &os);
}

/* xc_ext_private - a private extension (type an OBJECT IDENTIFIER) */
void xc_ext_private(void **list, const char *oid, unsigned crit)
{
	ExtensionField_t *f;
	ExtensionType_t t;

	xc_ext_octets(list, 1, crit, "x400conf private extension");
	f = p1_ext_at(*list, p1_ext_count(*list) - 1);
	memset(&t, 0, sizeof(t));
	t.present = ExtensionType_PR_private_extension;
	if (asnx_oid_set(&t.choice.private_extension, oid) != 0 ||
	    p1_any_set(&f->type, &asn_DEF_ExtensionType, &t) != 0)
		panic("x400conf: private extension type");
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_ExtensionType, &t);
}

char *xc_repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = 0;
	return s;
}

/* ---- sending and watching ------------------------------------------ */

/* xc_relay - send a and check its relayed copy; the copy or NULL */
struct xc_msg *xc_relay(struct xc *x, MTS_APDU_t *a)
{
	struct xc_msg *m;
	char *id;
	int rc = xc_send(x, a);

	if (rc != XC_T_CONFIRMED) {
		if (rc == XC_T_REFUSED) {
			id = xc_apdu_id(a);
			xc_fail(x, "the target refused the transfer of %s", id);
			free(id);
		}
		return NULL;
	}
	if ((m = xc_expect_relay(x, a)) == NULL)
		return NULL;
	if (m->apdu == NULL) {
		xc_fail(x, "the relayed copy does not decode: %s", m->why);
		return NULL;
	}
	xc_check_same(x, a, m->apdu);
	xc_check_trace(x, a, m->apdu);
	return m;
}

/* xc_ndr - send a and check the non-delivery report on rcpt */
struct xc_msg *xc_ndr(struct xc *x, MTS_APDU_t *a,
		      const char *rcpt, long reason, long diag,
		      int strict)
{
	char *id = xc_apdu_id(a);
	struct xc_msg *r = NULL;
	int rc = xc_send(x, a);

	if (rc == XC_T_REFUSED)
		xc_fail(x, "the target refused the transfer of %s instead of "
			"taking it and reporting (X.411 14.3: the transfer is "
			"confirmed, then a non-delivery report)", id);
	if (rc == XC_T_CONFIRMED && (r = xc_expect_report(x, id)) != NULL) {
		if (r->apdu == NULL)
			xc_fail(x, "the report does not decode: %s", r->why);
		else
			xc_check_report(x, r->apdu, a, rcpt, 0, reason, diag,
					strict);
	}
	free(id);
	return r;
}

/* xc_report_on - a delivery report on a message of ours to rcpt, as an
 *	MTA of our domain that delivered it would send it */
MTS_APDU_t *xc_report_on(struct xc *x, const char *rcpt)
{
	const char *r1[1] = { rcpt };
	MTS_APDU_t *subject = xc_msg_new(x, r1, 1, NULL), *rep = NULL;
	GlobalDomainIdentifier_t *g = xc_gdi(x->cfg.u_domain);
	struct p1_here here = { g, x->cfg.u_mta };
	struct p1_report_params rp;
	struct p1_outcome oc;
	char *supp = xc_repeat('s', 256);	/* ub-supplementary-info */

	memset(&oc, 0, sizeof(oc));
	oc.index = 0;
	oc.delivered = 1;
	oc.arrival = oc.when = time(NULL);
	oc.type_of_user = -1;
	oc.diagnostic = -1;
	oc.supplementary = supp;
	memset(&rp, 0, sizeof(rp));
	rp.here = &here;
	rp.now = time(NULL);
	rp.seq = ++x->seq;
	/* the subject asks for delivery reports */
	p1_bit_set(&xc_rcpt_fields(subject, 0)->per_recipient_indicators, 3,
		   1);
	if (p1_report_build(subject, &oc, 1, &rp, &rep) != 1)
		panic("x400conf: cannot build a report");
	free(supp);
	xc_apdu_free(subject);
	codec_free(&asn_DEF_GlobalDomainIdentifier, g);
	return rep;
}

