/*
 * A job the daemon runs once a day, the first time a few minutes after
 * start-up (the retention sweep, the referral expiry sweep): one timer
 * each, on the event loop.
 */
#ifndef MATCHER_DAILY_H
#define MATCHER_DAILY_H

#include <time.h>

struct matcherd;
struct daily;

typedef void	daily_fn(struct matcherd *, time_t now);

/* Run fn first_s seconds from now, then every day. */
struct daily	*daily_start(struct matcherd *, int first_s, daily_fn *fn);
void		 daily_stop(struct daily *);

#endif
