/*
 * x400send.h - what the parts of x400send share
 *
 * SYNOPSIS
 *	#include "x400send.h"
 *
 * DESCRIPTION
 *	x400send is one program in two files:
 *
 *	  x400send.c		the manual, the options, the password and
 *				TLS set-up, main
 *	  x400send_run.c	the run: associations, the messages sent on
 *				them, the pace, the summary
 *
 *	main fills a struct sender from the options (zeroed first) and
 *	hands it to xs_run(), which opens the associations on its loop,
 *	runs the loop until every one has ended and prints the summary.
 *
 *	The load: -c associations share -N messages. By default each
 *	association sends its first message when it is bound and the next
 *	one when the last is confirmed (a closed loop: as fast as the MTA
 *	confirms). With bind_first, no message goes before every
 *	association is bound, and the rate is measured from then. With
 *	rate, the messages are due at an even pace (message k at k/rate
 *	seconds after the binds), each sent on an association that is
 *	free when it is due (an open loop: the load does not slow when the
 *	MTA does), and a message's latency counts from when it was due,
 *	not from when a free association took it.
 *
 *	Nothing here is used outside x400send.
 */
#ifndef X400_X400SEND_H
#define X400_X400SEND_H

#include <stdint.h>
#include <uv.h>

#include "assoc.h"
#include "p1_msg.h"

struct slot;

struct sender {
	uv_loop_t	*loop;
	struct assoc_cfg cfg;
	struct p1_msg_spec spec;
	const char	*peer_pw;
	long		total, started, confirmed, failed;
	int		assocs, live, broken;
	int		refused;	/* the peer refused a bind */
	int		quiet;
	uint64_t	*lat;		/* microseconds, one per message */
	uint64_t	t0;
	uint64_t	seq;
	const unsigned char *raw;	/* -A: this APDU, as it is */
	size_t		raw_len;
	uint64_t	hold_ms;	/* --hold: silent after the bind */
	uv_timer_t	hold;
	struct slot	*held;		/* the association being held */
	uint64_t	held_at;	/* us */
	/* -l A,B,...: the associations' source addresses, in turn */
	char		**srcs;
	int		nsrc, opened;
	/* the pace (x400send.h DESCRIPTION) */
	int		bind_first;	/* --bind-first, or implied by rate */
	double		rate;		/* --rate: messages per second, or 0 */
	int		nbound;		/* live associations bound */
	int		nbegan;		/* of them, bound when messages began */
	int		sending;	/* the binds are over: messages go */
	uint64_t	t_send;		/* us: when they began */
	struct slot	**idle;		/* bound, free, waiting for a message */
	int		nidle;
	uv_timer_t	tick;		/* --rate: the next message is due */
};

/* xs_run - open the associations, run the loop until all have ended,
 *	print the summary; the exit status (0 every message confirmed) */
int xs_run(struct sender *s);

#endif
