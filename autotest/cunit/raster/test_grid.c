/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/raster/grid.c. Expected values are worked out by hand (or are
 * the well-known web tile figures): zoom -> pixel size, XYZ-aligned
 * extents, level sizes and counts, the automatic zoom and resolution.
 */
#include <math.h>
#include <string.h>

#include "raster/grid_int.h"
#include "test_util.h"

#define HALF 20037508.342789244

static hm_grid_request web_req(int zoom, double x0, double y0, double x1, double y1)
{
    hm_grid_request r;

    memset(&r, 0, sizeof(r));
    r.is_web = 1;
    r.zoom = zoom;
    r.extent[0] = x0;
    r.extent[1] = y0;
    r.extent[2] = x1;
    r.extent[3] = y1;
    return r;
}

static void test_grid__zoom_resolution(void)
{
    HM_ASSERT_NEAR(hm_grid__web_resolution(0), 156543.03392804097, 1e-9);
    HM_ASSERT_NEAR(hm_grid__web_resolution(1), 78271.51696402048, 1e-9);
    HM_ASSERT_NEAR(hm_grid__web_resolution(18), 0.5971642834779395, 1e-15);
    HM_ASSERT_NEAR(hm_grid__web_resolution(22), 0.03732276771737122, 1e-16);
}

static void test_grid__tile_aligned_extent(void)
{
    /* Ljubljana (14.5 E, 46.05 N) is in XYZ tile 2212/1456 at zoom 12. */
    const double rad = 3.14159265358979323846 / 180.0;
    double x = 6378137.0 * 14.5 * rad,
           y = 6378137.0 * log(tan(0.25 * 3.14159265358979323846 + 0.5 * 46.05 * rad));
    double res = 156543.03392804097 / 4096.0;
    hm_grid_request r = web_req(12, x - 1, y - 1, x + 1, y + 1);
    hm_grid g;
    hm_ctx *ctx;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    CU_ASSERT_EQUAL(g.is_web, 1);
    CU_ASSERT_EQUAL(g.zoom, 12);
    CU_ASSERT_EQUAL(g.tile_x0, 2212);
    CU_ASSERT_EQUAL(g.tile_y0, 1456);
    CU_ASSERT_EQUAL(g.width, 256);
    CU_ASSERT_EQUAL(g.height, 256);
    CU_ASSERT_EQUAL(g.block, 256);
    CU_ASSERT_EQUAL(g.level_count, 1);
    HM_ASSERT_NEAR(g.res, res, 1e-12);
    HM_ASSERT_NEAR(g.origin_x, -HALF + 2212 * 256 * res, 1e-6);
    HM_ASSERT_NEAR(g.origin_y, HALF - 1456 * 256 * res, 1e-6);

    /* One tile's own bounds as BOUNDS (exact): that tile; as data: a point on the east and
     * south tile lines must be inside, so one more tile each way. */
    {
        double t = 256.0 * res, x0 = -HALF + 550 * t, y1 = HALF - 360 * t;
        r = web_req(12, x0, y1 - t, x0 + t, y1);
        r.exact = 1;
        CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
        CU_ASSERT_EQUAL(g.tile_x0, 550);
        CU_ASSERT_EQUAL(g.tile_y0, 360);
        CU_ASSERT_EQUAL(g.width, 256);
        CU_ASSERT_EQUAL(g.height, 256);
        r.exact = 0;
        CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
        CU_ASSERT_EQUAL(g.tile_x0, 550);
        CU_ASSERT_EQUAL(g.width, 512);
        CU_ASSERT_EQUAL(g.height, 512);
    }
    /* The world's edge: zoom 1 over everything is the 2 x 2 tiles, nothing beyond. */
    r = web_req(1, -HALF, -HALF, HALF, HALF);
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    CU_ASSERT_EQUAL(g.width, 512);
    CU_ASSERT_EQUAL(g.height, 512);
    HM_ASSERT_NEAR(g.origin_x, -HALF, 1e-6);
    HM_ASSERT_NEAR(g.origin_y, HALF, 1e-6);
    CU_ASSERT_EQUAL(g.level_count, 2);
    hm_ctx_free(ctx);
}

static void test_grid__level_sizes(void)
{
    hm_grid_request r;
    hm_grid g;
    hm_ctx *ctx;
    int w, h;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    memset(&r, 0, sizeof(r));
    r.zoom = -1;
    r.resolution = 1.0;
    /* 7 x 3 tiles of 1 m pixels: 1792 x 768. */
    r.extent[0] = 0.5;
    r.extent[1] = -767.5;
    r.extent[2] = 1791.5;
    r.extent[3] = -0.5;
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    CU_ASSERT_EQUAL(g.zoom, -1);
    CU_ASSERT_EQUAL(g.width, 1792);
    CU_ASSERT_EQUAL(g.height, 768);
    HM_ASSERT_NEAR(g.origin_x, 0.0, 0);
    HM_ASSERT_NEAR(g.origin_y, 0.0, 0);
    /* 1792x768, 896x384, 448x192, 224x96: four levels, the last fits one block. */
    CU_ASSERT_EQUAL(g.level_count, 4);
    hm_grid__level_size(&g, 1, &w, &h);
    CU_ASSERT(w == 896 && h == 384);
    hm_grid__level_size(&g, 3, &w, &h);
    CU_ASSERT(w == 224 && h == 96);
    hm_grid__level_size(&g, 9, &w, &h); /* ceil: 1792 / 512 = 3.5 -> 4, 768 / 512 -> 2 */
    CU_ASSERT(w == 4 && h == 2);
    hm_ctx_free(ctx);
}

static void test_grid__default_zoom(void)
{
    /* 10 km x 10 km with its south-west corner at (0, 0) m: at zoom 15 (1222.99 m tiles) it
     * spans 9 x 10 tiles = 2304 x 2560 px; zoom 16 would need 17 tiles > 4096 px. */
    hm_grid_request r = web_req(-1, 0.0, 0.0, 10000.0, 10000.0);
    hm_grid g;
    hm_ctx *ctx;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    CU_ASSERT_EQUAL(g.zoom, 15);
    CU_ASSERT_EQUAL(g.width, 2304);
    CU_ASSERT_EQUAL(g.height, 2560);
    CU_ASSERT_EQUAL(g.tile_x0, 16384);
    CU_ASSERT_EQUAL(g.tile_y0, 16375);
    CU_ASSERT_EQUAL(g.level_count, 5); /* 2560 -> 1280 -> 640 -> 320 -> 160 */
    /* Another bound (fit): zoom 14 tiles (2445.98 m) span x 8192..8196 and y 8187..8192,
     * 1280 x 1536 px; zoom 13 tiles (4891.97 m) x 4096..4098, y 4093..4096, 768 x 1024. */
    r.fit[0] = 2304;
    r.fit[1] = 2560;
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    CU_ASSERT(g.zoom == 15 && g.width == 2304 && g.height == 2560);
    r.fit[0] = 2303;
    r.fit[1] = 100000;
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    CU_ASSERT(g.zoom == 14 && g.width == 1280 && g.height == 1536);
    r.fit[0] = 1280;
    r.fit[1] = 1535;
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    CU_ASSERT(g.zoom == 13 && g.width == 768 && g.height == 1024);
    r.fit[0] = r.fit[1] = 1; /* nothing fits: zoom 0 */
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    CU_ASSERT(g.zoom == 0 && g.width == 256 && g.height == 256);
    r.fit[0] = r.fit[1] = 0;
    /* The whole world fits zoom 4 (4096 px). */
    r = web_req(-1, -HALF, -HALF, HALF, HALF);
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    CU_ASSERT_EQUAL(g.zoom, 4);
    CU_ASSERT_EQUAL(g.width, 4096);
    hm_ctx_free(ctx);
}

static void test_grid__other_crs(void)
{
    hm_grid_request r;
    hm_grid g;
    hm_ctx *ctx;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    memset(&r, 0, sizeof(r));
    r.zoom = -1;
    r.resolution = 10.0; /* tiles of 2560 m */
    r.extent[0] = 1234;
    r.extent[1] = 5678;
    r.extent[2] = 9876;
    r.extent[3] = 54321;
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    HM_ASSERT_NEAR(g.origin_x, 0.0, 0);
    HM_ASSERT_NEAR(g.origin_y, 56320.0, 0); /* 22 tiles */
    CU_ASSERT_EQUAL(g.width, 1024);         /* tiles 0..3 */
    CU_ASSERT_EQUAL(g.height, 5120);        /* down to 5120 m: 20 tiles */
    /* Automatic resolution: 48643 m / 4096 px = 11.88 -> 12 m; tiles of 3072 m. */
    r.resolution = 0.0;
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    HM_ASSERT_NEAR(g.res, 12.0, 1e-12);
    HM_ASSERT_NEAR(g.origin_y, 55296.0, 1e-9);
    CU_ASSERT_EQUAL(g.width, 1024);
    CU_ASSERT_EQUAL(g.height, 17 * 256);
    /* Degrees: 0.2 deg / 4096 = 4.9e-5 -> 5e-5. */
    r.extent[0] = 14.3;
    r.extent[1] = 46.0;
    r.extent[2] = 14.5;
    r.extent[3] = 46.1;
    CU_ASSERT_FATAL(hm_grid__build(&g, ctx, &r) == HM_OK);
    HM_ASSERT_NEAR(g.res, 5e-5, 1e-15);
    /* Absurd: a 1 nm pixel over 1000 km. */
    r.resolution = 1e-9;
    r.extent[2] = 1e6;
    CU_ASSERT_EQUAL(hm_grid__build(&g, ctx, &r), HM_EINVAL);
    r.extent[2] = NAN;
    CU_ASSERT_EQUAL(hm_grid__build(&g, ctx, &r), HM_EINVAL);
    hm_ctx_free(ctx);
}

void hm_test_grid_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_grid__zoom_resolution", test_grid__zoom_resolution},
        {"test_grid__tile_aligned_extent", test_grid__tile_aligned_extent},
        {"test_grid__level_sizes", test_grid__level_sizes},
        {"test_grid__default_zoom", test_grid__default_zoom},
        {"test_grid__other_crs", test_grid__other_crs},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("grid", tests);
}
