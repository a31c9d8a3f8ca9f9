/*
 * The MessagePack-RPC methods (proto/PROTOCOL.md): a table of
 * {name, handler}, each handler checking its parameters, calling the pure
 * core and the store, and answering through conn.h's pending API.
 */
#ifndef MATCHER_HANDLERS_H
#define MATCHER_HANDLERS_H

#include <stddef.h>

#include <msgpack.h>

struct matcherd;
struct pending;

/* params is the request's map, or NULL for "[]". Borrowed for the call. */
void	handlers_dispatch(struct matcherd *, struct pending *,
	    const char *method, size_t method_len,
	    const msgpack_object *params);

#endif
