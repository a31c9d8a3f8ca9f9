/*
 * A compact text notation for msgpack test inputs, packed with
 * msgpack_packer, so that a test case reads like the map it sends:
 *
 *	{id: 'c-001', jobs: [{rome: 'F1701', months: 24}], vehicle: true}
 *
 * {k: v, ...} maps whose bare-word keys are strings (any other key is a
 * value), [a, b] arrays, 'text' strings, b'bytes' bins, integers, floats
 * (with a '.' or an 'e'), true, false, nil.  Strings have no escapes: C
 * escapes in the literal carry any byte but the quote.
 *
 * Header only, for the cmocka programs of tests/unit: include it as
 * "../lib/mpnote.h".
 */
#ifndef TESTS_LIB_MPNOTE_H
#define TESTS_LIB_MPNOTE_H

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <msgpack.h>

/* Packed bytes and the object unpacked from them. */
struct note {
	msgpack_sbuffer		 sb;
	msgpack_unpacked	 up;
};

static inline const char *
note_skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	return p;
}

/* Number of items of the array or map whose body starts at p. */
static inline uint32_t
note_count_items(const char *p)
{
	uint32_t n = 0;
	int depth = 0, any = 0;

	for (; *p != '\0'; p++) {
		if (*p == '\'') {
			p = strchr(p + 1, '\'');
			assert_non_null(p);
			any = 1;
			continue;
		}
		if (*p == '[' || *p == '{')
			depth++;
		else if ((*p == ']' || *p == '}') && depth-- == 0)
			break;
		else if (*p == ',' && depth == 0)
			n++;
		if (*p != ' ')
			any = 1;
	}
	return any ? n + 1 : 0;
}

/* Pack the value that starts at p; return what follows it. */
static inline const char *
note_pack_value(msgpack_packer *pk, const char *p)
{
	const char *q;
	uint32_t i, n;
	int map;

	p = note_skip_ws(p);
	if (*p == '{' || *p == '[') {
		map = *p++ == '{';
		n = note_count_items(p);
		if (map)
			msgpack_pack_map(pk, n);
		else
			msgpack_pack_array(pk, n);
		for (i = 0; i < n; i++) {
			p = note_skip_ws(p);
			if (map && (isalpha((unsigned char)*p) || *p == '_')) {
				for (q = p; isalnum((unsigned char)*q) ||
				    *q == '_'; q++)
					;
				msgpack_pack_str(pk, (size_t)(q - p));
				msgpack_pack_str_body(pk, p, (size_t)(q - p));
				p = q;
			} else if (map)
				p = note_pack_value(pk, p);
			if (map) {
				p = note_skip_ws(p);
				assert_int_equal(*p++, ':');
			}
			p = note_skip_ws(note_pack_value(pk, p));
			if (*p == ',')
				p++;
		}
		p = note_skip_ws(p);
		assert_true(*p == '}' || *p == ']');
		return p + 1;
	}
	if (*p == '\'' || (p[0] == 'b' && p[1] == '\'')) {
		q = strchr(p + (*p == 'b') + 1, '\'');
		assert_non_null(q);
		if (*p == 'b') {
			msgpack_pack_bin(pk, (size_t)(q - p - 2));
			msgpack_pack_bin_body(pk, p + 2, (size_t)(q - p - 2));
		} else {
			msgpack_pack_str(pk, (size_t)(q - p - 1));
			msgpack_pack_str_body(pk, p + 1, (size_t)(q - p - 1));
		}
		return q + 1;
	}
	if (strncmp(p, "true", 4) == 0) {
		msgpack_pack_true(pk);
		return p + 4;
	}
	if (strncmp(p, "false", 5) == 0) {
		msgpack_pack_false(pk);
		return p + 5;
	}
	if (strncmp(p, "nil", 3) == 0) {
		msgpack_pack_nil(pk);
		return p + 3;
	}
	q = p + strspn(p, "+-0123456789.e");
	assert_true(q > p);
	if (memchr(p, '.', (size_t)(q - p)) || memchr(p, 'e', (size_t)(q - p)))
		msgpack_pack_double(pk, strtod(p, NULL));
	else if (*p == '-')
		msgpack_pack_int64(pk, strtoll(p, NULL, 10));
	else
		msgpack_pack_uint64(pk, strtoull(p, NULL, 10));
	return q;
}

/* Start packing into n->sb with pk. */
static inline void
note_begin(struct note *n, msgpack_packer *pk)
{
	msgpack_sbuffer_init(&n->sb);
	msgpack_packer_init(pk, &n->sb, msgpack_sbuffer_write);
}

/* Unpack the bytes of n->sb into n->up; return the object. */
static inline const msgpack_object *
note_unpack(struct note *n)
{
	msgpack_unpacked_init(&n->up);
	assert_int_equal(msgpack_unpack_next(&n->up, n->sb.data, n->sb.size,
	    NULL), MSGPACK_UNPACK_SUCCESS);
	return &n->up.data;
}

/* Pack text, which must hold one value and nothing else, and unpack it. */
static inline const msgpack_object *
note_parse(struct note *n, const char *text)
{
	msgpack_packer pk;
	const char *end;

	note_begin(n, &pk);
	end = note_pack_value(&pk, text);
	assert_int_equal(*note_skip_ws(end), '\0');
	return note_unpack(n);
}

static inline void
note_free(struct note *n)
{
	msgpack_unpacked_destroy(&n->up);
	msgpack_sbuffer_destroy(&n->sb);
}

/*
 * "{base, fragment}" into buf, where the base is the table kv of nkv
 * { key, value } pairs, less the field that the fragment starts with
 * ("commune: nil, lat: 50.5" drops the base's commune).
 */
static inline void
note_with(char *buf, size_t size, const char *const (*kv)[2], size_t nkv,
    const char *fragment)
{
	size_t i, klen, off;

	klen = strcspn(fragment, ":");
	off = (size_t)snprintf(buf, size, "{");
	for (i = 0; i < nkv; i++)
		if (strlen(kv[i][0]) != klen ||
		    strncmp(kv[i][0], fragment, klen) != 0)
			off += (size_t)snprintf(buf + off, size - off,
			    "%s: %s, ", kv[i][0], kv[i][1]);
	off += (size_t)snprintf(buf + off, size - off, "%s}", fragment);
	assert_true(off < size);
}

/*
 * Append the array "[item, ...]" of n items to the text of length off in
 * buf; item i is printed with fmt, which takes i as its one int argument.
 * Return the new length.
 */
static inline size_t
note_list(char *buf, size_t size, size_t off, const char *fmt, int n)
{
	int i;

	off += (size_t)snprintf(buf + off, size - off, "[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			off += (size_t)snprintf(buf + off, size - off, ", ");
		off += (size_t)snprintf(buf + off, size - off, fmt, i);
	}
	off += (size_t)snprintf(buf + off, size - off, "]");
	assert_true(off < size);
	return off;
}

#endif /* TESTS_LIB_MPNOTE_H */
