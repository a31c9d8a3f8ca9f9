/*
 * auth, ping, stats and subscribe: who the client is, and the daemon's
 * own state, from memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clause.h"
#include "log.h"
#include "domain.h"
#include "matcherd.h"
#include "method_admin.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "proto.h"
#include "records.h"
#include "referral.h"
#include "store.h"
#include "users.h"
#include "view.h"
#include "xmalloc.h"

static void pack_names(msgpack_packer *, const struct vocab *, uint32_t);

/*
 * auth {token}: the user of the users file whose token this is.  A wrong
 * token also ends the session the connection had: a client that sends
 * one is not to go on as someone.
 */
void
method_admin_auth(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const msgpack_object *o;
	const struct user *u = NULL;
	struct pending_buf b;
	const char *tok;
	size_t len;

	if ((o = params_get(params, "token")) == NULL ||
	    mp_get_str(o, &tok, &len) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "token",
		    "token must be a string");
		return;
	}
	if (env->users != NULL)
		u = users_authenticate(env->users, tok, len);
	if (u == NULL) {
		pending_logout(p);
		log_info("auth: a token that names no user");
		pending_error(p, RPC_ERR_UNAUTHENTICATED, "token",
		    "no user has this token");
		return;
	}
	pending_login(p, u);
	log_debug("auth: %s (%s)", u->name, users_role_name(u->role));
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 3);
	mp_pack_kv_str(&b.pk, "user", u->name);
	mp_pack_kv_str(&b.pk, "role", users_role_name(u->role));
	mp_pack_str(&b.pk, "sectors");
	pack_names(&b.pk, &vocab_sector, u->sectors);
	pending_buf_answer(&b, p);
}

void
method_admin_ping(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct pending_buf b;

	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 3);
	mp_pack_kv_bool(&b.pk, "pong", 1);
	mp_pack_kv_int(&b.pk, "version", PROTO_VERSION);
	mp_pack_kv_int(&b.pk, "time", pending_now(p));
	pending_buf_answer(&b, p);
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

void
method_admin_stats(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct store_counters sc;
	struct pending_buf b;
	int i;

	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 18);
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
	mp_pack_str(&b.pk, "referral_sweep");
	msgpack_pack_map(&b.pk, 3);
	mp_pack_kv_int(&b.pk, "sweeps", env->stats.referral_sweeps);
	mp_pack_kv_int(&b.pk, "last", env->stats.referral_sweep_last);
	mp_pack_kv_int(&b.pk, "expired", env->stats.referrals_expired);
	mp_pack_kv_int(&b.pk, "offers_scored", env->stats.offers_scored);
	mp_pack_kv_int(&b.pk, "suggestions", env->stats.suggestions);
	mp_pack_kv_double(&b.pk, "scoring_mean_us",
	    env->stats.offers_scored ?
	    env->stats.score_us_total / env->stats.offers_scored : 0);
	mp_pack_kv_int(&b.pk, "clients", env->stats.clients);
	mp_pack_kv_int(&b.pk, "subscribers", env->stats.subscribers);
	mp_pack_kv_int(&b.pk, "uptime_s", pending_now(p) - env->started);
	mp_pack_kv_int(&b.pk, "requests", env->stats.requests);
	mp_pack_str(&b.pk, "errors");
	msgpack_pack_map(&b.pk, RPC_ERR_COUNT);
	for (i = 0; i < RPC_ERR_COUNT; i++)
		mp_pack_kv_int(&b.pk, rpc_errcode_name(i),
		    env->stats.errors[i]);
	store_counters(env->store, &sc);
	mp_pack_str(&b.pk, "redis");
	msgpack_pack_map(&b.pk, 8);
	mp_pack_kv_bool(&b.pk, "connected", store_connected(env->store));
	mp_pack_kv_int(&b.pk, "commands", store_commands(env->store));
	mp_pack_kv_double(&b.pk, "mean_latency_us",
	    store_mean_latency_us(env->store));
	mp_pack_kv_int(&b.pk, "waiting", (int64_t)sc.waiting);
	mp_pack_kv_int(&b.pk, "waiting_bytes", (int64_t)sc.waiting_bytes);
	mp_pack_kv_int(&b.pk, "timed_out", (int64_t)sc.expired);
	mp_pack_kv_int(&b.pk, "late_writes", (int64_t)sc.late_writes);
	mp_pack_kv_int(&b.pk, "refused", (int64_t)sc.refused);
	pending_buf_answer(&b, p);
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

void
method_admin_subscribe(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct pending_buf b;
	struct view v;
	uint32_t sectors, sources;

	if (params_set(p, params, "sectors", &vocab_sector, &sectors) == -1 ||
	    params_set(p, params, "sources", &vocab_source, &sources) == -1)
		return;
	/* Named sectors must be the user's; "all" means all of the user's. */
	if (params_get(params, "sectors") != NULL &&
	    methods_sectors_ok(env, p, sectors, "sectors") == -1)
		return;
	sectors &= methods_sectors(env, p);
	view_of(env, p, &v);
	if (pending_subscribe(p, sectors, sources, &v) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "this transport cannot receive pushed suggestions");
		return;
	}
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 2);
	mp_pack_str(&b.pk, "sectors");
	pack_names(&b.pk, &vocab_sector, sectors);
	mp_pack_str(&b.pk, "sources");
	pack_names(&b.pk, &vocab_source, sources);
	pending_buf_answer(&b, p);
}

/* Entries audit.list reads, newest first, before its filters. */
#define AUDIT_SCAN	10000
#define AUDIT_LIST_MAX	500

struct audit_op {
	struct matcherd	*env;
	struct pending	*p;
	char		 user[USER_NAME_MAX + 1];
	char		 candidate[RECORD_ID_MAX + 1];
	int64_t		 since;
	int		 count;
};

static int
entry_matches(const struct audit_op *op, const redisReply *f)
{
	const redisReply *v;

	if (op->user[0] && ((v = records_audit_field(f, "user")) == NULL ||
	    strcmp(v->str, op->user) != 0))
		return 0;
	if (op->candidate[0] && ((v = records_audit_field(f, "candidate")) == NULL ||
	    strcmp(v->str, op->candidate) != 0))
		return 0;
	if (op->since && ((v = records_audit_field(f, "at")) == NULL ||
	    strtoll(v->str, NULL, 10) < op->since))
		return 0;
	return 1;
}

static void
audit_cb(void *arg, redisReply *r)
{
	static const char *const names[] = { "user", "role", "method",
	    "record", "candidate", "reason" };
	struct audit_op *op = arg;
	const redisReply *e, *v;
	struct pending_buf b;
	size_t i, k, n = 0;

	if (methods_reply_ok(op->p, r, "audit.list") == -1)
		goto done;
	for (i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++)
		if ((e = r->element[i])->type == REDIS_REPLY_ARRAY &&
		    e->elements == 2 && entry_matches(op, e->element[1]) &&
		    (int)n < op->count)
			n++;
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 1);
	mp_pack_str(&b.pk, "entries");
	msgpack_pack_array(&b.pk, n);
	for (i = 0, k = 0; k < n && i < r->elements; i++) {
		e = r->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
		    !entry_matches(op, e->element[1]))
			continue;
		k++;
		msgpack_pack_map(&b.pk, 7);
		v = records_audit_field(e->element[1], "at");
		mp_pack_kv_int(&b.pk, "at", v ? strtoll(v->str, NULL, 10) : 0);
		for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
			v = records_audit_field(e->element[1], names[j]);
			mp_pack_kv_str(&b.pk, names[j], v && v->len ? v->str :
			    NULL);
		}
	}
	pending_buf_answer(&b, op->p);
done:
	pending_release(op->p);
	free(op);
}

/*
 * audit.list {candidate…, user…, since…, count…}: the audit trail, newest
 * first.  Administrators read all of it; an adviser reads who touched one
 * candidate of their sectors (the page's "who looked at this record").
 */
void
method_admin_audit_list(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct audit_op *op;
	struct redis_cmd c;
	uint32_t slot;
	int since;

	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	if (params_text(p, params, "user", op->user, sizeof(op->user)) == -1 ||
	    params_opt_id(p, params, "candidate", op->candidate) == -1 ||
	    params_int(p, params, "since", 0, INT32_MAX, 0, &since) == -1 ||
	    params_int(p, params, "count", 1, AUDIT_LIST_MAX, 100,
	    &op->count) == -1)
		goto fail;
	op->since = since;
	if (methods_role(env, p) != USER_ADMIN) {
		if (op->candidate[0] == '\0') {
			pending_error(p, RPC_ERR_FORBIDDEN, "candidate",
			    "an adviser reads the trail of one candidate");
			goto fail;
		}
		slot = index_find(env->idx, op->candidate);
		if (slot == INDEX_NONE || !(env->idx->recs[slot].k.sectors &
		    methods_sectors(env, p))) {
			pending_error(p, RPC_ERR_FORBIDDEN, "candidate",
			    "candidate %s is in no sector open to %s",
			    op->candidate, pending_session(p)->user);
			goto fail;
		}
	}
	pending_hold(p);
	records_audit_read(&c, store_prefix(env->store), NULL, AUDIT_SCAN);
	store_send(env->store, &c, pending_deadline(p), audit_cb, op);
	return;
fail:
	free(op);
}
