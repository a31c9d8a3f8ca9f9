/*
 * Subscriptions: which subscribers want the suggestions of which sectors
 * and sources, and the fan-out of each scored offer to them.  A subscriber
 * is any transport (a MessagePack-RPC connection, an HTTP event stream)
 * that registers a delivery callback.
 */
#ifndef MATCHER_NOTIFY_H
#define MATCHER_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct matcherd;

/*
 * Deliver one packed match result (a msgpack map) to owner.  The bytes
 * are borrowed for the call.  The callback may unsubscribe owner.
 */
typedef void notify_deliver(void *owner, const char *result, size_t len);

struct view;

/*
 * Subscribe owner, or replace its filter if it is subscribed already.
 * view (copied; NULL: the adviser's) is what of each result it receives.
 */
void	notify_subscribe(struct matcherd *, void *owner, uint32_t sectors,
	    uint32_t sources, notify_deliver *deliver, const struct view *);
/* Forget owner (no-op if it is not subscribed); call it before freeing. */
void	notify_unsubscribe(struct matcherd *, void *owner);
/* 1 if owner has subscribed (and not left). */
int	notify_subscribed(const void *owner);
/* Push a packed match result to every matching subscriber. */
void	notify_publish(struct matcherd *, int sector, int source,
	    const char *result, size_t len);
/* Forget every subscriber (shutdown). */
void	notify_free(void);

#endif
