/* SPDX-License-Identifier: MIT */
/*
 * Levels of detail: a simplified copy of a set of runs for the next
 * coarser level, so that rendering a block of level k touches about as many
 * segments as the block has pixels, however many points the tracks have.
 */
#ifndef HM_INDEX_LOD_INT_H
#define HM_INDEX_LOD_INT_H

#include "track/track_int.h"

/* Largest distance of a dropped point from the kept line, in pixels of the new level (the
 * pre-filter: the exactness check decides). */
#define HM_LOD_TOLERANCE 0.5
/* Longest segment simplification makes (longer original ones stay), pixels of the new level:
 * pace and heart rate of the merged segments are spread over at most this. */
#define HM_LOD_MAX_LEN 8.0

/*
 * Build the next level from `in`: every coordinate is multiplied by scale
 * (0.5 from one level to the next: exact in binary floating point), then
 * points are dropped while the kept segment passes within tolerance of them
 * and is at most max_len long (a pre-filter), and only where the kept
 * segment covers exactly the pixels (of the new level, the renderer's
 * supercover) that the dropped ones covered: every run keeps its pixel set,
 * so the new level counts exactly what the original tracks would there (see
 * lod.c). The dropped segments' attributes are added to the kept one. The
 * first and last point of every run are kept, so runs keep their ends, their
 * number and their activity. Ends with hm_lod__merge_pixels().
 * @param out filled in (allocated with ctx); release with hm_runs__free().
 * @return HM_OK or HM_ENOMEM.
 */
int hm_lod__build(hm_runs *out, hm_ctx *ctx, const hm_runs *in, double scale, double tolerance,
                  double max_len);

/*
 * Exact reduction, in place: of consecutive points of a run that lie in one
 * pixel (coordinates are pixels), keep the first and the last; attributes
 * of the dropped segments go to the kept one. Rendering does not change.
 */
void hm_lod__merge_pixels(hm_runs *runs);

#endif /* HM_INDEX_LOD_INT_H */
