/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/style/glow.c: the kernel (radius, sum, symmetry), the blur
 * of one bright pixel against the Gaussian formula, of a constant field,
 * and the margin convention (the output is the input's centre).
 */
#include <stdlib.h>
#include <string.h>

#include "style/glow_int.h"
#include "test_util.h"

static void test_glow__radius(void)
{
    CU_ASSERT_EQUAL(hm_glow__radius(1.0), 3);
    CU_ASSERT_EQUAL(hm_glow__radius(0.5), 2);  /* ceil(1.5) */
    CU_ASSERT_EQUAL(hm_glow__radius(2.2), 7);  /* ceil(6.6) */
    CU_ASSERT_EQUAL(hm_glow__radius(4.0), 12);
    CU_ASSERT_EQUAL(hm_glow__radius(HM_GLOW_MAX_SIGMA), 96);
}

static void test_glow__kernel_sums_to_one(void)
{
    static const double sigmas[] = {0.3, 1.0, 2.5, 4.0, 10.0, HM_GLOW_MAX_SIGMA};
    float k[2 * 96 + 1];
    size_t i;

    for (i = 0; i < sizeof(sigmas) / sizeof(sigmas[0]); i++) {
        double sigma = sigmas[i], s_expected = 0.0, sum = 0.0, s;
        int r = hm_glow__radius(sigma), d;

        for (d = -r; d <= r; d++)
            s_expected += exp(-(double)d * d / (2 * sigma * sigma));
        s = hm_glow__kernel(sigma, k);
        HM_ASSERT_NEAR(s, s_expected, 1e-9);
        for (d = -r; d <= r; d++) {
            sum += k[d + r];
            HM_ASSERT_NEAR(k[d + r], k[r - d], 0); /* symmetric */
            if (d > -r)
                CU_ASSERT(d <= 0 ? k[d + r] >= k[d + r - 1] : k[d + r] <= k[d + r - 1]);
        }
        HM_ASSERT_NEAR(sum, 1.0, 1e-6);
        /* about sigma sqrt(2 pi) for a wide kernel */
        if (sigma >= 1.0)
            HM_ASSERT_NEAR(s, sigma * sqrt(2 * 3.14159265358979), 0.01 * s);
    }
}

static void test_glow__single_pixel_is_the_gaussian(void)
{
    const double sigma = 2.5;
    const int r = hm_glow__radius(sigma), w = 40, h = 30, iw = w + 2 * r, ih = h + 2 * r;
    const int px = 17, py = 11; /* the bright pixel, in output coordinates */
    float k[2 * 96 + 1];
    float *in = calloc((size_t)iw * ih, sizeof(float));
    float *out = malloc((size_t)w * h * sizeof(float));
    float *scratch = malloc((size_t)ih * w * sizeof(float));
    double s;
    int x, y;

    CU_ASSERT_FATAL(in && out && scratch);
    s = hm_glow__kernel(sigma, k);
    in[(size_t)(py + r) * iw + px + r] = 1.0f;
    hm_glow__blur(in, w, h, r, k, out, scratch);
    for (y = 0; y < h; y++) {
        for (x = 0; x < w; x++) {
            int dx = x - px, dy = y - py;
            double expected = 0.0;

            if (abs(dx) <= r && abs(dy) <= r)
                expected = exp(-(double)(dx * dx + dy * dy) / (2 * sigma * sigma)) / (s * s);
            HM_ASSERT_NEAR(out[(size_t)y * w + x], expected, 1e-7);
        }
    }
    free(in);
    free(out);
    free(scratch);
}

static void test_glow__margin_counts(void)
{
    /* A bright pixel in the margin (outside the output) still glows into it. */
    const double sigma = 1.0;
    const int r = hm_glow__radius(sigma), w = 8, h = 8, iw = w + 2 * r, ih = h + 2 * r;
    float k[2 * 96 + 1], in[(8 + 6) * (8 + 6)], out[64], scratch[(8 + 6) * 8];
    double s = hm_glow__kernel(sigma, k);

    memset(in, 0, sizeof(in));
    in[0 * iw + 1] = 1.0f; /* output coordinates (1 - r, 0 - r) = (-2, -3) */
    hm_glow__blur(in, w, h, r, k, out, scratch);
    /* (0, 0) is dx = 2, dy = 3 away */
    HM_ASSERT_NEAR(out[0], exp(-(4.0 + 9.0) / 2.0) / (s * s), 1e-7);
    HM_ASSERT_NEAR(out[1], exp(-(9.0 + 9.0) / 2.0) / (s * s), 1e-9); /* dx = dy = 3 = r */
    HM_ASSERT_NEAR(out[8], 0.0, 0); /* dy = 4 > r: beyond the truncation */
    (void)ih;
}

static void test_glow__constant_field(void)
{
    /* The kernel sums to 1: a constant field stays constant; zero stays exactly zero. */
    const double sigma = 3.0;
    const int r = hm_glow__radius(sigma), w = 16, h = 16, iw = w + 2 * r, ih = h + 2 * r;
    float k[2 * 96 + 1];
    float *in = malloc((size_t)iw * ih * sizeof(float));
    float out[256], scratch[(16 + 18) * 16];
    int i;

    CU_ASSERT_FATAL(in != NULL);
    hm_glow__kernel(sigma, k);
    for (i = 0; i < iw * ih; i++)
        in[i] = 0.75f;
    hm_glow__blur(in, w, h, r, k, out, scratch);
    for (i = 0; i < w * h; i++)
        HM_ASSERT_NEAR(out[i], 0.75, 1e-5);
    memset(in, 0, (size_t)iw * ih * sizeof(float));
    hm_glow__blur(in, w, h, r, k, out, scratch);
    for (i = 0; i < w * h; i++)
        CU_ASSERT(out[i] == 0.0f);
    free(in);
}

void hm_test_glow_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_glow__radius", test_glow__radius},
        {"test_glow__kernel_sums_to_one", test_glow__kernel_sums_to_one},
        {"test_glow__single_pixel_is_the_gaussian", test_glow__single_pixel_is_the_gaussian},
        {"test_glow__margin_counts", test_glow__margin_counts},
        {"test_glow__constant_field", test_glow__constant_field},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("glow", tests);
}
