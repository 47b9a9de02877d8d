/*
 * rtse.c - the Reliable Transfer protocol machine (ITU-T X.228)
 *
 * See rtse.h and rtse_int.h. This file holds the machine together: the
 * session below, the helpers the other files share, release (9.2), abort
 * (9.6), and the dispatch of every session indication. Establishment is
 * rtse_open.c, transfer rtse_xfer.c. Clause numbers are those of X.228
 * (1994) unless named.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asnx.h"
#include "codec.h"
#include "events.h"
#include "rtse_int.h"
#include "xalloc.h"

#include "RTSE-apdus.h"

#define DEFAULT_MAX_APDU (64u * 1024 * 1024)

/* ---- small things ------------------------------------------------ */

const char *rtse_state_name(enum rtse_state st)
{
	static const char *const n[] = {
		"IDLE", "OPENING", "WAIT-OPEN-RSP", "OPEN", "CLOSING",
		"WAIT-CLOSE-RSP", "CLOSED"
	};

	return (unsigned)st < sizeof(n) / sizeof(n[0]) ? n[st] : "?";
}

/* rtse_fail - record why the peer is at fault; returns RTSE_E_PROTOCOL */
int rtse_fail(struct rtse *r, unsigned ev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	r->why_event = ev;
	return RTSE_E_PROTOCOL;
}

/* rtse_up - give the user an indication */
void rtse_up(struct rtse *r, enum rtse_ind_type t, const void *data,
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

/* rtse_notice - pass r->why up as a log-worthy event, then forget it */
void rtse_notice(struct rtse *r)
{
	rtse_up(r, RTSE_NOTICE_IND, r->why, strlen(r->why), (int)r->why_event);
	r->why[0] = 0;
	r->why_event = 0;
}

/* rtse_up_tag - an indication about the user's transfer of that tag;
 *	reason: for RTSE_TRANSFER_FAILED, RTSE_AB_PERMANENT when the peer
 *	refused it for good, else RTSE_AB_TEMPORARY */
void rtse_up_tag(struct rtse *r, enum rtse_ind_type t, void *tag, int reason)
{
	struct rtse_ind ind;

	memset(&ind, 0, sizeof(ind));
	ind.type = t;
	ind.tag = tag;
	ind.reason = reason;
	r->user(r->arg, &ind);
}

/* rtse_encode - DER of value (freed here) appended to out */
int rtse_encode(const asn_TYPE_descriptor_t *td, void *v, struct buf *out)
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

/* rtse_ber_whole - p[0..n) is exactly one BER value */
int rtse_ber_whole(const void *p, size_t n)
{
	size_t len;

	return codec_ber_check(p, n, CODEC_MAX_DEPTH, &len) == 0 && len == n;
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
	return rtse_encode(&asn_DEF_RTSE_apdus, a, out);
}

/* rtse_send_abort - RT-U-ABORT or RT-P-ABORT: RTAB, in ABRT and ARU in
 *	normal mode (X.228 9.6.2), alone in X.410-1984 mode */
void rtse_send_abort(struct rtse *r, int reason)
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
		rtse_send_abort(r, RTSE_AB_PROTOCOL);
		r->state = RTSE_ST_CLOSED;
		rtse_up(r, RTSE_ABORT_IND, NULL, 0, RTSE_AB_PROTOCOL);
	}
	return RTSE_E_PROTOCOL;
}

int rtse_abort_req(struct rtse *r, int reason)
{
	if (r->state == RTSE_ST_CLOSED || r->state == RTSE_ST_IDLE)
		return RTSE_E_STATE;
	rtse_send_abort(r, reason);
	return 0;
}

/* ---- release (9.2) ----------------------------------------------- */

/* release_data - normal mode: RLRQ or RLRE (reason normal) in a P-DATA
 *	in the ACSE context, the user data of S-RELEASE (X.228 9.2) */
static int release_data(struct rtse *r, enum acse_type type, struct buf *out)
{
	struct buf acse = BUF_INIT;
	struct acse_apdu a;
	char why[128];
	int rc;

	memset(&a, 0, sizeof(a));
	a.type = type;
	a.reason = 0;	/* normal */
	rc = acse_build(&a, &acse, why, sizeof(why));
	if (rc == 0)
		rc = pres_data_build(&r->pres, r->pres.id_acse, buf_ptr(&acse),
				     buf_avail(&acse), out);
	buf_free(&acse);
	return rc;
}

int rtse_close_req(struct rtse *r)
{
	struct buf out = BUF_INIT;
	int rc = 0;

	if (r->state != RTSE_ST_OPEN || rtse_busy(r))
		return RTSE_E_STATE;
	if (!r->turn)
		return RTSE_E_TURN;
	if (r->cfg.mode == RTSE_NORMAL)
		rc = release_data(r, ACSE_RLRQ, &out);
	if (rc == 0)
		rc = ses_release_req(&r->ses, buf_ptr(&out), buf_avail(&out));
	buf_free(&out);
	if (rc != 0)
		return RTSE_E_STATE;
	r->state = RTSE_ST_CLOSING;
	return 0;
}

int rtse_close_rsp(struct rtse *r)
{
	struct buf out = BUF_INIT;
	int rc = 0;

	if (r->state != RTSE_ST_WAIT_CLOSE_RSP)
		return RTSE_E_STATE;
	if (r->cfg.mode == RTSE_NORMAL)
		rc = release_data(r, ACSE_RLRE, &out);
	if (rc == 0)
		rc = ses_release_rsp(&r->ses, buf_ptr(&out), buf_avail(&out));
	buf_free(&out);
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
		return rtse_fail(r, EV_PRES_BAD_PPDU, "release user data: %s",
				 r->pres.why);
	}
	rc = acse_parse(buf_ptr(&pv), buf_avail(&pv), &a, why, sizeof(why));
	buf_free(&pv);
	if (rc != 0)
		return rtse_fail(r, EV_ACSE_BAD_APDU, "ACSE: %s", why);
	acse_apdu_free(&a);
	if (a.type != want)
		return rtse_fail(r, EV_ACSE_BAD_APDU, "%s where %s was due",
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
		/* only the peer's own RTAB says "permanent" of our APDU */
		r->tx_active = 0;
		rtse_up_tag(r, RTSE_TRANSFER_FAILED, r->tx_tag,
			    ev == EV_RTSE_ABORTED && reason ==
			    RTSE_AB_PERMANENT ? RTSE_AB_PERMANENT :
			    RTSE_AB_TEMPORARY);
	}
	memset(&ri, 0, sizeof(ri));
	ri.type = RTSE_ABORT_IND;
	ri.reason = reason;
	ri.peer = 1;
	r->user(r->arg, &ri);
}

/* on_release_ind - S-RELEASE indication: RT-CLOSE, when no transfer is
 *	under way */
static int on_release_ind(struct rtse *r, const struct ses_ind *ind)
{
	if (rtse_busy(r))
		return rtse_fail(r, EV_RTSE_OUT_OF_STATE, "release during "
				 "a transfer");
	if (expect_acse(r, ind, ACSE_RLRQ) != 0)
		return RTSE_E_PROTOCOL;
	r->state = RTSE_ST_WAIT_CLOSE_RSP;
	rtse_up(r, RTSE_CLOSE_IND, NULL, 0, 0);
	return 0;
}

/* ---- session indications ----------------------------------------- */

/* on_ses - every indication of the session below: establishment goes to
 *	rtse_open.c, transfer and turns to rtse_xfer.c */
static void on_ses(void *arg, const struct ses_ind *ind)
{
	struct rtse *r = arg;
	int rc = 0;

	switch (ind->type) {
	case SES_CONNECT_IND:
		if (r->role != RTSE_RESPONDER || r->state != RTSE_ST_IDLE) {
			rc = rtse_fail(r, EV_RTSE_OUT_OF_STATE, "S-CONNECT "
				       "indication in state %s",
				       rtse_state_name(r->state));
			break;
		}
		rtse_on_connect_ind(r, ind);
		return;		/* refusals are complete: no abort */
	case SES_CONNECT_CONF:
		rc = rtse_on_connect_conf(r, ind);
		break;
	case SES_REFUSE_IND:
		rtse_on_refuse(r, ind);
		return;
	case SES_RELEASE_CONF:
		if (r->state != RTSE_ST_CLOSING) {
			rc = rtse_fail(r, EV_RTSE_OUT_OF_STATE, "release "
				       "confirmation in state %s",
				       rtse_state_name(r->state));
			break;
		}
		if (expect_acse(r, ind, ACSE_RLRE) != 0) {
			/* released anyway at the session level */
			r->state = RTSE_ST_CLOSED;
			rtse_up(r, RTSE_ABORT_IND, NULL, 0, RTSE_AB_PROTOCOL);
			return;
		}
		r->state = RTSE_ST_CLOSED;
		rtse_up(r, RTSE_CLOSE_CONF, NULL, 0, 0);
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
			rtse_up_tag(r, RTSE_TRANSFER_FAILED, r->tx_tag,
				    RTSE_AB_TEMPORARY);
		}
		rtse_up(r, RTSE_ABORT_IND, NULL, 0, RTSE_AB_PROTOCOL);
		return;
	default:
		if (r->state != RTSE_ST_OPEN && r->state != RTSE_ST_CLOSING) {
			rc = rtse_fail(r, EV_RTSE_OUT_OF_STATE, "session "
				       "indication %d in state %s", ind->type,
				       rtse_state_name(r->state));
			break;
		}
		rc = ind->type == SES_RELEASE_IND ? on_release_ind(r, ind) :
		    rtse_xfer_ind(r, ind);
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
