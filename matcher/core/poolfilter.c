/*
 * The filters of candidate.list (poolfilter.h).  The cheap tests on the
 * record's key come first, the distance and the id search last, so that
 * a whole candidathèque is walked in a few milliseconds.
 */
#include <ctype.h>
#include <string.h>

#include "dates.h"
#include "geo.h"
#include "poolfilter.h"

/* km per degree of latitude on the mean sphere of geo.h. */
#define KM_PER_DEGREE	(GEO_EARTH_RADIUS_KM * 3.14159265358979323846 / 180.0)

void
poolfilter_init(struct pool_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->rome_first = f->rome_last = -1;
	f->skill = -1;
	f->available_by = DATE_NONE;
	f->updated_since = DATE_NONE;
}

static int
has_rome(const struct cand_rec *c, int first, int last)
{
	int i;

	for (i = 0; i < c->njobs; i++)
		if (c->ext[2 * i] >= first && c->ext[2 * i] <= last)
			return 1;
	return 0;
}

static int
has_skill(const struct cand_rec *c, int skill)
{
	int i;

	if (skill < 0 || !(c->k.skillmask & (UINT64_C(1) << (skill % 64))))
		return 0;
	for (i = 0; i < c->nskills; i++)
		if (c->ext[2 * c->njobs + i] == skill)
			return 1;
	return 0;
}

/* Case-insensitive: ids are ASCII (decode.h), advisers type either case. */
static int
has_substring(const char *s, const char *q)
{
	size_t i, n = strlen(q);

	for (; *s != '\0'; s++) {
		for (i = 0; i < n && s[i] != '\0' &&
		    tolower((unsigned char)s[i]) ==
		    tolower((unsigned char)q[i]); i++)
			;
		if (i == n)
			return 1;
	}
	return n == 0;
}

static int
near(const struct cand_key *k, const struct pool_filter *f)
{
	double dlat = k->lat - f->lat;

	/* A great circle is never shorter than its latitude difference. */
	if ((dlat < 0 ? -dlat : dlat) * KM_PER_DEGREE > f->within_km + 0.5)
		return 0;
	return geo_distance_km(k->lat, k->lon, f->lat, f->lon) <=
	    f->within_km;
}

int
poolfilter_match(const struct index *idx, uint32_t slot,
    const struct pool_filter *f, int32_t today)
{
	const struct cand_rec *c = &idx->recs[slot];
	const struct cand_key *k = &c->k;
	int32_t by;

	if (!(k->flags & CAND_F_LIVE) ||
	    (f->sectors != 0 && !(k->sectors & f->sectors)) ||
	    (f->statuses != 0 && !(f->statuses & (1u << k->status))) ||
	    (k->licences & f->licences) != f->licences ||
	    (f->criteria != 0 && !(k->criteria & f->criteria)))
		return 0;
	if (f->available_by != DATE_NONE && k->available_from != DATE_NONE) {
		/* "Available by" a past day means available now. */
		by = f->available_by > today ? f->available_by : today;
		if (k->available_from > by)
			return 0;
	}
	if (f->updated_since != DATE_NONE && (c->updated_on == DATE_NONE ||
	    c->updated_on < f->updated_since))
		return 0;
	if (f->rome_first >= 0 && !has_rome(c, f->rome_first, f->rome_last))
		return 0;
	if (f->skill != -1 && !has_skill(c, f->skill))
		return 0;
	if (f->within_km > 0 && !near(k, f))
		return 0;
	return f->q[0] == '\0' || has_substring(c->id, f->q);
}

uint32_t
poolfilter_page(const struct index *idx, const struct pool_filter *f,
    int32_t today, uint32_t cursor, uint32_t skip, uint32_t count,
    uint32_t *out, uint32_t *total, uint32_t *before, uint32_t *next)
{
	uint32_t slot, n = 0;

	*total = *before = 0;
	*next = INDEX_NONE;
	for (slot = 0; slot < idx->nrecs; slot++) {
		if (!poolfilter_match(idx, slot, f, today))
			continue;
		(*total)++;
		if (slot < cursor || skip > 0) {
			skip -= slot >= cursor;
			(*before)++;
		} else if (n < count)
			out[n++] = slot;
		else if (*next == INDEX_NONE)
			*next = slot;
	}
	return n;
}
