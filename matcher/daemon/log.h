/*
 * Logging to stderr, one line per event, with a level (relayd log.c).
 * fatal/fatalx are for start-up and impossible states only.
 */
#ifndef MATCHER_LOG_H
#define MATCHER_LOG_H

#include <stdarg.h>

#include "conf.h"

void	log_init(int level);		/* enum conf_loglevel */
void	log_setlevel(int level);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
