/*
 * Reading records (ctl_input.h): a JSON document read whole, JSON Lines
 * and CSV lines one at a time, and which of JSON and CSV a command reads.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "csvrec.h"
#include "ctl.h"
#include "ctl_input.h"
#include "ctl_output.h"

static ssize_t
reader_line(struct reader *rd)
{
	ssize_t n;

	n = getline(&rd->line, &rd->linecap, rd->fp);
	if (n == -1 && ferror(rd->fp))
		ctl_die(EXIT_REFUSED, "%s: %s", rd->name, strerror(errno));
	rd->linelen = n > 0 ? (size_t)n : 0;
	if (n > 0) {
		rd->lineno++;
		rd->bytes += n;
	}
	return n;
}

static int
is_blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Trimmed last character of a line, or 0. */
static char
last_char(const char *s, size_t n)
{
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	return n > 0 ? s[n - 1] : 0;
}

/*
 * Open path ("-" for stdin): CSV records of kind when csv is set, JSON
 * otherwise.
 */
void
ctl_input_open(struct reader *rd, const char *path, int csv,
    enum csvrec_kind kind)
{
	json_error_t jerr;
	struct stat st;
	const char *p;
	char *all = NULL;
	size_t alllen;
	ssize_t n;
	json_t *first;
	FILE *m;

	memset(rd, 0, sizeof(*rd));
	rd->name = strcmp(path, "-") == 0 ? "stdin" : path;
	rd->unit = csv ? "line" : "record";
	if (strcmp(path, "-") == 0)
		rd->fp = stdin;
	else if ((rd->fp = fopen(path, "r")) == NULL)
		ctl_die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	if (fstat(fileno(rd->fp), &st) == 0 && S_ISREG(st.st_mode))
		rd->size = st.st_size;
	rd->progress = rd->size > 0 && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &rd->start);
	if (csv) {
		if ((rd->csv = csvrec_in_new(kind)) == NULL)
			ctl_die(EXIT_REFUSED, "out of memory");
		return;
	}
	while ((n = reader_line(rd)) > 0 && is_blank(rd->line))
		;
	if (n <= 0)
		return;		/* empty input: no records */
	p = rd->line + strspn(rd->line, " \t");
	first = json_loadb(rd->line, n, 0, NULL);
	if (json_is_object(first) ||
	    (*p == '{' && last_char(rd->line, n) == '}')) {
		json_decref(first);
		rd->lines = 1;
		rd->pending = 1;
		return;
	}
	json_decref(first);
	/* One document: the first line and the rest of the input. */
	m = ctl_output_memstream(&all, &alllen);
	do
		fwrite(rd->line, 1, n, m);
	while ((n = reader_line(rd)) > 0);
	fclose(m);
	rd->doc = json_loadb(all, alllen, 0, &jerr);
	free(all);
	if (rd->doc == NULL)
		ctl_die(EXIT_REFUSED, "%s:%d:%d: invalid JSON: %s", rd->name,
		    jerr.line, jerr.column, jerr.text);
}

void
ctl_input_close(struct reader *rd)
{
	if (rd->fp != stdin)
		fclose(rd->fp);
	free(rd->line);
	json_decref(rd->doc);
	csvrec_in_free(rd->csv);
}

/* ctl_input_next() of CSV mode: records or rejected lines, in line order. */
static int
reader_next_csv(struct reader *rd, json_t **rec, char *err, size_t errlen)
{
	struct csvrec_item it;
	ssize_t n;
	int rc;

	while (!csvrec_in_next(rd->csv, &it)) {
		if (rd->eof)
			return 0;
		if ((n = reader_line(rd)) <= 0) {
			rd->eof = 1;
			rc = csvrec_in_end(rd->csv);
		} else
			rc = csvrec_in_line(rd->csv, rd->line, n);
		if (rc == -1)
			ctl_die(EXIT_REFUSED, "%s: %s", rd->name,
			    csvrec_in_error(rd->csv));
	}
	rd->recno = it.line;
	snprintf(rd->errid, sizeof(rd->errid), "%s", it.id);
	if ((*rec = it.rec) != NULL)
		return 1;
	snprintf(err, errlen, "%s%s%s", it.field, it.field[0] ? ": " : "",
	    it.message);
	return -1;
}

/*
 * Next record: 1 with *rec (a new reference), 0 at the end, -1 when
 * record rd->recno is not a JSON object (message in err).
 */
int
ctl_input_next(struct reader *rd, json_t **rec, char *err, size_t errlen)
{
	json_error_t jerr;
	ssize_t n;

	*rec = NULL;
	snprintf(rd->errid, sizeof(rd->errid), "?");
	if (rd->csv != NULL)
		return reader_next_csv(rd, rec, err, errlen);
	if (rd->lines) {
		if (!rd->pending) {
			while ((n = reader_line(rd)) > 0 && is_blank(rd->line))
				;
			if (n <= 0)
				return 0;
		}
		rd->pending = 0;
		rd->recno++;
		*rec = json_loadb(rd->line, rd->linelen, 0, &jerr);
		if (*rec == NULL) {
			snprintf(err, errlen, "line %lu: invalid JSON: %s",
			    rd->lineno, jerr.text);
			return -1;
		}
	} else if (json_is_object(rd->doc)) {
		if (rd->idx++ > 0)
			return 0;
		rd->recno++;
		*rec = json_incref(rd->doc);
	} else {
		if (rd->doc == NULL || rd->idx >= json_array_size(rd->doc))
			return 0;
		rd->recno++;
		*rec = json_incref(json_array_get(rd->doc, rd->idx++));
	}
	if (!json_is_object(*rec)) {
		json_decref(*rec);
		*rec = NULL;
		snprintf(err, errlen, "not a JSON object");
		return -1;
	}
	return 1;
}

/* CSV with --format csv, or without --format for a FILE.csv. */
int
ctl_input_is_csv(const struct opts *o)
{
	size_t n = strlen(o->pos[0]);

	if (o->format != NULL) {
		if (strcmp(o->format, "csv") != 0 &&
		    strcmp(o->format, "json") != 0 &&
		    strcmp(o->format, "francetravail") != 0)
			ctl_usage();
		return strcmp(o->format, "csv") == 0;
	}
	return n > 4 && strcasecmp(o->pos[0] + n - 4, ".csv") == 0;
}
