/*
 * Views of a match result: the whole map, with each suggestion cut down
 * to the fields the view may show.  Whitelisted, so that a field added
 * to results later is not shown outside the adviser view by accident.
 */
#include <string.h>

#include "log.h"
#include "mpobj.h"
#include "pending.h"
#include "view.h"

/* The fields of a suggestion that prospection staff see. */
static const char *const prospection_fields[] = {
	"rank", "candidate", "score", "distance_km", NULL
};

enum view
view_of(const struct pending *p)
{
	const struct session *s = pending_session(p);

	if (!s->authenticated || s->role == USER_ADMIN ||
	    s->role == USER_ADVISER)
		return VIEW_ADVISER;
	return VIEW_PROSPECTION;
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

static void
pack_suggestion(msgpack_packer *pk, const msgpack_object *s)
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

void
view_pack(msgpack_packer *pk, enum view v, const char *result, size_t len)
{
	const msgpack_object_kv *kv;
	msgpack_zone zone;
	msgpack_object obj;
	size_t off = 0;
	uint32_t i, j;

	msgpack_zone_init(&zone, 4096);
	if (msgpack_unpack(result, len, &off, &zone, &obj) !=
	    MSGPACK_UNPACK_SUCCESS || obj.type != MSGPACK_OBJECT_MAP) {
		log_warnx("a match result is corrupt: not shown");
		msgpack_pack_nil(pk);
		msgpack_zone_destroy(&zone);
		return;
	}
	if (v == VIEW_ADVISER) {
		msgpack_pack_object(pk, obj);
		msgpack_zone_destroy(&zone);
		return;
	}
	msgpack_pack_map(pk, obj.via.map.size);
	for (i = 0; i < obj.via.map.size; i++) {
		kv = &obj.via.map.ptr[i];
		msgpack_pack_object(pk, kv->key);
		if (!mp_str_eq(&kv->key, "suggestions") ||
		    kv->val.type != MSGPACK_OBJECT_ARRAY) {
			msgpack_pack_object(pk, kv->val);
			continue;
		}
		msgpack_pack_array(pk, kv->val.via.array.size);
		for (j = 0; j < kv->val.via.array.size; j++)
			pack_suggestion(pk, &kv->val.via.array.ptr[j]);
	}
	msgpack_zone_destroy(&zone);
}

void
view_answer(struct pending *p, const char *result, size_t len)
{
	struct pending_buf b;

	if (view_of(p) == VIEW_ADVISER) {
		pending_result(p, result, len);
		return;
	}
	pending_buf_init(&b);
	view_pack(&b.pk, view_of(p), result, len);
	pending_buf_answer(&b, p);
}
