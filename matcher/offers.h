/*
 * In-memory table of offers: the decoded offer, its state and its
 * referrals.  Derived state, like the index: Redis holds the truth and the
 * table is rebuilt from it at start-up.  Pure; allocation failures abort.
 */
#ifndef MATCHER_OFFERS_H
#define MATCHER_OFFERS_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "offer.h"
#include "referral.h"

struct offer_ref {
	char		*candidate;
	int		 status;	/* enum referral_status */
	int64_t		 updated_at;	/* unix seconds */
};

struct offer_entry {
	struct offer	 offer;
	int		 closed;
	int64_t		 created_at;
	struct offer_ref *refs;
	uint32_t	 nrefs, caprefs;
};

struct offers {
	struct offer_entry **entries;	/* open addressing by id */
	uint32_t	 cap, count;
	uint32_t	 open, closed;
	uint32_t	 referrals[REFERRAL_COUNT];
};

struct offers	*offers_new(void);
void		 offers_free(struct offers *);
struct offer_entry *offers_get(const struct offers *, const char *id);
/*
 * Insert or replace the offer (keeping referrals and creation time of an
 * existing entry).  Returns the entry.
 */
struct offer_entry *offers_put(struct offers *, const struct offer *,
		    int64_t created_at);
void		 offers_set_closed(struct offers *, struct offer_entry *,
		    int closed);

struct offer_ref *offers_ref_find(const struct offer_entry *,
		    const char *candidate);
/*
 * Set the referral of candidate on e to status (adding it if new), keeping
 * the per-status counters right.  Returns the previous status, or -1.
 */
int		 offers_ref_set(struct offers *, struct offer_entry *,
		    const char *candidate, int status, int64_t updated_at);

/*
 * Slots of the candidates that are past "suggested" on e (they are not
 * suggested again), sorted; *out is allocated, the caller frees it.
 */
size_t		 offers_referred_slots(const struct offer_entry *,
		    const struct index *, uint32_t **out);

/* Iterate: the entry after position *pos (start at 0), or NULL. */
struct offer_entry *offers_next(const struct offers *, uint32_t *pos);

#endif
