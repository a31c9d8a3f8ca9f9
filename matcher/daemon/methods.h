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

#include "users.h"

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
	/* Open before authentication (ping, auth). */
	METHOD_PUBLIC	= 1 << 2,
	/* Reads a person's record: noted in the audit trail, as writes are. */
	METHOD_AUDIT	= 1 << 3,
};

/* The roles a method is open to: 1u << enum user_role, or'ed. */
#define METHOD_ROLE(r)	(1u << (r))

struct method {
	const char	*name;
	method_fn	*fn;
	unsigned	 flags;
	unsigned	 roles;
};

/* The method called name, or NULL. */
const struct method *methods_find(const char *name, size_t len);
void		 methods_dispatch(struct matcherd *, struct pending *,
		    const char *name, size_t len, const msgpack_object *params);
/*
 * What the request's user may see and act on.  With [auth] required =
 * no, an unauthenticated client is taken as an administrator.
 */
enum user_role	 methods_role(const struct matcherd *, const struct pending *);
uint32_t	 methods_sectors(const struct matcherd *,
		    const struct pending *);
/*
 * 0 if the user may act on a record of sector (one of sectors, for
 * methods_sectors_ok), else -1 after answering forbidden naming field.
 */
int		 methods_sector_ok(struct matcherd *, struct pending *,
		    int sector, const char *field);
int		 methods_sectors_ok(struct matcherd *, struct pending *,
		    uint32_t sectors, const char *field);

/*
 * Check a Redis reply for the method named what; on failure answer p
 * (store_reply_check()) and return -1.
 */
int		 methods_reply_ok(struct pending *, const redisReply *,
		    const char *what);

#endif
