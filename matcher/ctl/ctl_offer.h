/*
 * The offer commands: offer put (and import offers), get, match, close,
 * duplicates, referral and watch.
 */
#ifndef MATCHER_CTL_OFFER_H
#define MATCHER_CTL_OFFER_H

struct ctl;
struct opts;

int	ctl_offer_put(struct ctl *, struct opts *);
int	ctl_offer_get(struct ctl *, struct opts *);
int	ctl_offer_match(struct ctl *, struct opts *);
int	ctl_offer_close(struct ctl *, struct opts *);
int	ctl_offer_duplicates(struct ctl *, struct opts *);
int	ctl_offer_referral(struct ctl *, struct opts *);
int	ctl_offer_watch(struct ctl *, struct opts *);

#endif
