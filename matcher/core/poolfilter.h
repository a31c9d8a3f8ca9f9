/*
 * The filters of candidate.list over the in-memory index: which records
 * of the candidathèques an adviser's search selects, and one pass that
 * counts them all and picks one page.  Parses nothing: the daemon turns
 * the request into a struct pool_filter (proto/PROTOCOL.md).  Pure.
 *
 * Every criterion left at its "any" value selects every record; the
 * criteria given are all required (AND).
 */
#ifndef MATCHER_POOLFILTER_H
#define MATCHER_POOLFILTER_H

#include <stdint.h>

#include "decode.h"
#include "index.h"

/* skill: a tag no candidate holds, so nothing matches. */
#define POOLFILTER_SKILL_NONE	(-2)

struct pool_filter {
	uint32_t	 sectors;	/* any of; 0: any sector */
	uint32_t	 statuses;	/* 1u << enum cand_status, any of; 0: any */
	int		 rome_first;	/* a ROME id range (a code or a */
	int		 rome_last;	/* domain) held by a job; -1: any */
	uint32_t	 licences;	/* 1u << enum licence, all of; 0: none */
	int		 skill;		/* interned id; -1: any; SKILL_NONE */
	uint32_t	 criteria;	/* 1u << enum criterion, any of; 0: any */
	int32_t		 available_by;	/* day; DATE_NONE: any (past: today) */
	int32_t		 updated_since;	/* day; DATE_NONE: any */
	int		 within_km;	/* of (lat, lon); 0: anywhere */
	double		 lat, lon;
	/* Case-insensitive substring of the id; "": any. */
	char		 q[RECORD_ID_MAX + 1];
};

/* A filter that selects every record: the "any" values above. */
void		 poolfilter_init(struct pool_filter *);

/* 1 if the live record in slot passes every criterion of f. */
int		 poolfilter_match(const struct index *, uint32_t slot,
		    const struct pool_filter *, int32_t today);

/*
 * One pass over the index in slot order: the matches are counted
 * (*total), those before the page too (*before: the 0-based position of
 * the page's first record).  The page starts at the first match at or
 * after slot cursor, skipping `skip` more; up to count slots go to
 * out[].  *next is the slot of the match after the page, INDEX_NONE at
 * the end.  Returns how many slots went to out.
 */
uint32_t	 poolfilter_page(const struct index *,
		    const struct pool_filter *, int32_t today, uint32_t cursor,
		    uint32_t skip, uint32_t count, uint32_t *out,
		    uint32_t *total, uint32_t *before, uint32_t *next);

#endif
