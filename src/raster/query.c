/* SPDX-License-Identifier: MIT */
/*
 * Which activities are in a pixel: the question behind GDAL's LocationInfo
 * ("gdallocationinfo HEATMAP:... x y"). The answer must be exactly the
 * count band's, at every level: an activity is listed iff it adds 1 to the
 * pixel's count. So there is no second rasteriser here: the pixel is
 * rendered as a 1 x 1 window through the level's own view (same index level
 * of detail, same selection, same supercover in the level's global pixel
 * grid) and the renderer says which activities it folded into it
 * (hm_render__window_acts). A window renders a pixel exactly as any block
 * that contains it does (render.c), so the list and the count band cannot
 * disagree. Cost: one index query of one pixel and the segments of the
 * pieces there; no band is written.
 */
#include "raster/raster_int.h"

/* The activities collected so far. */
typedef struct pixel_acts {
    hm_ctx *ctx;  /* allocator of acts, and where errors go */
    size_t *acts; /* activity numbers, increasing (the renderer's order) */
    size_t n;     /* entries in acts */
    size_t cap;   /* capacity of acts */
} pixel_acts;

static int collect(uint32_t act, const uint32_t *pixels, size_t npixels, void *payload)
{
    pixel_acts *c = payload;
    int rc;

    /* A 1 x 1 window: an activity is heard only when it touched the pixel. */
    (void)pixels;
    (void)npixels;
    if ((rc = hm_ctx__grow(c->ctx, (void **)&c->acts, &c->cap, c->n + 1, sizeof(*c->acts))) !=
        HM_OK)
        return rc;
    c->acts[c->n++] = act;
    return HM_OK;
}

int hm_raster_query_pixel(size_t **out, size_t *count, const hm_raster *r, hm_ctx *ctx,
                          int level, int x, int y)
{
    float *const no_bands[HM_BAND_MAX] = {NULL, NULL, NULL, NULL, NULL};
    pixel_acts c;
    int w, h, rc;

    *out = NULL;
    *count = 0;
    if (level < 0 || level >= r->grid.level_count)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no level %d", level);
    hm_grid__level_size(&r->grid, level, &w, &h);
    if (x < 0 || y < 0 || x >= w || y >= h)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no pixel (%d, %d) at level %d", x, y,
                        level);
    c.ctx = ctx;
    c.acts = NULL;
    c.n = 0;
    c.cap = 0;
    rc = hm_render__window_acts(ctx, hm_raster__get_view(r, level), x, y, 1, 1, no_bands,
                                collect, &c);
    /* Never NULL on success, as hm_raster_query_blocks(). */
    if (rc == HM_OK && !c.acts && !(c.acts = hm_ctx__malloc(ctx, sizeof(*c.acts))))
        rc = HM_RAISE_NOMEM(ctx);
    if (rc != HM_OK) {
        hm_ctx__free(ctx, c.acts);
        return rc;
    }
    *out = c.acts;
    *count = c.n;
    return HM_OK;
}
