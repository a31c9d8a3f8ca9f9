/*
 * Small helpers to read and write msgpack-c objects: look up a key in a
 * map, read typed values, pack strings.  Shared by the daemon, the clients
 * and the domain decoders.  Pure: no I/O, no allocation.
 */
#ifndef PROTO_MPOBJ_H
#define PROTO_MPOBJ_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

/*
 * What a decoder reports about the first bad field: its path in the
 * record ("jobs[0].rome") and a readable message.
 */
struct field_error {
	char	field[128];
	char	message[256];
};

/* Fill err (field path and printf-style message); returns -1 for "return". */
int	field_error_set(struct field_error *err, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Value for the string key in a map object, or NULL (also if not a map). */
const msgpack_object *mp_map_get(const msgpack_object *map, const char *key);

/* 1 if o is a str (or bin) equal to s. */
int	mp_str_eq(const msgpack_object *o, const char *s);

/*
 * Typed readers: 0 on success, -1 if o has another type (or, for
 * integers, does not fit).  Strings are not NUL-terminated in msgpack.
 */
int	mp_get_str(const msgpack_object *o, const char **s, size_t *len);
int	mp_get_int64(const msgpack_object *o, int64_t *v);
int	mp_get_uint32(const msgpack_object *o, uint32_t *v);
/* Accepts integers and floats. */
int	mp_get_double(const msgpack_object *o, double *v);
int	mp_get_bool(const msgpack_object *o, int *v);
/* Copy a str into buf (size bufsz) as a C string; -1 if it does not fit. */
int	mp_copy_str(const msgpack_object *o, char *buf, size_t bufsz);

/* Writers. */
void	mp_pack_str(msgpack_packer *pk, const char *s);
void	mp_pack_strn(msgpack_packer *pk, const char *s, size_t len);
/* key (a C string) followed by a string value / integer / bool / double. */
void	mp_pack_kv_str(msgpack_packer *pk, const char *key, const char *val);
void	mp_pack_kv_int(msgpack_packer *pk, const char *key, int64_t val);
void	mp_pack_kv_bool(msgpack_packer *pk, const char *key, int val);
void	mp_pack_kv_double(msgpack_packer *pk, const char *key, double val);

#endif
