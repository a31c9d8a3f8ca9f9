/*
 * Tests for redis_txn.c: commands copied at once (a borrowed argument may
 * die right after), read/write and EVAL detection, the deadline script's
 * argument layout (what its Lua loop walks), and reuse after reset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "redis_cmd.h"
#include "redis_txn.h"

static void
expect_arg(const char **argv, const size_t *lens, int i, const char *s)
{
	assert_int_equal(lens[i], strlen(s));
	assert_memory_equal(argv[i], s, lens[i]);
}

static void
test_copied_and_listed(void **state)
{
	struct redis_txn t;
	struct redis_cmd c;
	const char **argv;
	size_t *lens;
	char borrowed[8];

	(void)state;
	redis_txn_init(&t);
	snprintf(borrowed, sizeof(borrowed), "k1");
	redis_cmd_init(&c, "HSET");
	redis_cmd_str(&c, borrowed);
	redis_cmd_copy(&c, "f\0x", 3);
	redis_cmd_int(&c, 42);
	redis_txn_add(&t, &c);
	redis_cmd_free(&c);
	/* The borrowed bytes change: the transaction kept its own. */
	snprintf(borrowed, sizeof(borrowed), "zz");
	redis_cmd_init(&c, "HGET");
	redis_cmd_str(&c, "k2");
	redis_cmd_str(&c, "f");
	redis_txn_add(&t, &c);
	redis_cmd_free(&c);

	assert_int_equal(t.ncmds, 2);
	assert_true(t.writes);
	assert_false(t.evals);
	assert_int_equal(redis_txn_bytes(&t), 4 + 2 + 3 + 2 + 4 + 2 + 1);
	assert_int_equal(redis_txn_cmd(&t, 0, &argv, &lens), 4);
	expect_arg(argv, lens, 0, "HSET");
	expect_arg(argv, lens, 1, "k1");
	assert_int_equal(lens[2], 3);
	assert_memory_equal(argv[2], "f\0x", 3);
	expect_arg(argv, lens, 3, "42");
	assert_int_equal(redis_txn_cmd(&t, 1, &argv, &lens), 3);
	expect_arg(argv, lens, 0, "HGET");
	expect_arg(argv, lens, 2, "f");
	redis_txn_free(&t);
}

static void
test_script_layout(void **state)
{
	struct redis_txn t;
	struct redis_cmd c;
	const char **argv;
	size_t *lens, slen;
	const char *script;
	int argc, i;

	(void)state;
	redis_txn_init(&t);
	for (i = 0; i < 300; i++) {
		redis_cmd_init(&c, "HDEL");
		redis_cmd_str(&c, "key");
		redis_cmd_int(&c, i);
		redis_txn_add(&t, &c);
		redis_cmd_free(&c);
	}
	argc = redis_txn_script_argv(&t, 1796686105332LL, &argv, &lens);
	/* EVAL script 0 deadline n, then (argc, args...) per command. */
	assert_int_equal(argc, 5 + 300 * 4);
	expect_arg(argv, lens, 0, "EVAL");
	script = redis_txn_script(&slen);
	assert_int_equal(lens[1], slen);
	assert_memory_equal(argv[1], script, slen);
	assert_int_equal(strncmp(script, "#!lua\n", 6), 0);
	assert_non_null(strstr(script, "redis.call('TIME')"));
	assert_non_null(strstr(script, "redis.pcall(unpack(a))"));
	expect_arg(argv, lens, 2, "0");
	expect_arg(argv, lens, 3, "1796686105332");
	expect_arg(argv, lens, 4, "300");
	expect_arg(argv, lens, 5, "3");
	expect_arg(argv, lens, 6, "HDEL");
	expect_arg(argv, lens, 8, "0");
	expect_arg(argv, lens, 5 + 299 * 4, "3");
	expect_arg(argv, lens, 5 + 299 * 4 + 3, "299");

	/* Reset keeps nothing of it but the buffers. */
	redis_txn_reset(&t);
	assert_int_equal(t.ncmds, 0);
	assert_false(t.writes);
	redis_cmd_init(&c, "EVAL");
	redis_cmd_str(&c, "return 1");
	redis_cmd_str(&c, "0");
	redis_txn_add(&t, &c);
	redis_cmd_free(&c);
	assert_true(t.evals);
	assert_true(t.writes);
	redis_txn_free(&t);
}

static void
test_reads_and_writes(void **state)
{
	static const char *const reads[] = { "HGETALL", "hget", "XREVRANGE",
	    "LRANGE", "HSCAN", "TIME", "ZRANGE" };
	static const char *const writes[] = { "HSET", "HDEL", "XADD", "DEL",
	    "EVAL", "ZADD", "COPY", "HGETALLX", "HGE", "" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		assert_false(redis_txn_is_write(reads[i], strlen(reads[i])));
	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		assert_true(redis_txn_is_write(writes[i], strlen(writes[i])));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copied_and_listed),
		cmocka_unit_test(test_script_layout),
		cmocka_unit_test(test_reads_and_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
