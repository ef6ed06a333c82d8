/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/index/index.c: pieces give back every segment of every run
 * exactly once, in activity order, within their size limits and with their
 * attributes; segments too long for a piece's offsets are cut into steps
 * along the line; queries return sorted piece ids equal to a brute-force
 * scan of the pieces' points; coarser levels keep the run ends.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"
#include "test_util.h"

static uint64_t rng_state;

static double rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* Random runs of whole coordinates: lengths from `len`, steps of up to `step`; run r belongs
 * to activity r / 3; every 17th step a long jump of `jump`; attributes from the index. */
static void random_runs(hm_runs *r, hm_ctx *ctx, const size_t *len, size_t nruns, double origin,
                        double step, double jump)
{
    size_t i, j, total = 0, k = 0;

    for (i = 0; i < nruns; i++)
        total += len[i];
    memset(r, 0, sizeof(*r));
    r->xy = hm_ctx__calloc(ctx, total, 2 * sizeof(double));
    r->seg = hm_ctx__calloc(ctx, total, sizeof(hm_seg_attr));
    r->run_first = hm_ctx__calloc(ctx, nruns + 1, sizeof(size_t));
    r->run_act = hm_ctx__calloc(ctx, nruns, sizeof(uint32_t));
    CU_ASSERT_FATAL(r->xy && r->seg && r->run_first && r->run_act);
    for (i = 0; i < nruns; i++) {
        double x = floor(origin + rnd() * 2000 * step), y = floor(origin + rnd() * 2000 * step);
        r->run_first[i] = k;
        r->run_act[i] = (uint32_t)(i / 3);
        for (j = 0; j < len[i]; j++, k++) {
            r->xy[2 * k] = x;
            r->xy[2 * k + 1] = y;
            if (j + 1 < len[i]) {
                r->seg[k].dt = (float)(1 + k % 7);           /* whole seconds */
                r->seg[k].len = (float)(3.25 + (double)(k % 5));
                r->seg[k].hr_sum = (float)(100 + k % 60) + 0.5f; /* half bpm, as averaged */
                r->seg[k].hr_n = (k % 4) ? 1.0f : 0.0f;
                if (!r->seg[k].hr_n)
                    r->seg[k].hr_sum = 0.0f;
            }
            x += floor((rnd() - 0.5) * (j % 17 == 5 ? jump : step));
            y += floor((rnd() - 0.5) * (j % 17 == 5 ? jump : step));
        }
    }
    r->run_first[nruns] = k;
    r->npoints = k;
    r->nruns = nruns;
}

/* Point j of a piece, in units. */
static void piece_point(const hm_level *lv, const hm_piece *pc, uint32_t j, int64_t *x, int64_t *y)
{
    *x = pc->ox + lv->points[2 * ((size_t)pc->first + j)];
    *y = pc->oy + lv->points[2 * ((size_t)pc->first + j) + 1];
}

static void test_index__raw_pieces_give_back_every_segment(void)
{
    static const size_t len[] = {2, 3, 32, 33, 34, 65, 100, 2, 500, 7, 1000, 2};
    enum { NR = sizeof(len) / sizeof(len[0]) };
    /* The web store's first two levels: raw, and XYZ zoom 14 (pixels of 2^18 units), so raw
     * pieces are at most 128 pixels of zoom 15 (2^24 units) wide. */
    hm_index_layout layout = {2, {0, 18}};
    hm_index_chunk chunk;
    hm_index *idx;
    hm_ctx *ctx;
    hm_runs runs;
    const hm_level *lv;
    size_t p, k = 0, r = 0;

    rng_state = 7;
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    /* Steps up to 2^21 units; every 17th a jump up to 2^34 (cut into steps of 2^30). */
    random_runs(&runs, ctx, len, NR, 1e12, 2097152.0, 17179869184.0);
    CU_ASSERT_FATAL(hm_index__build_chunk(&chunk, ctx, &runs, &layout) == HM_OK);
    CU_ASSERT_FATAL(hm_index__from_chunk(&idx, ctx, &chunk) == HM_OK);
    lv = &idx->levels[0];
    CU_ASSERT_EQUAL(lv->exp, 0);
    CU_ASSERT(lv->packed);
    /* Walk the pieces and the input side by side: a piece that does not continue starts
     * the next run; a long input segment comes back as collinear steps. */
    for (p = 0; p < lv->npieces; p++) {
        const hm_piece *pc = &lv->pieces[p];
        int64_t b[4] = {INT64_MAX, INT64_MAX, INT64_MIN, INT64_MIN};
        uint32_t j;

        CU_ASSERT(pc->nseg >= 1 && pc->nseg <= HM_PIECE_MAX_SEGMENTS);
        if (p > 0)
            CU_ASSERT(lv->pieces[p - 1].act <= pc->act); /* activity order */
        if (!(pc->flags & HM_PIECE_CONTINUES)) {
            if (p > 0) {
                CU_ASSERT_EQUAL(k, runs.run_first[r + 1] - 1); /* the run ended */
                r++;
            }
            k = runs.run_first[r];
        }
        CU_ASSERT_EQUAL_FATAL(pc->act, r / 3);
        for (j = 0; j <= pc->nseg; j++) {
            int64_t x, y;
            piece_point(lv, pc, j, &x, &y);
            b[0] = x < b[0] ? x : b[0];
            b[1] = y < b[1] ? y : b[1];
            b[2] = x > b[2] ? x : b[2];
            b[3] = y > b[3] ? y : b[3];
            if (j == 0)
                continue;
            {
                /* The step from the previous point: the next input segment, or a part of
                 * it on its line. */
                const double *a = runs.xy + 2 * k, *e = a + 2;
                int64_t px, py;
                double cross, t;
                piece_point(lv, pc, j - 1, &px, &py);
                CU_ASSERT(llabs(x - px) <= HM_INDEX_MAX_SPAN && llabs(y - py) <= HM_INDEX_MAX_SPAN);
                cross = ((double)x - a[0]) * (e[1] - a[1]) - ((double)y - a[1]) * (e[0] - a[0]);
                CU_ASSERT(fabs(cross) / hypot(e[0] - a[0], e[1] - a[1]) <= 0.71);
                t = hypot((double)x - a[0], (double)y - a[1]) / hypot(e[0] - a[0], e[1] - a[1]);
                if ((double)x == e[0] && (double)y == e[1]) {
                    /* reached the input point: the attributes are the segment's */
                    hm_seg_attr at = hm_level__attr(lv, (size_t)pc->first + j - 1);
                    if (t == 1.0 && hypot(e[0] - a[0], e[1] - a[1]) <= (double)HM_INDEX_MAX_SPAN) {
                        HM_ASSERT_NEAR(at.dt, runs.seg[k].dt, 1e-6);
                        HM_ASSERT_NEAR(at.len, runs.seg[k].len, 1e-6);
                        HM_ASSERT_NEAR(at.hr_n, runs.seg[k].hr_n, 0);
                        HM_ASSERT_NEAR(at.hr_sum, runs.seg[k].hr_sum, 1e-3);
                    }
                    k++;
                } else {
                    CU_ASSERT(t > 0.0 && t < 1.0);
                }
            }
        }
        if (pc->nseg > 1)
            CU_ASSERT(b[2] - b[0] <= ((int64_t)1 << 24) && b[3] - b[1] <= ((int64_t)1 << 24));
    }
    CU_ASSERT_EQUAL(r, NR - 1);
    CU_ASSERT_EQUAL(k, runs.npoints - 1);
    hm_runs__free(&runs, ctx);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

static void test_index__packed_attributes(void)
{
    /* One run of four points: durations to the millisecond, heart rate to 0.01 bpm. */
    static const hm_seg_attr in[3] = {{1.2345f, 4.5f, 140.5f, 1.0f},
                                      {0.0f, 0.0f, 0.0f, 0.0f},
                                      {59.9f, 100.0f, 0.0f, 0.0f}};
    double xy[8] = {0, 0, 10, 0, 20, 0, 30, 0};
    size_t first[2] = {0, 4};
    uint32_t act[1] = {0};
    hm_seg_attr seg[4];
    hm_index_layout layout = {1, {0}};
    hm_index_chunk chunk;
    hm_index *idx;
    hm_runs runs;
    hm_ctx *ctx;
    hm_seg_attr a;

    memcpy(seg, in, sizeof(in));
    memset(&seg[3], 0, sizeof(seg[3]));
    memset(&runs, 0, sizeof(runs));
    runs.npoints = 4;
    runs.xy = xy;
    runs.seg = seg;
    runs.nruns = 1;
    runs.run_first = first;
    runs.run_act = act;
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_index__build_chunk(&chunk, ctx, &runs, &layout) == HM_OK);
    CU_ASSERT_FATAL(hm_index__from_chunk(&idx, ctx, &chunk) == HM_OK);
    CU_ASSERT_EQUAL_FATAL(idx->levels[0].npieces, 1);
    a = hm_level__attr(&idx->levels[0], 0);
    CU_ASSERT_EQUAL(a.dt, 1.235f);
    CU_ASSERT_EQUAL(a.len, 4.5f);
    CU_ASSERT_EQUAL(a.hr_sum, 140.5f);
    CU_ASSERT_EQUAL(a.hr_n, 1.0f);
    a = hm_level__attr(&idx->levels[0], 1);
    CU_ASSERT(a.dt == 0.0f && a.len == 0.0f && a.hr_n == 0.0f);
    a = hm_level__attr(&idx->levels[0], 2);
    CU_ASSERT_EQUAL(a.dt, 59.9f);
    CU_ASSERT_EQUAL(a.len, 100.0f);
    CU_ASSERT_EQUAL(a.hr_n, 0.0f);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

static void test_index__query_sorted_vs_brute_force(void)
{
    size_t len[60], i, q;
    hm_index *idx;
    hm_ctx *ctx;
    hm_runs runs;
    uint32_t *ids = NULL;
    uint64_t sel[1] = {0x5ull}; /* activities 0 and 2 */
    size_t n = 0, cap = 0;
    int k;

    rng_state = 99;
    for (i = 0; i < 60; i++)
        len[i] = 2 + (size_t)(rnd() * 200);
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    random_runs(&runs, ctx, len, 60, 0.0, 6.0, 900.0); /* level-0 pixels */
    CU_ASSERT_FATAL(hm_index__build_grid(&idx, ctx, &runs, 3) == HM_OK);
    for (k = 0; k < 3; k++) {
        const hm_level *lv = &idx->levels[k];
        const double u = ldexp(1.0, HM_GRID_UNIT_BITS);
        CU_ASSERT_EQUAL(lv->exp, HM_GRID_UNIT_BITS + k);
        CU_ASSERT(!lv->packed);
        for (q = 0; q < 100; q++) {
            double box[4];
            size_t expect = 0, expect_sel = 0, p, m = 0;
            box[0] = rnd() * 2000 * 6 * u;
            box[1] = rnd() * 2000 * 6 * u;
            box[2] = box[0] + rnd() * 300 * u;
            box[3] = box[1] + rnd() * 300 * u;
            CU_ASSERT_FATAL(hm_index__query(idx, ctx, k, box, &ids, &n, &cap) == HM_OK);
            for (i = 1; i < n; i++)
                CU_ASSERT(ids[i - 1] < ids[i]);
            for (p = 0; p < lv->npieces; p++) {
                const hm_piece *pc = &lv->pieces[p];
                double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
                uint32_t j;
                for (j = 0; j <= pc->nseg; j++) {
                    int64_t x, y;
                    piece_point(lv, pc, j, &x, &y);
                    b[0] = fmin(b[0], (double)x);
                    b[1] = fmin(b[1], (double)y);
                    b[2] = fmax(b[2], (double)x);
                    b[3] = fmax(b[3], (double)y);
                }
                if (b[0] <= box[2] && b[2] >= box[0] && b[1] <= box[3] && b[3] >= box[1]) {
                    expect++;
                    expect_sel += pc->act == 0 || pc->act == 2;
                    if (m < n && ids[m] == p)
                        m++;
                }
            }
            CU_ASSERT_EQUAL(n, expect);
            CU_ASSERT_EQUAL(m, expect);
            CU_ASSERT_EQUAL(hm_index__query_any(idx, k, box, NULL), expect > 0);
            CU_ASSERT_EQUAL(hm_index__query_any(idx, k, box, sel), expect_sel > 0);
        }
    }
    /* Every level keeps each run's ends, in units. */
    for (k = 1; k < 3; k++) {
        const hm_level *a = &idx->levels[0], *b = &idx->levels[k];
        int64_t ax, ay, bx, by;
        CU_ASSERT_EQUAL(a->pieces[0].ox, b->pieces[0].ox);
        CU_ASSERT_EQUAL(a->pieces[0].oy, b->pieces[0].oy);
        piece_point(a, &a->pieces[a->npieces - 1], a->pieces[a->npieces - 1].nseg, &ax, &ay);
        piece_point(b, &b->pieces[b->npieces - 1], b->pieces[b->npieces - 1].nseg, &bx, &by);
        CU_ASSERT_EQUAL(ax, bx);
        CU_ASSERT_EQUAL(ay, by);
    }
    hm_runs__free(&runs, ctx);
    hm_ctx__free(ctx, ids);
    hm_index__free(idx);
    hm_index__free(NULL);
    hm_ctx_free(ctx);
}

void hm_test_index_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_index__raw_pieces_give_back_every_segment",
         test_index__raw_pieces_give_back_every_segment},
        {"test_index__packed_attributes", test_index__packed_attributes},
        {"test_index__query_sorted_vs_brute_force", test_index__query_sorted_vs_brute_force},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("index", tests);
}
