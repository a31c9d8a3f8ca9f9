/*
 * The Redis edge: one hiredis async connection on the daemon's event loop,
 * reconnected with backoff when it drops.  Commands are sent as argv
 * vectors (binary-safe).  hiredis 0.14 has no command timeout in its
 * libevent adapter, so the deadline of a client request is kept by the
 * caller (conn.c), not here.
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

struct store;
typedef void store_cb(void *arg, redisReply *reply);

struct store	*store_new(struct event_base *, const struct conf *);
void		 store_free(struct store *);
/* Apply a reloaded configuration (timeouts; the address needs a restart). */
void		 store_reconf(struct store *, const struct conf *);
int		 store_connected(const struct store *);
const char	*store_prefix(const struct store *);

/*
 * Queue a command.  cb (may be NULL) is called once with the reply.
 * Returns -1 without calling cb when Redis is not connected, so the caller
 * can answer "unavailable" at once.
 */
int		 store_command(struct store *, store_cb *cb, void *arg,
		    int argc, const char **argv, const size_t *argvlen);

/*
 * A transaction: store_begin() sends MULTI, store_add() queues commands
 * inside it, store_commit() sends EXEC; cb gets the EXEC reply (an array
 * of the commands' replies).  The event loop is single-threaded, so no
 * other command can slip in between.
 */
int		 store_begin(struct store *);
void		 store_add(struct store *, int argc, const char **argv,
		    const size_t *argvlen);
void		 store_commit(struct store *, store_cb *cb, void *arg);

/* Round-trip latency bookkeeping for stats (microseconds). */
unsigned long long store_commands(const struct store *);
double		 store_mean_latency_us(const struct store *);

#endif
