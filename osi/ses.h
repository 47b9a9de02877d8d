/*
 * ses.h - the OSI session protocol machine (ITU-T X.225), bytes in,
 *	   indications out
 *
 * SYNOPSIS
 *	#include "ses.h"
 *
 *	ses_init(&s, SES_INITIATOR, &cfg, user_cb, tsdu_cb, arg);
 *	ses_connect_req(&s, &conn, ud, udlen);
 *	ses_input(&s, tsdu, len);	   one TSDU from the transport
 *	ses_data_req(&s, ud, udlen);
 *	ses_act_start_req(&s, id, idlen, ud, udlen);  ...
 *	ses_free(&s);
 *
 * DESCRIPTION
 *	The session layer as RTSE uses it: the kernel, half-duplex with
 *	its tokens (data, synchronize-minor, major/activity), minor
 *	synchronize with its confirmations, activity management (start,
 *	resume, interrupt, discard, end), exceptions (ER, ED), session
 *	selectors, protocol versions 1 and 2 with their user-data limits,
 *	the connect overflow of version 2 (CDO/OA, X.225 7.1.1) and the
 *	reassembly of segmented DT SPDUs (Enclosure Item). It also accepts
 *	and sends major synchronize points, which ISODE's RTSE uses when
 *	activity management is not selected.
 *
 *	The machine does no I/O. Whole TSDUs come in through ses_input();
 *	every TSDU to send goes out through the tsdu callback; every
 *	indication and confirmation goes up through the user callback.
 *	The callbacks may call ses_*_req() again (the machine is in a
 *	consistent state when it calls them), but never ses_free().
 *
 *	Emit strictly: one category 0 SPDU (an empty GT, or an empty PT
 *	for the side without the data token) before each category 2 SPDU,
 *	as X.225 6.3.7 requires; parameters in the order of X.225 8.3;
 *	no TSDU maximum size is proposed, so no SSDU is ever segmented.
 *	Accept tolerantly: any parameter order, unknown PIs skipped where
 *	X.225 8.2.4 allows it, GT or PT as the category 0 SPDU, tokens
 *	given in a GT before a DT in the same TSDU.
 *
 * OWNERSHIP
 *	struct ses is the caller's (embed it). Pointers in a struct
 *	ses_ind point into the TSDU being processed or into the
 *	machine's buffers, and are valid only during the callback.
 *	Request functions copy what they are given.
 *
 * DIAGNOSTICS
 *	Requests return 0, or SES_E_STATE when the request is not valid
 *	in this state (a caller's bug, reported rather than panicking so
 *	that a protocol machine above can abort cleanly), SES_E_TOKEN when
 *	a token is missing, SES_E_TOOBIG when user data exceeds what the
 *	version allows. ses_input() returns 0, or SES_E_PROTOCOL when the
 *	peer broke the protocol: then the machine has already sent an AB
 *	(when the transport is still usable), delivered SES_P_ABORT_IND,
 *	and s->why names the SPDU and field.
 */
#ifndef X400_SES_H
#define X400_SES_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* X.225 8.3: SPDU identifiers (SI) */
enum {
	SES_SI_ER = 0, SES_SI_GT = 1, SES_SI_DT = 1, SES_SI_PT = 2,
	SES_SI_EX = 5, SES_SI_PR = 7, SES_SI_NF = 8, SES_SI_FN = 9,
	SES_SI_DN = 10, SES_SI_RF = 12, SES_SI_CN = 13, SES_SI_AC = 14,
	SES_SI_CDO = 15, SES_SI_OA = 16, SES_SI_GTC = 21, SES_SI_GTA = 22,
	SES_SI_AB = 25, SES_SI_AI = 25, SES_SI_AA = 26, SES_SI_AIA = 26,
	SES_SI_AR = 29, SES_SI_TD = 33, SES_SI_RA = 34, SES_SI_MAP = 41,
	SES_SI_AE = 41, SES_SI_MAA = 42, SES_SI_AEA = 42, SES_SI_AS = 45,
	SES_SI_ED = 48, SES_SI_MIP = 49, SES_SI_MIA = 50, SES_SI_RS = 53,
	SES_SI_AD = 57, SES_SI_ADA = 58, SES_SI_CD = 61, SES_SI_CDA = 62
};

/* X.225 8.3.1.9: session user requirements (functional units) */
#define SES_FU_HALF_DUPLEX	0x0001
#define SES_FU_DUPLEX		0x0002
#define SES_FU_EXPEDITED	0x0004
#define SES_FU_MINOR_SYNC	0x0008
#define SES_FU_MAJOR_SYNC	0x0010
#define SES_FU_RESYNC		0x0020
#define SES_FU_ACTIVITY		0x0040
#define SES_FU_NEG_RELEASE	0x0080
#define SES_FU_CAPABILITY	0x0100
#define SES_FU_EXCEPTIONS	0x0200
#define SES_FU_TYPED_DATA	0x0400
/* What this implementation can do. */
#define SES_FU_SUPPORTED	(SES_FU_HALF_DUPLEX | SES_FU_DUPLEX | \
				 SES_FU_MINOR_SYNC | SES_FU_MAJOR_SYNC | \
				 SES_FU_ACTIVITY | SES_FU_EXCEPTIONS)
/* What RTSE asks for (X.228 9.1.3): the basic activity subset. */
#define SES_FU_RTSE		(SES_FU_HALF_DUPLEX | SES_FU_MINOR_SYNC | \
				 SES_FU_ACTIVITY | SES_FU_EXCEPTIONS)

/* X.225 8.3.3.10 Token Item bits; also our token ownership mask */
#define SES_TK_DATA		0x01
#define SES_TK_MINOR		0x04
#define SES_TK_MAJOR		0x10	/* major/activity token */
#define SES_TK_RELEASE		0x40
#define SES_TK_ALL		(SES_TK_DATA | SES_TK_MINOR | SES_TK_MAJOR | \
				 SES_TK_RELEASE)

/* X.225 8.3.1.12 Token Setting Item: who holds each token initially */
enum ses_token_side {
	SES_TOKENS_INITIATOR = 0, SES_TOKENS_RESPONDER = 1,
	SES_TOKENS_CALLED_CHOICE = 2
};

/* X.225 8.3.3.17 Reason Code in RF */
#define SES_RF_USER_UNSPECIFIED	0
#define SES_RF_USER_CONGESTION	1
#define SES_RF_USER_DATA	2	/* rejection by the user, with data */
#define SES_RF_SSEL_UNKNOWN	129
#define SES_RF_NOT_ATTACHED	130
#define SES_RF_CONGESTION	131
#define SES_RF_VERSION		132
#define SES_RF_SPM_UNSPECIFIED	133
#define SES_RF_SPM_RESTRICTION	134

/* X.225 8.3.9.3 Transport Disconnect PI in AB and FN */
#define SES_TD_RELEASED		0x01	/* transport connection released */
#define SES_TD_USER_ABORT	0x02
#define SES_TD_PROTOCOL_ERROR	0x04
#define SES_TD_NO_REASON	0x08
#define SES_TD_RESTRICTION	0x10

/* X.225 7.1.1.4 and 8.2: user data limits */
#define SES_UD_V1_MAX		512	/* CN/AC/... in version 1 */
#define SES_UD_CN_V2_MAX	10240	/* CN Extended User Data */
#define SES_UD_V2_MAX		65528	/* other SPDUs in version 2 */
#define SES_SSEL_MAX		16	/* X.225 8.3.1.6 */
#define SES_REF_MAX		64	/* SS-user and common references */

enum ses_role { SES_INITIATOR, SES_RESPONDER };

/* The machine's states (X.225 Annex A names in brackets). */
enum ses_state {
	SES_ST_IDLE,		/* STA01: no connection */
	SES_ST_WAIT_AC,		/* STA02A: CN sent */
	SES_ST_WAIT_OA,		/* STA02B: CN sent with more data */
	SES_ST_WAIT_CDO,	/* STA08B: CN with overflow, OA sent */
	SES_ST_WAIT_CONN_RSP,	/* STA08: S-CONNECT indication given */
	SES_ST_OPEN,		/* STA713: data transfer */
	SES_ST_WAIT_DN,		/* STA03: FN sent */
	SES_ST_WAIT_REL_RSP,	/* STA09: S-RELEASE indication given */
	SES_ST_WAIT_AA,		/* STA16: AB sent, waiting for AA or close */
	SES_ST_CLOSED		/* the transport connection is to be closed */
};

/* Parameters of S-CONNECT, both ways. */
struct ses_conn {
	unsigned char	calling_ssel[SES_SSEL_MAX];
	size_t		calling_ssel_len;
	unsigned char	called_ssel[SES_SSEL_MAX];
	size_t		called_ssel_len;
	unsigned char	ssuser_ref[SES_REF_MAX];	/* calling or called */
	size_t		ssuser_ref_len;
	unsigned char	common_ref[SES_REF_MAX];
	size_t		common_ref_len;
	unsigned	requirements;	/* SES_FU_* */
	int		token_setting;	/* X.225 8.3.1.12 octet */
	unsigned	versions;	/* bit 0: v1, bit 1: v2 */
	unsigned	initial_serial;	/* 0 if absent */
};

enum ses_ind_type {
	SES_CONNECT_IND,	/* CN (after any overflow): accept or refuse */
	SES_CONNECT_CONF,	/* AC received */
	SES_REFUSE_IND,		/* RF received (initiator) */
	SES_DATA_IND,		/* DT */
	SES_TOKEN_GIVE_IND,	/* GT with tokens */
	SES_TOKEN_PLEASE_IND,	/* PT */
	SES_CONTROL_GIVE_IND,	/* GTC: we now hold every token */
	SES_SYNC_MINOR_IND,	/* MIP */
	SES_SYNC_MINOR_CONF,	/* MIA */
	SES_SYNC_MAJOR_IND,	/* MAP, not end of activity */
	SES_SYNC_MAJOR_CONF,	/* MAA */
	SES_ACT_START_IND,	/* AS */
	SES_ACT_RESUME_IND,	/* AR */
	SES_ACT_INTERRUPT_IND,	/* AI: respond with ses_act_interrupt_rsp */
	SES_ACT_INTERRUPT_CONF,	/* AIA */
	SES_ACT_DISCARD_IND,	/* AD: respond with ses_act_discard_rsp */
	SES_ACT_DISCARD_CONF,	/* ADA */
	SES_ACT_END_IND,	/* AE: respond with ses_act_end_rsp */
	SES_ACT_END_CONF,	/* AEA */
	SES_U_EXCEPTION_IND,	/* ED */
	SES_P_EXCEPTION_IND,	/* ER */
	SES_RELEASE_IND,	/* FN: respond with ses_release_rsp */
	SES_RELEASE_CONF,	/* DN: close the transport connection */
	SES_U_ABORT_IND,	/* AB from the peer user: close */
	SES_P_ABORT_IND		/* provider abort (ours or the peer's) */
};

struct ses_ind {
	enum ses_ind_type type;
	const struct ses_conn *conn;	/* CONNECT_IND / _CONF */
	const unsigned char *ud;	/* user data or NULL */
	size_t		udlen;
	unsigned	tokens;		/* TOKEN_GIVE / TOKEN_PLEASE */
	unsigned long	serial;		/* sync and activity serial numbers */
	int		reason;		/* RF, AI, AD, ED, ER, AB reason */
	const unsigned char *act_id;	/* AS / AR activity identifier */
	size_t		act_id_len;
	const unsigned char *old_act_id; /* AR */
	size_t		old_act_id_len;
};

struct ses;
typedef void ses_user_fn(void *arg, const struct ses_ind *ind);
typedef void ses_tsdu_fn(void *arg, const unsigned char *tsdu, size_t len);

struct ses_cfg {
	unsigned	requirements;	/* proposed or accepted FUs */
	unsigned	versions;	/* 0x3: both; 0x1: only version 1 */
	size_t		max_ud;		/* cap on reassembled user data */
	const unsigned char *ssel;	/* our own selector (responder: the */
	size_t		ssel_len;	/*  one we answer to; NULL: any) */
};

struct ses {
	enum ses_role	role;
	enum ses_state	state;
	struct ses_cfg	cfg;
	struct ses_conn	conn;		/* as negotiated */
	unsigned	version;	/* 1 or 2 once connected */
	unsigned	fu;		/* negotiated functional units */
	unsigned	avail;		/* tokens that exist (by the FUs) */
	unsigned	owned;		/* tokens we hold */
	int		in_activity;	/* Vact */
	int		await;		/* what confirmation we wait for */
	int		owe;		/* what response we owe the peer */
	unsigned long	vm;		/* V(M): next serial number */
	unsigned long	va;		/* V(A): lowest unconfirmed */
	struct buf	ud;		/* CN overflow / DT segment reassembly */
	int		dt_segmenting;
	char		why[160];	/* the last protocol error */
	ses_user_fn	*user;
	ses_tsdu_fn	*send;
	void		*arg;
};

/* what we wait for (s->await) and what we owe (s->owe) */
#define SES_W_MAA	0x01	/* MAP or AE sent */
#define SES_W_AIA	0x02
#define SES_W_ADA	0x04
#define SES_W_GTA	0x08
#define SES_W_AE	0x10	/* the MAA we wait for ends an activity */

enum {
	SES_E_STATE = -1, SES_E_TOKEN = -2, SES_E_TOOBIG = -3,
	SES_E_PROTOCOL = -4, SES_E_PARAM = -5
};

void	ses_init(struct ses *s, enum ses_role role, const struct ses_cfg *cfg,
		 ses_user_fn *user, ses_tsdu_fn *send, void *arg);
void	ses_free(struct ses *s);

/* ses_input - process one TSDU from the peer */
int	ses_input(struct ses *s, const unsigned char *tsdu, size_t len);
/* ses_transport_lost - the transport connection ended under us */
void	ses_transport_lost(struct ses *s);

/* connection establishment and refusal */
int	ses_connect_req(struct ses *s, const struct ses_conn *c,
			const void *ud, size_t udlen);
int	ses_connect_rsp(struct ses *s, int accept, int reason,
			const struct ses_conn *c, const void *ud,
			size_t udlen);

/* data and tokens */
int	ses_data_req(struct ses *s, const void *ud, size_t udlen);
int	ses_token_give_req(struct ses *s, unsigned tokens);
int	ses_token_please_req(struct ses *s, unsigned tokens, const void *ud,
			     size_t udlen);
int	ses_control_give_req(struct ses *s);

/* synchronization */
int	ses_sync_minor_req(struct ses *s, int confirm, const void *ud,
			   size_t udlen, unsigned long *serial);
int	ses_sync_minor_rsp(struct ses *s, unsigned long serial,
			   const void *ud, size_t udlen);
int	ses_sync_major_req(struct ses *s, const void *ud, size_t udlen,
			   unsigned long *serial);
int	ses_sync_major_rsp(struct ses *s, const void *ud, size_t udlen);

/* activities */
int	ses_act_start_req(struct ses *s, const void *id, size_t idlen,
			  const void *ud, size_t udlen);
int	ses_act_resume_req(struct ses *s, const void *id, size_t idlen,
			   const void *old_id, size_t old_idlen,
			   unsigned long serial, const void *ud, size_t udlen);
int	ses_act_interrupt_req(struct ses *s, int reason);
int	ses_act_interrupt_rsp(struct ses *s);
int	ses_act_discard_req(struct ses *s, int reason);
int	ses_act_discard_rsp(struct ses *s);
int	ses_act_end_req(struct ses *s, const void *ud, size_t udlen,
			unsigned long *serial);
int	ses_act_end_rsp(struct ses *s, const void *ud, size_t udlen);

/* exceptions */
int	ses_u_exception_req(struct ses *s, int reason, const void *ud,
			    size_t udlen);

/* release and abort */
int	ses_release_req(struct ses *s, const void *ud, size_t udlen);
int	ses_release_rsp(struct ses *s, const void *ud, size_t udlen);
int	ses_u_abort_req(struct ses *s, const void *ud, size_t udlen);

const char *ses_state_name(enum ses_state st);
const char *ses_si_name(int si, int category2);

#endif
