/*
 * Fan-out of scored offers to subscribed connections.  Subscribers are
 * few (advisers' screens, partner feeds), so a flat array is enough.
 */
#include <stdlib.h>

#include "conn.h"
#include "feeds.h"
#include "matcherd.h"
#include "xmalloc.h"

static struct conn	**subs;
static size_t		  nsubs, capsubs;

void
feeds_subscribe(struct matcherd *env, struct conn *c, uint32_t sectors,
    uint32_t sources)
{
	struct feed_sub *s;

	if (conn_sub(c) == NULL) {
		if (nsubs == capsubs) {
			capsubs = capsubs ? capsubs * 2 : 16;
			subs = xreallocarray(subs, capsubs, sizeof(*subs));
		}
		subs[nsubs++] = c;
		env->stats.subscribers++;
	}
	s = xmalloc(sizeof(*s));
	s->sectors = sectors;
	s->sources = sources;
	conn_set_sub(c, s);
}

void
feeds_unsubscribe(struct matcherd *env, struct conn *c)
{
	size_t i;

	for (i = 0; i < nsubs; i++)
		if (subs[i] == c) {
			subs[i] = subs[--nsubs];
			env->stats.subscribers--;
			break;
		}
	if (nsubs == 0) {
		free(subs);
		subs = NULL;
		capsubs = 0;
	}
}

void
feeds_publish(struct matcherd *env, int sector, int source,
    const char *result, size_t len)
{
	struct feed_sub *s;
	size_t i;

	/*
	 * Walk backwards: conn_notify() may close a slow subscriber, which
	 * unsubscribes it and moves the last entry into its place.
	 */
	for (i = nsubs; i-- > 0;) {
		s = conn_sub(subs[i]);
		if (!(s->sectors & (1u << sector)) ||
		    !(s->sources & (1u << source)))
			continue;
		env->stats.pushes++;
		conn_notify(subs[i], "suggestions", result, len);
	}
}
