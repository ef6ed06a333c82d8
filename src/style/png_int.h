/* SPDX-License-Identifier: MIT */
/*
 * The PNG writer (libpng, output through the I/O layer's write side).
 */
#ifndef HM_STYLE_PNG_INT_H
#define HM_STYLE_PNG_INT_H

#include "core/ctx_int.h"
#include "heatmap/style.h"

/*
 * Write an 8-bit PNG: RGBA (pixels are width * height * 4 bytes) or
 * PALETTE (width * height indices; colors become PLTE, their alphas tRNS).
 * Rows top first. A file that could not be written completely is removed.
 * @return HM_OK, HM_EINVAL (empty image), HM_EIO (cannot create or write
 *         path), HM_ENOMEM, HM_ERROR (libpng refused, e.g. too large).
 */
int hm_png__write(hm_ctx *ctx, const char *path, int width, int height, hm_render_mode mode,
                  const uint8_t *pixels, const hm_rgba colors[256]);

#endif /* HM_STYLE_PNG_INT_H */
