/*
 * Tests for dates.c: strict "YYYY-MM-DD" parsing, day numbers against
 * known dates, a format/parse round trip over the whole supported range,
 * and ages around birthdays (including 29 February).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dates.h"

static int32_t
parse(const char *s)
{
	int32_t d = 12345;

	if (date_parse(s, strlen(s), &d) == -1)
		fail_msg("date_parse(\"%s\") failed", s);
	return d;
}

static void
assert_bad(const char *s)
{
	int32_t d = 12345;

	if (date_parse(s, strlen(s), &d) != -1)
		fail_msg("date_parse(\"%s\") accepted", s);
}

static void
test_parse_valid(void **state)
{
	int32_t d;

	(void)state;
	assert_int_equal(parse("1970-01-01"), 0);
	assert_int_equal(parse("1970-01-02"), 1);
	assert_int_equal(parse("1969-12-31"), -1);
	assert_int_equal(parse("2000-01-01"), 10957);
	assert_int_equal(parse("2000-03-01"), 11017);
	assert_int_equal(parse("2024-02-29"), 19782);
	assert_int_equal(parse("2024-03-01"), 19783);
	assert_int_equal(parse("1900-01-01"), -25567);
	assert_int_equal(parse("2199-12-31"), 84005);
	assert_int_equal(parse("2000-02-29"), parse("2000-03-01") - 1);
	assert_int_equal(parse("2024-12-31") - parse("2024-01-01"), 365);
	assert_int_equal(parse("2023-12-31") - parse("2023-01-01"), 364);

	/* Only the first len bytes are read. */
	assert_int_equal(date_parse("2024-02-29T10:00:00Z", 10, &d), 0);
	assert_int_equal(d, 19782);
}

static void
test_parse_invalid(void **state)
{
	int32_t d;

	(void)state;
	assert_bad("2023-02-29");
	assert_bad("1900-02-29");
	assert_bad("2100-02-29");
	assert_bad("2024-02-30");
	assert_bad("2024-04-31");
	assert_bad("2024-06-31");
	assert_bad("2024-09-31");
	assert_bad("2024-11-31");
	assert_bad("2024-01-32");
	assert_bad("2024-01-00");
	assert_bad("2024-00-10");
	assert_bad("2024-13-01");
	assert_bad("1899-12-31");
	assert_bad("2200-01-01");
	assert_bad("2024-1-01");
	assert_bad("2024-01-1");
	assert_bad("24-01-2024");
	assert_bad("2024/01/01");
	assert_bad("2024-01-01 ");
	assert_bad(" 2024-01-01");
	assert_bad("2024-01-01T00:00");
	assert_bad("2024-0a-01");
	assert_bad("+024-01-01");
	assert_bad("2024--1-01");
	assert_bad("2024-01- 1");
	assert_bad("");
	assert_bad("2024-01-0");
	assert_int_equal(date_parse("2024-01-01", 9, &d), -1);
	assert_int_equal(date_parse("2024-01-01", 0, &d), -1);
}

/* Every day from 1900-01-01 to 2199-12-31 formats and parses back. */
static void
test_round_trip(void **state)
{
	int32_t day, first, last, back;
	int y, m, d, py, pm, pd, n = 0;
	char buf[11];

	(void)state;
	first = parse("1900-01-01");
	last = parse("2199-12-31");
	date_to_ymd(first - 1, &py, &pm, &pd);
	assert_int_equal(py, 1899);
	assert_int_equal(pm, 12);
	assert_int_equal(pd, 31);
	for (day = first; day <= last; day++) {
		date_format(day, buf);
		assert_int_equal(strlen(buf), 10);
		assert_int_equal(date_parse(buf, 10, &back), 0);
		assert_int_equal(back, day);
		date_to_ymd(day, &y, &m, &d);
		assert_int_equal(date_from_ymd(y, m, d), day);
		/* Consecutive days advance the calendar by exactly one. */
		if (d == 1) {
			assert_true((m == pm + 1 && y == py) ||
			    (m == 1 && pm == 12 && y == py + 1));
		} else {
			assert_int_equal(y, py);
			assert_int_equal(m, pm);
			assert_int_equal(d, pd + 1);
		}
		py = y;
		pm = m;
		pd = d;
		n++;
	}
	/* 300 years with 73 leap years (1900 and 2100 are not, 2000 is). */
	assert_int_equal(n, 300 * 365 + 73);
}

static void
test_format(void **state)
{
	char buf[11];

	(void)state;
	date_format(0, buf);
	assert_string_equal(buf, "1970-01-01");
	date_format(19782, buf);
	assert_string_equal(buf, "2024-02-29");
	date_format(-25567, buf);
	assert_string_equal(buf, "1900-01-01");
	date_format(date_from_ymd(2199, 12, 31), buf);
	assert_string_equal(buf, "2199-12-31");
}

static void
test_age(void **state)
{
	int32_t b;

	(void)state;
	b = parse("2000-06-15");
	assert_int_equal(date_age(b, b), 0);
	assert_int_equal(date_age(b, parse("2001-06-14")), 0);
	assert_int_equal(date_age(b, parse("2001-06-15")), 1);
	assert_int_equal(date_age(b, parse("2020-06-14")), 19);
	assert_int_equal(date_age(b, parse("2020-06-15")), 20);
	assert_int_equal(date_age(b, parse("2020-06-16")), 20);
	assert_int_equal(date_age(b, parse("2020-05-31")), 19);
	assert_int_equal(date_age(b, parse("2020-07-01")), 20);
	assert_int_equal(date_age(b, parse("2025-12-31")), 25);

	/* End of year. */
	b = parse("1990-12-31");
	assert_int_equal(date_age(b, parse("2016-12-30")), 25);
	assert_int_equal(date_age(b, parse("2016-12-31")), 26);
	assert_int_equal(date_age(b, parse("2017-01-01")), 26);

	/*
	 * Born on 29 February: in a common year the year is complete only
	 * on 1 March, so 28 February is still a day short.
	 */
	b = parse("2000-02-29");
	assert_int_equal(date_age(b, parse("2018-02-28")), 17);
	assert_int_equal(date_age(b, parse("2018-03-01")), 18);
	assert_int_equal(date_age(b, parse("2020-02-28")), 19);
	assert_int_equal(date_age(b, parse("2020-02-29")), 20);

	/* Old candidates and the 1900 lower bound. */
	b = parse("1900-01-01");
	assert_int_equal(date_age(b, parse("2024-01-01")), 124);
	assert_int_equal(date_age(b, parse("2023-12-31")), 123);
}

static void
test_of_time(void **state)
{
	(void)state;
	assert_int_equal(date_of_time(0), 0);
	assert_int_equal(date_of_time(86399), 0);
	assert_int_equal(date_of_time(86400), 1);
	assert_int_equal(date_of_time(-1), -1);
	assert_int_equal(date_of_time(-86400), -1);
	assert_int_equal(date_of_time(-86401), -2);
	/* 2026-12-07 00:00:00 UTC and the last second of that day. */
	assert_int_equal(date_of_time(1796601600), parse("2026-12-07"));
	assert_int_equal(date_of_time(1796601600 + 86399), parse("2026-12-07"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_of_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
