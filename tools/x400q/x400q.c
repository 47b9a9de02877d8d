/*
 * x400q - look into the message queue and steer it
 *
 * SYNOPSIS
 *	x400q [-c FILE] [-d DIR] [-j] COMMAND [ARGUMENTS]
 *
 * DESCRIPTION
 *	The operator's view of x400d's queue (store/q.h), like Exchange's
 *	queue viewer and mtacheck, or PP's mtaconsole. The reading commands
 *	(list, show, stats, journal, check) open the store read-only and
 *	read short snapshots, so they run while the daemon writes; the
 *	mutating ones (hold, release, delete, retry, reroute, check
 *	--repair) open it for writing and apply each change in a short
 *	transaction of their own, which LMDB serialises with the daemon's.
 *	Human tables by default; -j (--json) prints one JSON document for
 *	scripts; -h (--help) prints the usage, --version the version.
 *	The manual is usage_text below and docs/store.md. The
 *	commands live one group to a file beside this one (x400q.h).
 *	x400q reads x400d's configuration (-c) to check a reroute and, when
 *	-c is given, to find the queue; it never takes x400d's lock.
 *	Every change's journal entry names the Unix user who made it, and
 *	x400d logs it from there (event 5008 operator-action).
 *
 * DIAGNOSTICS
 *	Exit status 0 on success, 1 when the command failed (no such
 *	message, a state that does not allow it, an inconsistent store),
 *	2 on a usage error.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "log.h"
#include "x400q.h"
#include "x400_version.h"

#define X400Q_DEFAULT_DIR	"/var/spool/x400/queue"
#define X400Q_DEFAULT_CONFIG	"/etc/x400/x400d.conf"	/* x400d's */

#define SYNOPSIS "usage: x400q [-c FILE] [-d DIR] [-j] COMMAND [ARGUMENTS]\n"

static const char usage_text[] =
SYNOPSIS
"\n"
"Look into x400d's message queue, and steer it, while the daemon runs.\n"
"\n"
"Global options:\n"
"  -c, --config FILE x400d's configuration (default: $X400_CONFIG, else\n"
"                    " X400Q_DEFAULT_CONFIG "): its links and routes\n"
"                    check a reroute; given, its queue_dir is the queue\n"
"  -d, --dir DIR     the queue (default: -c's queue_dir, else $X400_QUEUE,\n"
"                    else " X400Q_DEFAULT_DIR ")\n"
"  -j, --json        one JSON document on standard output, for scripts\n"
"                    (also taken after the command)\n"
"  -h, --help        this text\n"
"      --version     the version\n"
"\n"
"Reading commands (the queue is opened read-only):\n"
"  list [FILTERS]    one line per message, oldest id first\n"
"      -l, --link LINK        a recipient on LINK (\"local\": local delivery)\n"
"      -s, --state STATE      a recipient in STATE: pending, transfer,\n"
"                             delivered, failed, report, done\n"
"      -p, --priority PRIO    urgent, normal or non-urgent\n"
"      -k, --kind KIND        message, probe or report\n"
"      -o, --older-than AGE   arrived at least AGE ago (AGE: 90, 90s, 15m,\n"
"                             2h, 3d, 1w)\n"
"      -n, --newer-than AGE   arrived less than AGE ago\n"
"      -f, --from GLOB        originator O/R address matches GLOB\n"
"      -t, --to GLOB          a recipient's O/R address matches GLOB\n"
"      -H, --held             held (the message or one of its recipients)\n"
"      -m, --max N            at most N messages\n"
"    Recipient filters (-l, -s, -t) must hold for the same recipient;\n"
"    globs are shell patterns (*, ?, [...]), letters' case ignored.\n"
"  show ID [--raw]   the envelope decoded, with its trace and internal\n"
"                    trace, each recipient's state, and the message's\n"
"                    history from the journal; --raw writes the stored\n"
"                    MTS-APDU (BER) to standard output instead\n"
"  stats             messages, recipients and octets per link and state,\n"
"                    held links, an age histogram, the oldest message\n"
"  shape [-D]        recipients waiting, per link (-D: per domain) and\n"
"                    by the message's age, 5m to 1280m+ (like qshape)\n"
"  journal [ID] [-m N]  the journal (of message ID), the last N entries\n"
"  check             verify every record, index and counter (like\n"
"                    mtacheck); exit status 1 if anything is wrong\n"
"\n"
"Commands that change the queue:\n"
"  ID... below: one id or several; - reads ids from standard input, one\n"
"  per line (its first word), e.g. from x400q -j list | jq '.[].id';\n"
"  -r IDX (recipients) goes with one id only. Each id is done on its own:\n"
"  exit status 1 if any failed.\n"
"  hold ID... [-r IDX]...  hold messages (or some recipients of one):\n"
"                          the daemon does not send them until released\n"
"  hold -l LINK            hold everything queued on a link\n"
"  release ID... [-r IDX]... | release -l LINK\n"
"  delete ID... [--ndr] [-m TEXT]\n"
"                          remove a message; with --ndr, instead mark its\n"
"                          pending recipients failed (unable-to-transfer)\n"
"                          with a report owed: the daemon then sends the\n"
"                          originator a non-delivery report and removes\n"
"                          the message. A report is never reported on.\n"
"  retry ID... [-r IDX]... | retry -l LINK\n"
"                          make pending recipients due now; a running x400d\n"
"                          does it and connects at once (without one, the\n"
"                          queue alone is changed, with a note on stderr)\n"
"  reroute ID LINK [-r IDX]...\n"
"                          move pending recipients to another link, due now:\n"
"                          a link of the configuration that can send, or\n"
"                          \"local\" for recipients our routing delivers\n"
"                          here; anything else is refused. No report is made.\n"
"  Each change's journal entry names the Unix user who made it; x400d\n"
"  logs it (event 5008 operator-action).\n"
"  check --repair          fix what can be fixed, saying what was done\n"
"\n"
"Asking the running x400d (its socket DIR/x400d.ctl; exit status 1 and\n"
"\"x400d is not running\" without it):\n"
"  links             every link: direction, state (up, down, idle, held),\n"
"                    associations in and out, messages and octets\n"
"                    waiting, the oldest, the next attempt, the last\n"
"                    error with its event\n"
"  ping [-t SECS] LINK\n"
"                    open an association on LINK as x400d would, bind,\n"
"                    release: the bind's outcome and the time of each\n"
"                    step; exit status 1 unless the bind was accepted\n"
"  status            x400d's pid, uptime, message and association counters\n"
"  watch [-i SECS] [-n FRAMES]\n"
"                    status and links every SECS (2), until interrupted\n"
"                    or FRAMES are shown (like smtpctl monitor)\n"
"  ctl [REQUEST]     send REQUEST (else standard input) as it is, print\n"
"                    each JSON reply line (the protocol: docs/store.md)\n"
"\n"
"Exit status: 0 success, 1 failure or inconsistency, 2 usage error.\n";

int json_mode;
const char *store_dir;

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
} commands[] = {
	{ "list", cmd_list }, { "show", cmd_show }, { "stats", cmd_stats },
	{ "shape", cmd_shape },
	{ "journal", cmd_journal }, { "check", cmd_check },
	{ "hold", cmd_hold }, { "release", cmd_hold },
	{ "delete", cmd_delete }, { "retry", cmd_retry },
	{ "reroute", cmd_reroute },
	{ "links", cmd_links }, { "ping", cmd_ping },
	{ "status", cmd_status }, { "ctl", cmd_ctl },
	{ "watch", cmd_watch }
};

/* find_queue - -d, else the queue_dir of a configuration given with -c,
 *	else $X400_QUEUE, else the default */
static int find_queue(const char *dir, int config_given)
{
	char why[CFG_ERRLEN + 256];
	const struct cfg *c;

	if (dir) {
		store_dir = dir;
		return 0;
	}
	if (config_given) {
		if ((c = load_config(why, sizeof(why))) == NULL)
			return refuse("cannot read", why);
		store_dir = c->queue_dir;
		return 0;
	}
	store_dir = getenv("X400_QUEUE");
	if (store_dir == NULL || *store_dir == '\0')
		store_dir = X400Q_DEFAULT_DIR;
	return 0;
}

/* take_json - -j or --json after the command counts as before it; they
 *	are taken out of argv (up to a "--"), so the commands never see
 *	them; returns the new argc */
static int take_json(int argc, char **argv, int from)
{
	int i, k = from;

	for (i = from; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[k++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "-j") == 0 ||
		    strcmp(argv[i], "--json") == 0)
			json_mode = 1;
		else
			argv[k++] = argv[i];
	}
	for (i = k; i < argc; i++)
		argv[i] = NULL;
	return k;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", 1, NULL, 'c' }, { "dir", 1, NULL, 'd' },
		{ "json", 0, NULL, 'j' }, { "help", 0, NULL, 'h' },
		{ "version", 0, NULL, 'V' }, { NULL, 0, NULL, 0 }
	};
	const char *dir = NULL;
	int c, given = 0;

	config_path = getenv("X400_CONFIG");
	if (config_path == NULL || *config_path == '\0')
		config_path = X400Q_DEFAULT_CONFIG;
	while ((c = getopt_long(argc, argv, "+c:d:jh", lo, NULL)) != -1) {
		switch (c) {
		case 'c': config_path = optarg; given = 1; break;
		case 'd': dir = optarg; break;
		case 'j': json_mode = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("x400q %s\n", X400_VERSION); return 0;
		default:
			fputs(SYNOPSIS "(x400q --help for more)\n", stderr);
			return 2;
		}
	}
	if (optind >= argc)
		return die_usage("a command expected");
	argc = take_json(argc, argv, optind + 1);
	/* the library's events would repeat what we print */
	log_quiet(1);
	if (find_queue(dir, given) != 0)
		return 1;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0) {
			char **sub = argv + optind;
			int subc = argc - optind;

			optind = 0;	/* GNU getopt: start again */
			return commands[i].fn(subc, sub);
		}
	return die_usage("no command %s", argv[optind]);
}
