/* SPDX-License-Identifier: MIT */
/*
 * The options `render`, `tiles` and `descriptor` share, turned into spec
 * keys. The flag table below is the only place that knows which flag is
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
#include "spec_args.h"

/* A flag and the key it sets; value NULL means the flag takes an argument. */
typedef struct flag_def {
    const char *flag;  /* "--palette" */
    const char *key;   /* "PALETTE" */
    const char *fixed; /* value of a flag without argument, or NULL */
} flag_def;

static const flag_def flags[] = {
    {"--band", "RENDER", NULL},        {"--palette", "PALETTE", NULL},
    {"--normalize", "NORMALIZE", NULL}, {"--clip", "CLIP", NULL},
    {"--glow", "GLOW", NULL},          {"--mode", "RENDER_MODE", NULL},
    {"--sport", "SPORT", NULL},        {"--from", "DATE_FROM", NULL},
    {"--to", "DATE_TO", NULL},         {"--bounds", "BOUNDS", NULL},
    {"--include-virtual", "INCLUDE_VIRTUAL", "YES"},
};

const char hm_app_spec_args_help[] =
    "style (the spec keys they set are in parentheses):\n"
    "  --band BAND          band to colour: count, log_count, pace, hr, recency (RENDER)\n"
    "  --palette P          hot, blue, red, viridis, greys, or stops \"0:000000;1:ffffff\"\n"
    "                       (PALETTE)\n"
    "  --normalize N        linear, log or equalize (NORMALIZE)\n"
    "  --clip LOW,HIGH      percentiles mapped to the palette ends (CLIP)\n"
    "  --glow SIGMA         Gaussian glow, sigma in pixels (GLOW)\n"
    "  --mode rgba|palette  RGBA PNG, or 8-bit paletted PNG (RENDER_MODE)\n"
    "filters and area:\n"
    "  --sport LIST         keep these sports, comma-separated (SPORT)\n"
    "  --from DATE          keep activities from this UTC date on (DATE_FROM)\n"
    "  --to DATE            keep activities up to this UTC date (DATE_TO)\n"
    "  --include-virtual    also draw virtual activities (INCLUDE_VIRTUAL=YES)\n"
    "  --bounds W,S,E,N     area in degrees, minlon,minlat,maxlon,maxlat (BOUNDS)\n"
    "  --option KEY=VALUE   any other key (repeatable), e.g. --option MAX_GAP=500\n";

int hm_app_spec_args_add(hm_app_spec_args *args, const char *verb, const char *key,
                         const char *value, const char *flag)
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
    p->flag = flag;
    args->count++;
    return 0;
}

/* "--flag=value" splits into flag and value; returns the value or NULL. */
static const char *split_inline(const char *arg, size_t *flag_len)
{
    const char *eq = strchr(arg, '=');

    *flag_len = eq ? (size_t)(eq - arg) : strlen(arg);
    return eq ? eq + 1 : NULL;
}

static int flag_is(const char *arg, size_t len, const char *flag)
{
    return strlen(flag) == len && memcmp(arg, flag, len) == 0;
}

int hm_app_spec_args_parse(hm_app_spec_args *args, const char *verb, int argc, char **argv,
                           int *i)
{
    const char *arg = argv[*i], *value;
    size_t len, k;

    if (arg[0] != '-' || arg[1] != '-')
        return 0;
    value = split_inline(arg, &len);
    if (flag_is(arg, len, "--option")) {
        const char *eq;
        char key[64];

        if (!value) {
            if (*i + 1 >= argc) {
                hm_app_error("%s: --option needs KEY=VALUE", verb);
                return -1;
            }
            value = argv[++*i];
        }
        eq = strchr(value, '=');
        if (!eq || eq == value || (size_t)(eq - value) >= sizeof(key)) {
            hm_app_error("%s: --option %s: expected KEY=VALUE", verb, value);
            return -1;
        }
        memcpy(key, value, (size_t)(eq - value));
        key[eq - value] = '\0';
        return hm_app_spec_args_add(args, verb, key, eq + 1, "--option") ? -1 : 1;
    }
    for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
        const flag_def *f = &flags[k];

        if (!flag_is(arg, len, f->flag))
            continue;
        if (f->fixed) {
            if (value) {
                hm_app_error("%s: %s takes no value", verb, f->flag);
                return -1;
            }
            value = f->fixed;
        } else if (!value) {
            if (*i + 1 >= argc) {
                hm_app_error("%s: %s needs a value", verb, f->flag);
                return -1;
            }
            value = argv[++*i];
        }
        if (strcmp(f->key, "RENDER_MODE") == 0) {
            if (strcmp(value, "rgba") == 0 || strcmp(value, "RGBA") == 0)
                value = "RGBA";
            else if (strcmp(value, "palette") == 0 || strcmp(value, "PALETTE") == 0)
                value = "PALETTE";
            else {
                hm_app_error("%s: --mode %s: expected rgba or palette", verb, value);
                return -1;
            }
        }
        return hm_app_spec_args_add(args, verb, f->key, value, f->flag) ? -1 : 1;
    }
    return 0;
}

int hm_app_args_common(hm_app_spec_args *args, const char *verb, int argc, char **argv, int *i,
                       const char *const *valued)
{
    const char *a = argv[*i];
    int used = hm_app_spec_args_parse(args, verb, argc, argv, i);

    if (used < 0)
        return HM_APP_ARG_BAD;
    if (used)
        return HM_APP_ARG_USED;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
        return HM_APP_ARG_HELP;
    for (; *valued; valued++) {
        if (strcmp(a, *valued) == 0 && *i + 1 >= argc) {
            hm_app_error("%s: %s needs a value", verb, a);
            return HM_APP_ARG_BAD;
        }
    }
    return HM_APP_ARG_OTHER;
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
    /* The style checks the style keys together (e.g. CLIP low < high). */
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
        return rc == HM_ENOMEM ? HM_EXIT_ERROR : HM_EXIT_USAGE;
    }
    *out = spec;
    return HM_EXIT_OK;
}

int hm_app_parse_int(const char *s, long lo, long hi, long *out)
{
    int64_t v;

    if (!s || hm_text_parse_int(&v, s, strlen(s), lo, hi) != HM_OK)
        return -1;
    *out = (long)v;
    return 0;
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
