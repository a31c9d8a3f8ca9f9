/*
 * The pre-filter of the rules (rules_prefilter.h).
 *
 * Most rules match few texts, and running some 200 patterns over a text
 * costs far more than looking once for their words.  So at load each
 * pattern is read for two sets of literals:
 *   - literals of which every match contains one ("permis" for most
 *     [licence] rules, "caces" or "r489"...): a rule none of whose
 *     literals is in the text is not run, it could not match;
 *   - when there are such, literals of which every match starts with one
 *     (its leading words): a rule that has them is tried, anchored, only
 *     where one of them is in the text, in text order, instead of being
 *     searched for over the whole text.  No match can start anywhere
 *     else, so the first match found is the one the search would find.
 * How a pattern is read for them is in rules_literals.c.  Each text is
 * scanned once for all the literals of the set (see
 * rules_prefilter_scan()).
 *
 * When a pattern's matches have a longest length (bounded repeats only;
 * a character of a class counts 4 bytes), a try at a leading literal is
 * made only if one of the contained literals lies wholly within that many
 * bytes from it: "contrat" far from any "mois" is not tried for "CDD de
 * 6 mois".
 *
 * The match limit applies to each try, per start position as rules.h
 * says; the JIT counts it over a whole search instead.  So only a text on
 * which a plain search would have been abandoned at the limit can give
 * another result (a fact where the search gave up).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"
#include "rules_prefilter.h"
#include "xmalloc.h"

/*
 * The pre-filter's tables: the distinct literals of every rule, and the
 * rules that have none.  Rules are numbered 0..nrules-1 for rules[] and
 * nrules.. for wording[].
 */
struct lit {
	const char	*s;
	int		 len;
	uint32_t	 key;		/* first min(len, 3) bytes, and that */
	int		 first, count;	/* the rules it lets run, in ids[] */
	int		 places;	/* its places in texts are kept */
};

struct pf_slot {
	uint32_t	 key;		/* 0: empty */
	int		 first, count;	/* literals in lits[] */
};

struct prefilter {
	struct lit	*lits;		/* sorted by key */
	int		 nlits;
	int		*ids;		/* rules of each literal */
	/*
	 * Per rule, [0] its contained literals and [1] its leading ones:
	 * lits[] indexes in rlits[k][rfirst[k][rule]...], rcount[k][rule].
	 */
	int		*rfirst[2], *rcount[2], *rlits[2];
	uint64_t	*always;	/* rules without literals */
	int		 nwords;	/* uint64_t words of a rule set */
	struct pf_slot	*slots;		/* key -> literals, open addressing */
	uint32_t	 mask;		/* slots - 1 */
	int		 shift;		/* 32 - log2(slots) */
	/*
	 * 1-byte literals are not looked up by the scan (some are in most
	 * texts, "r" or "3"): memchr() finds them when needed.  ones[] are
	 * those that let rules run.
	 */
	int		*ones;
	int		 nones;
	uint64_t	 bits2[65536 / 64];	/* a 2-byte literal */
	uint64_t	 bits3[65536 / 64];	/* longer ones, hashed */
};

/* The key of a literal or of text at a position: up to 3 bytes, and n. */
static uint32_t
lit_key(const unsigned char *s, int n)
{
	uint32_t k = (uint32_t)n << 24 | (uint32_t)s[0] << 16;

	if (n > 1)
		k |= (uint32_t)s[1] << 8;
	if (n > 2)
		k |= s[2];
	return k;
}

static uint32_t
hash3(uint32_t k)
{
	return ((k & 0xffffff) * 2654435761u) >> 16;
}

static uint32_t
slot_hash(const struct prefilter *pf, uint32_t k)
{
	return (k * 2654435761u) >> pf->shift;
}

/* One literal of one rule, while building the tables. */
struct lit_entry {
	const char	*s;
	int		 len;
	uint32_t	 key;
	int		 rule;
	int		 lead;		/* a leading literal, else contained */
	int		 lit;		/* its index in pf->lits */
};

static int
cmp_entry(const void *a, const void *b)
{
	const struct lit_entry *x = a, *y = b;
	int c;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if ((c = memcmp(x->s, y->s, (size_t)(x->len < y->len ? x->len :
	    y->len))) != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->lead != y->lead)
		return x->lead - y->lead;
	return x->rule - y->rule;
}

static const struct rule *
rule_at(const struct rules *r, int i)
{
	return i < r->nrules ? &r->rules[i] : &r->wording[i - r->nrules];
}

/* Entries for the literals of every rule into e (NULL: count them). */
static size_t
lit_entries(const struct rules *r, struct lit_entry *e)
{
	const struct rule *ru;
	const char *l;
	size_t k = 0;
	int i, j, lead, n;

	for (i = 0; i < r->nrules + r->nwording; i++) {
		ru = rule_at(r, i);
		for (lead = 0; lead < 2; lead++) {
			n = lead ? ru->npre : ru->nlits;
			l = lead ? ru->pre : ru->lits;
			for (j = 0; j < n; j++, l += strlen(l) + 1, k++) {
				if (e == NULL)
					continue;
				e[k].s = l;
				e[k].len = (int)strlen(l);
				e[k].key = lit_key((const unsigned char *)l,
				    e[k].len < 3 ? e[k].len : 3);
				e[k].rule = i;
				e[k].lead = lead;
			}
		}
	}
	return k;
}

/*
 * The tables of the pre-filter: every (literal, rule) pair sorted by
 * literal, merged into distinct literals with the rules they let run, and
 * for each rule the indexes of its contained and of its leading literals;
 * the literals of 2 bytes or more found by their first bytes through a
 * hash table, with a bitmap in front of it for 2 bytes and one for 3 or
 * more; the 1-byte ones listed.
 */
void
rules_prefilter_build(struct rules *r)
{
	struct prefilter *pf = xcalloc(1, sizeof(*pf));
	struct lit_entry *e;
	const struct rule *ru;
	struct lit *l;
	size_t ne, k;
	uint32_t h, size = 16;
	int i, j, m, n = r->nrules + r->nwording, nkeys = 0;

	r->pf = pf;
	pf->nwords = (n + 63) / 64;
	pf->always = xcalloc((size_t)pf->nwords + 1, sizeof(uint64_t));
	for (i = 0; i < n; i++)
		if (rule_at(r, i)->nlits < 0)
			BIT_SET(pf->always, i);
	ne = lit_entries(r, NULL);
	e = xcalloc(ne + 1, sizeof(*e));
	(void)lit_entries(r, e);
	qsort(e, ne, sizeof(*e), cmp_entry);
	pf->lits = xcalloc(ne + 1, sizeof(*pf->lits));
	pf->ids = xcalloc(ne + 1, sizeof(*pf->ids));
	for (i = 0; i < 2; i++) {
		pf->rfirst[i] = xcalloc((size_t)n + 1, sizeof(int));
		pf->rcount[i] = xcalloc((size_t)n + 1, sizeof(int));
		pf->rlits[i] = xcalloc(ne + 1, sizeof(int));
	}
	for (k = 0, m = 0; k < ne; k++) {
		if (k == 0 || e[k].len != e[k - 1].len ||
		    memcmp(e[k].s, e[k - 1].s, (size_t)e[k].len) != 0) {
			l = &pf->lits[pf->nlits++];
			l->s = e[k].s;
			l->len = e[k].len;
			l->key = e[k].key;
			l->first = m;
			if (pf->nlits == 1 || l[-1].key != l->key)
				nkeys++;
		}
		e[k].lit = pf->nlits - 1;
		if (!e[k].lead) {
			pf->ids[m++] = e[k].rule;
			pf->lits[e[k].lit].count++;
		}
		/*
		 * Places are kept for leading literals, and for the
		 * contained literals of a rule tried at leading literals
		 * that has a longest match: see search().
		 */
		ru = rule_at(r, e[k].rule);
		if ((e[k].lead || (ru->npre >= 0 && ru->maxlen >= 0)) &&
		    e[k].len > 1)
			pf->lits[e[k].lit].places = 1;
	}
	/* Each rule's literals of both kinds, rule by rule. */
	for (k = 0; k < ne; k++)
		pf->rcount[e[k].lead][e[k].rule]++;
	for (j = 0; j < 2; j++)
		for (i = 0, m = 0; i < n; i++) {
			pf->rfirst[j][i] = m;
			m += pf->rcount[j][i];
			pf->rcount[j][i] = 0;
		}
	for (k = 0; k < ne; k++) {
		j = e[k].lead;
		pf->rlits[j][pf->rfirst[j][e[k].rule] +
		    pf->rcount[j][e[k].rule]++] = e[k].lit;
	}
	free(e);
	for (pf->shift = 28; size < 2u * (uint32_t)nkeys; pf->shift--)
		size *= 2;
	pf->slots = xcalloc(size, sizeof(*pf->slots));
	pf->ones = xcalloc((size_t)pf->nlits + 1, sizeof(int));
	pf->mask = size - 1;
	for (i = 0; i < pf->nlits; i = m) {
		for (m = i + 1; m < pf->nlits && pf->lits[m].key ==
		    pf->lits[i].key; m++)
			;
		h = slot_hash(pf, pf->lits[i].key);
		while (pf->slots[h].key != 0)
			h = (h + 1) & pf->mask;
		pf->slots[h].key = pf->lits[i].key;
		pf->slots[h].first = i;
		pf->slots[h].count = m - i;
		switch (pf->lits[i].len < 3 ? pf->lits[i].len : 3) {
		case 1:
			if (pf->lits[i].count > 0)
				pf->ones[pf->nones++] = i;
			break;
		case 2:
			BIT_SET(pf->bits2, (pf->lits[i].key >> 8) & 0xffff);
			break;
		default:
			BIT_SET(pf->bits3, hash3(pf->lits[i].key));
			break;
		}
	}
}

void
rules_prefilter_free(struct prefilter *pf)
{
	int i;

	if (pf == NULL)
		return;
	free(pf->lits);
	free(pf->ids);
	free(pf->always);
	for (i = 0; i < 2; i++) {
		free(pf->rfirst[i]);
		free(pf->rcount[i]);
		free(pf->rlits[i]);
	}
	free(pf->slots);
	free(pf->ones);
	free(pf);
}

/* Literal lit is at s[i] of t: add the place to its list. */
static void
place_add(const struct prefilter *pf, struct text *t, int lit, size_t i)
{
	if (t->ohead == NULL) {
		t->ohead = xmalloc(2 * (size_t)pf->nlits * sizeof(int));
		t->otail = t->ohead + pf->nlits;
		memset(t->ohead, 0xff, (size_t)pf->nlits * sizeof(int));
	}
	if (t->nocc == t->occcap) {
		/* A place every 8 bytes is more than texts have. */
		t->occcap = t->occcap == 0 ? (int)(t->len / 8) + 64 :
		    2 * t->occcap;
		t->occ = xreallocarray(t->occ, (size_t)t->occcap,
		    sizeof(*t->occ));
	}
	t->occ[t->nocc].pos = (uint32_t)i;
	t->occ[t->nocc].next = -1;
	if (t->ohead[lit] < 0)
		t->ohead[lit] = t->nocc;
	else
		t->occ[t->otail[lit]].next = t->nocc;
	t->otail[lit] = t->nocc++;
}

/* Mark the rules of the literals whose key is at s[i] of t. */
static void
prefilter_key(const struct prefilter *pf, struct text *t, size_t i,
    uint32_t key)
{
	const struct pf_slot *sl;
	const struct lit *l, *e;
	uint32_t h = slot_hash(pf, key);
	int k;

	while ((sl = &pf->slots[h])->key != key) {
		if (sl->key == 0)
			return;		/* a bitmap collision */
		h = (h + 1) & pf->mask;
	}
	/* The key holds the first min(len, 3) bytes: compare the rest. */
	for (l = &pf->lits[sl->first], e = l + sl->count; l < e; l++) {
		if ((size_t)l->len > t->len - i)
			continue;
		for (k = 3; k < l->len && t->s[i + k] == l->s[k]; k++)
			;
		if (k < l->len)
			continue;
		for (k = l->first; k < l->first + l->count; k++)
			BIT_SET(t->active, pf->ids[k]);
		if (l->places)
			place_add(pf, t, (int)(l - pf->lits), i);
	}
}

/*
 * The rules worth running on t: those without literals, and those with
 * one of their literals in the text; every rule when the pre-filter is
 * off or the text holds a Kelvin sign (see rules_literals.c).
 */
void
rules_prefilter_scan(const struct rules *r, struct text *t)
{
	const struct prefilter *pf = r->pf;
	const unsigned char *s = (const unsigned char *)t->s;
	const struct lit *l;
	size_t i, n = t->len;
	uint32_t k2, c, high;
	int k;

	t->places = 0;
	t->ascii = 0;
	t->ohead = t->otail = NULL;
	t->occ = NULL;
	t->nocc = t->occcap = 0;
	if (!r->prefilter_on) {
		memset(t->active, 0xff, (size_t)pf->nwords * sizeof(uint64_t));
		return;
	}
	memcpy(t->active, pf->always, (size_t)pf->nwords * sizeof(uint64_t));
	for (i = 0, high = 0; i < n; i++) {
		c = s[i];
		high |= c;
		k2 = c << 8 | s[i + 1];		/* s[n] is the NUL */
		if (c == 0xe2 && k2 == 0xe284 && s[i + 2] == 0xaa) {
			memset(t->active, 0xff,
			    (size_t)pf->nwords * sizeof(uint64_t));
			return;		/* places stays 0 */
		}
		if (BIT_ISSET(pf->bits2, k2))
			prefilter_key(pf, t, i, 2u << 24 | k2 << 8);
		if (i + 2 < n && BIT_ISSET(pf->bits3,
		    hash3(k2 << 8 | s[i + 2])))
			prefilter_key(pf, t, i, 3u << 24 | k2 << 8 | s[i + 2]);
	}
	for (i = 0; i < (size_t)pf->nones; i++) {
		l = &pf->lits[pf->ones[i]];
		if (memchr(s, l->s[0], n) != NULL)
			for (k = l->first; k < l->first + l->count; k++)
				BIT_SET(t->active, pf->ids[k]);
	}
	t->places = 1;
	t->ascii = high < 0x80;
}

void
rules_prefilter_cands_init(const struct rules *r, const struct text *t, int idx,
    struct cands *c)
{
	const struct prefilter *pf = r->pf;
	const struct rule *ru = rule_at(r, idx);
	const struct lit *l;
	const char *q;
	const int *lits;
	int j, k, h, m;

	c->search = !t->places || ru->npre < 0;
	if (c->search)
		return;
	c->window = ru->maxlen >= 0;
	c->maxlen = ru->maxlen;
	for (k = 0; k < 2; k++) {
		c->n[k] = 0;
		if (k == 0 && !c->window)
			continue;
		lits = pf->rlits[k] + pf->rfirst[k][idx];
		for (j = 0; j < pf->rcount[k][idx]; j++) {
			l = &pf->lits[lits[j]];
			m = c->n[k];
			if (l->len == 1) {
				if ((q = memchr(t->s, l->s[0], t->len)) == NULL)
					continue;
				c->pos[k][m] = (size_t)(q - t->s);
				c->cur[k][m] = -1;
				c->byte[k][m] = (unsigned char)l->s[0];
			} else {
				if (t->ohead == NULL ||
				    (h = t->ohead[lits[j]]) < 0)
					continue;
				c->pos[k][m] = t->occ[h].pos;
				c->cur[k][m] = h;
			}
			c->len[k][m] = k == 0 ? l->len : 0;
			c->n[k]++;
		}
	}
}

/* Literal j of [k] to its first place at or after from; -1 if none. */
static int
cands_advance(const struct text *t, struct cands *c, int k, int j,
    size_t from)
{
	const char *q;
	int h = c->cur[k][j];

	if (h < 0) {
		q = from < t->len ? memchr(t->s + from, c->byte[k][j],
		    t->len - from) : NULL;
		if (q == NULL)
			return -1;
		c->pos[k][j] = (size_t)(q - t->s);
		return 0;
	}
	while (h >= 0 && t->occ[h].pos < from)
		h = t->occ[h].next;
	if (h < 0)
		return -1;
	c->cur[k][j] = h;
	c->pos[k][j] = t->occ[h].pos;
	return 0;
}

/*
 * The first place at or after from of the literals [k] (k 0: where the
 * literal there ends), or SIZE_MAX.
 */
static size_t
cands_first(const struct text *t, struct cands *c, int k, size_t from)
{
	size_t best = SIZE_MAX, at;
	int j, m;

	for (j = 0; j < c->n[k]; j++) {
		if (c->pos[k][j] < from && cands_advance(t, c, k, j,
		    from) < 0) {
			/* Gone: the last one takes its slot. */
			m = --c->n[k];
			c->pos[k][j] = c->pos[k][m];
			c->cur[k][j] = c->cur[k][m];
			c->byte[k][j] = c->byte[k][m];
			c->len[k][j] = c->len[k][m];
			j--;
			continue;
		}
		at = c->pos[k][j] + (size_t)c->len[k][j];
		if (at < best)
			best = at;
	}
	return best;
}

/*
 * The first place at or after from worth a try: a leading literal's with
 * a contained literal within maxlen bytes.  A leading literal's place p
 * whose nearest contained literal after it ends at e > p + maxlen lets
 * every place before e - maxlen go as well.  SIZE_MAX if none.
 */
size_t
rules_prefilter_cands_next(const struct text *t, struct cands *c, size_t from)
{
	size_t p, e;

	for (;;) {
		if ((p = cands_first(t, c, 1, from)) == SIZE_MAX ||
		    !c->window)
			return p;
		if ((e = cands_first(t, c, 0, p)) == SIZE_MAX)
			return SIZE_MAX;
		if (e <= p + (size_t)c->maxlen)
			return p;
		from = e - (size_t)c->maxlen;
	}
}
