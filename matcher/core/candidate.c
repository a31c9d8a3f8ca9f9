/*
 * Candidate records: validation of the msgpack map a client sends, and the
 * canonical map stored in Redis and returned by candidate.get.  Also the
 * field codecs that offer.c shares (record map shape, ids, texts, bounded
 * integers, dates, vocabulary sets, skill tags, ROME codes, locations).
 *
 * Every decoder names the offending field with its full path
 * ("jobs[2].rome", "skills[3]") so that a client can point at it.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "candidate.h"
#include "utf8.h"
#include "dates.h"
#include "domain.h"
#include "geo.h"
#include "mpobj.h"
#include "refdata.h"

/* Longest piece of client text quoted back in an error message. */
#define QUOTE_MAX 40

/* Field order is the canonical order of candidate_pack(). */
#define CAND_FIELDS(X)							\
	X(ID, "id")							\
	X(SECTORS, "sectors")						\
	X(JOBS, "jobs")							\
	X(SKILLS, "skills")						\
	X(LICENCES, "licences")						\
	X(VEHICLE, "vehicle")						\
	X(LEVEL, "level")						\
	X(COMMUNE, "commune")						\
	X(LAT, "lat")							\
	X(LON, "lon")							\
	X(RADIUS_KM, "radius_km")					\
	X(AVAILABLE_FROM, "available_from")				\
	X(CONTRACTS, "contracts")					\
	X(WORKING_TIME, "working_time")					\
	X(BIRTH_DATE, "birth_date")					\
	X(CRITERIA, "criteria")						\
	X(BARRIERS, "barriers")						\
	X(STATUS, "status")						\
	X(ADVISER, "adviser")						\
	X(CONSENT_PARTNERS, "consent_partners")

#define X_CF_ENUM(s, n) CF_##s,
#define X_CF_NAME(s, n) n,
enum cand_field { CAND_FIELDS(X_CF_ENUM) CF_COUNT };
static const char *const cand_fields[] = { CAND_FIELDS(X_CF_NAME) };
#define CF(s) cand_fields[CF_##s]

#define CAND_REQUIRED							\
	((1ull << CF_ID) | (1ull << CF_SECTORS) | (1ull << CF_JOBS))

enum job_field { JF_ROME, JF_MONTHS, JF_COUNT };
static const char *const job_fields[] = { "rome", "months" };

/* Clip client text quoted in messages: it may be long or binary. */
static int
quote_len(size_t len)
{
	return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
}

/* "path.key", or "key" at the top level. */
static void
path_key(char *buf, size_t size, const char *path, const char *key,
    size_t klen)
{
	snprintf(buf, size, "%s%s%.*s", path, *path != '\0' ? "." : "",
	    quote_len(klen), key);
}

static void
path_index(char *buf, size_t size, const char *path, uint32_t i)
{
	snprintf(buf, size, "%s[%" PRIu32 "]", path, i);
}

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
		path_key(field, sizeof(field), path, key, klen);
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
			path_key(field, sizeof(field), path, names[k],
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

static int
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
		    quote_len(len), s);
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
		    v->what, quote_len(len), s);
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
		path_index(path, sizeof(path), field, i);
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
		path_index(path, sizeof(path), field, i);
		if (mp_get_str(&o->via.array.ptr[i], &s, &len) == -1)
			return field_error_set(err, path, "must be a string");
		if (len < 1 || len > SKILL_MAX_LEN)
			return field_error_set(err, path,
			    "tags are 1 to %d characters long", SKILL_MAX_LEN);
		for (j = 0; j < len; j++) {
			if (s[j] >= 'A' && s[j] <= 'Z')
				return field_error_set(err, path,
				    "tags are lower case: '%.*s'",
				    quote_len(len), s);
			if (!is_lower_digit((unsigned char)s[j]) &&
			    (j == 0 || (s[j] != '.' && s[j] != '_' &&
			    s[j] != '-')))
				return field_error_set(err, path,
				    "tags are [a-z0-9][a-z0-9._-]*: '%.*s'",
				    quote_len(len), s);
		}
		for (k = 0; k < (int)i; k++)
			if (strlen(tags[k]) == len &&
			    memcmp(tags[k], s, len) == 0)
				return field_error_set(err, path,
				    "duplicate tag '%.*s'", quote_len(len), s);
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
		    quote_len(len), s);
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
			    "unknown commune %.*s", quote_len(len), s);
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

static int
decode_jobs(const msgpack_object *o, const struct refdata *ref,
    struct candidate *out, struct field_error *err)
{
	const msgpack_object *v[JF_COUNT];
	char path[32], field[sizeof(err->field)];	/* "jobs[15]" */
	struct cand_job *job;
	uint32_t i;
	int k;

	if (o == NULL)
		return 0;
	if (o->type != MSGPACK_OBJECT_ARRAY)
		return field_error_set(err, CF(JOBS),
		    "must be a list of {rome, months}");
	if (o->via.array.size < 1 || o->via.array.size > CAND_MAX_JOBS)
		return field_error_set(err, CF(JOBS),
		    "must hold 1 to %d jobs", CAND_MAX_JOBS);
	for (i = 0; i < o->via.array.size; i++) {
		job = &out->jobs[i];
		path_index(path, sizeof(path), CF(JOBS), i);
		if (decode_fields(&o->via.array.ptr[i], path, "job",
		    job_fields, JF_COUNT, 1ull << JF_ROME, v, err) == -1)
			return -1;
		path_key(field, sizeof(field), path, job_fields[JF_ROME],
		    strlen(job_fields[JF_ROME]));
		if (decode_rome(v[JF_ROME], field, ref, job->rome,
		    &job->rome_id, err) == -1)
			return -1;
		for (k = 0; k < (int)i; k++)
			if (out->jobs[k].rome_id == job->rome_id)
				return field_error_set(err, field,
				    "duplicate job %s", job->rome);
		path_key(field, sizeof(field), path, job_fields[JF_MONTHS],
		    strlen(job_fields[JF_MONTHS]));
		if (decode_int(v[JF_MONTHS], field, 0, MONTHS_MAX,
		    &job->months, err) == -1)
			return -1;
	}
	out->njobs = (int)o->via.array.size;
	return 0;
}

int
candidate_decode(const msgpack_object *map, const struct refdata *ref,
    struct candidate *out, struct field_error *err)
{
	const msgpack_object *v[CF_COUNT];

	memset(out, 0, sizeof(*out));
	out->radius_km = CAND_DEFAULT_RADIUS_KM;
	out->available_from = DATE_NONE;
	out->contracts = (1u << CONTRACT_COUNT) - 1;
	out->working_time = WORKTIME_ANY;
	out->birth_date = DATE_NONE;
	out->status = STATUS_AVAILABLE;

	if (decode_fields(map, "", "candidate", cand_fields, CF_COUNT,
	    CAND_REQUIRED, v, err) == -1 ||
	    decode_record_id(v[CF_ID], CF(ID), out->id, err) == -1 ||
	    decode_vocab_set(v[CF_SECTORS], CF(SECTORS), &vocab_sector, 1,
	    &out->sectors, err) == -1 ||
	    decode_jobs(v[CF_JOBS], ref, out, err) == -1 ||
	    decode_tag_list(v[CF_SKILLS], CF(SKILLS), CAND_MAX_SKILLS,
	    out->skills, &out->nskills, err) == -1 ||
	    decode_vocab_set(v[CF_LICENCES], CF(LICENCES), &vocab_licence, 0,
	    &out->licences, err) == -1 ||
	    decode_bool(v[CF_VEHICLE], CF(VEHICLE), &out->vehicle,
	    err) == -1 ||
	    decode_int(v[CF_LEVEL], CF(LEVEL), 0, LEVEL_MAX, &out->level,
	    err) == -1 ||
	    decode_location(v[CF_COMMUNE], v[CF_LAT], v[CF_LON], ref,
	    out->commune, &out->lat, &out->lon, err) == -1 ||
	    decode_int(v[CF_RADIUS_KM], CF(RADIUS_KM), 1, RADIUS_MAX_KM,
	    &out->radius_km, err) == -1 ||
	    decode_date(v[CF_AVAILABLE_FROM], CF(AVAILABLE_FROM),
	    &out->available_from, err) == -1 ||
	    /* Accepting no contract at all would hide the candidate. */
	    decode_vocab_set(v[CF_CONTRACTS], CF(CONTRACTS), &vocab_contract,
	    1, &out->contracts, err) == -1 ||
	    decode_vocab(v[CF_WORKING_TIME], CF(WORKING_TIME),
	    &vocab_worktime, &out->working_time, err) == -1 ||
	    decode_date(v[CF_BIRTH_DATE], CF(BIRTH_DATE), &out->birth_date,
	    err) == -1 ||
	    decode_vocab_set(v[CF_CRITERIA], CF(CRITERIA), &vocab_criterion,
	    0, &out->criteria, err) == -1 ||
	    decode_vocab_set(v[CF_BARRIERS], CF(BARRIERS), &vocab_barrier, 0,
	    &out->barriers, err) == -1 ||
	    decode_vocab(v[CF_STATUS], CF(STATUS), &vocab_status,
	    &out->status, err) == -1 ||
	    decode_text(v[CF_ADVISER], CF(ADVISER), 0, ADVISER_MAX,
	    out->adviser, err) == -1 ||
	    decode_bool(v[CF_CONSENT_PARTNERS], CF(CONSENT_PARTNERS),
	    &out->consent_partners, err) == -1)
		return -1;
	return 0;
}

void
pack_vocab_set(msgpack_packer *pk, const char *key, const struct vocab *v,
    uint32_t set)
{
	int i, n = 0;

	for (i = 0; i < v->count; i++)
		n += (set >> i) & 1;
	mp_pack_str(pk, key);
	(void)msgpack_pack_array(pk, (size_t)n);
	for (i = 0; i < v->count; i++)
		if (set & (1u << i))
			mp_pack_str(pk, vocab_name(v, i));
}

void
pack_tag_list(msgpack_packer *pk, const char *key,
    const char (*tags)[SKILL_MAX_LEN + 1], int n)
{
	int i;

	mp_pack_str(pk, key);
	(void)msgpack_pack_array(pk, (size_t)n);
	for (i = 0; i < n; i++)
		mp_pack_str(pk, tags[i]);
}

void
pack_opt_str(msgpack_packer *pk, const char *key, const char *s)
{
	mp_pack_kv_str(pk, key, *s != '\0' ? s : NULL);
}

void
pack_opt_date(msgpack_packer *pk, const char *key, int32_t day)
{
	char buf[11];

	if (day == DATE_NONE) {
		mp_pack_kv_str(pk, key, NULL);
		return;
	}
	date_format(day, buf);
	mp_pack_kv_str(pk, key, buf);
}

void
pack_location(msgpack_packer *pk, const char *commune, double lat,
    double lon)
{
	pack_opt_str(pk, "commune", commune);
	mp_pack_kv_double(pk, "lat", lat);
	mp_pack_kv_double(pk, "lon", lon);
}

void
candidate_pack(const struct candidate *c, msgpack_packer *pk)
{
	int i;

	(void)msgpack_pack_map(pk, CF_COUNT);
	mp_pack_kv_str(pk, CF(ID), c->id);
	pack_vocab_set(pk, CF(SECTORS), &vocab_sector, c->sectors);
	mp_pack_str(pk, CF(JOBS));
	(void)msgpack_pack_array(pk, (size_t)c->njobs);
	for (i = 0; i < c->njobs; i++) {
		(void)msgpack_pack_map(pk, JF_COUNT);
		mp_pack_kv_str(pk, job_fields[JF_ROME], c->jobs[i].rome);
		mp_pack_kv_int(pk, job_fields[JF_MONTHS], c->jobs[i].months);
	}
	pack_tag_list(pk, CF(SKILLS), c->skills, c->nskills);
	pack_vocab_set(pk, CF(LICENCES), &vocab_licence, c->licences);
	mp_pack_kv_bool(pk, CF(VEHICLE), c->vehicle);
	mp_pack_kv_int(pk, CF(LEVEL), c->level);
	pack_location(pk, c->commune, c->lat, c->lon);
	mp_pack_kv_int(pk, CF(RADIUS_KM), c->radius_km);
	pack_opt_date(pk, CF(AVAILABLE_FROM), c->available_from);
	pack_vocab_set(pk, CF(CONTRACTS), &vocab_contract, c->contracts);
	mp_pack_kv_str(pk, CF(WORKING_TIME),
	    vocab_name(&vocab_worktime, c->working_time));
	pack_opt_date(pk, CF(BIRTH_DATE), c->birth_date);
	pack_vocab_set(pk, CF(CRITERIA), &vocab_criterion, c->criteria);
	pack_vocab_set(pk, CF(BARRIERS), &vocab_barrier, c->barriers);
	mp_pack_kv_str(pk, CF(STATUS), vocab_name(&vocab_status, c->status));
	pack_opt_str(pk, CF(ADVISER), c->adviser);
	mp_pack_kv_bool(pk, CF(CONSENT_PARTNERS), c->consent_partners);
}
