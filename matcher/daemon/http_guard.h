/*
 * A guard on each HTTP connection (docs/HTTP.md, "Limits").  libevent
 * 2.1's evhttp reads a body declared larger than its bound to the end
 * before it answers, and has no timeout on a request that arrives one
 * byte at a time.  The guard watches the bytes as they enter the
 * connection's input buffer (an evbuffer callback, which runs before
 * evhttp reads them), parses just enough of each request's head to know
 * its body's length, and answers itself as soon as it knows:
 *
 *   - a body declared over [http] max_body: 413; a chunked body: 411;
 *   - a request line and headers over [http] max_headers: 431;
 *   - a request not received whole within [http] request_timeout_s of
 *     its first byte: 408;
 *   - a connection refused by http.c (over max_connections, or
 *     max_connections_per_address): 503.
 *
 * A refusal takes the connection from evhttp (its callbacks are put
 * aside), sends a JSON error (the API's shape) with "Connection: close",
 * shuts the write side once it is out, and reads and drops what the
 * client still sends (at most HTTP_GUARD_DRAIN_MAX bytes, for
 * HTTP_GUARD_DRAIN_MS), so that the client reads the answer instead of
 * a reset; then it hands evhttp the end of the stream, which frees the
 * connection as a client's close would.
 */
#ifndef MATCHER_HTTP_GUARD_H
#define MATCHER_HTTP_GUARD_H

#include <stddef.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#define HTTP_GUARD_DRAIN_MAX	(64u << 20)
#define HTTP_GUARD_DRAIN_MS	2000

struct http_guard_limits {
	size_t	 max_body;
	size_t	 max_headers;
	int	 request_timeout_s;
};

struct http_guard;

/*
 * Guard bev, evhttp's bufferevent of one connection.  limits is read at
 * each request: the caller keeps it alive and may change it.  Free the
 * guard before the last reference to bev.
 */
struct http_guard *http_guard_new(struct event_base *,
		    struct bufferevent *bev,
		    const struct http_guard_limits *);
void		 http_guard_free(struct http_guard *);
/* Refuse the connection now: status, then the JSON error of code. */
void		 http_guard_refuse(struct http_guard *, int status,
		    const char *code, const char *message);
/* 1 once refused (it no longer counts as a live connection). */
int		 http_guard_refused(const struct http_guard *);

#endif
