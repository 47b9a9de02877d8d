/*
 * route.h - the routing table: O/R address spaces to links
 *
 * SYNOPSIS
 *	#include "route.h"
 *
 *	struct route_table *t = route_table_new();
 *	route_add(t, "C=GB;A= ;P=ACME", "to-acme", 10, &err);
 *	route_add(t, "C=GB;A= ;P=OURS", ROUTE_LOCAL, 0, &err);
 *	route_add(t, "", "to-hub", 100, &err);          (a default route)
 *	rc = route_lookup(t, recipient, link_up, arg, &res);
 *	rc = route_split(t, apdu, link_up, arg, &split);  route_split_free(&split);
 *	route_table_free(t);
 *
 * DESCRIPTION
 *	An address space (X.402 19, routing; the "address space" of
 *	Exchange connectors and Isode M-Switch routing trees) is a pattern
 *	over the routing attributes of an O/R address, written with the
 *	labels of the string form (p1_addr.h):
 *	  C, A, P, O, OU1..OU4  country, ADMD, PRMD, organisation, units;
 *	  DDA:type              a built-in domain-defined attribute of
 *	                        that type.
 *	"LABEL=value" requires the attribute with that value (compared as
 *	p1_oraddr_equal compares: case and spaces do not count; a numeric
 *	country never matches an alphabetic one). "LABEL=*" requires the
 *	attribute, with any value. An attribute the pattern does not name
 *	matches anything, present or not. The empty pattern matches every
 *	address: a default route.
 *
 *	Each entry leads to a link (by name) with a cost, or to local
 *	delivery (ROUTE_LOCAL, always available where it ranks first, and
 *	never an alternate: mail for a neighbour's domain inside ours is
 *	not delivered here while the neighbour is down).
 *
 *	Choice (route_lookup): the matching entries are ranked by
 *	specificity first (2 points for each attribute required with a
 *	value, 1 for each "=*"), then by cost (lower first), then by the
 *	order they were added. The first entry whose link is available
 *	(the caller's callback) is chosen; the others, in rank order, are
 *	the alternates used while it fails. A more specific address space
 *	therefore wins over a cheaper but wider one, as in Exchange's
 *	GWART (most specific address space first, cost among equals) and
 *	PP's and M-Switch's table lookups (longest match); when every
 *	link of the specific space is down, the wider spaces (a default
 *	route last) still carry the mail.
 *
 *	route_split() groups the recipients a message, probe or report
 *	makes us responsible for (responsibility bit; every recipient of a
 *	report, which is routed by its report-destination-name instead)
 *	by the route chosen for each, for X.411 14.3's splitting of one
 *	object over several routes: one group per link, one for local
 *	delivery, and the lists of unroutable recipients (no entry
 *	matches: non-delivery, unable-to-transfer / unrecognised-OR-name)
 *	and waiting ones (entries match, no link is up: keep queued).
 *
 * OWNERSHIP
 *	The table copies patterns and link names. Results point into the
 *	table: valid until route_table_free(). route_split() allocates
 *	what route_split_free() releases.
 *
 * DIAGNOSTICS
 *	route_add() returns 0 or a negative P1_E_* with err naming the
 *	label at fault. route_lookup() returns 0 (chosen), ROUTE_NONE (no
 *	entry matches) or ROUTE_UNAVAILABLE (entries match, none usable).
 */
#ifndef X400_ROUTE_H
#define X400_ROUTE_H

#include "MTS-APDU.h"
#include "ORName.h"
#include "p1_addr.h"

#define ROUTE_LOCAL		"local"	/* the link name of local delivery */
#define ROUTE_MAX_CANDIDATES	16

enum {
	ROUTE_NONE = -10,
	ROUTE_UNAVAILABLE = -11
};

struct route_table;

/* route_avail_fn - the link can take mail now (1) or not (0) */
typedef int route_avail_fn(const char *link, void *arg);

struct route_candidate {
	const char	*link;		/* ROUTE_LOCAL for local delivery */
	const char	*pattern;	/* as configured */
	unsigned	cost;
	int		specificity;
	int		available;
};

struct route_result {
	struct route_candidate cand[ROUTE_MAX_CANDIDATES];
	int		n;		/* in rank order */
	int		chosen;		/* index in cand, or -1 */
};

struct route_table *route_table_new(void);
struct cfg;
/* route_table_cfg - a configuration's table (routing.local, then
 *	routing.routes); NULL with a sentence in err if one does not parse */
struct route_table *route_table_cfg(const struct cfg *cfg, char *err,
				    size_t errlen);
void	route_table_free(struct route_table *t);
/* route_add - one address space; link NULL or ROUTE_LOCAL: local */
int	route_add(struct route_table *t, const char *pattern, const char *link,
		  unsigned cost, struct p1_err *err);
int	route_count(const struct route_table *t);
/* route_lookup - rank the entries matching an address (avail NULL:
 *	every link is available) */
int	route_lookup(const struct route_table *t, const ORName_t *addr,
		     route_avail_fn *avail, void *arg,
		     struct route_result *res);

struct route_group {
	const char	*link;		/* ROUTE_LOCAL for local delivery */
	int		*recips;	/* recipient indices */
	int		n;
};

struct route_split {
	struct route_group *groups;
	int		ngroups;
	int		*unroutable;	/* recipient indices */
	int		nunroutable;
	int		*waiting;
	int		nwaiting;
};

/* route_split - group an object's recipients by route (a report's
 *	single destination is "recipient" 0) */
int	route_split(const struct route_table *t, const MTS_APDU_t *apdu,
		    route_avail_fn *avail, void *arg, struct route_split *out);
void	route_split_free(struct route_split *s);

#endif
