/*
 * The RGPD methods (method_rgpd.h).  The export reads the record and
 * identity with the person's referral histories in one transaction, then
 * the audit trail page by page, newest first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clause.h"
#include "dates.h"
#include "erase.h"
#include "followers.h"
#include "matcherd.h"
#include "method_candidate.h"
#include "method_rgpd.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "records.h"
#include "records_rgpd.h"
#include "referral.h"
#include "referral_view.h"
#include "retention.h"
#include "store.h"
#include "users.h"
#include "xmalloc.h"

/* Audit entries read per page, and exported at most. */
#define EXPORT_AUDIT_PAGE	10000
#define EXPORT_AUDIT_MAX	10000

static void
erase_answer(void *arg, const struct erase_result *r)
{
	struct pending *p = arg;
	struct pending_buf b;

	if (r->code != 0)
		pending_error(p, r->code, NULL, "%s", r->message);
	else {
		pending_buf_init(&b);
		msgpack_pack_map(&b.pk, 4);
		mp_pack_kv_bool(&b.pk, "erased", r->erased);
		mp_pack_kv_int(&b.pk, "referrals", r->referrals);
		mp_pack_kv_int(&b.pk, "results", r->results);
		mp_pack_kv_int(&b.pk, "clause_hires", r->hires);
		pending_buf_answer(&b, p);
	}
	pending_release(p);
}

/*
 * candidate.erase {id, reason}: administrators only.  Erasing a person
 * already erased (or never known) answers erased: false.
 */
void
method_rgpd_erase(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	char id[RECORD_ID_MAX + 1];
	uint32_t reason = 0;
	int r;

	if (params_id(p, params, "id", id) == -1 ||
	    params_one(p, params, "reason", &vocab_erase_reason,
	    &reason) == -1)
		return;
	if (reason == 0) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "reason", "reason "
		    "is required: request, objection, error or retention");
		return;
	}
	if (rgpd_is_anon(id)) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "id", "%s names "
		    "no person: it is the trace of an erasure", id);
		return;
	}
	for (r = 0; !(reason & (1u << r)); r++)
		;
	pending_hold(p);
	erase_start(env, id, (enum rgpd_reason)r, pending_session(p)->
	    authenticated ? pending_session(p)->user : "(no user)",
	    pending_session(p)->authenticated ?
	    users_role_name(pending_session(p)->role) : "", 0,
	    pending_now(p), erase_answer, p);
}

/* ---- candidate.export ---- */

struct export_op {
	struct matcherd		*env;
	struct pending		*p;
	char			 id[RECORD_ID_MAX + 1];
	/* The offers of the person's referrals, as at the start. */
	char			(*offers)[RECORD_ID_MAX + 1];
	uint32_t		 noffers;
	msgpack_sbuffer		 audit;		/* packed entries */
	msgpack_packer		 apk;
	uint32_t		 naudit;
	int			 truncated;
	char			 last[64];	/* stream id of the page's last */
};

static void
export_done(struct export_op *op)
{
	pending_release(op->p);
	msgpack_sbuffer_destroy(&op->audit);
	free(op->offers);
	free(op);
}

/* One history entry of the person (referral.h's two line shapes). */
static int
pack_history_entry(msgpack_packer *pk, const char *id, const redisReply *v,
    int dry)
{
	struct referral_hist h;

	if (v->type != REDIS_REPLY_STRING ||
	    referral_hist_parse(v->str, v->len, &h) == -1 ||
	    h.candidate_len != strlen(id) ||
	    memcmp(h.candidate, id, h.candidate_len) != 0)
		return 0;
	if (!dry)
		referral_view_pack_move(pk, &h);
	return 1;
}

static void
pack_referral(msgpack_packer *pk, const struct export_op *op,
    const struct offer_entry *e, const struct offer_ref *r,
    const redisReply *hist)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; hist->type == REDIS_REPLY_ARRAY && i < hist->elements; i++)
		n += (uint32_t)pack_history_entry(NULL, op->id,
		    hist->element[i], 1);
	msgpack_pack_map(pk, 7);
	mp_pack_kv_str(pk, "offer", e->offer.id);
	mp_pack_kv_str(pk, "title", e->offer.title);
	mp_pack_kv_str(pk, "employer", e->offer.employer[0] ?
	    e->offer.employer : NULL);
	mp_pack_kv_str(pk, "sector", vocab_name(&vocab_sector,
	    e->offer.sector));
	mp_pack_kv_str(pk, "status", referral_name(r->status));
	mp_pack_kv_int(pk, "updated_at", r->updated_at);
	mp_pack_str(pk, "history");
	msgpack_pack_array(pk, n);
	for (i = 0; hist->type == REDIS_REPLY_ARRAY && i < hist->elements; i++)
		pack_history_entry(pk, op->id, hist->element[i], 0);
}

static void
pack_hires(msgpack_packer *pk, const struct export_op *op)
{
	const struct clause_table *t = op->env->clauses;
	const struct clause_hire *h;
	uint32_t i, n = 0;

	for (i = 0; t != NULL && i < t->nhires; i++)
		n += strcmp(t->hires[i].candidate, op->id) == 0;
	msgpack_pack_array(pk, n);
	for (i = 0; t != NULL && i < t->nhires; i++) {
		if (strcmp((h = &t->hires[i])->candidate, op->id) != 0)
			continue;
		msgpack_pack_map(pk, 5);
		mp_pack_kv_str(pk, "operation", h->operation);
		mp_pack_kv_str(pk, "contractor", h->contractor[0] ?
		    h->contractor : NULL);
		mp_pack_kv_str(pk, "offer", h->offer);
		mp_pack_kv_int(pk, "hours", h->hours);
		mp_pack_kv_int(pk, "hired_at", h->hired_at);
	}
}

/* The whole document: the trail was read, r holds the records. */
static void
export_answer(struct export_op *op, const redisReply *r)
{
	const struct offer_entry *e;
	const struct offer_ref *ref;
	struct pending_buf b;
	msgpack_zone zone;
	msgpack_object obj;
	uint32_t i, n = 0;

	msgpack_zone_init(&zone, 4096);
	if (records_candidate_unpack(r->element[0], &zone, &obj) != 1) {
		pending_error(op->p, RPC_ERR_INTERNAL, NULL,
		    "stored record of %s is corrupt", op->id);
		msgpack_zone_destroy(&zone);
		return;
	}
	for (i = 0; i < op->noffers; i++)
		n += (e = offer_table_get(op->env->offers, op->offers[i])) !=
		    NULL && offer_table_ref_find(e, op->id) != NULL;
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 8);
	mp_pack_kv_str(&b.pk, "id", op->id);
	mp_pack_kv_int(&b.pk, "exported_at", pending_now(op->p));
	/* Who follows the person is held about them too. */
	followers_pack(&b.pk, op->env, op->id);
	mp_pack_str(&b.pk, "candidate");
	method_candidate_pack_identity(&b.pk, &obj, r->element[1], 0);
	mp_pack_str(&b.pk, "referrals");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < op->noffers; i++)
		if ((e = offer_table_get(op->env->offers, op->offers[i])) !=
		    NULL && (ref = offer_table_ref_find(e, op->id)) != NULL)
			pack_referral(&b.pk, op, e, ref, r->element[2 + i]);
	mp_pack_str(&b.pk, "clause_hires");
	pack_hires(&b.pk, op);
	mp_pack_str(&b.pk, "audit");
	msgpack_pack_array(&b.pk, op->naudit);
	msgpack_sbuffer_write(&b.sb, op->audit.data, op->audit.size);
	mp_pack_kv_bool(&b.pk, "audit_truncated", op->truncated);
	pending_buf_answer(&b, op->p);
	msgpack_zone_destroy(&zone);
}

static void export_audit_page(struct export_op *);
static void export_read_records(struct export_op *);

static void
export_audit_cb(void *arg, redisReply *r)
{
	static const char *const names[] = { "user", "role", "method",
	    "record", "reason" };
	struct export_op *op = arg;
	const redisReply *e, *v;
	size_t i, j;

	if (methods_reply_ok(op->p, r, "candidate.export") == -1 ||
	    r->type != REDIS_REPLY_ARRAY) {
		if (r != NULL && r->type != REDIS_REPLY_ARRAY)
			pending_error(op->p, RPC_ERR_INTERNAL, NULL,
			    "unexpected reply of Redis to XREVRANGE");
		export_done(op);
		return;
	}
	for (i = 0; i < r->elements; i++) {
		e = r->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		snprintf(op->last, sizeof(op->last), "%s", e->element[0]->str);
		if ((v = records_audit_field(e->element[1], "candidate")) ==
		    NULL || strcmp(v->str, op->id) != 0)
			continue;
		if (op->naudit == EXPORT_AUDIT_MAX) {
			op->truncated = 1;
			break;
		}
		op->naudit++;
		msgpack_pack_map(&op->apk, 6);
		v = records_audit_field(e->element[1], "at");
		mp_pack_kv_int(&op->apk, "at", v ? strtoll(v->str, NULL, 10) :
		    0);
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
			v = records_audit_field(e->element[1], names[j]);
			mp_pack_kv_str(&op->apk, names[j], v && v->len ?
			    v->str : NULL);
		}
	}
	if (!op->truncated && r->elements == EXPORT_AUDIT_PAGE)
		export_audit_page(op);
	else
		export_read_records(op);
}

static void
export_audit_page(struct export_op *op)
{
	struct redis_cmd c;

	records_audit_read(&c, store_prefix(op->env->store),
	    op->last[0] ? op->last : NULL, EXPORT_AUDIT_PAGE);
	store_send(op->env->store, &c, pending_deadline(op->p),
	    export_audit_cb, op);
}

static void
export_records_cb(void *arg, redisReply *r)
{
	struct export_op *op = arg;
	size_t i;

	if (methods_reply_ok(op->p, r, "EXEC") == -1)
		goto fail;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 + op->noffers) {
		pending_error(op->p, RPC_ERR_INTERNAL, NULL,
		    "unexpected reply of Redis to candidate.export");
		goto fail;
	}
	for (i = 0; i < r->elements; i++)
		if (methods_reply_ok(op->p, r->element[i],
		    "candidate.export") == -1)
			goto fail;
	if (r->element[0]->type == REDIS_REPLY_NIL) {
		pending_error(op->p, RPC_ERR_NOT_FOUND, "id",
		    "no candidate %s", op->id);
		goto fail;
	}
	export_answer(op, r);
fail:
	export_done(op);
}

/* The record, the identity and the histories, in one transaction. */
static void
export_read_records(struct export_op *op)
{
	const char *prefix = store_prefix(op->env->store);
	struct offer_entry *e;
	struct redis_cmd c;
	uint32_t i;

	store_begin(op->env->store);
	records_candidate_get(&c, prefix, op->id);
	store_queue(op->env->store, &c);
	records_ident_get(&c, prefix, op->id);
	store_queue(op->env->store, &c);
	for (i = 0; i < op->noffers; i++) {
		/* An offer gone since the start reads as an empty history. */
		e = offer_table_get(op->env->offers, op->offers[i]);
		records_rgpd_history_read(&c, prefix, e != NULL ?
		    e->offer.sector : 0, op->offers[i]);
		store_queue(op->env->store, &c);
	}
	store_commit(op->env->store, pending_deadline(op->p),
	    export_records_cb, op);
}

/*
 * candidate.export {id}: everything matcherd holds about one person, for
 * the right of access (article 15): the record with the identity, the
 * referrals with their histories, clause hires and the audit entries.
 */
void
method_rgpd_export(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct offer_entry *e;
	struct export_op *op;
	uint32_t pos = 0, cap = 0;

	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	msgpack_sbuffer_init(&op->audit);
	msgpack_packer_init(&op->apk, &op->audit, msgpack_sbuffer_write);
	pending_hold(p);
	if (params_id(p, params, "id", op->id) == -1 ||
	    method_candidate_visible(env, p, op->id) == -1) {
		export_done(op);
		return;
	}
	while ((e = offer_table_next(env->offers, &pos)) != NULL) {
		if (offer_table_ref_find(e, op->id) == NULL)
			continue;
		if (op->noffers == cap) {
			cap = cap ? cap * 2 : 8;
			op->offers = xreallocarray(op->offers, cap,
			    sizeof(*op->offers));
		}
		snprintf(op->offers[op->noffers++], RECORD_ID_MAX + 1, "%s",
		    e->offer.id);
	}
	export_audit_page(op);
}

/* ---- rgpd.sweep ---- */

static void
sweep_answer(void *arg, const struct retention_report *rep)
{
	struct pending *p = arg;
	struct pending_buf b;
	char day[11];
	uint32_t i;

	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, rep->ids != NULL ? 8 : 7);
	date_format(rep->today, day);
	mp_pack_kv_str(&b.pk, "today", day);
	mp_pack_kv_int(&b.pk, "retention_days", rep->days);
	mp_pack_kv_int(&b.pk, "checked", rep->checked);
	mp_pack_kv_int(&b.pk, "due", rep->due);
	mp_pack_kv_int(&b.pk, "erased", rep->erased);
	mp_pack_kv_int(&b.pk, "failed", rep->failed);
	mp_pack_kv_bool(&b.pk, "dry_run", rep->ids != NULL);
	if (rep->ids != NULL) {
		mp_pack_str(&b.pk, "ids");
		msgpack_pack_array(&b.pk, rep->nids);
		for (i = 0; i < rep->nids; i++)
			mp_pack_str(&b.pk, rep->ids[i]);
	}
	pending_buf_answer(&b, p);
	pending_release(p);
}

/*
 * rgpd.sweep {today…, dry_run…}: the retention sweep now, as on today
 * (default: today); dry_run lists who would be erased.
 */
void
method_rgpd_sweep(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	int32_t today = date_of_time(pending_now(p));
	int dry = 0;

	if (params_sweep(p, params, &today, &dry) == -1)
		return;
	pending_hold(p);
	if (retention_sweep(env, today, pending_now(p), dry, sweep_answer,
	    p) == -1) {
		pending_error(p, RPC_ERR_CONFLICT, NULL,
		    "a retention sweep is already running");
		pending_release(p);
	}
}
