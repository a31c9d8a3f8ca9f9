/*
 * Bounded framing of a MessagePack stream: find where one top-level object
 * ends without allocating, refusing any declared length that cannot fit
 * under the message bound as soon as its header is buffered, then hand
 * exactly that object to msgpack-c.
 *
 * The walk is iterative.  An explicit stack holds, per open container, the
 * elements still to read; "pending" is their sum (plus the top-level object
 * while it has not started).  Every element takes at least one byte, so an
 * element whose own bytes plus the pending count do not fit in the bytes
 * left under max can never complete within max: that is FRAME_TOO_LARGE at
 * once.  All size arithmetic compares against what is left instead of
 * adding, so 32-bit lengths cannot overflow size_t on any platform.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "frame.h"
#include "proto.h"

static enum frame_status
fail(enum frame_status st, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum frame_status
fail(enum frame_status st, char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* Big-endian unsigned integer of n (1, 2 or 4) bytes. */
static size_t
be_len(const unsigned char *p, int n)
{
	size_t	 v = 0;
	int	 i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

void
frame_scanner_init(struct frame_scanner *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->pending = 1;
}

enum frame_status
frame_scanner_feed(struct frame_scanner *sc, const char *buf, size_t len,
    size_t max, size_t *objlen, char *err, size_t errlen)
{
	const unsigned char	*p = (const unsigned char *)buf;
	const char		*what;
	size_t			 pos, room, hdr, lenbytes;
	uint64_t		 body, children, extra;
	unsigned int		 c;
	int			 container;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (sc->pending == 0)
		return fail(FRAME_MALFORMED, err, errlen,
		    "scanner not reset after a message");

	while (sc->pending > 0) {
		pos = sc->pos;
		if (pos >= len)
			goto more;
		/*
		 * Every earlier element ended within max; only a caller
		 * that shrank max between calls can break that.
		 */
		if (pos > max)
			return fail(FRAME_TOO_LARGE, err, errlen,
			    "message exceeds %zu bytes", max);
		room = max - pos;
		c = p[pos];
		hdr = 1;
		lenbytes = 0;
		body = 0;
		extra = 0;
		children = 0;
		container = 0;
		what = NULL;

		if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 ||
		    c == 0xc3) {
			/* fixint, nil, false, true: the byte is the value */
		} else if (c <= 0x8f) {
			children = 2 * (uint64_t)(c & 0x0f);
			container = 1;
		} else if (c <= 0x9f) {
			children = c & 0x0f;
			container = 1;
		} else if (c <= 0xbf) {
			body = c & 0x1f;
		} else {
			switch (c) {
			case 0xc1:
				return fail(FRAME_MALFORMED, err, errlen,
				    "reserved byte 0xc1 at offset %zu", pos);
			case 0xc4: case 0xc5: case 0xc6:	/* bin 8/16/32 */
				lenbytes = (size_t)1 << (c - 0xc4);
				hdr = 1 + lenbytes;
				what = "bin";
				break;
			case 0xc7: case 0xc8: case 0xc9:	/* ext 8/16/32 */
				/*
				 * The type byte follows the length; count it
				 * in the payload so the length is checked as
				 * soon as it is buffered.
				 */
				lenbytes = (size_t)1 << (c - 0xc7);
				hdr = 1 + lenbytes;
				extra = 1;
				what = "ext";
				break;
			case 0xca:				/* float 32 */
				body = 4;
				break;
			case 0xcb:				/* float 64 */
				body = 8;
				break;
			case 0xcc: case 0xcd: case 0xce: case 0xcf:
				body = (size_t)1 << (c - 0xcc);	/* uint */
				break;
			case 0xd0: case 0xd1: case 0xd2: case 0xd3:
				body = (size_t)1 << (c - 0xd0);	/* int */
				break;
			case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
				/* fixext: type byte and 1 to 16 bytes */
				body = 1 + ((uint64_t)1 << (c - 0xd4));
				break;
			case 0xd9: case 0xda: case 0xdb:	/* str 8/16/32 */
				lenbytes = (size_t)1 << (c - 0xd9);
				hdr = 1 + lenbytes;
				what = "str";
				break;
			case 0xdc: case 0xdd:			/* array 16/32 */
				lenbytes = (size_t)2 << (c - 0xdc);
				hdr = 1 + lenbytes;
				container = 1;
				what = "array";
				break;
			case 0xde: case 0xdf:			/* map 16/32 */
				lenbytes = (size_t)2 << (c - 0xde);
				hdr = 1 + lenbytes;
				container = 2;
				what = "map";
				break;
			default:
				/* All 256 values are handled above. */
				return fail(FRAME_MALFORMED, err, errlen,
				    "unknown byte 0x%02x at offset %zu", c, pos);
			}
		}

		/* The header itself, and one byte for each later element. */
		if (hdr > room || sc->pending - 1 > room - hdr)
			return fail(FRAME_TOO_LARGE, err, errlen,
			    "message exceeds %zu bytes", max);
		room -= hdr;
		if (hdr > len - pos)
			goto more;
		if (lenbytes > 0) {
			/* Length fields start after the marker byte. */
			if (container == 0)
				body = extra + be_len(p + pos + 1,
				    (int)lenbytes);
			else if (container == 1)
				children = be_len(p + pos + 1, (int)lenbytes);
			else
				children = 2 * (uint64_t)be_len(p + pos + 1,
				    (int)lenbytes);
		}
		/* Payload plus later elements plus children must all fit. */
		if (body > room - (sc->pending - 1) ||
		    children > room - (sc->pending - 1) - body)
			return fail(FRAME_TOO_LARGE, err, errlen,
			    "%s declared at offset %zu cannot fit in %zu bytes",
			    what != NULL ? what : "value", pos, max);
		/* From here on body + children <= room: no overflow below. */
		if (container) {
			if (sc->depth >= PROTO_MAX_DEPTH)
				return fail(FRAME_MALFORMED, err, errlen,
				    "nesting deeper than %d", PROTO_MAX_DEPTH);
		} else if (body > len - pos - hdr)
			goto more;

		/* The element is whole (a container: its header is). */
		sc->pending--;
		if (sc->depth > 0)
			sc->remain[sc->depth - 1]--;
		sc->pos = pos + hdr + (size_t)body;
		if (children > 0) {
			sc->remain[sc->depth++] = (size_t)children;
			sc->pending += (size_t)children;
		}
		while (sc->depth > 0 && sc->remain[sc->depth - 1] == 0)
			sc->depth--;
	}
	if (objlen != NULL)
		*objlen = sc->pos;
	return FRAME_OK;

more:
	/* Whatever follows, the object would end past max. */
	if (len >= max)
		return fail(FRAME_TOO_LARGE, err, errlen,
		    "message exceeds %zu bytes", max);
	return FRAME_NEED_MORE;
}

enum frame_status
frame_scan(const char *buf, size_t len, size_t max, size_t *objlen,
    char *err, size_t errlen)
{
	struct frame_scanner	 sc;

	frame_scanner_init(&sc);
	return frame_scanner_feed(&sc, buf, len, max, objlen, err, errlen);
}

int
frame_unpack(const char *buf, size_t objlen, msgpack_zone *zone,
    msgpack_object *out)
{
	msgpack_unpack_return	 ret;
	size_t			 n, off = 0;

	/*
	 * Check the bounds again: msgpack-c reserves memory from declared
	 * counts, so it must never see bytes that frame_scan() has not
	 * vetted, even if a caller passes the wrong length.
	 */
	if (buf == NULL || objlen == 0 ||
	    frame_scan(buf, objlen, objlen, &n, NULL, 0) != FRAME_OK ||
	    n != objlen)
		return -1;
	ret = msgpack_unpack(buf, objlen, &off, zone, out);
	if (ret != MSGPACK_UNPACK_SUCCESS || off != objlen)
		return -1;
	return 0;
}
