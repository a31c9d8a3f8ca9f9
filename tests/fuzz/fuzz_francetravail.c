/*
 * libFuzzer target: the France Travail mapper (input: a JSON document,
 * as feed.push receives it), with the shipped rules.  Checked: the
 * report's counts add up; mapping the document a few offers at a time
 * (ft_doc_open/ft_doc_map, as the daemon does) gives the same offers and
 * report as ft_map_document(); every mapped offer is a valid offer
 * record (its canonical map decodes and packs to the same bytes).
 */
#include "fuzz_common.h"

#include "feed_francetravail.h"
#include "offer.h"

/* What the callback saw: how many offers, and a hash of their maps. */
struct fuzz_ft_seen {
	int		 n;
	uint64_t	 hash;
};

static int
fuzz_ft_offer_decode_pack(const msgpack_object *map, msgpack_sbuffer *sb)
{
	struct offer o;
	struct field_error err;
	msgpack_packer pk;

	if (offer_decode(map, fuzz_refdata(), &o, &err) != 0) {
		fprintf(stderr, "mapped offer refused: %s: %s\n", err.field,
		    err.message);
		return -1;
	}
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	offer_pack(&o, &pk);
	return 0;
}

static int
fuzz_ft_cb(const struct ft_offer *fo, void *arg)
{
	struct fuzz_ft_seen *seen = arg;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_zone zone;
	msgpack_object o;
	size_t i;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	offer_pack(&fo->offer, &pk);
	msgpack_zone_init(&zone, 2048);
	FUZZ_CHECK(fuzz_unpack(sb.data, sb.size, &zone, &o) == 0);
	{
		msgpack_sbuffer sb2;

		msgpack_sbuffer_init(&sb2);
		FUZZ_CHECK(fuzz_ft_offer_decode_pack(&o, &sb2) == 0);
		msgpack_sbuffer_destroy(&sb2);
	}
	msgpack_zone_destroy(&zone);
	fuzz_record_roundtrip((const uint8_t *)sb.data, sb.size,
	    fuzz_ft_offer_decode_pack);
	for (i = 0; i < sb.size; i++)
		seen->hash = (seen->hash ^ (uint8_t)sb.data[i]) *
		    1099511628211u;
	seen->n++;
	msgpack_sbuffer_destroy(&sb);
	/* Refuse some, so that "refused" is counted too. */
	return (fo->offer.id[3] & 1) ? -1 : 0;
}

static void
fuzz_ft_report_sane(const struct ft_batch_report *rep, int rc)
{
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		FUZZ_CHECK(rep->error[0] != '\0');
		return;
	}
	FUZZ_CHECK(rep->mapped + rep->rejected + rep->skipped == rep->offers);
	FUZZ_CHECK(rep->refused <= rep->mapped);
	FUZZ_CHECK(rep->nrejects == (rep->rejected < FT_REJECTS_MAX ?
	    rep->rejected : FT_REJECTS_MAX));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ft_batch_report *rep, *rep2;
	struct fuzz_ft_seen seen, seen2;
	struct ft_doc *doc;
	const struct refdata *ref = fuzz_refdata();
	struct rules *rules = fuzz_rules();
	int rc;

	rep = calloc(1, sizeof(*rep));
	rep2 = calloc(1, sizeof(*rep2));
	FUZZ_CHECK(rep != NULL && rep2 != NULL);
	memset(&seen, 0, sizeof(seen));
	rc = ft_map_document((const char *)data, size, ref, rules, fuzz_ft_cb,
	    &seen, rep);
	fuzz_ft_report_sane(rep, rc);
	FUZZ_CHECK(rc == -1 || seen.n == rep->mapped);

	memset(&seen2, 0, sizeof(seen2));
	doc = ft_doc_open((const char *)data, size, rep2);
	FUZZ_CHECK((doc == NULL) == (rc == -1));
	if (doc != NULL) {
		while (ft_doc_map(doc, ref, rules, fuzz_ft_cb, &seen2, 2,
		    rep2) > 0)
			;
		ft_doc_close(doc);
		FUZZ_CHECK(seen2.n == seen.n && seen2.hash == seen.hash);
		FUZZ_CHECK(rep2->offers == rep->offers &&
		    rep2->mapped == rep->mapped &&
		    rep2->refused == rep->refused &&
		    rep2->rejected == rep->rejected &&
		    rep2->skipped == rep->skipped &&
		    rep2->warnings == rep->warnings);
	}
	free(rep);
	free(rep2);
	return 0;
}
