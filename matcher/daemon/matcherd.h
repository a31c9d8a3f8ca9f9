/*
 * The daemon's context, passed to every edge module (relayd's struct
 * relayd *env).  Only main.c creates it.
 */
#ifndef MATCHER_MATCHERD_H
#define MATCHER_MATCHERD_H

#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "conf.h"
#include "index.h"
#include "offer_table.h"
#include "refdata.h"
#include "rpc.h"
#include "stats.h"

struct store;
struct server;
struct rules;
struct clause_table;
struct follows;
struct users;

struct matcherd {
	struct event_base	*base;
	struct conf		*conf;		/* current; swapped on SIGHUP */
	struct refdata		*ref;
	struct rules		*rules;		/* swapped on SIGHUP */
	struct users		*users;		/* swapped on SIGHUP; may be NULL */
	struct index		*idx;
	struct offer_table		*offers;
	/* Clause operations and hires; rebuild.c makes it, at start-up. */
	struct clause_table	*clauses;
	struct follows		*follows;	/* follows.h */
	struct store		*store;
	struct server		*server;
	struct stats		 stats;
	/* Of partner pseudonyms (pseudo.h); rebuild.c reads it from Redis. */
	unsigned char		 pseudonym_secret[32];
	time_t			 started;
	char			 referral_script[4096];
	char			 erase_script[4096];	/* rgpd.h */
};

#endif
