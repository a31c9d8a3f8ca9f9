/*
 * Encoding of match results.
 */
#include <math.h>

#include "mpobj.h"
#include "result.h"

/* Round to 1/scale: dividing by a power of ten gives the nearest double. */
static double
round_to(double v, double scale)
{
	return round(v * scale) / scale;
}

double
result_round_km(double km)
{
	return round_to(km, 10);
}

/*
 * "fit": the reasons of kind REASON_FIT, the only ones a view outside the
 * advisers' may show (view.c).
 */
static void
pack_fit(msgpack_packer *pk, char reasons[][SCORE_REASON_MAX],
    const enum reason_kind *kinds, int n)
{
	int i, nfit = 0;

	for (i = 0; i < n; i++)
		nfit += kinds[i] == REASON_FIT;
	mp_pack_str(pk, "fit");
	msgpack_pack_array(pk, nfit);
	for (i = 0; i < n; i++)
		if (kinds[i] == REASON_FIT)
			mp_pack_str(pk, reasons[i]);
}

void
result_pack_scored(msgpack_packer *pk, const struct score_query *q,
    const struct index *idx, uint32_t slot, const struct score_result *r)
{
	char reasons[SCORE_MAX_REASONS][SCORE_REASON_MAX];
	enum reason_kind kinds[SCORE_MAX_REASONS];
	int c, n;

	mp_pack_kv_double(pk, "score", r->score);
	mp_pack_kv_double(pk, "distance_km", result_round_km(r->distance_km));
	mp_pack_str(pk, "components");
	msgpack_pack_map(pk, COMP_COUNT);
	for (c = 0; c < COMP_COUNT; c++)
		mp_pack_kv_double(pk, score_comp_name(c),
		    round_to(r->comp[c], 1000));
	n = score_reasons(q, idx, slot, r, reasons, kinds, SCORE_MAX_REASONS);
	mp_pack_str(pk, "reasons");
	msgpack_pack_array(pk, n);
	for (c = 0; c < n; c++)
		mp_pack_str(pk, reasons[c]);
	pack_fit(pk, reasons, kinds, n);
}

void
result_pack_commune(msgpack_packer *pk, const struct index *idx,
    uint32_t slot)
{
	const struct commune *home = index_commune(idx, slot);

	mp_pack_kv_str(pk, "commune", home != NULL ? home->insee : NULL);
}

void
result_pack(msgpack_packer *pk, const struct offer *o, int closed,
    int64_t scored_at, const struct index *idx, const struct score_query *q,
    const struct match_result *mr, const struct result_context *ctx)
{
	const struct suggestion *s;
	int i, f;

	msgpack_pack_map(pk, 8);
	mp_pack_str(pk, "offer");
	offer_pack_open(o, pk, 1);
	mp_pack_kv_str(pk, "status", closed ? "closed" : "open");
	mp_pack_kv_int(pk, "scored_at", scored_at);
	mp_pack_kv_int(pk, "considered", mr->considered);
	mp_pack_kv_int(pk, "eligible", mr->eligible);
	mp_pack_str(pk, "excluded");
	msgpack_pack_map(pk, FILTER_COUNT);
	for (f = 0; f < FILTER_COUNT; f++)
		mp_pack_kv_int(pk, score_filter_name(f), mr->excluded[f]);
	mp_pack_str(pk, "suggestions");
	msgpack_pack_array(pk, mr->ntop);
	for (i = 0; i < mr->ntop; i++) {
		s = &mr->top[i];
		msgpack_pack_map(pk, 8);
		mp_pack_kv_int(pk, "rank", i + 1);
		mp_pack_kv_str(pk, "candidate", idx->recs[s->slot].id);
		result_pack_commune(pk, idx, s->slot);
		result_pack_scored(pk, q, idx, s->slot, &s->r);
	}
	mp_pack_str(pk, "clause");
	if (ctx != NULL && ctx->has_clause)
		clause_status_pack(&ctx->clause, pk);
	else
		msgpack_pack_nil(pk);
	mp_pack_kv_str(pk, "possible_duplicate_of", ctx != NULL &&
	    ctx->possible_duplicate_of[0] != '\0' ?
	    ctx->possible_duplicate_of : NULL);
}
