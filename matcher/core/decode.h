/*
 * The field decoders of every record (decode.c).
 */
#ifndef MATCHER_DECODE_H
#define MATCHER_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "domain.h"
#include "mpobj.h"
#include "refdata.h"

/* Record ids: 1-64 chars of [A-Za-z0-9_.:-]; they appear in Redis keys. */
#define RECORD_ID_MAX 64
/* The one wording of the id rule, in every error that refuses an id. */
#define RECORD_ID_RULE "1-64 characters of A-Z a-z 0-9 _ . : -"
/* Skill tags: "caces-r489-3", "habilitation-b0". */
#define SKILL_MAX_LEN 40

/* 1 if s (len bytes) is a valid record id. */
int	record_id_valid(const char *s, size_t len);

/*
 * Field decoders shared by the record decoders (candidate.c, offer.c,
 * clause.c).
 *
 * decode_fields() checks the shape of a record map once: a map whose keys
 * are all strings among names[0 .. count-1] (count <= 64), none twice,
 * and every bit of `required` (1 << index) present and not nil.  It fills
 * vals[i] with the value of names[i], NULL when absent or nil.  `path` is
 * the record's place in the message ("" at the top, "jobs[0]", "clause"),
 * `what` names it in messages ("candidate must be a map").
 *
 * The other decoders take such a value and the field path for errors.  A
 * NULL value means absent: the output keeps its default and 0 is returned.
 * All return 0, or -1 with err filled.
 */
int	decode_fields(const msgpack_object *map, const char *path,
	    const char *what, const char *const *names, int count,
	    uint64_t required, const msgpack_object **vals,
	    struct field_error *err);
/* A record id (record_id_valid()) into buf[RECORD_ID_MAX + 1]. */
int	decode_record_id(const msgpack_object *o, const char *field,
	    char *buf, struct field_error *err);
/* UTF-8 text of minlen..maxlen bytes, no NUL, into buf[maxlen + 1]. */
int	decode_text(const msgpack_object *o, const char *field, size_t minlen,
	    size_t maxlen, char *buf, struct field_error *err);
/* An integer in [min, max]. */
int	decode_int(const msgpack_object *o, const char *field, int min,
	    int max, int *out, struct field_error *err);
/* A "YYYY-MM-DD" date (date_parse()) as a day number. */
int	decode_date(const msgpack_object *o, const char *field, int32_t *out,
	    struct field_error *err);
/* One wire name of v, as its index. */
int	decode_vocab(const msgpack_object *o, const char *field,
	    const struct vocab *v, int *out, struct field_error *err);
/* A list of distinct wire names of v, as a bitmask; empty allowed or not. */
int	decode_vocab_set(const msgpack_object *o, const char *field,
	    const struct vocab *v, int nonempty, uint32_t *out,
	    struct field_error *err);
/* A list of at most max distinct skill tags ([a-z0-9][a-z0-9._-]*). */
int	decode_tag_list(const msgpack_object *o, const char *field, int max,
	    char (*tags)[SKILL_MAX_LEN + 1], int *n, struct field_error *err);
/* A ROME code known to ref: its code into code[] and its dense id. */
int	decode_rome(const msgpack_object *o, const char *field,
	    const struct refdata *ref, char code[ROME_CODE_LEN + 1], int *id,
	    struct field_error *err);
/*
 * The "commune", "lat" and "lon" fields of a record: a known commune or
 * both coordinates, one of the two required.  Given both, lat/lon win and
 * the commune must still be known.
 */
int	decode_location(const msgpack_object *commune,
	    const msgpack_object *lat, const msgpack_object *lon,
	    const struct refdata *ref,
	    char commune_out[INSEE_CODE_LEN + 1], double *lat_out,
	    double *lon_out, struct field_error *err);

/* A boolean. */
int	decode_bool(const msgpack_object *o, const char *field, int *out,
	    struct field_error *err);
/* Paths of fields in messages: "path.key" ("key" at the top), "path[i]". */
void	decode_path_key(char *buf, size_t size, const char *path,
	    const char *key, size_t klen);
void	decode_path_index(char *buf, size_t size, const char *path,
	    uint32_t i);
/* How much of len bytes of client text an error message quotes. */
int	decode_quote_len(size_t len);

#endif
