/*
 * test_conformance.c - x400conf's modules: settings, the case registry,
 *	the checks that decide a verdict (each shown to pass on a good
 *	relay and to fail on a bad one), the MTA-bind values, the capture
 *	merge and the PDU decoder (on our captures and on PP's and ISODE's
 *	from tests/vectors), the JUnit output
 *
 *	test_conformance blackhole ADDR PORT
 *	test_conformance lax ADDR PORT NAME
 *	test_conformance fragile ADDR PORT NAME
 *
 * The three modes are misbehaving targets for tests/integration/
 * conformance.sh: "blackhole" accepts TCP connections and never answers
 * nor closes; "lax" is an MTA on our stack that binds anyone with any
 * password (answering as NAME), confirms every MTS-APDU and relays
 * nothing; "fragile" is lax until its stack reports a protocol error (a
 * malformed PDU: any event of level notice or above), then stops
 * listening: a target that does not survive a robustness case. Each prints "ready" once it listens and
 * runs until killed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <uv.h>

#include "assoc.h"
#include "codec.h"
#include "conn.h"
#include "log.h"
#include "p1_env.h"
#include "p1_trace.h"
#include "pcapw.h"
#include "xalloc.h"
#include "xc.h"
#include "xc_build.h"
#include "xc_cfg.h"
#include "xc_check.h"
#include "xc_decode.h"
#include "xc_out.h"
#include "xc_pcap.h"

#define TMPDIR	"build/test-conformance"

/* ---- settings --------------------------------------------------------- */

static void good_cfg(struct xc_cfg *c)
{
	char err[300];

	xc_cfg_defaults(c);
	assert_int_equal(xc_cfg_set(c, "target.address", "127.0.0.9:2102",
				    err, sizeof(err)), 0);
	assert_int_equal(xc_cfg_set(c, "target.mta", "mta-t", err,
				    sizeof(err)), 0);
	assert_int_equal(xc_cfg_set(c, "target.domain",
				    "C=XX;A=ADMD;P=TARGET", err, sizeof(err)),
			 0);
	assert_int_equal(xc_cfg_set(c, "us.domain", "C=XX;A=ADMD;P=CONF",
				    err, sizeof(err)), 0);
	assert_int_equal(xc_cfg_set(c, "us.recipients",
				    "C=XX;A=ADMD;P=CONF;O=conf", err,
				    sizeof(err)), 0);
	assert_int_equal(xc_cfg_set(c, "us.password", "conf-pw", err,
				    sizeof(err)), 0);
}

static void test_cfg_set(void **state)
{
	struct xc_cfg c;
	char err[300], b[80];

	(void)state;
	good_cfg(&c);
	assert_string_equal(c.t_host, "127.0.0.9");
	assert_int_equal(c.t_port, 2102);
	assert_int_equal(xc_cfg_check(&c, err, sizeof(err)), 0);
	/* values */
	assert_int_equal(xc_cfg_set(&c, "target.tsel", "0x0001", err,
				    sizeof(err)), 0);
	assert_int_equal(c.t_tsel.len, 2);
	assert_int_equal(c.t_tsel.v[1], 1);
	assert_string_equal(xc_sel_format(&c.t_tsel, b, sizeof(b)), "0x0001");
	assert_int_equal(xc_cfg_set(&c, "target.tsel", "x400", err,
				    sizeof(err)), 0);
	assert_string_equal(xc_sel_format(&c.t_tsel, b, sizeof(b)), "\"x400\"");
	assert_int_equal(xc_cfg_set(&c, "target.mode", "x410", err,
				    sizeof(err)), 0);
	assert_int_equal(c.t_mode, RTSE_X410);
	assert_int_equal(xc_cfg_set(&c, "suite.large_size", "4M", err,
				    sizeof(err)), 0);
	assert_int_equal(c.large_size, 4u << 20);
	assert_int_equal(xc_cfg_set(&c, "us.listen", "[::1]:1102", err,
				    sizeof(err)), 0);
	assert_string_equal(c.u_listen_host, "::1");
	assert_int_equal(c.u_listen_port, 1102);
	/* refusals, each naming the key */
	assert_int_equal(xc_cfg_set(&c, "target.tsel", "0x0", err,
				    sizeof(err)), -1);
	assert_non_null(strstr(err, "target.tsel"));
	assert_int_equal(xc_cfg_set(&c, "target.mode", "fast", err,
				    sizeof(err)), -1);
	assert_int_equal(xc_cfg_set(&c, "target.adress", "x", err,
				    sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown setting"));
	assert_int_equal(xc_cfg_set(&c, "suite.recipients", "1", err,
				    sizeof(err)), -1);
	assert_int_equal(xc_cfg_set(&c, "suite.answer_timeout", "-3", err,
				    sizeof(err)), -1);
	assert_int_equal(xc_cfg_set(&c, "target.address", "host:99999", err,
				    sizeof(err)), -1);
	/* check */
	assert_int_equal(xc_cfg_set(&c, "us.unroutable", "C=XX;Q=bad", err,
				    sizeof(err)), 0);
	assert_int_equal(xc_cfg_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "us.unroutable"));
	xc_cfg_defaults(&c);
	assert_int_equal(xc_cfg_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "target.address"));
}

static void test_cfg_file(void **state)
{
	struct xc_cfg c;
	char err[300];
	FILE *fp;

	(void)state;
	fp = fopen(TMPDIR "/x.conf", "w");
	assert_non_null(fp);
	fprintf(fp, "target = { address = \"127.0.0.5\"; mta = \"m\";\n"
		"  domain = \"C=XX;A=B\"; password = \"pw\"; };\n"
		"suite = { relay_timeout = 7; };\n");
	fclose(fp);
	xc_cfg_defaults(&c);
	assert_int_equal(xc_cfg_load(&c, TMPDIR "/x.conf", err, sizeof(err)),
			 0);
	assert_string_equal(c.t_host, "127.0.0.5");
	assert_int_equal(c.t_port, 102);
	assert_int_equal(c.relay_ms, 7000);
	assert_true(c.t_password_set);
	fp = fopen(TMPDIR "/x.conf", "w");
	fprintf(fp, "target = { address = \"127.0.0.5\"; };\n"
		"suite = {\n relay_timeot = 7; };\n");
	fclose(fp);
	assert_int_equal(xc_cfg_load(&c, TMPDIR "/x.conf", err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, ":3: suite.relay_timeot"));
	fp = fopen(TMPDIR "/x.conf", "w");
	fprintf(fp, "links = { };\n");
	fclose(fp);
	assert_int_equal(xc_cfg_load(&c, TMPDIR "/x.conf", err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "links"));
	assert_int_equal(xc_cfg_load(&c, TMPDIR "/none.conf", err,
				     sizeof(err)), -1);
}

/* ---- the registry ----------------------------------------------------- */

static void test_registry(void **state)
{
	const struct xc_case *c, *d;
	struct xc_cfg cfg;
	size_t i, k, n = 0;

	(void)state;
	for (i = 0; (c = xc_case_at(i)) != NULL; i++, n++) {
		assert_non_null(c->run);
		assert_true(strlen(c->clause) > 3);
		assert_true(strlen(c->sends) > 10);
		assert_true(strlen(c->expects) > 10);
		assert_int_equal(strlen(c->id), 5);
		for (k = i + 1; (d = xc_case_at(k)) != NULL; k++)
			assert_string_not_equal(c->id, d->id);
	}
	assert_true(n >= 60);
	xc_cfg_defaults(&cfg);
	cfg.only[cfg.nonly++] = "TR.*";
	cfg.skip[cfg.nskip++] = "TR.02";
	for (i = 0, k = 0; (c = xc_case_at(i)) != NULL; i++)
		if (xc_selected(&cfg, c)) {
			assert_memory_equal(c->id, "TR.", 3);
			assert_string_not_equal(c->id, "TR.02");
			k++;
		}
	assert_true(k >= 5);
	xc_cfg_defaults(&cfg);
	cfg.only[cfg.nonly++] = "robustness";
	for (i = 0, k = 0; (c = xc_case_at(i)) != NULL; i++)
		k += xc_selected(&cfg, c);
	assert_true(k >= 15);
}

/* ---- MTA-bind values ---------------------------------------------- */

static void test_bind(void **state)
{
	struct xc_bind b = { 1, "x400conf", "pw\x00x", 4, 0 };
	struct buf out = BUF_INIT;
	struct xc_bindres r;
	static const unsigned char err2[] = { 0x02, 0x01, 0x02 };
	static const unsigned char err18[] = { 0xb2, 0x03, 0x02, 0x01, 0x00 };

	(void)state;
	xc_bind_arg(&b, &out);
	assert_int_equal(((unsigned char *)buf_ptr(&out))[0], 0xb0);
	/* an argument is no result */
	assert_int_equal(xc_bind_result(buf_ptr(&out), buf_avail(&out), &r),
			 -1);
	buf_free(&out);
	b.authenticated = 0;
	xc_bind_arg(&b, &out);
	assert_int_equal(buf_avail(&out), 4);	/* b0 02 05 00 */
	buf_free(&out);
	assert_int_equal(xc_bind_error(err2, sizeof(err2)), 2);
	assert_int_equal(xc_bind_error(err18, sizeof(err18)), 0);
	assert_int_equal(xc_bind_error("\x04\x00", 2), -1);
	assert_string_equal(xc_bind_error_name(2), "authentication-error");
}

/* ---- verdicts: the checks pass on a good relay, fail on a bad one -- */

static const struct xc_case fake_case = {
	"ZZ.01", "unit", "fake", "none", "nothing at all", "nothing at all",
	NULL, 0
};

static void fake_run(struct xc *x, struct xc_result *r)
{
	buf_free(&r->log);
	memset(x, 0, sizeof(*x));
	good_cfg(&x->cfg);
	memset(r, 0, sizeof(*r));
	r->c = &fake_case;
	x->res = r;
	x->cur = &fake_case;
}

/* relayed - what a good target sends back: the same, with its trace */
static MTS_APDU_t *relayed(const MTS_APDU_t *a, const char *domain)
{
	size_t len;
	unsigned char *der = xc_encode(a, &len);
	MTS_APDU_t *b = xc_apdu_decode(der, len);

	free(der);
	assert_non_null(b);
	xc_trace_add(b, domain, 0, time(NULL));
	return b;
}

static void test_checks(void **state)
{
	struct xc x;
	struct xc_result r;
	MTS_APDU_t *a, *b;
	struct xc_msgopt o = { 0, P1_REP_ALL, 1, 0, NULL };

	(void)state;
	memset(&r, 0, sizeof(r));
	fake_run(&x, &r);
	a = xc_msg_to(&x, 3, &o);
	/* good */
	b = relayed(a, x.cfg.t_domain);
	assert_int_equal(xc_check_same(&x, a, b), 1);
	assert_int_equal(xc_check_trace(&x, a, b), 1);
	assert_int_equal(r.v, XC_PASS);
	xc_apdu_free(b);
	/* no trace element of the target's */
	b = relayed(a, "C=XX;A=ADMD;P=ELSEWHERE");
	assert_int_equal(xc_check_trace(&x, a, b), 0);
	assert_int_equal(r.v, XC_FAIL);
	assert_non_null(strstr(r.reason, "not the target's"));
	xc_apdu_free(b);
	/* changed content */
	fake_run(&x, &r);
	b = relayed(a, x.cfg.t_domain);
	b->choice.message.content.buf[3] ^= 1;
	assert_int_equal(xc_check_same(&x, a, b), 0);
	assert_non_null(strstr(r.reason, "different content"));
	xc_apdu_free(b);
	/* a recipient lost */
	fake_run(&x, &r);
	b = relayed(a, x.cfg.t_domain);
	codec_free(&asn_DEF_PerRecipientMessageTransferFields,
		   b->choice.message.envelope.per_recipient_fields.list.
		   array[2]);
	b->choice.message.envelope.per_recipient_fields.list.count = 2;
	assert_int_equal(xc_check_same(&x, a, b), 0);
	assert_non_null(strstr(r.reason, "lost recipient"));
	xc_apdu_free(b);
	/* no element added at all */
	fake_run(&x, &r);
	assert_int_equal(xc_check_trace(&x, a, a), 0);
	assert_non_null(strstr(r.reason, "no trace element"));
	buf_free(&r.log);
	xc_apdu_free(a);
}

/* ---- captures and the decoder --------------------------------------- */

static void seg_count(void *arg, const struct xc_seg *s)
{
	struct buf *b = arg;

	buf_add(b, s->data, s->len);
}

static void test_pcap(void **state)
{
	struct sockaddr_in a1, a2, b1, b2;
	struct pcapw *w1, *w2;
	const char *parts[2] = { TMPDIR "/p1.pcap", TMPDIR "/p2.pcap" };
	struct buf b = BUF_INIT;
	int err;

	(void)state;
	uv_ip4_addr("127.0.0.1", 40000, &a1);
	uv_ip4_addr("127.0.0.2", 102, &a2);
	uv_ip4_addr("127.0.0.3", 40001, &b1);
	uv_ip4_addr("127.0.0.4", 102, &b2);
	w1 = pcapw_open(parts[0], (struct sockaddr *)&a1,
			(struct sockaddr *)&a2, 1, &err);
	w2 = pcapw_open(parts[1], (struct sockaddr *)&b1,
			(struct sockaddr *)&b2, 1, &err);
	assert_non_null(w1);
	assert_non_null(w2);
	pcapw_data(w1, PCAPW_FROM_LOCAL, "one", 3);
	usleep(2000);
	pcapw_data(w2, PCAPW_FROM_LOCAL, "two", 3);
	usleep(2000);
	pcapw_data(w1, PCAPW_FROM_PEER, "three", 5);
	pcapw_close(w1);
	pcapw_close(w2);
	assert_int_equal(xc_pcap_merge(parts, 2, TMPDIR "/m.pcap"), 0);
	assert_int_equal(xc_pcap_read(TMPDIR "/m.pcap", seg_count, &b), 0);
	assert_int_equal(buf_avail(&b), 11);
	assert_memory_equal(buf_ptr(&b), "onetwothree", 11);
	buf_free(&b);
	/* not a pcap */
	assert_int_equal(xc_pcap_read(TMPDIR "/x.conf", seg_count, &b),
			 -22);
	assert_int_equal(xc_pcap_merge(parts, 0, TMPDIR "/m2.pcap") < 0, 1);
}

/* decode - the transcript of a vector, converted from pcapng by
 *	editcap (Wireshark) */
static char *decode(const char *vector)
{
	char cmd[600], out[300];
	struct buf b = BUF_INIT;
	char *s;

	snprintf(out, sizeof(out), TMPDIR "/%s", vector);
	snprintf(cmd, sizeof(cmd), "editcap -F pcap tests/vectors/%s %s",
		 vector, out);
	if (system(cmd) != 0)
		fail_msg("editcap (Wireshark) is needed: %s", cmd);
	assert_int_equal(xc_decode_pcap(out, &b), 0);
	buf_add(&b, "", 1);
	s = xstrdup((const char *)buf_ptr(&b));
	buf_free(&b);
	return s;
}

static void test_decode_vectors(void **state)
{
	char *t;

	(void)state;
	t = decode("pp-p1-loop-success.pcap");
	assert_non_null(strstr(t, "CR dst-ref 0x0000"));
	assert_non_null(strstr(t, "AARQ 2.6.0.1.6 (mts-transfer) | RTORQ "
			       "checkpoint 63"));
	assert_non_null(strstr(t, "MTA-bind argument: MTA \"TESTMTA\""));
	assert_non_null(strstr(t, "MTA-bind result: MTA \"PPMTA\""));
	assert_non_null(strstr(t, "RTTR 709 octets | P1 message"));
	assert_non_null(strstr(t, "| RLRE"));
	free(t);
	t = decode("pp-p1-bad-password.pcap");
	assert_non_null(strstr(t, "RF "));
	assert_non_null(strstr(t, "rejected-permanent"));
	assert_non_null(strstr(t, "MTA-bind error authentication-error"));
	free(t);
	t = decode("isode-rtse-x410-echo.pcap");
	assert_non_null(strstr(t, "PConnect (X.410-1984 mode)"));
	assert_non_null(strstr(t, "PAccept"));
	assert_non_null(strstr(t, "two-way alternate"));
	free(t);
}

static char *brief(int tsdu, const void *p, size_t n)
{
	struct buf b = BUF_INIT;
	char *s;

	if (tsdu)
		xc_tsdu_brief(p, n, -1, &b);
	else
		xc_tpdu_brief(p, n, &b);
	buf_add(&b, "", 1);
	s = xstrdup((const char *)buf_ptr(&b));
	buf_free(&b);
	return s;
}

static void test_decode_malformed(void **state)
{
	static const struct {
		int		tsdu;
		const char	*in;
		size_t		n;
		const char	*want;
	} t[] = {
		{ 0, "\x06\x90\x00\x00\x00\x01\x00", 7, "unknown TPDU code" },
		{ 0, "\x0e\xe0\x00\x00\x00\x01\x00", 7, "beyond" },
		{ 0, "\x06\x80\x00\x01\x00\x02\x80", 7, "DR reason 0x80" },
		{ 0, "\x04\x70\x00\x01\x02", 5, "ER cause 2" },
		{ 0, "\x0c\xe0\x00\x00\x00\x01\x00\xc2\x32\x78\x34\x30\x30",
		  13, "overruns" },
		{ 1, "\x63\x00", 2, "unknown (SI 99)" },
		{ 1, "\x0d\x50\x05\x06", 4, "beyond the TSDU" },
		{ 1, "\x0d\x04\xc1\x02\xff\xff", 6, "not a CP-type" },
		{ 1, "\x01\x00\x01\x00\xff\x00", 6, "not a PPDU" },
		{ 1, "", 0, "empty TSDU" },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = brief(t[i].tsdu, t[i].in, t[i].n);
		if (strstr(s, t[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, s,
				 t[i].want);
		free(s);
	}
}

/* ---- the documentation's case table ------------------------------------ */

/* read_all - the whole of path, NUL-terminated (caller frees), or NULL */
static char *read_all(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *s = NULL;
	size_t n = 0, cap = 0, r;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 4096)
			s = xrealloc(s, cap = cap * 2 + 4096);
		if ((r = fread(s + n, 1, cap - n - 1, fp)) == 0)
			break;
		n += r;
	}
	fclose(fp);
	s[n] = 0;
	return s;
}

/* doc_cases - the case tables of doc: from its first "### Group " line to
 *	the next "## " heading, blank lines left out (caller frees) */
static char *doc_cases(const char *doc)
{
	const char *p = strstr(doc, "\n### Group "), *e;
	struct buf b;
	char *out;

	memset(&b, 0, sizeof(b));
	for (p = p ? p + 1 : doc + strlen(doc); *p; p = e) {
		e = strchr(p, '\n');
		e = e ? e + 1 : p + strlen(p);
		if (strncmp(p, "## ", 3) == 0)
			break;
		if (*p != '\n')
			buf_add(&b, p, (size_t)(e - p));
	}
	buf_add(&b, "", 1);
	out = xstrdup((const char *)buf_ptr(&b));
	buf_free(&b);
	return out;
}

/* doc_diff - NULL when doc's case tables are those of x400conf -L, else
 *	the first line where they differ (a static string) */
static const char *doc_diff(const char *doc)
{
	static char line[4096];
	char *want, *have, *mem = NULL, *a, *b;
	size_t memlen = 0;
	FILE *fp = open_memstream(&mem, &memlen);
	const char *res = NULL;

	assert_non_null(fp);
	xc_out_cases(fp, 1);
	fclose(fp);
	want = doc_cases(mem);
	have = doc_cases(doc);
	for (a = want, b = have; *a || *b; ) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la) != 0) {
			snprintf(line, sizeof(line), "x400conf -L has \"%.*s\", "
				 "docs/conformance.md \"%.*s\"", (int)la, a,
				 (int)lb, b);
			res = line;
			break;
		}
		a += la + (a[la] != 0);
		b += lb + (b[lb] != 0);
	}
	free(want);
	free(have);
	free(mem);
	return res;
}

/* docs/conformance.md lists exactly the cases x400conf has, each with its
 * clause, what it sends and what it expects: no case missing, none extra,
 * none out of date; and the check sees each kind of staleness */
static void test_doc_cases(void **state)
{
	char *doc = read_all("docs/conformance.md"), *bad, *p;
	const char *why;
	size_t n = 0;

	(void)state;
	assert_non_null(doc);
	why = doc_diff(doc);
	if (why)
		fail_msg("docs/conformance.md is stale: %s", why);
	/* one row per case */
	for (p = doc; (p = strstr(p, "\n| ")) != NULL; p++)
		n += p[3] >= 'A' && p[3] <= 'Z' && p[4] >= 'A' &&
		     p[4] <= 'Z' && p[5] == '.';
	assert_true(n > 0);
	assert_non_null(xc_case_at(n - 1));
	assert_null(xc_case_at(n));
	/* a row missing */
	bad = xstrdup(doc);
	p = strstr(bad, "\n| TR.05 ");
	assert_non_null(p);
	memmove(p, strchr(p + 1, '\n'), strlen(strchr(p + 1, '\n')) + 1);
	assert_non_null(why = doc_diff(bad));
	assert_non_null(strstr(why, "TR.05"));
	free(bad);
	/* a row extra, after the last group */
	bad = xmalloc(strlen(doc) + 100);
	p = strstr(doc, "\n## Results");
	assert_non_null(p);
	snprintf(bad, strlen(doc) + 100, "%.*s| RB.99 | x | y | z | w |%s",
		 (int)(p - doc) - 1, doc, p - 1);
	assert_non_null(why = doc_diff(bad));
	assert_non_null(strstr(why, "RB.99"));
	free(bad);
	/* a clause out of date */
	bad = xstrdup(doc);
	p = strstr(bad, "| BI.03 ");
	assert_non_null(p = strstr(p, "X.411"));
	p[4] = '9';
	assert_non_null(why = doc_diff(bad));
	assert_non_null(strstr(why, "BI.03"));
	free(bad);
	free(doc);
}

/* ---- output --------------------------------------------------------- */

static void test_junit(void **state)
{
	struct xc x;
	struct xc_result r[3];
	char buf[8192];
	FILE *fp;
	size_t n;
	char *e;

	(void)state;
	memset(&x, 0, sizeof(x));
	good_cfg(&x.cfg);
	memset(r, 0, sizeof(r));
	r[0].c = xc_case_at(0);
	r[1].c = xc_case_at(1);
	r[1].v = XC_FAIL;
	snprintf(r[1].reason, sizeof(r[1].reason), "a <bad> & \"odd\" one");
	r[2].c = xc_case_at(2);
	r[2].v = XC_INCONC;
	snprintf(r[2].reason, sizeof(r[2].reason), "not offered");
	buf_add(&r[0].log, "ctl \x01\x7f\xff <x>\n", 12);
	x.results = r;
	x.nresults = 3;
	xc_pics(&x, "mode.x410", "yes");
	assert_int_equal(xc_out_junit(&x, TMPDIR "/j.xml"), 0);
	fp = fopen(TMPDIR "/j.xml", "r");
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = 0;
	assert_non_null(strstr(buf, "tests=\"3\" failures=\"1\" skipped=\"1\""));
	assert_non_null(strstr(buf, "<failure message=\"a &lt;bad&gt; &amp; "
			       "&quot;odd&quot; one\""));
	assert_non_null(strstr(buf, "<skipped message=\"inconclusive: not "
			       "offered\""));
	assert_non_null(strstr(buf, "ctl ??? &lt;x&gt;"));
	assert_non_null(strstr(buf, "name=\"pics.mode.x410\" value=\"yes\""));
	buf_free(&r[0].log);
	e = xc_xml_escape("a'b", 3);
	assert_string_equal(e, "a&apos;b");
	free(e);
}

/* ---- misbehaving targets for the integration test -------------------- */

static void bh_read(struct conn *c, const uint8_t *p, size_t n, void *arg)
{
	(void)c;
	(void)p;
	(void)n;
	(void)arg;
}

static void bh_eof(struct conn *c, int status, void *arg)
{
	(void)status;
	(void)arg;
	conn_close(c);
}

static void bh_closed(struct conn *c, void *arg)
{
	(void)c;
	(void)arg;
}

static const struct conn_cbs bh_cbs = {
	NULL, bh_read, bh_eof, NULL, NULL, bh_closed
};

static void bh_accept(struct conn *c, void *arg)
{
	(void)arg;
	conn_start(c, &bh_cbs, NULL);
}

static const char *lax_name;

static void lax_bind_ind(struct assoc *a, const struct assoc_bind *peer,
			 void *arg)
{
	struct assoc_bind ours;

	(void)peer;
	(void)arg;
	memset(&ours, 0, sizeof(ours));
	snprintf(ours.name, sizeof(ours.name), "%s", lax_name);
	assoc_bind_rsp(a, 1, 0, &ours);	/* anyone, any password */
}

static void lax_bound(struct assoc *a, const struct assoc_bind *p, void *arg)
{
	(void)a;
	(void)p;
	(void)arg;
}

static void lax_apdu(struct assoc *a, const unsigned char *p, size_t n,
		     void *arg)
{
	(void)p;
	(void)n;
	(void)arg;
	assoc_apdu_rsp(a, ASSOC_OK);		/* confirmed, and forgotten */
}

static void lax_conf(struct assoc *a, void *tag, int ok, void *arg)
{
	(void)a;
	(void)tag;
	(void)ok;
	(void)arg;
}

static void lax_ended(struct assoc *a, enum assoc_end how, const char *why,
		      void *arg)
{
	(void)a;
	(void)how;
	(void)why;
	(void)arg;
}

static struct conn_listener *fragile;	/* the listener, in fragile mode */

/* fragile_sink - in fragile mode, stop listening at the first protocol
 *	error the stack reports (before it answers it: the next connection
 *	is refused, whatever the timing) */
static void fragile_sink(const struct log_rec *rec, void *arg)
{
	(void)arg;
	if (fragile == NULL || rec->level < LOG_NOTICE)
		return;
	conn_listener_close(fragile);
	fragile = NULL;
	printf("no longer listening after %s: %s\n", rec->name, rec->msg);
	fflush(stdout);
}

static const struct assoc_cbs lax_cbs = {
	lax_bind_ind, lax_bound, lax_apdu, lax_conf, lax_ended
};

static void lax_accept(struct conn *c, void *arg)
{
	struct assoc_cfg ac;

	(void)arg;
	memset(&ac, 0, sizeof(ac));
	ac.osi.role = RTSE_RESPONDER;
	ac.osi.rtse.any_mode = 1;
	ac.osi.rtse.checkpoint = 64;
	ac.osi.rtse.window = 3;
	ac.osi.rtse.max_apdu = 64u << 20;
	ac.link = "lax";
	assoc_accept(c, &ac, &lax_cbs, NULL);
}

static int serve(const char *mode, const char *addr, const char *port)
{
	uv_loop_t loop;
	struct conn_listener *l;
	const char *addrs[1] = { addr };

	uv_loop_init(&loop);
	if (conn_listen(&loop, addrs, 1, (unsigned)atoi(port),
			strcmp(mode, "blackhole") == 0 ? bh_accept :
			lax_accept, NULL, &l) != 0) {
		fprintf(stderr, "cannot listen on %s:%s\n", addr, port);
		return 1;
	}
	if (strcmp(mode, "fragile") == 0) {
		fragile = l;
		log_set_sink(fragile_sink, NULL);
	}
	printf("ready\n");
	fflush(stdout);
	uv_run(&loop, UV_RUN_DEFAULT);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_set),
		cmocka_unit_test(test_cfg_file),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_bind),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_pcap),
		cmocka_unit_test(test_decode_vectors),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_doc_cases),
	};

	log_quiet(1);
	if (argc >= 4 && strcmp(argv[1], "blackhole") == 0)
		return serve("blackhole", argv[2], argv[3]);
	if (argc >= 5 && (strcmp(argv[1], "lax") == 0 ||
			  strcmp(argv[1], "fragile") == 0)) {
		lax_name = argv[4];
		return serve(argv[1], argv[2], argv[3]);
	}
	if (argc > 1) {
		fprintf(stderr, "usage: test_conformance [blackhole ADDR PORT | "
			"lax|fragile ADDR PORT NAME]\n");
		return 2;
	}
	if (system("mkdir -p " TMPDIR) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
