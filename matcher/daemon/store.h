/*
 * The Redis edge: one hiredis async connection on the daemon's event loop,
 * reconnected with backoff when it drops.  Commands are sent as argv
 * vectors (struct redis_cmd, binary-safe) that records.c fills.
 *
 * Deadlines (docs/REDIS.md, "What unavailable means"): a command sent
 * with one is answered by the store itself with a TIMEOUT error when
 * Redis has not answered by then, and a write is sent as the deadline
 * script (redis_txn.h), which Redis refuses once the deadline, read on
 * its own clock, has passed: a write answered "unavailable" never lands.
 * Commands waiting for Redis are bounded in number and bytes ([redis]
 * max_pending, max_pending_mb); past that, new ones fail at once.
 *
 * Ownership: a reply passed to a store_cb is valid only during the call
 * (hiredis frees it afterwards); copy what you need.  reply is NULL when
 * the command could not be completed (connection lost).
 */
#ifndef MATCHER_STORE_H
#define MATCHER_STORE_H

#include <stddef.h>
#include <stdint.h>

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

/* The monotonic clock deadlines are read on, in microseconds. */
int64_t		 store_now_us(void);
/* Now plus [redis] timeout_ms: the deadline of work with no client. */
int64_t		 store_deadline_us(const struct store *);
/*
 * A deadline on Redis's clock (Unix ms) for a script that checks it
 * itself (lua_deadline.h): earlier than ours by the margin a reply needs
 * to come back, so that Redis refuses what we would time out.
 */
long long	 store_redis_deadline_ms(const struct store *, int64_t deadline);

/*
 * Send one command (store_send) or a transaction: store_begin() opens
 * it, store_queue() adds commands (copied: borrowed bytes need live only
 * until then), store_commit() sends it and cb gets one reply per command
 * (as EXEC gives).  Both consume the command.  deadline is a
 * store_now_us() time, or 0 for none (a transaction with an EVAL inside
 * cannot carry it to Redis: its callers must be safe to retry).
 *
 * They never fail at once: when Redis is not connected, cb gets a NULL
 * reply on the next turn of the loop, as when the connection drops while
 * the command is out; past the deadline or the bounds, an error reply
 * that store_reply_check() calls unavailable.  Callers have one path.
 */
void		 store_send(struct store *, struct redis_cmd *,
		    int64_t deadline, store_cb *cb, void *arg);
void		 store_begin(struct store *);
void		 store_queue(struct store *, struct redis_cmd *);
void		 store_commit(struct store *, int64_t deadline, store_cb *cb,
		    void *arg);

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

/* What /metrics shows of the deadlines and bounds. */
struct store_counters {
	unsigned long long	 expired;	/* answered TIMEOUT here */
	unsigned long long	 late_writes;	/* ... that Redis ran anyway */
	unsigned long long	 refused;	/* over the bounds */
	size_t			 waiting;	/* commands out now */
	size_t			 waiting_bytes;
};
void		 store_counters(const struct store *, struct store_counters *);

#endif
