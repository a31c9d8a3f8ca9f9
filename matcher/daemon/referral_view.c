/*
 * How referral entries show their follow-up and their moves
 * (referral_view.h).
 */
#include "matcherd.h"
#include "mpobj.h"
#include "referral_view.h"

void
referral_view_pack_followup(struct matcherd *env, msgpack_packer *pk,
    int status, int64_t updated_at, int32_t today,
    const char *hired_elsewhere)
{
	mp_pack_kv_bool(pk, "stale", referral_is_stale(status, updated_at,
	    today, env->conf->referral_stale_days));
	mp_pack_kv_int(pk, "days_without_move",
	    referral_days_without_move(updated_at, today));
	/* A final referral needs no more follow-up. */
	mp_pack_kv_str(pk, "hired_elsewhere",
	    referral_transition_ok(status, REFERRAL_WITHDRAWN) ?
	    hired_elsewhere : NULL);
}

void
referral_view_pack_move(msgpack_packer *pk, const struct referral_hist *h)
{
	msgpack_pack_map(pk, 5);
	mp_pack_kv_int(pk, "at", h->at);
	mp_pack_str(pk, "from");
	mp_pack_strn(pk, h->from, h->from_len);
	mp_pack_str(pk, "to");
	mp_pack_strn(pk, h->to, h->to_len);
	mp_pack_str(pk, "user");
	if (h->user != NULL)
		mp_pack_strn(pk, h->user, h->user_len);
	else
		msgpack_pack_nil(pk);
	mp_pack_str(pk, "note");
	if (h->note != NULL)
		mp_pack_strn(pk, h->note, h->note_len);
	else
		msgpack_pack_nil(pk);
}
