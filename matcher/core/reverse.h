/*
 * The reverse match (docs/SCORING.md, "Offers for one person"): the open
 * offers one candidate fits, ranked by the same filters and score as an
 * offer's match (score_prepare() and score_candidate_full() per offer,
 * not a second scorer), best first, ties by offer id; and, per filter,
 * how many offers of the person's sectors it excluded.  Pure.
 */
#ifndef MATCHER_REVERSE_H
#define MATCHER_REVERSE_H

#include <stdint.h>

#include <msgpack.h>

#include "proto.h"
#include "score.h"

/* One offer as the caller has it, and whether the person is past
 * "suggested" on it (then it is excluded as already referred). */
struct reverse_offer {
	const struct offer	*offer;		/* as scored */
	int			 referred;
};

struct reverse_hit {
	uint32_t		 i;		/* into the caller's offers */
	struct score_result	 r;
};

struct reverse_result {
	uint32_t		 considered;	/* offers of the person's sectors */
	uint32_t		 eligible;
	uint32_t		 excluded[FILTER_COUNT];
	int			 ntop;
	struct reverse_hit	 top[PROTO_LIMIT_MAX];	/* best first */
};

/*
 * Rank offers[0..n) for the candidate in slot; limit is clamped to
 * 1..PROTO_LIMIT_MAX.
 */
void	reverse_match(const struct index *, uint32_t slot,
	    const struct reverse_offer *offers, uint32_t n,
	    const struct conf_matching *, int32_t today, int limit,
	    struct reverse_result *out);

/*
 * The result on the wire: {candidate, considered, eligible, excluded,
 * offers: [{rank, offer: {id, title, employer, sector, rome, commune,
 * contract, start}, score, distance_km, components, reasons, fit}]}.
 */
void	reverse_pack(msgpack_packer *, const struct index *, uint32_t slot,
	    const struct reverse_offer *offers,
	    const struct conf_matching *, int32_t today,
	    const struct reverse_result *);

#endif
