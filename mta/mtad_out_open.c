/*
 * mtad_out_open.c - x400d: the outbound associations a link's due work
 *	needs, opened and ended
 *
 * See mtad_out.h. Each pass of the scheduler (mtad_out_schedule) gives
 * every bound, idle association of a link its next transfer, then opens
 * one more association on a link with due work that no association has
 * taken, within the link's max_associations and max_associations_out,
 * one connecting at a time, not before the link's next_open (after a
 * failure, open_interval). The call's settings come from the link
 * (mtad_out_assoc_cfg, also used by x400q ping's test association).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mtad.h"
#include "mtad_out.h"
#include "mtad_strong.h"
#include "mtad_tls.h"
#include "xalloc.h"

/* mtad_out_assoc_cfg - the settings of a call on link l to its address
 *	number which: the link's mode, selectors, source address, our name
 *	and password, timers, capture */
const struct cfg_addr *mtad_out_assoc_cfg(struct mtad *m,
					  struct mtad_link *l,
					  unsigned which, struct assoc_cfg *ac,
					  char *pcap, size_t n)
{
	const struct cfg_link *c = l->cfg;
	const struct cfg_addr *ad;
	const char *ip;

	if (c->naddr == 0)
		return NULL;
	ad = &c->addr[which % c->naddr];
	ip = ad->nip ? ad->ip[0] : ad->host;
	memset(ac, 0, sizeof(*ac));
	ac->osi.role = RTSE_INITIATOR;
	ac->osi.rtse.mode = c->mode;
	ac->osi.rtse.application_protocol = c->x410_app_protocol;
	ac->osi.rtse.dialogue = c->dialogue;
	ac->osi.rtse.checkpoint = c->checkpoint;
	ac->osi.rtse.window = c->window;
	ac->osi.rtse.recovery = c->recovery;
	ac->osi.rtse.max_apdu = m->cfg->max_message_size + (1u << 20);
	ac->osi.calling_tsel.len = c->our_sel.t.len;
	memcpy(ac->osi.calling_tsel.sel, c->our_sel.t.v, c->our_sel.t.len);
	ac->osi.called_tsel.len = ad->sel.t.len;
	memcpy(ac->osi.called_tsel.sel, ad->sel.t.v, ad->sel.t.len);
	ac->osi.rtse.calling_ssel_len = c->our_sel.s.len;
	memcpy(ac->osi.rtse.calling_ssel, c->our_sel.s.v, c->our_sel.s.len);
	ac->osi.rtse.called_ssel_len = ad->sel.s.len;
	memcpy(ac->osi.rtse.called_ssel, ad->sel.s.v, ad->sel.s.len);
	ac->osi.rtse.calling_psel_len = c->our_sel.p.len;
	memcpy(ac->osi.rtse.calling_psel, c->our_sel.p.v, c->our_sel.p.len);
	ac->osi.rtse.called_psel_len = ad->sel.p.len;
	memcpy(ac->osi.rtse.called_psel, ad->sel.p.v, ad->sel.p.len);
	ac->addr = ip;
	ac->port = ad->port;
	ac->src = cfg_link_source(c, strchr(ip, ':') ? AF_INET6 : AF_INET);
	ac->enforce = c->src.enforce || (c->src.v4 == NULL &&
	    c->src.v6 == NULL && m->cfg->src.enforce);
	ac->link = c->name;
	if (c->pcap)
		ac->pcap = mtad_pcap_path(m, c->name, 0, pcap, n);
	ac->pcap_secrets = c->pcap_secrets;
	snprintf(ac->ours.name, sizeof(ac->ours.name), "%s", c->our_mta ?
		 c->our_mta : m->cfg->mta_name);
	ac->ours.password_len = strlen(l->our_pw) > ASSOC_PW_MAX ?
	    ASSOC_PW_MAX : strlen(l->our_pw);
	memcpy(ac->ours.password, l->our_pw, ac->ours.password_len);
	mtad_strong_ours(m, c, 0, c->peer_mta, &ac->ours);
	ac->open_ms = (unsigned)(c->connect_timeout_ms ?
				 c->connect_timeout_ms : 60000);
	ac->idle_ms = (unsigned)c->idle_timeout_ms;
	ac->bind_bare = c->mode == RTSE_X410 && !c->x410_bind_wrapped;
	mtad_tls_assoc(m, c, ac);
	ac->edition = p1_edition_name(c->edition);
	return ad;
}

/* mtad_out_bound - outbound associations of l that are bound now */
unsigned mtad_out_bound(const struct mtad_link *l)
{
	const struct mtad_out *o;
	unsigned n = 0;

	for (o = l->outs; o; o = o->next)
		n += o->a && o->bound;
	return n;
}

/* open_link - one more association to the link's peer */
static void open_link(struct mtad *m, struct mtad_link *l)
{
	const struct cfg_addr *ad;
	struct assoc_cfg ac;
	struct mtad_out *o;
	char pcap[600];
	int rc;

	if ((ad = mtad_out_assoc_cfg(m, l, l->addr_next, &ac, pcap,
				     sizeof(pcap))) == NULL)
		return;
	l->addr_next++;
	o = XNEW(struct mtad_out);
	o->m = m;
	snprintf(o->src, sizeof(o->src), "%s", ac.src ? ac.src : "");
	snprintf(o->link, sizeof(o->link), "%s", l->cfg->name);
	rc = assoc_open(m->loop, &ac, &mtad_out_cbs, o, &o->a);
	if (rc != 0) {
		mtad_link_fail(l, LOG_WARNING, EV_CONN_FAILED, NULL, "conn",
			       "cannot connect to %s port %u: %s", ac.addr,
			       ad->port, uv_strerror(rc));
		mtad_out_hold_link(m, l);
		free(o);
		mtad_out_reroute_away(m, l);
		return;
	}
	o->next = l->outs;
	l->outs = o;
	l->nout++;
	l->assoc_out_total++;
	m->nout++;
	m->assoc_out_total++;
}

void mtad_out_schedule(struct mtad *m)
{
	int64_t now_ms = mtad_now_ms(), now = time(NULL);
	size_t i;

	for (i = 0; i < m->nlinks; i++) {
		struct mtad_link *l = &m->links[i];
		struct mtad_out *o, *next;
		struct q_rd *rd;
		struct q_iter it;
		int due = 0, idle = 0;

		if (!(l->cfg->dir & CFG_OUT))
			continue;
		for (o = l->outs; o; o = next) {
			next = o->next;
			if (o->bound && !o->busy && !o->releasing) {
				idle++;
				mtad_out_next(o);
			}
		}
		if (idle || l->nout >= l->cfg->max_assoc ||
		    m->nout >= m->cfg->max_assoc_out || now_ms < l->next_open)
			continue;
		if (l->nout > 0) {
			int connecting = 0;

			for (o = l->outs; o; o = o->next)
				connecting += !o->bound;
			if (connecting)
				continue;	/* one at a time */
		}
		if (q_rd_begin(m->q, &rd) != 0)
			continue;
		memset(&it, 0, sizeof(it));
		/* due work that no association has taken already (a message
		 * whose result is still settling is not work: an association
		 * opened for it would have nothing to send) */
		if (q_iter_due(rd, &it, l->cfg->name, now) == 0) {
			struct q_due d;
			int k = 0;

			while (!due && k++ < 32 && q_next_due(&it, &d) == 1)
				due = !mtad_out_in_flight(l, d.id, NULL);
		}
		q_iter_end(&it);
		q_rd_end(rd);
		if (due)
			open_link(m, l);
	}
}

void mtad_out_abort_all(struct mtad *m)
{
	size_t i;

	for (i = 0; i < m->nlinks; i++) {
		struct mtad_out *o;

		for (o = m->links[i].outs; o; o = o->next)
			if (o->a)
				assoc_abort(o->a);
	}
}

void mtad_out_stop(struct mtad *m)
{
	size_t i;

	for (i = 0; i < m->nlinks; i++) {
		struct mtad_out *o;

		for (o = m->links[i].outs; o; o = o->next)
			if (o->a && !o->releasing) {
				o->releasing = 1;
				if (o->busy)
					continue;	/* after the transfer */
				assoc_release(o->a);
			}
	}
}
