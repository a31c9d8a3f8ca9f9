/*
 * Tests for redis_cmd.c: borrowed and copied arguments, binary bytes,
 * numbers, msgpack packed in place, and the growth of the buffer past
 * the inline one with every argument resolved right afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "redis_cmd.h"

/* Argument i of c, as resolved by redis_cmd_argv(), is len bytes of p. */
static void
expect_arg(const struct redis_cmd *c, int i, const void *p, size_t len)
{
	assert_true(i < c->argc);
	assert_int_equal(c->lens[i], len);
	if (len > 0)
		assert_memory_equal(c->argv[i], p, len);
}

static void
expect_str(const struct redis_cmd *c, int i, const char *s)
{
	expect_arg(c, i, s, strlen(s));
}

/* 1 if p lies in the inline buffer of c. */
static int
in_inline(const struct redis_cmd *c, const char *p)
{
	return p >= c->inline_buf && p < c->inline_buf + sizeof(c->inline_buf);
}

static void
test_init(void **state)
{
	static const char name[] = "HGETALL";
	struct redis_cmd c;

	(void)state;
	redis_cmd_init(&c, name);
	assert_int_equal(c.argc, 1);
	assert_int_equal(c.used, 0);
	assert_ptr_equal(c.buf, c.inline_buf);
	assert_int_equal(redis_cmd_argv(&c), 1);
	/* The name is borrowed: the literal itself. */
	assert_ptr_equal(c.argv[0], name);
	expect_str(&c, 0, "HGETALL");
	redis_cmd_free(&c);
	assert_int_equal(c.argc, 0);
}

static void
test_borrowed(void **state)
{
	char bytes[] = { 'a', '\0', 'b', '\r', '\n', (char)0xff };
	char word[] = "field";
	struct redis_cmd c;

	(void)state;
	redis_cmd_init(&c, "HSET");
	redis_cmd_str(&c, word);
	redis_cmd_arg(&c, bytes, sizeof(bytes));
	redis_cmd_arg(&c, bytes, 0);
	/* Borrowed arguments take no room in the buffer. */
	assert_int_equal(c.used, 0);
	assert_int_equal(redis_cmd_argv(&c), 4);
	assert_ptr_equal(c.argv[1], word);
	assert_ptr_equal(c.argv[2], bytes);
	expect_str(&c, 1, "field");
	expect_arg(&c, 2, "a\0b\r\n\xff", 6);
	assert_int_equal(c.lens[3], 0);
	/* The caller's bytes are what is sent: a change shows. */
	word[0] = 'F';
	bytes[0] = 'A';
	assert_int_equal(redis_cmd_argv(&c), 4);
	expect_str(&c, 1, "Field");
	expect_arg(&c, 2, "A\0b\r\n\xff", 6);
	redis_cmd_free(&c);
}

static void
test_copied(void **state)
{
	char bytes[] = { 'k', '\0', 'v', (char)0x80 };
	char word[] = "key:{s}:1";
	struct redis_cmd c;

	(void)state;
	redis_cmd_init(&c, "HSET");
	redis_cmd_copy(&c, word, strlen(word));
	redis_cmd_copy(&c, bytes, sizeof(bytes));
	redis_cmd_copy(&c, word, 0);
	redis_cmd_copy(&c, word, 3);
	assert_int_equal(c.used, strlen(word) + sizeof(bytes) + 3);
	assert_ptr_equal(c.buf, c.inline_buf);
	/* The caller's bytes may go: the command has its own. */
	memset(word, 'x', sizeof(word));
	memset(bytes, 'x', sizeof(bytes));
	assert_int_equal(redis_cmd_argv(&c), 5);
	expect_str(&c, 1, "key:{s}:1");
	expect_arg(&c, 2, "k\0v\x80", 4);
	assert_int_equal(c.lens[3], 0);
	expect_str(&c, 4, "key");
	assert_true(in_inline(&c, c.argv[1]));
	assert_true(in_inline(&c, c.argv[4]));
	/* One after the other, no separator. */
	assert_ptr_equal(c.argv[2], c.argv[1] + 9);
	assert_ptr_equal(c.argv[4], c.argv[2] + 4);
	redis_cmd_free(&c);
}

static void
test_fmt_int(void **state)
{
	struct redis_cmd c;
	char big[511];

	(void)state;
	redis_cmd_init(&c, "HSET");
	redis_cmd_fmt(&c, "%s:%lld", "validated", 1764403200LL);
	redis_cmd_fmt(&c, "%s %s", "o-1", "o-2");
	redis_cmd_fmt(&c, "%s", "");
	redis_cmd_int(&c, 0);
	redis_cmd_int(&c, -1);
	redis_cmd_int(&c, 1764403200);
	redis_cmd_int(&c, LLONG_MAX);
	redis_cmd_int(&c, LLONG_MIN);
	/* The longest argument fmt takes: 511 bytes. */
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	redis_cmd_fmt(&c, "%s!", big);
	assert_int_equal(redis_cmd_argv(&c), 10);
	expect_str(&c, 0, "HSET");
	expect_str(&c, 1, "validated:1764403200");
	expect_str(&c, 2, "o-1 o-2");
	assert_int_equal(c.lens[3], 0);
	expect_str(&c, 4, "0");
	expect_str(&c, 5, "-1");
	expect_str(&c, 6, "1764403200");
	expect_str(&c, 7, "9223372036854775807");
	expect_str(&c, 8, "-9223372036854775808");
	assert_int_equal(c.lens[9], 511);
	assert_memory_equal(c.argv[9], big, 510);
	assert_int_equal(c.argv[9][510], '!');
	/* That one did not fit in the inline buffer any more. */
	assert_true(c.buf != c.inline_buf);
	redis_cmd_free(&c);
	assert_ptr_equal(c.buf, c.inline_buf);
}

/* Unpack argument i of c: one whole object, returned in *u. */
static void
unpack_arg(const struct redis_cmd *c, int i, msgpack_unpacked *u)
{
	size_t off = 0;

	msgpack_unpacked_init(u);
	assert_int_equal(msgpack_unpack_next(u, c->argv[i], c->lens[i], &off),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(off, c->lens[i]);
}

static void
test_pack(void **state)
{
	struct redis_cmd c;
	msgpack_packer pk;
	msgpack_unpacked u;
	const msgpack_object *o;

	(void)state;
	redis_cmd_init(&c, "HSET");
	redis_cmd_str(&c, "key");
	redis_cmd_pack_begin(&c, &pk);
	msgpack_pack_map(&pk, 2);
	msgpack_pack_str(&pk, 2);
	msgpack_pack_str_body(&pk, "id", 2);
	msgpack_pack_str(&pk, 3);
	msgpack_pack_str_body(&pk, "c-1", 3);
	msgpack_pack_str(&pk, 2);
	msgpack_pack_str_body(&pk, "at", 2);
	msgpack_pack_int64(&pk, -5);
	redis_cmd_pack_end(&c);
	redis_cmd_copy(&c, "after", 5);
	/* Two packed arguments in a row, and an empty one. */
	redis_cmd_pack_begin(&c, &pk);
	msgpack_pack_nil(&pk);
	redis_cmd_pack_end(&c);
	redis_cmd_pack_begin(&c, &pk);
	redis_cmd_pack_end(&c);
	redis_cmd_pack_begin(&c, &pk);
	msgpack_pack_uint32(&pk, 0xfffffffeu);
	redis_cmd_pack_end(&c);
	redis_cmd_str(&c, "end");
	assert_int_equal(redis_cmd_argv(&c), 8);
	expect_str(&c, 1, "key");
	/* fixmap 2, "id", "c-1", "at", -5 */
	expect_arg(&c, 2, "\x82\xa2id\xa3" "c-1\xa2" "at\xfb", 12);
	unpack_arg(&c, 2, &u);
	o = &u.data;
	assert_int_equal(o->type, MSGPACK_OBJECT_MAP);
	assert_int_equal(o->via.map.size, 2);
	assert_int_equal(o->via.map.ptr[1].val.type,
	    MSGPACK_OBJECT_NEGATIVE_INTEGER);
	assert_int_equal(o->via.map.ptr[1].val.via.i64, -5);
	msgpack_unpacked_destroy(&u);
	expect_str(&c, 3, "after");
	expect_arg(&c, 4, "\xc0", 1);
	assert_int_equal(c.lens[5], 0);
	expect_arg(&c, 6, "\xce\xff\xff\xff\xfe", 5);
	expect_str(&c, 7, "end");
	assert_int_equal(c.used, 12 + 5 + 1 + 0 + 5);
	redis_cmd_free(&c);
}

/*
 * A packed argument of several KB grows the buffer in the middle of
 * packing; the arguments copied before it move with the buffer, the
 * borrowed ones stay the caller's, and argv resolved again is right.
 */
static void
test_growth(void **state)
{
	static const char name[] = "HSET";
	char borrowed[] = "borrowed";
	char blob[6000];
	struct redis_cmd c;
	msgpack_packer pk;
	msgpack_unpacked u;
	size_t i, used;

	(void)state;
	for (i = 0; i < sizeof(blob); i++)
		blob[i] = (char)(i * 7 + 3);
	redis_cmd_init(&c, name);
	redis_cmd_copy(&c, "matcherd:{batiment}:offer:o-1", 29);
	redis_cmd_str(&c, borrowed);
	redis_cmd_int(&c, 42);
	/* Resolved while everything is still inline. */
	assert_int_equal(redis_cmd_argv(&c), 4);
	assert_true(in_inline(&c, c.argv[1]));
	assert_true(in_inline(&c, c.argv[3]));

	redis_cmd_pack_begin(&c, &pk);
	msgpack_pack_array(&pk, 2);
	msgpack_pack_str(&pk, 4);
	msgpack_pack_str_body(&pk, "blob", 4);
	msgpack_pack_bin(&pk, sizeof(blob));
	msgpack_pack_bin_body(&pk, blob, sizeof(blob));
	redis_cmd_pack_end(&c);
	redis_cmd_copy(&c, "tail", 4);
	used = 29 + 2 + 1 + 5 + 3 + sizeof(blob) + 4;
	assert_int_equal(c.used, used);
	assert_true(c.buf != c.inline_buf);
	assert_true(c.cap >= used);

	assert_int_equal(redis_cmd_argv(&c), 6);
	assert_ptr_equal(c.argv[0], name);
	expect_str(&c, 0, "HSET");
	/* Copied: now in the grown buffer. */
	assert_ptr_equal(c.argv[1], c.buf);
	expect_str(&c, 1, "matcherd:{batiment}:offer:o-1");
	assert_ptr_equal(c.argv[2], borrowed);
	expect_str(&c, 2, "borrowed");
	assert_ptr_equal(c.argv[3], c.buf + 29);
	expect_str(&c, 3, "42");
	assert_int_equal(c.lens[4], 1 + 5 + 3 + sizeof(blob));
	unpack_arg(&c, 4, &u);
	assert_int_equal(u.data.type, MSGPACK_OBJECT_ARRAY);
	assert_int_equal(u.data.via.array.size, 2);
	assert_int_equal(u.data.via.array.ptr[1].type, MSGPACK_OBJECT_BIN);
	assert_int_equal(u.data.via.array.ptr[1].via.bin.size, sizeof(blob));
	assert_memory_equal(u.data.via.array.ptr[1].via.bin.ptr, blob,
	    sizeof(blob));
	msgpack_unpacked_destroy(&u);
	expect_str(&c, 5, "tail");

	/* Growing again (realloc of the heap buffer) keeps them right. */
	for (i = 0; i < 3; i++)
		redis_cmd_copy(&c, blob, sizeof(blob));
	assert_int_equal(redis_cmd_argv(&c), 9);
	expect_str(&c, 1, "matcherd:{batiment}:offer:o-1");
	expect_str(&c, 3, "42");
	expect_str(&c, 5, "tail");
	for (i = 6; i < 9; i++)
		expect_arg(&c, (int)i, blob, sizeof(blob));
	redis_cmd_free(&c);
	assert_ptr_equal(c.buf, c.inline_buf);
	assert_int_equal(c.used, 0);
}

/* A copy that ends exactly at the inline buffer's end does not grow it. */
static void
test_growth_boundary(void **state)
{
	struct redis_cmd c;
	char fill[sizeof(c.inline_buf)];

	(void)state;
	memset(fill, 'f', sizeof(fill));
	redis_cmd_init(&c, "SET");
	redis_cmd_copy(&c, fill, sizeof(fill) - 1);
	redis_cmd_copy(&c, "g", 1);
	assert_ptr_equal(c.buf, c.inline_buf);
	assert_int_equal(c.used, sizeof(c.inline_buf));
	redis_cmd_copy(&c, "h", 1);
	assert_true(c.buf != c.inline_buf);
	assert_int_equal(redis_cmd_argv(&c), 4);
	expect_arg(&c, 1, fill, sizeof(fill) - 1);
	expect_str(&c, 2, "g");
	expect_str(&c, 3, "h");
	redis_cmd_free(&c);
}

/* A freed command can be started again, inline, from nothing. */
static void
test_reuse(void **state)
{
	char blob[2000];
	struct redis_cmd c;

	(void)state;
	memset(blob, 'b', sizeof(blob));
	redis_cmd_init(&c, "SET");
	redis_cmd_copy(&c, blob, sizeof(blob));
	assert_true(c.buf != c.inline_buf);
	redis_cmd_free(&c);
	redis_cmd_init(&c, "DEL");
	redis_cmd_copy(&c, "k", 1);
	assert_ptr_equal(c.buf, c.inline_buf);
	assert_int_equal(c.cap, sizeof(c.inline_buf));
	assert_int_equal(redis_cmd_argv(&c), 2);
	expect_str(&c, 0, "DEL");
	expect_str(&c, 1, "k");
	redis_cmd_free(&c);
}

/* REDIS_CMD_ARGS_MAX arguments fit, of every kind. */
static void
test_args_max(void **state)
{
	static const char *const nums[] = { "0", "1", "2", "3", "4", "5",
	    "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
	    "17", "18", "19", "20", "21", "22" };
	struct redis_cmd c;
	msgpack_packer pk;
	int i;

	(void)state;
	/* The audit's XADD, the longest command, has 18. */
	assert_true(REDIS_CMD_ARGS_MAX >= 18);
	_Static_assert(sizeof(nums) / sizeof(nums[0]) >= REDIS_CMD_ARGS_MAX - 1,
	    "a number for every argument");
	redis_cmd_init(&c, "EVAL");
	for (i = 1; i < REDIS_CMD_ARGS_MAX - 1; i++)
		if (i % 3 == 0)
			redis_cmd_int(&c, i);
		else if (i % 3 == 1)
			redis_cmd_fmt(&c, "%d", i);
		else
			redis_cmd_str(&c, nums[i]);
	redis_cmd_pack_begin(&c, &pk);
	msgpack_pack_fix_uint8(&pk, 15);
	redis_cmd_pack_end(&c);
	assert_int_equal(redis_cmd_argv(&c), REDIS_CMD_ARGS_MAX);
	expect_str(&c, 0, "EVAL");
	for (i = 1; i < REDIS_CMD_ARGS_MAX - 1; i++) {
		expect_str(&c, i, nums[i]);
		if (i % 3 == 2)
			assert_ptr_equal(c.argv[i], nums[i]);
	}
	expect_arg(&c, REDIS_CMD_ARGS_MAX - 1, "\xcc\x0f", 2);
	redis_cmd_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_borrowed),
		cmocka_unit_test(test_copied),
		cmocka_unit_test(test_fmt_int),
		cmocka_unit_test(test_pack),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_growth_boundary),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_args_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
