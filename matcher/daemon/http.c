/*
 * The HTTP/JSON API's server: one evhttp server, the accounting of its
 * connections and the max_connections bound, and the general callback
 * that checks each request's Host and Origin, then hands it to the routes
 * (http_routes.c), or to the advisers' page (http_static.c) when no
 * route's path matches.  The reply and decoding primitives of
 * http_priv.h live here too: every http_*.c file answers through them.
 */
#include <sys/queue.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>	/* the request's HTTP version */
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <jansson.h>
#include <msgpack.h>

#include "frame.h"
#include "http.h"
#include "http_events.h"
#include "http_guard.h"
#include "http_priv.h"
#include "http_routes.h"
#include "http_static.h"
#include "jsonmp.h"
#include "listener.h"
#include "log.h"
#include "tls.h"
#include "matcherd.h"
#include "mpobj.h"
#include "xmalloc.h"

/*
 * evhttp's own bounds, this many times ours: the guard (http_guard.c)
 * refuses first, with the JSON errors of docs/HTTP.md.
 */
#define HTTP_BODY_SLACK		2

static const char json_content_type[] = "application/json; charset=utf-8";

/*
 * Connections accepted past max_connections, to be answered 503 rather
 * than left in the listen queue; past these the listener waits.
 */
#define HTTP_REFUSE_SLOTS	32

/* A connection evhttp accepted; we hold a reference on its bufferevent. */
struct http_conn {
	struct bufferevent	*bev;
	struct http_guard	*guard;
	int			 nodelay;	/* TCP_NODELAY set */
	struct sockaddr_storage	 peer;
	int			 has_peer;
};

struct http {
	struct matcherd		*env;
	struct evhttp		*evh;
	struct listener		*limits;	/* its accept pause */
	struct http_conn	*conns;
	size_t			 nconns, capconns;
	struct http_guard_limits guard;
	struct event		*reap;		/* reap_conns() soon */
	struct event		*tick;		/* every second */
	struct http_routes	*routes;
	struct http_events	*events;
	struct http_static	*page;
};

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

/* ------------------------------------------------------------------ */
/* Replies                                                            */

static void
free_cleanup(const void *data, size_t len, void *arg)
{
	free((void *)data);
}

void
http_head_length(struct evhttp_request *req, long long len)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", len);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Length", buf);
}

/* libevent 2.1 has no phrase for 421 (RFC 9110, 15.5.20). */
static const char *
status_phrase(int status)
{
	return status == 421 ? "Misdirected Request" : NULL;
}

/* evhttp would send a body even to HEAD: not ours. */
void
http_reply_text(struct evhttp_request *req, int status, char *text,
    size_t len)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", json_content_type);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		http_head_length(req, (long long)len);
		free(text);
	} else if (evbuffer_add_reference(evhttp_request_get_output_buffer(req),
	    text, len, free_cleanup, NULL) == -1)
		free(text);
	evhttp_send_reply(req, status, status_phrase(status), NULL);
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

void
http_reply_error(struct evhttp_request *req, int status,
    enum rpc_errcode code, const char *message, const char *field)
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
	http_reply_text(req, status, text, strlen(text));
}

void
http_fail(struct matcherd *env, struct evhttp_request *req, int status,
    enum rpc_errcode code, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	env->stats.errors[code]++;
	http_reply_error(req, status, code, msg, field);
}

int
http_packed_json(const char *buf, size_t len, struct jsonmp_buf *out,
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

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* evhttp's own decoder passes bad escapes and NUL bytes through. */
int
http_pct_decode(const char *s, size_t len, int plus, char *out, size_t outsz)
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
 * held (listener.c): further clients wait in the kernel's listen queue
 * until a connection closes, instead of costing a descriptor and buffers
 * each.
 */
static void
accept_update(struct http *h)
{
	int full;

	full = h->nconns >= (size_t)h->env->conf->http.max_connections +
	    HTTP_REFUSE_SLOTS;
	if (full && listener_accepting(h->limits))
		log_debug("HTTP: %zu connections, not accepting", h->nconns);
	listener_set_full(h->limits, full);
}

void
http_reap_soon(struct http *h)
{
	event_active(h->reap, EV_TIMEOUT, 0);
}

static struct bufferevent *
conn_bevcb(struct event_base *base, void *arg)
{
	struct http *h = arg;
	struct bufferevent *bev;
	struct http_conn *c;

	/* evhttp sets the socket later; with TLS the handshake starts then. */
	if ((bev = tls_bufferevent(base, -1, BEV_OPT_CLOSE_ON_FREE, 1)) == NULL)
		fatalx("HTTP: cannot create a bufferevent");
	if (h->nconns == h->capconns) {
		h->capconns = h->capconns ? h->capconns * 2 : 64;
		h->conns = xreallocarray(h->conns, h->capconns,
		    sizeof(*h->conns));
	}
	c = &h->conns[h->nconns++];
	memset(c, 0, sizeof(*c));
	c->guard = http_guard_new(base, bev, &h->guard);
	bufferevent_incref(bev);
	c->bev = bev;
	accept_update(h);
	/* evhttp sets the socket after this returns: TCP_NODELAY then. */
	http_reap_soon(h);
	return bev;
}

/* Live connections from c's address, c included. */
static size_t
conns_from(const struct http *h, const struct http_conn *c)
{
	const struct sockaddr_storage *a = &c->peer, *b;
	size_t i, n = 0;

	for (i = 0; i < h->nconns; i++) {
		b = &h->conns[i].peer;
		if (!h->conns[i].has_peer || http_guard_refused(
		    h->conns[i].guard) || b->ss_family != a->ss_family)
			continue;
		if ((a->ss_family == AF_INET && memcmp(
		    &((const struct sockaddr_in *)a)->sin_addr,
		    &((const struct sockaddr_in *)b)->sin_addr,
		    sizeof(struct in_addr)) == 0) ||
		    (a->ss_family == AF_INET6 && memcmp(
		    &((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr,
		    sizeof(struct in6_addr)) == 0))
			n++;
	}
	return n;
}

/*
 * A connection whose socket evhttp has just set: TCP_NODELAY, and the
 * bounds, which are known only now (the peer's address).  *live counts
 * the connections not refused.
 */
static void
conn_started(struct http *h, struct http_conn *c, evutil_socket_t fd,
    size_t *live)
{
	const struct conf_http *conf = &h->env->conf->http;
	socklen_t len = sizeof(c->peer);
	char msg[96];

	listener_nodelay(fd);
	c->nodelay = 1;
	if (getpeername(fd, (struct sockaddr *)&c->peer, &len) == 0)
		c->has_peer = 1;
	if (*live > (size_t)conf->max_connections) {
		snprintf(msg, sizeof(msg), "the server has %d connections "
		    "open, its most: try again later", conf->max_connections);
		http_guard_refuse(c->guard, 503, "unavailable", msg);
		(*live)--;
		return;
	}
	if (c->has_peer && conf->max_connections_per_address > 0 &&
	    conns_from(h, c) > (size_t)conf->max_connections_per_address) {
		snprintf(msg, sizeof(msg), "%d connections from your address "
		    "are open, its most", conf->max_connections_per_address);
		http_guard_refuse(c->guard, 503, "unavailable", msg);
		(*live)--;
	}
}

/* Drop the connections evhttp has freed; bound and set up new ones. */
static void
reap_conns(struct http *h)
{
	struct http_conn *c;
	bufferevent_event_cb eventcb;
	evutil_socket_t fd;
	size_t i = 0, live = 0;

	while (i < h->nconns) {
		c = &h->conns[i];
		bufferevent_getcb(c->bev, NULL, NULL, &eventcb, NULL);
		if (eventcb == NULL) {
			http_guard_free(c->guard);
			bufferevent_decref(c->bev);
			*c = h->conns[--h->nconns];
			continue;
		}
		if (!http_guard_refused(c->guard))
			live++;
		i++;
	}
	for (i = 0; i < h->nconns; i++) {
		c = &h->conns[i];
		if (!c->nodelay && (fd = bufferevent_getfd(c->bev)) != -1)
			conn_started(h, c, fd, &live);
	}
	accept_update(h);
}

static void
reap_cb(evutil_socket_t fd, short ev, void *arg)
{
	reap_conns(arg);
}

void
http_closed(struct http *h, struct evhttp_request *req)
{
	/* libevent 2.1 leaves a request it disowned to us. */
	if (evhttp_request_get_connection(req) == NULL)
		evhttp_request_free(req);
	http_reap_soon(h);
}

unsigned int
http_connections(struct http *h)
{
	reap_conns(h);
	return (unsigned int)h->nconns;
}

/* ------------------------------------------------------------------ */
/* Host and Origin                                                    */

/*
 * s[0..len), brackets optional, as an IPv6 address: 0, or -1 when it is
 * not one.
 */
static int
v6_of(const char *s, size_t len, struct in6_addr *out)
{
	char buf[INET6_ADDRSTRLEN];

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(buf) || memchr(s, ':', len) == NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1 ? 0 : -1;
}

/*
 * Whether hosts a and b are one: IPv6 addresses as addresses (so that
 * [::1] is [0:0::1]), names without regard to case.
 */
static int
same_host(const char *a, size_t alen, const char *b, size_t blen)
{
	struct in6_addr x, y;

	if (v6_of(a, alen, &x) == 0 && v6_of(b, blen, &y) == 0)
		return memcmp(&x, &y, sizeof(x)) == 0;
	return alen == blen && strncasecmp(a, b, alen) == 0;
}

/* Whether s[0..len), a host without its port, is one we serve. */
static int
host_served(struct http *h, const char *s, size_t len)
{
	const struct conf_http *c = &h->env->conf->http;
	const char *p = c->hosts;
	size_t n;

	if (len == 0)
		return 0;
	if (same_host(c->listen.host, strlen(c->listen.host), s, len))
		return 1;
	/* conf.c checked the list: names and [v6] literals, blank-separated. */
	for (;;) {
		p += strspn(p, " \t\r\n\f\v");
		if (*p == '\0')
			return 0;
		n = strcspn(p, " \t\r\n\f\v");
		if (same_host(p, n, s, len))
			return 1;
		p += n;
	}
}

/*
 * Whether authority s[0..len), "host" or "host:port" with an IPv6 host
 * in brackets (a Host header, or an Origin after its scheme), names a
 * host we serve.  Anything else, a path or user information, does not.
 */
static int
authority_served(struct http *h, const char *s, size_t len)
{
	const char *end = s + len, *port, *d;

	if (len > 0 && s[0] == '[') {
		if ((port = memchr(s, ']', len)) == NULL)
			return 0;
		port++;
	} else if ((port = memchr(s, ':', len)) == NULL)
		port = end;
	if (port < end) {
		if (*port != ':')
			return 0;
		for (d = port + 1; d < end; d++)
			if (!isdigit((unsigned char)*d))
				return 0;
	}
	return host_served(h, s, (size_t)(port - s));
}

/* An Origin of a page of ours: http:// or https:// a host we serve. */
static int
origin_served(struct http *h, const char *origin)
{
	size_t n;

	if (strncasecmp(origin, "http://", 7) == 0)
		n = 7;
	else if (strncasecmp(origin, "https://", 8) == 0)
		n = 8;
	else
		return 0;	/* "null" too: a sandboxed or file: page */
	return authority_served(h, origin + n, strlen(origin + n));
}

/* Longest part of a client's header that a message repeats. */
#define SHOWN_MAX	64

/*
 * What a client sent, fit for a message: at most SHOWN_MAX printable
 * ASCII characters, any other byte as '?'.
 */
static void
shown(const char *s, char out[SHOWN_MAX + 4])
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < SHOWN_MAX; i++)
		out[i] = (unsigned char)s[i] > 0x20 &&
		    (unsigned char)s[i] < 0x7f ? s[i] : '?';
	if (s[i] != '\0') {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

/*
 * Serve only the hosts of [http] hosts, so that a page of another name
 * made to resolve to us (DNS rebinding) reaches nothing; and no request
 * but GET and HEAD from a page of another origin (cross-site request
 * forgery).  Returns 0 to serve the request, -1 once it is refused.
 */
static int
check_host_origin(struct http *h, struct evhttp_request *req,
    const struct evhttp_uri *uri)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const char *host = NULL, *origin = NULL, *target;
	struct evkeyval *kv;
	int nhost = 0, norigin = 0;
	char what[SHOWN_MAX + 4];

	TAILQ_FOREACH(kv, in, next) {
		if (strcasecmp(kv->key, "Host") == 0) {
			host = kv->value;
			nhost++;
		} else if (strcasecmp(kv->key, "Origin") == 0) {
			origin = kv->value;
			norigin++;
		}
	}
	/* RFC 9112, 3.2: one Host, which HTTP/1.1 may not leave out. */
	if (nhost > 1 || (nhost == 0 && (req->major > 1 ||
	    (req->major == 1 && req->minor >= 1)))) {
		http_fail(h->env, req, 400, RPC_ERR_INVALID_ARGUMENT, NULL,
		    nhost > 1 ? "more than one Host header" :
		    "an HTTP/1.1 request needs a Host header");
		return -1;
	}
	if (host != NULL && !authority_served(h, host, strlen(host))) {
		shown(host, what);
		http_fail(h->env, req, 421, RPC_ERR_FORBIDDEN, NULL,
		    "host %s is not served here", what);
		return -1;
	}
	/*
	 * An absolute target's host is the request's (RFC 9112, 3.2.2).
	 * Without a scheme it is no such target: evhttp reads the path
	 * //etc/passwd as host etc.
	 */
	if (evhttp_uri_get_scheme(uri) != NULL &&
	    (target = evhttp_uri_get_host(uri)) != NULL &&
	    !host_served(h, target, strlen(target))) {
		shown(target, what);
		http_fail(h->env, req, 421, RPC_ERR_FORBIDDEN, NULL,
		    "host %s is not served here", what);
		return -1;
	}
	/*
	 * Browsers send Origin with every request but GET and HEAD, the
	 * ones that change nothing; clients that are no browser (curl, a
	 * script) send none, and a page cannot make a browser leave it out.
	 */
	if (cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD || norigin == 0)
		return 0;
	if (norigin > 1 || !origin_served(h, origin)) {
		http_fail(h->env, req, 403, RPC_ERR_FORBIDDEN, NULL,
		    "cross-origin request refused");
		return -1;
	}
	return 0;
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
	http_fail(h->env, req, 405, RPC_ERR_UNKNOWN_METHOD, NULL,
	    "this resource takes %s", list);
}

static void
http_gencb(struct evhttp_request *req, void *arg)
{
	struct http *h = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path;
	int allow;

	if (uri == NULL || (path = evhttp_uri_get_path(uri)) == NULL) {
		http_reply_error(req, 400, RPC_ERR_INVALID_ARGUMENT,
		    "unreadable request target", NULL);
		return;
	}
	log_debug("HTTP %s %s", method_name(evhttp_request_get_command(req)),
	    path);
	if (strncmp(path, "/api/", 5) == 0)
		h->env->stats.requests++;
	if (check_host_origin(h, req, uri) == -1)
		return;
	if (http_routes_serve(h->routes, req, path, evhttp_uri_get_query(uri),
	    &allow))
		return;
	if (allow != 0)
		method_not_allowed(h, req, allow);
	else if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0)
		http_fail(h->env, req, 404, RPC_ERR_NOT_FOUND, NULL,
		    "no such resource");
	else
		http_static_serve(h->page, req, path);
}

/* ------------------------------------------------------------------ */
/* Server                                                             */

static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct http *h = arg;

	reap_conns(h);
	http_events_tick(h->events);
}

void
http_reconf(struct http *h)
{
	const struct conf_http *c = &h->env->conf->http;

	h->guard.max_body = c->max_body;
	h->guard.max_headers = c->max_headers;
	h->guard.request_timeout_s = c->request_timeout_s;
	/* The guard answers first; evhttp's own bounds are a backstop. */
	evhttp_set_max_body_size(h->evh,
	    (ev_ssize_t)(c->max_body * HTTP_BODY_SLACK));
	evhttp_set_max_headers_size(h->evh,
	    (ev_ssize_t)(c->max_headers * HTTP_BODY_SLACK));
	evhttp_set_timeout(h->evh, c->timeout_s);
	http_static_reconf(h->page, c->www_dir);
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
	if ((h->evh = evhttp_new(env->base)) == NULL)
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
	if ((bound = evhttp_bind_socket_with_handle(h->evh, a->host,
	    (ev_uint16_t)a->port)) == NULL) {
		log_warn("HTTP listen %s:%d", a->host, a->port);
		evhttp_free(h->evh);
		event_free(h->reap);
		event_free(h->tick);
		free(h);
		return NULL;
	}
	h->limits = listener_new(env->base,
	    evhttp_bound_socket_get_listener(bound), "HTTP accept");
	/* No request reaches these before the event loop runs. */
	h->page = http_static_new();
	h->events = http_events_new(h, env);
	h->routes = http_routes_new(h, env, h->events);
	http_reconf(h);
	evtimer_add(h->tick, &tv);
	log_info("HTTP API listening on %s:%d", a->host, a->port);
	return h;
}

void
http_free(struct http *h)
{
	size_t i;

	if (h == NULL)
		return;
	/* evhttp_free() frees the requests; forget ours first. */
	http_routes_free(h->routes);
	http_events_free(h->events);
	listener_free(h->limits);
	evhttp_free(h->evh);
	for (i = 0; i < h->nconns; i++) {
		http_guard_free(h->conns[i].guard);
		bufferevent_decref(h->conns[i].bev);
	}
	event_free(h->reap);
	event_free(h->tick);
	http_static_free(h->page);
	free(h->conns);
	free(h);
}
