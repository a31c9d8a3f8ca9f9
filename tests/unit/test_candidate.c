/*
 * Unit tests of matcher/core/candidate.c: decoding a full and a minimal
 * candidate, an error naming the right field for every bad input, no crash
 * on any value type in any field, and the canonical map round trip.
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

#include "candidate.h"
#include "dates.h"
#include "domain.h"
#include "identity.h"
#include "refdata.h"

/* The smallest valid candidate; every case below starts from it. */
static const char *const base[][2] = {
	{ "id", "'c-001'" },
	{ "sectors", "['batiment']" },
	{ "jobs", "[{rome: 'F1701', months: 24}]" },
	{ "commune", "'59183'" },
};

/* Every field, in the order of the canonical map. */
static const char *const fields[] = { "id", "sectors", "jobs", "skills",
    "licences", "vehicle", "level", "commune", "lat", "lon", "radius_km",
    "available_from", "contracts", "working_time", "birth_date",
    "criteria", "barriers", "status", "adviser", "consent_partners",
    "updated_on" };

#define NOTE_RECORD	struct candidate
#define NOTE_DECODE	candidate_decode
#define NOTE_PACK	candidate_pack
#include "../lib/record_note.h"

static void
test_record_id(void **state)
{
	char id[RECORD_ID_MAX + 2];

	(void)state;
	assert_true(record_id_valid("c-001", 5));
	assert_true(record_id_valid("A.z_0:9-", 8));
	assert_false(record_id_valid("", 0));
	assert_false(record_id_valid("a b", 3));
	assert_false(record_id_valid("a/b", 3));
	assert_false(record_id_valid("a\0b", 3));
	assert_false(record_id_valid("\xc3\xa9", 2));
	memset(id, 'x', sizeof(id));
	assert_true(record_id_valid(id, RECORD_ID_MAX));
	assert_false(record_id_valid(id, RECORD_ID_MAX + 1));
}

static void
test_full(void **state)
{
	const struct refdata *ref = *state;
	const struct commune *dk;
	struct candidate c;

	expect_ok(ref, "{id: 'c-042', sectors: ['batiment', 'industrie'],"
	    " jobs: [{rome: 'F1701', months: 24}, {rome: 'H2913'}],"
	    " skills: ['caces-r489-3', 'sst', 'oppbtp'],"
	    " licences: ['CE', 'B'], vehicle: true, level: 3,"
	    " commune: '59183', radius_km: 30,"
	    " available_from: '2025-03-01', contracts: ['cdi', 'interim'],"
	    " working_time: 'full', birth_date: '1990-06-15',"
	    " criteria: ['rsa', 'qpv'], barriers: ['logement'],"
	    " status: 'training', adviser: 'Amélie Dupont',"
	    " consent_partners: true}", &c);
	assert_string_equal(c.id, "c-042");
	assert_int_equal(c.sectors,
	    (1u << SECTOR_BATIMENT) | (1u << SECTOR_INDUSTRIE));
	assert_int_equal(c.njobs, 2);
	assert_string_equal(c.jobs[0].rome, "F1701");
	assert_int_equal(c.jobs[0].rome_id, refdata_rome_id(ref, "F1701", 5));
	assert_int_equal(c.jobs[0].months, 24);
	assert_string_equal(c.jobs[1].rome, "H2913");
	assert_int_equal(c.jobs[1].rome_id, refdata_rome_id(ref, "H2913", 5));
	assert_int_equal(c.jobs[1].months, 0);
	assert_int_equal(c.nskills, 3);
	assert_string_equal(c.skills[0], "caces-r489-3");
	assert_string_equal(c.skills[2], "oppbtp");
	/* Stored as given: the closure is the scorer's business. */
	assert_int_equal(c.licences, (1u << LICENCE_CE) | (1u << LICENCE_B));
	assert_int_equal(c.vehicle, 1);
	assert_int_equal(c.level, 3);
	assert_string_equal(c.commune, "59183");
	dk = refdata_commune(ref, "59183", 5);
	assert_non_null(dk);
	assert_true(c.lat == dk->lat && c.lon == dk->lon);
	/* Dunkerque, on the coast near Belgium. */
	assert_true(c.lat > 50.9 && c.lat < 51.2);
	assert_true(c.lon > 2.2 && c.lon < 2.5);
	assert_int_equal(c.radius_km, 30);
	assert_int_equal(c.available_from, date_from_ymd(2025, 3, 1));
	assert_int_equal(c.contracts,
	    (1u << CONTRACT_CDI) | (1u << CONTRACT_INTERIM));
	assert_int_equal(c.working_time, WORKTIME_FULL);
	assert_int_equal(c.birth_date, date_from_ymd(1990, 6, 15));
	assert_int_equal(c.criteria,
	    (1u << CRITERION_RSA) | (1u << CRITERION_QPV));
	assert_int_equal(c.barriers, 1u << BARRIER_LOGEMENT);
	assert_int_equal(c.status, STATUS_TRAINING);
	assert_string_equal(c.adviser, "Amélie Dupont");
	assert_int_equal(c.consent_partners, 1);
}

static void
test_defaults(void **state)
{
	const struct refdata *ref = *state;
	struct candidate c;
	char buf[4096];

	with(buf, sizeof(buf), "jobs: [{rome: 'F1701'}]");
	expect_ok(ref, buf, &c);
	assert_string_equal(c.id, "c-001");
	assert_int_equal(c.sectors, 1u << SECTOR_BATIMENT);
	assert_int_equal(c.njobs, 1);
	assert_int_equal(c.jobs[0].months, 0);
	assert_int_equal(c.nskills, 0);
	assert_int_equal(c.licences, 0);
	assert_int_equal(c.vehicle, 0);
	assert_int_equal(c.level, 0);
	assert_int_equal(c.radius_km, CAND_DEFAULT_RADIUS_KM);
	assert_int_equal(c.available_from, DATE_NONE);
	assert_int_equal(c.contracts, (1u << CONTRACT_COUNT) - 1);
	assert_int_equal(c.working_time, WORKTIME_ANY);
	assert_int_equal(c.birth_date, DATE_NONE);
	assert_int_equal(c.criteria, 0);
	assert_int_equal(c.barriers, 0);
	assert_int_equal(c.status, STATUS_AVAILABLE);
	assert_string_equal(c.adviser, "");
	assert_int_equal(c.consent_partners, 0);

	/* nil is "absent" for every optional field. */
	with(buf, sizeof(buf), "skills: nil, licences: nil, vehicle: nil,"
	    " level: nil, radius_km: nil, available_from: nil,"
	    " contracts: nil, working_time: nil, birth_date: nil,"
	    " criteria: nil, barriers: nil, status: nil, adviser: nil,"
	    " consent_partners: nil, lat: nil, lon: nil");
	expect_ok(ref, buf, &c);
	assert_int_equal(c.radius_km, CAND_DEFAULT_RADIUS_KM);
	assert_int_equal(c.contracts, (1u << CONTRACT_COUNT) - 1);
	assert_int_equal(c.status, STATUS_AVAILABLE);
}

static void
test_location(void **state)
{
	const struct refdata *ref = *state;
	struct candidate c;
	char buf[4096];

	with(buf, sizeof(buf), "commune: nil, lat: 50.63, lon: 3.06");
	expect_ok(ref, buf, &c);
	assert_string_equal(c.commune, "");
	assert_true(c.lat == 50.63 && c.lon == 3.06);

	/* Integers are fine as coordinates. */
	with(buf, sizeof(buf), "commune: nil, lat: 50, lon: 3");
	expect_ok(ref, buf, &c);
	assert_true(c.lat == 50.0 && c.lon == 3.0);

	/* Both: the coordinates win, the commune is kept. */
	with(buf, sizeof(buf), "lat: 51.05, lon: 2.35");
	expect_ok(ref, buf, &c);
	assert_string_equal(c.commune, "59183");
	assert_true(c.lat == 51.05 && c.lon == 2.35);
}

static void
test_limits_ok(void **state)
{
	const struct refdata *ref = *state;
	struct candidate c;
	char buf[8192], frag[4096];
	size_t off;
	int i;

	/* 64-character id. */
	snprintf(frag, sizeof(frag), "id: '%.*s'", RECORD_ID_MAX,
	    "0123456789012345678901234567890123456789012345678901234567890123");
	with(buf, sizeof(buf), frag);
	expect_ok(ref, buf, &c);
	assert_int_equal(strlen(c.id), RECORD_ID_MAX);

	/* 16 jobs, 32 skills of 40 characters. */
	off = (size_t)snprintf(frag, sizeof(frag), "jobs: [");
	for (i = 0; i < CAND_MAX_JOBS; i++)
		off += (size_t)snprintf(frag + off, sizeof(frag) - off,
		    "%s{rome: '%s', months: %d}", i ? ", " : "",
		    ref->rome[i].code, i == 0 ? MONTHS_MAX : i);
	off += (size_t)snprintf(frag + off, sizeof(frag) - off,
	    "], skills: ");
	off = note_list(frag, sizeof(frag), off,
	    "'%02d-abcdefghijklmnopqrstuvwxyz._-01234567'", CAND_MAX_SKILLS);
	snprintf(frag + off, sizeof(frag) - off, ", radius_km: %d, "
	    "level: 8, adviser: '%.*s'", RADIUS_MAX_KM, ADVISER_MAX,
	    "0123456789012345678901234567890123456789012345678901234567890123");
	with(buf, sizeof(buf), frag);
	expect_ok(ref, buf, &c);
	assert_int_equal(c.njobs, CAND_MAX_JOBS);
	assert_int_equal(c.jobs[0].months, MONTHS_MAX);
	assert_int_equal(c.nskills, CAND_MAX_SKILLS);
	assert_int_equal(strlen(c.skills[31]), SKILL_MAX_LEN);
	assert_int_equal(c.radius_km, RADIUS_MAX_KM);
	assert_int_equal(strlen(c.adviser), ADVISER_MAX);
}

/* Each fragment replaces or adds fields of the base candidate. */
static const struct bad_fragment bad[] = {
	{ "id: nil", "id", "required" },
	{ "id: 5", "id", NULL },
	{ "id: ''", "id", NULL },
	{ "id: 'c 1'", "id", NULL },
	{ "id: 'c/1'", "id", NULL },
	{ "id: 'c\xc3\xa9'", "id", NULL },
	{ "id: b'c1'", "id", NULL },
	{ "id: ['c1']", "id", NULL },
	{ "sectors: nil", "sectors", "required" },
	{ "sectors: 'batiment'", "sectors", NULL },
	{ "sectors: {}", "sectors", NULL },
	{ "sectors: []", "sectors", NULL },
	{ "sectors: ['batiment', 'peche']", "sectors[1]", "peche" },
	{ "sectors: ['batiment', 'batiment']", "sectors[1]", "duplicate" },
	{ "sectors: ['Batiment']", "sectors[0]", NULL },
	{ "sectors: [1]", "sectors[0]", NULL },
	{ "sectors: [nil]", "sectors[0]", NULL },
	{ "jobs: nil", "jobs", "required" },
	{ "jobs: []", "jobs", NULL },
	{ "jobs: 'F1701'", "jobs", NULL },
	{ "jobs: {rome: 'F1701'}", "jobs", NULL },
	{ "jobs: ['F1701']", "jobs[0]", "job must be a map" },
	{ "jobs: [{months: 3}]", "jobs[0].rome", "required" },
	{ "jobs: [{rome: nil}]", "jobs[0].rome", "required" },
	{ "jobs: [{rome: 'Z9999'}]", "jobs[0].rome", "Z9999" },
	{ "jobs: [{rome: 'F170'}]", "jobs[0].rome", NULL },
	{ "jobs: [{rome: 'f1701'}]", "jobs[0].rome", NULL },
	{ "jobs: [{rome: 1701}]", "jobs[0].rome", NULL },
	{ "jobs: [{rome: 'F1701', months: -1}]", "jobs[0].months", NULL },
	{ "jobs: [{rome: 'F1701', months: 601}]", "jobs[0].months", NULL },
	{ "jobs: [{rome: 'F1701', months: 1.5}]", "jobs[0].months", NULL },
	{ "jobs: [{rome: 'F1701', months: '3'}]", "jobs[0].months", NULL },
	{ "jobs: [{rome: 'F1701', years: 3}]", "jobs[0].years",
	    "unknown field" },
	{ "jobs: [{rome: 'F1701', rome: 'F1702'}]", "jobs[0].rome",
	    "duplicate field" },
	{ "jobs: [{rome: 'F1701'}, {rome: 'H2913', months: 3},"
	    " {rome: 'F1701'}]", "jobs[2].rome", "duplicate job F1701" },
	{ "jobs: [{rome: 'F1701'}, {1: 2}]", "jobs[1]", NULL },
	{ "skills: 'sst'", "skills", NULL },
	{ "skills: ['sst', 'SST']", "skills[1]", "lower case" },
	{ "skills: ['Caces']", "skills[0]", "lower case" },
	{ "skills: ['caces r489']", "skills[0]", NULL },
	{ "skills: ['']", "skills[0]", NULL },
	{ "skills: ['-sst']", "skills[0]", NULL },
	{ "skills: ['.sst']", "skills[0]", NULL },
	{ "skills: ['s\xc3\xa9']", "skills[0]", NULL },
	{ "skills: ['sst', 'oppbtp', 'sst']", "skills[2]", "duplicate" },
	{ "skills: ['abcdefghijklmnopqrstuvwxyz0123456789abcde']",
	    "skills[0]", NULL },
	{ "skills: [1]", "skills[0]", NULL },
	{ "licences: 'B'", "licences", NULL },
	{ "licences: ['B', 'Z']", "licences[1]", NULL },
	{ "licences: ['b']", "licences[0]", NULL },
	{ "licences: ['B', 'B']", "licences[1]", NULL },
	{ "vehicle: 1", "vehicle", NULL },
	{ "vehicle: 'true'", "vehicle", NULL },
	{ "level: 9", "level", NULL },
	{ "level: -1", "level", NULL },
	{ "level: 3.0", "level", NULL },
	{ "level: '3'", "level", NULL },
	{ "level: 18446744073709551615", "level", NULL },
	{ "commune: nil", "commune", "required" },
	{ "commune: '75056'", "commune", "unknown commune 75056" },
	{ "commune: ''", "commune", NULL },
	{ "commune: '591830'", "commune", NULL },
	{ "commune: 59183", "commune", NULL },
	{ "commune: '75056', lat: 50.6, lon: 3.0", "commune", NULL },
	{ "lat: 50.6", "lon", "required with lat" },
	{ "lon: 3.0", "lat", "required with lon" },
	{ "commune: nil, lat: 50.6", "lon", NULL },
	{ "commune: nil, lat: 50.6, lon: nil", "lon", NULL },
	{ "commune: nil, lat: 91, lon: 3.0", "lat", NULL },
	{ "commune: nil, lat: -90.5, lon: 3.0", "lat", NULL },
	{ "commune: nil, lat: 50.6, lon: 180.5", "lon", NULL },
	{ "commune: nil, lat: '50.6', lon: 3.0", "lat", NULL },
	{ "commune: nil, lat: 50.6, lon: true", "lon", NULL },
	{ "radius_km: 0", "radius_km", NULL },
	{ "radius_km: 301", "radius_km", NULL },
	{ "radius_km: -5", "radius_km", NULL },
	{ "radius_km: 15.5", "radius_km", NULL },
	{ "available_from: '2024-02-30'", "available_from", "2024-02-30" },
	{ "available_from: '2024-2-03'", "available_from", NULL },
	{ "available_from: '03/02/2024'", "available_from", NULL },
	{ "available_from: 20240203", "available_from", NULL },
	{ "contracts: []", "contracts", NULL },
	{ "contracts: 'cdi'", "contracts", NULL },
	{ "contracts: ['cdi', 'freelance']", "contracts[1]", NULL },
	{ "working_time: 'half'", "working_time", NULL },
	{ "working_time: ['full']", "working_time", NULL },
	{ "birth_date: '1899-12-31'", "birth_date", NULL },
	{ "birth_date: '2023-02-29'", "birth_date", NULL },
	{ "birth_date: 0", "birth_date", NULL },
	{ "criteria: ['rsa', 'xyz']", "criteria[1]", NULL },
	{ "criteria: {rsa: true}", "criteria", NULL },
	{ "barriers: ['sante', 'sante']", "barriers[1]", NULL },
	{ "barriers: [true]", "barriers[0]", NULL },
	{ "status: 'retired'", "status", NULL },
	{ "status: 1", "status", NULL },
	{ "adviser: 7", "adviser", NULL },
	{ "adviser: '\xff'", "adviser", "UTF-8" },
	{ "adviser: '\xc3'", "adviser", "UTF-8" },
	{ "adviser: '\xed\xa0\x80'", "adviser", "UTF-8" },
	{ "adviser: '\xc0\xaf'", "adviser", "UTF-8" },
	{ "adviser: '0123456789012345678901234567890123456789"
	    "0123456789012345678901234'", "adviser", "0 to 64 bytes" },
	{ "consent_partners: 'yes'", "consent_partners", NULL },
	{ "consent_partners: 0", "consent_partners", NULL },
	{ "updated_on: '2026-13-01'", "updated_on", NULL },
	{ "updated_on: 20261201", "updated_on", NULL },
	{ "foo: 1", "foo", "unknown field" },
	{ "Id: 'c-1'", "Id", "unknown field" },
	{ "open_referrals: 0", "open_referrals", "unknown field" },
	{ "1: 2", "", "keys must be strings" },
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
	char buf[8192], frag[4096];
	size_t off;
	int i;

	/* Whole inputs of the wrong shape. */
	expect_err(ref, "[1, 2]", "", "candidate must be a map");
	expect_err(ref, "'c-001'", "", "candidate must be a map");
	expect_err(ref, "nil", "", "candidate must be a map");
	expect_err(ref, "{}", "id", "required");
	expect_err(ref, "{id: 'c1', id: 'c2', sectors: ['batiment'],"
	    " jobs: [{rome: 'F1701'}], commune: '59183'}", "id",
	    "duplicate field");
	/* An unknown field is named even when it comes first. */
	expect_err(ref, "{zzz: 1, id: 'c-1'}", "zzz", "unknown field");

	snprintf(frag, sizeof(frag), "id: '%.*s'", RECORD_ID_MAX + 1,
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "4");
	expect_with_err(ref, frag, "id", NULL);

	off = (size_t)snprintf(frag, sizeof(frag), "jobs: [");
	for (i = 0; i < CAND_MAX_JOBS + 1; i++)
		off += (size_t)snprintf(frag + off, sizeof(frag) - off,
		    "%s{rome: '%s'}", i ? ", " : "", ref->rome[i].code);
	snprintf(frag + off, sizeof(frag) - off, "]");
	expect_with_err(ref, frag, "jobs", NULL);

	off = (size_t)snprintf(frag, sizeof(frag), "skills: ");
	note_list(frag, sizeof(frag), off, "'skill-%d'", CAND_MAX_SKILLS + 1);
	expect_with_err(ref, frag, "skills", "at most 32");

	/* Decoding without a report still refuses. */
	with(buf, sizeof(buf), "level: 9");
	{
		struct note n;
		struct candidate c;

		assert_int_equal(candidate_decode(note_parse(&n, buf), ref,
		    &c, NULL), -1);
		note_free(&n);
	}
	assert_int_equal(candidate_decode(NULL, ref, &(struct candidate){0},
	    &(struct field_error){{0}, {0}}), -1);
}

/*
 * Every value type in every field, at the top and inside a job: decoding
 * may accept or refuse, but must report a field when it refuses (and the
 * sanitizers watch for anything worse).
 */
static void
test_any_type(void **state)
{
	char frag[256];
	size_t i, j;

	for (i = 0; i < NOTE_NFIELDS; i++)
		for (j = 0; j < NOTE_NANY; j++) {
			snprintf(frag, sizeof(frag), "%s: %s", fields[i],
			    any_values[j]);
			expect_any_value(*state, frag, "", 1);
			snprintf(frag, sizeof(frag),
			    "jobs: [{rome: %s}, {rome: 'F1701', months: %s}]",
			    any_values[j], any_values[j]);
			expect_any_value(*state, frag, "jobs[", 0);
		}
}

static void
test_round_trip(void **state)
{
	const struct refdata *ref = *state;
	char buf[4096];

	round_trip(ref, "{id: 'c-042', sectors: ['hotellerie', 'tertiaire',"
	    " 'batiment', 'industrie'],"
	    " jobs: [{rome: 'F1701', months: 24}, {rome: 'G1602', months: 0}],"
	    " skills: ['caces-r489-3', 'sst'], licences: ['CE', 'AM'],"
	    " vehicle: true, level: 4, commune: '59183', radius_km: 300,"
	    " available_from: '2199-12-31', contracts: ['saisonnier', 'cdi'],"
	    " working_time: 'part', birth_date: '1900-01-01',"
	    " criteria: ['senior', 'rsa', 'jeune_peu_qualifie'],"
	    " barriers: ['mobilite', 'garde_enfants', 'logement', 'sante'],"
	    " status: 'paused', adviser: 'Amélie', consent_partners: true}");
	with(buf, sizeof(buf), "radius_km: 1");
	round_trip(ref, buf);
	with(buf, sizeof(buf), "commune: nil, lat: 50.123456789012345,"
	    " lon: -0.000001");
	round_trip(ref, buf);
	with(buf, sizeof(buf), "lat: 50.5, lon: 2.5");
	round_trip(ref, buf);
}

/* The canonical map of a minimal candidate, field by field. */
static void
test_canonical(void **state)
{
	struct candidate c;
	struct note n;
	const msgpack_object *m;

	expect_with_ok(*state, "jobs: [{rome: 'F1701'}]", &c);
	m = canonical_map(&n, &c);
	assert_true(mp_str_eq(mp_map_get(m, "id"), "c-001"));
	assert_int_equal(mp_map_get(m, "jobs")->via.array.ptr[0]
	    .via.map.size, 2);
	assert_int_equal(mp_map_get(mp_map_get(m, "jobs")->via.array.ptr,
	    "months")->via.u64, 0);
	assert_int_equal(mp_map_get(m, "skills")->via.array.size, 0);
	assert_int_equal(mp_map_get(m, "vehicle")->type,
	    MSGPACK_OBJECT_BOOLEAN);
	assert_true(mp_str_eq(mp_map_get(m, "commune"), "59183"));
	assert_int_equal(mp_map_get(m, "lat")->type, MSGPACK_OBJECT_FLOAT64);
	assert_int_equal(mp_map_get(m, "radius_km")->via.u64,
	    CAND_DEFAULT_RADIUS_KM);
	assert_int_equal(mp_map_get(m, "available_from")->type,
	    MSGPACK_OBJECT_NIL);
	assert_int_equal(mp_map_get(m, "contracts")->via.array.size,
	    CONTRACT_COUNT);
	assert_true(mp_str_eq(mp_map_get(m, "working_time"), "any"));
	assert_int_equal(mp_map_get(m, "birth_date")->type,
	    MSGPACK_OBJECT_NIL);
	assert_true(mp_str_eq(mp_map_get(m, "status"), "available"));
	assert_int_equal(mp_map_get(m, "adviser")->type, MSGPACK_OBJECT_NIL);
	note_free(&n);

	expect_with_ok(*state, "commune: nil, lat: 50.6, lon: 3.1,"
	    " birth_date: '2001-02-03'", &c);
	m = canonical_map(&n, &c);
	assert_int_equal(mp_map_get(m, "commune")->type, MSGPACK_OBJECT_NIL);
	assert_true(mp_str_eq(mp_map_get(m, "birth_date"), "2001-02-03"));
	note_free(&n);
}

/*
 * The identity of candidate.put: its keys are accepted beside the
 * record's and given apart; the record is the one without them, and its
 * canonical map never holds them.
 */
static void
test_with_identity(void **state)
{
	const struct refdata *ref = *state;
	struct candidate plain, c;
	struct identity id;
	struct field_error err;
	struct note n;
	const msgpack_object *m;
	char buf[4096];
	int f;

	expect_with_ok(ref, "adviser: 'Mme Conseillère'", &plain);
	with(buf, sizeof(buf), "adviser: 'Mme Conseillère',"
	    " first_name: 'Amélie', last_name: 'Dupont',"
	    " phone: '06 12 34 56 78', email: 'amelie.dupont@example.fr'");
	assert_int_equal(candidate_decode_with_identity(note_parse(&n, buf),
	    ref, &c, &id, &err), 1);
	note_free(&n);
	assert_memory_equal(&c, &plain, sizeof(c));
	assert_string_equal(id.first_name, "Amélie");
	assert_string_equal(id.last_name, "Dupont");
	assert_string_equal(id.phone, "06 12 34 56 78");
	assert_string_equal(id.email, "amelie.dupont@example.fr");
	m = canonical_map(&n, &c);
	for (f = 0; f < IDENTITY_COUNT; f++)
		assert_null(mp_map_get(m, identity_field_name(f)));
	assert_int_equal(m->via.map.size, NOTE_NFIELDS);
	note_free(&n);

	/* No identity key: 0; named as nil: 1, to remove it. */
	with(buf, sizeof(buf), "adviser: 'Mme Conseillère'");
	assert_int_equal(candidate_decode_with_identity(note_parse(&n, buf),
	    ref, &c, &id, &err), 0);
	note_free(&n);
	assert_true(identity_is_empty(&id));
	with(buf, sizeof(buf), "phone: nil");
	assert_int_equal(candidate_decode_with_identity(note_parse(&n, buf),
	    ref, &c, &id, &err), 1);
	note_free(&n);
	assert_true(identity_is_empty(&id));

	/* A bad value names its field; the record's errors come first. */
	with(buf, sizeof(buf), "email: 'amelie.dupont'");
	assert_int_equal(candidate_decode_with_identity(note_parse(&n, buf),
	    ref, &c, &id, &err), -1);
	note_free(&n);
	assert_string_equal(err.field, "email");
	assert_null(strstr(err.message, "amelie"));
	with(buf, sizeof(buf), "level: 9, phone: 'x'");
	assert_int_equal(candidate_decode_with_identity(note_parse(&n, buf),
	    ref, &c, &id, &err), -1);
	note_free(&n);
	assert_string_equal(err.field, "level");
	with(buf, sizeof(buf), "first_name: 'A', first_name: 'B'");
	assert_int_equal(candidate_decode_with_identity(note_parse(&n, buf),
	    ref, &c, &id, &err), -1);
	note_free(&n);
	assert_string_equal(err.field, "first_name");
	assert_non_null(strstr(err.message, "duplicate"));

	/* The stored record's decoder knows no identity. */
	expect_with_err(ref, "first_name: 'Amélie'", "first_name",
	    "unknown field");
	expect_with_err(ref, "email: nil", "email", "unknown field");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_id),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_location),
		cmocka_unit_test(test_limits_ok),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_errors_built),
		cmocka_unit_test(test_any_type),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_with_identity),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
