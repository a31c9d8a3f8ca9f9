/*
 * What referral entries show of the follow-up (proto/PROTOCOL.md,
 * Referral follow-up), and a move of the history as referral.history and
 * candidate.export show it.
 */
#ifndef MATCHER_REFERRAL_VIEW_H
#define MATCHER_REFERRAL_VIEW_H

#include <stdint.h>

#include <msgpack.h>

#include "referral.h"

struct matcherd;

/*
 * The follow-up fields of a referral entry (offer.get, candidate.referrals):
 * stale, days_without_move on day today, hired_elsewhere (the offer id
 * given, kept only while the referral is not final; else nil).
 */
#define REFERRAL_VIEW_FOLLOWUP_FIELDS	3
void	referral_view_pack_followup(struct matcherd *, msgpack_packer *,
	    int status, int64_t updated_at, int32_t today,
	    const char *hired_elsewhere);
/* {at, from, to, user, note} */
void	referral_view_pack_move(msgpack_packer *, const struct referral_hist *);

#endif
