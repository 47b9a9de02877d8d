/*
 * x400d - the X.400 message transfer agent
 *
 * SYNOPSIS
 *	x400d [-c FILE] [-t | -n] [-p]
 *	x400d -E | -h | --version
 *
 * DESCRIPTION
 *	Relays X.400 mail (ITU-T X.411 P1) between MTAs over RFC 1006:
 *	listens on the configured addresses, binds inbound and outbound
 *	associations per link, queues every message durably before it
 *	confirms it, routes by O/R address, delivers locally, and sends
 *	delivery and non-delivery reports (mtad.h says how the pieces fit).
 *	It runs in the foreground (for systemd, runit or a terminal) and
 *	logs one JSON object per line.
 *
 *	-c FILE	the configuration (default /etc/x400/x400d.conf;
 *		docs/config.md describes every key)
 *	-t	check the configuration and this machine (mtad_check.c),
 *		print what is in effect, exit 0, or 1 on a problem
 *	-n	print only the settings that differ from the defaults (and
 *		those that have none), like postconf -n; the file alone is
 *		checked: exit 0, or 1 with -t's messages
 *	-E	print every event this version can log: number, name, meaning
 *		(docs/events.md)
 *	-p	print the listening ports to stdout once listening (for
 *		tests that let the system choose ports)
 *	-h	the usage (--help); --version prints the version, which
 *		the start event (1000 daemon-start) carries too
 *
 *	Long names: --config, --test, --non-default, --events,
 *	--print-ports.
 *
 *	One x400d per queue: before it listens or opens the queue it
 *	locks queue_dir/x400d.pid (flock, the pid inside); a second x400d
 *	on the same queue exits with status 1, naming the holder's pid.
 *
 *	Started as root, x400d gives up root for global.user once
 *	listening (after giving it the queue, the mailboxes, the capture
 *	directory and the log); without global.user it refuses to start,
 *	unless global.allow_root = true.
 *
 *	SIGHUP reopens the log file (for logrotate) and reloads the
 *	configuration; queued mail is kept and associations finish. The
 *	secrets file, which the run user usually may not read, is read
 *	again if it can be; else the passwords read at start are kept
 *	(event 1007). SIGTERM and SIGINT stop: listeners close,
 *	associations are released after their transfer, the queue is
 *	flushed.
 *
 * DIAGNOSTICS
 *	Exit status 0 after a clean stop, 1 when the configuration or the
 *	start failed (the reason on stderr and in the log; another x400d
 *	holding the queue is one), 2 on a usage error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "cfg.h"
#include "log.h"
#include "mtad.h"
#include "xalloc.h"
#include "x400_version.h"

static struct mtad mtad;
static struct auth_secrets *secrets;	/* the secrets file as last read:
					 * a reload after the drop to
					 * global.user may not read it */
static const char *cfg_path = "/etc/x400/x400d.conf";
static uv_signal_t sig_hup, sig_term, sig_int;

/* apply_log - send events where c says: syslog, a file or stderr, in
 *	its format; 0 or -errno */
static int apply_log(const struct cfg *c)
{
	log_set_format(c->log_format);
	if (c->log_facility >= 0)
		return log_open_syslog("x400d", c->log_facility, c->log_level);
	return log_open(c->log_file, c->log_level);
}

/* log_moved - whether the logging keys differ between a and b */
static int log_moved(const struct cfg *a, const struct cfg *b)
{
	return a->log_level != b->log_level ||
	       a->log_format != b->log_format ||
	       a->log_facility != b->log_facility ||
	       (a->log_file == NULL) != (b->log_file == NULL) ||
	       (a->log_file && strcmp(a->log_file, b->log_file) != 0);
}

/* on_hup - reopen the log (logrotate moved it), then reload the
 *	configuration; new logging keys take effect at once */
static void on_hup(uv_signal_t *h, int signum)
{
	struct cfg *c = XNEW(struct cfg);
	char err[CFG_ERRLEN];
	int rc, moved;

	(void)h;
	(void)signum;
	if ((rc = log_reopen()) != 0)
		log_ev(LOG_ERR, EV_CONFIG_ERROR, NULL, "cannot reopen the log "
		       "%s: %s; still writing to the file it was", mtad.cfg->
		       log_file, strerror(-rc));
	if (cfg_load_kept(cfg_path, 0, &secrets, c, err, sizeof(err)) != 0) {
		log_ev(LOG_ERR, EV_CONFIG_ERROR, NULL, "reload of %s refused, "
		       "the running configuration stays: %s", cfg_path, err);
		free(c);
		return;
	}
	if (c->secrets_kept)
		log_ev(LOG_NOTICE, EV_CONFIG_SECRETS_KEPT, NULL, "the secrets "
		       "file %s cannot be read by the run user (uid %u): the "
		       "passwords read at start are used; restart x400d to "
		       "apply a changed secrets file", c->secrets_file,
		       (unsigned)geteuid());
	moved = log_moved(mtad.cfg, c);
	if (mtad_reload(&mtad, c, err, sizeof(err)) != 0) {
		log_ev(LOG_ERR, EV_CONFIG_ERROR, NULL, "reload of %s refused: "
		       "%s", cfg_path, err);
		cfg_free(c);
		free(c);
		return;
	}
	if (moved && (rc = apply_log(mtad.cfg)) != 0) {
		log_open(NULL, mtad.cfg->log_level);
		log_ev(LOG_ERR, EV_CONFIG_ERROR, NULL, "cannot open the log "
		       "%s: %s; writing to standard error", mtad.cfg->log_file,
		       strerror(-rc));
	}
}

static void on_term(uv_signal_t *h, int signum)
{
	(void)h;
	(void)signum;
	mtad_stop(&mtad);
	uv_close((uv_handle_t *)&sig_hup, NULL);
	uv_close((uv_handle_t *)&sig_term, NULL);
	uv_close((uv_handle_t *)&sig_int, NULL);
}

static const char synopsis[] =
"usage: x400d [-c FILE] [-t | -n] [-p]\n"
"       x400d -E | -h | --version\n";

static const char usage_text[] =
"\n"
"The X.400 message transfer agent: relays P1 over RFC 1006 in the\n"
"foreground, one JSON event per line in its log. SIGHUP reloads the\n"
"configuration; SIGTERM or SIGINT stops it.\n"
"\n"
"  -c, --config FILE   the configuration (default /etc/x400/x400d.conf)\n"
"  -t, --test          check the configuration and this machine (users,\n"
"                      directories, secrets, listen addresses), print\n"
"                      what is in effect, and exit: 1 if start-up would\n"
"                      fail\n"
"  -n, --non-default   print only the settings that differ from the\n"
"                      defaults (and those that have none), like\n"
"                      postconf -n, and exit: 1 if the file is wrong\n"
"  -p, --print-ports   print the listening ports on standard output once\n"
"                      listening\n"
"  -E, --events        print every event x400d can log, and exit\n"
"  -h, --help          this text\n"
"      --version       the version\n"
"\n"
"Exit status: 0 clean stop, 1 the configuration or the start failed,\n"
"2 usage error.\n";

static void usage(void)
{
	fputs(synopsis, stderr);
	fputs("(x400d --help for more)\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct cfg *c = XNEW(struct cfg);
	char err[CFG_ERRLEN];
	uv_loop_t *loop = uv_default_loop();
	static const struct option lo[] = {
		{ "config", 1, NULL, 'c' }, { "test", 0, NULL, 't' },
		{ "non-default", 0, NULL, 'n' },
		{ "print-ports", 0, NULL, 'p' }, { "events", 0, NULL, 'E' },
		{ "help", 0, NULL, 'h' }, { "version", 0, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, rc, test = 0, nondef = 0, ports = 0;
	size_t i;

	while ((ch = getopt_long(argc, argv, "c:tnpEh", lo, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(synopsis, stdout);
			fputs(usage_text, stdout);
			free(c);
			return 0;
		case 'V':
			printf("x400d %s\n", X400_VERSION);
			free(c);
			return 0;
		case 'E': log_events_print(stdout); free(c); return 0;
		case 'c': cfg_path = optarg; break;
		case 't': test = 1; break;
		case 'n': nondef = 1; break;
		case 'p': ports = 1; break;
		default: free(c); usage();
		}
	}
	if (optind != argc || (test && nondef)) {
		free(c);
		usage();
	}
	if (cfg_load_kept(cfg_path, 0, &secrets, c, err, sizeof(err)) != 0) {
		fprintf(stderr, "x400d: %s%s", err,
			err[0] && err[strlen(err) - 1] == '\n' ? "" : "\n");
		free(c);
		return 1;
	}
	if (nondef || test) {
		auth_secrets_free(secrets);
		secrets = NULL;
	}
	if (nondef) {
		cfg_dump_nondefault(c, stdout);
		cfg_free(c);
		free(c);
		return 0;
	}
	if (test) {
		cfg_dump(c, stdout);
		fflush(stdout);
		rc = mtad_check(c, stderr) > 0;
		cfg_free(c);
		free(c);
		return rc;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((rc = apply_log(c)) != 0) {
		fprintf(stderr, "x400d: cannot open the log %s: %s\n",
			c->log_file, strerror(-rc));
		return 1;
	}
	for (i = 0; i < c->nwarn; i++)
		log_ev(LOG_WARNING, EV_CONFIG_WARNING, NULL, "%s", c->warn[i]);
	if (mtad_start(&mtad, loop, c, err, sizeof(err)) != 0) {
		fprintf(stderr, "x400d: %s\n", err);
		log_ev(LOG_ERR, EV_CONFIG_ERROR, NULL, "cannot start: %s", err);
		return 1;
	}
	if (ports) {
		for (i = 0; i < mtad.nlisteners; i++)
			printf("%u\n", conn_listener_port(mtad.listeners[i],
							  0));
		fflush(stdout);
	}
	uv_signal_init(loop, &sig_hup);
	uv_signal_init(loop, &sig_term);
	uv_signal_init(loop, &sig_int);
	uv_signal_start(&sig_hup, on_hup, SIGHUP);
	uv_signal_start(&sig_term, on_term, SIGTERM);
	uv_signal_start(&sig_int, on_term, SIGINT);
	uv_run(loop, UV_RUN_DEFAULT);
	mtad_free(&mtad);
	auth_secrets_free(secrets);
	uv_loop_close(loop);
	log_close();
	return 0;
}
