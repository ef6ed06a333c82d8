/* SPDX-License-Identifier: MIT */
/* Tests of src/index/rtree.c: the packed Hilbert R-tree against brute force on random boxes. */
#include <stdlib.h>
#include <string.h>

#include "index/rtree_int.h"
#include "test_util.h"

static uint64_t rng_state;

static double rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void random_box(double *b, double world, double max_size)
{
    double x = rnd() * world, y = rnd() * world;
    b[0] = x;
    b[1] = y;
    b[2] = x + rnd() * max_size;
    b[3] = y + rnd() * max_size;
}

static int overlaps(const double *a, const double *q)
{
    return a[0] <= q[2] && a[2] >= q[0] && a[1] <= q[3] && a[3] >= q[1];
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int keep_even(uint32_t id, const void *payload)
{
    (void)payload;
    return id % 2 == 0;
}

static void check_random(size_t n, size_t node_size, double max_size)
{
    hm_ctx *ctx;
    hm_rtree t;
    double *boxes = malloc((n ? n : 1) * 4 * sizeof(double));
    uint32_t *ids = NULL;
    size_t nids = 0, cap = 0, q, i;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    for (i = 0; i < n; i++)
        random_box(boxes + 4 * i, 1000.0, max_size);
    CU_ASSERT_FATAL(hm_rtree__build(&t, ctx, boxes, n, node_size) == HM_OK);
    CU_ASSERT_EQUAL(hm_rtree__get_count(&t), n);
    for (q = 0; q < 200; q++) {
        double qb[4];
        size_t expect = 0, expect_even = 0, k;
        random_box(qb, 1000.0, q % 4 == 0 ? 600.0 : 60.0);
        nids = 0;
        CU_ASSERT_FATAL(hm_rtree__query(&t, ctx, qb, &ids, &nids, &cap) == HM_OK);
        if (nids > 1)
            qsort(ids, nids, sizeof(*ids), cmp_u32);
        k = 0;
        for (i = 0; i < n; i++) {
            if (!overlaps(boxes + 4 * i, qb))
                continue;
            expect++;
            expect_even += i % 2 == 0;
            if (k < nids && ids[k] == i)
                k++;
        }
        CU_ASSERT_EQUAL(nids, expect); /* no extra hits ... */
        CU_ASSERT_EQUAL(k, expect);    /* ... and every expected one, once */
        CU_ASSERT_EQUAL(hm_rtree__query_any(&t, qb, NULL, NULL), expect > 0);
        CU_ASSERT_EQUAL(hm_rtree__query_any(&t, qb, keep_even, NULL), expect_even > 0);
        /* A view over the same arrays (a mapped store) answers the same. */
        {
            hm_rtree v;
            CU_ASSERT_FATAL(hm_rtree__view(&v, t.boxes, t.indices, n, t.node_size) == 0);
            CU_ASSERT_EQUAL(v.nboxes, t.nboxes);
            CU_ASSERT_EQUAL(hm_rtree__box_count(n, t.node_size), t.nboxes);
            nids = 0;
            CU_ASSERT_FATAL(hm_rtree__query(&v, ctx, qb, &ids, &nids, &cap) == HM_OK);
            CU_ASSERT_EQUAL(nids, expect);
            hm_rtree__free(&v); /* a view owns nothing: only emptied */
        }
    }
    CU_ASSERT_EQUAL(hm_rtree__check(&t), 0);
    hm_ctx__free(ctx, ids);
    hm_rtree__free(&t);
    hm_ctx_free(ctx);
    free(boxes);
}

static void test_rtree__random_vs_brute_force(void)
{
    static const size_t sizes[] = {1, 2, 15, 16, 17, 255, 256, 257, 1000, 5000};
    size_t i;

    rng_state = 0x9E3779B97F4A7C15ull;
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        check_random(sizes[i], 16, 20.0);
        check_random(sizes[i], 2, 50.0);
        check_random(sizes[i], 64, 5.0);
    }
}

static void test_rtree__degenerate_boxes(void)
{
    /* Points, identical boxes, and touching edges (closed intervals). */
    double boxes[4 * 40];
    double q_touch[4] = {10.0, 10.0, 20.0, 20.0}, q_far[4] = {100, 100, 200, 200};
    hm_ctx *ctx;
    hm_rtree t;
    uint32_t *ids = NULL;
    size_t n = 0, cap = 0, i;

    for (i = 0; i < 40; i++) {
        double v = i < 20 ? 5.0 : 20.0; /* 20 points at (5,5), 20 at (20,20) */
        boxes[4 * i] = boxes[4 * i + 1] = boxes[4 * i + 2] = boxes[4 * i + 3] = v;
    }
    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_rtree__build(&t, ctx, boxes, 40, 0) == HM_OK);
    CU_ASSERT(hm_rtree__query(&t, ctx, q_touch, &ids, &n, &cap) == HM_OK);
    CU_ASSERT_EQUAL(n, 20);
    for (i = 0; i < n; i++)
        CU_ASSERT(ids[i] >= 20);
    CU_ASSERT_EQUAL(hm_rtree__query_any(&t, q_far, NULL, NULL), 0);
    hm_ctx__free(ctx, ids);
    hm_rtree__free(&t);
    hm_ctx_free(ctx);
}

static void test_rtree__empty(void)
{
    double q[4] = {-1e9, -1e9, 1e9, 1e9};
    hm_ctx *ctx;
    hm_rtree t;
    uint32_t *ids = NULL;
    size_t n = 0, cap = 0;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_rtree__build(&t, ctx, NULL, 0, 16) == HM_OK);
    CU_ASSERT(hm_rtree__query(&t, ctx, q, &ids, &n, &cap) == HM_OK);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(hm_rtree__query_any(&t, q, NULL, NULL), 0);
    hm_rtree__free(&t);
    hm_rtree__free(NULL);
    hm_ctx_free(ctx);
}

/* hm_rtree__check() refuses trees whose indices or boxes could send a query astray. */
static void test_rtree__check_refuses_damage(void)
{
    double boxes[4 * 100];
    uint32_t *ind;
    double *bx;
    hm_rtree t, v;
    hm_ctx *ctx;
    size_t i;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    for (i = 0; i < 100; i++)
        random_box(boxes + 4 * i, 1000.0, 20.0);
    CU_ASSERT_FATAL(hm_rtree__build(&t, ctx, boxes, 100, 8) == HM_OK);
    ind = malloc(t.nboxes * sizeof(*ind));
    bx = malloc(t.nboxes * 4 * sizeof(*bx));
    CU_ASSERT_FATAL(ind && bx);
    for (i = 0; i < t.nboxes; i++) {
        size_t which;
        memcpy(ind, t.indices, t.nboxes * sizeof(*ind));
        memcpy(bx, t.boxes, t.nboxes * 4 * sizeof(*bx));
        CU_ASSERT_FATAL(hm_rtree__view(&v, bx, ind, 100, 8) == 0);
        CU_ASSERT_EQUAL(hm_rtree__check(&v), 0);
        which = i % 3;
        if (which == 0)
            ind[i] += i < 100 ? 100 : 1; /* a leaf naming no item, a node a wrong child */
        else if (which == 1)
            bx[4 * i + 2] = bx[4 * i] - 1.0; /* max < min */
        else
            bx[4 * i + 1] = NAN;
        CU_ASSERT_EQUAL(hm_rtree__check(&v), -1);
    }
    CU_ASSERT_EQUAL(hm_rtree__view(&v, bx, ind, 100, 1), -1); /* impossible node size */
    free(ind);
    free(bx);
    hm_rtree__free(&t);
    hm_ctx_free(ctx);
}

void hm_test_rtree_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_rtree__random_vs_brute_force", test_rtree__random_vs_brute_force},
        {"test_rtree__degenerate_boxes", test_rtree__degenerate_boxes},
        {"test_rtree__empty", test_rtree__empty},
        {"test_rtree__check_refuses_damage", test_rtree__check_refuses_damage},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("rtree", tests);
}
