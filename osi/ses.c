/*
 * ses.c - the OSI session protocol machine (ITU-T X.225)
 *
 * See ses.h. Clause numbers are those of X.225 (11/1995); Annex A is
 * its state table, whose state names ses.h keeps in brackets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ses.h"
#include "xalloc.h"

/* PI and PGI codes, X.225 8.3 */
enum {
	PGI_CONN_ID = 1, PGI_CONN_ITEM = 5, PGI_LINKING = 33,
	PGI_USER_DATA = 193, PGI_EXT_USER_DATA = 194,
	PI_CALLED_REF = 9, PI_CALLING_REF = 10, PI_COMMON_REF = 11,
	PI_ADD_REF = 12, PI_SYNC_TYPE = 15, PI_TOKEN_ITEM = 16,
	PI_TRANSPORT_DISC = 17, PI_PROTO_OPTIONS = 19, PI_REQUIREMENTS = 20,
	PI_TSDU_MAX = 21, PI_VERSION = 22, PI_INITIAL_SERIAL = 23,
	PI_ENCLOSURE = 25, PI_TOKEN_SETTING = 26, PI_ACT_ID = 41,
	PI_SERIAL = 42, PI_REFLECT = 49, PI_REASON = 50,
	PI_CALLING_SSEL = 51, PI_CALLED_SSEL = 52, PI_DATA_OVERFLOW = 60
};

#define ENC_BEGIN	0x01	/* Enclosure Item: beginning of SSDU */
#define ENC_END		0x02	/* Enclosure Item: end of SSDU */
#define SYNC_NOEXPL	0x01	/* MIP: explicit confirmation not needed */
#define SYNC_NOEND	0x01	/* MAP: not the end of an activity */

/* One SPDU as cut out of a TSDU. */
struct spdu {
	int		si;
	const unsigned char *par;	/* parameter field */
	size_t		plen;
	const unsigned char *uinfo;	/* user information field (DT) */
	size_t		ulen;
};

/* The parameters of one SPDU that we act on. */
struct params {
	struct ses_conn	c;
	int		have_ssel_called, have_ssel_calling;
	int		have_tokens, tokens;
	int		have_td, td;
	int		have_enclosure, enclosure;
	int		have_sync, sync;
	int		have_serial;
	unsigned long	serial;
	int		have_reason, reason;
	int		have_overflow;
	const unsigned char *reason_ud;	/* RF: data after the reason */
	size_t		reason_udlen;
	const unsigned char *ud;	/* PGI 193 or 194 */
	size_t		udlen;
	const unsigned char *act_id, *old_act_id;
	size_t		act_id_len, old_act_id_len;
	int		have_versions, have_requirements, have_token_setting;
};

static const char *const state_names[] = {
	"IDLE", "WAIT-AC", "WAIT-OA", "WAIT-CDO", "WAIT-CONNECT-RSP", "OPEN",
	"WAIT-DN", "WAIT-RELEASE-RSP", "WAIT-AA", "CLOSED"
};

const char *ses_state_name(enum ses_state st)
{
	return (unsigned)st < sizeof(state_names) / sizeof(state_names[0]) ?
	    state_names[st] : "?";
}

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

/* put_pi - one PI or PGI unit */
static void put_pi(struct buf *b, int code, const void *v, size_t n)
{
	buf_add_u8(b, (unsigned)code);
	put_len(b, n);
	buf_add(b, v, n);
}

static void put_pi_u8(struct buf *b, int code, unsigned v)
{
	unsigned char c = (unsigned char)v;

	put_pi(b, code, &c, 1);
}

/* put_serial - X.225 8.3.3.7: a serial number as 1-6 IA5 digits */
static void put_serial(struct buf *b, unsigned long sn)
{
	char d[16];
	int n = snprintf(d, sizeof(d), "%lu", sn % 1000000ul);

	put_pi(b, PI_SERIAL, d, (size_t)n);
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

/* send_cat2 - a category 0 SPDU, then a category 2 SPDU, in one TSDU
 *	(X.225 6.3.7). The category 0 SPDU is an empty GT from the side
 *	that may send data, an empty PT otherwise, as PP and ISODE do. */
static void send_cat2(struct ses *s, int si, const struct buf *par,
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

/* send_cat1 - a category 1 SPDU alone in its TSDU */
static void send_cat1(struct ses *s, int si, const struct buf *par)
{
	struct buf t = BUF_INIT;

	put_spdu(&t, si, par, NULL, 0);
	emit(s, &t);
}

/* ud_max - the largest user data an SPDU other than CN may carry */
static size_t ud_max(const struct ses *s)
{
	return s->version == 1 ? SES_UD_V1_MAX : SES_UD_V2_MAX;
}

static void put_ud(struct buf *b, const void *ud, size_t udlen)
{
	if (udlen)
		put_pi(b, PGI_USER_DATA, ud, udlen);
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

/* fail - record a protocol error; returns SES_E_PROTOCOL */
static int fail(struct ses *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct ses *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	return SES_E_PROTOCOL;
}

/* cut_spdu - the SPDU at p[0..n): header and parameter field */
static int cut_spdu(struct ses *s, const unsigned char *p, size_t n,
		    struct spdu *sp, size_t *used)
{
	size_t li, h;

	if (n < 2)
		return fail(s, "SPDU of %zu octets is too short", n);
	sp->si = p[0];
	if ((h = get_len(p + 1, n - 1, &li)) == 0)
		return fail(s, "SPDU SI %d: truncated LI", p[0]);
	if (1 + h + li > n)
		return fail(s, "SPDU SI %d: LI %zu beyond the TSDU (%zu left)",
			    p[0], li, n - 1 - h);
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
		return fail(s, "%s of %zu octets (at most %zu)", what, n, max);
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
		return fail(s, "Serial Number of %zu digits", n);
	*sn = 0;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return fail(s, "Serial Number octet 0x%02x is not a "
				    "digit", v[i]);
		*sn = *sn * 10 + (unsigned long)(v[i] - '0');
	}
	return 0;
}

/* parse_pis - walk PIs and PGIs (X.225 8.2), filling pr. in_pgi is the
 *	PGI we are inside (0 at top level). Unknown PIs are skipped, as
 *	8.2.4 allows receivers to. */
static int parse_pis(struct ses *s, const unsigned char *p, size_t n,
		     int in_pgi, struct params *pr)
{
	while (n > 0) {
		size_t h, len;
		const unsigned char *v;
		int code = p[0];

		if ((h = get_len(p + 1, n - 1, &len)) == 0 ||
		    1 + h + len > n)
			return fail(s, "parameter %d: length beyond the "
				    "SPDU", code);
		v = p + 1 + h;
		switch (code) {
		case PGI_CONN_ID:
		case PGI_CONN_ITEM:
		case PGI_LINKING:
			if (in_pgi)
				return fail(s, "PGI %d inside PGI %d", code,
					    in_pgi);
			if (parse_pis(s, v, len, code, pr))
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
				return fail(s, "PI %d of %zu octets (1 "
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
				return fail(s, "Session User Requirements of "
					    "%zu octets (2 expected)", len);
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
				return fail(s, "Activity Identifier of %zu "
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
				return fail(s, "empty Reason Code");
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

/* ---- the machine ------------------------------------------------- */

void ses_init(struct ses *s, enum ses_role role, const struct ses_cfg *cfg,
	      ses_user_fn *user, ses_tsdu_fn *send, void *arg)
{
	memset(s, 0, sizeof(*s));
	s->role = role;
	s->state = SES_ST_IDLE;
	s->cfg = *cfg;
	if (s->cfg.versions == 0)
		s->cfg.versions = 3;
	if (s->cfg.requirements == 0)
		s->cfg.requirements = SES_FU_RTSE;
	if (s->cfg.max_ud == 0)
		s->cfg.max_ud = 64u * 1024 * 1024;
	s->user = user;
	s->send = send;
	s->arg = arg;
}

void ses_free(struct ses *s)
{
	buf_free(&s->ud);
}

/* up - give the user an indication */
static void up(struct ses *s, enum ses_ind_type type, const void *ud,
	       size_t udlen)
{
	struct ses_ind ind;

	memset(&ind, 0, sizeof(ind));
	ind.type = type;
	ind.ud = ud;
	ind.udlen = udlen;
	s->user(s->arg, &ind);
}

/* tokens_available - X.225 7.1.1: which tokens the FUs create */
static unsigned tokens_available(unsigned fu)
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

/* token_owner - from the Token Setting Item (8.3.1.12), the tokens the
 *	initiator holds; a "called user's choice" setting is resolved to
 *	the initiator's side. */
static unsigned initiator_tokens(int setting)
{
	static const unsigned tk[4] = {
		SES_TK_DATA, SES_TK_MINOR, SES_TK_MAJOR, SES_TK_RELEASE
	};
	unsigned own = 0;
	int i;

	for (i = 0; i < 4; i++) {
		int v = (setting >> (2 * i)) & 3;

		if (v == SES_TOKENS_INITIATOR || v == SES_TOKENS_CALLED_CHOICE)
			own |= tk[i];
	}
	return own;
}

/* resolve_setting - the responder's answer to a token setting: a
 *	"called user's choice" (10) becomes "initiator's side" (00) */
static int resolve_setting(int setting)
{
	int i, r = 0;

	for (i = 0; i < 4; i++) {
		int v = (setting >> (2 * i)) & 3;

		if (v == SES_TOKENS_CALLED_CHOICE || v == 3)
			v = SES_TOKENS_INITIATOR;
		r |= v << (2 * i);
	}
	return r;
}

/* connected - enter data transfer with the negotiated parameters */
static void connected(struct ses *s)
{
	unsigned init = initiator_tokens(s->conn.token_setting);

	s->avail = tokens_available(s->fu);
	s->owned = (s->role == SES_INITIATOR ? init : ~init) & s->avail;
	s->vm = s->va = s->conn.initial_serial;
	s->in_activity = 0;
	s->await = s->owe = 0;
	s->state = SES_ST_OPEN;
}

/* abort_protocol - X.225 7.9: a protocol error. Send an AB (transport
 *	released, protocol error), give a P-ABORT indication. */
static int abort_protocol(struct ses *s)
{
	struct buf par = BUF_INIT;

	if (s->state != SES_ST_CLOSED && s->state != SES_ST_IDLE) {
		put_pi_u8(&par, PI_TRANSPORT_DISC,
			  SES_TD_RELEASED | SES_TD_PROTOCOL_ERROR);
		send_cat1(s, SES_SI_AB, &par);
		buf_free(&par);
	}
	s->state = SES_ST_CLOSED;
	up(s, SES_P_ABORT_IND, NULL, 0);
	return SES_E_PROTOCOL;
}

void ses_transport_lost(struct ses *s)
{
	if (s->state == SES_ST_CLOSED || s->state == SES_ST_IDLE)
		return;
	snprintf(s->why, sizeof(s->why), "transport connection lost in "
		 "state %s", ses_state_name(s->state));
	s->state = SES_ST_CLOSED;
	up(s, SES_P_ABORT_IND, NULL, 0);
}

/* put_conn_items - the Connection Identifier, Connect/Accept Item,
 *	requirements and selectors of CN or AC (X.225 8.3.1, 8.3.2) */
static void put_conn_items(struct ses *s, struct buf *par,
			   const struct ses_conn *c, int cn, int overflow)
{
	struct buf g = BUF_INIT;

	if (c->ssuser_ref_len || c->common_ref_len) {
		if (c->ssuser_ref_len)
			put_pi(&g, cn ? PI_CALLING_REF : PI_CALLED_REF,
			       c->ssuser_ref, c->ssuser_ref_len);
		if (c->common_ref_len)
			put_pi(&g, PI_COMMON_REF, c->common_ref,
			       c->common_ref_len);
		put_pi(par, PGI_CONN_ID, buf_ptr(&g), buf_avail(&g));
		buf_reset(&g);
	}
	put_pi_u8(&g, PI_PROTO_OPTIONS, 0);
	put_pi_u8(&g, PI_VERSION, cn ? s->cfg.versions : s->version);
	if (c->initial_serial) {
		char d[8];
		int n = snprintf(d, sizeof(d), "%u",
				 c->initial_serial % 1000000u);

		put_pi(&g, PI_INITIAL_SERIAL, d, (size_t)n);
	}
	if (tokens_available(cn ? c->requirements : s->fu))
		put_pi_u8(&g, PI_TOKEN_SETTING, (unsigned)c->token_setting);
	put_pi(par, PGI_CONN_ITEM, buf_ptr(&g), buf_avail(&g));
	buf_free(&g);
	{
		unsigned char r[2];
		unsigned fu = cn ? c->requirements : s->fu;

		r[0] = (unsigned char)(fu >> 8);
		r[1] = (unsigned char)fu;
		put_pi(par, PI_REQUIREMENTS, r, 2);
	}
	if (cn) {
		if (c->calling_ssel_len)
			put_pi(par, PI_CALLING_SSEL, c->calling_ssel,
			       c->calling_ssel_len);
		if (c->called_ssel_len)
			put_pi(par, PI_CALLED_SSEL, c->called_ssel,
			       c->called_ssel_len);
	} else if (c->called_ssel_len) {
		/* Responding Session Selector */
		put_pi(par, PI_CALLED_SSEL, c->called_ssel,
		       c->called_ssel_len);
	}
	if (overflow)
		put_pi_u8(par, PI_DATA_OVERFLOW, 1);
}

int ses_connect_req(struct ses *s, const struct ses_conn *c, const void *ud,
		    size_t udlen)
{
	struct buf par = BUF_INIT;
	size_t first = udlen;
	int overflow = 0;

	if (s->role != SES_INITIATOR || s->state != SES_ST_IDLE)
		return SES_E_STATE;
	if (!(s->cfg.versions & 2) && udlen > SES_UD_V1_MAX)
		return SES_E_TOOBIG;
	if (udlen > SES_UD_CN_V2_MAX) {
		/* X.225 7.1.1.4: the rest follows in CDO SPDUs */
		first = SES_UD_CN_V2_MAX;
		overflow = 1;
	}
	s->conn = *c;
	if (s->conn.requirements == 0)
		s->conn.requirements = s->cfg.requirements;
	s->conn.versions = s->cfg.versions;
	put_conn_items(s, &par, &s->conn, 1, overflow);
	if (first > SES_UD_V1_MAX)
		put_pi(&par, PGI_EXT_USER_DATA, ud, first);
	else
		put_ud(&par, ud, first);
	send_cat1(s, SES_SI_CN, &par);
	buf_free(&par);
	buf_reset(&s->ud);
	if (overflow) {
		buf_add(&s->ud, (const unsigned char *)ud + first,
			udlen - first);
		s->state = SES_ST_WAIT_OA;
	} else {
		s->state = SES_ST_WAIT_AC;
	}
	return 0;
}

/* send_cdo - X.225 7.1.1.4: the connect data that did not fit in CN */
static void send_cdo(struct ses *s)
{
	while (buf_avail(&s->ud) > 0) {
		struct buf par = BUF_INIT;
		size_t n = buf_avail(&s->ud);

		if (n > SES_UD_V2_MAX)
			n = SES_UD_V2_MAX;
		put_pi_u8(&par, PI_ENCLOSURE,
			  n == buf_avail(&s->ud) ? ENC_END : 0);
		put_pi(&par, PGI_USER_DATA, buf_ptr(&s->ud), n);
		send_cat1(s, SES_SI_CDO, &par);
		buf_free(&par);
		buf_consume(&s->ud, n);
	}
}

int ses_connect_rsp(struct ses *s, int accept, int reason,
		    const struct ses_conn *c, const void *ud, size_t udlen)
{
	struct buf par = BUF_INIT;

	if (s->role != SES_RESPONDER || s->state != SES_ST_WAIT_CONN_RSP)
		return SES_E_STATE;
	if (udlen > ud_max(s))
		return SES_E_TOOBIG;
	if (!accept) {
		/* X.225 8.3.4: RF. User data rides in the Reason Code after
		 * its first octet, which must then say so (2). */
		put_pi_u8(&par, PI_TRANSPORT_DISC, SES_TD_RELEASED);
		if (udlen && reason < 128)
			reason = SES_RF_USER_DATA;
		{
			struct buf r = BUF_INIT;

			buf_add_u8(&r, (unsigned)reason);
			buf_add(&r, ud, udlen);
			put_pi(&par, PI_REASON, buf_ptr(&r), buf_avail(&r));
			buf_free(&r);
		}
		send_cat1(s, SES_SI_RF, &par);
		buf_free(&par);
		s->state = SES_ST_CLOSED;
		return 0;
	}
	if (c) {
		/* The user may narrow the functional units and set the
		 * responding selector; the rest was fixed on CN. */
		if (c->requirements)
			s->fu &= c->requirements;
		memcpy(s->conn.called_ssel, c->called_ssel,
		       c->called_ssel_len);
		s->conn.called_ssel_len = c->called_ssel_len;
	}
	s->conn.requirements = s->fu;
	put_conn_items(s, &par, &s->conn, 0, 0);
	put_ud(&par, ud, udlen);
	send_cat1(s, SES_SI_AC, &par);
	buf_free(&par);
	connected(s);
	return 0;
}

/* negotiate - the responder's side of CN: version, FUs, tokens */
static int negotiate(struct ses *s, const struct params *pr)
{
	unsigned v = pr->have_versions ? pr->c.versions : 1;
	unsigned fu = pr->have_requirements ? pr->c.requirements :
	    (SES_FU_HALF_DUPLEX | SES_FU_MINOR_SYNC | SES_FU_ACTIVITY |
	     SES_FU_CAPABILITY | SES_FU_EXCEPTIONS);	/* 8.3.1.9 default */

	v &= s->cfg.versions;
	if (v == 0)
		return SES_RF_VERSION;
	s->version = (v & 2) ? 2 : 1;
	fu &= SES_FU_SUPPORTED & s->cfg.requirements;
	if ((fu & SES_FU_HALF_DUPLEX) && (fu & SES_FU_DUPLEX))
		fu &= ~SES_FU_DUPLEX;	/* we pick half-duplex */
	s->fu = fu;
	s->conn = pr->c;
	s->conn.requirements = fu;
	s->conn.token_setting = resolve_setting(pr->have_token_setting ?
	    pr->c.token_setting : 0);
	return 0;
}

/* ssel_ok - the called session selector is ours (or we take any) */
static int ssel_ok(const struct ses *s, const struct params *pr)
{
	if (s->cfg.ssel == NULL)
		return 1;
	return pr->c.called_ssel_len == s->cfg.ssel_len &&
	    memcmp(pr->c.called_ssel, s->cfg.ssel, s->cfg.ssel_len) == 0;
}

/* refuse_spm - X.225 7.1.2: the SPM itself refuses a CN */
static void refuse_spm(struct ses *s, int reason)
{
	struct buf par = BUF_INIT;

	put_pi_u8(&par, PI_TRANSPORT_DISC, SES_TD_RELEASED);
	put_pi_u8(&par, PI_REASON, (unsigned)reason);
	send_cat1(s, SES_SI_RF, &par);
	buf_free(&par);
	s->state = SES_ST_CLOSED;
}

/* on_cn - CONNECT SPDU (X.225 7.1.2) */
static int on_cn(struct ses *s, const struct params *pr)
{
	int r;

	if (s->role != SES_RESPONDER || s->state != SES_ST_IDLE)
		return fail(s, "CN in state %s", ses_state_name(s->state));
	if (!ssel_ok(s, pr)) {
		fail(s, "called session selector (%zu octets) is not ours",
		     pr->c.called_ssel_len);
		refuse_spm(s, SES_RF_SSEL_UNKNOWN);
		return SES_E_PARAM;
	}
	if ((r = negotiate(s, pr)) != 0) {
		fail(s, "no common protocol version (offered 0x%x)",
		     pr->c.versions);
		refuse_spm(s, r);
		return SES_E_PARAM;
	}
	if (pr->udlen > (s->version == 1 ? SES_UD_V1_MAX : SES_UD_CN_V2_MAX))
		return fail(s, "CN user data of %zu octets", pr->udlen);
	buf_reset(&s->ud);
	buf_add(&s->ud, pr->ud, pr->udlen);
	if (pr->have_overflow) {
		/* X.225 7.1.1.4: ask for the rest with an OA */
		struct buf par = BUF_INIT;

		if (s->version != 2)
			return fail(s, "Data Overflow in version 1");
		put_pi_u8(&par, PI_VERSION, 2);
		send_cat1(s, SES_SI_OA, &par);
		buf_free(&par);
		s->state = SES_ST_WAIT_CDO;
		return 0;
	}
	s->state = SES_ST_WAIT_CONN_RSP;
	{
		struct ses_ind ind;

		memset(&ind, 0, sizeof(ind));
		ind.type = SES_CONNECT_IND;
		ind.conn = &s->conn;
		ind.ud = buf_ptr(&s->ud);
		ind.udlen = buf_avail(&s->ud);
		s->user(s->arg, &ind);
	}
	return 0;
}

/* on_cdo - CONNECT DATA OVERFLOW (X.225 7.1.1.4) */
static int on_cdo(struct ses *s, const struct params *pr)
{
	if (s->state != SES_ST_WAIT_CDO)
		return fail(s, "CDO in state %s", ses_state_name(s->state));
	if (buf_avail(&s->ud) + pr->udlen > s->cfg.max_ud)
		return fail(s, "connect user data over %zu octets",
			    s->cfg.max_ud);
	buf_add(&s->ud, pr->ud, pr->udlen);
	if (pr->have_enclosure && (pr->enclosure & ENC_END)) {
		struct ses_ind ind;

		s->state = SES_ST_WAIT_CONN_RSP;
		memset(&ind, 0, sizeof(ind));
		ind.type = SES_CONNECT_IND;
		ind.conn = &s->conn;
		ind.ud = buf_ptr(&s->ud);
		ind.udlen = buf_avail(&s->ud);
		s->user(s->arg, &ind);
	}
	return 0;
}

/* on_ac - ACCEPT (X.225 7.1.3) */
static int on_ac(struct ses *s, const struct params *pr)
{
	struct ses_ind ind;
	unsigned v;

	if (s->state != SES_ST_WAIT_AC)
		return fail(s, "AC in state %s", ses_state_name(s->state));
	v = pr->have_versions ? pr->c.versions : 1;
	if ((v & s->cfg.versions) == 0)
		return fail(s, "AC selects version 0x%x, we offered 0x%x", v,
			    s->cfg.versions);
	s->version = (v & s->cfg.versions & 2) ? 2 : 1;
	s->fu = (pr->have_requirements ? pr->c.requirements :
		 s->conn.requirements) & s->conn.requirements;
	if ((s->fu & SES_FU_HALF_DUPLEX) && (s->fu & SES_FU_DUPLEX))
		return fail(s, "AC selects both half-duplex and duplex");
	if (pr->have_token_setting)
		s->conn.token_setting = pr->c.token_setting;
	s->conn.token_setting = resolve_setting(s->conn.token_setting);
	s->conn.requirements = s->fu;
	if (pr->c.common_ref_len) {
		memcpy(s->conn.common_ref, pr->c.common_ref,
		       pr->c.common_ref_len);
		s->conn.common_ref_len = pr->c.common_ref_len;
	}
	connected(s);
	memset(&ind, 0, sizeof(ind));
	ind.type = SES_CONNECT_CONF;
	ind.conn = &s->conn;
	ind.ud = pr->ud;
	ind.udlen = pr->udlen;
	s->user(s->arg, &ind);
	return 0;
}

/* on_rf - REFUSE (X.225 7.1.4) */
static int on_rf(struct ses *s, const struct params *pr)
{
	struct ses_ind ind;

	if (s->state != SES_ST_WAIT_AC && s->state != SES_ST_WAIT_OA)
		return fail(s, "RF in state %s", ses_state_name(s->state));
	s->state = SES_ST_CLOSED;
	memset(&ind, 0, sizeof(ind));
	ind.type = SES_REFUSE_IND;
	ind.reason = pr->have_reason ? pr->reason : SES_RF_USER_UNSPECIFIED;
	/* Version 2 carries the user data in the Reason Code; tolerate a
	 * User Data PGI as some version 1 peers send. */
	if (pr->reason_udlen) {
		ind.ud = pr->reason_ud;
		ind.udlen = pr->reason_udlen;
	} else {
		ind.ud = pr->ud;
		ind.udlen = pr->udlen;
	}
	snprintf(s->why, sizeof(s->why), "session refused, reason %d",
		 ind.reason);
	s->user(s->arg, &ind);
	return 0;
}

/* need_open - data-transfer SPDUs need an open connection */
static int need_open(struct ses *s, const char *what)
{
	if (s->state != SES_ST_OPEN)
		return fail(s, "%s in state %s", what,
			    ses_state_name(s->state));
	return 0;
}

/* peer_holds - the peer may send only with the tokens it holds */
static int peer_holds(struct ses *s, unsigned tk, const char *what)
{
	tk &= s->avail;
	if (s->owned & tk)
		return fail(s, "%s while we hold the %s token", what,
			    (s->owned & tk & SES_TK_DATA) ? "data" :
			    (s->owned & tk & SES_TK_MINOR) ? "minor-sync" :
			    "major/activity");
	return 0;
}

/* on_dt - DATA TRANSFER (X.225 7.11), with segment reassembly */
static int on_dt(struct ses *s, const struct spdu *sp,
		 const struct params *pr)
{
	if (need_open(s, "DT") || peer_holds(s, SES_TK_DATA, "DT"))
		return SES_E_PROTOCOL;
	if (s->await & (SES_W_AIA | SES_W_ADA))
		return 0;	/* 7.18.2: discarded while interrupting */
	if (pr->have_enclosure && !(pr->enclosure & ENC_END)) {
		if (buf_avail(&s->ud) + sp->ulen > s->cfg.max_ud)
			return fail(s, "segmented SSDU over %zu octets",
				    s->cfg.max_ud);
		if (pr->enclosure & ENC_BEGIN)
			buf_reset(&s->ud);
		buf_add(&s->ud, sp->uinfo, sp->ulen);
		s->dt_segmenting = 1;
		return 0;
	}
	if (s->dt_segmenting) {
		s->dt_segmenting = 0;
		buf_add(&s->ud, sp->uinfo, sp->ulen);
		up(s, SES_DATA_IND, buf_ptr(&s->ud), buf_avail(&s->ud));
		buf_reset(&s->ud);
		return 0;
	}
	up(s, SES_DATA_IND, sp->uinfo, sp->ulen);
	return 0;
}

/* on_gt - GIVE TOKENS (X.225 7.13) */
static int on_gt(struct ses *s, const struct params *pr)
{
	struct ses_ind ind;
	unsigned tk = (unsigned)pr->tokens & SES_TK_ALL;

	if (need_open(s, "GT"))
		return SES_E_PROTOCOL;
	if (tk & ~s->avail)
		return fail(s, "GT gives tokens 0x%02x that do not exist "
			    "(0x%02x)", tk, s->avail);
	if (tk & s->owned)
		return fail(s, "GT gives tokens 0x%02x we already hold", tk);
	s->owned |= tk;
	memset(&ind, 0, sizeof(ind));
	ind.type = SES_TOKEN_GIVE_IND;
	ind.tokens = tk;
	s->user(s->arg, &ind);
	return 0;
}

/* on_pt - PLEASE TOKENS (X.225 7.14) */
static int on_pt(struct ses *s, const struct params *pr)
{
	struct ses_ind ind;

	if (need_open(s, "PT"))
		return SES_E_PROTOCOL;
	memset(&ind, 0, sizeof(ind));
	ind.type = SES_TOKEN_PLEASE_IND;
	ind.tokens = (unsigned)pr->tokens & s->avail;
	ind.ud = pr->ud;
	ind.udlen = pr->udlen;
	s->user(s->arg, &ind);
	return 0;
}

/* on_gtc - GIVE TOKENS CONFIRM (X.225 7.15): all tokens come to us */
static int on_gtc(struct ses *s)
{
	if (need_open(s, "GTC"))
		return SES_E_PROTOCOL;
	if (s->owned)
		return fail(s, "GTC while we hold tokens 0x%02x", s->owned);
	if ((s->fu & SES_FU_ACTIVITY) && s->in_activity)
		return fail(s, "GTC inside an activity");
	s->owned = s->avail;
	send_cat1(s, SES_SI_GTA, NULL);
	up(s, SES_CONTROL_GIVE_IND, NULL, 0);
	return 0;
}

/* sync_allowed - minor sync needs an activity when activities exist */
static int sync_allowed(struct ses *s, const char *what)
{
	if ((s->fu & SES_FU_ACTIVITY) && !s->in_activity)
		return fail(s, "%s outside an activity", what);
	return 0;
}

static void up_serial(struct ses *s, enum ses_ind_type t, unsigned long sn,
		      const struct params *pr)
{
	struct ses_ind ind;

	memset(&ind, 0, sizeof(ind));
	ind.type = t;
	ind.serial = sn;
	ind.ud = pr ? pr->ud : NULL;
	ind.udlen = pr ? pr->udlen : 0;
	ind.reason = pr && pr->have_reason ? pr->reason : 0;
	s->user(s->arg, &ind);
}

/* on_mip - MINOR SYNC POINT (X.225 7.16) */
static int on_mip(struct ses *s, const struct params *pr)
{
	if (need_open(s, "MIP") || !(s->fu & SES_FU_MINOR_SYNC) ||
	    peer_holds(s, SES_TK_MINOR | SES_TK_DATA, "MIP") ||
	    sync_allowed(s, "MIP"))
		return s->why[0] ? SES_E_PROTOCOL :
		    fail(s, "MIP without the minor synchronize unit");
	if (!pr->have_serial || pr->serial != s->vm % 1000000ul)
		return fail(s, "MIP serial %lu, expected %lu", pr->serial,
			    s->vm);
	s->vm++;
	if (s->await & (SES_W_AIA | SES_W_ADA))
		return 0;
	up_serial(s, SES_SYNC_MINOR_IND, pr->serial, pr);
	return 0;
}

/* on_mia - MINOR SYNC ACK: confirms every point up to its serial */
static int on_mia(struct ses *s, const struct params *pr)
{
	if (need_open(s, "MIA") || !(s->fu & SES_FU_MINOR_SYNC))
		return s->why[0] ? SES_E_PROTOCOL :
		    fail(s, "MIA without the minor synchronize unit");
	if (!pr->have_serial || pr->serial < s->va % 1000000ul ||
	    pr->serial >= s->vm % 1000000ul)
		return fail(s, "MIA serial %lu outside [%lu, %lu)",
			    pr->serial, s->va, s->vm);
	s->va = pr->serial + 1;
	up_serial(s, SES_SYNC_MINOR_CONF, pr->serial, pr);
	return 0;
}

/* on_map - MAJOR SYNC POINT or ACTIVITY END (X.225 7.17, 7.22) */
static int on_map(struct ses *s, const struct params *pr)
{
	int is_end = !(pr->have_sync && (pr->sync & SYNC_NOEND));
	const char *what = is_end ? "AE" : "MAP";

	if (need_open(s, what) ||
	    peer_holds(s, SES_TK_MAJOR | SES_TK_MINOR | SES_TK_DATA, what))
		return SES_E_PROTOCOL;
	if (is_end && (s->fu & SES_FU_ACTIVITY) && !s->in_activity)
		return fail(s, "AE outside an activity");
	if (!(s->fu & SES_FU_ACTIVITY) && !(s->fu & SES_FU_MAJOR_SYNC))
		return fail(s, "%s without the major synchronize unit", what);
	if (!pr->have_serial || pr->serial != s->vm % 1000000ul)
		return fail(s, "%s serial %lu, expected %lu", what,
			    pr->serial, s->vm);
	s->vm++;
	s->owe = is_end && (s->fu & SES_FU_ACTIVITY) ? SES_W_AE : SES_W_MAA;
	up_serial(s, s->owe == SES_W_AE ? SES_ACT_END_IND :
		  SES_SYNC_MAJOR_IND, pr->serial, pr);
	return 0;
}

/* on_maa - MAJOR SYNC ACK or ACTIVITY END ACK */
static int on_maa(struct ses *s, const struct params *pr)
{
	int was_end = s->await & SES_W_AE;

	if (need_open(s, "MAA") || !(s->await & SES_W_MAA))
		return s->why[0] ? SES_E_PROTOCOL :
		    fail(s, "MAA with no major sync outstanding");
	if (pr->have_serial && pr->serial != (s->vm - 1) % 1000000ul)
		return fail(s, "MAA serial %lu, expected %lu", pr->serial,
			    s->vm - 1);
	s->await &= ~(SES_W_MAA | SES_W_AE);
	s->va = s->vm;
	if (was_end)
		s->in_activity = 0;
	up_serial(s, was_end ? SES_ACT_END_CONF : SES_SYNC_MAJOR_CONF,
		  s->vm - 1, pr);
	return 0;
}

/* on_as - ACTIVITY START (X.225 7.19) */
static int on_as(struct ses *s, const struct params *pr)
{
	struct ses_ind ind;

	if (need_open(s, "AS") || !(s->fu & SES_FU_ACTIVITY) ||
	    peer_holds(s, SES_TK_MAJOR, "AS"))
		return s->why[0] ? SES_E_PROTOCOL :
		    fail(s, "AS without activity management");
	if (s->in_activity)
		return fail(s, "AS inside an activity");
	if (pr->act_id == NULL)
		return fail(s, "AS without an Activity Identifier");
	s->in_activity = 1;
	s->vm = s->va = 1;
	memset(&ind, 0, sizeof(ind));
	ind.type = SES_ACT_START_IND;
	ind.act_id = pr->act_id;
	ind.act_id_len = pr->act_id_len;
	ind.ud = pr->ud;
	ind.udlen = pr->udlen;
	s->user(s->arg, &ind);
	return 0;
}

/* on_ar - ACTIVITY RESUME (X.225 7.20) */
static int on_ar(struct ses *s, const struct params *pr)
{
	struct ses_ind ind;

	if (need_open(s, "AR") || !(s->fu & SES_FU_ACTIVITY) ||
	    peer_holds(s, SES_TK_MAJOR, "AR"))
		return s->why[0] ? SES_E_PROTOCOL :
		    fail(s, "AR without activity management");
	if (s->in_activity)
		return fail(s, "AR inside an activity");
	if (pr->act_id == NULL || !pr->have_serial)
		return fail(s, "AR without %s", pr->act_id == NULL ?
			    "a New Activity Identifier" : "a Serial Number");
	s->in_activity = 1;
	s->vm = s->va = pr->serial + 1;
	memset(&ind, 0, sizeof(ind));
	ind.type = SES_ACT_RESUME_IND;
	ind.act_id = pr->act_id;
	ind.act_id_len = pr->act_id_len;
	ind.old_act_id = pr->old_act_id;
	ind.old_act_id_len = pr->old_act_id_len;
	ind.serial = pr->serial;
	ind.ud = pr->ud;
	ind.udlen = pr->udlen;
	s->user(s->arg, &ind);
	return 0;
}

/* on_ai_ad - ACTIVITY INTERRUPT or DISCARD (X.225 7.21, 7.23) */
static int on_ai_ad(struct ses *s, const struct params *pr, int discard)
{
	const char *what = discard ? "AD" : "AI";

	if (need_open(s, what) || !(s->fu & SES_FU_ACTIVITY) ||
	    peer_holds(s, SES_TK_MAJOR, what))
		return s->why[0] ? SES_E_PROTOCOL :
		    fail(s, "%s without activity management", what);
	if (!s->in_activity)
		return fail(s, "%s outside an activity", what);
	s->owe = discard ? SES_W_ADA : SES_W_AIA;
	up_serial(s, discard ? SES_ACT_DISCARD_IND : SES_ACT_INTERRUPT_IND,
		  0, pr);
	return 0;
}

/* on_aia_ada - their confirmations */
static int on_aia_ada(struct ses *s, int discard)
{
	int w = discard ? SES_W_ADA : SES_W_AIA;

	if (need_open(s, discard ? "ADA" : "AIA") || !(s->await & w))
		return s->why[0] ? SES_E_PROTOCOL :
		    fail(s, "%s with nothing outstanding",
			 discard ? "ADA" : "AIA");
	s->await &= ~w;
	s->in_activity = 0;
	/* 7.21.3: the requester now holds every available token */
	s->owned = s->avail;
	up(s, discard ? SES_ACT_DISCARD_CONF : SES_ACT_INTERRUPT_CONF, NULL,
	   0);
	return 0;
}

/* on_ed_er - EXCEPTION DATA (7.26) and EXCEPTION REPORT (7.25) */
static int on_ed_er(struct ses *s, const struct params *pr, int er)
{
	if (need_open(s, er ? "ER" : "ED"))
		return SES_E_PROTOCOL;
	if (!(s->fu & SES_FU_EXCEPTIONS))
		return fail(s, "%s without the exceptions unit",
			    er ? "ER" : "ED");
	if (!(s->owned & SES_TK_DATA) && (s->avail & SES_TK_DATA))
		return fail(s, "%s sent to the side without the data token",
			    er ? "ER" : "ED");
	up_serial(s, er ? SES_P_EXCEPTION_IND : SES_U_EXCEPTION_IND, 0, pr);
	return 0;
}

/* on_fn - FINISH (X.225 7.6) */
static int on_fn(struct ses *s, const struct params *pr)
{
	if (s->state != SES_ST_OPEN && s->state != SES_ST_WAIT_DN)
		return fail(s, "FN in state %s", ses_state_name(s->state));
	if ((s->avail & SES_TK_RELEASE) && (s->owned & SES_TK_RELEASE))
		return fail(s, "FN while we hold the release token");
	if (s->state == SES_ST_OPEN && (s->avail & SES_TK_DATA) &&
	    (s->owned & SES_TK_DATA))
		return fail(s, "FN while we hold the data token");
	if (s->in_activity)
		return fail(s, "FN inside an activity");
	s->state = SES_ST_WAIT_REL_RSP;
	up(s, SES_RELEASE_IND, pr->ud, pr->udlen);
	return 0;
}

/* on_dn - DISCONNECT (X.225 7.7) */
static int on_dn(struct ses *s, const struct params *pr)
{
	if (s->state != SES_ST_WAIT_DN)
		return fail(s, "DN in state %s", ses_state_name(s->state));
	s->state = SES_ST_CLOSED;
	up(s, SES_RELEASE_CONF, pr->ud, pr->udlen);
	return 0;
}

/* on_ab - ABORT (X.225 7.9): answer with AA if the transport stays */
static int on_ab(struct ses *s, const struct params *pr)
{
	struct ses_ind ind;
	int td = pr->have_td ? pr->td : SES_TD_RELEASED;

	if (s->state == SES_ST_IDLE || s->state == SES_ST_CLOSED)
		return fail(s, "AB in state %s", ses_state_name(s->state));
	if (s->state == SES_ST_WAIT_AA) {	/* both aborted at once */
		s->state = SES_ST_CLOSED;
		return 0;
	}
	if (!(td & SES_TD_RELEASED))
		send_cat1(s, SES_SI_AA, NULL);
	s->state = SES_ST_CLOSED;
	memset(&ind, 0, sizeof(ind));
	ind.type = (td & SES_TD_USER_ABORT) || pr->udlen ?
	    SES_U_ABORT_IND : SES_P_ABORT_IND;
	ind.reason = td;
	ind.ud = pr->ud;
	ind.udlen = pr->udlen;
	snprintf(s->why, sizeof(s->why), "peer aborted the session "
		 "(transport disconnect 0x%02x)", td);
	s->user(s->arg, &ind);
	return 0;
}

/* on_oa - OVERFLOW ACCEPT: send the rest of the connect data */
static int on_oa(struct ses *s, const struct params *pr)
{
	if (s->state != SES_ST_WAIT_OA)
		return fail(s, "OA in state %s", ses_state_name(s->state));
	if (pr->have_versions && !(pr->c.versions & 2))
		return fail(s, "OA without version 2");
	send_cdo(s);
	s->state = SES_ST_WAIT_AC;
	return 0;
}

/* dispatch - act on one SPDU; cat2 says whether a category 0 SPDU came
 *	first in this TSDU (which tells DT from GT, AI from AB...) */
static int dispatch(struct ses *s, const struct spdu *sp, int cat2)
{
	struct params pr;

	memset(&pr, 0, sizeof(pr));
	if (parse_pis(s, sp->par, sp->plen, 0, &pr))
		return SES_E_PROTOCOL;
	if (cat2) {
		switch (sp->si) {
		case SES_SI_DT: return on_dt(s, sp, &pr);
		case SES_SI_MIP: return on_mip(s, &pr);
		case SES_SI_MIA: return on_mia(s, &pr);
		case SES_SI_MAP: return on_map(s, &pr);
		case SES_SI_MAA: return on_maa(s, &pr);
		case SES_SI_AS: return on_as(s, &pr);
		case SES_SI_AR: return on_ar(s, &pr);
		case SES_SI_AI: return on_ai_ad(s, &pr, 0);
		case SES_SI_AIA: return on_aia_ada(s, 0);
		case SES_SI_AD: return on_ai_ad(s, &pr, 1);
		case SES_SI_ADA: return on_aia_ada(s, 1);
		case SES_SI_ED: return on_ed_er(s, &pr, 0);
		case SES_SI_ER: return on_ed_er(s, &pr, 1);
		}
		return fail(s, "category 2 SPDU SI %d (%s) not supported",
			    sp->si, ses_si_name(sp->si, 1));
	}
	switch (sp->si) {
	case SES_SI_CN: return on_cn(s, &pr);
	case SES_SI_AC: return on_ac(s, &pr);
	case SES_SI_RF: return on_rf(s, &pr);
	case SES_SI_CDO: return on_cdo(s, &pr);
	case SES_SI_OA: return on_oa(s, &pr);
	case SES_SI_FN: return on_fn(s, &pr);
	case SES_SI_DN: return on_dn(s, &pr);
	case SES_SI_AB: return on_ab(s, &pr);
	case SES_SI_AA:
		if (s->state != SES_ST_WAIT_AA)
			return fail(s, "AA in state %s",
				    ses_state_name(s->state));
		s->state = SES_ST_CLOSED;
		return 0;
	case SES_SI_GT: return on_gt(s, &pr);
	case SES_SI_PT: return on_pt(s, &pr);
	case SES_SI_GTC: return on_gtc(s);
	case SES_SI_GTA:
		if (need_open(s, "GTA") || !(s->await & SES_W_GTA))
			return s->why[0] ? SES_E_PROTOCOL :
			    fail(s, "GTA with no GTC outstanding");
		s->await &= ~SES_W_GTA;
		return 0;
	}
	return fail(s, "SPDU SI %d (%s) not supported", sp->si,
		    ses_si_name(sp->si, 0));
}

int ses_input(struct ses *s, const unsigned char *p, size_t n)
{
	struct spdu sp;
	size_t used;
	int rc;

	s->why[0] = 0;
	if (s->state == SES_ST_CLOSED)
		return 0;	/* the transport is about to close */
	if (s->state == SES_ST_WAIT_AA) {
		/* 7.9.2: after AB only AA or AB matter */
		if (n >= 2 && (p[0] == SES_SI_AA || p[0] == SES_SI_AB))
			s->state = SES_ST_CLOSED;
		return 0;
	}
	if ((rc = cut_spdu(s, p, n, &sp, &used)) != 0)
		return abort_protocol(s);
	if ((sp.si == SES_SI_GT || sp.si == SES_SI_PT) && used < n) {
		/* X.225 6.3.7: category 0, then one category 2 SPDU whose
		 * user information (for DT) runs to the end of the TSDU. */
		struct spdu c2;
		size_t used2;

		if (sp.plen && (rc = dispatch(s, &sp, 0)) != 0)
			return rc == SES_E_PARAM ? 0 : abort_protocol(s);
		if (s->state == SES_ST_CLOSED)
			return 0;
		if (cut_spdu(s, p + used, n - used, &c2, &used2))
			return abort_protocol(s);
		if (c2.si == SES_SI_DT) {
			c2.uinfo = p + used + used2;
			c2.ulen = n - used - used2;
		} else if (used + used2 != n) {
			fail(s, "%zu octets after %s", n - used - used2,
			     ses_si_name(c2.si, 1));
			return abort_protocol(s);
		}
		rc = dispatch(s, &c2, 1);
	} else {
		if (used != n) {
			fail(s, "%zu octets after category 1 SPDU %s",
			     n - used, ses_si_name(sp.si, 0));
			return abort_protocol(s);
		}
		rc = dispatch(s, &sp, 0);
	}
	if (rc == SES_E_PARAM)
		return 0;	/* refused cleanly with RF */
	if (rc != 0)
		return abort_protocol(s);
	return 0;
}

/* ---- requests ---------------------------------------------------- */

/* can_send - the state and tokens a data-transfer request needs */
static int can_send(struct ses *s, unsigned tokens)
{
	if (s->state != SES_ST_OPEN)
		return SES_E_STATE;
	if ((tokens & s->avail) & ~s->owned)
		return SES_E_TOKEN;
	if (s->await & (SES_W_MAA | SES_W_AIA | SES_W_ADA) || s->owe)
		return SES_E_STATE;
	return 0;
}

int ses_data_req(struct ses *s, const void *ud, size_t udlen)
{
	int rc = can_send(s, SES_TK_DATA);

	if (rc)
		return rc;
	send_cat2(s, SES_SI_DT, NULL, ud, udlen);
	return 0;
}

int ses_token_give_req(struct ses *s, unsigned tokens)
{
	struct buf par = BUF_INIT;

	tokens &= s->avail;
	if (s->state != SES_ST_OPEN)
		return SES_E_STATE;
	if (tokens & ~s->owned || tokens == 0)
		return SES_E_TOKEN;
	if (s->await & SES_W_MAA)
		return SES_E_STATE;
	put_pi_u8(&par, PI_TOKEN_ITEM, tokens);
	send_cat1(s, SES_SI_GT, &par);
	buf_free(&par);
	s->owned &= ~tokens;
	return 0;
}

int ses_token_please_req(struct ses *s, unsigned tokens, const void *ud,
			 size_t udlen)
{
	struct buf par = BUF_INIT;

	if (s->state != SES_ST_OPEN)
		return SES_E_STATE;
	if (udlen > ud_max(s))
		return SES_E_TOOBIG;
	tokens &= s->avail & ~s->owned;
	if (tokens)
		put_pi_u8(&par, PI_TOKEN_ITEM, tokens);
	put_ud(&par, ud, udlen);
	send_cat1(s, SES_SI_PT, &par);
	buf_free(&par);
	return 0;
}

int ses_control_give_req(struct ses *s)
{
	int rc = can_send(s, SES_TK_ALL);

	if (rc)
		return rc;
	if ((s->fu & SES_FU_ACTIVITY) && s->in_activity)
		return SES_E_STATE;
	send_cat1(s, SES_SI_GTC, NULL);
	s->owned = 0;
	s->await |= SES_W_GTA;
	return 0;
}

int ses_sync_minor_req(struct ses *s, int confirm, const void *ud,
		       size_t udlen, unsigned long *serial)
{
	struct buf par = BUF_INIT;
	int rc = can_send(s, SES_TK_MINOR | SES_TK_DATA);

	if (rc)
		return rc;
	if (!(s->fu & SES_FU_MINOR_SYNC) ||
	    ((s->fu & SES_FU_ACTIVITY) && !s->in_activity))
		return SES_E_STATE;
	if (udlen > ud_max(s))
		return SES_E_TOOBIG;
	if (!confirm)
		put_pi_u8(&par, PI_SYNC_TYPE, SYNC_NOEXPL);
	put_serial(&par, s->vm);
	put_ud(&par, ud, udlen);
	send_cat2(s, SES_SI_MIP, &par, NULL, 0);
	buf_free(&par);
	if (serial)
		*serial = s->vm;
	s->vm++;
	return 0;
}

int ses_sync_minor_rsp(struct ses *s, unsigned long serial, const void *ud,
		       size_t udlen)
{
	struct buf par = BUF_INIT;

	if (s->state != SES_ST_OPEN || serial >= s->vm)
		return SES_E_STATE;
	if (udlen > ud_max(s))
		return SES_E_TOOBIG;
	put_serial(&par, serial);
	put_ud(&par, ud, udlen);
	send_cat2(s, SES_SI_MIA, &par, NULL, 0);
	buf_free(&par);
	return 0;
}

/* send_map - MAP or AE (X.225 7.17, 7.22) */
static int send_map(struct ses *s, int end, const void *ud, size_t udlen,
		    unsigned long *serial)
{
	struct buf par = BUF_INIT;
	int rc = can_send(s, SES_TK_MAJOR | SES_TK_MINOR | SES_TK_DATA);

	if (rc)
		return rc;
	if (udlen > ud_max(s))
		return SES_E_TOOBIG;
	if (end && !s->in_activity)
		return SES_E_STATE;
	if (!end && !(s->fu & SES_FU_MAJOR_SYNC) &&
	    !(s->fu & SES_FU_ACTIVITY))
		return SES_E_STATE;
	if (!end && s->in_activity)
		put_pi_u8(&par, PI_SYNC_TYPE, SYNC_NOEND);
	else if (!end && (s->fu & SES_FU_ACTIVITY))
		return SES_E_STATE;	/* MAP outside activity: AE form */
	put_serial(&par, s->vm);
	put_ud(&par, ud, udlen);
	send_cat2(s, SES_SI_MAP, &par, NULL, 0);
	buf_free(&par);
	if (serial)
		*serial = s->vm;
	s->vm++;
	s->await |= SES_W_MAA | (end ? SES_W_AE : 0);
	return 0;
}

int ses_sync_major_req(struct ses *s, const void *ud, size_t udlen,
		       unsigned long *serial)
{
	return send_map(s, 0, ud, udlen, serial);
}

int ses_act_end_req(struct ses *s, const void *ud, size_t udlen,
		    unsigned long *serial)
{
	return send_map(s, 1, ud, udlen, serial);
}

/* send_maa - MAA or AEA */
static int send_maa(struct ses *s, int w, const void *ud, size_t udlen)
{
	struct buf par = BUF_INIT;

	if (s->state != SES_ST_OPEN || s->owe != w)
		return SES_E_STATE;
	if (udlen > ud_max(s))
		return SES_E_TOOBIG;
	put_serial(&par, s->vm - 1);
	put_ud(&par, ud, udlen);
	s->owe = 0;
	s->va = s->vm;
	if (w == SES_W_AE)
		s->in_activity = 0;
	send_cat2(s, SES_SI_MAA, &par, NULL, 0);
	buf_free(&par);
	return 0;
}

int ses_sync_major_rsp(struct ses *s, const void *ud, size_t udlen)
{
	return send_maa(s, SES_W_MAA, ud, udlen);
}

int ses_act_end_rsp(struct ses *s, const void *ud, size_t udlen)
{
	return send_maa(s, SES_W_AE, ud, udlen);
}

int ses_act_start_req(struct ses *s, const void *id, size_t idlen,
		      const void *ud, size_t udlen)
{
	struct buf par = BUF_INIT;
	int rc = can_send(s, SES_TK_MAJOR);

	if (rc)
		return rc;
	if (!(s->fu & SES_FU_ACTIVITY) || s->in_activity || idlen < 1 ||
	    idlen > 6)
		return SES_E_STATE;
	if (udlen > ud_max(s))
		return SES_E_TOOBIG;
	put_pi(&par, PI_ACT_ID, id, idlen);
	put_ud(&par, ud, udlen);
	send_cat2(s, SES_SI_AS, &par, NULL, 0);
	buf_free(&par);
	s->in_activity = 1;
	s->vm = s->va = 1;
	return 0;
}

int ses_act_resume_req(struct ses *s, const void *id, size_t idlen,
		       const void *old_id, size_t old_idlen,
		       unsigned long serial, const void *ud, size_t udlen)
{
	struct buf par = BUF_INIT, link = BUF_INIT;
	int rc = can_send(s, SES_TK_MAJOR);

	if (rc)
		return rc;
	if (!(s->fu & SES_FU_ACTIVITY) || s->in_activity || idlen < 1 ||
	    idlen > 6 || old_idlen < 1 || old_idlen > 6)
		return SES_E_STATE;
	if (udlen > ud_max(s))
		return SES_E_TOOBIG;
	/* X.225 8.3.30: Linking Information names the old activity */
	if (s->conn.common_ref_len)
		put_pi(&link, PI_COMMON_REF, s->conn.common_ref,
		       s->conn.common_ref_len);
	put_pi(&link, PI_ACT_ID, old_id, old_idlen);
	put_serial(&link, serial);
	put_pi(&par, PGI_LINKING, buf_ptr(&link), buf_avail(&link));
	buf_free(&link);
	put_pi(&par, PI_ACT_ID, id, idlen);
	put_ud(&par, ud, udlen);
	send_cat2(s, SES_SI_AR, &par, NULL, 0);
	buf_free(&par);
	s->in_activity = 1;
	s->vm = s->va = serial + 1;
	return 0;
}

/* send_ai_ad - ACTIVITY INTERRUPT or DISCARD */
static int send_ai_ad(struct ses *s, int discard, int reason)
{
	struct buf par = BUF_INIT;

	if (s->state != SES_ST_OPEN || !s->in_activity ||
	    (s->await & (SES_W_AIA | SES_W_ADA)))
		return SES_E_STATE;
	if ((SES_TK_MAJOR & s->avail) & ~s->owned)
		return SES_E_TOKEN;
	put_pi_u8(&par, PI_REASON, (unsigned)reason);
	send_cat2(s, discard ? SES_SI_AD : SES_SI_AI, &par, NULL, 0);
	buf_free(&par);
	s->await = discard ? SES_W_ADA : SES_W_AIA;
	return 0;
}

int ses_act_interrupt_req(struct ses *s, int reason)
{
	return send_ai_ad(s, 0, reason);
}

int ses_act_discard_req(struct ses *s, int reason)
{
	return send_ai_ad(s, 1, reason);
}

/* send_aia_ada - their responses; the requester gets every token */
static int send_aia_ada(struct ses *s, int discard)
{
	int w = discard ? SES_W_ADA : SES_W_AIA;

	if (s->state != SES_ST_OPEN || s->owe != w)
		return SES_E_STATE;
	s->owe = 0;
	s->in_activity = 0;
	s->owned = 0;
	send_cat2(s, discard ? SES_SI_ADA : SES_SI_AIA, NULL, NULL, 0);
	return 0;
}

int ses_act_interrupt_rsp(struct ses *s)
{
	return send_aia_ada(s, 0);
}

int ses_act_discard_rsp(struct ses *s)
{
	return send_aia_ada(s, 1);
}

int ses_u_exception_req(struct ses *s, int reason, const void *ud,
			size_t udlen)
{
	struct buf par = BUF_INIT;

	if (s->state != SES_ST_OPEN || !(s->fu & SES_FU_EXCEPTIONS))
		return SES_E_STATE;
	if ((s->avail & SES_TK_DATA) && (s->owned & SES_TK_DATA))
		return SES_E_TOKEN;	/* 7.26: from the side without it */
	if (udlen > ud_max(s))
		return SES_E_TOOBIG;
	put_pi_u8(&par, PI_REASON, (unsigned)reason);
	put_ud(&par, ud, udlen);
	/* The category 0 SPDU before ED is a PT: we lack the data token. */
	send_cat2(s, SES_SI_ED, &par, NULL, 0);
	buf_free(&par);
	return 0;
}

int ses_release_req(struct ses *s, const void *ud, size_t udlen)
{
	struct buf par = BUF_INIT;

	if (s->state != SES_ST_OPEN || s->in_activity ||
	    (s->await & ~SES_W_GTA) || s->owe)
		return SES_E_STATE;
	if ((s->avail & ~SES_TK_MINOR) & ~s->owned)
		return SES_E_TOKEN;	/* 7.6.1: data and release tokens */
	if (udlen > ud_max(s))
		return SES_E_TOOBIG;
	put_pi_u8(&par, PI_TRANSPORT_DISC, SES_TD_RELEASED);
	put_ud(&par, ud, udlen);
	send_cat1(s, SES_SI_FN, &par);
	buf_free(&par);
	s->state = SES_ST_WAIT_DN;
	return 0;
}

int ses_release_rsp(struct ses *s, const void *ud, size_t udlen)
{
	struct buf par = BUF_INIT;

	if (s->state != SES_ST_WAIT_REL_RSP)
		return SES_E_STATE;
	if (udlen > ud_max(s))
		return SES_E_TOOBIG;
	put_ud(&par, ud, udlen);
	send_cat1(s, SES_SI_DN, &par);
	buf_free(&par);
	s->state = SES_ST_CLOSED;
	return 0;
}

int ses_u_abort_req(struct ses *s, const void *ud, size_t udlen)
{
	struct buf par = BUF_INIT;

	if (s->state == SES_ST_IDLE || s->state == SES_ST_CLOSED)
		return SES_E_STATE;
	if (udlen > (s->version == 1 ? 9u : (size_t)SES_UD_V2_MAX))
		udlen = 0;	/* 8.3.11: v1 allows only 9 octets */
	put_pi_u8(&par, PI_TRANSPORT_DISC,
		  SES_TD_RELEASED | SES_TD_USER_ABORT);
	put_ud(&par, ud, udlen);
	send_cat1(s, SES_SI_AB, &par);
	buf_free(&par);
	s->state = SES_ST_CLOSED;
	return 0;
}
