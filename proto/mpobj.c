/*
 * Helpers to read and write msgpack-c objects: map lookup by string key,
 * typed readers that refuse a value of the wrong type or out of range, and
 * packers for strings and key/value pairs.  Pure: no I/O, no allocation.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "mpobj.h"

int
field_error_set(struct field_error *err, const char *field,
    const char *fmt, ...)
{
	va_list	 ap;

	/* Decoders may be called just to validate, without a report. */
	if (err == NULL)
		return -1;
	snprintf(err->field, sizeof(err->field), "%s",
	    field != NULL ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

const msgpack_object *
mp_map_get(const msgpack_object *map, const char *key)
{
	const msgpack_object_kv	*kv;
	size_t			 klen;
	uint32_t		 i;

	if (map == NULL || key == NULL || map->type != MSGPACK_OBJECT_MAP)
		return NULL;
	klen = strlen(key);
	/* Our maps have a few dozen keys at most: a scan is cheapest. */
	for (i = 0; i < map->via.map.size; i++) {
		kv = &map->via.map.ptr[i];
		if (kv->key.type != MSGPACK_OBJECT_STR)
			continue;
		if (kv->key.via.str.size == klen &&
		    (klen == 0 || memcmp(kv->key.via.str.ptr, key, klen) == 0))
			return &kv->val;
	}
	return NULL;
}

int
mp_str_eq(const msgpack_object *o, const char *s)
{
	const char	*p;
	size_t		 n, slen;

	if (o == NULL || s == NULL)
		return 0;
	if (o->type == MSGPACK_OBJECT_STR) {
		p = o->via.str.ptr;
		n = o->via.str.size;
	} else if (o->type == MSGPACK_OBJECT_BIN) {
		p = o->via.bin.ptr;
		n = o->via.bin.size;
	} else
		return 0;
	slen = strlen(s);
	return n == slen && (n == 0 || memcmp(p, s, n) == 0);
}

int
mp_get_str(const msgpack_object *o, const char **s, size_t *len)
{
	if (o == NULL || o->type != MSGPACK_OBJECT_STR)
		return -1;
	/* An empty str may carry a NULL pointer; give callers a valid one. */
	*s = o->via.str.size > 0 ? o->via.str.ptr : "";
	*len = o->via.str.size;
	return 0;
}

int
mp_get_int64(const msgpack_object *o, int64_t *v)
{
	if (o == NULL)
		return -1;
	switch (o->type) {
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (o->via.u64 > (uint64_t)INT64_MAX)
			return -1;
		*v = (int64_t)o->via.u64;
		return 0;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		*v = o->via.i64;
		return 0;
	default:
		/* Floats are refused: 2.5 months is a client bug to report. */
		return -1;
	}
}

int
mp_get_uint32(const msgpack_object *o, uint32_t *v)
{
	if (o == NULL || o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return -1;
	if (o->via.u64 > UINT32_MAX)
		return -1;
	*v = (uint32_t)o->via.u64;
	return 0;
}

int
mp_get_double(const msgpack_object *o, double *v)
{
	double	 d;

	if (o == NULL)
		return -1;
	switch (o->type) {
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		d = (double)o->via.u64;
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		d = (double)o->via.i64;
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		d = o->via.f64;
		break;
	default:
		return -1;
	}
	/* NaN would slip through every range check that follows. */
	if (!isfinite(d))
		return -1;
	*v = d;
	return 0;
}

int
mp_get_bool(const msgpack_object *o, int *v)
{
	if (o == NULL || o->type != MSGPACK_OBJECT_BOOLEAN)
		return -1;
	*v = o->via.boolean ? 1 : 0;
	return 0;
}

int
mp_copy_str(const msgpack_object *o, char *buf, size_t bufsz)
{
	size_t	 n;

	if (o == NULL || buf == NULL || bufsz == 0 ||
	    o->type != MSGPACK_OBJECT_STR)
		return -1;
	n = o->via.str.size;
	if (n >= bufsz)
		return -1;
	/* An embedded NUL would silently truncate the C string. */
	if (n > 0 && memchr(o->via.str.ptr, '\0', n) != NULL)
		return -1;
	if (n > 0)
		memcpy(buf, o->via.str.ptr, n);
	buf[n] = '\0';
	return 0;
}

void
mp_pack_strn(msgpack_packer *pk, const char *s, size_t len)
{
	(void)msgpack_pack_str(pk, len);
	if (len > 0)
		(void)msgpack_pack_str_body(pk, s, len);
}

void
mp_pack_str(msgpack_packer *pk, const char *s)
{
	/* A missing string goes out as nil, as the protocol writes "str|nil". */
	if (s == NULL) {
		(void)msgpack_pack_nil(pk);
		return;
	}
	mp_pack_strn(pk, s, strlen(s));
}

void
mp_pack_kv_str(msgpack_packer *pk, const char *key, const char *val)
{
	mp_pack_str(pk, key);
	mp_pack_str(pk, val);
}

void
mp_pack_kv_int(msgpack_packer *pk, const char *key, int64_t val)
{
	mp_pack_str(pk, key);
	(void)msgpack_pack_int64(pk, val);
}

void
mp_pack_kv_bool(msgpack_packer *pk, const char *key, int val)
{
	mp_pack_str(pk, key);
	if (val)
		(void)msgpack_pack_true(pk);
	else
		(void)msgpack_pack_false(pk);
}

void
mp_pack_kv_double(msgpack_packer *pk, const char *key, double val)
{
	mp_pack_str(pk, key);
	(void)msgpack_pack_double(pk, val);
}
