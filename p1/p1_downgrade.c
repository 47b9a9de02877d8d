/*
 * p1_downgrade.c - make a 1988 MTS-APDU fit for an X.410-1984 peer
 *
 * See p1_downgrade.h for the table. X.419 Annex B; RFC 1328 (1988 to
 * 1984 downgrading) 3.2 for the common name.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CommonName.h"
#include "p1_asn.h"
#include "p1_downgrade.h"
#include "p1_env.h"
#include "p1_ext.h"
#include "xalloc.h"

static void why(struct p1_downgrade *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* why - keep the first reason */
static void why(struct p1_downgrade *d, const char *fmt, ...)
{
	va_list ap;

	if (d->why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
}

/* exts - drop a list's extensions unless one is critical for transfer
 *	or delivery: 0, or -1 (refuse) */
static int exts(void **listp, struct p1_downgrade *d, const char *where)
{
	struct p1_ext_info info;
	void *l = *listp;

	if (l == NULL)
		return 0;
	for (int i = 0; i < p1_ext_count(l); i++) {
		p1_ext_classify(p1_ext_at(l, i), &info);
		if (info.crit & (P1_CRIT_TRANSFER | P1_CRIT_DELIVERY)) {
			why(d, "%s extension %s is critical", where,
			    info.kind == P1_EXT_PRIVATE ? info.oid : info.name);
			return -1;
		}
	}
	if (p1_ext_count(l))
		d->changes |= P1_DG_EXT_DROPPED;
	{
		/* every list type is a SET OF ExtensionField: free by hand */
		struct {
			A_SET_OF(ExtensionField_t) list;
			asn_struct_ctx_t ctx;
		} *sl = l;

		for (int i = 0; i < sl->list.count; i++)
			ASN_STRUCT_FREE(asn_DEF_ExtensionField,
					sl->list.array[i]);
		free(sl->list.array);
		free(sl);
	}
	*listp = NULL;
	return 0;
}

/* orname - downgrade an O/R name in place: 0, or -1 (refuse) */
static int orname(ORName_t *n, struct p1_downgrade *d, const char *what)
{
	ExtensionAttributes_t *ea = n->extension_attributes;
	char *cn = NULL;

	if (n->directory_name) {
		ASN_STRUCT_FREE(asn_DEF_Name, n->directory_name);
		n->directory_name = NULL;
		d->changes |= P1_DG_DN_DROPPED;
	}
	if (ea == NULL)
		return 0;
	for (int i = 0; i < ea->list.count; i++) {
		ExtensionAttribute_t *a = ea->list.array[i];
		CommonName_t *c;

		if (a->extension_attribute_type != 1 || cn) {
			why(d, "%s has extension attribute %ld, which 1984 "
			    "lacks", what, a->extension_attribute_type);
			free(cn);
			return -1;
		}
		c = p1_any_get(&a->extension_attribute_value,
			       &asn_DEF_CommonName);
		if (c == NULL) {
			why(d, "%s has a malformed common name", what);
			return -1;
		}
		cn = p1_str_dup(c);
		ASN_STRUCT_FREE(asn_DEF_CommonName, c);
	}
	if (cn) {
		BuiltInDomainDefinedAttributes_t *dda =
		    n->built_in_domain_defined_attributes;
		BuiltInDomainDefinedAttribute_t *a;

		if (dda && dda->list.count >= 4) {
			why(d, "%s: no room for the common name as a "
			    "domain-defined attribute", what);
			free(cn);
			return -1;
		}
		if (dda == NULL)
			dda = n->built_in_domain_defined_attributes =
			    XNEW(BuiltInDomainDefinedAttributes_t);
		a = XNEW(BuiltInDomainDefinedAttribute_t);
		p1_str_set(&a->type, "Common");
		p1_str_set(&a->value, cn);
		p1_list_add(&dda->list, a);
		free(cn);
		d->changes |= P1_DG_CN_TO_DDA;
	}
	ASN_STRUCT_FREE(asn_DEF_ExtensionAttributes, ea);
	n->extension_attributes = NULL;
	return 0;
}

/* eit - original EITs: required in 1984, without the extended ones */
static void eit(EncodedInformationTypes_t **ep, struct p1_downgrade *d)
{
	if (*ep == NULL) {
		*ep = XNEW(EncodedInformationTypes_t);
		p1_bits_init(&(*ep)->built_in_encoded_information_types, 1);
		p1_bit_set(&(*ep)->built_in_encoded_information_types,
			   BuiltInEncodedInformationTypes_unknown, 1);
		d->changes |= P1_DG_EIT_ADDED;
	}
	if ((*ep)->extended_encoded_information_types) {
		ASN_STRUCT_FREE(asn_DEF_ExtendedEncodedInformationTypes,
				(*ep)->extended_encoded_information_types);
		(*ep)->extended_encoded_information_types = NULL;
		d->changes |= P1_DG_EIT_TRIMMED;
	}
}

/* pmi - keep bits 0 to 3 (1984's per-message flags) */
static void pmi(PerMessageIndicators_t *p, struct p1_downgrade *d)
{
	if (p == NULL)
		return;
	for (int b = 4; b < p->size * 8; b++)
		if (p1_bit_get(p, b)) {
			p1_bit_set(p, b, 0);
			d->changes |= P1_DG_PMI_TRIMMED;
		}
}

static void trace(TraceInformation_t *t, struct p1_downgrade *d)
{
	for (int i = 0; i < t->list.count; i++) {
		DomainSuppliedInformation_t *s =
		    &t->list.array[i]->domain_supplied_information;

		if (s->other_actions) {
			ASN_STRUCT_FREE(asn_DEF_OtherActions, s->other_actions);
			s->other_actions = NULL;
			d->changes |= P1_DG_TRACE_TRIMMED;
		}
	}
}

/* pdbi - drop bilateral information for private domains */
static void pdbi(struct MessageTransferEnvelope__per_domain_bilateral_information
			 **pp, struct p1_downgrade *d)
{
	struct MessageTransferEnvelope__per_domain_bilateral_information *p =
	    *pp;

	if (p == NULL)
		return;
	for (int i = 0; i < p->list.count;) {
		PerDomainBilateralInformation_t *e = p->list.array[i];

		if (e->domain.present ==
		    PerDomainBilateralInformation__domain_PR_private_domain) {
			p1_list_take(&p->list, i);
			ASN_STRUCT_FREE(asn_DEF_PerDomainBilateralInformation,
					e);
			d->changes |= P1_DG_PDBI_DROPPED;
		} else {
			i++;
		}
	}
	if (p->list.count == 0) {
		free(p->list.array);
		free(p);
		*pp = NULL;
	}
}

static void refuse(struct p1_downgrade *d, int index)
{
	d->refused = xrealloc(d->refused,
			      sizeof(int) * (size_t)(d->nrefused + 1));
	d->refused[d->nrefused++] = index;
}

/* drop_refused - take the recipients marked in bad[0..n) (nbad of them)
 *	out of list (items of type td), and list them in d for the
 *	caller's non-delivery report; frees bad */
static enum p1_dg_verdict drop_refused(void *list, asn_TYPE_descriptor_t *td,
				       int *bad, int n, int nbad,
				       struct p1_downgrade *d)
{
	if (nbad == n) {
		free(bad);
		return P1_DG_ALL;
	}
	for (int i = n - 1; i >= 0; i--)
		if (bad[i])
			ASN_STRUCT_FREE(*td, p1_list_take(list, i));
	for (int i = 0; i < n; i++)
		if (bad[i])
			refuse(d, i);
	free(bad);
	if (nbad)
		d->changes |= P1_DG_RECIP_REMOVED;
	return nbad ? P1_DG_SOME : P1_DG_OK;
}

/* recipient - one recipient of a message or probe: 0 or -1 (refuse) */
static int recipient(ORName_t *name, ExplicitConversion_t *ec, void **extp,
		     struct p1_downgrade *d, int i)
{
	char what[32];

	snprintf(what, sizeof(what), "recipient %d", i + 1);
	if (exts(extp, d, what))
		return -1;
	if (ec && *ec > 1) {
		why(d, "%s asks for explicit conversion %ld, which 1984 "
		    "lacks", what, *ec);
		return -1;
	}
	return orname(name, d, what);
}

static enum p1_dg_verdict message(MTS_APDU_t *apdu, struct p1_downgrade *d)
{
	MessageTransferEnvelope_t *e = &apdu->choice.message.envelope;
	int n = e->per_recipient_fields.list.count;
	int *bad = xcalloc((size_t)n + 1, sizeof(int));
	int nbad = 0;

	if (exts((void **)&e->extensions, d, "per-message") ||
	    orname(&e->originator_name, d, "the originator") ||
	    e->content_type.present != ContentType_PR_built_in) {
		why(d, "the content type is an OBJECT IDENTIFIER");
		free(bad);
		return P1_DG_ALL;
	}
	eit(&e->original_encoded_information_types, d);
	pmi(e->per_message_indicators, d);
	pdbi(&e->per_domain_bilateral_information, d);
	trace(&e->trace_information, d);
	for (int i = 0; i < n; i++) {
		PerRecipientMessageTransferFields_t *r =
		    e->per_recipient_fields.list.array[i];

		if (recipient(&r->recipient_name, r->explicit_conversion,
			      (void **)&r->extensions, d, i)) {
			bad[i] = 1;
			nbad++;
		}
	}
	return drop_refused(&e->per_recipient_fields.list,
			    &asn_DEF_PerRecipientMessageTransferFields, bad, n,
			    nbad, d);
}

static enum p1_dg_verdict probe(MTS_APDU_t *apdu, struct p1_downgrade *d)
{
	ProbeTransferEnvelope_t *e = &apdu->choice.probe;
	int n = e->per_recipient_fields.list.count;
	int *bad = xcalloc((size_t)n + 1, sizeof(int));
	int nbad = 0;

	if (exts((void **)&e->extensions, d, "per-probe") ||
	    orname(&e->originator_name, d, "the originator") ||
	    e->content_type.present != ContentType_PR_built_in) {
		why(d, "the content type is an OBJECT IDENTIFIER");
		free(bad);
		return P1_DG_ALL;
	}
	eit(&e->original_encoded_information_types, d);
	pmi(e->per_message_indicators, d);
	pdbi((struct MessageTransferEnvelope__per_domain_bilateral_information **)
		     &e->per_domain_bilateral_information, d);
	trace(&e->trace_information, d);
	for (int i = 0; i < n; i++) {
		PerRecipientProbeTransferFields_t *r =
		    e->per_recipient_fields.list.array[i];

		if (recipient(&r->recipient_name, r->explicit_conversion,
			      (void **)&r->extensions, d, i)) {
			bad[i] = 1;
			nbad++;
		}
	}
	return drop_refused(&e->per_recipient_fields.list,
			    &asn_DEF_PerRecipientProbeTransferFields, bad, n,
			    nbad, d);
}

static enum p1_dg_verdict report(MTS_APDU_t *apdu, struct p1_downgrade *d)
{
	ReportTransferEnvelope_t *e = &apdu->choice.report.envelope;
	ReportTransferContent_t *c = &apdu->choice.report.content;

	if (exts((void **)&e->extensions, d, "report envelope") ||
	    exts((void **)&c->extensions, d, "report content") ||
	    orname(&e->report_destination_name, d, "the report destination"))
		return P1_DG_ALL;
	trace(&e->trace_information, d);
	if (c->subject_intermediate_trace_information)
		trace(c->subject_intermediate_trace_information, d);
	if (c->original_encoded_information_types || c->content_type) {
		ASN_STRUCT_FREE(asn_DEF_EncodedInformationTypes,
				c->original_encoded_information_types);
		ASN_STRUCT_FREE(asn_DEF_ContentType, c->content_type);
		c->original_encoded_information_types = NULL;
		c->content_type = NULL;
		d->changes |= P1_DG_REPORT_TRIMMED;
	}
	for (int i = 0; i < c->per_recipient_fields.list.count; i++) {
		PerRecipientReportTransferFields_t *r =
		    c->per_recipient_fields.list.array[i];
		ReportType_t *rt = &r->last_trace_information.report_type;
		char what[32];

		snprintf(what, sizeof(what), "reported recipient %d", i + 1);
		if (exts((void **)&r->extensions, d, what) ||
		    orname(&r->actual_recipient_name, d, what))
			return P1_DG_ALL;
		if (r->originally_intended_recipient_name &&
		    orname(r->originally_intended_recipient_name, d, what)) {
			ASN_STRUCT_FREE(asn_DEF_ORName,
					r->originally_intended_recipient_name);
			r->originally_intended_recipient_name = NULL;
			d->changes |= P1_DG_REPORT_TRIMMED;
			d->why[0] = 0;		/* not a refusal */
		}
		if (rt->present == ReportType_PR_delivery &&
		    rt->choice.delivery.type_of_MTS_user &&
		    *rt->choice.delivery.type_of_MTS_user > 1) {
			free(rt->choice.delivery.type_of_MTS_user);
			rt->choice.delivery.type_of_MTS_user = NULL;
			d->changes |= P1_DG_CODES_MAPPED;
		}
		if (rt->present == ReportType_PR_non_delivery) {
			NonDeliveryReport_t *nd = &rt->choice.non_delivery;

			if (nd->non_delivery_reason_code > 2) {
				nd->non_delivery_reason_code = 1;
				d->changes |= P1_DG_CODES_MAPPED;
			}
			if (nd->non_delivery_diagnostic_code &&
			    *nd->non_delivery_diagnostic_code > 11) {
				free(nd->non_delivery_diagnostic_code);
				nd->non_delivery_diagnostic_code = NULL;
				d->changes |= P1_DG_CODES_MAPPED;
			}
		}
	}
	return P1_DG_OK;
}

enum p1_dg_verdict p1_downgrade(MTS_APDU_t *apdu, struct p1_downgrade *d)
{
	memset(d, 0, sizeof(*d));
	d->reason = 1;		/* NonDeliveryReasonCode unable-to-transfer */
	d->diagnostic = 47;	/* NonDeliveryDiagnosticCode unable-to-downgrade */
	switch (p1_env_kind(apdu)) {
	case P1_MESSAGE:
		return message(apdu, d);
	case P1_PROBE:
		return probe(apdu, d);
	case P1_REPORT:
		break;
	}
	return report(apdu, d);
}

void p1_downgrade_free(struct p1_downgrade *d)
{
	free(d->refused);
	d->refused = NULL;
	d->nrefused = 0;
}
