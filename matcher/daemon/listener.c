/*
 * Pausing a listener.  A listening socket stays readable while accept()
 * fails with EMFILE or ENFILE, so libevent would call accept() again at
 * once, for ever: the listener is disabled instead and a timer enables it
 * again a second later, when some descriptors may be free.  The owner's
 * "full" bound disables it too; it accepts when neither holds.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "listener.h"
#include "log.h"
#include "xmalloc.h"

/* How long accepting pauses when out of file descriptors. */
#define LISTENER_PAUSE_S	1

struct listener {
	LIST_ENTRY(listener)	 entry;
	struct evconnlistener	*evl;
	struct event		*resume;
	const char		*what;
	int			 starved;	/* out of fds: paused */
	int			 full;		/* the owner's bound */
	int			 accepting;	/* evl enabled */
};

/*
 * An evconnlistener's error callback gets the argument of its accept
 * callback, which for evhttp's listener is evhttp's: the listener is
 * found by its evconnlistener here.  There are two.
 */
static LIST_HEAD(, listener) listeners = LIST_HEAD_INITIALIZER(listeners);

static void
update(struct listener *l)
{
	int want = !l->starved && !l->full;

	if (want && !l->accepting)
		evconnlistener_enable(l->evl);
	else if (!want && l->accepting)
		evconnlistener_disable(l->evl);
	l->accepting = want;
}

static void
resume_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct listener *l = arg;

	l->starved = 0;
	update(l);
}

static void
error_cb(struct evconnlistener *evl, void *arg)
{
	struct timeval tv = { LISTENER_PAUSE_S, 0 };
	struct listener *l;
	int err = EVUTIL_SOCKET_ERROR();

	LIST_FOREACH(l, &listeners, entry)
		if (l->evl == evl)
			break;
	if (l == NULL)
		return;
	if (err == EMFILE || err == ENFILE) {
		log_warnx("%s: out of file descriptors, pausing %d s",
		    l->what, LISTENER_PAUSE_S);
		l->starved = 1;
		update(l);
		evtimer_add(l->resume, &tv);
		return;
	}
	log_warnx("%s: %s", l->what, evutil_socket_error_to_string(err));
}

struct listener *
listener_new(struct event_base *base, struct evconnlistener *evl,
    const char *what)
{
	struct listener *l;

	l = xcalloc(1, sizeof(*l));
	l->evl = evl;
	l->what = what;
	l->accepting = 1;
	l->resume = evtimer_new(base, resume_cb, l);
	evconnlistener_set_error_cb(evl, error_cb);
	LIST_INSERT_HEAD(&listeners, l, entry);
	return l;
}

void
listener_set_full(struct listener *l, int full)
{
	l->full = full;
	update(l);
}

int
listener_accepting(const struct listener *l)
{
	return l->accepting;
}

void
listener_free(struct listener *l)
{
	if (l == NULL)
		return;
	LIST_REMOVE(l, entry);
	evconnlistener_set_error_cb(l->evl, NULL);
	event_free(l->resume);
	free(l);
}

void
listener_nodelay(evutil_socket_t fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}
