/* SPDX-License-Identifier: MIT */
/* Tests of src/track/activity.c: the builder, segments, summaries. */
#include <stdlib.h>
#include <string.h>

#include "track/builder_int.h"
#include "track/geo_int.h"
#include "test_util.h"

static hm_point pt(double t, double lat, double lon)
{
    hm_point p;
    hm_point__init(&p);
    p.time = t;
    p.lat = lat;
    p.lon = lon;
    return p;
}

static void test_activity__segments_and_metadata(void)
{
    hm_ctx *ctx;
    hm_builder *b;
    hm_file *f;
    const hm_activity *a;
    hm_point p;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_builder__new(&b, ctx, "x.gpx", HM_FORMAT_GPX), HM_OK);
    CU_ASSERT_EQUAL(hm_builder__set_sport(b, "  Running \n", 11), HM_OK);
    CU_ASSERT_EQUAL(hm_builder__begin_segment(b), HM_OK);
    p = pt(10, 1, 2);
    CU_ASSERT_EQUAL(hm_builder__add_point(b, &p), HM_OK);
    p = pt(11, 1.5, 2);
    CU_ASSERT_EQUAL(hm_builder__add_point(b, &p), HM_OK);
    CU_ASSERT_EQUAL(hm_builder__begin_segment(b), HM_OK); /* empty: dropped */
    CU_ASSERT_EQUAL(hm_builder__begin_segment(b), HM_OK);
    p = pt(20, NAN, NAN);
    CU_ASSERT_EQUAL(hm_builder__add_point(b, &p), HM_OK);
    CU_ASSERT_EQUAL(hm_builder__begin_activity(b), HM_OK); /* a second, empty activity */
    CU_ASSERT_EQUAL(hm_builder__warn(b, HM_EPARSE, 7, -1, "odd %s", "thing"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_builder__finish(b, &f), HM_OK);
    hm_builder__free(b);

    CU_ASSERT_STRING_EQUAL(hm_file_get_path(f), "x.gpx");
    CU_ASSERT_EQUAL(hm_file_get_format(f), HM_FORMAT_GPX);
    CU_ASSERT_PTR_NULL(hm_file_get_error(f));
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 2);
    a = hm_file_get_activity(f, 0);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(a), "running");
    CU_ASSERT_EQUAL(hm_activity_get_point_count(a), 3);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_segment_count(a), 2);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 0), 0);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 1), 2);
    HM_ASSERT_NEAR(hm_activity_get_start_time(a), 10.0, 0);
    CU_ASSERT_EQUAL(hm_activity_get_point_count(hm_file_get_activity(f, 1)), 0);
    CU_ASSERT_PTR_NULL(hm_activity_get_points(hm_file_get_activity(f, 1)));
    CU_ASSERT_EQUAL_FATAL(hm_file_get_warning_count(f), 1);
    CU_ASSERT_STRING_EQUAL(hm_file_get_warning(f, 0)->message, "odd thing");
    CU_ASSERT_EQUAL(hm_file_get_warning(f, 0)->line, 7);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

static void test_activity__summary(void)
{
    hm_ctx *ctx;
    hm_builder *b;
    hm_file *f;
    hm_activity_summary s;
    hm_point p;
    /* 0.001 degree of latitude on the R = 6371008.8 m sphere */
    const double step = HM_EARTH_RADIUS_M * 0.001 * 3.14159265358979323846 / 180.0;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_builder__new(&b, ctx, "y.fit", HM_FORMAT_FIT), HM_OK);
    p = pt(100, 45.000, 7);
    p.hr = 150;
    hm_builder__add_point(b, &p);
    p = pt(101, 45.001, 7);
    hm_builder__add_point(b, &p);
    p = pt(102, NAN, NAN); /* no position: not counted, does not break the line */
    hm_builder__add_point(b, &p);
    p = pt(103, 45.002, 7);
    hm_builder__add_point(b, &p);
    hm_builder__begin_segment(b);
    p = pt(200, 46.0, 7); /* far away but in a new segment: no distance added */
    p.power = 250;
    hm_builder__add_point(b, &p);
    CU_ASSERT_EQUAL_FATAL(hm_builder__finish(b, &f), HM_OK);
    hm_builder__free(b);

    hm_activity_get_summary(hm_file_get_activity(f, 0), &s);
    CU_ASSERT_EQUAL(s.points, 5);
    CU_ASSERT_EQUAL(s.points_with_pos, 4);
    CU_ASSERT_TRUE(s.has_time);
    CU_ASSERT_TRUE(s.has_hr);
    CU_ASSERT_FALSE(s.has_cadence);
    CU_ASSERT_TRUE(s.has_power);
    HM_ASSERT_NEAR(s.distance, 2 * step, 1e-6);
    HM_ASSERT_NEAR(s.duration, 100.0, 0);
    HM_ASSERT_NEAR(s.time_min, 100.0, 0);
    hm_file_free(f);
    hm_ctx_free(ctx);
}

static void test_activity__geo_distance(void)
{
    /* A quarter of a meridian, and one degree of longitude on the equator. */
    HM_ASSERT_NEAR(hm_geo__distance_m(0, 0, 90, 0), HM_EARTH_RADIUS_M * 3.14159265358979 / 2,
                   1e-3);
    HM_ASSERT_NEAR(hm_geo__distance_m(0, 10, 0, 11), HM_EARTH_RADIUS_M * 3.14159265358979 / 180,
                   1e-3);
    HM_ASSERT_NEAR(hm_geo__distance_m(12, 34, 12, 34), 0.0, 0);
}

/* Build a small two-activity file; returns the builder's code. */
static int build_sample(hm_ctx *ctx, hm_file **out)
{
    hm_builder *b;
    hm_point p;
    int rc, i;

    *out = NULL;
    if ((rc = hm_builder__new(&b, ctx, "z.tcx", HM_FORMAT_TCX)) != HM_OK)
        return rc;
    for (i = 0; i < 40 && rc == HM_OK; i++) {
        if (i == 20)
            rc = hm_builder__begin_activity(b);
        if (rc == HM_OK && i % 7 == 0)
            rc = hm_builder__begin_segment(b);
        if (rc == HM_OK && i == 3)
            rc = hm_builder__set_sport(b, "Biking", 6);
        if (rc == HM_OK && i == 5)
            rc = hm_builder__warn(b, HM_EPARSE, 5, -1, "warning %d", i);
        p = pt(i, 1, 1);
        if (rc == HM_OK)
            rc = hm_builder__add_point(b, &p);
    }
    if (rc == HM_OK)
        rc = hm_builder__finish(b, out);
    hm_builder__free(b);
    return rc;
}

static void test_activity__allocation_failure_sweep(void)
{
    hm_test_alloc fa = {-1, 0, 0, 1}; /* sticky: no success after a failure */
    hm_allocator alloc = hm_test_alloc_make(&fa);
    long n, total;
    hm_ctx *ctx;
    hm_file *f;

    /* Count the allocations of a successful run, then fail each one in turn. */
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, &alloc), HM_OK);
    fa.count = 0;
    CU_ASSERT_EQUAL_FATAL(build_sample(ctx, &f), HM_OK);
    total = fa.count;
    hm_file_free(f);
    for (n = 0; n < total; n++) {
        int rc;

        fa.fail_at = n;
        fa.count = 0;
        rc = build_sample(ctx, &f);
        if (rc == HM_OK) {
            /* Only giving back growth slack may fail silently: the file must be whole. */
            CU_ASSERT_EQUAL(hm_activity_get_point_count(hm_file_get_activity(f, 0)) +
                                hm_activity_get_point_count(hm_file_get_activity(f, 1)),
                            40);
            hm_file_free(f);
            continue;
        }
        CU_ASSERT_EQUAL(rc, HM_ENOMEM);
        CU_ASSERT_PTR_NULL(f);
        CU_ASSERT_EQUAL(hm_ctx_last_error(ctx)->code, HM_ENOMEM);
    }
    fa.fail_at = -1;
    hm_ctx_free(ctx);
    CU_ASSERT_EQUAL(fa.live, 0);
}

void hm_test_activity_suite(void)
{
    static CU_TestInfo tests[] = {
        {"segments_and_metadata", test_activity__segments_and_metadata},
        {"summary", test_activity__summary},
        {"geo_distance", test_activity__geo_distance},
        {"allocation_failure_sweep", test_activity__allocation_failure_sweep},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("activity", tests);
}
