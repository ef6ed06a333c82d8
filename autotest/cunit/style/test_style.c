/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/style/style.c (with stats.c behind it) on real rasters:
 * styles from specs, RGBA and palette output against the count band, no
 * seams with glow (every styled block equals the same pixels of a whole-
 * level computation made here from the band, the level's histogram and
 * the blur, without windows), one scale for a whole level, pace drawn fast
 * = bright, the glow's reach in coverage queries, and errors.
 *
 * The grid: XYZ zoom 16 tiles 4 x 2 around 14.5 E 46.05 N (BOUNDS 1 % of a
 * tile inside them), so level 0 is 1024 x 512 pixels in 4 x 2 blocks.
 * Tracks are given in level-0 pixel coordinates and turned into lon/lat
 * with the spherical mercator formulas; axis-parallel tracks run along
 * pixel centres, so which pixels they cover is never in doubt.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "raster/grid_int.h"
#include "raster/raster_int.h"
#include "dataset/open_int.h"
#include "style/glow_int.h"
#include "style/normalize_int.h"
#include "style/stats_int.h"
#include "style/style_int.h"
#include "track/builder_int.h"
#include "test_util.h"

#define PI 3.14159265358979323846
#define R_WEB 6378137.0
#define ZOOM 16
#define B 256
#define T0 1600000000.0

static hm_ctx *ctx;
static char bounds[160];      /* BOUNDS of the 4 x 2 tiles */
static hm_grid_info grid;     /* their grid */
static float band_mem[B * B]; /* one rendered band */

/* ---- building rasters ------------------------------------------------------ */

static double tile_lon(double tx)
{
    return tx / (1 << ZOOM) * 360.0 - 180.0;
}

static double tile_lat(double ty)
{
    return atan(sinh(PI * (1.0 - 2.0 * ty / (1 << ZOOM)))) * 180.0 / PI;
}

/* lon/lat of a level-0 pixel position of the grid */
static void lonlat(double x, double y, double *lon, double *lat)
{
    double X = grid.origin_x + x * grid.resolution, Y = grid.origin_y - y * grid.resolution;

    *lon = X / R_WEB * 180.0 / PI;
    *lat = (2.0 * atan(exp(Y / R_WEB)) - PI / 2.0) * 180.0 / PI;
}

typedef struct track {
    const double *xy; /* vertices, level-0 pixels */
    size_t n;         /* vertices */
    double speed;     /* pixels per second */
    double shift_x;   /* added to every x */
} track;

/* One activity along the polyline, a fix every 2 pixels or less. */
static void add_track(hm_builder *b, const track *t, double start)
{
    double time = start;
    size_t i;

    CU_ASSERT_FATAL(hm_builder__begin_activity(b) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__set_sport(b, "running", 7) == HM_OK);
    for (i = 0; i + 1 < t->n; i++) {
        double x0 = t->xy[2 * i] + t->shift_x, y0 = t->xy[2 * i + 1];
        double x1 = t->xy[2 * i + 2] + t->shift_x, y1 = t->xy[2 * i + 3];
        double len = hypot(x1 - x0, y1 - y0);
        int k, n = (int)ceil(len / 2.0);

        for (k = (i == 0 ? 0 : 1); k <= n; k++) {
            hm_point p;
            hm_point__init(&p);
            lonlat(x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n, &p.lon, &p.lat);
            p.time = time;
            time += len / n / t->speed;
            CU_ASSERT_FATAL(hm_builder__add_point(b, &p) == HM_OK);
        }
    }
}

static hm_spec *spec_with(const char *const *kv)
{
    hm_spec *spec;

    CU_ASSERT_FATAL(hm_spec_new(&spec, ctx) == HM_OK);
    CU_ASSERT_FATAL(hm_spec_set(spec, "ZOOM", "16") == HM_OK);
    CU_ASSERT_FATAL(hm_spec_set(spec, "BOUNDS", bounds) == HM_OK);
    for (; kv && kv[0]; kv += 2)
        CU_ASSERT_FATAL(hm_spec_set(spec, kv[0], kv[1]) == HM_OK);
    return spec;
}

/* A raster of the tracks (one activity each, a day apart). */
static hm_raster *raster_of(const track *tracks, size_t n, hm_file **file)
{
    hm_spec *spec = spec_with(NULL);
    hm_builder *b;
    hm_raster *r;
    size_t i;

    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "mem.gpx", HM_FORMAT_GPX) == HM_OK);
    for (i = 0; i < n; i++)
        add_track(b, &tracks[i], T0 + 86400.0 * (double)i);
    CU_ASSERT_FATAL(hm_builder__finish(b, file) == HM_OK);
    hm_builder__free(b);
    CU_ASSERT_FATAL(hm_raster__new_from_files(&r, ctx, spec, "mem", (const hm_file *const *)file,
                                              1) == HM_OK);
    hm_spec_free(spec);
    return r;
}

static hm_style *style_of(const char *const *kv)
{
    hm_spec *spec = spec_with(kv);
    hm_style *s = NULL;

    CU_ASSERT_EQUAL_FATAL(hm_style_new(&s, ctx, spec), HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    hm_spec_free(spec);
    return s;
}

static void setup(void)
{
    double tx, ty, n = 1 << ZOOM;
    static const double mid[] = {500.0, 250.0, 520.0, 260.0};
    track t = {mid, 2, 4.0, 0.0};
    hm_file *f;
    hm_raster *r;

    if (ctx)
        return;
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    tx = floor((14.5 + 180.0) / 360.0 * n);
    ty = floor((1.0 - log(tan(PI / 4 + 46.05 * PI / 360.0)) / PI) / 2.0 * n);
    snprintf(bounds, sizeof(bounds), "%.10f,%.10f,%.10f,%.10f", tile_lon(tx + 0.01),
             tile_lat(ty + 1.99), tile_lon(tx + 3.99), tile_lat(ty + 0.01));
    /* The grid comes from BOUNDS alone; a first raster tells it. */
    grid.origin_x = -R_WEB * PI + tx * 256.0 * (2 * R_WEB * PI / (256.0 * n));
    grid.origin_y = R_WEB * PI - ty * 256.0 * (2 * R_WEB * PI / (256.0 * n));
    grid.resolution = 2 * R_WEB * PI / (256.0 * n);
    r = raster_of(&t, 1, &f);
    hm_raster_get_grid(r, &grid);
    CU_ASSERT_EQUAL(grid.width, 1024);
    CU_ASSERT_EQUAL(grid.height, 512);
    CU_ASSERT_EQUAL(grid.level_count, 3);
    hm_raster_free(r);
    hm_file_free(f);
}

/* ---- styles ---------------------------------------------------------------- */

static void test_style__new(void)
{
    static const char *const count[] = {"RENDER", "count", NULL};
    static const char *const pace[] = {"RENDER", "Pace", "RENDER_MODE", "palette", NULL};
    static const char *const grad[] = {"RENDER", "hr", "PALETTE", "0:ff000080;1:00ff00", NULL};
    hm_spec *spec;
    hm_style *s = (hm_style *)&s;
    hm_rgba hot[256];
    const hm_rgba *c;

    setup();
    /* no RENDER: no style, even with other style keys */
    spec = spec_with(NULL);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "PALETTE", "greys"), HM_OK);
    CU_ASSERT_EQUAL(hm_style_new(&s, ctx, spec), HM_OK);
    CU_ASSERT_PTR_NULL(s);
    hm_spec_free(spec);
    hm_style_free(NULL);

    s = style_of(count);
    CU_ASSERT_EQUAL(hm_style_get_band(s), HM_BAND_COUNT);
    CU_ASSERT_EQUAL(hm_style_get_mode(s), HM_RENDER_RGBA);
    CU_ASSERT_EQUAL_FATAL(hm_palette_parse(hot, ctx, "hot"), HM_OK);
    c = hm_style_get_colors(s);
    CU_ASSERT(c[0].r == 0 && c[0].g == 0 && c[0].b == 0 && c[0].a == 0);
    CU_ASSERT(memcmp(c + 1, hot + 1, 255 * sizeof(*c)) == 0);
    hm_style_free(s);

    s = style_of(pace);
    CU_ASSERT_EQUAL(hm_style_get_band(s), HM_BAND_PACE);
    CU_ASSERT_EQUAL(hm_style_get_mode(s), HM_RENDER_PALETTE);
    CU_ASSERT_EQUAL_FATAL(hm_palette_parse(hot, ctx, "blue"), HM_OK);
    CU_ASSERT(memcmp(hm_style_get_colors(s) + 1, hot + 1, 255 * sizeof(*c)) == 0);
    hm_style_free(s);

    s = style_of(grad);
    c = hm_style_get_colors(s);
    CU_ASSERT(c[1].r == 255 && c[1].g == 0 && c[1].a == 0x80);
    CU_ASSERT(c[255].r == 0 && c[255].g == 255 && c[255].a == 255);
    hm_style_free(s);
}

/* The style's option parser: each rejection names the problem, and leaves the value set
 * before it in place. */
static void test_style__option_errors(void)
{
    static const struct {
        hm_style_option opt;
        const char *value;
        const char *why;
    } bad[] = {
        {HM_STYLE_OPT_RENDER, "speed", "expected count, log_count, pace, hr or recency"},
        {HM_STYLE_OPT_RENDER_MODE, "rgb", "expected RGBA or PALETTE"},
        {HM_STYLE_OPT_PALETTE, "0:00000",
         "stop 1 '0:00000': colour '00000' is not hex RGB, RRGGBB or RRGGBBAA"},
        {HM_STYLE_OPT_NORMALIZE, "sqrt", "expected linear, log or equalize"},
        {HM_STYLE_OPT_CLIP, "50,50", "expected low,high percentiles with 0 <= low < high <= 100"},
        {HM_STYLE_OPT_CLIP, "1,2,3", "expected low,high percentiles with 0 <= low < high <= 100"},
        {HM_STYLE_OPT_GLOW, "40", "expected a sigma in pixels from 0 to 32"},
        {HM_STYLE_OPT_GLOW, "nan", "expected a sigma in pixels from 0 to 32"},
    };
    static const char *const good[HM_STYLE_OPTION_COUNT] = {"pace", "palette", "greys", "log",
                                                            "5,95", "2.5"};
    hm_style_params p, before;
    hm_rgba greys[256];
    char why[256];
    size_t i;

    setup();
    memset(&p, 0, sizeof(p));
    for (i = 0; i < HM_STYLE_OPTION_COUNT; i++)
        CU_ASSERT_EQUAL(hm_style__set_option(&p, i, good[i], why, sizeof(why)), HM_OK);
    CU_ASSERT_EQUAL(p.render, 1 + HM_BAND_PACE);
    CU_ASSERT_EQUAL(p.render_mode, HM_RENDER_PALETTE);
    CU_ASSERT_EQUAL(p.normalize, 1 + HM_NORM_LOG);
    CU_ASSERT(p.has_clip && p.clip[0] == 5.0 && p.clip[1] == 95.0);
    CU_ASSERT_EQUAL(p.glow, 2.5);
    /* greys runs from black to white: entry i of 1..255 is grey (i - 1) * 255 / 254 */
    CU_ASSERT_EQUAL_FATAL(hm_palette_parse(greys, ctx, "greys"), HM_OK);
    CU_ASSERT(p.has_palette && memcmp(p.palette, greys, sizeof(greys)) == 0);
    CU_ASSERT(p.palette[255].r == 255 && p.palette[1].r == 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        before = p;
        why[0] = '\0';
        CU_ASSERT_EQUAL(hm_style__set_option(&p, bad[i].opt, bad[i].value, why, sizeof(why)),
                        HM_EINVAL);
        CU_ASSERT_STRING_EQUAL(why, bad[i].why);
        CU_ASSERT(memcmp(&p, &before, sizeof(p)) == 0);
    }
}

/* Style options without RENDER do nothing; they are named so the open path can warn. */
static void test_style__idle_options(void)
{
    const char *texts[HM_STYLE_OPTION_COUNT] = {NULL, NULL, "hot", NULL, NULL, "3"};
    hm_strbuf b = HM_STRBUF_INIT(ctx);
    hm_style_params p;

    setup();
    memset(&p, 0, sizeof(p));
    hm_style__idle_options(&p, texts, &b);
    CU_ASSERT_STRING_EQUAL(b.s ? b.s : "", "PALETTE, GLOW");
    hm_strbuf_free(&b);
    p.render = 1;
    hm_style__idle_options(&p, texts, &b);
    CU_ASSERT(b.n == 0);
    hm_strbuf_free(&b);
}

/* ---- blocks ----------------------------------------------------------------- */

/* Crossing blocks: a diagonal over the whole level, a ring around the point where four
 * blocks meet, a line along a block edge; the first two are walked twice (count 2). */
static const double diag[] = {3.0, 5.0, 1020.0, 505.0};
static const double ring[] = {240.5, 240.5, 272.5, 240.5, 272.5, 272.5, 240.5, 272.5, 240.5, 240.5};
static const double edge[] = {600.5, 255.5, 900.5, 255.5};
static const double far[] = {700.0, 20.0, 1000.0, 500.0};

static hm_raster *busy_raster(hm_file **f)
{
    const track t[] = {{diag, 2, 4.0, 0}, {ring, 5, 3.0, 0}, {edge, 2, 5.0, 0},
                       {diag, 2, 2.0, 0}, {ring, 5, 1.5, 0}, {far, 2, 4.0, 0}};

    return raster_of(t, 6, f);
}

static void test_style__rgba_and_palette(void)
{
    static const char *const rgba_kv[] = {"RENDER", "count", NULL};
    static const char *const pal_kv[] = {"RENDER", "count", "RENDER_MODE", "PALETTE", NULL};
    float *bands[HM_BAND_MAX] = {band_mem, NULL, NULL, NULL, NULL};
    uint8_t *rgba = malloc(B * B * 4), *idx = malloc(B * B);
    hm_style *s1, *s2;
    hm_raster *r;
    hm_file *f;
    int bx, by, i, data = 0;

    setup();
    CU_ASSERT_FATAL(rgba && idx);
    r = busy_raster(&f);
    s1 = style_of(rgba_kv);
    s2 = style_of(pal_kv);
    for (by = 0; by < 2; by++) {
        for (bx = 0; bx < 4; bx++) {
            const hm_rgba *c = hm_style_get_colors(s2);

            CU_ASSERT_EQUAL_FATAL(hm_raster_render_block(r, ctx, 0, bx, by, bands), HM_OK);
            CU_ASSERT_EQUAL_FATAL(hm_style_render_block(s1, r, ctx, 0, bx, by, rgba), HM_OK);
            CU_ASSERT_EQUAL_FATAL(hm_style_render_block(s2, r, ctx, 0, bx, by, idx), HM_OK);
            for (i = 0; i < B * B; i++) {
                /* alpha 0 exactly where there is no data; a data pixel is never entry 0 */
                CU_ASSERT_EQUAL(rgba[4 * i + 3] == 0, band_mem[i] == 0.0f);
                CU_ASSERT_EQUAL(idx[i] == 0, band_mem[i] == 0.0f);
                /* the RGBA pixel is the palette entry's colour */
                CU_ASSERT(rgba[4 * i] == c[idx[i]].r && rgba[4 * i + 1] == c[idx[i]].g &&
                          rgba[4 * i + 2] == c[idx[i]].b && rgba[4 * i + 3] == c[idx[i]].a);
                /* equalize: the busiest pixels (3: the diagonal walked twice, crossing
                 * another street) are the palette's top; the most common (1), not */
                if (band_mem[i] == 3.0f)
                    CU_ASSERT_EQUAL(idx[i], 255);
                if (band_mem[i] == 1.0f)
                    CU_ASSERT(idx[i] > 1 && idx[i] < 255);
                data += band_mem[i] > 0.0f;
            }
        }
    }
    CU_ASSERT(data > 1000);
    hm_style_free(s1);
    hm_style_free(s2);
    hm_raster_free(r);
    hm_file_free(f);
    free(rgba);
    free(idx);
}

/*
 * The whole level computed at once, as the style's definition says, with no
 * windows: the band from its blocks, intensities on the level's histogram, one blur
 * over the whole level (zero margin), the screen blend and the entries. Every
 * styled block must be exactly this.
 */
static void check_level_against_whole(const hm_raster *r, const hm_style *s, int level,
                                      double sigma, hm_norm_method method, double clip_lo,
                                      double clip_hi, int reverse)
{
    float *bands[HM_BAND_MAX] = {band_mem, NULL, NULL, NULL, NULL};
    const int rad = hm_glow__radius(sigma);
    int w, h, nbx, nby, bx, by, x, y, iw, ih, mismatches = 0;
    float kernel[2 * 96 + 1], *in, *blur, *scratch, gain;
    uint8_t *expect, *got = malloc(B * B);
    const hm_hist *hist;
    hm_norm norm;

    hm_raster_get_level_size(r, level, &w, &h);
    nbx = (w + B - 1) / B;
    nby = (h + B - 1) / B;
    iw = w + 2 * rad;
    ih = h + 2 * rad;
    gain = (float)(hm_glow__kernel(sigma, kernel) / HM_GLOW_GAIN_DIV);
    in = calloc((size_t)iw * ih, sizeof(float));
    blur = calloc((size_t)w * h, sizeof(float));
    scratch = calloc((size_t)w * ih, sizeof(float));
    expect = calloc((size_t)w * h, 1);
    CU_ASSERT_FATAL(in && blur && scratch && expect && got);
    CU_ASSERT_EQUAL_FATAL(hm_stats__get(&hist, r, ctx, level, HM_BAND_COUNT), HM_OK);
    hm_norm__prepare(&norm, hist, method, clip_lo, clip_hi, reverse);
    /* data pixels: intensity; empty ones: -1 for now */
    for (by = 0; by < nby; by++) {
        for (bx = 0; bx < nbx; bx++) {
            CU_ASSERT_EQUAL_FATAL(hm_raster_render_block(r, ctx, level, bx, by, bands), HM_OK);
            for (y = 0; y < B && by * B + y < h; y++) {
                for (x = 0; x < B && bx * B + x < w; x++) {
                    float v = band_mem[y * B + x];
                    in[(size_t)(by * B + y + rad) * iw + bx * B + x + rad] =
                        v > 0.0f ? (float)hm_norm__apply(&norm, v) : -1.0f;
                }
            }
        }
    }
    for (y = 0; y < h; y++) {
        for (x = 0; x < w; x++) {
            float *p = &in[(size_t)(y + rad) * iw + x + rad];
            expect[(size_t)y * w + x] = *p >= 0.0f;
        }
    }
    for (x = 0; x < iw * ih; x++)
        if (in[x] < 0.0f)
            in[x] = 0.0f;
    hm_glow__blur(in, w, h, rad, kernel, blur, scratch);
    for (y = 0; y < h; y++) {
        for (x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            double g = fmin(1.0, (double)gain * blur[i]);
            if (expect[i]) {
                double t = in[(size_t)(y + rad) * iw + x + rad];
                expect[i] = (uint8_t)(1 + (int)floor(254.0 * (1.0 - (1.0 - t) * (1.0 - g)) + 0.5));
            } else {
                expect[i] = (uint8_t)floor(255.0 * g + 0.5);
            }
        }
    }
    for (by = 0; by < nby; by++) {
        for (bx = 0; bx < nbx; bx++) {
            CU_ASSERT_EQUAL_FATAL(hm_style_render_block(s, r, ctx, level, bx, by, got), HM_OK);
            for (y = 0; y < B; y++) {
                for (x = 0; x < B; x++) {
                    int gx = bx * B + x, gy = by * B + y;
                    int e = gx < w && gy < h ? expect[(size_t)gy * w + gx] : 0;
                    if (got[y * B + x] != e && mismatches++ < 5)
                        fprintf(stderr, "\n  level %d pixel (%d, %d): %d, expected %d", level,
                                gx, gy, got[y * B + x], e);
                }
            }
        }
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    free(in);
    free(blur);
    free(scratch);
    free(expect);
    free(got);
}

static void test_style__no_seams_with_glow(void)
{
    static const char *const kv[] = {"RENDER",    "count",   "RENDER_MODE", "PALETTE",
                                     "GLOW",      "3",       NULL};
    static const char *const kv_lin[] = {"RENDER", "count",   "RENDER_MODE", "PALETTE", "GLOW",
                                         "1.5",    "NORMALIZE", "linear",    "CLIP",    "0,100",
                                         NULL};
    hm_style *s;
    hm_raster *r;
    hm_file *f;
    int level;

    setup();
    r = busy_raster(&f);
    s = style_of(kv);
    for (level = 0; level < 3; level++)
        check_level_against_whole(r, s, level, 3.0, HM_NORM_EQUALIZE, 0, 100, 0);
    hm_style_free(s);
    s = style_of(kv_lin);
    for (level = 0; level < 3; level++)
        check_level_against_whole(r, s, level, 1.5, HM_NORM_LINEAR, 0, 100, 0);
    hm_style_free(s);
    hm_raster_free(r);
    hm_file_free(f);
}

static void test_style__one_scale_per_level(void)
{
    /* The same loop in block (0, 0) and, 768 pixels east, in block (3, 0); block (3, 0)
     * also has a busy street (four activities) in rows 200..210. Per-block scales would
     * draw the two loops differently. */
    static const double loop[] = {40.5, 40.5, 180.5, 40.5, 180.5, 150.5, 40.5, 150.5, 40.5, 40.5};
    static const double street[] = {800.5, 205.5, 1000.5, 205.5};
    static const char *const kv[] = {"RENDER", "count", NULL};
    static const char *const kv_lin[] = {"RENDER", "count", "NORMALIZE", "linear", NULL};
    const track t[] = {{loop, 5, 4.0, 0.0},     {loop, 5, 4.0, 768.0},  {street, 2, 4.0, 0.0},
                       {street, 2, 3.0, 0.0},   {street, 2, 2.0, 0.0},  {street, 2, 5.0, 0.0}};
    uint8_t *a = malloc(B * B * 4), *b = malloc(B * B * 4);
    const char *const *kvs[2] = {kv, kv_lin};
    hm_raster *r;
    hm_file *f;
    int k, i, visible = 0;

    setup();
    CU_ASSERT_FATAL(a && b);
    r = raster_of(t, 6, &f);
    for (k = 0; k < 2; k++) {
        hm_style *s = style_of(kvs[k]);

        CU_ASSERT_EQUAL_FATAL(hm_style_render_block(s, r, ctx, 0, 0, 0, a), HM_OK);
        CU_ASSERT_EQUAL_FATAL(hm_style_render_block(s, r, ctx, 0, 3, 0, b), HM_OK);
        for (i = 0; i < B * B; i++) {
            int row = i / B;
            if (row >= 195 && row <= 215)
                continue; /* the street's rows */
            CU_ASSERT(memcmp(a + 4 * i, b + 4 * i, 4) == 0);
            visible += a[4 * i + 3] > 0;
        }
        hm_style_free(s);
    }
    CU_ASSERT(visible > 2 * 400);
    hm_raster_free(r);
    hm_file_free(f);
    free(a);
    free(b);
}

static void test_style__pace_fast_is_bright(void)
{
    /* Two parallel streets, one run at 2 px/s and one at 8 px/s (4 times faster: a
     * quarter of the s/km). pace: blue, linear, CLIP 2,98, reversed. */
    static const double slow[] = {20.5, 100.5, 230.5, 100.5};
    static const double fast[] = {20.5, 160.5, 230.5, 160.5};
    static const char *const kv[] = {"RENDER", "pace", "RENDER_MODE", "PALETTE", NULL};
    const track t[] = {{slow, 2, 2.0, 0.0}, {fast, 2, 8.0, 0.0}};
    uint8_t *idx = malloc(B * B);
    hm_style *s;
    hm_raster *r;
    hm_file *f;
    int x;

    setup();
    CU_ASSERT_FATAL(idx != NULL);
    r = raster_of(t, 2, &f);
    s = style_of(kv);
    CU_ASSERT_EQUAL_FATAL(hm_style_render_block(s, r, ctx, 0, 0, 0, idx), HM_OK);
    for (x = 30; x < 220; x++) {
        CU_ASSERT_EQUAL(idx[160 * B + x], 255); /* fast: the bright end */
        CU_ASSERT_EQUAL(idx[100 * B + x], 1);   /* slow: the dark end, still visible */
        CU_ASSERT_EQUAL(idx[130 * B + x], 0);   /* between: nothing */
    }
    hm_style_free(s);
    hm_raster_free(r);
    hm_file_free(f);
    free(idx);
}

static void test_style__glow_reaches_the_next_block(void)
{
    /* A street ending 4 px before block (1, 0): without glow that block is empty;
     * with GLOW=3 (reach 9 px) its first columns glow, and the coverage query knows. */
    static const double st[] = {100.5, 60.5, 251.5, 60.5};
    static const char *const plain[] = {"RENDER", "count", NULL};
    static const char *const glow[] = {"RENDER", "count", "GLOW", "3", NULL};
    const track t[] = {{st, 2, 4.0, 0.0}};
    uint8_t *px = malloc(B * B * 4);
    hm_style *s;
    hm_raster *r;
    hm_file *f;
    int x, y, lit = 0;

    setup();
    CU_ASSERT_FATAL(px != NULL);
    r = raster_of(t, 1, &f);
    s = style_of(plain);
    CU_ASSERT_EQUAL(hm_style_query_block(s, r, 0, 0, 0), 1);
    CU_ASSERT_EQUAL(hm_style_query_block(s, r, 0, 1, 0), 0);
    CU_ASSERT_EQUAL_FATAL(hm_style_render_block(s, r, ctx, 0, 1, 0, px), HM_OK);
    for (x = 0; x < B * B; x++)
        CU_ASSERT_EQUAL(px[4 * x + 3], 0);
    hm_style_free(s);
    s = style_of(glow);
    CU_ASSERT_EQUAL(hm_style_query_block(s, r, 0, 1, 0), 1);
    CU_ASSERT_EQUAL(hm_style_query_block(s, r, 0, 2, 0), 0);
    CU_ASSERT_EQUAL(hm_style_query_block(s, r, 0, 0, 1), 0);
    CU_ASSERT_EQUAL(hm_style_query_block(s, r, 0, 9, 0), 0); /* no such block */
    CU_ASSERT_EQUAL_FATAL(hm_style_render_block(s, r, ctx, 0, 1, 0, px), HM_OK);
    for (y = 0; y < B; y++) {
        for (x = 0; x < B; x++) {
            int a = px[4 * (y * B + x) + 3];
            if (a)
                lit++;
            /* beyond the reach (street end at x 251, plus 9: x 260 = column 4) */
            if (x >= 5 || y < 60 - 9 || y > 60 + 9)
                CU_ASSERT_EQUAL(a, 0);
        }
    }
    CU_ASSERT(lit > 10);
    hm_style_free(s);
    hm_raster_free(r);
    hm_file_free(f);
    free(px);
}

/* The visible blocks of a level: every block that has a visible pixel when rendered (found
 * by rendering all of them), and with a glow, the street's neighbour that only its glow
 * reaches; without a glow, that neighbour is not visible. */
static void test_style__query_blocks(void)
{
    static const double st[] = {100.5, 60.5, 251.5, 60.5};
    static const char *const plain[] = {"RENDER", "count", NULL};
    static const char *const glow[] = {"RENDER", "count", "GLOW", "3", NULL};
    const char *const *styles[] = {plain, glow};
    const track t[] = {{st, 2, 4.0, 0.0}, {far, 2, 2.0, 0.0}};
    uint8_t *px = malloc(B * B * 4);
    hm_raster *r;
    hm_file *f;
    hm_grid_info g;
    int k, w, h, bx, by;

    setup();
    CU_ASSERT_FATAL(px != NULL);
    r = raster_of(t, 2, &f);
    hm_raster_get_grid(r, &g);
    for (k = 0; k < 2; k++) {
        hm_style *s = style_of(styles[k]);
        int *blocks = NULL, has_next = 0;
        size_t n = 0, i, lit_blocks = 0;

        CU_ASSERT_EQUAL_FATAL(hm_style_query_blocks(&blocks, &n, s, r, ctx, 0), HM_OK);
        hm_raster_get_level_size(r, 0, &w, &h);
        for (i = 1; i < n; i++) /* sorted by y, then x, no repeats */
            CU_ASSERT(blocks[2 * i + 1] > blocks[2 * i - 1] ||
                      (blocks[2 * i + 1] == blocks[2 * i - 1] && blocks[2 * i] > blocks[2 * i - 2]));
        for (by = 0; by * B < h; by++) {
            for (bx = 0; bx * B < w; bx++) {
                int lit = 0, listed = 0, x;
                CU_ASSERT_EQUAL_FATAL(hm_style_render_block(s, r, ctx, 0, bx, by, px), HM_OK);
                for (x = 0; x < B * B; x++)
                    lit |= px[4 * x + 3] != 0;
                for (i = 0; i < n; i++)
                    listed |= blocks[2 * i] == bx && blocks[2 * i + 1] == by;
                if (lit)
                    CU_ASSERT(listed); /* never a visible block left out */
                lit_blocks += lit;
                if (bx == 1 && by == 0)
                    has_next = listed;
            }
        }
        CU_ASSERT(lit_blocks >= 3);
        /* the street ends 4 px before block (1, 0); only the glow reaches into it */
        CU_ASSERT_EQUAL(has_next, k == 1);
        if (k == 0) { /* without a glow: exactly the blocks the index lists */
            int *raw = NULL;
            size_t nraw = 0;
            CU_ASSERT_EQUAL_FATAL(hm_raster_query_blocks(&raw, &nraw, r, ctx, 0), HM_OK);
            CU_ASSERT(nraw == n && memcmp(raw, blocks, 2 * n * sizeof(int)) == 0);
            hm_ctx_free_mem(ctx, raw);
        }
        hm_ctx_free_mem(ctx, blocks);
        CU_ASSERT_EQUAL(hm_style_query_blocks(&blocks, &n, s, r, ctx, g.level_count), HM_EINVAL);
        CU_ASSERT_PTR_NULL(blocks);
        hm_style_free(s);
    }
    hm_raster_free(r);
    hm_file_free(f);
    free(px);
}

static void test_style__statistics_are_shared(void)
{
    const hm_hist *h1, *h2, *h3;
    hm_raster *r;
    hm_file *f;

    setup();
    r = busy_raster(&f);
    CU_ASSERT_EQUAL_FATAL(hm_stats__get(&h1, r, ctx, 0, HM_BAND_COUNT), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_stats__get(&h2, r, ctx, 0, HM_BAND_COUNT), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_stats__get(&h3, r, ctx, 1, HM_BAND_COUNT), HM_OK);
    CU_ASSERT_PTR_EQUAL(h1, h2);
    CU_ASSERT_PTR_NOT_EQUAL(h1, h3);
    /* counts 1, 2 and 3 (where the twice-walked diagonal crosses another street) */
    CU_ASSERT_EQUAL(h1->n, 3);
    HM_ASSERT_NEAR(h1->min, 1, 0);
    HM_ASSERT_NEAR(h1->max, 3, 0);
    hm_raster_free(r);
    hm_file_free(f);
}

static void test_style__errors_and_png(void)
{
    static const char *const kv[] = {"RENDER", "count", NULL};
    uint8_t *px = calloc(B * B, 4);
    hm_style *s;
    hm_raster *r;
    hm_file *f;

    setup();
    CU_ASSERT_FATAL(px != NULL);
    r = busy_raster(&f);
    s = style_of(kv);
    CU_ASSERT_EQUAL(hm_style_render_block(s, r, ctx, 3, 0, 0, px), HM_EINVAL);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->message, "no block (0, 0) at level 3");
    CU_ASSERT_EQUAL(hm_style_render_block(s, r, ctx, 0, 4, 0, px), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_style_render_block(s, r, ctx, 0, 0, -1, px), HM_EINVAL);
    CU_ASSERT_EQUAL_FATAL(hm_style_render_block(s, r, ctx, 1, 0, 0, px), HM_OK);
    CU_ASSERT_EQUAL(hm_style_write_png(s, ctx, "/vsimem/hm_test_style/b.png", px, B, B), HM_OK);
    CU_ASSERT_EQUAL(hm_style_write_png(s, ctx, "/nonexistent/b.png", px, B, B), HM_EIO);
    hm_style_free(s);
    hm_raster_free(r);
    hm_file_free(f);
    free(px);
}

/* ---- threads ----------------------------------------------------------------- */

typedef struct style_job {
    const hm_raster *raster; /* shared */
    const hm_style *style;   /* shared */
    int start;               /* first block, in 0..7 (the order differs per thread) */
    uint8_t *out;            /* 8 blocks, 1 byte a pixel */
    int rc;                  /* first failure */
} style_job;

static void *render_styled(void *p)
{
    style_job *j = p;
    hm_ctx *c;
    int k;

    if (hm_ctx_new(&c, NULL) != HM_OK) {
        j->rc = HM_ENOMEM;
        return NULL;
    }
    for (k = 0; k < 8 && j->rc == HM_OK; k++) {
        int b = (j->start + k) % 8;
        j->rc = hm_style_render_block(j->style, j->raster, c, 0, b % 4, b / 4,
                                      j->out + (size_t)b * B * B);
    }
    hm_ctx_free(c);
    return NULL;
}

static void test_style__threads(void)
{
    /* Threads with a context each render a level whose statistics nobody computed yet;
     * all wait for the one computation and draw the same picture. */
    static const char *const kv[] = {"RENDER", "count", "RENDER_MODE", "PALETTE", "GLOW", "2",
                                     NULL};
    enum { N = 4 };
    pthread_t th[N];
    style_job jobs[N];
    hm_style *s;
    hm_raster *r;
    hm_file *f;
    int i;

    setup();
    r = busy_raster(&f);
    s = style_of(kv);
    for (i = 0; i < N; i++) {
        jobs[i].raster = r;
        jobs[i].style = s;
        jobs[i].start = 2 * i;
        jobs[i].out = malloc((size_t)8 * B * B);
        jobs[i].rc = HM_OK;
        CU_ASSERT_FATAL(jobs[i].out != NULL);
        CU_ASSERT_FATAL(pthread_create(&th[i], NULL, render_styled, &jobs[i]) == 0);
    }
    for (i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < N; i++) {
        CU_ASSERT_EQUAL(jobs[i].rc, HM_OK);
        CU_ASSERT(memcmp(jobs[i].out, jobs[0].out, (size_t)8 * B * B) == 0);
    }
    for (i = 0; i < N; i++)
        free(jobs[i].out);
    hm_style_free(s);
    hm_raster_free(r);
    hm_file_free(f);
}

/* ---- allocation failures ------------------------------------------------- */

/* Raster, style with glow, one styled block (its level's statistics first). */
static int run_styled(hm_test_alloc *fa, long *built, const hm_file *file, uint8_t *px)
{
    hm_allocator a = hm_test_alloc_make(fa);
    hm_spec *spec = NULL;
    hm_raster *r = NULL;
    hm_style *s = NULL;
    hm_ctx *c;
    int rc;

    if (hm_ctx_new(&c, &a) != HM_OK)
        return HM_ENOMEM;
    rc = hm_spec_new(&spec, c);
    if (rc == HM_OK)
        rc = hm_spec_set(spec, "ZOOM", "16");
    if (rc == HM_OK)
        rc = hm_spec_set(spec, "BOUNDS", bounds);
    if (rc == HM_OK)
        rc = hm_spec_set(spec, "RENDER", "count");
    if (rc == HM_OK)
        rc = hm_spec_set(spec, "GLOW", "2");
    if (rc == HM_OK)
        rc = hm_raster__new_from_files(&r, c, spec, "mem", &file, 1);
    *built = fa->count; /* allocations once the raster was built */
    if (rc == HM_OK)
        rc = hm_style_new(&s, c, spec);
    if (rc == HM_OK)
        rc = hm_style_render_block(s, r, c, 0, 1, 0, px);
    hm_style_free(s);
    hm_raster_free(r);
    hm_spec_free(spec);
    hm_ctx_free(c);
    return rc;
}

static void test_style__alloc_failures(void)
{
    const track t[] = {{ring, 5, 3.0, 0}, {edge, 2, 5.0, 0}};
    uint8_t *px = malloc(B * B * 4);
    hm_test_alloc fa = {-1, 0, 0, 0};
    hm_builder *b;
    hm_file *f;
    long total, i, built, ff_built, failed = 0;

    setup();
    CU_ASSERT_FATAL(px != NULL);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "mem.gpx", HM_FORMAT_GPX) == HM_OK);
    add_track(b, &t[0], T0);
    add_track(b, &t[1], T0 + 86400.0);
    CU_ASSERT_FATAL(hm_builder__finish(b, &f) == HM_OK);
    hm_builder__free(b);
    CU_ASSERT_EQUAL_FATAL(run_styled(&fa, &built, f, px), HM_OK);
    CU_ASSERT_EQUAL(fa.live, 0);
    total = fa.count;
    CU_ASSERT(total > 20);
    CU_ASSERT(total > built + 5);
    /* Allocation 0 is the context itself. Building the raster may survive a failed
     * allocation (it only shrinks arrays to fit); from the style on, every one counts. */
    for (i = 1; i < total; i++) {
        hm_test_alloc ff = {i, 0, 0, 0};
        int rc = run_styled(&ff, &ff_built, f, px);

        if (i >= built)
            CU_ASSERT_EQUAL(rc, HM_ENOMEM);
        CU_ASSERT(rc == HM_ENOMEM || rc == HM_OK);
        CU_ASSERT_EQUAL(ff.live, 0);
        failed += rc == HM_ENOMEM;
    }
    CU_ASSERT(failed > total / 2);
    hm_file_free(f);
    free(px);
}

static void test_style__cleanup(void)
{
    hm_ctx_free(ctx);
    ctx = NULL;
}

void hm_test_style_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_style__new", test_style__new},
        {"test_style__option_errors", test_style__option_errors},
        {"test_style__idle_options", test_style__idle_options},
        {"test_style__rgba_and_palette", test_style__rgba_and_palette},
        {"test_style__no_seams_with_glow", test_style__no_seams_with_glow},
        {"test_style__one_scale_per_level", test_style__one_scale_per_level},
        {"test_style__pace_fast_is_bright", test_style__pace_fast_is_bright},
        {"test_style__glow_reaches_the_next_block", test_style__glow_reaches_the_next_block},
        {"test_style__query_blocks", test_style__query_blocks},
        {"test_style__statistics_are_shared", test_style__statistics_are_shared},
        {"test_style__errors_and_png", test_style__errors_and_png},
        {"test_style__threads", test_style__threads},
        {"test_style__alloc_failures", test_style__alloc_failures},
        {"test_style__cleanup", test_style__cleanup},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("style", tests);
}
