/*
 * The referral expiry sweep (referral_sweep.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daily.h"
#include "dates.h"
#include "log.h"
#include "matcherd.h"
#include "records.h"
#include "referral.h"
#include "referral_applied.h"
#include "referral_sweep.h"
#include "store.h"
#include "xmalloc.h"

/* After the retention sweep's first run: the two do not start together. */
#define REFERRAL_SWEEP_FIRST_S	420

struct sweep;

/* A referral found due, as the table had it. */
struct due {
	struct sweep	*sw;
	char		 offer[RECORD_ID_MAX + 1];
	char		 candidate[RECORD_ID_MAX + 1];
	int		 status;
	int64_t		 updated_at;
};

struct sweep {
	struct matcherd		*env;
	struct referral_sweep_report rep;
	struct due		*due;
	uint32_t		 next, inflight;
	int64_t			 now;
	char			 note[64];
	referral_sweep_done_fn	*done;
	void			*arg;
};

static struct daily *timer;
static int running;
static int stopping;	/* referral_sweep_stop() was called */

static void
sweep_end(struct sweep *sw)
{
	struct matcherd *env = sw->env;

	if (!sw->rep.dry_run) {
		env->stats.referral_sweeps++;
		env->stats.referral_sweep_last = (uint64_t)sw->now;
		env->stats.referrals_expired += sw->rep.withdrawn;
		log_info("referral sweep: %u referrals, %u without a move for "
		    "%d days, %u withdrawn, %u moved meanwhile, %u failed",
		    sw->rep.checked, sw->rep.due, sw->rep.days,
		    sw->rep.withdrawn, sw->rep.skipped, sw->rep.failed);
	}
	if (sw->done != NULL)
		sw->done(sw->arg, &sw->rep);
	free(sw->due);
	free(sw);
	running = 0;
}

static void sweep_fill(struct sweep *);

static void
moved_cb(void *arg, redisReply *r)
{
	struct due *d = arg;
	struct sweep *sw = d->sw;
	struct referral_applied_move m;
	int from;

	sw->inflight--;
	switch (r != NULL && r->type != REDIS_REPLY_ERROR ?
	    records_referral_moved(r, &from) : -2) {
	case 1:
		sw->rep.withdrawn++;
		log_info("referral sweep: offer %s, candidate %s: withdrawn "
		    "after %d days without a move", d->offer, d->candidate,
		    sw->rep.days);
		memset(&m, 0, sizeof(m));
		m.offer = d->offer;
		m.candidate = d->candidate;
		m.from = from;
		m.to = REFERRAL_WITHDRAWN;
		m.user = REFERRAL_SWEEP_USER;
		m.note = sw->note;
		m.now = sw->now;
		referral_applied(sw->env, &m, NULL, NULL);
		break;
	case 0:
	case -1:
		/* Moved, or erased, since the sweep looked: that one wins. */
		sw->rep.skipped++;
		break;
	default:
		sw->rep.failed++;
		log_warnx("referral sweep: offer %s, candidate %s: %s",
		    d->offer, d->candidate, r != NULL &&
		    r->type == REDIS_REPLY_ERROR ? r->str :
		    "unexpected reply from the referral script");
		break;
	}
	sweep_fill(sw);
}

/* 0 when the move went out; -1 when the referral has moved since. */
static int
sweep_send(struct sweep *sw, struct due *d)
{
	struct matcherd *env = sw->env;
	const struct offer_ref *ref;
	struct offer_entry *e;
	struct records_move mv;
	struct redis_cmd c;
	char expect[RECORDS_REFERRAL_VALUE_MAX];
	int64_t deadline;

	if ((e = offer_table_get(env->offers, d->offer)) == NULL ||
	    (ref = offer_table_ref_find(e, d->candidate)) == NULL ||
	    ref->status != d->status || ref->updated_at != d->updated_at)
		return -1;
	records_referral_value(expect, sizeof(expect), d->status,
	    d->updated_at);
	/* No client waits: a deadline of the sweep's own per move. */
	deadline = store_deadline_us(env->store);
	memset(&mv, 0, sizeof(mv));
	mv.candidate = d->candidate;
	mv.to = REFERRAL_WITHDRAWN;
	mv.now = sw->now;
	mv.note = sw->note;
	mv.user = REFERRAL_SWEEP_USER;
	mv.expect = expect;
	mv.deadline_ms = store_redis_deadline_ms(env->store, deadline);
	records_referral_move(&c, store_prefix(env->store),
	    env->referral_script, &e->offer, &mv);
	sw->inflight++;
	store_send(env->store, &c, deadline, moved_cb, d);
	return 0;
}

/* A few moves at a time: a sweep never floods Redis or the loop. */
static void
sweep_fill(struct sweep *sw)
{
	/* Stopping: the store is going, nothing more may be sent. */
	while (!stopping && sw->inflight < REFERRAL_SWEEP_INFLIGHT &&
	    sw->next < sw->rep.due)
		if (sweep_send(sw, &sw->due[sw->next++]) == -1)
			sw->rep.skipped++;
	if (sw->inflight == 0 && (sw->next == sw->rep.due || stopping))
		sweep_end(sw);
}

static void
collect(struct sweep *sw)
{
	const struct offer_table *t = sw->env->offers;
	const struct offer_entry *e;
	const struct offer_ref *r;
	struct due *d;
	uint32_t pos = 0, i, cap = 0;

	while ((e = offer_table_next(t, &pos)) != NULL)
		for (i = 0; i < e->nrefs; i++) {
			r = &e->refs[i];
			sw->rep.checked++;
			if (!referral_is_stale(r->status, r->updated_at,
			    sw->rep.today, sw->rep.days))
				continue;
			if (sw->rep.due == cap) {
				cap = cap ? cap * 2 : 64;
				sw->due = xreallocarray(sw->due, cap,
				    sizeof(*sw->due));
			}
			d = &sw->due[sw->rep.due++];
			d->sw = sw;
			snprintf(d->offer, sizeof(d->offer), "%s", e->offer.id);
			snprintf(d->candidate, sizeof(d->candidate), "%s",
			    r->candidate);
			d->status = r->status;
			d->updated_at = r->updated_at;
		}
}

int
referral_sweep_run(struct matcherd *env, int32_t today, int64_t now,
    int dry_run, referral_sweep_done_fn *done, void *arg)
{
	struct sweep *sw;

	if (running)
		return -1;
	running = 1;
	sw = xcalloc(1, sizeof(*sw));
	sw->env = env;
	sw->now = now;
	sw->done = done;
	sw->arg = arg;
	sw->rep.today = today;
	sw->rep.days = env->conf->referral_expire_days;
	sw->rep.dry_run = dry_run;
	snprintf(sw->note, sizeof(sw->note),
	    "sans r\xc3\xa9ponse apr\xc3\xa8s %d jours", sw->rep.days);
	collect(sw);
	if (dry_run) {
		sweep_end(sw);
		return 0;
	}
	if (!store_connected(env->store)) {
		log_warnx("referral sweep: redis is not connected; the %u "
		    "referrals due wait for the next sweep", sw->rep.due);
		sw->rep.failed = sw->rep.due;
		sweep_end(sw);
		return 0;
	}
	sweep_fill(sw);
	return 0;
}

static void
referral_sweep_tick(struct matcherd *env, time_t now)
{
	if (referral_sweep_run(env, date_of_time(now), now, 0, NULL,
	    NULL) == -1)
		log_info("referral sweep: the previous one still runs");
}

void
referral_sweep_start(struct matcherd *env)
{
	timer = daily_start(env, REFERRAL_SWEEP_FIRST_S, referral_sweep_tick);
}

void
referral_sweep_stop(void)
{
	stopping = 1;
	daily_stop(timer);
	timer = NULL;
}
