/*
 * What every part of matchctl shares.  One run is one command: main()
 * reads the global options (-s, --token, --json, --timeout, the terminal
 * width) and the command's arguments, and the command, its printers and
 * the connection all read them; they travel in struct ctl and struct opts
 * rather than as globals.  Also the exit statuses, and dying with a
 * message, which any part may do.
 */
#ifndef MATCHER_CTL_H
#define MATCHER_CTL_H

#include <jansson.h>

#include "ctl_conn.h"

/* 0 done; see matchctl.c for what each means. */
enum {
	EXIT_REFUSED = 1,
	EXIT_CONN = 2,
	EXIT_USAGE = 64
};

/* The global options, and the connection once a command opens it. */
struct ctl {
	const char	*server;
	const char	*token;		/* sent as auth first; NULL: none */
	double		 timeout;
	int		 json;
	int		 width;
	struct conn	 conn;
	int		 connected;
};

/* A command's arguments, parsed by matchctl.c. */
struct opts {
	const char	*pos[3];
	int		 npos;
	json_t		*sectors;	/* arrays of strings, from repeats */
	json_t		*sources;
	json_t		*filters;	/* candidate list: "NAME=VALUE" */
	long		 count;		/* -1 when absent */
	long		 limit;
	int		 all;
	const char	*reason;
	const char	*note;
	const char	*format;	/* "csv", "json" or NULL */
	const char	*operation;	/* clause report filters */
	const char	*contractor;
	int		 behind;
};

/* "matchctl: message" on stderr, after what stdout holds; exit status. */
void	ctl_die(int status, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));
/* "METHOD: code: message (field)" for a server error map; exit 1. */
void	ctl_die_server(const char *method, const json_t *error)
	    __attribute__((noreturn));
/*
 * The usage of the command being run on stderr, then exit 64.  The text
 * is the command table's, in matchctl.c, which sets it at start-up.
 */
void	ctl_usage(void) __attribute__((noreturn));
void	ctl_set_usage(void (*)(void));

static inline const char *
jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* A string member, dflt when absent: for printing. */
static inline const char *
jstr_or(const json_t *obj, const char *key, const char *dflt)
{
	const char *s = jstr(obj, key);

	return s != NULL ? s : dflt;
}

static inline const char *
jtext(const json_t *obj, const char *key)
{
	return jstr_or(obj, key, "?");
}

/* An integer member, 0 when absent: for printing. */
static inline long long
jint(const json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

#endif
