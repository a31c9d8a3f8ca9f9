/*
 * The match result as it goes on the wire, into Redis and to subscribers:
 * one encoding, made once per match (proto/PROTOCOL.md "Match result").
 * Reasons are written here, for the shown candidates only.  Pure.
 */
#ifndef MATCHER_RESULT_H
#define MATCHER_RESULT_H

#include <stdint.h>

#include <msgpack.h>

#include "rank.h"

void	result_pack(msgpack_packer *pk, const struct offer *o, int closed,
	    int64_t scored_at, const struct index *idx,
	    const struct score_query *q, const struct match_result *mr);

#endif
