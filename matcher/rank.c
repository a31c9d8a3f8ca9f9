/*
 * Top-k selection over the posting lists.  The scorer does the per-candidate
 * work; this file decides which candidates to look at, counts exclusions
 * and keeps the best ones.
 */
#include <string.h>

#include "domain.h"
#include "rank.h"

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
 * A candidate seeking several codes of the domain is in several posting
 * lists; it is scored only from the list of its smallest such code.
 */
static int
first_in_domain(const struct cand_rec *c, const struct score_query *q,
    int code)
{
	int j, r;

	for (j = 0; j < c->njobs; j++) {
		r = c->ext[2 * j];
		if (r >= q->dom_first && r < code)
			return 0;
	}
	return 1;
}

void
rank_offer(const struct index *idx, const struct score_query *q, int limit,
    struct match_result *out)
{
	const struct posting *p;
	const struct cand_rec *c;
	struct suggestion s, *h = out->top;
	uint32_t i, reached = 0, sector = 0;
	int code, f, n = 0;

	memset(out, 0, sizeof(*out));
	if (limit < 1)
		limit = 1;
	if (limit > PROTO_LIMIT_MAX)
		limit = PROTO_LIMIT_MAX;
	while (sector < SECTOR_COUNT && !(q->sector_bit & (1u << sector)))
		sector++;
	out->considered = idx->sector_live[sector];
	out->excluded[FILTER_STATUS] = idx->sector_unavailable[sector];

	for (code = q->dom_first; code <= q->dom_last; code++) {
		p = &idx->postings[code];
		for (i = 0; i < p->n; i++) {
			s.slot = p->slots[i];
			c = &idx->recs[s.slot];
			if (!(c->sectors & q->sector_bit) ||
			    c->status != STATUS_AVAILABLE)
				continue;
			if (code > q->dom_first && !first_in_domain(c, q, code))
				continue;
			reached++;
			if ((f = score_candidate(q, idx, s.slot, &s.r)) >= 0) {
				out->excluded[f]++;
				continue;
			}
			out->eligible++;
			if (n < limit) {
				h[n] = s;
				sift_up(idx, h, n++);
			} else if (before(idx, &s, &h[0])) {
				h[0] = s;
				sift_down(idx, h, n, 0);
			}
		}
	}
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
