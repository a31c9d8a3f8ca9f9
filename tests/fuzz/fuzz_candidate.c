/*
 * libFuzzer target: candidate_decode_with_identity() of candidate.put's
 * map (input: one msgpack object).  Checked: an accepted candidate's
 * canonical map is accepted by candidate_decode() (a stored record has
 * no identity) and packs to the same bytes; what candidate_decode()
 * accepts, the identity-aware decoder accepts too.
 */
#include "fuzz_common.h"

#include "candidate.h"
#include "identity.h"

static int
fuzz_candidate_stored(const msgpack_object *map, msgpack_sbuffer *sb)
{
	struct candidate c;
	struct field_error err;
	msgpack_packer pk;

	if (candidate_decode(map, fuzz_refdata(), &c, &err) != 0) {
		FUZZ_CHECK(err.field[0] != '\0' || err.message[0] != '\0');
		return -1;
	}
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	candidate_pack(&c, &pk);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msgpack_zone zone;
	msgpack_object o;
	struct candidate c;
	struct identity ident;
	struct field_error err;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	int rc;

	msgpack_zone_init(&zone, 2048);
	if (fuzz_unpack(data, size, &zone, &o) == 0) {
		memset(&err, 0, sizeof(err));
		rc = candidate_decode_with_identity(&o, fuzz_refdata(), &c,
		    &ident, &err);
		FUZZ_CHECK(rc >= -1 && rc <= 1);
		if (rc == -1)
			FUZZ_CHECK(err.message[0] != '\0');
		else {
			/* The record part alone is a valid stored record. */
			msgpack_sbuffer_init(&sb);
			msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
			candidate_pack(&c, &pk);
			fuzz_record_roundtrip((const uint8_t *)sb.data, sb.size,
			    fuzz_candidate_stored);
			msgpack_sbuffer_destroy(&sb);
		}
		if (candidate_decode(&o, fuzz_refdata(), &c, &err) == 0)
			FUZZ_CHECK(rc == 0);
	}
	msgpack_zone_destroy(&zone);
	fuzz_record_roundtrip(data, size, fuzz_candidate_stored);
	return 0;
}
