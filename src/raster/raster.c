/* SPDX-License-Identifier: MIT */
/*
 * hm_raster: open = (cache lookup) -> read the folder -> clean and project
 * -> grid -> index; render = one block from the index. Opening does
 * everything that does not depend on the block, once; nothing is rasterised
 * until a block is asked for.
 *
 * Sharing, in two tiers of the process cache. The parsed files of a source
 * (hm_sdata) are keyed by the path and the I/O table and allocator in force
 * (another table means other files; another allocator must not free this
 * one's memory); the data of a raster (hm_rdata) by that plus every option
 * that changes the result, and it holds a reference to its source. So a
 * second handle with the same options costs nothing, and one with another
 * zoom, grid or filter (`heatmap tiles` opens one raster per zoom) only
 * cleans and indexes again, without reading a file. A signature of the
 * files (sorted names, sizes, mtimes when the I/O layer gives them) decides
 * whether a cached entry of either tier is still current; if not, it is
 * rebuilt and the old entry lives on only for its current users. BANDS and
 * THREADS are not part of the keys: every band is computed anyway, and the
 * result does not depend on how many threads read the files.
 *
 * Track coordinates are converted once from grid CRS units to level-0
 * pixel coordinates (x east, y south from the origin), so levels are exact
 * power-of-two scalings and the renderer never sees CRS units.
 */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/vsi_int.h"
#include "raster/raster_int.h"
#include "raster/render_int.h"
#include "raster/spec_int.h"
#include "track/project_int.h"
#include "track/track_int.h"

/* Largest level-0 pixel coordinate stored, either way (2^40). */
#define HM_MAX_PIXEL 1099511627776.0

/* ---- bands ---------------------------------------------------------------- */

static const char *const band_names[HM_BAND_MAX] = {"count", "log_count", "pace", "hr", "recency"};
static const char *const band_units[HM_BAND_MAX] = {"activities", "ln(1+activities)", "s/km", "bpm",
                                                    "days since 1970-01-01"};

const char *hm_band_get_name(hm_band band)
{
    assert((unsigned)band < HM_BAND_MAX);
    return band_names[band];
}

const char *hm_band_get_unit(hm_band band)
{
    assert((unsigned)band < HM_BAND_MAX);
    return band_units[band];
}

int hm_band_get_has_nodata(hm_band band)
{
    assert((unsigned)band < HM_BAND_MAX);
    return band == HM_BAND_PACE || band == HM_BAND_HR || band == HM_BAND_RECENCY;
}

/* ---- text buffers for the cache key and signature ---------------------- */

typedef struct strbuf {
    hm_ctx *ctx; /* allocator */
    char *s;     /* NUL-terminated text, or NULL */
    size_t n;    /* length */
    size_t cap;  /* allocated bytes */
    int rc;      /* HM_OK, or HM_ENOMEM once an append failed (raised) */
} strbuf;

static void sb_printf(strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    int len;

    if (b->rc != HM_OK)
        return;
    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0 ||
        hm_ctx__grow(b->ctx, (void **)&b->s, &b->cap, b->n + (size_t)len + 1, 1) != HM_OK) {
        b->rc = HM_ENOMEM;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)len + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)len;
}

/* Bytes of an object in hex: identifies allocators and I/O tables without casting function
 * pointers. */
static void sb_hex(strbuf *b, const void *p, size_t size)
{
    const unsigned char *c = p;
    size_t i;

    for (i = 0; i < size; i++)
        sb_printf(b, "%02x", c[i]);
}

/*
 * Everything that makes two opens read other files (raster = 0: the key of
 * the parsed source) or give other data (raster = 1: the key of a raster).
 */
static int make_key(hm_ctx *ctx, const hm_spec *spec, int raster, char **out)
{
    strbuf b = {ctx, NULL, 0, 0, HM_OK};
    size_t i;

    sb_printf(&b, "%s\npath=%s\nio=", raster ? "raster" : "source", spec->path);
    sb_hex(&b, &ctx->io, sizeof(ctx->io));
    sb_printf(&b, "\nalloc=");
    sb_hex(&b, &ctx->alloc, sizeof(ctx->alloc));
    if (raster) {
        sb_printf(&b, "\nsrs=%s\nzoom=%d\nres=%.17g\n", spec->srs ? spec->srs : "", spec->zoom,
                  spec->resolution);
        if (spec->has_bounds)
            sb_printf(&b, "bounds=%.17g,%.17g,%.17g,%.17g\n", spec->bounds[0], spec->bounds[1],
                      spec->bounds[2], spec->bounds[3]);
        sb_printf(&b, "from=%.17g\nto=%.17g\nvirtual=%d\nmax_gap=%.17g\nsports=",
                  spec->date_from, spec->date_to, spec->include_virtual, spec->max_gap);
        for (i = 0; spec->sports && i < spec->nsports; i++)
            sb_printf(&b, "%s,", spec->sports[i]);
    }
    if (b.rc != HM_OK) {
        hm_ctx__free(ctx, b.s);
        return HM_RAISE_NOMEM(ctx);
    }
    *out = b.s;
    return HM_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * What the files look like now: one line per activity file (the same name
 * filter as the collection reader), sorted, with size and mtime.
 */
static int make_signature(hm_ctx *ctx, const char *path, char **out)
{
    const hm_io_api *io = hm_io__api(ctx);
    strbuf b = {ctx, NULL, 0, 0, HM_OK};
    char **names, **keep = NULL;
    size_t n = 0, i, plen;
    uint64_t size;
    int64_t mtime;
    int is_dir;

    *out = NULL;
    if (hm_io__stat_mtime(ctx, path, &is_dir, &size, &mtime) != 0)
        return HM_RAISE(ctx, HM_ENOTFOUND, path, 0, -1, "no such file or folder");
    if (!is_dir) {
        sb_printf(&b, "file\t%llu\t%lld\n", (unsigned long long)size, (long long)mtime);
    } else {
        names = io->list(path, io->payload);
        if (!names)
            return HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot list folder");
        for (i = 0; names[i]; i++)
            n++;
        keep = hm_ctx__calloc(ctx, n ? n : 1, sizeof(*keep));
        if (!keep) {
            io->free_list(names, io->payload);
            return HM_RAISE_NOMEM(ctx);
        }
        for (i = 0, n = 0; names[i]; i++)
            if (hm_format_from_name(names[i]) != HM_FORMAT_UNKNOWN)
                keep[n++] = names[i];
        qsort(keep, n, sizeof(*keep), cmp_str);
        plen = strlen(path);
        while (plen > 1 && path[plen - 1] == '/')
            plen--;
        for (i = 0; i < n && b.rc == HM_OK; i++) {
            strbuf full = {ctx, NULL, 0, 0, HM_OK};
            sb_printf(&full, "%.*s/%s", (int)plen, path, keep[i]);
            if (full.rc != HM_OK) {
                b.rc = full.rc;
                break;
            }
            if (hm_io__stat_mtime(ctx, full.s, &is_dir, &size, &mtime) != 0)
                sb_printf(&b, "%s\t-\n", keep[i]);
            else
                sb_printf(&b, "%s\t%llu\t%lld\n", keep[i], (unsigned long long)size,
                          (long long)mtime);
            hm_ctx__free(ctx, full.s);
        }
        hm_ctx__free(ctx, keep);
        io->free_list(names, io->payload);
        if (b.rc == HM_OK && !b.s)
            sb_printf(&b, "empty\n");
    }
    if (b.rc != HM_OK) {
        hm_ctx__free(ctx, b.s);
        return HM_RAISE_NOMEM(ctx);
    }
    *out = b.s;
    return HM_OK;
}

/* ---- shared data ---------------------------------------------------------- */

static void sdata_destroy(hm_cache_entry *e)
{
    hm_sdata *s = (hm_sdata *)e;
    hm_ctx *ctx = s->ctx;

    hm_collection_free(s->collection);
    hm_ctx__free(ctx, s->entry.key);
    hm_ctx__free(ctx, s->entry.signature);
    hm_ctx__free(ctx, s);
    hm_ctx_free(ctx);
}

/*
 * The parsed files of spec->path with one reference for the caller: shared
 * from the cache when some raster of this process read the same, unchanged
 * files; read (on spec->threads threads) otherwise.
 */
static int source_acquire(hm_sdata **out, hm_ctx *ctx, const hm_spec *spec, const char *key,
                          const char *sig)
{
    hm_read_options ro = HM_READ_OPTIONS_INIT;
    hm_cache_entry *e = hm_cache__acquire(key, sig);
    hm_ctx *sctx;
    hm_sdata *s;
    int rc;

    *out = NULL;
    if (e) {
        *out = (hm_sdata *)e;
        return HM_OK;
    }
    if (hm_ctx__new_child(&sctx, ctx) != HM_OK)
        return HM_RAISE_NOMEM(ctx);
    s = hm_ctx__calloc(sctx, 1, sizeof(*s));
    if (!s) {
        hm_ctx_free(sctx);
        return HM_RAISE_NOMEM(ctx);
    }
    s->ctx = sctx;
    s->entry.refs = 1;
    s->entry.destroy = sdata_destroy;
    s->entry.key = hm_ctx__strdup(sctx, key);
    s->entry.signature = hm_ctx__strdup(sctx, sig);
    if (!s->entry.key || !s->entry.signature) {
        sdata_destroy(&s->entry);
        return HM_RAISE_NOMEM(ctx);
    }
    /* Warnings while reading (skipped files) go to the opener's log. */
    hm_ctx_set_log(sctx, ctx->log_fn, ctx->log_payload);
    ro.threads = spec->threads;
    rc = hm_collection_read(&s->collection, sctx, spec->path, &ro);
    hm_ctx_set_log(sctx, NULL, NULL);
    if (rc != HM_OK) {
        hm_ctx__copy_error(ctx, sctx);
        sdata_destroy(&s->entry);
        return rc;
    }
    e = hm_cache__insert(&s->entry);
    if (e != &s->entry)
        sdata_destroy(&s->entry); /* another thread read the same files first */
    *out = (hm_sdata *)e;
    return HM_OK;
}

static void rdata_destroy(hm_cache_entry *e)
{
    hm_rdata *d = (hm_rdata *)e;
    hm_ctx *ctx = d->ctx;

    hm_memo__destroy(&d->memo, ctx);
    hm_index__free(d->index);
    if (d->source)
        hm_cache__release(&d->source->entry);
    hm_ctx__free(ctx, d->wkt);
    hm_ctx__free(ctx, d->entry.key);
    hm_ctx__free(ctx, d->entry.signature);
    hm_ctx__free(ctx, d);
    hm_ctx_free(ctx);
}

static int rdata_new(hm_rdata **out, hm_ctx *parent)
{
    hm_ctx *ctx;
    hm_rdata *d;
    int rc;

    *out = NULL;
    if ((rc = hm_ctx__new_child(&ctx, parent)) != HM_OK)
        return HM_RAISE_NOMEM(parent);
    d = hm_ctx__calloc(ctx, 1, sizeof(*d));
    if (!d) {
        hm_ctx_free(ctx);
        return HM_RAISE_NOMEM(parent);
    }
    d->ctx = ctx;
    d->entry.refs = 1;
    d->entry.destroy = rdata_destroy;
    hm_memo__init(&d->memo);
    *out = d;
    return HM_OK;
}

/* The web grid: no SRS, or EPSG:3857 without a RESOLUTION of its own. */
static int spec_is_web(const hm_spec *spec)
{
    return !spec->srs || (strcasecmp(spec->srs, "EPSG:3857") == 0 && !(spec->resolution > 0.0));
}

/* Everything after reading: clean, project, grid, index. Errors are raised on d->ctx. */
static int rdata_build(hm_rdata *d, const hm_spec *spec, const char *path,
                       const hm_file *const *files, size_t nfiles)
{
    hm_ctx *ctx = d->ctx;
    int web = spec_is_web(spec);
    hm_projector *proj = NULL;
    hm_clean_options co;
    hm_grid_request req;
    hm_tracks tracks;
    size_t i;
    int rc;

    memset(&tracks, 0, sizeof(tracks));
    d->stats.files = nfiles;
    for (i = 0; i < nfiles; i++)
        if (!files[i] || hm_file_get_error(files[i]))
            d->stats.skipped_files++;
    if ((rc = hm_project__new(&proj, ctx, web ? NULL : spec->srs)) != HM_OK)
        return rc;
    co.date_from = spec->date_from;
    co.date_to = spec->date_to;
    co.sports = spec->sports;
    co.nsports = spec->nsports;
    co.include_virtual = spec->include_virtual;
    co.max_gap = spec->max_gap;
    if ((rc = hm_tracks__build(&tracks, ctx, files, nfiles, &co, proj)) != HM_OK)
        goto done;
    d->stats.activities = tracks.nacts;
    d->stats.points = tracks.points;
    d->stats.time_min = tracks.time_min;
    d->stats.time_max = tracks.time_max;
    if (tracks.nacts == 0) {
        /* The message names the folder itself, so the path field stays empty (an error
         * is printed "path: msg"). */
        rc =
            HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no usable tracks in %s (%zu files, %zu skipped)",
                     path, d->stats.files, d->stats.skipped_files);
        goto done;
    }

    memset(&req, 0, sizeof(req));
    req.is_web = web;
    req.zoom = spec->zoom;
    req.resolution = spec->resolution;
    if (spec->has_bounds) {
        if ((rc = hm_project__bounds(proj, spec->bounds, req.extent)) != HM_OK)
            goto done;
        req.exact = 1;
    } else {
        memcpy(req.extent, tracks.bbox, sizeof(req.extent));
    }
    if ((rc = hm_grid__build(&d->grid, ctx, &req)) != HM_OK)
        goto done;

    /* Grid CRS units -> level-0 pixels, once. Points absurdly far from the grid (2^40
     * pixels) are pulled in, so the renderer's integer pixel arithmetic never overflows;
     * they are far outside every block either way. */
    for (i = 0; i < tracks.runs.npoints; i++) {
        double *p = tracks.runs.xy + 2 * i;
        p[0] = fmin(fmax((p[0] - d->grid.origin_x) / d->grid.res, -HM_MAX_PIXEL), HM_MAX_PIXEL);
        p[1] = fmin(fmax((d->grid.origin_y - p[1]) / d->grid.res, -HM_MAX_PIXEL), HM_MAX_PIXEL);
    }
    rc = hm_index__build(&d->index, ctx, &tracks.runs, tracks.act_start, tracks.nacts,
                         d->grid.level_count);
    if (rc != HM_OK)
        goto done;
    if ((rc = hm_project__wkt(proj, &d->wkt)) != HM_OK)
        goto done;
    snprintf(d->srs, sizeof(d->srs), "%s", web ? "EPSG:3857" : spec->srs);

done:
    hm_tracks__free(&tracks);
    hm_project__free(proj);
    return rc;
}

static int wrap(hm_raster **out, hm_ctx *ctx, hm_rdata *d)
{
    hm_raster *r = hm_ctx__malloc(d->ctx, sizeof(*r));

    if (!r) {
        hm_cache__release(&d->entry);
        return HM_RAISE_NOMEM(ctx);
    }
    r->data = d;
    *out = r;
    return HM_OK;
}

int hm_raster__new_from_files(hm_raster **out, hm_ctx *ctx, const hm_spec *spec, const char *path,
                              const hm_file *const *files, size_t nfiles)
{
    hm_rdata *d;
    int rc;

    *out = NULL;
    if ((rc = rdata_new(&d, ctx)) != HM_OK)
        return rc;
    if ((rc = rdata_build(d, spec, path, files, nfiles)) != HM_OK) {
        hm_ctx__copy_error(ctx, d->ctx);
        rdata_destroy(&d->entry);
        return rc;
    }
    return wrap(out, ctx, d);
}

int hm_raster_open(hm_raster **out, hm_ctx *ctx, const hm_spec *spec)
{
    const hm_file **files = NULL;
    hm_cache_entry *e;
    char *key = NULL, *source_key = NULL, *sig = NULL;
    hm_rdata *d = NULL;
    hm_sdata *source = NULL;
    size_t nfiles, i;
    int rc;

    *out = NULL;
    if (!spec->path)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no source path");
    if ((rc = make_key(ctx, spec, 1, &key)) != HM_OK ||
        (rc = make_key(ctx, spec, 0, &source_key)) != HM_OK ||
        (rc = make_signature(ctx, spec->path, &sig)) != HM_OK)
        goto done;
    e = hm_cache__acquire(key, sig);
    if (e) {
        hm_ctx__log(ctx, HM_LOG_DEBUG, "%s: shared with an open raster", spec->path);
        rc = wrap(out, ctx, (hm_rdata *)e);
        goto done;
    }
    if ((rc = source_acquire(&source, ctx, spec, source_key, sig)) != HM_OK)
        goto done;
    if ((rc = rdata_new(&d, ctx)) != HM_OK) {
        hm_cache__release(&source->entry);
        goto done;
    }
    d->source = source; /* the reference is the data's now */
    d->entry.key = hm_ctx__strdup(d->ctx, key);
    d->entry.signature = hm_ctx__strdup(d->ctx, sig);
    nfiles = hm_collection_get_file_count(source->collection);
    files = hm_ctx__calloc(d->ctx, nfiles ? nfiles : 1, sizeof(*files));
    if (!d->entry.key || !d->entry.signature || !files) {
        rc = HM_RAISE_NOMEM(d->ctx);
    } else {
        for (i = 0; i < nfiles; i++)
            files[i] = hm_collection_get_file(source->collection, i);
        rc = rdata_build(d, spec, spec->path, files, nfiles);
    }
    hm_ctx__free(d->ctx, files);
    if (rc != HM_OK) {
        hm_ctx__copy_error(ctx, d->ctx);
        rdata_destroy(&d->entry);
        goto done;
    }
    e = hm_cache__insert(&d->entry);
    if (e != &d->entry)
        rdata_destroy(&d->entry); /* another thread built the same data first */
    rc = wrap(out, ctx, (hm_rdata *)e);

done:
    hm_ctx__free(ctx, key);
    hm_ctx__free(ctx, source_key);
    hm_ctx__free(ctx, sig);
    return rc;
}

void hm_raster_free(hm_raster *raster)
{
    hm_rdata *d;

    if (!raster)
        return;
    d = raster->data;
    hm_ctx__free(d->ctx, raster);
    hm_cache__release(&d->entry);
}

/* ---- accessors ------------------------------------------------------------ */

void hm_raster_get_grid(const hm_raster *raster, hm_grid_info *out)
{
    const hm_rdata *d = raster->data;

    memset(out, 0, sizeof(*out));
    snprintf(out->srs, sizeof(out->srs), "%s", d->srs);
    out->zoom = d->grid.zoom;
    out->origin_x = d->grid.origin_x;
    out->origin_y = d->grid.origin_y;
    out->resolution = d->grid.res;
    out->width = d->grid.width;
    out->height = d->grid.height;
    out->block_size = d->grid.block;
    out->level_count = d->grid.level_count;
}

void hm_raster_get_level_size(const hm_raster *raster, int level, int *width, int *height)
{
    assert(level >= 0 && level < raster->data->grid.level_count);
    hm_grid__level_size(&raster->data->grid, level, width, height);
}

void hm_raster_get_stats(const hm_raster *raster, hm_raster_stats *out)
{
    *out = raster->data->stats;
}

const hm_collection *hm_raster_get_collection(const hm_raster *raster)
{
    return raster->data->source ? raster->data->source->collection : NULL;
}

const char *hm_raster_get_srs_wkt(const hm_raster *raster)
{
    return raster->data->wkt;
}

const hm_index *hm_raster__get_index(const hm_raster *raster)
{
    return raster->data->index;
}

hm_memo *hm_raster__get_memo(const hm_raster *raster)
{
    return &raster->data->memo;
}

const hm_ctx *hm_raster__get_data_ctx(const hm_raster *raster)
{
    return raster->data->ctx;
}

/* ---- blocks --------------------------------------------------------------- */

/* 1 when (level, block_x, block_y) names a block of the raster; sets the level size. */
static int block_valid(const hm_rdata *d, int level, int bx, int by, int *w, int *h)
{
    if (level < 0 || level >= d->grid.level_count)
        return 0;
    hm_grid__level_size(&d->grid, level, w, h);
    return bx >= 0 && by >= 0 && (int64_t)bx * HM_GRID_BLOCK < *w &&
           (int64_t)by * HM_GRID_BLOCK < *h;
}

int hm_raster_render_block(const hm_raster *raster, hm_ctx *ctx, int level, int block_x,
                           int block_y, float *const bands[HM_BAND_MAX])
{
    const hm_rdata *d = raster->data;
    int w, h;

    assert(bands != NULL);
    if (!block_valid(d, level, block_x, block_y, &w, &h))
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no block (%d, %d) at level %d", block_x,
                        block_y, level);
    return hm_render__block(ctx, d->index, level, w, h, block_x, block_y, bands);
}

int hm_raster_query_block(const hm_raster *raster, int level, int block_x, int block_y)
{
    const hm_rdata *d = raster->data;
    double box[4];
    int w, h;

    if (!block_valid(d, level, block_x, block_y, &w, &h))
        return 0;
    box[0] = (double)block_x * HM_GRID_BLOCK;
    box[1] = (double)block_y * HM_GRID_BLOCK;
    box[2] = fmin(box[0] + HM_GRID_BLOCK, (double)w);
    box[3] = fmin(box[1] + HM_GRID_BLOCK, (double)h);
    return hm_index__query_any(d->index, level, box);
}

/* Blocks [*b0, *b1] of n whose closed extent [b * B, min((b + 1) * B, size)] meets the
 * closed interval [lo, hi], as hm_raster_query_block() sees them; *b0 > *b1 when none. */
static void block_range(double lo, double hi, int size, int n, int64_t *b0, int64_t *b1)
{
    double first = floor(lo / HM_GRID_BLOCK);

    /* A box starting exactly on a block edge also touches the block before it. */
    if (first * HM_GRID_BLOCK == lo)
        first -= 1.0;
    *b0 = first < 0.0 ? 0 : (int64_t)fmin(first, (double)n);
    *b1 = hi < 0.0 ? -1 : (int64_t)fmin(floor(hi / HM_GRID_BLOCK), (double)(n - 1));
    if (lo > (double)size) /* beyond the last (partial) block's edge */
        *b1 = -1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

int hm_raster_query_blocks(int **out, size_t *count, const hm_raster *raster, hm_ctx *ctx,
                           int level)
{
    const hm_rdata *d = raster->data;
    const hm_level *lv;
    uint64_t *keys = NULL;
    size_t nkeys = 0, cap = 0, i, j, n, squeeze_at = 4096;
    int w, h, nbx, nby, rc = HM_OK;
    int *pairs;

    *out = NULL;
    *count = 0;
    if (level < 0 || level >= d->grid.level_count)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no level %d", level);
    hm_grid__level_size(&d->grid, level, &w, &h);
    nbx = (w + HM_GRID_BLOCK - 1) / HM_GRID_BLOCK;
    nby = (h + HM_GRID_BLOCK - 1) / HM_GRID_BLOCK;
    lv = &d->index->levels[level];
    /* Each piece's box (from its points) names the blocks it may touch: the work
     * follows the pieces, and a piece spans few blocks (HM_PIECE_MAX_EXTENT). */
    for (i = 0; i < lv->npieces && rc == HM_OK; i++) {
        const hm_piece *pc = &lv->pieces[i];
        const double *xy = lv->runs.xy + 2 * (size_t)pc->first;
        double box[4] = {xy[0], xy[1], xy[0], xy[1]};
        int64_t x0, x1, y0, y1, bx, by;
        uint32_t s;

        for (s = 1; s <= pc->nseg; s++) {
            box[0] = fmin(box[0], xy[2 * s]);
            box[1] = fmin(box[1], xy[2 * s + 1]);
            box[2] = fmax(box[2], xy[2 * s]);
            box[3] = fmax(box[3], xy[2 * s + 1]);
        }
        block_range(box[0], box[2], w, nbx, &x0, &x1);
        block_range(box[1], box[3], h, nby, &y0, &y1);
        for (by = y0; by <= y1 && rc == HM_OK; by++) {
            for (bx = x0; bx <= x1; bx++) {
                if ((rc = hm_ctx__grow(ctx, (void **)&keys, &cap, nkeys + 1, sizeof(*keys))) !=
                    HM_OK)
                    break;
                keys[nkeys++] = (uint64_t)by << 32 | (uint64_t)bx;
            }
        }
        /* Consecutive pieces mostly share blocks: drop repeats now and then to bound
         * memory by the number of distinct blocks (amortised: the threshold doubles). */
        if (rc == HM_OK && nkeys >= squeeze_at) {
            qsort(keys, nkeys, sizeof(*keys), cmp_u64);
            for (n = 0, j = 0; j < nkeys; j++)
                if (n == 0 || keys[j] != keys[n - 1])
                    keys[n++] = keys[j];
            nkeys = n;
            squeeze_at = 2 * n > 4096 ? 2 * n : 4096;
        }
    }
    if (rc != HM_OK) {
        hm_ctx__free(ctx, keys);
        return rc;
    }
    if (nkeys)
        qsort(keys, nkeys, sizeof(*keys), cmp_u64);
    for (n = 0, i = 0; i < nkeys; i++)
        if (n == 0 || keys[i] != keys[n - 1])
            keys[n++] = keys[i];
    pairs = hm_ctx__reallocarray(ctx, NULL, n ? 2 * n : 1, sizeof(*pairs));
    if (!pairs) {
        hm_ctx__free(ctx, keys);
        return HM_RAISE_NOMEM(ctx);
    }
    for (i = 0; i < n; i++) {
        pairs[2 * i] = (int)(keys[i] & 0xFFFFFFFFu);
        pairs[2 * i + 1] = (int)(keys[i] >> 32);
    }
    hm_ctx__free(ctx, keys);
    *out = pairs;
    *count = n;
    return HM_OK;
}
