/*
 * Conversion between JSON values (jansson) and MessagePack (msgpack-c),
 * for the command-line client and the HTTP API: records are written by
 * people as JSON and travel as MessagePack; results come back as
 * MessagePack and are printed as JSON.  Pure: no I/O.
 */
#ifndef MATCHER_JSONMP_H
#define MATCHER_JSONMP_H

#include <stddef.h>

#include <jansson.h>
#include <msgpack.h>

/*
 * Deepest nesting of arrays and maps converted either way: the protocol's
 * own bound (PROTO_MAX_DEPTH), so that the client refuses what the daemon
 * would refuse and a hostile reply cannot exhaust the client's stack.
 */
#define JSONMP_MAX_DEPTH 32

/*
 * Nesting depth of j: 0 for a scalar, 1 for a flat array or object.  The
 * walk stops past JSONMP_MAX_DEPTH, so the result is at most one more.
 */
int	 jsonmp_depth(const json_t *j);

/*
 * Pack j: object -> map, array -> array, string -> str, integer -> int,
 * real -> float64, true/false -> bool, null -> nil.  Returns 0, or -1 with
 * a message in err when j nests deeper than JSONMP_MAX_DEPTH; the depth is
 * checked first, so nothing is written on failure.
 */
int	 jsonmp_pack(msgpack_packer *pk, const json_t *j, char *err,
	    size_t errlen);

/*
 * A new JSON value for o: map -> object (a key that is not a str is
 * replaced by its compact JSON text), bin -> base64 string, ext -> null,
 * float32/64 -> real.  Returns NULL with a message in err on nesting deeper
 * than JSONMP_MAX_DEPTH, a str that is not UTF-8, an unsigned integer over
 * INT64_MAX or a non-finite float (JSON has none of these).
 */
json_t	*jsonmp_to_json(const msgpack_object *o, char *err, size_t errlen);

/* Significant digits of the reals jsonmp_write() prints. */
#define JSONMP_PRECISION 15

/* A growing buffer of text; free data when done. */
struct jsonmp_buf {
	char	*data;
	size_t	 len, cap;
};

/*
 * Append o to b as compact JSON text: the text json_dumps() makes of
 * jsonmp_to_json(o) with JSON_COMPACT | JSON_REAL_PRECISION(15) (but a
 * duplicate map key is written twice), without building the jansson
 * value, which costs most of the time of a large reply.  Returns 0, or
 * -1 with a message in err (the refusals of jsonmp_to_json(), or out of
 * memory) and b as it was.
 */
int	 jsonmp_write(struct jsonmp_buf *b, const msgpack_object *o,
	    char *err, size_t errlen);
/* Append n bytes of s to b; -1 (out of memory, in err) or 0. */
int	 jsonmp_append(struct jsonmp_buf *b, const char *s, size_t n,
	    char *err, size_t errlen);

#endif
