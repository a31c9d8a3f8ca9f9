/*
 * A candidate's identity: first and last name, phone and e-mail, for the
 * advisers of the person's sectors.  It travels in the candidate map of
 * candidate.put but is kept apart from struct candidate, which the index
 * and the canonical record use, so that matching never loads it and no
 * view made from a candidate record can leak it (proto/PROTOCOL.md).
 * Pure: no I/O.
 *
 * Errors name the field and never quote its value: an identity is
 * personal data, and error messages end up in clients' logs.
 */
#ifndef MATCHER_IDENTITY_H
#define MATCHER_IDENTITY_H

#include <msgpack.h>

#include "mpobj.h"

#define IDENTITY_NAME_MAX	64	/* bytes of UTF-8 */
#define IDENTITY_PHONE_MIN	6	/* characters, every one ASCII */
#define IDENTITY_PHONE_MAX	20
#define IDENTITY_PHONE_DIGITS	6	/* at least, among them */
#define IDENTITY_EMAIL_MAX	254	/* bytes, as SMTP paths allow */
#define IDENTITY_EMAIL_LOCAL_MAX 64

/* The wire names, in the order identity_pack() writes them. */
#define IDENTITY_FIELDS(X)						\
	X(FIRST_NAME, "first_name")					\
	X(LAST_NAME, "last_name")					\
	X(PHONE, "phone")						\
	X(EMAIL, "email")

#define X_IDENTITY_ENUM(s, n) IDENTITY_##s,
enum identity_field { IDENTITY_FIELDS(X_IDENTITY_ENUM) IDENTITY_COUNT };
#undef X_IDENTITY_ENUM

/* Every field is "" when absent. */
struct identity {
	char	first_name[IDENTITY_NAME_MAX + 1];
	char	last_name[IDENTITY_NAME_MAX + 1];
	char	phone[IDENTITY_PHONE_MAX + 1];
	char	email[IDENTITY_EMAIL_MAX + 1];
};

/* The wire name of field f (enum identity_field). */
const char *identity_field_name(int f);

/*
 * The identity fields of a map: a candidate map (its other keys are the
 * candidate decoder's business and are skipped here) or a stored
 * identity.  A field given as nil or "" stays "" (removed).  Returns 1
 * when the map names at least one of the four keys (nil counts), 0 when
 * it names none, -1 with err naming the field when a value is refused.
 * *out is zeroed first.
 */
int	identity_decode(const msgpack_object *map, struct identity *out,
	    struct field_error *err);

/* 1 if every field is "". */
int	identity_is_empty(const struct identity *);
/* How many fields are set: the pairs identity_pack_fields() writes. */
int	identity_count(const struct identity *);
/* The map of the fields that are set (the stored value). */
void	identity_pack(const struct identity *, msgpack_packer *);
/* The same key/value pairs without the map header, to extend a map. */
void	identity_pack_fields(const struct identity *, msgpack_packer *);

#endif
