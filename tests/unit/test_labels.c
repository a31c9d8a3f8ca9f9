/*
 * Tests for labels.c: communes and ROME codes labelled in maps at any
 * depth, in arrays and in maps of maps; unknown codes, non-string values
 * and counters left alone; labels already there not repeated; the depth
 * limit; and inputs that are not one whole object (every prefix of a
 * result, bytes flipped) refused without touching the output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonmp.h"
#include "labels.h"
#include "refdata.h"

static struct refdata *ref;

static int
group_setup(void **state)
{
	char err[512];

	(void)state;
	if ((ref = refdata_load(MATCHERD_DATADIR, err, sizeof(err))) == NULL) {
		fprintf(stderr, "refdata_load: %s\n", err);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	refdata_free(ref);
	return 0;
}

/* json packed into sb. */
static void
pack_json(msgpack_sbuffer *sb, const char *json)
{
	msgpack_packer pk;
	json_error_t jerr;
	char err[128];
	json_t *j;

	j = json_loads(json, JSON_DECODE_ANY, &jerr);
	if (j == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	msgpack_sbuffer_init(sb);
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	assert_int_equal(jsonmp_pack(&pk, j, err, sizeof(err)), 0);
	json_decref(j);
}

/* The compact JSON text of the one object in buf; to be freed. */
static char *
to_json(const char *buf, size_t len)
{
	struct jsonmp_buf b = { NULL, 0, 0 };
	msgpack_unpacked u;
	size_t off = 0;
	char err[128];

	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, buf, len, &off),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(off, len);
	assert_int_equal(jsonmp_write(&b, &u.data, err, sizeof(err)), 0);
	assert_int_equal(jsonmp_append(&b, "", 1, err, sizeof(err)), 0);
	msgpack_unpacked_destroy(&u);
	return b.data;
}

/* labels_add() of in gives n labels and, as JSON, want (in if n is 0). */
static void
check(const char *in, int n, const char *want)
{
	msgpack_sbuffer sb, out;
	char *got;

	pack_json(&sb, in);
	msgpack_sbuffer_init(&out);
	assert_int_equal(labels_add(ref, sb.data, sb.size, &out), n);
	if (n == 0) {
		assert_int_equal(out.size, 0);
		got = to_json(sb.data, sb.size);
	} else
		got = to_json(out.data, out.size);
	assert_string_equal(got, want);
	free(got);
	msgpack_sbuffer_destroy(&sb);
	msgpack_sbuffer_destroy(&out);
}

static void
test_commune_and_rome(void **state)
{
	(void)state;
	check("{\"id\":\"c1\",\"commune\":\"59183\",\"lat\":51.0}", 2,
	    "{\"id\":\"c1\",\"commune\":\"59183\","
	    "\"commune_name\":\"DUNKERQUE\",\"postcode\":\"59140\","
	    "\"lat\":51.0}");
	check("{\"rome\":\"F1701\",\"title\":\"Coffreur\"}", 1,
	    "{\"rome\":\"F1701\",\"rome_label\":\"Construction en b\xc3\xa9ton\","
	    "\"title\":\"Coffreur\"}");
	/* One map with both, and the label right after each code. */
	check("{\"commune\":\"59350\",\"x\":1,\"rome\":\"N1101\"}", 3,
	    "{\"commune\":\"59350\",\"commune_name\":\"LILLE\","
	    "\"postcode\":\"59000\",\"x\":1,\"rome\":\"N1101\",\"rome_label\":"
	    "\"Conduite d'engins de d\xc3\xa9placement des charges\"}");
}

static void
test_nested(void **state)
{
	(void)state;
	/* A match result's shape: offer map, suggestions array, counters. */
	check("{\"offer\":{\"rome\":\"F1701\",\"commune\":\"62193\"},"
	    "\"excluded\":{\"rome\":3,\"distance\":1},"
	    "\"suggestions\":[{\"rank\":1,\"commune\":\"59183\"},"
	    "{\"rank\":2,\"commune\":null}],"
	    "\"jobs\":[[{\"rome\":\"F1701\",\"months\":3}]]}", 6,
	    "{\"offer\":{\"rome\":\"F1701\",\"rome_label\":"
	    "\"Construction en b\xc3\xa9ton\",\"commune\":\"62193\","
	    "\"commune_name\":\"CALAIS\",\"postcode\":\"62100\"},"
	    "\"excluded\":{\"rome\":3,\"distance\":1},"
	    "\"suggestions\":[{\"rank\":1,\"commune\":\"59183\","
	    "\"commune_name\":\"DUNKERQUE\",\"postcode\":\"59140\"},"
	    "{\"rank\":2,\"commune\":null}],"
	    "\"jobs\":[[{\"rome\":\"F1701\",\"rome_label\":"
	    "\"Construction en b\xc3\xa9ton\",\"months\":3}]]}");
	/* A top-level array of maps. */
	check("[{\"commune\":\"59183\"},7,\"rome\"]", 2,
	    "[{\"commune\":\"59183\",\"commune_name\":\"DUNKERQUE\","
	    "\"postcode\":\"59140\"},7,\"rome\"]");
}

static void
test_left_alone(void **state)
{
	(void)state;
	/* Unknown codes, codes of the wrong length, values not strings. */
	check("{\"commune\":\"75056\",\"rome\":\"Z9999\"}", 0,
	    "{\"commune\":\"75056\",\"rome\":\"Z9999\"}");
	check("{\"commune\":\"591830\",\"rome\":\"F17\"}", 0,
	    "{\"commune\":\"591830\",\"rome\":\"F17\"}");
	check("{\"commune\":59183,\"rome\":[\"F1701\"]}", 0,
	    "{\"commune\":59183,\"rome\":[\"F1701\"]}");
	check("{\"excluded\":{\"rome\":3}}", 0, "{\"excluded\":{\"rome\":3}}");
	/* The code as a value of another key, or as a key. */
	check("{\"ville\":\"59183\",\"59183\":\"commune\"}", 0,
	    "{\"ville\":\"59183\",\"59183\":\"commune\"}");
	check("\"59183\"", 0, "\"59183\"");
	check("[]", 0, "[]");
}

static void
test_already_labelled(void **state)
{
	(void)state;
	check("{\"commune\":\"59183\",\"commune_name\":\"DUNKERQUE\","
	    "\"postcode\":\"59140\",\"rome\":\"F1701\",\"rome_label\":\"x\"}",
	    0, "{\"commune\":\"59183\",\"commune_name\":\"DUNKERQUE\","
	    "\"postcode\":\"59140\",\"rome\":\"F1701\",\"rome_label\":\"x\"}");
	/* Only what is missing is added. */
	check("{\"postcode\":\"59240\",\"commune\":\"59183\"}", 1,
	    "{\"postcode\":\"59240\",\"commune\":\"59183\","
	    "\"commune_name\":\"DUNKERQUE\"}");
	/* Labelling the labelled copy again adds nothing. */
	check("{\"commune\":\"59183\",\"commune_name\":\"DUNKERQUE\","
	    "\"postcode\":\"59140\"}", 0,
	    "{\"commune\":\"59183\",\"commune_name\":\"DUNKERQUE\","
	    "\"postcode\":\"59140\"}");
}

/* A repeated key (JSON has none) is labelled once, after its first entry. */
static void
test_repeated_key(void **state)
{
	msgpack_sbuffer sb, out;
	msgpack_packer pk;
	char *got;

	(void)state;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	msgpack_pack_str_with_body(&pk, "rome", 4);
	msgpack_pack_str_with_body(&pk, "F1701", 5);
	msgpack_pack_str_with_body(&pk, "rome", 4);
	msgpack_pack_str_with_body(&pk, "N1101", 5);
	msgpack_sbuffer_init(&out);
	assert_int_equal(labels_add(ref, sb.data, sb.size, &out), 1);
	got = to_json(out.data, out.size);
	assert_string_equal(got, "{\"rome\":\"F1701\",\"rome_label\":"
	    "\"Construction en b\xc3\xa9ton\",\"rome\":\"N1101\"}");
	free(got);
	msgpack_sbuffer_destroy(&sb);
	msgpack_sbuffer_destroy(&out);
}

/* depth arrays around {"commune": "59183"}, then labels_add(). */
static int
nested_arrays(int depth, msgpack_sbuffer *out)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	int i, rv;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	for (i = 0; i < depth; i++)
		msgpack_pack_array(&pk, 1);
	msgpack_pack_map(&pk, 1);
	msgpack_pack_str_with_body(&pk, "commune", 7);
	msgpack_pack_str_with_body(&pk, "59183", 5);
	rv = labels_add(ref, sb.data, sb.size, out);
	msgpack_sbuffer_destroy(&sb);
	return rv;
}

static void
test_depth(void **state)
{
	msgpack_sbuffer out;

	(void)state;
	msgpack_sbuffer_init(&out);
	/* The map is at depth LABELS_DEPTH_MAX - 1: labelled. */
	assert_int_equal(nested_arrays(LABELS_DEPTH_MAX - 1, &out), 2);
	assert_true(out.size > 0);
	msgpack_sbuffer_destroy(&out);
	msgpack_sbuffer_init(&out);
	assert_int_equal(nested_arrays(LABELS_DEPTH_MAX, &out), -1);
	assert_int_equal(nested_arrays(200, &out), -1);
	assert_int_equal(out.size, 0);
	msgpack_sbuffer_destroy(&out);
}

static void
test_not_one_object(void **state)
{
	static const char json[] = "{\"offer\":{\"rome\":\"F1701\","
	    "\"commune\":\"62193\"},\"suggestions\":[{\"rank\":1,"
	    "\"commune\":\"59183\",\"score\":87.5}]}";
	msgpack_sbuffer sb, out;
	char *buf;
	size_t i;
	int rv;

	(void)state;
	pack_json(&sb, json);
	msgpack_sbuffer_init(&out);
	assert_int_equal(labels_add(ref, NULL, 0, &out), -1);
	assert_int_equal(labels_add(ref, sb.data, 0, &out), -1);
	assert_int_equal(labels_add(NULL, sb.data, sb.size, &out), -1);
	/* Every prefix is cut short: refused. */
	for (i = 1; i < sb.size; i++)
		assert_int_equal(labels_add(ref, sb.data, i, &out), -1);
	assert_int_equal(out.size, 0);
	/* Trailing bytes: two objects are not one. */
	buf = malloc(sb.size + 1);
	assert_non_null(buf);
	memcpy(buf, sb.data, sb.size);
	buf[sb.size] = '\xc0';
	assert_int_equal(labels_add(ref, buf, sb.size + 1, &out), -1);
	/* Each byte flipped: whatever it gives, it never crashes. */
	for (i = 0; i < sb.size; i++) {
		memcpy(buf, sb.data, sb.size);
		buf[i] ^= 0x5a;
		msgpack_sbuffer_clear(&out);
		rv = labels_add(ref, buf, sb.size, &out);
		assert_true(rv >= -1 && rv <= 5);
		assert_true(rv > 0 || out.size == 0);
	}
	free(buf);
	msgpack_sbuffer_destroy(&sb);
	msgpack_sbuffer_destroy(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commune_and_rome),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_left_alone),
		cmocka_unit_test(test_already_labelled),
		cmocka_unit_test(test_repeated_key),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_not_one_object),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
