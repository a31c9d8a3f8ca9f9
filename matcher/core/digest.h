/*
 * An adviser's daily digest (proto/PROTOCOL.md, "digest"): in their
 * sectors, the offers that arrived since a time, the referrals waiting
 * for the employer's answer, and the hires since that time.  Read from the
 * offer table alone, in one pass.  Pure.  The entries point into the
 * table: use the digest before the table changes.
 */
#ifndef MATCHER_DIGEST_H
#define MATCHER_DIGEST_H

#include <stdint.h>

#include "offer_table.h"

#define DIGEST_LIST_MAX		200

struct digest_ref {
	const struct offer_entry *e;
	const struct offer_ref	*r;
};

struct digest {
	/* Open offers created at or after since, newest first. */
	const struct offer_entry **offers;
	uint32_t	 noffers, offers_total;
	/* Referrals at sent or interview on open offers, oldest move first. */
	struct digest_ref *waiting;
	uint32_t	 nwaiting, waiting_total;
	/* Referrals that reached hired at or after since, newest first. */
	struct digest_ref *hires;
	uint32_t	 nhires, hires_total;
};

/*
 * The digest of the offers of sectors (1u << enum sector) since since
 * (unix seconds), each list cut to its first count (1..DIGEST_LIST_MAX),
 * totals uncut.
 */
void	digest_build(const struct offer_table *, uint32_t sectors,
	    int64_t since, int count, struct digest *);
void	digest_free(struct digest *);
/* 1 if a referral's status waits for the employer's answer. */
int	digest_waiting(int status);

#endif
