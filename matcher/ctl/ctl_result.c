/*
 * A match result for people (ctl_result.h): the offer's header, the
 * counts, the clause status, then one row per suggestion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"
#include "ctl_output.h"
#include "ctl_result.h"

/*
 * Two header lines, each cut to the width:
 *   offer ID · title
 *     employer · place / sector · source, contract · positions · start
 */
void
ctl_result_offer_header(const struct ctl *ctl, const json_t *offer)
{
	const json_t *v;
	const char *s;
	char *line = NULL;
	size_t len;
	FILE *m;

	m = ctl_output_memstream(&line, &len);
	fprintf(m, "offer %s", jtext(offer, "id"));
	if ((s = jstr(offer, "title")) != NULL)
		fprintf(m, " · %s", s);
	fclose(m);
	ctl_output_cell(line, ctl->width, 0);
	putchar('\n');
	free(line);

	m = ctl_output_memstream(&line, &len);
	fprintf(m, "  %s", jstr(offer, "employer") && *jstr(offer,
	    "employer") ? jstr(offer, "employer") : "(no employer)");
	if ((s = jstr(offer, "commune")) != NULL)
		fprintf(m, " · %s", s);
	else if (json_is_number(json_object_get(offer, "lat")))
		fprintf(m, " · %.4f,%.4f",
		    json_number_value(json_object_get(offer, "lat")),
		    json_number_value(json_object_get(offer, "lon")));
	if ((s = jstr(offer, "sector")) != NULL)
		fprintf(m, " / %s", s);
	if ((s = jstr(offer, "source")) != NULL)
		fprintf(m, " · %s", s);
	if ((s = jstr(offer, "contract")) != NULL)
		fprintf(m, ", %s", s);
	if (json_is_integer(v = json_object_get(offer, "positions")))
		fprintf(m, " · %lld position%s",
		    (long long)json_integer_value(v),
		    json_integer_value(v) > 1 ? "s" : "");
	if ((s = jstr(offer, "start")) != NULL)
		fprintf(m, " · start %s", s);
	if ((s = jstr(offer, "status")) != NULL && strcmp(s, "open") != 0)
		fprintf(m, " [%s]", s);
	fclose(m);
	ctl_output_cell(line, ctl->width, 0);
	putchar('\n');
	free(line);
}

/* "considered N, eligible M; excluded: rome 12, distance 3" */
static void
print_counts(const struct ctl *ctl, const json_t *res)
{
	const char *key;
	json_t *v;
	char *buf = NULL;
	size_t len;
	FILE *m;
	int any = 0;

	m = ctl_output_memstream(&buf, &len);
	fprintf(m, "considered %lld, eligible %lld", jint(res, "considered"),
	    jint(res, "eligible"));
	json_object_foreach(json_object_get(res, "excluded"), key, v) {
		if (json_integer_value(v) == 0)
			continue;
		fprintf(m, "%s %s %lld", any++ ? "," : "; excluded:", key,
		    (long long)json_integer_value(v));
	}
	fclose(m);
	ctl_output_wrapped(buf, 0, 2, ctl->width);
	free(buf);
}

/*
 * The clause status of a clause offer's result (docs/CLAUSE.md): its
 * operation's hours, and the French reason when it is behind.
 */
static void
print_clause_status(const struct ctl *ctl, const json_t *res)
{
	const json_t *st = json_object_get(res, "clause");
	char *buf = NULL;
	size_t len;
	FILE *m;

	if (!json_is_object(st))
		return;
	m = ctl_output_memstream(&buf, &len);
	fprintf(m, "clause %s", jtext(st, "operation"));
	if (jstr(st, "contractor") != NULL)
		fprintf(m, " / %s", jstr(st, "contractor"));
	fprintf(m, ": %lld h realised of %lld h committed, %lld h expected "
	    "by today", jint(st, "hours_realised"),
	    jint(st, "hours_committed"), jint(st, "hours_expected"));
	if (json_is_true(json_object_get(st, "behind")))
		fprintf(m, "; BEHIND: %s", jstr_or(st, "reason", ""));
	fclose(m);
	ctl_output_wrapped(buf, 0, 2, ctl->width);
	free(buf);
}

/*
 * offer.put's answer for an offer merged into another (docs/DEDUP.md):
 * printed, and 1; 0 for any other answer.
 */
int
ctl_result_merged(const struct ctl *ctl, const json_t *res)
{
	char *buf;

	if (jstr(res, "merged_into") == NULL)
		return 0;
	if (ctl->json) {
		ctl_output_json(ctl, res);
		return 1;
	}
	buf = ctl_output_format("offer %s: the same job as %s, merged (%s)",
	    jtext(res, "id"), jtext(res, "merged_into"), jtext(res, "why"));
	ctl_output_wrapped(buf, 0, 2, ctl->width);
	free(buf);
	return 1;
}

/* A match result: header, counts, then one row per suggestion. */
void
ctl_result_print(const struct ctl *ctl, const json_t *res)
{
	const json_t *sugg, *s;
	const char *id;
	char *text;
	size_t i;
	int cw = 9, n, indent;

	if (ctl_result_merged(ctl, res))
		return;
	if (ctl->json) {
		ctl_output_json(ctl, res);
		return;
	}
	ctl_result_offer_header(ctl, json_object_get(res, "offer"));
	print_counts(ctl, res);
	print_clause_status(ctl, res);
	if (jstr(res, "possible_duplicate_of") != NULL)
		printf("maybe the same job as %s (matchctl duplicates)\n",
		    jstr(res, "possible_duplicate_of"));
	sugg = json_object_get(res, "suggestions");
	if (json_array_size(sugg) == 0) {
		printf("  (no suggestions)\n");
		return;
	}
	json_array_foreach(sugg, i, s) {
		if ((id = jstr(s, "candidate")) != NULL &&
		    (n = ctl_output_cols(id, strlen(id))) > cw)
			cw = n > 20 ? 20 : n;
	}
	indent = 4 + 2 + cw + 2 + 5 + 2 + 5 + 2;
	printf("%4s  %-*s  %5s  %5s  %s\n", "rank", cw, "candidate", "score",
	    "km", "reasons");
	json_array_foreach(sugg, i, s) {
		printf("%4lld  ", jint(s, "rank"));
		id = jstr(s, "candidate");
		ctl_output_cell(id ? id : "?", cw, 1);
		printf("  %5.1f  ",
		    json_number_value(json_object_get(s, "score")));
		if (json_is_number(json_object_get(s, "distance_km")))
			printf("%5.1f  ", json_number_value(
			    json_object_get(s, "distance_km")));
		else
			printf("%5s  ", "-");
		text = ctl_output_join(json_object_get(s, "reasons"), "; ");
		ctl_output_wrapped(text, indent, indent, ctl->width);
		free(text);
	}
}

/* candidate.match's answer: counts, then one row per offer. */
void
ctl_result_print_offers(const struct ctl *ctl, const json_t *res)
{
	const json_t *offers, *h, *of;
	char *text, *reasons;
	size_t i;
	int ow = 9, n, indent;
	const char *id;

	if (ctl->json) {
		ctl_output_json(ctl, res);
		return;
	}
	printf("offers for candidate %s\n", jtext(res, "candidate"));
	print_counts(ctl, res);
	offers = json_object_get(res, "offers");
	if (json_array_size(offers) == 0) {
		printf("  (no open offer fits)\n");
		return;
	}
	json_array_foreach(offers, i, h) {
		id = jstr(json_object_get(h, "offer"), "id");
		if (id != NULL && (n = ctl_output_cols(id, strlen(id))) > ow)
			ow = n > 24 ? 24 : n;
	}
	indent = 4 + 2 + ow + 2 + 5 + 2 + 5 + 2;
	printf("%4s  %-*s  %5s  %5s  %s\n", "rank", ow, "offer", "score", "km",
	    "title, employer; reasons");
	json_array_foreach(offers, i, h) {
		of = json_object_get(h, "offer");
		printf("%4lld  ", jint(h, "rank"));
		ctl_output_cell(jtext(of, "id"), ow, 1);
		printf("  %5.1f  %5.1f  ",
		    json_number_value(json_object_get(h, "score")),
		    json_number_value(json_object_get(h, "distance_km")));
		reasons = ctl_output_join(json_object_get(h, "reasons"), "; ");
		text = ctl_output_format("%s, %s; %s", jtext(of, "title"),
		    jtext(of, "employer"), reasons);
		ctl_output_wrapped(text, indent, indent, ctl->width);
		free(reasons);
		free(text);
	}
}
