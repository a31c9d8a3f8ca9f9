/*
 * matchctl user new: a new user's token and the users file line that
 * carries its hash, made here without the daemon.
 */
#ifndef MATCHER_CTL_USER_H
#define MATCHER_CTL_USER_H

struct ctl;
struct opts;

int	ctl_user_new(struct ctl *, struct opts *);

#endif
