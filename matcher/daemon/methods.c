/*
 * The method table and dispatch.
 */
#include <string.h>

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

/* Sorted by name. */
static const struct method methods[] = {
	{ "candidate.delete",	method_candidate_delete,	W },
	{ "candidate.get",	method_candidate_get,		R },
	{ "candidate.list",	method_candidate_list,		R },
	{ "candidate.put",	method_candidate_put,		W },
	{ "candidate.referrals", method_candidate_referrals,	0 },
	{ "clause.get",		method_clause_get,		0 },
	{ "clause.list",	method_clause_list,		0 },
	{ "clause.put",		method_clause_put,		W },
	{ "clause.report",	method_clause_report,		0 },
	{ "feed.push",		method_feed_push,		W },
	{ "offer.close",	method_offer_close,		W },
	{ "offer.duplicates",	method_offer_duplicates,	R },
	{ "offer.get",		method_offer_get,		R },
	{ "offer.list",		method_offer_list,		0 },
	{ "offer.match",	method_offer_match,		W },
	{ "offer.put",		method_offer_put,		W },
	{ "offer.resolve",	method_offer_resolve,		W },
	{ "ping",		method_admin_ping,		0 },
	{ "referral.update",	method_referral_update,		W },
	{ "stats",		method_admin_stats,		0 },
	{ "subscribe",		method_admin_subscribe,		0 },
};

#undef R
#undef W

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
