/*
 * referral.update: the move is checked here against the offer table, and
 * again atomically by the referral script (referral_lua_script()), which
 * also writes the history line and a clause offer's hire.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clause.h"
#include "dates.h"
#include "matcherd.h"
#include "method_offer.h"
#include "method_referral.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "records.h"
#include "referral.h"
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
	int		 has_hire;	/* a clause offer's hire: hire */
	struct clause_hire hire;
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

static void
referral_cb(void *arg, redisReply *r)
{
	struct referral_op *op = arg;
	struct matcherd *env = op->env;
	struct offer_entry *e;
	struct pending_buf b;
	uint32_t slot;
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
	if ((e = offer_table_get(env->offers, op->offer)) != NULL)
		offer_table_ref_set(env->offers, e, op->candidate, op->to,
		    op->now);
	/* The script wrote the hire with the move. */
	if (op->has_hire)
		clause_hire_add(env->clauses, &op->hire);
	if ((slot = index_find(env->idx, op->candidate)) != INDEX_NONE) {
		if (!referral_is_open(from) && referral_is_open(op->to))
			index_referral_opened(env->idx, slot,
			    date_of_time(op->now));
		else if (referral_is_open(from) && !referral_is_open(op->to))
			index_referral_closed(env->idx, slot);
	}
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 5);
	mp_pack_kv_str(&b.pk, "offer", op->offer);
	mp_pack_kv_str(&b.pk, "candidate", op->candidate);
	mp_pack_kv_str(&b.pk, "from", referral_name(from));
	mp_pack_kv_str(&b.pk, "status", referral_name(op->to));
	mp_pack_kv_int(&b.pk, "updated_at", op->now);
	pending_buf_answer(&b, op->p);
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

void
method_referral_update(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const msgpack_object *o;
	const struct offer_ref *ref;
	struct offer_entry *e;
	struct referral_op *op;
	struct redis_cmd c;
	char note[REFERRAL_NOTE_MAX + 1];
	const char *s;
	uint32_t slot;
	size_t len;

	if ((e = method_offer_param(env, p, params, "offer")) == NULL)
		return;
	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	snprintf(op->offer, sizeof(op->offer), "%s", e->offer.id);
	if (params_id(p, params, "candidate", op->candidate) == -1 ||
	    params_text(p, params, "note", note, sizeof(note)) == -1)
		goto fail;
	if ((o = params_get(params, "status")) == NULL ||
	    mp_get_str(o, &s, &len) == -1 ||
	    (op->to = referral_lookup(s, len)) < 0) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "status",
		    "status must be one of suggested, validated, sent, "
		    "interview, hired, not_retained, withdrawn");
		goto fail;
	}
	/* The person, too, must be the adviser's. */
	if ((slot = index_find(env->idx, op->candidate)) != INDEX_NONE &&
	    !(env->idx->recs[slot].k.sectors & methods_sectors(env, p))) {
		pending_error(p, RPC_ERR_FORBIDDEN, "candidate", "candidate %s "
		    "is in no sector open to %s", op->candidate,
		    pending_session(p)->user);
		goto fail;
	}
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
	for (len = 0; note[len] != '\0'; len++)
		if (note[len] == '|' || note[len] == '\n')
			note[len] = ' ';
	op->now = pending_now(p);
	/* A clause offer's hire counts against its operation (CLAUSE.md). */
	if (op->to == REFERRAL_HIRED && e->offer.has_clause) {
		op->has_hire = 1;
		hire_of(env, &e->offer, op->candidate, op->now, &op->hire);
	}
	pending_hold(p);
	records_referral_move(&c, store_prefix(env->store),
	    env->referral_script, &e->offer, op->candidate, op->to, op->now,
	    note, op->has_hire ? &op->hire : NULL,
	    store_redis_deadline_ms(env->store, pending_deadline(p)));
	store_send(env->store, &c, pending_deadline(p), referral_cb, op);
	return;
fail:
	free(op);
}
