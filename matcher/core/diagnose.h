/*
 * offer.diagnose: for one offer, each hard requirement with the number of
 * candidates it excludes alone (they pass every other filter: lifting it
 * adds exactly them) and what relaxing it by a step would add, from one
 * walk over the offer's domain.  "permis C exigé : sans lui, +14
 * candidats", "rayon 10 km : à 20 km, +31 ; ...", "début le 04/01 : au
 * 18/01, +12 ; ...".  Pure; rules in docs/SCORING.md, "Diagnosis".
 */
#ifndef MATCHER_DIAGNOSE_H
#define MATCHER_DIAGNOSE_H

#include <stdint.h>

#include "domain.h"
#include "gap.h"
#include "index.h"
#include "offer.h"
#include "score.h"

/* Steps of the relaxations: km added to the radius, days to the start. */
#define DIAGNOSE_KM_STEPS	{ 5, 10, 20 }
#define DIAGNOSE_DAY_STEPS	{ 7, 14 }
#define DIAGNOSE_STEPS_MAX	3
/* Contract, availability, age, clause, licences, skills, distance. */
#define DIAGNOSE_REQS_MAX	(5 + LICENCE_COUNT + OFFER_MAX_SKILLS)
#define DIAGNOSE_TEXT_MAX	200

struct diagnose_req {
	int		 kind;	/* enum gap_kind */
	int		 item;	/* licence, skill index in skills_required; -1 */
	uint32_t	 alone;	/* excluded by it alone: added without it */
	int		 nsteps;
	int		 step[DIAGNOSE_STEPS_MAX];	/* km or days more */
	uint32_t	 added[DIAGNOSE_STEPS_MAX];	/* added by the step */
	char		 text[DIAGNOSE_TEXT_MAX];	/* in French */
};

/*
 * candidates = eligible + the sum of the requirements' alone + other:
 * other are excluded by two requirements or more, or by what is no
 * requirement of the offer (a referral, their own radius when the offer
 * has a radius of its own).
 */
struct diagnose_result {
	uint32_t		 candidates;	/* walked: the domain's, available */
	uint32_t		 eligible;	/* now */
	uint32_t		 other;
	int			 nreqs;	/* in the filters' order */
	struct diagnose_req	 reqs[DIAGNOSE_REQS_MAX];
	char			 text[DIAGNOSE_TEXT_MAX];	/* "12 candidats éligibles" */
};

/*
 * Fill *out for q (from score_prepare() on idx).  *out holds everything:
 * nothing to free.
 */
void	diagnose_offer(const struct index *idx, const struct score_query *q,
	    struct diagnose_result *out);

#endif
