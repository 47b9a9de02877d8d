/*
 * log.h - numbered events, one JSON object (or text line) per line
 *
 * SYNOPSIS
 *	#include "log.h"
 *
 *	log_open(path, min_level);
 *	struct log_who who = { .peer = "127.0.0.2:40001", .link = "to-B",
 *			       .layer = "ses" };
 *	log_ev(LOG_WARNING, EV_SES_BAD_SPDU, &who, "SI %u in state %s",
 *	       si, name);
 *	log_set_sink(fn, arg);
 *
 * DESCRIPTION
 *	Every event an operator may need to act on has a number with a
 *	stable meaning (events.h), like Exchange's event IDs. A line reads
 *
 *	    {"ts":"2026-11-30T23:01:02.123Z","level":"warning","event":2104,
 *	     "name":"ses-bad-spdu","layer":"ses","peer":"127.0.0.2:40001",
 *	     "link":"to-B","msg":"SI 99 in state STA02A"}
 *
 *	Each refusal or abort names the peer, the layer and the field.
 *	log_set_sink() adds a function that sees every event (tests use it
 *	to assert that an event was logged); the JSON line is still written.
 *
 *	Not thread-safe by design: every caller is on the libuv loop thread,
 *	except the store's writer thread, which only reports through the
 *	loop.
 *
 * OWNERSHIP
 *	The strings in a struct log_who are borrowed for the call only.
 */
#ifndef X400_LOG_H
#define X400_LOG_H

#include <stdio.h>

#include "events.h"

enum log_level {
	LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING, LOG_ERR
};

/* Who an event is about; any member may be NULL. */
struct log_who {
	const char	*peer;	/* "address:port" of the remote side */
	const char	*link;	/* configured link name */
	const char	*layer;	/* "tpkt", "cotp", "ses", "pres", "acse",
				 * "rtse", "p1", "store", ... */
};

struct log_rec {
	enum log_level	level;
	unsigned	event;
	const char	*name;	/* from events.h */
	const struct log_who *who;
	const char	*msg;
};

typedef void log_sink_fn(const struct log_rec *rec, void *arg);

enum log_format { LOG_FMT_JSON, LOG_FMT_TEXT };

/* log_open - write to path (append), or to stderr when path is NULL;
 *	returns 0 or -errno. */
int	log_open(const char *path, enum log_level min);
/* log_open_syslog - write to syslog(3) (journald reads it too) with
 *	ident and a facility from log_syslog.h's logsys_facility() */
int	log_open_syslog(const char *ident, int facility, enum log_level min);
/* log_reopen - open log_open()'s path again (after logrotate moved the
 *	file); 0, or -errno with the old file kept. Nothing to do for
 *	stderr or syslog. */
int	log_reopen(void);
/* log_set_format - JSON objects (the default) or text lines:
 *	"TS LEVEL EVENT NAME [layer peer link]: msg" */
void	log_set_format(enum log_format f);
void	log_close(void);
/* log_set_sink - also pass every event to fn (NULL removes it) */
void	log_set_sink(log_sink_fn *fn, void *arg);
/* log_quiet - write no lines at all (the sink still sees events) */
void	log_quiet(int quiet);

void	log_ev(enum log_level level, unsigned event,
	       const struct log_who *who, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

const char *log_event_name(unsigned event);
/* log_events_print - every event, one line each: number TAB name TAB
 *	meaning (x400d -E; docs/events.md is checked against it) */
void	log_events_print(FILE *fp);

#endif
