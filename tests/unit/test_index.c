/*
 * Tests for index.c: put, find, delete and replace; slot reuse; a large
 * population with deletions interleaved; posting lists that follow job
 * changes (seen through the ranker); skill interning; the counters;
 * index_next() paging; index_memory().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

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

/* A CDI "Poste" at Dunkerque in code (and its sector), id "o-<code>". */
static void
offer_in(struct offer *o, const char *code)
{
	char id[RECORD_ID_MAX + 1];

	snprintf(id, sizeof(id), "o-%s", code);
	default_offer(o, id);
	snprintf(o->title, sizeof(o->title), "Poste");
	set_offer_rome(o, code);
}

static uint32_t
put(struct index *idx, const struct candidate *c, int want_created)
{
	uint32_t slot;
	int created = -1;

	slot = index_put(idx, c, &created);
	assert_int_not_equal(slot, INDEX_NONE);
	assert_int_equal(created, want_created);
	return slot;
}

static void
expect_found(const struct index *idx, const char *id)
{
	uint32_t slot = index_find(idx, id);

	if (slot == INDEX_NONE)
		fail_msg("%s not found", id);
	assert_string_equal(idx->recs[slot].id, id);
}

static void
test_put_find_delete_reput(void **state)
{
	struct index *idx;
	struct candidate c;
	uint32_t s1, s2;

	(void)state;
	idx = index_new(ref);
	assert_int_equal(index_find(idx, "c1"), INDEX_NONE);
	assert_int_equal(index_delete(idx, "c1"), -1);
	default_cand(&c, "c1");
	s1 = put(idx, &c, 1);
	assert_int_equal(index_find(idx, "c1"), s1);
	expect_found(idx, "c1");
	assert_int_equal(index_find(idx, "c2"), INDEX_NONE);
	/* Same id again: a replacement in place. */
	s2 = put(idx, &c, 0);
	assert_int_equal(s2, s1);
	assert_int_equal(idx->live, 1);
	assert_int_equal(index_delete(idx, "c1"), 0);
	assert_int_equal(index_find(idx, "c1"), INDEX_NONE);
	assert_int_equal(index_delete(idx, "c1"), -1);
	assert_int_equal(idx->live, 0);
	s2 = put(idx, &c, 1);
	expect_found(idx, "c1");
	assert_int_equal(index_find(idx, "c1"), s2);
	assert_int_equal(idx->live, 1);
	index_free(idx);
}

static void
test_similar_ids_are_distinct(void **state)
{
	static const char *const ids[] = { "a", "A", "a.", "a-", "a_", "a:",
	    "aa", "a1", "1a", "0000000000000000000000000000000000000000000000"
	    "000000000000000001" };
	struct index *idx;
	struct candidate c;
	uint32_t slots[sizeof(ids) / sizeof(ids[0])];
	size_t i, j;

	(void)state;
	idx = index_new(ref);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		default_cand(&c, ids[i]);
		slots[i] = put(idx, &c, 1);
	}
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_int_equal(index_find(idx, ids[i]), slots[i]);
		for (j = 0; j < i; j++)
			assert_int_not_equal(slots[i], slots[j]);
	}
	assert_int_equal(index_find(idx, "b"), INDEX_NONE);
	assert_int_equal(index_find(idx, ""), INDEX_NONE);
	index_free(idx);
}

static void
test_replace_keeps_referral_counters(void **state)
{
	struct index *idx;
	struct candidate c;
	uint32_t slot;
	const struct cand_rec *r;

	(void)state;
	idx = index_new(ref);
	default_cand(&c, "c1");
	slot = put(idx, &c, 1);
	r = &idx->recs[slot];
	assert_int_equal(r->open_referrals, 0);
	assert_int_equal(r->last_referral, DATE_NONE);
	index_referral_opened(idx, slot, TODAY - 20);
	index_referral_opened(idx, slot, TODAY - 3);
	/* An older one does not move the last date back. */
	index_referral_opened(idx, slot, TODAY - 9);
	index_referral_closed(idx, slot);
	r = &idx->recs[slot];
	assert_int_equal(r->open_referrals, 2);
	assert_int_equal(r->last_referral, TODAY - 3);

	/* A changed record under the same id. */
	set_job(&c, 0, "G1602", 5);
	c.sectors = B(SECTOR_HOTELLERIE);
	c.status = STATUS_TRAINING;
	assert_int_equal(put(idx, &c, 0), slot);
	r = &idx->recs[slot];
	assert_int_equal(r->open_referrals, 2);
	assert_int_equal(r->last_referral, TODAY - 3);

	/* Deleted and put again: a new candidate, no history. */
	assert_int_equal(index_delete(idx, "c1"), 0);
	slot = put(idx, &c, 1);
	r = &idx->recs[slot];
	assert_int_equal(r->open_referrals, 0);
	assert_int_equal(r->last_referral, DATE_NONE);
	index_free(idx);
}

static void
test_referral_bookkeeping(void **state)
{
	struct index *idx;
	struct candidate c;
	uint32_t slot;

	(void)state;
	idx = index_new(ref);
	default_cand(&c, "c1");
	slot = put(idx, &c, 1);
	/* Closing with none open stays at 0. */
	index_referral_closed(idx, slot);
	assert_int_equal(idx->recs[slot].open_referrals, 0);
	/* Seen: a date, nothing open. */
	index_referral_seen(idx, slot, TODAY - 10);
	index_referral_seen(idx, slot, TODAY - 40);
	assert_int_equal(idx->recs[slot].open_referrals, 0);
	assert_int_equal(idx->recs[slot].last_referral, TODAY - 10);
	index_referral_opened(idx, slot, TODAY - 12);
	assert_int_equal(idx->recs[slot].open_referrals, 1);
	assert_int_equal(idx->recs[slot].last_referral, TODAY - 10);
	index_referral_closed(idx, slot);
	index_referral_closed(idx, slot);
	assert_int_equal(idx->recs[slot].open_referrals, 0);
	assert_int_equal(idx->recs[slot].last_referral, TODAY - 10);
	index_free(idx);
}

static void
test_deleted_slot_reused(void **state)
{
	struct index *idx;
	struct candidate c;
	uint32_t a, b, cc, d, e;

	(void)state;
	idx = index_new(ref);
	default_cand(&c, "a");
	a = put(idx, &c, 1);
	default_cand(&c, "b");
	b = put(idx, &c, 1);
	default_cand(&c, "c");
	cc = put(idx, &c, 1);
	assert_true(a != b && b != cc && a != cc);
	assert_int_equal(index_delete(idx, "b"), 0);
	default_cand(&c, "d");
	d = put(idx, &c, 1);
	assert_int_equal(d, b);
	assert_string_equal(idx->recs[d].id, "d");
	expect_found(idx, "a");
	expect_found(idx, "c");
	assert_int_equal(index_find(idx, "b"), INDEX_NONE);
	/* No free slot left: a new one. */
	default_cand(&c, "e");
	e = put(idx, &c, 1);
	assert_true(e != a && e != cc && e != d);
	assert_int_equal(idx->live, 4);
	index_free(idx);
}

static void
test_many_candidates_with_interleaved_deletes(void **state)
{
	enum { N = 50000 };
	struct index *idx;
	struct candidate c;
	char id[32];
	char *live;
	uint32_t slot, nlive = 0;
	int i, k;

	(void)state;
	live = calloc(N, 1);
	assert_non_null(live);
	idx = index_new(ref);
	default_cand(&c, "x");
	for (i = 0; i < N; i++) {
		snprintf(c.id, sizeof(c.id), "cand-%06d", i);
		c.jobs[0].months = i % 600;
		put(idx, &c, 1);
		live[i] = 1;
		nlive++;
		/* Delete an earlier one now and then, put some back. */
		if (i % 3 == 0 && i >= 7) {
			k = i - 7;
			snprintf(id, sizeof(id), "cand-%06d", k);
			assert_int_equal(index_delete(idx, id),
			    live[k] ? 0 : -1);
			if (live[k])
				nlive--;
			live[k] = 0;
		}
		if (i % 11 == 0 && i >= 100) {
			k = i - 100;
			if (!live[k]) {
				snprintf(c.id, sizeof(c.id), "cand-%06d", k);
				put(idx, &c, 1);
				live[k] = 1;
				nlive++;
			}
		}
	}
	assert_int_equal(idx->live, nlive);
	assert_int_equal(idx->sector_live[SECTOR_BATIMENT], nlive);
	for (i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "cand-%06d", i);
		slot = index_find(idx, id);
		if (live[i]) {
			if (slot == INDEX_NONE)
				fail_msg("%s lost", id);
			assert_string_equal(idx->recs[slot].id, id);
		} else if (slot != INDEX_NONE)
			fail_msg("%s deleted but found", id);
	}
	/* Every slot id is found at that slot: no two share one. */
	for (slot = index_next(idx, 0, 0); slot != INDEX_NONE;
	    slot = index_next(idx, slot + 1, 0))
		assert_int_equal(index_find(idx, idx->recs[slot].id), slot);
	/* The slot array did not grow past what was ever live at once. */
	assert_true(idx->nrecs <= N);
	/* Put the deleted ones back: all found. */
	for (i = 0; i < N; i++)
		if (!live[i]) {
			snprintf(c.id, sizeof(c.id), "cand-%06d", i);
			put(idx, &c, 1);
		}
	assert_int_equal(idx->live, N);
	for (i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "cand-%06d", i);
		expect_found(idx, id);
	}
	index_free(idx);
	free(live);
}

static void
test_delete_all_then_refill(void **state)
{
	struct index *idx;
	struct candidate c;
	char id[32];
	int round, i;

	(void)state;
	idx = index_new(ref);
	default_cand(&c, "x");
	/* Many rounds of tombstones on a table that does not grow. */
	for (round = 0; round < 20; round++) {
		for (i = 0; i < 500; i++) {
			snprintf(c.id, sizeof(c.id), "r%d-%d", round, i);
			put(idx, &c, 1);
		}
		for (i = 0; i < 500; i++) {
			snprintf(id, sizeof(id), "r%d-%d", round, i);
			assert_int_equal(index_delete(idx, id), 0);
		}
		assert_int_equal(idx->live, 0);
	}
	for (i = 0; i < 500; i++) {
		snprintf(id, sizeof(id), "r19-%d", i);
		assert_int_equal(index_find(idx, id), INDEX_NONE);
	}
	assert_int_equal(index_next(idx, 0, 0), INDEX_NONE);
	assert_true(idx->nrecs <= 500);
	index_free(idx);
}

/* Ids ranked for an offer in code, "" when none. */
static int
ranked(const struct index *idx, const char *code, const char *id,
    struct match_result *mr)
{
	struct score_query q;
	struct offer o;
	int i;

	offer_in(&o, code);
	score_prepare(&q, &o, idx, &defm, TODAY, NULL, 0);
	rank_offer(idx, &q, 20, mr);
	for (i = 0; i < mr->ntop; i++)
		if (strcmp(idx->recs[mr->top[i].slot].id, id) == 0)
			return 1;
	return 0;
}

static void
test_posting_lists_follow_job_changes(void **state)
{
	struct index *idx;
	struct candidate c;
	struct match_result *mr;

	(void)state;
	mr = calloc(1, sizeof(*mr));
	assert_non_null(mr);
	idx = index_new(ref);
	default_cand(&c, "stay");
	put(idx, &c, 1);
	default_cand(&c, "mover");
	put(idx, &c, 1);
	assert_true(ranked(idx, "F1701", "mover", mr));
	assert_int_equal(mr->eligible, 2);

	/* From F1701 to G1602, in both sectors. */
	c.njobs = 0;
	set_job(&c, 0, "G1602", 12);
	c.sectors = B(SECTOR_BATIMENT) | B(SECTOR_HOTELLERIE);
	put(idx, &c, 0);
	assert_false(ranked(idx, "F1701", "mover", mr));
	assert_int_equal(mr->considered, 2);
	assert_int_equal(mr->eligible, 1);
	assert_int_equal(mr->excluded[FILTER_ROME], 1);
	assert_true(ranked(idx, "G1602", "mover", mr));
	assert_int_equal(mr->eligible, 1);
	/* Nor anywhere in F17. */
	assert_false(ranked(idx, "F1702", "mover", mr));

	/* Several jobs, then one fewer. */
	set_job(&c, 1, "F1703", 6);
	put(idx, &c, 0);
	assert_true(ranked(idx, "F1703", "mover", mr));
	assert_true(ranked(idx, "G1602", "mover", mr));
	c.njobs = 1;
	put(idx, &c, 0);
	assert_false(ranked(idx, "F1703", "mover", mr));
	assert_true(ranked(idx, "G1602", "mover", mr));

	/* Placed: in the pool, not ranked; available again: ranked. */
	c.status = STATUS_PLACED;
	put(idx, &c, 0);
	assert_false(ranked(idx, "G1602", "mover", mr));
	assert_int_equal(mr->considered, 1);
	assert_int_equal(mr->excluded[FILTER_STATUS], 1);
	c.status = STATUS_AVAILABLE;
	put(idx, &c, 0);
	assert_true(ranked(idx, "G1602", "mover", mr));

	/* Moved far away: a distance exclusion, not a stale place. */
	{
		const struct commune *cm = refdata_commune(ref, "59350", 5);

		c.lat = cm->lat;
		c.lon = cm->lon;
		put(idx, &c, 0);
		assert_false(ranked(idx, "G1602", "mover", mr));
		assert_int_equal(mr->excluded[FILTER_DISTANCE], 1);
	}

	/* Deleted: gone from every list. */
	assert_int_equal(index_delete(idx, "mover"), 0);
	assert_false(ranked(idx, "G1602", "mover", mr));
	assert_int_equal(mr->considered, 0);
	assert_true(ranked(idx, "F1701", "stay", mr));
	assert_int_equal(mr->eligible, 1);
	index_free(idx);
	free(mr);
}

static void
test_skill_interning(void **state)
{
	struct index *idx;
	struct candidate c;
	char tag[SKILL_MAX_LEN + 1];
	int sst, aipr, opp, i, j, id;

	(void)state;
	idx = index_new(ref);
	assert_int_equal(index_skill_id(idx, "sst"), -1);
	default_cand(&c, "c1");
	snprintf(c.skills[0], sizeof(c.skills[0]), "sst");
	snprintf(c.skills[1], sizeof(c.skills[1]), "aipr");
	c.nskills = 2;
	put(idx, &c, 1);
	default_cand(&c, "c2");
	snprintf(c.skills[0], sizeof(c.skills[0]), "oppbtp");
	snprintf(c.skills[1], sizeof(c.skills[1]), "sst");
	c.nskills = 2;
	put(idx, &c, 1);
	sst = index_skill_id(idx, "sst");
	aipr = index_skill_id(idx, "aipr");
	opp = index_skill_id(idx, "oppbtp");
	assert_true(sst >= 0 && aipr >= 0 && opp >= 0);
	assert_true(sst != aipr && sst != opp && aipr != opp);
	assert_int_equal(idx->nskills, 3);
	assert_string_equal(index_skill_name(idx, sst), "sst");
	assert_string_equal(index_skill_name(idx, aipr), "aipr");
	assert_string_equal(index_skill_name(idx, opp), "oppbtp");
	assert_string_equal(index_skill_name(idx, -1), "?");
	assert_string_equal(index_skill_name(idx, 3), "?");
	assert_int_equal(index_skill_id(idx, "SST"), -1);
	assert_int_equal(index_skill_id(idx, "ss"), -1);
	assert_int_equal(index_skill_id(idx, ""), -1);
	/* Ids stay once interned, even when nobody holds the tag. */
	assert_int_equal(index_delete(idx, "c1"), 0);
	assert_int_equal(index_skill_id(idx, "aipr"), aipr);

	/* Thousands of tags: the table grows, every id resolves. */
	for (i = 0; i < 200; i++) {
		snprintf(tag, sizeof(tag), "many-%d", i);
		default_cand(&c, tag);
		for (j = 0; j < CAND_MAX_SKILLS; j++)
			snprintf(c.skills[j], sizeof(c.skills[j]),
			    "skill-%d-%d", i, j);
		c.nskills = CAND_MAX_SKILLS;
		put(idx, &c, 1);
	}
	assert_int_equal(idx->nskills, 3 + 200 * CAND_MAX_SKILLS);
	for (i = 0; i < 200; i++)
		for (j = 0; j < CAND_MAX_SKILLS; j++) {
			snprintf(tag, sizeof(tag), "skill-%d-%d", i, j);
			id = index_skill_id(idx, tag);
			assert_true(id >= 0);
			assert_string_equal(index_skill_name(idx, id), tag);
		}
	assert_int_equal(index_skill_id(idx, "sst"), sst);
	index_free(idx);
}

/* The counters recomputed from a model of what is in the index. */
static void
check_counters(const struct index *idx, const struct candidate *cs,
    const int *in, int n)
{
	uint32_t live = 0, sl[SECTOR_COUNT] = { 0 }, su[SECTOR_COUNT] = { 0 };
	uint32_t st[STATUS_COUNT] = { 0 };
	int i, s;

	for (i = 0; i < n; i++) {
		if (!in[i])
			continue;
		live++;
		st[cs[i].status]++;
		for (s = 0; s < SECTOR_COUNT; s++)
			if (cs[i].sectors & B(s)) {
				sl[s]++;
				if (cs[i].status != STATUS_AVAILABLE)
					su[s]++;
			}
	}
	assert_int_equal(idx->live, live);
	for (s = 0; s < SECTOR_COUNT; s++) {
		if (idx->sector_live[s] != sl[s] ||
		    idx->sector_unavailable[s] != su[s])
			fail_msg("sector %s: live %u unavailable %u, "
			    "want %u %u",
			    vocab_name(&vocab_sector, s), idx->sector_live[s],
			    idx->sector_unavailable[s], sl[s], su[s]);
	}
	for (s = 0; s < STATUS_COUNT; s++)
		if (idx->status_live[s] != st[s])
			fail_msg("status %s: %u, want %u",
			    vocab_name(&vocab_status, s), idx->status_live[s],
			    st[s]);
}

static void
test_counters_after_put_replace_delete(void **state)
{
	enum { N = 12 };
	struct index *idx;
	struct candidate cs[N];
	int in[N], i;
	char id[16];

	(void)state;
	idx = index_new(ref);
	memset(in, 0, sizeof(in));
	check_counters(idx, cs, in, 0);
	for (i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		default_cand(&cs[i], id);
		cs[i].sectors = B(i % SECTOR_COUNT) |
		    (i % 3 == 0 ? B(SECTOR_BATIMENT) : 0);
		cs[i].status = i % 5 == 0 ? STATUS_PLACED : i % 7 == 0 ?
		    STATUS_PAUSED : STATUS_AVAILABLE;
		put(idx, &cs[i], 1);
		in[i] = 1;
		check_counters(idx, cs, in, N);
	}
	/* Replace: status and sectors change. */
	cs[0].status = STATUS_AVAILABLE;
	cs[0].sectors = B(SECTOR_TERTIAIRE);
	put(idx, &cs[0], 0);
	check_counters(idx, cs, in, N);
	cs[1].status = STATUS_TRAINING;
	put(idx, &cs[1], 0);
	check_counters(idx, cs, in, N);
	cs[2].sectors = (uint32_t)B(SECTOR_COUNT) - 1;
	put(idx, &cs[2], 0);
	check_counters(idx, cs, in, N);
	/* The same record again changes nothing. */
	put(idx, &cs[2], 0);
	check_counters(idx, cs, in, N);
	/* Delete, and delete an unknown id. */
	assert_int_equal(index_delete(idx, "c5"), 0);
	in[5] = 0;
	check_counters(idx, cs, in, N);
	assert_int_equal(index_delete(idx, "c5"), -1);
	assert_int_equal(index_delete(idx, "nobody"), -1);
	check_counters(idx, cs, in, N);
	for (i = 0; i < N; i++)
		if (in[i]) {
			assert_int_equal(index_delete(idx, cs[i].id), 0);
			in[i] = 0;
			check_counters(idx, cs, in, N);
		}
	index_free(idx);
}

static void
test_index_next_paging_by_sector(void **state)
{
	enum { N = 40 };
	struct index *idx;
	struct candidate c;
	uint32_t slots[N], s, prev, mask;
	int in[N], i, n, want, page, got;
	char id[16];

	(void)state;
	idx = index_new(ref);
	assert_int_equal(index_next(idx, 0, 0), INDEX_NONE);
	for (i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "c%02d", i);
		default_cand(&c, id);
		c.sectors = i % 2 ? B(SECTOR_BATIMENT) : B(SECTOR_INDUSTRIE);
		if (i % 5 == 0)
			c.sectors |= B(SECTOR_TERTIAIRE);
		slots[i] = put(idx, &c, 1);
		in[i] = 1;
	}
	for (i = 0; i < N; i += 6) {
		snprintf(id, sizeof(id), "c%02d", i);
		assert_int_equal(index_delete(idx, id), 0);
		in[i] = 0;
	}

	/* Batiment, in pages of 3 through the cursor. */
	mask = B(SECTOR_BATIMENT);
	for (want = 0, i = 0; i < N; i++)
		want += in[i] && i % 2;
	n = 0;
	prev = 0;
	s = 0;
	for (page = 0; page < 100; page++) {
		for (got = 0; got < 3; got++) {
			if ((s = index_next(idx, s, mask)) == INDEX_NONE)
				break;
			assert_true(n == 0 || s > prev);
			prev = s;
			for (i = 0; i < N && slots[i] != s; i++)
				;
			assert_true(i < N);
			assert_true(in[i] && i % 2);
			n++;
			s++;
		}
		if (s == INDEX_NONE)
			break;
	}
	assert_int_equal(n, want);

	/* Any sector, and two sectors. */
	for (want = 0, i = 0; i < N; i++)
		want += in[i];
	for (n = 0, s = index_next(idx, 0, 0); s != INDEX_NONE;
	    s = index_next(idx, s + 1, 0))
		n++;
	assert_int_equal(n, want);
	mask = B(SECTOR_TERTIAIRE) | B(SECTOR_BATIMENT);
	for (want = 0, i = 0; i < N; i++)
		want += in[i] && (i % 2 || i % 5 == 0);
	for (n = 0, s = index_next(idx, 0, mask); s != INDEX_NONE;
	    s = index_next(idx, s + 1, mask))
		n++;
	assert_int_equal(n, want);
	assert_int_equal(index_next(idx, 0, B(SECTOR_HOTELLERIE)), INDEX_NONE);
	assert_int_equal(index_next(idx, idx->nrecs, 0), INDEX_NONE);
	assert_int_equal(index_next(idx, INDEX_NONE - 1, 0), INDEX_NONE);
	index_free(idx);
}

static void
test_memory_positive_and_grows(void **state)
{
	struct index *idx;
	struct candidate c;
	size_t m0, m1, m2;
	int i;

	(void)state;
	idx = index_new(ref);
	m0 = index_memory(idx);
	assert_true(m0 > 0);
	default_cand(&c, "x");
	snprintf(c.skills[0], sizeof(c.skills[0]), "sst");
	c.nskills = 1;
	for (i = 0; i < 1000; i++) {
		snprintf(c.id, sizeof(c.id), "cand-%d", i);
		put(idx, &c, 1);
	}
	m1 = index_memory(idx);
	assert_true(m1 > m0);
	/* At least the ids and the records. */
	assert_true(m1 - m0 >= 1000 * sizeof(struct cand_rec));
	for (i = 1000; i < 5000; i++) {
		snprintf(c.id, sizeof(c.id), "cand-%d", i);
		put(idx, &c, 1);
	}
	m2 = index_memory(idx);
	assert_true(m2 > m1);
	index_free(idx);
}

/* Advisers' names are interned: one copy per name, in the padding. */
static void
test_advisers_interned(void **state)
{
	struct index *idx;
	struct candidate c;
	char name[ADVISER_MAX + 1], id[32];
	uint32_t s1, s2, s3;
	int i;

	(void)state;
	assert_true(sizeof(void *) != 8 || sizeof(struct cand_rec) == 72);
	idx = index_new(ref);
	default_cand(&c, "c1");
	snprintf(c.adviser, sizeof(c.adviser), "Mme Durand");
	s1 = put(idx, &c, 1);
	default_cand(&c, "c2");
	snprintf(c.adviser, sizeof(c.adviser), "Mme Durand");
	s2 = put(idx, &c, 1);
	default_cand(&c, "c3");
	c.adviser[0] = '\0';
	s3 = put(idx, &c, 1);
	assert_string_equal(index_adviser(idx, s1), "Mme Durand");
	assert_ptr_equal(index_adviser(idx, s1), index_adviser(idx, s2));
	assert_null(index_adviser(idx, s3));
	assert_int_equal(idx->nadvisers, 1);
	/* Replaced: the new adviser; deleted or out of range: none. */
	default_cand(&c, "c1");
	snprintf(c.adviser, sizeof(c.adviser), "M. Lefebvre");
	assert_int_equal(put(idx, &c, 0), s1);
	assert_string_equal(index_adviser(idx, s1), "M. Lefebvre");
	assert_int_equal(index_delete(idx, "c1"), 0);
	assert_null(index_adviser(idx, s1));
	assert_null(index_adviser(idx, idx->nrecs));
	/* The table grows. */
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "conseiller %d", i);
		snprintf(id, sizeof(id), "c-adv-%d", i);
		default_cand(&c, id);
		snprintf(c.adviser, sizeof(c.adviser), "%s", name);
		s1 = put(idx, &c, 1);
		assert_string_equal(index_adviser(idx, s1), name);
	}
	assert_int_equal(idx->nadvisers, 302);
	assert_string_equal(index_adviser(idx, s2), "Mme Durand");
	index_free(idx);
}

/* The home commune, after the jobs and skills, or none for lat/lon. */
static void
test_home_commune(void **state)
{
	struct index *idx;
	struct candidate c;
	uint32_t s1, s2;
	int i;

	(void)state;
	idx = index_new(ref);
	default_cand(&c, "c1");
	s1 = put(idx, &c, 1);
	assert_non_null(index_commune(idx, s1));
	assert_string_equal(index_commune(idx, s1)->insee, DUNKERQUE);
	/* Every job and skill there is: the commune comes after them. */
	default_cand(&c, "c2");
	for (i = 0; i < CAND_MAX_JOBS; i++)
		set_job(&c, i, i % 2 ? "F1701" : "F1704", i);
	for (i = 0; i < CAND_MAX_SKILLS; i++)
		snprintf(c.skills[i], sizeof(c.skills[i]), "skill-%d", i);
	c.nskills = CAND_MAX_SKILLS;
	place_cand(&c, "59271");
	s2 = put(idx, &c, 1);
	assert_string_equal(index_commune(idx, s2)->insee, "59271");
	assert_string_equal(index_commune(idx, s1)->insee, DUNKERQUE);
	/* Replaced by coordinates alone: no commune. */
	default_cand(&c, "c1");
	c.commune[0] = '\0';
	assert_int_equal(put(idx, &c, 0), s1);
	assert_null(index_commune(idx, s1));
	assert_int_equal(index_delete(idx, "c2"), 0);
	assert_null(index_commune(idx, s2));
	assert_null(index_commune(idx, idx->nrecs));
	index_free(idx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_find_delete_reput),
		cmocka_unit_test(test_similar_ids_are_distinct),
		cmocka_unit_test(test_replace_keeps_referral_counters),
		cmocka_unit_test(test_referral_bookkeeping),
		cmocka_unit_test(test_deleted_slot_reused),
		cmocka_unit_test(test_many_candidates_with_interleaved_deletes),
		cmocka_unit_test(test_delete_all_then_refill),
		cmocka_unit_test(test_posting_lists_follow_job_changes),
		cmocka_unit_test(test_skill_interning),
		cmocka_unit_test(test_counters_after_put_replace_delete),
		cmocka_unit_test(test_index_next_paging_by_sector),
		cmocka_unit_test(test_memory_positive_and_grows),
		cmocka_unit_test(test_advisers_interned),
		cmocka_unit_test(test_home_commune),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
