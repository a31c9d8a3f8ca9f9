/*
 * Bounded framing of a MessagePack stream.
 *
 * MessagePack-RPC has no length prefix: a message ends where its top-level
 * object ends.  frame_scan() walks the encoded bytes without allocating,
 * checks every declared length against the bytes that can still fit under
 * the limit, and tells whether one whole object is buffered and how long it
 * is.  Only then does frame_unpack() hand exactly those bytes to msgpack-c,
 * whose unpacker would otherwise reserve memory from declared lengths (five
 * hostile bytes, "dd ff ff ff ff", ask for a 4-billion-element array).
 *
 * Pure: no I/O.
 */
#ifndef PROTO_FRAME_H
#define PROTO_FRAME_H

#include <stddef.h>

#include <msgpack.h>

#include "proto.h"

enum frame_status {
	FRAME_NEED_MORE,	/* no complete object yet; read more */
	FRAME_OK,		/* one object of *objlen bytes at buf */
	FRAME_TOO_LARGE,	/* declared or buffered size exceeds max */
	FRAME_MALFORMED		/* reserved byte 0xc1, or nesting too deep */
};

/*
 * Scan the bytes at buf (len of them) for one complete msgpack object of
 * at most max bytes.  On FRAME_OK, *objlen is its size.  On an error, err
 * gets a message.  A declared str/bin/ext length, or an array/map count,
 * that cannot fit in max bytes is FRAME_TOO_LARGE at once, before the bytes
 * arrive.
 */
enum frame_status frame_scan(const char *buf, size_t len, size_t max,
		    size_t *objlen, char *err, size_t errlen);

/*
 * Unpack the objlen bytes that frame_scan() accepted into *out, allocating
 * from zone (which the caller owns and clears).  The zone grows by at most
 * a small multiple of objlen.  Returns 0, or -1 on a parse error.
 */
int		 frame_unpack(const char *buf, size_t objlen,
		    msgpack_zone *zone, msgpack_object *out);
/*
 * The strings, bins and exts of *out point into buf (msgpack-c does not
 * copy them): keep those bytes in place until the object is no longer used.
 */

/*
 * Resumable scanning.  frame_scan() starts over at byte 0 on every call,
 * so a client trickling a large message one byte per segment would cost
 * quadratic time.  A scanner remembers where the last complete element
 * ended; each call only walks the bytes that arrived since.  Pass the same
 * bytes at the start of buf on every call (the buffer may move, its
 * content must not), with len growing.  After FRAME_OK, consume *objlen
 * bytes and call frame_scanner_init() before scanning the next message.
 * After FRAME_TOO_LARGE or FRAME_MALFORMED the stream is unusable.
 */
struct frame_scanner {
	size_t		 pos;		/* end of the last whole element */
	size_t		 pending;	/* elements still to read */
	unsigned int	 depth;		/* open containers */
	size_t		 remain[PROTO_MAX_DEPTH]; /* per open container */
};

void		 frame_scanner_init(struct frame_scanner *);
enum frame_status frame_scanner_feed(struct frame_scanner *, const char *buf,
		    size_t len, size_t max, size_t *objlen, char *err,
		    size_t errlen);

#endif
