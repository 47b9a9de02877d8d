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
 *	-l SRC[,SRC...]	our source address; with several, the associations
 *			take them in turn (a load spread over addresses)
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
 *	--bind-first	send no message before every association is bound;
 *			the rate printed counts from then
 *	--rate R	an open loop: R messages a second in all, due at an
 *			even pace after the binds, each on a free
 *			association; latency counts from when each was
 *			due (x400send.h)
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
#include <sys/resource.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "assoc.h"
#include "log.h"
#include "p1_ext.h"
#include "p1_msg.h"
#include "pwread.h"
#include "tlsid.h"
#include "x400send.h"
#include "xalloc.h"
#include "x400_version.h"

#define PW_BUF	(ASSOC_PW_MAX + 2)	/* a password, its end, a spare */

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
"  -l, --source SRC[,SRC...]  our source address; several: the\n"
"                             associations take them in turn\n"
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
"      --bind-first           no message before every association is bound\n"
"                             (the rate printed counts from then)\n"
"      --rate R               R messages a second in all, at an even pace\n"
"                             after the binds, whether or not the MTA keeps\n"
"                             up; latency counts from when each was due\n"
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

/* fd_room - a descriptor for each association: the soft limit raised
 *	(up to the hard one) when -c asks for more than it allows */
static void fd_room(int assocs)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)assocs + 32;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY
	    || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ?
		      rl.rlim_max : want;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

/* sources - -l A[,B...]: the associations' source addresses, in turn */
static void sources(struct sender *s, char *arg)
{
	char *p;

	free(s->srcs);
	s->srcs = NULL;
	s->nsrc = 0;
	for (p = strtok(arg, ","); p; p = strtok(NULL, ",")) {
		s->srcs = xrealloc(s->srcs, (size_t)(s->nsrc + 1) *
				   sizeof(*s->srcs));
		s->srcs[s->nsrc++] = p;
	}
	if (s->nsrc == 0)
		usage();
	s->cfg.src = s->srcs[0];
	s->cfg.enforce = 1;
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
	       O_TLS_PIN, O_TLS_CA, O_TLS_NAME, O_TLS_CERT, O_TLS_KEY,
	       O_RATE, O_BIND_FIRST };
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
		{ "rate", 1, NULL, O_RATE },
		{ "bind-first", 0, NULL, O_BIND_FIRST },
		{ "tls-pin", 1, NULL, O_TLS_PIN },
		{ "tls-ca", 1, NULL, O_TLS_CA },
		{ "tls-name", 1, NULL, O_TLS_NAME },
		{ "tls-cert", 1, NULL, O_TLS_CERT },
		{ "tls-key", 1, NULL, O_TLS_KEY },
		{ NULL, 0, NULL, 0 }
	};
	uv_loop_t loop;
	int c, rc;

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
		case 'l': sources(&s, optarg); break;
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
		case O_RATE: s.rate = atof(optarg); break;
		case O_BIND_FIRST: s.bind_first = 1; break;
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
	    s.total < 1 || s.assocs < 1 || s.rate < 0 ||
	    (s.hold_ms && (s.assocs != 1 || s.rate > 0 || s.bind_first)))
		usage();
	if ((pw && pw_file) || (s.peer_pw && peer_pw_file)) {
		fprintf(stderr, "x400send: a password on the command line "
			"and from a file: one or the other\n");
		usage();
	}
	our_password(&s.cfg.ours, pw, pw_file);
	tls_setup(&tls, &s.cfg, &tls_id);
	fd_room(s.assocs);
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
	/* MTS identifiers must differ between runs in the same second */
	s.seq = ((uint64_t)getpid() << 24) ^ (uv_hrtime() / 1000 % 1000000);
	log_open(NULL, LOG_WARNING);
	log_quiet(1);		/* failures are printed below, plainly */
	uv_loop_init(&loop);
	s.loop = &loop;
	rc = xs_run(&s);
	uv_loop_close(&loop);
	free(rcpts);
	conn_tls_ctx_free(s.cfg.tls);
	tlsid_free(&tls_id);
	if (body_file)
		free((char *)s.spec.body);
	free((void *)s.raw);
	free(s.srcs);
	return rc;
}
