/*
 * rtse_xfer.c - transfer on an RTSE association (ITU-T X.228 9.3-9.5)
 *
 * See rtse.h and rtse_int.h. One activity per APDU: the sender's
 * segments, checkpoints and window, the receiver's reassembly and
 * confirmations, refusal by exception, recovery by interrupting and
 * resuming the activity from the last confirmed checkpoint (9.5.3), and
 * the turn (tokens: RT-TURN-PLEASE and RT-TURN-GIVE, 9.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asnx.h"
#include "codec.h"
#include "events.h"
#include "rtse_int.h"
#include "xalloc.h"

#include "ACSE-External.h"
#include "NativeInteger.h"
#include "RTSE-apdus.h"

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
		rc = rtse_encode(&asn_DEF_RTSE_apdus, a, &rttr);
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
	return rtse_encode(&asn_DEF_ACSE_External, x, out);
}

int rtse_transfer_req(struct rtse *r, const void *apdu, size_t n, void *tag)
{
	int rc;

	if (r->state != RTSE_ST_OPEN || r->tx_active)
		return RTSE_E_STATE;
	if (!r->turn)
		return RTSE_E_TURN;
	if (n > 0 && !rtse_ber_whole(apdu, n))
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
	rtse_up_tag(r, ok ? RTSE_TRANSFER_CONF : RTSE_TRANSFER_FAILED, tag,
		    RTSE_AB_TEMPORARY);
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
	rtse_notice(r);
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
		return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "data outside an "
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
			return rtse_fail(r, EV_PRES_BAD_PPDU, "P-DATA: %s",
					 r->pres.why);
		}
		if (ctx != r->pres.id_rtse) {
			buf_free(&pv);
			return rtse_fail(r, EV_PRES_CONTEXT, "transfer data in "
					 "presentation context %ld, not RTSE's "
					 "%ld", ctx, r->pres.id_rtse);
		}
		rc = codec_decode(&asn_DEF_RTSE_apdus, buf_ptr(&pv),
				  buf_avail(&pv), RTSE_CAP, &v, NULL);
		buf_free(&pv);
		if (rc != 0)
			return rtse_fail(r, EV_RTSE_BAD_APDU, "P-DATA in the "
					 "RTSE context: %s",
					 codec_last_detail());
		if (((RTSE_apdus_t *)v)->present != RTSE_apdus_PR_rttr_apdu) {
			codec_free(&asn_DEF_RTSE_apdus, v);
			return rtse_fail(r, EV_RTSE_BAD_APDU, "RTSE APDU %d "
					 "inside an activity, not RTTR",
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
	rtse_notice(r);
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
			return rtse_fail(r, EV_RTSE_BAD_APDU, "transferred "
					 "EXTERNAL: %s", codec_last_detail());
		if (x->encoding.present !=
		    ACSE_External__encoding_PR_single_ASN1_type) {
			codec_free(&asn_DEF_ACSE_External, x);
			return rtse_fail(r, EV_RTSE_BAD_APDU, "transferred "
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
	if (ok != RTSE_RSP_OK) {
		/* The user could not secure the APDU: never confirm what is
		 * not safe. temporaryProblem: the sender keeps it and tries
		 * again later; permanentProblem: it never will be taken
		 * (X.228 AbortReason), the sender gives up and reports. */
		rtse_send_abort(r, ok == RTSE_RSP_PERMANENT ?
				RTSE_AB_PERMANENT : RTSE_AB_TEMPORARY);
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
		return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "activity end "
				 "without a transfer");
	r->rx_active = 0;
	if (r->rx_refused) {
		/* the sender ended instead of discarding: confirm nothing */
		r->rx_refused = 0;
		buf_reset(&r->rx);
		return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "sender ended an "
				 "activity we refused");
	}
	if ((rc = unwrap(r, &apdu)) != 0) {
		buf_free(&apdu);
		return rc;
	}
	buf_reset(&r->rx);
	r->rx_wait_rsp = 1;
	rtse_up(r, RTSE_TRANSFER_IND, buf_ptr(&apdu), buf_avail(&apdu), 0);
	buf_free(&apdu);
	return 0;
}

/* ---- turns (9.4) ------------------------------------------------- */

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
	rc = rtse_encode(&asn_DEF_RTSE_apdus, a, &tp);
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
		return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "turn requested in a "
				 "monologue association");
	if (ind->udlen) {
		if (r->cfg.mode == RTSE_NORMAL) {
			long ctx;

			if (pres_data_parse(&r->pres, ind->ud, ind->udlen,
					    &ctx, &tp) != 0)
				rc = rtse_fail(r, EV_PRES_BAD_PPDU,
					       "S-TOKEN-PLEASE user data: %s",
					       r->pres.why);
		} else {
			buf_add(&tp, ind->ud, ind->udlen);
		}
		if (rc == 0 && codec_decode(&asn_DEF_RTSE_apdus, buf_ptr(&tp),
		    buf_avail(&tp), RTSE_CAP, &v, NULL) == 0) {
			if (((RTSE_apdus_t *)v)->present ==
			    RTSE_apdus_PR_rttp_apdu)
				prio = ((RTSE_apdus_t *)v)->choice.rttp_apdu;
			else
				rc = rtse_fail(r, EV_RTSE_BAD_APDU,
					       "S-TOKEN-PLEASE carries RTSE "
					       "APDU %d, not RTTP",
					       ((RTSE_apdus_t *)v)->present);
			codec_free(&asn_DEF_RTSE_apdus, v);
		} else if (rc == 0) {
			rc = rtse_fail(r, EV_RTSE_BAD_APDU, "RTTP: %s",
				       codec_last_detail());
		}
	}
	buf_free(&tp);
	if (rc == 0)
		rtse_up(r, RTSE_TURN_PLEASE_IND, NULL, 0, (int)prio);
	return rc;
}


/* ---- session indications ----------------------------------------- */

/* rtse_xfer_ind - the indications of the open association but
 *	S-RELEASE: activities, data, checkpoints, exceptions, tokens */
int rtse_xfer_ind(struct rtse *r, const struct ses_ind *ind)
{
	switch (ind->type) {
	case SES_ACT_START_IND:
		if (r->rx_active || r->rx_wait_rsp)
			return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "activity "
					 "start during a transfer");
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
			return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "checkpoint "
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
			rtse_notice(r);
			return 0;
		}
		r->rx_active = 1;
		r->rx_refused = 0;
		r->rx.len = r->rx.off + ind->serial * r->ckpt;
		snprintf(r->why, sizeof(r->why), "the peer resumes its "
			 "transfer after checkpoint %lu", ind->serial);
		r->why_event = EV_RTSE_RECOVERED;
		rtse_notice(r);
		if (ind->act_id_len <= sizeof(r->rx_act_id)) {
			memcpy(r->rx_act_id, ind->act_id, ind->act_id_len);
			r->rx_act_id_len = ind->act_id_len;
		}
		return 0;
	case SES_SYNC_MINOR_CONF:
		if (!r->tx_active)
			return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "checkpoint "
					 "confirmation outside a transfer");
		r->tx_sn_acked = ind->serial;
		r->tx_acked = ind->serial * r->ckpt;
		tx_pump(r);
		return 0;
	case SES_ACT_END_CONF:
		if (!r->tx_active)
			return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "activity "
					 "end confirmation outside a transfer");
		tx_done(r, 1);
		return 0;
	case SES_U_EXCEPTION_IND:
	case SES_P_EXCEPTION_IND:
		if (!r->tx_active)
			return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "exception "
					 "report outside a transfer");
		snprintf(r->why, sizeof(r->why), "receiver reported "
			 "exception %d during a transfer", ind->reason);
		r->why_event = EV_RTSE_TRANSFER_FAILED;
		rtse_notice(r);
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
		rtse_up(r, RTSE_TURN_GIVE_IND, NULL, 0, 0);
		return 0;
	case SES_TOKEN_GIVE_IND:
		/* tolerated: a GT of every token is a turn given */
		if ((r->ses.owned & SES_TK_DATA) && !r->turn) {
			r->turn = 1;
			rtse_up(r, RTSE_TURN_GIVE_IND, NULL, 0, 0);
		}
		return 0;
	default:
		return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "session indication "
				 "%d in state %s", ind->type,
				 rtse_state_name(r->state));
	}
}

