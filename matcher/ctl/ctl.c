/*
 * Dying with a message, or with the usage: what every part of matchctl
 * does on an error it cannot go on from (ctl.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"

void
ctl_die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("matchctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void
ctl_die_server(const char *method, const json_t *error)
{
	const char *field = jstr(error, "field");

	ctl_die(EXIT_REFUSED, "%s: %s: %s%s%s%s", method, jtext(error, "code"),
	    jstr_or(error, "message", ""), field ? " (" : "",
	    field ? field : "", field ? ")" : "");
}

static void (*usage_fn)(void);

void
ctl_set_usage(void (*fn)(void))
{
	usage_fn = fn;
}

void
ctl_usage(void)
{
	if (usage_fn != NULL)
		usage_fn();
	exit(EXIT_USAGE);
}
