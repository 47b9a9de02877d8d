/*
 * ses_int.h - inside the session protocol machine (ITU-T X.225): what
 *	its three files share, and nothing any other module may use
 *
 * DESCRIPTION
 *	The session module is ses.h, implemented in three files:
 *
 *	ses_spdu.c	the SPDU codec: PI and PGI units, SPDUs and the
 *			TSDUs that carry them (X.225 6.3, 8), and the
 *			parameters of an incoming SPDU in a struct params
 *	ses.c		the state machine: connection establishment,
 *			release and abort, and the dispatch of every
 *			incoming SPDU (X.225 7.1-7.10, Annex A)
 *	ses_xfer.c	the data transfer phase: data, tokens, minor and
 *			major synchronization, activities and exceptions
 *			(X.225 7.11-7.26), incoming and requested
 */
#ifndef X400_SES_INT_H
#define X400_SES_INT_H

#include <stddef.h>

#include "buf.h"
#include "ses.h"

/* PI and PGI codes, X.225 8.3 */
enum {
	PGI_CONN_ID = 1, PGI_CONN_ITEM = 5, PGI_LINKING = 33,
	PGI_USER_DATA = 193, PGI_EXT_USER_DATA = 194,
	PI_CALLED_REF = 9, PI_CALLING_REF = 10, PI_COMMON_REF = 11,
	PI_ADD_REF = 12, PI_SYNC_TYPE = 15, PI_TOKEN_ITEM = 16,
	PI_TRANSPORT_DISC = 17, PI_PROTO_OPTIONS = 19, PI_REQUIREMENTS = 20,
	PI_TSDU_MAX = 21, PI_VERSION = 22, PI_INITIAL_SERIAL = 23,
	PI_ENCLOSURE = 25, PI_TOKEN_SETTING = 26, PI_ACT_ID = 41,
	PI_SERIAL = 42, PI_REFLECT = 49, PI_REASON = 50,
	PI_CALLING_SSEL = 51, PI_CALLED_SSEL = 52, PI_DATA_OVERFLOW = 60
};

#define ENC_BEGIN	0x01	/* Enclosure Item: beginning of SSDU */
#define ENC_END		0x02	/* Enclosure Item: end of SSDU */
#define SYNC_NOEXPL	0x01	/* MIP: explicit confirmation not needed */
#define SYNC_NOEND	0x01	/* MAP: not the end of an activity */

/* One SPDU as cut out of a TSDU. */
struct spdu {
	int		si;
	const unsigned char *par;	/* parameter field */
	size_t		plen;
	const unsigned char *uinfo;	/* user information field (DT) */
	size_t		ulen;
};

/* The parameters of one SPDU that we act on. */
struct params {
	struct ses_conn	c;
	int		have_ssel_called, have_ssel_calling;
	int		have_tokens, tokens;
	int		have_td, td;
	int		have_enclosure, enclosure;
	int		have_sync, sync;
	int		have_serial;
	unsigned long	serial;
	int		have_reason, reason;
	int		have_overflow;
	const unsigned char *reason_ud;	/* RF: data after the reason */
	size_t		reason_udlen;
	const unsigned char *ud;	/* PGI 193 or 194 */
	size_t		udlen;
	const unsigned char *act_id, *old_act_id;
	size_t		act_id_len, old_act_id_len;
	int		have_versions, have_requirements, have_token_setting;
};

/* ---- ses_spdu.c: the codec --------------------------------------- */

/* ses_si_name() is public (ses.h). */
void	ses_put_pi(struct buf *b, int code, const void *v, size_t n);
void	ses_put_pi_u8(struct buf *b, int code, unsigned v);
void	ses_put_serial(struct buf *b, unsigned long sn);
void	ses_put_ud(struct buf *b, const void *ud, size_t udlen);
void	ses_put_conn_items(struct ses *s, struct buf *par,
			   const struct ses_conn *c, int cn, int overflow);
void	ses_send_cat1(struct ses *s, int si, const struct buf *par);
void	ses_send_cat2(struct ses *s, int si, const struct buf *par,
		      const void *uinfo, size_t ulen);
size_t	ses_ud_max(const struct ses *s);
unsigned ses_tokens_available(unsigned fu);

int	ses_fail(struct ses *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int	ses_cut_spdu(struct ses *s, const unsigned char *p, size_t n,
		     struct spdu *sp, size_t *used);
int	ses_parse_pis(struct ses *s, const unsigned char *p, size_t n,
		      int in_pgi, struct params *pr);

/* ---- ses.c: the machine ------------------------------------------ */

void	ses_up(struct ses *s, enum ses_ind_type type, const void *ud,
	       size_t udlen);

/* ---- ses_xfer.c: the data transfer phase ------------------------- */

int	ses_xfer_spdu(struct ses *s, const struct spdu *sp,
		      const struct params *pr, int cat2);

#endif
