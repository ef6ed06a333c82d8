/* SPDX-License-Identifier: MIT */
/*
 * Building the index (see index_int.h for what it is). A chunk holds every
 * level of some runs without R-trees, so the store can build one chunk per
 * file on the reading threads and later concatenate chunks (old and new)
 * before indexing; an index made here from one chunk is what tests and
 * non-web grids use.
 *
 * Per chunk, levels are built one from the previous (hm_lod__build), in the
 * level's own pixel coordinates: coordinates are integers times a power of
 * two, so scaling between units and pixels is exact in binary floating
 * point and the points of every level are integers in units again. Pieces
 * are cut run after run; a piece always has at least one segment, so a
 * segment wider than the extent limit is one piece with a big box.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"
#include "index/lod_int.h"

/* Cuts of one over-long segment beyond which it is not drawn (it would span 2^46 units). */
#define MAX_CUTS 65536

size_t hm_index__attr_size(int packed)
{
    return packed ? sizeof(hm_packed_attr) : sizeof(hm_seg_attr);
}

static void chunk_level_free(hm_chunk_level *cl, hm_ctx *ctx)
{
    hm_ctx__free(ctx, cl->pieces);
    hm_ctx__free(ctx, cl->points);
    hm_ctx__free(ctx, cl->attrs);
    hm_ctx__free(ctx, cl->boxes);
    memset(cl, 0, sizeof(*cl));
}

void hm_index__free_chunk(hm_index_chunk *c)
{
    int k;

    if (!c->ctx)
        return;
    for (k = 0; k < HM_INDEX_MAX_LEVELS; k++)
        chunk_level_free(&c->levels[k], c->ctx);
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static int64_t abs64(int64_t a)
{
    return a < 0 ? -a : a;
}

/* Cuts a segment needs so that no step is longer than HM_INDEX_MAX_SPAN (1 = none). */
static int64_t cuts(const double *p, const double *q)
{
    int64_t d = max64(abs64((int64_t)q[0] - (int64_t)p[0]), abs64((int64_t)q[1] - (int64_t)p[1]));

    return d <= HM_INDEX_MAX_SPAN ? 1 : (d + HM_INDEX_MAX_SPAN - 1) / HM_INDEX_MAX_SPAN;
}

/*
 * A copy of `in` (units) in which every segment longer than HM_INDEX_MAX_SPAN
 * is cut into k equal collinear steps (the inner points rounded to whole
 * units, so within half a unit of the line) sharing its attributes equally;
 * a segment needing more than MAX_CUTS steps is not kept (its run is split).
 */
static int copy_cut(hm_runs *out, hm_ctx *ctx, const hm_runs *in)
{
    size_t r, n = 0, total = 0, nr = 0;

    memset(out, 0, sizeof(*out));
    for (r = 0; r < in->nruns; r++) {
        size_t i;
        for (i = in->run_first[r]; i + 1 < in->run_first[r + 1]; i++) {
            int64_t k = cuts(in->xy + 2 * i, in->xy + 2 * i + 2);
            total += k <= MAX_CUTS ? (size_t)(k - 1) : 1;
        }
        total += in->run_first[r + 1] - in->run_first[r];
    }
    /* A dropped segment splits its run: at most one more run per dropped segment. */
    out->xy = hm_ctx__reallocarray(ctx, NULL, total ? total : 1, 2 * sizeof(double));
    out->seg = hm_ctx__reallocarray(ctx, NULL, total ? total : 1, sizeof(hm_seg_attr));
    out->run_first = hm_ctx__reallocarray(ctx, NULL, total + in->nruns + 1, sizeof(size_t));
    out->run_act = hm_ctx__reallocarray(ctx, NULL, total + in->nruns + 1, sizeof(uint32_t));
    if (!out->xy || !out->seg || !out->run_first || !out->run_act) {
        hm_runs__free(out, ctx);
        return HM_RAISE_NOMEM(ctx);
    }
    for (r = 0; r < in->nruns; r++) {
        size_t a = in->run_first[r], b = in->run_first[r + 1], i;
        size_t start = n;

        for (i = a; i < b; i++) {
            const double *p = in->xy + 2 * i;
            int64_t k = i + 1 < b ? cuts(p, p + 2) : 1, j;

            out->xy[2 * n] = p[0];
            out->xy[2 * n + 1] = p[1];
            out->seg[n] = in->seg[i];
            n++;
            if (k <= 1)
                continue;
            if (k > MAX_CUTS) {
                /* Close the run here; the next point starts a new one. */
                memset(&out->seg[n - 1], 0, sizeof(hm_seg_attr));
                if (n - start >= 2) {
                    out->run_first[nr] = start;
                    out->run_act[nr++] = in->run_act[r];
                    start = n;
                } else {
                    n = start;
                }
                continue;
            }
            out->seg[n - 1].dt /= (float)k;
            out->seg[n - 1].len /= (float)k;
            out->seg[n - 1].hr_sum /= (float)k;
            out->seg[n - 1].hr_n /= (float)k;
            for (j = 1; j < k; j++) {
                double f = (double)j / (double)k;
                out->xy[2 * n] = p[0] + (double)llround((p[2] - p[0]) * f);
                out->xy[2 * n + 1] = p[1] + (double)llround((p[3] - p[1]) * f);
                out->seg[n] = out->seg[n - 1];
                n++;
            }
        }
        if (n - start >= 2) {
            out->run_first[nr] = start;
            out->run_act[nr++] = in->run_act[r];
        } else {
            n = start;
        }
    }
    out->run_first[nr] = n;
    out->nruns = nr;
    out->npoints = n;
    return HM_OK;
}

static void scale_xy(hm_runs *r, double s)
{
    size_t i;

    for (i = 0; i < 2 * r->npoints; i++)
        r->xy[i] *= s;
}

static hm_packed_attr pack(const hm_seg_attr *a)
{
    hm_packed_attr p = {0.0f, 0, HM_PACKED_NO_HR};

    if (a->dt > 0.0f && a->len > 0.0f) {
        long ms = lroundf(a->dt * 1000.0f);
        if (ms >= 1) {
            p.dt_ms = (uint16_t)(ms > 65535 ? 65535 : ms);
            p.len = a->len;
        }
    }
    if (a->hr_n > 0.0f) {
        long c = lroundf(a->hr_sum / a->hr_n * 100.0f);
        p.hr_c = (uint16_t)(c < 0 ? 0 : c > 65534 ? 65534 : c);
    }
    return p;
}

/* Slack worth giving back, bytes: below this an array keeps its growth room. */
#define SHRINK_MIN_SLACK (4u << 10)

/* Array p of cap elements of size, used: shrunk to used when the slack is worth it. */
static void *shrink(hm_ctx *ctx, void *p, size_t cap, size_t used, size_t size)
{
    void *q;

    if (!used || (cap - used) * size < SHRINK_MIN_SLACK)
        return p;
    q = hm_ctx__reallocarray(ctx, p, used, size);
    return q ? q : p; /* a failed shrink only keeps the slack */
}

/*
 * Cut the runs (in pixels of a level whose pixel is 2^exp units) into
 * pieces no wider than `extent` units and store them in units.
 */
static int emit_level(hm_chunk_level *cl, hm_ctx *ctx, const hm_runs *r, int exp, int64_t extent,
                      int packed)
{
    size_t asize = hm_index__attr_size(packed), cap = 0, capb = 0, capp = 0, capa = 0, r_i;
    size_t np = 0;
    double u = ldexp(1.0, exp);
    int rc = HM_OK;

    for (r_i = 0; r_i < r->nruns && rc == HM_OK; r_i++) {
        size_t start = r->run_first[r_i], end = r->run_first[r_i + 1];
        int first_piece = 1;

        while (start + 1 < end) {
            int64_t ox = llround(r->xy[2 * start] * u), oy = llround(r->xy[2 * start + 1] * u);
            int64_t b[4] = {ox, oy, ox, oy};
            size_t j = start, m;
            hm_piece *pc;

            while (j + 1 < end && j - start < HM_PIECE_MAX_SEGMENTS) {
                int64_t x = llround(r->xy[2 * j + 2] * u), y = llround(r->xy[2 * j + 3] * u);
                int64_t nb[4] = {x < b[0] ? x : b[0], y < b[1] ? y : b[1], x > b[2] ? x : b[2],
                                 y > b[3] ? y : b[3]};
                if (j > start && (nb[2] - nb[0] > extent || nb[3] - nb[1] > extent))
                    break;
                memcpy(b, nb, sizeof(b));
                j++;
            }
            if (np + (j - start + 1) > UINT32_MAX) {
                rc = HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "too many points for the index");
                break;
            }
            if ((rc = hm_ctx__grow(ctx, (void **)&cl->pieces, &cap, cl->npieces + 1,
                                   sizeof(*cl->pieces))) != HM_OK ||
                (rc = hm_ctx__grow(ctx, (void **)&cl->boxes, &capb, cl->npieces + 1,
                                   4 * sizeof(double))) != HM_OK ||
                (rc = hm_ctx__grow(ctx, (void **)&cl->points, &capp, np + (j - start + 1),
                                   2 * sizeof(int32_t))) != HM_OK ||
                (rc = hm_ctx__grow(ctx, &cl->attrs, &capa, np + (j - start + 1), asize)) != HM_OK)
                break;
            pc = &cl->pieces[cl->npieces];
            pc->ox = ox;
            pc->oy = oy;
            pc->act = r->run_act[r_i];
            pc->first = (uint32_t)np;
            pc->nseg = (uint32_t)(j - start);
            pc->flags = first_piece ? 0u : HM_PIECE_CONTINUES;
            for (m = start; m <= j; m++, np++) {
                cl->points[2 * np] = (int32_t)(llround(r->xy[2 * m] * u) - ox);
                cl->points[2 * np + 1] = (int32_t)(llround(r->xy[2 * m + 1] * u) - oy);
                if (packed) {
                    hm_packed_attr pa = {0.0f, 0, HM_PACKED_NO_HR};
                    if (m < j)
                        pa = pack(&r->seg[m]);
                    ((hm_packed_attr *)cl->attrs)[np] = pa;
                } else {
                    hm_seg_attr sa = {0.0f, 0.0f, 0.0f, 0.0f};
                    if (m < j)
                        sa = r->seg[m];
                    ((hm_seg_attr *)cl->attrs)[np] = sa;
                }
            }
            cl->boxes[4 * cl->npieces] = (double)b[0];
            cl->boxes[4 * cl->npieces + 1] = (double)b[1];
            cl->boxes[4 * cl->npieces + 2] = (double)b[2];
            cl->boxes[4 * cl->npieces + 3] = (double)b[3];
            cl->npieces++;
            cl->npoints = np;
            first_piece = 0;
            start = j;
        }
    }
    /* A folder's chunks all wait in memory for the store to be written: the slack of growing
     * by doubling was a fifth of a cold build's peak (bench/ingest.sh). */
    cl->pieces = shrink(ctx, cl->pieces, cap, cl->npieces, sizeof(*cl->pieces));
    cl->boxes = shrink(ctx, cl->boxes, capb, cl->npieces, 4 * sizeof(double));
    cl->points = shrink(ctx, cl->points, capp, cl->npoints, 2 * sizeof(int32_t));
    cl->attrs = shrink(ctx, cl->attrs, capa, cl->npoints, asize);
    return rc;
}

static int layout_valid(const hm_index_layout *l)
{
    int k;

    if (l->nlevels < 1 || l->nlevels > HM_INDEX_MAX_LEVELS)
        return 0;
    for (k = 0; k < l->nlevels; k++)
        if (l->exp[k] < 0 || l->exp[k] > 52 || (k > 0 && l->exp[k] <= l->exp[k - 1]))
            return 0;
    return 1;
}

/* Widest piece of level k, units: HM_PIECE_MAX_EXTENT pixels of the coarsest grid level it
 * serves (up to the next index level), and never more than HM_INDEX_MAX_SPAN. */
static int64_t piece_extent(const hm_index_layout *l, int k)
{
    int e = k + 1 < l->nlevels ? l->exp[k + 1] - 1 : l->exp[k];
    double v = HM_PIECE_MAX_EXTENT * ldexp(1.0, e);

    return v >= (double)HM_INDEX_MAX_SPAN ? HM_INDEX_MAX_SPAN : (int64_t)v;
}

int hm_index__build_chunk(hm_index_chunk *out, hm_ctx *ctx, const hm_runs *runs,
                          const hm_index_layout *layout)
{
    hm_runs cur, next;
    int k, rc;

    memset(out, 0, sizeof(*out));
    out->ctx = ctx;
    if (!layout_valid(layout))
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "bad index layout");
    out->layout = *layout;
    if ((rc = copy_cut(&cur, ctx, runs)) != HM_OK)
        return rc;
    scale_xy(&cur, ldexp(1.0, -layout->exp[0]));
    if (layout->exp[0] > 0)
        hm_lod__merge_pixels(&cur); /* exact: renders the same at this level */
    for (k = 0; k < layout->nlevels && rc == HM_OK; k++) {
        if (k > 0) {
            int e = layout->exp[k];
            /* Merged segments stay within HM_INDEX_MAX_SPAN units, so offsets fit. */
            double max_len = fmin(HM_LOD_MAX_LEN, ldexp(1.0, 30 - e));
            rc = hm_lod__build(&next, ctx, &cur, ldexp(1.0, -(e - layout->exp[k - 1])),
                               HM_LOD_TOLERANCE, max_len);
            if (rc != HM_OK)
                break;
            hm_runs__free(&cur, ctx);
            cur = next;
        }
        rc = emit_level(&out->levels[k], ctx, &cur, layout->exp[k], piece_extent(layout, k),
                        hm_index__level_packed(layout, k));
    }
    hm_runs__free(&cur, ctx);
    if (rc != HM_OK)
        hm_index__free_chunk(out);
    return rc;
}

void hm_index__free(hm_index *idx)
{
    int k;

    if (!idx)
        return;
    for (k = 0; k < idx->nlevels; k++) {
        hm_level *lv = &idx->levels[k];
        hm_rtree__free(&lv->tree);
        if (idx->ctx) {
            hm_ctx__free(idx->ctx, (void *)lv->pieces);
            hm_ctx__free(idx->ctx, (void *)lv->points);
            hm_ctx__free(idx->ctx, (void *)lv->attrs);
        }
    }
    if (idx->ctx)
        hm_ctx__free(idx->ctx, idx);
}

void hm_index__rehome(hm_index *idx, hm_ctx *ctx)
{
    int k;

    idx->ctx = ctx;
    for (k = 0; k < idx->nlevels; k++)
        if (idx->levels[k].tree.ctx)
            idx->levels[k].tree.ctx = ctx;
}

int hm_index__from_chunk(hm_index **out, hm_ctx *ctx, hm_index_chunk *c)
{
    hm_index *idx;
    int k, rc = HM_OK;

    *out = NULL;
    idx = hm_ctx__calloc(ctx, 1, sizeof(*idx));
    if (!idx) {
        hm_index__free_chunk(c);
        return HM_RAISE_NOMEM(ctx);
    }
    idx->ctx = ctx;
    idx->nlevels = c->layout.nlevels;
    for (k = 0; k < idx->nlevels; k++) {
        hm_chunk_level *cl = &c->levels[k];
        hm_level *lv = &idx->levels[k];

        lv->exp = c->layout.exp[k];
        lv->packed = k == 0 && lv->exp == 0;
        lv->npieces = cl->npieces;
        lv->pieces = cl->pieces;
        lv->npoints = cl->npoints;
        lv->points = cl->points;
        lv->attrs = cl->attrs;
        if (rc == HM_OK)
            rc = hm_rtree__build(&lv->tree, ctx, cl->boxes, cl->npieces, HM_RTREE_NODE_SIZE);
        hm_ctx__free(ctx, cl->boxes);
        memset(cl, 0, sizeof(*cl));
    }
    if (rc != HM_OK) {
        hm_index__free(idx);
        return rc;
    }
    *out = idx;
    return HM_OK;
}

int hm_index__build_grid(hm_index **out, hm_ctx *ctx, const hm_runs *runs_px, int nlevels)
{
    const double lim = ldexp(1.0, 32), s = ldexp(1.0, HM_GRID_UNIT_BITS);
    hm_index_layout layout;
    hm_index_chunk chunk;
    hm_runs u;
    size_t i;
    int k, rc;

    *out = NULL;
    if (nlevels < 1 || nlevels > HM_INDEX_MAX_LEVELS)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "bad index layout");
    layout.nlevels = nlevels;
    for (k = 0; k < nlevels; k++)
        layout.exp[k] = HM_GRID_UNIT_BITS + k;
    /* Units: 2^-HM_GRID_UNIT_BITS of a pixel, points pulled within 2^32 pixels (far outside
     * any grid) so every coordinate stays an exact double. Rounded down, so every point stays
     * in the pixel it was in, at every level. */
    u = *runs_px;
    u.xy = hm_ctx__reallocarray(ctx, NULL, runs_px->npoints ? 2 * runs_px->npoints : 1,
                                sizeof(double));
    if (!u.xy)
        return HM_RAISE_NOMEM(ctx);
    for (i = 0; i < 2 * runs_px->npoints; i++)
        u.xy[i] = floor(fmin(fmax(runs_px->xy[i], -lim), lim) * s);
    u.vstep = NULL;
    rc = hm_index__build_chunk(&chunk, ctx, &u, &layout);
    hm_ctx__free(ctx, u.xy);
    if (rc != HM_OK)
        return rc;
    return hm_index__from_chunk(out, ctx, &chunk);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int hm_index__query(const hm_index *idx, hm_ctx *ctx, int level, const double box[4],
                    uint32_t **ids, size_t *n, size_t *cap)
{
    int rc;

    *n = 0;
    rc = hm_rtree__query(&idx->levels[level].tree, ctx, box, ids, n, cap);
    if (rc != HM_OK)
        return HM_RAISE_NOMEM(ctx);
    if (*n > 1)
        qsort(*ids, *n, sizeof(**ids), cmp_u32);
    return HM_OK;
}

typedef struct any_filter {
    const hm_level *level;    /* whose pieces are tested */
    const uint64_t *selected; /* activity bitmap */
} any_filter;

static int keep_selected(uint32_t id, const void *payload)
{
    const any_filter *f = payload;

    return hm_index__selected(f->selected, f->level->pieces[id].act);
}

int hm_index__query_any(const hm_index *idx, int level, const double box[4],
                        const uint64_t *selected)
{
    any_filter f;

    f.level = &idx->levels[level];
    f.selected = selected;
    return hm_rtree__query_any(&idx->levels[level].tree, box, selected ? keep_selected : NULL,
                               &f);
}
