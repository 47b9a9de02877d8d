/*
 * mtad_ping.c - x400d: a test association on a link (x400q ping)
 *
 * NAME
 *	mtad_ping_start, mtad_ping_cancel, mtad_ping_stop
 *
 * SYNOPSIS
 *	#include "mtad.h"
 *
 *	p = mtad_ping_start(m, link, timeout_ms, done, arg, why, n);
 *	mtad_ping_cancel(p);		the caller went away
 *	mtad_ping_stop(m);		x400d stops
 *
 * DESCRIPTION
 *	Like PP's "x400out88 ping": open one association on a link as the
 *	scheduler would (mtad_out_assoc_cfg(): the link's next address,
 *	source address, selectors, mode, our name and password), check
 *	the peer's bind result as the scheduler does
 *	(mtad_out_check_peer()), release at once, and report how long
 *	each step took and how the bind went: accepted, or refused with
 *	the peer's bind error or the layer's reason.
 *
 *	A test association transfers nothing: an MTS-APDU the peer sends
 *	on it (two-way alternate) is refused with temporaryProblem, and
 *	the peer sends it again on a real association. It does not count
 *	against the link's max_associations and changes none of the
 *	link's state (failing, next attempt, last error): it only
 *	reports. The association's own events (conn-connected, bind-done,
 *	bind-refused-by-peer...) are logged as for any association, and
 *	the outcome as event 1012 ctl-ping.
 *
 * OWNERSHIP
 *	A struct mtad_ping lives on m->pings until its association has
 *	ended; the callback runs once, from the association's ended()
 *	callback, unless mtad_ping_cancel() came first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mtad.h"
#include "xalloc.h"

struct mtad_ping {
	struct mtad_ping *next;
	struct mtad	*m;
	struct assoc	*a;		/* NULL once ended */
	mtad_ping_fn	*cb;		/* NULL: cancelled */
	void		*arg;
	char		link[CFG_NAME_MAX + 1];
	char		peer[CONN_ADDRSTRLEN];
	char		local[CONN_ADDRSTRLEN];
	char		peer_mta[ASSOC_NAME_MAX + 1];
	char		refused[MTAD_ERR_MAX];	/* our check of the peer */
	uint64_t	t0;		/* uv_hrtime() at the start */
	int64_t		bound_ms;	/* start to bound, -1 not bound */
	int64_t		connect_ms;
};

static int64_t since(uint64_t t0)
{
	return (int64_t)((uv_hrtime() - t0) / 1000000);
}

static void on_bind_ind(struct assoc *a, const struct assoc_bind *p,
			void *arg)
{
	(void)p;
	(void)arg;
	assoc_abort(a);		/* we called: a bind indication is wrong */
}

/* on_bound - the peer accepted our bind: is it whom the link expects?
 *	Then release at once */
static void on_bound(struct assoc *a, const struct assoc_bind *peer,
		     void *arg)
{
	struct mtad_ping *p = arg;
	struct mtad_link *l = mtad_link(p->m, p->link);

	p->bound_ms = since(p->t0);
	p->connect_ms = assoc_connect_ms(a);
	snprintf(p->peer_mta, sizeof(p->peer_mta), "%s", peer->name);
	snprintf(p->local, sizeof(p->local), "%s", assoc_local(a));
	if (l && mtad_out_check_peer(l, a, peer, p->refused,
				     sizeof(p->refused)) != 0) {
		assoc_abort(a);
		return;
	}
	assoc_release(a);
}

static void on_apdu_ind(struct assoc *a, const unsigned char *apdu,
			size_t n, void *arg)
{
	(void)apdu;
	(void)n;
	(void)arg;
	assoc_apdu_rsp(a, ASSOC_TEMPORARY);	/* not on a test association */
}

static void on_apdu_conf(struct assoc *a, void *tag, int ok, void *arg)
{
	(void)a;
	(void)tag;
	(void)ok;
	(void)arg;
}

/* outcome - a word for how the association ended */
static const char *outcome(const struct mtad_ping *p, struct assoc *a,
			   enum assoc_end how)
{
	if (p->refused[0])
		return "refused";
	if (p->bound_ms >= 0)
		return "accepted";
	if (assoc_connect_error(a) != 0)
		return "unreachable";
	switch (how) {
	case ASSOC_REFUSED: return "refused";
	case ASSOC_ABORTED: return "aborted";
	case ASSOC_TIMEOUT: return "timeout";
	default: return "failed";
	}
}

static void unlink_ping(struct mtad_ping *p)
{
	struct mtad_ping **pp;

	for (pp = &p->m->pings; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return;
		}
}

static void on_ended(struct assoc *a, enum assoc_end how, const char *why,
		     void *arg)
{
	struct mtad_ping *p = arg;
	struct mtad_ping_result r;
	int64_t total = since(p->t0);

	memset(&r, 0, sizeof(r));
	r.link = p->link;
	r.outcome = outcome(p, a, how);
	r.accepted = strcmp(r.outcome, "accepted") == 0;
	r.reason = r.accepted ? "" : p->refused[0] ? p->refused : why;
	r.peer = p->peer;
	r.local = p->local;
	r.peer_mta = p->peer_mta;
	r.connect_ms = p->bound_ms >= 0 ? p->connect_ms :
	    assoc_connect_ms(a);
	r.bind_ms = -1;
	if (p->bound_ms >= 0)
		r.bind_ms = p->bound_ms - (r.connect_ms > 0 ? r.connect_ms : 0);
	else if (r.connect_ms >= 0 && how == ASSOC_REFUSED)
		r.bind_ms = total - r.connect_ms;	/* the refusal's time */
	r.release_ms = r.accepted && how == ASSOC_RELEASED ?
	    total - p->bound_ms : -1;
	r.total_ms = total;
	mtad_log(p->m, r.accepted ? LOG_NOTICE : LOG_WARNING, EV_CTL_PING,
		 p->peer, p->link, "ctl", "test association on link %s to "
		 "%s: %s%s%s (connect %lld ms, bind %lld ms, total %lld ms)",
		 p->link, p->peer, r.outcome, r.reason[0] ? ": " : "",
		 r.reason, (long long)r.connect_ms, (long long)r.bind_ms,
		 (long long)r.total_ms);
	p->a = NULL;
	unlink_ping(p);
	if (p->cb)
		p->cb(p->arg, &r);
	free(p);
}

static const struct assoc_cbs ping_cbs = {
	on_bind_ind, on_bound, on_apdu_ind, on_apdu_conf, on_ended
};

struct mtad_ping *mtad_ping_start(struct mtad *m, struct mtad_link *l,
				  unsigned timeout_ms, mtad_ping_fn *cb,
				  void *arg, char *why, size_t n)
{
	const struct cfg_addr *ad;
	struct assoc_cfg ac;
	struct mtad_ping *p;
	char pcap[600];
	int rc;

	if (m->stopping) {
		snprintf(why, n, "x400d is stopping");
		return NULL;
	}
	if (!(l->cfg->dir & CFG_OUT)) {
		snprintf(why, n, "link %s is inbound only: x400d does not "
			 "call its peer", l->cfg->name);
		return NULL;
	}
	/* the address the scheduler would call next */
	if ((ad = mtad_out_assoc_cfg(m, l, l->addr_next, &ac, pcap,
				     sizeof(pcap))) == NULL) {
		snprintf(why, n, "link %s has no address", l->cfg->name);
		return NULL;
	}
	if (timeout_ms)
		ac.open_ms = timeout_ms;
	ac.idle_ms = 0;
	p = XNEW(struct mtad_ping);
	p->m = m;
	p->cb = cb;
	p->arg = arg;
	p->bound_ms = -1;
	p->connect_ms = -1;
	p->t0 = uv_hrtime();
	snprintf(p->link, sizeof(p->link), "%s", l->cfg->name);
	snprintf(p->peer, sizeof(p->peer), strchr(ac.addr, ':') ?
		 "[%s]:%u" : "%s:%u", ac.addr, ad->port);
	if ((rc = assoc_open(m->loop, &ac, &ping_cbs, p, &p->a)) != 0) {
		snprintf(why, n, "cannot connect to %s: %s", p->peer,
			 uv_strerror(rc));
		free(p);
		return NULL;
	}
	p->next = m->pings;
	m->pings = p;
	return p;
}

void mtad_ping_cancel(struct mtad_ping *p)
{
	p->cb = NULL;
	if (p->a)
		assoc_abort(p->a);
}

void mtad_ping_stop(struct mtad *m)
{
	struct mtad_ping *p;

	for (p = m->pings; p; p = p->next)
		if (p->a)
			assoc_abort(p->a);
}
