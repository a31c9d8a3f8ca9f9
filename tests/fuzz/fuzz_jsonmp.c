/*
 * libFuzzer target: JSON <-> MessagePack (jsonmp.c).  Input: byte 0
 * even, the rest is JSON text (what matchctl and the HTTP API read);
 * odd, a msgpack object (what they print).  Checked: JSON packs to an
 * object that converts back to an equal JSON value; msgpack converts or
 * is refused with a reason, and jsonmp_write() prints what json_dumps()
 * prints of jsonmp_to_json() (whenever no map repeats a key and no key
 * is a map or an array).
 */
#include "fuzz_common.h"

#include <jansson.h>

#include "jsonmp.h"

#define FUZZ_JSONMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(JSONMP_PRECISION))

/*
 * Map entries of o and its children, and objects' members of j.  A key
 * that is itself a map or an array becomes text, with its own repeated
 * keys in it or not: SIZE_MAX, no comparison.
 */
static size_t
fuzz_jsonmp_entries_mp(const msgpack_object *o)
{
	const msgpack_object_kv *kv;
	size_t n = 0, sub;
	uint32_t i;

	if (o->type == MSGPACK_OBJECT_ARRAY)
		for (i = 0; i < o->via.array.size && n != SIZE_MAX; i++) {
			sub = fuzz_jsonmp_entries_mp(&o->via.array.ptr[i]);
			n = sub == SIZE_MAX ? SIZE_MAX : n + sub;
		}
	else if (o->type == MSGPACK_OBJECT_MAP)
		for (i = 0; i < o->via.map.size && n != SIZE_MAX; i++) {
			kv = &o->via.map.ptr[i];
			if (kv->key.type == MSGPACK_OBJECT_MAP ||
			    kv->key.type == MSGPACK_OBJECT_ARRAY)
				return SIZE_MAX;
			sub = fuzz_jsonmp_entries_mp(&kv->val);
			n = sub == SIZE_MAX ? SIZE_MAX : n + 1 + sub;
		}
	return n;
}

static size_t
fuzz_jsonmp_entries_json(const json_t *j)
{
	const char *k;
	json_t *v;
	size_t n = 0, i;

	if (json_is_array(j))
		json_array_foreach(j, i, v)
			n += fuzz_jsonmp_entries_json(v);
	else if (json_is_object(j))
		json_object_foreach((json_t *)j, k, v)
			n += 1 + fuzz_jsonmp_entries_json(v);
	return n;
}

static void
fuzz_jsonmp_from_mp(const msgpack_object *o)
{
	struct jsonmp_buf b;
	json_t *j;
	char err[256], *text;
	int rc;

	err[0] = '\0';
	j = jsonmp_to_json(o, err, sizeof(err));
	memset(&b, 0, sizeof(b));
	rc = jsonmp_write(&b, o, err, sizeof(err));
	FUZZ_CHECK((j == NULL) == (rc == -1));
	if (j == NULL) {
		/* Refused: b's length is as it was, its buffer may have grown. */
		FUZZ_CHECK(err[0] != '\0' && b.len == 0);
		free(b.data);
		return;
	}
	if (fuzz_jsonmp_entries_mp(o) == fuzz_jsonmp_entries_json(j)) {
		FUZZ_CHECK((text = json_dumps(j, FUZZ_JSONMP_FLAGS |
		    JSON_ENCODE_ANY)) != NULL);
		if (strlen(text) != b.len || memcmp(text, b.data, b.len) != 0) {
			fprintf(stderr, "json_dumps:   %s\njsonmp_write: %.*s\n",
			    text, (int)b.len, b.data);
			abort();
		}
		free(text);
	}
	free(b.data);
	json_decref(j);
}

static void
fuzz_jsonmp_from_json(const uint8_t *data, size_t size)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_zone zone;
	msgpack_object o;
	json_error_t jerr;
	json_t *j, *back;
	char err[256];

	j = json_loadb((const char *)data, size, JSON_DECODE_ANY, &jerr);
	if (j == NULL)
		return;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	if (jsonmp_pack(&pk, j, err, sizeof(err)) == -1) {
		FUZZ_CHECK(jsonmp_depth(j) > JSONMP_MAX_DEPTH && sb.size == 0);
	} else {
		FUZZ_CHECK(jsonmp_depth(j) <= JSONMP_MAX_DEPTH);
		msgpack_zone_init(&zone, 2048);
		FUZZ_CHECK(fuzz_unpack(sb.data, sb.size, &zone, &o) == 0);
		back = jsonmp_to_json(&o, err, sizeof(err));
		if (back == NULL || !json_equal(back, j)) {
			fprintf(stderr, "round trip: %s\n",
			    back == NULL ? err : "differs");
			abort();
		}
		fuzz_jsonmp_from_mp(&o);
		json_decref(back);
		msgpack_zone_destroy(&zone);
	}
	msgpack_sbuffer_destroy(&sb);
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msgpack_zone zone;
	msgpack_object o;

	if (size < 1)
		return 0;
	if ((data[0] & 1) == 0) {
		fuzz_jsonmp_from_json(data + 1, size - 1);
		return 0;
	}
	msgpack_zone_init(&zone, 2048);
	if (fuzz_unpack(data + 1, size - 1, &zone, &o) == 0)
		fuzz_jsonmp_from_mp(&o);
	msgpack_zone_destroy(&zone);
	return 0;
}
