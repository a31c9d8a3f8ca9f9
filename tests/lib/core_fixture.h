/*
 * The fixture of the tests of the index, the scorer and the ranker: the
 * reference data and the default matching configuration, loaded once per
 * program, and valid candidates and offers built as structs, which each
 * test then tweaks.  "Today" is fixed, never the clock.
 *
 * Header only, for the cmocka programs of tests/unit: include it as
 * "../lib/core_fixture.h" and run the tests with
 *
 *	cmocka_run_group_tests(tests, fixture_setup, fixture_teardown)
 *
 * (fixture_setup_refdata() when the default configuration is not needed).
 */
#ifndef TESTS_LIB_CORE_FIXTURE_H
#define TESTS_LIB_CORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "candidate.h"
#include "conf.h"
#include "dates.h"
#include "domain.h"
#include "offer.h"
#include "refdata.h"

#define TODAY		date_from_ymd(2026, 11, 29)
#define DUNKERQUE	"59183"
#define B(x)		(1u << (x))
#define CRIT(x)		(1u << CRITERION_##x)
#define LIC(x)		(1u << LICENCE_##x)
#define BAR(x)		(1u << BARRIER_##x)

static struct refdata *ref;
static struct conf_matching defm;	/* conf_defaults()' matching */

/* Load the reference data into ref. */
static inline int
fixture_setup_refdata(void **state)
{
	char err[512];

	(void)state;
	if ((ref = refdata_load(MATCHERD_DATADIR, err, sizeof(err))) == NULL) {
		fprintf(stderr, "refdata_load: %s\n", err);
		return -1;
	}
	return 0;
}

/* Load the reference data into ref and the default matching into defm. */
static inline int
fixture_setup(void **state)
{
	struct conf conf;

	if (fixture_setup_refdata(state) != 0)
		return -1;
	conf_defaults(&conf);
	defm = conf.matching;
	return 0;
}

static inline int
fixture_teardown(void **state)
{
	(void)state;
	refdata_free(ref);
	return 0;
}

/* The id of a ROME code that must exist. */
static inline int
rome(const char *code)
{
	int id = refdata_rome_id(ref, code, strlen(code));

	assert_true(id >= 0);
	return id;
}

/* The commune of INSEE code insee, and its coordinates. */
static inline void
place(char commune[INSEE_CODE_LEN + 1], double *lat, double *lon,
    const char *insee)
{
	const struct commune *cm = refdata_commune(ref, insee, 5);

	assert_non_null(cm);
	snprintf(commune, INSEE_CODE_LEN + 1, "%s", insee);
	*lat = cm->lat;
	*lon = cm->lon;
}

static inline void
place_cand(struct candidate *c, const char *insee)
{
	place(c->commune, &c->lat, &c->lon, insee);
}

static inline void
place_offer(struct offer *o, const char *insee)
{
	place(o->commune, &o->lat, &o->lon, insee);
}

/* Job i of c (njobs grows to cover it). */
static inline void
set_job(struct candidate *c, int i, const char *code, int months)
{
	snprintf(c->jobs[i].rome, sizeof(c->jobs[i].rome), "%s", code);
	c->jobs[i].rome_id = rome(code);
	c->jobs[i].months = months;
	if (c->njobs <= i)
		c->njobs = i + 1;
}

static inline void
add_skill(struct candidate *c, const char *tag)
{
	snprintf(c->skills[c->nskills++], SKILL_MAX_LEN + 1, "%s", tag);
}

/*
 * A valid candidate who passes every filter of default_offer(): a
 * concrete worker of 36 at Dunkerque, level 4, licence B and a car,
 * 24 months in F1701, no criteria, no barriers.
 */
static inline void
default_cand(struct candidate *c, const char *id)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->sectors = B(SECTOR_BATIMENT);
	set_job(c, 0, "F1701", 24);
	c->licences = LIC(B);
	c->vehicle = 1;
	c->level = 4;
	place_cand(c, DUNKERQUE);
	c->radius_km = 30;
	c->available_from = DATE_NONE;
	c->contracts = B(CONTRACT_COUNT) - 1;
	c->working_time = WORKTIME_ANY;
	c->birth_date = date_from_ymd(1990, 5, 10);
	c->status = STATUS_AVAILABLE;
}

/* A France Travail CDI in F1701 at Dunkerque, asking for nothing. */
static inline void
default_offer(struct offer *o, const char *id)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", id);
	o->source = SOURCE_POLE_EMPLOI;
	snprintf(o->title, sizeof(o->title), "Coffreur bancheur");
	snprintf(o->rome, sizeof(o->rome), "F1701");
	o->rome_id = rome("F1701");
	o->sector = SECTOR_BATIMENT;
	place_offer(o, DUNKERQUE);
	o->contract = CONTRACT_CDI;
	o->working_time = WORKTIME_ANY;
	o->start = DATE_NONE;
	o->positions = 1;
}

/* The offer's job, and the sector that goes with it. */
static inline void
set_offer_rome(struct offer *o, const char *code)
{
	snprintf(o->rome, sizeof(o->rome), "%s", code);
	o->rome_id = rome(code);
	o->sector = refdata_rome_sector(code);
}

#endif /* TESTS_LIB_CORE_FIXTURE_H */
