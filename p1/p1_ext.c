/*
 * p1_ext.c - extension fields: what they are, and whether we may pass them
 *
 * See p1_ext.h. X.411 9.1 (criticality), 12.2.1.1.1 (envelope
 * extensions); type numbers from the StandardExtension list of
 * asn1/p1.asn1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn_SET_OF.h"
#include "codec.h"
#include "p1_asn.h"
#include "p1_ext.h"
#include "xalloc.h"

#include "ExtensionType.h"
#include "ExtensionTypeExplicit.h"

/* The common shape of every envelope's extension list. */
struct ext_list {
	A_SET_OF(ExtensionField_t) list;
	asn_struct_ctx_t _asn_ctx;
};

static const char *const names[] = {
	[1] = "recipient-reassignment-prohibited",
	[2] = "originator-requested-alternate-recipient",
	[3] = "dl-expansion-prohibited",
	[4] = "conversion-with-loss-prohibited",
	[5] = "latest-delivery-time",
	[6] = "requested-delivery-method",
	[7] = "physical-forwarding-prohibited",
	[8] = "physical-forwarding-address-request",
	[9] = "physical-delivery-modes",
	[10] = "registered-mail-type",
	[11] = "recipient-number-for-advice",
	[12] = "physical-rendition-attributes",
	[13] = "originator-return-address",
	[14] = "physical-delivery-report-request",
	[15] = "originator-certificate",
	[16] = "message-token",
	[17] = "content-confidentiality-algorithm-identifier",
	[18] = "content-integrity-check",
	[19] = "message-origin-authentication-check",
	[20] = "message-security-label",
	[21] = "proof-of-submission-request",
	[22] = "proof-of-delivery-request",
	[23] = "content-correlator",
	[24] = "probe-origin-authentication-check",
	[25] = "redirection-history",
	[26] = "dl-expansion-history",
	[27] = "physical-forwarding-address",
	[28] = "recipient-certificate",
	[29] = "proof-of-delivery",
	[30] = "originator-and-DL-expansion-history",
	[31] = "reporting-DL-name",
	[32] = "reporting-MTA-certificate",
	[33] = "report-origin-authentication-check",
	[34] = "originating-MTA-certificate",
	[35] = "proof-of-submission",
	[36] = "forwarding-request",
	[37] = "trace-information",
	[38] = "internal-trace-information",
	[39] = "reporting-MTA-name",
	[40] = "multiple-originator-certificates",
	[41] = "blind-copy-recipients",
	[42] = "dl-exempted-recipients",
	[43] = "body-part-encryption-token",
	[44] = "forwarded-content-token",
	[45] = "certificate-selectors",
	[46] = "certificate-selectors-override",
};

/* The standard extensions x400d supports (see p1_ext.h for why). */
static const long supported[] = { 1, 3, 4, 5, 13, 23, 25, 26, 30, 31, 37,
				  38, 39, 42 };

const char *p1_ext_name(long n)
{
	if (n > 0 && n < (long)(sizeof(names) / sizeof(names[0])) && names[n])
		return names[n];
	return "extension-unknown";
}

int p1_ext_supported(long n)
{
	for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++)
		if (supported[i] == n)
			return 1;
	return 0;
}

static void oid_text(const OBJECT_IDENTIFIER_t *o, char *buf, size_t size)
{
	unsigned long arcs[24];
	int n = OBJECT_IDENTIFIER_get_arcs(o, arcs, sizeof(arcs[0]), 24);
	size_t len = 0;

	buf[0] = 0;
	if (n < 0 || n > 24) {
		snprintf(buf, size, "?");
		return;
	}
	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%lu",
					i ? "." : "", arcs[i]);
}

const char *p1_edition_name(enum p1_edition e)
{
	return e == P1_EDITION_1992 ? "1992" : "1988";
}

int p1_edition_parse(const char *s, enum p1_edition *e)
{
	static const char *const later[] = { "1992", "1993", "1996", "1999",
					      "2003" };

	if (strcmp(s, "1988") == 0) {
		*e = P1_EDITION_1988;
		return 0;
	}
	for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++)
		if (strcmp(s, later[i]) == 0) {
			*e = P1_EDITION_1992;
			return 0;
		}
	return -1;
}

/* p1_ext_classify - read the type in either form (asn1/p1.asn1 head) */
int p1_ext_classify(const ExtensionField_t *f, struct p1_ext_info *info)
{
	const ANY_t *t = &f->type;

	memset(info, 0, sizeof(*info));
	info->kind = P1_EXT_BAD;
	info->name = "undecodable";
	if (f->criticality) {
		for (int b = 0; b < 3; b++)
			if (p1_bit_get(f->criticality, b))
				info->crit |= 1u << b;
	}
	if (t->buf && t->size > 0 && t->buf[0] == 0xa0) {
		ExtensionTypeExplicit_t *x =
		    p1_any_get(t, &asn_DEF_ExtensionTypeExplicit);

		if (x == NULL)
			return -1;
		info->form = P1_EXTF_EXPLICIT;
		if (x->present == ExtensionTypeExplicit_PR_standard_extension) {
			info->kind = P1_EXT_STANDARD;
			info->number = x->choice.standard_extension;
		} else {
			info->kind = P1_EXT_PRIVATE;
			oid_text(&x->choice.private_extension, info->oid,
				 sizeof(info->oid));
		}
		ASN_STRUCT_FREE(asn_DEF_ExtensionTypeExplicit, x);
	} else {
		ExtensionType_t *x = p1_any_get(t, &asn_DEF_ExtensionType);

		if (x == NULL)
			return -1;
		info->form = P1_EXTF_IMPLICIT;
		if (x->present == ExtensionType_PR_standard_extension) {
			info->kind = P1_EXT_STANDARD;
			info->number = x->choice.standard_extension;
		} else {
			info->kind = P1_EXT_PRIVATE;
			oid_text(&x->choice.private_extension, info->oid,
				 sizeof(info->oid));
		}
		ASN_STRUCT_FREE(asn_DEF_ExtensionType, x);
	}
	if (info->kind == P1_EXT_STANDARD) {
		info->name = p1_ext_name(info->number);
		info->supported = p1_ext_supported(info->number);
	} else {
		info->name = "private";
	}
	return 0;
}

int p1_ext_count(const void *list)
{
	const struct ext_list *l = list;

	return l ? l->list.count : 0;
}

ExtensionField_t *p1_ext_at(const void *list, int i)
{
	const struct ext_list *l = list;

	if (!l || i < 0 || i >= l->list.count)
		panic("p1_ext_at: index %d", i);
	return l->list.array[i];
}

ExtensionField_t *p1_ext_find(const void *list, long number)
{
	struct p1_ext_info info;

	for (int i = 0; i < p1_ext_count(list); i++) {
		ExtensionField_t *f = p1_ext_at(list, i);

		if (p1_ext_classify(f, &info) == 0 &&
		    info.kind == P1_EXT_STANDARD && info.number == number)
			return f;
	}
	return NULL;
}

/* X.411 9.1: refuse what is critical for this stage and unsupported */
int p1_ext_check(const void *list, unsigned stage, struct p1_ext_info *bad)
{
	struct p1_ext_info info;

	for (int i = 0; i < p1_ext_count(list); i++) {
		p1_ext_classify(p1_ext_at(list, i), &info);
		if ((info.crit & stage) && !info.supported) {
			if (bad)
				*bad = info;
			return 1;
		}
	}
	return 0;
}

/* p1_ext_lists - every extension list of an APDU: the object's own
 *	(recipient -1: the envelope, or a report's envelope and content),
 *	then each recipient's (recipient i); lists may be NULL */
void p1_ext_lists(const MTS_APDU_t *apdu, p1_ext_list_fn fn, void *arg)
{
	int n;

	switch (apdu->present) {
	case MTS_APDU_PR_message: {
		const MessageTransferEnvelope_t *e =
		    &apdu->choice.message.envelope;

		fn(e->extensions, -1, arg);
		n = e->per_recipient_fields.list.count;
		for (int i = 0; i < n; i++)
			fn(e->per_recipient_fields.list.array[i]->extensions,
			   i, arg);
		return;
	}
	case MTS_APDU_PR_probe: {
		const Probe_t *p = &apdu->choice.probe;

		fn(p->extensions, -1, arg);
		n = p->per_recipient_fields.list.count;
		for (int i = 0; i < n; i++)
			fn(p->per_recipient_fields.list.array[i]->extensions,
			   i, arg);
		return;
	}
	case MTS_APDU_PR_report: {
		const Report_t *r = &apdu->choice.report;

		fn(r->envelope.extensions, -1, arg);
		fn(r->content.extensions, -1, arg);
		n = r->content.per_recipient_fields.list.count;
		for (int i = 0; i < n; i++)
			fn(r->content.per_recipient_fields.list.array[i]->
			   extensions, i, arg);
		return;
	}
	default:
		panic("p1_ext_lists: empty MTS-APDU");
	}
}

struct check_walk {
	unsigned	stage;
	int		all, some;
	struct p1_ext_info first;
	int		*bad;
	int		nbad;
};

static void check_one(void *list, int recipient, void *arg)
{
	struct check_walk *w = arg;
	struct p1_ext_info one;

	if (w->all || !list || !p1_ext_check(list, w->stage, &one))
		return;
	if (recipient < 0) {
		w->all = 1;
		w->first = one;
		return;
	}
	if (!w->some)
		w->first = one;
	w->some = 1;
	if (recipient < w->nbad)
		w->bad[recipient] = 1;
}

enum p1_ext_verdict p1_ext_check_apdu(const MTS_APDU_t *apdu, unsigned stage,
				      struct p1_ext_info *info, int *bad,
				      int nbad)
{
	struct check_walk w;

	memset(&w, 0, sizeof(w));
	w.stage = stage;
	w.bad = bad;
	w.nbad = nbad;
	for (int i = 0; i < nbad; i++)
		bad[i] = 0;
	p1_ext_lists(apdu, check_one, &w);
	if (w.all)
		for (int i = 0; i < nbad; i++)
			bad[i] = 1;
	if ((w.all || w.some) && info)
		*info = w.first;
	return w.all ? P1_EXT_ALL : w.some ? P1_EXT_SOME : P1_EXT_OK;
}

/* type_write - an extension type in form: the private OID if oid is
 *	set, else standard extension n; 0 or -1 */
static int type_write(ANY_t *t, enum p1_ext_form form, long n,
		      const OBJECT_IDENTIFIER_t *oid)
{
	if (form == P1_EXTF_EXPLICIT) {
		ExtensionTypeExplicit_t y = { 0 };

		if (oid) {
			y.present = ExtensionTypeExplicit_PR_private_extension;
			y.choice.private_extension = *oid;	/* shallow */
		} else {
			y.present = ExtensionTypeExplicit_PR_standard_extension;
			y.choice.standard_extension = n;
		}
		return p1_any_set(t, &asn_DEF_ExtensionTypeExplicit, &y);
	} else {
		ExtensionType_t y = { 0 };

		if (oid) {
			y.present = ExtensionType_PR_private_extension;
			y.choice.private_extension = *oid;	/* shallow */
		} else {
			y.present = ExtensionType_PR_standard_extension;
			y.choice.standard_extension = n;
		}
		return p1_any_set(t, &asn_DEF_ExtensionType, &y);
	}
}

/* set_type_form - write one field's type in form; 1 if rewritten, 0 if
 *	it already was, -1 if its type is unreadable (left alone) */
static int set_type_form(ExtensionField_t *f, enum p1_ext_form form)
{
	struct p1_ext_info info;
	ANY_t t = { 0 };
	asn_TYPE_descriptor_t *td;
	const OBJECT_IDENTIFIER_t *oid = NULL;
	void *x;
	int rc;

	if (p1_ext_classify(f, &info) != 0)
		return -1;
	if (info.form == form)
		return 0;
	td = info.form == P1_EXTF_EXPLICIT ? &asn_DEF_ExtensionTypeExplicit :
	    &asn_DEF_ExtensionType;
	if ((x = p1_any_get(&f->type, td)) == NULL)
		return -1;
	if (info.kind == P1_EXT_PRIVATE)
		oid = info.form == P1_EXTF_EXPLICIT ?
		    &((ExtensionTypeExplicit_t *)x)->choice.private_extension :
		    &((ExtensionType_t *)x)->choice.private_extension;
	rc = type_write(&t, form, info.number, oid);
	ASN_STRUCT_FREE(*td, x);
	if (rc != 0)
		return -1;
	/* the old type with its decoder's leftovers (a constructed ANY
	 * keeps a stack in its context) */
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_ANY, &f->type);
	f->type = t;
	return 1;
}

struct form_walk {
	enum p1_ext_form form;
	int		changed;
};

static void form_one(void *list, int recipient, void *arg)
{
	struct form_walk *w = arg;

	(void)recipient;
	for (int i = 0; i < p1_ext_count(list); i++)
		if (set_type_form(p1_ext_at(list, i), w->form) == 1)
			w->changed++;
}

int p1_ext_set_form(MTS_APDU_t *apdu, enum p1_ext_form form)
{
	struct form_walk w = { form, 0 };

	p1_ext_lists(apdu, form_one, &w);
	return w.changed;
}

enum p1_ext_form p1_ext_form_of(const void *list)
{
	struct p1_ext_info info;

	for (int i = 0; i < p1_ext_count(list); i++)
		if (p1_ext_classify(p1_ext_at(list, i), &info) == 0)
			return info.form;
	return P1_EXTF_IMPLICIT;
}

ExtensionField_t *p1_ext_add(void **listp, long number, unsigned crit,
			     asn_TYPE_descriptor_t *td, const void *value,
			     enum p1_ext_form form)
{
	ExtensionField_t *f = XNEW(ExtensionField_t);
	int rc;

	rc = type_write(&f->type, form, number, NULL);
	if (rc == 0 && crit) {
		f->criticality = XNEW(Criticality_t);
		p1_bits_init(f->criticality, 3);
		for (int b = 0; b < 3; b++)
			if (crit & (1u << b))
				p1_bit_set(f->criticality, b, 1);
	}
	if (rc == 0 && td) {
		f->value = XNEW(ANY_t);
		rc = p1_any_set(f->value, td, value);
	}
	if (rc != 0) {
		ASN_STRUCT_FREE(asn_DEF_ExtensionField, f);
		return NULL;
	}
	if (*listp == NULL)
		*listp = XNEW(struct ext_list);
	p1_list_add(&((struct ext_list *)*listp)->list, f);
	return f;
}

int p1_ext_remove(void *list, long number)
{
	struct ext_list *l = list;
	struct p1_ext_info info;
	int removed = 0;

	for (int i = 0; l && i < l->list.count;) {
		ExtensionField_t *f = l->list.array[i];

		if (p1_ext_classify(f, &info) == 0 &&
		    info.kind == P1_EXT_STANDARD && info.number == number) {
			p1_list_take(&l->list, i);
			ASN_STRUCT_FREE(asn_DEF_ExtensionField, f);
			removed++;
		} else {
			i++;
		}
	}
	return removed;
}
