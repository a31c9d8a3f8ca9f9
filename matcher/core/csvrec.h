/*
 * CSV for people who live in spreadsheets: candidates and offers read
 * from CSV files with a header row (French or English column names,
 * French labels for values), and written back as CSV.  docs/CSV.md lists
 * the columns and labels.
 *
 * Reading is line by line: the caller hands each physical line (with its
 * end of line) to csvrec_in_line() and takes the finished rows with
 * csvrec_in_next(), each one a JSON record (jansson) or the reason it was
 * rejected, with its line number.  The first non-empty line is the
 * header; its separator (';', ',' or tab) is used for the whole file.  A
 * UTF-8 BOM, CRLF line ends and empty lines are accepted.  Only the
 * mapping is checked here (column count, numbers, dates, labels, value
 * lengths); the daemon validates the record itself.  Pure: no files are
 * opened, no network.
 */
#ifndef MATCHER_CSVREC_H
#define MATCHER_CSVREC_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum csvrec_kind {
	CSVREC_CANDIDATE,
	CSVREC_OFFER
};

#define CSVREC_MAX_COLUMNS	64		/* per header and per row */
#define CSVREC_MAX_VALUE	1024		/* bytes per cell */
#define CSVREC_MAX_ROW		(64 * 1024)	/* bytes per row */
#define CSVREC_MAX_ITEMS	64		/* per list cell */

/* One data row: rec, or NULL and the reason in field and message. */
struct csvrec_item {
	unsigned long	 line;		/* where the row starts, from 1 */
	json_t		*rec;		/* a new reference, or NULL */
	char		 id[72];	/* the id cell, or "?" */
	char		 field[64];	/* the column at fault, or "" */
	char		 message[192];
};

struct csvrec_in;

struct csvrec_in *csvrec_in_new(enum csvrec_kind kind);
void		 csvrec_in_free(struct csvrec_in *in);
/*
 * Feed one physical line (len bytes, its end of line included).  Returns
 * 0, or -1 when the header cannot be used (unknown or repeated column, no
 * id column): csvrec_in_error() says why, and the file must be refused.
 */
int		 csvrec_in_line(struct csvrec_in *in, const char *line,
		    size_t len);
/* End of input: the last row, if it had no end of line.  0 or -1. */
int		 csvrec_in_end(struct csvrec_in *in);
/* The next finished row into *it (the caller owns it->rec): 1, or 0. */
int		 csvrec_in_next(struct csvrec_in *in, struct csvrec_item *it);
const char	*csvrec_in_error(const struct csvrec_in *in);

/*
 * Writing.  Cells are quoted when they hold the separator, a quote, an
 * end of line or surrounding spaces.  Rows end with "\r\n", as
 * spreadsheets write them.  Each returns 0, or -1 on a write error.
 */
int		 csvrec_write_row(FILE *fp, const char *const *cells,
		    size_t n, char sep);
/* The header row: the first (French) name of every column of kind. */
int		 csvrec_write_header(FILE *fp, enum csvrec_kind kind,
		    char sep);
/* A record in the columns of csvrec_write_header(); it imports back. */
int		 csvrec_write_record(FILE *fp, enum csvrec_kind kind,
		    const json_t *rec, char sep);
/* A number as spreadsheets in French read it: "4,2". */
void		 csvrec_format_real(double x, char *buf, size_t len);

#endif
