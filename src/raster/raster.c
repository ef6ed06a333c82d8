/* SPDX-License-Identifier: MIT */
/*
 * hm_raster: a store, a grid and a selection; render = one block from the
 * index (see raster_int.h). Making a raster reads no file: the selection is
 * one pass over the activity records (a filter is a predicate on them), the
 * extent is the union of the selected activities' boxes, and the grid comes
 * from it. Blocks are drawn from the index through one view per grid level.
 *
 * Web grid. Level k of XYZ zoom z has pixels of 2^(32 - z + k) store units
 * and its corner at tile_x0 * 256 pixels of zoom z; it is drawn from the
 * coarsest index level whose pixels nest in it (exact, see index_int.h), so
 * every zoom is the same stored data shifted and nothing is rebuilt for
 * another zoom, BOUNDS or filter.
 *
 * Other grids draw from an index of the store's tracks projected into their
 * CRS (gridindex.c), built once per process and resolution.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf_int.h"
#include "raster/derive_int.h"
#include "raster/gridindex_int.h"
#include "raster/raster_int.h"
#include "track/project_int.h"
#include "track/sport_int.h"

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

/* ---- the web grid's CRS ------------------------------------------------------ */

static void wkt_destroy(void *value, hm_ctx *ctx)
{
    hm_ctx__free(ctx, value);
}

static int compute_web_wkt(void **value, hm_ctx *ctx, void *payload)
{
    hm_projector *proj = NULL;
    char *wkt = NULL;
    int rc;

    (void)payload;
    if ((rc = hm_project__new(&proj, ctx, NULL)) == HM_OK)
        rc = hm_project__wkt(proj, &wkt);
    hm_project__free(proj);
    *value = wkt;
    return rc;
}

/* The WKT of the web grid, made once per store (PROJ's database is slow to ask). */
static int web_wkt(const char **out, hm_raster *r, hm_ctx *ctx)
{
    void *value;
    int rc = hm_memo__get(&value, &r->store->memo, r->store->ctx, ctx, "wkt:web",
                          compute_web_wkt, wkt_destroy, NULL);

    *out = value;
    return rc;
}

/* ---- the raster ------------------------------------------------------------- */

void hm_raster_free(hm_raster *r)
{
    hm_ctx *ctx;

    if (!r)
        return;
    ctx = r->ctx;
    if (r->owner_free)
        r->owner_free(r->owner);
    hm_store__release(r->store);
    hm_ctx__free(ctx, r->selected);
    hm_ctx__free(ctx, r->dups);
    hm_ctx__free(ctx, r->key);
    hm_ctx__free(ctx, r);
    hm_ctx_free(ctx);
}

/* 1 when one of the SPORT items (resolved: queries) selects the activity (no items: every
 * sport). */
static int sport_selected(const hm_store *s, const hm_store_act *a, const hm_sport_query *queries,
                          size_t n)
{
    size_t k;

    if (n == 0)
        return 1;
    for (k = 0; k < n; k++)
        if (hm_sport__query_matches(&queries[k], hm_store__str(s, a->sport),
                                    hm_store__str(s, a->sub_sport)))
            return 1;
    return 0;
}

/* Leave out the duplicates among the selected activities, keeping the pairs. */
static int drop_duplicates(hm_raster *r)
{
    size_t i;
    int rc = hm_store__duplicate_pairs(r->store, r->selected, r->ctx, &r->dups, &r->ndups);

    if (rc != HM_OK)
        return rc;
    for (i = 0; i < r->ndups; i++)
        r->selected[r->dups[2 * i] >> 6] &= ~((uint64_t)1 << (r->dups[2 * i] & 63));
    return HM_OK;
}

/*
 * The error when nothing is drawn. The message names the source itself, so the path field
 * stays empty (an error is printed "path: msg"); when every file was skipped, the first
 * one's reason is given too (for a single file, that is the whole story).
 */
static int nothing_to_draw(hm_raster *r, const hm_raster_request *req)
{
    const hm_store *s = r->store;
    const hm_store_file *f = NULL;
    size_t i;

    for (i = 0; i < s->meta->nfiles && !f; i++)
        if (s->files[i].error_code != HM_OK)
            f = &s->files[i];
    if (f && r->stats.skipped_files == r->stats.files) {
        const char *rel = hm_store__str(s, f->path);
        char where[48] = "";
        if (f->error_line > 0)
            snprintf(where, sizeof(where), "line %lld: ", (long long)f->error_line);
        else if (f->error_offset >= 0)
            snprintf(where, sizeof(where), "byte %lld: ", (long long)f->error_offset);
        if (r->stats.files == 1)
            return HM_RAISE(r->ctx, HM_EINVAL, NULL, 0, -1, "no usable tracks in %s: %s%s%s%s",
                            req->path, rel, rel[0] ? ": " : "", where,
                            hm_store__str(s, f->error_message));
        return HM_RAISE(r->ctx, HM_EINVAL, NULL, 0, -1,
                        "no usable tracks in %s (%zu files, all skipped; the first, %s: %s%s)",
                        req->path, r->stats.files, rel, where, hm_store__str(s, f->error_message));
    }
    return HM_RAISE(r->ctx, HM_EINVAL, NULL, 0, -1,
                    "no usable tracks in %s (%zu files, %zu skipped%s)", req->path,
                    r->stats.files, r->stats.skipped_files,
                    r->stats.files > r->stats.skipped_files ? ", none selected or drawable" : "");
}

/*
 * The selection (drawable activities the filter keeps, duplicates left out), the figures of
 * what it draws, and the extent of the selection in units.
 */
static int select_acts(hm_raster *r, const hm_raster_request *req, int64_t box[4])
{
    const hm_store *s = r->store;
    size_t nacts = s->meta->nacts, nsports = req->filter.nsports, left_out = 0, i;
    hm_sport_query *queries;
    int rc;

    box[0] = box[1] = INT64_MAX;
    box[2] = box[3] = INT64_MIN;
    memset(&r->stats, 0, sizeof(r->stats));
    r->stats.files = s->meta->nfiles;
    for (i = 0; i < s->meta->nfiles; i++)
        r->stats.skipped_files += s->files[i].error_code != HM_OK;
    r->stats.time_min = NAN;
    r->stats.time_max = NAN;
    r->selected = hm_ctx__calloc(r->ctx, nacts / 64 + 1, sizeof(uint64_t));
    queries = hm_ctx__calloc(r->ctx, nsports ? nsports : 1, sizeof(*queries));
    if (!r->selected || !queries) {
        hm_ctx__free(r->ctx, queries);
        return HM_RAISE_NOMEM(r->ctx);
    }
    for (i = 0; i < nsports; i++)
        hm_sport__query(&queries[i], req->filter.sports[i]);
    for (i = 0; i < nacts; i++) {
        const hm_store_act *a = &s->acts[i];
        if (!(a->flags & HM_ACT_KEPT))
            continue;
        if (!hm_clean__accept_meta((a->flags & HM_ACT_VIRTUAL) != 0, a->start_time,
                                   &req->filter) ||
            !sport_selected(s, a, queries, nsports) ||
            (req->where && !hm_index__selected(req->where, (uint32_t)i))) {
            left_out++;
            continue;
        }
        r->selected[i >> 6] |= (uint64_t)1 << (i & 63);
    }
    hm_ctx__free(r->ctx, queries);
    if (req->dedupe && (rc = drop_duplicates(r)) != HM_OK)
        return rc;
    left_out += r->ndups;
    for (i = 0; i < nacts; i++) {
        const hm_store_act *a = &s->acts[i];
        if (!hm_index__selected(r->selected, (uint32_t)i))
            continue;
        r->stats.activities++;
        r->stats.points += a->kept_points;
        if (!isnan(a->kept_time_min) && !(a->kept_time_min >= r->stats.time_min))
            r->stats.time_min = a->kept_time_min;
        if (!isnan(a->kept_time_max) && !(a->kept_time_max <= r->stats.time_max))
            r->stats.time_max = a->kept_time_max;
        box[0] = a->bbox[0] < box[0] ? a->bbox[0] : box[0];
        box[1] = a->bbox[1] < box[1] ? a->bbox[1] : box[1];
        box[2] = a->bbox[2] > box[2] ? a->bbox[2] : box[2];
        box[3] = a->bbox[3] > box[3] ? a->bbox[3] : box[3];
    }
    if (left_out == 0) {
        /* Everything drawable is drawn: no test per piece at render time. */
        hm_ctx__free(r->ctx, r->selected);
        r->selected = NULL;
    }
    if (r->stats.activities == 0)
        return nothing_to_draw(r, req);
    return HM_OK;
}

/* The view of a grid level whose pixel is 2^exp units with its corner at (ox, oy). */
static void make_view(hm_render_view *v, const hm_raster *r, int exp, int64_t ox, int64_t oy)
{
    int i;

    v->index = r->index;
    v->level = 0;
    v->exp = exp;
    v->ox = ox;
    v->oy = oy;
    v->act_days = r->store->act_days;
    v->selected = r->selected;
    /* Levels have increasing exps: the last that nests is the coarsest. */
    for (i = 0; i < r->index->nlevels; i++) {
        int e = r->index->levels[i].exp;
        int64_t m = ((int64_t)1 << e) - 1;
        if (e <= exp && (ox & m) == 0 && (oy & m) == 0)
            v->level = i;
    }
}

/* BOUNDS in the grid's CRS (srs NULL: web mercator), as an exact extent to cover. */
static int bounds_extent(hm_raster *r, const hm_raster_request *req, const char *srs,
                         hm_grid_request *g)
{
    hm_projector *proj = NULL;
    int rc;

    if ((rc = hm_project__new(&proj, r->ctx, srs)) != HM_OK)
        return rc;
    rc = hm_project__bounds(proj, req->bounds, g->extent);
    hm_project__free(proj);
    g->exact = 1;
    return rc;
}

static int open_web(hm_raster *r, const hm_raster_request *req, const int64_t box[4])
{
    hm_grid_request g;
    int k, rc;

    memset(&g, 0, sizeof(g));
    g.is_web = 1;
    g.zoom = req->zoom;
    g.fit[0] = req->fit[0];
    g.fit[1] = req->fit[1];
    if (req->world) {
        g.has_units = 1;
        g.units[0] = g.units[1] = 0;
        g.units[2] = g.units[3] = ((int64_t)1 << HM_WEB_UNIT_BITS) - 1;
    } else if (req->has_bounds) {
        if ((rc = bounds_extent(r, req, NULL, &g)) != HM_OK)
            return rc;
    } else {
        g.has_units = 1;
        memcpy(g.units, box, sizeof(g.units));
    }
    if ((rc = hm_grid__build(&r->grid, r->ctx, &g)) != HM_OK)
        return rc;
    r->index = &r->store->index;
    for (k = 0; k < r->grid.level_count; k++) {
        int shift = HM_WEB_UNIT_BITS - r->grid.zoom; /* log2 units per tile */
        make_view(&r->views[k], r, HM_WEB_UNIT_BITS - 8 - r->grid.zoom + k,
                  r->grid.tile_x0 << shift, r->grid.tile_y0 << shift);
    }
    snprintf(r->srs, sizeof(r->srs), "EPSG:3857");
    return web_wkt(&r->wkt, r, r->ctx);
}

static int open_other(hm_raster *r, const hm_raster_request *req)
{
    const hm_projected *pj;
    const hm_grid_index *gi;
    hm_grid_request g;
    size_t i;
    int k, rc;

    if ((rc = hm_gridindex__projected(&pj, r->store, r->ctx, req->srs)) != HM_OK)
        return rc;
    memset(&g, 0, sizeof(g));
    g.resolution = req->resolution;
    if (req->has_bounds) {
        if ((rc = bounds_extent(r, req, req->srs, &g)) != HM_OK)
            return rc;
    } else {
        g.extent[0] = g.extent[1] = INFINITY;
        g.extent[2] = g.extent[3] = -INFINITY;
        for (i = 0; i < pj->nacts; i++) {
            const double *b = pj->act_bbox + 4 * i;
            if (!hm_index__selected(r->selected, (uint32_t)i) || isnan(b[0]))
                continue;
            g.extent[0] = fmin(g.extent[0], b[0]);
            g.extent[1] = fmin(g.extent[1], b[1]);
            g.extent[2] = fmax(g.extent[2], b[2]);
            g.extent[3] = fmax(g.extent[3], b[3]);
        }
        if (!(g.extent[0] <= g.extent[2]))
            return HM_RAISE(r->ctx, HM_EINVAL, NULL, 0, -1,
                            "no usable tracks in %s in SRS=%s (%zu files, %zu skipped)",
                            req->path, req->srs, r->stats.files, r->stats.skipped_files);
    }
    if ((rc = hm_grid__build(&r->grid, r->ctx, &g)) != HM_OK)
        return rc;
    if ((rc = hm_gridindex__get(&gi, r->store, r->ctx, req->srs, pj, r->grid.res)) != HM_OK)
        return rc;
    r->index = gi->index;
    for (k = 0; k < r->grid.level_count; k++) {
        int64_t ox = (r->grid.tile_x0 - gi->anchor_tx) * 256, oy = (r->grid.tile_y0 - gi->anchor_ty) * 256;
        if (ox > ((int64_t)1 << 35) || ox < -((int64_t)1 << 35) || oy > ((int64_t)1 << 35) ||
            oy < -((int64_t)1 << 35))
            return HM_RAISE(r->ctx, HM_EINVAL, NULL, 0, -1,
                            "BOUNDS too far from the tracks for RESOLUTION=%g", r->grid.res);
        make_view(&r->views[k], r, HM_GRID_UNIT_BITS + k, ox * ((int64_t)1 << HM_GRID_UNIT_BITS),
                  oy * ((int64_t)1 << HM_GRID_UNIT_BITS));
    }
    snprintf(r->srs, sizeof(r->srs), "%s", req->srs);
    r->wkt = pj->wkt;
    return HM_OK;
}

/* What names the raster's derived values: the grid as built (an automatic zoom and the zoom
 * it chose share them) and the filter. */
static int make_key(hm_raster *r, const hm_raster_request *req)
{
    const hm_grid *g = &r->grid;
    hm_strbuf b = HM_STRBUF_INIT(r->ctx);

    if (g->is_web)
        hm_strbuf_printf(&b, "grid=web:%d:%lld:%lld:%dx%d\n", g->zoom, (long long)g->tile_x0,
                         (long long)g->tile_y0, g->width, g->height);
    else
        hm_strbuf_printf(&b, "grid=%s:%.17g:%.17g:%.17g:%dx%d\n", req->srs ? req->srs : "",
                         g->res, g->origin_x, g->origin_y, g->width, g->height);
    hm_strbuf_puts(&b, req->key ? req->key : "");
    if (hm_strbuf_failed(&b)) {
        hm_strbuf_free(&b);
        return HM_RAISE_NOMEM(r->ctx);
    }
    r->key = b.s;
    return HM_OK;
}

int hm_raster__new(hm_raster **out, hm_ctx *ctx, hm_store *store, const hm_raster_request *req)
{
    hm_ctx *rctx;
    hm_raster *r;
    int64_t box[4];
    int rc;

    *out = NULL;
    if (hm_ctx__new_child(&rctx, ctx) != HM_OK)
        return HM_RAISE_NOMEM(ctx);
    r = hm_ctx__calloc(rctx, 1, sizeof(*r));
    if (!r) {
        hm_ctx_free(rctx);
        return HM_RAISE_NOMEM(ctx);
    }
    r->ctx = rctx;
    r->store = store;
    hm_store__acquire(store);
    hm_ctx_set_log(rctx, ctx->log_fn, ctx->log_payload);
    if ((rc = select_acts(r, req, box)) == HM_OK)
        rc = req->is_web ? open_web(r, req, box) : open_other(r, req);
    if (rc == HM_OK)
        rc = make_key(r, req);
    if (rc == HM_OK)
        hm_raster__pyramid_levels(r);
    hm_ctx_set_log(rctx, NULL, NULL);
    if (rc != HM_OK) {
        hm_ctx__copy_error(ctx, rctx);
        hm_raster_free(r);
        return rc;
    }
    *out = r;
    return HM_OK;
}

/* ---- accessors ------------------------------------------------------------ */

void hm_raster_get_grid(const hm_raster *r, hm_grid_info *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->srs, sizeof(out->srs), "%s", r->srs);
    out->zoom = r->grid.zoom;
    out->origin_x = r->grid.origin_x;
    out->origin_y = r->grid.origin_y;
    out->resolution = r->grid.res;
    out->width = r->grid.width;
    out->height = r->grid.height;
    out->block_size = r->grid.block;
    out->level_count = r->grid.level_count;
}

void hm_raster_get_level_size(const hm_raster *r, int level, int *width, int *height)
{
    assert(level >= 0 && level < r->grid.level_count);
    hm_grid__level_size(&r->grid, level, width, height);
}

void hm_raster_get_stats(const hm_raster *r, hm_raster_stats *out)
{
    *out = r->stats;
    out->pyramid_levels = r->pyramid_levels;
    out->pyramid_view = !r->pyramid_levels  ? ""
                        : r->pyramid->name[0] ? r->pyramid->name
                                              : "default";
}

const char *hm_raster_get_srs_wkt(const hm_raster *r)
{
    return r->wkt;
}

const hm_render_view *hm_raster__get_view(const hm_raster *r, int level)
{
    assert(level >= 0 && level < r->grid.level_count);
    return &r->views[level];
}

/* ---- derived values ----------------------------------------------------------- */

typedef struct derive_job {
    const hm_raster *raster;
    const hm_derived_ops *ops;
    void *payload;
    const char *key; /* what the memo and the file beside the store know it by */
} derive_job;

/* The value: from the file beside the store when another process made it, else computed
 * (and added to that file). c is a child of the store's context: what it allocates lives
 * as long as the store. */
static int derive(void **value, hm_ctx *c, void *payload)
{
    const derive_job *job = payload;
    const hm_derived_ops *ops = job->ops;
    void *bytes = NULL;
    size_t len = 0;
    int rc;

    *value = NULL;
    if (ops->decode) {
        if ((rc = hm_store__derived_load(&bytes, &len, c, job->raster->store, job->key)) < 0)
            return rc;
        if (rc == 1) {
            rc = ops->decode(value, c, bytes, len);
            hm_ctx__free(c, bytes);
            if (rc == HM_OK) {
                hm_ctx__log(c, HM_LOG_DEBUG, "%s: from %s.stats", job->key,
                            job->raster->store->path);
                return HM_OK;
            }
            if (rc != HM_EPARSE)
                return rc;
        }
    }
    if ((rc = ops->compute(value, c, job->raster, job->payload)) != HM_OK)
        return rc;
    /* Kept for other processes when there is a store file to keep it beside. Failing to
     * keep it costs the next process a compute, nothing else. */
    if (ops->encode && job->raster->store->path &&
        ops->encode(*value, c, &bytes, &len) == HM_OK) {
        hm_store__derived_save(c, job->raster->store, job->key, bytes, len);
        hm_ctx__free(c, bytes);
    }
    return HM_OK;
}

int hm_raster__derive(const void **out, const hm_raster *r, hm_ctx *ctx, const char *name,
                      const hm_derived_ops *ops, void *payload)
{
    hm_strbuf key = HM_STRBUF_INIT(ctx);
    derive_job job;
    void *value = NULL;
    int rc;

    *out = NULL;
    /* The name with the grid and filter (the raster's key) names the value. */
    hm_strbuf_printf(&key, "%s|%s", name, r->key);
    if (hm_strbuf_failed(&key)) {
        hm_strbuf_free(&key);
        return HM_RAISE_NOMEM(ctx);
    }
    job.raster = r;
    job.ops = ops;
    job.payload = payload;
    job.key = key.s;
    rc = hm_memo__get(&value, &r->store->memo, r->store->ctx, ctx, key.s, derive, ops->destroy,
                      &job);
    hm_strbuf_free(&key);
    *out = value;
    return rc;
}

/* ---- blocks --------------------------------------------------------------- */

/* 1 when (level, block_x, block_y) names a block of the raster; sets the level size. */
static int block_valid(const hm_raster *r, int level, int bx, int by, int *w, int *h)
{
    if (level < 0 || level >= r->grid.level_count)
        return 0;
    hm_grid__level_size(&r->grid, level, w, h);
    return bx >= 0 && by >= 0 && (int64_t)bx * HM_GRID_BLOCK < *w &&
           (int64_t)by * HM_GRID_BLOCK < *h;
}

int hm_raster_render_block(const hm_raster *r, hm_ctx *ctx, int level, int block_x, int block_y,
                           float *const bands[HM_BAND_MAX])
{
    int64_t x0 = (int64_t)block_x * HM_GRID_BLOCK, y0 = (int64_t)block_y * HM_GRID_BLOCK;
    int w, h;

    assert(bands != NULL);
    if (!block_valid(r, level, block_x, block_y, &w, &h))
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no block (%d, %d) at level %d", block_x,
                        block_y, level);
    if ((r->pyramid_levels >> level & 1u) &&
        hm_raster__pyramid_window(r, level, x0, y0, HM_GRID_BLOCK, HM_GRID_BLOCK,
                                  x0 + HM_GRID_BLOCK < w ? x0 + HM_GRID_BLOCK : w,
                                  y0 + HM_GRID_BLOCK < h ? y0 + HM_GRID_BLOCK : h, bands))
        return HM_OK;
    return hm_render__block(ctx, &r->views[level], w, h, block_x, block_y, bands);
}

/* 1 when a drawn activity may have something in the closed window [x0, x1] x [y0, y1] of
 * a level's pixels (touching counts). Index only. */
static int query_window(const hm_raster *r, int level, double x0, double y0, double x1,
                        double y1)
{
    const hm_render_view *v = &r->views[level];
    double box[4];

    hm_render__units_box(v, x0, y0, x1, y1, box);
    return hm_index__query_any(v->index, v->level, box, v->selected);
}

int hm_raster_query_window(const hm_raster *r, int level, int64_t x, int64_t y, int width,
                           int height)
{
    if (level < 0 || level >= r->grid.level_count || width <= 0 || height <= 0)
        return 0;
    return query_window(r, level, (double)x, (double)y, (double)x + width, (double)y + height);
}

int hm_raster_render_window(const hm_raster *r, hm_ctx *ctx, int level, int64_t x, int64_t y,
                            int width, int height, float *const bands[HM_BAND_MAX])
{
    assert(bands != NULL);
    if (level < 0 || level >= r->grid.level_count)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no level %d", level);
    if (width <= 0 || height <= 0 || width > HM_RASTER_MAX_WINDOW ||
        height > HM_RASTER_MAX_WINDOW)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "a window of %d x %d pixels", width,
                        height);
    if ((r->pyramid_levels >> level & 1u) &&
        hm_raster__pyramid_window(r, level, x, y, width, height, x + width, y + height, bands))
        return HM_OK;
    return hm_render__window(ctx, &r->views[level], x, y, width, height, bands);
}

int hm_raster_query_block(const hm_raster *r, int level, int block_x, int block_y)
{
    int w, h;

    if (!block_valid(r, level, block_x, block_y, &w, &h))
        return 0;
    return query_window(r, level, (double)block_x * HM_GRID_BLOCK, (double)block_y * HM_GRID_BLOCK,
                        fmin((double)block_x * HM_GRID_BLOCK + HM_GRID_BLOCK, (double)w),
                        fmin((double)block_y * HM_GRID_BLOCK + HM_GRID_BLOCK, (double)h));
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

/* A set of block keys ((by << 32) | bx): open addressing, at most half full. */
typedef struct key_set {
    uint64_t *slots; /* KEY_NONE where empty */
    size_t mask;     /* slots - 1 (a power of two) */
    size_t n;        /* keys held */
} key_set;

#define KEY_NONE UINT64_MAX /* no block has it: bx and by are below 2^31 */

static size_t key_slot(const key_set *ks, uint64_t key)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & ks->mask;

    while (ks->slots[i] != KEY_NONE && ks->slots[i] != key)
        i = (i + 1) & ks->mask;
    return i;
}

static int key_set_grow(key_set *ks, hm_ctx *ctx, size_t nslots)
{
    uint64_t *old = ks->slots;
    size_t i, oldn = old ? ks->mask + 1 : 0;

    if (!(ks->slots = hm_ctx__reallocarray(ctx, NULL, nslots, sizeof(*ks->slots)))) {
        ks->slots = old;
        return HM_RAISE_NOMEM(ctx);
    }
    memset(ks->slots, 0xFF, nslots * sizeof(*ks->slots));
    ks->mask = nslots - 1;
    for (i = 0; i < oldn; i++)
        if (old[i] != KEY_NONE)
            ks->slots[key_slot(ks, old[i])] = old[i];
    hm_ctx__free(ctx, old);
    return HM_OK;
}

static int key_set_add(key_set *ks, hm_ctx *ctx, uint64_t key)
{
    size_t i = key_slot(ks, key);
    int rc;

    if (ks->slots[i] == key)
        return HM_OK;
    if (2 * (ks->n + 1) > ks->mask + 1) {
        if ((rc = key_set_grow(ks, ctx, 2 * (ks->mask + 1))) != HM_OK)
            return rc;
        i = key_slot(ks, key);
    }
    ks->slots[i] = key;
    ks->n++;
    return HM_OK;
}

int hm_raster_query_blocks(int **out, size_t *count, const hm_raster *r, hm_ctx *ctx, int level)
{
    const hm_render_view *v;
    const hm_level *lv;
    key_set ks = {NULL, 0, 0};
    uint64_t *keys;
    size_t i, n;
    int w, h, nbx, nby, rc;
    double scale;
    int *pairs;

    *out = NULL;
    *count = 0;
    if (level < 0 || level >= r->grid.level_count)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no level %d", level);
    hm_grid__level_size(&r->grid, level, &w, &h);
    nbx = (w + HM_GRID_BLOCK - 1) / HM_GRID_BLOCK;
    nby = (h + HM_GRID_BLOCK - 1) / HM_GRID_BLOCK;
    v = &r->views[level];
    lv = &v->index->levels[v->level];
    scale = ldexp(1.0, -v->exp);
    /* Each piece's box (a leaf of the tree) names the blocks it may touch: the work follows
     * the pieces, and a piece spans few blocks (HM_PIECE_MAX_EXTENT). Neighbouring pieces
     * mostly share blocks: a set keeps each block once. */
    rc = key_set_grow(&ks, ctx, 64);
    for (i = 0; i < lv->tree.nitems && rc == HM_OK; i++) {
        const double *b = lv->tree.boxes + 4 * i;
        int64_t x0, x1, y0, y1, bx, by;

        if (!hm_index__selected(v->selected, lv->pieces[lv->tree.indices[i]].act))
            continue;
        block_range((b[0] - (double)v->ox) * scale, (b[2] - (double)v->ox) * scale, w, nbx, &x0,
                    &x1);
        block_range((b[1] - (double)v->oy) * scale, (b[3] - (double)v->oy) * scale, h, nby, &y0,
                    &y1);
        for (by = y0; by <= y1 && rc == HM_OK; by++)
            for (bx = x0; bx <= x1 && rc == HM_OK; bx++)
                rc = key_set_add(&ks, ctx, (uint64_t)by << 32 | (uint64_t)bx);
    }
    if (rc != HM_OK) {
        hm_ctx__free(ctx, ks.slots);
        return rc;
    }
    /* The blocks in (by, bx) order. */
    keys = ks.slots;
    for (n = 0, i = 0; i <= ks.mask; i++)
        if (ks.slots[i] != KEY_NONE)
            keys[n++] = ks.slots[i];
    if (n)
        qsort(keys, n, sizeof(*keys), cmp_u64);
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

/* ---- duplicates ------------------------------------------------------------- */

size_t hm_raster_get_duplicate_count(const hm_raster *r)
{
    return r->ndups;
}

void hm_raster_get_duplicate(const hm_raster *r, size_t i, size_t *dup, size_t *kept)
{
    assert(i < r->ndups);
    *dup = r->dups[2 * i];
    *kept = r->dups[2 * i + 1];
}
