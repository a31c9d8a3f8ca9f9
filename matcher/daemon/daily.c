/*
 * Daily jobs (daily.h).
 */
#include <stdlib.h>

#include <event2/event.h>

#include "daily.h"
#include "matcherd.h"
#include "xmalloc.h"

#define DAILY_EVERY_S	86400

struct daily {
	struct matcherd	*env;
	struct event	*ev;
	daily_fn	*fn;
};

static void
daily_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct timeval tv = { DAILY_EVERY_S, 0 };
	struct daily *d = arg;

	(void)fd;
	(void)ev;
	d->fn(d->env, time(NULL));
	evtimer_add(d->ev, &tv);
}

struct daily *
daily_start(struct matcherd *env, int first_s, daily_fn *fn)
{
	struct timeval tv = { first_s, 0 };
	struct daily *d;

	d = xcalloc(1, sizeof(*d));
	d->env = env;
	d->fn = fn;
	d->ev = evtimer_new(env->base, daily_tick, d);
	evtimer_add(d->ev, &tv);
	return d;
}

void
daily_stop(struct daily *d)
{
	if (d == NULL)
		return;
	event_free(d->ev);
	free(d);
}
