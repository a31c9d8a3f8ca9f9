/*
 * The HTTP API's Server-Sent Events streams (GET /api/events): each is a
 * notify.c subscriber that gets every match result of its sectors and
 * sources as an event, and a keep-alive comment when nothing happens.
 */
#ifndef MATCHER_HTTP_EVENTS_H
#define MATCHER_HTTP_EVENTS_H

#include <stdint.h>

struct evhttp_request;
struct http;
struct http_events;
struct matcherd;
struct session;

struct http_events	*http_events_new(struct http *, struct matcherd *);
/*
 * Answer req with a stream of the suggestions of those sectors and
 * sources (bitmasks), and the other events of session's user (notify.h),
 * or 503 at [http] max_streams.
 */
void			 http_events_open(struct http_events *,
			    struct evhttp_request *, uint32_t sectors,
			    uint32_t sources, const struct session *);
/* Every second: the keep-alive comments, when they are due. */
void			 http_events_tick(struct http_events *);
/* The streams open now. */
unsigned int		 http_events_count(const struct http_events *);
/* Forget every stream (they close with evhttp). */
void			 http_events_free(struct http_events *);

#endif
