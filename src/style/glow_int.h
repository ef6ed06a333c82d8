/* SPDX-License-Identifier: MIT */
/*
 * Glow: a separable Gaussian blur of the normalised intensity. Pure
 * functions on caller-provided arrays: the style renders a block with a
 * halo of the kernel's radius around it and blurs that, so a block's glow
 * never depends on where the block boundaries are.
 */
#ifndef HM_STYLE_GLOW_INT_H
#define HM_STYLE_GLOW_INT_H

#include <stddef.h>

/* Largest sigma, px: the halo (3 sigma) plus a block fits one window render. */
#define HM_GLOW_MAX_SIGMA 32.0

/*
 * The glow added to a pixel is min(1, gain * blur) with gain = S / this, S
 * the kernel's sum before normalising (hm_glow__kernel): the glow on the
 * axis of an isolated line of intensity t is then about t / 8, whatever
 * sigma is, and busy areas glow without saturating.
 */
#define HM_GLOW_GAIN_DIV 8.0

/* Kernel radius for sigma > 0: ceil(3 sigma) (the Gaussian truncated at 3 sigma). */
int hm_glow__radius(double sigma);

/*
 * The 2r + 1 weights exp(-d^2 / (2 sigma^2)), d = -r..r, divided by their
 * sum S (so they add up to 1), r = hm_glow__radius(sigma).
 * @param kernel 2r + 1 floats.
 * @return S, the sum before normalising (about sigma * sqrt(2 pi)).
 */
double hm_glow__kernel(double sigma, float *kernel);

/*
 * Blur: out (w x h) is in (w + 2r wide, h + 2r high, the same pixels with a
 * margin of r on every side) convolved with kernel horizontally, then
 * vertically. Row major, in[(y + r) * (w + 2r) + x + r] is out's (x, y).
 * @param scratch (h + 2r) * w floats.
 */
void hm_glow__blur(const float *in, int w, int h, int r, const float *kernel, float *out,
                   float *scratch);

#endif /* HM_STYLE_GLOW_INT_H */
