/*
 * One client connection: reads MessagePack-RPC requests through the
 * bounded framer, hands them to handlers.c, and writes the responses in
 * request order even when some wait for Redis and others do not.
 *
 * A request is a struct pending.  Handlers answer it with pending_result()
 * or pending_error(), now or later.  A handler that waits for Redis takes
 * a hold (pending_hold) and drops it in its callback (pending_release);
 * the pending outlives its connection until then, so a callback never
 * touches freed memory, and a deadline timer answers "unavailable" if
 * Redis does not answer in time.
 */
#ifndef MATCHER_CONN_H
#define MATCHER_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <event2/bufferevent.h>

#include "rpc.h"

struct matcherd;
struct conn;
struct pending;

struct conn	*conn_new(struct matcherd *, struct bufferevent *,
		    const char *peer);
/* Close now (after flushing what is written), logging reason once. */
void		 conn_close(struct conn *, const char *reason);
void		 conn_free_all(void);
const char	*conn_peer(const struct conn *);
/*
 * feeds.c delivery callback (owner is the conn): queue the notification
 * [2, "suggestions", [result]].  A client whose unsent output passes the
 * high-water mark is closed rather than buffered without end.
 */
void		 conn_push_suggestions(void *conn, const char *result,
		    size_t len);

/*
 * A request that did not come from a MessagePack-RPC connection (the HTTP
 * API): its answer goes to sink instead of a socket.  On success code is
 * -1 and result/len hold the packed result object; on error code is the
 * error and message/field describe it.  The sink is called at most once.
 */
typedef void pending_sink(void *arg, int code, const char *result,
    size_t len, const char *message, const char *field);
struct pending	*pending_new_sink(struct matcherd *, pending_sink *,
		    void *arg);
/*
 * The sink's owner went away (client disconnected): drop the answer when
 * it comes.
 */
void		 pending_detach_sink(struct pending *);

/* Answer a request with a packed result object. */
void		 pending_result(struct pending *, const char *buf, size_t len);
void		 pending_error(struct pending *, enum rpc_errcode,
		    const char *field, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
/* 1 once the request was answered (or its connection closed). */
int		 pending_answered(const struct pending *);
void		 pending_hold(struct pending *);
void		 pending_release(struct pending *);
/*
 * Subscribe the request's client to suggestions (MessagePack-RPC
 * connections only); -1 if the request has no connection that can
 * receive notifications.
 */
int		 pending_subscribe(struct pending *, uint32_t sectors,
		    uint32_t sources);

#endif
