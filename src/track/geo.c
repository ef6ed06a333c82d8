/* SPDX-License-Identifier: MIT */
/*
 * Great-circle distance. The haversine form is used because it stays
 * accurate for the very short steps (1 m at 1 Hz) that make up a track,
 * where the spherical law of cosines loses all its digits.
 */
#include <math.h>

#include "track/geo_int.h"

double hm_geo__distance_m(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double dlat = (lat2 - lat1) * rad;
    double dlon = (lon2 - lon1) * rad;
    double s1 = sin(dlat * 0.5);
    double s2 = sin(dlon * 0.5);
    double a = s1 * s1 + cos(lat1 * rad) * cos(lat2 * rad) * s2 * s2;

    if (a > 1.0)
        a = 1.0;
    return 2.0 * HM_EARTH_RADIUS_M * asin(sqrt(a));
}
