/* SPDX-License-Identifier: MIT */
/*
 * The validated options of a raster, as the engine reads them. hm_spec_set()
 * is the only writer, so every value here has been checked.
 */
#ifndef HM_RASTER_SPEC_INT_H
#define HM_RASTER_SPEC_INT_H

#include "core/ctx_int.h"
#include "heatmap/raster.h"

struct hm_spec {
    hm_ctx *ctx;                 /* borrowed allocator/error owner */
    char *path;                  /* source folder/file/VSI path, or NULL */
    int zoom;                    /* ZOOM 0..22, or -1 for the automatic choice */
    char *srs;                   /* SRS as given (NULL: EPSG:3857 web grid) */
    double resolution;           /* RESOLUTION in SRS units per pixel; 0 = automatic */
    int has_bounds;              /* 1 when BOUNDS was given */
    double bounds[4];            /* BOUNDS minlon, minlat, maxlon, maxlat (degrees) */
    double date_from;            /* DATE_FROM, s since epoch (inclusive); NaN = open */
    double date_to;              /* DATE_TO, s since epoch (exclusive); NaN = open */
    char **sports;               /* SPORT list, lower case; NULL = every sport */
    size_t nsports;              /* entries in sports */
    int include_virtual;         /* INCLUDE_VIRTUAL, 0 or 1 */
    double max_gap;              /* MAX_GAP, m: a longer jump between fixes splits a track */
    hm_band bands[HM_BAND_MAX];  /* BANDS, in order */
    size_t nbands;               /* entries in bands */
    int threads;                 /* THREADS for reading; 0 = one per core */
};

#endif /* HM_RASTER_SPEC_INT_H */
