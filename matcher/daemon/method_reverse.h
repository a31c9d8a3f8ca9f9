/*
 * candidate.match (proto/PROTOCOL.md): the open offers one person fits,
 * from the reverse match of the core (reverse.h).
 */
#ifndef MATCHER_METHOD_REVERSE_H
#define MATCHER_METHOD_REVERSE_H

#include <msgpack.h>

struct matcherd;
struct pending;

void	method_reverse_match(struct matcherd *, struct pending *,
	    const msgpack_object *params);

#endif
