/*
 * What follows do to the rest of the daemon (followers.h).
 */
#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "followers.h"
#include "follows.h"
#include "matcherd.h"
#include "mpobj.h"
#include "notify.h"
#include "offer.h"
#include "records_follow.h"
#include "result.h"
#include "score.h"
#include "store.h"

void
followers_pack(msgpack_packer *pk, const struct matcherd *env,
    const char *id)
{
	size_t first, n, i;

	n = follows_of(env->follows, id, &first);
	mp_pack_str(pk, "followers");
	msgpack_pack_array(pk, n);
	for (i = first; i < first + n; i++) {
		msgpack_pack_map(pk, 2);
		mp_pack_kv_str(pk, "user", env->follows->v[i].user);
		mp_pack_kv_int(pk, "since", env->follows->v[i].since);
	}
}

size_t
followers_queue_forget(struct matcherd *env, const char *id)
{
	struct redis_cmd c;
	size_t first, n, i;

	n = follows_of(env->follows, id, &first);
	for (i = first; i < first + n; i++) {
		records_follow_delete(&c, store_prefix(env->store), id,
		    env->follows->v[i].user);
		store_queue(env->store, &c);
	}
	return n;
}

void
followers_drop(struct matcherd *env, const char *id)
{
	(void)follows_remove_candidate(env->follows, id);
}

void
followers_ranked(struct matcherd *env, const struct offer *o,
    const char *id, int rank, const struct score_result *s)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	size_t first, n, i;

	if ((n = follows_of(env->follows, id, &first)) == 0)
		return;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 5);
	mp_pack_kv_str(&pk, "candidate", id);
	mp_pack_kv_int(&pk, "rank", rank);
	mp_pack_kv_double(&pk, "score", s->score);
	mp_pack_kv_double(&pk, "distance_km", result_round_km(s->distance_km));
	mp_pack_str(&pk, "offer");
	msgpack_pack_map(&pk, 7);
	mp_pack_kv_str(&pk, "id", o->id);
	mp_pack_kv_str(&pk, "title", o->title);
	mp_pack_kv_str(&pk, "employer", o->employer[0] ? o->employer : NULL);
	mp_pack_kv_str(&pk, "sector", vocab_name(&vocab_sector, o->sector));
	mp_pack_kv_str(&pk, "rome", o->rome);
	mp_pack_kv_str(&pk, "commune", o->commune[0] ? o->commune : NULL);
	mp_pack_kv_str(&pk, "contract", vocab_name(&vocab_contract,
	    o->contract));
	/* A delivery writes to sockets only: the table stays as it is. */
	for (i = first; i < first + n; i++)
		notify_user(env, env->follows->v[i].user, o->sector,
		    NOTIFY_FOLLOWED, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}
