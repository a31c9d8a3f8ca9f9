/*
 * The HTTP/JSON API.  Every API route is a row of one table: method, path
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
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <jansson.h>
#include <msgpack.h>

#include "candidate.h"
#include "pending.h"
#include "domain.h"
#include "notify.h"
#include "frame.h"
#include "methods.h"
#include "http.h"
#include "jsonmp.h"
#include "log.h"
#include "matcherd.h"
#include "metrics.h"
#include "mpobj.h"
#include "referral.h"
#include "xmalloc.h"

/* Largest file of the advisers' page served: the page is a few KiB. */
#define HTTP_FILE_MAX		(4 * 1024 * 1024)
/* A keep-alive comment on every event stream this often (docs/HTTP.md). */
#define SSE_KEEPALIVE_S		15
/*
 * What an event stream's client may send before we stop reading it: it
 * has nothing to say, we read only to notice that it closed.
 */
#define SSE_INPUT_MAX		4096
/* Longest path segment or query parameter, decoded. */
#define HTTP_PART_MAX		1024
/* Path parameters of one route. */
#define HTTP_MAX_CAPS		2
/*
 * evhttp reads a body up to this many times [http] max_body before
 * giving up with its own (HTML) 413, so that the usual too-large body is
 * still read and refused by us with the JSON error of docs/HTTP.md.
 */
#define HTTP_BODY_SLACK		2

static const char json_content_type[] = "application/json; charset=utf-8";
static const char sse_keepalive[] = ": keep-alive\n\n";

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

struct http;
struct route;
struct span;
typedef void route_fn(struct http *, struct evhttp_request *,
    const struct route *, const struct span *caps, int ncaps,
    const char *query);

#define R_CREATED	0x01	/* 201 when the result says created */
#define R_CONFLICT	0x02	/* refused status move: 409 (referrals) */

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

/* A connection evhttp accepted; we hold a reference on its bufferevent. */
struct http_conn {
	struct bufferevent	*bev;
	int			 nodelay;	/* TCP_NODELAY set */
};

/* An API request waiting for its answer. */
struct http_req {
	TAILQ_ENTRY(http_req)	 entry;
	struct http		*h;
	struct evhttp_request	*req;
	struct evhttp_connection *evcon;
	const struct route	*route;
	struct pending		*pending;	/* NULL once answered */
	int			 conflict;	/* R_CONFLICT applies */
	int			 dispatching;	/* in methods_dispatch() */
};

/* A Server-Sent Events stream; also its feeds.c subscriber. */
struct http_stream {
	TAILQ_ENTRY(http_stream) entry;
	struct http		*h;
	struct evhttp_request	*req;
	struct evhttp_connection *evcon;
};

struct http {
	struct matcherd		*env;
	struct evhttp		*evh;
	struct evconnlistener	*listener;
	int			 paused;	/* not accepting */
	int			 starved;	/* ticks left without fds */
	struct http_conn	*conns;
	size_t			 nconns, capconns;
	struct event		*reap;		/* reap_conns() soon */
	struct event		*tick;		/* every second */
	time_t			 keepalive_at;
	TAILQ_HEAD(, http_req)	 reqs;
	TAILQ_HEAD(, http_stream) streams;
	unsigned int		 nstreams;
	struct evbuffer		*chunk;
	/*
	 * The last match result pushed and its event frame: one publish
	 * reaches every stream with the same bytes, converted once.
	 */
	char			*frame_mp;
	size_t			 frame_mplen;
	char			*frame;
	size_t			 framelen;
	char			 www[PATH_MAX];	/* "": no page */
};

/*
 * The listener's error callback gets evhttp's argument, not ours; there
 * is one HTTP server per daemon.
 */
static struct http *the_http;

static route_fn api_route, events_route, metrics_route;

static const struct query_param q_candidate_list[] = {
	{ "sector", Q_STR }, { "cursor", Q_STR }, { "count", Q_INT },
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
static const char *const f_operation[] = { "operation", NULL };
static const char *const f_candidate[] = { "candidate", NULL };
static const char *const f_match[] = { "limit", NULL };
static const char *const f_close[] = { "reason", NULL };
static const char *const f_referral[] = { "status", "note", NULL };
static const char *const f_document[] = { "payload", NULL };
static const char *const f_resolve[] = { "action", NULL };
static const struct query_param q_duplicates[] = {
	{ "count", Q_INT }, { NULL, Q_STR }
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
	{ EVHTTP_REQ_POST, "/api/offers/{id}/match", api_route,
	    "offer.match", NULL, BODY_FIELDS, f_match, 0 },
	{ EVHTTP_REQ_POST, "/api/offers/{id}/close", api_route,
	    "offer.close", NULL, BODY_FIELDS, f_close, 0 },
	{ EVHTTP_REQ_PATCH, "/api/referrals/{offer}/{candidate}", api_route,
	    "referral.update", NULL, BODY_FIELDS, f_referral, R_CONFLICT },
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
	{ EVHTTP_REQ_GET, "/api/events", events_route,
	    NULL, q_events, BODY_NONE, NULL, 0 },
	{ EVHTTP_REQ_GET, "/metrics", metrics_route,
	    NULL, NULL, BODY_NONE, NULL, 0 },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static const struct {
	enum evhttp_cmd_type	 cmd;
	const char		*name;
} methods[] = {
	{ EVHTTP_REQ_GET, "GET" }, { EVHTTP_REQ_HEAD, "HEAD" },
	{ EVHTTP_REQ_POST, "POST" }, { EVHTTP_REQ_PUT, "PUT" },
	{ EVHTTP_REQ_PATCH, "PATCH" }, { EVHTTP_REQ_DELETE, "DELETE" },
	{ EVHTTP_REQ_OPTIONS, "OPTIONS" }, { EVHTTP_REQ_TRACE, "TRACE" },
	{ EVHTTP_REQ_CONNECT, "CONNECT" },
};

#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

static const struct {
	const char	*ext;
	const char	*type;
} content_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".woff2", "font/woff2" },
};

/* ------------------------------------------------------------------ */
/* Replies                                                            */

static int
error_status(enum rpc_errcode code)
{
	switch (code) {
	case RPC_ERR_INVALID_ARGUMENT:
		return 400;
	case RPC_ERR_NOT_FOUND:
	case RPC_ERR_UNKNOWN_METHOD:
		return 404;
	case RPC_ERR_TOO_LARGE:
		return 413;
	case RPC_ERR_UNAVAILABLE:
		return 503;
	default:
		return 500;
	}
}

static void
free_cleanup(const void *data, size_t len, void *arg)
{
	free((void *)data);
}

/* Send the length of a body a HEAD reply does not carry. */
static void
head_length(struct evhttp_request *req, long long len)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", len);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Length", buf);
}

/*
 * Send text, which is ours to free, as the JSON reply.  evhttp would
 * send a body even to HEAD: not ours.
 */
static void
reply_text(struct evhttp_request *req, int status, char *text, size_t len)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", json_content_type);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		head_length(req, (long long)len);
		free(text);
	} else if (evbuffer_add_reference(evhttp_request_get_output_buffer(req),
	    text, len, free_cleanup, NULL) == -1)
		free(text);
	evhttp_send_reply(req, status, NULL, NULL);
}

/* A JSON string of s, its bytes outside ASCII replaced if not UTF-8. */
static json_t *
json_text(const char *s)
{
	char buf[512];
	json_t *j;
	size_t i;

	if ((j = json_string(s)) != NULL)
		return j;
	for (i = 0; s[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
	buf[i] = '\0';
	return json_string(buf);
}

/* {"error": {"code", "message", "field"}} with status. */
static void
reply_error(struct evhttp_request *req, int status, enum rpc_errcode code,
    const char *message, const char *field)
{
	char *text;
	json_t *err;

	err = json_pack("{s:{s:s, s:o, s:o}}", "error",
	    "code", rpc_errcode_name(code),
	    "message", json_text(message),
	    "field", field != NULL ? json_text(field) : json_null());
	text = err != NULL ? json_dumps(err, JSON_COMPACT) : NULL;
	json_decref(err);
	if (text == NULL) {
		log_warnx("HTTP: cannot encode an error reply");
		evhttp_send_error(req, 500, NULL);
		return;
	}
	reply_text(req, status, text, strlen(text));
}

/* An error found here rather than by a handler: counted like theirs. */
static void	http_fail(struct http *, struct evhttp_request *, int,
		    enum rpc_errcode, const char *, const char *, ...)
		    __attribute__((format(printf, 6, 7)));

static void
http_fail(struct http *h, struct evhttp_request *req, int status,
    enum rpc_errcode code, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	h->env->stats.errors[code]++;
	reply_error(req, status, code, msg, field);
}

/*
 * Append the packed object at buf to out as JSON text; -1 (logged) if it
 * has none.  When created is not NULL it gets the object's "created"
 * member (false if absent).
 */
static int
packed_json(const char *buf, size_t len, struct jsonmp_buf *out,
    int *created)
{
	const msgpack_object *o;
	msgpack_object obj;
	msgpack_zone zone;
	char err[256];
	int rc = -1;

	/* A match result unpacks to some 20 KiB: one chunk. */
	msgpack_zone_init(&zone, 32768);
	if (frame_unpack(buf, len, &zone, &obj) == -1)
		snprintf(err, sizeof(err), "malformed result");
	else if ((rc = jsonmp_write(out, &obj, err, sizeof(err))) == 0 &&
	    created != NULL)
		*created = (o = mp_map_get(&obj, "created")) != NULL &&
		    o->type == MSGPACK_OBJECT_BOOLEAN && o->via.boolean;
	msgpack_zone_destroy(&zone);
	if (rc == -1)
		log_warnx("HTTP: result not convertible to JSON: %s", err);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Connections: accounting and the max_connections bound              */

/*
 * libevent 2.1 has no evhttp_set_max_connections() (2.2 has), no
 * evhttp_set_newreqcb(), and keeps evhttp_get_request() private, so we
 * can neither refuse a connection evhttp accepted nor accept sockets
 * ourselves and hand them over.  What it does give: the bevcb, called for
 * every connection it accepts, and the public bufferevent reference count.
 * So conn_bevcb() creates each connection's bufferevent and keeps a
 * reference on it; evhttp frees a connection with bufferevent_free(),
 * which clears the callbacks, and reap_conns() drops our reference on
 * those (closing the socket).  At max_connections the listener is
 * disabled: further clients wait in the kernel's listen queue until a
 * connection closes, instead of costing a descriptor and buffers each.
 */
static void
accept_update(struct http *h)
{
	int want;

	want = h->starved == 0 &&
	    h->nconns < (size_t)h->env->conf->http.max_connections;
	if (want && h->paused) {
		evconnlistener_enable(h->listener);
		h->paused = 0;
	} else if (!want && !h->paused) {
		evconnlistener_disable(h->listener);
		h->paused = 1;
		log_debug("HTTP: %zu connections, not accepting", h->nconns);
	}
}

static struct bufferevent *
conn_bevcb(struct event_base *base, void *arg)
{
	struct http *h = arg;
	struct bufferevent *bev;

	if ((bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("HTTP: cannot create a bufferevent");
	bufferevent_incref(bev);
	if (h->nconns == h->capconns) {
		h->capconns = h->capconns ? h->capconns * 2 : 64;
		h->conns = xreallocarray(h->conns, h->capconns,
		    sizeof(*h->conns));
	}
	h->conns[h->nconns].bev = bev;
	h->conns[h->nconns++].nodelay = 0;
	accept_update(h);
	/* evhttp sets the socket after this returns: TCP_NODELAY then. */
	event_active(h->reap, EV_TIMEOUT, 0);
	return bev;
}

/* Drop the connections evhttp has freed; set TCP_NODELAY on new ones. */
static void
reap_conns(struct http *h)
{
	struct http_conn *c;
	bufferevent_event_cb eventcb;
	evutil_socket_t fd;
	size_t i = 0;
	int one = 1;

	while (i < h->nconns) {
		c = &h->conns[i];
		bufferevent_getcb(c->bev, NULL, NULL, &eventcb, NULL);
		if (eventcb == NULL) {
			bufferevent_decref(c->bev);
			*c = h->conns[--h->nconns];
			continue;
		}
		/* Replies and events are small: send them at once. */
		if (!c->nodelay && (fd = bufferevent_getfd(c->bev)) != -1) {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
			c->nodelay = 1;
		}
		i++;
	}
	accept_update(h);
}

static void
reap_cb(evutil_socket_t fd, short ev, void *arg)
{
	reap_conns(arg);
}

static void
accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct http *h = the_http;
	int err = EVUTIL_SOCKET_ERROR();

	if (err == EMFILE || err == ENFILE) {
		/* Not spinning on a listener that stays readable. */
		log_warnx("HTTP accept: out of file descriptors, pausing");
		h->starved = 2;
		accept_update(h);
		return;
	}
	log_warnx("HTTP accept: %s", evutil_socket_error_to_string(err));
}

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

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Decode the %XX escapes of s[0..len) (and '+' as a space when plus) into
 * out, NUL-terminated.  Returns -1 for a malformed escape, a NUL byte or
 * a result that does not fit: evhttp's own decoder passes those through.
 */
static int
pct_decode(const char *s, size_t len, int plus, char *out, size_t outsz)
{
	size_t i, o = 0;
	int hi, lo, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= len)
				return -1;
			if ((hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0)
				return -1;
			c = hi << 4 | lo;
			i += 2;
		} else if (c == '+' && plus)
			c = ' ';
		if (c == '\0' || o + 1 >= outsz)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
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

/*
 * Add the query parameters to params, typed by spec; an empty value is
 * an absent parameter.  Answers the error itself and returns -1.
 */
static int
parse_query(struct http *h, struct evhttp_request *req, const char *query,
    const struct query_param *spec, json_t *params)
{
	char key[HTTP_PART_MAX], val[HTTP_PART_MAX];
	const char *s = query, *eq;
	size_t len;
	json_int_t n;
	json_t *v;
	int i;

	while (s != NULL && *s != '\0') {
		len = strcspn(s, "&");
		eq = memchr(s, '=', len);
		if (pct_decode(s, eq != NULL ? (size_t)(eq - s) : len, 1, key,
		    sizeof(key)) == -1 || (eq != NULL && pct_decode(eq + 1,
		    len - (size_t)(eq + 1 - s), 1, val, sizeof(val)) == -1)) {
			http_fail(h, req, 400, RPC_ERR_INVALID_ARGUMENT, NULL,
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
			http_fail(h, req, 400, RPC_ERR_INVALID_ARGUMENT,
			    key, "unknown query parameter");
			return -1;
		}
		if (json_object_get(params, key) != NULL) {
			http_fail(h, req, 400, RPC_ERR_INVALID_ARGUMENT,
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
			http_fail(h, req, 400, RPC_ERR_INVALID_ARGUMENT, key,
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
body_bytes(struct http *h, struct evhttp_request *req, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);

	if ((*len = evbuffer_get_length(in)) == 0)
		return NULL;
	if (*len > h->env->conf->http.max_body) {
		http_fail(h, req, 413, RPC_ERR_TOO_LARGE, NULL,
		    "body of %zu bytes, over max_body (%zu)", *len,
		    h->env->conf->http.max_body);
		return NULL;
	}
	if (!is_json_type(evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Content-Type"))) {
		http_fail(h, req, 415, RPC_ERR_INVALID_ARGUMENT, NULL,
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
read_body(struct http *h, struct evhttp_request *req, int *failed)
{
	const char *bytes;
	size_t len;
	json_error_t jerr;
	json_t *body;

	*failed = 1;
	if ((bytes = body_bytes(h, req, &len)) == NULL) {
		*failed = len > 0;
		return NULL;
	}
	body = json_loadb(bytes, len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (body == NULL) {
		http_fail(h, req, 400, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "invalid JSON at line %d, column %d: %s", jerr.line,
		    jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		http_fail(h, req, 400, RPC_ERR_INVALID_ARGUMENT, NULL,
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
merge_body(struct http *h, struct evhttp_request *req,
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
			http_fail(h, req, 400, RPC_ERR_INVALID_ARGUMENT, "id",
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
				http_fail(h, req, 400,
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

static void
req_free(struct http_req *r)
{
	TAILQ_REMOVE(&r->h->reqs, r, entry);
	free(r);
}

/* The answer of the handler (conn.h pending_sink). */
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
		if (packed_json(result, len, &b, &created) == -1) {
			free(b.data);
			r->h->env->stats.errors[RPC_ERR_INTERNAL]++;
			reply_error(r->req, 500, RPC_ERR_INTERNAL,
			    "result not representable as JSON", NULL);
		} else
			reply_text(r->req, (r->route->flags & R_CREATED) &&
			    created ? 201 : 200, b.data, b.len);
	} else {
		status = error_status((enum rpc_errcode)code);
		if (code == RPC_ERR_INVALID_ARGUMENT && r->conflict &&
		    field != NULL && strcmp(field, "status") == 0)
			status = 409;
		reply_error(r->req, status, (enum rpc_errcode)code, message,
		    field);
	}
	if (!r->dispatching)
		req_free(r);
}

/* The client went away before the answer: drop it when it comes. */
static void
req_closecb(struct evhttp_connection *evcon, void *arg)
{
	struct http_req *r = arg;

	pending_detach(r->pending);
	/* libevent 2.1 leaves a request it disowned to us. */
	if (evhttp_request_get_connection(r->req) == NULL)
		evhttp_request_free(r->req);
	event_active(r->h->reap, EV_TIMEOUT, 0);
	req_free(r);
}

/* Pack params and call the route's method. */
static void
dispatch(struct http *h, struct evhttp_request *req, const struct route *rt,
    json_t *params, int conflict)
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
		http_fail(h, req, 400, RPC_ERR_INVALID_ARGUMENT, NULL, "%s",
		    err);
		goto done;
	}
	if (params != NULL && frame_unpack(sb.data, sb.size, &zone,
	    &obj) == -1) {
		http_fail(h, req, 500, RPC_ERR_INTERNAL, NULL,
		    "cannot unpack the parameters");
		goto done;
	}
	r = xcalloc(1, sizeof(*r));
	r->h = h;
	r->req = req;
	r->evcon = evhttp_request_get_connection(req);
	r->route = rt;
	r->conflict = conflict;
	r->pending = pending_new(h->env, http_sink, r);
	TAILQ_INSERT_TAIL(&h->reqs, r, entry);
	evhttp_connection_set_closecb(r->evcon, req_closecb, r);
	r->dispatching = 1;
	methods_dispatch(h->env, r->pending, rt->rpc, strlen(rt->rpc),
	    params != NULL ? &obj : NULL);
	r->dispatching = 0;
	if (r->pending == NULL)
		req_free(r);
done:
	msgpack_zone_destroy(&zone);
	msgpack_sbuffer_destroy(&sb);
}

/* Path parameters: each a record id. */
static json_t *
path_params(struct http *h, struct evhttp_request *req,
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
		if (pct_decode(caps[i].p, caps[i].len, 0, id,
		    sizeof(id)) == -1 || !record_id_valid(id, strlen(id))) {
			snprintf(field, sizeof(field), "%.*s", (int)nlen,
			    name);
			http_fail(h, req, 400, RPC_ERR_INVALID_ARGUMENT, field,
			    "%s must be " RECORD_ID_RULE, field);
			json_decref(params);
			return NULL;
		}
		json_object_setn_new(params, name, nlen, json_string(id));
	}
	return params;
}

static void
api_route(struct http *h, struct evhttp_request *req, const struct route *rt,
    const struct span *caps, int ncaps, const char *query)
{
	json_t *params, *body = NULL, *st;
	const char *doc;
	size_t len;
	int failed, conflict = 0;

	if ((params = path_params(h, req, rt, caps, ncaps)) == NULL)
		return;
	if (parse_query(h, req, query, rt->query, params) == -1) {
		json_decref(params);
		return;
	}
	if (rt->body == BODY_DOCUMENT) {
		/* A partner's document goes as received: the feed reads it. */
		if ((doc = body_bytes(h, req, &len)) == NULL) {
			if (len == 0)
				http_fail(h, req, 400,
				    RPC_ERR_INVALID_ARGUMENT, NULL,
				    "the body must be the document");
			json_decref(params);
			return;
		}
		json_object_set_new(params, rt->fields[0],
		    json_stringn_nocheck(doc, len));
	} else if (rt->body != BODY_NONE) {
		body = read_body(h, req, &failed);
		if (failed) {
			json_decref(params);
			return;
		}
	}
	if (merge_body(h, req, rt, &params, body) == -1)
		return;
	/*
	 * A known status that the handler refuses is a move the referral
	 * cannot make (409); an unknown one stays a bad field (400).
	 */
	st = json_object_get(params, "status");
	if ((rt->flags & R_CONFLICT) && json_is_string(st) &&
	    referral_lookup(json_string_value(st), json_string_length(st)) >= 0)
		conflict = 1;
	dispatch(h, req, rt, params, conflict);
	json_decref(params);
}

/* ------------------------------------------------------------------ */
/* Server-Sent Events                                                  */

static void
stream_free(struct http_stream *s)
{
	TAILQ_REMOVE(&s->h->streams, s, entry);
	s->h->nstreams--;
	notify_unsubscribe(s->h->env, s);
	free(s);
}

static void
stream_closecb(struct evhttp_connection *evcon, void *arg)
{
	struct http_stream *s = arg;

	log_debug("HTTP: event stream closed");
	/* libevent 2.1 leaves a request it disowned to us. */
	if (evhttp_request_get_connection(s->req) == NULL)
		evhttp_request_free(s->req);
	event_active(s->h->reap, EV_TIMEOUT, 0);
	stream_free(s);
}

/*
 * Close a stream whose client does not read (conn.c does the same for
 * RPC subscribers).  Returns 1 if it was closed: s is gone.
 */
static int
stream_backlog(struct http_stream *s)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(s->evcon);
	struct evhttp_connection *evcon;

	if (evbuffer_get_length(bufferevent_get_output(bev)) <=
	    s->h->env->conf->output_high_water)
		return 0;
	log_info("HTTP: event stream too slow, output over high water: "
	    "closing");
	evcon = s->evcon;
	evhttp_connection_set_closecb(evcon, NULL, NULL);
	event_active(s->h->reap, EV_TIMEOUT, 0);
	stream_free(s);
	/* Frees the request too. */
	evhttp_connection_free(evcon);
	return 1;
}

static void
stream_send(struct http_stream *s, const char *data, size_t len)
{
	struct evbuffer *chunk = s->h->chunk;

	evbuffer_add(chunk, data, len);
	evhttp_send_reply_chunk(s->req, chunk);
	evbuffer_drain(chunk, evbuffer_get_length(chunk));
}

/* The event frame of a packed match result; NULL if it has none. */
static const char *
sse_frame(struct http *h, const char *mp, size_t len, size_t *flen)
{
	static const char head[] = "event: suggestions\ndata: ";
	struct jsonmp_buf b = { NULL, 0, 0 };
	char err[64];

	if (h->frame != NULL && h->frame_mplen == len &&
	    memcmp(h->frame_mp, mp, len) == 0) {
		*flen = h->framelen;
		return h->frame;
	}
	/* Compact JSON has no newline: the data is one line. */
	if (jsonmp_append(&b, head, sizeof(head) - 1, err,
	    sizeof(err)) == -1 || packed_json(mp, len, &b, NULL) == -1 ||
	    jsonmp_append(&b, "\n\n", 2, err, sizeof(err)) == -1) {
		free(b.data);
		return NULL;
	}
	free(h->frame);
	free(h->frame_mp);
	h->frame = b.data;
	h->framelen = b.len;
	h->frame_mp = xmalloc(len);
	memcpy(h->frame_mp, mp, len);
	h->frame_mplen = len;
	*flen = h->framelen;
	return h->frame;
}

/* feeds.c delivery callback. */
static void
stream_deliver(void *owner, const char *result, size_t len)
{
	struct http_stream *s = owner;
	const char *frame;
	size_t flen;

	if (stream_backlog(s))
		return;
	if ((frame = sse_frame(s->h, result, len, &flen)) != NULL)
		stream_send(s, frame, flen);
}

static void
keepalive(struct http *h)
{
	struct http_stream *s, *next;

	for (s = TAILQ_FIRST(&h->streams); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (!stream_backlog(s))
			stream_send(s, sse_keepalive,
			    sizeof(sse_keepalive) - 1);
	}
}

/* A list query parameter of vocabulary names as a bitmask; absent: all. */
static int
names_mask(struct http *h, struct evhttp_request *req, json_t *params,
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
			http_fail(h, req, 400, RPC_ERR_INVALID_ARGUMENT, field,
			    "unknown %s", v->what);
			return -1;
		}
		*out |= 1u << k;
	}
	return 0;
}

static void
events_route(struct http *h, struct evhttp_request *req,
    const struct route *rt, const struct span *caps, int ncaps,
    const char *query)
{
	struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);
	struct http_stream *s;
	struct bufferevent *bev;
	struct timeval tv;
	uint32_t sectors, sources;
	json_t *params = json_object();
	int bad;

	bad = parse_query(h, req, query, rt->query, params) == -1 ||
	    names_mask(h, req, params, "sectors", &vocab_sector,
	    &sectors) == -1 ||
	    names_mask(h, req, params, "sources", &vocab_source,
	    &sources) == -1;
	json_decref(params);
	if (bad)
		return;
	if (h->nstreams >= (unsigned int)h->env->conf->http.max_streams) {
		http_fail(h, req, 503, RPC_ERR_UNAVAILABLE, NULL,
		    "%u event streams open already (max_streams)",
		    h->nstreams);
		return;
	}
	s = xcalloc(1, sizeof(*s));
	s->h = h;
	s->req = req;
	s->evcon = evhttp_request_get_connection(req);
	TAILQ_INSERT_TAIL(&h->streams, s, entry);
	h->nstreams++;
	evhttp_add_header(hdr, "Content-Type", "text/event-stream");
	evhttp_add_header(hdr, "Cache-Control", "no-cache");
	evhttp_send_reply_start(req, 200, "OK");
	/*
	 * evhttp stops reading once it has the request, so it would notice
	 * a closed stream only when the next event fails to go out.  Read
	 * (and discard, up to a bound) to learn of the close at once; the
	 * idle timeout applies to writing only, since a stream's client
	 * has nothing to send.
	 */
	bev = evhttp_connection_get_bufferevent(s->evcon);
	tv.tv_sec = h->env->conf->http.timeout_s;
	tv.tv_usec = 0;
	bufferevent_set_timeouts(bev, NULL, &tv);
	bufferevent_setwatermark(bev, EV_READ, 0, SSE_INPUT_MAX);
	bufferevent_enable(bev, EV_READ);
	evhttp_connection_set_closecb(s->evcon, stream_closecb, s);
	notify_subscribe(h->env, s, sectors, sources, stream_deliver);
}

/* ------------------------------------------------------------------ */
/* /metrics and the advisers' page                                     */

static void
metrics_route(struct http *h, struct evhttp_request *req,
    const struct route *rt, const struct span *caps, int ncaps,
    const char *query)
{
	struct metrics_http mh;

	reap_conns(h);
	mh.connections = (unsigned int)h->nconns;
	mh.streams = h->nstreams;
	metrics_write(h->env, &mh, evhttp_request_get_output_buffer(req));
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, 200, NULL, NULL);
}

static const char *
content_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot != NULL &&
	    i < sizeof(content_types) / sizeof(content_types[0]); i++)
		if (strcmp(dot, content_types[i].ext) == 0)
			return content_types[i].type;
	return NULL;
}

/*
 * The file of the page dir that path names, opened; -1 when there is
 * none we serve: bad escapes, hidden or ".." segments, a name that
 * resolves outside the directory, not a regular file, an unknown type or
 * over HTTP_FILE_MAX.
 */
static int
open_page_file(struct http *h, const char *path, const char **type,
    off_t *size)
{
	char rel[PATH_MAX], full[PATH_MAX * 2], real[PATH_MAX];
	size_t wlen = strlen(h->www), len;
	struct stat sb;
	const char *seg;
	int fd;

	if (h->www[0] == '\0' || pct_decode(path, strlen(path), 0, rel,
	    sizeof(rel) - sizeof("index.html")) == -1 || rel[0] != '/')
		return -1;
	for (seg = rel; seg != NULL; seg = strchr(seg + 1, '/'))
		if (seg[1] == '.')
			return -1;
	len = strlen(rel);
	if (rel[len - 1] == '/')
		strcat(rel, "index.html");
	snprintf(full, sizeof(full), "%s%s", h->www, rel);
	if (realpath(full, real) == NULL || strncmp(real, h->www, wlen) != 0 ||
	    real[wlen] != '/' || (*type = content_type(real)) == NULL)
		return -1;
	if ((fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > HTTP_FILE_MAX) {
		close(fd);
		return -1;
	}
	*size = sb.st_size;
	return fd;
}

static void
page_file(struct http *h, struct evhttp_request *req, const char *path)
{
	struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const char *type;
	off_t size;
	int fd;

	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(hdr, "Allow", "GET, HEAD");
		reply_error(req, 405, RPC_ERR_UNKNOWN_METHOD,
		    "only GET and HEAD here", NULL);
		return;
	}
	if ((fd = open_page_file(h, path, &type, &size)) == -1) {
		reply_error(req, 404, RPC_ERR_NOT_FOUND, "no such page", NULL);
		return;
	}
	evhttp_add_header(hdr, "Content-Type", type);
	evhttp_add_header(hdr, "Cache-Control", "no-cache");
	evhttp_add_header(hdr, "X-Content-Type-Options", "nosniff");
	if (cmd == EVHTTP_REQ_HEAD) {
		head_length(req, (long long)size);
		close(fd);
	} else if (evbuffer_add_file(evhttp_request_get_output_buffer(req),
	    fd, 0, size) == -1) {
		close(fd);
		reply_error(req, 500, RPC_ERR_INTERNAL, "cannot read the file",
		    NULL);
		return;
	}
	evhttp_send_reply(req, 200, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                           */

static const char *
method_name(enum evhttp_cmd_type cmd)
{
	size_t i;

	for (i = 0; i < NMETHODS; i++)
		if (methods[i].cmd == cmd)
			return methods[i].name;
	return "?";
}

static void
method_not_allowed(struct http *h, struct evhttp_request *req, int allow)
{
	char list[128];
	size_t i, len = 0;

	list[0] = '\0';
	for (i = 0; i < NMETHODS; i++)
		if ((allow & methods[i].cmd) && len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
			    "%s%s", len > 0 ? ", " : "", methods[i].name);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    list);
	http_fail(h, req, 405, RPC_ERR_UNKNOWN_METHOD, NULL,
	    "this resource takes %s", list);
}

static void
http_gencb(struct evhttp_request *req, void *arg)
{
	struct http *h = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct span caps[HTTP_MAX_CAPS];
	int allow = 0, ncaps;
	size_t i;

	if (uri == NULL || (path = evhttp_uri_get_path(uri)) == NULL) {
		reply_error(req, 400, RPC_ERR_INVALID_ARGUMENT,
		    "unreadable request target", NULL);
		return;
	}
	log_debug("HTTP %s %s", method_name(cmd), path);
	if (strncmp(path, "/api/", 5) == 0)
		h->env->stats.requests++;
	for (i = 0; i < NROUTES; i++) {
		if ((ncaps = route_match(routes[i].pattern, path, caps)) < 0)
			continue;
		if (routes[i].method == cmd) {
			routes[i].fn(h, req, &routes[i], caps, ncaps,
			    evhttp_uri_get_query(uri));
			return;
		}
		allow |= routes[i].method;
	}
	if (allow != 0)
		method_not_allowed(h, req, allow);
	else if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0)
		http_fail(h, req, 404, RPC_ERR_NOT_FOUND, NULL,
		    "no such resource");
	else
		page_file(h, req, path);
}

/* ------------------------------------------------------------------ */
/* Server                                                             */

static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct http *h = arg;
	time_t now = time(NULL);

	if (h->starved > 0)
		h->starved--;
	reap_conns(h);
	if (now - h->keepalive_at >= SSE_KEEPALIVE_S) {
		h->keepalive_at = now;
		keepalive(h);
	}
}

void
http_reconf(struct http *h)
{
	const struct conf_http *c = &h->env->conf->http;
	const char *dir = c->www_dir[0] != '\0' ? c->www_dir : MATCHERD_WWWDIR;

	evhttp_set_max_body_size(h->evh,
	    (ev_ssize_t)(c->max_body * HTTP_BODY_SLACK));
	evhttp_set_max_headers_size(h->evh, (ev_ssize_t)c->max_headers);
	evhttp_set_timeout(h->evh, c->timeout_s);
	if (realpath(dir, h->www) == NULL) {
		log_info("HTTP: no advisers' page: %s: %s", dir,
		    strerror(errno));
		h->www[0] = '\0';
	}
	accept_update(h);
}

struct http *
http_new(struct matcherd *env)
{
	const struct conf_addr *a = &env->conf->http.listen;
	struct evhttp_bound_socket *bound;
	struct timeval tv = { 1, 0 };
	struct http *h;

	h = xcalloc(1, sizeof(*h));
	h->env = env;
	TAILQ_INIT(&h->reqs);
	TAILQ_INIT(&h->streams);
	if ((h->evh = evhttp_new(env->base)) == NULL ||
	    (h->chunk = evbuffer_new()) == NULL)
		fatalx("HTTP: out of memory");
	evhttp_set_gencb(h->evh, http_gencb, h);
	evhttp_set_bevcb(h->evh, conn_bevcb, h);
	/* Every method reaches us, so that a wrong one gets 405 and Allow. */
	evhttp_set_allowed_methods(h->evh, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_PATCH |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	    EVHTTP_REQ_CONNECT);
	/* Read a refused body to its end, so the client sees the 413. */
	evhttp_set_flags(h->evh, EVHTTP_SERVER_LINGERING_CLOSE);
	h->reap = event_new(env->base, -1, 0, reap_cb, h);
	h->tick = event_new(env->base, -1, EV_PERSIST, tick_cb, h);
	h->keepalive_at = time(NULL);
	if ((bound = evhttp_bind_socket_with_handle(h->evh, a->host,
	    (ev_uint16_t)a->port)) == NULL) {
		log_warn("HTTP listen %s:%d", a->host, a->port);
		evhttp_free(h->evh);
		event_free(h->reap);
		event_free(h->tick);
		evbuffer_free(h->chunk);
		free(h);
		return NULL;
	}
	h->listener = evhttp_bound_socket_get_listener(bound);
	evconnlistener_set_error_cb(h->listener, accept_error_cb);
	the_http = h;
	http_reconf(h);
	evtimer_add(h->tick, &tv);
	log_info("HTTP API listening on %s:%d", a->host, a->port);
	return h;
}

void
http_free(struct http *h)
{
	struct http_stream *s;
	struct http_req *r;
	size_t i;

	if (h == NULL)
		return;
	/* evhttp_free() frees the requests; forget ours first. */
	while ((r = TAILQ_FIRST(&h->reqs)) != NULL) {
		evhttp_connection_set_closecb(r->evcon, NULL, NULL);
		pending_detach(r->pending);
		req_free(r);
	}
	while ((s = TAILQ_FIRST(&h->streams)) != NULL) {
		evhttp_connection_set_closecb(s->evcon, NULL, NULL);
		stream_free(s);
	}
	evhttp_free(h->evh);
	for (i = 0; i < h->nconns; i++)
		bufferevent_decref(h->conns[i].bev);
	event_free(h->reap);
	event_free(h->tick);
	evbuffer_free(h->chunk);
	free(h->conns);
	free(h->frame);
	free(h->frame_mp);
	free(h);
	the_http = NULL;
}
