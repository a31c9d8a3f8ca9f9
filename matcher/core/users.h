/*
 * The users file: who may use the daemon, with which role, over which
 * sectors, and the SHA-256 of the token each one presents.  One user per
 * line, in the manner of Redis's aclfile:
 *
 *	# NAME	ROLE	SECTORS	SHA256
 *	alice	admin	*	<64 lowercase hex digits>
 *	bob	adviser	batiment,tertiaire	<64 lowercase hex digits>
 *
 * Fields are separated by spaces or tabs; blank lines and lines whose first
 * non-blank character is '#' are ignored.  Only hashes are kept, so the
 * file tells no one a token.
 *
 * Pure but for users_load() (reading the file) and users_new_token()
 * (reading the kernel's random source).
 */
#ifndef MATCHER_USERS_H
#define MATCHER_USERS_H

#include <stddef.h>
#include <stdint.h>

enum user_role {
	USER_ADMIN,
	USER_ADVISER,
	USER_PROSPECTION,
	USER_PARTNER,
	USER_ROLE_COUNT
};

#define USER_NAME_MAX		64
#define USERS_MAX		10000		/* users in one file */
#define USERS_MAX_LINE		1024		/* bytes, without the '\n' */
#define USERS_MAX_FILE		(1024 * 1024)	/* bytes */
#define USERS_MAX_ERRORS	20		/* lines written in err */
#define USERS_TOKEN_MAX		256		/* bytes of a token, at most */
#define USERS_TOKEN_HEX		64		/* users_new_token()'s length */
/*
 * SECTORS "*": every sector, those added to the vocabulary later too.
 * Test a sector s with (u->sectors & (1u << s)), whatever the value.
 */
#define USERS_ALL_SECTORS	UINT32_MAX

struct user {
	char		 name[USER_NAME_MAX + 1];
	enum user_role	 role;
	uint32_t	 sectors;	/* 1u << enum sector, or all */
	unsigned char	 sha256[32];	/* of the token */
};

struct users;

/*
 * Parse text (len bytes, need not be NUL-terminated) of the file named
 * path.  NULL on error, with every error as "path:line: message" (or
 * "path: message" for the whole file) in err, '\n'-separated: the first
 * USERS_MAX_ERRORS, then "path: N more errors".  No message echoes a
 * hash.  A file of no users is valid.
 */
struct users	*users_parse(const char *path, const char *text, size_t len,
		    char *err, size_t errlen);
/*
 * Read and parse the file at path.  Also refused: a file larger than
 * USERS_MAX_FILE, or one that every user of the system may write.
 */
struct users	*users_load(const char *path, char *err, size_t errlen);
void		 users_free(struct users *);

size_t		 users_count(const struct users *);
/* The i-th user, in file order; NULL past the end. */
const struct user *users_at(const struct users *, size_t i);

/*
 * The user whose token this is, or NULL.  The token's SHA-256 is compared
 * with every user's in constant time, so the time taken tells neither
 * which user matched nor how many bytes did.  An empty token and one
 * longer than USERS_TOKEN_MAX bytes are refused (NULL).
 */
const struct user *users_authenticate(const struct users *,
		    const char *token, size_t len);

/* "admin", "adviser", "prospection", "partner"; "?" out of range. */
const char	*users_role_name(enum user_role);
/* The role named s (len bytes, exact), or -1. */
int		 users_role_lookup(const char *s, size_t len);

/*
 * A new token: 32 random bytes from the kernel, as 64 lowercase hex
 * digits and a NUL in out; its SHA-256 in hex in hash.  -1 if the random
 * source fails (out and hash are then empty strings).
 */
int		 users_new_token(char out[USERS_TOKEN_HEX + 1], char hash[65]);

/*
 * The SECTORS field for a mask: "*" for USERS_ALL_SECTORS, else the wire
 * names in vocabulary order, comma-separated.  The length written, or -1
 * for an empty mask, a bit past the vocabulary or a short buffer.
 */
int		 users_format_sectors(uint32_t sectors, char *buf, size_t len);
/*
 * The users file line "NAME ROLE SECTORS SHA256" (no '\n') in buf.  The
 * length written, or -1 if a field is not valid in a users file (hash_hex
 * must be 64 lowercase hex digits) or buf is too short.
 */
int		 users_format_line(const char *name, enum user_role role,
		    uint32_t sectors, const char *hash_hex, char *buf,
		    size_t len);

#endif
