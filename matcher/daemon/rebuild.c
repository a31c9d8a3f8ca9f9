/*
 * The rebuild, on a blocking connection: candidates are scanned bucket
 * by bucket; offers are listed per sector, then each offer and its
 * referrals read in one pipeline; clause operations and hires are
 * scanned.  Which keys, commands and values those are is records.c's.
 */
#include <sys/random.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "candidate.h"
#include "clause.h"
#include "dates.h"
#include "domain.h"
#include "follows.h"
#include "hex.h"
#include "log.h"
#include "matcherd.h"
#include "offer.h"
#include "offer_table.h"
#include "pseudo.h"
#include "records.h"
#include "records_follow.h"
#include "rebuild.h"
#include "referral.h"
#include "xmalloc.h"

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

/* One field f (value v) of a hash read by a scan; what names it. */
typedef void scan_fn(struct matcherd *env, const char *what,
    const redisReply *f, const redisReply *v, struct rebuild_counts *n);

/* Send c on rc and free it; the reply, or NULL (rc->errstr says why). */
static redisReply *
call(redisContext *rc, struct redis_cmd *c)
{
	redisReply *r;
	int argc;

	argc = redis_cmd_argv(c);
	r = redisCommandArgv(rc, argc, c->argv, c->lens);
	redis_cmd_free(c);
	return r;
}

static void
skipped(const char *what, const redisReply *f, const char *why,
    struct rebuild_counts *n)
{
	log_warnx("%s %.*s: %s, skipped", what,
	    f->type == REDIS_REPLY_STRING ? (int)f->len : 1,
	    f->type == REDIS_REPLY_STRING ? f->str : "?", why);
	n->skipped++;
}

/* Decode one stored candidate and index it. */
static void
load_candidate(struct matcherd *env, const char *what, const redisReply *f,
    const redisReply *v, struct rebuild_counts *n)
{
	char why[RECORDS_WHY_MAX];
	struct candidate *c;
	int created;

	c = xmalloc(sizeof(*c));
	if (records_candidate_decode(f, v, env->ref, c, why) == -1) {
		skipped(what, f, why, n);
		free(c);
		return;
	}
	if (c->updated_on == DATE_NONE) {
		c->updated_on = date_of_time(time(NULL));
		n->undated++;
	}
	if (index_put(env->idx, c, &created) == INDEX_NONE)
		skipped(what, f, "skill table full", n);
	else
		n->candidates++;
	free(c);
}

/* One clause operation: field = its id, value = its canonical map. */
static void
load_operation(struct matcherd *env, const char *what, const redisReply *f,
    const redisReply *v, struct rebuild_counts *n)
{
	char why[RECORDS_WHY_MAX];
	struct clause_op *op;

	op = xmalloc(sizeof(*op));
	if (records_clause_op_decode(f, v, op, why) == -1)
		skipped(what, f, why, n);
	else {
		clause_op_put(env->clauses, op);
		n->operations++;
	}
	free(op);
}

/* One hire: field = "offer\tcandidate", value = the hire record. */
static void
load_hire(struct matcherd *env, const char *what, const redisReply *f,
    const redisReply *v, struct rebuild_counts *n)
{
	char why[RECORDS_WHY_MAX];
	struct clause_hire h;

	if (records_clause_hire_decode(f, v, &h, why) == -1)
		skipped(what, f, why, n);
	else {
		clause_hire_add(env->clauses, &h);
		n->hires++;
	}
}

/*
 * The follows read, then loaded at once (follows_load()), and those of a
 * person no longer held (an erasure's HDEL that never ran), deleted.
 */
static struct follow *follows_read, *follows_orphan;
static size_t nfollows_read, nfollows_orphan, capread, caporphan;

static void
follow_push(struct follow **v, size_t *n, size_t *cap, const struct follow *f)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[(*n)++] = *f;
}

/* One follow: field = "candidate\tuser", value = since. */
static void
load_follow(struct matcherd *env, const char *what, const redisReply *f,
    const redisReply *v, struct rebuild_counts *n)
{
	char why[RECORDS_WHY_MAX];
	struct follow fw;

	if (records_follow_decode(f, v, &fw, why) == -1)
		skipped(what, f, why, n);
	else if (index_find(env->idx, fw.candidate) == INDEX_NONE)
		follow_push(&follows_orphan, &nfollows_orphan, &caporphan, &fw);
	else if (nfollows_read >= FOLLOWS_MAX)
		skipped(what, f, "too many follows", n);
	else
		follow_push(&follows_read, &nfollows_read, &capread, &fw);
}

/* What a scan reads: the command for a cursor. */
typedef void scan_cmd_fn(struct redis_cmd *, const char *prefix, int arg,
    const char *cursor);

static void
scan_candidates(struct redis_cmd *c, const char *prefix, int b,
    const char *cursor)
{
	records_candidate_scan(c, prefix, b, cursor);
}

static void
scan_operations(struct redis_cmd *c, const char *prefix, int unused,
    const char *cursor)
{
	records_clause_ops_scan(c, prefix, cursor);
}

static void
scan_hires(struct redis_cmd *c, const char *prefix, int sector,
    const char *cursor)
{
	records_clause_hires_scan(c, prefix, sector, cursor);
}

/* Scan a whole hash, calling fn on every field. */
static int
scan_hash(struct matcherd *env, redisContext *rc, scan_cmd_fn *cmd, int arg,
    scan_fn *fn, struct rebuild_counts *n)
{
	const char *prefix = env->conf->redis_prefix;
	struct redis_cmd c;
	char cursor[32], what[RECORDS_KEY_MAX];
	redisReply *r;
	size_t i;

	strcpy(cursor, "0");
	do {
		cmd(&c, prefix, arg, cursor);
		/* The key, as the log lines name it. */
		redis_cmd_argv(&c);
		snprintf(what, sizeof(what), "%.*s", (int)c.lens[1], c.argv[1]);
		r = call(rc, &c);
		if (r == NULL || r->type != REDIS_REPLY_ARRAY ||
		    r->elements != 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING ||
		    r->element[1]->type != REDIS_REPLY_ARRAY) {
			log_error("rebuild: HSCAN %s failed: %s", what,
			    r == NULL ? rc->errstr :
			    r->type == REDIS_REPLY_ERROR ? r->str :
			    "unexpected reply");
			freeReplyObject(r);
			return -1;
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		for (i = 0; i + 1 < r->element[1]->elements; i += 2)
			fn(env, what, r->element[1]->element[i],
			    r->element[1]->element[i + 1], n);
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0);
	return 0;
}

static void
scan_follows(struct redis_cmd *c, const char *prefix, int b,
    const char *cursor)
{
	records_follow_scan(c, prefix, b, cursor);
}

static int
load_follows(struct matcherd *env, redisContext *rc, struct rebuild_counts *n)
{
	struct redis_cmd c;
	size_t i;
	int b, rv = 0;

	for (b = 0; b < RECORDS_CAND_BUCKETS && rv == 0; b++)
		rv = scan_hash(env, rc, scan_follows, b, load_follow, n);
	if (rv == 0)
		n->follows = follows_load(env->follows, follows_read,
		    nfollows_read);
	for (i = 0; rv == 0 && i < nfollows_orphan; i++) {
		records_follow_delete(&c, env->conf->redis_prefix,
		    follows_orphan[i].candidate, follows_orphan[i].user);
		freeReplyObject(call(rc, &c));
	}
	if (rv == 0 && nfollows_orphan > 0)
		log_warnx("follows: %zu named a person no longer held: deleted",
		    nfollows_orphan);
	n->follows_orphan = nfollows_orphan;
	free(follows_read);
	free(follows_orphan);
	follows_read = follows_orphan = NULL;
	nfollows_read = nfollows_orphan = capread = caporphan = 0;
	return rv;
}

static int
load_candidates(struct matcherd *env, redisContext *rc,
    struct rebuild_counts *n)
{
	int b;

	for (b = 0; b < RECORDS_CAND_BUCKETS; b++)
		if (scan_hash(env, rc, scan_candidates, b, load_candidate,
		    n) == -1)
			return -1;
	return 0;
}

static int
load_clauses(struct matcherd *env, redisContext *rc,
    struct rebuild_counts *n)
{
	uint32_t dropped;
	int s;

	if (scan_hash(env, rc, scan_operations, 0, load_operation, n) == -1)
		return -1;
	for (s = 0; s < SECTOR_COUNT; s++)
		if (scan_hash(env, rc, scan_hires, s, load_hire, n) == -1)
			return -1;
	/* An offer that moved sector keeps its hires where they were. */
	if ((dropped = clause_hires_dedupe(env->clauses)) > 0) {
		log_warnx("clause hires: %u recorded twice, counted once",
		    dropped);
		n->hires -= dropped;
	}
	return 0;
}

static void
load_referrals(struct matcherd *env, struct offer_entry *e,
    const char *what, const redisReply *refs, struct rebuild_counts *n)
{
	uint32_t slot;
	int status;
	int64_t ts;
	size_t i;

	for (i = 0; refs->type == REDIS_REPLY_ARRAY &&
	    i + 1 < refs->elements; i += 2) {
		if (records_referral_decode(refs->element[i],
		    refs->element[i + 1], &status, &ts) == -1) {
			log_warnx("%s %s: bad referral value, skipped", what,
			    refs->element[i]->str);
			n->skipped++;
			continue;
		}
		offer_table_ref_set(env->offers, e, refs->element[i]->str,
		    status, ts);
		n->referrals++;
		if (status == REFERRAL_SUGGESTED ||
		    (slot = index_find(env->idx, refs->element[i]->str)) ==
		    INDEX_NONE)
			continue;
		if (referral_is_open(status))
			index_referral_opened(env->idx, slot,
			    date_of_time(ts));
		else
			index_referral_seen(env->idx, slot, date_of_time(ts));
	}
}

static void
load_offer(struct matcherd *env, int sector, const char *id,
    const redisReply *h, const redisReply *refs, struct rebuild_counts *n)
{
	const char *prefix = env->conf->redis_prefix;
	const char *sname = vocab_name(&vocab_sector, sector);
	char key[RECORDS_KEY_MAX], why[RECORDS_WHY_MAX];
	struct records_offer ro;
	struct offer_entry *e;
	struct offer *o;

	records_key_offer(key, prefix, sname, id);
	o = xmalloc(sizeof(*o));
	if (records_offer_parse(h, &ro) == -1) {
		log_warnx("%s: no data field, skipped", key);
		n->skipped++;
	} else if (records_offer_decode(&ro, id, env->ref, o, why) == -1) {
		log_warnx("%s: %s, skipped", key, why);
		n->skipped++;
	} else {
		e = offer_table_put(env->offers, o, ro.created_at);
		if (ro.closed)
			offer_table_set_closed(env->offers, e, 1);
		records_key_referrals(key, prefix, sname, id);
		load_referrals(env, e, key, refs, n);
		n->offers++;
	}
	free(o);
}

static int
load_offers(struct matcherd *env, redisContext *rc, struct rebuild_counts *n)
{
	const char *prefix = env->conf->redis_prefix;
	struct redis_cmd c;
	redisReply *ids, *h, *refs;
	const char *id;
	size_t i;
	int s, argc;

	for (s = 0; s < SECTOR_COUNT; s++) {
		records_offer_ids(&c, prefix, s);
		if ((ids = call(rc, &c)) == NULL ||
		    ids->type != REDIS_REPLY_ARRAY) {
			log_error("rebuild: listing the offers of %s failed",
			    vocab_name(&vocab_sector, s));
			freeReplyObject(ids);
			return -1;
		}
		/* Pipeline: queue every offer's two reads, then read. */
		for (i = 0; i < ids->elements; i++) {
			id = ids->element[i]->str;
			records_offer_hash(&c, prefix, s, id);
			argc = redis_cmd_argv(&c);
			redisAppendCommandArgv(rc, argc, c.argv, c.lens);
			redis_cmd_free(&c);
			records_offer_referrals(&c, prefix, s, id);
			argc = redis_cmd_argv(&c);
			redisAppendCommandArgv(rc, argc, c.argv, c.lens);
			redis_cmd_free(&c);
		}
		for (i = 0; i < ids->elements; i++) {
			if (redisGetReply(rc, (void **)&h) != REDIS_OK ||
			    redisGetReply(rc, (void **)&refs) != REDIS_OK) {
				log_error("rebuild: reading offers of %s: %s",
				    vocab_name(&vocab_sector, s), rc->errstr);
				freeReplyObject(ids);
				return -1;
			}
			if (!record_id_valid(ids->element[i]->str,
			    ids->element[i]->len)) {
				log_warnx("offers of %s: bad offer id, skipped",
				    vocab_name(&vocab_sector, s));
				n->skipped++;
			} else
				load_offer(env, s, ids->element[i]->str, h,
				    refs, n);
			freeReplyObject(h);
			freeReplyObject(refs);
		}
		freeReplyObject(ids);
	}
	return 0;
}

/*
 * Duplicates merged into offers (docs/DEDUP.md).  A merge into an offer
 * that is gone is logged and skipped.
 */
static int
load_merged(struct matcherd *env, redisContext *rc, struct rebuild_counts *n)
{
	char into[RECORD_ID_MAX + 1], err[80];
	struct offer_merged m;
	struct offer_entry *e;
	struct redis_cmd c;
	redisReply *r;
	size_t i;

	records_dup_merged_read(&c, env->conf->redis_prefix);
	if ((r = call(rc, &c)) == NULL || r->type != REDIS_REPLY_ARRAY) {
		log_error("rebuild: reading the merged duplicates failed");
		freeReplyObject(r);
		return -1;
	}
	for (i = 0; i + 1 < r->elements; i += 2) {
		if (offer_table_unpack_merged(r->element[i]->str,
		    r->element[i + 1]->str, r->element[i + 1]->len, into, &m,
		    err, sizeof(err)) == -1) {
			log_warnx("merged duplicate %.*s: %s, skipped",
			    (int)r->element[i]->len, r->element[i]->str, err);
			n->skipped++;
		} else if ((e = offer_table_get(env->offers, into)) == NULL) {
			log_warnx("merged duplicate %s: merged into %s, which "
			    "is gone; skipped", m.id, into);
			n->skipped++;
		} else
			(void)offer_table_merge(env->offers, e, &m);
	}
	freeReplyObject(r);
	return 0;
}

/*
 * The secret of partner pseudonyms: a new random one offered, the one
 * Redis keeps (the first any daemon offered) taken.
 */
static int
load_secret(struct matcherd *env, redisContext *rc)
{
	unsigned char raw[PSEUDO_KEY_LEN];
	char hex[2 * PSEUDO_KEY_LEN + 1];
	struct redis_cmd c;
	redisReply *r;
	int rv = -1;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		log_error("rebuild: no random bytes for the pseudonym secret");
		return -1;
	}
	hex_encode(raw, sizeof(raw), hex);
	records_meta_secret_offer(&c, env->conf->redis_prefix, hex);
	freeReplyObject(call(rc, &c));
	records_meta_secret_read(&c, env->conf->redis_prefix);
	r = call(rc, &c);
	if (r != NULL && r->type == REDIS_REPLY_STRING &&
	    pseudo_key_from_hex(r->str, r->len, env->pseudonym_secret) == 0)
		rv = 0;
	else
		log_error("rebuild: the pseudonym secret in Redis is not 64 "
		    "hex digits");
	freeReplyObject(r);
	return rv;
}

int
rebuild_from_redis(struct matcherd *env, int wait_s,
    struct rebuild_counts *n)
{
	struct redis_cmd c;
	redisContext *rc;
	int rv = -1;

	memset(n, 0, sizeof(*n));
	if ((rc = connect_wait(env->conf, wait_s)) == NULL) {
		log_error("redis %s:%d: unreachable, giving up",
		    env->conf->redis.host, env->conf->redis.port);
		return -1;
	}
	records_meta_schema(&c, env->conf->redis_prefix);
	freeReplyObject(call(rc, &c));
	if (load_secret(env, rc) == 0 && load_candidates(env, rc, n) == 0 &&
	    load_offers(env, rc, n) == 0 && load_merged(env, rc, n) == 0 &&
	    load_clauses(env, rc, n) == 0 && load_follows(env, rc, n) == 0) {
		log_info("loaded %lu clause operations, %lu clause hires and "
		    "%lu follows", n->operations, n->hires, n->follows);
		if (n->undated > 0)
			log_info("%lu candidates were stored without updated_on: "
			    "their retention period counts from today",
			    n->undated);
		rv = 0;
	}
	redisFree(rc);
	return rv;
}
