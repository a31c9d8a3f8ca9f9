/*
 * The HTTP/JSON API (docs/HTTP.md): one evhttp server whose routes turn
 * a request into the parameter map of a MessagePack-RPC method and call
 * the same handler through a sink pending (conn.h), plus Server-Sent
 * Events streams fed by notify.c, GET /metrics and the advisers' page.
 */
#ifndef MATCHER_HTTP_H
#define MATCHER_HTTP_H

struct matcherd;
struct http;

/* Listen on env->conf->http.listen; NULL (logged) if that fails. */
struct http	*http_new(struct matcherd *);
/* Apply env->conf after a reload (limits, page directory). */
void		 http_reconf(struct http *);
/* Close every connection; pending answers are dropped. */
void		 http_free(struct http *);

#endif
