/*
 * candidate.match: every open offer, as its own match would score it,
 * against one person of the caller's sectors.  In memory only: the
 * offers and the index are the daemon's, nothing is written.
 */
#include <stdlib.h>

#include "dates.h"
#include "index.h"
#include "ingest.h"
#include "matcherd.h"
#include "method_candidate.h"
#include "method_reverse.h"
#include "offer_table.h"
#include "params.h"
#include "pending.h"
#include "referral.h"
#include "reverse.h"
#include "xmalloc.h"

void
method_reverse_match(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	char id[RECORD_ID_MAX + 1];
	struct reverse_offer *offers;
	struct reverse_result *rr;
	struct offer *scored;
	const struct offer_ref *ref;
	struct offer_entry *e;
	struct pending_buf b;
	uint32_t pos = 0, n = 0, nclause = 0, nscored = 0, slot;
	int32_t today = date_of_time(pending_now(p));
	int limit;

	if (params_id(p, params, "id", id) == -1 ||
	    params_int(p, params, "limit", 1, env->conf->matching.max_limit,
	    env->conf->matching.default_limit, &limit) == -1)
		return;
	if ((slot = index_find(env->idx, id)) == INDEX_NONE) {
		pending_error(p, RPC_ERR_NOT_FOUND, "id", "no candidate %s", id);
		return;
	}
	if (method_candidate_visible(env, p, id) == -1)
		return;
	offers = xreallocarray(NULL, env->offers->count + 1, sizeof(*offers));
	while ((e = offer_table_next(env->offers, &pos)) != NULL) {
		if (e->closed)
			continue;
		offers[n].offer = &e->offer;
		ref = offer_table_ref_find(e, id);
		offers[n].referred = ref != NULL &&
		    ref->status != REFERRAL_SUGGESTED;
		nclause += e->offer.has_clause;
		n++;
	}
	/* Clause offers scored with their operation's criteria, as matched. */
	scored = xreallocarray(NULL, nclause + 1, sizeof(*scored));
	for (pos = 0; pos < n; pos++)
		if (offers[pos].offer->has_clause && ingest_scored_offer(env,
		    offers[pos].offer, &scored[nscored]))
			offers[pos].offer = &scored[nscored++];
	rr = xmalloc(sizeof(*rr));
	reverse_match(env->idx, slot, offers, n, &env->conf->matching, today,
	    limit, rr);
	pending_buf_init(&b);
	reverse_pack(&b.pk, env->idx, slot, offers, &env->conf->matching,
	    today, rr);
	pending_buf_answer(&b, p);
	free(rr);
	free(scored);
	free(offers);
}
