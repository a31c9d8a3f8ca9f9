/*
 * Who an HTTP request is (docs/HTTP.md, "Authentication"): the user of
 * its "Authorization: Bearer TOKEN" header.  Browsers' event streams
 * cannot set headers, so GET /api/events also takes the HttpOnly,
 * SameSite=Strict cookie that POST /api/session sets; no other route
 * reads the cookie, so a page elsewhere cannot act with it.
 */
#ifndef MATCHER_HTTP_AUTH_H
#define MATCHER_HTTP_AUTH_H

#include "session.h"

struct evhttp_request;
struct matcherd;

/* The request's session (cookie: whether the cookie counts too). */
void	http_auth_session(struct matcherd *, struct evhttp_request *,
	    int cookie, struct session *out);
/*
 * For the routes that call no method: 0 if s may (roles: 1u << enum
 * user_role), else -1 after answering 401 or 403.
 */
int	http_auth_require(struct matcherd *, struct evhttp_request *,
	    const struct session *s, unsigned roles, const char *what);
/* Add the 401's challenge header. */
void	http_auth_challenge(struct evhttp_request *);
/* POST /api/session {token}: sign in (the cookie); DELETE: sign out. */
void	http_auth_sign_in(struct matcherd *, struct evhttp_request *);
void	http_auth_sign_out(struct matcherd *, struct evhttp_request *);

#endif
