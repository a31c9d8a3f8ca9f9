/*
 * Calendar dates as whole days since 1970-01-01 (proleptic Gregorian), the
 * only time unit the scorer needs.  Pure.
 */
#ifndef MATCHER_DATES_H
#define MATCHER_DATES_H

#include <stddef.h>
#include <stdint.h>

/* Marks an absent date in records. */
#define DATE_NONE INT32_MIN

/*
 * Parse "YYYY-MM-DD" (exactly ten characters, years 1900-2199, real day of
 * month).  Returns 0 and the day number in *out, or -1.
 */
int		 date_parse(const char *s, size_t len, int32_t *out);
/* Write "YYYY-MM-DD" into buf (at least 11 bytes). */
void		 date_format(int32_t day, char *buf);
int32_t		 date_from_ymd(int y, int m, int d);
void		 date_to_ymd(int32_t day, int *y, int *m, int *d);
/* Age in whole years on day `on` of someone born on `birth`. */
int		 date_age(int32_t birth, int32_t on);
/*
 * The latest birth date of someone at least `years` old on day `on`: age
 * comparisons become one integer comparison (born <= this).
 */
int32_t		 date_latest_birth(int32_t on, int years);
/* The UTC day of a Unix time: the edges turn their clock into "today". */
int32_t		 date_of_time(int64_t unix_seconds);

#endif
