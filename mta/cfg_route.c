/*
 * cfg_route.c - the configuration's routing group
 *
 * See cfg_int.h and docs/config.md: local_dir, the local domains
 * (routing.local) and the address spaces of links (routing.routes),
 * every pattern checked by route.c itself. Read after the links, so
 * that a route names a link that exists and sends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"
#include "p1_asn.h"
#include "route.h"
#include "xalloc.h"

/* ---- routing --------------------------------------------------------- */

const char *const cfg_routing_keys[] = {
	"local_dir", "local", "routes", NULL
};
const char *const cfg_route_keys[] = { "pattern", "link", "cost", NULL };

/* pattern_check - an address space in route.h's syntax, checked by
 *	route_add() itself on a scratch table; 0 or -1 with msg */
static int pattern_check(const char *pattern, char *msg, size_t len)
{
	struct route_table *t = route_table_new();
	struct p1_err perr;
	int rc = route_add(t, pattern, ROUTE_LOCAL, 0, &perr);

	route_table_free(t);
	if (rc < 0)
		snprintf(msg, len, "%s", perr.msg);
	return rc < 0 ? -1 : 0;
}

/* add_route - one entry of routing.local (link NULL) or routes */
static void add_route(struct cfg_ctx *c, const config_setting_t *s,
		      struct cfg_route **v, size_t *n, const char *pattern,
		      const char *link, unsigned cost)
{
	struct cfg_route r;

	r.pattern = xstrdup(pattern);
	r.link = link ? xstrdup(link) : NULL;
	r.cost = cost;
	r.file = xstrdup(cfg_file_of(c, s));
	r.line = cfg_line_of(s);
	*v = xrealloc(*v, (*n + 1) * sizeof(r));
	(*v)[(*n)++] = r;
}

/* cfg_parse_routing - the routing group */
void cfg_parse_routing(struct cfg_ctx *c, const config_setting_t *g)
{
	struct cfg *cfg = c->cfg;
	const char *w = "routing.", **v;
	config_setting_t *at, *list;
	char msg[200];
	size_t n;

	cfg_check_keys(c, g, w, cfg_routing_keys);
	cfg_get_path(c, g, w, "local_dir", &cfg->local_dir);
	if (cfg_get_strlist(c, g, w, "local", &v, &n, &at) == 1) {
		for (size_t i = 0; i < n; i++) {
			if (*v[i] == 0)
				cfg_problem(c, at, w, "local", "an empty "
					    "pattern would deliver every "
					    "address here");
			else if (pattern_check(v[i], msg, sizeof(msg)) < 0)
				cfg_problem(c, at, w, "local", "\"%s\": %s",
					    v[i], msg);
			else
				add_route(c, at, &cfg->local, &cfg->nlocal,
					  v[i], NULL, 0);
		}
		free(v);
	}
	if (cfg_get_group(c, g, w, "routes", CONFIG_TYPE_LIST, &list) != 1)
		return;
	for (int i = 0; i < config_setting_length(list); i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		char rw[WHERE_MAX];
		const char *pat, *link;
		unsigned cost = 1;
		int bad = 0;

		snprintf(rw, sizeof(rw), "routing.routes[%d].", i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			cfg_problem(c, e, rw, NULL, "expected a group { "
				    "pattern = \"...\"; link = \"...\"; }, not "
				    "%s",
				    cfg_type_name(config_setting_type(e)));
			continue;
		}
		cfg_check_keys(c, e, rw, cfg_route_keys);
		if (cfg_get_uint(c, e, rw, "cost", 0, COST_MAX, &cost) < 0)
			bad = 1;
		switch (cfg_get_str(c, e, rw, "pattern", &pat)) {
		case 0:
			cfg_missing(c, e, rw, "pattern", "an O/R address "
				    "pattern; \"\" for the default route");
			/* fall through */
		case -1:
			bad = 1;
			break;
		default:
			if (pattern_check(pat, msg, sizeof(msg)) < 0) {
				cfg_problem(c, cfg_member(e, "pattern"), rw,
					    "pattern", "\"%s\": %s", pat, msg);
				bad = 1;
			}
		}
		switch (cfg_get_str(c, e, rw, "link", &link)) {
		case 0:
			cfg_missing(c, e, rw, "link", "the name of a link");
			/* fall through */
		case -1:
			bad = 1;
			break;
		default:
			if (cfg_link_find(cfg, link) == NULL) {
				cfg_problem(c, cfg_member(e, "link"), rw,
					    "link", "\"%s\": no such link",
					    link);
				bad = 1;
			} else if (!(cfg_link_find(cfg, link)->dir &
				     CFG_OUT)) {
				cfg_problem(c, cfg_member(e, "link"), rw,
					    "link", "\"%s\" does not send "
					    "(direction = \"inbound\")", link);
				bad = 1;
			}
		}
		if (!bad)
			add_route(c, e, &cfg->routes, &cfg->nroutes, pat,
				  cfg_link_find(cfg, link)->name, cost);
	}
}
