/*
 * osi.c - the upper-layer stack of one association as one pure machine
 *
 * See osi.h.
 */
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "log.h"
#include "osi.h"
#include "xalloc.h"

static void on_rtse(void *arg, const struct rtse_ind *ind);

/* on_tsdu - RTSE's TSDUs go out as DT TPDUs */
static void on_tsdu(void *arg, const unsigned char *p, size_t n)
{
	struct osi *o = arg;

	if (o->transport_up && o->close == OSI_OPEN)
		cotp_data_req(&o->tp.cotp, p, n, &o->out);
}

void osi_init(struct osi *o, const struct osi_cfg *cfg, rtse_user_fn *user,
	      void *arg)
{
	memset(o, 0, sizeof(*o));
	o->cfg = *cfg;
	snprintf(o->peer, sizeof(o->peer), "%s", cfg->peer ? cfg->peer : "");
	snprintf(o->link, sizeof(o->link), "%s", cfg->link ? cfg->link : "");
	o->cfg.peer = o->peer;
	o->cfg.link = o->link;
	o->user = user;
	o->arg = arg;
	tp_init(&o->tp, cfg->role == RTSE_INITIATOR ? COTP_INITIATOR :
		COTP_RESPONDER, (cfg->rtse.max_apdu ? cfg->rtse.max_apdu :
				 64u * 1024 * 1024) + (1u << 20));
	cotp_set_who(&o->tp.cotp, o->peer, o->link);
	rtse_init(&o->rtse, cfg->role, &cfg->rtse, on_rtse, on_tsdu, o);
}

void osi_free(struct osi *o)
{
	rtse_free(&o->rtse);
	tp_free(&o->tp);
	buf_free(&o->out);
	buf_free(&o->bind);
}

/* release - X.224 class 0: a DR (normal), then the caller closes */
static void release(struct osi *o)
{
	if (o->close != OSI_OPEN)
		return;
	if (o->transport_up && o->tp.cotp.state == COTP_ST_OPEN)
		cotp_disconnect(&o->tp.cotp, &o->out);
	o->close = OSI_CLOSE_NOW;
}

static void on_rtse(void *arg, const struct rtse_ind *ind)
{
	struct osi *o = arg;

	if (ind->type == RTSE_CLOSE_IND)
		o->released_by_peer = 1;
	o->user(o->arg, ind);
	switch (ind->type) {
	case RTSE_CLOSE_CONF:
	case RTSE_OPEN_REFUSED:
	case RTSE_ABORT_IND:
		release(o);
		break;
	default:
		break;
	}
}

/* osi_settle - after requests: an association the user ended here. The
 *	side that answered a release (sent the DN) or refused the bind
 *	(sent the RF) waits for the peer to release the connection; every
 *	other ending releases it now. */
void osi_settle(struct osi *o)
{
	if (o->close != OSI_OPEN || o->rtse.state != RTSE_ST_CLOSED)
		return;
	if (o->released_by_peer || o->rtse.refused) {
		/* we sent the DN or the RF: the initiator releases the
		 * transport connection (X.225 7.1.4, 7.7), as PP's does */
		o->close = OSI_CLOSE_WAIT;
		return;
	}
	release(o);
}

int osi_connect(struct osi *o, const void *bind, size_t n)
{
	if (o->cfg.role != RTSE_INITIATOR || o->tp.cotp.state != COTP_ST_IDLE)
		return -1;
	buf_reset(&o->bind);
	buf_add(&o->bind, bind, n);
	return cotp_connect_req(&o->tp.cotp, o->cfg.calling_tsel.len ?
				&o->cfg.calling_tsel : NULL,
				o->cfg.called_tsel.len ? &o->cfg.called_tsel :
				NULL, &o->out) ? -1 : 0;
}

static int why(struct osi *o, unsigned ev, const char *text)
{
	snprintf(o->why, sizeof(o->why), "%s", text);
	o->why_event = ev;
	return -1;
}

/* on_cotp - one transport indication */
static int on_cotp(struct osi *o, const struct cotp_ind *ind)
{
	switch (ind->type) {
	case COTP_CONNECT_IND:
		if (o->cfg.check_tsel &&
		    (ind->called.len != o->cfg.called_tsel.len ||
		     memcmp(ind->called.sel, o->cfg.called_tsel.sel,
			    ind->called.len) != 0)) {
			cotp_refuse(&o->tp.cotp, COTP_DR_ADDRESS_UNKNOWN,
				    &o->out);
			o->close = OSI_CLOSE_NOW;
			snprintf(o->why, sizeof(o->why), "called TSAP selector "
				 "(%zu octets) is not ours (%zu octets): "
				 "refused with DR 3", ind->called.len,
				 o->cfg.called_tsel.len);
			o->why_event = EV_COTP_BAD_TSEL;
			return -1;
		}
		if (cotp_connect_resp(&o->tp.cotp, &o->out) != 0)
			return why(o, EV_COTP_OUT_OF_STATE, "cannot answer CR");
		o->transport_up = 1;
		return 0;
	case COTP_CONNECT_CONF:
		o->transport_up = 1;
		if (rtse_open_req(&o->rtse, buf_ptr(&o->bind),
				  buf_avail(&o->bind)) != 0) {
			release(o);
			return why(o, EV_RTSE_REFUSED, "cannot encode RT-OPEN "
				   "request");
		}
		return 0;
	case COTP_DATA_IND:
		if (rtse_input(&o->rtse, ind->data, ind->len) != 0) {
			snprintf(o->why, sizeof(o->why), "%s", o->rtse.why);
			o->why_event = o->rtse.why_event;
			osi_settle(o);
			release(o);
			return -1;
		}
		return 0;
	case COTP_DISCONNECT_IND:
		o->transport_up = 0;
		o->close = OSI_CLOSE_NOW;
		if (o->rtse.state == RTSE_ST_IDLE &&
		    o->cfg.role == RTSE_INITIATOR) {
			/* our CR was refused: the RT-OPEN never started */
			struct rtse_ind ri;

			snprintf(o->why, sizeof(o->why), "transport connection "
				 "refused (DR reason 0x%02x)", ind->reason);
			o->why_event = EV_COTP_REFUSED;
			memset(&ri, 0, sizeof(ri));
			ri.type = RTSE_OPEN_REFUSED;
			ri.reason = ind->reason;
			o->rtse.state = RTSE_ST_CLOSED;
			o->user(o->arg, &ri);
			return 0;
		}
		rtse_transport_lost(&o->rtse);
		return 0;
	default:
		return 0;
	}
}

int osi_input(struct osi *o, const unsigned char *p, size_t n)
{
	o->why[0] = 0;
	o->why_event = 0;
	while (n > 0 && o->close == OSI_OPEN) {
		struct cotp_ind ind;
		size_t used = 0;
		int rc;

		memset(&ind, 0, sizeof(ind));
		rc = tp_feed(&o->tp, p, n, &used, &ind, &o->out);
		p += used;
		n -= used;
		if (rc < 0) {
			snprintf(o->why, sizeof(o->why), "%s", ind.why);
			o->why_event = rc == TPKT_E_VERSION ||
			    rc == TPKT_E_LENGTH ? EV_TPKT_BAD :
			    EV_COTP_BAD_TPDU;
			o->close = OSI_CLOSE_NOW;
			o->transport_up = 0;
			rtse_transport_lost(&o->rtse);
			return -1;
		}
		if (rc == 1 && on_cotp(o, &ind) != 0)
			return -1;
		if (rc == 0 && used == 0)
			break;
	}
	osi_settle(o);
	return 0;
}

void osi_transport_lost(struct osi *o)
{
	o->transport_up = 0;
	o->close = OSI_CLOSE_NOW;
	rtse_transport_lost(&o->rtse);
}
