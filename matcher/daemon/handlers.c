/*
 * Method handlers.  Each one validates its parameters (answering
 * invalid_argument naming the field), writes to Redis, and only when Redis
 * has acknowledged updates the in-memory index and answers: Redis is the
 * source of truth, the index follows it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "clause.h"
#include "conn.h"
#include "dates.h"
#include "domain.h"
#include "feed_francetravail.h"
#include "feeds.h"
#include "frame.h"
#include "handlers.h"
#include "keys.h"
#include "log.h"
#include "matcherd.h"
#include "mpobj.h"
#include "proto.h"
#include "rank.h"
#include "referral.h"
#include "result.h"
#include "store.h"
#include "xmalloc.h"

/* Longest reason accepted by offer.close. */
#define CLOSE_REASON_MAX 200
/* Default page of candidate.list. */
#define LIST_COUNT_DEFAULT 50

typedef void handler_fn(struct matcherd *, struct pending *,
    const msgpack_object *);

/* A packer writing into a growable buffer. */
struct packbuf {
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
};

static void
packbuf_init(struct packbuf *b)
{
	msgpack_sbuffer_init(&b->sb);
	msgpack_packer_init(&b->pk, &b->sb, msgpack_sbuffer_write);
}

/* Answer p with what b holds and free b. */
static void
packbuf_answer(struct packbuf *b, struct pending *p)
{
	pending_result(p, b->sb.data, b->sb.size);
	msgpack_sbuffer_destroy(&b->sb);
}

/* ------------------------------------------------------------------ */
/* Parameters                                                         */

static const msgpack_object *
param(const msgpack_object *params, const char *key)
{
	const msgpack_object *o;

	if (params == NULL || (o = mp_map_get(params, key)) == NULL ||
	    o->type == MSGPACK_OBJECT_NIL)
		return NULL;
	return o;
}

/* A required record id parameter; answers the error itself. */
static int
param_id(struct pending *p, const msgpack_object *params, const char *key,
    char *buf)
{
	const msgpack_object *o;
	const char *s;
	size_t len;

	if ((o = param(params, key)) == NULL) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s is required", key);
		return -1;
	}
	if (mp_get_str(o, &s, &len) == -1 || !record_id_valid(s, len)) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s must be " RECORD_ID_RULE, key);
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

/* An optional integer parameter in [min, max]; answers the error itself. */
static int
param_int(struct pending *p, const msgpack_object *params, const char *key,
    int min, int max, int def, int *out)
{
	const msgpack_object *o;
	int64_t v;

	*out = def;
	if ((o = param(params, key)) == NULL)
		return 0;
	if (mp_get_int64(o, &v) == -1 || v < min || v > max) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s must be an integer from %d to %d", key, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* An optional string parameter of at most size-1 bytes. */
static int
param_text(struct pending *p, const msgpack_object *params, const char *key,
    char *buf, size_t size)
{
	const msgpack_object *o;

	buf[0] = '\0';
	if ((o = param(params, key)) == NULL)
		return 0;
	if (mp_copy_str(o, buf, size) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s must be a string of at most %zu bytes", key, size - 1);
		return -1;
	}
	return 0;
}

/* An optional list of vocabulary names as a bitmask; absent = all. */
static int
param_set(struct pending *p, const msgpack_object *params, const char *key,
    const struct vocab *v, uint32_t *out)
{
	const msgpack_object *o;
	const char *s;
	size_t len;
	uint32_t i;
	int k;

	*out = (1u << v->count) - 1;
	if ((o = param(params, key)) == NULL)
		return 0;
	if (o->type != MSGPACK_OBJECT_ARRAY) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s must be a list of %s names", key, v->what);
		return -1;
	}
	*out = 0;
	for (i = 0; i < o->via.array.size; i++) {
		if (mp_get_str(&o->via.array.ptr[i], &s, &len) == -1 ||
		    (k = vocab_lookup(v, s, len)) < 0) {
			char field[64];

			snprintf(field, sizeof(field), "%s[%u]", key, i);
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, field,
			    "unknown %s", v->what);
			return -1;
		}
		*out |= 1u << k;
	}
	return 0;
}

/*
 * The record of a put: the params map itself, or its "key" member when
 * the caller wrapped it ({candidate: {...}} / {offer: {...}, limit}).
 */
static const msgpack_object *
param_record(const msgpack_object *params, const char *key, int *wrapped)
{
	const msgpack_object *o;

	*wrapped = 0;
	if (params != NULL && (o = mp_map_get(params, key)) != NULL &&
	    o->type == MSGPACK_OBJECT_MAP) {
		*wrapped = 1;
		return o;
	}
	return params;
}

/* ------------------------------------------------------------------ */
/* Store replies                                                      */

/*
 * Check a Redis reply; on failure answer p and return -1.  A NULL reply
 * means the connection dropped before the answer: nothing is known to
 * have been written, so "unavailable" lets the client retry.
 */
static int
reply_ok(struct pending *p, redisReply *r, const char *what)
{
	if (r == NULL) {
		pending_error(p, RPC_ERR_UNAVAILABLE, NULL,
		    "redis connection lost during %s", what);
		return -1;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("redis error during %s: %s", what, r->str);
		pending_error(p, RPC_ERR_INTERNAL, NULL, "redis error during %s",
		    what);
		return -1;
	}
	if (r->type == REDIS_REPLY_NIL && strcmp(what, "EXEC") == 0) {
		pending_error(p, RPC_ERR_INTERNAL, NULL, "transaction aborted");
		return -1;
	}
	return 0;
}

static void
unavailable(struct pending *p)
{
	pending_error(p, RPC_ERR_UNAVAILABLE, NULL, "redis is not connected");
}

/* ------------------------------------------------------------------ */
/* ping, stats, subscribe                                             */

static void
h_ping(struct matcherd *env, struct pending *p, const msgpack_object *params)
{
	struct packbuf b;

	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 3);
	mp_pack_kv_bool(&b.pk, "pong", 1);
	mp_pack_kv_int(&b.pk, "version", PROTO_VERSION);
	mp_pack_kv_int(&b.pk, "time", time(NULL));
	packbuf_answer(&b, p);
}

static void
pack_counts(msgpack_packer *pk, const char *key, const struct vocab *v,
    const uint32_t *counts)
{
	int i;

	mp_pack_str(pk, key);
	msgpack_pack_map(pk, v->count);
	for (i = 0; i < v->count; i++)
		mp_pack_kv_int(pk, vocab_name(v, i), counts[i]);
}

/*
 * referrals_by_sector {sector: {status: n}} and the conversion from a
 * referral (validated or later) to a hire, from the offer table.
 */
static void
pack_referrals_by_sector(struct matcherd *env, msgpack_packer *pk)
{
	uint32_t counts[SECTOR_COUNT][REFERRAL_COUNT], pos = 0, i;
	uint64_t referred = 0;
	struct offer_entry *e;
	int sct, st;

	memset(counts, 0, sizeof(counts));
	while ((e = offer_table_next(env->offers, &pos)) != NULL)
		for (i = 0; i < e->nrefs; i++)
			counts[e->offer.sector][e->refs[i].status]++;
	mp_pack_str(pk, "referrals_by_sector");
	msgpack_pack_map(pk, SECTOR_COUNT);
	for (sct = 0; sct < SECTOR_COUNT; sct++) {
		mp_pack_str(pk, vocab_name(&vocab_sector, sct));
		msgpack_pack_map(pk, REFERRAL_COUNT);
		for (st = 0; st < REFERRAL_COUNT; st++)
			mp_pack_kv_int(pk, referral_name(st), counts[sct][st]);
	}
	for (st = REFERRAL_VALIDATED; st < REFERRAL_COUNT; st++)
		referred += env->offers->referrals[st];
	mp_pack_kv_double(pk, "conversion", referred ?
	    (double)env->offers->referrals[REFERRAL_HIRED] / referred : 0);
}

/* clause: {operations, hires, hours_realised} (clause.report has more). */
static void
pack_clause_stats(struct matcherd *env, msgpack_packer *pk)
{
	const struct clause_table *t = env->clauses;
	int64_t hours = 0;
	uint32_t i;

	for (i = 0; i < t->nhires; i++)
		hours += t->hires[i].hours;
	mp_pack_str(pk, "clause");
	msgpack_pack_map(pk, 3);
	mp_pack_kv_int(pk, "operations", t->nops);
	mp_pack_kv_int(pk, "hires", t->nhires);
	mp_pack_kv_int(pk, "hours_realised", hours);
}

static void
h_stats(struct matcherd *env, struct pending *p, const msgpack_object *params)
{
	struct packbuf b;
	int i;

	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 17);
	mp_pack_kv_int(&b.pk, "candidates", env->idx->live);
	pack_counts(&b.pk, "candidates_by_sector", &vocab_sector,
	    env->idx->sector_live);
	pack_counts(&b.pk, "candidates_by_status", &vocab_status,
	    env->idx->status_live);
	mp_pack_str(&b.pk, "offers");
	msgpack_pack_map(&b.pk, 3);
	mp_pack_kv_int(&b.pk, "open", env->offers->open);
	mp_pack_kv_int(&b.pk, "closed", env->offers->closed);
	/* Duplicates merged into them (docs/DEDUP.md). */
	mp_pack_kv_int(&b.pk, "merged", env->offers->merged);
	mp_pack_str(&b.pk, "referrals");
	msgpack_pack_map(&b.pk, REFERRAL_COUNT);
	for (i = 0; i < REFERRAL_COUNT; i++)
		mp_pack_kv_int(&b.pk, referral_name(i),
		    env->offers->referrals[i]);
	pack_referrals_by_sector(env, &b.pk);
	pack_clause_stats(env, &b.pk);
	mp_pack_kv_int(&b.pk, "offers_scored", env->stats.offers_scored);
	mp_pack_kv_int(&b.pk, "suggestions", env->stats.suggestions);
	mp_pack_kv_double(&b.pk, "scoring_mean_us",
	    env->stats.offers_scored ?
	    env->stats.score_us_total / env->stats.offers_scored : 0);
	mp_pack_kv_int(&b.pk, "clients", env->stats.clients);
	mp_pack_kv_int(&b.pk, "subscribers", env->stats.subscribers);
	mp_pack_kv_int(&b.pk, "uptime_s", time(NULL) - env->started);
	mp_pack_kv_int(&b.pk, "requests", env->stats.requests);
	mp_pack_str(&b.pk, "errors");
	msgpack_pack_map(&b.pk, RPC_ERR_COUNT);
	for (i = 0; i < RPC_ERR_COUNT; i++)
		mp_pack_kv_int(&b.pk, rpc_errcode_name(i),
		    env->stats.errors[i]);
	mp_pack_str(&b.pk, "redis");
	msgpack_pack_map(&b.pk, 3);
	mp_pack_kv_bool(&b.pk, "connected", store_connected(env->store));
	mp_pack_kv_int(&b.pk, "commands", store_commands(env->store));
	mp_pack_kv_double(&b.pk, "mean_latency_us",
	    store_mean_latency_us(env->store));
	packbuf_answer(&b, p);
}

static void
pack_names(msgpack_packer *pk, const struct vocab *v, uint32_t set)
{
	int i, n = 0;

	for (i = 0; i < v->count; i++)
		n += (set >> i) & 1;
	msgpack_pack_array(pk, n);
	for (i = 0; i < v->count; i++)
		if (set & (1u << i))
			mp_pack_str(pk, vocab_name(v, i));
}

static void
h_subscribe(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct packbuf b;
	uint32_t sectors, sources;

	if (param_set(p, params, "sectors", &vocab_sector, &sectors) == -1 ||
	    param_set(p, params, "sources", &vocab_source, &sources) == -1)
		return;
	if (pending_subscribe(p, sectors, sources) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "this transport cannot receive pushed suggestions");
		return;
	}
	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 2);
	mp_pack_str(&b.pk, "sectors");
	pack_names(&b.pk, &vocab_sector, sectors);
	mp_pack_str(&b.pk, "sources");
	pack_names(&b.pk, &vocab_source, sources);
	packbuf_answer(&b, p);
}

/* ------------------------------------------------------------------ */
/* Candidates                                                         */

struct cand_op {
	struct matcherd		*env;
	struct pending		*p;
	struct candidate	 cand;
	char			 id[RECORD_ID_MAX + 1];
};

static struct cand_op *
cand_op_new(struct matcherd *env, struct pending *p)
{
	struct cand_op *op;

	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	pending_hold(p);
	return op;
}

static void
cand_op_done(struct cand_op *op)
{
	pending_release(op->p);
	free(op);
}

static void
candidate_put_cb(void *arg, redisReply *r)
{
	struct cand_op *op = arg;
	struct packbuf b;
	int created;

	if (reply_ok(op->p, r, "candidate.put") == 0) {
		if (index_put(op->env->idx, &op->cand, &created) == INDEX_NONE)
			log_warnx("candidate %s: stored but not indexed: "
			    "skill table full", op->cand.id);
		packbuf_init(&b);
		msgpack_pack_map(&b.pk, 2);
		mp_pack_kv_str(&b.pk, "id", op->cand.id);
		/* HSET says whether the field is new: true across daemons. */
		mp_pack_kv_bool(&b.pk, "created",
		    r->type == REDIS_REPLY_INTEGER ? r->integer == 1 : created);
		packbuf_answer(&b, op->p);
	}
	cand_op_done(op);
}

static void
h_candidate_put(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const msgpack_object *rec;
	struct field_error err;
	struct packbuf b;
	struct cand_op *op;
	char key[KEY_MAX];
	const char *argv[4];
	size_t lens[4];
	int wrapped;

	if ((rec = param_record(params, "candidate", &wrapped)) == NULL) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "candidate.put needs a candidate map");
		return;
	}
	op = cand_op_new(env, p);
	if (candidate_decode(rec, env->ref, &op->cand, &err) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, err.field, "%s",
		    err.message);
		cand_op_done(op);
		return;
	}
	if (env->idx->nskills + op->cand.nskills > INDEX_MAX_SKILLS) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "skills",
		    "too many distinct skill tags in the candidathèques");
		cand_op_done(op);
		return;
	}
	packbuf_init(&b);
	candidate_pack(&op->cand, &b.pk);
	key_cand_bucket(key, store_prefix(env->store), op->cand.id);
	argv[0] = "HSET";
	argv[1] = key;
	argv[2] = op->cand.id;
	argv[3] = b.sb.data;
	lens[0] = 4;
	lens[1] = strlen(key);
	lens[2] = strlen(op->cand.id);
	lens[3] = b.sb.size;
	if (store_command(env->store, candidate_put_cb, op, 4, argv,
	    lens) == -1) {
		unavailable(p);
		cand_op_done(op);
	}
	msgpack_sbuffer_destroy(&b.sb);
}

/*
 * Answer with the stored canonical map plus the fields only the daemon
 * knows (open_referrals).
 */
static void
candidate_get_cb(void *arg, redisReply *r)
{
	struct cand_op *op = arg;
	msgpack_zone zone;
	msgpack_object obj;
	struct packbuf b;
	uint32_t i, slot;
	size_t off = 0;

	if (reply_ok(op->p, r, "candidate.get") == -1)
		goto done;
	if (r->type != REDIS_REPLY_STRING) {
		pending_error(op->p, RPC_ERR_NOT_FOUND, "id",
		    "no candidate %s", op->id);
		goto done;
	}
	msgpack_zone_init(&zone, 4096);
	if (msgpack_unpack(r->str, r->len, &off, &zone, &obj) !=
	    MSGPACK_UNPACK_SUCCESS || obj.type != MSGPACK_OBJECT_MAP) {
		log_warnx("candidate %s: stored record is not a msgpack map",
		    op->id);
		pending_error(op->p, RPC_ERR_INTERNAL, NULL,
		    "stored record of %s is corrupt", op->id);
		msgpack_zone_destroy(&zone);
		goto done;
	}
	packbuf_init(&b);
	msgpack_pack_map(&b.pk, obj.via.map.size + 1);
	for (i = 0; i < obj.via.map.size; i++) {
		msgpack_pack_object(&b.pk, obj.via.map.ptr[i].key);
		msgpack_pack_object(&b.pk, obj.via.map.ptr[i].val);
	}
	slot = index_find(op->env->idx, op->id);
	mp_pack_kv_int(&b.pk, "open_referrals", slot == INDEX_NONE ? 0 :
	    op->env->idx->recs[slot].open_referrals);
	msgpack_zone_destroy(&zone);
	packbuf_answer(&b, op->p);
done:
	cand_op_done(op);
}

static void
candidate_delete_cb(void *arg, redisReply *r)
{
	struct cand_op *op = arg;
	struct packbuf b;

	if (reply_ok(op->p, r, "candidate.delete") == 0) {
		if (r->type != REDIS_REPLY_INTEGER || r->integer == 0) {
			pending_error(op->p, RPC_ERR_NOT_FOUND, "id",
			    "no candidate %s", op->id);
		} else {
			index_delete(op->env->idx, op->id);
			packbuf_init(&b);
			msgpack_pack_map(&b.pk, 2);
			mp_pack_kv_str(&b.pk, "id", op->id);
			mp_pack_kv_bool(&b.pk, "deleted", 1);
			packbuf_answer(&b, op->p);
		}
	}
	cand_op_done(op);
}

/* candidate.get and candidate.delete: one command on the id's bucket. */
static void
candidate_by_id(struct matcherd *env, struct pending *p,
    const msgpack_object *params, const char *cmd, store_cb *cb)
{
	struct cand_op *op;
	char key[KEY_MAX];
	const char *argv[3];

	op = cand_op_new(env, p);
	if (param_id(p, params, "id", op->id) == -1) {
		cand_op_done(op);
		return;
	}
	key_cand_bucket(key, store_prefix(env->store), op->id);
	argv[0] = cmd;
	argv[1] = key;
	argv[2] = op->id;
	if (store_command(env->store, cb, op, 3, argv, NULL) == -1) {
		unavailable(p);
		cand_op_done(op);
	}
}

static void
h_candidate_get(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	candidate_by_id(env, p, params, "HGET", candidate_get_cb);
}

static void
h_candidate_delete(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	candidate_by_id(env, p, params, "HDEL", candidate_delete_cb);
}

struct list_op {
	struct matcherd	*env;
	struct pending	*p;
	uint32_t	 next;		/* INDEX_NONE: end */
};

static void
candidate_list_cb(void *arg, redisReply *r)
{
	struct list_op *op = arg;
	msgpack_zone zone;
	msgpack_object obj;
	struct packbuf b;
	char cursor[16];
	size_t i, n = 0, off;

	if (reply_ok(op->p, r, "EXEC") == -1 || r->type != REDIS_REPLY_ARRAY)
		goto done;
	for (i = 0; i < r->elements; i++)
		n += r->element[i]->type == REDIS_REPLY_STRING;
	msgpack_zone_init(&zone, 4096);
	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 2);
	mp_pack_str(&b.pk, "candidates");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < r->elements; i++) {
		if (r->element[i]->type != REDIS_REPLY_STRING)
			continue;
		off = 0;
		if (msgpack_unpack(r->element[i]->str, r->element[i]->len,
		    &off, &zone, &obj) == MSGPACK_UNPACK_SUCCESS)
			msgpack_pack_object(&b.pk, obj);
		else
			msgpack_pack_nil(&b.pk);
		msgpack_zone_clear(&zone);
	}
	mp_pack_str(&b.pk, "cursor");
	if (op->next == INDEX_NONE)
		msgpack_pack_nil(&b.pk);
	else {
		snprintf(cursor, sizeof(cursor), "%u", op->next);
		mp_pack_str(&b.pk, cursor);
	}
	msgpack_zone_destroy(&zone);
	packbuf_answer(&b, op->p);
done:
	pending_release(op->p);
	free(op);
}

static void
h_candidate_list(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const msgpack_object *o;
	struct list_op *op;
	char key[KEY_MAX], cbuf[16], *end;
	const char *argv[3];
	uint32_t sectors = 0, slot, cursor = 0;
	unsigned long v;
	int count, k, n;

	if ((o = param(params, "sector")) != NULL) {
		const char *s;
		size_t len;

		if (mp_get_str(o, &s, &len) == -1 ||
		    (k = vocab_lookup(&vocab_sector, s, len)) < 0) {
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, "sector",
			    "unknown sector");
			return;
		}
		sectors = 1u << k;
	}
	if (param_text(p, params, "cursor", cbuf, sizeof(cbuf)) == -1)
		return;
	if (cbuf[0] != '\0') {
		v = strtoul(cbuf, &end, 10);
		if (*end != '\0' || v > UINT32_MAX - 1) {
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, "cursor",
			    "cursor must be a value returned by candidate.list");
			return;
		}
		cursor = (uint32_t)v;
	}
	if (param_int(p, params, "count", 1, PROTO_LIMIT_MAX,
	    LIST_COUNT_DEFAULT, &count) == -1)
		return;
	if (store_begin(env->store) == -1) {
		unavailable(p);
		return;
	}
	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	pending_hold(p);
	slot = index_next(env->idx, cursor, sectors);
	for (n = 0; n < count && slot != INDEX_NONE; n++) {
		const char *id = env->idx->recs[slot].id;

		key_cand_bucket(key, store_prefix(env->store), id);
		argv[0] = "HGET";
		argv[1] = key;
		argv[2] = id;
		store_add(env->store, 3, argv, NULL);
		slot = index_next(env->idx, slot + 1, sectors);
	}
	op->next = slot;
	store_commit(env->store, candidate_list_cb, op);
}

/* ------------------------------------------------------------------ */
/* Offers                                                             */

struct match_op {
	struct matcherd	*env;
	struct pending	*p;
	struct offer	 offer;
	int64_t		 created_at;
	int64_t		 now;
	char		*result;	/* packed match result */
	size_t		 resultlen;
	char		(*suggested)[RECORD_ID_MAX + 1];
	int		 nsuggested;
};

static void
match_op_free(struct match_op *op)
{
	pending_release(op->p);
	free(op->result);
	free(op->suggested);
	free(op);
}

static void
match_cb(void *arg, redisReply *r)
{
	struct match_op *op = arg;
	struct matcherd *env = op->env;
	struct offer_entry *e;
	int i;

	if (reply_ok(op->p, r, "EXEC") == -1) {
		/* A new offer that did not make it: nothing to merge into. */
		offer_table_unreserve(env->offers, op->offer.id);
		match_op_free(op);
		return;
	}
	e = offer_table_put(env->offers, &op->offer, op->created_at);
	for (i = 0; i < op->nsuggested; i++)
		if (offer_table_ref_find(e, op->suggested[i]) == NULL)
			offer_table_ref_set(env->offers, e, op->suggested[i],
			    REFERRAL_SUGGESTED, op->now);
	env->stats.offers_scored++;
	env->stats.suggestions += op->nsuggested;
	pending_result(op->p, op->result, op->resultlen);
	feeds_publish(env, op->offer.sector, op->offer.source, op->result,
	    op->resultlen);
	match_op_free(op);
}

/*
 * An offer put again with a code of another sector moves to that sector's
 * keys, inside the caller's transaction: the old keys go, the referrals
 * are written again from memory (the same as Redis holds) and the history
 * is copied.  On Redis Cluster the two sectors' keys live in different
 * slots, so this one case needs a single-node Redis (docs/REDIS.md).
 */
static void
move_offer_keys(struct matcherd *env, const struct offer_entry *e,
    const char *to)
{
	const char *prefix = store_prefix(env->store);
	const char *from = vocab_name(&vocab_sector, e->offer.sector);
	char kold[KEY_MAX], knew[KEY_MAX], val[48];
	const char *argv[4];
	uint32_t i;

	argv[0] = "DEL";
	argv[1] = kold;
	key_offer(kold, prefix, from, e->offer.id);
	store_add(env->store, 2, argv, NULL);
	key_referrals(kold, prefix, from, e->offer.id);
	store_add(env->store, 2, argv, NULL);
	argv[0] = "ZREM";
	argv[1] = kold;
	argv[2] = e->offer.id;
	key_sector_offers(kold, prefix, from);
	store_add(env->store, 3, argv, NULL);
	key_referrals(knew, prefix, to, e->offer.id);
	for (i = 0; i < e->nrefs; i++) {
		snprintf(val, sizeof(val), "%s:%lld",
		    referral_name(e->refs[i].status),
		    (long long)e->refs[i].updated_at);
		argv[0] = "HSET";
		argv[1] = knew;
		argv[2] = e->refs[i].candidate;
		argv[3] = val;
		store_add(env->store, 4, argv, NULL);
	}
	/* COPY of a missing key is a no-op, not an error. */
	key_referral_history(kold, prefix, from, e->offer.id);
	key_referral_history(knew, prefix, to, e->offer.id);
	argv[0] = "COPY";
	argv[1] = kold;
	argv[2] = knew;
	store_add(env->store, 3, argv, NULL);
	argv[0] = "DEL";
	argv[1] = kold;
	store_add(env->store, 2, argv, NULL);
	log_info("offer %s: moving from sector %s to %s", e->offer.id, from,
	    to);
}

/*
 * What a match needs besides the offer (docs/CLAUSE.md): the offer as
 * scored, where a clause offer without criteria of its own takes its
 * operation's, and the result's context, the operation's status on day
 * today.
 */
static void
match_context(struct matcherd *env, const struct offer *o, int32_t today,
    struct offer *scored, struct result_context *ctx)
{
	const struct clause_op *cop;

	*scored = *o;
	memset(ctx, 0, sizeof(*ctx));
	if (!o->has_clause)
		return;
	cop = clause_op_find(env->clauses, o->clause.operation);
	if (cop != NULL && o->clause.criteria == 0)
		scored->clause.criteria = cop->criteria;
	ctx->has_clause = clause_status_of(env->clauses, o, today,
	    &ctx->clause) == 0;
}

/*
 * An uncertain pair, reported by offer.duplicates: {offer, other, ...},
 * inside the transaction that stores the offer, so that a pair names a
 * stored offer.
 */
static void
add_uncertain_pair(struct matcherd *env, const char *id, const char *other,
    const char *why)
{
	struct packbuf v;
	char key[KEY_MAX], field[2 * RECORD_ID_MAX + 2];
	const char *argv[4];
	size_t lens[4];

	packbuf_init(&v);
	msgpack_pack_map(&v.pk, 4);
	mp_pack_kv_str(&v.pk, "offer", id);
	mp_pack_kv_str(&v.pk, "other", other);
	mp_pack_kv_str(&v.pk, "why", why);
	mp_pack_kv_int(&v.pk, "at", (int64_t)time(NULL));
	key_dup_pairs(key, store_prefix(env->store));
	snprintf(field, sizeof(field), "%s %s", id, other);
	argv[0] = "HSET";	lens[0] = 4;
	argv[1] = key;		lens[1] = strlen(key);
	argv[2] = field;	lens[2] = strlen(field);
	argv[3] = v.sb.data;	lens[3] = v.sb.size;
	store_add(env->store, 4, argv, lens);
	msgpack_sbuffer_destroy(&v.sb);
	log_info("offer %s: maybe a duplicate of %s (%s)", id, other, why);
}

/*
 * Score o against the pool, then store the offer, the result and the new
 * "suggested" referrals in one transaction; answer and push once Redis
 * has them.  maybe_dup_of ("" if none) is an offer o may repeat, for why:
 * noted in the result, and the pair recorded (docs/DEDUP.md).
 */
static void
match_and_store(struct matcherd *env, struct pending *p,
    const struct offer *o, int limit, const char *maybe_dup_of,
    const char *why)
{
	const char *sector = vocab_name(&vocab_sector, o->sector);
	const char *prefix = store_prefix(env->store);
	struct offer_entry *e = offer_table_get(env->offers, o->id);
	struct result_context ctx;
	struct field_error err;
	struct match_result *mr;
	struct score_query q;
	struct match_op *op;
	struct offer *scored;
	struct packbuf res, data;
	struct timespec t0, t1;
	char kofr[KEY_MAX], kset[KEY_MAX], kidx[KEY_MAX], kref[KEY_MAX];
	char created[24], now[24], val[48];
	const char *argv[14];
	size_t lens[14], nref;
	uint32_t *referred;
	int i;

	/* A clause offer names a declared operation (docs/CLAUSE.md). */
	if (clause_check_offer(env->clauses, o, &err) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, err.field, "%s",
		    err.message);
		return;
	}
	if (!store_connected(env->store)) {
		unavailable(p);
		return;
	}
	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	op->offer = *o;
	op->now = time(NULL);
	op->created_at = e != NULL ? e->created_at : op->now;
	pending_hold(p);
	/* Its copy later in the same batch must find it already. */
	if (e == NULL)
		offer_table_reserve(env->offers, o, op->now);

	nref = offer_table_referred_slots(e, env->idx, &referred);
	mr = xmalloc(sizeof(*mr));
	scored = xmalloc(sizeof(*scored));
	match_context(env, &op->offer, (int32_t)(op->now / 86400), scored,
	    &ctx);
	snprintf(ctx.possible_duplicate_of, sizeof(ctx.possible_duplicate_of),
	    "%s", maybe_dup_of);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	score_prepare(&q, scored, env->idx, &env->conf->matching,
	    (int32_t)(op->now / 86400), referred, nref);
	rank_offer(env->idx, &q, limit, mr);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stats_score(&env->stats, (t1.tv_sec - t0.tv_sec) * 1e6 +
	    (t1.tv_nsec - t0.tv_nsec) / 1e3);

	packbuf_init(&res);
	result_pack(&res.pk, &op->offer, 0, op->now, env->idx, &q, mr, &ctx);
	op->resultlen = res.sb.size;
	op->result = msgpack_sbuffer_release(&res.sb);
	op->nsuggested = mr->ntop;
	op->suggested = xreallocarray(NULL, mr->ntop ? mr->ntop : 1,
	    sizeof(*op->suggested));
	for (i = 0; i < mr->ntop; i++)
		snprintf(op->suggested[i], sizeof(op->suggested[i]), "%s",
		    env->idx->recs[mr->top[i].slot].id);
	free(referred);

	packbuf_init(&data);
	offer_pack(&op->offer, &data.pk);
	key_offer(kofr, prefix, sector, o->id);
	key_sector_offers(kset, prefix, sector);
	key_offer_sectors(kidx, prefix);
	key_referrals(kref, prefix, sector, o->id);
	snprintf(created, sizeof(created), "%lld", (long long)op->created_at);
	snprintf(now, sizeof(now), "%lld", (long long)op->now);

	store_begin(env->store);
	if (e != NULL && e->offer.sector != o->sector)
		move_offer_keys(env, e, sector);
	argv[0] = "HSET";	lens[0] = 4;
	argv[1] = kofr;		lens[1] = strlen(kofr);
	argv[2] = "data";	lens[2] = 4;
	argv[3] = data.sb.data;	lens[3] = data.sb.size;
	argv[4] = "status";	lens[4] = 6;
	argv[5] = "open";	lens[5] = 4;
	argv[6] = "created_at";	lens[6] = 10;
	argv[7] = created;	lens[7] = strlen(created);
	argv[8] = "updated_at";	lens[8] = 10;
	argv[9] = now;		lens[9] = strlen(now);
	argv[10] = "result";	lens[10] = 6;
	argv[11] = op->result;	lens[11] = op->resultlen;
	store_add(env->store, 12, argv, lens);
	argv[0] = "ZADD"; argv[1] = kset; argv[2] = "NX"; argv[3] = created;
	argv[4] = o->id;
	store_add(env->store, 5, argv, NULL);
	argv[0] = "HSET"; argv[1] = kidx; argv[2] = o->id; argv[3] = sector;
	store_add(env->store, 4, argv, NULL);
	snprintf(val, sizeof(val), "suggested:%s", now);
	for (i = 0; i < op->nsuggested; i++) {
		argv[0] = "HSETNX"; argv[1] = kref; argv[2] = op->suggested[i];
		argv[3] = val;
		store_add(env->store, 4, argv, NULL);
	}
	if (maybe_dup_of[0] != '\0')
		add_uncertain_pair(env, o->id, maybe_dup_of, why);
	store_commit(env->store, match_cb, op);
	msgpack_sbuffer_destroy(&data.sb);
	free(scored);
	free(mr);
}

/* The offer entry named by params.id, or NULL after answering not_found. */
static struct offer_entry *
param_offer(struct matcherd *env, struct pending *p,
    const msgpack_object *params, const char *key)
{
	struct offer_entry *e;
	char id[RECORD_ID_MAX + 1];

	if (param_id(p, params, key, id) == -1)
		return NULL;
	/* A merged duplicate's id names the offer it was merged into. */
	if ((e = offer_table_get(env->offers, id)) == NULL &&
	    (e = offer_table_alias(env->offers, id)) == NULL)
		pending_error(p, RPC_ERR_NOT_FOUND, key, "no offer %s", id);
	return e;
}

/* ------------------------------------------------------------------ */
/* Duplicates (docs/DEDUP.md)                                         */

struct merge_op {
	struct matcherd		*env;
	struct pending		*p;
	char			 into[RECORD_ID_MAX + 1];
	struct offer_merged	 m;
};

/* offer.put's answer for a merged offer: {id, merged_into, why}. */
static void
answer_merged(struct pending *p, const char *id, const char *into,
    const char *why)
{
	struct packbuf b;

	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 3);
	mp_pack_kv_str(&b.pk, "id", id);
	mp_pack_kv_str(&b.pk, "merged_into", into);
	mp_pack_kv_str(&b.pk, "why", why);
	packbuf_answer(&b, p);
}

/* Drop the merge record of id (best effort: rebuild skips it anyway). */
static void
merge_forget(struct matcherd *env, const char *id)
{
	char key[KEY_MAX];
	const char *argv[3];

	key_dup_merged(key, store_prefix(env->store));
	argv[0] = "HDEL";
	argv[1] = key;
	argv[2] = id;
	(void)store_command(env->store, NULL, NULL, 3, argv, NULL);
}

static void
merge_cb(void *arg, redisReply *r)
{
	struct merge_op *op = arg;
	struct offer_entry *e;

	if (reply_ok(op->p, r, "EXEC") == -1)
		goto done;
	/*
	 * Stored before this reply, unless its own write failed: then this
	 * offer is not merged into nothing; it must be sent again.
	 */
	if ((e = offer_table_get(op->env->offers, op->into)) == NULL) {
		merge_forget(op->env, op->m.id);
		pending_error(op->p, RPC_ERR_UNAVAILABLE, "id", "offer %s is "
		    "the same job as %s, which could not be stored: send it "
		    "again", op->m.id, op->into);
		goto done;
	}
	if (offer_table_merge(op->env->offers, e, &op->m) == -1)
		log_warnx("offer %s: %s lists %d duplicates already; known, "
		    "not listed", op->m.id, op->into, OFFER_TABLE_MERGED_MAX);
	log_info("offer %s: duplicate of %s, merged (%s)", op->m.id,
	    op->into, op->m.why);
	answer_merged(op->p, op->m.id, op->into, op->m.why);
done:
	pending_release(op->p);
	free(op);
}

/*
 * Record o as the same job as the offer into: one Redis field, then the
 * table's alias once Redis has it.  Nothing is scored or pushed.
 */
static void
merge_duplicate(struct matcherd *env, struct pending *p,
    const struct offer *o, const char *into, const char *why)
{
	struct merge_op *op;
	struct packbuf v;
	char key[KEY_MAX];
	const char *argv[4];
	size_t lens[4];

	if (store_begin(env->store) == -1) {
		unavailable(p);
		return;
	}
	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	snprintf(op->into, sizeof(op->into), "%s", into);
	snprintf(op->m.id, sizeof(op->m.id), "%s", o->id);
	op->m.source = o->source;
	snprintf(op->m.partner, sizeof(op->m.partner), "%s", o->partner);
	op->m.at = time(NULL);
	snprintf(op->m.why, sizeof(op->m.why), "%s", why);
	pending_hold(p);
	packbuf_init(&v);
	offer_table_pack_merged(&v.pk, into, &op->m);
	key_dup_merged(key, store_prefix(env->store));
	argv[0] = "HSET";	lens[0] = 4;
	argv[1] = key;		lens[1] = strlen(key);
	argv[2] = o->id;	lens[2] = strlen(o->id);
	argv[3] = v.sb.data;	lens[3] = v.sb.size;
	store_add(env->store, 4, argv, lens);
	store_commit(env->store, merge_cb, op);
	msgpack_sbuffer_destroy(&v.sb);
}

/*
 * What becomes of o (docs/DEDUP.md): a new offer that is the same job as
 * an open one, or an id merged before (*again), is merged (DEDUP_SAME);
 * one that may be is stored with the pair reported (DEDUP_UNCERTAIN);
 * else it is stored (DEDUP_DIFFERENT).  other and why tell of the other.
 */
static enum dedup_verdict
dedup_decide(struct matcherd *env, const struct offer *o, char *other,
    char *why, int *again)
{
	const struct offer_entry *e;
	uint32_t i;

	other[0] = why[0] = '\0';
	*again = 0;
	if (offer_table_get(env->offers, o->id) != NULL)
		return DEDUP_DIFFERENT;		/* an update of its own */
	if ((e = offer_table_alias(env->offers, o->id)) != NULL) {
		snprintf(other, RECORD_ID_MAX + 1, "%s", e->offer.id);
		for (i = 0; i < e->nmerged; i++)
			if (strcmp(e->merged[i].id, o->id) == 0)
				snprintf(why, OFFER_TABLE_WHY_MAX, "%s",
				    e->merged[i].why);
		*again = 1;
		return DEDUP_SAME;
	}
	return offer_table_find_duplicate(env->offers, o, time(NULL), other,
	    RECORD_ID_MAX + 1, why, OFFER_TABLE_WHY_MAX);
}

/* Carry out dedup_decide()'s verdict; the answer goes to p. */
static void
submit_decided(struct matcherd *env, struct pending *p, const struct offer *o,
    int limit, enum dedup_verdict v, const char *other, const char *why,
    int again)
{
	if (v == DEDUP_SAME) {
		/* Sent again: the same job, already merged; nothing to do. */
		if (again)
			answer_merged(p, o->id, other, why);
		else
			merge_duplicate(env, p, o, other, why);
		return;
	}
	match_and_store(env, p, o, limit, v == DEDUP_UNCERTAIN ? other : "",
	    why);
}

static void
submit_offer(struct matcherd *env, struct pending *p, const struct offer *o,
    int limit)
{
	char other[RECORD_ID_MAX + 1], why[OFFER_TABLE_WHY_MAX];
	enum dedup_verdict v;
	int again;

	v = dedup_decide(env, o, other, why, &again);
	submit_decided(env, p, o, limit, v, other, why, again);
}

struct pairs_op {
	struct matcherd	*env;
	struct pending	*p;
	int		 count;
};

struct pair_row {
	const redisReply *v;
	int64_t		 at;
};

static int
cmp_pair_newest(const void *a, const void *b)
{
	const struct pair_row *x = a, *y = b;

	return x->at != y->at ? (x->at < y->at ? 1 : -1) :
	    strcmp(x->v->str, y->v->str);
}

static const char *
offer_state(const struct offer_table *t, const char *id)
{
	const struct offer_entry *e = offer_table_get(t, id);

	if (e == NULL)
		e = offer_table_alias(t, id);
	return e == NULL ? "unknown" : e->closed ? "closed" : "open";
}

static void
pairs_cb(void *arg, redisReply *r)
{
	struct pairs_op *op = arg;
	struct pair_row *rows = NULL;
	struct packbuf b;
	msgpack_unpacked u;
	const msgpack_object *f;
	char id[RECORD_ID_MAX + 1], other[RECORD_ID_MAX + 1];
	size_t i, n = 0, off;
	int64_t at;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		unavailable(op->p);
		goto done;
	}
	rows = xreallocarray(NULL, r->elements / 2 + 1, sizeof(*rows));
	msgpack_unpacked_init(&u);
	for (i = 0; i + 1 < r->elements; i += 2) {
		off = 0;
		at = 0;
		if (msgpack_unpack_next(&u, r->element[i + 1]->str,
		    r->element[i + 1]->len, &off) != MSGPACK_UNPACK_SUCCESS ||
		    u.data.type != MSGPACK_OBJECT_MAP ||
		    (f = mp_map_get(&u.data, "at")) == NULL ||
		    mp_get_int64(f, &at) == -1) {
			log_warnx("duplicate pair %s: bad value, skipped",
			    r->element[i]->str);
			continue;
		}
		rows[n].v = r->element[i + 1];
		rows[n++].at = at;
	}
	qsort(rows, n, sizeof(*rows), cmp_pair_newest);
	if (n > (size_t)op->count)
		n = (size_t)op->count;
	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 1);
	mp_pack_str(&b.pk, "pairs");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < n; i++) {
		off = 0;
		(void)msgpack_unpack_next(&u, rows[i].v->str, rows[i].v->len,
		    &off);
		if ((f = mp_map_get(&u.data, "offer")) == NULL ||
		    mp_copy_str(f, id, sizeof(id)) == -1)
			snprintf(id, sizeof(id), "?");
		if ((f = mp_map_get(&u.data, "other")) == NULL ||
		    mp_copy_str(f, other, sizeof(other)) == -1)
			snprintf(other, sizeof(other), "?");
		msgpack_pack_map(&b.pk, 6);
		mp_pack_kv_str(&b.pk, "offer", id);
		mp_pack_kv_str(&b.pk, "other", other);
		mp_pack_str(&b.pk, "why");
		if ((f = mp_map_get(&u.data, "why")) != NULL &&
		    f->type == MSGPACK_OBJECT_STR)
			msgpack_pack_object(&b.pk, *f);
		else
			msgpack_pack_nil(&b.pk);
		mp_pack_kv_int(&b.pk, "at", rows[i].at);
		mp_pack_kv_str(&b.pk, "offer_status",
		    offer_state(op->env->offers, id));
		mp_pack_kv_str(&b.pk, "other_status",
		    offer_state(op->env->offers, other));
	}
	msgpack_unpacked_destroy(&u);
	packbuf_answer(&b, op->p);
done:
	free(rows);
	pending_release(op->p);
	free(op);
}

/*
 * offer.duplicates {count}: the uncertain pairs, newest first.  All are
 * read and sorted: a few per day of feeds, not a stream.
 */
#define DUP_PAIRS_MAX 500

static void
h_offer_duplicates(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct pairs_op *op;
	char key[KEY_MAX];
	const char *argv[2];
	int count;

	if (param_int(p, params, "count", 1, DUP_PAIRS_MAX, 100,
	    &count) == -1)
		return;
	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	op->count = count;
	key_dup_pairs(key, store_prefix(env->store));
	argv[0] = "HGETALL";
	argv[1] = key;
	pending_hold(p);
	if (store_command(env->store, pairs_cb, op, 2, argv, NULL) == -1) {
		pending_release(p);
		free(op);
		unavailable(p);
	}
}

struct resolve_op {
	struct matcherd		*env;
	struct pending		*p;
	int			 merge;
	char			 other[RECORD_ID_MAX + 1];
	struct offer_merged	 m;	/* m.id: the offer */
};

static void
resolve_cb(void *arg, redisReply *r)
{
	struct resolve_op *op = arg;
	struct offer_entry *e, *into;
	struct packbuf b;

	if (reply_ok(op->p, r, "offer.resolve") == -1)
		goto done;
	if (op->merge && (e = offer_table_get(op->env->offers, op->m.id)) != NULL &&
	    (into = offer_table_get(op->env->offers, op->other)) != NULL) {
		offer_table_set_closed(op->env->offers, e, 1);
		if (offer_table_merge(op->env->offers, into, &op->m) == -1)
			log_warnx("offer %s: %s lists %d duplicates already; "
			    "known, not listed", op->m.id, op->other,
			    OFFER_TABLE_MERGED_MAX);
		log_info("offer %s: merged into %s by an adviser", op->m.id,
		    op->other);
	}
	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 3);
	mp_pack_kv_str(&b.pk, "offer", op->m.id);
	mp_pack_kv_str(&b.pk, "other", op->other);
	mp_pack_kv_str(&b.pk, "action", op->merge ? "merge" : "dismiss");
	packbuf_answer(&b, op->p);
done:
	pending_release(op->p);
	free(op);
}

/*
 * offer.resolve {offer, other, action}: an adviser's word on a pair of
 * possible duplicates (docs/DEDUP.md).  "dismiss": two jobs; the pair
 * leaves the list.  "merge": the same job; offer is closed ("doublon de
 * OTHER") and merged into other, as if it had been found so.
 */
static void
h_offer_resolve(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const char *prefix = store_prefix(env->store);
	struct offer_entry *e = NULL, *into;
	struct resolve_op *op;
	const msgpack_object *a;
	struct packbuf v;
	char kpairs[KEY_MAX], kmerged[KEY_MAX], kofr[KEY_MAX], now[24];
	char field[2 * RECORD_ID_MAX + 2], reason[CLOSE_REASON_MAX + 1];
	const char *argv[8];
	size_t lens[8];
	int merge;

	if ((a = param(params, "action")) != NULL && mp_str_eq(a, "merge"))
		merge = 1;
	else if (a != NULL && mp_str_eq(a, "dismiss"))
		merge = 0;
	else {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "action",
		    "action must be \"merge\" or \"dismiss\"");
		return;
	}
	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	op->merge = merge;
	if (param_id(p, params, "offer", op->m.id) == -1 ||
	    param_id(p, params, "other", op->other) == -1)
		goto fail;
	if (strcmp(op->m.id, op->other) == 0) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "other",
		    "an offer is not a duplicate of itself");
		goto fail;
	}
	if (merge) {
		if ((e = offer_table_get(env->offers, op->m.id)) == NULL ||
		    (into = offer_table_get(env->offers, op->other)) == NULL) {
			pending_error(p, RPC_ERR_NOT_FOUND, e == NULL ?
			    "offer" : "other", "no offer %s", e == NULL ?
			    op->m.id : op->other);
			goto fail;
		}
		if (e->closed || into->closed) {
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, e->closed ?
			    "offer" : "other", "offer %s is closed", e->closed ?
			    op->m.id : op->other);
			goto fail;
		}
		op->m.source = e->offer.source;
		snprintf(op->m.partner, sizeof(op->m.partner), "%s",
		    e->offer.partner);
		op->m.at = time(NULL);
		snprintf(op->m.why, sizeof(op->m.why), "fusionnée par un "
		    "conseiller");
	}
	if (store_begin(env->store) == -1) {
		unavailable(p);
		goto fail;
	}
	pending_hold(p);
	key_dup_pairs(kpairs, prefix);
	snprintf(field, sizeof(field), "%s %s", op->m.id, op->other);
	argv[0] = "HDEL"; argv[1] = kpairs; argv[2] = field;
	store_add(env->store, 3, argv, NULL);
	/* The pair may be listed either way round. */
	snprintf(field, sizeof(field), "%s %s", op->other, op->m.id);
	store_add(env->store, 3, argv, NULL);
	if (merge && e != NULL) {
		key_offer(kofr, prefix, vocab_name(&vocab_sector,
		    e->offer.sector), e->offer.id);
		snprintf(now, sizeof(now), "%lld", (long long)op->m.at);
		snprintf(reason, sizeof(reason), "doublon de %s", op->other);
		argv[0] = "HSET"; argv[1] = kofr;
		argv[2] = "status"; argv[3] = "closed";
		argv[4] = "closed_reason"; argv[5] = reason;
		argv[6] = "updated_at"; argv[7] = now;
		store_add(env->store, 8, argv, NULL);
		packbuf_init(&v);
		offer_table_pack_merged(&v.pk, op->other, &op->m);
		key_dup_merged(kmerged, prefix);
		argv[0] = "HSET";	lens[0] = 4;
		argv[1] = kmerged;	lens[1] = strlen(kmerged);
		argv[2] = op->m.id;	lens[2] = strlen(op->m.id);
		argv[3] = v.sb.data;	lens[3] = v.sb.size;
		store_add(env->store, 4, argv, lens);
		msgpack_sbuffer_destroy(&v.sb);
	}
	store_commit(env->store, resolve_cb, op);
	return;
fail:
	free(op);
}

static void
h_offer_put(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const msgpack_object *rec;
	struct offer_entry *e;
	struct field_error err;
	struct offer *o;
	int wrapped, limit = env->conf->matching.default_limit;

	if ((rec = param_record(params, "offer", &wrapped)) == NULL) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "offer.put needs an offer map");
		return;
	}
	if (wrapped && param_int(p, params, "limit", 1,
	    env->conf->matching.max_limit, limit, &limit) == -1)
		return;
	o = xmalloc(sizeof(*o));
	if (offer_decode(rec, env->ref, o, &err) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, err.field, "%s",
		    err.message);
	} else if ((e = offer_table_get(env->offers, o->id)) != NULL && e->closed) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "id",
		    "offer %s is closed", o->id);
	} else
		submit_offer(env, p, o, limit);
	free(o);
}

static void
h_offer_match(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct offer_entry *e;
	int limit;

	if ((e = param_offer(env, p, params, "id")) == NULL)
		return;
	if (param_int(p, params, "limit", 1, env->conf->matching.max_limit,
	    env->conf->matching.default_limit, &limit) == -1)
		return;
	if (e->closed) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "id",
		    "offer %s is closed", e->offer.id);
		return;
	}
	match_and_store(env, p, &e->offer, limit, "", "");
}

struct offer_op {
	struct matcherd	*env;
	struct pending	*p;
	char		 id[RECORD_ID_MAX + 1];
	char		 reason[CLOSE_REASON_MAX + 1];
};

static struct offer_op *
offer_op_new(struct matcherd *env, struct pending *p, const char *id)
{
	struct offer_op *op;

	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	snprintf(op->id, sizeof(op->id), "%s", id);
	pending_hold(p);
	return op;
}

static void
offer_op_done(struct offer_op *op)
{
	pending_release(op->p);
	free(op);
}

/*
 * A msgpack value stored in Redis by this daemon, copied as it is (it was
 * packed by offer_pack/result_pack), or nil.
 */
static void
pack_raw_or_nil(msgpack_packer *pk, const redisReply *r)
{
	char err[128];
	size_t objlen;

	if (r == NULL || r->type != REDIS_REPLY_STRING || r->len == 0) {
		msgpack_pack_nil(pk);
		return;
	}
	/* Never forward bytes that would break the client's stream. */
	if (frame_scan(r->str, r->len, r->len, &objlen, err,
	    sizeof(err)) != FRAME_OK || objlen != r->len) {
		log_warnx("stored msgpack value is corrupt: %s", err);
		msgpack_pack_nil(pk);
		return;
	}
	pk->callback(pk->data, r->str, r->len);
}

static const redisReply *
hash_field(const redisReply *h, const char *name)
{
	size_t i;

	if (h == NULL || h->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (i = 0; i + 1 < h->elements; i += 2)
		if (h->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(h->element[i]->str, name) == 0)
			return h->element[i + 1];
	return NULL;
}

static long long
hash_int(const redisReply *h, const char *name)
{
	const redisReply *v = hash_field(h, name);

	return v != NULL && v->type == REDIS_REPLY_STRING ?
	    strtoll(v->str, NULL, 10) : 0;
}

static void
offer_get_cb(void *arg, redisReply *r)
{
	struct offer_op *op = arg;
	const struct offer_entry *e;
	const redisReply *h, *refs, *v;
	struct packbuf b;
	const char *colon;
	size_t i;

	if (reply_ok(op->p, r, "EXEC") == -1)
		goto done;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    (h = r->element[0])->type != REDIS_REPLY_ARRAY ||
	    h->elements == 0) {
		pending_error(op->p, RPC_ERR_NOT_FOUND, "id", "no offer %s",
		    op->id);
		goto done;
	}
	refs = r->element[1];
	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 7);
	/* The duplicates merged into it (docs/DEDUP.md). */
	mp_pack_str(&b.pk, "merged");
	if ((e = offer_table_get(op->env->offers, op->id)) != NULL)
		offer_table_pack_merged_list(&b.pk, e);
	else
		msgpack_pack_array(&b.pk, 0);
	mp_pack_str(&b.pk, "offer");
	pack_raw_or_nil(&b.pk, hash_field(h, "data"));
	v = hash_field(h, "status");
	mp_pack_kv_str(&b.pk, "status", v && v->type == REDIS_REPLY_STRING ?
	    v->str : "open");
	mp_pack_kv_int(&b.pk, "created_at", hash_int(h, "created_at"));
	mp_pack_str(&b.pk, "closed_reason");
	v = hash_field(h, "closed_reason");
	if (v != NULL && v->type == REDIS_REPLY_STRING)
		mp_pack_strn(&b.pk, v->str, v->len);
	else
		msgpack_pack_nil(&b.pk);
	mp_pack_str(&b.pk, "result");
	pack_raw_or_nil(&b.pk, hash_field(h, "result"));
	mp_pack_str(&b.pk, "referrals");
	msgpack_pack_array(&b.pk, refs->type == REDIS_REPLY_ARRAY ?
	    refs->elements / 2 : 0);
	for (i = 0; refs->type == REDIS_REPLY_ARRAY &&
	    i + 1 < refs->elements; i += 2) {
		v = refs->element[i + 1];
		colon = v->type == REDIS_REPLY_STRING ?
		    memchr(v->str, ':', v->len) : NULL;
		msgpack_pack_map(&b.pk, 3);
		mp_pack_str(&b.pk, "candidate");
		mp_pack_strn(&b.pk, refs->element[i]->str,
		    refs->element[i]->len);
		mp_pack_str(&b.pk, "status");
		mp_pack_strn(&b.pk, v->str, colon ? (size_t)(colon - v->str) :
		    v->len);
		mp_pack_kv_int(&b.pk, "updated_at", colon ?
		    strtoll(colon + 1, NULL, 10) : 0);
	}
	packbuf_answer(&b, op->p);
done:
	offer_op_done(op);
}

static void
h_offer_get(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const char *prefix = store_prefix(env->store), *sector;
	struct offer_entry *e;
	struct offer_op *op;
	char key[KEY_MAX];
	const char *argv[2];

	if ((e = param_offer(env, p, params, "id")) == NULL)
		return;
	if (store_begin(env->store) == -1) {
		unavailable(p);
		return;
	}
	op = offer_op_new(env, p, e->offer.id);
	sector = vocab_name(&vocab_sector, e->offer.sector);
	argv[0] = "HGETALL";
	argv[1] = key;
	key_offer(key, prefix, sector, e->offer.id);
	store_add(env->store, 2, argv, NULL);
	key_referrals(key, prefix, sector, e->offer.id);
	store_add(env->store, 2, argv, NULL);
	store_commit(env->store, offer_get_cb, op);
}

static void
offer_close_cb(void *arg, redisReply *r)
{
	struct offer_op *op = arg;
	struct offer_entry *e;
	struct packbuf b;

	if (reply_ok(op->p, r, "offer.close") == 0) {
		if ((e = offer_table_get(op->env->offers, op->id)) != NULL)
			offer_table_set_closed(op->env->offers, e, 1);
		packbuf_init(&b);
		msgpack_pack_map(&b.pk, 3);
		mp_pack_kv_str(&b.pk, "id", op->id);
		mp_pack_kv_str(&b.pk, "status", "closed");
		mp_pack_kv_str(&b.pk, "reason", op->reason);
		packbuf_answer(&b, op->p);
	}
	offer_op_done(op);
}

static void
h_offer_close(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct offer_entry *e;
	struct offer_op *op;
	char key[KEY_MAX], now[24];
	const char *argv[8];

	if ((e = param_offer(env, p, params, "id")) == NULL)
		return;
	op = offer_op_new(env, p, e->offer.id);
	if (param_text(p, params, "reason", op->reason,
	    sizeof(op->reason)) == -1) {
		offer_op_done(op);
		return;
	}
	key_offer(key, store_prefix(env->store),
	    vocab_name(&vocab_sector, e->offer.sector), e->offer.id);
	snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
	argv[0] = "HSET"; argv[1] = key;
	argv[2] = "status"; argv[3] = "closed";
	argv[4] = "closed_reason"; argv[5] = op->reason;
	argv[6] = "updated_at"; argv[7] = now;
	if (store_command(env->store, offer_close_cb, op, 8, argv,
	    NULL) == -1) {
		unavailable(p);
		offer_op_done(op);
	}
}

/* Most offers offer.list returns at once. */
#define OFFER_LIST_MAX 500

static int
cmp_entry_newest(const void *a, const void *b)
{
	const struct offer_entry *x = *(const struct offer_entry *const *)a;
	const struct offer_entry *y = *(const struct offer_entry *const *)b;

	if (x->created_at != y->created_at)
		return x->created_at > y->created_at ? -1 : 1;
	return strcmp(x->offer.id, y->offer.id);
}

/*
 * offer.list: the offers of a sector (or all), open by default, newest
 * first, from the in-memory table (no Redis round trip).
 */
static void
h_offer_list(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct offer_entry **v, *e;
	const msgpack_object *o;
	struct packbuf b;
	uint32_t sectors, pos = 0, n = 0, i, counts[REFERRAL_COUNT];
	const char *s;
	size_t len;
	int count, want = 0, st;	/* 0 open, 1 closed, 2 all */

	if (param_set(p, params, "sectors", &vocab_sector, &sectors) == -1)
		return;
	if ((o = param(params, "sector")) != NULL) {
		if (mp_get_str(o, &s, &len) == -1 ||
		    (st = vocab_lookup(&vocab_sector, s, len)) < 0) {
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, "sector",
			    "unknown sector");
			return;
		}
		sectors = 1u << st;
	}
	if ((o = param(params, "status")) != NULL) {
		if (mp_str_eq(o, "open"))
			want = 0;
		else if (mp_str_eq(o, "closed"))
			want = 1;
		else if (mp_str_eq(o, "all"))
			want = 2;
		else {
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, "status",
			    "status must be open, closed or all");
			return;
		}
	}
	if (param_int(p, params, "count", 1, OFFER_LIST_MAX, 100,
	    &count) == -1)
		return;
	v = xreallocarray(NULL, env->offers->count + 1, sizeof(*v));
	while ((e = offer_table_next(env->offers, &pos)) != NULL)
		if ((sectors & (1u << e->offer.sector)) &&
		    (want == 2 || e->closed == want))
			v[n++] = e;
	qsort(v, n, sizeof(*v), cmp_entry_newest);
	if (n > (uint32_t)count)
		n = (uint32_t)count;
	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 1);
	mp_pack_str(&b.pk, "offers");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < n; i++) {
		e = v[i];
		memset(counts, 0, sizeof(counts));
		for (pos = 0; pos < e->nrefs; pos++)
			counts[e->refs[pos].status]++;
		msgpack_pack_map(&b.pk, 12);
		mp_pack_kv_str(&b.pk, "id", e->offer.id);
		mp_pack_kv_str(&b.pk, "title", e->offer.title);
		mp_pack_kv_str(&b.pk, "employer", e->offer.employer[0] ?
		    e->offer.employer : NULL);
		mp_pack_kv_str(&b.pk, "sector",
		    vocab_name(&vocab_sector, e->offer.sector));
		mp_pack_kv_str(&b.pk, "source",
		    vocab_name(&vocab_source, e->offer.source));
		mp_pack_kv_str(&b.pk, "rome", e->offer.rome);
		mp_pack_kv_str(&b.pk, "commune", e->offer.commune[0] ?
		    e->offer.commune : NULL);
		mp_pack_kv_str(&b.pk, "contract",
		    vocab_name(&vocab_contract, e->offer.contract));
		mp_pack_kv_int(&b.pk, "positions", e->offer.positions);
		mp_pack_kv_str(&b.pk, "status", e->closed ? "closed" : "open");
		mp_pack_kv_int(&b.pk, "created_at", e->created_at);
		mp_pack_str(&b.pk, "referrals");
		msgpack_pack_map(&b.pk, REFERRAL_COUNT);
		for (st = 0; st < REFERRAL_COUNT; st++)
			mp_pack_kv_int(&b.pk, referral_name(st), counts[st]);
	}
	free(v);
	packbuf_answer(&b, p);
}

struct cand_referral {
	const struct offer_entry *e;
	const struct offer_ref	 *r;
};

static int
cmp_referral_newest(const void *a, const void *b)
{
	const struct cand_referral *x = a, *y = b;

	if (x->r->updated_at != y->r->updated_at)
		return x->r->updated_at > y->r->updated_at ? -1 : 1;
	return strcmp(x->e->offer.id, y->e->offer.id);
}

/*
 * candidate.referrals: every referral of one candidate, newest first.
 * The offer table is walked whole: offers number in the thousands, and
 * this is an adviser opening one candidate, not a hot path.
 */
static void
h_candidate_referrals(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct cand_referral *v = NULL;
	const struct offer_ref *r;
	struct offer_entry *e;
	struct packbuf b;
	char id[RECORD_ID_MAX + 1];
	uint32_t pos = 0, n = 0, cap = 0, i;

	if (param_id(p, params, "id", id) == -1)
		return;
	if (index_find(env->idx, id) == INDEX_NONE) {
		pending_error(p, RPC_ERR_NOT_FOUND, "id", "no candidate %s", id);
		return;
	}
	while ((e = offer_table_next(env->offers, &pos)) != NULL) {
		if ((r = offer_table_ref_find(e, id)) == NULL)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n].e = e;
		v[n++].r = r;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_referral_newest);
	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 2);
	mp_pack_kv_str(&b.pk, "candidate", id);
	mp_pack_str(&b.pk, "referrals");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < n; i++) {
		msgpack_pack_map(&b.pk, 8);
		mp_pack_kv_str(&b.pk, "offer", v[i].e->offer.id);
		mp_pack_kv_str(&b.pk, "title", v[i].e->offer.title);
		mp_pack_kv_str(&b.pk, "employer", v[i].e->offer.employer[0] ?
		    v[i].e->offer.employer : NULL);
		mp_pack_kv_str(&b.pk, "sector",
		    vocab_name(&vocab_sector, v[i].e->offer.sector));
		mp_pack_kv_str(&b.pk, "offer_status",
		    v[i].e->closed ? "closed" : "open");
		mp_pack_kv_str(&b.pk, "status", referral_name(v[i].r->status));
		mp_pack_kv_bool(&b.pk, "open", referral_is_open(v[i].r->status));
		mp_pack_kv_int(&b.pk, "updated_at", v[i].r->updated_at);
	}
	free(v);
	packbuf_answer(&b, p);
}

/* ------------------------------------------------------------------ */
/* Feeds                                                              */

/* Errors listed in a feed.push result; the rest are only counted. */
#define FEED_ERRORS_MAX 100

struct feed_error {
	char	 id[RECORD_ID_MAX + 1];
	char	 reason[FT_REASON_MAX];
};

/* A merged or uncertain duplicate of a feed.push, as its answer lists it. */
struct feed_dup {
	char	 id[RECORD_ID_MAX + 1];
	char	 other[RECORD_ID_MAX + 1];
	char	 why[OFFER_TABLE_WHY_MAX];
};

/* One feed.push: its offers go through offer.put's path one by one. */
struct feed_op {
	struct matcherd		*env;
	struct pending		*p;
	int			 walking;	/* the document not all read */
	struct ft_doc		*doc;		/* being read */
	struct ft_batch_report	*rep;		/* of the reading */
	int			 outstanding;	/* offers waiting for Redis */
	int			 accepted, updated, rejected, duplicates;
	struct feed_error	 errors[FEED_ERRORS_MAX];
	int			 nerrors;
	/* The first ones; all are counted (duplicates, uncertain). */
	struct feed_dup		 merged[FEED_ERRORS_MAX];
	int			 nmerged;
	struct feed_dup		 maybe[FEED_ERRORS_MAX];
	int			 nmaybe, uncertain;
	char			(*ids)[RECORD_ID_MAX + 1];	/* seen */
	int			 nids;
};

/* One offer of a feed.push in flight. */
struct feed_item {
	struct feed_op	*op;
	int		 created;
	char		 id[RECORD_ID_MAX + 1];
	enum dedup_verdict verdict;
	char		 other[RECORD_ID_MAX + 1];
	char		 why[OFFER_TABLE_WHY_MAX];
};

static void
feed_dup_add(struct feed_dup *list, int *n, const struct feed_item *it)
{
	if (*n == FEED_ERRORS_MAX)
		return;
	snprintf(list[*n].id, sizeof(list[0].id), "%s", it->id);
	snprintf(list[*n].other, sizeof(list[0].other), "%s", it->other);
	snprintf(list[*n].why, sizeof(list[0].why), "%s", it->why);
	(*n)++;
}

static void
pack_feed_dups(msgpack_packer *pk, const char *key, const char *otherkey,
    const struct feed_dup *list, int n)
{
	int i;

	mp_pack_str(pk, key);
	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++) {
		msgpack_pack_map(pk, 3);
		mp_pack_kv_str(pk, "id", list[i].id);
		mp_pack_kv_str(pk, otherkey, list[i].other);
		mp_pack_kv_str(pk, "why", list[i].why);
	}
}

static void
feed_error(struct feed_op *op, const char *id, const char *reason)
{
	op->rejected++;
	if (op->nerrors == FEED_ERRORS_MAX)
		return;
	snprintf(op->errors[op->nerrors].id, sizeof(op->errors[0].id), "%s",
	    id);
	snprintf(op->errors[op->nerrors].reason,
	    sizeof(op->errors[0].reason), "%s", reason);
	op->nerrors++;
}

/* Answer once the document is walked and every offer is stored. */
static void
feed_maybe_finish(struct feed_op *op)
{
	struct packbuf b;
	int i;

	if (op->walking || op->outstanding > 0)
		return;
	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 8);
	mp_pack_kv_int(&b.pk, "accepted", op->accepted);
	mp_pack_kv_int(&b.pk, "updated", op->updated);
	mp_pack_kv_int(&b.pk, "rejected", op->rejected);
	mp_pack_kv_int(&b.pk, "duplicates", op->duplicates);
	mp_pack_kv_int(&b.pk, "uncertain", op->uncertain);
	pack_feed_dups(&b.pk, "merged", "into", op->merged, op->nmerged);
	pack_feed_dups(&b.pk, "possible_duplicates", "other", op->maybe,
	    op->nmaybe);
	mp_pack_str(&b.pk, "errors");
	msgpack_pack_array(&b.pk, op->nerrors);
	for (i = 0; i < op->nerrors; i++) {
		msgpack_pack_map(&b.pk, 2);
		mp_pack_kv_str(&b.pk, "id", op->errors[i].id[0] ?
		    op->errors[i].id : NULL);
		mp_pack_kv_str(&b.pk, "reason", op->errors[i].reason);
	}
	packbuf_answer(&b, op->p);
	pending_release(op->p);
	free(op->ids);
	free(op);
}

static void
feed_item_done(void *arg, int code, const char *result, size_t len,
    const char *message, const char *field)
{
	struct feed_item *it = arg;
	struct feed_op *op = it->op;
	char reason[FT_REASON_MAX];

	if (code < 0 && it->verdict == DEDUP_SAME) {
		op->duplicates++;
		feed_dup_add(op->merged, &op->nmerged, it);
	} else if (code < 0) {
		if (it->created)
			op->accepted++;
		else
			op->updated++;
		if (it->verdict == DEDUP_UNCERTAIN) {
			op->uncertain++;
			feed_dup_add(op->maybe, &op->nmaybe, it);
		}
	} else {
		snprintf(reason, sizeof(reason), "%s%s%s: %s",
		    rpc_errcode_name(code), field ? " " : "", field ? field : "",
		    message ? message : "");
		feed_error(op, it->id, reason);
	}
	free(it);
	op->outstanding--;
	feed_maybe_finish(op);
}

/* ft_map_document() callback: one mapped offer, stored like offer.put. */
static int
feed_take_offer(const struct ft_offer *fo, void *arg)
{
	struct feed_op *op = arg;
	struct matcherd *env = op->env;
	const struct offer *o = &fo->offer;
	struct offer_entry *e;
	struct feed_item *it;
	struct pending *sp;
	char other[RECORD_ID_MAX + 1], why[OFFER_TABLE_WHY_MAX];
	enum dedup_verdict v;
	int i, again;

	/* The same job twice in one document: keep the first. */
	for (i = 0; i < op->nids; i++)
		if (strcmp(op->ids[i], o->id) == 0) {
			op->duplicates++;
			return -1;
		}
	op->ids = xreallocarray(op->ids, op->nids + 1, sizeof(*op->ids));
	snprintf(op->ids[op->nids++], sizeof(op->ids[0]), "%s", o->id);
	if ((e = offer_table_get(env->offers, o->id)) != NULL && e->closed) {
		feed_error(op, o->id, "offer is closed");
		return -1;
	}
	it = xcalloc(1, sizeof(*it));
	it->op = op;
	it->created = e == NULL;
	snprintf(it->id, sizeof(it->id), "%s", o->id);
	v = dedup_decide(env, o, other, why, &again);
	it->verdict = v;
	snprintf(it->other, sizeof(it->other), "%s", other);
	snprintf(it->why, sizeof(it->why), "%s", why);
	op->outstanding++;
	sp = pending_new_sink(env, feed_item_done, it);
	/* The answer may come at once and free it: not read after this. */
	submit_decided(env, sp, o, env->conf->matching.default_limit, v,
	    other, why, again);
	return 0;
}

/*
 * Offers of a feed.push mapped and scored per turn of the event loop: a
 * document of 5,000 offers against a large pool is seconds of scoring,
 * and the other clients must not wait for all of it.
 */
#define FEED_CHUNK	32

static void
feed_walk(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval now = { 0, 0 };
	struct feed_op *op = arg;
	struct matcherd *env = op->env;
	struct ft_batch_report *rep = op->rep;
	int i;

	(void)fd;
	(void)what;
	if (ft_doc_map(op->doc, env->ref, env->rules, feed_take_offer, op,
	    FEED_CHUNK, rep) > 0) {
		if (event_base_once(env->base, -1, EV_TIMEOUT, feed_walk, op,
		    &now) == 0)
			return;
		log_warnx("feed.push: cannot schedule the rest of the "
		    "document; mapping it at once");
		(void)ft_doc_map(op->doc, env->ref, env->rules,
		    feed_take_offer, op, FT_BATCH_MAX, rep);
	}
	op->walking = 0;
	ft_doc_close(op->doc);
	op->doc = NULL;
	/* Errors name offers by their matcherd id, as stored ones are. */
	for (i = 0; i < rep->nrejects; i++) {
		char id[RECORD_ID_MAX + 1] = "";

		if (rep->rejects[i].id[0])
			snprintf(id, sizeof(id), "%s%s", FT_ID_PREFIX,
			    rep->rejects[i].id);
		feed_error(op, id, rep->rejects[i].reason);
	}
	/* Rejects past those the mapper listed, and offers past its bound. */
	op->rejected += rep->rejected - rep->nrejects + rep->skipped;
	free(rep);
	op->rep = NULL;
	feed_maybe_finish(op);
}

/*
 * feed.push {format, payload}: a partner document as received (a France
 * Travail search response or offer), mapped, and each offer stored and
 * scored as offer.put does, FEED_CHUNK offers per turn of the event loop.
 * A bad record is reported and never stops the batch.
 */
static void
h_feed_push(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct ft_batch_report *rep;
	const msgpack_object *o;
	struct feed_op *op;
	struct ft_doc *d;
	const char *doc;
	size_t len;

	if ((o = param(params, "format")) == NULL ||
	    !mp_str_eq(o, "francetravail")) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "format",
		    "format must be \"francetravail\"");
		return;
	}
	if ((o = param(params, "payload")) == NULL ||
	    mp_get_str(o, &doc, &len) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "payload",
		    "payload must be the document as a string");
		return;
	}
	rep = xmalloc(sizeof(*rep));
	if ((d = ft_doc_open(doc, len, rep)) == NULL) {
		/* A document-level error comes before any offer is taken. */
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "payload", "%s",
		    rep->error);
		free(rep);
		return;
	}
	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	op->walking = 1;
	op->doc = d;
	op->rep = rep;
	pending_hold(p);
	feed_walk(-1, 0, op);
}

/* ------------------------------------------------------------------ */
/* Referrals                                                          */

struct referral_op {
	struct matcherd	*env;
	struct pending	*p;
	char		 offer[RECORD_ID_MAX + 1];
	char		 candidate[RECORD_ID_MAX + 1];
	int		 to;
	int64_t		 now;
	int		 has_hire;	/* a clause offer's hire: hire */
	struct clause_hire hire;
};

static void
referral_cb(void *arg, redisReply *r)
{
	struct referral_op *op = arg;
	struct matcherd *env = op->env;
	struct offer_entry *e;
	struct packbuf b;
	uint32_t slot;
	int code, from;

	if (reply_ok(op->p, r, "referral.update") == -1)
		goto done;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_INTEGER ||
	    r->element[1]->type != REDIS_REPLY_STRING) {
		pending_error(op->p, RPC_ERR_INTERNAL, NULL,
		    "unexpected reply from the referral script");
		goto done;
	}
	code = (int)r->element[0]->integer;
	from = referral_lookup(r->element[1]->str, r->element[1]->len);
	if (code == -1) {
		pending_error(op->p, RPC_ERR_NOT_FOUND, "candidate",
		    "candidate %s has no referral on offer %s", op->candidate,
		    op->offer);
		goto done;
	}
	if (code == 0) {
		pending_error(op->p, RPC_ERR_INVALID_ARGUMENT, "status",
		    "illegal transition %s -> %s", referral_name(from),
		    referral_name(op->to));
		goto done;
	}
	if ((e = offer_table_get(env->offers, op->offer)) != NULL)
		offer_table_ref_set(env->offers, e, op->candidate, op->to, op->now);
	/* The script wrote the hire with the move. */
	if (op->has_hire)
		clause_hire_add(env->clauses, &op->hire);
	if ((slot = index_find(env->idx, op->candidate)) != INDEX_NONE) {
		if (!referral_is_open(from) && referral_is_open(op->to))
			index_referral_opened(env->idx, slot,
			    (int32_t)(op->now / 86400));
		else if (referral_is_open(from) && !referral_is_open(op->to))
			index_referral_closed(env->idx, slot);
	}
	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 5);
	mp_pack_kv_str(&b.pk, "offer", op->offer);
	mp_pack_kv_str(&b.pk, "candidate", op->candidate);
	mp_pack_kv_str(&b.pk, "from", referral_name(from));
	mp_pack_kv_str(&b.pk, "status", referral_name(op->to));
	mp_pack_kv_int(&b.pk, "updated_at", op->now);
	packbuf_answer(&b, op->p);
done:
	pending_release(op->p);
	free(op);
}

/*
 * The hire a clause offer's referral makes when it reaches hired: the
 * offer's operation, contractor and contract hours, and the person's
 * criteria (derived ones included) on the day.
 */
static void
hire_of(struct matcherd *env, const struct offer *o, const char *candidate,
    int64_t now, struct clause_hire *h)
{
	uint32_t slot;

	memset(h, 0, sizeof(*h));
	snprintf(h->operation, sizeof(h->operation), "%s",
	    o->clause.operation);
	snprintf(h->contractor, sizeof(h->contractor), "%s",
	    o->clause.contractor);
	snprintf(h->offer, sizeof(h->offer), "%s", o->id);
	snprintf(h->candidate, sizeof(h->candidate), "%s", candidate);
	h->hours = o->clause.hours;
	h->hired_at = now;
	if ((slot = index_find(env->idx, candidate)) != INDEX_NONE)
		h->criteria = score_criteria(&env->idx->recs[slot],
		    &env->conf->matching, (int32_t)(now / 86400));
}

static void
h_referral_update(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const char *prefix = store_prefix(env->store), *sector;
	const msgpack_object *o;
	const struct offer_ref *ref;
	struct offer_entry *e;
	struct referral_op *op;
	struct packbuf hire;
	char kref[KEY_MAX], khist[KEY_MAX], khires[KEY_MAX], now[24];
	char note[REFERRAL_NOTE_MAX + 1], hfield[CLAUSE_HIRE_FIELD_MAX + 1];
	const char *argv[12], *s;
	size_t len, lens[12];
	int i, rc;

	if ((e = param_offer(env, p, params, "offer")) == NULL)
		return;
	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	pending_hold(p);
	snprintf(op->offer, sizeof(op->offer), "%s", e->offer.id);
	if (param_id(p, params, "candidate", op->candidate) == -1 ||
	    param_text(p, params, "note", note, sizeof(note)) == -1)
		goto fail;
	if ((o = param(params, "status")) == NULL ||
	    mp_get_str(o, &s, &len) == -1 ||
	    (op->to = referral_lookup(s, len)) < 0) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "status",
		    "status must be one of suggested, validated, sent, "
		    "interview, hired, not_retained, withdrawn");
		goto fail;
	}
	/* The script checks again atomically; this answers most cases. */
	if ((ref = offer_table_ref_find(e, op->candidate)) == NULL) {
		pending_error(p, RPC_ERR_NOT_FOUND, "candidate",
		    "candidate %s has no referral on offer %s", op->candidate,
		    op->offer);
		goto fail;
	}
	if (!referral_transition_ok(ref->status, op->to)) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "status",
		    "illegal transition %s -> %s", referral_name(ref->status),
		    referral_name(op->to));
		goto fail;
	}
	/* The history line is '|'-separated: keep the note on one field. */
	for (len = 0; note[len] != '\0'; len++)
		if (note[len] == '|' || note[len] == '\n')
			note[len] = ' ';
	op->now = time(NULL);
	sector = vocab_name(&vocab_sector, e->offer.sector);
	key_referrals(kref, prefix, sector, op->offer);
	key_referral_history(khist, prefix, sector, op->offer);
	key_clause_hires(khires, prefix, sector);
	snprintf(now, sizeof(now), "%lld", (long long)op->now);
	/* A clause offer's hire counts against its operation (CLAUSE.md). */
	packbuf_init(&hire);
	hfield[0] = '\0';
	if (op->to == REFERRAL_HIRED && e->offer.has_clause) {
		op->has_hire = 1;
		hire_of(env, &e->offer, op->candidate, op->now, &op->hire);
		clause_hire_field(&op->hire, hfield);
		clause_hire_pack(&op->hire, &hire.pk);
	}
	argv[0] = "EVAL"; argv[1] = env->referral_script; argv[2] = "3";
	argv[3] = kref; argv[4] = khist; argv[5] = khires;
	argv[6] = op->candidate; argv[7] = referral_name(op->to);
	argv[8] = now; argv[9] = note; argv[10] = hfield;
	argv[11] = hire.sb.data != NULL ? hire.sb.data : "";
	for (i = 0; i < 11; i++)
		lens[i] = strlen(argv[i]);
	lens[11] = hire.sb.size;
	rc = store_command(env->store, referral_cb, op, 12, argv, lens);
	msgpack_sbuffer_destroy(&hire.sb);
	if (rc == 0)
		return;
	unavailable(p);
fail:
	pending_release(p);
	free(op);
}

/* ------------------------------------------------------------------ */
/* Clause operations (docs/CLAUSE.md)                                  */

/* An optional record id parameter ("" when absent); answers the error. */
static int
param_opt_id(struct pending *p, const msgpack_object *params,
    const char *key, char *buf)
{
	buf[0] = '\0';
	if (param(params, key) == NULL)
		return 0;
	return param_id(p, params, key, buf);
}

struct clause_put_op {
	struct matcherd		*env;
	struct pending		*p;
	struct clause_op	 rec;
};

static void
clause_put_cb(void *arg, redisReply *r)
{
	struct clause_put_op *op = arg;
	struct packbuf b;
	int created;

	if (reply_ok(op->p, r, "clause.put") == 0) {
		created = clause_op_put(op->env->clauses, &op->rec);
		packbuf_init(&b);
		msgpack_pack_map(&b.pk, 2);
		mp_pack_kv_str(&b.pk, "id", op->rec.id);
		mp_pack_kv_bool(&b.pk, "created",
		    r->type == REDIS_REPLY_INTEGER ? r->integer == 1 : created);
		packbuf_answer(&b, op->p);
	}
	pending_release(op->p);
	free(op);
}

/*
 * clause.put: an operation map, or {operation: map}.  Replacing an
 * operation keeps its hires; it may not drop a contractor that hires or
 * offers name (clause_check_put()).
 */
static void
h_clause_put(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const msgpack_object *rec;
	struct clause_put_op *op;
	struct field_error err;
	struct packbuf b;
	char key[KEY_MAX];
	const char *argv[4];
	size_t lens[4];
	int wrapped;

	if ((rec = param_record(params, "operation", &wrapped)) == NULL) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "clause.put needs an operation map");
		return;
	}
	op = xcalloc(1, sizeof(*op));
	if (clause_op_decode(rec, &op->rec, &err) == -1 ||
	    clause_check_put(env->clauses, env->offers, &op->rec, &err) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, err.field, "%s",
		    err.message);
		free(op);
		return;
	}
	op->env = env;
	op->p = p;
	pending_hold(p);
	packbuf_init(&b);
	clause_op_pack(&op->rec, &b.pk);
	key_clause_ops(key, store_prefix(env->store));
	argv[0] = "HSET";	lens[0] = 4;
	argv[1] = key;		lens[1] = strlen(key);
	argv[2] = op->rec.id;	lens[2] = strlen(op->rec.id);
	argv[3] = b.sb.data;	lens[3] = b.sb.size;
	if (store_command(env->store, clause_put_cb, op, 4, argv,
	    lens) == -1) {
		unavailable(p);
		pending_release(p);
		free(op);
	}
	msgpack_sbuffer_destroy(&b.sb);
}

/* The operation named by params.key, or NULL after answering not_found. */
static const struct clause_op *
param_operation(struct matcherd *env, struct pending *p,
    const msgpack_object *params, const char *key)
{
	const struct clause_op *cop;
	char id[RECORD_ID_MAX + 1];

	if (param_id(p, params, key, id) == -1)
		return NULL;
	if ((cop = clause_op_find(env->clauses, id)) == NULL)
		pending_error(p, RPC_ERR_NOT_FOUND, key, "no operation %s", id);
	return cop;
}

/*
 * clause.get {id}: the canonical operation, plus the offers that name
 * it (newest first, at most CLAUSE_LIST_MAX), from memory.
 */
static void
h_clause_get(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const struct clause_op *cop;
	struct offer_entry **v, *e;
	struct packbuf b;
	uint32_t pos = 0, n = 0, i;

	if ((cop = param_operation(env, p, params, "id")) == NULL)
		return;
	v = xreallocarray(NULL, env->offers->count + 1, sizeof(*v));
	while ((e = offer_table_next(env->offers, &pos)) != NULL)
		if (e->offer.has_clause &&
		    strcmp(e->offer.clause.operation, cop->id) == 0)
			v[n++] = e;
	qsort(v, n, sizeof(*v), cmp_entry_newest);
	if (n > CLAUSE_LIST_MAX)
		n = CLAUSE_LIST_MAX;
	packbuf_init(&b);
	clause_op_pack_open(cop, &b.pk, 1);
	mp_pack_str(&b.pk, "offers");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < n; i++) {
		e = v[i];
		msgpack_pack_map(&b.pk, 6);
		mp_pack_kv_str(&b.pk, "id", e->offer.id);
		mp_pack_kv_str(&b.pk, "title", e->offer.title);
		mp_pack_kv_str(&b.pk, "employer", e->offer.employer[0] ?
		    e->offer.employer : NULL);
		mp_pack_kv_str(&b.pk, "contractor",
		    e->offer.clause.contractor[0] ?
		    e->offer.clause.contractor : NULL);
		mp_pack_kv_int(&b.pk, "hours", e->offer.clause.hours);
		mp_pack_kv_str(&b.pk, "status", e->closed ? "closed" : "open");
	}
	free(v);
	packbuf_answer(&b, p);
}

/* clause.list {count…}: the operations, newest start first. */
static void
h_clause_list(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const struct clause_op **v;
	struct packbuf b;
	uint32_t n, i;
	int count;

	if (param_int(p, params, "count", 1, CLAUSE_LIST_MAX,
	    CLAUSE_LIST_DEFAULT, &count) == -1)
		return;
	v = clause_ops_sorted(env->clauses, &n);
	if (n > (uint32_t)count)
		n = (uint32_t)count;
	packbuf_init(&b);
	msgpack_pack_map(&b.pk, 1);
	mp_pack_str(&b.pk, "operations");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < n; i++)
		clause_op_pack(v[i], &b.pk);
	free((void *)v);
	packbuf_answer(&b, p);
}

/*
 * clause.report {operation…, contractor…, behind…, count…}: per
 * operation and contractor, hours committed, realised and expected to
 * date, people hired and their criteria; from memory.
 */
static void
h_clause_report(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	char opid[RECORD_ID_MAX + 1], cid[RECORD_ID_MAX + 1];
	const msgpack_object *o;
	struct clause_filter flt;
	struct clause_report *rep;
	struct packbuf b;

	memset(&flt, 0, sizeof(flt));
	if (param_opt_id(p, params, "operation", opid) == -1 ||
	    param_opt_id(p, params, "contractor", cid) == -1 ||
	    param_int(p, params, "count", 1, CLAUSE_LIST_MAX,
	    CLAUSE_LIST_DEFAULT, &flt.count) == -1)
		return;
	if ((o = param(params, "behind")) != NULL &&
	    mp_get_bool(o, &flt.behind_only) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "behind",
		    "behind must be a boolean");
		return;
	}
	if (opid[0] != '\0' && clause_op_find(env->clauses, opid) == NULL) {
		pending_error(p, RPC_ERR_NOT_FOUND, "operation",
		    "no operation %s", opid);
		return;
	}
	flt.operation = opid[0] != '\0' ? opid : NULL;
	flt.contractor = cid[0] != '\0' ? cid : NULL;
	rep = clause_report_new(env->clauses, &flt, date_of_time(time(NULL)));
	packbuf_init(&b);
	clause_report_pack(rep, &b.pk);
	clause_report_free(rep);
	packbuf_answer(&b, p);
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                           */

static const struct {
	const char	*name;
	handler_fn	*fn;
} methods[] = {
	{ "candidate.delete",	h_candidate_delete },
	{ "candidate.get",	h_candidate_get },
	{ "candidate.list",	h_candidate_list },
	{ "candidate.put",	h_candidate_put },
	{ "candidate.referrals", h_candidate_referrals },
	{ "clause.get",		h_clause_get },
	{ "clause.list",	h_clause_list },
	{ "clause.put",		h_clause_put },
	{ "clause.report",	h_clause_report },
	{ "feed.push",		h_feed_push },
	{ "offer.close",	h_offer_close },
	{ "offer.duplicates",	h_offer_duplicates },
	{ "offer.get",		h_offer_get },
	{ "offer.list",		h_offer_list },
	{ "offer.match",	h_offer_match },
	{ "offer.put",		h_offer_put },
	{ "offer.resolve",	h_offer_resolve },
	{ "ping",		h_ping },
	{ "referral.update",	h_referral_update },
	{ "stats",		h_stats },
	{ "subscribe",		h_subscribe },
};

void
handlers_dispatch(struct matcherd *env, struct pending *p,
    const char *method, size_t len, const msgpack_object *params)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strlen(methods[i].name) == len &&
		    memcmp(methods[i].name, method, len) == 0) {
			methods[i].fn(env, p, params);
			return;
		}
	pending_error(p, RPC_ERR_UNKNOWN_METHOD, NULL, "unknown method %.*s",
	    (int)(len > 64 ? 64 : len), method);
}
