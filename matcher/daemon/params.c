/*
 * Parameter getters shared by every method family.
 */
#include <stdio.h>
#include <string.h>

#include "dates.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "utf8.h"

const msgpack_object *
params_get(const msgpack_object *params, const char *key)
{
	const msgpack_object *o;

	if (params == NULL || (o = mp_map_get(params, key)) == NULL ||
	    o->type == MSGPACK_OBJECT_NIL)
		return NULL;
	return o;
}

int
params_id(struct pending *p, const msgpack_object *params, const char *key,
    char *buf)
{
	const msgpack_object *o;
	const char *s;
	size_t len;

	if ((o = params_get(params, key)) == NULL) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s is required", key);
		return -1;
	}
	if (mp_get_str(o, &s, &len) == -1 || !record_id_valid(s, len)) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s must be " RECORD_ID_RULE, key);
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

int
params_opt_id(struct pending *p, const msgpack_object *params,
    const char *key, char *buf)
{
	buf[0] = '\0';
	if (params_get(params, key) == NULL)
		return 0;
	return params_id(p, params, key, buf);
}

int
params_int(struct pending *p, const msgpack_object *params, const char *key,
    int min, int max, int def, int *out)
{
	const msgpack_object *o;
	int64_t v;

	*out = def;
	if ((o = params_get(params, key)) == NULL)
		return 0;
	if (mp_get_int64(o, &v) == -1 || v < min || v > max) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s must be an integer from %d to %d", key, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int
params_text(struct pending *p, const msgpack_object *params,
    const char *key, char *buf, size_t size)
{
	const msgpack_object *o;

	buf[0] = '\0';
	if ((o = params_get(params, key)) == NULL)
		return 0;
	if (mp_copy_str(o, buf, size) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s must be a string of at most %zu bytes", key, size - 1);
		return -1;
	}
	/* Stored or echoed: UTF-8 text, as every string of a record. */
	if (!utf8_valid(buf, strlen(buf))) {
		buf[0] = '\0';
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s must be UTF-8 text", key);
		return -1;
	}
	return 0;
}

int
params_set(struct pending *p, const msgpack_object *params, const char *key,
    const struct vocab *v, uint32_t *out)
{
	const msgpack_object *o;
	const char *s;
	size_t len;
	uint32_t i;
	int k;

	*out = (1u << v->count) - 1;
	if ((o = params_get(params, key)) == NULL)
		return 0;
	if (o->type != MSGPACK_OBJECT_ARRAY) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s must be a list of %s names", key, v->what);
		return -1;
	}
	*out = 0;
	for (i = 0; i < o->via.array.size; i++) {
		if (mp_get_str(&o->via.array.ptr[i], &s, &len) == -1 ||
		    (k = vocab_lookup(v, s, len)) < 0) {
			char field[64];

			snprintf(field, sizeof(field), "%s[%u]", key, i);
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, field,
			    "unknown %s", v->what);
			return -1;
		}
		*out |= 1u << k;
	}
	return 0;
}

int
params_one(struct pending *p, const msgpack_object *params, const char *key,
    const struct vocab *v, uint32_t *out)
{
	const msgpack_object *o;
	const char *s;
	size_t len;
	int k;

	if ((o = params_get(params, key)) == NULL)
		return 0;
	if (mp_get_str(o, &s, &len) == -1 || (k = vocab_lookup(v, s, len)) < 0) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key, "unknown %s",
		    v->what);
		return -1;
	}
	*out = 1u << k;
	return 0;
}

int
params_bool(struct pending *p, const msgpack_object *params, const char *key,
    int *out)
{
	const msgpack_object *o;

	if ((o = params_get(params, key)) != NULL && mp_get_bool(o, out) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, key,
		    "%s must be a boolean", key);
		return -1;
	}
	return 0;
}

int
params_sweep(struct pending *p, const msgpack_object *params, int32_t *today,
    int *dry_run)
{
	char day[16];

	if (params_text(p, params, "today", day, sizeof(day)) == -1 ||
	    params_bool(p, params, "dry_run", dry_run) == -1)
		return -1;
	if (day[0] != '\0' && date_parse(day, strlen(day), today) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "today",
		    "today must be a date YYYY-MM-DD");
		return -1;
	}
	return 0;
}

const msgpack_object *
params_record(const msgpack_object *params, const char *key, int *wrapped)
{
	const msgpack_object *o;

	*wrapped = 0;
	if (params != NULL && (o = mp_map_get(params, key)) != NULL &&
	    o->type == MSGPACK_OBJECT_MAP) {
		*wrapped = 1;
		return o;
	}
	return params;
}
