/*
 * Day-number arithmetic after Howard Hinnant's civil_from_days algorithms:
 * exact for the proleptic Gregorian calendar, no tables, no libc time zones.
 */

#include "dates.h"

int32_t
date_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
date_to_ymd(int32_t z, int *yp, int *mp, int *dp)
{
	int era, doe, yoe, y, doy, mp_, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp_ = (5 * doy + 2) / 153;
	d = doy - (153 * mp_ + 2) / 5 + 1;
	m = mp_ + (mp_ < 10 ? 3 : -9);
	*yp = y + (m <= 2);
	*mp = m;
	*dp = d;
}

static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
date_parse(const char *s, size_t len, int32_t *out)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d, leap, max;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
		return -1;
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	max = mdays[m - 1] + (m == 2 && leap);
	if (d > max)
		return -1;
	*out = date_from_ymd(y, m, d);
	return 0;
}

void
date_format(int32_t day, char *buf)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	buf[0] = '0' + (y / 1000) % 10;
	buf[1] = '0' + (y / 100) % 10;
	buf[2] = '0' + (y / 10) % 10;
	buf[3] = '0' + y % 10;
	buf[4] = '-';
	buf[5] = '0' + m / 10;
	buf[6] = '0' + m % 10;
	buf[7] = '-';
	buf[8] = '0' + d / 10;
	buf[9] = '0' + d % 10;
	buf[10] = '\0';
}

int
date_age(int32_t birth, int32_t on)
{
	int by, bm, bd, y, m, d, age;

	date_to_ymd(birth, &by, &bm, &bd);
	date_to_ymd(on, &y, &m, &d);
	age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

int32_t
date_latest_birth(int32_t on, int years)
{
	int y, m, d, leap;

	date_to_ymd(on, &y, &m, &d);
	y -= years;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	/* Born on 29 February: a year later is 28 February, not 1 March. */
	if (m == 2 && d == 29 && !leap)
		d = 28;
	return date_from_ymd(y, m, d);
}

int32_t
date_of_time(int64_t t)
{
	/* Floor, so that a second before the epoch is day -1. */
	return (int32_t)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}
