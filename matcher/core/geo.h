/*
 * Great-circle distances between WGS84 points.  Pure.
 */
#ifndef MATCHER_GEO_H
#define MATCHER_GEO_H

/* Mean Earth radius (IUGG), in km. */
#define GEO_EARTH_RADIUS_KM 6371.0088

/* Haversine distance in km between two (lat, lon) points in degrees. */
double	geo_distance_km(double lat1, double lon1, double lat2, double lon2);
/* 1 if lat is in [-90, 90] and lon in [-180, 180] and both are finite. */
int	geo_valid(double lat, double lon);

#endif
