/*
 * referral.update: move a referral along its life; referral.history: its
 * moves (PROTOCOL.md).  method_referral_applied() is what a move the
 * script applied changes in memory, whoever made it (referral.update or
 * the expiry sweep, referral_sweep.h).
 */
#ifndef MATCHER_METHOD_REFERRAL_H
#define MATCHER_METHOD_REFERRAL_H

#include <stdint.h>

#include <msgpack.h>

#include "clause.h"
#include "methods.h"
#include "referral.h"
#include "store.h"

method_fn	method_referral_update;
method_fn	method_referral_history;
method_fn	method_referral_sweep;

/* Moves referral.history answers at most: the last ones. */
#define METHOD_REFERRAL_HISTORY_MAX	1000
/* One move as referral.history and candidate.export show it. */
void		 method_referral_pack_move(msgpack_packer *,
		    const struct referral_hist *);

/* A move the referral script has applied. */
struct referral_applied {
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
 * offer.close would when this hire fills its positions (that write
 * carries deadline).  done (NULL: none) is called once it is all settled,
 * with the reply to the close, or NULL at once when nothing closed.
 * Live events of a move belong here too.
 */
void		 method_referral_applied(struct matcherd *,
		    const struct referral_applied *, int64_t deadline,
		    store_cb *done, void *arg);

/*
 * The follow-up fields of a referral entry (offer.get, candidate.referrals):
 * stale, days_without_move on day today, hired_elsewhere (the offer id
 * given, kept only while the referral is not final; else nil).
 */
#define METHOD_REFERRAL_FOLLOWUP_FIELDS	3
void		 method_referral_pack_followup(struct matcherd *,
		    msgpack_packer *, int status, int64_t updated_at,
		    int32_t today, const char *hired_elsewhere);

#endif
