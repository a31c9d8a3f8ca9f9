/*
 * Tests for records.c, the Redis layout of docs/REDIS.md: the key names
 * (the candidate bucket hash is recomputed here independently), every
 * command filler checked argument by argument, the packed records
 * decoded back with the core's decoders, and the decoders of replies fed
 * real redisReply trees, parsed by hiredis's reader from RESP bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <msgpack.h>

#include "../lib/mpnote.h"

#include "candidate.h"
#include "clause.h"
#include "domain.h"
#include "offer.h"
#include "records.h"
#include "redis_cmd.h"
#include "refdata.h"
#include "records_rgpd.h"
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

/* A move's command, as referral.update and the sweep build it. */
static void
move(struct redis_cmd *c, const char *prefix, const struct offer *o,
    const char *cand, int to, int64_t now, const char *note,
    const struct clause_hire *hire, long long deadline_ms, const char *user,
    const char *expect)
{
	struct records_move m = { cand, to, now, note, user, expect, hire,
	    deadline_ms };

	records_referral_move(c, prefix, script, o, &m);
}

static void
test_referral_move(void **state)
{
	struct redis_cmd c;
	struct offer o;

	(void)state;
	load_script();
	make_offer(&o, offer_text);
	move(&c, "matcherd", &o, "c-00042", REFERRAL_VALIDATED, 1764403200,
	    "vu en entretien", NULL, 0, "adv-nord", NULL);
	/* Three keys under the offer's sector tag: one Cluster slot. */
	expect_cmd(&c, "EVAL", script, "3",
	    "matcherd:{batiment}:ref:o-001",
	    "matcherd:{batiment}:refhist:o-001",
	    "matcherd:{batiment}:clause:hires",
	    "c-00042", "validated", "1764403200", "vu en entretien", "", "", "",
	    "adv-nord", "");
	/* The script is long: borrowed, not copied. */
	assert_ptr_equal(c.argv[1], script);
	redis_cmd_free(&c);

	/* Every status by its wire name, an empty note. */
	make_offer(&o, offer_hotel_text);
	/* The sweep's: by matcherd, only from the value it saw. */
	move(&c, "p", &o, "c1", REFERRAL_NOT_RETAINED, 1, "", NULL,
	    1764403200123LL, "matcherd", "sent:1764403100");
	expect_cmd(&c, "EVAL", script, "3",
	    "p:{hotellerie}:ref:o-cuisine.7",
	    "p:{hotellerie}:refhist:o-cuisine.7",
	    "p:{hotellerie}:clause:hires",
	    "c1", "not_retained", "1", "", "", "", "1764403200123", "matcherd",
	    "sent:1764403100");
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
	move(&c, "matcherd", &o, "c-00042", REFERRAL_HIRED, 1764403200, note,
	    &hire, 0, "", NULL);
	assert_true(c.buf != c.inline_buf);
	expect_cmd(&c, "EVAL", script, "3",
	    "matcherd:{batiment}:ref:o-001",
	    "matcherd:{batiment}:refhist:o-001",
	    "matcherd:{batiment}:clause:hires",
	    "c-00042", "hired", "1764403200", note, "o-001\tc-00042", NULL, "",
	    "", "");
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
	move(&c, "matcherd", &o, "c-7", REFERRAL_HIRED, 5, "", &hire, 0, "",
	    NULL);
	expect_cmd(&c, "EVAL", script, "3",
	    "matcherd:{batiment}:ref:o-001",
	    "matcherd:{batiment}:refhist:o-001",
	    "matcherd:{batiment}:clause:hires",
	    "c-7", "hired", "5", "", "o-001\tc-7", NULL, "", "", "");
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

/* ------------------------------------------------------------------ */
/* Replies: RESP bytes parsed by hiredis's reader                     */

struct resp {
	char	 buf[16384];
	size_t	 len;
};

static void
resp_raw(struct resp *r, const void *p, size_t len)
{
	assert_true(r->len + len <= sizeof(r->buf));
	memcpy(r->buf + r->len, p, len);
	r->len += len;
}

static void
resp_array(struct resp *r, int n)
{
	char head[32];

	resp_raw(r, head, (size_t)snprintf(head, sizeof(head), "*%d\r\n", n));
}

static void
resp_bulk(struct resp *r, const void *p, size_t len)
{
	char head[32];

	resp_raw(r, head, (size_t)snprintf(head, sizeof(head), "$%zu\r\n",
	    len));
	resp_raw(r, p, len);
	resp_raw(r, "\r\n", 2);
}

static void
resp_str(struct resp *r, const char *s)
{
	resp_bulk(r, s, strlen(s));
}

/* A bulk string of the msgpack bytes of text (mpnote.h notation). */
static void
resp_note(struct resp *r, const char *text)
{
	struct note n;

	(void)note_parse(&n, text);
	resp_bulk(r, n.sb.data, n.sb.size);
	note_free(&n);
}

/* A bulk string of the canonical packing of a record. */
#define resp_packed(r, p, rec) do {					\
	msgpack_sbuffer sb_;						\
	msgpack_packer pk_;						\
									\
	msgpack_sbuffer_init(&sb_);					\
	msgpack_packer_init(&pk_, &sb_, msgpack_sbuffer_write);		\
	p((rec), &pk_);							\
	resp_bulk((r), sb_.data, sb_.size);				\
	msgpack_sbuffer_destroy(&sb_);					\
} while (0)

/* The one reply that the len bytes of p make. */
static redisReply *
reply_of(const char *p, size_t len)
{
	redisReader *rd;
	void *reply = NULL, *more = NULL;

	assert_non_null(rd = redisReaderCreate());
	assert_int_equal(redisReaderFeed(rd, p, len), REDIS_OK);
	assert_int_equal(redisReaderGetReply(rd, &reply), REDIS_OK);
	assert_non_null(reply);
	/* Nothing left over: the bytes were one whole reply. */
	assert_int_equal(redisReaderGetReply(rd, &more), REDIS_OK);
	assert_null(more);
	redisReaderFree(rd);
	return reply;
}

#define REPLY(lit)	reply_of((lit), sizeof(lit) - 1)

static redisReply *
reply_resp(const struct resp *r)
{
	return reply_of(r->buf, r->len);
}

static void
test_reader(void **state)
{
	redisReply *r;

	(void)state;
	/* What the tests below build on: hiredis's own reply types. */
	r = REPLY("*3\r\n$4\r\ndata\r\n:7\r\n$-1\r\n");
	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	assert_int_equal(r->elements, 3);
	assert_int_equal(r->element[0]->type, REDIS_REPLY_STRING);
	assert_int_equal(r->element[0]->len, 4);
	assert_string_equal(r->element[0]->str, "data");
	assert_int_equal(r->element[1]->type, REDIS_REPLY_INTEGER);
	assert_int_equal(r->element[1]->integer, 7);
	assert_int_equal(r->element[2]->type, REDIS_REPLY_NIL);
	freeReplyObject(r);
	r = REPLY("$3\r\na\0b\r\n");
	assert_int_equal(r->type, REDIS_REPLY_STRING);
	assert_int_equal(r->len, 3);
	assert_memory_equal(r->str, "a\0b", 3);
	freeReplyObject(r);
}

static void
test_count(void **state)
{
	redisReply *r;

	(void)state;
	assert_int_equal(records_count(NULL), -1);
	r = REPLY(":3\r\n");
	assert_int_equal(records_count(r), 3);
	freeReplyObject(r);
	r = REPLY(":0\r\n");
	assert_int_equal(records_count(r), 0);
	freeReplyObject(r);
	r = REPLY(":9223372036854775807\r\n");
	assert_true(records_count(r) == 9223372036854775807LL);
	freeReplyObject(r);
	r = REPLY("$1\r\n3\r\n");
	assert_int_equal(records_count(r), -1);
	freeReplyObject(r);
	r = REPLY("+OK\r\n");
	assert_int_equal(records_count(r), -1);
	freeReplyObject(r);
	r = REPLY("$-1\r\n");
	assert_int_equal(records_count(r), -1);
	freeReplyObject(r);
	r = REPLY("-WRONGTYPE Operation against a key holding the wrong kind"
	    " of value\r\n");
	assert_int_equal(records_count(r), -1);
	freeReplyObject(r);
	r = REPLY("*1\r\n:1\r\n");
	assert_int_equal(records_count(r), -1);
	freeReplyObject(r);
}

static void
test_candidate_created(void **state)
{
	redisReply *r;

	(void)state;
	assert_int_equal(records_candidate_created(NULL), -1);
	r = REPLY(":1\r\n");
	assert_int_equal(records_candidate_created(r), 1);
	freeReplyObject(r);
	r = REPLY(":0\r\n");
	assert_int_equal(records_candidate_created(r), 0);
	freeReplyObject(r);
	r = REPLY("-ERR\r\n");
	assert_int_equal(records_candidate_created(r), -1);
	freeReplyObject(r);
	r = REPLY("+QUEUED\r\n");
	assert_int_equal(records_candidate_created(r), -1);
	freeReplyObject(r);
}

static void
test_candidate_unpack(void **state)
{
	struct candidate cand, back;
	struct field_error err;
	msgpack_zone zone;
	msgpack_object obj;
	struct resp b;
	redisReply *r;

	(void)state;
	msgpack_zone_init(&zone, 2048);
	/* No such candidate. */
	assert_int_equal(records_candidate_unpack(NULL, &zone, &obj), 0);
	r = REPLY("$-1\r\n");
	assert_int_equal(records_candidate_unpack(r, &zone, &obj), 0);
	freeReplyObject(r);

	/* The stored map, as candidate.put wrote it. */
	make_candidate(&cand, cand_text);
	b.len = 0;
	resp_packed(&b, candidate_pack, &cand);
	r = reply_resp(&b);
	assert_int_equal(records_candidate_unpack(r, &zone, &obj), 1);
	assert_int_equal(obj.type, MSGPACK_OBJECT_MAP);
	assert_true(mp_str_eq(mp_map_get(&obj, "id"), "c-00042"));
	assert_int_equal(candidate_decode(&obj, ref, &back, &err), 0);
	assert_memory_equal(&back, &cand, sizeof(cand));
	freeReplyObject(r);

	/* Any map will do: checking it is the caller's business. */
	b.len = 0;
	resp_note(&b, "{x: 1}");
	r = reply_resp(&b);
	assert_int_equal(records_candidate_unpack(r, &zone, &obj), 1);
	freeReplyObject(r);

	/* Not a map: garbage, another type, trailing bytes, empty. */
	r = REPLY("$3\r\n\xc1\xc1\xc1\r\n");
	assert_int_equal(records_candidate_unpack(r, &zone, &obj), -1);
	freeReplyObject(r);
	r = REPLY("$7\r\nnot-map\r\n");
	assert_int_equal(records_candidate_unpack(r, &zone, &obj), -1);
	freeReplyObject(r);
	b.len = 0;
	resp_note(&b, "['c-00042']");
	r = reply_resp(&b);
	assert_int_equal(records_candidate_unpack(r, &zone, &obj), -1);
	freeReplyObject(r);
	/* {} then one more byte. */
	r = REPLY("$2\r\n\x80\xc0\r\n");
	assert_int_equal(records_candidate_unpack(r, &zone, &obj), -1);
	freeReplyObject(r);
	/* A map cut short. */
	r = REPLY("$3\r\n\x81\xa1x\r\n");
	assert_int_equal(records_candidate_unpack(r, &zone, &obj), -1);
	freeReplyObject(r);
	r = REPLY("$0\r\n\r\n");
	assert_int_equal(records_candidate_unpack(r, &zone, &obj), -1);
	freeReplyObject(r);
	r = REPLY(":1\r\n");
	assert_int_equal(records_candidate_unpack(r, &zone, &obj), -1);
	freeReplyObject(r);
	r = REPLY("-ERR\r\n");
	assert_int_equal(records_candidate_unpack(r, &zone, &obj), -1);
	freeReplyObject(r);
	msgpack_zone_destroy(&zone);
}

/*
 * An HSCAN page of fields and values as the reply of one array: element
 * 2i is field i, 2i + 1 its value.
 */
static void
test_candidate_decode(void **state)
{
	char why[RECORDS_WHY_MAX], want[RECORDS_WHY_MAX];
	struct candidate cand, got;
	struct field_error err;
	struct note n;
	struct resp b;
	redisReply *r;

	(void)state;
	make_candidate(&cand, cand_text);
	b.len = 0;
	resp_array(&b, 14);
	/* 0, 1: good. */
	resp_str(&b, "c-00042");
	resp_packed(&b, candidate_pack, &cand);
	/* 2, 3: the field is another id. */
	resp_str(&b, "c-00043");
	resp_packed(&b, candidate_pack, &cand);
	/* 4, 5: the field is not a record id. */
	resp_str(&b, "c 00042");
	resp_packed(&b, candidate_pack, &cand);
	/* 6, 7: not msgpack. */
	resp_str(&b, "c-00042");
	resp_str(&b, "\xc1garbage");
	/* 8, 9: a level out of bounds. */
	resp_str(&b, "c-9");
	resp_note(&b, "{id: 'c-9', sectors: ['batiment'],"
	    " jobs: [{rome: 'F1701'}], commune: '59183', level: 99}");
	/* 10, 11: an unknown ROME code, deeper in the record. */
	resp_str(&b, "c-9");
	resp_note(&b, "{id: 'c-9', sectors: ['batiment'],"
	    " jobs: [{rome: 'F1701'}, {rome: 'Z9999'}], commune: '59183'}");
	/* 12, 13: the field is not a string. */
	resp_raw(&b, ":42\r\n", 5);
	resp_packed(&b, candidate_pack, &cand);
	r = reply_resp(&b);

	memset(&got, 0, sizeof(got));
	if (records_candidate_decode(r->element[0], r->element[1], ref, &got,
	    why) != 0)
		fail_msg("refused: %s", why);
	assert_memory_equal(&got, &cand, sizeof(cand));

	assert_int_equal(records_candidate_decode(r->element[2],
	    r->element[3], ref, &got, why), -1);
	assert_string_equal(why, "record id is c-00042");
	assert_int_equal(records_candidate_decode(r->element[4],
	    r->element[5], ref, &got, why), -1);
	assert_string_equal(why, "not a record id");
	assert_int_equal(records_candidate_decode(r->element[6],
	    r->element[7], ref, &got, why), -1);
	assert_string_equal(why, "not a msgpack record");

	/* The decoder's own error, with the bad field named first. */
	assert_int_equal(records_candidate_decode(r->element[8],
	    r->element[9], ref, &got, why), -1);
	assert_int_equal(candidate_decode(note_parse(&n, "{id: 'c-9',"
	    " sectors: ['batiment'], jobs: [{rome: 'F1701'}],"
	    " commune: '59183', level: 99}"), ref, &got, &err), -1);
	note_free(&n);
	assert_string_equal(err.field, "level");
	snprintf(want, sizeof(want), "level: %s", err.message);
	assert_string_equal(why, want);
	assert_int_equal(records_candidate_decode(r->element[10],
	    r->element[11], ref, &got, why), -1);
	assert_true(strncmp(why, "jobs[1].rome: ", 14) == 0);
	assert_int_equal(records_candidate_decode(r->element[12],
	    r->element[13], ref, &got, why), -1);
	assert_string_equal(why, "not a record id");
	freeReplyObject(r);

	/* A nil value (the field went between HSCAN pages). */
	r = REPLY("*2\r\n$7\r\nc-00042\r\n$-1\r\n");
	assert_int_equal(records_candidate_decode(r->element[0],
	    r->element[1], ref, &got, why), -1);
	assert_string_equal(why, "not a msgpack record");
	freeReplyObject(r);
}

/* The HGETALL of an offer with the fields of docs/REDIS.md. */
static redisReply *
offer_hash(const struct offer *o, const char *status, const char *reason)
{
	struct resp b;

	b.len = 0;
	resp_array(&b, reason != NULL ? 12 : 10);
	/* Redis gives a hash's fields in no set order. */
	resp_str(&b, "status");
	resp_str(&b, status);
	resp_str(&b, "data");
	resp_packed(&b, offer_pack, o);
	resp_str(&b, "created_at");
	resp_str(&b, "1764403200");
	resp_str(&b, "updated_at");
	resp_str(&b, "1764489600");
	if (reason != NULL) {
		resp_str(&b, "closed_reason");
		resp_str(&b, reason);
	}
	resp_str(&b, "result");
	resp_note(&b, "{offer: 'o-001', suggestions: []}");
	return reply_resp(&b);
}

static void
test_offer_parse(void **state)
{
	struct records_offer ro;
	struct offer o;
	msgpack_zone zone;
	msgpack_object obj;
	redisReply *h;
	size_t off;

	(void)state;
	make_offer(&o, offer_text);
	h = offer_hash(&o, "open", NULL);
	assert_int_equal(records_offer_parse(h, &ro), 0);
	assert_ptr_equal(ro.data, h->element[3]);
	assert_ptr_equal(ro.result, h->element[9]);
	assert_int_equal(ro.closed, 0);
	assert_true(ro.created_at == 1764403200);
	assert_null(ro.closed_reason);
	assert_int_equal(ro.closed_reason_len, 0);
	/* The result is the stored map, untouched. */
	msgpack_zone_init(&zone, 256);
	off = 0;
	assert_int_equal(msgpack_unpack(ro.result->str, ro.result->len, &off,
	    &zone, &obj), MSGPACK_UNPACK_SUCCESS);
	assert_true(mp_str_eq(mp_map_get(&obj, "offer"), "o-001"));
	msgpack_zone_destroy(&zone);
	freeReplyObject(h);

	h = offer_hash(&o, "closed", "pourvue");
	assert_int_equal(records_offer_parse(h, &ro), 0);
	assert_non_null(ro.data);
	assert_int_equal(ro.closed, 1);
	assert_true(ro.created_at == 1764403200);
	assert_non_null(ro.closed_reason);
	assert_int_equal(ro.closed_reason_len, 7);
	assert_memory_equal(ro.closed_reason, "pourvue", 7);
	freeReplyObject(h);

	/* Only "closed" is closed. */
	h = offer_hash(&o, "CLOSED", "");
	assert_int_equal(records_offer_parse(h, &ro), 0);
	assert_int_equal(ro.closed, 0);
	/* An empty reason is none. */
	assert_null(ro.closed_reason);
	freeReplyObject(h);

	/* Fields missing or empty: none of them is made up. */
	h = REPLY("*4\r\n$6\r\nstatus\r\n$6\r\nclosed\r\n"
	    "$4\r\ndata\r\n$0\r\n\r\n");
	assert_int_equal(records_offer_parse(h, &ro), 0);
	assert_null(ro.data);
	assert_null(ro.result);
	assert_int_equal(ro.closed, 1);
	assert_true(ro.created_at == 0);
	assert_null(ro.closed_reason);
	freeReplyObject(h);

	/* No such hash: HGETALL of a missing key is empty. */
	memset(&ro, 0xa5, sizeof(ro));
	h = REPLY("*0\r\n");
	assert_int_equal(records_offer_parse(h, &ro), -1);
	assert_null(ro.data);
	assert_null(ro.result);
	assert_int_equal(ro.closed, 0);
	freeReplyObject(h);
	assert_int_equal(records_offer_parse(NULL, &ro), -1);
	h = REPLY("$-1\r\n");
	assert_int_equal(records_offer_parse(h, &ro), -1);
	freeReplyObject(h);
	h = REPLY("-WRONGTYPE Operation against a key holding the wrong kind"
	    " of value\r\n");
	assert_int_equal(records_offer_parse(h, &ro), -1);
	freeReplyObject(h);
}

static void
test_offer_decode(void **state)
{
	char why[RECORDS_WHY_MAX];
	struct records_offer ro;
	struct offer o, got;
	struct resp b;
	redisReply *h;

	(void)state;
	make_offer(&o, offer_hotel_text);
	h = offer_hash(&o, "open", NULL);
	assert_int_equal(records_offer_parse(h, &ro), 0);
	memset(&got, 0, sizeof(got));
	if (records_offer_decode(&ro, "o-cuisine.7", ref, &got, why) != 0)
		fail_msg("refused: %s", why);
	assert_memory_equal(&got, &o, sizeof(o));
	assert_int_equal(got.sector, SECTOR_HOTELLERIE);
	/* The hash of another offer. */
	assert_int_equal(records_offer_decode(&ro, "o-001", ref, &got, why),
	    -1);
	assert_string_equal(why, "stored offer does not decode");
	freeReplyObject(h);

	/* No data field. */
	h = REPLY("*2\r\n$6\r\nstatus\r\n$4\r\nopen\r\n");
	assert_int_equal(records_offer_parse(h, &ro), 0);
	assert_int_equal(records_offer_decode(&ro, "o-001", ref, &got, why),
	    -1);
	assert_string_equal(why, "no data field");
	freeReplyObject(h);

	/* Garbage bytes, trailing bytes, a map that is not an offer. */
	h = REPLY("*2\r\n$4\r\ndata\r\n$4\r\n\xc1\x00\xff\x01\r\n");
	assert_int_equal(records_offer_parse(h, &ro), 0);
	assert_non_null(ro.data);
	assert_int_equal(records_offer_decode(&ro, "o-001", ref, &got, why),
	    -1);
	assert_string_equal(why, "stored offer does not decode");
	freeReplyObject(h);
	b.len = 0;
	resp_array(&b, 2);
	resp_str(&b, "data");
	{
		msgpack_sbuffer sb;
		msgpack_packer pk;

		msgpack_sbuffer_init(&sb);
		msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
		offer_pack(&o, &pk);
		msgpack_pack_nil(&pk);
		resp_bulk(&b, sb.data, sb.size);
		msgpack_sbuffer_destroy(&sb);
	}
	h = reply_resp(&b);
	assert_int_equal(records_offer_parse(h, &ro), 0);
	assert_int_equal(records_offer_decode(&ro, "o-cuisine.7", ref, &got,
	    why), -1);
	assert_string_equal(why, "stored offer does not decode");
	freeReplyObject(h);
	b.len = 0;
	resp_array(&b, 2);
	resp_str(&b, "data");
	resp_note(&b, "{id: 'o-001', source: 'pole_emploi'}");
	h = reply_resp(&b);
	assert_int_equal(records_offer_parse(h, &ro), 0);
	assert_int_equal(records_offer_decode(&ro, "o-001", ref, &got, why),
	    -1);
	assert_string_equal(why, "stored offer does not decode");
	freeReplyObject(h);
}

static void
test_referral_decode(void **state)
{
	static const char *const names[REFERRAL_COUNT] = { "suggested",
	    "validated", "sent", "interview", "hired", "not_retained",
	    "withdrawn" };
	char value[RECORD_ID_MAX + 2];
	struct resp b;
	redisReply *r;
	int64_t at;
	int i, status;

	(void)state;
	/* An HGETALL of P:{S}:ref:ID: candidate id, "status:unix-time". */
	r = REPLY("*4\r\n$7\r\nc-00042\r\n$20\r\nvalidated:1764403200\r\n"
	    "$2\r\nc1\r\n$11\r\nsuggested:0\r\n");
	status = -1;
	at = -1;
	assert_int_equal(records_referral_decode(r->element[0], r->element[1],
	    &status, &at), 0);
	assert_int_equal(status, REFERRAL_VALIDATED);
	assert_true(at == 1764403200);
	assert_int_equal(records_referral_decode(r->element[2], r->element[3],
	    &status, &at), 0);
	assert_int_equal(status, REFERRAL_SUGGESTED);
	assert_true(at == 0);
	freeReplyObject(r);

	/* Every status by its wire name. */
	for (i = 0; i < REFERRAL_COUNT; i++) {
		snprintf(value, sizeof(value), "%s:%d", names[i], 1000 + i);
		b.len = 0;
		resp_array(&b, 2);
		resp_str(&b, "c.a:b_9-Z");
		resp_str(&b, value);
		r = reply_resp(&b);
		assert_int_equal(records_referral_decode(r->element[0],
		    r->element[1], &status, &at), 0);
		assert_int_equal(status, i);
		assert_true(at == 1000 + i);
		freeReplyObject(r);
	}

	r = REPLY("*16\r\n"
	    /* 0, 1: no colon */
	    "$2\r\nc1\r\n$9\r\nvalidated\r\n"
	    /* 2, 3: unknown status */
	    "$2\r\nc1\r\n$10\r\naccepted:1\r\n"
	    /* 4, 5: a status of another case, one cut short, none */
	    "$2\r\nc1\r\n$11\r\nValidated:1\r\n"
	    "$2\r\nc1\r\n$6\r\nvalid:\r\n"
	    "$2\r\nc1\r\n$2\r\n:1\r\n"
	    /* 10, 11: the candidate id has a space */
	    "$3\r\nc 1\r\n$11\r\nvalidated:1\r\n"
	    /* 12, 13: empty candidate id */
	    "$0\r\n\r\n$11\r\nvalidated:1\r\n"
	    /* 14, 15: the value is an integer */
	    "$2\r\nc1\r\n:1\r\n");
	for (i = 0; i < 16; i += 2)
		if (records_referral_decode(r->element[i], r->element[i + 1],
		    &status, &at) != -1)
			fail_msg("accepted %s = %s", r->element[i]->str,
			    r->element[i + 1]->type == REDIS_REPLY_STRING ?
			    r->element[i + 1]->str : "(integer)");
	freeReplyObject(r);

	/* A candidate id one byte over RECORD_ID_MAX, and the longest. */
	b.len = 0;
	resp_array(&b, 4);
	memset(value, 'c', RECORD_ID_MAX + 1);
	resp_bulk(&b, value, RECORD_ID_MAX + 1);
	resp_str(&b, "sent:5");
	resp_bulk(&b, value, RECORD_ID_MAX);
	resp_str(&b, "sent:5");
	r = reply_resp(&b);
	assert_int_equal(records_referral_decode(r->element[0], r->element[1],
	    &status, &at), -1);
	assert_int_equal(records_referral_decode(r->element[2], r->element[3],
	    &status, &at), 0);
	assert_int_equal(status, REFERRAL_SENT);
	freeReplyObject(r);
}

/*
 * A value with no time or a garbled one is refused (the rebuild logs it
 * and skips it), not read as updated_at 0 or as the digits in front.
 */
static void
test_referral_decode_bad_time(void **state)
{
	redisReply *r;
	int64_t at;
	int i, status;

	(void)state;
	r = REPLY("*8\r\n"
	    "$2\r\nc1\r\n$10\r\nvalidated:\r\n"
	    "$2\r\nc1\r\n$14\r\nvalidated:soon\r\n"
	    "$2\r\nc1\r\n$13\r\nvalidated:12x\r\n"
	    "$2\r\nc1\r\n$12\r\nvalidated: 1\r\n");
	for (i = 0; i < 8; i += 2)
		if (records_referral_decode(r->element[i], r->element[i + 1],
		    &status, &at) != -1)
			fail_msg("accepted %s: at %lld", r->element[i + 1]->str,
			    (long long)at);
	freeReplyObject(r);
}

static void
test_referral_moved(void **state)
{
	static const char *const bad[] = {
		"$-1\r\n",
		":1\r\n",
		"+OK\r\n",
		"-ERR Error running script\r\n",
		"*0\r\n",
		"*1\r\n:1\r\n",
		"*3\r\n:1\r\n$9\r\nsuggested\r\n$0\r\n\r\n",
		"*2\r\n$1\r\n1\r\n$9\r\nsuggested\r\n",
		"*2\r\n:1\r\n:0\r\n",
		"*2\r\n:1\r\n$-1\r\n",
		"*2\r\n$9\r\nsuggested\r\n:1\r\n",
		"*2\r\n*1\r\n:1\r\n$4\r\nsent\r\n",
	};
	redisReply *r;
	size_t i;
	int from;

	(void)state;
	/* The script's three answers: moved, refused, no referral. */
	r = REPLY("*2\r\n:1\r\n$9\r\nsuggested\r\n");
	from = -5;
	assert_int_equal(records_referral_moved(r, &from), 1);
	assert_int_equal(from, REFERRAL_SUGGESTED);
	freeReplyObject(r);
	r = REPLY("*2\r\n:1\r\n$9\r\ninterview\r\n");
	assert_int_equal(records_referral_moved(r, &from), 1);
	assert_int_equal(from, REFERRAL_INTERVIEW);
	freeReplyObject(r);
	r = REPLY("*2\r\n:0\r\n$5\r\nhired\r\n");
	assert_int_equal(records_referral_moved(r, &from), 0);
	assert_int_equal(from, REFERRAL_HIRED);
	freeReplyObject(r);
	/* Refused because the stored status is not one: from is none. */
	r = REPLY("*2\r\n:0\r\n$0\r\n\r\n");
	assert_int_equal(records_referral_moved(r, &from), 0);
	assert_int_equal(from, -1);
	freeReplyObject(r);
	r = REPLY("*2\r\n:-1\r\n$0\r\n\r\n");
	assert_int_equal(records_referral_moved(r, &from), -1);
	assert_int_equal(from, -1);
	freeReplyObject(r);

	/* Anything else is not the script's. */
	assert_int_equal(records_referral_moved(NULL, &from), -2);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = reply_of(bad[i], strlen(bad[i]));
		if (records_referral_moved(r, &from) != -2)
			fail_msg("reply %zu taken for the script's", i);
		freeReplyObject(r);
	}
}

/*
 * The script only answers {1, from} and {0, from} with from a status (or
 * "" when refused) and {-1, ""}: any other integer, one past 32 bits, or
 * a move from no status is not the script's reply (-2).
 */
static void
test_referral_moved_values(void **state)
{
	static const char *const bad[] = {
		"*2\r\n:2\r\n$4\r\nsent\r\n",
		"*2\r\n:-2\r\n$4\r\nsent\r\n",
		"*2\r\n:4294967297\r\n$4\r\nsent\r\n",
		"*2\r\n:1\r\n$5\r\nbogus\r\n",
		"*2\r\n:1\r\n$0\r\n\r\n",
	};
	redisReply *r;
	size_t i;
	int from;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = reply_of(bad[i], strlen(bad[i]));
		if (records_referral_moved(r, &from) != -2)
			fail_msg("reply %zu taken for the script's", i);
		freeReplyObject(r);
	}
}

static void
test_clause_op_decode(void **state)
{
	char why[RECORDS_WHY_MAX];
	struct clause_op op, got;
	struct resp b;
	redisReply *r;

	(void)state;
	make_op(&op, op_text);
	b.len = 0;
	resp_array(&b, 12);
	resp_str(&b, "op-1");
	resp_packed(&b, clause_op_pack, &op);
	resp_str(&b, "op-2");
	resp_packed(&b, clause_op_pack, &op);
	resp_str(&b, "op/1");
	resp_packed(&b, clause_op_pack, &op);
	resp_str(&b, "op-1");
	resp_str(&b, "\x81");
	resp_str(&b, "op-1");
	resp_note(&b, "{id: 'op-1', name: 'Voirie', authority: 'CUD',"
	    " start: '2026-01-01', end: '2026-12-31', hours_committed: 10,"
	    " contractors: [{id: 'a', name: ''}]}");
	resp_str(&b, "op-1");
	resp_note(&b, "{id: 'op-1', name: 'Voirie', authority: 'CUD',"
	    " start: '2026-13-01', end: '2026-12-31', hours_committed: 10}");
	r = reply_resp(&b);

	memset(&got, 0, sizeof(got));
	if (records_clause_op_decode(r->element[0], r->element[1], &got,
	    why) != 0)
		fail_msg("refused: %s", why);
	assert_memory_equal(&got, &op, sizeof(op));
	assert_int_equal(records_clause_op_decode(r->element[2],
	    r->element[3], &got, why), -1);
	assert_string_equal(why, "record id is op-1");
	assert_int_equal(records_clause_op_decode(r->element[4],
	    r->element[5], &got, why), -1);
	assert_string_equal(why, "not a record id");
	assert_int_equal(records_clause_op_decode(r->element[6],
	    r->element[7], &got, why), -1);
	assert_string_equal(why, "not a msgpack record");
	/* The decoder's error, its field first. */
	assert_int_equal(records_clause_op_decode(r->element[8],
	    r->element[9], &got, why), -1);
	assert_true(strncmp(why, "contractors", 11) == 0);
	assert_int_equal(records_clause_op_decode(r->element[10],
	    r->element[11], &got, why), -1);
	assert_true(strncmp(why, "start: ", 7) == 0);
	freeReplyObject(r);
}

static void
test_clause_hire_decode(void **state)
{
	char why[RECORDS_WHY_MAX];
	struct clause_hire hire, got;
	struct resp b;
	redisReply *r;

	(void)state;
	make_hire(&hire, hire_text);
	b.len = 0;
	resp_array(&b, 14);
	/* 0, 1: good, field "offer\tcandidate". */
	resp_str(&b, "o-001\tc-00042");
	resp_packed(&b, clause_hire_pack, &hire);
	/* 2, 3: the field of another hire of the offer. */
	resp_str(&b, "o-001\tc-00043");
	resp_packed(&b, clause_hire_pack, &hire);
	/* 4, 5: the field is a prefix of the right one. */
	resp_str(&b, "o-001\tc-0004");
	resp_packed(&b, clause_hire_pack, &hire);
	/* 6, 7: the two ids the other way round. */
	resp_str(&b, "c-00042\to-001");
	resp_packed(&b, clause_hire_pack, &hire);
	/* 8, 9: not msgpack. */
	resp_str(&b, "o-001\tc-00042");
	resp_str(&b, "\xc1");
	/* 10, 11: a bad hours. */
	resp_str(&b, "o-001\tc-00042");
	resp_note(&b, "{operation: 'op-1', offer: 'o-001',"
	    " candidate: 'c-00042', hours: -1, hired_at: 1}");
	/* 12, 13: the field is not a string. */
	resp_raw(&b, ":1\r\n", 4);
	resp_packed(&b, clause_hire_pack, &hire);
	r = reply_resp(&b);

	memset(&got, 0, sizeof(got));
	if (records_clause_hire_decode(r->element[0], r->element[1], &got,
	    why) != 0)
		fail_msg("refused: %s", why);
	assert_memory_equal(&got, &hire, sizeof(hire));
	assert_int_equal(records_clause_hire_decode(r->element[2],
	    r->element[3], &got, why), -1);
	assert_string_equal(why, "the record is the hire o-001\tc-00042");
	assert_int_equal(records_clause_hire_decode(r->element[4],
	    r->element[5], &got, why), -1);
	assert_string_equal(why, "the record is the hire o-001\tc-00042");
	assert_int_equal(records_clause_hire_decode(r->element[6],
	    r->element[7], &got, why), -1);
	assert_string_equal(why, "the record is the hire o-001\tc-00042");
	assert_int_equal(records_clause_hire_decode(r->element[8],
	    r->element[9], &got, why), -1);
	assert_string_equal(why, "not a msgpack record");
	assert_int_equal(records_clause_hire_decode(r->element[10],
	    r->element[11], &got, why), -1);
	assert_true(strncmp(why, "hours: ", 7) == 0);
	assert_int_equal(records_clause_hire_decode(r->element[12],
	    r->element[13], &got, why), -1);
	assert_string_equal(why, "not a msgpack record");
	freeReplyObject(r);
}

static void
test_dup_pair_decode(void **state)
{
	char longid[RECORD_ID_MAX + 16];
	struct records_pair p;
	msgpack_unpacked u;
	struct resp b;
	redisReply *r;
	size_t i;

	(void)state;
	/* An HGETALL of P:dup:pairs: "offer other" -> the packed pair. */
	b.len = 0;
	resp_array(&b, 8);
	resp_str(&b, "o-1 o-2");
	resp_note(&b, "{offer: 'o-1', other: 'o-2',"
	    " why: 'même employeur, même titre', at: 1764403200}");
	/* Without why; the ids missing or not strings: "?". */
	resp_str(&b, "o-3 o-4");
	resp_note(&b, "{other: 7, at: 0}");
	/* An id too long for a record id. */
	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	resp_str(&b, "x o-9");
	{
		char text[256];

		snprintf(text, sizeof(text), "{offer: '%s', other: 'o-9',"
		    " why: 3, at: 12}", longid);
		resp_note(&b, text);
	}
	resp_str(&b, "o-5 o-6");
	resp_note(&b, "{at: -12, why: ''}");
	r = reply_resp(&b);

	msgpack_unpacked_init(&u);
	assert_int_equal(records_dup_pair_decode(r->element[1], &u, &p), 0);
	assert_string_equal(p.offer, "o-1");
	assert_string_equal(p.other, "o-2");
	assert_non_null(p.why);
	assert_int_equal(p.whylen, strlen("même employeur, même titre"));
	assert_memory_equal(p.why, "même employeur, même titre", p.whylen);
	assert_true(p.at == 1764403200);

	assert_int_equal(records_dup_pair_decode(r->element[3], &u, &p), 0);
	assert_string_equal(p.offer, "?");
	assert_string_equal(p.other, "?");
	assert_null(p.why);
	assert_int_equal(p.whylen, 0);
	assert_true(p.at == 0);

	assert_int_equal(records_dup_pair_decode(r->element[5], &u, &p), 0);
	assert_string_equal(p.offer, "?");
	assert_string_equal(p.other, "o-9");
	assert_null(p.why);
	assert_true(p.at == 12);

	assert_int_equal(records_dup_pair_decode(r->element[7], &u, &p), 0);
	assert_non_null(p.why);
	assert_int_equal(p.whylen, 0);
	assert_true(p.at == -12);
	freeReplyObject(r);

	/* Refused: no at, at not an integer, not a map, not msgpack. */
	b.len = 0;
	resp_array(&b, 6);
	resp_note(&b, "{offer: 'o-1', other: 'o-2', why: 'x'}");
	resp_note(&b, "{offer: 'o-1', other: 'o-2', at: '1764403200'}");
	resp_note(&b, "{offer: 'o-1', other: 'o-2', at: 1.5}");
	resp_note(&b, "['o-1', 'o-2', 'x', 1]");
	resp_str(&b, "\xc1");
	resp_raw(&b, ":1\r\n", 4);
	r = reply_resp(&b);
	for (i = 0; i < r->elements; i++) {
		memset(&p, 0x5a, sizeof(p));
		if (records_dup_pair_decode(r->element[i], &u, &p) != -1)
			fail_msg("value %zu accepted", i);
		/* Nothing left from before. */
		assert_null(p.why);
	}
	freeReplyObject(r);
	msgpack_unpacked_destroy(&u);
}

/* ------------------------------------------------------------------ */
/* Identities: P:ident:{cXX}, beside the candidates' records          */

static const char ident_text[] = "{first_name: 'Amélie',"
    " last_name: 'Dupont', phone: '06 12 34 56 78',"
    " email: 'amelie.dupont@example.fr'}";

static void
make_ident(struct identity *id, const char *text)
{
	struct field_error err;
	struct note n;

	if (identity_decode(note_parse(&n, text), id, &err) != 1)
		fail_msg("identity refused: %s: %s", err.field, err.message);
	note_free(&n);
}

/* 1 if the len bytes at p hold the string s. */
static int
bytes_hold(const char *p, size_t len, const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, s, n) == 0)
			return 1;
	return 0;
}

static void
test_ident_keys(void **state)
{
	static const char *const ids[] = { "c1", "c-00042", "a", "x",
	    "candidate.with:every-char_9", "Z" };
	char buf[RECORDS_KEY_MAX], cand[RECORDS_KEY_MAX];
	char prefix[64], id[RECORD_ID_MAX + 1];
	size_t i;
	int n;

	(void)state;
	n = records_key_ident_bucket(buf, "matcherd", "c-00042");
	expect_key(n, buf, "matcherd:ident:{cb9}");
	n = records_key_ident_bucket(buf, "p", "c1");
	expect_key(n, buf, "p:ident:{cd9}");
	/* The record's hash tag, so both keys live in one slot. */
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		records_key_ident_bucket(buf, "matcherd", ids[i]);
		records_key_cand_bucket(cand, "matcherd", ids[i]);
		assert_string_equal(strchr(buf, '{'), strchr(cand, '{'));
		assert_int_equal(strncmp(buf, "matcherd:ident:", 15), 0);
	}
	memset(prefix, 'p', 63);
	prefix[63] = '\0';
	memset(id, 'i', RECORD_ID_MAX);
	id[RECORD_ID_MAX] = '\0';
	n = records_key_ident_bucket(buf, prefix, id);
	assert_int_equal(n, 63 + strlen(":ident:{c00}"));
	assert_int_equal(strlen(buf), n);
}

static void
test_ident_commands(void **state)
{
	struct candidate cand;
	struct identity ident, none;
	struct field_error err;
	struct redis_cmd c;
	struct note n;
	msgpack_unpacked u;
	const msgpack_object *m;
	char buf[1024];

	(void)state;
	make_ident(&ident, ident_text);
	records_ident_put(&c, "matcherd", "c-00042", &ident);
	expect_cmd(&c, "HSET", "matcherd:ident:{cb9}", "c-00042", NULL);
	expect_packed_as(&c, 3, identity_pack, &ident);
	m = unpack_arg(&c, 3, &u);
	assert_int_equal(m->via.map.size, 4);
	assert_true(mp_str_eq(mp_map_get(m, "first_name"), "Amélie"));
	assert_true(mp_str_eq(mp_map_get(m, "email"),
	    "amelie.dupont@example.fr"));
	msgpack_unpacked_destroy(&u);
	redis_cmd_free(&c);

	/* Only what is set is stored; nothing set: the field goes. */
	make_ident(&ident, "{last_name: 'Dupont', phone: nil}");
	records_ident_put(&c, "p", "c1", &ident);
	expect_cmd(&c, "HSET", "p:ident:{cd9}", "c1", NULL);
	m = unpack_arg(&c, 3, &u);
	assert_int_equal(m->via.map.size, 1);
	msgpack_unpacked_destroy(&u);
	redis_cmd_free(&c);
	memset(&none, 0, sizeof(none));
	records_ident_put(&c, "matcherd", "c-00042", &none);
	expect_cmd(&c, "HDEL", "matcherd:ident:{cb9}", "c-00042");
	redis_cmd_free(&c);

	records_ident_get(&c, "matcherd", "c-00042");
	expect_cmd(&c, "HGET", "matcherd:ident:{cb9}", "c-00042");
	redis_cmd_free(&c);
	records_ident_delete(&c, "matcherd", "c1");
	expect_cmd(&c, "HDEL", "matcherd:ident:{cd9}", "c1");
	redis_cmd_free(&c);

	/*
	 * A put with an identity (not the adviser's name of cand_text): the
	 * record's HSET carries none of it.
	 */
	snprintf(buf, sizeof(buf), "%.*s, first_name: 'Zoé',"
	    " last_name: 'Lefebvre', phone: '06 12 34 56 78',"
	    " email: 'zoe.lefebvre@example.fr'}", (int)strlen(cand_text) - 1,
	    cand_text);
	if (candidate_decode_with_identity(note_parse(&n, buf), ref, &cand,
	    &ident, &err) != 1)
		fail_msg("refused: %s: %s", err.field, err.message);
	note_free(&n);
	records_candidate_put(&c, "matcherd", &cand);
	expect_cmd(&c, "HSET", "matcherd:cand:{cb9}", "c-00042", NULL);
	assert_true(bytes_hold(c.argv[3], c.lens[3], "c-00042"));
	assert_false(bytes_hold(c.argv[3], c.lens[3], "Zo"));
	assert_false(bytes_hold(c.argv[3], c.lens[3], "Lefebvre"));
	assert_false(bytes_hold(c.argv[3], c.lens[3], "06 12"));
	assert_false(bytes_hold(c.argv[3], c.lens[3], "example.fr"));
	assert_false(bytes_hold(c.argv[3], c.lens[3], "first_name"));
	redis_cmd_free(&c);
}

static void
test_ident_decode(void **state)
{
	char why[RECORDS_WHY_MAX];
	struct identity ident, got;
	struct resp b;
	redisReply *r;

	(void)state;
	memset(&got, 'x', sizeof(got));
	assert_int_equal(records_ident_decode(NULL, &got, why), 0);
	assert_true(identity_is_empty(&got));
	r = REPLY("$-1\r\n");
	assert_int_equal(records_ident_decode(r, &got, why), 0);
	freeReplyObject(r);

	make_ident(&ident, ident_text);
	b.len = 0;
	resp_packed(&b, identity_pack, &ident);
	r = reply_resp(&b);
	assert_int_equal(records_ident_decode(r, &got, why), 1);
	assert_memory_equal(&got, &ident, sizeof(got));
	freeReplyObject(r);
	b.len = 0;
	resp_note(&b, "{}");
	r = reply_resp(&b);
	assert_int_equal(records_ident_decode(r, &got, why), 1);
	assert_true(identity_is_empty(&got));
	freeReplyObject(r);

	/* Refused, the why naming the field and never the value. */
	b.len = 0;
	resp_note(&b, "{first_name: 'Amélie', phone: 'zzzzzzzz'}");
	r = reply_resp(&b);
	assert_int_equal(records_ident_decode(r, &got, why), -1);
	assert_true(identity_is_empty(&got));
	assert_true(strncmp(why, "phone: ", 7) == 0);
	assert_null(strstr(why, "zzzzzzzz"));
	freeReplyObject(r);
	b.len = 0;
	resp_note(&b, "{email: 42}");
	r = reply_resp(&b);
	assert_int_equal(records_ident_decode(r, &got, why), -1);
	assert_string_equal(why, "email: must be a string");
	freeReplyObject(r);
	r = REPLY("$3\r\n\xc1\xc1\xc1\r\n");
	assert_int_equal(records_ident_decode(r, &got, why), -1);
	assert_string_equal(why, "not a msgpack map");
	freeReplyObject(r);
	b.len = 0;
	resp_note(&b, "['Amélie']");
	r = reply_resp(&b);
	assert_int_equal(records_ident_decode(r, &got, why), -1);
	freeReplyObject(r);
	r = REPLY(":1\r\n");
	assert_int_equal(records_ident_decode(r, &got, why), -1);
	freeReplyObject(r);
}

/* The audit's XADD, with and without an erasure's reason; its pages. */
static void
test_audit_commands(void **state)
{
	struct redis_cmd c;

	(void)state;
	records_audit_add(&c, "matcherd", 1764403200, "ana", "adviser",
	    "candidate.get", "c-1", "c-1", NULL);
	expect_cmd(&c, "XADD", "matcherd:audit", "MAXLEN", "~", "1000000", "*",
	    "at", "1764403200", "user", "ana", "role", "adviser", "method",
	    "candidate.get", "record", "c-1", "candidate", "c-1");
	redis_cmd_free(&c);
	records_audit_add(&c, "matcherd", 1, "(retention)", "system",
	    "candidate.erase", "c-1", "c-1", "retention");
	expect_cmd(&c, "XADD", "matcherd:audit", "MAXLEN", "~", "1000000", "*",
	    "at", "1", "user", "(retention)", "role", "system", "method",
	    "candidate.erase", "record", "c-1", "candidate", "c-1", "reason",
	    "retention");
	redis_cmd_free(&c);
	records_audit_read(&c, "matcherd", NULL, 500);
	expect_cmd(&c, "XREVRANGE", "matcherd:audit", "+", "-", "COUNT", "500");
	redis_cmd_free(&c);
	records_audit_read(&c, "matcherd", "1764403200000-3", 500);
	expect_cmd(&c, "XREVRANGE", "matcherd:audit", "(1764403200000-3", "-",
	    "COUNT", "500");
	redis_cmd_free(&c);
}

/* The erasure's reads and its script on one offer (docs/REDIS.md). */
static void
test_rgpd_commands(void **state)
{
	struct clause_hire h = { .operation = "op-1", .contractor = "ramery",
	    .offer = "o-1", .candidate = "c-1", .hours = 150,
	    .hired_at = 1764403200 };
	struct clause_hire anon = h;
	struct records_erasure e = { .sector = SECTOR_BATIMENT,
	    .offer = "o-1", .candidate = "c-1",
	    .anon = "erased-0011223344556677", .old_result = "OLD",
	    .old_len = 3, .new_result = "NEW", .new_len = 3 };
	struct redis_cmd c;

	(void)state;
	records_rgpd_result_read(&c, "matcherd", SECTOR_BATIMENT, "o-1");
	expect_cmd(&c, "HGET", "matcherd:{batiment}:offer:o-1", "result");
	redis_cmd_free(&c);
	records_rgpd_history_read(&c, "matcherd", SECTOR_BATIMENT, "o-1");
	expect_cmd(&c, "LRANGE", "matcherd:{batiment}:refhist:o-1", "0", "-1");
	redis_cmd_free(&c);
	records_rgpd_erase_offer(&c, "matcherd", "SCRIPT", &e);
	expect_cmd(&c, "EVAL", "SCRIPT", "7", "matcherd:{batiment}:ref:o-1",
	    "matcherd:{batiment}:refhist:o-1", "matcherd:{batiment}:offer:o-1",
	    "matcherd:{industrie}:clause:hires",
	    "matcherd:{batiment}:clause:hires",
	    "matcherd:{tertiaire}:clause:hires",
	    "matcherd:{hotellerie}:clause:hires", "c-1",
	    "erased-0011223344556677", "OLD", "NEW", "", "", "");
	redis_cmd_free(&c);
	snprintf(anon.candidate, sizeof(anon.candidate), "%s", e.anon);
	e.old_result = e.new_result = NULL;
	e.hire = &h;
	e.anon_hire = &anon;
	records_rgpd_erase_offer(&c, "matcherd", "SCRIPT", &e);
	expect_cmd(&c, "EVAL", "SCRIPT", "7", NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, "c-1", "erased-0011223344556677", "", "", "o-1\tc-1",
	    "o-1\terased-0011223344556677", NULL);
	expect_packed_as(&c, 16, clause_hire_pack, &anon);
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
		/* Decoders of replies */
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_candidate_created),
		cmocka_unit_test(test_candidate_unpack),
		cmocka_unit_test(test_candidate_decode),
		cmocka_unit_test(test_offer_parse),
		cmocka_unit_test(test_offer_decode),
		cmocka_unit_test(test_referral_decode),
		cmocka_unit_test(test_referral_decode_bad_time),
		cmocka_unit_test(test_referral_moved),
		cmocka_unit_test(test_referral_moved_values),
		cmocka_unit_test(test_clause_op_decode),
		cmocka_unit_test(test_clause_hire_decode),
		cmocka_unit_test(test_dup_pair_decode),
		/* Identities */
		cmocka_unit_test(test_ident_keys),
		cmocka_unit_test(test_ident_commands),
		cmocka_unit_test(test_ident_decode),
		cmocka_unit_test(test_audit_commands),
		cmocka_unit_test(test_rgpd_commands),
		/*
		 * Left out, failing on records.c (see their comments):
		 * test_referral_decode_bad_time, test_referral_moved_values.
		 */
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
