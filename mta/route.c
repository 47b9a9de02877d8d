/*
 * route.c - the routing table: O/R address spaces to links
 *
 * See route.h for the rule. X.402 19 (routing principles), X.411 14.3
 * (routing and forwarding, splitting recipients over routes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "p1_asn.h"
#include "p1_env.h"
#include "route.h"
#include "xalloc.h"

/* The routing attributes, in one order. */
enum { A_C, A_A, A_P, A_O, A_OU1, A_OU4 = A_OU1 + 3, A_N };

struct cond {
	int	want;		/* 0 any, 1 present with any value, 2 value */
	char	*value;		/* normalised */
};

struct dda_cond {
	char	*type;		/* normalised */
	struct cond c;
};

struct entry {
	char		*pattern;
	char		*link;
	unsigned	cost;
	int		order;
	int		specificity;
	struct cond	attr[A_N];
	struct dda_cond	*dda;
	int		ndda;
};

struct route_table {
	struct entry	*e;
	int		n;
};

struct route_table *route_table_new(void)
{
	return XNEW(struct route_table);
}

static void entry_free(struct entry *e)
{
	free(e->pattern);
	free(e->link);
	for (int i = 0; i < A_N; i++)
		free(e->attr[i].value);
	for (int i = 0; i < e->ndda; i++) {
		free(e->dda[i].type);
		free(e->dda[i].c.value);
	}
	free(e->dda);
}

void route_table_free(struct route_table *t)
{
	if (t == NULL)
		return;
	for (int i = 0; i < t->n; i++)
		entry_free(&t->e[i]);
	free(t->e);
	free(t);
}

int route_count(const struct route_table *t)
{
	return t->n;
}

/* set_cond - "=value" or "=*" */
static int set_cond(struct cond *c, const struct p1_attr *a,
		    struct p1_err *err)
{
	size_t n;

	if (c->want)
		return p1_err_set(err, P1_E_DUP, a->key, a->offset,
				  "%s given twice", a->key);
	if (a->len == 1 && a->val[0] == '*' && !a->forced) {
		c->want = 1;
		return 0;
	}
	if (!p1_printable_ok(a->val, a->len))
		return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
				  "%s: a character outside PrintableString "
				  "(use * for any value)", a->key);
	c->want = 2;
	c->value = p1_norm(a->val, a->len, &n);
	return 0;
}

int route_add(struct route_table *t, const char *pattern, const char *link,
	      unsigned cost, struct p1_err *err)
{
	struct entry e;
	const char *p = pattern;
	char delim = p1_attr_delim(&p);
	struct p1_attr a;
	int rc;

	if (err)
		memset(err, 0, sizeof(*err));
	memset(&e, 0, sizeof(e));
	while ((rc = p1_attr_next(pattern, &p, delim, &a, err)) > 0) {
		int idx = -1;

		if (strcmp(a.key, "C") == 0)
			idx = A_C;
		else if (strcmp(a.key, "A") == 0)
			idx = A_A;
		else if (strcmp(a.key, "P") == 0)
			idx = A_P;
		else if (strcmp(a.key, "O") == 0)
			idx = A_O;
		else if (strncmp(a.key, "OU", 2) == 0 && a.key[2] >= '1' &&
			 a.key[2] <= '4' && a.key[3] == 0)
			idx = A_OU1 + a.key[2] - '1';
		if (idx >= 0) {
			rc = set_cond(&e.attr[idx], &a, err);
		} else if (strncmp(a.key, "DDA:", 4) == 0 && a.key[4]) {
			struct dda_cond *d;
			size_t n;

			e.dda = xrealloc(e.dda, sizeof(*e.dda) *
						(size_t)(e.ndda + 1));
			d = &e.dda[e.ndda++];
			memset(d, 0, sizeof(*d));
			d->type = p1_norm(a.key + 4, strlen(a.key + 4), &n);
			rc = set_cond(&d->c, &a, err);
		} else {
			rc = p1_err_set(err, P1_E_ATTR, a.key, a.offset,
					"%s: an address space names C, A, P, "
					"O, OU1..OU4 and DDA:type only",
					a.key);
		}
		p1_attr_free(&a);
		if (rc)
			break;
	}
	if (rc == 0 && link && !*link)
		rc = p1_err_set(err, P1_E_VALUE, "", 0, "empty link name");
	if (rc) {
		entry_free(&e);
		return rc;
	}
	for (int i = 0; i < A_N; i++)
		e.specificity += e.attr[i].want;
	for (int i = 0; i < e.ndda; i++)
		e.specificity += e.dda[i].c.want;
	e.pattern = xstrdup(pattern);
	e.link = xstrdup(link ? link : ROUTE_LOCAL);
	e.cost = cost;
	e.order = t->n;
	t->e = xrealloc(t->e, sizeof(*t->e) * (size_t)(t->n + 1));
	t->e[t->n++] = e;
	return 0;
}

/* The routing attributes of one address, normalised. */
struct addr {
	char	*attr[A_N];
	char	**ddat, **ddav;
	int	ndda;
};

static char *norm_str(const OCTET_STRING_t *s)
{
	size_t n;

	return p1_norm(s->buf, (size_t)s->size, &n);
}

static void addr_get(const ORName_t *n, struct addr *a)
{
	const BuiltInStandardAttributes_t *b = &n->built_in_standard_attributes;
	const BuiltInDomainDefinedAttributes_t *d =
	    n->built_in_domain_defined_attributes;

	memset(a, 0, sizeof(*a));
	if (b->country_name) {
		/* the two forms share OCTET_STRING_t; the digits of a DCC
		 * never equal two letters, so no mapping is made */
		a->attr[A_C] = norm_str(&b->country_name->choice
						 .iso_3166_alpha2_code);
	}
	if (b->administration_domain_name)
		a->attr[A_A] = norm_str(&b->administration_domain_name->choice
						 .printable);
	if (b->private_domain_name)
		a->attr[A_P] = norm_str(&b->private_domain_name->choice
						 .printable);
	if (b->organization_name)
		a->attr[A_O] = norm_str(b->organization_name);
	for (int i = 0; b->organizational_unit_names &&
			i < b->organizational_unit_names->list.count && i < 4;
	     i++)
		a->attr[A_OU1 + i] =
		    norm_str(b->organizational_unit_names->list.array[i]);
	if (d && d->list.count) {
		a->ndda = d->list.count;
		a->ddat = xcalloc((size_t)a->ndda, sizeof(char *));
		a->ddav = xcalloc((size_t)a->ndda, sizeof(char *));
		for (int i = 0; i < a->ndda; i++) {
			a->ddat[i] = norm_str(&d->list.array[i]->type);
			a->ddav[i] = norm_str(&d->list.array[i]->value);
		}
	}
}

static void addr_free(struct addr *a)
{
	for (int i = 0; i < A_N; i++)
		free(a->attr[i]);
	for (int i = 0; i < a->ndda; i++) {
		free(a->ddat[i]);
		free(a->ddav[i]);
	}
	free(a->ddat);
	free(a->ddav);
}

static int cond_ok(const struct cond *c, const char *v)
{
	if (c->want == 0)
		return 1;
	if (v == NULL)
		return 0;
	return c->want == 1 || strcmp(c->value, v) == 0;
}

static int matches(const struct entry *e, const struct addr *a)
{
	for (int i = 0; i < A_N; i++)
		if (!cond_ok(&e->attr[i], a->attr[i]))
			return 0;
	for (int i = 0; i < e->ndda; i++) {
		int ok = 0;

		for (int j = 0; j < a->ndda && !ok; j++)
			ok = strcmp(e->dda[i].type, a->ddat[j]) == 0 &&
			     cond_ok(&e->dda[i].c, a->ddav[j]);
		if (!ok)
			return 0;
	}
	return 1;
}

/* rank - more specific first, then cheaper, then earlier */
static int rank_cmp(const void *x, const void *y)
{
	const struct entry *a = *(const struct entry *const *)x;
	const struct entry *b = *(const struct entry *const *)y;

	if (a->specificity != b->specificity)
		return b->specificity - a->specificity;
	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	return a->order - b->order;
}

int route_lookup(const struct route_table *t, const ORName_t *n,
		 route_avail_fn *avail, void *arg, struct route_result *res)
{
	struct addr a;
	const struct entry **m = xcalloc((size_t)t->n + 1, sizeof(*m));
	int nm = 0;

	memset(res, 0, sizeof(*res));
	res->chosen = -1;
	addr_get(n, &a);
	for (int i = 0; i < t->n; i++)
		if (matches(&t->e[i], &a))
			m[nm++] = &t->e[i];
	addr_free(&a);
	qsort(m, (size_t)nm, sizeof(*m), rank_cmp);
	for (int i = 0; i < nm && res->n < ROUTE_MAX_CANDIDATES; i++) {
		struct route_candidate *c = &res->cand[res->n++];

		c->link = m[i]->link;
		c->pattern = m[i]->pattern;
		c->cost = m[i]->cost;
		c->specificity = m[i]->specificity;
		/* local delivery is always available, but only where it
		 * ranks first: it is never the alternate of a more specific
		 * route to another MTA (mail for a neighbour's domain under
		 * ours would be delivered here while the neighbour is down) */
		c->available = strcmp(c->link, ROUTE_LOCAL) == 0 ? i == 0 :
			       !avail || avail(c->link, arg);
		if (c->available && res->chosen < 0)
			res->chosen = res->n - 1;
	}
	free(m);
	if (res->n == 0)
		return ROUTE_NONE;
	return res->chosen < 0 ? ROUTE_UNAVAILABLE : 0;
}

static void push(int **v, int *n, int x)
{
	*v = xrealloc(*v, sizeof(int) * (size_t)(*n + 1));
	(*v)[(*n)++] = x;
}

int route_split(const struct route_table *t, const MTS_APDU_t *apdu,
		route_avail_fn *avail, void *arg, struct route_split *out)
{
	struct route_result res;
	int n;

	memset(out, 0, sizeof(*out));
	n = p1_env_kind(apdu) == P1_REPORT ? 1 : p1_env_recipient_count(apdu);
	for (int i = 0; i < n; i++) {
		const ORName_t *name;
		const char *link;
		int rc, g;

		if (p1_env_kind(apdu) == P1_REPORT) {
			name = p1_env_report_destination(apdu);
		} else {
			struct p1_recip r;

			p1_env_recipient(apdu, i, &r);
			if (!r.responsible)
				continue;
			name = r.name;
		}
		rc = route_lookup(t, name, avail, arg, &res);
		if (rc == ROUTE_NONE) {
			push(&out->unroutable, &out->nunroutable, i);
			continue;
		}
		if (rc == ROUTE_UNAVAILABLE) {
			push(&out->waiting, &out->nwaiting, i);
			continue;
		}
		link = res.cand[res.chosen].link;
		for (g = 0; g < out->ngroups; g++)
			if (strcmp(out->groups[g].link, link) == 0)
				break;
		if (g == out->ngroups) {
			out->groups = xrealloc(out->groups,
					       sizeof(*out->groups) *
					       (size_t)(out->ngroups + 1));
			memset(&out->groups[g], 0, sizeof(out->groups[g]));
			out->groups[g].link = link;
			out->ngroups++;
		}
		push(&out->groups[g].recips, &out->groups[g].n, i);
	}
	return 0;
}

void route_split_free(struct route_split *s)
{
	for (int g = 0; g < s->ngroups; g++)
		free(s->groups[g].recips);
	free(s->groups);
	free(s->unroutable);
	free(s->waiting);
	memset(s, 0, sizeof(*s));
}

/* route_table_cfg - the routing table of a configuration: its local
 *	domains, then its address spaces (x400d's, and x400q's to check a
 *	reroute); NULL with a sentence in err if one does not parse */
struct route_table *route_table_cfg(const struct cfg *cfg, char *err,
				    size_t errlen)
{
	struct route_table *t = route_table_new();
	struct p1_err pe;
	size_t i;

	for (i = 0; i < cfg->nlocal; i++)
		if (route_add(t, cfg->local[i].pattern, ROUTE_LOCAL, 0, &pe)) {
			snprintf(err, errlen, "routing.local \"%s\": %s",
				 cfg->local[i].pattern, pe.msg);
			route_table_free(t);
			return NULL;
		}
	for (i = 0; i < cfg->nroutes; i++)
		if (route_add(t, cfg->routes[i].pattern, cfg->routes[i].link,
			      cfg->routes[i].cost, &pe)) {
			snprintf(err, errlen, "routing.routes \"%s\": %s",
				 cfg->routes[i].pattern, pe.msg);
			route_table_free(t);
			return NULL;
		}
	return t;
}
