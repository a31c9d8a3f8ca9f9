/*
 * Unit tests of proto/frame.c, the bound between untrusted bytes and
 * msgpack-c: every msgpack format scanned whole, byte by byte and in random
 * splits (stateless and resumable), concatenated messages, hostile declared
 * lengths refused as soon as their header is buffered, the nesting limit,
 * the reserved byte, the zone growth of frame_unpack(), and a seeded random
 * loop checking that scanning never crashes and agrees with msgpack-c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <msgpack.h>

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif
#ifdef HAVE_ASAN
/* From the ASan runtime; GCC does not install the header declaring it. */
size_t	__sanitizer_get_current_allocated_bytes(void);
#else
#include <malloc.h>
#endif

#include "frame.h"
#include "proto.h"

#define MAX	PROTO_MAX_MESSAGE_DEFAULT

struct sample {
	const char	*b;
	size_t		 n;
};
#define S(lit)	{ lit, sizeof(lit) - 1 }

/* One hand-encoded message per msgpack format, edge lengths included. */
static const struct sample samples[] = {
	S("\x00"), S("\x7f"),				/* positive fixint */
	S("\xe0"), S("\xff"),				/* negative fixint */
	S("\x80"), S("\x81\xa1k\x01"),			/* fixmap */
	S("\x82\xa1" "a\x90\xa1" "b\x80"),
	S("\x90"), S("\x93\x01\x02\x03"),		/* fixarray */
	S("\xa0"), S("\xa3" "abc"),			/* fixstr */
	S("\xbf" "0123456789012345678901234567890"),
	S("\xc0"), S("\xc2"), S("\xc3"),		/* nil false true */
	S("\xc4\x00"), S("\xc4\x03" "abc"),		/* bin 8 */
	S("\xc5\x00\x03" "abc"),			/* bin 16 */
	S("\xc6\x00\x00\x00\x03" "abc"),		/* bin 32 */
	S("\xc7\x00\x05"), S("\xc7\x03\x01" "abc"),	/* ext 8 */
	S("\xc8\x00\x03\x01" "abc"),			/* ext 16 */
	S("\xc9\x00\x00\x00\x03\xff" "abc"),		/* ext 32 */
	S("\xca\x3f\x80\x00\x00"),			/* float 32 */
	S("\xcb\x40\x09\x21\xfb\x54\x44\x2d\x18"),	/* float 64 */
	S("\xcc\xff"), S("\xcd\x01\x00"),		/* uint 8/16 */
	S("\xce\xff\xff\xff\xff"),			/* uint 32 */
	S("\xcf\xff\xff\xff\xff\xff\xff\xff\xff"),	/* uint 64 */
	S("\xd0\x80"), S("\xd1\x80\x00"),		/* int 8/16 */
	S("\xd2\x80\x00\x00\x00"),			/* int 32 */
	S("\xd3\x80\x00\x00\x00\x00\x00\x00\x00"),	/* int 64 */
	S("\xd4\x01\x02"),				/* fixext 1 */
	S("\xd5\x01\x02\x03"),				/* fixext 2 */
	S("\xd6\x01" "abcd"),				/* fixext 4 */
	S("\xd7\x01" "abcdefgh"),			/* fixext 8 */
	S("\xd8\x01" "abcdefghijklmnop"),		/* fixext 16 */
	S("\xd9\x00"), S("\xd9\x03" "abc"),		/* str 8 */
	S("\xda\x00\x03" "abc"),			/* str 16 */
	S("\xdb\x00\x00\x00\x03" "abc"),		/* str 32 */
	S("\xdc\x00\x00"), S("\xdc\x00\x02\xc0\xc3"),	/* array 16 */
	S("\xdd\x00\x00\x00\x02\x01\x02"),		/* array 32 */
	S("\xde\x00\x00"), S("\xde\x00\x01\xa1k\xc0"),	/* map 16 */
	S("\xdf\x00\x00\x00\x01\x01\x02"),		/* map 32 */
	/* a request as clients send it */
	S("\x94\x00\xce\x00\x01\x00\x00\xa4ping\x91\x81\xa2id\xa2" "c1"),
	/* containers closing at several levels at once */
	S("\x92\x91\x91\x91\xc0\x81\xa1x\x92\x90\x80"),
};

/* A small deterministic generator; the state lives with the caller. */
struct rng {
	uint64_t	 s;
};

static uint32_t
rng_next(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s >> 16);
}

static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return n == 0 ? 0 : rng_next(r) % n;
}

/* Heap bytes in use, to measure what frame_unpack() allocates. */
static size_t
heap_in_use(void)
{
#ifdef HAVE_ASAN
	return __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2	 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#endif
}

static enum frame_status
scan(const char *b, size_t n, size_t max, size_t *objlen)
{
	char	 err[128];

	return frame_scan(b, n, max, objlen, err, sizeof(err));
}

/* Unpack b[0..n) with frame_unpack() and with plain msgpack-c: same object. */
static void
check_unpack(const char *b, size_t n)
{
	msgpack_zone	 z1, z2;
	msgpack_object	 o1, o2;
	size_t		 off = 0;

	msgpack_zone_init(&z1, 256);
	msgpack_zone_init(&z2, 256);
	assert_int_equal(frame_unpack(b, n, &z1, &o1), 0);
	assert_int_equal(msgpack_unpack(b, n, &off, &z2, &o2),
	    MSGPACK_UNPACK_SUCCESS);
	assert_true(msgpack_object_equal(o1, o2));
	msgpack_zone_destroy(&z1);
	msgpack_zone_destroy(&z2);
}

/*
 * The message b[0..n) is whole: every strict prefix needs more, the whole
 * is OK with objlen n, both stateless and fed byte by byte to a scanner.
 */
static void
check_whole(const char *b, size_t n)
{
	struct frame_scanner	 sc;
	size_t			 k, objlen;
	char			*copy;

	/* a heap copy of exactly n bytes: ASan catches any over-read */
	copy = malloc(n);
	assert_non_null(copy);
	memcpy(copy, b, n);
	for (k = 0; k < n; k++)
		assert_int_equal(scan(copy, k, MAX, &objlen), FRAME_NEED_MORE);
	objlen = 0;
	assert_int_equal(scan(copy, n, MAX, &objlen), FRAME_OK);
	assert_int_equal(objlen, n);

	frame_scanner_init(&sc);
	for (k = 0; k < n; k++)
		assert_int_equal(frame_scanner_feed(&sc, copy, k, MAX, &objlen,
		    NULL, 0), FRAME_NEED_MORE);
	objlen = 0;
	assert_int_equal(frame_scanner_feed(&sc, copy, n, MAX, &objlen,
	    NULL, 0), FRAME_OK);
	assert_int_equal(objlen, n);

	/* the bound is inclusive: max == n fits, max == n - 1 does not */
	assert_int_equal(scan(copy, n, n, &objlen), FRAME_OK);
	assert_int_equal(scan(copy, n, n - 1, &objlen), FRAME_TOO_LARGE);

	check_unpack(copy, n);
	free(copy);
}

static void
test_every_format(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		check_whole(samples[i].b, samples[i].n);
}

/* Larger lengths, built rather than written out. */
static void
test_long_formats(void **state)
{
	static const unsigned char	 hdrs[][6] = {
		{ 0xd9, 0xff },				/* str 8, 255 */
		{ 0xda, 0x01, 0x2c },			/* str 16, 300 */
		{ 0xdb, 0x00, 0x01, 0x00, 0x00 },	/* str 32, 65536 */
		{ 0xc4, 0xff },				/* bin 8, 255 */
		{ 0xc5, 0x01, 0x2c },			/* bin 16, 300 */
		{ 0xc6, 0x00, 0x01, 0x00, 0x00 },	/* bin 32, 65536 */
		{ 0xc7, 0xff, 0x07 },			/* ext 8, 255 */
		{ 0xc8, 0x01, 0x2c, 0x07 },		/* ext 16, 300 */
	};
	static const size_t	 hlen[] = { 2, 3, 5, 2, 3, 5, 3, 4 };
	static const size_t	 blen[] = { 255, 300, 65536, 255, 300, 65536,
	    255, 300 };
	char			*b;
	size_t			 i, n, objlen;

	(void)state;
	for (i = 0; i < sizeof(hlen) / sizeof(hlen[0]); i++) {
		n = hlen[i] + blen[i];
		b = malloc(n);
		assert_non_null(b);
		memcpy(b, hdrs[i], hlen[i]);
		memset(b + hlen[i], 'x', blen[i]);
		if (blen[i] < 1000)
			check_whole(b, n);
		else {
			/* Too long for every prefix: sample a few. */
			assert_int_equal(scan(b, hlen[i], MAX, &objlen),
			    FRAME_NEED_MORE);
			assert_int_equal(scan(b, n - 1, MAX, &objlen),
			    FRAME_NEED_MORE);
			assert_int_equal(scan(b, n, MAX, &objlen), FRAME_OK);
			assert_int_equal(objlen, n);
			check_unpack(b, n);
		}
		free(b);
	}
}

/* Arrays and maps with 16- and 32-bit counts and many elements. */
static void
test_long_containers(void **state)
{
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	size_t		 objlen;
	int		 i;

	(void)state;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 300);
	for (i = 0; i < 300; i++) {
		msgpack_pack_int(&pk, i);
		msgpack_pack_array(&pk, 2);
		msgpack_pack_str_with_body(&pk, "value", 5);
		msgpack_pack_double(&pk, i / 3.0);
	}
	check_whole(sb.data, sb.size);
	msgpack_sbuffer_clear(&sb);

	msgpack_pack_array(&pk, 70000);		/* array 32 */
	for (i = 0; i < 70000; i++)
		msgpack_pack_nil(&pk);
	assert_int_equal((unsigned char)sb.data[0], 0xdd);
	assert_int_equal(scan(sb.data, sb.size - 1, MAX, &objlen),
	    FRAME_NEED_MORE);
	assert_int_equal(scan(sb.data, sb.size, MAX, &objlen), FRAME_OK);
	assert_int_equal(objlen, sb.size);
	check_unpack(sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

/* Each sample in random splits, fed to a scanner and rescanned whole. */
static void
test_random_splits(void **state)
{
	struct frame_scanner	 sc;
	struct rng		 r = { 0x9e3779b97f4a7c15ULL };
	enum frame_status	 st;
	size_t			 i, have, objlen;
	int			 round;

	(void)state;
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		for (round = 0; round < 20; round++) {
			frame_scanner_init(&sc);
			have = 0;
			for (;;) {
				have += 1 + rng_below(&r, 4);
				if (have > samples[i].n)
					have = samples[i].n;
				st = frame_scanner_feed(&sc, samples[i].b,
				    have, MAX, &objlen, NULL, 0);
				assert_int_equal(st, scan(samples[i].b, have,
				    MAX, NULL));
				if (have == samples[i].n)
					break;
				assert_int_equal(st, FRAME_NEED_MORE);
			}
			assert_int_equal(st, FRAME_OK);
			assert_int_equal(objlen, samples[i].n);
		}
	}
}

/* Two messages back to back: objlen is the first one's, then the second. */
static void
test_concatenated(void **state)
{
	struct frame_scanner	 sc;
	char			 buf[256];
	size_t			 i, j, n1, n2, objlen;

	(void)state;
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		j = (i * 7 + 3) % (sizeof(samples) / sizeof(samples[0]));
		n1 = samples[i].n;
		n2 = samples[j].n;
		assert_true(n1 + n2 <= sizeof(buf));
		memcpy(buf, samples[i].b, n1);
		memcpy(buf + n1, samples[j].b, n2);
		assert_int_equal(scan(buf, n1 + n2, MAX, &objlen), FRAME_OK);
		assert_int_equal(objlen, n1);
		/* a partial second message does not matter either */
		assert_int_equal(scan(buf, n1 + 1, MAX, &objlen), FRAME_OK);
		assert_int_equal(objlen, n1);
		assert_int_equal(scan(buf + n1, n2, MAX, &objlen), FRAME_OK);
		assert_int_equal(objlen, n2);

		frame_scanner_init(&sc);
		assert_int_equal(frame_scanner_feed(&sc, buf, n1 + n2, MAX,
		    &objlen, NULL, 0), FRAME_OK);
		assert_int_equal(objlen, n1);
		/* a used scanner must be reset, not silently reused */
		assert_int_equal(frame_scanner_feed(&sc, buf, n1 + n2, MAX,
		    &objlen, NULL, 0), FRAME_MALFORMED);
		frame_scanner_init(&sc);
		assert_int_equal(frame_scanner_feed(&sc, buf + n1, n2, MAX,
		    &objlen, NULL, 0), FRAME_OK);
		assert_int_equal(objlen, n2);
	}
}

/* Declared sizes that cannot fit are refused from the header alone. */
static void
test_hostile_headers(void **state)
{
	static const struct sample	 hostile[] = {
		S("\xdd\xff\xff\xff\xff"),		/* array 32 */
		S("\xdf\xff\xff\xff\xff"),		/* map 32 */
		S("\xdf\x80\x00\x00\x00"),		/* 2n overflows 32 bits */
		S("\xdb\xff\xff\xff\xff"),		/* str 32 */
		S("\xc6\xff\xff\xff\xff"),		/* bin 32 */
		S("\xc9\xff\xff\xff\xff"),		/* ext 32, no type yet */
		S("\xc9\x00\x10\x00\x00"),		/* ext 32, 1 MiB */
		S("\xdb\x00\x10\x00\x00"),		/* str 32, 1 MiB */
		S("\xdd\x00\x10\x00\x00"),		/* array 32, 1 MiB */
		S("\xdf\x00\x08\x00\x00"),		/* map 32, 512 Ki */
		/* inside containers, with siblings still to come */
		S("\x92\xdb\x00\x0f\xff\xfc"),
		S("\x9f\x91\x91\x91\xdd\x00\x0f\xff\xf0"),
		S("\x91\x91\x91\x91\xdd\xff\xff\xff\xff"),
		S("\x81\xa1k\xdd\xff\xff\xff\xff"),
		S("\xdc\xff\xff\xdd\x00\x0f\x00\x00\xdd\x00\x0f\x00\x00"),
	};
	char	 err[128];
	size_t	 i, objlen;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		err[0] = '\0';
		assert_int_equal(frame_scan(hostile[i].b, hostile[i].n, MAX,
		    &objlen, err, sizeof(err)), FRAME_TOO_LARGE);
		assert_true(err[0] != '\0');
		/* and the unpacker refuses them without allocating */
		assert_int_equal(frame_unpack(hostile[i].b, hostile[i].n,
		    NULL, NULL), -1);
	}
}

/* Exact edges of the bound, for each kind of declared length. */
static void
test_bound_edges(void **state)
{
	unsigned char	 b[5];
	size_t		 objlen, v;
	int		 i;
	static const unsigned char	 marks[] = { 0xdb, 0xc6, 0xdd };

	(void)state;
	/* str/bin 32: 5 header bytes + L <= max; array 32: 5 + n <= max */
	for (i = 0; i < 3; i++) {
		v = MAX - 5;
		b[0] = marks[i];
		b[1] = (unsigned char)(v >> 24);
		b[2] = (unsigned char)(v >> 16);
		b[3] = (unsigned char)(v >> 8);
		b[4] = (unsigned char)v;
		assert_int_equal(scan((char *)b, 5, MAX, &objlen),
		    FRAME_NEED_MORE);
		v++;
		b[3] = (unsigned char)(v >> 8);
		b[4] = (unsigned char)v;
		assert_int_equal(scan((char *)b, 5, MAX, &objlen),
		    FRAME_TOO_LARGE);
	}
	/* ext 32: type byte too */
	v = MAX - 6;
	b[0] = 0xc9;
	b[1] = (unsigned char)(v >> 24);
	b[2] = (unsigned char)(v >> 16);
	b[3] = (unsigned char)(v >> 8);
	b[4] = (unsigned char)v;
	assert_int_equal(scan((char *)b, 5, MAX, &objlen), FRAME_NEED_MORE);
	v++;
	b[4] = (unsigned char)v;
	assert_int_equal(scan((char *)b, 5, MAX, &objlen), FRAME_TOO_LARGE);
	/* map 32: 5 + 2n <= max */
	v = (MAX - 5) / 2;
	b[0] = 0xdf;
	b[1] = (unsigned char)(v >> 24);
	b[2] = (unsigned char)(v >> 16);
	b[3] = (unsigned char)(v >> 8);
	b[4] = (unsigned char)v;
	assert_int_equal(scan((char *)b, 5, MAX, &objlen), FRAME_NEED_MORE);
	v++;
	b[3] = (unsigned char)(v >> 8);
	b[4] = (unsigned char)v;
	assert_int_equal(scan((char *)b, 5, MAX, &objlen), FRAME_TOO_LARGE);

	/* a sibling still to come takes a byte: [str8 L, x] in max 10 */
	assert_int_equal(scan("\x92\xd9\x06", 3, 10, &objlen),
	    FRAME_NEED_MORE);
	assert_int_equal(scan("\x92\xd9\x07", 3, 10, &objlen),
	    FRAME_TOO_LARGE);
	/* a header that fits only without its sibling, before its length */
	assert_int_equal(scan("\x92\xdb", 2, 6, &objlen), FRAME_TOO_LARGE);
	assert_int_equal(scan("\x92\xdb", 2, 7, &objlen), FRAME_NEED_MORE);
	/* a header that cannot fit is refused before it is complete */
	assert_int_equal(scan("\xdb", 1, 4, &objlen), FRAME_TOO_LARGE);
	assert_int_equal(scan("\xdb", 1, 5, &objlen), FRAME_NEED_MORE);
	assert_int_equal(scan("\xcf", 1, 8, &objlen), FRAME_TOO_LARGE);
	assert_int_equal(scan("\xcf", 1, 9, &objlen), FRAME_NEED_MORE);
	/* scalars count too: [nil x 3] needs 4 bytes */
	assert_int_equal(scan("\x93", 1, 3, &objlen), FRAME_TOO_LARGE);
	assert_int_equal(scan("\x93", 1, 4, &objlen), FRAME_NEED_MORE);
	assert_int_equal(scan("\x93\xc0\xc0\xc0", 4, 4, &objlen), FRAME_OK);
	/* max 0 holds nothing */
	assert_int_equal(scan("\xc0", 1, 0, &objlen), FRAME_TOO_LARGE);
}

/* A str within the bound is NEED_MORE until its last byte arrives. */
static void
test_fitting_str_waits(void **state)
{
	struct frame_scanner	 sc;
	char			*b;
	size_t			 n = 5 + 4096, k, objlen;

	(void)state;
	b = malloc(n);
	assert_non_null(b);
	memcpy(b, "\xdb\x00\x00\x10\x00", 5);
	memset(b + 5, 'y', 4096);
	frame_scanner_init(&sc);
	for (k = 0; k < n; k++) {
		assert_int_equal(scan(b, k, MAX, &objlen), FRAME_NEED_MORE);
		assert_int_equal(frame_scanner_feed(&sc, b, k, MAX, &objlen,
		    NULL, 0), FRAME_NEED_MORE);
	}
	assert_int_equal(frame_scanner_feed(&sc, b, n, MAX, &objlen, NULL, 0),
	    FRAME_OK);
	assert_int_equal(objlen, n);
	/* the same str under a bound one byte too small */
	assert_int_equal(scan(b, 5, n - 1, &objlen), FRAME_TOO_LARGE);
	free(b);
}

static void
test_nesting(void **state)
{
	char	 b[80], err[128];
	size_t	 objlen, n;

	(void)state;
	/* 32 arrays around a nil: accepted, and msgpack-c agrees */
	memset(b, 0x91, 32);
	b[32] = (char)0xc0;
	assert_int_equal(scan(b, 33, MAX, &objlen), FRAME_OK);
	assert_int_equal(objlen, 33);
	check_whole(b, 33);
	/* 33: refused, even before the innermost value arrives */
	memset(b, 0x91, 33);
	b[33] = (char)0xc0;
	assert_int_equal(frame_scan(b, 34, MAX, &objlen, err, sizeof(err)),
	    FRAME_MALFORMED);
	assert_string_equal(err, "nesting deeper than 32");
	assert_int_equal(scan(b, 33, MAX, &objlen), FRAME_MALFORMED);
	assert_int_equal(frame_unpack(b, 34, NULL, NULL), -1);
	/* an empty container is a level too */
	memset(b, 0x91, 32);
	b[32] = (char)0x90;
	assert_int_equal(scan(b, 33, MAX, &objlen), FRAME_MALFORMED);
	memset(b, 0x91, 31);
	b[31] = (char)0x80;
	assert_int_equal(scan(b, 32, MAX, &objlen), FRAME_OK);
	/* maps: {nil: {nil: ... nil}} */
	for (n = 0; n < 32; n++) {
		b[2 * n] = (char)0x81;
		b[2 * n + 1] = (char)0xc0;
	}
	b[64] = (char)0xc0;
	assert_int_equal(scan(b, 65, MAX, &objlen), FRAME_OK);
	check_whole(b, 65);
	b[64] = (char)0x81;
	b[65] = (char)0xc0;
	b[66] = (char)0xc0;
	assert_int_equal(scan(b, 67, MAX, &objlen), FRAME_MALFORMED);
	/* depth drops as containers close: two 32-deep branches */
	b[0] = (char)0x92;
	memset(b + 1, 0x91, 31);
	b[32] = (char)0xc0;
	memset(b + 33, 0x91, 31);
	b[64] = (char)0xc0;
	assert_int_equal(scan(b, 65, MAX, &objlen), FRAME_OK);
	assert_int_equal(objlen, 65);
	check_whole(b, 65);
}

static void
test_reserved_byte(void **state)
{
	char	 err[128];
	size_t	 objlen;

	(void)state;
	assert_int_equal(frame_scan("\xc1", 1, MAX, &objlen, err,
	    sizeof(err)), FRAME_MALFORMED);
	assert_true(strstr(err, "0xc1") != NULL);
	assert_int_equal(scan("\x92\x01\xc1", 3, MAX, &objlen),
	    FRAME_MALFORMED);
	assert_int_equal(scan("\x92\x01", 2, MAX, &objlen), FRAME_NEED_MORE);
	assert_int_equal(scan("\x81\xc1\x01", 3, MAX, &objlen),
	    FRAME_MALFORMED);
	/* inside a str payload 0xc1 is just a byte */
	assert_int_equal(scan("\xa1\xc1", 2, MAX, &objlen), FRAME_OK);
	/* after a whole message it belongs to the next one */
	assert_int_equal(scan("\xc0\xc1", 2, MAX, &objlen), FRAME_OK);
	assert_int_equal(objlen, 1);
}

/* A buffer of max bytes holding an incomplete object is too large. */
static void
test_full_buffer_incomplete(void **state)
{
	char	 b[64];
	size_t	 objlen;
	int	 i;

	(void)state;
	/* nested one-element arrays fill the buffer */
	memset(b, 0x91, sizeof(b));
	assert_int_equal(scan(b, 16, 16, &objlen), FRAME_TOO_LARGE);
	/* 61 nils in an array 16 fill 64 bytes; 62 cannot fit */
	b[0] = (char)0xdc;
	b[1] = 0;
	b[2] = 61;
	memset(b + 3, 0xc0, 61);
	assert_int_equal(scan(b, 64, 64, &objlen), FRAME_OK);
	b[2] = 62;
	assert_int_equal(scan(b, 64, 64, &objlen), FRAME_TOO_LARGE);
	assert_int_equal(scan(b, 63, 64, &objlen), FRAME_TOO_LARGE);
	/* more bytes than max buffered, object incomplete */
	for (i = 0; i < 64; i++)
		b[i] = (char)0x9f;
	assert_int_equal(scan(b, 64, 32, &objlen), FRAME_TOO_LARGE);
}

static void
test_unpack(void **state)
{
	msgpack_zone	 zone;
	msgpack_object	 o;
	const char	*req = samples[sizeof(samples) / sizeof(samples[0])
			    - 2].b;
	size_t		 n = samples[sizeof(samples) / sizeof(samples[0])
			    - 2].n;

	(void)state;
	msgpack_zone_init(&zone, 256);
	assert_int_equal(frame_unpack(req, n, &zone, &o), 0);
	assert_int_equal(o.type, MSGPACK_OBJECT_ARRAY);
	assert_int_equal(o.via.array.size, 4);
	assert_int_equal(o.via.array.ptr[1].via.u64, 65536);
	assert_int_equal(o.via.array.ptr[2].type, MSGPACK_OBJECT_STR);
	assert_memory_equal(o.via.array.ptr[2].via.str.ptr, "ping", 4);
	/* short, long, empty and NULL inputs are refused */
	assert_int_equal(frame_unpack(req, n - 1, &zone, &o), -1);
	assert_int_equal(frame_unpack("\xc0\xc0", 2, &zone, &o), -1);
	assert_int_equal(frame_unpack(req, 0, &zone, &o), -1);
	assert_int_equal(frame_unpack(NULL, 1, &zone, &o), -1);
	assert_int_equal(frame_unpack("\xc1", 1, &zone, &o), -1);
	msgpack_zone_destroy(&zone);
}

/* What frame_unpack() allocates stays a small multiple of objlen. */
static void
check_zone_growth(const char *b, size_t n)
{
	msgpack_zone	*zone;
	msgpack_object	 o;
	size_t		 before, after;

	zone = msgpack_zone_new(MSGPACK_ZONE_CHUNK_SIZE);
	assert_non_null(zone);
	before = heap_in_use();
	assert_int_equal(frame_unpack(b, n, zone, &o), 0);
	after = heap_in_use();
	/* msgpack_object is 24 bytes, a kv 48 per 2 bytes, chunks double */
	assert_true(after - before <= 64 * n + 4096);
	msgpack_zone_free(zone);
}

static void
test_zone_bounded(void **state)
{
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	int		 i;

	(void)state;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 1000);
	for (i = 0; i < 1000; i++)
		msgpack_pack_nil(&pk);
	check_zone_growth(sb.data, sb.size);
	msgpack_sbuffer_clear(&sb);

	msgpack_pack_map(&pk, 5000);
	for (i = 0; i < 5000; i++) {
		msgpack_pack_nil(&pk);
		msgpack_pack_nil(&pk);
	}
	check_zone_growth(sb.data, sb.size);
	msgpack_sbuffer_clear(&sb);

	/* 10000 empty arrays, and nested one-element arrays */
	msgpack_pack_array(&pk, 10000);
	for (i = 0; i < 10000; i++)
		msgpack_pack_array(&pk, 0);
	check_zone_growth(sb.data, sb.size);
	msgpack_sbuffer_clear(&sb);
	for (i = 0; i < 32; i++)
		msgpack_pack_array(&pk, 1);
	msgpack_pack_nil(&pk);
	check_zone_growth(sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

/* Pack a random value of every kind, small, nested at most depth. */
static void
gen_value(struct rng *r, msgpack_packer *pk, int depth)
{
	static const char	 bytes[40] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint32_t		 i, n;

	switch (rng_below(r, depth > 0 ? 16 : 12)) {
	case 0:
		msgpack_pack_nil(pk);
		break;
	case 1:
		if (rng_below(r, 2))
			msgpack_pack_true(pk);
		else
			msgpack_pack_false(pk);
		break;
	case 2:
		msgpack_pack_uint64(pk, (uint64_t)rng_next(r) <<
		    rng_below(r, 33));
		break;
	case 3:
		msgpack_pack_int64(pk, -(int64_t)((uint64_t)rng_next(r) <<
		    rng_below(r, 31)));
		break;
	case 4:
		msgpack_pack_float(pk, (float)rng_next(r) / 7.0f);
		break;
	case 5:
		msgpack_pack_double(pk, (double)rng_next(r) / 3.0);
		break;
	case 6:
	case 7:
		n = rng_below(r, rng_below(r, 2) ? 8 : 40);
		msgpack_pack_str_with_body(pk, bytes, n);
		break;
	case 8:
		n = rng_below(r, 40);
		msgpack_pack_bin_with_body(pk, bytes, n);
		break;
	case 9:
		n = rng_below(r, 2) ? (1u << rng_below(r, 5)) :
		    rng_below(r, 40);
		msgpack_pack_ext_with_body(pk, bytes, n,
		    (int8_t)rng_below(r, 128));
		break;
	case 10:
		msgpack_pack_int8(pk, (int8_t)rng_next(r));
		break;
	case 11:
		msgpack_pack_uint16(pk, (uint16_t)rng_next(r));
		break;
	case 12:
	case 13:
		n = rng_below(r, rng_below(r, 4) ? 4 : 20);
		msgpack_pack_array(pk, n);
		for (i = 0; i < n; i++)
			gen_value(r, pk, depth - 1);
		break;
	default:
		n = rng_below(r, 5);
		msgpack_pack_map(pk, n);
		for (i = 0; i < n; i++) {
			gen_value(r, pk, 0);
			gen_value(r, pk, depth - 1);
		}
		break;
	}
}

/*
 * Check one buffer against every property: the scanner fed in random
 * chunks agrees with stateless scans of each prefix; OK means msgpack-c
 * unpacks exactly objlen bytes; NEED_MORE means fewer than max bytes are
 * buffered and, when counts are small, msgpack-c wants more too.
 */
static void
check_random_buffer(struct rng *r, const char *b, size_t n, size_t max)
{
	struct frame_scanner	 sc;
	msgpack_zone		 zone;
	msgpack_object		 o;
	enum frame_status	 st, st2;
	size_t			 have, objlen, objlen2, off;
	msgpack_unpack_return	 ur;

	st = scan(b, n, max, &objlen);
	switch (st) {
	case FRAME_OK:
		assert_true(objlen > 0 && objlen <= n && objlen <= max);
		msgpack_zone_init(&zone, 256);
		assert_int_equal(frame_unpack(b, objlen, &zone, &o), 0);
		off = 0;
		ur = msgpack_unpack(b, n, &off, &zone, &o);
		assert_true(ur == MSGPACK_UNPACK_SUCCESS ||
		    ur == MSGPACK_UNPACK_EXTRA_BYTES);
		assert_int_equal(off, objlen);
		msgpack_zone_destroy(&zone);
		/* the prefix before the end was incomplete */
		assert_int_equal(scan(b, objlen - 1, max, NULL),
		    FRAME_NEED_MORE);
		break;
	case FRAME_NEED_MORE:
		assert_true(n < max);
		if (max <= 64) {
			/* counts are bounded by max: safe for msgpack-c */
			msgpack_zone_init(&zone, 256);
			off = 0;
			ur = msgpack_unpack(b, n, &off, &zone, &o);
			assert_int_equal(ur, MSGPACK_UNPACK_CONTINUE);
			msgpack_zone_destroy(&zone);
		}
		break;
	case FRAME_TOO_LARGE:
	case FRAME_MALFORMED:
		break;
	default:
		fail_msg("unknown status %d", (int)st);
	}

	frame_scanner_init(&sc);
	have = 0;
	for (;;) {
		have += rng_below(r, 6);
		if (have > n)
			have = n;
		st2 = frame_scanner_feed(&sc, b, have, max, &objlen2, NULL, 0);
		assert_int_equal(st2, scan(b, have, max, NULL));
		if (st2 != FRAME_NEED_MORE || have == n)
			break;
	}
	assert_int_equal(st2, st);
	if (st == FRAME_OK)
		assert_int_equal(objlen2, objlen);
}

static void
test_random(void **state)
{
	static const size_t	 maxes[] = { 4, 16, 64, MAX };
	struct rng		 r = { 0x2545f4914f6cdd1dULL };
	msgpack_sbuffer		 sb;
	msgpack_packer		 pk;
	char			 raw[40];
	size_t			 i, n, max;
	int			 iter;

	(void)state;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	for (iter = 0; iter < 100000; iter++) {
		max = maxes[rng_below(&r, 4)];
		if (iter % 2 == 0) {
			/* raw random bytes */
			n = rng_below(&r, sizeof(raw) + 1);
			for (i = 0; i < n; i++)
				raw[i] = (char)rng_next(&r);
			check_random_buffer(&r, raw, n, max);
			continue;
		}
		/* valid messages, then cut, mutated or extended */
		msgpack_sbuffer_clear(&sb);
		gen_value(&r, &pk, 1 + (int)rng_below(&r, 4));
		if (rng_below(&r, 4) == 0)
			gen_value(&r, &pk, 1);
		n = sb.size;
		switch (rng_below(&r, 4)) {
		case 0:
			n = rng_below(&r, (uint32_t)sb.size + 1);
			break;
		case 1:
			sb.data[rng_below(&r, (uint32_t)sb.size)] =
			    (char)rng_next(&r);
			break;
		default:
			break;
		}
		check_random_buffer(&r, sb.data, n, max);
	}
	msgpack_sbuffer_destroy(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_format),
		cmocka_unit_test(test_long_formats),
		cmocka_unit_test(test_long_containers),
		cmocka_unit_test(test_random_splits),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_bound_edges),
		cmocka_unit_test(test_fitting_str_waits),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_reserved_byte),
		cmocka_unit_test(test_full_buffer_incomplete),
		cmocka_unit_test(test_unpack),
		cmocka_unit_test(test_zone_bounded),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
