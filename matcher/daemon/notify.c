/*
 * Fan-out of scored offers to subscribers.  Subscribers are few (advisers'
 * screens, partner feeds), so a flat array is enough.
 */
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "notify.h"
#include "view.h"
#include "matcherd.h"
#include "xmalloc.h"

struct subscriber {
	void		*owner;
	uint32_t	 sectors;	/* 1u << enum sector */
	uint32_t	 sources;	/* 1u << enum source */
	notify_deliver	*deliver;
	struct view	 view;
};

static struct subscriber *subs;
static size_t		  nsubs, capsubs;

void
notify_subscribe(struct matcherd *env, void *owner, uint32_t sectors,
    uint32_t sources, notify_deliver *deliver, const struct view *view)
{
	struct subscriber *s = NULL;
	size_t i;

	for (i = 0; i < nsubs; i++)
		if (subs[i].owner == owner)
			s = &subs[i];
	if (s == NULL) {
		if (nsubs == capsubs) {
			capsubs = capsubs ? capsubs * 2 : 16;
			subs = xreallocarray(subs, capsubs, sizeof(*subs));
		}
		s = &subs[nsubs++];
		env->stats.subscribers++;
	}
	s->owner = owner;
	s->sectors = sectors;
	s->sources = sources;
	s->deliver = deliver;
	if (view != NULL)
		s->view = *view;
	else {
		memset(&s->view, 0, sizeof(s->view));
		s->view.kind = VIEW_ADVISER;
	}
}

void
notify_unsubscribe(struct matcherd *env, void *owner)
{
	size_t i;

	for (i = 0; i < nsubs; i++)
		if (subs[i].owner == owner) {
			subs[i] = subs[--nsubs];
			env->stats.subscribers--;
			return;
		}
}

int
notify_subscribed(const void *owner)
{
	size_t i;

	for (i = 0; i < nsubs; i++)
		if (subs[i].owner == owner)
			return 1;
	return 0;
}

void
notify_publish(struct matcherd *env, int sector, int source,
    const char *result, size_t len)
{
	struct subscriber s;
	msgpack_sbuffer sb, lb;
	msgpack_packer pk;
	size_t i;

	/* Labelled once (labels.h) for every subscriber and view. */
	msgpack_sbuffer_init(&lb);
	if (nsubs > 0 && labels_add(env->ref, result, len, &lb) > 0) {
		result = lb.data;
		len = lb.size;
	}
	/*
	 * Walk backwards: a delivery may drop a slow subscriber, which moves
	 * the last entry (already visited) into its place.
	 */
	for (i = nsubs; i-- > 0;) {
		if (i >= nsubs)
			continue;
		s = subs[i];
		if (!(s.sectors & (1u << sector)) ||
		    !(s.sources & (1u << source)))
			continue;
		env->stats.pushes++;
		if (s.view.kind == VIEW_ADVISER) {
			s.deliver(s.owner, result, len);
			continue;
		}
		/* Few subscribers: each one's view is made for it. */
		msgpack_sbuffer_init(&sb);
		msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
		view_pack(&pk, &s.view, result, len);
		s.deliver(s.owner, sb.data, sb.size);
		msgpack_sbuffer_destroy(&sb);
	}
	msgpack_sbuffer_destroy(&lb);
}

void
notify_free(void)
{
	free(subs);
	subs = NULL;
	nsubs = capsubs = 0;
}
