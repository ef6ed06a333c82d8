/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/style/stats.c: the sampling rule (which blocks, which
 * pixels, what weight). The statistics of real rasters are tested through
 * styled blocks in test_style.c.
 */
#include <stdlib.h>
#include <string.h>

#include "style/stats_int.h"
#include "test_util.h"

static void test_stats__pick(void)
{
    size_t i, prev = 0;

    /* up to max items: all of them */
    for (i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(hm_stats__pick(i, 10, 1024), i);
    for (i = 0; i < 1024; i++)
        CU_ASSERT_EQUAL(hm_stats__pick(i, 1024, 1024), i);
    /* more: floor(i * n / max), increasing, first 0, last near the end */
    CU_ASSERT_EQUAL(hm_stats__pick(0, 3000, 1024), 0);
    CU_ASSERT_EQUAL(hm_stats__pick(1, 3000, 1024), 2);    /* 2.93 */
    CU_ASSERT_EQUAL(hm_stats__pick(512, 3000, 1024), 1500);
    CU_ASSERT_EQUAL(hm_stats__pick(1023, 3000, 1024), 2997); /* 2997.07 */
    for (i = 1; i < 1024; i++) {
        size_t k = hm_stats__pick(i, 1000000, 1024);
        CU_ASSERT(k > prev);
        CU_ASSERT(k - prev >= 976 && k - prev <= 977); /* evenly spread: 1e6 / 1024 = 976.6 */
        prev = k;
    }
}

static void test_stats__sample_block(void)
{
    enum { NPIX = 256 * 256 };
    float *v = malloc(NPIX * sizeof(float));
    hm_sample *s = malloc(HM_STATS_BLOCK_VALUES * sizeof(*s));
    size_t i, n;
    double total;

    CU_ASSERT_FATAL(v && s);
    /* count: 0 is no data; three data pixels, all kept with weight 1 */
    memset(v, 0, NPIX * sizeof(float));
    v[5] = 2.0f;
    v[700] = 1.0f;
    v[NPIX - 1] = 7.0f;
    n = hm_stats__sample_block(s, HM_BAND_COUNT, v, NPIX);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    HM_ASSERT_NEAR(s[0].value, 2.0, 0);
    HM_ASSERT_NEAR(s[1].value, 1.0, 0);
    HM_ASSERT_NEAR(s[2].value, 7.0, 0);
    for (i = 0; i < n; i++)
        HM_ASSERT_NEAR(s[i].weight, 1.0, 0);
    /* pace: NaN is no data, 0 is not */
    for (i = 0; i < NPIX; i++)
        v[i] = NAN;
    v[10] = 0.0f;
    v[20] = 300.0f;
    CU_ASSERT_EQUAL(hm_stats__sample_block(s, HM_BAND_PACE, v, NPIX), 2);
    CU_ASSERT_EQUAL(hm_stats__sample_block(s, HM_BAND_COUNT, v, NPIX), 1); /* 300 */
    /* a full block: 1024 values spread over it, each weighing 64 pixels */
    for (i = 0; i < NPIX; i++)
        v[i] = (float)i;
    n = hm_stats__sample_block(s, HM_BAND_HR, v, NPIX);
    CU_ASSERT_EQUAL_FATAL(n, HM_STATS_BLOCK_VALUES);
    total = 0.0;
    for (i = 0; i < n; i++) {
        HM_ASSERT_NEAR(s[i].value, (double)(i * 64), 0);
        total += s[i].weight;
    }
    HM_ASSERT_NEAR(total, NPIX, 1e-6);
    free(v);
    free(s);
}

void hm_test_stats_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_stats__pick", test_stats__pick},
        {"test_stats__sample_block", test_stats__sample_block},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("stats", tests);
}
