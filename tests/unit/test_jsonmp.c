/*
 * Unit tests of matcher/core/jsonmp.c: JSON -> MessagePack -> JSON round trips,
 * the depth bound both ways, UTF-8 strings, and the msgpack types JSON
 * lacks (bin, ext, non-str keys, huge unsigned, non-finite floats); and
 * jsonmp_write(), which must write the very text jansson dumps.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <msgpack.h>

#include "jsonmp.h"

/* Pack j, unpack the bytes with msgpack-c and convert back. */
static json_t *
round_trip(const json_t *j)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked up;
	size_t off = 0;
	char err[128];
	json_t *out;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	assert_int_equal(jsonmp_pack(&pk, j, err, sizeof(err)), 0);
	msgpack_unpacked_init(&up);
	assert_int_equal(msgpack_unpack_next(&up, sb.data, sb.size, &off),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(off, sb.size);
	out = jsonmp_to_json(&up.data, err, sizeof(err));
	assert_non_null(out);
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_destroy(&sb);
	return out;
}

static void
check_round_trip(const char *text)
{
	json_error_t jerr;
	json_t *in, *out;

	in = json_loads(text, JSON_DECODE_ANY, &jerr);
	assert_non_null(in);
	out = round_trip(in);
	if (!json_equal(in, out))
		fail_msg("round trip changed %s", text);
	json_decref(in);
	json_decref(out);
}

static void
test_round_trip_scalars(void **state)
{
	check_round_trip("null");
	check_round_trip("true");
	check_round_trip("false");
	check_round_trip("0");
	check_round_trip("-1");
	check_round_trip("127");
	check_round_trip("-33");
	check_round_trip("4294967296");
	check_round_trip("9223372036854775807");
	check_round_trip("-9223372036854775808");
	check_round_trip("4.2");
	check_round_trip("-0.5");
	check_round_trip("1e300");
	check_round_trip("\"\"");
	check_round_trip("\"F1701\"");
}

static void
test_round_trip_records(void **state)
{
	check_round_trip("{}");
	check_round_trip("{\"\": \"\"}");
	check_round_trip("[]");
	check_round_trip("{\"id\": \"c-0000001\", \"sectors\": [\"batiment\"],"
	    " \"jobs\": [{\"rome\": \"F1701\", \"months\": 24}],"
	    " \"vehicle\": false, \"lat\": 51.03, \"lon\": 2.33,"
	    " \"available_from\": null, \"level\": 3}");
	check_round_trip("[[1, [2, [3, {\"a\": [true]}]]], {\"b\": {}}]");
}

static void
test_round_trip_unicode(void **state)
{
	json_t *in, *out;

	check_round_trip("\"Hôtellerie/restauration/transports\"");
	check_round_trip("\"Manœuvre — à 4,2 km, permis B\"");
	check_round_trip("{\"clé\": \"Saint-Georges-sur-l'Aa\","
	    " \"€\": \"😀\"}");
	check_round_trip("\"\\u00e9\\ud83d\\ude00\"");

	/*
	 * An embedded NUL survives in strings and in keys (checked by hand:
	 * json_equal() compares keys as C strings).
	 */
	in = json_object();
	json_object_setn_new(in, "a\0b", 3, json_stringn("x\0y", 3));
	out = round_trip(in);
	assert_int_equal(json_object_size(out), 1);
	assert_null(json_object_get(out, "a"));
	assert_int_equal(json_string_length(json_object_getn(out, "a\0b", 3)),
	    3);
	assert_memory_equal(json_string_value(json_object_getn(out, "a\0b",
	    3)), "x\0y", 3);
	json_decref(in);
	json_decref(out);
}

/* Preserves member order, which makes printed results readable. */
static void
test_key_order(void **state)
{
	json_t *in, *out;
	char *s;

	in = json_loads("{\"z\": 1, \"a\": 2, \"m\": 3}", 0, NULL);
	out = round_trip(in);
	s = json_dumps(out, JSON_COMPACT);
	assert_string_equal(s, "{\"z\":1,\"a\":2,\"m\":3}");
	free(s);
	json_decref(in);
	json_decref(out);
}

static json_t *
nested_json(int levels)
{
	json_t *j, *outer;
	int i;

	j = json_integer(1);
	for (i = 0; i < levels; i++) {
		outer = (i % 2) ? json_array() : json_object();
		if (json_is_array(outer))
			json_array_append_new(outer, j);
		else
			json_object_set_new(outer, "k", j);
		j = outer;
	}
	return j;
}

static void
test_depth(void **state)
{
	json_t *j;

	j = json_integer(1);
	assert_int_equal(jsonmp_depth(j), 0);
	json_decref(j);
	j = json_loads("[]", 0, NULL);
	assert_int_equal(jsonmp_depth(j), 1);
	json_decref(j);
	j = json_loads("{\"a\": [1, {\"b\": []}], \"c\": 2}", 0, NULL);
	assert_int_equal(jsonmp_depth(j), 4);
	json_decref(j);
	j = nested_json(JSONMP_MAX_DEPTH);
	assert_int_equal(jsonmp_depth(j), JSONMP_MAX_DEPTH);
	json_decref(j);
	/* The walk stops one past the bound. */
	j = nested_json(1000);
	assert_int_equal(jsonmp_depth(j), JSONMP_MAX_DEPTH + 1);
	json_decref(j);
}

static void
test_pack_depth(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char err[128];
	json_t *j, *out;

	j = nested_json(JSONMP_MAX_DEPTH);
	out = round_trip(j);
	assert_true(json_equal(j, out));
	json_decref(j);
	json_decref(out);

	/* One level more is refused and nothing is written. */
	j = nested_json(JSONMP_MAX_DEPTH + 1);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	assert_int_equal(jsonmp_pack(&pk, j, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "deeper"));
	assert_int_equal(sb.size, 0);
	msgpack_sbuffer_destroy(&sb);
	json_decref(j);
}

#define DUMP_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY |			\
	JSON_REAL_PRECISION(JSONMP_PRECISION))

/*
 * o as jansson dumps jsonmp_to_json(o); jsonmp_write() must write the
 * same text, after what the buffer held already.
 */
static char *
dump(const msgpack_object *o)
{
	struct jsonmp_buf b = { NULL, 0, 0 };
	char err[128], *s;
	json_t *j;

	j = jsonmp_to_json(o, err, sizeof(err));
	assert_non_null(j);
	s = json_dumps(j, DUMP_FLAGS);
	json_decref(j);
	assert_int_equal(jsonmp_write(&b, o, err, sizeof(err)), 0);
	assert_int_equal(jsonmp_write(&b, o, err, sizeof(err)), 0);
	if (b.len != 2 * strlen(s) || memcmp(b.data, s, strlen(s)) != 0 ||
	    memcmp(b.data + strlen(s), s, strlen(s)) != 0)
		fail_msg("jsonmp_write wrote %.*s, jansson %s", (int)b.len,
		    b.data, s);
	free(b.data);
	return s;
}

/* Both conversions refuse o, and the buffer is left as it was. */
static void
refused(const msgpack_object *o)
{
	struct jsonmp_buf b = { NULL, 0, 0 };
	char err[128];

	assert_null(jsonmp_to_json(o, err, sizeof(err)));
	assert_int_equal(jsonmp_write(&b, o, err, sizeof(err)), -1);
	assert_int_equal(b.len, 0);
	assert_true(err[0] != '\0');
	free(b.data);
}

static void
test_to_json_depth(void **state)
{
	msgpack_object o[JSONMP_MAX_DEPTH + 2];
	char err[128];
	json_t *j;
	int i, n;

	/* Built by hand: msgpack-c's own unpacker stops at 32 levels. */
	for (n = JSONMP_MAX_DEPTH; n <= JSONMP_MAX_DEPTH + 1; n++) {
		o[n].type = MSGPACK_OBJECT_NIL;
		for (i = n - 1; i >= 0; i--) {
			o[i].type = MSGPACK_OBJECT_ARRAY;
			o[i].via.array.size = 1;
			o[i].via.array.ptr = &o[i + 1];
		}
		j = jsonmp_to_json(&o[0], err, sizeof(err));
		if (n == JSONMP_MAX_DEPTH) {
			assert_non_null(j);
			json_decref(j);
			free(dump(&o[0]));
		} else {
			assert_null(j);
			assert_non_null(strstr(err, "deeper"));
			refused(&o[0]);
		}
	}
}

static void
check_real(double v)
{
	msgpack_object o;

	o.type = MSGPACK_OBJECT_FLOAT64;
	o.via.f64 = v;
	free(dump(&o));
}

static void
test_write_reals(void **state)
{
	static const double some[] = { 0.0, 1.0, -1.0, 0.1, 0.8, 90.9, 87.5,
	    0.333, 0.667, 4.2, -0.5, 51.0307229078, 2.33752414095, 1e300,
	    1e-7, 1.5e-300, 123456789.125, 999999999.9, 1e9, 1e15, 1e16,
	    1e21, 12345678901234567.0, 0.1 + 0.2, 1.0 / 3, 2.0 / 3,
	    -123.456, 3.14159265358979, 5e-324, 1.7976931348623157e308,
	    0.000001, 0.0000015, 100.0, 1234567.891, -1e-5, 2.5e-5,
	    0.1234565, 999999.9999995, 8.7 };
	uint64_t x = 88172645463325252ULL, bits;
	double v;
	size_t i;
	int k;

	for (i = 0; i < sizeof(some) / sizeof(some[0]); i++) {
		check_real(some[i]);
		check_real(-some[i]);
	}
	/* Decimals with few digits (the fast path) and arbitrary doubles. */
	for (i = 0; i < 50000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (int)(x % 8);
		v = (double)(int64_t)(x >> 20) / pow(10, k + (int)(x % 11));
		check_real(v);
		bits = x;
		memcpy(&v, &bits, sizeof(v));
		if (isfinite(v))
			check_real(v);
	}
}

static void
test_write_strings(void **state)
{
	static const char *const good[] = { "", "F1701", "à 4,2 km",
	    "quote \" back \\ slash / done", "\b\f\n\r\t", "\x01\x1f\x7f",
	    "€ 𝄞 \xef\xbf\xbf", "\xf4\x8f\xbf\xbf" };
	static const char *const bad[] = { "\xff", "caf\xe9", "\xc0\x80",
	    "\xc1\xbf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
	    "\xf5\x80\x80\x80", "ok \x80" };
	msgpack_object o;
	size_t i;

	o.type = MSGPACK_OBJECT_STR;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		o.via.str.ptr = good[i];
		o.via.str.size = (uint32_t)strlen(good[i]);
		free(dump(&o));
	}
	o.via.str.ptr = "a\0b";	/* a NUL inside */
	o.via.str.size = 3;
	free(dump(&o));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.via.str.ptr = bad[i];
		o.via.str.size = (uint32_t)strlen(bad[i]);
		refused(&o);
	}
}

static void
test_write_records(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked up;
	json_error_t jerr;
	char err[128];
	json_t *j;

	j = json_loads("{\"offer\": {\"id\": \"o-1\", \"lat\": 51.0307229078,"
	    "\"clause\": null, \"skills\": []}, \"scored_at\": 1795940679,"
	    "\"suggestions\": [{\"rank\": 1, \"score\": 90.9, \"components\":"
	    "{\"job\": 1.0, \"distance\": 0.667}, \"reasons\": [\"à 0,0 km\","
	    "\"permis B\"]}, {}], \"excluded\": {\"rome\": -3, \"n\": false}}",
	    0, &jerr);
	assert_non_null(j);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	assert_int_equal(jsonmp_pack(&pk, j, err, sizeof(err)), 0);
	msgpack_unpacked_init(&up);
	assert_int_equal(msgpack_unpack_next(&up, sb.data, sb.size, NULL),
	    MSGPACK_UNPACK_SUCCESS);
	free(dump(&up.data));
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_destroy(&sb);
	json_decref(j);
}

static void
test_msgpack_only_types(void **state)
{
	msgpack_object o, kv[2];
	msgpack_object_kv pairs[3];
	char err[128], *s;

	o.type = MSGPACK_OBJECT_BIN;
	o.via.bin.ptr = "\x00\xffhi";
	o.via.bin.size = 4;
	s = dump(&o);
	assert_string_equal(s, "\"AP9oaQ==\"");
	free(s);
	o.via.bin.size = 0;
	s = dump(&o);
	assert_string_equal(s, "\"\"");
	free(s);

	o.type = MSGPACK_OBJECT_EXT;
	o.via.ext.type = 1;
	o.via.ext.ptr = "x";
	o.via.ext.size = 1;
	s = dump(&o);
	assert_string_equal(s, "null");
	free(s);

	o.type = MSGPACK_OBJECT_FLOAT32;
	o.via.f64 = 0.5;
	s = dump(&o);
	assert_string_equal(s, "0.5");
	free(s);

	/* Keys that are not strings become their JSON text. */
	pairs[0].key.type = MSGPACK_OBJECT_POSITIVE_INTEGER;
	pairs[0].key.via.u64 = 7;
	pairs[0].val.type = MSGPACK_OBJECT_BOOLEAN;
	pairs[0].val.via.boolean = true;
	pairs[1].key.type = MSGPACK_OBJECT_NIL;
	pairs[1].val.type = MSGPACK_OBJECT_NIL;
	kv[0].type = MSGPACK_OBJECT_STR;
	kv[0].via.str.ptr = "é";
	kv[0].via.str.size = strlen("é");
	pairs[2].key.type = MSGPACK_OBJECT_ARRAY;
	pairs[2].key.via.array.size = 1;
	pairs[2].key.via.array.ptr = &kv[0];
	pairs[2].val.type = MSGPACK_OBJECT_NEGATIVE_INTEGER;
	pairs[2].val.via.i64 = -5;
	o.type = MSGPACK_OBJECT_MAP;
	o.via.map.size = 3;
	o.via.map.ptr = pairs;
	s = dump(&o);
	assert_string_equal(s,
	    "{\"7\":true,\"null\":null,\"[\\\"é\\\"]\":-5}");
	free(s);

	/* What JSON cannot hold is refused. */
	o.type = MSGPACK_OBJECT_POSITIVE_INTEGER;
	o.via.u64 = (uint64_t)INT64_MAX;
	free(dump(&o));
	o.via.u64 = (uint64_t)INT64_MAX + 1;
	assert_null(jsonmp_to_json(&o, err, sizeof(err)));
	assert_non_null(strstr(err, "out of range"));
	refused(&o);
	o.type = MSGPACK_OBJECT_NEGATIVE_INTEGER;
	o.via.i64 = INT64_MIN;
	free(dump(&o));
	o.type = MSGPACK_OBJECT_FLOAT64;
	o.via.f64 = NAN;
	refused(&o);
	o.via.f64 = INFINITY;
	refused(&o);
	o.type = MSGPACK_OBJECT_STR;
	o.via.str.ptr = "caf\xe9";	/* Latin-1, not UTF-8 */
	o.via.str.size = 4;
	assert_null(jsonmp_to_json(&o, err, sizeof(err)));
	assert_non_null(strstr(err, "UTF-8"));

	/* A bad value deep inside frees what was built and fails. */
	kv[1] = o;
	o.type = MSGPACK_OBJECT_ARRAY;
	o.via.array.size = 2;
	o.via.array.ptr = kv;
	kv[0].type = MSGPACK_OBJECT_NIL;
	refused(&o);
	pairs[0].key = kv[1];
	pairs[0].val.type = MSGPACK_OBJECT_NIL;
	o.type = MSGPACK_OBJECT_MAP;
	o.via.map.size = 1;
	o.via.map.ptr = pairs;
	refused(&o);
}

/*
 * Found by tests/fuzz/fuzz_jsonmp (tests/fuzz/regressions/jsonmp/): a key
 * that is a real was written with 17 digits by jsonmp_to_json() and 15
 * by jsonmp_write(), so matchctl and the HTTP API named it differently.
 */
static void
test_real_keys(void **state)
{
	msgpack_object o, inner;
	msgpack_object_kv pairs[2], ipair;
	char *s;

	(void)state;
	pairs[0].key.type = MSGPACK_OBJECT_FLOAT64;
	pairs[0].key.via.f64 = 0.1;
	pairs[0].val.type = MSGPACK_OBJECT_POSITIVE_INTEGER;
	pairs[0].val.via.u64 = 1;
	/* The fuzzer's key, in a map key too. */
	ipair.key.type = MSGPACK_OBJECT_FLOAT64;
	ipair.key.via.f64 = 1.9991400436128938e-306;
	ipair.val.type = MSGPACK_OBJECT_NIL;
	inner.type = MSGPACK_OBJECT_ARRAY;
	inner.via.array.size = 1;
	inner.via.array.ptr = &ipair.key;
	pairs[1].key = inner;
	pairs[1].val.type = MSGPACK_OBJECT_NIL;
	o.type = MSGPACK_OBJECT_MAP;
	o.via.map.size = 2;
	o.via.map.ptr = pairs;
	s = dump(&o);
	assert_string_equal(s,
	    "{\"0.1\":1,\"[1.99914004361289e-306]\":null}");
	free(s);
}

/*
 * Keys inside keys inside keys (the fuzzer's timeout): each level escapes
 * the quotes of the one inside, doubling the text; both printers refuse a
 * map key holding a map whose key is no string, instead of building
 * gigabytes.
 */
static void
test_nested_keys_are_bounded(void **state)
{
	msgpack_object_kv pairs[JSONMP_MAX_DEPTH];
	msgpack_object top;
	struct jsonmp_buf b = { NULL, 0, 0 };
	char err[128], *s;
	json_t *j;
	int i;

	(void)state;
	/* pairs[i] is a map of one pair whose key is the map of pairs[i+1]. */
	for (i = JSONMP_MAX_DEPTH - 1; i >= 0; i--) {
		if (i == JSONMP_MAX_DEPTH - 1) {
			pairs[i].key.type = MSGPACK_OBJECT_STR;
			pairs[i].key.via.str.ptr = "\"quoted\"";
			pairs[i].key.via.str.size = 8;
		} else {
			pairs[i].key.type = MSGPACK_OBJECT_MAP;
			pairs[i].key.via.map.size = 1;
			pairs[i].key.via.map.ptr = &pairs[i + 1];
		}
		pairs[i].val.type = MSGPACK_OBJECT_NIL;
	}
	top.type = MSGPACK_OBJECT_MAP;
	top.via.map.size = 1;
	top.via.map.ptr = &pairs[12];
	j = jsonmp_to_json(&top, err, sizeof(err));
	assert_null(j);
	assert_non_null(strstr(err, "whose key is not a string"));
	assert_int_equal(jsonmp_write(&b, &top, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "whose key is not a string"));
	free(b.data);
	/* One level (a map key holding string keys) is printed as before. */
	top.via.map.ptr = &pairs[JSONMP_MAX_DEPTH - 2];
	s = dump(&top);
	assert_string_equal(s, "{\"{\\\"\\\\\\\"quoted\\\\\\\"\\\":null}\":null}");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_scalars),
		cmocka_unit_test(test_round_trip_records),
		cmocka_unit_test(test_round_trip_unicode),
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_pack_depth),
		cmocka_unit_test(test_to_json_depth),
		cmocka_unit_test(test_msgpack_only_types),
		cmocka_unit_test(test_real_keys),
		cmocka_unit_test(test_nested_keys_are_bounded),
		cmocka_unit_test(test_write_reals),
		cmocka_unit_test(test_write_strings),
		cmocka_unit_test(test_write_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
