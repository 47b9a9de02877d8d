/*
 * mtad.c - x400d: start, reload, stop; links and routes
 *
 * See mtad.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "mtad.h"
#include "mtad_strong.h"
#include "mtad_tls.h"
#include "xalloc.h"
#include "x400_version.h"

#define TICK_MS		1000	/* the scheduler's pace when idle */
#define LOCK_FILE	"x400d.pid"	/* in queue_dir: one x400d per queue */

int64_t mtad_now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

void mtad_log(struct mtad *m, enum log_level lvl, unsigned ev,
	      const char *peer, const char *link, const char *layer,
	      const char *fmt, ...)
{
	struct log_who who = { peer, link, layer };
	char msg[1024];
	va_list ap;

	(void)m;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_ev(lvl, ev, &who, "%s", msg);
}

void mtad_link_fail(struct mtad_link *l, enum log_level lvl, unsigned ev,
		    const char *peer, const char *layer, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->last_err, sizeof(l->last_err), fmt, ap);
	va_end(ap);
	l->last_err_ev = ev;
	l->last_err_at = mtad_now_ms();
	l->failures++;
	mtad_log(l->m, lvl, ev, peer, l->cfg->name, layer, "%s", l->last_err);
}

void mtad_refused(struct mtad *m, enum mtad_refusal why)
{
	if ((unsigned)why >= MTAD_REF_MAX)
		panic("mtad_refused: reason %d", (int)why);
	m->refusals[why]++;
}

int mtad_oldest(struct q_rd *rd, const char *link, int scan, uint64_t *id,
		int *exact)
{
	struct q_iter it;
	struct q_due d;
	uint64_t oldest = 0;
	int n = 0;

	memset(&it, 0, sizeof(it));
	if (q_iter_due(rd, &it, link, INT64_MAX) == 0)
		while (n < scan && q_next_due(&it, &d) == 1) {
			n++;
			if (oldest == 0 || d.id < oldest)
				oldest = d.id;
		}
	q_iter_end(&it);
	*id = oldest;
	*exact = n < scan;
	return oldest ? 0 : -1;
}

struct mtad_link *mtad_link(struct mtad *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nlinks; i++)
		if (strcasecmp(m->links[i].cfg->name, name) == 0)
			return &m->links[i];
	return NULL;
}

/* mtad_link_up - the router's idea of a usable link: local always; a
 *	link we may send on that is not failing right now */
int mtad_link_up(const char *link, void *arg)
{
	struct mtad *m = arg;
	struct mtad_link *l;

	if (strcmp(link, ROUTE_LOCAL) == 0)
		return 1;
	if ((l = mtad_link(m, link)) == NULL)
		return 0;
	return (l->cfg->dir & CFG_OUT) && !l->failing;
}

/* run - one scheduler pass */
static void run(struct mtad *m)
{
	if (m->stopping)
		return;
	mtad_ops_run(m);
	mtad_expire_run(m);
	mtad_local_run(m);
	mtad_report_run(m);
	mtad_out_schedule(m);
}

static void on_tick(uv_timer_t *t)
{
	run(t->data);
}

static void on_kick(uv_timer_t *t)
{
	struct mtad *m = t->data;

	m->kicked = 0;
	run(m);
}

void mtad_kick(struct mtad *m)
{
	if (m->kicked || m->stopping)
		return;
	m->kicked = 1;
	uv_timer_start(&m->kick, on_kick, 0, 0);
}

static void on_hold(uv_timer_t *t)
{
	struct mtad *m = t->data;

	m->hold_at = 0;
	run(m);
}

/* mtad_kick_at - run the scheduler at when (mtad_now_ms), when a link
 *	held after a failure may try again: open_interval is kept to the
 *	millisecond, not rounded up to the next tick */
void mtad_kick_at(struct mtad *m, int64_t when)
{
	int64_t now = mtad_now_ms();

	if (m->stopping)
		return;
	if (when < now)
		when = now;
	if (m->hold_at && m->hold_at <= when)
		return;		/* an earlier run is due anyway */
	m->hold_at = when;
	uv_timer_start(&m->hold, on_hold, (uint64_t)(when - now), 0);
}

/* build_links - run-time state for each configured link; the state of
 *	a link that existed before (same name) carries over */
static struct mtad_link *build_links(struct mtad *m, const struct cfg *cfg)
{
	struct mtad_link *ls = xcalloc(cfg->nlinks ? cfg->nlinks : 1,
				       sizeof(*ls));
	size_t i;

	for (i = 0; i < cfg->nlinks; i++) {
		struct mtad_link *old = m->links ?
		    mtad_link(m, cfg->links[i].name) : NULL;

		if (old)
			ls[i] = *old;
		ls[i].cfg = &cfg->links[i];
		ls[i].m = m;
		ls[i].our_pw = cfg->links[i].our_pw && cfg->links[i].our_pw[0]
		    ? cfg->links[i].our_pw : cfg->password ? cfg->password : "";
	}
	return ls;
}

/* lock_busy - the lock is held: name its holder (the pid it wrote) */
static void lock_busy(int fd, const char *dir, const char *path, char *err,
		      size_t errlen)
{
	char pid[32];
	ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);

	pid[n > 0 ? n : 0] = 0;
	pid[strcspn(pid, "\r\n")] = 0;
	snprintf(err, errlen, "queue %s is in use by x400d pid %s (it holds "
		 "the lock %s): one x400d per queue", dir, pid[0] ? pid :
		 "(unknown)", path);
}

/* lock_queue - one x400d per queue: an exclusive flock(2) on
 *	queue_dir/x400d.pid, which holds our pid as text, kept until we
 *	exit. Taken first, before listening or opening the store, so that
 *	a second x400d on the same queue stops at once and names the
 *	first. x400q never takes it. */
static int lock_queue(struct mtad *m, char *err, size_t errlen)
{
	const char *dir = m->cfg->queue_dir;
	char path[4200], pid[32];
	int fd, n;

	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make the queue %s: %s", dir,
			 strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, LOCK_FILE);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		snprintf(err, errlen, "cannot open the lock %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			lock_busy(fd, dir, path, err, errlen);
		else
			snprintf(err, errlen, "cannot lock %s: %s", path,
				 strerror(errno));
		close(fd);
		return -1;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	m->lock_fd = fd;
	return 0;
}

/* root_refused - started as root without global.user: x400d would run
 *	as root, reachable from the network, unless allow_root says that
 *	is meant */
static int root_refused(const struct cfg *cfg, char *err, size_t errlen)
{
	if (geteuid() != 0 || cfg->user || cfg->allow_root)
		return 0;
	snprintf(err, errlen, "started as root without global.user: x400d "
		 "will not run as root; set global.user (e.g. user = \"x400\";"
		 ") to give up root once listening, or set allow_root = true; "
		 "in global to run as root on purpose");
	return -1;
}

/* run_dir - a directory the run user writes (key names it): made with
 *	mode if missing and, when pw is given, given to pw. A directory
 *	that cannot be made is a warning: what needs it fails later and
 *	says so, as when it was made on first use. */
static int run_dir(struct mtad *m, const char *key, const char *dir,
		   mode_t mode, const struct passwd *pw, char *err,
		   size_t errlen)
{
	if (mkdir(dir, mode) != 0) {
		if (errno != EEXIST)
			mtad_log(m, LOG_WARNING, EV_CONFIG_WARNING, NULL, NULL,
				 "mtad", "cannot make %s %s: %s", key, dir,
				 strerror(errno));
		return 0;
	}
	if (pw && chown(dir, pw->pw_uid, pw->pw_gid) != 0) {
		snprintf(err, errlen, "cannot give %s %s to %s: %s", key, dir,
			 pw->pw_name, strerror(errno));
		return -1;
	}
	return 0;
}

/* run_dirs - before the drop, what the run user (pw; NULL: we stay who
 *	we are) writes: the mailboxes, the captures (0700: binds carry
 *	passwords), and the log file, which SIGHUP reopens after logrotate */
static int run_dirs(struct mtad *m, const struct passwd *pw, char *err,
		    size_t errlen)
{
	const struct cfg *c = m->cfg;

	if (run_dir(m, "routing.local_dir", c->local_dir ? c->local_dir :
		    "mailboxes", 0750, pw, err, errlen) != 0)
		return -1;
	if (c->pcap_dir && run_dir(m, "global.pcap_dir", c->pcap_dir, 0700,
				   pw, err, errlen) != 0)
		return -1;
	if (pw && c->log_file && c->log_facility < 0 &&
	    chown(c->log_file, pw->pw_uid, pw->pw_gid) != 0)
		mtad_log(m, LOG_WARNING, EV_CONFIG_WARNING, NULL, NULL, "mtad",
			 "cannot give the log %s to %s: %s; after logrotate, "
			 "SIGHUP may not reopen it", c->log_file, pw->pw_name,
			 strerror(errno));
	return 0;
}

/* drop_privileges - once the ports are bound: run as global.user,
 *	after giving it the queue and what run_dirs() makes */
static int drop_privileges(struct mtad *m, char *err, size_t errlen)
{
	struct passwd *pw;

	if (m->cfg->user == NULL || getuid() != 0)
		return run_dirs(m, NULL, err, errlen);
	if ((pw = getpwnam(m->cfg->user)) == NULL) {
		snprintf(err, errlen, "user \"%s\" does not exist",
			 m->cfg->user);
		return -1;
	}
	if (m->cfg->queue_dir) {
		mkdir(m->cfg->queue_dir, 0750);
		if (chown(m->cfg->queue_dir, pw->pw_uid, pw->pw_gid) != 0 ||
		    fchown(m->lock_fd, pw->pw_uid, pw->pw_gid) != 0) {
			snprintf(err, errlen, "cannot give %s to %s: %s",
				 m->cfg->queue_dir, m->cfg->user,
				 strerror(errno));
			return -1;
		}
	}
	if (run_dirs(m, pw, err, errlen) != 0)
		return -1;
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		snprintf(err, errlen, "cannot become %s: %s", m->cfg->user,
			 strerror(errno));
		return -1;
	}
	mtad_log(m, LOG_NOTICE, EV_DAEMON_START, NULL, NULL, "mtad",
		 "x400d %s listening; now running as %s (uid %u)",
		 X400_VERSION, m->cfg->user, (unsigned)pw->pw_uid);
	return 0;
}

/* seed - random octets for the rate limiter's hash */
static void seed(uint8_t s[16])
{
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd < 0 || read(fd, s, 16) != 16) {
		uint64_t t = (uint64_t)mtad_now_ms() ^ (uint64_t)getpid();

		memcpy(s, &t, 8);
		memcpy(s + 8, &t, 8);
	}
	if (fd >= 0)
		close(fd);
}

int mtad_start(struct mtad *m, uv_loop_t *loop, struct cfg *cfg, char *err,
	       size_t errlen)
{
	struct q_config qc;
	uint8_t s[16];
	size_t i;
	int rc;

	memset(m, 0, sizeof(*m));
	m->lock_fd = -1;
	m->loop = loop;
	m->cfg = cfg;
	m->started_at = mtad_now_ms();
	if (root_refused(cfg, err, errlen) != 0 ||
	    lock_queue(m, err, errlen) != 0)
		return -1;
	(void)mtad_fd_limit(m, cfg);	/* before the drop: root may raise
					 * the hard limit */
	m->here.gdi = cfg->gdi;
	m->here.mta = cfg->mta_name;
	m->seq = (uint64_t)mtad_now_ms();
	if ((m->routes = route_table_cfg(cfg, err, errlen)) == NULL)
		return -1;
	m->links = build_links(m, cfg);
	m->nlinks = cfg->nlinks;
	seed(s);
	m->rl = rl_new(&cfg->backoff, s);

	if (mtad_tls_start(m, err, errlen) != 0 ||
	    mtad_strong_start(m, err, errlen) != 0)
		return -1;
	for (i = 0; i < cfg->nlisten; i++) {
		const char *a = cfg->listen[i].addr;
		struct conn_listener *l;

		/* one listener for each configured address and port */
		rc = conn_listen(loop, &a, 1, cfg->listen[i].port,
				 mtad_in_accept, m, &l);
		if (rc != 0) {
			snprintf(err, errlen, "cannot listen on %s port %u: "
				 "%s", a, cfg->listen[i].port, uv_strerror(rc));
			return -1;
		}
		mtad_tls_listener(m, l, cfg->listen[i].tls, NULL);
		if (i == 0)
			m->listener = l;
		m->listeners = xrealloc(m->listeners,
					(i + 1) * sizeof(*m->listeners));
		m->listeners[i] = l;
		m->nlisteners = i + 1;
	}
	if (drop_privileges(m, err, errlen) != 0)
		return -1;
	memset(&qc, 0, sizeof(qc));
	qc.dir = cfg->queue_dir;
	qc.create = 1;
	qc.sync = cfg->sync == CFG_SYNC_NOSYNC ? Q_SYNC_NONE : Q_SYNC_FULL;
	if ((rc = q_open(&qc, &m->q)) != 0) {
		snprintf(err, errlen, "queue %s: %s", cfg->queue_dir,
			 q_strerror(rc));
		return -1;
	}
	rc = q_recover(m->q, 0);
	if (rc > 0)
		mtad_log(m, LOG_NOTICE, EV_STORE_OPEN, NULL, NULL, "store",
			 "%d recipients were in transfer when the last run "
			 "ended: queued again", rc);
	if ((rc = q_writer_start(m->q, loop)) != 0) {
		snprintf(err, errlen, "queue writer: %s", q_strerror(rc));
		return -1;
	}
	mtad_ops_start(m);

	uv_timer_init(loop, &m->tick);
	uv_timer_init(loop, &m->kick);
	uv_timer_init(loop, &m->hold);
	m->tick.data = m;
	m->kick.data = m;
	m->hold.data = m;
	uv_timer_start(&m->tick, on_tick, 10, TICK_MS);
	mtad_log(m, LOG_NOTICE, EV_DAEMON_START, NULL, NULL, "mtad",
		 "x400d %s started: MTA \"%s\" of %s, %zu links, %zu listen "
		 "addresses, queue %s", X400_VERSION, cfg->mta_name,
		 cfg->domain, cfg->nlinks, cfg->nlisten, cfg->queue_dir);
	mtad_gate_start(m);
	mtad_prune_start(m);
	mtad_ctl_start(m);
	mtad_metrics_start(m);
	return 0;
}

int mtad_reload(struct mtad *m, struct cfg *cfg, char *err, size_t errlen)
{
	struct route_table *t = route_table_cfg(cfg, err, errlen);
	struct mtad_link *ls;
	struct cfg_diff d;
	size_t i;

	if (t == NULL)
		return -1;
	(void)mtad_fd_limit(m, cfg);	/* larger limits: the soft one up */
	if (mtad_strong_reload(m, cfg, err, errlen) != 0) {
		route_table_free(t);
		return -1;
	}
	/* a renewed certificate, key or CA; files we cannot read now (the
	 * run user, after the privilege drop) keep the ones read before:
	 * not worth refusing the rest of the reload for (2048 says what
	 * failed) */
	(void)mtad_tls_cas(m, cfg, m->cfg, err, errlen);
	if (mtad_tls_reload(m, cfg, err, errlen) != 0)
		mtad_log(m, LOG_WARNING, EV_TLS_CONFIG, NULL, NULL, "tls",
			 "the TLS certificates were not read again (%s): the "
			 "ones read before stay in use", err);
	if (cfg_diff(m->cfg, cfg, &d)) {
		for (i = 0; i < d.nlink; i++)
			if (d.link[i].change != CFG_SAME)
				mtad_log(m, LOG_NOTICE, EV_CONFIG_LOADED, NULL,
					 d.link[i].name, "mtad", "link %s: %s",
					 d.link[i].change == CFG_ADDED ?
					 "added" : d.link[i].change ==
					 CFG_REMOVED ? "removed" : "changed",
					 d.link[i].keys ? d.link[i].keys : "");
		if (d.restart)
			mtad_log(m, LOG_WARNING, EV_CONFIG_RESTART_NEEDED, NULL,
				 NULL, "mtad", "these keys take effect only after "
				 "a restart: %s", d.restart);
	}
	cfg_diff_free(&d);
	/* Associations in progress keep their own copies of what they
	 * need; a removed link's outbound associations end after their
	 * transfer. */
	mtad_out_stop(m);
	ls = build_links(m, cfg);
	free(m->links);
	m->links = ls;
	m->nlinks = cfg->nlinks;
	route_table_free(m->routes);
	m->routes = t;
	cfg_free(m->cfg);
	free(m->cfg);
	m->cfg = cfg;
	m->here.gdi = cfg->gdi;
	m->here.mta = cfg->mta_name;
	mtad_log(m, LOG_NOTICE, EV_CONFIG_RELOADED, NULL, NULL, "mtad",
		 "configuration reloaded: %zu links; the queue is untouched",
		 cfg->nlinks);
	mtad_kick(m);
	return 0;
}

/* on_drain - stopping: once no association is left (or after a grace
 *	period, when the rest are aborted), stop the queue's writer,
 *	whose handle is the last one keeping the loop alive */
static void on_drain(uv_timer_t *t)
{
	struct mtad *m = t->data;
	int64_t waited = mtad_now_ms() - m->stop_at;

	if (waited > 3000 && m->nin > 0)
		mtad_in_stop(m);
	if (waited > 6000 && m->nout > 0)
		mtad_out_abort_all(m);
	if ((m->nin > 0 || m->nout > 0) && waited < 10000)
		return;
	uv_timer_stop(t);
	uv_close((uv_handle_t *)t, NULL);
	if (m->q) {
		q_writer_stop(m->q);
		q_close(m->q);
		m->q = NULL;
	}
}

void mtad_stop(struct mtad *m)
{
	uint64_t commits = 0, ops = 0;
	size_t i;

	if (m->stopping)
		return;
	m->stopping = 1;
	uv_timer_stop(&m->tick);
	uv_timer_stop(&m->kick);
	uv_timer_stop(&m->hold);
	uv_close((uv_handle_t *)&m->tick, NULL);
	uv_close((uv_handle_t *)&m->kick, NULL);
	uv_close((uv_handle_t *)&m->hold, NULL);
	for (i = 0; i < m->nlisteners; i++)
		conn_listener_close(m->listeners[i]);
	mtad_gate_stop(m);
	mtad_prune_stop(m);
	mtad_ctl_stop(m);
	mtad_metrics_stop(m);
	mtad_ping_stop(m);
	mtad_out_stop(m);
	q_commits(m->q, &commits, &ops);
	/* inbound peers get a moment to finish a transfer, then abort */
	m->stop_at = mtad_now_ms();
	uv_timer_init(m->loop, &m->drain);
	m->drain.data = m;
	uv_timer_start(&m->drain, on_drain, 100, 100);
	mtad_log(m, LOG_NOTICE, EV_DAEMON_STOP, NULL, NULL, "mtad",
		 "x400d stopping: %lu arrived, %lu relayed, %lu delivered, "
		 "%lu reports; %lu queue commits of %lu submissions",
		 (unsigned long)m->arrived, (unsigned long)m->relayed,
		 (unsigned long)m->delivered, (unsigned long)m->reported,
		 (unsigned long)commits, (unsigned long)ops);
}

void mtad_free(struct mtad *m)
{
	if (m->q) {
		q_writer_stop(m->q);
		q_close(m->q);
	}
	mtad_tls_stop(m);
	mtad_strong_stop(m);
	route_table_free(m->routes);
	rl_free(m->rl);
	free(m->links);
	free(m->listeners);
	free(m->waits);
	if (m->cfg) {
		cfg_free(m->cfg);
		free(m->cfg);
	}
	if (m->lock_fd >= 0)
		close(m->lock_fd);	/* the file stays: the lock is what
					 * counts, not its existence */
}
