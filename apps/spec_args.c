/* SPDX-License-Identifier: MIT */
/*
 * The options `render`, `tiles` and `descriptor` share, turned into spec
 * keys. The option table below is the only place that knows which flag is
 * which key; values go to the engine untouched (except --mode, whose
 * lower-case words are the documented CLI spelling of RENDER_MODE), so a
 * bad value is reported in the engine's words: "PALETTE=foo: ...".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "opt.h"
#include "spec_args.h"

static const char *const render_modes[] = {"RGBA", "PALETTE", NULL};

/* clang-format off */
const hm_app_opt hm_app_spec_opts[] = {
    {.type = HM_APP_OPT_HEADING, .name = "style (the spec keys they set are in parentheses):"},
    {.type = HM_APP_OPT_VALUE, .name = "band", .value_name = "BAND", .key = "RENDER",
     .help = "band to colour: count, log_count, pace, hr, recency"},
    {.type = HM_APP_OPT_VALUE, .name = "palette", .value_name = "P", .key = "PALETTE",
     .help = "hot, blue, red, viridis, greys, or stops \"0:000000;1:ffffff\""},
    {.type = HM_APP_OPT_VALUE, .name = "normalize", .value_name = "N", .key = "NORMALIZE",
     .help = "linear, log or equalize"},
    {.type = HM_APP_OPT_VALUE, .name = "clip", .value_name = "LOW,HIGH", .key = "CLIP",
     .help = "percentiles mapped to the palette ends"},
    {.type = HM_APP_OPT_VALUE, .name = "glow", .value_name = "SIGMA", .key = "GLOW",
     .help = "Gaussian glow, sigma in pixels"},
    {.type = HM_APP_OPT_CHOICE, .name = "mode", .key = "RENDER_MODE", .choices = render_modes,
     .help = "RGBA PNG, or 8-bit paletted PNG"},
    {.type = HM_APP_OPT_HEADING, .name = "filters and area:"},
    {.type = HM_APP_OPT_VALUE, .name = "sport", .value_name = "LIST", .key = "SPORT",
     .help = "keep these sports, comma-separated"},
    {.type = HM_APP_OPT_VALUE, .name = "from", .value_name = "DATE", .key = "DATE_FROM",
     .help = "keep activities from this UTC date on"},
    {.type = HM_APP_OPT_VALUE, .name = "to", .value_name = "DATE", .key = "DATE_TO",
     .help = "keep activities up to this UTC date"},
    {.type = HM_APP_OPT_SWITCH, .name = "include-virtual", .key = "INCLUDE_VIRTUAL",
     .fixed = "YES", .help = "also draw virtual activities"},
    {.type = HM_APP_OPT_VALUE, .name = "bounds", .value_name = "W,S,E,N", .key = "BOUNDS",
     .help = "area in degrees, minlon,minlat,maxlon,maxlat"},
    {.type = HM_APP_OPT_KEYVAL, .name = "option", .value_name = "KEY=VALUE",
     .help = "any other key (repeatable), e.g. --option MAX_GAP=500"},
    {.type = HM_APP_OPT_END},
};
/* clang-format on */

int hm_app_spec_args_add(hm_app_spec_args *args, const char *verb, const char *key,
                         const char *value)
{
    hm_app_pair *p;
    size_t k;

    if (args->count >= HM_APP_MAX_PAIRS) {
        hm_app_error("%s: more than %d options", verb, HM_APP_MAX_PAIRS);
        return -1;
    }
    p = &args->pairs[args->count];
    for (k = 0; key[k] && k + 1 < sizeof(p->key); k++)
        p->key[k] = (key[k] >= 'a' && key[k] <= 'z') ? (char)(key[k] - 'a' + 'A') : key[k];
    p->key[k] = '\0';
    p->value = value;
    args->count++;
    return 0;
}

static void log_stderr(hm_log_level level, const char *msg, void *payload)
{
    (void)payload;
    if (level == HM_LOG_WARNING || level == HM_LOG_ERROR)
        hm_app_error("%s%s", level == HM_LOG_WARNING ? "warning: " : "", msg);
    else if (getenv("HEATMAP_DEBUG"))
        hm_app_error("debug: %s", msg);
}

void hm_app_log_to_stderr(hm_ctx *ctx)
{
    hm_ctx_set_log(ctx, log_stderr, NULL);
}

void hm_app_engine_error(hm_ctx *ctx, const char *verb)
{
    const hm_error *e = hm_ctx_last_error(ctx);
    char msg[2048];

    if (!e) {
        hm_app_error("%s: unknown error", verb);
        return;
    }
    hm_error_format(msg, sizeof(msg), e, 0);
    hm_app_error("%s: %s", verb, msg);
}

int hm_app_spec_build(hm_spec **out, hm_ctx *ctx, const char *verb, const char *source,
                      const hm_app_spec_args *args, const char *default_band)
{
    hm_spec *spec = NULL;
    hm_style *style = NULL;
    size_t k;
    int rc;

    *out = NULL;
    if (hm_spec_new(&spec, ctx) != HM_OK) {
        hm_app_error("%s: out of memory", verb);
        return HM_EXIT_ERROR;
    }
    rc = hm_spec_parse_source(spec, source);
    if (rc != HM_OK) {
        hm_app_engine_error(ctx, verb);
        hm_spec_free(spec);
        /* A malformed "HEATMAP:" string or option in it is the user's typing. */
        return rc == HM_EINVAL ? HM_EXIT_USAGE : HM_EXIT_ERROR;
    }
    for (k = 0; k < args->count; k++) {
        const hm_app_pair *p = &args->pairs[k];

        if (hm_spec_set(spec, p->key, p->value) != HM_OK) {
            hm_app_engine_error(ctx, verb);
            hm_spec_free(spec);
            return HM_EXIT_USAGE;
        }
    }
    /* Without RENDER (no style), the command's default band. The values were checked as
     * they were set: only memory can fail here. */
    rc = hm_style_new(&style, ctx, spec);
    if (rc == HM_OK && !style && default_band) {
        rc = hm_spec_set(spec, "RENDER", default_band);
        if (rc == HM_OK)
            rc = hm_style_new(&style, ctx, spec);
    }
    hm_style_free(style);
    if (rc != HM_OK) {
        hm_app_engine_error(ctx, verb);
        hm_spec_free(spec);
        return HM_EXIT_ERROR;
    }
    *out = spec;
    return HM_EXIT_OK;
}

double hm_app_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int hm_app_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}
