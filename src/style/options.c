/* SPDX-License-Identifier: MIT */
/*
 * The style's option keys, RENDER ... GLOW: their documentation (which the
 * spec lists after its own keys, so GDAL and QGIS see one list) and the one
 * parser of their values. A value is parsed once, here, into
 * hm_style_params (a palette into its 256 colours), and hm_style__new()
 * builds a style from that without reading text again: a new style key is
 * a row below, a value of hm_style_option, a case in hm_style__set_option()
 * and a field of hm_style_params, all in src/style/.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/text_int.h"
#include "style/glow_int.h"
#include "style/normalize_int.h"
#include "style/palette_int.h"
#include "style/style_int.h"

/* A style option: its documentation, and the end of the message about a bad value (a
 * palette says what is wrong itself). Rows in hm_style_option order. */
typedef struct option_row {
    hm_option_info info;
    const char *expect;
} option_row;

static const option_row options[] = {
    /* HM_STYLE_OPT_RENDER */
    {{"RENDER", HM_OPTION_STRING_SELECT,
      "Show this band as a picture instead of Float32 bands: count, log_count, pace, hr or "
      "recency. Defaults by band: count and log_count PALETTE=hot NORMALIZE=equalize; pace "
      "PALETTE=blue NORMALIZE=linear CLIP=2,98 (fast = bright); hr PALETTE=red "
      "NORMALIZE=linear CLIP=2,98; recency PALETTE=viridis NORMALIZE=linear",
      NULL, "count,log_count,pace,hr,recency", NULL, NULL},
     "expected count, log_count, pace, hr or recency"},
    /* HM_STYLE_OPT_RENDER_MODE */
    {{"RENDER_MODE", HM_OPTION_STRING_SELECT,
      "With RENDER: RGBA (4 Byte bands R, G, B, alpha; alpha 0 where there is no data) or "
      "PALETTE (1 Byte band with a colour table; index 0 = transparent, no data)",
      "RGBA", "RGBA,PALETTE", NULL, NULL},
     "expected RGBA or PALETTE"},
    /* HM_STYLE_OPT_PALETTE */
    {{"PALETTE", HM_OPTION_STRING,
      "With RENDER: hot, blue, red, viridis, greys, or a gradient of position:colour stops "
      "(positions 0 to 1 increasing, hex RGB, RRGGBB or RRGGBBAA colours) such as "
      "0:000000;0.5:ff0000;1:ffffff; default: hot (count, log_count), blue (pace), red (hr), "
      "viridis (recency)",
      NULL, NULL, NULL, NULL},
     "expected a palette name or a gradient"},
    /* HM_STYLE_OPT_NORMALIZE */
    {{"NORMALIZE", HM_OPTION_STRING_SELECT,
      "With RENDER: linear, log or equalize (histogram equalisation), on statistics of the "
      "whole level (every block with data, or 1024 of them spread evenly when there are "
      "more), never per block; default: equalize (count, log_count), linear (pace, hr, "
      "recency)",
      NULL, "linear,log,equalize", NULL, NULL},
     "expected linear, log or equalize"},
    /* HM_STYLE_OPT_CLIP */
    {{"CLIP", HM_OPTION_STRING,
      "With RENDER: low,high percentiles of the level's values mapped to the ends of the "
      "palette (values beyond are clamped), e.g. 2,98; default: 2,98 (pace, hr), 0,100 "
      "(count, log_count, recency)",
      NULL, NULL, NULL, NULL},
     "expected low,high percentiles with 0 <= low < high <= 100"},
    /* HM_STYLE_OPT_GLOW */
    {{"GLOW", HM_OPTION_FLOAT,
      "With RENDER: Gaussian glow around the tracks, sigma in pixels (0-32); 0 = off", "0",
      NULL, "0", "32"},
     "expected a sigma in pixels from 0 to 32"},
};

/* One row per hm_style_option. */
#define ROWS (sizeof(options) / sizeof(options[0]))
typedef char option_rows_check[ROWS == HM_STYLE_OPTION_COUNT ? 1 : -1];

const hm_option_info *hm_style__option(size_t i)
{
    assert(i < HM_STYLE_OPTION_COUNT);
    return &options[i].info;
}

/* The index of s[0..len) (trimmed, case-insensitive) among n names, or -1. */
static int find_word(const char *s, size_t len, const char *const *names, int n)
{
    int i;

    s = hm_text__trim(s, &len);
    for (i = 0; i < n; i++)
        if (hm_text__equal_ci(s, len, names[i]))
            return i;
    return -1;
}

/* CLIP: exactly two finite numbers, 0 <= low < high <= 100. */
static int parse_clip(const char *value, double clip[2])
{
    hm_text_list it;
    const char *item;
    size_t len;
    int n = 0;

    hm_text__list_init(&it, value, strlen(value), ',');
    while (hm_text__list_next(&it, &item, &len)) {
        if (n >= 2 || hm_text__parse_double(&clip[n], item, len) != HM_OK)
            return -1;
        n++;
    }
    return n == 2 && clip[0] >= 0.0 && clip[0] < clip[1] && clip[1] <= 100.0 ? 0 : -1;
}

int hm_style__set_option(hm_style_params *p, size_t i, const char *value, char *why,
                         size_t why_size)
{
    static const char *const modes[] = {"RGBA", "PALETTE"}; /* by hm_render_mode */
    const char *names[HM_BAND_MAX];
    size_t len = strlen(value);
    double v[2];
    int k;

    assert(i < HM_STYLE_OPTION_COUNT);
    switch ((hm_style_option)i) {
    case HM_STYLE_OPT_RENDER:
        for (k = 0; k < HM_BAND_MAX; k++)
            names[k] = hm_band_get_name((hm_band)k);
        if ((k = find_word(value, len, names, HM_BAND_MAX)) < 0)
            break;
        p->render = 1 + k;
        return HM_OK;
    case HM_STYLE_OPT_RENDER_MODE:
        if ((k = find_word(value, len, modes, 2)) < 0)
            break;
        p->render_mode = k;
        return HM_OK;
    case HM_STYLE_OPT_PALETTE:
        /* A bad palette leaves the previous one: the parser writes nothing then. */
        if (hm_palette__parse(p->palette, value, why, why_size) != 0)
            return HM_EINVAL;
        p->has_palette = 1;
        return HM_OK;
    case HM_STYLE_OPT_NORMALIZE:
        for (k = 0; k < 3; k++)
            names[k] = hm_norm__name((hm_norm_method)k);
        if ((k = find_word(value, len, names, 3)) < 0)
            break;
        p->normalize = 1 + k;
        return HM_OK;
    case HM_STYLE_OPT_CLIP:
        if (parse_clip(value, v) != 0)
            break;
        memcpy(p->clip, v, sizeof(p->clip));
        p->has_clip = 1;
        return HM_OK;
    case HM_STYLE_OPT_GLOW:
        if (hm_text__parse_double(&v[0], value, len) != HM_OK || !(v[0] >= 0.0) ||
            !(v[0] <= HM_GLOW_MAX_SIGMA))
            break;
        p->glow = v[0];
        return HM_OK;
    }
    snprintf(why, why_size, "%s", options[i].expect);
    return HM_EINVAL;
}

void hm_style__idle_options(const hm_style_params *p, const char *const *texts, hm_strbuf *out)
{
    size_t i, n = 0;

    if (p->render)
        return;
    for (i = 0; i < HM_STYLE_OPTION_COUNT; i++)
        if (i != HM_STYLE_OPT_RENDER && texts[i])
            hm_strbuf_printf(out, "%s%s", n++ ? ", " : "", options[i].info.name);
}
