/*
 * Scoring rules: hard filters, soft components, reasons.  docs/SCORING.md
 * explains each rule and its constants; this file is the one place they
 * are implemented.  Pure: the caller passes "today", the configuration and
 * the index; nothing here reads a clock, a file or a socket.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "domain.h"
#include "geo.h"
#include "score.h"

/* Job fit of a code of the same 3-character domain, exact code being 1. */
#define JOB_SAME_DOMAIN	0.6
/* Experience credit when the offer asks for none: this much at 0 months... */
#define EXP_BASE_NONE	0.6
/* ...rising to 1 at this many months in the job. */
#define EXP_FULL_MONTHS	12
/* Credit for some but not enough of the required experience, at 0 months. */
#define EXP_BASE_SHORT	0.2
/*
 * Distance component of an offer known only by its department: neutral,
 * as the place may be anywhere in it.
 */
#define DEPT_DISTANCE	0.5
/* Km under which a mobility barrier does not matter. */
#define MOBILITY_FREE_KM 5.0
/* Km per degree of latitude, for the cheap bound before the haversine. */
#define KM_PER_DEG_LAT	111.2

static const char *const filter_names[] = {
#define X(s, w) w,
	FILTER_LIST(X)
#undef X
};
static const char *const comp_names[] = {
#define X(s, w) w,
	COMP_LIST(X)
#undef X
};

const char *
score_filter_name(int f)
{
	return (f >= 0 && f < FILTER_COUNT) ? filter_names[f] : "?";
}

const char *
score_comp_name(int c)
{
	return (c >= 0 && c < COMP_COUNT) ? comp_names[c] : "?";
}

static int
weight(const struct conf_weights *w, int comp)
{
	switch (comp) {
	case COMP_JOB:		return w->job;
	case COMP_EXPERIENCE:	return w->experience;
	case COMP_DISTANCE:	return w->distance;
	case COMP_SKILLS:	return w->skills;
	case COMP_LEVEL:	return w->level;
	case COMP_PRIORITY:	return w->priority;
	case COMP_FAIRNESS:	return w->fairness;
	default:		return w->barriers;
	}
}

static double
radius_limit(const struct score_query *q, int radius_km)
{
	double r = radius_km;

	if (q->max_km > 0 && q->max_km < r)
		r = q->max_km;
	return r;
}

/* The experience component for `months` in the matched job. */
static double
experience_value(const struct offer *o, int months)
{
	if (o->experience_months > 0)
		return months >= o->experience_months ? 1.0 : EXP_BASE_SHORT +
		    (1.0 - EXP_BASE_SHORT) * months / o->experience_months;
	return EXP_BASE_NONE + (1.0 - EXP_BASE_NONE) *
	    (months >= EXP_FULL_MONTHS ? 1.0 :
	    (double)months / EXP_FULL_MONTHS);
}

void
score_prepare(struct score_query *q, const struct offer *o,
    const struct index *idx, const struct conf_matching *m, int32_t today,
    const uint32_t *referred, size_t nreferred)
{
	int i, c;

	memset(q, 0, sizeof(*q));
	q->offer = o;
	q->m = m;
	q->today = today;
	q->start = (o->start == DATE_NONE || o->start < today) ?
	    today : o->start;
	q->latest_available = q->start + m->start_slack_days;
	q->rome_id = o->rome_id;
	/* A ROME 4.0 code: only its v3 domain is meaningful. */
	q->exact_rome_id = o->rome_v4[0] != '\0' ? -1 : o->rome_id;
	if (m->rome_domain || o->rome_v4[0] != '\0')
		refdata_rome_domain(idx->ref, o->rome_id, &q->dom_first,
		    &q->dom_last);
	else
		q->dom_first = q->dom_last = o->rome_id;
	q->sector_bit = 1u << o->sector;
	q->contract_bit = 1u << o->contract;
	if (o->age_min || o->age_max) {
		q->age_rule = 1;
		q->age_min = o->age_min;
		q->age_max = o->age_max ? o->age_max : 200;
	} else if (o->source == SOURCE_PLATEFORME_JEUNES) {
		q->age_rule = 1;
		q->age_min = m->youth_age_min;
		q->age_max = m->youth_age_max;
	}
	if (o->source == SOURCE_CLAUSE || o->has_clause) {
		q->clause = 1;
		q->clause_criteria = (o->has_clause && o->clause.criteria) ?
		    o->clause.criteria : m->clause_criteria;
	}
	q->priority_criteria = m->priority_criteria | q->clause_criteria;
	q->licences_required = (uint16_t)o->licences_required;
	for (i = 0; i < o->nskills_required; i++) {
		q->req[q->nreq] = index_skill_id(idx, o->skills_required[i]);
		if (q->req[q->nreq] < 0)
			q->req_impossible = 1;
		q->nreq++;
	}
	for (i = 0; i < o->nskills_wanted; i++)
		q->want[q->nwant++] = index_skill_id(idx, o->skills_wanted[i]);
	q->max_km = o->max_km;
	q->dept = o->department[0] != '\0' ? o->department_no : 0;
	q->lat = o->lat;
	q->lon = o->lon;
	q->lat_rad = o->lat * M_PI / 180.0;
	q->lon_rad = o->lon * M_PI / 180.0;
	q->cos_lat = cos(q->lat_rad);
	q->sin_lat = sin(q->lat_rad);
	if (q->age_rule) {
		q->born_max = date_latest_birth(q->start, q->age_min);
		/* At most age_max: younger than age_max + 1. */
		q->born_min = date_latest_birth(q->start, q->age_max + 1) + 1;
	}
	q->young_born_after = date_latest_birth(q->start, m->young_age_max + 1);
	q->senior_born_by = date_latest_birth(q->start, m->senior_age);
	{
		double tm = 0, tw = 0, wd;

		for (c = 0; c < COMP_COUNT; c++) {
			q->w_mobile[c] = q->w_walking[c] = weight(&m->w, c);
			tm += q->w_mobile[c];
		}
		wd = q->w_mobile[COMP_DISTANCE] * m->no_vehicle_distance_pct /
		    100.0;
		tw = tm - q->w_mobile[COMP_DISTANCE] + wd;
		q->w_walking[COMP_DISTANCE] = wd;
		for (c = 0; c < COMP_COUNT; c++) {
			q->w_mobile[c] = tm > 0 ? q->w_mobile[c] / tm : 0;
			q->w_walking[c] = tw > 0 ? q->w_walking[c] / tw : 0;
		}
	}
	q->referred = referred;
	q->nreferred = nreferred;

	for (i = 0; i <= MONTHS_MAX; i++)
		q->experience[i] = experience_value(o, i);
	for (i = 0; i <= RADIUS_MAX_KM; i++) {
		double limit = radius_limit(q, i);

		q->inv_limit[i] = limit > 0 ? 1.0 / limit : 0;
	}
	q->want_bits_exact = 1;
	for (i = 0; i < q->nwant; i++) {
		uint64_t bit;

		if (q->want[i] < 0)
			continue;
		bit = UINT64_C(1) << (q->want[i] & 63);
		if (q->want_bits & bit)
			q->want_bits_exact = 0;
		q->want_bits |= bit;
	}
}

static int
cmp_slot(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t
score_criteria(const struct cand_rec *c, const struct conf_matching *m,
    int32_t on)
{
	uint32_t crit = c->k.criteria;
	int age;

	if (c->k.birth_date == DATE_NONE)
		return crit;
	age = date_age(c->k.birth_date, on);
	if (age <= m->young_age_max && c->k.level <= m->low_level_max)
		crit |= 1u << CRITERION_JEUNE_PEU_QUALIFIE;
	if (age >= m->senior_age)
		crit |= 1u << CRITERION_SENIOR;
	return crit;
}

/* score_criteria() with the query's precomputed birth-date bounds. */
static uint32_t
key_criteria(const struct score_query *q, const struct cand_key *k)
{
	uint32_t crit = k->criteria;

	if (k->birth_date == DATE_NONE)
		return crit;
	if (k->birth_date > q->young_born_after &&
	    k->level <= q->m->low_level_max)
		crit |= 1u << CRITERION_JEUNE_PEU_QUALIFIE;
	if (k->birth_date <= q->senior_born_by)
		crit |= 1u << CRITERION_SENIOR;
	return crit;
}

/* 1 if the key's mask allows the skill: "maybe" held. */
static int
may_have_skill(const struct cand_key *k, int skill)
{
	return (k->skillmask & (UINT64_C(1) << (skill & 63))) != 0;
}

static int
has_skill(const struct cand_rec *c, int skill)
{
	const uint16_t *s = c->ext + 2 * c->njobs;
	int i;

	/* The mask says "surely not" without reading ext. */
	if (!may_have_skill(&c->k, skill))
		return 0;
	for (i = 0; i < c->nskills; i++)
		if (s[i] == skill)
			return 1;
	return 0;
}

static int
popcount32(uint32_t x)
{
	return __builtin_popcount(x);
}

/* A candidate can drive to work: licence B (or above) and a vehicle. */
static int
mobile(const struct cand_key *k)
{
	return (k->licences & (1u << LICENCE_B)) && (k->flags & CAND_F_VEHICLE);
}

/*
 * Distance on the local tangent plane at the pair's mean latitude, with
 * cos(mean) from a first-order expansion around the offer's latitude: a
 * handful of multiplications.  Within 0.03 % of the haversine up to 300 km
 * in Nord/Pas-de-Calais (measured), so APPROX_REL bounds its error.
 */
#define APPROX_REL	0.001
#define APPROX_ABS_KM	0.001

static double
approx_km(const struct score_query *q, float lat, float lon)
{
	double dlat = lat * (M_PI / 180.0) - q->lat_rad;
	double dlon = lon * (M_PI / 180.0) - q->lon_rad;
	double x = dlon * (q->cos_lat - q->sin_lat * dlat / 2);

	return GEO_EARTH_RADIUS_KM * sqrt(x * x + dlat * dlat);
}


/* Weighted mean of the components, rounded to 0.1. */
static double
weighted(const struct score_query *q, const struct cand_key *k,
    const double *comp)
{
	/* Distance weighs more for people who cannot drive to work. */
	const double *w = mobile(k) ? q->w_mobile : q->w_walking;
	double sum = 0;
	int i;

	for (i = 0; i < COMP_COUNT; i++)
		sum += w[i] * comp[i];
	return round(1000.0 * sum) / 10.0;
}

static double
barriers_component(const struct cand_key *c, const struct offer *o,
    double d)
{
	double v = 1.0;

	if ((c->barriers & (1u << BARRIER_MOBILITE)) && d > MOBILITY_FREE_KM)
		v -= 0.4;
	if (c->barriers & (1u << BARRIER_GARDE_ENFANTS))
		v -= o->working_time == WORKTIME_PART ? 0.1 : 0.3;
	if (c->barriers & (1u << BARRIER_LOGEMENT))
		v -= 0.15;
	if (c->barriers & (1u << BARRIER_SANTE))
		v -= 0.15;
	return v < 0 ? 0 : v;
}

static int
check_skills(const struct score_query *q, const struct cand_rec *c)
{
	int i;

	for (i = 0; i < q->nreq; i++)
		if (!has_skill(c, q->req[i]))
			return FILTER_SKILLS;
	return -1;
}

/*
 * The hard filters after status and ROME, on the key alone, in the
 * documented order.  Required skills are checked against the mask only
 * ("maybe"); the record's list settles them later (check_skills).  Returns
 * a filter or -1, with the estimated distance in *da and, when the
 * estimate was too close to the limit to decide, the exact one in *d
 * (else -1).
 */
static int
key_filters(const struct score_query *q, const struct cand_key *k,
    uint32_t slot, double *da, double *d)
{
	double limit = radius_limit(q, k->radius_km);
	int i;

	if (q->nreferred && bsearch(&slot, q->referred, q->nreferred,
	    sizeof(uint32_t), cmp_slot) != NULL)
		return FILTER_ALREADY_REFERRED;
	if (!(k->contracts & q->contract_bit))
		return FILTER_CONTRACT;
	if (k->available_from != DATE_NONE &&
	    k->available_from > q->latest_available)
		return FILTER_AVAILABILITY;
	if (q->age_rule && (k->birth_date == DATE_NONE ||
	    k->birth_date > q->born_max || k->birth_date < q->born_min))
		return FILTER_AGE;
	if (q->clause && (key_criteria(q, k) & q->clause_criteria) == 0)
		return FILTER_CLAUSE;
	if ((k->licences & q->licences_required) != q->licences_required)
		return FILTER_LICENCES;
	if (q->req_impossible)
		return FILTER_SKILLS;
	for (i = 0; i < q->nreq; i++)
		if (!may_have_skill(k, q->req[i]))
			return FILTER_SKILLS;

	/*
	 * Distance, last: the cheap estimate decides unless it is within its
	 * error of the limit, where the haversine settles it.  An offer known
	 * only by its department takes the people living in it, whatever
	 * their radius (the place may be next door or 60 km away).
	 */
	*d = -1;
	*da = approx_km(q, k->lat, k->lon);
	if (q->dept)
		return k->dept == q->dept ? -1 : FILTER_DISTANCE;
	if (*da > limit * (1 + APPROX_REL) + APPROX_ABS_KM)
		return FILTER_DISTANCE;
	if (*da >= limit * (1 - APPROX_REL) - APPROX_ABS_KM) {
		*d = geo_distance_km(q->lat, q->lon, k->lat, k->lon);
		if (*d > limit)
			return FILTER_DISTANCE;
	}
	return -1;
}

/*
 * The components known from the key (job, experience, level, priority),
 * and the best case of the others: the score's upper bound.  Fills comp.
 */
static double
key_components(const struct score_query *q, const struct cand_key *k,
    int rome_id, int months, double dmin, double *comp)
{
	const struct offer *o = q->offer;
	const double *w = mobile(k) ? q->w_mobile : q->w_walking;
	double v, sum;
	int i, maybe;

	comp[COMP_JOB] = rome_id == q->exact_rome_id ? 1.0 : JOB_SAME_DOMAIN;
	comp[COMP_EXPERIENCE] = q->experience[months <= MONTHS_MAX ?
	    months : MONTHS_MAX];
	v = 1.0 - dmin * q->inv_limit[k->radius_km <= RADIUS_MAX_KM ?
	    k->radius_km : RADIUS_MAX_KM];
	comp[COMP_DISTANCE] = q->dept ? DEPT_DISTANCE : v < 0 ? 0 : v;
	if (o->level_min == 0 || k->level >= o->level_min)
		v = 1.0;
	else if (k->level + 1 == o->level_min)
		v = 0.5;
	else
		v = 0.0;
	comp[COMP_LEVEL] = v;
	switch (popcount32(key_criteria(q, k) & q->priority_criteria)) {
	case 0:  v = 0.0; break;
	case 1:  v = 0.6; break;
	case 2:  v = 0.85; break;
	default: v = 1.0; break;
	}
	comp[COMP_PRIORITY] = v;
	/* The mask may say a skill is held when it is not: a bound. */
	if (q->nwant > 0) {
		if (q->want_bits_exact)
			maybe = __builtin_popcountll(k->skillmask &
			    q->want_bits);
		else
			for (i = 0, maybe = 0; i < q->nwant; i++)
				maybe += q->want[i] >= 0 &&
				    may_have_skill(k, q->want[i]);
		comp[COMP_SKILLS] = (double)maybe / q->nwant;
	} else
		comp[COMP_SKILLS] = 1.0;
	comp[COMP_FAIRNESS] = 1.0;
	comp[COMP_BARRIERS] = barriers_component(k, o, dmin);
	for (i = 0, sum = 0; i < COMP_COUNT; i++)
		sum += w[i] * comp[i];
	return 100.0 * sum;
}

int
score_candidate(const struct score_query *q, const struct index *idx,
    uint32_t slot, struct score_result *res)
{
	return score_candidate_bounded(q, idx, slot, -1.0, res);
}

int
score_candidate_bounded(const struct score_query *q, const struct index *idx,
    uint32_t slot, double floor, struct score_result *res)
{
	const struct cand_rec *c = &idx->recs[slot];
	int i, best = -1;

	/*
	 * Job fit: the exact code, else the smallest code of the domain (the
	 * ranker meets the candidate first in that list), whatever the order
	 * of the candidate's list.
	 */
	for (i = 0; i < c->njobs; i++) {
		int r = c->ext[2 * i];

		if (r == q->rome_id) {
			best = i;
			break;
		}
		if (r >= q->dom_first && r <= q->dom_last &&
		    (best < 0 || r < c->ext[2 * best]))
			best = i;
	}
	if (best < 0)
		return FILTER_ROME;
	return score_entry(q, idx, slot, &c->k, c->ext[2 * best],
	    c->ext[2 * best + 1], floor, res);
}

int
score_entry(const struct score_query *q, const struct index *idx,
    uint32_t slot, const struct cand_key *k, int rome_id, int months,
    double floor, struct score_result *res)
{
	const struct cand_rec *c;
	const struct conf_matching *m = q->m;
	double d, da, dmin, v, *comp = res->comp;
	int f, i, held;

	/*
	 * A skill the mask wrongly allowed comes before the distance in the
	 * filter order: settle it from the record for the few offers that
	 * require skills.
	 */
	if ((f = key_filters(q, k, slot, &da, &d)) >= 0)
		return f == FILTER_DISTANCE && q->nreq &&
		    check_skills(q, &idx->recs[slot]) >= 0 ? FILTER_SKILLS : f;
	/*
	 * Upper bound from the key: if even the best case of the rest
	 * cannot reach the floor, the record is not read (unless required
	 * skills need its list to tell eligible from not).
	 */
	dmin = d >= 0 ? d : da * (1 - APPROX_REL) - APPROX_ABS_KM;
	if (dmin < 0)
		dmin = 0;
	/* The score is rounded to 0.1: a bound under floor - 0.05 loses. */
	if (floor >= 0 && key_components(q, k, rome_id, months, dmin, comp) <
	    floor - 0.05)
		return q->nreq && check_skills(q, &idx->recs[slot]) >= 0 ?
		    FILTER_SKILLS : SCORE_PRUNED;

	c = &idx->recs[slot];
	if (q->nreq && (f = check_skills(q, c)) >= 0)
		return f;
	if (d < 0)
		d = geo_distance_km(q->lat, q->lon, k->lat, k->lon);
	key_components(q, k, rome_id, months, d, comp);

	if (q->nwant > 0) {
		held = 0;
		for (i = 0; i < q->nwant; i++)
			if (q->want[i] >= 0 && has_skill(c, q->want[i]))
				held++;
		comp[COMP_SKILLS] = (double)held / q->nwant;
	}

	/* People without a recent referral first, people with many last. */
	v = 1.0;
	if (c->last_referral != DATE_NONE && m->fairness_window_days > 0 &&
	    q->today - c->last_referral < m->fairness_window_days) {
		int since = q->today - c->last_referral;

		if (since < 0)
			since = 0;
		v = 0.5 + 0.5 * since / m->fairness_window_days;
	}
	if (c->open_referrals >= m->open_referrals_max)
		v = 0.0;
	else
		v *= 1.0 - (double)c->open_referrals / m->open_referrals_max;
	comp[COMP_FAIRNESS] = v;
	comp[COMP_BARRIERS] = barriers_component(k, q->offer, d);

	res->distance_km = d;
	res->rome_id = rome_id;
	res->months = months;
	res->exact = rome_id == q->exact_rome_id;
	res->criteria = key_criteria(q, k);
	res->score = weighted(q, k, comp);
	return SCORE_ELIGIBLE;
}

int
score_candidate_full(const struct score_query *q, const struct index *idx,
    uint32_t slot, struct score_result *res)
{
	const struct cand_rec *c = &idx->recs[slot];

	if (!(c->k.sectors & q->sector_bit) ||
	    c->k.status != STATUS_AVAILABLE)
		return FILTER_STATUS;
	return score_candidate(q, idx, slot, res);
}

int
score_has_skill(const struct cand_rec *c, int skill)
{
	return skill >= 0 && has_skill(c, skill);
}

double
score_radius_limit(const struct score_query *q, int radius_km)
{
	return radius_limit(q, radius_km);
}

/* "4.2" -> "4,2": French decimal comma. */
static void
km_fr(double km, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "%.1f", km);
	if ((p = strchr(buf, '.')) != NULL)
		*p = ',';
}

/*
 * Append an item to a comma-separated list in buf; truncates instead of
 * overflowing, and *off never passes the end.
 */
static void
list_add(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off == 0)
		buf[0] = '\0';
	if (*off + 1 >= len)
		return;
	if (*off > 0) {
		n = snprintf(buf + *off, len - *off, ", ");
		*off += (size_t)n;
		if (*off + 1 >= len) {
			*off = len - 1;
			return;
		}
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || *off + (size_t)n >= len)
		*off = len - 1;
	else
		*off += (size_t)n;
}

/* The labels of the criteria in set, comma-separated. */
static void
criteria_labels(uint32_t set, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < CRITERION_COUNT; i++)
		if (set & (1u << i))
			list_add(buf, len, &off, "%s",
			    vocab_label(&vocab_criterion, i));
}

int
score_reasons(const struct score_query *q, const struct index *idx,
    uint32_t slot, const struct score_result *res,
    char reasons[][SCORE_REASON_MAX], enum reason_kind *kinds, int max)
{
	const struct cand_rec *c = &idx->recs[slot];
	const struct offer *o = q->offer;
	const struct rome_code *rc;
	char km[32], labels[120], date[11], exp[32], place[64];
	int n = 0, months, i, held, since;
	size_t off;

/* ADD(FIT, ...): a reason of kind REASON_FIT. */
#define ADD(kind, ...) do {						\
	if (n < max) {							\
		if (kinds != NULL)					\
			kinds[n] = REASON_##kind;			\
		snprintf(reasons[n++], SCORE_REASON_MAX, __VA_ARGS__);	\
	}								\
} while (0)

	rc = &idx->ref->rome[res->rome_id];
	months = res->months;
	if (months == 0)
		snprintf(exp, sizeof(exp), "sans expérience");
	else
		snprintf(exp, sizeof(exp), "%d mois d'expérience", months);
	if (res->exact)
		ADD(FIT, "même métier %s, %s", rc->code, exp);
	else if (o->rome_v4[0] != '\0')
		ADD(FIT, "métier proche %s (%s) du code ROME 4.0 %s, %s",
		    rc->code, rc->label, o->rome_v4, exp);
	else
		ADD(FIT, "métier proche %s (%s), %s", rc->code, rc->label,
		    exp);
	if (o->experience_months > months)
		ADD(FIT, "expérience : %d mois pour %d demandés", months,
		    o->experience_months);

	if (q->dept)
		snprintf(place, sizeof(place), "lieu précis inconnu "
		    "(département %s)", o->department);
	else {
		km_fr(res->distance_km, km, sizeof(km));
		snprintf(place, sizeof(place), "à %s km", km);
	}
	if (mobile(&c->k))
		ADD(PLACE, "%s, permis B et véhicule", place);
	else if (c->k.licences & (1u << LICENCE_B))
		ADD(PLACE, "%s, permis B sans véhicule", place);
	else if (c->k.flags & CAND_F_VEHICLE)
		ADD(PLACE, "%s, véhicule sans permis B", place);
	else
		ADD(PLACE, "%s, sans permis ni véhicule", place);

	if (q->clause) {
		criteria_labels(res->criteria & q->clause_criteria, labels,
		    sizeof(labels));
		ADD(PRIORITY, "éligible clause : %s", labels);
	} else if (res->criteria & q->priority_criteria) {
		criteria_labels(res->criteria & q->priority_criteria, labels,
		    sizeof(labels));
		ADD(PRIORITY, "public prioritaire : %s", labels);
	}

	if (o->licences_required || o->nskills_required) {
		off = 0;
		labels[0] = '\0';
		for (i = 0; i < LICENCE_COUNT; i++)
			if (o->licences_required & (1u << i))
				list_add(labels, sizeof(labels), &off,
				    "permis %s", vocab_name(&vocab_licence, i));
		for (i = 0; i < o->nskills_required; i++)
			list_add(labels, sizeof(labels), &off, "%s",
			    o->skills_required[i]);
		ADD(FIT, "exigences remplies : %s", labels);
	}
	if (q->nwant > 0) {
		off = 0;
		held = 0;
		labels[0] = '\0';
		for (i = 0; i < q->nwant; i++)
			if (q->want[i] >= 0 && has_skill(c, q->want[i])) {
				held++;
				list_add(labels, sizeof(labels), &off, "%s",
				    o->skills_wanted[i]);
			}
		if (held)
			ADD(FIT, "compétences souhaitées : %d sur %d (%s)",
			    held, q->nwant, labels);
		else if (q->nwant == 1)
			ADD(FIT, "compétence souhaitée absente : %s",
			    o->skills_wanted[0]);
		else
			ADD(FIT, "aucune des %d compétences souhaitées",
			    q->nwant);
	}
	if (o->level_min && c->k.level < o->level_min)
		ADD(FIT, "niveau %d pour %d demandé", c->k.level,
		    o->level_min);

	if (c->k.available_from != DATE_NONE &&
	    c->k.available_from > q->today) {
		date_format(c->k.available_from, date);
		ADD(FIT, "disponible à partir du %s", date);
	}
	if (c->open_referrals > 0)
		ADD(REFERRALS, "%d mise%s en relation en cours",
		    c->open_referrals, c->open_referrals > 1 ? "s" : "");
	else if (c->last_referral != DATE_NONE &&
	    (since = q->today - c->last_referral) <
	    q->m->fairness_window_days)
		ADD(REFERRALS, "dernière mise en relation il y a %d jour%s",
		    since, since > 1 ? "s" : "");
	else
		ADD(REFERRALS, "pas de mise en relation récente");

	if (c->k.barriers) {
		off = 0;
		labels[0] = '\0';
		for (i = 0; i < BARRIER_COUNT; i++)
			if (c->k.barriers & (1u << i))
				list_add(labels, sizeof(labels), &off, "%s",
				    vocab_label(&vocab_barrier, i));
		ADD(BARRIER, "frein%s signalé%s : %s",
		    popcount32(c->k.barriers) > 1 ? "s" : "",
		    popcount32(c->k.barriers) > 1 ? "s" : "", labels);
	}
	/* What a feed read in the offer's text, shown with every candidate. */
	for (i = 0; i < o->nnotes; i++)
		ADD(NOTE, "%s", o->notes[i]);
#undef ADD
	return n;
}
