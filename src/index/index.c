/* SPDX-License-Identifier: MIT */
/*
 * The index: levels of detail, pieces and one R-tree per level. Runs are
 * cut into pieces of at most HM_PIECE_MAX_SEGMENTS segments and
 * HM_PIECE_MAX_EXTENT pixels so that a block query returns little that is
 * not in the block; a piece always has at least one segment, so a very
 * long segment (a fast ride with sparse fixes) is one piece with a big box.
 * Pieces are cut run after run, and runs come in activity order, so the
 * piece number is also an order by activity: the renderer sorts the hits
 * of a query and gets them grouped by activity, in track order, with no
 * further bookkeeping.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"
#include "index/lod_int.h"

static void level_free(hm_level *lv, hm_ctx *ctx)
{
    hm_runs__free(&lv->runs, ctx);
    hm_ctx__free(ctx, lv->pieces);
    hm_rtree__free(lv->tree);
    memset(lv, 0, sizeof(*lv));
}

void hm_index__free(hm_index *idx)
{
    int k;

    if (!idx)
        return;
    for (k = 0; k < idx->nlevels && idx->levels; k++)
        level_free(&idx->levels[k], idx->ctx);
    hm_ctx__free(idx->ctx, idx->levels);
    hm_ctx__free(idx->ctx, idx->act_start_days);
    hm_ctx__free(idx->ctx, idx);
}

/* Cut the level's runs into pieces and index their boxes. */
static int index_level(hm_level *lv, hm_ctx *ctx)
{
    const hm_runs *r = &lv->runs;
    double *boxes = NULL;
    size_t cap = 0, capb = 0, i;
    int rc = HM_OK;

    if (r->npoints > UINT32_MAX)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "too many points for the index");
    for (i = 0; i < r->nruns && rc == HM_OK; i++) {
        size_t start = r->run_first[i], end = r->run_first[i + 1];

        while (start + 1 < end) {
            const double *p = r->xy + 2 * start;
            double b[4] = {p[0], p[1], p[0], p[1]};
            size_t j = start;

            while (j + 1 < end && j - start < HM_PIECE_MAX_SEGMENTS) {
                const double *q = r->xy + 2 * (j + 1);
                double nb[4] = {fmin(b[0], q[0]), fmin(b[1], q[1]), fmax(b[2], q[0]),
                                fmax(b[3], q[1])};
                if (j > start &&
                    (nb[2] - nb[0] > HM_PIECE_MAX_EXTENT || nb[3] - nb[1] > HM_PIECE_MAX_EXTENT))
                    break;
                memcpy(b, nb, sizeof(b));
                j++;
            }
            if ((rc = hm_ctx__grow(ctx, (void **)&lv->pieces, &cap, lv->npieces + 1,
                                   sizeof(*lv->pieces))) != HM_OK ||
                (rc = hm_ctx__grow(ctx, (void **)&boxes, &capb, lv->npieces + 1,
                                   4 * sizeof(double))) != HM_OK)
                break;
            lv->pieces[lv->npieces].act = r->run_act[i];
            lv->pieces[lv->npieces].first = (uint32_t)start;
            lv->pieces[lv->npieces].nseg = (uint32_t)(j - start);
            memcpy(boxes + 4 * lv->npieces, b, sizeof(b));
            lv->npieces++;
            start = j;
        }
    }
    if (rc == HM_OK)
        rc = hm_rtree__build(&lv->tree, ctx, boxes, lv->npieces, HM_RTREE_NODE_SIZE);
    hm_ctx__free(ctx, boxes);
    if (rc == HM_OK && lv->npieces && lv->npieces < cap) {
        void *p = hm_ctx__reallocarray(ctx, lv->pieces, lv->npieces, sizeof(*lv->pieces));
        if (p)
            lv->pieces = p;
    }
    return rc;
}

int hm_index__build(hm_index **out, hm_ctx *ctx, hm_runs *level0, const double *act_start,
                    size_t nacts, int nlevels)
{
    hm_index *idx;
    size_t a;
    int k, rc = HM_OK;

    *out = NULL;
    idx = hm_ctx__calloc(ctx, 1, sizeof(*idx));
    if (!idx) {
        hm_runs__free(level0, ctx);
        return HM_RAISE_NOMEM(ctx);
    }
    idx->ctx = ctx;
    idx->levels = hm_ctx__calloc(ctx, nlevels > 0 ? (size_t)nlevels : 1, sizeof(hm_level));
    idx->act_start_days = hm_ctx__calloc(ctx, nacts ? nacts : 1, sizeof(double));
    if (!idx->levels || !idx->act_start_days) {
        hm_runs__free(level0, ctx);
        hm_index__free(idx);
        return HM_RAISE_NOMEM(ctx);
    }
    idx->nlevels = nlevels;
    idx->nacts = nacts;
    for (a = 0; a < nacts; a++)
        idx->act_start_days[a] = act_start[a] / 86400.0;
    idx->levels[0].runs = *level0;
    memset(level0, 0, sizeof(*level0));
    hm_lod__merge_pixels(&idx->levels[0].runs); /* exact: level 0 renders the same */
    if (idx->levels[0].runs.npoints) {
        hm_runs *r0 = &idx->levels[0].runs;
        void *p = hm_ctx__reallocarray(ctx, r0->xy, r0->npoints, 2 * sizeof(double));
        if (p)
            r0->xy = p;
        p = hm_ctx__reallocarray(ctx, r0->seg, r0->npoints, sizeof(hm_seg_attr));
        if (p)
            r0->seg = p;
    }
    for (k = 0; k < nlevels && rc == HM_OK; k++) {
        if (k > 0)
            rc = hm_lod__build(&idx->levels[k].runs, ctx, &idx->levels[k - 1].runs, 0.5,
                               HM_LOD_TOLERANCE, HM_LOD_MAX_LEN);
        if (rc == HM_OK)
            rc = index_level(&idx->levels[k], ctx);
    }
    if (rc != HM_OK) {
        hm_index__free(idx);
        return rc;
    }
    *out = idx;
    return HM_OK;
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
    rc = hm_rtree__query(idx->levels[level].tree, ctx, box, ids, n, cap);
    if (rc != HM_OK)
        return HM_RAISE_NOMEM(ctx);
    if (*n > 1)
        qsort(*ids, *n, sizeof(**ids), cmp_u32);
    return HM_OK;
}

int hm_index__query_any(const hm_index *idx, int level, const double box[4])
{
    return hm_rtree__query_any(idx->levels[level].tree, box);
}
