/*
 * libFuzzer target: proto/frame.c (built by scripts/fuzz, see
 * docs/FUZZING.md).
 *
 * The first input byte picks the bound and the chunk sizes; the rest is
 * the stream.  Checked: the resumable scanner agrees with stateless scans
 * of every prefix it sees, OK objects unpack to exactly objlen bytes, and
 * NEED_MORE only happens below the bound.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "frame.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 maxes[] = { 1, 8, 64, 512, 4096, 1 << 20 };
	struct frame_scanner	 sc;
	msgpack_zone		 zone;
	msgpack_object		 o;
	enum frame_status	 st, st2;
	const char		*buf;
	size_t			 n, max, have, step, objlen, objlen2;
	uint8_t			 ctl;

	if (size < 1)
		return 0;
	ctl = data[0];
	buf = (const char *)data + 1;
	n = size - 1;
	max = maxes[ctl % 6];
	step = 1 + (ctl >> 3);

	st = frame_scan(buf, n, max, &objlen, NULL, 0);
	if (st == FRAME_NEED_MORE && n >= max)
		abort();
	if (st == FRAME_OK) {
		if (objlen == 0 || objlen > n || objlen > max)
			abort();
		msgpack_zone_init(&zone, 256);
		if (frame_unpack(buf, objlen, &zone, &o) != 0)
			abort();
		msgpack_zone_destroy(&zone);
	}

	frame_scanner_init(&sc);
	for (have = 0;; have += step) {
		if (have > n)
			have = n;
		st2 = frame_scanner_feed(&sc, buf, have, max, &objlen2, NULL,
		    0);
		if (st2 != frame_scan(buf, have, max, NULL, NULL, 0))
			abort();
		if (st2 != FRAME_NEED_MORE || have == n)
			break;
	}
	if (st2 != st || (st == FRAME_OK && objlen2 != objlen))
		abort();
	return 0;
}
