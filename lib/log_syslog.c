/*
 * log_syslog.c - the syslog side of log.c
 *
 * Kept apart from log.c because <syslog.h> defines LOG_DEBUG .. LOG_ERR
 * as macros, the same names as log.h's levels. Here only syslog's
 * names are seen; log.c passes its level as an index (debug 0 .. error 4).
 */
#include <string.h>
#include <syslog.h>

#include "log_syslog.h"

static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

/* debug, info, notice, warning, error: log.h's order */
static const int priorities[] = {
	LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING, LOG_ERR
};

static int opened;

int logsys_facility(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(facilities[i].name, name) == 0)
			return facilities[i].facility;
	return -1;
}

const char *logsys_facility_name(int facility)
{
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (facilities[i].facility == facility)
			return facilities[i].name;
	return "?";
}

void logsys_open(const char *ident, int facility)
{
	openlog(ident, LOG_PID | LOG_NDELAY, facility);
	opened = 1;
}

void logsys_close(void)
{
	if (opened)
		closelog();
	opened = 0;
}

void logsys_write(int level, const char *line)
{
	if (level < 0 || level > 4)
		level = 4;
	syslog(priorities[level], "%s", line);
}
