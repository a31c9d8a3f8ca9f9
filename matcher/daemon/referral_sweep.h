/*
 * The referral expiry sweep (proto/PROTOCOL.md, Referral follow-up):
 * once a day, every referral left suggested, validated or sent with no
 * move for [referrals] expire_days is withdrawn, through the referral
 * script like any move, by the user "matcherd" with the note "sans
 * réponse après N jours".  The script moves a referral only if it still
 * has the value the sweep saw: a move made meanwhile wins.
 */
#ifndef MATCHER_REFERRAL_SWEEP_H
#define MATCHER_REFERRAL_SWEEP_H

#include <stdint.h>

struct matcherd;

/* The user the sweep's moves are made by, in the history. */
#define REFERRAL_SWEEP_USER	"matcherd"
/* Moves the sweep has waiting for Redis at most. */
#define REFERRAL_SWEEP_INFLIGHT	8

struct referral_sweep_report {
	int32_t		 today;
	int		 days;		/* expire_days */
	uint32_t	 checked;	/* referrals in the table */
	uint32_t	 due;
	uint32_t	 withdrawn;
	uint32_t	 skipped;	/* moved (or gone) meanwhile */
	uint32_t	 failed;
	int		 dry_run;
};

typedef void referral_sweep_done_fn(void *arg,
		    const struct referral_sweep_report *);

/* Start the daily timer; the first sweep runs a few minutes after. */
void	referral_sweep_start(struct matcherd *);
void	referral_sweep_stop(void);
/*
 * Sweep as on day today (dates.h), now the unix time of the moves;
 * dry_run only counts.  done (NULL: none) gets the report.  -1 when a
 * sweep is already running.
 */
int	referral_sweep_run(struct matcherd *, int32_t today, int64_t now,
	    int dry_run, referral_sweep_done_fn *done, void *arg);

#endif
