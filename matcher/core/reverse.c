/*
 * The reverse match (reverse.h): every open offer of the person's sectors
 * prepared and scored as its own match would, one candidate against it.
 */
#include <string.h>

#include "mpobj.h"
#include "result.h"
#include "reverse.h"

/* 1 if hit a ranks before hit b: higher score, then smaller offer id. */
static int
reverse_before(const struct reverse_offer *offers, const struct reverse_hit *a,
    const struct reverse_hit *b)
{
	if (a->r.score != b->r.score)
		return a->r.score > b->r.score;
	return strcmp(offers[a->i].offer->id, offers[b->i].offer->id) < 0;
}

/* Keep the best limit hits in out->top, sorted (insertion: limit <= 200). */
static void
reverse_keep(struct reverse_result *out, const struct reverse_offer *offers,
    int limit, const struct reverse_hit *h)
{
	int pos = out->ntop;

	if (pos == limit) {
		if (!reverse_before(offers, h, &out->top[limit - 1]))
			return;
		pos--;
	} else
		out->ntop++;
	while (pos > 0 && reverse_before(offers, h, &out->top[pos - 1])) {
		out->top[pos] = out->top[pos - 1];
		pos--;
	}
	out->top[pos] = *h;
}

void
reverse_match(const struct index *idx, uint32_t slot,
    const struct reverse_offer *offers, uint32_t n,
    const struct conf_matching *m, int32_t today, int limit,
    struct reverse_result *out)
{
	const struct cand_rec *c = &idx->recs[slot];
	struct score_query q;
	struct reverse_hit h;
	int f;

	memset(out, 0, sizeof(*out));
	if (limit < 1)
		limit = 1;
	if (limit > PROTO_LIMIT_MAX)
		limit = PROTO_LIMIT_MAX;
	for (h.i = 0; h.i < n; h.i++) {
		/* The offer's match considers its sector's pool only. */
		if (!(c->k.sectors & (1u << offers[h.i].offer->sector)))
			continue;
		score_prepare(&q, offers[h.i].offer, idx, m, today,
		    offers[h.i].referred ? &slot : NULL,
		    offers[h.i].referred ? 1 : 0);
		out->considered++;
		if ((f = score_candidate_full(&q, idx, slot, &h.r)) !=
		    SCORE_ELIGIBLE) {
			out->excluded[f]++;
			continue;
		}
		out->eligible++;
		reverse_keep(out, offers, limit, &h);
	}
}

void
reverse_pack(msgpack_packer *pk, const struct index *idx, uint32_t slot,
    const struct reverse_offer *offers, const struct conf_matching *m,
    int32_t today, const struct reverse_result *rr)
{
	const struct reverse_hit *h;
	struct score_query q;
	int i, f;

	msgpack_pack_map(pk, 5);
	mp_pack_kv_str(pk, "candidate", idx->recs[slot].id);
	mp_pack_kv_int(pk, "considered", rr->considered);
	mp_pack_kv_int(pk, "eligible", rr->eligible);
	mp_pack_str(pk, "excluded");
	msgpack_pack_map(pk, FILTER_COUNT);
	for (f = 0; f < FILTER_COUNT; f++)
		mp_pack_kv_int(pk, score_filter_name(f), rr->excluded[f]);
	mp_pack_str(pk, "offers");
	msgpack_pack_array(pk, rr->ntop);
	for (i = 0; i < rr->ntop; i++) {
		h = &rr->top[i];
		/* Prepared again: the reasons read the offer's query. */
		score_prepare(&q, offers[h->i].offer, idx, m, today, NULL, 0);
		msgpack_pack_map(pk, 7);
		mp_pack_kv_int(pk, "rank", i + 1);
		mp_pack_str(pk, "offer");
		offer_pack_open(offers[h->i].offer, pk, 1);
		mp_pack_kv_str(pk, "status", "open");
		result_pack_scored(pk, &q, idx, slot, &h->r);
	}
}
