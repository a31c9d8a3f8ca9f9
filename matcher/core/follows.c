/*
 * The follows table (follows.h): a sorted array, searched by bisection.
 */
#include <stdlib.h>
#include <string.h>

#include "follows.h"
#include "xmalloc.h"

struct follows *
follows_new(void)
{
	return xcalloc(1, sizeof(struct follows));
}

void
follows_free(struct follows *f)
{
	if (f == NULL)
		return;
	free(f->v);
	free(f);
}

static int
pair_cmp(const struct follow *a, const char *candidate, const char *user)
{
	int c;

	if ((c = strcmp(a->candidate, candidate)) != 0)
		return c;
	return user != NULL ? strcmp(a->user, user) : 0;
}

/* The first index whose pair is not below (candidate, user). */
static size_t
lower_bound(const struct follows *f, const char *candidate, const char *user)
{
	size_t lo = 0, hi = f->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pair_cmp(&f->v[mid], candidate, user) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
follows_has(const struct follows *f, const char *candidate, const char *user)
{
	size_t i = lower_bound(f, candidate, user);

	return i < f->n && pair_cmp(&f->v[i], candidate, user) == 0;
}

int64_t
follows_since(const struct follows *f, const char *candidate,
    const char *user)
{
	size_t i = lower_bound(f, candidate, user);

	if (i < f->n && pair_cmp(&f->v[i], candidate, user) == 0)
		return f->v[i].since;
	return -1;
}

size_t
follows_count_user(const struct follows *f, const char *user)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		n += strcmp(f->v[i].user, user) == 0;
	return n;
}

int
follows_add(struct follows *f, const char *candidate, const char *user,
    int64_t since)
{
	struct follow *p;
	size_t i = lower_bound(f, candidate, user);

	if (i < f->n && pair_cmp(&f->v[i], candidate, user) == 0)
		return 1;
	if (f->n >= FOLLOWS_MAX ||
	    follows_count_user(f, user) >= FOLLOWS_PER_USER_MAX)
		return -1;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->v = xreallocarray(f->v, f->cap, sizeof(*f->v));
	}
	memmove(&f->v[i + 1], &f->v[i], (f->n - i) * sizeof(*f->v));
	p = &f->v[i];
	memset(p, 0, sizeof(*p));
	strncpy(p->candidate, candidate, sizeof(p->candidate) - 1);
	strncpy(p->user, user, sizeof(p->user) - 1);
	p->since = since;
	f->n++;
	return 0;
}

static int
follow_cmp(const void *a, const void *b)
{
	const struct follow *x = a, *y = b;

	return pair_cmp(x, y->candidate, y->user);
}

size_t
follows_load(struct follows *f, const struct follow *v, size_t n)
{
	size_t i, kept = 0;

	if (n > FOLLOWS_MAX)
		n = FOLLOWS_MAX;
	f->v = xreallocarray(f->v, n ? n : 1, sizeof(*f->v));
	f->cap = n ? n : 1;
	if (n == 0) {
		f->n = 0;
		return 0;
	}
	memcpy(f->v, v, n * sizeof(*v));
	qsort(f->v, n, sizeof(*f->v), follow_cmp);
	for (i = 0; i < n; i++)
		if (kept == 0 || follow_cmp(&f->v[kept - 1], &f->v[i]) != 0)
			f->v[kept++] = f->v[i];
	f->n = kept;
	return kept;
}

/* Drop n pairs from index i. */
static void
drop(struct follows *f, size_t i, size_t n)
{
	memmove(&f->v[i], &f->v[i + n], (f->n - i - n) * sizeof(*f->v));
	f->n -= n;
}

int
follows_remove(struct follows *f, const char *candidate, const char *user)
{
	size_t i = lower_bound(f, candidate, user);

	if (i >= f->n || pair_cmp(&f->v[i], candidate, user) != 0)
		return 0;
	drop(f, i, 1);
	return 1;
}

size_t
follows_of(const struct follows *f, const char *candidate, size_t *first)
{
	size_t i = lower_bound(f, candidate, NULL), n = 0;

	*first = i;
	while (i + n < f->n && strcmp(f->v[i + n].candidate, candidate) == 0)
		n++;
	return n;
}

size_t
follows_remove_candidate(struct follows *f, const char *candidate)
{
	size_t first, n = follows_of(f, candidate, &first);

	if (n > 0)
		drop(f, first, n);
	return n;
}
