/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/style/png.c: RGBA and paletted images read back with
 * libpng's own reader (pixels, palette and transparency), output to a
 * /vsimem/ path through the I/O layer, errors with their paths, and an
 * allocation-failure sweep (every failure is HM_ENOMEM, leaks nothing and
 * leaves no file).
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/stream_int.h"
#include "style/png_int.h"
#include "test_util.h"

#define W 5
#define H 3

static void tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "/tmp/hm_test_png_%ld_%s", (long)getpid(), name);
}

static void fill_rgba(uint8_t *px)
{
    int i;

    for (i = 0; i < W * H; i++) {
        px[4 * i] = (uint8_t)(i * 17);
        px[4 * i + 1] = (uint8_t)(255 - i * 3);
        px[4 * i + 2] = (uint8_t)(i * i);
        px[4 * i + 3] = (uint8_t)(i % 3 == 0 ? 0 : 40 * i);
    }
}

static void fill_palette(uint8_t *idx, hm_rgba *colors)
{
    int i;

    for (i = 0; i < 256; i++) {
        colors[i].r = (uint8_t)i;
        colors[i].g = (uint8_t)(255 - i);
        colors[i].b = (uint8_t)(i / 2);
        colors[i].a = (uint8_t)(i < 10 ? i * 20 : 255);
    }
    colors[0].r = colors[0].g = colors[0].b = colors[0].a = 0;
    for (i = 0; i < W * H; i++)
        idx[i] = (uint8_t)(i * 37 % 256);
}

/* Read a PNG (file path or memory) as RGBA; returns its pixels (malloc'd) or NULL. */
static uint8_t *read_png(const char *path, const void *mem, size_t len, int *colormapped)
{
    png_image img;
    uint8_t *px;

    memset(&img, 0, sizeof(img));
    img.version = PNG_IMAGE_VERSION;
    if (!(path ? png_image_begin_read_from_file(&img, path)
               : png_image_begin_read_from_memory(&img, mem, len)))
        return NULL;
    CU_ASSERT_EQUAL(img.width, W);
    CU_ASSERT_EQUAL(img.height, H);
    *colormapped = (img.format & PNG_FORMAT_FLAG_COLORMAP) != 0;
    img.format = PNG_FORMAT_RGBA;
    px = malloc(PNG_IMAGE_SIZE(img));
    if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
        free(px);
        png_image_free(&img);
        return NULL;
    }
    return px;
}

static void test_png__rgba_round_trip(void)
{
    uint8_t px[W * H * 4], *back;
    char path[256];
    hm_ctx *ctx;
    int cm = -1;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    tmp_path(path, sizeof(path), "rgba.png");
    fill_rgba(px);
    CU_ASSERT_EQUAL_FATAL(hm_png__write(ctx, path, W, H, HM_RENDER_RGBA, px, NULL), HM_OK);
    back = read_png(path, NULL, 0, &cm);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL(cm, 0);
    CU_ASSERT(memcmp(back, px, sizeof(px)) == 0);
    free(back);
    unlink(path);
    hm_ctx_free(ctx);
}

static void test_png__palette_round_trip(void)
{
    uint8_t idx[W * H], *back;
    hm_rgba colors[256];
    char path[256];
    hm_ctx *ctx;
    int cm = -1, i;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    tmp_path(path, sizeof(path), "pal.png");
    fill_palette(idx, colors);
    CU_ASSERT_EQUAL_FATAL(hm_png__write(ctx, path, W, H, HM_RENDER_PALETTE, idx, colors), HM_OK);
    back = read_png(path, NULL, 0, &cm);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL(cm, 1); /* a paletted PNG */
    for (i = 0; i < W * H; i++) {
        const hm_rgba *c = &colors[idx[i]];
        /* libpng's RGBA output is not premultiplied; fully transparent may lose colour */
        CU_ASSERT_EQUAL(back[4 * i + 3], c->a);
        if (c->a == 255) {
            CU_ASSERT_EQUAL(back[4 * i], c->r);
            CU_ASSERT_EQUAL(back[4 * i + 1], c->g);
            CU_ASSERT_EQUAL(back[4 * i + 2], c->b);
        }
    }
    free(back);
    unlink(path);
    hm_ctx_free(ctx);
}

static void test_png__vsimem(void)
{
    const char *path = "/vsimem/hm_test_png/out.png";
    uint8_t px[W * H * 4], *back, buf[65536];
    size_t len = 0, got;
    hm_stream *in;
    hm_ctx *ctx;
    int cm;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    fill_rgba(px);
    CU_ASSERT_EQUAL_FATAL(hm_png__write(ctx, path, W, H, HM_RENDER_RGBA, px, NULL), HM_OK);
    /* read back through the engine's own I/O layer (VSI) */
    CU_ASSERT_EQUAL_FATAL(hm_stream__new_file(&in, ctx, path, 0), HM_OK);
    while (hm_stream__read(in, buf + len, sizeof(buf) - len, &got) == HM_OK && got)
        len += got;
    hm_stream__free(in);
    CU_ASSERT(len > 8 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0);
    back = read_png(NULL, buf, len, &cm);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT(memcmp(back, px, sizeof(px)) == 0);
    free(back);
    hm_ctx_free(ctx);
}

static void test_png__errors(void)
{
    uint8_t px[W * H * 4];
    const hm_error *e;
    hm_ctx *ctx;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    fill_rgba(px);
    CU_ASSERT_EQUAL(hm_png__write(ctx, "/nonexistent/dir/x.png", W, H, HM_RENDER_RGBA, px, NULL),
                    HM_EIO);
    e = hm_ctx_last_error(ctx);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(e->path, "/nonexistent/dir/x.png");
    CU_ASSERT_STRING_EQUAL(e->message, "cannot create file");
    CU_ASSERT_EQUAL(hm_png__write(ctx, "/tmp/x.png", 0, H, HM_RENDER_RGBA, px, NULL), HM_EINVAL);
    /* libpng's own limit (1,000,000 pixels wide by default): its message, no file left */
    {
        char path[256];
        tmp_path(path, sizeof(path), "wide.png");
        CU_ASSERT_EQUAL(hm_png__write(ctx, path, 2000000, 1, HM_RENDER_RGBA, px, NULL),
                        HM_ERROR);
        e = hm_ctx_last_error(ctx);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        CU_ASSERT(strstr(e->message, "PNG encoding failed") != NULL);
        CU_ASSERT(access(path, F_OK) != 0);
    }
    hm_ctx_free(ctx);
}

/* ---- allocation failures ------------------------------------------------- */

static int run_write(hm_test_alloc *fa, const char *path)
{
    hm_allocator a = hm_test_alloc_make(fa);
    uint8_t idx[W * H];
    hm_rgba colors[256];
    hm_ctx *c;
    int rc;

    if (hm_ctx_new(&c, &a) != HM_OK)
        return HM_ENOMEM;
    fill_palette(idx, colors);
    rc = hm_png__write(c, path, W, H, HM_RENDER_PALETTE, idx, colors);
    hm_ctx_free(c);
    return rc;
}

static void test_png__alloc_failures(void)
{
    hm_test_alloc fa = {-1, 0, 0, 0};
    char path[256];
    long total, i;

    tmp_path(path, sizeof(path), "fail.png");
    CU_ASSERT_EQUAL_FATAL(run_write(&fa, path), HM_OK);
    CU_ASSERT_EQUAL(fa.live, 0);
    total = fa.count;
    CU_ASSERT(total > 3);
    for (i = 1; i < total; i++) { /* allocation 0 is the context itself */
        hm_test_alloc f = {i, 0, 0, 0};

        unlink(path);
        CU_ASSERT_EQUAL(run_write(&f, path), HM_ENOMEM);
        CU_ASSERT_EQUAL(f.live, 0);
        CU_ASSERT(access(path, F_OK) != 0);
    }
    unlink(path);
}

void hm_test_png_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_png__rgba_round_trip", test_png__rgba_round_trip},
        {"test_png__palette_round_trip", test_png__palette_round_trip},
        {"test_png__vsimem", test_png__vsimem},
        {"test_png__errors", test_png__errors},
        {"test_png__alloc_failures", test_png__alloc_failures},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("png", tests);
}
