/*
 * The record layer: every Redis key, field, value encoding and command of
 * candidates, offers, match results, referrals, duplicates and clause data
 * (docs/REDIS.md), used by the methods' writes and reads and by the
 * start-up rebuild.  Nothing else spells a key or a field.
 *
 * Three kinds of functions:
 * - records_key_*: key names (a buffer of RECORDS_KEY_MAX bytes always
 *   suffices for valid ids); sector-scoped keys carry "{sector}" as a
 *   Redis Cluster hash tag, candidate buckets "{cXX}";
 * - fillers of one command (struct redis_cmd), which the caller sends
 *   alone (store_send), queues in a transaction (store_queue) or, at
 *   start-up, sends on the blocking connection;
 * - records_queue_*: several commands queued in the caller's transaction;
 * - decoders of replies: they check what Redis returned and say why a
 *   value is refused, never logging (the caller names the record).
 */
#ifndef MATCHER_RECORDS_H
#define MATCHER_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>
#include <msgpack.h>

#include "candidate.h"
#include "clause.h"
#include "offer.h"
#include "offer_table.h"
#include "redis_cmd.h"
#include "refdata.h"

struct store;

#define RECORDS_KEY_MAX 256
/* Candidates are spread over this many hashes. */
#define RECORDS_CAND_BUCKETS 256
/* Why a stored value was refused. */
#define RECORDS_WHY_MAX 400

int	records_key_meta(char *buf, const char *prefix);
/* The bucket of a candidate id, 0 .. RECORDS_CAND_BUCKETS - 1. */
int	records_cand_bucket(const char *id);
/* HSCAN of key from cursor, as every scan of the rebuild reads. */
void	records_hscan(struct redis_cmd *, const char *key, const char *cursor);
int	records_key_cand_bucket(char *buf, const char *prefix, const char *id);
int	records_key_cand_bucket_n(char *buf, const char *prefix, int bucket);
int	records_key_offer_sectors(char *buf, const char *prefix);
int	records_key_sector_offers(char *buf, const char *prefix,
	    const char *sector);
int	records_key_offer(char *buf, const char *prefix, const char *sector,
	    const char *id);
int	records_key_referrals(char *buf, const char *prefix,
	    const char *sector, const char *id);
int	records_key_referral_history(char *buf, const char *prefix,
	    const char *sector, const char *id);
/* Clause operations (one hash) and the hires of a sector's offers. */
int	records_key_clause_ops(char *buf, const char *prefix);
int	records_key_clause_hires(char *buf, const char *prefix,
	    const char *sector);
/* Duplicates (docs/DEDUP.md): merged id -> {into, ...}; uncertain pairs. */
int	records_key_dup_merged(char *buf, const char *prefix);
int	records_key_dup_pairs(char *buf, const char *prefix);

/* HSET meta schema 1: the layout version this daemon writes. */
void	records_meta_schema(struct redis_cmd *, const char *prefix);
/*
 * The daemons' secret of partner pseudonyms (pseudo.h), 64 hex digits in
 * the meta hash: set once (HSETNX, so that every daemon on this Redis
 * keeps the first), then read.
 */
void	records_meta_secret_offer(struct redis_cmd *, const char *prefix,
	    const char *hex);
void	records_meta_secret_read(struct redis_cmd *, const char *prefix);

/* Candidates: one field of a bucket hash per candidate, its packed map. */
void	records_candidate_put(struct redis_cmd *, const char *prefix,
	    const struct candidate *);
void	records_candidate_get(struct redis_cmd *, const char *prefix,
	    const char *id);
void	records_candidate_delete(struct redis_cmd *, const char *prefix,
	    const char *id);
/* HSCAN of bucket b from cursor. */
void	records_candidate_scan(struct redis_cmd *, const char *prefix, int b,
	    const char *cursor);
/* candidate.put's reply: 1 if the field is new, 0 if not, -1 unknown. */
int	records_candidate_created(const redisReply *);
/*
 * A stored candidate map into obj (zone owns it): 1, or 0 when there is
 * none (nil), or -1 when the value is not a msgpack map.
 */
int	records_candidate_unpack(const redisReply *, msgpack_zone *,
	    msgpack_object *);
/* A scanned field and value, decoded and checked against the field. */
int	records_candidate_decode(const redisReply *f, const redisReply *v,
	    const struct refdata *, struct candidate *, char *why);

/* Offers: the hash of one offer, and what it holds. */
struct records_offer {
	const redisReply *data;		/* offer_pack() map, or NULL */
	const redisReply *result;	/* result_pack() map, or NULL */
	int		 closed;
	int64_t		 created_at;
	const char	*closed_reason;	/* NULL if none */
	size_t		 closed_reason_len;
};

/*
 * Store o (open, its result packed in result) in its sector: the hash,
 * the sector's creation-ordered set and the id -> sector index.
 */
void	records_queue_offer_store(struct store *, const struct offer *o,
	    int64_t created_at, int64_t now, const char *result, size_t len);
/*
 * An offer put again with a code of another sector moves to that
 * sector's keys: the old keys go, the referrals are written again from
 * memory (as Redis holds them) and the history is copied.  On Redis
 * Cluster the two sectors live in different slots (docs/REDIS.md).
 */
void	records_queue_offer_move(struct store *, const struct offer_entry *e,
	    int to_sector);
/* The new "suggested" referrals of a match (existing ones are kept). */
void	records_queue_referrals_suggest(struct store *, const struct offer *o,
	    const char (*ids)[RECORD_ID_MAX + 1], int n, int64_t now);
void	records_offer_close(struct redis_cmd *, const char *prefix,
	    const struct offer *o, const char *reason, int64_t now);
/* offer.get: the offer's hash, then its referrals (two replies). */
void	records_queue_offer_read(struct store *, const struct offer *o);
/* The rebuild's reads: the ids of a sector, one offer's hash, its refs. */
void	records_offer_ids(struct redis_cmd *, const char *prefix, int sector);
void	records_offer_hash(struct redis_cmd *, const char *prefix,
	    int sector, const char *id);
void	records_offer_referrals(struct redis_cmd *, const char *prefix,
	    int sector, const char *id);
/* An HGETALL of an offer: 0, or -1 when there is no such hash. */
int	records_offer_parse(const redisReply *h, struct records_offer *);
/* Its data field decoded; id must match. */
int	records_offer_decode(const struct records_offer *, const char *id,
	    const struct refdata *, struct offer *, char *why);

/* One referral: field = candidate id, value = "status:unix-time". */
int	records_referral_decode(const redisReply *f, const redisReply *v,
	    int *status, int64_t *at);
/*
 * An atomic move (the script of referral_lua_script()) of referral.update
 * or the sweep: with the clause hire it makes (hire NULL if none), by
 * user, only if the referral's value is still expect (NULL: any), refused
 * by Redis after deadline_ms (store_redis_deadline_ms(); 0: no deadline).
 */
struct records_move {
	const char	*candidate;
	int		 to;
	int64_t		 now;
	const char	*note;
	const char	*user;
	const char	*expect;
	const struct clause_hire *hire;
	long long	 deadline_ms;
};
void	records_referral_move(struct redis_cmd *, const char *prefix,
	    const char *script, const struct offer *o,
	    const struct records_move *);
/* LRANGE of the last lines of an offer's history list (0: all). */
void	records_referral_history_read(struct redis_cmd *, const char *prefix,
	    int sector, const char *offer, long long last);
/* The value "status:unix-time" a referral has in Redis. */
#define RECORDS_REFERRAL_VALUE_MAX	48
void	records_referral_value(char *buf, size_t len, int status,
	    int64_t at);
/*
 * The script's reply: 1 moved, 0 illegal, -1 no such referral (*from
 * is the status before), or -2 when the reply is not the script's.
 */
int	records_referral_moved(const redisReply *, int *from);

/* Duplicates merged into offers (docs/DEDUP.md). */
void	records_queue_dup_merged_put(struct store *, const char *into,
	    const struct offer_merged *);
void	records_dup_merged_forget(struct redis_cmd *, const char *prefix,
	    const char *id);
void	records_dup_merged_read(struct redis_cmd *, const char *prefix);
/* Uncertain pairs: "offer other" -> {offer, other, why, at}. */
struct records_pair {
	char		 offer[RECORD_ID_MAX + 1];
	char		 other[RECORD_ID_MAX + 1];
	const char	*why;		/* in the reply; NULL if none */
	size_t		 whylen;
	int64_t		 at;
};
void	records_queue_dup_pair_add(struct store *, const char *id,
	    const char *other, const char *why, int64_t at);
/* Both ways round: a pair may be listed as (a, b) or (b, a). */
void	records_queue_dup_pair_delete(struct store *, const char *id,
	    const char *other);
void	records_dup_pairs_read(struct redis_cmd *, const char *prefix);
/* One value of the pairs hash; u holds what p points into. */
int	records_dup_pair_decode(const redisReply *v, msgpack_unpacked *u,
	    struct records_pair *p);

/* Clause operations and hires (docs/CLAUSE.md). */
void	records_clause_op_put(struct redis_cmd *, const char *prefix,
	    const struct clause_op *);
void	records_clause_ops_scan(struct redis_cmd *, const char *prefix,
	    const char *cursor);
void	records_clause_hires_scan(struct redis_cmd *, const char *prefix,
	    int sector, const char *cursor);
int	records_clause_op_decode(const redisReply *f, const redisReply *v,
	    struct clause_op *, char *why);
int	records_clause_hire_decode(const redisReply *f, const redisReply *v,
	    struct clause_hire *, char *why);

/*
 * The audit trail (docs/REDIS.md): a capped stream of who called which
 * method on which record, when.  record and candidate may be "";
 * reason, a word (an erasure's), may be NULL.
 */
#define RECORDS_AUDIT_MAX	1000000	/* entries kept, about */
void	records_audit_add(struct redis_cmd *, const char *prefix,
	    int64_t at, const char *user, const char *role, const char *method,
	    const char *record, const char *candidate, const char *reason);
/*
 * count entries, newest first (XREVRANGE), older than the entry id before
 * (NULL: from the newest), for audit.list's filters and exports.
 */
void	records_audit_read(struct redis_cmd *, const char *prefix,
	    const char *before, int count);
/* The value of field name of an entry's field list, or NULL. */
const redisReply *records_audit_field(const redisReply *fields,
	    const char *name);

/* An HSET/HDEL reply: the count it returns, or -1 if not an integer. */
long long records_count(const redisReply *);

/*
 * Identities (identity.h, through candidate.h), kept apart from the candidates' records so
 * that the rebuild and the index never read them: one field per
 * candidate in P:ident:{cXX}, the bucket and hash tag of its record, so
 * that a transaction on both keys stays in one slot.
 */
int	records_key_ident_bucket(char *buf, const char *prefix,
	    const char *id);
/* HSET of the packed identity, or HDEL when it is empty (all removed). */
void	records_ident_put(struct redis_cmd *, const char *prefix,
	    const char *id, const struct identity *);
void	records_ident_get(struct redis_cmd *, const char *prefix,
	    const char *id);
void	records_ident_delete(struct redis_cmd *, const char *prefix,
	    const char *id);
/*
 * An HGET of an identity into *out: 1, or 0 when there is none (nil),
 * or -1 with why (naming fields, never values) when it does not decode.
 */
int	records_ident_decode(const redisReply *, struct identity *,
	    char *why);

#endif
