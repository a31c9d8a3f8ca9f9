/*
 * Prometheus text format: for each family a HELP and a TYPE line, then
 * one "name{labels} value" line per series.  Label values are the fixed
 * wire names of the vocabularies, which need no escaping.
 */
#include <stdint.h>
#include <stdio.h>

#include <event2/buffer.h>

#include "conn.h"
#include "domain.h"
#include "matcherd.h"
#include "metrics.h"
#include "referral.h"
#include "rpc.h"
#include "stats.h"
#include "store.h"

/* A family of one unlabelled series. */
struct scalar {
	const char	*name;
	const char	*type;
	const char	*help;
	uint64_t	 value;
};

static void
family(struct evbuffer *out, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

/* A gauge labelled by the wire names of a vocabulary (or of statuses). */
static void
labelled(struct evbuffer *out, const char *name, const char *help,
    const char *label, const char *(*namefn)(int), int count,
    const uint32_t *values)
{
	int i;

	family(out, name, "gauge", help);
	for (i = 0; i < count; i++)
		evbuffer_add_printf(out, "%s{%s=\"%s\"} %u\n", name, label,
		    namefn(i), values[i]);
}

static const char *
sector_name(int i)
{
	return vocab_name(&vocab_sector, i);
}

/*
 * The scoring histogram: stats.h keeps non-cumulative counts per bucket
 * in microseconds; Prometheus wants cumulative counts with bounds in
 * seconds, the last one +Inf.
 */
static void
scoring_histogram(struct evbuffer *out, const struct stats *st)
{
	static const double bounds[] = STATS_SCORE_BUCKETS_US;
	const char *name = "matcherd_scoring_duration_seconds";
	uint64_t cum = 0;
	char le[32];
	int i;

	family(out, name, "histogram",
	    "in-process ranking time of offer.put and offer.match");
	for (i = 0; i < STATS_SCORE_NBUCKETS; i++) {
		cum += st->score_hist[i];
		if (i < STATS_SCORE_NBUCKETS - 1)
			snprintf(le, sizeof(le), "%g", bounds[i] / 1e6);
		else
			snprintf(le, sizeof(le), "+Inf");
		evbuffer_add_printf(out, "%s_bucket{le=\"%s\"} %llu\n", name,
		    le, (unsigned long long)cum);
	}
	evbuffer_add_printf(out, "%s_sum %.9g\n%s_count %llu\n", name,
	    st->score_us_total / 1e6, name, (unsigned long long)cum);
}

/* The Redis edge's deadlines and bounds (docs/REDIS.md). */
static void
store_metrics(struct evbuffer *out, const struct matcherd *env)
{
	struct store_counters c;
	size_t i, rpc_in, rpc_out;

	store_counters(env->store, &c);
	conn_buffers(&rpc_in, &rpc_out);
	const struct scalar rows[] = {
		{ "matcherd_rpc_input_bytes", "gauge",
		    "bytes of input buffers held for RPC clients "
		    "([server] input_budget_mb)", rpc_in },
		{ "matcherd_rpc_output_bytes", "gauge",
		    "bytes of output waiting for RPC clients "
		    "([server] output_budget_mb)", rpc_out },
		{ "matcherd_redis_waiting", "gauge",
		    "commands sent to Redis and not answered yet", c.waiting },
		{ "matcherd_redis_waiting_bytes", "gauge",
		    "bytes of the commands waiting for Redis",
		    c.waiting_bytes },
		{ "matcherd_redis_timeouts_total", "counter",
		    "commands answered unavailable at their deadline",
		    c.expired },
		{ "matcherd_redis_late_writes_total", "counter",
		    "writes Redis ran after their client was told unavailable",
		    c.late_writes },
		{ "matcherd_redis_refused_total", "counter",
		    "commands refused at once, over max_pending(_mb)",
		    c.refused },
	};

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		family(out, rows[i].name, rows[i].type, rows[i].help);
		evbuffer_add_printf(out, "%s %llu\n", rows[i].name,
		    (unsigned long long)rows[i].value);
	}
}

void
metrics_write(const struct matcherd *env, const struct metrics_http *mh,
    struct evbuffer *out)
{
	const struct stats *st = &env->stats;
	const struct scalar scalars[] = {
		{ "matcherd_up", "gauge", "1 while the daemon runs", 1 },
		{ "matcherd_start_time_seconds", "gauge",
		    "unix time the daemon started", (uint64_t)env->started },
		{ "matcherd_requests_total", "counter",
		    "requests received (MessagePack-RPC and HTTP API)",
		    st->requests },
		{ "matcherd_offers_scored_total", "counter",
		    "offers ranked by offer.put and offer.match",
		    st->offers_scored },
		{ "matcherd_suggestions_total", "counter",
		    "suggestions made", st->suggestions },
		{ "matcherd_pushes_total", "counter",
		    "match results pushed to subscribers", st->pushes },
		{ "matcherd_clients", "gauge",
		    "MessagePack-RPC clients connected", st->clients },
		{ "matcherd_http_connections", "gauge",
		    "HTTP connections open", mh->connections },
		{ "matcherd_http_streams", "gauge",
		    "Server-Sent Events streams open", mh->streams },
		{ "matcherd_subscribers", "gauge",
		    "subscribers to suggestions (RPC and event streams)",
		    st->subscribers },
		{ "matcherd_redis_connected", "gauge",
		    "1 while the Redis connection is up",
		    (uint64_t)store_connected(env->store) },
		{ "matcherd_retention_sweeps_total", "counter",
		    "retention sweeps run (docs/RGPD.md)",
		    st->retention_sweeps },
		{ "matcherd_retention_last_sweep_seconds", "gauge",
		    "unix time of the last retention sweep, 0 if none",
		    st->retention_last },
		{ "matcherd_retention_due", "gauge",
		    "candidates the last retention sweep found due",
		    st->retention_due },
		{ "matcherd_referral_sweeps_total", "counter",
		    "referral expiry sweeps run (proto/PROTOCOL.md)",
		    st->referral_sweeps },
		{ "matcherd_referral_sweep_last_seconds", "gauge",
		    "unix time of the last referral expiry sweep, 0 if none",
		    st->referral_sweep_last },
		{ "matcherd_referrals_expired_total", "counter",
		    "referrals withdrawn by the expiry sweeps",
		    st->referrals_expired },
	};
	const uint32_t offers[2] = { env->offers->open, env->offers->closed };
	const char *rtt = "matcherd_redis_roundtrip_seconds";
	unsigned long long ncmd;
	size_t i;
	int e;

	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		family(out, scalars[i].name, scalars[i].type, scalars[i].help);
		evbuffer_add_printf(out, "%s %llu\n", scalars[i].name,
		    (unsigned long long)scalars[i].value);
	}

	family(out, "matcherd_errors_total", "counter",
	    "errors answered, by code");
	for (e = 0; e < RPC_ERR_COUNT; e++)
		evbuffer_add_printf(out, "matcherd_errors_total{code=\"%s\"} "
		    "%llu\n", rpc_errcode_name((enum rpc_errcode)e),
		    (unsigned long long)st->errors[e]);

	family(out, "matcherd_erasures_total", "counter",
	    "candidates erased, by reason (docs/RGPD.md)");
	for (e = 0; e < RGPD_REASON_COUNT; e++)
		evbuffer_add_printf(out, "matcherd_erasures_total{reason=\"%s\"} "
		    "%llu\n", vocab_name(&vocab_erase_reason, e),
		    (unsigned long long)st->erasures[e]);

	scoring_histogram(out, st);
	store_metrics(out, env);

	ncmd = store_commands(env->store);
	family(out, rtt, "summary", "Redis command round trips");
	evbuffer_add_printf(out, "%s_sum %.9g\n%s_count %llu\n", rtt,
	    ncmd * store_mean_latency_us(env->store) / 1e6, rtt, ncmd);

	labelled(out, "matcherd_candidates", "candidates in the index",
	    "sector", sector_name, SECTOR_COUNT, env->idx->sector_live);
	labelled(out, "matcherd_referrals", "referrals, by status",
	    "status", referral_name, REFERRAL_COUNT,
	    env->offers->referrals);
	family(out, "matcherd_offers", "gauge", "offers, open or closed");
	evbuffer_add_printf(out, "matcherd_offers{status=\"open\"} %u\n"
	    "matcherd_offers{status=\"closed\"} %u\n", offers[0], offers[1]);
	family(out, "matcherd_offers_merged", "gauge",
	    "duplicate offers merged into another (docs/DEDUP.md)");
	evbuffer_add_printf(out, "matcherd_offers_merged %u\n",
	    env->offers->merged);
}
