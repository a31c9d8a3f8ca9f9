/*
 * Private to the http*.c files, not for main.c: the reply and decoding
 * primitives that the routes, the event streams and the page share (so
 * that every error leaves as the same JSON and is counted alike), and
 * the server's connection accounting, which their close callbacks and
 * /metrics reach into.  http.c defines them all.
 */
#ifndef MATCHER_HTTP_PRIV_H
#define MATCHER_HTTP_PRIV_H

#include <stddef.h>

#include "rpc.h"

struct evhttp_request;
struct http;
struct jsonmp_buf;
struct matcherd;

/* Longest path segment or query parameter, decoded. */
#define HTTP_PART_MAX		1024

/* Send the length of a body a HEAD reply does not carry. */
void	http_head_length(struct evhttp_request *, long long len);
/* Send text, which is ours to free, as the JSON reply. */
void	http_reply_text(struct evhttp_request *, int status, char *text,
	    size_t len);
/* {"error": {"code", "message", "field"}} with status. */
void	http_reply_error(struct evhttp_request *, int status,
	    enum rpc_errcode, const char *message, const char *field);
/* An error found by the HTTP edge rather than a handler: counted alike. */
void	http_fail(struct matcherd *, struct evhttp_request *, int status,
	    enum rpc_errcode, const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
/*
 * Append the packed object at buf to out as JSON text; -1 (logged) if it
 * has none.  When created is not NULL it gets the object's "created"
 * member (false if absent).
 */
int	http_packed_json(const char *buf, size_t len, struct jsonmp_buf *out,
	    int *created);
/*
 * Decode the %XX escapes of s[0..len) (and '+' as a space when plus) into
 * out, NUL-terminated; -1 for a malformed escape, a NUL byte or a result
 * that does not fit.
 */
int	http_pct_decode(const char *s, size_t len, int plus, char *out,
	    size_t outsz);

/* A connection is going away: drop our reference on it soon. */
void		 http_reap_soon(struct http *);
/*
 * What a close callback does for the request req that waited on the
 * connection: free it if evhttp left it to us, and reap soon.
 */
void		 http_closed(struct http *, struct evhttp_request *req);
/* The connections open now (reaped first). */
unsigned int	 http_connections(struct http *);

#endif
