/*
 * A session's identity (session.h).
 */
#include <stdio.h>
#include <string.h>

#include "session.h"

void
session_clear(struct session *s)
{
	memset(s, 0, sizeof(*s));
}

void
session_login(struct session *s, const struct user *u)
{
	session_clear(s);
	s->authenticated = 1;
	snprintf(s->user, sizeof(s->user), "%s", u->name);
	s->role = u->role;
	s->sectors = u->sectors;
}
