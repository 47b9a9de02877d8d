/*
 * ses_xfer.c - the data transfer phase of the session protocol machine
 *	(ITU-T X.225)
 *
 * See ses.h and ses_int.h. Data with its segment reassembly (7.11), the
 * tokens (7.13-7.15), minor and major synchronization (7.16, 7.17),
 * activities (7.19-7.23) and exceptions (7.25, 7.26): the SPDUs that
 * come in, as ses.c's dispatch hands them over, and the requests that
 * send them. Clause numbers are those of X.225 (11/1995).
 */
#include <string.h>

#include "ses_int.h"

/* ---- indications ------------------------------------------------- */

/* need_open - data-transfer SPDUs need an open connection */
static int need_open(struct ses *s, const char *what)
{
	if (s->state != SES_ST_OPEN)
		return ses_fail(s, "%s in state %s", what,
				ses_state_name(s->state));
	return 0;
}

/* peer_holds - the peer may send only with the tokens it holds */
static int peer_holds(struct ses *s, unsigned tk, const char *what)
{
	tk &= s->avail;
	if (s->owned & tk)
		return ses_fail(s, "%s while we hold the %s token", what,
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
			return ses_fail(s, "segmented SSDU over %zu octets",
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
		ses_up(s, SES_DATA_IND, buf_ptr(&s->ud), buf_avail(&s->ud));
		buf_reset(&s->ud);
		return 0;
	}
	ses_up(s, SES_DATA_IND, sp->uinfo, sp->ulen);
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
		return ses_fail(s, "GT gives tokens 0x%02x that do not exist "
				"(0x%02x)", tk, s->avail);
	if (tk & s->owned)
		return ses_fail(s, "GT gives tokens 0x%02x we already hold",
				tk);
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
		return ses_fail(s, "GTC while we hold tokens 0x%02x", s->owned);
	if ((s->fu & SES_FU_ACTIVITY) && s->in_activity)
		return ses_fail(s, "GTC inside an activity");
	s->owned = s->avail;
	ses_send_cat1(s, SES_SI_GTA, NULL);
	ses_up(s, SES_CONTROL_GIVE_IND, NULL, 0);
	return 0;
}

/* sync_allowed - minor sync needs an activity when activities exist */
static int sync_allowed(struct ses *s, const char *what)
{
	if ((s->fu & SES_FU_ACTIVITY) && !s->in_activity)
		return ses_fail(s, "%s outside an activity", what);
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
		    ses_fail(s, "MIP without the minor synchronize unit");
	if (!pr->have_serial || pr->serial != s->vm % 1000000ul)
		return ses_fail(s, "MIP serial %lu, expected %lu", pr->serial,
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
		    ses_fail(s, "MIA without the minor synchronize unit");
	if (!pr->have_serial || pr->serial < s->va % 1000000ul ||
	    pr->serial >= s->vm % 1000000ul)
		return ses_fail(s, "MIA serial %lu outside [%lu, %lu)",
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
		return ses_fail(s, "AE outside an activity");
	if (!(s->fu & SES_FU_ACTIVITY) && !(s->fu & SES_FU_MAJOR_SYNC))
		return ses_fail(s, "%s without the major synchronize unit",
				what);
	if (!pr->have_serial || pr->serial != s->vm % 1000000ul)
		return ses_fail(s, "%s serial %lu, expected %lu", what,
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
		    ses_fail(s, "MAA with no major sync outstanding");
	if (pr->have_serial && pr->serial != (s->vm - 1) % 1000000ul)
		return ses_fail(s, "MAA serial %lu, expected %lu", pr->serial,
				s->vm - 1);
	s->await &= ~(SES_W_MAA | SES_W_AE);
	s->va = s->vm;
	if (was_end)
		s->in_activity = 0;
	up_serial(s, was_end ? SES_ACT_END_CONF : SES_SYNC_MAJOR_CONF,
		  s->vm - 1, pr);
	return 0;
}

/* need_activity - what AS, AR, AI and AD need: an open connection,
 *	activity management, and the major/activity token on the peer's
 *	side */
static int need_activity(struct ses *s, const char *what)
{
	if (need_open(s, what) || !(s->fu & SES_FU_ACTIVITY) ||
	    peer_holds(s, SES_TK_MAJOR, what))
		return s->why[0] ? SES_E_PROTOCOL :
		    ses_fail(s, "%s without activity management", what);
	return 0;
}

/* act_ind - the indication of an activity that starts or resumes */
static void act_ind(struct ses_ind *ind, enum ses_ind_type t,
		    const struct params *pr)
{
	memset(ind, 0, sizeof(*ind));
	ind->type = t;
	ind->act_id = pr->act_id;
	ind->act_id_len = pr->act_id_len;
	ind->ud = pr->ud;
	ind->udlen = pr->udlen;
}

/* on_as - ACTIVITY START (X.225 7.19) */
static int on_as(struct ses *s, const struct params *pr)
{
	struct ses_ind ind;

	if (need_activity(s, "AS"))
		return SES_E_PROTOCOL;
	if (s->in_activity)
		return ses_fail(s, "AS inside an activity");
	if (pr->act_id == NULL)
		return ses_fail(s, "AS without an Activity Identifier");
	s->in_activity = 1;
	s->vm = s->va = 1;
	act_ind(&ind, SES_ACT_START_IND, pr);
	s->user(s->arg, &ind);
	return 0;
}

/* on_ar - ACTIVITY RESUME (X.225 7.20) */
static int on_ar(struct ses *s, const struct params *pr)
{
	struct ses_ind ind;

	if (need_activity(s, "AR"))
		return SES_E_PROTOCOL;
	if (s->in_activity)
		return ses_fail(s, "AR inside an activity");
	if (pr->act_id == NULL || !pr->have_serial)
		return ses_fail(s, "AR without %s", pr->act_id == NULL ?
				"a New Activity Identifier" :
				"a Serial Number");
	s->in_activity = 1;
	s->vm = s->va = pr->serial + 1;
	act_ind(&ind, SES_ACT_RESUME_IND, pr);
	ind.old_act_id = pr->old_act_id;
	ind.old_act_id_len = pr->old_act_id_len;
	ind.serial = pr->serial;
	s->user(s->arg, &ind);
	return 0;
}

/* on_ai_ad - ACTIVITY INTERRUPT or DISCARD (X.225 7.21, 7.23) */
static int on_ai_ad(struct ses *s, const struct params *pr, int discard)
{
	const char *what = discard ? "AD" : "AI";

	if (need_activity(s, what))
		return SES_E_PROTOCOL;
	if (!s->in_activity)
		return ses_fail(s, "%s outside an activity", what);
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
		    ses_fail(s, "%s with nothing outstanding",
			     discard ? "ADA" : "AIA");
	s->await &= ~w;
	s->in_activity = 0;
	/* 7.21.3: the requester now holds every available token */
	s->owned = s->avail;
	ses_up(s, discard ? SES_ACT_DISCARD_CONF : SES_ACT_INTERRUPT_CONF, NULL,
	       0);
	return 0;
}

/* on_ed_er - EXCEPTION DATA (7.26) and EXCEPTION REPORT (7.25) */
static int on_ed_er(struct ses *s, const struct params *pr, int er)
{
	if (need_open(s, er ? "ER" : "ED"))
		return SES_E_PROTOCOL;
	if (!(s->fu & SES_FU_EXCEPTIONS))
		return ses_fail(s, "%s without the exceptions unit",
				er ? "ER" : "ED");
	if (!(s->owned & SES_TK_DATA) && (s->avail & SES_TK_DATA))
		return ses_fail(s, "%s sent to the side without the data token",
				er ? "ER" : "ED");
	up_serial(s, er ? SES_P_EXCEPTION_IND : SES_U_EXCEPTION_IND, 0, pr);
	return 0;
}

/* ses_xfer_spdu - act on an SPDU of the data transfer phase; cat2 as
 *	for ses.c's dispatch, which has parsed its parameters into pr */
int ses_xfer_spdu(struct ses *s, const struct spdu *sp,
		  const struct params *pr, int cat2)
{
	if (cat2) {
		switch (sp->si) {
		case SES_SI_DT: return on_dt(s, sp, pr);
		case SES_SI_MIP: return on_mip(s, pr);
		case SES_SI_MIA: return on_mia(s, pr);
		case SES_SI_MAP: return on_map(s, pr);
		case SES_SI_MAA: return on_maa(s, pr);
		case SES_SI_AS: return on_as(s, pr);
		case SES_SI_AR: return on_ar(s, pr);
		case SES_SI_AI: return on_ai_ad(s, pr, 0);
		case SES_SI_AIA: return on_aia_ada(s, 0);
		case SES_SI_AD: return on_ai_ad(s, pr, 1);
		case SES_SI_ADA: return on_aia_ada(s, 1);
		case SES_SI_ED: return on_ed_er(s, pr, 0);
		case SES_SI_ER: return on_ed_er(s, pr, 1);
		}
		return ses_fail(s, "category 2 SPDU SI %d (%s) not supported",
				sp->si, ses_si_name(sp->si, 1));
	}
	switch (sp->si) {
	case SES_SI_GT: return on_gt(s, pr);
	case SES_SI_PT: return on_pt(s, pr);
	case SES_SI_GTC: return on_gtc(s);
	case SES_SI_GTA:
		if (need_open(s, "GTA") || !(s->await & SES_W_GTA))
			return s->why[0] ? SES_E_PROTOCOL :
			    ses_fail(s, "GTA with no GTC outstanding");
		s->await &= ~SES_W_GTA;
		return 0;
	}
	return ses_fail(s, "SPDU SI %d (%s) not supported", sp->si,
			ses_si_name(sp->si, 0));
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
	ses_send_cat2(s, SES_SI_DT, NULL, ud, udlen);
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
	ses_put_pi_u8(&par, PI_TOKEN_ITEM, tokens);
	ses_send_cat1(s, SES_SI_GT, &par);
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
	if (udlen > ses_ud_max(s))
		return SES_E_TOOBIG;
	tokens &= s->avail & ~s->owned;
	if (tokens)
		ses_put_pi_u8(&par, PI_TOKEN_ITEM, tokens);
	ses_put_ud(&par, ud, udlen);
	ses_send_cat1(s, SES_SI_PT, &par);
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
	ses_send_cat1(s, SES_SI_GTC, NULL);
	s->owned = 0;
	s->await |= SES_W_GTA;
	return 0;
}

/* send_sync - MIP or MAP (X.225 7.16, 7.17): par, with the serial
 *	number V(M) and the user data added, and V(M) moves on */
static void send_sync(struct ses *s, int si, struct buf *par,
		      const void *ud, size_t udlen, unsigned long *serial)
{
	ses_put_serial(par, s->vm);
	ses_put_ud(par, ud, udlen);
	ses_send_cat2(s, si, par, NULL, 0);
	buf_free(par);
	if (serial)
		*serial = s->vm;
	s->vm++;
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
	if (udlen > ses_ud_max(s))
		return SES_E_TOOBIG;
	if (!confirm)
		ses_put_pi_u8(&par, PI_SYNC_TYPE, SYNC_NOEXPL);
	send_sync(s, SES_SI_MIP, &par, ud, udlen, serial);
	return 0;
}

int ses_sync_minor_rsp(struct ses *s, unsigned long serial, const void *ud,
		       size_t udlen)
{
	struct buf par = BUF_INIT;

	if (s->state != SES_ST_OPEN || serial >= s->vm)
		return SES_E_STATE;
	if (udlen > ses_ud_max(s))
		return SES_E_TOOBIG;
	ses_put_serial(&par, serial);
	ses_put_ud(&par, ud, udlen);
	ses_send_cat2(s, SES_SI_MIA, &par, NULL, 0);
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
	if (udlen > ses_ud_max(s))
		return SES_E_TOOBIG;
	if (end && !s->in_activity)
		return SES_E_STATE;
	if (!end && !(s->fu & SES_FU_MAJOR_SYNC) &&
	    !(s->fu & SES_FU_ACTIVITY))
		return SES_E_STATE;
	if (!end && s->in_activity)
		ses_put_pi_u8(&par, PI_SYNC_TYPE, SYNC_NOEND);
	else if (!end && (s->fu & SES_FU_ACTIVITY))
		return SES_E_STATE;	/* MAP outside activity: AE form */
	send_sync(s, SES_SI_MAP, &par, ud, udlen, serial);
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
	if (udlen > ses_ud_max(s))
		return SES_E_TOOBIG;
	ses_put_serial(&par, s->vm - 1);
	ses_put_ud(&par, ud, udlen);
	s->owe = 0;
	s->va = s->vm;
	if (w == SES_W_AE)
		s->in_activity = 0;
	ses_send_cat2(s, SES_SI_MAA, &par, NULL, 0);
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
	if (udlen > ses_ud_max(s))
		return SES_E_TOOBIG;
	ses_put_pi(&par, PI_ACT_ID, id, idlen);
	ses_put_ud(&par, ud, udlen);
	ses_send_cat2(s, SES_SI_AS, &par, NULL, 0);
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
	if (udlen > ses_ud_max(s))
		return SES_E_TOOBIG;
	/* X.225 8.3.30: Linking Information names the old activity */
	if (s->conn.common_ref_len)
		ses_put_pi(&link, PI_COMMON_REF, s->conn.common_ref,
			   s->conn.common_ref_len);
	ses_put_pi(&link, PI_ACT_ID, old_id, old_idlen);
	ses_put_serial(&link, serial);
	ses_put_pi(&par, PGI_LINKING, buf_ptr(&link), buf_avail(&link));
	buf_free(&link);
	ses_put_pi(&par, PI_ACT_ID, id, idlen);
	ses_put_ud(&par, ud, udlen);
	ses_send_cat2(s, SES_SI_AR, &par, NULL, 0);
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
	ses_put_pi_u8(&par, PI_REASON, (unsigned)reason);
	ses_send_cat2(s, discard ? SES_SI_AD : SES_SI_AI, &par, NULL, 0);
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
	ses_send_cat2(s, discard ? SES_SI_ADA : SES_SI_AIA, NULL, NULL, 0);
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
	if (udlen > ses_ud_max(s))
		return SES_E_TOOBIG;
	ses_put_pi_u8(&par, PI_REASON, (unsigned)reason);
	ses_put_ud(&par, ud, udlen);
	/* The category 0 SPDU before ED is a PT: we lack the data token. */
	ses_send_cat2(s, SES_SI_ED, &par, NULL, 0);
	buf_free(&par);
	return 0;
}

