/* SPDX-License-Identifier: MIT */
/*
 * The Gaussian blur behind GLOW. Separable: a horizontal pass over every
 * row of the haloed input (only the columns the output needs), then a
 * vertical pass, so a block costs at most 2 (2r + 1) multiply-adds a pixel
 * instead of (2r + 1)^2, and much less on sparse tracks: both passes scatter
 * from the non-zero inputs. Sums run in float over at most 2 * 96 + 1 terms of
 * weights <= 1 and values in [0, 1]: far below float's precision limits,
 * and the same order of additions for every block, so equal inputs give
 * bit-identical outputs wherever the block is.
 */
#include <math.h>

#include "style/glow_int.h"

int hm_glow__radius(double sigma)
{
    return (int)ceil(3.0 * sigma);
}

double hm_glow__kernel(double sigma, float *kernel)
{
    int r = hm_glow__radius(sigma), d;
    double sum = 0.0;

    for (d = -r; d <= r; d++)
        sum += exp(-(double)d * d / (2.0 * sigma * sigma));
    for (d = -r; d <= r; d++)
        kernel[d + r] = (float)(exp(-(double)d * d / (2.0 * sigma * sigma)) / sum);
    return sum;
}

void hm_glow__blur(const float *in, int w, int h, int r, const float *kernel, float *out,
                   float *scratch)
{
    const int iw = w + 2 * r, ih = h + 2 * r;
    int x, y, i;

    /* scratch (w x ih): rows of in, blurred horizontally. Scattered from the non-zero
     * inputs only (tracks are sparse); for each output the terms still add up in the
     * order of the kernel, and skipped terms are exact zeros, so this equals the
     * straightforward sum bit for bit. */
    for (y = 0; y < ih; y++) {
        const float *row = in + (size_t)y * iw;
        float *dst = scratch + (size_t)y * w;

        for (x = 0; x < w; x++)
            dst[x] = 0.0f;
        for (i = 0; i < iw; i++) {
            const float v = row[i];
            int x0 = i - 2 * r, x1 = i;

            if (v == 0.0f)
                continue;
            if (x0 < 0)
                x0 = 0;
            if (x1 > w - 1)
                x1 = w - 1;
            for (x = x0; x <= x1; x++)
                dst[x] += kernel[i - x] * v;
        }
    }
    /* Vertically, scattered likewise from the rows that are not all zero. */
    for (i = 0; i < w * h; i++)
        out[i] = 0.0f;
    for (i = 0; i < ih; i++) {
        const float *src = scratch + (size_t)i * w;
        int y0 = i - 2 * r, y1 = i;

        for (x = 0; x < w && src[x] == 0.0f; x++)
            ;
        if (x == w)
            continue;
        if (y0 < 0)
            y0 = 0;
        if (y1 > h - 1)
            y1 = h - 1;
        for (y = y0; y <= y1; y++) {
            float *dst = out + (size_t)y * w;
            const float kk = kernel[i - y];
            for (x = 0; x < w; x++)
                dst[x] += kk * src[x];
        }
    }
}
