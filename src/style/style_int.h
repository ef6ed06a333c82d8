/* SPDX-License-Identifier: MIT */
/*
 * What a style is made from, in the style layer's own terms (the open path
 * fills it from the spec's RENDER ... GLOW; hm_style_new() is that).
 */
#ifndef HM_STYLE_STYLE_INT_H
#define HM_STYLE_STYLE_INT_H

#include "core/ctx_int.h"
#include "heatmap/style.h"

typedef struct hm_style_params {
    int render;          /* 1 + the band shown; 0: no style */
    int render_mode;     /* hm_render_mode */
    const char *palette; /* PALETTE as given, NULL: the band's default */
    int normalize;       /* 1 + hm_norm_method, 0: the band's default */
    int has_clip;        /* 1 when clip is given */
    double clip[2];      /* percentiles, 0 <= low < high <= 100 */
    double glow;         /* Gaussian sigma, px; 0 = off */
} hm_style_params;

/* As hm_style_new(), from parameters. */
int hm_style__new(hm_style **out, hm_ctx *ctx, const hm_style_params *params);

#endif /* HM_STYLE_STYLE_INT_H */
