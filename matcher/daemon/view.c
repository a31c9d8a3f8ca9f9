/*
 * Views of a match result: the whole map, with each suggestion cut down
 * to the fields the view may show.  Whitelisted, so that a field added
 * to results later is not shown outside the adviser view by accident.
 */
#include <string.h>

#include "domain.h"
#include "index.h"
#include "log.h"
#include "matcherd.h"
#include "mpobj.h"
#include "pending.h"
#include "score.h"
#include "view.h"

/*
 * The keys of a result outside the adviser view: the offer, its status
 * and the counts.  Not possible_duplicate_of, which may name an offer
 * the reader does not see.
 */
static const char *const result_fields[] = {
	"offer", "status", "scored_at", "considered", "eligible", "excluded",
	"suggestions", "clause", NULL
};

/*
 * The fields of a suggestion that prospection staff see as stored; they
 * get "reasons" and "adviser" too, made here.
 */
static const char *const prospection_fields[] = {
	"rank", "candidate", "score", "distance_km", NULL
};

/*
 * What prospection staff are told of a suggestion ranked partly for its
 * priority criteria: never which (proto/PROTOCOL.md).
 */
#define PRIORITY_REASON "public prioritaire"

void
view_of_session(const struct matcherd *env, const struct session *s,
    struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->idx = env->idx;
	v->conf = &env->conf;
	if (!s->authenticated || s->role == USER_ADMIN ||
	    s->role == USER_ADVISER)
		v->kind = VIEW_ADVISER;
	else if (s->role == USER_PARTNER) {
		v->kind = VIEW_PARTNER;
		pseudo_partner_key(env->pseudonym_secret, s->user, v->key);
	} else
		v->kind = VIEW_PROSPECTION;
}

void
view_of(const struct matcherd *env, const struct pending *p, struct view *v)
{
	view_of_session(env, pending_session(p), v);
}

static int
shown(const msgpack_object *key, const char *const *fields)
{
	int i;

	for (i = 0; fields[i] != NULL; i++)
		if (mp_str_eq(key, fields[i]))
			return 1;
	return 0;
}

static const msgpack_object *
member(const msgpack_object *map, const char *key)
{
	return map->type == MSGPACK_OBJECT_MAP ? mp_map_get(map, key) : NULL;
}

/*
 * "reasons" outside the adviser view: the job-fit ones the result keeps in
 * "fit" (none in results stored before it had them), then extra if set.
 */
static void
pack_fit(msgpack_packer *pk, const msgpack_object *s, const char *extra)
{
	const msgpack_object *fit = member(s, "fit");
	uint32_t i, n = extra != NULL;

	if (fit != NULL && fit->type != MSGPACK_OBJECT_ARRAY)
		fit = NULL;
	for (i = 0; fit != NULL && i < fit->via.array.size; i++)
		n += fit->via.array.ptr[i].type == MSGPACK_OBJECT_STR;
	mp_pack_str(pk, "reasons");
	msgpack_pack_array(pk, n);
	for (i = 0; fit != NULL && i < fit->via.array.size; i++)
		if (fit->via.array.ptr[i].type == MSGPACK_OBJECT_STR)
			msgpack_pack_object(pk, fit->via.array.ptr[i]);
	if (extra != NULL)
		mp_pack_str(pk, extra);
}

/* 1 if the suggestion's priority component counted. */
static int
prioritised(const msgpack_object *s)
{
	const msgpack_object *c = member(s, "components");
	double v;

	c = c != NULL ? member(c, score_comp_name(COMP_PRIORITY)) : NULL;
	return c != NULL && mp_get_double(c, &v) == 0 && v > 0;
}

/* The candidate's adviser, from the index; NULL if unknown or none. */
static const char *
adviser_of(const struct view *v, const msgpack_object *s)
{
	const msgpack_object *c = member(s, "candidate");
	char id[RECORD_ID_MAX + 1];

	if (c == NULL || mp_copy_str(c, id, sizeof(id)) == -1)
		return NULL;
	return index_adviser(v->idx, index_find(v->idx, id));
}

static void
pack_prospection(msgpack_packer *pk, const struct view *v,
    const msgpack_object *s)
{
	const char *adviser;
	uint32_t i, n = 1;

	if (s->type != MSGPACK_OBJECT_MAP) {
		msgpack_pack_nil(pk);
		return;
	}
	adviser = adviser_of(v, s);
	for (i = 0; i < s->via.map.size; i++)
		n += shown(&s->via.map.ptr[i].key, prospection_fields);
	msgpack_pack_map(pk, n + (adviser != NULL));
	for (i = 0; i < s->via.map.size; i++)
		if (shown(&s->via.map.ptr[i].key, prospection_fields)) {
			msgpack_pack_object(pk, s->via.map.ptr[i].key);
			msgpack_pack_object(pk, s->via.map.ptr[i].val);
		}
	pack_fit(pk, s, prioritised(s) ? PRIORITY_REASON : NULL);
	if (adviser != NULL)
		mp_pack_kv_str(pk, "adviser", adviser);
}

/* The candidate of a suggestion, if it consents to partners. */
static int
consents(const struct view *v, const msgpack_object *s, char *id,
    size_t idlen)
{
	const msgpack_object *c = member(s, "candidate");
	uint32_t slot;

	if (c == NULL || mp_copy_str(c, id, idlen) == -1 ||
	    (slot = index_find(v->idx, id)) == INDEX_NONE)
		return 0;
	return (v->idx->recs[slot].k.flags & CAND_F_CONSENT) != 0;
}

/*
 * The contact of the offer's sector pool for partners ([contacts]), NULL
 * for none: never the person's adviser, whose speciality may tell of a
 * criterion.
 */
static const char *
contact_of(const struct view *v, const msgpack_object *result)
{
	const msgpack_object *o = member(result, "offer");
	const msgpack_object *sector = o != NULL ? member(o, "sector") : NULL;
	const char *contact;
	int s;

	if (sector == NULL || sector->type != MSGPACK_OBJECT_STR ||
	    (s = vocab_lookup(&vocab_sector, sector->via.str.ptr,
	    sector->via.str.size)) < 0 || s >= CONF_SECTORS)
		return NULL;
	contact = (*v->conf)->contacts[s];
	return contact[0] != '\0' ? contact : NULL;
}

/*
 * The consenting suggestions, ranked among themselves, pseudonymised,
 * with their job-fit reasons and the sector's contact.  No "public
 * prioritaire": tied to a stable reference it would become a fact about
 * the person, and the priority publics include RSA and TH.
 */
static void
pack_partner(msgpack_packer *pk, const struct view *v,
    const msgpack_object *list, const char *contact)
{
	char id[RECORD_ID_MAX + 1], ref[PSEUDO_REF_LEN + 1];
	const msgpack_object *sg, *score, *km;
	double d;
	uint32_t i, n = 0, rank = 0;

	for (i = 0; i < list->via.array.size; i++)
		n += consents(v, &list->via.array.ptr[i], id, sizeof(id));
	msgpack_pack_array(pk, n);
	for (i = 0; i < list->via.array.size; i++) {
		sg = &list->via.array.ptr[i];
		if (!consents(v, sg, id, sizeof(id)))
			continue;
		score = member(sg, "score");
		km = member(sg, "distance_km");
		pseudo_ref(v->key, id, ref);
		msgpack_pack_map(pk, 5 + (contact != NULL));
		mp_pack_kv_int(pk, "rank", ++rank);
		mp_pack_kv_str(pk, "ref", ref);
		mp_pack_str(pk, "score");
		if (score != NULL)
			msgpack_pack_object(pk, *score);
		else
			msgpack_pack_nil(pk);
		mp_pack_kv_str(pk, "distance", km != NULL &&
		    mp_get_double(km, &d) == 0 ? pseudo_distance_band(d) : NULL);
		pack_fit(pk, sg, NULL);
		if (contact != NULL)
			mp_pack_kv_str(pk, "contact", contact);
	}
}

void
view_pack(msgpack_packer *pk, const struct view *v, const char *result,
    size_t len)
{
	const msgpack_object_kv *kv;
	msgpack_zone zone;
	msgpack_object obj;
	size_t off = 0;
	uint32_t i, j, n;

	msgpack_zone_init(&zone, 4096);
	if (msgpack_unpack(result, len, &off, &zone, &obj) !=
	    MSGPACK_UNPACK_SUCCESS || obj.type != MSGPACK_OBJECT_MAP) {
		log_warnx("a match result is corrupt: not shown");
		msgpack_pack_nil(pk);
		msgpack_zone_destroy(&zone);
		return;
	}
	if (v->kind == VIEW_ADVISER) {
		msgpack_pack_object(pk, obj);
		msgpack_zone_destroy(&zone);
		return;
	}
	for (i = 0, n = 0; i < obj.via.map.size; i++)
		n += shown(&obj.via.map.ptr[i].key, result_fields);
	msgpack_pack_map(pk, n);
	for (i = 0; i < obj.via.map.size; i++) {
		kv = &obj.via.map.ptr[i];
		if (!shown(&kv->key, result_fields))
			continue;
		msgpack_pack_object(pk, kv->key);
		if (!mp_str_eq(&kv->key, "suggestions") ||
		    kv->val.type != MSGPACK_OBJECT_ARRAY)
			msgpack_pack_object(pk, kv->val);
		else if (v->kind == VIEW_PARTNER)
			pack_partner(pk, v, &kv->val, contact_of(v, &obj));
		else {
			msgpack_pack_array(pk, kv->val.via.array.size);
			for (j = 0; j < kv->val.via.array.size; j++)
				pack_prospection(pk, v,
				    &kv->val.via.array.ptr[j]);
		}
	}
	msgpack_zone_destroy(&zone);
}

void
view_answer(const struct matcherd *env, struct pending *p,
    const char *result, size_t len)
{
	struct pending_buf b;
	struct view v;

	view_of(env, p, &v);
	if (v.kind == VIEW_ADVISER) {
		pending_result(p, result, len);
		return;
	}
	pending_buf_init(&b);
	view_pack(&b.pk, &v, result, len);
	pending_buf_answer(&b, p);
}
