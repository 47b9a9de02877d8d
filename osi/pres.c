/*
 * pres.c - the presentation layer (X.226 normal mode) as an MTA uses it
 *
 * See pres.h. Clause numbers are those of X.226 (1994).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asnx.h"
#include "codec.h"
#include "pres.h"
#include "xalloc.h"

#include "Abort-type.h"
#include "CP-type.h"
#include "CPA-PPDU.h"
#include "CPR-PPDU.h"
#include "Context-list-item.h"
#include "PDV-list.h"
#include "Result-list-item.h"
#include "User-data.h"

#define MODE_NORMAL	1	/* Mode-selector mode-value normal-mode */

/* Cap on one PPDU we decode: the connect PDUs are small; data PDUs are
 * bounded by the transfer size cap of the caller. */
#define PRES_CAP	(64u * 1024 * 1024)

/* The contexts of a P1 association, in the order we propose them. */
static const struct {
	long		id;
	const char	*oid;
} p1_ctx[] = {
	{ 1, PRES_OID_ACSE }, { 3, PRES_OID_RTSE }, { 5, PRES_OID_MTS }
};
#define N_P1_CTX	(sizeof(p1_ctx) / sizeof(p1_ctx[0]))

static int why(struct pres *p, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int why(struct pres *p, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return rc;
}

void pres_init(struct pres *p, enum pres_role role)
{
	memset(p, 0, sizeof(*p));
	p->role = role;
}

void pres_set_psel(struct pres *p, const void *sel, size_t n)
{
	if (n > PRES_SEL_MAX)
		panic("pres_set_psel: %zu octets", n);
	memcpy(p->psel, sel, n);
	p->psel_len = n;
	p->check_psel = 1;
}

/* known - which of our abstract syntaxes an OID is (0: none) */
static long *known(struct pres *p, const char *oid)
{
	if (strcmp(oid, PRES_OID_ACSE) == 0)
		return &p->id_acse;
	if (strcmp(oid, PRES_OID_RTSE) == 0)
		return &p->id_rtse;
	if (strcmp(oid, PRES_OID_MTS) == 0)
		return &p->id_mts;
	return NULL;
}

/* ctx_ok - data may use this context (defined and accepted) */
static int ctx_ok(const struct pres *p, long id)
{
	int i;

	for (i = 0; i < p->nctx; i++)
		if (p->ctx[i].id == id)
			return p->ctx[i].result == PRES_RES_ACCEPT;
	return 0;
}

/* new_user_data - User-data, fully encoded, one PDV (X.226 8.4.2) */
static User_data_t *new_user_data(long ctx, const void *apdu, size_t n)
{
	User_data_t *ud = XNEW(User_data_t);
	PDV_list_t *pdv = XNEW(PDV_list_t);

	ud->present = User_data_PR_fully_encoded_data;
	pdv->presentation_context_identifier = ctx;
	pdv->presentation_data_values.present =
	    PDV_list__presentation_data_values_PR_single_ASN1_type;
	asnx_any_raw(&pdv->presentation_data_values.choice.single_ASN1_type,
		     apdu, n);
	if (ASN_SEQUENCE_ADD(&ud->choice.fully_encoded_data.list, pdv) != 0)
		panic("new_user_data: no memory");
	return ud;
}

/* first_pdv - the PDV of a User-data in the given context, copied */
static int first_pdv(struct pres *p, const User_data_t *ud, long *ctx,
		     struct buf *out)
{
	const PDV_list_t *pdv;

	if (ud == NULL)
		return why(p, PRES_E_DECODE, "no user data");
	if (ud->present != User_data_PR_fully_encoded_data)
		return why(p, PRES_E_CONTEXT, "simply-encoded user data in a "
			   "connection with a context list (X.226 8.4.1)");
	if (ud->choice.fully_encoded_data.list.count < 1)
		return why(p, PRES_E_DECODE, "empty fully-encoded data");
	pdv = ud->choice.fully_encoded_data.list.array[0];
	*ctx = pdv->presentation_context_identifier;
	switch (pdv->presentation_data_values.present) {
	case PDV_list__presentation_data_values_PR_single_ASN1_type:
		buf_add(out, pdv->presentation_data_values.choice.
			single_ASN1_type.buf, (size_t)pdv->
			presentation_data_values.choice.single_ASN1_type.size);
		return 0;
	case PDV_list__presentation_data_values_PR_octet_aligned:
		buf_add(out, pdv->presentation_data_values.choice.
			octet_aligned.buf, (size_t)pdv->
			presentation_data_values.choice.octet_aligned.size);
		return 0;
	default:
		return why(p, PRES_E_DECODE, "PDV in context %ld is not "
			   "single-ASN1-type or octet-aligned", *ctx);
	}
}

/* encode_to - DER of a PPDU appended to out */
static int encode_to(struct pres *p, const asn_TYPE_descriptor_t *td,
		     void *v, struct buf *out)
{
	unsigned char *der;
	size_t n;
	int rc = codec_encode_alloc(td, v, &der, &n);

	codec_free(td, v);
	if (rc != 0)
		return why(p, PRES_E_DECODE, "cannot encode %s: %s", td->name,
			   codec_last_detail());
	buf_add(out, der, n);
	free(der);
	return 0;
}

/* decode - one PPDU of type td, the whole input */
static void *decode(struct pres *p, const asn_TYPE_descriptor_t *td,
		    const void *ud, size_t n)
{
	void *v = NULL;
	int rc = codec_decode(td, ud, n, PRES_CAP, &v, NULL);

	if (rc != 0) {
		why(p, PRES_E_DECODE, "%s: %s", td->name,
		    codec_last_detail()[0] ? codec_last_detail() :
		    codec_strerror(rc));
		return NULL;
	}
	return v;
}

int pres_cp_build(struct pres *p, const void *calling, size_t calling_len,
		  const void *called, size_t called_len, const void *acse,
		  size_t n, struct buf *out)
{
	CP_type_t *cp = XNEW(CP_type_t);
	struct CP_type__normal_mode_parameters *nm = xcalloc(1, sizeof(*nm));
	size_t i;

	cp->mode_selector.mode_value = MODE_NORMAL;
	cp->normal_mode_parameters = nm;
	if (calling_len)
		nm->calling_presentation_selector =
		    asnx_octets_new(calling, calling_len);
	if (called_len)
		nm->called_presentation_selector =
		    asnx_octets_new(called, called_len);
	nm->presentation_context_definition_list = XNEW(Context_list_t);
	p->nctx = 0;
	for (i = 0; i < N_P1_CTX; i++) {
		Context_list_item_t *it = XNEW(Context_list_item_t);
		OBJECT_IDENTIFIER_t *ts = asnx_oid_new(PRES_OID_BER);

		it->presentation_context_identifier = p1_ctx[i].id;
		asnx_oid_set(&it->abstract_syntax_name, p1_ctx[i].oid);
		ASN_SEQUENCE_ADD(&it->transfer_syntax_name_list.list, ts);
		ASN_SEQUENCE_ADD(&nm->presentation_context_definition_list->
				 list, it);
		p->ctx[p->nctx].id = p1_ctx[i].id;
		snprintf(p->ctx[p->nctx].abstract,
			 sizeof(p->ctx[0].abstract), "%s", p1_ctx[i].oid);
		p->ctx[p->nctx].result = PRES_RES_ACCEPT;	/* proposed */
		p->nctx++;
	}
	p->id_acse = 1;
	p->id_rtse = 3;
	p->id_mts = 5;
	nm->user_data = new_user_data(p->id_acse, acse, n);
	return encode_to(p, &asn_DEF_CP_type, cp, out);
}

int pres_cp_parse(struct pres *p, const void *ud, size_t n,
		  struct buf *acse)
{
	CP_type_t *cp = decode(p, &asn_DEF_CP_type, ud, n);
	const struct CP_type__normal_mode_parameters *nm;
	int i, rc = 0, usable = 0;
	long ctx;

	if (cp == NULL)
		return PRES_E_DECODE;
	p->nctx = 0;
	p->id_acse = p->id_rtse = p->id_mts = 0;
	if (cp->mode_selector.mode_value != MODE_NORMAL ||
	    (nm = cp->normal_mode_parameters) == NULL) {
		rc = why(p, PRES_E_DECODE, "CP in mode %ld, not normal mode",
			 cp->mode_selector.mode_value);
		goto out;
	}
	if (nm->calling_presentation_selector) {
		size_t l = (size_t)nm->calling_presentation_selector->size;

		if (l > PRES_SEL_MAX)
			l = PRES_SEL_MAX;
		memcpy(p->peer_psel, nm->calling_presentation_selector->buf, l);
		p->peer_psel_len = l;
	}
	p->called_psel_len = 0;
	if (nm->called_presentation_selector) {
		size_t l = (size_t)nm->called_presentation_selector->size;

		if (l > PRES_SEL_MAX)
			l = PRES_SEL_MAX;
		memcpy(p->called_psel, nm->called_presentation_selector->buf,
		       l);
		p->called_psel_len = l;
	}
	/* X.226 6.2.4.2: the definition list decides the contexts */
	if (nm->presentation_context_definition_list) {
		const Context_list_t *cl =
		    nm->presentation_context_definition_list;

		for (i = 0; i < cl->list.count; i++) {
			const Context_list_item_t *it = cl->list.array[i];
			struct pres_ctx *c;
			long *slot;
			int j, ber = 0;

			if (p->nctx == PRES_CTX_MAX) {
				rc = why(p, PRES_E_CONTEXT, "more than %d "
					 "presentation contexts proposed",
					 PRES_CTX_MAX);
				goto out;
			}
			c = &p->ctx[p->nctx++];
			c->id = it->presentation_context_identifier;
			asnx_oid_str(&it->abstract_syntax_name, c->abstract,
				     sizeof(c->abstract));
			for (j = 0; j < it->transfer_syntax_name_list.list.count;
			     j++)
				if (asnx_oid_eq(it->transfer_syntax_name_list.
						list.array[j], PRES_OID_BER))
					ber = 1;
			slot = known(p, c->abstract);
			if (slot == NULL || *slot != 0) {
				c->result = PRES_RES_PROVIDER_REJECT;
				c->reason = PRES_PR_ABSTRACT;
			} else if (!ber) {
				c->result = PRES_RES_PROVIDER_REJECT;
				c->reason = PRES_PR_TRANSFER;
			} else {
				c->result = PRES_RES_ACCEPT;
				*slot = c->id;
				usable++;
			}
		}
	}
	if (p->check_psel &&
	    (nm->called_presentation_selector == NULL ?
	     p->psel_len != 0 :
	     ((size_t)nm->called_presentation_selector->size != p->psel_len ||
	      memcmp(nm->called_presentation_selector->buf, p->psel,
		     p->psel_len) != 0))) {
		rc = why(p, PRES_E_PSEL, "called presentation selector (%d "
			 "octets) is not ours", nm->called_presentation_selector
			 ? nm->called_presentation_selector->size : 0);
		goto out;
	}
	if (p->id_acse == 0) {
		rc = why(p, PRES_E_CONTEXT, "no ACSE context (%s) among %d "
			 "proposed", PRES_OID_ACSE, p->nctx);
		goto out;
	}
	(void)usable;
	if ((rc = first_pdv(p, nm->user_data, &ctx, acse)) != 0)
		goto out;
	if (ctx != p->id_acse)
		rc = why(p, PRES_E_CONTEXT, "connect user data in context "
			 "%ld, not ACSE's %ld", ctx, p->id_acse);
out:
	codec_free(&asn_DEF_CP_type, cp);
	return rc;
}

/* result_list - the definition results, in the order proposed */
static Result_list_t *result_list(const struct pres *p)
{
	Result_list_t *rl = XNEW(Result_list_t);
	int i;

	for (i = 0; i < p->nctx; i++) {
		Result_list_item_t *it = XNEW(Result_list_item_t);

		it->result = p->ctx[i].result;
		if (p->ctx[i].result == PRES_RES_ACCEPT)
			it->transfer_syntax_name = asnx_oid_new(PRES_OID_BER);
		else
			it->provider_reason = asnx_long(p->ctx[i].reason);
		ASN_SEQUENCE_ADD(&rl->list, it);
	}
	return rl;
}

int pres_cpa_build(struct pres *p, const void *acse, size_t n,
		   struct buf *out)
{
	CPA_PPDU_t *cpa = XNEW(CPA_PPDU_t);
	struct CPA_PPDU__normal_mode_parameters *nm = xcalloc(1, sizeof(*nm));

	cpa->mode_selector.mode_value = MODE_NORMAL;
	cpa->normal_mode_parameters = nm;
	if (p->psel_len)
		nm->responding_presentation_selector =
		    asnx_octets_new(p->psel, p->psel_len);
	nm->presentation_context_definition_result_list = result_list(p);
	nm->user_data = new_user_data(p->id_acse, acse, n);
	return encode_to(p, &asn_DEF_CPA_PPDU, cpa, out);
}

int pres_cpr_build(struct pres *p, int provider_reason, const void *acse,
		   size_t n, struct buf *out)
{
	CPR_PPDU_t *cpr = XNEW(CPR_PPDU_t);
	struct CPR_PPDU__normal_mode_parameters *nm;

	cpr->present = CPR_PPDU_PR_normal_mode_parameters;
	nm = &cpr->choice.normal_mode_parameters;
	if (p->psel_len)
		nm->responding_presentation_selector =
		    asnx_octets_new(p->psel, p->psel_len);
	if (p->nctx)
		nm->presentation_context_definition_result_list =
		    result_list(p);
	if (acse && p->id_acse)
		nm->user_data = new_user_data(p->id_acse, acse, n);
	else
		nm->provider_reason = asnx_long(provider_reason);
	return encode_to(p, &asn_DEF_CPR_PPDU, cpr, out);
}

/* take_results - the responder's verdict on our proposal */
static int take_results(struct pres *p, const Result_list_t *rl)
{
	int i;

	if (rl == NULL)
		return 0;	/* X.226 6.2.4.4: all accepted */
	if (rl->list.count != p->nctx)
		return why(p, PRES_E_CONTEXT, "%d context results for %d "
			   "proposed", rl->list.count, p->nctx);
	for (i = 0; i < p->nctx; i++) {
		const Result_list_item_t *it = rl->list.array[i];
		long *slot = known(p, p->ctx[i].abstract);

		p->ctx[i].result = (int)it->result;
		p->ctx[i].reason = it->provider_reason ?
		    (int)*it->provider_reason : 0;
		if (it->result != PRES_RES_ACCEPT && slot)
			*slot = 0;
	}
	return 0;
}

int pres_cpa_parse(struct pres *p, const void *ud, size_t n,
		   struct buf *acse)
{
	CPA_PPDU_t *cpa = decode(p, &asn_DEF_CPA_PPDU, ud, n);
	const struct CPA_PPDU__normal_mode_parameters *nm;
	int rc;
	long ctx;

	if (cpa == NULL)
		return PRES_E_DECODE;
	if (cpa->mode_selector.mode_value != MODE_NORMAL ||
	    (nm = cpa->normal_mode_parameters) == NULL) {
		rc = why(p, PRES_E_DECODE, "CPA not in normal mode");
		goto out;
	}
	if ((rc = take_results(p, nm->presentation_context_definition_result_list))
	    != 0)
		goto out;
	if (!p->id_acse || !p->id_rtse) {
		rc = why(p, PRES_E_CONTEXT, "the peer refused the %s context",
			 p->id_acse ? "RTSE" : "ACSE");
		goto out;
	}
	if ((rc = first_pdv(p, nm->user_data, &ctx, acse)) == 0 &&
	    ctx != p->id_acse)
		rc = why(p, PRES_E_CONTEXT, "CPA user data in context %ld",
			 ctx);
out:
	codec_free(&asn_DEF_CPA_PPDU, cpa);
	return rc;
}

int pres_cpr_parse(struct pres *p, const void *ud, size_t n,
		   struct buf *acse)
{
	CPR_PPDU_t *cpr = decode(p, &asn_DEF_CPR_PPDU, ud, n);
	const struct CPR_PPDU__normal_mode_parameters *nm;
	int rc;
	long ctx;

	if (cpr == NULL)
		return PRES_E_DECODE;
	if (cpr->present != CPR_PPDU_PR_normal_mode_parameters) {
		rc = why(p, PRES_E_DECODE, "CPR not in normal mode");
		goto out;
	}
	nm = &cpr->choice.normal_mode_parameters;
	if (nm->user_data == NULL) {
		rc = why(p, PRES_E_REFUSED, "presentation provider refused "
			 "the connection, reason %ld", nm->provider_reason ?
			 *nm->provider_reason : -1L);
		goto out;
	}
	rc = first_pdv(p, nm->user_data, &ctx, acse);
out:
	codec_free(&asn_DEF_CPR_PPDU, cpr);
	return rc;
}

int pres_data_build(struct pres *p, long ctx, const void *apdu, size_t n,
		    struct buf *out)
{
	return encode_to(p, &asn_DEF_User_data, new_user_data(ctx, apdu, n),
			 out);
}

int pres_data_parse(struct pres *p, const void *ud, size_t n, long *ctx,
		    struct buf *apdu)
{
	User_data_t *u = decode(p, &asn_DEF_User_data, ud, n);
	int rc;

	if (u == NULL)
		return PRES_E_DECODE;
	if (u->present == User_data_PR_fully_encoded_data &&
	    u->choice.fully_encoded_data.list.count != 1)
		rc = why(p, PRES_E_DECODE, "%d PDVs in one P-DATA (one "
			 "expected)", u->choice.fully_encoded_data.list.count);
	else if ((rc = first_pdv(p, u, ctx, apdu)) == 0 &&
		 !ctx_ok(p, *ctx))
		rc = why(p, PRES_E_CONTEXT, "data in presentation context "
			 "%ld, which is not defined", *ctx);
	codec_free(&asn_DEF_User_data, u);
	return rc;
}

int pres_aru_build(struct pres *p, const void *abrt, size_t n,
		   struct buf *out)
{
	Abort_type_t *a = XNEW(Abort_type_t);
	struct ARU_PPDU__normal_mode_parameters *nm;

	a->present = Abort_type_PR_aru_ppdu;
	a->choice.aru_ppdu.present = ARU_PPDU_PR_normal_mode_parameters;
	nm = &a->choice.aru_ppdu.choice.normal_mode_parameters;
	if (abrt && p->id_acse)
		nm->user_data = new_user_data(p->id_acse, abrt, n);
	return encode_to(p, &asn_DEF_Abort_type, a, out);
}

int pres_arp_build(struct pres *p, int reason, struct buf *out)
{
	Abort_type_t *a = XNEW(Abort_type_t);

	a->present = Abort_type_PR_arp_ppdu;
	a->choice.arp_ppdu.provider_reason = asnx_long(reason);
	return encode_to(p, &asn_DEF_Abort_type, a, out);
}

int pres_abort_parse(struct pres *p, const void *ud, size_t n, int *is_user,
		     int *reason, struct buf *acse)
{
	Abort_type_t *a = decode(p, &asn_DEF_Abort_type, ud, n);
	int rc = 0;
	long ctx;

	*is_user = 0;
	*reason = 0;
	if (a == NULL)
		return PRES_E_DECODE;
	if (a->present == Abort_type_PR_arp_ppdu) {
		*reason = a->choice.arp_ppdu.provider_reason ?
		    (int)*a->choice.arp_ppdu.provider_reason : 0;
	} else if (a->choice.aru_ppdu.present ==
		   ARU_PPDU_PR_normal_mode_parameters) {
		const struct ARU_PPDU__normal_mode_parameters *nm =
		    &a->choice.aru_ppdu.choice.normal_mode_parameters;

		*is_user = 1;
		if (nm->user_data)
			rc = first_pdv(p, nm->user_data, &ctx, acse);
	} else {
		rc = why(p, PRES_E_DECODE, "ARU in X.410-1984 form on a "
			 "normal-mode connection");
	}
	codec_free(&asn_DEF_Abort_type, a);
	return rc;
}
