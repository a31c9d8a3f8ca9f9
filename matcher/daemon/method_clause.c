/*
 * Clause operation methods (docs/CLAUSE.md): operations are written to
 * Redis; the report and the lists come from memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clause.h"
#include "dates.h"
#include "matcherd.h"
#include "method_clause.h"
#include "method_offer.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "records.h"
#include "store.h"
#include "xmalloc.h"

struct clause_put_op {
	struct matcherd		*env;
	struct pending		*p;
	struct clause_op	 rec;
};

static void
clause_put_cb(void *arg, redisReply *r)
{
	struct clause_put_op *op = arg;
	struct pending_buf b;
	int created;

	if (methods_reply_ok(op->p, r, "clause.put") == 0) {
		created = clause_op_put(op->env->clauses, &op->rec);
		pending_buf_init(&b);
		msgpack_pack_map(&b.pk, 2);
		mp_pack_kv_str(&b.pk, "id", op->rec.id);
		mp_pack_kv_bool(&b.pk, "created",
		    records_count(r) >= 0 ? records_count(r) == 1 : created);
		pending_buf_answer(&b, op->p);
	}
	pending_release(op->p);
	free(op);
}

/*
 * clause.put: an operation map, or {operation: map}.  Replacing an
 * operation keeps its hires; it may not drop a contractor that hires or
 * offers name (clause_check_put()).
 */
void
method_clause_put(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const msgpack_object *rec;
	struct clause_put_op *op;
	struct field_error err;
	struct redis_cmd c;
	int wrapped;

	if ((rec = params_record(params, "operation", &wrapped)) == NULL) {
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
	records_clause_op_put(&c, store_prefix(env->store), &op->rec);
	store_send(env->store, &c, pending_deadline(p), clause_put_cb, op);
}

/* The operation named by params.key, or NULL after answering not_found. */
static const struct clause_op *
param_operation(struct matcherd *env, struct pending *p,
    const msgpack_object *params, const char *key)
{
	const struct clause_op *cop;
	char id[RECORD_ID_MAX + 1];

	if (params_id(p, params, key, id) == -1)
		return NULL;
	if ((cop = clause_op_find(env->clauses, id)) == NULL)
		pending_error(p, RPC_ERR_NOT_FOUND, key, "no operation %s", id);
	return cop;
}

/*
 * clause.get {id}: the canonical operation, plus the offers that name
 * it (newest first, at most CLAUSE_LIST_MAX), from memory.
 */
void
method_clause_get(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const struct clause_op *cop;
	struct offer_entry **v, *e;
	struct pending_buf b;
	uint32_t pos = 0, n = 0, i;

	if ((cop = param_operation(env, p, params, "id")) == NULL)
		return;
	v = xreallocarray(NULL, env->offers->count + 1, sizeof(*v));
	while ((e = offer_table_next(env->offers, &pos)) != NULL)
		if (e->offer.has_clause &&
		    strcmp(e->offer.clause.operation, cop->id) == 0)
			v[n++] = e;
	qsort(v, n, sizeof(*v), method_offer_cmp_newest);
	if (n > CLAUSE_LIST_MAX)
		n = CLAUSE_LIST_MAX;
	pending_buf_init(&b);
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
	pending_buf_answer(&b, p);
}

/* clause.list {count…}: the operations, newest start first. */
void
method_clause_list(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const struct clause_op **v;
	struct pending_buf b;
	uint32_t n, i;
	int count;

	if (params_int(p, params, "count", 1, CLAUSE_LIST_MAX,
	    CLAUSE_LIST_DEFAULT, &count) == -1)
		return;
	v = clause_ops_sorted(env->clauses, &n);
	if (n > (uint32_t)count)
		n = (uint32_t)count;
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 1);
	mp_pack_str(&b.pk, "operations");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < n; i++)
		clause_op_pack(v[i], &b.pk);
	free((void *)v);
	pending_buf_answer(&b, p);
}

/*
 * clause.report {operation…, contractor…, behind…, count…}: per
 * operation and contractor, hours committed, realised and expected to
 * date, people hired and their criteria; from memory.
 */
void
method_clause_report(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	char opid[RECORD_ID_MAX + 1], cid[RECORD_ID_MAX + 1];
	struct clause_filter flt;
	struct clause_report *rep;
	struct pending_buf b;

	memset(&flt, 0, sizeof(flt));
	if (params_opt_id(p, params, "operation", opid) == -1 ||
	    params_opt_id(p, params, "contractor", cid) == -1 ||
	    params_int(p, params, "count", 1, CLAUSE_LIST_MAX,
	    CLAUSE_LIST_DEFAULT, &flt.count) == -1)
		return;
	if (params_bool(p, params, "behind", &flt.behind_only) == -1)
		return;
	if (opid[0] != '\0' && clause_op_find(env->clauses, opid) == NULL) {
		pending_error(p, RPC_ERR_NOT_FOUND, "operation",
		    "no operation %s", opid);
		return;
	}
	flt.operation = opid[0] != '\0' ? opid : NULL;
	flt.contractor = cid[0] != '\0' ? cid : NULL;
	rep = clause_report_new(env->clauses, &flt,
	    date_of_time(pending_now(p)));
	pending_buf_init(&b);
	clause_report_pack(rep, &b.pk);
	clause_report_free(rep);
	pending_buf_answer(&b, p);
}
