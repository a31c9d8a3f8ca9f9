/*
 * A request being answered: one struct pending per MessagePack-RPC request
 * or HTTP API call, whatever the transport.  A method answers it with
 * pending_result() or pending_error(), now or later; the answer goes to
 * the transport's sink, once.
 *
 * A method that waits for Redis takes a hold (pending_hold) and drops it
 * in its callback (pending_release): the pending outlives its transport
 * until then, so a callback never touches freed memory.  Its Redis
 * commands carry its deadline (pending_deadline), past which the store
 * answers them; a backstop timer answers "unavailable" a second later.
 */
#ifndef MATCHER_PENDING_H
#define MATCHER_PENDING_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "notify.h"
#include "rpc.h"
#include "session.h"

struct matcherd;
struct pending;

/*
 * Where an answer goes.  On success code is -1 and result/len hold the
 * packed result object; on error code is the error and message/field
 * describe it.  Called at most once, possibly inside the method.
 */
typedef void pending_sink(void *owner, int code, const char *result,
    size_t len, const char *message, const char *field);

struct pending	*pending_new(struct matcherd *, pending_sink *, void *owner);
/* The owner went away (client disconnected): drop the answer. */
void		 pending_detach(struct pending *);
/*
 * The transport can push suggestions to its client: subscribe gives
 * owner and deliver to notify.c.
 */
void		 pending_set_subscriber(struct pending *, void *owner,
		    notify_deliver *deliver);

/*
 * Who sends the request: a copy of the transport's session, which
 * pending_login() also updates while the transport is there.
 */
void		 pending_set_session(struct pending *, struct session *);
const struct session *pending_session(const struct pending *);
void		 pending_login(struct pending *, const struct user *);
void		 pending_logout(struct pending *);

/* The daemon the request came to. */
struct matcherd	*pending_env(const struct pending *);

/* When the request arrived (Unix time): the "now" of what it writes. */
int64_t		 pending_now(const struct pending *);

/* Answer with a packed result object. */
void		 pending_result(struct pending *, const char *buf, size_t len);
void		 pending_error(struct pending *, enum rpc_errcode,
		    const char *field, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
/* 1 once the request was answered (or its owner went away). */
int		 pending_answered(const struct pending *);
void		 pending_hold(struct pending *);
void		 pending_release(struct pending *);
/*
 * The deadline (store_now_us() time) of the request's Redis commands:
 * [redis] timeout_ms after its first hold.  The store answers a command
 * past it with TIMEOUT, which methods answer as "unavailable".
 */
int64_t		 pending_deadline(const struct pending *);
/*
 * A hold whose commands carry deadlines of their own (feed.push: one per
 * offer), so that the request as a whole has none.
 */
void		 pending_hold_unbounded(struct pending *);
/*
 * Subscribe the request's client to suggestions, which it receives as
 * view shows them; -1 if its transport cannot receive them.
 */
int		 pending_subscribe(struct pending *, uint32_t sectors,
		    uint32_t sources, const struct view *view);

/* A result being packed, then sent as the answer. */
struct pending_buf {
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
};

void		 pending_buf_init(struct pending_buf *);
/* Answer p with what b holds, and free b. */
void		 pending_buf_answer(struct pending_buf *, struct pending *);

#endif
