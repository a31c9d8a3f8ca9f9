/*
 * referral.update: the move is checked here against the offer table, and
 * again atomically by the referral script (referral_lua_script()), which
 * also writes the history line and a clause offer's hire.
 * referral.history reads the offer's history list back; referral.sweep
 * runs the expiry sweep (referral_sweep.h) now.  What a move changes in
 * memory afterwards is referral_applied(), for both movers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clause.h"
#include "dates.h"
#include "log.h"
#include "matcherd.h"
#include "method_offer.h"
#include "method_referral.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "records.h"
#include "referral.h"
#include "referral_applied.h"
#include "referral_sweep.h"
#include "referral_view.h"
#include "score.h"
#include "store.h"
#include "xmalloc.h"

struct referral_op {
	struct matcherd	*env;
	struct pending	*p;
	char		 offer[RECORD_ID_MAX + 1];
	char		 candidate[RECORD_ID_MAX + 1];
	int		 to;
	int64_t		 now;
	int		 from;
	int		 has_hire;	/* a clause offer's hire: hire */
	struct clause_hire hire;
	char		 user[USER_NAME_MAX + 1];
	char		 note[REFERRAL_NOTE_MAX + 1];
};

static void
illegal(struct pending *p, int from, int to)
{
	pending_error(p, RPC_ERR_CONFLICT, "status",
	    "illegal transition %s -> %s", referral_name(from),
	    referral_name(to));
}

static void
no_referral(struct pending *p, const char *candidate, const char *offer)
{
	pending_error(p, RPC_ERR_NOT_FOUND, "candidate",
	    "candidate %s has no referral on offer %s", candidate, offer);
}

/* r: the reply to closing the offer it filled, NULL if it did not. */
static void
update_done(void *arg, redisReply *r)
{
	struct referral_op *op = arg;
	struct pending_buf b;
	int offer_closed = r != NULL && r->type != REDIS_REPLY_ERROR;

	if (offer_closed)
		log_info("offer %s: closed, pourvue (its positions are "
		    "filled)", op->offer);
	else if (r != NULL)
		log_warnx("offer %s: filled, but closing it failed: %s",
		    op->offer, r->type == REDIS_REPLY_ERROR ? r->str : "?");

	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 6);
	mp_pack_kv_str(&b.pk, "offer", op->offer);
	mp_pack_kv_str(&b.pk, "candidate", op->candidate);
	mp_pack_kv_str(&b.pk, "from", referral_name(op->from));
	mp_pack_kv_str(&b.pk, "status", referral_name(op->to));
	mp_pack_kv_int(&b.pk, "updated_at", op->now);
	mp_pack_kv_bool(&b.pk, "offer_closed", offer_closed);
	pending_buf_answer(&b, op->p);
	pending_release(op->p);
	free(op);
}

static void
referral_cb(void *arg, redisReply *r)
{
	struct referral_op *op = arg;
	struct referral_applied_move m;
	int from;

	if (methods_reply_ok(op->p, r, "referral.update") == -1)
		goto done;
	switch (records_referral_moved(r, &from)) {
	case 1:
		break;
	case 0:
		illegal(op->p, from, op->to);
		goto done;
	case -1:
		no_referral(op->p, op->candidate, op->offer);
		goto done;
	default:
		pending_error(op->p, RPC_ERR_INTERNAL, NULL,
		    "unexpected reply from the referral script");
		goto done;
	}
	op->from = from;
	memset(&m, 0, sizeof(m));
	m.offer = op->offer;
	m.candidate = op->candidate;
	m.from = from;
	m.to = op->to;
	m.user = op->user;
	m.note = op->note;
	m.now = op->now;
	m.hire = op->has_hire ? &op->hire : NULL;
	referral_applied(op->env, &m, update_done, op);
	return;
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
		    &env->conf->matching, date_of_time(now));
}

/* The person, too, must be the adviser's (when still in the index). */
static int
candidate_ok(struct matcherd *env, struct pending *p, const char *id)
{
	uint32_t slot;

	if ((slot = index_find(env->idx, id)) != INDEX_NONE &&
	    !(env->idx->recs[slot].k.sectors & methods_sectors(env, p))) {
		pending_error(p, RPC_ERR_FORBIDDEN, "candidate", "candidate %s "
		    "is in no sector open to %s", id,
		    pending_session(p)->user);
		return -1;
	}
	return 0;
}

void
method_referral_update(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const msgpack_object *o;
	const struct offer_ref *ref;
	struct offer_entry *e;
	struct referral_op *op;
	struct records_move mv;
	struct redis_cmd c;
	const char *s;
	size_t len;

	if ((e = method_offer_param(env, p, params, "offer")) == NULL)
		return;
	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	snprintf(op->offer, sizeof(op->offer), "%s", e->offer.id);
	if (params_id(p, params, "candidate", op->candidate) == -1 ||
	    params_text(p, params, "note", op->note, sizeof(op->note)) == -1)
		goto fail;
	if ((o = params_get(params, "status")) == NULL ||
	    mp_get_str(o, &s, &len) == -1 ||
	    (op->to = referral_lookup(s, len)) < 0) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "status",
		    "status must be one of suggested, validated, sent, "
		    "interview, hired, not_retained, withdrawn");
		goto fail;
	}
	if (candidate_ok(env, p, op->candidate) == -1)
		goto fail;
	/* The script checks again atomically; this answers most cases. */
	if ((ref = offer_table_ref_find(e, op->candidate)) == NULL) {
		no_referral(p, op->candidate, op->offer);
		goto fail;
	}
	if (!referral_transition_ok(ref->status, op->to)) {
		illegal(p, ref->status, op->to);
		goto fail;
	}
	/* The history line is '|'-separated: keep the note on one field. */
	for (len = 0; op->note[len] != '\0'; len++)
		if (op->note[len] == '|' || op->note[len] == '\n')
			op->note[len] = ' ';
	if (pending_session(p)->authenticated)
		snprintf(op->user, sizeof(op->user), "%s",
		    pending_session(p)->user);
	op->now = pending_now(p);
	/* A clause offer's hire counts against its operation (CLAUSE.md). */
	if (op->to == REFERRAL_HIRED && e->offer.has_clause) {
		op->has_hire = 1;
		hire_of(env, &e->offer, op->candidate, op->now, &op->hire);
	}
	pending_hold(p);
	memset(&mv, 0, sizeof(mv));
	mv.candidate = op->candidate;
	mv.to = op->to;
	mv.now = op->now;
	mv.note = op->note;
	mv.user = op->user;
	mv.hire = op->has_hire ? &op->hire : NULL;
	mv.deadline_ms = store_redis_deadline_ms(env->store,
	    pending_deadline(p));
	records_referral_move(&c, store_prefix(env->store),
	    env->referral_script, &e->offer, &mv);
	store_send(env->store, &c, pending_deadline(p), referral_cb, op);
	return;
fail:
	free(op);
}

/* ---- referral.history ---- */

/*
 * Lines of an offer's history read, the last ones: every referral of an
 * offer moves a few times, so this holds thousands of referrals' moves
 * and bounds the reply.
 */
#define REFERRAL_HISTORY_READ_MAX	20000

struct history_op {
	struct pending	*p;
	char		 offer[RECORD_ID_MAX + 1];
	char		 candidate[RECORD_ID_MAX + 1];
};

/* 1 if line is a move of candidate (then in *h). */
static int
move_of(const redisReply *line, const char *candidate,
    struct referral_hist *h)
{
	return line->type == REDIS_REPLY_STRING &&
	    referral_hist_parse(line->str, line->len, h) == 0 &&
	    h->candidate_len == strlen(candidate) &&
	    memcmp(h->candidate, candidate, h->candidate_len) == 0;
}

static void
history_cb(void *arg, redisReply *r)
{
	struct history_op *op = arg;
	struct referral_hist h;
	struct pending_buf b;
	size_t i, n = 0, skip;

	if (methods_reply_ok(op->p, r, "referral.history") == -1)
		goto done;
	if (r->type != REDIS_REPLY_ARRAY) {
		pending_error(op->p, RPC_ERR_INTERNAL, NULL,
		    "unexpected reply of Redis to referral.history");
		goto done;
	}
	for (i = 0; i < r->elements; i++)
		n += move_of(r->element[i], op->candidate, &h);
	/* The last moves, oldest first. */
	skip = n > METHOD_REFERRAL_HISTORY_MAX ?
	    n - METHOD_REFERRAL_HISTORY_MAX : 0;
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 3);
	mp_pack_kv_str(&b.pk, "offer", op->offer);
	mp_pack_kv_str(&b.pk, "candidate", op->candidate);
	mp_pack_str(&b.pk, "moves");
	msgpack_pack_array(&b.pk, n - skip);
	for (i = 0; i < r->elements; i++) {
		if (!move_of(r->element[i], op->candidate, &h))
			continue;
		if (skip > 0)
			skip--;
		else
			referral_view_pack_move(&b.pk, &h);
	}
	pending_buf_answer(&b, op->p);
done:
	pending_release(op->p);
	free(op);
}

/*
 * referral.history {offer, candidate}: the moves of one referral, from
 * the last lines of the offer's history list (docs/REDIS.md).
 */
void
method_referral_history(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct history_op *op;
	struct offer_entry *e;
	struct redis_cmd c;

	if ((e = method_offer_param(env, p, params, "offer")) == NULL)
		return;
	op = xcalloc(1, sizeof(*op));
	op->p = p;
	snprintf(op->offer, sizeof(op->offer), "%s", e->offer.id);
	if (params_id(p, params, "candidate", op->candidate) == -1 ||
	    candidate_ok(env, p, op->candidate) == -1)
		goto fail;
	if (offer_table_ref_find(e, op->candidate) == NULL) {
		no_referral(p, op->candidate, op->offer);
		goto fail;
	}
	pending_hold(p);
	records_referral_history_read(&c, store_prefix(env->store),
	    e->offer.sector, e->offer.id, REFERRAL_HISTORY_READ_MAX);
	store_send(env->store, &c, pending_deadline(p), history_cb, op);
	return;
fail:
	free(op);
}

/* ---- referral.sweep ---- */

static void
sweep_answer(void *arg, const struct referral_sweep_report *rep)
{
	struct pending *p = arg;
	struct pending_buf b;
	char day[11];

	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 8);
	date_format(rep->today, day);
	mp_pack_kv_str(&b.pk, "today", day);
	mp_pack_kv_int(&b.pk, "expire_days", rep->days);
	mp_pack_kv_int(&b.pk, "checked", rep->checked);
	mp_pack_kv_int(&b.pk, "due", rep->due);
	mp_pack_kv_int(&b.pk, "withdrawn", rep->withdrawn);
	mp_pack_kv_int(&b.pk, "skipped", rep->skipped);
	mp_pack_kv_int(&b.pk, "failed", rep->failed);
	mp_pack_kv_bool(&b.pk, "dry_run", rep->dry_run);
	pending_buf_answer(&b, p);
	pending_release(p);
}

/*
 * referral.sweep {today…, dry_run…}: the expiry sweep now, as on today
 * (default: today); dry_run only counts.
 */
void
method_referral_sweep(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	int32_t today = date_of_time(pending_now(p));
	int dry = 0;

	if (params_sweep(p, params, &today, &dry) == -1)
		return;
	pending_hold(p);
	if (referral_sweep_run(env, today, pending_now(p), dry, sweep_answer,
	    p) == -1) {
		pending_error(p, RPC_ERR_CONFLICT, NULL,
		    "a referral sweep is already running");
		pending_release(p);
	}
}
