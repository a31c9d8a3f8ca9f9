/*
 * libFuzzer target: clause_op_decode(), the clause operation record
 * (input: one msgpack object).  Checked: an error says why; an accepted
 * operation's canonical map decodes and packs to the same bytes, and its
 * hours stay resolved (committed within the total, the rate derived).
 */
#include "fuzz_common.h"

#include "clause.h"

static void
fuzz_clause_hours(const struct clause_hours *h)
{
	FUZZ_CHECK(h->total >= 0 && h->committed >= 0 && h->rate_centi >= 0);
	if (h->total == 0)
		FUZZ_CHECK(h->rate_centi == 0);
}

static int
fuzz_clause_decode_pack(const msgpack_object *map, msgpack_sbuffer *sb)
{
	struct clause_op op;
	struct field_error err;
	msgpack_packer pk;
	int i;

	memset(&err, 0, sizeof(err));
	if (clause_op_decode(map, &op, &err) != 0) {
		FUZZ_CHECK(err.message[0] != '\0');
		return -1;
	}
	FUZZ_CHECK(op.start <= op.end);
	FUZZ_CHECK(op.ncontractors >= 0 &&
	    op.ncontractors <= CLAUSE_MAX_CONTRACTORS);
	fuzz_clause_hours(&op.hours);
	for (i = 0; i < op.ncontractors; i++)
		fuzz_clause_hours(&op.contractors[i].hours);
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	clause_op_pack(&op, &pk);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_record_roundtrip(data, size, fuzz_clause_decode_pack);
	return 0;
}
