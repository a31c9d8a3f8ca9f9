/*
 * What the libFuzzer targets of tests/fuzz/ share: the reference data and
 * the shipped rules (loaded once, as the daemon does at start-up), bounded
 * unpacking of the input, and the round trip every record decoder owes:
 * a decoded record packs to a map that decodes to a record packing to the
 * same bytes.
 *
 * Header only, static inline functions: each target is one translation unit.
 */
#ifndef TESTS_FUZZ_COMMON_H
#define TESTS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "frame.h"
#include "refdata.h"
#include "rules.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A violated invariant: say which, and abort so libFuzzer keeps the input. */
#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
			    __FILE__, __LINE__, #cond);			\
			abort();					\
		}							\
	} while (0)

/* Loaded once per process; a fuzzer without its data cannot run at all. */
static inline const struct refdata *
fuzz_refdata(void)
{
	static struct refdata *ref;
	char err[512];

	if (ref == NULL &&
	    (ref = refdata_load(MATCHERD_DATADIR, err, sizeof(err))) == NULL) {
		fprintf(stderr, "refdata_load: %s\n", err);
		abort();
	}
	return ref;
}

static inline struct rules *
fuzz_rules(void)
{
	static struct rules *rules;
	char err[2048];

	if (rules == NULL && (rules = rules_load(MATCHERD_RULESFILE,
	    fuzz_refdata(), err, sizeof(err))) == NULL) {
		fprintf(stderr, "rules_load: %s\n", err);
		abort();
	}
	return rules;
}

/*
 * The first msgpack object of data, through the daemon's own framing (so
 * a declared length cannot make msgpack-c allocate more than the input
 * allows).  0, or -1 when the bytes are not one object.
 */
static inline int
fuzz_unpack(const void *data, size_t size, msgpack_zone *zone,
    msgpack_object *out)
{
	size_t objlen;

	if (frame_scan(data, size, size, &objlen, NULL, 0) != FRAME_OK)
		return -1;
	return frame_unpack(data, objlen, zone, out);
}

/* Decode map and pack the record into sb; the decoder's return value. */
typedef int fuzz_decode_pack_fn(const msgpack_object *map,
    msgpack_sbuffer *sb);

/*
 * The record round trip.  data is any msgpack object; when fn accepts
 * it, fn must accept its own encoding and pack it to the same bytes.
 */
static inline void
fuzz_record_roundtrip(const uint8_t *data, size_t size,
    fuzz_decode_pack_fn *fn)
{
	msgpack_zone zone, zone2;
	msgpack_object o, o2;
	msgpack_sbuffer sb, sb2;

	msgpack_zone_init(&zone, 2048);
	msgpack_sbuffer_init(&sb);
	if (fuzz_unpack(data, size, &zone, &o) == 0 && fn(&o, &sb) == 0) {
		msgpack_zone_init(&zone2, 2048);
		msgpack_sbuffer_init(&sb2);
		FUZZ_CHECK(fuzz_unpack(sb.data, sb.size, &zone2, &o2) == 0);
		FUZZ_CHECK(fn(&o2, &sb2) == 0);
		FUZZ_CHECK(sb2.size == sb.size &&
		    memcmp(sb2.data, sb.data, sb.size) == 0);
		msgpack_sbuffer_destroy(&sb2);
		msgpack_zone_destroy(&zone2);
	}
	msgpack_sbuffer_destroy(&sb);
	msgpack_zone_destroy(&zone);
}

#endif
