/*
 * The offer pipeline.  Redis is the source of truth: the offer table and
 * the index change only once Redis has acknowledged the write, and the
 * result is computed before it, from the in-memory index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clause.h"
#include "dates.h"
#include "followers.h"
#include "ingest.h"
#include "log.h"
#include "matcherd.h"
#include "mpobj.h"
#include "notify.h"
#include "rank.h"
#include "records.h"
#include "result.h"
#include "rpc.h"
#include "store.h"
#include "xmalloc.h"

/* One offer on its way through the pipeline. */
struct ingest_op {
	struct matcherd		*env;
	ingest_done		*done;
	void			*arg;
	struct offer		 offer;
	int			 created;
	int64_t			 created_at;
	int64_t			 now;
	int64_t			 deadline;	/* of its writes (store.h) */
	enum dedup_verdict	 verdict;
	char			 other[RECORD_ID_MAX + 1];
	char			 why[OFFER_TABLE_WHY_MAX];
	char			*result;	/* packed match result */
	size_t			 resultlen;
	char			(*suggested)[RECORD_ID_MAX + 1];
	struct score_result	*scores;	/* of each suggested */
	int			 nsuggested;
	struct offer_merged	 merged;
};

static struct ingest_op *
op_new(struct matcherd *env, const struct offer *o, int64_t now,
    int64_t deadline, ingest_done *done, void *arg)
{
	struct ingest_op *op;

	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->done = done;
	op->arg = arg;
	op->offer = *o;
	op->now = now;
	op->deadline = deadline;
	op->verdict = DEDUP_DIFFERENT;
	return op;
}

/* Tell the caller, then free op. */
static void
op_finish(struct ingest_op *op, int code, const char *field,
    const char *message, const char *answer, size_t len)
{
	struct ingest_outcome out;

	memset(&out, 0, sizeof(out));
	out.code = code;
	out.field = field;
	out.message = message;
	out.created = op->created;
	out.verdict = op->verdict;
	out.other = op->other;
	out.why = op->why;
	out.answer = answer;
	out.len = len;
	op->done(op->arg, &out);
	free(op->result);
	free(op->suggested);
	free(op->scores);
	free(op);
}

/* A failed Redis reply, or 0. */
static int
op_reply_failed(struct ingest_op *op, const redisReply *r)
{
	char msg[128];
	int code;

	if (store_reply_check(r, "EXEC", &code, msg, sizeof(msg)) == 0)
		return 0;
	op_finish(op, code, NULL, msg, NULL, 0);
	return -1;
}

/* The answer for an offer merged into another: {id, merged_into, why}. */
static void
op_finish_merged(struct ingest_op *op)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	mp_pack_kv_str(&pk, "id", op->offer.id);
	mp_pack_kv_str(&pk, "merged_into", op->other);
	mp_pack_kv_str(&pk, "why", op->why);
	op_finish(op, -1, NULL, NULL, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

/* ------------------------------------------------------------------ */
/* Scoring and storing                                                */

static void
match_cb(void *arg, redisReply *r)
{
	struct ingest_op *op = arg;
	struct matcherd *env = op->env;
	struct offer_entry *e;
	char msg[128], *fresh;
	int i, code;

	if (store_reply_check(r, "EXEC", &code, msg, sizeof(msg)) != 0) {
		/* A new offer that did not make it: nothing to merge into. */
		offer_table_unreserve(env->offers, op->offer.id);
		op_finish(op, code, NULL, msg, NULL, 0);
		return;
	}
	e = offer_table_put(env->offers, &op->offer, op->created_at);
	fresh = xcalloc(op->nsuggested + 1, 1);
	for (i = 0; i < op->nsuggested; i++)
		if (offer_table_ref_find(e, op->suggested[i]) == NULL) {
			offer_table_ref_set(env->offers, e, op->suggested[i],
			    REFERRAL_SUGGESTED, op->now);
			fresh[i] = 1;
		}
	env->stats.offers_scored++;
	env->stats.suggestions += op->nsuggested;
	notify_publish(env, op->offer.sector, op->offer.source, op->result,
	    op->resultlen);
	/* Followers hear of a person the offer suggests for the first time. */
	for (i = 0; i < op->nsuggested; i++)
		if (fresh[i])
			followers_ranked(env, &op->offer, op->suggested[i],
			    i + 1, &op->scores[i]);
	free(fresh);
	op_finish(op, -1, NULL, NULL, op->result, op->resultlen);
}

/*
 * What a match needs besides the offer (docs/CLAUSE.md): the offer as
 * scored, where a clause offer without criteria of its own takes its
 * operation's, and the result's context, the operation's status on day
 * today.
 */
int
ingest_scored_offer(const struct matcherd *env, const struct offer *o,
    struct offer *scored)
{
	const struct clause_op *cop;

	*scored = *o;
	if (!o->has_clause || o->clause.criteria != 0 ||
	    (cop = clause_op_find(env->clauses, o->clause.operation)) == NULL)
		return 0;
	scored->clause.criteria = cop->criteria;
	return 1;
}

static void
match_context(struct matcherd *env, const struct offer *o, int32_t today,
    struct offer *scored, struct result_context *ctx)
{
	(void)ingest_scored_offer(env, o, scored);
	memset(ctx, 0, sizeof(*ctx));
	if (!o->has_clause)
		return;
	ctx->has_clause = clause_status_of(env->clauses, o, today,
	    &ctx->clause) == 0;
}

/* Rank op's offer against the pool into op->result and op->suggested. */
static void
match_rank(struct ingest_op *op, const struct offer_entry *e, int limit)
{
	struct matcherd *env = op->env;
	int32_t today = date_of_time(op->now);
	struct result_context ctx;
	struct match_result *mr;
	struct score_query q;
	struct offer *scored;
	struct timespec t0, t1;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	uint32_t *referred;
	size_t nref;
	int i;

	nref = offer_table_referred_slots(e, env->idx, &referred);
	mr = xmalloc(sizeof(*mr));
	scored = xmalloc(sizeof(*scored));
	match_context(env, &op->offer, today, scored, &ctx);
	if (op->verdict == DEDUP_UNCERTAIN)
		snprintf(ctx.possible_duplicate_of,
		    sizeof(ctx.possible_duplicate_of), "%s", op->other);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	score_prepare(&q, scored, env->idx, &env->conf->matching, today,
	    referred, nref);
	rank_offer(env->idx, &q, limit, mr);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stats_score(&env->stats, (t1.tv_sec - t0.tv_sec) * 1e6 +
	    (t1.tv_nsec - t0.tv_nsec) / 1e3);

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	result_pack(&pk, &op->offer, 0, op->now, env->idx, &q, mr, &ctx);
	op->resultlen = sb.size;
	op->result = msgpack_sbuffer_release(&sb);
	op->nsuggested = mr->ntop;
	op->suggested = xreallocarray(NULL, mr->ntop ? mr->ntop : 1,
	    sizeof(*op->suggested));
	op->scores = xreallocarray(NULL, mr->ntop ? mr->ntop : 1,
	    sizeof(*op->scores));
	for (i = 0; i < mr->ntop; i++) {
		snprintf(op->suggested[i], sizeof(op->suggested[i]), "%s",
		    env->idx->recs[mr->top[i].slot].id);
		op->scores[i] = mr->top[i].r;
	}
	free(referred);
	free(scored);
	free(mr);
}

/*
 * Score op's offer, then store it, its result, its new "suggested"
 * referrals and, for an uncertain duplicate, the pair, in one
 * transaction; finish once Redis has them.
 */
static void
match_and_store(struct ingest_op *op, int limit)
{
	struct matcherd *env = op->env;
	const struct offer *o = &op->offer;
	struct offer_entry *e = offer_table_get(env->offers, o->id);
	struct field_error err;

	/* A clause offer names a declared operation (docs/CLAUSE.md). */
	if (clause_check_offer(env->clauses, o, &err) == -1) {
		op_finish(op, RPC_ERR_INVALID_ARGUMENT, err.field, err.message,
		    NULL, 0);
		return;
	}
	op->created_at = e != NULL ? e->created_at : op->now;
	/* Its copy later in the same batch must find it already. */
	if (e == NULL)
		offer_table_reserve(env->offers, o, op->now);
	match_rank(op, e, limit);

	store_begin(env->store);
	if (e != NULL && e->offer.sector != o->sector) {
		log_info("offer %s: moving from sector %s to %s", o->id,
		    vocab_name(&vocab_sector, e->offer.sector),
		    vocab_name(&vocab_sector, o->sector));
		records_queue_offer_move(env->store, e, o->sector);
	}
	records_queue_offer_store(env->store, o, op->created_at, op->now,
	    op->result, op->resultlen);
	records_queue_referrals_suggest(env->store, o,
	    (const char (*)[RECORD_ID_MAX + 1])op->suggested, op->nsuggested,
	    op->now);
	if (op->verdict == DEDUP_UNCERTAIN) {
		records_queue_dup_pair_add(env->store, o->id, op->other,
		    op->why, op->now);
		log_info("offer %s: maybe a duplicate of %s (%s)", o->id,
		    op->other, op->why);
	}
	store_commit(env->store, op->deadline, match_cb, op);
}

/* ------------------------------------------------------------------ */
/* Duplicates (docs/DEDUP.md)                                         */

static void
merge_cb(void *arg, redisReply *r)
{
	struct ingest_op *op = arg;
	struct matcherd *env = op->env;
	struct offer_entry *e;
	struct redis_cmd c;
	char msg[256];

	if (op_reply_failed(op, r) != 0)
		return;
	/*
	 * Stored before this reply, unless its own write failed: then this
	 * offer is not merged into nothing; it must be sent again.  The
	 * merge record goes (best effort: the rebuild skips it anyway).
	 */
	if ((e = offer_table_get(env->offers, op->other)) == NULL) {
		records_dup_merged_forget(&c, store_prefix(env->store),
		    op->offer.id);
		store_send(env->store, &c, 0, NULL, NULL);
		snprintf(msg, sizeof(msg), "offer %s is the same job as %s, "
		    "which could not be stored: send it again", op->offer.id,
		    op->other);
		op_finish(op, RPC_ERR_UNAVAILABLE, "id", msg, NULL, 0);
		return;
	}
	if (offer_table_merge(env->offers, e, &op->merged) == -1)
		log_warnx("offer %s: %s lists %d duplicates already; known, "
		    "not listed", op->offer.id, op->other,
		    OFFER_TABLE_MERGED_MAX);
	log_info("offer %s: duplicate of %s, merged (%s)", op->offer.id,
	    op->other, op->why);
	op_finish_merged(op);
}

/*
 * Record op's offer as the same job as op->other: one Redis field, then
 * the table's alias once Redis has it.  Nothing is scored or pushed.
 */
static void
merge_duplicate(struct ingest_op *op)
{
	struct offer_merged *m = &op->merged;

	snprintf(m->id, sizeof(m->id), "%s", op->offer.id);
	m->source = op->offer.source;
	snprintf(m->partner, sizeof(m->partner), "%s", op->offer.partner);
	m->at = op->now;
	snprintf(m->why, sizeof(m->why), "%s", op->why);
	store_begin(op->env->store);
	records_queue_dup_merged_put(op->env->store, op->other, m);
	store_commit(op->env->store, op->deadline, merge_cb, op);
}

/*
 * What becomes of a new offer: the same job as an open one, or an id
 * merged before (*again), is merged (DEDUP_SAME); one that may be is
 * stored with the pair reported (DEDUP_UNCERTAIN); else it is stored.
 */
static void
dedup_decide(struct ingest_op *op, int *again)
{
	struct matcherd *env = op->env;
	const struct offer_entry *e;
	uint32_t i;

	*again = 0;
	if (offer_table_get(env->offers, op->offer.id) != NULL)
		return;				/* an update of its own */
	if ((e = offer_table_alias(env->offers, op->offer.id)) != NULL) {
		snprintf(op->other, sizeof(op->other), "%s", e->offer.id);
		for (i = 0; i < e->nmerged; i++)
			if (strcmp(e->merged[i].id, op->offer.id) == 0)
				snprintf(op->why, sizeof(op->why), "%s",
				    e->merged[i].why);
		*again = 1;
		op->verdict = DEDUP_SAME;
		return;
	}
	op->verdict = offer_table_find_duplicate(env->offers, &op->offer,
	    op->now, op->other, sizeof(op->other), op->why, sizeof(op->why));
	/*
	 * A job of one sector is never merged into, nor paired with, one of
	 * another: their advisers and partners differ (PROTOCOL.md).  One
	 * still being stored (reserved, not in the table yet) came in the
	 * same batch, from the same sender.
	 */
	if (op->verdict != DEDUP_DIFFERENT &&
	    (e = offer_table_get(env->offers, op->other)) != NULL &&
	    e->offer.sector != op->offer.sector) {
		op->verdict = DEDUP_DIFFERENT;
		op->other[0] = op->why[0] = '\0';
	}
}

void
ingest_offer(struct matcherd *env, const struct offer *o, int limit,
    int64_t now, int64_t deadline, ingest_done *done, void *arg)
{
	struct ingest_op *op;
	struct offer_entry *e;
	char msg[RECORD_ID_MAX + 32];
	int again;

	op = op_new(env, o, now, deadline, done, arg);
	e = offer_table_get(env->offers, o->id);
	op->created = e == NULL;
	if (e != NULL && e->closed) {
		snprintf(msg, sizeof(msg), "offer %s is closed", o->id);
		op_finish(op, RPC_ERR_INVALID_ARGUMENT, "id", msg, NULL, 0);
		return;
	}
	dedup_decide(op, &again);
	if (op->verdict != DEDUP_SAME)
		match_and_store(op, limit);
	else if (again)
		/* Sent again: the same job, already merged; nothing to do. */
		op_finish_merged(op);
	else
		merge_duplicate(op);
}

void
ingest_rematch(struct matcherd *env, const struct offer_entry *e, int limit,
    int64_t now, int64_t deadline, ingest_done *done, void *arg)
{
	struct ingest_op *op;
	char msg[RECORD_ID_MAX + 32];

	op = op_new(env, &e->offer, now, deadline, done, arg);
	if (e->closed) {
		snprintf(msg, sizeof(msg), "offer %s is closed", e->offer.id);
		op_finish(op, RPC_ERR_INVALID_ARGUMENT, "id", msg, NULL, 0);
		return;
	}
	match_and_store(op, limit);
}
