/*
 * Tests for rank.c: order (score, then id), the limit and its clamping,
 * the considered/eligible/excluded accounting, one scoring per candidate
 * of a domain, the sector pool, determinism, and agreement with a
 * brute-force sort of score_candidate_full() over a random pool.
 *
 * "today" is fixed; the random pool comes from a fixed seed.
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

#include "conf.h"
#include "dates.h"
#include "domain.h"
#include "index.h"
#include "offer.h"
#include "rank.h"
#include "refdata.h"
#include "score.h"

#include "../lib/core_fixture.h"

static uint32_t
put(struct index *idx, const struct candidate *c)
{
	uint32_t slot;
	int created;

	slot = index_put(idx, c, &created);
	assert_int_not_equal(slot, INDEX_NONE);
	return slot;
}

static const char *
id_of(const struct index *idx, const struct match_result *mr, int i)
{
	return idx->recs[mr->top[i].slot].id;
}

static struct match_result *
rank(const struct index *idx, const struct offer *o,
    const struct conf_matching *m, int limit)
{
	struct match_result *mr;
	struct score_query q;

	mr = calloc(1, sizeof(*mr));
	assert_non_null(mr);
	score_prepare(&q, o, idx, m, TODAY, NULL, 0);
	rank_offer(idx, &q, limit, mr);
	return mr;
}

static uint32_t
excluded_sum(const struct match_result *mr)
{
	uint32_t sum = 0;
	int f;

	for (f = 0; f < FILTER_COUNT; f++)
		sum += mr->excluded[f];
	return sum;
}

static void
check_accounting(const struct match_result *mr)
{
	if (mr->considered - mr->eligible != excluded_sum(mr))
		fail_msg("considered %u - eligible %u != excluded %u",
		    mr->considered, mr->eligible, excluded_sum(mr));
	assert_true(mr->ntop >= 0 && (uint32_t)mr->ntop <= mr->eligible);
}

/* Best first: score descending, then id ascending. */
static void
check_order(const struct index *idx, const struct match_result *mr)
{
	const struct suggestion *a, *b;
	int i;

	for (i = 1; i < mr->ntop; i++) {
		a = &mr->top[i - 1];
		b = &mr->top[i];
		if (a->r.score < b->r.score || (a->r.score == b->r.score &&
		    strcmp(idx->recs[a->slot].id, idx->recs[b->slot].id) >= 0))
			fail_msg("rank %d (%s %.1f) before rank %d (%s %.1f)",
			    i - 1, idx->recs[a->slot].id, a->r.score, i,
			    idx->recs[b->slot].id, b->r.score);
	}
}

static void
test_ties_broken_by_id(void **state)
{
	struct index *idx;
	struct candidate c;
	struct offer o;
	struct match_result *mr;
	static const char *const ids[] = { "b", "a", "c" };
	size_t i;

	(void)state;
	idx = index_new(ref);
	for (i = 0; i < 3; i++) {
		default_cand(&c, ids[i]);
		put(idx, &c);
	}
	default_offer(&o, "o1");
	mr = rank(idx, &o, &defm, 20);
	assert_int_equal(mr->ntop, 3);
	assert_string_equal(id_of(idx, mr, 0), "a");
	assert_string_equal(id_of(idx, mr, 1), "b");
	assert_string_equal(id_of(idx, mr, 2), "c");
	assert_true(mr->top[0].r.score == mr->top[2].r.score);
	/* With a limit of 2 the last in id order is the one left out. */
	free(mr);
	mr = rank(idx, &o, &defm, 2);
	assert_int_equal(mr->ntop, 2);
	assert_string_equal(id_of(idx, mr, 0), "a");
	assert_string_equal(id_of(idx, mr, 1), "b");
	free(mr);
	index_free(idx);
}

static void
test_ranked_by_score_descending(void **state)
{
	static const struct { const char *id, *insee; int months; } cs[] = {
		{ "a-far", "59663", 24 },	/* Wormhout, ~20 km */
		{ "b-near", DUNKERQUE, 24 },
		{ "c-mid", "59273", 24 },	/* Gravelines, ~14 km */
		{ "d-near-junior", DUNKERQUE, 0 },
	};
	struct index *idx;
	struct candidate c;
	struct offer o;
	struct match_result *mr;
	size_t i;

	(void)state;
	idx = index_new(ref);
	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		default_cand(&c, cs[i].id);
		place_cand(&c, cs[i].insee);
		c.jobs[0].months = cs[i].months;
		put(idx, &c);
	}
	default_offer(&o, "o1");
	mr = rank(idx, &o, &defm, 20);
	assert_int_equal(mr->ntop, 4);
	check_order(idx, mr);
	assert_string_equal(id_of(idx, mr, 0), "b-near");
	assert_string_equal(id_of(idx, mr, 1), "d-near-junior");
	assert_string_equal(id_of(idx, mr, 2), "c-mid");
	assert_string_equal(id_of(idx, mr, 3), "a-far");
	assert_true(mr->top[0].r.score > mr->top[1].r.score);
	assert_true(mr->top[2].r.score > mr->top[3].r.score);
	free(mr);
	index_free(idx);
}

static void
test_limit_respected_and_clamped(void **state)
{
	static const struct { int limit, want; } cases[] = {
		{ 1, 1 }, { 7, 7 }, { 20, 20 }, { 200, 200 }, { 201, 200 },
		{ 1000, 200 }, { 0, 1 }, { -5, 1 },
	};
	struct index *idx;
	struct candidate c;
	struct offer o;
	struct match_result *mr;
	char id[16];
	size_t k;
	int i;

	(void)state;
	idx = index_new(ref);
	/* 250 identical candidates: the top is the id order. */
	for (i = 0; i < 250; i++) {
		snprintf(id, sizeof(id), "c%03d", 249 - i);
		default_cand(&c, id);
		put(idx, &c);
	}
	default_offer(&o, "o1");
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		mr = rank(idx, &o, &defm, cases[k].limit);
		if (mr->ntop != cases[k].want)
			fail_msg("limit %d: %d suggestions, want %d",
			    cases[k].limit, mr->ntop, cases[k].want);
		assert_int_equal(mr->eligible, 250);
		check_order(idx, mr);
		for (i = 0; i < mr->ntop; i++) {
			snprintf(id, sizeof(id), "c%03d", i);
			assert_string_equal(id_of(idx, mr, i), id);
		}
		free(mr);
	}
	/* Fewer eligible than the limit: all of them. */
	default_offer(&o, "o2");
	o.contract = CONTRACT_CDD;
	for (i = 0; i < 240; i++) {
		snprintf(id, sizeof(id), "c%03d", i);
		default_cand(&c, id);
		c.contracts = B(CONTRACT_CDI);
		put(idx, &c);
	}
	mr = rank(idx, &o, &defm, 20);
	assert_int_equal(mr->eligible, 10);
	assert_int_equal(mr->ntop, 10);
	assert_string_equal(id_of(idx, mr, 0), "c240");
	assert_int_equal(mr->excluded[FILTER_CONTRACT], 240);
	check_accounting(mr);
	free(mr);
	index_free(idx);
}

static void
test_accounting_per_filter(void **state)
{
	struct index *idx;
	struct candidate c;
	struct offer o;
	struct match_result *mr;

	(void)state;
	idx = index_new(ref);
	default_offer(&o, "o1");
	o.licences_required = LIC(B);

	default_cand(&c, "ok1");
	put(idx, &c);
	default_cand(&c, "ok2");
	set_job(&c, 0, "F1703", 5);		/* same domain */
	put(idx, &c);
	default_cand(&c, "placed");
	c.status = STATUS_PLACED;
	put(idx, &c);
	default_cand(&c, "paused");
	c.status = STATUS_PAUSED;
	set_job(&c, 0, "G1602", 5);		/* status first */
	put(idx, &c);
	default_cand(&c, "cook");
	set_job(&c, 0, "G1602", 5);
	put(idx, &c);
	default_cand(&c, "nojob");
	c.njobs = 0;
	put(idx, &c);
	default_cand(&c, "cdd");
	c.contracts = B(CONTRACT_CDD);
	put(idx, &c);
	default_cand(&c, "later");
	c.available_from = TODAY + 60;
	put(idx, &c);
	default_cand(&c, "nolicence");
	c.licences = 0;
	put(idx, &c);
	default_cand(&c, "lille");
	place_cand(&c, "59350");
	put(idx, &c);
	/* Another sector: not in the pool at all. */
	default_cand(&c, "tertiaire");
	c.sectors = B(SECTOR_TERTIAIRE);
	put(idx, &c);
	default_cand(&c, "tertiaire-placed");
	c.sectors = B(SECTOR_TERTIAIRE);
	c.status = STATUS_PLACED;
	put(idx, &c);

	mr = rank(idx, &o, &defm, 20);
	check_accounting(mr);
	assert_int_equal(mr->considered, 10);
	assert_int_equal(mr->eligible, 2);
	assert_int_equal(mr->ntop, 2);
	assert_int_equal(mr->excluded[FILTER_STATUS], 2);
	assert_int_equal(mr->excluded[FILTER_ROME], 2);
	assert_int_equal(mr->excluded[FILTER_CONTRACT], 1);
	assert_int_equal(mr->excluded[FILTER_AVAILABILITY], 1);
	assert_int_equal(mr->excluded[FILTER_LICENCES], 1);
	assert_int_equal(mr->excluded[FILTER_DISTANCE], 1);
	assert_int_equal(mr->excluded[FILTER_ALREADY_REFERRED], 0);
	assert_string_equal(id_of(idx, mr, 0), "ok1");
	assert_string_equal(id_of(idx, mr, 1), "ok2");
	free(mr);

	/* Exact code only: ok2 is now a rome exclusion. */
	{
		struct conf_matching m = defm;

		m.rome_domain = 0;
		mr = rank(idx, &o, &m, 20);
		check_accounting(mr);
		assert_int_equal(mr->eligible, 1);
		assert_int_equal(mr->excluded[FILTER_ROME], 3);
		free(mr);
	}
	index_free(idx);
}

static void
test_already_referred_counted(void **state)
{
	struct index *idx;
	struct candidate c;
	struct offer o;
	struct match_result mr;
	struct score_query q;
	uint32_t referred[2], s;
	char id[8];
	int i;

	(void)state;
	idx = index_new(ref);
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		default_cand(&c, id);
		s = put(idx, &c);
		if (i == 1)
			referred[0] = s;
		if (i == 3)
			referred[1] = s;
	}
	default_offer(&o, "o1");
	score_prepare(&q, &o, idx, &defm, TODAY, referred, 2);
	rank_offer(idx, &q, 20, &mr);
	check_accounting(&mr);
	assert_int_equal(mr.eligible, 3);
	assert_int_equal(mr.excluded[FILTER_ALREADY_REFERRED], 2);
	assert_string_equal(id_of(idx, &mr, 0), "c0");
	assert_string_equal(id_of(idx, &mr, 1), "c2");
	assert_string_equal(id_of(idx, &mr, 2), "c4");
	index_free(idx);
}

static void
test_two_codes_in_domain_counted_once(void **state)
{
	struct conf_matching m = defm;
	struct index *idx;
	struct candidate c;
	struct offer o;
	struct match_result *mr;

	(void)state;
	idx = index_new(ref);
	default_cand(&c, "both");
	set_job(&c, 0, "F1702", 12);
	set_job(&c, 1, "F1701", 24);
	set_job(&c, 2, "F1705", 3);
	put(idx, &c);
	default_cand(&c, "neighbours");
	set_job(&c, 0, "F1705", 12);
	set_job(&c, 1, "F1703", 6);
	put(idx, &c);
	default_cand(&c, "excluded-twice-listed");
	set_job(&c, 0, "F1703", 12);
	set_job(&c, 1, "F1702", 6);
	c.contracts = B(CONTRACT_CDD);
	put(idx, &c);
	default_offer(&o, "o1");

	mr = rank(idx, &o, &m, 20);
	check_accounting(mr);
	assert_int_equal(mr->considered, 3);
	assert_int_equal(mr->eligible, 2);
	assert_int_equal(mr->ntop, 2);
	assert_int_equal(mr->excluded[FILTER_CONTRACT], 1);
	/* The exact match is the one scored. */
	assert_string_equal(id_of(idx, mr, 0), "both");
	assert_int_equal(mr->top[0].r.exact, 1);
	assert_string_equal(id_of(idx, mr, 1), "neighbours");
	assert_int_equal(mr->top[1].r.exact, 0);
	free(mr);

	/* An offer in F1703: "both" is scored once, as a neighbour. */
	o.rome_id = rome("F1703");
	snprintf(o.rome, sizeof(o.rome), "F1703");
	mr = rank(idx, &o, &m, 20);
	check_accounting(mr);
	assert_int_equal(mr->eligible, 2);
	assert_int_equal(mr->ntop, 2);
	assert_true(strcmp(id_of(idx, mr, 0), id_of(idx, mr, 1)) != 0);
	free(mr);

	m.rome_domain = 0;
	o.rome_id = rome("F1701");
	snprintf(o.rome, sizeof(o.rome), "F1701");
	mr = rank(idx, &o, &m, 20);
	check_accounting(mr);
	assert_int_equal(mr->eligible, 1);
	assert_int_equal(mr->ntop, 1);
	assert_int_equal(mr->excluded[FILTER_ROME], 2);
	free(mr);
	index_free(idx);
}

/*
 * A candidate seeking two neighbours of the offer's code, the first listed
 * with no experience: the ranker must give the score that
 * score_candidate_full() gives (SCORING.md: score.c implements the rules,
 * rank.c only decides whom to score and keeps the best).
 */
static void
test_neighbour_jobs_scored_as_score_candidate_full(void **state)
{
	struct index *idx;
	struct candidate c;
	struct offer o;
	struct match_result *mr;
	struct score_query q;
	struct score_result r;
	uint32_t slot;
	int f;

	(void)state;
	idx = index_new(ref);
	default_cand(&c, "two-neighbours");
	set_job(&c, 0, "F1705", 0);
	set_job(&c, 1, "F1702", 18);
	slot = put(idx, &c);
	default_offer(&o, "o1");
	mr = rank(idx, &o, &defm, 20);
	score_prepare(&q, &o, idx, &defm, TODAY, NULL, 0);
	memset(&r, 0, sizeof(r));
	f = score_candidate_full(&q, idx, slot, &r);
	index_free(idx);
	assert_int_equal(f, -1);
	assert_int_equal(mr->ntop, 1);
	if (mr->top[0].r.score != r.score ||
	    mr->top[0].r.comp[COMP_EXPERIENCE] != r.comp[COMP_EXPERIENCE]) {
		double a = mr->top[0].r.score, b = r.score;
		double ea = mr->top[0].r.comp[COMP_EXPERIENCE];
		double eb = r.comp[COMP_EXPERIENCE];

		free(mr);
		fail_msg("rank_offer %.1f (experience %.2f), "
		    "score_candidate_full %.1f (experience %.2f)", a, ea, b,
		    eb);
	}
	free(mr);
}

static void
test_other_sector_not_considered(void **state)
{
	static const struct {
		int		 sector;	/* of the offer */
		int		 n;	/* considered, eligible and ranked */
		const char	*top[2];
	} cases[] = {
		{ SECTOR_BATIMENT, 2, { "b-both", "c-batiment" } },
		/* The same job offered in the tertiary sector. */
		{ SECTOR_TERTIAIRE, 2, { "a-tertiaire", "b-both" } },
		/* Nobody in the hotel sector. */
		{ SECTOR_HOTELLERIE, 0, { NULL, NULL } },
	};
	struct index *idx;
	struct candidate c;
	struct offer o;
	struct match_result *mr;
	size_t i;
	int j;

	(void)state;
	idx = index_new(ref);
	default_cand(&c, "a-tertiaire");
	c.sectors = B(SECTOR_TERTIAIRE);
	put(idx, &c);
	default_cand(&c, "b-both");
	c.sectors = B(SECTOR_TERTIAIRE) | B(SECTOR_BATIMENT);
	put(idx, &c);
	default_cand(&c, "c-batiment");
	put(idx, &c);
	default_offer(&o, "o1");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o.sector = cases[i].sector;
		mr = rank(idx, &o, &defm, 20);
		check_accounting(mr);
		assert_int_equal(mr->considered, cases[i].n);
		assert_int_equal(mr->eligible, cases[i].n);
		assert_int_equal(mr->ntop, cases[i].n);
		for (j = 0; j < mr->ntop; j++)
			assert_string_equal(id_of(idx, mr, j),
			    cases[i].top[j]);
		free(mr);
	}
	index_free(idx);
}

/* --- random pools --- */

static uint32_t rng_state;

static uint32_t
rng(void)
{
	/* xorshift32 */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static int
pick(int n)
{
	return (int)(rng() % (uint32_t)n);
}

static const char *const pool_codes[] = { "F1701", "F1702", "F1703",
    "F1704", "F1705", "F1101", "G1602", "H2601" };
static const char *const pool_communes[] = { DUNKERQUE, "59273", "59663",
    "59350", "62193", "59512" };
static const char *const pool_skills[] = { "sst", "oppbtp", "aipr",
    "caces-r489-3", "habilitation-b0", "permis-engins" };

/* 1: list each random candidate's jobs in code order. */
static int jobs_in_code_order;

static int
cmp_job(const void *a, const void *b)
{
	const struct cand_job *x = a, *y = b;

	return x->rome_id - y->rome_id;
}

static void
random_cand(struct candidate *c, int i)
{
	char id[RECORD_ID_MAX + 1];
	int j, k, n, code, dup;

	snprintf(id, sizeof(id), "%04x-%d", rng() & 0xffff, i);
	default_cand(c, id);
	c->sectors = pick(10) == 0 ? B(SECTOR_TERTIAIRE) :
	    B(SECTOR_BATIMENT) | (pick(4) == 0 ? B(SECTOR_INDUSTRIE) : 0);
	n = 1 + pick(3);
	c->njobs = 0;
	for (j = 0; j < n; j++) {
		code = pick(8);
		for (dup = 0, k = 0; k < c->njobs; k++)
			if (strcmp(c->jobs[k].rome, pool_codes[code]) == 0)
				dup = 1;
		if (!dup)
			set_job(c, c->njobs, pool_codes[code], pick(5) * 6);
	}
	if (jobs_in_code_order)
		qsort(c->jobs, c->njobs, sizeof(c->jobs[0]), cmp_job);
	c->status = pick(8) == 0 ? 1 + pick(STATUS_COUNT - 1) :
	    STATUS_AVAILABLE;
	if (pick(4) == 0)
		c->contracts = 1 + pick((int)B(CONTRACT_COUNT) - 1);
	if (pick(4) == 0)
		c->available_from = TODAY - 30 + pick(60);
	c->birth_date = pick(10) == 0 ? DATE_NONE :
	    date_from_ymd(1960 + pick(50), 1 + pick(12), 1 + pick(28));
	c->criteria = 0;
	for (k = 0; k < 3; k++)
		if (pick(3) == 0)
			c->criteria |= B(pick(CRITERION_COUNT));
	c->barriers = pick(3) == 0 ? (uint32_t)pick(16) : 0;
	switch (pick(4)) {
	case 0: c->licences = 0; break;
	case 1: c->licences = LIC(B); break;
	case 2: c->licences = LIC(C); break;
	default: c->licences = LIC(CE); break;
	}
	c->vehicle = pick(3) != 0;
	c->level = pick(9);
	place_cand(c, pool_communes[pick(6)]);
	/* Some anywhere in the area: distances close to every radius. */
	if (pick(3) == 0) {
		c->commune[0] = '\0';
		c->lat = 50.6 + pick(50001) / 100000.0;
		c->lon = 1.8 + pick(140001) / 100000.0;
	}
	c->radius_km = 1 + pick(70);
	c->nskills = 0;
	for (k = 0; k < 6; k++)
		if (pick(3) == 0)
			snprintf(c->skills[c->nskills++], SKILL_MAX_LEN + 1,
			    "%s", pool_skills[k]);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct pool {
	struct index	*idx;
	uint32_t	*referred;
	size_t		 nreferred;
};

/*
 * About 2000 candidates, with clones (ties), deletions (free slots) and
 * re-insertions, and some referrals.
 */
static void
build_pool(struct pool *p, uint32_t seed)
{
	struct candidate c;
	char id[RECORD_ID_MAX + 1];
	uint32_t slot, i;
	size_t n;

	rng_state = seed;
	memset(p, 0, sizeof(*p));
	p->idx = index_new(ref);
	p->referred = calloc(2100, sizeof(uint32_t));
	assert_non_null(p->referred);
	for (i = 0; i < 2000; i++) {
		random_cand(&c, (int)i);
		slot = put(p->idx, &c);
		/* A few exact clones under other ids. */
		if (i % 40 == 0) {
			memcpy(id, c.id, sizeof(id));
			snprintf(c.id, sizeof(c.id), "clone-%.40s", id);
			put(p->idx, &c);
			snprintf(c.id, sizeof(c.id), "%s", id);
		}
		if (pick(20) == 0)
			index_referral_opened(p->idx, slot, TODAY - pick(40));
		if (pick(30) == 0)
			index_referral_seen(p->idx, slot, TODAY - pick(40));
		if (pick(25) == 0 && p->nreferred < 2100)
			p->referred[p->nreferred++] = slot;
		/* Delete some, and put some back changed. */
		if (i % 97 == 5) {
			assert_int_equal(index_delete(p->idx, c.id), 0);
			if (i % 2) {
				set_job(&c, 0, "F1701", 36);
				put(p->idx, &c);
			}
		}
	}
	/* Referred slots must be live and sorted, once each. */
	qsort(p->referred, p->nreferred, sizeof(uint32_t), cmp_u32);
	for (i = 0, n = 0; i < p->nreferred; i++)
		if (index_next(p->idx, p->referred[i], 0) == p->referred[i] &&
		    (n == 0 || p->referred[n - 1] != p->referred[i]))
			p->referred[n++] = p->referred[i];
	p->nreferred = n;
}

static void
free_pool(struct pool *p)
{
	index_free(p->idx);
	free(p->referred);
}

struct scored {
	uint32_t		 slot;
	struct score_result	 r;
};

static const struct index *sort_idx;

/* On a mismatch: the ranker's view of a suggestion and the scorer's. */
static void
explain(const struct index *idx, const struct score_query *q,
    const struct suggestion *s)
{
	const struct cand_rec *c = &idx->recs[s->slot];
	struct score_result r;
	int f, j, k;

	memset(&r, 0, sizeof(r));
	f = score_candidate_full(q, idx, s->slot, &r);
	fprintf(stderr, "%s, jobs:", c->id);
	for (j = 0; j < c->njobs; j++)
		fprintf(stderr, " %s/%d", idx->ref->rome[c->ext[2 * j]].code,
		    c->ext[2 * j + 1]);
	fprintf(stderr, "\n  rank_offer: %.1f (%s %d months)",
	    s->r.score, idx->ref->rome[s->r.rome_id].code, s->r.months);
	for (k = 0; k < COMP_COUNT; k++)
		fprintf(stderr, " %s=%.3f", score_comp_name(k), s->r.comp[k]);
	fprintf(stderr, "\n  score_candidate_full: ");
	if (f >= 0) {
		fprintf(stderr, "excluded (%s)\n", score_filter_name(f));
		return;
	}
	fprintf(stderr, "%.1f (%s %d months)", r.score,
	    idx->ref->rome[r.rome_id].code, r.months);
	for (k = 0; k < COMP_COUNT; k++)
		fprintf(stderr, " %s=%.3f", score_comp_name(k), r.comp[k]);
	fprintf(stderr, "\n");
}

static int
cmp_scored(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	if (x->r.score != y->r.score)
		return x->r.score > y->r.score ? -1 : 1;
	return strcmp(sort_idx->recs[x->slot].id, sort_idx->recs[y->slot].id);
}

/* The first disagreement, reported once the pool is freed. */
static char mismatch[512];

#define MISMATCH(...) do {						\
	snprintf(mismatch, sizeof(mismatch), __VA_ARGS__);		\
	bad = -1;							\
	goto out;							\
} while (0)

/*
 * Rank o over the pool with rank_offer() and by brute force: every live
 * record scored with score_candidate_full(), sorted.  Both must agree on
 * every count and on the top, component for component.
 */
static int
check_against_brute_force(struct pool *p, const struct offer *o,
    const struct conf_matching *m, int limit, int with_referred)
{
	struct index *idx = p->idx;
	struct match_result *mr;
	struct score_query q;
	struct scored *all;
	uint32_t considered = 0, eligible = 0, excluded[FILTER_COUNT];
	uint32_t slot, n = 0;
	int f, i, k, want, bad = 0;

	mr = calloc(1, sizeof(*mr));
	all = calloc(idx->nrecs + 1, sizeof(*all));
	assert_non_null(mr);
	assert_non_null(all);
	memset(excluded, 0, sizeof(excluded));
	score_prepare(&q, o, idx, m, TODAY, with_referred ? p->referred : NULL,
	    with_referred ? p->nreferred : 0);
	rank_offer(idx, &q, limit, mr);

	/* Every live record of the offer's sector, through index_next(). */
	for (slot = index_next(idx, 0, q.sector_bit); slot != INDEX_NONE;
	    slot = index_next(idx, slot + 1, q.sector_bit)) {
		considered++;
		memset(&all[n].r, 0, sizeof(all[n].r));
		f = score_candidate_full(&q, idx, slot, &all[n].r);
		if (f >= 0) {
			excluded[f]++;
			continue;
		}
		eligible++;
		all[n++].slot = slot;
	}
	sort_idx = idx;
	qsort(all, n, sizeof(*all), cmp_scored);

	if (mr->considered - mr->eligible != excluded_sum(mr))
		MISMATCH("offer %s: considered %u - eligible %u != excluded %u",
		    o->id, mr->considered, mr->eligible, excluded_sum(mr));
	if (mr->considered != considered || mr->eligible != eligible)
		MISMATCH("offer %s: considered %u eligible %u, brute force %u "
		    "%u", o->id, mr->considered, mr->eligible, considered,
		    eligible);
	for (f = 0; f < FILTER_COUNT; f++)
		if (mr->excluded[f] != excluded[f])
			MISMATCH("offer %s: excluded %s %u, brute force %u",
			    o->id, score_filter_name(f), mr->excluded[f],
			    excluded[f]);
	if (limit < 1)
		limit = 1;
	if (limit > PROTO_LIMIT_MAX)
		limit = PROTO_LIMIT_MAX;
	want = (int)n < limit ? (int)n : limit;
	if (mr->ntop != want)
		MISMATCH("offer %s: %d suggestions, want %d", o->id, mr->ntop,
		    want);
	for (i = 0; i < want; i++) {
		const struct score_result *a = &mr->top[i].r, *b = &all[i].r;

		if (mr->top[i].slot != all[i].slot || a->score != b->score) {
			explain(idx, &q, &mr->top[i]);
			MISMATCH("offer %s rank %d: %s %.1f, brute force %s "
			    "%.1f", o->id, i, idx->recs[mr->top[i].slot].id,
			    a->score, idx->recs[all[i].slot].id, b->score);
		}
		if (fabs(a->distance_km - b->distance_km) > 1e-9 ||
		    a->exact != b->exact || a->criteria != b->criteria ||
		    a->rome_id != b->rome_id || a->months != b->months) {
			explain(idx, &q, &mr->top[i]);
			MISMATCH("offer %s rank %d (%s): result differs from "
			    "score_candidate_full", o->id, i,
			    idx->recs[all[i].slot].id);
		}
		for (k = 0; k < COMP_COUNT; k++)
			if (fabs(a->comp[k] - b->comp[k]) > 1e-12)
				MISMATCH("offer %s rank %d (%s): %s %.4f, "
				    "brute force %.4f", o->id, i,
				    idx->recs[all[i].slot].id,
				    score_comp_name(k), a->comp[k], b->comp[k]);
	}
out:
	free(all);
	free(mr);
	return bad;
}

#define CHECK(p, o, m, limit, referred) do {				\
	if (check_against_brute_force((p), (o), (m), (limit),		\
	    (referred)) != 0) {						\
		free_pool(p);						\
		fail_msg("%s", mismatch);				\
	}								\
} while (0)

static void
brute_force_offers(uint32_t seed, int in_code_order)
{
	struct conf_matching m = defm;
	struct pool p;
	struct offer o;

	jobs_in_code_order = in_code_order;
	build_pool(&p, seed);
	jobs_in_code_order = 0;
	assert_true(p.idx->live > 1900);

	default_offer(&o, "plain");
	CHECK(&p, &o, &m, 20, 0);
	CHECK(&p, &o, &m, 1, 0);
	CHECK(&p, &o, &m, 200, 0);
	CHECK(&p, &o, &m, 20, 1);

	m.rome_domain = 0;
	default_offer(&o, "exact-only");
	CHECK(&p, &o, &m, 50, 0);
	m = defm;

	default_offer(&o, "demanding");
	snprintf(o.rome, sizeof(o.rome), "F1703");
	o.rome_id = rome("F1703");
	o.experience_months = 12;
	o.level_min = 3;
	o.licences_required = LIC(B);
	snprintf(o.skills_wanted[0], SKILL_MAX_LEN + 1, "sst");
	snprintf(o.skills_wanted[1], SKILL_MAX_LEN + 1, "aipr");
	snprintf(o.skills_wanted[2], SKILL_MAX_LEN + 1, "nobody");
	o.nskills_wanted = 3;
	o.working_time = WORKTIME_PART;
	CHECK(&p, &o, &m, 200, 1);

	default_offer(&o, "clause");
	o.source = SOURCE_CLAUSE;
	o.has_clause = 1;
	snprintf(o.clause.operation, sizeof(o.clause.operation), "op");
	o.start = TODAY + 20;
	CHECK(&p, &o, &m, 20, 0);

	default_offer(&o, "youth");
	o.source = SOURCE_PLATEFORME_JEUNES;
	o.contract = CONTRACT_ALTERNANCE;
	CHECK(&p, &o, &m, 20, 0);

	default_offer(&o, "near-lille");
	{
		const struct commune *cm = refdata_commune(ref, "59350", 5);

		o.lat = cm->lat;
		o.lon = cm->lon;
	}
	o.max_km = 10;
	snprintf(o.skills_required[0], SKILL_MAX_LEN + 1, "sst");
	o.nskills_required = 1;
	CHECK(&p, &o, &m, 20, 0);

	default_offer(&o, "industry");
	set_offer_rome(&o, "H2601");
	assert_int_equal(o.sector, SECTOR_INDUSTRIE);
	CHECK(&p, &o, &m, 20, 0);

	/* Weights that make many ties. */
	memset(&m.w, 0, sizeof(m.w));
	m.w.job = 1;
	default_offer(&o, "ties");
	CHECK(&p, &o, &m, 200, 0);
	free_pool(&p);
}

static void
test_top_k_equals_brute_force(void **state)
{
	(void)state;
	brute_force_offers(20261129u, 0);
}

/*
 * The same with every candidate's jobs listed in code order, where the
 * choice among several neighbouring jobs cannot differ: isolates the
 * ranker's pre-filter, pruning and counting.
 */
static void
test_top_k_equals_brute_force_jobs_in_code_order(void **state)
{
	(void)state;
	brute_force_offers(20261129u, 1);
	brute_force_offers(99u, 1);
}

static void
test_results_identical_across_runs(void **state)
{
	struct pool p, p2;
	struct offer o;
	struct match_result *a, *b;
	int run, i;

	(void)state;
	build_pool(&p, 42u);
	default_offer(&o, "o1");
	a = rank(p.idx, &o, &defm, 200);
	for (run = 0; run < 3; run++) {
		b = rank(p.idx, &o, &defm, 200);
		assert_int_equal(a->considered, b->considered);
		assert_int_equal(a->eligible, b->eligible);
		assert_memory_equal(a->excluded, b->excluded,
		    sizeof(a->excluded));
		assert_int_equal(a->ntop, b->ntop);
		for (i = 0; i < a->ntop; i++) {
			assert_int_equal(a->top[i].slot, b->top[i].slot);
			assert_true(a->top[i].r.score == b->top[i].r.score);
			assert_memory_equal(a->top[i].r.comp, b->top[i].r.comp,
			    sizeof(a->top[i].r.comp));
		}
		free(b);
	}
	/* The same pool built again: same ids in the same order. */
	build_pool(&p2, 42u);
	b = rank(p2.idx, &o, &defm, 200);
	assert_int_equal(a->ntop, b->ntop);
	for (i = 0; i < a->ntop; i++) {
		assert_string_equal(id_of(p.idx, a, i), id_of(p2.idx, b, i));
		assert_true(a->top[i].r.score == b->top[i].r.score);
	}
	free(b);
	free_pool(&p2);
	free(a);
	free_pool(&p);
}

static void
test_insertion_order_does_not_matter(void **state)
{
	struct index *fwd, *rev;
	struct candidate *cs;
	struct offer o;
	struct match_result *a, *b;
	int i, n = 600;

	(void)state;
	cs = calloc(n, sizeof(*cs));
	assert_non_null(cs);
	rng_state = 7u;
	for (i = 0; i < n; i++)
		random_cand(&cs[i], i);
	fwd = index_new(ref);
	rev = index_new(ref);
	for (i = 0; i < n; i++) {
		put(fwd, &cs[i]);
		put(rev, &cs[n - 1 - i]);
	}
	default_offer(&o, "o1");
	a = rank(fwd, &o, &defm, 200);
	b = rank(rev, &o, &defm, 200);
	assert_true(a->ntop > 20);
	assert_int_equal(a->ntop, b->ntop);
	assert_int_equal(a->eligible, b->eligible);
	assert_memory_equal(a->excluded, b->excluded, sizeof(a->excluded));
	for (i = 0; i < a->ntop; i++) {
		assert_string_equal(id_of(fwd, a, i), id_of(rev, b, i));
		assert_true(a->top[i].r.score == b->top[i].r.score);
	}
	free(a);
	free(b);
	index_free(fwd);
	index_free(rev);
	free(cs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ties_broken_by_id),
		cmocka_unit_test(test_ranked_by_score_descending),
		cmocka_unit_test(test_limit_respected_and_clamped),
		cmocka_unit_test(test_accounting_per_filter),
		cmocka_unit_test(test_already_referred_counted),
		cmocka_unit_test(test_two_codes_in_domain_counted_once),
		cmocka_unit_test(
		    test_neighbour_jobs_scored_as_score_candidate_full),
		cmocka_unit_test(test_other_sector_not_considered),
		cmocka_unit_test(test_top_k_equals_brute_force),
		cmocka_unit_test(
		    test_top_k_equals_brute_force_jobs_in_code_order),
		cmocka_unit_test(test_results_identical_across_runs),
		cmocka_unit_test(test_insertion_order_does_not_matter),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
