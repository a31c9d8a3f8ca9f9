/*
 * The offer's requirements one at a time: lifted queries, which
 * requirement a candidate misses, the walk over the domain, the names.
 * Every verdict is score_entry()'s; see gap.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "domain.h"
#include "gap.h"
#include "xmalloc.h"

void
gap_lift_copy(struct gap_lift *l, const struct score_query *q)
{
	l->q = *q;
	l->radius_add = 0;
}

void
gap_lift_skill(struct gap_lift *l, const struct score_query *q, int i)
{
	int j;

	gap_lift_copy(l, q);
	memmove(&l->q.req[i], &l->q.req[i + 1],
	    (size_t)(q->nreq - i - 1) * sizeof(l->q.req[0]));
	l->q.nreq--;
	/* The skill nobody has may be the one lifted. */
	l->q.req_impossible = 0;
	for (j = 0; j < l->q.nreq; j++)
		if (l->q.req[j] < 0)
			l->q.req_impossible = 1;
}

void
gap_lift_licence(struct gap_lift *l, const struct score_query *q, int lic)
{
	gap_lift_copy(l, q);
	l->q.licences_required &= (uint16_t)~(1u << lic);
}

void
gap_lift_days(struct gap_lift *l, const struct score_query *q, int days)
{
	gap_lift_copy(l, q);
	l->q.latest_available = days < 0 ? INT32_MAX :
	    q->latest_available + days;
}

void
gap_lift_contract(struct gap_lift *l, const struct score_query *q)
{
	gap_lift_copy(l, q);
	l->q.contract_bit = UINT32_MAX;
}

void
gap_lift_age(struct gap_lift *l, const struct score_query *q)
{
	gap_lift_copy(l, q);
	l->q.age_rule = 0;
}

void
gap_lift_clause(struct gap_lift *l, const struct score_query *q)
{
	/* priority_criteria was fixed by score_prepare(): scores unchanged. */
	gap_lift_copy(l, q);
	l->q.clause = 0;
}

void
gap_lift_km(struct gap_lift *l, const struct score_query *q,
    const struct index *idx, int max_km, int radius_add)
{
	/* Re-prepared: the distance component's table depends on max_km. */
	l->o = *q->offer;
	l->o.max_km = max_km;
	score_prepare(&l->q, &l->o, idx, q->m, q->today, q->referred,
	    q->nreferred);
	l->radius_add = radius_add;
}

void
gap_lift_no_distance(struct gap_lift *l, const struct score_query *q)
{
	gap_lift_copy(l, q);
	l->q.dept = 0;
	l->q.max_km = 0;
	l->radius_add = GAP_RADIUS_ANY;
}

static int
lifted(const struct gap_lift *l, const struct index *idx, uint32_t slot,
    const struct cand_key *k, int code, int months, double floor,
    struct score_result *res)
{
	struct cand_key view = *k;
	int r = k->radius_km + l->radius_add;

	view.radius_km = (uint16_t)(r > UINT16_MAX ? UINT16_MAX : r);
	return score_entry(&l->q, idx, slot, &view, code, months, floor, res);
}

int
gap_score(const struct gap_lift *l, const struct index *idx, uint32_t slot,
    const struct cand_key *k, int code, int months, struct score_result *res)
{
	return lifted(l, idx, slot, k, code, months, -1.0, res);
}

int
gap_passes(const struct gap_lift *l, const struct index *idx, uint32_t slot,
    const struct cand_key *k, int code, int months)
{
	struct score_result res;

	return lifted(l, idx, slot, k, code, months, GAP_VERDICT_ONLY,
	    &res) < 0;
}

int
gap_of_filter(const struct score_query *q, const struct index *idx,
    uint32_t slot, const struct cand_key *k, int f, int *item)
{
	uint32_t miss;
	int i, n;

	*item = -1;
	switch (f) {
	case FILTER_CONTRACT:		return GAP_CONTRACT;
	case FILTER_AVAILABILITY:	return GAP_AVAILABILITY;
	case FILTER_AGE:		return GAP_AGE;
	case FILTER_CLAUSE:		return GAP_CLAUSE;
	case FILTER_DISTANCE:		return GAP_DISTANCE;
	case FILTER_LICENCES:
		miss = q->licences_required & ~(uint32_t)k->licences;
		if (__builtin_popcount(miss) != 1)
			return -1;
		*item = __builtin_ctz(miss);
		return GAP_LICENCE;
	case FILTER_SKILLS:
		for (i = 0, n = 0; i < q->nreq; i++)
			if (!score_has_skill(&idx->recs[slot], q->req[i])) {
				n++;
				*item = i;
			}
		if (n != 1) {
			*item = -1;
			return -1;
		}
		return GAP_SKILL;
	default:
		return -1;
	}
}

uint32_t
gap_walk(const struct index *idx, const struct score_query *q,
    gap_visit_fn *fn, void *ctx)
{
	const struct posting_entry *e;
	uint64_t *seen, bit;
	uint32_t i, n = 0;
	int k, code;

	if (q->rome_id < 0)
		return 0;	/* a code nobody can hold */
	seen = xcalloc((idx->nrecs + 63) / 64 + 1, sizeof(uint64_t));
	/* k = dom_first - 1 stands for the offer's own code, walked first. */
	for (k = q->dom_first - 1; k <= q->dom_last; k++) {
		code = k < q->dom_first ? q->rome_id : k;
		if (k >= q->dom_first && code == q->rome_id)
			continue;
		e = idx->postings[code].e;
		for (i = 0; i < idx->postings[code].n; i++, e++) {
			if (!(e->k.sectors & q->sector_bit) ||
			    e->k.status != STATUS_AVAILABLE)
				continue;
			bit = UINT64_C(1) << (e->slot & 63);
			if (seen[e->slot >> 6] & bit)
				continue;
			seen[e->slot >> 6] |= bit;
			n++;
			fn(ctx, e->slot, &e->k, code, e->months);
		}
	}
	free(seen);
	return n;
}

/* Tags written in capitals. */
static const char *const acronyms[] = { "sst", "oppbtp", "aipr", "fimo",
    "fco", "cqp", "pse1", "pse2", "ssiap" };

/*
 * Append src to buf at *off, upper-cased if upper (ASCII: tags are, and
 * no locale may change a label); never overflows.
 */
static void
put(char *buf, size_t len, size_t *off, const char *src, int upper)
{
	for (; *src != '\0' && *off + 1 < len; src++)
		buf[(*off)++] = upper && *src >= 'a' && *src <= 'z' ?
		    (char)(*src - 'a' + 'A') : *src;
	buf[*off] = '\0';
}

int
gap_skill_label(const char *tag, char *buf, size_t len)
{
	const char *p;
	size_t off = 0, i;

	buf[0] = '\0';
	if (strncmp(tag, "caces", 5) == 0 && (tag[5] == '\0' ||
	    tag[5] == '-')) {
		/* caces-r489-3 -> CACES R489 cat. 3 */
		put(buf, len, &off, "CACES", 0);
		p = tag + 5;
		if (*p == '-') {
			const char *dash = strchr(p + 1, '-');
			char norm[SKILL_MAX_LEN + 1];

			snprintf(norm, sizeof(norm), "%.*s", dash ? (int)(dash -
			    p - 1) : (int)strlen(p + 1), p + 1);
			put(buf, len, &off, " ", 0);
			put(buf, len, &off, norm, 1);
			if (dash != NULL) {
				put(buf, len, &off, " cat. ", 0);
				put(buf, len, &off, dash + 1, 1);
			}
		}
		return GAP_MASC;
	}
	if (strncmp(tag, "habilitation-", 13) == 0) {
		p = tag + 13;
		put(buf, len, &off, "habilitation ", 0);
		if (strcmp(p, "electrique") == 0)
			put(buf, len, &off, "électrique", 0);
		else
			put(buf, len, &off, p, strlen(p) <= 3);
		return GAP_FEM;
	}
	for (i = 0; i < sizeof(acronyms) / sizeof(acronyms[0]); i++)
		if (strcmp(tag, acronyms[i]) == 0) {
			put(buf, len, &off, tag, 1);
			return GAP_MASC;
		}
	put(buf, len, &off, tag, 0);
	for (i = 0; i < off; i++)
		if (buf[i] == '-')
			buf[i] = ' ';
	return GAP_MASC;
}

void
gap_km_fr(double km, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "%.1f", km);
	if ((p = strchr(buf, '.')) != NULL)
		*p = ',';
}

void
gap_ddmm(int32_t day, char *buf, size_t len)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	snprintf(buf, len, "%02d/%02d", d, m);
}

int
gap_label(const struct score_query *q, int kind, int item, char *buf,
    size_t len)
{
	const struct offer *o = q->offer;
	char date[8];

	switch (kind) {
	case GAP_SKILL:
		return gap_skill_label(o->skills_required[item], buf, len);
	case GAP_LICENCE:
		snprintf(buf, len, "permis %s", vocab_name(&vocab_licence,
		    item));
		return GAP_MASC;
	case GAP_CONTRACT:
		snprintf(buf, len, "contrat %s", vocab_label(&vocab_contract,
		    o->contract));
		return GAP_MASC;
	case GAP_AVAILABILITY:
		gap_ddmm(q->start, date, sizeof(date));
		if (q->start == q->today)
			snprintf(buf, len, "début immédiat (%s)", date);
		else
			snprintf(buf, len, "début le %s", date);
		return GAP_MASC;
	case GAP_AGE:
		if (q->age_max >= OFFER_AGE_MAX)
			snprintf(buf, len, "âge %d ans et plus", q->age_min);
		else
			snprintf(buf, len, "âge %d à %d ans", q->age_min,
			    q->age_max);
		return GAP_MASC;
	case GAP_CLAUSE:
		snprintf(buf, len, "critères de la clause");
		return GAP_PLURAL;
	default:
		if (q->dept)
			snprintf(buf, len, "département %s", o->department);
		else if (q->max_km > 0)
			snprintf(buf, len, "rayon %d km", (int)q->max_km);
		else
			snprintf(buf, len, "rayon des candidats");
		return GAP_MASC;
	}
}
