/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/raster/spec.c: the option table, every option's accepted and
 * rejected values (code and exact message), and the HEATMAP: connection
 * string, checked against tables of hand-written expectations.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dataset/spec_int.h"
#include "test_util.h"

/* 2020-01-01 is 18262 days after 1970-01-01 (50 years of 365 days + 12 leap days). */
#define DAY_2020_01_01 18262.0

static hm_ctx *ctx;

static hm_spec *spec_new(void)
{
    hm_spec *spec = NULL;

    if (!ctx)
        CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_spec_new(&spec, ctx) == HM_OK);
    return spec;
}

static void check_error(int rc, int code, const char *message)
{
    const hm_error *e = hm_ctx_last_error(ctx);

    CU_ASSERT_EQUAL(rc, code);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->code, code);
    if (strstr(e->message, message) == NULL) {
        fprintf(stderr, "\n  message '%s' does not contain '%s'\n", e->message, message);
        CU_FAIL("unexpected message");
    }
}

static void test_spec__defaults(void)
{
    hm_spec *spec = spec_new();
    hm_band bands[HM_BAND_MAX];
    size_t i;

    CU_ASSERT_PTR_NULL(hm_spec_get_path(spec));
    CU_ASSERT_EQUAL(spec->zoom, -1);
    CU_ASSERT_PTR_NULL(spec->srs);
    CU_ASSERT_EQUAL(spec->resolution, 0.0);
    CU_ASSERT_EQUAL(spec->has_bounds, 0);
    HM_ASSERT_NAN(spec->date_from);
    HM_ASSERT_NAN(spec->date_to);
    CU_ASSERT_PTR_NULL(spec->sports);
    CU_ASSERT_EQUAL(spec->include_virtual, 0);
    HM_ASSERT_NEAR(spec->max_gap, 1000.0, 0);
    CU_ASSERT_EQUAL(spec->threads, 0);
    CU_ASSERT_EQUAL(hm_spec_get_bands(spec, bands), HM_BAND_MAX);
    for (i = 0; i < HM_BAND_MAX; i++)
        CU_ASSERT_EQUAL(bands[i], (hm_band)i);
    hm_spec_free(spec);
    hm_spec_free(NULL);
}

static void test_spec__option_table(void)
{
    static const char *const expected[] = {
        "ZOOM",      "BOUNDS",        "SRS",       "RESOLUTION",     "BANDS",
        "DATE_FROM", "DATE_TO",       "SPORT",     "WHERE",          "DEDUPE",
        "INCLUDE_VIRTUAL", "MAX_GAP", "PRIVACY_ZONES", "TRIM_ENDS", "ACTIVITIES_CSV",
        "THREADS",   "STORE",         "RENDER",    "RENDER_MODE",    "PALETTE",
        "NORMALIZE", "CLIP",          "GLOW"};
    size_t n = hm_spec_get_option_count(), i, j;

    CU_ASSERT_EQUAL_FATAL(n, sizeof(expected) / sizeof(expected[0]));
    for (i = 0; i < n; i++) {
        const hm_option_info *o = hm_spec_get_option(i);
        hm_spec *spec;

        CU_ASSERT_STRING_EQUAL(o->name, expected[i]);
        CU_ASSERT(o->description && strlen(o->description) > 10);
        for (j = 0; j < i; j++)
            CU_ASSERT(strcmp(o->name, hm_spec_get_option(j)->name) != 0);
        /* A documented default is itself a valid value. */
        if (o->default_value) {
            spec = spec_new();
            CU_ASSERT_EQUAL(hm_spec_set(spec, o->name, o->default_value), HM_OK);
            hm_spec_free(spec);
        }
        /* Every declared choice is accepted, and so are the bounds; beyond them nothing is. */
        CU_ASSERT_EQUAL(o->type == HM_OPTION_STRING_SELECT, o->choices != NULL);
        if (o->choices) {
            char buf[256], *tok, *save = NULL;
            snprintf(buf, sizeof(buf), "%s", o->choices);
            for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                spec = spec_new();
                CU_ASSERT_EQUAL(hm_spec_set(spec, o->name, tok), HM_OK);
                hm_spec_free(spec);
            }
            spec = spec_new();
            CU_ASSERT_EQUAL(hm_spec_set(spec, o->name, "no-such-choice"), HM_EINVAL);
            hm_spec_free(spec);
        }
        if (o->min || o->max) {
            char beyond[32];
            spec = spec_new();
            if (o->min) {
                CU_ASSERT_EQUAL(hm_spec_set(spec, o->name, o->min), HM_OK);
                snprintf(beyond, sizeof(beyond), "%g", atof(o->min) - 1);
                CU_ASSERT_EQUAL(hm_spec_set(spec, o->name, beyond), HM_EINVAL);
            }
            if (o->max) {
                CU_ASSERT_EQUAL(hm_spec_set(spec, o->name, o->max), HM_OK);
                snprintf(beyond, sizeof(beyond), "%g", atof(o->max) + 1);
                CU_ASSERT_EQUAL(hm_spec_set(spec, o->name, beyond), HM_EINVAL);
            }
            hm_spec_free(spec);
        }
    }
    CU_ASSERT_EQUAL(hm_spec_get_option(0)->type, HM_OPTION_INT);
    CU_ASSERT_EQUAL(hm_spec_get_option(3)->type, HM_OPTION_FLOAT);
    CU_ASSERT_EQUAL(hm_spec_get_option(9)->type, HM_OPTION_BOOLEAN);
    CU_ASSERT_EQUAL(hm_spec_get_option(10)->type, HM_OPTION_BOOLEAN);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_option(11)->default_value, "1000");
}

static void test_spec__store(void)
{
    hm_spec *spec = spec_new();

    CU_ASSERT_EQUAL(spec->store_mode, HM_STORE_MODE_DEFAULT);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "STORE", " /tmp/x.hmstore "), HM_OK);
    CU_ASSERT_EQUAL(spec->store_mode, HM_STORE_MODE_FILE);
    CU_ASSERT_STRING_EQUAL(spec->store, "/tmp/x.hmstore");
    CU_ASSERT_EQUAL(hm_spec_set(spec, "STORE", "no"), HM_OK);
    CU_ASSERT_EQUAL(spec->store_mode, HM_STORE_MODE_NONE);
    CU_ASSERT_PTR_NULL(spec->store);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "STORE", "  "), HM_EINVAL);
    CU_ASSERT_EQUAL(spec->store_mode, HM_STORE_MODE_NONE); /* a rejected value changes nothing */
    hm_spec_free(spec);
}

static char *key_of(const hm_spec *spec, unsigned kinds)
{
    hm_strbuf b = HM_STRBUF_INIT(spec->ctx);
    char *out = NULL;

    hm_spec__key(spec, kinds, &b);
    CU_ASSERT_FATAL(hm_strbuf_detach(&b, &out) == HM_OK);
    return out;
}

#define DATA_DEFAULT "MAX_GAP=1000\nPRIVACY_ZONES=\nTRIM_ENDS=0\nACTIVITIES_CSV=\n"

/* The keys come from the option table: what an option changes decides which key holds it,
 * and equal meanings give equal keys. */
static void test_spec__keys_from_the_table(void)
{
    const unsigned data = HM_OPTION_KINDS(HM_OPTION_KIND_DATA);
    const unsigned raster = HM_OPTION_KINDS(HM_OPTION_KIND_FILTER);
    hm_spec *a = spec_new(), *b = spec_new();
    char *ka, *kb;

    ka = key_of(a, data);
    CU_ASSERT_STRING_EQUAL(ka, DATA_DEFAULT); /* defaults are keyed too */
    hm_ctx__free(ctx, ka);
    /* Style, bands, threads and the store's place are in no key. */
    CU_ASSERT_EQUAL(hm_spec_set(b, "RENDER", "count"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(b, "BANDS", "hr"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(b, "THREADS", "3"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(b, "STORE", "NO"), HM_OK);
    ka = key_of(a, raster);
    kb = key_of(b, raster);
    CU_ASSERT_STRING_EQUAL(ka, kb);
    hm_ctx__free(ctx, ka);
    hm_ctx__free(ctx, kb);
    /* The same filter said two ways; the data key is blind to it. */
    CU_ASSERT_EQUAL(hm_spec_set(a, "SPORT", "Running, cycling"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(b, "SPORT", "cycling,running,RUNNING"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(a, "DATE_FROM", "2021-06-01"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(b, "DATE_FROM", "2021-06-01T00:00:00Z"), HM_OK);
    ka = key_of(a, raster);
    kb = key_of(b, raster);
    CU_ASSERT_STRING_EQUAL(ka, kb);
    CU_ASSERT(strstr(ka, "SPORT=cycling,running\n") != NULL);
    hm_ctx__free(ctx, ka);
    hm_ctx__free(ctx, kb);
    ka = key_of(a, data);
    CU_ASSERT_STRING_EQUAL(ka, DATA_DEFAULT);
    hm_ctx__free(ctx, ka);
    /* A change of filter or data shows in its key; the grid is in none (no cache depends
     * on it: the store holds every level, the statistics are the selection's). */
    kb = key_of(b, raster);
    CU_ASSERT_EQUAL(hm_spec_set(b, "DATE_TO", "2022-01-01"), HM_OK);
    ka = key_of(b, raster);
    CU_ASSERT_STRING_NOT_EQUAL(ka, kb);
    hm_ctx__free(ctx, ka);
    hm_ctx__free(ctx, kb);
    kb = key_of(b, raster);
    CU_ASSERT_EQUAL(hm_spec_set(b, "ZOOM", "12"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(b, "SRS", "EPSG:32633"), HM_OK);
    ka = key_of(b, raster);
    CU_ASSERT_STRING_EQUAL(ka, kb);
    hm_ctx__free(ctx, ka);
    hm_ctx__free(ctx, kb);
    CU_ASSERT_EQUAL(hm_spec_set(b, "MAX_GAP", "500"), HM_OK);
    kb = key_of(b, data);
    CU_ASSERT_STRING_EQUAL(kb, "MAX_GAP=500\nPRIVACY_ZONES=\nTRIM_ENDS=0\nACTIVITIES_CSV=\n");
    hm_ctx__free(ctx, kb);
    /* An automatic zoom within a size: ZOOM is unset (its text too: a descriptor written
     * from the spec says nothing of it), the size is kept. */
    CU_ASSERT_EQUAL(hm_spec_set_auto_zoom(b, 1024, 768), HM_OK);
    CU_ASSERT_EQUAL(b->zoom, -1);
    CU_ASSERT(b->fit[0] == 1024 && b->fit[1] == 768);
    CU_ASSERT_PTR_NULL(hm_spec__get_text(b, 0));
    CU_ASSERT_EQUAL(hm_spec_set_auto_zoom(b, 0, 768), HM_EINVAL);
    hm_spec_free(a);
    hm_spec_free(b);
}

static void test_spec__scalars(void)
{
    hm_spec *spec = spec_new();

    CU_ASSERT_EQUAL(hm_spec_set(spec, "ZOOM", "0"), HM_OK);
    CU_ASSERT_EQUAL(spec->zoom, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "zoom", " 22 "), HM_OK); /* keys are case-insensitive */
    CU_ASSERT_EQUAL(spec->zoom, 22);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "Zoom", "+14"), HM_OK);
    CU_ASSERT_EQUAL(spec->zoom, 14);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "THREADS", "64"), HM_OK);
    CU_ASSERT_EQUAL(spec->threads, 64);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "THREADS", "0"), HM_OK);
    CU_ASSERT_EQUAL(spec->threads, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "RESOLUTION", "2.5"), HM_OK);
    HM_ASSERT_NEAR(spec->resolution, 2.5, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "MAX_GAP", "1e3"), HM_OK);
    HM_ASSERT_NEAR(spec->max_gap, 1000.0, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "MAX_GAP", "0.5"), HM_OK);
    HM_ASSERT_NEAR(spec->max_gap, 0.5, 0);
    hm_spec_free(spec);
}

/*
 * One white space for every option (src/core/text.c): the six ASCII characters of C's
 * isspace() around a value are trimmed, by a number option and an integer option alike
 * (MAX_GAP used to refuse "\f100" that ZOOM took); a no-break space (U+00A0 as UTF-8) is
 * text, so both refuse it.
 */
static void test_spec__white_space(void)
{
    static const struct {
        const char *around;
        int rc;
    } wrappers[] = {{" ", HM_OK},  {"\t", HM_OK}, {"\n", HM_OK}, {"\r", HM_OK},
                    {"\f", HM_OK}, {"\v", HM_OK}, {" \f\v\t\r\n", HM_OK},
                    {"\xc2\xa0", HM_EINVAL}};
    static const struct {
        const char *key;
        const char *value;
    } options[] = {{"ZOOM", "14"},          {"MAX_GAP", "100"},        {"THREADS", "4"},
                   {"TRIM_ENDS", "50"},     {"GLOW", "2"},             {"INCLUDE_VIRTUAL", "YES"},
                   {"BANDS", "count"},      {"BOUNDS", "14.4,46,14.6,46.1"},
                   {"DATE_FROM", "2020-01-01"}, {"DATE_TO", "2020-01-01T10:00:00Z"},
                   {"PALETTE", "hot"},      {"RENDER", "count"},       {"CLIP", "1,99"}};
    size_t w, o;
    char value[96];

    for (w = 0; w < sizeof(wrappers) / sizeof(wrappers[0]); w++) {
        for (o = 0; o < sizeof(options) / sizeof(options[0]); o++) {
            size_t k;

            for (k = 0; k < 3; k++) { /* before, after, on both sides */
                hm_spec *spec = spec_new();
                int rc;

                if (k == 0)
                    snprintf(value, sizeof(value), "%s%s", wrappers[w].around, options[o].value);
                else if (k == 1)
                    snprintf(value, sizeof(value), "%s%s", options[o].value, wrappers[w].around);
                else
                    snprintf(value, sizeof(value), "%s%s%s", wrappers[w].around,
                             options[o].value, wrappers[w].around);
                rc = hm_spec_set(spec, options[o].key, value);
                CU_ASSERT_EQUAL(rc, wrappers[w].rc);
                if (rc != wrappers[w].rc)
                    fprintf(stderr, "\n  %s='%s': %d\n", options[o].key, value, rc);
                if (rc == HM_OK && strcmp(options[o].key, "ZOOM") == 0)
                    CU_ASSERT_EQUAL(spec->zoom, 14);
                if (rc == HM_OK && strcmp(options[o].key, "MAX_GAP") == 0)
                    HM_ASSERT_NEAR(spec->max_gap, 100.0, 0);
                hm_spec_free(spec);
            }
        }
    }
}

static void test_spec__booleans(void)
{
    static const struct {
        const char *value;
        int expected;
    } cases[] = {{"YES", 1}, {"no", 0},  {"True", 1}, {"FALSE", 0}, {"on", 1},
                 {"OFF", 0}, {"1", 1},   {"0", 0},    {" yes ", 1}};
    hm_spec *spec = spec_new();
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        spec->include_virtual = !cases[i].expected;
        CU_ASSERT_EQUAL(hm_spec_set(spec, "INCLUDE_VIRTUAL", cases[i].value), HM_OK);
        CU_ASSERT_EQUAL(spec->include_virtual, cases[i].expected);
    }
    hm_spec_free(spec);
}

static void test_spec__bounds(void)
{
    hm_spec *spec = spec_new();

    CU_ASSERT_EQUAL(hm_spec_set(spec, "BOUNDS", "14.4,46,14.6,46.1"), HM_OK);
    CU_ASSERT_EQUAL(spec->has_bounds, 1);
    HM_ASSERT_NEAR(spec->bounds[0], 14.4, 0);
    HM_ASSERT_NEAR(spec->bounds[1], 46.0, 0);
    HM_ASSERT_NEAR(spec->bounds[2], 14.6, 0);
    HM_ASSERT_NEAR(spec->bounds[3], 46.1, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "BOUNDS", "-180, -85.0511, 180, 85.0511"), HM_OK);
    HM_ASSERT_NEAR(spec->bounds[0], -180.0, 0);
    HM_ASSERT_NEAR(spec->bounds[3], 85.0511, 0);
    hm_spec_free(spec);
}

static void test_spec__bands(void)
{
    hm_spec *spec = spec_new();
    hm_band b[HM_BAND_MAX];

    CU_ASSERT_EQUAL(hm_spec_set(spec, "BANDS", "hr,count"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_spec_get_bands(spec, b), 2);
    CU_ASSERT_EQUAL(b[0], HM_BAND_HR);
    CU_ASSERT_EQUAL(b[1], HM_BAND_COUNT);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "BANDS", " Recency , PACE,log_count,COUNT,hr"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_spec_get_bands(spec, b), 5);
    CU_ASSERT_EQUAL(b[0], HM_BAND_RECENCY);
    CU_ASSERT_EQUAL(b[1], HM_BAND_PACE);
    CU_ASSERT_EQUAL(b[2], HM_BAND_LOG_COUNT);
    CU_ASSERT_EQUAL(b[3], HM_BAND_COUNT);
    CU_ASSERT_EQUAL(b[4], HM_BAND_HR);
    hm_spec_free(spec);
}

static void test_spec__dates(void)
{
    hm_spec *spec = spec_new();
    double t;

    /* A date: DATE_FROM from its midnight, DATE_TO through its end (exclusive next midnight). */
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_FROM", "2020-01-01"), HM_OK);
    HM_ASSERT_NEAR(spec->date_from, DAY_2020_01_01 * 86400.0, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_TO", "2020-01-01"), HM_OK);
    HM_ASSERT_NEAR(spec->date_to, (DAY_2020_01_01 + 1) * 86400.0, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_TO", "2020-02-29"), HM_OK); /* leap day */
    HM_ASSERT_NEAR(spec->date_to, (DAY_2020_01_01 + 31 + 29) * 86400.0, 0);
    /* A full time is taken as given; DATE_TO keeps that instant inside. */
    t = DAY_2020_01_01 * 86400.0 + 12 * 3600.0;
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_FROM", "2020-01-01T12:00:00Z"), HM_OK);
    HM_ASSERT_NEAR(spec->date_from, t, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_TO", "2020-01-01T14:00:00+02:00"), HM_OK);
    CU_ASSERT(spec->date_to > t);
    CU_ASSERT(spec->date_to < t + 1e-3);
    hm_spec_free(spec);
}

/* Relative dates name whole UTC days counted back from today (computed here with time()). */
static void test_spec__relative_dates(void)
{
    hm_spec *spec = spec_new();
    int64_t today = (int64_t)time(NULL) / 86400, after;

    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_FROM", "-365d"), HM_OK);
    after = (int64_t)time(NULL) / 86400; /* midnight may pass between the two calls */
    CU_ASSERT(spec->date_from == (today - 365) * 86400.0 ||
              spec->date_from == (after - 365) * 86400.0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_FROM", "-2W"), HM_OK);
    CU_ASSERT(spec->date_from == (today - 14) * 86400.0 || spec->date_from == (after - 14) * 86400.0);
    /* DATE_TO=-1d: through the end of yesterday. */
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_TO", "-1d"), HM_OK);
    CU_ASSERT(spec->date_to == today * 86400.0 || spec->date_to == after * 86400.0);
    /* Months and years are calendar ones: one year back is 365 or 366 days. */
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_FROM", "-1y"), HM_OK);
    CU_ASSERT(spec->date_from == (today - 365) * 86400.0 || spec->date_from == (today - 366) * 86400.0 ||
              spec->date_from == (after - 365) * 86400.0 || spec->date_from == (after - 366) * 86400.0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_FROM", "-6m"), HM_OK);
    CU_ASSERT(spec->date_from <= (after - 181) * 86400.0 && spec->date_from >= (today - 184) * 86400.0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_FROM", "-d"), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_FROM", "-5x"), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_FROM", "5d"), HM_EINVAL);
    hm_spec_free(spec);
}

static void test_spec__privacy(void)
{
    hm_spec *spec = spec_new();

    CU_ASSERT_EQUAL(spec->nzones, 0);
    CU_ASSERT_EQUAL(spec->trim_ends, 0.0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "PRIVACY_ZONES", " 14.5, 46.05, 250 ; -0.1,51.5,1000.5;"),
                    HM_OK);
    CU_ASSERT_EQUAL_FATAL(spec->nzones, 2);
    CU_ASSERT_EQUAL(spec->zones[0].lon, 14.5);
    CU_ASSERT_EQUAL(spec->zones[0].lat, 46.05);
    CU_ASSERT_EQUAL(spec->zones[0].radius, 250.0);
    CU_ASSERT_EQUAL(spec->zones[1].lon, -0.1);
    CU_ASSERT_EQUAL(spec->zones[1].radius, 1000.5);
    /* Bad zones are rejected with the zone named, and change nothing. */
    CU_ASSERT_EQUAL(hm_spec_set(spec, "PRIVACY_ZONES", "14.5,46.05"), HM_EINVAL);
    CU_ASSERT(strstr(hm_ctx_last_error(ctx)->message, "zone '14.5,46.05'") != NULL);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "PRIVACY_ZONES", "14.5,46.05,100,5"), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "PRIVACY_ZONES", "190,46,100"), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "PRIVACY_ZONES", "14,46,0"), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "PRIVACY_ZONES", "14,46,x"), HM_EINVAL);
    CU_ASSERT_EQUAL(spec->nzones, 2);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "PRIVACY_ZONES", ""), HM_OK);
    CU_ASSERT_EQUAL(spec->nzones, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "TRIM_ENDS", "200"), HM_OK);
    CU_ASSERT_EQUAL(spec->trim_ends, 200.0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "TRIM_ENDS", "-1"), HM_EINVAL);
    hm_spec_free(spec);
}

/* WHERE and DEDUPE are filters: they change the raster key, not the data key. */
static void test_spec__where_and_dedupe(void)
{
    const unsigned raster = HM_OPTION_KINDS(HM_OPTION_KIND_FILTER);
    hm_spec *a = spec_new(), *b = spec_new();
    char *ka, *kb;

    CU_ASSERT_EQUAL(a->dedupe, 1);
    CU_ASSERT_PTR_NULL(a->where);
    CU_ASSERT_EQUAL(hm_spec_set(b, "WHERE", "  sport = 'cycling' "), HM_OK);
    CU_ASSERT_STRING_EQUAL(b->where, "sport = 'cycling'");
    CU_ASSERT_EQUAL(hm_spec_set(b, "DEDUPE", "no"), HM_OK);
    CU_ASSERT_EQUAL(b->dedupe, 0);
    ka = key_of(a, raster);
    kb = key_of(b, raster);
    CU_ASSERT(strstr(kb, "WHERE=sport = 'cycling'\n") != NULL);
    CU_ASSERT(strstr(kb, "DEDUPE=0\n") != NULL);
    CU_ASSERT(strstr(ka, "DEDUPE=1\n") != NULL);
    hm_ctx__free(ctx, ka);
    hm_ctx__free(ctx, kb);
    ka = key_of(b, HM_OPTION_KINDS(HM_OPTION_KIND_DATA));
    CU_ASSERT_STRING_EQUAL(ka, DATA_DEFAULT);
    hm_ctx__free(ctx, ka);
    CU_ASSERT_EQUAL(hm_spec_set(b, "WHERE", ""), HM_OK);
    CU_ASSERT_PTR_NULL(b->where);
    CU_ASSERT_EQUAL(hm_spec_set(b, "DEDUPE", "maybe"), HM_EINVAL);
    hm_spec_free(a);
    hm_spec_free(b);
}

static void test_spec__sports(void)
{
    hm_spec *spec = spec_new();

    CU_ASSERT_EQUAL(hm_spec_set(spec, "SPORT", "Running, CYCLING ,running"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(spec->nsports, 2);
    CU_ASSERT_STRING_EQUAL(spec->sports[0], "running");
    CU_ASSERT_STRING_EQUAL(spec->sports[1], "cycling");
    /* Setting again replaces the list. */
    CU_ASSERT_EQUAL(hm_spec_set(spec, "SPORT", "Hiking"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(spec->nsports, 1);
    CU_ASSERT_STRING_EQUAL(spec->sports[0], "hiking");
    hm_spec_free(spec);
}

static void test_spec__srs(void)
{
    static const char *const good[] = {"EPSG:32633", "EPSG:4326", "epsg:3857",
                                       "+proj=utm +zone=33 +datum=WGS84 +type=crs",
                                       "GEOGCRS[\"WGS 84\",DATUM[\"World Geodetic System 1984\","
                                       "ELLIPSOID[\"WGS 84\",6378137,298.257223563]],"
                                       "CS[ellipsoidal,2],AXIS[\"lat\",north],AXIS[\"lon\",east],"
                                       "ANGLEUNIT[\"degree\",0.0174532925199433]]"};
    hm_spec *spec = spec_new();
    size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        CU_ASSERT_EQUAL(hm_spec_set(spec, "SRS", good[i]), HM_OK);
        CU_ASSERT_STRING_EQUAL(spec->srs, good[i]);
    }
    hm_spec_free(spec);
}

/* Every rejected value: HM_EINVAL, the exact message, and the old value kept. */
static void test_spec__bad_values(void)
{
    static const struct {
        const char *key;
        const char *value;
        const char *message;
    } cases[] = {
        {"ZOOM", "abc", "ZOOM=abc: expected an integer from 0 to 22"},
        {"ZOOM", "23", "ZOOM=23: expected an integer from 0 to 22"},
        {"ZOOM", "-1", "ZOOM=-1: expected an integer from 0 to 22"},
        {"ZOOM", "1.5", "ZOOM=1.5: expected an integer from 0 to 22"},
        {"ZOOM", "", "ZOOM=: expected an integer from 0 to 22"},
        {"ZOOM", "99999999999999999999", "expected an integer from 0 to 22"},
        {"THREADS", "65", "THREADS=65: expected an integer from 0 to 64"},
        {"THREADS", "x", "THREADS=x: expected an integer from 0 to 64"},
        {"RESOLUTION", "0", "RESOLUTION=0: expected a number > 0 (SRS units per pixel)"},
        {"RESOLUTION", "-5", "RESOLUTION=-5: expected a number > 0"},
        {"RESOLUTION", "ten", "RESOLUTION=ten: expected a number > 0"},
        {"MAX_GAP", "0", "MAX_GAP=0: expected a distance in metres > 0"},
        {"MAX_GAP", "1km", "MAX_GAP=1km: expected a distance in metres > 0"},
        {"INCLUDE_VIRTUAL", "maybe",
         "INCLUDE_VIRTUAL=maybe: expected YES, NO, TRUE, FALSE, ON, OFF, 1 or 0"},
        {"BOUNDS", "1,2,3", "BOUNDS=1,2,3: expected minlon,minlat,maxlon,maxlat in degrees"},
        {"BOUNDS", "1,2,3,4,5", "BOUNDS=1,2,3,4,5: expected minlon,minlat,maxlon,maxlat"},
        {"BOUNDS", "a,2,3,4", "BOUNDS=a,2,3,4: expected minlon,minlat,maxlon,maxlat"},
        {"BOUNDS", "14.6,46,14.4,46.1", "expected -180 <= minlon < maxlon <= 180"},
        {"BOUNDS", "-181,46,14.4,46.1", "expected -180 <= minlon < maxlon <= 180"},
        {"BOUNDS", "14,46.1,15,46", "expected -85.0511 <= minlat < maxlat <= 85.0511"},
        {"BOUNDS", "14,-86,15,46", "expected -85.0511 <= minlat < maxlat <= 85.0511"},
        {"BOUNDS", "14,0,15,85.06", "expected -85.0511 <= minlat < maxlat <= 85.0511"},
        {"BANDS", "count,foo", "BANDS=count,foo: unknown band 'foo' (expected count, log_count"},
        {"BANDS", "count,hr,count", "BANDS=count,hr,count: band 'count' is listed twice"},
        {"BANDS", "", "BANDS=: expected a comma-separated list of count, log_count"},
        {"BANDS", "count,", "BANDS=count,: expected a comma-separated list"},
        {"DATE_FROM", "2020-13-01", "DATE_FROM=2020-13-01: expected YYYY-MM-DD, an ISO 8601 time or -N followed by d, w, m or y"},
        {"DATE_FROM", "2019-02-29", "DATE_FROM=2019-02-29: expected YYYY-MM-DD"},
        {"DATE_TO", "yesterday", "DATE_TO=yesterday: expected YYYY-MM-DD, an ISO 8601 time or -N followed by d, w, m or y"},
        {"DATE_TO", "2020-1-1", "DATE_TO=2020-1-1: expected YYYY-MM-DD"},
        {"SPORT", "", "SPORT=: expected a comma-separated list of sport names"},
        {"SPORT", "running,,cycling", "SPORT=running,,cycling: expected a comma-separated list"},
        {"SRS", "EPSG:999999", "SRS=EPSG:999999: expected a CRS that PROJ knows"},
        {"SRS", "not a crs", "SRS=not a crs: expected a CRS that PROJ knows"},
        {"SRS", "+proj=merc", "SRS=+proj=merc: expected a CRS that PROJ knows"},
        {"SRS", "", "SRS=: expected a CRS that PROJ knows"},
        {"COLOR", "red", "COLOR: unknown option (known: ZOOM, BOUNDS, SRS, RESOLUTION, BANDS"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hm_spec *spec = spec_new();
        hm_band b[HM_BAND_MAX];

        check_error(hm_spec_set(spec, cases[i].key, cases[i].value), HM_EINVAL, cases[i].message);
        /* Nothing changed. */
        CU_ASSERT_EQUAL(spec->zoom, -1);
        CU_ASSERT_EQUAL(spec->threads, 0);
        CU_ASSERT_EQUAL(spec->has_bounds, 0);
        CU_ASSERT_PTR_NULL(spec->srs);
        CU_ASSERT_PTR_NULL(spec->sports);
        CU_ASSERT_EQUAL(hm_spec_get_bands(spec, b), HM_BAND_MAX);
        HM_ASSERT_NAN(spec->date_from);
        HM_ASSERT_NAN(spec->date_to);
        hm_spec_free(spec);
    }
}

/* 1 when the spec's palette is the one text names (parsed independently). */
static int same_palette(const hm_spec *spec, const char *text)
{
    hm_rgba want[256];

    CU_ASSERT_FATAL(hm_palette_parse(want, ctx, text) == HM_OK);
    return spec->style.has_palette && memcmp(spec->style.palette, want, sizeof(want)) == 0;
}

static void test_spec__style_options(void)
{
    hm_spec *spec = spec_new();

    /* every style key is at its default (zero) in a new spec */
    CU_ASSERT_EQUAL(spec->style.render, 0);
    CU_ASSERT_EQUAL(spec->style.render_mode, 0);
    CU_ASSERT_EQUAL(spec->style.has_palette, 0);
    CU_ASSERT_EQUAL(spec->style.normalize, 0);
    CU_ASSERT_EQUAL(spec->style.has_clip, 0);
    HM_ASSERT_NEAR(spec->style.glow, 0.0, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "RENDER", " Log_Count "), HM_OK);
    CU_ASSERT_EQUAL(spec->style.render, 1 + HM_BAND_LOG_COUNT);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "render", "recency"), HM_OK);
    CU_ASSERT_EQUAL(spec->style.render, 1 + HM_BAND_RECENCY);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "RENDER_MODE", "palette"), HM_OK);
    CU_ASSERT_EQUAL(spec->style.render_mode, 1);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "RENDER_MODE", "RGBA"), HM_OK);
    CU_ASSERT_EQUAL(spec->style.render_mode, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "PALETTE", " Viridis "), HM_OK);
    CU_ASSERT(same_palette(spec, "viridis"));
    CU_ASSERT_EQUAL(hm_spec_set(spec, "PALETTE", "0:000000;0.5:ff0000;1:ffffff"), HM_OK);
    CU_ASSERT(same_palette(spec, "0:000000;0.5:ff0000;1:ffffff"));
    CU_ASSERT_EQUAL(hm_spec_set(spec, "NORMALIZE", "LOG"), HM_OK);
    CU_ASSERT_EQUAL(spec->style.normalize, 2);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "NORMALIZE", "equalize"), HM_OK);
    CU_ASSERT_EQUAL(spec->style.normalize, 3);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "CLIP", " 2 , 98 "), HM_OK);
    CU_ASSERT_EQUAL(spec->style.has_clip, 1);
    HM_ASSERT_NEAR(spec->style.clip[0], 2.0, 0);
    HM_ASSERT_NEAR(spec->style.clip[1], 98.0, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "CLIP", "0,100"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "GLOW", "2.5"), HM_OK);
    HM_ASSERT_NEAR(spec->style.glow, 2.5, 0);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "GLOW", "32"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "GLOW", "0"), HM_OK);
    HM_ASSERT_NEAR(spec->style.glow, 0.0, 0);
    hm_spec_free(spec);
}

static void test_spec__bad_style_values(void)
{
    static const struct {
        const char *key;
        const char *value;
        const char *message;
    } cases[] = {
        {"RENDER", "heat", "RENDER=heat: expected count, log_count, pace, hr or recency"},
        {"RENDER", "", "RENDER=: expected count, log_count, pace, hr or recency"},
        {"RENDER_MODE", "RGB", "RENDER_MODE=RGB: expected RGBA or PALETTE"},
        {"PALETTE", "magma", "PALETTE=magma: unknown palette 'magma' (expected hot, blue, red, "
                             "viridis, greys, or a gradient such as 0:000000;1:ffffff)"},
        {"PALETTE", "0:000000;0.5:ff0000;0.4:00ff00",
         "PALETTE=0:000000;0.5:ff0000;0.4:00ff00: stop 3 '0.4:00ff00': position 0.4 is not "
         "greater than the previous one (0.5)"},
        {"PALETTE", "0:0000zz", "PALETTE=0:0000zz: stop 1 '0:0000zz': colour '0000zz' is not hex "
                                "RGB, RRGGBB or RRGGBBAA"},
        {"PALETTE", "", "PALETTE=: empty palette"},
        {"NORMALIZE", "sqrt", "NORMALIZE=sqrt: expected linear, log or equalize"},
        {"CLIP", "2", "CLIP=2: expected low,high percentiles with 0 <= low < high <= 100"},
        {"CLIP", "98,2", "CLIP=98,2: expected low,high percentiles with 0 <= low < high <= 100"},
        {"CLIP", "5,5", "CLIP=5,5: expected low,high percentiles"},
        {"CLIP", "-1,50", "CLIP=-1,50: expected low,high percentiles"},
        {"CLIP", "0,101", "CLIP=0,101: expected low,high percentiles"},
        {"CLIP", "1,2,3", "CLIP=1,2,3: expected low,high percentiles"},
        {"CLIP", "a,b", "CLIP=a,b: expected low,high percentiles"},
        {"GLOW", "-1", "GLOW=-1: expected a sigma in pixels from 0 to 32"},
        {"GLOW", "33", "GLOW=33: expected a sigma in pixels from 0 to 32"},
        {"GLOW", "soft", "GLOW=soft: expected a sigma in pixels from 0 to 32"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hm_spec *spec = spec_new();

        check_error(hm_spec_set(spec, cases[i].key, cases[i].value), HM_EINVAL, cases[i].message);
        /* Nothing changed. */
        CU_ASSERT_EQUAL(spec->style.render, 0);
        CU_ASSERT_EQUAL(spec->style.render_mode, 0);
        CU_ASSERT_EQUAL(spec->style.has_palette, 0);
        CU_ASSERT_EQUAL(spec->style.normalize, 0);
        CU_ASSERT_EQUAL(spec->style.has_clip, 0);
        HM_ASSERT_NEAR(spec->style.glow, 0.0, 0);
        hm_spec_free(spec);
    }
}

static void test_spec__connection_with_style(void)
{
    hm_spec *spec = spec_new();

    /* a gradient's ':' and ';' need no quotes: what follows them is not KEY= */
    CU_ASSERT_EQUAL(hm_spec_parse_connection(spec, "HEATMAP:gpx/:RENDER=count:"
                                                   "PALETTE=0:000000;0.5:ff0000;1:ffffff:"
                                                   "GLOW=2:CLIP=2,98"),
                    HM_OK);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), "gpx/");
    CU_ASSERT_EQUAL(spec->style.render, 1 + HM_BAND_COUNT);
    CU_ASSERT(same_palette(spec, "0:000000;0.5:ff0000;1:ffffff"));
    HM_ASSERT_NEAR(spec->style.glow, 2.0, 0);
    HM_ASSERT_NEAR(spec->style.clip[1], 98.0, 0);
    hm_spec_free(spec);
}

static void test_spec__bad_value_is_cut(void)
{
    char value[400];
    hm_spec *spec = spec_new();
    const hm_error *e;

    memset(value, 'x', sizeof(value) - 1);
    value[sizeof(value) - 1] = '\0';
    CU_ASSERT_EQUAL(hm_spec_set(spec, "ZOOM", value), HM_EINVAL);
    e = hm_ctx_last_error(ctx);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT(strstr(e->message, "...: expected an integer from 0 to 22") != NULL);
    CU_ASSERT(strlen(e->message) < 200);
    hm_spec_free(spec);
}

static void test_spec__set_path(void)
{
    hm_spec *spec = spec_new();

    CU_ASSERT_EQUAL(hm_spec_set_path(spec, "/data/gpx"), HM_OK);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), "/data/gpx");
    check_error(hm_spec_set_path(spec, ""), HM_EINVAL, "empty source path");
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), "/data/gpx");
    hm_spec_free(spec);
}

static void test_spec__connection(void)
{
    static const struct {
        const char *name;
        const char *path;
        int zoom;          /* expected ZOOM, -1 when not given */
        const char *sport; /* expected first sport, or NULL */
        const char *srs;   /* expected SRS, or NULL */
    } cases[] = {
        {"HEATMAP:gpx/", "gpx/", -1, NULL, NULL},
        {"heatmap:gpx/", "gpx/", -1, NULL, NULL},
        {"HEATMAP:gpx/:ZOOM=14", "gpx/", 14, NULL, NULL},
        {"HEATMAP:gpx/:ZOOM=14:SPORT=running,cycling:SRS=EPSG:32633:RESOLUTION=10:"
         "BOUNDS=14.4,46,14.6,46.1",
         "gpx/", 14, "running", "EPSG:32633"},
        {"HEATMAP:/vsizip/export.zip/activities:zoom=3", "/vsizip/export.zip/activities", 3, NULL,
         NULL},
        {"HEATMAP:/vsicurl/https://example.com/a.zip:ZOOM=2", "/vsicurl/https://example.com/a.zip",
         2, NULL, NULL},
        {"HEATMAP:C:\\data\\gpx:ZOOM=5", "C:\\data\\gpx", 5, NULL, NULL},
        {"HEATMAP:a,b:c", "a,b:c", -1, NULL, NULL},
        {"HEATMAP:\"/data/odd:ZOOM=1/x\":ZOOM=4", "/data/odd:ZOOM=1/x", 4, NULL, NULL},
        {"HEATMAP:\"/data/odd:ZOOM=1/x\"", "/data/odd:ZOOM=1/x", -1, NULL, NULL},
        {"HEATMAP:gpx:SPORT=\"a:B=c\":ZOOM=1", "gpx", 1, "a:b=c", NULL},
        {"HEATMAP:gpx:SRS=+proj=utm +zone=33 +datum=WGS84 +type=crs", "gpx", -1, NULL,
         "+proj=utm +zone=33 +datum=WGS84 +type=crs"},
        {"HEATMAP:gpx:ZOOM=3:ZOOM=4", "gpx", 4, NULL, NULL},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hm_spec *spec = spec_new();
        int rc = hm_spec_parse_connection(spec, cases[i].name);

        if (rc != HM_OK)
            fprintf(stderr, "\n  %s: %s\n", cases[i].name, hm_ctx_last_error(ctx)->message);
        CU_ASSERT_EQUAL_FATAL(rc, HM_OK);
        CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), cases[i].path);
        CU_ASSERT_EQUAL(spec->zoom, cases[i].zoom);
        if (cases[i].sport) {
            CU_ASSERT_FATAL(spec->nsports > 0);
            CU_ASSERT_STRING_EQUAL(spec->sports[0], cases[i].sport);
        } else {
            CU_ASSERT_EQUAL(spec->nsports, 0);
        }
        if (cases[i].srs) {
            CU_ASSERT_PTR_NOT_NULL_FATAL(spec->srs);
            CU_ASSERT_STRING_EQUAL(spec->srs, cases[i].srs);
        } else {
            CU_ASSERT_PTR_NULL(spec->srs);
        }
        hm_spec_free(spec);
    }
}

static void test_spec__connection_all_options(void)
{
    hm_spec *spec = spec_new();

    CU_ASSERT_EQUAL_FATAL(
        hm_spec_parse_connection(spec, "HEATMAP:gpx/:ZOOM=14:SPORT=running,cycling:"
                                       "SRS=EPSG:32633:RESOLUTION=10:BOUNDS=14.4,46,14.6,46.1:"
                                       "BANDS=hr,count:DATE_FROM=2020-01-01:DATE_TO=2020-01-01:"
                                       "INCLUDE_VIRTUAL=YES:MAX_GAP=250:THREADS=2"),
        HM_OK);
    CU_ASSERT_EQUAL(spec->nsports, 2);
    CU_ASSERT_STRING_EQUAL(spec->sports[1], "cycling");
    HM_ASSERT_NEAR(spec->resolution, 10.0, 0);
    HM_ASSERT_NEAR(spec->bounds[3], 46.1, 0);
    CU_ASSERT_EQUAL(spec->nbands, 2);
    CU_ASSERT_EQUAL(spec->bands[0], HM_BAND_HR);
    HM_ASSERT_NEAR(spec->date_from, DAY_2020_01_01 * 86400.0, 0);
    HM_ASSERT_NEAR(spec->date_to, (DAY_2020_01_01 + 1) * 86400.0, 0);
    CU_ASSERT_EQUAL(spec->include_virtual, 1);
    HM_ASSERT_NEAR(spec->max_gap, 250.0, 0);
    CU_ASSERT_EQUAL(spec->threads, 2);
    hm_spec_free(spec);
}

/* Options set before (open options) are defaults; the string overrides only what it names. */
static void test_spec__connection_overrides(void)
{
    hm_spec *spec = spec_new();

    CU_ASSERT_EQUAL(hm_spec_set(spec, "ZOOM", "5"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "THREADS", "3"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_parse_connection(spec, "HEATMAP:gpx:ZOOM=7"), HM_OK);
    CU_ASSERT_EQUAL(spec->zoom, 7);
    CU_ASSERT_EQUAL(spec->threads, 3);
    CU_ASSERT_EQUAL(hm_spec_parse_connection(spec, "HEATMAP:other"), HM_OK);
    CU_ASSERT_EQUAL(spec->zoom, 7);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), "other");
    hm_spec_free(spec);
}

static void test_spec__connection_errors(void)
{
    static const struct {
        const char *name;
        const char *message;
    } cases[] = {
        {"GPX:gpx", "'GPX:gpx' does not start with HEATMAP:"},
        {"HEATMAP", "does not start with HEATMAP:"},
        {"HEATMAP:", "no path in 'HEATMAP:' (expected HEATMAP:<path>[:KEY=VALUE...])"},
        {"HEATMAP::ZOOM=3", "expected HEATMAP:<path>[:KEY=VALUE...]"},
        {"HEATMAP:\"\"", "expected HEATMAP:<path>[:KEY=VALUE...]"},
        {"HEATMAP:gpx:ZOOM=abc", "ZOOM=abc: expected an integer from 0 to 22"},
        {"HEATMAP:gpx:ZOOM=", "ZOOM=: expected an integer from 0 to 22"},
        {"HEATMAP:gpx:FOO=1", "FOO: unknown option"},
        {"HEATMAP:\"gpx", "unterminated quote in 'HEATMAP:\"gpx'"},
        {"HEATMAP:\"gpx\"x", "expected ':KEY=VALUE' or the end after a closing quote"},
        {"HEATMAP:\"gpx\":", "expected ':KEY=VALUE' or the end after a closing quote"},
        {"HEATMAP:gpx:SPORT=\"a", "unterminated quote"},
        {"HEATMAP:gpx:ZOOM=3:SPORT=\"a\"b", "after a closing quote"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hm_spec *spec = spec_new();

        CU_ASSERT_EQUAL(hm_spec_set_path(spec, "before"), HM_OK);
        check_error(hm_spec_parse_connection(spec, cases[i].name), HM_EINVAL, cases[i].message);
        /* The path changes only when the whole string is valid. */
        CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), "before");
        hm_spec_free(spec);
    }
}

/* ---- allocation failures ------------------------------------------------- */

static int run_connection(hm_test_alloc *fa)
{
    hm_allocator a = hm_test_alloc_make(fa);
    hm_ctx *c = NULL;
    hm_spec *spec = NULL;
    int rc;

    if (hm_ctx_new(&c, &a) != HM_OK)
        return HM_ENOMEM;
    rc = hm_spec_new(&spec, c);
    if (rc == HM_OK)
        rc = hm_spec_parse_connection(spec, "HEATMAP:gpx/:SPORT=running,cycling,hiking,"
                                            "swimming,rowing,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q:"
                                            "SRS=EPSG:32633:ZOOM=4");
    if (rc == HM_OK)
        rc = hm_spec_set(spec, "SPORT", "walking");
    hm_spec_free(spec);
    hm_ctx_free(c);
    return rc;
}

static void test_spec__alloc_failures(void)
{
    hm_test_alloc fa = {-1, 0, 0, 0};
    long total, i;

    CU_ASSERT_EQUAL_FATAL(run_connection(&fa), HM_OK);
    CU_ASSERT_EQUAL(fa.live, 0);
    total = fa.count;
    CU_ASSERT(total > 5);
    for (i = 0; i < total; i++) {
        hm_test_alloc f = {i, 0, 0, 0};

        CU_ASSERT_EQUAL(run_connection(&f), HM_ENOMEM);
        CU_ASSERT_EQUAL(f.live, 0);
    }
}

static void test_spec__cleanup(void)
{
    hm_ctx_free(ctx);
    ctx = NULL;
}

void hm_test_spec_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_spec__defaults", test_spec__defaults},
        {"test_spec__option_table", test_spec__option_table},
        {"test_spec__store", test_spec__store},
        {"test_spec__keys_from_the_table", test_spec__keys_from_the_table},
        {"test_spec__scalars", test_spec__scalars},
        {"test_spec__white_space", test_spec__white_space},
        {"test_spec__booleans", test_spec__booleans},
        {"test_spec__bounds", test_spec__bounds},
        {"test_spec__bands", test_spec__bands},
        {"test_spec__dates", test_spec__dates},
        {"test_spec__relative_dates", test_spec__relative_dates},
        {"test_spec__privacy", test_spec__privacy},
        {"test_spec__where_and_dedupe", test_spec__where_and_dedupe},
        {"test_spec__sports", test_spec__sports},
        {"test_spec__srs", test_spec__srs},
        {"test_spec__bad_values", test_spec__bad_values},
        {"test_spec__style_options", test_spec__style_options},
        {"test_spec__bad_style_values", test_spec__bad_style_values},
        {"test_spec__connection_with_style", test_spec__connection_with_style},
        {"test_spec__bad_value_is_cut", test_spec__bad_value_is_cut},
        {"test_spec__set_path", test_spec__set_path},
        {"test_spec__connection", test_spec__connection},
        {"test_spec__connection_all_options", test_spec__connection_all_options},
        {"test_spec__connection_overrides", test_spec__connection_overrides},
        {"test_spec__connection_errors", test_spec__connection_errors},
        {"test_spec__alloc_failures", test_spec__alloc_failures},
        {"test_spec__cleanup", test_spec__cleanup},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("spec", tests);
}
