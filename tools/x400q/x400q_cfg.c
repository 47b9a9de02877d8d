/*
 * x400q_cfg.c - x400d's configuration as x400q needs it: the queue's
 *	directory, the operator's name, and the checks of a reroute
 *
 * Part of x400q (x400q.c: the manual, the commands table and main;
 * x400q.h: what the parts share).
 *
 * A reroute must not send a recipient where x400d would never send it:
 * to a link the configuration does not have, to one that cannot send
 * (inbound only, or without an address), or into our own mailboxes
 * ("local") when our routing would relay it elsewhere: delivered
 * locally, it would earn the originator a delivery report for a
 * recipient who never got the message. x400q reads the configuration
 * x400d reads (-c, $X400_CONFIG or x400d's default), without its
 * secrets and without resolving host names.
 */
#define _GNU_SOURCE
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "codec.h"
#include "p1_addr.h"
#include "route.h"
#include "x400q.h"
#include "xalloc.h"

const char *config_path;

/* load_config - the configuration, read once; NULL with why */
const struct cfg *load_config(char *why, size_t n)
{
	static struct cfg *c;
	static char err[CFG_ERRLEN];
	struct cfg *nc;

	if (c == NULL && err[0] == '\0') {
		nc = XNEW(struct cfg);
		if (cfg_load(config_path, CFG_NO_RESOLVE | CFG_NO_SECRETS, nc,
			     err, sizeof(err)) == 0)
			c = nc;
		else
			free(nc);
		err[strcspn(err, "\n")] = '\0';	/* the first problem */
		if (c == NULL && err[0] == '\0')
			snprintf(err, sizeof(err), "does not load");
	}
	if (c == NULL)
		snprintf(why, n, "the configuration %s: %s", config_path, err);
	return c;
}

/* operator_name - the Unix user running x400q */
const char *operator_name(void)
{
	static char name[64];
	struct passwd *pw = getpwuid(getuid());

	if (pw && pw->pw_name && strlen(pw->pw_name) < sizeof(name))
		snprintf(name, sizeof(name), "%s", pw->pw_name);
	else
		snprintf(name, sizeof(name), "uid %u", (unsigned)getuid());
	return name;
}

/* link_ok - a configured link that can send: 1, or 0 with why */
static int link_ok(const struct cfg *c, const char *link, char *why,
		   size_t n)
{
	const struct cfg_link *l = cfg_link_find(c, link);

	if (l == NULL)
		snprintf(why, n, "no link \"%s\" in %s", link, config_path);
	else if (!(l->dir & CFG_OUT))
		snprintf(why, n, "link %s is inbound only: it cannot send",
			 l->name);
	else if (l->naddr == 0)
		snprintf(why, n, "link %s has no address to send to", l->name);
	else
		return 1;
	return 0;
}

/* local_ok - would our routing deliver address here? 1, or 0 with why */
static int local_ok(const struct route_table *t, const struct q_rcpt *r,
		    char *why, size_t n)
{
	struct route_result rr;
	struct p1_err pe;
	ORName_t *name = NULL;
	const char *to = NULL;

	if (p1_orname_parse(r->address, &name, &pe) != 0) {
		snprintf(why, n, "recipient %u (%s): not an O/R address our "
			 "routing reads: %s", r->idx, r->address, pe.msg);
		return 0;
	}
	if (route_lookup(t, name, NULL, NULL, &rr) >= 0 && rr.chosen >= 0)
		to = rr.cand[rr.chosen].link;
	codec_free(&asn_DEF_ORName, name);
	if (to && strcmp(to, ROUTE_LOCAL) == 0)
		return 1;
	snprintf(why, n, "recipient %u (%s) is not ours to deliver: our "
		 "routing %s%s", r->idx, r->address, to ? "sends it to link " :
		 "has no route for it", to ? to : "");
	return 0;
}

/* named - is recipient i among idx[0..nidx)? (NULL: every pending one) */
static int named(const struct q_rcpt *r, const uint32_t *idx, size_t nidx)
{
	if (idx == NULL)
		return r->state == Q_ST_PENDING;
	for (size_t i = 0; i < nidx; i++)
		if (idx[i] == r->idx)
			return 1;
	return 0;
}

/* check_local - every recipient the reroute moves is ours; the indexes
 *	checked go to *out (the store then moves exactly those) */
static int check_local(struct q *q, uint64_t id, const struct cfg *c,
		       const uint32_t *idx, size_t nidx, uint32_t **out,
		       size_t *nout, char *why, size_t n)
{
	struct route_table *t = route_table_cfg(c, why, n);
	struct msg_copy mc;
	struct q_rd *rd;
	struct q_msg m;
	int rc;

	if (t == NULL)
		return 1;
	memset(&mc, 0, sizeof(mc));
	if ((rc = q_rd_begin(q, &rd)) == 0) {
		if ((rc = q_msg_get(rd, id, &m)) == 0) {
			copy_msg(&mc, &m);
			rc = load_rcpts(rd, &mc);
		}
		q_rd_end(rd);
	}
	for (uint32_t i = 0; rc == 0 && i < mc.n; i++) {
		if (!named(&mc.r[i], idx, nidx))
			continue;
		if (!local_ok(t, &mc.r[i], why, n)) {
			rc = 1;
			break;
		}
		*out = xrealloc(*out, (*nout + 1) * sizeof(**out));
		(*out)[(*nout)++] = mc.r[i].idx;
	}
	if (rc == 0 && *nout == 0) {
		snprintf(why, n, "message %llu has no pending recipient to "
			 "move", (unsigned long long)id);
		rc = 1;
	}
	free_msg(&mc);
	route_table_free(t);
	return rc;
}

/* reroute_check - may message id's recipients (idx, or every pending
 *	one) go to link? 0 (*out, if set, the indexes to move), 1 refused
 *	with why, or a store error */
int reroute_check(struct q *q, uint64_t id, const char *link,
		  const uint32_t *idx, size_t nidx, uint32_t **out,
		  size_t *nout, char *why, size_t n)
{
	const struct cfg *c = load_config(why, n);

	*out = NULL;
	*nout = 0;
	if (c == NULL)
		return 1;
	if (strcmp(link, Q_LINK_LOCAL) != 0)
		return link_ok(c, link, why, n) ? 0 : 1;
	return check_local(q, id, c, idx, nidx, out, nout, why, n);
}
