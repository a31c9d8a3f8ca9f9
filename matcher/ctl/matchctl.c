/*
 * matchctl: command-line client of matcherd.
 *
 * Reads records as JSON (one object, an array of objects or JSON Lines)
 * or CSV (docs/CSV.md), and writes candidates and suggestions as CSV;
 * sends them as MessagePack-RPC requests over one blocking-with-timeout TCP
 * connection, and prints the replies as tables for people or as JSON for
 * scripts (--json).  Bulk loads are pipelined: up to CTL_WINDOW requests
 * are in flight, so a million candidates load at the daemon's speed rather
 * than at one round trip each.  Replies are framed with frame_scan() so a
 * broken or hostile server cannot make the client allocate without bound.
 *
 * With a token (--token or $MATCHCTL_TOKEN), every connection sends auth
 * first (ctl_conn.c).  The variable is the safer: other users of the
 * machine can read a command line.  matchctl never prints the token.
 *
 * This file holds main(), the table of commands and the parsing of the
 * command line; each command is in the ctl_*.c of its records.
 *
 * Exit status: 0 done, 1 the server refused something (or a record was
 * rejected), 2 connection or protocol failure, 64 bad usage.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"
#include "ctl_candidate.h"
#include "ctl_clause.h"
#include "ctl_conn.h"
#include "ctl_digest.h"
#include "ctl_export.h"
#include "ctl_offer.h"
#include "ctl_output.h"
#include "ctl_server.h"
#include "ctl_user.h"
#include "utf8.h"

#define CTL_DEFAULT_SERVER	"127.0.0.1:7420"
#define CTL_DEFAULT_TIMEOUT	30.0	/* seconds per wait; 0 = forever */

/* Command-line options after the command words. */
enum {
	OPT_SECTOR = 0x01,
	OPT_SOURCE = 0x02,
	OPT_COUNT = 0x04,
	OPT_ALL = 0x08,
	OPT_LIMIT = 0x10,
	OPT_REASON = 0x20,
	OPT_NOTE = 0x40,
	OPT_FORMAT = 0x80,
	OPT_OPERATION = 0x100,
	OPT_CONTRACTOR = 0x200,
	OPT_BEHIND = 0x400,
	OPT_FILTER = 0x800
};

struct command {
	const char	*group;
	const char	*name;		/* NULL for one-word commands */
	int		(*run)(struct ctl *, struct opts *);
	int		 minpos, maxpos;
	int		 options;
	const char	*usage;
};

static void	usage(const struct command *) __attribute__((noreturn));

static const struct command commands[] = {
	{ "ping", NULL, ctl_server_ping, 0, 0, 0, "ping" },
	{ "candidate", "put", ctl_candidate_put, 1, 1, 0,
	    "candidate put FILE|-" },
	{ "candidate", "get", ctl_candidate_get, 1, 1, 0,
	    "candidate get ID" },
	{ "candidate", "delete", ctl_candidate_delete, 1, 1, 0,
	    "candidate delete ID" },
	{ "candidate", "erase", ctl_candidate_erase, 2, 2, 0,
	    "candidate erase ID request|objection|error|retention" },
	{ "candidate", "export", ctl_candidate_export, 1, 1, 0,
	    "candidate export ID" },
	{ "candidate", "match", ctl_candidate_match, 1, 1, OPT_LIMIT,
	    "candidate match ID [--limit N]" },
	{ "candidate", "follow", ctl_candidate_follow, 1, 1, 0,
	    "candidate follow ID" },
	{ "candidate", "unfollow", ctl_candidate_unfollow, 1, 1, 0,
	    "candidate unfollow ID" },
	{ "candidate", "following", ctl_candidate_following, 0, 0, 0,
	    "candidate following" },
	{ "candidate", "list", ctl_candidate_list, 0, 0,
	    OPT_SECTOR | OPT_COUNT | OPT_ALL | OPT_FILTER,
	    "candidate list [--sector S] [--filter NAME=VALUE]... [--count N] "
	    "[--all]" },
	{ "offer", "put", ctl_offer_put, 1, 1, OPT_LIMIT,
	    "offer put FILE|- [--limit N]" },
	{ "offer", "get", ctl_offer_get, 1, 1, 0, "offer get ID" },
	{ "import", "candidates", ctl_candidate_put, 1, 1, OPT_FORMAT,
	    "import candidates FILE|- [--format csv|json]" },
	{ "import", "offers", ctl_offer_put, 1, 1, OPT_FORMAT | OPT_LIMIT,
	    "import offers FILE|- [--format csv|json|francetravail] "
	    "[--limit N]" },
	{ "export", "candidates", ctl_export_candidates, 0, 1, OPT_SECTOR,
	    "export candidates --sector S [FILE|-]" },
	{ "export", "suggestions", ctl_export_suggestions, 1, 2, 0,
	    "export suggestions OFFER [FILE|-]" },
	{ "offer", "match", ctl_offer_match, 1, 1, OPT_LIMIT,
	    "offer match ID [--limit N]" },
	{ "offer", "close", ctl_offer_close, 1, 1, OPT_REASON,
	    "offer close ID [--reason TEXT]" },
	{ "digest", NULL, ctl_digest, 0, 0, OPT_SECTOR | OPT_COUNT,
	    "digest [--sector S]... [--count N]" },
	{ "watch", NULL, ctl_offer_watch, 0, 0, OPT_SECTOR | OPT_SOURCE,
	    "watch [--sector S]... [--source S]..." },
	{ "referral", NULL, ctl_offer_referral, 3, 3, OPT_NOTE,
	    "referral OFFER CANDIDATE STATUS [--note TEXT]" },
	{ "clause", "put", ctl_clause_put, 1, 1, 0, "clause put FILE|-" },
	{ "clause", "get", ctl_clause_get, 1, 1, 0, "clause get ID" },
	{ "clause", "list", ctl_clause_list, 0, 0, OPT_COUNT,
	    "clause list [--count N]" },
	{ "clause", "report", ctl_clause_report, 0, 0,
	    OPT_OPERATION | OPT_CONTRACTOR | OPT_BEHIND | OPT_COUNT,
	    "clause report [--operation ID] [--contractor ID] [--behind] "
	    "[--count N]" },
	{ "duplicates", NULL, ctl_offer_duplicates, 0, 3, OPT_COUNT,
	    "duplicates [--count N] | duplicates merge|dismiss OFFER OTHER" },
	{ "stats", NULL, ctl_server_stats, 0, 0, 0, "stats" },
	{ "call", NULL, ctl_server_call, 1, 2, 0, "call METHOD [JSON-PARAMS]" },
	{ "user", "new", ctl_user_new, 3, 3, 0, "user new NAME ROLE SECTORS" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct optdef {
	const char	*name;
	int		 flag;
} optdefs[] = {
	{ "sector", OPT_SECTOR },
	{ "source", OPT_SOURCE },
	{ "count", OPT_COUNT },
	{ "all", OPT_ALL },
	{ "limit", OPT_LIMIT },
	{ "reason", OPT_REASON },
	{ "note", OPT_NOTE },
	{ "format", OPT_FORMAT },
	{ "operation", OPT_OPERATION },
	{ "contractor", OPT_CONTRACTOR },
	{ "behind", OPT_BEHIND },
	{ "filter", OPT_FILTER },
};

static const struct command *last_command;

static void
usage(const struct command *cmd)
{
	size_t i;

	if (cmd == NULL)
		cmd = last_command;
	if (cmd != NULL) {
		fprintf(stderr, "usage: matchctl [options] %s\n", cmd->usage);
		exit(EXIT_USAGE);
	}
	fprintf(stderr, "usage: matchctl [-s HOST:PORT] [--json] "
	    "[--timeout SEC] [--tls [--cacert FILE]] COMMAND ...\n"
	    "server: -s, else $MATCHCTL_SERVER, else %s\n"
	    "token: --token TOKEN, else $MATCHCTL_TOKEN, else none; "
	    "sent first (auth)\n"
	    "commands:\n", CTL_DEFAULT_SERVER);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(stderr, "  %s\n", commands[i].usage);
	exit(EXIT_USAGE);
}

static void
usage_of_command(void)
{
	usage(NULL);
}

/*
 * The command named by argv[0] (and argv[1] for two-word commands);
 * *used is set to the words it took.  It is remembered for usage().
 */
static const struct command *
find_command(int argc, char **argv, int *used)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].group, argv[0]) != 0)
			continue;
		if (commands[i].name == NULL) {
			*used = 1;
			return last_command = &commands[i];
		}
		if (argc > 1 && strcmp(commands[i].name, argv[1]) == 0) {
			*used = 2;
			return last_command = &commands[i];
		}
	}
	return NULL;
}

static long
parse_count(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1)
		usage(NULL);
	return v;
}

static void
add_string(json_t **arr, const char *s)
{
	if (*arr == NULL)
		*arr = json_array();
	json_array_append_new(*arr, json_string(s));
}

/*
 * Positional arguments and options of a command, in any order; "--json"
 * is accepted here too.  "--name=value" and "--name value" both work.
 */
static void
parse_opts(struct ctl *ctl, const struct command *cmd, int argc,
    char **argv, struct opts *o)
{
	const struct optdef *d;
	const char *name, *val, *eq;
	size_t i, nlen;
	int k, nomore = 0;

	memset(o, 0, sizeof(*o));
	o->count = o->limit = -1;
	for (k = 0; k < argc; k++) {
		if (nomore || strncmp(argv[k], "--", 2) != 0 ||
		    argv[k][2] == '\0') {
			if (!nomore && strcmp(argv[k], "--") == 0) {
				nomore = 1;
				continue;
			}
			if (o->npos == cmd->maxpos)
				usage(cmd);
			o->pos[o->npos++] = argv[k];
			continue;
		}
		name = argv[k] + 2;
		if (strcmp(name, "json") == 0) {
			ctl->json = 1;
			continue;
		}
		eq = strchr(name, '=');
		nlen = eq != NULL ? (size_t)(eq - name) : strlen(name);
		for (i = 0, d = NULL; i < sizeof(optdefs) / sizeof(*optdefs);
		    i++) {
			if (strlen(optdefs[i].name) == nlen &&
			    strncmp(optdefs[i].name, name, nlen) == 0)
				d = &optdefs[i];
		}
		if (d == NULL || (cmd->options & d->flag) == 0)
			usage(cmd);
		if (d->flag == OPT_ALL || d->flag == OPT_BEHIND) {
			if (eq != NULL)
				usage(cmd);
			if (d->flag == OPT_ALL)
				o->all = 1;
			else
				o->behind = 1;
			continue;
		}
		if (eq != NULL)
			val = eq + 1;
		else if (k + 1 < argc)
			val = argv[++k];
		else
			usage(cmd);
		switch (d->flag) {
		case OPT_SECTOR:
			add_string(&o->sectors, val);
			break;
		case OPT_SOURCE:
			add_string(&o->sources, val);
			break;
		case OPT_FILTER:
			add_string(&o->filters, val);
			break;
		case OPT_COUNT:
			o->count = parse_count(val);
			break;
		case OPT_LIMIT:
			o->limit = parse_count(val);
			break;
		case OPT_REASON:
			o->reason = val;
			break;
		case OPT_NOTE:
			o->note = val;
			break;
		case OPT_FORMAT:
			o->format = val;
			break;
		case OPT_OPERATION:
			o->operation = val;
			break;
		case OPT_CONTRACTOR:
			o->contractor = val;
			break;
		}
	}
	if (o->npos < cmd->minpos)
		usage(cmd);
}

int
main(int argc, char *argv[])
{
	const struct command *cmd;
	struct ctl ctl;
	struct opts o;
	const char *cacert = NULL;
	char *end;
	int k, used, rc, tls = 0;

	ctl_set_usage(usage_of_command);
	memset(&ctl, 0, sizeof(ctl));
	ctl.server = getenv("MATCHCTL_SERVER");
	if (ctl.server == NULL || *ctl.server == '\0')
		ctl.server = CTL_DEFAULT_SERVER;
	ctl.timeout = CTL_DEFAULT_TIMEOUT;
	for (k = 1; k < argc && argv[k][0] == '-'; k++) {
		if ((strcmp(argv[k], "-s") == 0 ||
		    strcmp(argv[k], "--server") == 0) && k + 1 < argc)
			ctl.server = argv[++k];
		else if (strcmp(argv[k], "--token") == 0 && k + 1 < argc) {
			ctl.token = argv[++k];
			if (*ctl.token == '\0')
				usage(NULL);
		} else if (strcmp(argv[k], "--json") == 0)
			ctl.json = 1;
		else if (strcmp(argv[k], "--tls") == 0)
			tls = 1;
		else if (strcmp(argv[k], "--cacert") == 0 && k + 1 < argc)
			cacert = argv[++k];
		else if (strcmp(argv[k], "--timeout") == 0 && k + 1 < argc) {
			ctl.timeout = strtod(argv[++k], &end);
			if (*end != '\0' || end == argv[k] || ctl.timeout < 0 ||
			    ctl.timeout > INT_MAX / 1000)
				usage(NULL);
		} else
			usage(NULL);
	}
	/* A CA without --tls would be ignored: say so instead. */
	if (cacert != NULL && !tls)
		usage(NULL);
	if (tls)
		ctl_conn_set_tls(cacert);
	/* As for the server, an empty variable counts as unset. */
	if (ctl.token == NULL && (ctl.token = getenv("MATCHCTL_TOKEN")) !=
	    NULL && *ctl.token == '\0')
		ctl.token = NULL;
	if (ctl.token != NULL && !utf8_valid(ctl.token, strlen(ctl.token)))
		ctl_die(EXIT_USAGE, "the token is not valid UTF-8");
	if (k == argc || (cmd = find_command(argc - k, argv + k, &used)) ==
	    NULL)
		usage(NULL);
	parse_opts(&ctl, cmd, argc - k - used, argv + k + used, &o);
	ctl.width = ctl_output_width();
	rc = cmd->run(&ctl, &o);
	json_decref(o.sectors);
	json_decref(o.sources);
	json_decref(o.filters);
	ctl_conn_close(&ctl);
	if (fflush(stdout) == EOF || ferror(stdout))
		ctl_die(EXIT_REFUSED, "stdout: %s", strerror(errno));
	return rc;
}
