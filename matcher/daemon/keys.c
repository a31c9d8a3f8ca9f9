/*
 * Key names.  Sector-scoped keys carry "{sector}" as a Redis Cluster hash
 * tag; candidate buckets carry "{cXX}".
 */
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "keys.h"

int
key_meta(char *buf, const char *prefix)
{
	return snprintf(buf, KEY_MAX, "%s:meta", prefix);
}

int
key_cand_bucket_n(char *buf, const char *prefix, int bucket)
{
	return snprintf(buf, KEY_MAX, "%s:cand:{c%02x}", prefix,
	    bucket & (KEY_CAND_BUCKETS - 1));
}

int
key_cand_bucket(char *buf, const char *prefix, const char *id)
{
	return key_cand_bucket_n(buf, prefix,
	    (int)(hash_fnv1a(id, strlen(id)) & (KEY_CAND_BUCKETS - 1)));
}

int
key_offer_sectors(char *buf, const char *prefix)
{
	return snprintf(buf, KEY_MAX, "%s:offers", prefix);
}

int
key_sector_offers(char *buf, const char *prefix, const char *sector)
{
	return snprintf(buf, KEY_MAX, "%s:{%s}:offers", prefix, sector);
}

int
key_offer(char *buf, const char *prefix, const char *sector, const char *id)
{
	return snprintf(buf, KEY_MAX, "%s:{%s}:offer:%s", prefix, sector, id);
}

int
key_referrals(char *buf, const char *prefix, const char *sector,
    const char *id)
{
	return snprintf(buf, KEY_MAX, "%s:{%s}:ref:%s", prefix, sector, id);
}

int
key_referral_history(char *buf, const char *prefix, const char *sector,
    const char *id)
{
	return snprintf(buf, KEY_MAX, "%s:{%s}:refhist:%s", prefix, sector,
	    id);
}

int
key_clause_ops(char *buf, const char *prefix)
{
	return snprintf(buf, KEY_MAX, "%s:clause:ops", prefix);
}

int
key_clause_hires(char *buf, const char *prefix, const char *sector)
{
	return snprintf(buf, KEY_MAX, "%s:{%s}:clause:hires", prefix, sector);
}

int
key_dup_merged(char *buf, const char *prefix)
{
	return snprintf(buf, KEY_MAX, "%s:dup:merged", prefix);
}

int
key_dup_pairs(char *buf, const char *prefix)
{
	return snprintf(buf, KEY_MAX, "%s:dup:pairs", prefix);
}
