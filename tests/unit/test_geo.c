/*
 * Tests for geo.c: haversine distances against values computed
 * independently (with the commune coordinates of matcher/data), the
 * degenerate cases (same point, antipodes, poles, the date line) and the
 * coordinate validity check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "geo.h"

/* Coordinates of the communes_59_62.csv rows. */
#define DUNKERQUE	51.0307229078, 2.33752414095
#define GRAVELINES	50.9975626638, 2.14413046485
#define LOON_PLAGE	51.0012144614, 2.22304802432
#define CALAIS		50.9502072754, 1.87575566132
#define LILLE		50.6317183168, 3.04783272312
/* Paris, Hôtel de Ville. */
#define PARIS		48.856613, 2.352222

static void
assert_near(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("got %.6f, want %.6f +- %.6f", got, want, tol);
}

static void
test_known_distances(void **state)
{
	double d;

	(void)state;
	/*
	 * Expected values come from the same formula evaluated in Python
	 * with R = 6371.0088 km; the loose checks are the rough figures
	 * quoted for these pairs.
	 */
	d = geo_distance_km(DUNKERQUE, GRAVELINES);
	assert_near(d, 14.0225, 0.001);
	assert_near(d, 13.7, 0.5);
	assert_near(geo_distance_km(DUNKERQUE, LOON_PLAGE), 8.6541, 0.001);
	assert_near(geo_distance_km(DUNKERQUE, CALAIS), 33.5370, 0.001);
	d = geo_distance_km(PARIS, LILLE);
	assert_near(d, 203.612, 0.01);
	assert_near(d, 204.0, 1.0);
}

static void
test_zero_and_symmetry(void **state)
{
	(void)state;
	assert_true(geo_distance_km(DUNKERQUE, DUNKERQUE) == 0.0);
	assert_true(geo_distance_km(0, 0, 0, 0) == 0.0);
	assert_true(geo_distance_km(90, 0, 90, 123) < 1e-9);
	assert_true(geo_distance_km(DUNKERQUE, GRAVELINES) ==
	    geo_distance_km(GRAVELINES, DUNKERQUE));
	assert_true(geo_distance_km(PARIS, LILLE) ==
	    geo_distance_km(LILLE, PARIS));
	assert_true(geo_distance_km(-33.9, 151.2, 40.7, -74.0) ==
	    geo_distance_km(40.7, -74.0, -33.9, 151.2));
}

static void
test_large_distances(void **state)
{
	double half = M_PI * GEO_EARTH_RADIUS_KM;

	(void)state;
	assert_near(half, 20015.114, 0.001);
	/* Antipodes: half the circumference, without asin of 1 + eps. */
	assert_near(geo_distance_km(0, 0, 0, 180), half, 1e-6);
	assert_near(geo_distance_km(90, 0, -90, 0), half, 1e-6);
	/*
	 * Near the antipodes asin's slope is infinite, so one rounding
	 * error in a costs a fraction of a metre; ask for a metre there.
	 */
	assert_near(geo_distance_km(45, 10, -45, -170), half, 1e-3);
	assert_near(geo_distance_km(DUNKERQUE, -51.0307229078,
	    2.33752414095 - 180), half, 1e-3);
	assert_false(isnan(geo_distance_km(0, 0, 0, 180)));
	/* A quarter of a great circle. */
	assert_near(geo_distance_km(0, 0, 0, 90), half / 2, 1e-6);
	assert_near(geo_distance_km(0, 0, 90, 0), half / 2, 1e-6);
	/* Across the date line is the short way round. */
	assert_near(geo_distance_km(0, 179.5, 0, -179.5),
	    half / 180, 1e-6);
	/* One degree of latitude. */
	assert_near(geo_distance_km(50, 2, 51, 2), half / 180, 1e-6);
}

static void
test_valid(void **state)
{
	(void)state;
	assert_true(geo_valid(DUNKERQUE));
	assert_true(geo_valid(0, 0));
	assert_true(geo_valid(90, 180));
	assert_true(geo_valid(-90, -180));
	assert_false(geo_valid(90.000001, 0));
	assert_false(geo_valid(-90.000001, 0));
	assert_false(geo_valid(0, 180.000001));
	assert_false(geo_valid(0, -180.000001));
	/* Swapped coordinates of Dunkerque stay in range, so are "valid". */
	assert_true(geo_valid(2.34, 51.03));
	assert_false(geo_valid(NAN, 0));
	assert_false(geo_valid(0, NAN));
	assert_false(geo_valid(INFINITY, 0));
	assert_false(geo_valid(0, -INFINITY));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_distances),
		cmocka_unit_test(test_zero_and_symmetry),
		cmocka_unit_test(test_large_distances),
		cmocka_unit_test(test_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
