/*
 * Printing for people and scripts (ctl_output.h): cells cut to a width
 * and text wrapped as French typography wants, values as text, and JSON.
 */
#include <sys/ioctl.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl.h"
#include "ctl_output.h"

#define CTL_DEFAULT_WIDTH	100
#define CTL_MIN_WIDTH		60
#define CTL_GLUE_COLS		30	/* see unit_len() */

int
ctl_output_width(void)
{
	struct winsize ws;
	const char *cols;
	int w = 0;

	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		w = ws.ws_col;
	else if ((cols = getenv("COLUMNS")) != NULL)
		w = atoi(cols);
	if (w <= 0)
		w = CTL_DEFAULT_WIDTH;
	return w < CTL_MIN_WIDTH ? CTL_MIN_WIDTH : w;
}

/*
 * Columns are counted as UTF-8 code points: the French text of the
 * matcher is precomposed Latin, one column per character.
 */
int
ctl_output_cols(const char *s, size_t len)
{
	size_t i;
	int n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Bytes of the longest prefix of s[0, len) that fits in cols columns. */
static size_t
utf8_fit(const char *s, size_t len, int cols)
{
	size_t i;
	int n = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == cols)
			break;
	}
	return i;
}

/*
 * Print s in at most cols columns, "…" marking a cut, padded to cols if
 * asked.  Returns the columns printed.
 */
int
ctl_output_cell(const char *s, int cols, int pad)
{
	size_t len = strlen(s), fit;
	int used = ctl_output_cols(s, len);

	if (cols < 1)
		cols = 1;
	if (used > cols) {
		fit = utf8_fit(s, len, cols - 1);
		fwrite(s, 1, fit, stdout);
		fputs("…", stdout);
		used = cols;
	} else
		fwrite(s, 1, len, stdout);
	if (pad && used < cols) {
		printf("%*s", cols - used, "");
		used = cols;
	}
	return used;
}

/*
 * Length of the unit starting at s that a line must not split, as French
 * typography wants: a word, with the words after it that start with a
 * digit or are punctuation preceded by a space ("souhaitées :",
 * "distance 12"), and a short word after a number ("4,2 km", "2 sur 3");
 * at most CTL_GLUE_COLS columns.
 */
static size_t
unit_len(const char *s)
{
	size_t n, next, wlen;
	int number;

	n = strcspn(s, " ");
	number = *s >= '0' && *s <= '9';
	while (s[n] == ' ' && s[n + 1] != '\0') {
		wlen = strcspn(s + n + 1, " ");
		next = n + 1 + wlen;
		if (strchr(":;!?0123456789", s[n + 1]) == NULL &&
		    !(number && ctl_output_cols(s + n + 1, wlen) <= 4))
			break;
		if (ctl_output_cols(s, next) > CTL_GLUE_COLS)
			break;
		number = s[n + 1] >= '0' && s[n + 1] <= '9';
		n = next;
	}
	return n;
}

/*
 * Print s word-wrapped: the cursor is at column col, continuation lines
 * start at column indent, nothing goes past width.  Ends the line.
 */
void
ctl_output_wrapped(const char *s, int col, int indent, int width)
{
	int start = col, wcols;
	size_t wlen, fit;

	/* Always leave room to make progress. */
	if (width < indent + 10)
		width = indent + 10;
	for (;;) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		wlen = unit_len(s);
		wcols = ctl_output_cols(s, wlen);
		if (col > start) {
			if (col + 1 + wcols <= width) {
				putchar(' ');
				col++;
			} else {
				printf("\n%*s", indent, "");
				col = start = indent;
			}
		}
		if (col + wcols > width) {
			/* Longer than a line: cut at a character boundary. */
			fit = utf8_fit(s, wlen, width - col);
			fwrite(s, 1, fit, stdout);
			s += fit;
			if (*s == '\0')
				break;
			printf("\n%*s", indent, "");
			col = start = indent;
			continue;
		}
		fwrite(s, 1, wlen, stdout);
		col += wcols;
		s += wlen;
	}
	putchar('\n');
}

FILE *
ctl_output_memstream(char **buf, size_t *len)
{
	FILE *m;

	if ((m = open_memstream(buf, len)) == NULL)
		ctl_die(EXIT_REFUSED, "out of memory");
	return m;
}

char *
ctl_output_format(const char *fmt, ...)
{
	va_list ap;
	char *buf = NULL;
	size_t len;
	FILE *m;

	m = ctl_output_memstream(&buf, &len);
	va_start(ap, fmt);
	vfprintf(m, fmt, ap);
	va_end(ap);
	fclose(m);
	return buf;
}

/* The strings of an array joined by sep: "batiment,industrie". */
char *
ctl_output_join(const json_t *arr, const char *sep)
{
	const json_t *v;
	char *buf = NULL;
	size_t i, len;
	FILE *m;

	m = ctl_output_memstream(&buf, &len);
	json_array_foreach(arr, i, v) {
		fprintf(m, "%s%s", i > 0 ? sep : "",
		    json_string_value(v) ? json_string_value(v) : "?");
	}
	fclose(m);
	return buf;
}

/*
 * A scalar as text for people: strings bare, reals with six significant
 * digits, anything else as compact JSON.
 */
static char *
scalar_text(const json_t *j)
{
	char num[64];
	double x;

	if (json_is_string(j))
		return strdup(json_string_value(j));
	if (json_is_real(j)) {
		x = json_real_value(j);
		snprintf(num, sizeof(num), x > -1e6 && x < 1e6 ? "%.6g" :
		    "%.0f", x);
		return strdup(num);
	}
	return json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT |
	    JSON_REAL_PRECISION(15));
}

/* A unix time as local "YYYY-MM-DD HH:MM:SS"; other values as they are. */
char *
ctl_output_time(const json_t *j)
{
	struct tm tm;
	time_t t;
	char buf[64];

	if (!json_is_integer(j))
		return scalar_text(j);
	t = (time_t)json_integer_value(j);
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return scalar_text(j);
	return strdup(buf);
}

/* JSON for scripts (one line) or people (indented). */
void
ctl_output_json(const struct ctl *ctl, const json_t *j)
{
	size_t flags = JSON_ENCODE_ANY | JSON_REAL_PRECISION(15);

	flags |= ctl->json ? JSON_COMPACT : JSON_INDENT(2);
	json_dumpf(j, stdout, flags);
	putchar('\n');
}

/* "k v, k v" for a flat object, compact JSON for anything nested. */
char *
ctl_output_value(const json_t *j)
{
	const char *key;
	json_t *v;
	char *buf = NULL, *t;
	size_t len;
	FILE *m;

	if (!json_is_object(j))
		return scalar_text(j);
	if (json_object_size(j) == 0)
		return strdup("-");
	json_object_foreach((json_t *)j, key, v) {
		if (json_is_object(v) || json_is_array(v))
			return scalar_text(j);
	}
	m = ctl_output_memstream(&buf, &len);
	json_object_foreach((json_t *)j, key, v) {
		t = scalar_text(v);
		fprintf(m, "%s%s %s", ftell(m) > 0 ? ", " : "", key,
		    t ? t : "?");
		free(t);
	}
	fclose(m);
	return buf;
}

/* Two columns, key and value, for a result object such as stats. */
void
ctl_output_pairs(const struct ctl *ctl, const json_t *obj)
{
	const char *key;
	json_t *v;
	int kw = 0, n;
	char *t;

	json_object_foreach((json_t *)obj, key, v) {
		if ((n = ctl_output_cols(key, strlen(key))) > kw)
			kw = n;
	}
	if (kw > ctl->width / 2)
		kw = ctl->width / 2;
	json_object_foreach((json_t *)obj, key, v) {
		t = ctl_output_value(v);
		printf("%-*s  ", kw, key);
		ctl_output_wrapped(t ? t : "?", kw + 2, kw + 2, ctl->width);
		free(t);
	}
}
