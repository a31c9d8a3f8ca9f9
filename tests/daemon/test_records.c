/*
 * Tests for records.c, the Redis layout of docs/REDIS.md: the key names
 * (the candidate bucket hash is recomputed here independently), every
 * command filler checked argument by argument, the packed records
 * decoded back with the core's decoders.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "../lib/mpnote.h"

#include "candidate.h"
#include "clause.h"
#include "domain.h"
#include "offer.h"
#include "records.h"
#include "redis_cmd.h"
#include "refdata.h"
#include "referral.h"

/* FNV-1a, 32 bits, written from the published definition. */
static uint32_t
fnv1a32(const char *s)
{
	uint32_t h = 0x811c9dc5u;

	for (; *s != '\0'; s++) {
		h ^= (uint8_t)*s;
		h *= 0x01000193u;
	}
	return h;
}

static void
test_fnv1a_reference_vectors(void **state)
{
	(void)state;
	/* From the FNV reference test suite. */
	assert_int_equal(fnv1a32(""), 0x811c9dc5u);
	assert_int_equal(fnv1a32("a"), 0xe40c292cu);
	assert_int_equal(fnv1a32("foobar"), 0xbf9cf968u);
}

#define expect_key(len, buf, want) do {					\
	assert_string_equal((buf), (want));				\
	assert_int_equal((len), strlen(want));				\
} while (0)

static void
test_key_formats(void **state)
{
	char buf[RECORDS_KEY_MAX];
	int n;

	(void)state;
	n = records_key_meta(buf, "matcherd");
	expect_key(n, buf, "matcherd:meta");
	n = records_key_offer_sectors(buf, "matcherd");
	expect_key(n, buf, "matcherd:offers");
	n = records_key_sector_offers(buf, "matcherd", "batiment");
	expect_key(n, buf, "matcherd:{batiment}:offers");
	n = records_key_offer(buf, "matcherd", "batiment", "o1");
	expect_key(n, buf, "matcherd:{batiment}:offer:o1");
	n = records_key_referrals(buf, "matcherd", "batiment", "o1");
	expect_key(n, buf, "matcherd:{batiment}:ref:o1");
	n = records_key_referral_history(buf, "matcherd", "batiment", "o1");
	expect_key(n, buf, "matcherd:{batiment}:refhist:o1");
	n = records_key_offer(buf, "p", "hotellerie", "a.b:c-d_e");
	expect_key(n, buf, "p:{hotellerie}:offer:a.b:c-d_e");
	/* Clause operations, and the hires under the offer's sector tag. */
	n = records_key_clause_ops(buf, "matcherd");
	expect_key(n, buf, "matcherd:clause:ops");
	n = records_key_clause_hires(buf, "matcherd", "batiment");
	expect_key(n, buf, "matcherd:{batiment}:clause:hires");
}

static void
test_key_candidate_buckets(void **state)
{
	static const char *const ids[] = { "c1", "c-00042", "a", "o1",
	    "x", "candidate.with:every-char_9", "Z" };
	char buf[RECORDS_KEY_MAX], want[RECORDS_KEY_MAX];
	size_t i;
	int n;

	(void)state;
	/* Worked by hand: FNV-1a("c-00042") = 0xac9439b9. */
	n = records_key_cand_bucket(buf, "matcherd", "c-00042");
	expect_key(n, buf, "matcherd:cand:{cb9}");
	n = records_key_cand_bucket(buf, "matcherd", "c1");	/* 0x8829dfd9 */
	expect_key(n, buf, "matcherd:cand:{cd9}");
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(want, sizeof(want), "matcherd:cand:{c%02x}",
		    (unsigned)(fnv1a32(ids[i]) & 0xff));
		n = records_key_cand_bucket(buf, "matcherd", ids[i]);
		expect_key(n, buf, want);
	}
	/* Buckets by number: two lower-case hex digits, modulo 256. */
	n = records_key_cand_bucket_n(buf, "matcherd", 0);
	expect_key(n, buf, "matcherd:cand:{c00}");
	n = records_key_cand_bucket_n(buf, "matcherd", 10);
	expect_key(n, buf, "matcherd:cand:{c0a}");
	n = records_key_cand_bucket_n(buf, "matcherd", 0xab);
	expect_key(n, buf, "matcherd:cand:{cab}");
	n = records_key_cand_bucket_n(buf, "matcherd", 255);
	expect_key(n, buf, "matcherd:cand:{cff}");
	n = records_key_cand_bucket_n(buf, "matcherd", 256);
	expect_key(n, buf, "matcherd:cand:{c00}");
	assert_int_equal(RECORDS_CAND_BUCKETS, 256);
}

static void
test_longest_keys_fit(void **state)
{
	char prefix[64], id[RECORD_ID_MAX + 1], buf[RECORDS_KEY_MAX];
	int n;

	(void)state;
	memset(prefix, 'p', 63);
	prefix[63] = '\0';
	memset(id, 'i', RECORD_ID_MAX);
	id[RECORD_ID_MAX] = '\0';
	n = records_key_referral_history(buf, prefix, "hotellerie", id);
	assert_true(n > 0 && n < RECORDS_KEY_MAX);
	assert_int_equal(strlen(buf), n);
	n = records_key_offer(buf, prefix, "hotellerie", id);
	assert_int_equal(strlen(buf), n);
	n = records_key_cand_bucket(buf, prefix, id);
	assert_int_equal(strlen(buf), n);
	assert_int_equal(n, 63 + strlen(":cand:{c00}"));
}

/* ------------------------------------------------------------------ */
/* Records, built with the core's decoders from msgpack maps          */

static struct refdata *ref;

static int
setup(void **state)
{
	char msg[256];

	(void)state;
	if ((ref = refdata_load(MATCHERD_DATADIR, msg, sizeof(msg))) == NULL) {
		fprintf(stderr, "refdata_load: %s\n", msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	refdata_free(ref);
	return 0;
}

static const char cand_text[] = "{id: 'c-00042',"
    " sectors: ['batiment', 'industrie'],"
    " jobs: [{rome: 'F1701', months: 24}, {rome: 'H2913'}],"
    " skills: ['caces-r489-3', 'sst'], licences: ['B'], vehicle: true,"
    " level: 3, commune: '59183', radius_km: 30,"
    " adviser: 'Amélie Dupont', consent_partners: true}";
static const char offer_text[] = "{id: 'o-001', source: 'pole_emploi',"
    " title: 'Coffreur bancheur H/F', rome: 'F1701', commune: '59183',"
    " contract: 'cdi'}";
/* G1602, personnel de cuisine: a hotellerie offer. */
static const char offer_hotel_text[] = "{id: 'o-cuisine.7',"
    " source: 'pole_emploi', title: 'Commis de cuisine', rome: 'G1602',"
    " commune: '59183', contract: 'cdd', duration_months: 6}";
static const char op_text[] = "{id: 'op-1', name: 'Voirie du Grand Large',"
    " authority: 'Communauté urbaine de Dunkerque', start: '2026-01-01',"
    " end: '2026-12-31', criteria: ['rsa', 'qpv'],"
    " contractors: [{id: 'bouygues-tp', name: 'Bouygues TP',"
    " hours_total: 20000, hours_committed: 1000},"
    " {id: 'eiffage', name: 'Eiffage', hours_committed: 300}]}";
static const char hire_text[] = "{operation: 'op-1',"
    " contractor: 'bouygues-tp', offer: 'o-001', candidate: 'c-00042',"
    " hours: 1607, criteria: ['rsa', 'jeune_peu_qualifie'],"
    " hired_at: 1764403200}";

static void
make_candidate(struct candidate *c, const char *text)
{
	struct field_error err;
	struct note n;

	if (candidate_decode(note_parse(&n, text), ref, c, &err) != 0)
		fail_msg("candidate refused: %s: %s", err.field, err.message);
	note_free(&n);
}

static void
make_offer(struct offer *o, const char *text)
{
	struct field_error err;
	struct note n;

	if (offer_decode(note_parse(&n, text), ref, o, &err) != 0)
		fail_msg("offer refused: %s: %s", err.field, err.message);
	note_free(&n);
}

static void
make_op(struct clause_op *op, const char *text)
{
	struct field_error err;
	struct note n;

	if (clause_op_decode(note_parse(&n, text), op, &err) != 0)
		fail_msg("operation refused: %s: %s", err.field, err.message);
	note_free(&n);
}

static void
make_hire(struct clause_hire *h, const char *text)
{
	struct field_error err;
	struct note n;

	if (clause_hire_decode(note_parse(&n, text), h, &err) != 0)
		fail_msg("hire refused: %s: %s", err.field, err.message);
	note_free(&n);
}

/* ------------------------------------------------------------------ */
/* Command fillers                                                    */

#define ARGS(...)	((const char *const[]){ __VA_ARGS__ })
/* Every argument of c, byte for byte; NULL: checked by the caller. */
#define expect_cmd(c, ...)						\
	expect_cmd_n((c), ARGS(__VA_ARGS__),				\
	    sizeof(ARGS(__VA_ARGS__)) / sizeof(const char *))

static void
expect_cmd_n(struct redis_cmd *c, const char *const *want, size_t n)
{
	size_t i;

	assert_int_equal(redis_cmd_argv(c), n);
	for (i = 0; i < n; i++) {
		if (want[i] == NULL)
			continue;
		if (c->lens[i] != strlen(want[i]) ||
		    memcmp(c->argv[i], want[i], c->lens[i]) != 0)
			fail_msg("argument %zu is \"%.*s\", want \"%s\"", i,
			    (int)c->lens[i], c->argv[i], want[i]);
	}
}

/* Argument i of c unpacked into u: one whole msgpack object. */
static const msgpack_object *
unpack_arg(const struct redis_cmd *c, int i, msgpack_unpacked *u)
{
	size_t off = 0;

	msgpack_unpacked_init(u);
	assert_int_equal(msgpack_unpack_next(u, c->argv[i], c->lens[i], &off),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(off, c->lens[i]);
	return &u->data;
}

/* Argument i of c is what the canonical packer p makes of r. */
#define expect_packed_as(c, i, p, r) do {				\
	msgpack_sbuffer sb_;						\
	msgpack_packer pk_;						\
									\
	msgpack_sbuffer_init(&sb_);					\
	msgpack_packer_init(&pk_, &sb_, msgpack_sbuffer_write);		\
	p((r), &pk_);							\
	assert_int_equal((c)->lens[i], sb_.size);			\
	assert_memory_equal((c)->argv[i], sb_.data, sb_.size);		\
	msgpack_sbuffer_destroy(&sb_);					\
} while (0)

static void
test_meta_schema(void **state)
{
	struct redis_cmd c;

	(void)state;
	records_meta_schema(&c, "matcherd");
	expect_cmd(&c, "HSET", "matcherd:meta", "schema", "1");
	redis_cmd_free(&c);
	records_meta_schema(&c, "staging");
	expect_cmd(&c, "HSET", "staging:meta", "schema", "1");
	redis_cmd_free(&c);
}

static void
test_candidate_put(void **state)
{
	struct candidate cand, back;
	struct field_error err;
	struct redis_cmd c;
	msgpack_unpacked u;
	const msgpack_object *m;

	(void)state;
	make_candidate(&cand, cand_text);
	records_candidate_put(&c, "matcherd", &cand);
	/* FNV-1a("c-00042") = 0xac9439b9: bucket b9. */
	expect_cmd(&c, "HSET", "matcherd:cand:{cb9}", "c-00042", NULL);
	expect_packed_as(&c, 3, candidate_pack, &cand);
	m = unpack_arg(&c, 3, &u);
	assert_int_equal(m->type, MSGPACK_OBJECT_MAP);
	assert_true(mp_str_eq(mp_map_get(m, "id"), "c-00042"));
	assert_true(mp_str_eq(mp_map_get(m, "adviser"), "Amélie Dupont"));
	if (candidate_decode(m, ref, &back, &err) != 0)
		fail_msg("stored candidate refused: %s: %s", err.field,
		    err.message);
	assert_memory_equal(&back, &cand, sizeof(cand));
	msgpack_unpacked_destroy(&u);
	redis_cmd_free(&c);

	/* Another prefix, another id and bucket. */
	make_candidate(&cand, "{id: 'c1', sectors: ['tertiaire'],"
	    " jobs: [{rome: 'K2204'}], commune: '59183'}");
	records_candidate_put(&c, "p", &cand);
	expect_cmd(&c, "HSET", "p:cand:{cd9}", "c1", NULL);
	expect_packed_as(&c, 3, candidate_pack, &cand);
	redis_cmd_free(&c);
}

static void
test_candidate_get_delete_scan(void **state)
{
	struct redis_cmd c;

	(void)state;
	records_candidate_get(&c, "matcherd", "c-00042");
	expect_cmd(&c, "HGET", "matcherd:cand:{cb9}", "c-00042");
	redis_cmd_free(&c);
	records_candidate_delete(&c, "matcherd", "c-00042");
	expect_cmd(&c, "HDEL", "matcherd:cand:{cb9}", "c-00042");
	redis_cmd_free(&c);
	records_candidate_get(&c, "matcherd", "c1");
	expect_cmd(&c, "HGET", "matcherd:cand:{cd9}", "c1");
	redis_cmd_free(&c);

	records_candidate_scan(&c, "matcherd", 0, "0");
	expect_cmd(&c, "HSCAN", "matcherd:cand:{c00}", "0", "COUNT", "2000");
	redis_cmd_free(&c);
	records_candidate_scan(&c, "matcherd", 0xb9, "18446744073709551615");
	expect_cmd(&c, "HSCAN", "matcherd:cand:{cb9}",
	    "18446744073709551615", "COUNT", "2000");
	redis_cmd_free(&c);
	records_candidate_scan(&c, "p", 255, "7");
	expect_cmd(&c, "HSCAN", "p:cand:{cff}", "7", "COUNT", "2000");
	redis_cmd_free(&c);
}

static void
test_offer_close(void **state)
{
	struct redis_cmd c;
	struct offer o;

	(void)state;
	make_offer(&o, offer_text);
	assert_int_equal(o.sector, SECTOR_BATIMENT);
	records_offer_close(&c, "matcherd", &o, "filled", 1764403200);
	expect_cmd(&c, "HSET", "matcherd:{batiment}:offer:o-001",
	    "status", "closed", "closed_reason", "filled",
	    "updated_at", "1764403200");
	redis_cmd_free(&c);

	make_offer(&o, offer_hotel_text);
	assert_int_equal(o.sector, SECTOR_HOTELLERIE);
	records_offer_close(&c, "p", &o, "pourvue par l'employeur", 0);
	expect_cmd(&c, "HSET", "p:{hotellerie}:offer:o-cuisine.7",
	    "status", "closed", "closed_reason", "pourvue par l'employeur",
	    "updated_at", "0");
	redis_cmd_free(&c);
}

/* The wire names of the sectors, in the order of enum sector. */
static const char *const sector_names[SECTOR_COUNT] = { "industrie",
    "batiment", "tertiaire", "hotellerie" };

static void
test_offer_reads(void **state)
{
	char key[RECORDS_KEY_MAX];
	struct redis_cmd c;
	int s;

	(void)state;
	assert_int_equal(SECTOR_COUNT, 4);
	for (s = 0; s < SECTOR_COUNT; s++) {
		records_offer_ids(&c, "matcherd", s);
		snprintf(key, sizeof(key), "matcherd:{%s}:offers",
		    sector_names[s]);
		expect_cmd(&c, "ZRANGE", key, "0", "-1");
		redis_cmd_free(&c);

		records_offer_hash(&c, "matcherd", s, "o-2025:42");
		snprintf(key, sizeof(key), "matcherd:{%s}:offer:o-2025:42",
		    sector_names[s]);
		expect_cmd(&c, "HGETALL", key);
		redis_cmd_free(&c);

		records_offer_referrals(&c, "matcherd", s, "o-2025:42");
		snprintf(key, sizeof(key), "matcherd:{%s}:ref:o-2025:42",
		    sector_names[s]);
		expect_cmd(&c, "HGETALL", key);
		redis_cmd_free(&c);
	}
}

/* The real script of referral.update. */
static char script[8192];

static void
load_script(void)
{
	if (script[0] == '\0')
		assert_true(referral_lua_script(script, sizeof(script)) > 0);
}

static void
test_referral_move(void **state)
{
	struct redis_cmd c;
	struct offer o;

	(void)state;
	load_script();
	make_offer(&o, offer_text);
	records_referral_move(&c, "matcherd", script, &o, "c-00042",
	    REFERRAL_VALIDATED, 1764403200, "vu en entretien", NULL);
	/* Three keys under the offer's sector tag: one Cluster slot. */
	expect_cmd(&c, "EVAL", script, "3",
	    "matcherd:{batiment}:ref:o-001",
	    "matcherd:{batiment}:refhist:o-001",
	    "matcherd:{batiment}:clause:hires",
	    "c-00042", "validated", "1764403200", "vu en entretien", "", "");
	/* The script is long: borrowed, not copied. */
	assert_ptr_equal(c.argv[1], script);
	redis_cmd_free(&c);

	/* Every status by its wire name, an empty note. */
	make_offer(&o, offer_hotel_text);
	records_referral_move(&c, "p", script, &o, "c1",
	    REFERRAL_NOT_RETAINED, 1, "", NULL);
	expect_cmd(&c, "EVAL", script, "3",
	    "p:{hotellerie}:ref:o-cuisine.7",
	    "p:{hotellerie}:refhist:o-cuisine.7",
	    "p:{hotellerie}:clause:hires",
	    "c1", "not_retained", "1", "", "", "");
	redis_cmd_free(&c);
}

static void
test_referral_move_hire(void **state)
{
	char note[REFERRAL_NOTE_MAX + 1];
	struct clause_hire hire, back;
	struct field_error err;
	struct redis_cmd c;
	msgpack_unpacked u;
	const msgpack_object *m;
	struct offer o;

	(void)state;
	load_script();
	make_offer(&o, offer_text);
	make_hire(&hire, hire_text);
	/* The longest note: the command's buffer grows past inline. */
	memset(note, 'n', REFERRAL_NOTE_MAX);
	note[REFERRAL_NOTE_MAX] = '\0';
	records_referral_move(&c, "matcherd", script, &o, "c-00042",
	    REFERRAL_HIRED, 1764403200, note, &hire);
	assert_true(c.buf != c.inline_buf);
	expect_cmd(&c, "EVAL", script, "3",
	    "matcherd:{batiment}:ref:o-001",
	    "matcherd:{batiment}:refhist:o-001",
	    "matcherd:{batiment}:clause:hires",
	    "c-00042", "hired", "1764403200", note, "o-001\tc-00042", NULL);
	expect_packed_as(&c, 11, clause_hire_pack, &hire);
	m = unpack_arg(&c, 11, &u);
	assert_int_equal(m->type, MSGPACK_OBJECT_MAP);
	assert_true(mp_str_eq(mp_map_get(m, "operation"), "op-1"));
	if (clause_hire_decode(m, &back, &err) != 0)
		fail_msg("stored hire refused: %s: %s", err.field,
		    err.message);
	assert_memory_equal(&back, &hire, sizeof(hire));
	msgpack_unpacked_destroy(&u);
	redis_cmd_free(&c);

	/* A hire without contractor packs it as nil, and decodes back. */
	make_hire(&hire, "{operation: 'op-1', contractor: nil,"
	    " offer: 'o-001', candidate: 'c-7', hours: 0, hired_at: 0}");
	records_referral_move(&c, "matcherd", script, &o, "c-7",
	    REFERRAL_HIRED, 5, "", &hire);
	expect_cmd(&c, "EVAL", script, "3",
	    "matcherd:{batiment}:ref:o-001",
	    "matcherd:{batiment}:refhist:o-001",
	    "matcherd:{batiment}:clause:hires",
	    "c-7", "hired", "5", "", "o-001\tc-7", NULL);
	m = unpack_arg(&c, 11, &u);
	assert_int_equal(mp_map_get(m, "contractor")->type, MSGPACK_OBJECT_NIL);
	assert_int_equal(clause_hire_decode(m, &back, &err), 0);
	assert_memory_equal(&back, &hire, sizeof(hire));
	msgpack_unpacked_destroy(&u);
	redis_cmd_free(&c);
}

static void
test_dup_commands(void **state)
{
	struct redis_cmd c;

	(void)state;
	records_dup_merged_forget(&c, "matcherd", "o-77");
	expect_cmd(&c, "HDEL", "matcherd:dup:merged", "o-77");
	redis_cmd_free(&c);
	records_dup_merged_read(&c, "matcherd");
	expect_cmd(&c, "HGETALL", "matcherd:dup:merged");
	redis_cmd_free(&c);
	records_dup_pairs_read(&c, "matcherd");
	expect_cmd(&c, "HGETALL", "matcherd:dup:pairs");
	redis_cmd_free(&c);
	records_dup_pairs_read(&c, "p");
	expect_cmd(&c, "HGETALL", "p:dup:pairs");
	redis_cmd_free(&c);
}

static void
test_clause_commands(void **state)
{
	struct clause_op op, back;
	struct field_error err;
	struct redis_cmd c;
	msgpack_unpacked u;
	const msgpack_object *m;

	(void)state;
	make_op(&op, op_text);
	assert_int_equal(op.ncontractors, 2);
	records_clause_op_put(&c, "matcherd", &op);
	expect_cmd(&c, "HSET", "matcherd:clause:ops", "op-1", NULL);
	expect_packed_as(&c, 3, clause_op_pack, &op);
	m = unpack_arg(&c, 3, &u);
	assert_int_equal(m->type, MSGPACK_OBJECT_MAP);
	assert_true(mp_str_eq(mp_map_get(m, "id"), "op-1"));
	if (clause_op_decode(m, &back, &err) != 0)
		fail_msg("stored operation refused: %s: %s", err.field,
		    err.message);
	assert_memory_equal(&back, &op, sizeof(op));
	msgpack_unpacked_destroy(&u);
	redis_cmd_free(&c);

	records_clause_ops_scan(&c, "matcherd", "0");
	expect_cmd(&c, "HSCAN", "matcherd:clause:ops", "0", "COUNT", "2000");
	redis_cmd_free(&c);
	records_clause_ops_scan(&c, "p", "1234");
	expect_cmd(&c, "HSCAN", "p:clause:ops", "1234", "COUNT", "2000");
	redis_cmd_free(&c);
	records_clause_hires_scan(&c, "matcherd", SECTOR_BATIMENT, "0");
	expect_cmd(&c, "HSCAN", "matcherd:{batiment}:clause:hires", "0",
	    "COUNT", "2000");
	redis_cmd_free(&c);
	records_clause_hires_scan(&c, "matcherd", SECTOR_HOTELLERIE, "99");
	expect_cmd(&c, "HSCAN", "matcherd:{hotellerie}:clause:hires", "99",
	    "COUNT", "2000");
	redis_cmd_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		/* Keys */
		cmocka_unit_test(test_fnv1a_reference_vectors),
		cmocka_unit_test(test_key_formats),
		cmocka_unit_test(test_key_candidate_buckets),
		cmocka_unit_test(test_longest_keys_fit),
		/* Command fillers */
		cmocka_unit_test(test_meta_schema),
		cmocka_unit_test(test_candidate_put),
		cmocka_unit_test(test_candidate_get_delete_scan),
		cmocka_unit_test(test_offer_close),
		cmocka_unit_test(test_offer_reads),
		cmocka_unit_test(test_referral_move),
		cmocka_unit_test(test_referral_move_hire),
		cmocka_unit_test(test_dup_commands),
		cmocka_unit_test(test_clause_commands),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
