/*
 * log.c - numbered events, one JSON object per line
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

static FILE *log_fp;
static int log_own_fp;
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
	return 0;
}

void log_close(void)
{
	if (log_own_fp && log_fp)
		fclose(log_fp);
	log_fp = NULL;
	log_own_fp = 0;
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

void log_ev(enum log_level level, unsigned event, const struct log_who *who,
	    const char *fmt, ...)
{
	static const struct log_who nobody;
	struct log_rec rec;
	char msg[1024], ts[96];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	json_t *o;
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

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
	o = json_object();
	put(o, "ts", ts);
	put(o, "level", level_names[level]);
	json_object_set_new(o, "event", json_integer(event));
	put(o, "name", rec.name);
	put(o, "layer", who->layer);
	put(o, "peer", who->peer);
	put(o, "link", who->link);
	put(o, "msg", msg);
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (line) {
		fprintf(log_fp ? log_fp : stderr, "%s\n", line);
		free(line);
	}
}
