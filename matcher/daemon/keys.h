/*
 * Redis key names (docs/REDIS.md).  Pure: the one place that spells them.
 * Each function writes a NUL-terminated key into buf and returns its
 * length; buf of KEY_MAX bytes always suffices for valid ids.
 */
#ifndef MATCHER_KEYS_H
#define MATCHER_KEYS_H

#include <stddef.h>

#define KEY_MAX 256
/* Candidates are spread over this many hashes. */
#define KEY_CAND_BUCKETS 256

int	key_meta(char *buf, const char *prefix);
int	key_cand_bucket(char *buf, const char *prefix, const char *id);
int	key_cand_bucket_n(char *buf, const char *prefix, int bucket);
int	key_offer_sectors(char *buf, const char *prefix);
int	key_sector_offers(char *buf, const char *prefix, const char *sector);
int	key_offer(char *buf, const char *prefix, const char *sector,
	    const char *id);
int	key_referrals(char *buf, const char *prefix, const char *sector,
	    const char *id);
int	key_referral_history(char *buf, const char *prefix,
	    const char *sector, const char *id);
/* Clause operations (one hash) and the hires of a sector's offers. */
int	key_clause_ops(char *buf, const char *prefix);
int	key_clause_hires(char *buf, const char *prefix, const char *sector);
/* Duplicates (docs/DEDUP.md): merged id -> {into, ...}; uncertain pairs. */
int	key_dup_merged(char *buf, const char *prefix);
int	key_dup_pairs(char *buf, const char *prefix);

#endif
