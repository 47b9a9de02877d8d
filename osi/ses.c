/*
 * ses.c - the OSI session protocol machine (ITU-T X.225)
 *
 * See ses.h and ses_int.h. This file is the state machine: connection
 * establishment with its negotiation and connect data overflow, release,
 * abort, and the dispatch of every incoming SPDU; the SPDU codec is
 * ses_spdu.c, the data transfer phase ses_xfer.c. Clause numbers are
 * those of X.225 (11/1995); Annex A is its state table, whose state names
 * ses.h keeps in brackets.
 */
#include <stdio.h>
#include <string.h>

#include "ses_int.h"

static const char *const state_names[] = {
	"IDLE", "WAIT-AC", "WAIT-OA", "WAIT-CDO", "WAIT-CONNECT-RSP", "OPEN",
	"WAIT-DN", "WAIT-RELEASE-RSP", "WAIT-AA", "CLOSED"
};

const char *ses_state_name(enum ses_state st)
{
	return (unsigned)st < sizeof(state_names) / sizeof(state_names[0]) ?
	    state_names[st] : "?";
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

/* ses_up - give the user an indication */
void ses_up(struct ses *s, enum ses_ind_type type, const void *ud,
	    size_t udlen)
{
	struct ses_ind ind;

	memset(&ind, 0, sizeof(ind));
	ind.type = type;
	ind.ud = ud;
	ind.udlen = udlen;
	s->user(s->arg, &ind);
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

	s->avail = ses_tokens_available(s->fu);
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
		ses_put_pi_u8(&par, PI_TRANSPORT_DISC,
			      SES_TD_RELEASED | SES_TD_PROTOCOL_ERROR);
		ses_send_cat1(s, SES_SI_AB, &par);
		buf_free(&par);
	}
	s->state = SES_ST_CLOSED;
	ses_up(s, SES_P_ABORT_IND, NULL, 0);
	return SES_E_PROTOCOL;
}

void ses_transport_lost(struct ses *s)
{
	if (s->state == SES_ST_CLOSED || s->state == SES_ST_IDLE)
		return;
	snprintf(s->why, sizeof(s->why), "transport connection lost in "
		 "state %s", ses_state_name(s->state));
	s->state = SES_ST_CLOSED;
	ses_up(s, SES_P_ABORT_IND, NULL, 0);
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
	ses_put_conn_items(s, &par, &s->conn, 1, overflow);
	if (first > SES_UD_V1_MAX)
		ses_put_pi(&par, PGI_EXT_USER_DATA, ud, first);
	else
		ses_put_ud(&par, ud, first);
	ses_send_cat1(s, SES_SI_CN, &par);
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
		ses_put_pi_u8(&par, PI_ENCLOSURE,
			      n == buf_avail(&s->ud) ? ENC_END : 0);
		ses_put_pi(&par, PGI_USER_DATA, buf_ptr(&s->ud), n);
		ses_send_cat1(s, SES_SI_CDO, &par);
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
	if (udlen > ses_ud_max(s))
		return SES_E_TOOBIG;
	if (!accept) {
		/* X.225 8.3.4: RF. User data rides in the Reason Code after
		 * its first octet, which must then say so (2). */
		ses_put_pi_u8(&par, PI_TRANSPORT_DISC, SES_TD_RELEASED);
		if (udlen && reason < 128)
			reason = SES_RF_USER_DATA;
		{
			struct buf r = BUF_INIT;

			buf_add_u8(&r, (unsigned)reason);
			buf_add(&r, ud, udlen);
			ses_put_pi(&par, PI_REASON, buf_ptr(&r), buf_avail(&r));
			buf_free(&r);
		}
		ses_send_cat1(s, SES_SI_RF, &par);
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
	ses_put_conn_items(s, &par, &s->conn, 0, 0);
	ses_put_ud(&par, ud, udlen);
	ses_send_cat1(s, SES_SI_AC, &par);
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

	ses_put_pi_u8(&par, PI_TRANSPORT_DISC, SES_TD_RELEASED);
	ses_put_pi_u8(&par, PI_REASON, (unsigned)reason);
	ses_send_cat1(s, SES_SI_RF, &par);
	buf_free(&par);
	s->state = SES_ST_CLOSED;
}

/* up_connect - S-CONNECT indication with all the connect data (CN, and
 *	the CDOs after it); now the user decides */
static void up_connect(struct ses *s)
{
	struct ses_ind ind;

	s->state = SES_ST_WAIT_CONN_RSP;
	memset(&ind, 0, sizeof(ind));
	ind.type = SES_CONNECT_IND;
	ind.conn = &s->conn;
	ind.ud = buf_ptr(&s->ud);
	ind.udlen = buf_avail(&s->ud);
	s->user(s->arg, &ind);
}

/* on_cn - CONNECT SPDU (X.225 7.1.2) */
static int on_cn(struct ses *s, const struct params *pr)
{
	int r;

	if (s->role != SES_RESPONDER || s->state != SES_ST_IDLE)
		return ses_fail(s, "CN in state %s", ses_state_name(s->state));
	if (!ssel_ok(s, pr)) {
		ses_fail(s, "called session selector (%zu octets) is not ours",
			 pr->c.called_ssel_len);
		refuse_spm(s, SES_RF_SSEL_UNKNOWN);
		return SES_E_PARAM;
	}
	if ((r = negotiate(s, pr)) != 0) {
		ses_fail(s, "no common protocol version (offered 0x%x)",
			 pr->c.versions);
		refuse_spm(s, r);
		return SES_E_PARAM;
	}
	if (pr->udlen > (s->version == 1 ? SES_UD_V1_MAX : SES_UD_CN_V2_MAX))
		return ses_fail(s, "CN user data of %zu octets", pr->udlen);
	buf_reset(&s->ud);
	buf_add(&s->ud, pr->ud, pr->udlen);
	if (pr->have_overflow) {
		/* X.225 7.1.1.4: ask for the rest with an OA */
		struct buf par = BUF_INIT;

		if (s->version != 2)
			return ses_fail(s, "Data Overflow in version 1");
		ses_put_pi_u8(&par, PI_VERSION, 2);
		ses_send_cat1(s, SES_SI_OA, &par);
		buf_free(&par);
		s->state = SES_ST_WAIT_CDO;
		return 0;
	}
	up_connect(s);
	return 0;
}

/* on_cdo - CONNECT DATA OVERFLOW (X.225 7.1.1.4) */
static int on_cdo(struct ses *s, const struct params *pr)
{
	if (s->state != SES_ST_WAIT_CDO)
		return ses_fail(s, "CDO in state %s", ses_state_name(s->state));
	if (buf_avail(&s->ud) + pr->udlen > s->cfg.max_ud)
		return ses_fail(s, "connect user data over %zu octets",
				s->cfg.max_ud);
	buf_add(&s->ud, pr->ud, pr->udlen);
	if (pr->have_enclosure && (pr->enclosure & ENC_END))
		up_connect(s);
	return 0;
}

/* on_ac - ACCEPT (X.225 7.1.3) */
static int on_ac(struct ses *s, const struct params *pr)
{
	struct ses_ind ind;
	unsigned v;

	if (s->state != SES_ST_WAIT_AC)
		return ses_fail(s, "AC in state %s", ses_state_name(s->state));
	v = pr->have_versions ? pr->c.versions : 1;
	if ((v & s->cfg.versions) == 0)
		return ses_fail(s, "AC selects version 0x%x, we offered "
				"0x%x", v, s->cfg.versions);
	s->version = (v & s->cfg.versions & 2) ? 2 : 1;
	s->fu = (pr->have_requirements ? pr->c.requirements :
		 s->conn.requirements) & s->conn.requirements;
	if ((s->fu & SES_FU_HALF_DUPLEX) && (s->fu & SES_FU_DUPLEX))
		return ses_fail(s, "AC selects both half-duplex and duplex");
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
		return ses_fail(s, "RF in state %s", ses_state_name(s->state));
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

/* on_fn - FINISH (X.225 7.6) */
static int on_fn(struct ses *s, const struct params *pr)
{
	if (s->state != SES_ST_OPEN && s->state != SES_ST_WAIT_DN)
		return ses_fail(s, "FN in state %s", ses_state_name(s->state));
	if ((s->avail & SES_TK_RELEASE) && (s->owned & SES_TK_RELEASE))
		return ses_fail(s, "FN while we hold the release token");
	if (s->state == SES_ST_OPEN && (s->avail & SES_TK_DATA) &&
	    (s->owned & SES_TK_DATA))
		return ses_fail(s, "FN while we hold the data token");
	if (s->in_activity)
		return ses_fail(s, "FN inside an activity");
	s->state = SES_ST_WAIT_REL_RSP;
	ses_up(s, SES_RELEASE_IND, pr->ud, pr->udlen);
	return 0;
}

/* on_dn - DISCONNECT (X.225 7.7) */
static int on_dn(struct ses *s, const struct params *pr)
{
	if (s->state != SES_ST_WAIT_DN)
		return ses_fail(s, "DN in state %s", ses_state_name(s->state));
	s->state = SES_ST_CLOSED;
	ses_up(s, SES_RELEASE_CONF, pr->ud, pr->udlen);
	return 0;
}

/* on_ab - ABORT (X.225 7.9): answer with AA if the transport stays */
static int on_ab(struct ses *s, const struct params *pr)
{
	struct ses_ind ind;
	int td = pr->have_td ? pr->td : SES_TD_RELEASED;

	if (s->state == SES_ST_IDLE || s->state == SES_ST_CLOSED)
		return ses_fail(s, "AB in state %s", ses_state_name(s->state));
	if (s->state == SES_ST_WAIT_AA) {	/* both aborted at once */
		s->state = SES_ST_CLOSED;
		return 0;
	}
	if (!(td & SES_TD_RELEASED))
		ses_send_cat1(s, SES_SI_AA, NULL);
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
		return ses_fail(s, "OA in state %s", ses_state_name(s->state));
	if (pr->have_versions && !(pr->c.versions & 2))
		return ses_fail(s, "OA without version 2");
	send_cdo(s);
	s->state = SES_ST_WAIT_AC;
	return 0;
}

/* dispatch - act on one SPDU; cat2 says whether a category 0 SPDU came
 *	first in this TSDU (which tells DT from GT, AI from AB...). The
 *	SPDUs of establishment, release and abort are ours; those of the
 *	data transfer phase go to ses_xfer.c. */
static int dispatch(struct ses *s, const struct spdu *sp, int cat2)
{
	struct params pr;

	memset(&pr, 0, sizeof(pr));
	if (ses_parse_pis(s, sp->par, sp->plen, 0, &pr))
		return SES_E_PROTOCOL;
	if (cat2)
		return ses_xfer_spdu(s, sp, &pr, 1);
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
			return ses_fail(s, "AA in state %s",
					ses_state_name(s->state));
		s->state = SES_ST_CLOSED;
		return 0;
	}
	return ses_xfer_spdu(s, sp, &pr, 0);
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
	if ((rc = ses_cut_spdu(s, p, n, &sp, &used)) != 0)
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
		if (ses_cut_spdu(s, p + used, n - used, &c2, &used2))
			return abort_protocol(s);
		if (c2.si == SES_SI_DT) {
			c2.uinfo = p + used + used2;
			c2.ulen = n - used - used2;
		} else if (used + used2 != n) {
			ses_fail(s, "%zu octets after %s", n - used - used2,
				 ses_si_name(c2.si, 1));
			return abort_protocol(s);
		}
		rc = dispatch(s, &c2, 1);
	} else {
		if (used != n) {
			ses_fail(s, "%zu octets after category 1 SPDU %s",
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

/* ---- requests: release and abort --------------------------------- */

int ses_release_req(struct ses *s, const void *ud, size_t udlen)
{
	struct buf par = BUF_INIT;

	if (s->state != SES_ST_OPEN || s->in_activity ||
	    (s->await & ~SES_W_GTA) || s->owe)
		return SES_E_STATE;
	if ((s->avail & ~SES_TK_MINOR) & ~s->owned)
		return SES_E_TOKEN;	/* 7.6.1: data and release tokens */
	if (udlen > ses_ud_max(s))
		return SES_E_TOOBIG;
	ses_put_pi_u8(&par, PI_TRANSPORT_DISC, SES_TD_RELEASED);
	ses_put_ud(&par, ud, udlen);
	ses_send_cat1(s, SES_SI_FN, &par);
	buf_free(&par);
	s->state = SES_ST_WAIT_DN;
	return 0;
}

int ses_release_rsp(struct ses *s, const void *ud, size_t udlen)
{
	struct buf par = BUF_INIT;

	if (s->state != SES_ST_WAIT_REL_RSP)
		return SES_E_STATE;
	if (udlen > ses_ud_max(s))
		return SES_E_TOOBIG;
	ses_put_ud(&par, ud, udlen);
	ses_send_cat1(s, SES_SI_DN, &par);
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
	ses_put_pi_u8(&par, PI_TRANSPORT_DISC,
		      SES_TD_RELEASED | SES_TD_USER_ABORT);
	ses_put_ud(&par, ud, udlen);
	ses_send_cat1(s, SES_SI_AB, &par);
	buf_free(&par);
	s->state = SES_ST_CLOSED;
	return 0;
}
