/*
 * log.c - numbered events, one JSON object or text line each
 *
 * See log.h. jansson writes the JSON, so every string is escaped right.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "log.h"
#include "log_syslog.h"
#include "xalloc.h"

static FILE *log_fp;
static int log_own_fp;
static char *log_path;		/* what log_reopen() opens again */
static int log_syslog;		/* 1: lines go to syslog(3) */
static enum log_format log_fmt = LOG_FMT_JSON;
static enum log_level log_min = LOG_INFO;
static log_sink_fn *log_sink;
static void *log_sink_arg;
static int log_silent;

static const char *const level_names[] = {
	"debug", "info", "notice", "warning", "error"
};

const char *log_event_name(unsigned event)
{
	switch (event) {
#define EVENT(num, cname, name, meaning) case num: return name;
	EVENT_LIST
#undef EVENT
	}
	return "unknown-event";
}

void log_events_print(FILE *fp)
{
#define EVENT(num, cname, name, meaning) \
	fprintf(fp, "%u\t%s\t%s\n", (unsigned)num, name, meaning);
	EVENT_LIST
#undef EVENT
}

int log_open(const char *path, enum log_level min)
{
	log_close();
	log_min = min;
	if (path == NULL)
		return 0;
	if ((log_fp = fopen(path, "a")) == NULL)
		return -errno;
	setvbuf(log_fp, NULL, _IOLBF, 0);
	log_own_fp = 1;
	log_path = xstrdup(path);
	return 0;
}

int log_open_syslog(const char *ident, int facility, enum log_level min)
{
	log_close();
	log_min = min;
	logsys_open(ident, facility);
	log_syslog = 1;
	return 0;
}

int log_reopen(void)
{
	FILE *fp;

	if (log_path == NULL)
		return 0;
	if ((fp = fopen(log_path, "a")) == NULL)
		return -errno;
	setvbuf(fp, NULL, _IOLBF, 0);
	fclose(log_fp);
	log_fp = fp;
	return 0;
}

void log_set_format(enum log_format f)
{
	log_fmt = f;
}

void log_close(void)
{
	if (log_own_fp && log_fp)
		fclose(log_fp);
	log_fp = NULL;
	log_own_fp = 0;
	free(log_path);
	log_path = NULL;
	if (log_syslog)
		logsys_close();
	log_syslog = 0;
}

void log_set_sink(log_sink_fn *fn, void *arg)
{
	log_sink = fn;
	log_sink_arg = arg;
}

void log_quiet(int quiet)
{
	log_silent = quiet;
}

/* put - add a string member unless it is NULL */
static void put(json_t *o, const char *key, const char *val)
{
	if (val)
		json_object_set_new(o, key, json_string(val));
}

/* json_line - the event as one JSON object (malloc'd, or NULL) */
static char *json_line(const char *ts, const struct log_rec *r)
{
	json_t *o = json_object();
	char *line;

	put(o, "ts", ts);
	put(o, "level", level_names[r->level]);
	json_object_set_new(o, "event", json_integer(r->event));
	put(o, "name", r->name);
	put(o, "layer", r->who->layer);
	put(o, "peer", r->who->peer);
	put(o, "link", r->who->link);
	put(o, "msg", r->msg);
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return line;
}

/* text_line - "[TS LEVEL ]EVENT NAME [layer peer link]: msg"; control
 *	characters become '?', so one event is one line */
static void text_line(char *out, size_t size, const char *ts,
		      const struct log_rec *r)
{
	const struct log_who *w = r->who;
	size_t n = 0;
	char *p;

	if (ts)
		n = (size_t)snprintf(out, size, "%s %s ", ts,
				     level_names[r->level]);
	if (n < size)
		n += (size_t)snprintf(out + n, size - n, "%u %s", r->event,
				      r->name);
	if (n < size && (w->layer || w->peer || w->link))
		n += (size_t)snprintf(out + n, size - n, " [%s%s%s%s%s]",
				      w->layer ? w->layer : "",
				      w->layer && (w->peer || w->link) ? " " : "",
				      w->peer ? w->peer : "",
				      w->peer && w->link ? " " : "",
				      w->link ? w->link : "");
	if (n < size)
		snprintf(out + n, size - n, ": %s", r->msg);
	for (p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

void log_ev(enum log_level level, unsigned event, const struct log_who *who,
	    const char *fmt, ...)
{
	static const struct log_who nobody;
	struct log_rec rec;
	char msg[1024], ts[96], text[1400];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	char *line;

	if (who == NULL)
		who = &nobody;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rec.level = level;
	rec.event = event;
	rec.name = log_event_name(event);
	rec.who = who;
	rec.msg = msg;
	if (log_sink)
		log_sink(&rec, log_sink_arg);
	if (log_silent || level < log_min)
		return;
	if (log_syslog) {	/* syslog stamps the time and the level */
		if (log_fmt == LOG_FMT_JSON && (line = json_line(NULL, &rec))) {
			logsys_write((int)level, line);
			free(line);
		} else {
			text_line(text, sizeof(text), NULL, &rec);
			logsys_write((int)level, text);
		}
		return;
	}
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
	if (log_fmt == LOG_FMT_TEXT) {
		text_line(text, sizeof(text), ts, &rec);
		fprintf(log_fp ? log_fp : stderr, "%s\n", text);
	} else if ((line = json_line(ts, &rec)) != NULL) {
		fprintf(log_fp ? log_fp : stderr, "%s\n", line);
		free(line);
	}
}
