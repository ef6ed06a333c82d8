/* SPDX-License-Identifier: MIT */
/* Geodesy shared by the engine: great-circle distance on the WGS84 mean sphere. */
#ifndef HM_TRACK_GEO_INT_H
#define HM_TRACK_GEO_INT_H

/* Mean Earth radius, m (IUGG R1), used for every great-circle distance. */
#define HM_EARTH_RADIUS_M 6371008.8

/* Great-circle distance in m between two WGS84 positions in degrees (haversine). */
double hm_geo__distance_m(double lat1, double lon1, double lat2, double lon2);

#endif /* HM_TRACK_GEO_INT_H */
