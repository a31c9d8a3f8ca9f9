/*
 * Following a person (candidate.follow, candidate.unfollow,
 * candidate.following): an adviser asks to hear of each new offer that
 * ranks the person among its suggestions, and gets it as a "followed"
 * event on their subscriptions (notify.h).
 */
#ifndef MATCHER_METHOD_FOLLOW_H
#define MATCHER_METHOD_FOLLOW_H

#include <msgpack.h>

struct matcherd;
struct pending;

void	method_follow_follow(struct matcherd *, struct pending *,
	    const msgpack_object *params);
void	method_follow_unfollow(struct matcherd *, struct pending *,
	    const msgpack_object *params);
void	method_follow_following(struct matcherd *, struct pending *,
	    const msgpack_object *params);

#endif
