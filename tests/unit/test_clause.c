/*
 * Unit tests of matcher/core/clause.c (docs/CLAUSE.md): decoding an operation
 * (every field and bound, hours given as committed or as a rate), the
 * canonical map round trip, hire records, the table, the rules an offer
 * and an update obey, the expected hours and the behind flag at the edges
 * of the period, the status of a clause offer with its French reason, and
 * the report's arithmetic (people counted once, criteria, filters).
 *
 * Inputs are written in the compact notation of tests/lib/mpnote.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <msgpack.h>

#include "clause.h"
#include "dates.h"
#include "domain.h"
#include "offer.h"
#include "offer_table.h"
#include "refdata.h"

/* The smallest valid operation; every case below starts from it. */
static const char *const base[][2] = {
	{ "id", "'op-1'" },
	{ "name", "'Voirie du Grand Large'" },
	{ "authority", "'Communauté urbaine de Dunkerque'" },
	{ "start", "'2026-01-01'" },
	{ "end", "'2026-12-31'" },
	{ "hours_committed", "1000" },
};

/* Every field, in the order of the canonical map. */
static const char *const fields[] = { "id", "name", "authority", "start",
    "end", "criteria", "hours_total", "hours_committed", "rate",
    "contractors" };

/* record_note.h's decoders take the reference data; operations do not. */
static int
op_decode(const msgpack_object *map, const struct refdata *ref,
    struct clause_op *out, struct field_error *err)
{
	(void)ref;
	return clause_op_decode(map, out, err);
}

#define NOTE_RECORD	struct clause_op
#define NOTE_DECODE	op_decode
#define NOTE_PACK	clause_op_pack
#include "../lib/record_note.h"

#define DAY(y, m, d)	date_from_ymd(y, m, d)
#define CRIT(x)		(1u << CRITERION_##x)

static const char full[] = "{id: 'cud-2026.terminal',"
    " name: 'Terminal méthanier : voiries', authority: 'CUD',"
    " start: '2026-09-01', end: '2028-06-30', criteria: ['rsa', 'qpv'],"
    " contractors: ["
    " {id: 'bouygues-tp', name: 'Bouygues TP', hours_total: 144000,"
    "  rate: 5},"
    " {id: 'ramery', name: 'Ramery TP', hours_total: 52000,"
    "  hours_committed: 3640},"
    " {id: 'sous-traitant', name: 'Sous-traitant', hours_committed: 300}]}";

static void
test_full(void **state)
{
	struct clause_op op;

	expect_ok(*state, full, &op);
	assert_string_equal(op.id, "cud-2026.terminal");
	assert_string_equal(op.name, "Terminal méthanier : voiries");
	assert_string_equal(op.authority, "CUD");
	assert_int_equal(op.start, DAY(2026, 9, 1));
	assert_int_equal(op.end, DAY(2028, 6, 30));
	assert_int_equal(op.criteria, CRIT(RSA) | CRIT(QPV));
	assert_int_equal(op.ncontractors, 3);
	assert_string_equal(op.contractors[0].id, "bouygues-tp");
	assert_string_equal(op.contractors[0].name, "Bouygues TP");
	/* A rate resolves to hours: 5 % of 144000. */
	assert_int_equal(op.contractors[0].hours.total, 144000);
	assert_int_equal(op.contractors[0].hours.committed, 7200);
	assert_int_equal(op.contractors[0].hours.rate_centi, 500);
	/* Hours resolve to a rate: 3640 of 52000 is 7 %. */
	assert_int_equal(op.contractors[1].hours.committed, 3640);
	assert_int_equal(op.contractors[1].hours.rate_centi, 700);
	/* Without a total, no rate. */
	assert_int_equal(op.contractors[2].hours.total, 0);
	assert_int_equal(op.contractors[2].hours.committed, 300);
	assert_int_equal(op.contractors[2].hours.rate_centi, 0);
	/* The operation's hours are its contractors'. */
	assert_int_equal(op.hours.committed, 0);
	assert_int_equal(clause_op_committed(&op), 7200 + 3640 + 300);
	/* One contractor without a total: the total is not known. */
	assert_int_equal(clause_op_total(&op), 0);
	assert_non_null(clause_op_contractor(&op, "ramery"));
	assert_null(clause_op_contractor(&op, "eiffage"));
	assert_null(clause_op_contractor(&op, ""));
}

static void
test_own_hours(void **state)
{
	struct clause_op op;

	expect_with_ok(*state, "hours_committed: 2280", &op);
	assert_int_equal(op.ncontractors, 0);
	assert_int_equal(op.hours.committed, 2280);
	assert_int_equal(op.hours.total, 0);
	assert_int_equal(clause_op_committed(&op), 2280);
	assert_int_equal(clause_op_total(&op), 0);
	assert_int_equal(op.criteria, 0);

	expect_with_ok(*state, "hours_committed: nil, hours_total: 38000,"
	    " rate: 6", &op);
	assert_int_equal(op.hours.committed, 2280);
	assert_int_equal(op.hours.rate_centi, 600);
	assert_int_equal(clause_op_total(&op), 38000);

	expect_with_ok(*state, "hours_committed: 0", &op);
	assert_int_equal(op.hours.committed, 0);
	expect_with_ok(*state, "hours_committed: nil, hours_total: 100,"
	    " rate: 0", &op);
	assert_int_equal(op.hours.committed, 0);
	assert_int_equal(op.hours.rate_centi, 0);
	/* One-day operation. */
	expect_with_ok(*state, "end: '2026-01-01'", &op);
	assert_int_equal(op.start, op.end);
}

/* committed = ceil(total * rate / 100); the rate kept is committed/total. */
static void
test_rate_resolution(void **state)
{
	static const struct {
		const char	*frag;
		int		 committed, rate_centi;
	} cases[] = {
		{ "hours_committed: nil, hours_total: 150, rate: 5", 8, 533 },
		{ "hours_committed: nil, hours_total: 1000, rate: 7.5", 75,
		    750 },
		{ "hours_committed: nil, hours_total: 3, rate: 100", 3, 10000 },
		{ "hours_committed: nil, hours_total: 100000000, rate: 0.01",
		    10000, 1 },
		{ "hours_committed: nil, hours_total: 3, rate: 33.33", 1,
		    3333 },
		/* Both given and in agreement, either way. */
		{ "hours_committed: 8, hours_total: 150, rate: 5", 8, 533 },
		{ "hours_committed: 8, hours_total: 150, rate: 5.33", 8, 533 },
		{ "hours_committed: 7200, hours_total: 144000, rate: 5.0",
		    7200, 500 },
		{ "hours_committed: 500, hours_total: 500", 500, 10000 },
	};
	struct clause_op op;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_with_ok(*state, cases[i].frag, &op);
		if (op.hours.committed != cases[i].committed ||
		    op.hours.rate_centi != cases[i].rate_centi)
			fail_msg("%s: %d h at %d, want %d h at %d",
			    cases[i].frag, op.hours.committed,
			    op.hours.rate_centi, cases[i].committed,
			    cases[i].rate_centi);
	}
}

/* Each fragment replaces or adds fields of the base operation. */
static const struct bad_fragment bad[] = {
	{ "id: nil", "id", "required" },
	{ "id: 'op 1'", "id", NULL },
	{ "id: ''", "id", NULL },
	{ "id: 12", "id", "must be a string" },
	{ "name: nil", "name", "required" },
	{ "name: ''", "name", "1 to 200 bytes" },
	{ "name: 12", "name", "must be a string" },
	{ "name: 'a\xff'", "name", "UTF-8" },
	{ "authority: nil", "authority", "required" },
	{ "authority: ''", "authority", NULL },
	{ "start: nil", "start", "required" },
	{ "start: '2026-02-30'", "start", NULL },
	{ "start: '01/01/2026'", "start", NULL },
	{ "end: nil", "end", "required" },
	{ "end: '2025-12-31'", "end", "is before start 2026-01-01" },
	{ "criteria: ['rsa', 'chomeur']", "criteria[1]", NULL },
	{ "criteria: 'rsa'", "criteria", NULL },
	{ "criteria: ['rsa', 'rsa']", "criteria[1]", NULL },
	{ "hours_committed: nil", "hours_committed",
	    "required (or rate" },
	{ "hours_committed: -1", "hours_committed", "out of range" },
	{ "hours_committed: 100000001", "hours_committed", "out of range" },
	{ "hours_committed: 1.5", "hours_committed", "integer" },
	{ "hours_committed: 101, hours_total: 100", "hours_committed",
	    "above hours_total 100" },
	{ "hours_committed: 10, hours_total: 0", "hours_total",
	    "out of range" },
	{ "hours_committed: 10, hours_total: 100000001", "hours_total",
	    "out of range" },
	{ "hours_committed: nil, rate: 5", "rate", "needs hours_total" },
	{ "hours_committed: nil, hours_total: 100, rate: 100.5", "rate",
	    "percentage from 0 to 100" },
	{ "hours_committed: nil, hours_total: 100, rate: -1", "rate",
	    "percentage" },
	{ "hours_committed: nil, hours_total: 100, rate: '5'", "rate",
	    "percentage" },
	{ "hours_committed: nil, hours_total: 100, rate: 1e400", "rate",
	    "percentage" },
	{ "hours_committed: 9, hours_total: 150, rate: 5", "rate",
	    "does not match hours_committed 9" },
	{ "hours_committed: 7000, hours_total: 144000, rate: 5", "rate",
	    "(4.86 %)" },
	{ "contractors: {}", "contractors", "must be a list" },
	{ "hours_committed: nil, contractors: [{id: 'a'}]",
	    "contractors[0].name", "required" },
	{ "hours_committed: nil, contractors: [{name: 'A'}]",
	    "contractors[0].id", "required" },
	{ "hours_committed: nil, contractors: [{id: 'a b', name: 'A',"
	    " hours_committed: 1}]", "contractors[0].id", NULL },
	{ "hours_committed: nil, contractors: [{id: 'a', name: 'A'}]",
	    "contractors[0].hours_committed", "required" },
	{ "hours_committed: nil, contractors: [{id: 'a', name: 'A',"
	    " rate: 5}]", "contractors[0].rate", "needs hours_total" },
	{ "hours_committed: nil, contractors: [{id: 'a', name: 'A',"
	    " hours_committed: 1}, {id: 'b', name: 'B', hours_total: 10,"
	    " hours_committed: 11}]", "contractors[1].hours_committed",
	    "above hours_total 10" },
	{ "hours_committed: nil, contractors: [{id: 'a', name: 'A',"
	    " hours_committed: 1}, {id: 'a', name: 'B', hours_committed: 1}]",
	    "contractors[1].id", "duplicate contractor a" },
	{ "hours_committed: nil, contractors: [{id: 'a', name: 'A',"
	    " hours_committed: 1, siret: '123'}]", "contractors[0].siret",
	    "unknown field" },
	{ "hours_committed: nil, contractors: ['a']", "contractors[0]",
	    "must be a map" },
	{ "hours_committed: 5, contractors: [{id: 'a', name: 'A',"
	    " hours_committed: 1}]", "hours_committed",
	    "each contractor's hours" },
	{ "hours_committed: nil, rate: 5, contractors: [{id: 'a', name: 'A',"
	    " hours_committed: 1}]", "rate", "each contractor's hours" },
	{ "hours_committed: nil, hours_total: 9, contractors: [{id: 'a',"
	    " name: 'A', hours_committed: 1}]", "hours_total",
	    "each contractor's hours" },
	{ "facilitator: 'Mme Lefèvre'", "facilitator", "unknown field" },
};

static void
test_errors(void **state)
{
	expect_with_errs(*state, bad, sizeof(bad) / sizeof(bad[0]));
	expect_err(*state, "['op-1']", "", "operation must be a map");
	expect_err(*state, "{id: 'op-1', id: 'op-2'}", "id", "duplicate field");
}

/* Bounds: exactly at the limit passes, one past fails. */
static void
test_bounds(void **state)
{
	struct clause_op op;
	char frag[8192];
	size_t off;
	int i;

	snprintf(frag, sizeof(frag), "name: '%0200d'", 0);
	expect_with_ok(*state, frag, &op);
	assert_int_equal(strlen(op.name), CLAUSE_NAME_MAX);
	snprintf(frag, sizeof(frag), "name: '%0201d'", 0);
	expect_with_err(*state, frag, "name", NULL);
	snprintf(frag, sizeof(frag), "authority: '%0128d'", 0);
	expect_with_ok(*state, frag, &op);
	snprintf(frag, sizeof(frag), "authority: '%0129d'", 0);
	expect_with_err(*state, frag, "authority", NULL);

	for (i = CLAUSE_MAX_CONTRACTORS; i <= CLAUSE_MAX_CONTRACTORS + 1;
	    i++) {
		off = (size_t)snprintf(frag, sizeof(frag),
		    "hours_committed: nil, contractors: ");
		note_list(frag, sizeof(frag), off, "{id: 'c-%d', name: 'C',"
		    " hours_total: 100000000, rate: 100}", i);
		if (i == CLAUSE_MAX_CONTRACTORS) {
			expect_with_ok(*state, frag, &op);
			assert_int_equal(op.ncontractors, i);
			/* 32 contracts of 10^8 hours: past 32 bits. */
			assert_true(clause_op_committed(&op) ==
			    (int64_t)CLAUSE_MAX_CONTRACTORS *
			    CLAUSE_HOURS_TOTAL_MAX);
			assert_true(clause_op_total(&op) ==
			    clause_op_committed(&op));
		} else
			expect_with_err(*state, frag, "contractors",
			    "at most 32");
	}
	snprintf(frag, sizeof(frag), "hours_committed: nil, contractors:"
	    " [{id: 'a', name: '%0128d', hours_committed: 1}]", 0);
	expect_with_ok(*state, frag, &op);
	snprintf(frag, sizeof(frag), "hours_committed: nil, contractors:"
	    " [{id: 'a', name: '%0129d', hours_committed: 1}]", 0);
	expect_with_err(*state, frag, "contractors[0].name", NULL);
}

/* Every value type in every field, at the top and in a contractor. */
static void
test_any_type(void **state)
{
	static const char *const cfields[] = { "id", "name", "hours_total",
	    "hours_committed", "rate" };
	char frag[256];
	size_t i, j;

	for (j = 0; j < NOTE_NANY; j++) {
		for (i = 0; i < NOTE_NFIELDS; i++) {
			snprintf(frag, sizeof(frag), "%s: %s", fields[i],
			    any_values[j]);
			expect_any_value(*state, frag, "", 1);
		}
		for (i = 0; i < sizeof(cfields) / sizeof(cfields[0]); i++) {
			snprintf(frag, sizeof(frag), "hours_committed: nil,"
			    " contractors: [{id: 'a', name: 'A',"
			    " hours_committed: 1, %s: %s}]", cfields[i],
			    any_values[j]);
			expect_any_value(*state, frag, "contractors", 1);
		}
	}
}

static void
test_round_trip(void **state)
{
	char buf[4096];

	round_trip(*state, full);
	with(buf, sizeof(buf), "hours_committed: nil, hours_total: 150,"
	    " rate: 5");
	round_trip(*state, buf);
	with(buf, sizeof(buf), "criteria: ['th', 'senior']");
	round_trip(*state, buf);
	with(buf, sizeof(buf), "hours_committed: 0");
	round_trip(*state, buf);
}

/* Unset values go out as nil; the operation's hours only without any
 * contractor. */
static void
test_canonical(void **state)
{
	const msgpack_object *m, *c;
	struct clause_op op;
	struct note n;

	expect_ok(*state, full, &op);
	m = canonical_map(&n, &op);
	assert_int_equal(mp_map_get(m, "hours_total")->type,
	    MSGPACK_OBJECT_NIL);
	assert_int_equal(mp_map_get(m, "hours_committed")->type,
	    MSGPACK_OBJECT_NIL);
	assert_int_equal(mp_map_get(m, "rate")->type, MSGPACK_OBJECT_NIL);
	c = mp_map_get(m, "contractors");
	assert_int_equal(c->via.array.size, 3);
	assert_int_equal(mp_map_get(&c->via.array.ptr[0],
	    "hours_committed")->via.u64, 7200);
	assert_true(mp_map_get(&c->via.array.ptr[0], "rate")->via.f64 == 5.0);
	assert_int_equal(mp_map_get(&c->via.array.ptr[2], "rate")->type,
	    MSGPACK_OBJECT_NIL);
	assert_int_equal(mp_map_get(&c->via.array.ptr[2],
	    "hours_total")->type, MSGPACK_OBJECT_NIL);
	assert_true(mp_str_eq(mp_map_get(m, "start"), "2026-09-01"));
	note_free(&n);

	expect_with_ok(*state, "hours_committed: 2280", &op);
	m = canonical_map(&n, &op);
	assert_int_equal(mp_map_get(m, "hours_committed")->via.u64, 2280);
	assert_int_equal(mp_map_get(m, "hours_total")->type,
	    MSGPACK_OBJECT_NIL);
	assert_int_equal(mp_map_get(m, "contractors")->via.array.size, 0);
	assert_int_equal(mp_map_get(m, "criteria")->via.array.size, 0);
	note_free(&n);
}

/* --- hires --- */

static void
hire_set(struct clause_hire *h, const char *op, const char *contractor,
    const char *offer, const char *cand, int hours, uint32_t crit,
    int64_t at)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->operation, sizeof(h->operation), "%s", op);
	snprintf(h->contractor, sizeof(h->contractor), "%s", contractor);
	snprintf(h->offer, sizeof(h->offer), "%s", offer);
	snprintf(h->candidate, sizeof(h->candidate), "%s", cand);
	h->hours = hours;
	h->criteria = crit;
	h->hired_at = at;
}

static void
add_hire(struct clause_table *t, const char *op, const char *contractor,
    const char *offer, const char *cand, int hours, uint32_t crit)
{
	struct clause_hire h;

	hire_set(&h, op, contractor, offer, cand, hours, crit,
	    1780000000 + t->nhires);
	clause_hire_add(t, &h);
}

static int
hire_decode_text(const char *text, struct clause_hire *h,
    struct field_error *err)
{
	struct note n;
	int rc;

	rc = clause_hire_decode(note_parse(&n, text), h, err);
	note_free(&n);
	return rc;
}

static void
test_hire_codec(void **state)
{
	static const struct {
		const char	*text;
		const char	*field;
	} errs[] = {
		{ "{operation: 'op-1', offer: 'o-1', candidate: 'c-1',"
		    " hours: 10}", "hired_at" },
		{ "{operation: 'op 1', offer: 'o-1', candidate: 'c-1',"
		    " hours: 10, hired_at: 1}", "operation" },
		{ "{operation: 'op-1', offer: 'o-1', candidate: 'c-1',"
		    " hours: -1, hired_at: 1}", "hours" },
		{ "{operation: 'op-1', offer: 'o-1', candidate: 'c-1',"
		    " hours: 1, hired_at: -1}", "hired_at" },
		{ "{operation: 'op-1', offer: 'o-1', candidate: 'c-1',"
		    " hours: 1, hired_at: 'hier'}", "hired_at" },
		{ "{operation: 'op-1', offer: 'o-1', candidate: 'c-1',"
		    " hours: 1, hired_at: 1, criteria: ['x']}", "criteria[0]" },
		{ "{operation: 'op-1', offer: 'o-1', hours: 1, hired_at: 1}",
		    "candidate" },
		{ "{operation: 'op-1', offer: 'o-1', candidate: 'c-1',"
		    " hours: 1, hired_at: 1, note: 'x'}", "note" },
	};
	char field[CLAUSE_HIRE_FIELD_MAX + 1];
	struct clause_hire h, back;
	struct field_error err;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked up;
	size_t i;

	(void)state;
	hire_set(&h, "op-1", "bouygues-tp", "o-1", "c-1", 1607,
	    CRIT(RSA) | CRIT(JEUNE_PEU_QUALIFIE), 1795945562);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	clause_hire_pack(&h, &pk);
	msgpack_unpacked_init(&up);
	assert_int_equal(msgpack_unpack_next(&up, sb.data, sb.size, NULL),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(clause_hire_decode(&up.data, &back, &err), 0);
	assert_memory_equal(&h, &back, sizeof(h));
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_destroy(&sb);

	assert_int_equal(clause_hire_field(&h, field), 7);
	assert_string_equal(field, "o-1\tc-1");
	/* Longest ids: the field still fits. */
	memset(h.offer, 'o', RECORD_ID_MAX);
	memset(h.candidate, 'c', RECORD_ID_MAX);
	assert_int_equal(clause_hire_field(&h, field), CLAUSE_HIRE_FIELD_MAX);

	/* Without a contractor: nil. */
	assert_int_equal(hire_decode_text("{operation: 'op-1', contractor: nil,"
	    " offer: 'o-1', candidate: 'c-1', hours: 0, hired_at: 0}", &h,
	    &err), 0);
	assert_string_equal(h.contractor, "");
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (hire_decode_text(errs[i].text, &h, &err) != -1 ||
		    strncmp(err.field, errs[i].field,
		    strlen(errs[i].field)) != 0)
			fail_msg("%s: field \"%s\", want %s", errs[i].text,
			    err.field, errs[i].field);
	}
}

/* --- the table --- */

static void
put_op(void **state, struct clause_table *t, const char *text)
{
	struct clause_op op;

	expect_ok(*state, text, &op);
	assert_true(clause_op_put(t, &op) >= 0);
}

static void
test_table(void **state)
{
	struct clause_table *t = clause_table_new();
	const struct clause_op **v;
	struct clause_op op;
	uint32_t n;

	expect_ok(*state, full, &op);
	assert_int_equal(clause_op_put(t, &op), 1);
	assert_int_equal(clause_op_put(t, &op), 0);
	assert_int_equal(t->nops, 1);
	expect_with_ok(*state, "id: 'op-b'", &op);
	assert_int_equal(clause_op_put(t, &op), 1);
	expect_with_ok(*state, "id: 'op-a'", &op);
	assert_int_equal(clause_op_put(t, &op), 1);
	assert_non_null(clause_op_find(t, "op-a"));
	assert_null(clause_op_find(t, "op-c"));
	/* Replacing keeps the slot and changes the record. */
	expect_with_ok(*state, "name: 'Autre nom'", &op);
	snprintf(op.id, sizeof(op.id), "op-a");
	assert_int_equal(clause_op_put(t, &op), 0);
	assert_string_equal(clause_op_find(t, "op-a")->name, "Autre nom");
	/* Newest start first, then by id. */
	v = clause_ops_sorted(t, &n);
	assert_int_equal(n, 3);
	assert_string_equal(v[0]->id, "cud-2026.terminal");
	assert_string_equal(v[1]->id, "op-a");
	assert_string_equal(v[2]->id, "op-b");
	free((void *)v);

	/* Hires: a repeat of (offer, candidate) goes, the first stays. */
	add_hire(t, "op-a", "", "o-1", "c-1", 10, 0);
	add_hire(t, "op-a", "", "o-1", "c-2", 20, 0);
	add_hire(t, "op-b", "", "o-1", "c-1", 30, 0);
	add_hire(t, "op-a", "", "o-2", "c-1", 40, 0);
	add_hire(t, "op-b", "", "o-1", "c-2", 50, 0);
	assert_int_equal(clause_hires_dedupe(t), 2);
	assert_int_equal(t->nhires, 3);
	assert_int_equal(t->hires[0].hours, 10);
	assert_int_equal(t->hires[1].hours, 20);
	assert_int_equal(t->hires[2].hours, 40);
	assert_int_equal(clause_hires_dedupe(t), 0);
	clause_table_free(t);
	clause_table_free(NULL);
}

/* A clause offer of operation op (contractor may be ""). */
static void
clause_offer(struct offer *o, const char *id, const char *op,
    const char *contractor, int hours)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", id);
	o->source = SOURCE_CLAUSE;
	o->sector = SECTOR_BATIMENT;
	o->has_clause = 1;
	snprintf(o->clause.operation, sizeof(o->clause.operation), "%s", op);
	snprintf(o->clause.contractor, sizeof(o->clause.contractor), "%s",
	    contractor);
	o->clause.hours = hours;
}

static void
expect_field(int rc, const struct field_error *err, const char *field,
    const char *message)
{
	assert_int_equal(rc, -1);
	assert_string_equal(err->field, field);
	if (strstr(err->message, message) == NULL)
		fail_msg("%s: \"%s\" lacks \"%s\"", field, err->message,
		    message);
}

static void
test_check_offer(void **state)
{
	struct clause_table *t = clause_table_new();
	struct field_error err;
	struct offer o;

	put_op(state, t, full);
	put_op(state, t, "{id: 'op-own', name: 'x', authority: 'y',"
	    " start: '2026-01-01', end: '2026-12-31', hours_committed: 10}");
	clause_offer(&o, "o-1", "cud-2026.terminal", "ramery", 420);
	assert_int_equal(clause_check_offer(t, &o, &err), 0);
	/* Without a contractor: the operation's hours. */
	clause_offer(&o, "o-1", "cud-2026.terminal", "", 420);
	assert_int_equal(clause_check_offer(t, &o, &err), 0);
	clause_offer(&o, "o-1", "op-own", "", 1);
	assert_int_equal(clause_check_offer(t, &o, &err), 0);
	/* Not a clause offer: nothing to check. */
	o.has_clause = 0;
	o.source = SOURCE_POLE_EMPLOI;
	assert_int_equal(clause_check_offer(t, &o, &err), 0);

	clause_offer(&o, "o-1", "op-unknown", "", 420);
	expect_field(clause_check_offer(t, &o, &err), &err, "clause.operation",
	    "unknown operation op-unknown (declare it with clause.put)");
	clause_offer(&o, "o-1", "cud-2026.terminal", "eiffage", 420);
	expect_field(clause_check_offer(t, &o, &err), &err,
	    "clause.contractor", "eiffage is not a contractor of operation"
	    " cud-2026.terminal");
	clause_offer(&o, "o-1", "op-own", "eiffage", 420);
	expect_field(clause_check_offer(t, &o, &err), &err,
	    "clause.contractor", "lists no contractors");
	clause_offer(&o, "o-1", "op-own", "", 0);
	expect_field(clause_check_offer(t, &o, &err), &err, "clause.hours",
	    "hours of the work contract");
	clause_table_free(t);
}

static void
test_check_put(void **state)
{
	struct clause_table *t = clause_table_new();
	struct offer_table *offers = offer_table_new();
	struct field_error err;
	struct clause_op op;
	struct offer o;
	char buf[512];
	int i;

	/* A new operation is always fine below the bound. */
	expect_ok(*state, full, &op);
	assert_int_equal(clause_check_put(t, offers, &op, &err), 0);
	clause_op_put(t, &op);
	/* Dropping a contractor nobody names is fine. */
	op.ncontractors = 2;
	assert_int_equal(clause_check_put(t, offers, &op, &err), 0);
	/* Named by an offer (open or closed): refused. */
	clause_offer(&o, "o-ramery", "cud-2026.terminal", "ramery", 420);
	offer_table_put(offers, &o, 1780000000);
	op.ncontractors = 1;
	expect_field(clause_check_put(t, offers, &op, &err), &err,
	    "contractors", "contractor ramery is named by offer o-ramery");
	offer_table_set_closed(offers, offer_table_get(offers, "o-ramery"), 1);
	expect_field(clause_check_put(t, offers, &op, &err), &err,
	    "contractors", "named by offer o-ramery");
	/* With hires: refused too. */
	add_hire(t, "cud-2026.terminal", "sous-traitant", "o-9", "c-1", 5, 0);
	op.ncontractors = 2;
	expect_field(clause_check_put(t, offers, &op, &err), &err,
	    "contractors", "contractor sous-traitant has hires");
	/* Keeping them all, with new ones and new figures: fine. */
	expect_ok(*state, full, &op);
	op.contractors[0].hours.committed = 1;
	snprintf(op.contractors[3].id, sizeof(op.contractors[3].id), "new");
	op.ncontractors = 4;
	assert_int_equal(clause_check_put(t, offers, &op, &err), 0);

	/* The table is bounded: a new one past the bound is refused. */
	for (i = 1; t->nops < CLAUSE_OPS_MAX; i++) {
		snprintf(buf, sizeof(buf), "{id: 'op-%d', name: 'x',"
		    " authority: 'y', start: '2026-01-01',"
		    " end: '2026-12-31', hours_committed: 1}", i);
		put_op(state, t, buf);
	}
	expect_with_ok(*state, "id: 'op-one-more'", &op);
	expect_field(clause_check_put(t, offers, &op, &err), &err, "id",
	    "at most 2000 operations");
	/* An update is not a new one. */
	expect_with_ok(*state, "id: 'op-7'", &op);
	assert_int_equal(clause_check_put(t, offers, &op, &err), 0);
	offer_table_free(offers);
	clause_table_free(t);
}

/* --- expected hours, period, behind --- */

static void
test_expected_and_period(void **state)
{
	int32_t s = DAY(2026, 1, 1), e = DAY(2026, 12, 31);

	(void)state;
	assert_int_equal(clause_period_of(s, e, s - 1), CLAUSE_UPCOMING);
	assert_int_equal(clause_period_of(s, e, s), CLAUSE_RUNNING);
	assert_int_equal(clause_period_of(s, e, e), CLAUSE_RUNNING);
	assert_int_equal(clause_period_of(s, e, e + 1), CLAUSE_OVER);
	/* 365 days; elapsed = days before today. */
	assert_int_equal(clause_expected(3650, s, e, s - 100), 0);
	assert_int_equal(clause_expected(3650, s, e, s), 0);
	assert_int_equal(clause_expected(3650, s, e, s + 1), 10);
	assert_int_equal(clause_expected(3650, s, e, DAY(2026, 7, 2)), 1820);
	assert_int_equal(clause_expected(3650, s, e, e), 3640);
	assert_int_equal(clause_expected(3650, s, e, e + 1), 3650);
	assert_int_equal(clause_expected(3650, s, e, e + 1000), 3650);
	/* Rounded down. */
	assert_int_equal(clause_expected(1000, s, e, s + 1), 2);
	assert_int_equal(clause_expected(0, s, e, e + 1), 0);
	/* A one-day period: nothing on the day, all the day after. */
	assert_int_equal(clause_expected(70, s, s, s), 0);
	assert_int_equal(clause_expected(70, s, s, s + 1), 70);
	/* Large: 32 * 10^8 hours. */
	assert_true(clause_expected(INT64_C(3200000000), s, e, e) ==
	    INT64_C(3200000000) * 364 / 365);
}

/*
 * The table of the report and status tests, on 2026-07-02 (182 of 365
 * days of op-a elapsed): see test_report for the figures.
 */
static struct clause_table *
sample_table(void **state)
{
	struct clause_table *t = clause_table_new();

	put_op(state, t, "{id: 'op-a', name: 'Voirie', authority: 'CUD',"
	    " start: '2026-01-01', end: '2026-12-31', contractors: ["
	    " {id: 'x', name: 'Bouygues TP', hours_total: 40000, rate: 5},"
	    " {id: 'y', name: 'Ramery', hours_committed: 1650},"
	    " {id: 'z', name: 'Eiffage', hours_committed: 0}]}");
	put_op(state, t, "{id: 'op-b', name: 'Logements', authority:"
	    " 'Partenord Habitat', start: '2025-01-01', end: '2025-12-31',"
	    " hours_committed: 1000}");
	put_op(state, t, "{id: 'op-c', name: 'Piscine', authority: 'CUD',"
	    " start: '2027-01-01', end: '2027-12-31', hours_committed: 500}");
	add_hire(t, "op-a", "x", "o-1", "c1", 500, CRIT(RSA));
	add_hire(t, "op-a", "y", "o-2", "c3", 200, CRIT(TH));
	add_hire(t, "op-a", "x", "o-3", "c1", 300, CRIT(RSA) | CRIT(QPV));
	add_hire(t, "op-a", "x", "o-1", "c2", 400, CRIT(DELD));
	add_hire(t, "op-a", "", "o-4", "c4", 100, 0);
	add_hire(t, "op-b", "", "o-5", "c1", 600, CRIT(RSA));
	/* A hire of an operation nobody declared is kept, never reported. */
	add_hire(t, "op-gone", "", "o-6", "c9", 900, CRIT(RSA));
	return t;
}

#define JULY2	DAY(2026, 7, 2)

static void
expect_status(const struct clause_table *t, const char *op,
    const char *contractor, int32_t today, int64_t committed,
    int64_t realised, int64_t expected, int period, int behind,
    const char *reason)
{
	struct clause_status st;
	struct offer o;

	clause_offer(&o, "o-x", op, contractor, 100);
	assert_int_equal(clause_status_of(t, &o, today, &st), 0);
	assert_string_equal(st.operation, op);
	assert_string_equal(st.contractor, contractor);
	if (st.hours_committed != committed || st.hours_realised != realised ||
	    st.hours_expected != expected || st.period != period ||
	    st.behind != behind)
		fail_msg("%s/%s: %lld %lld %lld %d %d", op, contractor,
		    (long long)st.hours_committed, (long long)st.hours_realised,
		    (long long)st.hours_expected, st.period, st.behind);
	assert_string_equal(st.reason, reason);
}

static void
test_status(void **state)
{
	struct clause_table *t = sample_table(state);
	struct clause_status st;
	struct offer o;

	expect_status(t, "op-a", "x", JULY2, 2000, 1200, 997,
	    CLAUSE_RUNNING, 0, "");
	expect_status(t, "op-a", "y", JULY2, 1650, 200, 822, CLAUSE_RUNNING,
	    1, "engagement de Ramery en retard : 200 h réalisées sur 822 h"
	    " attendues à ce jour (1650 h d'ici le 31/12/2026)");
	/* Nothing committed: never behind. */
	expect_status(t, "op-a", "z", JULY2, 0, 0, 0, CLAUSE_RUNNING, 0, "");
	/* No contractor: the operation's figures, every hire included. */
	expect_status(t, "op-a", "", JULY2, 3650, 1500, 1820, CLAUSE_RUNNING,
	    1, "opération en retard : 1500 h réalisées sur 1820 h attendues"
	    " à ce jour (3650 h d'ici le 31/12/2026)");
	/* On the first day nothing is expected yet. */
	expect_status(t, "op-a", "y", DAY(2026, 1, 1), 1650, 200, 0,
	    CLAUSE_RUNNING, 0, "");
	/* Not started: never behind. */
	expect_status(t, "op-c", "", DAY(2026, 12, 31), 500, 0, 0,
	    CLAUSE_UPCOMING, 0, "");
	/* On the last day, short of the expected hours. */
	expect_status(t, "op-b", "", DAY(2025, 12, 31), 1000, 600, 997,
	    CLAUSE_RUNNING, 1, "opération en retard : 600 h réalisées sur"
	    " 997 h attendues à ce jour (1000 h d'ici le 31/12/2025)");
	/* Over, the commitment not met. */
	expect_status(t, "op-b", "", DAY(2026, 1, 1), 1000, 600, 1000,
	    CLAUSE_OVER, 1, "opération terminée le 31/12/2025 sans atteindre"
	    " son engagement : 600 h réalisées sur 1000 h engagées");
	expect_status(t, "op-a", "y", DAY(2027, 3, 1), 1650, 200, 1650,
	    CLAUSE_OVER, 1, "engagement de Ramery non tenu, opération"
	    " terminée le 31/12/2026 : 200 h réalisées sur 1650 h engagées");
	expect_status(t, "op-a", "x", DAY(2027, 3, 1), 2000, 1200, 2000,
	    CLAUSE_OVER, 1, "engagement de Bouygues TP non tenu, opération"
	    " terminée le 31/12/2026 : 1200 h réalisées sur 2000 h engagées");
	/* Over, and met. */
	add_hire(t, "op-a", "x", "o-7", "c5", 800, 0);
	expect_status(t, "op-a", "x", DAY(2027, 3, 1), 2000, 2000, 2000,
	    CLAUSE_OVER, 0, "");

	/* Not a clause offer, or an operation nobody declared. */
	clause_offer(&o, "o-x", "op-gone", "", 10);
	assert_int_equal(clause_status_of(t, &o, JULY2, &st), -1);
	o.has_clause = 0;
	snprintf(o.clause.operation, sizeof(o.clause.operation), "op-a");
	assert_int_equal(clause_status_of(t, &o, JULY2, &st), -1);
	clause_table_free(t);
}

/* The status map of a match result. */
static void
test_status_pack(void **state)
{
	struct clause_table *t = sample_table(state);
	const msgpack_object *m;
	struct clause_status st;
	msgpack_packer pk;
	struct offer o;
	struct note n;

	clause_offer(&o, "o-x", "op-a", "y", 100);
	assert_int_equal(clause_status_of(t, &o, JULY2, &st), 0);
	note_begin(&n, &pk);
	clause_status_pack(&st, &pk);
	m = note_unpack(&n);
	assert_int_equal(m->via.map.size, 9);
	assert_true(mp_str_eq(mp_map_get(m, "operation"), "op-a"));
	assert_true(mp_str_eq(mp_map_get(m, "contractor"), "y"));
	assert_int_equal(mp_map_get(m, "hours_committed")->via.u64, 1650);
	assert_int_equal(mp_map_get(m, "hours_realised")->via.u64, 200);
	assert_int_equal(mp_map_get(m, "hours_expected")->via.u64, 822);
	assert_true(mp_map_get(m, "percent")->via.f64 == 12.1);
	assert_true(mp_str_eq(mp_map_get(m, "period"), "running"));
	assert_true(mp_map_get(m, "behind")->via.boolean);
	assert_true(mp_str_eq(mp_map_get(m, "reason"), st.reason));
	note_free(&n);

	clause_offer(&o, "o-x", "op-a", "z", 100);
	assert_int_equal(clause_status_of(t, &o, JULY2, &st), 0);
	note_begin(&n, &pk);
	clause_status_pack(&st, &pk);
	m = note_unpack(&n);
	assert_int_equal(mp_map_get(m, "percent")->type, MSGPACK_OBJECT_NIL);
	assert_int_equal(mp_map_get(m, "reason")->type, MSGPACK_OBJECT_NIL);
	assert_false(mp_map_get(m, "behind")->via.boolean);
	note_free(&n);
	clause_table_free(t);
}

/* --- the report --- */

static void
expect_figures(const char *what, const struct clause_figures *f,
    int64_t committed, int64_t realised, int64_t expected,
    uint32_t contracts, uint32_t people, int behind)
{
	if (f->hours_committed != committed || f->hours_realised != realised ||
	    f->hours_expected != expected || f->contracts != contracts ||
	    f->people != people || f->behind != behind)
		fail_msg("%s: committed %lld realised %lld expected %lld "
		    "contracts %u people %u behind %d", what,
		    (long long)f->hours_committed,
		    (long long)f->hours_realised,
		    (long long)f->hours_expected, f->contracts, f->people,
		    f->behind);
}

static struct clause_report *
report(const struct clause_table *t, const char *op, const char *contractor,
    int behind_only, int count, int32_t today)
{
	struct clause_filter f;

	memset(&f, 0, sizeof(f));
	f.operation = op;
	f.contractor = contractor;
	f.behind_only = behind_only;
	f.count = count;
	return clause_report_new(t, &f, today);
}

static void
test_report(void **state)
{
	struct clause_table *t = sample_table(state);
	const struct clause_op_report *a, *b;
	struct clause_report *r;

	r = report(t, NULL, NULL, 0, 0, JULY2);
	/* Newest start first: op-c (upcoming), op-a, op-b. */
	assert_int_equal(r->matched, 3);
	assert_int_equal(r->nops, 3);
	assert_string_equal(r->ops[0].op->id, "op-c");
	a = &r->ops[1];
	b = &r->ops[2];
	assert_string_equal(a->op->id, "op-a");
	assert_string_equal(b->op->id, "op-b");
	expect_figures("op-c", &r->ops[0].f, 500, 0, 0, 0, 0, 0);
	assert_int_equal(r->ops[0].f.period, CLAUSE_UPCOMING);
	/* c1 is hired twice by x: two contracts, one person. */
	expect_figures("op-a", &a->f, 3650, 1500, 1820, 5, 4, 1);
	assert_int_equal(a->f.period, CLAUSE_RUNNING);
	/* A contractor without a total leaves it unknown. */
	assert_int_equal(a->f.hours_total, 0);
	assert_int_equal(a->f.criteria[CRITERION_RSA], 1);
	assert_int_equal(a->f.criteria[CRITERION_QPV], 1);
	assert_int_equal(a->f.criteria[CRITERION_DELD], 1);
	assert_int_equal(a->f.criteria[CRITERION_TH], 1);
	assert_int_equal(a->f.criteria[CRITERION_SENIOR], 0);
	/* The declared contractors in order, then hires without one. */
	assert_int_equal(a->nrows, 4);
	assert_string_equal(a->rows[0].contractor, "x");
	assert_non_null(a->rows[0].declared);
	expect_figures("x", &a->rows[0].f, 2000, 1200, 997, 3, 2, 0);
	assert_int_equal(a->rows[0].f.hours_total, 40000);
	assert_int_equal(a->rows[0].f.criteria[CRITERION_RSA], 1);
	assert_int_equal(a->rows[0].f.criteria[CRITERION_QPV], 1);
	assert_int_equal(a->rows[0].f.criteria[CRITERION_DELD], 1);
	assert_int_equal(a->rows[0].f.criteria[CRITERION_TH], 0);
	expect_figures("y", &a->rows[1].f, 1650, 200, 822, 1, 1, 1);
	expect_figures("z", &a->rows[2].f, 0, 0, 0, 0, 0, 0);
	assert_string_equal(a->rows[3].contractor, "");
	assert_null(a->rows[3].declared);
	expect_figures("(none)", &a->rows[3].f, 0, 100, 0, 1, 1, 0);
	/* An operation without contractors has no rows. */
	expect_figures("op-b", &b->f, 1000, 600, 1000, 1, 1, 1);
	assert_int_equal(b->f.period, CLAUSE_OVER);
	assert_int_equal(b->nrows, 0);
	/* Totals: c1 is one person across op-a and op-b. */
	assert_int_equal(r->behind, 2);
	expect_figures("total", &r->total, 5150, 2100, 2820, 6, 4, 0);
	assert_int_equal(r->total.criteria[CRITERION_RSA], 1);
	assert_int_equal(r->total.hours_total, 0);
	/* No details unless one operation is asked for. */
	assert_int_equal(a->nrecent, 0);
	clause_report_free(r);

	/* One contractor: its row only, and its totals. */
	r = report(t, NULL, "x", 0, 0, JULY2);
	assert_int_equal(r->matched, 1);
	assert_int_equal(r->ops[0].nrows, 1);
	assert_string_equal(r->ops[0].rows[0].contractor, "x");
	expect_figures("total x", &r->total, 2000, 1200, 997, 3, 2, 0);
	assert_int_equal(r->total.hours_total, 40000);
	assert_int_equal(r->behind, 0);
	clause_report_free(r);
	r = report(t, NULL, "x", 1, 0, JULY2);
	assert_int_equal(r->matched, 0);
	assert_int_equal(r->nops, 0);
	expect_figures("none", &r->total, 0, 0, 0, 0, 0, 0);
	clause_report_free(r);
	r = report(t, NULL, "nobody", 0, 0, JULY2);
	assert_int_equal(r->matched, 0);
	clause_report_free(r);

	/* Behind only: op-a (and its contractor y) and op-b. */
	r = report(t, NULL, NULL, 1, 0, JULY2);
	assert_int_equal(r->matched, 2);
	assert_string_equal(r->ops[0].op->id, "op-a");
	assert_string_equal(r->ops[1].op->id, "op-b");
	clause_report_free(r);

	/* count lists fewer; the totals still cover every match. */
	r = report(t, NULL, NULL, 0, 1, JULY2);
	assert_int_equal(r->matched, 3);
	assert_int_equal(r->nops, 1);
	expect_figures("total", &r->total, 5150, 2100, 2820, 6, 4, 0);
	clause_report_free(r);

	/* One operation: with its hires, newest first. */
	r = report(t, "op-a", NULL, 0, 0, JULY2);
	assert_int_equal(r->matched, 1);
	assert_int_equal(r->details, 1);
	assert_int_equal(r->ops[0].nrecent, 5);
	assert_string_equal(r->ops[0].recent[0]->offer, "o-4");
	assert_string_equal(r->ops[0].recent[4]->offer, "o-1");
	assert_string_equal(r->ops[0].recent[4]->candidate, "c1");
	clause_report_free(r);

	/* An empty table. */
	clause_table_free(t);
	t = clause_table_new();
	r = report(t, NULL, NULL, 0, 0, JULY2);
	assert_int_equal(r->matched, 0);
	assert_int_equal(r->nops, 0);
	clause_report_free(r);
	clause_table_free(t);
}

/* The report's map: figures at every level, nil percent without hours. */
static void
test_report_pack(void **state)
{
	struct clause_table *t = sample_table(state);
	const msgpack_object *m, *op, *row, *tot, *hires;
	struct clause_report *r;
	msgpack_packer pk;
	struct note n;

	r = report(t, "op-a", NULL, 0, 0, JULY2);
	note_begin(&n, &pk);
	clause_report_pack(r, &pk);
	clause_report_free(r);
	m = note_unpack(&n);
	assert_true(mp_str_eq(mp_map_get(m, "today"), "2026-07-02"));
	assert_int_equal(mp_map_get(m, "matched")->via.u64, 1);
	assert_int_equal(mp_map_get(m, "behind")->via.u64, 1);
	tot = mp_map_get(m, "total");
	assert_int_equal(mp_map_get(tot, "hours_realised")->via.u64, 1500);
	assert_int_equal(mp_map_get(tot, "hours_total")->type,
	    MSGPACK_OBJECT_NIL);
	op = &mp_map_get(m, "operations")->via.array.ptr[0];
	assert_true(mp_str_eq(mp_map_get(op, "id"), "op-a"));
	assert_true(mp_str_eq(mp_map_get(op, "authority"), "CUD"));
	assert_true(mp_str_eq(mp_map_get(op, "period"), "running"));
	assert_true(mp_map_get(op, "percent")->via.f64 == 41.1);
	assert_true(mp_map_get(op, "behind")->via.boolean);
	assert_int_equal(mp_map_get(op, "people")->via.u64, 4);
	assert_int_equal(mp_map_get(op, "contracts")->via.u64, 5);
	assert_int_equal(mp_map_get(mp_map_get(op, "hired_criteria"),
	    "rsa")->via.u64, 1);
	assert_null(mp_map_get(mp_map_get(op, "hired_criteria"), "senior"));
	assert_int_equal(mp_map_get(op, "contractors")->via.array.size, 4);
	row = &mp_map_get(op, "contractors")->via.array.ptr[0];
	assert_true(mp_str_eq(mp_map_get(row, "id"), "x"));
	assert_true(mp_str_eq(mp_map_get(row, "name"), "Bouygues TP"));
	assert_true(mp_map_get(row, "declared")->via.boolean);
	assert_true(mp_map_get(row, "rate")->via.f64 == 5.0);
	assert_true(mp_map_get(row, "percent")->via.f64 == 60.0);
	row = &mp_map_get(op, "contractors")->via.array.ptr[2];
	assert_int_equal(mp_map_get(row, "percent")->type, MSGPACK_OBJECT_NIL);
	assert_int_equal(mp_map_get(row, "rate")->type, MSGPACK_OBJECT_NIL);
	row = &mp_map_get(op, "contractors")->via.array.ptr[3];
	assert_int_equal(mp_map_get(row, "id")->type, MSGPACK_OBJECT_NIL);
	assert_int_equal(mp_map_get(row, "name")->type, MSGPACK_OBJECT_NIL);
	assert_false(mp_map_get(row, "declared")->via.boolean);
	hires = mp_map_get(op, "hires");
	assert_int_equal(hires->via.array.size, 5);
	assert_true(mp_str_eq(mp_map_get(&hires->via.array.ptr[0], "offer"),
	    "o-4"));
	assert_int_equal(mp_map_get(&hires->via.array.ptr[0],
	    "contractor")->type, MSGPACK_OBJECT_NIL);
	note_free(&n);

	/* Without an operation asked, no hires list. */
	r = report(t, NULL, NULL, 0, 0, JULY2);
	note_begin(&n, &pk);
	clause_report_pack(r, &pk);
	clause_report_free(r);
	m = note_unpack(&n);
	op = &mp_map_get(m, "operations")->via.array.ptr[0];
	assert_null(mp_map_get(op, "hires"));
	note_free(&n);
	clause_table_free(t);
}

/* Many hires: the details list is bounded. */
static void
test_report_bounded(void **state)
{
	struct clause_table *t = clause_table_new();
	struct clause_report *r;
	char offer[32], cand[32];
	int i;

	put_op(state, t, "{id: 'op-a', name: 'x', authority: 'y',"
	    " start: '2026-01-01', end: '2026-12-31', hours_committed: 10}");
	for (i = 0; i < CLAUSE_REPORT_HIRES_MAX + 10; i++) {
		snprintf(offer, sizeof(offer), "o-%d", i % 7);
		snprintf(cand, sizeof(cand), "c-%d", i);
		add_hire(t, "op-a", "", offer, cand, 1, 0);
	}
	r = report(t, "op-a", NULL, 0, 0, JULY2);
	assert_int_equal(r->ops[0].nhires, CLAUSE_REPORT_HIRES_MAX + 10);
	assert_int_equal(r->ops[0].nrecent, CLAUSE_REPORT_HIRES_MAX);
	/* The newest first. */
	assert_true(r->ops[0].recent[0]->hired_at ==
	    1780000000 + CLAUSE_REPORT_HIRES_MAX + 9);
	assert_int_equal(r->ops[0].f.people, CLAUSE_REPORT_HIRES_MAX + 10);
	clause_report_free(r);
	clause_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_own_hours),
		cmocka_unit_test(test_rate_resolution),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_any_type),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_hire_codec),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_check_offer),
		cmocka_unit_test(test_check_put),
		cmocka_unit_test(test_expected_and_period),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_pack),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_report_pack),
		cmocka_unit_test(test_report_bounded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
