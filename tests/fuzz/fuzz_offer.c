/*
 * libFuzzer target: offer_decode() (input: one msgpack object).  Checked:
 * an error names a field or says why; an accepted offer's canonical map
 * decodes and packs to the same bytes.
 */
#include "fuzz_common.h"

#include "offer.h"

static int
fuzz_offer_decode_pack(const msgpack_object *map, msgpack_sbuffer *sb)
{
	struct offer o;
	struct field_error err;
	msgpack_packer pk;

	memset(&err, 0, sizeof(err));
	if (offer_decode(map, fuzz_refdata(), &o, &err) != 0) {
		FUZZ_CHECK(err.message[0] != '\0');
		return -1;
	}
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	offer_pack(&o, &pk);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_record_roundtrip(data, size, fuzz_offer_decode_pack);
	return 0;
}
