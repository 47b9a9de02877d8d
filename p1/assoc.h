/*
 * assoc.h - one P1 association on the libuv loop: a connection, the
 *	     OSI stack over it, and the MTA bind (X.411 12.1)
 *
 * SYNOPSIS
 *	#include "assoc.h"
 *
 *	assoc_open(loop, &cfg, &cbs, arg, &a);		 outbound
 *	a = assoc_accept(conn, &cfg, &cbs, arg);	 inbound
 *	assoc_bind_rsp(a, accept, bind_error, &ours);	 responder
 *	assoc_send(a, apdu, n, tag);	assoc_apdu_rsp(a, ok);
 *	assoc_release(a);  assoc_abort(a);
 *
 * DESCRIPTION
 *	The asynchronous API the P1 layer uses. An outbound association
 *	connects (from the configured source address, if any), sends the
 *	CR, and opens RTSE with the MTA-bind argument; an inbound one
 *	answers the CR and hands the bind to bind_ind() for a decision.
 *	MTS-APDUs go out with assoc_send() (apdu_conf() reports the
 *	transfer confirmation) and come in through apdu_ind(), which the
 *	user answers with assoc_apdu_rsp() once the APDU is safe: RTSE
 *	confirms nothing before that. A refusal ends the association
 *	with RTAB temporaryProblem (ASSOC_TEMPORARY: the sender tries
 *	again) or permanentProblem (ASSOC_PERMANENT: an APDU that will
 *	never be taken, such as one that does not decode; the sender gives
 *	up and reports), and apdu_conf() gives the sender which one.
 *
 *	The bind values travel as RTSE's ConnectionData: the argument
 *	tagged [16] and the result tagged [17] (the RO-notation BIND of
 *	X.219, as PP sends them in normal mode), or bare, as X.410-1984
 *	systems (PP's X.410 channel) send them: cfg.bind_bare chooses what
 *	an initiator sends, a responder answers in the form it was called
 *	with, and both forms are taken in every mode. The bind error in
 *	RTORJ (normal mode) comes bare, a [18] around it is accepted. In X.410-1984 mode the
 *	same values ride in PConnect and PAccept; a refusal there is a
 *	PRefuse with validationFailure, which cannot carry the error.
 *
 *	Captures: cfg.pcap names the capture file of an outbound
 *	association; an inbound one learns it from the bind, through
 *	assoc_pcap_to() (its connection captured into memory from the
 *	accept: conn_pcap_hold()). Unless pcap_secrets, the capture is
 *	held in memory until the bind is over (accepted, refused, or the
 *	association ended before), the passwords of both binds are then
 *	blanked in it (conn_pcap_redact()), and only then does it go to
 *	its file. One that cannot be blanked (the password not found as a
 *	BER string, a bind that did not decode) is dropped with event
 *	2031 rather than written.
 *
 *	Timers: open_ms bounds the time until the bind is done, idle_ms
 *	the time without traffic on an open association (then it is
 *	released, or aborted if it cannot be). Every event names the
 *	peer, the link and the layer (log.h).
 *
 * OWNERSHIP
 *	An assoc frees itself after its ended() callback returns; the
 *	pointer is invalid from then on. Requests copy their data; the
 *	strong key of cfg.ours (p1_strong.h) gets a reference of the
 *	assoc's own, the one of assoc_bind_rsp()'s ours is borrowed for
 *	the call.
 *	Callback data is valid only during the callback.
 */
#ifndef X400_ASSOC_H
#define X400_ASSOC_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "conn.h"
#include "osi.h"
#include "p1_bind.h"

enum assoc_end {
	ASSOC_RELEASED,		/* orderly release */
	ASSOC_REFUSED,		/* the bind or the connection was refused */
	ASSOC_ABORTED,		/* an abort, by either side or a layer */
	ASSOC_FAILED,		/* no connection, or it broke */
	ASSOC_TIMEOUT		/* a timer ran out */
};


struct assoc_cfg {
	struct osi_cfg	osi;		/* role, RTSE, selectors */
	/* outbound */
	const char	*addr;
	unsigned	port;
	const char	*src;		/* source address, or NULL */
	int		enforce;
	/* both */
	const char	*link;
	const char	*pcap;		/* capture file, or NULL */
	int		pcap_secrets;	/* 1: the binds' passwords stay in it */
	struct conn_tls_ctx *tls;	/* outbound TLS context, or NULL */
	const struct tlsid *tls_id;	/* with tls: who the server must be */
	struct assoc_bind ours;		/* initiator: our bind argument */
	unsigned	open_ms;	/* 0: 60 s */
	unsigned	idle_ms;	/* 0: none */
	int		bind_bare;	/* initiator: bind argument bare, not [16] */
	const char	*edition;	/* "1988", "1992": for the bind event */
};

struct assoc;

struct assoc_cbs {
	/* responder: the peer's bind; answer with assoc_bind_rsp() */
	void	(*bind_ind)(struct assoc *a, const struct assoc_bind *peer,
			    void *arg);
	/* the association is usable (peer: its bind argument or result) */
	void	(*bound)(struct assoc *a, const struct assoc_bind *peer,
			 void *arg);
	/* an MTS-APDU; answer with assoc_apdu_rsp() when it is safe */
	void	(*apdu_ind)(struct assoc *a, const unsigned char *p,
			    size_t n, void *arg);
	/* an APDU we sent: ok is ASSOC_OK (confirmed), ASSOC_TEMPORARY
	 * (not confirmed: try again) or ASSOC_PERMANENT (the peer refused
	 * it for good with RTAB permanentProblem) */
	void	(*apdu_conf)(struct assoc *a, void *tag, int ok, void *arg);
	/* the last call: how it ended and why */
	void	(*ended)(struct assoc *a, enum assoc_end how, const char *why,
			 void *arg);
};

int	assoc_open(uv_loop_t *loop, const struct assoc_cfg *cfg,
		   const struct assoc_cbs *cbs, void *arg, struct assoc **out);
struct assoc *assoc_accept(struct conn *c, const struct assoc_cfg *cfg,
			   const struct assoc_cbs *cbs, void *arg);
void	assoc_bind_rsp(struct assoc *a, int accept, int bind_error,
		       const struct assoc_bind *ours);
/* assoc_send - RT-TRANSFER of one MTS-APDU; 0, or -1 if not now (not
 *	bound, a transfer in progress, no turn) */
int	assoc_send(struct assoc *a, const void *apdu, size_t n, void *tag);
int	assoc_can_send(const struct assoc *a);
/* The outcome of one transfer, both ways (see above). */
enum { ASSOC_PERMANENT = -1, ASSOC_TEMPORARY = 0, ASSOC_OK = 1 };
/* assoc_apdu_rsp - the answer to apdu_ind(): ASSOC_OK once the APDU is
 *	safe, else ASSOC_TEMPORARY or ASSOC_PERMANENT */
void	assoc_apdu_rsp(struct assoc *a, int ok);
void	assoc_release(struct assoc *a);
void	assoc_abort(struct assoc *a);

const char *assoc_peer(const struct assoc *a);
const char *assoc_local(const struct assoc *a);
const char *assoc_link(const struct assoc *a);
struct conn *assoc_conn(const struct assoc *a);
/* assoc_connect_error - the error (CONN_E_SRCADDR, a libuv error) that
 *	kept an outbound association from connecting, 0 if it connected */
int	assoc_connect_error(const struct assoc *a);
/* assoc_tls_failed - 1 if the connection ended because TLS failed (the
 *	handshake, or a record later) */
int	assoc_tls_failed(const struct assoc *a);
/* assoc_connect_ms - outbound: milliseconds from assoc_open() until the
 *	connection was made, -1 if it was not (yet); inbound: -1 */
int64_t	assoc_connect_ms(const struct assoc *a);
/* assoc_osi - the stack, for what the caller called (selectors) */
const struct osi *assoc_osi(const struct assoc *a);
/* assoc_pcap_to - responder: where the capture held since the accept
 *	goes once the bind is over: path (copied), or NULL (dropped);
 *	secrets 1 writes the passwords as they were */
void	assoc_pcap_to(struct assoc *a, const char *path, int secrets);
/* assoc_set_idle - idle_ms from now on (a responder learns the link,
 *	and so its idle_timeout, only from the bind) */
void	assoc_set_idle(struct assoc *a, unsigned ms);
/* assoc_set_link - name the link once the bind told us who called */
void	assoc_set_link(struct assoc *a, const char *link);
const char *assoc_end_name(enum assoc_end how);

#endif
