/* SPDX-License-Identifier: MIT */
/*
 * A raster: a store seen through a grid and a filter. Opening one costs what
 * the grid and the selection cost (a pass over the activity records), never
 * a read, a clean or an index: the web grid draws every level straight from
 * the store's index (each grid level from the coarsest index level whose
 * pixels nest in its own); another CRS draws from an index of that grid
 * projected once per process from the store's tracks and kept in the store's
 * memo. Immutable once made: any number of threads may render from it.
 */
#ifndef HM_RASTER_RASTER_INT_H
#define HM_RASTER_RASTER_INT_H

#include "heatmap/raster.h"
#include "raster/grid_int.h"
#include "raster/render_int.h"
#include "store/store_int.h"

/* What a raster is made of, in the engine's terms (the open path fills it from a spec). */
typedef struct hm_raster_request {
    const char *path;            /* the source as the user named it, for messages */
    int is_web;                  /* 1: the EPSG:3857 XYZ grid */
    int zoom;                    /* web: 0..22 or -1 automatic */
    int fit[2];                  /* web, automatic zoom: largest grid, pixels; 0: default */
    const char *srs;             /* other grids: the CRS as given */
    double resolution;           /* other grids: CRS units per pixel, 0 automatic */
    int has_bounds;              /* 1 with bounds */
    double bounds[4];            /* minlon, minlat, maxlon, maxlat, degrees */
    hm_clean_options filter;     /* activities drawn: dates, virtual and sports (SPORT items,
                                    matched by hm_sport__matches); max_gap unused */
    const uint64_t *where;       /* bitmap of the activities WHERE selects, or NULL: all */
    int dedupe;                  /* 1: a duplicate of a drawn activity is not drawn */
    const char *key;             /* the filter as text; with the grid as built, it names
                                    derived values */
    int world;                   /* web: the grid covers the whole world (the pyramid's
                                    tiles), not the selection's extent or bounds */
} hm_raster_request;

struct hm_raster {
    hm_ctx *ctx;                 /* owned: allocator of the raster (child of the opener's) */
    hm_store *store;             /* one reference */
    hm_grid grid;                /* level-0 geometry and level count */
    char srs[64];                /* SRS as given, "EPSG:3857" for the web grid */
    const char *wkt;             /* WKT of the grid CRS; lives with the store (memo) */
    const hm_index *index;       /* the store's, or a grid index in the store's memo */
    uint64_t *selected;          /* owned bitmap of drawn activities; NULL = every one */
    uint32_t *dups;              /* owned: pairs (duplicate, the activity drawn instead) */
    size_t ndups;                /* pairs in dups */
    hm_render_view views[HM_INDEX_MAX_LEVELS]; /* how each grid level is drawn */
    hm_raster_stats stats;       /* figures for metadata */
    const hm_pyramid *pyramid;   /* the store's view with this selection, or NULL */
    uint32_t pyramid_levels;     /* bit k: level k's pixels are copied from it
                                    (pyramid.c), not rendered */
    char *key;                   /* owned copy of the request key */
    void *owner;                 /* what the raster was opened from (the open path's), */
    void (*owner_free)(void *);  /* freed with it */
};

/*
 * A raster of a store.
 * @return HM_OK; HM_EINVAL (bad grid options, nothing to draw: "no usable
 *         tracks in <path>"), HM_ENOMEM.
 */
int hm_raster__new(hm_raster **out, hm_ctx *ctx, hm_store *store, const hm_raster_request *req);

/* The view drawing grid level `level` (0 <= level < level_count). */
const hm_render_view *hm_raster__get_view(const hm_raster *raster, int level);

/* ---- the pyramid (pyramid.c) --------------------------------------------------- */

/*
 * Draw the store's views, written beside the store file: view i is the raster that
 * reqs[i] opens (its selection, at zooms 0 to the zoom its automatic grid chooses), named
 * names[i] ("" is the default view, and comes first). All views are drawn in one pass over
 * the index. A view that draws what another one does is not drawn; one that cannot be
 * drawn is left out and said why in the log (a default view that cannot be: none is).
 * @param old the store this one was updated from (the tiles of its views of the same
 *        name where nothing changed are kept, not rendered again), or NULL.
 * @param threads 0: one per core.
 * @param drawn_views views drawn.
 * @return HM_OK or HM_ENOMEM (nothing drawn).
 */
int hm_raster__pyramid_build(hm_store *store, hm_ctx *ctx, const hm_raster_request *reqs,
                             const char *const *names, size_t n, const hm_store *old,
                             int threads, size_t *drawn_views);

/* Set raster->pyramid and pyramid_levels: the store's view with the raster's selection
 * and the levels it draws exactly as the renderer would (same pixels, same index level). */
void hm_raster__pyramid_levels(hm_raster *raster);

/*
 * The window [x0, x0 + w) x [y0, y0 + h) of a level in raster->pyramid_levels, drawn
 * only before (x1, y1) like hm_render__block, copied from the pyramid.
 * @return 1 drawn, 0 not (a damaged tile): render it.
 */
int hm_raster__pyramid_window(const hm_raster *raster, int level, int64_t x0, int64_t y0,
                              int w, int h, int64_t x1, int64_t y1,
                              float *const bands[HM_BAND_MAX]);

#endif /* HM_RASTER_RASTER_INT_H */
