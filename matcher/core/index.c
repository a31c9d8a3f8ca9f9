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

static int
skill_intern(struct index *idx, const char *tag)
{
	uint32_t mask, h, *old, oldcap, i;
	int id;

	if ((id = index_skill_id(idx, tag)) >= 0)
		return id;
	if (idx->nskills >= INDEX_MAX_SKILLS)
		return -1;
	if ((idx->nskills + 1) * 2 >= idx->skilltablecap) {
		old = idx->skilltable;
		oldcap = idx->skilltablecap;
		idx->skilltablecap *= 2;
		idx->skilltable = xcalloc(idx->skilltablecap, sizeof(uint32_t));
		mask = idx->skilltablecap - 1;
		for (i = 0; i < oldcap; i++) {
			if (old[i] == 0)
				continue;
			h = hash_fnv1a(idx->skills[old[i] - 1],
			    strlen(idx->skills[old[i] - 1])) & mask;
			while (idx->skilltable[h] != 0)
				h = (h + 1) & mask;
			idx->skilltable[h] = old[i];
		}
		free(old);
	}
	idx->skills = xreallocarray(idx->skills, idx->nskills + 1,
	    sizeof(char *));
	idx->skills[idx->nskills] = xstrdup(tag);
	mask = idx->skilltablecap - 1;
	h = hash_fnv1a(tag, strlen(tag)) & mask;
	while (idx->skilltable[h] != 0)
		h = (h + 1) & mask;
	idx->skilltable[h] = ++idx->nskills;
	return (int)idx->nskills - 1;
}

int
index_skill_id(const struct index *idx, const char *tag)
{
	uint32_t mask = idx->skilltablecap - 1, h, v;

	h = hash_fnv1a(tag, strlen(tag)) & mask;
	while ((v = idx->skilltable[h]) != 0) {
		if (strcmp(idx->skills[v - 1], tag) == 0)
			return (int)v - 1;
		h = (h + 1) & mask;
	}
	return -1;
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
	uint16_t ext[2 * CAND_MAX_JOBS + CAND_MAX_SKILLS];
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
	return n;
}
