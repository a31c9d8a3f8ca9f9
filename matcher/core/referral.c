/*
 * Referral states and transitions, and the Redis script generated from
 * the same table so the daemon's check and Redis's cannot disagree.
 */
#include <stdio.h>
#include <string.h>

#include "lua_deadline.h"
#include "referral.h"

static const char *const names[] = {
#define X(s, w) w,
	REFERRAL_LIST(X)
#undef X
};

#define B(s) (1u << REFERRAL_##s)

/* allowed[from] = set of statuses reachable in one move. */
static const unsigned allowed[REFERRAL_COUNT] = {
	[REFERRAL_SUGGESTED] = B(VALIDATED) | B(WITHDRAWN),
	[REFERRAL_VALIDATED] = B(SENT) | B(WITHDRAWN),
	[REFERRAL_SENT] = B(INTERVIEW) | B(NOT_RETAINED) | B(WITHDRAWN),
	[REFERRAL_INTERVIEW] = B(HIRED) | B(NOT_RETAINED) | B(WITHDRAWN),
};

int
referral_lookup(const char *s, size_t len)
{
	int i;

	for (i = 0; i < REFERRAL_COUNT; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return i;
	return -1;
}

const char *
referral_name(int status)
{
	return (status >= 0 && status < REFERRAL_COUNT) ? names[status] : "?";
}

int
referral_transition_ok(int from, int to)
{
	if (from < 0 || from >= REFERRAL_COUNT || to < 0 ||
	    to >= REFERRAL_COUNT)
		return 0;
	return (allowed[from] & (1u << to)) != 0;
}

int
referral_is_open(int status)
{
	return status == REFERRAL_VALIDATED || status == REFERRAL_SENT ||
	    status == REFERRAL_INTERVIEW;
}

size_t
referral_lua_script(char *buf, size_t len)
{
	size_t off = 0;
	int from, to, n;

#define EMIT(...) do {							\
	n = snprintf(buf + off, len > off ? len - off : 0, __VA_ARGS__);	\
	if (n < 0 || off + (size_t)n >= len)				\
		return 0;						\
	off += (size_t)n;						\
} while (0)

	/* ARGV[7]: the deadline; nothing has been read or written yet. */
	n = (int)lua_deadline_check(buf, len, 7);
	if (n == 0)
		return 0;
	off = (size_t)n;
	EMIT("local allowed = {");
	for (from = 0; from < REFERRAL_COUNT; from++) {
		EMIT("%s={", names[from]);
		for (to = 0; to < REFERRAL_COUNT; to++)
			if (referral_transition_ok(from, to))
				EMIT("%s=true,", names[to]);
		EMIT("},");
	}
	EMIT("}\n"
	    "local cur = redis.call('HGET', KEYS[1], ARGV[1])\n"
	    "if not cur then return {-1, ''} end\n"
	    "local from = string.match(cur, '^([a-z_]+)')\n"
	    "if not (from and allowed[from] and allowed[from][ARGV[2]]) then\n"
	    "  return {0, from or ''}\n"
	    "end\n"
	    "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])\n"
	    "redis.call('RPUSH', KEYS[2], ARGV[3] .. '|' .. ARGV[1] .. '|' .."
	    " from .. '|' .. ARGV[2] .. '|' .. ARGV[4])\n"
	    "if ARGV[5] ~= '' then\n"
	    "  redis.call('HSET', KEYS[3], ARGV[5], ARGV[6])\n"
	    "end\n"
	    "return {1, from}\n");
#undef EMIT
	return off;
}
