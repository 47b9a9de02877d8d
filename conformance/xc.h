/*
 * xc.h - x400conf, the P1 conformance suite: test cases, verdicts and the
 *	  run that ties them together
 *
 * SYNOPSIS
 *	#include "xc.h"
 *
 *	static void run_connect(struct xc *x) {
 *		...
 *		if (!ok)
 *			xc_fail(x, "the target answered the CR with %s", what);
 *	}
 *	const struct xc_case xc_cases_ts[] = {
 *		{ "TS.01", "transport", "title", "X.224 13.3", "sends",
 *		  "expects", run_connect, XC_F_HEALTH },
 *		{ NULL }
 *	};
 *
 *	xc_init(&x, loop, &cfg);  xc_run_all(&x);  xc_free(&x);
 *
 * DESCRIPTION
 *	x400conf tests a P1 MTA (the target) over RFC 1006, acting both as
 *	the MTA that calls it (struct xc_peer, xc_peer.h) and as the MTA it
 *	relays to (the inbox, xc_inbox.h): the target is configured to
 *	route the test recipients back to x400conf's listener.
 *
 *	A test case is a function run with the loop at hand: it opens
 *	connections, sends, and waits (xc_wait) for what the target does,
 *	then gives its verdict: pass (the default), fail or inconclusive,
 *	each with one sentence of reason. The first failure decides; later
 *	ones become notes. Everything a case does is captured: each
 *	connection of x400conf's and of the target's towards the inbox is
 *	written to a pcap file while the case runs, the files are merged
 *	into OUT/<id>.pcap and decoded layer by layer into OUT/<id>.txt,
 *	with the case's notes and the stack's events.
 *
 *	Cases flagged XC_F_HEALTH are followed by a health check: a fresh
 *	association and MTA-bind must still succeed, or the case fails (a
 *	target that died or stopped serving after a malformed PDU).
 *
 *	The PICS (protocol implementation conformance statement) table
 *	collects what the cases learnt the target supports: xc_pics(x,
 *	key, ...) records one row.
 *
 * OWNERSHIP
 *	struct xc is the caller's; xc_free() releases what the run made.
 *	Case tables are static.
 *
 * DIAGNOSTICS
 *	The verdicts are the output. Internal errors (a test message that
 *	does not encode) are a bug in x400conf: panic.
 */
#ifndef X400_XC_H
#define X400_XC_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "buf.h"
#include "xc_cfg.h"

enum xc_verdict { XC_PASS, XC_FAIL, XC_INCONC };

#define XC_F_HEALTH	0x01	/* check that the target still serves */
#define XC_F_SLOW	0x02	/* takes the relay timeout or more */

struct xc;

struct xc_case {
	const char	*id;		/* "TS.01" */
	const char	*group;		/* "transport", ... */
	const char	*title;
	const char	*clause;	/* what it rests on */
	const char	*sends;		/* what x400conf sends */
	const char	*expects;	/* what a conforming target does */
	void		(*run)(struct xc *x);
	unsigned	flags;
};

struct xc_result {
	const struct xc_case *c;
	enum xc_verdict	v;
	char		reason[600];
	double		secs;
	struct buf	log;		/* notes, events, decoded PDUs */
	char		pcap[700];	/* the merged capture, or "" */
	char		txt[700];	/* the transcript file, or "" */
};

/* One row of the PICS table. */
struct xc_pics_row {
	char		key[48];
	char		value[240];
};

#define XC_PICS_MAX	64

struct xc_peer;
struct xc_inbox;

struct xc {
	uv_loop_t	*loop;
	struct xc_cfg	cfg;
	uv_timer_t	timer;
	int		timer_fired;
	struct xc_inbox	*inbox;
	struct xc_peer	*peers;		/* open peers, closed after a case */
	/* the case running */
	const struct xc_case *cur;
	struct xc_result *res;
	unsigned	nparts;		/* capture files of the case */
	char		**parts;
	/* all results */
	struct xc_result *results;
	size_t		nresults;
	struct xc_pics_row pics[XC_PICS_MAX];
	size_t		npics;
	uint64_t	seq;		/* for identifiers we make */
	char		why[320];	/* why the last xc_transfer failed */
	int		sent_nothing;	/* the case found itself inconclusive
					   before sending: no health check */
	double		t0;
	int		interrupted;
};

typedef int xc_pred_fn(void *arg);

/* the case registry (xc_run.c): every case, in order, then NULL */
const struct xc_case *xc_case_at(size_t i);
extern const struct xc_case xc_cases_ts[], xc_cases_as[], xc_cases_bi[],
	xc_cases_sc[], xc_cases_tx[], xc_cases_tr[], xc_cases_tl[],
	xc_cases_ex[],
	xc_cases_ub[], xc_cases_rb[];

/* xc_init - a run against cfg (copied) on loop */
void	xc_init(struct xc *x, uv_loop_t *loop, const struct xc_cfg *cfg);
/* xc_run_all - start the inbox, run every selected case; 0, or -1 if
 *	the inbox cannot listen (the reason on stderr) */
int	xc_run_all(struct xc *x);
/* xc_free - close everything, let the loop finish, free the results */
void	xc_free(struct xc *x);
/* xc_selected - cfg's --only/--skip patterns select this case */
int	xc_selected(const struct xc_cfg *cfg, const struct xc_case *c);

/* verdicts of the running case */
void	xc_fail(struct xc *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void	xc_inconc(struct xc *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void	xc_note(struct xc *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* xc_ok - the case has neither failed nor been found inconclusive */
int	xc_ok(const struct xc *x);

/* xc_wait - run the loop until done(arg) or ms pass: 1 done, 0 not */
int	xc_wait(struct xc *x, xc_pred_fn *done, void *arg, unsigned ms);
/* xc_sleep - run the loop for ms */
void	xc_sleep(struct xc *x, unsigned ms);
/* xc_now - seconds since the run began */
double	xc_now(const struct xc *x);

/* xc_pcap_part - a new capture file name for the running case (owned
 *	by x), or NULL when captures are off */
const char *xc_pcap_part(struct xc *x);

/* xc_pics - set (replace) one PICS row */
void	xc_pics(struct xc *x, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *xc_pics_get(const struct xc *x, const char *key);

/* xc_verdict_name - "pass", "fail", "inconclusive" */
const char *xc_verdict_name(enum xc_verdict v);

#endif
