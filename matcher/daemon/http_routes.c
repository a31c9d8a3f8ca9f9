/*
 * The HTTP API's routes.  Every route is a row of one table: method, path
 * pattern, the MessagePack-RPC method it calls and which query parameters
 * and body fields it takes.  A request becomes that method's parameter map
 * (path, query and body merged as JSON, packed with jsonmp), and goes to
 * methods_dispatch() through a sink pending, so that no rule is written
 * twice: the answer comes back to http_sink() as a packed result or an
 * error, and leaves as JSON with the status of docs/HTTP.md.
 *
 * Lifetimes.  evhttp frees a request once its reply is written, and frees
 * a connection (and the request on it) when the client goes away; its
 * close callback is our only notice.  So an API request sets the close
 * callback while it waits for its answer, and clears it when it answers;
 * a close before that detaches the pending (pending_detach_sink), whose
 * answer is then dropped.  The sink may run inside methods_dispatch()
 * (an answer that needs no Redis): the request context is freed by
 * whichever of the two finishes last.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>
#include <msgpack.h>

#include "candidate.h"
#include "domain.h"
#include "frame.h"
#include "http_auth.h"
#include "http_events.h"
#include "http_priv.h"
#include "http_routes.h"
#include "jsonmp.h"
#include "log.h"
#include "matcherd.h"
#include "methods.h"
#include "metrics.h"
#include "pending.h"
#include "referral.h"
#include "users.h"
#include "xmalloc.h"

/* Path parameters of one route. */
#define HTTP_MAX_CAPS		2

enum body_kind {
	BODY_NONE,	/* no body */
	BODY_RECORD,	/* the body is the record: {record: body + path id} */
	BODY_PASS,	/* the body is the parameter map */
	BODY_FIELDS,	/* body members (of a fixed list) join the path's */
	BODY_DOCUMENT	/* the body as received, a string: fields[0] */
};

enum query_type { Q_STR, Q_INT, Q_LIST, Q_BOOL };

struct query_param {
	const char	*name;
	enum query_type	 type;
};

struct route;
struct span;
typedef void route_fn(struct http_routes *, struct evhttp_request *,
    const struct route *, const struct span *caps, int ncaps,
    const char *query);

#define R_CREATED	0x01	/* 201 when the result says created */

struct route {
	enum evhttp_cmd_type	 method;
	const char		*pattern;	/* {name}: a record id */
	route_fn		*fn;
	const char		*rpc;		/* the method called */
	const struct query_param *query;	/* NULL-terminated */
	enum body_kind		 body;
	const char *const	*fields;	/* BODY_FIELDS, BODY_RECORD */
	int			 flags;
};

/* An API request waiting for its answer. */
struct http_req {
	TAILQ_ENTRY(http_req)	 entry;
	struct http_routes	*rs;
	struct evhttp_request	*req;
	struct evhttp_connection *evcon;
	const struct route	*route;
	struct pending		*pending;	/* NULL once answered */
	int			 dispatching;	/* in methods_dispatch() */
	struct session		 session;	/* its bearer token's user */
};

struct http_routes {
	struct http		*h;
	struct matcherd		*env;
	struct http_events	*events;
	TAILQ_HEAD(, http_req)	 reqs;
};

static route_fn api_route, events_route, metrics_route, session_route;

static const struct query_param q_candidate_list[] = {
	{ "sector", Q_STR }, { "cursor", Q_STR }, { "count", Q_INT },
	{ "offset", Q_INT }, { "status", Q_LIST }, { "rome", Q_STR },
	{ "licence", Q_LIST }, { "skill", Q_STR }, { "criteria", Q_LIST },
	{ "available_by", Q_STR }, { "commune", Q_STR },
	{ "within_km", Q_INT }, { "updated_since", Q_STR }, { "q", Q_STR },
	{ NULL, Q_STR }
};
static const struct query_param q_offer_list[] = {
	{ "sector", Q_STR }, { "sectors", Q_LIST }, { "status", Q_STR },
	{ "count", Q_INT }, { NULL, Q_STR }
};
static const struct query_param q_events[] = {
	{ "sectors", Q_LIST }, { "sources", Q_LIST }, { NULL, Q_STR }
};
static const struct query_param q_clause_list[] = {
	{ "count", Q_INT }, { NULL, Q_STR }
};
static const struct query_param q_clause_report[] = {
	{ "operation", Q_STR }, { "contractor", Q_STR }, { "behind", Q_BOOL },
	{ "count", Q_INT }, { NULL, Q_STR }
};
static const struct query_param q_audit[] = {
	{ "candidate", Q_STR }, { "user", Q_STR }, { "since", Q_INT },
	{ "count", Q_INT }, { NULL, Q_STR }
};
static const char *const f_operation[] = { "operation", NULL };
static const char *const f_candidate[] = { "candidate", NULL };
static const char *const f_match[] = { "limit", NULL };
static const char *const f_reason[] = { "reason", NULL };
static const char *const f_referral[] = { "status", "note", NULL };
static const char *const f_document[] = { "payload", NULL };
static const char *const f_resolve[] = { "action", NULL };
static const struct query_param q_duplicates[] = {
	{ "count", Q_INT }, { NULL, Q_STR }
};
static const struct query_param q_digest[] = {
	{ "sectors", Q_LIST }, { "hours", Q_INT }, { "count", Q_INT },
	{ NULL, Q_STR }
};
static const struct query_param q_limit[] = {
	{ "limit", Q_INT }, { NULL, Q_STR }
};
static const struct query_param q_near_miss[] = {
	{ "limit", Q_INT }, { "avail_days", Q_INT }, { "extra_km", Q_INT },
	{ NULL, Q_STR }
};

static const struct query_param q_communes[] = {
	{ "insee", Q_LIST }, { NULL, Q_STR }
};

static const struct route routes[] = {
	{ EVHTTP_REQ_GET, "/api/candidates/{id}", api_route,
	    "candidate.get", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_PUT, "/api/candidates/{id}", api_route,
	    "candidate.put", NULL, BODY_RECORD, f_candidate, R_CREATED },
	{ EVHTTP_REQ_DELETE, "/api/candidates/{id}", api_route,
	    "candidate.delete", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/candidates", api_route,
	    "candidate.list", q_candidate_list, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/candidates/{id}/referrals", api_route,
	    "candidate.referrals", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/candidates/{id}/offers", api_route,
	    "candidate.match", q_limit, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_PUT, "/api/candidates/{id}/follow", api_route,
	    "candidate.follow", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_DELETE, "/api/candidates/{id}/follow", api_route,
	    "candidate.unfollow", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/following", api_route,
	    "candidate.following", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/candidates/{id}/export", api_route,
	    "candidate.export", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_POST, "/api/candidates/{id}/erase", api_route,
	    "candidate.erase", NULL, BODY_FIELDS, f_reason, 0 },
	{ EVHTTP_REQ_POST, "/api/offers", api_route,
	    "offer.put", NULL, BODY_PASS, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/offers", api_route,
	    "offer.list", q_offer_list, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/offers/duplicates", api_route,
	    "offer.duplicates", q_duplicates, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/offers/{id}", api_route,
	    "offer.get", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_POST, "/api/offers/{offer}/duplicates/{other}", api_route,
	    "offer.resolve", NULL, BODY_FIELDS, f_resolve, 0 },
	{ EVHTTP_REQ_POST, "/api/feeds/{format}", api_route,
	    "feed.push", NULL, BODY_DOCUMENT, f_document, 0 },
	{ EVHTTP_REQ_GET, "/api/offers/{id}/near-miss", api_route,
	    "offer.near_miss", q_near_miss, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/offers/{id}/diagnosis", api_route,
	    "offer.diagnose", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_POST, "/api/offers/{id}/match", api_route,
	    "offer.match", NULL, BODY_FIELDS, f_match, 0 },
	{ EVHTTP_REQ_POST, "/api/offers/{id}/close", api_route,
	    "offer.close", NULL, BODY_FIELDS, f_reason, 0 },
	{ EVHTTP_REQ_PATCH, "/api/referrals/{offer}/{candidate}", api_route,
	    "referral.update", NULL, BODY_FIELDS, f_referral, 0 },
	{ EVHTTP_REQ_GET, "/api/digest", api_route,
	    "digest", q_digest, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/referrals/{offer}/{candidate}/history",
	    api_route, "referral.history", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/communes", api_route,
	    "refdata.communes", q_communes, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/stats", api_route,
	    "stats", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/clause/operations", api_route,
	    "clause.list", q_clause_list, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/clause/operations/{id}", api_route,
	    "clause.get", NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_PUT, "/api/clause/operations/{id}", api_route,
	    "clause.put", NULL, BODY_RECORD, f_operation, R_CREATED },
	{ EVHTTP_REQ_GET, "/api/clause/report", api_route,
	    "clause.report", q_clause_report, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/audit", api_route,
	    "audit.list", q_audit, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_POST, "/api/session", session_route,
	    NULL, NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_DELETE, "/api/session", session_route,
	    NULL, NULL, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/api/events", events_route,
	    NULL, q_events, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/metrics", metrics_route,
	    NULL, NULL, BODY_NONE, NULL, 0 },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* ------------------------------------------------------------------ */
/* Request parsing                                                    */

/* A raw path segment. */
struct span {
	const char	*p;
	size_t		 len;
};

/*
 * Match path against pattern segment by segment; a {name} segment takes
 * any non-empty segment, kept raw in caps.  Returns the number of
 * captures, or -1 when the path does not match.
 */
static int
route_match(const char *pattern, const char *path, struct span *caps)
{
	size_t plen, slen;
	int n = 0;

	while (*pattern != '\0' && *path != '\0') {
		if (*pattern++ != '/' || *path++ != '/')
			return -1;
		plen = strcspn(pattern, "/");
		slen = strcspn(path, "/");
		if (*pattern == '{') {
			if (slen == 0 || n == HTTP_MAX_CAPS)
				return -1;
			caps[n].p = path;
			caps[n++].len = slen;
		} else if (plen != slen || memcmp(pattern, path, slen) != 0)
			return -1;
		pattern += plen;
		path += slen;
	}
	return *pattern == '\0' && *path == '\0' ? n : -1;
}

/* A decimal integer filling s, without sign tricks or blanks. */
static int
parse_int(const char *s, json_int_t *out)
{
	const char *d = *s == '-' ? s + 1 : s;
	long long v;
	char *end;

	if (!isdigit((unsigned char)*d))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	*out = v;
	return 0;
}

/* The comma-separated items of s as a JSON array of strings. */
static json_t *
split_list(const char *s)
{
	json_t *a = json_array(), *v;
	size_t len;

	for (;;) {
		len = strcspn(s, ",");
		if (len == 0 || (v = json_stringn(s, len)) == NULL) {
			json_decref(a);
			return NULL;
		}
		json_array_append_new(a, v);
		if (s[len] == '\0')
			return a;
		s += len + 1;
	}
}

/* A query value: up to refdata.communes' 500 codes and their commas. */
#define HTTP_QUERY_VALUE_MAX	4096

/*
 * Add the query parameters to params, typed by spec; an empty value is
 * an absent parameter.  Answers the error itself and returns -1.
 */
static int
parse_query(struct matcherd *env, struct evhttp_request *req,
    const char *query, const struct query_param *spec, json_t *params)
{
	char key[HTTP_PART_MAX], val[HTTP_QUERY_VALUE_MAX];
	const char *s = query, *eq;
	size_t len;
	json_int_t n;
	json_t *v;
	int i;

	while (s != NULL && *s != '\0') {
		len = strcspn(s, "&");
		eq = memchr(s, '=', len);
		if (http_pct_decode(s, eq != NULL ? (size_t)(eq - s) : len, 1,
		    key, sizeof(key)) == -1 || (eq != NULL &&
		    http_pct_decode(eq + 1, len - (size_t)(eq + 1 - s), 1, val,
		    sizeof(val)) == -1)) {
			http_fail(env, req, 400, RPC_ERR_INVALID_ARGUMENT, NULL,
			    "malformed query string");
			return -1;
		}
		if (eq == NULL)
			val[0] = '\0';
		s = s[len] == '&' ? s + len + 1 : s + len;
		if (len == 0)
			continue;
		for (i = 0; spec != NULL && spec[i].name != NULL; i++)
			if (strcmp(spec[i].name, key) == 0)
				break;
		if (spec == NULL || spec[i].name == NULL) {
			http_fail(env, req, 400, RPC_ERR_INVALID_ARGUMENT,
			    key, "unknown query parameter");
			return -1;
		}
		if (json_object_get(params, key) != NULL) {
			http_fail(env, req, 400, RPC_ERR_INVALID_ARGUMENT,
			    key, "%s is given twice", key);
			return -1;
		}
		if (val[0] == '\0')
			continue;
		switch (spec[i].type) {
		case Q_INT:
			v = parse_int(val, &n) == 0 ? json_integer(n) : NULL;
			break;
		case Q_LIST:
			v = split_list(val);
			break;
		case Q_BOOL:
			v = strcmp(val, "true") == 0 || strcmp(val, "1") == 0 ?
			    json_true() : strcmp(val, "false") == 0 ||
			    strcmp(val, "0") == 0 ? json_false() : NULL;
			break;
		default:
			v = json_string(val);
			break;
		}
		if (v == NULL) {
			http_fail(env, req, 400, RPC_ERR_INVALID_ARGUMENT, key,
			    spec[i].type == Q_INT ? "%s must be an integer" :
			    spec[i].type == Q_LIST ? "%s must be a comma-"
			    "separated list of names" : spec[i].type == Q_BOOL ?
			    "%s must be true or false" : "%s is not UTF-8", key);
			return -1;
		}
		json_object_set_new(params, key, v);
	}
	return 0;
}

static int
is_json_type(const char *ct)
{
	static const char want[] = "application/json";
	size_t n = sizeof(want) - 1;

	return ct != NULL && strncasecmp(ct, want, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

/*
 * The request's body bytes (*len of them), checked for size and type, or
 * NULL: with *len 0 when there is none, else after answering the error.
 */
static const char *
body_bytes(struct matcherd *env, struct evhttp_request *req, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);

	if ((*len = evbuffer_get_length(in)) == 0)
		return NULL;
	if (*len > env->conf->http.max_body) {
		http_fail(env, req, 413, RPC_ERR_TOO_LARGE, NULL,
		    "body of %zu bytes, over max_body (%zu)", *len,
		    env->conf->http.max_body);
		return NULL;
	}
	if (!is_json_type(evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Content-Type"))) {
		http_fail(env, req, 415, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "the body must be application/json");
		return NULL;
	}
	return (const char *)evbuffer_pullup(in, -1);
}

/*
 * The request's JSON object body, or NULL with *failed clear when there
 * is none.  Answers the error itself and sets *failed.
 */
static json_t *
read_body(struct matcherd *env, struct evhttp_request *req, int *failed)
{
	const char *bytes;
	size_t len;
	json_error_t jerr;
	json_t *body;

	*failed = 1;
	if ((bytes = body_bytes(env, req, &len)) == NULL) {
		*failed = len > 0;
		return NULL;
	}
	body = json_loadb(bytes, len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (body == NULL) {
		http_fail(env, req, 400, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "invalid JSON at line %d, column %d: %s", jerr.line,
		    jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		http_fail(env, req, 400, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "the body must be a JSON object");
		return NULL;
	}
	*failed = 0;
	return body;
}

/* 1 if name is in the NULL-terminated list. */
static int
in_list(const char *const *list, const char *name)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

/*
 * Put the body (consumed) into *params as the route wants it; *params may
 * be replaced, by NULL for no parameters at all.  Returns -1 after
 * answering the error, having freed *params.
 */
static int
merge_body(struct matcherd *env, struct evhttp_request *req,
    const struct route *rt, json_t **params, json_t *body)
{
	const char *key, *id;
	json_t *v;

	switch (rt->body) {
	case BODY_RECORD:
		/* The record is the body; its id, if any, the path's. */
		id = json_string_value(json_object_get(*params, "id"));
		if (body == NULL)
			body = json_object();
		if ((v = json_object_get(body, "id")) == NULL)
			json_object_set_new(body, "id", json_string(id));
		else if (!json_is_string(v) ||
		    strcmp(json_string_value(v), id) != 0) {
			http_fail(env, req, 400, RPC_ERR_INVALID_ARGUMENT, "id",
			    "the body's id is not the path's (%s)", id);
			goto fail;
		}
		json_decref(*params);
		*params = json_pack("{s:o}", rt->fields[0], body);
		return 0;
	case BODY_PASS:
		json_decref(*params);
		*params = body;
		return 0;
	case BODY_FIELDS:
		if (body == NULL)
			return 0;
		json_object_foreach(body, key, v) {
			if (!in_list(rt->fields, key)) {
				http_fail(env, req, 400,
				    RPC_ERR_INVALID_ARGUMENT, key,
				    "unknown field %s", key);
				goto fail;
			}
		}
		json_object_update(*params, body);
		break;
	default:
		break;
	}
	json_decref(body);
	return 0;
fail:
	json_decref(body);
	json_decref(*params);
	return -1;
}

/* ------------------------------------------------------------------ */
/* API routes: a handler through a sink pending                        */

/* The HTTP status of each error code: the one table (docs/HTTP.md). */
static const int error_statuses[RPC_ERR_COUNT] = {
	[RPC_ERR_INVALID_ARGUMENT] = 400,
	[RPC_ERR_NOT_FOUND] = 404,
	[RPC_ERR_UNKNOWN_METHOD] = 404,
	[RPC_ERR_TOO_LARGE] = 413,
	[RPC_ERR_UNAVAILABLE] = 503,
	[RPC_ERR_INTERNAL] = 500,
	[RPC_ERR_CONFLICT] = 409,
	[RPC_ERR_UNAUTHENTICATED] = 401,
	[RPC_ERR_FORBIDDEN] = 403,
};

static int
error_status(enum rpc_errcode code)
{
	return code < RPC_ERR_COUNT && error_statuses[code] != 0 ?
	    error_statuses[code] : 500;
}

static void
req_free(struct http_req *r)
{
	TAILQ_REMOVE(&r->rs->reqs, r, entry);
	free(r);
}

/* The answer of the method (pending.h pending_sink). */
static void
http_sink(void *arg, int code, const char *result, size_t len,
    const char *message, const char *field)
{
	struct http_req *r = arg;
	struct jsonmp_buf b = { NULL, 0, 0 };
	int status, created = 0;

	r->pending = NULL;
	evhttp_connection_set_closecb(r->evcon, NULL, NULL);
	if (code == -1) {
		if (http_packed_json(result, len, &b, &created) == -1) {
			free(b.data);
			http_fail(r->rs->env, r->req, 500, RPC_ERR_INTERNAL,
			    NULL, "result not representable as JSON");
		} else
			http_reply_text(r->req, (r->route->flags & R_CREATED) &&
			    created ? 201 : 200, b.data, b.len);
	} else {
		status = error_status((enum rpc_errcode)code);
		if (code == RPC_ERR_UNAUTHENTICATED)
			http_auth_challenge(r->req);
		http_reply_error(r->req, status, (enum rpc_errcode)code,
		    message, field);
	}
	if (!r->dispatching)
		req_free(r);
}

/*
 * req_call() and req_detach() are the only calls into conn.h and
 * handlers.h (the request API).  Call the route's method for r; the
 * answer comes to http_sink(), maybe before this returns.
 */
static void
req_call(struct http_req *r, const msgpack_object *params)
{
	struct matcherd *env = r->rs->env;
	const char *rpc = r->route->rpc;

	r->pending = pending_new(env, http_sink, r);
	pending_set_session(r->pending, &r->session);
	r->dispatching = 1;
	methods_dispatch(env, r->pending, rpc, strlen(rpc), params);
	r->dispatching = 0;
}

/* Forget r: its answer is dropped when it comes. */
static void
req_detach(struct http_req *r)
{
	pending_detach(r->pending);
	req_free(r);
}

/* The client went away before the answer: detach, then free the request. */
static void
req_closecb(struct evhttp_connection *evcon, void *arg)
{
	struct http_req *r = arg;
	struct evhttp_request *req = r->req;
	struct http *h = r->rs->h;

	req_detach(r);
	http_closed(h, req);
}

/* Pack params and call the route's method. */
static void
dispatch(struct http_routes *rs, struct evhttp_request *req,
    const struct route *rt, json_t *params)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_zone zone;
	msgpack_object obj;
	struct http_req *r;
	char err[128];

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_zone_init(&zone, 2048);
	if (params != NULL && jsonmp_pack(&pk, params, err,
	    sizeof(err)) == -1) {
		http_fail(rs->env, req, 400, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "%s", err);
		goto done;
	}
	if (params != NULL && frame_unpack(sb.data, sb.size, &zone,
	    &obj) == -1) {
		http_fail(rs->env, req, 500, RPC_ERR_INTERNAL, NULL,
		    "cannot unpack the parameters");
		goto done;
	}
	r = xcalloc(1, sizeof(*r));
	r->rs = rs;
	r->req = req;
	r->evcon = evhttp_request_get_connection(req);
	r->route = rt;
	http_auth_session(rs->env, req, 0, &r->session);
	TAILQ_INSERT_TAIL(&rs->reqs, r, entry);
	evhttp_connection_set_closecb(r->evcon, req_closecb, r);
	req_call(r, params != NULL ? &obj : NULL);
	if (r->pending == NULL)
		req_free(r);
done:
	msgpack_zone_destroy(&zone);
	msgpack_sbuffer_destroy(&sb);
}

/* Path parameters: each a record id. */
static json_t *
path_params(struct matcherd *env, struct evhttp_request *req,
    const struct route *rt, const struct span *caps, int ncaps)
{
	const char *p = rt->pattern, *name;
	char id[HTTP_PART_MAX], field[32];
	json_t *params = json_object();
	size_t nlen;
	int i;

	for (i = 0; i < ncaps; i++) {
		name = strchr(p, '{') + 1;
		nlen = strcspn(name, "}");
		p = name + nlen;
		if (http_pct_decode(caps[i].p, caps[i].len, 0, id,
		    sizeof(id)) == -1 || !record_id_valid(id, strlen(id))) {
			snprintf(field, sizeof(field), "%.*s", (int)nlen,
			    name);
			http_fail(env, req, 400, RPC_ERR_INVALID_ARGUMENT,
			    field, "%s must be " RECORD_ID_RULE, field);
			json_decref(params);
			return NULL;
		}
		json_object_setn_new(params, name, nlen, json_string(id));
	}
	return params;
}

static void
api_route(struct http_routes *rs, struct evhttp_request *req,
    const struct route *rt, const struct span *caps, int ncaps,
    const char *query)
{
	struct matcherd *env = rs->env;
	json_t *params, *body = NULL;
	const char *doc;
	size_t len;
	int failed;

	if ((params = path_params(env, req, rt, caps, ncaps)) == NULL)
		return;
	if (parse_query(env, req, query, rt->query, params) == -1) {
		json_decref(params);
		return;
	}
	if (rt->body == BODY_DOCUMENT) {
		/* A partner's document goes as received: the feed reads it. */
		if ((doc = body_bytes(env, req, &len)) == NULL) {
			if (len == 0)
				http_fail(env, req, 400,
				    RPC_ERR_INVALID_ARGUMENT, NULL,
				    "the body must be the document");
			json_decref(params);
			return;
		}
		json_object_set_new(params, rt->fields[0],
		    json_stringn_nocheck(doc, len));
	} else if (rt->body != BODY_NONE) {
		body = read_body(env, req, &failed);
		if (failed) {
			json_decref(params);
			return;
		}
	}
	if (merge_body(env, req, rt, &params, body) == -1)
		return;
	dispatch(rs, req, rt, params);
	json_decref(params);
}

/* ------------------------------------------------------------------ */
/* GET /api/events and GET /metrics                                    */

/* A list query parameter of vocabulary names as a bitmask; absent: all. */
static int
names_mask(struct matcherd *env, struct evhttp_request *req, json_t *params,
    const char *key, const struct vocab *v, uint32_t *out)
{
	json_t *a = json_object_get(params, key), *item;
	char field[64];
	size_t i;
	int k;

	*out = (1u << v->count) - 1;
	if (a == NULL)
		return 0;
	*out = 0;
	json_array_foreach(a, i, item) {
		k = vocab_lookup(v, json_string_value(item),
		    json_string_length(item));
		if (k < 0) {
			snprintf(field, sizeof(field), "%s[%zu]", key, i);
			http_fail(env, req, 400, RPC_ERR_INVALID_ARGUMENT,
			    field, "unknown %s", v->what);
			return -1;
		}
		*out |= 1u << k;
	}
	return 0;
}

/* The stream itself is http_events.c's. */
static void
events_route(struct http_routes *rs, struct evhttp_request *req,
    const struct route *rt, const struct span *caps, int ncaps,
    const char *query)
{
	struct matcherd *env = rs->env;
	uint32_t sectors, sources;
	struct session s;
	json_t *params;
	int bad;

	/* As subscribe: advisers' and administrators', their sectors. */
	http_auth_session(env, req, 1, &s);
	if (http_auth_require(env, req, &s, (1u << USER_ADMIN) |
	    (1u << USER_ADVISER), "the event stream") == -1)
		return;
	params = json_object();
	bad = parse_query(env, req, query, rt->query, params) == -1 ||
	    names_mask(env, req, params, "sectors", &vocab_sector,
	    &sectors) == -1 ||
	    names_mask(env, req, params, "sources", &vocab_source,
	    &sources) == -1;
	if (bad) {
		json_decref(params);
		return;
	}
	/* As subscribe: sectors asked for must be the user's. */
	if (s.authenticated && json_object_get(params, "sectors") != NULL &&
	    (sectors & ~s.sectors) != 0) {
		json_decref(params);
		http_fail(env, req, 403, RPC_ERR_FORBIDDEN, "sectors",
		    "a sector asked for is not open to %s", s.user);
		return;
	}
	json_decref(params);
	if (s.authenticated)
		sectors &= s.sectors;
	http_events_open(rs->events, req, sectors, sources, &s);
}

static void
metrics_route(struct http_routes *rs, struct evhttp_request *req,
    const struct route *rt, const struct span *caps, int ncaps,
    const char *query)
{
	struct metrics_http mh;
	struct session s;

	http_auth_session(rs->env, req, 0, &s);
	if (http_auth_require(rs->env, req, &s, 1u << USER_ADMIN,
	    "/metrics") == -1)
		return;
	mh.connections = http_connections(rs->h);
	mh.streams = http_events_count(rs->events);
	metrics_write(rs->env, &mh, evhttp_request_get_output_buffer(req));
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, 200, NULL, NULL);
}

/* Signing in and out of the page (http_auth.c). */
static void
session_route(struct http_routes *rs, struct evhttp_request *req,
    const struct route *rt, const struct span *caps, int ncaps,
    const char *query)
{
	if (rt->method == EVHTTP_REQ_POST)
		http_auth_sign_in(rs->env, req);
	else
		http_auth_sign_out(rs->env, req);
}

/* ------------------------------------------------------------------ */
/* The table                                                          */

int
http_routes_serve(struct http_routes *rs, struct evhttp_request *req,
    const char *path, const char *query, int *allow)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct span caps[HTTP_MAX_CAPS];
	int ncaps;
	size_t i;

	*allow = 0;
	for (i = 0; i < NROUTES; i++) {
		if ((ncaps = route_match(routes[i].pattern, path, caps)) < 0)
			continue;
		if (routes[i].method == cmd) {
			routes[i].fn(rs, req, &routes[i], caps, ncaps, query);
			return 1;
		}
		*allow |= routes[i].method;
	}
	return 0;
}

/*
 * A safe HTTP method (GET) must not reach a method that writes, and an
 * unsafe one must: the Origin and access checks key on it (RFC 9110,
 * 9.2.1).  A table that breaks it is a programming error.
 */
static void
check_routes(void)
{
	const struct method *m;
	size_t i;
	int safe;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (routes[i].rpc == NULL)
			continue;
		if ((m = methods_find(routes[i].rpc,
		    strlen(routes[i].rpc))) == NULL)
			fatalx("route %s: no method %s", routes[i].pattern,
			    routes[i].rpc);
		safe = routes[i].method == EVHTTP_REQ_GET;
		if (safe == ((m->flags & METHOD_WRITE) != 0))
			fatalx("route %s: %s %s", routes[i].pattern,
			    safe ? "GET of the writing method" :
			    "a write through the reading method",
			    routes[i].rpc);
	}
}

struct http_routes *
http_routes_new(struct http *h, struct matcherd *env,
    struct http_events *events)
{
	struct http_routes *rs;

	check_routes();
	rs = xcalloc(1, sizeof(*rs));
	rs->h = h;
	rs->env = env;
	rs->events = events;
	TAILQ_INIT(&rs->reqs);
	return rs;
}

void
http_routes_free(struct http_routes *rs)
{
	struct http_req *r;

	if (rs == NULL)
		return;
	while ((r = TAILQ_FIRST(&rs->reqs)) != NULL) {
		evhttp_connection_set_closecb(r->evcon, NULL, NULL);
		req_detach(r);
	}
	free(rs);
}
