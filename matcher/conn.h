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
/* Subscription state, owned by the conn, managed by feeds.c. */
struct feed_sub	*conn_sub(struct conn *);
void		 conn_set_sub(struct conn *, struct feed_sub *);
const char	*conn_peer(const struct conn *);
/*
 * Queue a notification with a raw payload (one packed msgpack object).
 * A client whose unsent output passes the high-water mark is closed.
 */
void		 conn_notify(struct conn *, const char *method,
		    const char *payload, size_t len);

/* Answer a request with a packed result object. */
void		 pending_result(struct pending *, const char *buf, size_t len);
void		 pending_error(struct pending *, enum rpc_errcode,
		    const char *field, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
/* 1 once the request was answered (or its connection closed). */
int		 pending_answered(const struct pending *);
void		 pending_hold(struct pending *);
void		 pending_release(struct pending *);
struct conn	*pending_conn(const struct pending *);

#endif
