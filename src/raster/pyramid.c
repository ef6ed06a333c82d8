/* SPDX-License-Identifier: MIT */
/*
 * The pyramids: the store's views rendered once, so that their blocks cost
 * a copy of their pixels however many activities cross them (a dense city
 * block at a coarse level folds millions of activity-pixels; see
 * bench/blocks.sh).
 *
 * What one holds. The raster an open without filter options makes (its
 * selection: virtual activities and duplicates left out), or with SPORT=<one
 * sport> for a sport's view, is drawn on the
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

/*
 * All views are drawn together. Each view has its world raster and its tiles (the covered
 * blocks of its levels); a tile that several views list is rendered once for them all
 * (hm_render__block_layers, each view a layer, at most HM_RENDER_MAX_LAYERS views to a
 * pass), and each view's file takes its own tiles in its own order. Every view's pixels
 * are those of a render of its selection alone.
 */

/* One view being drawn. */
typedef struct view_build {
    const char *name;         /* the view's (borrowed) */
    hm_raster *world;         /* owned: the view's selection on the world's grid */
    int zmin, zmax;           /* the zooms drawn */
    const hm_pyramid *old;    /* the same view of the store this one was updated from, or NULL */
    int64_t *dirty;           /* boxes (units, 4 each) where the old one's tiles changed */
    size_t ndirty;
    hm_pyramid_writer *out;   /* the file, written in job order */
    size_t *jobs;             /* its tiles: indices of the builder's jobs, in file order */
    size_t njobs, jobs_cap;
    size_t written;           /* of its jobs, written (all before it are) */
    size_t kept;              /* tiles written that were copied from the old pyramid */
    int rc;                   /* HM_OK, or why the view is not drawn */
} view_build;

/* A tile some views list, rendered once for them. */
typedef struct tile_job {
    int z;                    /* zoom */
    int bx, by;               /* the XYZ tile: a block of the views' level zmax - z */
    size_t pass;              /* the views it is rendered for: pass * HM_RENDER_MAX_LAYERS on */
    uint32_t views;           /* bit l: view pass * HM_RENDER_MAX_LAYERS + l lists it */
    const hm_render_view *rv; /* how it is drawn (the first listing view's level) */
    hm_pyramid_pixel *pixels[HM_RENDER_MAX_LAYERS]; /* each view's non-empty pixels (a
                                                        worker's ctx: same allocator) */
    size_t npix[HM_RENDER_MAX_LAYERS];
    uint32_t kept;            /* bit l: copied from view l's old pyramid, not rendered */
    int finished;             /* 1: drawn (or copied), waiting to be written */
} tile_job;

typedef struct worker worker;

/* The covered blocks of one view's level. */
typedef struct level_blocks {
    size_t view;
    int level;                /* of the view's world raster */
    int *pairs;               /* bx, by (hm_raster_query_blocks) */
    size_t n;
} level_blocks;

typedef struct builder {
    view_build *views;        /* borrowed */
    size_t nviews;
    uint32_t **act_layers;    /* per pass, per activity: bit l, view pass * MAX + l draws it */
    hm_ctx *ctx;              /* the builder's (frees the jobs' pixels) */
    tile_job *jobs;
    size_t njobs;
    pthread_mutex_t lock;     /* guards done, the views' written and kept, the jobs'
                                 finished, and rc */
    size_t done;              /* jobs finished */
    int rc;                   /* the first failure */
    level_blocks *lists;      /* while listing the jobs */
    worker *workers;          /* the pool's, while it runs */
} builder;

struct worker {
    builder *b;
    hm_ctx *ctx;              /* the worker's own (errors) */
    hm_render_pixel *buf;     /* a tile's pixels per layer */
};

/* 1 when the old pyramid's tile is this one's: none of the boxes where what is drawn
 * changed comes near it (a tile's margin of one tile around each box). */
static int unchanged(const view_build *v, int z, int64_t tx, int64_t ty)
{
    int shift = HM_WEB_UNIT_BITS - z; /* log2 units per tile */
    size_t i;

    for (i = 0; i < v->ndirty; i++) {
        const int64_t *d = v->dirty + 4 * i;
        if (tx >= (d[0] >> shift) - 1 && tx <= (d[2] >> shift) + 1 &&
            ty >= (d[1] >> shift) - 1 && ty <= (d[3] >> shift) + 1)
            return 0;
    }
    return 1;
}

/* Copy view l's tile from its old pyramid when nothing there changed: 1 done (pixels or
 * none), 0 to render (changed, no old pyramid, or a damaged tile). */
static int copy_old(worker *w, tile_job *j, int l, const view_build *v)
{
    const hm_pyramid_pixel *px;
    size_t n;
    int found;

    if (!v->old || !unchanged(v, j->z, j->bx, j->by))
        return 0;
    found = hm_store__pyramid_tile(v->old, j->z, j->bx, j->by, &px, &n);
    if (found < 0)
        return 0; /* damaged: rendered */
    if (found == 1) {
        if (!(j->pixels[l] = hm_ctx__reallocarray(w->ctx, NULL, n, sizeof(*px))))
            return -1;
        memcpy(j->pixels[l], px, n * sizeof(*px));
        j->npix[l] = n;
        j->kept |= 1u << l;
    }
    return 1;
}

/* Keep one layer's non-empty pixels. */
static int keep_pixels(worker *w, tile_job *j, int l, const hm_render_pixel *px, size_t n)
{
    size_t i;

    if (n == 0)
        return HM_OK; /* the index's boxes touch it, no segment does */
    if (!(j->pixels[l] = hm_ctx__reallocarray(w->ctx, NULL, n, sizeof(*j->pixels[l]))))
        return HM_RAISE_NOMEM(w->ctx);
    for (i = 0; i < n; i++) {
        hm_pyramid_pixel *o = &j->pixels[l][i];
        memset(o, 0, sizeof(*o));
        o->pos = px[i].pos;
        o->count = px[i].count;
        o->pace = px[i].pace;
        o->hr = px[i].hr;
        o->recency = px[i].recency;
    }
    j->npix[l] = n;
    return HM_OK;
}

/* Render one tile for the views that list it, or copy it from a view's old pyramid where
 * nothing there changed, and keep each view's non-empty pixels. */
static int render_tile(worker *w, tile_job *j)
{
    const builder *b = w->b;
    const view_build *first = &b->views[j->pass * HM_RENDER_MAX_LAYERS];
    int nlayers = (int)(b->nviews - j->pass * HM_RENDER_MAX_LAYERS), l, rc, width, height;
    hm_render_pixel *pixels[HM_RENDER_MAX_LAYERS];
    size_t npixels[HM_RENDER_MAX_LAYERS];
    uint32_t to_render = 0;

    if (nlayers > HM_RENDER_MAX_LAYERS)
        nlayers = HM_RENDER_MAX_LAYERS;
    for (l = 0; l < nlayers; l++) {
        int copied;
        if (!(j->views >> l & 1u))
            continue;
        if ((copied = copy_old(w, j, l, &first[l])) < 0)
            return HM_RAISE_NOMEM(w->ctx);
        if (!copied)
            to_render |= 1u << l;
    }
    if (!to_render)
        return HM_OK;
    for (l = 0; l < nlayers; l++)
        pixels[l] = w->buf + (size_t)l * TILE * TILE;
    /* Whole tiles: a world level is 2^z tiles wide. */
    width = height = TILE << j->z;
    if ((rc = hm_render__block_layers(w->ctx, j->rv, width, height, j->bx, j->by,
                                      b->act_layers[j->pass], nlayers, pixels, npixels)) != HM_OK)
        return rc;
    for (l = 0; l < nlayers && rc == HM_OK; l++)
        if (to_render >> l & 1u)
            rc = keep_pixels(w, j, l, pixels[l], npixels[l]);
    return rc;
}

/* Write view v's tiles that are ready, in its order (under the lock). */
static int write_ready(builder *b, view_build *v, size_t vi)
{
    int l = (int)(vi % HM_RENDER_MAX_LAYERS), rc = HM_OK;

    while (rc == HM_OK && v->written < v->njobs && b->jobs[v->jobs[v->written]].finished) {
        tile_job *j = &b->jobs[v->jobs[v->written++]];
        rc = hm_store__pyramid_add(v->out, j->z, j->bx, j->by, j->pixels[l], j->npix[l]);
        v->kept += (j->kept >> l & 1u) && j->npix[l];
        hm_ctx__free(b->ctx, j->pixels[l]);
        j->pixels[l] = NULL;
    }
    return rc;
}

/* Pool job: draw tile k on worker w, then write what is ready. */
static int draw_job(size_t k, size_t w, void *payload)
{
    builder *b = payload;
    tile_job *j = &b->jobs[k];
    int rc = render_tile(&b->workers[w], j), drop;
    size_t l, first = j->pass * HM_RENDER_MAX_LAYERS;

    pthread_mutex_lock(&b->lock);
    j->finished = 1;
    /* Each file takes tiles in its job order: write what is ready, so that only the tiles
     * being drawn (about one per thread) wait in memory. */
    for (l = 0; l < HM_RENDER_MAX_LAYERS && rc == HM_OK && b->rc == HM_OK; l++)
        if (j->views >> l & 1u)
            rc = write_ready(b, &b->views[first + l], first + l);
    if (rc != HM_OK && b->rc == HM_OK)
        b->rc = rc;
    drop = ++b->done % DROP_EVERY == 0;
    pthread_mutex_unlock(&b->lock);
    /* Every tile reads pages from all over its index level (pieces are stored activity
     * after activity): let them go now and then, or the whole store would be resident
     * by the end. They stay in the page cache; a tile that needs one again maps it. */
    if (drop)
        hm_store__drop_pages(b->views[0].world->store);
    return rc;
}

/* A tile of one view, before the views' tiles are merged. */
typedef struct listed {
    int z, bx, by;
    size_t view;
    const hm_render_view *rv;
} listed;

/* Zoom, then rows, then columns (the files' order), then the pass; the same tile drawn
 * another way (another index level) stays apart. */
static int cmp_listed(const void *pa, const void *pb)
{
    const listed *a = pa, *b = pb;
    size_t pass_a = a->view / HM_RENDER_MAX_LAYERS, pass_b = b->view / HM_RENDER_MAX_LAYERS;

    if (a->z != b->z)
        return a->z < b->z ? -1 : 1;
    if (a->by != b->by)
        return a->by < b->by ? -1 : 1;
    if (a->bx != b->bx)
        return a->bx < b->bx ? -1 : 1;
    if (pass_a != pass_b)
        return pass_a < pass_b ? -1 : 1;
    if (a->rv->level != b->rv->level)
        return a->rv->level < b->rv->level ? -1 : 1;
    return a->view < b->view ? -1 : a->view > b->view;
}

/* 1 when two views draw a zoom's tiles alike (same index level, same pixels). */
static int drawn_alike(const hm_render_view *a, const hm_render_view *b)
{
    return a->index == b->index && a->level == b->level && a->exp == b->exp && a->ox == b->ox &&
           a->oy == b->oy;
}

/* Run jobs 0 .. njobs - 1 of fn on the pool, each worker with its context and buffer. */
static int run_jobs(builder *b, hm_ctx *ctx, int threads, size_t njobs, hm_pool_job_fn fn)
{
    worker ws[HM_POOL_MAX_THREADS];
    size_t n = hm_pool__threads(threads, njobs), i, failed;
    size_t layers = b->nviews < HM_RENDER_MAX_LAYERS ? b->nviews : HM_RENDER_MAX_LAYERS;
    int rc = HM_OK;

    memset(ws, 0, sizeof(ws));
    for (i = 0; i < n && rc == HM_OK; i++) {
        ws[i].b = b;
        if (hm_ctx__new_child(&ws[i].ctx, ctx) != HM_OK ||
            !(ws[i].buf = hm_ctx__reallocarray(ctx, NULL, layers * TILE * TILE,
                                               sizeof(*ws[i].buf))))
            rc = HM_RAISE_NOMEM(ctx);
    }
    b->workers = ws;
    if (rc == HM_OK && (rc = hm_pool__run(n, njobs, fn, b, &failed)) != HM_OK &&
        hm_ctx_last_error(ws[failed].ctx) && !hm_ctx_last_error(ctx))
        hm_ctx__copy_error(ctx, ws[failed].ctx);
    b->workers = NULL;
    for (i = 0; i < n; i++) {
        hm_ctx__free(ctx, ws[i].buf);
        hm_ctx_free(ws[i].ctx);
    }
    return rc;
}

/* Pool job: the covered blocks of one view's level (builder.lists[k]). */
static int list_job(size_t k, size_t w, void *payload)
{
    builder *b = payload;
    level_blocks *l = &b->lists[k];

    return hm_raster_query_blocks(&l->pairs, &l->n, b->views[l->view].world, b->workers[w].ctx,
                                  l->level);
}

/* The jobs: every covered block of each view's levels (zooms zmin .. zmax, each listed on
 * the pool), one job for the views of a pass that list it and draw it alike, zmin first,
 * in (ty, tx) order. */
static int list_jobs(builder *b, hm_ctx *ctx, int threads)
{
    listed *all = NULL;
    size_t nall = 0, cap = 0, nlists = 0, vi, i, m, jcap = 0;
    int rc = HM_OK;

    for (vi = 0; vi < b->nviews; vi++)
        nlists += (size_t)(b->views[vi].zmax - b->views[vi].zmin + 1);
    if (!(b->lists = hm_ctx__calloc(ctx, nlists, sizeof(*b->lists))))
        return HM_RAISE_NOMEM(ctx);
    for (vi = 0, m = 0; vi < b->nviews; vi++) {
        int k;
        for (k = b->views[vi].zmax - b->views[vi].zmin; k >= 0; k--, m++) {
            b->lists[m].view = vi;
            b->lists[m].level = k;
        }
    }
    rc = run_jobs(b, ctx, threads, nlists, list_job);
    for (m = 0; m < nlists && rc == HM_OK; m++) {
        const level_blocks *l = &b->lists[m];
        view_build *v = &b->views[l->view];
        if ((rc = hm_ctx__grow(ctx, (void **)&all, &cap, nall + l->n, sizeof(*all))) != HM_OK)
            break;
        for (i = 0; i < l->n; i++) {
            listed *t = &all[nall++];
            t->z = v->zmax - l->level;
            t->bx = l->pairs[2 * i];
            t->by = l->pairs[2 * i + 1];
            t->view = l->view;
            t->rv = &v->world->views[l->level];
        }
    }
    for (m = 0; m < nlists; m++)
        hm_ctx__free(ctx, b->lists[m].pairs);
    hm_ctx__free(ctx, b->lists);
    b->lists = NULL;
    if (rc == HM_OK && nall)
        qsort(all, nall, sizeof(*all), cmp_listed);
    for (i = 0; i < nall && rc == HM_OK; i++) {
        const listed *t = &all[i];
        tile_job *j = b->njobs ? &b->jobs[b->njobs - 1] : NULL;
        view_build *v = &b->views[t->view];

        if (!j || j->z != t->z || j->bx != t->bx || j->by != t->by ||
            j->pass != t->view / HM_RENDER_MAX_LAYERS || !drawn_alike(j->rv, t->rv)) {
            if ((rc = hm_ctx__grow(ctx, (void **)&b->jobs, &jcap, b->njobs + 1,
                                   sizeof(*b->jobs))) != HM_OK)
                break;
            j = &b->jobs[b->njobs++];
            memset(j, 0, sizeof(*j));
            j->z = t->z;
            j->bx = t->bx;
            j->by = t->by;
            j->pass = t->view / HM_RENDER_MAX_LAYERS;
            j->rv = t->rv;
        }
        j->views |= 1u << (t->view % HM_RENDER_MAX_LAYERS);
        if ((rc = hm_ctx__grow(ctx, (void **)&v->jobs, &v->jobs_cap, v->njobs + 1,
                               sizeof(*v->jobs))) == HM_OK)
            v->jobs[v->njobs++] = b->njobs - 1;
    }
    hm_ctx__free(ctx, all);
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

/* Room for each pass's act_layers (filled in by draw() from the views' selections). */
static int make_layers(builder *b, hm_ctx *ctx)
{
    size_t npasses = (b->nviews + HM_RENDER_MAX_LAYERS - 1) / HM_RENDER_MAX_LAYERS, p;
    uint32_t nacts = b->views[0].world->store->meta->nacts;

    if (!(b->act_layers = hm_ctx__calloc(ctx, npasses, sizeof(*b->act_layers))))
        return HM_RAISE_NOMEM(ctx);
    for (p = 0; p < npasses; p++)
        if (!(b->act_layers[p] = hm_ctx__calloc(ctx, (size_t)nacts + 1, sizeof(uint32_t))))
            return HM_RAISE_NOMEM(ctx);
    return HM_OK;
}

/* Open each view's file, draw the jobs into them and put each in place. A view's
 * selection goes both to its file and to its layer's bits. */
static int draw(builder *b, hm_store *store, hm_ctx *ctx, int threads)
{
    uint32_t nacts = store->meta->nacts, i;
    size_t vi;
    int rc = make_layers(b, ctx);

    for (vi = 0; vi < b->nviews && rc == HM_OK; vi++) {
        uint64_t *selection = selection_of(b->views[vi].world, ctx);
        uint32_t *layers = b->act_layers[vi / HM_RENDER_MAX_LAYERS];
        if (!selection) {
            rc = HM_RAISE_NOMEM(ctx);
            break;
        }
        for (i = 0; i < nacts; i++)
            if (hm_index__selected(selection, i))
                layers[i] |= 1u << (vi % HM_RENDER_MAX_LAYERS);
        rc = hm_store__pyramid_begin(&b->views[vi].out, store, ctx, b->views[vi].name,
                                     selection);
        hm_ctx__free(ctx, selection);
    }
    if (rc == HM_OK)
        rc = run_jobs(b, ctx, threads, b->njobs, draw_job);
    for (vi = 0; vi < b->nviews; vi++) {
        view_build *v = &b->views[vi];
        int index_level[HM_PYRAMID_MAX_ZOOM + 1], z;
        const hm_pyramid *p;

        if (rc != HM_OK) {
            hm_store__pyramid_abort(v->out);
            v->out = NULL;
            continue;
        }
        for (z = 0; z <= v->zmax; z++)
            index_level[z] = z < v->zmin ? -1 : v->world->views[v->zmax - z].level;
        v->rc = hm_store__pyramid_finish(v->out, v->zmin, v->zmax, index_level);
        v->out = NULL;
        if (v->rc == HM_OK && (p = hm_store__pyramid_find(store, v->name)) != NULL)
            hm_ctx__log(ctx, HM_LOG_DEBUG,
                        "pyramid of %s, view '%s': zooms %d-%d, %zu tiles (%zu kept from the "
                        "old one), %zu pixels", store->path, v->name, v->zmin, v->zmax,
                        (size_t)p->header->ntiles, v->kept, (size_t)p->header->npixels);
    }
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

static void add_dirty(view_build *v, const int64_t box[4])
{
    memcpy(v->dirty + 4 * v->ndirty++, box, 4 * sizeof(int64_t));
}

/*
 * Where the old pyramid's tiles no longer hold: the boxes of activities drawn in one and
 * not the other, or drawn in both from other data (another file, another start). Tiles
 * elsewhere hold the same activities in the same order (a store lists activities file
 * after file, in path order), each drawn from the same stored pieces, so their pixels
 * are the same bits. Without an old pyramid of the same zooms, there is nothing to keep.
 */
static int find_dirty(view_build *v, hm_ctx *ctx, const hm_store *s, const hm_store *old)
{
    const hm_pyramid *op = old ? hm_store__pyramid_find(old, v->name) : NULL;
    uint8_t *seen;
    size_t i;
    int z;

    if (!op || op->header->zmax != v->zmax || op->header->zmin != v->zmin)
        return HM_OK;
    for (z = v->zmin; z <= v->zmax; z++)
        if (op->header->index_level[z] != v->world->views[v->zmax - z].level)
            return HM_OK;
    v->dirty = hm_ctx__reallocarray(ctx, NULL, (size_t)s->meta->nacts + old->meta->nacts + 1,
                                    4 * sizeof(int64_t));
    seen = hm_ctx__calloc(ctx, (size_t)old->meta->nacts + 1, 1);
    if (!v->dirty || !seen) {
        hm_ctx__free(ctx, seen);
        return HM_RAISE_NOMEM(ctx);
    }
    for (i = 0; i < s->meta->nacts; i++) {
        int64_t o = old_act(s, old, i);
        int now = drawn(v->world, (uint32_t)i);
        int before = o >= 0 && hm_index__selected(op->selection, (uint32_t)o);
        int same = o >= 0 && memcmp(&old->act_days[o], &s->act_days[i], sizeof(double)) == 0;

        if (o >= 0)
            seen[o] = 1;
        if (now == before && (!now || same))
            continue; /* drawn in neither, or in both from the same data */
        if (now)
            add_dirty(v, s->acts[i].bbox);
        if (before)
            add_dirty(v, old->acts[o].bbox);
    }
    for (i = 0; i < old->meta->nacts; i++)
        if (!seen[i] && hm_index__selected(op->selection, (uint32_t)i))
            add_dirty(v, old->acts[i].bbox);
    hm_ctx__free(ctx, seen);
    v->old = op;
    return HM_OK;
}

/* 1 when two rasters of a store draw the same activities. */
static int same_drawn(const hm_raster *a, const hm_raster *b)
{
    uint32_t i;

    for (i = 0; i < a->store->meta->nacts; i++)
        if (drawn(a, i) != drawn(b, i))
            return 0;
    return 1;
}

/*
 * Set up view `name`: its zooms (the zoom its automatic grid chooses, and all coarser
 * down to where it fits in about a tile), its world raster and what of the old pyramid
 * holds. *skip = 1 (nothing else done) when it draws what a pyramid of the store or an
 * earlier view (earlier[0 .. nearlier - 1]) does: a folder of one sport, say.
 */
static int view_setup(view_build *v, int *skip, hm_store *store, hm_ctx *ctx,
                      const hm_raster_request *req, const hm_store *old,
                      const view_build *earlier, size_t nearlier)
{
    hm_raster_request world = *req;
    hm_raster *view = NULL;
    size_t i;
    int rc, same = 0;

    *skip = 0;
    if ((rc = hm_raster__new(&view, ctx, store, req)) != HM_OK)
        return rc;
    v->zmax = view->grid.zoom;
    v->zmin = v->zmax - (view->grid.level_count - 1);
    for (i = 0; i < store->npyramids && !same; i++)
        same = strcmp(store->pyramids[i]->name, v->name) != 0 &&
               same_selection(view, store->pyramids[i]);
    for (i = 0; i < nearlier && !same; i++)
        same = same_drawn(view, earlier[i].world);
    hm_raster_free(view);
    if (same || v->zmin < 0 || v->zmax > HM_PYRAMID_MAX_ZOOM) {
        *skip = 1;
        return HM_OK;
    }
    world.zoom = v->zmax;
    world.has_bounds = 0;
    world.world = 1;
    if ((rc = hm_raster__new(&v->world, ctx, store, &world)) != HM_OK)
        return rc;
    v->world->pyramid = NULL; /* drawn from the index, whatever view is attached */
    v->world->pyramid_levels = 0;
    return find_dirty(v, ctx, store, old);
}

/* Why view `name` has no pyramid, in the log; a sport without activities has nothing to
 * draw, not worth a word. */
static void say_not_drawn(hm_ctx *ctx, const hm_store *store, const char *name, int rc)
{
    const hm_error *e = hm_ctx_last_error(ctx);

    if (!name[0] || rc != HM_EINVAL)
        hm_ctx__log(ctx, rc == HM_EIO ? HM_LOG_WARNING : HM_LOG_DEBUG,
                    "%s: no pyramid%s%s (%s); its blocks are rendered from the tracks",
                    store->path, name[0] ? " for SPORT=" : "", name,
                    e ? e->message : hm_strerror(rc));
    hm_ctx_clear_error(ctx);
}

int hm_raster__pyramid_build(hm_store *store, hm_ctx *ctx, const hm_raster_request *reqs,
                             const char *const *names, size_t n, const hm_store *old,
                             int threads, size_t *drawn_views)
{
    view_build *views;
    builder b;
    size_t i, nviews = 0;
    int rc = HM_OK;

    *drawn_views = 0;
    if (!store->path || n == 0)
        return HM_OK; /* nothing to keep it beside */
    if (!(views = hm_ctx__calloc(ctx, n, sizeof(*views))))
        return HM_RAISE_NOMEM(ctx);
    for (i = 0; i < n && rc != HM_ENOMEM; i++) {
        view_build *v = &views[nviews];
        int skip;

        v->name = names[i];
        rc = view_setup(v, &skip, store, ctx, &reqs[i], old, views, nviews);
        if (rc == HM_OK && !skip) {
            nviews++;
            continue;
        }
        hm_raster_free(v->world);
        hm_ctx__free(ctx, v->dirty);
        memset(v, 0, sizeof(*v));
        if (rc != HM_OK && rc != HM_ENOMEM) {
            say_not_drawn(ctx, store, names[i], rc);
            if (!names[i][0])
                break; /* no default view: no other either */
            rc = HM_OK;
        }
    }
    memset(&b, 0, sizeof(b));
    b.views = views;
    b.nviews = nviews;
    b.ctx = ctx;
    pthread_mutex_init(&b.lock, NULL);
    if (rc == HM_OK && nviews) {
        if ((rc = list_jobs(&b, ctx, threads)) == HM_OK)
            rc = draw(&b, store, ctx, threads);
        hm_store__drop_pages(store);
        for (i = 0; i < nviews && rc == HM_OK; i++) {
            if (views[i].rc == HM_OK)
                ++*drawn_views;
            else
                say_not_drawn(ctx, store, views[i].name, views[i].rc);
        }
        if (rc != HM_OK && rc != HM_ENOMEM) {
            say_not_drawn(ctx, store, "", rc); /* none drawn */
            rc = HM_OK;
        }
    }
    for (i = 0; i < b.njobs; i++) {
        int l;
        for (l = 0; l < HM_RENDER_MAX_LAYERS; l++)
            hm_ctx__free(ctx, b.jobs[i].pixels[l]);
    }
    for (i = 0; b.act_layers && i < (nviews + HM_RENDER_MAX_LAYERS - 1) / HM_RENDER_MAX_LAYERS;
         i++)
        hm_ctx__free(ctx, b.act_layers[i]);
    hm_ctx__free(ctx, b.act_layers);
    hm_ctx__free(ctx, b.jobs);
    pthread_mutex_destroy(&b.lock);
    for (i = 0; i < n; i++) {
        hm_ctx__free(ctx, views[i].jobs);
        hm_ctx__free(ctx, views[i].dirty);
        hm_raster_free(views[i].world);
    }
    hm_ctx__free(ctx, views);
    return rc;
}
