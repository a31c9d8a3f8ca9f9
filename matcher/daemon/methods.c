/*
 * The method table and dispatch.
 */
#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "matcherd.h"
#include "method_admin.h"
#include "method_candidate.h"
#include "method_clause.h"
#include "method_digest.h"
#include "method_feed.h"
#include "method_follow.h"
#include "method_gap.h"
#include "method_offer.h"
#include "method_referral.h"
#include "method_refdata.h"
#include "method_reverse.h"
#include "method_rgpd.h"
#include "methods.h"
#include "mpobj.h"
#include "pending.h"
#include "records.h"
#include "store.h"

#define R	METHOD_REDIS
#define W	(METHOD_REDIS | METHOD_WRITE)
#define P	METHOD_PUBLIC
#define RA	(METHOD_REDIS | METHOD_AUDIT)
#define A	METHOD_AUDIT
/* Roles (proto/PROTOCOL.md, "Who may do what"); admin may do everything. */
#define ADM	METHOD_ROLE(USER_ADMIN)
#define ADV	(ADM | METHOD_ROLE(USER_ADVISER))
#define PRO	(ADV | METHOD_ROLE(USER_PROSPECTION))
#define PAR	(ADM | METHOD_ROLE(USER_PARTNER))
#define ANY	(PRO | PAR)

/* Sorted by name. */
static const struct method methods[] = {
	{ "audit.list",		method_admin_audit_list,	R, ADV },
	{ "auth",		method_admin_auth,		P, ANY },
	{ "candidate.delete",	method_candidate_delete,	W, ADV },
	{ "candidate.erase",	method_rgpd_erase,		W, ADM },
	{ "candidate.export",	method_rgpd_export,		RA, ADV },
	{ "candidate.follow",	method_follow_follow,		W, ADV },
	{ "candidate.following", method_follow_following,	0, ADV },
	{ "candidate.get",	method_candidate_get,		RA, ADV },
	{ "candidate.list",	method_candidate_list,		RA, ADV },
	{ "candidate.match",	method_reverse_match,		A, ADV },
	{ "candidate.put",	method_candidate_put,		W, ADV },
	{ "candidate.referrals", method_candidate_referrals,	A, ADV },
	{ "candidate.resolve",	method_candidate_resolve,	A, ADV },
	{ "candidate.unfollow",	method_follow_unfollow,		W, ADV },
	{ "clause.get",		method_clause_get,		0, ADV },
	{ "clause.list",	method_clause_list,		0, ADV },
	{ "clause.put",		method_clause_put,		W, ADM },
	{ "clause.report",	method_clause_report,		0, ADV },
	{ "digest",		method_digest,			A, ADV },
	{ "feed.push",		method_feed_push,		W, PAR },
	{ "offer.close",	method_offer_close,		W, PRO },
	{ "offer.diagnose",	method_gap_diagnose,		0, PRO },
	{ "offer.duplicates",	method_offer_duplicates,	R, ADV },
	{ "offer.get",		method_offer_get,		RA, PRO },
	{ "offer.list",		method_offer_list,		0, PRO },
	{ "offer.match",	method_offer_match,		W, PRO },
	{ "offer.near_miss",	method_gap_near_miss,		A, ADV },
	{ "offer.put",		method_offer_put,		W, PRO },
	{ "offer.resolve",	method_offer_resolve,		W, ADV },
	{ "ping",		method_admin_ping,		P, ANY },
	{ "refdata.communes",	method_refdata_communes,	0, PRO },
	{ "referral.history",	method_referral_history,	RA, ADV },
	{ "referral.sweep",	method_referral_sweep,		W, ADM },
	{ "referral.update",	method_referral_update,		W, ADV },
	{ "rgpd.sweep",		method_rgpd_sweep,		W, ADM },
	{ "stats",		method_admin_stats,		0, PRO },
	{ "subscribe",		method_admin_subscribe,		0, ANY },
};

#undef R
#undef W
#undef P
#undef RA
#undef A
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

/* A string parameter, or one of the record a put wraps, or "". */
static void
param_string(const msgpack_object *params, const char *wrap,
    const char *key, char *buf, size_t size)
{
	const msgpack_object *o = NULL, *w;

	buf[0] = '\0';
	if (params == NULL || params->type != MSGPACK_OBJECT_MAP)
		return;
	if ((o = mp_map_get(params, key)) == NULL && wrap != NULL &&
	    (w = mp_map_get(params, wrap)) != NULL &&
	    w->type == MSGPACK_OBJECT_MAP)
		o = mp_map_get(w, key);
	if (o == NULL || mp_copy_str(o, buf, size) == -1 ||
	    !record_id_valid(buf, strlen(buf)))
		buf[0] = '\0';
}

/*
 * Note who calls a method that writes or reads a person's record, and on
 * which record, before it runs: the attempt is what the trail keeps.
 * Sent apart from the method's own commands, best effort.
 */
static void
methods_audit(struct matcherd *env, struct pending *p, const struct method *m,
    const msgpack_object *params)
{
	const struct session *s = pending_session(p);
	char record[RECORD_ID_MAX + 1], cand[RECORD_ID_MAX + 1];
	const char *wrap = strncmp(m->name, "candidate.", 10) == 0 ?
	    "candidate" : strncmp(m->name, "offer.", 6) == 0 ? "offer" : NULL;
	struct redis_cmd c;

	if (!store_connected(env->store))
		return;
	param_string(params, wrap, "id", record, sizeof(record));
	if (record[0] == '\0')
		param_string(params, NULL, "offer", record, sizeof(record));
	param_string(params, NULL, "candidate", cand, sizeof(cand));
	if (cand[0] == '\0' && wrap != NULL && strcmp(wrap, "candidate") == 0)
		snprintf(cand, sizeof(cand), "%s", record);
	records_audit_add(&c, store_prefix(env->store), pending_now(p),
	    s->authenticated ? s->user : "", s->authenticated ?
	    users_role_name(s->role) : "", m->name, record, cand, NULL);
	store_send(env->store, &c, 0, NULL, NULL);
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
	if (m->flags & (METHOD_WRITE | METHOD_AUDIT))
		methods_audit(env, p, m, params);
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
