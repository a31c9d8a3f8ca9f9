/*
 * Unit tests of matcher/core/identity.c: names, phone numbers and e-mail
 * addresses accepted as typed and refused with the field named and the
 * value never quoted back; absent, nil and "" fields; the stored map and
 * its round trip.
 *
 * Maps are packed here with msgpack_packer rather than written in the
 * notation of mpnote.h, whose strings cannot hold a quote ("N'Diaye") or
 * a NUL byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <msgpack.h>

#include "identity.h"
#include "mpobj.h"

/* One key: its value given as len bytes, or nil when s is NULL. */
struct kv {
	const char	*key;
	const char	*s;
	size_t		 len;
};

/* A map of the n pairs of kv, packed into sb and unpacked into up. */
struct packed {
	msgpack_sbuffer		 sb;
	msgpack_unpacked	 up;
};

static const msgpack_object *
pack_map(struct packed *p, const struct kv *kv, size_t n)
{
	msgpack_packer pk;
	size_t i, off = 0;

	msgpack_sbuffer_init(&p->sb);
	msgpack_packer_init(&pk, &p->sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, n);
	for (i = 0; i < n; i++) {
		mp_pack_str(&pk, kv[i].key);
		if (kv[i].s == NULL)
			msgpack_pack_nil(&pk);
		else
			mp_pack_strn(&pk, kv[i].s, kv[i].len);
	}
	msgpack_unpacked_init(&p->up);
	assert_int_equal(msgpack_unpack_next(&p->up, p->sb.data, p->sb.size,
	    &off), MSGPACK_UNPACK_SUCCESS);
	return &p->up.data;
}

static void
packed_free(struct packed *p)
{
	msgpack_unpacked_destroy(&p->up);
	msgpack_sbuffer_destroy(&p->sb);
}

/* identity_decode() of {key: value}, value of len bytes. */
static int
decode_one(const char *key, const char *value, size_t len,
    struct identity *id, struct field_error *err)
{
	struct kv kv = { key, value, len };
	struct packed p;
	int rc;

	memset(err, 0, sizeof(*err));
	rc = identity_decode(pack_map(&p, &kv, 1), id, err);
	packed_free(&p);
	return rc;
}

static void
expect_ok(const char *key, const char *value, const char *want_stored)
{
	struct field_error err;
	struct identity id;
	const char *got;

	if (decode_one(key, value, strlen(value), &id, &err) != 1)
		fail_msg("%s \"%s\" refused: %s: %s", key, value, err.field,
		    err.message);
	got = strcmp(key, "first_name") == 0 ? id.first_name :
	    strcmp(key, "last_name") == 0 ? id.last_name :
	    strcmp(key, "phone") == 0 ? id.phone : id.email;
	assert_string_equal(got, want_stored);
	assert_int_equal(identity_count(&id), want_stored[0] != '\0');
}

/*
 * Refused on key, the message holding want, and never the value: an
 * identity is not echoed back in an error.
 */
static void
expect_refused_n(const char *key, const char *value, size_t len,
    const char *want)
{
	struct field_error err;
	struct identity id;

	if (decode_one(key, value, len, &id, &err) != -1)
		fail_msg("%s \"%.*s\" accepted", key, (int)len, value);
	assert_string_equal(err.field, key);
	if (want != NULL && strstr(err.message, want) == NULL)
		fail_msg("%s: \"%s\" does not say \"%s\"", key, err.message,
		    want);
	/* A value of a few characters could be a word of any message. */
	if (len >= 4 && memchr(value, '\0', len) == NULL &&
	    strstr(err.message, value) != NULL)
		fail_msg("%s: the message quotes the value: %s", key,
		    err.message);
}

static void
expect_refused(const char *key, const char *value, const char *want)
{
	expect_refused_n(key, value, strlen(value), want);
}

static void
test_names(void **state)
{
	char name[IDENTITY_NAME_MAX + 2];

	(void)state;
	expect_ok("first_name", "Amélie", "Amélie");
	expect_ok("first_name", "Jean-Pierre", "Jean-Pierre");
	expect_ok("last_name", "N'Diaye", "N'Diaye");
	expect_ok("last_name", "de La Fontaine", "de La Fontaine");
	expect_ok("last_name", "Ødegård Łukasiewicz", "Ødegård Łukasiewicz");
	/* What was typed, spaces included: nothing is normalised. */
	expect_ok("first_name", " Zoé ", " Zoé ");
	/* "" is no name: the field is removed. */
	expect_ok("first_name", "", "");

	memset(name, 'a', sizeof(name));
	name[IDENTITY_NAME_MAX] = '\0';
	expect_ok("last_name", name, name);
	/* 64 bytes of "é" is 32 characters. */
	strcpy(name, "");
	while (strlen(name) + 2 <= IDENTITY_NAME_MAX)
		strcat(name, "é");
	expect_ok("first_name", name, name);
	memset(name, 'a', sizeof(name));
	name[IDENTITY_NAME_MAX + 1] = '\0';
	expect_refused("last_name", name, "at most 64 bytes");

	expect_refused("first_name", "Jean\nPierre", "control");
	expect_refused("first_name", "Jean\tPierre", "control");
	expect_refused("first_name", "Jean\x7f", "control");
	expect_refused("last_name", "Dupont\xc2\x85", "control");	/* NEL */
	expect_refused("last_name", "Dupont\xe9", "UTF-8");	/* Latin-1 */
	expect_refused("last_name", "\xc0\xaf", "UTF-8");	/* overlong */
	expect_refused_n("last_name", "Du\0pont", 7, "control");
	expect_refused("first_name", "   ", "blank");
	expect_refused("first_name", "\xc2\xa0", "blank");
}

static void
test_phones(void **state)
{
	(void)state;
	expect_ok("phone", "06 12 34 56 78", "06 12 34 56 78");
	expect_ok("phone", "0612345678", "0612345678");
	expect_ok("phone", "+33 6 12 34 56 78", "+33 6 12 34 56 78");
	expect_ok("phone", "03.28.12.34.56", "03.28.12.34.56");
	expect_ok("phone", "+33 (0)3-28-12-34-56", "+33 (0)3-28-12-34-56");
	expect_ok("phone", "123456", "123456");
	expect_ok("phone", "", "");

	expect_refused("phone", "12345", "6 to 20");
	expect_refused("phone", "+33 6 12 34 56 78 9 0", "6 to 20");
	expect_refused("phone", "06 12 34 56 7a", "phone number");
	expect_refused("phone", "06/12/34/56/78", "phone number");
	expect_refused("phone", "0612+345678", "phone number");
	expect_refused("phone", "++33612345678", "phone number");
	expect_refused("phone", "(-.-) ++", "phone number");
	expect_refused("phone", "+-+-+-12345", "phone number");
	expect_refused("phone", "12 34 5", "at least 6 digits");
	expect_refused("phone", "06 12 34 56 78\n", "phone number");
	expect_refused("phone", "０６１２３４５６７８", "phone number");
	expect_refused_n("phone", "061234\0" "5678", 11, "phone number");
}

static void
test_emails(void **state)
{
	char buf[IDENTITY_EMAIL_MAX + 8], local[IDENTITY_EMAIL_LOCAL_MAX + 2];

	(void)state;
	expect_ok("email", "jean.dupont@example.fr", "jean.dupont@example.fr");
	expect_ok("email", "a@b.co", "a@b.co");
	expect_ok("email", "Jean+BTP_59@mairie-dunkerque.gouv.fr",
	    "Jean+BTP_59@mairie-dunkerque.gouv.fr");
	expect_ok("email", "zoé@exemple.fr", "zoé@exemple.fr");
	expect_ok("email", "", "");

	expect_refused("email", "jean.dupont", "valid e-mail address");
	expect_refused("email", "jean@example", "valid e-mail address");
	expect_refused("email", "jean@@example.fr", "valid e-mail address");
	expect_refused("email", "jean@dupont@example.fr", "e-mail");
	expect_refused("email", "jean dupont@example.fr", "e-mail");
	expect_refused("email", "jean@example.fr ", "e-mail");
	expect_refused("email", "jean@example.fr\r\n", "e-mail");
	expect_refused("email", "@example.fr", "e-mail");
	expect_refused("email", "jean@.fr", "e-mail");
	expect_refused("email", "jean@example.", "e-mail");
	expect_refused("email", "jean@example..fr", "e-mail");
	expect_refused("email", ".jean@example.fr", "e-mail");
	expect_refused("email", "jean.@example.fr", "e-mail");
	expect_refused("email", "je..an@example.fr", "e-mail");
	expect_refused("email", "\"jean\"@example.fr", "e-mail");
	expect_refused("email", "Jean <jean@example.fr>", "e-mail");
	expect_refused("email", "jean@example.fr,paul@example.fr", "e-mail");
	expect_refused("email", "jean@exa\xc2\x85mple.fr", "e-mail");
	expect_refused("email", "jean@exa\xffmple.fr", "e-mail");
	expect_refused_n("email", "jean@ex\0ample.fr", 16, "e-mail");

	/* 254 bytes in all, 64 before the '@'. */
	memset(local, 'l', IDENTITY_EMAIL_LOCAL_MAX);
	local[IDENTITY_EMAIL_LOCAL_MAX] = '\0';
	snprintf(buf, sizeof(buf), "%s@", local);
	while (strlen(buf) + 4 <= IDENTITY_EMAIL_MAX)
		strcat(buf, "d");
	strcat(buf, ".fr");
	assert_int_equal(strlen(buf), IDENTITY_EMAIL_MAX);
	expect_ok("email", buf, buf);
	strcat(buf, "x");
	expect_refused("email", buf, "at most 254 bytes");
	local[IDENTITY_EMAIL_LOCAL_MAX] = 'l';
	local[IDENTITY_EMAIL_LOCAL_MAX + 1] = '\0';
	snprintf(buf, sizeof(buf), "%s@example.fr", local);
	expect_refused("email", buf, "e-mail");
}

/* Absent, nil, other keys, types, a map that is not one. */
static void
test_decode_shapes(void **state)
{
	const struct kv all[] = {
		{ "first_name", "Amélie", 7 }, { "last_name", "Dupont", 6 },
		{ "phone", "06 12 34 56 78", 14 },
		{ "email", "amelie.dupont@example.fr", 24 },
		{ "id", "c-001", 5 },
	};
	const struct kv none[] = { { "id", "c-001", 5 }, { "adviser", "x", 1 } };
	const struct kv nils[] = { { "first_name", NULL, 0 },
		{ "email", NULL, 0 } };
	struct field_error err;
	struct identity id;
	struct packed p;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked up;
	size_t off = 0;
	int rc;

	(void)state;
	rc = identity_decode(pack_map(&p, all, 5), &id, &err);
	assert_int_equal(rc, 1);
	assert_string_equal(id.first_name, "Amélie");
	assert_string_equal(id.last_name, "Dupont");
	assert_string_equal(id.phone, "06 12 34 56 78");
	assert_string_equal(id.email, "amelie.dupont@example.fr");
	assert_int_equal(identity_count(&id), 4);
	assert_false(identity_is_empty(&id));
	packed_free(&p);

	/* No identity key: 0, and *out zeroed all the same. */
	memset(&id, 'x', sizeof(id));
	assert_int_equal(identity_decode(pack_map(&p, none, 2), &id, &err), 0);
	assert_true(identity_is_empty(&id));
	assert_int_equal(id.email[0], '\0');
	packed_free(&p);

	/* Named as nil: named, and removed. */
	assert_int_equal(identity_decode(pack_map(&p, nils, 2), &id, &err), 1);
	assert_true(identity_is_empty(&id));
	packed_free(&p);

	/* Not a string; not a map; no report wanted. */
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 1);
	mp_pack_str(&pk, "phone");
	msgpack_pack_int(&pk, 612345678);
	msgpack_unpacked_init(&up);
	assert_int_equal(msgpack_unpack_next(&up, sb.data, sb.size, &off),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(identity_decode(&up.data, &id, &err), -1);
	assert_string_equal(err.field, "phone");
	assert_string_equal(err.message, "must be a string");
	assert_int_equal(identity_decode(&up.data, &id, NULL), -1);
	assert_int_equal(identity_decode(&up.data.via.map.ptr[0].val, &id,
	    &err), -1);
	assert_int_equal(identity_decode(NULL, &id, &err), -1);
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_destroy(&sb);
}

/* The stored map: set fields only, in order, decoded back the same. */
static void
test_pack(void **state)
{
	struct identity id, back;
	struct field_error err;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked up;
	size_t off = 0;
	int i;

	(void)state;
	memset(&id, 0, sizeof(id));
	snprintf(id.last_name, sizeof(id.last_name), "N'Diaye");
	snprintf(id.email, sizeof(id.email), "awa.ndiaye@example.fr");
	assert_int_equal(identity_count(&id), 2);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	identity_pack(&id, &pk);
	msgpack_unpacked_init(&up);
	assert_int_equal(msgpack_unpack_next(&up, sb.data, sb.size, &off),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(off, sb.size);
	assert_int_equal(up.data.type, MSGPACK_OBJECT_MAP);
	assert_int_equal(up.data.via.map.size, 2);
	assert_true(mp_str_eq(&up.data.via.map.ptr[0].key, "last_name"));
	assert_true(mp_str_eq(&up.data.via.map.ptr[0].val, "N'Diaye"));
	assert_true(mp_str_eq(&up.data.via.map.ptr[1].key, "email"));
	assert_int_equal(identity_decode(&up.data, &back, &err), 1);
	assert_memory_equal(&id, &back, sizeof(id));
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_destroy(&sb);

	/* Empty: an empty map, which decodes as naming nothing. */
	memset(&id, 0, sizeof(id));
	assert_true(identity_is_empty(&id));
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	identity_pack(&id, &pk);
	assert_int_equal(sb.size, 1);
	assert_int_equal((unsigned char)sb.data[0], 0x80);
	msgpack_sbuffer_destroy(&sb);

	for (i = 0; i < IDENTITY_COUNT; i++)
		assert_non_null(identity_field_name(i));
	assert_string_equal(identity_field_name(IDENTITY_FIRST_NAME),
	    "first_name");
	assert_string_equal(identity_field_name(IDENTITY_EMAIL), "email");
	assert_null(identity_field_name(IDENTITY_COUNT));
	assert_null(identity_field_name(-1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_phones),
		cmocka_unit_test(test_emails),
		cmocka_unit_test(test_decode_shapes),
		cmocka_unit_test(test_pack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
