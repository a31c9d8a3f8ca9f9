/*
 * Offer methods.  offer.put and offer.match go through the pipeline
 * (ingest.c); the reads come from Redis (offer.get, offer.duplicates) or
 * from the in-memory table (offer.list).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "frame.h"
#include "ingest.h"
#include "log.h"
#include "matcherd.h"
#include "method_offer.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "records.h"
#include "referral.h"
#include "referral_view.h"
#include "store.h"
#include "view.h"
#include "xmalloc.h"

/* Longest reason accepted by offer.close. */
#define CLOSE_REASON_MAX 200
/* Most offers offer.list returns at once. */
#define OFFER_LIST_MAX 500
/*
 * offer.duplicates {count}: the uncertain pairs, newest first.  All are
 * read and sorted: a few per day of feeds, not a stream.
 */
#define DUP_PAIRS_MAX 500

struct offer_entry *
method_offer_param(struct matcherd *env, struct pending *p,
    const msgpack_object *params, const char *key)
{
	struct offer_entry *e;
	char id[RECORD_ID_MAX + 1];

	if (params_id(p, params, key, id) == -1)
		return NULL;
	if ((e = offer_table_get(env->offers, id)) == NULL &&
	    (e = offer_table_alias(env->offers, id)) == NULL) {
		pending_error(p, RPC_ERR_NOT_FOUND, key, "no offer %s", id);
		return NULL;
	}
	if (methods_sector_ok(env, p, e->offer.sector, key) == -1)
		return NULL;
	return e;
}

int
method_offer_cmp_newest(const void *a, const void *b)
{
	const struct offer_entry *x = *(const struct offer_entry *const *)a;
	const struct offer_entry *y = *(const struct offer_entry *const *)b;

	if (x->created_at != y->created_at)
		return x->created_at > y->created_at ? -1 : 1;
	return strcmp(x->offer.id, y->offer.id);
}

/* An offer put again must be in one of the user's sectors already. */
static int
offer_writable(struct matcherd *env, struct pending *p, const char *id)
{
	const struct offer_entry *e;

	/* A merged duplicate's id stands for the offer it was merged into. */
	if ((e = offer_table_get(env->offers, id)) == NULL &&
	    (e = offer_table_alias(env->offers, id)) == NULL)
		return 0;
	return methods_sector_ok(env, p, e->offer.sector, "id");
}

/* The pipeline's answer to a request that holds p. */
static void
ingest_answer(void *arg, const struct ingest_outcome *out)
{
	struct pending *p = arg;

	if (out->code < 0)
		view_answer(pending_env(p), p, out->answer, out->len);
	else
		pending_error(p, out->code, out->field, "%s", out->message);
	pending_release(p);
}

void
method_offer_put(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const msgpack_object *rec;
	struct field_error err;
	struct offer *o;
	int wrapped, limit = env->conf->matching.default_limit;

	if ((rec = params_record(params, "offer", &wrapped)) == NULL) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "offer.put needs an offer map");
		return;
	}
	if (wrapped && params_int(p, params, "limit", 1,
	    env->conf->matching.max_limit, limit, &limit) == -1)
		return;
	o = xmalloc(sizeof(*o));
	if (offer_decode(rec, env->ref, o, &err) == -1)
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, err.field, "%s",
		    err.message);
	else if (methods_sector_ok(env, p, o->sector, "sector") == 0 &&
	    offer_writable(env, p, o->id) == 0) {
		pending_hold(p);
		ingest_offer(env, o, limit, pending_now(p), pending_deadline(p),
		    ingest_answer, p);
	}
	free(o);
}

void
method_offer_match(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct offer_entry *e;
	int limit;

	if ((e = method_offer_param(env, p, params, "id")) == NULL)
		return;
	if (params_int(p, params, "limit", 1, env->conf->matching.max_limit,
	    env->conf->matching.default_limit, &limit) == -1)
		return;
	pending_hold(p);
	ingest_rematch(env, e, limit, pending_now(p), pending_deadline(p),
	    ingest_answer, p);
}

struct offer_op {
	struct matcherd	*env;
	struct pending	*p;
	char		 id[RECORD_ID_MAX + 1];
	char		 reason[CLOSE_REASON_MAX + 1];
	int		 count;			/* duplicates */
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

	if (r == NULL) {
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

/*
 * The referrals of offer.get, as Redis holds them (bad values skipped),
 * with their follow-up flags on day today.
 */
/*
 * The offer's referrals and their follow-up.  Only the advisers' view
 * says where a person was hired besides: prospection staff see this
 * offer's referrals, not a person's other applications.
 */
static void
pack_referrals(struct matcherd *env, msgpack_packer *pk, const char *offer,
    const redisReply *refs, int32_t today, int adviser_view)
{
	struct offer_hired *hired;
	char cand[RECORD_ID_MAX + 1];
	size_t i, n = 0, nhired;
	int64_t at;
	int status;

	for (i = 0; refs->type == REDIS_REPLY_ARRAY &&
	    i + 1 < refs->elements; i += 2)
		n += records_referral_decode(refs->element[i],
		    refs->element[i + 1], &status, &at) == 0;
	nhired = offer_table_hired(env->offers, &hired);
	mp_pack_str(pk, "referrals");
	msgpack_pack_array(pk, n);
	for (i = 0; refs->type == REDIS_REPLY_ARRAY &&
	    i + 1 < refs->elements; i += 2) {
		if (records_referral_decode(refs->element[i],
		    refs->element[i + 1], &status, &at) == -1)
			continue;
		/* records_referral_decode() checked it is an id. */
		memcpy(cand, refs->element[i]->str, refs->element[i]->len);
		cand[refs->element[i]->len] = '\0';
		msgpack_pack_map(pk, 3 + REFERRAL_VIEW_FOLLOWUP_FIELDS);
		mp_pack_kv_str(pk, "candidate", cand);
		mp_pack_kv_str(pk, "status", referral_name(status));
		mp_pack_kv_int(pk, "updated_at", at);
		referral_view_pack_followup(env, pk, status, at, today,
		    adviser_view ? offer_table_hired_elsewhere(hired, nhired,
		    cand, offer) : NULL);
	}
	free(hired);
}

static void
get_cb(void *arg, redisReply *r)
{
	struct offer_op *op = arg;
	const struct offer_entry *e;
	struct records_offer ro;
	struct pending_buf b;
	struct view v;

	if (methods_reply_ok(op->p, r, "EXEC") == -1)
		goto done;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    records_offer_parse(r->element[0], &ro) == -1) {
		pending_error(op->p, RPC_ERR_NOT_FOUND, "id", "no offer %s",
		    op->id);
		goto done;
	}
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 7);
	/* The duplicates merged into it (docs/DEDUP.md). */
	mp_pack_str(&b.pk, "merged");
	if ((e = offer_table_get(op->env->offers, op->id)) != NULL)
		offer_table_pack_merged_list(&b.pk, e);
	else
		msgpack_pack_array(&b.pk, 0);
	mp_pack_str(&b.pk, "offer");
	pack_raw_or_nil(&b.pk, ro.data);
	mp_pack_kv_str(&b.pk, "status", ro.closed ? "closed" : "open");
	mp_pack_kv_int(&b.pk, "created_at", ro.created_at);
	mp_pack_str(&b.pk, "closed_reason");
	if (ro.closed_reason != NULL)
		mp_pack_strn(&b.pk, ro.closed_reason, ro.closed_reason_len);
	else
		msgpack_pack_nil(&b.pk);
	mp_pack_str(&b.pk, "result");
	view_of(op->env, op->p, &v);
	if (ro.result != NULL && v.kind != VIEW_ADVISER)
		view_pack(&b.pk, &v, ro.result->str, ro.result->len);
	else
		pack_raw_or_nil(&b.pk, ro.result);
	pack_referrals(op->env, &b.pk, op->id, r->element[1],
	    date_of_time(pending_now(op->p)), v.kind == VIEW_ADVISER);
	pending_buf_answer(&b, op->p);
done:
	offer_op_done(op);
}

void
method_offer_get(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct offer_entry *e;
	struct offer_op *op;

	if ((e = method_offer_param(env, p, params, "id")) == NULL)
		return;
	op = offer_op_new(env, p, e->offer.id);
	store_begin(env->store);
	records_queue_offer_read(env->store, &e->offer);
	store_commit(env->store, pending_deadline(p), get_cb, op);
}

struct closing {
	struct matcherd	*env;
	char		 id[RECORD_ID_MAX + 1];
	store_cb	*done;
	void		*arg;
};

static void
closing_cb(void *arg, redisReply *r)
{
	struct closing *cl = arg;
	struct offer_entry *e;

	if (r != NULL && r->type != REDIS_REPLY_ERROR &&
	    (e = offer_table_get(cl->env->offers, cl->id)) != NULL)
		offer_table_set_closed(cl->env->offers, e, 1);
	if (cl->done != NULL)
		cl->done(cl->arg, r);
	free(cl);
}

void
method_offer_close_entry(struct matcherd *env, const struct offer_entry *e,
    const char *reason, int64_t now, int64_t deadline, store_cb *done,
    void *arg)
{
	struct closing *cl;
	struct redis_cmd c;

	cl = xcalloc(1, sizeof(*cl));
	cl->env = env;
	snprintf(cl->id, sizeof(cl->id), "%s", e->offer.id);
	cl->done = done;
	cl->arg = arg;
	records_offer_close(&c, store_prefix(env->store), &e->offer, reason,
	    now);
	store_send(env->store, &c, deadline, closing_cb, cl);
}

static void
close_cb(void *arg, redisReply *r)
{
	struct offer_op *op = arg;
	struct pending_buf b;

	if (methods_reply_ok(op->p, r, "offer.close") == 0) {
		pending_buf_init(&b);
		msgpack_pack_map(&b.pk, 3);
		mp_pack_kv_str(&b.pk, "id", op->id);
		mp_pack_kv_str(&b.pk, "status", "closed");
		mp_pack_kv_str(&b.pk, "reason", op->reason);
		pending_buf_answer(&b, op->p);
	}
	offer_op_done(op);
}

void
method_offer_close(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct offer_entry *e;
	struct offer_op *op;

	if ((e = method_offer_param(env, p, params, "id")) == NULL)
		return;
	op = offer_op_new(env, p, e->offer.id);
	if (params_text(p, params, "reason", op->reason,
	    sizeof(op->reason)) == -1) {
		offer_op_done(op);
		return;
	}
	method_offer_close_entry(env, e, op->reason, pending_now(p),
	    pending_deadline(p), close_cb, op);
}

/*
 * offer.list: the offers of a sector (or all), open by default, newest
 * first, from the in-memory table (no Redis round trip).
 */
void
method_offer_list(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct offer_entry **v, *e;
	const msgpack_object *o;
	struct pending_buf b;
	uint32_t sectors, pos = 0, n = 0, i, counts[REFERRAL_COUNT];
	int count, want = 0, st;	/* 0 open, 1 closed, 2 all */

	if (params_set(p, params, "sectors", &vocab_sector, &sectors) == -1 ||
	    params_one(p, params, "sector", &vocab_sector, &sectors) == -1)
		return;
	if ((params_get(params, "sectors") != NULL ||
	    params_get(params, "sector") != NULL) &&
	    methods_sectors_ok(env, p, sectors, "sectors") == -1)
		return;
	sectors &= methods_sectors(env, p);
	if ((o = params_get(params, "status")) != NULL) {
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
	if (params_int(p, params, "count", 1, OFFER_LIST_MAX, 100,
	    &count) == -1)
		return;
	v = xreallocarray(NULL, env->offers->count + 1, sizeof(*v));
	while ((e = offer_table_next(env->offers, &pos)) != NULL)
		if ((sectors & (1u << e->offer.sector)) &&
		    (want == 2 || e->closed == want))
			v[n++] = e;
	qsort(v, n, sizeof(*v), method_offer_cmp_newest);
	if (n > (uint32_t)count)
		n = (uint32_t)count;
	pending_buf_init(&b);
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
	pending_buf_answer(&b, p);
}

/* ------------------------------------------------------------------ */
/* Duplicates (docs/DEDUP.md)                                         */

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

/* A pair both of whose offers, where known, are in the user's sectors. */
static int
pair_visible(struct matcherd *env, struct pending *p,
    const struct records_pair *pair)
{
	const char *ids[2] = { pair->offer, pair->other };
	const struct offer_entry *e;
	int i;

	for (i = 0; i < 2; i++) {
		if ((e = offer_table_get(env->offers, ids[i])) == NULL)
			e = offer_table_alias(env->offers, ids[i]);
		if (e != NULL &&
		    !(methods_sectors(env, p) & (1u << e->offer.sector)))
			return 0;
	}
	return 1;
}

static void
pairs_cb(void *arg, redisReply *r)
{
	struct offer_op *op = arg;
	struct pair_row *rows = NULL;
	struct records_pair pair;
	struct pending_buf b;
	msgpack_unpacked u;
	size_t i, n = 0;

	if (methods_reply_ok(op->p, r, "offer.duplicates") == -1)
		goto done;
	if (r->type != REDIS_REPLY_ARRAY) {
		pending_error(op->p, RPC_ERR_INTERNAL, NULL,
		    "unexpected reply for the duplicate pairs");
		goto done;
	}
	rows = xreallocarray(NULL, r->elements / 2 + 1, sizeof(*rows));
	msgpack_unpacked_init(&u);
	for (i = 0; i + 1 < r->elements; i += 2) {
		if (records_dup_pair_decode(r->element[i + 1], &u,
		    &pair) == -1) {
			log_warnx("duplicate pair %s: bad value, skipped",
			    r->element[i]->str);
			continue;
		}
		if (!pair_visible(op->env, op->p, &pair))
			continue;
		rows[n].v = r->element[i + 1];
		rows[n++].at = pair.at;
	}
	qsort(rows, n, sizeof(*rows), cmp_pair_newest);
	if (n > (size_t)op->count)
		n = (size_t)op->count;
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 1);
	mp_pack_str(&b.pk, "pairs");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < n; i++) {
		(void)records_dup_pair_decode(rows[i].v, &u, &pair);
		msgpack_pack_map(&b.pk, 6);
		mp_pack_kv_str(&b.pk, "offer", pair.offer);
		mp_pack_kv_str(&b.pk, "other", pair.other);
		mp_pack_str(&b.pk, "why");
		if (pair.why != NULL)
			mp_pack_strn(&b.pk, pair.why, pair.whylen);
		else
			msgpack_pack_nil(&b.pk);
		mp_pack_kv_int(&b.pk, "at", pair.at);
		mp_pack_kv_str(&b.pk, "offer_status",
		    offer_state(op->env->offers, pair.offer));
		mp_pack_kv_str(&b.pk, "other_status",
		    offer_state(op->env->offers, pair.other));
	}
	msgpack_unpacked_destroy(&u);
	pending_buf_answer(&b, op->p);
done:
	free(rows);
	offer_op_done(op);
}

void
method_offer_duplicates(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct offer_op *op;
	struct redis_cmd c;
	int count;

	if (params_int(p, params, "count", 1, DUP_PAIRS_MAX, 100,
	    &count) == -1)
		return;
	op = offer_op_new(env, p, "");
	op->count = count;
	records_dup_pairs_read(&c, store_prefix(env->store));
	store_send(env->store, &c, pending_deadline(p), pairs_cb, op);
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
	struct pending_buf b;

	if (methods_reply_ok(op->p, r, "offer.resolve") == -1)
		goto done;
	if (op->merge &&
	    (e = offer_table_get(op->env->offers, op->m.id)) != NULL &&
	    (into = offer_table_get(op->env->offers, op->other)) != NULL) {
		offer_table_set_closed(op->env->offers, e, 1);
		if (offer_table_merge(op->env->offers, into, &op->m) == -1)
			log_warnx("offer %s: %s lists %d duplicates already; "
			    "known, not listed", op->m.id, op->other,
			    OFFER_TABLE_MERGED_MAX);
		log_info("offer %s: merged into %s by an adviser", op->m.id,
		    op->other);
	}
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 3);
	mp_pack_kv_str(&b.pk, "offer", op->m.id);
	mp_pack_kv_str(&b.pk, "other", op->other);
	mp_pack_kv_str(&b.pk, "action", op->merge ? "merge" : "dismiss");
	pending_buf_answer(&b, op->p);
done:
	pending_release(op->p);
	free(op);
}

/* An offer that is known (or merged) is in one of the user's sectors. */
static int
known_sector_ok(struct matcherd *env, struct pending *p, const char *id,
    const char *field)
{
	const struct offer_entry *e;

	if ((e = offer_table_get(env->offers, id)) == NULL &&
	    (e = offer_table_alias(env->offers, id)) == NULL)
		return 0;
	return methods_sector_ok(env, p, e->offer.sector, field);
}

/* For a merge: both offers exist and are open; fills op->m. */
static int
resolve_check_merge(struct matcherd *env, struct pending *p,
    struct resolve_op *op, struct offer_entry **ep)
{
	struct offer_entry *e, *into = NULL;

	if ((e = offer_table_get(env->offers, op->m.id)) == NULL ||
	    (into = offer_table_get(env->offers, op->other)) == NULL) {
		pending_error(p, RPC_ERR_NOT_FOUND, e == NULL ? "offer" :
		    "other", "no offer %s", e == NULL ? op->m.id : op->other);
		return -1;
	}
	if (methods_sector_ok(env, p, e->offer.sector, "offer") == -1 ||
	    methods_sector_ok(env, p, into->offer.sector, "other") == -1)
		return -1;
	if (e->closed || into->closed) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, e->closed ?
		    "offer" : "other", "offer %s is closed", e->closed ?
		    op->m.id : op->other);
		return -1;
	}
	op->m.source = e->offer.source;
	snprintf(op->m.partner, sizeof(op->m.partner), "%s", e->offer.partner);
	op->m.at = pending_now(p);
	snprintf(op->m.why, sizeof(op->m.why), "fusionnée par un conseiller");
	*ep = e;
	return 0;
}

/*
 * offer.resolve {offer, other, action}: an adviser's word on a pair of
 * possible duplicates (docs/DEDUP.md).  "dismiss": two jobs; the pair
 * leaves the list.  "merge": the same job; offer is closed ("doublon de
 * OTHER") and merged into other, as if it had been found so.
 */
void
method_offer_resolve(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct offer_entry *e = NULL;
	struct resolve_op *op;
	const msgpack_object *a;
	struct redis_cmd c;
	char reason[CLOSE_REASON_MAX + 1];
	int merge;

	if ((a = params_get(params, "action")) != NULL &&
	    mp_str_eq(a, "merge"))
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
	if (params_id(p, params, "offer", op->m.id) == -1 ||
	    params_id(p, params, "other", op->other) == -1)
		goto fail;
	if (strcmp(op->m.id, op->other) == 0) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "other",
		    "an offer is not a duplicate of itself");
		goto fail;
	}
	if (merge && resolve_check_merge(env, p, op, &e) == -1)
		goto fail;
	if (!merge && (known_sector_ok(env, p, op->m.id, "offer") == -1 ||
	    known_sector_ok(env, p, op->other, "other") == -1))
		goto fail;
	pending_hold(p);
	store_begin(env->store);
	records_queue_dup_pair_delete(env->store, op->m.id, op->other);
	if (merge) {
		snprintf(reason, sizeof(reason), "doublon de %s", op->other);
		records_offer_close(&c, store_prefix(env->store), &e->offer,
		    reason, op->m.at);
		store_queue(env->store, &c);
		records_queue_dup_merged_put(env->store, op->other, &op->m);
	}
	store_commit(env->store, pending_deadline(p), resolve_cb, op);
	return;
fail:
	free(op);
}
