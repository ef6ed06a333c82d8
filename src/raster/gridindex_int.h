/* SPDX-License-Identifier: MIT */
/*
 * Grids in another CRS than the web's (SRS=, RESOLUTION=). Their pixels do
 * not nest in the web's, so they draw from an index of their own: the
 * store's tracks (its raw level) taken back to longitude and latitude,
 * projected with PROJ, and indexed for one resolution. Both steps are kept
 * in the store's memo, so a process pays them once per CRS and resolution,
 * whatever the filter, BOUNDS or handle; nothing is read from the files.
 * The store keeps positions within web mercator's latitudes (85.05 degrees):
 * tracks beyond are not drawn in any grid.
 */
#ifndef HM_RASTER_GRIDINDEX_INT_H
#define HM_RASTER_GRIDINDEX_INT_H

#include "store/store_int.h"

/* The store's tracks in one CRS. */
typedef struct hm_projected {
    hm_runs runs;     /* CRS units, x east and y north; run_act: the store's activity ids */
    double *act_bbox; /* 4 per activity: min x, min y, max x, max y; NaN when nothing drawn */
    size_t nacts;     /* entries of act_bbox */
    double bbox[4];   /* of every run */
    char *wkt;        /* the CRS as WKT */
} hm_projected;

/* An index of the projected tracks for one resolution. */
typedef struct hm_grid_index {
    hm_index *index;           /* level k: pixels of 2^k * resolution, HM_GRID_UNIT_BITS units */
    int64_t anchor_tx;         /* the index's pixel (0, 0) is at CRS x = anchor_tx * 256 res */
    int64_t anchor_ty;         /* ... and CRS y = -anchor_ty * 256 res */
} hm_grid_index;

/*
 * The store's tracks projected to srs (made on first use, kept in the memo).
 * @param out borrowed; lives as long as the store.
 * @return HM_OK, HM_EINVAL (PROJ cannot reach srs; nothing drawable there), HM_ENOMEM.
 */
int hm_gridindex__projected(const hm_projected **out, hm_store *store, hm_ctx *ctx,
                            const char *srs);

/*
 * The index of pj at a resolution (made on first use, kept in the memo).
 * @return HM_OK, HM_EINVAL, HM_ENOMEM.
 */
int hm_gridindex__get(const hm_grid_index **out, hm_store *store, hm_ctx *ctx, const char *srs,
                      const hm_projected *pj, double resolution);

#endif /* HM_RASTER_GRIDINDEX_INT_H */
