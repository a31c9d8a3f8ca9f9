/*
 * Tests for diagnose.c: each requirement's "alone" count and its steps
 * against a brute-force recount (score_candidate_full() over every record
 * with the requirement removed or relaxed in the offer, the configuration
 * or the records themselves), on random pools from fixed seeds; the
 * planted case; the texts; no candidates; an offer asking for nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "gap.h"
#include "index.h"
#include "rank.h"
#include "score.h"

#include "../lib/core_fixture.h"
#include "../lib/gap_pool.h"

static const int km_steps[] = DIAGNOSE_KM_STEPS;
static const int day_steps[] = DIAGNOSE_DAY_STEPS;

static struct diagnose_result *
diagnose(const struct index *idx, const struct offer *o,
    const uint32_t *referred, size_t nreferred, struct score_query *q)
{
	struct diagnose_result *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	score_prepare(q, o, idx, &defm, TODAY, referred, nreferred);
	diagnose_offer(idx, q, r);
	return r;
}

static const struct diagnose_req *
find_req(const struct diagnose_result *r, int kind, int item)
{
	int i;

	for (i = 0; i < r->nreqs; i++)
		if (r->reqs[i].kind == kind && r->reqs[i].item == item)
			return &r->reqs[i];
	return NULL;
}

static void
check_invariant(const struct diagnose_result *r)
{
	uint32_t sum = r->eligible + r->other;
	int i;

	for (i = 0; i < r->nreqs; i++) {
		sum += r->reqs[i].alone;
		assert_true(r->reqs[i].text[0] != '\0');
	}
	assert_int_equal(sum, r->candidates);
}

/* Eligible for o under any contract type: the contract filter removed. */
static uint32_t
eligible_any_contract(const struct gap_pool *p, const struct offer *o)
{
	static int verdict[POOL_SIZE], any[POOL_SIZE];
	struct offer o2 = *o;
	uint32_t slot, n = 0;
	int c;

	memset(any, 0, sizeof(any));
	for (c = 0; c < CONTRACT_COUNT; c++) {
		o2.contract = c;
		pool_verdicts(p, &o2, &defm, verdict, NULL);
		for (slot = 0; slot < p->idx->nrecs; slot++)
			any[slot] |= verdict[slot] == SCORE_ELIGIBLE;
	}
	for (slot = 0; slot < p->idx->nrecs; slot++)
		n += (uint32_t)any[slot];
	return n;
}

/* The brute-force "without" count of requirement r, less base. */
static uint32_t
recount_alone(struct gap_pool *const pools[], const struct offer *o,
    const struct diagnose_req *r, uint32_t base)
{
	struct conf_matching m = defm;
	struct offer o2 = *o;
	const struct gap_pool *p = pools[0];

	switch (r->kind) {
	case GAP_CONTRACT:
		return eligible_any_contract(p, o) - base;
	case GAP_AVAILABILITY:
		m.start_slack_days = 1000000;
		break;
	case GAP_AGE:
		o2.age_min = o2.age_max = 0;
		if (o2.source == SOURCE_PLATEFORME_JEUNES)
			o2.source = SOURCE_POLE_EMPLOI;
		break;
	case GAP_CLAUSE:
		o2.source = SOURCE_POLE_EMPLOI;
		o2.has_clause = 0;
		break;
	case GAP_LICENCE:
		o2.licences_required &= ~B(r->item);
		break;
	case GAP_SKILL:
		offer_without_skill(&o2, r->item);
		break;
	default:
		/* The offer's radius; else the candidates' (any radius). */
		if (o2.department[0] == '\0' && o2.max_km > 0)
			o2.max_km = 0;
		else {
			o2.department[0] = '\0';
			o2.department_no = 0;
			p = pools[4];
		}
	}
	return pool_eligible(p, &o2, &m) - base;
}

/* Brute-force count of step s of r, less base. */
static uint32_t
recount_step(struct gap_pool *const pools[], const struct offer *o,
    const struct diagnose_req *r, int s, uint32_t base)
{
	struct conf_matching m = defm;
	struct offer o2 = *o;
	const struct gap_pool *p = pools[0];

	if (r->kind == GAP_AVAILABILITY) {
		assert_int_equal(r->step[s], day_steps[s]);
		m.start_slack_days += day_steps[s];
	} else if (o->max_km > 0) {
		assert_int_equal(r->step[s], km_steps[s]);
		o2.max_km += km_steps[s];
	} else
		p = pools[1 + s];	/* radius + km_steps[s] */
	return pool_eligible(p, &o2, &m) - base;
}

static void
check_offer(struct gap_pool *const pools[], const struct offer *o)
{
	struct gap_pool *p = pools[0];
	struct diagnose_result *r;
	struct match_result *mr;
	struct score_query q;
	uint32_t base, want;
	int i, s, nreqs;

	r = diagnose(p->idx, o, p->referred, p->nreferred, &q);
	base = pool_eligible(p, o, &defm);
	if (r->eligible != base)
		fail_msg("offer %s: %u eligible, brute force %u", o->id,
		    r->eligible, base);
	mr = calloc(1, sizeof(*mr));
	assert_non_null(mr);
	rank_offer(p->idx, &q, 1, mr);
	assert_int_equal(mr->eligible, r->eligible);
	free(mr);
	check_invariant(r);

	nreqs = 3 + q.age_rule + q.clause +
	    __builtin_popcount(o->licences_required) + o->nskills_required;
	assert_int_equal(r->nreqs, nreqs);
	for (i = 0; i < r->nreqs; i++) {
		const struct diagnose_req *rq = &r->reqs[i];

		want = recount_alone(pools, o, rq, base);
		if (rq->alone != want)
			fail_msg("offer %s: %s alone %u, brute force %u", o->id,
			    rq->text, rq->alone, want);
		for (s = 0; s < rq->nsteps; s++) {
			want = recount_step(pools, o, rq, s, base);
			if (rq->added[s] != want)
				fail_msg("offer %s: %s step %d: %u, brute "
				    "force %u", o->id, rq->text, s,
				    rq->added[s], want);
			assert_true(rq->added[s] <= rq->alone);
		}
	}
	free(r);
}

static void
random_pools(uint64_t seed)
{
	struct gap_pool *pools[5];
	struct offer o;
	int i, s, some = 0;

	pools[0] = pool_new(seed, 0);
	for (s = 0; s < 3; s++)
		pools[1 + s] = pool_new(seed, km_steps[s]);
	pools[4] = pool_new(seed, POOL_ANY_RADIUS);
	for (i = 0; i < POOL_OFFERS; i++) {
		pool_offer(&o, i);
		check_offer(pools, &o);
		some++;
	}
	assert_int_equal(some, POOL_OFFERS);
	for (s = 0; s < 5; s++)
		pool_free(pools[s]);
}

static void
test_brute_force(void **state)
{
	(void)state;
	pool_each_seed(random_pools);
}

/* Random pools must exercise every count, not agree on zeros. */
static void
test_random_pool_is_not_trivial(void **state)
{
	struct gap_pool *p;
	struct diagnose_result *r;
	struct score_query q;
	struct offer o;
	int i;

	(void)state;
	p = pool_new(pool_seeds[0], 0);
	pool_offer(&o, 0);
	r = diagnose(p->idx, &o, p->referred, p->nreferred, &q);
	assert_true(r->eligible > 0);
	assert_true(r->other > 0);
	for (i = 0; i < r->nreqs; i++) {
		if (r->reqs[i].alone == 0)
			fail_msg("no one excluded by %s alone", r->reqs[i].text);
		if (r->reqs[i].nsteps > 0)
			assert_true(r->reqs[i].added[r->reqs[i].nsteps - 1] >
			    0);
	}
	free(r);
	pool_free(p);
}

static void
test_planted(void **state)
{
	const struct diagnose_req *rq;
	struct diagnose_result *r;
	struct score_query q;
	struct index *idx;
	struct offer o;

	(void)state;
	idx = planted_index(&o);
	r = diagnose(idx, &o, NULL, 0, &q);
	assert_int_equal(r->candidates, PLANTED_WALKED);
	assert_int_equal(r->eligible, PLANTED_ELIGIBLE);
	assert_int_equal(r->other, PLANTED_OTHER);
	check_invariant(r);
	rq = find_req(r, GAP_SKILL, 0);
	assert_non_null(rq);
	assert_int_equal(rq->alone, PLANTED_ONLY_CACES);
	assert_string_equal(rq->text,
	    "CACES R489 cat. 3 exigé : sans lui, +7 candidats");
	rq = find_req(r, GAP_SKILL, 1);
	assert_non_null(rq);
	assert_int_equal(rq->alone, PLANTED_ONLY_SST);
	assert_string_equal(rq->text, "SST exigé : sans lui, +2 candidats");
	assert_string_equal(r->text, "4 candidats éligibles");
	free(r);
	index_free(idx);
}

static void
test_texts(void **state)
{
	const struct diagnose_req *rq;
	struct diagnose_result *r;
	struct score_query q;
	struct index *idx;
	struct candidate c;
	struct offer o;
	int created;

	(void)state;
	idx = index_new(ref);
	/* One who lacks only licence C, one too far by 3 km, one late. */
	default_cand(&c, "lic");
	index_put(idx, &c, &created);
	default_cand(&c, "far");
	c.licences = licence_closure(LIC(C));
	place_cand(&c, "59273");	/* Gravelines, about 14 km */
	index_put(idx, &c, &created);
	default_cand(&c, "late");
	c.licences = licence_closure(LIC(C));
	c.available_from = date_from_ymd(2027, 1, 4) + 14 + 5;
	index_put(idx, &c, &created);
	default_offer(&o, "texts");
	o.licences_required = LIC(C);
	o.max_km = 10;
	o.start = date_from_ymd(2027, 1, 4);
	r = diagnose(idx, &o, NULL, 0, &q);
	rq = find_req(r, GAP_LICENCE, LICENCE_C);
	assert_non_null(rq);
	assert_string_equal(rq->text, "permis C exigé : sans lui, +1 candidat");
	rq = find_req(r, GAP_DISTANCE, -1);
	assert_non_null(rq);
	assert_string_equal(rq->text, "rayon 10 km : à 15 km, +1 ; à 20 km, "
	    "+1 ; à 30 km, +1 ; sans lui, +1 candidat");
	rq = find_req(r, GAP_AVAILABILITY, -1);
	assert_non_null(rq);
	assert_string_equal(rq->text, "début le 04/01 : au 11/01, +1 ; au "
	    "18/01, +1 ; sans condition de date, +1 candidat");
	rq = find_req(r, GAP_CONTRACT, -1);
	assert_non_null(rq);
	assert_string_equal(rq->text, "contrat CDI : sans lui, +0 candidat");
	assert_string_equal(r->text, "0 candidat éligible");
	free(r);
	index_free(idx);
}

static void
test_no_candidates(void **state)
{
	struct diagnose_result *r;
	struct score_query q;
	struct index *idx;
	struct offer o;
	int i;

	(void)state;
	idx = index_new(ref);
	pool_offer(&o, 0);
	r = diagnose(idx, &o, NULL, 0, &q);
	assert_int_equal(r->candidates, 0);
	assert_int_equal(r->eligible, 0);
	assert_int_equal(r->other, 0);
	assert_int_equal(r->nreqs, 3 + 1 + 2);
	for (i = 0; i < r->nreqs; i++)
		assert_int_equal(r->reqs[i].alone, 0);
	free(r);
	index_free(idx);
}

/* Contract, start and distance only: every offer has those three. */
static void
test_offer_asking_for_nothing(void **state)
{
	struct diagnose_result *r;
	struct score_query q;
	struct gap_pool *p;
	struct offer o;

	(void)state;
	p = pool_new(99u, 0);
	default_offer(&o, "nothing");
	r = diagnose(p->idx, &o, p->referred, p->nreferred, &q);
	assert_int_equal(r->nreqs, 3);
	assert_int_equal(r->reqs[0].kind, GAP_CONTRACT);
	assert_int_equal(r->reqs[1].kind, GAP_AVAILABILITY);
	assert_int_equal(r->reqs[2].kind, GAP_DISTANCE);
	assert_int_equal(r->eligible, pool_eligible(p, &o, &defm));
	check_invariant(r);
	assert_non_null(strstr(r->reqs[2].text, "rayon des candidats : +5 km"));
	free(r);
	pool_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_brute_force),
		cmocka_unit_test(test_random_pool_is_not_trivial),
		cmocka_unit_test(test_planted),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_no_candidates),
		cmocka_unit_test(test_offer_asking_for_nothing),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
