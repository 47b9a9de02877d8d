/*
 * mtad_fdlim.c - enough file descriptors for the associations configured
 *
 * See mtad.h. Every association is a socket, so max_associations_in and
 * _out set how many descriptors x400d may need at once: the bound ones,
 * the callers still waiting for their bind (prebind_max strangers; a
 * reserved caller is counted once bound), and a margin for the listen
 * sockets, the log, the store, the control socket and metrics clients.
 * A service manager's default soft limit (systemd: 1024) is below that
 * once max_associations_in passes about 900, and the accept that runs
 * out fails with EMFILE: a configured peer turned away with no word in
 * the log. So x400d raises its soft limit to what the configuration
 * needs, up to the hard limit; started as root, before the privilege
 * drop, it raises the hard limit too when it must (which a container
 * without CAP_SYS_RESOURCE may refuse). A limit still short is logged
 * (1008 fd-limit) with the keys and the fix, and x400d -t says so.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mtad.h"

#define FD_MARGIN	64	/* listeners, log, store, ctl, metrics */

unsigned long mtad_fd_need(const struct cfg *c)
{
	return (unsigned long)c->max_assoc_in + c->max_assoc_out +
	       c->prebind_max + FD_MARGIN;
}

/* need_text - the sum, named by its keys, for the messages */
static void need_text(const struct cfg *c, char *buf, size_t n)
{
	snprintf(buf, n, "%lu (max_associations_in %u + max_associations_out "
		 "%u + prebind_max %u + %d for listeners, log, store and "
		 "control)", mtad_fd_need(c), c->max_assoc_in,
		 c->max_assoc_out, c->prebind_max, FD_MARGIN);
}

int mtad_fd_limit(struct mtad *m, const struct cfg *c)
{
	struct rlimit rl, was;
	unsigned long need = mtad_fd_need(c);
	char why[200];

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	was = rl;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need &&
	    geteuid() == 0) {
		struct rlimit up = { need, need };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	if (rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
			      rl.rlim_max >= need ? need : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			rl = was;
	}
	need_text(c, why, sizeof(why));
	if (rl.rlim_cur >= need) {
		mtad_log(m, LOG_NOTICE, EV_FD_LIMIT, NULL, NULL, "mtad",
			 "descriptor limit raised from %lu to %lu (hard %lu): "
			 "the configuration needs %s",
			 (unsigned long)was.rlim_cur,
			 (unsigned long)rl.rlim_cur,
			 (unsigned long)rl.rlim_max, why);
		return 0;
	}
	mtad_log(m, LOG_WARNING, EV_FD_LIMIT, NULL, NULL, "mtad",
		 "descriptor limit %lu (hard %lu) is below the %s: "
		 "connections past it fail (EMFILE); raise the hard limit "
		 "(LimitNOFILE in the service unit, ulimit -Hn) or lower "
		 "max_associations_in", (unsigned long)rl.rlim_cur,
		 (unsigned long)rl.rlim_max, why);
	return 1;
}

int mtad_fd_check(const struct cfg *c, char *buf, size_t n)
{
	struct rlimit rl;
	unsigned long need = mtad_fd_need(c);
	char why[200];

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_max == RLIM_INFINITY
	    || rl.rlim_max >= need)
		return 0;
	if (geteuid() == 0) {	/* as start-up would: this process only */
		struct rlimit up = { need, need };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			return 0;
	}
	need_text(c, why, sizeof(why));
	snprintf(buf, n, "the hard descriptor limit %lu is below the %s, and "
		 "%s: connections past it will fail (EMFILE)",
		 (unsigned long)rl.rlim_max, why, geteuid() == 0 ?
		 "root may not raise it here (no CAP_SYS_RESOURCE)" :
		 "only root may raise it");
	return 1;
}
