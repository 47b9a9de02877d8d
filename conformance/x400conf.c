/*
 * x400conf - a conformance test suite for any P1 MTA
 *
 * SYNOPSIS
 *	x400conf [-c FILE] [-o KEY=VALUE]... [-a HOST:PORT] [-m MODE]
 *		 [-e EDITION] [-O DIR] [-j FILE] [-t ID]... [-x ID]... [-v]
 *	x400conf -l | -L | -K | -h | --version
 *
 * DESCRIPTION
 *	Tests a P1 MTA (ITU-T X.411 over RFC 1006; the target) given its
 *	address, selectors, mode, MTA names and passwords, case by case
 *	(docs/conformance.md lists them): transport and session,
 *	association, bind, transfer, trace and loops, extensions, upper
 *	bounds and robustness. x400conf calls the target as an MTA and also
 *	receives what the target relays: the target must route us.domain
 *	(x400conf's domain) to us.listen.
 *
 *	-c FILE		settings (libconfig: groups target, us, suite)
 *	-o KEY=VALUE	one setting (x400conf -K lists them); wins over
 *			the file
 *	-a HOST:PORT	target.address
 *	-m MODE		target.mode: normal or x410
 *	-e EDITION	target.edition: 1988 or 1992, the X.411 edition the
 *			target reads (the form of every extension type sent)
 *	-O DIR		suite.out_dir: ID.pcap and ID.txt for each case
 *	-j FILE		JUnit XML results
 *	-t ID		run only the cases matching ID (a glob, or a group
 *			name); repeatable
 *	-x ID		skip the cases matching ID; repeatable
 *	-v		name each case as it starts (-vv: every note and
 *			stack event too)
 *	-l		list the cases; -L as a Markdown table (the
 *			documentation's); -K list the settings
 *	-h		the usage (--help); --version the version
 *
 *	Long names: --config, --set, --address, --mode, --edition,
 *	--out-dir, --junit, --only, --skip, --verbose, --list,
 *	--list-markdown, --list-keys.
 *
 *	The output is one line per case (PASS, FAIL or INCON for
 *	inconclusive, with the reason), a summary, and the PICS table of
 *	what the target showed it supports.
 *
 * DIAGNOSTICS
 *	Exit status 0 when no case failed (inconclusive ones do not count),
 *	1 when one did, 2 on a usage or settings error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "xalloc.h"
#include "xc.h"
#include "xc_cfg.h"
#include "xc_out.h"
#include "x400_version.h"

static const char synopsis[] =
"usage: x400conf [-c FILE] [-o KEY=VALUE]... [-a HOST:PORT] [-m normal|x410]\n"
"                [-e 1988|1992] [-O DIR] [-j FILE] [-t ID]... [-x ID]... [-v]\n"
"       x400conf -l | -L | -K | -h | --version\n";

static const char usage_text[] =
"\n"
"Test a P1 MTA (the target) case by case: transport and session,\n"
"association, bind, transfer, trace and loops, extensions, upper bounds\n"
"and robustness. One line per case (PASS, FAIL or INCON), a summary and\n"
"the PICS table. The target must route x400conf's domain (us.domain) back\n"
"to us.listen.\n"
"\n"
"  -c, --config FILE       settings (libconfig: groups target, us, suite)\n"
"  -o, --set KEY=VALUE     one setting (-K lists them); wins over the file\n"
"  -a, --address HOST:PORT target.address\n"
"  -m, --mode MODE         target.mode: normal or x410\n"
"  -e, --edition EDITION   target.edition: 1988 or 1992\n"
"  -O, --out-dir DIR       suite.out_dir: ID.pcap and ID.txt per case\n"
"  -j, --junit FILE        JUnit XML results\n"
"  -t, --only ID           run only the cases matching ID (a glob or a\n"
"                          group name); repeatable\n"
"  -x, --skip ID           skip the cases matching ID; repeatable\n"
"  -v, --verbose           name each case as it starts (-vv: every note)\n"
"  -l, --list              list the cases\n"
"  -L, --list-markdown     list the cases as a Markdown table\n"
"  -K, --list-keys         list the settings\n"
"  -h, --help              this text\n"
"      --version           the version\n"
"\n"
"Exit status: 0 no case failed (inconclusive ones do not count), 1 a case\n"
"failed, 2 usage or settings error.\n";

static void usage(void)
{
	fputs(synopsis, stderr);
	fputs("(x400conf --help for more)\n", stderr);
	exit(2);
}

static void list_keys(void)
{
	const char *k, *m;
	size_t i;

	for (i = 0; (k = xc_cfg_each_key(i, &m)) != NULL; i++)
		printf("%-24s %s\n", k, m);
}

int main(int argc, char **argv)
{
	struct xc_cfg cfg;
	struct xc x;
	uv_loop_t loop;
	char err[600];
	const char *file = NULL;
	char *kv[64];
	size_t nkv = 0, i;
	size_t failed = 0;
	static const struct option lo[] = {
		{ "config", 1, NULL, 'c' }, { "set", 1, NULL, 'o' },
		{ "address", 1, NULL, 'a' }, { "mode", 1, NULL, 'm' },
		{ "edition", 1, NULL, 'e' }, { "out-dir", 1, NULL, 'O' },
		{ "junit", 1, NULL, 'j' }, { "only", 1, NULL, 't' },
		{ "skip", 1, NULL, 'x' }, { "verbose", 0, NULL, 'v' },
		{ "list", 0, NULL, 'l' }, { "list-markdown", 0, NULL, 'L' },
		{ "list-keys", 0, NULL, 'K' }, { "help", 0, NULL, 'h' },
		{ "version", 0, NULL, 'V' }, { NULL, 0, NULL, 0 }
	};
	int c, list = 0;

	xc_cfg_defaults(&cfg);
	while ((c = getopt_long(argc, argv, "c:o:a:m:e:O:j:t:x:vlLKh", lo,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(synopsis, stdout);
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("x400conf %s\n", X400_VERSION);
			return 0;
		case 'c': file = optarg; break;
		case 'o':
		case 'a':
		case 'm':
		case 'e':
		case 'O':
			if (nkv == sizeof(kv) / sizeof(kv[0]))
				usage();
			if (c == 'o') {
				kv[nkv++] = xstrdup(optarg);
			} else {
				size_t n = strlen(optarg) + 32;

				kv[nkv] = xmalloc(n);
				snprintf(kv[nkv++], n, "%s=%s", c == 'a' ?
					 "target.address" : c == 'm' ?
					 "target.mode" : c == 'e' ?
					 "target.edition" : "suite.out_dir",
					 optarg);
			}
			break;
		case 'j': cfg.junit = optarg; break;
		case 't':
			if (cfg.nonly == 16)
				usage();
			cfg.only[cfg.nonly++] = optarg;
			break;
		case 'x':
			if (cfg.nskip == 16)
				usage();
			cfg.skip[cfg.nskip++] = optarg;
			break;
		case 'v': cfg.verbose++; break;
		case 'l': list = 1; break;
		case 'L': list = 2; break;
		case 'K': list = 3; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (list) {
		if (list == 3)
			list_keys();
		else
			xc_out_cases(stdout, list == 2);
		return 0;
	}
	if (file && xc_cfg_load(&cfg, file, err, sizeof(err)) != 0) {
		fprintf(stderr, "x400conf: %s\n", err);
		return 2;
	}
	for (i = 0; i < nkv; i++) {
		char *eq = strchr(kv[i], '=');

		if (eq == NULL) {
			fprintf(stderr, "x400conf: -o %s: KEY=VALUE\n", kv[i]);
			return 2;
		}
		*eq = 0;
		if (xc_cfg_set(&cfg, kv[i], eq + 1, err, sizeof(err)) != 0) {
			fprintf(stderr, "x400conf: %s\n", err);
			return 2;
		}
	}
	if (xc_cfg_check(&cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "x400conf: %s\n", err);
		for (i = 0; i < nkv; i++)
			free(kv[i]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	uv_loop_init(&loop);
	xc_init(&x, &loop, &cfg);
	if (xc_run_all(&x) != 0) {
		xc_free(&x);
		uv_loop_close(&loop);
		return 2;
	}
	xc_out_summary(&x, stdout);
	if (cfg.junit && xc_out_junit(&x, cfg.junit) != 0)
		fprintf(stderr, "x400conf: cannot write %s\n", cfg.junit);
	for (i = 0; i < x.nresults; i++)
		failed += x.results[i].v == XC_FAIL;
	xc_free(&x);
	uv_loop_close(&loop);
	for (i = 0; i < nkv; i++)
		free(kv[i]);
	return failed ? 1 : 0;
}
