/*
 * p1_id.c - MTS identifiers, global domain identifiers, MTA names
 *
 * See p1_id.h. ASN.1: X.411 Figure 2 (MTSIdentifier, GlobalDomain-
 * Identifier, MTAName); string forms share the lexer of p1_addr.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "p1_asn.h"
#include "p1_id.h"
#include "xalloc.h"

/* put_gdi - C, A and P of a GDI (forced markers as in p1_addr.h) */
static void put_gdi(struct buf *b, const GlobalDomainIdentifier_t *g)
{
	const CountryName_t *c = &g->country_name;
	const AdministrationDomainName_t *a = &g->administration_domain_name;
	const OCTET_STRING_t *s;
	int num;

	s = c->present == CountryName_PR_x121_dcc_code ?
	    &c->choice.x121_dcc_code : &c->choice.iso_3166_alpha2_code;
	p1_attr_put(b, "C", s->buf, (size_t)s->size, 0);
	num = a->present == AdministrationDomainName_PR_numeric;
	s = num ? &a->choice.numeric : &a->choice.printable;
	p1_attr_put(b, "A", s->buf, (size_t)s->size,
		    num == p1_numeric_default(s->buf, (size_t)s->size) ? 0 :
		    num ? 'n' : 'p');
	if (g->private_domain_identifier) {
		const PrivateDomainIdentifier_t *p = g->private_domain_identifier;

		num = p->present == PrivateDomainIdentifier_PR_numeric;
		s = num ? &p->choice.numeric : &p->choice.printable;
		p1_attr_put(b, "P", s->buf, (size_t)s->size,
			    num == p1_numeric_default(s->buf, (size_t)s->size) ?
			    0 : num ? 'n' : 'p');
	}
}

char *p1_gdi_format(const GlobalDomainIdentifier_t *g)
{
	struct buf b = BUF_INIT;

	put_gdi(&b, g);
	return p1_buf_str(&b);
}

/* gdi_take - C, A, P from an O/R address parsed from the same text */
static int gdi_from_bsa(const BuiltInStandardAttributes_t *b,
			GlobalDomainIdentifier_t *g)
{
	if (!b->country_name || !b->administration_domain_name)
		return -1;
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_GlobalDomainIdentifier, g);
	memset(g, 0, sizeof(*g));
	g->country_name.present = b->country_name->present;
	if (b->country_name->present == CountryName_PR_x121_dcc_code)
		p1_str_setn(&g->country_name.choice.x121_dcc_code,
			    b->country_name->choice.x121_dcc_code.buf,
			    (size_t)b->country_name->choice.x121_dcc_code.size);
	else
		p1_str_setn(&g->country_name.choice.iso_3166_alpha2_code,
			    b->country_name->choice.iso_3166_alpha2_code.buf,
			    (size_t)b->country_name->choice.iso_3166_alpha2_code
				    .size);
	g->administration_domain_name = (AdministrationDomainName_t){ 0 };
	g->administration_domain_name.present =
	    b->administration_domain_name->present;
	/* numeric and printable share the OCTET_STRING_t layout */
	p1_str_setn(&g->administration_domain_name.choice.printable,
		    b->administration_domain_name->choice.printable.buf,
		    (size_t)b->administration_domain_name->choice.printable.size);
	if (b->private_domain_name) {
		PrivateDomainIdentifier_t *p = XNEW(PrivateDomainIdentifier_t);

		p->present = b->private_domain_name->present ==
				     PrivateDomainName_PR_numeric ?
			     PrivateDomainIdentifier_PR_numeric :
			     PrivateDomainIdentifier_PR_printable;
		p1_str_setn(&p->choice.printable,
			    b->private_domain_name->choice.printable.buf,
			    (size_t)b->private_domain_name->choice.printable.size);
		g->private_domain_identifier = p;
	}
	return 0;
}

int p1_gdi_from_oraddr(const BuiltInStandardAttributes_t *b,
		       GlobalDomainIdentifier_t **out)
{
	GlobalDomainIdentifier_t *g = XNEW(GlobalDomainIdentifier_t);

	*out = NULL;
	if (gdi_from_bsa(b, g) != 0) {
		ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, g);
		return -1;
	}
	*out = g;
	return 0;
}

/* split - the text before ";L=" (or all of it) as an O/R address */
static int gdi_parse_into(const char *s, GlobalDomainIdentifier_t *g,
			  int allow_local, char **local, size_t *local_len,
			  struct p1_err *err)
{
	const char *p = s;
	char delim = p1_attr_delim(&p);
	struct buf rest = BUF_INIT;
	struct p1_attr a;
	ORAddress_t *addr = NULL;
	char *text;
	int rc, have_local = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	/* Lex once: keep C, A, P for the O/R address parser (which checks
	 * them), take L here, refuse anything else. */
	while ((rc = p1_attr_next(s, &p, delim, &a, err)) > 0) {
		if (allow_local && strcmp(a.key, "L") == 0) {
			if (have_local) {
				p1_attr_free(&a);
				rc = p1_err_set(err, P1_E_DUP, "L", a.offset,
						"L given twice");
				break;
			}
			have_local = 1;
			*local = a.val;
			*local_len = a.len;
			continue;
		}
		if (strcmp(a.key, "C") && strcmp(a.key, "A") &&
		    strcmp(a.key, "P")) {
			rc = p1_err_set(err, P1_E_ATTR, a.key, a.offset,
					"%s: a domain identifier has only C, "
					"A and P%s", a.key,
					allow_local ? " (and L)" : "");
			p1_attr_free(&a);
			break;
		}
		p1_attr_put(&rest, a.key, a.val, a.len, a.forced);
		p1_attr_free(&a);
	}
	if (rc < 0) {
		buf_free(&rest);
		return rc;
	}
	text = p1_buf_str(&rest);
	rc = p1_oraddr_parse(text, &addr, err);
	free(text);
	if (rc)
		return rc;
	if (gdi_from_bsa(&addr->built_in_standard_attributes, g) != 0)
		rc = p1_err_set(err, P1_E_MISSING,
				addr->built_in_standard_attributes.country_name ?
				"A" : "C", 0,
				"a domain identifier needs C and A");
	ASN_STRUCT_FREE(asn_DEF_ORAddress, addr);
	if (rc == 0 && allow_local && !have_local)
		rc = p1_err_set(err, P1_E_MISSING, "L", 0,
				"an MTS identifier needs L (the local "
				"identifier)");
	return rc;
}

int p1_gdi_parse(const char *s, GlobalDomainIdentifier_t **out,
		 struct p1_err *err)
{
	GlobalDomainIdentifier_t *g = XNEW(GlobalDomainIdentifier_t);
	int rc = gdi_parse_into(s, g, 0, NULL, NULL, err);

	*out = NULL;
	if (rc) {
		ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, g);
		return rc;
	}
	*out = g;
	return 0;
}

/* gdi_key - the normalised form of a GDI, as an O/R address key */
static char *gdi_key(const GlobalDomainIdentifier_t *g)
{
	ORAddress_t a;
	CountryName_t c = g->country_name;
	AdministrationDomainName_t adm = g->administration_domain_name;
	PrivateDomainName_t p;
	char *k;

	memset(&a, 0, sizeof(a));
	a.built_in_standard_attributes.country_name = &c;
	a.built_in_standard_attributes.administration_domain_name = &adm;
	if (g->private_domain_identifier) {
		memset(&p, 0, sizeof(p));
		p.present = g->private_domain_identifier->present ==
				    PrivateDomainIdentifier_PR_numeric ?
			    PrivateDomainName_PR_numeric :
			    PrivateDomainName_PR_printable;
		p.choice.printable =
		    g->private_domain_identifier->choice.printable;
		a.built_in_standard_attributes.private_domain_name = &p;
	}
	k = p1_oraddr_key(&a);
	return k;
}

int p1_gdi_equal(const GlobalDomainIdentifier_t *a,
		 const GlobalDomainIdentifier_t *b)
{
	char *ka = gdi_key(a), *kb = gdi_key(b);
	int eq = strcmp(ka, kb) == 0;

	free(ka);
	free(kb);
	return eq;
}

void p1_gdi_fill(GlobalDomainIdentifier_t *dst,
		 const GlobalDomainIdentifier_t *src)
{
	GlobalDomainIdentifier_t *c = p1_copy(&asn_DEF_GlobalDomainIdentifier,
					      src);

	if (c == NULL)
		panic("p1_gdi_fill: domain identifier does not encode");
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_GlobalDomainIdentifier, dst);
	*dst = *c;
	free(c);
}

char *p1_mtsid_format(const MTSIdentifier_t *id)
{
	struct buf b = BUF_INIT;

	put_gdi(&b, &id->global_domain_identifier);
	p1_attr_put(&b, "L", id->local_identifier.buf,
		    (size_t)id->local_identifier.size, 0);
	return p1_buf_str(&b);
}

int p1_mtsid_parse(const char *s, MTSIdentifier_t **out, struct p1_err *err)
{
	MTSIdentifier_t *id = XNEW(MTSIdentifier_t);
	char *local = NULL;
	size_t n = 0;
	int rc = gdi_parse_into(s, &id->global_domain_identifier, 1, &local,
				&n, err);

	*out = NULL;
	if (rc == 0) {
		int ia5 = 1;

		for (size_t i = 0; i < n; i++)
			if ((unsigned char)local[i] > 0x7f)
				ia5 = 0;
		if (n < 1 || n > 32 || !ia5)
			rc = p1_err_set(err, P1_E_VALUE, "L", 0,
					"L: a local identifier is 1 to 32 IA5 "
					"characters (ub-local-id-length)");
		else
			p1_str_setn(&id->local_identifier, local, n);
	}
	free(local);
	if (rc) {
		ASN_STRUCT_FREE(asn_DEF_MTSIdentifier, id);
		return rc;
	}
	*out = id;
	return 0;
}

int p1_mtsid_equal(const MTSIdentifier_t *a, const MTSIdentifier_t *b)
{
	char *sa = p1_mtsid_format(a), *sb = p1_mtsid_format(b);
	int eq = strcmp(sa, sb) == 0;

	free(sa);
	free(sb);
	return eq;
}

/* fnv1a - 32-bit FNV-1a of a string */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

void p1_mtsid_fill(MTSIdentifier_t *dst, const GlobalDomainIdentifier_t *gdi,
		   const char *mta_name, time_t now, uint64_t seq)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char local[80], s36[16], *p = s36 + sizeof(s36) - 1;
	struct tm tm;
	int n;

	*p = 0;
	do {
		*--p = digits[seq % 36];
		seq /= 36;
	} while (seq);
	gmtime_r(&now, &tm);
	n = snprintf(local, sizeof(local), "%04d%02d%02d%02d%02d%02d.%s.",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, p);
	if (n < 0 || n > 31)
		panic("p1_mtsid_fill: identifier too long");
	if (mta_name && *mta_name && strlen(mta_name) <= (size_t)(32 - n))
		snprintf(local + n, sizeof(local) - (size_t)n, "%s", mta_name);
	else
		snprintf(local + n, sizeof(local) - (size_t)n, "%08x",
			 fnv1a(mta_name ? mta_name : ""));
	local[32] = 0;
	p1_gdi_fill(&dst->global_domain_identifier, gdi);
	p1_str_set(&dst->local_identifier, local);
}

MTSIdentifier_t *p1_mtsid_make(const GlobalDomainIdentifier_t *gdi,
			       const char *mta_name, time_t now, uint64_t seq)
{
	MTSIdentifier_t *id = XNEW(MTSIdentifier_t);

	p1_mtsid_fill(id, gdi, mta_name, now, seq);
	return id;
}

int p1_mtaname_ok(const char *name)
{
	size_t n = strlen(name);

	if (n < 1 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (name[i] < 0x20 || name[i] > 0x7e)
			return 0;
	return 1;
}

int p1_mtaname_equal(const MTAName_t *m, const char *name)
{
	size_t n = strlen(name);

	return m && (size_t)m->size == n &&
	       strncasecmp((const char *)m->buf, name, n) == 0;
}
