/*
 * rtse_open.c - establishment of an RTSE association (ITU-T X.228 9.1)
 *
 * See rtse.h and rtse_int.h. RT-OPEN in both modes: normal mode, with
 * RTORQ, RTOAC and RTORJ in the user information of ACSE's AARQ and AARE,
 * inside the presentation CP, CPA and CPR; and X.410-1984 mode, with
 * PConnect, PAccept and PRefuse straight in the user data of the session
 * CN, AC and RF. The initiator proposes the checkpoint size, window and
 * dialogue mode; the responder may only lower them (9.1.3).
 */
#include <stdio.h>
#include <string.h>

#include "asnx.h"
#include "codec.h"
#include "events.h"
#include "rtse_int.h"
#include "xalloc.h"

#include "CP-type.h"
#include "PAccept.h"
#include "PConnect.h"
#include "PRefuse.h"
#include "RTSE-apdus.h"

#define TOKENS_RESPONDER 0x15	/* data, minor, major: responder's side */


/* rtse_p1_protocol - an X.410-1984 applicationProtocol that names P1:
 *	1 (X.410 1984), 12 (1988 MTAs in X.410 mode: PP's "1988-X410"
 *	connection type; Wireshark registers both for P1), and 256 and
 *	3072, the same two with their octets swapped, which PP sends on
 *	little-endian hosts (ISODE's RtBeginRequest passes the value
 *	through ntohs(), PP never applied htons()) */
static int rtse_p1_protocol(long v)
{
	return v == 1 || v == 12 || v == 256 || v == 3072;
}

/* rtse_same_protocol - got and want name the same protocol */
static int rtse_same_protocol(long got, long want)
{
	return got == want || (rtse_p1_protocol(got) && rtse_p1_protocol(want));
}

/* connection_data - ConnectionData "open" holding the user's value */
static void connection_data(ConnectionData_t *cd, const void *ud, size_t n)
{
	cd->present = ConnectionData_PR_open;
	asnx_any_raw(&cd->choice.open, ud, n);
}

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
		return rtse_encode(&asn_DEF_PConnect, pc, out);
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
		return rtse_encode(&asn_DEF_RTSE_apdus, a, out);
	}
}

int rtse_open_req(struct rtse *r, const void *ud, size_t n)
{
	struct buf rq = BUF_INIT, acse = BUF_INIT, cp = BUF_INIT;
	struct ses_conn c;
	int rc;

	if (r->role != RTSE_INITIATOR || r->state != RTSE_ST_IDLE)
		return RTSE_E_STATE;
	if (!rtse_ber_whole(ud, n))
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
			return rtse_fail(r, EV_RTSE_BAD_APDU, "PConnect: %s",
					 codec_last_detail());
		pc = v;
		if (pc->dataTransferSyntax.syntax != 0)
			rc = rtse_fail(r, EV_RTSE_BAD_APDU, "PConnect data "
				       "transfer syntax %ld, not X.409 (0)",
				       pc->dataTransferSyntax.syntax);
		else if (pc->pUserData.connectionData.present !=
			 ConnectionData_PR_open)
			rc = rtse_fail(r, EV_RTSE_BAD_APDU, "PConnect asks to "
				       "recover a connection");
		else if (pc->pUserData.applicationProtocol &&
			 !rtse_same_protocol(*pc->pUserData.applicationProtocol,
					     r->cfg.application_protocol))
			rc = rtse_fail(r, EV_RTSE_BAD_APDU, "PConnect "
				       "application protocol %ld, expected %ld",
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
			return rtse_fail(r, EV_RTSE_BAD_APDU, "AARQ user "
					 "information: %s",
					 codec_last_detail());
		a = v;
		q = &a->choice.rtorq_apdu;
		if (a->present != RTSE_apdus_PR_rtorq_apdu)
			rc = rtse_fail(r, EV_RTSE_BAD_APDU, "AARQ carries RTSE "
				       "APDU %d, not RTORQ", a->present);
		else if (q->connectionDataRQ.present != ConnectionData_PR_open)
			rc = rtse_fail(r, EV_RTSE_BAD_APDU, "RTORQ asks to "
				       "recover a connection");
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

/* rtse_on_connect_ind - S-CONNECT indication at the responder */
int rtse_on_connect_ind(struct rtse *r, const struct ses_ind *ind)
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
			if (rtse_encode(&asn_DEF_PRefuse, rf, &pr) == 0)
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

			rtse_fail(r, ev, "presentation: %s", r->pres.why);
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
			rtse_fail(r, EV_ACSE_BAD_APDU, "ACSE: %s", rc ? why :
				  "connect carries no AARQ");
			refuse_cp(r, 0);
			return RTSE_E_PROTOCOL;
		}
		if (strcmp(a.context, ACSE_OID_MTS_TRANSFER) != 0) {
			rtse_fail(r, EV_ACSE_CONTEXT, "application context %s "
				  "is not mts-transfer (%s)", a.context,
				  ACSE_OID_MTS_TRANSFER);
			acse_apdu_free(&a);
			aare_reject(r, ACSE_D_CONTEXT, NULL, 0);
			return RTSE_E_PROTOCOL;
		}
		if (!a.have_user || a.user_ctx != r->pres.id_rtse ||
		    r->pres.id_rtse == 0) {
			rtse_fail(r, EV_RTSE_BAD_APDU, "AARQ without RTORQ in "
				  "the RTSE context (user information in "
				  "context %ld)", a.user_ctx);
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
	rtse_up(r, RTSE_OPEN_IND, buf_ptr(&bind), buf_avail(&bind), 0);
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
	if (n > 0 && !rtse_ber_whole(ud, n))
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
			rc = rtse_encode(&asn_DEF_PAccept, pa, &rt);
		} else {
			PRefuse_t *rf = XNEW(PRefuse_t);

			rf->refuseReason = r->refuse_reason ?
			    r->refuse_reason : RTSE_RJ_VALIDATION;
			rc = rtse_encode(&asn_DEF_PRefuse, rf, &rt);
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
		rc = rtse_encode(&asn_DEF_RTSE_apdus, a, &rt);
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

/* rtse_on_connect_conf - S-CONNECT confirm (accepted) at the initiator */
int rtse_on_connect_conf(struct rtse *r, const struct ses_ind *ind)
{
	const long *ck = NULL, *win = NULL;
	const ANY_t *open = NULL;
	void *v = NULL;
	int rc;

	if (r->state != RTSE_ST_OPENING)
		return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "S-CONNECT confirm "
				 "in state %s", rtse_state_name(r->state));
	if (r->cfg.mode == RTSE_X410) {
		PAccept_t *pa;

		if (codec_decode(&asn_DEF_PAccept, ind->ud, ind->udlen,
				 RTSE_CAP, &v, NULL) != 0)
			return rtse_fail(r, EV_RTSE_BAD_APDU, "PAccept: %s",
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
			return rtse_fail(r, EV_PRES_BAD_PPDU,
					 "presentation: %s", r->pres.why);
		}
		rc = acse_parse(buf_ptr(&acse), buf_avail(&acse), &a, why,
				sizeof(why));
		buf_free(&acse);
		if (rc != 0)
			return rtse_fail(r, EV_ACSE_BAD_APDU, "ACSE: %s", why);
		if (a.type != ACSE_AARE || a.result != ACSE_ACCEPTED ||
		    !a.have_user || a.user_ctx != r->pres.id_rtse) {
			rtse_fail(r, EV_ACSE_BAD_APDU, "CPA carries %s (result "
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
			return rtse_fail(r, EV_RTSE_BAD_APDU, "AARE user "
					 "information: %s",
					 codec_last_detail());
		ra = v;
		if (ra->present != RTSE_apdus_PR_rtoac_apdu) {
			codec_free(&asn_DEF_RTSE_apdus, ra);
			return rtse_fail(r, EV_RTSE_BAD_APDU, "AARE carries "
					 "RTSE APDU %d, not RTOAC",
					 ra->present);
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
		rc = rtse_fail(r, EV_RTSE_BAD_APDU, "responder raised "
			       "checkpoint size %ld or window %ld",
			       ck ? *ck : 0, win ? *win : DEFAULT_WINDOW);
	} else {
		r->ckpt = ck ? (size_t)*ck * 1024 : 0;
		r->window = win ? (unsigned)*win : DEFAULT_WINDOW;
		r->twa = r->cfg.dialogue == RTSE_TWA;
		r->recovery = r->ckpt && r->cfg.recovery;
		r->state = RTSE_ST_OPEN;
		r->turn = (r->ses.owned & SES_TK_DATA) != 0;
		rtse_up(r, RTSE_OPEN_CONF, open ? open->buf : NULL,
			open ? (size_t)open->size : 0, 0);
	}
	codec_free(r->cfg.mode == RTSE_X410 ? &asn_DEF_PAccept :
		   &asn_DEF_RTSE_apdus, v);
	return rc;
}

/* rtse_on_refuse - S-CONNECT refused (RF) at the initiator */
int rtse_on_refuse(struct rtse *r, const struct ses_ind *ind)
{
	void *v = NULL;
	int reason = ind->reason;

	r->state = RTSE_ST_CLOSED;
	if (ind->udlen == 0) {
		snprintf(r->why, sizeof(r->why), "session refused, reason %d",
			 ind->reason);
		r->why_event = EV_SES_REFUSED;
		rtse_up(r, RTSE_OPEN_REFUSED, NULL, 0, reason);
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
		rtse_up(r, RTSE_OPEN_REFUSED, NULL, 0, reason);
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
		rtse_up(r, RTSE_OPEN_REFUSED, buf_ptr(&bind), buf_avail(&bind),
			reason);
		buf_free(&acse);
		buf_free(&bind);
	}
	return 0;
}

