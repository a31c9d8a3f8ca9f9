/*
 * Top-k selection over the posting lists.  The scorer does the per-candidate
 * work; this file decides which candidates to look at, counts exclusions
 * and keeps the best ones.
 */
#include <string.h>

#include "domain.h"
#include "rank.h"
#include "xmalloc.h"

/* 1 if a ranks before b: higher score, then smaller id. */
static int
before(const struct index *idx, const struct suggestion *a,
    const struct suggestion *b)
{
	if (a->r.score != b->r.score)
		return a->r.score > b->r.score;
	return strcmp(idx->recs[a->slot].id, idx->recs[b->slot].id) < 0;
}

/*
 * The heap keeps the worst kept suggestion at the root, so a new one only
 * has to beat the root to get in.
 */
static void
sift_down(const struct index *idx, struct suggestion *h, int n, int i)
{
	struct suggestion t;
	int l, r, w;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		w = i;
		if (l < n && before(idx, &h[w], &h[l]))
			w = l;
		if (r < n && before(idx, &h[w], &h[r]))
			w = r;
		if (w == i)
			return;
		t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static void
sift_up(const struct index *idx, struct suggestion *h, int i)
{
	struct suggestion t;
	int p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (!before(idx, &h[p], &h[i]))
			return;
		t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

/*
 * The order of the walk: the offer's own code first, so that a candidate
 * who seeks both it and a neighbour of the domain is met first where the
 * match is exact; then the rest of the domain.
 */
static int
walk_code(const struct score_query *q, int i)
{
	if (i == 0)
		return q->rome_id;
	i = q->dom_first + i - 1;
	return i >= q->rome_id ? i + 1 : i;
}

void
rank_offer(const struct index *idx, const struct score_query *q, int limit,
    struct match_result *out)
{
	const struct posting *p;
	const struct posting_entry *e;
	struct suggestion s, *h = out->top;
	uint64_t *seen = NULL;
	uint32_t i, reached = 0, sector = 0;
	int code, k, ncodes, f, n = 0;

	memset(out, 0, sizeof(*out));
	if (limit < 1)
		limit = 1;
	if (limit > PROTO_LIMIT_MAX)
		limit = PROTO_LIMIT_MAX;
	while (sector < SECTOR_COUNT && !(q->sector_bit & (1u << sector)))
		sector++;
	out->considered = idx->sector_live[sector];
	out->excluded[FILTER_STATUS] = idx->sector_unavailable[sector];
	ncodes = q->dom_last - q->dom_first + 1;
	/* A candidate may be in several lists of the domain: score it once. */
	if (ncodes > 1)
		seen = xcalloc((idx->nrecs + 63) / 64, sizeof(uint64_t));

	for (k = 0; k < ncodes; k++) {
		code = walk_code(q, k);
		p = &idx->postings[code];
		for (i = 0, e = p->e; i < p->n; i++, e++) {
			/* Pool and availability are counted in bulk. */
			if (!(e->k.sectors & q->sector_bit) ||
			    e->k.status != STATUS_AVAILABLE)
				continue;
			if (seen != NULL) {
				uint64_t bit = UINT64_C(1) << (e->slot & 63);

				if (seen[e->slot >> 6] & bit)
					continue;
				seen[e->slot >> 6] |= bit;
			}
			reached++;
			s.slot = e->slot;
			/* Once the heap is full, only its worst score matters. */
			f = score_entry(q, idx, s.slot, &e->k, code, e->months,
			    n < limit ? -1.0 : h[0].r.score, &s.r);
			if (f >= 0) {
				out->excluded[f]++;
				continue;
			}
			out->eligible++;
			if (f == SCORE_PRUNED)
				continue;
			if (n < limit) {
				h[n] = s;
				sift_up(idx, h, n++);
			} else if (before(idx, &s, &h[0])) {
				h[0] = s;
				sift_down(idx, h, n, 0);
			}
		}
	}
	free(seen);
	out->excluded[FILTER_ROME] = out->considered -
	    out->excluded[FILTER_STATUS] - reached;

	/* Heap to sorted order, best first. */
	out->ntop = n;
	while (n > 1) {
		s = h[0];
		h[0] = h[n - 1];
		h[n - 1] = s;
		sift_down(idx, h, --n, 0);
	}
}
