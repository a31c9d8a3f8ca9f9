/*
 * Tests for nearmiss.c and the names of gap.c: every group against a
 * brute force (each candidate the offer excludes, scored by
 * score_candidate_full() with each single gap lifted in the offer, the
 * configuration or the records themselves) on random pools from fixed
 * seeds, counts, people, order and scores; the planted case; ties in id
 * order; the texts; no candidates; an offer asking for nothing; the
 * parameters' bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gap.h"
#include "geo.h"
#include "index.h"
#include "nearmiss.h"
#include "score.h"

#include "../lib/core_fixture.h"
#include "../lib/gap_pool.h"

#define NVERDICTS (POOL_SIZE + 1)

static struct nearmiss_result *
near_miss(const struct index *idx, const struct offer *o,
    const struct nearmiss_params *np, const uint32_t *referred,
    size_t nreferred, struct score_query *q)
{
	struct nearmiss_result *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	score_prepare(q, o, idx, &defm, TODAY, referred, nreferred);
	assert_int_equal(nearmiss_offer(idx, q, np, r), 0);
	return r;
}

static const struct nearmiss_group *
find_group(const struct nearmiss_result *r, int kind, int item)
{
	int i;

	for (i = 0; i < r->ngroups; i++)
		if (r->groups[i].kind == kind && r->groups[i].item == item)
			return &r->groups[i];
	return NULL;
}

struct expected {
	uint32_t	 slot;
	double		 score;
};

static const struct index *sort_idx;

static int
cmp_expected(const void *a, const void *b)
{
	const struct expected *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(sort_idx->recs[x->slot].id, sort_idx->recs[y->slot].id);
}

/*
 * One group by brute force: the records o excludes that (pool, o2, m2),
 * the same offer with one gap lifted, takes; compared with r's group.
 */
static void
check_group(const struct gap_pool *base, const int *base_v,
    const struct gap_pool *lifted, const struct offer *o2,
    const struct conf_matching *m2, const struct nearmiss_result *r,
    int kind, int item, int limit, int *seen)
{
	static int v[NVERDICTS];
	static struct score_result res[NVERDICTS];
	static struct expected want[NVERDICTS];
	const struct nearmiss_group *g;
	uint32_t slot, n = 0;
	int j;

	pool_verdicts(lifted, o2, m2, v, res);
	for (slot = 0; slot < base->idx->nrecs; slot++)
		if (base_v[slot] != SCORE_ELIGIBLE && v[slot] == SCORE_ELIGIBLE) {
			want[n].slot = slot;
			want[n++].score = res[slot].score;
		}
	g = find_group(r, kind, item);
	if (n == 0) {
		if (g != NULL)
			fail_msg("%s: %u people, brute force none", g->text,
			    g->count);
		return;
	}
	if (g == NULL)
		fail_msg("group %d/%d missing, brute force %u", kind, item, n);
	if (g->count != n)
		fail_msg("%s: %u people, brute force %u", g->text, g->count, n);
	sort_idx = base->idx;
	qsort(want, n, sizeof(want[0]), cmp_expected);
	assert_int_equal(g->npeople, (int)n < limit ? (int)n : limit);
	for (j = 0; j < g->npeople; j++) {
		if (g->people[j].slot != want[j].slot ||
		    g->people[j].r.score != want[j].score)
			fail_msg("%s, rank %d: %s %.1f, brute force %s %.1f",
			    g->text, j, base->idx->recs[g->people[j].slot].id,
			    g->people[j].r.score,
			    base->idx->recs[want[j].slot].id, want[j].score);
		assert_true(g->people[j].text[0] != '\0');
	}
	for (j = 0; j < (int)n; j++) {
		if (seen[want[j].slot])
			fail_msg("%s in two groups",
			    base->idx->recs[want[j].slot].id);
		seen[want[j].slot] = 1;
	}
}

/* pools[k]: the same people with k * 5 km more radius (0, 5, 10). */
static void
check_offer(struct gap_pool *const pools[], const struct offer *o,
    const struct nearmiss_params *np)
{
	static int base_v[NVERDICTS], seen[NVERDICTS];
	const struct gap_pool *p = pools[0];
	struct conf_matching m = defm;
	struct nearmiss_result *r;
	struct score_query q;
	struct offer o2;
	uint32_t total = 0, eligible = 0, slot;
	int i, j;

	r = near_miss(p->idx, o, np, p->referred, p->nreferred, &q);
	pool_verdicts(p, o, &defm, base_v, NULL);
	for (slot = 0; slot < p->idx->nrecs; slot++)
		eligible += base_v[slot] == SCORE_ELIGIBLE;
	assert_int_equal(r->eligible, eligible);
	memset(seen, 0, sizeof(seen));

	for (i = 0; i < o->nskills_required; i++) {
		o2 = *o;
		offer_without_skill(&o2, i);
		check_group(p, base_v, p, &o2, &m, r, GAP_SKILL, i, np->limit,
		    seen);
	}
	for (i = 0; i < LICENCE_COUNT; i++)
		if (o->licences_required & B(i)) {
			o2 = *o;
			o2.licences_required &= ~B(i);
			check_group(p, base_v, p, &o2, &m, r, GAP_LICENCE, i,
			    np->limit, seen);
		}
	m.start_slack_days += np->avail_days;
	check_group(p, base_v, p, o, &m, r, GAP_AVAILABILITY, -1, np->limit,
	    seen);
	m = defm;
	if (o->department[0] == '\0') {
		o2 = *o;
		if (o2.max_km > 0)
			o2.max_km += np->extra_km;
		check_group(p, base_v, pools[np->extra_km / 5], &o2, &m, r,
		    GAP_DISTANCE, -1, np->limit, seen);
	} else
		assert_null(find_group(r, GAP_DISTANCE, -1));

	for (i = 0; i < r->ngroups; i++) {
		const struct nearmiss_group *g = &r->groups[i];

		total += g->count;
		if (i > 0)
			assert_true(r->groups[i - 1].count >= g->count);
		for (j = 0; j < g->npeople; j++) {
			const struct nearmiss_person *pe = &g->people[j];
			const struct cand_rec *c = &p->idx->recs[pe->slot];

			if (g->kind == GAP_AVAILABILITY) {
				assert_true(pe->gap == c->k.available_from -
				    q.start);
				assert_true(pe->gap > defm.start_slack_days);
				assert_true(pe->gap <= defm.start_slack_days +
				    np->avail_days);
			} else if (g->kind == GAP_DISTANCE) {
				assert_true(pe->gap > 0);
				assert_true(pe->gap <= np->extra_km + 0.1);
			} else
				assert_true(pe->gap == 0);
		}
	}
	assert_int_equal(total, r->near);
	nearmiss_result_free(r);
	free(r);
}

static void
random_pools(uint64_t seed)
{
	struct gap_pool *pools[3];
	struct nearmiss_params np;
	struct offer o;
	int i, k;

	for (k = 0; k < 3; k++)
		pools[k] = pool_new(seed, 5 * k);
	for (i = 0; i < POOL_OFFERS; i++) {
		pool_offer(&o, i);
		nearmiss_params_default(&np);
		check_offer(pools, &o, &np);
		np.avail_days = 7;
		np.extra_km = 10;
		np.limit = 3;
		check_offer(pools, &o, &np);
		np.limit = NEARMISS_LIMIT_MAX;
		check_offer(pools, &o, &np);
	}
	for (k = 0; k < 3; k++)
		pool_free(pools[k]);
}

static void
test_brute_force(void **state)
{
	(void)state;
	pool_each_seed(random_pools);
}

/* The random pools must fill every kind of group. */
static void
test_random_pool_fills_groups(void **state)
{
	struct gap_pool *p;
	struct nearmiss_params np;
	struct nearmiss_result *r;
	struct score_query q;
	struct offer o;

	(void)state;
	p = pool_new(pool_seeds[0], 0);
	pool_offer(&o, 0);
	nearmiss_params_default(&np);
	r = near_miss(p->idx, &o, &np, p->referred, p->nreferred, &q);
	assert_int_equal(r->ngroups, 5);	/* 2 skills, C, date, place */
	assert_non_null(find_group(r, GAP_SKILL, 0));
	assert_non_null(find_group(r, GAP_SKILL, 1));
	assert_non_null(find_group(r, GAP_LICENCE, LICENCE_C));
	assert_non_null(find_group(r, GAP_AVAILABILITY, -1));
	assert_non_null(find_group(r, GAP_DISTANCE, -1));
	assert_true(r->groups[0].count > (uint32_t)r->groups[0].npeople);
	nearmiss_result_free(r);
	free(r);
	pool_free(p);
}

static void
test_planted(void **state)
{
	const struct nearmiss_group *g;
	struct nearmiss_params np;
	struct nearmiss_result *r;
	struct score_query q;
	struct index *idx;
	struct offer o;
	int j;

	(void)state;
	idx = planted_index(&o);
	nearmiss_params_default(&np);
	r = near_miss(idx, &o, &np, NULL, 0, &q);
	assert_int_equal(r->candidates, PLANTED_WALKED);
	assert_int_equal(r->eligible, PLANTED_ELIGIBLE);
	assert_int_equal(r->ngroups, 2);
	assert_int_equal(r->near, PLANTED_ONLY_CACES + PLANTED_ONLY_SST);
	g = &r->groups[0];
	assert_int_equal(g->kind, GAP_SKILL);
	assert_int_equal(g->item, 0);
	assert_int_equal(g->count, PLANTED_ONLY_CACES);
	assert_int_equal(g->npeople, PLANTED_ONLY_CACES);
	assert_string_equal(g->text, "manque : CACES R489 cat. 3");
	for (j = 0; j < g->npeople; j++) {
		assert_int_equal(strncmp(idx->recs[g->people[j].slot].id,
		    "only-", 5), 0);
		assert_string_equal(g->people[j].text, g->text);
	}
	g = &r->groups[1];
	assert_int_equal(g->count, PLANTED_ONLY_SST);
	assert_string_equal(g->text, "manque : SST");
	nearmiss_result_free(r);
	free(r);
	index_free(idx);
}

/* Equal scores: ascending candidate id, whatever the insertion order. */
static void
test_ties_in_id_order(void **state)
{
	static const char *const ids[] = { "e", "c", "a", "d", "b" };
	const struct nearmiss_group *g;
	struct nearmiss_params np;
	struct nearmiss_result *r;
	struct score_query q;
	struct candidate c;
	struct index *idx;
	struct offer o;
	size_t i;
	int created;

	(void)state;
	idx = index_new(ref);
	for (i = 0; i < 5; i++) {
		default_cand(&c, ids[i]);
		add_skill(&c, "sst");
		index_put(idx, &c, &created);
	}
	default_offer(&o, "ties");
	snprintf(o.skills_required[0], SKILL_MAX_LEN + 1, "caces-r489-3");
	snprintf(o.skills_required[1], SKILL_MAX_LEN + 1, "sst");
	o.nskills_required = 2;
	nearmiss_params_default(&np);
	np.limit = 3;
	r = near_miss(idx, &o, &np, NULL, 0, &q);
	assert_int_equal(r->ngroups, 1);
	g = &r->groups[0];
	assert_int_equal(g->count, 5);
	assert_int_equal(g->npeople, 3);
	assert_string_equal(idx->recs[g->people[0].slot].id, "a");
	assert_string_equal(idx->recs[g->people[1].slot].id, "b");
	assert_string_equal(idx->recs[g->people[2].slot].id, "c");
	assert_true(g->people[0].r.score == g->people[2].r.score);
	/* Nobody has caces-r489-3: the index never interned it. */
	assert_int_equal(index_skill_id(idx, "caces-r489-3"), -1);
	nearmiss_result_free(r);
	free(r);
	index_free(idx);
}

static void
test_gap_texts(void **state)
{
	const struct nearmiss_group *g;
	struct nearmiss_params np;
	struct nearmiss_result *r;
	struct score_query q;
	struct candidate c;
	struct index *idx;
	struct offer o;
	double d;
	int created;

	(void)state;
	idx = index_new(ref);
	default_offer(&o, "texts");
	o.start = TODAY + 10;
	default_cand(&c, "late");
	c.available_from = o.start + 20;
	index_put(idx, &c, &created);
	default_cand(&c, "later");
	c.available_from = o.start + 27;
	index_put(idx, &c, &created);
	default_cand(&c, "far");
	place_cand(&c, "59273");	/* Gravelines */
	d = geo_distance_km(o.lat, o.lon, c.lat, c.lon);
	c.radius_km = (int)d - 2;	/* 2 to 3 km short */
	index_put(idx, &c, &created);
	nearmiss_params_default(&np);
	r = near_miss(idx, &o, &np, NULL, 0, &q);
	assert_int_equal(r->ngroups, 2);
	g = find_group(r, GAP_AVAILABILITY, -1);
	assert_non_null(g);
	assert_int_equal(g->count, 2);
	assert_string_equal(g->text,
	    "disponible 20 à 27 jours après le début");
	assert_string_equal(g->people[0].text,
	    "disponible 20 jours après le début");
	g = find_group(r, GAP_DISTANCE, -1);
	assert_non_null(g);
	assert_true(g->people[0].gap > 2 && g->people[0].gap <= 3.05);
	assert_int_equal(strncmp(g->text, "à 2,", 4), 0);
	assert_non_null(strstr(g->text, " km au-delà du rayon"));
	/* A shorter step leaves the late ones out. */
	nearmiss_result_free(r);
	free(r);
	np.avail_days = 6;
	r = near_miss(idx, &o, &np, NULL, 0, &q);
	g = find_group(r, GAP_AVAILABILITY, -1);
	assert_non_null(g);
	assert_int_equal(g->count, 1);
	assert_string_equal(g->text, "disponible 20 jours après le début");
	nearmiss_result_free(r);
	free(r);
	index_free(idx);
}

static void
test_skill_labels(void **state)
{
	static const struct { const char *tag, *label; int gender; } cs[] = {
		{ "caces-r489-3", "CACES R489 cat. 3", GAP_MASC },
		{ "caces-r486-b", "CACES R486 cat. B", GAP_MASC },
		{ "caces-r490", "CACES R490", GAP_MASC },
		{ "caces", "CACES", GAP_MASC },
		{ "habilitation-b0", "habilitation B0", GAP_FEM },
		{ "habilitation-h0v", "habilitation H0V", GAP_FEM },
		{ "habilitation-electrique", "habilitation électrique",
		    GAP_FEM },
		{ "sst", "SST", GAP_MASC },
		{ "oppbtp", "OPPBTP", GAP_MASC },
		{ "permis-engins", "permis engins", GAP_MASC },
	};
	char buf[GAP_LABEL_MAX], small[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		assert_int_equal(gap_skill_label(cs[i].tag, buf, sizeof(buf)),
		    cs[i].gender);
		assert_string_equal(buf, cs[i].label);
	}
	gap_skill_label("caces-r489-3", small, sizeof(small));
	assert_string_equal(small, "CACES R");
}

static void
test_no_candidates(void **state)
{
	struct nearmiss_params np;
	struct nearmiss_result *r;
	struct score_query q;
	struct index *idx;
	struct offer o;

	(void)state;
	idx = index_new(ref);
	pool_offer(&o, 0);
	nearmiss_params_default(&np);
	r = near_miss(idx, &o, &np, NULL, 0, &q);
	assert_int_equal(r->candidates, 0);
	assert_int_equal(r->ngroups, 0);
	assert_int_equal(r->near, 0);
	nearmiss_result_free(r);
	free(r);
	index_free(idx);
}

/* No skill or licence asked: only the date and the place can be near. */
static void
test_offer_asking_for_nothing(void **state)
{
	struct nearmiss_params np;
	struct nearmiss_result *r;
	struct score_query q;
	struct gap_pool *p;
	struct offer o;
	int i;

	(void)state;
	p = pool_new(99u, 0);
	default_offer(&o, "nothing");
	nearmiss_params_default(&np);
	r = near_miss(p->idx, &o, &np, p->referred, p->nreferred, &q);
	assert_int_equal(r->ngroups, 2);
	for (i = 0; i < r->ngroups; i++)
		assert_true(r->groups[i].kind == GAP_AVAILABILITY ||
		    r->groups[i].kind == GAP_DISTANCE);
	nearmiss_result_free(r);
	free(r);
	pool_free(p);
}

static void
test_params_bounds(void **state)
{
	static const struct nearmiss_params bad[] = {
		{ -1, 5, 20 }, { NEARMISS_DAYS_MAX + 1, 5, 20 },
		{ 14, -1, 20 }, { 14, NEARMISS_KM_MAX + 1, 20 },
		{ 14, 5, 0 }, { 14, 5, NEARMISS_LIMIT_MAX + 1 },
	};
	struct nearmiss_result r;
	struct score_query q;
	struct index *idx;
	struct offer o;
	size_t i;

	(void)state;
	idx = index_new(ref);
	default_offer(&o, "o");
	score_prepare(&q, &o, idx, &defm, TODAY, NULL, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(nearmiss_offer(idx, &q, &bad[i], &r), -1);
		assert_int_equal(r.ngroups, 0);
		nearmiss_result_free(&r);
	}
	index_free(idx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_brute_force),
		cmocka_unit_test(test_random_pool_fills_groups),
		cmocka_unit_test(test_planted),
		cmocka_unit_test(test_ties_in_id_order),
		cmocka_unit_test(test_gap_texts),
		cmocka_unit_test(test_skill_labels),
		cmocka_unit_test(test_no_candidates),
		cmocka_unit_test(test_offer_asking_for_nothing),
		cmocka_unit_test(test_params_bounds),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
