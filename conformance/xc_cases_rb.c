/*
 * xc_cases_rb.c - robustness (RB): malformed PDUs at each layer
 *
 * What a conforming MTA never sends, layer by layer: bad TPKT headers
 * (RFC 1006 6), unknown or malformed TPDUs (X.224 13.2, 13.12), unknown
 * or misplaced SPDUs (X.225 8.2, 8.3, Annex A), PPDUs, ACSE and RTSE
 * APDUs that do not decode (X.226 6.4, X.227 7.3, X.228 9.6), a
 * bind argument and an MTS-APDU that do not decode (X.411 12), a
 * connection cut in the middle of a transfer, and the same association
 * sent one octet per TCP segment. The target must refuse or abort (an
 * ER, DR, RF or AB, or just closing the connection) within the answer
 * timeout, and every case is followed by a health check: a new
 * association and bind must still work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acse.h"
#include "cotp.h"
#include "pres.h"
#include "ses.h"
#include "xalloc.h"
#include "xc.h"
#include "xc_build.h"
#include "xc_check.h"
#include "xc_inbox.h"
#include "xc_peer.h"

#define QUIET_MS	2000

/* raw - a connected raw peer, or NULL (the case failed) */
static struct xc_peer *raw(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;

	xc_peer_opts_init(x, &o);
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection to the target");
		xc_peer_free(p);
		return NULL;
	}
	return p;
}

/* send_bytes - a case that writes octets on a fresh connection and
 *	expects the target to refuse or close */
static void send_bytes(struct xc *x, const void *b, size_t n,
		       const char *what)
{
	struct xc_peer *p = raw(x);

	if (p == NULL)
		return;
	xc_peer_write(p, b, n);
	xc_expect_abort(p, what);
	xc_peer_free(p);
}

/* transport_up - CR, CC by hand; c is then OPEN for cotp_data_req */
static int transport_up(struct xc *x, struct xc_peer *p, struct cotp *c)
{
	struct buf out = BUF_INIT, t = BUF_INIT;
	struct cotp_addr called;
	struct cotp_ind ind;
	int rc, ok = 0;

	cotp_init(c, COTP_INITIATOR, 0);
	called.len = x->cfg.t_tsel.len;
	memcpy(called.sel, x->cfg.t_tsel.v, called.len);
	cotp_connect_req(c, NULL, called.len ? &called : NULL, &out);
	xc_peer_write(p, buf_ptr(&out), buf_avail(&out));
	buf_reset(&out);
	if (xc_peer_tpdu(p, x->cfg.answer_ms, &t) == 1 &&
	    (rc = cotp_input(c, buf_ptr(&t), buf_avail(&t), &ind, &out)) == 0
	    && ind.type == COTP_CONNECT_CONF)
		ok = 1;
	else
		xc_fail(x, "no CC for our CR: the session-level case cannot "
			"run");
	buf_free(&out);
	buf_free(&t);
	return ok;
}

/* send_tsdu - a case that opens the transport connection and sends one
 *	TSDU the target must refuse */
static void send_tsdu(struct xc *x, const void *tsdu, size_t n,
		      const char *what)
{
	struct xc_peer *p = raw(x);
	struct cotp c;
	struct buf out = BUF_INIT;

	if (p == NULL)
		return;
	if (transport_up(x, p, &c)) {
		cotp_data_req(&c, tsdu, n, &out);
		xc_peer_write(p, buf_ptr(&out), buf_avail(&out));
		xc_expect_abort(p, what);
	}
	cotp_free(&c);
	buf_free(&out);
	xc_peer_free(p);
}

/* ---- TPKT and X.224 -------------------------------------------------- */

static void rb_tpkt_short(struct xc *x)
{
	static const unsigned char b[] = { 0x03, 0x00, 0x00, 0x05, 0x02 };

	send_bytes(x, b, sizeof(b), "a TPKT of length 5");
}

static void rb_tpkt_cut(struct xc *x)
{
	static const unsigned char b[] = {
		0x03, 0x00, 0x03, 0xe8,		/* 1000 octets announced */
		0x06, 0xe0, 0x00, 0x00, 0x00, 0x01, 0x00
	};
	struct xc_peer *p = raw(x);

	if (p == NULL)
		return;
	xc_peer_write(p, b, sizeof(b));
	conn_close(p->c);		/* our FIN, 989 octets short */
	if (!xc_peer_wait_end(p, x->cfg.answer_ms) || !p->closed)
		xc_fail(x, "after a TPKT cut short by our FIN the target did "
			"not close its side within %u s",
			x->cfg.answer_ms / 1000);
	xc_peer_free(p);
}

static void rb_tpdu_code(struct xc *x)
{
	static const unsigned char b[] = {
		0x03, 0x00, 0x00, 0x0b, 0x06, 0x90, 0x00, 0x00, 0x00, 0x01,
		0x00
	};

	send_bytes(x, b, sizeof(b), "a TPDU of unknown code 0x90");
}

static void rb_cr_li(struct xc *x)
{
	static const unsigned char b[] = {
		0x03, 0x00, 0x00, 0x0b, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x01,
		0x00
	};

	send_bytes(x, b, sizeof(b), "a CR whose LI (14) runs past the TPDU");
}

static void rb_cr_param(struct xc *x)
{
	static const unsigned char b[] = {
		0x03, 0x00, 0x00, 0x11, 0x0c, 0xe0, 0x00, 0x00, 0x00, 0x01,
		0x00, 0xc2, 0x32, 0x78, 0x34, 0x30, 0x30
	};

	send_bytes(x, b, sizeof(b), "a CR whose called TSAP selector claims "
		   "50 octets and has 4");
}

static void rb_dt_first(struct xc *x)
{
	static const unsigned char b[] = {
		0x03, 0x00, 0x00, 0x09, 0x02, 0xf0, 0x80, 0x01, 0x00
	};

	send_bytes(x, b, sizeof(b), "a DT TPDU before any CR");
}

/* ---- session ------------------------------------------------------- */

static void rb_spdu_unknown(struct xc *x)
{
	static const unsigned char t[] = { 0x63, 0x00 };

	send_tsdu(x, t, sizeof(t), "an SPDU with unknown SI 99");
}

static void rb_cn_li(struct xc *x)
{
	static const unsigned char t[] = {
		0x0d, 0x50, 0x05, 0x06, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02
	};

	send_tsdu(x, t, sizeof(t), "a CN whose LI (80) runs past the TSDU");
}

static void rb_dt_before_cn(struct xc *x)
{
	static const unsigned char t[] = {
		0x01, 0x00, 0x01, 0x00, 0x61, 0x02, 0x30, 0x00
	};

	send_tsdu(x, t, sizeof(t), "GT and DT SPDUs before any CN");
}

/* cn_with - a CN (X.225 8.3.1) carrying ud, built by our session
 *	machine */
struct tsdu_cap {
	struct buf	b;
};

static void cap_tsdu(void *arg, const unsigned char *p, size_t n)
{
	struct tsdu_cap *c = arg;

	buf_add(&c->b, p, n);
}

static void ses_ignore(void *arg, const struct ses_ind *ind)
{
	(void)arg;
	(void)ind;
}

static void cn_with(struct xc *x, const void *ud, size_t n,
		    struct buf *tsdu)
{
	struct ses s;
	struct ses_cfg sc;
	struct ses_conn c;
	struct tsdu_cap cap = { BUF_INIT };

	memset(&sc, 0, sizeof(sc));
	sc.requirements = SES_FU_RTSE;
	sc.versions = 3;
	sc.max_ud = 1u << 20;
	ses_init(&s, SES_INITIATOR, &sc, ses_ignore, cap_tsdu, &cap);
	memset(&c, 0, sizeof(c));
	memcpy(c.called_ssel, x->cfg.t_ssel.v, x->cfg.t_ssel.len);
	c.called_ssel_len = x->cfg.t_ssel.len;
	c.requirements = SES_FU_RTSE;
	if (ses_connect_req(&s, &c, ud, n) != 0)
		panic("x400conf: cannot build a CN");
	buf_add(tsdu, buf_ptr(&cap.b), buf_avail(&cap.b));
	buf_free(&cap.b);
	ses_free(&s);
}

static void rb_cn_garbage(struct xc *x)
{
	static const unsigned char ud[] = { 0xff, 0xff, 0xff, 0xff, 0x00 };
	struct buf t = BUF_INIT;

	cn_with(x, ud, sizeof(ud), &t);
	send_tsdu(x, buf_ptr(&t), buf_avail(&t), "a CN whose user data is "
		  "no PPDU (not even BER)");
	buf_free(&t);
}

/* cp_with - a CP (X.226 8.2) whose ACSE PDV holds acse */
static void cp_with(struct xc *x, const void *acse, size_t n,
		    struct buf *cp)
{
	struct pres pr;

	pres_init(&pr, PRES_INITIATOR);
	if (pres_cp_build(&pr, NULL, 0, x->cfg.t_psel.v, x->cfg.t_psel.len,
			  acse, n, cp) != 0)
		panic("x400conf: cannot build a CP");
}

static void rb_cp_no_acse(struct xc *x)
{
	static const unsigned char notacse[] = { 0x04, 0x03, 0x61, 0x62, 0x63 };
	struct buf cp = BUF_INIT, t = BUF_INIT;

	if (x->cfg.t_mode == RTSE_X410) {
		xc_inconc(x, "a normal-mode case; target.mode is x410");
		return;
	}
	cp_with(x, notacse, sizeof(notacse), &cp);
	cn_with(x, buf_ptr(&cp), buf_avail(&cp), &t);
	send_tsdu(x, buf_ptr(&t), buf_avail(&t), "a CP whose ACSE PDV is an "
		  "OCTET STRING, not an AARQ");
	buf_free(&cp);
	buf_free(&t);
}

static void rb_aarq_bad_rtorq(struct xc *x)
{
	static const unsigned char notrtorq[] = { 0x04, 0x02, 0x00, 0x00 };
	struct acse_apdu a;
	struct buf acse = BUF_INIT, cp = BUF_INIT, t = BUF_INIT;
	char why[160];

	if (x->cfg.t_mode == RTSE_X410) {
		xc_inconc(x, "a normal-mode case; target.mode is x410");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.type = ACSE_AARQ;
	snprintf(a.context, sizeof(a.context), "%s", ACSE_OID_MTS_TRANSFER);
	a.have_user = 1;
	a.user_ctx = 3;			/* the RTSE context, as we number */
	buf_add(&a.user, notrtorq, sizeof(notrtorq));
	if (acse_build(&a, &acse, why, sizeof(why)) != 0)
		panic("x400conf: %s", why);
	acse_apdu_free(&a);
	cp_with(x, buf_ptr(&acse), buf_avail(&acse), &cp);
	cn_with(x, buf_ptr(&cp), buf_avail(&cp), &t);
	send_tsdu(x, buf_ptr(&t), buf_avail(&t), "an AARQ whose RTSE user "
		  "information is an OCTET STRING, not an RTORQ");
	buf_free(&acse);
	buf_free(&cp);
	buf_free(&t);
}

static void rb_bad_bind(struct xc *x)
{
	/* [16] holding a BOOLEAN: no MTABindArgument */
	static const unsigned char bind[] = { 0xb0, 0x03, 0x01, 0x01, 0xff };
	struct xc_peer_opts o;
	struct xc_peer *p;
	enum xc_open rc;

	xc_peer_opts_init(x, &o);
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "no TCP connection");
		xc_peer_free(p);
		return;
	}
	rc = xc_peer_open(p, bind, sizeof(bind));
	if (rc == XC_OPENED)
		xc_fail(x, "the target accepted a bind argument that does not "
			"decode");
	else if (rc == XC_TIMEOUT && !xc_peer_wait_end(p, 10))
		xc_fail(x, "no answer to a bind argument that does not "
			"decode");
	else
		xc_note(x, "%s: %s", xc_open_name(rc), p->why);
	xc_peer_free(p);
}

/* bound_normal - a bound peer in normal mode, or NULL */
static struct xc_peer *bound_normal(struct xc *x)
{
	struct xc_peer_opts o;

	if (x->cfg.t_mode == RTSE_X410) {
		const char *v = xc_pics_get(x, "mode.normal");

		if (v && strncmp(v, "no", 2) == 0) {
			xc_inconc(x, "a normal-mode case; the target takes no "
				  "normal mode");
			return NULL;
		}
	}
	xc_peer_opts_init(x, &o);
	o.mode = RTSE_NORMAL;
	return xc_peer_bound(x, &o);
}

static void rb_pdata_garbage(struct xc *x)
{
	static const unsigned char junk[] = { 0xff, 0x00, 0xff, 0x00 };
	struct xc_peer *p = bound_normal(x);
	struct ses *s;

	if (p == NULL)
		return;
	s = &p->osi.rtse.ses;
	xc_peer_raw(p);
	if (ses_act_start_req(s, "\x02\x01\x09", 3, NULL, 0) != 0 ||
	    ses_data_req(s, junk, sizeof(junk)) != 0) {
		xc_fail(x, "our session machine cannot start an activity "
			"(state %s)", ses_state_name(s->state));
	} else {
		xc_peer_flush(p);
		xc_expect_abort(p, "an activity whose P-DATA holds no PPDU");
	}
	xc_peer_free(p);
}

static void rb_rttr_garbage(struct xc *x)
{
	/* an RTTR for the RTSE user, in the mts-transfer context, that is
	 * no RTSE APDU: a SEQUENCE where an OCTET STRING belongs */
	static const unsigned char notrttr[] = { 0x30, 0x03, 0x02, 0x01, 0x07 };
	struct xc_peer *p = bound_normal(x);
	struct ses *s;
	struct buf ud = BUF_INIT;

	if (p == NULL)
		return;
	s = &p->osi.rtse.ses;
	xc_peer_raw(p);
	if (pres_data_build(&p->osi.rtse.pres, p->osi.rtse.pres.id_rtse,
			    notrttr, sizeof(notrttr), &ud) != 0 ||
	    ses_act_start_req(s, "\x02\x01\x09", 3, NULL, 0) != 0 ||
	    ses_data_req(s, buf_ptr(&ud), buf_avail(&ud)) != 0) {
		xc_fail(x, "our stack cannot send the P-DATA");
	} else {
		xc_peer_flush(p);
		xc_expect_abort(p, "a P-DATA in the RTSE context holding no "
				"RTSE APDU");
	}
	buf_free(&ud);
	xc_peer_free(p);
}

static void rb_apdu_garbage(struct xc *x)
{
	/* a [0] (message) that holds a BOOLEAN: no MTS-APDU */
	static const unsigned char apdu[] = { 0xa0, 0x03, 0x01, 0x01, 0xff };
	struct xc_peer_opts o;
	struct xc_peer *p;
	int rc;

	xc_peer_opts_init(x, &o);
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	rc = xc_peer_transfer(p, apdu, sizeof(apdu), 0);
	if (rc == 1) {
		xc_fail(x, "the target confirmed an MTS-APDU that does not "
			"decode (X.411 12.2: it takes responsibility for what "
			"it cannot read)");
	} else if (rc == -2) {
		xc_fail(x, "no answer to the transfer of an MTS-APDU that "
			"does not decode");
	} else if (rc == 0 && p->aborted) {
		xc_note(x, "the target refused the transfer and aborted the "
			"association: %s", p->why);
	} else if (rc == 0) {
		xc_note(x, "the transfer was refused; releasing");
		if (!xc_peer_release(p))
			xc_fail(x, "after refusing an undecodable MTS-APDU the "
				"target answers neither our RT-CLOSE nor closes "
				"the connection (%s): the association is stuck",
				p->why);
	} else {
		xc_note(x, "the association was aborted: %s", p->why);
	}
	xc_peer_free(p);
}

static void rb_ae_out_of_state(struct xc *x)
{
	/* GT, then AE (SI 41, category 2) with serial number "1": no
	 * activity is open (X.225 Annex A: an unexpected SPDU) */
	static const unsigned char t[] = {
		0x01, 0x00, 0x29, 0x03, 0x2a, 0x01, 0x31
	};
	struct xc_peer_opts o;
	struct xc_peer *p;

	xc_peer_opts_init(x, &o);
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	xc_peer_raw(p);
	cotp_data_req(&p->osi.tp.cotp, t, sizeof(t), &p->osi.out);
	xc_peer_flush(p);
	xc_expect_abort(p, "an activity end (AE) outside any activity");
	xc_peer_free(p);
}

static void rb_er(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;

	xc_peer_opts_init(x, &o);
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	xc_peer_raw(p);
	cotp_error(&p->osi.tp.cotp, COTP_ER_NOT_SPECIFIED, NULL, 0,
		   &p->osi.out);
	xc_peer_flush(p);
	xc_expect_abort(p, "an ER TPDU in the middle of the association");
	xc_peer_free(p);
}

static int sent_enough(void *arg)
{
	struct xc_peer *p = arg;

	return p->closed || p->aborted ||
	    (p->c && conn_bytes_out(p->c) > 200000);
}

static void rb_cut_transfer(struct xc *x)
{
	struct xc_msgopt mo = { 0, P1_REP_NDR, 0, 1u << 20, NULL };
	struct xc_peer_opts o;
	struct xc_peer *p;
	MTS_APDU_t *a;
	unsigned char *der;
	size_t len;
	char *id;

	xc_peer_opts_init(x, &o);
	o.checkpoint = 16;
	o.window = 3;
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	a = xc_msg_to(x, 1, &mo);
	der = xc_encode_for(x, a, &len);
	id = xc_apdu_id(a);
	if (rtse_transfer_req(&p->osi.rtse, der, len, NULL) != 0) {
		xc_fail(x, "cannot start the transfer");
	} else {
		xc_peer_flush(p);
		xc_wait(x, sent_enough, p, x->cfg.relay_ms);
		xc_note(x, "cutting the connection (RST) after %llu of %zu "
			"octets", p->c ? (unsigned long long)
			conn_bytes_out(p->c) : 0ULL, len);
		if (p->c)
			conn_abort(p->c);
		xc_peer_wait_end(p, 1000);
		xc_expect_nothing(x, P1_MESSAGE, id, QUIET_MS);
	}
	free(id);
	free(der);
	xc_apdu_free(a);
	xc_peer_free(p);
}

static void rb_trickle(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	MTS_APDU_t *a;
	unsigned char *der;
	size_t len;
	int rc;

	xc_peer_opts_init(x, &o);
	o.trickle = 1;
	if ((p = xc_peer_bound(x, &o)) == NULL)
		return;
	a = xc_msg_to(x, 1, NULL);
	der = xc_encode_for(x, a, &len);
	rc = xc_peer_transfer(p, der, len, x->cfg.relay_ms);
	if (rc != 1)
		xc_fail(x, "a transfer sent one octet per TCP segment was not "
			"confirmed: %s", rc == -2 ? "no answer" : rc == 0 ?
			"refused" : p->why);
	else if (!xc_peer_release(p))
		xc_fail(x, "the release, one octet per segment, failed: %s",
			p->why);
	free(der);
	xc_apdu_free(a);
	xc_peer_free(p);
}

/* flip - corrupt one octet of the CN TSDU (after the TPKT and DT
 *	headers) the first time the stack writes a DT */
struct flip {
	size_t		at;
	unsigned char	mask;
	int		done;
};

static void flip_cn(struct xc_peer *p, struct buf *out, void *arg)
{
	struct flip *f = arg;
	unsigned char *d = buf_ptr(out);
	size_t n = buf_avail(out);

	if (f->done || n < 8 || (d[5] & 0xf0) != 0xf0)
		return;
	f->at %= n - 7;
	d[7 + f->at] ^= f->mask;
	f->done = 1;
	p->mutate = NULL;
}

static void rb_mutate(struct xc *x)
{
	char tally[600];
	size_t t = 0;
	int i, hangs = 0;

	tally[0] = 0;
	for (i = 0; i < 16 && xc_ok(x); i++) {
		struct xc_peer_opts o;
		struct xc_peer *p;
		struct flip f;
		enum xc_open rc;

		xc_peer_opts_init(x, &o);
		p = xc_peer_new(x, &o);
		if (!p->connected) {
			xc_fail(x, "no TCP connection for mutation %d", i);
			xc_peer_free(p);
			break;
		}
		f.at = (size_t)i * 13 + (size_t)i * i;
		f.mask = (unsigned char)(0x80 >> (i % 8) | (i & 1));
		f.done = 0;
		p->mutate = flip_cn;
		p->mutate_arg = &f;
		rc = xc_peer_bind(p);
		if (rc == XC_TIMEOUT && !xc_peer_wait_end(p, 10)) {
			hangs++;
			xc_fail(x, "the CN with octet %zu changed (xor 0x%02x) "
				"got no answer within %u s, and the connection "
				"stayed open", f.at, f.mask,
				x->cfg.answer_ms / 1000);
		}
		if (rc == XC_OPENED)
			xc_peer_release(p);
		t += (size_t)snprintf(tally + t, sizeof(tally) - t, "%s%zu:%s",
				      i ? ", " : "", f.at, xc_open_name(rc));
		xc_peer_free(p);
	}
	xc_note(x, "outcomes by octet changed: %s", tally);
}

const struct xc_case xc_cases_rb[] = {
	{ "RB.01", "robustness", "TPKT shorter than its header allows",
	  "RFC 1006 6 (length at least 7)",
	  "A TPKT of length 5",
	  "The connection refused or closed; the target still serves",
	  rb_tpkt_short, XC_F_HEALTH },
	{ "RB.02", "robustness", "TPKT cut short",
	  "RFC 1006 6; X.224 6.7 (implicit disconnect in class 0)",
	  "A TPKT announcing 1000 octets, 11 sent, then our FIN",
	  "The target closes its side; it still serves",
	  rb_tpkt_cut, XC_F_HEALTH },
	{ "RB.03", "robustness", "unknown TPDU code",
	  "X.224 13.2 (TPDU codes), 13.12 (ER: invalid TPDU type)",
	  "A TPDU with code 0x90 as the first TPDU",
	  "ER or DR, or the connection closed",
	  rb_tpdu_code, XC_F_HEALTH },
	{ "RB.04", "robustness", "CR whose length indicator overruns",
	  "X.224 13.2.1 (LI), 13.12",
	  "A CR whose LI says 14 with 6 octets following",
	  "ER or DR, or the connection closed",
	  rb_cr_li, XC_F_HEALTH },
	{ "RB.05", "robustness", "CR whose parameter overruns",
	  "X.224 13.2.3 (variable part), 13.3.4",
	  "A CR whose called TSAP selector claims 50 octets and carries 4",
	  "ER or DR, or the connection closed",
	  rb_cr_param, XC_F_HEALTH },
	{ "RB.06", "robustness", "DT before the transport connection",
	  "X.224 13.7 (DT), 6.22 (a TPDU out of state)",
	  "A DT TPDU as the first TPDU",
	  "ER or DR, or the connection closed",
	  rb_dt_first, XC_F_HEALTH },
	{ "RB.07", "robustness", "unknown SPDU",
	  "X.225 8.3 (SPDU identifiers), 8.3.9 (AB), Annex A",
	  "After the CC, a TSDU holding an SPDU with SI 99",
	  "AB (or RF), or the connection closed",
	  rb_spdu_unknown, XC_F_HEALTH },
	{ "RB.08", "robustness", "CN whose length indicator overruns",
	  "X.225 8.2.5 (LI), 8.3.1",
	  "A CN whose LI says 80 with 8 octets following",
	  "AB or RF, or the connection closed",
	  rb_cn_li, XC_F_HEALTH },
	{ "RB.09", "robustness", "data before the session connection",
	  "X.225 Annex A (STA01: only CN is acceptable)",
	  "GT and DT SPDUs right after the CC",
	  "AB, or the connection closed",
	  rb_dt_before_cn, XC_F_HEALTH },
	{ "RB.10", "robustness", "CN whose user data is no PPDU",
	  "X.226 6.2.4 (CP not readable: ARP), 8.2",
	  "A CN whose user data is ff ff ff ff 00",
	  "ARP in an AB, an RF, or the connection closed",
	  rb_cn_garbage, XC_F_HEALTH },
	{ "RB.11", "robustness", "CP without an AARQ",
	  "X.227 7.1 (AARQ), X.226 6.2.4",
	  "A CP whose ACSE PDV holds an OCTET STRING",
	  "CPR in an RF, an abort, or the connection closed",
	  rb_cp_no_acse, XC_F_HEALTH },
	{ "RB.12", "robustness", "AARQ without an RTORQ",
	  "X.228 9.1 (RTORQ in the AARQ user information)",
	  "An AARQ for id-ac-mts-transfer whose RTSE user information is an "
	  "OCTET STRING",
	  "A rejecting AARE (or an abort), or the connection closed",
	  rb_aarq_bad_rtorq, XC_F_HEALTH },
	{ "RB.13", "robustness", "bind argument that does not decode",
	  "X.411 12.1.1.1; X.228 9.1 (RT-OPEN user data)",
	  "An RTORQ whose connection data holds [16] { BOOLEAN }",
	  "A refusal or an abort, never an open association",
	  rb_bad_bind, XC_F_HEALTH },
	{ "RB.14", "robustness", "P-DATA that is no PPDU",
	  "X.226 8.4 (User-data), 6.2.4 (ARP on an unreadable PPDU)",
	  "After the bind, an activity start, then a DT whose user data is "
	  "ff 00 ff 00",
	  "An abort (ARP or ARU in an AB), or the connection closed",
	  rb_pdata_garbage, XC_F_HEALTH },
	{ "RB.15", "robustness", "RTSE APDU that does not decode",
	  "X.228 9.3 (RTTR), 9.6 (RT-P-ABORT on a protocol error)",
	  "After the bind, an activity start, then a P-DATA in the RTSE "
	  "context holding a SEQUENCE, no RTTR",
	  "An abort, or the connection closed",
	  rb_rttr_garbage, XC_F_HEALTH },
	{ "RB.16", "robustness", "MTS-APDU that does not decode",
	  "X.411 12.2 (MTS-APDU); X.228 9.3 (the receiver refuses the "
	  "transfer)",
	  "A complete, well-framed transfer of [0] { BOOLEAN }, then "
	  "RT-CLOSE",
	  "The transfer not confirmed (refused or aborted), and then a "
	  "working release or an end of the association, never a stuck "
	  "one",
	  rb_apdu_garbage, XC_F_HEALTH },
	{ "RB.17", "robustness", "SPDU out of state",
	  "X.225 Annex A (AE is valid only in an activity), 8.3.9 (AB)",
	  "After the bind, an activity end (AE) with no activity open",
	  "AB, or the connection closed",
	  rb_ae_out_of_state, XC_F_HEALTH },
	{ "RB.18", "robustness", "ER in the middle of an association",
	  "X.224 13.12 (ER), 6.22",
	  "After the bind, an ER TPDU",
	  "The connection closed",
	  rb_er, XC_F_HEALTH },
	{ "RB.19", "robustness", "connection cut in the middle of a transfer",
	  "X.228 9.5 (recovery), 9.3; X.411 12.2 (no responsibility before "
	  "confirmation)",
	  "A 1 MB message in 16 KB checkpointed segments, the TCP "
	  "connection reset after 200 KB",
	  "The message is not relayed; the target still serves",
	  rb_cut_transfer, XC_F_HEALTH },
	{ "RB.20", "robustness", "one octet per TCP segment",
	  "RFC 1006 6 (TPKTs over a byte stream)",
	  "A whole association (CR, CN, bind, a message, RLRQ) written one "
	  "octet per TCP segment",
	  "Everything works as usual: bound, confirmed, released",
	  rb_trickle, XC_F_HEALTH },
	{ "RB.21", "robustness", "corrupted connect requests",
	  "X.225 8.3.1, X.226 8.2, X.227, X.228 9.1, X.411 12.1 (every "
	  "field of a CN)",
	  "16 CNs, each with one octet changed at a different place (a "
	  "fixed pattern), each on a new connection",
	  "Each refused, aborted, closed or (if harmless) accepted; never "
	  "no answer on an open connection",
	  rb_mutate, XC_F_HEALTH },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
