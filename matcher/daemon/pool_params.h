/*
 * The filter parameters of candidate.list (proto/PROTOCOL.md) turned into
 * a struct pool_filter (poolfilter.h): each is checked and, when wrong,
 * the request is answered with invalid_argument naming it.
 */
#ifndef MATCHER_POOL_PARAMS_H
#define MATCHER_POOL_PARAMS_H

#include <msgpack.h>

#include "poolfilter.h"

struct matcherd;
struct pending;

/* Longest list a filter parameter takes (status, licence, criteria). */
#define POOL_PARAMS_LIST_MAX 32

/*
 * Fill *f from params (sectors left to the caller).  0, or -1 after
 * answering the error.
 */
int	pool_params_decode(struct matcherd *, struct pending *,
	    const msgpack_object *params, struct pool_filter *f);

#endif
