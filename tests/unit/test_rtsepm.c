/*
 * test_rtsepm.c - the RTSE protocol machine (X.228) with presentation
 *	and ACSE below it, in normal and X.410-1984 mode: two machines
 *	back to back, and PP's initiator replayed to our responder.
 */
#define _GNU_SOURCE	/* memmem */
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
#include "codec.h"
#include "events.h"
#include "rtse.h"

#include "MTABindArgument.h"
#include "PConnect.h"
#include "MTS-APDU.h"

#define MAXIND	64
#define BINDARG	"\x04\x07" "BINDARG"	/* any one BER value */
#define MAXQ	8192

struct end {
	struct rtse	r;
	struct buf	*q;		/* TSDUs sent, not yet delivered */
	int		nq;
	enum rtse_ind_type ind[MAXIND];
	int		reason[MAXIND];
	void		*tag[MAXIND];
	struct buf	data[MAXIND];
	int		nind;
	int		accept;		/* answer OPEN_IND: 1 yes, 0 no */
	int		confirm;	/* answer TRANSFER_IND: 1 yes */
	int		give_turn;	/* answer TURN_PLEASE by giving */
	size_t		tsdus;		/* TSDUs sent in all */
};

static void on_tsdu(void *arg, const unsigned char *p, size_t n)
{
	struct end *e = arg;

	assert_true(e->nq < MAXQ);
	memset(&e->q[e->nq], 0, sizeof(e->q[0]));
	buf_add(&e->q[e->nq], p, n);
	e->nq++;
	e->tsdus++;
}

static void on_ind(void *arg, const struct rtse_ind *ind)
{
	struct end *e = arg;
	int i = e->nind++;

	assert_true(i < MAXIND);
	e->ind[i] = ind->type;
	e->reason[i] = ind->reason;
	e->tag[i] = ind->tag;
	memset(&e->data[i], 0, sizeof(e->data[i]));
	buf_add(&e->data[i], ind->data, ind->len);
	switch (ind->type) {
	case RTSE_OPEN_IND:
		if (e->accept >= 0) {
			int rc = rtse_open_rsp(&e->r, e->accept,
			    e->accept ? "\x04\x06RESULT" : "\x04\x05" "ERROR",
			    e->accept ? 8 : 7);

			if (rc)
				fail_msg("rtse_open_rsp: %d (session %s)", rc,
					 ses_state_name(e->r.ses.state));
		}
		break;
	case RTSE_TRANSFER_IND:
		if (e->confirm)
			assert_int_equal(rtse_transfer_rsp(&e->r, 1), 0);
		break;
	case RTSE_TURN_PLEASE_IND:
		if (e->give_turn)
			assert_int_equal(rtse_turn_give_req(&e->r), 0);
		break;
	case RTSE_CLOSE_IND:
		assert_int_equal(rtse_close_rsp(&e->r), 0);
		break;
	default:
		break;
	}
}

static void end_init(struct end *e, enum rtse_role role,
		     const struct rtse_cfg *cfg)
{
	memset(e, 0, sizeof(*e));
	e->q = calloc(MAXQ, sizeof(struct buf));
	assert_non_null(e->q);
	e->accept = 1;
	e->confirm = 1;
	rtse_init(&e->r, role, cfg, on_ind, on_tsdu, e);
}

static void end_free(struct end *e)
{
	int i;

	for (i = 0; i < e->nq; i++)
		buf_free(&e->q[i]);
	free(e->q);
	for (i = 0; i < e->nind; i++)
		buf_free(&e->data[i]);
	rtse_free(&e->r);
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
			int i, n = from[k]->nq;

			/* deliver in order; new ones queue behind */
			for (i = 0; i < n; i++) {
				int r = rtse_input(&to[k]->r,
						   buf_ptr(&from[k]->q[i]),
						   buf_avail(&from[k]->q[i]));

				if (r) {
					rc = r;
					print_message("# rtse_input: %s\n",
						      to[k]->r.why);
				}
				buf_free(&from[k]->q[i]);
				moved = 1;
			}
			memmove(from[k]->q, from[k]->q + n,
				(size_t)(from[k]->nq - n) * sizeof(struct buf));
			from[k]->nq -= n;
		}
	}
	return rc;
}

static enum rtse_ind_type last(const struct end *e)
{
	assert_true(e->nind > 0);
	return e->ind[e->nind - 1];
}

static int count(const struct end *e, enum rtse_ind_type t)
{
	int i, n = 0;

	for (i = 0; i < e->nind; i++)
		n += e->ind[i] == t;
	return n;
}

/* last_notice - the event number of the last RTSE_NOTICE_IND */
static int last_notice(const struct end *e)
{
	int i;

	for (i = e->nind - 1; i >= 0; i--)
		if (e->ind[i] == RTSE_NOTICE_IND)
			return e->reason[i];
	return 0;
}

static struct rtse_cfg cfg_of(enum rtse_mode mode, unsigned ckpt,
			      unsigned window, enum rtse_dialogue dm)
{
	struct rtse_cfg c;

	memset(&c, 0, sizeof(c));
	c.mode = mode;
	c.checkpoint = ckpt;
	c.window = window;
	c.dialogue = dm;
	c.recovery = 1;
	memcpy(c.called_ssel, "\x00\x01", 2);
	c.called_ssel_len = 2;
	memcpy(c.called_psel, "\x00\x00\x00\x01", 4);
	c.called_psel_len = 4;
	return c;
}

/* open_pair - RT-OPEN with bind data both ways */
static void open_pair(struct end *a, struct end *b, const struct rtse_cfg *ca,
		      const struct rtse_cfg *cb)
{
	end_init(a, RTSE_INITIATOR, ca);
	end_init(b, RTSE_RESPONDER, cb);
	assert_int_equal(rtse_open_req(&a->r, BINDARG, sizeof(BINDARG) - 1),
			 0);
	assert_int_equal(pump(a, b), 0);
	assert_int_equal(b->ind[0], RTSE_OPEN_IND);
	assert_int_equal(buf_avail(&b->data[0]), sizeof(BINDARG) - 1);
	assert_memory_equal(buf_ptr(&b->data[0]), BINDARG, 9);
	assert_int_equal(a->ind[0], RTSE_OPEN_CONF);
	assert_memory_equal(buf_ptr(&a->data[0]), "\x04\x06RESULT", 8);
	assert_int_equal(a->r.state, RTSE_ST_OPEN);
	assert_int_equal(b->r.state, RTSE_ST_OPEN);
}

/* make_apdu - one BER value of exactly n octets (an OCTET STRING with a
 *	four-octet length), or nothing */
static void make_apdu(unsigned char *p, size_t n, int seed)
{
	size_t i;

	if (n == 0)
		return;
	assert_true(n >= 6);
	p[0] = 0x04;
	p[1] = 0x84;
	p[2] = (unsigned char)((n - 6) >> 24);
	p[3] = (unsigned char)((n - 6) >> 16);
	p[4] = (unsigned char)((n - 6) >> 8);
	p[5] = (unsigned char)(n - 6);
	for (i = 6; i < n; i++)
		p[i] = (unsigned char)(i * 31 + (size_t)seed);
}

/* transfer - one APDU of n octets from x to y, confirmed */
static void transfer(struct end *x, struct end *y, struct end *a,
		     struct end *b, size_t n, int tag)
{
	unsigned char *apdu = malloc(n ? n : 1);
	int before = y->nind;

	assert_non_null(apdu);
	make_apdu(apdu, n, tag);
	assert_int_equal(rtse_transfer_req(&x->r, apdu, n,
					   (void *)(intptr_t)tag), 0);
	assert_int_equal(pump(a, b), 0);
	assert_int_equal(y->nind, before + 1);
	assert_int_equal(last(y), RTSE_TRANSFER_IND);
	assert_int_equal(buf_avail(&y->data[y->nind - 1]), n);
	if (n)
		assert_memory_equal(buf_ptr(&y->data[y->nind - 1]), apdu, n);
	assert_int_equal(last(x), RTSE_TRANSFER_CONF);
	assert_ptr_equal(x->tag[x->nind - 1], (void *)(intptr_t)tag);
	free(apdu);
}

static void close_pair(struct end *a, struct end *b)
{
	assert_int_equal(rtse_close_req(&a->r), 0);
	assert_int_equal(pump(a, b), 0);
	assert_int_equal(last(b), RTSE_CLOSE_IND);
	assert_int_equal(last(a), RTSE_CLOSE_CONF);
	assert_int_equal(a->r.state, RTSE_ST_CLOSED);
	assert_int_equal(b->r.state, RTSE_ST_CLOSED);
}

/* Transfers of 0 B, 1 KB and 1 MB, checkpointing off and on, windows
 * 1, 3, 5, in both modes; every confirmation arrives. */
static void test_transfers(void **state)
{
	static const struct {
		unsigned ckpt, window;
	} v[] = { { 0, 3 }, { 1, 1 }, { 4, 3 }, { 16, 5 } };
	static const size_t sizes[] = { 0, 1024, 1024 * 1024 };
	int mode;
	size_t i, j;

	(void)state;
	for (mode = RTSE_NORMAL; mode <= RTSE_X410; mode++) {
		for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			struct rtse_cfg c = cfg_of(mode, v[i].ckpt,
						   v[i].window,
						   RTSE_MONOLOGUE);
			struct end a, b;

			open_pair(&a, &b, &c, &c);
			assert_int_equal(a.r.ckpt, v[i].ckpt * 1024);
			assert_int_equal(b.r.window, v[i].window);
			for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
				transfer(&a, &b, &a, &b, sizes[j], (int)j + 1);
			if (v[i].ckpt == 1) {
				/* 1 MB in 1 KB segments: 1023 checkpoints */
				assert_true(a.tsdus > 2048);
			}
			close_pair(&a, &b);
			end_free(&a);
			end_free(&b);
		}
	}
}

/* The responder lowers the checkpoint size and window (X.228 9.1.3);
 * an absent window means 3. */
static void test_negotiation(void **state)
{
	struct rtse_cfg ca = cfg_of(RTSE_NORMAL, 8, 5, RTSE_MONOLOGUE);
	struct rtse_cfg cb = cfg_of(RTSE_NORMAL, 2, 2, RTSE_MONOLOGUE);
	struct rtse_cfg cd = cfg_of(RTSE_X410, 0, 0, RTSE_MONOLOGUE);
	struct end a, b;

	(void)state;
	open_pair(&a, &b, &ca, &cb);
	assert_int_equal(a.r.ckpt, 2048);
	assert_int_equal(a.r.window, 2);
	assert_int_equal(b.r.ckpt, 2048);
	transfer(&a, &b, &a, &b, 20000, 1);
	end_free(&a);
	end_free(&b);
	open_pair(&a, &b, &cd, &cd);
	assert_int_equal(a.r.ckpt, 0);
	assert_int_equal(a.r.window, 3);
	assert_int_equal(b.r.window, 3);
	end_free(&a);
	end_free(&b);
}

/* Two-way alternate: the turn passes both ways, APDUs flow both ways. */
static void test_twa(void **state)
{
	int mode;

	(void)state;
	for (mode = RTSE_NORMAL; mode <= RTSE_X410; mode++) {
		struct rtse_cfg c = cfg_of(mode, 1, 3, RTSE_TWA);
		struct end a, b;

		open_pair(&a, &b, &c, &c);
		assert_true(a.r.turn);
		assert_false(b.r.turn);
		assert_int_equal(rtse_transfer_req(&b.r, "\x05\x00", 2, NULL),
				 RTSE_E_TURN);
		a.give_turn = 1;
		assert_int_equal(rtse_turn_please_req(&b.r, 7), 0);
		assert_int_equal(pump(&a, &b), 0);
		assert_int_equal(a.ind[1], RTSE_TURN_PLEASE_IND);
		assert_int_equal(a.reason[1], 7);
		assert_int_equal(last(&b), RTSE_TURN_GIVE_IND);
		assert_true(b.r.turn);
		assert_false(a.r.turn);
		transfer(&b, &a, &a, &b, 3000, 9);
		b.give_turn = 1;
		assert_int_equal(rtse_turn_please_req(&a.r, 0), 0);
		assert_int_equal(pump(&a, &b), 0);
		assert_true(a.r.turn);
		transfer(&a, &b, &a, &b, 100, 10);
		close_pair(&a, &b);
		end_free(&a);
		end_free(&b);
	}
}

/* A refused bind: the bind error reaches the initiator (normal mode,
 * inside RTORJ) or the refuse reason does (X.410-1984 mode, PRefuse). */
static void test_refused(void **state)
{
	struct rtse_cfg c = cfg_of(RTSE_NORMAL, 0, 0, RTSE_MONOLOGUE);
	struct rtse_cfg x = cfg_of(RTSE_X410, 0, 0, RTSE_MONOLOGUE);
	struct end a, b;

	(void)state;
	end_init(&a, RTSE_INITIATOR, &c);
	end_init(&b, RTSE_RESPONDER, &c);
	b.accept = 0;
	assert_int_equal(rtse_open_req(&a.r, BINDARG, 9), 0);
	pump(&a, &b);
	assert_int_equal(last(&a), RTSE_OPEN_REFUSED);
	assert_int_equal(buf_avail(&a.data[a.nind - 1]), 7);
	assert_memory_equal(buf_ptr(&a.data[a.nind - 1]), "\x04\x05" "ERROR", 7);
	assert_int_equal(a.r.state, RTSE_ST_CLOSED);
	end_free(&a);
	end_free(&b);

	end_init(&a, RTSE_INITIATOR, &x);
	end_init(&b, RTSE_RESPONDER, &x);
	b.accept = 0;
	assert_int_equal(rtse_open_req(&a.r, BINDARG, 9), 0);
	pump(&a, &b);
	assert_int_equal(last(&a), RTSE_OPEN_REFUSED);
	assert_int_equal(a.reason[a.nind - 1], RTSE_RJ_VALIDATION);
	end_free(&a);
	end_free(&b);
}

/* A wrong called presentation selector is refused by the presentation
 * provider; a wrong session selector by the session provider. */
static void test_selectors(void **state)
{
	struct rtse_cfg ca = cfg_of(RTSE_NORMAL, 0, 0, RTSE_MONOLOGUE);
	struct rtse_cfg cb = ca;
	struct end a, b;

	(void)state;
	cb.check_selectors = 1;
	ca.called_psel[3] = 9;
	end_init(&a, RTSE_INITIATOR, &ca);
	end_init(&b, RTSE_RESPONDER, &cb);
	assert_int_equal(rtse_open_req(&a.r, BINDARG, 9), 0);
	assert_int_equal(pump(&a, &b), RTSE_E_PROTOCOL);
	assert_int_equal(b.r.why_event, EV_PRES_BAD_PSEL);
	assert_int_equal(b.nind, 0);
	assert_int_equal(last(&a), RTSE_OPEN_REFUSED);
	end_free(&a);
	end_free(&b);

	ca = cfg_of(RTSE_NORMAL, 0, 0, RTSE_MONOLOGUE);
	ca.called_ssel[1] = 7;
	end_init(&a, RTSE_INITIATOR, &ca);
	end_init(&b, RTSE_RESPONDER, &cb);
	assert_int_equal(rtse_open_req(&a.r, BINDARG, 9), 0);
	assert_int_equal(pump(&a, &b), RTSE_E_PROTOCOL);
	assert_int_equal(b.nind, 0);
	assert_non_null(strstr(b.r.why, "selector"));
	assert_int_equal(last(&a), RTSE_OPEN_REFUSED);
	assert_int_equal(a.reason[a.nind - 1], SES_RF_SSEL_UNKNOWN);
	end_free(&a);
	end_free(&b);
}

/* An APDU over the receiver's limit is refused with an exception; the
 * sender discards it and the association goes on. */
static void test_too_big(void **state)
{
	struct rtse_cfg ca = cfg_of(RTSE_NORMAL, 1, 3, RTSE_MONOLOGUE);
	struct rtse_cfg cb = ca;
	struct end a, b;
	static unsigned char big[8000];

	(void)state;
	make_apdu(big, sizeof(big), 3);
	cb.max_apdu = 4000;
	open_pair(&a, &b, &ca, &cb);
	assert_int_equal(rtse_transfer_req(&a.r, big, sizeof(big),
					   (void *)1), 0);
	assert_int_equal(pump(&a, &b), 0);
	assert_int_equal(last(&a), RTSE_TRANSFER_FAILED);
	assert_int_equal(last_notice(&b), EV_RTSE_TOO_BIG);
	assert_int_equal(count(&b, RTSE_TRANSFER_IND), 0);
	transfer(&a, &b, &a, &b, 100, 2);
	close_pair(&a, &b);
	end_free(&a);
	end_free(&b);
}

/* Recovery (X.228 9.5.3): the receiver is temporarily unable; the sender
 * interrupts, resumes from the last confirmed checkpoint, and the APDU
 * arrives whole. Without recovery the transfer is discarded. */
static void test_recovery(void **state)
{
	int rec;

	(void)state;
	for (rec = 0; rec <= 1; rec++) {
		struct rtse_cfg c = cfg_of(RTSE_NORMAL, 1, 2, RTSE_MONOLOGUE);
		struct end a, b;
		unsigned char apdu[10000];
		int i;

		c.recovery = rec;
		make_apdu(apdu, sizeof(apdu), 4);
		open_pair(&a, &b, &c, &c);
		assert_int_equal(rtse_transfer_req(&a.r, apdu, sizeof(apdu),
						   (void *)5), 0);
		/* deliver the first few TSDUs only */
		for (i = 0; i < 4; i++)
			assert_int_equal(rtse_input(&b.r, buf_ptr(&a.q[i]),
						    buf_avail(&a.q[i])), 0);
		for (i = 0; i < 4; i++)
			buf_free(&a.q[i]);
		memmove(a.q, a.q + 4, (size_t)(a.nq - 4) * sizeof(a.q[0]));
		a.nq -= 4;
		assert_int_equal(ses_u_exception_req(&b.r.ses, 1, NULL, 0), 0);
		assert_int_equal(pump(&a, &b), 0);
		if (rec) {
			assert_int_equal(last(&a), RTSE_TRANSFER_CONF);
			assert_int_equal(last(&b), RTSE_TRANSFER_IND);
			assert_int_equal(buf_avail(&b.data[b.nind - 1]),
					 sizeof(apdu));
			assert_memory_equal(buf_ptr(&b.data[b.nind - 1]),
					    apdu, sizeof(apdu));
		} else {
			assert_int_equal(last(&a), RTSE_TRANSFER_FAILED);
			assert_int_equal(count(&b, RTSE_TRANSFER_IND), 0);
		}
		transfer(&a, &b, &a, &b, 10, 6);
		end_free(&a);
		end_free(&b);
	}
}

/* User abort: the reason reaches the peer, both sides end. */
static void test_abort(void **state)
{
	int mode;

	(void)state;
	for (mode = RTSE_NORMAL; mode <= RTSE_X410; mode++) {
		struct rtse_cfg c = cfg_of(mode, 0, 0, RTSE_MONOLOGUE);
		struct end a, b;

		open_pair(&a, &b, &c, &c);
		assert_int_equal(rtse_abort_req(&b.r, RTSE_AB_TEMPORARY), 0);
		assert_int_equal(pump(&a, &b), 0);
		assert_int_equal(last(&a), RTSE_ABORT_IND);
		assert_int_equal(a.reason[a.nind - 1], RTSE_AB_TEMPORARY);
		assert_int_equal(a.r.state, RTSE_ST_CLOSED);
		end_free(&a);
		end_free(&b);
	}
}

/* The receiving user refuses a whole APDU: RTAB temporaryProblem (3) or
 * permanentProblem (5), X.228's AbortReason. The octets the receiver
 * sends hold RTAB-apdu ::= [22] IMPLICIT SET { abortReason [0] IMPLICIT
 * INTEGER ... }: b6 03 80 01 0r, written here by hand; the sender's user
 * learns which (RTSE_TRANSFER_FAILED's reason), in both modes. */
static void test_refuse_permanent(void **state)
{
	int mode, k;

	(void)state;
	for (mode = RTSE_NORMAL; mode <= RTSE_X410; mode++)
		for (k = 0; k < 2; k++) {
			struct rtse_cfg c = cfg_of(mode, 0, 0, RTSE_MONOLOGUE);
			struct end a, b;
			unsigned char apdu[300];
			unsigned char rtab[] = { 0xb6, 0x03, 0x80, 0x01,
						 k ? 5 : 3 };
			int i, found = 0, f;

			make_apdu(apdu, sizeof(apdu), 7);
			open_pair(&a, &b, &c, &c);
			b.confirm = 0;
			assert_int_equal(rtse_transfer_req(&a.r, apdu,
					 sizeof(apdu), (void *)9), 0);
			assert_int_equal(pump(&a, &b), 0);
			assert_int_equal(last(&b), RTSE_TRANSFER_IND);
			assert_int_equal(rtse_transfer_rsp(&b.r, k ?
					 RTSE_RSP_PERMANENT :
					 RTSE_RSP_TEMPORARY), 0);
			for (i = 0; i < b.nq; i++)
				found |= memmem(buf_ptr(&b.q[i]),
						buf_avail(&b.q[i]), rtab,
						sizeof(rtab)) != NULL;
			assert_true(found);
			pump(&a, &b);
			for (f = 0; f < a.nind; f++)
				if (a.ind[f] == RTSE_TRANSFER_FAILED)
					break;
			assert_true(f < a.nind);
			assert_ptr_equal(a.tag[f], (void *)9);
			assert_int_equal(a.reason[f], k ? RTSE_AB_PERMANENT :
					 RTSE_AB_TEMPORARY);
			assert_int_equal(last(&a), RTSE_ABORT_IND);
			assert_int_equal(count(&b, RTSE_TRANSFER_IND), 1);
			end_free(&a);
			end_free(&b);
		}
}

/* A peer that breaks RTSE inside an open association (data outside an
 * activity) is aborted with a reason naming the fault. */
static void test_protocol_error(void **state)
{
	struct rtse_cfg c = cfg_of(RTSE_NORMAL, 0, 0, RTSE_MONOLOGUE);
	struct end a, b;

	(void)state;
	open_pair(&a, &b, &c, &c);
	assert_int_equal(ses_data_req(&a.r.ses, "\x04\x02zz", 4), 0);
	assert_int_equal(pump(&a, &b), RTSE_E_PROTOCOL);
	assert_int_equal(b.r.why_event, EV_RTSE_OUT_OF_STATE);
	assert_non_null(strstr(b.r.why, "outside an activity"));
	assert_int_equal(last(&b), RTSE_ABORT_IND);
	assert_int_equal(last(&a), RTSE_ABORT_IND);
	assert_int_equal(a.reason[a.nind - 1], RTSE_AB_PROTOCOL);
	end_free(&a);
	end_free(&b);
}

/* ---- PP's initiator replayed to our responder ------------------------ */

struct pp_replay {
	struct end	b;
	const char	*password;	/* what we accept */
	int		bound, refused;
};

static void pp_replay(const char *pcap, int accept, int *got_apdu)
{
	struct rtse_cfg c = cfg_of(RTSE_NORMAL, 0, 0, RTSE_MONOLOGUE);
	struct cap cap;
	struct end b;
	size_t i;
	int k = 0;

	memset(c.called_ssel, 0, sizeof(c.called_ssel));
	c.called_ssel_len = 0;
	c.called_psel_len = 0;
	assert_int_equal(cap_load(pcap, &cap), 0);
	end_init(&b, RTSE_RESPONDER, &c);
	b.accept = -1;
	*got_apdu = 0;
	for (i = 0; i < cap.n; i++) {
		if (!cap.tsdu[i].from_initiator || cap.tsdu[i].kind != CAP_DT)
			continue;
		if (rtse_input(&b.r, cap.tsdu[i].data, cap.tsdu[i].len))
			fail_msg("frame %u: %s", cap.tsdu[i].frame, b.r.why);
		for (; k < b.nind; k++) {
			void *v = NULL;

			if (b.ind[k] == RTSE_OPEN_IND) {
				MTABindArgument_t *ba;

				/* RO-notation BIND: the argument is
				 * tagged [16] (X.880 ROS, as PP sends) */
				assert_int_equal(buf_ptr(&b.data[k])[0],
						 0xb0);
				if (codec_decode(&asn_DEF_MTABindArgument,
				    buf_ptr(&b.data[k]) + 2,
				    buf_avail(&b.data[k]) - 2,
				    0, &v, NULL) != 0) {
					size_t j;

					for (j = 0; j < buf_avail(&b.data[k]);
					     j++)
						print_message("%02x",
						    buf_ptr(&b.data[k])[j]);
					fail_msg("bind argument: %s",
						 codec_last_detail());
				}
				ba = v;
				assert_int_equal(ba->present,
				    MTABindArgument_PR_authenticated);
				assert_int_equal(ba->choice.authenticated.
				    initiator_name.size, 7);
				codec_free(&asn_DEF_MTABindArgument, v);
				assert_int_equal(rtse_open_rsp(&b.r, accept,
				    "\x02\x01\x02", 3), 0);
			}
			if (b.ind[k] == RTSE_TRANSFER_IND) {
				assert_int_equal(codec_decode(&asn_DEF_MTS_APDU,
				    buf_ptr(&b.data[k]), buf_avail(&b.data[k]),
				    0, &v, NULL), 0);
				codec_free(&asn_DEF_MTS_APDU, v);
				(*got_apdu)++;
			}
		}
	}
	if (accept) {
		assert_int_equal(count(&b, RTSE_CLOSE_IND), 1);
		assert_int_equal(b.r.state, RTSE_ST_CLOSED);
	} else {
		assert_int_equal(b.r.state, RTSE_ST_CLOSED);
	}
	cap_free(&cap);
	end_free(&b);
}

/* X.410-1984 mode: the applicationProtocol of the PConnect. 1 is P1
 * (X.410 1984); 1988 MTAs in X.410 mode send 12 (PP's "1988-X410"), so
 * each side takes either; PP on a little-endian host sends them with
 * their two octets swapped (256, 3072): taken too. Another value (3, P3)
 * is refused. */
static void test_x410_application_protocol(void **state)
{
	static const long sent[] = { 1, 12, 1, 12, 256, 3072 };
	static const long want[] = { 12, 1, 1, 12, 1, 1 };
	struct rtse_cfg ca = cfg_of(RTSE_X410, 0, 0, RTSE_MONOLOGUE);
	struct rtse_cfg cb = cfg_of(RTSE_X410, 0, 0, RTSE_MONOLOGUE);
	struct end a, b;

	(void)state;
	for (int i = 0; i < 6; i++) {
		ca.application_protocol = sent[i];
		cb.application_protocol = want[i];
		open_pair(&a, &b, &ca, &cb);
		end_free(&a);
		end_free(&b);
	}
	ca.application_protocol = 3;
	cb.application_protocol = 1;
	end_init(&a, RTSE_INITIATOR, &ca);
	end_init(&b, RTSE_RESPONDER, &cb);
	assert_int_equal(rtse_open_req(&a.r, BINDARG, sizeof(BINDARG) - 1), 0);
	pump(&a, &b);
	assert_int_equal(count(&b, RTSE_OPEN_IND), 0);
	assert_non_null(strstr(b.r.why, "application protocol 3"));
	end_free(&a);
	end_free(&b);
}

/* A PConnect built by hand from X.410 (1984) / X.419 Annex B, as a 1988
 * MTA in X.410 mode sends it: applicationProtocol 12 and the MTA-bind
 * argument bare inside open [0]:
 *   31 2E  PConnect SET
 *     A0 03 80 01 00  dataTransferSyntax [0] IMPLICIT SET { [0] x409(0) }
 *     A1 27           pUserData [1] IMPLICIT SET
 *       80 01 00      checkpointSize 0
 *       81 01 03      windowSize 3
 *       82 01 00      dialogueMode monologue
 *       A3 19 A0 17   connectionData [3] { open [0] {
 *         A1 15 80 07 "TESTMTA" A1 0A 04 08 "testpass" } }  bare bind
 *       84 01 0C      applicationProtocol 12 */
static void test_x410_pconnect_bytes(void **state)
{
	static const unsigned char pc[] = {
		0x31, 0x2e, 0xa0, 0x03, 0x80, 0x01, 0x00, 0xa1, 0x27,
		0x80, 0x01, 0x00, 0x81, 0x01, 0x03, 0x82, 0x01, 0x00,
		0xa3, 0x19, 0xa0, 0x17,
		0xa1, 0x15, 0x80, 0x07, 'T', 'E', 'S', 'T', 'M', 'T', 'A',
		0xa1, 0x0a, 0x04, 0x08, 't', 'e', 's', 't', 'p', 'a', 's', 's',
		0x84, 0x01, 0x0c
	};
	PConnect_t *p = NULL;
	MTABindArgument_t *ba = NULL;
	const ANY_t *open;

	(void)state;
	if (codec_decode(&asn_DEF_PConnect, pc, sizeof(pc), 0, (void **)&p,
			 NULL) != 0)
		fail_msg("PConnect: %s", codec_last_detail());
	assert_non_null(p->pUserData.applicationProtocol);
	assert_int_equal(*p->pUserData.applicationProtocol, 12);
	assert_int_equal(p->pUserData.connectionData.present,
			 ConnectionData_PR_open);
	open = &p->pUserData.connectionData.choice.open;
	assert_int_equal(open->buf[0], 0xa1);	/* bare: no [16] */
	assert_int_equal(codec_decode(&asn_DEF_MTABindArgument, open->buf,
				      (size_t)open->size, 0, (void **)&ba,
				      NULL), 0);
	assert_int_equal(ba->choice.authenticated.initiator_name.size, 7);
	codec_free(&asn_DEF_MTABindArgument, ba);
	codec_free(&asn_DEF_PConnect, p);
}

/* ISODE's X.410-mode RTSE echo (tests/vectors/isode-rtse-x410-echo.pcap):
 * PConnect with TWA and the turn on the responder's side, turns passed
 * with PT/GTC/GTA, transfers ended by major synchronization (AE/MAA),
 * the echo sent back after taking the turn, and the release. Our
 * responder answers like ISODE's echo server. */
static void test_isode_x410_replay(void **state)
{
	struct rtse_cfg c = cfg_of(RTSE_X410, 1, 3, RTSE_TWA);
	struct cap cap;
	struct end b;
	struct buf echo = BUF_INIT;
	size_t i;
	int k = 0, transfers = 0, echoes = 0;

	(void)state;
	c.application_protocol = 128;	/* ISODE's echo service */
	memset(c.called_ssel, 0, sizeof(c.called_ssel));
	c.called_ssel_len = 0;
	assert_int_equal(cap_load("tests/vectors/isode-rtse-x410-echo.pcap",
				  &cap), 0);
	end_init(&b, RTSE_RESPONDER, &c);
	b.accept = -1;
	b.give_turn = 1;
	for (i = 0; i < cap.n; i++) {
		if (!cap.tsdu[i].from_initiator || cap.tsdu[i].kind != CAP_DT)
			continue;
		if (rtse_input(&b.r, cap.tsdu[i].data, cap.tsdu[i].len))
			fail_msg("frame %u: %s", cap.tsdu[i].frame, b.r.why);
		for (; k < b.nind; k++) {
			switch (b.ind[k]) {
			case RTSE_OPEN_IND:
				/* ISODE's open data: an INTEGER */
				assert_int_equal(buf_ptr(&b.data[k])[0], 0x02);
				assert_int_equal(rtse_open_rsp(&b.r, 1,
				    "\x02\x02\x34\xcc", 4), 0);
				assert_true(b.r.twa);
				assert_true(b.r.turn);	/* token setting 0x15 */
				break;
			case RTSE_TRANSFER_IND:
				transfers++;
				buf_reset(&echo);
				buf_add(&echo, buf_ptr(&b.data[k]),
					buf_avail(&b.data[k]));
				assert_int_equal(rtse_turn_please_req(&b.r, 0),
						 0);
				break;
			case RTSE_TURN_GIVE_IND:
				if (buf_avail(&echo)) {
					assert_int_equal(rtse_transfer_req(
					    &b.r, buf_ptr(&echo),
					    buf_avail(&echo), NULL), 0);
					buf_reset(&echo);
				}
				break;
			case RTSE_TRANSFER_CONF:
				echoes++;
				break;
			default:
				break;
			}
		}
	}
	if (transfers < 5 || echoes < transfers - 1)
		fail_msg("%d transfers, %d echoes confirmed", transfers,
			 echoes);
	assert_int_equal(count(&b, RTSE_CLOSE_IND), 1);
	assert_int_equal(b.r.state, RTSE_ST_CLOSED);
	buf_free(&echo);
	cap_free(&cap);
	end_free(&b);
}

static void test_pp_replay(void **state)
{
	int n;

	(void)state;
	pp_replay("tests/vectors/pp-p1-loop-success.pcap", 1, &n);
	assert_int_equal(n, 1);
	pp_replay("tests/vectors/pp-p1-bad-password.pcap", 0, &n);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transfers),
		cmocka_unit_test(test_negotiation),
		cmocka_unit_test(test_twa),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_recovery),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_refuse_permanent),
		cmocka_unit_test(test_protocol_error),
		cmocka_unit_test(test_pp_replay),
		cmocka_unit_test(test_isode_x410_replay),
		cmocka_unit_test(test_x410_application_protocol),
		cmocka_unit_test(test_x410_pconnect_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
