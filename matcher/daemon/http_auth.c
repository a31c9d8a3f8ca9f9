/*
 * HTTP authentication: bearer tokens, and the session cookie of event
 * streams.  Tokens are never logged.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "http_auth.h"
#include "http_priv.h"
#include "log.h"
#include "matcherd.h"
#include "users.h"
#include "xmalloc.h"

#define COOKIE_NAME	"matcherd_token"

/* The token of "Bearer TOKEN", or NULL. */
static const char *
bearer(const char *h, size_t *len)
{
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	for (h += 7; *h == ' '; h++)
		;
	*len = strcspn(h, " \t");
	return *len > 0 ? h : NULL;
}

/* The value of the cookie COOKIE_NAME in a Cookie header, or NULL. */
static const char *
cookie_token(const char *h, size_t *len)
{
	const size_t n = strlen(COOKIE_NAME);

	while (h != NULL && *h != '\0') {
		while (*h == ' ' || *h == ';')
			h++;
		if (strncmp(h, COOKIE_NAME, n) == 0 && h[n] == '=') {
			h += n + 1;
			*len = strcspn(h, "; ");
			return *len > 0 ? h : NULL;
		}
		h = strchr(h, ';');
	}
	return NULL;
}

void
http_auth_session(struct matcherd *env, struct evhttp_request *req,
    int cookie, struct session *out)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	const struct user *u = NULL;
	const char *tok;
	size_t len = 0;

	session_clear(out);
	tok = bearer(evhttp_find_header(in, "Authorization"), &len);
	if (tok == NULL && cookie)
		tok = cookie_token(evhttp_find_header(in, "Cookie"), &len);
	if (tok != NULL && env->users != NULL)
		u = users_authenticate(env->users, tok, len);
	if (u != NULL)
		session_login(out, u);
}

void
http_auth_challenge(struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "WWW-Authenticate", "Bearer realm=\"matcherd\"");
}

int
http_auth_require(struct matcherd *env, struct evhttp_request *req,
    const struct session *s, unsigned roles, const char *what)
{
	if (!s->authenticated && !env->conf->auth_required)
		return 0;
	if (!s->authenticated) {
		http_auth_challenge(req);
		http_fail(env, req, 401, RPC_ERR_UNAUTHENTICATED, NULL,
		    "%s needs an authenticated user", what);
		return -1;
	}
	if (!(roles & (1u << s->role))) {
		http_fail(env, req, 403, RPC_ERR_FORBIDDEN, NULL,
		    "%s is not open to the role %s", what,
		    users_role_name(s->role));
		return -1;
	}
	return 0;
}

/* A cookie value may not hold controls, spaces, quotes, ',', ';' or '\\'. */
static int
cookie_safe(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f ||
		    strchr("\",;\\", s[i]) != NULL)
			return 0;
	return 1;
}

/* {user, role}: what the page shows of who signed in. */
static void
reply_user(struct evhttp_request *req, const struct user *u)
{
	json_t *o;
	char *text;

	o = json_pack("{s:s, s:s}", "user", u->name, "role",
	    users_role_name(u->role));
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	http_reply_text(req, 200, text, strlen(text));
}

void
http_auth_sign_in(struct matcherd *env, struct evhttp_request *req)
{
	struct evbuffer *body = evhttp_request_get_input_buffer(req);
	const struct user *u = NULL;
	json_error_t jerr;
	json_t *doc, *t;
	char cookie[USERS_TOKEN_MAX + 128];
	size_t len = evbuffer_get_length(body);

	/* A token is at most 256 bytes: the body of a sign-in is small. */
	if (len > 4096) {
		http_fail(env, req, 413, RPC_ERR_TOO_LARGE, NULL,
		    "a sign-in body is at most 4096 bytes");
		return;
	}
	doc = json_loadb((const char *)evbuffer_pullup(body, -1), len, 0,
	    &jerr);
	t = json_object_get(doc, "token");
	if (!json_is_string(t)) {
		http_fail(env, req, 400, RPC_ERR_INVALID_ARGUMENT, "token",
		    "the body must be {\"token\": \"...\"}");
		json_decref(doc);
		return;
	}
	if (env->users != NULL)
		u = users_authenticate(env->users, json_string_value(t),
		    json_string_length(t));
	if (u == NULL || !cookie_safe(json_string_value(t),
	    json_string_length(t))) {
		log_info("HTTP sign-in: a token that names no user");
		http_auth_challenge(req);
		http_fail(env, req, 401, RPC_ERR_UNAUTHENTICATED, "token",
		    "no user has this token");
		json_decref(doc);
		return;
	}
	/* The cookie carries only characters a cookie value may hold. */
	snprintf(cookie, sizeof(cookie), COOKIE_NAME "=%s; Path=/api; "
	    "HttpOnly; SameSite=Strict", json_string_value(t));
	evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie",
	    cookie);
	json_decref(doc);
	reply_user(req, u);
}

void
http_auth_sign_out(struct matcherd *env, struct evhttp_request *req)
{
	const char *done = "{\"signed_out\":true}";

	evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie",
	    COOKIE_NAME "=; Path=/api; HttpOnly; SameSite=Strict; Max-Age=0");
	http_reply_text(req, 200, xstrdup(done), strlen(done));
}
