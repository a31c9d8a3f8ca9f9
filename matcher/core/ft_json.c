/*
 * Typed getters for the France Travail mapping
 * (feed_francetravail_json.h).
 */
#include <math.h>
#include <stddef.h>

#include <jansson.h>

#include "ft_json.h"

/* The string at key: J_OK with *s, *len; J_ABSENT for absent or null. */
int
ft_json_str(const json_t *obj, const char *key, const char **s, size_t *len)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return J_ABSENT;
	if (!json_is_string(v))
		return J_BAD;
	*s = json_string_value(v);
	*len = json_string_length(v);
	return J_OK;
}

int
ft_json_num(const json_t *obj, const char *key, double *d)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return J_ABSENT;
	if (!json_is_number(v))
		return J_BAD;
	*d = json_number_value(v);
	return isfinite(*d) ? J_OK : J_BAD;
}

int
ft_json_bool(const json_t *obj, const char *key, int *b)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return J_ABSENT;
	if (!json_is_boolean(v))
		return J_BAD;
	*b = json_is_true(v);
	return J_OK;
}

/* The value at key if it has the JSON type want; J_BAD if another. */
static int
jtyped(const json_t *obj, const char *key, json_type want,
    const json_t **out)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return J_ABSENT;
	if (json_typeof(v) != want)
		return J_BAD;
	*out = v;
	return J_OK;
}

int
ft_json_obj(const json_t *obj, const char *key, const json_t **out)
{
	return jtyped(obj, key, JSON_OBJECT, out);
}

int
ft_json_arr(const json_t *obj, const char *key, const json_t **out)
{
	return jtyped(obj, key, JSON_ARRAY, out);
}
