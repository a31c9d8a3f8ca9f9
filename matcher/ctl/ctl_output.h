/*
 * matchctl's printing: tables and wrapped text for people, at the
 * terminal's width, and JSON for scripts (--json).  Columns are counted
 * as UTF-8 code points: the French text of the matcher is precomposed
 * Latin, one column per character.
 */
#ifndef MATCHER_CTL_OUTPUT_H
#define MATCHER_CTL_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

struct ctl;

/* The terminal's columns, else $COLUMNS, else 100; at least 60. */
int	 ctl_output_width(void);
int	 ctl_output_cols(const char *s, size_t len);
/* s cut to cols columns ("…" marks the cut), padded if asked. */
int	 ctl_output_cell(const char *s, int cols, int pad);
/* s wrapped from column col to width, continued at indent; ends the line. */
void	 ctl_output_wrapped(const char *s, int col, int indent, int width);
/* Compact JSON for --json, indented otherwise. */
void	 ctl_output_json(const struct ctl *, const json_t *);
/* A result object such as stats, as key and value columns. */
void	 ctl_output_pairs(const struct ctl *, const json_t *obj);

/* open_memstream(), exiting when out of memory. */
FILE	*ctl_output_memstream(char **buf, size_t *len);
/* Text for people, to be freed: printf's, joined strings, a time, a value. */
char	*ctl_output_format(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
char	*ctl_output_join(const json_t *arr, const char *sep);
char	*ctl_output_time(const json_t *);
char	*ctl_output_value(const json_t *);

#endif
