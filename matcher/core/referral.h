/*
 * The life of a mise en relation (referral):
 *
 *   suggested -> validated -> sent -> interview -> hired
 *                                 \-> not_retained (from sent, interview)
 *   withdrawn from any state before hired / not_retained
 *
 * The transition table lives here only; the Redis script that applies a
 * move atomically is generated from it.  Pure.
 */
#ifndef MATCHER_REFERRAL_H
#define MATCHER_REFERRAL_H

#include <stddef.h>
#include <stdint.h>

#define REFERRAL_LIST(X)						\
	X(SUGGESTED, "suggested")					\
	X(VALIDATED, "validated")					\
	X(SENT, "sent")							\
	X(INTERVIEW, "interview")					\
	X(HIRED, "hired")						\
	X(NOT_RETAINED, "not_retained")					\
	X(WITHDRAWN, "withdrawn")

#define X_REF(s, w) REFERRAL_##s,
enum referral_status { REFERRAL_LIST(X_REF) REFERRAL_COUNT };
#undef X_REF

/* Longest note kept with a move. */
#define REFERRAL_NOTE_MAX 500

int		 referral_lookup(const char *s, size_t len);
const char	*referral_name(int status);
/* 1 if from -> to is a legal move. */
int		 referral_transition_ok(int from, int to);
/* Open referrals count against the candidate (fairness). */
int		 referral_is_open(int status);

/*
 * Follow-up (proto/PROTOCOL.md, Referral follow-up).  A referral waits
 * for an answer while suggested, validated or sent.  Days since its last
 * move on day today (dates.h), never negative.  Stale: waiting that many
 * days or more ([referrals] stale_days; expire_days for the sweep).
 */
int		 referral_awaits_answer(int status);
int32_t		 referral_days_without_move(int64_t updated_at, int32_t today);
int		 referral_is_stale(int status, int64_t updated_at, int32_t today,
		    int days);

/*
 * One line of an offer's history list (docs/REDIS.md): "at|candidate|
 * from|to|user|note", or without the user as written before it was kept
 * ("at|candidate|from|to|note").  Fields point into the line; user is
 * NULL for the old shape or an empty user, note NULL when empty.
 */
struct referral_hist {
	int64_t		 at;
	const char	*candidate, *from, *to, *user, *note;
	size_t		 candidate_len, from_len, to_len, user_len, note_len;
};
/* 0, or -1 when the line is not a history line. */
int		 referral_hist_parse(const char *line, size_t len,
		    struct referral_hist *);

/*
 * The Lua script for EVAL: KEYS[1] the offer's referral hash, KEYS[2] its
 * history list, KEYS[3] the clause hires hash of the offer's sector
 * (docs/REDIS.md); ARGV candidate, new status, unix time, note, then the
 * hire's field and its packed record when a clause offer's referral
 * reaches hired ("" and "" otherwise): the hire is written in the same
 * atomic step as the move, and only if the move is legal.  Returns
 * {1, from} when applied, {0, from} when refused, {-1, ""} when the
 * candidate has no referral on the offer.  Written into buf; returns the
 * length, or 0 if buf is too small.
 */
size_t		 referral_lua_script(char *buf, size_t len);

#endif
