/*
 * What the follows (follows.h, candidate.follow) do elsewhere: the
 * followers listed by candidate.get, the "followed" events of a new
 * match, and a deleted or erased person's follows going with them.
 */
#ifndef MATCHER_FOLLOWERS_H
#define MATCHER_FOLLOWERS_H

#include <msgpack.h>

struct matcherd;
struct offer;
struct score_result;

/* The key followers and [{user, since}] of candidate id. */
void	followers_pack(msgpack_packer *, const struct matcherd *,
	    const char *id);
/*
 * A person deleted or erased: queue in the store's open transaction one
 * HDEL per follow of id, so that they go with the record (the caller
 * counts the replies); how many.  followers_drop() forgets them in memory
 * once Redis has run the transaction.
 */
size_t	followers_queue_forget(struct matcherd *, const char *id);
void	followers_drop(struct matcherd *, const char *id);
/*
 * A new offer ranked candidate at rank (1-based) with score s: tell each
 * of their followers who may see the offer.
 */
void	followers_ranked(struct matcherd *, const struct offer *,
	    const char *candidate, int rank, const struct score_result *s);

#endif
