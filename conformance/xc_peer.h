/*
 * xc_peer.h - x400conf as the calling MTA: one connection to the target,
 *	       driven through our OSI stack or byte by byte
 *
 * SYNOPSIS
 *	#include "xc_peer.h"
 *
 *	struct xc_peer_opts o;
 *	xc_peer_opts_init(x, &o);  o.window = 1;
 *	p = xc_peer_new(x, &o);			TCP connection (waits)
 *	rc = xc_peer_bind(p);			CR, CN ... MTA-bind (waits)
 *	rc = xc_peer_transfer(p, apdu, n);	RT-TRANSFER (waits)
 *	xc_peer_release(p);
 *
 *	raw:  xc_peer_write(p, bytes, n);  xc_peer_tpdu(p, ms, &tpdu);
 *	      xc_peer_outcome(p, ms, &out);
 *	layers: rtse_*, ses_*, cotp_* on p->osi, then xc_peer_flush(p)
 *
 * DESCRIPTION
 *	A peer starts in raw mode: what the target sends is kept in p->rx
 *	and read TPDU by TPDU (xc_peer_tpdu). xc_peer_open() switches it to
 *	the stack (osi.h, initiator): the CR, the RT-OPEN with the given
 *	bind argument, and every later PDU go through our layers, and the
 *	RTSE indications are recorded in the struct (opened, refused,
 *	aborted...). A test that wants to send what a conforming MTA never
 *	would either calls the layer machines in p->osi directly (their
 *	output passes through p->mutate, if set, before it is written), or
 *	switches back to raw mode (xc_peer_raw) and writes bytes.
 *
 *	Every wait is bounded by the suite's answer timeout unless said
 *	otherwise; every connection is captured to the running case's pcap.
 *
 * OWNERSHIP
 *	Peers belong to the run: xc_peer_free() closes one, and the runner
 *	frees what a case left open when it ends.
 */
#ifndef X400_XC_PEER_H
#define X400_XC_PEER_H

#include <stddef.h>

#include "buf.h"
#include "conn.h"
#include "osi.h"
#include "xc.h"

struct xc_peer_opts {
	enum rtse_mode	mode;
	long		app_protocol;	/* X.410-1984: applicationProtocol */
	int		bind_bare;	/* X.410-1984: xc_peer_bind sends
					   the bind bare, not in [16] */
	enum rtse_dialogue dialogue;
	int		turn_responder;	/* TWA: the target starts */
	unsigned	checkpoint;	/* kilo-octets proposed; 0: none */
	unsigned	window;		/* 0: absent, the default 3 */
	size_t		max_tpdu;	/* proposed; 0: 2048 */
	unsigned	ses_versions;	/* 0: 1 and 2; 1: version 1 only */
	struct cotp_addr called_tsel, calling_tsel;
	struct xc_sel	called_ssel, called_psel;
	int		trickle;	/* write one octet at a time */
	const char	*host;		/* NULL: target.address */
	unsigned	port;
	struct conn_tls_ctx *tls;	/* TLS client context (borrowed),
					   or NULL: plain TCP */
};

enum xc_open {
	XC_OPENED,	/* the bind was accepted */
	XC_REFUSED,	/* refused: bind error, RTORJ, CPR, RF or DR */
	XC_ABORTED,	/* an abort came instead */
	XC_CLOSED,	/* the connection ended with no answer */
	XC_TIMEOUT,	/* nothing in time */
	XC_NOCONN	/* no TCP connection */
};

struct xc_peer {
	struct xc	*x;
	struct xc_peer	*next;
	struct xc_peer_opts o;
	struct conn	*c;
	int		connected, conn_status, eof, closed, closing;
	/* raw mode */
	int		osi_on;
	struct buf	rx;
	/* the stack */
	struct osi	osi;
	int		osi_ready;
	/* what happened */
	int		opened, refused, aborted, peer_aborted, released;
	int		abort_reason, refuse_reason;
	long		bind_error;	/* -1: none */
	struct buf	bind_data;	/* the bind result or error */
	unsigned	nconf, nfailed, nturn;
	char		why[320];
	char		notice[200];	/* the stack's last notice */
	/* what the target sent, TPDU by TPDU, in stack mode */
	struct tpkt_rx	tap;
	size_t		max_tpdu_in;
	unsigned	ntpdu_in;
	/* output */
	void		(*mutate)(struct xc_peer *p, struct buf *out,
				  void *arg);
	void		*mutate_arg;
	struct buf	slow;		/* trickle: octets not yet written */
	uv_timer_t	tick;
	int		tick_on, tick_closed;
};

void	xc_peer_opts_init(struct xc *x, struct xc_peer_opts *o);
/* xc_peer_new - connect to the target (waits); check p->connected */
struct xc_peer *xc_peer_new(struct xc *x, const struct xc_peer_opts *o);
/* xc_peer_free - abort the connection if open, wait for it to close */
void	xc_peer_free(struct xc_peer *p);
/* xc_peer_free_all - every peer still open (the runner, between cases) */
void	xc_peer_free_all(struct xc *x);

/* xc_peer_open - the stack from now on: CR, RT-OPEN with this bind
 *	argument; waits for the outcome */
enum xc_open xc_peer_open(struct xc_peer *p, const void *bind, size_t n);
/* xc_peer_bind - xc_peer_open with our configured name and password */
enum xc_open xc_peer_bind(struct xc_peer *p);
const char *xc_open_name(enum xc_open o);

/* xc_peer_transfer - one MTS-APDU: 1 confirmed, 0 refused, -1 the
 *	association ended, -2 no answer within ms (0: the answer timeout) */
int	xc_peer_transfer(struct xc_peer *p, const void *apdu, size_t n,
			 unsigned ms);
/* xc_peer_release - RT-CLOSE; 1 released (RLRE/DN and the connection
 *	closed), 0 not */
int	xc_peer_release(struct xc_peer *p);
/* xc_peer_abort - RT-U-ABORT and close */
void	xc_peer_abort(struct xc_peer *p);

/* xc_peer_flush - write what the stack made (through mutate) */
void	xc_peer_flush(struct xc_peer *p);
/* xc_peer_raw - raw mode from now on: input is kept in p->rx */
void	xc_peer_raw(struct xc_peer *p);
/* xc_peer_write - raw octets to the target */
void	xc_peer_write(struct xc_peer *p, const void *data, size_t n);
/* xc_peer_tpdu - the next TPDU the target sent (raw mode): 1 and tpdu
 *	filled, 0 nothing within ms, -1 the connection ended first, -2
 *	what came is not a TPKT (tpdu holds the octets) */
int	xc_peer_tpdu(struct xc_peer *p, unsigned ms, struct buf *tpdu);
/* xc_peer_outcome - raw mode: read until the target closes or ms pass;
 *	describe every TPDU received into out ("ER cause 2; DR reason
 *	0x80; connection closed"); returns XC_OUT_* bits */
#define XC_OUT_CLOSED	0x01	/* the connection ended */
#define XC_OUT_REFUSED	0x02	/* an ER, DR, RF, AB came */
#define XC_OUT_OTHER	0x04	/* some other PDU came */
int	xc_peer_outcome(struct xc_peer *p, unsigned ms, char *out,
			size_t outlen);
/* xc_expect_abort - after sending something malformed (what): the
 *	target must refuse or close within the answer timeout, or the case
 *	fails; 1 if it did */
int	xc_expect_abort(struct xc_peer *p, const char *what);
/* xc_peer_bound - a new peer, bound with our credentials; NULL (and
 *	the case failed) if that does not work */
struct xc_peer *xc_peer_bound(struct xc *x, const struct xc_peer_opts *o);
/* xc_peer_wait_end - 1 when the connection ended within ms */
int	xc_peer_wait_end(struct xc_peer *p, unsigned ms);

#endif
