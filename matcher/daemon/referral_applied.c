/*
 * What a move the referral script applied changes in memory
 * (referral_applied.h).
 */
#include <stdint.h>

#include <msgpack.h>

#include "dates.h"
#include "domain.h"
#include "matcherd.h"
#include "method_offer.h"
#include "mpobj.h"
#include "notify.h"
#include "referral.h"
#include "referral_applied.h"

/* What a hire that fills an offer closes it with (PROTOCOL.md). */
#define POURVUE_REASON	"pourvue"

static uint32_t
hires_of(const struct offer_entry *e)
{
	uint32_t i, n = 0;

	for (i = 0; i < e->nrefs; i++)
		n += e->refs[i].status == REFERRAL_HIRED;
	return n;
}

/*
 * The "referral" event (notify.h) to the advisers of the offer's sector:
 * ids, statuses and who moved, never the note, which may speak of the
 * person.
 */
static void
publish(struct matcherd *env, const struct offer_entry *e,
    const struct referral_applied_move *m)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 7);
	mp_pack_kv_str(&pk, "offer", m->offer);
	mp_pack_kv_str(&pk, "candidate", m->candidate);
	mp_pack_kv_str(&pk, "from", referral_name(m->from));
	mp_pack_kv_str(&pk, "status", referral_name(m->to));
	mp_pack_kv_int(&pk, "at", m->now);
	mp_pack_kv_str(&pk, "user", m->user);
	mp_pack_kv_str(&pk, "sector", vocab_name(&vocab_sector,
	    e->offer.sector));
	notify_advisers(env, e->offer.sector, e->offer.source,
	    NOTIFY_REFERRAL, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

void
referral_applied(struct matcherd *env, const struct referral_applied_move *m,
    store_cb *done, void *arg)
{
	struct offer_entry *e;
	uint32_t slot;

	if ((e = offer_table_get(env->offers, m->offer)) != NULL) {
		offer_table_ref_set(env->offers, e, m->candidate, m->to, m->now);
		publish(env, e, m);
	}
	/* The script wrote the hire with the move. */
	if (m->hire != NULL)
		clause_hire_add(env->clauses, m->hire);
	if ((slot = index_find(env->idx, m->candidate)) != INDEX_NONE) {
		if (!referral_is_open(m->from) && referral_is_open(m->to))
			index_referral_opened(env->idx, slot,
			    date_of_time(m->now));
		else if (referral_is_open(m->from) && !referral_is_open(m->to))
			index_referral_closed(env->idx, slot);
	}
	/*
	 * Filled: closed as offer.close would.  The person's other
	 * referrals show hired_elsewhere, derived from this hire.
	 */
	if (m->to == REFERRAL_HIRED && e != NULL && !e->closed &&
	    hires_of(e) >= (uint32_t)(e->offer.positions > 0 ?
	    e->offer.positions : 1)) {
		/* A deadline of its own: the move's is partly spent. */
		method_offer_close_entry(env, e, POURVUE_REASON, m->now,
		    store_deadline_us(env->store), done, arg);
		return;
	}
	if (done != NULL)
		done(arg, NULL);
}
