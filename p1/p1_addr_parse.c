/*
 * p1_addr_parse.c - O/R names and addresses: the string form into ASN.1
 *
 * See p1_addr.h for the string form (F.401 Annex F labels). The lexer
 * (p1_attr_next, shared with p1_id and route) reads LABEL=value pairs;
 * the parser maps each label onto its attribute of X.402 18.3 (Table 10),
 * ASN.1 in X.411 Figure 2 (asn1/p1.asn1). Upper bounds are checked here,
 * per attribute, so that an error names the label; the encoder checks
 * them again. The way back (formatting) and equality: p1_addr.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "xalloc.h"

#include "CommonName.h"
#include "TeletexCommonName.h"
#include "TeletexDomainDefinedAttributes.h"
#include "TeletexOrganizationName.h"
#include "TeletexOrganizationalUnitNames.h"
#include "TeletexPersonalName.h"
#include "TerminalType.h"

/* ==================================================================
 * The lexer: LABEL=value pairs (F.401 Annex F)
 * ================================================================== */

/* p1_attr_delim - ';' unless the string starts with '/' */
char p1_attr_delim(const char **pp)
{
	const char *p = *pp;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '/') {
		*pp = p + 1;
		return '/';
	}
	return ';';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void p1_attr_free(struct p1_attr *a)
{
	free(a->val);
	a->val = NULL;
	a->len = 0;
}

/* p1_attr_next - one LABEL=value; the value ends at a single delimiter */
int p1_attr_next(const char *start, const char **pp, char delim,
		 struct p1_attr *a, struct p1_err *err)
{
	const char *p = *pp, *k;
	struct buf v = BUF_INIT;
	size_t kn;

	memset(a, 0, sizeof(*a));
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p == 0) {
		*pp = p;
		return 0;
	}
	a->offset = (size_t)(p - start);
	k = p;
	while (*p && *p != '=' && *p != delim)
		p++;
	kn = (size_t)(p - k);
	while (kn && (k[kn - 1] == ' ' || k[kn - 1] == '\t'))
		kn--;
	if (*p != '=' || kn == 0 || kn >= sizeof(a->key)) {
		char shown[24];

		snprintf(shown, sizeof(shown), "%.*s",
			 (int)(kn < 20 ? kn : 20), k);
		return p1_err_set(err, P1_E_SYNTAX, shown, a->offset,
				  kn == 0 ? "empty label" :
				  *p != '=' ? "label '%s' has no '='" :
				  "label '%s' is too long", shown);
	}
	/* labels are upper-cased; a DDA type after ':' keeps its case */
	for (size_t i = 0, up = 1; i < kn; i++) {
		a->key[i] = up ? (char)toupper((unsigned char)k[i]) : k[i];
		if (k[i] == ':')
			up = 0;
	}
	a->key[kn] = 0;
	p++;					/* '=' */
	if (p[0] == '"' || (p[0] == 'n' && p[1] == '"')) {
		const char *q = p + (p[0] == 'n' ? 2 : 1);
		const char *end = strchr(q, '"');

		if (end && (end[1] == 0 || end[1] == delim ||
			    end[1] == ' ')) {
			a->forced = p[0] == 'n' ? 'n' : 'p';
			buf_add(&v, q, (size_t)(end - q));
			p = end + 1;
			while (*p == ' ')
				p++;
			if (*p == delim)
				p++;
			else if (*p)
				goto junk;
			goto done;
		}
	}
	while (*p) {
		if (*p == delim) {
			if (p[1] == delim) {		/* doubled: literal */
				buf_add_u8(&v, (unsigned char)delim);
				p += 2;
				continue;
			}
			p++;
			break;
		}
		if (*p == '\\') {
			int h, l;

			if (p[1] == '\\') {
				buf_add_u8(&v, '\\');
				p += 2;
				continue;
			}
			if ((p[1] == 'x' || p[1] == 'X') &&
			    (h = hexval(p[2])) >= 0 && (l = hexval(p[3])) >= 0) {
				buf_add_u8(&v, (unsigned)(h * 16 + l));
				p += 4;
				continue;
			}
			buf_free(&v);
			return p1_err_set(err, P1_E_SYNTAX, a->key,
					  (size_t)(p - start),
					  "%s: bad escape (use \\\\ or \\xHH)",
					  a->key);
		}
		buf_add_u8(&v, (unsigned char)*p++);
	}
done:
	a->len = v.len;
	a->val = p1_buf_str(&v);
	*pp = p;
	return 1;
junk:
	buf_free(&v);
	return p1_err_set(err, P1_E_SYNTAX, a->key, (size_t)(p - start),
			  "%s: text after the closing quote", a->key);
}
/* ==================================================================
 * Labels
 * ================================================================== */

enum kid {
	K_C, K_A, K_P, K_O, K_OU, K_S, K_G, K_I, K_Q, K_CN, K_X121, K_TID,
	K_NID, K_TTY, K_TCN, K_TO, K_TOU, K_TS, K_TG, K_TI, K_TQ, K_DDA,
	K_TDDA, K_EA, K_DN
};

enum cset { CS_PRINT, CS_NUM, CS_TTX, CS_OTHER };

static const struct label {
	const char	*key;
	enum kid	id;
	enum cset	cs;
	size_t		ub;	/* upper bound, X.411 Figure 2 */
} labels[] = {
	{ "C", K_C, CS_OTHER, 3 },
	{ "A", K_A, CS_OTHER, 16 },		/* ub-domain-name-length */
	{ "P", K_P, CS_OTHER, 16 },
	{ "O", K_O, CS_PRINT, 64 },		/* ub-organization-name */
	{ "OU", K_OU, CS_PRINT, 32 },		/* ub-org-unit-name */
	{ "S", K_S, CS_PRINT, 40 },		/* ub-surname-length */
	{ "G", K_G, CS_PRINT, 16 },		/* ub-given-name-length */
	{ "I", K_I, CS_PRINT, 5 },		/* ub-initials-length */
	{ "Q", K_Q, CS_PRINT, 3 },		/* ub-generation-qualifier */
	{ "CN", K_CN, CS_PRINT, 64 },		/* ub-common-name-length */
	{ "X121", K_X121, CS_NUM, 16 },		/* ub-x121-address-length */
	{ "T-ID", K_TID, CS_PRINT, 24 },	/* ub-terminal-id-length */
	{ "N-ID", K_NID, CS_NUM, 32 },		/* ub-numeric-user-id */
	{ "T-TY", K_TTY, CS_OTHER, 0 },
	{ "T-CN", K_TCN, CS_TTX, 64 },
	{ "T-O", K_TO, CS_TTX, 64 },
	{ "T-OU", K_TOU, CS_TTX, 32 },
	{ "T-S", K_TS, CS_TTX, 40 },
	{ "T-G", K_TG, CS_TTX, 16 },
	{ "T-I", K_TI, CS_TTX, 5 },
	{ "T-Q", K_TQ, CS_TTX, 3 },
};

/* find_label - the label of a key; *index gets OUn's n (1..4), DDA and
 *	EA their suffix (after the ':') */
static const struct label *find_label(const char *key, int *index,
				      const char **suffix)
{
	static const struct label dda = { "DDA", K_DDA, CS_PRINT, 8 };
	static const struct label tdda = { "T-DDA", K_TDDA, CS_TTX, 8 };
	static const struct label ea = { "EA", K_EA, CS_OTHER, 0 };
	static const struct label dn = { "DN", K_DN, CS_OTHER, 0 };

	*index = 0;
	*suffix = NULL;
	if (strncmp(key, "DDA:", 4) == 0) {
		*suffix = key + 4;
		return &dda;
	}
	if (strncmp(key, "T-DDA:", 6) == 0) {
		*suffix = key + 6;
		return &tdda;
	}
	if (strncmp(key, "EA:", 3) == 0) {
		*suffix = key + 3;
		return &ea;
	}
	if (strcmp(key, "DN") == 0)
		return &dn;
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		size_t n = strlen(labels[i].key);

		if (strncmp(key, labels[i].key, n) != 0)
			continue;
		if (key[n] == 0 && labels[i].id != K_OU &&
		    labels[i].id != K_TOU)
			return &labels[i];
		if ((labels[i].id == K_OU || labels[i].id == K_TOU) &&
		    key[n] >= '1' && key[n] <= '4' && key[n + 1] == 0) {
			*index = key[n] - '0';
			return &labels[i];
		}
	}
	return NULL;
}

/* ==================================================================
 * Parsing
 * ================================================================== */

/* What the string gave, before the structure is built. */
struct parsed {
	ORName_t	*n;		/* built as we go */
	OCTET_STRING_t	*ou[4], *tou[4];
	OCTET_STRING_t	*s, *g, *i, *q, *ts, *tg, *ti, *tq;
	int		have_tcn, have_to, have_cn, have_tty;
	TeletexDomainDefinedAttributes_t *tdda;
	int		allow_dn;
};

static int check_value(const struct label *l, const struct p1_attr *a,
		       const char *what, struct p1_err *err)
{
	size_t ub = l->ub;

	if (a->len == 0 && l->id != K_A)
		return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
				  "%s: empty value", a->key);
	if (ub && a->len > ub)
		return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
				  "%s: %zu characters, at most %zu",
				  a->key, a->len, ub);
	if (l->cs == CS_PRINT && !p1_printable_ok(a->val, a->len))
		return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
				  "%s: %s holds a character outside "
				  "PrintableString", a->key, what);
	if (l->cs == CS_NUM && !p1_numeric_ok(a->val, a->len))
		return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
				  "%s: %s must be digits", a->key, what);
	return 0;
}

/* add_ext - append an extension attribute of a named type */
static int add_ext(ORName_t *n, long type, asn_TYPE_descriptor_t *td,
		   const void *v)
{
	ExtensionAttribute_t *ea = XNEW(ExtensionAttribute_t);

	ea->extension_attribute_type = type;
	if (p1_any_set(&ea->extension_attribute_value, td, v) != 0) {
		ASN_STRUCT_FREE(asn_DEF_ExtensionAttribute, ea);
		return -1;
	}
	if (n->extension_attributes == NULL)
		n->extension_attributes = XNEW(ExtensionAttributes_t);
	p1_list_add(&n->extension_attributes->list, ea);
	return 0;
}

static int hex_decode(const char *h, size_t n, unsigned char **out,
		      size_t *outlen)
{
	unsigned char *b;

	if (n == 0 || n % 2)
		return -1;
	b = xmalloc(n / 2 + 1);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(h[i]), lo = hexval(h[i + 1]);

		if (hi < 0 || lo < 0) {
			free(b);
			return -1;
		}
		b[i / 2] = (unsigned char)(hi * 16 + lo);
	}
	*out = b;
	*outlen = n / 2;
	return 0;
}

/* set_choice - a NumericString / PrintableString CHOICE (C, A, P) */
static int set_domain(const struct p1_attr *a, int *present, int num_pr,
		      int print_pr, OCTET_STRING_t *num, OCTET_STRING_t *print,
		      int allow_empty, struct p1_err *err)
{
	int numeric = a->forced ? a->forced == 'n' :
				  p1_numeric_default(a->val, a->len);

	if (a->len == 0 && !allow_empty)
		return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
				  "%s: empty value", a->key);
	if (a->len > 16)
		return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
				  "%s: %zu characters, at most 16 "
				  "(ub-domain-name-length)", a->key, a->len);
	if (numeric) {
		if (!p1_numeric_ok(a->val, a->len))
			return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
					  "%s: a NumericString holds digits "
					  "and spaces only", a->key);
		*present = num_pr;
		p1_str_setn(num, a->val, a->len);
	} else {
		if (!p1_printable_ok(a->val, a->len))
			return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
					  "%s: a character outside "
					  "PrintableString", a->key);
		*present = print_pr;
		p1_str_setn(print, a->val, a->len);
	}
	return 0;
}

/* p1_country_set - C: 2 letters or 3 digits (X.411 CountryName) */
static int country_set(CountryName_t *c, const struct p1_attr *a,
		       struct p1_err *err)
{
	if (a->len == 3 && p1_numeric_default(a->val, 3) &&
	    p1_numeric_ok(a->val, 3) && !strchr(a->val, ' ')) {
		c->present = CountryName_PR_x121_dcc_code;
		p1_str_setn(&c->choice.x121_dcc_code, a->val, 3);
		return 0;
	}
	if (a->len == 2 && isalpha((unsigned char)a->val[0]) &&
	    isalpha((unsigned char)a->val[1])) {
		c->present = CountryName_PR_iso_3166_alpha2_code;
		p1_str_setn(&c->choice.iso_3166_alpha2_code, a->val, 2);
		return 0;
	}
	return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
			  "%s: a country is 2 letters (ISO 3166) or 3 digits "
			  "(X.121 DCC), not '%s'", a->key, a->val);
}

static int dup_err(const struct p1_attr *a, struct p1_err *err)
{
	return p1_err_set(err, P1_E_DUP, a->key, a->offset,
			  "%s given twice", a->key);
}

/* set_once - a string attribute that may appear once */
static int set_once(OCTET_STRING_t **slot, const struct p1_attr *a,
		    struct p1_err *err)
{
	if (*slot)
		return dup_err(a, err);
	*slot = XNEW(OCTET_STRING_t);
	p1_str_setn(*slot, a->val, a->len);
	return 0;
}

/* split_dda - "type=value" of a DDA label's suffix and value */
static int dda_add(struct parsed *ps, const struct label *l,
		   const char *type, const struct p1_attr *a,
		   struct p1_err *err)
{
	char *utype;
	size_t tn;
	int rc;

	/* the type was lexed as part of the label: undo its escapes */
	{
		const char *s = a->key + (l->id == K_DDA ? 4 : 6);
		struct buf tb = BUF_INIT;

		(void)type;
		for (; *s; s++) {
			int h, lo;

			if (s[0] == '\\' && (s[1] == 'x' || s[1] == 'X') &&
			    (h = hexval(s[2])) >= 0 && (lo = hexval(s[3])) >= 0) {
				buf_add_u8(&tb, (unsigned)(h * 16 + lo));
				s += 3;
			} else {
				buf_add_u8(&tb, (unsigned char)*s);
			}
		}
		tn = tb.len;
		utype = p1_buf_str(&tb);
	}
	if (tn == 0 || tn > 8) {
		free(utype);
		return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
				  "%s: a domain-defined type has 1 to 8 "
				  "characters", a->key);
	}
	if (l->cs == CS_PRINT && !p1_printable_ok(utype, tn)) {
		free(utype);
		return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
				  "%s: the type holds a character outside "
				  "PrintableString", a->key);
	}
	{
		struct label vl = *l;

		vl.ub = 128;	/* ub-domain-defined-attribute-value-length */
		if ((rc = check_value(&vl, a, "the value", err)) != 0) {
			free(utype);
			return rc;
		}
	}
	if (l->id == K_DDA) {
		BuiltInDomainDefinedAttribute_t *d;

		if (!ps->n->built_in_domain_defined_attributes)
			ps->n->built_in_domain_defined_attributes =
			    XNEW(BuiltInDomainDefinedAttributes_t);
		if (ps->n->built_in_domain_defined_attributes->list.count >= 4) {
			free(utype);
			return p1_err_set(err, P1_E_DUP, a->key, a->offset,
					  "%s: at most 4 domain-defined "
					  "attributes", a->key);
		}
		d = XNEW(BuiltInDomainDefinedAttribute_t);
		p1_str_setn(&d->type, utype, tn);
		p1_str_setn(&d->value, a->val, a->len);
		p1_list_add(&ps->n->built_in_domain_defined_attributes->list,
			    d);
	} else {
		TeletexDomainDefinedAttribute_t *d;

		if (!ps->tdda)
			ps->tdda = XNEW(TeletexDomainDefinedAttributes_t);
		if (ps->tdda->list.count >= 4) {
			free(utype);
			return p1_err_set(err, P1_E_DUP, a->key, a->offset,
					  "%s: at most 4 teletex "
					  "domain-defined attributes", a->key);
		}
		d = XNEW(TeletexDomainDefinedAttribute_t);
		p1_str_setn(&d->type, utype, tn);
		p1_str_setn(&d->value, a->val, a->len);
		p1_list_add(&ps->tdda->list, d);
	}
	free(utype);
	return 0;
}

static const struct {
	const char *name;
	long v;
} terminal_types[] = {
	{ "telex", 3 }, { "teletex", 4 }, { "g3-facsimile", 5 },
	{ "g4-facsimile", 6 }, { "ia5-terminal", 7 }, { "videotex", 8 },
};

/* one_attr - apply one LABEL=value */
static int one_attr(struct parsed *ps, const struct p1_attr *a,
		    struct p1_err *err)
{
	BuiltInStandardAttributes_t *b = &ps->n->built_in_standard_attributes;
	const char *suffix;
	int idx, rc;
	const struct label *l = find_label(a->key, &idx, &suffix);

	if (l == NULL)
		return p1_err_set(err, P1_E_ATTR, a->key, a->offset,
				  "unknown attribute label '%s'", a->key);
	if (a->forced && l->id != K_A && l->id != K_P)
		return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
				  "%s: quotes mark a NumericString or "
				  "PrintableString choice, for A and P only",
				  a->key);
	if (l->cs != CS_OTHER && l->id != K_DDA && l->id != K_TDDA &&
	    (rc = check_value(l, a, "the value", err)) != 0)
		return rc;
	switch (l->id) {
	case K_C:
		if (b->country_name)
			return dup_err(a, err);
		b->country_name = XNEW(CountryName_t);
		return country_set(b->country_name, a, err);
	case K_A:
		if (b->administration_domain_name)
			return dup_err(a, err);
		b->administration_domain_name =
		    XNEW(AdministrationDomainName_t);
		return set_domain(a,
			(int *)&b->administration_domain_name->present,
			AdministrationDomainName_PR_numeric,
			AdministrationDomainName_PR_printable,
			&b->administration_domain_name->choice.numeric,
			&b->administration_domain_name->choice.printable, 1,
			err);
	case K_P:
		if (b->private_domain_name)
			return dup_err(a, err);
		b->private_domain_name = XNEW(PrivateDomainName_t);
		return set_domain(a, (int *)&b->private_domain_name->present,
			PrivateDomainName_PR_numeric,
			PrivateDomainName_PR_printable,
			&b->private_domain_name->choice.numeric,
			&b->private_domain_name->choice.printable, 0, err);
	case K_O:
		return set_once(&b->organization_name, a, err);
	case K_OU:
		return set_once(&ps->ou[idx - 1], a, err);
	case K_TOU:
		return set_once(&ps->tou[idx - 1], a, err);
	case K_S:
		return set_once(&ps->s, a, err);
	case K_G:
		return set_once(&ps->g, a, err);
	case K_I:
		return set_once(&ps->i, a, err);
	case K_Q:
		return set_once(&ps->q, a, err);
	case K_TS:
		return set_once(&ps->ts, a, err);
	case K_TG:
		return set_once(&ps->tg, a, err);
	case K_TI:
		return set_once(&ps->ti, a, err);
	case K_TQ:
		return set_once(&ps->tq, a, err);
	case K_X121:
		return set_once(&b->network_address, a, err);
	case K_TID:
		return set_once(&b->terminal_identifier, a, err);
	case K_NID:
		return set_once(&b->numeric_user_identifier, a, err);
	case K_CN:
	case K_TCN:
	case K_TO: {
		int *have = l->id == K_CN ? &ps->have_cn :
			    l->id == K_TCN ? &ps->have_tcn : &ps->have_to;
		OCTET_STRING_t v = { 0 };

		if (*have)
			return dup_err(a, err);
		*have = 1;
		p1_str_setn(&v, a->val, a->len);
		rc = add_ext(ps->n, l->id == K_CN ? 1 : l->id == K_TCN ? 2 : 3,
			     l->id == K_CN ? &asn_DEF_CommonName :
			     l->id == K_TCN ? &asn_DEF_TeletexCommonName :
			     &asn_DEF_TeletexOrganizationName, &v);
		free(v.buf);
		return rc;
	}
	case K_TTY: {
		long v = -1;
		char *end;

		if (ps->have_tty)
			return dup_err(a, err);
		ps->have_tty = 1;
		for (size_t i = 0; i < sizeof(terminal_types) /
					sizeof(terminal_types[0]); i++)
			if (strcasecmp(a->val, terminal_types[i].name) == 0)
				v = terminal_types[i].v;
		if (v < 0) {
			v = strtol(a->val, &end, 10);
			if (a->len == 0 || *end || v < 0 || v > 256)
				return p1_err_set(err, P1_E_VALUE, a->key,
						  a->offset,
						  "%s: a terminal type is a "
						  "number 0..256 or telex, "
						  "teletex, g3-facsimile, "
						  "g4-facsimile, ia5-terminal,"
						  " videotex", a->key);
		}
		return add_ext(ps->n, 23, &asn_DEF_TerminalType, &v);
	}
	case K_DDA:
	case K_TDDA:
		return dda_add(ps, l, suffix, a, err);
	case K_EA: {
		char *end;
		long type = strtol(suffix, &end, 10);
		ExtensionAttribute_t *ea;
		unsigned char *der;
		size_t n, tl;

		if (*suffix == 0 || *end || type < 0 || type > 256)
			return p1_err_set(err, P1_E_ATTR, a->key, a->offset,
					  "%s: EA:n needs a type number "
					  "0..256", a->key);
		if (hex_decode(a->val, a->len, &der, &n) != 0)
			return p1_err_set(err, P1_E_SYNTAX, a->key, a->offset,
					  "%s: the value is the hex of one "
					  "DER value", a->key);
		if (codec_ber_check(der, n, CODEC_MAX_DEPTH, &tl) != 0 ||
		    tl != n) {
			free(der);
			return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
					  "%s: the hex is not one whole BER "
					  "value", a->key);
		}
		ea = XNEW(ExtensionAttribute_t);
		ea->extension_attribute_type = type;
		ea->extension_attribute_value.buf = der;
		ea->extension_attribute_value.size = (int)n;
		if (ps->n->extension_attributes == NULL)
			ps->n->extension_attributes =
			    XNEW(ExtensionAttributes_t);
		if (ps->n->extension_attributes->list.count >= 256) {
			ASN_STRUCT_FREE(asn_DEF_ExtensionAttribute, ea);
			return p1_err_set(err, P1_E_DUP, a->key, a->offset,
					  "too many extension attributes");
		}
		p1_list_add(&ps->n->extension_attributes->list, ea);
		return 0;
	}
	case K_DN: {
		unsigned char *der;
		size_t n;
		void *dn = NULL;

		if (!ps->allow_dn)
			return p1_err_set(err, P1_E_ATTR, a->key, a->offset,
					  "DN: an O/R address has no "
					  "directory name");
		if (ps->n->directory_name)
			return dup_err(a, err);
		if (hex_decode(a->val, a->len, &der, &n) != 0)
			return p1_err_set(err, P1_E_SYNTAX, a->key, a->offset,
					  "DN: the value is the hex of a DER "
					  "Name");
		rc = codec_decode(&asn_DEF_Name, der, n, 0, &dn, NULL);
		free(der);
		if (rc != CODEC_OK)
			return p1_err_set(err, P1_E_VALUE, a->key, a->offset,
					  "DN: not a directory Name (%s)",
					  codec_strerror(rc));
		ps->n->directory_name = dn;
		return 0;
	}
	}
	panic("p1_addr: label %s unhandled", a->key);
}

static void free_strs(OCTET_STRING_t **v, int n)
{
	for (int i = 0; i < n; i++)
		if (v[i])
			ASN_STRUCT_FREE(asn_DEF_OCTET_STRING, v[i]);
}

/* finish - build the personal names and unit lists gathered */
static int finish(struct parsed *ps, struct p1_err *err)
{
	BuiltInStandardAttributes_t *b = &ps->n->built_in_standard_attributes;
	int rc = 0;

	for (int t = 0; t < 2 && rc == 0; t++) {
		OCTET_STRING_t **ou = t ? ps->tou : ps->ou;
		int last = 0;

		for (int i = 0; i < 4; i++)
			if (ou[i])
				last = i + 1;
		for (int i = 0; i < last; i++)
			if (!ou[i]) {
				char k[24];

				snprintf(k, sizeof(k), "%sOU%d", t ? "T-" : "",
					 i + 1);
				return p1_err_set(err, P1_E_MISSING, k, 0,
						  "%sOU%d is needed before "
						  "%sOU%d", t ? "T-" : "",
						  i + 1, t ? "T-" : "", last);
			}
		if (last && t == 0) {
			b->organizational_unit_names =
			    XNEW(OrganizationalUnitNames_t);
			for (int i = 0; i < last; i++) {
				p1_list_add(&b->organizational_unit_names->list,
					    ou[i]);
				ou[i] = NULL;
			}
		} else if (last) {
			TeletexOrganizationalUnitNames_t *tl =
			    XNEW(TeletexOrganizationalUnitNames_t);

			for (int i = 0; i < last; i++) {
				p1_list_add(&tl->list, ou[i]);
				ou[i] = NULL;
			}
			if (add_ext(ps->n, 5,
				    &asn_DEF_TeletexOrganizationalUnitNames, tl))
				rc = P1_E_VALUE;
			ASN_STRUCT_FREE(asn_DEF_TeletexOrganizationalUnitNames,
					tl);
		}
	}
	if (!ps->s && (ps->g || ps->i || ps->q))
		return p1_err_set(err, P1_E_MISSING, "S", 0,
				  "S (surname) is needed with G, I or Q");
	if (!ps->ts && (ps->tg || ps->ti || ps->tq))
		return p1_err_set(err, P1_E_MISSING, "T-S", 0,
				  "T-S is needed with T-G, T-I or T-Q");
	if (ps->s) {
		PersonalName_t *pn = XNEW(PersonalName_t);

		pn->surname = *ps->s;
		free(ps->s);
		ps->s = NULL;
		pn->given_name = ps->g;
		pn->initials = ps->i;
		pn->generation_qualifier = ps->q;
		ps->g = ps->i = ps->q = NULL;
		b->personal_name = pn;
	}
	if (ps->ts) {
		TeletexPersonalName_t *tp = XNEW(TeletexPersonalName_t);

		tp->surname = *ps->ts;
		free(ps->ts);
		ps->ts = NULL;
		tp->given_name = ps->tg;
		tp->initials = ps->ti;
		tp->generation_qualifier = ps->tq;
		ps->tg = ps->ti = ps->tq = NULL;
		if (add_ext(ps->n, 4, &asn_DEF_TeletexPersonalName, tp))
			rc = P1_E_VALUE;
		ASN_STRUCT_FREE(asn_DEF_TeletexPersonalName, tp);
	}
	if (ps->tdda) {
		if (add_ext(ps->n, 6, &asn_DEF_TeletexDomainDefinedAttributes,
			    ps->tdda))
			rc = P1_E_VALUE;
	}
	if (rc)
		return p1_err_set(err, rc, "", 0, "a value does not encode");
	return 0;
}

static void parsed_free(struct parsed *ps)
{
	OCTET_STRING_t *pn[8] = { ps->s, ps->g, ps->i, ps->q,
				  ps->ts, ps->tg, ps->ti, ps->tq };

	free_strs(ps->ou, 4);
	free_strs(ps->tou, 4);
	free_strs(pn, 8);
	if (ps->tdda)
		ASN_STRUCT_FREE(asn_DEF_TeletexDomainDefinedAttributes,
				ps->tdda);
}

/* parse - the ORName a string describes (allow_dn: an O/R name) */
static int parse(const char *s, int allow_dn, ORName_t **out,
		 struct p1_err *err)
{
	struct parsed ps;
	const char *p = s;
	char delim = p1_attr_delim(&p);
	struct p1_attr a;
	int rc, n = 0;

	*out = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	memset(&ps, 0, sizeof(ps));
	ps.n = XNEW(ORName_t);
	ps.allow_dn = allow_dn;
	while ((rc = p1_attr_next(s, &p, delim, &a, err)) > 0) {
		rc = one_attr(&ps, &a, err);
		p1_attr_free(&a);
		if (rc)
			break;
		n++;
	}
	if (rc == 0 && n == 0)
		rc = p1_err_set(err, P1_E_MISSING, "", 0,
				"an O/R address needs at least one attribute");
	if (rc == 0)
		rc = finish(&ps, err);
	parsed_free(&ps);
	if (rc == 0) {
		char ebuf[160];
		size_t elen = sizeof(ebuf);

		if (asn_check_constraints(&asn_DEF_ORName, ps.n, ebuf, &elen))
			rc = p1_err_set(err, P1_E_VALUE, "", 0,
					"the address breaks a bound: %s", ebuf);
	}
	if (rc) {
		ASN_STRUCT_FREE(asn_DEF_ORName, ps.n);
		return rc;
	}
	*out = ps.n;
	return 0;
}

int p1_orname_parse(const char *s, ORName_t **out, struct p1_err *err)
{
	return parse(s, 1, out, err);
}

int p1_oraddr_parse(const char *s, ORAddress_t **out, struct p1_err *err)
{
	ORName_t *n;
	int rc = parse(s, 0, &n, err);

	*out = NULL;
	if (rc)
		return rc;
	*out = p1_orname_to_addr(n);
	ASN_STRUCT_FREE(asn_DEF_ORName, n);
	return 0;
}

