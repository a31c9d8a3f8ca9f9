/*
 * digest {sectors…, hours…, count…}: what changed in the user's sectors
 * over the last hours (default a day), from memory: nothing is read from
 * Redis, nothing written.
 */
#include <stdio.h>
#include <string.h>

#include "clause.h"
#include "dates.h"
#include "digest.h"
#include "domain.h"
#include "matcherd.h"
#include "method_digest.h"
#include "method_offer.h"
#include "mpobj.h"
#include "pack.h"
#include "params.h"
#include "pending.h"
#include "referral.h"

#define DIGEST_HOURS_MAX	(31 * 24)
#define DIGEST_COUNT_DEFAULT	50

static void
pack_offer(msgpack_packer *pk, const struct offer_entry *e)
{
	const struct offer *o = &e->offer;
	uint32_t i, suggested = 0;

	for (i = 0; i < e->nrefs; i++)
		suggested += e->refs[i].status == REFERRAL_SUGGESTED;
	msgpack_pack_map(pk, 8);
	mp_pack_kv_str(pk, "id", o->id);
	mp_pack_kv_str(pk, "title", o->title);
	mp_pack_kv_str(pk, "employer", o->employer[0] ? o->employer : NULL);
	mp_pack_kv_str(pk, "sector", vocab_name(&vocab_sector, o->sector));
	mp_pack_kv_str(pk, "rome", o->rome);
	mp_pack_kv_str(pk, "commune", o->commune[0] ? o->commune : NULL);
	mp_pack_kv_int(pk, "created_at", e->created_at);
	mp_pack_kv_int(pk, "suggested", suggested);
}

static void
pack_ref(msgpack_packer *pk, const struct digest_ref *d, int64_t now,
    int stale_days)
{
	int32_t today = date_of_time(now);

	msgpack_pack_map(pk, 9);
	mp_pack_kv_str(pk, "offer", d->e->offer.id);
	mp_pack_kv_str(pk, "sector", vocab_name(&vocab_sector,
	    d->e->offer.sector));
	mp_pack_kv_str(pk, "title", d->e->offer.title);
	mp_pack_kv_str(pk, "employer", d->e->offer.employer[0] ?
	    d->e->offer.employer : NULL);
	mp_pack_kv_str(pk, "candidate", d->r->candidate);
	mp_pack_kv_str(pk, "status", referral_name(d->r->status));
	mp_pack_kv_int(pk, "updated_at", d->r->updated_at);
	mp_pack_kv_int(pk, "days", referral_days_without_move(d->r->updated_at,
	    today));
	mp_pack_kv_bool(pk, "stale", referral_is_stale(d->r->status,
	    d->r->updated_at, today, stale_days));
}

/* {total, KEY: [...]} of one list. */
static void
pack_refs(msgpack_packer *pk, const char *key, const struct digest_ref *v,
    uint32_t n, uint32_t total, int64_t now, int stale_days)
{
	uint32_t i;

	msgpack_pack_map(pk, 2);
	mp_pack_kv_int(pk, "total", total);
	mp_pack_str(pk, key);
	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++)
		pack_ref(pk, &v[i], now, stale_days);
}

/* The operations behind their commitment today (docs/CLAUSE.md). */
static void
pack_clause_behind(msgpack_packer *pk, struct matcherd *env, int32_t today,
    int count)
{
	const struct clause_op_report *r;
	struct clause_filter flt;
	struct clause_report *rep;
	uint32_t i;

	memset(&flt, 0, sizeof(flt));
	flt.behind_only = 1;
	flt.count = count;
	rep = clause_report_new(env->clauses, &flt, today);
	msgpack_pack_map(pk, 2);
	mp_pack_kv_int(pk, "total", rep->matched);
	mp_pack_str(pk, "operations");
	msgpack_pack_array(pk, rep->nops);
	for (i = 0; i < rep->nops; i++) {
		r = &rep->ops[i];
		msgpack_pack_map(pk, 5);
		mp_pack_kv_str(pk, "operation", r->op->id);
		mp_pack_kv_str(pk, "name", r->op->name);
		mp_pack_kv_int(pk, "hours_committed", r->f.hours_committed);
		mp_pack_kv_int(pk, "hours_expected", r->f.hours_expected);
		mp_pack_kv_int(pk, "hours_realised", r->f.hours_realised);
	}
	clause_report_free(rep);
}

void
method_digest(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	int64_t now = pending_now(p);
	struct pending_buf b;
	struct digest d;
	uint32_t sectors;
	uint32_t i;
	int hours, count;

	if (params_set(p, params, "sectors", &vocab_sector, &sectors) == -1 ||
	    params_int(p, params, "hours", 1, DIGEST_HOURS_MAX, 24,
	    &hours) == -1 ||
	    params_int(p, params, "count", 1, DIGEST_LIST_MAX,
	    DIGEST_COUNT_DEFAULT, &count) == -1)
		return;
	/* Named sectors must be the user's; none named: all of theirs. */
	if (params_get(params, "sectors") != NULL &&
	    methods_sectors_ok(env, p, sectors, "sectors") == -1)
		return;
	sectors &= methods_sectors(env, p);
	digest_build(env->offers, sectors, now - (int64_t)hours * 3600, count,
	    &d);
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 7);
	mp_pack_kv_int(&b.pk, "since", now - (int64_t)hours * 3600);
	mp_pack_kv_int(&b.pk, "at", now);
	pack_vocab_set(&b.pk, "sectors", &vocab_sector, sectors);
	mp_pack_str(&b.pk, "new_offers");
	msgpack_pack_map(&b.pk, 2);
	mp_pack_kv_int(&b.pk, "total", d.offers_total);
	mp_pack_str(&b.pk, "offers");
	msgpack_pack_array(&b.pk, d.noffers);
	for (i = 0; i < d.noffers; i++)
		pack_offer(&b.pk, d.offers[i]);
	mp_pack_str(&b.pk, "waiting");
	pack_refs(&b.pk, "referrals", d.waiting, d.nwaiting, d.waiting_total,
	    now, env->conf->referral_stale_days);
	mp_pack_str(&b.pk, "hires");
	pack_refs(&b.pk, "referrals", d.hires, d.nhires, d.hires_total, now,
	    env->conf->referral_stale_days);
	mp_pack_str(&b.pk, "clause_behind");
	pack_clause_behind(&b.pk, env, date_of_time(now), count);
	digest_free(&d);
	pending_buf_answer(&b, p);
}
