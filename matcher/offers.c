/*
 * The offer table: an open-addressing hash of entries by id.  Offers are
 * never deleted, only closed, so the table needs no tombstones.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "offers.h"
#include "xmalloc.h"

struct offers *
offers_new(void)
{
	struct offers *t;

	t = xcalloc(1, sizeof(*t));
	t->cap = 256;
	t->entries = xcalloc(t->cap, sizeof(*t->entries));
	return t;
}

void
offers_free(struct offers *t)
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
		free(e);
	}
	free(t->entries);
	free(t);
}

static struct offer_entry **
slot_for(const struct offers *t, const char *id)
{
	uint32_t mask = t->cap - 1, h;

	h = hash_fnv1a(id, strlen(id)) & mask;
	while (t->entries[h] != NULL && strcmp(t->entries[h]->offer.id, id))
		h = (h + 1) & mask;
	return &t->entries[h];
}

struct offer_entry *
offers_get(const struct offers *t, const char *id)
{
	return *slot_for(t, id);
}

static void
grow(struct offers *t)
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
offers_put(struct offers *t, const struct offer *o, int64_t created_at)
{
	struct offer_entry **s, *e;

	if ((e = offers_get(t, o->id)) != NULL) {
		e->offer = *o;
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
	return e;
}

void
offers_set_closed(struct offers *t, struct offer_entry *e, int closed)
{
	if (e->closed == closed)
		return;
	e->closed = closed;
	if (closed) {
		t->open--;
		t->closed++;
	} else {
		t->closed--;
		t->open++;
	}
}

struct offer_ref *
offers_ref_find(const struct offer_entry *e, const char *candidate)
{
	uint32_t i;

	for (i = 0; i < e->nrefs; i++)
		if (strcmp(e->refs[i].candidate, candidate) == 0)
			return &e->refs[i];
	return NULL;
}

int
offers_ref_set(struct offers *t, struct offer_entry *e,
    const char *candidate, int status, int64_t updated_at)
{
	struct offer_ref *r;
	int prev = -1;

	if ((r = offers_ref_find(e, candidate)) != NULL) {
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
offers_referred_slots(const struct offer_entry *e, const struct index *idx,
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
offers_next(const struct offers *t, uint32_t *pos)
{
	while (*pos < t->cap) {
		if (t->entries[*pos] != NULL)
			return t->entries[(*pos)++];
		(*pos)++;
	}
	return NULL;
}
