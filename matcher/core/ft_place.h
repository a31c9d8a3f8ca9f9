/*
 * Where a France Travail offer is (ft_place.c):
 * lieuTravail mapped onto a commune, coordinates, a postal code's
 * communes or only a department, as the mapping rules at the top of
 * feed_francetravail.c say.
 */
#ifndef MATCHER_FT_PLACE_H
#define MATCHER_FT_PLACE_H

#include <stddef.h>

#include <jansson.h>

#include "ft_offer.h"
#include "refdata.h"

/*
 * Map lieuTravail of offer j into fo (commune, lat/lon, department,
 * place).  Returns 0, or -1 with the reason in err.
 */
int	ft_place_map(const json_t *j, const struct refdata *ref,
	    struct ft_offer *fo, char *err, size_t errlen);

#endif
