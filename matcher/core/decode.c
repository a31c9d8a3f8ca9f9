/*
 * The field codecs that every record decoder shares (candidate.c,
 * offer.c, clause.c): the record map's shape, ids, texts, bounded
 * integers, dates, vocabulary sets, skill tags, ROME codes, locations.
 * Every one names the offending field with its full path ("jobs[2].rome",
 * "skills[3]") so that a client can point at it.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "dates.h"
#include "decode.h"
#include "domain.h"
#include "geo.h"
#include "mpobj.h"
#include "refdata.h"
#include "utf8.h"

/* Longest piece of client text quoted back in an error message. */
#define QUOTE_MAX 40

static int
is_lower_digit(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

_Static_assert(RECORD_ID_MAX == 64, "RECORD_ID_RULE names the bound");

int
record_id_valid(const char *s, size_t len)
{
	unsigned char c;
	size_t i;

	if (s == NULL || len < 1 || len > RECORD_ID_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (!is_lower_digit(c) && !(c >= 'A' && c <= 'Z') &&
		    c != '_' && c != '.' && c != ':' && c != '-')
			return 0;
	}
	return 1;
}

/* Clip client text quoted in messages: it may be long or binary. */
int
decode_quote_len(size_t len)
{
	return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
}

/* "path.key", or "key" at the top level. */
void
decode_path_key(char *buf, size_t size, const char *path, const char *key,
    size_t klen)
{
	snprintf(buf, size, "%s%s%.*s", path, *path != '\0' ? "." : "",
	    decode_quote_len(klen), key);
}

void
decode_path_index(char *buf, size_t size, const char *path, uint32_t i)
{
	snprintf(buf, size, "%s[%" PRIu32 "]", path, i);
}

int
decode_fields(const msgpack_object *map, const char *path, const char *what,
    const char *const *names, int count, uint64_t required,
    const msgpack_object **vals, struct field_error *err)
{
	char field[sizeof(err->field)];
	const msgpack_object_kv *kv;
	const char *key;
	size_t klen;
	uint64_t seen = 0;
	uint32_t i;
	int k;

	if (map == NULL || map->type != MSGPACK_OBJECT_MAP)
		return field_error_set(err, path, "%s must be a map", what);
	for (k = 0; k < count; k++)
		vals[k] = NULL;
	/*
	 * Every key must be known and new, so a map bigger than `count`
	 * fails within its first count + 1 keys: the scan stays short.
	 */
	for (i = 0; i < map->via.map.size; i++) {
		kv = &map->via.map.ptr[i];
		if (mp_get_str(&kv->key, &key, &klen) == -1)
			return field_error_set(err, path,
			    "%s keys must be strings", what);
		for (k = 0; k < count; k++)
			if (strlen(names[k]) == klen &&
			    memcmp(names[k], key, klen) == 0)
				break;
		decode_path_key(field, sizeof(field), path, key, klen);
		if (k == count)
			return field_error_set(err, field, "unknown field");
		if (seen & (1ull << k))
			return field_error_set(err, field, "duplicate field");
		seen |= 1ull << k;
		/* nil stands for "absent", as the canonical maps write it. */
		if (kv->val.type != MSGPACK_OBJECT_NIL)
			vals[k] = &kv->val;
	}
	for (k = 0; k < count; k++)
		if ((required & (1ull << k)) && vals[k] == NULL) {
			decode_path_key(field, sizeof(field), path, names[k],
			    strlen(names[k]));
			return field_error_set(err, field, "required");
		}
	return 0;
}

int
decode_record_id(const msgpack_object *o, const char *field, char *buf,
    struct field_error *err)
{
	const char *s;
	size_t len;

	if (o == NULL)
		return 0;
	if (mp_get_str(o, &s, &len) == -1)
		return field_error_set(err, field, "must be a string");
	if (!record_id_valid(s, len))
		return field_error_set(err, field, "must be " RECORD_ID_RULE);
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

int
decode_text(const msgpack_object *o, const char *field, size_t minlen,
    size_t maxlen, char *buf, struct field_error *err)
{
	const char *s;
	size_t len;

	if (o == NULL)
		return 0;
	if (mp_get_str(o, &s, &len) == -1)
		return field_error_set(err, field, "must be a string");
	if (len < minlen || len > maxlen)
		return field_error_set(err, field,
		    "must be %zu to %zu bytes long", minlen, maxlen);
	/* A NUL would cut the stored C string short. */
	if (memchr(s, '\0', len) != NULL ||
	    !utf8_valid(s, len))
		return field_error_set(err, field,
		    "must be valid UTF-8 without NUL");
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

int
decode_int(const msgpack_object *o, const char *field, int min, int max,
    int *out, struct field_error *err)
{
	int64_t v;

	if (o == NULL)
		return 0;
	if (mp_get_int64(o, &v) == -1)
		return field_error_set(err, field, "must be an integer");
	if (v < min || v > max)
		return field_error_set(err, field,
		    "%" PRId64 " is out of range %d-%d", v, min, max);
	*out = (int)v;
	return 0;
}

int
decode_bool(const msgpack_object *o, const char *field, int *out,
    struct field_error *err)
{
	if (o == NULL)
		return 0;
	if (mp_get_bool(o, out) == -1)
		return field_error_set(err, field, "must be a boolean");
	return 0;
}

int
decode_date(const msgpack_object *o, const char *field, int32_t *out,
    struct field_error *err)
{
	const char *s;
	size_t len;

	if (o == NULL)
		return 0;
	if (mp_get_str(o, &s, &len) == -1)
		return field_error_set(err, field,
		    "must be a date string YYYY-MM-DD");
	if (date_parse(s, len, out) == -1)
		return field_error_set(err, field,
		    "'%.*s' is not a date YYYY-MM-DD (years 1900-2199)",
		    decode_quote_len(len), s);
	return 0;
}

int
decode_vocab(const msgpack_object *o, const char *field,
    const struct vocab *v, int *out, struct field_error *err)
{
	const char *s;
	size_t len;
	int i;

	if (o == NULL)
		return 0;
	if (mp_get_str(o, &s, &len) == -1)
		return field_error_set(err, field, "must be a string (%s)",
		    v->what);
	if ((i = vocab_lookup(v, s, len)) == -1)
		return field_error_set(err, field, "unknown %s '%.*s'",
		    v->what, decode_quote_len(len), s);
	*out = i;
	return 0;
}

int
decode_vocab_set(const msgpack_object *o, const char *field,
    const struct vocab *v, int nonempty, uint32_t *out,
    struct field_error *err)
{
	char path[sizeof(err->field)];
	uint32_t i, set = 0;
	int x = 0;

	if (o == NULL)
		return 0;
	if (o->type != MSGPACK_OBJECT_ARRAY)
		return field_error_set(err, field, "must be a list of %s names",
		    v->what);
	if (nonempty && o->via.array.size == 0)
		return field_error_set(err, field, "must not be empty");
	for (i = 0; i < o->via.array.size; i++) {
		decode_path_index(path, sizeof(path), field, i);
		if (decode_vocab(&o->via.array.ptr[i], path, v, &x, err) == -1)
			return -1;
		/* A repeat is a client bug; say so rather than fold it. */
		if (set & (1u << x))
			return field_error_set(err, path, "duplicate %s '%s'",
			    v->what, vocab_name(v, x));
		set |= 1u << x;
	}
	*out = set;
	return 0;
}

int
decode_tag_list(const msgpack_object *o, const char *field, int max,
    char (*tags)[SKILL_MAX_LEN + 1], int *n, struct field_error *err)
{
	char path[sizeof(err->field)];
	const char *s;
	size_t len, j;
	uint32_t i;
	int k;

	if (o == NULL)
		return 0;
	if (o->type != MSGPACK_OBJECT_ARRAY)
		return field_error_set(err, field, "must be a list of tags");
	if (o->via.array.size > (uint32_t)max)
		return field_error_set(err, field, "at most %d tags", max);
	for (i = 0; i < o->via.array.size; i++) {
		decode_path_index(path, sizeof(path), field, i);
		if (mp_get_str(&o->via.array.ptr[i], &s, &len) == -1)
			return field_error_set(err, path, "must be a string");
		if (len < 1 || len > SKILL_MAX_LEN)
			return field_error_set(err, path,
			    "tags are 1 to %d characters long", SKILL_MAX_LEN);
		for (j = 0; j < len; j++) {
			if (s[j] >= 'A' && s[j] <= 'Z')
				return field_error_set(err, path,
				    "tags are lower case: '%.*s'",
				    decode_quote_len(len), s);
			if (!is_lower_digit((unsigned char)s[j]) &&
			    (j == 0 || (s[j] != '.' && s[j] != '_' &&
			    s[j] != '-')))
				return field_error_set(err, path,
				    "tags are [a-z0-9][a-z0-9._-]*: '%.*s'",
				    decode_quote_len(len), s);
		}
		for (k = 0; k < (int)i; k++)
			if (strlen(tags[k]) == len &&
			    memcmp(tags[k], s, len) == 0)
				return field_error_set(err, path,
				    "duplicate tag '%.*s'", decode_quote_len(len), s);
		memcpy(tags[i], s, len);
		tags[i][len] = '\0';
	}
	*n = (int)o->via.array.size;
	return 0;
}

int
decode_rome(const msgpack_object *o, const char *field,
    const struct refdata *ref, char code[ROME_CODE_LEN + 1], int *id,
    struct field_error *err)
{
	const char *s;
	size_t len;
	int i;

	if (o == NULL)
		return 0;
	if (mp_get_str(o, &s, &len) == -1)
		return field_error_set(err, field,
		    "must be a ROME code string (F1701)");
	if ((i = refdata_rome_id(ref, s, len)) == -1)
		return field_error_set(err, field, "unknown ROME code '%.*s'",
		    decode_quote_len(len), s);
	memcpy(code, ref->rome[i].code, ROME_CODE_LEN + 1);
	*id = i;
	return 0;
}

/* One coordinate; geo_valid() on (x, 0) or (0, x) checks just that one. */
static int
decode_coord(const msgpack_object *o, const char *field, int is_lat,
    double *out, struct field_error *err)
{
	double d;

	if (mp_get_double(o, &d) == -1)
		return field_error_set(err, field, "must be a number");
	if (!(is_lat ? geo_valid(d, 0.0) : geo_valid(0.0, d)))
		return field_error_set(err, field, "%g is out of range %s", d,
		    is_lat ? "-90 to 90" : "-180 to 180");
	*out = d;
	return 0;
}

int
decode_location(const msgpack_object *commune, const msgpack_object *lat,
    const msgpack_object *lon, const struct refdata *ref,
    char commune_out[INSEE_CODE_LEN + 1], double *lat_out, double *lon_out,
    struct field_error *err)
{
	const struct commune *c = NULL;
	const char *s;
	size_t len;

	if (commune != NULL) {
		if (mp_get_str(commune, &s, &len) == -1)
			return field_error_set(err, "commune",
			    "must be an INSEE code string (59183)");
		if ((c = refdata_commune(ref, s, len)) == NULL)
			return field_error_set(err, "commune",
			    "unknown commune %.*s", decode_quote_len(len), s);
		memcpy(commune_out, c->insee, INSEE_CODE_LEN + 1);
	} else
		commune_out[0] = '\0';
	if (lat != NULL && lon == NULL)
		return field_error_set(err, "lon", "required with lat");
	if (lon != NULL && lat == NULL)
		return field_error_set(err, "lat", "required with lon");
	if (lat != NULL) {
		/* Explicit coordinates are finer than the commune's centre. */
		if (decode_coord(lat, "lat", 1, lat_out, err) == -1 ||
		    decode_coord(lon, "lon", 0, lon_out, err) == -1)
			return -1;
		return 0;
	}
	if (c == NULL)
		return field_error_set(err, "commune",
		    "commune or lat/lon is required");
	*lat_out = c->lat;
	*lon_out = c->lon;
	return 0;
}
