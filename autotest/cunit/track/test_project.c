/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/track/project.c: the closed-form web mercator against
 * known values, PROJ for a UTM zone (values from cs2cs), bounds, WKT and
 * errors.
 */
#include <math.h>
#include <string.h>

#include "track/project_int.h"
#include "test_util.h"

static void test_project__web_mercator(void)
{
    double xy[] = {0.0, 0.0, 180.0, 0.0, -180.0, 0.0, 14.5, 46.05, 0.0, 85.05112877980659};
    double b[4], ll[4] = {-180.0, -90.0, 180.0, 90.0};
    hm_projector *p;
    hm_ctx *ctx;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_project__new(&p, ctx, NULL) == HM_OK);
    CU_ASSERT(hm_project__is_web(p));
    hm_project__points(p, xy, 5);
    HM_ASSERT_NEAR(xy[0], 0.0, 1e-9);
    HM_ASSERT_NEAR(xy[1], 0.0, 1e-9);
    HM_ASSERT_NEAR(xy[2], 20037508.342789244, 1e-6);
    HM_ASSERT_NEAR(xy[4], -20037508.342789244, 1e-6);
    HM_ASSERT_NEAR(xy[6], 1614132.6165024668, 1e-6);
    HM_ASSERT_NEAR(xy[7], 5788365.378851466, 1e-6);
    HM_ASSERT_NEAR(xy[9], 20037508.342789244, 1e-3); /* the north edge of the tile world */
    /* Bounds are clamped to the web world. */
    CU_ASSERT_EQUAL(hm_project__bounds(p, ll, b), HM_OK);
    HM_ASSERT_NEAR(b[1], -20037508.342789244, 1e-3);
    HM_ASSERT_NEAR(b[3], 20037508.342789244, 1e-3);
    hm_project__free(p);
    hm_project__free(NULL);
    hm_ctx_free(ctx);
}

static void test_project__proj_utm(void)
{
    /* cs2cs EPSG:4326 EPSG:32633: 45N 15E -> 500000.000000 4982950.400227; 15N 45E ->
     * 3860655.934745 1902647.130699 */
    double xy[] = {15.0, 45.0, 45.0, 15.0, NAN, NAN};
    double ll[4] = {14.0, 45.0, 16.0, 46.0}, b[4];
    hm_projector *p;
    hm_ctx *ctx;
    char *wkt = NULL;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_project__new(&p, ctx, "EPSG:32633") == HM_OK);
    CU_ASSERT(!hm_project__is_web(p));
    hm_project__points(p, xy, 3);
    HM_ASSERT_NEAR(xy[0], 500000.0, 1e-3);
    HM_ASSERT_NEAR(xy[1], 4982950.400227, 1e-3);
    HM_ASSERT_NEAR(xy[2], 3860655.934745, 1e-3);
    HM_ASSERT_NEAR(xy[3], 1902647.130699, 1e-3);
    HM_ASSERT_NAN(xy[4]);
    HM_ASSERT_NAN(xy[5]);
    CU_ASSERT_EQUAL(hm_project__bounds(p, ll, b), HM_OK);
    CU_ASSERT(b[0] < 500000.0 && b[2] > 500000.0);
    CU_ASSERT(b[1] < 4982950.41 && b[1] > 4982000.0 && b[3] > 5000000.0);
    /* Densified: the box covers the bulging bottom edge (x extreme at 45N, not 46N). */
    CU_ASSERT(b[2] - b[0] > 157000.0);
    CU_ASSERT_EQUAL(hm_project__wkt(p, &wkt), HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wkt);
    CU_ASSERT(strstr(wkt, "UTM zone 33N") != NULL);
    CU_ASSERT(strncmp(wkt, "PROJCS[", 7) == 0); /* WKT1_GDAL when it can */
    hm_ctx__free(ctx, wkt);
    hm_project__free(p);
    hm_ctx_free(ctx);
}

static void test_project__wkt_web(void)
{
    hm_projector *p;
    hm_ctx *ctx;
    char *wkt = NULL;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_project__new(&p, ctx, NULL) == HM_OK);
    CU_ASSERT_EQUAL(hm_project__wkt(p, &wkt), HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wkt);
    CU_ASSERT(strstr(wkt, "Pseudo-Mercator") != NULL);
    CU_ASSERT(strstr(wkt, "3857") != NULL);
    hm_ctx__free(ctx, wkt);
    hm_project__free(p);
    hm_ctx_free(ctx);
}

static void test_project__errors(void)
{
    hm_projector *p = (hm_projector *)&p;
    hm_ctx *ctx;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_EQUAL(hm_project__new(&p, ctx, "EPSG:999999"), HM_EINVAL);
    CU_ASSERT_PTR_NULL(p);
    CU_ASSERT(strstr(hm_ctx_last_error(ctx)->message, "EPSG:999999") != NULL);
    CU_ASSERT_EQUAL(hm_project__new(&p, ctx, "not a crs at all"), HM_EINVAL);
    /* An ellipsoid is not a CRS. */
    CU_ASSERT_EQUAL(hm_project__new(&p, ctx, "EPSG:7030"), HM_EINVAL);
    hm_ctx_free(ctx);
}

void hm_test_project_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_project__web_mercator", test_project__web_mercator},
        {"test_project__proj_utm", test_project__proj_utm},
        {"test_project__wkt_web", test_project__wkt_web},
        {"test_project__errors", test_project__errors},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("project", tests);
}
