/*
 * In-memory index of the candidathèques: a compact record per candidate,
 * laid out for the scoring loop, and posting lists by ROME code.  Derived
 * state: Redis holds the truth and the index is rebuilt from it at start-up.
 *
 * Records live in one array and are addressed by slot number; a deleted
 * slot is reused.  Ids are found through an open-addressing hash table.
 * Skill tags are interned to 16-bit ids so a record stores them in two
 * bytes each, and so are the advisers' names (a few hundred staff), for
 * the prospection view (proto/PROTOCOL.md).  Pure: no I/O; allocation failures abort (xmalloc-style),
 * since the index is the daemon's working set.
 */
#ifndef MATCHER_INDEX_H
#define MATCHER_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "candidate.h"
#include "refdata.h"

#define INDEX_NONE UINT32_MAX
/* Interned skill ids are 16-bit; 65,535 distinct tags is plenty. */
#define INDEX_MAX_SKILLS 65535
/* Interned adviser ids too; past that many names, none is kept. */
#define INDEX_MAX_ADVISERS 65535

#define CAND_F_LIVE	0x01	/* slot holds a candidate */
#define CAND_F_VEHICLE	0x02
/* Agrees to be suggested to partners, pseudonymised (PROTOCOL.md). */
#define CAND_F_CONSENT	0x04

/*
 * What the hard filters and the score's upper bound read: kept in the
 * record and copied into each of its posting entries, so the ranker can
 * settle most candidates by walking a list sequentially, without a cache
 * miss on the record.  40 bytes.
 */
struct cand_key {
	uint64_t	 skillmask;	/* bit (skill id % 64) per skill held */
	float		 lat, lon;
	int32_t		 available_from;	/* DATE_NONE: now */
	int32_t		 birth_date;		/* DATE_NONE: unknown */
	uint32_t	 criteria;		/* as set by the adviser */
	uint16_t	 licences;		/* closed under implication */
	uint16_t	 radius_km;
	uint8_t		 sectors;
	uint8_t		 contracts;
	uint8_t		 status;
	uint8_t		 level;
	uint8_t		 flags;			/* CAND_F_* */
	uint8_t		 barriers;
	/* refdata_department_number() of the home: 0 unknown. */
	uint8_t		 dept;
};

/* The posting entries stay at 48 bytes (docs/BENCHMARKS.md, memory). */
_Static_assert(sizeof(struct cand_key) == 40, "cand_key is 40 bytes");

/*
 * One candidate as the scorer sees it: the key, what only the full score
 * needs, its id and a small array of (rome id, months) pairs and skill
 * ids.  72 bytes plus those two allocations.
 */
struct cand_rec {
	struct cand_key	 k;
	int32_t		 last_referral;		/* day; DATE_NONE: never */
	int32_t		 updated_on;		/* day of the last put */
	uint16_t	 open_referrals;
	uint8_t		 working_time;
	uint8_t		 njobs;
	uint8_t		 nskills;
	/* The adviser's interned name, 1-based; 0: none.  In the padding. */
	uint16_t	 adviser;
	/*
	 * ext[2*i] = rome id, ext[2*i+1] = months; then nskills skill ids;
	 * then 1 + the home commune's index in refdata (0: by lat/lon).
	 */
	uint16_t	*ext;
	char		*id;
};

/* One entry of a ROME code's posting list: 48 bytes. */
struct posting_entry {
	struct cand_key	 k;
	uint32_t	 slot;
	uint16_t	 months;	/* experience in this code */
};

struct posting {
	struct posting_entry *e;
	uint32_t	 n, cap;
};

struct index {
	const struct refdata *ref;
	struct cand_rec	*recs;
	uint32_t	 nrecs;		/* slots used so far (live or free) */
	uint32_t	 caprecs;
	uint32_t	*freeslots;
	uint32_t	 nfree, capfree;
	uint32_t	*table;		/* id hash -> slot, INDEX_NONE empty */
	uint32_t	 tablecap;	/* power of two */
	uint32_t	 tabletomb;	/* deleted markers */
	struct posting	*postings;	/* one per ROME id */
	char		**skills;	/* interned tags, by id */
	uint32_t	*skilltable;	/* hash -> skill id + 1, 0 empty */
	uint32_t	 nskills, skilltablecap;
	char		**advisers;	/* interned names, adviser id - 1 */
	uint32_t	*advisertable;	/* hash -> adviser id, 0 empty */
	uint32_t	 nadvisers, advisertablecap;
	/* Counters kept up to date for stats and match counts. */
	uint32_t	 live;
	uint32_t	 sector_live[8];
	uint32_t	 sector_unavailable[8];
	uint32_t	 status_live[8];
};

struct index	*index_new(const struct refdata *ref);
void		 index_free(struct index *);

/*
 * Insert or replace a candidate.  Returns its slot and sets *created, or
 * INDEX_NONE if the skill table is full.  Referral counters of a replaced
 * record are kept.
 */
uint32_t	 index_put(struct index *, const struct candidate *, int *created);
/* Remove a candidate; 0, or -1 if unknown. */
int		 index_delete(struct index *, const char *id);
/* Slot of id, or INDEX_NONE. */
uint32_t	 index_find(const struct index *, const char *id);
/* Interned id of a skill tag, or -1 if no candidate ever had it. */
int		 index_skill_id(const struct index *, const char *tag);
const char	*index_skill_name(const struct index *, int id);
/* The adviser of the candidate in slot, or NULL if it names none. */
const char	*index_adviser(const struct index *, uint32_t slot);
/* The home commune of the candidate in slot; NULL if given by lat/lon. */
const struct commune *index_commune(const struct index *, uint32_t slot);

/*
 * Referral bookkeeping for the fairness component: a referral became open
 * (validated) on `day`, or an open one was closed.
 */
void		 index_referral_opened(struct index *, uint32_t slot,
		    int32_t day);
void		 index_referral_closed(struct index *, uint32_t slot);
/* Rebuild only: record a past referral without opening it. */
void		 index_referral_seen(struct index *, uint32_t slot, int32_t day);

/*
 * Next live slot at or after *cursor whose sectors intersect mask (0: any);
 * INDEX_NONE at the end.  For candidate.list paging.
 */
uint32_t	 index_next(const struct index *, uint32_t cursor,
		    uint32_t sector_mask);

/* Bytes held by the index, for the per-candidate memory figure. */
size_t		 index_memory(const struct index *);

#endif
