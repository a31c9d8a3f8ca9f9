/*
 * Subscriptions: which subscribers want the events of which sectors and
 * sources, and the fan-out of each event to them.  A subscriber is any
 * transport (a MessagePack-RPC connection, an HTTP event stream) that
 * registers a delivery callback.  Events (proto/PROTOCOL.md, "Pushed
 * events"):
 * - "suggestions": the match result of each offer scored, in the
 *   subscriber's view;
 * - "followed": a person an adviser follows ranked by a new offer, to
 *   that adviser only;
 * - "referral": a referral moved, to the advisers of the offer's sector.
 */
#ifndef MATCHER_NOTIFY_H
#define MATCHER_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct matcherd;
struct session;
struct view;

#define NOTIFY_SUGGESTIONS	"suggestions"
#define NOTIFY_FOLLOWED		"followed"
#define NOTIFY_REFERRAL		"referral"

/*
 * Deliver one event (one of the NOTIFY_ names, a static string) and its
 * payload, a packed msgpack map, to owner.  The bytes are borrowed for
 * the call.  The callback may unsubscribe owner.
 */
typedef void notify_deliver(void *owner, const char *event,
    const char *payload, size_t len);

/*
 * Subscribe owner, or replace its filter if it is subscribed already.
 * session (copied; NULL: nobody signed in, the administrator of
 * [auth] required = no) is who receives: its user gets its follows, its
 * role decides the referral events.  view (copied; NULL: the adviser's)
 * is what of each result it receives.
 */
void	notify_subscribe(struct matcherd *, void *owner, uint32_t sectors,
	    uint32_t sources, notify_deliver *deliver,
	    const struct session *, const struct view *);
/* Forget owner (no-op if it is not subscribed); call it before freeing. */
void	notify_unsubscribe(struct matcherd *, void *owner);
/* 1 if owner has subscribed (and not left). */
int	notify_subscribed(const void *owner);
/* Push a packed match result to every matching subscriber. */
void	notify_publish(struct matcherd *, int sector, int source,
	    const char *result, size_t len);
/*
 * Push an event of sector to the subscribers of user (a session of that
 * user whose sectors hold sector), whatever their subscription filter:
 * a follow is asked for by name.
 */
void	notify_user(struct matcherd *, const char *user, int sector,
	    const char *event, const char *payload, size_t len);
/*
 * Push an event about a person on an offer of sector to the advisers and
 * administrators subscribed to that sector and source; never to
 * prospection staff or partners.
 */
void	notify_advisers(struct matcherd *, int sector, int source,
	    const char *event, const char *payload, size_t len);
/* Forget every subscriber (shutdown). */
void	notify_free(void);

#endif
