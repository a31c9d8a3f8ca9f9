/*
 * Keys, commands and decoding of the follows (records_follow.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "records.h"
#include "records_follow.h"

static void
follow_key(char *buf, const char *prefix, int bucket)
{
	snprintf(buf, RECORDS_KEY_MAX, "%s:follow:{c%02x}", prefix,
	    bucket & (RECORDS_CAND_BUCKETS - 1));
}

/* HSET/HDEL key "candidate\tuser" */
static void
follow_cmd(struct redis_cmd *c, const char *name, const char *prefix,
    const char *candidate, const char *user)
{
	char key[RECORDS_KEY_MAX];

	follow_key(key, prefix, records_cand_bucket(candidate));
	redis_cmd_init(c, name);
	redis_cmd_copy(c, key, strlen(key));
	redis_cmd_fmt(c, "%s\t%s", candidate, user);
}

void
records_follow_put(struct redis_cmd *c, const char *prefix,
    const char *candidate, const char *user, int64_t since)
{
	/* HSETNX: following again keeps the first time. */
	follow_cmd(c, "HSETNX", prefix, candidate, user);
	redis_cmd_int(c, since);
}

void
records_follow_delete(struct redis_cmd *c, const char *prefix,
    const char *candidate, const char *user)
{
	follow_cmd(c, "HDEL", prefix, candidate, user);
}

void
records_follow_scan(struct redis_cmd *c, const char *prefix, int b,
    const char *cursor)
{
	char key[RECORDS_KEY_MAX];

	follow_key(key, prefix, b);
	records_hscan(c, key, cursor);
}

int
records_follow_decode(const redisReply *f, const redisReply *v,
    struct follow *out, char *why)
{
	const char *tab;
	size_t clen, ulen;
	char num[24], *end;
	long long since;

	memset(out, 0, sizeof(*out));
	if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING ||
	    (tab = memchr(f->str, '\t', f->len)) == NULL) {
		snprintf(why, RECORDS_WHY_MAX, "not a candidate\\tuser field");
		return -1;
	}
	clen = (size_t)(tab - f->str);
	ulen = f->len - clen - 1;
	if (!record_id_valid(f->str, clen)) {
		snprintf(why, RECORDS_WHY_MAX, "not a candidate id");
		return -1;
	}
	if (ulen == 0 || ulen > USER_NAME_MAX ||
	    memchr(tab + 1, '\0', ulen) != NULL ||
	    memchr(tab + 1, '\t', ulen) != NULL) {
		snprintf(why, RECORDS_WHY_MAX, "not a user name");
		return -1;
	}
	if (v->len == 0 || v->len >= sizeof(num)) {
		snprintf(why, RECORDS_WHY_MAX, "not a time");
		return -1;
	}
	memcpy(num, v->str, v->len);
	num[v->len] = '\0';
	since = strtoll(num, &end, 10);
	if (*end != '\0' || since < 0) {
		snprintf(why, RECORDS_WHY_MAX, "not a time");
		return -1;
	}
	memcpy(out->candidate, f->str, clen);
	memcpy(out->user, tab + 1, ulen);
	out->since = since;
	return 0;
}
