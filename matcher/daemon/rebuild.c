/*
 * The rebuild.  Candidates: HSCAN each of the 256 bucket hashes, pipelined
 * a batch of buckets at a time.  Offers: per sector, ZRANGE the offer set,
 * then HGETALL each offer and its referrals.  Clause operations: HSCAN of
 * their hash; clause hires: HSCAN of each sector's hires hash.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "candidate.h"
#include "clause.h"
#include "dates.h"
#include "domain.h"
#include "keys.h"
#include "log.h"
#include "matcherd.h"
#include "offer.h"
#include "offer_table.h"
#include "rebuild.h"
#include "referral.h"
#include "xmalloc.h"

/* Elements per HSCAN call: large enough to keep round trips few. */
#define SCAN_COUNT "2000"

static redisContext *
connect_wait(const struct conf *conf, int wait_s)
{
	struct timeval tv = { 5, 0 };
	redisContext *rc;
	redisReply *r;
	int tries = 0;

	for (;;) {
		rc = redisConnectWithTimeout(conf->redis.host, conf->redis.port,
		    tv);
		if (rc != NULL && rc->err == 0)
			break;
		if (tries == 0 || tries % 10 == 0)
			log_warnx("redis %s:%d: %s; retrying", conf->redis.host,
			    conf->redis.port, rc ? rc->errstr : "no memory");
		if (rc != NULL)
			redisFree(rc);
		if (++tries > wait_s)
			return NULL;
		sleep(1);
	}
	redisSetTimeout(rc, tv);
	if (conf->redis_password[0]) {
		r = redisCommand(rc, "AUTH %s", conf->redis_password);
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			log_error("redis: AUTH failed");
			freeReplyObject(r);
			redisFree(rc);
			return NULL;
		}
		freeReplyObject(r);
	}
	if (conf->redis_db) {
		r = redisCommand(rc, "SELECT %d", conf->redis_db);
		freeReplyObject(r);
	}
	return rc;
}

/* One field f (value v) of hash key, read by an HSCAN. */
typedef void scan_fn(struct matcherd *env, const char *key,
    const redisReply *f, const redisReply *v, struct rebuild_counts *n);

/*
 * Unpack the msgpack value v of field f of hash key into obj; -1 (logged
 * and counted as skipped) when it is not one.
 */
static int
unpack_stored(const char *key, const redisReply *f, const redisReply *v,
    msgpack_zone *zone, msgpack_object *obj, struct rebuild_counts *n)
{
	size_t off = 0;

	if (v->type == REDIS_REPLY_STRING &&
	    msgpack_unpack(v->str, v->len, &off, zone, obj) ==
	    MSGPACK_UNPACK_SUCCESS)
		return 0;
	log_warnx("%s %s: not a msgpack record, skipped", key, f->str);
	n->skipped++;
	return -1;
}

/* Decode one stored candidate and index it. */
static void
load_candidate(struct matcherd *env, const char *key, const redisReply *f,
    const redisReply *v, struct rebuild_counts *n)
{
	struct candidate *c;
	struct field_error err;
	msgpack_zone zone;
	msgpack_object obj;
	int created;

	c = xmalloc(sizeof(*c));
	msgpack_zone_init(&zone, 2048);
	if (unpack_stored(key, f, v, &zone, &obj, n) == -1) {
		/* logged and counted */
	} else if (candidate_decode(&obj, env->ref, c, &err) == -1) {
		log_warnx("%s %s: %s: %s, skipped", key, f->str, err.field,
		    err.message);
		n->skipped++;
	} else if (strcmp(c->id, f->str) != 0) {
		log_warnx("%s %s: record id is %s, skipped", key, f->str,
		    c->id);
		n->skipped++;
	} else if (index_put(env->idx, c, &created) == INDEX_NONE) {
		log_warnx("%s %s: skill table full, skipped", key, f->str);
		n->skipped++;
	} else
		n->candidates++;
	msgpack_zone_destroy(&zone);
	free(c);
}

/* HSCAN the whole hash key, calling fn on every field. */
static int
scan_hash(struct matcherd *env, redisContext *rc, const char *key,
    scan_fn *fn, struct rebuild_counts *n)
{
	char cursor[32];
	redisReply *r;
	size_t i;

	strcpy(cursor, "0");
	do {
		r = redisCommand(rc, "HSCAN %s %s COUNT %s", key, cursor,
		    SCAN_COUNT);
		if (r == NULL || r->type != REDIS_REPLY_ARRAY ||
		    r->elements != 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING ||
		    r->element[1]->type != REDIS_REPLY_ARRAY) {
			log_error("rebuild: HSCAN %s failed: %s", key,
			    r == NULL ? rc->errstr :
			    r->type == REDIS_REPLY_ERROR ? r->str :
			    "unexpected reply");
			freeReplyObject(r);
			return -1;
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		for (i = 0; i + 1 < r->element[1]->elements; i += 2)
			fn(env, key, r->element[1]->element[i],
			    r->element[1]->element[i + 1], n);
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0);
	return 0;
}

static int
load_candidates(struct matcherd *env, redisContext *rc,
    struct rebuild_counts *n)
{
	char key[KEY_MAX];
	int b;

	for (b = 0; b < KEY_CAND_BUCKETS; b++) {
		key_cand_bucket_n(key, env->conf->redis_prefix, b);
		if (scan_hash(env, rc, key, load_candidate, n) == -1)
			return -1;
	}
	return 0;
}

/* One clause operation: field = its id, value = its canonical map. */
static void
load_operation(struct matcherd *env, const char *key, const redisReply *f,
    const redisReply *v, struct rebuild_counts *n)
{
	struct clause_op *op;
	struct field_error err;
	msgpack_zone zone;
	msgpack_object obj;

	op = xmalloc(sizeof(*op));
	msgpack_zone_init(&zone, 2048);
	if (unpack_stored(key, f, v, &zone, &obj, n) == -1) {
		/* logged and counted */
	} else if (clause_op_decode(&obj, op, &err) == -1) {
		log_warnx("%s %s: %s: %s, skipped", key, f->str, err.field,
		    err.message);
		n->skipped++;
	} else if (strcmp(op->id, f->str) != 0) {
		log_warnx("%s %s: record id is %s, skipped", key, f->str,
		    op->id);
		n->skipped++;
	} else {
		clause_op_put(env->clauses, op);
		n->operations++;
	}
	msgpack_zone_destroy(&zone);
	free(op);
}

/* One hire: field = "offer\tcandidate", value = the hire record. */
static void
load_hire(struct matcherd *env, const char *key, const redisReply *f,
    const redisReply *v, struct rebuild_counts *n)
{
	char field[CLAUSE_HIRE_FIELD_MAX + 1];
	struct clause_hire h;
	struct field_error err;
	msgpack_zone zone;
	msgpack_object obj;

	msgpack_zone_init(&zone, 1024);
	if (unpack_stored(key, f, v, &zone, &obj, n) == -1) {
		/* logged and counted */
	} else if (clause_hire_decode(&obj, &h, &err) == -1) {
		log_warnx("%s %s: %s: %s, skipped", key, f->str, err.field,
		    err.message);
		n->skipped++;
	} else if (clause_hire_field(&h, field) != (int)f->len ||
	    memcmp(field, f->str, f->len) != 0) {
		log_warnx("%s %s: the record is the hire %s, skipped", key,
		    f->str, field);
		n->skipped++;
	} else {
		clause_hire_add(env->clauses, &h);
		n->hires++;
	}
	msgpack_zone_destroy(&zone);
}

static int
load_clauses(struct matcherd *env, redisContext *rc,
    struct rebuild_counts *n)
{
	const char *prefix = env->conf->redis_prefix;
	char key[KEY_MAX];
	uint32_t dropped;
	int s;

	key_clause_ops(key, prefix);
	if (scan_hash(env, rc, key, load_operation, n) == -1)
		return -1;
	for (s = 0; s < SECTOR_COUNT; s++) {
		key_clause_hires(key, prefix, vocab_name(&vocab_sector, s));
		if (scan_hash(env, rc, key, load_hire, n) == -1)
			return -1;
	}
	/* An offer that moved sector keeps its hires where they were. */
	if ((dropped = clause_hires_dedupe(env->clauses)) > 0) {
		log_warnx("clause hires: %u recorded twice, counted once",
		    dropped);
		n->hires -= dropped;
	}
	return 0;
}

static const redisReply *
field(const redisReply *h, const char *name)
{
	size_t i;

	for (i = 0; h->type == REDIS_REPLY_ARRAY && i + 1 < h->elements;
	    i += 2)
		if (strcmp(h->element[i]->str, name) == 0)
			return h->element[i + 1];
	return NULL;
}

static void
load_referrals(struct matcherd *env, struct offer_entry *e,
    const char *key, const redisReply *refs, struct rebuild_counts *n)
{
	const redisReply *f, *v;
	const char *colon;
	uint32_t slot;
	int status;
	int64_t ts;
	size_t i;

	for (i = 0; refs->type == REDIS_REPLY_ARRAY &&
	    i + 1 < refs->elements; i += 2) {
		f = refs->element[i];
		v = refs->element[i + 1];
		colon = v->type == REDIS_REPLY_STRING ?
		    strchr(v->str, ':') : NULL;
		if (colon == NULL || !record_id_valid(f->str, f->len) ||
		    (status = referral_lookup(v->str, colon - v->str)) < 0) {
			log_warnx("%s %s: bad referral value, skipped", key,
			    f->str);
			n->skipped++;
			continue;
		}
		ts = strtoll(colon + 1, NULL, 10);
		offer_table_ref_set(env->offers, e, f->str, status, ts);
		n->referrals++;
		if (status == REFERRAL_SUGGESTED ||
		    (slot = index_find(env->idx, f->str)) == INDEX_NONE)
			continue;
		if (referral_is_open(status))
			index_referral_opened(env->idx, slot,
			    (int32_t)(ts / 86400));
		else
			index_referral_seen(env->idx, slot,
			    (int32_t)(ts / 86400));
	}
}

static void
load_offer(struct matcherd *env, const char *sector, const char *id,
    const redisReply *h, const redisReply *refs, struct rebuild_counts *n)
{
	char key[KEY_MAX];
	struct field_error err;
	struct offer_entry *e;
	const redisReply *data, *status, *created;
	struct offer *o;
	msgpack_zone zone;
	msgpack_object obj;
	size_t off = 0;

	key_offer(key, env->conf->redis_prefix, sector, id);
	data = field(h, "data");
	if (data == NULL || data->type != REDIS_REPLY_STRING) {
		log_warnx("%s: no data field, skipped", key);
		n->skipped++;
		return;
	}
	o = xmalloc(sizeof(*o));
	msgpack_zone_init(&zone, 2048);
	if (msgpack_unpack(data->str, data->len, &off, &zone, &obj) !=
	    MSGPACK_UNPACK_SUCCESS ||
	    offer_decode(&obj, env->ref, o, &err) == -1 ||
	    strcmp(o->id, id) != 0) {
		log_warnx("%s: stored offer does not decode, skipped", key);
		n->skipped++;
	} else {
		created = field(h, "created_at");
		e = offer_table_put(env->offers, o, created ?
		    strtoll(created->str, NULL, 10) : 0);
		status = field(h, "status");
		if (status != NULL && strcmp(status->str, "closed") == 0)
			offer_table_set_closed(env->offers, e, 1);
		key_referrals(key, env->conf->redis_prefix, sector, id);
		load_referrals(env, e, key, refs, n);
		n->offers++;
	}
	msgpack_zone_destroy(&zone);
	free(o);
}

static int
load_offers(struct matcherd *env, redisContext *rc, struct rebuild_counts *n)
{
	const char *prefix = env->conf->redis_prefix, *sector;
	char key[KEY_MAX], kofr[KEY_MAX], kref[KEY_MAX];
	redisReply *ids, *h, *refs;
	size_t i;
	int s;

	for (s = 0; s < SECTOR_COUNT; s++) {
		sector = vocab_name(&vocab_sector, s);
		key_sector_offers(key, prefix, sector);
		ids = redisCommand(rc, "ZRANGE %s 0 -1", key);
		if (ids == NULL || ids->type != REDIS_REPLY_ARRAY) {
			log_error("rebuild: ZRANGE %s failed", key);
			freeReplyObject(ids);
			return -1;
		}
		/* Pipeline: queue every offer's two reads, then read. */
		for (i = 0; i < ids->elements; i++) {
			key_offer(kofr, prefix, sector, ids->element[i]->str);
			key_referrals(kref, prefix, sector,
			    ids->element[i]->str);
			redisAppendCommand(rc, "HGETALL %s", kofr);
			redisAppendCommand(rc, "HGETALL %s", kref);
		}
		for (i = 0; i < ids->elements; i++) {
			if (redisGetReply(rc, (void **)&h) != REDIS_OK ||
			    redisGetReply(rc, (void **)&refs) != REDIS_OK) {
				log_error("rebuild: reading offers of %s: %s",
				    sector, rc->errstr);
				freeReplyObject(ids);
				return -1;
			}
			if (!record_id_valid(ids->element[i]->str,
			    ids->element[i]->len)) {
				log_warnx("%s: bad offer id, skipped", key);
				n->skipped++;
			} else
				load_offer(env, sector, ids->element[i]->str,
				    h, refs, n);
			freeReplyObject(h);
			freeReplyObject(refs);
		}
		freeReplyObject(ids);
	}
	return 0;
}

/*
 * Duplicates merged into offers (docs/DEDUP.md): one hash, merged id ->
 * {into, source, partner, at, why}.  A merge into an offer that is gone
 * is logged and skipped.
 */
static int
load_merged(struct matcherd *env, redisContext *rc, struct rebuild_counts *n)
{
	char key[KEY_MAX], into[RECORD_ID_MAX + 1], err[80];
	struct offer_merged m;
	struct offer_entry *e;
	redisReply *r;
	size_t i;

	key_dup_merged(key, env->conf->redis_prefix);
	r = redisCommand(rc, "HGETALL %s", key);
	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		log_error("rebuild: HGETALL %s failed", key);
		freeReplyObject(r);
		return -1;
	}
	for (i = 0; i + 1 < r->elements; i += 2) {
		if (offer_table_unpack_merged(r->element[i]->str,
		    r->element[i + 1]->str, r->element[i + 1]->len, into, &m,
		    err, sizeof(err)) == -1) {
			log_warnx("%s %.*s: %s, skipped", key,
			    (int)r->element[i]->len, r->element[i]->str, err);
			n->skipped++;
		} else if ((e = offer_table_get(env->offers, into)) == NULL) {
			log_warnx("%s %s: merged into %s, which is gone; "
			    "skipped", key, m.id, into);
			n->skipped++;
		} else
			(void)offer_table_merge(env->offers, e, &m);
	}
	freeReplyObject(r);
	return 0;
}

int
rebuild_from_redis(struct matcherd *env, int wait_s,
    struct rebuild_counts *n)
{
	char key[KEY_MAX];
	redisContext *rc;
	redisReply *r;
	int rv = -1;

	memset(n, 0, sizeof(*n));
	if ((rc = connect_wait(env->conf, wait_s)) == NULL) {
		log_error("redis %s:%d: unreachable, giving up",
		    env->conf->redis.host, env->conf->redis.port);
		return -1;
	}
	key_meta(key, env->conf->redis_prefix);
	r = redisCommand(rc, "HSET %s schema 1", key);
	freeReplyObject(r);
	if (load_candidates(env, rc, n) == 0 &&
	    load_offers(env, rc, n) == 0 && load_merged(env, rc, n) == 0 &&
	    load_clauses(env, rc, n) == 0) {
		log_info("loaded %lu clause operations and %lu clause hires",
		    n->operations, n->hires);
		rv = 0;
	}
	redisFree(rc);
	return rv;
}
