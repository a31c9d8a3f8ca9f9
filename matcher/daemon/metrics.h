/*
 * GET /metrics: the daemon's counters in the Prometheus text exposition
 * format (version 0.0.4).  Reads the same counters as the "stats" method;
 * only the HTTP edge's own gauges come from the caller.
 */
#ifndef MATCHER_METRICS_H
#define MATCHER_METRICS_H

#include <event2/buffer.h>

struct matcherd;

/* What only the HTTP edge knows. */
struct metrics_http {
	unsigned int	 connections;
	unsigned int	 streams;
};

/* Append every metric to out. */
void	metrics_write(const struct matcherd *, const struct metrics_http *,
	    struct evbuffer *out);

#endif
