/* SPDX-License-Identifier: MIT */
/*
 * `heatmap tiles SRC OUTDIR --zoom MIN-MAX`: an XYZ pyramid
 * OUTDIR/{z}/{x}/{y}.png holding only the tiles with data, plus a viewer.
 *
 * Every zoom is rendered natively, never resampled from another: counts
 * must be re-aggregated, and a line stays one pixel wide at every zoom. For
 * zoom z the raster is opened with ZOOM=z (every zoom draws from the same
 * track store, opened once); a block of its level 0 is
 * exactly one XYZ tile, offset by the grid's first tile. The blocks are the
 * ones the style says may be visible (hm_style_query_blocks: from the index,
 * never from the grid's bounding box, so tracks on several continents at
 * street zoom cost what the tracks cost; with GLOW, the neighbours the glow
 * reaches too). A
 * block may still render empty (a segment's box crossing a block corner):
 * such tiles are not written.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <heatmap.h>

#include "block_pool.h"
#include "cmd.h"
#include "opt.h"
#include "spec_args.h"
#include "viewer.h"

#define VERB "tiles"
/* Half the width of the Web Mercator world, m (EPSG:3857, R = 6378137 m). */
#define WEB_HALF 20037508.342789244

typedef struct tiles_opts {
    const char *source;    /* SRC */
    const char *outdir;    /* OUTDIR */
    int zmin, zmax;        /* --zoom, inclusive; zmin < 0 when missing */
    int threads;           /* --threads */
    int progress;          /* 1 when stderr is a terminal */
    hm_app_spec_args spec; /* style, filters, --option */
} tiles_opts;

/* What the workers of one zoom share. */
typedef struct zoom_job {
    const tiles_opts *o;
    const hm_style *style;
    int zoom;               /* XYZ zoom */
    long tx0, ty0;          /* XYZ tile of block (0, 0) */
    int block;              /* block side, pixels */
    pthread_mutex_t lock;   /* guards what follows */
    size_t written;         /* tiles written at this zoom */
    long xmin, ymin, xmax, ymax; /* extent of the written tiles, inclusive */
} zoom_job;

/* "MIN-MAX" or "Z". */
static int parse_zoom_range(const char *s, int *zmin, int *zmax)
{
    char buf[32];
    const char *dash = strchr(s, '-');
    long a, b;

    if (strlen(s) >= sizeof(buf))
        return -1;
    if (!dash) {
        if (hm_app_parse_int(s, 0, 22, &a) != 0)
            return -1;
        *zmin = *zmax = (int)a;
        return 0;
    }
    memcpy(buf, s, (size_t)(dash - s));
    buf[dash - s] = '\0';
    if (hm_app_parse_int(buf, 0, 22, &a) != 0 || hm_app_parse_int(dash + 1, 0, 22, &b) != 0 ||
        a > b)
        return -1;
    *zmin = (int)a;
    *zmax = (int)b;
    return 0;
}

static int parse_zoom(void *opts, const char *value)
{
    tiles_opts *o = opts;

    return parse_zoom_range(value, &o->zmin, &o->zmax);
}

/* clang-format off */
static const hm_app_opt opts[] = {
    {.type = HM_APP_OPT_OPERAND, .name = "SRC", .offset = offsetof(tiles_opts, source)},
    {.type = HM_APP_OPT_OPERAND, .name = "OUTDIR", .offset = offsetof(tiles_opts, outdir)},
    {.type = HM_APP_OPT_FUNC, .name = "zoom", .value_name = "MIN-MAX", .parse = parse_zoom,
     .flags = HM_APP_OPT_REQUIRED, .expect = "MIN-MAX with 0 <= MIN <= MAX <= 22",
     .help = "zoom levels to write, 0-22 (or one zoom: --zoom Z)"},
    {.type = HM_APP_OPT_INT, .name = "threads", .value_name = "N", .min = 1, .max = 64,
     .offset = offsetof(tiles_opts, threads),
     .help = "render threads (default: one per core)"},
    {.type = HM_APP_OPT_INCLUDE, .include = hm_app_spec_opts},
    {.type = HM_APP_OPT_END},
};
/* clang-format on */

static const hm_app_command command = {
    VERB, opts,
    "Write an XYZ tile pyramid OUTDIR/{z}/{x}/{y}.png (EPSG:3857, 256 px, the\n"
    "OpenStreetMap tile scheme) of SRC (a folder of activities, a descriptor file or\n"
    "a HEATMAP: connection string), rendering every zoom natively. Only tiles with\n"
    "data are written; OUTDIR/index.html is a self-contained viewer.\n",
    "--band defaults to count. Options given here override those in SRC. Existing\n"
    "tiles in OUTDIR are overwritten; other files are left alone.\n"
    "Exit status: 0 ok, 1 error, 2 usage error.\n"};

/* The command's defaults, then argv over them; what hm_app_opt_parse() says. */
static int parse_args(tiles_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof(*o));
    o->zmin = o->zmax = -1;
    o->threads = hm_app_cores();
    return hm_app_opt_parse(&command, o, &o->spec, argc, argv);
}

/* mkdir that accepts an existing folder. */
static int make_dir(const char *path)
{
    struct stat st;

    if (mkdir(path, 0777) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return -1;
}

/* mkdir -p. */
static int make_dirs(const char *path)
{
    char buf[4096];
    size_t i, n = strlen(path);

    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, path, n + 1);
    for (i = 1; i < n; i++) {
        if (buf[i] != '/')
            continue;
        buf[i] = '\0';
        if (make_dir(buf) != 0)
            return -1;
        buf[i] = '/';
    }
    return make_dir(buf);
}

static int write_tile(void *payload, hm_ctx *ctx, int bx, int by, const uint8_t *pixels,
                      int empty, char *err, size_t err_size)
{
    zoom_job *zj = payload;
    long x = zj->tx0 + bx, y = zj->ty0 + by;
    char path[4096];
    int n;

    if (empty)
        return 0;
    n = snprintf(path, sizeof(path), "%s/%d/%ld", zj->o->outdir, zj->zoom, x);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        snprintf(err, err_size, "%s: path too long", zj->o->outdir);
        return -1;
    }
    if (make_dir(path) != 0) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return -1;
    }
    snprintf(path + n, sizeof(path) - (size_t)n, "/%ld.png", y);
    if (hm_style_write_png(zj->style, ctx, path, pixels, zj->block, zj->block) != HM_OK) {
        hm_error_format(err, err_size, hm_ctx_last_error(ctx), 0);
        return -1;
    }
    pthread_mutex_lock(&zj->lock);
    if (zj->written == 0) {
        zj->xmin = zj->xmax = x;
        zj->ymin = zj->ymax = y;
    } else {
        zj->xmin = x < zj->xmin ? x : zj->xmin;
        zj->xmax = x > zj->xmax ? x : zj->xmax;
        zj->ymin = y < zj->ymin ? y : zj->ymin;
        zj->ymax = y > zj->ymax ? y : zj->ymax;
    }
    zj->written++;
    pthread_mutex_unlock(&zj->lock);
    return 0;
}

/*
 * Render one zoom. On success *written holds the number of tiles and, when
 * any, bbox their extent in world fractions; *open_secs grows by the time
 * the open took. *keep is the previous zoom's raster: it is released only
 * once this zoom's is open, so that the store the engine shares between opens
 * of the same folder stays open; on return *keep is this zoom's raster.
 */
static int render_zoom(const tiles_opts *o, hm_ctx *ctx, hm_spec *spec, int zoom,
                       hm_raster **keep, size_t *written, double bbox[4], double *open_secs)
{
    hm_raster *raster = NULL;
    hm_style *style = NULL;
    hm_grid_info g;
    zoom_job zj;
    int *blocks = NULL;
    size_t nblocks = 0, drawn = 0;
    char buf[4096], label[32];
    int ret = HM_EXIT_ERROR;
    double t0;

    memset(&zj, 0, sizeof(zj));
    pthread_mutex_init(&zj.lock, NULL);
    snprintf(buf, sizeof(buf), "%d", zoom);
    t0 = hm_app_now();
    if (hm_spec_set(spec, "ZOOM", buf) != HM_OK || hm_raster_open(&raster, ctx, spec) != HM_OK ||
        hm_style_new(&style, ctx, spec) != HM_OK || !style) {
        hm_app_engine_error(ctx, VERB);
        goto done;
    }
    *open_secs += hm_app_now() - t0;
    hm_raster_free(*keep);
    *keep = raster;
    hm_raster_get_grid(raster, &g);
    if (g.zoom != zoom) {
        hm_app_error(VERB ": tiles need the EPSG:3857 tile grid, but the source sets SRS");
        ret = HM_EXIT_USAGE;
        goto done;
    }
    zj.o = o;
    zj.style = style;
    zj.zoom = zoom;
    zj.block = g.block_size;
    /* The grid starts on a tile line: these divisions are whole numbers. */
    zj.tx0 = lround((g.origin_x + WEB_HALF) / (g.block_size * g.resolution));
    zj.ty0 = lround((WEB_HALF - g.origin_y) / (g.block_size * g.resolution));
    snprintf(buf, sizeof(buf), "%s/%d", o->outdir, zoom);
    if (make_dir(buf) != 0) {
        hm_app_error(VERB ": %s: %s", buf, strerror(errno));
        goto done;
    }
    if (hm_style_query_blocks(&blocks, &nblocks, style, raster, ctx, 0) != HM_OK) {
        hm_app_engine_error(ctx, VERB);
        goto done;
    }
    snprintf(label, sizeof(label), "zoom %2d", zoom);
    {
        hm_app_pool_job job;

        memset(&job, 0, sizeof(job));
        job.raster = raster;
        job.style = style;
        job.level = 0;
        job.blocks = blocks;
        job.count = nblocks;
        job.threads = o->threads;
        job.sink = write_tile;
        job.payload = &zj;
        job.progress = o->progress ? label : NULL;
        job.block_size = g.block_size;
        job.bytes_per_pixel = hm_style_get_mode(style) == HM_RENDER_PALETTE ? 1 : 4;
        if (hm_app_pool_run(&job, &drawn, buf, sizeof(buf)) != 0) {
            hm_app_error(VERB ": zoom %d: %s", zoom, buf);
            goto done;
        }
    }
    *written = zj.written;
    if (zj.written) {
        double n = ldexp(1.0, zoom);
        bbox[0] = zj.xmin / n;
        bbox[1] = zj.ymin / n;
        bbox[2] = (zj.xmax + 1) / n;
        bbox[3] = (zj.ymax + 1) / n;
    }
    ret = HM_EXIT_OK;
done:
    hm_ctx_free_mem(ctx, blocks);
    hm_style_free(style);
    if (raster != *keep)
        hm_raster_free(raster);
    pthread_mutex_destroy(&zj.lock);
    return ret;
}

int hm_cmd_tiles(int argc, char **argv)
{
    tiles_opts o;
    hm_ctx *ctx = NULL;
    hm_spec *spec = NULL;
    hm_raster *keep = NULL;
    double t0 = hm_app_now(), bbox[4] = {0.0, 0.0, 1.0, 1.0}, secs, open_secs = 0.0;
    size_t total = 0;
    int z, ret, rc, have_bbox = 0;
    char path[4096];

    rc = parse_args(&o, argc, argv);
    if (rc != HM_APP_OPT_OK)
        return rc == HM_APP_OPT_HELP ? HM_EXIT_OK : HM_EXIT_USAGE;
    o.progress = isatty(STDERR_FILENO);
    if (hm_ctx_new(&ctx, NULL) != HM_OK) {
        hm_app_error(VERB ": out of memory");
        return HM_EXIT_ERROR;
    }
    hm_app_log_to_stderr(ctx);
    ret = hm_app_spec_build(&spec, ctx, VERB, o.source, &o.spec, "count");
    if (ret != HM_EXIT_OK)
        goto done;
    if (make_dirs(o.outdir) != 0) {
        hm_app_error(VERB ": %s: %s", o.outdir, strerror(errno));
        ret = HM_EXIT_ERROR;
        goto done;
    }
    /* Deepest zoom first: its tiles give the tightest extent for the viewer. */
    for (z = o.zmax; z >= o.zmin; z--) {
        size_t written = 0;
        double zb[4];

        ret = render_zoom(&o, ctx, spec, z, &keep, &written, zb, &open_secs);
        if (ret != HM_EXIT_OK)
            goto done;
        if (written && !have_bbox) {
            memcpy(bbox, zb, sizeof(bbox));
            have_bbox = 1;
        }
        total += written;
    }
    snprintf(path, sizeof(path), "%s/index.html", o.outdir);
    if (hm_app_write_viewer(path, o.zmin, o.zmax, bbox) != 0) {
        hm_app_error(VERB ": %s: %s", path, strerror(errno));
        ret = HM_EXIT_ERROR;
        goto done;
    }
    secs = hm_app_now() - t0;
    printf("%s: %zu tiles, zoom %d-%d, %.2f s (%.0f tiles/s; opening %.2f s, rendering %.2f s)\n",
           o.outdir, total, o.zmin, o.zmax, secs, secs > 0 ? total / secs : 0.0, open_secs,
           secs - open_secs);
    ret = HM_EXIT_OK;
done:
    hm_raster_free(keep);
    hm_spec_free(spec);
    hm_ctx_free(ctx);
    return ret;
}
