/*
 * matchctl's input: the records of a file or stdin, as JSON (one object,
 * an array of objects or JSON Lines) or CSV (docs/CSV.md, through
 * csvrec.c), one at a time.
 */
#ifndef MATCHER_CTL_INPUT_H
#define MATCHER_CTL_INPUT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "csvrec.h"

struct opts;

/*
 * Records come as one JSON object, a JSON array of objects, or JSON Lines.
 * The first non-blank line decides: a line that parses as an object, or
 * looks like one ("{...}"), starts JSON Lines; anything else begins one
 * (multi-line) document.  JSON Lines are streamed line by line, so the
 * input may be larger than memory, and a bad line only loses its record.
 */
struct reader {
	FILE		*fp;
	const char	*name;
	int		 lines;		/* JSON Lines mode */
	char		*line;
	size_t		 linecap;
	size_t		 linelen;
	unsigned long	 lineno;	/* of the last line read */
	int		 pending;	/* the first line is not returned yet */
	json_t		*doc;		/* document mode: array or object */
	size_t		 idx;
	unsigned long	 recno;		/* of the last record returned */
	struct csvrec_in *csv;		/* CSV mode: recno is a line */
	int		 eof;
	const char	*unit;		/* "record" or "line" */
	char		 errid[72];	/* id of a rejected record */
	off_t		 size, bytes;	/* of the file, read so far */
	int		 progress;	/* a bar on stderr (a tty) */
	struct timespec	 start, drawn;
};

void	ctl_input_open(struct reader *, const char *path, int csv,
	    enum csvrec_kind kind);
int	ctl_input_next(struct reader *, json_t **rec, char *err,
	    size_t errlen);
void	ctl_input_close(struct reader *);
/* Whether a command's FILE is CSV; bad usage for an unknown --format. */
int	ctl_input_is_csv(const struct opts *);

#endif
