/*
 * Candidate methods.  A write is acknowledged by Redis before the index
 * changes: Redis is the source of truth, the index follows it.
 *
 * The person's identity (identity.h) lives in its own hash beside the
 * record (records.h): written with it in one transaction, read with it,
 * deleted with it, and never logged or put in the index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "log.h"
#include "matcherd.h"
#include "method_candidate.h"
#include "followers.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "pool_params.h"
#include "poolfilter.h"
#include "proto.h"
#include "pseudo.h"
#include "records.h"
#include "referral.h"
#include "referral_view.h"
#include "rgpd.h"
#include "store.h"
#include "users.h"
#include "xmalloc.h"

/* Default page of candidate.list. */
#define LIST_COUNT_DEFAULT 50
/* Past a million people an offset is a mistake, not a page number. */
#define LIST_OFFSET_MAX 1000000

struct cand_op {
	struct matcherd		*env;
	struct pending		*p;
	struct candidate	 cand;
	struct identity		 ident;		/* put: what the map named */
	int			 has_ident;	/* put: it named any of it */
	char			 id[RECORD_ID_MAX + 1];
	uint32_t		 next;		/* list: INDEX_NONE at the end */
	size_t			 listed;	/* list: candidates read */
	uint32_t		 total;		/* list: matches in all */
	uint32_t		 before;	/* list: matches before the page */
	size_t			 nfollow;	/* delete: HDELs of follows */
};

int
method_candidate_visible(struct matcherd *env, struct pending *p, const char *id)
{
	uint32_t slot = index_find(env->idx, id);

	if (slot == INDEX_NONE ||
	    (env->idx->recs[slot].k.sectors & methods_sectors(env, p)))
		return 0;
	pending_error(p, RPC_ERR_FORBIDDEN, "id", "candidate %s is in no "
	    "sector open to %s", id, pending_session(p)->user);
	return -1;
}

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

/*
 * The replies of a transaction of n commands, or NULL after answering the
 * error: the transaction's, or that of a command Redis refused.
 */
static const redisReply *
exec_replies(struct pending *p, const redisReply *r, size_t n,
    const char *what)
{
	/* "EXEC" checks every command's reply too (store_reply_check). */
	if (methods_reply_ok(p, r, "EXEC") == -1)
		return NULL;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != n) {
		pending_error(p, RPC_ERR_INTERNAL, NULL,
		    "unexpected reply of Redis to %s", what);
		return NULL;
	}
	return r;
}

void
method_candidate_pack_identity(msgpack_packer *pk, const msgpack_object *obj,
    const redisReply *ir, uint32_t extra)
{
	char why[RECORDS_WHY_MAX], id[RECORD_ID_MAX + 1];
	const msgpack_object *o;
	struct identity ident;
	uint32_t i;

	if (records_ident_decode(ir, &ident, why) == -1) {
		if ((o = mp_map_get(obj, "id")) == NULL ||
		    mp_copy_str(o, id, sizeof(id)) == -1)
			snprintf(id, sizeof(id), "?");
		log_warnx("candidate %s: stored identity refused: %s", id, why);
	}
	msgpack_pack_map(pk, obj->via.map.size +
	    (uint32_t)identity_count(&ident) + extra);
	for (i = 0; i < obj->via.map.size; i++) {
		msgpack_pack_object(pk, obj->via.map.ptr[i].key);
		msgpack_pack_object(pk, obj->via.map.ptr[i].val);
	}
	identity_pack_fields(&ident, pk);
}

/* {id, key: value}, the answer of put and delete. */
static void
answer_id_bool(struct pending *p, const char *id, const char *key, int v)
{
	struct pending_buf b;

	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 2);
	mp_pack_kv_str(&b.pk, "id", id);
	mp_pack_kv_bool(&b.pk, key, v);
	pending_buf_answer(&b, p);
}

static void
put_cb(void *arg, redisReply *r)
{
	struct cand_op *op = arg;
	const redisReply *hset = r;
	int created, isnew;

	if (op->has_ident) {
		if (exec_replies(op->p, r, 2, "candidate.put") == NULL)
			goto done;
		hset = r->element[0];
	} else if (methods_reply_ok(op->p, r, "candidate.put") == -1)
		goto done;
	if (index_put(op->env->idx, &op->cand, &created) == INDEX_NONE)
		log_warnx("candidate %s: stored but not indexed: "
		    "skill table full", op->cand.id);
	/* HSET says whether the field is new: true across daemons. */
	isnew = records_candidate_created(hset);
	answer_id_bool(op->p, op->cand.id, "created",
	    isnew >= 0 ? isnew : created);
done:
	cand_op_done(op);
}

void
method_candidate_put(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const msgpack_object *rec;
	struct field_error err;
	struct cand_op *op;
	struct redis_cmd c;
	int wrapped;

	if ((rec = params_record(params, "candidate", &wrapped)) == NULL) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "candidate.put needs a candidate map");
		return;
	}
	op = cand_op_new(env, p);
	/* Messages name the field, never an identity's value. */
	if ((op->has_ident = candidate_decode_with_identity(rec, env->ref,
	    &op->cand, &op->ident, &err)) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, err.field, "%s",
		    err.message);
		cand_op_done(op);
		return;
	}
	if (rgpd_is_anon(op->cand.id)) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "id", "ids starting "
		    "with %s name the traces of erased people", RGPD_ANON_PREFIX);
		cand_op_done(op);
		return;
	}
	/* The retention clock (docs/RGPD.md) restarts at every put. */
	op->cand.updated_on = date_of_time(pending_now(p));
	/* The user's sectors hold the record, before and after. */
	if (methods_sectors_ok(env, p, op->cand.sectors, "sectors") == -1 ||
	    method_candidate_visible(env, p, op->cand.id) == -1) {
		cand_op_done(op);
		return;
	}
	if (env->idx->nskills + op->cand.nskills > INDEX_MAX_SKILLS) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "skills",
		    "too many distinct skill tags in the candidathèques");
		cand_op_done(op);
		return;
	}
	records_candidate_put(&c, store_prefix(env->store), &op->cand);
	/* No identity named: the stored one, if any, is left as it is. */
	if (!op->has_ident) {
		store_send(env->store, &c, pending_deadline(p), put_cb, op);
		return;
	}
	/* The record and its identity together, in one slot. */
	store_begin(env->store);
	store_queue(env->store, &c);
	records_ident_put(&c, store_prefix(env->store), op->cand.id,
	    &op->ident);
	store_queue(env->store, &c);
	store_commit(env->store, pending_deadline(p), put_cb, op);
}

/*
 * Answer with the stored canonical map, the identity, and the fields only
 * the daemon knows (open_referrals).
 */
static void
get_cb(void *arg, redisReply *r)
{
	struct cand_op *op = arg;
	struct pending_buf b;
	msgpack_zone zone;
	msgpack_object obj;
	uint32_t slot;
	int found;

	if (exec_replies(op->p, r, 2, "candidate.get") == NULL)
		goto done;
	msgpack_zone_init(&zone, 4096);
	if ((found = records_candidate_unpack(r->element[0], &zone,
	    &obj)) == 0) {
		pending_error(op->p, RPC_ERR_NOT_FOUND, "id",
		    "no candidate %s", op->id);
	} else if (found == -1) {
		log_warnx("candidate %s: stored record is not a msgpack map",
		    op->id);
		pending_error(op->p, RPC_ERR_INTERNAL, NULL,
		    "stored record of %s is corrupt", op->id);
	} else {
		pending_buf_init(&b);
		method_candidate_pack_identity(&b.pk, &obj, r->element[1], 2);
		slot = index_find(op->env->idx, op->id);
		mp_pack_kv_int(&b.pk, "open_referrals", slot == INDEX_NONE ?
		    0 : op->env->idx->recs[slot].open_referrals);
		followers_pack(&b.pk, op->env, op->id);
		pending_buf_answer(&b, op->p);
	}
	msgpack_zone_destroy(&zone);
done:
	cand_op_done(op);
}

static void
delete_cb(void *arg, redisReply *r)
{
	struct cand_op *op = arg;

	if (exec_replies(op->p, r, 2 + op->nfollow, "candidate.delete") !=
	    NULL) {
		/* The record's HDEL says whether there was a candidate. */
		if (records_count(r->element[0]) <= 0) {
			pending_error(op->p, RPC_ERR_NOT_FOUND, "id",
			    "no candidate %s", op->id);
		} else {
			index_delete(op->env->idx, op->id);
			followers_drop(op->env, op->id);
			answer_id_bool(op->p, op->id, "deleted", 1);
		}
	}
	cand_op_done(op);
}

typedef void id_fill(struct redis_cmd *, const char *, const char *);

/*
 * candidate.get and candidate.delete: a transaction of the record's
 * command and the identity's on the id, and for a delete the person's
 * follows (followers.h), all in the person's slot.
 */
static void
by_id(struct matcherd *env, struct pending *p, const msgpack_object *params,
    id_fill *fill, id_fill *fill_ident, int forget, store_cb *cb)
{
	struct cand_op *op;
	struct redis_cmd c;

	op = cand_op_new(env, p);
	if (params_id(p, params, "id", op->id) == -1 ||
	    method_candidate_visible(env, p, op->id) == -1) {
		cand_op_done(op);
		return;
	}
	store_begin(env->store);
	fill(&c, store_prefix(env->store), op->id);
	store_queue(env->store, &c);
	fill_ident(&c, store_prefix(env->store), op->id);
	store_queue(env->store, &c);
	if (forget)
		op->nfollow = followers_queue_forget(env, op->id);
	store_commit(env->store, pending_deadline(p), cb, op);
}

void
method_candidate_get(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	by_id(env, p, params, records_candidate_get, records_ident_get, 0,
	    get_cb);
}

void
method_candidate_delete(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	by_id(env, p, params, records_candidate_delete, records_ident_delete, 1,
	    delete_cb);
}

static void
list_cb(void *arg, redisReply *r)
{
	struct cand_op *op = arg;
	struct pending_buf b;
	msgpack_zone zone;
	msgpack_object obj;
	char cursor[16];
	size_t i, n = 0;

	if (methods_reply_ok(op->p, r, "EXEC") == -1)
		goto done;
	/* Three replies a candidate: its record, its identity, its audit. */
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 * op->listed) {
		pending_error(op->p, RPC_ERR_INTERNAL, NULL,
		    "unexpected reply of Redis to candidate.list");
		goto done;
	}
	for (i = 0; i < 2 * op->listed; i += 2)
		n += r->element[i]->type == REDIS_REPLY_STRING;
	msgpack_zone_init(&zone, 4096);
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 4);
	mp_pack_str(&b.pk, "candidates");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < 2 * op->listed; i += 2) {
		if (r->element[i]->type != REDIS_REPLY_STRING)
			continue;
		if (records_candidate_unpack(r->element[i], &zone, &obj) == 1)
			method_candidate_pack_identity(&b.pk, &obj, r->element[i + 1],
			    0);
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
	mp_pack_kv_int(&b.pk, "total", op->total);
	mp_pack_kv_int(&b.pk, "offset", op->before);
	msgpack_zone_destroy(&zone);
	pending_buf_answer(&b, op->p);
done:
	cand_op_done(op);
}

/* The cursor (a slot) and the offset: one way of paging at a time. */
static int
list_position(struct pending *p, const msgpack_object *params,
    uint32_t *cursor, int *offset)
{
	char cbuf[16], *end;
	unsigned long v;

	*cursor = 0;
	if (params_text(p, params, "cursor", cbuf, sizeof(cbuf)) == -1 ||
	    params_int(p, params, "offset", 0, LIST_OFFSET_MAX, 0,
	    offset) == -1)
		return -1;
	if (cbuf[0] == '\0')
		return 0;
	v = strtoul(cbuf, &end, 10);
	if (*end != '\0' || v > UINT32_MAX - 1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "cursor",
		    "cursor must be a value returned by candidate.list");
		return -1;
	}
	if (*offset != 0) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "offset",
		    "offset and cursor do not go together");
		return -1;
	}
	*cursor = (uint32_t)v;
	return 0;
}

/*
 * candidate.list: the filters select among the user's sectors, one pass
 * counts them all and picks the page (poolfilter.h); only the page is
 * read from Redis, and only its people get an audit entry.
 */
void
method_candidate_list(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct pool_filter f;
	struct cand_op *op;
	struct redis_cmd c;
	uint32_t sectors = 0, cursor, slots[PROTO_LIMIT_MAX], n, i;
	const char *id;
	int count, offset;

	if (params_one(p, params, "sector", &vocab_sector, &sectors) == -1 ||
	    list_position(p, params, &cursor, &offset) == -1 ||
	    params_int(p, params, "count", 1, PROTO_LIMIT_MAX,
	    LIST_COUNT_DEFAULT, &count) == -1 ||
	    pool_params_decode(env, p, params, &f) == -1)
		return;
	/* A sector asked for must be the user's; none: all of the user's. */
	if (sectors != 0 && methods_sectors_ok(env, p, sectors,
	    "sector") == -1)
		return;
	if (sectors == 0 && methods_sectors(env, p) != UINT32_MAX)
		sectors = methods_sectors(env, p);
	f.sectors = sectors;
	op = cand_op_new(env, p);
	n = poolfilter_page(env->idx, &f, date_of_time(pending_now(p)), cursor,
	    (uint32_t)offset, (uint32_t)count, slots, &op->total, &op->before,
	    &op->next);
	op->listed = n;
	store_begin(env->store);
	for (i = 0; i < n; i++) {
		id = env->idx->recs[slots[i]].id;
		records_candidate_get(&c, store_prefix(env->store), id);
		store_queue(env->store, &c);
		records_ident_get(&c, store_prefix(env->store), id);
		store_queue(env->store, &c);
	}
	/*
	 * The identities are read: each person's trail says so, in the same
	 * transaction (the page's « Consultations » lists it).
	 */
	for (i = 0; i < n; i++) {
		id = env->idx->recs[slots[i]].id;
		records_audit_add(&c, store_prefix(env->store), pending_now(p),
		    pending_session(p)->authenticated ? pending_session(p)->user :
		    "", pending_session(p)->authenticated ?
		    users_role_name(pending_session(p)->role) : "",
		    "candidate.list", id, id, NULL);
		store_queue(env->store, &c);
	}
	store_commit(env->store, pending_deadline(p), list_cb, op);
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
void
method_candidate_referrals(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct cand_referral *v = NULL;
	struct offer_hired *hired;
	const struct offer_ref *r;
	struct offer_entry *e;
	struct pending_buf b;
	char id[RECORD_ID_MAX + 1];
	uint32_t pos = 0, n = 0, cap = 0, i;
	size_t nhired;

	if (params_id(p, params, "id", id) == -1)
		return;
	if (index_find(env->idx, id) == INDEX_NONE) {
		pending_error(p, RPC_ERR_NOT_FOUND, "id", "no candidate %s", id);
		return;
	}
	if (method_candidate_visible(env, p, id) == -1)
		return;
	while ((e = offer_table_next(env->offers, &pos)) != NULL) {
		if (!(methods_sectors(env, p) & (1u << e->offer.sector)) ||
		    (r = offer_table_ref_find(e, id)) == NULL)
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
	nhired = offer_table_hired(env->offers, &hired);
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 2);
	mp_pack_kv_str(&b.pk, "candidate", id);
	mp_pack_str(&b.pk, "referrals");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < n; i++) {
		msgpack_pack_map(&b.pk, 8 + REFERRAL_VIEW_FOLLOWUP_FIELDS);
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
		referral_view_pack_followup(env, &b.pk, v[i].r->status,
		    v[i].r->updated_at, date_of_time(pending_now(p)),
		    offer_table_hired_elsewhere(hired, nhired, id,
		    v[i].e->offer.id));
	}
	free(hired);
	free(v);
	pending_buf_answer(&b, p);
}

/*
 * candidate.resolve {partner, ref}: the candidate a partner's reference
 * names (pseudo.h), for an adviser of one of its sectors.  References
 * are not stored: the consenting candidates of the adviser's sectors are
 * walked, an adviser's action, not a hot path.
 */
void
method_candidate_resolve(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	unsigned char key[PSEUDO_KEY_LEN];
	char partner[USER_NAME_MAX + 1], ref[PSEUDO_REF_LEN + 1];
	char want[PSEUDO_REF_LEN + 2];
	struct pending_buf b;
	const struct cand_rec *c;
	uint32_t slot, mine = methods_sectors(env, p);

	if (params_text(p, params, "partner", partner, sizeof(partner)) == -1 ||
	    params_text(p, params, "ref", want, sizeof(want)) == -1)
		return;
	if (partner[0] == '\0' || strlen(want) != PSEUDO_REF_LEN) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, partner[0] == '\0' ?
		    "partner" : "ref", partner[0] == '\0' ? "partner is "
		    "required" : "ref must be a partner's reference (p- and 32 "
		    "hex digits)");
		return;
	}
	pseudo_partner_key(env->pseudonym_secret, partner, key);
	for (slot = index_next(env->idx, 0, 0); slot != INDEX_NONE;
	    slot = index_next(env->idx, slot + 1, 0)) {
		c = &env->idx->recs[slot];
		if (!(c->k.flags & CAND_F_CONSENT) || !(c->k.sectors & mine))
			continue;
		pseudo_ref(key, c->id, ref);
		if (strcmp(ref, want) != 0)
			continue;
		log_info("candidate.resolve: %s resolved a reference of %s",
		    pending_session(p)->authenticated ?
		    pending_session(p)->user : "(no user)", partner);
		pending_buf_init(&b);
		msgpack_pack_map(&b.pk, 1);
		mp_pack_kv_str(&b.pk, "id", c->id);
		pending_buf_answer(&b, p);
		return;
	}
	pending_error(p, RPC_ERR_NOT_FOUND, "ref", "no candidate of your "
	    "sectors has this reference for %s", partner);
}
