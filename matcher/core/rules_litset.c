/*
 * Small sets of literal strings (rules_litset.h): the algebra the reading
 * of a pattern combines its parts with, and the choice between two sets
 * of literals (the rarer, the better).
 */
#include <stdlib.h>
#include <string.h>

#include "rules_litset.h"
#include "xmalloc.h"

void
rules_litset_empty_string(struct litset *s)
{
	s->n = 1;
	s->len[0] = 0;
}

/* Add a string; 0, or -1 if it does not fit. */
int
rules_litset_add(struct litset *s, const char *str, size_t len)
{
	int i;

	if (s->n < 0)
		return 0;
	if (len > LIT_LEN_MAX)
		return -1;
	for (i = 0; i < s->n; i++)
		if (s->len[i] == len && memcmp(s->s[i], str, len) == 0)
			return 0;
	if (s->n == LIT_SET_MAX)
		return -1;
	memcpy(s->s[s->n], str, len);
	s->len[s->n++] = (unsigned char)len;
	return 0;
}

/* a into out; -1 if either is unknown or it does not fit. */
int
rules_litset_union(struct litset *out, const struct litset *a)
{
	int i;

	if (out->n < 0 || a->n < 0)
		return -1;
	for (i = 0; i < a->n; i++)
		if (rules_litset_add(out, a->s[i], a->len[i]) < 0)
			return -1;
	return 0;
}

/* Every string of a followed by every string of b; -1 if too many. */
int
rules_litset_product(const struct litset *a, const struct litset *b,
    struct litset *out)
{
	char tmp[2 * LIT_LEN_MAX];
	int i, j;

	if (a->n < 0 || b->n < 0)
		return -1;
	out->n = 0;
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++) {
			memcpy(tmp, a->s[i], a->len[i]);
			memcpy(tmp + a->len[i], b->s[j], b->len[j]);
			if (rules_litset_add(out, tmp, (size_t)a->len[i] +
			    b->len[j]) < 0)
				return -1;
		}
	return 0;
}

/* a = a x b, or a unchanged and -1 if that does not fit. */
int
rules_litset_extend(struct litset *a, const struct litset *b)
{
	struct litset *t = xmalloc(sizeof(*t));
	int r;

	if ((r = rules_litset_product(a, b, t)) == 0)
		*a = *t;
	free(t);
	return r;
}

/* 1 if n occurs in h (as a prefix only: at_start). */
static int
lit_in(const char *h, size_t hl, const char *n, size_t nl, int at_start)
{
	size_t i;

	for (i = 0; i + nl <= hl; i++) {
		if (memcmp(h + i, n, nl) == 0)
			return 1;
		if (at_start)
			break;
	}
	return 0;
}

/*
 * Drop the strings that contain another one (that start with another
 * one: prefixes): the shorter one suffices.
 */
void
rules_litset_reduce(struct litset *s, int prefixes)
{
	int i, j, k = 0, drop;

	for (i = 0; i < s->n; i++) {
		drop = 0;
		for (j = 0; j < s->n && !drop; j++)
			drop = s->len[j] < s->len[i] && lit_in(s->s[i],
			    s->len[i], s->s[j], s->len[j], prefixes);
		if (drop)
			continue;
		if (k != i) {
			memcpy(s->s[k], s->s[i], s->len[i]);
			s->len[k] = s->len[i];
		}
		k++;
	}
	if (s->n > 0)
		s->n = k;
}

/* A set usable as literals: known, without the empty string. */
int
rules_litset_usable(const struct litset *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->len[i] == 0)
			return 0;
	return s->n >= 0;
}

static int
set_minlen(const struct litset *s)
{
	int i, m = LIT_LEN_MAX;

	for (i = 0; i < s->n; i++)
		if (s->len[i] < m)
			m = s->len[i];
	return m;
}

/*
 * 1 if a is better literals than b: usable; never matching beats all;
 * then the longer shortest literal (counted up to 6 bytes: "proprete"
 * is not much rarer than "agent"), then fewer literals.
 */
static int
set_better(const struct litset *a, const struct litset *b)
{
	int ma, mb;

	if (!rules_litset_usable(a))
		return 0;
	if (!rules_litset_usable(b))
		return 1;
	if (a->n == 0 || b->n == 0)
		return a->n == 0 && b->n != 0;
	ma = set_minlen(a) < 6 ? set_minlen(a) : 6;
	mb = set_minlen(b) < 6 ? set_minlen(b) : 6;
	if (ma != mb)
		return ma > mb;
	return a->n < b->n;
}

/* Keep cand (reduced) in best if it is better. */
void
rules_litset_consider(struct litset *best, const struct litset *cand)
{
	struct litset *c = xmalloc(sizeof(*c));

	*c = *cand;
	rules_litset_reduce(c, 0);
	if (set_better(c, best))
		*best = *c;
	free(c);
}
