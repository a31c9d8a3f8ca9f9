/*
 * Ranking: walk the posting lists of the offer's ROME code (or domain),
 * score each candidate of the offer's sector and keep the best `limit` in
 * a bounded heap.  Ties are broken by candidate id, so the same data always
 * gives the same ranking.  Pure.
 */
#ifndef MATCHER_RANK_H
#define MATCHER_RANK_H

#include <stdint.h>

#include "proto.h"
#include "score.h"

struct suggestion {
	uint32_t		 slot;
	struct score_result	 r;
};

struct match_result {
	uint32_t		 considered;	/* the sector's pool */
	uint32_t		 eligible;	/* passed every filter */
	uint32_t		 excluded[FILTER_COUNT];
	int			 ntop;
	struct suggestion	 top[PROTO_LIMIT_MAX];	/* best first */
};

/* Rank the index for q; limit is clamped to 1..PROTO_LIMIT_MAX. */
void	rank_offer(const struct index *idx, const struct score_query *q,
	    int limit, struct match_result *out);

#endif
