/*
 * The record layer's follows (follows.h): P:follow:{cXX}, a hash in the
 * bucket and hash tag of the person's record, one field "candidate\tuser"
 * per pair, its value the unix time of the follow (docs/REDIS.md).  One
 * field per pair, so that two advisers following one person at once are
 * two independent HSETNXs, and an erasure deletes them in the person's slot.
 */
#ifndef MATCHER_RECORDS_FOLLOW_H
#define MATCHER_RECORDS_FOLLOW_H

#include <stdint.h>

#include <hiredis/hiredis.h>

#include "follows.h"
#include "redis_cmd.h"

void	records_follow_put(struct redis_cmd *, const char *prefix,
	    const char *candidate, const char *user, int64_t since);
void	records_follow_delete(struct redis_cmd *, const char *prefix,
	    const char *candidate, const char *user);
/* HSCAN of bucket b's follows from cursor (the rebuild). */
void	records_follow_scan(struct redis_cmd *, const char *prefix, int b,
	    const char *cursor);
/*
 * One scanned field f and value v into out; -1 with why (RECORDS_WHY_MAX
 * bytes) when it does not decode.
 */
int	records_follow_decode(const redisReply *f, const redisReply *v,
	    struct follow *out, char *why);

#endif
