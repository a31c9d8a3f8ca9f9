/*
 * offer.near_miss and offer.diagnose: the offer's query prepared as its
 * match prepares it (ingest.c), then the pure computations of nearmiss.c
 * and diagnose.c.  In memory only: nothing is read from Redis or written.
 */
#include <stdlib.h>

#include "dates.h"
#include "diagnose.h"
#include "domain.h"
#include "ingest.h"
#include "matcherd.h"
#include "method_gap.h"
#include "method_offer.h"
#include "mpobj.h"
#include "nearmiss.h"
#include "offer_table.h"
#include "params.h"
#include "pending.h"
#include "result.h"
#include "xmalloc.h"

static const char *const gap_kinds[GAP_KIND_COUNT] = {
	"contract", "availability", "age", "clause", "licence", "skill",
	"distance"
};

/* The query of e's own match; *referred and *scored to be freed. */
static void
gap_prepare(struct matcherd *env, struct pending *p,
    const struct offer_entry *e, struct score_query *q, uint32_t **referred,
    struct offer **scored)
{
	size_t nref = offer_table_referred_slots(e, env->idx, referred);

	*scored = xmalloc(sizeof(**scored));
	(void)ingest_scored_offer(env, &e->offer, *scored);
	score_prepare(q, *scored, env->idx, &env->conf->matching,
	    date_of_time(pending_now(p)), *referred, nref);
}

/*
 * A map of nkeys keys plus the requirement's: key = its kind, then
 * "skill": "caces-r489-3" or "licence": "c" when it names one.
 */
static void
gap_pack_kind(msgpack_packer *pk, const struct offer *o, int nkeys,
    const char *key, int kind, int item)
{
	int named = item >= 0 && (kind == GAP_SKILL || kind == GAP_LICENCE);

	msgpack_pack_map(pk, nkeys + 1 + named);
	mp_pack_kv_str(pk, key, gap_kinds[kind]);
	if (named && kind == GAP_SKILL)
		mp_pack_kv_str(pk, "skill", o->skills_required[item]);
	else if (named)
		mp_pack_kv_str(pk, "licence", vocab_name(&vocab_licence, item));
}

/* The answer's map of nkeys keys, its first three packed. */
static void
gap_pack_head(msgpack_packer *pk, int nkeys, const char *offer,
    uint32_t considered, uint32_t eligible)
{
	msgpack_pack_map(pk, nkeys);
	mp_pack_kv_str(pk, "offer", offer);
	mp_pack_kv_int(pk, "considered", considered);
	mp_pack_kv_int(pk, "eligible", eligible);
}

void
method_gap_near_miss(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const struct nearmiss_group *g;
	const struct nearmiss_person *s;
	struct nearmiss_params np;
	struct nearmiss_result *nr;
	struct offer_entry *e;
	struct score_query q;
	struct pending_buf b;
	struct offer *scored;
	uint32_t *referred;
	int i, k;

	nearmiss_params_default(&np);
	if ((e = method_offer_param(env, p, params, "id")) == NULL ||
	    params_int(p, params, "avail_days", 0, NEARMISS_DAYS_MAX,
	    NEARMISS_AVAIL_DAYS, &np.avail_days) == -1 ||
	    params_int(p, params, "extra_km", 0, NEARMISS_KM_MAX,
	    NEARMISS_EXTRA_KM, &np.extra_km) == -1 ||
	    params_int(p, params, "limit", 1, NEARMISS_LIMIT_MAX,
	    NEARMISS_LIMIT, &np.limit) == -1)
		return;
	gap_prepare(env, p, e, &q, &referred, &scored);
	nr = xmalloc(sizeof(*nr));
	if (nearmiss_offer(env->idx, &q, &np, nr) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, NULL,
		    "near-miss parameters out of bounds");
		goto done;
	}
	pending_buf_init(&b);
	gap_pack_head(&b.pk, 5, e->offer.id, nr->candidates, nr->eligible);
	mp_pack_kv_int(&b.pk, "near", nr->near);
	mp_pack_str(&b.pk, "groups");
	msgpack_pack_array(&b.pk, nr->ngroups);
	for (i = 0; i < nr->ngroups; i++) {
		g = &nr->groups[i];
		gap_pack_kind(&b.pk, scored, 3, "gap", g->kind, g->item);
		mp_pack_kv_int(&b.pk, "count", g->count);
		mp_pack_kv_str(&b.pk, "text", g->text);
		mp_pack_str(&b.pk, "candidates");
		msgpack_pack_array(&b.pk, g->npeople);
		for (k = 0; k < g->npeople; k++) {
			s = &g->people[k];
			msgpack_pack_map(&b.pk, 5);
			mp_pack_kv_str(&b.pk, "candidate",
			    env->idx->recs[s->slot].id);
			result_pack_commune(&b.pk, env->idx, s->slot);
			mp_pack_kv_double(&b.pk, "score", s->r.score);
			mp_pack_kv_double(&b.pk, "gap", s->gap);
			mp_pack_kv_str(&b.pk, "text", s->text);
		}
	}
	pending_buf_answer(&b, p);
done:
	nearmiss_result_free(nr);
	free(nr);
	free(referred);
	free(scored);
}

void
method_gap_diagnose(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const struct diagnose_req *r;
	struct diagnose_result *dr;
	struct offer_entry *e;
	struct score_query q;
	struct pending_buf b;
	struct offer *scored;
	uint32_t *referred;
	int i, k;

	if ((e = method_offer_param(env, p, params, "id")) == NULL)
		return;
	gap_prepare(env, p, e, &q, &referred, &scored);
	dr = xmalloc(sizeof(*dr));
	diagnose_offer(env->idx, &q, dr);
	pending_buf_init(&b);
	gap_pack_head(&b.pk, 6, e->offer.id, dr->candidates, dr->eligible);
	mp_pack_kv_int(&b.pk, "other", dr->other);
	mp_pack_kv_str(&b.pk, "text", dr->text);
	mp_pack_str(&b.pk, "requirements");
	msgpack_pack_array(&b.pk, dr->nreqs);
	for (i = 0; i < dr->nreqs; i++) {
		r = &dr->reqs[i];
		gap_pack_kind(&b.pk, scored, 3, "requirement", r->kind,
		    r->item);
		mp_pack_kv_int(&b.pk, "alone", r->alone);
		mp_pack_kv_str(&b.pk, "text", r->text);
		mp_pack_str(&b.pk, "steps");
		msgpack_pack_array(&b.pk, r->nsteps);
		for (k = 0; k < r->nsteps; k++) {
			msgpack_pack_map(&b.pk, 2);
			mp_pack_kv_int(&b.pk, r->kind == GAP_DISTANCE ? "km" :
			    "days", r->step[k]);
			mp_pack_kv_int(&b.pk, "added", r->added[k]);
		}
	}
	pending_buf_answer(&b, p);
	free(dr);
	free(referred);
	free(scored);
}
