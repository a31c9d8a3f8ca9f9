/*
 * offer.near_miss: the candidates kept out of an offer by exactly one hard
 * requirement that a short step lifts, grouped by what is missing: one
 * required skill or licence, availability a few days too late, a few km
 * beyond the radius.  Status, ROME, referrals, contract, age and clause
 * are never near misses; level is a soft component, never a filter, so it
 * is none either.  Each person is ranked by the score they would have with
 * the gap lifted, computed by score_entry() on the lifted query.  Pure;
 * rules in docs/SCORING.md, "Near misses".
 */
#ifndef MATCHER_NEARMISS_H
#define MATCHER_NEARMISS_H

#include <stdint.h>

#include "domain.h"
#include "gap.h"
#include "index.h"
#include "offer.h"
#include "score.h"

#define NEARMISS_AVAIL_DAYS	14	/* default avail_days */
#define NEARMISS_EXTRA_KM	5	/* default extra_km */
#define NEARMISS_LIMIT		20	/* default people per group */
/* Bounds of the parameters: past these a step is not short. */
#define NEARMISS_DAYS_MAX	90
#define NEARMISS_KM_MAX		50
#define NEARMISS_LIMIT_MAX	200
/* One group per required skill and licence, availability, distance. */
#define NEARMISS_GROUPS_MAX	(OFFER_MAX_SKILLS + LICENCE_COUNT + 2)
#define NEARMISS_TEXT_MAX	96

struct nearmiss_params {
	int		 avail_days;	/* availability: days past the limit */
	int		 extra_km;	/* distance: km past the radius */
	int		 limit;		/* people kept per group, 1..200 */
};

struct nearmiss_person {
	uint32_t		 slot;
	/* The gap: days after the start, km beyond the radius; else 0. */
	double			 gap;
	struct score_result	 r;	/* with the gap lifted */
	char			 text[NEARMISS_TEXT_MAX];	/* the gap, in French */
};

struct nearmiss_group {
	int			 kind;	/* GAP_SKILL, _LICENCE, _AVAILABILITY, _DISTANCE */
	int			 item;	/* skill index in skills_required, licence; -1 */
	uint32_t		 count;	/* everybody in the group */
	int			 npeople;	/* kept: at most limit */
	/* Best first (score, then id); owned by the result. */
	struct nearmiss_person	*people;
	/* "manque : CACES R489 cat. 3", "disponible 16 à 27 jours après le
	   début", "à 0,4 à 4,8 km au-delà du rayon". */
	char			 text[NEARMISS_TEXT_MAX];
};

struct nearmiss_result {
	uint32_t		 candidates;	/* walked: the domain's, available */
	uint32_t		 eligible;	/* kept by no filter */
	uint32_t		 near;		/* in some group */
	int			 ngroups;	/* non-empty groups, largest first */
	struct nearmiss_group	 groups[NEARMISS_GROUPS_MAX];
};

/* avail_days 14, extra_km 5, limit 20. */
void	nearmiss_params_default(struct nearmiss_params *);

/*
 * Fill *out for q (from score_prepare() on idx).  Returns 0, or -1 with
 * *out empty when a parameter is out of its bounds.  The people arrays
 * are allocated (at most limit entries a group, a few hundred bytes each):
 * release them with nearmiss_result_free(), also after -1.
 */
int	nearmiss_offer(const struct index *idx, const struct score_query *q,
	    const struct nearmiss_params *p, struct nearmiss_result *out);
void	nearmiss_result_free(struct nearmiss_result *);

#endif
