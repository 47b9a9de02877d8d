/*
 * log_syslog.h - syslog(3) for log.c (internal to lib/)
 *
 *	logsys_facility("mail")   -> LOG_MAIL, or -1 for an unknown name
 *	logsys_open(ident, facility); logsys_write(level, line);
 *
 *	level is log.h's enum log_level as an int (debug 0 .. error 4).
 *	The facility names are syslog.conf's: mail, daemon, user,
 *	local0 .. local7.
 */
#ifndef X400_LOG_SYSLOG_H
#define X400_LOG_SYSLOG_H

int	logsys_facility(const char *name);
const char *logsys_facility_name(int facility);
void	logsys_open(const char *ident, int facility);
void	logsys_close(void);
void	logsys_write(int level, const char *line);

#endif
