/*
 * Tests for users.c: good users files (comments, blank lines, tabs, '*'
 * and lists, CRLF, text not NUL-terminated), every error with its exact
 * "file:line:" prefix and no hash in the message, duplicates, the bounds
 * (line length, number of users, file size, error count), authentication,
 * SHA-256 against a known vector, new tokens, and the lines they go in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "domain.h"
#include "users.h"

#define PATH	"users.conf"
/*
 * sha256("abc") (the FIPS 180-2 example), of "token-of-bob" and of "";
 * H_OTHER is the hash of no known token.
 */
#define H_ABC	"ba7816bf8f01cfea414140de5dae2223" \
		"b00361a396177a9cb410ff61f20015ad"
#define H_BOB	"800480042268218663feef3ea54d81ed" \
		"3f976c98c38d5fd7afbe22810ec16334"
#define H_OTHER	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"
#define H_EMPTY	"e3b0c44298fc1c149afbf4c8996fb924" \
		"27ae41e4649b934ca495991b7852b855"
#define S(x)	(x), strlen(x)

static char err[8192];

/* SHA-256 in hex, by OpenSSL directly rather than through users.c. */
static void
sha256_hex(const char *s, size_t len, char out[65])
{
	unsigned char d[32];
	unsigned int n;
	int i;

	assert_int_equal(EVP_Digest(s, len, d, &n, EVP_sha256(), NULL), 1);
	assert_int_equal(n, 32);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static struct users *
parse_ok(const char *text)
{
	struct users *u;

	u = users_parse(PATH, text, strlen(text), err, sizeof(err));
	if (u == NULL)
		fail_msg("users_parse refused:\n%s\n--- of:\n%s", err, text);
	return u;
}

/* No 8-character run of the hash h appears in the error text. */
static void
assert_no_hash(const char *h)
{
	char part[9];
	size_t i;

	for (i = 0; i + 8 <= strlen(h); i++) {
		memcpy(part, h + i, 8);
		part[8] = '\0';
		if (strstr(err, part) != NULL)
			fail_msg("error echoes the hash:\n%s", err);
	}
}

/*
 * Parsing text fails, and err is exactly the one line
 * "users.conf:LINE: " followed by a message containing what.
 */
static void
expect_error(const char *text, int line, const char *what)
{
	char want[64];

	if (users_parse(PATH, text, strlen(text), err, sizeof(err)) != NULL)
		fail_msg("users_parse accepted:\n%s", text);
	snprintf(want, sizeof(want), PATH ":%d: ", line);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, want);
	if (strstr(err, what) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", err, what);
	if (strchr(err, '\n') != NULL)
		fail_msg("more than one error: \"%s\"", err);
	assert_no_hash(H_ABC);
	assert_no_hash(H_BOB);
}

static void
test_good_file(void **state)
{
	static const char text[] =
	    "# NAME ROLE SECTORS SHA256\n"
	    "\n"
	    "   \t \n"
	    "  # an indented comment, with any # inside\n"
	    "alice admin * " H_ABC "\n"
	    "\tbob\t\tadviser   batiment,tertiaire\t" H_BOB "   \n"
	    "carol.x@site:1-2_z prospection hotellerie,industrie,batiment,"
	    "tertiaire " H_OTHER "\n";
	const struct user *a, *b, *c;
	struct users *u;

	(void)state;
	u = parse_ok(text);
	assert_int_equal(users_count(u), 3);
	a = users_at(u, 0);
	assert_string_equal(a->name, "alice");
	assert_int_equal(a->role, USER_ADMIN);
	assert_int_equal(a->sectors, USERS_ALL_SECTORS);
	assert_int_equal(a->sha256[0], 0xba);
	assert_int_equal(a->sha256[31], 0xad);
	b = users_at(u, 1);
	assert_string_equal(b->name, "bob");
	assert_int_equal(b->role, USER_ADVISER);
	assert_int_equal(b->sectors,
	    (1u << SECTOR_BATIMENT) | (1u << SECTOR_TERTIAIRE));
	c = users_at(u, 2);
	assert_string_equal(c->name, "carol.x@site:1-2_z");
	assert_int_equal(c->role, USER_PROSPECTION);
	assert_int_equal(c->sectors, (1u << SECTOR_COUNT) - 1);
	assert_int_equal(c->sha256[1], 0x23);
	assert_null(users_at(u, 3));
	users_free(u);
}

static void
test_good_edges(void **state)
{
	static const char text[] =
	    "a partner industrie " H_ABC "\r\n"
	    "b adviser tertiaire " H_BOB "XXXX";
	char name[USER_NAME_MAX + 2], line[256];
	struct users *u;

	(void)state;
	/* CRLF ends; the last line without '\n'; len stops before XXXX. */
	u = users_parse(PATH, text, sizeof(text) - 1 - 4, err, sizeof(err));
	assert_non_null(u);
	assert_int_equal(users_count(u), 2);
	assert_int_equal(users_at(u, 0)->role, USER_PARTNER);
	assert_int_equal(users_at(u, 1)->sha256[31], 0x34);
	users_free(u);

	/* Empty, blank and comment-only files hold no users. */
	u = parse_ok("");
	assert_int_equal(users_count(u), 0);
	users_free(u);
	u = parse_ok("\n\n# nobody yet\n \t\n");
	assert_int_equal(users_count(u), 0);
	users_free(u);

	/* A name of exactly 64 characters. */
	memset(name, 'n', USER_NAME_MAX);
	name[USER_NAME_MAX] = '\0';
	snprintf(line, sizeof(line), "%s admin * %s\n", name, H_ABC);
	u = parse_ok(line);
	assert_string_equal(users_at(u, 0)->name, name);
	users_free(u);
	assert_int_equal(users_count(NULL), 0);
	assert_null(users_at(NULL, 0));
	users_free(NULL);
}

static void
test_errors(void **state)
{
	char line[256];

	(void)state;
	expect_error("alice admin *\n", 1, "3 fields; expected 4");
	expect_error("alice\n", 1, "1 field; expected 4");
	expect_error("# c\nalice admin * " H_ABC " extra\n", 2,
	    "5 fields; expected 4");
	expect_error("alice admin * " H_ABC " # a comment\n", 1,
	    "7 fields");
	memset(line, 'n', USER_NAME_MAX + 1);
	snprintf(line + USER_NAME_MAX + 1, sizeof(line) - USER_NAME_MAX - 1,
	    " admin * %s\n", H_ABC);
	expect_error(line, 1, "name longer than 64 characters");
	expect_error("al/ice admin * " H_ABC "\n", 1,
	    "name has a character outside [A-Za-z0-9_.:@-]");
	expect_error("\n\nal\xc3\xa9 admin * " H_ABC "\n", 3,
	    "name has a character");
	expect_error("alice Admin * " H_ABC "\n", 1,
	    "unknown role 'Admin'; expected admin, adviser, prospection "
	    "or partner");
	expect_error("alice root * " H_ABC "\n", 1, "unknown role 'root'");
	expect_error("alice admin batiment,btp " H_ABC "\n", 1,
	    "unknown sector 'btp'; expected '*' or some of industrie,"
	    "batiment,tertiaire,hotellerie");
	expect_error("alice admin Batiment " H_ABC "\n", 1,
	    "unknown sector 'Batiment'");
	expect_error("alice admin batiment,,tertiaire " H_ABC "\n", 1,
	    "empty sector in the list");
	expect_error("alice admin batiment, " H_ABC "\n", 1,
	    "empty sector in the list");
	expect_error("alice admin ,batiment " H_ABC "\n", 1,
	    "empty sector in the list");
	expect_error("alice admin batiment,* " H_ABC "\n", 1,
	    "'*' stands alone");
	expect_error("alice admin ** " H_ABC "\n", 1, "unknown sector");
	expect_error("alice admin batiment,tertiaire,batiment " H_ABC "\n",
	    1, "sector 'batiment' listed twice");
	expect_error("alice admin * " H_EMPTY "\n", 1,
	    "SHA-256 of the empty token");
	/* Hashes of a wrong length or case, or with a stray character. */
	expect_error("alice admin * ba7816bf\n", 1,
	    "SHA-256 of 8 characters; expected 64 lowercase hex digits");
	expect_error("alice admin * " H_ABC "0\n", 1,
	    "SHA-256 of 65 characters");
	expect_error("alice admin * "
	    "BA7816BF8F01CFEA414140DE5DAE2223"
	    "B00361A396177A9CB410FF61F20015AD\n",
	    1, "SHA-256 with a character that is not a lowercase hex digit");
	expect_error("alice admin * "
	    "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ag\n",
	    1, "not a lowercase hex digit");
}

/* A hash in the wrong column is named by its length, never shown. */
static void
test_errors_never_echo_a_hash(void **state)
{
	(void)state;
	expect_error("alice " H_ABC " * " H_BOB "\n", 1,
	    "unknown role (64 bytes, not shown)");
	expect_error("alice admin " H_ABC " " H_BOB "\n", 1,
	    "unknown sector (64 bytes, not shown)");
	expect_error("alice admin batiment," H_BOB " " H_ABC "\n", 1,
	    "unknown sector (64 bytes, not shown)");
	/* Nor a part of one. */
	expect_error("alice ba7816bf8f01cfea * " H_BOB "\n", 1,
	    "unknown role (16 bytes, not shown)");
	expect_error("alice admin tertiaire,BA7816BF " H_BOB "\n", 1,
	    "unknown sector (8 bytes, not shown)");
	expect_error("alice bad * " H_BOB "\n", 1, "unknown role 'bad'");
	/* Every field wrong: one message for each. */
	assert_null(users_parse(PATH, S("a/b " H_ABC " " H_BOB " x\n"), err,
	    sizeof(err)));
	assert_string_equal(err,
	    PATH ":1: name has a character outside [A-Za-z0-9_.:@-]\n"
	    PATH ":1: unknown role (64 bytes, not shown); expected admin, "
	    "adviser, prospection or partner\n"
	    PATH ":1: unknown sector (64 bytes, not shown); expected '*' or "
	    "some of industrie,batiment,tertiaire,hotellerie\n"
	    PATH ":1: SHA-256 of 1 character; expected 64 lowercase hex "
	    "digits");
}

static void
test_duplicates(void **state)
{
	(void)state;
	expect_error("alice admin * " H_ABC "\n"
	    "# bob\n"
	    "alice adviser batiment " H_BOB "\n", 3,
	    "name 'alice' already on line 1");
	expect_error("alice admin * " H_ABC "\n"
	    "\n"
	    "bob adviser batiment " H_ABC "\n", 3,
	    "same SHA-256 as the user on line 1: two users may not share "
	    "a token");
	/* Names are case-sensitive, as tokens are what identifies. */
	users_free(parse_ok("alice admin * " H_ABC "\n"
	    "Alice adviser batiment " H_BOB "\n"));
}

/* Every error, each on its line, in the order of the file. */
static void
test_error_list(void **state)
{
	char *text, *p;
	int i;

	(void)state;
	assert_null(users_parse(PATH, S("x\n"
	    "ok admin * " H_ABC "\n"
	    "y admin nowhere " H_BOB "\n"), err, sizeof(err)));
	assert_string_equal(err,
	    PATH ":1: 1 field; expected 4: NAME ROLE SECTORS SHA256\n"
	    PATH ":3: unknown sector 'nowhere'; expected '*' or some of "
	    "industrie,batiment,tertiaire,hotellerie");

	/* 25 bad lines: the first 20, then the count of the rest. */
	text = malloc(25 * 8 + 1);
	assert_non_null(text);
	for (i = 0, p = text; i < 25; i++)
		p += sprintf(p, "bad%02d\n", i);
	assert_null(users_parse(PATH, text, strlen(text), err, sizeof(err)));
	for (i = 0, p = err; (p = strchr(p, '\n')) != NULL; p++)
		i++;
	assert_int_equal(i, 20);
	assert_non_null(strstr(err, PATH ":20: 1 field"));
	assert_null(strstr(err, PATH ":21:"));
	assert_non_null(strstr(err, "\n" PATH ": 5 more errors"));
	assert_int_equal(err[strlen(err) - 1], 's');

	/* A small buffer: whole lines only, and the count of the rest. */
	memset(err, 'z', sizeof(err));
	assert_null(users_parse(PATH, text, strlen(text), err, 110));
	assert_true(strlen(err) < 110);
	assert_string_equal(err, PATH ":1: 1 field; expected 4: NAME ROLE "
	    "SECTORS SHA256\n" PATH ": 24 more errors");
	assert_int_equal(err[110], 'z');
	/* One too small for any line: the count alone. */
	assert_null(users_parse(PATH, text, strlen(text), err, 30));
	assert_string_equal(err, PATH ": 25 errors");
	assert_null(users_parse(PATH, text, strlen(text), err, 5));
	assert_string_equal(err, "user");
	/* No buffer at all. */
	assert_null(users_parse(PATH, text, strlen(text), NULL, 0));
	free(text);
}

static void
test_bounds(void **state)
{
	char *text, *p, tok[16], h[65];
	struct users *u;
	size_t len;
	int i;

	(void)state;
	/* A line of 1,024 bytes is read; one of 1,025 is refused. */
	text = malloc(4 * 1100);
	assert_non_null(text);
	p = text + sprintf(text, "a admin * %s", H_ABC);
	memset(p, ' ', 1024 - (size_t)(p - text));
	p = text + 1024;
	p += sprintf(p, "\n#");
	memset(p, '#', 1024 - 1);
	p += 1023;
	*p++ = '\n';
	*p = '\0';
	u = parse_ok(text);
	assert_int_equal(users_count(u), 1);
	users_free(u);
	p = text + sprintf(text, "# one\n#");
	memset(p, '#', 1024);
	strcpy(p + 1024, "\nb admin * " H_BOB "\n");
	assert_int_equal(strchr(text + 6, '\n') - (text + 6), 1025);
	expect_error(text, 2, "line longer than 1024 bytes");
	/* And the same without a final '\n'. */
	text[6 + 1025] = '\0';
	expect_error(text, 2, "line longer than 1024 bytes");
	free(text);

	/* 10,000 users are read, 10,001 refused. */
	text = malloc((USERS_MAX + 1) * 96);
	assert_non_null(text);
	for (i = 0, p = text; i < USERS_MAX + 1; i++) {
		len = (size_t)snprintf(tok, sizeof(tok), "t%d", i);
		sha256_hex(tok, len, h);
		p += sprintf(p, "u%05d\tadviser\tbatiment\t%s\n", i, h);
	}
	len = (size_t)(p - text);
	u = users_parse(PATH, text, len / (USERS_MAX + 1) * USERS_MAX, err,
	    sizeof(err));
	assert_non_null(u);
	assert_int_equal(users_count(u), USERS_MAX);
	assert_string_equal(users_at(u, USERS_MAX - 1)->name, "u09999");
	assert_non_null(users_authenticate(u, S("t9999")));
	users_free(u);
	assert_null(users_parse(PATH, text, len, err, sizeof(err)));
	assert_string_equal(err, PATH ":10001: more than 10000 users");
	free(text);

	/* 1 MiB is read (here all blank lines); one byte more is refused. */
	text = malloc(USERS_MAX_FILE + 1);
	assert_non_null(text);
	memset(text, '\n', USERS_MAX_FILE + 1);
	u = users_parse(PATH, text, USERS_MAX_FILE, err, sizeof(err));
	assert_non_null(u);
	users_free(u);
	assert_null(users_parse(PATH, text, USERS_MAX_FILE + 1, err,
	    sizeof(err)));
	assert_string_equal(err, PATH ": larger than 1 MiB");
	free(text);
}

static void
test_authenticate(void **state)
{
	char big[USERS_TOKEN_MAX + 2], h[65], text[512];
	const struct user *a, *b;
	struct users *u;

	(void)state;
	memset(big, 'k', sizeof(big));
	sha256_hex(big, USERS_TOKEN_MAX, h);
	snprintf(text, sizeof(text), "alice admin * %s\n"
	    "bob adviser batiment %s\n"
	    "big partner tertiaire %s\n", H_ABC, H_BOB, h);
	u = parse_ok(text);
	a = users_at(u, 0);
	b = users_at(u, 1);
	/* The known vector: sha256("abc") is alice's hash. */
	assert_ptr_equal(users_authenticate(u, S("abc")), a);
	assert_ptr_equal(users_authenticate(u, S("token-of-bob")), b);
	assert_null(users_authenticate(u, S("abd")));
	assert_null(users_authenticate(u, S("ABC")));
	assert_null(users_authenticate(u, S("")));
	assert_null(users_authenticate(u, "abc", 0));
	/* A prefix of a token, and a token with more after it. */
	assert_null(users_authenticate(u, S("ab")));
	assert_null(users_authenticate(u, S("token-of-bo")));
	assert_null(users_authenticate(u, S("abc ")));
	assert_null(users_authenticate(u, "abc", 4));
	/* Only the len bytes count. */
	assert_ptr_equal(users_authenticate(u, "abcdef", 3), a);
	/* The hash itself is not a token. */
	assert_null(users_authenticate(u, S(H_ABC)));
	/* 256 bytes are taken, 257 refused before hashing. */
	assert_ptr_equal(users_authenticate(u, big, USERS_TOKEN_MAX),
	    users_at(u, 2));
	assert_null(users_authenticate(u, big, USERS_TOKEN_MAX + 1));
	assert_null(users_authenticate(u, NULL, 3));
	assert_null(users_authenticate(NULL, S("abc")));
	users_free(u);

	/* No users: nobody gets in. */
	u = parse_ok("# empty\n");
	assert_null(users_authenticate(u, S("abc")));
	users_free(u);
}

static void
test_roles(void **state)
{
	int i;

	(void)state;
	assert_string_equal(users_role_name(USER_ADMIN), "admin");
	assert_string_equal(users_role_name(USER_ADVISER), "adviser");
	assert_string_equal(users_role_name(USER_PROSPECTION), "prospection");
	assert_string_equal(users_role_name(USER_PARTNER), "partner");
	assert_string_equal(users_role_name(USER_ROLE_COUNT), "?");
	for (i = 0; i < USER_ROLE_COUNT; i++)
		assert_int_equal(users_role_lookup(S(users_role_name(i))), i);
	assert_int_equal(users_role_lookup(S("Admin")), -1);
	assert_int_equal(users_role_lookup(S("")), -1);
	assert_int_equal(users_role_lookup("adminx", 5), USER_ADMIN);
	assert_int_equal(users_role_lookup("admin", 4), -1);
}

static void
test_new_token(void **state)
{
	char t1[USERS_TOKEN_HEX + 1], t2[USERS_TOKEN_HEX + 1];
	char h1[65], h2[65], want[65], line[256];
	struct users *u;
	int n;

	(void)state;
	assert_int_equal(users_new_token(t1, h1), 0);
	assert_int_equal(users_new_token(t2, h2), 0);
	assert_int_equal(strlen(t1), 64);
	assert_int_equal(strlen(h1), 64);
	assert_int_equal(strspn(t1, "0123456789abcdef"), 64);
	assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
	assert_string_not_equal(t1, t2);
	assert_string_not_equal(h1, h2);
	sha256_hex(t1, strlen(t1), want);
	assert_string_equal(h1, want);
	sha256_hex(t2, strlen(t2), want);
	assert_string_equal(h2, want);

	/* The line made for it lets that token, and only it, in. */
	n = users_format_line("dana", USER_ADVISER, 1u << SECTOR_HOTELLERIE,
	    h1, line, sizeof(line));
	assert_int_equal(n, (int)strlen(line));
	u = parse_ok(line);
	assert_string_equal(users_authenticate(u, S(t1))->name, "dana");
	assert_null(users_authenticate(u, S(t2)));
	users_free(u);
}

static void
test_format(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(users_format_line("alice", USER_ADMIN,
	    USERS_ALL_SECTORS, H_ABC, buf, sizeof(buf)), 5 + 6 + 2 + 64 + 1);
	assert_string_equal(buf, "alice admin * " H_ABC);
	/* Sectors in vocabulary order, whatever order they were given. */
	assert_true(users_format_line("b", USER_PARTNER,
	    (1u << SECTOR_HOTELLERIE) | (1u << SECTOR_INDUSTRIE), H_BOB, buf,
	    sizeof(buf)) > 0);
	assert_string_equal(buf, "b partner industrie,hotellerie " H_BOB);
	/* Each field must be one the file accepts. */
	assert_int_equal(users_format_line("", USER_ADMIN, USERS_ALL_SECTORS,
	    H_ABC, buf, sizeof(buf)), -1);
	assert_int_equal(users_format_line("a b", USER_ADMIN,
	    USERS_ALL_SECTORS, H_ABC, buf, sizeof(buf)), -1);
	assert_int_equal(users_format_line("a", USER_ROLE_COUNT,
	    USERS_ALL_SECTORS, H_ABC, buf, sizeof(buf)), -1);
	assert_int_equal(users_format_line("a", USER_ADMIN, 0, H_ABC, buf,
	    sizeof(buf)), -1);
	assert_int_equal(users_format_line("a", USER_ADMIN,
	    1u << SECTOR_COUNT, H_ABC, buf, sizeof(buf)), -1);
	assert_int_equal(users_format_line("a", USER_ADMIN, USERS_ALL_SECTORS,
	    "ba7816bf", buf, sizeof(buf)), -1);
	assert_int_equal(users_format_line("a", USER_ADMIN, USERS_ALL_SECTORS,
	    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
	    buf, sizeof(buf)), -1);
	/* A buffer one byte short. */
	assert_int_equal(users_format_line("alice", USER_ADMIN,
	    USERS_ALL_SECTORS, H_ABC, buf, 5 + 6 + 2 + 64 + 1), -1);

	assert_int_equal(users_format_sectors(USERS_ALL_SECTORS, buf,
	    sizeof(buf)), 1);
	assert_string_equal(buf, "*");
	assert_int_equal(users_format_sectors((1u << SECTOR_COUNT) - 1, buf,
	    sizeof(buf)), 39);
	assert_string_equal(buf, "industrie,batiment,tertiaire,hotellerie");
	assert_int_equal(users_format_sectors(1u << SECTOR_BATIMENT, buf, 9),
	    8);
	assert_int_equal(users_format_sectors(1u << SECTOR_BATIMENT, buf, 8),
	    -1);
	assert_int_equal(users_format_sectors(0, buf, sizeof(buf)), -1);
}

/* users_load: a file on disk, refused when anyone may write it. */
static void
test_load(void **state)
{
	char dir[64], path[128];
	struct users *u;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_users.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/users", dir);
	assert_null(users_load(path, err, sizeof(err)));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_non_null(strstr(err, ": cannot open: "));

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# users\nalice admin * " H_ABC "\nbob x * " H_BOB "\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0);
	assert_null(users_load(path, err, sizeof(err)));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_non_null(strstr(err, ":3: unknown role 'x'"));

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# users\nalice admin * " H_ABC "\n", f);
	assert_int_equal(fclose(f), 0);
	u = users_load(path, err, sizeof(err));
	assert_non_null(u);
	assert_int_equal(users_count(u), 1);
	assert_non_null(users_authenticate(u, S("abc")));
	users_free(u);

	assert_int_equal(chmod(path, 0606), 0);
	assert_null(users_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, ": writable by every user"));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_good_edges),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_errors_never_echo_a_hash),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_error_list),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_authenticate),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_new_token),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
