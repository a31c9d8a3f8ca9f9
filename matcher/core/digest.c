/*
 * The digest (digest.h): one walk of the offer table collects every
 * entry of each list, then each list is sorted and cut.
 */
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "xmalloc.h"

int
digest_waiting(int status)
{
	return status == REFERRAL_SENT || status == REFERRAL_INTERVIEW;
}

/* Newest first, ties by id for a stable order. */
static int
offer_cmp(const void *a, const void *b)
{
	const struct offer_entry *x = *(const struct offer_entry *const *)a;
	const struct offer_entry *y = *(const struct offer_entry *const *)b;

	if (x->created_at != y->created_at)
		return x->created_at < y->created_at ? 1 : -1;
	return strcmp(x->offer.id, y->offer.id);
}

static int
ref_tie(const struct digest_ref *x, const struct digest_ref *y)
{
	int c = strcmp(x->e->offer.id, y->e->offer.id);

	return c != 0 ? c : strcmp(x->r->candidate, y->r->candidate);
}

static int
ref_oldest(const void *a, const void *b)
{
	const struct digest_ref *x = a, *y = b;

	if (x->r->updated_at != y->r->updated_at)
		return x->r->updated_at < y->r->updated_at ? -1 : 1;
	return ref_tie(x, y);
}

static int
ref_newest(const void *a, const void *b)
{
	const struct digest_ref *x = a, *y = b;

	if (x->r->updated_at != y->r->updated_at)
		return x->r->updated_at < y->r->updated_at ? 1 : -1;
	return ref_tie(x, y);
}

/* Append to a growing array of refs. */
static void
ref_push(struct digest_ref **v, uint32_t *n, uint32_t *cap,
    const struct offer_entry *e, const struct offer_ref *r)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[*n].e = e;
	(*v)[(*n)++].r = r;
}

void
digest_build(const struct offer_table *t, uint32_t sectors, int64_t since,
    int count, struct digest *d)
{
	const struct offer_entry *e;
	uint32_t pos = 0, i, capo = 0, capw = 0, caph = 0;

	memset(d, 0, sizeof(*d));
	if (count < 1)
		count = 1;
	if (count > DIGEST_LIST_MAX)
		count = DIGEST_LIST_MAX;
	while ((e = offer_table_next(t, &pos)) != NULL) {
		if (!(sectors & (1u << e->offer.sector)))
			continue;
		if (!e->closed && e->created_at >= since) {
			if (d->noffers == capo) {
				capo = capo ? capo * 2 : 32;
				d->offers = xreallocarray(d->offers, capo,
				    sizeof(*d->offers));
			}
			d->offers[d->noffers++] = e;
		}
		for (i = 0; i < e->nrefs; i++) {
			if (!e->closed && digest_waiting(e->refs[i].status))
				ref_push(&d->waiting, &d->nwaiting, &capw, e,
				    &e->refs[i]);
			else if (e->refs[i].status == REFERRAL_HIRED &&
			    e->refs[i].updated_at >= since)
				ref_push(&d->hires, &d->nhires, &caph, e,
				    &e->refs[i]);
		}
	}
	if (d->noffers)
		qsort(d->offers, d->noffers, sizeof(*d->offers), offer_cmp);
	if (d->nwaiting)
		qsort(d->waiting, d->nwaiting, sizeof(*d->waiting),
		    ref_oldest);
	if (d->nhires)
		qsort(d->hires, d->nhires, sizeof(*d->hires), ref_newest);
	d->offers_total = d->noffers;
	d->waiting_total = d->nwaiting;
	d->hires_total = d->nhires;
	if (d->noffers > (uint32_t)count)
		d->noffers = (uint32_t)count;
	if (d->nwaiting > (uint32_t)count)
		d->nwaiting = (uint32_t)count;
	if (d->nhires > (uint32_t)count)
		d->nhires = (uint32_t)count;
}

void
digest_free(struct digest *d)
{
	free(d->offers);
	free(d->waiting);
	free(d->hires);
	memset(d, 0, sizeof(*d));
}
