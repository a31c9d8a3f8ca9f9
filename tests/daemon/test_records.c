/*
 * Tests for keys.c (Redis key names, docs/REDIS.md).  The candidate
 * bucket hash is recomputed here independently.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "candidate.h"
#include "records.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fnv1a_reference_vectors),
		cmocka_unit_test(test_key_formats),
		cmocka_unit_test(test_key_candidate_buckets),
		cmocka_unit_test(test_longest_keys_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
