/*
 * Unit tests of pseudo.c: partner keys and references against values
 * computed apart (Python's hmac), stability, and that two partners or two
 * people never share a reference; the distance bands' edges.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "pseudo.h"

static void
secret_of(unsigned char s[PSEUDO_KEY_LEN])
{
	int i;

	for (i = 0; i < PSEUDO_KEY_LEN; i++)
		s[i] = (unsigned char)i;
}

static void
test_known_values(void **state)
{
	unsigned char secret[PSEUDO_KEY_LEN], key[PSEUDO_KEY_LEN], want[32];
	char ref[PSEUDO_REF_LEN + 1];

	(void)state;
	secret_of(secret);
	pseudo_partner_key(secret, "francetravail", key);
	assert_int_equal(pseudo_key_from_hex("e264e2319ce6e822054f4b7d4f540cce"
	    "aac3b69f0c984c6ee4e5a0e8a4d1f213", 64, want), 0);
	assert_memory_equal(key, want, PSEUDO_KEY_LEN);
	pseudo_ref(key, "c-0003475", ref);
	assert_string_equal(ref, "p-c2ada1ef90cd580b841cc91f6ab6e0ba");
}

static void
test_stable_and_distinct(void **state)
{
	unsigned char secret[PSEUDO_KEY_LEN], ka[PSEUDO_KEY_LEN];
	unsigned char kb[PSEUDO_KEY_LEN];
	char r1[PSEUDO_REF_LEN + 1], r2[PSEUDO_REF_LEN + 1];
	char r3[PSEUDO_REF_LEN + 1], r4[PSEUDO_REF_LEN + 1];

	(void)state;
	secret_of(secret);
	pseudo_partner_key(secret, "plateforme-jeunes", ka);
	pseudo_partner_key(secret, "geiq-btp", kb);
	assert_memory_not_equal(ka, kb, PSEUDO_KEY_LEN);
	pseudo_ref(ka, "c-1", r1);
	pseudo_ref(ka, "c-1", r2);
	pseudo_ref(kb, "c-1", r3);
	pseudo_ref(ka, "c-2", r4);
	assert_string_equal(r1, r2);
	assert_string_not_equal(r1, r3);
	assert_string_not_equal(r1, r4);
	assert_int_equal(strlen(r1), PSEUDO_REF_LEN);
	assert_int_equal(strspn(r1 + 2, "0123456789abcdef"), 32);
	/* Another secret, other references for the same partner and person. */
	secret[0] ^= 1;
	pseudo_partner_key(secret, "plateforme-jeunes", kb);
	pseudo_ref(kb, "c-1", r3);
	assert_string_not_equal(r1, r3);
}

static void
test_distance_bands(void **state)
{
	(void)state;
	assert_string_equal(pseudo_distance_band(0), "< 5 km");
	assert_string_equal(pseudo_distance_band(4.99), "< 5 km");
	assert_string_equal(pseudo_distance_band(5), "5-15 km");
	assert_string_equal(pseudo_distance_band(14.9), "5-15 km");
	assert_string_equal(pseudo_distance_band(15), "15-30 km");
	assert_string_equal(pseudo_distance_band(30), "15-30 km");
	assert_string_equal(pseudo_distance_band(30.1), "> 30 km");
}

static void
test_key_from_hex(void **state)
{
	unsigned char k[PSEUDO_KEY_LEN];
	char hex[65];

	(void)state;
	memset(hex, 'a', 64);
	hex[64] = '\0';
	assert_int_equal(pseudo_key_from_hex(hex, 64, k), 0);
	assert_int_equal(k[0], 0xaa);
	assert_int_equal(pseudo_key_from_hex(hex, 63, k), -1);
	hex[10] = 'A';
	assert_int_equal(pseudo_key_from_hex(hex, 64, k), -1);
	hex[10] = 'g';
	assert_int_equal(pseudo_key_from_hex(hex, 64, k), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_stable_and_distinct),
		cmocka_unit_test(test_distance_bands),
		cmocka_unit_test(test_key_from_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
