/*
 * matchctl candidate put, get, delete and list: the candidathèque, one
 * candidate a line for people.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csvrec.h"
#include "ctl.h"
#include "ctl_bulk.h"
#include "ctl_candidate.h"
#include "ctl_conn.h"
#include "ctl_input.h"
#include "ctl_output.h"
#include "ctl_result.h"
#include "ctl_server.h"

int
ctl_candidate_put(struct ctl *ctl, struct opts *o)
{
	struct putter p = { .method = "candidate.put",
	    .wrap_key = "candidate", .limit = -1, .on_result = ctl_bulk_created,
	    .kind = CSVREC_CANDIDATE };

	p.csv = ctl_input_is_csv(o);
	ctl_bulk_put(ctl, &p, o->pos[0]);
	return ctl_bulk_summary(ctl, &p, "candidates");
}

int
ctl_candidate_get(struct ctl *ctl, struct opts *o)
{
	return ctl_server_get(ctl, "candidate.get", o->pos[0]);
}

int
ctl_candidate_delete(struct ctl *ctl, struct opts *o)
{
	json_t *res;

	res = ctl_conn_call_id(ctl, "candidate.delete", o->pos[0]);
	if (ctl->json)
		ctl_output_json(ctl, res);
	else
		printf("candidate %s deleted\n", jstr_or(res, "id", o->pos[0]));
	json_decref(res);
	return 0;
}

/* The right to erasure (docs/RGPD.md): administrators only. */
int
ctl_candidate_erase(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res;

	params = json_pack("{s:s, s:s}", "id", o->pos[0], "reason",
	    o->pos[1]);
	res = ctl_conn_call(ctl, "candidate.erase", params);
	if (ctl->json)
		ctl_output_json(ctl, res);
	else if (json_is_true(json_object_get(res, "erased")))
		printf("candidate %s erased: %lld referrals and %lld clause "
		    "hires kept anonymously, %lld match results without them\n",
		    o->pos[0], jint(res, "referrals"), jint(res, "clause_hires"),
		    jint(res, "results"));
	else
		printf("candidate %s: nothing held, nothing to erase\n",
		    o->pos[0]);
	json_decref(res);
	return 0;
}

/* The right of access: everything held about the person, as JSON. */
int
ctl_candidate_export(struct ctl *ctl, struct opts *o)
{
	return ctl_server_get(ctl, "candidate.export", o->pos[0]);
}

/* The open offers the person fits, best first (reverse match). */
int
ctl_candidate_match(struct ctl *ctl, struct opts *o)
{
	json_t *res;

	res = ctl_conn_call_id_limit(ctl, "candidate.match", o->pos[0],
	    o->limit);
	ctl_result_print_offers(ctl, res);
	json_decref(res);
	return 0;
}

/* Follow or stop following a person: one line says which holds now. */
static int
follow_change(struct ctl *ctl, const char *method, const char *id)
{
	json_t *res;

	res = ctl_conn_call_id(ctl, method, id);
	if (ctl->json)
		ctl_output_json(ctl, res);
	else
		printf("%s %s candidate %s%s\n", jtext(res, "user"),
		    json_is_true(json_object_get(res, "following")) ?
		    "follows" : "does not follow", id,
		    json_is_true(json_object_get(res, "changed")) ? "" :
		    " (unchanged)");
	json_decref(res);
	return 0;
}

int
ctl_candidate_follow(struct ctl *ctl, struct opts *o)
{
	return follow_change(ctl, "candidate.follow", o->pos[0]);
}

int
ctl_candidate_unfollow(struct ctl *ctl, struct opts *o)
{
	return follow_change(ctl, "candidate.unfollow", o->pos[0]);
}

/* The people the signed-in user follows, one id a line. */
int
ctl_candidate_following(struct ctl *ctl, struct opts *o)
{
	const json_t *v;
	json_t *res;
	size_t i;

	(void)o;
	res = ctl_conn_call(ctl, "candidate.following", NULL);
	if (ctl->json)
		ctl_output_json(ctl, res);
	else
		json_array_foreach(json_object_get(res, "candidates"), i, v)
			printf("%s\n", jtext(v, "candidate"));
	json_decref(res);
	return 0;
}

/* "F1701 24m, F1704 6m" */
static char *
jobs_text(const json_t *jobs)
{
	const json_t *job;
	char *buf = NULL;
	size_t i, len;
	FILE *m;

	m = ctl_output_memstream(&buf, &len);
	json_array_foreach(jobs, i, job) {
		fprintf(m, "%s%s %lldm", i > 0 ? ", " : "",
		    jtext(job, "rome"), jint(job, "months"));
	}
	fclose(m);
	return buf;
}

/* "Prénom Nom", either alone, or "-": candidate.list gives advisers both. */
static char *
person_text(const json_t *cand)
{
	const char *first = jstr(cand, "first_name");
	const char *last = jstr(cand, "last_name");

	if (first == NULL && last == NULL)
		return ctl_output_format("-");
	return ctl_output_format("%s%s%s", first ? first : "",
	    first && last ? " " : "", last ? last : "");
}

/* One candidate a line, or as JSON; a ctl_candidate_each() callback. */
static void
print_candidate_row(const struct ctl *ctl, const json_t *cand, void *arg)
{
	char *sectors, *jobs, *person, *line;

	if (ctl->json) {
		ctl_output_json(ctl, cand);
		return;
	}
	sectors = ctl_output_join(json_object_get(cand, "sectors"), ",");
	jobs = jobs_text(json_object_get(cand, "jobs"));
	person = person_text(cand);
	line = ctl_output_format("%-12s %-24s %-9s %-5s %3lldkm  %-20s %s",
	    jtext(cand, "id"), person, jtext(cand, "status"),
	    jstr_or(cand, "commune", "-"), jint(cand, "radius_km"), sectors,
	    jobs);
	ctl_output_cell(line, ctl->width, 0);
	putchar('\n');
	free(line);
	free(person);
	free(sectors);
	free(jobs);
}

/* The filters of candidate.list (proto/PROTOCOL.md) --filter names. */
static const char *const list_filters[] = {
	"status", "rome", "licence", "skill", "criteria", "available_by",
	"commune", "within_km", "updated_since", "q", NULL
};

/*
 * --filter NAME=VALUE into params: lists split at commas, within_km an
 * integer, the rest strings; the server checks the values.
 */
static void
add_filters(json_t *params, const json_t *filters)
{
	const char *f, *eq, *v;
	json_t *val, *list;
	char name[16], *end;
	size_t i, k, len;
	long n;

	json_array_foreach(filters, i, val) {
		f = json_string_value(val);
		if ((eq = strchr(f, '=')) == NULL ||
		    (size_t)(eq - f) >= sizeof(name))
			ctl_usage();
		memcpy(name, f, (size_t)(eq - f));
		name[eq - f] = '\0';
		v = eq + 1;
		for (k = 0; list_filters[k] != NULL &&
		    strcmp(list_filters[k], name) != 0; k++)
			;
		if (list_filters[k] == NULL || json_object_get(params,
		    name) != NULL)
			ctl_die(EXIT_USAGE, "--filter %s: unknown or given twice", name);
		if (strcmp(name, "within_km") == 0) {
			n = strtol(v, &end, 10);
			if (*v == '\0' || *end != '\0')
				ctl_die(EXIT_USAGE, "--filter within_km: an integer");
			json_object_set_new(params, name, json_integer(n));
		} else if (strcmp(name, "status") == 0 ||
		    strcmp(name, "licence") == 0 ||
		    strcmp(name, "criteria") == 0) {
			list = json_array();
			for (; ; v += len + 1) {
				len = strcspn(v, ",");
				json_array_append_new(list, json_stringn(v, len));
				if (v[len] == '\0')
					break;
			}
			json_object_set_new(params, name, list);
		} else
			json_object_set_new(params, name, json_string(v));
	}
}

/*
 * Call each for the candidates of candidate.list (one sector at most),
 * following the cursors when all is set.  Returns the number seen.
 */
unsigned long
ctl_candidate_each(struct ctl *ctl, const struct opts *o, int all,
    void (*each)(const struct ctl *, const json_t *, void *), void *arg)
{
	json_t *params, *res, *cands, *cand, *cursor = NULL;
	unsigned long n = 0;
	size_t i;

	if (json_array_size(o->sectors) > 1)
		ctl_usage();
	for (;;) {
		params = json_object();
		if (json_array_size(o->sectors) == 1)
			json_object_set(params, "sector",
			    json_array_get(o->sectors, 0));
		if (o->count > 0)
			json_object_set_new(params, "count",
			    json_integer(o->count));
		if (cursor != NULL)
			json_object_set_new(params, "cursor", cursor);
		add_filters(params, o->filters);
		res = ctl_conn_call(ctl, "candidate.list", params);
		if (o->filters != NULL && cursor == NULL && !ctl->json)
			fprintf(stderr, "matchctl: %lld candidates match\n",
			    jint(res, "total"));
		cands = json_object_get(res, "candidates");
		json_array_foreach(cands, i, cand) {
			each(ctl, cand, arg);
			n++;
		}
		cursor = json_object_get(res, "cursor");
		cursor = json_is_string(cursor) ? json_incref(cursor) : NULL;
		json_decref(res);
		if (cursor == NULL)
			break;
		if (!all) {
			fflush(stdout);
			fprintf(stderr, "matchctl: more candidates follow "
			    "(--all to list them)\n");
			json_decref(cursor);
			break;
		}
	}
	return n;
}

int
ctl_candidate_list(struct ctl *ctl, struct opts *o)
{
	ctl_candidate_each(ctl, o, o->all, print_candidate_row, NULL);
	return 0;
}
