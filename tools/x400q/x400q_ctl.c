/*
 * x400q_ctl.c - the x400q commands that ask the running x400d: links,
 *	ping, status, ctl; and retry's request to the daemon
 *
 * Part of x400q (x400q.c: the manual, the commands table and main;
 * x400q.h: what the parts share).
 *
 * x400d listens on the Unix socket queue_dir/x400d.ctl (mta/mtad_ctl.c):
 * one JSON request per line, one JSON reply per line. x400q finds it in
 * the queue it uses (-d, or -c's queue_dir). When nothing answers there
 * (no file: x400d never ran or stopped cleanly; connection refused: it
 * ended without removing it), x400d is not running: links, ping and
 * status say so and exit 1, and retry changes the queue alone, as it
 * did before the socket existed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "x400q.h"
#include "xalloc.h"

#define CTL_FILE	"x400d.ctl"
#define REPLY_MAX	(16u << 20)	/* the longest reply line we read */
#define WAIT_MS		30000		/* for an answer (ping: more) */

/* ctl_path - the socket of the queue in use */
static const char *ctl_path(char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", store_dir, CTL_FILE);
	return buf;
}

/* ctl_connect - a connection to x400d; CTL_DOWN when it does not run,
 *	-1 on another failure; why says which */
static int ctl_connect(int *fdp, char *why, size_t n)
{
	struct sockaddr_un sa;
	char path[4200];
	int fd, e;

	ctl_path(path, sizeof(path));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, n, "the socket's path %s is too long for a Unix "
			 "socket", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(why, n, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		e = errno;
		close(fd);
		if (e == ENOENT || e == ECONNREFUSED || e == ENOTSOCK) {
			snprintf(why, n, "x400d is not running: nothing "
				 "answers on %s (%s)", path, strerror(e));
			return CTL_DOWN;
		}
		if (e == EACCES)
			snprintf(why, n, "cannot talk to x400d on %s: %s (the "
				 "socket is for x400d's user and group)",
				 path, strerror(e));
		else
			snprintf(why, n, "cannot talk to x400d on %s: %s",
				 path, strerror(e));
		return -1;
	}
	*fdp = fd;
	return 0;
}

/* send_all - n octets, whatever it takes */
static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* read_line - one line (without its newline) into *line (malloc'ed),
 *	waiting at most ms in all; 1 a line, 0 the end, -1 (why) */
static int read_line(int fd, char **buf, size_t *len, char **line,
		     int ms, char *why, size_t n)
{
	struct timespec t0, t;
	char *nl;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left;
		ssize_t r;

		if (*len && (nl = memchr(*buf, '\n', *len)) != NULL) {
			size_t k = (size_t)(nl - *buf);

			*line = xmalloc(k + 1);
			memcpy(*line, *buf, k);
			(*line)[k] = 0;
			memmove(*buf, nl + 1, *len - k - 1);
			*len -= k + 1;
			return 1;
		}
		if (*len >= REPLY_MAX) {
			snprintf(why, n, "x400d's reply is longer than %u "
				 "octets", REPLY_MAX);
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - ((t.tv_sec - t0.tv_sec) * 1000 +
			     (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			snprintf(why, n, "x400d did not answer within %d s",
				 ms / 1000);
			return -1;
		}
		*buf = xrealloc(*buf, *len + 65536);
		r = read(fd, *buf + *len, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(why, n, "reading x400d's reply: %s",
				 strerror(errno));
			return -1;
		}
		if (r == 0) {
			if (*len == 0)
				return 0;
			*line = xmalloc(*len + 1);	/* unterminated */
			memcpy(*line, *buf, *len);
			(*line)[*len] = 0;
			*len = 0;
			return 1;
		}
		*len += (size_t)r;
	}
}

/* ctl_call - one request, one reply (a JSON object); 0, CTL_DOWN or -1,
 *	why saying what went wrong */
int ctl_call(json_t *req, json_t **reply, int ms, char *why, size_t n)
{
	char *s, *buf = NULL, *line = NULL;
	size_t len = 0;
	json_error_t e;
	int fd, rc;

	*reply = NULL;
	if ((rc = ctl_connect(&fd, why, n)) != 0)
		return rc;
	s = json_dumps(req, JSON_COMPACT);
	s = xrealloc(s, strlen(s) + 2);
	strcat(s, "\n");
	rc = send_all(fd, s, strlen(s));
	free(s);
	if (rc != 0) {
		snprintf(why, n, "cannot send to x400d: %s", strerror(errno));
		close(fd);
		return -1;
	}
	rc = read_line(fd, &buf, &len, &line, ms, why, n);
	close(fd);
	free(buf);
	if (rc == 0)
		snprintf(why, n, "x400d closed the connection without an "
			 "answer");
	if (rc != 1)
		return -1;
	*reply = json_loads(line, 0, &e);
	free(line);
	if (*reply == NULL || !json_is_object(*reply)) {
		json_decref(*reply);
		*reply = NULL;
		snprintf(why, n, "x400d's answer is not a JSON object");
		return -1;
	}
	return 0;
}

/* ctl_fail - x400d cannot be asked, or refused: stderr, and a JSON
 *	error object with -j; returns 1 */
static int ctl_fail(const char *what, const char *why)
{
	fprintf(stderr, "x400q: %s: %s\n", what, why);
	if (json_mode)
		json_out(json_pack("{s:b,s:s,s:s}", "ok", 0, "error", why,
				   "what", what));
	return 1;
}

/* ask - ctl_call for a command: NULL (reported, *st the exit status)
 *	unless x400d answered ok */
static json_t *ask(const char *cmd, json_t *req, int ms, int *st)
{
	char why[4400];
	json_t *r;
	int rc = ctl_call(req, &r, ms, why, sizeof(why));

	json_decref(req);
	*st = 1;
	if (rc != 0) {
		ctl_fail(cmd, why);
		return NULL;
	}
	if (!json_is_true(json_object_get(r, "ok"))) {
		const char *e = json_string_value(json_object_get(r, "error"));

		ctl_fail(cmd, e ? e : "x400d refused the request");
		json_decref(r);
		return NULL;
	}
	*st = 0;
	return r;
}

/* ---- links ------------------------------------------------------------- */

/* when - a time as "-", "now" or "in 3m20s" */
static const char *when(json_t *v, int64_t now, char *buf, size_t n)
{
	char age[32];

	if (!json_is_integer(v))
		return "-";
	if (json_integer_value(v) <= now)
		return "now";
	snprintf(buf, n, "in %s", fmt_age(json_integer_value(v) - now, age,
					  sizeof(age)));
	return buf;
}

static json_int_t geti(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	return json_integer_value(b ? json_object_get(v, b) : v);
}

static void print_link(json_t *l, int64_t now)
{
	const char *dir = json_string_value(json_object_get(l, "direction"));
	json_t *old = json_object_get(l, "oldest");
	json_t *err = json_object_get(l, "last_error");
	char age[32], next[48], sz[16];

	printf("%-16s %-8s %-12s %3lld %3lld %8lld %8s %8s  %s\n",
	       json_string_value(json_object_get(l, "name")),
	       dir ? dir : "-",
	       json_string_value(json_object_get(l, "state")),
	       (long long)geti(l, "associations", "in"),
	       (long long)geti(l, "associations", "out"),
	       (long long)geti(l, "waiting", "messages"),
	       fmt_size((uint64_t)geti(l, "waiting", "octets"), sz,
			sizeof(sz)),
	       json_is_object(old) ? fmt_age(geti(old, "age_s", NULL), age,
					     sizeof(age)) : "-",
	       when(json_object_get(l, "next_attempt"), now, next,
		    sizeof(next)));
	if (json_is_object(err))
		printf("    last error %s ago, event %lld %s: %s\n",
		       fmt_age(now - geti(err, "time", NULL), age, sizeof(age)),
		       (long long)geti(err, "event", NULL),
		       json_string_value(json_object_get(err, "name")),
		       json_string_value(json_object_get(err, "text")));
}

/* cmd_links - every link as x400d sees it, with what waits on it */
int cmd_links(int argc, char **argv)
{
	json_t *r, *links, *l;
	int64_t now;
	size_t i;
	int st;

	(void)argv;
	if (argc != 1)
		return die_usage("links takes no arguments");
	if ((r = ask("links", json_pack("{s:s}", "cmd", "links"), WAIT_MS,
		     &st)) == NULL)
		return st;
	links = json_object_get(r, "links");
	now = geti(r, "time", NULL);
	if (json_mode) {
		json_incref(links);
		json_decref(r);
		json_out(links);
		return 0;
	}
	printf("%-16s %-8s %-12s %3s %3s %8s %8s %8s  %s\n", "LINK", "DIR",
	       "STATE", "IN", "OUT", "MESSAGES", "SIZE", "OLDEST",
	       "NEXT ATTEMPT");
	json_array_foreach(links, i, l)
		print_link(l, now);
	json_decref(r);
	return 0;
}

/* cmd_watch - links and status again and again, like smtpctl monitor:
 *	x400q watch [-i SECS] [-n FRAMES]; on a terminal each frame
 *	replaces the last */
int cmd_watch(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "interval", 1, NULL, 'i' }, { "count", 1, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	long interval = 2, count = -1;
	int ch, tty = isatty(1), rc = 0;
	char *end;

	while ((ch = getopt_long(argc, argv, "i:n:", lo, NULL)) != -1) {
		long v = ch == 'i' || ch == 'n' ? strtol(optarg, &end, 10) : 0;

		if ((ch != 'i' && ch != 'n') || *end || v < 1 || v > 86400)
			return die_usage("watch: -i SECS and -n FRAMES, each "
					 "1 to 86400");
		if (ch == 'i')
			interval = v;
		else
			count = v;
	}
	if (optind != argc || json_mode)
		return die_usage("watch: only -i and -n (no --json: use "
				 "links -j)");
	for (long f = 0; count < 0 || f < count; f++) {
		char *links_argv[] = { "links", NULL };
		char *status_argv[] = { "status", NULL };
		char ts[32];

		if (f > 0)
			sleep((unsigned)interval);
		if (tty)
			fputs("\033[H\033[2J", stdout);
		printf("x400q watch, every %lds: %s\n\n", interval,
		       fmt_time((int64_t)time(NULL), ts, sizeof(ts)));
		if ((rc = cmd_status(1, status_argv)) != 0 ||
		    (putchar('\n'), rc = cmd_links(1, links_argv)) != 0)
			break;
		fflush(stdout);
	}
	return rc;
}

/* ---- ping ---------------------------------------------------------------- */

static const char *ms(json_t *r, const char *k, char *buf, size_t n)
{
	json_t *v = json_object_get(r, k);

	if (!json_is_integer(v))
		return "-";
	snprintf(buf, n, "%lld ms", (long long)json_integer_value(v));
	return buf;
}

/* cmd_ping - a test association: connect, bind, release */
int cmd_ping(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "timeout", 1, NULL, 't' }, { NULL, 0, NULL, 0 }
	};
	char a[32], b[32], c[32], d[32];
	const char *reason;
	long timeout = 10;
	json_t *r;
	int ch, st, ok;

	while ((ch = getopt_long(argc, argv, "t:", lo, NULL)) != -1) {
		if (ch != 't')
			return die_usage("ping: bad option");
		timeout = parse_age(optarg);
		if (timeout < 1 || timeout > 600)
			return die_usage("ping: a timeout of 1 to 600 seconds");
	}
	if (optind + 1 != argc)
		return die_usage("ping: one link expected");
	if ((r = ask("ping", json_pack("{s:s,s:s,s:I}", "cmd", "ping", "link",
				       argv[optind], "timeout_ms",
				       (json_int_t)timeout * 1000),
		     (int)timeout * 1000 + WAIT_MS, &st)) == NULL)
		return st;
	ok = json_is_true(json_object_get(r, "accepted"));
	if (json_mode) {
		json_out(r);
		return ok ? 0 : 1;
	}
	reason = json_string_value(json_object_get(r, "reason"));
	printf("ping %s (%s): %s%s%s%s%s\n", argv[optind],
	       json_string_value(json_object_get(r, "peer")),
	       json_string_value(json_object_get(r, "outcome")),
	       ok ? " by MTA \"" : "", ok ? json_string_value(
		       json_object_get(r, "peer_mta")) : "",
	       ok ? "\"" : reason && *reason ? ": " : "",
	       ok ? "" : reason ? reason : "");
	printf("  connect %s, bind %s, release %s, total %s\n",
	       ms(r, "connect_ms", a, sizeof(a)), ms(r, "bind_ms", b, sizeof(b)),
	       ms(r, "release_ms", c, sizeof(c)),
	       ms(r, "total_ms", d, sizeof(d)));
	json_decref(r);
	return ok ? 0 : 1;
}

/* ---- status ---------------------------------------------------------------- */

/* cmd_status - the daemon: pid, uptime, counters */
int cmd_status(int argc, char **argv)
{
	char age[32], sz[16];
	json_t *r, *v;
	int st;

	(void)argv;
	if (argc != 1)
		return die_usage("status takes no arguments");
	if ((r = ask("status", json_pack("{s:s}", "cmd", "status"), WAIT_MS,
		     &st)) == NULL)
		return st;
	if (json_mode) {
		json_out(r);
		return 0;
	}
	v = json_object_get(r, "version");
	printf("x400d pid %lld%s%s, MTA \"%s\", up %s\n",
	       (long long)geti(r, "pid", NULL),
	       json_is_string(v) ? " version " : "",
	       json_is_string(v) ? json_string_value(v) : "",
	       json_string_value(json_object_get(r, "mta")),
	       fmt_age(geti(r, "uptime_s", NULL), age, sizeof(age)));
	printf("messages: %lld arrived, %lld relayed, %lld delivered, %lld "
	       "reports, %lld refused\n",
	       (long long)geti(r, "messages", "arrived"),
	       (long long)geti(r, "messages", "relayed"),
	       (long long)geti(r, "messages", "delivered"),
	       (long long)geti(r, "messages", "reports"),
	       (long long)geti(r, "messages", "refused"));
	printf("associations: %lld in, %lld out now; %lld in, %lld out since "
	       "the start\n",
	       (long long)geti(r, "associations", "in"),
	       (long long)geti(r, "associations", "out"),
	       (long long)geti(r, "associations", "in_total"),
	       (long long)geti(r, "associations", "out_total"));
	printf("queue: %lld messages, %lld recipients, size %s\n",
	       (long long)geti(r, "queue", "messages"),
	       (long long)geti(r, "queue", "recipients"),
	       fmt_size((uint64_t)geti(r, "queue", "octets"), sz,
			sizeof(sz)));
	json_decref(r);
	return 0;
}

/* ---- ctl: the protocol by hand ------------------------------------------------ */

/* cmd_ctl - send REQUEST (or standard input) as it is, print every reply
 *	line until x400d closes; 1 if any says "ok":false */
int cmd_ctl(int argc, char **argv)
{
	char why[4400], *buf = NULL, *line = NULL, in[4096];
	size_t len = 0;
	int fd, rc, sent, bad = 0, lines = 0;
	ssize_t k;

	if (argc > 2)
		return die_usage("ctl: one request (or none: standard input)");
	if ((rc = ctl_connect(&fd, why, sizeof(why))) != 0)
		return ctl_fail("ctl", why);
	if (argc == 2) {
		rc = send_all(fd, argv[1], strlen(argv[1])) |
		     send_all(fd, "\n", 1);
	} else {
		rc = 0;
		while (rc == 0 && (k = read(0, in, sizeof(in))) != 0) {
			if (k < 0 && errno == EINTR)
				continue;
			rc = k < 0 ? -1 : send_all(fd, in, (size_t)k);
		}
	}
	/* x400d may have closed already (a request too long), after its
	 * answer: read that */
	sent = rc == 0;
	shutdown(fd, SHUT_WR);
	while ((rc = read_line(fd, &buf, &len, &line, WAIT_MS * 4, why,
			       sizeof(why))) == 1) {
		lines++;
		json_t *r = json_loads(line, 0, NULL);

		if (!json_is_true(json_object_get(r, "ok")))
			bad = 1;
		json_decref(r);
		puts(line);
		free(line);
	}
	close(fd);
	free(buf);
	if (rc < 0)
		return ctl_fail("ctl", why);
	if (lines == 0)
		return ctl_fail("ctl", sent ? "x400d closed the connection "
				"without an answer" : "cannot send the request "
				"to x400d");
	return bad;
}

/* ---- retry through the daemon ------------------------------------------------- */

/* ctl_retry - ask x400d to retry (link, or message id's recipients idx)
 *	and connect at once; CTL_DOWN (a note said so) when it does not
 *	run, else the exit status */
int ctl_retry(const char *link, uint64_t id, const uint32_t *idx,
	      size_t nidx)
{
	json_t *req = json_pack("{s:s,s:s}", "cmd", "retry", "user",
				operator_name()), *r;
	char why[4400], what[160];
	json_int_t msgs, rcpts;
	int rc;

	if (link) {
		json_object_set_new(req, "link", json_string(link));
		snprintf(what, sizeof(what), "retry link %s", link);
	} else {
		json_t *a = json_array();

		json_object_set_new(req, "id", json_integer((json_int_t)id));
		for (size_t i = 0; i < nidx; i++)
			json_array_append_new(a, json_integer(idx[i]));
		if (nidx)
			json_object_set_new(req, "rcpts", a);
		else
			json_decref(a);
		snprintf(what, sizeof(what), "retry %llu",
			 (unsigned long long)id);
	}
	rc = ctl_call(req, &r, WAIT_MS, why, sizeof(why));
	json_decref(req);
	if (rc == CTL_DOWN) {
		fprintf(stderr, "x400q: %s; the queue alone is changed: x400d "
			"sends at its next start\n", why);
		return CTL_DOWN;
	}
	if (rc != 0)
		return ctl_fail(what, why);
	if (!json_is_true(json_object_get(r, "ok"))) {
		const char *e = json_string_value(json_object_get(r, "error"));

		rc = ctl_fail(what, e ? e : "x400d refused the request");
		json_decref(r);
		return rc;
	}
	msgs = geti(r, "messages", NULL);
	rcpts = geti(r, "recipients", NULL);
	if (!link && msgs == 0) {
		json_decref(r);
		return ctl_fail(what, "no pending recipient to retry");
	}
	if (json_mode) {
		json_t *o = json_pack("{s:b,s:s,s:I,s:I,s:b}", "ok", 1,
				      "command", "retry", "messages", msgs,
				      "recipients", rcpts, "daemon", 1);

		if (link)
			json_object_set_new(o, "link", json_string(link));
		else
			json_object_set_new(o, "id",
					    json_integer((json_int_t)id));
		json_out(o);
	} else {
		json_int_t skipped = geti(r, "skipped", NULL);

		printf("%s: %lld message%s (%lld recipient%s) due now; x400d "
		       "connects at once\n", what, (long long)msgs,
		       msgs == 1 ? "" : "s", (long long)rcpts,
		       rcpts == 1 ? "" : "s");
		if (skipped)
			printf("%s: %lld message%s skipped: sent, changed or "
			       "deleted meanwhile\n", what, (long long)skipped,
			       skipped == 1 ? "" : "s");
	}
	json_decref(r);
	return 0;
}

/* ---- for show -------------------------------------------------------- */

json_t *ctl_links_quiet(void)
{
	json_t *req = json_pack("{s:s}", "cmd", "links"), *r, *links;
	char why[4400];
	int rc = ctl_call(req, &r, 2000, why, sizeof(why));

	json_decref(req);
	if (rc != 0)
		return NULL;
	links = json_object_get(r, "links");
	if (!json_is_true(json_object_get(r, "ok")) || !json_is_array(links)) {
		json_decref(r);
		return NULL;
	}
	json_incref(links);
	json_decref(r);
	return links;
}

json_t *ctl_link_find(json_t *links, const char *name)
{
	json_t *l;
	size_t i;

	json_array_foreach(links, i, l) {
		const char *n = json_string_value(json_object_get(l, "name"));

		if (n && strcmp(n, name) == 0)
			return l;
	}
	return NULL;
}

void ctl_link_why(json_t *l, int64_t now)
{
	json_t *err = json_object_get(l, "last_error");
	const char *st = json_string_value(json_object_get(l, "state"));
	char age[32], next[48];

	printf("      waiting: link %s is %s", json_string_value(
	       json_object_get(l, "name")), st ? st : "?");
	if (json_is_object(err))
		printf(", last error %s ago, event %lld %s: %s", fmt_age(now -
		       geti(err, "time", NULL), age, sizeof(age)),
		       (long long)geti(err, "event", NULL),
		       json_string_value(json_object_get(err, "name")),
		       json_string_value(json_object_get(err, "text")));
	printf("; x400d's next attempt: %s\n", when(json_object_get(l,
	       "next_attempt"), now, next, sizeof(next)));
}
