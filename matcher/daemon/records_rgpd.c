/*
 * Commands of the RGPD operations (records_rgpd.h).
 */
#include <string.h>

#include <hiredis/hiredis.h>

#include "domain.h"
#include "records.h"
#include "records_rgpd.h"

static void
cmd_key(struct redis_cmd *c, const char *key)
{
	redis_cmd_copy(c, key, strlen(key));
}

void
records_rgpd_result_read(struct redis_cmd *c, const char *prefix, int sector,
    const char *offer)
{
	char key[RECORDS_KEY_MAX];

	records_key_offer(key, prefix, vocab_name(&vocab_sector, sector),
	    offer);
	redis_cmd_init(c, "HGET");
	cmd_key(c, key);
	redis_cmd_str(c, "result");
}

void
records_rgpd_history_read(struct redis_cmd *c, const char *prefix,
    int sector, const char *offer)
{
	records_referral_history_read(c, prefix, sector, offer, 0);
}

static void
cmd_hire(struct redis_cmd *c, const struct clause_hire *h)
{
	char field[CLAUSE_HIRE_FIELD_MAX + 1];

	clause_hire_field(h, field);
	redis_cmd_copy(c, field, strlen(field));
}

void
records_rgpd_erase_offer(struct redis_cmd *c, const char *prefix,
    const char *script, const struct records_erasure *e)
{
	const char *sector = vocab_name(&vocab_sector, e->sector);
	char key[RECORDS_KEY_MAX];
	msgpack_packer pk;
	int s;

	redis_cmd_init(c, "EVAL");
	redis_cmd_str(c, script);
	redis_cmd_int(c, 3 + SECTOR_COUNT);
	records_key_referrals(key, prefix, sector, e->offer);
	cmd_key(c, key);
	records_key_referral_history(key, prefix, sector, e->offer);
	cmd_key(c, key);
	records_key_offer(key, prefix, sector, e->offer);
	cmd_key(c, key);
	for (s = 0; s < SECTOR_COUNT; s++) {
		records_key_clause_hires(key, prefix,
		    vocab_name(&vocab_sector, s));
		cmd_key(c, key);
	}
	redis_cmd_copy(c, e->candidate, strlen(e->candidate));
	redis_cmd_copy(c, e->anon, strlen(e->anon));
	if (e->old_result != NULL && e->new_result != NULL) {
		redis_cmd_arg(c, e->old_result, e->old_len);
		redis_cmd_arg(c, e->new_result, e->new_len);
	} else {
		redis_cmd_str(c, "");
		redis_cmd_str(c, "");
	}
	if (e->hire != NULL && e->anon_hire != NULL) {
		cmd_hire(c, e->hire);
		cmd_hire(c, e->anon_hire);
		redis_cmd_pack_begin(c, &pk);
		clause_hire_pack(e->anon_hire, &pk);
		redis_cmd_pack_end(c);
	} else {
		redis_cmd_str(c, "");
		redis_cmd_str(c, "");
		redis_cmd_str(c, "");
	}
}

int
records_rgpd_erased(const redisReply *r, long long n[4])
{
	size_t i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if (r->element[i]->type != REDIS_REPLY_INTEGER)
			return -1;
		n[i] = r->element[i]->integer;
	}
	return 0;
}
