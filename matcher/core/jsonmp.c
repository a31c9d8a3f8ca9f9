/*
 * JSON <-> MessagePack conversion for matchctl and the HTTP API: jansson
 * values are packed with a msgpack_packer, msgpack objects become new
 * jansson values or JSON text.  Every walk is recursive and bounded by
 * JSONMP_MAX_DEPTH.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonmp.h"
#include "utf8.h"

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

/* Base64 of p[0..len) into out, which holds B64_LEN(len) bytes. */
#define B64_LEN(len)	(((len) + 2) / 3 * 4)

static void
b64_encode(const char *p, size_t len, char *out)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)p;
	size_t i, o;
	uint32_t v;

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
}

static json_t *
base64(const char *p, size_t len)
{
	json_t *j;
	char *out;

	if ((out = malloc(B64_LEN(len) + 1)) == NULL)
		return NULL;
	b64_encode(p, len, out);
	j = json_stringn_nocheck(out, B64_LEN(len));
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

/*
 * 1 (with err) if key k, printed as its JSON text, holds a map whose key
 * is no string: that key would be printed as escaped JSON inside the
 * text, and keys inside keys double their text at each level.
 */
static int
jsonmp_key_nested(const msgpack_object *k, int depth, char *err,
    size_t errlen)
{
	uint32_t i;

	if (depth >= JSONMP_MAX_DEPTH)
		return 0;	/* the printers refuse it for its depth */
	if (k->type == MSGPACK_OBJECT_ARRAY) {
		for (i = 0; i < k->via.array.size; i++)
			if (jsonmp_key_nested(&k->via.array.ptr[i], depth + 1,
			    err, errlen))
				return 1;
	} else if (k->type == MSGPACK_OBJECT_MAP) {
		for (i = 0; i < k->via.map.size; i++) {
			if (k->via.map.ptr[i].key.type != MSGPACK_OBJECT_STR) {
				snprintf(err, errlen, "a map key holds a map "
				    "whose key is not a string");
				return 1;
			}
			if (jsonmp_key_nested(&k->via.map.ptr[i].val,
			    depth + 1, err, errlen))
				return 1;
		}
	}
	return 0;
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
	if (jsonmp_key_nested(k, depth, err, errlen) ||
	    (kj = to_json(k, depth, err, errlen)) == NULL) {
		json_decref(v);
		return -1;
	}
	/* As jsonmp_write() prints it: the same key either way. */
	text = json_dumps(kj, JSON_ENCODE_ANY | JSON_COMPACT |
	    JSON_REAL_PRECISION(JSONMP_PRECISION));
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

/* ------------------------------------------------------------------ */
/* msgpack -> JSON text, without a jansson tree                       */

/*
 * Room for n more bytes in b.  The walk only ever appends, so one check
 * per token is enough.
 */
static int
buf_room(struct jsonmp_buf *b, size_t n, char *err, size_t errlen)
{
	size_t cap;
	char *p;

	if (b->cap - b->len >= n)
		return 0;
	cap = b->cap ? b->cap : 1024;
	while (cap - b->len < n)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int
jsonmp_append(struct jsonmp_buf *b, const char *s, size_t n, char *err,
    size_t errlen)
{
	if (buf_room(b, n, err, errlen) == -1)
		return -1;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	return 0;
}

/*
 * The bytes a JSON string cannot hold as they are: controls, '"', '\\'
 * (escaped) and the bytes of UTF-8 sequences (checked).  One look-up per
 * byte keeps the common run of plain ASCII cheap.
 */
static const unsigned char str_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* A JSON string, escaped as jansson escapes (compact, '/' kept). */
static int
write_string(struct jsonmp_buf *b, const char *p, size_t n, char *err,
    size_t errlen)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, start, seq;
	uint32_t cp;
	char *o;

	/* Six bytes per input byte at worst (\u00XX), and the quotes. */
	if (buf_room(b, 6 * n + 2, err, errlen) == -1)
		return -1;
	o = b->data + b->len;
	*o++ = '"';
	while (i < n) {
		for (start = i; i < n && !str_special[s[i]]; i++)
			;
		memcpy(o, p + start, i - start);
		o += i - start;
		if (i == n)
			break;
		if (s[i] >= 0x80) {
			if ((seq = utf8_decode(s + i, n - i, &cp)) == 0) {
				snprintf(err, errlen,
				    "string is not valid UTF-8");
				return -1;
			}
			memcpy(o, p + i, seq);
			o += seq;
			i += seq;
			continue;
		}
		*o++ = '\\';
		switch (s[i]) {
		case '"':
		case '\\':
			*o++ = (char)s[i];
			break;
		case '\b':
			*o++ = 'b';
			break;
		case '\f':
			*o++ = 'f';
			break;
		case '\n':
			*o++ = 'n';
			break;
		case '\r':
			*o++ = 'r';
			break;
		case '\t':
			*o++ = 't';
			break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[s[i] >> 4];
			o[4] = hex[s[i] & 15];
			o += 5;
			break;
		}
		i++;
	}
	*o++ = '"';
	b->len = (size_t)(o - b->data);
	return 0;
}

/* Decimal digits of u into the end of buf; returns where they start. */
static char *
utoa_end(unsigned long long u, char *end)
{
	do
		*--end = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	return end;
}

/*
 * A real as jansson prints it with JSON_REAL_PRECISION(JSONMP_PRECISION).
 * Most of our reals have a few decimals (scores, distances, components):
 * when v is exactly the double nearest to m / 10^k for k <= 6, that
 * decimal is what %.15g prints, so it is written directly; printf, the
 * costliest part of a JSON reply otherwise, is left for the others.
 */
static size_t
format_real(double v, char *out)
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
	char digits[32], *d, *e, *end = digits + sizeof(digits);
	unsigned long long u, scale;
	long long m;
	size_t len;
	int k;

	if (v == 0)
		return (size_t)snprintf(out, 32, "%s", signbit(v) ? "-0.0" :
		    "0.0");
	/* Outside this range %g writes an exponent. */
	k = fabs(v) >= 1e-4 && fabs(v) < 1e9 ? 0 : 7;
	for (; k <= 6; k++) {
		m = llround(v * p10[k]);
		if ((double)m / p10[k] != v)
			continue;
		u = m < 0 ? (unsigned long long)-m : (unsigned long long)m;
		scale = (unsigned long long)p10[k];
		if (k == 0) {
			d = end - 2;
			memcpy(d, ".0", 2);
		} else {
			/* A leading 1 (overwritten), then the k decimals. */
			d = utoa_end(u % scale + scale, end);
			*d = '.';
		}
		d = utoa_end(u / scale, d);
		if (m < 0)
			*--d = '-';
		len = (size_t)(end - d);
		memcpy(out, d, len);
		out[len] = '\0';
		return len;
	}
	len = (size_t)snprintf(out, 32, "%.*g", JSONMP_PRECISION, v);
	if (strpbrk(out, ".e") == NULL) {
		memcpy(out + len, ".0", 3);
		len += 2;
	}
	/* jansson drops the '+' and leading zeros of an exponent. */
	if ((e = strchr(out, 'e')) != NULL) {
		if (*++e == '-')
			e++;
		for (d = e; *d == '+' || (*d == '0' && d[1] != '\0'); d++)
			;
		memmove(e, d, strlen(d) + 1);
		len = strlen(out);
	}
	return len;
}

static int write_json(struct jsonmp_buf *, const msgpack_object *, int,
    char *, size_t);

/* A map key: a str as is, anything else as its JSON text (as a string). */
static int
write_key(struct jsonmp_buf *b, const msgpack_object *k, int depth,
    char *err, size_t errlen)
{
	struct jsonmp_buf text = { NULL, 0, 0 };
	int rc;

	if (k->type == MSGPACK_OBJECT_STR)
		return write_string(b, k->via.str.ptr, k->via.str.size, err,
		    errlen);
	if (jsonmp_key_nested(k, depth, err, errlen))
		return -1;
	rc = write_json(&text, k, depth, err, errlen);
	if (rc == 0)
		rc = write_string(b, text.data, text.len, err, errlen);
	free(text.data);
	return rc;
}

static int
write_json(struct jsonmp_buf *b, const msgpack_object *o, int depth,
    char *err, size_t errlen)
{
	char num[32];
	const char *lit;
	size_t len;
	uint32_t i;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
	case MSGPACK_OBJECT_EXT:
		return jsonmp_append(b, "null", 4, err, errlen);
	case MSGPACK_OBJECT_BOOLEAN:
		lit = o->via.boolean ? "true" : "false";
		return jsonmp_append(b, lit, strlen(lit), err, errlen);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (o->via.u64 > INT64_MAX) {
			snprintf(err, errlen, "integer %llu out of range",
			    (unsigned long long)o->via.u64);
			return -1;
		}
		lit = utoa_end(o->via.u64, num + sizeof(num));
		return jsonmp_append(b, lit, (size_t)(num + sizeof(num) - lit),
		    err, errlen);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		len = (size_t)snprintf(num, sizeof(num), "%lld",
		    (long long)o->via.i64);
		return jsonmp_append(b, num, len, err, errlen);
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		if (!isfinite(o->via.f64)) {
			snprintf(err, errlen, "non-finite number");
			return -1;
		}
		len = format_real(o->via.f64, num);
		return jsonmp_append(b, num, len, err, errlen);
	case MSGPACK_OBJECT_STR:
		return write_string(b, o->via.str.ptr, o->via.str.size, err,
		    errlen);
	case MSGPACK_OBJECT_BIN:
		if (buf_room(b, B64_LEN((size_t)o->via.bin.size) + 2, err,
		    errlen) == -1)
			return -1;
		b->data[b->len++] = '"';
		b64_encode(o->via.bin.ptr, o->via.bin.size, b->data + b->len);
		b->len += B64_LEN((size_t)o->via.bin.size);
		b->data[b->len++] = '"';
		return 0;
	case MSGPACK_OBJECT_ARRAY:
	case MSGPACK_OBJECT_MAP:
		break;
	default:
		snprintf(err, errlen, "unknown msgpack type %d", (int)o->type);
		return -1;
	}

	if (depth >= JSONMP_MAX_DEPTH) {
		snprintf(err, errlen, "nesting deeper than %d levels",
		    JSONMP_MAX_DEPTH);
		return -1;
	}
	if (o->type == MSGPACK_OBJECT_ARRAY) {
		if (jsonmp_append(b, "[", 1, err, errlen) == -1)
			return -1;
		for (i = 0; i < o->via.array.size; i++)
			if ((i > 0 &&
			    jsonmp_append(b, ",", 1, err, errlen) == -1) ||
			    write_json(b, &o->via.array.ptr[i], depth + 1, err,
			    errlen) == -1)
				return -1;
		return jsonmp_append(b, "]", 1, err, errlen);
	}
	if (jsonmp_append(b, "{", 1, err, errlen) == -1)
		return -1;
	for (i = 0; i < o->via.map.size; i++)
		/* A key is at the depth of its value. */
		if ((i > 0 && jsonmp_append(b, ",", 1, err, errlen) == -1) ||
		    write_key(b, &o->via.map.ptr[i].key, depth + 1, err,
		    errlen) == -1 ||
		    jsonmp_append(b, ":", 1, err, errlen) == -1 ||
		    write_json(b, &o->via.map.ptr[i].val, depth + 1, err,
		    errlen) == -1)
			return -1;
	return jsonmp_append(b, "}", 1, err, errlen);
}

int
jsonmp_write(struct jsonmp_buf *b, const msgpack_object *o, char *err,
    size_t errlen)
{
	size_t start = b->len;

	if (write_json(b, o, 0, err, errlen) == -1) {
		b->len = start;
		return -1;
	}
	return 0;
}
