/* SPDX-License-Identifier: MIT */
/*
 * Projection of WGS84 positions into the grid CRS. The web grid
 * (EPSG:3857) uses the closed-form spherical mercator, which is exact,
 * fast and needs no PROJ database; any other CRS goes through PROJ. A
 * projector owns its own PJ_CONTEXT and PJ, which PROJ does not allow to be
 * shared between threads: use one projector per thread.
 */
#ifndef HM_TRACK_PROJECT_INT_H
#define HM_TRACK_PROJECT_INT_H

#include "core/ctx_int.h"

/* Semi-major axis of WGS84, m: the sphere radius of web mercator. */
#define HM_WEB_RADIUS 6378137.0
/* Half the width of the web mercator world, m (pi * HM_WEB_RADIUS). */
#define HM_WEB_HALF 20037508.342789244
/* Latitude of the web mercator world's north edge, degrees: atan(sinh(pi)). */
#define HM_WEB_MAX_LAT 85.05112877980659

typedef struct hm_projector hm_projector;

/*
 * A projector from EPSG:4326 (lon, lat order) to srs.
 * @param srs NULL for web mercator (closed form), else any CRS PROJ knows ("EPSG:32633", WKT, ...).
 * @return HM_OK, HM_EINVAL (PROJ does not know srs, or cannot reach it from WGS84), HM_ENOMEM.
 */
int hm_project__new(hm_projector **out, hm_ctx *ctx, const char *srs);
void hm_project__free(hm_projector *proj);

/* 1 for the closed-form web mercator projector. */
int hm_project__is_web(const hm_projector *proj);

/*
 * Project n positions in place: xy holds lon, lat pairs (degrees) and
 * receives x, y pairs (CRS units). A position that cannot be projected
 * becomes NaN, NaN.
 */
void hm_project__points(hm_projector *proj, double *xy, size_t n);

/*
 * Project a lon/lat box (min lon, min lat, max lon, max lat) to the box of
 * its image in the CRS (densified edges, so curved edges are covered).
 * @return HM_OK or HM_EINVAL when the box cannot be projected.
 */
int hm_project__bounds(hm_projector *proj, const double lonlat[4], double out[4]);

/*
 * WKT of the target CRS: WKT1_GDAL when it can be expressed so, else WKT2_2019.
 * @param out receives a string allocated with ctx (free with hm_ctx__free).
 * @return HM_OK, HM_EINVAL (no WKT), HM_ENOMEM.
 */
int hm_project__wkt(hm_projector *proj, char **out);

/* Closed-form spherical mercator, m; lat must be within +-85.06. */
void hm_project__web(double lon, double lat, double *x, double *y);
/* Its inverse: degrees of a spherical mercator position (m). */
void hm_project__web_inverse(double x, double y, double *lon, double *lat);

#endif /* HM_TRACK_PROJECT_INT_H */
