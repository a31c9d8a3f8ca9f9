/*
 * The offer table: an open-addressing hash of entries by id.  Offers are
 * never deleted, only closed, so the table needs no tombstones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "domain.h"
#include "hash.h"
#include "mpobj.h"
#include "offer_table.h"
#include "utf8.h"
#include "xmalloc.h"

static void
offer_sig(const struct offer *o, int64_t created_at, struct dedup_sig *s)
{
	dedup_sig_make(s, o, created_at > 0 ? (int32_t)(created_at / 86400) :
	    DATE_NONE);
}

struct offer_table *
offer_table_new(void)
{
	struct offer_table *t;

	t = xcalloc(1, sizeof(*t));
	t->cap = 256;
	t->entries = xcalloc(t->cap, sizeof(*t->entries));
	t->dups = dedup_index_new();
	t->alias_cap = 64;
	t->alias_entry = xcalloc(t->alias_cap, sizeof(*t->alias_entry));
	t->alias_id = xcalloc(t->alias_cap, sizeof(*t->alias_id));
	return t;
}

void
offer_table_free(struct offer_table *t)
{
	struct offer_entry *e;
	uint32_t i, j;

	if (t == NULL)
		return;
	for (i = 0; i < t->cap; i++) {
		if ((e = t->entries[i]) == NULL)
			continue;
		for (j = 0; j < e->nrefs; j++)
			free(e->refs[j].candidate);
		free(e->refs);
		free(e->merged);
		free(e);
	}
	for (i = 0; i < t->alias_cap; i++)
		free(t->alias_id[i]);
	free(t->alias_id);
	free(t->alias_entry);
	dedup_index_free(t->dups);
	free(t->entries);
	free(t);
}

static struct offer_entry **
slot_for(const struct offer_table *t, const char *id)
{
	uint32_t mask = t->cap - 1, h;

	h = hash_fnv1a(id, strlen(id)) & mask;
	while (t->entries[h] != NULL && strcmp(t->entries[h]->offer.id, id))
		h = (h + 1) & mask;
	return &t->entries[h];
}

struct offer_entry *
offer_table_get(const struct offer_table *t, const char *id)
{
	return *slot_for(t, id);
}

static void
grow(struct offer_table *t)
{
	struct offer_entry **old = t->entries;
	uint32_t oldcap = t->cap, i;

	t->cap *= 2;
	t->entries = xcalloc(t->cap, sizeof(*t->entries));
	for (i = 0; i < oldcap; i++)
		if (old[i] != NULL)
			*slot_for(t, old[i]->offer.id) = old[i];
	free(old);
}

struct offer_entry *
offer_table_put(struct offer_table *t, const struct offer *o, int64_t created_at)
{
	struct offer_entry **s, *e;

	if ((e = offer_table_get(t, o->id)) != NULL) {
		e->offer = *o;
		if (!e->closed)
			offer_table_reserve(t, o, e->created_at);
		return e;
	}
	if ((t->count + 1) * 2 > t->cap)
		grow(t);
	s = slot_for(t, o->id);
	e = xcalloc(1, sizeof(*e));
	e->offer = *o;
	e->created_at = created_at;
	*s = e;
	t->count++;
	t->open++;
	offer_table_reserve(t, o, created_at);
	return e;
}

void
offer_table_set_closed(struct offer_table *t, struct offer_entry *e, int closed)
{
	if (e->closed == closed)
		return;
	e->closed = closed;
	if (closed) {
		t->open--;
		t->closed++;
		/* A filled job is not merged with: a new posting is new. */
		(void)dedup_index_remove(t->dups, e->offer.id);
	} else {
		t->closed--;
		t->open++;
		offer_table_reserve(t, &e->offer, e->created_at);
	}
}

void
offer_table_reserve(struct offer_table *t, const struct offer *o, int64_t created_at)
{
	struct dedup_sig sig;

	offer_sig(o, created_at, &sig);
	dedup_index_put(t->dups, &sig);
}

void
offer_table_unreserve(struct offer_table *t, const char *id)
{
	if (offer_table_get(t, id) == NULL)
		(void)dedup_index_remove(t->dups, id);
}

enum dedup_verdict
offer_table_find_duplicate(const struct offer_table *t, const struct offer *o,
    int64_t created_at, char *other, size_t otherlen, char *why,
    size_t whylen)
{
	struct dedup_sig sig;

	offer_sig(o, created_at, &sig);
	return dedup_index_find(t->dups, &sig, other, otherlen, why, whylen);
}

static uint32_t
alias_slot(const struct offer_table *t, const char *id)
{
	uint32_t mask = t->alias_cap - 1, h;

	h = hash_fnv1a(id, strlen(id)) & mask;
	while (t->alias_id[h] != NULL && strcmp(t->alias_id[h], id) != 0)
		h = (h + 1) & mask;
	return h;
}

struct offer_entry *
offer_table_alias(const struct offer_table *t, const char *id)
{
	return t->alias_entry[alias_slot(t, id)];
}

static void
alias_grow(struct offer_table *t)
{
	struct offer_entry **olde = t->alias_entry;
	char **oldi = t->alias_id;
	uint32_t oldcap = t->alias_cap, i, h;

	t->alias_cap *= 2;
	t->alias_entry = xcalloc(t->alias_cap, sizeof(*t->alias_entry));
	t->alias_id = xcalloc(t->alias_cap, sizeof(*t->alias_id));
	for (i = 0; i < oldcap; i++)
		if (oldi[i] != NULL) {
			h = alias_slot(t, oldi[i]);
			t->alias_id[h] = oldi[i];
			t->alias_entry[h] = olde[i];
		}
	free(olde);
	free(oldi);
}

int
offer_table_merge(struct offer_table *t, struct offer_entry *e,
    const struct offer_merged *m)
{
	uint32_t h, i;

	if ((t->alias_count + 1) * 2 > t->alias_cap)
		alias_grow(t);
	h = alias_slot(t, m->id);
	if (t->alias_id[h] == NULL) {
		t->alias_id[h] = xstrdup(m->id);
		t->alias_count++;
		t->merged++;
	}
	t->alias_entry[h] = e;
	for (i = 0; i < e->nmerged; i++)
		if (strcmp(e->merged[i].id, m->id) == 0) {
			e->merged[i] = *m;
			return 0;
		}
	if (e->nmerged == OFFER_TABLE_MERGED_MAX)
		return -1;
	if (e->merged == NULL)
		e->merged = xreallocarray(NULL, OFFER_TABLE_MERGED_MAX,
		    sizeof(*e->merged));
	e->merged[e->nmerged++] = *m;
	return 0;
}

/* The fields of a merge, after its id (the Redis field or the list's). */
static void
pack_merge_fields(msgpack_packer *pk, const struct offer_merged *m)
{
	mp_pack_kv_str(pk, "source", vocab_name(&vocab_source, m->source));
	mp_pack_kv_str(pk, "partner", m->partner[0] ? m->partner : NULL);
	mp_pack_kv_int(pk, "at", m->at);
	mp_pack_kv_str(pk, "why", m->why);
}

void
offer_table_pack_merged(msgpack_packer *pk, const char *into,
    const struct offer_merged *m)
{
	msgpack_pack_map(pk, 5);
	mp_pack_kv_str(pk, "into", into);
	pack_merge_fields(pk, m);
}

void
offer_table_pack_merged_list(msgpack_packer *pk, const struct offer_entry *e)
{
	uint32_t i;

	msgpack_pack_array(pk, e->nmerged);
	for (i = 0; i < e->nmerged; i++) {
		msgpack_pack_map(pk, 5);
		mp_pack_kv_str(pk, "id", e->merged[i].id);
		pack_merge_fields(pk, &e->merged[i]);
	}
}

int
offer_table_unpack_merged(const char *id, const char *data, size_t len,
    char *into, struct offer_merged *m, char *err, size_t errlen)
{
	msgpack_unpacked u;
	const msgpack_object *v;
	const char *s;
	size_t off = 0, n;
	int rv = -1;

	memset(m, 0, sizeof(*m));
	if (!record_id_valid(id, strlen(id))) {
		snprintf(err, errlen, "bad merged id");
		return -1;
	}
	snprintf(m->id, sizeof(m->id), "%s", id);
	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, data, len, &off) !=
	    MSGPACK_UNPACK_SUCCESS || u.data.type != MSGPACK_OBJECT_MAP) {
		snprintf(err, errlen, "not a msgpack map");
		goto done;
	}
	if ((v = mp_map_get(&u.data, "into")) == NULL ||
	    mp_get_str(v, &s, &n) == -1 || !record_id_valid(s, n)) {
		snprintf(err, errlen, "into: not an offer id");
		goto done;
	}
	memcpy(into, s, n);
	into[n] = '\0';
	if ((v = mp_map_get(&u.data, "source")) == NULL ||
	    mp_get_str(v, &s, &n) == -1 ||
	    (m->source = vocab_lookup(&vocab_source, s, n)) < 0) {
		snprintf(err, errlen, "source: not a source");
		goto done;
	}
	if ((v = mp_map_get(&u.data, "partner")) != NULL &&
	    v->type != MSGPACK_OBJECT_NIL &&
	    mp_copy_str(v, m->partner, sizeof(m->partner)) == -1) {
		snprintf(err, errlen, "partner: not a short string");
		goto done;
	}
	if ((v = mp_map_get(&u.data, "at")) == NULL ||
	    mp_get_int64(v, &m->at) == -1) {
		snprintf(err, errlen, "at: not a time");
		goto done;
	}
	/* The explanation is informative: dropped if odd, never refused. */
	if ((v = mp_map_get(&u.data, "why")) != NULL &&
	    mp_get_str(v, &s, &n) == 0 && n < sizeof(m->why) &&
	    utf8_valid(s, n)) {
		memcpy(m->why, s, n);
		m->why[n] = '\0';
	}
	rv = 0;
done:
	msgpack_unpacked_destroy(&u);
	return rv;
}

struct offer_ref *
offer_table_ref_find(const struct offer_entry *e, const char *candidate)
{
	uint32_t i;

	for (i = 0; i < e->nrefs; i++)
		if (strcmp(e->refs[i].candidate, candidate) == 0)
			return &e->refs[i];
	return NULL;
}

int
offer_table_ref_rename(struct offer_entry *e, const char *candidate,
    const char *to)
{
	struct offer_ref *r;

	if ((r = offer_table_ref_find(e, candidate)) == NULL ||
	    offer_table_ref_find(e, to) != NULL)
		return -1;
	free(r->candidate);
	r->candidate = xstrdup(to);
	return 0;
}

int
offer_table_ref_set(struct offer_table *t, struct offer_entry *e,
    const char *candidate, int status, int64_t updated_at)
{
	struct offer_ref *r;
	int prev = -1;

	if ((r = offer_table_ref_find(e, candidate)) != NULL) {
		prev = r->status;
		t->referrals[prev]--;
	} else {
		if (e->nrefs == e->caprefs) {
			e->caprefs = e->caprefs ? e->caprefs * 2 : 8;
			e->refs = xreallocarray(e->refs, e->caprefs,
			    sizeof(*e->refs));
		}
		r = &e->refs[e->nrefs++];
		r->candidate = xstrdup(candidate);
	}
	r->status = status;
	r->updated_at = updated_at;
	t->referrals[status]++;
	return prev;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t
offer_table_referred_slots(const struct offer_entry *e, const struct index *idx,
    uint32_t **out)
{
	uint32_t i, slot;
	size_t n = 0;

	*out = NULL;
	if (e == NULL || e->nrefs == 0)
		return 0;
	*out = xreallocarray(NULL, e->nrefs, sizeof(uint32_t));
	for (i = 0; i < e->nrefs; i++) {
		if (e->refs[i].status == REFERRAL_SUGGESTED)
			continue;
		if ((slot = index_find(idx, e->refs[i].candidate)) !=
		    INDEX_NONE)
			(*out)[n++] = slot;
	}
	qsort(*out, n, sizeof(uint32_t), cmp_u32);
	return n;
}

struct offer_entry *
offer_table_next(const struct offer_table *t, uint32_t *pos)
{
	while (*pos < t->cap) {
		if (t->entries[*pos] != NULL)
			return t->entries[(*pos)++];
		(*pos)++;
	}
	return NULL;
}

size_t
offer_table_hired(const struct offer_table *t, struct offer_hired **out)
{
	struct offer_entry *e;
	size_t n = 0, cap;
	uint32_t pos = 0, i;

	cap = t->referrals[REFERRAL_HIRED] ? t->referrals[REFERRAL_HIRED] : 1;
	*out = xreallocarray(NULL, cap, sizeof(**out));
	while ((e = offer_table_next(t, &pos)) != NULL)
		for (i = 0; i < e->nrefs; i++) {
			if (e->refs[i].status != REFERRAL_HIRED)
				continue;
			if (n == cap) {
				cap *= 2;
				*out = xreallocarray(*out, cap, sizeof(**out));
			}
			(*out)[n].candidate = e->refs[i].candidate;
			(*out)[n].offer = e->offer.id;
			(*out)[n++].at = e->refs[i].updated_at;
		}
	return n;
}

const char *
offer_table_hired_elsewhere(const struct offer_hired *h, size_t n,
    const char *candidate, const char *offer)
{
	const struct offer_hired *best = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(h[i].candidate, candidate) == 0 &&
		    strcmp(h[i].offer, offer) != 0 &&
		    (best == NULL || h[i].at > best->at))
			best = &h[i];
	return best != NULL ? best->offer : NULL;
}
