/*
 * Referral states and transitions, and the Redis script generated from
 * the same table so the daemon's check and Redis's cannot disagree.
 */
#include <stdio.h>
#include <string.h>

#include "dates.h"
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

int
referral_awaits_answer(int status)
{
	return status == REFERRAL_SUGGESTED || status == REFERRAL_VALIDATED ||
	    status == REFERRAL_SENT;
}

int32_t
referral_days_without_move(int64_t updated_at, int32_t today)
{
	int32_t d = date_of_time(updated_at);

	return today > d ? today - d : 0;
}

int
referral_is_stale(int status, int64_t updated_at, int32_t today, int days)
{
	return referral_awaits_answer(status) &&
	    referral_days_without_move(updated_at, today) >= days;
}

int
referral_hist_parse(const char *line, size_t len, struct referral_hist *h)
{
	const char *f[6], *end = line + len, *s = line;
	size_t flen[6];
	int64_t at = 0;
	int k = 0, i;

	/* Notes never hold '|' (referral.update blanks it): count fields. */
	for (;;) {
		if (k == 6)
			return -1;
		f[k] = s;
		while (s < end && *s != '|')
			s++;
		flen[k] = (size_t)(s - f[k]);
		k++;
		if (s == end)
			break;
		s++;
	}
	if (k < 5 || flen[0] == 0 || flen[0] > 18 || flen[1] == 0 ||
	    flen[2] == 0 || flen[3] == 0)
		return -1;
	for (i = 0; i < (int)flen[0]; i++) {
		if (f[0][i] < '0' || f[0][i] > '9')
			return -1;
		at = at * 10 + (f[0][i] - '0');
	}
	memset(h, 0, sizeof(*h));
	h->at = at;
	h->candidate = f[1];
	h->candidate_len = flen[1];
	h->from = f[2];
	h->from_len = flen[2];
	h->to = f[3];
	h->to_len = flen[3];
	if (k == 6 && flen[4] > 0) {
		h->user = f[4];
		h->user_len = flen[4];
	}
	if (flen[k - 1] > 0) {
		h->note = f[k - 1];
		h->note_len = flen[k - 1];
	}
	return 0;
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
	    "if not (from and allowed[from] and allowed[from][ARGV[2]]) or\n"
	    "    (ARGV[9] ~= '' and cur ~= ARGV[9]) then\n"
	    "  return {0, from or ''}\n"
	    "end\n"
	    "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])\n"
	    "redis.call('RPUSH', KEYS[2], ARGV[3] .. '|' .. ARGV[1] .. '|' .."
	    " from .. '|' .. ARGV[2] .. '|' .. ARGV[8] .. '|' .. ARGV[4])\n"
	    "if ARGV[5] ~= '' then\n"
	    "  redis.call('HSET', KEYS[3], ARGV[5], ARGV[6])\n"
	    "end\n"
	    "return {1, from}\n");
#undef EMIT
	return off;
}
