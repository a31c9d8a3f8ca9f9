/*
 * candidate.follow / unfollow / following, and the "followed" events.
 * The follows table (follows.h) changes only once Redis has the pair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "follows.h"
#include "index.h"
#include "matcherd.h"
#include "method_candidate.h"
#include "method_follow.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "records.h"
#include "records_follow.h"
#include "store.h"
#include "xmalloc.h"

struct follow_op {
	struct matcherd	*env;
	struct pending	*p;
	struct follow	 f;
	int		 follow;	/* 1: follow, 0: unfollow */
};

/* The answer: {candidate, user, following, since, changed}. */
static void
answer(struct pending *p, const struct follow *f, int following,
    int changed)
{
	struct pending_buf b;

	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 5);
	mp_pack_kv_str(&b.pk, "candidate", f->candidate);
	mp_pack_kv_str(&b.pk, "user", f->user);
	mp_pack_kv_bool(&b.pk, "following", following);
	if (following)
		mp_pack_kv_int(&b.pk, "since", f->since);
	else
		mp_pack_kv_str(&b.pk, "since", NULL);
	mp_pack_kv_bool(&b.pk, "changed", changed);
	pending_buf_answer(&b, p);
}

static void
cap_error(struct pending *p, const char *user)
{
	pending_error(p, RPC_ERR_INVALID_ARGUMENT, "id", "%s follows %d people "
	    "already (or the daemon holds %d follows): unfollow someone first",
	    user, FOLLOWS_PER_USER_MAX, FOLLOWS_MAX);
}

/*
 * Redis says whether the pair changed (HSETNX, HDEL: 1 or 0), so two
 * requests on one pair in flight at once are answered as Redis ran them.
 */
static void
follow_cb(void *arg, redisReply *r)
{
	struct follow_op *op = arg;
	struct matcherd *env = op->env;
	struct follow *f = &op->f;
	struct redis_cmd c;
	long long changed;
	int64_t since = -1;

	if (methods_reply_ok(op->p, r, op->follow ? "candidate.follow" :
	    "candidate.unfollow") == -1)
		goto done;
	if ((changed = records_count(r)) < 0) {
		pending_error(op->p, RPC_ERR_INTERNAL, NULL,
		    "unexpected reply of Redis to a follow");
		goto done;
	}
	if (!op->follow) {
		(void)follows_remove(env->follows, f->candidate, f->user);
		answer(op->p, f, 0, changed == 1);
		goto done;
	}
	/* Erased while the pair was on its way, or past the bound: undone. */
	if (index_find(env->idx, f->candidate) == INDEX_NONE ||
	    ((since = follows_since(env->follows, f->candidate, f->user)) ==
	    -1 && follows_add(env->follows, f->candidate, f->user,
	    f->since) == -1)) {
		if (changed == 1) {
			records_follow_delete(&c, store_prefix(env->store),
			    f->candidate, f->user);
			store_send(env->store, &c, 0, NULL, NULL);
		}
		if (index_find(env->idx, f->candidate) == INDEX_NONE)
			pending_error(op->p, RPC_ERR_NOT_FOUND, "id",
			    "no candidate %s", f->candidate);
		else
			cap_error(op->p, f->user);
		goto done;
	}
	if (since != -1)
		f->since = since;
	answer(op->p, f, 1, changed == 1);
done:
	pending_release(op->p);
	free(op);
}

/*
 * Who asks, and about whom: 0, or -1 once p is answered.  Anyone may
 * stop following whom they follow, even a person no longer theirs (the
 * sectors changed): the pair says nothing new to them.
 */
static int
follow_params(struct matcherd *env, struct pending *p,
    const msgpack_object *params, int follow, struct follow *f)
{
	const struct session *s = pending_session(p);

	memset(f, 0, sizeof(*f));
	if (params_id(p, params, "id", f->candidate) == -1)
		return -1;
	if (!s->authenticated) {
		pending_error(p, RPC_ERR_UNAUTHENTICATED, NULL,
		    "following needs a signed-in user: the follow is theirs");
		return -1;
	}
	snprintf(f->user, sizeof(f->user), "%s", s->user);
	f->since = pending_now(p);
	if (!follow && follows_has(env->follows, f->candidate, f->user))
		return 0;
	if (index_find(env->idx, f->candidate) == INDEX_NONE) {
		pending_error(p, RPC_ERR_NOT_FOUND, "id", "no candidate %s",
		    f->candidate);
		return -1;
	}
	return method_candidate_visible(env, p, f->candidate);
}

static void
follow_change(struct matcherd *env, struct pending *p,
    const msgpack_object *params, int follow)
{
	struct follow_op *op;
	struct redis_cmd c;
	struct follow f;

	if (follow_params(env, p, params, follow, &f) == -1)
		return;
	if (follow && !follows_has(env->follows, f.candidate, f.user) &&
	    (follows_count_user(env->follows, f.user) >=
	    FOLLOWS_PER_USER_MAX || env->follows->n >= FOLLOWS_MAX)) {
		cap_error(p, f.user);
		return;
	}
	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	op->f = f;
	op->follow = follow;
	if (follow)
		records_follow_put(&c, store_prefix(env->store), f.candidate,
		    f.user, f.since);
	else
		records_follow_delete(&c, store_prefix(env->store),
		    f.candidate, f.user);
	pending_hold(p);
	store_send(env->store, &c, pending_deadline(p), follow_cb, op);
}

void
method_follow_follow(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	follow_change(env, p, params, 1);
}

void
method_follow_unfollow(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	follow_change(env, p, params, 0);
}

/*
 * {user, candidates: [{candidate, since, visible}]}: the people the user
 * follows, by id; visible is false for one no longer in their sectors
 * (the user's or the person's changed), whom they may only unfollow.
 */
void
method_follow_following(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const struct session *s = pending_session(p);
	const struct follows *f = env->follows;
	uint32_t sectors = methods_sectors(env, p), slot;
	struct pending_buf b;
	size_t i;

	(void)params;
	if (!s->authenticated) {
		pending_error(p, RPC_ERR_UNAUTHENTICATED, NULL,
		    "following needs a signed-in user: the follow is theirs");
		return;
	}
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 2);
	mp_pack_kv_str(&b.pk, "user", s->user);
	mp_pack_str(&b.pk, "candidates");
	msgpack_pack_array(&b.pk, follows_count_user(f, s->user));
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].user, s->user) != 0)
			continue;
		slot = index_find(env->idx, f->v[i].candidate);
		msgpack_pack_map(&b.pk, 3);
		mp_pack_kv_str(&b.pk, "candidate", f->v[i].candidate);
		mp_pack_kv_int(&b.pk, "since", f->v[i].since);
		mp_pack_kv_bool(&b.pk, "visible", slot != INDEX_NONE &&
		    (env->idx->recs[slot].k.sectors & sectors));
	}
	pending_buf_answer(&b, p);
}
