/* SPDX-License-Identifier: MIT */
/*
 * A style and styled blocks. A pixel's colour is a function of the level's
 * histogram (src/style/stats.c, the same for every block of the level) and
 * of the band values within the glow radius around it, nothing else: with
 * GLOW the block is rendered with a halo of ceil(3 sigma) pixels on every
 * side through the window renderer, so the blur sees exactly the pixels a
 * render of the whole level would give it and a block alone equals the
 * same pixels cut from any larger render (no seams). Pixels beyond the
 * level's size do not exist for GDAL, so they count as empty in the halo
 * and are transparent in the block.
 *
 * Intensities: a data pixel (count > 0, or a value that is not NaN) gets
 * t = normalise(value); with a glow, g = min(1, gain * blur(t)) where the
 * gain S/8 (S the kernel's sum before normalising, about sigma sqrt(2 pi))
 * makes the glow on the axis of an isolated line of intensity t about t/8
 * whatever sigma is, and busy areas glow without saturating; the pixel
 * shows the screen blend 1 - (1 - t)(1 - g). A data pixel of intensity v is colour entry
 * 1 + round(254 v), so every data pixel is visible; an empty pixel in a
 * glow is entry round(255 g) (0 = transparent where the glow fades out);
 * every other pixel is entry 0, transparent. RGBA output is the palette
 * entry's colour, so the two modes show the same picture.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "style/glow_int.h"
#include "style/palette_int.h"
#include "style/stats_int.h"
#include "style/style_int.h"

#define B HM_BLOCK_SIZE
#define NPIX ((size_t)B * B)
#define MAX_RADIUS 96 /* hm_glow__radius(HM_GLOW_MAX_SIGMA) */

struct hm_style {
    hm_ctx *ctx;               /* allocator of the style; borrowed, outlives it */
    hm_band band;              /* the band shown */
    hm_render_mode mode;       /* RGBA or PALETTE */
    hm_rgba colors[256];       /* entry 0 transparent */
    hm_norm_method method;     /* NORMALIZE */
    int reverse;               /* 1 for pace: fast (low s/km) is bright */
    double clip[2];            /* CLIP percentiles, low < high, 0..100 */
    double sigma;              /* GLOW, px; 0 = off */
    int radius;                /* halo, px: ceil(3 sigma), 0 without glow */
    float gain;                /* glow gain, S / 8 */
    float kernel[2 * MAX_RADIUS + 1]; /* 2 radius + 1 normalised weights */
};

/* What RENDER=<band> means when nothing else is said. */
static const struct {
    const char *palette;   /* PALETTE */
    hm_norm_method method; /* NORMALIZE */
    double clip[2];        /* CLIP, percent */
    int reverse;           /* low values bright */
} defaults[HM_BAND_MAX] = {
    {"hot", HM_NORM_EQUALIZE, {0.0, 100.0}, 0},     /* count */
    {"hot", HM_NORM_EQUALIZE, {0.0, 100.0}, 0},     /* log_count */
    {"blue", HM_NORM_LINEAR, {2.0, 98.0}, 1},       /* pace */
    {"red", HM_NORM_LINEAR, {2.0, 98.0}, 0},        /* hr */
    {"viridis", HM_NORM_LINEAR, {0.0, 100.0}, 0},   /* recency */
};

int hm_style__new(hm_style **out, hm_ctx *ctx, const hm_style_params *params)
{
    hm_style *s;
    char why[256];
    hm_band band;

    *out = NULL;
    if (params->render == 0)
        return HM_OK;
    band = (hm_band)(params->render - 1);
    assert((unsigned)band < HM_BAND_MAX);
    s = hm_ctx__calloc(ctx, 1, sizeof(*s));
    if (!s)
        return HM_RAISE_NOMEM(ctx);
    s->ctx = ctx;
    s->band = band;
    s->mode = params->render_mode ? HM_RENDER_PALETTE : HM_RENDER_RGBA;
    s->method = params->normalize ? (hm_norm_method)(params->normalize - 1) : defaults[band].method;
    s->reverse = defaults[band].reverse;
    memcpy(s->clip, params->has_clip ? params->clip : defaults[band].clip, sizeof(s->clip));
    s->sigma = params->glow;
    if (params->has_palette)
        memcpy(s->colors, params->palette, sizeof(s->colors));
    else if (hm_palette__parse(s->colors, defaults[band].palette, why, sizeof(why)) != 0)
        assert(!"the default palettes parse");
    s->colors[0].r = s->colors[0].g = s->colors[0].b = s->colors[0].a = 0;
    if (s->sigma > 0.0) {
        s->radius = hm_glow__radius(s->sigma);
        s->gain = (float)(hm_glow__kernel(s->sigma, s->kernel) / HM_GLOW_GAIN_DIV);
    }
    *out = s;
    return HM_OK;
}

void hm_style_free(hm_style *style)
{
    if (style)
        hm_ctx__free(style->ctx, style);
}

hm_band hm_style_get_band(const hm_style *style)
{
    return style->band;
}

hm_render_mode hm_style_get_mode(const hm_style *style)
{
    return style->mode;
}

const hm_rgba *hm_style_get_colors(const hm_style *style)
{
    return style->colors;
}

/* ---- blocks --------------------------------------------------------------- */

static int is_data(hm_band band, float v)
{
    if (band == HM_BAND_COUNT || band == HM_BAND_LOG_COUNT)
        return v > 0.0f;
    return !isnan(v);
}

/* Level size when (level, block) names a block, else -1. */
static int check_block(const hm_raster *raster, int level, int bx, int by, int *w, int *h)
{
    hm_grid_info g;

    hm_raster_get_grid(raster, &g);
    assert(g.block_size == B);
    if (level < 0 || level >= g.level_count)
        return -1;
    hm_raster_get_level_size(raster, level, w, h);
    if (bx < 0 || by < 0 || (int64_t)bx * B >= *w || (int64_t)by * B >= *h)
        return -1;
    return 0;
}

int hm_style_query_block(const hm_style *style, const hm_raster *raster, int level, int block_x,
                         int block_y)
{
    int64_t x0, y0, x1, y1;
    int w, h;

    if (check_block(raster, level, block_x, block_y, &w, &h) != 0)
        return 0;
    /* The block and its halo, within the level (pixels beyond it count as empty). */
    x0 = (int64_t)block_x * B - style->radius;
    y0 = (int64_t)block_y * B - style->radius;
    x1 = (int64_t)block_x * B + B + style->radius;
    y1 = (int64_t)block_y * B + B + style->radius;
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > w ? w : x1;
    y1 = y1 > h ? h : y1;
    return hm_raster_query_window(raster, level, x0, y0, (int)(x1 - x0), (int)(y1 - y0));
}

static int cmp_block(const void *a, const void *b)
{
    const int *p = a, *q = b;

    if (p[1] != q[1])
        return p[1] < q[1] ? -1 : 1;
    return p[0] < q[0] ? -1 : p[0] > q[0];
}

int hm_style_query_blocks(int **out, size_t *count, const hm_style *style,
                          const hm_raster *raster, hm_ctx *ctx, int level)
{
    int *listed = NULL, *all;
    size_t n = 0, m = 0, k, i;
    int rc, dx, dy;

    *out = NULL;
    *count = 0;
    if ((rc = hm_raster_query_blocks(&listed, &n, raster, ctx, level)) != HM_OK)
        return rc;
    /* A GLOW reaches at most MAX_RADIUS < B pixels: a block coloured only by its
     * neighbours' data is a neighbour of a listed block. */
    all = hm_ctx__reallocarray(ctx, NULL, n ? n : 1, 9 * 2 * sizeof(int));
    if (!all) {
        hm_ctx__free(ctx, listed);
        return HM_RAISE_NOMEM(ctx);
    }
    for (i = 0; i < n; i++)
        for (dy = -1; dy <= 1; dy++)
            for (dx = -1; dx <= 1; dx++) {
                all[2 * m] = listed[2 * i] + dx;
                all[2 * m + 1] = listed[2 * i + 1] + dy;
                m++;
            }
    hm_ctx__free(ctx, listed);
    qsort(all, m, 2 * sizeof(int), cmp_block);
    for (i = 0, k = 0; i < m; i++) {
        int x = all[2 * i], y = all[2 * i + 1];
        /* Entries before i are either untouched or already kept copies of themselves. */
        if (i && all[2 * i - 2] == x && all[2 * i - 1] == y)
            continue;
        /* Listed blocks pass this too; neighbours pass only within reach of a glow. */
        if (!hm_style_query_block(style, raster, level, x, y))
            continue;
        all[2 * k] = x;
        all[2 * k + 1] = y;
        k++;
    }
    *out = all;
    *count = k;
    return HM_OK;
}

static uint8_t data_entry(double v)
{
    return (uint8_t)(1 + (int)floor(254.0 * v + 0.5));
}

/* Palette indices of the block from the band (no glow): values is the block. */
static void shade_plain(const hm_style *s, const hm_norm *norm, const float *values, int nx,
                        int ny, uint8_t *idx)
{
    int x, y;

    memset(idx, 0, NPIX);
    for (y = 0; y < ny; y++) {
        for (x = 0; x < nx; x++) {
            float v = values[(size_t)y * B + x];
            if (is_data(s->band, v))
                idx[(size_t)y * B + x] = data_entry(hm_norm__apply(norm, v));
        }
    }
}

/*
 * With glow: win is the (B + 2r)^2 window of band values around the block,
 * whose pixel (0, 0) is level pixel (wx0, wy0); its values are replaced by
 * intensities (0 where empty or beyond the level) and blurred.
 */
static void shade_glow(const hm_style *s, const hm_norm *norm, float *win, int64_t wx0,
                       int64_t wy0, int lw, int lh, int nx, int ny, float *blur, float *scratch,
                       uint8_t *idx)
{
    const int r = s->radius, ww = B + 2 * r;
    int x, y;

    for (y = 0; y < ww; y++) {
        int64_t gy = wy0 + y;
        for (x = 0; x < ww; x++) {
            int64_t gx = wx0 + x;
            float *p = &win[(size_t)y * ww + x];
            if (gx < 0 || gy < 0 || gx >= lw || gy >= lh || !is_data(s->band, *p))
                *p = -1.0f; /* empty: intensity 0, marked for the centre below */
            else
                *p = (float)hm_norm__apply(norm, *p);
        }
    }
    /* The blur wants intensities: empty pixels are 0 there. A second array would cost
     * another window; instead the mark is undone in place and the centre's data mask is
     * read before that. */
    memset(idx, 0, NPIX);
    for (y = 0; y < ny; y++)
        for (x = 0; x < nx; x++)
            idx[(size_t)y * B + x] = win[(size_t)(y + r) * ww + x + r] >= 0.0f ? 1 : 0;
    for (x = 0; x < ww * ww; x++)
        if (win[x] < 0.0f)
            win[x] = 0.0f;
    hm_glow__blur(win, B, B, r, s->kernel, blur, scratch);
    for (y = 0; y < ny; y++) {
        for (x = 0; x < nx; x++) {
            size_t i = (size_t)y * B + x;
            double g = fmin(1.0, (double)s->gain * blur[i]);
            if (idx[i]) {
                double t = win[(size_t)(y + r) * ww + x + r];
                idx[i] = data_entry(1.0 - (1.0 - t) * (1.0 - g));
            } else {
                idx[i] = (uint8_t)floor(255.0 * g + 0.5);
            }
        }
    }
}

int hm_style_render_block(const hm_style *style, const hm_raster *raster, hm_ctx *ctx, int level,
                          int block_x, int block_y, uint8_t *out)
{
    const size_t bpp = style->mode == HM_RENDER_RGBA ? 4 : 1;
    float *bands[HM_BAND_MAX] = {NULL, NULL, NULL, NULL, NULL};
    const int r = style->radius, ww = B + 2 * r;
    const int64_t x0 = (int64_t)block_x * B, y0 = (int64_t)block_y * B;
    const hm_hist *hist;
    float *mem = NULL;
    uint8_t *idx;
    hm_norm norm;
    size_t i, need;
    int w, h, nx, ny, rc;

    assert(style && raster && out);
    if (check_block(raster, level, block_x, block_y, &w, &h) != 0)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no block (%d, %d) at level %d", block_x,
                        block_y, level);
    if (!hm_style_query_block(style, raster, level, block_x, block_y)) {
        memset(out, 0, NPIX * bpp);
        return HM_OK;
    }
    if ((rc = hm_stats__get(&hist, raster, ctx, level, style->band)) != HM_OK)
        return rc;
    hm_norm__prepare(&norm, hist, style->method, style->clip[0], style->clip[1], style->reverse);
    nx = w - x0 < B ? (int)(w - x0) : B;
    ny = h - y0 < B ? (int)(h - y0) : B;

    /* One allocation: the window (or block) of values, then with glow the blurred
     * block and the blur's scratch; the indices go at the end. */
    need = (size_t)ww * ww + (r ? NPIX + (size_t)(B + 2 * r) * B : 0);
    mem = hm_ctx__reallocarray(ctx, NULL, need * sizeof(float) + NPIX, 1);
    if (!mem)
        return HM_RAISE_NOMEM(ctx);
    idx = (uint8_t *)(mem + need);
    bands[style->band] = mem;
    if (r == 0) {
        rc = hm_raster_render_block(raster, ctx, level, block_x, block_y, bands);
        if (rc == HM_OK)
            shade_plain(style, &norm, mem, nx, ny, idx);
    } else {
        rc = hm_raster_render_window(raster, ctx, level, x0 - r, y0 - r, ww, ww, bands);
        if (rc == HM_OK)
            shade_glow(style, &norm, mem, x0 - r, y0 - r, w, h, nx, ny,
                       mem + (size_t)ww * ww, mem + (size_t)ww * ww + NPIX, idx);
    }
    if (rc == HM_OK) {
        if (bpp == 1) {
            memcpy(out, idx, NPIX);
        } else {
            for (i = 0; i < NPIX; i++) {
                const hm_rgba *c = &style->colors[idx[i]];
                out[4 * i] = c->r;
                out[4 * i + 1] = c->g;
                out[4 * i + 2] = c->b;
                out[4 * i + 3] = c->a;
            }
        }
    }
    hm_ctx__free(ctx, mem);
    return rc;
}
