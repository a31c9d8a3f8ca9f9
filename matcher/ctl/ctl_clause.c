/*
 * matchctl clause put, get, list and report: the clause emploi
 * operations (docs/CLAUSE.md), the hours each contractor committed and
 * realised, and which are behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"
#include "ctl_bulk.h"
#include "ctl_clause.h"
#include "ctl_conn.h"
#include "ctl_output.h"
#include "ctl_server.h"

int
ctl_clause_put(struct ctl *ctl, struct opts *o)
{
	struct putter p = { .method = "clause.put", .wrap_key = "operation",
	    .limit = -1, .on_result = ctl_bulk_created };

	ctl_bulk_put(ctl, &p, o->pos[0]);
	return ctl_bulk_summary(ctl, &p, "operations");
}

int
ctl_clause_get(struct ctl *ctl, struct opts *o)
{
	return ctl_server_get(ctl, "clause.get", o->pos[0]);
}

/* "1600 h committed of 32000 h (5 %)", or without the total. */
static void
hours_text(FILE *m, const json_t *h)
{
	const json_t *total = json_object_get(h, "hours_total");

	fprintf(m, "%lld h committed", jint(h, "hours_committed"));
	if (json_is_integer(total))
		fprintf(m, " of %lld h (%.2f %%)", jint(h, "hours_total"),
		    json_number_value(json_object_get(h, "rate")));
}

/* One operation of clause.list: id, period, authority, name, contractors. */
static void
print_operation(const struct ctl *ctl, const json_t *op)
{
	const json_t *c;
	char *line = NULL;
	size_t len, i;
	FILE *m;

	line = ctl_output_format("%s  %s → %s  %s · %s", jtext(op, "id"),
	    jtext(op, "start"), jtext(op, "end"), jtext(op, "authority"),
	    jtext(op, "name"));
	ctl_output_cell(line, ctl->width, 0);
	putchar('\n');
	free(line);
	/* Its own hours, or each contractor's. */
	if (json_array_size(json_object_get(op, "contractors")) == 0) {
		m = ctl_output_memstream(&line, &len);
		hours_text(m, op);
		fclose(m);
		printf("  ");
		ctl_output_wrapped(line, 2, 4, ctl->width);
		free(line);
	}
	json_array_foreach(json_object_get(op, "contractors"), i, c) {
		m = ctl_output_memstream(&line, &len);
		fprintf(m, "%s %s: ", jtext(c, "id"), jtext(c, "name"));
		hours_text(m, c);
		fclose(m);
		printf("  ");
		ctl_output_wrapped(line, 2, 4, ctl->width);
		free(line);
	}
}

int
ctl_clause_list(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res, *op;
	size_t i;

	params = json_object();
	if (o->count > 0)
		json_object_set_new(params, "count", json_integer(o->count));
	res = ctl_conn_call(ctl, "clause.list", params);
	if (ctl->json)
		ctl_output_json(ctl, res);
	else if (json_array_size(json_object_get(res, "operations")) == 0)
		printf("(no operations)\n");
	else
		json_array_foreach(json_object_get(res, "operations"), i, op)
			print_operation(ctl, op);
	json_decref(res);
	return 0;
}

/* Columns of the report's rows after the label. */
#define REPORT_COLS	(1 + 9 + 1 + 9 + 1 + 9 + 1 + 6 + 1 + 5 + 2 + 6 + 2)

/* One row: label, committed, realised, expected, %, hired, behind. */
static void
print_report_row(const struct ctl *ctl, const char *label, int cw,
    const json_t *f)
{
	const json_t *pct = json_object_get(f, "percent");
	char p[16], *crit;

	if (json_is_number(pct))
		snprintf(p, sizeof(p), "%.1f", json_number_value(pct));
	else
		snprintf(p, sizeof(p), "-");
	printf("  ");
	ctl_output_cell(label, cw, 1);
	printf(" %9lld %9lld %9lld %6s %5lld  %-6s  ",
	    jint(f, "hours_committed"), jint(f, "hours_realised"),
	    jint(f, "hours_expected"), p, jint(f, "people"),
	    json_is_true(json_object_get(f, "behind")) ? "BEHIND" : "-");
	crit = ctl_output_value(json_object_get(f, "hired_criteria"));
	ctl_output_wrapped(crit ? crit : "-", 2 + cw + REPORT_COLS,
	    2 + cw + REPORT_COLS, ctl->width);
	free(crit);
}

/* "bouygues-tp Bouygues TP", "(no contractor)", "x (not declared)". */
static char *
contractor_label(const json_t *c)
{
	if (jstr(c, "id") == NULL)
		return ctl_output_format("(no contractor)");
	if (!json_is_true(json_object_get(c, "declared")))
		return ctl_output_format("%s (not declared)", jstr(c, "id"));
	return ctl_output_format("%s %s", jstr(c, "id"),
	    jstr_or(c, "name", ""));
}

static void
print_report_operation(const struct ctl *ctl, const json_t *op)
{
	const json_t *rows = json_object_get(op, "contractors"), *c;
	char *line, *label;
	size_t i;
	int cw = 17, n;

	line = ctl_output_format("operation %s · %s (%s) · %s → %s, %s",
	    jtext(op, "id"), jtext(op, "name"), jtext(op, "authority"),
	    jtext(op, "start"), jtext(op, "end"), jtext(op, "period"));
	ctl_output_wrapped(line, 0, 2, ctl->width);
	free(line);
	json_array_foreach(rows, i, c) {
		label = contractor_label(c);
		if ((n = ctl_output_cols(label, strlen(label))) > cw)
			cw = n;
		free(label);
	}
	if (cw > 30)
		cw = 30;
	printf("  %-*s %9s %9s %9s %6s %5s  %-6s  %s\n", cw, "contractor",
	    "committed", "realised", "expected", "%", "hired", "behind",
	    "criteria");
	print_report_row(ctl, "(operation)", cw, op);
	json_array_foreach(rows, i, c) {
		label = contractor_label(c);
		print_report_row(ctl, label, cw, c);
		free(label);
	}
}

int
ctl_clause_report(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res, *op, *total;
	size_t i;

	params = json_object();
	if (o->operation != NULL)
		json_object_set_new(params, "operation",
		    json_string(o->operation));
	if (o->contractor != NULL)
		json_object_set_new(params, "contractor",
		    json_string(o->contractor));
	if (o->behind)
		json_object_set_new(params, "behind", json_true());
	if (o->count > 0)
		json_object_set_new(params, "count", json_integer(o->count));
	res = ctl_conn_call(ctl, "clause.report", params);
	if (ctl->json) {
		ctl_output_json(ctl, res);
		json_decref(res);
		return 0;
	}
	printf("clause report on %s: %lld operations, %lld behind\n",
	    jtext(res, "today"),
	    jint(res, "matched"), jint(res, "behind"));
	json_array_foreach(json_object_get(res, "operations"), i, op) {
		putchar('\n');
		print_report_operation(ctl, op);
	}
	total = json_object_get(res, "total");
	printf("\ntotal: %lld h committed, %lld h realised, %lld h expected "
	    "by today, hired: %lld\n",
	    jint(total, "hours_committed"), jint(total, "hours_realised"),
	    jint(total, "hours_expected"), jint(total, "people"));
	json_decref(res);
	return 0;
}
