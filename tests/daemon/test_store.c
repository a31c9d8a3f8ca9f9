/*
 * Unit tests of store.c's reading of replies: which Redis errors mean
 * "nothing was run, try again" (unavailable) and which are internal; a
 * lost connection; an error inside a transaction that ran.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <hiredis/hiredis.h>

#include "rpc.h"
#include "store.h"

static int
code_of(const char *err)
{
	return store_error_code(err, strlen(err));
}

static void
test_transient_errors(void **state)
{
	(void)state;
	assert_int_equal(code_of("LOADING Redis is loading the dataset in "
	    "memory"), RPC_ERR_UNAVAILABLE);
	assert_int_equal(code_of("EXECABORT Transaction discarded because of "
	    "previous errors."), RPC_ERR_UNAVAILABLE);
	assert_int_equal(code_of("OOM command not allowed when used memory > "
	    "'maxmemory'."), RPC_ERR_UNAVAILABLE);
	assert_int_equal(code_of("BUSY Redis is busy running a script."),
	    RPC_ERR_UNAVAILABLE);
	assert_int_equal(code_of("READONLY You can't write against a read "
	    "only replica."), RPC_ERR_UNAVAILABLE);
	assert_int_equal(code_of("LOADING"), RPC_ERR_UNAVAILABLE);
	/* Prefixes of other words, and real errors, are internal. */
	assert_int_equal(code_of("LOADINGX"), RPC_ERR_INTERNAL);
	assert_int_equal(code_of("BUSYKEY Target key name already exists."),
	    RPC_ERR_INTERNAL);
	assert_int_equal(code_of("WRONGTYPE Operation against a key holding "
	    "the wrong kind of value"), RPC_ERR_INTERNAL);
	assert_int_equal(code_of("ERR unknown command"), RPC_ERR_INTERNAL);
	assert_int_equal(code_of(""), RPC_ERR_INTERNAL);
}

static void
test_reply_check(void **state)
{
	redisReply err = { .type = REDIS_REPLY_ERROR };
	redisReply ok = { .type = REDIS_REPLY_STATUS };
	redisReply *elems[2] = { &ok, &err };
	redisReply exec = { .type = REDIS_REPLY_ARRAY, .elements = 2,
	    .element = elems };
	char msg[200];
	int code;

	(void)state;
	assert_int_equal(store_reply_check(NULL, "x", &code, msg,
	    sizeof(msg)), -1);
	assert_int_equal(code, RPC_ERR_UNAVAILABLE);
	err.str = "LOADING Redis is loading the dataset in memory";
	err.len = strlen(err.str);
	assert_int_equal(store_reply_check(&err, "candidate.put", &code, msg,
	    sizeof(msg)), -1);
	assert_int_equal(code, RPC_ERR_UNAVAILABLE);
	assert_non_null(strstr(msg, "nothing was written"));
	/* Inside a transaction that ran: the others wrote. */
	assert_int_equal(store_reply_check(&exec, "EXEC", &code, msg,
	    sizeof(msg)), -1);
	assert_int_equal(code, RPC_ERR_INTERNAL);
	ok.str = "OK";
	ok.len = 2;
	assert_int_equal(store_reply_check(&ok, "x", &code, msg, sizeof(msg)),
	    0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transient_errors),
		cmocka_unit_test(test_reply_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
