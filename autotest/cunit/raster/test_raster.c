/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/raster/raster.c (and the open path, src/dataset/open.c): the
 * whole pipeline from activities to bands, with stores kept in memory. Activities are made with the builder and move along
 * a meridian, so where they must be is worked out here with the web
 * mercator formula (independently of the engine); folders of small GPX
 * files test opening, errors and the process cache.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset/open_int.h"
#include "raster/raster_int.h"
#include "track/builder_int.h"
#include "test_util.h"

#define PI 3.14159265358979323846
#define M_DEG (180.0 / (PI * 6371008.8)) /* degrees of latitude per metre on the meridian */
#define T0 1600000000.0                  /* 2020-09-13T12:26:40Z */
#define DAY 86400.0
#define B 256

/* The store a raster opened with hm_raster_open() draws from. */
#define STORE_OF(r) hm_source__get_store(hm_raster_get_source(r))

static float band_mem[HM_BAND_MAX][B * B];
static float *const bands[HM_BAND_MAX] = {band_mem[0], band_mem[1], band_mem[2], band_mem[3],
                                          band_mem[4]};

static void spec_init(struct hm_spec *s)
{
    size_t i;

    memset(s, 0, sizeof(*s));
    s->zoom = -1;
    s->date_from = NAN;
    s->date_to = NAN;
    s->max_gap = 1000.0;
    s->threads = 1;
    s->store_mode = HM_STORE_MODE_NONE; /* the store file is tested in autotest/gdrivers */
    for (i = 0; i < HM_BAND_MAX; i++)
        s->bands[i] = (hm_band)i;
    s->nbands = HM_BAND_MAX;
}

/* An activity running north along 14.5 E from 46 N: n fixes `step` m and `dt` s apart. */
static void run_north(hm_builder *b, const char *sport, double start, int is_virtual, double from_m,
                      size_t n, double step, double dt, float hr)
{
    size_t i;

    CU_ASSERT_FATAL(hm_builder__begin_activity(b) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__set_sport(b, sport, strlen(sport)) == HM_OK);
    hm_builder__set_virtual(b, is_virtual);
    for (i = 0; i < n; i++) {
        hm_point p;
        hm_point__init(&p);
        p.lat = 46.0 + (from_m + step * (double)i) * M_DEG;
        p.lon = 14.5;
        p.time = isnan(start) ? NAN : start + dt * (double)i;
        p.hr = hr;
        CU_ASSERT_FATAL(hm_builder__add_point(b, &p) == HM_OK);
    }
}

static hm_file *finish(hm_builder *b)
{
    hm_file *f = NULL;

    CU_ASSERT_FATAL(hm_builder__finish(b, &f) == HM_OK);
    hm_builder__free(b);
    return f;
}

/* Level-k pixel of a position, from the grid, with the web mercator formula. */
static void web_pixel(const hm_raster *r, int level, double lat, double lon, long *px, long *py)
{
    hm_grid_info g;
    double x = 6378137.0 * lon * PI / 180.0, y = 6378137.0 * log(tan(PI / 4 + lat * PI / 360.0));
    double res;

    hm_raster_get_grid(r, &g);
    res = g.resolution * ldexp(1.0, level);
    *px = (long)floor((x - g.origin_x) / res);
    *py = (long)floor((g.origin_y - y) / res);
}

/* Value of a band at a level pixel (renders the block holding it). */
static float value_at(const hm_raster *r, hm_ctx *ctx, int level, long px, long py, hm_band band)
{
    CU_ASSERT_FATAL(hm_raster_render_block(r, ctx, level, (int)(px / B), (int)(py / B), bands) ==
                    HM_OK);
    return band_mem[band][(py % B) * B + (px % B)];
}

static float value_m(const hm_raster *r, hm_ctx *ctx, int level, double north_m, hm_band band)
{
    long px, py;

    web_pixel(r, level, 46.0 + north_m * M_DEG, 14.5, &px, &py);
    return value_at(r, ctx, level, px, py, band);
}

static void test_raster__jump_draws_no_line(void)
{
    struct hm_spec spec;
    hm_builder *b;
    hm_file *f;
    hm_raster *r;
    hm_ctx *ctx;
    double m;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "j.gpx", HM_FORMAT_GPX) == HM_OK);
    /* 900 m north at 3 m/s, then the next fix 2 km further one second later, then on. */
    run_north(b, "running", T0, 0, 0.0, 301, 3.0, 1.0, NAN);
    {
        size_t i;
        for (i = 0; i < 301; i++) {
            hm_point p;
            hm_point__init(&p);
            p.lat = 46.0 + (2900.0 + 3.0 * (double)i) * M_DEG;
            p.lon = 14.5;
            p.time = T0 + 301 + (double)i;
            CU_ASSERT_FATAL(hm_builder__add_point(b, &p) == HM_OK);
        }
    }
    f = finish(b);
    spec_init(&spec);
    spec.zoom = 16; /* 2.39 m web pixels, 1.66 m on the ground here */
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    for (m = 2.0; m < 898.0; m += 7.0)
        CU_ASSERT_EQUAL(value_m(r, ctx, 0, m, HM_BAND_COUNT), 1.0f);
    for (m = 905.0; m < 2895.0; m += 7.0) /* the gap */
        CU_ASSERT_EQUAL(value_m(r, ctx, 0, m, HM_BAND_COUNT), 0.0f);
    for (m = 2902.0; m < 3798.0; m += 7.0)
        CU_ASSERT_EQUAL(value_m(r, ctx, 0, m, HM_BAND_COUNT), 1.0f);
    hm_raster_free(r);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

static void test_raster__pace_hr_recency(void)
{
    struct hm_spec spec;
    hm_raster_stats st;
    hm_builder *b;
    hm_file *f;
    hm_raster *r;
    hm_ctx *ctx;
    double m;
    int level;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "p.gpx", HM_FORMAT_GPX) == HM_OK);
    /* A: 5:00 min/km (10/3 m/s) for 2 km at HR 150, started T0.
     * B: 4:00 min/km (25/6 m/s) over the first km only, HR 170, started ten days later.
     * C: no times, no HR, over the first 500 m. */
    run_north(b, "running", T0, 0, 0.0, 601, 10.0 / 3.0, 1.0, 150.0f);
    run_north(b, "running", T0 + 10 * DAY, 0, 0.0, 241, 25.0 / 6.0, 1.0, 170.0f);
    run_north(b, "walking", NAN, 0, 0.0, 101, 5.0, 1.0, NAN);
    f = finish(b);
    spec_init(&spec);
    spec.zoom = 17;
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    hm_raster_get_stats(r, &st);
    CU_ASSERT_EQUAL(st.files, 1);
    CU_ASSERT_EQUAL(st.activities, 3);
    CU_ASSERT_EQUAL(st.points, 601 + 241 + 101);
    HM_ASSERT_NEAR(st.time_min, T0, 0);
    HM_ASSERT_NEAR(st.time_max, T0 + 10 * DAY + 240, 0);
    for (level = 0; level < 3; level++) {
        for (m = 10.0; m < 490.0; m += 23.0) { /* A, B and C */
            CU_ASSERT_EQUAL(value_m(r, ctx, level, m, HM_BAND_COUNT), 3.0f);
            HM_ASSERT_NEAR(value_m(r, ctx, level, m, HM_BAND_LOG_COUNT), log(4.0), 1e-6);
            HM_ASSERT_NEAR(value_m(r, ctx, level, m, HM_BAND_PACE), (300.0 + 240.0) / 2, 0.05);
            HM_ASSERT_NEAR(value_m(r, ctx, level, m, HM_BAND_HR), 160.0, 1e-3);
            HM_ASSERT_NEAR(value_m(r, ctx, level, m, HM_BAND_RECENCY), (T0 + 10 * DAY) / DAY,
                           0.002);
        }
        for (m = 1010.0; m < 1990.0; m += 23.0) { /* A only */
            CU_ASSERT_EQUAL(value_m(r, ctx, level, m, HM_BAND_COUNT), 1.0f);
            HM_ASSERT_NEAR(value_m(r, ctx, level, m, HM_BAND_LOG_COUNT), log(2.0), 1e-6);
            HM_ASSERT_NEAR(value_m(r, ctx, level, m, HM_BAND_PACE), 300.0, 0.01);
            HM_ASSERT_NEAR(value_m(r, ctx, level, m, HM_BAND_HR), 150.0, 1e-4);
            HM_ASSERT_NEAR(value_m(r, ctx, level, m, HM_BAND_RECENCY), T0 / DAY, 0.002);
        }
    }
    /* Beside the line: nothing, and nodata where nodata applies. */
    {
        long px, py;
        web_pixel(r, 0, 46.0 + 500.0 * M_DEG, 14.5, &px, &py);
        CU_ASSERT_EQUAL(value_at(r, ctx, 0, px + 3, py, HM_BAND_COUNT), 0.0f);
        CU_ASSERT_EQUAL(band_mem[HM_BAND_LOG_COUNT][(py % B) * B + (px + 3) % B], 0.0f);
        HM_ASSERT_NAN(band_mem[HM_BAND_PACE][(py % B) * B + (px + 3) % B]);
        HM_ASSERT_NAN(band_mem[HM_BAND_HR][(py % B) * B + (px + 3) % B]);
        HM_ASSERT_NAN(band_mem[HM_BAND_RECENCY][(py % B) * B + (px + 3) % B]);
    }
    hm_raster_free(r);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

static void test_raster__filters(void)
{
    char *running[] = {"running"};
    struct hm_spec spec;
    hm_raster_stats st;
    hm_builder *b;
    hm_file *f;
    hm_raster *r;
    hm_ctx *ctx;
    static const struct {
        int sport, from, virt; /* SPORT=running, DATE_FROM=T0+100 days, INCLUDE_VIRTUAL */
        size_t expect;
    } cases[] = {{0, 0, 0, 3}, {0, 0, 1, 4}, {1, 0, 0, 2}, {0, 1, 0, 2}, {1, 1, 1, 1}};
    size_t i;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "f.gpx", HM_FORMAT_GPX) == HM_OK);
    run_north(b, "running", T0, 0, 0.0, 50, 3.0, 1.0, NAN);
    run_north(b, "cycling", T0 + 200 * DAY, 0, 0.0, 50, 3.0, 1.0, NAN);
    run_north(b, "cycling", T0 + 300 * DAY, 1, 0.0, 50, 3.0, 1.0, NAN); /* virtual */
    run_north(b, "running", T0 + 400 * DAY, 0, 0.0, 50, 3.0, 1.0, NAN);
    f = finish(b);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        spec_init(&spec);
        spec.zoom = 16;
        if (cases[i].sport) {
            spec.sports = running;
            spec.nsports = 1;
        }
        if (cases[i].from)
            spec.date_from = T0 + 100 * DAY;
        spec.include_virtual = cases[i].virt;
        CU_ASSERT_FATAL(hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f,
                                                  1) == HM_OK);
        hm_raster_get_stats(r, &st);
        CU_ASSERT_EQUAL(st.activities, cases[i].expect);
        CU_ASSERT_EQUAL(value_m(r, ctx, 0, 50.0, HM_BAND_COUNT), (float)cases[i].expect);
        hm_raster_free(r);
    }
    /* DATE_TO before everything: no usable tracks. */
    spec_init(&spec);
    spec.date_to = T0;
    CU_ASSERT_EQUAL(hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1),
                    HM_EINVAL);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->message,
                           "no usable tracks in mem (1 files, 0 skipped, none selected or drawable)");
    hm_file_free(f);
    hm_ctx_free(ctx);
}

static void test_raster__grid_and_blocks(void)
{
    struct hm_spec spec;
    hm_grid_info g;
    hm_builder *b;
    hm_file *f;
    hm_raster *r;
    hm_ctx *ctx;
    int w, h, k, bx, by, nonempty = 0;
    long px, py;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "g.gpx", HM_FORMAT_GPX) == HM_OK);
    run_north(b, "running", T0, 0, 0.0, 1001, 5.0, 1.0, NAN); /* 5 km north */
    f = finish(b);
    spec_init(&spec);
    spec.zoom = 15;
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    hm_raster_get_grid(r, &g);
    CU_ASSERT_STRING_EQUAL(g.srs, "EPSG:3857");
    CU_ASSERT_EQUAL(g.zoom, 15);
    CU_ASSERT_EQUAL(g.block_size, 256);
    HM_ASSERT_NEAR(g.resolution, 156543.03392804097 / 32768.0, 1e-12);
    /* The extent is whole XYZ tiles: 14.5 E is in column 17703 at zoom 15, and 5 km north of
     * 46 N (7.2 km of mercator) spans rows 11651 .. 11652 or so. */
    HM_ASSERT_NEAR(fmod(g.origin_x + 20037508.342789244, 256 * g.resolution), 0.0, 1e-6);
    HM_ASSERT_NEAR(g.origin_x, -20037508.342789244 + 17703 * 256 * g.resolution, 1e-6);
    CU_ASSERT_EQUAL(g.width, 256);
    CU_ASSERT(g.height % 256 == 0 && g.height >= 512);
    /* Levels down to the first that fits one block. */
    hm_raster_get_level_size(r, g.level_count - 1, &w, &h);
    CU_ASSERT(w <= 256 && h <= 256);
    hm_raster_get_level_size(r, g.level_count - 2, &w, &h);
    CU_ASSERT(w > 256 || h > 256);
    hm_raster_get_level_size(r, 1, &w, &h);
    CU_ASSERT(w == 128 && h == g.height / 2);
    CU_ASSERT(strstr(hm_raster_get_srs_wkt(r), "3857") != NULL);
    CU_ASSERT_PTR_NULL(hm_raster_get_source(r)); /* made from files, not opened */
    /* Blocks: out of range is EINVAL; query_block is 1 exactly where something is drawn. */
    CU_ASSERT_EQUAL(hm_raster_render_block(r, ctx, g.level_count, 0, 0, bands), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_raster_render_block(r, ctx, -1, 0, 0, bands), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_raster_render_block(r, ctx, 0, 1, 0, bands), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_raster_render_block(r, ctx, 0, 0, g.height / 256, bands), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_raster_query_block(r, 0, 1, 0), 0);
    CU_ASSERT_EQUAL(hm_raster_query_block(r, -1, 0, 0), 0);
    for (k = 0; k < g.level_count; k++) {
        hm_raster_get_level_size(r, k, &w, &h);
        for (by = 0; by * 256 < h; by++)
            for (bx = 0; bx * 256 < w; bx++) {
                int any = 0, i;
                CU_ASSERT_FATAL(hm_raster_render_block(r, ctx, k, bx, by, bands) == HM_OK);
                for (i = 0; i < B * B; i++)
                    any |= band_mem[0][i] != 0.0f;
                /* A query may say "maybe" for an empty block, never "no" for a drawn one. */
                CU_ASSERT(!any || hm_raster_query_block(r, k, bx, by));
                nonempty += any;
            }
    }
    CU_ASSERT(nonempty >= 3);
    web_pixel(r, 0, 46.0 + 100 * M_DEG, 14.5, &px, &py);
    CU_ASSERT_EQUAL(value_at(r, ctx, 0, px, py, HM_BAND_COUNT), 1.0f);
    hm_raster_free(r);
    hm_raster_free(NULL);

    /* A UTM grid: 3 m pixels, origin on 768 m multiples; 15 E is x = 500000 exactly there. */
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "u.gpx", HM_FORMAT_GPX) == HM_OK);
    {
        size_t i;
        CU_ASSERT_FATAL(hm_builder__begin_activity(b) == HM_OK);
        for (i = 0; i < 500; i++) {
            hm_point p;
            hm_point__init(&p);
            p.lat = 45.0 + 5.0 * (double)i * M_DEG;
            p.lon = 15.0;
            CU_ASSERT_FATAL(hm_builder__add_point(b, &p) == HM_OK);
        }
    }
    hm_file_free(f);
    f = finish(b);
    spec_init(&spec);
    spec.srs = "EPSG:32633";
    spec.resolution = 3.0;
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    hm_raster_get_grid(r, &g);
    CU_ASSERT_STRING_EQUAL(g.srs, "EPSG:32633");
    CU_ASSERT_EQUAL(g.zoom, -1);
    HM_ASSERT_NEAR(g.resolution, 3.0, 0);
    HM_ASSERT_NEAR(fmod(g.origin_x, 768.0), 0.0, 0);
    HM_ASSERT_NEAR(fmod(g.origin_y, 768.0), 0.0, 0);
    CU_ASSERT(strstr(hm_raster_get_srs_wkt(r), "UTM zone 33N") != NULL);
    px = (long)floor((500000.0 - g.origin_x) / 3.0);
    py = (long)floor((g.origin_y - 4982950.4 - 1000.0) / 3.0); /* ~1 km north of 45 N */
    CU_ASSERT_EQUAL(value_at(r, ctx, 0, px, py, HM_BAND_COUNT), 1.0f);
    CU_ASSERT_EQUAL(value_at(r, ctx, 0, px - 1, py, HM_BAND_COUNT), 0.0f);
    CU_ASSERT_EQUAL(value_at(r, ctx, 0, px + 1, py, HM_BAND_COUNT), 0.0f);
    hm_raster_free(r);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

/* hm_raster_query_blocks() lists exactly the blocks hm_raster_query_block() calls
 * possible, row by row, at every level (the oracle walks every block). */
/*
 * A window is the pixels the blocks under it have: every window of a few levels with data,
 * straddling block corners, equals (bit for bit, every band) the blocks rendered one by one;
 * the window query is 1 wherever such a window has a count; windows of more than
 * HM_RASTER_MAX_WINDOW pixels a side, or of no level, are refused.
 */
static void check_windows(const hm_raster *r, hm_ctx *ctx)
{
    enum { W = 300, H = 200, BW = 3, BH = 2 };
    static float win[HM_BAND_MAX][W * H], blk[BW * BH][HM_BAND_MAX][256 * 256];
    float *wb[HM_BAND_MAX], *bb[HM_BAND_MAX];
    int k, b, i, x, y, bx, by, checked = 0, mismatches = 0, with_data = 0;

    for (b = 0; b < HM_BAND_MAX; b++)
        wb[b] = win[b];
    for (k = 0; k < 3; k++) {
        int *list = NULL;
        size_t n = 0, j;
        CU_ASSERT_EQUAL_FATAL(hm_raster_query_blocks(&list, &n, r, ctx, k), HM_OK);
        for (j = 0; j < n && j < 4; j++) {
            /* around the block's top left corner, moved into the level when it must be: it
             * straddles up to 3 x 2 blocks */
            int64_t x0 = (int64_t)list[2 * j] * 256 - 100, y0 = (int64_t)list[2 * j + 1] * 256 - 70;
            int lw, lh, has_count = 0;
            hm_raster_get_level_size(r, k, &lw, &lh);
            if (lw < W || lh < H)
                continue; /* beyond the level, blocks are empty and windows are not */
            x0 = x0 < 0 ? 0 : x0 > lw - W ? lw - W : x0;
            y0 = y0 < 0 ? 0 : y0 > lh - H ? lh - H : y0;
            CU_ASSERT_EQUAL_FATAL(hm_raster_render_window(r, ctx, k, x0, y0, W, H, wb), HM_OK);
            for (i = 0; i < BW * BH; i++) {
                for (b = 0; b < HM_BAND_MAX; b++)
                    bb[b] = blk[i][b];
                bx = (int)(x0 / 256) + i % BW;
                by = (int)(y0 / 256) + i / BW;
                if ((int64_t)bx * 256 < lw && (int64_t)by * 256 < lh) {
                    static float alone[256 * 256];
                    float *one[HM_BAND_MAX] = {NULL, NULL, NULL, NULL, NULL};
                    int c;
                    CU_ASSERT_EQUAL_FATAL(hm_raster_render_block(r, ctx, k, bx, by, bb), HM_OK);
                    /* a count band alone (the renderer skips the attributes then) is the
                     * same count band */
                    for (c = HM_BAND_COUNT; c <= HM_BAND_LOG_COUNT; c++) {
                        one[c] = alone;
                        CU_ASSERT_EQUAL_FATAL(hm_raster_render_block(r, ctx, k, bx, by, one),
                                              HM_OK);
                        if (memcmp(alone, blk[i][c], sizeof(alone)) != 0)
                            mismatches++;
                        one[c] = NULL;
                    }
                }
            }
            for (y = 0; y < H; y++) {
                for (x = 0; x < W; x++) {
                    int64_t gx = x0 + x, gy = y0 + y;
                    int cell = (int)(gy / 256 - y0 / 256) * BW + (int)(gx / 256 - x0 / 256);
                    size_t at = (size_t)(gy % 256) * 256 + (size_t)(gx % 256);
                    for (b = 0; b < HM_BAND_MAX; b++)
                        if (memcmp(&win[b][y * W + x], &blk[cell][b][at], sizeof(float)) != 0)
                            mismatches++;
                    has_count |= win[HM_BAND_COUNT][y * W + x] > 0.0f;
                }
            }
            if (has_count)
                CU_ASSERT_EQUAL(hm_raster_query_window(r, k, x0, y0, W, H), 1);
            checked++;
            with_data += has_count;
        }
        hm_ctx_free_mem(ctx, list);
    }
    CU_ASSERT(checked >= 3 && with_data >= 3);
    CU_ASSERT_EQUAL(mismatches, 0);
    /* far from every track, empty, or no level */
    CU_ASSERT_EQUAL(hm_raster_query_window(r, 0, -100000, -100000, 10, 10), 0);
    CU_ASSERT_EQUAL(hm_raster_query_window(r, 0, 0, 0, 0, 10), 0);
    CU_ASSERT_EQUAL(hm_raster_query_window(r, 99, 0, 0, 10, 10), 0);
    CU_ASSERT_EQUAL(hm_raster_render_window(r, ctx, 99, 0, 0, 10, 10, wb), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_raster_render_window(r, ctx, 0, 0, 0, HM_RASTER_MAX_WINDOW + 1, 1, wb),
                    HM_EINVAL);
    CU_ASSERT_EQUAL(hm_raster_render_window(r, ctx, 0, 0, 0, 0, 1, wb), HM_EINVAL);
}

static void test_raster__query_blocks(void)
{
    struct hm_spec spec;
    uint32_t seed = 12345;
    hm_builder *b;
    hm_file *f;
    hm_raster *r;
    hm_ctx *ctx;
    hm_grid_info g;
    int a, k, bx, by, w, h, *list;
    size_t n, i, total = 0;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "q.gpx", HM_FORMAT_GPX) == HM_OK);
    for (a = 0; a < 6; a++) {
        double lat, lon, heading = 0.0;
        size_t j;

        seed = seed * 1664525u + 1013904223u;
        lat = 46.0 + (double)(seed >> 8) / 16777216.0 * 0.03;
        seed = seed * 1664525u + 1013904223u;
        lon = 14.5 + (double)(seed >> 8) / 16777216.0 * 0.04;
        CU_ASSERT_FATAL(hm_builder__begin_activity(b) == HM_OK);
        for (j = 0; j < 300; j++) {
            hm_point p;
            seed = seed * 1664525u + 1013904223u;
            heading += ((double)(seed >> 8) / 16777216.0 - 0.5) * 1.2;
            lat += 12.0 * cos(heading) * M_DEG;
            lon += 12.0 * sin(heading) * M_DEG / cos(46.0 * PI / 180.0);
            hm_point__init(&p);
            p.lat = lat;
            p.lon = lon;
            p.time = T0 + 86400.0 * a + 4.0 * (double)j;
            CU_ASSERT_FATAL(hm_builder__add_point(b, &p) == HM_OK);
        }
    }
    f = finish(b);
    spec_init(&spec);
    spec.zoom = 17;
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    hm_raster_get_grid(r, &g);
    CU_ASSERT(g.width > 8 * 256 && g.level_count > 3);
    for (k = 0; k < g.level_count; k++) {
        CU_ASSERT_EQUAL_FATAL(hm_raster_query_blocks(&list, &n, r, ctx, k), HM_OK);
        hm_raster_get_level_size(r, k, &w, &h);
        i = 0;
        for (by = 0; by * 256 < h; by++) {
            for (bx = 0; bx * 256 < w; bx++) {
                if (!hm_raster_query_block(r, k, bx, by))
                    continue;
                CU_ASSERT_FATAL(i < n);
                CU_ASSERT_EQUAL(list[2 * i], bx);
                CU_ASSERT_EQUAL(list[2 * i + 1], by);
                i++;
            }
        }
        CU_ASSERT_EQUAL(i, n);
        CU_ASSERT(n > 0);
        total += n;
        hm_ctx_free_mem(ctx, list);
    }
    CU_ASSERT(total > 20);
    check_windows(r, ctx);
    CU_ASSERT_EQUAL(hm_raster_query_blocks(&list, &n, r, ctx, g.level_count), HM_EINVAL);
    CU_ASSERT_PTR_NULL(list);
    CU_ASSERT_EQUAL(n, 0);
    hm_raster_free(r);
    /* BOUNDS away from every track: no block anywhere */
    spec.has_bounds = 1;
    spec.bounds[0] = 10.0;
    spec.bounds[1] = 40.0;
    spec.bounds[2] = 10.01;
    spec.bounds[3] = 40.01;
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_raster_query_blocks(&list, &n, r, ctx, 0), HM_OK);
    CU_ASSERT_EQUAL(n, 0);
    hm_ctx_free_mem(ctx, list);
    hm_raster_free(r);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

/* ---- threads ---------------------------------------------------------------- */

typedef struct thread_job {
    const hm_raster *r; /* shared */
    const float *ref;   /* expected bands of every block, in (level, y, x) order */
    size_t nblocks;     /* blocks in ref */
    int mismatches;     /* blocks that differed */
    int failures;       /* render calls that failed */
} thread_job;

/* Render every block (in an order of its own) and compare with the reference. */
static void *render_all(void *arg)
{
    thread_job *j = arg;
    float *mem = malloc((size_t)HM_BAND_MAX * B * B * sizeof(float));
    float *bb[HM_BAND_MAX];
    hm_grid_info g;
    hm_ctx *ctx;
    size_t n = 0;
    int k, x, y, i;

    if (!mem || hm_ctx_new(&ctx, NULL) != HM_OK) {
        j->failures++;
        free(mem);
        return NULL;
    }
    for (i = 0; i < HM_BAND_MAX; i++)
        bb[i] = mem + (size_t)i * B * B;
    hm_raster_get_grid(j->r, &g);
    for (k = g.level_count - 1; k >= 0; k--) {
        int w, h;
        hm_raster_get_level_size(j->r, k, &w, &h);
        for (y = (h - 1) / B; y >= 0; y--)
            for (x = (w - 1) / B; x >= 0; x--) {
                size_t idx = 0;
                int kk, yy, xx;
                /* position of (k, y, x) in the reference order */
                for (kk = 0; kk < k; kk++) {
                    int ww, hh;
                    hm_raster_get_level_size(j->r, kk, &ww, &hh);
                    idx += (size_t)((ww + B - 1) / B) * (size_t)((hh + B - 1) / B);
                }
                xx = (w + B - 1) / B;
                yy = y;
                idx += (size_t)yy * (size_t)xx + (size_t)x;
                if (hm_raster_render_block(j->r, ctx, k, x, y, bb) != HM_OK) {
                    j->failures++;
                    continue;
                }
                if (memcmp(mem, j->ref + idx * HM_BAND_MAX * B * B,
                           (size_t)HM_BAND_MAX * B * B * sizeof(float)) != 0)
                    j->mismatches++;
                n++;
            }
    }
    if (n != j->nblocks)
        j->failures++;
    hm_ctx_free(ctx);
    free(mem);
    return NULL;
}

static void test_raster__threads_render_the_same(void)
{
    struct hm_spec spec;
    hm_grid_info g;
    hm_builder *b;
    hm_file *f;
    hm_raster *r;
    hm_ctx *ctx;
    thread_job jobs[4];
    pthread_t tid[4];
    float *ref;
    size_t nblocks = 0, n = 0;
    int k, x, y, i;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "t.gpx", HM_FORMAT_GPX) == HM_OK);
    for (i = 0; i < 12; i++)
        run_north(b, i % 3 ? "running" : "cycling", T0 + i * DAY, 0, 40.0 * i, 400, 3.0 + i, 1.0,
                  (float)(120 + i));
    f = finish(b);
    spec_init(&spec);
    spec.zoom = 17;
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    hm_raster_get_grid(r, &g);
    for (k = 0; k < g.level_count; k++) {
        int w, h;
        hm_raster_get_level_size(r, k, &w, &h);
        nblocks += (size_t)((w + B - 1) / B) * (size_t)((h + B - 1) / B);
    }
    CU_ASSERT(nblocks > 4);
    ref = malloc(nblocks * HM_BAND_MAX * B * B * sizeof(float));
    CU_ASSERT_FATAL(ref != NULL);
    for (k = 0; k < g.level_count; k++) {
        int w, h;
        hm_raster_get_level_size(r, k, &w, &h);
        for (y = 0; y * B < h; y++)
            for (x = 0; x * B < w; x++, n++) {
                float *bb[HM_BAND_MAX];
                for (i = 0; i < HM_BAND_MAX; i++)
                    bb[i] = ref + (n * HM_BAND_MAX + (size_t)i) * B * B;
                CU_ASSERT_FATAL(hm_raster_render_block(r, ctx, k, x, y, bb) == HM_OK);
            }
    }
    for (i = 0; i < 4; i++) {
        jobs[i].r = r;
        jobs[i].ref = ref;
        jobs[i].nblocks = nblocks;
        jobs[i].mismatches = 0;
        jobs[i].failures = 0;
        CU_ASSERT_FATAL(pthread_create(&tid[i], NULL, render_all, &jobs[i]) == 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(tid[i], NULL);
        CU_ASSERT_EQUAL(jobs[i].mismatches, 0);
        CU_ASSERT_EQUAL(jobs[i].failures, 0);
    }
    free(ref);
    hm_raster_free(r);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

/* ---- folders ---------------------------------------------------------------- */

static char tmpdir[64];

static void write_gpx(const char *name, double lat0, size_t n, double start)
{
    char path[256];
    FILE *fp;
    size_t i;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    fp = fopen(path, "w");
    CU_ASSERT_FATAL(fp != NULL);
    fprintf(fp, "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"t\" "
                "xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><type>running</type><trkseg>\n");
    for (i = 0; i < n; i++) {
        long t = (long)start + (long)i;
        fprintf(fp,
                "<trkpt lat=\"%.8f\" lon=\"14.5\"><time>2020-09-13T%02ld:%02ld:%02ldZ</time>"
                "</trkpt>\n",
                lat0 + 3.0 * (double)i * M_DEG, (t / 3600) % 24, (t / 60) % 60, t % 60);
    }
    fprintf(fp, "</trkseg></trk></gpx>\n");
    fclose(fp);
}

static void make_dir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/hm_raster_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(tmpdir) != NULL);
}

static void remove_dir(const char *const *names)
{
    char path[256];

    for (; *names; names++) {
        snprintf(path, sizeof(path), "%s/%s", tmpdir, *names);
        remove(path);
    }
    rmdir(tmpdir);
}

static void test_raster__open_errors(void)
{
    static const char *const names[] = {"empty.gpx", "bad.gpx", NULL};
    struct hm_spec spec;
    const hm_error *e;
    hm_raster *r = (hm_raster *)&r;
    hm_ctx *ctx;
    char path[128], msg[256];
    FILE *fp;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    spec_init(&spec);
    CU_ASSERT_EQUAL(hm_raster_open(&r, ctx, &spec), HM_EINVAL); /* no path */
    CU_ASSERT_PTR_NULL(r);
    spec.path = "/nonexistent/heatmap/folder";
    CU_ASSERT_EQUAL(hm_raster_open(&r, ctx, &spec), HM_ENOTFOUND);
    e = hm_ctx_last_error(ctx);
    CU_ASSERT_FATAL(e != NULL);
    CU_ASSERT_STRING_EQUAL(e->path, "/nonexistent/heatmap/folder");

    make_dir();
    snprintf(path, sizeof(path), "%s/empty.gpx", tmpdir);
    fp = fopen(path, "w");
    CU_ASSERT_FATAL(fp != NULL);
    fprintf(fp, "<?xml version=\"1.0\"?><gpx version=\"1.1\" creator=\"t\"><trk><trkseg>"
                "</trkseg></trk></gpx>\n");
    fclose(fp);
    snprintf(path, sizeof(path), "%s/bad.gpx", tmpdir);
    fp = fopen(path, "w");
    CU_ASSERT_FATAL(fp != NULL);
    fprintf(fp, "\x01\x02 not xml");
    fclose(fp);
    spec.path = tmpdir;
    CU_ASSERT_EQUAL(hm_raster_open(&r, ctx, &spec), HM_EINVAL);
    e = hm_ctx_last_error(ctx);
    CU_ASSERT_FATAL(e != NULL);
    snprintf(msg, sizeof(msg), "no usable tracks in %s (2 files, 1 skipped, none selected or drawable)",
             tmpdir);
    CU_ASSERT_STRING_EQUAL(e->message, msg);
    CU_ASSERT_STRING_EQUAL(e->path, ""); /* the message names it */
    remove_dir(names);
    hm_ctx_free(ctx);
}

static void test_raster__cache_shares_and_rebuilds(void)
{
    static const char *const names[] = {"a.gpx", "b.gpx", NULL};
    struct hm_spec spec;
    hm_raster *r1, *r2, *r3, *r4;
    hm_raster_stats s1, s4;
    hm_ctx *ctx, *ctx2;
    size_t before = hm_source__cached_count();

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_ctx_new(&ctx2, NULL) == HM_OK);
    make_dir();
    write_gpx("a.gpx", 46.0, 100, 0);
    write_gpx("b.gpx", 46.001, 100, 3600);
    spec_init(&spec);
    spec.path = tmpdir;
    spec.zoom = 16;
    CU_ASSERT_FATAL(hm_raster_open(&r1, ctx, &spec) == HM_OK);
    /* One store per source and data options. */
    CU_ASSERT_EQUAL(hm_source__cached_count(), before + 1);
    /* Same folder, same options, another context: the same store. */
    CU_ASSERT_FATAL(hm_raster_open(&r2, ctx2, &spec) == HM_OK);
    CU_ASSERT_PTR_EQUAL(STORE_OF(r1), STORE_OF(r2));
    CU_ASSERT_PTR_EQUAL(hm_raster_get_srs_wkt(r1), hm_raster_get_srs_wkt(r2));
    CU_ASSERT_EQUAL(hm_source__cached_count(), before + 1);
    /* Another zoom or filter: the same store, nothing read again. */
    spec.zoom = 15;
    CU_ASSERT_FATAL(hm_raster_open(&r3, ctx, &spec) == HM_OK);
    CU_ASSERT_PTR_EQUAL(STORE_OF(r1), STORE_OF(r3));
    CU_ASSERT_EQUAL(hm_source__cached_count(), before + 1);
    hm_raster_free(r3);
    /* Another MAX_GAP cleans differently: another store. */
    spec.zoom = 16;
    spec.max_gap = 500.0;
    CU_ASSERT_FATAL(hm_raster_open(&r3, ctx, &spec) == HM_OK);
    CU_ASSERT_PTR_NOT_EQUAL(STORE_OF(r1), STORE_OF(r3));
    CU_ASSERT_EQUAL(hm_source__cached_count(), before + 2);
    hm_raster_free(r3);
    CU_ASSERT_EQUAL(hm_source__cached_count(), before + 1); /* gone with its last user */
    /* The first user goes; the store stays for the second (its context is freed too). */
    hm_raster_free(r1);
    hm_ctx_free(ctx);
    CU_ASSERT_EQUAL(hm_raster_render_block(r2, ctx2, 0, 0, 0, bands), HM_OK);
    CU_ASSERT_EQUAL(hm_source__cached_count(), before + 1);
    /* A file changes (another size): a new open reads it again, the old handle keeps its
     * store. */
    write_gpx("b.gpx", 46.001, 150, 3600);
    spec.max_gap = 1000.0;
    CU_ASSERT_FATAL(hm_raster_open(&r4, ctx2, &spec) == HM_OK);
    CU_ASSERT_PTR_NOT_EQUAL(STORE_OF(r2), STORE_OF(r4));
    hm_raster_get_stats(r2, &s1);
    hm_raster_get_stats(r4, &s4);
    CU_ASSERT_EQUAL(s1.points, 200);
    CU_ASSERT_EQUAL(s4.points, 250);
    CU_ASSERT_EQUAL(hm_source__cached_count(), before + 1); /* the stale entry is unlisted */
    CU_ASSERT_EQUAL(hm_raster_render_block(r2, ctx2, 0, 0, 0, bands), HM_OK);
    hm_raster_free(r2);
    hm_raster_free(r4);
    CU_ASSERT_EQUAL(hm_source__cached_count(), before);
    remove_dir(names);
    hm_ctx_free(ctx2);
}

typedef struct open_job {
    const struct hm_spec *spec; /* shared */
    hm_raster *r;               /* result */
    int rc;                     /* hm_raster_open's */
} open_job;

static void *open_one(void *arg)
{
    open_job *j = arg;
    float *none[HM_BAND_MAX] = {NULL, NULL, NULL, NULL, NULL}; /* render, keep nothing */
    hm_ctx *ctx;

    if (hm_ctx_new(&ctx, NULL) != HM_OK) {
        j->rc = HM_ENOMEM;
        return NULL;
    }
    j->rc = hm_raster_open(&j->r, ctx, j->spec);
    if (j->rc == HM_OK && hm_raster_render_block(j->r, ctx, 0, 0, 0, none) != HM_OK)
        j->rc = HM_ERROR;
    hm_ctx_free(ctx); /* the raster does not need the context it was opened with */
    return NULL;
}

static void test_raster__concurrent_opens(void)
{
    static const char *const names[] = {"a.gpx", "b.gpx", NULL};
    struct hm_spec spec;
    open_job jobs[4];
    pthread_t tid[4];
    hm_raster *again;
    hm_ctx *ctx;
    size_t before = hm_source__cached_count();
    int i;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    make_dir();
    write_gpx("a.gpx", 46.0, 100, 0);
    write_gpx("b.gpx", 46.001, 100, 3600);
    spec_init(&spec);
    spec.path = tmpdir;
    spec.zoom = 16;
    for (i = 0; i < 4; i++) {
        jobs[i].spec = &spec;
        jobs[i].r = NULL;
        CU_ASSERT_FATAL(pthread_create(&tid[i], NULL, open_one, &jobs[i]) == 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(tid[i], NULL);
        CU_ASSERT_EQUAL(jobs[i].rc, HM_OK);
    }
    /* However the race went, one store is listed and a new open shares it. */
    CU_ASSERT_EQUAL(hm_source__cached_count(), before + 1);
    CU_ASSERT_FATAL(hm_raster_open(&again, ctx, &spec) == HM_OK);
    for (i = 0; i < 4; i++)
        if (STORE_OF(jobs[i].r) == STORE_OF(again))
            break;
    CU_ASSERT(i < 4);
    for (i = 0; i < 4; i++)
        hm_raster_free(jobs[i].r);
    hm_raster_free(again);
    CU_ASSERT_EQUAL(hm_source__cached_count(), before);
    remove_dir(names);
    hm_ctx_free(ctx);
}

/* ---- allocation failures ---------------------------------------------------- */

static void test_raster__alloc_failures(void)
{
    hm_test_alloc ta = {-1, 0, 0, 0};
    hm_allocator a = hm_test_alloc_make(&ta);
    struct hm_spec spec;
    hm_builder *b;
    hm_file *f;
    hm_raster *r;
    hm_ctx *ctx, *cctx;
    size_t total, i, oks = 0;
    long live;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "m.gpx", HM_FORMAT_GPX) == HM_OK);
    run_north(b, "running", T0, 0, 0.0, 200, 10.0 / 3.0, 1.0, 150.0f);
    run_north(b, "running", T0 + DAY, 0, 100.0, 200, 3.0, 1.0, NAN);
    f = finish(b);
    spec_init(&spec);
    spec.zoom = 17;
    CU_ASSERT_FATAL(hm_ctx_new(&cctx, &a) == HM_OK);

    /* Building: every allocation failing in turn gives HM_ENOMEM and leaks nothing (a failed
     * realloc that only gives back slack is harmless: then the build succeeds). */
    live = ta.live;
    ta.count = 0;
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, cctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    total = (size_t)ta.count;
    for (i = 0; i < total; i++) {
        hm_raster *rr = NULL;
        int rc;
        ta.count = 0;
        ta.fail_at = (long)i;
        rc = hm_raster__new_from_files(&rr, cctx, &spec, "mem", (const hm_file *const *)&f, 1);
        CU_ASSERT(rc == HM_ENOMEM || rc == HM_OK);
        CU_ASSERT((rc == HM_OK) == (rr != NULL));
        if (rc == HM_ENOMEM)
            CU_ASSERT_EQUAL(hm_ctx_last_error(cctx)->code, HM_ENOMEM);
        hm_raster_free(rr);
        oks += rc == HM_OK;
    }
    CU_ASSERT(oks < total / 4);
    ta.fail_at = -1;
    hm_raster_free(r);
    CU_ASSERT_EQUAL(ta.live, live); /* nothing leaked by any of the failed builds */

    /* Rendering through the public API, with the raster built on a plain context. */
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    ta.count = 0;
    CU_ASSERT_FATAL(hm_raster_render_block(r, cctx, 0, 0, 0, bands) == HM_OK);
    total = (size_t)ta.count;
    CU_ASSERT(total >= 2);
    for (i = 0; i < total; i++) {
        ta.count = 0;
        ta.fail_at = (long)i;
        CU_ASSERT_EQUAL(hm_raster_render_block(r, cctx, 0, 0, 0, bands), HM_ENOMEM);
        CU_ASSERT_EQUAL(ta.live, live);
    }
    ta.fail_at = -1;
    hm_raster_free(r);
    hm_ctx_free(cctx);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

static void test_raster__band_names(void)
{
    static const char *const names[] = {"count", "log_count", "pace", "hr", "recency"};
    static const char *const units[] = {"activities", "ln(1+activities)", "s/km", "bpm",
                                        "days since 1970-01-01"};
    int i;

    for (i = 0; i < HM_BAND_MAX; i++) {
        CU_ASSERT_STRING_EQUAL(hm_band_get_name((hm_band)i), names[i]);
        CU_ASSERT_STRING_EQUAL(hm_band_get_unit((hm_band)i), units[i]);
        CU_ASSERT_EQUAL(hm_band_get_has_nodata((hm_band)i), i >= HM_BAND_PACE);
    }
}

void hm_test_raster_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_raster__jump_draws_no_line", test_raster__jump_draws_no_line},
        {"test_raster__pace_hr_recency", test_raster__pace_hr_recency},
        {"test_raster__filters", test_raster__filters},
        {"test_raster__grid_and_blocks", test_raster__grid_and_blocks},
        {"test_raster__query_blocks", test_raster__query_blocks},
        {"test_raster__threads_render_the_same", test_raster__threads_render_the_same},
        {"test_raster__open_errors", test_raster__open_errors},
        {"test_raster__cache_shares_and_rebuilds", test_raster__cache_shares_and_rebuilds},
        {"test_raster__concurrent_opens", test_raster__concurrent_opens},
        {"test_raster__alloc_failures", test_raster__alloc_failures},
        {"test_raster__band_names", test_raster__band_names},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("raster", tests);
}
