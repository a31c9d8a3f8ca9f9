/*
 * The Redis edge: one hiredis async connection on the daemon's event loop,
 * reconnected with backoff when it drops.  Commands are sent as argv
 * vectors (struct redis_cmd, binary-safe) that records.c fills.  hiredis
 * 0.14 has no command timeout in its libevent adapter, so the deadline of
 * a client request is kept by the request (pending.c), not here.
 *
 * Ownership: a reply passed to a store_cb is valid only during the call
 * (hiredis frees it afterwards); copy what you need.  reply is NULL when
 * the command could not be completed (connection lost).
 */
#ifndef MATCHER_STORE_H
#define MATCHER_STORE_H

#include <stddef.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "conf.h"
#include "redis_cmd.h"

struct store;
typedef void store_cb(void *arg, redisReply *reply);

struct store	*store_new(struct event_base *, const struct conf *);
void		 store_free(struct store *);
/* Apply a reloaded configuration (timeouts; the address needs a restart). */
void		 store_reconf(struct store *, const struct conf *);
int		 store_connected(const struct store *);
const char	*store_prefix(const struct store *);

/*
 * Send one command (store_send) or a transaction: store_begin() sends
 * MULTI, store_queue() queues commands inside it, store_commit() sends
 * EXEC and cb gets the EXEC reply (an array of the commands' replies).
 * The event loop is single-threaded, so no other command slips in
 * between.  Both consume the command.
 *
 * They never fail at once: when Redis is not connected, cb gets a NULL
 * reply on the next turn of the loop, as when the connection drops while
 * the command is out, so callers have one path for "unavailable".
 */
void		 store_send(struct store *, struct redis_cmd *, store_cb *cb,
		    void *arg);
void		 store_begin(struct store *);
void		 store_queue(struct store *, struct redis_cmd *);
void		 store_commit(struct store *, store_cb *cb, void *arg);

/*
 * Check a reply: 0 if Redis did what was asked, else -1 with *code
 * (RPC_ERR_UNAVAILABLE: nothing is known to have been written, the
 * client may retry; RPC_ERR_INTERNAL: Redis refused it, logged) and msg.
 * A NULL reply is a lost connection; a nil EXEC an aborted transaction.
 */
int		 store_reply_check(const redisReply *, const char *what,
		    int *code, char *msg, size_t msglen);
/*
 * The answer to a Redis error reply's text: RPC_ERR_UNAVAILABLE when
 * Redis ran nothing and may later (LOADING, OOM, EXECABORT...), else
 * RPC_ERR_INTERNAL.
 */
int		 store_error_code(const char *err, size_t len);

/* Round-trip latency bookkeeping for stats (microseconds). */
unsigned long long store_commands(const struct store *);
double		 store_mean_latency_us(const struct store *);

#endif
