/*
 * Views of a match result: the whole map, with each suggestion cut down
 * to the fields the view may show.  Whitelisted, so that a field added
 * to results later is not shown outside the adviser view by accident.
 */
#include <string.h>

#include "index.h"
#include "log.h"
#include "matcherd.h"
#include "mpobj.h"
#include "pending.h"
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

/* The fields of a suggestion that prospection staff see. */
static const char *const prospection_fields[] = {
	"rank", "candidate", "score", "distance_km", NULL
};

void
view_of_session(const struct matcherd *env, const struct session *s,
    struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->idx = env->idx;
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

static void
pack_prospection(msgpack_packer *pk, const msgpack_object *s)
{
	uint32_t i, n = 0;

	if (s->type != MSGPACK_OBJECT_MAP) {
		msgpack_pack_nil(pk);
		return;
	}
	for (i = 0; i < s->via.map.size; i++)
		n += shown(&s->via.map.ptr[i].key, prospection_fields);
	msgpack_pack_map(pk, n);
	for (i = 0; i < s->via.map.size; i++)
		if (shown(&s->via.map.ptr[i].key, prospection_fields)) {
			msgpack_pack_object(pk, s->via.map.ptr[i].key);
			msgpack_pack_object(pk, s->via.map.ptr[i].val);
		}
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

/* The consenting suggestions, ranked among themselves, pseudonymised. */
static void
pack_partner(msgpack_packer *pk, const struct view *v,
    const msgpack_object *list)
{
	char id[RECORD_ID_MAX + 1], ref[PSEUDO_REF_LEN + 1];
	const msgpack_object *score, *km;
	double d;
	uint32_t i, n = 0, rank = 0;

	for (i = 0; i < list->via.array.size; i++)
		n += consents(v, &list->via.array.ptr[i], id, sizeof(id));
	msgpack_pack_array(pk, n);
	for (i = 0; i < list->via.array.size; i++) {
		if (!consents(v, &list->via.array.ptr[i], id, sizeof(id)))
			continue;
		score = member(&list->via.array.ptr[i], "score");
		km = member(&list->via.array.ptr[i], "distance_km");
		pseudo_ref(v->key, id, ref);
		msgpack_pack_map(pk, 4);
		mp_pack_kv_int(pk, "rank", ++rank);
		mp_pack_kv_str(pk, "ref", ref);
		mp_pack_str(pk, "score");
		if (score != NULL)
			msgpack_pack_object(pk, *score);
		else
			msgpack_pack_nil(pk);
		mp_pack_kv_str(pk, "distance", km != NULL &&
		    mp_get_double(km, &d) == 0 ? pseudo_distance_band(d) : NULL);
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
			pack_partner(pk, v, &kv->val);
		else {
			msgpack_pack_array(pk, kv->val.via.array.size);
			for (j = 0; j < kv->val.via.array.size; j++)
				pack_prospection(pk,
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
