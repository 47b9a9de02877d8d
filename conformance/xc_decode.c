/*
 * xc_decode.c - decode a test case's PDUs for its transcript
 *
 * See xc_decode.h. Clause numbers: X.224 (TPDUs), X.225 8.3 (SPDUs and
 * their parameter codes), X.226 8 (PPDUs), X.227 (ACSE), X.228 and
 * X.410-1984 (RTSE), X.411 12 (P1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acse.h"
#include "asnx.h"
#include "codec.h"
#include "p1_env.h"
#include "p1_id.h"
#include "ses.h"
#include "tpkt.h"
#include "xalloc.h"
#include "xc_build.h"
#include "xc_decode.h"
#include "xc_pcap.h"

#include "ACSE-External.h"
#include "Abort-type.h"
#include "CP-type.h"
#include "CPA-PPDU.h"
#include "CPR-PPDU.h"
#include "MTABindArgumentRO.h"
#include "PAccept.h"
#include "PConnect.h"
#include "PRefuse.h"
#include "RTSE-apdus.h"
#include "User-data.h"

#define CAP		(80u << 20)
#define MODE_NORMAL	0
#define MODE_X410	1

/* X.225 8.3 parameter codes used below */
enum {
	PGI_CONN_ID = 1, PGI_CONN_ITEM = 5, PGI_LINKING = 33, PGI_USER_DATA = 193,
	PGI_EXT_USER_DATA = 194, PI_TOKEN_ITEM = 16, PI_TRANSPORT_DISC = 17,
	PI_REQUIREMENTS = 20, PI_VERSION = 22, PI_TOKEN_SETTING = 26,
	PI_ACT_ID = 41, PI_SERIAL = 42, PI_REASON = 50, PI_CALLING_SSEL = 51,
	PI_CALLED_SSEL = 52
};

/* octets - "N octets: xx xx ..." (at most 12 shown) */
static void octets(struct buf *b, const uint8_t *p, size_t n)
{
	size_t i;

	buf_printf(b, "%zu octets", n);
	if (n)
		buf_printf(b, ":");
	for (i = 0; i < n && i < 12; i++)
		buf_printf(b, " %02x", p[i]);
	if (n > 12)
		buf_printf(b, " ...");
}

/* text - a selector or name: quoted if printable, else hex */
static void text(struct buf *b, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '"')
			break;
	if (i == n) {
		buf_printf(b, "\"%.*s\"", (int)n, (const char *)p);
		return;
	}
	buf_printf(b, "0x");
	for (i = 0; i < n && i < 32; i++)
		buf_printf(b, "%02x", p[i]);
}

/* ---- transport (X.224 13) -------------------------------------------- */

static const char *dr_reason(unsigned r)
{
	switch (r) {
	case 0: return "not specified";
	case 1: return "congestion at TSAP";
	case 2: return "session entity not attached";
	case 3: return "address unknown";
	case 0x80: return "normal";
	case 0x81: return "remote congestion";
	case 0x82: return "connection negotiation failed";
	case 0x85: return "protocol error";
	case 0x88: return "connection refused";
	case 0x8a: return "header or parameter length invalid";
	}
	return "?";
}

/* tpdu_params - the variable part of a CR, CC, DR or ER */
static void tpdu_params(struct buf *b, const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i + 2 <= n) {
		unsigned code = p[i], len = p[i + 1];
		const uint8_t *v = p + i + 2;

		if (i + 2 + len > n) {
			buf_printf(b, ", parameter 0x%02x overruns the TPDU", code);
			return;
		}
		switch (code) {
		case 0xc0:
			if (len == 1 && v[0] >= 7 && v[0] <= 13)
				buf_printf(b, ", tpdu-size %u", 1u << v[0]);
			else
				buf_printf(b, ", tpdu-size (bad)");
			break;
		case 0xc1:
			buf_printf(b, ", calling-tsel ");
			text(b, v, len);
			break;
		case 0xc2:
			buf_printf(b, ", called-tsel ");
			text(b, v, len);
			break;
		case 0xf0: {
			unsigned long s = 0;
			unsigned k;

			for (k = 0; k < len && k < 4; k++)
				s = s << 8 | v[k];
			buf_printf(b, ", preferred-tpdu-size %lu", s * 128);
			break;
		}
		case 0xc4:
			buf_printf(b, ", version %u", len ? v[0] : 0);
			break;
		case 0xc6:
			buf_printf(b, ", options");
			break;
		case 0xc7:
			buf_printf(b, ", alternative classes");
			break;
		case 0xe0:
			buf_printf(b, ", additional information ");
			text(b, v, len);
			break;
		default:
			buf_printf(b, ", parameter 0x%02x (%u octets)", code, len);
		}
		i += 2 + len;
	}
	if (i != n)
		buf_printf(b, ", %zu stray octets", n - i);
}

void xc_tpdu_brief(const uint8_t *p, size_t n, struct buf *b)
{
	unsigned li, code;

	if (n < 2) {
		buf_printf(b, "TPDU of %zu octets (too short)", n);
		return;
	}
	li = p[0];
	code = p[1] & 0xf0;
	if (li + 1 > n || li == 255) {
		buf_printf(b, "TPDU code 0x%02x with LI %u beyond its %zu octets",
		    p[1], li, n);
		return;
	}
	switch (code) {
	case 0xe0:
	case 0xd0:
		if (li < 6) {
			buf_printf(b, "%s with LI %u (too short)", code == 0xe0 ?
			    "CR" : "CC", li);
			return;
		}
		buf_printf(b, "%s dst-ref 0x%04x src-ref 0x%04x class %u",
		    code == 0xe0 ? "CR" : "CC", p[2] << 8 | p[3],
		    p[4] << 8 | p[5], p[6] >> 4);
		tpdu_params(b, p + 7, li + 1 - 7);
		return;
	case 0x80:
		if (li < 6) {
			buf_printf(b, "DR with LI %u (too short)", li);
			return;
		}
		buf_printf(b, "DR reason 0x%02x (%s)", p[6], dr_reason(p[6]));
		tpdu_params(b, p + 7, li + 1 - 7);
		return;
	case 0x70:
		if (li < 4) {
			buf_printf(b, "ER with LI %u (too short)", li);
			return;
		}
		buf_printf(b, "ER cause %u (%s)", p[4], p[4] == 0 ? "not specified" :
		    p[4] == 1 ? "invalid parameter code" : p[4] == 2 ?
		    "invalid TPDU type" : p[4] == 3 ? "invalid parameter "
		    "value" : "?");
		return;
	case 0xf0:
		buf_printf(b, "DT%s, ", li >= 2 && (p[2] & 0x80) ? " EOT" : "");
		octets(b, p + li + 1, n - li - 1);
		return;
	}
	buf_printf(b, "unknown TPDU code 0x%02x, ", p[1]);
	octets(b, p, n);
}

/* ---- P1 ------------------------------------------------------------ */

static void mts_apdu(struct buf *b, const uint8_t *p, size_t n)
{
	MTS_APDU_t *a = xc_apdu_decode(p, n);
	char *id;

	if (a == NULL) {
		buf_printf(b, " | MTS-APDU that does not decode (%s)",
		    codec_last_detail());
		return;
	}
	id = xc_apdu_id(a);
	buf_printf(b, " | P1 %s %s", p1_env_kind_name(a), id);
	free(id);
	if (p1_env_kind(a) == P1_REPORT) {
		char *s = p1_env_subject_id(a) ?
		    p1_mtsid_format(p1_env_subject_id(a)) : NULL;

		buf_printf(b, " on %s", s ? s : "?");
		free(s);
	} else {
		buf_printf(b, ", %d recipient%s, content %ld octets",
		    p1_env_recipient_count(a),
		    p1_env_recipient_count(a) == 1 ? "" : "s",
		    p1_env_content_length(a));
	}
	buf_printf(b, ", trace %d", p1_env_trace_c(a) ?
	    p1_env_trace_c(a)->list.count : 0);
	xc_apdu_free(a);
}

/* rtse_user - the RTSE user's APDU in an RTTR: an EXTERNAL, as PP
 *	sends it, or bare */
static void rtse_user(struct buf *b, const uint8_t *p, size_t n)
{
	ACSE_External_t *x = NULL;

	if (n && p[0] == 0x28 && codec_decode(&asn_DEF_ACSE_External, p, n,
					      CAP, (void **)&x, NULL) == 0) {
		if (x->encoding.present ==
		    ACSE_External__encoding_PR_single_ASN1_type)
			mts_apdu(b, x->encoding.choice.single_ASN1_type.buf,
				 (size_t)x->encoding.choice.single_ASN1_type.
				 size);
		codec_free(&asn_DEF_ACSE_External, x);
		return;
	}
	if (n && (p[0] == 0xa0 || p[0] == 0xa1 || p[0] == 0xa2))
		mts_apdu(b, p, n);
}

/* bind_value - what ConnectionData "open" holds: a bind argument
 *	[16], result [17] or error */
static void bind_value(struct buf *b, const uint8_t *p, size_t n)
{
	MTABindArgumentRO_t *g = NULL;
	struct xc_bindres r;
	long e;

	if (n && p[0] == 0xb0 && codec_decode(&asn_DEF_MTABindArgumentRO, p, n,
					      65536, (void **)&g, NULL) == 0) {
		if (g->present == MTABindArgument_PR_authenticated) {
			const Credentials_t *cr = &g->choice.authenticated.
			    initiator_credentials;
			const OCTET_STRING_t *pw = cr->choice.simple.present ==
			    Password_PR_ia5_string ? &cr->choice.simple.choice.
			    ia5_string : &cr->choice.simple.choice.octet_string;

			buf_printf(b, " | MTA-bind argument: MTA ");
			text(b, g->choice.authenticated.initiator_name.buf,
			     (size_t)g->choice.authenticated.initiator_name.
			     size);
			if (cr->present == Credentials_PR_simple)
				buf_printf(b, ", password (%s) of %d octets",
				    cr->choice.simple.present ==
				    Password_PR_ia5_string ? "IA5String" :
				    "OCTET STRING", pw->size);
			else
				buf_printf(b, ", strong credentials");
		} else {
			buf_printf(b, " | MTA-bind argument: unauthenticated");
		}
		codec_free(&asn_DEF_MTABindArgumentRO, g);
		return;
	}
	if (n && p[0] == 0xb1 && xc_bind_result(p, n, &r) == 0) {
		if (r.authenticated)
			buf_printf(b, " | MTA-bind result: MTA \"%s\", password of "
			    "%zu octets", r.name, r.pwlen);
		else
			buf_printf(b, " | MTA-bind result: unauthenticated");
		return;
	}
	if ((e = xc_bind_error(p, n)) >= 0) {
		buf_printf(b, " | MTA-bind error %s (%ld)", xc_bind_error_name(e), e);
		return;
	}
	buf_printf(b, " | MTA-bind value, ");
	octets(b, p, n);
}

static void connection_data(struct buf *b, const ConnectionData_t *cd)
{
	if (cd->present == ConnectionData_PR_open)
		bind_value(b, cd->choice.open.buf, (size_t)cd->choice.open.size);
	else
		buf_printf(b, " | recover");
}

static void rt_params(struct buf *b, const long *ck, const long *win,
		      const long *dm)
{
	buf_printf(b, " checkpoint %ld, window %ld%s", ck ? *ck : 0, win ? *win : 3,
	    win ? "" : " (default)");
	if (dm)
		buf_printf(b, ", %s", *dm == 1 ? "two-way alternate" : "monologue");
}

static const char *abort_reason(long r)
{
	static const char *const n[] = {
		"localSystemProblem", "invalidParameter",
		"unrecognizedActivity", "temporaryProblem", "protocolError",
		"permanentProblem", "userError", "transferCompleted"
	};

	return r >= 0 && r < 8 ? n[r] : "?";
}

/* rtse_apdu - X.228 RTSE APDUs */
static void rtse_apdu(struct buf *b, const uint8_t *p, size_t n)
{
	RTSE_apdus_t *a = NULL;

	if (codec_decode(&asn_DEF_RTSE_apdus, p, n, CAP, (void **)&a,
			 NULL) != 0) {
		buf_printf(b, " | not an RTSE APDU (%s): ", codec_last_detail());
		octets(b, p, n);
		return;
	}
	switch (a->present) {
	case RTSE_apdus_PR_rtorq_apdu:
		buf_printf(b, " | RTORQ");
		rt_params(b, a->choice.rtorq_apdu.checkpointSize,
			  a->choice.rtorq_apdu.windowSize,
			  a->choice.rtorq_apdu.dialogueMode);
		connection_data(b, &a->choice.rtorq_apdu.connectionDataRQ);
		break;
	case RTSE_apdus_PR_rtoac_apdu:
		buf_printf(b, " | RTOAC");
		rt_params(b, a->choice.rtoac_apdu.checkpointSize,
			  a->choice.rtoac_apdu.windowSize, NULL);
		connection_data(b, &a->choice.rtoac_apdu.connectionDataAC);
		break;
	case RTSE_apdus_PR_rtorj_apdu:
		buf_printf(b, " | RTORJ");
		if (a->choice.rtorj_apdu.refuseReason)
			buf_printf(b, " reason %ld", *a->choice.rtorj_apdu.refuseReason);
		if (a->choice.rtorj_apdu.userDataRJ)
			bind_value(b, a->choice.rtorj_apdu.userDataRJ->buf,
				   (size_t)a->choice.rtorj_apdu.userDataRJ->
				   size);
		break;
	case RTSE_apdus_PR_rttp_apdu:
		buf_printf(b, " | RTTP priority %ld", a->choice.rttp_apdu);
		break;
	case RTSE_apdus_PR_rttr_apdu:
		buf_printf(b, " | RTTR %d octets", a->choice.rttr_apdu.size);
		rtse_user(b, a->choice.rttr_apdu.buf,
			  (size_t)a->choice.rttr_apdu.size);
		break;
	case RTSE_apdus_PR_rtab_apdu:
		buf_printf(b, " | RTAB");
		if (a->choice.rtab_apdu.abortReason)
			buf_printf(b, " %s", abort_reason(*a->choice.rtab_apdu.
						    abortReason));
		break;
	default:
		buf_printf(b, " | RTSE APDU ?");
	}
	codec_free(&asn_DEF_RTSE_apdus, a);
}

/* acse - X.227 APDUs, and the RTSE APDU in their user information */
static void acse(struct buf *b, const uint8_t *p, size_t n)
{
	struct acse_apdu a;
	char why[160];

	if (acse_parse(p, n, &a, why, sizeof(why)) != 0) {
		buf_printf(b, " | not an ACSE APDU (%s)", why);
		return;
	}
	buf_printf(b, " | %s", acse_type_name(a.type));
	if (a.type == ACSE_AARQ || a.type == ACSE_AARE)
		buf_printf(b, " %s%s", a.context, strcmp(a.context,
		    ACSE_OID_MTS_TRANSFER) == 0 ? " (mts-transfer)" : "");
	if (a.type == ACSE_AARE)
		buf_printf(b, " result %ld%s, diagnostic %ld", a.result,
		    a.result == 0 ? " (accepted)" : a.result == 1 ?
		    " (rejected-permanent)" : " (rejected-transient)", a.diag);
	if (a.type == ACSE_ABRT)
		buf_printf(b, " source %ld", a.abort_source);
	if (a.calling_ap_title[0])
		buf_printf(b, " calling-AP-title %s", a.calling_ap_title);
	if (a.called_ap_title[0])
		buf_printf(b, " called-AP-title %s", a.called_ap_title);
	if (a.have_user)
		rtse_apdu(b, buf_ptr(&a.user), buf_avail(&a.user));
	acse_apdu_free(&a);
}

/* pdv - the single PDV of a User-data, and what it holds */
static void user_data(struct buf *b, const User_data_t *ud)
{
	const PDV_list_t *pdv;
	const uint8_t *v;
	size_t vn;

	if (ud == NULL)
		return;
	if (ud->present != User_data_PR_fully_encoded_data) {
		buf_printf(b, " | simply-encoded data");
		return;
	}
	if (ud->choice.fully_encoded_data.list.count != 1)
		buf_printf(b, " | %d PDVs", ud->choice.fully_encoded_data.list.count);
	if (ud->choice.fully_encoded_data.list.count < 1)
		return;
	pdv = ud->choice.fully_encoded_data.list.array[0];
	if (pdv->presentation_data_values.present ==
	    PDV_list__presentation_data_values_PR_single_ASN1_type) {
		v = pdv->presentation_data_values.choice.single_ASN1_type.buf;
		vn = (size_t)pdv->presentation_data_values.choice.
		    single_ASN1_type.size;
	} else if (pdv->presentation_data_values.present ==
		   PDV_list__presentation_data_values_PR_octet_aligned) {
		v = pdv->presentation_data_values.choice.octet_aligned.buf;
		vn = (size_t)pdv->presentation_data_values.choice.
		    octet_aligned.size;
	} else {
		return;
	}
	buf_printf(b, " [ctx %ld]", pdv->presentation_context_identifier);
	if (vn > 0 && (v[0] & 0xe0) == 0x60)	/* [APPLICATION n]: ACSE */
		acse(b, v, vn);
	else
		rtse_apdu(b, v, vn);
}

static const char *abstract_name(const char *oid)
{
	if (strcmp(oid, "2.2.1.0.1") == 0)
		return "acse";
	if (strcmp(oid, "2.6.0.2.12") == 0)
		return "mta-rtse";
	if (strcmp(oid, "2.6.0.2.7") == 0)
		return "mts-transfer";
	return oid;
}

/* ppdu - X.226 PPDUs of the connection phase */
static void cp(struct buf *b, const uint8_t *p, size_t n, int *mode)
{
	CP_type_t *c = NULL;
	PConnect_t *pc = NULL;
	char oid[64];
	int i;

	if (codec_decode(&asn_DEF_CP_type, p, n, CAP, (void **)&c, NULL) != 0) {
		buf_printf(b, " | not a CP-type (%s): ", codec_last_detail());
		octets(b, p, n);
		return;
	}
	if (c->mode_selector.mode_value == 0) {
		*mode = MODE_X410;
		codec_free(&asn_DEF_CP_type, c);
		if (codec_decode(&asn_DEF_PConnect, p, n, CAP, (void **)&pc,
				 NULL) != 0) {
			buf_printf(b, " | X.410-1984 mode, not a PConnect (%s)",
			    codec_last_detail());
			return;
		}
		buf_printf(b, " | PConnect (X.410-1984 mode)");
		rt_params(b, pc->pUserData.checkpointSize,
			  pc->pUserData.windowSize, pc->pUserData.dialogueMode);
		if (pc->pUserData.applicationProtocol)
			buf_printf(b, ", application protocol %ld",
			    *pc->pUserData.applicationProtocol);
		connection_data(b, &pc->pUserData.connectionData);
		codec_free(&asn_DEF_PConnect, pc);
		return;
	}
	*mode = MODE_NORMAL;
	buf_printf(b, " | CP normal mode");
	if (c->normal_mode_parameters) {
		struct CP_type__normal_mode_parameters *nm =
		    c->normal_mode_parameters;

		if (nm->called_presentation_selector) {
			buf_printf(b, " called-psel ");
			text(b, nm->called_presentation_selector->buf,
			     (size_t)nm->called_presentation_selector->size);
		}
		if (nm->presentation_context_definition_list) {
			buf_printf(b, " contexts");
			for (i = 0; i < nm->presentation_context_definition_list->
			     list.count; i++) {
				Context_list_item_t *it = nm->
				    presentation_context_definition_list->list.
				    array[i];

				buf_printf(b, "%s %ld %s", i ? "," : "",
				    it->presentation_context_identifier,
				    abstract_name(asnx_oid_str(
				    &it->abstract_syntax_name, oid,
				    sizeof(oid))));
			}
		}
		user_data(b, nm->user_data);
	}
	codec_free(&asn_DEF_CP_type, c);
}

static void cpa(struct buf *b, const uint8_t *p, size_t n, int mode)
{
	CPA_PPDU_t *c = NULL;
	PAccept_t *pa = NULL;
	int i;

	if (mode == MODE_X410) {
		if (codec_decode(&asn_DEF_PAccept, p, n, CAP, (void **)&pa,
				 NULL) != 0) {
			buf_printf(b, " | not a PAccept (%s)", codec_last_detail());
			return;
		}
		buf_printf(b, " | PAccept");
		rt_params(b, pa->pUserData.checkpointSize,
			  pa->pUserData.windowSize, NULL);
		connection_data(b, &pa->pUserData.connectionData);
		codec_free(&asn_DEF_PAccept, pa);
		return;
	}
	if (codec_decode(&asn_DEF_CPA_PPDU, p, n, CAP, (void **)&c, NULL)) {
		buf_printf(b, " | not a CPA (%s): ", codec_last_detail());
		octets(b, p, n);
		return;
	}
	buf_printf(b, " | CPA");
	if (c->normal_mode_parameters) {
		struct CPA_PPDU__normal_mode_parameters *nm =
		    c->normal_mode_parameters;

		if (nm->presentation_context_definition_result_list) {
			buf_printf(b, " results");
			for (i = 0; i < nm->
			     presentation_context_definition_result_list->list.
			     count; i++)
				buf_printf(b, "%s %ld", i ? "," : "", nm->
				    presentation_context_definition_result_list->
				    list.array[i]->result);
		}
		user_data(b, nm->user_data);
	}
	codec_free(&asn_DEF_CPA_PPDU, c);
}

static void cpr(struct buf *b, const uint8_t *p, size_t n, int mode)
{
	CPR_PPDU_t *c = NULL;
	PRefuse_t *pr = NULL;

	if (mode == MODE_X410 && codec_decode(&asn_DEF_PRefuse, p, n, CAP,
					      (void **)&pr, NULL) == 0) {
		buf_printf(b, " | PRefuse reason %ld (%s)", pr->refuseReason,
		    pr->refuseReason == 0 ? "busy" : pr->refuseReason == 1 ?
		    "cannot recover" : pr->refuseReason == 2 ?
		    "validation failure" : pr->refuseReason == 3 ?
		    "unacceptable dialogue mode" : "?");
		codec_free(&asn_DEF_PRefuse, pr);
		return;
	}
	if (codec_decode(&asn_DEF_CPR_PPDU, p, n, CAP, (void **)&c, NULL)) {
		buf_printf(b, " | not a CPR (%s): ", codec_last_detail());
		octets(b, p, n);
		return;
	}
	if (c->present == CPR_PPDU_PR_normal_mode_parameters) {
		buf_printf(b, " | CPR");
		if (c->choice.normal_mode_parameters.provider_reason)
			buf_printf(b, " provider-reason %ld",
			    *c->choice.normal_mode_parameters.provider_reason);
		user_data(b, c->choice.normal_mode_parameters.user_data);
	} else {
		buf_printf(b, " | CPR (X.410-1984 form)");
	}
	codec_free(&asn_DEF_CPR_PPDU, c);
}

static void abort_ud(struct buf *b, const uint8_t *p, size_t n, int mode)
{
	Abort_type_t *a = NULL;

	if (mode != MODE_X410 && codec_decode(&asn_DEF_Abort_type, p, n, CAP,
					      (void **)&a, NULL) == 0) {
		if (a->present == Abort_type_PR_arp_ppdu) {
			buf_printf(b, " | ARP");
			if (a->choice.arp_ppdu.provider_reason)
				buf_printf(b, " reason %ld", *a->choice.arp_ppdu.
				    provider_reason);
		} else if (a->choice.aru_ppdu.present ==
			   ARU_PPDU_PR_normal_mode_parameters) {
			buf_printf(b, " | ARU");
			user_data(b, a->choice.aru_ppdu.choice.
				  normal_mode_parameters.user_data);
		} else {
			buf_printf(b, " | ARU (X.410-1984 form)");
		}
		codec_free(&asn_DEF_Abort_type, a);
		return;
	}
	rtse_apdu(b, p, n);
}

/* data_ud - user data of a P-DATA (normal mode) or S-DATA (X.410) */
static void data_ud(struct buf *b, const uint8_t *p, size_t n, int mode)
{
	User_data_t *u = NULL;

	if (n == 0)
		return;
	if (mode == MODE_X410) {
		buf_printf(b, " | ");
		octets(b, p, n);
		if (p[0] == 0xa0 || p[0] == 0xa1 || p[0] == 0xa2)
			mts_apdu(b, p, n);
		return;
	}
	if (codec_decode(&asn_DEF_User_data, p, n, CAP, (void **)&u, NULL)) {
		if (mode == -1 && n && (p[0] == 0xa0 || p[0] == 0xa2)) {
			buf_printf(b, " | ");
			octets(b, p, n);
			return;
		}
		buf_printf(b, " | not a PPDU User-data (%s): ", codec_last_detail());
		octets(b, p, n);
		return;
	}
	user_data(b, u);
	codec_free(&asn_DEF_User_data, u);
}

/* ---- session (X.225 8.3) ------------------------------------------- */

/* li - an SPDU or parameter length: 1 octet, or 0xff and 2 */
static int li(const uint8_t *p, size_t n, size_t *len, size_t *used)
{
	if (n < 1)
		return -1;
	if (p[0] != 0xff) {
		*len = p[0];
		*used = 1;
		return 0;
	}
	if (n < 3)
		return -1;
	*len = (size_t)(p[1] << 8 | p[2]);
	*used = 3;
	return 0;
}

struct sp {
	const uint8_t	*ud;		/* PGI 193/194 */
	size_t		udlen;
	int		version, have_version, reason, have_reason;
	unsigned	fu;
	int		have_fu;
	unsigned long	serial;
	int		have_serial;
	int		tokens, have_tokens, disc, have_disc;
};

/* params - walk a parameter field; nested in PGIs 1, 5 and 33 */
static int params(const uint8_t *p, size_t n, struct sp *s, struct buf *b,
		  int depth)
{
	size_t i = 0, len, used, k;

	while (i < n) {
		unsigned code = p[i];
		const uint8_t *v;

		if (li(p + i + 1, n - i - 1, &len, &used) != 0 ||
		    i + 1 + used + len > n) {
			buf_printf(b, " (parameter %u overruns the SPDU)", code);
			return -1;
		}
		v = p + i + 1 + used;
		switch (code) {
		case PGI_CONN_ID:
		case PGI_CONN_ITEM:
		case PGI_LINKING:	/* AR: old activity, serial */
			if (depth == 0)
				params(v, len, s, b, 1);
			break;
		case PGI_USER_DATA:
		case PGI_EXT_USER_DATA:
			s->ud = v;
			s->udlen = len;
			break;
		case PI_VERSION:
			s->version = len ? v[0] : 0;
			s->have_version = 1;
			break;
		case PI_REQUIREMENTS:
			s->fu = len >= 2 ? (unsigned)(v[0] << 8 | v[1]) :
			    len ? v[0] : 0;
			s->have_fu = 1;
			break;
		case PI_REASON:
			s->reason = len ? v[0] : -1;
			s->have_reason = 1;
			if (len > 1) {		/* RF: user data follows */
				s->ud = v + 1;
				s->udlen = len - 1;
			}
			break;
		case PI_SERIAL:
			s->serial = 0;
			for (k = 0; k < len; k++)
				if (v[k] >= '0' && v[k] <= '9')
					s->serial = s->serial * 10 +
					    (unsigned long)(v[k] - '0');
			s->have_serial = 1;
			break;
		case PI_TOKEN_ITEM:
			s->tokens = len ? v[0] : 0;
			s->have_tokens = 1;
			break;
		case PI_TRANSPORT_DISC:
			s->disc = len ? v[0] : 0;
			s->have_disc = 1;
			break;
		case PI_CALLING_SSEL:
			buf_printf(b, " calling-ssel ");
			text(b, v, len);
			break;
		case PI_CALLED_SSEL:
			buf_printf(b, " called-ssel ");
			text(b, v, len);
			break;
		default:
			break;
		}
		i += 1 + used + len;
	}
	return 0;
}

static void spdu_params(struct buf *b, const struct sp *s)
{
	if (s->have_version)
		buf_printf(b, " version%s%s", s->version & 1 ? " 1" : "",
		    s->version & 2 ? " 2" : "");
	if (s->have_fu)
		buf_printf(b, " requirements 0x%03x", s->fu);
	if (s->have_reason)
		buf_printf(b, " reason %d", s->reason);
	if (s->have_serial)
		buf_printf(b, " serial %lu", s->serial);
	if (s->have_tokens)
		buf_printf(b, " tokens 0x%02x", s->tokens);
	if (s->have_disc)
		buf_printf(b, " transport-disconnect 0x%02x", s->disc);
}

/* tsdu - the SPDUs of one TSDU; *mode learnt from a CN */
static void tsdu(const uint8_t *p, size_t n, int *mode, struct buf *b)
{
	size_t off = 0, len, used;
	int cat2 = 0, first = 1;

	if (n == 0) {
		buf_printf(b, "empty TSDU");
		return;
	}
	while (off < n) {
		int si = p[off];
		struct sp s;
		const uint8_t *par;

		memset(&s, 0, sizeof(s));
		if (li(p + off + 1, n - off - 1, &len, &used) != 0 ||
		    off + 1 + used + len > n) {
			buf_printf(b, "%sSPDU SI %d with a length beyond the TSDU, ",
			    first ? "" : " + ", si);
			octets(b, p + off, n - off);
			return;
		}
		par = p + off + 1 + used;
		if (first && (si == 1 || si == 2) && off + 1 + used + len < n)
			cat2 = 0;	/* a category 0 SPDU leads */
		else if (!first)
			cat2 = 1;
		buf_printf(b, "%s%s", first ? "" : " + ", ses_si_name(si, cat2));
		if (strcmp(ses_si_name(si, cat2), "unknown") == 0)
			buf_printf(b, " (SI %d)", si);
		params(par, len, &s, b, 0);
		spdu_params(b, &s);
		off += 1 + used + len;
		if (cat2 && si == SES_SI_DT) {
			/* X.225 8.3.30: the user information follows */
			data_ud(b, p + off, n - off, *mode);
			return;
		}
		if (s.ud) {
			switch (si) {
			case SES_SI_CN:
				cp(b, s.ud, s.udlen, mode);
				break;
			case SES_SI_AC:
				cpa(b, s.ud, s.udlen, *mode);
				break;
			case SES_SI_RF:
				cpr(b, s.ud, s.udlen, *mode);
				break;
			case 25:
				if (!cat2)
					abort_ud(b, s.ud, s.udlen, *mode);
				break;
			default:
				data_ud(b, s.ud, s.udlen, *mode);
			}
		}
		if (first && !cat2 && off < n) {
			first = 0;
			continue;
		}
		first = 0;
		if (off < n && cat2) {
			buf_printf(b, " + %zu octets after the SPDU", n - off);
			return;
		}
	}
}

void xc_tsdu_brief(const uint8_t *p, size_t n, int mode, struct buf *out)
{
	tsdu(p, n, &mode, out);
}

/* ---- captures ------------------------------------------------------ */

struct dir {
	struct tpkt_rx	rx;
	struct buf	tsdu;
	unsigned	nseg;		/* DT TPDUs in tsdu */
	int		broken;
};

struct cx {
	char		a[64], b[64];	/* a: who sent the SYN */
	int		no;
	int		mode;
	struct dir	d[2];		/* 0: a to b, 1: b to a */
};

struct dec {
	struct buf	*out;
	struct cx	*cx;
	size_t		ncx;
	double		t0;
};

static struct cx *conn_of(struct dec *d, const struct xc_seg *s, int *dir)
{
	size_t i;

	for (i = 0; i < d->ncx; i++) {
		if (strcmp(d->cx[i].a, s->src) == 0 &&
		    strcmp(d->cx[i].b, s->dst) == 0) {
			*dir = 0;
			return &d->cx[i];
		}
		if (strcmp(d->cx[i].b, s->src) == 0 &&
		    strcmp(d->cx[i].a, s->dst) == 0) {
			*dir = 1;
			return &d->cx[i];
		}
	}
	d->cx = xrealloc(d->cx, (d->ncx + 1) * sizeof(*d->cx));
	memset(&d->cx[d->ncx], 0, sizeof(d->cx[0]));
	snprintf(d->cx[d->ncx].a, sizeof(d->cx[0].a), "%s", s->src);
	snprintf(d->cx[d->ncx].b, sizeof(d->cx[0].b), "%s", s->dst);
	d->cx[d->ncx].no = (int)d->ncx + 1;
	d->cx[d->ncx].mode = -1;
	tpkt_rx_init(&d->cx[d->ncx].d[0].rx, TPKT_MAX_LEN);
	tpkt_rx_init(&d->cx[d->ncx].d[1].rx, TPKT_MAX_LEN);
	*dir = 0;
	return &d->cx[d->ncx++];
}

static void on_seg(void *arg, const struct xc_seg *s)
{
	struct dec *d = arg;
	struct cx *c;
	struct dir *dr;
	int dir;
	size_t off = 0, used, len;
	const uint8_t *tp;
	int rc;

	if (d->t0 == 0)
		d->t0 = s->ts;
	c = conn_of(d, s, &dir);
	if (s->flags & XC_TCP_SYN) {
		if (dir == 0)
			buf_printf(d->out, "%8.3f  #%d %s -> %s: TCP connection\n",
			    s->ts - d->t0, c->no, c->a, c->b);
		return;
	}
	dr = &c->d[dir];
	while (off < s->len && !dr->broken) {
		rc = tpkt_rx_feed(&dr->rx, s->data + off, s->len - off, &used,
				  &tp, &len);
		off += used;
		if (rc < 0) {
			buf_printf(d->out, "%8.3f  #%d %s  %s: ", s->ts - d->t0,
			    c->no, dir ? "<-" : "->", tpkt_strerror(rc));
			octets(d->out, s->data + off - used, s->len - off +
			       used);
			buf_printf(d->out, "\n");
			dr->broken = 1;
			break;
		}
		if (rc == 0)
			break;
		if (len >= 3 && (tp[1] & 0xf0) == 0xf0 && tp[0] == 2) {
			buf_add(&dr->tsdu, tp + 3, len - 3);
			dr->nseg++;
			if (!(tp[2] & 0x80))
				continue;	/* the TSDU goes on */
			buf_printf(d->out, "%8.3f  #%d %s  ", s->ts - d->t0, c->no,
			    dir ? "<-" : "->");
			if (dr->nseg > 1)
				buf_printf(d->out, "DT x%u ", dr->nseg);
			else
				buf_printf(d->out, "DT ");
			tsdu(buf_ptr(&dr->tsdu), buf_avail(&dr->tsdu),
			     &c->mode, d->out);
			buf_reset(&dr->tsdu);
			dr->nseg = 0;
		} else {
			buf_printf(d->out, "%8.3f  #%d %s  ", s->ts - d->t0, c->no,
			    dir ? "<-" : "->");
			xc_tpdu_brief(tp, len, d->out);
		}
		buf_printf(d->out, "\n");
	}
	if (s->flags & (XC_TCP_FIN | XC_TCP_RST))
		buf_printf(d->out, "%8.3f  #%d %s  %s\n", s->ts - d->t0, c->no,
		    dir ? "<-" : "->", s->flags & XC_TCP_RST ? "RST" : "FIN");
}

int xc_decode_pcap(const char *path, struct buf *out)
{
	struct dec d;
	size_t i;
	int rc;

	memset(&d, 0, sizeof(d));
	d.out = out;
	rc = xc_pcap_read(path, on_seg, &d);
	for (i = 0; i < d.ncx; i++) {
		tpkt_rx_free(&d.cx[i].d[0].rx);
		tpkt_rx_free(&d.cx[i].d[1].rx);
		buf_free(&d.cx[i].d[0].tsdu);
		buf_free(&d.cx[i].d[1].tsdu);
	}
	free(d.cx);
	return rc;
}
