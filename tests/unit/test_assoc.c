/*
 * test_assoc.c - P1 associations over real loopback TCP connections:
 *	initiator and responder in one libuv loop, both modes, transfers
 *	of 0 B to 16 MB with checkpointing off and on and windows 1, 3, 5,
 *	turns both ways, refused binds, and the captures read back by
 *	tshark through every layer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "assoc.h"
#include "codec.h"
#include "conn.h"
#include "log.h"

#include "ExtensionField.h"
#include "MTS-APDU.h"

#define CAPDIR	"build/captures"

/* ---- P1 messages of a chosen size ----------------------------------- */

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *b;
	long len;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	b = malloc((size_t)len);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	*n = (size_t)len;
	return b;
}

/* p1_message - PP's message with its content replaced by n octets; the
 *	result is a valid MTS-APDU (which tshark dissects as P1) */
static unsigned char *p1_message(size_t n, size_t *len)
{
	size_t vlen;
	unsigned char *v = slurp("tests/vectors/pp-message.ber", &vlen);
	MTS_APDU_t *m = NULL;
	unsigned char *der, *body;
	size_t i;

	assert_int_equal(codec_decode(&asn_DEF_MTS_APDU, v, vlen, 0,
				      (void **)&m, NULL), 0);
	free(v);
	assert_int_equal(m->present, MTS_APDU_PR_message);
	/* PP's private extensions (types 131351 and 131366) are unknown to
	 * tshark, which warns about them in PP's own capture too: drop them
	 * so that any warning left is ours. */
	if (m->choice.message.envelope.extensions) {
		struct MessageTransferEnvelope__extensions *x =
		    m->choice.message.envelope.extensions;
		int k;

		for (k = 0; k < x->list.count; k++)
			ASN_STRUCT_FREE(asn_DEF_ExtensionField,
					x->list.array[k]);
		free(x->list.array);
		free(x);
		m->choice.message.envelope.extensions = NULL;
	}
	body = malloc(n ? n : 1);
	assert_non_null(body);
	for (i = 0; i < n; i++)
		body[i] = (unsigned char)('a' + i % 26);
	assert_int_equal(OCTET_STRING_fromBuf(&m->choice.message.content,
					      (const char *)body, (int)n), 0);
	free(body);
	assert_int_equal(codec_encode_alloc(&asn_DEF_MTS_APDU, m, &der, len),
			 0);
	codec_free(&asn_DEF_MTS_APDU, m);
	return der;
}

/* ---- one run: an initiator sends APDUs to a responder --------------- */

struct run {
	uv_loop_t	*loop;
	struct conn_listener *l;
	/* what to do */
	enum rtse_mode	mode;
	unsigned	ckpt, window;
	int		twa;
	int		refuse;		/* responder refuses the bind */
	const size_t	*sizes;
	int		nsizes;
	int		reverse;	/* TWA: the responder sends back too */
	const char	*pcap_i, *pcap_r;
	/* what happened */
	int		sent, confirmed, received, failed, i_received;
	size_t		last_len;
	int		bound_i, bound_r;
	int		ended_i, ended_r;
	enum assoc_end	how_i, how_r;
	char		why_i[300];
	struct assoc	*ai, *ar;
	unsigned char	*apdu;
	size_t		apdu_len;
	char		peer_name[40];
};

static void next(struct run *r);

static void r_bind_ind(struct assoc *a, const struct assoc_bind *peer,
		       void *arg)
{
	struct run *r = arg;
	struct assoc_bind ours;

	snprintf(r->peer_name, sizeof(r->peer_name), "%s", peer->name);
	assert_int_equal(peer->password_len, 8);
	assert_memory_equal(peer->password, "testpass", 8);
	memset(&ours, 0, sizeof(ours));
	snprintf(ours.name, sizeof(ours.name), "RESPMTA");
	memcpy(ours.password, "resppass", 8);
	ours.password_len = 8;
	assoc_bind_rsp(a, !r->refuse, ASSOC_BE_AUTHENTICATION, &ours);
}

static void r_bound(struct assoc *a, const struct assoc_bind *peer,
		    void *arg)
{
	struct run *r = arg;

	(void)a;
	(void)peer;
	r->bound_r = 1;
}

static void r_apdu_ind(struct assoc *a, const unsigned char *p, size_t n,
		       void *arg)
{
	struct run *r = arg;
	void *v = NULL;

	if (n)
		assert_int_equal(codec_decode(&asn_DEF_MTS_APDU, p, n, 0, &v,
					      NULL), 0);
	codec_free(&asn_DEF_MTS_APDU, v);
	r->received++;
	r->last_len = n;
	assoc_apdu_rsp(a, ASSOC_OK);
}

static void r_apdu_conf(struct assoc *a, void *tag, int ok, void *arg)
{
	(void)a;
	(void)tag;
	(void)ok;
	(void)arg;
}

static void r_ended(struct assoc *a, enum assoc_end how, const char *why,
		    void *arg)
{
	struct run *r = arg;

	(void)a;
	(void)why;
	r->ended_r = 1;
	r->how_r = how;
	r->ar = NULL;
	if (r->ended_i)
		conn_listener_close(r->l);
}

static const struct assoc_cbs r_cbs = {
	r_bind_ind, r_bound, r_apdu_ind, r_apdu_conf, r_ended
};

static void i_bind_ind(struct assoc *a, const struct assoc_bind *peer,
		       void *arg)
{
	(void)a;
	(void)peer;
	(void)arg;
	fail_msg("bind_ind at the initiator");
}

static void i_bound(struct assoc *a, const struct assoc_bind *peer,
		    void *arg)
{
	struct run *r = arg;

	(void)a;
	assert_string_equal(peer->name, "RESPMTA");
	assert_int_equal(peer->password_len, 8);
	r->bound_i = 1;
	next(r);
}

static void i_apdu_ind(struct assoc *a, const unsigned char *p, size_t n,
		       void *arg)
{
	struct run *r = arg;

	(void)p;
	(void)n;
	r->received++;
	r->i_received++;
	assoc_apdu_rsp(a, ASSOC_OK);
	next(r);
}

static void i_apdu_conf(struct assoc *a, void *tag, int ok, void *arg)
{
	struct run *r = arg;

	(void)a;
	(void)tag;
	if (ok == ASSOC_OK)
		r->confirmed++;
	else
		r->failed++;
	next(r);
}

static void i_ended(struct assoc *a, enum assoc_end how, const char *why,
		    void *arg)
{
	struct run *r = arg;

	(void)a;
	r->ended_i = 1;
	r->how_i = how;
	snprintf(r->why_i, sizeof(r->why_i), "%s", why);
	r->ai = NULL;
	if (r->ended_r || r->refuse)
		conn_listener_close(r->l);
}

static const struct assoc_cbs i_cbs = {
	i_bind_ind, i_bound, i_apdu_ind, i_apdu_conf, i_ended
};

/* next - send the next APDU, or release when all are confirmed */
static void next(struct run *r)
{
	if (r->ai == NULL)
		return;
	if (r->sent > r->confirmed + r->failed)
		return;		/* one at a time */
	if (r->sent < r->nsizes) {
		free(r->apdu);
		r->apdu = r->sizes[r->sent] == (size_t)-1 ? NULL :
		    p1_message(r->sizes[r->sent], &r->apdu_len);
		if (r->apdu == NULL)
			r->apdu_len = 0;
		assert_int_equal(assoc_send(r->ai, r->apdu, r->apdu_len,
					    (void *)(intptr_t)r->sent), 0);
		r->sent++;
		return;
	}
	if (r->reverse && r->ar) {
		/* TWA: the responder asks for the turn and sends one */
		size_t n;
		unsigned char *m = p1_message(100, &n);

		assert_int_equal(assoc_send(r->ar, m, n, NULL), 0);
		free(m);
		r->reverse = 0;
		return;
	}
	if (r->twa && r->i_received == 0)
		return;		/* wait for the APDU coming back */
	assoc_release(r->ai);
}

static void on_accept(struct conn *c, void *arg)
{
	struct run *r = arg;
	struct assoc_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.osi.role = RTSE_RESPONDER;
	cfg.osi.rtse.mode = r->mode;
	cfg.osi.rtse.checkpoint = 64;
	cfg.osi.rtse.window = 5;
	cfg.osi.rtse.max_apdu = 32u << 20;
	memcpy(cfg.osi.called_tsel.sel, "x400", 4);
	cfg.osi.called_tsel.len = 4;
	cfg.osi.check_tsel = 1;
	cfg.link = "from-A";
	cfg.pcap = r->pcap_r;
	r->ar = assoc_accept(c, &cfg, &r_cbs, r);
}

static void run_one(struct run *r)
{
	uv_loop_t loop;
	const char *addrs[] = { "127.0.0.1" };
	struct assoc_cfg cfg;

	assert_int_equal(uv_loop_init(&loop), 0);
	r->loop = &loop;
	assert_int_equal(conn_listen(&loop, addrs, 1, 0, on_accept, r,
				     &r->l), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.osi.role = RTSE_INITIATOR;
	cfg.osi.rtse.mode = r->mode;
	cfg.osi.rtse.checkpoint = r->ckpt;
	cfg.osi.rtse.window = r->window;
	cfg.osi.rtse.dialogue = r->twa ? RTSE_TWA : RTSE_MONOLOGUE;
	cfg.osi.rtse.max_apdu = 32u << 20;
	memcpy(cfg.osi.called_tsel.sel, "x400", 4);
	cfg.osi.called_tsel.len = 4;
	cfg.addr = "127.0.0.1";
	cfg.port = conn_listener_port(r->l, 0);
	cfg.link = "to-B";
	cfg.pcap = r->pcap_i;
	snprintf(cfg.ours.name, sizeof(cfg.ours.name), "TESTMTA");
	memcpy(cfg.ours.password, "testpass", 8);
	cfg.ours.password_len = 8;
	cfg.open_ms = 20000;
	assert_int_equal(assoc_open(&loop, &cfg, &i_cbs, r, &r->ai), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	free(r->apdu);
	r->apdu = NULL;
}

/* Transfers of 0 B, 1 KB, 1 MB and 16 MB, both modes, checkpointing off
 * and on with windows 1, 3 and 5; every confirmation comes back; the
 * release is orderly on both sides. */
static void test_transfers(void **state)
{
	static const size_t sizes[] = { (size_t)-1, 1024, 1u << 20,
					16u << 20 };
	static const struct { unsigned ckpt, window; } v[] = {
		{ 0, 3 }, { 4, 1 }, { 16, 3 }, { 64, 5 }
	};
	int mode;
	size_t i;

	(void)state;
	for (mode = RTSE_NORMAL; mode <= RTSE_X410; mode++) {
		for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			struct run r;

			memset(&r, 0, sizeof(r));
			r.mode = mode;
			r.ckpt = v[i].ckpt;
			r.window = v[i].window;
			r.sizes = sizes;
			r.nsizes = 4;
			run_one(&r);
			if (!r.ended_i || r.how_i != ASSOC_RELEASED)
				fail_msg("mode %d ckpt %u: ended %d how %s: "
					 "%s", mode, v[i].ckpt, r.ended_i,
					 assoc_end_name(r.how_i), r.why_i);
			assert_int_equal(r.confirmed, 4);
			assert_int_equal(r.received, 4);
			assert_int_equal(r.failed, 0);
			assert_true(r.ended_r);
			assert_int_equal(r.how_r, ASSOC_RELEASED);
			assert_string_equal(r.peer_name, "TESTMTA");
		}
	}
}

/* Two-way alternate: the initiator sends, the responder asks for the
 * turn and sends back; then the initiator takes the turn to release. */
static void test_twa(void **state)
{
	static const size_t sizes[] = { 2000 };
	int mode;

	(void)state;
	for (mode = RTSE_NORMAL; mode <= RTSE_X410; mode++) {
		struct run r;

		memset(&r, 0, sizeof(r));
		r.mode = mode;
		r.ckpt = 1;
		r.window = 3;
		r.twa = 1;
		r.reverse = 1;
		r.sizes = sizes;
		r.nsizes = 1;
		run_one(&r);
		assert_int_equal(r.confirmed, 1);
		assert_int_equal(r.received, 2);	/* one each way */
		assert_int_equal(r.how_i, ASSOC_RELEASED);
	}
}

/* A refused bind reaches the initiator as a refusal naming the error. */
static void test_refused_bind(void **state)
{
	int mode;

	(void)state;
	for (mode = RTSE_NORMAL; mode <= RTSE_X410; mode++) {
		struct run r;

		memset(&r, 0, sizeof(r));
		r.mode = mode;
		r.refuse = 1;
		run_one(&r);
		assert_int_equal(r.how_i, ASSOC_REFUSED);
		assert_int_equal(r.bound_i, 0);
		if (mode == RTSE_NORMAL)
			assert_non_null(strstr(r.why_i,
					       "authentication-error"));
		assert_int_equal(r.how_r, ASSOC_REFUSED);
	}
}

/* tshark_check - every frame with TCP payload dissects through the
 *	expected layers, nothing is malformed, and no expert message of
 *	warning severity or worse appears, but for those in allow: tshark
 *	raises the same ones on ISODE's own X.410-mode capture
 *	(tests/vectors/isode-rtse-x410-echo.pcap: "zero-byte P1 PDU" on
 *	the connect, "can't get spdu type", marked malformed, on every
 *	transfer), a limit of its X.410 dissection, not a fault of ours;
 *	test_x410_reference checks that the vector still draws them */
static void tshark_check(const char *pcap, const char *want_connect,
			 const char *data_filter, int want_data,
			 const char *const *allow)
{
	char cmd[1024], line[2048];
	FILE *p;
	int n = 0, connect = 0, data = 0;

	snprintf(cmd, sizeof(cmd), "tshark -2 -r %s -d tcp.port==0-65535,tpkt "
		 "-Y 'tcp.len > 0' -T fields -E separator='|' "
		 "-e frame.protocols -e _ws.malformed -e _ws.expert.severity "
		 "-e _ws.expert.message 2>/dev/null", pcap);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		char *f[4], *s = line;
		long sev = 0;
		int i;

		n++;
		for (i = 0; i < 4; i++)
			f[i] = strsep(&s, "|");
		for (i = 0; i < 4; i++)
			if (f[i] == NULL)
				fail_msg("%s: odd line %s", pcap, line);
		if (f[1][0] || strstr(f[0], "malformed")) {
			/* only where tshark says the same of ISODE's own
			 * X.410 traffic (frames 14, 23, 32 of the vector) */
			int ok = 0;

			for (i = 0; allow && allow[i]; i++)
				if (strstr(f[3], allow[i]))
					ok = 1;
			if (!ok)
				fail_msg("%s: malformed frame: %s", pcap, line);
		}
		if (strstr(f[0], "tpkt:cotp") == NULL)
			fail_msg("%s: frame not TPKT/COTP: %s", pcap, line);
		for (s = f[2]; *s; ) {
			long v = strtol(s, &s, 10);

			if (v > sev)
				sev = v;
			if (*s == ',')
				s++;
			else
				break;
		}
		if (sev >= 0x600000) {	/* PI_WARN and worse */
			int ok = 0;

			for (i = 0; allow && allow[i]; i++)
				if (strstr(f[3], allow[i]))
					ok = 1;
			if (!ok)
				fail_msg("%s: expert message: %s", pcap, line);
		}
		if (strstr(f[0], want_connect))
			connect++;
	}
	pclose(p);
	/* the APDUs themselves, decoded after reassembly */
	snprintf(cmd, sizeof(cmd), "tshark -2 -r %s -d tcp.port==0-65535,tpkt "
		 "-Y '%s' -T fields -e frame.number 2>/dev/null", pcap,
		 data_filter);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		data++;
	pclose(p);
	if (connect == 0 || data < want_data)
		fail_msg("%s: %d frames, %d with %s, %d match %s (want %d)",
			 pcap, n, connect, want_connect, data, data_filter,
			 want_data);
}

/* Our traffic, captured by our own pcap writer on both sides, dissects
 * through every layer in tshark with no malformed frame. */
static void test_captures(void **state)
{
	static const size_t sizes[] = { 700, 100000 };
	static const char *const x410_allow[] = {
		"zero-byte P1 PDU", "can't get spdu type", NULL
	};
	struct run r;

	(void)state;
	mkdir("build", 0755);
	mkdir(CAPDIR, 0755);
	memset(&r, 0, sizeof(r));
	r.mode = RTSE_NORMAL;
	r.ckpt = 4;
	r.window = 3;
	r.sizes = sizes;
	r.nsizes = 2;
	r.pcap_i = CAPDIR "/assoc-normal-initiator.pcap";
	r.pcap_r = CAPDIR "/assoc-normal-responder.pcap";
	run_one(&r);
	assert_int_equal(r.confirmed, 2);
	tshark_check(r.pcap_i, "ses:pres:acse:rtse", "p1.MTS_APDU", 2, NULL);
	tshark_check(r.pcap_r, "ses:pres:acse:rtse", "p1.MTS_APDU", 2, NULL);

	memset(&r, 0, sizeof(r));
	r.mode = RTSE_X410;
	r.sizes = sizes;
	r.nsizes = 2;
	r.pcap_i = CAPDIR "/assoc-x410-initiator.pcap";
	run_one(&r);
	assert_int_equal(r.confirmed, 2);
	tshark_check(r.pcap_i, "tpkt:cotp:ses:pres:p1", "ses.type == 1", 2,
		     x410_allow);
}

/* The allowance above stays honest: ISODE's X.410 reference capture
 * draws exactly those complaints from this tshark. */
static void test_x410_reference(void **state)
{
	FILE *p;
	char line[512];
	int zero = 0, spdu = 0;

	(void)state;
	p = popen("tshark -2 -r tests/vectors/isode-rtse-x410-echo.pcap "
		  "-d tcp.port==17102,tpkt -T fields -e _ws.expert.message "
		  "2>/dev/null", "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		zero += strstr(line, "zero-byte P1 PDU") != NULL;
		spdu += strstr(line, "can't get spdu type") != NULL;
	}
	pclose(p);
	assert_true(zero >= 2);
	assert_true(spdu >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transfers),
		cmocka_unit_test(test_twa),
		cmocka_unit_test(test_refused_bind),
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_x410_reference),
	};

	log_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
