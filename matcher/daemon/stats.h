/*
 * Daemon counters reported by the "stats" method: requests, errors by
 * code, offers scored, suggestions made.
 */
#ifndef MATCHER_STATS_H
#define MATCHER_STATS_H

#include <stdint.h>

#include "rgpd.h"
#include "rpc.h"

/*
 * Upper bounds (microseconds) of the in-process scoring latency histogram
 * buckets, for the Prometheus /metrics endpoint; the last bucket is +Inf.
 */
#define STATS_SCORE_BUCKETS_US { 100, 250, 500, 1000, 2500, 5000, 10000, \
	25000, 50000 }
#define STATS_SCORE_NBUCKETS 10	/* the nine bounds above and +Inf */

struct stats {
	uint64_t	requests;
	uint64_t	errors[RPC_ERR_COUNT];
	uint64_t	offers_scored;
	uint64_t	suggestions;
	uint64_t	pushes;
	uint32_t	clients;
	uint32_t	subscribers;
	double		score_us_total;		/* in-process ranking time */
	/* Non-cumulative counts per bucket of STATS_SCORE_BUCKETS_US. */
	uint64_t	score_hist[STATS_SCORE_NBUCKETS];
	/* Erasures by reason (rgpd.h), and the retention sweeps. */
	uint64_t	erasures[RGPD_REASON_COUNT];
	uint64_t	retention_sweeps;
	uint64_t	retention_last;		/* unix time, 0: none yet */
	uint64_t	retention_due;		/* found due by the last one */
	/* The referral expiry sweeps (referral_sweep.h). */
	uint64_t	referral_sweeps;
	uint64_t	referral_sweep_last;	/* unix time, 0: none yet */
	uint64_t	referrals_expired;	/* withdrawn by them */
};

/* Count one ranking of `us` microseconds. */
static inline void
stats_score(struct stats *st, double us)
{
	static const double bounds[] = STATS_SCORE_BUCKETS_US;
	int i;

	st->score_us_total += us;
	for (i = 0; i < STATS_SCORE_NBUCKETS - 1 && us > bounds[i]; i++)
		;
	st->score_hist[i]++;
}

#endif
