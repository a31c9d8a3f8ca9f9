/*
 * One client connection: reads MessagePack-RPC requests through the
 * bounded framer, hands each to methods.c as a struct pending (pending.h),
 * and writes the responses in request order even when some wait for
 * Redis and others do not.
 */
#ifndef MATCHER_CONN_H
#define MATCHER_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <event2/bufferevent.h>

struct matcherd;
struct conn;

struct conn	*conn_new(struct matcherd *, struct bufferevent *,
		    const char *peer);
/* Close now (after flushing what is written), logging reason once. */
void		 conn_close(struct conn *, const char *reason);
void		 conn_free_all(void);
const char	*conn_peer(const struct conn *);
/*
 * notify.c delivery callback (owner is the conn): queue the notification
 * [2, "suggestions", [result]].  A client whose unsent output passes the
 * high-water mark is closed rather than buffered without end.
 */
void		 conn_push_suggestions(void *conn, const char *result,
		    size_t len);

#endif
