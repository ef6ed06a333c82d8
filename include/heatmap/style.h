/* SPDX-License-Identifier: MIT */
/*
 * Styled heatmaps: one band of a raster turned into colour. A style is set
 * by the spec options RENDER (the band; its presence turns styling on),
 * RENDER_MODE (RGBA or PALETTE), PALETTE (a named palette or a gradient
 * "0:000000;0.5:ff0000;1:ffffff"), NORMALIZE (linear, log, equalize),
 * CLIP (low,high percentiles) and GLOW (Gaussian sigma in pixels).
 *
 * Normalisation statistics are computed per level over the whole dataset
 * (never per block) and cached, so every block of a level uses the same
 * scale and tiles match at their borders; glow is computed with a halo so a
 * block rendered alone equals the same pixels of a larger render.
 *
 * Thread-safety: an hm_style is immutable; styled blocks of one raster may
 * be rendered from many threads at once, each with its own hm_ctx.
 */
#ifndef HEATMAP_STYLE_H
#define HEATMAP_STYLE_H

#include "raster.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Output of a styled raster. */
typedef enum hm_render_mode {
    HM_RENDER_RGBA = 0,   /**< 4 Byte bands (or 4 bytes per pixel): R, G, B, alpha (0 = no data) */
    HM_RENDER_PALETTE = 1 /**< 1 Byte band of indices into a 256-entry colour table; 0 = no data */
} hm_render_mode;

/** One colour table entry. */
typedef struct hm_rgba {
    uint8_t r, g, b, a;
} hm_rgba;

typedef struct hm_style hm_style;

/**
 * The style a spec asks for. Defaults by band when PALETTE, NORMALIZE or
 * CLIP is not given: count and log_count hot + equalize; pace blue + linear
 * + CLIP 2,98 (fast = bright); hr red + linear + CLIP 2,98; recency viridis
 * + linear. Style keys other than RENDER have no effect without it.
 * @param out receives the style (free with hm_style_free()), or NULL when the
 *        spec has no RENDER option (an unstyled raster). The style is
 *        independent of the spec and allocated with ctx, which must outlive it.
 * @return HM_OK or HM_EINVAL (inconsistent style options), HM_ENOMEM.
 */
int hm_style_new(hm_style **out, hm_ctx *ctx, const hm_spec *spec);
/** Release a style (ctx, the context it was made with, must still exist). NULL does nothing. */
void hm_style_free(hm_style *style);

/** The band being styled. */
hm_band hm_style_get_band(const hm_style *style);
/** RGBA or PALETTE. */
hm_render_mode hm_style_get_mode(const hm_style *style);
/** The 256-entry colour table (entry 0 is transparent). Borrowed. */
const hm_rgba *hm_style_get_colors(const hm_style *style);

/**
 * Parse a palette: a name (hot, blue, red, viridis, greys) or a gradient of
 * "position:colour" stops separated by ';' (positions 0..1 increasing,
 * colours hex RGB, RRGGBB or RRGGBBAA) into 256 colours: entry i (1..255)
 * is the gradient at position (i - 1) / 254, entry 0 its colour at 0 (a
 * style then makes entry 0 transparent).
 * @return HM_OK, or HM_EINVAL with a message naming the bad part.
 */
int hm_palette_parse(hm_rgba out[256], hm_ctx *ctx, const char *text);

/**
 * Render one styled block of a raster. The first block of a level computes
 * the level's statistics (a few hundred milliseconds to seconds: up to 1024
 * data blocks rendered); they are kept with the track store (in memory, and
 * in a file beside a store file), so each (grid, filter, level, band) is
 * computed once, not once per process, and every block of a level uses the
 * same scale.
 * @param ctx the calling thread's context.
 * @param out block_size * block_size * 4 bytes (RGBA, row major, pixel
 *        interleaved) or block_size * block_size bytes (PALETTE).
 * @return HM_OK, HM_EINVAL (level/block out of range), HM_ENOMEM.
 */
int hm_style_render_block(const hm_style *style, const hm_raster *raster, hm_ctx *ctx,
                          int level, int block_x, int block_y, uint8_t *out);

/**
 * 1 when a styled block may have a visible pixel (data in the block or, with
 * GLOW, within the glow's reach of it), 0 when it is certainly transparent.
 * Cheap (index only); 0 for a block that does not exist.
 */
int hm_style_query_block(const hm_style *style, const hm_raster *raster, int level, int block_x,
                         int block_y);

/**
 * The blocks of a level that may have a visible pixel in this style: those
 * hm_raster_query_blocks() lists and, with GLOW, their neighbours within
 * the glow's reach. Cost follows the data, never the level's extent. Any
 * number of threads may call it at once, each with its own ctx.
 * @param out receives 2 * *count ints (block_x, block_y pairs, sorted by y
 *        then x); free with hm_ctx_free_mem().
 * @return HM_OK, HM_EINVAL (no such level), HM_ENOMEM.
 */
int hm_style_query_blocks(int **out, size_t *count, const hm_style *style,
                          const hm_raster *raster, hm_ctx *ctx, int level);

/**
 * Write styled pixels as an 8-bit PNG: RGBA, or for PALETTE a paletted PNG
 * with the style's colours (and their alphas as tRNS). Written through the
 * I/O layer, so GDAL virtual paths such as /vsimem/ work; a file that could
 * not be written completely is removed.
 * @param pixels rows top first: width * height * 4 bytes (RGBA, pixel
 *        interleaved) or width * height palette indices, as
 *        hm_style_render_block() fills them.
 * @return HM_OK, HM_EINVAL (empty image), HM_EIO (cannot create or write
 *         path), HM_ENOMEM, HM_ERROR (libpng refused the image).
 */
int hm_style_write_png(const hm_style *style, hm_ctx *ctx, const char *path,
                       const uint8_t *pixels, int width, int height);

#ifdef __cplusplus
}
#endif

#endif /* HEATMAP_STYLE_H */
