/* SPDX-License-Identifier: MIT */
/*
 * The raster grid: origin, pixel size, size and levels. The web grid is
 * EPSG:3857 on the XYZ tile grid (pixel size of zoom z exactly as web tiles,
 * extent snapped outward to whole 256 px tiles, so block (i, j) of level 0
 * is tile (tile_x0 + i, tile_y0 + j)); any other CRS gets a grid whose
 * origin is a multiple of 256 pixels. Level k has pixels 2^k times larger,
 * the same origin, and ceil(size / 2^k) pixels.
 */
#ifndef HM_RASTER_GRID_INT_H
#define HM_RASTER_GRID_INT_H

#include "core/ctx_int.h"
#include "heatmap/raster.h"

#define HM_GRID_BLOCK HM_BLOCK_SIZE /* pixels per block side at every level */
#define HM_GRID_AUTO_PIXELS 4096 /* long side of an automatic grid, pixels (at most, web) */
#define HM_GRID_MAX_ZOOM 22      /* deepest XYZ zoom */

typedef struct hm_grid {
    int is_web;      /* 1: EPSG:3857 XYZ grid */
    int zoom;        /* XYZ zoom of level 0; -1 for other grids */
    int64_t tile_x0; /* XYZ column of block column 0 (web); else origin_x / (256 res) */
    int64_t tile_y0; /* XYZ row of block row 0 (web); else -origin_y / (256 res) */
    double origin_x; /* grid CRS units, west edge */
    double origin_y; /* grid CRS units, north edge */
    double res;      /* grid CRS units per level-0 pixel */
    int width;       /* level-0 pixels */
    int height;      /* level-0 pixels */
    int block;       /* HM_GRID_BLOCK */
    int level_count; /* 1 + overviews: down to the first level that fits one block */
} hm_grid;

/* What the grid must cover and how. */
typedef struct hm_grid_request {
    int is_web;        /* 1 for the web grid */
    int zoom;          /* web: 0..22, or -1 for the largest zoom whose grid fits in
                          fit (zoom 0 when none does) */
    int fit[2];        /* web, zoom -1: largest width, height, pixels; 0: HM_GRID_AUTO_PIXELS */
    double resolution; /* other grids: CRS units per pixel; 0 for about
                          HM_GRID_AUTO_PIXELS on the long side (a 1-1.2-1.5-2-2.5-3-4-5-6-8
                          series number, so the long side is 3072..4096 px) */
    double extent[4];  /* CRS units: min x, min y, max x, max y to cover */
    int exact;         /* 1: extent came from BOUNDS, an edge on a tile line stays there;
                          0: data extent, snapped so every point is strictly inside */
    int has_units;     /* web data extent only: 1 when units holds it exactly (then extent
                          is not used) */
    int64_t units[4];  /* web store units (2^-40 of the world, y south): min x, min y,
                          max x, max y of the data, inclusive */
} hm_grid_request;

/* Web pixel size of a zoom: 2 * HM_WEB_HALF / (256 * 2^zoom), m. */
double hm_grid__web_resolution(int zoom);

/*
 * Compute a grid.
 * @return HM_OK or HM_EINVAL (extent not finite, or a grid over 2^31 pixels on a side).
 */
int hm_grid__build(hm_grid *out, hm_ctx *ctx, const hm_grid_request *req);

/* Size of level k in pixels: ceil(width / 2^k) x ceil(height / 2^k). */
void hm_grid__level_size(const hm_grid *grid, int level, int *width, int *height);

#endif /* HM_RASTER_GRID_INT_H */
