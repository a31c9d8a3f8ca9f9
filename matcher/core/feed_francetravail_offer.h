/*
 * Building one struct ft_offer (feed_francetravail_offer.c): the two ways
 * a field ends in the mapping rules of feed_francetravail.c, rejecting
 * the record (ft_offer_fail()) or noting the field and going on
 * (ft_offer_warn()); skill tags and facts added without duplicates; and
 * the last passes over the offer once every field is mapped.
 */
#ifndef MATCHER_FEED_FRANCETRAVAIL_OFFER_H
#define MATCHER_FEED_FRANCETRAVAIL_OFFER_H

#include <stddef.h>

#include "feed_francetravail.h"

/* The reason into err; returns -1, the record's failure. */
int	ft_offer_fail(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* A warning of the offer (the first FT_WARNINGS_MAX kept, all counted). */
void	ft_offer_warn(struct ft_offer *fo, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Add a tag to skills_required (required) or skills_wanted; one that is
 * not a skill tag is ignored.
 */
void	ft_offer_add_skill(struct ft_offer *fo, const char *tag, int required,
	    const char *where);
/* Add a fact, its excerpt copied from excerpt[0..exlen). */
void	ft_offer_add_fact(struct ft_offer *fo, int kind, const char *value,
	    int required, const char *excerpt, size_t exlen);
/* Drop wanted skills that are also required, wished licences required. */
void	ft_offer_settle(struct ft_offer *fo);
/* The facts an adviser should see, as offer notes. */
void	ft_offer_take_notes(struct ft_offer *fo);

#endif
