/*
 * cotp.h - X.224 class 0 transport protocol over RFC 1006, as a pure
 *	state machine: TPDUs in, indications and TPDUs out
 *
 * SYNOPSIS
 *	#include "cotp.h"
 *
 *	struct cotp c;
 *	cotp_init(&c, COTP_INITIATOR, max_tsdu);
 *	cotp_set_who(&c, "127.0.0.2:102", "to-B");
 *	cotp_connect_req(&c, &calling, &called, &out);		CR
 *	rc = cotp_input(&c, tpdu, n, &ind, &out);		one TPDU in
 *	cotp_connect_resp(&c, &out);				CC
 *	cotp_refuse(&c, COTP_DR_ADDRESS_UNKNOWN, &out);		DR
 *	cotp_data_req(&c, tsdu, n, &out);			DT...
 *	cotp_disconnect(&c, &out);				DR normal
 *	cotp_free(&c);
 *
 *	struct tp t;					framer + machine
 *	tp_init(&t, COTP_RESPONDER, max_tsdu);
 *	rc = tp_feed(&t, bytes, n, &used, &ind, &out);
 *	tp_free(&t);
 *
 * DESCRIPTION
 *	RFC 1006 runs X.224 class 0 over TCP. This module implements the
 *	five TPDUs class 0 uses (X.224 13.3-13.7, 13.12): CR, CC, DR, DT
 *	and ER. It does no I/O: every function that sends appends whole
 *	RFC 1006 packets (tpkt_add) to the caller's struct buf, and
 *	cotp_input() takes exactly one TPDU (the payload of one TPKT) and
 *	reports at most one indication.
 *
 *	States (enum cotp_state) and what each accepts:
 *	  IDLE       initiator before cotp_connect_req(): nothing.
 *		     responder: CR -> CONNECT_IND, state WAIT_RESP.
 *	  WAIT_CC    (initiator, CR sent) CC -> CONNECT_CONF, OPEN;
 *		     DR -> DISCONNECT_IND (refused), CLOSED.
 *	  WAIT_RESP  (responder, CR received) the caller answers with
 *		     cotp_connect_resp() (CC, OPEN) or cotp_refuse() (DR,
 *		     CLOSED); from the peer only DR is expected.
 *	  OPEN	     DT -> reassembly, DATA_IND on the TPDU with EOT;
 *		     DR -> DISCONNECT_IND, CLOSED.
 *	  CLOSED     nothing; every call returns COTP_E_STATE.
 *	In every state an ER from the peer ends the connection
 *	(COTP_E_PEER_ER) and anything else is out of state (COTP_E_STATE;
 *	an ER is sent, X.224 6.22). An undecodable TPDU, an unknown TPDU
 *	code or a bad parameter is answered by an ER naming the offending
 *	octets (X.224 13.12). After any error the machine is CLOSED and the
 *	caller closes the TCP connection once out is written (class 0 has
 *	no other release: the implicit variant of X.224 6.7).
 *
 *	Negotiation (docs/osi-stack.md lists the clauses):
 *	- class: we answer class 0 to a CR whose preferred class is 0, 1
 *	  or 2, or which lists class 0 among its alternatives (0xC7);
 *	  otherwise DR "connection negotiation failed" (COTP_E_CLASS).
 *	- TPDU size (0xC0): we propose c->max_tpdu (2048, class 0's
 *	  largest, as PP and ISODE do); 128 when absent. A responder
 *	  answers min(proposed, c->max_tpdu); a proposal above 2048 (legal
 *	  only in other classes, but sent by RFC 1006 stacks) is negotiated
 *	  down rather than refused. The preferred maximum TPDU size (0xF0,
 *	  a multiple of 128 octets) takes precedence when present.
 *	- Inbound DT TPDUs are accepted up to the TPKT cap even if larger
 *	  than negotiated (ISODE over TCP does not always honour the size).
 *	- TSAP selectors (0xC1 calling, 0xC2 called), up to COTP_SEL_MAX
 *	  octets each; the CC echoes both. Whether the called selector is
 *	  ours is the caller's decision on CONNECT_IND.
 *	- Parameters defined by X.224 but meaningless in class 0 (0xC6
 *	  options, which ISODE sends, version, protection, checksum...) are
 *	  ignored; an unknown parameter code is ignored in a CR and is a
 *	  protocol error elsewhere (X.224 13.2.3).
 *
 *	Reassembly is capped at max_tsdu octets (COTP_E_TOOBIG; a DR
 *	"congestion at TSAP" is sent). A TSDU of 0 octets is one DT TPDU
 *	with EOT and no data.
 *
 *	tp_feed() joins a TPKT framer and the machine: bytes in, one
 *	indication out at a time. It logs TPKT errors (EV_TPKT_BAD); the
 *	machine logs its own events (layer "cotp", peer from
 *	cotp_set_who()).
 *
 * OWNERSHIP
 *	ind->data is valid until the next cotp_input()/tp_feed() on the
 *	same machine, and no longer than the TPDU (or, for tp_feed, the
 *	bytes) it came from. ind->calling/called are copies. struct cotp
 *	owns its reassembly buffer until cotp_free().
 *
 * DIAGNOSTICS
 *	Negative COTP_E_* codes (and TPKT_E_* from tp_feed); ind->why then
 *	holds one sentence naming the TPDU and field. Events: 2020-2029 in
 *	events.h.
 */
#ifndef X400_COTP_H
#define X400_COTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "tpkt.h"

#define COTP_SEL_MAX		32	/* octets of a TSAP selector */
#define COTP_TPDU_DEFAULT	128	/* X.224 13.3.4 b: size when absent */
#define COTP_TPDU_MAX_CLASS0	2048	/* X.224 13.3.4 b: class 0 limit */
#define COTP_MAX_TSDU_DEFAULT	(32u << 20)

struct cotp_addr {
	unsigned char	sel[COTP_SEL_MAX];
	size_t		len;		/* 0: absent */
};

enum { COTP_INITIATOR = 1, COTP_RESPONDER = 2 };

enum cotp_state {
	COTP_ST_IDLE, COTP_ST_WAIT_CC, COTP_ST_WAIT_RESP, COTP_ST_OPEN,
	COTP_ST_CLOSED
};

enum cotp_ind_type {
	COTP_NONE,		/* nothing for the user (e.g. a DT segment) */
	COTP_CONNECT_IND,	/* CR: calling, called, tpdu_size */
	COTP_CONNECT_CONF,	/* CC: calling, called, tpdu_size */
	COTP_DATA_IND,		/* a complete TSDU in data[0..len) */
	COTP_DISCONNECT_IND	/* DR: reason */
};

/* DR reasons, X.224 13.5.3 d) */
enum {
	COTP_DR_NOT_SPECIFIED = 0,
	COTP_DR_CONGESTION = 1,		/* congestion at TSAP */
	COTP_DR_NO_SESSION = 2,		/* session entity not attached */
	COTP_DR_ADDRESS_UNKNOWN = 3,
	COTP_DR_NORMAL = 0x80,		/* normal, initiated by session */
	COTP_DR_REMOTE_CONGESTION = 0x81,
	COTP_DR_NEGOTIATION_FAILED = 0x82,
	COTP_DR_DUPLICATE_REF = 0x83,
	COTP_DR_MISMATCHED_REFS = 0x84,
	COTP_DR_PROTOCOL_ERROR = 0x85,
	COTP_DR_REF_OVERFLOW = 0x87,
	COTP_DR_REFUSED = 0x88,		/* refused on this network conn. */
	COTP_DR_LENGTH_INVALID = 0x8a	/* header or parameter length */
};

/* ER reject causes, X.224 13.12.3 d) */
enum {
	COTP_ER_NOT_SPECIFIED = 0,
	COTP_ER_PARAM_CODE = 1,
	COTP_ER_TPDU_TYPE = 2,
	COTP_ER_PARAM_VALUE = 3
};

/* Errors: every one leaves the machine CLOSED. */
enum {
	COTP_E_TPDU = -20,	/* undecodable: LI, fixed part, lengths; ER */
	COTP_E_TYPE = -21,	/* unknown TPDU code; ER */
	COTP_E_PARAM = -22,	/* bad parameter code or value; ER */
	COTP_E_STATE = -23,	/* TPDU or request not allowed now; ER */
	COTP_E_TOOBIG = -24,	/* TSDU over max_tsdu; DR */
	COTP_E_PEER_ER = -25,	/* the peer sent an ER */
	COTP_E_CLASS = -26,	/* no class we can accept; DR */
	COTP_E_REF = -27	/* CC does not answer our reference; ER */
};

struct cotp_ind {
	enum cotp_ind_type type;
	const uint8_t	*data;		/* DATA_IND */
	size_t		len;
	struct cotp_addr calling;	/* CONNECT_IND, CONNECT_CONF */
	struct cotp_addr called;
	size_t		tpdu_size;	/* negotiated (CONNECT_*) */
	int		reason;		/* DISCONNECT_IND: DR reason;
					 * COTP_E_PEER_ER: ER cause */
	char		why[160];	/* on error: one sentence */
};

struct cotp {
	int		role;
	enum cotp_state	state;
	size_t		max_tsdu;	/* reassembly cap */
	size_t		max_tpdu;	/* our largest TPDU (128..2048);
					 * set before connect to change */
	size_t		tpdu_size;	/* negotiated */
	uint16_t	src_ref;	/* ours; set before connect to change */
	uint16_t	dst_ref;	/* the peer's */
	struct cotp_addr calling;	/* from the CR (ours or theirs) */
	struct cotp_addr called;
	struct buf	rx;		/* TSDU being reassembled */
	int		rx_handed;	/* rx holds a TSDU given to the user */
	char		peer[64];	/* for events */
	char		link[64];
	unsigned long	tpdus_in, tpdus_out, tsdus_in, tsdus_out;
};

/* cotp_init - a machine in IDLE; max_tsdu 0 means COTP_MAX_TSDU_DEFAULT */
void	cotp_init(struct cotp *c, int role, size_t max_tsdu);
/* cotp_free - release the reassembly buffer */
void	cotp_free(struct cotp *c);
/* cotp_set_who - name the peer ("addr:port") and link in events */
void	cotp_set_who(struct cotp *c, const char *peer, const char *link);

/* cotp_connect_req - initiator: CR; 0 or COTP_E_STATE. calling and
 *	called may be NULL (absent). */
int	cotp_connect_req(struct cotp *c, const struct cotp_addr *calling,
			 const struct cotp_addr *called, struct buf *out);
/* cotp_input - one TPDU in; 0 with ind->type set, or <0 (see above) */
int	cotp_input(struct cotp *c, const uint8_t *tpdu, size_t n,
		   struct cotp_ind *ind, struct buf *out);
/* cotp_connect_resp - responder in WAIT_RESP: CC, OPEN */
int	cotp_connect_resp(struct cotp *c, struct buf *out);
/* cotp_refuse - DR with reason (WAIT_RESP: refusal; OPEN: release) */
int	cotp_refuse(struct cotp *c, int reason, struct buf *out);
/* cotp_disconnect - DR "normal disconnect" in OPEN (as PP and ISODE) */
int	cotp_disconnect(struct cotp *c, struct buf *out);
/* cotp_data_req - a TSDU as DT TPDUs of at most tpdu_size, EOT on the
 *	last; OPEN only */
int	cotp_data_req(struct cotp *c, const uint8_t *tsdu, size_t n,
		      struct buf *out);
/* cotp_error - send an ER with cause (and the offending header octets,
 *	may be NULL) and close; for errors found outside the machine */
void	cotp_error(struct cotp *c, int cause, const uint8_t *bad,
		   size_t badlen, struct buf *out);

const char *cotp_state_name(enum cotp_state s);
const char *cotp_strerror(int err);

/* ---- framer + machine: bytes in, one indication out ---------------- */

struct tp {
	struct tpkt_rx	rx;
	struct cotp	cotp;
};

/* tp_init - a framer capped at TPKT_MAX_LEN and a machine */
void	tp_init(struct tp *t, int role, size_t max_tsdu);
void	tp_free(struct tp *t);
/* tp_feed - consume bytes until one indication (returns 1), or until
 *	all are used (returns 0 with ind->type COTP_NONE), or an error
 *	(<0: a TPKT_E_* or COTP_E_* code, logged; send out, then close).
 *	*used says how much of p was consumed; call again with the rest. */
int	tp_feed(struct tp *t, const uint8_t *p, size_t n, size_t *used,
		struct cotp_ind *ind, struct buf *out);

#endif
