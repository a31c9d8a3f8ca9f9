/*
 * Near misses: one walk over the offer's domain; a candidate the scorer
 * excludes is tried once more, on the query with its one gap lifted, and
 * joins that gap's group if the scorer then takes it.  See nearmiss.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nearmiss.h"
#include "xmalloc.h"

struct walk {
	const struct index		*idx;
	const struct score_query	*q;
	const struct nearmiss_params	*p;
	struct nearmiss_result		*out;
	/* One lift per group, by group index; -1: no such group. */
	struct gap_lift			*lifts;
	int				 lic_group[LICENCE_COUNT];
	int				 avail_group, dist_group;
	double				 lo[NEARMISS_GROUPS_MAX];
	double				 hi[NEARMISS_GROUPS_MAX];
};

void
nearmiss_params_default(struct nearmiss_params *p)
{
	p->avail_days = NEARMISS_AVAIL_DAYS;
	p->extra_km = NEARMISS_EXTRA_KM;
	p->limit = NEARMISS_LIMIT;
}

/* 1 if a ranks before b: the ranker's order (score, then id). */
static int
before(const struct index *idx, const struct nearmiss_person *a,
    const struct nearmiss_person *b)
{
	if (a->r.score != b->r.score)
		return a->r.score > b->r.score;
	return strcmp(idx->recs[a->slot].id, idx->recs[b->slot].id) < 0;
}

/* Insert into the group's sorted array of at most limit people. */
static void
keep(const struct index *idx, struct nearmiss_group *g, int limit,
    const struct nearmiss_person *np)
{
	int i, n = g->npeople;

	if (n == limit && !before(idx, np, &g->people[n - 1]))
		return;
	if (g->people == NULL)
		g->people = xcalloc((size_t)limit, sizeof(*g->people));
	i = n < limit ? n : limit - 1;
	for (; i > 0 && before(idx, np, &g->people[i - 1]); i--)
		g->people[i] = g->people[i - 1];
	g->people[i] = *np;
	if (n < limit)
		g->npeople++;
}

static void
visit(void *ctx, uint32_t slot, const struct cand_key *k, int code,
    int months)
{
	struct walk *w = ctx;
	const struct score_query *q = w->q;
	struct nearmiss_person np;
	int f, kind, item, gi;

	/* The verdict only: the eligible are not this tool's. */
	f = score_entry(q, w->idx, slot, k, code, months, GAP_VERDICT_ONLY,
	    &np.r);
	if (f < 0) {
		w->out->eligible++;
		return;
	}
	kind = gap_of_filter(q, w->idx, slot, k, f, &item);
	switch (kind) {
	case GAP_SKILL:		gi = item; break;
	case GAP_LICENCE:	gi = w->lic_group[item]; break;
	case GAP_AVAILABILITY:	gi = w->avail_group; break;
	case GAP_DISTANCE:	gi = w->dist_group; break;
	default:		return;
	}
	if (gi < 0 || gap_score(&w->lifts[gi], w->idx, slot, k, code, months,
	    &np.r) != SCORE_ELIGIBLE)
		return;
	np.slot = slot;
	np.text[0] = '\0';
	if (kind == GAP_AVAILABILITY)
		np.gap = k->available_from - q->start;
	else if (kind == GAP_DISTANCE)
		/* To 0.1 km, rounded up: over the radius is never "0,0". */
		np.gap = ceil(10.0 * (np.r.distance_km -
		    score_radius_limit(q, k->radius_km)) - 1e-9) / 10.0;
	else
		np.gap = 0;
	if (w->out->groups[gi].count == 0 || np.gap < w->lo[gi])
		w->lo[gi] = np.gap;
	if (w->out->groups[gi].count == 0 || np.gap > w->hi[gi])
		w->hi[gi] = np.gap;
	w->out->groups[gi].count++;
	w->out->near++;
	keep(w->idx, &w->out->groups[gi], w->p->limit, &np);
}

/* The gap of one person, or (lo < hi) of a group, in French. */
static void
gap_text(const struct score_query *q, const struct nearmiss_group *g,
    double lo, double hi, char *buf, size_t len)
{
	char a[16], b[16], label[GAP_LABEL_MAX];

	switch (g->kind) {
	case GAP_AVAILABILITY:
		if (lo == hi)
			snprintf(buf, len, "disponible %d jours après le début",
			    (int)lo);
		else
			snprintf(buf, len, "disponible %d à %d jours après le "
			    "début", (int)lo, (int)hi);
		break;
	case GAP_DISTANCE:
		gap_km_fr(lo, a, sizeof(a));
		gap_km_fr(hi, b, sizeof(b));
		if (lo == hi)
			snprintf(buf, len, "à %s km au-delà du rayon", a);
		else
			snprintf(buf, len, "de %s à %s km au-delà du rayon", a,
			    b);
		break;
	default:
		gap_label(q, g->kind, g->item, label, sizeof(label));
		snprintf(buf, len, "manque : %s", label);
	}
}

/* One group per liftable requirement, with its lift. */
static int
prepare_groups(struct walk *w)
{
	const struct score_query *q = w->q;
	struct nearmiss_group *g = w->out->groups;
	int i, n = 0, max_km;

	for (i = 0; i < q->nreq; i++, n++) {
		g[n].kind = GAP_SKILL;
		g[n].item = i;
		gap_lift_skill(&w->lifts[n], q, i);
	}
	for (i = 0; i < LICENCE_COUNT; i++) {
		w->lic_group[i] = -1;
		if (!(q->licences_required & (1u << i)))
			continue;
		g[n].kind = GAP_LICENCE;
		g[n].item = i;
		gap_lift_licence(&w->lifts[n], q, i);
		w->lic_group[i] = n++;
	}
	w->avail_group = w->dist_group = -1;
	if (w->p->avail_days > 0) {
		g[n].kind = GAP_AVAILABILITY;
		g[n].item = -1;
		gap_lift_days(&w->lifts[n], q, w->p->avail_days);
		w->avail_group = n++;
	}
	/* A department offer takes its department: no km to add. */
	if (w->p->extra_km > 0 && !q->dept) {
		g[n].kind = GAP_DISTANCE;
		g[n].item = -1;
		max_km = q->offer->max_km > 0 ? q->offer->max_km +
		    w->p->extra_km : 0;
		gap_lift_km(&w->lifts[n], q, w->idx, max_km, w->p->extra_km);
		w->dist_group = n++;
	}
	return n;
}

int
nearmiss_offer(const struct index *idx, const struct score_query *q,
    const struct nearmiss_params *p, struct nearmiss_result *out)
{
	struct walk w;
	struct nearmiss_group t;
	int i, j, n, ng;

	memset(out, 0, sizeof(*out));
	if (p->avail_days < 0 || p->avail_days > NEARMISS_DAYS_MAX ||
	    p->extra_km < 0 || p->extra_km > NEARMISS_KM_MAX ||
	    p->limit < 1 || p->limit > NEARMISS_LIMIT_MAX)
		return -1;
	memset(&w, 0, sizeof(w));
	w.idx = idx;
	w.q = q;
	w.p = p;
	w.out = out;
	w.lifts = xcalloc(NEARMISS_GROUPS_MAX, sizeof(*w.lifts));
	ng = prepare_groups(&w);
	out->candidates = gap_walk(idx, q, visit, &w);
	free(w.lifts);

	/* Keep the non-empty groups, largest first (stable: skills first). */
	for (i = 0, n = 0; i < ng; i++) {
		if (out->groups[i].count == 0)
			continue;
		gap_text(q, &out->groups[i], w.lo[i], w.hi[i],
		    out->groups[i].text, sizeof(out->groups[i].text));
		for (j = 0; j < out->groups[i].npeople; j++)
			gap_text(q, &out->groups[i], out->groups[i].people[j].gap,
			    out->groups[i].people[j].gap,
			    out->groups[i].people[j].text,
			    sizeof(out->groups[i].people[j].text));
		t = out->groups[i];
		for (j = n; j > 0 && out->groups[j - 1].count < t.count; j--)
			out->groups[j] = out->groups[j - 1];
		out->groups[j] = t;
		n++;
	}
	for (i = n; i < ng; i++)
		memset(&out->groups[i], 0, sizeof(out->groups[i]));
	out->ngroups = n;
	return 0;
}

void
nearmiss_result_free(struct nearmiss_result *r)
{
	int i;

	for (i = 0; i < NEARMISS_GROUPS_MAX; i++) {
		free(r->groups[i].people);
		r->groups[i].people = NULL;
	}
	r->ngroups = 0;
}
