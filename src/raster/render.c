/* SPDX-License-Identifier: MIT */
/*
 * Block rendering. The R-tree gives the pieces near the block; sorted, they
 * come grouped by activity. Each segment is rasterised as an exact
 * supercover in the level's GLOBAL pixel coordinates: a pixel is the
 * half-open square [i, i+1) x [j, j+1), and it is drawn when some point of
 * the segment lies in it. Row by row, the segment's x range within the row
 * band comes from one formula of the segment alone (x at the row's edges),
 * so two blocks draw exactly the same pixels along their seam and each
 * keeps its own side of it: no gap, no double count, whatever the block.
 * Row ranges of consecutive rows share their edge x, so the line is
 * connected; collinear sub-segments cover the same pixels as the whole.
 *
 * An activity contributes once per pixel: pixels are stamped with the
 * current activity's sequence number, the pixels it touched are listed, and
 * per-pixel accumulators collect its segments (duration, length, HR) until
 * the activity ends, when they are folded into the block totals (count,
 * pace and HR sums, newest start). Scratch is one allocation per call; only
 * the stamp and count arrays need clearing (512 KiB), the rest is
 * initialised on first touch.
 */
#include <math.h>
#include <string.h>

#include "raster/grid_int.h"
#include "raster/render_int.h"

#define B HM_GRID_BLOCK
#define NPIX (B * B)

/* The per-pixel steps run hundreds of thousands of times per block: no calls there. */
#if defined(__GNUC__)
#define HOT static inline __attribute__((always_inline))
#else
#define HOT static inline
#endif

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

typedef struct render {
    int64_t bx0, by0;  /* block origin, level pixels */
    int64_t cx1, ry1;  /* end (exclusive) of the drawable window: block end or level size */
    double wx0, wy0;   /* bx0, by0 as doubles */
    double wx1, wy1;   /* cx1, ry1 as doubles */
    uint32_t seq;      /* stamp of the current activity (1, 2, ...) */
    uint32_t *stamp;   /* NPIX: seq of the last activity that touched the pixel */
    uint16_t *slot;    /* NPIX: the pixel's entry in touched/acc (valid where stamp == seq) */
    uint16_t *touched; /* pixels the current activity touched, in order */
    hm_seg_attr *acc;  /* the current activity's sums, one per touched entry */
    uint32_t ntouched; /* entries in touched and acc */
    uint32_t *count;   /* NPIX: activities so far */
    px_total *total;   /* NPIX: valid where count > 0 */
    uint16_t *used;    /* pixels with count > 0 */
    uint32_t nused;    /* entries in used */
} render;

HOT void hit(render *r, int64_t col, int64_t row, const hm_seg_attr *a)
{
    uint32_t p = (uint32_t)((row - r->by0) * B + (col - r->bx0));

    if (r->stamp[p] != r->seq) {
        uint32_t n = r->ntouched++;
        r->stamp[p] = r->seq;
        r->slot[p] = (uint16_t)n;
        r->touched[n] = (uint16_t)p;
        r->acc[n] = *a;
    } else {
        hm_seg_attr *s = &r->acc[r->slot[p]];
        s->dt += a->dt;
        s->len += a->len;
        s->hr_sum += a->hr_sum;
        s->hr_n += a->hr_n;
    }
}

/* floor() of a pixel coordinate without a libm call; |v| < 2^52 (the index clamps points). */
HOT int64_t ifloor(double v)
{
    int64_t i = (int64_t)v;

    return i - ((double)i > v);
}

/* Columns c0..c1 (c0 <= c1) of one row, clipped to the window. */
HOT void span(render *r, int64_t row, int64_t c0, int64_t c1, const hm_seg_attr *a)
{
    int64_t c;

    if (row < r->by0 || row >= r->ry1)
        return;
    if (c0 < r->bx0)
        c0 = r->bx0;
    if (c1 > r->cx1 - 1)
        c1 = r->cx1 - 1;
    for (c = c0; c <= c1; c++)
        hit(r, c, row, a);
}

/* Rows j0..j1 (j0 <= j1) of one column, clipped to the window. */
HOT void column(render *r, int64_t col, int64_t j0, int64_t j1, const hm_seg_attr *a)
{
    int64_t j;

    if (col < r->bx0 || col >= r->cx1)
        return;
    if (j0 < r->by0)
        j0 = r->by0;
    if (j1 > r->ry1 - 1)
        j1 = r->ry1 - 1;
    for (j = j0; j <= j1; j++)
        hit(r, col, j, a);
}

static void draw_segment(render *r, double x0, double y0, double x1, double y1,
                         const hm_seg_attr *a)
{
    int64_t i0, j0, i1, j1, j, jlo, jhi, ca;
    double slope, xa;

    if ((x0 < r->wx0 && x1 < r->wx0) || (x0 >= r->wx1 && x1 >= r->wx1) ||
        (y0 < r->wy0 && y1 < r->wy0) || (y0 >= r->wy1 && y1 >= r->wy1))
        return;
    i0 = ifloor(x0);
    j0 = ifloor(y0);
    i1 = ifloor(x1);
    j1 = ifloor(y1);
    /* Within one row (or column) every point is in it: the ends give the exact span. This
     * is most segments at the coarse levels, where they are about a pixel long. */
    if (j0 == j1) {
        span(r, j0, i0 < i1 ? i0 : i1, i0 < i1 ? i1 : i0, a);
        return;
    }
    if (i0 == i1) {
        column(r, i0, j0 < j1 ? j0 : j1, j0 < j1 ? j1 : j0, a);
        return;
    }
    if (y0 > y1) {
        double t = x0;
        int64_t u = i0;
        x0 = x1, x1 = t, i0 = i1, i1 = u;
        t = y0, y0 = y1, y1 = t;
        u = j0, j0 = j1, j1 = u;
    }
    slope = (x1 - x0) / (y1 - y0);
    jlo = j0 > r->by0 ? j0 : r->by0;
    jhi = j1 < r->ry1 - 1 ? j1 : r->ry1 - 1;
    /* x where the segment enters the first row drawn (its start, or that row's top edge). */
    xa = jlo == j0 ? x0 : x0 + ((double)jlo - y0) * slope;
    ca = jlo == j0 ? i0 : ifloor(xa);
    for (j = jlo; j <= jhi; j++) {
        double xb;
        int64_t cb, next;

        /* Where it leaves the row: its end, or the bottom edge. That edge belongs to the
         * next row, so an x reached only there (an exact corner) is not in this row. */
        if (j == j1) {
            xb = x1;
            cb = next = i1;
        } else {
            double yb = (double)j + 1.0;
            xb = yb == y1 ? x1 : x0 + (yb - y0) * slope;
            cb = next = ifloor(xb);
            if (xb > xa && (double)cb == xb)
                cb--;
        }
        span(r, j, ca < cb ? ca : cb, ca < cb ? cb : ca, a);
        xa = xb; /* the next row enters where this one left */
        ca = next;
    }
}

/* The current activity is done: add it once to every pixel it touched. */
static void fold(render *r, double start_days)
{
    float start = (float)start_days;
    uint32_t i;

    for (i = 0; i < r->ntouched; i++) {
        uint16_t p = r->touched[i];
        const hm_seg_attr *a = &r->acc[i];
        px_total *t = &r->total[p];

        if (r->count[p]++ == 0) {
            r->used[r->nused++] = p;
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
    r->ntouched = 0;
    r->seq++;
}

static void write_bands(const render *r, float *const bands[HM_BAND_MAX])
{
    static const float empty[HM_BAND_MAX] = {0.0f, 0.0f, NAN, NAN, NAN};
    float logs[256]; /* ln(1 + c) for small counts, computed once per block when first met */
    size_t b, i;

    for (i = 0; i < 256; i++)
        logs[i] = -1.0f;

    for (b = 0; b < HM_BAND_MAX; b++) {
        if (!bands[b])
            continue;
        for (i = 0; i < NPIX; i++)
            bands[b][i] = empty[b];
    }
    for (i = 0; i < r->nused; i++) {
        uint16_t p = r->used[i];
        const px_total *t = &r->total[p];
        double c = (double)r->count[p];

        if (bands[HM_BAND_COUNT])
            bands[HM_BAND_COUNT][p] = (float)c;
        if (bands[HM_BAND_LOG_COUNT]) {
            uint32_t n = r->count[p];
            if (n < 256) {
                if (logs[n] < 0.0f)
                    logs[n] = (float)log1p(c);
                bands[HM_BAND_LOG_COUNT][p] = logs[n];
            } else {
                bands[HM_BAND_LOG_COUNT][p] = (float)log1p(c);
            }
        }
        if (bands[HM_BAND_PACE] && t->pace_n)
            bands[HM_BAND_PACE][p] = t->pace_sum / (float)t->pace_n;
        if (bands[HM_BAND_HR] && t->hr_n)
            bands[HM_BAND_HR][p] = t->hr_sum / (float)t->hr_n;
        if (bands[HM_BAND_RECENCY])
            bands[HM_BAND_RECENCY][p] = t->recency;
    }
}

int hm_render__block(hm_ctx *ctx, const hm_index *idx, int level, int level_w, int level_h,
                     int block_x, int block_y, float *const bands[HM_BAND_MAX])
{
    const hm_level *lv = &idx->levels[level];
    size_t bytes = NPIX * (sizeof(px_total) + sizeof(hm_seg_attr) + 2 * sizeof(uint32_t) +
                           3 * sizeof(uint16_t));
    unsigned char *mem;
    uint32_t *ids = NULL, act = UINT32_MAX;
    size_t nids = 0, cap = 0, i;
    double box[4];
    render r;
    int rc;

    memset(&r, 0, sizeof(r));
    r.bx0 = (int64_t)block_x * B;
    r.by0 = (int64_t)block_y * B;
    r.cx1 = r.bx0 + B < level_w ? r.bx0 + B : level_w;
    r.ry1 = r.by0 + B < level_h ? r.by0 + B : level_h;
    box[0] = r.wx0 = (double)r.bx0;
    box[1] = r.wy0 = (double)r.by0;
    box[2] = r.wx1 = (double)r.cx1;
    box[3] = r.wy1 = (double)r.ry1;

    mem = hm_ctx__malloc(ctx, bytes);
    if (!mem)
        return HM_RAISE_NOMEM(ctx);
    /* Widest alignment first. */
    r.total = (px_total *)mem;
    r.acc = (hm_seg_attr *)(r.total + NPIX);
    r.stamp = (uint32_t *)(r.acc + NPIX);
    r.count = r.stamp + NPIX;
    r.touched = (uint16_t *)(r.count + NPIX);
    r.used = r.touched + NPIX;
    r.slot = r.used + NPIX;
    memset(r.stamp, 0, 2 * NPIX * sizeof(uint32_t)); /* stamp and count */
    r.seq = 1;

    rc = HM_OK;
    if (r.cx1 > r.bx0 && r.ry1 > r.by0)
        rc = hm_index__query(idx, ctx, level, box, &ids, &nids, &cap);
    if (rc == HM_OK) {
        for (i = 0; i < nids; i++) {
            const hm_piece *pc = &lv->pieces[ids[i]];
            const double *xy = lv->runs.xy + 2 * (size_t)pc->first;
            const hm_seg_attr *seg = lv->runs.seg + pc->first;
            uint32_t s;

            if (pc->act != act) {
                if (act != UINT32_MAX)
                    fold(&r, idx->act_start_days[act]);
                act = pc->act;
            }
            for (s = 0; s < pc->nseg; s++)
                draw_segment(&r, xy[2 * s], xy[2 * s + 1], xy[2 * s + 2], xy[2 * s + 3], &seg[s]);
        }
        if (act != UINT32_MAX)
            fold(&r, idx->act_start_days[act]);
        write_bands(&r, bands);
    }
    hm_ctx__free(ctx, ids);
    hm_ctx__free(ctx, mem);
    return rc;
}
