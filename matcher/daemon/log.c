/*
 * stderr logger: "2026-11-29T08:00:00Z level message".  The _warn and
 * fatal variants append strerror(errno).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static int log_level = CONF_LOG_INFO;

void
log_init(int level)
{
	log_level = level;
}

void
log_setlevel(int level)
{
	log_level = level;
}

static void
vlog(int level, const char *tag, int with_errno, const char *fmt,
    va_list ap)
{
	char ts[32], msg[2048];
	struct tm tm;
	time_t now;
	int saved = errno;

	if (level > log_level)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno)
		fprintf(stderr, "%s %s %s: %s\n", ts, tag, msg,
		    strerror(saved));
	else
		fprintf(stderr, "%s %s %s\n", ts, tag, msg);
	fflush(stderr);
}

#define LOGFN(name, level, tag, with_errno)				\
void									\
name(const char *fmt, ...)						\
{									\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	vlog(level, tag, with_errno, fmt, ap);				\
	va_end(ap);							\
}

LOGFN(log_error, CONF_LOG_ERROR, "error", 0)
LOGFN(log_warn, CONF_LOG_WARN, "warn", 1)
LOGFN(log_warnx, CONF_LOG_WARN, "warn", 0)
LOGFN(log_info, CONF_LOG_INFO, "info", 0)
LOGFN(log_debug, CONF_LOG_DEBUG, "debug", 0)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(CONF_LOG_ERROR, "fatal", 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(CONF_LOG_ERROR, "fatal", 0, fmt, ap);
	va_end(ap);
	exit(1);
}
