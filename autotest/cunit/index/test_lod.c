/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/index/lod.c: simplification keeps run ends, straight lines and
 * attribute sums exactly, and the counts rendered at level k equal a
 * brute-force count of the distinct activities whose original (level-0)
 * segments meet each coarse pixel's footprint: on tame tracks, and on dense
 * walks turning sharply next to pixel corners, where a plain half-pixel
 * corridor gets hundreds of pixels wrong.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"
#include "index/lod_int.h"
#include "raster/render_int.h"
#include "test_util.h"

#define B 256

static float band_mem[HM_BAND_MAX][B * B];
static float *const bands[HM_BAND_MAX] = {band_mem[0], band_mem[1], band_mem[2], band_mem[3],
                                          band_mem[4]};

/* Runs from point arrays, allocated with ctx; attributes dt=1, len=2, hr 150 on every segment. */
/* Activity start days for the renderer: unknown here. */
static double act_days[64];

/* How grid level `level` of an index built by hm_index__build_grid is drawn. */
static const hm_render_view *V(const hm_index *idx, int level)
{
    static hm_render_view v;
    size_t i;

    for (i = 0; i < 64; i++)
        act_days[i] = NAN;
    v.index = idx;
    v.level = level;
    v.exp = idx->levels[level].exp;
    v.ox = 0;
    v.oy = 0;
    v.act_days = act_days;
    v.selected = NULL;
    return &v;
}

static void make_runs(hm_runs *r, hm_ctx *ctx, const double *const *xy, const size_t *n,
                      const uint32_t *act, size_t nruns)
{
    size_t i, j, total = 0, k = 0;

    for (i = 0; i < nruns; i++)
        total += n[i];
    memset(r, 0, sizeof(*r));
    r->xy = hm_ctx__calloc(ctx, total, 2 * sizeof(double));
    r->seg = hm_ctx__calloc(ctx, total, sizeof(hm_seg_attr));
    r->run_first = hm_ctx__calloc(ctx, nruns + 1, sizeof(size_t));
    r->run_act = hm_ctx__calloc(ctx, nruns, sizeof(uint32_t));
    CU_ASSERT_FATAL(r->xy && r->seg && r->run_first && r->run_act);
    for (i = 0; i < nruns; i++) {
        r->run_first[i] = k;
        r->run_act[i] = act[i];
        for (j = 0; j < n[i]; j++, k++) {
            r->xy[2 * k] = xy[i][2 * j];
            r->xy[2 * k + 1] = xy[i][2 * j + 1];
            if (j + 1 < n[i]) {
                r->seg[k].dt = 1.0f;
                r->seg[k].len = 2.0f;
                r->seg[k].hr_sum = 150.0f;
                r->seg[k].hr_n = 1.0f;
            }
        }
    }
    r->run_first[nruns] = k;
    r->npoints = k;
    r->nruns = nruns;
}

static void sums(const hm_runs *r, size_t run, double out[4])
{
    size_t i;

    memset(out, 0, 4 * sizeof(double));
    for (i = r->run_first[run]; i + 1 < r->run_first[run + 1]; i++) {
        out[0] += r->seg[i].dt;
        out[1] += r->seg[i].len;
        out[2] += r->seg[i].hr_sum;
        out[3] += r->seg[i].hr_n;
    }
}

static void test_lod__straight_line_exact(void)
{
    double line[2 * 101], zig[2 * 40], still[2 * 10];
    const double *xy[3] = {line, zig, still};
    size_t n[3] = {101, 40, 10}, i, r;
    uint32_t act[3] = {0, 1, 2};
    hm_runs in, out;
    hm_ctx *ctx;

    for (i = 0; i < 101; i++) {
        line[2 * i] = 3.3 + 0.1 * (double)i;
        line[2 * i + 1] = 37.3;
    }
    for (i = 0; i < 40; i++) { /* a zigzag within 0.3 px: all inside the tolerance */
        zig[2 * i] = 50.1 + 0.05 * (double)i;
        zig[2 * i + 1] = 60.1 + (i % 2) * 0.3;
    }
    for (i = 0; i < 10; i++) { /* standing still */
        still[2 * i] = 90.1;
        still[2 * i + 1] = 90.1;
    }
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    make_runs(&in, ctx, xy, n, act, 3);
    CU_ASSERT_FATAL(hm_lod__build(&out, ctx, &in, 0.5, HM_LOD_TOLERANCE, HM_LOD_MAX_LEN) == HM_OK);
    CU_ASSERT_EQUAL(out.nruns, 3);
    for (r = 0; r < 3; r++) {
        size_t a = out.run_first[r], b = out.run_first[r + 1];
        double s_in[4], s_out[4];
        CU_ASSERT(b - a >= 2);
        CU_ASSERT_EQUAL(out.run_act[r], act[r]);
        /* Run ends kept, exactly halved. */
        CU_ASSERT_EQUAL(out.xy[2 * a], xy[r][0] * 0.5);
        CU_ASSERT_EQUAL(out.xy[2 * a + 1], xy[r][1] * 0.5);
        CU_ASSERT_EQUAL(out.xy[2 * (b - 1)], xy[r][2 * (n[r] - 1)] * 0.5);
        CU_ASSERT_EQUAL(out.xy[2 * (b - 1) + 1], xy[r][2 * (n[r] - 1) + 1] * 0.5);
        /* Attribute sums exact: pace and HR stay what they were. */
        sums(&in, r, s_in);
        sums(&out, r, s_out);
        for (i = 0; i < 4; i++)
            CU_ASSERT_EQUAL(s_in[i], s_out[i]);
        /* The last point's attribute is empty. */
        CU_ASSERT_EQUAL(out.seg[b - 1].hr_n, 0.0f);
    }
    /* The straight line stays on y = 18.65 (37.3 / 2), and its points are >= 0.5 px apart. */
    for (i = out.run_first[0]; i < out.run_first[1]; i++) {
        CU_ASSERT_EQUAL(out.xy[2 * i + 1], 37.3 * 0.5);
        if (i + 1 < out.run_first[1])
            CU_ASSERT(out.xy[2 * i + 2] - out.xy[2 * i] >= 0.5 - 1e-12);
    }
    CU_ASSERT(out.run_first[1] - out.run_first[0] <= 12);
    CU_ASSERT_EQUAL(out.run_first[3] - out.run_first[2], 2); /* standing still: its two ends */
    CU_ASSERT(out.npoints < in.npoints);
    hm_runs__free(&in, ctx);
    hm_runs__free(&out, ctx);
    hm_ctx_free(ctx);
}

/* 1 when the segment meets the closed box (Liang-Barsky). */
static int seg_meets_box(const double *p, double bx0, double by0, double bx1, double by1)
{
    double pp[4], q[4], t0 = 0.0, t1 = 1.0;
    int k;

    pp[0] = -(p[2] - p[0]), q[0] = p[0] - bx0;
    pp[1] = p[2] - p[0], q[1] = bx1 - p[0];
    pp[2] = -(p[3] - p[1]), q[2] = p[1] - by0;
    pp[3] = p[3] - p[1], q[3] = by1 - p[1];
    for (k = 0; k < 4; k++) {
        if (pp[k] == 0.0) {
            if (q[k] < 0.0)
                return 0;
        } else {
            double r = q[k] / pp[k];
            if (pp[k] < 0.0) {
                if (r > t0)
                    t0 = r;
            } else if (r < t1) {
                t1 = r;
            }
        }
    }
    return t0 <= t1;
}

static uint64_t rng_state;

static double rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void test_lod__counts_match_brute_force(void)
{
    /* Random walks with steps of 20..150 level-0 px turning by 30..150 degrees (no point is
     * ever within the tolerance, 2^(k-1) level-0 px at level k <= 3, of the line), and dense
     * straight lines along the axes off the pixel lines, points 0.7 px apart (simplified at
     * every level, but onto the same line). */
    enum { NWALK = 24, NP = 10, NDENSE = 6, NACT = 10, LEVELS = 4, W0 = 1024 };
    static double walk[NWALK][2 * NP], dense[NDENSE][2 * 400];
    const double *xy[NWALK + NDENSE];
    size_t n[NWALK + NDENSE];
    uint32_t act[NWALK + NDENSE];
    hm_runs runs;
    hm_index *idx;
    hm_ctx *ctx;
    size_t i, j, a;
    int k, bad = 0, checked = 0;

    rng_state = 0xC0FFEE1234567ull;
    for (i = 0; i < NWALK; i++) {
        double x = 50 + rnd() * 900, y = 50 + rnd() * 900, ang = rnd() * 6.283185307179586;
        for (j = 0; j < NP; j++) {
            /* turns of 30..150 degrees: never within the tolerance of a straight line */
            double len = 20 + rnd() * 130;
            ang += (rnd() < 0.5 ? -1 : 1) * (0.5236 + rnd() * 2.0944);
            walk[i][2 * j] = x;
            walk[i][2 * j + 1] = y;
            double dx = cos(ang) * len, dy = sin(ang) * len;
            x += (x + dx < 10.0 || x + dx > W0 - 10.0) ? -dx : dx; /* bounce off the edges */
            y += (y + dy < 10.0 || y + dy > W0 - 10.0) ? -dy : dy;
        }
        xy[i] = walk[i];
        n[i] = NP;
        act[i] = (uint32_t)(i * NACT / (NWALK + NDENSE));
    }
    for (i = 0; i < NDENSE; i++) {
        double c = 100.3 + 150.0 * (double)i + 0.37 * (double)i, s = 40.3 + 3.1 * (double)i;
        for (j = 0; j < 400; j++) {
            int horiz = i % 2 == 0;
            dense[i][2 * j] = horiz ? s + 0.7 * (double)j : c;
            dense[i][2 * j + 1] = horiz ? c : s + 0.7 * (double)j;
        }
        xy[NWALK + i] = dense[i];
        n[NWALK + i] = 400;
        act[NWALK + i] = (uint32_t)((NWALK + i) * NACT / (NWALK + NDENSE));
    }
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    make_runs(&runs, ctx, xy, n, act, NWALK + NDENSE);
    CU_ASSERT_FATAL(hm_index__build_grid(&idx, ctx, &runs, LEVELS) == HM_OK);
    hm_runs__free(&runs, ctx);
    for (k = 1; k < LEVELS; k++) {
        int wk = W0 >> k, bx, by;
        double cell = (double)(1 << k);
        CU_ASSERT(idx->levels[k].npoints <= idx->levels[k - 1].npoints);
        if (k == 1) /* the dense lines are simplified */
            CU_ASSERT(idx->levels[1].npoints < idx->levels[0].npoints / 2);
        for (by = 0; by * B < wk; by++)
            for (bx = 0; bx * B < wk; bx++) {
                int x, y;
                CU_ASSERT_FATAL(hm_render__block(ctx, V(idx, k), wk, wk, bx, by, bands) == HM_OK);
                for (y = 0; y < B && by * B + y < wk; y++)
                    for (x = 0; x < B && bx * B + x < wk; x++) {
                        double fx = (bx * B + x) * cell, fy = (by * B + y) * cell;
                        int expect = 0;
                        for (a = 0; a < NACT; a++) {
                            int any = 0;
                            for (i = 0; i < NWALK + NDENSE && !any; i++) {
                                if (act[i] != a)
                                    continue;
                                for (j = 0; j + 1 < n[i] && !any; j++)
                                    any =
                                        seg_meets_box(xy[i] + 2 * j, fx, fy, fx + cell, fy + cell);
                            }
                            expect += any;
                        }
                        bad += band_mem[HM_BAND_COUNT][y * B + x] != (float)expect;
                        checked += expect > 0;
                    }
            }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(checked > 1000);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

/*
 * Brute-force counts of the distinct activities per pixel of level k, from level-0 runs:
 * every segment is tested against each level-k pixel of its bounding box with Liang-Barsky
 * (closed squares: the inputs are random doubles, never exactly on a pixel line), an
 * activity counted once per pixel through a stamp. count and stamp hold w * w entries.
 */
static void brute_counts_eps(int *count, int *stamp, int w, int k, const hm_runs *r0, double eps)
{
    double cell = (double)(1 << k);
    size_t run, i;

    memset(count, 0, (size_t)w * w * sizeof(*count));
    memset(stamp, 0, (size_t)w * w * sizeof(*stamp));
    for (run = 0; run < r0->nruns; run++) {
        int tag = (int)r0->run_act[run] + 1;
        for (i = r0->run_first[run]; i + 1 < r0->run_first[run + 1]; i++) {
            const double *p = r0->xy + 2 * i;
            int x0 = (int)floor(fmin(p[0], p[2]) / cell), x1 = (int)floor(fmax(p[0], p[2]) / cell);
            int y0 = (int)floor(fmin(p[1], p[3]) / cell), y1 = (int)floor(fmax(p[1], p[3]) / cell);
            int x, y;
            for (y = y0; y <= y1; y++)
                for (x = x0; x <= x1; x++) {
                    size_t px = (size_t)y * w + x;
                    if (x < 0 || y < 0 || x >= w || y >= w || stamp[px] == tag)
                        continue;
                    if (!seg_meets_box(p, x * cell - eps, y * cell - eps, (x + 1) * cell + eps,
                                       (y + 1) * cell + eps))
                        continue;
                    stamp[px] = tag;
                    count[px]++;
                }
        }
    }
}

static void brute_counts(int *count, int *stamp, int w, int k, const hm_runs *r0)
{
    brute_counts_eps(count, stamp, w, k, r0, 0.0);
}

static void test_lod__dense_corners_exact(void)
{
    /* Random walks sampled densely (steps of 0.15..0.9 level-0 px, jittered) from one
     * target to the next, every target within a fraction of a pixel of a pixel corner of
     * level 1..4 and a few pixels of that level away, so the walk turns sharply right
     * there: where a corridor of half a pixel cuts or overshoots the corner, it changes
     * which coarse pixels the line meets. Activities overlap in one small area, and some
     * have two runs. Every pixel of levels 1..4 must count exactly the activities whose
     * original points meet it. */
    enum { NACT = 48, NRUN = 64, LEVELS = 5, W0 = 384, MAXP = 200000 };
    static double pts[2 * MAXP];
    static int count[W0 * W0], stamp[W0 * W0];
    const double *xy[NRUN];
    size_t n[NRUN], used = 0;
    uint32_t act[NRUN];
    hm_runs runs;
    hm_index *idx;
    hm_ctx *ctx;
    size_t i;
    int k, bad[LEVELS] = {0}, on[LEVELS] = {0};

    rng_state = 0x5EED0F5C0FFEEull;
    for (i = 0; i < NRUN; i++) {
        double x = 40 + rnd() * (W0 - 80), y = 40 + rnd() * (W0 - 80);
        int leg, legs = 6 + (int)(rnd() * 10);
        xy[i] = pts + 2 * used;
        n[i] = 0;
        act[i] = (uint32_t)(i * NACT / NRUN);
        for (leg = 0; leg < legs; leg++) {
            int lk = 1 + (int)(rnd() * 4);
            double cell = (double)(1 << lk), tx, ty, dx, dy, dist;
            /* A corner of level lk 1..6 of its pixels away, then off it by up to 0.3 px. */
            tx = floor((x + (rnd() - 0.5) * 12 * cell) / cell) * cell;
            ty = floor((y + (rnd() - 0.5) * 12 * cell) / cell) * cell;
            tx = fmin(fmax(tx, 16.0), W0 - 16.0) + (rnd() - 0.5) * 0.6 * cell * rnd();
            ty = fmin(fmax(ty, 16.0), W0 - 16.0) + (rnd() - 0.5) * 0.6 * cell * rnd();
            dx = tx - x, dy = ty - y;
            dist = sqrt(dx * dx + dy * dy);
            while (dist > 0.0 && used < MAXP) {
                double step = 0.15 + rnd() * 0.75;
                pts[2 * used] = x + (rnd() - 0.5) * 0.1;
                pts[2 * used + 1] = y + (rnd() - 0.5) * 0.1;
                used++, n[i]++;
                if (step >= dist)
                    break;
                x += dx / dist * step, y += dy / dist * step;
                dx = tx - x, dy = ty - y;
                dist = sqrt(dx * dx + dy * dy);
            }
            x = tx, y = ty;
        }
        if (used < MAXP) { /* the last target */
            pts[2 * used] = x, pts[2 * used + 1] = y;
            used++, n[i]++;
        }
        CU_ASSERT_FATAL(n[i] >= 2 && used < MAXP);
    }
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    make_runs(&runs, ctx, xy, n, act, NRUN);
    /* Keep a copy of the original points: the index merges level 0 in place. */
    {
        hm_runs orig;
        make_runs(&orig, ctx, xy, n, act, NRUN);
        CU_ASSERT_FATAL(hm_index__build_grid(&idx, ctx, &runs, LEVELS) == HM_OK);
    hm_runs__free(&runs, ctx);
        for (k = 1; k < LEVELS; k++) {
            int wk = W0 >> k, bx, by;
            brute_counts(count, stamp, wk, k, &orig);
            for (by = 0; by * B < wk; by++)
                for (bx = 0; bx * B < wk; bx++) {
                    int x, y;
                    CU_ASSERT_FATAL(hm_render__block(ctx, V(idx, k), wk, wk, bx, by, bands) == HM_OK);
                    for (y = 0; y < B && by * B + y < wk; y++)
                        for (x = 0; x < B && bx * B + x < wk; x++) {
                            int expect = count[(by * B + y) * wk + bx * B + x];
                            bad[k] += band_mem[HM_BAND_COUNT][y * B + x] != (float)expect;
                            on[k] += expect > 0;
                        }
                }
            /* Simplified all the same (level 1 drops the dense sampling). */
            CU_ASSERT(idx->levels[k].npoints < idx->levels[k - 1].npoints);
            if (k == 1)
                CU_ASSERT(idx->levels[1].npoints < idx->levels[0].npoints / 8);
        }
        hm_runs__free(&orig, ctx);
    }
    for (k = 1; k < LEVELS; k++) {
        CU_ASSERT_EQUAL(bad[k], 0);
        CU_ASSERT(on[k] > (W0 >> k) * (W0 >> k) / 8); /* a dense tangle, not a few lines */
    }
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

/*
 * The web store simplifies from its raw level straight to XYZ zoom 14, 2^18 times coarser,
 * then by halves: a level built over many octaves at once must be as exact as one built by
 * halves, and a grid level between index levels draws exactly from the finer one. Dense
 * walks of whole units (steps of 0.1 .. 0.9 pixel of the first coarse level) are indexed
 * with levels of 2^0, 2^8 and 2^10 units and drawn at pixels of 2^8, 2^9 and 2^10 units.
 */
static void test_lod__octave_jump_exact(void)
{
    enum { NACT = 24, NRUN = 30, NP = 3000 };
    static double pts[NRUN][2 * NP];
    static int strict[512 * 512], loose[512 * 512], stamp[512 * 512];
    const double *xy[NRUN];
    size_t n[NRUN];
    uint32_t act[NRUN];
    hm_index_layout layout = {3, {0, 8, 10}};
    hm_index_chunk chunk;
    hm_runs runs, px;
    hm_index *idx;
    hm_ctx *ctx;
    size_t i, j;
    int e, bad = 0, on = 0, ambiguous = 0;

    rng_state = 0x0C7A7EULL;
    for (i = 0; i < NRUN; i++) {
        double x = 20000 + rnd() * 60000, y = 20000 + rnd() * 60000, ang = rnd() * 6.3;
        for (j = 0; j < NP; j++) {
            double step = (0.1 + rnd() * 0.8) * 256.0;
            pts[i][2 * j] = floor(x);
            pts[i][2 * j + 1] = floor(y);
            ang += (rnd() - 0.5) * (j % 97 == 0 ? 3.0 : 0.3);
            x += cos(ang) * step;
            y += sin(ang) * step;
        }
        xy[i] = pts[i];
        n[i] = NP;
        act[i] = (uint32_t)(i * NACT / NRUN);
    }
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    make_runs(&runs, ctx, xy, n, act, NRUN);
    CU_ASSERT_FATAL(hm_index__build_chunk(&chunk, ctx, &runs, &layout) == HM_OK);
    CU_ASSERT_FATAL(hm_index__from_chunk(&idx, ctx, &chunk) == HM_OK);
    CU_ASSERT(idx->levels[1].npoints < idx->levels[0].npoints / 4); /* it did simplify */
    px = runs;
    px.xy = malloc(2 * runs.npoints * sizeof(double));
    CU_ASSERT_FATAL(px.xy != NULL);
    for (j = 0; j < 2 * runs.npoints; j++)
        px.xy[j] = runs.xy[j] / 256.0; /* the level-0 pixels of brute_counts: 256 units */
    for (e = 8; e <= 10; e++) {
        /* Pixels of 2^9 units are drawn from the level of 2^8: theirs nest in them. */
        hm_render_view v = *V(idx, e == 10 ? 2 : 1);
        int w = (int)(100000 >> e) + 1, bx, by, k = e - 8;
        v.exp = e;
        /* Whole coordinates put some segments exactly through a pixel corner, where a closed
         * and a half-open square differ: the count must lie between the two definitions. */
        brute_counts_eps(strict, stamp, w, k, &px, -1e-9);
        brute_counts_eps(loose, stamp, w, k, &px, 1e-9);
        for (by = 0; by * B < w; by++)
            for (bx = 0; bx * B < w; bx++) {
                int x, y;
                CU_ASSERT_FATAL(hm_render__block(ctx, &v, w, w, bx, by, bands) == HM_OK);
                for (y = 0; y < B && by * B + y < w; y++)
                    for (x = 0; x < B && bx * B + x < w; x++) {
                        size_t q = (size_t)(by * B + y) * w + bx * B + x;
                        float got = band_mem[HM_BAND_COUNT][y * B + x];
                        bad += got < (float)strict[q] || got > (float)loose[q];
                        ambiguous += strict[q] != loose[q];
                        on += strict[q] > 0;
                    }
            }
    }
    free(px.xy);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(ambiguous < 20);
    CU_ASSERT(on > 10000);
    hm_runs__free(&runs, ctx);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

static void test_lod__shape_vertices_kept(void)
{
    /* The same gentle arc (0.3 px from its chord at level 1), sampled every 6 level-0 px (3 px
     * at level 1: every fix is shape, none is dropped) and every 0.2 level-0 px (dense:
     * stretched into segments of at most HM_LOD_MAX_LEN px). */
    enum { NS = 21, ND = 601 };
    static double sparse[2 * NS], dense[2 * ND];
    const double *xy[2] = {sparse, dense};
    size_t n[2] = {NS, ND}, i;
    uint32_t act[2] = {0, 1};
    hm_runs in, out;
    hm_ctx *ctx;

    for (i = 0; i < NS; i++) {
        double x = 6.0 * (double)i, t = x / 120.0;
        sparse[2 * i] = 10.3 + x;
        sparse[2 * i + 1] = 40.3 + 2.4 * t * (1.0 - t); /* bulges 0.6 level-0 px */
    }
    for (i = 0; i < ND; i++) {
        double x = 0.2 * (double)i, t = x / 120.0;
        dense[2 * i] = 10.3 + x;
        dense[2 * i + 1] = 80.3 + 2.4 * t * (1.0 - t);
    }
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    make_runs(&in, ctx, xy, n, act, 2);
    CU_ASSERT_FATAL(hm_lod__build(&out, ctx, &in, 0.5, HM_LOD_TOLERANCE, HM_LOD_MAX_LEN) == HM_OK);
    CU_ASSERT_EQUAL(out.run_first[1] - out.run_first[0], NS);
    /* 60 level-1 px of dense arc: segments of at most 8 px, so 9..16 points. */
    CU_ASSERT(out.run_first[2] - out.run_first[1] >= 9);
    CU_ASSERT(out.run_first[2] - out.run_first[1] <= 16);
    /* The next level knows the kept dense points are still sampling, not shape. */
    {
        hm_runs out2;
        CU_ASSERT_FATAL(hm_lod__build(&out2, ctx, &out, 0.5, HM_LOD_TOLERANCE, HM_LOD_MAX_LEN) ==
                        HM_OK);
        CU_ASSERT(out2.run_first[2] - out2.run_first[1] <= 6);
        CU_ASSERT_EQUAL(out2.run_first[1] - out2.run_first[0], NS); /* 1.5 px steps: shape */
        hm_runs__free(&out2, ctx);
    }
    hm_runs__free(&in, ctx);
    hm_runs__free(&out, ctx);
    hm_ctx_free(ctx);
}

static void test_lod__merge_pixels_exact(void)
{
    /* Pixels (0,0) (0,0) (0,0) (1,0) (1,0) (1,0) (2,2): the streaks keep their ends. */
    static const double pts[] = {0.2, 0.2, 0.5, 0.3, 0.7, 0.9, 1.2,
                                 0.5, 1.5, 0.5, 1.7, 0.2, 2.5, 2.5};
    static const double kept[] = {0.2, 0.2, 0.7, 0.9, 1.2, 0.5, 1.7, 0.2, 2.5, 2.5};
    static const float dt[] = {2, 1, 2, 1}; /* merged segments: 1+1, 1, 1+1, 1 */
    const double *xy[2] = {pts, pts};
    size_t n[2] = {7, 2}, i;
    uint32_t act[2] = {0, 1};
    hm_runs runs;
    hm_ctx *ctx;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    make_runs(&runs, ctx, xy, n, act, 2);
    hm_lod__merge_pixels(&runs);
    CU_ASSERT_EQUAL_FATAL(runs.npoints, 5 + 2);
    CU_ASSERT_EQUAL(runs.run_first[1], 5);
    CU_ASSERT_EQUAL(runs.run_first[2], 7);
    for (i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(runs.xy[i], kept[i]);
    for (i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(runs.seg[i].dt, dt[i]);
        CU_ASSERT_EQUAL(runs.seg[i].hr_n, dt[i]);
    }
    CU_ASSERT_EQUAL(runs.seg[4].dt, 0.0f);
    /* A run of two points in one pixel keeps both (its ends). */
    CU_ASSERT_EQUAL(runs.xy[10], 0.2);
    CU_ASSERT_EQUAL(runs.xy[12], 0.5);
    hm_runs__free(&runs, ctx);
    hm_ctx_free(ctx);
}

static void test_lod__total_size_bounded(void)
{
    /* A smooth 1 px step walk of 20000 points: each level is built from the one before and
     * never grows, and the levels together stay within twice level 0. */
    enum { N = 20000 };
    static double walk[2 * N];
    const double *xy[1] = {walk};
    size_t n[1] = {N}, total = 0;
    uint32_t act[1] = {0};
    hm_runs runs;
    hm_index *idx;
    hm_ctx *ctx;
    double x = 5000, y = 5000;
    size_t i;
    int k;

    rng_state = 42;
    for (i = 0; i < N; i++) {
        double ang = rnd() * 0.5 + (double)(i / 500) * 1.3;
        walk[2 * i] = x;
        walk[2 * i + 1] = y;
        x += cos(ang);
        y += sin(ang);
    }
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    make_runs(&runs, ctx, xy, n, act, 1);
    CU_ASSERT_FATAL(hm_index__build_grid(&idx, ctx, &runs, 8) == HM_OK);
    hm_runs__free(&runs, ctx);
    for (k = 0; k < 8; k++) {
        total += idx->levels[k].npoints;
        if (k >= 1)
            CU_ASSERT(idx->levels[k].npoints <= idx->levels[k - 1].npoints);
    }
    CU_ASSERT(total <= 2 * N);
    /* A smooth walk becomes segments of up to HM_LOD_MAX_LEN pixels: 10000 level-1 px of
     * track in at least 1250 segments, not many more. */
    CU_ASSERT(idx->levels[1].npoints >= 1250 && idx->levels[1].npoints < 2000);
    CU_ASSERT(idx->levels[7].npoints < N / 64);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

void hm_test_lod_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_lod__straight_line_exact", test_lod__straight_line_exact},
        {"test_lod__counts_match_brute_force", test_lod__counts_match_brute_force},
        {"test_lod__dense_corners_exact", test_lod__dense_corners_exact},
        {"test_lod__octave_jump_exact", test_lod__octave_jump_exact},
        {"test_lod__shape_vertices_kept", test_lod__shape_vertices_kept},
        {"test_lod__merge_pixels_exact", test_lod__merge_pixels_exact},
        {"test_lod__total_size_bounded", test_lod__total_size_bounded},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("lod", tests);
}
