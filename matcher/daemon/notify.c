/*
 * Fan-out of events to subscribers.  Subscribers are few (advisers'
 * screens, partner feeds), so a flat array is enough.
 */
#include <stdlib.h>
#include <string.h>

#include "labelled.h"
#include "notify.h"
#include "session.h"
#include "view.h"
#include "matcherd.h"
#include "xmalloc.h"

struct subscriber {
	void		*owner;
	uint32_t	 sectors;	/* 1u << enum sector */
	uint32_t	 sources;	/* 1u << enum source */
	notify_deliver	*deliver;
	struct session	 session;	/* unauthenticated: auth is off */
	struct view	 view;
};

static struct subscriber *subs;
static size_t		  nsubs, capsubs;

void
notify_subscribe(struct matcherd *env, void *owner, uint32_t sectors,
    uint32_t sources, notify_deliver *deliver, const struct session *session,
    const struct view *view)
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
	if (session != NULL)
		s->session = *session;
	else
		session_clear(&s->session);
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

/* Which subscribers an event goes to. */
struct audience {
	int		 sector, source;	/* -1: any source */
	const char	*user;		/* NULL: anyone the filter lets in */
	int		 advisers_only;
};

static int
reaches(const struct subscriber *s, const struct audience *a)
{
	const struct session *ss = &s->session;

	if (a->user != NULL)
		return ss->authenticated && strcmp(ss->user, a->user) == 0 &&
		    (ss->sectors & (1u << a->sector));
	if (!(s->sectors & (1u << a->sector)) ||
	    (a->source >= 0 && !(s->sources & (1u << a->source))))
		return 0;
	return !a->advisers_only || !ss->authenticated ||
	    ss->role == USER_ADMIN || ss->role == USER_ADVISER;
}

/*
 * Walk backwards: a delivery may drop a slow subscriber, which moves the
 * last entry (already visited) into its place.  Only a match result has
 * views other than the advisers' (an audience of advisers has no other).
 * Every event is labelled (labels.h) once, for all.
 */
static void
fan_out(struct matcherd *env, const struct audience *a, const char *event,
    const char *payload, size_t len)
{
	struct subscriber s;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	size_t i;

	/* Labelled once (labels.h) for every subscriber and view. */
	if (nsubs > 0)
		labelled_get(env->ref, payload, len, &payload, &len);
	for (i = nsubs; i-- > 0;) {
		if (i >= nsubs)
			continue;
		s = subs[i];
		if (!reaches(&s, a))
			continue;
		env->stats.pushes++;
		if (s.view.kind == VIEW_ADVISER) {
			s.deliver(s.owner, event, payload, len);
			continue;
		}
		/* Few subscribers: each one's view is made for it. */
		msgpack_sbuffer_init(&sb);
		msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
		view_pack(&pk, &s.view, payload, len);
		s.deliver(s.owner, event, sb.data, sb.size);
		msgpack_sbuffer_destroy(&sb);
	}
}

void
notify_publish(struct matcherd *env, int sector, int source,
    const char *result, size_t len)
{
	struct audience a = { sector, source, NULL, 0 };

	fan_out(env, &a, NOTIFY_SUGGESTIONS, result, len);
}

void
notify_user(struct matcherd *env, const char *user, int sector,
    const char *event, const char *payload, size_t len)
{
	struct audience a = { sector, -1, user, 1 };

	fan_out(env, &a, event, payload, len);
}

void
notify_advisers(struct matcherd *env, int sector, int source,
    const char *event, const char *payload, size_t len)
{
	struct audience a = { sector, source, NULL, 1 };

	fan_out(env, &a, event, payload, len);
}

void
notify_free(void)
{
	free(subs);
	subs = NULL;
	nsubs = capsubs = 0;
}
