/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/index/index.c: pieces cover every segment exactly once, in
 * activity order, within their size limits; queries return sorted piece ids
 * equal to a brute-force scan of the pieces' boxes; levels are exact halvings.
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

/* Random runs: lengths from `len`, steps of up to `step` px; run r belongs to activity r / 3. */
static void random_runs(hm_runs *r, hm_ctx *ctx, const size_t *len, size_t nruns, double step)
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
        double x = rnd() * 2000, y = rnd() * 2000;
        r->run_first[i] = k;
        r->run_act[i] = (uint32_t)(i / 3);
        for (j = 0; j < len[i]; j++, k++) {
            r->xy[2 * k] = x;
            r->xy[2 * k + 1] = y;
            /* now and then a long jump, which must stay one segment */
            x += (rnd() - 0.5) * (j % 17 == 5 ? 900.0 : step);
            y += (rnd() - 0.5) * (j % 17 == 5 ? 900.0 : step);
        }
    }
    r->run_first[nruns] = k;
    r->npoints = k;
    r->nruns = nruns;
}

static void test_index__pieces_cover_segments(void)
{
    static const size_t len[] = {2, 3, 32, 33, 34, 65, 100, 2, 500, 7, 1000, 2};
    enum { NR = sizeof(len) / sizeof(len[0]) };
    double start[NR / 3 + 1];
    size_t *covered, i, p, r;
    hm_index *idx;
    hm_ctx *ctx;
    hm_runs runs;
    const hm_level *lv;

    rng_state = 7;
    for (i = 0; i < NR / 3 + 1; i++)
        start[i] = 86400.0 * (double)(i + 1);
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    random_runs(&runs, ctx, len, NR, 12.0);
    CU_ASSERT_FATAL(hm_index__build(&idx, ctx, &runs, start, NR / 3, 1) == HM_OK);
    CU_ASSERT_PTR_NULL(runs.xy); /* moved into the index */
    CU_ASSERT_EQUAL(idx->levels[0].runs.nruns, NR);
    lv = &idx->levels[0];
    covered = calloc(lv->runs.npoints, sizeof(size_t));
    for (p = 0; p < lv->npieces; p++) {
        const hm_piece *pc = &lv->pieces[p];
        double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
        size_t j;
        CU_ASSERT(pc->nseg >= 1 && pc->nseg <= HM_PIECE_MAX_SEGMENTS);
        if (p > 0)
            CU_ASSERT(lv->pieces[p - 1].act <= pc->act); /* activity order */
        for (j = pc->first; j <= pc->first + pc->nseg; j++) {
            b[0] = fmin(b[0], lv->runs.xy[2 * j]);
            b[1] = fmin(b[1], lv->runs.xy[2 * j + 1]);
            b[2] = fmax(b[2], lv->runs.xy[2 * j]);
            b[3] = fmax(b[3], lv->runs.xy[2 * j + 1]);
            if (j < pc->first + pc->nseg)
                covered[j]++;
        }
        if (pc->nseg > 1)
            CU_ASSERT(b[2] - b[0] <= HM_PIECE_MAX_EXTENT && b[3] - b[1] <= HM_PIECE_MAX_EXTENT);
    }
    /* Every segment of every run exactly once; a run's last point starts none. */
    for (r = 0; r < NR; r++) {
        size_t a = lv->runs.run_first[r], e = lv->runs.run_first[r + 1];
        CU_ASSERT(e - a >= 2 && e - a <= len[r]); /* same-pixel streaks may be merged */
        for (i = a; i < e; i++)
            CU_ASSERT_EQUAL(covered[i], i + 1 < e ? 1u : 0u);
    }
    /* Piece activity matches its run's. */
    for (p = 0; p < lv->npieces; p++) {
        for (r = 0; r < NR; r++)
            if (lv->pieces[p].first >= lv->runs.run_first[r] &&
                lv->pieces[p].first < lv->runs.run_first[r + 1])
                CU_ASSERT_EQUAL(lv->pieces[p].act, r / 3);
    }
    HM_ASSERT_NEAR(idx->act_start_days[2], 3.0, 1e-12);
    free(covered);
    hm_index__free(idx);
    hm_ctx_free(ctx);
}

static void test_index__query_sorted_vs_brute_force(void)
{
    size_t len[60], i, q;
    hm_index *idx;
    hm_ctx *ctx;
    hm_runs runs;
    double start[20];
    uint32_t *ids = NULL;
    size_t n = 0, cap = 0;
    int k;

    rng_state = 99;
    for (i = 0; i < 60; i++)
        len[i] = 2 + (size_t)(rnd() * 200);
    for (i = 0; i < 20; i++)
        start[i] = NAN;
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    random_runs(&runs, ctx, len, 60, 6.0);
    CU_ASSERT_FATAL(hm_index__build(&idx, ctx, &runs, start, 20, 3) == HM_OK);
    for (k = 0; k < 3; k++) {
        const hm_level *lv = &idx->levels[k];
        for (q = 0; q < 100; q++) {
            double box[4], scale = ldexp(1.0, -k);
            size_t expect = 0, p, m = 0;
            box[0] = rnd() * 2000 * scale;
            box[1] = rnd() * 2000 * scale;
            box[2] = box[0] + rnd() * 300 * scale;
            box[3] = box[1] + rnd() * 300 * scale;
            CU_ASSERT_FATAL(hm_index__query(idx, ctx, k, box, &ids, &n, &cap) == HM_OK);
            for (i = 1; i < n; i++)
                CU_ASSERT(ids[i - 1] < ids[i]);
            for (p = 0; p < lv->npieces; p++) {
                const hm_piece *pc = &lv->pieces[p];
                double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
                size_t j;
                for (j = pc->first; j <= pc->first + pc->nseg; j++) {
                    b[0] = fmin(b[0], lv->runs.xy[2 * j]);
                    b[1] = fmin(b[1], lv->runs.xy[2 * j + 1]);
                    b[2] = fmax(b[2], lv->runs.xy[2 * j]);
                    b[3] = fmax(b[3], lv->runs.xy[2 * j + 1]);
                }
                if (b[0] <= box[2] && b[2] >= box[0] && b[1] <= box[3] && b[3] >= box[1]) {
                    expect++;
                    if (m < n && ids[m] == p)
                        m++;
                }
            }
            CU_ASSERT_EQUAL(n, expect);
            CU_ASSERT_EQUAL(m, expect);
            CU_ASSERT_EQUAL(hm_index__query_any(idx, k, box), expect > 0);
        }
    }
    /* Level k points are level k-1 points halved, exactly (run ends at least). */
    for (k = 1; k < 3; k++) {
        const hm_runs *a = &idx->levels[k - 1].runs, *b = &idx->levels[k].runs;
        for (i = 0; i < b->nruns; i++) {
            CU_ASSERT_EQUAL(b->xy[2 * b->run_first[i]], a->xy[2 * a->run_first[i]] * 0.5);
            CU_ASSERT_EQUAL(b->xy[2 * (b->run_first[i + 1] - 1) + 1],
                            a->xy[2 * (a->run_first[i + 1] - 1) + 1] * 0.5);
        }
    }
    hm_ctx__free(ctx, ids);
    hm_index__free(idx);
    hm_index__free(NULL);
    hm_ctx_free(ctx);
}

void hm_test_index_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_index__pieces_cover_segments", test_index__pieces_cover_segments},
        {"test_index__query_sorted_vs_brute_force", test_index__query_sorted_vs_brute_force},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("index", tests);
}
