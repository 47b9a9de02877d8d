/*
 * mtad_txt.c - x400d: the readable form of a delivered object (NAME.txt)
 *
 * See mtad_txt.h.
 */
#include <stdlib.h>

#include "codec.h"
#include "mtad_txt.h"
#include "p1_addr.h"
#include "p1_env.h"
#include "p1_id.h"

#include "InformationObject.h"

int mtad_txt_ipm(const void *content, size_t len, struct buf *b)
{
	InformationObject_t *io = NULL;
	const IPM_t *ipm;
	int rc, i;

	rc = codec_decode(&asn_DEF_InformationObject, content, len, 0,
			  (void **)&io, NULL);
	if (rc != CODEC_OK)
		return rc;
	if (io->present != InformationObject_PR_ipm) {
		codec_free(&asn_DEF_InformationObject, io);
		return CODEC_E_MALFORMED;
	}
	ipm = &io->choice.ipm;
	/* X.420 7.2.10 */
	if (ipm->heading.subject)
		buf_printf(b, "Subject: %.*s\n", ipm->heading.subject->size,
			   (const char *)ipm->heading.subject->buf);
	buf_printf(b, "\n");
	/* X.420 7.3.1: IA5 text; any other type is named only */
	for (i = 0; ipm->body && i < ipm->body->list.count; i++) {
		const BodyPart_t *bp = ipm->body->list.array[i];

		if (bp->present == BodyPart_PR_ia5_text)
			buf_add(b, bp->choice.ia5_text.data.buf,
				(size_t)bp->choice.ia5_text.data.size);
		else
			buf_printf(b, "[body part %d of another type]\n",
				   i + 1);
	}
	codec_free(&asn_DEF_InformationObject, io);
	return CODEC_OK;
}

void mtad_txt_render(const MTS_APDU_t *a, const char *rcpt,
		     const struct p1_report_entry *e, int n, struct buf *b)
{
	const TraceInformation_t *t = p1_env_trace_c(a);
	char *s;
	int i;

	s = p1_mtsid_format(p1_env_id(a));
	buf_printf(b, "X.400 %s %s\n", p1_env_kind_name(a), s ? s : "?");
	free(s);
	buf_printf(b, "Recipient: %s\n", rcpt);
	if (p1_env_originator(a)) {
		s = p1_orname_format(p1_env_originator(a));
		buf_printf(b, "Originator: %s\n", s ? s : "?");
		free(s);
	}
	if (p1_env_report_destination(a)) {
		s = p1_mtsid_format(p1_env_subject_id(a));
		buf_printf(b, "Subject message: %s\n", s ? s : "?");
		free(s);
	}
	for (i = 0; t && i < t->list.count; i++) {
		s = p1_gdi_format(&t->list.array[i]->global_domain_identifier);
		buf_printf(b, "Trace: %s\n", s ? s : "?");
		free(s);
	}
	if (p1_env_kind(a) == P1_REPORT) {
		for (i = 0; i < n; i++) {
			s = p1_orname_format(e[i].actual);
			if (e[i].delivered)
				buf_printf(b, "Report: %s delivered\n",
					   s ? s : "?");
			else
				buf_printf(b, "Report: %s not delivered: "
				    "reason %ld, diagnostic %ld%s%s\n",
				    s ? s : "?", e[i].reason, e[i].diagnostic,
				    e[i].supplementary[0] ? ": " : "",
				    e[i].supplementary);
			free(s);
		}
	}
	if (p1_env_kind(a) == P1_MESSAGE &&
	    p1_env_builtin_content_type(a) == 22)
		(void)mtad_txt_ipm(a->choice.message.content.buf,
				   (size_t)a->choice.message.content.size, b);
}

int mtad_txt_apdu(const void *ber, size_t len, const char *rcpt,
		  struct buf *b)
{
	MTS_APDU_t *a = NULL;
	struct p1_report_entry *e = NULL;
	int rc, n = 0;

	rc = codec_decode(&asn_DEF_MTS_APDU, ber, len, 0, (void **)&a, NULL);
	if (rc != CODEC_OK)
		return rc;
	if (p1_env_kind(a) == P1_REPORT && p1_report_parse(a, &e, &n) != 0)
		n = 0;
	mtad_txt_render(a, rcpt, e, n, b);
	free(e);
	codec_free(&asn_DEF_MTS_APDU, a);
	return CODEC_OK;
}
