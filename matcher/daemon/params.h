/*
 * A method's parameters (the request's map): each getter checks one
 * parameter and, when it is wrong, answers the request itself with
 * invalid_argument naming the field, so that one rule has one message.
 */
#ifndef MATCHER_PARAMS_H
#define MATCHER_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "candidate.h"
#include "domain.h"

struct pending;

/* The value of key, or NULL when absent or nil. */
const msgpack_object *params_get(const msgpack_object *params,
		    const char *key);
/* A required record id into buf[RECORD_ID_MAX + 1]. */
int		 params_id(struct pending *, const msgpack_object *params,
		    const char *key, char *buf);
/* An optional record id ("" when absent). */
int		 params_opt_id(struct pending *, const msgpack_object *params,
		    const char *key, char *buf);
/* An optional integer in [min, max], def when absent. */
int		 params_int(struct pending *, const msgpack_object *params,
		    const char *key, int min, int max, int def, int *out);
/* An optional string of at most size-1 bytes ("" when absent). */
int		 params_text(struct pending *, const msgpack_object *params,
		    const char *key, char *buf, size_t size);
/* An optional list of vocabulary names as a bitmask; absent = all. */
int		 params_set(struct pending *, const msgpack_object *params,
		    const char *key, const struct vocab *, uint32_t *out);
/* An optional single vocabulary name as a one-bit mask; absent: *out kept. */
int		 params_one(struct pending *, const msgpack_object *params,
		    const char *key, const struct vocab *, uint32_t *out);
/* An optional boolean. */
int		 params_bool(struct pending *, const msgpack_object *params,
		    const char *key, int *out);
/*
 * The parameters of a sweep (rgpd.sweep, referral.sweep): an optional
 * "today" YYYY-MM-DD (absent: *today kept) and an optional "dry_run".
 */
int		 params_sweep(struct pending *, const msgpack_object *params,
		    int32_t *today, int *dry_run);
/*
 * The record of a put: the params map itself, or its "key" member when
 * the caller wrapped it ({candidate: {...}} / {offer: {...}, limit}).
 */
const msgpack_object *params_record(const msgpack_object *params,
		    const char *key, int *wrapped);

#endif
