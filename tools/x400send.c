/*
 * x400send - submit X.400 messages to an MTA over P1
 *
 * SYNOPSIS
 *	x400send -a ADDR[:PORT] -n MTA [--password-file FILE] -g GDI
 *		 -f ORIGINATOR -r RECIPIENT [-r RECIPIENT...] [options]
 *	x400send -h | --version
 *
 * DESCRIPTION
 *	Acts as an originating MTA: builds each message (an interpersonal
 *	message in a P1 envelope, p1_msg.h), binds to the MTA at ADDR with
 *	our MTA name and password, transfers the messages and waits for
 *	each transfer confirmation, then releases. With -c and -N it is
 *	also a load generator: N messages over C concurrent associations,
 *	with throughput and latency printed at the end.
 *
 *	-a ADDR[:PORT]	the MTA (port 102 by default; [v6]:port for IPv6)
 *	-l SRC		our source address
 *	-t TSEL		its transport selector, as text (default "x400")
 *	-x		X.410-1984 mode (default: 1988 normal mode); the
 *			bind argument goes bare, as X.410-1984 MTAs send it
 *	-e EDITION	the X.411 edition of what we write: 1988 (default:
 *			extension types [0] EXPLICIT, what 1988 MTAs such
 *			as PP read) or 1992 ([0] / [3] IMPLICIT)
 *	-n MTA		our MTA name in the bind
 *	--password-file FILE	our password in the bind: FILE's first
 *			line. Else $X400_PASSWORD; else, when standard
 *			input is a terminal, it is asked for there (no
 *			echo; an empty answer sends none); else none is
 *			sent.
 *	-w PW		our password from the command line: deprecated,
 *			since ps shows it to every user of the host
 *	--peer-password-file FILE	the password we expect from the
 *			peer (checked): FILE's first line
 *	-W PW		the same from the command line (deprecated)
 *	-g GDI		our global domain, "C=..;A=..;P=.."
 *	-f ORIGINATOR	-r RECIPIENT	O/R names in string form
 *	-s SUBJECT	-b TEXT		-B FILE (the body from a file)
 *	-z BYTES	pad the body to this many octets
 *	-u PRIORITY	normal, urgent or non-urgent
 *	-R LEVEL	reports wanted: none, ndr (default) or all
 *	-D SECONDS	deferred delivery: this many seconds from now
 *	-L SECONDS	latest delivery: this many seconds from now
 *	-X N[:c]	add standard extension N (value NULL), critical
 *			for transfer with ":c" (for tests of MTAs)
 *	-p		send probes instead of messages
 *	-A FILE		send FILE's octets as the MTS-APDU, unchanged
 *			(for tests of MTAs: hand-built or damaged PDUs)
 *	-N COUNT	messages to send (default 1)
 *	-c ASSOCS	concurrent associations (default 1)
 *	-k KB -y WIN	RTSE checkpoint size and window
 *	-q		quiet: print only the summary
 *	-P FILE		capture the association (both directions) to a
 *			pcap file, for Wireshark (with -c 1); the bind
 *			passwords blanked
 *	--tls		TLS to the MTA, checked with --tls-pin PIN or
 *			--tls-ca FILE --tls-name NAME; --tls-cert FILE
 *			--tls-key FILE: our certificate
 *	-h		the usage (--help); --version the version
 *
 *	Every option has a long name (usage_text below).
 *
 * DIAGNOSTICS
 *	Exit status 0 when every message was confirmed, 1 when one was
 *	not, 2 on a usage error. Each failure is printed with its reason:
 *	a transfer the MTA refused for good (RTAB permanentProblem, X.228)
 *	is told apart from one it could not take now.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "assoc.h"
#include "codec.h"
#include "p1_id.h"
#include "log.h"
#include "p1_ext.h"
#include "p1_msg.h"

#include "MTS-APDU.h"
#include "pwread.h"
#include "tlsid.h"
#include "xalloc.h"
#include "x400_version.h"

#define PW_BUF	(ASSOC_PW_MAX + 2)	/* a password, its end, a spare */

struct sender {
	uv_loop_t	*loop;
	struct assoc_cfg cfg;
	struct p1_msg_spec spec;
	const char	*peer_pw;
	long		total, started, confirmed, failed;
	int		assocs, live, broken;
	int		refused;	/* the peer refused a bind */
	int		quiet;
	uint64_t	*lat;		/* microseconds, one per message */
	uint64_t	t0;
	uint64_t	seq;
	const unsigned char *raw;	/* -A: this APDU, as it is */
	size_t		raw_len;
	uint64_t	hold_ms;	/* --hold: silent after the bind */
	uv_timer_t	hold;
	struct slot	*held;		/* the association being held */
	uint64_t	held_at;	/* us */
};

struct slot {
	struct sender	*s;
	struct assoc	*a;
	uint64_t	sent_at;
	uint64_t	opened_at;	/* us */
	int		busy;
	unsigned char	*apdu;
	char		mtsid[160];
};

static uint64_t now_us(void)
{
	return uv_hrtime() / 1000;
}

static void start_assoc(struct sender *s);

/* send_one - build and send the next message on this association */
static void send_one(struct slot *sl)
{
	struct sender *s = sl->s;
	unsigned char *der;
	size_t len;
	char why[300];

	if (s->started >= s->total) {
		assoc_release(sl->a);
		return;
	}
	s->spec.seq = ++s->seq;
	s->spec.now = time(NULL);
	if (s->raw) {
		der = xmalloc(s->raw_len);
		memcpy(der, s->raw, s->raw_len);
		len = s->raw_len;
	} else if (p1_msg_build(&s->spec, &der, &len, why, sizeof(why)) != 0) {
		fprintf(stderr, "x400send: %s\n", why);
		exit(2);
	}
	s->started++;
	if (!s->quiet && s->total <= 20) {
		void *v = NULL;

		if (codec_decode(&asn_DEF_MTS_APDU, der, len, 0, &v, NULL) == 0) {
			char *id = p1_mtsid_format(p1_env_id(v));

			snprintf(sl->mtsid, sizeof(sl->mtsid), "%s", id);
			free(id);
			codec_free(&asn_DEF_MTS_APDU, v);
		}
	}
	sl->sent_at = now_us();
	sl->busy = 1;
	if (assoc_send(sl->a, der, len, sl) != 0) {
		fprintf(stderr, "x400send: cannot send on the association\n");
		s->failed++;
		sl->busy = 0;
		assoc_abort(sl->a);
	}
	free(der);
}

/* on_hold - --hold is over: the messages now */
static void on_hold(uv_timer_t *t)
{
	struct sender *s = t->data;
	struct slot *sl = s->held;

	s->held = NULL;
	if (sl)
		send_one(sl);
}

static void on_bind_ind(struct assoc *a, const struct assoc_bind *p,
			void *arg)
{
	(void)p;
	(void)arg;
	assoc_abort(a);
}

static void on_bound(struct assoc *a, const struct assoc_bind *peer,
		     void *arg)
{
	struct slot *sl = arg;

	if (sl->s->peer_pw && (peer->password_len != strlen(sl->s->peer_pw) ||
	    memcmp(peer->password, sl->s->peer_pw, peer->password_len))) {
		fprintf(stderr, "x400send: MTA \"%s\" gave the wrong "
			"password\n", peer->name);
		assoc_abort(a);
		return;
	}
	if (!sl->s->quiet)
		printf("bound to MTA \"%s\" at %s from %s in %.1f ms\n",
		       peer->name, assoc_peer(a), assoc_local(a),
		       (double)(now_us() - sl->opened_at) / 1000.0);
	if (sl->s->hold_ms) {	/* --hold: say nothing for a while */
		printf("holding the association silent for %.1f s\n",
		       (double)sl->s->hold_ms / 1000.0);
		fflush(stdout);
		sl->s->held = sl;
		sl->s->held_at = now_us();
		uv_timer_start(&sl->s->hold, on_hold, sl->s->hold_ms, 0);
		return;
	}
	send_one(sl);
}

static void on_apdu_ind(struct assoc *a, const unsigned char *p, size_t n,
			void *arg)
{
	(void)p;
	(void)n;
	(void)arg;
	assoc_apdu_rsp(a, ASSOC_OK);	/* not expected from a submission peer */
}

static void on_apdu_conf(struct assoc *a, void *tag, int ok, void *arg)
{
	struct slot *sl = arg;
	struct sender *s = sl->s;

	(void)a;
	(void)tag;
	sl->busy = 0;
	if (ok == ASSOC_OK) {
		s->lat[s->confirmed++] = now_us() - sl->sent_at;
		if (!s->quiet && s->total <= 20)
			printf("%s %s confirmed\n", s->spec.probe ? "probe" :
			       "message", sl->mtsid);
		send_one(sl);
	} else {
		s->failed++;
		fprintf(stderr, "x400send: a transfer was %s\n",
			ok == ASSOC_PERMANENT ? "refused for good by the MTA "
			"(RTAB permanentProblem)" : "not confirmed");
		assoc_abort(a);
	}
}

static void on_ended(struct assoc *a, enum assoc_end how, const char *why,
		     void *arg)
{
	struct slot *sl = arg;
	struct sender *s = sl->s;

	(void)a;
	if (sl->busy)
		s->failed++;
	if (s->held == sl) {
		fprintf(stderr, "x400send: the MTA ended the association "
			"after %.1f s of silence\n",
			(double)(now_us() - s->held_at) / 1e6);
		uv_timer_stop(&s->hold);
		s->held = NULL;
	}
	if (s->hold_ms && s->live == 1)
		uv_close((uv_handle_t *)&s->hold, NULL);
	if (how != ASSOC_RELEASED) {
		fprintf(stderr, "x400send: association %s: %s\n",
			assoc_end_name(how), why);
		s->broken++;
	}
	s->live--;
	free(sl);
	/* an association that died early: the rest go on the others, or a
	 * new one if none is left and messages remain, at most 3 per
	 * association asked for (a peer that refuses every connection must
	 * not keep us looping). A refused bind is the peer's answer, not an
	 * accident: asking again would only feed its back-off (issue 6). */
	if (how == ASSOC_REFUSED)
		s->refused = 1;
	if (how != ASSOC_RELEASED && s->live == 0 && s->started < s->total &&
	    s->broken < 3 * s->assocs && !s->refused && !s->hold_ms)
		start_assoc(s);
	else if (how != ASSOC_RELEASED && s->live == 0)
		s->failed += s->total - s->started, s->started = s->total;
}

static const struct assoc_cbs cbs = {
	on_bind_ind, on_bound, on_apdu_ind, on_apdu_conf, on_ended
};

static void start_assoc(struct sender *s)
{
	struct slot *sl = XNEW(struct slot);
	struct assoc *a;
	int rc;

	sl->s = s;
	sl->opened_at = now_us();
	rc = assoc_open(s->loop, &s->cfg, &cbs, sl, &a);
	if (rc != 0) {
		fprintf(stderr, "x400send: %s: %s\n", s->cfg.addr,
			uv_strerror(rc));
		exit(1);
	}
	sl->a = a;
	s->live++;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static const char synopsis[] =
"usage: x400send -a ADDR[:PORT] -n MTA [--password-file FILE] -g GDI\n"
"                -f ORIGINATOR -r RECIPIENT... [OPTIONS]\n"
"       x400send -h | --version\n";

static const char usage_text[] =
"\n"
"Submit X.400 messages (or probes) to an MTA over P1, as an originating\n"
"MTA: bind, transfer, wait for each confirmation, release. With -N and -c,\n"
"a load generator.\n"
"\n"
"The association:\n"
"  -a, --address ADDR[:PORT]  the MTA (port 102 by default; [v6]:port)\n"
"  -l, --source SRC           our source address\n"
"  -t, --tsel TSEL            the called transport selector (default x400)\n"
"  -x, --x410                 X.410-1984 mode (default: 1988 normal mode)\n"
"  -e, --edition 1988|1992    the X.411 edition of the extensions we write\n"
"  -n, --mta MTA              our MTA name in the bind\n"
"      --password-file FILE   our password: FILE's first line\n"
"  -w, --password PW          our password on the command line: deprecated,\n"
"                             ps shows it to every user of the host\n"
"      --peer-password-file FILE  the password the MTA must give back\n"
"  -W, --peer-password PW     the same on the command line (deprecated)\n"
"  -k, --checkpoint KB        RTSE checkpoint size\n"
"  -y, --window N             RTSE window\n"
"  -P, --pcap FILE            capture the association to FILE (with -c 1)\n"
"      --hold SECS            once bound, stay silent SECS before sending\n"
"                             (tests a peer's idle timer; with -c 1)\n"
"      --tls                  TLS to the MTA (one of its listen.tls_addresses)\n"
"      --tls-pin PIN          its certificate must match PIN (sha256-cert:HEX\n"
"                             or sha256-spki:HEX)\n"
"      --tls-ca FILE          or its chain must verify against FILE,\n"
"      --tls-name NAME        and name it (subjectAltName or CN)\n"
"      --tls-cert FILE        our certificate (PEM), for the MTA to pin\n"
"      --tls-key FILE         its key (PEM)\n"
"\n"
"The message:\n"
"  -g, --gdi GDI              our global domain, \"C=..;A=..;P=..\"\n"
"  -f, --from ORIGINATOR      the originator's O/R name\n"
"  -r, --to RECIPIENT         a recipient's O/R name; repeatable\n"
"  -s, --subject TEXT         the subject\n"
"  -b, --body TEXT            the body\n"
"  -B, --body-file FILE       the body from FILE\n"
"  -z, --pad BYTES            pad the body to BYTES octets\n"
"  -u, --priority PRIO        normal, urgent or non-urgent\n"
"  -R, --reports LEVEL        reports wanted: none, ndr (default) or all\n"
"  -D, --deferred SECONDS     deferred delivery, SECONDS from now\n"
"  -L, --latest SECONDS       latest delivery, SECONDS from now\n"
"  -X, --extension N[:c]      add extension N (critical with :c)\n"
"  -p, --probe                send probes instead of messages\n"
"  -A, --apdu-file FILE       send FILE's octets as the MTS-APDU, unchanged\n"
"\n"
"The run:\n"
"  -N, --count N              messages to send (default 1)\n"
"  -c, --assocs N             concurrent associations (default 1)\n"
"  -q, --quiet                print only the summary\n"
"  -h, --help                 this text\n"
"      --version              the version\n"
"\n"
"Our password, in order: --password-file (or -w), else the environment\n"
"variable X400_PASSWORD, else, when standard input is a terminal, a prompt\n"
"there (no echo; an empty answer sends none), else none.\n"
"\n"
"Exit status: 0 every message confirmed, 1 one was not (the reason is\n"
"printed), 2 usage error.\n";

static void usage(void)
{
	fputs(synopsis, stderr);
	fputs("(x400send --help for more)\n", stderr);
	exit(2);
}

/* The TLS options. */
struct tls_opts {
	int		on;
	const char	*pin, *ca, *name, *cert, *key;
};

/* tls_setup - the client context and who the MTA must be; exits 2 on a
 *	bad option or file */
static void tls_setup(const struct tls_opts *t, struct assoc_cfg *cfg,
		      struct tlsid *id)
{
	char err[400];

	if (!t->on && (t->pin || t->ca || t->name || t->cert || t->key)) {
		fprintf(stderr, "x400send: --tls-* options need --tls\n");
		exit(2);
	}
	if (!t->on)
		return;
	if ((t->cert == NULL) != (t->key == NULL) ||
	    (t->ca == NULL) != (t->name == NULL)) {
		fprintf(stderr, "x400send: --tls-cert goes with --tls-key, "
			"--tls-ca with --tls-name\n");
		exit(2);
	}
	if (t->pin && tlsid_parse_pin(t->pin, id, err, sizeof(err)) != 0) {
		fprintf(stderr, "x400send: --tls-pin: %s\n", err);
		exit(2);
	}
	if (t->ca) {
		id->ca = xstrdup(t->ca);
		id->name = xstrdup(t->name);
	}
	if (!t->pin && !t->ca)
		fprintf(stderr, "x400send: warning: neither --tls-pin nor "
			"--tls-ca: the MTA's certificate is not checked\n");
	if (conn_tls_ctx_new(0, t->cert, t->key, NULL, &cfg->tls, err,
			     sizeof(err)) != 0) {
		fprintf(stderr, "x400send: TLS: %s\n", err);
		exit(2);
	}
	cfg->tls_id = id;
}

/* password_file - FILE's first line into pw; exits 2 when it cannot */
static void password_file(const char *opt, const char *path, char *pw,
			  size_t len)
{
	int rc = pwread_file(path, pw, len);

	if (rc < 0) {
		fprintf(stderr, "x400send: %s %s: %s\n", opt, path,
			pwread_strerror(rc));
		exit(2);
	}
}

/* our_password - where the bind's password comes from, in order: the
 *	command line (-w, --password-file), $X400_PASSWORD, a prompt when
 *	standard input is a terminal; none otherwise. Too long a password
 *	is a usage error, not a silent truncation. */
static void our_password(struct assoc_bind *ours, const char *pw,
			 const char *file)
{
	char buf[1024];
	size_t n;
	int rc;

	if (file) {
		password_file("--password-file", file, buf, sizeof(buf));
		pw = buf;
	}
	if (pw == NULL)
		pw = getenv("X400_PASSWORD");
	if (pw == NULL && isatty(STDIN_FILENO)) {
		char prompt[sizeof(ours->name) + 40];

		snprintf(prompt, sizeof(prompt), "Password for MTA \"%s\": ",
			 ours->name);
		if ((rc = pwread_tty(prompt, buf, sizeof(buf))) < 0) {
			fprintf(stderr, "x400send: cannot read the password "
				"from the terminal: %s\n", pwread_strerror(rc));
			exit(2);
		}
		pw = buf;
	}
	if (pw == NULL)
		return;
	if ((n = strlen(pw)) > ASSOC_PW_MAX) {
		fprintf(stderr, "x400send: the password is longer than %d "
			"octets (ub-password-length, X.411)\n", ASSOC_PW_MAX);
		pwread_wipe(buf, sizeof(buf));
		exit(2);
	}
	memcpy(ours->password, pw, n);
	ours->password_len = n;
	pwread_wipe(buf, sizeof(buf));
}

/* split_addr - "a.b.c.d:p", "[v6]:p" or a bare address */
static void split_addr(char *arg, const char **addr, unsigned *port)
{
	char *c;

	*port = 102;
	if (arg[0] == '[') {
		*addr = arg + 1;
		if ((c = strchr(arg, ']')) == NULL)
			usage();
		*c = 0;
		if (c[1] == ':')
			*port = (unsigned)atoi(c + 2);
		return;
	}
	*addr = arg;
	if ((c = strrchr(arg, ':')) != NULL && strchr(arg, ':') == c) {
		*c = 0;
		*port = (unsigned)atoi(c + 1);
	}
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *b;
	long n;

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	b = xmalloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, fp) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(fp);
	b[n] = 0;
	*len = (size_t)n;
	return b;
}

int main(int argc, char **argv)
{
	struct sender s;
	const char **rcpts = NULL;
	size_t nr = 0;
	char *addrarg = NULL, *body_file = NULL, *raw_file = NULL;
	const char *tsel = "x400";
	const char *pw = NULL, *pw_file = NULL, *peer_pw_file = NULL;
	static char peer_pw[PW_BUF];
	enum { O_VERSION = 256, O_PW_FILE, O_PEER_PW_FILE, O_HOLD, O_TLS,
	       O_TLS_PIN, O_TLS_CA, O_TLS_NAME, O_TLS_CERT, O_TLS_KEY };
	struct tls_opts tls = { 0, NULL, NULL, NULL, NULL, NULL };
	static struct tlsid tls_id = TLSID_INIT;
	static const struct option lo[] = {
		{ "address", 1, NULL, 'a' }, { "source", 1, NULL, 'l' },
		{ "tsel", 1, NULL, 't' }, { "x410", 0, NULL, 'x' },
		{ "edition", 1, NULL, 'e' }, { "mta", 1, NULL, 'n' },
		{ "password", 1, NULL, 'w' },
		{ "password-file", 1, NULL, O_PW_FILE },
		{ "peer-password", 1, NULL, 'W' },
		{ "peer-password-file", 1, NULL, O_PEER_PW_FILE },
		{ "gdi", 1, NULL, 'g' }, { "from", 1, NULL, 'f' },
		{ "to", 1, NULL, 'r' }, { "subject", 1, NULL, 's' },
		{ "body", 1, NULL, 'b' }, { "body-file", 1, NULL, 'B' },
		{ "pad", 1, NULL, 'z' }, { "priority", 1, NULL, 'u' },
		{ "reports", 1, NULL, 'R' }, { "deferred", 1, NULL, 'D' },
		{ "latest", 1, NULL, 'L' }, { "extension", 1, NULL, 'X' },
		{ "probe", 0, NULL, 'p' }, { "apdu-file", 1, NULL, 'A' },
		{ "count", 1, NULL, 'N' }, { "assocs", 1, NULL, 'c' },
		{ "checkpoint", 1, NULL, 'k' }, { "window", 1, NULL, 'y' },
		{ "quiet", 0, NULL, 'q' }, { "pcap", 1, NULL, 'P' },
		{ "help", 0, NULL, 'h' }, { "version", 0, NULL, O_VERSION },
		{ "hold", 1, NULL, O_HOLD }, { "tls", 0, NULL, O_TLS },
		{ "tls-pin", 1, NULL, O_TLS_PIN },
		{ "tls-ca", 1, NULL, O_TLS_CA },
		{ "tls-name", 1, NULL, O_TLS_NAME },
		{ "tls-cert", 1, NULL, O_TLS_CERT },
		{ "tls-key", 1, NULL, O_TLS_KEY },
		{ NULL, 0, NULL, 0 }
	};
	uv_loop_t loop;
	uint64_t t1;
	double secs;
	int c, i;

	memset(&s, 0, sizeof(s));
	s.total = 1;
	s.assocs = 1;
	s.spec.report = P1_REP_NDR;
	s.cfg.osi.role = RTSE_INITIATOR;
	s.cfg.osi.rtse.mode = RTSE_NORMAL;
	s.cfg.osi.rtse.max_apdu = 64u << 20;
	while ((c = getopt_long(argc, argv, "a:l:t:xe:n:w:W:g:f:r:s:b:B:z:u:"
				"R:D:L:X:pA:N:c:k:y:qP:h", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(synopsis, stdout);
			fputs(usage_text, stdout);
			return 0;
		case O_VERSION:
			printf("x400send %s\n", X400_VERSION);
			return 0;
		case 'a': addrarg = optarg; break;
		case 'l': s.cfg.src = optarg; s.cfg.enforce = 1; break;
		case 't': tsel = optarg; break;
		case 'x':
			s.cfg.osi.rtse.mode = RTSE_X410;
			s.cfg.bind_bare = 1;	/* as X.410-1984 MTAs send it */
			break;
		case 'e':
			if (p1_edition_parse(optarg, &s.spec.edition) != 0) {
				fprintf(stderr, "x400send: -e takes 1988 or "
					"1992, not \"%s\"\n", optarg);
				return 2;
			}
			break;
		case 'n':
			snprintf(s.cfg.ours.name, sizeof(s.cfg.ours.name),
				 "%s", optarg);
			s.spec.mta = optarg;
			break;
		case 'w': pw = optarg; break;
		case O_PW_FILE: pw_file = optarg; break;
		case 'W': s.peer_pw = optarg; break;
		case O_PEER_PW_FILE: peer_pw_file = optarg; break;
		case 'g': s.spec.gdi = optarg; break;
		case 'f': s.spec.originator = optarg; break;
		case 'r':
			rcpts = xrealloc(rcpts, (nr + 1) * sizeof(*rcpts));
			rcpts[nr++] = optarg;
			break;
		case 's': s.spec.subject = optarg; break;
		case 'b': s.spec.body = optarg; break;
		case 'B': body_file = optarg; break;
		case 'z': s.spec.pad_to = (size_t)atol(optarg); break;
		case 'u':
			s.spec.priority = strcmp(optarg, "urgent") == 0 ? 2 :
			    strcmp(optarg, "non-urgent") == 0 ? 1 : 0;
			break;
		case 'R':
			s.spec.report = strcmp(optarg, "none") == 0 ?
			    P1_REP_NONE : strcmp(optarg, "all") == 0 ?
			    P1_REP_ALL : P1_REP_NDR;
			break;
		case 'D': s.spec.deferred = time(NULL) + atol(optarg); break;
		case 'L': s.spec.latest = time(NULL) + atol(optarg); break;
		case 'X':
			s.spec.ext_number = atol(optarg);
			s.spec.ext_crit = strstr(optarg, ":c") ?
			    P1_CRIT_TRANSFER | P1_CRIT_DELIVERY : 0;
			break;
		case 'p': s.spec.probe = 1; break;
		case 'A': raw_file = optarg; break;
		case 'N': s.total = atol(optarg); break;
		case 'c': s.assocs = atoi(optarg); break;
		case 'k': s.cfg.osi.rtse.checkpoint = (unsigned)atoi(optarg);
			break;
		case 'y': s.cfg.osi.rtse.window = (unsigned)atoi(optarg);
			break;
		case 'q': s.quiet = 1; break;
		case 'P': s.cfg.pcap = optarg; break;
		case O_HOLD: s.hold_ms = (uint64_t)(atof(optarg) * 1000);
			break;
		case O_TLS: tls.on = 1; break;
		case O_TLS_PIN: tls.pin = optarg; break;
		case O_TLS_CA: tls.ca = optarg; break;
		case O_TLS_NAME: tls.name = optarg; break;
		case O_TLS_CERT: tls.cert = optarg; break;
		case O_TLS_KEY: tls.key = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || addrarg == NULL || !s.cfg.ours.name[0] ||
	    s.spec.gdi == NULL || s.spec.originator == NULL || nr == 0 ||
	    s.total < 1 || s.assocs < 1 || (s.hold_ms && s.assocs != 1))
		usage();
	if ((pw && pw_file) || (s.peer_pw && peer_pw_file)) {
		fprintf(stderr, "x400send: a password on the command line "
			"and from a file: one or the other\n");
		usage();
	}
	our_password(&s.cfg.ours, pw, pw_file);
	tls_setup(&tls, &s.cfg, &tls_id);
	if (peer_pw_file) {
		password_file("--peer-password-file", peer_pw_file, peer_pw,
			      sizeof(peer_pw));
		s.peer_pw = peer_pw;
	}
	if (body_file)
		s.spec.body = slurp(body_file, &s.spec.body_len);
	if (raw_file)
		s.raw = (unsigned char *)slurp(raw_file, &s.raw_len);
	s.spec.recipients = rcpts;
	s.spec.nrecipients = nr;
	split_addr(addrarg, &s.cfg.addr, &s.cfg.port);
	s.cfg.osi.called_tsel.len = strlen(tsel);
	memcpy(s.cfg.osi.called_tsel.sel, tsel, s.cfg.osi.called_tsel.len);
	s.cfg.link = "x400send";
	s.lat = xcalloc((size_t)s.total, sizeof(*s.lat));
	/* MTS identifiers must differ between runs in the same second */
	s.seq = ((uint64_t)getpid() << 24) ^ (uv_hrtime() / 1000 % 1000000);
	log_open(NULL, LOG_WARNING);
	log_quiet(1);		/* failures are printed below, plainly */
	uv_loop_init(&loop);
	s.loop = &loop;
	uv_timer_init(&loop, &s.hold);
	s.hold.data = &s;
	if (!s.hold_ms)
		uv_close((uv_handle_t *)&s.hold, NULL);
	s.t0 = now_us();
	for (i = 0; i < s.assocs && i < s.total; i++)
		start_assoc(&s);
	uv_run(&loop, UV_RUN_DEFAULT);
	t1 = now_us();
	uv_loop_close(&loop);
	secs = (double)(t1 - s.t0) / 1e6;
	qsort(s.lat, (size_t)s.confirmed, sizeof(*s.lat), cmp_u64);
	printf("%ld sent, %ld confirmed, %ld failed in %.3f s: %.1f msg/s, "
	       "latency p50 %.2f ms p99 %.2f ms\n", s.started, s.confirmed,
	       s.failed, secs, secs > 0 ? (double)s.confirmed / secs : 0.0,
	       s.confirmed ? (double)s.lat[s.confirmed / 2] / 1000.0 : 0.0,
	       s.confirmed ? (double)s.lat[(s.confirmed * 99) / 100 -
		   (s.confirmed >= 100 ? 0 : 0)] / 1000.0 : 0.0);
	free(s.lat);
	free(rcpts);
	conn_tls_ctx_free(s.cfg.tls);
	tlsid_free(&tls_id);
	if (body_file)
		free((char *)s.spec.body);
	free((void *)s.raw);
	return s.confirmed == s.total && s.failed == 0 ? 0 : 1;
}
