/*
 * x400q.h - what the parts of x400q share
 *
 * SYNOPSIS
 *	#include "x400q.h"
 *
 * DESCRIPTION
 *	x400q is one program in several files, one per command group:
 *
 *	  x400q.c		the manual (usage_text), the commands table, main
 *	  x400q_common.c	errors, opening the store, times and ages,
 *				messages copied out of a snapshot, JSON
 *	  x400q_list.c		list
 *	  x400q_show.c		show, journal
 *	  x400q_stats.c		stats, check
 *	  x400q_act.c		hold, release, delete, retry, reroute
 *	  x400q_cfg.c		x400d's configuration: the queue, the
 *				operator, the checks of a reroute
 *	  x400q_ctl.c		links, ping, status, ctl: asking the
 *				running x400d on its control socket;
 *				retry's request to it
 *
 *	Every command is int cmd_NAME(argc, argv) with argv[0] the command;
 *	it returns the exit status (0 success, 1 failure, 2 usage error).
 *	Nothing here is used outside x400q.
 */
#ifndef X400_X400Q_H
#define X400_X400Q_H

#include <jansson.h>
#include <stdint.h>
#include <stddef.h>

#include "q.h"

#define CHUNK			512	/* messages read per snapshot */

/* set by main from the global options */
extern int json_mode;			/* -j: one JSON document */
extern const char *store_dir;		/* -d, -c's queue_dir, $X400_QUEUE
					 * or the default */
extern const char *config_path;		/* -c, $X400_CONFIG or x400d's
					 * default */

struct cfg;
/* load_config - x400d's configuration, read once (no secrets, no name
 *	resolution); NULL with the reason in why */
const struct cfg *load_config(char *why, size_t n);
/* operator_name - the Unix user running x400q (getpwuid(getuid())),
 *	named in the journal entry of every change */
const char *operator_name(void);
/* reroute_check - may message id's recipients (idx, or every pending
 *	one) go to link: a configured link that can send, or "local" for
 *	recipients our routing delivers here? 0 (*out, when set, the
 *	indexes to move), 1 refused with why, or a store error */
int	reroute_check(struct q *q, uint64_t id, const char *link,
		      const uint32_t *idx, size_t nidx, uint32_t **out,
		      size_t *nout, char *why, size_t n);

/* die_usage - a usage error on stderr; returns 2 */
int	die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* fail - report a failure (stderr, and a JSON error object with -j);
 *	returns 1 */
int	fail(const char *what, int err);
/* refuse - a command refused for a reason of ours (not the store's):
 *	stderr, and a JSON error object with -j; returns 1 */
int	refuse(const char *what, const char *why);
/* open_store - the store, read-only unless writing; NULL (reported) if
 *	it does not open */
struct q *open_store(int write);

/* fmt_time - ISO 8601 UTC, "-" for 0; fmt_age - "3d04h", "42s" */
const char *fmt_time(int64_t t, char *buf, size_t n);
const char *fmt_age(int64_t s, char *buf, size_t n);
/* fmt_size - octets for people: "812", "4.0K", "1.2M", "3.5G" (1024s;
 *	--json keeps the exact figure) */
const char *fmt_size(uint64_t v, char *buf, size_t n);
/* parse_age - "90", "90s", "15m", "2h", "3d", "1w" in seconds; -1 bad */
int64_t	parse_age(const char *s);
/* parse_id - a message id; 0 if not one */
uint64_t parse_id(const char *s);
/* collect_ids - the ids in argv[first..argc-1], where "-" reads one id
 *	per line (its first word; blank and # lines skipped) from standard
 *	input; *ids is malloc'd (the caller frees it). 0, or 2 after a
 *	usage error (none at all is one) */
int	collect_ids(int argc, char **argv, int first, const char *cmd,
		    uint64_t **ids, size_t *n);

/* A message and its recipients, copied out of a snapshot */
struct msg_copy {
	struct q_msg	m;
	struct q_rcpt	*r;
	uint32_t	n;
	int		bad;		/* a record did not decode */
};

/* copy_msg - a message record with its own strings (no recipients) */
void	copy_msg(struct msg_copy *c, const struct q_msg *m);
/* load_rcpts - copy every recipient of c->m.id */
int	load_rcpts(struct q_rd *rd, struct msg_copy *c);
void	free_msg(struct msg_copy *c);
/* read_chunk - up to CHUNK messages from id *from on, in one short
 *	snapshot; *from moves past them. Returns how many, or an error. */
int	read_chunk(struct q *q, uint64_t *from, struct msg_copy *out);

/* json_msg - a message (and its recipients) as JSON */
json_t	*json_msg(const struct msg_copy *c, int64_t now);
/* json_out - print and free a JSON document */
void	json_out(json_t *o);

/* The commands */
int	cmd_list(int argc, char **argv);	/* x400q_list.c */
int	cmd_show(int argc, char **argv);	/* x400q_show.c */
int	cmd_journal(int argc, char **argv);
int	cmd_stats(int argc, char **argv);	/* x400q_stats.c */
int	cmd_shape(int argc, char **argv);	/* x400q_shape.c */
int	cmd_check(int argc, char **argv);
int	cmd_hold(int argc, char **argv);	/* x400q_act.c: also release */
int	cmd_delete(int argc, char **argv);
int	cmd_retry(int argc, char **argv);
int	cmd_reroute(int argc, char **argv);
int	cmd_links(int argc, char **argv);	/* x400q_ctl.c */
int	cmd_ping(int argc, char **argv);
int	cmd_status(int argc, char **argv);
int	cmd_watch(int argc, char **argv);
int	cmd_ctl(int argc, char **argv);

/* The control socket of the running x400d (x400q_ctl.c) */
#define CTL_DOWN	(-2)	/* x400d is not running */
/* ctl_call - one JSON request, its JSON reply, waiting at most ms; 0,
 *	CTL_DOWN or -1, with why */
int	ctl_call(json_t *req, json_t **reply, int ms, char *why, size_t n);
/* ctl_retry - x400d makes them due and connects at once: the exit
 *	status, or CTL_DOWN (noted on stderr) to change the queue alone */
int	ctl_retry(const char *link, uint64_t id, const uint32_t *idx,
		  size_t nidx);
/* ctl_links_quiet - x400d's links array (the caller decrefs), or NULL
 *	when x400d does not answer (nothing printed) */
json_t	*ctl_links_quiet(void);
/* ctl_link_find - the link of that name in links, or NULL (borrowed) */
json_t	*ctl_link_find(json_t *links, const char *name);
/* ctl_link_why - print why a recipient waits on link l: its state, last
 *	error and x400d's next attempt (one indented line) */
void	ctl_link_why(json_t *l, int64_t now);

#endif
