/*
 * rtse_int.h - inside the Reliable Transfer protocol machine (ITU-T
 *	X.228): what its three files share, and nothing any other module
 *	may use
 *
 * DESCRIPTION
 *	The RTSE module is rtse.h, implemented in three files:
 *
 *	rtse.c		the machine: the session below, release (9.2),
 *			abort (9.6), the dispatch of every session
 *			indication, and the helpers below
 *	rtse_open.c	establishment (9.1): normal mode over ACSE and
 *			presentation, X.410-1984 mode straight on the
 *			session
 *	rtse_xfer.c	transfer (9.3-9.5): activities, checkpoints,
 *			refusal, recovery, and the turn (tokens, 9.4)
 */
#ifndef X400_RTSE_INT_H
#define X400_RTSE_INT_H

#include <stddef.h>

#include "buf.h"
#include "codec.h"
#include "rtse.h"

#define RTSE_CAP	(64u * 1024 * 1024)	/* one RTSE APDU, decoded */
#define DEFAULT_WINDOW	3			/* X.228 9.1.3 */

/* ---- rtse.c ------------------------------------------------------ */

/* rtse_fail - r->why and r->why_event say what the peer did wrong;
 *	returns RTSE_E_PROTOCOL */
int	rtse_fail(struct rtse *r, unsigned ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void	rtse_up(struct rtse *r, enum rtse_ind_type t, const void *data,
		size_t len, int reason);
void	rtse_notice(struct rtse *r);
void	rtse_up_tag(struct rtse *r, enum rtse_ind_type t, void *tag,
		    int reason);
int	rtse_encode(const asn_TYPE_descriptor_t *td, void *v,
		    struct buf *out);
int	rtse_ber_whole(const void *p, size_t n);
void	rtse_send_abort(struct rtse *r, int reason);

/* ---- rtse_open.c: S-CONNECT indication, confirm, refusal --------- */

int	rtse_on_connect_ind(struct rtse *r, const struct ses_ind *ind);
int	rtse_on_connect_conf(struct rtse *r, const struct ses_ind *ind);
int	rtse_on_refuse(struct rtse *r, const struct ses_ind *ind);

/* ---- rtse_xfer.c: the open association's indications ------------- */

int	rtse_xfer_ind(struct rtse *r, const struct ses_ind *ind);

#endif
