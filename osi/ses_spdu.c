/*
 * ses_spdu.c - the SPDU codec of the session protocol (ITU-T X.225)
 *
 * See ses.h and ses_int.h. Encoding: PI and PGI units (8.2), SPDUs and
 * the TSDUs that carry them (6.3.7), the items of CN and AC (8.3.1,
 * 8.3.2). Decoding: an SPDU cut out of a TSDU, and its parameters
 * walked into a struct params for the machine (ses.c, ses_xfer.c) to act
 * on. Clause numbers are those of X.225 (11/1995).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ses_int.h"

const char *ses_si_name(int si, int cat2)
{
	switch (si) {
	case 0: return "ER";
	case 1: return cat2 ? "DT" : "GT";
	case 2: return "PT";
	case 5: return "EX";
	case 7: return "PR";
	case 8: return "NF";
	case 9: return "FN";
	case 10: return "DN";
	case 12: return "RF";
	case 13: return "CN";
	case 14: return "AC";
	case 15: return "CDO";
	case 16: return "OA";
	case 21: return "GTC";
	case 22: return "GTA";
	case 25: return cat2 ? "AI" : "AB";
	case 26: return cat2 ? "AIA" : "AA";
	case 29: return "AR";
	case 33: return "TD";
	case 34: return "RA";
	case 41: return "MAP/AE";
	case 42: return "MAA/AEA";
	case 45: return "AS";
	case 48: return "ED";
	case 49: return "MIP";
	case 50: return "MIA";
	case 53: return "RS";
	case 57: return "AD";
	case 58: return "ADA";
	case 61: return "CD";
	case 62: return "CDA";
	}
	return "unknown";
}


/* ---- encoding ---------------------------------------------------- */

/* put_len - an LI: one octet, or 0xFF and two (X.225 8.2.5) */
static void put_len(struct buf *b, size_t n)
{
	if (n < 255) {
		buf_add_u8(b, (unsigned)n);
	} else {
		buf_add_u8(b, 0xff);
		buf_add_u16be(b, (unsigned)n);
	}
}

/* ses_put_pi - one PI or PGI unit */
void ses_put_pi(struct buf *b, int code, const void *v, size_t n)
{
	buf_add_u8(b, (unsigned)code);
	put_len(b, n);
	buf_add(b, v, n);
}

void ses_put_pi_u8(struct buf *b, int code, unsigned v)
{
	unsigned char c = (unsigned char)v;

	ses_put_pi(b, code, &c, 1);
}

/* ses_put_serial - X.225 8.3.3.7: a serial number as 1-6 IA5 digits */
void ses_put_serial(struct buf *b, unsigned long sn)
{
	char d[16];
	int n = snprintf(d, sizeof(d), "%lu", sn % 1000000ul);

	ses_put_pi(b, PI_SERIAL, d, (size_t)n);
}

/* put_spdu - SI, LI and parameters (and the user information of DT) */
static void put_spdu(struct buf *out, int si, const struct buf *par,
		     const void *uinfo, size_t ulen)
{
	buf_add_u8(out, (unsigned)si);
	put_len(out, par ? buf_avail(par) : 0);
	if (par)
		buf_add(out, buf_ptr(par), buf_avail(par));
	buf_add(out, uinfo, ulen);
}

/* emit - hand one TSDU to the transport */
static void emit(struct ses *s, struct buf *tsdu)
{
	s->send(s->arg, buf_ptr(tsdu), buf_avail(tsdu));
	buf_free(tsdu);
}

/* ses_send_cat2 - a category 0 SPDU, then a category 2 SPDU, in one TSDU
 *	(X.225 6.3.7). The category 0 SPDU is an empty GT from the side
 *	that may send data, an empty PT otherwise, as PP and ISODE do. */
void ses_send_cat2(struct ses *s, int si, const struct buf *par,
		   const void *uinfo, size_t ulen)
{
	struct buf t = BUF_INIT;
	int cat0 = (s->avail & SES_TK_DATA) && !(s->owned & SES_TK_DATA) ?
	    SES_SI_PT : SES_SI_GT;

	buf_add_u8(&t, (unsigned)cat0);
	buf_add_u8(&t, 0);
	put_spdu(&t, si, par, uinfo, ulen);
	emit(s, &t);
}

/* ses_send_cat1 - a category 1 SPDU alone in its TSDU */
void ses_send_cat1(struct ses *s, int si, const struct buf *par)
{
	struct buf t = BUF_INIT;

	put_spdu(&t, si, par, NULL, 0);
	emit(s, &t);
}

/* ses_ud_max - the largest user data an SPDU other than CN may carry */
size_t ses_ud_max(const struct ses *s)
{
	return s->version == 1 ? SES_UD_V1_MAX : SES_UD_V2_MAX;
}

void ses_put_ud(struct buf *b, const void *ud, size_t udlen)
{
	if (udlen)
		ses_put_pi(b, PGI_USER_DATA, ud, udlen);
}

/* ses_tokens_available - X.225 7.1.1: which tokens the FUs create */
unsigned ses_tokens_available(unsigned fu)
{
	unsigned t = 0;

	if (fu & SES_FU_HALF_DUPLEX)
		t |= SES_TK_DATA;
	if (fu & SES_FU_MINOR_SYNC)
		t |= SES_TK_MINOR;
	if (fu & (SES_FU_MAJOR_SYNC | SES_FU_ACTIVITY))
		t |= SES_TK_MAJOR;
	if (fu & SES_FU_NEG_RELEASE)
		t |= SES_TK_RELEASE;
	return t;
}

/* ses_put_conn_items - the Connection Identifier, Connect/Accept Item,
 *	requirements and selectors of CN or AC (X.225 8.3.1, 8.3.2) */
void ses_put_conn_items(struct ses *s, struct buf *par,
			const struct ses_conn *c, int cn, int overflow)
{
	struct buf g = BUF_INIT;

	if (c->ssuser_ref_len || c->common_ref_len) {
		if (c->ssuser_ref_len)
			ses_put_pi(&g, cn ? PI_CALLING_REF : PI_CALLED_REF,
				   c->ssuser_ref, c->ssuser_ref_len);
		if (c->common_ref_len)
			ses_put_pi(&g, PI_COMMON_REF, c->common_ref,
				   c->common_ref_len);
		ses_put_pi(par, PGI_CONN_ID, buf_ptr(&g), buf_avail(&g));
		buf_reset(&g);
	}
	ses_put_pi_u8(&g, PI_PROTO_OPTIONS, 0);
	ses_put_pi_u8(&g, PI_VERSION, cn ? s->cfg.versions : s->version);
	if (c->initial_serial) {
		char d[8];
		int n = snprintf(d, sizeof(d), "%u",
				 c->initial_serial % 1000000u);

		ses_put_pi(&g, PI_INITIAL_SERIAL, d, (size_t)n);
	}
	if (ses_tokens_available(cn ? c->requirements : s->fu))
		ses_put_pi_u8(&g, PI_TOKEN_SETTING, (unsigned)c->token_setting);
	ses_put_pi(par, PGI_CONN_ITEM, buf_ptr(&g), buf_avail(&g));
	buf_free(&g);
	{
		unsigned char r[2];
		unsigned fu = cn ? c->requirements : s->fu;

		r[0] = (unsigned char)(fu >> 8);
		r[1] = (unsigned char)fu;
		ses_put_pi(par, PI_REQUIREMENTS, r, 2);
	}
	if (cn) {
		if (c->calling_ssel_len)
			ses_put_pi(par, PI_CALLING_SSEL, c->calling_ssel,
				   c->calling_ssel_len);
		if (c->called_ssel_len)
			ses_put_pi(par, PI_CALLED_SSEL, c->called_ssel,
				   c->called_ssel_len);
	} else if (c->called_ssel_len) {
		/* Responding Session Selector */
		ses_put_pi(par, PI_CALLED_SSEL, c->called_ssel,
			   c->called_ssel_len);
	}
	if (overflow)
		ses_put_pi_u8(par, PI_DATA_OVERFLOW, 1);
}

/* ---- decoding ---------------------------------------------------- */

/* get_len - read an LI at p; returns octets used, 0 if malformed */
static size_t get_len(const unsigned char *p, size_t n, size_t *len)
{
	if (n < 1)
		return 0;
	if (p[0] != 0xff) {
		*len = p[0];
		return 1;
	}
	if (n < 3)
		return 0;
	*len = ((size_t)p[1] << 8) | p[2];
	return 3;
}

/* ses_fail - record a protocol error; returns SES_E_PROTOCOL */
int ses_fail(struct ses *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	return SES_E_PROTOCOL;
}

/* ses_cut_spdu - the SPDU at p[0..n): header and parameter field */
int ses_cut_spdu(struct ses *s, const unsigned char *p, size_t n,
		 struct spdu *sp, size_t *used)
{
	size_t li, h;

	if (n < 2)
		return ses_fail(s, "SPDU of %zu octets is too short", n);
	sp->si = p[0];
	if ((h = get_len(p + 1, n - 1, &li)) == 0)
		return ses_fail(s, "SPDU SI %d: truncated LI", p[0]);
	if (1 + h + li > n)
		return ses_fail(s, "SPDU SI %d: LI %zu beyond the TSDU "
				"(%zu left)", p[0], li, n - 1 - h);
	sp->par = p + 1 + h;
	sp->plen = li;
	sp->uinfo = NULL;
	sp->ulen = 0;
	*used = 1 + h + li;
	return 0;
}

/* copy_field - a bounded octet field of a ses_conn */
static int copy_field(struct ses *s, unsigned char *dst, size_t *dlen,
		      size_t max, const unsigned char *v, size_t n,
		      const char *what)
{
	if (n > max)
		return ses_fail(s, "%s of %zu octets (at most %zu)", what, n,
				max);
	memcpy(dst, v, n);
	*dlen = n;
	return 0;
}

/* get_serial - X.225 8.3.3.7: 1 to 6 IA5 digits */
static int get_serial(struct ses *s, const unsigned char *v, size_t n,
		      unsigned long *sn)
{
	size_t i;

	if (n < 1 || n > 6)
		return ses_fail(s, "Serial Number of %zu digits", n);
	*sn = 0;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return ses_fail(s, "Serial Number octet 0x%02x is "
					"not a digit", v[i]);
		*sn = *sn * 10 + (unsigned long)(v[i] - '0');
	}
	return 0;
}

/* ses_parse_pis - walk PIs and PGIs (X.225 8.2), filling pr. in_pgi is the
 *	PGI we are inside (0 at top level). Unknown PIs are skipped, as
 *	8.2.4 allows receivers to. */
int ses_parse_pis(struct ses *s, const unsigned char *p, size_t n,
		  int in_pgi, struct params *pr)
{
	while (n > 0) {
		size_t h, len;
		const unsigned char *v;
		int code = p[0];

		if ((h = get_len(p + 1, n - 1, &len)) == 0 ||
		    1 + h + len > n)
			return ses_fail(s, "parameter %d: length beyond the "
					"SPDU", code);
		v = p + 1 + h;
		switch (code) {
		case PGI_CONN_ID:
		case PGI_CONN_ITEM:
		case PGI_LINKING:
			if (in_pgi)
				return ses_fail(s, "PGI %d inside PGI %d", code,
						in_pgi);
			if (ses_parse_pis(s, v, len, code, pr))
				return SES_E_PROTOCOL;
			break;
		case PGI_USER_DATA:
		case PGI_EXT_USER_DATA:
			pr->ud = v;
			pr->udlen = len;
			break;
		case PI_CALLED_REF:
		case PI_CALLING_REF:
			if (copy_field(s, pr->c.ssuser_ref,
			    &pr->c.ssuser_ref_len, SES_REF_MAX, v, len,
			    "SS-user Reference"))
				return SES_E_PROTOCOL;
			break;
		case PI_COMMON_REF:
			if (copy_field(s, pr->c.common_ref,
			    &pr->c.common_ref_len, SES_REF_MAX, v, len,
			    "Common Reference"))
				return SES_E_PROTOCOL;
			break;
		case PI_SYNC_TYPE:
		case PI_TOKEN_ITEM:
		case PI_TRANSPORT_DISC:
		case PI_PROTO_OPTIONS:
		case PI_VERSION:
		case PI_ENCLOSURE:
		case PI_TOKEN_SETTING:
		case PI_DATA_OVERFLOW:
			if (len != 1)
				return ses_fail(s, "PI %d of %zu octets (1 "
						"expected)", code, len);
			if (code == PI_SYNC_TYPE)
				pr->have_sync = 1, pr->sync = v[0];
			else if (code == PI_TOKEN_ITEM)
				pr->have_tokens = 1, pr->tokens = v[0];
			else if (code == PI_TRANSPORT_DISC)
				pr->have_td = 1, pr->td = v[0];
			else if (code == PI_VERSION)
				pr->have_versions = 1, pr->c.versions = v[0];
			else if (code == PI_ENCLOSURE)
				pr->have_enclosure = 1,
				pr->enclosure = v[0];
			else if (code == PI_TOKEN_SETTING)
				pr->have_token_setting = 1,
				pr->c.token_setting = v[0];
			else if (code == PI_DATA_OVERFLOW)
				pr->have_overflow = v[0] & 1;
			break;
		case PI_REQUIREMENTS:
			if (len != 2)
				return ses_fail(s, "Session User Requirements "
						"of %zu octets (2 expected)",
						len);
			pr->have_requirements = 1;
			pr->c.requirements = ((unsigned)v[0] << 8) | v[1];
			break;
		case PI_INITIAL_SERIAL:
			if (get_serial(s, v, len, &pr->serial))
				return SES_E_PROTOCOL;
			pr->c.initial_serial = (unsigned)pr->serial;
			break;
		case PI_ACT_ID:
			if (len < 1 || len > 6)
				return ses_fail(s, "Activity Identifier of %zu "
						"octets (1 to 6)", len);
			if (in_pgi == PGI_LINKING) {
				pr->old_act_id = v;
				pr->old_act_id_len = len;
			} else {
				pr->act_id = v;
				pr->act_id_len = len;
			}
			break;
		case PI_SERIAL:
			if (get_serial(s, v, len, &pr->serial))
				return SES_E_PROTOCOL;
			pr->have_serial = 1;
			break;
		case PI_REASON:
			if (len < 1)
				return ses_fail(s, "empty Reason Code");
			pr->have_reason = 1;
			pr->reason = v[0];
			pr->reason_ud = v + 1;
			pr->reason_udlen = len - 1;
			break;
		case PI_CALLING_SSEL:
			if (copy_field(s, pr->c.calling_ssel,
			    &pr->c.calling_ssel_len, SES_SSEL_MAX, v, len,
			    "Calling Session Selector"))
				return SES_E_PROTOCOL;
			pr->have_ssel_calling = 1;
			break;
		case PI_CALLED_SSEL:
			if (copy_field(s, pr->c.called_ssel,
			    &pr->c.called_ssel_len, SES_SSEL_MAX, v, len,
			    "Called Session Selector"))
				return SES_E_PROTOCOL;
			pr->have_ssel_called = 1;
			break;
		default:
			break;	/* X.225 8.2.4: ignore what we do not know */
		}
		p += 1 + h + len;
		n -= 1 + h + len;
	}
	return 0;
}
