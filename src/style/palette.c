/* SPDX-License-Identifier: MIT */
/*
 * Palettes. Every palette is a gradient: the named ones are gradient texts
 * themselves, parsed by the same code as a user's, so there is one
 * definition of what a palette means. A gradient is "pos:colour" stops
 * separated by ';', positions from 0 to 1 strictly increasing, colours hex
 * RGB, RRGGBB or RRGGBBAA (alpha ff when absent; a leading '#' is allowed);
 * before the first stop and after the last the end colours continue.
 * Channels are interpolated linearly, alpha included, and rounded.
 *
 * The named palettes are made for a map background: "hot" (Strava-like dark
 * red, orange, yellow, white, on transparent: the low end is translucent so
 * faint tracks and the fringe of a glow fade into the map), "blue" (pace),
 * "red" (heart rate), and the opaque "viridis" (recency) and "greys".
 * Messages name the stop (1-based) and quote it, so a typo in a long
 * gradient is found at once.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/ctx_int.h"
#include "core/text_int.h"
#include "style/palette_int.h"

#define HM_PALETTE_MAX_STOPS 64

static const struct {
    const char *name;     /* lower case */
    const char *gradient; /* what it stands for */
} named[] = {
    {"hot", "0:5a000060;0.25:b41400a0;0.5:ff5a00e0;0.75:ffb400;1:ffffff"},
    {"blue", "0:00206060;0.3:0050b0a0;0.65:0096ffe0;1:e6f5ff"},
    {"red", "0:50000060;0.3:a00000a0;0.65:ff2020e0;1:ffe6e6"},
    {"viridis", "0:440154;0.25:3b528b;0.5:21918c;0.75:5ec962;1:fde725"},
    {"greys", "0:000000;1:ffffff"},
};

#define NAMED_COUNT (sizeof(named) / sizeof(named[0]))
#define NAMES_TEXT "hot, blue, red, viridis, greys"

typedef struct stop {
    double pos;      /* 0..1 */
    double rgba[4];  /* channels 0..255 */
} stop;

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = hm_text__lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Hex RGB, RRGGBB or RRGGBBAA (optional '#') into rgba; 0 or -1. */
static int parse_colour(const char *s, size_t len, double rgba[4])
{
    int d[8];
    size_t i;

    if (len && s[0] == '#') {
        s++;
        len--;
    }
    if (len != 3 && len != 6 && len != 8)
        return -1;
    for (i = 0; i < len; i++)
        if ((d[i] = hex_digit(s[i])) < 0)
            return -1;
    rgba[3] = 255.0;
    if (len == 3) {
        for (i = 0; i < 3; i++)
            rgba[i] = d[i] * 17.0;
        return 0;
    }
    for (i = 0; i < len / 2; i++)
        rgba[i] = d[2 * i] * 16.0 + d[2 * i + 1];
    return 0;
}

const char *hm_palette__named(const char *name)
{
    size_t i, len = strlen(name);

    for (i = 0; i < NAMED_COUNT; i++) {
        if (hm_text__equal_ci(name, len, named[i].name))
            return named[i].gradient;
    }
    return NULL;
}

/* "stop N 'text'" prefix of a message, the text cut when long. */
static int stop_prefix(char *why, size_t size, size_t n, const char *s, size_t len)
{
    int cut = len > HM_PALETTE_QUOTE_MAX;

    return snprintf(why, size, "stop %zu '%.*s%s'", n, (int)(cut ? HM_PALETTE_QUOTE_MAX : len),
                    s, cut ? "..." : "");
}

static int parse_stop(stop *out, size_t n, const char *s, size_t len, const stop *prev,
                      char *why, size_t size)
{
    const char *colon = memchr(s, ':', len);
    const char *ps, *cs;
    size_t plen, clen;
    int k;

    if (!colon) {
        k = stop_prefix(why, size, n, s, len);
        snprintf(why + k, size - (size_t)k, ": expected position:colour");
        return -1;
    }
    plen = (size_t)(colon - s);
    ps = hm_text__trim(s, &plen);
    clen = len - (size_t)(colon + 1 - s);
    cs = hm_text__trim(colon + 1, &clen);
    k = stop_prefix(why, size, n, s, len);
    if (plen == 0 || hm_text__parse_double(&out->pos, ps, plen) != HM_OK || !isfinite(out->pos)) {
        snprintf(why + k, size - (size_t)k, ": position '%.*s' is not a number",
                 (int)(plen > HM_PALETTE_QUOTE_MAX ? HM_PALETTE_QUOTE_MAX : plen), ps);
        return -1;
    }
    if (out->pos < 0.0 || out->pos > 1.0) {
        snprintf(why + k, size - (size_t)k, ": position %g is not between 0 and 1", out->pos);
        return -1;
    }
    if (prev && !(out->pos > prev->pos)) {
        snprintf(why + k, size - (size_t)k,
                 ": position %g is not greater than the previous one (%g)", out->pos, prev->pos);
        return -1;
    }
    if (parse_colour(cs, clen, out->rgba) != 0) {
        snprintf(why + k, size - (size_t)k,
                 ": colour '%.*s' is not hex RGB, RRGGBB or RRGGBBAA",
                 (int)(clen > HM_PALETTE_QUOTE_MAX ? HM_PALETTE_QUOTE_MAX : clen), cs);
        return -1;
    }
    return 0;
}

static uint8_t channel(double v)
{
    v = floor(v + 0.5);
    return (uint8_t)(v < 0.0 ? 0.0 : v > 255.0 ? 255.0 : v);
}

/* The gradient's colour at position p. */
static hm_rgba colour_at(const stop *stops, size_t n, double p)
{
    double c[4];
    hm_rgba out;
    size_t i, k;

    if (p <= stops[0].pos) {
        memcpy(c, stops[0].rgba, sizeof(c));
    } else if (p >= stops[n - 1].pos) {
        memcpy(c, stops[n - 1].rgba, sizeof(c));
    } else {
        for (i = 1; i < n - 1 && stops[i].pos < p; i++)
            ;
        {
            const stop *a = &stops[i - 1], *b = &stops[i];
            double f = (p - a->pos) / (b->pos - a->pos);

            for (k = 0; k < 4; k++)
                c[k] = a->rgba[k] + f * (b->rgba[k] - a->rgba[k]);
        }
    }
    out.r = channel(c[0]);
    out.g = channel(c[1]);
    out.b = channel(c[2]);
    out.a = channel(c[3]);
    return out;
}

int hm_palette__parse(hm_rgba out[256], const char *text, char *why, size_t why_size)
{
    stop stops[HM_PALETTE_MAX_STOPS];
    hm_text_list stop_list;
    const char *gradient, *st;
    size_t len = strlen(text), n = 0, i, slen;
    const char *s = hm_text__trim(text, &len);

    if (len == 0) {
        snprintf(why, why_size,
                 "empty palette (expected " NAMES_TEXT ", or a gradient such as 0:000000;1:ffffff)");
        return -1;
    }
    if (!memchr(s, ':', len)) {
        char name[32];

        gradient = NULL;
        if (len < sizeof(name)) {
            memcpy(name, s, len);
            name[len] = '\0';
            gradient = hm_palette__named(name);
        }
        if (!gradient) {
            int cut = len > HM_PALETTE_QUOTE_MAX;
            snprintf(why, why_size,
                     "unknown palette '%.*s%s' (expected " NAMES_TEXT
                     ", or a gradient such as 0:000000;1:ffffff)",
                     (int)(cut ? HM_PALETTE_QUOTE_MAX : len), s, cut ? "..." : "");
            return -1;
        }
        return hm_palette__parse(out, gradient, why, why_size);
    }
    hm_text__list_init(&stop_list, s, len, ';');
    while (hm_text__list_next(&stop_list, &st, &slen)) {
        if (n == HM_PALETTE_MAX_STOPS) {
            snprintf(why, why_size, "more than %d stops", HM_PALETTE_MAX_STOPS);
            return -1;
        }
        if (slen == 0) {
            snprintf(why, why_size, "stop %zu is empty", n + 1);
            return -1;
        }
        if (parse_stop(&stops[n], n + 1, st, slen, n ? &stops[n - 1] : NULL, why, why_size) != 0)
            return -1;
        n++;
    }
    out[0] = colour_at(stops, n, 0.0);
    for (i = 1; i < 256; i++)
        out[i] = colour_at(stops, n, (double)(i - 1) / 254.0);
    return 0;
}

int hm_palette_parse(hm_rgba out[256], hm_ctx *ctx, const char *text)
{
    char why[256];

    if (hm_palette__parse(out, text, why, sizeof(why)) != 0)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "%s", why);
    return HM_OK;
}
