/*
 * The lists of a France Travail offer (ft_items.c):
 * permis[], competences[] and formations[] mapped onto licences, skill
 * tags and levels, the labels read through the rules, as the mapping
 * rules at the top of feed_francetravail.c say.
 */
#ifndef MATCHER_FT_ITEMS_H
#define MATCHER_FT_ITEMS_H

#include <jansson.h>

#include "ft_offer.h"
#include "rules.h"

/*
 * Map permis[], competences[] and formations[] of offer j into fo (rules
 * may be NULL); *level_e gets the lowest level of the required formations
 * (0: none), for level_min.
 */
void	ft_items_map(const json_t *j, const struct rules *rules,
	    struct ft_offer *fo, int *level_e);

#endif
