/*
 * Unit tests of rgpd.c: a stored result without one person (the others
 * kept byte for byte, ranks renumbered; a result without them untouched;
 * what is not a result refused), anonymous ids, the retention rule at
 * its edges, and the erasure script fitting its buffer.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dates.h"
#include "mpobj.h"
#include "rgpd.h"

/* A result of three suggestions, ids given; extra keys kept. */
static void
pack_result(msgpack_sbuffer *sb, const char *const ids[3])
{
	msgpack_packer pk;
	int i;

	msgpack_sbuffer_init(sb);
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	mp_pack_kv_str(&pk, "status", "open");
	mp_pack_str(&pk, "suggestions");
	msgpack_pack_array(&pk, 3);
	for (i = 0; i < 3; i++) {
		msgpack_pack_map(&pk, 3);
		mp_pack_kv_int(&pk, "rank", i + 1);
		mp_pack_kv_str(&pk, "candidate", ids[i]);
		mp_pack_str(&pk, "reasons");
		msgpack_pack_array(&pk, 1);
		mp_pack_str(&pk, "même métier F1701");
	}
	mp_pack_kv_int(&pk, "considered", 12);
}

/* The suggestions of packed result out, unpacked into u. */
static const msgpack_object *
suggestions_of(msgpack_unpacked *u, const msgpack_sbuffer *out)
{
	msgpack_unpacked_init(u);
	assert_int_equal(msgpack_unpack_next(u, out->data, out->size, NULL),
	    MSGPACK_UNPACK_SUCCESS);
	assert_non_null(mp_map_get(&u->data, "suggestions"));
	return mp_map_get(&u->data, "suggestions");
}

static void
test_result_without(void **state)
{
	static const char *const ids[3] = { "c-1", "c-2", "c-3" };
	msgpack_sbuffer sb, out;
	msgpack_unpacked u;
	const msgpack_object *s;

	(void)state;
	pack_result(&sb, ids);
	msgpack_sbuffer_init(&out);
	assert_int_equal(rgpd_result_without(sb.data, sb.size, "c-2", &out), 1);
	s = suggestions_of(&u, &out);
	assert_int_equal(s->via.array.size, 2);
	assert_true(mp_str_eq(mp_map_get(&s->via.array.ptr[0], "candidate"),
	    "c-1"));
	assert_true(mp_str_eq(mp_map_get(&s->via.array.ptr[1], "candidate"),
	    "c-3"));
	assert_int_equal(mp_map_get(&s->via.array.ptr[1], "rank")->via.u64,
	    2);
	assert_int_equal(mp_map_get(&u.data, "considered")->via.u64, 12);
	assert_true(mp_str_eq(mp_map_get(&u.data, "status"), "open"));
	msgpack_unpacked_destroy(&u);

	/* Not in it: 0, nothing written. */
	msgpack_sbuffer_clear(&out);
	assert_int_equal(rgpd_result_without(sb.data, sb.size, "c-9", &out), 0);
	assert_int_equal(out.size, 0);
	msgpack_sbuffer_destroy(&out);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_result_every_copy_removed(void **state)
{
	static const char *const ids[3] = { "c-2", "c-1", "c-2" };
	msgpack_sbuffer sb, out;
	msgpack_unpacked u;
	const msgpack_object *s;

	(void)state;
	pack_result(&sb, ids);
	msgpack_sbuffer_init(&out);
	assert_int_equal(rgpd_result_without(sb.data, sb.size, "c-2", &out), 2);
	s = suggestions_of(&u, &out);
	assert_int_equal(s->via.array.size, 1);
	assert_int_equal(mp_map_get(&s->via.array.ptr[0], "rank")->via.u64,
	    1);
	assert_null(memmem(out.data, out.size, "c-2", 3));
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&out);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_result_refused(void **state)
{
	static const char *const ids[3] = { "c-1", "c-2", "c-3" };
	msgpack_sbuffer sb, out;
	msgpack_packer pk;

	(void)state;
	msgpack_sbuffer_init(&out);
	assert_int_equal(rgpd_result_without("\x93\x01\x02\x03", 4, "c-1",
	    &out), -1);
	assert_int_equal(rgpd_result_without("", 0, "c-1", &out), -1);
	/* A map without suggestions, and one with bytes after it. */
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 1);
	mp_pack_kv_int(&pk, "considered", 1);
	assert_int_equal(rgpd_result_without(sb.data, sb.size, "c-1", &out),
	    -1);
	msgpack_sbuffer_destroy(&sb);
	pack_result(&sb, ids);
	msgpack_sbuffer_write(&sb, "\xc0", 1);
	assert_int_equal(rgpd_result_without(sb.data, sb.size, "c-1", &out),
	    -1);
	/* Truncated anywhere: refused, never read past the end. */
	sb.size -= 1;
	for (size_t n = 0; n < sb.size; n++)
		assert_int_equal(rgpd_result_without(sb.data, n, "c-1", &out),
		    -1);
	assert_int_equal(out.size, 0);
	msgpack_sbuffer_destroy(&sb);
	msgpack_sbuffer_destroy(&out);
}

static void
test_anon_ids(void **state)
{
	unsigned char a[RGPD_ANON_RANDOM] = { 0, 1, 2, 3, 4, 5, 6, 0xff };
	char id[RGPD_ANON_LEN + 1];

	(void)state;
	rgpd_anon_id(a, id);
	assert_string_equal(id, "erased-00010203040506ff");
	assert_int_equal(strlen(id), RGPD_ANON_LEN);
	assert_true(rgpd_is_anon(id));
	assert_false(rgpd_is_anon("c-erased-1"));
	assert_false(rgpd_is_anon("erase"));
}

static void
test_retention_edges(void **state)
{
	int32_t today = date_from_ymd(2028, 12, 7);

	(void)state;
	/* 730 days to the day: due; a day less: not yet. */
	assert_true(rgpd_retention_due(today - 730, DATE_NONE, 0, today, 730));
	assert_false(rgpd_retention_due(today - 729, DATE_NONE, 0, today,
	    730));
	/* An open referral keeps the person. */
	assert_false(rgpd_retention_due(today - 2000, DATE_NONE, 1, today,
	    730));
	/* A recent referral move too. */
	assert_false(rgpd_retention_due(today - 2000, today - 10, 0, today,
	    730));
	assert_true(rgpd_retention_due(today - 2000, today - 731, 0, today,
	    730));
	/* An undated record is never due. */
	assert_false(rgpd_retention_due(DATE_NONE, DATE_NONE, 0, today, 1));
}

static void
test_script_fits(void **state)
{
	char buf[4096], small[64];
	size_t n;

	(void)state;
	n = rgpd_lua_script(buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(strlen(buf), n);
	assert_non_null(strstr(buf, "LSET"));
	assert_int_equal(rgpd_lua_script(small, sizeof(small)), 0);
}

static void
test_reasons(void **state)
{
	(void)state;
	assert_int_equal(vocab_erase_reason.count, RGPD_REASON_COUNT);
	assert_string_equal(vocab_name(&vocab_erase_reason, RGPD_RETENTION),
	    "retention");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_result_without),
		cmocka_unit_test(test_result_every_copy_removed),
		cmocka_unit_test(test_result_refused),
		cmocka_unit_test(test_anon_ids),
		cmocka_unit_test(test_retention_edges),
		cmocka_unit_test(test_script_fits),
		cmocka_unit_test(test_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
