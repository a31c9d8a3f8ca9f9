/*
 * Who a connection or an HTTP request is: nobody until it authenticates
 * (the "auth" method, an HTTP bearer token), then one user of the users
 * file, with the role and sectors that the method table and the methods
 * check.  A copy, so that a reloaded users file changes only the next
 * authentication.
 */
#ifndef MATCHER_SESSION_H
#define MATCHER_SESSION_H

#include <stdint.h>

#include "users.h"

struct session {
	int		 authenticated;
	char		 user[USER_NAME_MAX + 1];
	enum user_role	 role;
	uint32_t	 sectors;	/* 1u << enum sector */
};

void	session_clear(struct session *);
void	session_login(struct session *, const struct user *);

#endif
