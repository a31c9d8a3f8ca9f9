/*
 * Tests for poolfilter.c: every criterion on hand-made records, then
 * random records and random filters against a brute-force oracle that
 * reads the candidates as they were put (not the index's key), paging by
 * cursor and by offset across the whole set, and a timing of a filtered
 * page over 100,000 candidates (printed, not asserted).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "dates.h"
#include "domain.h"
#include "geo.h"
#include "index.h"
#include "poolfilter.h"
#include "refdata.h"

#include "../lib/core_fixture.h"

#define NRAND		3000
#define NBENCH		100000

static const char *const codes[] = {
	"F1701", "F1702", "F1703", "F1704", "H2909", "G1602", "K2204",
	"N4105",
};
static const char *const tags[] = { "caces-r489-3", "oppbtp", "sst" };
static const char *const towns[] = {
	"59183", "59273", "59340", "62193", "59350", "62041",
};

static char *
lower(const char *s, char *buf)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	buf[i] = '\0';
	return buf;
}

/* The closure of licences is the index's (licence_closure). */
static int
oracle(const struct index *idx, const struct candidate *c,
    const struct pool_filter *f, int32_t today)
{
	char id[RECORD_ID_MAX + 1], q[RECORD_ID_MAX + 1];
	uint32_t slot = index_find(idx, c->id);
	int32_t by;
	int i, ok;

	if (f->sectors && !(c->sectors & f->sectors))
		return 0;
	if (f->statuses && !(f->statuses & (1u << c->status)))
		return 0;
	if ((idx->recs[slot].k.licences & f->licences) != f->licences)
		return 0;
	if (f->criteria && !(c->criteria & f->criteria))
		return 0;
	by = f->available_by > today ? f->available_by : today;
	if (f->available_by != DATE_NONE && c->available_from != DATE_NONE &&
	    c->available_from > by)
		return 0;
	if (f->updated_since != DATE_NONE && (c->updated_on == DATE_NONE ||
	    c->updated_on < f->updated_since))
		return 0;
	if (f->rome_first >= 0) {
		for (ok = 0, i = 0; i < c->njobs; i++)
			ok |= c->jobs[i].rome_id >= f->rome_first &&
			    c->jobs[i].rome_id <= f->rome_last;
		if (!ok)
			return 0;
	}
	if (f->skill == POOLFILTER_SKILL_NONE)
		return 0;
	if (f->skill >= 0) {
		for (ok = 0, i = 0; i < c->nskills; i++)
			ok |= strcmp(c->skills[i],
			    index_skill_name(idx, f->skill)) == 0;
		if (!ok)
			return 0;
	}
	if (f->within_km > 0 && geo_distance_km((float)c->lat, (float)c->lon,
	    f->lat, f->lon) > f->within_km)
		return 0;
	return f->q[0] == '\0' || strstr(lower(c->id, id), lower(f->q, q));
}

static void
random_cand(struct candidate *c, int n)
{
	char id[RECORD_ID_MAX + 1];
	int i;

	snprintf(id, sizeof(id), "C-%05d-%s", n, n % 3 ? "dk" : "ca");
	default_cand(c, id);
	c->sectors = (uint32_t)(1 + rand() % 15);
	c->status = rand() % STATUS_COUNT;
	c->njobs = 0;
	for (i = 0; i < 1 + rand() % 3; i++)
		set_job(c, i, codes[rand() % 8], 12);
	c->nskills = 0;
	for (i = 0; i < 3; i++)
		if (rand() % 3 == 0)
			add_skill(c, tags[i]);
	c->licences = (uint32_t)rand() & (B(LICENCE_COUNT) - 1) &
	    (LIC(B) | LIC(C) | LIC(AM) | LIC(CE));
	c->criteria = rand() % 2 ? 0 : (uint32_t)rand() & 0x3f;
	c->available_from = rand() % 3 ? DATE_NONE : TODAY - 30 + rand() % 90;
	c->updated_on = rand() % 5 ? TODAY - rand() % 400 : DATE_NONE;
	place_cand(c, towns[rand() % 6]);
}

static void
random_filter(struct index *idx, struct pool_filter *f)
{
	const struct commune *cm;
	int id, first, last;

	poolfilter_init(f);
	if (rand() % 3 == 0)
		f->sectors = (uint32_t)(1 + rand() % 15);
	if (rand() % 3 == 0)
		f->statuses = (uint32_t)(1 + rand() % 15);
	if (rand() % 3 == 0) {
		id = rome(codes[rand() % 8]);
		f->rome_first = f->rome_last = id;
		if (rand() % 2) {
			refdata_rome_domain(ref, id, &first, &last);
			f->rome_first = first;
			f->rome_last = last;
		}
	}
	if (rand() % 3 == 0)
		f->licences = rand() % 2 ? LIC(B) : LIC(C) | LIC(AM);
	if (rand() % 4 == 0)
		f->skill = rand() % 5 == 0 ? POOLFILTER_SKILL_NONE :
		    index_skill_id(idx, tags[rand() % 3]);
	if (rand() % 3 == 0)
		f->criteria = (uint32_t)(1 + rand() % 0x3f);
	if (rand() % 3 == 0)
		f->available_by = TODAY - 40 + rand() % 100;
	if (rand() % 3 == 0)
		f->updated_since = TODAY - rand() % 400;
	if (rand() % 3 == 0) {
		cm = refdata_commune(ref, towns[rand() % 6], 5);
		f->lat = cm->lat;
		f->lon = cm->lon;
		f->within_km = 1 + rand() % 60;
	}
	if (rand() % 5 == 0)
		snprintf(f->q, sizeof(f->q), "%s", rand() % 2 ? "-DK" : "00");
}

static void
test_each_criterion(void **state)
{
	struct pool_filter f;
	struct candidate c;
	struct index *idx;
	uint32_t s;

	(void)state;
	idx = index_new(ref);
	default_cand(&c, "pf-1");
	c.criteria = CRIT(RSA) | CRIT(QPV);
	c.licences = LIC(C);
	c.available_from = TODAY + 10;
	c.updated_on = TODAY - 5;
	add_skill(&c, "oppbtp");
	s = index_put(idx, &c, &(int){ 0 });
	poolfilter_init(&f);
	assert_true(poolfilter_match(idx, s, &f, TODAY));
	f.sectors = B(SECTOR_INDUSTRIE);
	assert_false(poolfilter_match(idx, s, &f, TODAY));
	poolfilter_init(&f);
	f.statuses = B(STATUS_PLACED);
	assert_false(poolfilter_match(idx, s, &f, TODAY));
	f.statuses |= B(STATUS_AVAILABLE);
	assert_true(poolfilter_match(idx, s, &f, TODAY));
	/* C implies B (licence_closure): "permis B" finds a C holder. */
	poolfilter_init(&f);
	f.licences = LIC(B);
	assert_true(poolfilter_match(idx, s, &f, TODAY));
	f.licences = LIC(B) | LIC(D);
	assert_false(poolfilter_match(idx, s, &f, TODAY));
	poolfilter_init(&f);
	f.criteria = CRIT(TH) | CRIT(QPV);
	assert_true(poolfilter_match(idx, s, &f, TODAY));
	f.criteria = CRIT(TH);
	assert_false(poolfilter_match(idx, s, &f, TODAY));
	poolfilter_init(&f);
	f.available_by = TODAY + 9;
	assert_false(poolfilter_match(idx, s, &f, TODAY));
	f.available_by = TODAY + 10;
	assert_true(poolfilter_match(idx, s, &f, TODAY));
	/* A past day is today: available from today + 10 is not yet. */
	f.available_by = TODAY - 100;
	assert_false(poolfilter_match(idx, s, &f, TODAY + 9));
	assert_true(poolfilter_match(idx, s, &f, TODAY + 10));
	poolfilter_init(&f);
	f.updated_since = TODAY - 5;
	assert_true(poolfilter_match(idx, s, &f, TODAY));
	f.updated_since = TODAY - 4;
	assert_false(poolfilter_match(idx, s, &f, TODAY));
	poolfilter_init(&f);
	f.rome_first = f.rome_last = rome("F1702");
	assert_false(poolfilter_match(idx, s, &f, TODAY));
	refdata_rome_domain(ref, rome("F1702"), &f.rome_first, &f.rome_last);
	assert_true(poolfilter_match(idx, s, &f, TODAY));
	poolfilter_init(&f);
	f.skill = index_skill_id(idx, "oppbtp");
	assert_true(poolfilter_match(idx, s, &f, TODAY));
	f.skill = POOLFILTER_SKILL_NONE;
	assert_false(poolfilter_match(idx, s, &f, TODAY));
	/* Dunkerque - Gravelines is about 14.4 km. */
	poolfilter_init(&f);
	f.lat = refdata_commune(ref, "59273", 5)->lat;
	f.lon = refdata_commune(ref, "59273", 5)->lon;
	f.within_km = 15;
	assert_true(poolfilter_match(idx, s, &f, TODAY));
	f.within_km = 14;
	assert_false(poolfilter_match(idx, s, &f, TODAY));
	poolfilter_init(&f);
	snprintf(f.q, sizeof(f.q), "PF-");
	assert_true(poolfilter_match(idx, s, &f, TODAY));
	snprintf(f.q, sizeof(f.q), "pf-2");
	assert_false(poolfilter_match(idx, s, &f, TODAY));
	/* A deleted slot matches nothing. */
	poolfilter_init(&f);
	index_delete(idx, "pf-1");
	assert_false(poolfilter_match(idx, s, &f, TODAY));
	index_free(idx);
}

/* Every match once, in slot order, by cursor and by offset; totals fixed. */
static void
check_paging(const struct index *idx, const struct pool_filter *f,
    const uint32_t *want, uint32_t nwant)
{
	uint32_t out[64], total, before, next, cursor = 0, seen = 0, n, i;
	uint32_t count = 1 + (uint32_t)(rand() % 64);

	do {
		n = poolfilter_page(idx, f, TODAY, cursor, 0, count, out,
		    &total, &before, &next);
		assert_int_equal(total, nwant);
		assert_int_equal(before, seen);
		for (i = 0; i < n; i++)
			assert_int_equal(out[i], want[seen++]);
		assert_true(n == count || next == INDEX_NONE);
		cursor = next;
	} while (next != INDEX_NONE);
	assert_int_equal(seen, nwant);
	for (seen = 0; seen < nwant || seen == 0; seen += count) {
		n = poolfilter_page(idx, f, TODAY, 0, seen, count, out,
		    &total, &before, &next);
		assert_int_equal(total, nwant);
		assert_int_equal(before, seen > nwant ? nwant : seen);
		for (i = 0; i < n; i++)
			assert_int_equal(out[i], want[seen + i]);
		if (nwant == 0)
			break;
	}
}

static void
test_random_against_oracle(void **state)
{
	struct candidate *cs;
	struct pool_filter f;
	struct index *idx;
	uint32_t *want, nwant, slot;
	int i, t, live[NRAND];

	(void)state;
	srand(20261208);
	idx = index_new(ref);
	cs = calloc(NRAND, sizeof(*cs));
	want = calloc(NRAND, sizeof(*want));
	for (i = 0; i < NRAND; i++) {
		random_cand(&cs[i], i);
		assert_int_not_equal(index_put(idx, &cs[i], &(int){ 0 }),
		    INDEX_NONE);
		live[i] = 1;
	}
	/* Holes, some filled again: the slot order is not the id order. */
	for (i = 0; i < NRAND; i += 7) {
		index_delete(idx, cs[i].id);
		live[i] = 0;
	}
	for (i = 0; i < NRAND; i += 21) {
		index_put(idx, &cs[i], &(int){ 0 });
		live[i] = 1;
	}
	for (t = 0; t < 300; t++) {
		random_filter(idx, &f);
		nwant = 0;
		for (slot = 0; slot < idx->nrecs; slot++) {
			if (!(idx->recs[slot].k.flags & CAND_F_LIVE))
				continue;
			for (i = 0; strcmp(cs[i].id, idx->recs[slot].id); i++)
				;
			assert_true(live[i]);
			assert_int_equal(poolfilter_match(idx, slot, &f,
			    TODAY), oracle(idx, &cs[i], &f, TODAY));
			if (oracle(idx, &cs[i], &f, TODAY))
				want[nwant++] = slot;
		}
		check_paging(idx, &f, want, nwant);
	}
	free(want);
	free(cs);
	index_free(idx);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The brief's search: bâtiment, available now, B, 15 km of Dunkerque, RSA. */
static void
test_timing_100k(void **state)
{
	struct candidate c;
	struct pool_filter f;
	struct index *idx;
	uint32_t out[50], total, before, next, filtered;
	double t0, t1, t2;
	int i, r;

	(void)state;
	srand(7);
	idx = index_new(ref);
	for (i = 0; i < NBENCH; i++) {
		random_cand(&c, i);
		index_put(idx, &c, &(int){ 0 });
	}
	poolfilter_init(&f);
	f.sectors = B(SECTOR_BATIMENT);
	f.statuses = B(STATUS_AVAILABLE);
	f.available_by = TODAY;
	f.licences = LIC(B);
	f.criteria = CRIT(RSA);
	f.lat = refdata_commune(ref, DUNKERQUE, 5)->lat;
	f.lon = refdata_commune(ref, DUNKERQUE, 5)->lon;
	f.within_km = 15;
	t0 = now_ms();
	for (r = 0; r < 20; r++)
		poolfilter_page(idx, &f, TODAY, 0, 100, 50, out, &total,
		    &before, &next);
	t1 = now_ms();
	filtered = total;
	poolfilter_init(&f);
	for (r = 0; r < 20; r++)
		poolfilter_page(idx, &f, TODAY, 0, 100, 50, out, &total,
		    &before, &next);
	t2 = now_ms();
	printf("poolfilter: %d candidates: filtered page %.2f ms (%u match), "
	    "unfiltered page %.2f ms\n", NBENCH, (t1 - t0) / 20, filtered,
	    (t2 - t1) / 20);
	assert_int_equal(total, NBENCH);
	index_free(idx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_criterion),
		cmocka_unit_test(test_random_against_oracle),
		cmocka_unit_test(test_timing_100k),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
