/*
 * mtad_out.h - what mtad_out.c and mtad_out_open.c share: an outbound
 *	association and its transfer
 *
 * SYNOPSIS
 *	#include "mtad_out.h"
 *
 * DESCRIPTION
 *	mtad_out.c runs the transfers on an outbound association (taking a
 *	message's recipients, sending, settling the result) and its
 *	callbacks; mtad_out_open.c opens the associations a link's due work
 *	needs (mtad_out_schedule) with the settings of a call on the link
 *	(mtad_out_assoc_cfg), and ends them. mtad.h has what the rest of
 *	x400d uses; nothing here is used outside these two files.
 *
 * OWNERSHIP
 *	A struct mtad_out is on its link's list (mtad_link.outs) from
 *	open_link() until its association has ended and its last result
 *	note is committed (mtad_out.c frees it).
 */
#ifndef X400_MTAD_OUT_H
#define X400_MTAD_OUT_H

#include <stdint.h>

#include "mtad.h"

#define MAX_TAKE	256	/* recipients of one message per transfer */
#define NDD_UNABLE_TO_COMPLETE 48	/* X.411 unable-to-complete-transfer */

/* A transfer's result on its way to the disk. */
struct out_settling {
	struct out_settling *next;
	struct mtad_out	*o;
	uint64_t	id;
	char		link[CFG_NAME_MAX + 1];
	char		mtsid[Q_MAX_MTSID];
};

struct mtad_out {
	struct mtad_out	*next;
	struct mtad	*m;
	char		link[CFG_NAME_MAX + 1];
	struct assoc	*a;		/* NULL once ended */
	int		bound;
	int		releasing;
	unsigned	transfers;	/* begun on this association */
	char		src[CONN_ADDRSTRLEN];	/* the source it was opened from,
					 * "" the OS chooses */
	/* the transfer in flight */
	int		busy;		/* any phase below but idle */
	enum { OUT_IDLE, OUT_TAKING, OUT_SENDING, OUT_SETTLING } phase;
	int		pending;	/* arrivals (TWA) not yet committed */
	unsigned	settling;	/* its results not yet committed */
	uint64_t	id;
	uint32_t	idx[MAX_TAKE];
	size_t		nidx;
	uint32_t	attempts;	/* the most any of them had */
	int64_t		started;	/* ms */
	size_t		octets;		/* as sent */
	char		mtsid[Q_MAX_MTSID];
};

/* mtad_out_next - start the next transfer on a bound, idle association */
void	mtad_out_next(struct mtad_out *o);
/* mtad_out_in_flight - another association of the link (not o) already
 *	took message id, or its result is still settling */
int	mtad_out_in_flight(struct mtad_link *l, uint64_t id,
			   const struct mtad_out *o);
/* mtad_out_hold_link - no association could be opened: the link waits
 *	open_interval */
void	mtad_out_hold_link(struct mtad *m, struct mtad_link *l);
/* mtad_out_reroute_away - link l has just failed: its waiting
 *	recipients go to an alternate route, if any */
void	mtad_out_reroute_away(struct mtad *m, struct mtad_link *l);
/* the callbacks of every outbound association (mtad_out.c) */
extern const struct assoc_cbs mtad_out_cbs;

#endif
