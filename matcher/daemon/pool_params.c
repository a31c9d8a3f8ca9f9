/*
 * candidate.list's filter parameters (pool_params.h).  Names and
 * identities are not searched: the index never holds them (identity.h),
 * so q looks in the candidate id only.
 */
#include <string.h>

#include "candidate.h"
#include "dates.h"
#include "matcherd.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "pool_params.h"
#include "proto.h"
#include "refdata.h"

/* A list parameter of vocabulary names; absent: *out = 0 (no filter). */
static int
vocab_list(struct pending *p, const msgpack_object *params, const char *key,
    const struct vocab *v, uint32_t *out)
{
	const msgpack_object *o = params_get(params, key);

	*out = 0;
	if (o == NULL)
		return 0;
	if (o->type == MSGPACK_OBJECT_ARRAY &&
	    o->via.array.size > POOL_PARAMS_LIST_MAX) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key, "%s takes at "
		    "most %d names", key, POOL_PARAMS_LIST_MAX);
		return -1;
	}
	return params_set(p, params, key, v, out);
}

/* An optional "YYYY-MM-DD"; absent: DATE_NONE. */
static int
date_param(struct pending *p, const msgpack_object *params, const char *key,
    int32_t *out)
{
	char buf[16];

	*out = DATE_NONE;
	if (params_text(p, params, key, buf, sizeof(buf)) == -1)
		return -1;
	if (buf[0] != '\0' && date_parse(buf, strlen(buf), out) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s must be a date YYYY-MM-DD", key);
		return -1;
	}
	return 0;
}

/* A ROME code (F1701) or its 3-character domain (F17). */
static int
rome_param(struct matcherd *env, struct pending *p,
    const msgpack_object *params, struct pool_filter *f)
{
	char buf[ROME_CODE_LEN + 1], code[ROME_CODE_LEN + 1];
	size_t len;
	int id;

	if (params_text(p, params, "rome", buf, sizeof(buf)) == -1)
		return -1;
	if ((len = strlen(buf)) == 0)
		return 0;
	memcpy(code, buf, len);
	if (len == 3)
		memcpy(code + 3, "01", 3);	/* the domain's shape */
	if ((len != 3 && len != ROME_CODE_LEN) ||
	    !refdata_rome_well_formed(code, ROME_CODE_LEN)) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "rome", "rome must "
		    "be a ROME code (F1701) or its domain (F17)");
		return -1;
	}
	id = len == 3 ? refdata_rome_domain_first(env->ref, code) :
	    refdata_rome_id(env->ref, code, len);
	if (id < 0) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "rome",
		    "unknown ROME %s %s", len == 3 ? "domain" : "code", buf);
		return -1;
	}
	if (len == 3)
		refdata_rome_domain(env->ref, id, &f->rome_first, &f->rome_last);
	else
		f->rome_first = f->rome_last = id;
	return 0;
}

/* A skill tag as candidate.put takes it ([a-z0-9][a-z0-9._-]*). */
static int
skill_param(struct matcherd *env, struct pending *p,
    const msgpack_object *params, struct pool_filter *f)
{
	char buf[SKILL_MAX_LEN + 1];
	size_t i;

	if (params_text(p, params, "skill", buf, sizeof(buf)) == -1)
		return -1;
	if (buf[0] == '\0')
		return 0;
	for (i = 0; buf[i] != '\0'; i++)
		if (!((buf[i] >= 'a' && buf[i] <= 'z') ||
		    (buf[i] >= '0' && buf[i] <= '9') ||
		    (i > 0 && strchr("._-", buf[i]) != NULL))) {
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, "skill",
			    "skill must be a skill tag ([a-z0-9][a-z0-9._-]*)");
			return -1;
		}
	/* A tag nobody holds is not an error: nobody matches. */
	f->skill = index_skill_id(env->idx, buf);
	if (f->skill < 0)
		f->skill = POOLFILTER_SKILL_NONE;
	return 0;
}

/* commune and within_km go together: the distance from the commune. */
static int
place_param(struct matcherd *env, struct pending *p,
    const msgpack_object *params, struct pool_filter *f)
{
	char buf[INSEE_CODE_LEN + 1];
	const struct commune *cm;

	if (params_text(p, params, "commune", buf, sizeof(buf)) == -1 ||
	    params_int(p, params, "within_km", 1, RADIUS_MAX_KM, 0,
	    &f->within_km) == -1)
		return -1;
	if ((buf[0] == '\0') != (f->within_km == 0)) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, buf[0] == '\0' ?
		    "commune" : "within_km", "commune and within_km go "
		    "together");
		return -1;
	}
	if (buf[0] == '\0')
		return 0;
	if ((cm = refdata_commune(env->ref, buf, strlen(buf))) == NULL) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "commune",
		    "commune must be the INSEE code of a commune of Nord or "
		    "Pas-de-Calais");
		return -1;
	}
	f->lat = cm->lat;
	f->lon = cm->lon;
	return 0;
}

int
pool_params_decode(struct matcherd *env, struct pending *p,
    const msgpack_object *params, struct pool_filter *f)
{
	size_t i;

	poolfilter_init(f);
	if (vocab_list(p, params, "status", &vocab_status, &f->statuses) == -1 ||
	    vocab_list(p, params, "licence", &vocab_licence,
	    &f->licences) == -1 ||
	    vocab_list(p, params, "criteria", &vocab_criterion,
	    &f->criteria) == -1 ||
	    date_param(p, params, "available_by", &f->available_by) == -1 ||
	    date_param(p, params, "updated_since", &f->updated_since) == -1 ||
	    rome_param(env, p, params, f) == -1 ||
	    skill_param(env, p, params, f) == -1 ||
	    place_param(env, p, params, f) == -1 ||
	    params_text(p, params, "q", f->q, sizeof(f->q)) == -1)
		return -1;
	for (i = 0; f->q[i] != '\0'; i++)
		if (!record_id_valid(f->q + i, 1)) {
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, "q", "q is "
			    "part of a candidate id: " RECORD_ID_RULE);
			return -1;
		}
	return 0;
}
