/*
 * x400sink - a P1 sink MTA for benchmarks: binds anyone, confirms every
 *	      transfer at once, keeps nothing
 *
 * SYNOPSIS
 *	x400sink [-a ADDR] [-P PORT] [-n MTA] [-w PASSWORD] [-M COUNT] [-d]
 *		 [-r temporary|permanent]
 *
 * DESCRIPTION
 *	The X.400 counterpart of Postfix's smtp-sink: it listens on ADDR
 *	(default 127.0.0.1) at PORT (default 0: the system chooses; the
 *	port is printed on the first line of stdout), accepts every MTA
 *	bind with its own name (-n, default "sink") and password (-w,
 *	default "sink"), and answers each MTS-APDU with a transfer
 *	confirmation as soon as RTSE has all of it. Nothing is stored: the
 *	relay in front of it is what is measured.
 *
 *	-d	decode each MTS-APDU (BER) before confirming it, and count
 *		those that do not decode; off by default, like smtp-sink,
 *		which does not parse what it receives either
 *	-r HOW	refuse every transfer instead, as smtp-sink can reject:
 *		RTSE abort temporaryProblem (the sender should try again)
 *		or permanentProblem (it should give up and report), X.228
 *		AbortReason; a test peer for how a sender takes refusals
 *	-M COUNT  after COUNT transfers, print "sink: COUNT received, last
 *		at T" (T: CLOCK_REALTIME in seconds, nanosecond digits) and
 *		exit; without -M it runs until SIGTERM or SIGINT and then
 *		prints the same line
 *
 * DIAGNOSTICS
 *	Exit status 0; 1 if it cannot listen, or with -d if an APDU did
 *	not decode; 2 on a usage error.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "assoc.h"
#include "codec.h"
#include "log.h"
#include "xalloc.h"

#include "MTS-APDU.h"

static struct {
	uv_loop_t	*loop;
	struct conn_listener *l;
	struct assoc_bind ours;
	long		want, got, bad;
	int		decode;
	int		answer;		/* ASSOC_OK, or -r's refusal */
	struct timespec	last;
} sink;

/* report - the one line the benchmark driver reads, then exit */
static void report(void)
{
	printf("sink: %ld received, last at %lld.%09ld\n", sink.got,
	       (long long)sink.last.tv_sec, sink.last.tv_nsec);
	fflush(stdout);
	_exit(sink.bad ? 1 : 0);
}

static void on_bind_ind(struct assoc *a, const struct assoc_bind *p,
			void *arg)
{
	(void)p;
	(void)arg;
	assoc_bind_rsp(a, 1, 0, &sink.ours);
}

static void on_bound(struct assoc *a, const struct assoc_bind *p, void *arg)
{
	(void)a;
	(void)p;
	(void)arg;
}

/* on_apdu_ind - one whole MTS-APDU: confirm it */
static void on_apdu_ind(struct assoc *a, const unsigned char *p, size_t n,
			void *arg)
{
	(void)arg;
	if (sink.decode) {
		MTS_APDU_t *m = NULL;

		if (codec_decode(&asn_DEF_MTS_APDU, p, n, 0, (void **)&m,
				 NULL) != 0)
			sink.bad++;
		codec_free(&asn_DEF_MTS_APDU, m);
	}
	assoc_apdu_rsp(a, sink.answer);
	sink.got++;
	clock_gettime(CLOCK_REALTIME, &sink.last);
	if (sink.want > 0 && sink.got >= sink.want)
		report();
}

static void on_apdu_conf(struct assoc *a, void *tag, int ok, void *arg)
{
	(void)a;
	(void)tag;
	(void)ok;
	(void)arg;
}

static void on_ended(struct assoc *a, enum assoc_end how, const char *why,
		     void *arg)
{
	(void)a;
	(void)how;
	(void)why;
	(void)arg;
}

static const struct assoc_cbs cbs = {
	on_bind_ind, on_bound, on_apdu_ind, on_apdu_conf, on_ended
};

/* on_accept - every caller is welcome */
static void on_accept(struct conn *c, void *arg)
{
	struct assoc_cfg ac;

	(void)arg;
	memset(&ac, 0, sizeof(ac));
	ac.osi.role = RTSE_RESPONDER;
	ac.osi.rtse.any_mode = 1;
	ac.osi.rtse.checkpoint = 64;
	ac.osi.rtse.window = 8;
	ac.osi.rtse.recovery = 1;
	ac.osi.rtse.max_apdu = 64u << 20;
	ac.open_ms = 60000;
	assoc_accept(c, &ac, &cbs, NULL);
}

static void on_signal(uv_signal_t *h, int signum)
{
	(void)h;
	(void)signum;
	report();
}

static void usage(void)
{
	fprintf(stderr, "usage: x400sink [-a ADDR] [-P PORT] [-n MTA] "
		"[-w PASSWORD] [-M COUNT] [-d] [-r temporary|permanent]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *name = "sink", *pw = "sink";
	unsigned port = 0;
	uv_signal_t sterm, sint;
	uv_loop_t loop;
	int c;

	sink.answer = ASSOC_OK;
	while ((c = getopt(argc, argv, "a:P:n:w:M:dr:")) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'P': port = (unsigned)atoi(optarg); break;
		case 'n': name = optarg; break;
		case 'w': pw = optarg; break;
		case 'M': sink.want = atol(optarg); break;
		case 'd': sink.decode = 1; break;
		case 'r':
			if (strcmp(optarg, "temporary") == 0)
				sink.answer = ASSOC_TEMPORARY;
			else if (strcmp(optarg, "permanent") == 0)
				sink.answer = ASSOC_PERMANENT;
			else
				usage();
			break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	snprintf(sink.ours.name, sizeof(sink.ours.name), "%s", name);
	sink.ours.password_len = strlen(pw) > ASSOC_PW_MAX ? ASSOC_PW_MAX :
	    strlen(pw);
	memcpy(sink.ours.password, pw, sink.ours.password_len);
	signal(SIGPIPE, SIG_IGN);
	log_open(NULL, LOG_ERR);
	uv_loop_init(&loop);
	sink.loop = &loop;
	if (conn_listen(&loop, &addr, 1, port, on_accept, NULL, &sink.l)) {
		fprintf(stderr, "x400sink: cannot listen on %s port %u\n",
			addr, port);
		return 1;
	}
	printf("%u\n", conn_listener_port(sink.l, 0));
	fflush(stdout);
	uv_signal_init(&loop, &sterm);
	uv_signal_init(&loop, &sint);
	uv_signal_start(&sterm, on_signal, SIGTERM);
	uv_signal_start(&sint, on_signal, SIGINT);
	uv_run(&loop, UV_RUN_DEFAULT);
	return 0;
}
