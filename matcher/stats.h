/*
 * Daemon counters reported by the "stats" method: requests, errors by
 * code, offers scored, suggestions made.
 */
#ifndef MATCHER_STATS_H
#define MATCHER_STATS_H

#include <stdint.h>

#include "rpc.h"

struct stats {
	uint64_t	requests;
	uint64_t	errors[RPC_ERR_COUNT];
	uint64_t	offers_scored;
	uint64_t	suggestions;
	uint64_t	pushes;
	uint32_t	clients;
	uint32_t	subscribers;
	double		score_us_total;		/* in-process ranking time */
};

#endif
