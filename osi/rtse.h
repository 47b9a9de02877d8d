/*
 * rtse.h - the Reliable Transfer protocol machine (ITU-T X.228), in
 *	    normal mode over ACSE and presentation, and in X.410-1984 mode
 *	    straight over the session layer
 *
 * SYNOPSIS
 *	#include "rtse.h"
 *
 *	rtse_init(&r, RTSE_INITIATOR, &cfg, user_cb, tsdu_cb, arg);
 *	rtse_open_req(&r, bind_arg, n);		initiator
 *	rtse_open_rsp(&r, accept, bind_result_or_error, n);	responder
 *	rtse_input(&r, tsdu, n);		every TSDU from the transport
 *	rtse_transfer_req(&r, apdu, n, tag);	RT-TRANSFER
 *	rtse_transfer_rsp(&r, ok);		confirm (or refuse) an APDU
 *	rtse_turn_please_req(&r, priority);  rtse_turn_give_req(&r);
 *	rtse_close_req(&r);  rtse_close_rsp(&r);
 *	rtse_abort_req(&r, reason);
 *	rtse_free(&r);
 *
 * DESCRIPTION
 *	The service X.228 gives an RTSE user, as the P1 layer and the
 *	conformance suite need it:
 *
 *	RT-OPEN (X.228 7.1, 9.1): in normal mode an A-ASSOCIATE whose AARQ
 *	and AARE carry RTORQ, RTOAC or RTORJ (application context
 *	id-ac-mts-transfer, presentation contexts of pres.h); in X.410-1984
 *	mode an S-CONNECT carrying PConnect, PAccept or PRefuse. The MTA
 *	bind argument, result or error rides in ConnectionData "open" (or
 *	RTORJ userDataRJ). Checkpoint size and window follow X.228 9.1.3:
 *	a window absent from the PDU means 3, a checkpoint size of 0
 *	means no checkpointing; the responder may lower both, never raise
 *	them. Dialogue mode: monologue, or two-way alternate (TWA) with
 *	the initial turn on either side.
 *
 *	RT-TRANSFER (9.3): the APDU is sent in one session activity. With
 *	checkpointing, in segments of the checkpoint size separated by
 *	minor synchronization points (S-SYNC-MINOR, confirmation
 *	requested), never more than "window" of them unconfirmed; the
 *	activity end (S-ACTIVITY-END) asks for the confirmation, which the
 *	receiving user gives with rtse_transfer_rsp() once the APDU is
 *	safe (for an MTA: committed to the queue). In normal mode each
 *	segment is an RTTR APDU (an OCTET STRING) in a P-DATA; the APDU
 *	is the EXTERNAL that names the presentation context of the RTSE
 *	user's abstract syntax, as PP sends it; a bare APDU is accepted.
 *	In X.410-1984 mode the segments go straight into S-DATA.
 *
 *	A receiver that cannot take an APDU while it arrives (too large,
 *	a resume it cannot match) refuses it with an exception report
 *	(S-U-EXCEPTION-REPORT), which makes the sender discard the
 *	activity; the sender's user gets RTSE_TRANSFER_FAILED. Once the
 *	whole APDU is in, the user's refusal (rtse_transfer_rsp) aborts
 *	with RTAB: temporaryProblem when it could not secure the APDU
 *	(the sender tries again), permanentProblem when it never will
 *	take it (undecodable: the sender reports non-delivery). Recovery (9.5.3): when both sides use
 *	checkpointing, an interrupted activity (S-ACTIVITY-INTERRUPT) is
 *	resumed with S-ACTIVITY-RESUME from the last confirmed checkpoint;
 *	a resume the receiver cannot match is refused with an exception,
 *	and the sender then discards.
 *
 *	RT-TURN-PLEASE / RT-TURN-GIVE (9.4): S-TOKEN-PLEASE carrying RTTP
 *	(the priority), and S-CONTROL-GIVE.
 *
 *	RT-CLOSE (9.2): A-RELEASE (RLRQ/RLRE inside S-RELEASE) or, in
 *	X.410-1984 mode, S-RELEASE. RT-U-ABORT and RT-P-ABORT (9.6): RTAB
 *	inside ABRT inside ARU inside S-U-ABORT, or RTAB in S-U-ABORT.
 *
 *	The machine does no I/O: TSDUs in through rtse_input(), TSDUs out
 *	through the tsdu callback, service indications through the user
 *	callback. Callbacks may call requests (not rtse_free()).
 *
 * OWNERSHIP
 *	struct rtse is the caller's. Requests copy their data. Data in a
 *	struct rtse_ind is valid only during the callback.
 *
 * DIAGNOSTICS
 *	Requests return 0, RTSE_E_STATE (not possible now), RTSE_E_TURN
 *	(the turn is the peer's) or RTSE_E_ENCODE. rtse_input() returns 0,
 *	or RTSE_E_PROTOCOL when the peer broke a protocol at any layer:
 *	the machine has then aborted the association (as far as the
 *	transport allows), delivered RTSE_ABORT_IND, and r->why names the
 *	layer, the PDU and the field, with r->why_event its number
 *	(events.h) for the log line.
 */
#ifndef X400_RTSE_H
#define X400_RTSE_H

#include <stddef.h>

#include "acse.h"
#include "buf.h"
#include "pres.h"
#include "ses.h"

enum rtse_role { RTSE_INITIATOR, RTSE_RESPONDER };
enum rtse_mode { RTSE_NORMAL, RTSE_X410 };
enum rtse_dialogue { RTSE_MONOLOGUE = 0, RTSE_TWA = 1 };

/* X.228 RefuseReason and AbortReason */
enum { RTSE_RJ_BUSY = 0, RTSE_RJ_CANNOT_RECOVER = 1,
       RTSE_RJ_VALIDATION = 2, RTSE_RJ_DIALOGUE_MODE = 3 };
enum { RTSE_AB_LOCAL = 0, RTSE_AB_INVALID_PARAM = 1,
       RTSE_AB_UNRECOGNIZED_ACTIVITY = 2, RTSE_AB_TEMPORARY = 3,
       RTSE_AB_PROTOCOL = 4, RTSE_AB_PERMANENT = 5, RTSE_AB_USER = 6,
       RTSE_AB_TRANSFER_COMPLETED = 7 };

struct rtse_cfg {
	enum rtse_mode	mode;
	int		any_mode;	/* responder: take the mode the CN's
					 * user data shows (X.226 mode-value) */
	enum rtse_dialogue dialogue;	/* initiator: proposed */
	int		initial_turn_responder;	/* TWA: who starts */
	unsigned	checkpoint;	/* kilo-octets; 0: none (initiator:
					 * proposed; responder: maximum) */
	unsigned	window;		/* 0: the default, 3 */
	int		recovery;	/* resume interrupted transfers */
	size_t		max_apdu;	/* refuse larger incoming APDUs */
	/* addressing */
	unsigned char	calling_ssel[SES_SSEL_MAX], called_ssel[SES_SSEL_MAX];
	size_t		calling_ssel_len, called_ssel_len;
	unsigned char	calling_psel[PRES_SEL_MAX], called_psel[PRES_SEL_MAX];
	size_t		calling_psel_len, called_psel_len;
	int		check_selectors;	/* responder: refuse others */
	char		calling_ap_title[64], called_ap_title[64];
	/* X.410-1984 mode: applicationProtocol in PConnect (P1 is 1) */
	long		application_protocol;
};

enum rtse_state {
	RTSE_ST_IDLE, RTSE_ST_OPENING, RTSE_ST_WAIT_OPEN_RSP, RTSE_ST_OPEN,
	RTSE_ST_CLOSING, RTSE_ST_WAIT_CLOSE_RSP, RTSE_ST_CLOSED
};

enum rtse_ind_type {
	RTSE_OPEN_IND,		/* responder: answer with rtse_open_rsp */
	RTSE_OPEN_CONF,		/* initiator: accepted, data = bind result */
	RTSE_OPEN_REFUSED,	/* data = bind error (or none), reason */
	RTSE_TRANSFER_IND,	/* an APDU: answer with rtse_transfer_rsp */
	RTSE_TRANSFER_CONF,	/* our APDU (tag) is confirmed */
	RTSE_TRANSFER_FAILED,	/* our APDU (tag) was refused or lost:
				 * reason RTSE_AB_PERMANENT if the peer's
				 * RTAB said permanentProblem */
	RTSE_TURN_PLEASE_IND,	/* reason = priority */
	RTSE_TURN_GIVE_IND,	/* we have the turn */
	RTSE_CLOSE_IND,		/* answer with rtse_close_rsp */
	RTSE_CLOSE_CONF,	/* released: close the transport */
	RTSE_ABORT_IND,		/* aborted: close the transport */
	RTSE_NOTICE_IND		/* worth a log line, nothing ends: data is
				 * the sentence, reason the event number */
};

struct rtse_ind {
	enum rtse_ind_type type;
	const unsigned char *data;
	size_t		len;
	void		*tag;		/* TRANSFER_CONF / _FAILED */
	int		reason;		/* refuse, abort or priority */
	int		peer;		/* ABORT_IND: the peer aborted */
};

struct rtse;
typedef void rtse_user_fn(void *arg, const struct rtse_ind *ind);
typedef void rtse_tsdu_fn(void *arg, const unsigned char *tsdu, size_t len);

struct rtse {
	enum rtse_role	role;
	enum rtse_state	state;
	struct rtse_cfg	cfg;
	struct ses	ses;
	struct pres	pres;
	/* negotiated */
	int		twa;
	size_t		ckpt;		/* octets per segment; 0: none */
	unsigned	window;
	int		recovery;
	int		turn;		/* we hold the turn */
	/* the APDU we send */
	struct buf	tx;		/* the encoding still to send */
	size_t		tx_total;	/* its whole length */
	size_t		tx_sent;	/* octets handed to the session */
	size_t		tx_acked;	/* octets confirmed by checkpoints */
	int		tx_active;	/* an activity is open */
	int		tx_ending;	/* activity end sent */
	int		tx_interrupted;
	unsigned long	tx_sn;		/* last minor sync sent */
	unsigned long	tx_sn_acked;
	void		*tx_tag;
	unsigned	act_no;		/* activity identifiers */
	unsigned char	act_id[8];
	size_t		act_id_len;
	/* the APDU we receive */
	struct buf	rx;
	int		rx_active;
	int		rx_refused;	/* we sent an exception */
	int		rx_wait_rsp;	/* user holds the APDU */
	unsigned char	rx_act_id[8];
	size_t		rx_act_id_len;
	size_t		rx_ckpt_len;	/* octets secured at the last ckpt */
	unsigned long	rx_ckpt_sn;
	/* user and transport */
	rtse_user_fn	*user;
	rtse_tsdu_fn	*send;
	void		*arg;
	int		in_input;
	char		why[256];
	unsigned	why_event;
	int		refuse_reason;	/* responder: RTORJ reason to send */
	int		refused;	/* responder: we refused the open */
};

enum {
	RTSE_E_STATE = -1, RTSE_E_TURN = -2, RTSE_E_ENCODE = -3,
	RTSE_E_PROTOCOL = -4
};

void	rtse_init(struct rtse *r, enum rtse_role role,
		  const struct rtse_cfg *cfg, rtse_user_fn *user,
		  rtse_tsdu_fn *send, void *arg);
void	rtse_free(struct rtse *r);

int	rtse_open_req(struct rtse *r, const void *ud, size_t n);
/* rtse_open_rsp - accept with the bind result, or refuse with the bind
 *	error (normal mode: inside RTORJ; X.410 mode: PRefuse with
 *	reason r->refuse_reason, default validationFailure) */
int	rtse_open_rsp(struct rtse *r, int accept, const void *ud, size_t n);
int	rtse_input(struct rtse *r, const unsigned char *tsdu, size_t n);
void	rtse_transport_lost(struct rtse *r);

int	rtse_transfer_req(struct rtse *r, const void *apdu, size_t n,
			  void *tag);
/* rtse_transfer_rsp - the answer to RTSE_TRANSFER_IND: RTSE_RSP_OK
 *	confirms (the activity ends); RTSE_RSP_TEMPORARY and
 *	RTSE_RSP_PERMANENT refuse with RTAB temporaryProblem or
 *	permanentProblem, which ends the association */
enum { RTSE_RSP_PERMANENT = -1, RTSE_RSP_TEMPORARY = 0, RTSE_RSP_OK = 1 };
int	rtse_transfer_rsp(struct rtse *r, int ok);
int	rtse_turn_please_req(struct rtse *r, int priority);
int	rtse_turn_give_req(struct rtse *r);
int	rtse_close_req(struct rtse *r);
int	rtse_close_rsp(struct rtse *r);
int	rtse_abort_req(struct rtse *r, int reason);

/* rtse_busy - a transfer is under way in either direction */
int	rtse_busy(const struct rtse *r);
const char *rtse_state_name(enum rtse_state st);

#endif
