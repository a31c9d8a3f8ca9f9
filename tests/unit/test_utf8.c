/*
 * Unit tests of proto/utf8.c: the strict check at its edges (overlong
 * forms, surrogates, past U+10FFFF, truncated sequences, NUL) and the
 * scrub that keeps echoed input valid.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "utf8.h"

static int
valid(const char *s)
{
	return utf8_valid(s, strlen(s));
}

static void
test_valid(void **state)
{
	(void)state;
	assert_true(valid(""));
	assert_true(valid("Bâtiment, hôtellerie \xe2\x82\xac \xf0\x9f\x98\x80"));
	assert_false(valid("\xc0\xaf"));		/* overlong '/' */
	assert_false(valid("\xe0\x80\xaf"));		/* overlong */
	assert_false(valid("\xed\xa0\x80"));		/* surrogate */
	assert_false(valid("\xf4\x90\x80\x80"));	/* past U+10FFFF */
	assert_false(valid("\xc3"));			/* truncated */
	assert_false(valid("\xff"));
	assert_false(utf8_valid("a\0b", 3));
}

static void
test_scrub(void **state)
{
	char a[] = "pourvue \xff\xfe fin", b[] = "caf\xc3\xa9", c[] = "x\xc3";
	char d[] = "\xed\xa0\x80!";

	(void)state;
	utf8_scrub(a);
	assert_string_equal(a, "pourvue ?? fin");
	utf8_scrub(b);
	assert_string_equal(b, "caf\xc3\xa9");
	utf8_scrub(c);
	assert_string_equal(c, "x?");
	utf8_scrub(d);
	assert_string_equal(d, "??" "?!");
	assert_true(valid(a) && valid(c) && valid(d));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_scrub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
