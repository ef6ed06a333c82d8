/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/raster/query.c: the activities of a pixel. Activities run
 * north along a meridian over known stretches, so which of them a pixel at
 * a given distance north holds is worked out here (web mercator formula,
 * independently of the engine), at every level, with and without filters
 * and duplicates. An oracle test over random walks checks, pixel by pixel
 * and level by level, that the list is what the count band counts: its size
 * is the pixel's count, and each activity on it draws that pixel when
 * rendered alone. Errors and an allocation-failure sweep complete it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataset/open_int.h"
#include "raster/raster_int.h"
#include "track/builder_int.h"
#include "test_util.h"

#define PI 3.14159265358979323846
#define M_DEG (180.0 / (PI * 6371008.8)) /* degrees of latitude per metre on the meridian */
#define T0 1600000000.0                  /* 2020-09-13T12:26:40Z */
#define DAY 86400.0
#define B 256

static void spec_init(struct hm_spec *s)
{
    size_t i;

    memset(s, 0, sizeof(*s));
    s->zoom = 17;
    s->date_from = NAN;
    s->date_to = NAN;
    s->max_gap = 1000.0;
    s->threads = 1;
    s->store_mode = HM_STORE_MODE_NONE;
    for (i = 0; i < HM_BAND_MAX; i++)
        s->bands[i] = (hm_band)i;
    s->nbands = HM_BAND_MAX;
}

/* An activity running north along 14.5 E from `from_m` metres north of 46 N: n fixes
 * `step` m and 1 s apart. */
static void run_north(hm_builder *b, const char *sport, double start, double from_m, size_t n,
                      double step)
{
    size_t i;

    CU_ASSERT_FATAL(hm_builder__begin_activity(b) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__set_sport(b, sport, strlen(sport)) == HM_OK);
    for (i = 0; i < n; i++) {
        hm_point p;
        hm_point__init(&p);
        p.lat = 46.0 + (from_m + step * (double)i) * M_DEG;
        p.lon = 14.5;
        p.time = start + (double)i;
        CU_ASSERT_FATAL(hm_builder__add_point(b, &p) == HM_OK);
    }
}

/* Level-k pixel of a position, with the web mercator formula. */
static void web_pixel(const hm_raster *r, int level, double lat, double lon, int *px, int *py)
{
    hm_grid_info g;
    double x = 6378137.0 * lon * PI / 180.0, y = 6378137.0 * log(tan(PI / 4 + lat * PI / 360.0));
    double res;

    hm_raster_get_grid(r, &g);
    res = g.resolution * ldexp(1.0, level);
    *px = (int)floor((x - g.origin_x) / res);
    *py = (int)floor((g.origin_y - y) / res);
}

/* The activities of the level-k pixel `north_m` metres north of 46 N on 14.5 E (dx pixels
 * east of it), as a bit set. */
static unsigned acts_at(const hm_raster *r, hm_ctx *ctx, int level, double north_m, int dx)
{
    size_t *acts = NULL, n = 0, i;
    unsigned set = 0;
    int px, py;

    web_pixel(r, level, 46.0 + north_m * M_DEG, 14.5, &px, &py);
    CU_ASSERT_FATAL(hm_raster_query_pixel(&acts, &n, r, ctx, level, px + dx, py) == HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(acts);
    for (i = 0; i < n; i++) {
        CU_ASSERT(i == 0 || acts[i] > acts[i - 1]); /* increasing */
        CU_ASSERT_FATAL(acts[i] < 32);
        set |= 1u << acts[i];
    }
    hm_ctx_free_mem(ctx, acts);
    return set;
}

/* Three runs over known stretches (0-295 m, 100-395 m, 200-495 m), the second cycling,
 * and a copy of the first (a duplicate: same start, start point and length). */
static hm_file *three_runs(hm_ctx *ctx)
{
    hm_builder *b;
    hm_file *f = NULL;

    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "runs.gpx", HM_FORMAT_GPX) == HM_OK);
    run_north(b, "running", T0, 0.0, 60, 5.0);
    run_north(b, "cycling", T0 + DAY, 100.0, 60, 5.0);
    run_north(b, "running", T0 + 2 * DAY, 200.0, 60, 5.0);
    run_north(b, "running", T0, 0.0, 60, 5.0);
    CU_ASSERT_FATAL(hm_builder__finish(b, &f) == HM_OK);
    hm_builder__free(b);
    return f;
}

static void test_query__known_stretches(void)
{
    char *running[] = {"running"};
    struct hm_spec spec;
    hm_raster *r;
    hm_ctx *ctx;
    hm_file *f;
    hm_grid_info g;
    size_t dup, kept;
    int level;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    f = three_runs(ctx);

    /* Without DEDUPE the copy is drawn too. */
    spec_init(&spec);
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    CU_ASSERT_EQUAL(hm_raster_get_duplicate_count(r), 0);
    hm_raster_get_grid(r, &g);
    CU_ASSERT_FATAL(g.level_count >= 3);
    for (level = 0; level < g.level_count; level++) {
        CU_ASSERT_EQUAL(acts_at(r, ctx, level, 50.0, 0), 0x9u);
        CU_ASSERT_EQUAL(acts_at(r, ctx, level, 150.0, 0), 0xbu);
        CU_ASSERT_EQUAL(acts_at(r, ctx, level, 250.0, 0), 0xfu);
        CU_ASSERT_EQUAL(acts_at(r, ctx, level, 350.0, 0), 0x6u);
        CU_ASSERT_EQUAL(acts_at(r, ctx, level, 450.0, 0), 0x4u);
        CU_ASSERT_EQUAL(acts_at(r, ctx, level, 250.0, 3), 0u); /* beside the line */
        CU_ASSERT_EQUAL(acts_at(r, ctx, level, 250.0, -3), 0u);
    }
    hm_raster_free(r);

    /* DEDUPE: the copy (activity 3) is left out, the first recording kept. */
    spec.dedupe = 1;
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_raster_get_duplicate_count(r), 1);
    hm_raster_get_duplicate(r, 0, &dup, &kept);
    CU_ASSERT_EQUAL(dup, 3);
    CU_ASSERT_EQUAL(kept, 0);
    for (level = 0; level < g.level_count; level++) {
        CU_ASSERT_EQUAL(acts_at(r, ctx, level, 50.0, 0), 0x1u);
        CU_ASSERT_EQUAL(acts_at(r, ctx, level, 250.0, 0), 0x7u);
    }
    hm_raster_free(r);

    /* SPORT=running: the cycling activity is not listed. */
    spec.sports = running;
    spec.nsports = 1;
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    CU_ASSERT_EQUAL(acts_at(r, ctx, 0, 150.0, 0), 0x1u);
    CU_ASSERT_EQUAL(acts_at(r, ctx, 0, 250.0, 0), 0x5u);
    CU_ASSERT_EQUAL(acts_at(r, ctx, 0, 350.0, 0), 0x4u);
    hm_raster_free(r);

    /* DATE_FROM after the first two. */
    spec_init(&spec);
    spec.date_from = T0 + 1.5 * DAY;
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    CU_ASSERT_EQUAL(acts_at(r, ctx, 0, 250.0, 0), 0x4u);
    CU_ASSERT_EQUAL(acts_at(r, ctx, 1, 150.0, 0), 0x0u);
    hm_raster_free(r);

    hm_file_free(f);
    hm_ctx_free(ctx);
}

/* ---- oracle: the list is what the count band counts ---------------------------------- */

#define WIN 40 /* side of the window checked per level, pixels */

/* The count band over the window [x0, x0 + WIN) x [y0, y0 + WIN) of level k (w x h), from
 * the blocks that hold it, as GDAL reads it. */
static void window_count(const hm_raster *r, hm_ctx *ctx, int k, int x0, int y0, int w, int h,
                         float *block, float *out)
{
    float *bands[HM_BAND_MAX] = {NULL};
    int bx, by, x, y;

    bands[HM_BAND_COUNT] = block;
    for (by = y0 / B; by <= (y0 + WIN - 1) / B && by * B < h; by++)
        for (bx = x0 / B; bx <= (x0 + WIN - 1) / B && bx * B < w; bx++) {
            CU_ASSERT_FATAL(hm_raster_render_block(r, ctx, k, bx, by, bands) == HM_OK);
            for (y = y0; y < y0 + WIN; y++)
                for (x = x0; x < x0 + WIN; x++)
                    if (x / B == bx && y / B == by)
                        out[(y - y0) * WIN + (x - x0)] = block[(y % B) * B + x % B];
        }
}

static void test_query__equals_count_band(void)
{
    enum { NACTS = 8 };
    float *block = malloc((size_t)B * B * sizeof(float));
    float *count = malloc((size_t)WIN * WIN * sizeof(float));
    float *alone = malloc((size_t)WIN * WIN * sizeof(float));
    unsigned *drawn = malloc((size_t)WIN * WIN * sizeof(unsigned));
    float *bands[HM_BAND_MAX] = {NULL};
    float *one[HM_BAND_MAX] = {NULL};
    uint64_t only[1];
    uint32_t seed = 4242;
    struct hm_spec spec;
    hm_builder *b;
    hm_raster *r;
    hm_ctx *ctx;
    hm_file *f = NULL;
    hm_grid_info g;
    size_t checked = 0, listed = 0;
    int a, k;

    CU_ASSERT_FATAL(block && count && alone && drawn);
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "walks.gpx", HM_FORMAT_GPX) == HM_OK);
    /* Random walks crossing each other in a small area, steps of 2-14 m. */
    for (a = 0; a < NACTS; a++) {
        double lat = 46.0 + (double)a * 40.0 * M_DEG, lon = 14.5, heading = 0.3 * a;
        size_t j;

        CU_ASSERT_FATAL(hm_builder__begin_activity(b) == HM_OK);
        for (j = 0; j < 400; j++) {
            hm_point p;
            double step;
            seed = seed * 1664525u + 1013904223u;
            heading += ((double)(seed >> 8) / 16777216.0 - 0.5) * 1.5;
            seed = seed * 1664525u + 1013904223u;
            step = 2.0 + 12.0 * (double)(seed >> 8) / 16777216.0;
            lat += step * cos(heading) * M_DEG;
            lon += step * sin(heading) * M_DEG / cos(46.0 * PI / 180.0);
            hm_point__init(&p);
            p.lat = lat;
            p.lon = lon;
            p.time = T0 + DAY * a + 4.0 * (double)j;
            CU_ASSERT_FATAL(hm_builder__add_point(b, &p) == HM_OK);
        }
    }
    CU_ASSERT_FATAL(hm_builder__finish(b, &f) == HM_OK);
    hm_builder__free(b);
    spec_init(&spec);
    spec.zoom = 16;
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    hm_raster_get_grid(r, &g);
    CU_ASSERT_FATAL(g.level_count >= 3);
    bands[HM_BAND_COUNT] = block;
    one[HM_BAND_COUNT] = alone;

    for (k = 0; k < g.level_count; k++) {
        hm_render_view v = *hm_raster__get_view(r, k);
        int w, h, bx, by, best = -1, x0 = 0, y0 = 0, x, y, i;

        /* The window around the pixel with the most activities. */
        hm_raster_get_level_size(r, k, &w, &h);
        for (by = 0; by * B < h; by++)
            for (bx = 0; bx * B < w; bx++) {
                CU_ASSERT_FATAL(hm_raster_render_block(r, ctx, k, bx, by, bands) == HM_OK);
                for (i = 0; i < B * B; i++)
                    if ((int)block[i] > best) {
                        best = (int)block[i];
                        x0 = bx * B + i % B;
                        y0 = by * B + i / B;
                    }
            }
        CU_ASSERT_FATAL(best >= 2);
        x0 = x0 < WIN / 2 ? 0 : x0 - WIN / 2;
        y0 = y0 < WIN / 2 ? 0 : y0 - WIN / 2;
        window_count(r, ctx, k, x0, y0, w, h, block, count);

        /* Which activities draw each pixel, each rendered alone through the level's view. */
        memset(drawn, 0, (size_t)WIN * WIN * sizeof(unsigned));
        for (a = 0; a < NACTS; a++) {
            only[0] = (uint64_t)1 << a;
            v.selected = only;
            CU_ASSERT_FATAL(hm_render__window(ctx, &v, x0, y0, WIN, WIN, one) == HM_OK);
            for (i = 0; i < WIN * WIN; i++)
                if (alone[i] > 0.0f)
                    drawn[i] |= 1u << a;
        }
        for (y = y0; y < y0 + WIN && y < h; y++)
            for (x = x0; x < x0 + WIN && x < w; x++) {
                int p = (y - y0) * WIN + (x - x0);
                size_t *acts, n, j;
                unsigned got = 0;

                CU_ASSERT_FATAL(hm_raster_query_pixel(&acts, &n, r, ctx, k, x, y) == HM_OK);
                CU_ASSERT_EQUAL(n, (size_t)count[p]);
                for (j = 0; j < n; j++)
                    got |= 1u << acts[j];
                CU_ASSERT_EQUAL(got, drawn[p]);
                hm_ctx_free_mem(ctx, acts);
                checked++;
                listed += n;
            }
    }
    CU_ASSERT(checked >= (size_t)WIN * WIN);
    CU_ASSERT(listed > 100);
    hm_raster_free(r);
    hm_file_free(f);
    hm_ctx_free(ctx);
    free(block);
    free(count);
    free(alone);
    free(drawn);
}

/* ---- errors ------------------------------------------------------------------------- */

static void test_query__errors_and_alloc_failures(void)
{
    hm_test_alloc ta = {-1, 0, 0, 0};
    hm_allocator al = hm_test_alloc_make(&ta);
    struct hm_spec spec;
    hm_raster *r;
    hm_ctx *ctx, *cctx;
    hm_file *f;
    hm_grid_info g;
    size_t *acts = (size_t *)&spec, n = 7, total, i;
    int w, h, px, py;
    long live;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    f = three_runs(ctx);
    spec_init(&spec);
    CU_ASSERT_FATAL(
        hm_raster__new_from_files(&r, ctx, &spec, "mem", (const hm_file *const *)&f, 1) == HM_OK);
    hm_raster_get_grid(r, &g);
    hm_raster_get_level_size(r, 1, &w, &h);

    CU_ASSERT_EQUAL(hm_raster_query_pixel(&acts, &n, r, ctx, g.level_count, 0, 0), HM_EINVAL);
    CU_ASSERT_PTR_NULL(acts);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT(strncmp(hm_ctx_last_error(ctx)->message, "no level ", 9) == 0);
    CU_ASSERT_EQUAL(hm_raster_query_pixel(&acts, &n, r, ctx, -1, 0, 0), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_raster_query_pixel(&acts, &n, r, ctx, 1, w, 0), HM_EINVAL);
    CU_ASSERT(strncmp(hm_ctx_last_error(ctx)->message, "no pixel (", 10) == 0);
    CU_ASSERT_EQUAL(hm_raster_query_pixel(&acts, &n, r, ctx, 1, 0, h), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_raster_query_pixel(&acts, &n, r, ctx, 1, -1, 0), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_raster_query_pixel(&acts, &n, r, ctx, 1, 0, -1), HM_EINVAL);
    hm_ctx_clear_error(ctx);

    /* An empty pixel: an empty list, never NULL. */
    CU_ASSERT_EQUAL_FATAL(hm_raster_query_pixel(&acts, &n, r, ctx, 1, 0, 0), HM_OK);
    CU_ASSERT_PTR_NOT_NULL(acts);
    CU_ASSERT_EQUAL(n, 0);
    hm_ctx_free_mem(ctx, acts);

    /* Every allocation failing in turn: HM_ENOMEM, nothing returned, nothing leaked. */
    web_pixel(r, 0, 46.0 + 250.0 * M_DEG, 14.5, &px, &py);
    CU_ASSERT_FATAL(hm_ctx_new(&cctx, &al) == HM_OK);
    live = ta.live;
    ta.count = 0;
    CU_ASSERT_FATAL(hm_raster_query_pixel(&acts, &n, r, cctx, 0, px, py) == HM_OK);
    CU_ASSERT_EQUAL(n, 4);
    hm_ctx_free_mem(cctx, acts);
    total = (size_t)ta.count;
    CU_ASSERT(total >= 2);
    for (i = 0; i < total; i++) {
        ta.count = 0;
        ta.fail_at = (long)i;
        CU_ASSERT_EQUAL(hm_raster_query_pixel(&acts, &n, r, cctx, 0, px, py), HM_ENOMEM);
        CU_ASSERT_PTR_NULL(acts);
        CU_ASSERT_EQUAL(n, 0);
        CU_ASSERT_EQUAL(ta.live, live);
    }
    ta.fail_at = -1;
    hm_ctx_free(cctx);
    hm_raster_free(r);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

void hm_test_query_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_query__known_stretches", test_query__known_stretches},
        {"test_query__equals_count_band", test_query__equals_count_band},
        {"test_query__errors_and_alloc_failures", test_query__errors_and_alloc_failures},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("query", tests);
}
