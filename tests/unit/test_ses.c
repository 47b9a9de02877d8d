/*
 * test_ses.c - the session protocol machine (X.225): two machines
 *	back to back, byte-built SPDUs from misbehaving peers, and the
 *	initiator side of the PP and ISODE captures replayed to ours.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "capture.h"
#include "ses.h"

/* ---- a pair of machines --------------------------------------------- */

#define MAXIND 256

struct end {
	struct ses	s;
	struct buf	q[64];		/* TSDUs sent, not yet delivered */
	int		nq;
	enum ses_ind_type ind[MAXIND];
	unsigned long	serial[MAXIND];
	int		reason[MAXIND];
	unsigned	tokens[MAXIND];
	struct buf	ud[MAXIND];
	int		nind;
	int		auto_accept;	/* answer CONNECT_IND by accepting */
};

static void on_tsdu(void *arg, const unsigned char *p, size_t n)
{
	struct end *e = arg;

	assert_true(e->nq < 64);
	memset(&e->q[e->nq], 0, sizeof(e->q[0]));
	buf_add(&e->q[e->nq], p, n);
	e->nq++;
}

static void on_ind(void *arg, const struct ses_ind *ind)
{
	struct end *e = arg;
	int i = e->nind++;

	assert_true(i < MAXIND);
	e->ind[i] = ind->type;
	e->serial[i] = ind->serial;
	e->reason[i] = ind->reason;
	e->tokens[i] = ind->tokens;
	memset(&e->ud[i], 0, sizeof(e->ud[i]));
	buf_add(&e->ud[i], ind->ud, ind->udlen);
	if (ind->type == SES_CONNECT_IND && e->auto_accept)
		assert_int_equal(ses_connect_rsp(&e->s, 1, 0, NULL, "acc", 3),
				 0);
}

static void end_init(struct end *e, enum ses_role role,
		     const struct ses_cfg *cfg)
{
	memset(e, 0, sizeof(*e));
	ses_init(&e->s, role, cfg, on_ind, on_tsdu, e);
}

static void end_free(struct end *e)
{
	int i;

	for (i = 0; i < e->nq; i++)
		buf_free(&e->q[i]);
	for (i = 0; i < e->nind; i++)
		buf_free(&e->ud[i]);
	ses_free(&e->s);
}

/* pump - deliver everything queued, both ways, until quiet */
static int pump(struct end *a, struct end *b)
{
	int moved = 1, rc = 0;

	while (moved) {
		struct end *from[2] = { a, b }, *to[2] = { b, a };
		int k;

		moved = 0;
		for (k = 0; k < 2; k++) {
			while (from[k]->nq > 0) {
				struct buf t = from[k]->q[0];
				int r;

				memmove(&from[k]->q[0], &from[k]->q[1],
					(size_t)(from[k]->nq - 1) *
					sizeof(struct buf));
				from[k]->nq--;
				r = ses_input(&to[k]->s, buf_ptr(&t),
					      buf_avail(&t));
				if (r)
					rc = r;
				buf_free(&t);
				moved = 1;
			}
		}
	}
	return rc;
}

static enum ses_ind_type last(const struct end *e)
{
	assert_true(e->nind > 0);
	return e->ind[e->nind - 1];
}

static const struct ses_cfg rtse_cfg = {
	.requirements = SES_FU_RTSE, .versions = 3
};

/* connect_pair - CN/AC with user data and selectors */
static void connect_pair(struct end *a, struct end *b, int setting)
{
	struct ses_conn c;

	end_init(a, SES_INITIATOR, &rtse_cfg);
	end_init(b, SES_RESPONDER, &rtse_cfg);
	b->auto_accept = 1;
	memset(&c, 0, sizeof(c));
	memcpy(c.called_ssel, "\x00\x01", 2);
	c.called_ssel_len = 2;
	memcpy(c.calling_ssel, "MTA", 3);
	c.calling_ssel_len = 3;
	memcpy(c.ssuser_ref, "ref1", 4);
	c.ssuser_ref_len = 4;
	c.token_setting = setting;
	assert_int_equal(ses_connect_req(&a->s, &c, "hello", 5), 0);
	assert_int_equal(pump(a, b), 0);
	assert_int_equal(b->ind[0], SES_CONNECT_IND);
	assert_int_equal(buf_avail(&b->ud[0]), 5);
	assert_memory_equal(buf_ptr(&b->ud[0]), "hello", 5);
	assert_int_equal(last(a), SES_CONNECT_CONF);
	assert_memory_equal(buf_ptr(&a->ud[a->nind - 1]), "acc", 3);
	assert_int_equal(a->s.state, SES_ST_OPEN);
	assert_int_equal(b->s.state, SES_ST_OPEN);
	assert_int_equal(a->s.version, 2);
	assert_int_equal(a->s.fu, SES_FU_RTSE);
	assert_int_equal(b->s.fu, SES_FU_RTSE);
}

/* A whole RTSE-style exchange: activity, checkpoints, end, release. */
static void test_activity_transfer(void **state)
{
	struct end a, b;
	unsigned long sn;
	int i;

	(void)state;
	connect_pair(&a, &b, 0x00);	/* all tokens to the initiator */
	assert_int_equal(a.s.owned, SES_TK_DATA | SES_TK_MINOR |
			 SES_TK_MAJOR);
	assert_int_equal(b.s.owned, 0);

	assert_int_equal(ses_act_start_req(&a.s, "\x02\x01\x01", 3, NULL, 0),
			 0);
	for (i = 1; i <= 3; i++) {
		assert_int_equal(ses_data_req(&a.s, "chunk", 5), 0);
		assert_int_equal(ses_sync_minor_req(&a.s, 1, NULL, 0, &sn), 0);
		assert_int_equal(sn, (unsigned long)i);
	}
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(b.ind[1], SES_ACT_START_IND);
	assert_int_equal(b.ind[2], SES_DATA_IND);
	assert_int_equal(b.ind[3], SES_SYNC_MINOR_IND);
	assert_int_equal(b.serial[3], 1);
	assert_int_equal(b.serial[7], 3);
	/* The receiver confirms up to 3 in one MIA. */
	assert_int_equal(ses_sync_minor_rsp(&b.s, 3, NULL, 0), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&a), SES_SYNC_MINOR_CONF);
	assert_int_equal(a.serial[a.nind - 1], 3);
	/* The end of the activity, and its confirmation. */
	assert_int_equal(ses_act_end_req(&a.s, NULL, 0, &sn), 0);
	assert_int_equal(sn, 4);
	/* No data may follow until the confirmation. */
	assert_int_equal(ses_data_req(&a.s, "x", 1), SES_E_STATE);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&b), SES_ACT_END_IND);
	assert_int_equal(b.serial[b.nind - 1], 4);
	assert_int_equal(ses_act_end_rsp(&b.s, NULL, 0), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&a), SES_ACT_END_CONF);
	assert_false(a.s.in_activity);
	assert_false(b.s.in_activity);

	/* Release: FN with data, DN with data. */
	assert_int_equal(ses_release_req(&a.s, "RLRQ", 4), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&b), SES_RELEASE_IND);
	assert_int_equal(ses_release_rsp(&b.s, "RLRE", 4), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&a), SES_RELEASE_CONF);
	assert_memory_equal(buf_ptr(&a.ud[a.nind - 1]), "RLRE", 4);
	assert_int_equal(a.s.state, SES_ST_CLOSED);
	assert_int_equal(b.s.state, SES_ST_CLOSED);
	end_free(&a);
	end_free(&b);
}

/* Turn passing as ISODE does it: PT with user data, GTC, GTA. */
static void test_tokens(void **state)
{
	struct end a, b;

	(void)state;
	connect_pair(&a, &b, 0x15);	/* data/minor/major: responder */
	assert_int_equal(a.s.owned, 0);
	assert_int_equal(b.s.owned, SES_TK_DATA | SES_TK_MINOR |
			 SES_TK_MAJOR);
	/* The initiator may not send data now. */
	assert_int_equal(ses_data_req(&a.s, "x", 1), SES_E_TOKEN);
	assert_int_equal(ses_token_please_req(&a.s, SES_TK_DATA, "\x02\x01"
					      "\x01", 3), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&b), SES_TOKEN_PLEASE_IND);
	assert_int_equal(b.tokens[b.nind - 1], SES_TK_DATA);
	assert_int_equal(buf_avail(&b.ud[b.nind - 1]), 3);
	assert_int_equal(ses_control_give_req(&b.s), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&a), SES_CONTROL_GIVE_IND);
	assert_int_equal(a.s.owned, SES_TK_DATA | SES_TK_MINOR |
			 SES_TK_MAJOR);
	assert_int_equal(b.s.owned, 0);
	assert_int_equal(b.s.await, 0);	/* GTA arrived */
	/* Give back just the data token with GT. */
	assert_int_equal(ses_token_give_req(&a.s, SES_TK_DATA), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&b), SES_TOKEN_GIVE_IND);
	assert_int_equal(b.s.owned, SES_TK_DATA);
	assert_int_equal(ses_data_req(&b.s, "y", 1), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&a), SES_DATA_IND);
	end_free(&a);
	end_free(&b);
}

/* Interrupt and discard, and the exception report that precedes them. */
static void test_interrupt_discard(void **state)
{
	struct end a, b;

	(void)state;
	connect_pair(&a, &b, 0x00);
	assert_int_equal(ses_act_start_req(&a.s, "\x01", 1, NULL, 0), 0);
	assert_int_equal(ses_data_req(&a.s, "part", 4), 0);
	assert_int_equal(pump(&a, &b), 0);
	/* The receiver cannot go on: it reports an exception. */
	assert_int_equal(ses_u_exception_req(&b.s, 1, NULL, 0), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&a), SES_U_EXCEPTION_IND);
	assert_int_equal(a.reason[a.nind - 1], 1);
	assert_int_equal(ses_act_interrupt_req(&a.s, 1), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&b), SES_ACT_INTERRUPT_IND);
	assert_int_equal(ses_act_interrupt_rsp(&b.s), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&a), SES_ACT_INTERRUPT_CONF);
	assert_false(a.s.in_activity);
	/* Resume it from serial 0, then discard. */
	assert_int_equal(ses_act_resume_req(&a.s, "\x02", 1, "\x01", 1, 0,
					    NULL, 0), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&b), SES_ACT_RESUME_IND);
	assert_int_equal(ses_act_discard_req(&a.s, 0), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&b), SES_ACT_DISCARD_IND);
	assert_int_equal(ses_act_discard_rsp(&b.s), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&a), SES_ACT_DISCARD_CONF);
	end_free(&a);
	end_free(&b);
}

/* X.225 7.1.1.4: connect user data over 10240 octets overflows. */
static void test_connect_overflow(void **state)
{
	struct end a, b;
	struct ses_conn c;
	unsigned char big[100000];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7);
	end_init(&a, SES_INITIATOR, &rtse_cfg);
	end_init(&b, SES_RESPONDER, &rtse_cfg);
	b.auto_accept = 1;
	memset(&c, 0, sizeof(c));
	assert_int_equal(ses_connect_req(&a.s, &c, big, sizeof(big)), 0);
	assert_int_equal(a.s.state, SES_ST_WAIT_OA);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(b.ind[0], SES_CONNECT_IND);
	assert_int_equal(buf_avail(&b.ud[0]), sizeof(big));
	assert_memory_equal(buf_ptr(&b.ud[0]), big, sizeof(big));
	assert_int_equal(last(&a), SES_CONNECT_CONF);
	end_free(&a);
	end_free(&b);
}

/* A peer offering only version 1 gets version 1 and its limits. */
static void test_version1(void **state)
{
	static const struct ses_cfg v1 = { SES_FU_RTSE, 1, 0, NULL, 0 };
	struct end a, b;
	struct ses_conn c;
	unsigned char big[600];

	(void)state;
	memset(big, 'x', sizeof(big));
	end_init(&a, SES_INITIATOR, &v1);
	end_init(&b, SES_RESPONDER, &rtse_cfg);
	b.auto_accept = 1;
	memset(&c, 0, sizeof(c));
	assert_int_equal(ses_connect_req(&a.s, &c, big, sizeof(big)),
			 SES_E_TOOBIG);
	assert_int_equal(ses_connect_req(&a.s, &c, big, 512), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(b.s.version, 1);
	assert_int_equal(a.s.version, 1);
	assert_int_equal(a.s.state, SES_ST_OPEN);
	end_free(&a);
	end_free(&b);

	/* And a responder that only speaks version 2 refuses version 1. */
	{
		static const struct ses_cfg v2 = { SES_FU_RTSE, 2, 0, NULL,
						   0 };

		end_init(&a, SES_INITIATOR, &v1);
		end_init(&b, SES_RESPONDER, &v2);
		assert_int_equal(ses_connect_req(&a.s, &c, "x", 1), 0);
		pump(&a, &b);
		assert_int_equal(last(&a), SES_REFUSE_IND);
		assert_int_equal(a.reason[a.nind - 1], SES_RF_VERSION);
		assert_int_equal(b.nind, 0);
		end_free(&a);
		end_free(&b);
	}
}

/* A wrong called session selector is refused by the SPM (RF 129). */
static void test_wrong_ssel(void **state)
{
	static const struct ses_cfg cfg = { SES_FU_RTSE, 3, 0,
					    (const unsigned char *)"\x00\x01",
					    2 };
	struct end a, b;
	struct ses_conn c;

	(void)state;
	end_init(&a, SES_INITIATOR, &rtse_cfg);
	end_init(&b, SES_RESPONDER, &cfg);
	memset(&c, 0, sizeof(c));
	memcpy(c.called_ssel, "\x00\x02", 2);
	c.called_ssel_len = 2;
	assert_int_equal(ses_connect_req(&a.s, &c, "x", 1), 0);
	pump(&a, &b);
	assert_int_equal(b.nind, 0);
	assert_non_null(strstr(b.s.why, "selector"));
	assert_int_equal(last(&a), SES_REFUSE_IND);
	assert_int_equal(a.reason[a.nind - 1], SES_RF_SSEL_UNKNOWN);
	end_free(&a);
	end_free(&b);
}

/* User refusal carries its data in the Reason Code (X.225 8.3.4). */
static void test_user_refusal(void **state)
{
	struct end a, b;
	struct ses_conn c;

	(void)state;
	end_init(&a, SES_INITIATOR, &rtse_cfg);
	end_init(&b, SES_RESPONDER, &rtse_cfg);
	memset(&c, 0, sizeof(c));
	assert_int_equal(ses_connect_req(&a.s, &c, "x", 1), 0);
	pump(&a, &b);
	assert_int_equal(ses_connect_rsp(&b.s, 0, 0, NULL, "CPR", 3), 0);
	pump(&a, &b);
	assert_int_equal(last(&a), SES_REFUSE_IND);
	assert_int_equal(a.reason[a.nind - 1], SES_RF_USER_DATA);
	assert_int_equal(buf_avail(&a.ud[a.nind - 1]), 3);
	assert_memory_equal(buf_ptr(&a.ud[a.nind - 1]), "CPR", 3);
	end_free(&a);
	end_free(&b);
}

/* User abort with data, both ends closed. */
static void test_user_abort(void **state)
{
	struct end a, b;

	(void)state;
	connect_pair(&a, &b, 0);
	assert_int_equal(ses_u_abort_req(&b.s, "ABRT", 4), 0);
	pump(&a, &b);
	assert_int_equal(last(&a), SES_U_ABORT_IND);
	assert_memory_equal(buf_ptr(&a.ud[a.nind - 1]), "ABRT", 4);
	assert_int_equal(a.s.state, SES_ST_CLOSED);
	end_free(&a);
	end_free(&b);
}

/* feed_bad - raw bytes into an open responder: must abort with AB */
static void feed_bad(const unsigned char *p, size_t n, const char *why)
{
	struct end a, b;
	int nq;

	connect_pair(&a, &b, 0x15);	/* the responder holds the tokens */
	nq = b.nq;
	{
		int rc = ses_input(&b.s, p, n);

		if (rc != SES_E_PROTOCOL)
			fail_msg("%s: rc %d, why \"%s\"", why, rc, b.s.why);
	}
	assert_int_equal(last(&b), SES_P_ABORT_IND);
	assert_int_equal(b.s.state, SES_ST_CLOSED);
	assert_int_equal(b.nq, nq + 1);		/* the AB */
	assert_int_equal(buf_ptr(&b.q[nq])[0], SES_SI_AB);
	if (strstr(b.s.why, why) == NULL)
		fail_msg("why \"%s\" lacks \"%s\"", b.s.why, why);
	/* Nothing more is accepted. */
	assert_int_equal(ses_input(&b.s, (const unsigned char *)"\x01\x00"
				   "\x01\x00x", 5), 0);
	end_free(&a);
	end_free(&b);
}

static void test_misbehaviour(void **state)
{
	(void)state;
	/* unknown category 1 SPDU */
	feed_bad((const unsigned char *)"\x63\x00", 2, "not supported");
	/* LI beyond the TSDU */
	feed_bad((const unsigned char *)"\x01\x00\x01\x09\x01", 5,
		 "beyond");
	/* truncated 3-octet LI */
	feed_bad((const unsigned char *)"\x0d\xff\x01", 3, "truncated LI");
	/* parameter length beyond its SPDU */
	feed_bad((const unsigned char *)"\x01\x00\x31\x03\x2a\x05\x31", 7,
		 "length beyond");
	/* minor sync outside an activity */
	feed_bad((const unsigned char *)"\x01\x00\x31\x03\x2a\x01\x31", 7,
		 "MIP");
	/* data from the side without the data token */
	feed_bad((const unsigned char *)"\x01\x00\x01\x00" "data", 8,
		 "data token");
	/* a serial number that is not digits */
	feed_bad((const unsigned char *)"\x01\x00\x29\x03\x2a\x01\x41", 7,
		 "digit");
	/* a second CN */
	feed_bad((const unsigned char *)"\x0d\x00", 2, "CN in state OPEN");
	/* octets after a category 1 SPDU */
	feed_bad((const unsigned char *)"\x16\x00\x00", 3, "after");
	/* PI with a wrong length */
	feed_bad((const unsigned char *)"\x01\x04\x10\x02\x01\x01", 6,
		 "1 expected");
}

/* ---- replay of real captures ---------------------------------------- */

/* Every TSDU PP's initiator sent, fed to our responder in order, gives
 * the indications RTSE needs, and our responder's answers parse in
 * PP's initiator direction too (our initiator machine as the judge). */
static void replay(const char *pcap, const enum ses_ind_type *want,
		   int nwant, int echo)
{
	struct cap cap;
	struct end b;
	size_t i;
	int k = 0;

	assert_int_equal(cap_load(pcap, &cap), 0);
	end_init(&b, SES_RESPONDER, &rtse_cfg);
	if (echo)
		b.s.cfg.requirements = SES_FU_SUPPORTED;
	b.auto_accept = 1;
	for (i = 0; i < cap.n; i++) {
		if (!cap.tsdu[i].from_initiator || cap.tsdu[i].kind != CAP_DT)
			continue;
		if (ses_input(&b.s, cap.tsdu[i].data, cap.tsdu[i].len))
			fail_msg("%s frame %u: %s", pcap, cap.tsdu[i].frame,
				 b.s.why);
		while (k < b.nind) {
			if (b.ind[k] == SES_ACT_END_IND)
				assert_int_equal(ses_act_end_rsp(&b.s, NULL,
								 0), 0);
			/* ISODE's session echo server: ask for the data
			 * token after data, echo once given it, give it
			 * back when asked. */
			if (echo && b.ind[k] == SES_DATA_IND)
				assert_int_equal(ses_token_please_req(&b.s,
				    SES_TK_DATA, NULL, 0), 0);
			if (echo && b.ind[k] == SES_TOKEN_GIVE_IND)
				assert_int_equal(ses_data_req(&b.s,
				    buf_ptr(&b.ud[k]), buf_avail(&b.ud[k])),
				    0);
			if (b.ind[k] == SES_SYNC_MAJOR_IND)
				assert_int_equal(ses_sync_major_rsp(&b.s,
								    NULL, 0),
						 0);
			if (b.ind[k] == SES_RELEASE_IND)
				assert_int_equal(ses_release_rsp(&b.s, NULL,
								 0), 0);
			if (b.ind[k] == SES_TOKEN_PLEASE_IND && !echo)
				assert_int_equal(
				    ses_control_give_req(&b.s), 0);
			if (echo && b.ind[k] == SES_CONTROL_GIVE_IND)
				assert_int_equal(ses_token_give_req(&b.s,
				    b.s.owned), 0);
			if (b.ind[k] == SES_TOKEN_PLEASE_IND && echo)
				assert_int_equal(ses_token_give_req(&b.s,
				    b.tokens[k]), 0);
			k++;
		}
	}
	if (b.nind < nwant)
		fail_msg("%s: %d indications, want %d", pcap, b.nind, nwant);
	for (k = 0; k < nwant; k++)
		assert_int_equal(b.ind[k], want[k]);
	cap_free(&cap);
	end_free(&b);
}

static void test_replay_pp(void **state)
{
	static const enum ses_ind_type want[] = {
		SES_CONNECT_IND, SES_ACT_START_IND, SES_DATA_IND,
		SES_ACT_END_IND, SES_RELEASE_IND
	};

	(void)state;
	replay("tests/vectors/pp-p1-loop-success.pcap", want,
	       (int)(sizeof(want) / sizeof(want[0])), 0);
}

static void test_replay_isode_ssap(void **state)
{
	static const enum ses_ind_type want[] = {
		SES_CONNECT_IND, SES_ACT_START_IND, SES_DATA_IND,
		SES_TOKEN_GIVE_IND, SES_TOKEN_PLEASE_IND, SES_DATA_IND
	};
	/* ...and it ends with AE, GTC and FN: see replay()'s echo. */

	(void)state;
	replay("tests/vectors/isode-ssap-echo.pcap", want,
	       (int)(sizeof(want) / sizeof(want[0])), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_activity_transfer),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_interrupt_discard),
		cmocka_unit_test(test_connect_overflow),
		cmocka_unit_test(test_version1),
		cmocka_unit_test(test_wrong_ssel),
		cmocka_unit_test(test_user_refusal),
		cmocka_unit_test(test_user_abort),
		cmocka_unit_test(test_misbehaviour),
		cmocka_unit_test(test_replay_pp),
		cmocka_unit_test(test_replay_isode_ssap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
