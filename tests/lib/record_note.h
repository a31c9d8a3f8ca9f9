/*
 * Decoding one kind of record (a candidate, an offer) written in the map
 * notation of mpnote.h, against the reference data that setup() leaves in
 * *state: the helpers test_candidate.c and test_offer.c share.
 *
 * Before including this file, define
 *
 *	NOTE_RECORD	the record type			struct candidate
 *	NOTE_DECODE	its decoder			candidate_decode
 *	NOTE_PACK	its canonical packer		candidate_pack
 *
 * and two tables:
 *
 *	static const char *const base[][2]	the smallest valid record,
 *						{ key, value } by field;
 *						with() starts every case
 *						from it
 *	static const char *const fields[]	every field, in the order of
 *						the canonical map
 *
 * Header only: include it as "../lib/record_note.h".
 */
#ifndef TESTS_LIB_RECORD_NOTE_H
#define TESTS_LIB_RECORD_NOTE_H

#if !defined(NOTE_RECORD) || !defined(NOTE_DECODE) || !defined(NOTE_PACK)
#error "define NOTE_RECORD, NOTE_DECODE and NOTE_PACK first"
#endif

#include "mpnote.h"

#include "mpobj.h"
#include "refdata.h"

/* The number of entries of base, fields and any_values. */
#define NOTE_NBASE	(sizeof(base) / sizeof(base[0]))
#define NOTE_NFIELDS	(sizeof(fields) / sizeof(fields[0]))

/* A value of every type, to try in every field: see expect_any_value(). */
static const char *const any_values[] = { "nil", "true", "false", "0",
    "1", "-1", "4294967296", "18446744073709551615",
    "-9223372036854775808", "1.5", "-1e308", "1e400", "''", "'x'",
    "b''", "b'x'", "[]", "{}", "[nil]", "['x']", "[[]]", "[{}]",
    "{x: 1}", "{1: 1}", "[1, 'a', nil, {}, []]" };

#define NOTE_NANY	(sizeof(any_values) / sizeof(any_values[0]))

/* A fragment of the base record that decoding must refuse. */
struct bad_fragment {
	const char	*fragment;
	const char	*field;
	const char	*message;	/* NULL: any */
};

static int
setup(void **state)
{
	char msg[256];

	*state = refdata_load(MATCHERD_DATADIR, msg, sizeof(msg));
	if (*state == NULL)
		fprintf(stderr, "refdata_load: %s\n", msg);
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	refdata_free(*state);
	return 0;
}

/* "{base, fragment}": see note_with(). */
static inline void
with(char *buf, size_t size, const char *fragment)
{
	note_with(buf, size, base, NOTE_NBASE, fragment);
}

static inline int
decode(const struct refdata *ref, const char *text, NOTE_RECORD *r,
    struct field_error *err)
{
	struct note n;
	int rc;

	rc = NOTE_DECODE(note_parse(&n, text), ref, r, err);
	note_free(&n);
	return rc;
}

static inline void
expect_ok(const struct refdata *ref, const char *text, NOTE_RECORD *r)
{
	struct field_error err;

	memset(&err, 0, sizeof(err));
	if (decode(ref, text, r, &err) != 0)
		fail_msg("%s: %s: %s", text, err.field, err.message);
}

static inline void
expect_with_ok(const struct refdata *ref, const char *fragment,
    NOTE_RECORD *r)
{
	char buf[4096];

	with(buf, sizeof(buf), fragment);
	expect_ok(ref, buf, r);
}

/* Decoding text fails on field; message, if given, is part of the error. */
static inline void
expect_err(const struct refdata *ref, const char *text, const char *field,
    const char *message)
{
	struct field_error err;
	NOTE_RECORD r;

	memset(&err, 0, sizeof(err));
	if (decode(ref, text, &r, &err) != -1)
		fail_msg("%s: accepted", text);
	if (strcmp(err.field, field) != 0 ||
	    (message != NULL && strstr(err.message, message) == NULL))
		fail_msg("%s: got \"%s\": %s; want \"%s\": %s", text,
		    err.field, err.message, field, message ? message : "...");
	assert_true(err.message[0] != '\0');
}

static inline void
expect_with_err(const struct refdata *ref, const char *fragment,
    const char *field, const char *message)
{
	char buf[4096];

	with(buf, sizeof(buf), fragment);
	expect_err(ref, buf, field, message);
}

/* Each of the n fragments of bf is refused as it says. */
static inline void
expect_with_errs(const struct refdata *ref, const struct bad_fragment *bf,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		expect_with_err(ref, bf[i].fragment, bf[i].field,
		    bf[i].message);
}

/*
 * The base with fragment: decoding may accept it (if may_accept) or
 * refuse it, but a refusal must name a field, one that starts with
 * prefix; the sanitizers watch for anything worse.
 */
static inline void
expect_any_value(const struct refdata *ref, const char *fragment,
    const char *prefix, int may_accept)
{
	struct field_error err;
	NOTE_RECORD r;
	char buf[4096];
	int rc;

	with(buf, sizeof(buf), fragment);
	memset(&err, 0, sizeof(err));
	rc = decode(ref, buf, &r, &err);
	if (rc == 0 && may_accept)
		return;
	if (rc != -1 || err.field[0] == '\0' ||
	    strncmp(err.field, prefix, strlen(prefix)) != 0)
		fail_msg("%s: rc %d field \"%s\"", buf, rc, err.field);
}

/* Pack r canonically into n->sb and return the map unpacked into n->up. */
static inline const msgpack_object *
canonical_map(struct note *n, const NOTE_RECORD *r)
{
	msgpack_packer pk;
	const msgpack_object *m;

	note_begin(n, &pk);
	NOTE_PACK(r, &pk);
	m = note_unpack(n);
	assert_int_equal(m->type, MSGPACK_OBJECT_MAP);
	return m;
}

/* pack, unpack, decode: the same record and the same bytes again. */
static inline void
round_trip(const struct refdata *ref, const char *text)
{
	NOTE_RECORD a, b;
	struct field_error err;
	struct note na, nb;
	const msgpack_object *m, *key;
	size_t i;

	expect_ok(ref, text, &a);
	m = canonical_map(&na, &a);
	assert_int_equal(m->via.map.size, NOTE_NFIELDS);
	for (i = 0; i < m->via.map.size; i++) {
		key = &m->via.map.ptr[i].key;
		assert_int_equal(key->type, MSGPACK_OBJECT_STR);
		if (!mp_str_eq(key, fields[i]))
			fail_msg("key %zu is not %s", i, fields[i]);
	}
	if (NOTE_DECODE(m, ref, &b, &err) != 0)
		fail_msg("canonical map refused: %s: %s", err.field,
		    err.message);
	/* decode zeroes the record first, so bytes compare. */
	assert_memory_equal(&a, &b, sizeof(a));
	(void)canonical_map(&nb, &b);
	assert_int_equal(na.sb.size, nb.sb.size);
	assert_memory_equal(na.sb.data, nb.sb.data, na.sb.size);
	note_free(&na);
	note_free(&nb);
}

#endif /* TESTS_LIB_RECORD_NOTE_H */
