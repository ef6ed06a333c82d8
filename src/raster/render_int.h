/* SPDX-License-Identifier: MIT */
/*
 * The window renderer: all bands of a rectangle of one grid level's global
 * pixel grid, from the index alone; a block is the common case, a block
 * with a halo is what the styled mode needs (a glow spreads beyond the
 * block). Re-entrant: every call allocates its own scratch with the
 * caller's context, so any number of threads may render windows of one
 * index at once. Engine only: the driver and apps go through
 * hm_raster_render_block().
 */
#ifndef HM_RASTER_RENDER_INT_H
#define HM_RASTER_RENDER_INT_H

#include <math.h>

#include "heatmap/raster.h"
#include "index/index_int.h"

/* Widest and tallest window, pixels: a block and a halo of 128 px on every side. The
 * scratch is about 56 bytes a pixel (14 MiB at the maximum); a layer beyond the first
 * (hm_render__block_layers) adds 28. */
#define HM_RENDER_MAX_WINDOW HM_RASTER_MAX_WINDOW /* the public limit is the renderer's */

/*
 * How one grid level is drawn from an index: its pixel (i, j) is the square
 * of 2^exp units whose corner is (ox + i 2^exp, oy + j 2^exp) units, and
 * `level` is an index level whose pixels nest in it (index exp <= exp, and
 * ox, oy multiples of its pixel), so the index level draws it exactly.
 */
typedef struct hm_render_view {
    const hm_index *index;     /* borrowed */
    int level;                 /* index level drawn */
    int exp;                   /* log2 units per pixel of the grid level */
    int64_t ox, oy;            /* units of the grid level's pixel (0, 0) corner */
    const double *act_days;    /* start of each activity, days since epoch (NaN unknown) */
    const uint64_t *selected;  /* activities drawn, one bit each; NULL = all */
} hm_render_view;

/* Each band's value at a pixel no activity touches: 0 counts, NaN (no data) otherwise. */
extern const float hm_render__empty[HM_BAND_MAX];

/* The log_count band's value of a count. */
static inline float hm_render__log_count(uint32_t count)
{
    return (float)log1p((double)count);
}

/* The same, for small counts computed once per window: log1p is most of the cost of
 * writing a pixel. Initialise v[] to -1. */
typedef struct hm_log_cache {
    float v[256];
} hm_log_cache;

static inline void hm_render__log_cache_init(hm_log_cache *c)
{
    size_t i;

    for (i = 0; i < 256; i++)
        c->v[i] = -1.0f;
}

static inline float hm_render__log_count_cached(hm_log_cache *c, uint32_t count)
{
    if (count >= 256)
        return hm_render__log_count(count);
    if (c->v[count] < 0.0f)
        c->v[count] = hm_render__log_count(count);
    return c->v[count];
}

/*
 * Render the window [x0, x0 + w) x [y0, y0 + h) of the grid level's global
 * pixel grid (pixel (i, j) is [i, i+1) x [j, j+1) in its coordinates).
 * The window may lie partly or wholly outside the level's size: whatever
 * data is there is drawn, nothing is clipped to the level. A pixel holds the
 * same values whichever window (or block) it is rendered in.
 * @param w, h 1 .. HM_RENDER_MAX_WINDOW.
 * @param bands HM_BAND_MAX buffers of w * h floats, row major (pixel (x0 + x, y0 + y) at
 *        y * w + x); NULL skips a band.
 * @return HM_OK, HM_EINVAL (w or h out of range) or HM_ENOMEM (raised on ctx).
 */
int hm_render__window(hm_ctx *ctx, const hm_render_view *view, int64_t x0, int64_t y0, int w,
                      int h, float *const bands[HM_BAND_MAX]);

/*
 * Hears an activity that draws in a window, once, when all its segments there are drawn
 * and before it is added to the window's totals: its activity number and the window
 * pixels it touched (y * w + x, each once, in the order first touched), exactly the pixels
 * whose count it adds 1 to. Borrowed for the call. Returns HM_OK to go on, or an error
 * code (raised on the render's context) that ends the render with that code.
 */
typedef int (*hm_render_act_fn)(uint32_t act, const uint32_t *pixels, size_t npixels,
                                void *payload);

/*
 * hm_render__window(), telling fn about every activity drawn in the window (see
 * hm_render_act_fn), in increasing activity order. Every entry of bands may be NULL when
 * only the activities are wanted.
 * @return HM_OK, HM_EINVAL, HM_ENOMEM, or the code fn returned.
 */
int hm_render__window_acts(hm_ctx *ctx, const hm_render_view *view, int64_t x0, int64_t y0,
                           int w, int h, float *const bands[HM_BAND_MAX], hm_render_act_fn fn,
                           void *payload);

/*
 * Render block (block_x, block_y) of the grid level (HM_GRID_BLOCK pixels
 * square): the window at (block_x, block_y) * HM_GRID_BLOCK, except that
 * pixels at or beyond (level_w, level_h) are filled as empty pixels.
 * @param bands HM_BAND_MAX buffers of HM_GRID_BLOCK^2 floats, row major; NULL skips a band.
 * @return HM_OK or HM_ENOMEM (raised on ctx).
 */
int hm_render__block(hm_ctx *ctx, const hm_render_view *view, int level_w, int level_h,
                     int block_x, int block_y, float *const bands[HM_BAND_MAX]);

/* Layers one pass of hm_render__block_layers() draws at most. */
#define HM_RENDER_MAX_LAYERS 8

/* A non-empty pixel of a block: its place (row * HM_GRID_BLOCK + column) and the values
 * of its bands, bit for bit (log_count follows from count). */
typedef struct hm_render_pixel {
    uint32_t pos;
    uint32_t count;          /* activities, > 0 */
    float pace;              /* s/km, NaN none */
    float hr;                /* bpm, NaN none */
    float recency;           /* days since epoch, NaN none */
} hm_render_pixel;

/*
 * hm_render__block() for several selections in one pass over the segments, each as its
 * non-empty pixels: pixels[l] gets, in pixel order, those of the block that a view
 * selecting the activities a whose act_layers[a] has bit l set would render, with the
 * same values bit for bit (view->selected is not used); npixels[l] how many. Activities
 * with no bit are passed over.
 * @param act_layers one entry per activity of the index.
 * @param nlayers 1 .. HM_RENDER_MAX_LAYERS; bits from nlayers on must be 0.
 * @param pixels nlayers arrays of HM_GRID_BLOCK^2 entries.
 * @return HM_OK or HM_ENOMEM (raised on ctx).
 */
int hm_render__block_layers(hm_ctx *ctx, const hm_render_view *view, int level_w, int level_h,
                            int block_x, int block_y, const uint32_t *act_layers, int nlayers,
                            hm_render_pixel *const pixels[], size_t npixels[]);

/* The box of grid-level pixels [x0, x1] x [y0, y1] in units, for index queries. */
void hm_render__units_box(const hm_render_view *view, double x0, double y0, double x1, double y1,
                          double out[4]);

#endif /* HM_RASTER_RENDER_INT_H */
