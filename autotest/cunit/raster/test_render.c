/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/raster/render.c. Tracks are given directly in level-0 pixel
 * coordinates (an index built by hand), so expected pixels can be worked out
 * by hand or by the brute-force reference below: a pixel is hit by a
 * segment when the segment meets the pixel's square (Liang-Barsky clipping,
 * independent of the renderer's row-span traversal). Coordinates are chosen
 * off the pixel lines (.3, .7, random doubles), where closed and half-open
 * squares agree.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"
#include "raster/render_int.h"
#include "test_util.h"

#define B 256
#define NPIX (B * B)

static float band_mem[HM_BAND_MAX][NPIX];

static float *const all_bands[HM_BAND_MAX] = {band_mem[0], band_mem[1], band_mem[2], band_mem[3],
                                              band_mem[4]};

/* One polyline of an activity, in level-0 pixels, with optional per-segment attributes. */
typedef struct trk {
    const double *xy;        /* 2 * n */
    size_t n;                /* points */
    uint32_t act;            /* activity */
    const hm_seg_attr *attr; /* n - 1 attributes, or NULL for zeros */
} trk;

/* Start days of the activities of the index made last (the store keeps them; here, a test). */
static double act_days[64];
/* What hm_render__* draw from: the index, a level, and act_days; every activity unless
 * `selected` says otherwise. */
static const uint64_t *selected;

static const hm_render_view *V(const hm_index *idx, int level)
{
    static hm_render_view v;

    v.index = idx;
    v.level = level;
    v.exp = HM_GRID_UNIT_BITS + level; /* grid level k = index level k */
    v.ox = 0;
    v.oy = 0;
    v.act_days = act_days;
    v.selected = selected;
    return &v;
}

static hm_index *make_index(hm_ctx *ctx, const trk *t, size_t nt, size_t nacts,
                            const double *start_s, int nlevels)
{
    hm_runs runs;
    hm_index *idx = NULL;
    size_t i, total = 0, k = 0;

    for (i = 0; i < nt; i++)
        total += t[i].n;
    memset(&runs, 0, sizeof(runs));
    runs.xy = hm_ctx__calloc(ctx, total, 2 * sizeof(double));
    runs.seg = hm_ctx__calloc(ctx, total, sizeof(hm_seg_attr));
    runs.run_first = hm_ctx__calloc(ctx, nt + 1, sizeof(size_t));
    runs.run_act = hm_ctx__calloc(ctx, nt, sizeof(uint32_t));
    CU_ASSERT_FATAL(runs.xy && runs.seg && runs.run_first && runs.run_act);
    for (i = 0; i < nt; i++) {
        size_t j;
        runs.run_first[i] = k;
        runs.run_act[i] = t[i].act;
        for (j = 0; j < t[i].n; j++, k++) {
            runs.xy[2 * k] = t[i].xy[2 * j];
            runs.xy[2 * k + 1] = t[i].xy[2 * j + 1];
            if (t[i].attr && j + 1 < t[i].n)
                runs.seg[k] = t[i].attr[j];
        }
    }
    runs.run_first[nt] = k;
    runs.npoints = k;
    runs.nruns = nt;
    CU_ASSERT_FATAL(nacts <= 64);
    for (i = 0; i < nacts; i++)
        act_days[i] = start_s ? start_s[i] / 86400.0 : NAN;
    selected = NULL;
    CU_ASSERT_FATAL(hm_index__build_grid(&idx, ctx, &runs, nlevels) == HM_OK);
    hm_runs__free(&runs, ctx);
    return idx;
}

/* 1 when the segment meets the closed box (Liang-Barsky). */
static int seg_meets_box(double x0, double y0, double x1, double y1, double bx0, double by0,
                         double bx1, double by1)
{
    double p[4], q[4], t0 = 0.0, t1 = 1.0;
    int k;

    p[0] = -(x1 - x0), q[0] = x0 - bx0;
    p[1] = x1 - x0, q[1] = bx1 - x0;
    p[2] = -(y1 - y0), q[2] = y0 - by0;
    p[3] = y1 - y0, q[3] = by1 - y0;
    for (k = 0; k < 4; k++) {
        if (p[k] == 0.0) {
            if (q[k] < 0.0)
                return 0;
        } else {
            double r = q[k] / p[k];
            if (p[k] < 0.0) {
                if (r > t0)
                    t0 = r;
            } else if (r < t1) {
                t1 = r;
            }
        }
    }
    return t0 <= t1;
}

/* Brute-force bands of an area of w x h pixels at the given scale (pixel size `cell` in level-0
 * px). */
typedef struct ref_px {
    int count;
    double pace_sum;
    int pace_n;
    double hr_sum;
    int hr_n;
    double recency;
} ref_px;

static ref_px *reference(const trk *t, size_t nt, size_t nacts, const double *start_s, int w, int h,
                         double cell)
{
    ref_px *ref = calloc((size_t)w * h, sizeof(*ref));
    size_t a, i, px;

    for (px = 0; px < (size_t)w * h; px++)
        ref[px].recency = NAN;
    for (a = 0; a < nacts; a++) {
        for (px = 0; px < (size_t)w * h; px++) {
            double bx0 = (double)(px % w) * cell, by0 = (double)(px / w) * cell;
            double dt = 0, len = 0, hs = 0, hn = 0;
            int any = 0;
            for (i = 0; i < nt; i++) {
                size_t j;
                if (t[i].act != a)
                    continue;
                for (j = 0; j + 1 < t[i].n; j++) {
                    const double *p = t[i].xy + 2 * j;
                    if (!seg_meets_box(p[0], p[1], p[2], p[3], bx0, by0, bx0 + cell, by0 + cell))
                        continue;
                    any = 1;
                    if (t[i].attr) {
                        dt += t[i].attr[j].dt;
                        len += t[i].attr[j].len;
                        hs += t[i].attr[j].hr_sum;
                        hn += t[i].attr[j].hr_n;
                    }
                }
            }
            if (!any)
                continue;
            ref[px].count++;
            if (len > 0) {
                ref[px].pace_sum += dt / len * 1000.0;
                ref[px].pace_n++;
            }
            if (hn > 0) {
                ref[px].hr_sum += hs / hn;
                ref[px].hr_n++;
            }
            if (start_s && !isnan(start_s[a])) {
                double d = start_s[a] / 86400.0;
                if (isnan(ref[px].recency) || d > ref[px].recency)
                    ref[px].recency = d;
            }
        }
    }
    return ref;
}

/* Render every block of a w x h level and compare each band with the reference. */
static int compare_level(hm_ctx *ctx, const hm_index *idx, int level, int w, int h,
                         const ref_px *ref)
{
    int bx, by, bad = 0;

    for (by = 0; by * B < h; by++) {
        for (bx = 0; bx * B < w; bx++) {
            int x, y;
            CU_ASSERT_FATAL(hm_render__block(ctx, V(idx, level), w, h, bx, by, all_bands) == HM_OK);
            for (y = 0; y < B; y++) {
                for (x = 0; x < B; x++) {
                    int gx = bx * B + x, gy = by * B + y, p = y * B + x;
                    const ref_px *r;
                    if (gx >= w || gy >= h) {
                        bad += band_mem[HM_BAND_COUNT][p] != 0.0f;
                        continue;
                    }
                    r = &ref[(size_t)gy * w + gx];
                    bad += band_mem[HM_BAND_COUNT][p] != (float)r->count;
                    bad += fabsf(band_mem[HM_BAND_LOG_COUNT][p] - (float)log1p(r->count)) > 1e-6f;
                    if (r->pace_n)
                        bad += fabs(band_mem[HM_BAND_PACE][p] - r->pace_sum / r->pace_n) >
                               1e-4 * (r->pace_sum / r->pace_n);
                    else
                        bad += !isnan(band_mem[HM_BAND_PACE][p]);
                    if (r->hr_n)
                        bad += fabs(band_mem[HM_BAND_HR][p] - r->hr_sum / r->hr_n) > 1e-3;
                    else
                        bad += !isnan(band_mem[HM_BAND_HR][p]);
                    if (!isnan(r->recency))
                        bad += fabs(band_mem[HM_BAND_RECENCY][p] - r->recency) > 1e-3;
                    else
                        bad += !isnan(band_mem[HM_BAND_RECENCY][p]);
                }
            }
        }
    }
    return bad;
}

static void test_render__identical_tracks(void)
{
    static const double line[] = {10.3, 20.7, 120.6, 61.2, 200.3, 90.7};
    trk t[5];
    hm_ctx *ctx;
    hm_index *idx;
    ref_px *ref;
    size_t i, on = 0;
    int p;

    for (i = 0; i < 5; i++) {
        t[i].xy = line;
        t[i].n = 3;
        t[i].act = (uint32_t)i;
        t[i].attr = NULL;
    }
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    idx = make_index(ctx, t, 5, 5, NULL, 1);
    CU_ASSERT_FATAL(hm_render__block(ctx, V(idx, 0), 256, 256, 0, 0, all_bands) == HM_OK);
    ref = reference(t, 1, 1, NULL, 256, 256, 1.0); /* one of them: 1 where the line is */
    for (p = 0; p < NPIX; p++) {
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][p], ref[p].count ? 5.0f : 0.0f);
        on += ref[p].count;
    }
    /* The line starts in pixel (10, 20), ends in (200, 90); beside it nothing. */
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][20 * B + 10], 5.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][90 * B + 200], 5.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][90 * B + 10], 0.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][20 * B + 200], 0.0f);
    CU_ASSERT(on >= 191 &&
              on <= 191 + 71 + 2); /* every column and row crossed, a line not a blob */
    HM_ASSERT_NEAR(band_mem[HM_BAND_LOG_COUNT][20 * B + 10], log(6.0), 1e-6);
    HM_ASSERT_NAN(band_mem[HM_BAND_PACE][20 * B + 10]); /* no attributes: no pace, no HR */
    HM_ASSERT_NAN(band_mem[HM_BAND_HR][20 * B + 10]);
    HM_ASSERT_NAN(band_mem[HM_BAND_RECENCY][20 * B + 10]);
    free(ref);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

static void test_render__out_and_back(void)
{
    /* Out along row 40, back along the same line, and a lap around a square twice. */
    static const double out_back[] = {5.5, 40.5, 100.5, 40.5, 180.25, 40.5, 100.5, 40.5, 5.5, 40.5};
    static const double laps[] = {20.5,  100.5, 60.5,  100.5, 60.5,  140.5, 20.5,  140.5, 20.5,
                                  100.5, 60.5,  100.5, 60.5,  140.5, 20.5,  140.5, 20.5,  100.5};
    trk t[2] = {{out_back, 5, 0, NULL}, {laps, 9, 1, NULL}};
    hm_ctx *ctx;
    hm_index *idx;
    int p, x, hits = 0;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    idx = make_index(ctx, t, 2, 2, NULL, 1);
    CU_ASSERT_FATAL(hm_render__block(ctx, V(idx, 0), 256, 256, 0, 0, all_bands) == HM_OK);
    for (p = 0; p < NPIX; p++) {
        CU_ASSERT(band_mem[HM_BAND_COUNT][p] == 0.0f || band_mem[HM_BAND_COUNT][p] == 1.0f);
        hits += band_mem[HM_BAND_COUNT][p] != 0.0f;
    }
    for (x = 5; x <= 180; x++)
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][40 * B + x], 1.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][40 * B + 181], 0.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][39 * B + 100], 0.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][41 * B + 100], 0.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][100 * B + 20], 1.0f); /* lap corner */
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][120 * B + 40], 0.0f); /* inside the lap */
    /* 176 pixels on the out-and-back row + the square's outline of 41 x 41 pixels. */
    CU_ASSERT_EQUAL(hits, 176 + 4 * 40);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

static void test_render__parallel_tracks_one_pixel_apart(void)
{
    static const double a[] = {10.2, 50.5, 240.8, 50.5};
    static const double b[] = {10.2, 51.5, 240.8, 51.5};
    /* And two diagonals one pixel apart horizontally. */
    static const double c[] = {10.5, 100.3, 110.5, 200.7};
    static const double d[] = {11.5, 100.3, 111.5, 200.7};
    trk t[4] = {{a, 2, 0, NULL}, {b, 2, 1, NULL}, {c, 2, 2, NULL}, {d, 2, 3, NULL}};
    hm_ctx *ctx;
    hm_index *idx;
    ref_px *ref;
    int x, y, p;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    idx = make_index(ctx, t, 4, 4, NULL, 1);
    CU_ASSERT_FATAL(hm_render__block(ctx, V(idx, 0), 256, 256, 0, 0, all_bands) == HM_OK);
    for (x = 10; x <= 240; x++) {
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][50 * B + x], 1.0f);
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][51 * B + x], 1.0f);
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][49 * B + x], 0.0f);
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][52 * B + x], 0.0f);
    }
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][50 * B + 9], 0.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][50 * B + 241], 0.0f);
    /* Diagonals: pixels where both pass hold 2, the others 1, as brute force says. */
    ref = reference(t, 4, 4, NULL, 256, 256, 1.0);
    for (y = 95; y < 205; y++)
        for (x = 0; x < 256; x++) {
            p = y * B + x;
            CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][p], (float)ref[p].count);
        }
    /* Row 150: c spans x 60.002..60.998, d one pixel to the right: apart. */
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][150 * B + 59], 0.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][150 * B + 60], 1.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][150 * B + 61], 1.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][150 * B + 62], 0.0f);
    free(ref);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

static void test_render__seam_no_gap_no_double(void)
{
    /* Lines across the four blocks of a 512 x 512 level, crossing both seams and the corner;
     * one nearly along the vertical seam, one through points on it. */
    static const double l1[] = {30.3, 40.7, 480.2, 470.9};
    static const double l2[] = {250.6, 10.3, 261.7, 500.2};
    static const double l3[] = {10.3, 300.7, 256.0, 255.3, 500.9, 200.1}; /* vertex on x = 256 */
    static const double l4[] = {255.9, 20.2, 256.1, 490.3};
    trk t[4] = {{l1, 2, 0, NULL}, {l2, 2, 1, NULL}, {l3, 3, 2, NULL}, {l4, 2, 3, NULL}};
    hm_ctx *ctx;
    hm_index *idx;
    ref_px *ref;
    int by, bx, x, y, seam_hits = 0;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    idx = make_index(ctx, t, 4, 4, NULL, 1);
    ref = reference(t, 4, 4, NULL, 512, 512, 1.0);
    CU_ASSERT_EQUAL(compare_level(ctx, idx, 0, 512, 512, ref), 0);
    /* Each activity alone is 0 or 1 everywhere (no double count at a seam). */
    for (by = 0; by < 2; by++)
        for (bx = 0; bx < 2; bx++) {
            CU_ASSERT_FATAL(hm_render__block(ctx, V(idx, 0), 512, 512, bx, by, all_bands) == HM_OK);
            for (y = 0; y < B; y++)
                for (x = 0; x < B; x++) {
                    float c = band_mem[HM_BAND_COUNT][y * B + x];
                    CU_ASSERT(c >= 0.0f && c <= 4.0f);
                    if ((bx == 0 && x == B - 1) || (bx == 1 && x == 0))
                        seam_hits += c > 0.0f;
                }
        }
    CU_ASSERT(seam_hits > 8);
    free(ref);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

/* Pixels are half-open squares: a line through pixel corners or along pixel lines takes
 * exactly the pixels that contain its points. */
static void test_render__exact_corner_crossing(void)
{
    static const double diag[] = {0.5, 0.5, 4.5, 4.5};         /* through (1,1), (2,2), ... */
    static const double anti[] = {14.5, 0.5, 10.5, 4.5};       /* through (14,1), (13,2), ... */
    static const double row_line[] = {20.3, 50.0, 30.7, 50.0}; /* along y = 50 */
    static const double col_line[] = {40.0, 60.3, 40.0, 70.7}; /* along x = 40 */
    static const int anti_px[][2] = {{14, 0}, {14, 1}, {13, 1}, {13, 2}, {12, 2},
                                     {12, 3}, {11, 3}, {11, 4}, {10, 4}};
    trk t[4] = {
        {diag, 2, 0, NULL}, {anti, 2, 1, NULL}, {row_line, 2, 2, NULL}, {col_line, 2, 3, NULL}};
    hm_ctx *ctx;
    hm_index *idx;
    int i, hits = 0;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    idx = make_index(ctx, t, 4, 4, NULL, 1);
    CU_ASSERT_FATAL(hm_render__block(ctx, V(idx, 0), 256, 256, 0, 0, all_bands) == HM_OK);
    for (i = 0; i < NPIX; i++)
        hits += band_mem[HM_BAND_COUNT][i] != 0.0f;
    CU_ASSERT_EQUAL(hits, 5 + 9 + 11 + 11);
    for (i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][i * B + i], 1.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][0 * B + 1], 0.0f);
    CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][1 * B + 0], 0.0f);
    for (i = 0; i < 9; i++)
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][anti_px[i][1] * B + anti_px[i][0]], 1.0f);
    for (i = 20; i <= 30; i++) {
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][50 * B + i], 1.0f);
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][49 * B + i], 0.0f);
    }
    for (i = 60; i <= 70; i++) {
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][i * B + 40], 1.0f);
        CU_ASSERT_EQUAL(band_mem[HM_BAND_COUNT][i * B + 39], 0.0f);
    }
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

static uint64_t rng_state;

static double rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

enum { RAND_NT = 40, RAND_NP = 8, RAND_NACT = 12 };

/* RAND_NT random polylines of RAND_NACT activities over about 700 x 700 pixels, with
 * attributes (some without duration, length or heart rate) and start times (every fourth
 * unknown). */
static void random_tracks(trk t[RAND_NT], double start[RAND_NACT])
{
    enum { NT = RAND_NT, NP = RAND_NP, NACT = RAND_NACT };
    static double xy[NT][2 * NP];
    static hm_seg_attr attr[NT][NP];
    int i, j;

    rng_state = 0x1234567887654321ull;
    for (i = 0; i < NACT; i++)
        start[i] = i % 4 == 3 ? NAN : 1.6e9 + rnd() * 1e8;
    for (i = 0; i < NT; i++) {
        double x = rnd() * 700.0 - 100.0, y = rnd() * 700.0 - 100.0, step = 5.0 + rnd() * 120.0;
        t[i].xy = xy[i];
        t[i].n = 2 + (size_t)(rnd() * (NP - 2));
        t[i].act = (uint32_t)(i * NACT / NT);
        t[i].attr = attr[i];
        for (j = 0; j < (int)t[i].n; j++) {
            xy[i][2 * j] = x;
            xy[i][2 * j + 1] = y;
            x += (rnd() - 0.5) * 2 * step;
            y += (rnd() - 0.5) * 2 * step;
            attr[i][j].dt = rnd() < 0.2 ? 0.0f : (float)(1.0 + rnd() * 30);
            attr[i][j].len = attr[i][j].dt > 0 ? (float)(3.0 + rnd() * 100) : 0.0f;
            attr[i][j].hr_n = rnd() < 0.3 ? 0.0f : 1.0f;
            attr[i][j].hr_sum = attr[i][j].hr_n * (float)(100 + rnd() * 80);
        }
    }
}

static void test_render__random_vs_brute_force(void)
{
    enum { NT = RAND_NT, NACT = RAND_NACT };
    double start[NACT];
    trk t[NT];
    hm_ctx *ctx;
    hm_index *idx;
    ref_px *ref;
    int i;

    random_tracks(t, start);
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    idx = make_index(ctx, t, NT, NACT, start, 1);
    /* 500 x 470: the last blocks are partial. */
    ref = reference(t, NT, NACT, start, 500, 470, 1.0);
    CU_ASSERT_EQUAL(compare_level(ctx, idx, 0, 500, 470, ref), 0);
    free(ref);
    /* A filter selects at render time: the same index, only the even activities drawn. */
    {
        static const uint64_t even = 0x555ull; /* activities 0, 2, ..., 10 */
        trk sub[NT];
        int n = 0;
        for (i = 0; i < NT; i++)
            if (t[i].act % 2 == 0)
                sub[n++] = t[i];
        selected = &even;
        ref = reference(sub, (size_t)n, NACT, start, 500, 470, 1.0);
        CU_ASSERT_EQUAL(compare_level(ctx, idx, 0, 500, 470, ref), 0);
        free(ref);
        selected = NULL;
    }
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

/* 1 when a layer's pixel list is the non-empty pixels of a block's bands, in pixel order,
 * with the same bits (log_count is the count's). */
static int same_as_bands(const hm_render_pixel *px, size_t n, float *const bands[HM_BAND_MAX])
{
    size_t i, k = 0;

    for (i = 0; i < NPIX; i++) {
        float count = bands[HM_BAND_COUNT][i];
        if (!(count > 0.0f))
            continue;
        if (k == n || px[k].pos != i || (float)px[k].count != count ||
            memcmp(&px[k].pace, &bands[HM_BAND_PACE][i], sizeof(float)) != 0 ||
            memcmp(&px[k].hr, &bands[HM_BAND_HR][i], sizeof(float)) != 0 ||
            memcmp(&px[k].recency, &bands[HM_BAND_RECENCY][i], sizeof(float)) != 0)
            return 0;
        k++;
    }
    return k == n;
}

/*
 * Several selections in one pass (hm_render__block_layers): each layer is the block that a
 * render of its selection alone gives, as its non-empty pixels, bit for bit; and the one
 * layer checked against the brute force is right. Layers overlap, one activity is in none,
 * one layer is empty here.
 */
static void test_render__layers_match_single_renders(void)
{
    enum { NT = RAND_NT, NACT = RAND_NACT, NL = 4, W = 500, H = 470 };
    /* Layer l draws the activities of bits[l]: all but 11; the even ones; a mix; none. */
    static const uint64_t bits[NL] = {0x7ffull, 0x555ull, 0x12eull, 0x0ull};
    static hm_render_pixel layer_mem[NL][NPIX];
    hm_render_pixel *pixels[NL];
    size_t npixels[NL], nonempty[NL] = {0};
    uint32_t act_layers[NACT];
    double start[NACT];
    trk t[NT], sub[NT];
    hm_ctx *ctx;
    hm_index *idx;
    ref_px *ref;
    int i, l, bx, by, n = 0, differ = 0;

    random_tracks(t, start);
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    idx = make_index(ctx, t, NT, NACT, start, 1);
    for (i = 0; i < NACT; i++) {
        act_layers[i] = 0;
        for (l = 0; l < NL; l++)
            act_layers[i] |= (uint32_t)(bits[l] >> i & 1u) << l;
    }
    for (l = 0; l < NL; l++)
        pixels[l] = layer_mem[l];
    for (by = 0; by * B < H; by++) {
        for (bx = 0; bx * B < W; bx++) {
            CU_ASSERT_FATAL(hm_render__block_layers(ctx, V(idx, 0), W, H, bx, by, act_layers, NL,
                                                    pixels, npixels) == HM_OK);
            for (l = 0; l < NL; l++) {
                selected = &bits[l];
                CU_ASSERT_FATAL(hm_render__block(ctx, V(idx, 0), W, H, bx, by, all_bands) ==
                                HM_OK);
                selected = NULL;
                differ += !same_as_bands(pixels[l], npixels[l], all_bands);
                nonempty[l] += npixels[l];
            }
        }
    }
    CU_ASSERT_EQUAL(differ, 0);
    CU_ASSERT(nonempty[0] > nonempty[1] && nonempty[1] > 0 && nonempty[2] > 0);
    CU_ASSERT_EQUAL(nonempty[3], 0);
    /* The mix, against the brute force (rendered alone, as the layer is). */
    for (i = 0; i < NT; i++)
        if (bits[2] >> t[i].act & 1u)
            sub[n++] = t[i];
    ref = reference(sub, (size_t)n, NACT, start, W, H, 1.0);
    selected = &bits[2];
    CU_ASSERT_EQUAL(compare_level(ctx, idx, 0, W, H, ref), 0);
    selected = NULL;
    free(ref);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

/* Dense tracks (steps under a pixel, many points per pixel, which level 0 merges exactly). */
static void test_render__dense_tracks_vs_brute_force(void)
{
    enum { NT = 12, NP = 600, NACT = 5 };
    static double xy[NT][2 * NP];
    static hm_seg_attr attr[NT][NP];
    double start[NACT];
    trk t[NT];
    hm_ctx *ctx;
    hm_index *idx;
    ref_px *ref;
    int i, j;

    rng_state = 0xABCDEF0123456789ull;
    for (i = 0; i < NACT; i++)
        start[i] = 1.5e9 + 1e6 * i;
    for (i = 0; i < NT; i++) {
        double x = 50 + rnd() * 200.0, y = 50 + rnd() * 200.0, ang = rnd() * 6.3;
        t[i].xy = xy[i];
        t[i].n = NP;
        t[i].act = (uint32_t)(i * NACT / NT);
        t[i].attr = attr[i];
        for (j = 0; j < NP; j++) {
            double step = 0.05 + rnd() * 0.6;
            xy[i][2 * j] = x;
            xy[i][2 * j + 1] = y;
            ang += (rnd() - 0.5) * 0.8;
            x += cos(ang) * step;
            y += sin(ang) * step;
            attr[i][j].dt = (float)(1.0 + rnd());
            attr[i][j].len = (float)(step * 3.0);
            attr[i][j].hr_n = 1.0f;
            attr[i][j].hr_sum = (float)(120 + rnd() * 60);
        }
    }
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    idx = make_index(ctx, t, NT, NACT, start, 1);
    CU_ASSERT(idx->levels[0].npoints < NT * NP * 3 / 4); /* merging happened */
    ref = reference(t, NT, NACT, start, 512, 512, 1.0);
    CU_ASSERT_EQUAL(compare_level(ctx, idx, 0, 512, 512, ref), 0);
    free(ref);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

static void test_render__partial_block_and_null_bands(void)
{
    static const double l[] = {5.3, 5.3, 250.7, 250.1};
    trk t[1] = {{l, 2, 0, NULL}};
    float *only_count[HM_BAND_MAX] = {band_mem[0], NULL, NULL, NULL, NULL};
    hm_ctx *ctx;
    hm_index *idx;
    int x, y, hits = 0;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    idx = make_index(ctx, t, 1, 1, NULL, 1);
    band_mem[1][0] = 1234.0f;
    /* The level is only 100 x 60 pixels: the line beyond is not drawn. */
    CU_ASSERT_FATAL(hm_render__block(ctx, V(idx, 0), 100, 60, 0, 0, only_count) == HM_OK);
    CU_ASSERT_EQUAL(band_mem[1][0], 1234.0f); /* untouched */
    for (y = 0; y < B; y++)
        for (x = 0; x < B; x++) {
            float c = band_mem[0][y * B + x];
            if (x >= 100 || y >= 60)
                CU_ASSERT_EQUAL(c, 0.0f);
            hits += c != 0.0f;
        }
    CU_ASSERT(hits > 50);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

/* ---- windows ---------------------------------------------------------------- */

static float win_mem[HM_BAND_MAX][HM_RENDER_MAX_WINDOW * HM_RENDER_MAX_WINDOW];
static float *const win_bands[HM_BAND_MAX] = {win_mem[0], win_mem[1], win_mem[2], win_mem[3],
                                              win_mem[4]};

static int same_value(float a, float b)
{
    return a == b || (isnan(a) && isnan(b));
}

/*
 * Render the window, then every block it overlaps twice: as a block of a level too big to
 * blank anything (the window's pixels everywhere) and as a block of the real level_w x level_h
 * level (the window's pixels before the level's ends, empty at and beyond them). Blocks left
 * of or above the level have negative numbers. Returns the pixel values that differ.
 */
static int compare_window(hm_ctx *ctx, const hm_index *idx, int level, int level_w, int level_h,
                          int64_t x0, int64_t y0, int w, int h)
{
    int64_t bx, by;
    int bad = 0, real;

    CU_ASSERT_FATAL(hm_render__window(ctx, V(idx, level), x0, y0, w, h, win_bands) == HM_OK);
    for (by = (y0 >= 0 ? y0 : y0 - B + 1) / B; by * B < y0 + h; by++)
        for (bx = (x0 >= 0 ? x0 : x0 - B + 1) / B; bx * B < x0 + w; bx++)
            for (real = 0; real < 2; real++) {
                int64_t gx, gy;
                CU_ASSERT_FATAL(hm_render__block(ctx, V(idx, level), real ? level_w : 1 << 30,
                                                 real ? level_h : 1 << 30, (int)bx, (int)by,
                                                 all_bands) == HM_OK);
                for (gy = by * B; gy < (by + 1) * B; gy++)
                    for (gx = bx * B; gx < (bx + 1) * B; gx++) {
                        size_t pb = (size_t)((gy - by * B) * B + (gx - bx * B));
                        size_t pw = (size_t)((gy - y0) * w + (gx - x0));
                        int inside = gx < level_w && gy < level_h, b; /* only ends clip */
                        if (gx < x0 || gy < y0 || gx >= x0 + w || gy >= y0 + h)
                            continue;
                        for (b = 0; b < HM_BAND_MAX; b++) {
                            if (real && !inside) /* empty: no count, no value */
                                bad += !same_value(band_mem[b][pb], b < 2 ? 0.0f : NAN);
                            else
                                bad += !same_value(win_mem[b][pw], band_mem[b][pb]);
                        }
                    }
            }
    return bad;
}

static void test_render__window_matches_blocks(void)
{
    /* Random tracks in and around a 500 x 470 level 0 (some beyond every edge), with
     * attributes and start times; windows straddling blocks, partly or wholly outside the
     * level, thin, tiny and as large as allowed, at levels 0 and 1. */
    enum { NT = 40, NP = 8, NACT = 12 };
    static const int64_t wins[][4] = {
        {200, 190, 120, 100},   /* straddles four blocks */
        {0, 0, 256, 256},       /* exactly a block */
        {-128, -128, 512, 512}, /* the largest, beyond the level's start */
        {-60, 300, 90, 250},    /* across the west edge and two block rows */
        {430, 400, 140, 130},   /* across the level's east and south ends */
        {600, -200, 64, 64},    /* wholly outside the level, where tracks still are */
        {250, 0, 12, 470},      /* along the seam at x = 256 */
        {17, 255, 512, 1},      /* one row, along the block row's end */
        {255, 255, 1, 1},       /* one pixel, at a block corner */
    };
    static double xy[NT][2 * NP];
    static hm_seg_attr attr[NT][NP];
    double start[NACT];
    trk t[NT];
    hm_ctx *ctx;
    hm_index *idx;
    size_t i, j;
    int level, bad = 0, hits = 0;

    rng_state = 0x0DDBA11CAFEull;
    for (i = 0; i < NACT; i++)
        start[i] = i % 5 == 4 ? NAN : 1.6e9 + rnd() * 1e8;
    for (i = 0; i < NT; i++) {
        double x = rnd() * 800.0 - 150.0, y = rnd() * 800.0 - 150.0, step = 3.0 + rnd() * 90.0;
        t[i].xy = xy[i];
        t[i].n = 2 + (size_t)(rnd() * (NP - 2));
        t[i].act = (uint32_t)(i * NACT / NT);
        t[i].attr = attr[i];
        for (j = 0; j < t[i].n; j++) {
            xy[i][2 * j] = x;
            xy[i][2 * j + 1] = y;
            x += (rnd() - 0.5) * 2 * step;
            y += (rnd() - 0.5) * 2 * step;
            attr[i][j].dt = rnd() < 0.2 ? 0.0f : (float)(1.0 + rnd() * 30);
            attr[i][j].len = attr[i][j].dt > 0 ? (float)(3.0 + rnd() * 100) : 0.0f;
            attr[i][j].hr_n = rnd() < 0.3 ? 0.0f : 1.0f;
            attr[i][j].hr_sum = attr[i][j].hr_n * (float)(100 + rnd() * 80);
        }
    }
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    idx = make_index(ctx, t, NT, NACT, start, 2);
    for (level = 0; level < 2; level++) {
        int lw = (500 + (1 << level) - 1) >> level, lh = (470 + (1 << level) - 1) >> level;
        for (i = 0; i < sizeof(wins) / sizeof(wins[0]); i++)
            bad += compare_window(ctx, idx, level, lw, lh, wins[i][0] >> level, wins[i][1] >> level,
                                  (int)wins[i][2], (int)wins[i][3]);
        for (i = 0; i < 20; i++) { /* random windows */
            int64_t x0 = (int64_t)(rnd() * 900) - 300, y0 = (int64_t)(rnd() * 900) - 300;
            int w = 1 + (int)(rnd() * 300), h = 1 + (int)(rnd() * 300);
            bad += compare_window(ctx, idx, level, lw, lh, x0, y0, w, h);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* The largest window sees data on all sides of the level, including beyond it. */
    CU_ASSERT_FATAL(hm_render__window(ctx, V(idx, 0), -128, -128, 512, 512, win_bands) == HM_OK);
    for (i = 0; i < (size_t)512 * 512; i++)
        hits += win_mem[HM_BAND_COUNT][i] > 0.0f && (i % 512 < 128 || i / 512 < 128);
    CU_ASSERT(hits > 100);
    /* Far out there is nothing, and nothing breaks. */
    CU_ASSERT_FATAL(hm_render__window(ctx, V(idx, 1), (int64_t)1 << 60, -((int64_t)1 << 60), 7, 5,
                                      win_bands) == HM_OK);
    for (i = 0; i < 35; i++) {
        CU_ASSERT_EQUAL(win_mem[HM_BAND_COUNT][i], 0.0f);
        HM_ASSERT_NAN(win_mem[HM_BAND_RECENCY][i]);
    }
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

/* ---- allocation failures ---------------------------------------------------- */

static void test_render__alloc_failures(void)
{
    static const double l[] = {5.3, 5.3, 250.7, 250.1, 20.2, 240.9};
    trk t[3] = {{l, 3, 0, NULL}, {l, 3, 1, NULL}, {l, 2, 2, NULL}};
    hm_test_alloc ta = {-1, 0, 0, 0};
    hm_allocator a = hm_test_alloc_make(&ta);
    hm_ctx *ctx, *rctx;
    hm_index *idx;
    size_t total, i;
    long live;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    idx = make_index(ctx, t, 3, 3, NULL, 1);
    CU_ASSERT_FATAL(hm_ctx_new(&rctx, &a) == HM_OK);
    live = ta.live;
    ta.count = 0;
    CU_ASSERT_FATAL(hm_render__block(rctx, V(idx, 0), 256, 256, 0, 0, all_bands) == HM_OK);
    total = (size_t)ta.count;
    CU_ASSERT(total >= 2);
    CU_ASSERT_EQUAL(ta.live, live);
    for (i = 0; i < total; i++) {
        ta.count = 0;
        ta.fail_at = (long)i;
        CU_ASSERT_EQUAL(hm_render__block(rctx, V(idx, 0), 256, 256, 0, 0, all_bands), HM_ENOMEM);
        CU_ASSERT_EQUAL(ta.live, live);
        CU_ASSERT_PTR_NOT_NULL(hm_ctx_last_error(rctx));
    }
    ta.fail_at = -1;
    hm_ctx_free(rctx);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

void hm_test_render_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_render__identical_tracks", test_render__identical_tracks},
        {"test_render__out_and_back", test_render__out_and_back},
        {"test_render__parallel_tracks_one_pixel_apart",
         test_render__parallel_tracks_one_pixel_apart},
        {"test_render__seam_no_gap_no_double", test_render__seam_no_gap_no_double},
        {"test_render__exact_corner_crossing", test_render__exact_corner_crossing},
        {"test_render__random_vs_brute_force", test_render__random_vs_brute_force},
        {"test_render__layers_match_single_renders", test_render__layers_match_single_renders},
        {"test_render__dense_tracks_vs_brute_force", test_render__dense_tracks_vs_brute_force},
        {"test_render__partial_block_and_null_bands", test_render__partial_block_and_null_bands},
        {"test_render__window_matches_blocks", test_render__window_matches_blocks},
        {"test_render__alloc_failures", test_render__alloc_failures},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("render", tests);
}
