/*
 * xc_cases_ts.c - test cases of the group transport and session (TS)
 *
 * Each case's table entry names the clauses it rests on, what it sends
 * and what it expects (docs/conformance.md is made from these tables).
 * RFC 1006 and X.224 class 0 for the transport connection; X.225 for the
 * session.
 */

#include <stdio.h>
#include <string.h>

#include "cotp.h"
#include "xc.h"
#include "xc_cases.h"
#include "xc_peer.h"

/* connect - a raw peer; NULL (case failed) if TCP fails */
static struct xc_peer *connect_raw(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;

	xc_peer_opts_init(x, &o);
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection to %s:%u (target.address)",
			x->cfg.t_host, x->cfg.t_port);
		xc_peer_free(p);
		return NULL;
	}
	return p;
}

/* ---- TS: transport and session ------------------------------------- */

/* cr_cc - send a CR proposing max_tpdu; 1 with the CC's indication,
 *	0 (case failed) otherwise */
static int cr_cc(struct xc *x, struct xc_peer *p, struct cotp *c,
		 size_t max_tpdu, struct cotp_ind *ind)
{
	struct buf out = BUF_INIT, t = BUF_INIT;
	struct cotp_addr called;
	int rc, ok = 0;

	cotp_init(c, COTP_INITIATOR, 0);
	c->max_tpdu = max_tpdu;
	called.len = x->cfg.t_tsel.len;
	memcpy(called.sel, x->cfg.t_tsel.v, called.len);
	cotp_connect_req(c, NULL, called.len ? &called : NULL, &out);
	xc_peer_write(p, buf_ptr(&out), buf_avail(&out));
	buf_reset(&out);
	rc = xc_peer_tpdu(p, x->cfg.answer_ms, &t);
	memset(ind, 0, sizeof(*ind));
	if (rc != 1) {
		xc_fail(x, "no answer to our CR: %s", rc == 0 ? "nothing in "
			"time" : rc == -1 ? "the connection closed" :
			"the answer is not a TPKT (RFC 1006 6)");
	} else if ((rc = cotp_input(c, buf_ptr(&t), buf_avail(&t), ind,
				    &out)) != 0) {
		xc_fail(x, "the answer to our CR is not a valid CC: %s",
			ind->why);
	} else if (ind->type == COTP_DISCONNECT_IND) {
		xc_fail(x, "the target refused our CR with DR reason 0x%02x "
			"(is target.tsel right?)", ind->reason);
	} else if (ind->type != COTP_CONNECT_CONF) {
		xc_fail(x, "the answer to our CR is no CC");
	} else {
		ok = 1;
	}
	buf_free(&out);
	buf_free(&t);
	return ok;
}

static void ts_connect(struct xc *x)
{
	struct xc_peer *p = connect_raw(x);
	struct cotp c;
	struct cotp_ind ind;
	struct buf out = BUF_INIT;

	if (p == NULL)
		return;
	if (cr_cc(x, p, &c, 2048, &ind)) {
		xc_note(x, "CC: TPDU size %zu", ind.tpdu_size);
		if (ind.tpdu_size > 2048)
			xc_fail(x, "the CC raises the TPDU size to %zu (X.224 "
				"13.3.4 b: the responder may only lower it)",
				ind.tpdu_size);
		if (ind.called.len && (ind.called.len != x->cfg.t_tsel.len ||
		    memcmp(ind.called.sel, x->cfg.t_tsel.v, ind.called.len)))
			xc_fail(x, "the CC names another called TSAP selector "
				"than our CR (X.224 13.4.4)");
		xc_pics(x, "transport.tpdu", "2048 -> %zu", ind.tpdu_size);
		cotp_disconnect(&c, &out);
		xc_peer_write(p, buf_ptr(&out), buf_avail(&out));
	}
	cotp_free(&c);
	buf_free(&out);
	xc_peer_free(p);
}

static void ts_tpdu128(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	size_t size;
	const char *prev = xc_pics_get(x, "transport.tpdu");
	char old[200];

	snprintf(old, sizeof(old), "%s", prev ? prev : "");
	xc_peer_opts_init(x, &o);
	o.max_tpdu = 128;
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	size = p->osi.tp.cotp.tpdu_size;
	xc_note(x, "negotiated TPDU size %zu; the target sent %u TPDUs, the "
		"largest of %zu octets", size, p->ntpdu_in, p->max_tpdu_in);
	if (size > 128)
		xc_fail(x, "asked for 128-octet TPDUs, the target chose %zu",
			size);
	else if (p->max_tpdu_in > size)
		xc_fail(x, "the target sent a TPDU of %zu octets over the "
			"negotiated %zu (X.224 13.7: DT TPDUs segment TSDUs "
			"to the agreed size)", p->max_tpdu_in, size);
	xc_pics(x, "transport.tpdu", "%s%s128 -> %zu", old, old[0] ? ", " :
		"", size);
	xc_peer_release(p);
	xc_peer_free(p);
}

/* refused_or_not - the shared verdict of the selector cases */
static void selector_verdict(struct xc *x, struct xc_peer *p,
			     enum xc_open rc, const char *pics,
			     const char *what)
{
	switch (rc) {
	case XC_REFUSED:
	case XC_ABORTED:
	case XC_CLOSED:
		xc_note(x, "refused (%s): %s", xc_open_name(rc), p->why);
		xc_pics(x, pics, "refused (%s)", p->why[0] ? p->why :
			xc_open_name(rc));
		break;
	case XC_OPENED:
		xc_inconc(x, "the target accepted an association called at %s: "
			  "it does not check that selector", what);
		xc_pics(x, pics, "accepted (not checked)");
		xc_peer_release(p);
		break;
	default:
		xc_fail(x, "no answer to an association called at %s (%s)",
			what, xc_open_name(rc));
	}
}

/* bad_selector - call with options o (one selector wrong), bind, and
 *	judge the answer (selector_verdict) */
static void bad_selector(struct xc *x, const struct xc_peer_opts *o,
			 const char *pics, const char *what)
{
	struct xc_peer *p = xc_peer_new(x, o);

	if (!p->connected)
		xc_fail(x, "no TCP connection");
	else
		selector_verdict(x, p, xc_peer_bind(p), pics, what);
	xc_peer_free(p);
}

static void ts_bad_tsel(struct xc *x)
{
	struct xc_peer_opts o;

	xc_peer_opts_init(x, &o);
	memcpy(o.called_tsel.sel, "x400conf-no-such-tsel", 21);
	o.called_tsel.len = 21;
	bad_selector(x, &o, "transport.tsel",
		     "TSAP selector \"x400conf-no-such-tsel\"");
}

static void ts_bad_ssel(struct xc *x)
{
	struct xc_peer_opts o;

	xc_peer_opts_init(x, &o);
	memcpy(o.called_ssel.v, "x400conf-bad", 12);
	o.called_ssel.len = 12;
	bad_selector(x, &o, "session.ssel",
		     "session selector \"x400conf-bad\"");
}

static void ts_version1(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	enum xc_open rc;

	xc_peer_opts_init(x, &o);
	o.ses_versions = 1;
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection");
		xc_peer_free(p);
		return;
	}
	rc = xc_peer_bind(p);
	if (rc == XC_OPENED) {
		if (p->osi.rtse.ses.version != 1)
			xc_fail(x, "offered only session version 1, the "
				"target accepted version %u (X.225 8.3.2.3)",
				p->osi.rtse.ses.version);
		else
			xc_pics(x, "session.versions", "1 and 2");
		xc_peer_release(p);
	} else if (rc == XC_REFUSED && p->refuse_reason == SES_RF_VERSION) {
		xc_note(x, "refused with RF reason 132, version not "
			"supported");
		xc_pics(x, "session.versions", "2 only");
	} else {
		xc_fail(x, "a CN offering only session version 1 got %s%s%s, "
			"neither an AC with version 1 nor an RF with reason "
			"132 (X.225 8.3.1.10, 8.3.4)", xc_open_name(rc),
			p->why[0] ? ": " : "", p->why);
	}
	xc_peer_free(p);
}

static void ts_bad_tpkt(struct xc *x)
{
	static const unsigned char bad[] = {
		0x04, 0x00, 0x00, 0x0b,		/* version 4 */
		0x06, 0xe0, 0x00, 0x00, 0x00, 0x01, 0x00
	};
	struct xc_peer *p = connect_raw(x);

	if (p == NULL)
		return;
	xc_peer_write(p, bad, sizeof(bad));
	xc_expect_abort(p, "a TPKT of version 4");
	xc_peer_free(p);
}

const struct xc_case xc_cases_ts[] = {
	{ "TS.01", "transport", "transport connection (CR, CC)",
	  "RFC 1006 6; X.224 13.3 (CR), 13.4 (CC), 13.3.4 (TPDU size)",
	  "A TCP connection, then a CR with the target's TSAP selector "
	  "proposing 2048-octet TPDUs, then a DR",
	  "A class 0 CC answering our reference, with a TPDU size of at "
	  "most 2048 octets, echoing our selectors if it carries them",
	  ts_connect, 0 },
	{ "TS.02", "transport", "TPDU size 128 and segmentation",
	  "X.224 13.3.4 b (TPDU size), 13.4.4, 13.7 (DT segmentation)",
	  "A CR proposing 128-octet TPDUs, then a whole association with "
	  "MTA-bind",
	  "A CC with a TPDU size of 128, and every TPDU of the target "
	  "within it (its AC segmented into several DT TPDUs)",
	  ts_tpdu128, 0 },
	{ "TS.03", "transport", "unknown called TSAP selector",
	  "X.224 13.3.4 (called TSAP-ID), 13.5 (DR reason 3)",
	  "A CR for TSAP selector \"x400conf-no-such-tsel\", then the "
	  "association and bind",
	  "A DR (address unknown), or a refusal of the association or the "
	  "bind; accepting is inconclusive (the target does not check)",
	  ts_bad_tsel, XC_F_HEALTH },
	{ "TS.04", "transport", "session version 1 only",
	  "X.225 8.3.1.10 (Version Number), 8.3.4 (RF reason 132)",
	  "A CN whose Version Number offers only version 1",
	  "An AC selecting version 1 (and a working association), or an RF "
	  "with reason 132",
	  ts_version1, XC_F_HEALTH },
	{ "TS.05", "transport", "unknown called session selector",
	  "X.225 8.3.1.6 (called session selector), 8.3.4 (RF reason "
	  "129)",
	  "A CN for session selector \"x400conf-bad\"",
	  "An RF (reason 129, SSAP unknown), or a refusal at the bind; "
	  "accepting is inconclusive",
	  ts_bad_ssel, XC_F_HEALTH },
	{ "TS.06", "transport", "refusal of a bad TPKT",
	  "RFC 1006 6 (version 3)",
	  "A TPKT whose version octet is 4, carrying a CR",
	  "The target closes the connection (after an ER or DR at most), "
	  "and still serves",
	  ts_bad_tpkt, XC_F_HEALTH },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
