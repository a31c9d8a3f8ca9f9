/*
 * The MessagePack-RPC methods (proto/PROTOCOL.md): one table of {name,
 * handler, flags}, as Redis's command table, and the checks every method
 * shares, made once here before the handler runs.  The HTTP API calls the
 * same table.  The handlers live in one file per family (method_*.c).
 */
#ifndef MATCHER_METHODS_H
#define MATCHER_METHODS_H

#include <stddef.h>

#include <hiredis/hiredis.h>
#include <msgpack.h>

struct matcherd;
struct pending;

/* params is the request's map, or NULL for "[]". Borrowed for the call. */
typedef void method_fn(struct matcherd *, struct pending *,
    const msgpack_object *params);

enum method_flags {
	/* Answered from Redis: "unavailable" at once while it is down. */
	METHOD_REDIS	= 1 << 0,
	/* Changes what Redis holds (a state-changing request). */
	METHOD_WRITE	= 1 << 1,
};

struct method {
	const char	*name;
	method_fn	*fn;
	unsigned	 flags;
};

/* The method called name, or NULL. */
const struct method *methods_find(const char *name, size_t len);
void		 methods_dispatch(struct matcherd *, struct pending *,
		    const char *name, size_t len, const msgpack_object *params);
/*
 * Check a Redis reply for the method named what; on failure answer p
 * (store_reply_check()) and return -1.
 */
int		 methods_reply_ok(struct pending *, const redisReply *,
		    const char *what);

#endif
