/*
 * The rebuild.  Candidates: HSCAN each of the 256 bucket hashes, pipelined
 * a batch of buckets at a time.  Offers: per sector, ZRANGE the offer set,
 * then HGETALL each offer and its referrals.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "candidate.h"
#include "dates.h"
#include "domain.h"
#include "keys.h"
#include "log.h"
#include "matcherd.h"
#include "offer.h"
#include "offers.h"
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

/* Decode one stored candidate and index it. */
static void
load_candidate(struct matcherd *env, const char *key, const redisReply *f,
    const redisReply *v, struct rebuild_counts *n)
{
	struct candidate *c;
	struct field_error err;
	msgpack_zone zone;
	msgpack_object obj;
	size_t off = 0;
	int created;

	c = xmalloc(sizeof(*c));
	msgpack_zone_init(&zone, 2048);
	if (v->type != REDIS_REPLY_STRING ||
	    msgpack_unpack(v->str, v->len, &off, &zone, &obj) !=
	    MSGPACK_UNPACK_SUCCESS) {
		log_warnx("%s %s: not a msgpack record, skipped", key, f->str);
		n->skipped++;
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

static int
load_candidates(struct matcherd *env, redisContext *rc,
    struct rebuild_counts *n)
{
	char key[KEY_MAX], cursor[32];
	redisReply *r;
	size_t i;
	int b;

	for (b = 0; b < KEY_CAND_BUCKETS; b++) {
		key_cand_bucket_n(key, env->conf->redis_prefix, b);
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
			snprintf(cursor, sizeof(cursor), "%s",
			    r->element[0]->str);
			for (i = 0; i + 1 < r->element[1]->elements; i += 2)
				load_candidate(env, key,
				    r->element[1]->element[i],
				    r->element[1]->element[i + 1], n);
			freeReplyObject(r);
		} while (strcmp(cursor, "0") != 0);
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
		offers_ref_set(env->offers, e, f->str, status, ts);
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
		e = offers_put(env->offers, o, created ?
		    strtoll(created->str, NULL, 10) : 0);
		status = field(h, "status");
		if (status != NULL && strcmp(status->str, "closed") == 0)
			offers_set_closed(env->offers, e, 1);
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
	if (load_candidates(env, rc, n) == 0 && load_offers(env, rc, n) == 0)
		rv = 0;
	redisFree(rc);
	return rv;
}
