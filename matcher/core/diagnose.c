/*
 * Diagnosis: one walk over the offer's domain.  A candidate the scorer
 * excludes names its first failing requirement; the query without it
 * decides whether it is the only one, and the step queries which
 * relaxations would take the candidate.  See diagnose.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "xmalloc.h"

struct walk {
	const struct index		*idx;
	const struct score_query	*q;
	struct diagnose_result		*out;
	/* By requirement: without it, and its steps. */
	struct gap_lift			*lifts;
	struct gap_lift			*steps[DIAGNOSE_REQS_MAX];
	int				 kind_req[GAP_KIND_COUNT];
	int				 lic_req[LICENCE_COUNT];
	int				 skill_req;	/* first skill's */
};

static void
visit(void *ctx, uint32_t slot, const struct cand_key *k, int code,
    int months)
{
	struct walk *w = ctx;
	struct diagnose_req *r;
	struct score_result res;
	int f, kind, item, ri, s;

	f = score_entry(w->q, w->idx, slot, k, code, months,
	    GAP_VERDICT_ONLY, &res);
	if (f < 0) {
		w->out->eligible++;
		return;
	}
	kind = gap_of_filter(w->q, w->idx, slot, k, f, &item);
	if (kind == GAP_LICENCE)
		ri = w->lic_req[item];
	else if (kind == GAP_SKILL)
		ri = w->skill_req + item;
	else
		ri = kind >= 0 ? w->kind_req[kind] : -1;
	if (ri < 0 || !gap_passes(&w->lifts[ri], w->idx, slot, k, code,
	    months)) {
		w->out->other++;
		return;
	}
	r = &w->out->reqs[ri];
	r->alone++;
	/* A step relaxes the same requirement less: only these can pass. */
	for (s = 0; s < r->nsteps; s++)
		if (gap_passes(&w->steps[ri][s], w->idx, slot, k, code,
		    months))
			r->added[s]++;
}

static int
add_req(struct walk *w, int kind, int item)
{
	struct diagnose_req *r = &w->out->reqs[w->out->nreqs];

	r->kind = kind;
	r->item = item;
	if (kind != GAP_LICENCE && kind != GAP_SKILL)
		w->kind_req[kind] = w->out->nreqs;
	return w->out->nreqs++;
}

/* Steps of requirement ri: their sizes and their lifts. */
static void
add_steps(struct walk *w, int ri, const int *sizes, int n)
{
	const struct score_query *q = w->q;
	struct diagnose_req *r = &w->out->reqs[ri];
	int s;

	w->steps[ri] = xcalloc((size_t)n, sizeof(struct gap_lift));
	r->nsteps = n;
	for (s = 0; s < n; s++) {
		r->step[s] = sizes[s];
		if (r->kind == GAP_AVAILABILITY)
			gap_lift_days(&w->steps[ri][s], q, sizes[s]);
		else if (q->max_km > 0)	/* the offer's radius */
			gap_lift_km(&w->steps[ri][s], q, w->idx,
			    (int)q->max_km + sizes[s], 0);
		else			/* the candidates' own */
			gap_lift_km(&w->steps[ri][s], q, w->idx, 0, sizes[s]);
	}
}

/* The offer's requirements, in the filters' order, with their lifts. */
static void
prepare_reqs(struct walk *w)
{
	static const int km[] = DIAGNOSE_KM_STEPS, days[] = DIAGNOSE_DAY_STEPS;
	const struct score_query *q = w->q;
	int i, ri;

	for (i = 0; i < GAP_KIND_COUNT; i++)
		w->kind_req[i] = -1;
	gap_lift_contract(&w->lifts[add_req(w, GAP_CONTRACT, -1)], q);
	ri = add_req(w, GAP_AVAILABILITY, -1);
	gap_lift_days(&w->lifts[ri], q, -1);
	add_steps(w, ri, days, (int)(sizeof(days) / sizeof(days[0])));
	if (q->age_rule)
		gap_lift_age(&w->lifts[add_req(w, GAP_AGE, -1)], q);
	if (q->clause)
		gap_lift_clause(&w->lifts[add_req(w, GAP_CLAUSE, -1)], q);
	for (i = 0; i < LICENCE_COUNT; i++) {
		w->lic_req[i] = -1;
		if (q->licences_required & (1u << i)) {
			w->lic_req[i] = add_req(w, GAP_LICENCE, i);
			gap_lift_licence(&w->lifts[w->lic_req[i]], q, i);
		}
	}
	w->skill_req = w->out->nreqs;
	for (i = 0; i < q->nreq; i++)
		gap_lift_skill(&w->lifts[add_req(w, GAP_SKILL, i)], q, i);
	ri = add_req(w, GAP_DISTANCE, -1);
	/* Without the offer's radius; without any limit if it has none. */
	if (q->max_km > 0 && !q->dept)
		gap_lift_km(&w->lifts[ri], q, w->idx, 0, 0);
	else
		gap_lift_no_distance(&w->lifts[ri], q);
	if (!q->dept)
		add_steps(w, ri, km, (int)(sizeof(km) / sizeof(km[0])));
}

static const char *
plural(uint32_t n)
{
	return n > 1 ? "s" : "";
}

/* Append to buf; truncates, never overflows. */
static void __attribute__((format(printf, 3, 4)))
cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t off = strlen(buf);
	va_list ap;

	if (off + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
}

static void
req_text(const struct score_query *q, struct diagnose_req *r)
{
	static const char *const without[] = { "lui", "elle", "eux" };
	char label[GAP_LABEL_MAX], date[8];
	int g, s;

	g = gap_label(q, r->kind, r->item, label, sizeof(label));
	r->text[0] = '\0';
	if (r->kind == GAP_LICENCE || r->kind == GAP_SKILL)
		cat(r->text, sizeof(r->text), "%s exigé%s : ", label,
		    g == GAP_FEM ? "e" : "");
	else
		cat(r->text, sizeof(r->text), "%s : ", label);
	for (s = 0; s < r->nsteps; s++) {
		if (r->kind == GAP_AVAILABILITY) {
			gap_ddmm(q->start + r->step[s], date, sizeof(date));
			cat(r->text, sizeof(r->text), "au %s", date);
		} else if (q->max_km > 0)
			cat(r->text, sizeof(r->text), "à %d km",
			    (int)q->max_km + r->step[s]);
		else
			cat(r->text, sizeof(r->text), "+%d km", r->step[s]);
		cat(r->text, sizeof(r->text), ", +%u ; ", r->added[s]);
	}
	if (r->kind == GAP_AVAILABILITY)
		cat(r->text, sizeof(r->text), "sans condition de date");
	else if (r->kind == GAP_DISTANCE && q->max_km <= 0 && !q->dept)
		cat(r->text, sizeof(r->text), "sans limite");
	else
		cat(r->text, sizeof(r->text), "sans %s", without[g]);
	cat(r->text, sizeof(r->text), ", +%u candidat%s", r->alone,
	    plural(r->alone));
}

void
diagnose_offer(const struct index *idx, const struct score_query *q,
    struct diagnose_result *out)
{
	struct walk w;
	int i;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.idx = idx;
	w.q = q;
	w.out = out;
	w.lifts = xcalloc(DIAGNOSE_REQS_MAX, sizeof(*w.lifts));
	prepare_reqs(&w);
	out->candidates = gap_walk(idx, q, visit, &w);
	for (i = 0; i < out->nreqs; i++) {
		req_text(q, &out->reqs[i]);
		free(w.steps[i]);
	}
	free(w.lifts);
	snprintf(out->text, sizeof(out->text), "%u candidat%s éligible%s",
	    out->eligible, plural(out->eligible), plural(out->eligible));
}
