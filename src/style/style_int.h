/* SPDX-License-Identifier: MIT */
/*
 * What a style is made from, in the style layer's own terms: the style
 * option keys (RENDER ... GLOW), parsed once by hm_style__set_option() into
 * hm_style_params (src/style/options.c). The open path keeps one
 * hm_style_params in its spec and hands it to hm_style__new(); it never
 * reads a style value itself.
 */
#ifndef HM_STYLE_STYLE_INT_H
#define HM_STYLE_STYLE_INT_H

#include "core/ctx_int.h"
#include "core/strbuf_int.h"
#include "heatmap/style.h"

/* The style option keys, in the order the option list shows them. */
typedef enum hm_style_option {
    HM_STYLE_OPT_RENDER = 0,
    HM_STYLE_OPT_RENDER_MODE = 1,
    HM_STYLE_OPT_PALETTE = 2,
    HM_STYLE_OPT_NORMALIZE = 3,
    HM_STYLE_OPT_CLIP = 4,
    HM_STYLE_OPT_GLOW = 5
} hm_style_option;

#define HM_STYLE_OPTION_COUNT 6

/* The style options as parsed; all zero (memset) is "no style". */
typedef struct hm_style_params {
    int render;             /* RENDER: 1 + the band shown; 0: no style (Float32 bands) */
    int render_mode;        /* RENDER_MODE: hm_render_mode */
    int has_palette;        /* 1 when PALETTE was given */
    hm_rgba palette[256];   /* PALETTE, parsed (hm_palette__parse) */
    int normalize;          /* NORMALIZE: 1 + hm_norm_method, 0: the band's default */
    int has_clip;           /* 1 when CLIP was given */
    double clip[2];         /* CLIP percentiles, 0 <= low < high <= 100 */
    double glow;            /* GLOW: Gaussian sigma, px, 0 to HM_GLOW_MAX_SIGMA; 0 = off */
} hm_style_params;

/* Style option i (i < HM_STYLE_OPTION_COUNT), documented. Static. */
const hm_option_info *hm_style__option(size_t i);

/*
 * Parse value as style option i into params. A rejected value leaves params as they were.
 * @param why receives the end of a message on failure ("expected RGBA or PALETTE", or what
 *        is wrong with a palette).
 * @return HM_OK or HM_EINVAL.
 */
int hm_style__set_option(hm_style_params *params, size_t i, const char *value, char *why,
                         size_t why_size);

/*
 * The style options given although RENDER is not, which then do nothing ("GLOW, PALETTE"):
 * texts[i] is option i's text or NULL when it was not given. Nothing appended with RENDER.
 */
void hm_style__idle_options(const hm_style_params *params, const char *const *texts,
                            hm_strbuf *out);

/* As hm_style_new(), from parameters hm_style__set_option() filled in (nothing is checked
 * again). */
int hm_style__new(hm_style **out, hm_ctx *ctx, const hm_style_params *params);

#endif /* HM_STYLE_STYLE_INT_H */
