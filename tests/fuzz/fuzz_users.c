/*
 * libFuzzer target: the users file parser, users_parse() (input: the
 * file).  Checked: a refused file says why; every accepted user, written
 * back with users_format_line(), parses to the same user, and its token
 * check stays closed to an empty or overlong token.
 */
#include "fuzz_common.h"

#include "users.h"

static void
fuzz_users_line(const struct user *u)
{
	static const char hex[] = "0123456789abcdef";
	char hash[65], sectors[256], line[USERS_MAX_LINE + 1], err[512];
	struct users *back;
	const struct user *b;
	int i, n;

	for (i = 0; i < 32; i++) {
		hash[2 * i] = hex[u->sha256[i] >> 4];
		hash[2 * i + 1] = hex[u->sha256[i] & 15];
	}
	hash[64] = '\0';
	FUZZ_CHECK(users_format_sectors(u->sectors, sectors,
	    sizeof(sectors)) > 0);
	n = users_format_line(u->name, u->role, u->sectors, hash, line,
	    sizeof(line));
	FUZZ_CHECK(n > 0);
	back = users_parse("line", line, (size_t)n, err, sizeof(err));
	if (back == NULL) {
		fprintf(stderr, "own line refused: %s\n%s\n", line, err);
		abort();
	}
	FUZZ_CHECK(users_count(back) == 1);
	b = users_at(back, 0);
	FUZZ_CHECK(strcmp(b->name, u->name) == 0 && b->role == u->role &&
	    b->sectors == u->sectors &&
	    memcmp(b->sha256, u->sha256, 32) == 0);
	users_free(back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct users *us;
	char err[4096];
	size_t i;

	err[0] = '\0';
	us = users_parse("fuzz", (const char *)data, size, err, sizeof(err));
	if (us == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	for (i = 0; i < users_count(us); i++)
		fuzz_users_line(users_at(us, i));
	FUZZ_CHECK(users_at(us, users_count(us)) == NULL);
	FUZZ_CHECK(users_authenticate(us, "", 0) == NULL);
	/* The input itself as a token: any answer, as long as no crash. */
	(void)users_authenticate(us, (const char *)data,
	    size < USERS_TOKEN_MAX ? size : USERS_TOKEN_MAX);
	users_free(us);
	return 0;
}
