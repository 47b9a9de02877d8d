/*
 * p1_env.c - read the envelope of a decoded MTS-APDU
 *
 * See p1_env.h. X.411 12.2.1.1.1 (message), 12.2.1.2.1 (probe),
 * 12.2.1.3.1 (report).
 */
#include <stdlib.h>

#include "LatestDeliveryTime.h"
#include "p1_asn.h"
#include "p1_env.h"
#include "p1_ext.h"
#include "xalloc.h"

enum p1_kind p1_env_kind(const MTS_APDU_t *apdu)
{
	switch (apdu->present) {
	case MTS_APDU_PR_message:
	case MTS_APDU_PR_probe:
	case MTS_APDU_PR_report:
		return (enum p1_kind)apdu->present;
	default:
		panic("p1_env_kind: empty MTS-APDU");
	}
}

const char *p1_env_kind_name(const MTS_APDU_t *apdu)
{
	switch (p1_env_kind(apdu)) {
	case P1_MESSAGE:
		return "message";
	case P1_PROBE:
		return "probe";
	case P1_REPORT:
		break;
	}
	return "report";
}

const MTSIdentifier_t *p1_env_id(const MTS_APDU_t *apdu)
{
	switch (p1_env_kind(apdu)) {
	case P1_MESSAGE:
		return &apdu->choice.message.envelope.message_identifier;
	case P1_PROBE:
		return &apdu->choice.probe.probe_identifier;
	case P1_REPORT:
		break;
	}
	return &apdu->choice.report.envelope.report_identifier;
}

const ORName_t *p1_env_originator(const MTS_APDU_t *apdu)
{
	switch (p1_env_kind(apdu)) {
	case P1_MESSAGE:
		return &apdu->choice.message.envelope.originator_name;
	case P1_PROBE:
		return &apdu->choice.probe.originator_name;
	case P1_REPORT:
		break;
	}
	return NULL;
}

const ORName_t *p1_env_report_destination(const MTS_APDU_t *apdu)
{
	if (p1_env_kind(apdu) != P1_REPORT)
		return NULL;
	return &apdu->choice.report.envelope.report_destination_name;
}

const MTSIdentifier_t *p1_env_subject_id(const MTS_APDU_t *apdu)
{
	if (p1_env_kind(apdu) != P1_REPORT)
		return NULL;
	return &apdu->choice.report.content.subject_identifier;
}

const ContentType_t *p1_env_content_type(const MTS_APDU_t *apdu)
{
	switch (p1_env_kind(apdu)) {
	case P1_MESSAGE:
		return &apdu->choice.message.envelope.content_type;
	case P1_PROBE:
		return &apdu->choice.probe.content_type;
	case P1_REPORT:
		break;
	}
	return apdu->choice.report.content.content_type;
}

long p1_env_builtin_content_type(const MTS_APDU_t *apdu)
{
	const ContentType_t *ct = p1_env_content_type(apdu);

	if (ct && ct->present == ContentType_PR_built_in)
		return ct->choice.built_in;
	return -1;
}

/* X.411 12.2.1.1.1: priority DEFAULT normal; only messages have one */
long p1_env_priority(const MTS_APDU_t *apdu)
{
	if (p1_env_kind(apdu) == P1_MESSAGE &&
	    apdu->choice.message.envelope.priority)
		return *apdu->choice.message.envelope.priority;
	return Priority_normal;
}

int p1_env_pmi(const MTS_APDU_t *apdu, int bit)
{
	switch (p1_env_kind(apdu)) {
	case P1_MESSAGE:
		return p1_bit_get(apdu->choice.message.envelope
					  .per_message_indicators, bit);
	case P1_PROBE:
		return p1_bit_get(apdu->choice.probe.per_message_indicators,
				  bit);
	case P1_REPORT:
		break;
	}
	return 0;
}

int p1_env_deferred_time(const MTS_APDU_t *apdu, time_t *t)
{
	const UTCTime_t *d;

	if (p1_env_kind(apdu) != P1_MESSAGE)
		return 0;
	d = apdu->choice.message.envelope.deferred_delivery_time;
	if (d == NULL)
		return 0;
	return p1_time_get(d, t) == 0 ? 1 : -1;
}

int p1_env_latest_delivery_time(const MTS_APDU_t *apdu, time_t *t,
				unsigned *crit)
{
	ExtensionField_t *f;
	struct p1_ext_info info;
	LatestDeliveryTime_t *ldt;
	int rc;

	if (p1_env_kind(apdu) != P1_MESSAGE)
		return 0;
	f = p1_ext_find(apdu->choice.message.envelope.extensions,
			StandardExtension_latest_delivery_time);
	if (f == NULL)
		return 0;
	p1_ext_classify(f, &info);
	if (crit)
		*crit = info.crit;
	ldt = p1_any_get(f->value, &asn_DEF_LatestDeliveryTime);
	if (ldt == NULL)
		return -1;
	rc = p1_time_get(ldt, t) == 0 ? 1 : -1;
	ASN_STRUCT_FREE(asn_DEF_LatestDeliveryTime, ldt);
	return rc;
}

int p1_env_recipient_count(const MTS_APDU_t *apdu)
{
	switch (p1_env_kind(apdu)) {
	case P1_MESSAGE:
		return apdu->choice.message.envelope.per_recipient_fields.list
		    .count;
	case P1_PROBE:
		return apdu->choice.probe.per_recipient_fields.list.count;
	case P1_REPORT:
		break;
	}
	return apdu->choice.report.content.per_recipient_fields.list.count;
}

/* level - two request bits to a level: (report, non-delivery) */
static enum p1_report_level level(int report, int ndr)
{
	if (report && ndr)
		return P1_REP_AUDITED;
	if (report)
		return P1_REP_ALL;
	return ndr ? P1_REP_NDR : P1_REP_NONE;
}

void p1_recip_decode(const PerRecipientIndicators_t *pri, struct p1_recip *r)
{
	r->indicators = pri;
	r->responsible = p1_bit_get(pri,
				    PerRecipientIndicators_responsibility);
	r->mta_req = level(p1_bit_get(pri,
			PerRecipientIndicators_originating_MTA_report),
			   p1_bit_get(pri,
			PerRecipientIndicators_originating_MTA_non_delivery_report));
	r->orig_req = level(p1_bit_get(pri,
			PerRecipientIndicators_originator_report),
			    p1_bit_get(pri,
			PerRecipientIndicators_originator_non_delivery_report));
	if (r->orig_req == P1_REP_AUDITED)	/* both set: a peer's error */
		r->orig_req = P1_REP_ALL;
}

void p1_env_recipient(const MTS_APDU_t *apdu, int i, struct p1_recip *r)
{
	if (i < 0 || i >= p1_env_recipient_count(apdu))
		panic("p1_env_recipient: index %d", i);
	r->explicit_conversion = -1;
	switch (p1_env_kind(apdu)) {
	case P1_MESSAGE: {
		const PerRecipientMessageTransferFields_t *f =
		    apdu->choice.message.envelope.per_recipient_fields.list
			.array[i];

		r->name = &f->recipient_name;
		r->number = f->originally_specified_recipient_number;
		p1_recip_decode(&f->per_recipient_indicators, r);
		if (f->explicit_conversion)
			r->explicit_conversion = *f->explicit_conversion;
		r->extensions = f->extensions;
		return;
	}
	case P1_PROBE: {
		const PerRecipientProbeTransferFields_t *f =
		    apdu->choice.probe.per_recipient_fields.list.array[i];

		r->name = &f->recipient_name;
		r->number = f->originally_specified_recipient_number;
		p1_recip_decode(&f->per_recipient_indicators, r);
		if (f->explicit_conversion)
			r->explicit_conversion = *f->explicit_conversion;
		r->extensions = f->extensions;
		return;
	}
	case P1_REPORT:
		break;
	}
	{
		const PerRecipientReportTransferFields_t *f =
		    apdu->choice.report.content.per_recipient_fields.list
			.array[i];

		r->name = &f->actual_recipient_name;
		r->number = f->originally_specified_recipient_number;
		p1_recip_decode(&f->per_recipient_indicators, r);
		r->responsible = 0;	/* "don't care" in a report */
		r->extensions = f->extensions;
	}
}

long p1_env_content_length(const MTS_APDU_t *apdu)
{
	switch (p1_env_kind(apdu)) {
	case P1_MESSAGE:
		return apdu->choice.message.content.size;
	case P1_PROBE:
		return apdu->choice.probe.content_length ?
		       *apdu->choice.probe.content_length : -1;
	case P1_REPORT:
		break;
	}
	return apdu->choice.report.content.returned_content ?
	       apdu->choice.report.content.returned_content->size : 0;
}

TraceInformation_t *p1_env_trace(MTS_APDU_t *apdu)
{
	switch (p1_env_kind(apdu)) {
	case P1_MESSAGE:
		return &apdu->choice.message.envelope.trace_information;
	case P1_PROBE:
		return &apdu->choice.probe.trace_information;
	case P1_REPORT:
		break;
	}
	return &apdu->choice.report.envelope.trace_information;
}

const TraceInformation_t *p1_env_trace_c(const MTS_APDU_t *apdu)
{
	return p1_env_trace((MTS_APDU_t *)apdu);
}

void **p1_env_extensions(MTS_APDU_t *apdu)
{
	switch (p1_env_kind(apdu)) {
	case P1_MESSAGE:
		return (void **)&apdu->choice.message.envelope.extensions;
	case P1_PROBE:
		return (void **)&apdu->choice.probe.extensions;
	case P1_REPORT:
		break;
	}
	return (void **)&apdu->choice.report.envelope.extensions;
}

const void *p1_env_extensions_c(const MTS_APDU_t *apdu)
{
	return *p1_env_extensions((MTS_APDU_t *)apdu);
}
