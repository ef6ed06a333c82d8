/* SPDX-License-Identifier: MIT */
/*
 * `heatmap render SRC -o out.png`: one styled PNG of a whole heatmap.
 *
 * The image is exactly one level of the raster's grid: for the web grid,
 * level 0 at the chosen zoom, which covers the data (or --bounds) in whole
 * XYZ tiles, so its size is a multiple of 256 and its pixels are those of
 * the tiles `heatmap tiles` and the driver give. With --zoom auto the zoom
 * is the largest whose grid fits in --width x --height, as the engine
 * chooses it (hm_spec_set_auto_zoom). A grid in another CRS (SRS option)
 * cannot change zoom: the first overview level that fits is drawn instead.
 *
 * Only the blocks the style says may be visible (hm_style_query_blocks: the
 * occupied ones and the neighbours a GLOW reaches) are rendered; the rest of
 * the image stays transparent, so a sparse heatmap costs what its tracks
 * cost, not what its bounding box covers.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heatmap.h>

#include "block_pool.h"
#include "cmd.h"
#include "opt.h"
#include "spec_args.h"

#define VERB "render"
#define DEFAULT_SIZE 2048
#define STR_(x) #x
#define STR(x) STR_(x)
/* Largest image drawn, pixels: 1 GiB of RGBA. */
#define MAX_PIXELS ((size_t)1 << 28)

typedef struct render_opts {
    const char *source;     /* SRC */
    const char *output;     /* -o */
    int zoom;               /* --zoom, or -1 for auto */
    int width, height;      /* --width, --height: bound of an automatic zoom, pixels */
    int threads;            /* --threads */
    hm_app_spec_args spec;  /* style, filters, --option */
} render_opts;

/* Where workers copy their blocks. */
typedef struct image {
    uint8_t *pixels; /* width * height * bpp, row major */
    int width;       /* pixels */
    int height;      /* pixels */
    int bpp;         /* bytes per pixel: 4 (RGBA) or 1 (palette index) */
    int block;       /* block side, pixels */
} image;

/* --zoom: "auto" (-1) or 0-22. */
static int parse_zoom(void *opts, const char *value)
{
    render_opts *o = opts;
    long v;

    if (strcmp(value, "auto") == 0) {
        o->zoom = -1;
        return 0;
    }
    if (hm_app_parse_int(value, 0, 22, &v) != 0)
        return -1;
    o->zoom = (int)v;
    return 0;
}

/* clang-format off */
static const hm_app_opt opts[] = {
    {.type = HM_APP_OPT_OPERAND, .name = "SRC", .offset = offsetof(render_opts, source)},
    {.type = HM_APP_OPT_VALUE, .name = "output", .alias = 'o', .value_name = "OUT.png",
     .offset = offsetof(render_opts, output), .flags = HM_APP_OPT_REQUIRED,
     .help = "PNG to write (required)"},
    {.type = HM_APP_OPT_FUNC, .name = "zoom", .value_name = "Z|auto", .parse = parse_zoom,
     .expect = "an integer from 0 to 22 or auto",
     .help = "XYZ zoom (0-22); auto (default, even when SRC sets ZOOM): the largest zoom "
             "whose image fits in --width x --height (at least zoom 0)"},
    {.type = HM_APP_OPT_INT, .name = "width", .value_name = "W", .min = 1, .max = 1 << 16,
     .offset = offsetof(render_opts, width), .expect = "a number of pixels from 1 to 65536",
     .help = "largest image width for --zoom auto (default " STR(DEFAULT_SIZE) ")"},
    {.type = HM_APP_OPT_INT, .name = "height", .value_name = "H", .min = 1, .max = 1 << 16,
     .offset = offsetof(render_opts, height), .expect = "a number of pixels from 1 to 65536",
     .help = "largest image height for --zoom auto (default " STR(DEFAULT_SIZE) ")"},
    {.type = HM_APP_OPT_INT, .name = "threads", .value_name = "N", .min = 1, .max = 64,
     .offset = offsetof(render_opts, threads),
     .help = "render threads (default: one per core)"},
    {.type = HM_APP_OPT_INCLUDE, .include = hm_app_spec_opts},
    {.type = HM_APP_OPT_END},
};
/* clang-format on */

static const hm_app_command command = {
    VERB, opts,
    "Draw a styled heatmap of SRC (a folder of activities, a descriptor file or a\n"
    "HEATMAP: connection string) into one PNG. The image is the heatmap grid at one\n"
    "zoom: whole 256-pixel XYZ tiles covering the tracks (or --bounds), so its width\n"
    "and height are multiples of 256. Empty areas are transparent.\n",
    "--band defaults to count. Options given here override those in SRC.\n"
    "Exit status: 0 ok, 1 error, 2 usage error.\n"};

/* The command's defaults, then argv over them; what hm_app_opt_parse() says. */
static int parse_args(render_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof(*o));
    o->zoom = -1;
    o->width = o->height = DEFAULT_SIZE;
    o->threads = hm_app_cores();
    return hm_app_opt_parse(&command, o, &o->spec, argc, argv);
}

static int open_at_zoom(hm_raster **out, hm_ctx *ctx, hm_spec *spec, int zoom)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%d", zoom);
    if (hm_spec_set(spec, "ZOOM", buf) != HM_OK)
        return HM_EINVAL;
    return hm_raster_open(out, ctx, spec);
}

static int fits(const render_opts *o, int w, int h)
{
    return w <= o->width && h <= o->height;
}

static int copy_block(void *payload, hm_ctx *ctx, int bx, int by, const uint8_t *pixels,
                      int empty, char *err, size_t err_size)
{
    image *im = payload;
    int x0 = bx * im->block, y0 = by * im->block, row, n, rows;

    (void)ctx, (void)err, (void)err_size;
    if (empty || x0 >= im->width || y0 >= im->height)
        return 0; /* the image is already transparent there */
    n = im->width - x0 < im->block ? im->width - x0 : im->block;
    rows = im->height - y0 < im->block ? im->height - y0 : im->block;
    for (row = 0; row < rows; row++)
        memcpy(im->pixels + ((size_t)(y0 + row) * im->width + x0) * im->bpp,
               pixels + (size_t)row * im->block * im->bpp, (size_t)n * im->bpp);
    return 0;
}

int hm_cmd_render(int argc, char **argv)
{
    render_opts o;
    hm_ctx *ctx = NULL;
    hm_spec *spec = NULL;
    hm_raster *raster = NULL;
    hm_style *style = NULL;
    hm_grid_info g;
    image im;
    int *blocks = NULL;
    size_t nblocks = 0, drawn = 0;
    int level = 0, ret = HM_EXIT_ERROR, rc;
    double t0 = hm_app_now();
    char err[1024];

    rc = parse_args(&o, argc, argv);
    if (rc != HM_APP_OPT_OK)
        return rc == HM_APP_OPT_HELP ? HM_EXIT_OK : HM_EXIT_USAGE;
    memset(&im, 0, sizeof(im));
    if (hm_ctx_new(&ctx, NULL) != HM_OK) {
        hm_app_error(VERB ": out of memory");
        return HM_EXIT_ERROR;
    }
    hm_app_log_to_stderr(ctx);
    ret = hm_app_spec_build(&spec, ctx, VERB, o.source, &o.spec, "count");
    if (ret != HM_EXIT_OK)
        goto done;
    ret = HM_EXIT_ERROR;
    if (o.zoom >= 0)
        rc = open_at_zoom(&raster, ctx, spec, o.zoom);
    else if ((rc = hm_spec_set_auto_zoom(spec, o.width, o.height)) == HM_OK)
        rc = hm_raster_open(&raster, ctx, spec);
    if (rc != HM_OK) {
        hm_app_engine_error(ctx, VERB);
        goto done;
    }
    hm_raster_get_grid(raster, &g);
    if (g.zoom < 0) {
        if (o.zoom >= 0) {
            hm_app_error(VERB ": --zoom needs the EPSG:3857 tile grid, but the source sets SRS");
            ret = HM_EXIT_USAGE;
            goto done;
        }
        /* Another CRS: the first overview level that fits. */
        for (level = 0; level + 1 < g.level_count; level++) {
            int w, h;
            hm_raster_get_level_size(raster, level, &w, &h);
            if (fits(&o, w, h))
                break;
        }
    }
    if (hm_style_new(&style, ctx, spec) != HM_OK || !style) {
        hm_app_engine_error(ctx, VERB);
        goto done;
    }
    hm_raster_get_level_size(raster, level, &im.width, &im.height);
    im.bpp = hm_style_get_mode(style) == HM_RENDER_PALETTE ? 1 : 4;
    im.block = g.block_size;
    if ((size_t)im.width * (size_t)im.height > MAX_PIXELS) {
        hm_app_error(VERB ": a %d x %d image is too large; use a smaller --zoom or --bounds",
                     im.width, im.height);
        goto done;
    }
    im.pixels = calloc((size_t)im.width * (size_t)im.height, (size_t)im.bpp);
    if (!im.pixels) {
        hm_app_error(VERB ": out of memory for a %d x %d image", im.width, im.height);
        goto done;
    }
    if (hm_style_query_blocks(&blocks, &nblocks, style, raster, ctx, level) != HM_OK) {
        hm_app_engine_error(ctx, VERB);
        goto done;
    }
    {
        hm_app_pool_job job;

        memset(&job, 0, sizeof(job));
        job.raster = raster;
        job.style = style;
        job.level = level;
        job.blocks = blocks;
        job.count = nblocks;
        job.threads = o.threads;
        job.sink = copy_block;
        job.payload = &im;
        job.block_size = g.block_size;
        job.bytes_per_pixel = im.bpp;
        if (hm_app_pool_run(&job, &drawn, err, sizeof(err)) != 0) {
            hm_app_error(VERB ": %s", err);
            goto done;
        }
    }
    if (hm_style_write_png(style, ctx, o.output, im.pixels, im.width, im.height) != HM_OK) {
        hm_app_engine_error(ctx, VERB);
        goto done;
    }
    if (g.zoom >= 0)
        printf("%s: %d x %d px, zoom %d, %zu blocks drawn, %.2f s\n", o.output, im.width,
               im.height, g.zoom, drawn, hm_app_now() - t0);
    else
        printf("%s: %d x %d px, level %d of %s, %zu blocks drawn, %.2f s\n", o.output, im.width,
               im.height, level, g.srs, drawn, hm_app_now() - t0);
    ret = HM_EXIT_OK;
done:
    free(im.pixels);
    hm_ctx_free_mem(ctx, blocks);
    hm_style_free(style);
    hm_raster_free(raster);
    hm_spec_free(spec);
    hm_ctx_free(ctx);
    return ret;
}
