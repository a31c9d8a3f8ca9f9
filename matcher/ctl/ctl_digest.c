/*
 * matchctl digest [--sector S]... [--count N]: one section a list, one
 * line an entry, the totals in each heading.
 */
#include <stdio.h>

#include <jansson.h>

#include "ctl.h"
#include "ctl_conn.h"
#include "ctl_digest.h"
#include "ctl_output.h"

/* "NAME (shown of total):" then what each entry prints. */
static const json_t *
section(const json_t *res, const char *name, const char *key,
    const char *heading)
{
	const json_t *s = json_object_get(res, name);
	const json_t *list = json_object_get(s, key);

	printf("%s: %lld", heading, jint(s, "total"));
	if ((long long)json_array_size(list) < jint(s, "total"))
		printf(" (first %zu)", json_array_size(list));
	printf("\n");
	return list;
}

static void
print_refs(const json_t *res, const char *name, const char *heading)
{
	const json_t *list = section(res, name, "referrals", heading), *v;
	size_t i;

	json_array_foreach(list, i, v)
		printf("  %s on %s (%s): %s for %lld days\n",
		    jtext(v, "candidate"), jtext(v, "offer"), jtext(v, "title"),
		    jtext(v, "status"), jint(v, "days"));
}

int
ctl_digest(struct ctl *ctl, struct opts *o)
{
	const json_t *list, *v;
	json_t *params, *res;
	size_t i;

	params = json_object();
	if (o->sectors != NULL)
		json_object_set(params, "sectors", o->sectors);
	if (o->count > 0)
		json_object_set_new(params, "count", json_integer(o->count));
	res = ctl_conn_call(ctl, "digest", params);
	if (ctl->json) {
		ctl_output_json(ctl, res);
		json_decref(res);
		return 0;
	}
	/* json_array_foreach() evaluates its array more than once. */
	list = section(res, "new_offers", "offers", "new offers");
	json_array_foreach(list, i, v)
		printf("  %s %s (%s), %s: %lld suggested\n", jtext(v, "id"),
		    jtext(v, "title"), jstr_or(v, "employer", "-"),
		    jtext(v, "sector"), jint(v, "suggested"));
	print_refs(res, "waiting", "waiting for an answer");
	print_refs(res, "hires", "hires");
	list = section(res, "clause_behind", "operations",
	    "clause operations behind");
	json_array_foreach(list, i, v)
		printf("  %s %s: %lld h realised of %lld h expected\n",
		    jtext(v, "operation"), jtext(v, "name"),
		    jint(v, "hours_realised"), jint(v, "hours_expected"));
	json_decref(res);
	return 0;
}
