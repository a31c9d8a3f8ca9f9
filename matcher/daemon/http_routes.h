/*
 * The HTTP API's routes (docs/HTTP.md): a table whose rows turn a request
 * into the parameter map of a MessagePack-RPC method and call its handler
 * through a sink pending (conn.h), plus GET /api/events and GET /metrics.
 */
#ifndef MATCHER_HTTP_ROUTES_H
#define MATCHER_HTTP_ROUTES_H

struct evhttp_request;
struct http;
struct http_events;
struct http_routes;
struct matcherd;

struct http_routes	*http_routes_new(struct http *, struct matcherd *,
			    struct http_events *);
/*
 * Answer req by the route of path and req's method: 1 if there is one.
 * Otherwise 0, *allow having the methods of the routes of that path
 * (0: no route has it).
 */
int			 http_routes_serve(struct http_routes *,
			    struct evhttp_request *, const char *path,
			    const char *query, int *allow);
/* Forget the requests waiting for an answer; it is dropped. */
void			 http_routes_free(struct http_routes *);

#endif
