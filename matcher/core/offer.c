/*
 * Offer records: validation of the msgpack map a client sends, and the
 * canonical map stored in Redis and sent with every match result.  The
 * field codecs are candidate.c's, so both records obey the same rules.
 */
#include <stdint.h>
#include <string.h>

#include <msgpack.h>

#include "candidate.h"
#include "decode.h"
#include "pack.h"
#include "dates.h"
#include "domain.h"
#include "mpobj.h"
#include "offer.h"
#include "refdata.h"

/* Field order is the canonical order of offer_pack(). */
#define OFFER_FIELDS(X)							\
	X(ID, "id")							\
	X(SOURCE, "source")						\
	X(TITLE, "title")						\
	X(ROME, "rome")							\
	X(ROME_V4, "rome_v4")						\
	X(SECTOR, "sector")						\
	X(EMPLOYER, "employer")						\
	X(PARTNER, "partner")						\
	X(COMMUNE, "commune")						\
	X(LAT, "lat")							\
	X(LON, "lon")							\
	X(DEPARTMENT, "department")					\
	X(MAX_KM, "max_km")						\
	X(CONTRACT, "contract")						\
	X(DURATION_MONTHS, "duration_months")				\
	X(WORKING_TIME, "working_time")					\
	X(START, "start")						\
	X(POSITIONS, "positions")					\
	X(LEVEL_MIN, "level_min")					\
	X(EXPERIENCE_MONTHS, "experience_months")			\
	X(LICENCES_REQUIRED, "licences_required")			\
	X(SKILLS_REQUIRED, "skills_required")				\
	X(SKILLS_WANTED, "skills_wanted")				\
	X(AGE_MIN, "age_min")						\
	X(AGE_MAX, "age_max")						\
	X(NOTES, "notes")						\
	X(CLAUSE, "clause")

#define X_OF_ENUM(s, n) OF_##s,
#define X_OF_NAME(s, n) n,
enum offer_field { OFFER_FIELDS(X_OF_ENUM) OF_COUNT };
static const char *const offer_fields[] = { OFFER_FIELDS(X_OF_NAME) };
#define OF(s) offer_fields[OF_##s]

#define OFFER_REQUIRED							\
	((1ull << OF_ID) | (1ull << OF_SOURCE) | (1ull << OF_TITLE) |	\
	(1ull << OF_ROME) | (1ull << OF_CONTRACT))

enum clause_field { KF_OPERATION, KF_CONTRACTOR, KF_CRITERIA, KF_HOURS,
	KF_COUNT };
static const char *const clause_fields[] = { "operation", "contractor",
	"criteria", "hours" };

static int
decode_clause(const msgpack_object *o, struct offer *out,
    struct field_error *err)
{
	const msgpack_object *v[KF_COUNT];

	if (o == NULL)
		return 0;
	if (decode_fields(o, OF(CLAUSE), "clause", clause_fields, KF_COUNT,
	    1ull << KF_OPERATION, v, err) == -1 ||
	    decode_record_id(v[KF_OPERATION], "clause.operation",
	    out->clause.operation, err) == -1 ||
	    decode_record_id(v[KF_CONTRACTOR], "clause.contractor",
	    out->clause.contractor, err) == -1 ||
	    /* Empty: the configured default criteria apply. */
	    decode_vocab_set(v[KF_CRITERIA], "clause.criteria",
	    &vocab_criterion, 0, &out->clause.criteria, err) == -1 ||
	    decode_int(v[KF_HOURS], "clause.hours", 0, CLAUSE_HOURS_MAX,
	    &out->clause.hours, err) == -1)
		return -1;
	out->has_clause = 1;
	return 0;
}

/*
 * rome: a v3 code, or a ROME 4.0 code missing from the v3 table.  When
 * the latter's domain has v3 codes, rome_v4 keeps it and rome becomes the
 * domain's first v3 code; the canonical map carries both, so rome_v4
 * given with a v3 rome must be a code of that domain that the table does
 * not have.  A code of a domain without v3 codes is taken only when
 * rome_v4 repeats it (a feed's code, on purpose, not a typo): it is kept
 * as it is, with rome_id -1, and matches no v3 code.
 */
static int
decode_offer_rome(const msgpack_object *rome, const msgpack_object *v4,
    const struct refdata *ref, struct offer *out, struct field_error *err)
{
	const char *s, *s4;
	size_t len, len4;
	int id;

	if (mp_get_str(rome, &s, &len) == -1)
		return field_error_set(err, OF(ROME),
		    "must be a ROME code string (F1701)");
	if (refdata_rome_well_formed(s, len) &&
	    refdata_rome_id(ref, s, len) == -1) {
		if (v4 != NULL && (mp_get_str(v4, &s4, &len4) == -1 ||
		    len4 != len || memcmp(s4, s, len) != 0))
			return field_error_set(err, OF(ROME_V4), "must be "
			    "the rome code itself when that is not a v3 code");
		id = refdata_rome_domain_first(ref, s);
		if (id == -1 && v4 == NULL)
			return field_error_set(err, OF(ROME), "unknown ROME "
			    "code '%.*s' (no v3 code in its domain; to keep "
			    "a ROME 4.0 code, give it as rome_v4 too)",
			    (int)len, s);
		memcpy(out->rome_v4, s, len);
		out->rome_v4[len] = '\0';
		memcpy(out->rome, id >= 0 ? ref->rome[id].code : out->rome_v4,
		    ROME_CODE_LEN + 1);
		out->rome_id = id;
		return 0;
	}
	if (decode_rome(rome, OF(ROME), ref, out->rome, &out->rome_id,
	    err) == -1)
		return -1;
	if (v4 == NULL)
		return 0;
	if (mp_get_str(v4, &s, &len) == -1 ||
	    !refdata_rome_well_formed(s, len))
		return field_error_set(err, OF(ROME_V4),
		    "must be a ROME code string (F1799)");
	if (refdata_rome_id(ref, s, len) != -1 ||
	    memcmp(s, out->rome, 3) != 0)
		return field_error_set(err, OF(ROME_V4), "must be a code of "
		    "%.3s missing from the v3 table", out->rome);
	memcpy(out->rome_v4, s, len);
	out->rome_v4[len] = '\0';
	return 0;
}

/*
 * The place: a commune or coordinates, or a department alone ("59"), at
 * the department's reference point unless coordinates are given.
 */
static int
decode_place(const msgpack_object **v, const struct refdata *ref,
    struct offer *out, struct field_error *err)
{
	const struct refdata_department *d;
	const char *s;
	size_t len;

	if (v[OF_DEPARTMENT] == NULL) {
		if (decode_location(v[OF_COMMUNE], v[OF_LAT], v[OF_LON], ref,
		    out->commune, &out->lat, &out->lon, err) == -1)
			return -1;
		out->department_no = 0;
		return 0;
	}
	if (mp_get_str(v[OF_DEPARTMENT], &s, &len) == -1 ||
	    (d = refdata_department(ref, s, len)) == NULL)
		return field_error_set(err, OF(DEPARTMENT),
		    "must be the code of a department of the reference "
		    "communes (59, 62)");
	if (v[OF_COMMUNE] != NULL)
		return field_error_set(err, OF(DEPARTMENT),
		    "only for an offer whose commune is unknown");
	memcpy(out->department, d->code, sizeof(out->department));
	out->department_no = (int)(d - ref->departments) + 1;
	if (v[OF_LAT] == NULL && v[OF_LON] == NULL) {
		out->lat = d->lat;
		out->lon = d->lon;
		return 0;
	}
	return decode_location(NULL, v[OF_LAT], v[OF_LON], ref, out->commune,
	    &out->lat, &out->lon, err);
}

/* notes: nil, or a list of at most OFFER_MAX_NOTES short texts. */
static int
decode_notes(const msgpack_object *o, struct offer *out,
    struct field_error *err)
{
	char path[32];
	uint32_t i;

	if (o == NULL)
		return 0;
	if (o->type != MSGPACK_OBJECT_ARRAY)
		return field_error_set(err, OF(NOTES), "must be a list of text");
	if (o->via.array.size > OFFER_MAX_NOTES)
		return field_error_set(err, OF(NOTES), "at most %d notes",
		    OFFER_MAX_NOTES);
	for (i = 0; i < o->via.array.size; i++) {
		snprintf(path, sizeof(path), "%s[%u]", OF(NOTES), i);
		if (decode_text(&o->via.array.ptr[i], path, 1, OFFER_NOTE_MAX,
		    out->notes[i], err) == -1)
			return -1;
	}
	out->nnotes = (int)o->via.array.size;
	return 0;
}

int
offer_decode(const msgpack_object *map, const struct refdata *ref,
    struct offer *out, struct field_error *err)
{
	const msgpack_object *v[OF_COUNT];

	memset(out, 0, sizeof(*out));
	out->sector = -1;
	out->working_time = WORKTIME_ANY;
	out->start = DATE_NONE;
	out->positions = 1;

	if (decode_fields(map, "", "offer", offer_fields, OF_COUNT,
	    OFFER_REQUIRED, v, err) == -1 ||
	    decode_record_id(v[OF_ID], OF(ID), out->id, err) == -1 ||
	    decode_vocab(v[OF_SOURCE], OF(SOURCE), &vocab_source,
	    &out->source, err) == -1 ||
	    decode_text(v[OF_TITLE], OF(TITLE), 1, OFFER_TITLE_MAX,
	    out->title, err) == -1 ||
	    decode_offer_rome(v[OF_ROME], v[OF_ROME_V4], ref, out, err) == -1 ||
	    decode_vocab(v[OF_SECTOR], OF(SECTOR), &vocab_sector,
	    &out->sector, err) == -1 ||
	    decode_text(v[OF_EMPLOYER], OF(EMPLOYER), 0, OFFER_EMPLOYER_MAX,
	    out->employer, err) == -1 ||
	    decode_text(v[OF_PARTNER], OF(PARTNER), 0, OFFER_PARTNER_MAX,
	    out->partner, err) == -1 ||
	    decode_place(v, ref, out, err) == -1 ||
	    /* Absent or nil means no limit (stored as 0); 0 itself is not. */
	    decode_int(v[OF_MAX_KM], OF(MAX_KM), 1, RADIUS_MAX_KM,
	    &out->max_km, err) == -1 ||
	    decode_vocab(v[OF_CONTRACT], OF(CONTRACT), &vocab_contract,
	    &out->contract, err) == -1 ||
	    decode_int(v[OF_DURATION_MONTHS], OF(DURATION_MONTHS), 0,
	    OFFER_DURATION_MAX, &out->duration_months, err) == -1 ||
	    decode_vocab(v[OF_WORKING_TIME], OF(WORKING_TIME),
	    &vocab_worktime, &out->working_time, err) == -1 ||
	    decode_date(v[OF_START], OF(START), &out->start, err) == -1 ||
	    decode_int(v[OF_POSITIONS], OF(POSITIONS), 1,
	    OFFER_POSITIONS_MAX, &out->positions, err) == -1 ||
	    decode_int(v[OF_LEVEL_MIN], OF(LEVEL_MIN), 0, LEVEL_MAX,
	    &out->level_min, err) == -1 ||
	    decode_int(v[OF_EXPERIENCE_MONTHS], OF(EXPERIENCE_MONTHS), 0,
	    MONTHS_MAX, &out->experience_months, err) == -1 ||
	    decode_vocab_set(v[OF_LICENCES_REQUIRED], OF(LICENCES_REQUIRED),
	    &vocab_licence, 0, &out->licences_required, err) == -1 ||
	    decode_tag_list(v[OF_SKILLS_REQUIRED], OF(SKILLS_REQUIRED),
	    OFFER_MAX_SKILLS, out->skills_required, &out->nskills_required,
	    err) == -1 ||
	    decode_tag_list(v[OF_SKILLS_WANTED], OF(SKILLS_WANTED),
	    OFFER_MAX_SKILLS, out->skills_wanted, &out->nskills_wanted,
	    err) == -1 ||
	    decode_int(v[OF_AGE_MIN], OF(AGE_MIN), OFFER_AGE_MIN,
	    OFFER_AGE_MAX, &out->age_min, err) == -1 ||
	    decode_int(v[OF_AGE_MAX], OF(AGE_MAX), OFFER_AGE_MIN,
	    OFFER_AGE_MAX, &out->age_max, err) == -1 ||
	    decode_notes(v[OF_NOTES], out, err) == -1 ||
	    decode_clause(v[OF_CLAUSE], out, err) == -1)
		return -1;

	if (out->age_min != 0 && out->age_max != 0 &&
	    out->age_min > out->age_max)
		return field_error_set(err, OF(AGE_MAX),
		    "age_max %d is below age_min %d", out->age_max,
		    out->age_min);
	if (out->source == SOURCE_CLAUSE && !out->has_clause)
		return field_error_set(err, OF(CLAUSE),
		    "required for source clause");
	if (out->sector == -1)
		out->sector = refdata_rome_sector(out->rome_v4[0] != '\0' ?
		    out->rome_v4 : out->rome);
	return 0;
}

/* nil for 0, the "unset" of the optional integers. */
static void
pack_opt_int(msgpack_packer *pk, const char *key, int v)
{
	if (v == 0)
		mp_pack_kv_str(pk, key, NULL);
	else
		mp_pack_kv_int(pk, key, v);
}

void
offer_pack(const struct offer *o, msgpack_packer *pk)
{
	offer_pack_open(o, pk, 0);
}

void
offer_pack_open(const struct offer *o, msgpack_packer *pk, int extra)
{
	int i;

	(void)msgpack_pack_map(pk, OF_COUNT + extra);
	mp_pack_kv_str(pk, OF(ID), o->id);
	mp_pack_kv_str(pk, OF(SOURCE), vocab_name(&vocab_source, o->source));
	mp_pack_kv_str(pk, OF(TITLE), o->title);
	mp_pack_kv_str(pk, OF(ROME), o->rome);
	pack_opt_str(pk, OF(ROME_V4), o->rome_v4);
	mp_pack_kv_str(pk, OF(SECTOR), vocab_name(&vocab_sector, o->sector));
	pack_opt_str(pk, OF(EMPLOYER), o->employer);
	pack_opt_str(pk, OF(PARTNER), o->partner);
	pack_location(pk, o->commune, o->lat, o->lon);
	pack_opt_str(pk, OF(DEPARTMENT), o->department);
	pack_opt_int(pk, OF(MAX_KM), o->max_km);
	mp_pack_kv_str(pk, OF(CONTRACT),
	    vocab_name(&vocab_contract, o->contract));
	mp_pack_kv_int(pk, OF(DURATION_MONTHS), o->duration_months);
	mp_pack_kv_str(pk, OF(WORKING_TIME),
	    vocab_name(&vocab_worktime, o->working_time));
	pack_opt_date(pk, OF(START), o->start);
	mp_pack_kv_int(pk, OF(POSITIONS), o->positions);
	mp_pack_kv_int(pk, OF(LEVEL_MIN), o->level_min);
	mp_pack_kv_int(pk, OF(EXPERIENCE_MONTHS), o->experience_months);
	pack_vocab_set(pk, OF(LICENCES_REQUIRED), &vocab_licence,
	    o->licences_required);
	pack_tag_list(pk, OF(SKILLS_REQUIRED), o->skills_required,
	    o->nskills_required);
	pack_tag_list(pk, OF(SKILLS_WANTED), o->skills_wanted,
	    o->nskills_wanted);
	pack_opt_int(pk, OF(AGE_MIN), o->age_min);
	pack_opt_int(pk, OF(AGE_MAX), o->age_max);
	mp_pack_str(pk, OF(NOTES));
	(void)msgpack_pack_array(pk, o->nnotes);
	for (i = 0; i < o->nnotes; i++)
		mp_pack_str(pk, o->notes[i]);
	mp_pack_str(pk, OF(CLAUSE));
	if (!o->has_clause) {
		(void)msgpack_pack_nil(pk);
		return;
	}
	(void)msgpack_pack_map(pk, KF_COUNT);
	mp_pack_kv_str(pk, clause_fields[KF_OPERATION], o->clause.operation);
	pack_opt_str(pk, clause_fields[KF_CONTRACTOR], o->clause.contractor);
	pack_vocab_set(pk, clause_fields[KF_CRITERIA], &vocab_criterion,
	    o->clause.criteria);
	mp_pack_kv_int(pk, clause_fields[KF_HOURS], o->clause.hours);
}
