/*
 * matchctl user new NAME ROLE SECTORS: a random token, printed once, and
 * the users file line with its SHA-256 (users.h), for the administrator
 * to add to the file.  The arguments are checked by parsing that very
 * line, so they obey exactly the rules the daemon will apply.  It does
 * not connect to the daemon: the token goes nowhere but to stdout.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "ctl.h"
#include "ctl_output.h"
#include "ctl_user.h"
#include "users.h"

#define USER_ARG	"user new"	/* the "file" of users_parse's errors */

/* The parser's messages without their "user new:1: " prefix; usage. */
static void
bad_arguments(const char *err)
{
	const char *p, *nl;
	size_t skip = strlen(USER_ARG ":1: ");

	fflush(stdout);
	for (p = err; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (strncmp(p, USER_ARG ":1: ", skip) == 0)
			p += skip;
		fprintf(stderr, "matchctl: %.*s\n", (int)(nl - p), p);
	}
	ctl_usage();
}

/*
 * Each argument must be one field of one line: no blank, no control
 * character, and a NAME that does not make the line a comment.
 */
static void
check_words(const struct opts *o)
{
	const unsigned char *s;
	int i;

	for (i = 0; i < 3; i++) {
		if (o->pos[i][0] == '\0')
			bad_arguments("NAME, ROLE and SECTORS may not be "
			    "empty");
		for (s = (const unsigned char *)o->pos[i]; *s != '\0'; s++)
			if (*s <= ' ' || *s == 0x7f)
				bad_arguments("NAME, ROLE and SECTORS may not "
				    "contain blanks or control characters");
	}
	if (o->pos[0][0] == '#')
		bad_arguments("name has a character outside "
		    "[A-Za-z0-9_.:@-]");
}

int
ctl_user_new(struct ctl *ctl, struct opts *o)
{
	char token[USERS_TOKEN_HEX + 1], hash[65];
	char line[USERS_MAX_LINE + 1], err[2048];
	const struct user *u;
	struct users *us;
	json_t *j;
	int n;

	check_words(o);
	if (users_new_token(token, hash) == -1)
		ctl_die(EXIT_REFUSED, "cannot read the system's random source");
	n = snprintf(line, sizeof(line), "%s %s %s %s", o->pos[0], o->pos[1],
	    o->pos[2], hash);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		OPENSSL_cleanse(token, sizeof(token));
		bad_arguments("arguments too long for a users file line");
	}
	if ((us = users_parse(USER_ARG, line, (size_t)n, err,
	    sizeof(err))) == NULL) {
		OPENSSL_cleanse(token, sizeof(token));
		bad_arguments(err);
	}
	/* The line as the file will hold it: sectors in vocabulary order. */
	u = users_at(us, 0);
	if (users_count(us) != 1 || users_format_line(u->name, u->role,
	    u->sectors, hash, line, sizeof(line)) < 0)
		ctl_die(EXIT_REFUSED, "cannot format the users file line");
	users_free(us);
	if (ctl->json) {
		j = json_pack("{s:s, s:s}", "token", token, "line", line);
		ctl_output_json(ctl, j);
		json_decref(j);
	} else
		printf("token: %s\nline: %s\n", token, line);
	OPENSSL_cleanse(token, sizeof(token));
	fflush(stdout);
	fprintf(stderr, "matchctl: the token is shown this once only: give "
	    "it to %s, and add the line to the users file\n", o->pos[0]);
	return 0;
}
