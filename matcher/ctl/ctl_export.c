/*
 * matchctl export candidates and export suggestions: CSV for people who
 * live in spreadsheets, written through csvrec.c (docs/CSV.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csvrec.h"
#include "ctl.h"
#include "ctl_candidate.h"
#include "ctl_conn.h"
#include "ctl_export.h"
#include "ctl_output.h"

#define CSV_SEP	';'	/* what spreadsheets in French expect */

/* path, or stdout for NULL and "-"; a BOM so that spreadsheets see UTF-8. */
static FILE *
export_open(const char *path)
{
	FILE *fp = stdout;

	if (path != NULL && strcmp(path, "-") != 0 &&
	    (fp = fopen(path, "w")) == NULL)
		ctl_die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	fputs("\xef\xbb\xbf", fp);
	return fp;
}

static void
export_close(FILE *fp, const char *path, unsigned long n, const char *what)
{
	if (fp == stdout)
		return;
	if (ferror(fp) | (fclose(fp) == EOF))
		ctl_die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	printf("%lu %s written to %s\n", n, what, path);
}

static void
export_candidate_cb(const struct ctl *ctl, const json_t *cand, void *arg)
{
	if (csvrec_write_record(arg, CSVREC_CANDIDATE, cand, CSV_SEP) == -1)
		ctl_die(EXIT_REFUSED, "write: %s", strerror(errno));
}

int
ctl_export_candidates(struct ctl *ctl, struct opts *o)
{
	unsigned long n;
	FILE *fp;

	if (json_array_size(o->sectors) != 1)
		ctl_usage();
	o->count = 200;
	fp = export_open(o->pos[0]);
	csvrec_write_header(fp, CSVREC_CANDIDATE, CSV_SEP);
	n = ctl_candidate_each(ctl, o, 1, export_candidate_cb, fp);
	export_close(fp, o->pos[0], n, "candidates");
	return 0;
}

/* The referral status of candidate id in offer.get's referrals, or "". */
static const char *
referral_status(const json_t *refs, const char *id)
{
	const json_t *ref;
	size_t i;

	json_array_foreach(refs, i, ref) {
		if (id != NULL && jstr(ref, "candidate") != NULL &&
		    strcmp(jstr(ref, "candidate"), id) == 0)
			return jstr_or(ref, "status", "");
	}
	return "";
}

int
ctl_export_suggestions(struct ctl *ctl, struct opts *o)
{
	static const char *const head[] = { "offre", "rang", "candidat",
	    "score", "distance_km", "mise_en_relation", "raisons" };
	const json_t *sugg, *s, *refs;
	const char *cells[7];
	char rank[24], score[40], km[40], *reasons;
	json_t *res;
	size_t i;
	FILE *fp;

	res = ctl_conn_call_id(ctl, "offer.get", o->pos[0]);
	if (!json_is_object(json_object_get(res, "result")))
		ctl_die(EXIT_REFUSED, "offer %s has no match result",
		    o->pos[0]);
	sugg = json_object_get(json_object_get(res, "result"), "suggestions");
	refs = json_object_get(res, "referrals");
	fp = export_open(o->pos[1]);
	csvrec_write_row(fp, head, 7, CSV_SEP);
	json_array_foreach(sugg, i, s) {
		snprintf(rank, sizeof(rank), "%lld", jint(s, "rank"));
		csvrec_format_real(json_number_value(json_object_get(s,
		    "score")), score, sizeof(score));
		km[0] = '\0';
		if (json_is_number(json_object_get(s, "distance_km")))
			csvrec_format_real(json_number_value(
			    json_object_get(s, "distance_km")), km,
			    sizeof(km));
		reasons = ctl_output_join(json_object_get(s, "reasons"), "; ");
		cells[0] = o->pos[0];
		cells[1] = rank;
		cells[2] = jstr(s, "candidate");
		cells[3] = score;
		cells[4] = km;
		cells[5] = referral_status(refs, jstr(s, "candidate"));
		cells[6] = reasons;
		if (csvrec_write_row(fp, cells, 7, CSV_SEP) == -1)
			ctl_die(EXIT_REFUSED, "write: %s", strerror(errno));
		free(reasons);
	}
	export_close(fp, o->pos[1], json_array_size(sugg), "suggestions");
	json_decref(res);
	return 0;
}
