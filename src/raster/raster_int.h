/* SPDX-License-Identifier: MIT */
/*
 * The raster's shared data and the handle over it. hm_rdata is immutable
 * once built and may be shared by several handles (through the process
 * cache, src/raster/cache.c); it owns a context of its own, made from the
 * opener's allocator, because it may outlive the context it was opened
 * with (the first handle closes, a second one goes on using the data).
 */
#ifndef HM_RASTER_RASTER_INT_H
#define HM_RASTER_RASTER_INT_H

#include "heatmap/raster.h"
#include "index/index_int.h"
#include "raster/cache_int.h"
#include "raster/grid_int.h"
#include "raster/memo_int.h"

/*
 * The parsed files of one source path, shared through the cache by every
 * raster made from them (other zooms, grids or filters read nothing again).
 */
typedef struct hm_sdata {
    hm_cache_entry entry;      /* first member: the cache's bookkeeping */
    hm_ctx *ctx;               /* owned: allocator of the collection's bookkeeping */
    hm_collection *collection; /* owned */
} hm_sdata;

typedef struct hm_rdata {
    hm_cache_entry entry;      /* first member: the cache's bookkeeping */
    hm_ctx *ctx;               /* owned: allocator of everything here */
    hm_sdata *source;          /* one reference held; NULL when built from the caller's files */
    hm_grid grid;              /* level-0 geometry and level count */
    char srs[64];              /* SRS as given, "EPSG:3857" for the web grid */
    char *wkt;                 /* WKT of the grid CRS */
    hm_index *index;           /* runs, pieces and R-trees of every level */
    hm_raster_stats stats;     /* figures for metadata */
    hm_memo memo;              /* values computed lazily from the above (style statistics);
                                  the one mutable part, behind its own lock */
} hm_rdata;

struct hm_raster {
    hm_rdata *data; /* shared; one reference held by this handle */
};

/*
 * Build a raster from files the caller already has (the files must outlive
 * the raster); no cache, no reading. hm_raster_open() is this plus reading
 * the folder and the cache; tests use it with activities made by the builder.
 * @param path used in messages ("no usable tracks in <path>").
 */
int hm_raster__new_from_files(hm_raster **out, hm_ctx *ctx, const hm_spec *spec, const char *path,
                              const hm_file *const *files, size_t nfiles);

/* The index (for tests and tools inside the engine). Borrowed. */
const hm_index *hm_raster__get_index(const hm_raster *raster);

/* The memo of the raster's shared data (src/raster/memo_int.h). Borrowed. */
hm_memo *hm_raster__get_memo(const hm_raster *raster);

/*
 * The shared data's own context: only to make children of it
 * (hm_ctx__new_child), whose allocations the data may free. Never raise
 * errors on it: other threads share it. Borrowed.
 */
const hm_ctx *hm_raster__get_data_ctx(const hm_raster *raster);

#endif /* HM_RASTER_RASTER_INT_H */
