/*
 * Offer methods: put, match, get, close, list, and the duplicates'
 * duplicates and resolve (docs/DEDUP.md).
 */
#ifndef MATCHER_METHOD_OFFER_H
#define MATCHER_METHOD_OFFER_H

#include "methods.h"
#include "offer_table.h"
#include "store.h"

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
/*
 * Close e with reason, as offer.close does: the offer's hash in Redis,
 * then (when Redis took it) the offer table.  done (NULL: none) gets
 * Redis's reply to judge and answer.  offer.close and an offer
 * filled by its hires ("pourvue", method_referral_applied()) close so.
 */
void		 method_offer_close_entry(struct matcherd *,
		    const struct offer_entry *e, const char *reason,
		    int64_t now, int64_t deadline, store_cb *done, void *arg);
/* Newest first, then by id: the order of every offer listing. */
int		 method_offer_cmp_newest(const void *, const void *);

#endif
