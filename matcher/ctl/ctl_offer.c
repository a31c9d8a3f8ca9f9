/*
 * matchctl offer put, get, match and close, the uncertain duplicates,
 * referrals, and watch: the offers and what the matcher suggests for
 * them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "csvrec.h"
#include "ctl.h"
#include "ctl_bulk.h"
#include "ctl_conn.h"
#include "ctl_feed.h"
#include "ctl_input.h"
#include "ctl_offer.h"
#include "ctl_output.h"
#include "ctl_result.h"
#include "rpc.h"

/* An offer of a JSON put: its result, a blank line between two. */
static void
offer_done(struct ctl *ctl, struct putter *p, const json_t *result)
{
	if (!ctl->json && p->created + p->updated + p->merged > 0)
		putchar('\n');
	if (jstr(result, "merged_into") != NULL)
		p->merged++;
	else
		p->created++;
	ctl_result_print(ctl, result);
	fflush(stdout);
}

/* An offer of a CSV import: one line, or its result for --json. */
static void
offer_line(struct ctl *ctl, struct putter *p, const json_t *result)
{
	if (ctl_result_merged(ctl, result)) {
		p->merged++;
		return;
	}
	p->created++;
	if (ctl->json)
		ctl_output_json(ctl, result);
	else
		printf("offer %s: %lld eligible of %lld, %zu suggested\n",
		    jtext(json_object_get(result, "offer"), "id"),
		    jint(result, "eligible"), jint(result, "considered"),
		    json_array_size(json_object_get(result, "suggestions")));
}

int
ctl_offer_put(struct ctl *ctl, struct opts *o)
{
	struct putter p = { .method = "offer.put", .wrap_key = "offer",
	    .limit = o->limit, .on_result = offer_done, .kind = CSVREC_OFFER };

	if (o->format != NULL && strcmp(o->format, "francetravail") == 0)
		return ctl_feed_push(ctl, o->pos[0]);
	if ((p.csv = ctl_input_is_csv(o)))
		p.on_result = offer_line;
	ctl_bulk_put(ctl, &p, o->pos[0]);
	if (p.csv) {
		if (ctl->json)
			printf("{\"scored\":%lu,\"merged\":%lu,"
			    "\"rejected\":%lu}\n", p.created, p.merged,
			    p.rejected);
		else
			printf("offers: %lu scored (created or updated), "
			    "%lu merged into the same job, %lu rejected\n",
			    p.created, p.merged, p.rejected);
		return p.rejected > 0 ? EXIT_REFUSED : 0;
	}
	if (p.rejected > 0) {
		fflush(stdout);
		fprintf(stderr, "offers: %lu scored, %lu rejected\n",
		    p.created, p.rejected);
		return EXIT_REFUSED;
	}
	return 0;
}

int
ctl_offer_get(struct ctl *ctl, struct opts *o)
{
	json_t *res, *ref, *result;
	size_t i;
	char *t;

	res = ctl_conn_call_id(ctl, "offer.get", o->pos[0]);
	if (ctl->json) {
		ctl_output_json(ctl, res);
		json_decref(res);
		return 0;
	}
	result = json_object_get(res, "result");
	if (json_is_object(result))
		ctl_result_print(ctl, result);
	else
		ctl_result_offer_header(ctl, json_object_get(res, "offer"));
	printf("status %s", jtext(res, "status"));
	t = ctl_output_time(json_object_get(res, "created_at"));
	if (t != NULL && strcmp(t, "null") != 0)
		printf(", created %s", t);
	free(t);
	if (jstr(res, "closed_reason") != NULL)
		printf(", closed: %s", jstr(res, "closed_reason"));
	printf("\nreferrals: %zu\n",
	    json_array_size(json_object_get(res, "referrals")));
	json_array_foreach(json_object_get(res, "referrals"), i, ref) {
		t = ctl_output_time(json_object_get(ref, "updated_at"));
		printf("  %-20s %-12s %s\n", jtext(ref, "candidate"),
		    jtext(ref, "status"), t ? t : "");
		free(t);
	}
	json_decref(res);
	return 0;
}

int
ctl_offer_match(struct ctl *ctl, struct opts *o)
{
	json_t *res;

	res = ctl_conn_call_id_limit(ctl, "offer.match", o->pos[0], o->limit);
	ctl_result_print(ctl, res);
	json_decref(res);
	return 0;
}

/*
 * The uncertain pairs of duplicates (docs/DEDUP.md), newest first; or
 * "merge|dismiss OFFER OTHER", an adviser's word on one (offer.resolve).
 */
int
ctl_offer_duplicates(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res, *pr;
	char when[32], *buf;
	size_t i;
	time_t t;

	if (o->npos > 0) {
		if (o->npos != 3 || (strcmp(o->pos[0], "merge") != 0 &&
		    strcmp(o->pos[0], "dismiss") != 0))
			ctl_die(EXIT_USAGE, "usage: duplicates merge|dismiss "
			    "OFFER OTHER");
		res = ctl_conn_call(ctl, "offer.resolve",
		    json_pack("{s:s, s:s, s:s}", "action", o->pos[0],
		    "offer", o->pos[1], "other", o->pos[2]));
		if (ctl->json)
			ctl_output_json(ctl, res);
		else if (strcmp(o->pos[0], "merge") == 0)
			printf("offer %s: closed, merged into %s\n", o->pos[1],
			    o->pos[2]);
		else
			printf("offers %s and %s: two jobs, no longer listed\n",
			    o->pos[1], o->pos[2]);
		json_decref(res);
		return 0;
	}
	params = json_object();
	if (o->count > 0)
		json_object_set_new(params, "count", json_integer(o->count));
	res = ctl_conn_call(ctl, "offer.duplicates", params);
	if (ctl->json)
		ctl_output_json(ctl, res);
	else if (json_array_size(json_object_get(res, "pairs")) == 0)
		printf("(no uncertain duplicates)\n");
	else
		json_array_foreach(json_object_get(res, "pairs"), i, pr) {
			t = (time_t)jint(pr, "at");
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M",
			    localtime(&t));
			buf = ctl_output_format("%s  %s (%s) ~ %s (%s): %s",
			    when, jtext(pr, "offer"), jtext(pr, "offer_status"),
			    jtext(pr, "other"), jtext(pr, "other_status"),
			    jtext(pr, "why"));
			ctl_output_wrapped(buf, 0, 4, ctl->width);
			free(buf);
		}
	json_decref(res);
	return 0;
}

int
ctl_offer_close(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res;

	params = json_pack("{s:s}", "id", o->pos[0]);
	if (o->reason != NULL)
		json_object_set_new(params, "reason", json_string(o->reason));
	res = ctl_conn_call(ctl, "offer.close", params);
	if (ctl->json)
		ctl_output_json(ctl, res);
	else if (jstr(res, "reason") != NULL)
		printf("offer %s closed (%s)\n", o->pos[0],
		    jstr(res, "reason"));
	else
		printf("offer %s closed\n", o->pos[0]);
	json_decref(res);
	return 0;
}

/* A followed person or a referral move: one line (JSON with --json). */
static void
watch_event(struct ctl *ctl, const char *event, json_t *ev)
{
	const json_t *offer = json_object_get(ev, "offer");
	json_t *line;

	if (ctl->json) {
		line = json_pack("{s:s, s:O}", "event", event, "payload", ev);
		ctl_output_json(ctl, line);
		json_decref(line);
		return;
	}
	if (strcmp(event, "followed") == 0)
		printf("followed: %s ranked %lld by offer %s (%s), score %.1f, "
		    "%.1f km\n", jtext(ev, "candidate"), jint(ev, "rank"),
		    jtext(offer, "id"), jtext(offer, "title"),
		    json_number_value(json_object_get(ev, "score")),
		    json_number_value(json_object_get(ev, "distance_km")));
	else if (strcmp(event, "referral") == 0)
		printf("referral: offer %s, candidate %s: %s -> %s by %s\n",
		    jtext(ev, "offer"), jtext(ev, "candidate"),
		    jtext(ev, "from"), jtext(ev, "status"), jtext(ev, "user"));
}

int
ctl_offer_watch(struct ctl *ctl, struct opts *o)
{
	struct conn *c;
	struct reply r;
	json_t *params, *res;
	char *sec, *src;

	params = json_object();
	if (o->sectors != NULL)
		json_object_set(params, "sectors", o->sectors);
	if (o->sources != NULL)
		json_object_set(params, "sources", o->sources);
	res = ctl_conn_call(ctl, "subscribe", params);
	if (isatty(STDERR_FILENO)) {
		sec = ctl_output_join(json_object_get(res, "sectors"), ",");
		src = ctl_output_join(json_object_get(res, "sources"), ",");
		fprintf(stderr, "watching sectors %s, sources %s "
		    "(interrupt to stop)\n", *sec ? sec : "all",
		    *src ? src : "all");
		free(sec);
		free(src);
	}
	json_decref(res);
	fflush(stdout);

	c = ctl_conn_get(ctl);
	c->timeout_ms = -1;	/* events come when they come */
	memset(&r, 0, sizeof(r));
	while (ctl_conn_recv(c, &r) == 1) {
		ctl_conn_check_notification(&r);
		if (r.type != RPC_NOTIFICATION)
			continue;
		if (strcmp(r.method, "suggestions") == 0) {
			ctl_result_print(ctl, r.payload);
			if (!ctl->json)
				putchar('\n');
		} else
			watch_event(ctl, r.method, r.payload);
		fflush(stdout);
	}
	ctl_conn_reply_clear(&r);
	ctl_die(EXIT_CONN, "%s: connection closed by the server", ctl->server);
}

int
ctl_offer_referral(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res;
	char *t;

	params = json_pack("{s:s, s:s, s:s}", "offer", o->pos[0],
	    "candidate", o->pos[1], "status", o->pos[2]);
	if (o->note != NULL)
		json_object_set_new(params, "note", json_string(o->note));
	res = ctl_conn_call(ctl, "referral.update", params);
	if (ctl->json)
		ctl_output_json(ctl, res);
	else {
		t = ctl_output_time(json_object_get(res, "updated_at"));
		printf("referral %s / %s: %s → %s (%s)\n", o->pos[0],
		    o->pos[1], jtext(res, "from"),
		    jstr_or(res, "status", o->pos[2]), t ? t : "?");
		free(t);
	}
	json_decref(res);
	return 0;
}
