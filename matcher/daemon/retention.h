/*
 * The retention sweep (docs/RGPD.md): once a day, every candidate whose
 * record and referrals have not changed for [rgpd] retention_days, and
 * who has no open referral, is erased (erase.h), one after another.
 * rgpd_retention_due() is the rule; this file walks the index with it.
 */
#ifndef MATCHER_RETENTION_H
#define MATCHER_RETENTION_H

#include <stdint.h>

#include "decode.h"

struct matcherd;

/* Ids a dry run lists, at most. */
#define RETENTION_LIST_MAX	1000

struct retention_report {
	int32_t		 today;
	int		 days;
	uint32_t	 checked;	/* candidates in the index */
	uint32_t	 due;
	uint32_t	 erased;
	uint32_t	 failed;
	/* A dry run's due ids, the first RETENTION_LIST_MAX. */
	char		(*ids)[RECORD_ID_MAX + 1];
	uint32_t	 nids;
};

typedef void retention_done_fn(void *arg, const struct retention_report *);

/* Start the daily timer; the first sweep runs a few minutes after. */
void	retention_start(struct matcherd *);
void	retention_stop(void);
/*
 * Sweep as on day today (dates.h), now the unix time of the audit
 * entries; dry_run only lists.  done gets the report (NULL: nothing to
 * be called).  -1 when a sweep is already running.
 */
int	retention_sweep(struct matcherd *, int32_t today, int64_t now,
	    int dry_run, retention_done_fn *done, void *arg);

#endif
