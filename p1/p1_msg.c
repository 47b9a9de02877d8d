/*
 * p1_msg.c - build a P1 message (or probe) around an interpersonal
 *	      message, as an originating MTA does
 *
 * See p1_msg.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asnx.h"
#include "codec.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_ext.h"
#include "p1_id.h"
#include "p1_msg.h"
#include "p1_trace.h"
#include "xalloc.h"

#include "InformationObject.h"
#include "LatestDeliveryTime.h"
#include "NULL.h"
#include "StandardExtension.h"
#include "MTS-APDU.h"

#define P22_CONTENT	22	/* interpersonal-messaging-1988 */
#define RCPT_BITS	8	/* PerRecipientIndicators: SIZE (8..) */

static int err(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int err(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* take_orname - parse s into an embedded ORName */
static int take_orname(ORName_t *dst, const char *s, const char *what,
		       char *why, size_t whylen)
{
	struct p1_err pe;
	ORName_t *n = NULL;

	if (s == NULL || p1_orname_parse(s, &n, &pe) != 0)
		return err(why, whylen, "%s \"%s\": %s", what, s ? s : "",
			   s ? pe.msg : "missing");
	*dst = *n;
	free(n);
	return 0;
}

/* indicators - X.411 12.2.1.1.1.x per-recipient indicators: we are
 *	responsible; the originating MTA and the originator want reports
 *	as asked (bits 1-2 and 3-4) */
static void indicators(BIT_STRING_t *b, enum p1_report_level lvl)
{
	p1_bits_init(b, RCPT_BITS);
	p1_bit_set(b, 0, 1);			/* responsibility */
	switch (lvl) {
	case P1_REP_NONE:
		p1_bit_set(b, 2, 1);		/* MTA: non-delivery only */
		break;
	case P1_REP_NDR:
		p1_bit_set(b, 2, 1);
		p1_bit_set(b, 4, 1);		/* originator: NDR */
		break;
	case P1_REP_ALL:
	case P1_REP_AUDITED:
		p1_bit_set(b, 1, 1);		/* MTA: report */
		p1_bit_set(b, 3, 1);		/* originator: report */
		break;
	}
}

/* build_ipm - the P22 content */
static int build_ipm(const struct p1_msg_spec *s, const MTSIdentifier_t *id,
		     unsigned char **der, size_t *len, char *why,
		     size_t whylen)
{
	InformationObject_t *io = XNEW(InformationObject_t);
	IPM_t *ipm = &io->choice.ipm;
	char *local = p1_str_dup(&id->local_identifier);
	char *text = NULL;
	size_t n, i, blen;
	int rc = 0;

	io->present = InformationObject_PR_ipm;
	p1_str_set(&ipm->heading.this_IPM.user_relative_identifier, local);
	free(local);
	ipm->heading.originator = XNEW(ORDescriptor_t);
	ipm->heading.originator->formal_name = XNEW(ORName_t);
	if (take_orname(ipm->heading.originator->formal_name, s->originator,
			"originator", why, whylen) != 0) {
		rc = -1;
		goto out;
	}
	ipm->heading.primary_recipients = XNEW(PrimaryRecipientsField_t);
	for (i = 0; i < s->nrecipients; i++) {
		RecipientSpecifier_t *r = XNEW(RecipientSpecifier_t);

		r->recipient.formal_name = XNEW(ORName_t);
		p1_list_add(&ipm->heading.primary_recipients->list, r);
		if (take_orname(r->recipient.formal_name, s->recipients[i],
				"recipient", why, whylen) != 0) {
			rc = -1;
			goto out;
		}
	}
	if (s->subject)
		ipm->heading.subject = p1_str_new(s->subject);
	ipm->body = XNEW(Body_t);
	{
		BodyPart_t *bp = XNEW(BodyPart_t);

		bp->present = BodyPart_PR_ia5_text;
		blen = s->body ? (s->body_len ? s->body_len :
				  strlen(s->body)) : 0;
		n = s->pad_to > blen ? s->pad_to : blen;
		text = xmalloc(n + 1);
		if (blen)
			memcpy(text, s->body, blen);
		for (i = blen; i < n; i++)	/* 72-column lines */
			text[i] = (i + 1) % 73 == 0 ? '\n' :
			    (char)('a' + i % 26);
		p1_str_setn(&bp->choice.ia5_text.data, text, n);
		p1_list_add(&ipm->body->list, bp);
	}
	if (codec_encode_alloc(&asn_DEF_InformationObject, io, der, len)) {
		rc = err(why, whylen, "the IPM does not encode: %s",
			 codec_last_detail());
	}
out:
	free(text);
	codec_free(&asn_DEF_InformationObject, io);
	return rc;
}

int p1_msg_build(const struct p1_msg_spec *s, unsigned char **der,
		 size_t *len, char *why, size_t whylen)
{
	MTS_APDU_t *a = XNEW(MTS_APDU_t);
	GlobalDomainIdentifier_t *gdi = NULL;
	MTSIdentifier_t *id;
	MTAOriginatorName_t *orig;
	ContentType_t *ct;
	TraceInformation_t *trace;
	PerMessageIndicators_t **pmi;
	struct p1_err pe;
	struct p1_here here;
	time_t now = s->now ? s->now : time(NULL);
	unsigned char *content = NULL;
	size_t clen = 0, i;
	int rc = -1;

	*der = NULL;
	if (s->nrecipients == 0) {
		err(why, whylen, "no recipient");
		goto out;
	}
	if (s->gdi == NULL || p1_gdi_parse(s->gdi, &gdi, &pe) != 0) {
		err(why, whylen, "global domain identifier \"%s\": %s",
		    s->gdi ? s->gdi : "", s->gdi ? pe.msg : "missing");
		goto out;
	}
	if (s->probe) {
		ProbeTransferEnvelope_t *e = &a->choice.probe;

		a->present = MTS_APDU_PR_probe;
		id = &e->probe_identifier;
		orig = &e->originator_name;
		ct = &e->content_type;
		trace = &e->trace_information;
		pmi = &e->per_message_indicators;
	} else {
		MessageTransferEnvelope_t *e = &a->choice.message.envelope;

		a->present = MTS_APDU_PR_message;
		id = &e->message_identifier;
		orig = &e->originator_name;
		ct = &e->content_type;
		trace = &e->trace_information;
		pmi = &e->per_message_indicators;
		if (s->priority != 0)
			e->priority = asnx_long(s->priority);
		if (s->deferred) {
			e->deferred_delivery_time = XNEW(UTCTime_t);
			p1_time_set(e->deferred_delivery_time, s->deferred);
		}
		if (s->latest) {
			UTCTime_t t;

			memset(&t, 0, sizeof(t));
			p1_time_set(&t, s->latest);
			p1_ext_add((void **)&e->extensions,
				   StandardExtension_latest_delivery_time, 0,
				   &asn_DEF_LatestDeliveryTime, &t,
				   P1_EXTF_IMPLICIT);
			ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_UTCTime, &t);
		}
		if (s->ext_number) {
			NULL_t null = 0;

			p1_ext_add((void **)&e->extensions, s->ext_number,
				   s->ext_crit, &asn_DEF_NULL, &null,
				   P1_EXTF_IMPLICIT);
		}
	}
	(void)trace;
	if (s->local_id) {
		p1_gdi_fill(&id->global_domain_identifier, gdi);
		p1_str_set(&id->local_identifier, s->local_id);
	} else {
		p1_mtsid_fill(id, gdi, s->mta ? s->mta : "x400", now, s->seq);
	}
	if (take_orname(orig, s->originator, "originator", why, whylen))
		goto out;
	ct->present = ContentType_PR_built_in;
	ct->choice.built_in = P22_CONTENT;
	if (s->content_return) {
		*pmi = XNEW(PerMessageIndicators_t);
		p1_bits_init(*pmi, 4);
		p1_bit_set(*pmi, 3, 1);
	}
	for (i = 0; i < s->nrecipients; i++) {
		if (s->probe) {
			PerRecipientProbeTransferFields_t *r =
			    XNEW(PerRecipientProbeTransferFields_t);

			p1_list_add(&a->choice.probe.per_recipient_fields.list,
				    r);
			r->originally_specified_recipient_number =
			    (long)i + 1;
			indicators(&r->per_recipient_indicators, s->report);
			if (take_orname(&r->recipient_name, s->recipients[i],
					"recipient", why, whylen))
				goto out;
		} else {
			PerRecipientMessageTransferFields_t *r =
			    XNEW(PerRecipientMessageTransferFields_t);

			p1_list_add(&a->choice.message.envelope.
				    per_recipient_fields.list, r);
			r->originally_specified_recipient_number =
			    (long)i + 1;
			indicators(&r->per_recipient_indicators, s->report);
			if (take_orname(&r->recipient_name, s->recipients[i],
					"recipient", why, whylen))
				goto out;
		}
	}
	if (build_ipm(s, id, &content, &clen, why, whylen) != 0)
		goto out;
	if (s->probe) {
		a->choice.probe.content_length = asnx_long((long)clen);
	} else {
		p1_str_setn(&a->choice.message.content, content, clen);
	}
	here.gdi = gdi;
	here.mta = s->mta ? s->mta : "x400";
	if (p1_trace_originate(a, &here, now) != 0) {
		err(why, whylen, "cannot add the originating trace element");
		goto out;
	}
	p1_ext_set_form(a, P1_EDITION_FORM(s->edition));
	if (codec_encode_alloc(&asn_DEF_MTS_APDU, a, der, len) != 0) {
		err(why, whylen, "the message does not encode: %s",
		    codec_last_detail());
		goto out;
	}
	rc = 0;
out:
	free(content);
	if (gdi)
		codec_free(&asn_DEF_GlobalDomainIdentifier, gdi);
	codec_free(&asn_DEF_MTS_APDU, a);
	return rc;
}
