/*
 * Scoring of one candidate against one offer: hard filters, then a soft
 * score of 0-100 from weighted components, then (for the few candidates
 * that are shown) reasons in French.  Pure: no I/O, no globals, no
 * allocation; the same inputs always give the same result.
 *
 * The rules are documented in docs/SCORING.md; keep the two in step.
 */
#ifndef MATCHER_SCORE_H
#define MATCHER_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "index.h"
#include "offer.h"

/* Hard filters, in the order they are applied (wire name). */
#define FILTER_LIST(X)							\
	X(STATUS, "status")						\
	X(ROME, "rome")							\
	X(ALREADY_REFERRED, "already_referred")				\
	X(CONTRACT, "contract")						\
	X(AVAILABILITY, "availability")					\
	X(AGE, "age")							\
	X(CLAUSE, "clause")						\
	X(LICENCES, "licences")						\
	X(SKILLS, "skills")						\
	X(DISTANCE, "distance")

/* Soft components (wire name). */
#define COMP_LIST(X)							\
	X(JOB, "job")							\
	X(EXPERIENCE, "experience")					\
	X(DISTANCE, "distance")						\
	X(SKILLS, "skills")						\
	X(LEVEL, "level")						\
	X(PRIORITY, "priority")						\
	X(FAIRNESS, "fairness")						\
	X(BARRIERS, "barriers")

#define X_FILTER(s, w) FILTER_##s,
#define X_COMP(s, w) COMP_##s,
enum score_filter { FILTER_LIST(X_FILTER) FILTER_COUNT };
enum score_comp { COMP_LIST(X_COMP) COMP_COUNT };
#undef X_FILTER
#undef X_COMP

const char	*score_filter_name(int);
const char	*score_comp_name(int);

/* Longest reason, in bytes, and most reasons per suggestion. */
#define SCORE_REASON_MAX 160
#define SCORE_MAX_REASONS 10

/*
 * An offer prepared for scoring: everything that does not depend on the
 * candidate, computed once per match.
 */
struct score_query {
	const struct offer		*offer;
	const struct conf_matching	*m;
	int32_t		 today;
	int32_t		 start;		/* offer start, or today */
	int32_t		 latest_available;	/* start + slack */
	int		 rome_id;
	/* The code that scores as "même métier": -1 for ROME 4.0 offers. */
	int		 exact_rome_id;
	int		 dom_first, dom_last;	/* ROME ids searched */
	uint32_t	 sector_bit;
	uint32_t	 contract_bit;
	int		 age_rule;	/* 1: age_min..age_max apply */
	int		 age_min, age_max;
	int		 clause;	/* 1: clause criteria apply */
	uint32_t	 clause_criteria;
	uint32_t	 priority_criteria;
	uint16_t	 licences_required;
	int		 nreq;		/* required skills */
	int		 req[OFFER_MAX_SKILLS];
	int		 req_impossible;	/* a required skill nobody has */
	int		 nwant;
	int		 want[OFFER_MAX_SKILLS];	/* -1: nobody has it */
	double		 max_km;	/* offer's own limit, 0: none */
	/* Department-wide rule: the offer's department number, 0: none. */
	int		 dept;
	double		 lat, lon;
	double		 lat_rad, lon_rad, cos_lat, sin_lat;
	/* Birth-date bounds of the age rule, for integer comparisons. */
	int32_t		 born_max;	/* at least age_min at start */
	int32_t		 born_min;	/* at most age_max at start */
	/* For derived criteria: jeune_peu_qualifie and senior. */
	int32_t		 young_born_after;
	int32_t		 senior_born_by;
	/*
	 * Component weights divided by their sum, for mobile people and for
	 * people without licence B and vehicle (distance weighs more).
	 */
	double		 w_mobile[COMP_COUNT];
	double		 w_walking[COMP_COUNT];
	/* Per-query tables: no division in the per-candidate loop. */
	double		 experience[MONTHS_MAX + 1];	/* by months */
	double		 inv_limit[RADIUS_MAX_KM + 1];	/* by radius_km */
	uint64_t	 want_bits;	/* mask bits of the wanted skills */
	int		 want_bits_exact;	/* one bit per wanted skill */
	/* Candidates already past "suggested" on this offer, sorted slots. */
	const uint32_t	*referred;
	size_t		 nreferred;
};

struct score_result {
	double		 score;		/* 0-100, rounded to 0.1 */
	double		 distance_km;
	double		 comp[COMP_COUNT];	/* each 0-1 */
	int		 rome_id;	/* the candidate's matching code */
	int		 months;	/* experience in it */
	int		 exact;		/* 1: same ROME code, 0: same domain */
	uint32_t	 criteria;	/* with derived ones */
};

/*
 * Prepare q for offer o.  idx resolves skill tags (a required tag that no
 * candidate has makes the offer impossible to fill, cheaply).  referred
 * (sorted slots, may be NULL) is borrowed for the life of q.
 */
void	score_prepare(struct score_query *q, const struct offer *o,
	    const struct index *idx, const struct conf_matching *m,
	    int32_t today, const uint32_t *referred, size_t nreferred);

/* What score_candidate() returns for an eligible candidate. */
#define SCORE_ELIGIBLE (-1)

/*
 * Score the candidate in slot of idx.  Returns the first hard filter that
 * excludes it (enum score_filter), or SCORE_ELIGIBLE with *res filled.
 * Does not apply the sector and status filters, which the ranker counts
 * in bulk; score_candidate_full() does.
 */
int	score_candidate(const struct score_query *q, const struct index *idx,
	    uint32_t slot, struct score_result *res);
/*
 * What score_candidate_bounded() returns for an eligible candidate whose
 * score cannot reach `floor`: counted as eligible, not scored.
 */
#define SCORE_PRUNED (-2)

/*
 * The ranker's variant: an eligible candidate whose best possible score is
 * below floor is not scored in full (no haversine, no components) and
 * SCORE_PRUNED is returned.  With floor < 0 it is score_candidate().
 */
int	score_candidate_bounded(const struct score_query *q,
	    const struct index *idx, uint32_t slot, double floor,
	    struct score_result *res);
/*
 * The ranker's entry point, from a posting entry: it knows which of the
 * candidate's codes matches (rome_id, with `months` experience) and has
 * the candidate's key at hand, so the record itself is read only for
 * candidates that can still make the list.
 */
int	score_entry(const struct score_query *q, const struct index *idx,
	    uint32_t slot, const struct cand_key *k, int rome_id, int months,
	    double floor, struct score_result *res);
/* Same with the sector, status and ROME filters: for tests and tools. */
int	score_candidate_full(const struct score_query *q,
	    const struct index *idx, uint32_t slot, struct score_result *res);

/*
 * Two pieces of the hard filters, for the advisers' tools (gap.c), which
 * ask which requirement a candidate misses; whether the candidate passes
 * stays score_entry()'s answer.
 */
/* 1 if c holds interned skill id `skill` (-1: nobody has it): the test of
   the skills filter. */
int	score_has_skill(const struct cand_rec *c, int skill);
/* The distance filter's limit for a candidate of radius_km: the radius,
   or the offer's max_km when smaller. */
double	score_radius_limit(const struct score_query *q, int radius_km);

/*
 * Candidate criteria with the derived ones (jeune_peu_qualifie, senior)
 * evaluated on day `on`.
 */
uint32_t score_criteria(const struct cand_rec *c,
	    const struct conf_matching *m, int32_t on);

/*
 * What a reason is about, so that a view can pick the ones it may show
 * (proto/PROTOCOL.md, "Who may do what"; docs/SCORING.md, "Reasons").
 * Only REASON_FIT reasons may leave the adviser view: they speak of the
 * job and the offer's asks, never of a criterion, a barrier, a place or
 * a distance.
 */
enum reason_kind {
	REASON_FIT,		/* job, experience, requirements, skills, level,
				   availability */
	REASON_PLACE,		/* distance or department, licence B, vehicle */
	REASON_PRIORITY,	/* clause eligibility, priority public: names
				   criteria */
	REASON_REFERRALS,	/* the person's open and recent referrals */
	REASON_BARRIER,		/* the barriers recorded */
	REASON_NOTE,		/* a fact a feed read in the offer's text */
};

/*
 * Reasons in French for an eligible candidate, most important first.
 * Returns how many were written to reasons[]; kinds[i] (kinds may be
 * NULL) says what reasons[i] is about.
 */
int	score_reasons(const struct score_query *q, const struct index *idx,
	    uint32_t slot, const struct score_result *res,
	    char reasons[][SCORE_REASON_MAX], enum reason_kind *kinds,
	    int max);

#endif
