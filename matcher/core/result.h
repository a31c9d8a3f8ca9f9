/*
 * The match result as it goes on the wire, into Redis and to subscribers:
 * one encoding, made once per match (proto/PROTOCOL.md "Match result").
 * Reasons are written here, for the shown candidates only: every one in
 * "reasons" (the advisers'), and again the job-fit ones in "fit", which
 * the other views show (matcher/daemon/view.c).  Pure.
 */
#ifndef MATCHER_RESULT_H
#define MATCHER_RESULT_H

#include <stdint.h>

#include <msgpack.h>

#include "candidate.h"
#include "clause.h"
#include "rank.h"

/*
 * What the result says besides the ranking, computed by the caller:
 * the clause status of a clause offer's operation, and the offer this one
 * may repeat.  Zeroed means neither.
 */
struct result_context {
	int		 has_clause;	/* clause is set */
	struct clause_status clause;
	/* Id of an offer this one may duplicate; "" for none. */
	char		 possible_duplicate_of[RECORD_ID_MAX + 1];
};

/*
 * One scored pair's five keys (score, distance_km, components, reasons,
 * fit), into a map the caller opened: for an offer's suggestions and a
 * person's offers (reverse.h) alike.
 */
void	result_pack_scored(msgpack_packer *pk, const struct score_query *q,
	    const struct index *idx, uint32_t slot,
	    const struct score_result *r);

/* A distance as results give it: km to 0.1. */
double	result_round_km(double km);

/*
 * "commune": the INSEE code of the person's home, nil when given by
 * lat/lon: for the advisers' map; the other views leave it out (view.c).
 */
void	result_pack_commune(msgpack_packer *pk, const struct index *idx,
	    uint32_t slot);

/* ctx may be NULL: no clause status, no possible duplicate. */
void	result_pack(msgpack_packer *pk, const struct offer *o, int closed,
	    int64_t scored_at, const struct index *idx,
	    const struct score_query *q, const struct match_result *mr,
	    const struct result_context *ctx);

#endif
