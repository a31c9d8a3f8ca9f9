/*
 * Bulk loads (candidate put, offer put, clause put, imports): every
 * record of a file sent as one request, pipelined, so that a million
 * candidates load at the daemon's speed rather than at one round trip
 * each.  A record the daemon rejects is reported and the load goes on.
 */
#ifndef MATCHER_CTL_BULK_H
#define MATCHER_CTL_BULK_H

#include <jansson.h>

#include "csvrec.h"

struct ctl;

/* What to send and how to count the answers, set by each put command. */
struct putter {
	const char	*method;	/* candidate.put, offer.put */
	const char	*wrap_key;	/* "candidate", "offer" */
	long		 limit;		/* offer.put: -1 for the default */
	void		(*on_result)(struct ctl *, struct putter *,
			    const json_t *);
	unsigned long	 created, updated, rejected;
	unsigned long	 merged;	/* offers merged into another */
	int		 csv;		/* the input is CSV records of kind */
	enum csvrec_kind kind;
};

/* Sends the records of path ("-": stdin), on_result for each answer. */
void	ctl_bulk_put(struct ctl *, struct putter *, const char *path);
/* An on_result for puts answered {id, created}. */
void	ctl_bulk_created(struct ctl *, struct putter *, const json_t *);
/* Prints the counts; returns the exit status. */
int	ctl_bulk_summary(const struct ctl *, const struct putter *,
	    const char *what);

#endif
