/*
 * The candidate index: slot array, id hash table, posting lists by ROME
 * code and interned skill tags.  See index.h for the layout and why.
 * It does not score (score.c) and does not talk to Redis (store.c).
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "domain.h"
#include "hash.h"
#include "index.h"
#include "xmalloc.h"

/* Marks a deleted entry of the id table, so probing continues past it. */
#define TOMB (INDEX_NONE - 1)

static void	table_grow(struct index *);
static uint32_t	*table_probe(const struct index *, const char *, size_t);
static int	skill_intern(struct index *, const char *);
static void	posting_add(struct index *, const struct cand_rec *,
		    uint32_t, int);
static void	posting_remove(struct posting *, uint32_t);
static void	rec_unlink(struct index *, uint32_t);
static void	counters(struct index *, const struct cand_rec *, int);

struct index *
index_new(const struct refdata *ref)
{
	struct index *idx;
	uint32_t i;

	idx = xcalloc(1, sizeof(*idx));
	idx->ref = ref;
	idx->postings = xcalloc(ref->rome_count, sizeof(struct posting));
	idx->tablecap = 1024;
	idx->table = xmalloc(idx->tablecap * sizeof(uint32_t));
	for (i = 0; i < idx->tablecap; i++)
		idx->table[i] = INDEX_NONE;
	idx->skilltablecap = 1024;
	idx->skilltable = xcalloc(idx->skilltablecap, sizeof(uint32_t));
	idx->advisertablecap = 64;
	idx->advisertable = xcalloc(idx->advisertablecap, sizeof(uint32_t));
	return idx;
}

void
index_free(struct index *idx)
{
	uint32_t i;
	int r;

	if (idx == NULL)
		return;
	for (i = 0; i < idx->nrecs; i++) {
		free(idx->recs[i].ext);
		free(idx->recs[i].id);
	}
	for (r = 0; r < idx->ref->rome_count; r++)
		free(idx->postings[r].e);
	for (i = 0; i < idx->nskills; i++)
		free(idx->skills[i]);
	free(idx->skills);
	free(idx->skilltable);
	for (i = 0; i < idx->nadvisers; i++)
		free(idx->advisers[i]);
	free(idx->advisers);
	free(idx->advisertable);
	free(idx->postings);
	free(idx->table);
	free(idx->freeslots);
	free(idx->recs);
	free(idx);
}

/*
 * Probe for id: returns the table cell holding its slot, or the first
 * empty cell where it would go (reusing no tombstone, so that a lookup and
 * an insert agree; tombstones are swept when the table grows).
 */
static uint32_t *
table_probe(const struct index *idx, const char *id, size_t len)
{
	uint32_t mask = idx->tablecap - 1, h, s;

	h = hash_fnv1a(id, len) & mask;
	for (;;) {
		s = idx->table[h];
		if (s == INDEX_NONE)
			return &idx->table[h];
		if (s != TOMB && strcmp(idx->recs[s].id, id) == 0)
			return &idx->table[h];
		h = (h + 1) & mask;
	}
}

static void
table_grow(struct index *idx)
{
	uint32_t *old = idx->table, oldcap = idx->tablecap, i, s;

	if ((idx->live + idx->tabletomb + 1) * 4 < idx->tablecap * 3)
		return;
	if ((idx->live + 1) * 2 >= idx->tablecap)
		idx->tablecap *= 2;
	idx->table = xmalloc(idx->tablecap * sizeof(uint32_t));
	for (i = 0; i < idx->tablecap; i++)
		idx->table[i] = INDEX_NONE;
	idx->tabletomb = 0;
	for (i = 0; i < oldcap; i++) {
		s = old[i];
		if (s == INDEX_NONE || s == TOMB)
			continue;
		*table_probe(idx, idx->recs[s].id, strlen(idx->recs[s].id)) = s;
	}
	free(old);
}

uint32_t
index_find(const struct index *idx, const char *id)
{
	uint32_t s = *table_probe(idx, id, strlen(id));

	return s == TOMB ? INDEX_NONE : s;
}

/*
 * An interned string table of the index, the skills' or the advisers':
 * ids are indexes into *strs, and the open-addressing *table holds id + 1
 * (0: empty).  The fields stay in struct index under their own names.
 */
struct strtab {
	char		***strs;
	uint32_t	**table;
	uint32_t	 *n, *cap;
	uint32_t	  max;
};

static int
strtab_find(char *const *strs, const uint32_t *table, uint32_t cap,
    const char *s)
{
	uint32_t mask = cap - 1, h, v;

	h = hash_fnv1a(s, strlen(s)) & mask;
	while ((v = table[h]) != 0) {
		if (strcmp(strs[v - 1], s) == 0)
			return (int)v - 1;
		h = (h + 1) & mask;
	}
	return -1;
}

/* The id of s, added if new; -1 if the table holds max strings. */
static int
strtab_intern(const struct strtab *t, const char *s)
{
	uint32_t mask, h, *old, oldcap, i;
	int id;

	if ((id = strtab_find(*t->strs, *t->table, *t->cap, s)) >= 0)
		return id;
	if (*t->n >= t->max)
		return -1;
	if ((*t->n + 1) * 2 >= *t->cap) {
		old = *t->table;
		oldcap = *t->cap;
		*t->cap *= 2;
		*t->table = xcalloc(*t->cap, sizeof(uint32_t));
		mask = *t->cap - 1;
		for (i = 0; i < oldcap; i++) {
			if (old[i] == 0)
				continue;
			h = hash_fnv1a((*t->strs)[old[i] - 1],
			    strlen((*t->strs)[old[i] - 1])) & mask;
			while ((*t->table)[h] != 0)
				h = (h + 1) & mask;
			(*t->table)[h] = old[i];
		}
		free(old);
	}
	*t->strs = xreallocarray(*t->strs, *t->n + 1, sizeof(char *));
	(*t->strs)[*t->n] = xstrdup(s);
	mask = *t->cap - 1;
	h = hash_fnv1a(s, strlen(s)) & mask;
	while ((*t->table)[h] != 0)
		h = (h + 1) & mask;
	(*t->table)[h] = ++*t->n;
	return (int)*t->n - 1;
}

static int
skill_intern(struct index *idx, const char *tag)
{
	const struct strtab t = { &idx->skills, &idx->skilltable,
	    &idx->nskills, &idx->skilltablecap, INDEX_MAX_SKILLS };

	return strtab_intern(&t, tag);
}

/* The record's adviser field: 1 + the interned id, 0 for none. */
static uint16_t
adviser_intern(struct index *idx, const char *name)
{
	const struct strtab t = { &idx->advisers, &idx->advisertable,
	    &idx->nadvisers, &idx->advisertablecap, INDEX_MAX_ADVISERS };
	int id;

	if (name[0] == '\0' || (id = strtab_intern(&t, name)) < 0)
		return 0;
	return (uint16_t)(id + 1);
}

int
index_skill_id(const struct index *idx, const char *tag)
{
	return strtab_find(idx->skills, idx->skilltable, idx->skilltablecap,
	    tag);
}

const struct commune *
index_commune(const struct index *idx, uint32_t slot)
{
	const struct cand_rec *r;
	uint16_t home;

	if (slot >= idx->nrecs || !((r = &idx->recs[slot])->k.flags &
	    CAND_F_LIVE) || (home = r->ext[2 * r->njobs + r->nskills]) == 0)
		return NULL;
	return &idx->ref->communes[home - 1];
}

const char *
index_adviser(const struct index *idx, uint32_t slot)
{
	uint16_t a;

	if (slot >= idx->nrecs || !(idx->recs[slot].k.flags & CAND_F_LIVE) ||
	    (a = idx->recs[slot].adviser) == 0)
		return NULL;
	return idx->advisers[a - 1];
}

const char *
index_skill_name(const struct index *idx, int id)
{
	if (id < 0 || (uint32_t)id >= idx->nskills)
		return "?";
	return idx->skills[id];
}

/* Add the entry of job j of the record in slot to its code's list. */
static void
posting_add(struct index *idx, const struct cand_rec *r, uint32_t slot,
    int j)
{
	struct posting *p = &idx->postings[r->ext[2 * j]];
	struct posting_entry *e;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->e = xreallocarray(p->e, p->cap, sizeof(*p->e));
	}
	e = &p->e[p->n++];
	e->k = r->k;
	e->slot = slot;
	e->months = r->ext[2 * j + 1];
}

/*
 * Remove slot from a posting list.  Order does not matter to the scorer
 * (ranking is by score, then id), so the last entry fills the hole.
 */
static void
posting_remove(struct posting *p, uint32_t slot)
{
	uint32_t i;

	for (i = 0; i < p->n; i++)
		if (p->e[i].slot == slot) {
			p->e[i] = p->e[--p->n];
			return;
		}
}

static void
counters(struct index *idx, const struct cand_rec *r, int delta)
{
	int s;

	idx->live += delta;
	idx->status_live[r->k.status] += delta;
	for (s = 0; s < SECTOR_COUNT; s++)
		if (r->k.sectors & (1u << s)) {
			idx->sector_live[s] += delta;
			if (r->k.status != STATUS_AVAILABLE)
				idx->sector_unavailable[s] += delta;
		}
}

/* Take a record out of the posting lists and the counters. */
static void
rec_unlink(struct index *idx, uint32_t slot)
{
	struct cand_rec *r = &idx->recs[slot];
	int j;

	for (j = 0; j < r->njobs; j++)
		posting_remove(&idx->postings[r->ext[2 * j]], slot);
	counters(idx, r, -1);
}

uint32_t
index_put(struct index *idx, const struct candidate *c, int *created)
{
	struct cand_rec *r, tmp;
	uint32_t slot, *cell;
	uint16_t ext[2 * CAND_MAX_JOBS + CAND_MAX_SKILLS + 1];
	const struct commune *home;
	uint64_t mask = 0;
	int i, n = 0, sid;

	/* Intern skills first: failing here must leave the index as it was. */
	for (i = 0; i < c->njobs; i++) {
		ext[n++] = (uint16_t)c->jobs[i].rome_id;
		ext[n++] = (uint16_t)c->jobs[i].months;
	}
	for (i = 0; i < c->nskills; i++) {
		if ((sid = skill_intern(idx, c->skills[i])) < 0)
			return INDEX_NONE;
		ext[n++] = (uint16_t)sid;
		mask |= UINT64_C(1) << (sid & 63);
	}
	/* Its index + 1 in 16 bits: 1,541 communes in Nord and Pas-de-Calais. */
	home = refdata_commune(idx->ref, c->commune, strlen(c->commune));
	ext[n++] = home != NULL && home - idx->ref->communes < UINT16_MAX ?
	    (uint16_t)(home - idx->ref->communes + 1) : 0;

	memset(&tmp, 0, sizeof(tmp));
	tmp.k.skillmask = mask;
	tmp.k.lat = (float)c->lat;
	tmp.k.lon = (float)c->lon;
	tmp.k.available_from = c->available_from;
	tmp.k.birth_date = c->birth_date;
	tmp.k.criteria = c->criteria;
	tmp.k.licences = (uint16_t)licence_closure(c->licences);
	tmp.k.radius_km = (uint16_t)c->radius_km;
	tmp.k.sectors = (uint8_t)c->sectors;
	tmp.k.contracts = (uint8_t)c->contracts;
	tmp.k.status = (uint8_t)c->status;
	tmp.k.level = (uint8_t)c->level;
	tmp.k.flags = CAND_F_LIVE | (c->vehicle ? CAND_F_VEHICLE : 0) |
	    (c->consent_partners ? CAND_F_CONSENT : 0);
	tmp.last_referral = DATE_NONE;
	tmp.updated_on = c->updated_on;
	tmp.working_time = (uint8_t)c->working_time;
	tmp.k.barriers = (uint8_t)c->barriers;
	tmp.k.dept = (uint8_t)refdata_department_number(idx->ref, c->commune,
	    c->lat, c->lon);
	tmp.njobs = (uint8_t)c->njobs;
	tmp.nskills = (uint8_t)c->nskills;
	tmp.adviser = adviser_intern(idx, c->adviser);

	slot = index_find(idx, c->id);
	if (slot != INDEX_NONE) {
		*created = 0;
		r = &idx->recs[slot];
		rec_unlink(idx, slot);
		tmp.open_referrals = r->open_referrals;
		tmp.last_referral = r->last_referral;
		tmp.id = r->id;
		free(r->ext);
	} else {
		*created = 1;
		table_grow(idx);
		if (idx->nfree > 0)
			slot = idx->freeslots[--idx->nfree];
		else {
			if (idx->nrecs == idx->caprecs) {
				idx->caprecs = idx->caprecs ?
				    idx->caprecs * 2 : 1024;
				idx->recs = xreallocarray(idx->recs,
				    idx->caprecs, sizeof(struct cand_rec));
			}
			slot = idx->nrecs++;
		}
		tmp.id = xstrdup(c->id);
		cell = table_probe(idx, c->id, strlen(c->id));
		*cell = slot;
	}
	tmp.ext = xreallocarray(NULL, n, sizeof(uint16_t));
	memcpy(tmp.ext, ext, n * sizeof(uint16_t));
	idx->recs[slot] = tmp;
	for (i = 0; i < c->njobs; i++)
		posting_add(idx, &idx->recs[slot], slot, i);
	counters(idx, &idx->recs[slot], 1);
	return slot;
}

int
index_delete(struct index *idx, const char *id)
{
	uint32_t *cell, slot;
	struct cand_rec *r;

	cell = table_probe(idx, id, strlen(id));
	if ((slot = *cell) == INDEX_NONE)
		return -1;
	r = &idx->recs[slot];
	rec_unlink(idx, slot);
	*cell = TOMB;
	idx->tabletomb++;
	free(r->ext);
	free(r->id);
	memset(r, 0, sizeof(*r));
	if (idx->nfree == idx->capfree) {
		idx->capfree = idx->capfree ? idx->capfree * 2 : 64;
		idx->freeslots = xreallocarray(idx->freeslots, idx->capfree,
		    sizeof(uint32_t));
	}
	idx->freeslots[idx->nfree++] = slot;
	return 0;
}

void
index_referral_opened(struct index *idx, uint32_t slot, int32_t day)
{
	struct cand_rec *r = &idx->recs[slot];

	if (r->open_referrals < UINT16_MAX)
		r->open_referrals++;
	if (r->last_referral == DATE_NONE || day > r->last_referral)
		r->last_referral = day;
}

void
index_referral_closed(struct index *idx, uint32_t slot)
{
	struct cand_rec *r = &idx->recs[slot];

	if (r->open_referrals > 0)
		r->open_referrals--;
}

void
index_referral_seen(struct index *idx, uint32_t slot, int32_t day)
{
	struct cand_rec *r = &idx->recs[slot];

	if (r->last_referral == DATE_NONE || day > r->last_referral)
		r->last_referral = day;
}

uint32_t
index_next(const struct index *idx, uint32_t cursor, uint32_t sector_mask)
{
	uint32_t s;

	for (s = cursor; s < idx->nrecs; s++) {
		if (!(idx->recs[s].k.flags & CAND_F_LIVE))
			continue;
		if (sector_mask == 0 || (idx->recs[s].k.sectors & sector_mask))
			return s;
	}
	return INDEX_NONE;
}

size_t
index_memory(const struct index *idx)
{
	size_t n = sizeof(*idx);
	uint32_t i;
	int r;

	n += malloc_usable_size(idx->recs);
	n += malloc_usable_size(idx->table);
	n += malloc_usable_size(idx->freeslots);
	n += malloc_usable_size(idx->postings);
	n += malloc_usable_size(idx->skilltable);
	n += malloc_usable_size(idx->skills);
	for (i = 0; i < idx->nrecs; i++) {
		n += malloc_usable_size(idx->recs[i].ext);
		n += malloc_usable_size(idx->recs[i].id);
	}
	for (r = 0; r < idx->ref->rome_count; r++)
		n += malloc_usable_size(idx->postings[r].e);
	for (i = 0; i < idx->nskills; i++)
		n += malloc_usable_size(idx->skills[i]);
	n += malloc_usable_size(idx->advisertable);
	n += malloc_usable_size(idx->advisers);
	for (i = 0; i < idx->nadvisers; i++)
		n += malloc_usable_size(idx->advisers[i]);
	return n;
}
