/* SPDX-License-Identifier: MIT */
/*
 * PNG output through libpng, written through the I/O layer (hm_io__create,
 * so /vsimem/ and other writable VSI paths work) with png_set_write_fn(),
 * allocating through the context's allocator.
 *
 * libpng reports errors by longjmp. The project's only setjmp() is in
 * encode() below, and every libpng call that can fail is made from that
 * function, after the setjmp and before it returns: a longjmp therefore
 * only ever unwinds encode() and libpng's own C frames (never a C++ frame:
 * the driver does not write PNG). Nothing that encode() changes after the
 * setjmp is read after a longjmp, so no local needs to be volatile; what
 * the error path needs is in the job, which lives in the caller's frame.
 */
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "io/vsi_int.h"
#include "style/png_int.h"

typedef struct png_job {
    hm_ctx *ctx;             /* allocator and error sink */
    hm_io_writer *writer;    /* output */
    int io_failed;           /* 1 when a write failed (already raised) */
    int nomem;               /* 1 when an allocation failed */
    char msg[200];           /* libpng's message on failure */
    int width, height;       /* pixels */
    hm_render_mode mode;     /* RGBA or PALETTE */
    const uint8_t *pixels;   /* rows, top first */
    const hm_rgba *colors;   /* PALETTE: 256 entries */
} png_job;

static void job_error(png_structp png, png_const_charp msg)
{
    png_job *job = png_get_error_ptr(png);

    snprintf(job->msg, sizeof(job->msg), "%s", msg ? msg : "libpng error");
    png_longjmp(png, 1);
}

static void job_warning(png_structp png, png_const_charp msg)
{
    png_job *job = png_get_error_ptr(png);

    hm_ctx__log(job->ctx, HM_LOG_DEBUG, "libpng: %s", msg ? msg : "");
}

static void job_write(png_structp png, png_bytep data, size_t n)
{
    png_job *job = png_get_io_ptr(png);

    if (hm_io__write(job->writer, data, n) != HM_OK) {
        job->io_failed = 1;
        png_error(png, "write failed");
    }
}

static void job_flush(png_structp png)
{
    (void)png;
}

static png_voidp job_malloc(png_structp png, png_alloc_size_t size)
{
    png_job *job = png_get_mem_ptr(png);
    void *p = hm_ctx__malloc(job->ctx, size);

    if (!p)
        job->nomem = 1;
    return p;
}

static void job_free(png_structp png, png_voidp p)
{
    png_job *job = png_get_mem_ptr(png);

    hm_ctx__free(job->ctx, p);
}

/* Encode the job's image; 0 or -1 (the reason is in the job). The one setjmp. */
static int encode(png_job *job)
{
    png_structp png;
    png_infop info;
    size_t stride = (size_t)job->width * (job->mode == HM_RENDER_RGBA ? 4 : 1);
    int y;

    png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, job, job_error, job_warning, job,
                                    job_malloc, job_free);
    if (!png) {
        job->nomem = 1;
        return -1;
    }
    info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        job->nomem = 1;
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_set_write_fn(png, job, job_write, job_flush);
    /* Tiles are written by the thousand: libpng's defaults (adaptive filtering, zlib level 6)
     * took half of `heatmap tiles`' rendering time. One cheap filter and a fast zlib level
     * keep heatmaps (mostly transparent, smooth) about as small. */
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_set_compression_level(png, 2);
    if (job->mode == HM_RENDER_PALETTE) {
        png_color plte[256];
        png_byte trns[256];
        int i, ntrns = 0;

        for (i = 0; i < 256; i++) {
            plte[i].red = job->colors[i].r;
            plte[i].green = job->colors[i].g;
            plte[i].blue = job->colors[i].b;
            trns[i] = job->colors[i].a;
            if (trns[i] != 255)
                ntrns = i + 1; /* trailing opaque entries may be left out */
        }
        png_set_IHDR(png, info, (png_uint_32)job->width, (png_uint_32)job->height, 8,
                     PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                     PNG_FILTER_TYPE_DEFAULT);
        png_set_PLTE(png, info, plte, 256);
        if (ntrns)
            png_set_tRNS(png, info, trns, ntrns, NULL);
    } else {
        png_set_IHDR(png, info, (png_uint_32)job->width, (png_uint_32)job->height, 8,
                     PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                     PNG_FILTER_TYPE_DEFAULT);
    }
    png_write_info(png, info);
    for (y = 0; y < job->height; y++)
        png_write_row(png, job->pixels + (size_t)y * stride);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int hm_png__write(hm_ctx *ctx, const char *path, int width, int height, hm_render_mode mode,
                  const uint8_t *pixels, const hm_rgba colors[256])
{
    png_job job;
    int rc;

    if (width < 1 || height < 1)
        return HM_RAISE(ctx, HM_EINVAL, path, 0, -1, "cannot write a %d x %d image", width,
                        height);
    memset(&job, 0, sizeof(job));
    job.ctx = ctx;
    job.width = width;
    job.height = height;
    job.mode = mode;
    job.pixels = pixels;
    job.colors = colors;
    if ((rc = hm_io__create(&job.writer, ctx, path)) != HM_OK)
        return rc;
    if (encode(&job) != 0) {
        hm_io__close(job.writer, 1);
        if (job.io_failed)
            return HM_EIO; /* raised by hm_io__write */
        if (job.nomem)
            return HM_RAISE_NOMEM(ctx);
        return HM_RAISE(ctx, HM_ERROR, path, 0, -1, "PNG encoding failed: %s", job.msg);
    }
    return hm_io__close(job.writer, 0);
}

int hm_style_write_png(const hm_style *style, hm_ctx *ctx, const char *path,
                       const uint8_t *pixels, int width, int height)
{
    return hm_png__write(ctx, path, width, height, hm_style_get_mode(style), pixels,
                         hm_style_get_colors(style));
}
