/*
 * The commands about the server rather than its records (ping, stats),
 * and the generic ones that print its answer as JSON (call, get).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ctl.h"
#include "ctl_conn.h"
#include "ctl_output.h"
#include "ctl_server.h"

int
ctl_server_ping(struct ctl *ctl, struct opts *o)
{
	struct timespec t0, t1;
	json_t *res;
	time_t t;
	char when[64];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	res = ctl_conn_call(ctl, "ping", NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ctl->json)
		ctl_output_json(ctl, res);
	else {
		t = (time_t)jint(res, "time");
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
		    gmtime(&t));
		printf("pong from %s: protocol %lld, server time %s, "
		    "round trip %.2f ms\n", ctl->server, jint(res, "version"),
		    when, (t1.tv_sec - t0.tv_sec) * 1e3 +
		    (t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	json_decref(res);
	return 0;
}

/* method {id}, the record it answers printed as JSON. */
int
ctl_server_get(struct ctl *ctl, const char *method, const char *id)
{
	json_t *res;

	res = ctl_conn_call_id(ctl, method, id);
	ctl_output_json(ctl, res);
	json_decref(res);
	return 0;
}

int
ctl_server_stats(struct ctl *ctl, struct opts *o)
{
	json_t *res;

	res = ctl_conn_call(ctl, "stats", NULL);
	if (ctl->json || !json_is_object(res))
		ctl_output_json(ctl, res);
	else
		ctl_output_pairs(ctl, res);
	json_decref(res);
	return 0;
}

int
ctl_server_call(struct ctl *ctl, struct opts *o)
{
	json_error_t jerr;
	json_t *params = NULL, *res;

	if (o->npos > 1) {
		params = json_loads(o->pos[1], JSON_DECODE_ANY, &jerr);
		if (params == NULL)
			ctl_die(EXIT_USAGE, "params: invalid JSON: %s",
			    jerr.text);
		if (!json_is_object(params) && !json_is_array(params)) {
			/* Freed so that a leak check at exit stays quiet. */
			json_decref(params);
			ctl_die(EXIT_USAGE, "params must be a JSON object or "
			    "array");
		}
	}
	res = ctl_conn_call(ctl, o->pos[0], params);
	ctl_output_json(ctl, res);
	json_decref(res);
	return 0;
}
