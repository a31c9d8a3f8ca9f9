/*
 * Unit tests of matcher/core/offer.c: decoding a full and a minimal offer, the
 * sector derived from the ROME code, the clause and age rules, an error
 * naming the right field for every bad input, no crash on any value type,
 * and the canonical map round trip.
 *
 * Inputs are written in the compact notation of tests/lib/mpnote.h, so
 * that each case reads like the map it sends.
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

#include "dates.h"
#include "domain.h"
#include "offer.h"
#include "refdata.h"

/* The smallest valid offer; every case below starts from it. */
static const char *const base[][2] = {
	{ "id", "'o-001'" },
	{ "source", "'pole_emploi'" },
	{ "title", "'Coffreur bancheur H/F'" },
	{ "rome", "'F1701'" },
	{ "commune", "'59183'" },
	{ "contract", "'cdi'" },
};

/* Every field, in the order of the canonical map. */
static const char *const fields[] = { "id", "source", "title", "rome",
    "rome_v4", "sector", "employer", "partner", "commune", "lat", "lon", "department",
    "max_km", "contract",
    "duration_months", "working_time", "start", "positions", "level_min",
    "experience_months", "licences_required", "skills_required",
    "skills_wanted", "age_min", "age_max", "notes", "clause" };

#define NOTE_RECORD	struct offer
#define NOTE_DECODE	offer_decode
#define NOTE_PACK	offer_pack
#include "../lib/record_note.h"

static const char full[] = "{id: 'o-2025:42', source: 'clause',"
    " title: 'Coffreur bancheur H/F', rome: 'F1701', sector: 'industrie',"
    " employer: 'Bâtiments du Nord', commune: '59183', max_km: 40,"
    " contract: 'cdd', duration_months: 6, working_time: 'full',"
    " start: '2025-04-01', positions: 3, level_min: 3,"
    " experience_months: 12, licences_required: ['C', 'B'],"
    " skills_required: ['caces-r489-3'], skills_wanted: ['sst', 'oppbtp'],"
    " age_min: 18, age_max: 30,"
    " clause: {operation: 'op-2025.01', criteria: ['rsa', 'qpv'],"
    " hours: 420}}";

static void
test_full(void **state)
{
	const struct refdata *ref = *state;
	const struct commune *dk;
	struct offer o;

	expect_ok(ref, full, &o);
	assert_string_equal(o.id, "o-2025:42");
	assert_int_equal(o.source, SOURCE_CLAUSE);
	assert_string_equal(o.title, "Coffreur bancheur H/F");
	assert_string_equal(o.rome, "F1701");
	assert_int_equal(o.rome_id, refdata_rome_id(ref, "F1701", 5));
	/* Given explicitly, the sector wins over the ROME code's. */
	assert_int_equal(o.sector, SECTOR_INDUSTRIE);
	assert_string_equal(o.employer, "Bâtiments du Nord");
	assert_string_equal(o.commune, "59183");
	dk = refdata_commune(ref, "59183", 5);
	assert_non_null(dk);
	assert_true(o.lat == dk->lat && o.lon == dk->lon);
	assert_int_equal(o.max_km, 40);
	assert_int_equal(o.contract, CONTRACT_CDD);
	assert_int_equal(o.duration_months, 6);
	assert_int_equal(o.working_time, WORKTIME_FULL);
	assert_int_equal(o.start, date_from_ymd(2025, 4, 1));
	assert_int_equal(o.positions, 3);
	assert_int_equal(o.level_min, 3);
	assert_int_equal(o.experience_months, 12);
	assert_int_equal(o.licences_required,
	    (1u << LICENCE_C) | (1u << LICENCE_B));
	assert_int_equal(o.nskills_required, 1);
	assert_string_equal(o.skills_required[0], "caces-r489-3");
	assert_int_equal(o.nskills_wanted, 2);
	assert_string_equal(o.skills_wanted[1], "oppbtp");
	assert_int_equal(o.age_min, 18);
	assert_int_equal(o.age_max, 30);
	assert_int_equal(o.has_clause, 1);
	assert_string_equal(o.clause.operation, "op-2025.01");
	assert_int_equal(o.clause.criteria,
	    (1u << CRITERION_RSA) | (1u << CRITERION_QPV));
	assert_int_equal(o.clause.hours, 420);
	assert_string_equal(o.rome_v4, "");
	assert_string_equal(o.department, "");
}

static void
test_defaults(void **state)
{
	struct offer o;

	expect_with_ok(*state, "positions: nil, max_km: nil, start: nil,"
	    " age_min: nil, age_max: nil, clause: nil, employer: nil,"
	    " sector: nil, working_time: nil, skills_required: nil", &o);
	assert_int_equal(o.source, SOURCE_POLE_EMPLOI);
	assert_int_equal(o.sector, SECTOR_BATIMENT);
	assert_string_equal(o.employer, "");
	assert_int_equal(o.max_km, 0);
	assert_int_equal(o.contract, CONTRACT_CDI);
	assert_int_equal(o.duration_months, 0);
	assert_int_equal(o.working_time, WORKTIME_ANY);
	assert_int_equal(o.start, DATE_NONE);
	assert_int_equal(o.positions, 1);
	assert_int_equal(o.level_min, 0);
	assert_int_equal(o.experience_months, 0);
	assert_int_equal(o.licences_required, 0);
	assert_int_equal(o.nskills_required, 0);
	assert_int_equal(o.nskills_wanted, 0);
	assert_int_equal(o.age_min, 0);
	assert_int_equal(o.age_max, 0);
	assert_int_equal(o.has_clause, 0);
}

static void
test_sector(void **state)
{
	static const struct {
		const char	*rome;
		int		 sector;
	} cases[] = {
		{ "F1701", SECTOR_BATIMENT },
		{ "G1602", SECTOR_HOTELLERIE },
		{ "N1101", SECTOR_HOTELLERIE },
		{ "D1408", SECTOR_TERTIAIRE },
		{ "M1607", SECTOR_TERTIAIRE },
		{ "K2111", SECTOR_TERTIAIRE },
		{ "H2913", SECTOR_INDUSTRIE },
		{ "A1101", SECTOR_INDUSTRIE },
		{ "I1101", SECTOR_INDUSTRIE },
	};
	struct offer o;
	char frag[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(frag, sizeof(frag), "rome: '%s'", cases[i].rome);
		expect_with_ok(*state, frag, &o);
		assert_string_equal(o.rome, cases[i].rome);
		if (o.sector != cases[i].sector)
			fail_msg("%s: sector %d, want %d", cases[i].rome,
			    o.sector, cases[i].sector);
	}
	expect_with_ok(*state, "sector: 'hotellerie'", &o);
	assert_int_equal(o.sector, SECTOR_HOTELLERIE);
}

static void
test_clause(void **state)
{
	struct offer o;

	expect_with_ok(*state, "source: 'clause', clause: {operation: 'op-1'}",
	    &o);
	assert_int_equal(o.source, SOURCE_CLAUSE);
	assert_int_equal(o.has_clause, 1);
	assert_string_equal(o.clause.operation, "op-1");
	/* No criteria: the configured default list applies. */
	assert_int_equal(o.clause.criteria, 0);
	assert_int_equal(o.clause.hours, 0);

	expect_with_ok(*state, "source: 'clause', clause: {operation: 'op-1',"
	    " criteria: [], hours: 1000000}", &o);
	assert_int_equal(o.clause.criteria, 0);
	assert_int_equal(o.clause.hours, CLAUSE_HOURS_MAX);

	/* Another source may carry a clause too; it is kept. */
	expect_with_ok(*state, "clause: {operation: 'op-2', criteria:"
	    " ['th', 'senior'], hours: nil}", &o);
	assert_int_equal(o.source, SOURCE_POLE_EMPLOI);
	assert_int_equal(o.has_clause, 1);
	assert_int_equal(o.clause.criteria,
	    (1u << CRITERION_TH) | (1u << CRITERION_SENIOR));
}

/* A ROME 4.0 code: kept, and matched on the first v3 code of its domain. */
static void
test_rome_v4(void **state)
{
	const struct refdata *ref = *state;
	struct offer o;

	expect_ok(ref, "{id: 'o-1', source: 'pole_emploi', title: 'Coffreur',"
	    " rome: 'F1799', commune: '59183', contract: 'cdi'}", &o);
	assert_string_equal(o.rome_v4, "F1799");
	assert_int_equal(refdata_rome_id(ref, "F1799", 5), -1);
	assert_int_equal(o.rome_id, refdata_rome_domain_first(ref, "F17"));
	assert_memory_equal(o.rome, "F17", 3);
	assert_int_equal(o.sector, SECTOR_BATIMENT);
	/* The canonical form: both codes. */
	expect_with_ok(ref, "rome_v4: 'F1799'", &o);
	assert_string_equal(o.rome, "F1701");
	assert_string_equal(o.rome_v4, "F1799");
	expect_with_ok(ref, "rome_v4: nil", &o);
	assert_string_equal(o.rome_v4, "");
	expect_with_err(ref, "rome_v4: 'F1702'", "rome_v4", "missing from");
	expect_with_err(ref, "rome_v4: 'G1699'", "rome_v4", "missing from");
	expect_with_err(ref, "rome_v4: 'F17'", "rome_v4", "ROME code string");
	expect_with_err(ref, "rome_v4: 17", "rome_v4", "ROME code string");
	/* A domain without v3 codes: an error, unless rome_v4 says so. */
	expect_err(ref, "{id: 'o-1', source: 'pole_emploi', title: 'x',"
	    " rome: 'Z9999', commune: '59183', contract: 'cdi'}", "rome",
	    "unknown ROME code");
	expect_ok(ref, "{id: 'o-1', source: 'pole_emploi', title: 'x',"
	    " rome: 'M1999', rome_v4: 'M1999', commune: '59183',"
	    " contract: 'cdi'}", &o);
	assert_string_equal(o.rome, "M1999");
	assert_int_equal(o.rome_id, -1);
	assert_int_equal(o.sector, SECTOR_TERTIAIRE);
	round_trip(ref, "{id: 'o-1', source: 'pole_emploi', title: 'x',"
	    " rome: 'M1999', rome_v4: 'M1999', commune: '59183',"
	    " contract: 'cdi'}");
	expect_err(ref, "{id: 'o-1', source: 'pole_emploi', title: 'x',"
	    " rome: 'M1999', rome_v4: 'M1998', commune: '59183',"
	    " contract: 'cdi'}", "rome_v4", "rome code itself");
	expect_err(ref, "{id: 'o-1', source: 'pole_emploi', title: 'x',"
	    " rome: 'F1799', rome_v4: 'F1798', commune: '59183',"
	    " contract: 'cdi'}", "rome_v4", "rome code itself");
}

/* Only the department: at its reference point, flagged for the scorer. */
static void
test_department(void **state)
{
	const struct refdata *ref = *state;
	const struct refdata_department *d59 = refdata_department(ref, "59", 2);
	struct offer o;

	assert_non_null(d59);
	expect_ok(ref, "{id: 'o-1', source: 'pole_emploi', title: 'Coffreur',"
	    " rome: 'F1701', department: '59', contract: 'cdi'}", &o);
	assert_string_equal(o.department, "59");
	assert_string_equal(o.commune, "");
	assert_int_equal(o.department_no, (int)(d59 - ref->departments) + 1);
	assert_true(o.lat == d59->lat && o.lon == d59->lon);
	round_trip(ref, "{id: 'o-1', source: 'pole_emploi', title: 'Coffreur',"
	    " rome: 'F1701', department: '62', contract: 'cdi'}");
	/* Coordinates may refine it. */
	expect_ok(ref, "{id: 'o-1', source: 'pole_emploi', title: 'Coffreur',"
	    " rome: 'F1701', department: '62', lat: 50.5, lon: 2.5,"
	    " contract: 'cdi'}", &o);
	assert_true(o.lat == 50.5 && o.lon == 2.5);
	expect_with_err(ref, "department: '59'", "department",
	    "commune is unknown");
	expect_err(ref, "{id: 'o-1', source: 'pole_emploi', title: 'x',"
	    " rome: 'F1701', department: '75', contract: 'cdi'}",
	    "department", "(59, 62)");
	expect_err(ref, "{id: 'o-1', source: 'pole_emploi', title: 'x',"
	    " rome: 'F1701', department: 59, contract: 'cdi'}",
	    "department", "(59, 62)");
	expect_err(ref, "{id: 'o-1', source: 'pole_emploi', title: 'x',"
	    " rome: 'F1701', department: '62', lat: 50.5, contract: 'cdi'}",
	    "lon", "required with lat");
}

static void
test_age(void **state)
{
	struct offer o;

	expect_with_ok(*state, "age_min: 16", &o);
	assert_int_equal(o.age_min, 16);
	assert_int_equal(o.age_max, 0);
	expect_with_ok(*state, "age_max: 25", &o);
	assert_int_equal(o.age_min, 0);
	assert_int_equal(o.age_max, 25);
	expect_with_ok(*state, "age_min: 20, age_max: 20", &o);
	expect_with_ok(*state, "age_min: 14, age_max: 99", &o);
	expect_with_ok(*state, "source: 'plateforme_jeunes', age_min: 18,"
	    " age_max: 29", &o);
	assert_int_equal(o.source, SOURCE_PLATEFORME_JEUNES);
	expect_with_err(*state, "age_min: 30, age_max: 20", "age_max",
	    "below age_min");
	expect_with_err(*state, "age_min: 13", "age_min", NULL);
	expect_with_err(*state, "age_max: 100", "age_max", NULL);
	expect_with_err(*state, "age_min: 0", "age_min", NULL);
}

static void
test_limits_ok(void **state)
{
	struct offer o;
	char frag[2048];
	size_t off;

	off = (size_t)snprintf(frag, sizeof(frag), "title: '%0200d', "
	    "employer: '%0128d', max_km: 300, duration_months: 120,"
	    " positions: 1000, level_min: 8, experience_months: 600,"
	    " skills_required: ", 0, 0);
	off = note_list(frag, sizeof(frag), off, "'req-%d'", OFFER_MAX_SKILLS);
	off += (size_t)snprintf(frag + off, sizeof(frag) - off,
	    ", skills_wanted: ");
	note_list(frag, sizeof(frag), off, "'want-%d'", OFFER_MAX_SKILLS);
	expect_with_ok(*state, frag, &o);
	assert_int_equal(strlen(o.title), OFFER_TITLE_MAX);
	assert_int_equal(strlen(o.employer), OFFER_EMPLOYER_MAX);
	assert_int_equal(o.max_km, RADIUS_MAX_KM);
	assert_int_equal(o.positions, OFFER_POSITIONS_MAX);
	assert_int_equal(o.nskills_required, OFFER_MAX_SKILLS);
	assert_int_equal(o.nskills_wanted, OFFER_MAX_SKILLS);
	assert_string_equal(o.skills_wanted[15], "want-15");
}

/* Each fragment replaces or adds fields of the base offer. */
static const struct bad_fragment bad[] = {
	{ "id: nil", "id", "required" },
	{ "id: 42", "id", NULL },
	{ "id: 'o 1'", "id", NULL },
	{ "id: ''", "id", NULL },
	{ "source: nil", "source", "required" },
	{ "source: 'pole emploi'", "source", NULL },
	{ "source: ['clause']", "source", NULL },
	{ "source: 'clause'", "clause", "required for source clause" },
	{ "source: 'clause', clause: nil", "clause", NULL },
	{ "title: nil", "title", "required" },
	{ "title: ''", "title", NULL },
	{ "title: 7", "title", NULL },
	{ "title: 'Ma\xe7on'", "title", "UTF-8" },
	{ "rome: nil", "rome", "required" },
	{ "rome: 'Z9999'", "rome", "Z9999" },
	{ "rome: 'F17011'", "rome", NULL },
	{ "rome: ['F1701']", "rome", NULL },
	{ "sector: 'agriculture'", "sector", NULL },
	{ "sector: ['batiment']", "sector", NULL },
	{ "employer: 3", "employer", NULL },
	{ "commune: nil", "commune", "required" },
	{ "commune: '75056'", "commune", "unknown commune 75056" },
	{ "lat: 50.6", "lon", NULL },
	{ "commune: nil, lon: 3.0", "lat", NULL },
	{ "commune: nil, lat: 91, lon: 3.0", "lat", NULL },
	{ "commune: nil, lat: 50.6, lon: -181", "lon", NULL },
	{ "max_km: 0", "max_km", NULL },
	{ "max_km: 301", "max_km", NULL },
	{ "max_km: -1", "max_km", NULL },
	{ "max_km: '10'", "max_km", NULL },
	{ "contract: nil", "contract", "required" },
	{ "contract: 'stage'", "contract", NULL },
	{ "contract: ['cdi']", "contract", NULL },
	{ "duration_months: 121", "duration_months", NULL },
	{ "duration_months: -1", "duration_months", NULL },
	{ "working_time: 'night'", "working_time", NULL },
	{ "start: '2025-13-01'", "start", NULL },
	{ "start: '2025-04-31'", "start", NULL },
	{ "start: 1743465600", "start", NULL },
	{ "positions: 0", "positions", NULL },
	{ "positions: 1001", "positions", NULL },
	{ "level_min: 9", "level_min", NULL },
	{ "level_min: true", "level_min", NULL },
	{ "experience_months: 601", "experience_months", NULL },
	{ "licences_required: ['B', 'X']", "licences_required[1]", NULL },
	{ "licences_required: 'B'", "licences_required", NULL },
	{ "skills_required: ['Sst']", "skills_required[0]", "lower case" },
	{ "skills_required: ['sst', 'sst']", "skills_required[1]",
	    "duplicate" },
	{ "skills_wanted: ['a b']", "skills_wanted[0]", NULL },
	{ "skills_wanted: {}", "skills_wanted", NULL },
	{ "age_min: 'x'", "age_min", NULL },
	{ "age_max: 25.5", "age_max", NULL },
	{ "notes: 'permis B'", "notes", "must be a list of text" },
	{ "notes: [1]", "notes[0]", NULL },
	{ "notes: ['']", "notes[0]", NULL },
	{ "notes: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']", "notes",
	    "at most 8 notes" },
	{ "clause: 'op-1'", "clause", "clause must be a map" },
	{ "clause: []", "clause", NULL },
	{ "clause: {}", "clause.operation", "required" },
	{ "clause: {criteria: ['rsa']}", "clause.operation", "required" },
	{ "clause: {operation: 'op 1'}", "clause.operation", NULL },
	{ "clause: {operation: 12}", "clause.operation", NULL },
	{ "clause: {operation: 'op-1', criteria: ['rsa', 'zzz']}",
	    "clause.criteria[1]", NULL },
	{ "clause: {operation: 'op-1', criteria: 'rsa'}", "clause.criteria",
	    NULL },
	{ "clause: {operation: 'op-1', hours: -1}", "clause.hours", NULL },
	{ "clause: {operation: 'op-1', hours: 1000001}", "clause.hours",
	    NULL },
	{ "clause: {operation: 'op-1', heures: 3}", "clause.heures",
	    "unknown field" },
	{ "clause: {operation: 'op-1', operation: 'op-2'}",
	    "clause.operation", "duplicate field" },
	{ "clause: {1: 'op-1'}", "clause", "keys must be strings" },
	{ "status: 'open'", "status", "unknown field" },
	{ "skills: ['sst']", "skills", "unknown field" },
};

static void
test_errors(void **state)
{
	expect_with_errs(*state, bad, sizeof(bad) / sizeof(bad[0]));
}

static void
test_errors_built(void **state)
{
	const struct refdata *ref = *state;
	char frag[2048];
	size_t off;

	expect_err(ref, "['o-1']", "", "offer must be a map");
	expect_err(ref, "nil", "", "offer must be a map");
	expect_err(ref, "{}", "id", "required");
	expect_err(ref, "{id: 'o-1', title: 'a', title: 'b'}", "title",
	    "duplicate field");

	snprintf(frag, sizeof(frag), "title: '%0201d'", 0);
	expect_with_err(ref, frag, "title", NULL);
	snprintf(frag, sizeof(frag), "employer: '%0129d'", 0);
	expect_with_err(ref, frag, "employer", NULL);

	off = (size_t)snprintf(frag, sizeof(frag), "skills_wanted: ");
	note_list(frag, sizeof(frag), off, "'skill-%d'", OFFER_MAX_SKILLS + 1);
	expect_with_err(ref, frag, "skills_wanted", "at most 16");
}

/*
 * Every value type in every field, at the top and inside the clause:
 * decoding may accept or refuse, but must name a field when it refuses.
 */
static void
test_any_type(void **state)
{
	static const char *const clause[] = { "operation", "criteria",
	    "hours" };
	char frag[256];
	size_t i, j;

	for (j = 0; j < NOTE_NANY; j++) {
		for (i = 0; i < NOTE_NFIELDS; i++) {
			snprintf(frag, sizeof(frag), "%s: %s", fields[i],
			    any_values[j]);
			expect_any_value(*state, frag, "", 1);
		}
		for (i = 0; i < sizeof(clause) / sizeof(clause[0]); i++) {
			snprintf(frag, sizeof(frag), "clause: {%s: %s%s}",
			    clause[i], any_values[j],
			    i == 0 ? "" : ", operation: 'op-1'");
			expect_any_value(*state, frag, "clause", 1);
		}
	}
}

static void
test_round_trip(void **state)
{
	char buf[4096];

	round_trip(*state, full);
	with(buf, sizeof(buf), "rome: 'G1602'");
	round_trip(*state, buf);
	round_trip(*state, "{id: 'o-2', source: 'clause', title: 'Serveur',"
	    " rome: 'G1602', contract: 'interim', lat: 50.2978570958,"
	    " lon: 2.59183341606, clause: {operation: 'op-9', criteria: []}}");
	with(buf, sizeof(buf), "source: 'plateforme_jeunes', age_max: 25,"
	    " start: '2026-01-05', positions: 1000");
	round_trip(*state, buf);
}

/* Unset optional values go out as nil, set ones as values. */
static void
test_canonical(void **state)
{
	static const char *const nils[] = { "employer", "max_km", "start",
	    "age_min", "age_max", "clause" };
	struct offer o;
	struct note n;
	const msgpack_object *m, *c;
	size_t i;

	expect_with_ok(*state, "title: 'Serveur'", &o);
	m = canonical_map(&n, &o);
	for (i = 0; i < sizeof(nils) / sizeof(nils[0]); i++)
		if (mp_map_get(m, nils[i])->type != MSGPACK_OBJECT_NIL)
			fail_msg("%s is not nil", nils[i]);
	assert_true(mp_str_eq(mp_map_get(m, "sector"), "batiment"));
	assert_true(mp_str_eq(mp_map_get(m, "working_time"), "any"));
	assert_int_equal(mp_map_get(m, "positions")->via.u64, 1);
	assert_int_equal(mp_map_get(m, "duration_months")->via.u64, 0);
	assert_int_equal(mp_map_get(m, "skills_wanted")->via.array.size, 0);
	assert_int_equal(mp_map_get(m, "notes")->via.array.size, 0);
	note_free(&n);

	expect_with_ok(*state, "notes: ['permis B exigé (France Travail)',"
	    " 'travail de nuit']", &o);
	assert_int_equal(o.nnotes, 2);
	assert_string_equal(o.notes[0], "permis B exigé (France Travail)");
	m = canonical_map(&n, &o);
	c = mp_map_get(m, "notes");
	assert_int_equal(c->via.array.size, 2);
	assert_true(mp_str_eq(&c->via.array.ptr[1], "travail de nuit"));
	note_free(&n);

	expect_ok(*state, full, &o);
	m = canonical_map(&n, &o);
	assert_int_equal(mp_map_get(m, "max_km")->via.u64, 40);
	assert_true(mp_str_eq(mp_map_get(m, "start"), "2025-04-01"));
	assert_int_equal(mp_map_get(m, "age_min")->via.u64, 18);
	c = mp_map_get(m, "clause");
	assert_int_equal(c->type, MSGPACK_OBJECT_MAP);
	assert_int_equal(c->via.map.size, 4);
	assert_true(mp_str_eq(mp_map_get(c, "operation"), "op-2025.01"));
	assert_int_equal(mp_map_get(c, "contractor")->type, MSGPACK_OBJECT_NIL);
	assert_int_equal(mp_map_get(c, "criteria")->via.array.size, 2);
	assert_int_equal(mp_map_get(c, "hours")->via.u64, 420);
	/* Licences in vocabulary order, as given (no closure). */
	assert_int_equal(mp_map_get(m, "licences_required")->via.array.size,
	    2);
	assert_true(mp_str_eq(&mp_map_get(m, "licences_required")
	    ->via.array.ptr[0], "B"));
	note_free(&n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_sector),
		cmocka_unit_test(test_clause),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_limits_ok),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_errors_built),
		cmocka_unit_test(test_any_type),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_rome_v4),
		cmocka_unit_test(test_department),
		cmocka_unit_test(test_canonical),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
