/*
 * The Redis layout of every record (docs/REDIS.md), in one place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hash.h"
#include "mpobj.h"
#include "records.h"
#include "referral.h"
#include "store.h"

/* Elements per HSCAN call: large enough to keep round trips few. */
#define SCAN_COUNT "2000"

/* The offer hash's fields. */
#define F_DATA		"data"
#define F_STATUS	"status"
#define F_CREATED	"created_at"
#define F_UPDATED	"updated_at"
#define F_RESULT	"result"
#define F_REASON	"closed_reason"

_Static_assert(RECORDS_WHY_MAX > 2 * RECORD_ID_MAX + 64,
    "a reason names two ids");

/* ------------------------------------------------------------------ */
/* Keys                                                               */

int
records_key_meta(char *buf, const char *prefix)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:meta", prefix);
}

int
records_key_cand_bucket_n(char *buf, const char *prefix, int bucket)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:cand:{c%02x}", prefix,
	    bucket & (RECORDS_CAND_BUCKETS - 1));
}

int
records_cand_bucket(const char *id)
{
	return (int)(hash_fnv1a(id, strlen(id)) & (RECORDS_CAND_BUCKETS - 1));
}

int
records_key_cand_bucket(char *buf, const char *prefix, const char *id)
{
	return records_key_cand_bucket_n(buf, prefix, records_cand_bucket(id));
}

int
records_key_offer_sectors(char *buf, const char *prefix)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:offers", prefix);
}

int
records_key_sector_offers(char *buf, const char *prefix, const char *sector)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:{%s}:offers", prefix,
	    sector);
}

int
records_key_offer(char *buf, const char *prefix, const char *sector,
    const char *id)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:{%s}:offer:%s", prefix,
	    sector, id);
}

int
records_key_referrals(char *buf, const char *prefix, const char *sector,
    const char *id)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:{%s}:ref:%s", prefix,
	    sector, id);
}

int
records_key_referral_history(char *buf, const char *prefix,
    const char *sector, const char *id)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:{%s}:refhist:%s", prefix,
	    sector, id);
}

int
records_key_clause_ops(char *buf, const char *prefix)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:clause:ops", prefix);
}

int
records_key_clause_hires(char *buf, const char *prefix, const char *sector)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:{%s}:clause:hires", prefix,
	    sector);
}

int
records_key_dup_merged(char *buf, const char *prefix)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:dup:merged", prefix);
}

int
records_key_dup_pairs(char *buf, const char *prefix)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:dup:pairs", prefix);
}

static const char *
sector_name(int sector)
{
	return vocab_name(&vocab_sector, sector);
}

/* A key argument, copied into the command. */
static void
cmd_key(struct redis_cmd *c, const char *key)
{
	redis_cmd_copy(c, key, strlen(key));
}

/* A whole decimal integer of len bytes (no sign but '-', no space). */
static int
parse_int64(const char *s, size_t len, int64_t *out)
{
	char buf[24], *end;
	long long v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtoll(buf, &end, 10);
	if (*end != '\0' || !(buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')))
		return -1;
	*out = v;
	return 0;
}

/* "status:unix-time", a referral's value. */
static void
cmd_referral_value(struct redis_cmd *c, int status, int64_t at)
{
	char v[RECORDS_REFERRAL_VALUE_MAX];

	records_referral_value(v, sizeof(v), status, at);
	redis_cmd_copy(c, v, strlen(v));
}

/* HSCAN key cursor COUNT n */
void
records_hscan(struct redis_cmd *c, const char *key, const char *cursor)
{
	redis_cmd_init(c, "HSCAN");
	cmd_key(c, key);
	redis_cmd_copy(c, cursor, strlen(cursor));
	redis_cmd_str(c, "COUNT");
	redis_cmd_str(c, SCAN_COUNT);
}

void
records_meta_schema(struct redis_cmd *c, const char *prefix)
{
	char key[RECORDS_KEY_MAX];

	records_key_meta(key, prefix);
	redis_cmd_init(c, "HSET");
	cmd_key(c, key);
	redis_cmd_str(c, "schema");
	redis_cmd_str(c, "1");
}

void
records_meta_secret_offer(struct redis_cmd *c, const char *prefix,
    const char *hex)
{
	char key[RECORDS_KEY_MAX];

	records_key_meta(key, prefix);
	redis_cmd_init(c, "HSETNX");
	cmd_key(c, key);
	redis_cmd_str(c, "pseudonym_secret");
	redis_cmd_copy(c, hex, strlen(hex));
}

void
records_meta_secret_read(struct redis_cmd *c, const char *prefix)
{
	char key[RECORDS_KEY_MAX];

	records_key_meta(key, prefix);
	redis_cmd_init(c, "HGET");
	cmd_key(c, key);
	redis_cmd_str(c, "pseudonym_secret");
}

long long
records_count(const redisReply *r)
{
	return r != NULL && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
}

/*
 * Unpack a stored msgpack value; -1 unless it is one whole object of the
 * wanted type (MSGPACK_OBJECT_NIL: any).
 */
static int
unpack_value(const redisReply *v, msgpack_zone *zone, msgpack_object *obj,
    msgpack_object_type want)
{
	size_t off = 0;

	if (v == NULL || v->type != REDIS_REPLY_STRING ||
	    msgpack_unpack(v->str, v->len, &off, zone, obj) !=
	    MSGPACK_UNPACK_SUCCESS ||
	    (want != MSGPACK_OBJECT_NIL && obj->type != want))
		return -1;
	return 0;
}

/* The field of a scanned hash, checked as a record id. */
static int
field_id(const redisReply *f, char *why)
{
	if (f->type != REDIS_REPLY_STRING || !record_id_valid(f->str, f->len)) {
		snprintf(why, RECORDS_WHY_MAX, "not a record id");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The audit trail                                                    */

static int
records_key_audit(char *buf, const char *prefix)
{
	return snprintf(buf, RECORDS_KEY_MAX, "%s:audit", prefix);
}

void
records_audit_add(struct redis_cmd *c, const char *prefix, int64_t at,
    const char *user, const char *role, const char *method,
    const char *record, const char *candidate, const char *reason)
{
	char key[RECORDS_KEY_MAX];

	records_key_audit(key, prefix);
	redis_cmd_init(c, "XADD");
	cmd_key(c, key);
	/* "~": Redis trims by whole nodes, cheaply. */
	redis_cmd_str(c, "MAXLEN");
	redis_cmd_str(c, "~");
	redis_cmd_int(c, RECORDS_AUDIT_MAX);
	redis_cmd_str(c, "*");
	redis_cmd_str(c, "at");
	redis_cmd_int(c, at);
	redis_cmd_str(c, "user");
	redis_cmd_copy(c, user, strlen(user));
	redis_cmd_str(c, "role");
	redis_cmd_str(c, role);
	redis_cmd_str(c, "method");
	redis_cmd_str(c, method);
	redis_cmd_str(c, "record");
	redis_cmd_copy(c, record, strlen(record));
	redis_cmd_str(c, "candidate");
	redis_cmd_copy(c, candidate, strlen(candidate));
	if (reason != NULL) {
		redis_cmd_str(c, "reason");
		redis_cmd_str(c, reason);
	}
}

const redisReply *
records_audit_field(const redisReply *fields, const char *name)
{
	size_t i;

	for (i = 0; fields->type == REDIS_REPLY_ARRAY &&
	    i + 1 < fields->elements; i += 2)
		if (fields->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(fields->element[i]->str, name) == 0 &&
		    fields->element[i + 1]->type == REDIS_REPLY_STRING)
			return fields->element[i + 1];
	return NULL;
}

void
records_audit_read(struct redis_cmd *c, const char *prefix,
    const char *before, int count)
{
	char key[RECORDS_KEY_MAX];

	records_key_audit(key, prefix);
	redis_cmd_init(c, "XREVRANGE");
	cmd_key(c, key);
	if (before != NULL)
		redis_cmd_fmt(c, "(%s", before);
	else
		redis_cmd_str(c, "+");
	redis_cmd_str(c, "-");
	redis_cmd_str(c, "COUNT");
	redis_cmd_int(c, count);
}

/* ------------------------------------------------------------------ */
/* Candidates                                                         */

/* HSET/HGET/HDEL bucket id ... */
static void
candidate_cmd(struct redis_cmd *c, const char *name, const char *prefix,
    const char *id)
{
	char key[RECORDS_KEY_MAX];

	records_key_cand_bucket(key, prefix, id);
	redis_cmd_init(c, name);
	cmd_key(c, key);
	redis_cmd_copy(c, id, strlen(id));
}

void
records_candidate_put(struct redis_cmd *c, const char *prefix,
    const struct candidate *cand)
{
	msgpack_packer pk;

	candidate_cmd(c, "HSET", prefix, cand->id);
	redis_cmd_pack_begin(c, &pk);
	candidate_pack(cand, &pk);
	redis_cmd_pack_end(c);
}

void
records_candidate_get(struct redis_cmd *c, const char *prefix,
    const char *id)
{
	candidate_cmd(c, "HGET", prefix, id);
}

void
records_candidate_delete(struct redis_cmd *c, const char *prefix,
    const char *id)
{
	candidate_cmd(c, "HDEL", prefix, id);
}

void
records_candidate_scan(struct redis_cmd *c, const char *prefix, int b,
    const char *cursor)
{
	char key[RECORDS_KEY_MAX];

	records_key_cand_bucket_n(key, prefix, b);
	records_hscan(c, key, cursor);
}

int
records_candidate_created(const redisReply *r)
{
	long long n = records_count(r);

	return n < 0 ? -1 : n == 1;
}

int
records_candidate_unpack(const redisReply *r, msgpack_zone *zone,
    msgpack_object *obj)
{
	if (r == NULL || r->type == REDIS_REPLY_NIL)
		return 0;
	return unpack_value(r, zone, obj, MSGPACK_OBJECT_MAP) == 0 ? 1 : -1;
}

int
records_candidate_decode(const redisReply *f, const redisReply *v,
    const struct refdata *ref, struct candidate *c, char *why)
{
	struct field_error err;
	msgpack_zone zone;
	msgpack_object obj;
	int rv = -1;

	if (field_id(f, why) == -1)
		return -1;
	msgpack_zone_init(&zone, 2048);
	if (unpack_value(v, &zone, &obj, MSGPACK_OBJECT_NIL) == -1)
		snprintf(why, RECORDS_WHY_MAX, "not a msgpack record");
	else if (candidate_decode(&obj, ref, c, &err) == -1)
		snprintf(why, RECORDS_WHY_MAX, "%s: %s", err.field,
		    err.message);
	else if (strcmp(c->id, f->str) != 0)
		snprintf(why, RECORDS_WHY_MAX, "record id is %s", c->id);
	else
		rv = 0;
	msgpack_zone_destroy(&zone);
	return rv;
}

/* ------------------------------------------------------------------ */
/* Offers                                                             */

void
records_queue_offer_store(struct store *st, const struct offer *o,
    int64_t created_at, int64_t now, const char *result, size_t len)
{
	const char *prefix = store_prefix(st), *sector = sector_name(o->sector);
	char key[RECORDS_KEY_MAX];
	struct redis_cmd c;
	msgpack_packer pk;

	records_key_offer(key, prefix, sector, o->id);
	redis_cmd_init(&c, "HSET");
	cmd_key(&c, key);
	redis_cmd_str(&c, F_DATA);
	redis_cmd_pack_begin(&c, &pk);
	offer_pack(o, &pk);
	redis_cmd_pack_end(&c);
	redis_cmd_str(&c, F_STATUS);
	redis_cmd_str(&c, "open");
	redis_cmd_str(&c, F_CREATED);
	redis_cmd_int(&c, created_at);
	redis_cmd_str(&c, F_UPDATED);
	redis_cmd_int(&c, now);
	redis_cmd_str(&c, F_RESULT);
	redis_cmd_arg(&c, result, len);
	store_queue(st, &c);

	/* NX: a put again keeps the offer's place in creation order. */
	records_key_sector_offers(key, prefix, sector);
	redis_cmd_init(&c, "ZADD");
	cmd_key(&c, key);
	redis_cmd_str(&c, "NX");
	redis_cmd_int(&c, created_at);
	redis_cmd_copy(&c, o->id, strlen(o->id));
	store_queue(st, &c);

	records_key_offer_sectors(key, prefix);
	redis_cmd_init(&c, "HSET");
	cmd_key(&c, key);
	redis_cmd_copy(&c, o->id, strlen(o->id));
	redis_cmd_str(&c, sector);
	store_queue(st, &c);
}

/* DEL / ZREM of one key, named by keyfn. */
static void
queue_del(struct store *st, const char *key)
{
	struct redis_cmd c;

	redis_cmd_init(&c, "DEL");
	cmd_key(&c, key);
	store_queue(st, &c);
}

void
records_queue_offer_move(struct store *st, const struct offer_entry *e,
    int to_sector)
{
	const char *prefix = store_prefix(st);
	const char *from = sector_name(e->offer.sector);
	const char *to = sector_name(to_sector);
	const char *id = e->offer.id;
	char kold[RECORDS_KEY_MAX], knew[RECORDS_KEY_MAX];
	struct redis_cmd c;
	uint32_t i;

	records_key_offer(kold, prefix, from, id);
	queue_del(st, kold);
	records_key_referrals(kold, prefix, from, id);
	queue_del(st, kold);
	records_key_sector_offers(kold, prefix, from);
	redis_cmd_init(&c, "ZREM");
	cmd_key(&c, kold);
	redis_cmd_copy(&c, id, strlen(id));
	store_queue(st, &c);
	records_key_referrals(knew, prefix, to, id);
	for (i = 0; i < e->nrefs; i++) {
		redis_cmd_init(&c, "HSET");
		cmd_key(&c, knew);
		redis_cmd_copy(&c, e->refs[i].candidate,
		    strlen(e->refs[i].candidate));
		cmd_referral_value(&c, e->refs[i].status, e->refs[i].updated_at);
		store_queue(st, &c);
	}
	/* COPY of a missing key is a no-op, not an error. */
	records_key_referral_history(kold, prefix, from, id);
	records_key_referral_history(knew, prefix, to, id);
	redis_cmd_init(&c, "COPY");
	cmd_key(&c, kold);
	cmd_key(&c, knew);
	store_queue(st, &c);
	queue_del(st, kold);
}

void
records_queue_referrals_suggest(struct store *st, const struct offer *o,
    const char (*ids)[RECORD_ID_MAX + 1], int n, int64_t now)
{
	char key[RECORDS_KEY_MAX];
	struct redis_cmd c;
	int i;

	records_key_referrals(key, store_prefix(st), sector_name(o->sector),
	    o->id);
	for (i = 0; i < n; i++) {
		/* NX: a referral already moved on keeps its status. */
		redis_cmd_init(&c, "HSETNX");
		cmd_key(&c, key);
		redis_cmd_copy(&c, ids[i], strlen(ids[i]));
		cmd_referral_value(&c, REFERRAL_SUGGESTED, now);
		store_queue(st, &c);
	}
}

void
records_offer_close(struct redis_cmd *c, const char *prefix,
    const struct offer *o, const char *reason, int64_t now)
{
	char key[RECORDS_KEY_MAX];

	records_key_offer(key, prefix, sector_name(o->sector), o->id);
	redis_cmd_init(c, "HSET");
	cmd_key(c, key);
	redis_cmd_str(c, F_STATUS);
	redis_cmd_str(c, "closed");
	redis_cmd_str(c, F_REASON);
	redis_cmd_copy(c, reason, strlen(reason));
	redis_cmd_str(c, F_UPDATED);
	redis_cmd_int(c, now);
}

/* HGETALL of key. */
static void
hgetall(struct redis_cmd *c, const char *key)
{
	redis_cmd_init(c, "HGETALL");
	cmd_key(c, key);
}

void
records_offer_hash(struct redis_cmd *c, const char *prefix, int sector,
    const char *id)
{
	char key[RECORDS_KEY_MAX];

	records_key_offer(key, prefix, sector_name(sector), id);
	hgetall(c, key);
}

void
records_offer_referrals(struct redis_cmd *c, const char *prefix,
    int sector, const char *id)
{
	char key[RECORDS_KEY_MAX];

	records_key_referrals(key, prefix, sector_name(sector), id);
	hgetall(c, key);
}

void
records_queue_offer_read(struct store *st, const struct offer *o)
{
	struct redis_cmd c;

	records_offer_hash(&c, store_prefix(st), o->sector, o->id);
	store_queue(st, &c);
	records_offer_referrals(&c, store_prefix(st), o->sector, o->id);
	store_queue(st, &c);
}

void
records_offer_ids(struct redis_cmd *c, const char *prefix, int sector)
{
	char key[RECORDS_KEY_MAX];

	records_key_sector_offers(key, prefix, sector_name(sector));
	redis_cmd_init(c, "ZRANGE");
	cmd_key(c, key);
	redis_cmd_str(c, "0");
	redis_cmd_str(c, "-1");
}

static const redisReply *
hash_field(const redisReply *h, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < h->elements; i += 2)
		if (h->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(h->element[i]->str, name) == 0)
			return h->element[i + 1];
	return NULL;
}

/* A field's value if it is a non-empty string, else NULL. */
static const redisReply *
hash_string(const redisReply *h, const char *name)
{
	const redisReply *v = hash_field(h, name);

	return v != NULL && v->type == REDIS_REPLY_STRING && v->len > 0 ?
	    v : NULL;
}

int
records_offer_parse(const redisReply *h, struct records_offer *out)
{
	const redisReply *v;

	memset(out, 0, sizeof(*out));
	if (h == NULL || h->type != REDIS_REPLY_ARRAY || h->elements == 0)
		return -1;
	out->data = hash_string(h, F_DATA);
	out->result = hash_string(h, F_RESULT);
	out->closed = (v = hash_string(h, F_STATUS)) != NULL &&
	    strcmp(v->str, "closed") == 0;
	/* A garbled time reads as unknown (0), as a missing one does. */
	if ((v = hash_string(h, F_CREATED)) != NULL &&
	    parse_int64(v->str, v->len, &out->created_at) == -1)
		out->created_at = 0;
	if ((v = hash_string(h, F_REASON)) != NULL) {
		out->closed_reason = v->str;
		out->closed_reason_len = v->len;
	}
	return 0;
}

int
records_offer_decode(const struct records_offer *r, const char *id,
    const struct refdata *ref, struct offer *o, char *why)
{
	struct field_error err;
	msgpack_zone zone;
	msgpack_object obj;
	int rv = -1;

	if (r->data == NULL) {
		snprintf(why, RECORDS_WHY_MAX, "no data field");
		return -1;
	}
	msgpack_zone_init(&zone, 2048);
	if (unpack_value(r->data, &zone, &obj, MSGPACK_OBJECT_NIL) == -1 ||
	    offer_decode(&obj, ref, o, &err) == -1 || strcmp(o->id, id) != 0)
		snprintf(why, RECORDS_WHY_MAX, "stored offer does not decode");
	else
		rv = 0;
	msgpack_zone_destroy(&zone);
	return rv;
}

/* ------------------------------------------------------------------ */
/* Referrals                                                          */

int
records_referral_decode(const redisReply *f, const redisReply *v,
    int *status, int64_t *at)
{
	const char *colon;

	if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING ||
	    !record_id_valid(f->str, f->len) ||
	    (colon = memchr(v->str, ':', v->len)) == NULL ||
	    (*status = referral_lookup(v->str, colon - v->str)) < 0 ||
	    parse_int64(colon + 1, v->len - (size_t)(colon + 1 - v->str),
	    at) == -1)
		return -1;
	return 0;
}

void
records_referral_move(struct redis_cmd *c, const char *prefix,
    const char *script, const struct offer *o, const struct records_move *m)
{
	const char *sector = sector_name(o->sector);
	char key[RECORDS_KEY_MAX], field[CLAUSE_HIRE_FIELD_MAX + 1];
	msgpack_packer pk;

	redis_cmd_init(c, "EVAL");
	redis_cmd_str(c, script);
	redis_cmd_str(c, "3");
	records_key_referrals(key, prefix, sector, o->id);
	cmd_key(c, key);
	records_key_referral_history(key, prefix, sector, o->id);
	cmd_key(c, key);
	records_key_clause_hires(key, prefix, sector);
	cmd_key(c, key);
	redis_cmd_copy(c, m->candidate, strlen(m->candidate));
	redis_cmd_str(c, referral_name(m->to));
	redis_cmd_int(c, m->now);
	redis_cmd_copy(c, m->note, strlen(m->note));
	/* The script writes the hire only when its field is non-empty. */
	if (m->hire == NULL) {
		redis_cmd_str(c, "");
		redis_cmd_str(c, "");
	} else {
		clause_hire_field(m->hire, field);
		redis_cmd_copy(c, field, strlen(field));
		redis_cmd_pack_begin(c, &pk);
		clause_hire_pack(m->hire, &pk);
		redis_cmd_pack_end(c);
	}
	if (m->deadline_ms > 0)
		redis_cmd_int(c, m->deadline_ms);
	else
		redis_cmd_str(c, "");
	redis_cmd_copy(c, m->user, strlen(m->user));
	if (m->expect != NULL)
		redis_cmd_copy(c, m->expect, strlen(m->expect));
	else
		redis_cmd_str(c, "");
}

void
records_referral_history_read(struct redis_cmd *c, const char *prefix,
    int sector, const char *offer, long long last)
{
	char key[RECORDS_KEY_MAX];

	records_key_referral_history(key, prefix, sector_name(sector), offer);
	redis_cmd_init(c, "LRANGE");
	cmd_key(c, key);
	redis_cmd_int(c, last > 0 ? -last : 0);
	redis_cmd_str(c, "-1");
}

void
records_referral_value(char *buf, size_t len, int status, int64_t at)
{
	snprintf(buf, len, "%s:%lld", referral_name(status), (long long)at);
}

int
records_referral_moved(const redisReply *r, int *from)
{
	long long code;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_INTEGER ||
	    r->element[1]->type != REDIS_REPLY_STRING)
		return -2;
	code = r->element[0]->integer;
	*from = referral_lookup(r->element[1]->str, r->element[1]->len);
	/* The script moves only from a real status, and says which. */
	if (code < -1 || code > 1 || (code == 1 && *from < 0))
		return -2;
	return (int)code;
}

/* ------------------------------------------------------------------ */
/* Duplicates                                                         */

void
records_queue_dup_merged_put(struct store *st, const char *into,
    const struct offer_merged *m)
{
	char key[RECORDS_KEY_MAX];
	struct redis_cmd c;
	msgpack_packer pk;

	records_key_dup_merged(key, store_prefix(st));
	redis_cmd_init(&c, "HSET");
	cmd_key(&c, key);
	redis_cmd_copy(&c, m->id, strlen(m->id));
	redis_cmd_pack_begin(&c, &pk);
	offer_table_pack_merged(&pk, into, m);
	redis_cmd_pack_end(&c);
	store_queue(st, &c);
}

void
records_dup_merged_forget(struct redis_cmd *c, const char *prefix,
    const char *id)
{
	char key[RECORDS_KEY_MAX];

	records_key_dup_merged(key, prefix);
	redis_cmd_init(c, "HDEL");
	cmd_key(c, key);
	redis_cmd_copy(c, id, strlen(id));
}

void
records_dup_merged_read(struct redis_cmd *c, const char *prefix)
{
	char key[RECORDS_KEY_MAX];

	records_key_dup_merged(key, prefix);
	hgetall(c, key);
}

void
records_queue_dup_pair_add(struct store *st, const char *id,
    const char *other, const char *why, int64_t at)
{
	char key[RECORDS_KEY_MAX];
	struct redis_cmd c;
	msgpack_packer pk;

	records_key_dup_pairs(key, store_prefix(st));
	redis_cmd_init(&c, "HSET");
	cmd_key(&c, key);
	redis_cmd_fmt(&c, "%s %s", id, other);
	redis_cmd_pack_begin(&c, &pk);
	msgpack_pack_map(&pk, 4);
	mp_pack_kv_str(&pk, "offer", id);
	mp_pack_kv_str(&pk, "other", other);
	mp_pack_kv_str(&pk, "why", why);
	mp_pack_kv_int(&pk, "at", at);
	redis_cmd_pack_end(&c);
	store_queue(st, &c);
}

void
records_queue_dup_pair_delete(struct store *st, const char *id,
    const char *other)
{
	char key[RECORDS_KEY_MAX];
	struct redis_cmd c;

	records_key_dup_pairs(key, store_prefix(st));
	redis_cmd_init(&c, "HDEL");
	cmd_key(&c, key);
	redis_cmd_fmt(&c, "%s %s", id, other);
	store_queue(st, &c);
	redis_cmd_init(&c, "HDEL");
	cmd_key(&c, key);
	redis_cmd_fmt(&c, "%s %s", other, id);
	store_queue(st, &c);
}

void
records_dup_pairs_read(struct redis_cmd *c, const char *prefix)
{
	char key[RECORDS_KEY_MAX];

	records_key_dup_pairs(key, prefix);
	hgetall(c, key);
}

int
records_dup_pair_decode(const redisReply *v, msgpack_unpacked *u,
    struct records_pair *p)
{
	const msgpack_object *f;
	size_t off = 0;

	memset(p, 0, sizeof(*p));
	if (v->type != REDIS_REPLY_STRING ||
	    msgpack_unpack_next(u, v->str, v->len, &off) !=
	    MSGPACK_UNPACK_SUCCESS || u->data.type != MSGPACK_OBJECT_MAP ||
	    (f = mp_map_get(&u->data, "at")) == NULL ||
	    mp_get_int64(f, &p->at) == -1)
		return -1;
	if ((f = mp_map_get(&u->data, "offer")) == NULL ||
	    mp_copy_str(f, p->offer, sizeof(p->offer)) == -1)
		snprintf(p->offer, sizeof(p->offer), "?");
	if ((f = mp_map_get(&u->data, "other")) == NULL ||
	    mp_copy_str(f, p->other, sizeof(p->other)) == -1)
		snprintf(p->other, sizeof(p->other), "?");
	if ((f = mp_map_get(&u->data, "why")) != NULL &&
	    f->type == MSGPACK_OBJECT_STR) {
		p->why = f->via.str.ptr;
		p->whylen = f->via.str.size;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Clause operations and hires                                        */

void
records_clause_op_put(struct redis_cmd *c, const char *prefix,
    const struct clause_op *op)
{
	char key[RECORDS_KEY_MAX];
	msgpack_packer pk;

	records_key_clause_ops(key, prefix);
	redis_cmd_init(c, "HSET");
	cmd_key(c, key);
	redis_cmd_copy(c, op->id, strlen(op->id));
	redis_cmd_pack_begin(c, &pk);
	clause_op_pack(op, &pk);
	redis_cmd_pack_end(c);
}

void
records_clause_ops_scan(struct redis_cmd *c, const char *prefix,
    const char *cursor)
{
	char key[RECORDS_KEY_MAX];

	records_key_clause_ops(key, prefix);
	records_hscan(c, key, cursor);
}

void
records_clause_hires_scan(struct redis_cmd *c, const char *prefix,
    int sector, const char *cursor)
{
	char key[RECORDS_KEY_MAX];

	records_key_clause_hires(key, prefix, sector_name(sector));
	records_hscan(c, key, cursor);
}

int
records_clause_op_decode(const redisReply *f, const redisReply *v,
    struct clause_op *op, char *why)
{
	struct field_error err;
	msgpack_zone zone;
	msgpack_object obj;
	int rv = -1;

	if (field_id(f, why) == -1)
		return -1;
	msgpack_zone_init(&zone, 2048);
	if (unpack_value(v, &zone, &obj, MSGPACK_OBJECT_NIL) == -1)
		snprintf(why, RECORDS_WHY_MAX, "not a msgpack record");
	else if (clause_op_decode(&obj, op, &err) == -1)
		snprintf(why, RECORDS_WHY_MAX, "%s: %s", err.field,
		    err.message);
	else if (strcmp(op->id, f->str) != 0)
		snprintf(why, RECORDS_WHY_MAX, "record id is %s", op->id);
	else
		rv = 0;
	msgpack_zone_destroy(&zone);
	return rv;
}

int
records_clause_hire_decode(const redisReply *f, const redisReply *v,
    struct clause_hire *h, char *why)
{
	char field[CLAUSE_HIRE_FIELD_MAX + 1];
	struct field_error err;
	msgpack_zone zone;
	msgpack_object obj;
	int rv = -1;

	msgpack_zone_init(&zone, 1024);
	if (f->type != REDIS_REPLY_STRING ||
	    unpack_value(v, &zone, &obj, MSGPACK_OBJECT_NIL) == -1)
		snprintf(why, RECORDS_WHY_MAX, "not a msgpack record");
	else if (clause_hire_decode(&obj, h, &err) == -1)
		snprintf(why, RECORDS_WHY_MAX, "%s: %s", err.field,
		    err.message);
	else if (clause_hire_field(h, field) != (int)f->len ||
	    memcmp(field, f->str, f->len) != 0)
		snprintf(why, RECORDS_WHY_MAX, "the record is the hire %s",
		    field);
	else
		rv = 0;
	msgpack_zone_destroy(&zone);
	return rv;
}

/* ------------------------------------------------------------------ */
/* Identities                                                         */

int
records_key_ident_bucket(char *buf, const char *prefix, const char *id)
{
	/* The record's bucket and hash tag: one slot for both keys. */
	return snprintf(buf, RECORDS_KEY_MAX, "%s:ident:{c%02x}", prefix,
	    (unsigned)(hash_fnv1a(id, strlen(id)) &
	    (RECORDS_CAND_BUCKETS - 1)));
}

/* HSET/HGET/HDEL ident-bucket id ... */
static void
ident_cmd(struct redis_cmd *c, const char *name, const char *prefix,
    const char *id)
{
	char key[RECORDS_KEY_MAX];

	records_key_ident_bucket(key, prefix, id);
	redis_cmd_init(c, name);
	cmd_key(c, key);
	redis_cmd_copy(c, id, strlen(id));
}

void
records_ident_put(struct redis_cmd *c, const char *prefix, const char *id,
    const struct identity *ident)
{
	msgpack_packer pk;

	/* Nothing left to keep: no empty map lingers in Redis. */
	if (identity_is_empty(ident)) {
		ident_cmd(c, "HDEL", prefix, id);
		return;
	}
	ident_cmd(c, "HSET", prefix, id);
	redis_cmd_pack_begin(c, &pk);
	identity_pack(ident, &pk);
	redis_cmd_pack_end(c);
}

void
records_ident_get(struct redis_cmd *c, const char *prefix, const char *id)
{
	ident_cmd(c, "HGET", prefix, id);
}

void
records_ident_delete(struct redis_cmd *c, const char *prefix,
    const char *id)
{
	ident_cmd(c, "HDEL", prefix, id);
}

int
records_ident_decode(const redisReply *r, struct identity *out, char *why)
{
	struct field_error err;
	msgpack_zone zone;
	msgpack_object obj;
	int rv = -1;

	memset(out, 0, sizeof(*out));
	if (r == NULL || r->type == REDIS_REPLY_NIL)
		return 0;
	msgpack_zone_init(&zone, 1024);
	if (unpack_value(r, &zone, &obj, MSGPACK_OBJECT_MAP) == -1)
		snprintf(why, RECORDS_WHY_MAX, "not a msgpack map");
	else if (identity_decode(&obj, out, &err) == -1)
		/* The decoder's messages name fields, never values. */
		snprintf(why, RECORDS_WHY_MAX, "%s: %s", err.field,
		    err.message);
	else
		rv = 1;
	msgpack_zone_destroy(&zone);
	if (rv == -1)
		memset(out, 0, sizeof(*out));
	return rv;
}
