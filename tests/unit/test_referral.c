/*
 * Tests for referral.c (the transition table, names, the generated Redis
 * script) and offers.c (the offer table, referral counters, the referred
 * slots the scorer skips).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "domain.h"
#include "index.h"
#include "offer.h"
#include "offer_table.h"
#include "refdata.h"
#include "referral.h"

#include "../lib/core_fixture.h"

#define R(x)	REFERRAL_##x

/* --- referral.c --- */

/* Every legal move (proto/PROTOCOL.md, "Referrals"), and nothing else. */
static const struct { int from, to; } legal[] = {
	{ R(SUGGESTED), R(VALIDATED) },
	{ R(SUGGESTED), R(WITHDRAWN) },
	{ R(VALIDATED), R(SENT) },
	{ R(VALIDATED), R(WITHDRAWN) },
	{ R(SENT), R(INTERVIEW) },
	{ R(SENT), R(NOT_RETAINED) },
	{ R(SENT), R(WITHDRAWN) },
	{ R(INTERVIEW), R(HIRED) },
	{ R(INTERVIEW), R(NOT_RETAINED) },
	{ R(INTERVIEW), R(WITHDRAWN) },
};
#define NLEGAL (sizeof(legal) / sizeof(legal[0]))

static int
is_legal(int from, int to)
{
	size_t i;

	for (i = 0; i < NLEGAL; i++)
		if (legal[i].from == from && legal[i].to == to)
			return 1;
	return 0;
}

static void
test_every_legal_transition_allowed(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NLEGAL; i++)
		if (!referral_transition_ok(legal[i].from, legal[i].to))
			fail_msg("%s -> %s refused",
			    referral_name(legal[i].from),
			    referral_name(legal[i].to));
}

static void
test_every_other_transition_refused(void **state)
{
	int from, to;

	(void)state;
	for (from = 0; from < REFERRAL_COUNT; from++)
		for (to = 0; to < REFERRAL_COUNT; to++)
			if (referral_transition_ok(from, to) !=
			    is_legal(from, to))
				fail_msg("%s -> %s: %d", referral_name(from),
				    referral_name(to),
				    referral_transition_ok(from, to));
}

static void
test_illegal_transitions_table(void **state)
{
	static const struct { int from, to; const char *why; } bad[] = {
		/* Terminal states. */
		{ R(HIRED), R(WITHDRAWN), "hired is final" },
		{ R(HIRED), R(NOT_RETAINED), "hired is final" },
		{ R(HIRED), R(INTERVIEW), "hired is final" },
		{ R(NOT_RETAINED), R(WITHDRAWN), "not_retained is final" },
		{ R(NOT_RETAINED), R(HIRED), "not_retained is final" },
		{ R(WITHDRAWN), R(SUGGESTED), "withdrawn is final" },
		{ R(WITHDRAWN), R(VALIDATED), "withdrawn is final" },
		/* To the same status. */
		{ R(SUGGESTED), R(SUGGESTED), "same" },
		{ R(VALIDATED), R(VALIDATED), "same" },
		{ R(SENT), R(SENT), "same" },
		{ R(INTERVIEW), R(INTERVIEW), "same" },
		{ R(HIRED), R(HIRED), "same" },
		{ R(NOT_RETAINED), R(NOT_RETAINED), "same" },
		{ R(WITHDRAWN), R(WITHDRAWN), "same" },
		/* Skipping a step, or going back. */
		{ R(SUGGESTED), R(SENT), "skips validated" },
		{ R(SUGGESTED), R(HIRED), "skips everything" },
		{ R(SUGGESTED), R(NOT_RETAINED), "not sent yet" },
		{ R(VALIDATED), R(INTERVIEW), "skips sent" },
		{ R(VALIDATED), R(NOT_RETAINED), "not sent yet" },
		{ R(SENT), R(HIRED), "skips interview" },
		{ R(SENT), R(VALIDATED), "backwards" },
		{ R(INTERVIEW), R(SENT), "backwards" },
		{ R(VALIDATED), R(SUGGESTED), "backwards" },
		/* Unknown ints. */
		{ -1, R(VALIDATED), "unknown from" },
		{ R(SUGGESTED), -1, "unknown to" },
		{ REFERRAL_COUNT, R(WITHDRAWN), "unknown from" },
		{ R(INTERVIEW), REFERRAL_COUNT, "unknown to" },
		{ 100, 101, "unknown" },
		{ INT_MIN, INT_MAX, "unknown" },
		{ INT_MAX, R(WITHDRAWN), "unknown from" },
		{ R(SENT), 31, "unknown to" },
		{ R(SENT), 32, "unknown to" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (referral_transition_ok(bad[i].from, bad[i].to))
			fail_msg("%d -> %d allowed (%s)", bad[i].from,
			    bad[i].to, bad[i].why);
}

static void
test_lookup_name_round_trip(void **state)
{
	static const char *const names[] = { "suggested", "validated",
	    "sent", "interview", "hired", "not_retained", "withdrawn" };
	int i;

	(void)state;
	assert_int_equal(REFERRAL_COUNT, 7);
	for (i = 0; i < REFERRAL_COUNT; i++) {
		assert_string_equal(referral_name(i), names[i]);
		assert_int_equal(referral_lookup(names[i], strlen(names[i])),
		    i);
		assert_int_equal(referral_lookup(referral_name(i),
		    strlen(referral_name(i))), i);
	}
	assert_string_equal(referral_name(-1), "?");
	assert_string_equal(referral_name(REFERRAL_COUNT), "?");
	assert_string_equal(referral_name(INT_MAX), "?");
	/* Exact, length-delimited matches only. */
	assert_int_equal(referral_lookup("sentx", 4), R(SENT));
	assert_int_equal(referral_lookup("sentx", 5), -1);
	assert_int_equal(referral_lookup("sen", 3), -1);
	assert_int_equal(referral_lookup("Sent", 4), -1);
	assert_int_equal(referral_lookup("SENT", 4), -1);
	assert_int_equal(referral_lookup("", 0), -1);
	assert_int_equal(referral_lookup("withdrawn ", 10), -1);
	assert_int_equal(referral_lookup("not retained", 12), -1);
	assert_int_equal(referral_lookup("?", 1), -1);
}

static void
test_open_statuses(void **state)
{
	int s;

	(void)state;
	for (s = 0; s < REFERRAL_COUNT; s++)
		assert_int_equal(referral_is_open(s), s == R(VALIDATED) ||
		    s == R(SENT) || s == R(INTERVIEW));
	assert_int_equal(referral_is_open(-1), 0);
	assert_int_equal(referral_is_open(REFERRAL_COUNT), 0);
}

static void
test_lua_script_generated_from_table(void **state)
{
	char buf[8192], want[256], *p;
	size_t n, count;
	int from, to;

	(void)state;
	n = referral_lua_script(buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(strlen(buf), n);
	/* The deadline (ARGV[7]) is checked before anything is read. */
	assert_non_null(strstr(buf, "ARGV[7] ~= ''"));
	assert_true(strstr(buf, "redis.call('TIME')") <
	    strstr(buf, "redis.call('HGET'"));
	for (from = 0; from < REFERRAL_COUNT; from++)
		assert_non_null(strstr(buf, referral_name(from)));
	/* Each state's table lists exactly its legal moves. */
	for (from = 0; from < REFERRAL_COUNT; from++) {
		p = want;
		p += sprintf(p, "%s={", referral_name(from));
		for (to = 0; to < REFERRAL_COUNT; to++)
			if (is_legal(from, to))
				p += sprintf(p, "%s=true,", referral_name(to));
		sprintf(p, "},");
		if (strstr(buf, want) == NULL)
			fail_msg("no \"%s\" in:\n%s", want, buf);
	}
	assert_non_null(strstr(buf, "hired={}"));
	assert_non_null(strstr(buf, "withdrawn={}"));
	assert_non_null(strstr(buf, "HGET"));
	assert_non_null(strstr(buf, "HSET"));
	assert_non_null(strstr(buf, "RPUSH"));
	/*
	 * A clause hire is written with the move, in the sector's hires
	 * hash (KEYS[3]), only when the caller passes one, and only once
	 * the move is known to be legal: after the refusals.
	 */
	p = strstr(buf, "redis.call('HSET', KEYS[3], ARGV[5], ARGV[6])");
	assert_non_null(p);
	assert_non_null(strstr(buf, "if ARGV[5] ~= '' then"));
	assert_true(strstr(buf, "return {0, from or ''}") < p);
	assert_true(strstr(buf, "return {-1, ''}") < p);
	assert_true(p < strstr(buf, "return {1, from}"));
	/* As many "=true" as legal moves. */
	count = 0;
	for (p = buf; (p = strstr(p, "=true")) != NULL; p++)
		count++;
	assert_int_equal(count, NLEGAL);
}

/* 2025-03-01 00:00 UTC, and a day number near it. */
#define T0	1740787200LL
#define DAY	86400

static void
test_stale_computation(void **state)
{
	int32_t today = date_of_time(T0) + 30;

	(void)state;
	assert_int_equal(referral_days_without_move(T0, today), 30);
	/* The day counts, not the hours: late on day 0 is still day 0. */
	assert_int_equal(referral_days_without_move(T0 + DAY - 1, today), 30);
	assert_int_equal(referral_days_without_move(T0 + DAY, today), 29);
	/* A move dated after today (a clock put back) is 0 days old. */
	assert_int_equal(referral_days_without_move(T0 + 40 * DAY, today), 0);
	/* Waiting for an answer: suggested, validated, sent. */
	assert_true(referral_is_stale(R(SUGGESTED), T0, today, 30));
	assert_true(referral_is_stale(R(VALIDATED), T0, today, 30));
	assert_true(referral_is_stale(R(SENT), T0, today, 30));
	assert_false(referral_is_stale(R(SENT), T0, today, 31));
	assert_false(referral_is_stale(R(SENT), T0 + DAY, today, 30));
	assert_false(referral_is_stale(R(INTERVIEW), T0, today, 30));
	assert_false(referral_is_stale(R(HIRED), T0, today, 1));
	assert_false(referral_is_stale(R(NOT_RETAINED), T0, today, 1));
	assert_false(referral_is_stale(R(WITHDRAWN), T0, today, 1));
}

static void
expect_hist(const char *line, int64_t at, const char *cand,
    const char *from, const char *to, const char *user, const char *note)
{
	struct referral_hist h;

	assert_int_equal(referral_hist_parse(line, strlen(line), &h), 0);
	assert_int_equal(h.at, at);
	assert_int_equal(h.candidate_len, strlen(cand));
	assert_memory_equal(h.candidate, cand, h.candidate_len);
	assert_int_equal(h.from_len, strlen(from));
	assert_memory_equal(h.from, from, h.from_len);
	assert_int_equal(h.to_len, strlen(to));
	assert_memory_equal(h.to, to, h.to_len);
	if (user == NULL)
		assert_null(h.user);
	else {
		assert_int_equal(h.user_len, strlen(user));
		assert_memory_equal(h.user, user, h.user_len);
	}
	if (note == NULL)
		assert_null(h.note);
	else {
		assert_int_equal(h.note_len, strlen(note));
		assert_memory_equal(h.note, note, h.note_len);
	}
}

static void
test_history_lines_both_shapes(void **state)
{
	struct referral_hist h;
	static const char *const bad[] = {
		"", "1700000000", "1700000000|c-1|suggested|validated",
		"|c-1|suggested|validated|n", "17x|c-1|suggested|validated|n",
		"1700000000||suggested|validated|n",
		"1700000000|c-1||validated|n", "1700000000|c-1|suggested||n",
		"1|c|a|b|u|n|extra", "1234567890123456789|c|a|b|n",
	};
	size_t i;

	(void)state;
	/* The shape written now: with the user. */
	expect_hist("1700000000|c-1|suggested|validated|adv-nord|appel fait",
	    1700000000, "c-1", "suggested", "validated", "adv-nord",
	    "appel fait");
	expect_hist("5|c-1|validated|withdrawn|matcherd|", 5, "c-1",
	    "validated", "withdrawn", "matcherd", NULL);
	/* No user (auth off), no note. */
	expect_hist("5|c-1|sent|interview||", 5, "c-1", "sent", "interview",
	    NULL, NULL);
	/* The shape written before: no user. */
	expect_hist("1700000000|c-2|sent|hired|vieille note", 1700000000,
	    "c-2", "sent", "hired", NULL, "vieille note");
	/* An erased line of either shape (rgpd.c's script). */
	expect_hist("9|anon-ab12|sent|hired|", 9, "anon-ab12", "sent",
	    "hired", NULL, NULL);
	expect_hist("9|anon-ab12|sent|hired|adv-nord|", 9, "anon-ab12",
	    "sent", "hired", "adv-nord", NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (referral_hist_parse(bad[i], strlen(bad[i]), &h) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
}

static void
test_lua_script_buffer_too_small(void **state)
{
	char buf[8192], small[8192];
	size_t n, len;

	(void)state;
	n = referral_lua_script(buf, sizeof(buf));
	assert_true(n > 0);
	/* The length plus its NUL is enough; one byte less is not. */
	memset(small, 'Z', sizeof(small));
	assert_int_equal(referral_lua_script(small, n + 1), n);
	assert_string_equal(small, buf);
	assert_int_equal(referral_lua_script(small, n), 0);
	for (len = 0; len < n; len += 97)
		assert_int_equal(referral_lua_script(small, len), 0);
	assert_int_equal(referral_lua_script(small, 1), 0);
	/* Nothing written past the given length. */
	memset(small, 'Z', sizeof(small));
	assert_int_equal(referral_lua_script(small, 100), 0);
	for (len = 100; len < n + 10; len++)
		assert_int_equal(small[len], 'Z');
}

/* --- offers.c --- */

static void
offer_init(struct offer *o, const char *id)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", id);
	o->source = SOURCE_POLE_EMPLOI;
	snprintf(o->title, sizeof(o->title), "Coffreur");
	snprintf(o->rome, sizeof(o->rome), "F1701");
	o->rome_id = refdata_rome_id(ref, "F1701", 5);
	o->sector = SECTOR_BATIMENT;
	o->contract = CONTRACT_CDI;
	o->start = DATE_NONE;
	o->positions = 1;
}

static void
test_offers_put_get_replace(void **state)
{
	struct offer_table *t;
	struct offer o;
	struct offer_entry *e, *e2;

	(void)state;
	t = offer_table_new();
	assert_null(offer_table_get(t, "o1"));
	offer_init(&o, "o1");
	e = offer_table_put(t, &o, 1000);
	assert_non_null(e);
	assert_ptr_equal(offer_table_get(t, "o1"), e);
	assert_string_equal(e->offer.id, "o1");
	assert_int_equal(e->created_at, 1000);
	assert_int_equal(e->closed, 0);
	assert_int_equal(t->count, 1);
	assert_int_equal(t->open, 1);
	assert_int_equal(t->closed, 0);
	assert_null(offer_table_get(t, "o2"));
	assert_null(offer_table_get(t, "o"));

	/* Replacement keeps the entry, its creation time and referrals. */
	assert_int_equal(offer_table_ref_set(t, e, "c1", R(VALIDATED), 1100), -1);
	snprintf(o.title, sizeof(o.title), "Coffreur bancheur");
	o.positions = 3;
	e2 = offer_table_put(t, &o, 2000);
	assert_ptr_equal(e2, e);
	assert_string_equal(e->offer.title, "Coffreur bancheur");
	assert_int_equal(e->offer.positions, 3);
	assert_int_equal(e->created_at, 1000);
	assert_int_equal(e->nrefs, 1);
	assert_non_null(offer_table_ref_find(e, "c1"));
	assert_int_equal(t->count, 1);
	assert_int_equal(t->open, 1);
	assert_int_equal(t->referrals[R(VALIDATED)], 1);

	/* Closing and reopening. */
	offer_table_set_closed(t, e, 1);
	assert_int_equal(t->open, 0);
	assert_int_equal(t->closed, 1);
	offer_table_set_closed(t, e, 1);
	assert_int_equal(t->open, 0);
	assert_int_equal(t->closed, 1);
	/* A closed offer put again stays closed. */
	offer_table_put(t, &o, 3000);
	assert_int_equal(e->closed, 1);
	assert_int_equal(t->closed, 1);
	offer_table_set_closed(t, e, 0);
	assert_int_equal(t->open, 1);
	assert_int_equal(t->closed, 0);
	offer_table_free(t);
}

static void
test_offers_many_and_iteration(void **state)
{
	enum { N = 3000 };
	struct offer_table *t;
	struct offer o;
	struct offer_entry *e;
	char *seen;
	uint32_t pos = 0;
	int i, n = 0;

	(void)state;
	t = offer_table_new();
	offer_init(&o, "x");
	for (i = 0; i < N; i++) {
		snprintf(o.id, sizeof(o.id), "offer-%d", i);
		e = offer_table_put(t, &o, i);
		/* Entries survive the table's growth. */
		offer_table_ref_set(t, e, "c1", R(SUGGESTED), i);
	}
	assert_int_equal(t->count, N);
	assert_int_equal(t->open, N);
	assert_int_equal(t->referrals[R(SUGGESTED)], N);
	for (i = 0; i < N; i++) {
		snprintf(o.id, sizeof(o.id), "offer-%d", i);
		e = offer_table_get(t, o.id);
		if (e == NULL)
			fail_msg("%s lost", o.id);
		assert_string_equal(e->offer.id, o.id);
		assert_int_equal(e->created_at, i);
	}
	seen = calloc(N, 1);
	assert_non_null(seen);
	while ((e = offer_table_next(t, &pos)) != NULL) {
		i = atoi(e->offer.id + strlen("offer-"));
		assert_true(i >= 0 && i < N);
		assert_int_equal(seen[i], 0);
		seen[i] = 1;
		n++;
	}
	assert_int_equal(n, N);
	assert_null(offer_table_next(t, &pos));
	free(seen);
	offer_table_free(t);
}

static void
test_ref_set_counts_per_status(void **state)
{
	struct offer_table *t;
	struct offer o;
	struct offer_entry *e1, *e2;
	struct offer_ref *r;
	uint32_t want[REFERRAL_COUNT];
	int s;

	(void)state;
	t = offer_table_new();
	offer_init(&o, "o1");
	e1 = offer_table_put(t, &o, 1);
	offer_init(&o, "o2");
	e2 = offer_table_put(t, &o, 2);

	assert_int_equal(offer_table_ref_set(t, e1, "c1", R(SUGGESTED), 10), -1);
	assert_int_equal(offer_table_ref_set(t, e1, "c2", R(SUGGESTED), 11), -1);
	assert_int_equal(offer_table_ref_set(t, e2, "c1", R(SUGGESTED), 12), -1);
	assert_int_equal(offer_table_ref_set(t, e1, "c1", R(VALIDATED), 20),
	    R(SUGGESTED));
	assert_int_equal(offer_table_ref_set(t, e1, "c1", R(SENT), 30),
	    R(VALIDATED));
	assert_int_equal(offer_table_ref_set(t, e2, "c1", R(WITHDRAWN), 31),
	    R(SUGGESTED));
	assert_int_equal(offer_table_ref_set(t, e1, "c3", R(HIRED), 40), -1);

	memset(want, 0, sizeof(want));
	want[R(SUGGESTED)] = 1;		/* o1/c2 */
	want[R(SENT)] = 1;		/* o1/c1 */
	want[R(WITHDRAWN)] = 1;		/* o2/c1 */
	want[R(HIRED)] = 1;		/* o1/c3 */
	for (s = 0; s < REFERRAL_COUNT; s++)
		if (t->referrals[s] != want[s])
			fail_msg("%s: %u, want %u", referral_name(s),
			    t->referrals[s], want[s]);

	assert_int_equal(e1->nrefs, 3);
	assert_int_equal(e2->nrefs, 1);
	r = offer_table_ref_find(e1, "c1");
	assert_non_null(r);
	assert_int_equal(r->status, R(SENT));
	assert_int_equal(r->updated_at, 30);
	r = offer_table_ref_find(e2, "c1");
	assert_non_null(r);
	assert_int_equal(r->status, R(WITHDRAWN));
	assert_null(offer_table_ref_find(e2, "c2"));
	assert_null(offer_table_ref_find(e1, "c"));
	/* Setting the same status again counts it once. */
	assert_int_equal(offer_table_ref_set(t, e1, "c3", R(HIRED), 41), R(HIRED));
	assert_int_equal(t->referrals[R(HIRED)], 1);
	/* Many referrals on one offer. */
	{
		char id[16];
		int i;

		for (i = 0; i < 100; i++) {
			snprintf(id, sizeof(id), "m%d", i);
			offer_table_ref_set(t, e2, id, R(VALIDATED), i);
		}
		assert_int_equal(e2->nrefs, 101);
		assert_int_equal(t->referrals[R(VALIDATED)], 100);
		assert_non_null(offer_table_ref_find(e2, "m99"));
	}
	offer_table_free(t);
}

static uint32_t
put_cand(struct index *idx, const char *id)
{
	const struct commune *cm = refdata_commune(ref, "59183", 5);
	struct candidate c;
	uint32_t slot;
	int created;

	memset(&c, 0, sizeof(c));
	snprintf(c.id, sizeof(c.id), "%s", id);
	c.sectors = 1u << SECTOR_BATIMENT;
	snprintf(c.jobs[0].rome, sizeof(c.jobs[0].rome), "F1701");
	c.jobs[0].rome_id = refdata_rome_id(ref, "F1701", 5);
	c.njobs = 1;
	c.lat = cm->lat;
	c.lon = cm->lon;
	c.radius_km = 15;
	c.available_from = DATE_NONE;
	c.birth_date = DATE_NONE;
	c.contracts = (1u << CONTRACT_COUNT) - 1;
	c.status = STATUS_AVAILABLE;
	slot = index_put(idx, &c, &created);
	assert_int_not_equal(slot, INDEX_NONE);
	return slot;
}

static void
test_hired_elsewhere(void **state)
{
	struct offer_table *t = offer_table_new();
	struct offer_entry *a, *b, *c;
	struct offer_hired *h;
	struct offer o;
	size_t n;

	(void)state;
	offer_init(&o, "oa");
	a = offer_table_put(t, &o, 1);
	offer_init(&o, "ob");
	b = offer_table_put(t, &o, 1);
	offer_init(&o, "oc");
	c = offer_table_put(t, &o, 1);
	offer_table_ref_set(t, a, "c1", R(HIRED), 100);
	offer_table_ref_set(t, b, "c1", R(SENT), 50);
	offer_table_ref_set(t, c, "c1", R(HIRED), 200);
	offer_table_ref_set(t, b, "c2", R(INTERVIEW), 50);
	offer_table_ref_set(t, a, "c2", R(WITHDRAWN), 50);
	n = offer_table_hired(t, &h);
	assert_int_equal(n, 2);
	/* The latest hire elsewhere names the offer. */
	assert_string_equal(offer_table_hired_elsewhere(h, n, "c1", "ob"), "oc");
	assert_string_equal(offer_table_hired_elsewhere(h, n, "c1", "oc"), "oa");
	assert_null(offer_table_hired_elsewhere(h, n, "c2", "ob"));
	assert_null(offer_table_hired_elsewhere(h, n, "c9", "ob"));
	free(h);
	offer_table_free(t);
	/* No hire at all: an empty list, still freeable. */
	t = offer_table_new();
	assert_int_equal(offer_table_hired(t, &h), 0);
	assert_null(offer_table_hired_elsewhere(h, 0, "c1", "oa"));
	free(h);
	offer_table_free(t);
}

static void
test_referred_slots_sorted_without_suggested(void **state)
{
	static const struct { const char *cand; int status; } refs[] = {
		{ "c1", R(SUGGESTED) },
		{ "c2", R(VALIDATED) },
		{ "c3", R(WITHDRAWN) },
		{ "c4", R(HIRED) },
		{ "c5", R(SENT) },
		{ "ghost", R(INTERVIEW) },	/* not in the index */
		{ "c6", R(NOT_RETAINED) },
		{ "c7", R(INTERVIEW) },
		{ "c8", R(SUGGESTED) },
	};
	struct index *idx;
	struct offer_table *t;
	struct offer o;
	struct offer_entry *e;
	uint32_t slot[9], *out, dummy = 0;
	size_t n, i, j;
	int k, found;
	char id[8];

	(void)state;
	idx = index_new(ref);
	/* Slots in the reverse order of the ids. */
	for (k = 8; k >= 1; k--) {
		snprintf(id, sizeof(id), "c%d", k);
		slot[k] = put_cand(idx, id);
	}
	t = offer_table_new();
	offer_init(&o, "o1");
	e = offer_table_put(t, &o, 1);

	/* No referrals yet, or no entry: nothing, and *out is NULL. */
	out = &dummy;
	assert_int_equal(offer_table_referred_slots(e, idx, &out), 0);
	free(out == &dummy ? NULL : out);
	out = &dummy;
	assert_int_equal(offer_table_referred_slots(NULL, idx, &out), 0);
	assert_null(out);

	/* Only suggested: none. */
	offer_table_ref_set(t, e, "c1", R(SUGGESTED), 1);
	assert_int_equal(offer_table_referred_slots(e, idx, &out), 0);
	free(out);

	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		offer_table_ref_set(t, e, refs[i].cand, refs[i].status, 2);
	n = offer_table_referred_slots(e, idx, &out);
	assert_int_equal(n, 6);		/* c2 c3 c4 c5 c6 c7 */
	assert_non_null(out);
	for (i = 1; i < n; i++)
		if (out[i - 1] >= out[i])
			fail_msg("slots not sorted: %u then %u", out[i - 1],
			    out[i]);
	for (k = 2; k <= 7; k++) {
		for (found = 0, j = 0; j < n; j++)
			found += out[j] == slot[k];
		if (found != 1)
			fail_msg("c%d (slot %u) found %d times", k, slot[k],
			    found);
	}
	for (j = 0; j < n; j++)
		assert_true(out[j] != slot[1] && out[j] != slot[8]);
	free(out);

	/* A candidate deleted from the index drops out. */
	assert_int_equal(index_delete(idx, "c4"), 0);
	n = offer_table_referred_slots(e, idx, &out);
	assert_int_equal(n, 5);
	free(out);
	offer_table_free(t);
	index_free(idx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_legal_transition_allowed),
		cmocka_unit_test(test_every_other_transition_refused),
		cmocka_unit_test(test_illegal_transitions_table),
		cmocka_unit_test(test_lookup_name_round_trip),
		cmocka_unit_test(test_open_statuses),
		cmocka_unit_test(test_lua_script_generated_from_table),
		cmocka_unit_test(test_lua_script_buffer_too_small),
		cmocka_unit_test(test_stale_computation),
		cmocka_unit_test(test_history_lines_both_shapes),
		cmocka_unit_test(test_offers_put_get_replace),
		cmocka_unit_test(test_offers_many_and_iteration),
		cmocka_unit_test(test_ref_set_counts_per_status),
		cmocka_unit_test(test_referred_slots_sorted_without_suggested),
		cmocka_unit_test(test_hired_elsewhere),
	};

	return cmocka_run_group_tests(tests, fixture_setup_refdata,
	    fixture_teardown);
}
