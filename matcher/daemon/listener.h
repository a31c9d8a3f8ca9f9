/*
 * What both listeners (server.c's MessagePack-RPC one and evhttp's for
 * the HTTP API) do about accepting: when accept() fails for want of file
 * descriptors, stop accepting for a second instead of spinning on a
 * listening socket that stays readable (relayd relay_accept), then resume
 * from a timer; and stop while the owner says it is full.  Plus the one
 * option both set on the sockets they accept.
 */
#ifndef MATCHER_LISTENER_H
#define MATCHER_LISTENER_H

#include <event2/util.h>

struct event_base;
struct evconnlistener;
struct listener;

/*
 * Watch evl, which stays the caller's to free (after listener_free).  what
 * begins the log lines of its accept errors: "accept", "HTTP accept".
 */
struct listener	*listener_new(struct event_base *, struct evconnlistener *evl,
		    const char *what);
/*
 * Stop accepting while full is set (a bound on clients reached): further
 * clients wait in the kernel's listen queue.
 */
void		 listener_set_full(struct listener *, int full);
/* 1 if evl is accepting now. */
int		 listener_accepting(const struct listener *);
void		 listener_free(struct listener *);

/*
 * On a socket either listener accepted: replies and events are small, and
 * latency matters more than packet count (TCP_NODELAY).
 */
void		 listener_nodelay(evutil_socket_t);

#endif
