/*
 * JSON <-> MessagePack conversion for matchctl: jansson values are packed
 * with a msgpack_packer, msgpack objects become new jansson values.  Both
 * walks are recursive and bounded by JSONMP_MAX_DEPTH.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonmp.h"

static int
depth_from(const json_t *j, int depth)
{
	const char *key;
	json_t *v;
	size_t i;
	int d, max;

	if (!json_is_object(j) && !json_is_array(j))
		return depth;
	if (depth >= JSONMP_MAX_DEPTH)
		return depth + 1;	/* deep enough to refuse; stop here */
	max = depth + 1;
	if (json_is_array(j)) {
		json_array_foreach(j, i, v) {
			if ((d = depth_from(v, depth + 1)) > max)
				max = d;
		}
	} else {
		/* jansson's foreach macros take a non-const object. */
		json_object_foreach((json_t *)j, key, v) {
			if ((d = depth_from(v, depth + 1)) > max)
				max = d;
		}
	}
	return max;
}

int
jsonmp_depth(const json_t *j)
{
	return depth_from(j, 0);
}

static void
pack_json(msgpack_packer *pk, const json_t *j)
{
	const char *key;
	size_t i, klen;
	json_t *v;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		msgpack_pack_map(pk, json_object_size(j));
		json_object_keylen_foreach((json_t *)j, key, klen, v) {
			msgpack_pack_str(pk, klen);
			msgpack_pack_str_body(pk, key, klen);
			pack_json(pk, v);
		}
		break;
	case JSON_ARRAY:
		msgpack_pack_array(pk, json_array_size(j));
		json_array_foreach(j, i, v)
			pack_json(pk, v);
		break;
	case JSON_STRING:
		msgpack_pack_str(pk, json_string_length(j));
		msgpack_pack_str_body(pk, json_string_value(j),
		    json_string_length(j));
		break;
	case JSON_INTEGER:
		msgpack_pack_int64(pk, json_integer_value(j));
		break;
	case JSON_REAL:
		msgpack_pack_double(pk, json_real_value(j));
		break;
	case JSON_TRUE:
		msgpack_pack_true(pk);
		break;
	case JSON_FALSE:
		msgpack_pack_false(pk);
		break;
	case JSON_NULL:
		msgpack_pack_nil(pk);
		break;
	}
}

int
jsonmp_pack(msgpack_packer *pk, const json_t *j, char *err, size_t errlen)
{
	if (jsonmp_depth(j) > JSONMP_MAX_DEPTH) {
		snprintf(err, errlen, "nesting deeper than %d levels",
		    JSONMP_MAX_DEPTH);
		return -1;
	}
	pack_json(pk, j);
	return 0;
}

static json_t *
base64(const char *p, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)p;
	size_t i, o, n;
	uint32_t v;
	json_t *j;
	char *out;

	n = (len + 2) / 3 * 4;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0, o = 0; i < len; i += 3) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < len ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? tab[v & 63] : '=';
	}
	out[o] = '\0';
	j = json_stringn_nocheck(out, o);
	free(out);
	return j;
}

static json_t *to_json(const msgpack_object *, int, char *, size_t);

/* msgpack-c leaves ptr NULL for empty strings, which jansson refuses. */
static const char *
str_ptr(const msgpack_object_str *s)
{
	return s->size == 0 ? "" : s->ptr;
}

/* The object key for k: a str as is, anything else as its JSON text. */
static int
set_member(json_t *obj, const msgpack_object *k, json_t *v, int depth,
    char *err, size_t errlen)
{
	json_t *kj;
	char *text;
	int rc;

	if (k->type == MSGPACK_OBJECT_STR) {
		if (json_object_setn_new(obj, str_ptr(&k->via.str),
		    k->via.str.size, v) == -1) {
			snprintf(err, errlen, "map key is not valid UTF-8");
			return -1;
		}
		return 0;
	}
	if ((kj = to_json(k, depth, err, errlen)) == NULL) {
		json_decref(v);
		return -1;
	}
	text = json_dumps(kj, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(kj);
	if (text == NULL) {
		json_decref(v);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = json_object_set_new(obj, text, v);
	free(text);
	if (rc == -1)
		snprintf(err, errlen, "out of memory");
	return rc;
}

static json_t *
to_json(const msgpack_object *o, int depth, char *err, size_t errlen)
{
	json_t *j, *v;
	uint32_t i;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
	case MSGPACK_OBJECT_EXT:
		return json_null();
	case MSGPACK_OBJECT_BOOLEAN:
		return json_boolean(o->via.boolean);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (o->via.u64 > INT64_MAX) {
			snprintf(err, errlen, "integer %llu out of range",
			    (unsigned long long)o->via.u64);
			return NULL;
		}
		return json_integer((json_int_t)o->via.u64);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return json_integer((json_int_t)o->via.i64);
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		if (!isfinite(o->via.f64)) {
			snprintf(err, errlen, "non-finite number");
			return NULL;
		}
		return json_real(o->via.f64);
	case MSGPACK_OBJECT_STR:
		j = json_stringn(str_ptr(&o->via.str), o->via.str.size);
		if (j == NULL)
			snprintf(err, errlen, "string is not valid UTF-8");
		return j;
	case MSGPACK_OBJECT_BIN:
		if ((j = base64(o->via.bin.ptr, o->via.bin.size)) == NULL)
			snprintf(err, errlen, "out of memory");
		return j;
	case MSGPACK_OBJECT_ARRAY:
	case MSGPACK_OBJECT_MAP:
		break;
	default:
		snprintf(err, errlen, "unknown msgpack type %d", (int)o->type);
		return NULL;
	}

	if (depth >= JSONMP_MAX_DEPTH) {
		snprintf(err, errlen, "nesting deeper than %d levels",
		    JSONMP_MAX_DEPTH);
		return NULL;
	}
	if (o->type == MSGPACK_OBJECT_ARRAY) {
		j = json_array();
		for (i = 0; j != NULL && i < o->via.array.size; i++) {
			v = to_json(&o->via.array.ptr[i], depth + 1, err,
			    errlen);
			if (v == NULL)
				goto fail;
			if (json_array_append_new(j, v) == -1) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
		}
	} else {
		j = json_object();
		for (i = 0; j != NULL && i < o->via.map.size; i++) {
			v = to_json(&o->via.map.ptr[i].val, depth + 1, err,
			    errlen);
			/* A key is at the depth of its value. */
			if (v == NULL || set_member(j, &o->via.map.ptr[i].key,
			    v, depth + 1, err, errlen) == -1)
				goto fail;
		}
	}
	if (j == NULL)
		snprintf(err, errlen, "out of memory");
	return j;
fail:
	json_decref(j);
	return NULL;
}

json_t *
jsonmp_to_json(const msgpack_object *o, char *err, size_t errlen)
{
	return to_json(o, 0, err, errlen);
}
