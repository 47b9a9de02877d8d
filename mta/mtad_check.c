/*
 * mtad_check.c - what x400d -t checks beyond the file: the system
 *
 * See mtad.h. cfg_load() checks the file; this checks what start-up
 * and later would meet on this machine, as the users x400d will be: the
 * starting user binds the listen addresses, opens the log and creates
 * the queue directory, the mailboxes and the capture directory; the run
 * user (global.user, when started as root) writes the queue, the
 * mailboxes and the captures, reopens the log after logrotate and reads
 * the secrets again on SIGHUP (or keeps those read at start). Root
 * without global.user is refused unless global.allow_root says so.
 *
 * A problem is something start-up would fail on, or mail that would
 * wait or be lost; a warning is something that fails later (a reload,
 * a rotation) or a risk. An address in use is a note: x400d -t is run
 * beside the running daemon before a reload.
 */
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mtad.h"
#include "mtad_tls.h"

#define MAX_GROUPS	64

/* A user the checks are made for. */
struct who {
	const char	*name;
	uid_t		uid;
	gid_t		groups[MAX_GROUPS];
	int		ngroups;
};

struct chk {
	FILE		*out;
	int		problems;
};

static void say(struct chk *k, int problem, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct chk *k, int problem, const char *fmt, ...)
{
	va_list ap;

	fprintf(k->out, "x400d -t: %s: ", problem ? "problem" : "warning");
	va_start(ap, fmt);
	vfprintf(k->out, fmt, ap);
	va_end(ap);
	fputc('\n', k->out);
	if (problem)
		k->problems++;
}

/* who_set - w as the user pw (with its groups) */
static void who_set(struct who *w, const struct passwd *pw)
{
	w->name = pw->pw_name;
	w->uid = pw->pw_uid;
	w->ngroups = MAX_GROUPS;
	if (getgrouplist(pw->pw_name, pw->pw_gid, w->groups,
			 &w->ngroups) < 0)
		w->ngroups = MAX_GROUPS;
}

/* who_self - w as the calling process */
static void who_self(struct who *w, const char *name)
{
	int n = getgroups(MAX_GROUPS - 1, w->groups);

	w->name = name;
	w->uid = geteuid();
	w->ngroups = n < 0 ? 0 : n;
	w->groups[w->ngroups++] = getegid();
}

/* may - whether w has every bit of mode (4 read, 2 write, 1 search) on
 *	st by its permission bits */
static int may(const struct who *w, const struct stat *st, unsigned mode)
{
	int i;

	if (w->uid == 0)
		return 1;
	if (st->st_uid == w->uid)
		return ((st->st_mode >> 6) & mode) == mode;
	for (i = 0; i < w->ngroups; i++)
		if (st->st_gid == w->groups[i])
			return ((st->st_mode >> 3) & mode) == mode;
	return (st->st_mode & mode) == mode;
}

/* parent - the directory path is in ("." for a bare name) */
static void parent(const char *path, char *dir, size_t len)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		snprintf(dir, len, ".");
	else if (s == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(s - path), path);
}

/* dir_ok - path must be a directory w can write, or one the creator can
 *	make: then its parent must exist and be writable by creator */
static void dir_ok(struct chk *k, const char *key, const char *path,
		   const struct who *w, const struct who *creator)
{
	struct stat st;
	char up[1024];

	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			say(k, 1, "%s %s is not a directory", key, path);
		else if (!may(w, &st, 3))
			say(k, 1, "%s %s: %s (uid %u) cannot write there "
			    "(owner uid %u, mode %04o)", key, path, w->name,
			    (unsigned)w->uid, (unsigned)st.st_uid,
			    (unsigned)(st.st_mode & 07777));
		return;
	}
	parent(path, up, sizeof(up));
	if (stat(up, &st) != 0)
		say(k, 1, "%s %s: neither it nor its parent %s exists", key,
		    path, up);
	else if (!may(creator, &st, 3))
		say(k, 1, "%s %s does not exist, and %s cannot create it in "
		    "%s", key, path, creator->name, up);
}

/* log_ok - the starting user opens the log; the run user reopens it
 *	after logrotate moved it, so needs its directory */
static void log_ok(struct chk *k, const char *path, const struct who *run,
		   const struct who *self)
{
	struct stat st;
	char up[1024];

	parent(path, up, sizeof(up));
	if (stat(up, &st) != 0) {
		say(k, 1, "global.log_file %s: the directory %s does not "
		    "exist", path, up);
		return;
	}
	if (!may(self, &st, 3) && (stat(path, &st) != 0 ||
				   !may(self, &st, 2))) {
		say(k, 1, "global.log_file %s: %s cannot open it", path,
		    self->name);
		return;
	}
	stat(up, &st);
	if (run != self && !may(run, &st, 3))
		say(k, 0, "global.log_file %s: %s cannot create files in %s, "
		    "so after logrotate moves the log, SIGHUP cannot open "
		    "a new one", path, run->name, up);
}

/* secrets_ok - read at start (as self) and on SIGHUP (as run) */
static void secrets_ok(struct chk *k, const char *path,
		       const struct who *run, const struct who *self)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		say(k, 1, "global.secrets_file %s: %s", path, strerror(errno));
		return;
	}
	if (!may(self, &st, 4))
		say(k, 1, "global.secrets_file %s: %s cannot read it", path,
		    self->name);
	else if (run != self && !may(run, &st, 4))
		say(k, 0, "global.secrets_file %s: %s cannot read it, so a "
		    "reload (SIGHUP) after the start cannot: it keeps the "
		    "passwords read at start (a changed file needs a "
		    "restart)", path, run->name);
}

/* pcap_ok - the captures hold bind PDUs, passwords: the directory is
 *	made 0700; one that group or others may read is a risk */
static void pcap_ok(struct chk *k, const char *path, const struct who *run,
		    const struct who *self)
{
	struct stat st;

	dir_ok(k, "global.pcap_dir", path, run, self);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & (S_IRGRP | S_IROTH)))
		say(k, 0, "global.pcap_dir %s: mode %04o lets group or others "
		    "read the captures, whose binds carry passwords; chmod "
		    "700 %s", path, (unsigned)(st.st_mode & 07777), path);
}

/* root_ok - started as root without global.user: refused at start
 *	unless allow_root */
static void root_ok(struct chk *k, const struct cfg *c)
{
	if (c->allow_root)
		fprintf(k->out, "x400d -t: note: started as root without "
			"global.user, x400d runs as root (global.allow_root = "
			"true)\n");
	else
		say(k, 1, "started as root without global.user: x400d will "
		    "not start; set global.user, or allow_root = true in "
		    "global to run as root on purpose");
}

/* listen_ok - bind each listen address now, as start-up will */
static void listen_ok(struct chk *k, const struct cfg *c)
{
	size_t i;

	for (i = 0; i < c->nlisten; i++) {
		const struct cfg_listen *l = &c->listen[i];
		struct sockaddr_storage ss;
		socklen_t len;
		int fd, one = 1;

		memset(&ss, 0, sizeof(ss));
		if (inet_pton(AF_INET, l->addr,
			      &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
			ss.ss_family = AF_INET;
			((struct sockaddr_in *)&ss)->sin_port =
			    htons((uint16_t)l->port);
			len = sizeof(struct sockaddr_in);
		} else if (inet_pton(AF_INET6, l->addr,
			   &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
			ss.ss_family = AF_INET6;
			((struct sockaddr_in6 *)&ss)->sin6_port =
			    htons((uint16_t)l->port);
			len = sizeof(struct sockaddr_in6);
		} else {
			continue;	/* cfg_load() refused it already */
		}
		if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
			if (errno == EADDRINUSE)
				fprintf(k->out, "x400d -t: note: listen %s "
					"port %u is in use (x400d running?)\n",
					l->addr, l->port);
			else
				say(k, 1, "listen %s port %u: cannot bind: "
				    "%s%s", l->addr, l->port, strerror(errno),
				    errno == EACCES && l->port < 1024 ?
				    " (a port below 1024 needs root or "
				    "CAP_NET_BIND_SERVICE)" : errno ==
				    EADDRNOTAVAIL ? " (not an address of "
				    "this machine)" : "");
		}
		close(fd);
	}
}

int mtad_check(const struct cfg *c, FILE *out)
{
	struct chk k = { out, 0 };
	struct who self, run;
	const struct who *r = &self;
	struct passwd *pw = NULL;
	char me[64], tls[400];

	snprintf(me, sizeof(me), "uid %u", (unsigned)geteuid());
	who_self(&self, geteuid() == 0 ? "root" : me);
	if (c->user && (pw = getpwnam(c->user)) == NULL)
		say(&k, 1, "global.user \"%s\" does not exist", c->user);
	if (pw && geteuid() == 0) {
		who_set(&run, pw);
		r = &run;
	} else if (geteuid() == 0 && c->user == NULL) {
		root_ok(&k, c);
	}
	listen_ok(&k, c);
	if (mtad_tls_files_ok(c, tls, sizeof(tls)) < 0)
		say(&k, 1, "TLS: %s", tls);
	if (mtad_fd_check(c, tls, sizeof(tls)))
		say(&k, 0, "%s", tls);
	if (c->queue_dir)	/* made by root, then given to the run user */
		dir_ok(&k, "global.queue_dir", c->queue_dir, &self, &self);
	dir_ok(&k, "routing.local_dir", c->local_dir ? c->local_dir :
	       "mailboxes", r, &self);	/* made by root, then given too */
	if (c->pcap_dir)
		pcap_ok(&k, c->pcap_dir, r, &self);
	if (c->log_file)
		log_ok(&k, c->log_file, r, &self);
	if (c->secrets_file)
		secrets_ok(&k, c->secrets_file, r, &self);
	return k.problems;
}
