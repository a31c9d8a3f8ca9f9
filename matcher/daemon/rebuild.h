/*
 * Start-up: load the candidathèques and the offers from Redis into the
 * index and the offer table, with a blocking hiredis connection before the
 * event loop starts.  A record that does not decode is logged with its key
 * and skipped, never fatal: one bad record must not keep the service down.
 */
#ifndef MATCHER_REBUILD_H
#define MATCHER_REBUILD_H

struct matcherd;

struct rebuild_counts {
	unsigned long	candidates;
	unsigned long	offers;
	unsigned long	referrals;
	unsigned long	operations;	/* clause operations */
	unsigned long	hires;		/* clause hires */
	unsigned long	follows;
	unsigned long	follows_orphan;	/* of a person not held */
	unsigned long	skipped;
	/* Records older than updated_on: dated from this start (RGPD.md). */
	unsigned long	undated;
};

/*
 * Returns 0, or -1 when Redis cannot be reached after `wait_s` seconds of
 * retries (message logged).
 */
int	rebuild_from_redis(struct matcherd *, int wait_s,
	    struct rebuild_counts *);

#endif
