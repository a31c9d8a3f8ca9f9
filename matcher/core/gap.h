/*
 * What keeps a candidate out of an offer, for the advisers' tools
 * (nearmiss.c, diagnose.c): the offer's hard requirements one by one, a
 * query with one of them lifted or relaxed, the walk over the offer's
 * domain, and the requirements' French names.
 *
 * Whether a candidate passes is always the scorer's answer (score_entry()
 * on a lifted query): this file only picks which lift to try, so a tool
 * cannot disagree with the ranker.  Pure.
 */
#ifndef MATCHER_GAP_H
#define MATCHER_GAP_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "offer.h"
#include "score.h"

/* The offer's requirements that a tool may lift, in the filters' order. */
enum gap_kind {
	GAP_CONTRACT,
	GAP_AVAILABILITY,
	GAP_AGE,
	GAP_CLAUSE,
	GAP_LICENCE,		/* item: enum licence */
	GAP_SKILL,		/* item: index in the offer's skills_required */
	GAP_DISTANCE,
	GAP_KIND_COUNT
};

/* Longest requirement name: "CACES R489 cat. 3", "permis C". */
#define GAP_LABEL_MAX 64
/* A radius no distance reaches: the distance filter lifted. */
#define GAP_RADIUS_ANY UINT16_MAX

/*
 * The offer's query with one requirement lifted or relaxed, and km added
 * to every candidate's radius (a view of the key; the record is not
 * changed).  Lifts that change the offer's own limit keep the offer copy
 * they were prepared from, so scores under them are the real ones.
 */
struct gap_lift {
	struct score_query	 q;
	struct offer		 o;
	int			 radius_add;
};

/*
 * A lift may point into itself (gap_lift_km()): fill it where it stays,
 * never copy it.  q as it is, for the caller to change one field.
 */
void	gap_lift_copy(struct gap_lift *, const struct score_query *q);
/* Without required skill i (index in q->req), or licence lic. */
void	gap_lift_skill(struct gap_lift *, const struct score_query *q, int i);
void	gap_lift_licence(struct gap_lift *, const struct score_query *q,
	    int lic);
/* Availability up to `days` later (< 0: any date). */
void	gap_lift_days(struct gap_lift *, const struct score_query *q,
	    int days);
/* Any contract type, any age, no clause criteria. */
void	gap_lift_contract(struct gap_lift *, const struct score_query *q);
void	gap_lift_age(struct gap_lift *, const struct score_query *q);
void	gap_lift_clause(struct gap_lift *, const struct score_query *q);
/*
 * The offer's max_km set to max_km (0: none), re-prepared, and
 * radius_add km on each candidate's radius.  q must come from
 * score_prepare(); idx is the index it was prepared on.
 */
void	gap_lift_km(struct gap_lift *, const struct score_query *q,
	    const struct index *idx, int max_km, int radius_add);
/* No distance rule at all (department offers too): counts only, the
   distance component of scores under it is meaningless. */
void	gap_lift_no_distance(struct gap_lift *, const struct score_query *q);

/*
 * A floor no score reaches: score_entry() then settles every filter but
 * scores nobody (SCORE_PRUNED for the eligible, as the ranker counts
 * them), for the calls that need a verdict only.
 */
#define GAP_VERDICT_ONLY 1000.0

/* score_entry() of the candidate under the lift, with no floor. */
int	gap_score(const struct gap_lift *, const struct index *idx,
	    uint32_t slot, const struct cand_key *k, int code, int months,
	    struct score_result *res);
/* 1 if the scorer takes the candidate under the lift; not scored. */
int	gap_passes(const struct gap_lift *, const struct index *idx,
	    uint32_t slot, const struct cand_key *k, int code, int months);

/*
 * The requirement behind filter f (score_entry()'s answer for the
 * candidate): its kind, and in *item the licence or required skill
 * missing when exactly one is.  -1 when f is no requirement of the offer
 * (status, ROME, already referred) or two licences or skills are missing.
 */
int	gap_of_filter(const struct score_query *q, const struct index *idx,
	    uint32_t slot, const struct cand_key *k, int f, int *item);

/*
 * Visit once each candidate of the offer's sector, available, in its
 * domain's posting lists, with the job the scorer matches (the exact code
 * first, else the smallest of the domain).  Returns how many.
 */
typedef void gap_visit_fn(void *ctx, uint32_t slot, const struct cand_key *k,
    int code, int months);
uint32_t gap_walk(const struct index *idx, const struct score_query *q,
	    gap_visit_fn *fn, void *ctx);

/* The grammar of a name, for "exigé"/"exigée", "sans lui"/"sans elle". */
#define GAP_MASC	0
#define GAP_FEM		1
#define GAP_PLURAL	2

/*
 * French name of a requirement of q's offer: "CACES R489 cat. 3",
 * "habilitation B0", "permis C", "contrat CDI", "début le 04/01", "âge 16
 * à 25 ans", "rayon 10 km".  Returns GAP_MASC, GAP_FEM or GAP_PLURAL.
 */
int	gap_label(const struct score_query *q, int kind, int item, char *buf,
	    size_t len);
/* A skill tag's name: "caces-r489-3" -> "CACES R489 cat. 3"; its gender. */
int	gap_skill_label(const char *tag, char *buf, size_t len);
/* "4,2": km with one decimal and a French comma. */
void	gap_km_fr(double km, char *buf, size_t len);
/* "04/01": a day as dd/mm. */
void	gap_ddmm(int32_t day, char *buf, size_t len);

#endif
