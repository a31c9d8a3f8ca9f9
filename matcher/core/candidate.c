/*
 * Candidate records: validation of the msgpack map a client sends, and the
 * canonical map stored in Redis and returned by candidate.get, through
 * the shared field codecs (decode.c, pack.c).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "candidate.h"
#include "decode.h"
#include "utf8.h"
#include "dates.h"
#include "domain.h"
#include "geo.h"
#include "identity.h"
#include "mpobj.h"
#include "pack.h"
#include "refdata.h"

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
	X(CONSENT_PARTNERS, "consent_partners")				\
	X(UPDATED_ON, "updated_on")

#define X_CF_ENUM(s, n) CF_##s,
#define X_CF_NAME(s, n) n,
enum cand_field { CAND_FIELDS(X_CF_ENUM) CF_COUNT };
/*
 * The record's names, then the identity's: those are known keys of a put
 * (candidate_decode_with_identity()), never fields of the record.
 */
static const char *const cand_fields[] = { CAND_FIELDS(X_CF_NAME)
    IDENTITY_FIELDS(X_CF_NAME) };
#define CF_WITH_IDENTITY (CF_COUNT + IDENTITY_COUNT)
#define CF(s) cand_fields[CF_##s]

#define CAND_REQUIRED							\
	((1ull << CF_ID) | (1ull << CF_SECTORS) | (1ull << CF_JOBS))

enum job_field { JF_ROME, JF_MONTHS, JF_COUNT };
static const char *const job_fields[] = { "rome", "months" };

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
		decode_path_index(path, sizeof(path), CF(JOBS), i);
		if (decode_fields(&o->via.array.ptr[i], path, "job",
		    job_fields, JF_COUNT, 1ull << JF_ROME, v, err) == -1)
			return -1;
		decode_path_key(field, sizeof(field), path, job_fields[JF_ROME],
		    strlen(job_fields[JF_ROME]));
		if (decode_rome(v[JF_ROME], field, ref, job->rome,
		    &job->rome_id, err) == -1)
			return -1;
		for (k = 0; k < (int)i; k++)
			if (out->jobs[k].rome_id == job->rome_id)
				return field_error_set(err, field,
				    "duplicate job %s", job->rome);
		decode_path_key(field, sizeof(field), path, job_fields[JF_MONTHS],
		    strlen(job_fields[JF_MONTHS]));
		if (decode_int(v[JF_MONTHS], field, 0, MONTHS_MAX,
		    &job->months, err) == -1)
			return -1;
	}
	out->njobs = (int)o->via.array.size;
	return 0;
}

/* The record's fields; the first nkeys names are the keys allowed. */
static int
decode_record(const msgpack_object *map, const struct refdata *ref,
    struct candidate *out, int nkeys, struct field_error *err)
{
	const msgpack_object *v[CF_WITH_IDENTITY];

	memset(out, 0, sizeof(*out));
	out->radius_km = CAND_DEFAULT_RADIUS_KM;
	out->available_from = DATE_NONE;
	out->contracts = (1u << CONTRACT_COUNT) - 1;
	out->working_time = WORKTIME_ANY;
	out->birth_date = DATE_NONE;
	out->status = STATUS_AVAILABLE;
	out->updated_on = DATE_NONE;

	if (decode_fields(map, "", "candidate", cand_fields, nkeys,
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
	    &out->consent_partners, err) == -1 ||
	    decode_date(v[CF_UPDATED_ON], CF(UPDATED_ON), &out->updated_on,
	    err) == -1)
		return -1;
	return 0;
}

int
candidate_decode(const msgpack_object *map, const struct refdata *ref,
    struct candidate *out, struct field_error *err)
{
	return decode_record(map, ref, out, CF_COUNT, err);
}

int
candidate_decode_with_identity(const msgpack_object *map,
    const struct refdata *ref, struct candidate *out, struct identity *ident,
    struct field_error *err)
{
	if (decode_record(map, ref, out, CF_WITH_IDENTITY, err) == -1)
		return -1;
	return identity_decode(map, ident, err);
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
	pack_opt_date(pk, CF(UPDATED_ON), c->updated_on);
}
