/*
 * What a move the referral script has applied changes in memory, whoever
 * made it (referral.update, the expiry sweep of referral_sweep.h): both
 * paths call referral_applied(), so memory follows Redis alike.
 */
#ifndef MATCHER_REFERRAL_APPLIED_H
#define MATCHER_REFERRAL_APPLIED_H

#include <stdint.h>

#include "clause.h"
#include "store.h"

struct matcherd;

/* A move the referral script has applied. */
struct referral_applied_move {
	const char	*offer;
	const char	*candidate;
	int		 from, to;
	const char	*user;		/* who moved: a staff user, "matcherd" */
	const char	*note;
	int64_t		 now;
	const struct clause_hire *hire;	/* written with the move, or NULL */
};

/*
 * The bookkeeping after a move: the offer table, the clause hire, the
 * index's open-referral counters, and the offer closed "pourvue" as
 * offer.close would when this hire fills its positions (that write has
 * a deadline of its own, store_deadline_us()).  done (NULL: none) is called once it is all settled,
 * with the reply to the close, or NULL at once when nothing closed.
 * The move goes out as a "referral" event to the advisers subscribed to
 * the offer's sector (notify.h).
 */
void	referral_applied(struct matcherd *, const struct referral_applied_move *,
	    store_cb *done, void *arg);

#endif
