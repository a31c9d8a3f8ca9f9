/*
 * Subscriptions: which connections want the suggestions of which sectors
 * and sources, and the fan-out of each scored offer to them.
 */
#ifndef MATCHER_FEEDS_H
#define MATCHER_FEEDS_H

#include <stddef.h>
#include <stdint.h>

struct conn;
struct matcherd;

struct feed_sub {
	uint32_t	 sectors;	/* 1u << enum sector */
	uint32_t	 sources;	/* 1u << enum source */
};

/* Subscribe c (replacing an earlier subscription). */
void	feeds_subscribe(struct matcherd *, struct conn *, uint32_t sectors,
	    uint32_t sources);
/* Forget c; called when it closes. */
void	feeds_unsubscribe(struct matcherd *, struct conn *);
/* Push a packed match result to every matching subscriber. */
void	feeds_publish(struct matcherd *, int sector, int source,
	    const char *result, size_t len);

#endif
