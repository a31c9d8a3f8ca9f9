/*
 * Random pools and brute-force counts for the tests of the advisers' tools
 * (test_nearmiss.c, test_diagnose.c).  A pool is 2,000 candidates from a
 * fixed seed, dense near every requirement's edge (skills, licences,
 * availability around the start, distances around the radii).  The same
 * seed with another radius_add gives the same people, in the same slots,
 * with radius_add km more: what "a few km more" means, done on the records
 * themselves, not on the tools' key view.
 *
 * Header only; include after "../lib/core_fixture.h".
 */
#ifndef TESTS_LIB_GAP_POOL_H
#define TESTS_LIB_GAP_POOL_H

#include <stdlib.h>

#include "index.h"
#include "score.h"

#define POOL_SIZE	2000
/* A radius_add that makes every radius RADIUS_MAX_KM: no distance rule. */
#define POOL_ANY_RADIUS	(-1)

/* The seeds of the brute-force tests. */
static const uint64_t pool_seeds[] = { 20261208u, 7u, 0x5eed5eedu };
static uint64_t pool_seed;

static inline void
pool_each_seed(void (*fn)(uint64_t))
{
	size_t i;

	for (i = 0; i < sizeof(pool_seeds) / sizeof(pool_seeds[0]); i++)
		fn(pool_seeds[i]);
}

static inline uint32_t
pool_rand(int n)
{
	/* 64-bit LCG, high bits */
	pool_seed = pool_seed * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(pool_seed >> 33) % (uint32_t)n;
}

static const char *const pool_tags[] = { "caces-r489-3", "sst",
    "habilitation-b0", "aipr" };
static const char *const pool_jobs[] = { "F1701", "F1702", "F1703",
    "F1704", "G1602" };

static inline void
pool_cand(struct candidate *c, int i, int radius_add)
{
	char id[RECORD_ID_MAX + 1];
	int k;

	snprintf(id, sizeof(id), "p%03x-%d", pool_rand(4096), i);
	default_cand(c, id);
	if (pool_rand(12) == 0)
		c->sectors = B(SECTOR_TERTIAIRE);
	set_job(c, 0, pool_jobs[pool_rand(5)], (int)pool_rand(4) * 8);
	if (pool_rand(3) == 0)
		set_job(c, 1, pool_jobs[pool_rand(4)], 12);
	if (c->njobs == 2 && strcmp(c->jobs[0].rome, c->jobs[1].rome) == 0)
		c->njobs = 1;
	if (pool_rand(10) == 0)
		c->status = 1 + (int)pool_rand(STATUS_COUNT - 1);
	if (pool_rand(5) == 0)
		c->contracts = 1 + pool_rand(B(CONTRACT_COUNT) - 1);
	if (pool_rand(2) == 0)
		c->available_from = TODAY + (int)pool_rand(80) - 10;
	c->birth_date = pool_rand(12) == 0 ? DATE_NONE :
	    date_from_ymd(1965 + (int)pool_rand(45), 1 + (int)pool_rand(12),
	    1 + (int)pool_rand(28));
	c->criteria = pool_rand(3) == 0 ? B(pool_rand(CRITERION_COUNT)) : 0;
	switch (pool_rand(5)) {
	case 0: c->licences = 0; break;
	case 1: c->licences = LIC(B); break;
	case 2: c->licences = LIC(C); break;
	case 3: c->licences = LIC(CE); break;
	default: c->licences = LIC(B) | LIC(C1); break;
	}
	c->licences = licence_closure(c->licences);
	c->vehicle = pool_rand(3) != 0;
	c->level = (int)pool_rand(9);
	c->commune[0] = '\0';
	c->lat = 50.80 + pool_rand(30001) / 100000.0;
	c->lon = 2.10 + pool_rand(60001) / 100000.0;
	c->radius_km = 3 + (int)pool_rand(45);
	if (radius_add == POOL_ANY_RADIUS)
		c->radius_km = RADIUS_MAX_KM;
	else
		c->radius_km += radius_add;
	c->nskills = 0;
	for (k = 0; k < 4; k++)
		if (pool_rand(3) != 0)
			add_skill(c, pool_tags[k]);
}

struct gap_pool {
	struct index	*idx;
	uint32_t	 referred[POOL_SIZE];	/* sorted slots */
	size_t		 nreferred;
};

/* Slots are insertion order (nothing deleted): the same across radii. */
static inline struct gap_pool *
pool_new(uint64_t seed, int radius_add)
{
	struct gap_pool *p = calloc(1, sizeof(*p));
	struct candidate c;
	uint32_t slot;
	int i, created;

	assert_non_null(p);
	pool_seed = seed;
	p->idx = index_new(ref);
	for (i = 0; i < POOL_SIZE; i++) {
		pool_cand(&c, i, radius_add);
		slot = index_put(p->idx, &c, &created);
		assert_int_equal(slot, (uint32_t)i);
		/* Some ties: the same person again, every 50th, under "t". */
		if (i % 50 == 0) {
			c.id[0] = 't';
			i++;
			assert_int_equal(index_put(p->idx, &c, &created),
			    (uint32_t)i);
		}
		if (i % 37 == 3)
			p->referred[p->nreferred++] = (uint32_t)i;
	}
	return p;
}

static inline void
pool_free(struct gap_pool *p)
{
	index_free(p->idx);
	free(p);
}

/* score_candidate_full() of every live record for o under m. */
static inline void
pool_verdicts(const struct gap_pool *p, const struct offer *o,
    const struct conf_matching *m, int *verdict, struct score_result *res)
{
	struct score_query q;
	struct score_result r;
	uint32_t slot;

	score_prepare(&q, o, p->idx, m, TODAY, p->referred, p->nreferred);
	for (slot = 0; slot < p->idx->nrecs; slot++) {
		verdict[slot] = FILTER_STATUS;
		if (p->idx->recs[slot].k.flags & CAND_F_LIVE)
			verdict[slot] = score_candidate_full(&q, p->idx, slot,
			    res != NULL ? &res[slot] : &r);
	}
}

/* How many live records o takes under m. */
static inline uint32_t
pool_eligible(const struct gap_pool *p, const struct offer *o,
    const struct conf_matching *m)
{
	static int verdict[POOL_SIZE + POOL_SIZE / 50 + 1];
	uint32_t slot, n = 0;

	pool_verdicts(p, o, m, verdict, NULL);
	for (slot = 0; slot < p->idx->nrecs; slot++)
		n += verdict[slot] == SCORE_ELIGIBLE;
	return n;
}

/* Offer o without its required skill i. */
static inline void
offer_without_skill(struct offer *o, int i)
{
	memmove(o->skills_required[i], o->skills_required[i + 1],
	    (size_t)(o->nskills_required - i - 1) *
	    sizeof(o->skills_required[0]));
	o->nskills_required--;
}

/* The offers of the random tests: every kind of requirement. */
#define POOL_OFFERS 6

static inline void
pool_add_required(struct offer *o, const char *tag)
{
	snprintf(o->skills_required[o->nskills_required++], SKILL_MAX_LEN + 1,
	    "%s", tag);
}

static inline void
pool_offer(struct offer *o, int which)
{
	const struct refdata_department *d;

	default_offer(o, "o");
	switch (which) {
	case 0:		/* skills, a licence, a radius, a start */
		snprintf(o->id, sizeof(o->id), "caces");
		pool_add_required(o, "caces-r489-3");
		pool_add_required(o, "sst");
		o->licences_required = LIC(C);
		o->max_km = 20;
		o->start = TODAY + 10;
		o->contract = CONTRACT_CDD;
		break;
	case 1:		/* the youth age rule */
		snprintf(o->id, sizeof(o->id), "youth");
		o->source = SOURCE_PLATEFORME_JEUNES;
		o->contract = CONTRACT_ALTERNANCE;
		pool_add_required(o, "habilitation-b0");
		break;
	case 2:		/* a clause and an age range, two licences */
		snprintf(o->id, sizeof(o->id), "clause");
		o->source = SOURCE_CLAUSE;
		o->has_clause = 1;
		snprintf(o->clause.operation, sizeof(o->clause.operation),
		    "op");
		o->licences_required = LIC(B) | LIC(CE);
		o->start = TODAY + 30;
		o->max_km = 15;
		o->age_min = 18;	/* both rules: lifting one keeps the other */
		o->age_max = 45;
		break;
	case 3:		/* known by its department only */
		snprintf(o->id, sizeof(o->id), "dept");
		d = refdata_department(ref, "59", 2);
		assert_non_null(d);
		o->commune[0] = '\0';
		o->lat = d->lat;
		o->lon = d->lon;
		snprintf(o->department, sizeof(o->department), "59");
		o->department_no = (int)(d - ref->departments) + 1;
		pool_add_required(o, "sst");
		break;
	case 4:		/* asks for nothing */
		snprintf(o->id, sizeof(o->id), "plain");
		break;
	default:	/* a skill nobody has, an age range, the domain */
		snprintf(o->id, sizeof(o->id), "nobody");
		set_offer_rome(o, "F1703");
		pool_add_required(o, "nobody");
		pool_add_required(o, "aipr");
		o->age_min = 30;
		o->age_max = 55;
		o->max_km = 12;
		break;
	}
}

/*
 * The planted case: an offer at Dunkerque requiring caces-r489-3 and sst
 * within 20 km, and 22 people around it: 7 who lack only caces-r489-3,
 * 2 who lack only sst, 4 who have everything, and 9 who lack caces-r489-3
 * and something else (sst too, the place, the date, the contract, or who
 * are not available at all).
 */
#define PLANTED_ONLY_CACES	7
#define PLANTED_ONLY_SST	2
#define PLANTED_ELIGIBLE	4
#define PLANTED_OTHER		8	/* walked, excluded by two things */
#define PLANTED_WALKED		21

static inline void
planted_put(struct index *idx, const char *id, const char *tags)
{
	struct candidate c;
	char tag[SKILL_MAX_LEN + 1];
	const char *p, *e;
	int created;

	default_cand(&c, id);
	for (p = tags; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		snprintf(tag, sizeof(tag), "%.*s", (int)(e - p), p);
		add_skill(&c, tag);
	}
	if (strncmp(id, "far", 3) == 0)
		place_cand(&c, "59350");	/* Lille, 60 km and more */
	if (strncmp(id, "late", 4) == 0)
		c.available_from = TODAY + 60;
	if (strncmp(id, "cdd", 3) == 0)
		c.contracts = B(CONTRACT_CDD);
	if (strncmp(id, "away", 4) == 0)
		c.status = STATUS_COUNT - 1;
	assert_int_not_equal(index_put(idx, &c, &created), INDEX_NONE);
}

static inline struct index *
planted_index(struct offer *o)
{
	static const struct { const char *id, *tags; } people[] = {
		{ "only-1", "sst" }, { "only-2", "sst aipr" },
		{ "only-3", "sst" }, { "only-4", "sst habilitation-b0" },
		{ "only-5", "sst" }, { "only-6", "sst" }, { "only-7", "sst" },
		{ "sst-less-1", "caces-r489-3" }, { "sst-less-2", "caces-r489-3" },
		{ "all-1", "caces-r489-3 sst" }, { "all-2", "sst caces-r489-3" },
		{ "all-3", "caces-r489-3 sst" }, { "all-4", "caces-r489-3 sst" },
		{ "neither-1", "" }, { "neither-2", "aipr" }, { "neither-3", "" },
		{ "far-1", "sst" }, { "far-2", "sst" },
		{ "late-1", "sst" }, { "late-2", "sst" },
		{ "cdd-1", "sst" }, { "away-1", "sst" },
	};
	struct index *idx = index_new(ref);
	size_t i;

	for (i = 0; i < sizeof(people) / sizeof(people[0]); i++)
		planted_put(idx, people[i].id, people[i].tags);
	default_offer(o, "planted");
	pool_add_required(o, "caces-r489-3");
	pool_add_required(o, "sst");
	o->max_km = 20;
	return idx;
}

#endif /* TESTS_LIB_GAP_POOL_H */
