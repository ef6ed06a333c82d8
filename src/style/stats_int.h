/* SPDX-License-Identifier: MIT */
/*
 * Per-level statistics of a band: the histogram a style normalises with.
 * One per (grid and filter, level, band), computed once and kept as a
 * value derived from the raster (src/raster/derive_int.h: in the store's
 * memo, and beside the store file for other processes), so every block of
 * a level, in every handle, thread and process, is drawn on the same scale.
 */
#ifndef HM_STYLE_STATS_INT_H
#define HM_STYLE_STATS_INT_H

#include "heatmap/raster.h"
#include "style/normalize_int.h"

/* Blocks of a level read for its statistics, at most. */
#define HM_STATS_MAX_BLOCKS 1024
/* Values a block contributes, at most (each then weighs for several pixels). */
#define HM_STATS_BLOCK_VALUES 1024

/*
 * Which of n items the i-th of min(n, max) evenly spread samples is:
 * floor(i * n / max) when n > max, else i. Deterministic, in order, and
 * spread over the whole list.
 */
size_t hm_stats__pick(size_t i, size_t n, size_t max);

/*
 * Add the data pixels (count > 0 for count and log_count, not NaN for the
 * others) of one rendered block of `band` to samples: all of them when
 * there are at most HM_STATS_BLOCK_VALUES, else that many evenly spread
 * (hm_stats__pick in scan order), each weighing n / HM_STATS_BLOCK_VALUES.
 * @param samples room for HM_STATS_BLOCK_VALUES more.
 * @return the number added.
 */
size_t hm_stats__sample_block(hm_sample *samples, hm_band band, const float *values,
                              size_t npix);

/*
 * The histogram of `band` over `level`. Computed on first use from the
 * level's data-covered blocks (hm_raster_query_blocks): all of them when
 * there are at most HM_STATS_MAX_BLOCKS, else HM_STATS_MAX_BLOCKS picked
 * evenly from the list (sorted by row, then column); each sampled block
 * contributes as hm_stats__sample_block() says.
 * @param out borrowed; lives as long as the raster's store.
 * @return HM_OK, HM_ENOMEM.
 */
int hm_stats__get(const hm_hist **out, const hm_raster *raster, hm_ctx *ctx, int level,
                  hm_band band);

#endif /* HM_STYLE_STATS_INT_H */
