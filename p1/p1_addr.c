/*
 * p1_addr.c - O/R names and addresses as strings operators type
 *
 * See p1_addr.h for the string form (F.401 Annex F labels) and the
 * equality rules. This file: the ASN.1 into the string form (formatting,
 * equality keys), the conversions between O/R name and address, and the
 * character and error helpers the parsers share. The string form into
 * ASN.1 (the lexer and the parser): p1_addr_parse.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * Characters, errors, buffers
 * ================================================================== */

/* p1_err_set - fill err; returns code */
int p1_err_set(struct p1_err *err, int code, const char *attr, size_t offset,
	       const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	snprintf(err->attr, sizeof(err->attr), "%s", attr ? attr : "");
	err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

/* X.680 41.4 Table 8: the PrintableString characters */
static int printable_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || (c && strchr(" '()+,-./:=?", c));
}

int p1_printable_ok(const void *v, size_t n)
{
	const unsigned char *p = v;

	for (size_t i = 0; i < n; i++)
		if (!printable_char(p[i]))
			return 0;
	return 1;
}

/* X.680 41.2 Table 7: NumericString is digits and space */
int p1_numeric_ok(const void *v, size_t n)
{
	const unsigned char *p = v;

	for (size_t i = 0; i < n; i++)
		if (!(p[i] == ' ' || (p[i] >= '0' && p[i] <= '9')))
			return 0;
	return 1;
}

/* p1_numeric_default - digits and spaces with at least one digit */
int p1_numeric_default(const void *v, size_t n)
{
	const unsigned char *p = v;
	int digit = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			digit = 1;
		else if (p[i] != ' ')
			return 0;
	}
	return digit;
}

/* p1_buf_str - NUL-terminate a buf and hand its data over */
char *p1_buf_str(struct buf *b)
{
	char *s;

	buf_add_u8(b, 0);
	if (b->off)
		memmove(b->data, b->data + b->off, b->len - b->off);
	s = (char *)b->data;
	b->data = NULL;
	b->off = b->len = b->cap = 0;
	return s;
}

/* ==================================================================
 * Conversions
 * ================================================================== */

/* ORName and ORAddress share their three address components: move them
 * across a DER round trip of the components. */
ORAddress_t *p1_orname_to_addr(const ORName_t *n)
{
	ORAddress_t tmp, *out;

	memset(&tmp, 0, sizeof(tmp));
	tmp.built_in_standard_attributes = n->built_in_standard_attributes;
	tmp.built_in_domain_defined_attributes =
	    n->built_in_domain_defined_attributes;
	tmp.extension_attributes = n->extension_attributes;
	out = p1_copy(&asn_DEF_ORAddress, &tmp);
	if (out == NULL)
		panic("p1_orname_to_addr: O/R name does not encode");
	return out;
}

ORName_t *p1_oraddr_to_name(const ORAddress_t *a)
{
	ORName_t tmp, *out;

	memset(&tmp, 0, sizeof(tmp));
	tmp.built_in_standard_attributes = a->built_in_standard_attributes;
	tmp.built_in_domain_defined_attributes =
	    a->built_in_domain_defined_attributes;
	tmp.extension_attributes = a->extension_attributes;
	out = p1_copy(&asn_DEF_ORName, &tmp);
	if (out == NULL)
		panic("p1_oraddr_to_name: O/R address does not encode");
	return out;
}

/* ==================================================================
 * Formatting
 * ================================================================== */

/* p1_attr_put - append KEY=value, escaped (see p1_addr.h) */
void p1_attr_put(struct buf *b, const char *key, const void *v, size_t n,
		 int forced)
{
	const unsigned char *s = v;
	char hx[8];

	if (b->len > b->off)
		buf_add_u8(b, ';');
	buf_add(b, key, strlen(key));
	buf_add_u8(b, '=');
	if (forced == 'n')
		buf_add_u8(b, 'n');
	if (forced)
		buf_add_u8(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ';')
			buf_add(b, ";;", 2);
		else if (s[i] == '\\')
			buf_add(b, "\\\\", 2);
		else if (s[i] == '"')		/* quotes are markers */
			buf_add(b, "\\x22", 4);
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			buf_add_u8(b, s[i]);
		else {
			snprintf(hx, sizeof(hx), "\\x%02X", s[i]);
			buf_add(b, hx, 4);
		}
	}
	if (forced)
		buf_add_u8(b, '"');
}

/* p1_norm - letters' case and spaces do not count (see p1_addr.h) */
char *p1_norm(const void *v, size_t n, size_t *outn)
{
	const unsigned char *s = v;
	char *o = xmalloc(n + 1);
	size_t k = 0;
	int space = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ') {
			space = k > 0;
			continue;
		}
		if (space)
			o[k++] = ' ';
		space = 0;
		o[k++] = (char)toupper(s[i]);
	}
	o[k] = 0;
	*outn = k;
	return o;
}

struct fmt {
	struct buf	b;
	int		norm;		/* the equality key */
};

/* put - one attribute, normalised when building a key */
static void put(struct fmt *f, const char *key, const void *v, size_t n,
		int forced)
{
	if (f->norm) {
		size_t k;
		char *s = p1_norm(v, n, &k);

		p1_attr_put(&f->b, key, s, k, 0);
		free(s);
	} else {
		p1_attr_put(&f->b, key, v, n, forced);
	}
}

static void put_str(struct fmt *f, const char *key, const OCTET_STRING_t *s)
{
	if (s)
		put(f, key, s->buf, (size_t)s->size, 0);
}

/* put_domain - A or P with its NumericString / PrintableString marker */
static void put_domain(struct fmt *f, const char *key, int numeric,
		       const OCTET_STRING_t *s)
{
	int dflt = p1_numeric_default(s->buf, (size_t)s->size);

	put(f, key, s->buf, (size_t)s->size,
	    numeric == dflt ? 0 : numeric ? 'n' : 'p');
}

static void put_hex(struct fmt *f, const char *key, const void *v, size_t n)
{
	const unsigned char *s = v;
	char *h = xmalloc(2 * n + 1);

	for (size_t i = 0; i < n; i++)
		snprintf(h + 2 * i, 3, "%02X", s[i]);
	p1_attr_put(&f->b, key, h, 2 * n, 0);
	free(h);
}

/* put_dda_key - "DDA:" + type, with '=' escaped */
static void put_dda(struct fmt *f, const char *prefix,
		    const OCTET_STRING_t *type, const OCTET_STRING_t *value)
{
	struct buf k = BUF_INIT;
	const OCTET_STRING_t *t = type;
	char *tn = NULL, *key;
	size_t tl = (size_t)t->size;
	const unsigned char *tb = t->buf;

	if (f->norm) {
		tn = p1_norm(t->buf, (size_t)t->size, &tl);
		tb = (const unsigned char *)tn;
	}
	buf_add(&k, prefix, strlen(prefix));
	for (size_t i = 0; i < tl; i++) {
		char hx[8];

		if (tb[i] == '=' || tb[i] == ';' || tb[i] == '\\' ||
		    tb[i] < 0x20 || tb[i] >= 0x7f) {
			snprintf(hx, sizeof(hx), "\\x%02X", tb[i]);
			buf_add(&k, hx, 4);
		} else {
			buf_add_u8(&k, tb[i]);
		}
	}
	key = p1_buf_str(&k);
	put(f, key, value->buf, (size_t)value->size, 0);
	free(key);
	free(tn);
}

/* One extension attribute, rendered into its own string so that the
 * set can be put in a canonical order. */
struct rendered {
	long	type;
	char	*text;
};

static int rendered_cmp(const void *a, const void *b)
{
	const struct rendered *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* decode_exact - an extension attribute value as its type, only if its
 *	octets are that value's DER: a label then gives back the same
 *	octets (a BER variant, or a malformed value asn1c accepts, such as
 *	a zero-length INTEGER, stays in hex) */
static void *decode_exact(const ANY_t *v, asn_TYPE_descriptor_t *td)
{
	void *d = p1_any_get(v, td);
	unsigned char *der;
	size_t n;
	int same;

	if (d == NULL)
		return NULL;
	der = p1_der(td, d, &n);
	same = der && n == (size_t)v->size && memcmp(der, v->buf, n) == 0;
	free(der);
	if (!same) {
		ASN_STRUCT_FREE(*td, d);
		return NULL;
	}
	return d;
}

/* render_ext - one extension attribute by its type, or in hex */
static char *render_ext(const ExtensionAttribute_t *ea, int normalise,
			int only_of_type)
{
	struct fmt f = { BUF_INIT, normalise };
	const ANY_t *v = &ea->extension_attribute_value;
	long t = ea->extension_attribute_type;
	void *d = NULL;
	char key[16];

	if (only_of_type) {
		switch (t) {
		case 1:
			if ((d = decode_exact(v, &asn_DEF_CommonName)))
				put_str(&f, "CN", d);
			ASN_STRUCT_FREE(asn_DEF_CommonName, d);
			break;
		case 2:
			if ((d = decode_exact(v, &asn_DEF_TeletexCommonName)))
				put_str(&f, "T-CN", d);
			ASN_STRUCT_FREE(asn_DEF_TeletexCommonName, d);
			break;
		case 3:
			if ((d = decode_exact(v,
					&asn_DEF_TeletexOrganizationName)))
				put_str(&f, "T-O", d);
			ASN_STRUCT_FREE(asn_DEF_TeletexOrganizationName, d);
			break;
		case 4: {
			TeletexPersonalName_t *p =
			    decode_exact(v, &asn_DEF_TeletexPersonalName);

			if (p) {
				put_str(&f, "T-S", &p->surname);
				put_str(&f, "T-G", p->given_name);
				put_str(&f, "T-I", p->initials);
				put_str(&f, "T-Q", p->generation_qualifier);
			}
			d = p;
			ASN_STRUCT_FREE(asn_DEF_TeletexPersonalName, p);
			break;
		}
		case 5: {
			TeletexOrganizationalUnitNames_t *u = decode_exact(v,
				&asn_DEF_TeletexOrganizationalUnitNames);

			/* asn1c checks no SIZE of a SEQUENCE OF: 1..4 here,
			 * or the text would not read back */
			if (u && (u->list.count < 1 || u->list.count > 4)) {
				ASN_STRUCT_FREE(
				    asn_DEF_TeletexOrganizationalUnitNames, u);
				u = NULL;
			}
			for (int i = 0; u && i < u->list.count; i++) {
				snprintf(key, sizeof(key), "T-OU%d", i + 1);
				put_str(&f, key, u->list.array[i]);
			}
			d = u;
			ASN_STRUCT_FREE(asn_DEF_TeletexOrganizationalUnitNames,
					u);
			break;
		}
		case 6: {
			TeletexDomainDefinedAttributes_t *u = decode_exact(v,
				&asn_DEF_TeletexDomainDefinedAttributes);

			if (u && (u->list.count < 1 || u->list.count > 4)) {
				ASN_STRUCT_FREE(
				    asn_DEF_TeletexDomainDefinedAttributes, u);
				u = NULL;
			}
			for (int i = 0; u && i < u->list.count; i++)
				put_dda(&f, "T-DDA:", &u->list.array[i]->type,
					&u->list.array[i]->value);
			d = u;
			ASN_STRUCT_FREE(asn_DEF_TeletexDomainDefinedAttributes,
					u);
			break;
		}
		case 23: {
			long *tt = decode_exact(v, &asn_DEF_TerminalType);

			if (tt) {
				snprintf(key, sizeof(key), "%ld", *tt);
				p1_attr_put(&f.b, "T-TY", key, strlen(key), 0);
			}
			d = tt;
			ASN_STRUCT_FREE(asn_DEF_TerminalType, tt);
			break;
		}
		}
	}
	if (d == NULL) {		/* other types, or undecodable */
		buf_reset(&f.b);
		snprintf(key, sizeof(key), "EA:%ld", t);
		put_hex(&f, key, v->buf, (size_t)v->size);
	}
	return p1_buf_str(&f.b);
}

/* append - one rendered attribute (or several), ';' separated */
static void append(struct buf *b, const char *text)
{
	if (!*text)
		return;
	if (b->len > b->off)
		buf_add_u8(b, ';');
	buf_add(b, text, strlen(text));
}

/* format - the whole string form of the address components */
static char *format(const BuiltInStandardAttributes_t *b,
		    const BuiltInDomainDefinedAttributes_t *dda,
		    const ExtensionAttributes_t *ext, const Name_t *dn,
		    int normalise)
{
	struct fmt f = { BUF_INIT, normalise };
	char key[24];

	if (b->country_name) {
		const CountryName_t *c = b->country_name;

		put_str(&f, "C", c->present == CountryName_PR_x121_dcc_code ?
			&c->choice.x121_dcc_code :
			&c->choice.iso_3166_alpha2_code);
	}
	if (b->administration_domain_name) {
		const AdministrationDomainName_t *a =
		    b->administration_domain_name;
		int num = a->present == AdministrationDomainName_PR_numeric;

		put_domain(&f, "A", num, num ? &a->choice.numeric :
					       &a->choice.printable);
	}
	if (b->private_domain_name) {
		const PrivateDomainName_t *p = b->private_domain_name;
		int num = p->present == PrivateDomainName_PR_numeric;

		put_domain(&f, "P", num, num ? &p->choice.numeric :
					       &p->choice.printable);
	}
	put_str(&f, "O", b->organization_name);
	for (int i = 0; b->organizational_unit_names &&
			i < b->organizational_unit_names->list.count; i++) {
		snprintf(key, sizeof(key), "OU%d", i + 1);
		put_str(&f, key, b->organizational_unit_names->list.array[i]);
	}
	if (b->personal_name) {
		put_str(&f, "S", &b->personal_name->surname);
		put_str(&f, "G", b->personal_name->given_name);
		put_str(&f, "I", b->personal_name->initials);
		put_str(&f, "Q", b->personal_name->generation_qualifier);
	}
	/* CN next, as the example forms show it: it is rendered below
	 * among the extension attributes, which come sorted by type, and
	 * common-name is type 1. */
	if (ext && ext->list.count) {
		int n = ext->list.count;
		struct rendered *r = xcalloc((size_t)n, sizeof(*r));

		for (int i = 0; i < n; i++) {
			const ExtensionAttribute_t *ea = ext->list.array[i];
			int first = 1;

			/* a type given more than once is shown in hex, each
			 * time: what is shown does not depend on order */
			for (int j = 0; j < n; j++)
				if (j != i &&
				    ext->list.array[j]->extension_attribute_type
				    == ea->extension_attribute_type)
					first = 0;
			r[i].type = ea->extension_attribute_type;
			r[i].text = render_ext(ea, normalise, first);
			if (strncmp(r[i].text, "EA:", 3) == 0)
				r[i].type += 1000;	/* hex ones last */
		}
		qsort(r, (size_t)n, sizeof(*r), rendered_cmp);
		/* common-name first, then the built-in ones, then the rest */
		for (int i = 0; i < n; i++)
			if (r[i].type == 1)
				append(&f.b, r[i].text);
		put_str(&f, "X121", b->network_address);
		put_str(&f, "T-ID", b->terminal_identifier);
		put_str(&f, "N-ID", b->numeric_user_identifier);
		for (int i = 0; i < n; i++)
			if (r[i].type == 23)
				append(&f.b, r[i].text);
		for (int i = 0; i < n; i++) {
			if (r[i].type != 1 && r[i].type != 23 &&
			    r[i].type < 1000 && r[i].type != 6)
				append(&f.b, r[i].text);
		}
		for (int i = 0; dda && i < dda->list.count; i++)
			put_dda(&f, "DDA:", &dda->list.array[i]->type,
				&dda->list.array[i]->value);
		for (int i = 0; i < n; i++) {
			if (r[i].type == 6 || r[i].type >= 1000)
				append(&f.b, r[i].text);
		}
		for (int i = 0; i < n; i++)
			free(r[i].text);
		free(r);
	} else {
		put_str(&f, "X121", b->network_address);
		put_str(&f, "T-ID", b->terminal_identifier);
		put_str(&f, "N-ID", b->numeric_user_identifier);
		for (int i = 0; dda && i < dda->list.count; i++)
			put_dda(&f, "DDA:", &dda->list.array[i]->type,
				&dda->list.array[i]->value);
	}
	if (dn && !normalise) {
		size_t n;
		unsigned char *der = p1_der(&asn_DEF_Name, dn, &n);

		if (der)
			put_hex(&f, "DN", der, n);
		free(der);
	}
	return p1_buf_str(&f.b);
}

char *p1_oraddr_format(const ORAddress_t *a)
{
	return format(&a->built_in_standard_attributes,
		      a->built_in_domain_defined_attributes,
		      a->extension_attributes, NULL, 0);
}

char *p1_orname_format(const ORName_t *n)
{
	return format(&n->built_in_standard_attributes,
		      n->built_in_domain_defined_attributes,
		      n->extension_attributes, n->directory_name, 0);
}

char *p1_oraddr_key(const ORAddress_t *a)
{
	return format(&a->built_in_standard_attributes,
		      a->built_in_domain_defined_attributes,
		      a->extension_attributes, NULL, 1);
}

char *p1_orname_key(const ORName_t *n)
{
	return format(&n->built_in_standard_attributes,
		      n->built_in_domain_defined_attributes,
		      n->extension_attributes, NULL, 1);
}

/* ==================================================================
 * Equality
 * ================================================================== */

int p1_oraddr_equal(const ORAddress_t *a, const ORAddress_t *b)
{
	char *ka = p1_oraddr_key(a), *kb = p1_oraddr_key(b);
	int eq = strcmp(ka, kb) == 0;

	free(ka);
	free(kb);
	return eq;
}

int p1_orname_equal(const ORName_t *a, const ORName_t *b)
{
	char *ka = p1_orname_key(a), *kb = p1_orname_key(b);
	int eq = strcmp(ka, kb) == 0;

	free(ka);
	free(kb);
	return eq;
}
