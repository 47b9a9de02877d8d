/*
 * acse.c - Association Control (ITU-T X.227)
 *
 * See acse.h. Clause numbers are those of X.227 (1994).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acse.h"
#include "asnx.h"
#include "codec.h"
#include "xalloc.h"

#include "ACSE-apdu.h"
#include "ACSE-External.h"
#include "AE-qualifier.h"
#include "AP-title.h"

#define ACSE_CAP	(1u << 20)	/* an association PDU: small */

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

const char *acse_type_name(enum acse_type t)
{
	static const char *const n[] = { "AARQ", "AARE", "RLRQ", "RLRE",
					 "ABRT" };

	return (unsigned)t < 5 ? n[t] : "?";
}

/* user_info - X.227 7.1.5: one EXTERNAL in the given context */
static Association_information_t *user_info(const struct acse_apdu *a)
{
	Association_information_t *ui;
	ACSE_External_t *x;

	if (!a->have_user)
		return NULL;
	ui = XNEW(Association_information_t);
	x = XNEW(ACSE_External_t);
	x->indirect_reference = asnx_long(a->user_ctx);
	x->encoding.present = ACSE_External__encoding_PR_single_ASN1_type;
	asnx_any_raw(&x->encoding.choice.single_ASN1_type,
		     buf_ptr(&a->user), buf_avail(&a->user));
	ASN_SEQUENCE_ADD(&ui->list, x);
	return ui;
}

static AP_title_t *title(const char *oid)
{
	AP_title_t *t;

	if (oid[0] == 0)
		return NULL;
	t = XNEW(AP_title_t);
	t->present = AP_title_PR_ap_title_form2;
	if (asnx_oid_set(&t->choice.ap_title_form2, oid) != 0)
		panic("acse: AP title \"%s\" is not an OID", oid);
	return t;
}

static AE_qualifier_t *qual(int have, long v)
{
	AE_qualifier_t *q;

	if (!have)
		return NULL;
	q = XNEW(AE_qualifier_t);
	q->present = AE_qualifier_PR_ae_qualifier_form2;
	q->choice.ae_qualifier_form2 = v;
	return q;
}

int acse_build(const struct acse_apdu *a, struct buf *out, char *why,
	       size_t whylen)
{
	ACSE_apdu_t *p = XNEW(ACSE_apdu_t);
	unsigned char *der;
	size_t n;
	int rc;

	switch (a->type) {
	case ACSE_AARQ: {
		AARQ_apdu_t *q = &p->choice.aarq;

		p->present = ACSE_apdu_PR_aarq;
		asnx_oid_set(&q->application_context_name, a->context);
		q->called_AP_title = title(a->called_ap_title);
		q->called_AE_qualifier = qual(a->have_called_ae_qual,
					      a->called_ae_qual);
		q->calling_AP_title = title(a->calling_ap_title);
		q->calling_AE_qualifier = qual(a->have_calling_ae_qual,
					       a->calling_ae_qual);
		q->user_information = user_info(a);
		break;
	}
	case ACSE_AARE: {
		AARE_apdu_t *r = &p->choice.aare;

		p->present = ACSE_apdu_PR_aare;
		asnx_oid_set(&r->application_context_name, a->context);
		r->result = a->result;
		if (a->diag_source == ACSE_DIAG_PROVIDER) {
			r->result_source_diagnostic.present =
			    Associate_source_diagnostic_PR_acse_service_provider;
			r->result_source_diagnostic.choice.
			    acse_service_provider = a->diag;
		} else {
			r->result_source_diagnostic.present =
			    Associate_source_diagnostic_PR_acse_service_user;
			r->result_source_diagnostic.choice.acse_service_user =
			    a->diag;
		}
		r->responding_AP_title = title(a->called_ap_title);
		r->responding_AE_qualifier = qual(a->have_called_ae_qual,
						  a->called_ae_qual);
		r->user_information = user_info(a);
		break;
	}
	case ACSE_RLRQ:
		p->present = ACSE_apdu_PR_rlrq;
		if (a->reason >= 0)
			p->choice.rlrq.reason = asnx_long(a->reason);
		p->choice.rlrq.user_information = user_info(a);
		break;
	case ACSE_RLRE:
		p->present = ACSE_apdu_PR_rlre;
		if (a->reason >= 0)
			p->choice.rlre.reason = asnx_long(a->reason);
		p->choice.rlre.user_information = user_info(a);
		break;
	case ACSE_ABRT:
		p->present = ACSE_apdu_PR_abrt;
		p->choice.abrt.abort_source = a->abort_source;
		p->choice.abrt.user_information = user_info(a);
		break;
	}
	rc = codec_encode_alloc(&asn_DEF_ACSE_apdu, p, &der, &n);
	codec_free(&asn_DEF_ACSE_apdu, p);
	if (rc != 0)
		return err(why, whylen, "cannot encode %s: %s",
			   acse_type_name(a->type), codec_last_detail());
	buf_add(out, der, n);
	free(der);
	return 0;
}

/* take_user - the first EXTERNAL of the user information */
static int take_user(const Association_information_t *ui,
		     struct acse_apdu *a, char *why, size_t whylen)
{
	const ACSE_External_t *x;

	if (ui == NULL || ui->list.count == 0)
		return 0;
	x = ui->list.array[0];
	if (x->indirect_reference == NULL)
		return err(why, whylen, "%s user information without a "
			   "presentation context (indirect-reference)",
			   acse_type_name(a->type));
	a->have_user = 1;
	a->user_ctx = *x->indirect_reference;
	switch (x->encoding.present) {
	case ACSE_External__encoding_PR_single_ASN1_type:
		buf_add(&a->user, x->encoding.choice.single_ASN1_type.buf,
			(size_t)x->encoding.choice.single_ASN1_type.size);
		return 0;
	case ACSE_External__encoding_PR_octet_aligned:
		buf_add(&a->user, x->encoding.choice.octet_aligned.buf,
			(size_t)x->encoding.choice.octet_aligned.size);
		return 0;
	default:
		return err(why, whylen, "%s user information encoded as "
			   "arbitrary bits", acse_type_name(a->type));
	}
}

static void take_title(const AP_title_t *t, char *dst, size_t len)
{
	dst[0] = 0;
	if (t && t->present == AP_title_PR_ap_title_form2)
		asnx_oid_str(&t->choice.ap_title_form2, dst, len);
}

static void take_qual(const AE_qualifier_t *q, int *have, long *v)
{
	*have = q && q->present == AE_qualifier_PR_ae_qualifier_form2;
	if (*have)
		*v = q->choice.ae_qualifier_form2;
}

int acse_parse(const void *buf, size_t n, struct acse_apdu *a, char *why,
	       size_t whylen)
{
	ACSE_apdu_t *p = NULL;
	int rc;

	memset(a, 0, sizeof(*a));
	a->reason = -1;
	rc = codec_decode(&asn_DEF_ACSE_apdu, buf, n, ACSE_CAP, (void **)&p,
			  NULL);
	if (rc != 0)
		return err(why, whylen, "not an ACSE APDU: %s",
			   codec_last_detail()[0] ? codec_last_detail() :
			   codec_strerror(rc));
	rc = 0;
	switch (p->present) {
	case ACSE_apdu_PR_aarq: {
		const AARQ_apdu_t *q = &p->choice.aarq;

		a->type = ACSE_AARQ;
		asnx_oid_str(&q->application_context_name, a->context,
			     sizeof(a->context));
		take_title(q->calling_AP_title, a->calling_ap_title,
			   sizeof(a->calling_ap_title));
		take_title(q->called_AP_title, a->called_ap_title,
			   sizeof(a->called_ap_title));
		take_qual(q->calling_AE_qualifier, &a->have_calling_ae_qual,
			  &a->calling_ae_qual);
		take_qual(q->called_AE_qualifier, &a->have_called_ae_qual,
			  &a->called_ae_qual);
		rc = take_user(q->user_information, a, why, whylen);
		break;
	}
	case ACSE_apdu_PR_aare: {
		const AARE_apdu_t *r = &p->choice.aare;

		a->type = ACSE_AARE;
		asnx_oid_str(&r->application_context_name, a->context,
			     sizeof(a->context));
		a->result = r->result;
		if (r->result_source_diagnostic.present ==
		    Associate_source_diagnostic_PR_acse_service_provider) {
			a->diag_source = ACSE_DIAG_PROVIDER;
			a->diag = r->result_source_diagnostic.choice.
			    acse_service_provider;
		} else {
			a->diag_source = ACSE_DIAG_USER;
			a->diag = r->result_source_diagnostic.choice.
			    acse_service_user;
		}
		take_title(r->responding_AP_title, a->called_ap_title,
			   sizeof(a->called_ap_title));
		take_qual(r->responding_AE_qualifier,
			  &a->have_called_ae_qual, &a->called_ae_qual);
		rc = take_user(r->user_information, a, why, whylen);
		break;
	}
	case ACSE_apdu_PR_rlrq:
		a->type = ACSE_RLRQ;
		if (p->choice.rlrq.reason)
			a->reason = *p->choice.rlrq.reason;
		rc = take_user(p->choice.rlrq.user_information, a, why,
			       whylen);
		break;
	case ACSE_apdu_PR_rlre:
		a->type = ACSE_RLRE;
		if (p->choice.rlre.reason)
			a->reason = *p->choice.rlre.reason;
		rc = take_user(p->choice.rlre.user_information, a, why,
			       whylen);
		break;
	case ACSE_apdu_PR_abrt:
		a->type = ACSE_ABRT;
		a->abort_source = p->choice.abrt.abort_source;
		rc = take_user(p->choice.abrt.user_information, a, why,
			       whylen);
		break;
	default:
		rc = err(why, whylen, "empty ACSE APDU choice");
		break;
	}
	codec_free(&asn_DEF_ACSE_apdu, p);
	if (rc != 0)
		acse_apdu_free(a);
	return rc;
}

void acse_apdu_free(struct acse_apdu *a)
{
	buf_free(&a->user);
}
