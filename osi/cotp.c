/*
 * cotp.c - X.224 class 0 transport protocol over RFC 1006
 *
 * See cotp.h for the interface and docs/osi-stack.md for the state
 * machine with its clauses. TPDU layouts (X.224 13):
 *	CR  LI E0|CDT DST-REF(0) SRC-REF class/options  params  (13.3)
 *	CC  LI D0|CDT DST-REF    SRC-REF class/options  params  (13.4)
 *	DR  LI 80     DST-REF    SRC-REF reason         params  (13.5)
 *	DT  LI=2 F0   EOT|TPDU-NR                        data   (13.7)
 *	ER  LI 70     DST-REF    reject-cause           params  (13.12)
 * A parameter is code, length, value (13.2.3).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cotp.h"
#include "log.h"
#include "xalloc.h"

/* TPDU codes (X.224 13.1, Table 8): the high nibble */
#define TPDU_CR		0xe
#define TPDU_CC		0xd
#define TPDU_DR		0x8
#define TPDU_DT		0xf
#define TPDU_ER		0x7

/* Parameter codes (X.224 13.2.3, 13.3.4, 13.5.4, 13.12.4) */
#define P_TPDU_SIZE	0xc0
#define P_CALLING	0xc1	/* in ER: invalid TPDU */
#define P_CALLED	0xc2
#define P_CHECKSUM	0xc3
#define P_VERSION	0xc4
#define P_PROTECTION	0xc5
#define P_OPTIONS	0xc6
#define P_ALT_CLASSES	0xc7
#define P_ACK_TIME	0x85
#define P_RESIDUAL	0x86
#define P_PRIORITY	0x87
#define P_TRANSIT	0x88
#define P_THROUGHPUT	0x89
#define P_REASSIGN	0x8b
#define P_ADD_INFO	0xe0
#define P_PREF_SIZE	0xf0
#define P_INACTIVITY	0xf2

#define DT_EOT		0x80
#define ER_BAD_MAX	200	/* octets of a rejected header we echo */

static unsigned cotp_next_ref = 1;

/* what one TPDU says, after decoding */
struct tpdu {
	int		code;		/* TPDU_* */
	unsigned	li;
	uint16_t	dst_ref, src_ref;
	unsigned	class_opt;	/* CR, CC */
	unsigned	reason;		/* DR reason, ER cause */
	int		eot;		/* DT */
	const uint8_t	*data;		/* DT */
	size_t		dlen;
	int		size_code;	/* 0xC0 value, 0 if absent */
	size_t		pref_size;	/* 0xF0 in octets, 0 if absent */
	int		class0_alt;	/* 0xC7 lists class 0 */
	struct cotp_addr calling, called;
	size_t		bad;		/* offset of the offending octet */
	int		er_cause;	/* ER cause to send on error */
};

const char *cotp_state_name(enum cotp_state s)
{
	switch (s) {
	case COTP_ST_IDLE:	return "IDLE";
	case COTP_ST_WAIT_CC:	return "WAIT_CC";
	case COTP_ST_WAIT_RESP:	return "WAIT_RESP";
	case COTP_ST_OPEN:	return "OPEN";
	case COTP_ST_CLOSED:	return "CLOSED";
	}
	return "?";
}

const char *cotp_strerror(int err)
{
	switch (err) {
	case 0:			return "no error";
	case COTP_E_TPDU:	return "undecodable TPDU";
	case COTP_E_TYPE:	return "unknown TPDU code";
	case COTP_E_PARAM:	return "bad TPDU parameter";
	case COTP_E_STATE:	return "TPDU or request out of state";
	case COTP_E_TOOBIG:	return "TSDU over the reassembly limit";
	case COTP_E_PEER_ER:	return "peer sent an ER TPDU";
	case COTP_E_CLASS:	return "no acceptable protocol class";
	case COTP_E_REF:	return "CC does not answer our reference";
	}
	return tpkt_strerror(err);
}

/* tpdu_name - a TPDU code as X.224 names it */
static const char *tpdu_name(int code)
{
	switch (code) {
	case TPDU_CR:	return "CR";
	case TPDU_CC:	return "CC";
	case TPDU_DR:	return "DR";
	case TPDU_DT:	return "DT";
	case TPDU_ER:	return "ER";
	}
	return "TPDU";
}

/* dr_reason_name - X.224 13.5.3 d) */
static const char *dr_reason_name(unsigned r)
{
	switch (r) {
	case COTP_DR_NOT_SPECIFIED:	return "reason not specified";
	case COTP_DR_CONGESTION:	return "congestion at TSAP";
	case COTP_DR_NO_SESSION:	return "session entity not attached "
					       "to TSAP";
	case COTP_DR_ADDRESS_UNKNOWN:	return "address unknown";
	case COTP_DR_NORMAL:		return "normal disconnect";
	case COTP_DR_REMOTE_CONGESTION:	return "remote congestion at "
					       "connect time";
	case COTP_DR_NEGOTIATION_FAILED: return "connection negotiation "
					       "failed";
	case COTP_DR_DUPLICATE_REF:	return "duplicate source reference";
	case COTP_DR_MISMATCHED_REFS:	return "mismatched references";
	case COTP_DR_PROTOCOL_ERROR:	return "protocol error";
	case COTP_DR_REF_OVERFLOW:	return "reference overflow";
	case COTP_DR_REFUSED:		return "connection request refused";
	case COTP_DR_LENGTH_INVALID:	return "header or parameter length "
					       "invalid";
	}
	return "unknown reason";
}

/* er_cause_name - X.224 13.12.3 d) */
static const char *er_cause_name(unsigned c)
{
	switch (c) {
	case COTP_ER_NOT_SPECIFIED:	return "reason not specified";
	case COTP_ER_PARAM_CODE:	return "invalid parameter code";
	case COTP_ER_TPDU_TYPE:		return "invalid TPDU type";
	case COTP_ER_PARAM_VALUE:	return "invalid parameter value";
	}
	return "unknown cause";
}

/* sel_str - a selector as "text" when printable, else hex, or "none" */
static const char *sel_str(const struct cotp_addr *a, char *s, size_t n)
{
	size_t i, printable = 1;

	if (a->len == 0) {
		snprintf(s, n, "none");
		return s;
	}
	for (i = 0; i < a->len; i++)
		if (a->sel[i] < 0x20 || a->sel[i] > 0x7e || a->sel[i] == '"')
			printable = 0;
	if (printable) {
		snprintf(s, n, "\"%.*s\"", (int)a->len, (const char *)a->sel);
	} else {
		size_t o = snprintf(s, n, "0x");

		for (i = 0; i < a->len && o + 3 <= n; i++)
			o += snprintf(s + o, n - o, "%02x", a->sel[i]);
	}
	return s;
}

/* who - the log_who of this machine */
static struct log_who who(const struct cotp *c)
{
	struct log_who w = {
		.peer = c->peer[0] ? c->peer : NULL,
		.link = c->link[0] ? c->link : NULL,
		.layer = "cotp"
	};

	return w;
}

/* size_code - the largest TPDU size code (X.224 13.3.4 b) <= size */
static int size_code(size_t size)
{
	int k = 7;

	while (k < 16 && ((size_t)1 << (k + 1)) <= size)
		k++;
	return k;
}

/* ---- output ------------------------------------------------------- */

/* put_tpdu - wrap one TPDU in a TPKT */
static void put_tpdu(struct cotp *c, struct buf *out, const uint8_t *t,
		     size_t n)
{
	tpkt_add(out, t, n);
	c->tpdus_out++;
}

/* put_sel - append a selector parameter if present */
static size_t put_sel(uint8_t *t, size_t o, int code,
		      const struct cotp_addr *a)
{
	if (a == NULL || a->len == 0)
		return o;
	t[o++] = (uint8_t)code;
	t[o++] = (uint8_t)a->len;
	memcpy(t + o, a->sel, a->len);
	return o + a->len;
}

/* put_cr_cc - X.224 13.3 (CR) or 13.4 (CC), class 0, no options */
static void put_cr_cc(struct cotp *c, struct buf *out, int code,
		      size_t tpdu_size)
{
	uint8_t t[7 + 2 * (2 + COTP_SEL_MAX) + 3];
	size_t o = 0;

	t[o++] = 0;			/* LI, below */
	t[o++] = (uint8_t)(code << 4);	/* CDT 0 in class 0 */
	t[o++] = (uint8_t)(c->dst_ref >> 8);
	t[o++] = (uint8_t)c->dst_ref;
	t[o++] = (uint8_t)(c->src_ref >> 8);
	t[o++] = (uint8_t)c->src_ref;
	t[o++] = 0x00;			/* class 0, options 0 */
	o = put_sel(t, o, P_CALLING, &c->calling);
	o = put_sel(t, o, P_CALLED, &c->called);
	t[o++] = P_TPDU_SIZE;
	t[o++] = 1;
	t[o++] = (uint8_t)size_code(tpdu_size);
	t[0] = (uint8_t)(o - 1);
	put_tpdu(c, out, t, o);
}

/* put_dr - X.224 13.5: DR with a reason */
static void put_dr(struct cotp *c, struct buf *out, int reason)
{
	uint8_t t[7] = {
		6, TPDU_DR << 4,
		(uint8_t)(c->dst_ref >> 8), (uint8_t)c->dst_ref,
		(uint8_t)(c->src_ref >> 8), (uint8_t)c->src_ref,
		(uint8_t)reason
	};

	put_tpdu(c, out, t, sizeof(t));
}

/* put_er - X.224 13.12: ER with a cause and the invalid TPDU (0xC1) */
static void put_er(struct cotp *c, struct buf *out, int cause,
		   const uint8_t *bad, size_t badlen)
{
	uint8_t t[5 + 2 + ER_BAD_MAX];
	size_t o = 0;

	if (badlen > ER_BAD_MAX)
		badlen = ER_BAD_MAX;
	t[o++] = 0;
	t[o++] = TPDU_ER << 4;
	t[o++] = (uint8_t)(c->dst_ref >> 8);
	t[o++] = (uint8_t)c->dst_ref;
	t[o++] = (uint8_t)cause;
	if (bad != NULL && badlen > 0) {
		t[o++] = P_CALLING;	/* 0xC1: invalid TPDU, in an ER */
		t[o++] = (uint8_t)badlen;
		memcpy(t + o, bad, badlen);
		o += badlen;
	}
	t[0] = (uint8_t)(o - 1);
	put_tpdu(c, out, t, o);
}

/* ---- life ----------------------------------------------------------- */

void cotp_init(struct cotp *c, int role, size_t max_tsdu)
{
	if (role != COTP_INITIATOR && role != COTP_RESPONDER)
		panic("cotp_init: role %d", role);
	memset(c, 0, sizeof(*c));
	c->role = role;
	c->state = COTP_ST_IDLE;
	c->max_tsdu = max_tsdu ? max_tsdu : COTP_MAX_TSDU_DEFAULT;
	c->max_tpdu = COTP_TPDU_MAX_CLASS0;
	c->tpdu_size = COTP_TPDU_DEFAULT;
	c->src_ref = (uint16_t)cotp_next_ref;
	if (++cotp_next_ref > 0xffff)
		cotp_next_ref = 1;
}

void cotp_free(struct cotp *c)
{
	buf_free(&c->rx);
	c->state = COTP_ST_CLOSED;
}

void cotp_set_who(struct cotp *c, const char *peer, const char *link)
{
	snprintf(c->peer, sizeof(c->peer), "%s", peer ? peer : "");
	snprintf(c->link, sizeof(c->link), "%s", link ? link : "");
}

/* fail - log, answer with ER (cause >= 0) or DR (dr >= 0), close */
static int fail(struct cotp *c, struct cotp_ind *ind, struct buf *out,
		int err, unsigned event, const uint8_t *bad, size_t badlen,
		int cause, int dr, const char *fmt, ...)
	__attribute__((format(printf, 10, 11)));

static int fail(struct cotp *c, struct cotp_ind *ind, struct buf *out,
		int err, unsigned event, const uint8_t *bad, size_t badlen,
		int cause, int dr, const char *fmt, ...)
{
	struct log_who w = who(c);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ind->why, sizeof(ind->why), fmt, ap);
	va_end(ap);
	ind->type = COTP_NONE;
	if (out != NULL && cause >= 0)
		put_er(c, out, cause, bad, badlen);
	else if (out != NULL && dr >= 0)
		put_dr(c, out, dr);
	log_ev(LOG_WARNING, event, &w, "%s (state %s)%s%s", ind->why,
	       cotp_state_name(c->state),
	       cause >= 0 ? "; ER sent: " : dr >= 0 ? "; DR sent: " : "",
	       cause >= 0 ? er_cause_name((unsigned)cause) :
	       dr >= 0 ? dr_reason_name((unsigned)dr) : "");
	c->state = COTP_ST_CLOSED;
	return err;
}

/* ---- decoding ------------------------------------------------------- */

/* get_sel - a TSAP selector parameter value */
static int get_sel(struct tpdu *t, struct cotp_addr *a, const uint8_t *v,
		   size_t len, int code, char *why, size_t whylen)
{
	if (len > COTP_SEL_MAX) {
		snprintf(why, whylen, "%s TSAP selector of %zu octets "
			 "(parameter 0x%02x) is longer than the %d we support",
			 code == P_CALLING ? "calling" : "called", len, code,
			 COTP_SEL_MAX);
		t->er_cause = COTP_ER_PARAM_VALUE;
		return COTP_E_PARAM;
	}
	memcpy(a->sel, v, len);
	a->len = len;
	return 0;
}

/* decode_params - X.224 13.2.3: the variable part p[from..li] */
static int decode_params(struct tpdu *t, const uint8_t *p, size_t from,
			 char *why, size_t whylen)
{
	size_t i = from, end = (size_t)t->li + 1;
	size_t j;

	while (i < end) {
		unsigned code = p[i], len;
		const uint8_t *v;

		t->bad = i;
		if (i + 2 > end) {
			snprintf(why, whylen, "%s parameter 0x%02x at octet "
				 "%zu has no length octet", tpdu_name(t->code),
				 code, i);
			t->er_cause = COTP_ER_PARAM_VALUE;
			return COTP_E_PARAM;
		}
		len = p[i + 1];
		t->bad = i + 1;
		if (i + 2 + len > end) {
			snprintf(why, whylen, "%s parameter 0x%02x of length "
				 "%u runs past the header (LI %u)",
				 tpdu_name(t->code), code, len, t->li);
			t->er_cause = COTP_ER_PARAM_VALUE;
			return COTP_E_PARAM;
		}
		v = p + i + 2;
		t->bad = i + 2 + (len ? len - 1 : 0);
		switch (t->code == TPDU_ER && code == P_CALLING ? -1 :
			(int)code) {
		case -1:		/* ER: invalid TPDU, informative */
		case P_CHECKSUM:	/* class 4 only (13.2.3.1) */
			break;
		case P_TPDU_SIZE:	/* 13.3.4 b) */
			if (t->code != TPDU_CR && t->code != TPDU_CC)
				goto unexpected;
			if (len != 1 || v[0] < 7 || v[0] > 16) {
				snprintf(why, whylen, "%s TPDU size parameter "
					 "(0xc0) of length %u, value 0x%02x: "
					 "must be one octet 0x07..0x10",
					 tpdu_name(t->code), len,
					 len ? v[0] : 0);
				t->er_cause = COTP_ER_PARAM_VALUE;
				return COTP_E_PARAM;
			}
			t->size_code = v[0];
			break;
		case P_PREF_SIZE:	/* 13.3.4 c): units of 128 octets */
			if (t->code != TPDU_CR && t->code != TPDU_CC)
				goto unexpected;
			if (len < 1 || len > 4) {
				snprintf(why, whylen, "%s preferred maximum "
					 "TPDU size (0xf0) of length %u: must "
					 "be 1..4 octets", tpdu_name(t->code),
					 len);
				t->er_cause = COTP_ER_PARAM_VALUE;
				return COTP_E_PARAM;
			}
			t->pref_size = 0;
			for (j = 0; j < len; j++)
				t->pref_size = (t->pref_size << 8) | v[j];
			if (t->pref_size == 0) {
				snprintf(why, whylen, "%s preferred maximum "
					 "TPDU size (0xf0) is zero",
					 tpdu_name(t->code));
				t->er_cause = COTP_ER_PARAM_VALUE;
				return COTP_E_PARAM;
			}
			t->pref_size *= 128;
			break;
		case P_CALLING:
			if (t->code != TPDU_CR && t->code != TPDU_CC)
				goto unexpected;
			if (get_sel(t, &t->calling, v, len, P_CALLING, why,
				    whylen))
				return COTP_E_PARAM;
			break;
		case P_CALLED:
			if (t->code != TPDU_CR && t->code != TPDU_CC)
				goto unexpected;
			if (get_sel(t, &t->called, v, len, P_CALLED, why,
				    whylen))
				return COTP_E_PARAM;
			break;
		case P_ALT_CLASSES:	/* 13.3.4 h): one class per octet */
			if (t->code != TPDU_CR && t->code != TPDU_CC)
				goto unexpected;
			for (j = 0; j < len; j++)
				if ((v[j] >> 4) == 0)
					t->class0_alt = 1;
			break;
		case P_VERSION: case P_PROTECTION: case P_OPTIONS:
		case P_ACK_TIME: case P_RESIDUAL: case P_PRIORITY:
		case P_TRANSIT: case P_THROUGHPUT: case P_REASSIGN:
		case P_INACTIVITY:
			/* defined, meaningless in class 0 over RFC 1006 */
			if (t->code != TPDU_CR && t->code != TPDU_CC)
				goto unexpected;
			break;
		case P_ADD_INFO:	/* 13.5.4 b) */
			if (t->code != TPDU_DR)
				goto unexpected;
			break;
		default:
		unexpected:
			/* 13.2.3: ignored in a CR, an error elsewhere */
			if (t->code == TPDU_CR)
				break;
			t->bad = i;
			snprintf(why, whylen, "%s carries parameter code 0x%02x "
				 "(length %u), not defined for this TPDU",
				 tpdu_name(t->code), code, len);
			t->er_cause = COTP_ER_PARAM_CODE;
			return COTP_E_PARAM;
		}
		i += 2 + len;
	}
	return 0;
}

/* decode - X.224 13.2-13.12: the fixed part, then the variable part */
static int decode(struct tpdu *t, const uint8_t *p, size_t n, char *why,
		  size_t whylen)
{
	size_t fixed;

	memset(t, 0, sizeof(*t));
	t->er_cause = COTP_ER_NOT_SPECIFIED;
	if (n < 2) {
		snprintf(why, whylen, "TPDU of %zu octet%s: too short for a "
			 "length indicator and a code", n, n == 1 ? "" : "s");
		return COTP_E_TPDU;
	}
	t->li = p[0];
	t->code = p[1] >> 4;
	if (t->li == 255) {	/* 13.2.1: reserved */
		snprintf(why, whylen, "length indicator 255 is reserved");
		return COTP_E_TPDU;
	}
	if ((size_t)t->li + 1 > n) {
		snprintf(why, whylen, "length indicator %u runs past the "
			 "TPDU of %zu octets", t->li, n);
		return COTP_E_TPDU;
	}
	switch (t->code) {
	case TPDU_CR: case TPDU_CC: case TPDU_DR:
		fixed = 7;
		break;
	case TPDU_DT:
		fixed = 3;
		if (p[1] != 0xf0) {
			t->bad = 1;
			snprintf(why, whylen, "DT TPDU code 0x%02x: class 0 "
				 "uses 0xf0", p[1]);
			t->er_cause = COTP_ER_TPDU_TYPE;
			return COTP_E_TYPE;
		}
		break;
	case TPDU_ER:
		fixed = 5;
		break;
	default:
		t->bad = 1;
		t->er_cause = COTP_ER_TPDU_TYPE;
		snprintf(why, whylen, "unknown or non-class-0 TPDU code 0x%02x",
			 p[1]);
		return COTP_E_TYPE;
	}
	if ((size_t)t->li + 1 < fixed) {
		t->bad = 0;
		snprintf(why, whylen, "%s with length indicator %u: its fixed "
			 "part needs %zu", tpdu_name(t->code), t->li,
			 fixed - 1);
		return COTP_E_TPDU;
	}
	switch (t->code) {
	case TPDU_CR: case TPDU_CC: case TPDU_DR:
		t->dst_ref = (uint16_t)(p[2] << 8 | p[3]);
		t->src_ref = (uint16_t)(p[4] << 8 | p[5]);
		t->class_opt = t->reason = p[6];
		break;
	case TPDU_DT:
		t->eot = (p[2] & DT_EOT) != 0;
		t->data = p + t->li + 1;
		t->dlen = n - t->li - 1;
		break;
	case TPDU_ER:
		t->dst_ref = (uint16_t)(p[2] << 8 | p[3]);
		t->reason = p[4];
		break;
	}
	return decode_params(t, p, fixed, why, whylen);
}

/* ---- input ------------------------------------------------------------- */

/* bad_len - octets of the rejected TPDU to echo in an ER */
static size_t bad_len(const struct tpdu *t, size_t n)
{
	size_t l = t->bad + 1;

	if (l > n)
		l = n;
	return l;
}

/* on_cr - X.224 6.5 (connection establishment): a CR in IDLE */
static int on_cr(struct cotp *c, const struct tpdu *t, struct cotp_ind *ind,
		 struct buf *out)
{
	unsigned cls = t->class_opt >> 4;
	size_t proposed, neg;
	struct log_who w = who(c);
	char s1[80], s2[80];

	c->dst_ref = t->src_ref;
	/* 6.5 (class negotiation): class 0 answers a preferred class 0, 1
	 * or 2, or any CR that lists class 0 as an alternative */
	if (cls > 2 && !t->class0_alt)
		return fail(c, ind, out, COTP_E_CLASS, EV_COTP_REFUSED, NULL,
			    0, -1, COTP_DR_NEGOTIATION_FAILED,
			    "CR proposes class %u without class 0 as an "
			    "alternative; we implement class 0 only", cls);
	proposed = t->pref_size ? t->pref_size :
	    t->size_code ? (size_t)1 << t->size_code : COTP_TPDU_DEFAULT;
	neg = proposed < c->max_tpdu ? proposed : c->max_tpdu;
	c->tpdu_size = (size_t)1 << size_code(neg);
	c->calling = t->calling;
	c->called = t->called;
	c->state = COTP_ST_WAIT_RESP;
	ind->type = COTP_CONNECT_IND;
	ind->calling = t->calling;
	ind->called = t->called;
	ind->tpdu_size = c->tpdu_size;
	log_ev(LOG_DEBUG, EV_COTP_CONNECTED, &w, "CR received: class %u, "
	       "calling TSEL %s, called TSEL %s, proposed TPDU size %zu",
	       cls, sel_str(&t->calling, s1, sizeof(s1)),
	       sel_str(&t->called, s2, sizeof(s2)), proposed);
	return 0;
}

/* on_cc - X.224 6.5: the initiator in WAIT_CC receives a CC */
static int on_cc(struct cotp *c, const struct tpdu *t, const uint8_t *p,
		 size_t n, struct cotp_ind *ind, struct buf *out)
{
	struct log_who w = who(c);
	size_t answered;
	char s1[80], s2[80];

	if ((t->class_opt >> 4) != 0)
		return fail(c, ind, out, COTP_E_PARAM, EV_COTP_BAD_TPDU, p,
			    n < 7 ? n : 7, COTP_ER_PARAM_VALUE, -1,
			    "CC selects class %u; we proposed class 0",
			    t->class_opt >> 4);
	if (t->dst_ref != c->src_ref)
		return fail(c, ind, out, COTP_E_REF, EV_COTP_BAD_TPDU, p,
			    n < 4 ? n : 4, COTP_ER_PARAM_VALUE, -1,
			    "CC DST-REF 0x%04x does not answer our SRC-REF "
			    "0x%04x", t->dst_ref, c->src_ref);
	c->dst_ref = t->src_ref;
	answered = t->pref_size ? t->pref_size :
	    t->size_code ? (size_t)1 << t->size_code : COTP_TPDU_DEFAULT;
	/* 13.4.4: never more than proposed; a peer that answers more
	 * gets what we proposed */
	c->tpdu_size = answered < c->max_tpdu ? answered : c->max_tpdu;
	if (c->tpdu_size < COTP_TPDU_DEFAULT)
		c->tpdu_size = COTP_TPDU_DEFAULT;
	c->state = COTP_ST_OPEN;
	ind->type = COTP_CONNECT_CONF;
	ind->calling = t->calling.len ? t->calling : c->calling;
	ind->called = t->called.len ? t->called : c->called;
	ind->tpdu_size = c->tpdu_size;
	log_ev(LOG_INFO, EV_COTP_CONNECTED, &w, "transport connection open "
	       "(initiator): calling TSEL %s, called TSEL %s, TPDU size %zu",
	       sel_str(&ind->calling, s1, sizeof(s1)),
	       sel_str(&ind->called, s2, sizeof(s2)), c->tpdu_size);
	return 0;
}

/* on_dr - X.224 6.6 (refusal), 6.7 (release): the peer sends DR */
static int on_dr(struct cotp *c, const struct tpdu *t, struct cotp_ind *ind)
{
	struct log_who w = who(c);
	int refused = c->state == COTP_ST_WAIT_CC;

	log_ev(refused ? LOG_NOTICE : LOG_INFO,
	       refused ? EV_COTP_REFUSED : EV_COTP_DISCONNECTED, &w,
	       "peer sent DR in state %s: reason 0x%02x (%s)",
	       cotp_state_name(c->state), t->reason,
	       dr_reason_name(t->reason));
	c->state = COTP_ST_CLOSED;
	ind->type = COTP_DISCONNECT_IND;
	ind->reason = (int)t->reason;
	return 0;
}

/* on_dt - X.224 6.3 (segmenting and reassembling), 13.7 */
static int on_dt(struct cotp *c, const struct tpdu *t, struct cotp_ind *ind,
		 struct buf *out)
{
	size_t have = buf_avail(&c->rx);

	if (t->dlen > c->max_tsdu || have > c->max_tsdu - t->dlen) {
		buf_free(&c->rx);
		return fail(c, ind, out, COTP_E_TOOBIG, EV_COTP_TOO_BIG, NULL,
			    0, -1, COTP_DR_CONGESTION,
			    "TSDU of more than %zu octets (%zu reassembled, "
			    "%zu in this DT) exceeds the limit",
			    have + t->dlen, have, t->dlen);
	}
	if (!t->eot) {
		buf_add(&c->rx, t->data, t->dlen);
		ind->type = COTP_NONE;
		return 0;
	}
	if (have == 0) {		/* one DT: no copy */
		ind->data = t->data;
		ind->len = t->dlen;
	} else {
		buf_add(&c->rx, t->data, t->dlen);
		ind->data = buf_ptr(&c->rx);
		ind->len = buf_avail(&c->rx);
		c->rx_handed = 1;
	}
	c->tsdus_in++;
	ind->type = COTP_DATA_IND;
	return 0;
}

int cotp_input(struct cotp *c, const uint8_t *p, size_t n,
	       struct cotp_ind *ind, struct buf *out)
{
	struct tpdu t;
	char why[sizeof(ind->why)];
	int rc;

	memset(ind, 0, sizeof(*ind));
	if (c->rx_handed) {
		/* the TSDU handed out last time is no longer valid */
		if (c->rx.cap > (1u << 20))
			buf_free(&c->rx);
		else
			buf_reset(&c->rx);
		c->rx_handed = 0;
	}
	if (c->state == COTP_ST_CLOSED) {
		snprintf(ind->why, sizeof(ind->why), "TPDU of %zu octets "
			 "after the transport connection was closed", n);
		return COTP_E_STATE;
	}
	c->tpdus_in++;
	rc = decode(&t, p, n, why, sizeof(why));
	if (rc < 0) {
		/* X.224 6.22: class 0 answers an invalid TPDU with ER */
		return fail(c, ind, out, rc, EV_COTP_BAD_TPDU, p,
			    bad_len(&t, n), t.er_cause, -1, "%s", why);
	}
	if (t.code == TPDU_ER) {
		struct log_who w = who(c);

		snprintf(ind->why, sizeof(ind->why), "peer sent ER: cause "
			 "%u (%s)", t.reason, er_cause_name(t.reason));
		log_ev(LOG_WARNING, EV_COTP_ERROR_TPDU, &w, "%s (state %s)",
		       ind->why, cotp_state_name(c->state));
		ind->reason = (int)t.reason;
		c->state = COTP_ST_CLOSED;
		return COTP_E_PEER_ER;
	}
	switch (c->state) {
	case COTP_ST_IDLE:
		if (c->role == COTP_RESPONDER && t.code == TPDU_CR)
			return on_cr(c, &t, ind, out);
		break;
	case COTP_ST_WAIT_CC:
		if (t.code == TPDU_CC)
			return on_cc(c, &t, p, n, ind, out);
		if (t.code == TPDU_DR)
			return on_dr(c, &t, ind);
		break;
	case COTP_ST_WAIT_RESP:
		if (t.code == TPDU_DR)
			return on_dr(c, &t, ind);
		break;
	case COTP_ST_OPEN:
		if (t.code == TPDU_DT)
			return on_dt(c, &t, ind, out);
		if (t.code == TPDU_DR)
			return on_dr(c, &t, ind);
		break;
	case COTP_ST_CLOSED:
		break;
	}
	/* out of state: answer with ER unless it was a DR (6.22) */
	return fail(c, ind, out, COTP_E_STATE, EV_COTP_OUT_OF_STATE, p,
		    n < 2 ? n : 2, t.code == TPDU_DR ? -1 :
		    COTP_ER_NOT_SPECIFIED, -1, "%s TPDU not allowed for the "
		    "%s in state %s", tpdu_name(t.code),
		    c->role == COTP_INITIATOR ? "initiator" : "responder",
		    cotp_state_name(c->state));
}

/* ---- requests ----------------------------------------------------------- */

int cotp_connect_req(struct cotp *c, const struct cotp_addr *calling,
		     const struct cotp_addr *called, struct buf *out)
{
	if (c->role != COTP_INITIATOR || c->state != COTP_ST_IDLE)
		return COTP_E_STATE;
	if (c->max_tpdu < COTP_TPDU_DEFAULT)
		c->max_tpdu = COTP_TPDU_DEFAULT;
	if (c->max_tpdu > COTP_TPDU_MAX_CLASS0)
		c->max_tpdu = COTP_TPDU_MAX_CLASS0;
	c->max_tpdu = (size_t)1 << size_code(c->max_tpdu);
	memset(&c->calling, 0, sizeof(c->calling));
	memset(&c->called, 0, sizeof(c->called));
	if (calling) {
		if (calling->len > COTP_SEL_MAX)
			panic("cotp_connect_req: calling TSEL %zu octets",
			      calling->len);
		c->calling = *calling;
	}
	if (called) {
		if (called->len > COTP_SEL_MAX)
			panic("cotp_connect_req: called TSEL %zu octets",
			      called->len);
		c->called = *called;
	}
	c->dst_ref = 0;			/* 13.3.3: zero in a CR */
	put_cr_cc(c, out, TPDU_CR, c->max_tpdu);
	c->state = COTP_ST_WAIT_CC;
	return 0;
}

int cotp_connect_resp(struct cotp *c, struct buf *out)
{
	struct log_who w = who(c);
	char s1[80], s2[80];

	if (c->state != COTP_ST_WAIT_RESP)
		return COTP_E_STATE;
	put_cr_cc(c, out, TPDU_CC, c->tpdu_size);
	c->state = COTP_ST_OPEN;
	/* at debug: a caller is no one until its bind (x400d logs that,
	 * and counts the callers that never bind) */
	log_ev(LOG_DEBUG, EV_COTP_CONNECTED, &w, "transport connection open "
	       "(responder): calling TSEL %s, called TSEL %s, TPDU size %zu",
	       sel_str(&c->calling, s1, sizeof(s1)),
	       sel_str(&c->called, s2, sizeof(s2)), c->tpdu_size);
	return 0;
}

int cotp_refuse(struct cotp *c, int reason, struct buf *out)
{
	struct log_who w = who(c);

	if (c->state != COTP_ST_WAIT_RESP && c->state != COTP_ST_OPEN)
		return COTP_E_STATE;
	if (reason < 0 || reason > 255)
		panic("cotp_refuse: reason %d", reason);
	put_dr(c, out, reason);
	log_ev(c->state == COTP_ST_WAIT_RESP ? LOG_NOTICE : LOG_INFO,
	       c->state == COTP_ST_WAIT_RESP ? EV_COTP_REFUSED :
	       EV_COTP_DISCONNECTED, &w, "DR sent in state %s: reason 0x%02x "
	       "(%s)", cotp_state_name(c->state), (unsigned)reason,
	       dr_reason_name((unsigned)reason));
	c->state = COTP_ST_CLOSED;
	return 0;
}

int cotp_disconnect(struct cotp *c, struct buf *out)
{
	if (c->state != COTP_ST_OPEN)
		return COTP_E_STATE;
	return cotp_refuse(c, COTP_DR_NORMAL, out);
}

int cotp_data_req(struct cotp *c, const uint8_t *tsdu, size_t n,
		  struct buf *out)
{
	size_t per, o = 0;

	if (c->state != COTP_ST_OPEN)
		return COTP_E_STATE;
	per = c->tpdu_size - 3;		/* LI, code, EOT/NR */
	buf_reserve(out, n + (n / per + 1) * (TPKT_HDR_LEN + 3));
	do {
		size_t k = n - o < per ? n - o : per;
		int last = o + k == n;

		buf_add_u8(out, TPKT_VERSION);
		buf_add_u8(out, 0);
		buf_add_u16be(out, (unsigned)(TPKT_HDR_LEN + 3 + k));
		buf_add_u8(out, 2);
		buf_add_u8(out, 0xf0);
		buf_add_u8(out, last ? DT_EOT : 0);
		buf_add(out, tsdu + o, k);
		c->tpdus_out++;
		o += k;
	} while (o < n);
	c->tsdus_out++;
	return 0;
}

void cotp_error(struct cotp *c, int cause, const uint8_t *bad, size_t badlen,
		struct buf *out)
{
	if (c->state == COTP_ST_CLOSED)
		return;
	put_er(c, out, cause, bad, badlen);
	c->state = COTP_ST_CLOSED;
}

/* ---- framer + machine ------------------------------------------------- */

void tp_init(struct tp *t, int role, size_t max_tsdu)
{
	tpkt_rx_init(&t->rx, TPKT_MAX_LEN);
	cotp_init(&t->cotp, role, max_tsdu);
}

void tp_free(struct tp *t)
{
	tpkt_rx_free(&t->rx);
	cotp_free(&t->cotp);
}

int tp_feed(struct tp *t, const uint8_t *p, size_t n, size_t *used,
	    struct cotp_ind *ind, struct buf *out)
{
	size_t off = 0;

	memset(ind, 0, sizeof(*ind));
	while (off < n) {
		const uint8_t *tpdu;
		size_t len, u;
		int rc = tpkt_rx_feed(&t->rx, p + off, n - off, &u, &tpdu,
				      &len);

		off += u;
		if (rc < 0) {
			struct log_who w = who(&t->cotp);
			size_t hl = t->rx.hdr_have;

			*used = off;
			snprintf(ind->why, sizeof(ind->why), "%s: header "
				 "%02x %02x %02x %02x, cap %zu",
				 tpkt_strerror(rc), t->rx.hdr[0],
				 hl > 1 ? t->rx.hdr[1] : 0,
				 hl > 2 ? t->rx.hdr[2] : 0,
				 hl > 3 ? t->rx.hdr[3] : 0, t->rx.max_len);
			w.layer = "tpkt";
			log_ev(LOG_WARNING, EV_TPKT_BAD, &w, "%s%s", ind->why,
			       t->cotp.state != COTP_ST_CLOSED ?
			       "; ER sent" : "");
			cotp_error(&t->cotp, COTP_ER_NOT_SPECIFIED, NULL, 0,
				   out);
			return rc;
		}
		if (rc == 0)
			break;
		rc = cotp_input(&t->cotp, tpdu, len, ind, out);
		if (rc < 0) {
			*used = off;
			return rc;
		}
		if (ind->type != COTP_NONE) {
			*used = off;
			return 1;
		}
	}
	*used = off;
	ind->type = COTP_NONE;
	return 0;
}
