/*
 * The record layer's commands of the RGPD operations (docs/RGPD.md):
 * an erasure's reads and its script on each offer, and the reads of an
 * export.  Keys and fields are records.h's; this file only adds the
 * commands that erase.c and method_rgpd.c send.
 */
#ifndef MATCHER_RECORDS_RGPD_H
#define MATCHER_RECORDS_RGPD_H

#include <stddef.h>

#include "clause.h"
#include "redis_cmd.h"

/* HGET of an offer's stored match result. */
void	records_rgpd_result_read(struct redis_cmd *, const char *prefix,
	    int sector, const char *offer);
/* LRANGE of the whole referral history of an offer. */
void	records_rgpd_history_read(struct redis_cmd *, const char *prefix,
	    int sector, const char *offer);

/* What an erasure changes on one offer (rgpd_lua_script()). */
struct records_erasure {
	int		 sector;
	const char	*offer;
	const char	*candidate;
	const char	*anon;
	/* The result as read, and without the person; NULL: left as it is. */
	const char	*old_result, *new_result;
	size_t		 old_len, new_len;
	/* The person's hire on this offer, and its anonymous copy; or NULL. */
	const struct clause_hire *hire, *anon_hire;
};
void	records_rgpd_erase_offer(struct redis_cmd *, const char *prefix,
	    const char *script, const struct records_erasure *);
/*
 * The script's reply: {referrals, history entries, results, hires}
 * changed into n[4]; 0, or -1 when the reply is not the script's.
 */
int	records_rgpd_erased(const redisReply *, long long n[4]);

#endif
