/* SPDX-License-Identifier: MIT */
/*
 * The pyramid: the store's default view rendered once, so that its blocks
 * cost a copy of their pixels however many activities cross them (a dense
 * city block at a coarse level folds millions of activity-pixels; see
 * bench/blocks.sh).
 *
 * What it holds. The raster an open without filter options makes (its
 * selection: virtual activities and duplicates left out) is drawn on the
 * whole world's web grid at the zoom its automatic grid chooses, and every
 * covered block of the levels that grid has (zooms zmax down to zmin, where
 * the view fits in about a tile) is a global XYZ tile, written beside the
 * store (src/store/pyramid.c). Coarser zooms, which only a coarser ZOOM
 * asks for, would each hold everything in one tile: costly to draw again
 * after every update, so they are rendered when asked.
 *
 * Why any web raster can use it. A pixel of a web grid level is a pixel of
 * the global XYZ grid of its zoom when the grid's corner (a whole tile of
 * the grid's zoom) is a whole pixel of the level: always at the first nine
 * levels. The renderer gives a pixel the same values whichever window
 * draws it (render.c), from the index level the view names; so a level of
 * a raster with the same selection, drawn from the same index level as the
 * tile was, is the tiles' pixels, bit for bit, whatever its ZOOM or BOUNDS.
 * Other levels, other selections (any filter that changes what is drawn)
 * and other CRSs render from the index as before, so filters cost what they
 * did and the pyramid only ever replaces a render by its result.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool_int.h"
#include "raster/raster_int.h"

#define TILE HM_GRID_BLOCK
#define DROP_EVERY 4 /* tiles drawn between two hm_store__drop_pages() */

/* ---- using it ------------------------------------------------------------------ */

/* 1 when the raster draws activity i (a selection holds kept activities only). */
static int drawn(const hm_raster *r, uint32_t i)
{
    return hm_index__selected(r->selected, i) && (r->store->acts[i].flags & HM_ACT_KEPT);
}

/* 1 when the view draws what the raster draws. */
static int same_selection(const hm_raster *r, const hm_pyramid *p)
{
    uint32_t i;

    for (i = 0; i < r->store->meta->nacts; i++)
        if (drawn(r, i) != hm_index__selected(p->selection, i))
            return 0;
    return 1;
}

void hm_raster__pyramid_levels(hm_raster *r)
{
    const hm_store *s = r->store;
    const hm_pyramid *p = NULL;
    size_t i;
    int k;

    r->pyramid = NULL;
    r->pyramid_levels = 0;
    if (!r->grid.is_web || r->index != &s->index)
        return;
    for (i = 0; i < s->npyramids && !p; i++)
        if (same_selection(r, s->pyramids[i]))
            p = s->pyramids[i];
    if (!p)
        return;
    r->pyramid = p;
    for (k = 0; k < r->grid.level_count && k < 32; k++) {
        int z = r->grid.zoom - k;
        int64_t m = ((int64_t)1 << k) - 1;
        if (z < p->header->zmin || z > p->header->zmax || ((r->grid.tile_x0 * TILE) & m) ||
            ((r->grid.tile_y0 * TILE) & m) || r->views[k].level != p->header->index_level[z])
            continue;
        r->pyramid_levels |= 1u << k;
    }
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && a < 0);
}

int hm_raster__pyramid_window(const hm_raster *r, int level, int64_t x0, int64_t y0, int w,
                              int h, int64_t x1, int64_t y1, float *const bands[HM_BAND_MAX])
{
    const hm_pyramid *p = r->pyramid;
    const int z = r->grid.zoom - level;
    int64_t gx, gy, tx, ty, tx0, tx1, ty0, ty1;
    size_t npix = (size_t)w * (size_t)h, i;
    hm_log_cache logs;
    int b;

    for (b = 0; b < HM_BAND_MAX; b++)
        if (bands[b])
            for (i = 0; i < npix; i++)
                bands[b][i] = hm_render__empty[b];
    /* As the renderer: nothing that far out, and x1, y1 stay exact. */
    if (x1 > x0 + w)
        x1 = x0 + w;
    if (y1 > y0 + h)
        y1 = y0 + h;
    if (llabs(x0) > ((int64_t)1 << 32) || llabs(y0) > ((int64_t)1 << 32) || x1 <= x0 || y1 <= y0)
        return 1;
    /* The window in the global pixels of zoom z. */
    hm_render__log_cache_init(&logs);
    gx = ((r->grid.tile_x0 * TILE) >> level) + x0;
    gy = ((r->grid.tile_y0 * TILE) >> level) + y0;
    tx0 = floor_div(gx, TILE);
    tx1 = floor_div(gx + (x1 - x0) - 1, TILE);
    ty0 = floor_div(gy, TILE);
    ty1 = floor_div(gy + (y1 - y0) - 1, TILE);
    for (ty = ty0; ty <= ty1; ty++) {
        for (tx = tx0; tx <= tx1; tx++) {
            const hm_pyramid_pixel *px;
            size_t n;
            int found = hm_store__pyramid_tile(p, z, tx, ty, &px, &n);
            /* Window pixel of the tile's pixel (0, 0). */
            int64_t cx = tx * TILE - gx, cy = ty * TILE - gy;

            if (found < 0)
                return 0;
            for (i = 0; i < n; i++) {
                int64_t x = cx + (int64_t)(px[i].pos % TILE), y = cy + (int64_t)(px[i].pos / TILE);
                size_t q;
                if (x < 0 || y < 0 || x >= x1 - x0 || y >= y1 - y0)
                    continue;
                q = (size_t)y * (size_t)w + (size_t)x;
                if (bands[HM_BAND_COUNT])
                    bands[HM_BAND_COUNT][q] = (float)px[i].count;
                if (bands[HM_BAND_LOG_COUNT])
                    bands[HM_BAND_LOG_COUNT][q] = hm_render__log_count_cached(&logs, px[i].count);
                if (bands[HM_BAND_PACE])
                    bands[HM_BAND_PACE][q] = px[i].pace;
                if (bands[HM_BAND_HR])
                    bands[HM_BAND_HR][q] = px[i].hr;
                if (bands[HM_BAND_RECENCY])
                    bands[HM_BAND_RECENCY][q] = px[i].recency;
            }
        }
    }
    return 1;
}

/* ---- making it ------------------------------------------------------------------ */

typedef struct tile_job {
    int level;                /* of the world raster: zoom zmax - level */
    int bx, by;               /* block of that level: the XYZ tile */
    hm_pyramid_pixel *pixels; /* its non-empty pixels (a worker's ctx: same allocator) */
    size_t npix;
    int kept;                 /* 1: copied from the old pyramid, not rendered */
    int finished;             /* 1: drawn (or copied), waiting to be written */
} tile_job;

typedef struct worker worker;

typedef struct builder {
    const char *name;         /* the view's */
    const hm_raster *world;   /* the view's selection on the world's grid */
    int zmin, zmax;           /* the zooms drawn */
    const hm_pyramid *old;    /* the pyramid of the store this one was updated from, or NULL */
    int64_t *dirty;           /* boxes (units, 4 each) where the old one's tiles changed */
    size_t ndirty;
    hm_ctx *ctx;              /* the builder's (frees the jobs' pixels) */
    hm_pyramid_writer *out;   /* the file, written in job order */
    tile_job *jobs;
    size_t njobs;
    pthread_mutex_t lock;     /* guards done, written, kept, the jobs' finished and rc */
    size_t done;              /* jobs finished */
    size_t written;           /* jobs written (all before it are) */
    size_t kept;              /* tiles written that were copied from the old pyramid */
    int rc;                   /* the first failure */
    worker *workers;          /* the pool's, while drawing */
} builder;

struct worker {
    builder *b;
    hm_ctx *ctx;              /* the worker's own (errors) */
    float *buf;               /* HM_BAND_MAX tiles of floats */
};

/* 1 when the old pyramid's tile is this one's: none of the boxes where what is drawn
 * changed comes near it (a tile's margin of one tile around each box). */
static int unchanged(const builder *b, int z, int64_t tx, int64_t ty)
{
    int shift = HM_WEB_UNIT_BITS - z; /* log2 units per tile */
    size_t i;

    for (i = 0; i < b->ndirty; i++) {
        const int64_t *d = b->dirty + 4 * i;
        if (tx >= (d[0] >> shift) - 1 && tx <= (d[2] >> shift) + 1 &&
            ty >= (d[1] >> shift) - 1 && ty <= (d[3] >> shift) + 1)
            return 0;
    }
    return 1;
}

/* Render one tile, or copy it from the old pyramid when nothing there changed, and keep
 * its non-empty pixels. */
static int render_tile(worker *w, tile_job *j)
{
    float *bands[HM_BAND_MAX];
    size_t n = 0, i;
    int b, rc;

    if (w->b->old && unchanged(w->b, w->b->zmax - j->level, j->bx, j->by)) {
        const hm_pyramid_pixel *px;
        int found = hm_store__pyramid_tile(w->b->old, w->b->zmax - j->level, j->bx, j->by,
                                           &px, &n);
        if (found == 0)
            return HM_OK;
        if (found == 1) {
            if (!(j->pixels = hm_ctx__reallocarray(w->ctx, NULL, n, sizeof(*j->pixels))))
                return HM_RAISE_NOMEM(w->ctx);
            memcpy(j->pixels, px, n * sizeof(*px));
            j->npix = n;
            j->kept = 1;
            return HM_OK;
        }
        n = 0; /* damaged: rendered */
    }

    for (b = 0; b < HM_BAND_MAX; b++)
        bands[b] = w->buf + (size_t)b * TILE * TILE;
    if ((rc = hm_raster_render_block(w->b->world, w->ctx, j->level, j->bx, j->by, bands)) !=
        HM_OK)
        return rc;
    for (i = 0; i < (size_t)TILE * TILE; i++)
        n += bands[HM_BAND_COUNT][i] > 0.0f;
    if (n == 0)
        return HM_OK; /* the index's boxes touch it, no segment does */
    if (!(j->pixels = hm_ctx__reallocarray(w->ctx, NULL, n, sizeof(*j->pixels))))
        return HM_RAISE_NOMEM(w->ctx);
    for (i = 0; i < (size_t)TILE * TILE; i++) {
        hm_pyramid_pixel *px;
        if (!(bands[HM_BAND_COUNT][i] > 0.0f))
            continue;
        px = &j->pixels[j->npix++];
        memset(px, 0, sizeof(*px));
        px->pos = (uint32_t)i;
        px->count = (uint32_t)bands[HM_BAND_COUNT][i];
        px->pace = bands[HM_BAND_PACE][i];
        px->hr = bands[HM_BAND_HR][i];
        px->recency = bands[HM_BAND_RECENCY][i];
    }
    return HM_OK;
}

/* Pool job: draw tile k on worker w, then write what is ready. */
static int draw_job(size_t k, size_t w, void *payload)
{
    builder *b = payload;
    int rc = render_tile(&b->workers[w], &b->jobs[k]), drop;

    pthread_mutex_lock(&b->lock);
    b->jobs[k].finished = 1;
    /* The file takes tiles in job order: write what is ready, so that only the tiles
     * being drawn (about one per thread) wait in memory. */
    while (rc == HM_OK && b->rc == HM_OK && b->written < b->njobs &&
           b->jobs[b->written].finished) {
        tile_job *j = &b->jobs[b->written++];
        rc = hm_store__pyramid_add(b->out, b->zmax - j->level, j->bx, j->by, j->pixels,
                                   j->npix);
        b->kept += j->kept && j->npix;
        hm_ctx__free(b->ctx, j->pixels);
        j->pixels = NULL;
    }
    if (rc != HM_OK && b->rc == HM_OK)
        b->rc = rc;
    drop = ++b->done % DROP_EVERY == 0;
    pthread_mutex_unlock(&b->lock);
    /* Every tile reads pages from all over its index level (pieces are stored activity
     * after activity): let them go now and then, or the whole store would be resident
     * by the end. They stay in the page cache; a tile that needs one again maps it. */
    if (drop)
        hm_store__drop_pages(b->world->store);
    return rc;
}

/* The jobs: every covered block of the levels of zooms zmin .. zmax, zmin first, in
 * (ty, tx) order. */
static int list_jobs(builder *b, hm_ctx *ctx)
{
    size_t cap = 0;
    int k, rc = HM_OK;

    for (k = b->zmax - b->zmin; k >= 0 && rc == HM_OK; k--) {
        int *pairs;
        size_t n, i;
        if ((rc = hm_raster_query_blocks(&pairs, &n, b->world, ctx, k)) != HM_OK)
            break;
        if ((rc = hm_ctx__grow(ctx, (void **)&b->jobs, &cap, b->njobs + n, sizeof(*b->jobs))) ==
            HM_OK) {
            for (i = 0; i < n; i++) {
                tile_job *j = &b->jobs[b->njobs++];
                memset(j, 0, sizeof(*j));
                j->level = k;
                j->bx = pairs[2 * i];
                j->by = pairs[2 * i + 1];
            }
        }
        hm_ctx__free(ctx, pairs);
    }
    return rc;
}

static int run_jobs(builder *b, hm_ctx *ctx, int threads)
{
    worker ws[HM_POOL_MAX_THREADS];
    size_t n = hm_pool__threads(threads, b->njobs), i, failed;
    int rc = HM_OK;

    memset(ws, 0, sizeof(ws));
    for (i = 0; i < n && rc == HM_OK; i++) {
        ws[i].b = b;
        if (hm_ctx__new_child(&ws[i].ctx, ctx) != HM_OK ||
            !(ws[i].buf = hm_ctx__reallocarray(ctx, NULL, (size_t)HM_BAND_MAX * TILE * TILE,
                                               sizeof(float))))
            rc = HM_RAISE_NOMEM(ctx);
    }
    b->workers = ws;
    if (rc == HM_OK && (rc = hm_pool__run(n, b->njobs, draw_job, b, &failed)) != HM_OK &&
        hm_ctx_last_error(ws[failed].ctx) && !hm_ctx_last_error(ctx))
        hm_ctx__copy_error(ctx, ws[failed].ctx);
    b->workers = NULL;
    for (i = 0; i < n; i++) {
        hm_ctx__free(ctx, ws[i].buf);
        hm_ctx_free(ws[i].ctx);
    }
    return rc;
}

static uint64_t *selection_of(const hm_raster *r, hm_ctx *ctx)
{
    const hm_store *s = r->store;
    uint64_t *bits = hm_ctx__calloc(ctx, (size_t)s->meta->nacts / 64 + 1, sizeof(*bits));
    size_t i;

    if (!bits)
        return NULL;
    for (i = 0; i < s->meta->nacts; i++)
        if (drawn(r, (uint32_t)i))
            bits[i >> 6] |= (uint64_t)1 << (i & 63);
    return bits;
}

/* Draw the jobs into the file and put it in place. */
static int draw(builder *b, hm_store *store, hm_ctx *ctx, int threads)
{
    int index_level[HM_PYRAMID_MAX_ZOOM + 1], z, rc;
    const hm_pyramid *p;
    uint64_t *selection = selection_of(b->world, ctx);

    if (!selection)
        return HM_RAISE_NOMEM(ctx);
    rc = hm_store__pyramid_begin(&b->out, store, ctx, b->name, selection);
    hm_ctx__free(ctx, selection);
    if (rc != HM_OK)
        return rc;
    if ((rc = run_jobs(b, ctx, threads)) != HM_OK) {
        hm_store__pyramid_abort(b->out);
        return rc;
    }
    for (z = 0; z <= b->zmax; z++)
        index_level[z] = z < b->zmin ? -1 : b->world->views[b->zmax - z].level;
    rc = hm_store__pyramid_finish(b->out, b->zmin, b->zmax, index_level);
    if (rc == HM_OK && (p = hm_store__pyramid_find(store, b->name)) != NULL)
        hm_ctx__log(ctx, HM_LOG_DEBUG,
                    "pyramid of %s, view '%s': zooms %d-%d, %zu tiles (%zu kept from the old "
                    "one), %zu pixels", store->path, b->name, b->zmin, b->zmax,
                    (size_t)p->header->ntiles, b->kept, (size_t)p->header->npixels);
    return rc;
}

/* The activity of `old` that activity i of `s` is (same file, unchanged, same place in
 * it), or -1. A file listed too close to a change (racy) may differ unseen: not the same. */
static int64_t old_act(const hm_store *s, const hm_store *old, size_t i)
{
    const hm_store_act *a = &s->acts[i];
    const hm_store_file *f = &s->files[a->file], *of;
    long k = hm_store__find_file(old, hm_store__str(s, f->path));

    if (k < 0)
        return -1;
    of = &old->files[k];
    if (of->size != f->size || of->mtime_ns != f->mtime_ns || f->mtime_ns < 0 ||
        of->act_count != f->act_count || ((of->flags | f->flags) & HM_STORE_FILE_RACY))
        return -1;
    return (int64_t)of->act_first + (int64_t)(i - f->act_first);
}

static void add_dirty(builder *b, const int64_t box[4])
{
    memcpy(b->dirty + 4 * b->ndirty++, box, 4 * sizeof(int64_t));
}

/*
 * Where the old pyramid's tiles no longer hold: the boxes of activities drawn in one and
 * not the other, or drawn in both from other data (another file, another start). Tiles
 * elsewhere hold the same activities in the same order (a store lists activities file
 * after file, in path order), each drawn from the same stored pieces, so their pixels
 * are the same bits. Without an old pyramid of the same zooms, there is nothing to keep.
 */
static int find_dirty(builder *b, hm_ctx *ctx, const hm_store *s, const hm_store *old)
{
    const hm_pyramid *op = old ? hm_store__pyramid_find(old, b->name) : NULL;
    uint8_t *seen;
    size_t i;
    int z;

    if (!op || op->header->zmax != b->zmax || op->header->zmin != b->zmin)
        return HM_OK;
    for (z = b->zmin; z <= b->zmax; z++)
        if (op->header->index_level[z] != b->world->views[b->zmax - z].level)
            return HM_OK;
    b->dirty = hm_ctx__reallocarray(ctx, NULL, (size_t)s->meta->nacts + old->meta->nacts + 1,
                                    4 * sizeof(int64_t));
    seen = hm_ctx__calloc(ctx, (size_t)old->meta->nacts + 1, 1);
    if (!b->dirty || !seen) {
        hm_ctx__free(ctx, seen);
        return HM_RAISE_NOMEM(ctx);
    }
    for (i = 0; i < s->meta->nacts; i++) {
        int64_t o = old_act(s, old, i);
        int now = drawn(b->world, (uint32_t)i);
        int before = o >= 0 && hm_index__selected(op->selection, (uint32_t)o);
        int same = o >= 0 && memcmp(&old->act_days[o], &s->act_days[i], sizeof(double)) == 0;

        if (o >= 0)
            seen[o] = 1;
        if (now == before && (!now || same))
            continue; /* drawn in neither, or in both from the same data */
        if (now)
            add_dirty(b, s->acts[i].bbox);
        if (before)
            add_dirty(b, old->acts[o].bbox);
    }
    for (i = 0; i < old->meta->nacts; i++)
        if (!seen[i] && hm_index__selected(op->selection, (uint32_t)i))
            add_dirty(b, old->acts[i].bbox);
    hm_ctx__free(ctx, seen);
    b->old = op;
    return HM_OK;
}

int hm_raster__pyramid_build(hm_store *store, hm_ctx *ctx, const hm_raster_request *req,
                             const char *name, const hm_store *old, int threads, int *drawn)
{
    hm_raster_request world = *req;
    hm_raster *view = NULL, *r = NULL;
    builder b;
    size_t i;
    int rc, zmin, zmax, same = 0;

    *drawn = 0;
    if (!store->path)
        return HM_OK; /* nothing to keep it beside */
    /* The zoom the view's automatic grid chooses: its blocks, and all coarser. A view that
     * draws what another one does (a folder of one sport) is that one. */
    if ((rc = hm_raster__new(&view, ctx, store, req)) != HM_OK)
        return rc;
    zmax = view->grid.zoom;
    zmin = zmax - (view->grid.level_count - 1);
    for (i = 0; i < store->npyramids && !same; i++)
        same = strcmp(store->pyramids[i]->name, name) != 0 &&
               same_selection(view, store->pyramids[i]);
    hm_raster_free(view);
    if (same || zmin < 0 || zmax > HM_PYRAMID_MAX_ZOOM)
        return HM_OK;
    world.zoom = zmax;
    world.has_bounds = 0;
    world.world = 1;
    if ((rc = hm_raster__new(&r, ctx, store, &world)) != HM_OK)
        return rc;
    r->pyramid = NULL; /* drawn from the index, whatever view is attached */
    r->pyramid_levels = 0;
    memset(&b, 0, sizeof(b));
    b.name = name;
    b.world = r;
    b.zmin = zmin;
    b.zmax = zmax;
    b.ctx = ctx;
    pthread_mutex_init(&b.lock, NULL);
    if ((rc = find_dirty(&b, ctx, store, old)) == HM_OK && (rc = list_jobs(&b, ctx)) == HM_OK)
        rc = draw(&b, store, ctx, threads);
    hm_store__drop_pages(store);
    for (i = 0; i < b.njobs; i++)
        hm_ctx__free(ctx, b.jobs[i].pixels);
    hm_ctx__free(ctx, b.jobs);
    hm_ctx__free(ctx, b.dirty);
    pthread_mutex_destroy(&b.lock);
    hm_raster_free(r);
    *drawn = rc == HM_OK;
    return rc;
}
