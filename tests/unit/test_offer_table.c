/*
 * Unit tests of the offer table's duplicate bookkeeping (matcher/core/offer_table.c):
 * the open offers' signatures follow puts, closes and reopenings; an offer
 * being stored is found before it is in the table; merges make aliases
 * and keep every source reference, within their bound; the Redis value of
 * a merge decodes back to the same, and bad values are refused with a
 * reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "dedup.h"
#include "domain.h"
#include "offer.h"
#include "offer_table.h"
#include "refdata.h"

#include "../lib/core_fixture.h"

#define T0	((int64_t)date_from_ymd(2026, 11, 2) * 86400 + 3600)

/* The France Travail offer and its copy relayed by a partner board. */
static void
pair(struct offer *ft, struct offer *copy)
{
	default_offer(ft, "ft-201KCBA");
	snprintf(ft->title, sizeof(ft->title), "Coffreur bancheur (H/F)");
	snprintf(ft->employer, sizeof(ft->employer), "Bâtiments du Nord SAS");
	*copy = *ft;
	snprintf(copy->id, sizeof(copy->id), "ft-201KCBZ");
	snprintf(copy->title, sizeof(copy->title), "COFFREUR-BANCHEUR H/F");
	snprintf(copy->employer, sizeof(copy->employer), "BATIMENTS DU NORD");
	snprintf(copy->partner, sizeof(copy->partner), "Indeed");
}

static enum dedup_verdict
find(const struct offer_table *t, const struct offer *o, char *other)
{
	char why[OFFER_TABLE_WHY_MAX];

	return offer_table_find_duplicate(t, o, T0 + 86400, other,
	    RECORD_ID_MAX + 1, why, sizeof(why));
}

static void
test_signatures_follow_the_table(void **state)
{
	struct offer_table *t = offer_table_new();
	struct offer ft, copy;
	struct offer_entry *e;
	char other[RECORD_ID_MAX + 1];

	(void)state;
	pair(&ft, &copy);
	assert_int_equal(find(t, &copy, other), DEDUP_DIFFERENT);
	e = offer_table_put(t, &ft, T0);
	assert_int_equal(find(t, &copy, other), DEDUP_SAME);
	assert_string_equal(other, "ft-201KCBA");
	/* An offer never duplicates itself. */
	assert_int_equal(find(t, &ft, other), DEDUP_DIFFERENT);
	/* A closed offer is not merged with; reopened, it is again. */
	offer_table_set_closed(t, e, 1);
	assert_int_equal(find(t, &copy, other), DEDUP_DIFFERENT);
	offer_table_set_closed(t, e, 0);
	assert_int_equal(find(t, &copy, other), DEDUP_SAME);
	/* Put again as another job: the old signature goes. */
	set_offer_rome(&ft, "G1602");
	snprintf(ft.title, sizeof(ft.title), "Commis de cuisine");
	(void)offer_table_put(t, &ft, T0);
	assert_int_equal(find(t, &copy, other), DEDUP_DIFFERENT);
	offer_table_free(t);
}

static void
test_reserved_offer_is_found_before_it_is_stored(void **state)
{
	struct offer_table *t = offer_table_new();
	struct offer ft, copy;
	char other[RECORD_ID_MAX + 1];

	(void)state;
	pair(&ft, &copy);
	offer_table_reserve(t, &ft, T0);
	assert_null(offer_table_get(t, ft.id));
	assert_int_equal(find(t, &copy, other), DEDUP_SAME);
	assert_string_equal(other, ft.id);
	/* Its store failed: forgotten.  A stored offer is not. */
	offer_table_unreserve(t, ft.id);
	assert_int_equal(find(t, &copy, other), DEDUP_DIFFERENT);
	(void)offer_table_put(t, &ft, T0);
	offer_table_unreserve(t, ft.id);
	assert_int_equal(find(t, &copy, other), DEDUP_SAME);
	offer_table_free(t);
}

static void
merged(struct offer_merged *m, const char *id, int64_t at)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->id, sizeof(m->id), "%s", id);
	m->source = SOURCE_POLE_EMPLOI;
	snprintf(m->partner, sizeof(m->partner), "Indeed");
	m->at = at;
	snprintf(m->why, sizeof(m->why), "même employeur, même métier F1701");
}

static void
test_merge_makes_aliases_within_the_bound(void **state)
{
	struct offer_table *t = offer_table_new();
	struct offer ft, copy;
	struct offer_entry *e;
	struct offer_merged m;
	char id[RECORD_ID_MAX + 1];
	int i;

	(void)state;
	pair(&ft, &copy);
	e = offer_table_put(t, &ft, T0);
	assert_null(offer_table_alias(t, copy.id));
	merged(&m, copy.id, T0 + 10);
	assert_int_equal(offer_table_merge(t, e, &m), 0);
	assert_ptr_equal(offer_table_alias(t, copy.id), e);
	assert_null(offer_table_get(t, copy.id));
	assert_int_equal(e->nmerged, 1);
	assert_int_equal(t->merged, 1);
	/* The same duplicate again: updated, not listed twice. */
	m.at = T0 + 20;
	assert_int_equal(offer_table_merge(t, e, &m), 0);
	assert_int_equal(e->nmerged, 1);
	assert_int_equal(e->merged[0].at, T0 + 20);
	assert_int_equal(t->merged, 1);
	/* Many: the aliases grow past the table's first size. */
	for (i = 1; i < OFFER_TABLE_MERGED_MAX; i++) {
		snprintf(id, sizeof(id), "pr-%03d", i);
		merged(&m, id, T0 + i);
		assert_int_equal(offer_table_merge(t, e, &m), 0);
	}
	assert_int_equal(e->nmerged, OFFER_TABLE_MERGED_MAX);
	merged(&m, "pr-over", T0);
	assert_int_equal(offer_table_merge(t, e, &m), -1);
	/* Past the bound it is still known as a duplicate. */
	assert_ptr_equal(offer_table_alias(t, "pr-over"), e);
	for (i = 1; i < OFFER_TABLE_MERGED_MAX; i++) {
		snprintf(id, sizeof(id), "pr-%03d", i);
		assert_ptr_equal(offer_table_alias(t, id), e);
	}
	for (i = 0; i < 200; i++) {
		snprintf(id, sizeof(id), "x-%03d", i);
		merged(&m, id, T0);
		(void)offer_table_merge(t, e, &m);
	}
	assert_ptr_equal(offer_table_alias(t, "x-199"), e);
	assert_ptr_equal(offer_table_alias(t, copy.id), e);
	assert_null(offer_table_alias(t, "x-200"));
	offer_table_free(t);
}

static void
test_merge_value_round_trip(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	struct offer_merged m, back;
	char into[RECORD_ID_MAX + 1], err[80];

	(void)state;
	merged(&m, "ft-201KCBZ", T0);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	offer_table_pack_merged(&pk, "ft-201KCBA", &m);
	assert_int_equal(offer_table_unpack_merged("ft-201KCBZ", sb.data, sb.size,
	    into, &back, err, sizeof(err)), 0);
	assert_string_equal(into, "ft-201KCBA");
	assert_memory_equal(&m, &back, sizeof(m));
	/* A truncated value, a bad id: refused with a reason. */
	assert_int_equal(offer_table_unpack_merged("ft-201KCBZ", sb.data,
	    sb.size - 3, into, &back, err, sizeof(err)), -1);
	assert_int_equal(offer_table_unpack_merged("bad id", sb.data, sb.size,
	    into, &back, err, sizeof(err)), -1);
	assert_string_equal(err, "bad merged id");
	msgpack_sbuffer_destroy(&sb);

	/* A value of another shape. */
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	mp_pack_kv_str(&pk, "into", "ft-1");
	mp_pack_kv_str(&pk, "source", "teletext");
	assert_int_equal(offer_table_unpack_merged("ft-2", sb.data, sb.size, into,
	    &back, err, sizeof(err)), -1);
	assert_string_equal(err, "source: not a source");
	msgpack_sbuffer_destroy(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signatures_follow_the_table),
		cmocka_unit_test(test_reserved_offer_is_found_before_it_is_stored),
		cmocka_unit_test(test_merge_makes_aliases_within_the_bound),
		cmocka_unit_test(test_merge_value_round_trip),
	};

	return cmocka_run_group_tests(tests, fixture_setup_refdata,
	    fixture_teardown);
}
