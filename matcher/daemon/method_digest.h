/*
 * digest: an adviser's day in their sectors (digest.h), and the clause
 * operations behind their commitment.
 */
#ifndef MATCHER_METHOD_DIGEST_H
#define MATCHER_METHOD_DIGEST_H

#include <msgpack.h>

struct matcherd;
struct pending;

void	method_digest(struct matcherd *, struct pending *,
	    const msgpack_object *params);

#endif
