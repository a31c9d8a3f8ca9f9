/*
 * Labels added to a packed result (labels.h): one walk to count them and
 * check the depth, one to copy, so that an answer without a code is sent
 * as it is and nothing is packed for an input that is refused.
 */
#include <stdint.h>
#include <string.h>

#include "labels.h"
#include "mpobj.h"

/* What one map gains. */
struct map_labels {
	uint32_t		 commune_at;	/* the key's entry; UINT32_MAX */
	const struct commune	*commune;
	int			 name, postcode;	/* 1: to add */
	uint32_t		 rome_at;
	const struct rome_code	*rome;		/* NULL: nothing to add */
};

static const struct commune *
known_commune(const struct refdata *ref, const msgpack_object *v)
{
	if (v->type != MSGPACK_OBJECT_STR)
		return NULL;
	return refdata_commune(ref, v->via.str.ptr, v->via.str.size);
}

static const struct rome_code *
known_rome(const struct refdata *ref, const msgpack_object *v)
{
	int id;

	if (v->type != MSGPACK_OBJECT_STR || (id = refdata_rome_id(ref,
	    v->via.str.ptr, v->via.str.size)) < 0)
		return NULL;
	return &ref->rome[id];
}

/*
 * Which of the five keys k is, by its length first: most keys of a large
 * result (scores, components, reasons) are none.
 */
enum { K_OTHER, K_COMMUNE, K_ROME, K_NAME, K_POSTCODE, K_LABEL };

static int
key_kind(const msgpack_object *k)
{
	const char *s = k->via.str.ptr;

	if (k->type != MSGPACK_OBJECT_STR)
		return K_OTHER;
	switch (k->via.str.size) {
	case 4:
		return memcmp(s, "rome", 4) == 0 ? K_ROME : K_OTHER;
	case 7:
		return memcmp(s, "commune", 7) == 0 ? K_COMMUNE : K_OTHER;
	case 8:
		return memcmp(s, "postcode", 8) == 0 ? K_POSTCODE : K_OTHER;
	case 10:
		return memcmp(s, "rome_label", 10) == 0 ? K_LABEL : K_OTHER;
	case 12:
		return memcmp(s, "commune_name", 12) == 0 ? K_NAME : K_OTHER;
	}
	return K_OTHER;
}

/* Fill *ml for map m; returns how many entries it gains. */
static int
map_labels(const struct refdata *ref, const msgpack_object_map *m,
    struct map_labels *ml)
{
	const msgpack_object_kv *kv;
	int has_name = 0, has_postcode = 0, has_label = 0;
	uint32_t i;

	ml->commune_at = ml->rome_at = UINT32_MAX;
	ml->commune = NULL;
	ml->rome = NULL;
	for (i = 0; i < m->size; i++) {
		kv = &m->ptr[i];
		/* The first key of a name only: a repeated key gains none. */
		switch (key_kind(&kv->key)) {
		case K_COMMUNE:
			if (ml->commune_at == UINT32_MAX) {
				ml->commune_at = i;
				ml->commune = known_commune(ref, &kv->val);
			}
			break;
		case K_ROME:
			if (ml->rome_at == UINT32_MAX) {
				ml->rome_at = i;
				ml->rome = known_rome(ref, &kv->val);
			}
			break;
		case K_NAME:
			has_name = 1;
			break;
		case K_POSTCODE:
			has_postcode = 1;
			break;
		case K_LABEL:
			has_label = 1;
			break;
		}
	}
	ml->name = ml->commune != NULL && !has_name;
	ml->postcode = ml->commune != NULL && !has_postcode;
	if (has_label)
		ml->rome = NULL;
	return ml->name + ml->postcode + (ml->rome != NULL);
}

/* Labels o would gain, or -1 past the depth limit. */
static long
count(const struct refdata *ref, const msgpack_object *o, int depth)
{
	struct map_labels ml;
	long n = 0, sub;
	uint32_t i;

	if (o->type != MSGPACK_OBJECT_ARRAY && o->type != MSGPACK_OBJECT_MAP)
		return 0;
	if (depth >= LABELS_DEPTH_MAX)
		return -1;
	if (o->type == MSGPACK_OBJECT_ARRAY) {
		for (i = 0; i < o->via.array.size; i++) {
			if ((sub = count(ref, &o->via.array.ptr[i],
			    depth + 1)) < 0)
				return -1;
			n += sub;
		}
		return n;
	}
	n = map_labels(ref, &o->via.map, &ml);
	for (i = 0; i < o->via.map.size; i++) {
		if ((sub = count(ref, &o->via.map.ptr[i].val, depth + 1)) < 0)
			return -1;
		n += sub;
	}
	return n;
}

/* o copied with its labels; count() said its depth is fine. */
static void
copy(msgpack_packer *pk, const struct refdata *ref, const msgpack_object *o)
{
	const msgpack_object_kv *kv;
	struct map_labels ml;
	uint32_t i;
	int n;

	if (o->type == MSGPACK_OBJECT_ARRAY) {
		msgpack_pack_array(pk, o->via.array.size);
		for (i = 0; i < o->via.array.size; i++)
			copy(pk, ref, &o->via.array.ptr[i]);
		return;
	}
	if (o->type != MSGPACK_OBJECT_MAP) {
		msgpack_pack_object(pk, *o);
		return;
	}
	n = map_labels(ref, &o->via.map, &ml);
	msgpack_pack_map(pk, o->via.map.size + (uint32_t)n);
	for (i = 0; i < o->via.map.size; i++) {
		kv = &o->via.map.ptr[i];
		msgpack_pack_object(pk, kv->key);
		copy(pk, ref, &kv->val);
		if (i == ml.commune_at && ml.name)
			mp_pack_kv_str(pk, "commune_name", ml.commune->name);
		if (i == ml.commune_at && ml.postcode)
			mp_pack_kv_str(pk, "postcode", ml.commune->postcode);
		if (i == ml.rome_at && ml.rome != NULL)
			mp_pack_kv_str(pk, "rome_label", ml.rome->label);
	}
}

int
labels_add(const struct refdata *ref, const char *in, size_t len,
    msgpack_sbuffer *out)
{
	msgpack_unpacked u;
	msgpack_packer pk;
	size_t off = 0;
	long n;

	if (ref == NULL || in == NULL || len == 0)
		return -1;
	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, in, len, &off) != MSGPACK_UNPACK_SUCCESS ||
	    off != len || (n = count(ref, &u.data, 0)) < 0) {
		msgpack_unpacked_destroy(&u);
		return -1;
	}
	if (n > 0) {
		msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
		copy(&pk, ref, &u.data);
	}
	msgpack_unpacked_destroy(&u);
	return n > INT32_MAX ? INT32_MAX : (int)n;
}
