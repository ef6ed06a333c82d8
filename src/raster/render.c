/* SPDX-License-Identifier: MIT */
/*
 * Window rendering: all bands of a rectangle of a grid level's global pixel
 * grid (a block, or a block with a halo for the styled mode). The R-tree of
 * the index level the view names gives the pieces near the window; sorted,
 * they come grouped by activity, and pieces of activities the view does not
 * select are passed over (filters select at render time, the index is the
 * same for every filter). A piece's points are integer offsets from its
 * origin; they become grid-level pixels by one exact integer subtraction
 * and a power-of-two scale, so every zoom sees the same positions. Each
 * segment is rasterised with the exact supercover of
 * src/index/supercover_int.h (the pixels the levels of detail preserve) in
 * the level's GLOBAL pixel coordinates, clipped to the window: any two
 * windows draw exactly the same pixels where they overlap, so blocks meet
 * with no gap and no double count, and a window equals the pixels cut from
 * the blocks it straddles.
 *
 * An activity contributes once per pixel: pixels are stamped with the
 * current activity's sequence number, the pixels it touched are listed, and
 * per-pixel accumulators collect its segments (duration, length, HR) until
 * the activity ends, when they are folded into the window totals (count,
 * pace and HR sums, newest start). A caller may listen at that moment
 * (hm_render__window_acts): it hears the activity and the pixels it
 * touched, the very pixels whose count it is added to, which is how a
 * pixel's activities are listed by the count band's own test. Scratch is one
 * allocation per call; only the stamp and count arrays need clearing
 * (512 KiB for a block), the rest is initialised on first touch.
 *
 * Layers (hm_render__block_layers): one pass can draw the windows of
 * several selections at once, as the pyramid's views need (the default
 * view and each sport's). The segments are traversed once and each
 * activity's touched pixels are folded into the totals of every layer that
 * selects it. A layer folds its own activities in the same order and from
 * the same per-activity sums as a render of its selection alone, so its
 * pixels are that render's, bit for bit. A plain render is one layer.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "index/supercover_int.h"
#include "raster/grid_int.h"
#include "raster/render_int.h"

#define B HM_GRID_BLOCK

/* Windows farther out than this (level pixels) hold nothing: the index covers less. */
#define FAR_OUT 4294967296.0 /* 2^32 */

/* The per-pixel steps run hundreds of thousands of times per block: no calls there. */
#define HOT HM_SUPERCOVER_INLINE

/*
 * Block totals of one pixel (valid once its count is non-zero). Floats: the
 * bands are floats, and float sums keep the scratch small enough for L2.
 */
typedef struct px_total {
    float pace_sum;  /* s/km, sum over activities of their pace here */
    float hr_sum;    /* bpm, sum over activities of their mean HR here */
    float recency;   /* days since epoch, newest activity start here; NaN when none */
    uint32_t pace_n; /* activities with a pace here */
    uint32_t hr_n;   /* activities with a heart rate here */
} px_total;

/* The totals of one selection (a layer) over the window. */
typedef struct layer {
    uint32_t *count;         /* npix: activities so far */
    px_total *total;         /* npix: valid where count > 0 */
    uint32_t *used;          /* pixels with count > 0 */
    uint32_t nused;          /* entries in used */
} layer;

typedef struct render {
    int64_t bx0, by0;        /* window origin, level pixels */
    int64_t cx1, ry1;        /* end (exclusive) of the drawable part of the window */
    int64_t w;               /* window width, pixels (the buffers' row length) */
    double wx0, wy0;         /* bx0, by0 as doubles */
    double wx1, wy1;         /* cx1, ry1 as doubles */
    const hm_seg_attr *attr; /* attributes of the segment being drawn */
    uint32_t seq;            /* stamp of the current activity (1, 2, ...) */
    uint32_t *stamp;         /* npix: seq of the last activity that touched the pixel */
    uint32_t *slot;          /* npix: the pixel's entry in touched/acc (where stamp == seq) */
    uint32_t *touched;       /* pixels the current activity touched, in order */
    hm_seg_attr *acc;        /* the current activity's sums, one per touched entry */
    uint32_t ntouched;       /* entries in touched and acc */
    layer layers[HM_RENDER_MAX_LAYERS]; /* the first nlayers */
    int nlayers;
    int attrs;               /* 1 when a band wants the segments' attributes (pace, hr,
                                recency); 0: counts only, acc and total are not touched */
} render;

HOT void hit(render *r, int64_t col, int64_t row, const hm_seg_attr *a)
{
    uint32_t p = (uint32_t)((row - r->by0) * r->w + (col - r->bx0));

    if (!r->attrs) {
        if (r->stamp[p] != r->seq) {
            r->stamp[p] = r->seq;
            r->touched[r->ntouched++] = p;
        }
        return;
    }
    if (r->stamp[p] != r->seq) {
        uint32_t n = r->ntouched++;
        r->stamp[p] = r->seq;
        r->slot[p] = n;
        r->touched[n] = p;
        r->acc[n] = *a;
    } else {
        hm_seg_attr *s = &r->acc[r->slot[p]];
        s->dt += a->dt;
        s->len += a->len;
        s->hr_sum += a->hr_sum;
        s->hr_n += a->hr_n;
    }
}

/* Columns c0..c1 of one row (already within the window's rows), clipped to its columns. */
HOT void span(int64_t row, int64_t c0, int64_t c1, void *payload)
{
    render *r = payload;
    int64_t c;

    if (c0 < r->bx0)
        c0 = r->bx0;
    if (c1 > r->cx1 - 1)
        c1 = r->cx1 - 1;
    for (c = c0; c <= c1; c++)
        hit(r, c, row, r->attr);
}

static void draw_segment(render *r, double x0, double y0, double x1, double y1)
{
    if ((x0 < r->wx0 && x1 < r->wx0) || (x0 >= r->wx1 && x1 >= r->wx1) ||
        (y0 < r->wy0 && y1 < r->wy0) || (y0 >= r->wy1 && y1 >= r->wy1))
        return;
    hm_supercover__spans(x0, y0, x1, y1, r->by0, r->ry1 - 1, span, r);
}

/* Add the current activity once to every pixel it touched, in one layer. */
static void fold_into(render *r, layer *l, float start)
{
    uint32_t i;

    if (!r->attrs) {
        for (i = 0; i < r->ntouched; i++)
            if (l->count[r->touched[i]]++ == 0)
                l->used[l->nused++] = r->touched[i];
        return;
    }
    for (i = 0; i < r->ntouched; i++) {
        uint32_t p = r->touched[i];
        const hm_seg_attr *a = &r->acc[i];
        px_total *t = &l->total[p];

        if (l->count[p]++ == 0) {
            l->used[l->nused++] = p;
            t->pace_sum = 0.0f;
            t->hr_sum = 0.0f;
            t->recency = NAN;
            t->pace_n = 0;
            t->hr_n = 0;
        }
        if (a->len > 0.0f && a->dt > 0.0f) {
            t->pace_sum += a->dt / a->len * 1000.0f;
            t->pace_n++;
        }
        if (a->hr_n > 0.0f) {
            t->hr_sum += a->hr_sum / a->hr_n;
            t->hr_n++;
        }
        if (!isnan(start) && !(start <= t->recency))
            t->recency = start;
    }
}

/* The current activity is done: add it to the layers that select it (bit l of `layers`:
 * layer l), then start the next. */
static void fold(render *r, double start_days, uint32_t layers)
{
    float start = (float)start_days;
    int l;

    for (l = 0; layers; l++, layers >>= 1)
        if (layers & 1u)
            fold_into(r, &r->layers[l], start);
    r->ntouched = 0;
    r->seq++;
}

/* Activity `act` has drawn all it draws in the window: tell the caller (when one listens and
 * the activity touched the window), then fold it into the totals. */
static int end_activity(render *r, const hm_render_view *v, uint32_t act, uint32_t layers,
                        hm_render_act_fn fn, void *payload)
{
    int rc = HM_OK;

    if (fn && r->ntouched)
        rc = fn(act, r->touched, r->ntouched, payload);
    fold(r, v->act_days[act], layers);
    return rc;
}

const float hm_render__empty[HM_BAND_MAX] = {0.0f, 0.0f, NAN, NAN, NAN};

static void write_bands(const layer *r, size_t npix, float *const bands[HM_BAND_MAX])
{
    hm_log_cache logs;
    size_t b, i;

    hm_render__log_cache_init(&logs);
    for (b = 0; b < HM_BAND_MAX; b++) {
        if (!bands[b])
            continue;
        for (i = 0; i < npix; i++)
            bands[b][i] = hm_render__empty[b];
    }
    for (i = 0; i < r->nused; i++) {
        uint32_t p = r->used[i];
        const px_total *t = &r->total[p];
        double c = (double)r->count[p];

        if (bands[HM_BAND_COUNT])
            bands[HM_BAND_COUNT][p] = (float)c;
        if (bands[HM_BAND_LOG_COUNT])
            bands[HM_BAND_LOG_COUNT][p] = hm_render__log_count_cached(&logs, r->count[p]);
        if (bands[HM_BAND_PACE] && t->pace_n)
            bands[HM_BAND_PACE][p] = t->pace_sum / (float)t->pace_n;
        if (bands[HM_BAND_HR] && t->hr_n)
            bands[HM_BAND_HR][p] = t->hr_sum / (float)t->hr_n;
        if (bands[HM_BAND_RECENCY])
            bands[HM_BAND_RECENCY][p] = t->recency;
    }
}

/* A layer's non-empty pixels in pixel order, with the values write_bands() gives them;
 * seen: npix / 64 words of scratch. @return how many. */
static size_t layer_pixels(const layer *l, size_t npix, uint64_t *seen, hm_render_pixel *out)
{
    size_t i, n = 0, w;

    memset(seen, 0, (npix + 63) / 64 * sizeof(*seen));
    for (i = 0; i < l->nused; i++)
        seen[l->used[i] >> 6] |= (uint64_t)1 << (l->used[i] & 63);
    for (w = 0; w < (npix + 63) / 64; w++) {
        uint64_t bits = seen[w];
        while (bits) {
            uint32_t p = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
            const px_total *t = &l->total[p];
            hm_render_pixel *o = &out[n++];
            bits &= bits - 1;
            o->pos = p;
            o->count = (uint32_t)(float)(double)l->count[p]; /* as the count band holds it */
            o->pace = t->pace_n ? t->pace_sum / (float)t->pace_n : hm_render__empty[HM_BAND_PACE];
            o->hr = t->hr_n ? t->hr_sum / (float)t->hr_n : hm_render__empty[HM_BAND_HR];
            o->recency = t->recency;
        }
    }
    return n;
}

/* Where a render's layers go: bands (w * h floats, row major, per layer), or the non-empty
 * pixels of each layer (pixels[l], w * h entries of room; their number in npixels[l]). */
typedef struct output {
    float *const *const *bands;
    hm_render_pixel *const *pixels;
    size_t *npixels;
} output;

/*
 * Render the w x h window at (x0, y0) of `level`, drawing only pixels before (x1, y1); the
 * others, and all pixels of an empty window, are empty pixels. Layer l draws the
 * activities whose act_layers entry has bit l (act_layers NULL: one layer, the view's
 * selection). fn (may be NULL) hears each activity drawn there.
 */
static int render_window(hm_ctx *ctx, const hm_render_view *v, int64_t x0, int64_t y0, int w,
                         int h, int64_t x1, int64_t y1, const uint32_t *act_layers, int nlayers,
                         const output *out, hm_render_act_fn fn, void *payload)
{
    const hm_level *lv = &v->index->levels[v->level];
    size_t npix = (size_t)w * (size_t)h; /* at most HM_RENDER_MAX_WINDOW^2: no overflow */
    size_t bytes = npix * (sizeof(hm_seg_attr) + 3 * sizeof(uint32_t) +
                           (size_t)nlayers * (sizeof(px_total) + 2 * sizeof(uint32_t))) +
                   (npix + 63) / 64 * sizeof(uint64_t);
    const double scale = ldexp(1.0, -v->exp);
    unsigned char *mem;
    uint64_t *seen;
    hm_seg_attr a;
    uint32_t *ids = NULL, act = UINT32_MAX, layers = 0;
    size_t nids = 0, cap = 0, i;
    double box[4];
    render r;
    int rc, l;

    memset(&r, 0, sizeof(r));
    r.bx0 = x0;
    r.by0 = y0;
    r.cx1 = x1;
    r.ry1 = y1;
    r.w = w;
    r.wx0 = (double)r.bx0;
    r.wy0 = (double)r.by0;
    r.wx1 = (double)r.cx1;
    r.wy1 = (double)r.ry1;
    r.nlayers = nlayers;
    for (l = 0; l < nlayers; l++)
        r.attrs |= !out->bands || out->bands[l][HM_BAND_PACE] || out->bands[l][HM_BAND_HR] ||
                   out->bands[l][HM_BAND_RECENCY];

    mem = hm_ctx__malloc(ctx, bytes);
    if (!mem)
        return HM_RAISE_NOMEM(ctx);
    /* The pixel bitmap first (8-byte aligned), then members 4-byte aligned; stamp and the
     * counts are cleared in one go. */
    seen = (uint64_t *)mem;
    r.acc = (hm_seg_attr *)(seen + (npix + 63) / 64);
    r.touched = (uint32_t *)(r.acc + npix);
    r.slot = r.touched + npix;
    r.stamp = r.slot + npix;
    for (l = 0; l < nlayers; l++)
        r.layers[l].count = r.stamp + (size_t)(l + 1) * npix;
    for (l = 0; l < nlayers; l++)
        r.layers[l].used = r.stamp + (size_t)(nlayers + 1 + l) * npix;
    for (l = 0; l < nlayers; l++)
        r.layers[l].total = (px_total *)(r.stamp + (size_t)(2 * nlayers + 1) * npix) +
                            (size_t)l * npix;
    memset(r.stamp, 0, (size_t)(nlayers + 1) * npix * sizeof(uint32_t));
    r.seq = 1;
    memset(&a, 0, sizeof(a)); /* the segment's attributes, read only when wanted */
    r.attr = &a;

    rc = HM_OK;
    if (r.cx1 > r.bx0 && r.ry1 > r.by0) {
        hm_render__units_box(v, r.wx0, r.wy0, r.wx1, r.wy1, box);
        rc = hm_index__query(v->index, ctx, v->level, box, &ids, &nids, &cap);
    }
    if (rc == HM_OK) {
        for (i = 0; i < nids; i++) {
            const hm_piece *pc = &lv->pieces[ids[i]];
            const int32_t *pt = lv->points + 2 * (size_t)pc->first;
            /* Exact: both are integers of at most 2^53 units apart. */
            const int64_t dx = pc->ox - v->ox, dy = pc->oy - v->oy;
            double px, py;
            uint32_t s;

            if (pc->act != act) {
                uint32_t next = act_layers ? act_layers[pc->act]
                                           : (uint32_t)hm_index__selected(v->selected, pc->act);
                if (!next)
                    continue; /* not drawn: the activity in progress goes on */
                if (act != UINT32_MAX &&
                    (rc = end_activity(&r, v, act, layers, fn, payload)) != HM_OK)
                    break;
                act = pc->act;
                layers = next;
            }
            px = (double)(dx + pt[0]) * scale;
            py = (double)(dy + pt[1]) * scale;
            for (s = 0; s < pc->nseg; s++) {
                double qx = (double)(dx + pt[2 * s + 2]) * scale;
                double qy = (double)(dy + pt[2 * s + 3]) * scale;
                if (r.attrs)
                    a = hm_level__attr(lv, (size_t)pc->first + s);
                draw_segment(&r, px, py, qx, qy);
                px = qx;
                py = qy;
            }
        }
        if (rc == HM_OK && act != UINT32_MAX)
            rc = end_activity(&r, v, act, layers, fn, payload);
        for (l = 0; l < nlayers && rc == HM_OK; l++) {
            if (out->bands)
                write_bands(&r.layers[l], npix, out->bands[l]);
            else
                out->npixels[l] = layer_pixels(&r.layers[l], npix, seen, out->pixels[l]);
        }
    }
    hm_ctx__free(ctx, ids);
    hm_ctx__free(ctx, mem);
    return rc;
}

void hm_render__units_box(const hm_render_view *v, double x0, double y0, double x1, double y1,
                          double out[4])
{
    const double u = ldexp(1.0, v->exp);

    out[0] = (double)v->ox + x0 * u;
    out[1] = (double)v->oy + y0 * u;
    out[2] = (double)v->ox + x1 * u;
    out[3] = (double)v->oy + y1 * u;
}

int hm_render__window_acts(hm_ctx *ctx, const hm_render_view *v, int64_t x0, int64_t y0, int w,
                           int h, float *const bands[HM_BAND_MAX], hm_render_act_fn fn,
                           void *payload)
{
    assert(v->level >= 0 && v->level < v->index->nlevels);
    assert(w >= 1 && w <= HM_RENDER_MAX_WINDOW && h >= 1 && h <= HM_RENDER_MAX_WINDOW);
    if (w < 1 || w > HM_RENDER_MAX_WINDOW || h < 1 || h > HM_RENDER_MAX_WINDOW)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "window of %d x %d pixels", w, h);
    /* No data that far out; this also keeps x0 + w and the query box exact. */
    output out = {&bands, NULL, NULL};

    if (fabs((double)x0) > FAR_OUT || fabs((double)y0) > FAR_OUT)
        return render_window(ctx, v, 0, 0, w, h, 0, 0, NULL, 1, &out, fn, payload);
    return render_window(ctx, v, x0, y0, w, h, x0 + w, y0 + h, NULL, 1, &out, fn, payload);
}

int hm_render__window(hm_ctx *ctx, const hm_render_view *v, int64_t x0, int64_t y0, int w,
                      int h, float *const bands[HM_BAND_MAX])
{
    return hm_render__window_acts(ctx, v, x0, y0, w, h, bands, NULL, NULL);
}

int hm_render__block(hm_ctx *ctx, const hm_render_view *v, int level_w, int level_h, int block_x,
                     int block_y, float *const bands[HM_BAND_MAX])
{
    int64_t x0 = (int64_t)block_x * B, y0 = (int64_t)block_y * B;
    output out = {&bands, NULL, NULL};

    assert(v->level >= 0 && v->level < v->index->nlevels);
    return render_window(ctx, v, x0, y0, B, B, x0 + B < level_w ? x0 + B : level_w,
                         y0 + B < level_h ? y0 + B : level_h, NULL, 1, &out, NULL, NULL);
}

int hm_render__block_layers(hm_ctx *ctx, const hm_render_view *v, int level_w, int level_h,
                            int block_x, int block_y, const uint32_t *act_layers, int nlayers,
                            hm_render_pixel *const pixels[], size_t npixels[])
{
    int64_t x0 = (int64_t)block_x * B, y0 = (int64_t)block_y * B;
    output out = {NULL, pixels, npixels};

    assert(v->level >= 0 && v->level < v->index->nlevels);
    assert(nlayers >= 1 && nlayers <= HM_RENDER_MAX_LAYERS);
    return render_window(ctx, v, x0, y0, B, B, x0 + B < level_w ? x0 + B : level_w,
                         y0 + B < level_h ? y0 + B : level_h, act_layers, nlayers, &out, NULL,
                         NULL);
}
