/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/track/clean.c: activity filters, the split rules, skipped
 * points, and the per-segment attributes. Activities are made with the
 * builder; they move along the 14.5 E meridian, where the great-circle
 * distance of a step of d degrees is exactly R * d * pi / 180.
 */
#include <math.h>
#include <string.h>

#include "track/builder_int.h"
#include "track/project_int.h"
#include "track/track_int.h"
#include "test_util.h"

#define M_DEG (180.0 / (3.14159265358979323846 * 6371008.8)) /* degrees of latitude per metre */
#define T0 1600000000.0

static void pt(hm_builder *b, double north_m, double t, float hr)
{
    hm_point p;

    hm_point__init(&p);
    p.lat = 46.0 + north_m * M_DEG;
    p.lon = 14.5;
    p.time = t;
    p.hr = hr;
    CU_ASSERT_FATAL(hm_builder__add_point(b, &p) == HM_OK);
}

static void raw(hm_builder *b, double lat, double lon)
{
    hm_point p;

    hm_point__init(&p);
    p.lat = lat;
    p.lon = lon;
    CU_ASSERT_FATAL(hm_builder__add_point(b, &p) == HM_OK);
}

static void begin(hm_builder *b, const char *sport, double start, int is_virtual)
{
    CU_ASSERT_FATAL(hm_builder__begin_activity(b) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__set_sport(b, sport, strlen(sport)) == HM_OK);
    if (!isnan(start))
        hm_builder__set_start_time(b, start);
    hm_builder__set_virtual(b, is_virtual);
}

static hm_clean_options no_filter(void)
{
    hm_clean_options o;

    memset(&o, 0, sizeof(o));
    o.date_from = NAN;
    o.date_to = NAN;
    o.max_gap = 1000.0;
    return o;
}

static hm_file *finish(hm_builder *b)
{
    hm_file *f = NULL;

    CU_ASSERT_FATAL(hm_builder__finish(b, &f) == HM_OK);
    hm_builder__free(b);
    return f;
}

/* Clean one file with the web projector (or srs). */
static void clean(hm_tracks *t, hm_ctx *ctx, const hm_file *f, const hm_clean_options *o,
                  const char *srs)
{
    hm_projector *p;

    CU_ASSERT_FATAL(hm_project__new(&p, ctx, srs) == HM_OK);
    CU_ASSERT_FATAL(hm_tracks__build(t, ctx, &f, 1, o, p) == HM_OK);
    hm_project__free(p);
}

static size_t run_len(const hm_tracks *t, size_t r)
{
    return t->runs.run_first[r + 1] - t->runs.run_first[r];
}

static void test_clean__filters(void)
{
    hm_builder *b;
    hm_ctx *ctx;
    hm_file *f;
    hm_clean_options o = no_filter();
    hm_tracks t;
    int i;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "f.gpx", HM_FORMAT_GPX) == HM_OK);
    begin(b, "running", T0, 0);             /* 0 */
    begin(b, "Cycling", T0 + 86400, 0);     /* 1: the builder lower-cases */
    begin(b, "cycling", T0 + 2 * 86400, 1); /* 2: virtual */
    begin(b, "running", NAN, 0);            /* 3: no start time */
    f = finish(b);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 4);
#define ACC(i) hm_clean__accept(hm_file_get_activity(f, (i)), &o)
    CU_ASSERT(ACC(0) && ACC(1) && !ACC(2) && ACC(3));
    o.include_virtual = 1;
    CU_ASSERT(ACC(2));
    o.date_from = T0; /* inclusive; an unknown start never passes a date limit */
    CU_ASSERT(ACC(0) && ACC(1) && !ACC(3));
    o.date_from = T0 + 1;
    CU_ASSERT(!ACC(0) && ACC(1));
    o.date_from = NAN;
    o.date_to = T0 + 86400; /* exclusive */
    CU_ASSERT(ACC(0) && !ACC(1) && !ACC(3));
#undef ACC
    hm_file_free(f);

    /* Through hm_tracks__build: only kept activities are numbered. */
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "g.gpx", HM_FORMAT_GPX) == HM_OK);
    for (i = 0; i < 4; i++) {
        begin(b, i % 2 ? "cycling" : "running", T0 + i, 0);
        pt(b, 0.0, T0 + i, NAN);
        pt(b, 10.0, T0 + i + 3, NAN);
    }
    f = finish(b);
    o.date_from = T0 + 1;
    o.date_to = T0 + 3; /* activities 1 and 2 */
    clean(&t, ctx, f, &o, NULL);
    CU_ASSERT_EQUAL(t.nacts, 2);
    CU_ASSERT_EQUAL(t.runs.nruns, 2);
    CU_ASSERT_EQUAL(t.runs.run_act[1], 1);
    HM_ASSERT_NEAR(t.act_start[1], T0 + 2, 0);
    hm_tracks__free(&t);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

static void test_clean__split_rules(void)
{
    /* Each activity: 3 points, a jump between the 2nd and 3rd; expected runs after cleaning
     * (a run of one point is dropped, so a split leaves 1 run of 2 points). */
    static const struct {
        double jump_m, jump_s; /* the jump; jump_s NaN: no times */
        size_t runs_pts;       /* points in the first run: 2 = split, 3 = joined */
    } cases[] = {
        {1500.0, NAN, 2},   /* beyond MAX_GAP, no times */
        {900.0, NAN, 3},    /* within MAX_GAP */
        {2000.0, 600.0, 2}, /* 2 km: beyond MAX_GAP whatever the time */
        {150.0, 1.0, 2},    /* 150 m/s over 150 m: teleport */
        {90.0, 1.0, 3},     /* 90 m/s but only 90 m: noise, kept */
        {150.0, 0.0, 2},    /* same time, 150 m */
        {250.0, 400.0, 2},  /* a 400 s gap with a 250 m jump */
        {150.0, 400.0, 3},  /* a 400 s gap, 150 m: kept */
        {250.0, 200.0, 3},  /* 200 s, 250 m (1.25 m/s): kept */
    };
    size_t i, n = sizeof(cases) / sizeof(cases[0]);
    hm_builder *b;
    hm_ctx *ctx;
    hm_file *f;
    hm_clean_options o = no_filter();
    hm_tracks t;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "s.gpx", HM_FORMAT_GPX) == HM_OK);
    for (i = 0; i < n; i++) {
        double t0 = isnan(cases[i].jump_s) ? NAN : T0;
        begin(b, "running", T0, 0);
        pt(b, 0.0, t0, NAN);
        pt(b, 3.0, t0 + 1, NAN);
        pt(b, 3.0 + cases[i].jump_m, t0 + 1 + cases[i].jump_s, NAN);
    }
    f = finish(b);
    clean(&t, ctx, f, &o, NULL);
    CU_ASSERT_EQUAL_FATAL(t.nacts, n);
    CU_ASSERT_EQUAL_FATAL(t.runs.nruns, n);
    for (i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(t.runs.run_act[i], i);
        if (run_len(&t, i) != cases[i].runs_pts)
            CU_FAIL("split rule");
    }
    hm_tracks__free(&t);

    /* MAX_GAP is an option: 500 m splits the 900 m jump. */
    o.max_gap = 500.0;
    clean(&t, ctx, f, &o, NULL);
    CU_ASSERT_EQUAL(run_len(&t, 1), 2);
    hm_tracks__free(&t);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

static void test_clean__skipped_points(void)
{
    hm_builder *b;
    hm_ctx *ctx;
    hm_file *f;
    hm_clean_options o = no_filter();
    hm_tracks t;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "k.gpx", HM_FORMAT_GPX) == HM_OK);
    /* 0: fixes without position, at null island, beyond 180 E: skipped, the line joins the
     * fixes around them. */
    begin(b, "running", T0, 0);
    raw(b, 46.0, 14.5);
    raw(b, NAN, NAN);
    raw(b, 46.0001, 14.5);
    raw(b, 0.0, 0.0);
    raw(b, 46.0002, 14.5);
    raw(b, 46.00025, NAN);
    raw(b, 46.0003, 14.5);
    raw(b, 46.0004, 181.0);
    /* 1: a lone fix between two jumps is dropped; the rest is one run of 2. */
    begin(b, "running", T0, 0);
    raw(b, 46.0, 14.5);
    raw(b, 46.1, 14.5);
    raw(b, 46.2, 14.5);
    raw(b, 46.2001, 14.5);
    /* 2: a single fix: nothing to draw, not a kept activity. */
    begin(b, "running", T0, 0);
    raw(b, 46.0, 14.5);
    /* 3: beyond the web mercator's 85.0511 N: nothing on the web grid. */
    begin(b, "running", T0, 0);
    raw(b, 85.06, 14.5);
    raw(b, 85.0601, 14.5);
    f = finish(b);
    clean(&t, ctx, f, &o, NULL);
    CU_ASSERT_EQUAL(t.nacts, 2);
    CU_ASSERT_EQUAL_FATAL(t.runs.nruns, 2);
    CU_ASSERT_EQUAL(run_len(&t, 0), 4);
    CU_ASSERT_EQUAL(run_len(&t, 1), 2);
    CU_ASSERT_EQUAL(t.points, 6);
    hm_tracks__free(&t);
    /* Through PROJ (a geographic CRS), 85.06 N is a place: kept. */
    clean(&t, ctx, f, &o, "EPSG:4326");
    CU_ASSERT_EQUAL(t.nacts, 3);
    CU_ASSERT_EQUAL_FATAL(t.runs.nruns, 3);
    CU_ASSERT_EQUAL(run_len(&t, 0), 4);
    CU_ASSERT_EQUAL(run_len(&t, 2), 2);
    HM_ASSERT_NEAR(t.runs.xy[0], 14.5, 1e-9); /* normalised: lon, lat */
    HM_ASSERT_NEAR(t.runs.xy[1], 46.0, 1e-9);
    hm_tracks__free(&t);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

static void test_clean__segment_attributes(void)
{
    const double pi = 3.14159265358979323846;
    hm_builder *b;
    hm_ctx *ctx;
    hm_file *f;
    hm_clean_options o = no_filter();
    hm_tracks t;
    const hm_seg_attr *s;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "a.gpx", HM_FORMAT_GPX) == HM_OK);
    begin(b, "running", T0, 0);
    pt(b, 0.0, T0, 150.0f);
    pt(b, 10.0 / 3.0, T0 + 1, 150.0f);    /* 0: 3.33 m in 1 s: 5:00 /km, HR 150 */
    pt(b, 10.0 / 3.0 + 0.3, T0 + 2, NAN); /* 1: 0.3 m/s: a stop; HR from one end */
    pt(b, 6.6, T0 + 92, NAN);             /* 2: 90 s: a pause; no HR at all */
    pt(b, 9.6, T0 + 92, 140.0f);          /* 3: no time elapsed: no pace; HR 140 */
    pt(b, 69.6, T0 + 93, 160.0f);         /* 4: 60 m/s exactly: still a pace; HR 150 */
    f = finish(b);
    clean(&t, ctx, f, &o, NULL);
    CU_ASSERT_EQUAL_FATAL(t.runs.npoints, 6);
    s = t.runs.seg;
    HM_ASSERT_NEAR(s[0].dt, 1.0, 0);
    HM_ASSERT_NEAR(s[0].len, 10.0 / 3.0, 1e-5);
    HM_ASSERT_NEAR(s[0].hr_sum, 150.0, 0);
    HM_ASSERT_NEAR(s[0].hr_n, 1.0, 0);
    CU_ASSERT(s[1].dt == 0.0f && s[1].len == 0.0f);
    CU_ASSERT(s[1].hr_sum == 150.0f && s[1].hr_n == 1.0f);
    CU_ASSERT(s[2].dt == 0.0f && s[2].len == 0.0f && s[2].hr_n == 0.0f);
    CU_ASSERT(s[3].dt == 0.0f && s[3].hr_sum == 140.0f && s[3].hr_n == 1.0f);
    HM_ASSERT_NEAR(s[4].dt, 1.0, 0);
    HM_ASSERT_NEAR(s[4].len, 60.0, 1e-4);
    HM_ASSERT_NEAR(s[4].hr_sum, 150.0, 0);
    CU_ASSERT(s[5].dt == 0.0f && s[5].len == 0.0f && s[5].hr_n == 0.0f); /* run end */
    /* Projected with the web mercator formula; bbox and times. */
    HM_ASSERT_NEAR(t.runs.xy[0], 6378137.0 * 14.5 * pi / 180.0, 1e-6);
    HM_ASSERT_NEAR(t.runs.xy[1], 6378137.0 * log(tan(pi / 4 + 46.0 * pi / 360.0)), 1e-6);
    HM_ASSERT_NEAR(t.bbox[1], t.runs.xy[1], 0);
    HM_ASSERT_NEAR(t.bbox[3], t.runs.xy[11], 0);
    HM_ASSERT_NEAR(t.time_min, T0, 0);
    HM_ASSERT_NEAR(t.time_max, T0 + 93, 0);
    hm_tracks__free(&t);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

void hm_test_clean_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_clean__filters", test_clean__filters},
        {"test_clean__split_rules", test_clean__split_rules},
        {"test_clean__skipped_points", test_clean__skipped_points},
        {"test_clean__segment_attributes", test_clean__segment_attributes},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("clean", tests);
}
