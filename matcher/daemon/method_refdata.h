/*
 * refdata.communes (proto/PROTOCOL.md): the public reference data of
 * communes, for the advisers' map.
 */
#ifndef MATCHER_METHOD_REFDATA_H
#define MATCHER_METHOD_REFDATA_H

#include <msgpack.h>

struct matcherd;
struct pending;

/* Most codes one call may ask for. */
#define METHOD_REFDATA_COMMUNES_MAX	500

void	method_refdata_communes(struct matcherd *, struct pending *,
	    const msgpack_object *params);

#endif
