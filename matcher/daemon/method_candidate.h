/* Candidate methods: put, get, delete, list, referrals, resolve. */
#ifndef MATCHER_METHOD_CANDIDATE_H
#define MATCHER_METHOD_CANDIDATE_H

#include "methods.h"

method_fn	method_candidate_put;
method_fn	method_candidate_get;
method_fn	method_candidate_delete;
method_fn	method_candidate_list;
method_fn	method_candidate_referrals;
method_fn	method_candidate_resolve;

/*
 * 0 if the user shares a sector with candidate id (or it is unknown:
 * Redis will say not_found), else -1 after answering forbidden.
 */
int	method_candidate_visible(struct matcherd *, struct pending *,
	    const char *id);

/*
 * A stored record map, then the stored identity of reply ir (none if it
 * does not decode, which is logged without its values), with room for
 * extra more pairs.
 */
void	method_candidate_pack_identity(msgpack_packer *,
	    const msgpack_object *record, const redisReply *ir,
	    uint32_t extra);

#endif
