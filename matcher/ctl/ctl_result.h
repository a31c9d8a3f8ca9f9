/*
 * Printing a match result (offer.put, offer.match, offer.get, watch):
 * a table for people, the result itself for --json.
 */
#ifndef MATCHER_CTL_RESULT_H
#define MATCHER_CTL_RESULT_H

#include <jansson.h>

struct ctl;

void	ctl_result_print(const struct ctl *, const json_t *res);
/* The two lines on the offer that head a result. */
void	ctl_result_offer_header(const struct ctl *, const json_t *offer);
/* Prints res and returns 1 if it says the offer was merged, else 0. */
int	ctl_result_merged(const struct ctl *, const json_t *res);
/* candidate.match's answer: the offers one person fits. */
void	ctl_result_print_offers(const struct ctl *, const json_t *res);

#endif
