/*
 * Offer methods: put, match, get, close, list, and the duplicates'
 * duplicates and resolve (docs/DEDUP.md).
 */
#ifndef MATCHER_METHOD_OFFER_H
#define MATCHER_METHOD_OFFER_H

#include "methods.h"
#include "offer_table.h"

method_fn	method_offer_put;
method_fn	method_offer_match;
method_fn	method_offer_get;
method_fn	method_offer_close;
method_fn	method_offer_list;
method_fn	method_offer_duplicates;
method_fn	method_offer_resolve;

/*
 * The offer named by params.key (a merged duplicate's id names the offer
 * it was merged into), or NULL after answering not_found.
 */
struct offer_entry *method_offer_param(struct matcherd *, struct pending *,
		    const msgpack_object *params, const char *key);
/* Newest first, then by id: the order of every offer listing. */
int		 method_offer_cmp_newest(const void *, const void *);

#endif
