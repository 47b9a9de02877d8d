/*
 * p1_report.c - build reports on messages and probes; read reports
 *
 * See p1_report.h. X.411 8.3.1.2.1 (report content), 12.2.1.3.1
 * (report transfer envelope and content), 12.2.1.2 (probes).
 */
#include <stdlib.h>
#include <string.h>

#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_ext.h"
#include "p1_id.h"
#include "p1_report.h"
#include "xalloc.h"

int p1_report_wanted(const struct p1_recip *r, int delivered)
{
	enum p1_report_level lvl = r->mta_req > r->orig_req ? r->mta_req :
							       r->orig_req;

	if (delivered)
		return lvl >= P1_REP_ALL;
	return lvl != P1_REP_NONE;
}

/* supplementary - a PrintableString of at most 256 characters: other
 *	characters become '?' */
static OCTET_STRING_t *supplementary(const char *text)
{
	char buf[257];
	size_t n = 0;

	for (; text[n] && n < 256; n++)
		buf[n] = p1_printable_ok(&text[n], 1) ? text[n] : '?';
	buf[n] = 0;
	return n ? p1_str_new(buf) : NULL;
}

static void *copy_or_die(asn_TYPE_descriptor_t *td, const void *v)
{
	void *c = p1_copy(td, v);

	if (c == NULL)
		panic("p1_report: a %s of the subject does not encode",
		      td->name);
	return c;
}

/* fill_copy - copy a value into an embedded structure */
static void fill_copy(asn_TYPE_descriptor_t *td, void *dst, const void *src,
		      size_t size)
{
	void *c = copy_or_die(td, src);

	memcpy(dst, c, size);
	free(c);
}

int p1_report_build(const MTS_APDU_t *subject, const struct p1_outcome *o,
		    int n, const struct p1_report_params *p,
		    MTS_APDU_t **report)
{
	MTS_APDU_t *r;
	ReportTransferEnvelope_t *e;
	ReportTransferContent_t *c;
	const EncodedInformationTypes_t *eit = NULL;
	const ContentIdentifier_t *cid = NULL;
	int nrecip, kept = 0, audited = 0, ndr = 0;
	struct p1_recip rc;

	*report = NULL;
	if (p1_env_kind(subject) == P1_REPORT)
		return P1_REPORT_E_SUBJECT;
	nrecip = p1_env_recipient_count(subject);
	for (int i = 0; i < n; i++) {
		if (o[i].index < 0 || o[i].index >= nrecip)
			return P1_REPORT_E_INDEX;
		p1_env_recipient(subject, o[i].index, &rc);
		if (p1_report_wanted(&rc, o[i].delivered)) {
			kept++;
			audited |= rc.mta_req == P1_REP_AUDITED;
			ndr |= !o[i].delivered;
		}
	}
	if (kept == 0)
		return 0;

	r = XNEW(MTS_APDU_t);
	r->present = MTS_APDU_PR_report;
	e = &r->choice.report.envelope;
	c = &r->choice.report.content;
	/* 12.2.1.3.1: envelope */
	p1_mtsid_fill(&e->report_identifier, p->here->gdi, p->here->mta,
		      p->now, p->seq);
	fill_copy(&asn_DEF_ORName, &e->report_destination_name,
		  p1_env_originator(subject), sizeof(ORName_t));
	/* content */
	fill_copy(&asn_DEF_MTSIdentifier, &c->subject_identifier,
		  p1_env_id(subject), sizeof(MTSIdentifier_t));
	if (audited && p1_env_trace_c(subject)->list.count)
		c->subject_intermediate_trace_information =
		    copy_or_die(&asn_DEF_TraceInformation,
				p1_env_trace_c(subject));
	if (p1_env_kind(subject) == P1_MESSAGE) {
		eit = subject->choice.message.envelope
			  .original_encoded_information_types;
		cid = subject->choice.message.envelope.content_identifier;
	} else {
		eit = subject->choice.probe.original_encoded_information_types;
		cid = subject->choice.probe.content_identifier;
	}
	if (eit)
		c->original_encoded_information_types =
		    copy_or_die(&asn_DEF_EncodedInformationTypes, eit);
	c->content_type = copy_or_die(&asn_DEF_ContentType,
				      p1_env_content_type(subject));
	if (cid)
		c->content_identifier = copy_or_die(&asn_DEF_ContentIdentifier,
						    cid);
	if (ndr && p1_env_kind(subject) == P1_MESSAGE &&
	    p1_env_pmi(subject, PerMessageIndicators_content_return_request))
		c->returned_content = copy_or_die(&asn_DEF_Content,
				&subject->choice.message.content);
	{
		ExtensionField_t *cc = p1_ext_find(p1_env_extensions_c(subject),
				StandardExtension_content_correlator);

		if (cc) {
			c->extensions = XNEW(struct ReportTransferContent__extensions);
			p1_list_add(&c->extensions->list,
				    copy_or_die(&asn_DEF_ExtensionField, cc));
		}
	}
	/* per recipient */
	for (int i = 0; i < n; i++) {
		PerRecipientReportTransferFields_t *f;
		LastTraceInformation_t *lt;

		p1_env_recipient(subject, o[i].index, &rc);
		if (!p1_report_wanted(&rc, o[i].delivered))
			continue;
		f = XNEW(PerRecipientReportTransferFields_t);
		fill_copy(&asn_DEF_ORName, &f->actual_recipient_name, rc.name,
			  sizeof(ORName_t));
		f->originally_specified_recipient_number = rc.number;
		fill_copy(&asn_DEF_PerRecipientIndicators,
			  &f->per_recipient_indicators, rc.indicators,
			  sizeof(PerRecipientIndicators_t));
		lt = &f->last_trace_information;
		p1_time_set(&lt->arrival_time, o[i].arrival);
		if (o[i].delivered) {
			DeliveryReport_t *d;

			lt->report_type.present = ReportType_PR_delivery;
			d = &lt->report_type.choice.delivery;
			p1_time_set(&d->message_delivery_time, o[i].when);
			/* written even when public, its default (BER
			 * allows it): PP's 1988 code reads the field
			 * without checking that it is there, and dies */
			d->type_of_MTS_user = XNEW(TypeOfMTSUser_t);
			*d->type_of_MTS_user = o[i].type_of_user > 0 ?
			    o[i].type_of_user : 0;
		} else {
			NonDeliveryReport_t *d;

			lt->report_type.present = ReportType_PR_non_delivery;
			d = &lt->report_type.choice.non_delivery;
			d->non_delivery_reason_code = o[i].reason;
			if (o[i].diagnostic >= 0) {
				d->non_delivery_diagnostic_code =
				    XNEW(NonDeliveryDiagnosticCode_t);
				*d->non_delivery_diagnostic_code =
				    o[i].diagnostic;
			}
		}
		if (o[i].supplementary)
			f->supplementary_information =
			    supplementary(o[i].supplementary);
		p1_list_add(&c->per_recipient_fields.list, f);
	}
	/* trace: our domain first, equal to the report identifier's */
	if (p1_trace_originate(r, p->here, p->now) != 0)
		panic("p1_report_build: a new trace is full");
	*report = r;
	return 1;
}

int p1_probe_answer(const MTS_APDU_t *probe, p1_probe_judge_fn *judge,
		    void *arg, const struct p1_report_params *p,
		    MTS_APDU_t **report)
{
	int n = p1_env_recipient_count(probe), k = 0, rc;
	struct p1_outcome *o = xcalloc((size_t)n + 1, sizeof(*o));
	long len = p1_env_content_length(probe);

	*report = NULL;
	if (p1_env_kind(probe) != P1_PROBE) {
		free(o);
		return P1_REPORT_E_SUBJECT;
	}
	for (int i = 0; i < n; i++) {
		struct p1_recip r;

		p1_env_recipient(probe, i, &r);
		if (!r.responsible)
			continue;
		o[k].index = i;
		o[k].arrival = p->now;
		o[k].when = p->now;
		o[k].type_of_user = -1;
		o[k].diagnostic = -1;
		judge(&r, len, arg, &o[k]);
		o[k].index = i;		/* the judge cannot change it */
		k++;
	}
	rc = p1_report_build(probe, o, k, p, report);
	free(o);
	return rc;
}

int p1_report_parse(const MTS_APDU_t *report, struct p1_report_entry **out,
		    int *count)
{
	int n;
	struct p1_report_entry *en;

	*out = NULL;
	*count = 0;
	if (p1_env_kind(report) != P1_REPORT)
		return -1;
	n = p1_env_recipient_count(report);
	en = xcalloc((size_t)n + 1, sizeof(*en));
	for (int i = 0; i < n; i++) {
		const PerRecipientReportTransferFields_t *f =
		    report->choice.report.content.per_recipient_fields.list
			.array[i];
		const LastTraceInformation_t *lt = &f->last_trace_information;
		struct p1_recip r;

		p1_env_recipient(report, i, &r);
		en[i].actual = r.name;
		en[i].number = r.number;
		en[i].orig_req = r.orig_req;
		en[i].type_of_user = -1;
		en[i].reason = en[i].diagnostic = -1;
		if (p1_time_get(&lt->arrival_time, &en[i].arrival) != 0)
			goto bad;
		if (lt->report_type.present == ReportType_PR_delivery) {
			const DeliveryReport_t *d =
			    &lt->report_type.choice.delivery;

			en[i].delivered = 1;
			if (p1_time_get(&d->message_delivery_time,
					&en[i].when) != 0)
				goto bad;
			if (d->type_of_MTS_user &&	/* public: -1 */
			    *d->type_of_MTS_user != TypeOfMTSUser_public)
				en[i].type_of_user = *d->type_of_MTS_user;
		} else if (lt->report_type.present ==
			   ReportType_PR_non_delivery) {
			const NonDeliveryReport_t *d =
			    &lt->report_type.choice.non_delivery;

			en[i].reason = d->non_delivery_reason_code;
			if (d->non_delivery_diagnostic_code)
				en[i].diagnostic =
				    *d->non_delivery_diagnostic_code;
		} else {
			goto bad;
		}
		if (f->supplementary_information) {
			size_t m = (size_t)f->supplementary_information->size;

			if (m > 256)
				m = 256;
			memcpy(en[i].supplementary,
			       f->supplementary_information->buf, m);
			en[i].supplementary[m] = 0;
		}
		en[i].for_originator = en[i].delivered ?
				       r.orig_req >= P1_REP_ALL :
				       r.orig_req != P1_REP_NONE;
	}
	*out = en;
	*count = n;
	return 0;
bad:
	free(en);
	return -1;
}
