/*
 * The users file (users.h): parsing it line by line with every error
 * reported as "file:line: message", looking a token up by its SHA-256 in
 * constant time, and making new tokens and the lines that carry them.
 *
 * Hashes are OpenSSL's (EVP); the only I/O is users_load() reading the
 * file and users_new_token() reading the kernel's random source.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "domain.h"
#include "hash.h"
#include "hex.h"
#include "users.h"
#include "xmalloc.h"

#define USERS_FIELDS	4
#define SHA256_LEN	32
/* Open addressing over at most USERS_MAX users, half full at worst. */
#define USERS_SLOTS	(1u << 15)
/* A value longer than this is never quoted in a message. */
#define SHOWN_MAX	32

/* USERS_ALL_SECTORS must never be a mask of real sectors. */
_Static_assert(SECTOR_COUNT < 32, "a sector mask needs a spare bit");
_Static_assert(USERS_SLOTS >= 2 * USERS_MAX, "too few slots");
_Static_assert(USERS_MAX < UINT16_MAX, "slots hold a user index + 1");

static const char *const role_names[USER_ROLE_COUNT] = {
	[USER_ADMIN] = "admin",
	[USER_ADVISER] = "adviser",
	[USER_PROSPECTION] = "prospection",
	[USER_PARTNER] = "partner",
};

struct users {
	struct user	*v;
	size_t		 n, cap;
};

struct field {
	const char	*s;
	size_t		 len;
};

/* One parse: the users so far, the lookups for duplicates, the errors. */
struct parse {
	const char	*path;
	char		*err;
	size_t		 errlen, errpos;
	size_t		 errors, written;
	struct users	*u;
	uint32_t	*lines;		/* file line of each user */
	uint16_t	*by_name;	/* user index + 1, 0 for empty */
	uint16_t	*by_hash;
	unsigned char	 empty_hash[SHA256_LEN];
	int		 too_many;
};

static void	report(struct parse *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
sha256(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 ||
	    n != SHA256_LEN)
		return -1;
	return 0;
}

static int
name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
	    c == '@' || c == '-';
}

/* NULL for a valid NAME, else why not (for messages). */
static const char *
name_problem(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return "empty name";
	if (len > USER_NAME_MAX)
		return "name longer than 64 characters";
	for (i = 0; i < len; i++)
		if (!name_char(s[i]))
			return "name has a character outside [A-Za-z0-9_.:@-]";
	return NULL;
}

/*
 * A field's value for a message: quoted when short and plain, else only
 * its length.  Runs of 8 or more hex digits are not quoted either, so a
 * hash typed in the wrong column is never echoed, whole or in part.
 */
static const char *
shown(const char *s, size_t len, char *buf, size_t buflen)
{
	size_t i, hex = 0;
	int plain = len <= SHOWN_MAX;

	for (i = 0; plain && i < len; i++) {
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '\'')
			plain = 0;
		if (hex_digit(s[i]) >= 0 || (s[i] >= 'A' && s[i] <= 'F'))
			hex++;
	}
	if (plain && !(len >= 8 && hex == len))
		(void)snprintf(buf, buflen, "'%.*s'", (int)len, s);
	else
		(void)snprintf(buf, buflen, "(%zu bytes, not shown)", len);
	return buf;
}

/*
 * Append "path:line: message" (or "path: message" for line 0), one per
 * line.  Past USERS_MAX_ERRORS, or when the buffer is full, errors are
 * counted for finish()'s "N more errors".  Room is kept for that line.
 */
static void
report(struct parse *p, size_t line, const char *fmt, ...)
{
	char msg[384];
	size_t room, reserve;
	va_list ap;
	int n;

	p->errors++;
	if (p->err == NULL || p->written >= USERS_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reserve = strlen(p->path) + 32;
	if (p->errpos + reserve >= p->errlen)
		return;
	room = p->errlen - p->errpos - reserve;
	if (line > 0)
		n = snprintf(p->err + p->errpos, room, "%s%s:%zu: %s",
		    p->errpos > 0 ? "\n" : "", p->path, line, msg);
	else
		n = snprintf(p->err + p->errpos, room, "%s%s: %s",
		    p->errpos > 0 ? "\n" : "", p->path, msg);
	if (n < 0 || (size_t)n >= room) {
		p->err[p->errpos] = '\0';
		return;
	}
	p->errpos += (size_t)n;
	p->written++;
}

/* The count of the errors report() could not write, if any. */
static void
finish(struct parse *p)
{
	size_t more = p->errors - p->written;

	if (p->err == NULL || p->errlen == 0 || more == 0)
		return;
	if (p->written == 0)
		(void)snprintf(p->err, p->errlen, "%s: %zu error%s", p->path,
		    more, more == 1 ? "" : "s");
	else
		(void)snprintf(p->err + p->errpos, p->errlen - p->errpos,
		    "\n%s: %zu more error%s", p->path, more,
		    more == 1 ? "" : "s");
}

static int
check_role(struct parse *p, size_t line, const struct field *f,
    struct user *u)
{
	char buf[64];
	int r;

	if ((r = users_role_lookup(f->s, f->len)) < 0) {
		report(p, line, "unknown role %s; expected admin, adviser, "
		    "prospection or partner", shown(f->s, f->len, buf,
		    sizeof(buf)));
		return -1;
	}
	u->role = (enum user_role)r;
	return 0;
}

/* "*", or sector wire names separated by commas, each at most once. */
static int
check_sectors(struct parse *p, size_t line, const struct field *f,
    struct user *u)
{
	char buf[64], all[128];
	const char *item;
	size_t i, j, n;
	uint32_t mask = 0;
	int k, rv = 0;

	if (f->len == 1 && f->s[0] == '*') {
		u->sectors = USERS_ALL_SECTORS;
		return 0;
	}
	for (i = 0; i <= f->len; i = j + 1) {
		for (j = i; j < f->len && f->s[j] != ','; j++)
			;
		item = f->s + i;
		n = j - i;
		rv = -1;
		if (n == 0)
			report(p, line, "empty sector in the list (commas "
			    "between names only)");
		else if (n == 1 && item[0] == '*')
			report(p, line, "'*' stands alone, for every sector");
		else if ((k = vocab_lookup(&vocab_sector, item, n)) < 0) {
			(void)users_format_sectors((1u << SECTOR_COUNT) - 1,
			    all, sizeof(all));
			report(p, line, "unknown sector %s; expected '*' or "
			    "some of %s", shown(item, n, buf, sizeof(buf)),
			    all);
		} else if (mask & (1u << k))
			report(p, line, "sector '%s' listed twice",
			    vocab_name(&vocab_sector, k));
		else {
			mask |= 1u << k;
			rv = 0;
		}
		if (rv == -1)
			break;
	}
	u->sectors = mask;
	return rv;
}

static int
check_hash(struct parse *p, size_t line, const struct field *f,
    struct user *u)
{
	if (f->len != 2 * SHA256_LEN) {
		report(p, line, "SHA-256 of %zu character%s; expected 64 "
		    "lowercase hex digits", f->len, f->len == 1 ? "" : "s");
		return -1;
	}
	if (hex_decode(f->s, f->len, u->sha256, SHA256_LEN) == -1) {
		report(p, line, "SHA-256 with a character that is not a "
		    "lowercase hex digit");
		return -1;
	}
	if (memcmp(u->sha256, p->empty_hash, SHA256_LEN) == 0) {
		report(p, line, "SHA-256 of the empty token");
		return -1;
	}
	return 0;
}

/* The slot of name in the table: the user that has it, or a free slot. */
static uint16_t *
slot_of_name(struct parse *p, const char *name)
{
	uint32_t i = hash_fnv1a(name, strlen(name)) & (USERS_SLOTS - 1);

	while (p->by_name[i] != 0 &&
	    strcmp(p->u->v[p->by_name[i] - 1].name, name) != 0)
		i = (i + 1) & (USERS_SLOTS - 1);
	return &p->by_name[i];
}

static uint16_t *
slot_of_hash(struct parse *p, const unsigned char *h)
{
	uint32_t i = hash_fnv1a((const char *)h, SHA256_LEN) &
	    (USERS_SLOTS - 1);

	while (p->by_hash[i] != 0 &&
	    memcmp(p->u->v[p->by_hash[i] - 1].sha256, h, SHA256_LEN) != 0)
		i = (i + 1) & (USERS_SLOTS - 1);
	return &p->by_hash[i];
}

/* Keep a valid user unless its name or its token is already taken. */
static void
add_user(struct parse *p, size_t line, const struct user *u)
{
	struct users *us = p->u;
	uint16_t *ns, *hs;
	char buf[80];

	ns = slot_of_name(p, u->name);
	hs = slot_of_hash(p, u->sha256);
	if (*ns != 0) {
		report(p, line, "name %s already on line %u",
		    shown(u->name, strlen(u->name), buf, sizeof(buf)),
		    (unsigned)p->lines[*ns - 1]);
		return;
	}
	if (*hs != 0) {
		report(p, line, "same SHA-256 as the user on line %u: two "
		    "users may not share a token", (unsigned)p->lines[*hs - 1]);
		return;
	}
	if (us->n == USERS_MAX) {
		if (!p->too_many)
			report(p, line, "more than %d users", USERS_MAX);
		p->too_many = 1;
		return;
	}
	if (us->n == us->cap) {
		us->cap = us->cap == 0 ? 16 : us->cap * 2;
		us->v = xreallocarray(us->v, us->cap, sizeof(*us->v));
	}
	us->v[us->n] = *u;
	p->lines[us->n] = (uint32_t)line;
	us->n++;
	*ns = (uint16_t)us->n;
	*hs = (uint16_t)us->n;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One line, without its '\n'. */
static void
parse_line(struct parse *p, size_t line, const char *s, size_t len)
{
	struct field f[USERS_FIELDS];
	struct user u;
	const char *why;
	size_t i = 0, start, nf = 0;
	int bad;

	for (;;) {
		while (i < len && blank(s[i]))
			i++;
		if (i == len)
			break;
		if (nf == 0 && s[i] == '#')
			return;
		start = i;
		while (i < len && !blank(s[i]))
			i++;
		if (nf < USERS_FIELDS) {
			f[nf].s = s + start;
			f[nf].len = i - start;
		}
		nf++;
	}
	if (nf == 0)
		return;
	if (nf != USERS_FIELDS) {
		report(p, line, "%zu field%s; expected 4: NAME ROLE SECTORS "
		    "SHA256", nf, nf == 1 ? "" : "s");
		return;
	}
	memset(&u, 0, sizeof(u));
	bad = 0;
	if ((why = name_problem(f[0].s, f[0].len)) != NULL) {
		report(p, line, "%s", why);
		bad = 1;
	} else
		memcpy(u.name, f[0].s, f[0].len);
	bad |= check_role(p, line, &f[1], &u) == -1;
	bad |= check_sectors(p, line, &f[2], &u) == -1;
	bad |= check_hash(p, line, &f[3], &u) == -1;
	if (!bad)
		add_user(p, line, &u);
}

struct users *
users_parse(const char *path, const char *text, size_t len, char *err,
    size_t errlen)
{
	struct parse p;
	size_t pos, end, n, line = 0;
	const char *eol;

	memset(&p, 0, sizeof(p));
	p.path = path != NULL ? path : "(users)";
	p.err = errlen > 0 ? err : NULL;
	p.errlen = errlen;
	if (p.err != NULL)
		p.err[0] = '\0';
	if (len > USERS_MAX_FILE) {
		report(&p, 0, "larger than 1 MiB");
		return NULL;
	}
	if (sha256("", 0, p.empty_hash) == -1) {
		report(&p, 0, "SHA-256 unavailable");
		return NULL;
	}
	p.u = xcalloc(1, sizeof(*p.u));
	p.lines = xcalloc(USERS_MAX, sizeof(*p.lines));
	p.by_name = xcalloc(USERS_SLOTS, sizeof(*p.by_name));
	p.by_hash = xcalloc(USERS_SLOTS, sizeof(*p.by_hash));
	for (pos = 0; pos < len; pos = end + 1) {
		eol = memchr(text + pos, '\n', len - pos);
		end = eol != NULL ? (size_t)(eol - text) : len;
		n = end - pos;
		line++;
		if (n > USERS_MAX_LINE) {
			report(&p, line, "line longer than %d bytes",
			    USERS_MAX_LINE);
			continue;
		}
		/* A file saved with CRLF ends are read as if with LF. */
		if (n > 0 && text[pos + n - 1] == '\r')
			n--;
		parse_line(&p, line, text + pos, n);
	}
	free(p.lines);
	free(p.by_name);
	free(p.by_hash);
	if (p.errors > 0) {
		finish(&p);
		users_free(p.u);
		return NULL;
	}
	return p.u;
}

struct users *
users_load(const char *path, char *err, size_t errlen)
{
	struct parse p;
	struct users *u = NULL;
	struct stat st;
	FILE *fp;
	char *buf;
	size_t len;

	memset(&p, 0, sizeof(p));
	p.path = path;
	p.err = errlen > 0 ? err : NULL;
	p.errlen = errlen;
	if (p.err != NULL)
		p.err[0] = '\0';
	if ((fp = fopen(path, "r")) == NULL) {
		report(&p, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) == -1)
		report(&p, 0, "cannot stat: %s", strerror(errno));
	else if (st.st_mode & S_IWOTH)
		/* Anyone could make themselves an admin. */
		report(&p, 0, "writable by every user of the system "
		    "(chmod o-w)");
	else if (st.st_size > USERS_MAX_FILE)
		report(&p, 0, "larger than 1 MiB");
	if (p.errors > 0) {
		(void)fclose(fp);
		return NULL;
	}
	/* One byte more than allowed, so that a file that grew shows it. */
	buf = xmalloc(USERS_MAX_FILE + 1);
	len = fread(buf, 1, USERS_MAX_FILE + 1, fp);
	if (ferror(fp))
		report(&p, 0, "read error: %s", strerror(errno));
	(void)fclose(fp);
	if (p.errors == 0)
		u = users_parse(path, buf, len, err, errlen);
	free(buf);
	return u;
}

void
users_free(struct users *u)
{
	if (u == NULL)
		return;
	free(u->v);
	free(u);
}

size_t
users_count(const struct users *u)
{
	return u != NULL ? u->n : 0;
}

const struct user *
users_at(const struct users *u, size_t i)
{
	return u != NULL && i < u->n ? &u->v[i] : NULL;
}

const struct user *
users_authenticate(const struct users *u, const char *token, size_t len)
{
	unsigned char d[SHA256_LEN];
	size_t i, found = 0, eq;

	if (u == NULL || token == NULL || len == 0 || len > USERS_TOKEN_MAX)
		return NULL;
	if (sha256(token, len, d) == -1)
		return NULL;
	/*
	 * Every hash is compared and the match picked with a mask rather
	 * than a branch, so that the time is the same whoever matches.
	 * Hashes are unique in a file: at most one matches.
	 */
	for (i = 0; i < u->n; i++) {
		eq = (size_t)(CRYPTO_memcmp(d, u->v[i].sha256,
		    SHA256_LEN) == 0);
		found |= ((size_t)0 - eq) & (i + 1);
	}
	OPENSSL_cleanse(d, sizeof(d));
	return found != 0 ? &u->v[found - 1] : NULL;
}

const char *
users_role_name(enum user_role r)
{
	return (unsigned)r < USER_ROLE_COUNT ? role_names[r] : "?";
}

int
users_role_lookup(const char *s, size_t len)
{
	int i;

	for (i = 0; i < USER_ROLE_COUNT; i++)
		if (strlen(role_names[i]) == len &&
		    memcmp(role_names[i], s, len) == 0)
			return i;
	return -1;
}

/*
 * The core's one read of a system source other than a file: a token must
 * come from the kernel's random source, and making it here keeps the
 * token, its hash and the line they go in in one module.
 */
static int
random_bytes(unsigned char *p, size_t n)
{
	ssize_t got;

	while (n > 0) {
		got = getrandom(p, n, 0);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int
users_new_token(char out[USERS_TOKEN_HEX + 1], char hash[65])
{
	unsigned char raw[USERS_TOKEN_HEX / 2], d[SHA256_LEN];
	int rv = -1;

	out[0] = hash[0] = '\0';
	if (random_bytes(raw, sizeof(raw)) == 0) {
		hex_encode(raw, sizeof(raw), out);
		if (sha256(out, USERS_TOKEN_HEX, d) == 0) {
			hex_encode(d, sizeof(d), hash);
			rv = 0;
		} else {
			OPENSSL_cleanse(out, USERS_TOKEN_HEX + 1);
			out[0] = '\0';
		}
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	return rv;
}

int
users_format_sectors(uint32_t sectors, char *buf, size_t len)
{
	size_t pos = 0, n;
	int i;

	if (len == 0)
		return -1;
	if (sectors == USERS_ALL_SECTORS) {
		if (len < 2)
			return -1;
		memcpy(buf, "*", 2);
		return 1;
	}
	if (sectors == 0 || (sectors >> SECTOR_COUNT) != 0)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < SECTOR_COUNT; i++) {
		if ((sectors & (1u << i)) == 0)
			continue;
		n = strlen(vocab_name(&vocab_sector, i));
		if (pos + (pos > 0) + n >= len)
			return -1;
		if (pos > 0)
			buf[pos++] = ',';
		memcpy(buf + pos, vocab_name(&vocab_sector, i), n + 1);
		pos += n;
	}
	return (int)pos;
}

int
users_format_line(const char *name, enum user_role role, uint32_t sectors,
    const char *hash_hex, char *buf, size_t len)
{
	unsigned char h[SHA256_LEN];
	char sec[128];
	int n;

	if (name == NULL || hash_hex == NULL ||
	    name_problem(name, strlen(name)) != NULL ||
	    (unsigned)role >= USER_ROLE_COUNT ||
	    users_format_sectors(sectors, sec, sizeof(sec)) < 0 ||
	    hex_decode(hash_hex, strlen(hash_hex), h, SHA256_LEN) == -1)
		return -1;
	n = snprintf(buf, len, "%s %s %s %s", name, users_role_name(role),
	    sec, hash_hex);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}
