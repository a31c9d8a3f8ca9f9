/*
 * The method table and dispatch.
 */
#include <string.h>

#include "domain.h"
#include "matcherd.h"
#include "method_admin.h"
#include "method_candidate.h"
#include "method_clause.h"
#include "method_feed.h"
#include "method_offer.h"
#include "method_referral.h"
#include "methods.h"
#include "pending.h"
#include "store.h"

#define R	METHOD_REDIS
#define W	(METHOD_REDIS | METHOD_WRITE)
#define P	METHOD_PUBLIC
/* Roles (proto/PROTOCOL.md, "Who may do what"); admin may do everything. */
#define ADM	METHOD_ROLE(USER_ADMIN)
#define ADV	(ADM | METHOD_ROLE(USER_ADVISER))
#define PRO	(ADV | METHOD_ROLE(USER_PROSPECTION))
#define PAR	(ADM | METHOD_ROLE(USER_PARTNER))
#define ANY	(PRO | PAR)

/* Sorted by name. */
static const struct method methods[] = {
	{ "auth",		method_admin_auth,		P, ANY },
	{ "candidate.delete",	method_candidate_delete,	W, ADV },
	{ "candidate.get",	method_candidate_get,		R, ADV },
	{ "candidate.list",	method_candidate_list,		R, ADV },
	{ "candidate.put",	method_candidate_put,		W, ADV },
	{ "candidate.referrals", method_candidate_referrals,	0, ADV },
	{ "candidate.resolve",	method_candidate_resolve,	0, ADV },
	{ "clause.get",		method_clause_get,		0, ADV },
	{ "clause.list",	method_clause_list,		0, ADV },
	{ "clause.put",		method_clause_put,		W, ADM },
	{ "clause.report",	method_clause_report,		0, ADV },
	{ "feed.push",		method_feed_push,		W, PAR },
	{ "offer.close",	method_offer_close,		W, PRO },
	{ "offer.duplicates",	method_offer_duplicates,	R, ADV },
	{ "offer.get",		method_offer_get,		R, PRO },
	{ "offer.list",		method_offer_list,		0, PRO },
	{ "offer.match",	method_offer_match,		W, PRO },
	{ "offer.put",		method_offer_put,		W, PRO },
	{ "offer.resolve",	method_offer_resolve,		W, ADV },
	{ "ping",		method_admin_ping,		P, ANY },
	{ "referral.update",	method_referral_update,		W, ADV },
	{ "stats",		method_admin_stats,		0, PRO },
	{ "subscribe",		method_admin_subscribe,		0, ANY },
};

#undef R
#undef W
#undef P
#undef ADM
#undef ADV
#undef PRO
#undef PAR
#undef ANY

/* Authentication and the role's methods; answers the refusal itself. */
static int
methods_allowed(struct matcherd *env, struct pending *p,
    const struct method *m)
{
	const struct session *s = pending_session(p);

	if (!s->authenticated && env->conf->auth_required) {
		pending_error(p, RPC_ERR_UNAUTHENTICATED, NULL,
		    "%s needs an authenticated user: call auth first",
		    m->name);
		return 0;
	}
	if (s->authenticated && !(m->roles & METHOD_ROLE(s->role))) {
		pending_error(p, RPC_ERR_FORBIDDEN, NULL,
		    "%s is not open to the role %s", m->name,
		    users_role_name(s->role));
		return 0;
	}
	return 1;
}

enum user_role
methods_role(const struct matcherd *env, const struct pending *p)
{
	const struct session *s = pending_session(p);

	return s->authenticated ? s->role : USER_ADMIN;
}

uint32_t
methods_sectors(const struct matcherd *env, const struct pending *p)
{
	const struct session *s = pending_session(p);

	return s->authenticated ? s->sectors : UINT32_MAX;
}

int
methods_sector_ok(struct matcherd *env, struct pending *p, int sector,
    const char *field)
{
	if (methods_sectors(env, p) & (1u << sector))
		return 0;
	pending_error(p, RPC_ERR_FORBIDDEN, field,
	    "the sector %s is not open to %s", vocab_name(&vocab_sector,
	    sector), pending_session(p)->user);
	return -1;
}

int
methods_sectors_ok(struct matcherd *env, struct pending *p, uint32_t sectors,
    const char *field)
{
	uint32_t mine = methods_sectors(env, p);
	int k;

	for (k = 0; k < SECTOR_COUNT; k++)
		if ((sectors & (1u << k)) && !(mine & (1u << k)))
			return methods_sector_ok(env, p, k, field);
	return 0;
}

const struct method *
methods_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strlen(methods[i].name) == len &&
		    memcmp(methods[i].name, name, len) == 0)
			return &methods[i];
	return NULL;
}

void
methods_dispatch(struct matcherd *env, struct pending *p, const char *name,
    size_t len, const msgpack_object *params)
{
	const struct method *m;

	if ((m = methods_find(name, len)) == NULL) {
		pending_error(p, RPC_ERR_UNKNOWN_METHOD, NULL,
		    "unknown method %.*s", (int)(len > 64 ? 64 : len), name);
		return;
	}
	if (!(m->flags & METHOD_PUBLIC) && !methods_allowed(env, p, m))
		return;
	if ((m->flags & METHOD_REDIS) && !store_connected(env->store)) {
		pending_error(p, RPC_ERR_UNAVAILABLE, NULL,
		    "redis is not connected");
		return;
	}
	m->fn(env, p, params);
}

int
methods_reply_ok(struct pending *p, const redisReply *r, const char *what)
{
	char msg[128];
	int code;

	if (store_reply_check(r, what, &code, msg, sizeof(msg)) == 0)
		return 0;
	pending_error(p, code, NULL, "%s", msg);
	return -1;
}
