/*
 * Erasing a person (erase.h, docs/RGPD.md).
 */
#include <sys/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clause.h"
#include "log.h"
#include "matcherd.h"
#include "erase.h"
#include "followers.h"
#include "records.h"
#include "records_rgpd.h"
#include "rpc.h"
#include "store.h"
#include "users.h"
#include "xmalloc.h"

/* Rounds of reads that may find offers a match in flight just added. */
#define ERASE_READ_ROUNDS	4

struct erase_offer {
	char		 id[RECORD_ID_MAX + 1];
	int		 sector;
	int		 read;		/* 0 not yet, 1 in this round, 2 done */
	char		*result;	/* as read; NULL if none */
	size_t		 len;
	msgpack_sbuffer	 without;	/* the result without the person */
	int		 has_hire;
	struct clause_hire hire, anon_hire;
};

struct erase_op {
	struct matcherd	*env;
	char		 id[RECORD_ID_MAX + 1];
	char		 anon[RGPD_ANON_LEN + 1];
	enum rgpd_reason reason;
	char		 user[USER_NAME_MAX + 1];
	char		 role[16];
	int		 audit;
	int64_t		 now;
	int		 rounds;
	size_t		 nfollow;	/* HDELs of follows in the write */
	struct erase_offer *offers;
	uint32_t	 n, cap;
	erase_done_fn	*done;
	void		*arg;
	struct erase_result res;
};

static void
erase_finish(struct erase_op *op)
{
	uint32_t i;

	op->done(op->arg, &op->res);
	for (i = 0; i < op->n; i++) {
		free(op->offers[i].result);
		msgpack_sbuffer_destroy(&op->offers[i].without);
	}
	free(op->offers);
	free(op);
}

static void
erase_fail(struct erase_op *op, int code, const char *msg)
{
	log_warnx("candidate %s: erasure not done: %s; it is out of the "
	    "index until erased again or the daemon restarts", op->id, msg);
	op->res.code = code;
	snprintf(op->res.message, sizeof(op->res.message), "%s", msg);
	erase_finish(op);
}

/* A transaction's reply of n commands: 0, or -1 after failing op. */
static int
erase_reply_ok(struct erase_op *op, const redisReply *r, const char *what,
    size_t n)
{
	char msg[128];
	int code;

	if (store_reply_check(r, what, &code, msg, sizeof(msg)) == -1) {
		erase_fail(op, code, msg);
		return -1;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != n) {
		erase_fail(op, RPC_ERR_INTERNAL, "unexpected reply of Redis");
		return -1;
	}
	return 0;
}

/* The offers with a referral of the person that are not listed yet. */
static uint32_t
erase_collect(struct erase_op *op)
{
	struct offer_entry *e;
	struct erase_offer *o;
	uint32_t pos = 0, i, added = 0;

	while ((e = offer_table_next(op->env->offers, &pos)) != NULL) {
		if (offer_table_ref_find(e, op->id) == NULL)
			continue;
		for (i = 0; i < op->n; i++)
			if (strcmp(op->offers[i].id, e->offer.id) == 0)
				break;
		if (i < op->n)
			continue;
		if (op->n == op->cap) {
			op->cap = op->cap ? op->cap * 2 : 8;
			op->offers = xreallocarray(op->offers, op->cap,
			    sizeof(*op->offers));
		}
		o = &op->offers[op->n++];
		memset(o, 0, sizeof(*o));
		snprintf(o->id, sizeof(o->id), "%s", e->offer.id);
		o->sector = e->offer.sector;
		msgpack_sbuffer_init(&o->without);
		added++;
	}
	return added;
}

static void erase_read(struct erase_op *);
static void erase_write(struct erase_op *);

static void
erase_read_cb(void *arg, redisReply *r)
{
	struct erase_op *op = arg;
	struct erase_offer *o;
	size_t k = 0, want = 0;
	uint32_t i;

	for (i = 0; i < op->n; i++)
		want += op->offers[i].read == 1;
	if (erase_reply_ok(op, r, "the erasure's reads", want) == -1)
		return;
	for (i = 0; i < op->n; i++) {
		if ((o = &op->offers[i])->read != 1)
			continue;
		o->read = 2;
		if (r->element[k]->type == REDIS_REPLY_STRING) {
			o->len = r->element[k]->len;
			o->result = xmalloc(o->len ? o->len : 1);
			memcpy(o->result, r->element[k]->str, o->len);
		}
		k++;
	}
	/* A match stored before the person left the index may add offers. */
	if (erase_collect(op) > 0 && ++op->rounds < ERASE_READ_ROUNDS)
		erase_read(op);
	else
		erase_write(op);
}

/* Read the stored results of the offers not read yet. */
static void
erase_read(struct erase_op *op)
{
	const char *prefix = store_prefix(op->env->store);
	struct redis_cmd c;
	uint32_t i;

	store_begin(op->env->store);
	for (i = 0; i < op->n; i++) {
		if (op->offers[i].read != 0)
			continue;
		op->offers[i].read = 1;
		records_rgpd_result_read(&c, prefix, op->offers[i].sector,
		    op->offers[i].id);
		store_queue(op->env->store, &c);
	}
	store_commit(op->env->store, store_deadline_us(op->env->store),
	    erase_read_cb, op);
}

/* The person's hire on offer o, if any, and its anonymous copy. */
static void
erase_find_hire(struct erase_op *op, struct erase_offer *o)
{
	const struct clause_table *t = op->env->clauses;
	uint32_t i;

	for (i = 0; t != NULL && i < t->nhires; i++)
		if (strcmp(t->hires[i].offer, o->id) == 0 &&
		    strcmp(t->hires[i].candidate, op->id) == 0) {
			o->has_hire = 1;
			o->hire = t->hires[i];
			o->anon_hire = t->hires[i];
			snprintf(o->anon_hire.candidate,
			    sizeof(o->anon_hire.candidate), "%s", op->anon);
			return;
		}
}

/* After Redis: the offer table and the hires name the anonymous id. */
static void
erase_apply(struct erase_op *op)
{
	struct clause_table *t = op->env->clauses;
	struct offer_entry *e;
	uint32_t i;

	for (i = 0; i < op->n; i++)
		if ((e = offer_table_get(op->env->offers,
		    op->offers[i].id)) != NULL)
			offer_table_ref_rename(e, op->id, op->anon);
	for (i = 0; t != NULL && i < t->nhires; i++)
		if (strcmp(t->hires[i].candidate, op->id) == 0)
			snprintf(t->hires[i].candidate,
			    sizeof(t->hires[i].candidate), "%s", op->anon);
	/* Nobody follows an erased person: Redis deleted the pairs. */
	followers_drop(op->env, op->id);
}

static void
erase_write_cb(void *arg, redisReply *r)
{
	struct erase_op *op = arg;
	long long n[4];
	size_t i;

	if (erase_reply_ok(op, r, "candidate.erase", 2 + op->n +
	    (op->audit ? 1 : 0) + op->nfollow) == -1)
		return;
	op->res.erased = records_count(r->element[0]) > 0 ||
	    records_count(r->element[1]) > 0;
	for (i = 0; i < op->n; i++) {
		if (records_rgpd_erased(r->element[2 + i], n) == -1) {
			erase_fail(op, RPC_ERR_INTERNAL,
			    "unexpected reply of the erasure script");
			return;
		}
		op->res.referrals += n[0];
		op->res.history += n[1];
		op->res.results += n[2];
		op->res.hires += n[3];
	}
	if (op->res.referrals > 0)
		op->res.erased = 1;
	erase_apply(op);
	if (op->res.erased) {
		op->env->stats.erasures[op->reason]++;
		log_info("candidate %s erased (%s, by %s): %lld referrals and "
		    "%lld clause hires kept anonymously, %lld match results "
		    "without them", op->id, vocab_name(&vocab_erase_reason,
		    op->reason), op->user, op->res.referrals, op->res.hires,
		    op->res.results);
	}
	erase_finish(op);
}

static void
erase_write(struct erase_op *op)
{
	const char *prefix = store_prefix(op->env->store);
	struct records_erasure e;
	struct erase_offer *o;
	struct redis_cmd c;
	uint32_t i;
	int removed = 0;

	store_begin(op->env->store);
	records_candidate_delete(&c, prefix, op->id);
	store_queue(op->env->store, &c);
	records_ident_delete(&c, prefix, op->id);
	store_queue(op->env->store, &c);
	for (i = 0; i < op->n; i++) {
		o = &op->offers[i];
		memset(&e, 0, sizeof(e));
		e.sector = o->sector;
		e.offer = o->id;
		e.candidate = op->id;
		e.anon = op->anon;
		if (o->result != NULL && (removed = rgpd_result_without(
		    o->result, o->len, op->id, &o->without)) > 0) {
			e.old_result = o->result;
			e.old_len = o->len;
			e.new_result = o->without.data;
			e.new_len = o->without.size;
		} else if (o->result != NULL && removed == -1)
			log_warnx("offer %s: stored result is not a result map; "
			    "the erasure of %s leaves it", o->id, op->id);
		erase_find_hire(op, o);
		if (o->has_hire) {
			e.hire = &o->hire;
			e.anon_hire = &o->anon_hire;
		}
		records_rgpd_erase_offer(&c, prefix,
		    op->env->erase_script, &e);
		store_queue(op->env->store, &c);
	}
	if (op->audit) {
		records_audit_add(&c, prefix, op->now, op->user, op->role,
		    "candidate.erase", op->id, op->id,
		    vocab_name(&vocab_erase_reason, op->reason));
		store_queue(op->env->store, &c);
	}
	/* Last, so the replies above keep their places. */
	op->nfollow = followers_queue_forget(op->env, op->id);
	/* EVALs inside: no deadline reaches Redis, so wait for its answer. */
	store_commit(op->env->store, 0, erase_write_cb, op);
}

void
erase_start(struct matcherd *env, const char *id, enum rgpd_reason reason,
    const char *user, const char *role, int audit, int64_t now,
    erase_done_fn *done, void *arg)
{
	unsigned char rnd[RGPD_ANON_RANDOM];
	struct erase_op *op;

	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->reason = reason;
	op->audit = audit;
	op->now = now;
	op->done = done;
	op->arg = arg;
	snprintf(op->id, sizeof(op->id), "%s", id);
	snprintf(op->user, sizeof(op->user), "%s", user);
	snprintf(op->role, sizeof(op->role), "%s", role);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		erase_fail(op, RPC_ERR_INTERNAL, "no random bytes");
		return;
	}
	rgpd_anon_id(rnd, op->anon);
	/* No match from now on includes them. */
	index_delete(env->idx, id);
	if (erase_collect(op) > 0)
		erase_read(op);
	else
		erase_write(op);
}
