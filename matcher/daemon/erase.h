/*
 * Erasing a person (docs/RGPD.md): the record, the identity, the index
 * entry and every stored match result lose them; their referrals and
 * clause hires stay as anonymous traces.  Used by candidate.erase and
 * by the retention sweep (retention.c).
 *
 * The person leaves the index at once, so that no match made meanwhile
 * includes them.  The stored results they appear in are read, then one
 * MULTI/EXEC removes the record and the identity and runs the erasure
 * script on each offer of theirs: Redis applies all of it or none, so a
 * daemon killed at any point leaves either the person or no trace of
 * them, and the caller may simply erase again (it is idempotent).
 */
#ifndef MATCHER_ERASE_H
#define MATCHER_ERASE_H

#include <stdint.h>

#include "decode.h"
#include "rgpd.h"

struct matcherd;

struct erase_result {
	int		 code;		/* 0, or RPC_ERR_* */
	char		 message[160];
	int		 erased;	/* something about them was held */
	long long	 referrals;	/* kept anonymously */
	long long	 results;	/* stored results they left */
	long long	 history;	/* history entries made anonymous */
	long long	 hires;		/* clause hires kept anonymously */
};

typedef void erase_done_fn(void *arg, const struct erase_result *);

/*
 * Erase candidate id for reason, on behalf of user (role).  audit: the
 * erasure writes its own audit entry (the sweep's; a method call is in
 * the trail already).  done is called once, later.
 */
void	erase_start(struct matcherd *, const char *id, enum rgpd_reason,
	    const char *user, const char *role, int audit, int64_t now,
	    erase_done_fn *done, void *arg);

#endif
