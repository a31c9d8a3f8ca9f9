/*
 * Who follows whom: the advisers who asked to hear of each new offer that
 * ranks a person among its suggestions (candidate.follow).  Derived
 * state, like the index: Redis holds the truth (docs/REDIS.md) and the
 * table is rebuilt from it at start-up.  One sorted array of (candidate,
 * user) pairs: follows are few (an adviser follows tens of people), and
 * the lookup that matters, a candidate's followers when an offer is
 * pushed, is a binary search.  Pure; allocation failures abort.
 */
#ifndef MATCHER_FOLLOWS_H
#define MATCHER_FOLLOWS_H

#include <stddef.h>
#include <stdint.h>

#include "candidate.h"
#include "users.h"

/* How many people one user may follow, and follows in all. */
#define FOLLOWS_PER_USER_MAX	1000
#define FOLLOWS_MAX		200000

struct follow {
	char		 candidate[RECORD_ID_MAX + 1];
	char		 user[USER_NAME_MAX + 1];
	int64_t		 since;		/* unix seconds */
};

struct follows {
	struct follow	*v;		/* by candidate, then user */
	size_t		 n, cap;
};

struct follows	*follows_new(void);
void		 follows_free(struct follows *);

/*
 * Add the pair (since: when).  0 if added, 1 if it was there already,
 * -1 if the user follows FOLLOWS_PER_USER_MAX people already or the table
 * holds FOLLOWS_MAX pairs.
 */
int		 follows_add(struct follows *, const char *candidate,
		    const char *user, int64_t since);
/*
 * Load n pairs at once (the start-up rebuild) into an empty table: sorted
 * once, repeats dropped, cut at FOLLOWS_MAX.  The pairs kept.
 */
size_t		 follows_load(struct follows *, const struct follow *v,
		    size_t n);
/* Remove the pair; 1 if it was there. */
int		 follows_remove(struct follows *, const char *candidate,
		    const char *user);
/* Remove every pair of the candidate (erased, deleted); how many. */
size_t		 follows_remove_candidate(struct follows *,
		    const char *candidate);
/*
 * The candidate's followers: *first is the index of the first pair in
 * f->v, the return value how many pairs follow it (0: nobody).
 */
size_t		 follows_of(const struct follows *, const char *candidate,
		    size_t *first);
/* 1 if user follows candidate. */
int		 follows_has(const struct follows *, const char *candidate,
		    const char *user);
/* When user began to follow candidate, or -1 if they do not. */
int64_t		 follows_since(const struct follows *, const char *candidate,
		    const char *user);
/* How many people user follows. */
size_t		 follows_count_user(const struct follows *, const char *user);

#endif
