/*
 * The daily retention sweep (retention.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daily.h"
#include "dates.h"
#include "erase.h"
#include "log.h"
#include "matcherd.h"
#include "retention.h"
#include "rgpd.h"
#include "store.h"
#include "xmalloc.h"

#define RETENTION_FIRST_S	300

struct sweep {
	struct matcherd		*env;
	struct retention_report	 rep;
	char			(*due)[RECORD_ID_MAX + 1];
	uint32_t		 next;
	int64_t			 now;
	retention_done_fn	*done;
	void			*arg;
};

static struct daily *timer;
static int running;
static int stopping;	/* retention_stop() was called */

/* The day of each slot's latest referral move, DATE_NONE if none. */
static int32_t *
latest_moves(const struct matcherd *env)
{
	struct offer_entry *e;
	int32_t *day, d;
	uint32_t pos = 0, i, slot;

	day = xreallocarray(NULL, env->idx->nrecs ? env->idx->nrecs : 1,
	    sizeof(*day));
	for (i = 0; i < env->idx->nrecs; i++)
		day[i] = env->idx->recs[i].last_referral;
	while ((e = offer_table_next(env->offers, &pos)) != NULL)
		for (i = 0; i < e->nrefs; i++) {
			slot = index_find(env->idx, e->refs[i].candidate);
			d = date_of_time(e->refs[i].updated_at);
			if (slot != INDEX_NONE && (day[slot] == DATE_NONE ||
			    d > day[slot]))
				day[slot] = d;
		}
	return day;
}

static void
sweep_end(struct sweep *sw)
{
	struct matcherd *env = sw->env;

	env->stats.retention_sweeps++;
	env->stats.retention_last = (uint64_t)sw->now;
	env->stats.retention_due = sw->rep.due;
	if (sw->rep.ids == NULL)
		log_info("retention sweep: %u candidates, %u with no update "
		    "nor open referral for %d days, %u erased, %u failed",
		    sw->rep.checked, sw->rep.due, sw->rep.days, sw->rep.erased,
		    sw->rep.failed);
	if (sw->done != NULL)
		sw->done(sw->arg, &sw->rep);
	free(sw->due);
	free(sw);
	running = 0;
}

static void sweep_next(struct sweep *);

static void
sweep_erased(void *arg, const struct erase_result *r)
{
	struct sweep *sw = arg;

	if (r->code == 0)
		sw->rep.erased += r->erased != 0;
	else
		sw->rep.failed++;
	sweep_next(sw);
}

/* One erasure at a time: a sweep never floods Redis or the loop. */
static void
sweep_next(struct sweep *sw)
{
	/* Stopping: the store is going, nothing more may be sent. */
	if (sw->next == sw->rep.due || stopping) {
		sweep_end(sw);
		return;
	}
	erase_start(sw->env, sw->due[sw->next++], RGPD_RETENTION,
	    "(retention)", "system", 1, sw->now, sweep_erased, sw);
}

int
retention_sweep(struct matcherd *env, int32_t today, int64_t now,
    int dry_run, retention_done_fn *done, void *arg)
{
	const struct cand_rec *c;
	struct sweep *sw;
	int32_t *moved;
	uint32_t slot, cap = 0;

	if (running)
		return -1;
	running = 1;
	sw = xcalloc(1, sizeof(*sw));
	sw->env = env;
	sw->now = now;
	sw->done = done;
	sw->arg = arg;
	sw->rep.today = today;
	sw->rep.days = env->conf->rgpd_retention_days;
	moved = latest_moves(env);
	for (slot = index_next(env->idx, 0, 0); slot != INDEX_NONE;
	    slot = index_next(env->idx, slot + 1, 0)) {
		c = &env->idx->recs[slot];
		sw->rep.checked++;
		if (!rgpd_retention_due(c->updated_on, moved[slot],
		    c->open_referrals, today, sw->rep.days))
			continue;
		if (sw->rep.due == cap) {
			cap = cap ? cap * 2 : 64;
			sw->due = xreallocarray(sw->due, cap, sizeof(*sw->due));
		}
		memcpy(sw->due[sw->rep.due++], c->id, strlen(c->id) + 1);
	}
	free(moved);
	/*
	 * Erasing takes the person out of the index first: with Redis away
	 * every erasure would fail and hide the people due until a restart.
	 */
	if (!dry_run && !store_connected(env->store)) {
		log_warnx("retention sweep: redis is not connected; the %u "
		    "candidates due wait for the next sweep", sw->rep.due);
		sw->rep.failed = sw->rep.due;
		sweep_end(sw);
		return 0;
	}
	if (dry_run) {
		sw->rep.ids = sw->due;
		sw->rep.nids = sw->rep.due < RETENTION_LIST_MAX ?
		    sw->rep.due : RETENTION_LIST_MAX;
		if (done != NULL)
			done(arg, &sw->rep);
		free(sw->due);
		free(sw);
		running = 0;
		return 0;
	}
	sweep_next(sw);
	return 0;
}

static void
retention_tick(struct matcherd *env, time_t now)
{
	if (retention_sweep(env, date_of_time(now), now, 0, NULL, NULL) == -1)
		log_info("retention sweep: the previous one still runs");
}

void
retention_start(struct matcherd *env)
{
	timer = daily_start(env, RETENTION_FIRST_S, retention_tick);
}

void
retention_stop(void)
{
	stopping = 1;
	daily_stop(timer);
	timer = NULL;
}
