/*
 * The canonical encoders that every record shares: key, then value, in
 * the shapes decode.c reads back.
 */
#include <msgpack.h>

#include "dates.h"
#include "domain.h"
#include "mpobj.h"
#include "pack.h"

void
pack_vocab_set(msgpack_packer *pk, const char *key, const struct vocab *v,
    uint32_t set)
{
	int i, n = 0;

	for (i = 0; i < v->count; i++)
		n += (set >> i) & 1;
	mp_pack_str(pk, key);
	(void)msgpack_pack_array(pk, (size_t)n);
	for (i = 0; i < v->count; i++)
		if (set & (1u << i))
			mp_pack_str(pk, vocab_name(v, i));
}

void
pack_tag_list(msgpack_packer *pk, const char *key,
    const char (*tags)[SKILL_MAX_LEN + 1], int n)
{
	int i;

	mp_pack_str(pk, key);
	(void)msgpack_pack_array(pk, (size_t)n);
	for (i = 0; i < n; i++)
		mp_pack_str(pk, tags[i]);
}

void
pack_opt_str(msgpack_packer *pk, const char *key, const char *s)
{
	mp_pack_kv_str(pk, key, *s != '\0' ? s : NULL);
}

void
pack_opt_date(msgpack_packer *pk, const char *key, int32_t day)
{
	char buf[11];

	if (day == DATE_NONE) {
		mp_pack_kv_str(pk, key, NULL);
		return;
	}
	date_format(day, buf);
	mp_pack_kv_str(pk, key, buf);
}

void
pack_location(msgpack_packer *pk, const char *commune, double lat,
    double lon)
{
	pack_opt_str(pk, "commune", commune);
	mp_pack_kv_double(pk, "lat", lat);
	mp_pack_kv_double(pk, "lon", lon);
}
