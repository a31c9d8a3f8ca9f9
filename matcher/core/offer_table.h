/*
 * In-memory table of offers: the decoded offer, its state and its
 * referrals.  Derived state, like the index: Redis holds the truth and the
 * table is rebuilt from it at start-up.  Pure; allocation failures abort.
 */
#ifndef MATCHER_OFFER_TABLE_H
#define MATCHER_OFFER_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "dedup.h"
#include "index.h"
#include "offer.h"
#include "referral.h"

/*
 * Duplicates merged into one offer: the job arrived again from another
 * source (docs/DEDUP.md).  The offer keeps every source reference, and a
 * merged id names its offer (offer_table_alias()).  Bounded: a job is not
 * relayed by more than a few boards; past the bound a duplicate is still
 * recognised, but not listed.
 */
#define OFFER_TABLE_MERGED_MAX	32
#define OFFER_TABLE_WHY_MAX		240

struct offer_merged {
	char		 id[RECORD_ID_MAX + 1];
	int		 source;	/* enum source */
	char		 partner[OFFER_PARTNER_MAX + 1];
	int64_t		 at;		/* unix seconds */
	char		 why[OFFER_TABLE_WHY_MAX];	/* dedup_compare()'s */
};

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
	struct offer_merged *merged;
	uint32_t	 nmerged;
};

struct offer_table {
	struct offer_entry **entries;	/* open addressing by id */
	uint32_t	 cap, count;
	uint32_t	 open, closed;
	uint32_t	 referrals[REFERRAL_COUNT];
	/* Signatures of the open offers, and of those being stored. */
	struct dedup_index *dups;
	/* Merged ids -> their offer: open addressing, never deleted. */
	struct offer_entry **alias_entry;
	char		**alias_id;
	uint32_t	 alias_cap, alias_count;
	uint32_t	 merged;	/* duplicates merged, all offers */
};

struct offer_table	*offer_table_new(void);
void		 offer_table_free(struct offer_table *);
struct offer_entry *offer_table_get(const struct offer_table *, const char *id);
/*
 * Insert or replace the offer (keeping referrals and creation time of an
 * existing entry).  Returns the entry.
 */
struct offer_entry *offer_table_put(struct offer_table *, const struct offer *,
		    int64_t created_at);
void		 offer_table_set_closed(struct offer_table *, struct offer_entry *,
		    int closed);

struct offer_ref *offer_table_ref_find(const struct offer_entry *,
		    const char *candidate);
/*
 * The referral of candidate on e now names to (an erasure's anonymous
 * id, rgpd.h), status and date kept: 0, or -1 if there is none or to
 * already has one.
 */
int		 offer_table_ref_rename(struct offer_entry *, const char *candidate,
		    const char *to);
/*
 * Set the referral of candidate on e to status (adding it if new), keeping
 * the per-status counters right.  Returns the previous status, or -1.
 */
int		 offer_table_ref_set(struct offer_table *, struct offer_entry *,
		    const char *candidate, int status, int64_t updated_at);

/*
 * Slots of the candidates that are past "suggested" on e (they are not
 * suggested again), sorted; *out is allocated, the caller frees it.
 */
size_t		 offer_table_referred_slots(const struct offer_entry *,
		    const struct index *, uint32_t **out);

/*
 * Duplicates.  offer_table_put() and offer_table_set_closed() keep the open offers'
 * signatures; offer_table_reserve() adds the signature of an offer being
 * stored, so that its copy in the same batch is recognised before Redis
 * has answered.  created_at is the offer's first arrival (unix seconds,
 * 0 unknown).
 */
void		 offer_table_reserve(struct offer_table *, const struct offer *,
		    int64_t created_at);
/* Forget the reservation of id if it never reached the table. */
void		 offer_table_unreserve(struct offer_table *, const char *id);
/*
 * The open (or reserved) offer that o, a new offer, duplicates: the
 * verdict, with the other's id and the French explanation.
 */
enum dedup_verdict offer_table_find_duplicate(const struct offer_table *,
		    const struct offer *o, int64_t created_at, char *other,
		    size_t otherlen, char *why, size_t whylen);
/* The offer a merged id was merged into, or NULL. */
struct offer_entry *offer_table_alias(const struct offer_table *, const char *id);
/*
 * Record m as merged into e (m->id becomes an alias of e).  Returns 0, or
 * -1 when e already lists OFFER_TABLE_MERGED_MAX (the alias is kept).
 */
int		 offer_table_merge(struct offer_table *, struct offer_entry *,
		    const struct offer_merged *m);
/* The Redis value of a merge: {into, source, partner, at, why}. */
void		 offer_table_pack_merged(msgpack_packer *, const char *into,
		    const struct offer_merged *m);
/*
 * Decode a value of offer_table_pack_merged() (id is the Redis field).
 * Returns 0, or -1 with a reason in err.
 */
int		 offer_table_unpack_merged(const char *id, const char *data,
		    size_t len, char *into, struct offer_merged *m, char *err,
		    size_t errlen);
/* The merged list of e, as offer.get shows it: [{id, source, ...}]. */
void		 offer_table_pack_merged_list(msgpack_packer *,
		    const struct offer_entry *e);

/*
 * The hires of the table, for the flag "hired elsewhere" (proto/PROTOCOL.md,
 * Referral follow-up): derived at read time from the hired referrals, so
 * it needs no state of its own and an erasure or a restart cannot leave
 * it wrong.  *out is allocated (the caller frees it); its pointers live
 * as long as the table is unchanged.
 */
struct offer_hired {
	const char	*candidate;
	const char	*offer;
	int64_t		 at;
};
size_t		 offer_table_hired(const struct offer_table *,
		    struct offer_hired **out);
/*
 * The offer, other than offer, candidate was hired on last, or NULL.
 */
const char	*offer_table_hired_elsewhere(const struct offer_hired *,
		    size_t n, const char *candidate, const char *offer);

/* Iterate: the entry after position *pos (start at 0), or NULL. */
struct offer_entry *offer_table_next(const struct offer_table *, uint32_t *pos);

#endif
