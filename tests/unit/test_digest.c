/*
 * Unit tests of the digest (matcher/core/digest.c) against a brute-force
 * recount on a random offer table: each list holds exactly the entries
 * its rule names, in its order, cut at count, with the whole total.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "offer_table.h"

#include "../lib/core_fixture.h"

#define T0	((int64_t)TODAY * 86400)
#define NOFFERS	300
#define NCAND	40

static struct offer_table *
random_table(unsigned seed)
{
	struct offer_table *t = offer_table_new();
	struct offer_entry *e;
	struct offer o;
	char cand[16];
	int i, j, nrefs;

	srand(seed);
	for (i = 0; i < NOFFERS; i++) {
		default_offer(&o, "o-0");
		snprintf(o.id, sizeof(o.id), "o-%03d", i);
		o.sector = rand() % SECTOR_COUNT;
		e = offer_table_put(t, &o, T0 - (rand() % (10 * 86400)));
		if (rand() % 5 == 0)
			offer_table_set_closed(t, e, 1);
		nrefs = rand() % 6;
		for (j = 0; j < nrefs; j++) {
			snprintf(cand, sizeof(cand), "c-%02d", rand() % NCAND);
			offer_table_ref_set(t, e, cand, rand() % REFERRAL_COUNT,
			    T0 - (rand() % (10 * 86400)));
		}
	}
	return t;
}

/* The brute-force count of each list's rule. */
static void
recount(const struct offer_table *t, uint32_t sectors, int64_t since,
    uint32_t *offers, uint32_t *waiting, uint32_t *hires)
{
	const struct offer_entry *e;
	uint32_t pos = 0, i;

	*offers = *waiting = *hires = 0;
	while ((e = offer_table_next(t, &pos)) != NULL) {
		if (!(sectors & (1u << e->offer.sector)))
			continue;
		*offers += !e->closed && e->created_at >= since;
		for (i = 0; i < e->nrefs; i++) {
			*waiting += !e->closed &&
			    (e->refs[i].status == REFERRAL_SENT ||
			    e->refs[i].status == REFERRAL_INTERVIEW);
			*hires += e->refs[i].status == REFERRAL_HIRED &&
			    e->refs[i].updated_at >= since;
		}
	}
}

static void
check_refs(const struct digest_ref *v, uint32_t n, uint32_t sectors,
    int newest_first)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		assert_true(sectors & (1u << v[i].e->offer.sector));
		if (i == 0)
			continue;
		if (newest_first)
			assert_true(v[i - 1].r->updated_at >=
			    v[i].r->updated_at);
		else
			assert_true(v[i - 1].r->updated_at <=
			    v[i].r->updated_at);
	}
}

static void
test_against_a_recount(void **state)
{
	struct offer_table *t;
	struct digest d;
	uint32_t sectors, no, nw, nh, i;
	int64_t since;
	int round, count;

	(void)state;
	for (round = 0; round < 40; round++) {
		t = random_table(round);
		sectors = (uint32_t)(rand() % ((1 << SECTOR_COUNT) - 1)) + 1;
		since = T0 - (rand() % 10) * 86400;
		count = 1 + rand() % 120;
		digest_build(t, sectors, since, count, &d);
		recount(t, sectors, since, &no, &nw, &nh);
		assert_int_equal(d.offers_total, no);
		assert_int_equal(d.waiting_total, nw);
		assert_int_equal(d.hires_total, nh);
		assert_int_equal(d.noffers, no < (uint32_t)count ? no : (uint32_t)count);
		assert_int_equal(d.nwaiting, nw < (uint32_t)count ? nw : (uint32_t)count);
		assert_int_equal(d.nhires, nh < (uint32_t)count ? nh : (uint32_t)count);
		for (i = 0; i < d.noffers; i++) {
			assert_false(d.offers[i]->closed);
			assert_true(d.offers[i]->created_at >= since);
			if (i > 0)
				assert_true(d.offers[i - 1]->created_at >=
				    d.offers[i]->created_at);
		}
		for (i = 0; i < d.nwaiting; i++)
			assert_true(digest_waiting(d.waiting[i].r->status));
		for (i = 0; i < d.nhires; i++)
			assert_int_equal(d.hires[i].r->status, REFERRAL_HIRED);
		check_refs(d.waiting, d.nwaiting, sectors, 0);
		check_refs(d.hires, d.nhires, sectors, 1);
		digest_free(&d);
		offer_table_free(t);
	}
}

static void
test_count_is_clamped(void **state)
{
	struct offer_table *t = random_table(99);
	struct digest d;

	(void)state;
	digest_build(t, UINT32_MAX, 0, 100000, &d);
	assert_true(d.noffers <= DIGEST_LIST_MAX);
	assert_true(d.offers_total > DIGEST_LIST_MAX);
	digest_free(&d);
	digest_build(t, UINT32_MAX, 0, 0, &d);
	assert_int_equal(d.noffers, 1);
	digest_free(&d);
	offer_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_a_recount),
		cmocka_unit_test(test_count_is_clamped),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
