/*
 * Typed getters for the France Travail mapping (ft_json.c):
 * a member of a JSON object read as the type its field should have,
 * telling absent (or null) from present with another type, so that each
 * field can be rejected or warned about as the mapping rules at the top
 * of feed_francetravail.c say.
 */
#ifndef MATCHER_FT_JSON_H
#define MATCHER_FT_JSON_H

#include <stddef.h>

#include <jansson.h>

/* What a getter found: nothing (absent or null), the value, another type. */
enum jstate { J_ABSENT, J_OK, J_BAD };

/* The string at key: J_OK with *s, *len; J_ABSENT for absent or null. */
int	ft_json_str(const json_t *obj, const char *key, const char **s,
	    size_t *len);
/* A finite number (J_BAD for another). */
int	ft_json_num(const json_t *obj, const char *key, double *d);
int	ft_json_bool(const json_t *obj, const char *key, int *b);
/* An object, a list: *out, NULL unless J_OK. */
int	ft_json_obj(const json_t *obj, const char *key, const json_t **out);
int	ft_json_arr(const json_t *obj, const char *key, const json_t **out);

#endif
