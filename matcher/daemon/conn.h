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
#include <msgpack.h>

struct matcherd;
struct conn;

/* peer: "host:port" for the log; host: the address alone. */
struct conn	*conn_new(struct matcherd *, struct bufferevent *,
		    const char *peer, const char *host);
/* Connections open from host (max_clients_per_address). */
int		 conn_count_host(const char *host);
/*
 * The error notification [2, "error", [{code, message, field: nil}]]
 * into sb (initialised by the caller): a stream error's, or a refusal's.
 */
void		 conn_pack_error(msgpack_sbuffer *sb, int code, const char *msg);
/* Close now (after flushing what is written), logging reason once. */
void		 conn_close(struct conn *, const char *reason);
void		 conn_free_all(void);
/* Bytes held for all clients: input buffers, unsent output. */
void		 conn_buffers(size_t *input, size_t *output);
const char	*conn_peer(const struct conn *);
/*
 * notify.c delivery callback (owner is the conn): queue the notification
 * [2, event, [payload]].  A client whose unsent output passes the
 * high-water mark is closed rather than buffered without end.
 */
void		 conn_push(void *conn, const char *event, const char *payload,
		    size_t len);

#endif
