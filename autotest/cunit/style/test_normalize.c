/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/style/normalize.c on histograms whose percentiles, CDF and
 * mappings are worked out by hand in the comments.
 */
#include <stdlib.h>
#include <string.h>

#include "style/normalize_int.h"
#include "test_util.h"

static hm_ctx *ctx;

static void hist_of(hm_hist *h, const float *values, const float *weights, size_t n)
{
    hm_sample *s = malloc((n ? n : 1) * sizeof(*s));
    size_t i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    if (!ctx)
        CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    for (i = 0; i < n; i++) {
        s[i].value = values[i];
        s[i].weight = weights ? weights[i] : 1.0f;
    }
    CU_ASSERT_EQUAL_FATAL(hm_hist__build(h, ctx, s, n, HM_HIST_MAX), HM_OK);
    free(s);
}

/* Counts 1 x5, 2 x3, 3 x1, 10 x1, given out of order: 10 pixels. */
static const float counts[] = {2, 1, 10, 1, 3, 1, 2, 1, 2, 1};

static void test_normalize__histogram(void)
{
    hm_hist h;

    hist_of(&h, counts, NULL, 10);
    CU_ASSERT_EQUAL_FATAL(h.n, 4);
    HM_ASSERT_NEAR(h.value[0], 1, 0);
    HM_ASSERT_NEAR(h.value[1], 2, 0);
    HM_ASSERT_NEAR(h.value[2], 3, 0);
    HM_ASSERT_NEAR(h.value[3], 10, 0);
    HM_ASSERT_NEAR(h.cum[0], 5, 0);
    HM_ASSERT_NEAR(h.cum[1], 8, 0);
    HM_ASSERT_NEAR(h.cum[2], 9, 0);
    HM_ASSERT_NEAR(h.cum[3], 10, 0);
    HM_ASSERT_NEAR(h.total, 10, 0);
    HM_ASSERT_NEAR(h.min, 1, 0);
    HM_ASSERT_NEAR(h.max, 10, 0);
    hm_hist__free(&h, ctx);
}

static void test_normalize__percentiles(void)
{
    /* nearest rank: the smallest value whose cumulative count reaches p% of 10 */
    static const double p[][2] = {{0, 1},  {10, 1},  {50, 1},  {50.5, 2}, {51, 2}, {80, 2},
                                  {81, 3}, {90, 3},  {90.1, 10}, {95, 10}, {99.9, 10},
                                  {100, 10}, {-5, 1}, {150, 10}};
    hm_hist h;
    size_t i;

    hist_of(&h, counts, NULL, 10);
    for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
        HM_ASSERT_NEAR(hm_hist__percentile(&h, p[i][0]), p[i][1], 0);
    hm_hist__free(&h, ctx);
}

static void test_normalize__cdf(void)
{
    hm_hist h;

    hist_of(&h, counts, NULL, 10);
    HM_ASSERT_NEAR(hm_hist__cdf(&h, 0.5), 0.0, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf(&h, 1), 0.5, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf(&h, 1.5), 0.5, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf(&h, 2), 0.8, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf(&h, 3), 0.9, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf(&h, 9.99), 0.9, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf(&h, 10), 1.0, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf(&h, 1e9), 1.0, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf_below(&h, 1), 0.0, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf_below(&h, 2), 0.5, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf_below(&h, 10), 0.9, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf_below(&h, 11), 1.0, 1e-12);
    hm_hist__free(&h, ctx);
}

static void test_normalize__equalize(void)
{
    hm_norm n;
    hm_hist h;

    hist_of(&h, counts, NULL, 10);
    /* t = F(v): the equalised intensity of each count */
    hm_norm__prepare(&n, &h, HM_NORM_EQUALIZE, 0, 100, 0);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 1), 0.5, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 2), 0.8, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 3), 0.9, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 10), 1.0, 1e-12);
    /* clipped to the 10..90 % band: (F - 0.1) / 0.8 */
    hm_norm__prepare(&n, &h, HM_NORM_EQUALIZE, 10, 90, 0);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 1), 0.5, 1e-12);  /* 0.4 / 0.8 */
    HM_ASSERT_NEAR(hm_norm__apply(&n, 2), 0.875, 1e-12); /* 0.7 / 0.8 */
    HM_ASSERT_NEAR(hm_norm__apply(&n, 3), 1.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 10), 1.0, 1e-12);
    /* reverse: the fraction of pixels >= v */
    hm_norm__prepare(&n, &h, HM_NORM_EQUALIZE, 0, 100, 1);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 1), 1.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 2), 0.5, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 3), 0.2, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 10), 0.1, 1e-12);
    hm_hist__free(&h, ctx);
}

static void test_normalize__linear(void)
{
    hm_norm n;
    hm_hist h;

    hist_of(&h, counts, NULL, 10);
    /* range 1..10 */
    hm_norm__prepare(&n, &h, HM_NORM_LINEAR, 0, 100, 0);
    HM_ASSERT_NEAR(n.lo, 1, 0);
    HM_ASSERT_NEAR(n.hi, 10, 0);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 1), 0.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 4), 1.0 / 3.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 10), 1.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 0), 0.0, 1e-12);  /* clamped */
    HM_ASSERT_NEAR(hm_norm__apply(&n, 20), 1.0, 1e-12); /* clamped */
    /* reverse: low is bright */
    hm_norm__prepare(&n, &h, HM_NORM_LINEAR, 0, 100, 1);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 1), 1.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 4), 2.0 / 3.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 10), 0.0, 1e-12);
    /* CLIP 2,90: percentiles 1 and 3; 2 is half way, 10 clamps */
    hm_norm__prepare(&n, &h, HM_NORM_LINEAR, 2, 90, 0);
    HM_ASSERT_NEAR(n.lo, 1, 0);
    HM_ASSERT_NEAR(n.hi, 3, 0);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 2), 0.5, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 10), 1.0, 1e-12);
    /* CLIP 60,90: lo 2, hi 3; 1 clamps to 0 */
    hm_norm__prepare(&n, &h, HM_NORM_LINEAR, 60, 90, 0);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 1), 0.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 2.5), 0.5, 1e-12);
    hm_hist__free(&h, ctx);
}

static void test_normalize__log(void)
{
    hm_norm n;
    hm_hist h;

    hist_of(&h, counts, NULL, 10);
    /* ln(1 + (v - 1)) / ln(1 + 9) = ln(v) / ln(10) */
    hm_norm__prepare(&n, &h, HM_NORM_LOG, 0, 100, 0);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 1), 0.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 2), log(2.0) / log(10.0), 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 3), log(3.0) / log(10.0), 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 10), 1.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 100), 1.0, 1e-12);
    /* reverse: ln(1 + (10 - v)) / ln(10) */
    hm_norm__prepare(&n, &h, HM_NORM_LOG, 0, 100, 1);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 10), 0.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 9), log(2.0) / log(10.0), 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 1), 1.0, 1e-12);
    hm_hist__free(&h, ctx);
}

static void test_normalize__weights(void)
{
    /* pace-like values with weights: 300 s/km stands for 3 pixels, 360 for 1 */
    static const float v[] = {360, 300, 420};
    static const float w[] = {1, 3, 4};
    hm_norm n;
    hm_hist h;

    hist_of(&h, v, w, 3);
    HM_ASSERT_NEAR(h.total, 8, 0);
    HM_ASSERT_NEAR(hm_hist__cdf(&h, 300), 3.0 / 8.0, 1e-12);
    HM_ASSERT_NEAR(hm_hist__cdf(&h, 360), 4.0 / 8.0, 1e-12);
    HM_ASSERT_NEAR(hm_hist__percentile(&h, 50), 360, 0);
    HM_ASSERT_NEAR(hm_hist__percentile(&h, 51), 420, 0);
    /* pace is reversed: the fastest (300) is bright */
    hm_norm__prepare(&n, &h, HM_NORM_EQUALIZE, 0, 100, 1);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 300), 1.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 360), 5.0 / 8.0, 1e-12);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 420), 4.0 / 8.0, 1e-12);
    hm_hist__free(&h, ctx);
}

static void test_normalize__degenerate(void)
{
    static const float one[] = {7, 7, 7};
    hm_norm n;
    hm_hist h;

    /* a single value: linear and log have no range, everything is 1 */
    hist_of(&h, one, NULL, 3);
    CU_ASSERT_EQUAL(h.n, 1);
    hm_norm__prepare(&n, &h, HM_NORM_LINEAR, 0, 100, 0);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 7), 1.0, 0);
    hm_norm__prepare(&n, &h, HM_NORM_LOG, 2, 98, 1);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 7), 1.0, 0);
    hm_norm__prepare(&n, &h, HM_NORM_EQUALIZE, 0, 100, 0);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 7), 1.0, 0);
    hm_hist__free(&h, ctx);
    /* empty: no value anywhere */
    hist_of(&h, one, NULL, 0);
    CU_ASSERT_EQUAL(h.n, 0);
    HM_ASSERT_NAN(h.min);
    HM_ASSERT_NAN(hm_hist__percentile(&h, 50));
    HM_ASSERT_NEAR(hm_hist__cdf(&h, 3), 0.0, 0);
    hm_norm__prepare(&n, &h, HM_NORM_EQUALIZE, 0, 100, 0);
    HM_ASSERT_NEAR(hm_norm__apply(&n, 3), 1.0, 0);
    hm_hist__free(&h, ctx);
}

static void test_normalize__grouping(void)
{
    /* 10000 distinct values 0..9999, one pixel each, into at most 101 entries: each
     * entry stands for about 1 % of the pixels, and the cumulative weights kept are
     * exact, so percentiles are within one group (100 values) of the exact ones. */
    enum { N = 10000 };
    float *v = malloc(N * sizeof(*v));
    hm_sample *s = malloc(N * sizeof(*s));
    hm_hist h;
    size_t i;
    int p;

    CU_ASSERT_FATAL(v && s);
    for (i = 0; i < N; i++) {
        s[i].value = (float)((i * 7919) % N); /* a permutation of 0..9999 */
        s[i].weight = 1.0f;
    }
    CU_ASSERT_EQUAL_FATAL(hm_hist__build(&h, ctx, s, N, 101), HM_OK);
    CU_ASSERT(h.n <= 101);
    CU_ASSERT(h.n >= 100);
    HM_ASSERT_NEAR(h.min, 0, 0);
    HM_ASSERT_NEAR(h.max, 9999, 0);
    HM_ASSERT_NEAR(h.total, N, 0);
    for (i = 0; i < h.n; i++) {
        /* a kept entry's cumulative weight is exact: value + 1 values are <= value */
        HM_ASSERT_NEAR(h.cum[i], h.value[i] + 1.0, 0);
        if (i)
            CU_ASSERT(h.cum[i] - h.cum[i - 1] <= 100.0 + 1e-9);
    }
    for (p = 1; p < 100; p++) {
        double exact = ceil(p * N / 100.0) - 1.0;
        double got = hm_hist__percentile(&h, p);
        CU_ASSERT(got >= exact && got <= exact + 100.0);
    }
    hm_hist__free(&h, ctx);
    free(v);
    free(s);
}

static void test_normalize__names(void)
{
    CU_ASSERT_STRING_EQUAL(hm_norm__name(HM_NORM_LINEAR), "linear");
    CU_ASSERT_STRING_EQUAL(hm_norm__name(HM_NORM_LOG), "log");
    CU_ASSERT_STRING_EQUAL(hm_norm__name(HM_NORM_EQUALIZE), "equalize");
}

static void test_normalize__cleanup(void)
{
    hm_ctx_free(ctx);
    ctx = NULL;
}

void hm_test_normalize_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_normalize__histogram", test_normalize__histogram},
        {"test_normalize__percentiles", test_normalize__percentiles},
        {"test_normalize__cdf", test_normalize__cdf},
        {"test_normalize__equalize", test_normalize__equalize},
        {"test_normalize__linear", test_normalize__linear},
        {"test_normalize__log", test_normalize__log},
        {"test_normalize__weights", test_normalize__weights},
        {"test_normalize__degenerate", test_normalize__degenerate},
        {"test_normalize__grouping", test_normalize__grouping},
        {"test_normalize__names", test_normalize__names},
        {"test_normalize__cleanup", test_normalize__cleanup},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("normalize", tests);
}
