/*
 * The RGPD rules: anonymous traces, results without a person, the
 * retention test.  docs/RGPD.md explains what is kept and why.
 */
#include <string.h>

#include "dates.h"
#include "hex.h"
#include "mpobj.h"
#include "rgpd.h"

static const char *const reason_names[] = {
	"request", "objection", "error", "retention"
};
static const char *const reason_labels[] = {
	"demande de la personne", "opposition de la personne",
	"enregistrement par erreur", "durée de conservation écoulée"
};
const struct vocab vocab_erase_reason = { "reason", reason_names,
    reason_labels, RGPD_REASON_COUNT };

_Static_assert(sizeof(reason_names) / sizeof(reason_names[0]) ==
    RGPD_REASON_COUNT, "a name per reason");

void
rgpd_anon_id(const unsigned char rnd[RGPD_ANON_RANDOM],
    char out[RGPD_ANON_LEN + 1])
{
	memcpy(out, RGPD_ANON_PREFIX, sizeof(RGPD_ANON_PREFIX) - 1);
	hex_encode(rnd, RGPD_ANON_RANDOM, out + sizeof(RGPD_ANON_PREFIX) - 1);
}

int
rgpd_is_anon(const char *id)
{
	return strncmp(id, RGPD_ANON_PREFIX, sizeof(RGPD_ANON_PREFIX) - 1) ==
	    0;
}

static int
names(const msgpack_object *s, const char *candidate)
{
	const msgpack_object *c;

	return s->type == MSGPACK_OBJECT_MAP &&
	    (c = mp_map_get(s, "candidate")) != NULL &&
	    mp_str_eq(c, candidate);
}

/* Suggestion s with its rank set to rank. */
static void
pack_ranked(msgpack_packer *pk, const msgpack_object *s, int64_t rank)
{
	uint32_t i;

	if (s->type != MSGPACK_OBJECT_MAP) {
		msgpack_pack_object(pk, *s);
		return;
	}
	msgpack_pack_map(pk, s->via.map.size);
	for (i = 0; i < s->via.map.size; i++) {
		msgpack_pack_object(pk, s->via.map.ptr[i].key);
		if (mp_str_eq(&s->via.map.ptr[i].key, "rank"))
			msgpack_pack_int64(pk, rank);
		else
			msgpack_pack_object(pk, s->via.map.ptr[i].val);
	}
}

int
rgpd_result_without(const char *buf, size_t len, const char *candidate,
    msgpack_sbuffer *out)
{
	const msgpack_object *sugg;
	msgpack_unpacked u;
	msgpack_packer pk;
	msgpack_object map, *v;
	size_t off = 0;
	uint32_t i, j, removed = 0;
	int64_t rank;

	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, buf, len, &off) != MSGPACK_UNPACK_SUCCESS ||
	    off != len || u.data.type != MSGPACK_OBJECT_MAP ||
	    (sugg = mp_map_get(&u.data, "suggestions")) == NULL ||
	    sugg->type != MSGPACK_OBJECT_ARRAY) {
		msgpack_unpacked_destroy(&u);
		return -1;
	}
	for (j = 0; j < sugg->via.array.size; j++)
		removed += names(&sugg->via.array.ptr[j], candidate);
	if (removed == 0) {
		msgpack_unpacked_destroy(&u);
		return 0;
	}
	map = u.data;
	msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, map.via.map.size);
	for (i = 0; i < map.via.map.size; i++) {
		msgpack_pack_object(&pk, map.via.map.ptr[i].key);
		v = &map.via.map.ptr[i].val;
		if (v != sugg) {
			msgpack_pack_object(&pk, *v);
			continue;
		}
		msgpack_pack_array(&pk, sugg->via.array.size - removed);
		for (j = 0, rank = 1; j < sugg->via.array.size; j++)
			if (!names(&sugg->via.array.ptr[j], candidate))
				pack_ranked(&pk, &sugg->via.array.ptr[j],
				    rank++);
	}
	msgpack_unpacked_destroy(&u);
	return (int)removed;
}

/*
 * KEYS: 1 the offer's referrals, 2 their history, 3 the offer's hash,
 * then the clause hires of every sector (a hire stays in the hash of the
 * sector its offer had when hired).  ARGV: 1 the person, 2 the anonymous
 * id, 3 the stored result read before (or ""), 4 the result without the
 * person, 5 the hire's field (or ""), 6 its anonymous field, 7 its
 * anonymous value.  The referral keeps its status and date under the
 * anonymous id; history entries lose the person and the adviser's note,
 * which may name them, and keep the staff user who made the move when
 * the line has one (both shapes of referral.h's referral_hist).  The result is replaced only if it is still the
 * one read: a newer one was computed without the person.  Returns
 * {referrals, history entries, results, hires} changed.
 */
static const char lua_script[] =
	"local cand, anon = ARGV[1], ARGV[2]\n"
	"local nr, nh, nres, nhire = 0, 0, 0, 0\n"
	"local v = redis.call('HGET', KEYS[1], cand)\n"
	"if v then\n"
	"  redis.call('HDEL', KEYS[1], cand)\n"
	"  redis.call('HSET', KEYS[1], anon, v)\n"
	"  nr = 1\n"
	"end\n"
	"local h = redis.call('LRANGE', KEYS[2], 0, -1)\n"
	"for i, e in ipairs(h) do\n"
	"  local at, who, from, to = string.match(e,"
	" '^([^|]*)|([^|]*)|([^|]*)|([^|]*)')\n"
	"  if who == cand then\n"
	"    local user = string.match(e,"
	" '^[^|]*|[^|]*|[^|]*|[^|]*|([^|]*)|')\n"
	"    redis.call('LSET', KEYS[2], i - 1,"
	" at .. '|' .. anon .. '|' .. from .. '|' .. to .. '|' .."
	" (user and (user .. '|') or ''))\n"
	"    nh = nh + 1\n"
	"  end\n"
	"end\n"
	"if ARGV[3] ~= '' and"
	" redis.call('HGET', KEYS[3], 'result') == ARGV[3] then\n"
	"  redis.call('HSET', KEYS[3], 'result', ARGV[4])\n"
	"  nres = 1\n"
	"end\n"
	"for k = 4, #KEYS do\n"
	"  if ARGV[5] ~= '' and"
	" redis.call('HEXISTS', KEYS[k], ARGV[5]) == 1 then\n"
	"    redis.call('HDEL', KEYS[k], ARGV[5])\n"
	"    redis.call('HSET', KEYS[k], ARGV[6], ARGV[7])\n"
	"    nhire = nhire + 1\n"
	"  end\n"
	"end\n"
	"return {nr, nh, nres, nhire}\n";

size_t
rgpd_lua_script(char *buf, size_t len)
{
	if (len < sizeof(lua_script))
		return 0;
	memcpy(buf, lua_script, sizeof(lua_script));
	return sizeof(lua_script) - 1;
}

int
rgpd_retention_due(int32_t updated_on, int32_t last_referral,
    int open_referrals, int32_t today, int days)
{
	int64_t cutoff = (int64_t)today - days;

	if (open_referrals > 0 || updated_on == DATE_NONE)
		return 0;
	return updated_on <= cutoff &&
	    (last_referral == DATE_NONE || last_referral <= cutoff);
}
