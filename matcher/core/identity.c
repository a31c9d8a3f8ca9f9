/*
 * A candidate's identity (identity.h): practical checks of names, phone
 * numbers and e-mail addresses, not the RFCs, and the stored map.  What
 * advisers typed is kept as typed: nothing is normalised.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <msgpack.h>

#include "identity.h"
#include "mpobj.h"
#include "utf8.h"

#define X_IDENTITY_NAME(s, n) n,
static const char *const identity_names[] = {
	IDENTITY_FIELDS(X_IDENTITY_NAME)
};
#undef X_IDENTITY_NAME

_Static_assert(sizeof(identity_names) / sizeof(identity_names[0]) ==
    IDENTITY_COUNT, "one name per field");

const char *
identity_field_name(int f)
{
	return f >= 0 && f < IDENTITY_COUNT ? identity_names[f] : NULL;
}

/* Where each field lives in struct identity, in enum order. */
#define SLOT(m) { offsetof(struct identity, m), \
	sizeof(((struct identity *)0)->m) }
static const struct {
	size_t	off, size;
} slots[IDENTITY_COUNT] = {
	SLOT(first_name), SLOT(last_name), SLOT(phone), SLOT(email)
};
#undef SLOT

static const char *
field_get(const struct identity *id, int f)
{
	return (const char *)id + slots[f].off;
}

/* C0, DEL and C1: what a terminal, a CSV cell or a log line chokes on. */
static int
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/*
 * Strict UTF-8 without control characters; *blank set when every
 * character is a space.  0, or -1.
 */
static int
text_ok(const char *s, size_t len, int *blank)
{
	size_t i = 0, n;
	uint32_t cp;

	*blank = 1;
	while (i < len) {
		n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0 || is_control(cp))
			return -1;
		if (cp != ' ' && cp != 0xa0)
			*blank = 0;
		i += n;
	}
	return 0;
}

static int
check_name(const char *field, const char *s, size_t len,
    struct field_error *err)
{
	int blank;

	if (len > IDENTITY_NAME_MAX)
		return field_error_set(err, field, "must be at most %d bytes",
		    IDENTITY_NAME_MAX);
	if (text_ok(s, len, &blank) == -1)
		return field_error_set(err, field,
		    "must be UTF-8 text without control characters");
	if (blank)
		return field_error_set(err, field, "must not be blank");
	return 0;
}

/* Digits and the separators people type; a '+' only in front. */
static int
check_phone(const char *field, const char *s, size_t len,
    struct field_error *err)
{
	size_t i, digits = 0;

	for (i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] == '\0' || strchr(" .-()", s[i]) == NULL) {
			if (s[i] != '+' || i != 0)
				break;
		}
	}
	if (i < len || len < IDENTITY_PHONE_MIN || len > IDENTITY_PHONE_MAX ||
	    digits < IDENTITY_PHONE_DIGITS)
		return field_error_set(err, field, "must be a phone number: "
		    "%d to %d of 0-9, space, + . - ( ), with at least %d digits",
		    IDENTITY_PHONE_MIN, IDENTITY_PHONE_MAX,
		    IDENTITY_PHONE_DIGITS);
	return 0;
}

/* A part of an address: not empty, no dot at either end, no "..". */
static int
dotted_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (i = 1; i < len; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return 0;
	return 1;
}

/*
 * name@domain.tld: one '@', a dot inside the domain, no space, no
 * control, none of the characters that only quoted forms allow.
 */
static int
check_email(const char *field, const char *s, size_t len,
    struct field_error *err)
{
	const char *at;
	size_t local;
	uint32_t cp;
	size_t i, n;

	if (len > IDENTITY_EMAIL_MAX)
		return field_error_set(err, field, "must be at most %d bytes",
		    IDENTITY_EMAIL_MAX);
	for (i = 0; i < len; i += n) {
		n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0 || is_control(cp) || cp == ' ' || cp == 0xa0 ||
		    (cp < 0x80 && strchr("\"(),:;<>[\\]", (int)cp) != NULL))
			goto bad;
	}
	if ((at = memchr(s, '@', len)) == NULL ||
	    memchr(at + 1, '@', len - (size_t)(at + 1 - s)) != NULL)
		goto bad;
	local = (size_t)(at - s);
	if (local > IDENTITY_EMAIL_LOCAL_MAX || !dotted_ok(s, local) ||
	    !dotted_ok(at + 1, len - local - 1) ||
	    memchr(at + 1, '.', len - local - 1) == NULL)
		goto bad;
	return 0;
bad:
	return field_error_set(err, field, "must be a valid e-mail address "
	    "(name@domain.tld, no spaces)");
}

int
identity_decode(const msgpack_object *map, struct identity *out,
    struct field_error *err)
{
	const msgpack_object *v;
	const char *name, *s;
	size_t len;
	char *buf;
	int f, named = 0, rc;

	memset(out, 0, sizeof(*out));
	if (map == NULL || map->type != MSGPACK_OBJECT_MAP)
		return field_error_set(err, "", "identity must be a map");
	for (f = 0; f < IDENTITY_COUNT; f++) {
		name = identity_names[f];
		if ((v = mp_map_get(map, name)) == NULL)
			continue;
		named = 1;
		if (v->type == MSGPACK_OBJECT_NIL)
			continue;	/* removed */
		if (mp_get_str(v, &s, &len) == -1)
			return field_error_set(err, name, "must be a string");
		if (len == 0)
			continue;
		switch (f) {
		case IDENTITY_PHONE:
			rc = check_phone(name, s, len, err);
			break;
		case IDENTITY_EMAIL:
			rc = check_email(name, s, len, err);
			break;
		default:
			rc = check_name(name, s, len, err);
			break;
		}
		if (rc == -1)
			return -1;
		/* The checks bound every field to its buffer. */
		buf = (char *)out + slots[f].off;
		len = len < slots[f].size ? len : slots[f].size - 1;
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return named;
}

int
identity_count(const struct identity *id)
{
	int f, n = 0;

	for (f = 0; f < IDENTITY_COUNT; f++)
		n += field_get(id, f)[0] != '\0';
	return n;
}

int
identity_is_empty(const struct identity *id)
{
	return identity_count(id) == 0;
}

void
identity_pack_fields(const struct identity *id, msgpack_packer *pk)
{
	int f;

	for (f = 0; f < IDENTITY_COUNT; f++)
		if (field_get(id, f)[0] != '\0')
			mp_pack_kv_str(pk, identity_names[f], field_get(id, f));
}

void
identity_pack(const struct identity *id, msgpack_packer *pk)
{
	(void)msgpack_pack_map(pk, (size_t)identity_count(id));
	identity_pack_fields(id, pk);
}
