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
follow_cb(void *arg, redisReply *r)
{
	struct follow_op *op = arg;
	struct matcherd *env = op->env;
	struct redis_cmd c;

	if (methods_reply_ok(op->p, r, op->follow ? "candidate.follow" :
	    "candidate.unfollow") == -1)
		goto done;
	if (!op->follow) {
		answer(op->p, &op->f, 0, follows_remove(env->follows,
		    op->f.candidate, op->f.user));
		goto done;
	}
	/* Erased while the pair was on its way: it goes again. */
	if (index_find(env->idx, op->f.candidate) == INDEX_NONE) {
		records_follow_delete(&c, store_prefix(env->store),
		    op->f.candidate, op->f.user);
		store_send(env->store, &c, 0, NULL, NULL);
		pending_error(op->p, RPC_ERR_NOT_FOUND, "id", "no candidate %s",
		    op->f.candidate);
		goto done;
	}
	/* The bound was checked before; a race past it keeps Redis's pair. */
	(void)follows_add(env->follows, op->f.candidate, op->f.user,
	    op->f.since);
	answer(op->p, &op->f, 1, 1);
done:
	pending_release(op->p);
	free(op);
}

/* Who asks, and about whom: 0, or -1 once p is answered. */
static int
follow_params(struct matcherd *env, struct pending *p,
    const msgpack_object *params, struct follow *f)
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
	if (index_find(env->idx, f->candidate) == INDEX_NONE) {
		pending_error(p, RPC_ERR_NOT_FOUND, "id", "no candidate %s",
		    f->candidate);
		return -1;
	}
	if (method_candidate_visible(env, p, f->candidate) == -1)
		return -1;
	snprintf(f->user, sizeof(f->user), "%s", s->user);
	f->since = pending_now(p);
	return 0;
}

static void
follow_change(struct matcherd *env, struct pending *p,
    const msgpack_object *params, int follow)
{
	struct follow_op *op;
	struct redis_cmd c;
	struct follow f;
	size_t first, n, i;

	if (follow_params(env, p, params, &f) == -1)
		return;
	if (follows_has(env->follows, f.candidate, f.user) == follow) {
		/* Nothing to write: answer with what holds. */
		n = follows_of(env->follows, f.candidate, &first);
		for (i = first; i < first + n; i++)
			if (strcmp(env->follows->v[i].user, f.user) == 0)
				f.since = env->follows->v[i].since;
		answer(p, &f, follow, 0);
		return;
	}
	if (follow && (follows_count_user(env->follows, f.user) >=
	    FOLLOWS_PER_USER_MAX || env->follows->n >= FOLLOWS_MAX)) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "id", "%s follows %d "
		    "people already (or the daemon holds %d follows): unfollow "
		    "someone first", f.user, FOLLOWS_PER_USER_MAX, FOLLOWS_MAX);
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
 * {user, candidates: [{candidate, since}]}: the people the user follows,
 * by id; one the user may no longer see (sectors changed) is left out.
 */
void
method_follow_following(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const struct session *s = pending_session(p);
	const struct follows *f = env->follows;
	uint32_t sectors = methods_sectors(env, p), slot, n = 0;
	struct pending_buf b;
	size_t i;
	int pass;

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
	/* Count, then pack: the array's size comes first. */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1)
			msgpack_pack_array(&b.pk, n);
		for (i = 0; i < f->n; i++) {
			if (strcmp(f->v[i].user, s->user) != 0 ||
			    (slot = index_find(env->idx, f->v[i].candidate)) ==
			    INDEX_NONE ||
			    !(env->idx->recs[slot].k.sectors & sectors))
				continue;
			if (pass == 0) {
				n++;
				continue;
			}
			msgpack_pack_map(&b.pk, 2);
			mp_pack_kv_str(&b.pk, "candidate", f->v[i].candidate);
			mp_pack_kv_int(&b.pk, "since", f->v[i].since);
		}
	}
	pending_buf_answer(&b, p);
}
