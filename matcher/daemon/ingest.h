/*
 * The offer pipeline: one way in for every new or updated offer, whoever
 * sends it (offer.put, feed.push, matchctl's CSV import through offer.put,
 * POST /api/offers).  An offer is checked, compared with the open offers
 * (docs/DEDUP.md), then either merged into the same job or scored against
 * the candidathèques and stored with its result and its new "suggested"
 * referrals in one transaction; the result is pushed to subscribers once
 * Redis has it.
 */
#ifndef MATCHER_INGEST_H
#define MATCHER_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "dedup.h"
#include "offer.h"
#include "offer_table.h"

struct matcherd;

/* What became of an offer; valid during the callback only. */
struct ingest_outcome {
	int			 code;		/* -1 done, else rpc_errcode */
	const char		*field;		/* of an error, or NULL */
	const char		*message;	/* of an error */
	int			 created;	/* a new offer, not an update */
	/* DEDUP_SAME: merged into other; DEDUP_UNCERTAIN: maybe other. */
	enum dedup_verdict	 verdict;
	const char		*other;
	const char		*why;
	/* The packed answer: the match result, or {id, merged_into, why}. */
	const char		*answer;
	size_t			 len;
};

/* Called once, perhaps before ingest_offer() returns. */
typedef void ingest_done(void *arg, const struct ingest_outcome *);

/*
 * Take offer o (copied) as of now (Unix time), ranking at most limit
 * suggestions; its writes carry deadline (store.h): past it, nothing of
 * the offer is written and done hears "unavailable".
 */
void	ingest_offer(struct matcherd *, const struct offer *o, int limit,
	    int64_t now, int64_t deadline, ingest_done *done, void *arg);
/*
 * The offer as scored (docs/CLAUSE.md) into *scored: o, where a clause
 * offer without criteria of its own takes its operation's.  Returns 1 if
 * that made it differ from o, else 0.
 */
int	ingest_scored_offer(const struct matcherd *, const struct offer *o,
	    struct offer *scored);
/* Score a stored offer again (offer.match): no duplicate check. */
void	ingest_rematch(struct matcherd *, const struct offer_entry *e,
	    int limit, int64_t now, int64_t deadline, ingest_done *done,
	    void *arg);

#endif
