/*
 * Great-circle distances on a spherical Earth (haversine formula).  The
 * matcher only compares commuting distances of a few tens of kilometres
 * against thresholds, so the sphere's error (under 0.5 %) does not matter
 * and an ellipsoidal formula would buy nothing.  Pure: no state, no I/O.
 */
#include <math.h>

#include "geo.h"

/* Not every C11 libc defines M_PI. */
#define GEO_PI 3.14159265358979323846
#define GEO_RAD (GEO_PI / 180.0)

/*
 * The haversine form stays accurate for small distances, where the
 * spherical law of cosines loses most of its digits to cancellation.
 */
double
geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	double dlat, dlon, s1, s2, a;

	dlat = (lat2 - lat1) * GEO_RAD;
	dlon = (lon2 - lon1) * GEO_RAD;
	s1 = sin(dlat / 2);
	s2 = sin(dlon / 2);
	a = s1 * s1 + cos(lat1 * GEO_RAD) * cos(lat2 * GEO_RAD) * s2 * s2;
	/* Rounding can push a just past 1 near the antipodes; asin needs <= 1. */
	if (a > 1.0)
		a = 1.0;
	return 2.0 * GEO_EARTH_RADIUS_KM * asin(sqrt(a));
}

int
geo_valid(double lat, double lon)
{
	return isfinite(lat) && isfinite(lon) && lat >= -90.0 &&
	    lat <= 90.0 && lon >= -180.0 && lon <= 180.0;
}
