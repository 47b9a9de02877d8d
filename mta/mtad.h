/*
 * mtad.h - x400d, the relaying MTA: the state its modules share
 *
 * SYNOPSIS
 *	#include "mtad.h"
 *
 *	mtad_start(&m, loop, cfg, &err);   mtad_reload(&m, newcfg);
 *	mtad_stop(&m);
 *
 * DESCRIPTION
 *	x400d is one process and one libuv loop. Its modules:
 *
 *	mtad.c		start, reload (SIGHUP), stop; the links' runtime
 *			state and the routing table built from the config
 *	mtad_in.c	inbound associations: who may bind as which link
 *			(name, password, selectors, address, back-off;
 *			issue 6)
 *	mtad_arrive.c	every MTS-APDU that arrives, from a peer or made
 *			here: loop check, critical extensions, trace,
 *			routing, limits, then one atomic arrival in the
 *			queue, and only then the transfer confirmation
 *	mtad_out.c	outbound: for each link with due work, an
 *			association from the configured source address,
 *			transfers one message at a time with
 *			responsibility set for that link's recipients,
 *			downgraded for X.410-1984 links; retries,
 *			alternates, failures
 *	mtad_out_open.c	the outbound associations opened (the scheduler's
 *			pass over the links) and ended
 *	mtad_local.c	local delivery to mailbox directories, reports
 *			(delivery and non-delivery, and probe answers),
 *			expiry
 *	mtad_ops.c	the operators' x400q actions, read from the
 *			queue's journal, logged as events
 *	mtad_prune.c	the queue's housekeeping: the journal and the
 *			duplicate identifiers kept limits.history
 *	mtad_gate.c	the front door's refusals, counted and logged
 *			once an interval
 *	mtad_check.c	x400d -t: what start-up and later would meet on
 *			this machine (users, directories, addresses)
 *	mtad_fdlim.c	the descriptor limit raised to what the
 *			association limits need
 *	mtad_ctl.c	the control socket queue_dir/x400d.ctl: x400q
 *			asks the running daemon (links, status, retry,
 *			ping), one JSON line each way
 *	mtad_metrics.c	global.metrics_listen: the counters over HTTP in
 *			Prometheus' text format
 *	mtad_ping.c	a test association on a link (bind, release),
 *			opened as mtad_out.c opens its own
 *	mtad_pcap.c	the capture files of links with pcap = true, both
 *			ways: their names, and inbound, the capture held
 *			from the accept until the bind names the link
 *
 *	The queue (store/q.h) is the only state that survives: a message
 *	is confirmed to the peer that sent it only after its arrival is
 *	committed, and a recipient is marked delivered only after the next
 *	MTA confirmed it.
 *
 * OWNERSHIP
 *	struct mtad owns the configuration it was given (freed by
 *	mtad_stop), the queue, the listeners and the associations.
 */
#ifndef X400_MTAD_H
#define X400_MTAD_H

#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "assoc.h"
#include "auth.h"
#include "cfg.h"
#include "p1_trace.h"
#include "q.h"
#include "ratelimit.h"
#include "route.h"

struct mtad;
struct mtad_out;
struct mtad_ctl;
struct mtad_ping;
struct in_assoc;
struct in_wait;

#define MTAD_ERR_MAX	700	/* a link's last error text */
#define MTAD_OLDEST_SCAN 4096	/* queue entries read per link for its
				 * oldest message (mtad_oldest) */

/* One configured link at run time. */
struct mtad_link {
	const struct cfg_link *cfg;
	struct mtad	*m;
	int		failing;	/* outbound attempts failing now */
	int64_t		next_open;	/* no new attempt before (ms) */
	unsigned	nout, nin;	/* live associations */
	unsigned	addr_next;	/* which address to try next */
	struct mtad_out	*outs;		/* outbound associations */
	const char	*our_pw;	/* the password we send */
	/* the last failure of an outbound association, as logged
	 * (mtad_link_fail); x400q links shows it */
	char		last_err[MTAD_ERR_MAX];
	unsigned	last_err_ev;	/* its event number, 0: none yet */
	int64_t		last_err_at;	/* when (ms) */
	int64_t		last_bound_at;	/* our last bind accepted (ms), 0 */
	/* since the start, for the metrics */
	uint64_t	assoc_in_total, assoc_out_total;	/* opened */
	uint64_t	failures;	/* mtad_link_fail calls */
};

/* Why we refused something, for the metrics (mtad_refused): an
 * association (its bind), a whole transfer, or one recipient of an
 * arrival (a non-delivery report at once). */
enum mtad_refusal {
	MTAD_REF_UNKNOWN_MTA,		/* associations */
	MTAD_REF_BAD_SELECTOR,
	MTAD_REF_BAD_ADDRESS,
	MTAD_REF_BAD_PASSWORD,
	MTAD_REF_BUSY,
	MTAD_REF_RATE_LIMITED,
	MTAD_REF_TOO_MANY,
	MTAD_REF_PREBIND_SOURCE,
	MTAD_REF_PREBIND_FULL,
	MTAD_REF_BIND_TIMEOUT,
	MTAD_REF_TLS_FAILED,
	MTAD_REF_UNDECODABLE,		/* transfers */
	MTAD_REF_NO_RECIPIENTS,
	MTAD_REF_STORE,
	MTAD_REF_LOOP,			/* recipients */
	MTAD_REF_CRITICAL,
	MTAD_REF_NO_ROUTE,
	MTAD_REF_TOO_LONG,
	MTAD_REF_MAX
};

/* What the front door counts instead of logging each (mtad_gate.c). */
enum mtad_gate_why {
	GATE_PER_SOURCE,	/* connection refused: prebind_per_source */
	GATE_PREBIND_FULL,	/* connection refused: prebind_max */
	GATE_STOPPING,		/* connection refused: x400d is stopping */
	GATE_NO_BIND,		/* aborted: no bind within bind_timeout */
	GATE_ENDED_UNBOUND,	/* the caller left before a bind */
	GATE_BACKOFF,		/* bind refused: its key backs off */
	GATE_TOO_MANY,		/* bind refused: max_associations_in */
	GATE_TLS_FAILED,	/* its TLS handshake failed */
	GATE_MAX
};

#define GATE_TOP	8	/* the busiest sources tracked */

struct mtad_gate {
	uv_timer_t	timer;		/* every refusal_log_interval */
	int64_t		since;		/* the interval's start (ms) */
	uint64_t	n[GATE_MAX];
	struct {
		char		addr[CONN_ADDRSTRLEN];
		uint64_t	n;
	} top[GATE_TOP];
};

struct mtad {
	uv_loop_t	*loop;
	struct cfg	*cfg;
	struct q	*q;
	struct route_table *routes;
	struct mtad_link *links;
	size_t		nlinks;
	int		lock_fd;	/* queue_dir/x400d.pid, flock'ed */
	uint64_t	jseq;		/* the next journal entry to read for
					 * operators' actions (mtad_ops.c) */
	struct conn_listener *listener;	/* the first of listeners */
	struct conn_listener **listeners;
	size_t		nlisteners;
	struct rl	*rl;
	struct auth_secrets *secrets;
	struct p1_here	here;
	uv_timer_t	tick;		/* the scheduler */
	uv_timer_t	kick;		/* run the scheduler soon */
	int		kicked;
	uv_timer_t	hold;		/* run it when a link's hold ends */
	uv_timer_t	prune;		/* the journal's housekeeping */
	int		pruning;	/* a prune is being committed */
	int64_t		hold_at;	/* when hold fires (ms), 0: idle */
	uint64_t	seq;		/* for MTS identifiers we make */
	unsigned	nin, nout;
	unsigned	nin_bound;	/* inbound associations bound */
	uint64_t	hash_us;	/* a password hash's time, averaged */
	int		stopping;
	int		local_busy;	/* a local delivery pass is running */
	struct in_assoc	*ins;		/* inbound associations */
	/* the front door's counts (mtad_in.c admit), kept as associations
	 * come, bind and end, so that a connection is admitted at a cost
	 * that does not grow with the associations open (issue 19) */
	struct in_wait	*waits;		/* unbound, by reserve; nwaits */
	size_t		nwaits;
	struct in_assoc	*pool;		/* unbound and unreserved (at most
					 * prebind_max) */
	unsigned	npool;
	uv_timer_t	drain;		/* stopping: wait for them to end */
	int64_t		stop_at;
	int		report_busy;
	struct out_settling *settling;	/* outbound results not yet
					 * committed (mtad_out.c) */
	/* counters for tests, logs and x400q status */
	uint64_t	arrived, relayed, delivered, reported, refused;
	uint64_t	arrived_octets, relayed_octets, delivered_octets;
	uint64_t	refusals[MTAD_REF_MAX];	/* by enum mtad_refusal */
	uint64_t	assoc_in_total, assoc_out_total;	/* opened */
	int64_t		started_at;	/* ms */
	struct mtad_ctl	*ctl;		/* the control socket, NULL: none */
	struct mtad_metrics *metrics;	/* the HTTP endpoint, NULL: none */
	struct mtad_ping *pings;	/* test associations (x400q ping) */
	struct mtad_gate gate;		/* refusals before a bind */
	int64_t		pcap_last_ms;	/* the last capture file's name */
	struct conn_tls_ctx *tls_server;	/* mtad_tls.c; NULL: none */
	struct conn_tls_ctx *tls_client;
	struct p1_strong_key *strong_key;	/* mtad_strong.c; NULL: none */
	struct p1_strong_cache *strong_cache;
};

/* mtad_start - open the queue, listen, start the scheduler; m takes
 *	cfg. 0, or -1 with a sentence in err. */
int	mtad_start(struct mtad *m, uv_loop_t *loop, struct cfg *cfg,
		   char *err, size_t errlen);
/* mtad_reload - take a new configuration; queued mail stays */
int	mtad_reload(struct mtad *m, struct cfg *cfg, char *err,
		    size_t errlen);
/* mtad_stop - stop listening, end associations, flush the queue */
void	mtad_stop(struct mtad *m);
/* mtad_fd_limit - raise the descriptor limit to what cfg's association
 *	limits need (mtad_fd_need; mtad_fdlim.c): the soft limit up to the
 *	hard one, and the hard one too when root. 0 enough (1008 logged
 *	when raised), 1 short (1008 warning), -1 getrlimit failed.
 * mtad_fd_check - x400d -t: 1 and a sentence in buf when start-up could
 *	not raise it far enough */
unsigned long mtad_fd_need(const struct cfg *c);
int	mtad_fd_limit(struct mtad *m, const struct cfg *c);
int	mtad_fd_check(const struct cfg *c, char *buf, size_t n);

/* mtad_check - x400d -t's checks of this machine (mtad_check.c): the
 *	users, directories, secrets and listen addresses; one line each to
 *	out; returns how many problems (start-up would fail, or mail
 *	wait) */
int	mtad_check(const struct cfg *cfg, FILE *out);
/* mtad_closed - every handle is closed (the loop may end) */
void	mtad_free(struct mtad *m);

/* helpers shared by the modules */
int64_t	mtad_now_ms(void);
/* mtad_refused - count one refusal by its reason */
void	mtad_refused(struct mtad *m, enum mtad_refusal why);
/* mtad_oldest - the oldest message due on link (ids grow with
 *	arrival), reading at most scan entries; 0 and *id, *exact (all
 *	were read), or -1: none */
int	mtad_oldest(struct q_rd *rd, const char *link, int scan,
		    uint64_t *id, int *exact);
struct mtad_link *mtad_link(struct mtad *m, const char *name);
void	mtad_kick(struct mtad *m);		/* schedule soon */
void	mtad_kick_at(struct mtad *m, int64_t when);	/* at when (ms) */
int	mtad_link_up(const char *link, void *arg);	/* route_avail_fn */
void	mtad_log(struct mtad *m, enum log_level lvl, unsigned ev,
		 const char *peer, const char *link, const char *layer,
		 const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* mtad_link_fail - mtad_log() about link l's outbound association, and
 *	keep the text, the event and the time as l's last error */
void	mtad_link_fail(struct mtad_link *l, enum log_level lvl, unsigned ev,
		       const char *peer, const char *layer,
		       const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* mtad_prune.c: drop the journal and the identifiers of removed
 *	messages older than limits.history, now and then */
void	mtad_prune_start(struct mtad *m);
void	mtad_prune_stop(struct mtad *m);

/* mtad_gate.c: refusals before a bind, counted by reason and source
 *	(addr, "" unknown) and logged as one event per interval */
void	mtad_gate_count(struct mtad *m, enum mtad_gate_why why,
			const char *addr);
void	mtad_gate_start(struct mtad *m);
void	mtad_gate_stop(struct mtad *m);	/* logs what is counted */

/* mtad_in.c */
void	mtad_in_accept(struct conn *c, void *arg);
/* mtad_in_stop - end every inbound association (stopping) */
void	mtad_in_stop(struct mtad *m);
typedef void mtad_arrive_fn(void *arg, int err, uint64_t id);
/* mtad_arrive - process one MTS-APDU (from src_link, or made here when
 *	src_link is ""), commit it with the extra operations in the same
 *	transaction, then call cb (which may be NULL). Returns 0 (cb will
 *	be called), -1 if it could not be queued now (try again), or
 *	MTAD_ARRIVE_PERMANENT if it never will be: it does not decode,
 *	has no recipient or does not encode again (event 3102 says where) */
#define MTAD_ARRIVE_PERMANENT	(-2)
/* mtad_arrive_answer - the assoc_apdu_rsp() answer to a refusal */
#define MTAD_ARRIVE_ANSWER(rc) \
	((rc) == MTAD_ARRIVE_PERMANENT ? ASSOC_PERMANENT : ASSOC_TEMPORARY)
int	mtad_arrive(struct mtad *m, const unsigned char *apdu, size_t n,
		    const char *src_link, const char *src_peer,
		    const struct q_op *extra, size_t nextra,
		    mtad_arrive_fn *cb, void *arg);

/* mtad_out_open.c (and mtad_out.c: mtad_out_check_peer) */
void	mtad_out_schedule(struct mtad *m);
void	mtad_out_stop(struct mtad *m);
void	mtad_out_abort_all(struct mtad *m);
/* mtad_out_assoc_cfg - the association settings for a call on link l
 *	to its address number which (modulo their number): what the
 *	scheduler's associations and x400q ping both use. pcap (n octets)
 *	holds the capture file's name when the link captures. NULL if the
 *	link has no address. */
const struct cfg_addr *mtad_out_assoc_cfg(struct mtad *m,
					  struct mtad_link *l,
					  unsigned which, struct assoc_cfg *ac,
					  char *pcap, size_t n);
/* mtad_out_check_peer - is the peer's bind result the one link l
 *	expects (its MTA name, its password)? 0, or the event to log
 *	and why */
unsigned mtad_out_check_peer(struct mtad_link *l, struct assoc *a,
			     const struct assoc_bind *peer, char *why,
			     size_t n);
/* mtad_out_bound - outbound associations of l that are bound now */
unsigned mtad_out_bound(const struct mtad_link *l);

/* mtad_ctl.c: the control socket; a failure to open it is logged, and
 *	x400d runs without it */
/* mtad_metrics_start, _stop - the HTTP metrics endpoint
 *	(global.metrics_listen; mtad_metrics.c), when configured */
void	mtad_metrics_start(struct mtad *m);
void	mtad_metrics_stop(struct mtad *m);
void	mtad_ctl_start(struct mtad *m);
void	mtad_ctl_stop(struct mtad *m);

/* mtad_ping.c: one test association on a link (x400q ping) */
struct mtad_ping_result {
	const char	*link;
	const char	*outcome;	/* accepted, refused, unreachable,
					 * aborted, timeout, failed */
	const char	*reason;	/* "" when accepted */
	const char	*peer;		/* address:port called */
	const char	*local;		/* our address:port, "" */
	const char	*peer_mta;	/* the name the peer bound as, "" */
	int		accepted;
	int64_t		connect_ms;	/* -1: no connection */
	int64_t		bind_ms;	/* -1: no bind answer */
	int64_t		release_ms;	/* -1: not released */
	int64_t		total_ms;
};
typedef void mtad_ping_fn(void *arg, const struct mtad_ping_result *r);
/* mtad_ping_start - connect, bind with the link's credentials and mode,
 *	release; cb once with the outcome (never from inside this call).
 *	timeout_ms bounds the connect and the bind (0: the link's
 *	connect_timeout). NULL with why if it cannot start. */
struct mtad_ping *mtad_ping_start(struct mtad *m, struct mtad_link *l,
				  unsigned timeout_ms, mtad_ping_fn *cb,
				  void *arg, char *why, size_t n);
/* mtad_ping_cancel - cb will not be called; the association ends */
void	mtad_ping_cancel(struct mtad_ping *p);
/* mtad_ping_stop - stopping: abort every test association */
void	mtad_ping_stop(struct mtad *m);

/* mtad_pcap.c: captures. mtad_pcap_path - the file for an association
 *	on link (inbound: one a peer made) in buf (n octets), or NULL
 *	when global.pcap_dir is not set */
const char *mtad_pcap_path(struct mtad *m, const char *link, int inbound,
			   char *buf, size_t n);
/* mtad_pcap_in_hold - an accepted connection: hold its capture in
 *	memory if some receiving link captures; 1 if it is held */
int	mtad_pcap_in_hold(struct mtad *m, struct conn *c);
/* mtad_pcap_in - its bind named link l (NULL: no link): the held
 *	capture goes to l's file once the bind is over, passwords blanked
 *	unless l has pcap_secrets, if l captures; else it is dropped */
void	mtad_pcap_in(struct mtad *m, struct assoc *a,
		     const struct cfg_link *l);

/* mtad_ops.c: x400q's actions, from the journal, as events 5008 */
void	mtad_ops_start(struct mtad *m);
void	mtad_ops_run(struct mtad *m);

/* mtad_local.c */
void	mtad_local_run(struct mtad *m);
void	mtad_report_run(struct mtad *m);
void	mtad_expire_run(struct mtad *m);

#endif
