/*
 * rtse.c - the Reliable Transfer protocol machine (ITU-T X.228)
 *
 * See rtse.h. Clause numbers are those of X.228 (1994) unless named.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asnx.h"
#include "codec.h"
#include "events.h"
#include "rtse.h"
#include "xalloc.h"

#include "ACSE-External.h"
#include "CP-type.h"
#include "NativeInteger.h"
#include "PAccept.h"
#include "PConnect.h"
#include "PRefuse.h"
#include "RTSE-apdus.h"

#define RTSE_CAP	(64u * 1024 * 1024)	/* one RTSE APDU, decoded */
#define DEFAULT_WINDOW	3			/* X.228 9.1.3 */
#define DEFAULT_MAX_APDU (64u * 1024 * 1024)
#define TOKENS_RESPONDER 0x15	/* data, minor, major: responder's side */

/* ---- small things ------------------------------------------------ */

const char *rtse_state_name(enum rtse_state st)
{
	static const char *const n[] = {
		"IDLE", "OPENING", "WAIT-OPEN-RSP", "OPEN", "CLOSING",
		"WAIT-CLOSE-RSP", "CLOSED"
	};

	return (unsigned)st < sizeof(n) / sizeof(n[0]) ? n[st] : "?";
}

static int fail(struct rtse *r, unsigned ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct rtse *r, unsigned ev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	r->why_event = ev;
	return RTSE_E_PROTOCOL;
}

static void up(struct rtse *r, enum rtse_ind_type t, const void *data,
	       size_t len, int reason)
{
	struct rtse_ind ind;

	memset(&ind, 0, sizeof(ind));
	ind.type = t;
	ind.data = data;
	ind.len = len;
	ind.reason = reason;
	r->user(r->arg, &ind);
}

/* notice - pass r->why up as a log-worthy event, then forget it */
static void notice(struct rtse *r)
{
	up(r, RTSE_NOTICE_IND, r->why, strlen(r->why), (int)r->why_event);
	r->why[0] = 0;
	r->why_event = 0;
}

static void up_tag(struct rtse *r, enum rtse_ind_type t, void *tag)
{
	struct rtse_ind ind;

	memset(&ind, 0, sizeof(ind));
	ind.type = t;
	ind.tag = tag;
	r->user(r->arg, &ind);
}

/* encode - DER of value (freed here) appended to out */
static int encode(const asn_TYPE_descriptor_t *td, void *v, struct buf *out)
{
	unsigned char *der;
	size_t n;
	int rc = codec_encode_alloc(td, v, &der, &n);

	codec_free(td, v);
	if (rc != 0)
		return RTSE_E_ENCODE;
	buf_add(out, der, n);
	free(der);
	return 0;
}

/* ber_whole - p[0..n) is exactly one BER value */
static int ber_whole(const void *p, size_t n)
{
	size_t len;

	return codec_ber_check(p, n, CODEC_MAX_DEPTH, &len) == 0 && len == n;
}

/* connection_data - ConnectionData "open" holding the user's value */
static void connection_data(ConnectionData_t *cd, const void *ud, size_t n)
{
	cd->present = ConnectionData_PR_open;
	asnx_any_raw(&cd->choice.open, ud, n);
}

/* ---- the session below ------------------------------------------- */

static void on_ses(void *arg, const struct ses_ind *ind);

static void on_tsdu(void *arg, const unsigned char *p, size_t n)
{
	struct rtse *r = arg;

	r->send(r->arg, p, n);
}

void rtse_init(struct rtse *r, enum rtse_role role,
	       const struct rtse_cfg *cfg, rtse_user_fn *user,
	       rtse_tsdu_fn *send, void *arg)
{
	struct ses_cfg sc;

	memset(r, 0, sizeof(*r));
	r->role = role;
	r->cfg = *cfg;
	if (r->cfg.max_apdu == 0)
		r->cfg.max_apdu = DEFAULT_MAX_APDU;
	if (r->cfg.application_protocol == 0)
		r->cfg.application_protocol = 1;	/* P1 */
	r->user = user;
	r->send = send;
	r->arg = arg;
	r->state = RTSE_ST_IDLE;
	memset(&sc, 0, sizeof(sc));
	sc.requirements = SES_FU_RTSE;
	sc.versions = 3;
	sc.max_ud = r->cfg.max_apdu + 65536;
	if (role == RTSE_RESPONDER && cfg->check_selectors) {
		sc.ssel = r->cfg.called_ssel;
		sc.ssel_len = r->cfg.called_ssel_len;
	}
	ses_init(&r->ses, role == RTSE_INITIATOR ? SES_INITIATOR :
		 SES_RESPONDER, &sc, on_ses, on_tsdu, r);
	pres_init(&r->pres, role == RTSE_INITIATOR ? PRES_INITIATOR :
		  PRES_RESPONDER);
	if (role == RTSE_RESPONDER && cfg->check_selectors)
		pres_set_psel(&r->pres, r->cfg.called_psel,
			      r->cfg.called_psel_len);
}

void rtse_free(struct rtse *r)
{
	ses_free(&r->ses);
	buf_free(&r->tx);
	buf_free(&r->rx);
}

int rtse_busy(const struct rtse *r)
{
	return r->tx_active || r->rx_active || r->rx_wait_rsp ||
	    buf_avail(&r->tx) > 0;
}

/* ---- aborts ------------------------------------------------------ */

/* rtab - an RTAB APDU (X.228 9.6) */
static int rtab(int reason, struct buf *out)
{
	RTSE_apdus_t *a = XNEW(RTSE_apdus_t);

	a->present = RTSE_apdus_PR_rtab_apdu;
	a->choice.rtab_apdu.abortReason = asnx_long(reason);
	return encode(&asn_DEF_RTSE_apdus, a, out);
}

/* send_abort - RT-U-ABORT or RT-P-ABORT: RTAB, in ABRT and ARU in
 *	normal mode (X.228 9.6.2), alone in X.410-1984 mode */
static void send_abort(struct rtse *r, int reason)
{
	struct buf ab = BUF_INIT, out = BUF_INIT;

	if (r->state == RTSE_ST_CLOSED || r->state == RTSE_ST_IDLE)
		return;
	if (rtab(reason, &ab) != 0)
		panic("rtse: cannot encode RTAB");
	if (r->cfg.mode == RTSE_NORMAL && r->pres.id_acse) {
		struct acse_apdu a;
		char why[128];

		memset(&a, 0, sizeof(a));
		a.type = ACSE_ABRT;
		a.abort_source = ACSE_ABRT_USER;
		a.reason = -1;
		if (r->pres.id_rtse) {
			a.have_user = 1;
			a.user_ctx = r->pres.id_rtse;
			buf_add(&a.user, buf_ptr(&ab), buf_avail(&ab));
		}
		if (acse_build(&a, &out, why, sizeof(why)) != 0)
			panic("rtse: %s", why);
		acse_apdu_free(&a);
		buf_reset(&ab);
		if (pres_aru_build(&r->pres, buf_ptr(&out), buf_avail(&out),
				   &ab) != 0)
			panic("rtse: cannot encode ARU: %s", r->pres.why);
	}
	ses_u_abort_req(&r->ses, buf_ptr(&ab), buf_avail(&ab));
	buf_free(&ab);
	buf_free(&out);
	r->state = RTSE_ST_CLOSED;
}

/* protocol_abort - the peer broke a protocol: abort, tell the user */
static int protocol_abort(struct rtse *r)
{
	if (r->state != RTSE_ST_CLOSED) {
		send_abort(r, RTSE_AB_PROTOCOL);
		r->state = RTSE_ST_CLOSED;
		up(r, RTSE_ABORT_IND, NULL, 0, RTSE_AB_PROTOCOL);
	}
	return RTSE_E_PROTOCOL;
}

int rtse_abort_req(struct rtse *r, int reason)
{
	if (r->state == RTSE_ST_CLOSED || r->state == RTSE_ST_IDLE)
		return RTSE_E_STATE;
	send_abort(r, reason);
	return 0;
}

/* ---- association establishment ----------------------------------- */

/* rtorq - the RT-OPEN request APDU, or its X.410 PConnect form */
static int build_open_rq(struct rtse *r, const void *ud, size_t n,
			 struct buf *out)
{
	long ck = (long)r->cfg.checkpoint;
	long win = r->cfg.window ? (long)r->cfg.window : DEFAULT_WINDOW;

	if (r->cfg.mode == RTSE_X410) {
		PConnect_t *pc = XNEW(PConnect_t);

		pc->dataTransferSyntax.syntax = 0;	/* x409 */
		if (ck)
			pc->pUserData.checkpointSize = asnx_long(ck);
		if (win != DEFAULT_WINDOW)
			pc->pUserData.windowSize = asnx_long(win);
		if (r->cfg.dialogue == RTSE_TWA)
			pc->pUserData.dialogueMode = asnx_long(RTSE_TWA);
		connection_data(&pc->pUserData.connectionData, ud, n);
		if (r->cfg.application_protocol != 1)
			pc->pUserData.applicationProtocol =
			    asnx_long(r->cfg.application_protocol);
		return encode(&asn_DEF_PConnect, pc, out);
	} else {
		RTSE_apdus_t *a = XNEW(RTSE_apdus_t);
		RTORQapdu_t *q = &a->choice.rtorq_apdu;

		a->present = RTSE_apdus_PR_rtorq_apdu;
		if (ck)
			q->checkpointSize = asnx_long(ck);
		if (win != DEFAULT_WINDOW)
			q->windowSize = asnx_long(win);
		if (r->cfg.dialogue == RTSE_TWA)
			q->dialogueMode = asnx_long(RTSE_TWA);
		connection_data(&q->connectionDataRQ, ud, n);
		return encode(&asn_DEF_RTSE_apdus, a, out);
	}
}

int rtse_open_req(struct rtse *r, const void *ud, size_t n)
{
	struct buf rq = BUF_INIT, acse = BUF_INIT, cp = BUF_INIT;
	struct ses_conn c;
	int rc;

	if (r->role != RTSE_INITIATOR || r->state != RTSE_ST_IDLE)
		return RTSE_E_STATE;
	if (!ber_whole(ud, n))
		return RTSE_E_ENCODE;	/* "open" is an ANY: one value */
	if ((rc = build_open_rq(r, ud, n, &rq)) != 0)
		goto out;
	memset(&c, 0, sizeof(c));
	memcpy(c.calling_ssel, r->cfg.calling_ssel, r->cfg.calling_ssel_len);
	c.calling_ssel_len = r->cfg.calling_ssel_len;
	memcpy(c.called_ssel, r->cfg.called_ssel, r->cfg.called_ssel_len);
	c.called_ssel_len = r->cfg.called_ssel_len;
	c.requirements = SES_FU_RTSE;
	c.token_setting = r->cfg.dialogue == RTSE_TWA &&
	    r->cfg.initial_turn_responder ? TOKENS_RESPONDER : 0;
	if (r->cfg.mode == RTSE_X410) {
		rc = ses_connect_req(&r->ses, &c, buf_ptr(&rq),
				     buf_avail(&rq)) ? RTSE_E_ENCODE : 0;
	} else {
		struct acse_apdu a;
		char why[128];

		memset(&a, 0, sizeof(a));
		a.type = ACSE_AARQ;
		snprintf(a.context, sizeof(a.context), "%s",
			 ACSE_OID_MTS_TRANSFER);
		snprintf(a.calling_ap_title, sizeof(a.calling_ap_title), "%s",
			 r->cfg.calling_ap_title);
		snprintf(a.called_ap_title, sizeof(a.called_ap_title), "%s",
			 r->cfg.called_ap_title);
		a.have_user = 1;
		a.user_ctx = 3;		/* RTSE, as pres_cp_build numbers */
		buf_add(&a.user, buf_ptr(&rq), buf_avail(&rq));
		rc = acse_build(&a, &acse, why, sizeof(why));
		acse_apdu_free(&a);
		if (rc == 0)
			rc = pres_cp_build(&r->pres, r->cfg.calling_psel,
					   r->cfg.calling_psel_len,
					   r->cfg.called_psel,
					   r->cfg.called_psel_len,
					   buf_ptr(&acse), buf_avail(&acse),
					   &cp);
		if (rc == 0)
			rc = ses_connect_req(&r->ses, &c, buf_ptr(&cp),
					     buf_avail(&cp));
		if (rc)
			rc = RTSE_E_ENCODE;
	}
	if (rc == 0)
		r->state = RTSE_ST_OPENING;
out:
	buf_free(&rq);
	buf_free(&acse);
	buf_free(&cp);
	return rc;
}

/* negotiate - X.228 9.1.3: the responder takes the proposed checkpoint
 *	size and window, lowered to its own limits */
static void negotiate(struct rtse *r, const long *ck, const long *win,
		      const long *dm)
{
	long pck = ck ? *ck : 0, pwin = win ? *win : DEFAULT_WINDOW;
	long mywin = r->cfg.window ? (long)r->cfg.window : DEFAULT_WINDOW;

	if (pck < 0)
		pck = 0;
	if ((long)r->cfg.checkpoint < pck)
		pck = (long)r->cfg.checkpoint;
	if (pwin < 1)
		pwin = 1;
	if (mywin < pwin)
		pwin = mywin;
	r->ckpt = (size_t)pck * 1024;
	r->window = (unsigned)pwin;
	r->twa = dm && *dm == RTSE_TWA;
	r->recovery = r->ckpt && r->cfg.recovery;
}

/* rtorq_in - the responder reads RT-OPEN request user data */
static int rtorq_in(struct rtse *r, const unsigned char *p, size_t n,
		    struct buf *bind)
{
	void *v = NULL;
	int rc;

	if (r->cfg.mode == RTSE_X410) {
		PConnect_t *pc;

		if ((rc = codec_decode(&asn_DEF_PConnect, p, n, RTSE_CAP, &v,
				       NULL)) != 0)
			return fail(r, EV_RTSE_BAD_APDU, "PConnect: %s",
				    codec_last_detail());
		pc = v;
		if (pc->dataTransferSyntax.syntax != 0)
			rc = fail(r, EV_RTSE_BAD_APDU, "PConnect data "
				  "transfer syntax %ld, not X.409 (0)",
				  pc->dataTransferSyntax.syntax);
		else if (pc->pUserData.connectionData.present !=
			 ConnectionData_PR_open)
			rc = fail(r, EV_RTSE_BAD_APDU, "PConnect asks to "
				  "recover a connection");
		else if (pc->pUserData.applicationProtocol &&
			 *pc->pUserData.applicationProtocol !=
			 r->cfg.application_protocol)
			rc = fail(r, EV_RTSE_BAD_APDU, "PConnect application "
				  "protocol %ld, expected %ld",
				  *pc->pUserData.applicationProtocol,
				  r->cfg.application_protocol);
		if (rc == 0) {
			negotiate(r, pc->pUserData.checkpointSize,
				  pc->pUserData.windowSize,
				  pc->pUserData.dialogueMode);
			buf_add(bind, pc->pUserData.connectionData.choice.open.
				buf, (size_t)pc->pUserData.connectionData.
				choice.open.size);
		}
		codec_free(&asn_DEF_PConnect, pc);
		return rc;
	} else {
		RTSE_apdus_t *a;
		const RTORQapdu_t *q;

		if ((rc = codec_decode(&asn_DEF_RTSE_apdus, p, n, RTSE_CAP, &v,
				       NULL)) != 0)
			return fail(r, EV_RTSE_BAD_APDU, "AARQ user "
				    "information: %s", codec_last_detail());
		a = v;
		q = &a->choice.rtorq_apdu;
		if (a->present != RTSE_apdus_PR_rtorq_apdu)
			rc = fail(r, EV_RTSE_BAD_APDU, "AARQ carries RTSE "
				  "APDU %d, not RTORQ", a->present);
		else if (q->connectionDataRQ.present != ConnectionData_PR_open)
			rc = fail(r, EV_RTSE_BAD_APDU, "RTORQ asks to recover "
				  "a connection");
		if (rc == 0) {
			negotiate(r, q->checkpointSize, q->windowSize,
				  q->dialogueMode);
			buf_add(bind, q->connectionDataRQ.choice.open.buf,
				(size_t)q->connectionDataRQ.choice.open.size);
		}
		codec_free(&asn_DEF_RTSE_apdus, a);
		return rc;
	}
}

/* refuse_open - refuse at the layer that found the fault (responder) */
static void refuse_cp(struct rtse *r, int provider_reason)
{
	struct buf cpr = BUF_INIT;

	if (pres_cpr_build(&r->pres, provider_reason, NULL, 0, &cpr) == 0)
		ses_connect_rsp(&r->ses, 0, SES_RF_USER_DATA, NULL,
				buf_ptr(&cpr), buf_avail(&cpr));
	buf_free(&cpr);
	r->state = RTSE_ST_CLOSED;
}

/* aare_reject - refuse the association in ACSE, inside a CPR */
static void aare_reject(struct rtse *r, int diag, const void *rtse_ud,
			size_t n)
{
	struct acse_apdu a;
	struct buf acse = BUF_INIT, cpr = BUF_INIT;
	char why[128];

	memset(&a, 0, sizeof(a));
	a.type = ACSE_AARE;
	snprintf(a.context, sizeof(a.context), "%s", ACSE_OID_MTS_TRANSFER);
	a.result = ACSE_REJECTED_PERMANENT;
	a.diag_source = ACSE_DIAG_USER;
	a.diag = diag;
	if (rtse_ud && r->pres.id_rtse) {
		a.have_user = 1;
		a.user_ctx = r->pres.id_rtse;
		buf_add(&a.user, rtse_ud, n);
	}
	if (acse_build(&a, &acse, why, sizeof(why)) == 0 &&
	    pres_cpr_build(&r->pres, 0, buf_ptr(&acse), buf_avail(&acse),
			   &cpr) == 0)
		ses_connect_rsp(&r->ses, 0, SES_RF_USER_DATA, NULL,
				buf_ptr(&cpr), buf_avail(&cpr));
	acse_apdu_free(&a);
	buf_free(&acse);
	buf_free(&cpr);
	r->state = RTSE_ST_CLOSED;
}

/* on_connect_ind - S-CONNECT indication at the responder */
static int on_connect_ind(struct rtse *r, const struct ses_ind *ind)
{
	struct buf bind = BUF_INIT;
	int rc;

	if (r->cfg.any_mode) {
		/* X.226 8.2: CP-type and PConnect both open with the mode
		 * selector, SET { [0] SET { [0] mode-value } }: 0 is
		 * X.410-1984, 1 normal mode */
		void *v = NULL;

		if (codec_decode(&asn_DEF_CP_type, ind->ud,
				 ind->udlen, RTSE_CAP, &v, NULL) == 0) {
			r->cfg.mode = ((CP_type_t *)v)->mode_selector.
			    mode_value == 0 ? RTSE_X410 : RTSE_NORMAL;
			codec_free(&asn_DEF_CP_type, v);
		}
	}
	if (r->cfg.mode == RTSE_X410) {
		if ((rc = rtorq_in(r, ind->ud, ind->udlen, &bind)) != 0) {
			struct buf pr = BUF_INIT;
			PRefuse_t *rf = XNEW(PRefuse_t);

			rf->refuseReason = RTSE_RJ_VALIDATION;
			if (encode(&asn_DEF_PRefuse, rf, &pr) == 0)
				ses_connect_rsp(&r->ses, 0, SES_RF_USER_DATA,
						NULL, buf_ptr(&pr),
						buf_avail(&pr));
			buf_free(&pr);
			r->state = RTSE_ST_CLOSED;
			buf_free(&bind);
			return rc;
		}
	} else {
		struct buf acse = BUF_INIT;
		struct acse_apdu a;
		char why[160];

		rc = pres_cp_parse(&r->pres, ind->ud, ind->udlen, &acse);
		if (rc != 0) {
			unsigned ev = rc == PRES_E_PSEL ? EV_PRES_BAD_PSEL :
			    rc == PRES_E_CONTEXT ? EV_PRES_CONTEXT :
			    EV_PRES_BAD_PPDU;

			fail(r, ev, "presentation: %s", r->pres.why);
			buf_free(&acse);
			if (rc == PRES_E_DECODE) {
				/* X.226 6.2.4: not even a CP: abort */
				struct buf arp = BUF_INIT;

				pres_arp_build(&r->pres, 1, &arp);
				ses_u_abort_req(&r->ses, buf_ptr(&arp),
						buf_avail(&arp));
				buf_free(&arp);
				r->state = RTSE_ST_CLOSED;
			} else {
				refuse_cp(r, rc == PRES_E_PSEL ? 3 : 0);
			}
			return RTSE_E_PROTOCOL;
		}
		rc = acse_parse(buf_ptr(&acse), buf_avail(&acse), &a, why,
				sizeof(why));
		buf_free(&acse);
		if (rc != 0 || a.type != ACSE_AARQ) {
			if (rc == 0)
				acse_apdu_free(&a);
			fail(r, EV_ACSE_BAD_APDU, "ACSE: %s", rc ? why :
			     "connect carries no AARQ");
			refuse_cp(r, 0);
			return RTSE_E_PROTOCOL;
		}
		if (strcmp(a.context, ACSE_OID_MTS_TRANSFER) != 0) {
			fail(r, EV_ACSE_CONTEXT, "application context %s is "
			     "not mts-transfer (%s)", a.context,
			     ACSE_OID_MTS_TRANSFER);
			acse_apdu_free(&a);
			aare_reject(r, ACSE_D_CONTEXT, NULL, 0);
			return RTSE_E_PROTOCOL;
		}
		if (!a.have_user || a.user_ctx != r->pres.id_rtse ||
		    r->pres.id_rtse == 0) {
			fail(r, EV_RTSE_BAD_APDU, "AARQ without RTORQ in the "
			     "RTSE context (user information in context "
			     "%ld)", a.user_ctx);
			acse_apdu_free(&a);
			aare_reject(r, ACSE_D_NO_REASON, NULL, 0);
			return RTSE_E_PROTOCOL;
		}
		rc = rtorq_in(r, buf_ptr(&a.user), buf_avail(&a.user), &bind);
		acse_apdu_free(&a);
		if (rc != 0) {
			aare_reject(r, ACSE_D_NO_REASON, NULL, 0);
			buf_free(&bind);
			return rc;
		}
	}
	r->state = RTSE_ST_WAIT_OPEN_RSP;
	up(r, RTSE_OPEN_IND, buf_ptr(&bind), buf_avail(&bind), 0);
	buf_free(&bind);
	return 0;
}

int rtse_open_rsp(struct rtse *r, int accept, const void *ud, size_t n)
{
	struct buf rt = BUF_INIT, acse = BUF_INIT, pp = BUF_INIT;
	struct ses_conn c;
	int rc;

	if (r->role != RTSE_RESPONDER || r->state != RTSE_ST_WAIT_OPEN_RSP)
		return RTSE_E_STATE;
	if (n > 0 && !ber_whole(ud, n))
		return RTSE_E_ENCODE;
	memset(&c, 0, sizeof(c));
	memcpy(c.called_ssel, r->cfg.called_ssel, r->cfg.called_ssel_len);
	c.called_ssel_len = r->cfg.called_ssel_len;
	if (r->cfg.mode == RTSE_X410) {
		if (accept) {
			PAccept_t *pa = XNEW(PAccept_t);

			pa->dataTransferSyntax.syntax = 0;
			if (r->ckpt)
				pa->pUserData.checkpointSize =
				    asnx_long((long)(r->ckpt / 1024));
			if (r->window != DEFAULT_WINDOW)
				pa->pUserData.windowSize =
				    asnx_long((long)r->window);
			connection_data(&pa->pUserData.connectionData, ud, n);
			rc = encode(&asn_DEF_PAccept, pa, &rt);
		} else {
			PRefuse_t *rf = XNEW(PRefuse_t);

			rf->refuseReason = r->refuse_reason ?
			    r->refuse_reason : RTSE_RJ_VALIDATION;
			rc = encode(&asn_DEF_PRefuse, rf, &rt);
		}
		if (rc == 0)
			rc = ses_connect_rsp(&r->ses, accept, SES_RF_USER_DATA,
					     &c, buf_ptr(&rt), buf_avail(&rt));
	} else {
		RTSE_apdus_t *a = XNEW(RTSE_apdus_t);
		struct acse_apdu aa;
		char why[128];

		if (accept) {
			RTOACapdu_t *o = &a->choice.rtoac_apdu;

			a->present = RTSE_apdus_PR_rtoac_apdu;
			if (r->ckpt)
				o->checkpointSize =
				    asnx_long((long)(r->ckpt / 1024));
			if (r->window != DEFAULT_WINDOW)
				o->windowSize = asnx_long((long)r->window);
			connection_data(&o->connectionDataAC, ud, n);
		} else {
			a->present = RTSE_apdus_PR_rtorj_apdu;
			if (n) {
				a->choice.rtorj_apdu.userDataRJ = XNEW(ANY_t);
				asnx_any_raw(a->choice.rtorj_apdu.userDataRJ,
					     ud, n);
			}
		}
		rc = encode(&asn_DEF_RTSE_apdus, a, &rt);
		memset(&aa, 0, sizeof(aa));
		aa.type = ACSE_AARE;
		snprintf(aa.context, sizeof(aa.context), "%s",
			 ACSE_OID_MTS_TRANSFER);
		aa.result = accept ? ACSE_ACCEPTED : ACSE_REJECTED_PERMANENT;
		aa.diag_source = ACSE_DIAG_USER;
		aa.diag = accept ? ACSE_D_NULL : ACSE_D_NO_REASON;
		aa.have_user = 1;
		aa.user_ctx = r->pres.id_rtse;
		buf_add(&aa.user, buf_ptr(&rt), buf_avail(&rt));
		if (rc == 0)
			rc = acse_build(&aa, &acse, why, sizeof(why));
		acse_apdu_free(&aa);
		if (rc == 0)
			rc = accept ? pres_cpa_build(&r->pres, buf_ptr(&acse),
						     buf_avail(&acse), &pp) :
			    pres_cpr_build(&r->pres, 0, buf_ptr(&acse),
					   buf_avail(&acse), &pp);
		if (rc == 0)
			rc = ses_connect_rsp(&r->ses, accept, SES_RF_USER_DATA,
					     &c, buf_ptr(&pp), buf_avail(&pp));
	}
	buf_free(&rt);
	buf_free(&acse);
	buf_free(&pp);
	if (rc != 0)
		return RTSE_E_ENCODE;
	if (accept) {
		r->state = RTSE_ST_OPEN;
		r->turn = (r->ses.owned & SES_TK_DATA) != 0;
	} else {
		r->state = RTSE_ST_CLOSED;
		r->refused = 1;
	}
	return 0;
}

/* on_connect_conf - S-CONNECT confirm (accepted) at the initiator */
static int on_connect_conf(struct rtse *r, const struct ses_ind *ind)
{
	const long *ck = NULL, *win = NULL;
	const ANY_t *open = NULL;
	void *v = NULL;
	int rc;

	if (r->state != RTSE_ST_OPENING)
		return fail(r, EV_RTSE_OUT_OF_STATE, "S-CONNECT confirm in "
			    "state %s", rtse_state_name(r->state));
	if (r->cfg.mode == RTSE_X410) {
		PAccept_t *pa;

		if (codec_decode(&asn_DEF_PAccept, ind->ud, ind->udlen,
				 RTSE_CAP, &v, NULL) != 0)
			return fail(r, EV_RTSE_BAD_APDU, "PAccept: %s",
				    codec_last_detail());
		pa = v;
		ck = pa->pUserData.checkpointSize;
		win = pa->pUserData.windowSize;
		if (pa->pUserData.connectionData.present ==
		    ConnectionData_PR_open)
			open = &pa->pUserData.connectionData.choice.open;
		rc = 0;
	} else {
		struct buf acse = BUF_INIT;
		struct acse_apdu a;
		char why[160];
		RTSE_apdus_t *ra;

		if (pres_cpa_parse(&r->pres, ind->ud, ind->udlen, &acse)) {
			buf_free(&acse);
			return fail(r, EV_PRES_BAD_PPDU, "presentation: %s",
				    r->pres.why);
		}
		rc = acse_parse(buf_ptr(&acse), buf_avail(&acse), &a, why,
				sizeof(why));
		buf_free(&acse);
		if (rc != 0)
			return fail(r, EV_ACSE_BAD_APDU, "ACSE: %s", why);
		if (a.type != ACSE_AARE || a.result != ACSE_ACCEPTED ||
		    !a.have_user || a.user_ctx != r->pres.id_rtse) {
			fail(r, EV_ACSE_BAD_APDU, "CPA carries %s (result "
			     "%ld, user data in context %ld), not an "
			     "accepting AARE with RTOAC",
			     acse_type_name(a.type), a.result, a.user_ctx);
			acse_apdu_free(&a);
			return RTSE_E_PROTOCOL;
		}
		rc = codec_decode(&asn_DEF_RTSE_apdus, buf_ptr(&a.user),
				  buf_avail(&a.user), RTSE_CAP, &v, NULL);
		acse_apdu_free(&a);
		if (rc != 0)
			return fail(r, EV_RTSE_BAD_APDU, "AARE user "
				    "information: %s", codec_last_detail());
		ra = v;
		if (ra->present != RTSE_apdus_PR_rtoac_apdu) {
			codec_free(&asn_DEF_RTSE_apdus, ra);
			return fail(r, EV_RTSE_BAD_APDU, "AARE carries RTSE "
				    "APDU %d, not RTOAC", ra->present);
		}
		ck = ra->choice.rtoac_apdu.checkpointSize;
		win = ra->choice.rtoac_apdu.windowSize;
		if (ra->choice.rtoac_apdu.connectionDataAC.present ==
		    ConnectionData_PR_open)
			open = &ra->choice.rtoac_apdu.connectionDataAC.choice.
			    open;
	}
	/* 9.1.3: the responder may only lower what we proposed */
	if ((ck && (*ck < 0 || *ck > (long)r->cfg.checkpoint)) ||
	    (win && (*win < 1 || *win > (r->cfg.window ? (long)r->cfg.window
						      : DEFAULT_WINDOW)))) {
		rc = fail(r, EV_RTSE_BAD_APDU, "responder raised checkpoint "
			  "size %ld or window %ld", ck ? *ck : 0,
			  win ? *win : DEFAULT_WINDOW);
	} else {
		r->ckpt = ck ? (size_t)*ck * 1024 : 0;
		r->window = win ? (unsigned)*win : DEFAULT_WINDOW;
		r->twa = r->cfg.dialogue == RTSE_TWA;
		r->recovery = r->ckpt && r->cfg.recovery;
		r->state = RTSE_ST_OPEN;
		r->turn = (r->ses.owned & SES_TK_DATA) != 0;
		up(r, RTSE_OPEN_CONF, open ? open->buf : NULL,
		   open ? (size_t)open->size : 0, 0);
	}
	codec_free(r->cfg.mode == RTSE_X410 ? &asn_DEF_PAccept :
		   &asn_DEF_RTSE_apdus, v);
	return rc;
}

/* on_refuse - S-CONNECT refused (RF) at the initiator */
static int on_refuse(struct rtse *r, const struct ses_ind *ind)
{
	void *v = NULL;
	int reason = ind->reason;

	r->state = RTSE_ST_CLOSED;
	if (ind->udlen == 0) {
		snprintf(r->why, sizeof(r->why), "session refused, reason %d",
			 ind->reason);
		r->why_event = EV_SES_REFUSED;
		up(r, RTSE_OPEN_REFUSED, NULL, 0, reason);
		return 0;
	}
	if (r->cfg.mode == RTSE_X410) {
		if (codec_decode(&asn_DEF_PRefuse, ind->ud, ind->udlen,
				 RTSE_CAP, &v, NULL) == 0) {
			reason = (int)((PRefuse_t *)v)->refuseReason;
			codec_free(&asn_DEF_PRefuse, v);
		}
		snprintf(r->why, sizeof(r->why), "RTS connection refused "
			 "(PRefuse reason %d)", reason);
		r->why_event = EV_RTSE_REFUSED;
		up(r, RTSE_OPEN_REFUSED, NULL, 0, reason);
	} else {
		struct buf acse = BUF_INIT, bind = BUF_INIT;
		struct acse_apdu a;
		char why[160];

		if (pres_cpr_parse(&r->pres, ind->ud, ind->udlen, &acse)) {
			snprintf(r->why, sizeof(r->why), "presentation: %s",
				 r->pres.why);
			r->why_event = EV_PRES_REFUSED;
		} else if (acse_parse(buf_ptr(&acse), buf_avail(&acse), &a,
				      why, sizeof(why)) == 0) {
			snprintf(r->why, sizeof(r->why), "association "
				 "refused: AARE result %ld, diagnostic %ld",
				 a.result, a.diag);
			r->why_event = EV_ACSE_REFUSED;
			if (a.have_user && codec_decode(&asn_DEF_RTSE_apdus,
			    buf_ptr(&a.user), buf_avail(&a.user), RTSE_CAP,
			    &v, NULL) == 0) {
				RTSE_apdus_t *ra = v;

				if (ra->present == RTSE_apdus_PR_rtorj_apdu &&
				    ra->choice.rtorj_apdu.userDataRJ) {
					buf_add(&bind, ra->choice.rtorj_apdu.
						userDataRJ->buf, (size_t)ra->
						choice.rtorj_apdu.userDataRJ->
						size);
					r->why_event = EV_RTSE_REFUSED;
				}
				codec_free(&asn_DEF_RTSE_apdus, ra);
			}
			acse_apdu_free(&a);
		}
		up(r, RTSE_OPEN_REFUSED, buf_ptr(&bind), buf_avail(&bind),
		   reason);
		buf_free(&acse);
		buf_free(&bind);
	}
	return 0;
}

/* ---- transfer: sending ------------------------------------------- */

/* act_id - the next activity identifier: a BER INTEGER, as ISODE and
 *	PP send it (X.225 allows any 1-6 octets) */
static void next_act_id(struct rtse *r)
{
	long v = (long)(++r->act_no % 0x7fffff);
	unsigned char *der = NULL;
	size_t n;

	if (codec_encode_alloc(&asn_DEF_NativeInteger, &v, &der, &n) != 0 ||
	    n > sizeof(r->act_id))
		panic("rtse: activity identifier");
	memcpy(r->act_id, der, n);
	r->act_id_len = n;
	free(der);
}

/* send_segment - one segment of the APDU: an RTTR in a P-DATA, or the
 *	octets themselves in X.410-1984 mode */
static int send_segment(struct rtse *r, const unsigned char *p, size_t n)
{
	struct buf out = BUF_INIT;
	int rc;

	if (r->cfg.mode == RTSE_X410) {
		rc = ses_data_req(&r->ses, p, n);
	} else {
		RTSE_apdus_t *a = XNEW(RTSE_apdus_t);
		struct buf rttr = BUF_INIT;

		a->present = RTSE_apdus_PR_rttr_apdu;
		asnx_octets(&a->choice.rttr_apdu, p, n);
		rc = encode(&asn_DEF_RTSE_apdus, a, &rttr);
		if (rc == 0)
			rc = pres_data_build(&r->pres, r->pres.id_rtse,
					     buf_ptr(&rttr), buf_avail(&rttr),
					     &out);
		buf_free(&rttr);
		if (rc == 0)
			rc = ses_data_req(&r->ses, buf_ptr(&out),
					  buf_avail(&out));
	}
	buf_free(&out);
	return rc;
}

/* tx_pump - send what the window allows; end the activity when done */
static void tx_pump(struct rtse *r)
{
	if (!r->tx_active || r->tx_ending || r->tx_interrupted)
		return;
	while (r->tx_sent < r->tx_total) {
		size_t n = r->tx_total - r->tx_sent;

		if (r->ckpt && n > r->ckpt)
			n = r->ckpt;
		if (r->ckpt && r->tx_sent > 0) {
			/* 9.3.3: a checkpoint before every segment but the
			 * first; wait while the window is full */
			if (r->tx_sn - r->tx_sn_acked >= r->window)
				return;
			if (ses_sync_minor_req(&r->ses, 1, NULL, 0,
					       &r->tx_sn) != 0)
				return;
		}
		if (send_segment(r, buf_ptr(&r->tx) + r->tx_sent, n) != 0)
			return;
		r->tx_sent += n;
	}
	if (ses_act_end_req(&r->ses, NULL, 0, NULL) == 0)
		r->tx_ending = 1;
}

/* wrap_apdu - X.228 9.3 as PP does it: the RTSE user's APDU as an
 *	EXTERNAL naming its presentation context */
static int wrap_apdu(struct rtse *r, const void *apdu, size_t n,
		     struct buf *out)
{
	ACSE_External_t *x;

	if (r->cfg.mode == RTSE_X410 || r->pres.id_mts == 0 || n == 0) {
		buf_add(out, apdu, n);
		return 0;
	}
	x = XNEW(ACSE_External_t);
	x->indirect_reference = asnx_long(r->pres.id_mts);
	x->encoding.present = ACSE_External__encoding_PR_single_ASN1_type;
	asnx_any_raw(&x->encoding.choice.single_ASN1_type, apdu, n);
	return encode(&asn_DEF_ACSE_External, x, out);
}

int rtse_transfer_req(struct rtse *r, const void *apdu, size_t n, void *tag)
{
	int rc;

	if (r->state != RTSE_ST_OPEN || r->tx_active)
		return RTSE_E_STATE;
	if (!r->turn)
		return RTSE_E_TURN;
	if (n > 0 && !ber_whole(apdu, n))
		return RTSE_E_ENCODE;	/* the EXTERNAL needs one BER value */
	buf_reset(&r->tx);
	if (wrap_apdu(r, apdu, n, &r->tx) != 0)
		return RTSE_E_ENCODE;
	next_act_id(r);
	if ((rc = ses_act_start_req(&r->ses, r->act_id, r->act_id_len, NULL,
				    0)) != 0)
		return rc == SES_E_TOKEN ? RTSE_E_TURN : RTSE_E_STATE;
	r->tx_total = buf_avail(&r->tx);
	r->tx_sent = r->tx_acked = 0;
	r->tx_sn = r->tx_sn_acked = 0;
	r->tx_active = 1;
	r->tx_ending = r->tx_interrupted = 0;
	r->tx_tag = tag;
	tx_pump(r);
	return 0;
}

/* tx_done - the activity is over, one way or the other */
static void tx_done(struct rtse *r, int ok)
{
	void *tag = r->tx_tag;

	r->tx_active = r->tx_ending = r->tx_interrupted = 0;
	buf_reset(&r->tx);
	r->tx_tag = NULL;
	up_tag(r, ok ? RTSE_TRANSFER_CONF : RTSE_TRANSFER_FAILED, tag);
}

/* tx_resume - X.228 9.5.3: resume after the last confirmed checkpoint */
static void tx_resume(struct rtse *r)
{
	unsigned char old[8];
	size_t oldlen = r->act_id_len;

	memcpy(old, r->act_id, oldlen);
	next_act_id(r);
	if (ses_act_resume_req(&r->ses, r->act_id, r->act_id_len, old,
			       oldlen, r->tx_sn_acked, NULL, 0) != 0) {
		tx_done(r, 0);
		return;
	}
	snprintf(r->why, sizeof(r->why), "transfer resumed after "
		 "checkpoint %lu of %zu octets", (unsigned long)r->tx_sn_acked,
		 r->tx_total);
	r->why_event = EV_RTSE_RECOVERED;
	notice(r);
	r->tx_sent = r->tx_sn_acked * r->ckpt;
	r->tx_sn = r->tx_sn_acked;
	r->tx_interrupted = 0;
	r->tx_ending = 0;
	/* the segment after a resume point is not preceded by a new
	 * checkpoint: the resume itself marks it */
	if (r->tx_sent > 0 && r->tx_sent < r->tx_total) {
		size_t n = r->tx_total - r->tx_sent;

		if (n > r->ckpt)
			n = r->ckpt;
		if (send_segment(r, buf_ptr(&r->tx) + r->tx_sent, n) == 0)
			r->tx_sent += n;
	}
	tx_pump(r);
}

/* ---- transfer: receiving ----------------------------------------- */

/* rx_segment - append one S-DATA of the APDU being received */
static int rx_segment(struct rtse *r, const unsigned char *p, size_t n)
{
	if (!r->rx_active)
		return fail(r, EV_RTSE_OUT_OF_STATE, "data outside an "
			    "activity (%zu octets)", n);
	if (r->rx_refused)
		return 0;
	if (r->cfg.mode == RTSE_NORMAL) {
		struct buf pv = BUF_INIT;
		long ctx;
		void *v = NULL;
		int rc;

		if (pres_data_parse(&r->pres, p, n, &ctx, &pv) != 0) {
			buf_free(&pv);
			return fail(r, EV_PRES_BAD_PPDU, "P-DATA: %s",
				    r->pres.why);
		}
		if (ctx != r->pres.id_rtse) {
			buf_free(&pv);
			return fail(r, EV_PRES_CONTEXT, "transfer data in "
				    "presentation context %ld, not RTSE's "
				    "%ld", ctx, r->pres.id_rtse);
		}
		rc = codec_decode(&asn_DEF_RTSE_apdus, buf_ptr(&pv),
				  buf_avail(&pv), RTSE_CAP, &v, NULL);
		buf_free(&pv);
		if (rc != 0)
			return fail(r, EV_RTSE_BAD_APDU, "P-DATA in the RTSE "
				    "context: %s", codec_last_detail());
		if (((RTSE_apdus_t *)v)->present != RTSE_apdus_PR_rttr_apdu) {
			codec_free(&asn_DEF_RTSE_apdus, v);
			return fail(r, EV_RTSE_BAD_APDU, "RTSE APDU %d inside "
				    "an activity, not RTTR",
				    ((RTSE_apdus_t *)v)->present);
		}
		p = ((RTSE_apdus_t *)v)->choice.rttr_apdu.buf;
		n = (size_t)((RTSE_apdus_t *)v)->choice.rttr_apdu.size;
		if (buf_avail(&r->rx) + n > r->cfg.max_apdu) {
			codec_free(&asn_DEF_RTSE_apdus, v);
			goto too_big;
		}
		buf_add(&r->rx, p, n);
		codec_free(&asn_DEF_RTSE_apdus, v);
		return 0;
	}
	if (buf_avail(&r->rx) + n > r->cfg.max_apdu)
		goto too_big;
	buf_add(&r->rx, p, n);
	return 0;
too_big:
	/* X.228 9.3.4: refuse with an exception; the sender discards */
	snprintf(r->why, sizeof(r->why), "incoming APDU over %zu octets: "
		 "refused", r->cfg.max_apdu);
	r->why_event = EV_RTSE_TOO_BIG;
	r->rx_refused = 1;
	buf_reset(&r->rx);
	ses_u_exception_req(&r->ses, 5, NULL, 0);	/* local user error */
	notice(r);
	return 0;
}

/* unwrap - the APDU inside the EXTERNAL (tolerating a bare APDU) */
static int unwrap(struct rtse *r, struct buf *apdu)
{
	ACSE_External_t *x = NULL;
	const unsigned char *p = buf_ptr(&r->rx);
	size_t n = buf_avail(&r->rx);

	if (r->cfg.mode == RTSE_NORMAL && n > 0 && p[0] == 0x28) {
		if (codec_decode(&asn_DEF_ACSE_External, p, n, r->cfg.max_apdu
				 + 65536, (void **)&x, NULL) != 0)
			return fail(r, EV_RTSE_BAD_APDU, "transferred "
				    "EXTERNAL: %s", codec_last_detail());
		if (x->encoding.present !=
		    ACSE_External__encoding_PR_single_ASN1_type) {
			codec_free(&asn_DEF_ACSE_External, x);
			return fail(r, EV_RTSE_BAD_APDU, "transferred "
				    "EXTERNAL is not single-ASN1-type");
		}
		buf_add(apdu, x->encoding.choice.single_ASN1_type.buf,
			(size_t)x->encoding.choice.single_ASN1_type.size);
		codec_free(&asn_DEF_ACSE_External, x);
		return 0;
	}
	buf_add(apdu, p, n);
	return 0;
}

int rtse_transfer_rsp(struct rtse *r, int ok)
{
	if (!r->rx_wait_rsp)
		return RTSE_E_STATE;
	r->rx_wait_rsp = 0;
	if (!ok) {
		/* The user could not secure the APDU: never confirm what is
		 * not safe. The sender keeps it and tries again later. */
		send_abort(r, RTSE_AB_TEMPORARY);
		r->state = RTSE_ST_CLOSED;
		return 0;
	}
	if (ses_act_end_rsp(&r->ses, NULL, 0) != 0)
		return RTSE_E_STATE;
	return 0;
}

/* on_act_end - S-ACTIVITY-END indication: the APDU is complete */
static int on_act_end(struct rtse *r)
{
	struct buf apdu = BUF_INIT;
	int rc;

	if (!r->rx_active)
		return fail(r, EV_RTSE_OUT_OF_STATE, "activity end without "
			    "a transfer");
	r->rx_active = 0;
	if (r->rx_refused) {
		/* the sender ended instead of discarding: confirm nothing */
		r->rx_refused = 0;
		buf_reset(&r->rx);
		return fail(r, EV_RTSE_OUT_OF_STATE, "sender ended an "
			    "activity we refused");
	}
	if ((rc = unwrap(r, &apdu)) != 0) {
		buf_free(&apdu);
		return rc;
	}
	buf_reset(&r->rx);
	r->rx_wait_rsp = 1;
	up(r, RTSE_TRANSFER_IND, buf_ptr(&apdu), buf_avail(&apdu), 0);
	buf_free(&apdu);
	return 0;
}

/* ---- turn, release ----------------------------------------------- */

int rtse_turn_please_req(struct rtse *r, int priority)
{
	struct buf tp = BUF_INIT, out = BUF_INIT;
	RTSE_apdus_t *a;
	int rc;

	if (r->state != RTSE_ST_OPEN || !r->twa || r->turn)
		return RTSE_E_STATE;
	a = XNEW(RTSE_apdus_t);
	a->present = RTSE_apdus_PR_rttp_apdu;
	a->choice.rttp_apdu = priority;
	rc = encode(&asn_DEF_RTSE_apdus, a, &tp);
	if (rc == 0 && r->cfg.mode == RTSE_NORMAL)
		rc = pres_data_build(&r->pres, r->pres.id_rtse, buf_ptr(&tp),
				     buf_avail(&tp), &out);
	else if (rc == 0)
		buf_add(&out, buf_ptr(&tp), buf_avail(&tp));
	if (rc == 0)
		rc = ses_token_please_req(&r->ses, SES_TK_DATA | SES_TK_MINOR
					  | SES_TK_MAJOR, buf_ptr(&out),
					  buf_avail(&out));
	buf_free(&tp);
	buf_free(&out);
	return rc ? RTSE_E_STATE : 0;
}

int rtse_turn_give_req(struct rtse *r)
{
	if (r->state != RTSE_ST_OPEN || !r->twa)
		return RTSE_E_STATE;
	if (!r->turn)
		return RTSE_E_TURN;
	if (rtse_busy(r) || ses_control_give_req(&r->ses) != 0)
		return RTSE_E_STATE;
	r->turn = 0;
	return 0;
}

/* on_turn_please - RTTP in S-TOKEN-PLEASE user data */
static int on_turn_please(struct rtse *r, const struct ses_ind *ind)
{
	struct buf tp = BUF_INIT;
	void *v = NULL;
	long prio = 0;
	int rc = 0;

	if (!r->twa)
		return fail(r, EV_RTSE_OUT_OF_STATE, "turn requested in a "
			    "monologue association");
	if (ind->udlen) {
		if (r->cfg.mode == RTSE_NORMAL) {
			long ctx;

			if (pres_data_parse(&r->pres, ind->ud, ind->udlen,
					    &ctx, &tp) != 0)
				rc = fail(r, EV_PRES_BAD_PPDU, "S-TOKEN-PLEASE "
					  "user data: %s", r->pres.why);
		} else {
			buf_add(&tp, ind->ud, ind->udlen);
		}
		if (rc == 0 && codec_decode(&asn_DEF_RTSE_apdus, buf_ptr(&tp),
		    buf_avail(&tp), RTSE_CAP, &v, NULL) == 0) {
			if (((RTSE_apdus_t *)v)->present ==
			    RTSE_apdus_PR_rttp_apdu)
				prio = ((RTSE_apdus_t *)v)->choice.rttp_apdu;
			else
				rc = fail(r, EV_RTSE_BAD_APDU, "S-TOKEN-PLEASE "
					  "carries RTSE APDU %d, not RTTP",
					  ((RTSE_apdus_t *)v)->present);
			codec_free(&asn_DEF_RTSE_apdus, v);
		} else if (rc == 0) {
			rc = fail(r, EV_RTSE_BAD_APDU, "RTTP: %s",
				  codec_last_detail());
		}
	}
	buf_free(&tp);
	if (rc == 0)
		up(r, RTSE_TURN_PLEASE_IND, NULL, 0, (int)prio);
	return rc;
}

int rtse_close_req(struct rtse *r)
{
	struct buf out = BUF_INIT, acse = BUF_INIT;
	int rc = 0;

	if (r->state != RTSE_ST_OPEN || rtse_busy(r))
		return RTSE_E_STATE;
	if (!r->turn)
		return RTSE_E_TURN;
	if (r->cfg.mode == RTSE_NORMAL) {
		struct acse_apdu a;
		char why[128];

		memset(&a, 0, sizeof(a));
		a.type = ACSE_RLRQ;
		a.reason = 0;	/* normal */
		rc = acse_build(&a, &acse, why, sizeof(why));
		if (rc == 0)
			rc = pres_data_build(&r->pres, r->pres.id_acse,
					     buf_ptr(&acse), buf_avail(&acse),
					     &out);
	}
	if (rc == 0)
		rc = ses_release_req(&r->ses, buf_ptr(&out), buf_avail(&out));
	buf_free(&out);
	buf_free(&acse);
	if (rc != 0)
		return RTSE_E_STATE;
	r->state = RTSE_ST_CLOSING;
	return 0;
}

int rtse_close_rsp(struct rtse *r)
{
	struct buf out = BUF_INIT, acse = BUF_INIT;
	int rc = 0;

	if (r->state != RTSE_ST_WAIT_CLOSE_RSP)
		return RTSE_E_STATE;
	if (r->cfg.mode == RTSE_NORMAL) {
		struct acse_apdu a;
		char why[128];

		memset(&a, 0, sizeof(a));
		a.type = ACSE_RLRE;
		a.reason = 0;
		rc = acse_build(&a, &acse, why, sizeof(why));
		if (rc == 0)
			rc = pres_data_build(&r->pres, r->pres.id_acse,
					     buf_ptr(&acse), buf_avail(&acse),
					     &out);
	}
	if (rc == 0)
		rc = ses_release_rsp(&r->ses, buf_ptr(&out), buf_avail(&out));
	buf_free(&out);
	buf_free(&acse);
	r->state = RTSE_ST_CLOSED;
	return rc ? RTSE_E_STATE : 0;
}

/* expect_acse - the ACSE APDU of a release PDU */
static int expect_acse(struct rtse *r, const struct ses_ind *ind,
		       enum acse_type want)
{
	struct buf pv = BUF_INIT;
	struct acse_apdu a;
	char why[160];
	long ctx;
	int rc;

	if (r->cfg.mode == RTSE_X410)
		return 0;
	if (pres_data_parse(&r->pres, ind->ud, ind->udlen, &ctx, &pv) != 0) {
		buf_free(&pv);
		return fail(r, EV_PRES_BAD_PPDU, "release user data: %s",
			    r->pres.why);
	}
	rc = acse_parse(buf_ptr(&pv), buf_avail(&pv), &a, why, sizeof(why));
	buf_free(&pv);
	if (rc != 0)
		return fail(r, EV_ACSE_BAD_APDU, "ACSE: %s", why);
	acse_apdu_free(&a);
	if (a.type != want)
		return fail(r, EV_ACSE_BAD_APDU, "%s where %s was due",
			    acse_type_name(a.type), acse_type_name(want));
	return 0;
}

/* on_abort - S-U-ABORT from the peer: read RTAB for its reason */
static void on_abort(struct rtse *r, const struct ses_ind *ind, int user)
{
	int reason = user ? RTSE_AB_USER : RTSE_AB_PERMANENT;
	unsigned ev = user ? EV_RTSE_ABORTED : EV_SES_ABORTED;
	struct buf ab = BUF_INIT;
	struct rtse_ind ri;
	void *v = NULL;

	if (user && ind->udlen) {
		if (r->cfg.mode == RTSE_NORMAL) {
			struct buf acse = BUF_INIT;
			struct acse_apdu a;
			int is_user, pr;
			char why[128];

			/* who aborted: presentation (ARP, or ARU without
			 * ABRT), ACSE (ABRT without RTAB), or RTSE */
			ev = EV_PRES_ABORTED;
			if (pres_abort_parse(&r->pres, ind->ud, ind->udlen,
					     &is_user, &pr, &acse) == 0 &&
			    buf_avail(&acse) && acse_parse(buf_ptr(&acse),
			    buf_avail(&acse), &a, why, sizeof(why)) == 0) {
				ev = EV_ACSE_ABORTED;
				if (a.have_user)
					buf_add(&ab, buf_ptr(&a.user),
						buf_avail(&a.user));
				acse_apdu_free(&a);
			}
			buf_free(&acse);
		} else {
			buf_add(&ab, ind->ud, ind->udlen);
		}
		if (buf_avail(&ab) && codec_decode(&asn_DEF_RTSE_apdus,
		    buf_ptr(&ab), buf_avail(&ab), RTSE_CAP, &v, NULL) == 0) {
			RTSE_apdus_t *a = v;

			if (a->present == RTSE_apdus_PR_rtab_apdu) {
				ev = EV_RTSE_ABORTED;
				if (a->choice.rtab_apdu.abortReason)
					reason = (int)
					    *a->choice.rtab_apdu.abortReason;
			}
			codec_free(&asn_DEF_RTSE_apdus, a);
		}
	}
	buf_free(&ab);
	snprintf(r->why, sizeof(r->why), "%s abort%s, reason %d",
		 user ? "peer" : "provider", ev == EV_RTSE_ABORTED ?
		 " (RTAB)" : ev == EV_ACSE_ABORTED ? " (ACSE ABRT)" :
		 ev == EV_PRES_ABORTED ? " (presentation ARU/ARP)" :
		 " (session)", reason);
	r->why_event = ev;
	r->state = RTSE_ST_CLOSED;
	if (r->tx_active) {
		r->tx_active = 0;
		up_tag(r, RTSE_TRANSFER_FAILED, r->tx_tag);
	}
	memset(&ri, 0, sizeof(ri));
	ri.type = RTSE_ABORT_IND;
	ri.reason = reason;
	ri.peer = 1;
	r->user(r->arg, &ri);
}

/* ---- session indications ----------------------------------------- */

/* in_open - the indications of the open association */
static int in_open(struct rtse *r, const struct ses_ind *ind)
{
	switch (ind->type) {
	case SES_ACT_START_IND:
		if (r->rx_active || r->rx_wait_rsp)
			return fail(r, EV_RTSE_OUT_OF_STATE, "activity start "
				    "during a transfer");
		r->rx_active = 1;
		r->rx_refused = 0;
		buf_reset(&r->rx);
		r->rx_ckpt_len = 0;
		r->rx_ckpt_sn = 0;
		if (ind->act_id_len <= sizeof(r->rx_act_id)) {
			memcpy(r->rx_act_id, ind->act_id, ind->act_id_len);
			r->rx_act_id_len = ind->act_id_len;
		}
		return 0;
	case SES_DATA_IND:
		return rx_segment(r, ind->ud, ind->udlen);
	case SES_SYNC_MINOR_IND:
		if (!r->rx_active)
			return fail(r, EV_RTSE_OUT_OF_STATE, "checkpoint "
				    "outside a transfer");
		r->rx_ckpt_len = buf_avail(&r->rx);
		r->rx_ckpt_sn = ind->serial;
		if (!r->rx_refused)
			ses_sync_minor_rsp(&r->ses, ind->serial, NULL, 0);
		return 0;
	case SES_ACT_END_IND:
		return on_act_end(r);
	case SES_ACT_INTERRUPT_IND:
		/* 9.5.3: keep what was secured at the last checkpoint */
		r->rx_active = 0;
		if (!r->recovery || r->rx_refused) {
			buf_reset(&r->rx);
			r->rx_act_id_len = 0;
		}
		r->rx_refused = 0;
		ses_act_interrupt_rsp(&r->ses);
		return 0;
	case SES_ACT_DISCARD_IND:
		r->rx_active = 0;
		r->rx_refused = 0;
		buf_reset(&r->rx);
		r->rx_act_id_len = 0;
		ses_act_discard_rsp(&r->ses);
		return 0;
	case SES_ACT_RESUME_IND:
		if (!r->recovery || r->rx_act_id_len == 0 ||
		    ind->old_act_id_len != r->rx_act_id_len ||
		    memcmp(ind->old_act_id, r->rx_act_id,
			   r->rx_act_id_len) != 0 ||
		    ind->serial > r->rx_ckpt_sn) {
			/* 9.5.3: a resume we cannot match: refuse it; the
			 * sender then discards */
			r->rx_active = 1;
			r->rx_refused = 1;
			buf_reset(&r->rx);
			snprintf(r->why, sizeof(r->why), "cannot resume "
				 "activity (serial %lu): refused", ind->serial);
			r->why_event = EV_RTSE_TRANSFER_FAILED;
			ses_u_exception_req(&r->ses, 6, NULL, 0);
			notice(r);
			return 0;
		}
		r->rx_active = 1;
		r->rx_refused = 0;
		r->rx.len = r->rx.off + ind->serial * r->ckpt;
		snprintf(r->why, sizeof(r->why), "the peer resumes its "
			 "transfer after checkpoint %lu", ind->serial);
		r->why_event = EV_RTSE_RECOVERED;
		notice(r);
		if (ind->act_id_len <= sizeof(r->rx_act_id)) {
			memcpy(r->rx_act_id, ind->act_id, ind->act_id_len);
			r->rx_act_id_len = ind->act_id_len;
		}
		return 0;
	case SES_SYNC_MINOR_CONF:
		if (!r->tx_active)
			return fail(r, EV_RTSE_OUT_OF_STATE, "checkpoint "
				    "confirmation outside a transfer");
		r->tx_sn_acked = ind->serial;
		r->tx_acked = ind->serial * r->ckpt;
		tx_pump(r);
		return 0;
	case SES_ACT_END_CONF:
		if (!r->tx_active)
			return fail(r, EV_RTSE_OUT_OF_STATE, "activity end "
				    "confirmation outside a transfer");
		tx_done(r, 1);
		return 0;
	case SES_U_EXCEPTION_IND:
	case SES_P_EXCEPTION_IND:
		if (!r->tx_active)
			return fail(r, EV_RTSE_OUT_OF_STATE, "exception report "
				    "outside a transfer");
		snprintf(r->why, sizeof(r->why), "receiver reported "
			 "exception %d during a transfer", ind->reason);
		r->why_event = EV_RTSE_TRANSFER_FAILED;
		notice(r);
		if (r->recovery && ind->reason == 1 && !r->tx_interrupted) {
			r->tx_interrupted = 1;	/* temporarily unable */
			ses_act_interrupt_req(&r->ses, 1);
		} else {
			r->tx_interrupted = 0;
			ses_act_discard_req(&r->ses, 0);
		}
		return 0;
	case SES_ACT_INTERRUPT_CONF:
		tx_resume(r);
		return 0;
	case SES_ACT_DISCARD_CONF:
		tx_done(r, 0);
		return 0;
	case SES_TOKEN_PLEASE_IND:
		return on_turn_please(r, ind);
	case SES_CONTROL_GIVE_IND:
		r->turn = 1;
		up(r, RTSE_TURN_GIVE_IND, NULL, 0, 0);
		return 0;
	case SES_TOKEN_GIVE_IND:
		/* tolerated: a GT of every token is a turn given */
		if ((r->ses.owned & SES_TK_DATA) && !r->turn) {
			r->turn = 1;
			up(r, RTSE_TURN_GIVE_IND, NULL, 0, 0);
		}
		return 0;
	case SES_RELEASE_IND:
		if (rtse_busy(r))
			return fail(r, EV_RTSE_OUT_OF_STATE, "release during "
				    "a transfer");
		if (expect_acse(r, ind, ACSE_RLRQ) != 0)
			return RTSE_E_PROTOCOL;
		r->state = RTSE_ST_WAIT_CLOSE_RSP;
		up(r, RTSE_CLOSE_IND, NULL, 0, 0);
		return 0;
	default:
		return fail(r, EV_RTSE_OUT_OF_STATE, "session indication %d "
			    "in state %s", ind->type,
			    rtse_state_name(r->state));
	}
}

static void on_ses(void *arg, const struct ses_ind *ind)
{
	struct rtse *r = arg;
	int rc = 0;

	switch (ind->type) {
	case SES_CONNECT_IND:
		if (r->role != RTSE_RESPONDER || r->state != RTSE_ST_IDLE) {
			rc = fail(r, EV_RTSE_OUT_OF_STATE, "S-CONNECT "
				  "indication in state %s",
				  rtse_state_name(r->state));
			break;
		}
		on_connect_ind(r, ind);
		return;		/* refusals are complete: no abort */
	case SES_CONNECT_CONF:
		rc = on_connect_conf(r, ind);
		break;
	case SES_REFUSE_IND:
		on_refuse(r, ind);
		return;
	case SES_RELEASE_CONF:
		if (r->state != RTSE_ST_CLOSING) {
			rc = fail(r, EV_RTSE_OUT_OF_STATE, "release "
				  "confirmation in state %s",
				  rtse_state_name(r->state));
			break;
		}
		if (expect_acse(r, ind, ACSE_RLRE) != 0) {
			/* released anyway at the session level */
			r->state = RTSE_ST_CLOSED;
			up(r, RTSE_ABORT_IND, NULL, 0, RTSE_AB_PROTOCOL);
			return;
		}
		r->state = RTSE_ST_CLOSED;
		up(r, RTSE_CLOSE_CONF, NULL, 0, 0);
		return;
	case SES_U_ABORT_IND:
		on_abort(r, ind, 1);
		return;
	case SES_P_ABORT_IND:
		if (r->state == RTSE_ST_CLOSED)
			return;
		snprintf(r->why, sizeof(r->why), "session: %s",
			 r->ses.why[0] ? r->ses.why : "provider abort");
		r->why_event = r->ses.why[0] ? EV_SES_BAD_SPDU :
		    EV_SES_ABORTED;
		r->state = RTSE_ST_CLOSED;
		if (r->tx_active) {
			r->tx_active = 0;
			up_tag(r, RTSE_TRANSFER_FAILED, r->tx_tag);
		}
		up(r, RTSE_ABORT_IND, NULL, 0, RTSE_AB_PROTOCOL);
		return;
	default:
		if (r->state != RTSE_ST_OPEN && r->state != RTSE_ST_CLOSING) {
			rc = fail(r, EV_RTSE_OUT_OF_STATE, "session "
				  "indication %d in state %s", ind->type,
				  rtse_state_name(r->state));
			break;
		}
		rc = in_open(r, ind);
		break;
	}
	if (rc != 0)
		protocol_abort(r);
}

int rtse_input(struct rtse *r, const unsigned char *tsdu, size_t n)
{
	int rc;

	r->why[0] = 0;
	r->why_event = 0;
	if (r->state == RTSE_ST_CLOSED)
		return 0;
	rc = ses_input(&r->ses, tsdu, n);
	if (rc != 0 && r->why_event == 0) {
		snprintf(r->why, sizeof(r->why), "session: %s", r->ses.why);
		r->why_event = EV_SES_BAD_SPDU;
	}
	if (rc == 0 && r->state == RTSE_ST_CLOSED && r->why_event &&
	    r->why_event != EV_RTSE_ABORTED && r->why_event != EV_RTSE_REFUSED
	    && r->why_event != EV_SES_REFUSED && r->why_event !=
	    EV_ACSE_REFUSED && r->why_event != EV_PRES_REFUSED)
		return RTSE_E_PROTOCOL;	/* refused by us for a fault */
	if (rc == 0 && r->ses.state == SES_ST_CLOSED && r->why[0] == 0 &&
	    r->ses.why[0]) {
		snprintf(r->why, sizeof(r->why), "session: %s", r->ses.why);
		r->why_event = EV_SES_REFUSED;
		return RTSE_E_PROTOCOL;
	}
	return rc ? RTSE_E_PROTOCOL : 0;
}

void rtse_transport_lost(struct rtse *r)
{
	if (r->state == RTSE_ST_CLOSED)
		return;
	ses_transport_lost(&r->ses);
}
