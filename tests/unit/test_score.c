/*
 * Tests for score.c against docs/SCORING.md: each hard filter excludes
 * under its own name and only when it should, each soft component follows
 * its formula, one fully specified case is worked out by hand from the
 * default weights, and the French reasons read as documented without ever
 * passing SCORE_REASON_MAX.
 *
 * Candidates and offers are built as structs from a valid default that
 * each test tweaks (tests/lib/core_fixture.h); "today" is fixed, never
 * the clock.
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
#include "geo.h"
#include "index.h"
#include "offer.h"
#include "refdata.h"
#include "score.h"

#include "../lib/core_fixture.h"

#define GRAVELINES	"59273"

static void
assert_near(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("got %.6f, want %.6f +- %.6f", got, want, tol);
}

/* A clause offer of operation anru-1 with these criteria (0: default). */
static void
clause_offer(struct offer *o, uint32_t criteria)
{
	default_offer(o, "o1");
	o->source = SOURCE_CLAUSE;
	o->has_clause = 1;
	snprintf(o->clause.operation, sizeof(o->clause.operation), "anru-1");
	o->clause.criteria = criteria;
	o->clause.hours = 400;
}

/* A one-candidate index kept alive for reasons. */
struct world {
	struct index		*idx;
	struct score_query	 q;
	uint32_t		 slot;
	struct score_result	 res;
	int			 f;
};

/* Score the candidate (again, after its referrals changed). */
static int
world_rescore(struct world *w)
{
	w->f = score_candidate_full(&w->q, w->idx, w->slot, &w->res);
	return w->f;
}

static void
world_open(struct world *w, const struct candidate *c, const struct offer *o,
    const struct conf_matching *m)
{
	int created;

	memset(w, 0, sizeof(*w));
	w->idx = index_new(ref);
	w->slot = index_put(w->idx, c, &created);
	assert_int_not_equal(w->slot, INDEX_NONE);
	score_prepare(&w->q, o, w->idx, m, TODAY, NULL, 0);
	(void)world_rescore(w);
}

/* The candidate's fairness, scored again. */
static double
world_fairness(struct world *w)
{
	(void)world_rescore(w);
	return w->res.comp[COMP_FAIRNESS];
}

static void
world_close(struct world *w)
{
	index_free(w->idx);
	w->idx = NULL;
}

/* Score c against o under m; returns the filter, or -1 with *res. */
static int
score1m(const struct candidate *c, const struct offer *o,
    const struct conf_matching *m, struct score_result *res)
{
	struct world w;

	world_open(&w, c, o, m);
	world_close(&w);
	if (res != NULL)
		*res = w.res;
	return w.f;
}

static int
score1(const struct candidate *c, const struct offer *o,
    struct score_result *res)
{
	return score1m(c, o, &defm, res);
}

static const char *
fname(int f)
{
	return f < 0 ? "eligible" : score_filter_name(f);
}

#define expect_filter(c, o, want) do {					\
	int got_ = score1((c), (o), NULL);				\
	if (got_ != (want))						\
		fail_msg("filter %s, want %s", fname(got_), fname(want)); \
} while (0)

#define expect_filter_m(c, o, m, want) do {				\
	int got_ = score1m((c), (o), (m), NULL);			\
	if (got_ != (want))						\
		fail_msg("filter %s, want %s", fname(got_), fname(want)); \
} while (0)

/* An offer's start, a candidate's birth date and the filter they give. */
struct age_case {
	const char	*start;		/* NULL: none, the age is taken today */
	const char	*birth;
	int		 want;		/* -1: eligible */
};

static int32_t
day(const char *ymd)
{
	int32_t d;

	if (ymd == NULL)
		return DATE_NONE;
	if (date_parse(ymd, strlen(ymd), &d) != 0)
		fail_msg("bad date %s", ymd);
	return d;
}

/* c, born on each case's date, for o starting on its start. */
static void
expect_ages(struct candidate *c, struct offer *o, const struct age_case *ac,
    size_t n)
{
	size_t i;
	int got;

	for (i = 0; i < n; i++) {
		o->start = day(ac[i].start);
		c->birth_date = day(ac[i].birth);
		if ((got = score1(c, o, NULL)) != ac[i].want)
			fail_msg("born %s, start %s: filter %s, want %s",
			    ac[i].birth, ac[i].start ? ac[i].start : "none",
			    fname(got), fname(ac[i].want));
	}
}

/* Component value of c for o (c must be eligible). */
static double
comp1(const struct candidate *c, const struct offer *o, int comp)
{
	struct score_result r;
	int f;

	if ((f = score1(c, o, &r)) != -1)
		fail_msg("excluded by %s", fname(f));
	return r.comp[comp];
}

/* --- hard filters --- */

static void
test_defaults_are_eligible(void **state)
{
	struct candidate c;
	struct offer o;
	struct score_result r;

	(void)state;
	default_cand(&c, "c1");
	default_offer(&o, "o1");
	assert_int_equal(score1(&c, &o, &r), SCORE_ELIGIBLE);
	assert_near(r.distance_km, 0, 0.01);
	assert_int_equal(r.exact, 1);
	assert_int_equal(r.rome_id, rome("F1701"));
	assert_int_equal(r.months, 24);
	assert_true(r.score > 0 && r.score <= 100);
}

static void
test_filter_names_in_documented_order(void **state)
{
	static const char *const want[] = { "status", "rome",
	    "already_referred", "contract", "availability", "age", "clause",
	    "licences", "skills", "distance" };
	static const char *const comps[] = { "job", "experience",
	    "distance", "skills", "level", "priority", "fairness",
	    "barriers" };
	int i;

	(void)state;
	assert_int_equal(FILTER_COUNT, 10);
	for (i = 0; i < FILTER_COUNT; i++)
		assert_string_equal(score_filter_name(i), want[i]);
	assert_string_equal(score_filter_name(-1), "?");
	assert_string_equal(score_filter_name(FILTER_COUNT), "?");
	assert_int_equal(COMP_COUNT, 8);
	for (i = 0; i < COMP_COUNT; i++)
		assert_string_equal(score_comp_name(i), comps[i]);
	assert_string_equal(score_comp_name(COMP_COUNT), "?");
}

static void
test_status_other_than_available_excluded(void **state)
{
	struct candidate c;
	struct offer o;
	int s;

	(void)state;
	default_offer(&o, "o1");
	for (s = 0; s < STATUS_COUNT; s++) {
		default_cand(&c, "c1");
		c.status = s;
		expect_filter(&c, &o, s == STATUS_AVAILABLE ? -1 :
		    FILTER_STATUS);
	}
	/* Status comes first: a placed candidate of another job too. */
	default_cand(&c, "c1");
	c.status = STATUS_PLACED;
	set_job(&c, 0, "G1602", 12);
	c.contracts = B(CONTRACT_CDD);
	expect_filter(&c, &o, FILTER_STATUS);
}

static void
test_rome_other_domain_excluded(void **state)
{
	struct candidate c;
	struct offer o;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	set_job(&c, 0, "G1602", 24);
	expect_filter(&c, &o, FILTER_ROME);
	/* F1101 shares the letter, not the 3-character domain. */
	set_job(&c, 0, "F1101", 24);
	expect_filter(&c, &o, FILTER_ROME);
	/* Failing rome and contract: rome is counted. */
	c.contracts = B(CONTRACT_CDD);
	expect_filter(&c, &o, FILTER_ROME);
}

static void
test_rome_same_domain_follows_rome_domain(void **state)
{
	struct conf_matching m = defm;
	struct candidate c;
	struct offer o;
	struct score_result r;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	set_job(&c, 0, "F1702", 24);
	m.rome_domain = 1;
	assert_int_equal(score1m(&c, &o, &m, &r), SCORE_ELIGIBLE);
	assert_int_equal(r.exact, 0);
	m.rome_domain = 0;
	expect_filter_m(&c, &o, &m, FILTER_ROME);
	/* The exact code matches either way. */
	set_job(&c, 1, "F1701", 3);
	expect_filter_m(&c, &o, &m, SCORE_ELIGIBLE);
}

static void
test_already_referred_uses_sorted_slots(void **state)
{
	struct candidate c;
	struct offer o;
	struct index *idx;
	struct score_query q;
	struct score_result r;
	uint32_t slots[6], referred[3];
	char id[8];
	int i, created, got[6];

	(void)state;
	default_offer(&o, "o1");
	idx = index_new(ref);
	for (i = 0; i < 6; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		default_cand(&c, id);
		slots[i] = index_put(idx, &c, &created);
	}
	/* c1, c3 and c4 are past "suggested" on o1. */
	referred[0] = slots[1];
	referred[1] = slots[3];
	referred[2] = slots[4];
	score_prepare(&q, &o, idx, &defm, TODAY, referred, 3);
	for (i = 0; i < 6; i++)
		got[i] = score_candidate_full(&q, idx, slots[i], &r);
	/* Without the list nobody is excluded. */
	score_prepare(&q, &o, idx, &defm, TODAY, NULL, 0);
	assert_int_equal(score_candidate_full(&q, idx, slots[3], &r), SCORE_ELIGIBLE);
	index_free(idx);
	for (i = 0; i < 6; i++)
		if (got[i] != (i == 1 || i == 3 || i == 4 ?
		    FILTER_ALREADY_REFERRED : -1))
			fail_msg("c%d: %s", i, fname(got[i]));
}

static void
test_already_referred_comes_before_contract(void **state)
{
	struct candidate c;
	struct offer o;
	struct index *idx;
	struct score_query q;
	struct score_result r;
	uint32_t slot;
	int created, f;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	c.contracts = B(CONTRACT_CDD);
	idx = index_new(ref);
	slot = index_put(idx, &c, &created);
	score_prepare(&q, &o, idx, &defm, TODAY, &slot, 1);
	f = score_candidate_full(&q, idx, slot, &r);
	index_free(idx);
	assert_int_equal(f, FILTER_ALREADY_REFERRED);
}

static void
test_contract_not_sought_excluded(void **state)
{
	struct candidate c;
	struct offer o;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	c.contracts = B(CONTRACT_CDD) | B(CONTRACT_INTERIM);
	expect_filter(&c, &o, FILTER_CONTRACT);
	o.contract = CONTRACT_INTERIM;
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	/* Contract before availability. */
	o.contract = CONTRACT_CDI;
	c.available_from = TODAY + 365;
	expect_filter(&c, &o, FILTER_CONTRACT);
}

static void
test_availability_slack_boundary(void **state)
{
	struct candidate c;
	struct offer o;

	(void)state;
	default_cand(&c, "c1");
	default_offer(&o, "o1");
	o.start = TODAY + 10;
	c.available_from = o.start + defm.start_slack_days;
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	c.available_from = o.start + defm.start_slack_days + 1;
	expect_filter(&c, &o, FILTER_AVAILABILITY);
	/* Already available, or no date: fine. */
	c.available_from = TODAY - 100;
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	c.available_from = DATE_NONE;
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	/* Availability before age: an unavailable 36-year-old, youth offer. */
	o.source = SOURCE_PLATEFORME_JEUNES;
	c.available_from = o.start + 60;
	expect_filter(&c, &o, FILTER_AVAILABILITY);
}

static void
test_availability_from_today_when_start_absent_or_past(void **state)
{
	struct candidate c;
	struct offer o;

	(void)state;
	default_cand(&c, "c1");
	default_offer(&o, "o1");
	o.start = DATE_NONE;
	c.available_from = TODAY + 14;
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	c.available_from = TODAY + 15;
	expect_filter(&c, &o, FILTER_AVAILABILITY);
	o.start = TODAY - 60;
	expect_filter(&c, &o, FILTER_AVAILABILITY);
	c.available_from = TODAY + 14;
	expect_filter(&c, &o, SCORE_ELIGIBLE);
}

static void
test_availability_follows_start_slack_days(void **state)
{
	struct conf_matching m = defm;
	struct candidate c;
	struct offer o;

	(void)state;
	default_cand(&c, "c1");
	default_offer(&o, "o1");
	m.start_slack_days = 0;
	c.available_from = TODAY;
	expect_filter_m(&c, &o, &m, SCORE_ELIGIBLE);
	c.available_from = TODAY + 1;
	expect_filter_m(&c, &o, &m, FILTER_AVAILABILITY);
}

static void
test_age_youth_platform_at_start_date(void **state)
{
	static const struct age_case ages[] = {
		{ "2027-01-15", "1990-05-10", FILTER_AGE },	/* 36 */
		/* 26 on the start date: out; 25 until the day after: in. */
		{ "2027-01-15", "2001-01-15", FILTER_AGE },
		{ "2027-01-15", "2001-01-16", -1 },
		/* 16 on the start date: in; 16 the day after: out. */
		{ "2027-01-15", "2011-01-15", -1 },
		{ "2027-01-15", "2011-01-16", FILTER_AGE },
		/* 25 today, 26 at the start: the start date counts. */
		{ "2027-01-15", "2000-12-10", FILTER_AGE },
		/* Without a start the age is taken today. */
		{ NULL, "2000-12-10", -1 },
	};
	struct candidate c;
	struct offer o;

	(void)state;
	assert_int_equal(date_age(day("2000-12-10"), TODAY), 25);
	default_offer(&o, "o1");
	o.source = SOURCE_PLATEFORME_JEUNES;
	default_cand(&c, "c1");
	expect_ages(&c, &o, ages, sizeof(ages) / sizeof(ages[0]));
}

static void
test_age_boundary_around_29_february(void **state)
{
	static const struct age_case youth[] = {
		/* Born 29 February: a year older on 1 March of common years. */
		{ "2030-02-28", "2004-02-29", -1 },		/* 25 */
		{ "2030-03-01", "2004-02-29", FILTER_AGE },	/* 26 */
		/* A start on 29 February. */
		{ "2032-02-29", "2006-02-28", FILTER_AGE },	/* 26 */
		{ "2032-02-29", "2006-03-01", -1 },		/* 25 */
		{ "2032-02-29", "2016-02-29", -1 },		/* 16 */
		{ "2032-02-29", "2016-03-01", FILTER_AGE },	/* 15 */
		/* The youngest: 16 on a 28 February start, born 29 February. */
		{ "2029-02-28", "2012-02-29", -1 },		/* 16 */
		{ "2029-02-28", "2013-03-01", FILTER_AGE },	/* 15 */
	}, senior[] = {
		{ "2029-02-28", "1980-02-29", FILTER_CLAUSE },	/* 48 */
		{ "2029-02-28", "1979-02-28", -1 },		/* 50 */
		{ "2029-02-28", "1979-03-01", FILTER_CLAUSE },	/* 49 */
		{ "2032-02-29", "1982-02-28", -1 },		/* 50 */
		{ "2032-02-29", "1982-03-01", FILTER_CLAUSE },	/* 49 */
	};
	struct candidate c;
	struct offer o;

	(void)state;
	default_offer(&o, "o1");
	o.source = SOURCE_PLATEFORME_JEUNES;
	default_cand(&c, "c1");
	expect_ages(&c, &o, youth, sizeof(youth) / sizeof(youth[0]));
	/* Seniors likewise, derived for a clause. */
	clause_offer(&o, CRIT(SENIOR));
	expect_ages(&c, &o, senior, sizeof(senior) / sizeof(senior[0]));
}

static void
test_age_missing_birth_date_excluded(void **state)
{
	struct candidate c;
	struct offer o;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	c.birth_date = DATE_NONE;
	/* No age rule: no birth date needed. */
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	o.source = SOURCE_PLATEFORME_JEUNES;
	expect_filter(&c, &o, FILTER_AGE);
	o.source = SOURCE_POLE_EMPLOI;
	o.age_min = 18;
	o.age_max = 60;
	expect_filter(&c, &o, FILTER_AGE);
}

static void
test_age_min_max_override_youth_range(void **state)
{
	static const struct age_case youth[] = {
		{ NULL, "1998-06-01", -1 },		/* 28 */
		{ NULL, "2009-06-01", FILTER_AGE },	/* 17 */
		/* Boundaries: 30 in, 31 out; 18 in. */
		{ NULL, "1996-11-29", -1 },		/* 30 today */
		{ NULL, "1995-11-29", FILTER_AGE },	/* 31 today */
		{ NULL, "2008-11-29", -1 },		/* 18 today */
	}, any[] = {
		{ NULL, "1990-05-10", FILTER_AGE },	/* 36 */
		{ NULL, "1970-05-10", -1 },		/* 56 */
	};
	struct candidate c;
	struct offer o;

	(void)state;
	default_offer(&o, "o1");
	o.source = SOURCE_PLATEFORME_JEUNES;
	o.age_min = 18;
	o.age_max = 30;
	default_cand(&c, "c1");
	expect_ages(&c, &o, youth, sizeof(youth) / sizeof(youth[0]));
	/* On any offer: age_min alone. */
	o.source = SOURCE_POLE_EMPLOI;
	o.age_min = 45;
	o.age_max = 0;
	expect_ages(&c, &o, any, sizeof(any) / sizeof(any[0]));
}

/*
 * SCORING.md: "offers with age_min/age_max: age at the start date outside
 * the range, or no birth_date".  offer.c accepts age_max without age_min.
 */
static void
test_age_max_alone_excludes_older_candidates(void **state)
{
	struct candidate c;
	struct offer o;
	int older, unknown, youth;

	(void)state;
	default_offer(&o, "o1");
	o.age_max = 30;
	default_cand(&c, "c1");		/* 36 */
	older = score1(&c, &o, NULL);
	c.birth_date = DATE_NONE;
	unknown = score1(&c, &o, NULL);
	/* Youth platform with its own age_max 30: a 40-year-old. */
	o.source = SOURCE_PLATEFORME_JEUNES;
	c.birth_date = date_from_ymd(1986, 1, 1);
	youth = score1(&c, &o, NULL);
	if (older != FILTER_AGE || unknown != FILTER_AGE ||
	    youth != FILTER_AGE)
		fail_msg("age_max 30 alone: aged 36 -> %s, no birth date -> "
		    "%s, plateforme_jeunes aged 40 -> %s; want age for all",
		    fname(older), fname(unknown), fname(youth));
}

static void
test_age_before_clause(void **state)
{
	struct candidate c;
	struct offer o;

	(void)state;
	default_offer(&o, "o1");
	o.source = SOURCE_CLAUSE;
	o.has_clause = 1;
	o.clause.criteria = CRIT(RSA);
	o.age_min = 40;
	default_cand(&c, "c1");		/* 36, no RSA */
	expect_filter(&c, &o, FILTER_AGE);
}

static void
test_clause_explicit_criteria(void **state)
{
	struct candidate c;
	struct offer o;

	(void)state;
	clause_offer(&o, CRIT(DELD) | CRIT(QPV));
	default_cand(&c, "c1");
	expect_filter(&c, &o, FILTER_CLAUSE);
	/* RSA is in the default list, not in this one. */
	c.criteria = CRIT(RSA);
	expect_filter(&c, &o, FILTER_CLAUSE);
	c.criteria = CRIT(QPV);
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	c.criteria = CRIT(RSA) | CRIT(DELD);
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	/* Clause before licences. */
	c.criteria = 0;
	o.licences_required = LIC(CE);
	expect_filter(&c, &o, FILTER_CLAUSE);
}

static void
test_clause_default_criteria_when_none_listed(void **state)
{
	struct candidate c;
	struct offer o;
	int i;

	(void)state;
	clause_offer(&o, 0);
	default_cand(&c, "c1");
	expect_filter(&c, &o, FILTER_CLAUSE);
	for (i = 0; i < CRITERION_COUNT; i++) {
		c.criteria = B(i);
		expect_filter(&c, &o, (defm.clause_criteria & B(i)) ? -1 :
		    FILTER_CLAUSE);
	}
	c.criteria = CRIT(PLIE);
	expect_filter(&c, &o, FILTER_CLAUSE);
	c.criteria = CRIT(RSA);
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	/* A clause offer given without a clause map uses the default. */
	o.has_clause = 0;
	memset(&o.clause, 0, sizeof(o.clause));
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	c.criteria = CRIT(PLIE);
	expect_filter(&c, &o, FILTER_CLAUSE);
}

static void
test_clause_map_on_any_source_applies(void **state)
{
	struct candidate c;
	struct offer o;

	(void)state;
	clause_offer(&o, CRIT(TH));
	o.source = SOURCE_PROSPECTION;
	default_cand(&c, "c1");
	expect_filter(&c, &o, FILTER_CLAUSE);
	c.criteria = CRIT(TH);
	expect_filter(&c, &o, SCORE_ELIGIBLE);
}

static void
test_clause_derived_jeune_peu_qualifie(void **state)
{
	struct candidate c;
	struct offer o;
	int32_t start = date_from_ymd(2027, 3, 1);

	(void)state;
	clause_offer(&o, CRIT(JEUNE_PEU_QUALIFIE));
	o.start = start;
	default_cand(&c, "c1");
	c.birth_date = date_from_ymd(2004, 7, 1);	/* 22 */
	c.level = 3;
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	c.level = 0;
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	c.level = 4;
	expect_filter(&c, &o, FILTER_CLAUSE);
	c.level = 3;
	/* 25 the day before the start: still young; 26 on it: not. */
	c.birth_date = date_from_ymd(2001, 3, 2);
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	c.birth_date = date_from_ymd(2001, 3, 1);
	expect_filter(&c, &o, FILTER_CLAUSE);
	/* No birth date: nothing derived. */
	c.birth_date = DATE_NONE;
	expect_filter(&c, &o, FILTER_CLAUSE);
	/* Set explicitly, it counts without a birth date. */
	c.criteria = CRIT(JEUNE_PEU_QUALIFIE);
	expect_filter(&c, &o, SCORE_ELIGIBLE);
}

static void
test_clause_derived_senior(void **state)
{
	static const struct age_case ages[] = {
		/* Ages at the start. */
		{ "2027-03-01", "1990-05-10", FILTER_CLAUSE },	/* 36 */
		{ "2027-03-01", "1977-03-01", -1 },		/* 50 */
		{ "2027-03-01", "1977-03-02", FILTER_CLAUSE },	/* 49 */
		{ "2027-03-01", "1950-01-01", -1 },
	};
	struct candidate c;
	struct offer o;

	(void)state;
	clause_offer(&o, CRIT(SENIOR));
	default_cand(&c, "c1");
	expect_ages(&c, &o, ages, sizeof(ages) / sizeof(ages[0]));
	/* Derived criteria also satisfy the default list. */
	clause_offer(&o, 0);
	expect_filter(&c, &o, SCORE_ELIGIBLE);
}

static void
test_score_criteria_derives_at_given_day(void **state)
{
	struct candidate c;
	struct index *idx;
	uint32_t slot, young, later, old, none;
	int created;

	(void)state;
	idx = index_new(ref);
	default_cand(&c, "c1");
	c.birth_date = date_from_ymd(2001, 3, 1);
	c.level = 2;
	c.criteria = CRIT(RSA);
	slot = index_put(idx, &c, &created);
	young = score_criteria(&idx->recs[slot], &defm,
	    date_from_ymd(2027, 2, 28));
	later = score_criteria(&idx->recs[slot], &defm,
	    date_from_ymd(2027, 3, 1));
	c.id[1] = '2';
	c.birth_date = date_from_ymd(1970, 1, 1);
	slot = index_put(idx, &c, &created);
	old = score_criteria(&idx->recs[slot], &defm, TODAY);
	c.id[1] = '3';
	c.birth_date = DATE_NONE;
	slot = index_put(idx, &c, &created);
	none = score_criteria(&idx->recs[slot], &defm, TODAY);
	index_free(idx);
	assert_int_equal(young, CRIT(RSA) | CRIT(JEUNE_PEU_QUALIFIE));
	assert_int_equal(later, CRIT(RSA));
	assert_int_equal(old, CRIT(RSA) | CRIT(SENIOR));
	assert_int_equal(none, CRIT(RSA));
}

static void
test_licences_with_implication(void **state)
{
	static const struct {
		uint32_t	 required, held;
		int		 want;
	} cases[] = {
		{ LIC(C), LIC(CE), -1 },
		{ LIC(C) | LIC(B), LIC(CE), -1 },
		{ LIC(B), LIC(CE), -1 },
		{ LIC(C), LIC(B), FILTER_LICENCES },
		{ LIC(C), LIC(C1), FILTER_LICENCES },
		{ LIC(B), 0, FILTER_LICENCES },
	};
	struct candidate c;
	struct offer o;
	size_t i;
	int got;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o.licences_required = cases[i].required;
		c.licences = cases[i].held;
		if ((got = score1(&c, &o, NULL)) != cases[i].want)
			fail_msg("required %#x, held %#x: filter %s, want %s",
			    cases[i].required, cases[i].held, fname(got),
			    fname(cases[i].want));
	}
	/* Licences before skills (B required, none held). */
	snprintf(o.skills_required[0], SKILL_MAX_LEN + 1, "nobody-has-it");
	o.nskills_required = 1;
	expect_filter(&c, &o, FILTER_LICENCES);
}

static void
test_skills_required_present_absent_unknown(void **state)
{
	struct candidate c, other;
	struct offer o;
	struct index *idx;
	struct score_query q;
	struct score_result r;
	uint32_t with, without;
	int created, fwith, fwithout, funknown;

	(void)state;
	default_offer(&o, "o1");
	snprintf(o.skills_required[0], SKILL_MAX_LEN + 1, "sst");
	snprintf(o.skills_required[1], SKILL_MAX_LEN + 1, "caces-r489-3");
	o.nskills_required = 2;
	idx = index_new(ref);
	default_cand(&c, "with");
	add_skill(&c, "oppbtp");
	add_skill(&c, "caces-r489-3");
	add_skill(&c, "sst");
	with = index_put(idx, &c, &created);
	default_cand(&other, "without");
	add_skill(&other, "sst");		/* known, but one missing */
	without = index_put(idx, &other, &created);
	score_prepare(&q, &o, idx, &defm, TODAY, NULL, 0);
	fwith = score_candidate_full(&q, idx, with, &r);
	fwithout = score_candidate_full(&q, idx, without, &r);
	/* A tag no candidate has: nobody can fill the offer. */
	snprintf(o.skills_required[1], SKILL_MAX_LEN + 1, "habilitation-h2");
	score_prepare(&q, &o, idx, &defm, TODAY, NULL, 0);
	funknown = score_candidate_full(&q, idx, with, &r);
	index_free(idx);
	assert_int_equal(fwith, SCORE_ELIGIBLE);
	assert_int_equal(fwithout, FILTER_SKILLS);
	assert_int_equal(funknown, FILTER_SKILLS);
}

static void
test_skills_before_distance(void **state)
{
	struct candidate c;
	struct offer o;

	(void)state;
	default_offer(&o, "o1");
	snprintf(o.skills_required[0], SKILL_MAX_LEN + 1, "sst");
	o.nskills_required = 1;
	default_cand(&c, "c1");
	place_cand(&c, "59350");	/* Lille, ~65 km */
	expect_filter(&c, &o, FILTER_SKILLS);
}

/* Distance the scorer sees: the index keeps candidate coordinates as floats. */
static double
dist_from(const char *from, const char *to)
{
	const struct commune *a = refdata_commune(ref, from, 5);
	const struct commune *b = refdata_commune(ref, to, 5);

	return geo_distance_km(b->lat, b->lon, (float)a->lat, (float)a->lon);
}

static void
test_distance_candidate_radius_boundary(void **state)
{
	struct candidate c;
	struct offer o;
	struct score_result r;
	double d = dist_from(GRAVELINES, DUNKERQUE);

	(void)state;
	assert_near(d, 14.02, 0.01);
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	place_cand(&c, GRAVELINES);
	c.radius_km = (int)ceil(d);		/* 15 */
	assert_int_equal(score1(&c, &o, &r), SCORE_ELIGIBLE);
	assert_near(r.distance_km, d, 1e-9);
	c.radius_km = (int)floor(d);		/* 14 */
	expect_filter(&c, &o, FILTER_DISTANCE);
	c.radius_km = 1;
	place_cand(&c, DUNKERQUE);
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	/* Far north-south (the cheap latitude bound) and far east. */
	c.radius_km = 30;
	place_cand(&c, "62001");	/* Ablain-Saint-Nazaire */
	expect_filter(&c, &o, FILTER_DISTANCE);
	place_cand(&c, "59512");	/* Roubaix */
	expect_filter(&c, &o, FILTER_DISTANCE);
}

static void
test_distance_offer_max_km_boundary(void **state)
{
	struct candidate c;
	struct offer o;
	double d = dist_from(GRAVELINES, DUNKERQUE);

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	place_cand(&c, GRAVELINES);
	c.radius_km = 100;
	o.max_km = (int)ceil(d);
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	o.max_km = (int)floor(d);
	expect_filter(&c, &o, FILTER_DISTANCE);
	/* The offer's limit never extends the candidate's radius. */
	c.radius_km = (int)floor(d);
	o.max_km = 100;
	expect_filter(&c, &o, FILTER_DISTANCE);
	o.max_km = 0;
	expect_filter(&c, &o, FILTER_DISTANCE);
	c.radius_km = (int)ceil(d);
	expect_filter(&c, &o, SCORE_ELIGIBLE);
}

/* --- soft components --- */

static void
test_job_exact_one_same_domain_point_six(void **state)
{
	struct candidate c;
	struct offer o;
	struct score_result r;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	assert_near(comp1(&c, &o, COMP_JOB), 1.0, 1e-12);
	set_job(&c, 0, "F1705", 24);
	assert_near(comp1(&c, &o, COMP_JOB), 0.6, 1e-12);
	/* The exact code wins wherever it is in the list. */
	set_job(&c, 1, "F1701", 5);
	assert_int_equal(score1(&c, &o, &r), SCORE_ELIGIBLE);
	assert_near(r.comp[COMP_JOB], 1.0, 1e-12);
	assert_int_equal(r.exact, 1);
	assert_int_equal(r.rome_id, rome("F1701"));
	assert_int_equal(r.months, 5);
	/* Its months are those of the matched job. */
	assert_near(r.comp[COMP_EXPERIENCE], 0.6 + 0.4 * 5 / 12.0, 1e-12);
}

static void
test_experience_when_offer_asks_months(void **state)
{
	static const struct { int months; double want; } cases[] = {
		{ 0, 0.2 }, { 3, 0.4 }, { 6, 0.6 },
		{ 11, 0.2 + 0.8 * 11 / 12.0 },
		{ 12, 1.0 }, { 13, 1.0 }, { 600, 1.0 },
	};
	struct candidate c;
	struct offer o;
	size_t i;

	(void)state;
	default_offer(&o, "o1");
	o.experience_months = 12;
	default_cand(&c, "c1");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c.jobs[0].months = cases[i].months;
		assert_near(comp1(&c, &o, COMP_EXPERIENCE), cases[i].want,
		    1e-12);
	}
}

static void
test_experience_when_offer_asks_none(void **state)
{
	static const struct { int months; double want; } cases[] = {
		{ 0, 0.6 }, { 3, 0.7 }, { 6, 0.8 }, { 12, 1.0 }, { 24, 1.0 },
	};
	struct candidate c;
	struct offer o;
	size_t i;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c.jobs[0].months = cases[i].months;
		assert_near(comp1(&c, &o, COMP_EXPERIENCE), cases[i].want,
		    1e-12);
	}
}

static void
test_distance_linear_in_smaller_limit(void **state)
{
	struct candidate c;
	struct offer o;
	double d = dist_from(GRAVELINES, DUNKERQUE);

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	/* Same commune: the float coordinates leave a few metres. */
	assert_near(comp1(&c, &o, COMP_DISTANCE), 1.0, 1e-4);
	place_cand(&c, GRAVELINES);
	c.radius_km = 30;
	assert_near(comp1(&c, &o, COMP_DISTANCE), 1.0 - d / 30, 1e-9);
	c.radius_km = 60;
	assert_near(comp1(&c, &o, COMP_DISTANCE), 1.0 - d / 60, 1e-9);
	o.max_km = 20;
	assert_near(comp1(&c, &o, COMP_DISTANCE), 1.0 - d / 20, 1e-9);
	c.radius_km = 15;
	assert_near(comp1(&c, &o, COMP_DISTANCE), 1.0 - d / 15, 1e-9);
}

/*
 * One case worked out by hand from the default weights (job 25,
 * experience 15, distance 20, skills 10, level 5, priority 10, fairness 10,
 * barriers 5) and d = 14.0225 km, Gravelines to Dunkerque:
 *
 *   job 1, experience 0.2 + 0.8 * 6/12 = 0.6, distance 1 - d/30 = 0.53258,
 *   skills 1 of 2 = 0.5, level 3 for 4 = 0.5, priority DELD = 0.6,
 *   fairness 1, barriers logement 1 - 0.15 = 0.85.
 *
 * No licence nor vehicle: distance weighs 20 * 150 % = 30, total 110,
 *   (25 + 9 + 30 * 0.53258 + 5 + 2.5 + 6 + 10 + 4.25) / 110 = 70.66 -> 70.7.
 * Licence B and a vehicle: distance weighs 20, total 100,
 *   (25 + 9 + 20 * 0.53258 + 5 + 2.5 + 6 + 10 + 4.25) / 100 = 72.40 -> 72.4.
 */
static void
hand_case(struct candidate *c, struct offer *o)
{
	default_offer(o, "o1");
	o->experience_months = 12;
	o->level_min = 4;
	snprintf(o->skills_wanted[0], SKILL_MAX_LEN + 1, "oppbtp");
	snprintf(o->skills_wanted[1], SKILL_MAX_LEN + 1, "sst");
	o->nskills_wanted = 2;
	default_cand(c, "c1");
	place_cand(c, GRAVELINES);
	c->radius_km = 30;
	c->licences = 0;
	c->vehicle = 0;
	c->jobs[0].months = 6;
	c->level = 3;
	c->criteria = CRIT(DELD);
	add_skill(c, "oppbtp");
	c->barriers = BAR(LOGEMENT);
}

static void
test_score_by_hand_no_vehicle_weighs_distance_more(void **state)
{
	struct candidate c;
	struct offer o;
	struct score_result r;

	(void)state;
	hand_case(&c, &o);
	assert_int_equal(score1(&c, &o, &r), SCORE_ELIGIBLE);
	assert_near(r.comp[COMP_JOB], 1.0, 1e-9);
	assert_near(r.comp[COMP_EXPERIENCE], 0.6, 1e-9);
	assert_near(r.comp[COMP_DISTANCE], 1 - 14.0225 / 30, 1e-4);
	assert_near(r.comp[COMP_SKILLS], 0.5, 1e-9);
	assert_near(r.comp[COMP_LEVEL], 0.5, 1e-9);
	assert_near(r.comp[COMP_PRIORITY], 0.6, 1e-9);
	assert_near(r.comp[COMP_FAIRNESS], 1.0, 1e-9);
	assert_near(r.comp[COMP_BARRIERS], 0.85, 1e-9);
	assert_near(r.score, 70.7, 1e-9);

	/* Licence B without a vehicle, or a vehicle without B: the same. */
	c.licences = LIC(B);
	assert_int_equal(score1(&c, &o, &r), SCORE_ELIGIBLE);
	assert_near(r.score, 70.7, 1e-9);
	c.licences = 0;
	c.vehicle = 1;
	assert_int_equal(score1(&c, &o, &r), SCORE_ELIGIBLE);
	assert_near(r.score, 70.7, 1e-9);

	/* Both: the distance weighs its plain 20. */
	c.licences = LIC(B);
	assert_int_equal(score1(&c, &o, &r), SCORE_ELIGIBLE);
	assert_near(r.score, 72.4, 1e-9);
	/* C implies B. */
	c.licences = LIC(C);
	assert_int_equal(score1(&c, &o, &r), SCORE_ELIGIBLE);
	assert_near(r.score, 72.4, 1e-9);
}

static void
test_score_follows_weights_and_no_vehicle_pct(void **state)
{
	struct conf_matching m = defm;
	struct candidate c;
	struct offer o;
	struct score_result r;
	double d = dist_from(GRAVELINES, DUNKERQUE);

	(void)state;
	hand_case(&c, &o);
	/* Distance alone decides. */
	memset(&m.w, 0, sizeof(m.w));
	m.w.distance = 1;
	assert_int_equal(score1m(&c, &o, &m, &r), SCORE_ELIGIBLE);
	assert_near(r.score, round(1000 * (1 - d / 30)) / 10, 1e-9);
	/* Job and distance, no vehicle at 200 %: (1 + 2 * dist) / 3. */
	m.w.job = 1;
	m.no_vehicle_distance_pct = 200;
	assert_int_equal(score1m(&c, &o, &m, &r), SCORE_ELIGIBLE);
	assert_near(r.score,
	    round(1000 * (1 + 2 * (1 - d / 30)) / 3) / 10, 1e-9);
	/* All weights 0: a score of 0, not a division by zero. */
	memset(&m.w, 0, sizeof(m.w));
	assert_int_equal(score1m(&c, &o, &m, &r), SCORE_ELIGIBLE);
	assert_near(r.score, 0, 1e-12);
}

static void
test_skills_wanted_fraction(void **state)
{
	struct candidate c, other;
	struct offer o;
	struct index *idx;
	struct score_query q;
	struct score_result r;
	uint32_t slot;
	int created, f;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	assert_near(comp1(&c, &o, COMP_SKILLS), 1.0, 1e-12);
	snprintf(o.skills_wanted[0], SKILL_MAX_LEN + 1, "oppbtp");
	snprintf(o.skills_wanted[1], SKILL_MAX_LEN + 1, "sst");
	snprintf(o.skills_wanted[2], SKILL_MAX_LEN + 1, "caces-r489-3");
	snprintf(o.skills_wanted[3], SKILL_MAX_LEN + 1, "unknown-tag");
	o.nskills_wanted = 4;
	add_skill(&c, "oppbtp");
	add_skill(&c, "sst");
	add_skill(&c, "aipr");
	idx = index_new(ref);
	slot = index_put(idx, &c, &created);
	/* Someone else has the third: known but not held. */
	default_cand(&other, "c2");
	add_skill(&other, "caces-r489-3");
	(void)index_put(idx, &other, &created);
	score_prepare(&q, &o, idx, &defm, TODAY, NULL, 0);
	f = score_candidate_full(&q, idx, slot, &r);
	index_free(idx);
	assert_int_equal(f, SCORE_ELIGIBLE);
	assert_near(r.comp[COMP_SKILLS], 0.5, 1e-12);
	/* Wanting only what nobody has. */
	snprintf(o.skills_wanted[0], SKILL_MAX_LEN + 1, "unknown-tag");
	o.nskills_wanted = 1;
	assert_near(comp1(&c, &o, COMP_SKILLS), 0.0, 1e-12);
}

static void
test_level_one_half_zero(void **state)
{
	static const struct { int min, level; double want; } cases[] = {
		{ 0, 0, 1.0 }, { 0, 8, 1.0 }, { 4, 4, 1.0 }, { 4, 6, 1.0 },
		{ 4, 3, 0.5 }, { 4, 2, 0.0 }, { 4, 0, 0.0 }, { 1, 0, 0.5 },
	};
	struct candidate c;
	struct offer o;
	size_t i;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o.level_min = cases[i].min;
		c.level = cases[i].level;
		assert_near(comp1(&c, &o, COMP_LEVEL), cases[i].want, 1e-12);
	}
}

static void
test_priority_steps(void **state)
{
	static const struct { uint32_t crit; double want; } cases[] = {
		{ 0, 0.0 },
		{ CRIT(ASE) | CRIT(PLIE), 0.0 },	/* not priority */
		{ CRIT(DELD), 0.6 },
		{ CRIT(TH) | CRIT(ASE), 0.6 },
		{ CRIT(DELD) | CRIT(RSA), 0.85 },
		{ CRIT(DELD) | CRIT(RSA) | CRIT(QPV), 1.0 },
		{ CRIT(DELD) | CRIT(DETLD) | CRIT(RSA) | CRIT(QPV) | CRIT(TH),
		    1.0 },
	};
	struct candidate c;
	struct offer o;
	size_t i;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c.criteria = cases[i].crit;
		assert_near(comp1(&c, &o, COMP_PRIORITY), cases[i].want,
		    1e-12);
	}
}

static void
test_priority_counts_clause_criteria(void **state)
{
	struct candidate c;
	struct offer o;

	(void)state;
	/* PLIE is no priority criterion, but it is this clause's. */
	clause_offer(&o, CRIT(PLIE) | CRIT(SIAE));
	default_cand(&c, "c1");
	c.criteria = CRIT(PLIE);
	assert_near(comp1(&c, &o, COMP_PRIORITY), 0.6, 1e-12);
	c.criteria = CRIT(PLIE) | CRIT(SIAE) | CRIT(DELD);
	assert_near(comp1(&c, &o, COMP_PRIORITY), 1.0, 1e-12);
	/* Derived senior counts on a default-list clause. */
	clause_offer(&o, 0);
	c.criteria = CRIT(DELD);
	c.birth_date = date_from_ymd(1960, 1, 1);
	assert_near(comp1(&c, &o, COMP_PRIORITY), 0.85, 1e-12);
}

/*
 * SCORING.md: priority counts "the candidate's criteria (derived ones
 * included) in priority_criteria"; score.h: res->criteria is "with derived
 * ones".  A senior with DELD, with senior among the priority criteria.
 */
static void
test_priority_derived_criteria_with_explicit_ones(void **state)
{
	struct conf_matching m = defm;
	struct candidate c;
	struct offer o;
	struct score_result r1, r2;
	int f1, f2;

	(void)state;
	m.priority_criteria = CRIT(DELD) | CRIT(SENIOR);
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	c.birth_date = date_from_ymd(1965, 1, 1);	/* 61 */
	/* Senior alone: derived, counted. */
	f1 = score1m(&c, &o, &m, &r1);
	/* Senior and DELD: two criteria. */
	c.criteria = CRIT(DELD);
	f2 = score1m(&c, &o, &m, &r2);
	assert_int_equal(f1, SCORE_ELIGIBLE);
	assert_int_equal(f2, SCORE_ELIGIBLE);
	assert_near(r1.comp[COMP_PRIORITY], 0.6, 1e-12);
	if (fabs(r2.comp[COMP_PRIORITY] - 0.85) > 1e-12 ||
	    !(r2.criteria & CRIT(SENIOR)))
		fail_msg("DELD + senior (61): priority %.2f, criteria %#x; "
		    "want 0.85 with the senior bit %#x",
		    r2.comp[COMP_PRIORITY], (unsigned)r2.criteria,
		    (unsigned)CRIT(SENIOR));
}

static void
test_fairness_recent_and_open_referrals(void **state)
{
	struct candidate c;
	struct offer o;
	struct world w;
	double v[6];

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	assert_near(comp1(&c, &o, COMP_FAIRNESS), 1.0, 1e-12);

	world_open(&w, &c, &o, &defm);
	/* One open referral validated 10 days ago. */
	index_referral_opened(w.idx, w.slot, TODAY - 10);
	assert_int_equal(world_rescore(&w), SCORE_ELIGIBLE);
	v[0] = w.res.comp[COMP_FAIRNESS];
	/* Closed: only its date counts. */
	index_referral_closed(w.idx, w.slot);
	v[1] = world_fairness(&w);
	/* Two open, the last today. */
	index_referral_opened(w.idx, w.slot, TODAY - 20);
	index_referral_opened(w.idx, w.slot, TODAY);
	v[2] = world_fairness(&w);
	/* Three open: 0. */
	index_referral_opened(w.idx, w.slot, TODAY);
	v[3] = world_fairness(&w);
	world_close(&w);

	/* Past the window: 1; one day inside: nearly 1. */
	world_open(&w, &c, &o, &defm);
	index_referral_seen(w.idx, w.slot, TODAY - 30);
	v[4] = world_fairness(&w);
	index_referral_seen(w.idx, w.slot, TODAY - 29);
	v[5] = world_fairness(&w);
	world_close(&w);

	assert_near(v[0], (0.5 + 0.5 * 10 / 30) * (1 - 1 / 3.0), 1e-12);
	assert_near(v[1], 0.5 + 0.5 * 10 / 30, 1e-12);
	assert_near(v[2], 0.5 * (1 - 2 / 3.0), 1e-12);
	assert_near(v[3], 0.0, 1e-12);
	assert_near(v[4], 1.0, 1e-12);
	assert_near(v[5], 0.5 + 0.5 * 29 / 30, 1e-12);
}

static void
test_fairness_window_zero_ignores_dates(void **state)
{
	struct conf_matching m = defm;
	struct candidate c;
	struct offer o;
	struct world w;
	double v;

	(void)state;
	m.fairness_window_days = 0;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	world_open(&w, &c, &o, &m);
	index_referral_seen(w.idx, w.slot, TODAY);
	v = world_fairness(&w);
	world_close(&w);
	assert_near(v, 1.0, 1e-12);
}

static void
test_barriers_penalties(void **state)
{
	struct candidate c;
	struct offer o;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	assert_near(comp1(&c, &o, COMP_BARRIERS), 1.0, 1e-12);
	/* Mobility matters only past 5 km. */
	c.barriers = BAR(MOBILITE);
	assert_near(comp1(&c, &o, COMP_BARRIERS), 1.0, 1e-12);
	place_cand(&c, GRAVELINES);
	assert_near(comp1(&c, &o, COMP_BARRIERS), 0.6, 1e-12);
	c.barriers = BAR(GARDE_ENFANTS);
	o.working_time = WORKTIME_FULL;
	assert_near(comp1(&c, &o, COMP_BARRIERS), 0.7, 1e-12);
	o.working_time = WORKTIME_PART;
	assert_near(comp1(&c, &o, COMP_BARRIERS), 0.9, 1e-12);
	o.working_time = WORKTIME_ANY;
	assert_near(comp1(&c, &o, COMP_BARRIERS), 0.7, 1e-12);
	c.barriers = BAR(LOGEMENT);
	assert_near(comp1(&c, &o, COMP_BARRIERS), 0.85, 1e-12);
	c.barriers = BAR(LOGEMENT) | BAR(SANTE);
	assert_near(comp1(&c, &o, COMP_BARRIERS), 0.7, 1e-12);
	c.barriers = BAR(MOBILITE) | BAR(GARDE_ENFANTS) | BAR(LOGEMENT) |
	    BAR(SANTE);
	assert_near(comp1(&c, &o, COMP_BARRIERS), 0.0, 1e-12);
	assert_true(comp1(&c, &o, COMP_BARRIERS) >= 0);
}

static void
test_components_in_unit_range_and_score_rounded(void **state)
{
	struct candidate c;
	struct offer o;
	struct score_result r;
	int i;

	(void)state;
	hand_case(&c, &o);
	c.barriers = BAR(MOBILITE) | BAR(GARDE_ENFANTS) | BAR(LOGEMENT) |
	    BAR(SANTE);
	assert_int_equal(score1(&c, &o, &r), SCORE_ELIGIBLE);
	for (i = 0; i < COMP_COUNT; i++)
		assert_true(r.comp[i] >= 0 && r.comp[i] <= 1);
	assert_near(r.score * 10, round(r.score * 10), 1e-6);
	/* The same inputs give the same result, bit for bit. */
	{
		struct score_result r2;

		assert_int_equal(score1(&c, &o, &r2), SCORE_ELIGIBLE);
		assert_memory_equal(&r, &r2, sizeof(r));
	}
}

/* --- reasons --- */

struct reasons {
	char	 r[SCORE_MAX_REASONS + 1][SCORE_REASON_MAX];
	enum reason_kind kind[SCORE_MAX_REASONS + 1];
	int	 n;
};

/* Reasons of the candidate, scored again; the extra row is a canary. */
static void
reasons_of(struct world *w, struct reasons *out, int max)
{
	int f;

	memset(out->r, 'X', sizeof(out->r));
	memset(out->kind, 0x5a, sizeof(out->kind));
	if ((f = world_rescore(w)) != -1)
		fail_msg("excluded by %s", fname(f));
	out->n = score_reasons(&w->q, w->idx, w->slot, &w->res, out->r,
	    out->kind, max);
}

static void
get_reasons(const struct candidate *c, const struct offer *o,
    struct reasons *out)
{
	struct world w;

	world_open(&w, c, o, &defm);
	reasons_of(&w, out, SCORE_MAX_REASONS);
	world_close(&w);
}

static int
has_reason(const struct reasons *rs, const char *want)
{
	int i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i], want) == 0)
			return 1;
	return 0;
}

static int
has_reason_part(const struct reasons *rs, const char *part)
{
	int i;

	for (i = 0; i < rs->n; i++)
		if (strstr(rs->r[i], part) != NULL)
			return 1;
	return 0;
}

static void
dump_reasons(const struct reasons *rs)
{
	int i;

	for (i = 0; i < rs->n; i++)
		fprintf(stderr, "  reason[%d] = \"%s\"\n", i, rs->r[i]);
}

#define expect_reason(rs, want) do {					\
	if (!has_reason((rs), (want))) {				\
		dump_reasons(rs);					\
		fail_msg("no reason \"%s\"", (want));			\
	}								\
} while (0)

#define expect_reason_part(rs, part) do {				\
	if (!has_reason_part((rs), (part))) {				\
		dump_reasons(rs);					\
		fail_msg("no reason containing \"%s\"", (part));	\
	}								\
} while (0)

static void
test_reasons_job_and_distance(void **state)
{
	struct candidate c;
	struct offer o;
	struct reasons rs;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	get_reasons(&c, &o, &rs);
	assert_true(rs.n > 0);
	assert_string_equal(rs.r[0],
	    "même métier F1701, 24 mois d'expérience");
	expect_reason(&rs, "à 0,0 km, permis B et véhicule");
	expect_reason(&rs, "pas de mise en relation récente");

	set_job(&c, 0, "F1702", 6);
	place_cand(&c, GRAVELINES);
	c.licences = 0;
	c.vehicle = 0;
	get_reasons(&c, &o, &rs);
	assert_string_equal(rs.r[0], "métier proche F1702 (Construction de "
	    "routes et voies), 6 mois d'expérience");
	expect_reason(&rs, "à 14,0 km, sans permis ni véhicule");
	c.licences = LIC(B);
	get_reasons(&c, &o, &rs);
	expect_reason(&rs, "à 14,0 km, permis B sans véhicule");
	c.licences = 0;
	c.vehicle = 1;
	get_reasons(&c, &o, &rs);
	expect_reason(&rs, "à 14,0 km, véhicule sans permis B");
}

static void
test_reasons_decimal_comma(void **state)
{
	struct candidate c;
	struct offer o;
	struct reasons rs;
	char want[64];
	double d = dist_from("59663", DUNKERQUE);	/* Wormhout */
	int i;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	place_cand(&c, "59663");
	get_reasons(&c, &o, &rs);
	snprintf(want, sizeof(want), "à %d,%d km, permis B et véhicule",
	    (int)(d * 10 + 0.5) / 10, (int)(d * 10 + 0.5) % 10);
	expect_reason(&rs, want);
	assert_string_equal(want, "à 19,7 km, permis B et véhicule");
	for (i = 0; i < rs.n; i++)
		if (strstr(rs.r[i], " km") != NULL)
			assert_null(strchr(rs.r[i], '.'));
}

static void
test_reasons_clause_and_priority(void **state)
{
	struct candidate c;
	struct offer o;
	struct reasons rs;

	(void)state;
	clause_offer(&o, 0);
	default_cand(&c, "c1");
	c.criteria = CRIT(DELD);
	get_reasons(&c, &o, &rs);
	expect_reason(&rs, "éligible clause : DELD");
	assert_false(has_reason_part(&rs, "public prioritaire"));
	c.criteria = CRIT(DELD) | CRIT(QPV) | CRIT(PLIE);
	get_reasons(&c, &o, &rs);
	expect_reason(&rs, "éligible clause : DELD, QPV");

	default_offer(&o, "o2");
	c.criteria = CRIT(RSA) | CRIT(PLIE);
	get_reasons(&c, &o, &rs);
	expect_reason(&rs, "public prioritaire : RSA");
	assert_false(has_reason_part(&rs, "clause"));
	c.criteria = CRIT(PLIE);
	get_reasons(&c, &o, &rs);
	assert_false(has_reason_part(&rs, "public prioritaire"));
}

static void
test_reasons_requirements_skills_level(void **state)
{
	struct candidate c;
	struct offer o;
	struct reasons rs;

	(void)state;
	default_offer(&o, "o1");
	o.experience_months = 12;
	o.level_min = 4;
	o.licences_required = LIC(C);
	snprintf(o.skills_required[0], SKILL_MAX_LEN + 1, "sst");
	o.nskills_required = 1;
	snprintf(o.skills_wanted[0], SKILL_MAX_LEN + 1, "oppbtp");
	snprintf(o.skills_wanted[1], SKILL_MAX_LEN + 1, "aipr");
	o.nskills_wanted = 2;
	default_cand(&c, "c1");
	c.jobs[0].months = 6;
	c.level = 3;
	c.licences = LIC(CE);
	add_skill(&c, "sst");
	add_skill(&c, "oppbtp");
	get_reasons(&c, &o, &rs);
	expect_reason(&rs, "même métier F1701, 6 mois d'expérience");
	expect_reason(&rs, "expérience : 6 mois pour 12 demandés");
	expect_reason(&rs, "exigences remplies : permis C, sst");
	expect_reason(&rs, "compétences souhaitées : 1 sur 2 (oppbtp)");
	expect_reason(&rs, "niveau 3 pour 4 demandé");

	c.nskills = 1;
	get_reasons(&c, &o, &rs);
	expect_reason(&rs, "aucune des 2 compétences souhaitées");
}

static void
test_reasons_availability_referrals_barriers(void **state)
{
	struct candidate c;
	struct offer o;
	struct world w;
	struct reasons rs;

	(void)state;
	default_offer(&o, "o1");
	default_cand(&c, "c1");
	c.available_from = date_from_ymd(2026, 12, 7);
	c.barriers = BAR(MOBILITE) | BAR(LOGEMENT);
	get_reasons(&c, &o, &rs);
	expect_reason(&rs, "disponible à partir du 2026-12-07");
	expect_reason(&rs, "freins signalés : mobilité, logement");
	c.barriers = BAR(SANTE);
	get_reasons(&c, &o, &rs);
	expect_reason(&rs, "frein signalé : santé");

	c.available_from = DATE_NONE;
	world_open(&w, &c, &o, &defm);
	index_referral_seen(w.idx, w.slot, TODAY - 5);
	reasons_of(&w, &rs, SCORE_MAX_REASONS);
	expect_reason(&rs, "dernière mise en relation il y a 5 jours");
	index_referral_seen(w.idx, w.slot, TODAY - 1);
	reasons_of(&w, &rs, SCORE_MAX_REASONS);
	expect_reason(&rs, "dernière mise en relation il y a 1 jour");
	index_referral_opened(w.idx, w.slot, TODAY);
	reasons_of(&w, &rs, SCORE_MAX_REASONS);
	expect_reason(&rs, "1 mise en relation en cours");
	index_referral_opened(w.idx, w.slot, TODAY);
	reasons_of(&w, &rs, SCORE_MAX_REASONS);
	expect_reason(&rs, "2 mises en relation en cours");
	world_close(&w);
}

/* 1 if s is well-formed UTF-8. */
static int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int k;

	while (*p) {
		if (*p < 0x80)
			k = 0;
		else if ((*p & 0xe0) == 0xc0)
			k = 1;
		else if ((*p & 0xf0) == 0xe0)
			k = 2;
		else if ((*p & 0xf8) == 0xf0)
			k = 3;
		else
			return 0;
		p++;
		while (k-- > 0)
			if ((*p++ & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

static void
check_reason_bounds(const struct reasons *rs, int max)
{
	const char *row;
	int i, j;

	assert_true(rs->n >= 1 && rs->n <= max);
	for (i = 0; i < rs->n; i++) {
		assert_non_null(memchr(rs->r[i], '\0', SCORE_REASON_MAX));
		assert_true(strlen(rs->r[i]) < SCORE_REASON_MAX);
		if (!utf8_valid(rs->r[i]))
			fail_msg("reason %d not UTF-8: \"%s\"", i, rs->r[i]);
	}
	/* Rows past n are untouched. */
	for (i = rs->n; i <= SCORE_MAX_REASONS; i++) {
		row = rs->r[i];
		for (j = 0; j < SCORE_REASON_MAX; j++)
			if (row[j] != 'X')
				fail_msg("row %d written past n = %d", i,
				    rs->n);
	}
}

static void
test_reasons_never_overflow_with_long_lists(void **state)
{
	struct candidate c;
	struct offer o;
	struct reasons rs;
	struct world w;
	char tag[SKILL_MAX_LEN + 1];
	int i;

	(void)state;
	clause_offer(&o, (uint32_t)B(CRITERION_COUNT) - 1);
	o.experience_months = 600;
	o.level_min = 8;
	o.licences_required = licence_closure(LIC(CE) | LIC(DE) | LIC(A));
	default_cand(&c, "c1");
	c.licences = o.licences_required;
	c.criteria = (uint32_t)B(CRITERION_COUNT) - 1;
	c.barriers = BAR(MOBILITE) | BAR(GARDE_ENFANTS) | BAR(LOGEMENT) |
	    BAR(SANTE);
	c.available_from = TODAY + 10;
	c.level = 0;
	place_cand(&c, GRAVELINES);
	c.nskills = 0;
	for (i = 0; i < OFFER_MAX_SKILLS; i++) {
		/* Forty characters each. */
		snprintf(tag, sizeof(tag), "required-skill-%02d-%s", i,
		    "abcdefghijklmnopqrstuv");
		assert_int_equal(strlen(tag), SKILL_MAX_LEN);
		snprintf(o.skills_required[i], sizeof(tag), "%s", tag);
		add_skill(&c, tag);
		tag[0] = 'w';
		snprintf(o.skills_wanted[i], sizeof(tag), "%s", tag);
		add_skill(&c, tag);
	}
	o.nskills_required = OFFER_MAX_SKILLS;
	o.nskills_wanted = OFFER_MAX_SKILLS;
	world_open(&w, &c, &o, &defm);
	index_referral_opened(w.idx, w.slot, TODAY - 3);
	index_referral_opened(w.idx, w.slot, TODAY - 2);
	reasons_of(&w, &rs, SCORE_MAX_REASONS);
	check_reason_bounds(&rs, SCORE_MAX_REASONS);
	expect_reason_part(&rs, "exigences remplies : permis ");
	expect_reason_part(&rs, "compétences souhaitées : 16 sur 16 (");
	expect_reason_part(&rs, "éligible clause : RSA, ASS");
	/* max is respected. */
	reasons_of(&w, &rs, 2);
	assert_int_equal(rs.n, 2);
	check_reason_bounds(&rs, 2);
	world_close(&w);
}

static void
test_reasons_longest_rome_label_fits(void **state)
{
	struct candidate c;
	struct offer o;
	struct reasons rs;

	(void)state;
	default_offer(&o, "o1");
	set_offer_rome(&o, "H2601");
	default_cand(&c, "c1");
	c.sectors = B(SECTOR_INDUSTRIE);
	set_job(&c, 0, "H2603", 600);
	get_reasons(&c, &o, &rs);
	check_reason_bounds(&rs, SCORE_MAX_REASONS);
	assert_string_equal(rs.r[0], "métier proche H2603 (Conduite "
	    "d'installation automatisée de production électrique, "
	    "électronique et microélectronique), 600 mois d'expérience");
}

/* --- offers known only by their department, ROME 4.0 offers --- */

#define CALAIS		"62193"

/* o, placed in department dept only, as offer_decode() leaves it. */
static void
department_offer(struct offer *o, const char *dept)
{
	const struct refdata_department *d = refdata_department(ref, dept, 2);

	assert_non_null(d);
	default_offer(o, "o1");
	o->commune[0] = '\0';
	o->lat = d->lat;
	o->lon = d->lon;
	snprintf(o->department, sizeof(o->department), "%s", dept);
	o->department_no = (int)(d - ref->departments) + 1;
}

static void
test_department_only_takes_the_department(void **state)
{
	struct candidate c;
	struct offer o;
	struct score_result r;
	struct reasons rs;

	(void)state;
	department_offer(&o, "62");
	default_cand(&c, "c1");
	/* Dunkerque is in 59: out, whatever the radius. */
	c.radius_km = 200;
	expect_filter(&c, &o, FILTER_DISTANCE);
	/* Calais is in 62, far from the department's reference point. */
	place_cand(&c, CALAIS);
	c.radius_km = 1;
	assert_int_equal(score1(&c, &o, &r), SCORE_ELIGIBLE);
	assert_near(r.comp[COMP_DISTANCE], 0.5, 1e-12);
	get_reasons(&c, &o, &rs);
	expect_reason_part(&rs, "lieu précis inconnu (département 62)");
	assert_false(has_reason_part(&rs, " km"));
	/* Coordinates alone: the department of the nearest commune. */
	c.commune[0] = '\0';
	c.lat += 0.01;
	expect_filter(&c, &o, SCORE_ELIGIBLE);
	/* Out at sea, far from every commune: unknown, so out. */
	c.lat = 51.5;
	c.lon = 1.5;
	expect_filter(&c, &o, FILTER_DISTANCE);
	/* The filter keeps its place: licences come first. */
	place_cand(&c, DUNKERQUE);
	o.licences_required = 1u << LICENCE_C;
	expect_filter(&c, &o, FILTER_LICENCES);
}

static void
test_rome_v4_walks_the_domain(void **state)
{
	struct conf_matching m = defm;
	struct candidate c;
	struct offer o;
	struct score_result r;
	struct reasons rs;

	(void)state;
	default_offer(&o, "o1");
	/* F1799: not a v3 code; offer_decode() maps it to F17's first. */
	snprintf(o.rome_v4, sizeof(o.rome_v4), "F1799");
	o.rome_id = refdata_rome_domain_first(ref, "F1799");
	snprintf(o.rome, sizeof(o.rome), "%s", ref->rome[o.rome_id].code);
	default_cand(&c, "c1");
	set_job(&c, 0, o.rome, 24);
	/* The domain's first code is only "métier proche". */
	m.rome_domain = 0;
	assert_int_equal(score1m(&c, &o, &m, &r), SCORE_ELIGIBLE);
	assert_int_equal(r.exact, 0);
	assert_near(r.comp[COMP_JOB], 0.6, 1e-12);
	/* Another code of the domain, even with rome_domain = no. */
	set_job(&c, 0, "F1702", 24);
	assert_int_equal(score1m(&c, &o, &m, &r), SCORE_ELIGIBLE);
	assert_int_equal(r.exact, 0);
	get_reasons(&c, &o, &rs);
	expect_reason_part(&rs, "du code ROME 4.0 F1799");
	set_job(&c, 0, "G1602", 24);
	expect_filter_m(&c, &o, &m, FILTER_ROME);
	/* A code of a domain without v3 codes matches nobody. */
	snprintf(o.rome_v4, sizeof(o.rome_v4), "M1999");
	snprintf(o.rome, sizeof(o.rome), "M1999");
	o.rome_id = -1;
	set_job(&c, 0, "M1801", 24);
	expect_filter(&c, &o, FILTER_ROME);
}

/* The kind of the reason that starts with prefix; fails if none does. */
static enum reason_kind
kind_of(const struct reasons *rs, const char *prefix)
{
	int i;

	for (i = 0; i < rs->n; i++)
		if (strncmp(rs->r[i], prefix, strlen(prefix)) == 0)
			return rs->kind[i];
	dump_reasons(rs);
	fail_msg("no reason starting with \"%s\"", prefix);
	return REASON_NOTE;
}

static void
test_reason_kinds(void **state)
{
	struct candidate c;
	struct offer o;
	struct reasons rs;
	int i;

	(void)state;
	clause_offer(&o, 0);
	o.experience_months = 12;
	o.level_min = 4;
	o.licences_required = LIC(C);
	snprintf(o.skills_wanted[0], SKILL_MAX_LEN + 1, "oppbtp");
	o.nskills_wanted = 1;
	snprintf(o.notes[0], sizeof(o.notes[0]), "permis B exigé "
	    "(France Travail)");
	o.nnotes = 1;
	default_cand(&c, "c1");
	c.jobs[0].months = 6;
	c.level = 3;
	c.licences = LIC(CE);
	c.criteria = CRIT(RSA) | CRIT(TH);
	c.barriers = BAR(SANTE);
	c.available_from = TODAY + 3;
	add_skill(&c, "oppbtp");
	get_reasons(&c, &o, &rs);
	assert_int_equal(kind_of(&rs, "même métier"), REASON_FIT);
	assert_int_equal(kind_of(&rs, "expérience :"), REASON_FIT);
	assert_int_equal(kind_of(&rs, "à 0,0 km"), REASON_PLACE);
	assert_int_equal(kind_of(&rs, "éligible clause"), REASON_PRIORITY);
	assert_int_equal(kind_of(&rs, "exigences remplies"), REASON_FIT);
	assert_int_equal(kind_of(&rs, "compétences souhaitées"), REASON_FIT);
	assert_int_equal(kind_of(&rs, "niveau 3"), REASON_FIT);
	assert_int_equal(kind_of(&rs, "disponible"), REASON_FIT);
	assert_int_equal(kind_of(&rs, "pas de mise"), REASON_REFERRALS);
	assert_int_equal(kind_of(&rs, "frein signalé"), REASON_BARRIER);
	/* Ten reasons: the offer's note is the eleventh. */
	assert_int_equal(rs.n, SCORE_MAX_REASONS);
	c.available_from = DATE_NONE;
	get_reasons(&c, &o, &rs);
	assert_int_equal(kind_of(&rs, "permis B exigé"), REASON_NOTE);
	/* Kinds past n are untouched, as the reasons are. */
	c.barriers = 0;
	get_reasons(&c, &o, &rs);
	assert_true(rs.n < SCORE_MAX_REASONS);
	for (i = rs.n; i <= SCORE_MAX_REASONS; i++)
		assert_int_equal((int)rs.kind[i], 0x5a5a5a5a);

	default_offer(&o, "o2");
	get_reasons(&c, &o, &rs);
	assert_int_equal(kind_of(&rs, "public prioritaire"), REASON_PRIORITY);
	department_offer(&o, "59");
	get_reasons(&c, &o, &rs);
	assert_int_equal(kind_of(&rs, "lieu précis inconnu"), REASON_PLACE);
	/* kinds may be NULL. */
	{
		struct world w;

		world_open(&w, &c, &o, &defm);
		assert_int_equal(score_reasons(&w.q, w.idx, w.slot, &w.res,
		    rs.r, NULL, SCORE_MAX_REASONS), rs.n);
		world_close(&w);
	}
}

/* Fail if a FIT reason of rs names one of the labels of v. */
static void
fit_names_none_of(const struct reasons *rs, const struct vocab *v)
{
	int i, j;

	for (i = 0; i < rs->n; i++) {
		if (rs->kind[i] != REASON_FIT)
			continue;
		for (j = 0; j < v->count; j++)
			if (strstr(rs->r[i], vocab_label(v, j)) != NULL) {
				dump_reasons(rs);
				fail_msg("fit reason \"%s\" names the %s "
				    "\"%s\"", rs->r[i], v->what,
				    vocab_label(v, j));
			}
		if (strstr(rs->r[i], " km") != NULL ||
		    strstr(rs->r[i], "département") != NULL ||
		    strstr(rs->r[i], "prioritaire") != NULL ||
		    strstr(rs->r[i], "clause") != NULL ||
		    strstr(rs->r[i], "frein") != NULL)
			fail_msg("fit reason \"%s\" is not about the job",
			    rs->r[i]);
	}
}

/*
 * Every criterion and every barrier, alone and all at once, on a plain,
 * a clause and a department-only offer asking for everything a reason
 * can speak of: no job-fit reason names one of them, nor a place.
 */
static void
test_fit_reasons_name_no_criterion_nor_barrier(void **state)
{
	struct candidate c;
	struct offer o;
	struct reasons rs;
	uint32_t all_crit = B(CRITERION_COUNT) - 1;
	uint32_t all_bar = B(BARRIER_COUNT) - 1;
	int kind, i, nfit;

	(void)state;
	for (kind = 0; kind < 3; kind++)
		for (i = -1; i <= CRITERION_COUNT + BARRIER_COUNT; i++) {
			if (kind == 0)
				default_offer(&o, "o1");
			else if (kind == 1)
				clause_offer(&o, all_crit);
			else
				department_offer(&o, "59");
			o.experience_months = 36;
			o.level_min = 5;
			o.licences_required = LIC(B);
			snprintf(o.skills_wanted[0], SKILL_MAX_LEN + 1, "sst");
			o.nskills_wanted = 1;
			default_cand(&c, "c1");
			set_job(&c, 0, "F1702", 6);
			c.available_from = TODAY + 7;
			c.birth_date = date_from_ymd(1960, 1, 1);
			c.level = 2;
			if (i < 0) {
				c.criteria = all_crit;
				c.barriers = all_bar;
			} else if (i < CRITERION_COUNT)
				c.criteria = B(i);
			else if (i < CRITERION_COUNT + BARRIER_COUNT)
				c.barriers = B(i - CRITERION_COUNT);
			else
				c.criteria = CRIT(SENIOR) | CRIT(DELD);
			/* A clause offer takes only its publics. */
			if (kind == 1 && c.criteria == 0)
				c.criteria = CRIT(QPV);
			get_reasons(&c, &o, &rs);
			fit_names_none_of(&rs, &vocab_criterion);
			fit_names_none_of(&rs, &vocab_barrier);
			/* The job and the experience shortfall come first. */
			for (nfit = 0; nfit < rs.n &&
			    rs.kind[nfit] == REASON_FIT; nfit++)
				continue;
			assert_true(nfit >= 2);
			assert_int_equal(kind_of(&rs, "métier proche"),
			    REASON_FIT);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_eligible),
		cmocka_unit_test(test_filter_names_in_documented_order),
		cmocka_unit_test(test_status_other_than_available_excluded),
		cmocka_unit_test(test_rome_other_domain_excluded),
		cmocka_unit_test(test_rome_same_domain_follows_rome_domain),
		cmocka_unit_test(test_already_referred_uses_sorted_slots),
		cmocka_unit_test(test_already_referred_comes_before_contract),
		cmocka_unit_test(test_contract_not_sought_excluded),
		cmocka_unit_test(test_availability_slack_boundary),
		cmocka_unit_test(
		    test_availability_from_today_when_start_absent_or_past),
		cmocka_unit_test(test_availability_follows_start_slack_days),
		cmocka_unit_test(test_age_youth_platform_at_start_date),
		cmocka_unit_test(test_age_boundary_around_29_february),
		cmocka_unit_test(test_age_missing_birth_date_excluded),
		cmocka_unit_test(test_age_min_max_override_youth_range),
		cmocka_unit_test(test_age_max_alone_excludes_older_candidates),
		cmocka_unit_test(test_age_before_clause),
		cmocka_unit_test(test_clause_explicit_criteria),
		cmocka_unit_test(test_clause_default_criteria_when_none_listed),
		cmocka_unit_test(test_clause_map_on_any_source_applies),
		cmocka_unit_test(test_clause_derived_jeune_peu_qualifie),
		cmocka_unit_test(test_clause_derived_senior),
		cmocka_unit_test(test_score_criteria_derives_at_given_day),
		cmocka_unit_test(test_licences_with_implication),
		cmocka_unit_test(test_skills_required_present_absent_unknown),
		cmocka_unit_test(test_skills_before_distance),
		cmocka_unit_test(test_distance_candidate_radius_boundary),
		cmocka_unit_test(test_distance_offer_max_km_boundary),
		cmocka_unit_test(test_job_exact_one_same_domain_point_six),
		cmocka_unit_test(test_experience_when_offer_asks_months),
		cmocka_unit_test(test_experience_when_offer_asks_none),
		cmocka_unit_test(test_distance_linear_in_smaller_limit),
		cmocka_unit_test(
		    test_score_by_hand_no_vehicle_weighs_distance_more),
		cmocka_unit_test(test_score_follows_weights_and_no_vehicle_pct),
		cmocka_unit_test(test_skills_wanted_fraction),
		cmocka_unit_test(test_level_one_half_zero),
		cmocka_unit_test(test_priority_steps),
		cmocka_unit_test(test_priority_counts_clause_criteria),
		cmocka_unit_test(
		    test_priority_derived_criteria_with_explicit_ones),
		cmocka_unit_test(test_fairness_recent_and_open_referrals),
		cmocka_unit_test(test_fairness_window_zero_ignores_dates),
		cmocka_unit_test(test_barriers_penalties),
		cmocka_unit_test(
		    test_components_in_unit_range_and_score_rounded),
		cmocka_unit_test(test_reasons_job_and_distance),
		cmocka_unit_test(test_department_only_takes_the_department),
		cmocka_unit_test(test_rome_v4_walks_the_domain),
		cmocka_unit_test(test_reasons_decimal_comma),
		cmocka_unit_test(test_reasons_clause_and_priority),
		cmocka_unit_test(test_reasons_requirements_skills_level),
		cmocka_unit_test(test_reasons_availability_referrals_barriers),
		cmocka_unit_test(test_reasons_never_overflow_with_long_lists),
		cmocka_unit_test(test_reasons_longest_rome_label_fits),
		cmocka_unit_test(test_reason_kinds),
		cmocka_unit_test(test_fit_reasons_name_no_criterion_nor_barrier),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
