/* SPDX-License-Identifier: MIT */
/*
 * The block renderer: all bands of one block of one level, from the index
 * alone. Re-entrant: every call allocates its own scratch with the
 * caller's context, so any number of threads may render blocks of one
 * index at once.
 */
#ifndef HM_RASTER_RENDER_INT_H
#define HM_RASTER_RENDER_INT_H

#include "heatmap/raster.h"
#include "index/index_int.h"

/*
 * Render block (block_x, block_y) of `level` (HM_GRID_BLOCK pixels square).
 * Pixels at or beyond (level_w, level_h) are filled as empty pixels.
 * @param bands HM_BAND_MAX buffers of HM_GRID_BLOCK^2 floats, row major; NULL skips a band.
 * @return HM_OK or HM_ENOMEM (raised on ctx).
 */
int hm_render__block(hm_ctx *ctx, const hm_index *index, int level, int level_w, int level_h,
                     int block_x, int block_y, float *const bands[HM_BAND_MAX]);

#endif /* HM_RASTER_RENDER_INT_H */
