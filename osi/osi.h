/*
 * osi.h - the whole upper-layer stack of one association as one pure
 *	   machine: TPKT + X.224 class 0 below, RTSE (with session,
 *	   presentation and ACSE) above
 *
 * SYNOPSIS
 *	#include "osi.h"
 *
 *	osi_init(&o, &cfg, user_cb, arg);
 *	osi_connect(&o, bind, n);		initiator: CR, then RT-OPEN
 *	osi_input(&o, bytes, n);		everything the peer sent
 *	... send buf_ptr(&o.out), buf_avail(&o.out), then buf_reset ...
 *	if (o.close) close the transport;
 *	osi_free(&o);
 *
 * DESCRIPTION
 *	Bytes from the network go in; RTSE indications (rtse.h) come out
 *	through the user callback, and every byte to send is appended to
 *	o->out. The RTSE requests are made on o->rtse directly
 *	(rtse_open_rsp, rtse_transfer_req, ...): their TSDUs flow through
 *	the transport machine into o->out; call osi_settle() after each.
 *
 *	Transport connection: as initiator, osi_connect() sends the CR and
 *	the RT-OPEN follows the CC. As responder, a CR for our TSAP
 *	selector (when cfg.check_tsel) is answered with a CC; another is
 *	refused with a DR (address unknown).
 *
 *	Release of the transport connection (X.225 6.4, X.224 class 0):
 *	o->close tells the caller what to do once o->out is written:
 *	OSI_CLOSE_NOW after the association ended at our end (we got the
 *	DN, sent an AB, or the peer aborted); OSI_CLOSE_WAIT after we
 *	sent the DN or an RF: the peer releases the connection, and the caller
 *	closes it itself only if the peer does not within a while. A DR
 *	(normal disconnect) precedes our own closing, as PP and ISODE do.
 *
 * OWNERSHIP
 *	struct osi is the caller's; o->out is its buffer, which the caller
 *	drains. Data in indications is valid only during the callback.
 *
 * DIAGNOSTICS
 *	osi_input() returns 0, or -1 when the peer broke a protocol at
 *	some layer: o->why names the layer, PDU and field, and
 *	o->why_event gives its number (events.h) for the log line. The
 *	abort (ER, DR or AB) is already in o->out and o->close is set.
 */
#ifndef X400_OSI_H
#define X400_OSI_H

#include <stddef.h>

#include "buf.h"
#include "cotp.h"
#include "rtse.h"

enum { OSI_OPEN = 0, OSI_CLOSE_NOW = 1, OSI_CLOSE_WAIT = 2 };

struct osi_cfg {
	enum rtse_role	role;
	struct rtse_cfg	rtse;
	struct cotp_addr calling_tsel;	/* initiator: ours */
	struct cotp_addr called_tsel;	/* initiator: theirs; responder:
					 * ours, checked if check_tsel */
	int		check_tsel;
	const char	*peer;		/* "addr:port", for events */
	const char	*link;
};

struct osi {
	struct osi_cfg	cfg;
	struct tp	tp;
	struct rtse	rtse;
	struct buf	out;		/* wire bytes to send */
	int		close;		/* OSI_CLOSE_* */
	int		transport_up;
	int		released_by_peer;	/* we answer its RLRQ */
	struct buf	bind;		/* initiator: RT-OPEN data, until CC */
	rtse_user_fn	*user;
	void		*arg;
	char		why[256];
	unsigned	why_event;
	char		peer[64], link[64];
};

void	osi_init(struct osi *o, const struct osi_cfg *cfg,
		 rtse_user_fn *user, void *arg);
void	osi_free(struct osi *o);
int	osi_connect(struct osi *o, const void *bind, size_t n);
int	osi_input(struct osi *o, const unsigned char *p, size_t n);
void	osi_transport_lost(struct osi *o);
/* osi_settle - call after any rtse_*() request made outside a callback:
 *	sets o->close when the request ended the association */
void	osi_settle(struct osi *o);

#endif
