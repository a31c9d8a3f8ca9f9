/*
 * Unit tests of proto/mpobj.c: map lookup, the typed readers (type
 * mismatches, integer range edges, NaN and infinities refused), string
 * copies (bounds, embedded NUL), the packers and field_error_set().
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <msgpack.h>

#include "mpobj.h"

/* An object of type t, every other byte zero. */
static msgpack_object
obj_of(msgpack_object_type t)
{
	msgpack_object	 o;

	memset(&o, 0, sizeof(o));
	o.type = t;
	return o;
}

static msgpack_object
obj_uint(uint64_t v)
{
	msgpack_object	 o = obj_of(MSGPACK_OBJECT_POSITIVE_INTEGER);

	o.via.u64 = v;
	return o;
}

static msgpack_object
obj_int(int64_t v)
{
	msgpack_object	 o = obj_of(MSGPACK_OBJECT_NEGATIVE_INTEGER);

	o.via.i64 = v;
	return o;
}

static msgpack_object
obj_float(msgpack_object_type t, double v)
{
	msgpack_object	 o = obj_of(t);

	o.via.f64 = v;
	return o;
}

static msgpack_object
obj_str(const char *s, size_t n)
{
	msgpack_object	 o = obj_of(MSGPACK_OBJECT_STR);

	o.via.str.ptr = s;
	o.via.str.size = (uint32_t)n;
	return o;
}

static msgpack_object
obj_bin(const char *s, size_t n)
{
	msgpack_object	 o = obj_of(MSGPACK_OBJECT_BIN);

	o.via.bin.ptr = s;
	o.via.bin.size = (uint32_t)n;
	return o;
}

static msgpack_object
obj_bool(int b)
{
	msgpack_object	 o = obj_of(MSGPACK_OBJECT_BOOLEAN);

	o.via.boolean = b != 0;
	return o;
}

static msgpack_object
obj_nil(void)
{
	return obj_of(MSGPACK_OBJECT_NIL);
}

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Unpack sbuf into *o, allocating from zone. */
static void
unpack_sbuf(const msgpack_sbuffer *sb, msgpack_zone *zone, msgpack_object *o)
{
	size_t	 off = 0;

	assert_int_equal(msgpack_unpack(sb->data, sb->size, &off, zone, o),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(off, sb->size);
}

static void
test_map_get(void **state)
{
	msgpack_sbuffer		 sb;
	msgpack_packer		 pk;
	msgpack_zone		 zone;
	msgpack_object		 m, s;
	const msgpack_object	*v;

	(void)state;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 5);
	mp_pack_kv_str(&pk, "id", "c1");
	msgpack_pack_int(&pk, 7);		/* integer key: ignored */
	msgpack_pack_int(&pk, 8);
	msgpack_pack_bin_with_body(&pk, "radius", 6);	/* bin key: ignored */
	msgpack_pack_int(&pk, 9);
	mp_pack_kv_int(&pk, "radius", 15);
	mp_pack_kv_bool(&pk, "", 1);		/* empty key is a key */
	msgpack_zone_init(&zone, 1024);
	unpack_sbuf(&sb, &zone, &m);

	v = mp_map_get(&m, "id");
	assert_non_null(v);
	assert_true(mp_str_eq(v, "c1"));
	v = mp_map_get(&m, "radius");
	assert_non_null(v);
	assert_int_equal(v->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
	assert_int_equal(v->via.u64, 15);
	v = mp_map_get(&m, "");
	assert_non_null(v);
	assert_int_equal(v->type, MSGPACK_OBJECT_BOOLEAN);
	assert_null(mp_map_get(&m, "i"));
	assert_null(mp_map_get(&m, "idx"));
	assert_null(mp_map_get(&m, "missing"));
	assert_null(mp_map_get(NULL, "id"));
	assert_null(mp_map_get(&m, NULL));
	s = obj_str("id", 2);
	assert_null(mp_map_get(&s, "id"));	/* not a map */

	msgpack_zone_destroy(&zone);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_str_eq(void **state)
{
	msgpack_object	 o;

	(void)state;
	o = obj_str("abc", 3);
	assert_true(mp_str_eq(&o, "abc"));
	assert_false(mp_str_eq(&o, "ab"));
	assert_false(mp_str_eq(&o, "abcd"));
	assert_false(mp_str_eq(&o, "abd"));
	o = obj_bin("abc", 3);
	assert_true(mp_str_eq(&o, "abc"));
	o = obj_str(NULL, 0);
	assert_true(mp_str_eq(&o, ""));
	assert_false(mp_str_eq(&o, "a"));
	o = obj_str("a\0b", 3);
	assert_false(mp_str_eq(&o, "a"));
	o = obj_uint(1);
	assert_false(mp_str_eq(&o, "1"));
	assert_false(mp_str_eq(NULL, "1"));
}

static void
test_get_str(void **state)
{
	const msgpack_object refused[] = { obj_bin("hello", 5), obj_nil(),
	    obj_uint(3) };
	msgpack_object	 o;
	const char	*s;
	size_t		 n, i;

	(void)state;
	o = obj_str("hello", 5);
	assert_int_equal(mp_get_str(&o, &s, &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(s, "hello", 5);
	o = obj_str(NULL, 0);
	assert_int_equal(mp_get_str(&o, &s, &n), 0);
	assert_int_equal(n, 0);
	assert_non_null(s);
	for (i = 0; i < NITEMS(refused); i++)
		if (mp_get_str(&refused[i], &s, &n) != -1)
			fail_msg("refused[%zu] accepted", i);
	assert_int_equal(mp_get_str(NULL, &s, &n), -1);
}

static void
test_get_int64(void **state)
{
	const msgpack_object refused[] = {
		obj_uint((uint64_t)INT64_MAX + 1), obj_uint(UINT64_MAX),
		obj_float(MSGPACK_OBJECT_FLOAT64, 2.0),
		obj_float(MSGPACK_OBJECT_FLOAT32, 2.0), obj_bool(1),
		obj_str("1", 1), obj_nil(),
	};
	msgpack_object	 o;
	int64_t		 v;
	size_t		 i;

	(void)state;
	o = obj_uint(0);
	assert_int_equal(mp_get_int64(&o, &v), 0);
	assert_int_equal(v, 0);
	o = obj_uint((uint64_t)INT64_MAX);
	assert_int_equal(mp_get_int64(&o, &v), 0);
	assert_true(v == INT64_MAX);
	o = obj_int(-1);
	assert_int_equal(mp_get_int64(&o, &v), 0);
	assert_true(v == -1);
	o = obj_int(INT64_MIN);
	assert_int_equal(mp_get_int64(&o, &v), 0);
	assert_true(v == INT64_MIN);
	for (i = 0; i < NITEMS(refused); i++)
		if (mp_get_int64(&refused[i], &v) != -1)
			fail_msg("refused[%zu] accepted", i);
	assert_int_equal(mp_get_int64(NULL, &v), -1);
}

static void
test_get_uint32(void **state)
{
	const msgpack_object refused[] = {
		obj_uint((uint64_t)UINT32_MAX + 1), obj_uint(UINT64_MAX),
		obj_int(-1), obj_float(MSGPACK_OBJECT_FLOAT64, 1.0),
		obj_str("1", 1),
	};
	msgpack_object	 o;
	uint32_t	 v;
	size_t		 i;

	(void)state;
	o = obj_uint(0);
	assert_int_equal(mp_get_uint32(&o, &v), 0);
	assert_int_equal(v, 0);
	o = obj_uint(UINT32_MAX);
	assert_int_equal(mp_get_uint32(&o, &v), 0);
	assert_true(v == UINT32_MAX);
	for (i = 0; i < NITEMS(refused); i++)
		if (mp_get_uint32(&refused[i], &v) != -1)
			fail_msg("refused[%zu] accepted", i);
	assert_int_equal(mp_get_uint32(NULL, &v), -1);
}

static void
test_get_double(void **state)
{
	const struct {
		msgpack_object	 o;
		double		 want;
	} accepted[] = {
		{ obj_float(MSGPACK_OBJECT_FLOAT64, 50.6292), 50.6292 },
		{ obj_float(MSGPACK_OBJECT_FLOAT32, 0.5), 0.5 },
		{ obj_uint(3), 3.0 },
		{ obj_int(-3), -3.0 },
	};
	const msgpack_object refused[] = {
		obj_float(MSGPACK_OBJECT_FLOAT64, NAN),
		obj_float(MSGPACK_OBJECT_FLOAT32, NAN),
		obj_float(MSGPACK_OBJECT_FLOAT64, INFINITY),
		obj_float(MSGPACK_OBJECT_FLOAT64, -INFINITY),
		obj_bool(0), obj_str("1.5", 3), obj_nil(),
	};
	msgpack_object	 o;
	double		 d;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(accepted); i++) {
		assert_int_equal(mp_get_double(&accepted[i].o, &d), 0);
		assert_true(d == accepted[i].want);
	}
	o = obj_uint(UINT64_MAX);
	assert_int_equal(mp_get_double(&o, &d), 0);
	for (i = 0; i < NITEMS(refused); i++)
		if (mp_get_double(&refused[i], &d) != -1)
			fail_msg("refused[%zu] accepted", i);
	assert_int_equal(mp_get_double(NULL, &d), -1);
}

static void
test_get_bool(void **state)
{
	const msgpack_object refused[] = { obj_uint(1), obj_nil(),
	    obj_str("true", 4) };
	msgpack_object	 o;
	int		 b = -1;
	size_t		 i;

	(void)state;
	o = obj_bool(1);
	assert_int_equal(mp_get_bool(&o, &b), 0);
	assert_int_equal(b, 1);
	o = obj_bool(0);
	assert_int_equal(mp_get_bool(&o, &b), 0);
	assert_int_equal(b, 0);
	for (i = 0; i < NITEMS(refused); i++)
		if (mp_get_bool(&refused[i], &b) != -1)
			fail_msg("refused[%zu] accepted", i);
	assert_int_equal(mp_get_bool(NULL, &b), -1);
}

static void
test_copy_str(void **state)
{
	/* 4 bytes do not fit in 4 with the NUL; no NUL may be copied. */
	const msgpack_object refused[] = { obj_str("abcd", 4),
	    obj_str("a\0b", 3), obj_str("\0", 1), obj_bin("abc", 3),
	    obj_uint(1) };
	msgpack_object	 o;
	char		 buf[4];
	size_t		 i;

	(void)state;
	o = obj_str("abc", 3);
	assert_int_equal(mp_copy_str(&o, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "abc");
	o = obj_str("", 0);
	assert_int_equal(mp_copy_str(&o, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	o = obj_str(NULL, 0);
	assert_int_equal(mp_copy_str(&o, buf, 1), 0);
	assert_string_equal(buf, "");
	assert_int_equal(mp_copy_str(&o, buf, 0), -1);
	for (i = 0; i < NITEMS(refused); i++)
		if (mp_copy_str(&refused[i], buf, sizeof(buf)) != -1)
			fail_msg("refused[%zu] accepted", i);
	assert_int_equal(mp_copy_str(NULL, buf, sizeof(buf)), -1);
}

static void
test_pack(void **state)
{
	msgpack_sbuffer		 sb;
	msgpack_packer		 pk;
	msgpack_zone		 zone;
	msgpack_object		 m;
	const msgpack_object	*v;
	const char		*s;
	size_t			 n;
	int64_t			 i;
	double			 d;
	int			 b;
	char			 big[300];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 8);
	mp_pack_kv_str(&pk, "s", "héllo");
	mp_pack_kv_str(&pk, "big", big);
	mp_pack_kv_str(&pk, "none", NULL);
	mp_pack_kv_int(&pk, "neg", INT64_MIN);
	mp_pack_kv_int(&pk, "pos", 42);
	mp_pack_kv_bool(&pk, "t", 5);
	mp_pack_kv_double(&pk, "d", 4.25);
	mp_pack_str(&pk, "n");
	mp_pack_strn(&pk, "a\0b", 3);
	msgpack_zone_init(&zone, 1024);
	unpack_sbuf(&sb, &zone, &m);

	assert_int_equal(m.type, MSGPACK_OBJECT_MAP);
	assert_int_equal(mp_get_str(mp_map_get(&m, "s"), &s, &n), 0);
	assert_int_equal(n, strlen("héllo"));
	assert_memory_equal(s, "héllo", n);
	assert_int_equal(mp_get_str(mp_map_get(&m, "big"), &s, &n), 0);
	assert_int_equal(n, sizeof(big) - 1);
	v = mp_map_get(&m, "none");
	assert_non_null(v);
	assert_int_equal(v->type, MSGPACK_OBJECT_NIL);
	assert_int_equal(mp_get_int64(mp_map_get(&m, "neg"), &i), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(mp_get_int64(mp_map_get(&m, "pos"), &i), 0);
	assert_true(i == 42);
	assert_int_equal(mp_get_bool(mp_map_get(&m, "t"), &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(mp_get_double(mp_map_get(&m, "d"), &d), 0);
	assert_true(d == 4.25);
	assert_int_equal(mp_get_str(mp_map_get(&m, "n"), &s, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "a\0b", 3);

	msgpack_zone_destroy(&zone);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_field_error(void **state)
{
	struct field_error	 e;
	char			 longf[300];

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(field_error_set(&e, "jobs[0].rome",
	    "unknown ROME code %s (%d)", "Z9999", 3), -1);
	assert_string_equal(e.field, "jobs[0].rome");
	assert_string_equal(e.message, "unknown ROME code Z9999 (3)");
	assert_int_equal(field_error_set(NULL, "x", "y %d", 1), -1);
	/* long paths are truncated, never overflow */
	memset(longf, 'f', sizeof(longf) - 1);
	longf[sizeof(longf) - 1] = '\0';
	assert_int_equal(field_error_set(&e, longf, "%s", longf), -1);
	assert_int_equal(strlen(e.field), sizeof(e.field) - 1);
	assert_int_equal(strlen(e.message), sizeof(e.message) - 1);
	assert_int_equal(field_error_set(&e, NULL, "no field"), -1);
	assert_string_equal(e.field, "");
	assert_string_equal(e.message, "no field");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_get),
		cmocka_unit_test(test_str_eq),
		cmocka_unit_test(test_get_str),
		cmocka_unit_test(test_get_int64),
		cmocka_unit_test(test_get_uint32),
		cmocka_unit_test(test_get_double),
		cmocka_unit_test(test_get_bool),
		cmocka_unit_test(test_copy_str),
		cmocka_unit_test(test_pack),
		cmocka_unit_test(test_field_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
