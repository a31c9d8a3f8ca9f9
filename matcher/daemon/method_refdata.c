/*
 * refdata.communes {insee: [str]}: name, postcode and coordinates of the
 * known communes among the codes asked for, from the reference data in
 * memory.  Public data, so any signed-in role but partners may ask.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "matcherd.h"
#include "method_refdata.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "xmalloc.h"

/* Five digits, or Corsica's 2A/2B and three digits: an INSEE code. */
static int
insee_well_formed(const char *s, size_t len)
{
	size_t i;

	if (len != INSEE_CODE_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && !(i == 1 && s[0] == '2' &&
		    (s[1] == 'A' || s[1] == 'B')))
			return 0;
	return 1;
}

void
method_refdata_communes(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	const struct commune *c, **found;
	const msgpack_object *o;
	struct pending_buf b;
	char field[32];
	unsigned char *seen;
	const char *s;
	size_t len;
	uint32_t i, n = 0;

	if ((o = params_get(params, "insee")) == NULL ||
	    o->type != MSGPACK_OBJECT_ARRAY) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "insee",
		    "insee must be a list of INSEE codes");
		return;
	}
	if (o->via.array.size > METHOD_REFDATA_COMMUNES_MAX) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "insee",
		    "at most %d INSEE codes a call",
		    METHOD_REFDATA_COMMUNES_MAX);
		return;
	}
	for (i = 0; i < o->via.array.size; i++)
		if (mp_get_str(&o->via.array.ptr[i], &s, &len) == -1 ||
		    !insee_well_formed(s, len)) {
			snprintf(field, sizeof(field), "insee[%u]", i);
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, field,
			    "not an INSEE code (5 characters: 59183)");
			return;
		}
	/* Each known commune once, in the order asked. */
	found = xreallocarray(NULL, o->via.array.size + 1, sizeof(*found));
	seen = xcalloc((size_t)env->ref->commune_count + 1, 1);
	for (i = 0; i < o->via.array.size; i++) {
		(void)mp_get_str(&o->via.array.ptr[i], &s, &len);
		if ((c = refdata_commune(env->ref, s, len)) == NULL ||
		    seen[c - env->ref->communes])
			continue;
		seen[c - env->ref->communes] = 1;
		found[n++] = c;
	}
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 1);
	mp_pack_str(&b.pk, "communes");
	msgpack_pack_array(&b.pk, n);
	for (i = 0; i < n; i++) {
		msgpack_pack_map(&b.pk, 5);
		mp_pack_kv_str(&b.pk, "insee", found[i]->insee);
		mp_pack_kv_str(&b.pk, "name", found[i]->name);
		mp_pack_kv_str(&b.pk, "postcode", found[i]->postcode);
		mp_pack_kv_double(&b.pk, "lat", found[i]->lat);
		mp_pack_kv_double(&b.pk, "lon", found[i]->lon);
	}
	free(found);
	free(seen);
	pending_buf_answer(&b, p);
}
