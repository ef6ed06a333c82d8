/* SPDX-License-Identifier: MIT */
/*
 * Indexes for grids in other CRSs (see gridindex_int.h). The raw level's
 * pieces give the runs back: a piece that does not continue the previous
 * one starts a run, and a continuing piece repeats the previous piece's
 * last point. Positions go from store units to degrees with the inverse
 * web mercator (exact to the store's 2^-40 of the world), then through
 * PROJ; a position the CRS cannot take is skipped and the line joins the
 * positions around it, its segments' sums going to the segment before it,
 * as cleaning does with a fix it cannot use.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "raster/grid_int.h"
#include "raster/gridindex_int.h"
#include "track/project_int.h"

static void projected_destroy(void *value, hm_ctx *ctx)
{
    hm_projected *p = value;

    hm_runs__free(&p->runs, ctx);
    hm_ctx__free(ctx, p->act_bbox);
    hm_ctx__free(ctx, p->wkt);
    hm_ctx__free(ctx, p);
}

static void grid_index_destroy(void *value, hm_ctx *ctx)
{
    hm_grid_index *g = value;

    hm_index__free(g->index);
    hm_ctx__free(ctx, g);
}

static void attr_add(hm_seg_attr *a, const hm_seg_attr *b)
{
    a->dt += b->dt;
    a->len += b->len;
    a->hr_sum += b->hr_sum;
    a->hr_n += b->hr_n;
}

/* Close the run that started at point `start`: keep it when it has a segment. */
static int close_run(hm_runs *r, hm_ctx *ctx, size_t start, uint32_t act, size_t *cap_first,
                     size_t *cap_act)
{
    int rc;

    if (r->npoints - start < 2) {
        r->npoints = start;
        return HM_OK;
    }
    memset(&r->seg[r->npoints - 1], 0, sizeof(hm_seg_attr));
    if ((rc = hm_ctx__grow(ctx, (void **)&r->run_first, cap_first, r->nruns + 2,
                           sizeof(*r->run_first))) != HM_OK ||
        (rc = hm_ctx__grow(ctx, (void **)&r->run_act, cap_act, r->nruns + 1,
                           sizeof(*r->run_act))) != HM_OK)
        return rc;
    r->run_first[r->nruns] = start;
    r->run_act[r->nruns++] = act;
    r->run_first[r->nruns] = r->npoints;
    return HM_OK;
}

/* Project the raw level of a store. */
static int project_store(hm_projected *p, hm_ctx *ctx, const hm_store *s, hm_projector *proj)
{
    const hm_level *lv = &s->index.levels[0];
    const double to_deg = 360.0 / ldexp(1.0, HM_WEB_UNIT_BITS);
    hm_runs *r = &p->runs;
    size_t i, n = lv->npoints, cap_first = 0, cap_act = 0, start = 0, k, out;
    uint32_t act = 0;
    int rc = HM_OK, open = 0;

    r->xy = hm_ctx__reallocarray(ctx, NULL, n ? n : 1, 2 * sizeof(double));
    r->seg = hm_ctx__reallocarray(ctx, NULL, n ? n : 1, sizeof(hm_seg_attr));
    if (!r->xy || !r->seg ||
        hm_ctx__grow(ctx, (void **)&r->run_first, &cap_first, 1, sizeof(*r->run_first)) != HM_OK)
        return HM_RAISE_NOMEM(ctx);
    r->run_first[0] = 0;
    /* Runs in degrees, as the pieces give them. */
    for (i = 0; i < lv->npieces && rc == HM_OK; i++) {
        const hm_piece *pc = &lv->pieces[i];
        const int32_t *pt = lv->points + 2 * (size_t)pc->first;
        uint32_t j = 0;

        if (!(pc->flags & HM_PIECE_CONTINUES) || !open || pc->act != act) {
            if (open && (rc = close_run(r, ctx, start, act, &cap_first, &cap_act)) != HM_OK)
                break;
            start = r->npoints;
            act = pc->act;
            open = 1;
        } else {
            r->seg[r->npoints - 1] = hm_level__attr(lv, pc->first); /* the shared point */
            j = 1;
        }
        for (; j <= pc->nseg; j++) {
            double u = (double)(pc->ox + pt[2 * j]), v = (double)(pc->oy + pt[2 * j + 1]);
            double lat = atan(sinh(3.14159265358979323846 * (1.0 - 2.0 * v / ldexp(1.0, HM_WEB_UNIT_BITS))));
            r->xy[2 * r->npoints] = u * to_deg - 180.0;
            r->xy[2 * r->npoints + 1] = lat * 180.0 / 3.14159265358979323846;
            if (j < pc->nseg)
                r->seg[r->npoints] = hm_level__attr(lv, (size_t)pc->first + j);
            else
                memset(&r->seg[r->npoints], 0, sizeof(hm_seg_attr));
            r->npoints++;
        }
    }
    if (rc == HM_OK && open)
        rc = close_run(r, ctx, start, act, &cap_first, &cap_act);
    if (rc != HM_OK)
        return rc;
    hm_project__points(proj, r->xy, r->npoints);
    /* Positions the CRS cannot take: skipped, the line joins their neighbours. */
    out = 0;
    for (k = 0; k < r->nruns; k++) {
        size_t a = r->run_first[k], b = r->run_first[k + 1], first = out;
        uint32_t ra = r->run_act[k];
        for (i = a; i < b; i++) {
            if (isnan(r->xy[2 * i])) {
                if (out > first)
                    attr_add(&r->seg[out - 1], &r->seg[i]);
                continue;
            }
            r->xy[2 * out] = r->xy[2 * i];
            r->xy[2 * out + 1] = r->xy[2 * i + 1];
            r->seg[out] = r->seg[i];
            out++;
        }
        r->run_first[k] = first;
        r->run_act[k] = ra;
        if (out - first < 2)
            out = first;
        else
            memset(&r->seg[out - 1], 0, sizeof(hm_seg_attr));
    }
    /* Drop the runs that lost their segments; boxes again from what is left. */
    {
        size_t nr = 0;
        for (i = 0; i < 4 * p->nacts; i++)
            p->act_bbox[i] = NAN;
        for (k = 0; k < r->nruns; k++) {
            size_t a = r->run_first[k], b = k + 1 < r->nruns ? r->run_first[k + 1] : out;
            if (b - a < 2)
                continue;
            r->run_first[nr] = a;
            r->run_act[nr++] = r->run_act[k];
        }
        r->nruns = nr;
        r->run_first[nr] = out;
        r->npoints = out;
        p->bbox[0] = p->bbox[1] = INFINITY;
        p->bbox[2] = p->bbox[3] = -INFINITY;
        for (k = 0; k < r->nruns; k++) {
            double *bb = p->act_bbox + 4 * (size_t)r->run_act[k];
            for (i = r->run_first[k]; i < r->run_first[k + 1]; i++) {
                double x = r->xy[2 * i], y = r->xy[2 * i + 1];
                if (isnan(bb[0])) {
                    bb[0] = bb[2] = x;
                    bb[1] = bb[3] = y;
                }
                bb[0] = fmin(bb[0], x);
                bb[1] = fmin(bb[1], y);
                bb[2] = fmax(bb[2], x);
                bb[3] = fmax(bb[3], y);
                p->bbox[0] = fmin(p->bbox[0], x);
                p->bbox[1] = fmin(p->bbox[1], y);
                p->bbox[2] = fmax(p->bbox[2], x);
                p->bbox[3] = fmax(p->bbox[3], y);
            }
        }
    }
    return HM_OK;
}

typedef struct projected_job {
    const hm_store *store; /* whose raw level is projected */
    const char *srs;       /* to this CRS */
} projected_job;

static int compute_projected(void **value, hm_ctx *c, void *payload)
{
    const projected_job *job = payload;
    hm_projector *proj = NULL;
    hm_projected *p;
    size_t i;
    int rc = HM_OK;

    *value = NULL;
    if (!(p = hm_ctx__calloc(c, 1, sizeof(*p))))
        return HM_RAISE_NOMEM(c);
    p->nacts = job->store->meta->nacts;
    p->act_bbox = hm_ctx__reallocarray(c, NULL, p->nacts ? 4 * p->nacts : 1, sizeof(double));
    if (!p->act_bbox)
        rc = HM_RAISE_NOMEM(c);
    for (i = 0; rc == HM_OK && i < 4 * p->nacts; i++)
        p->act_bbox[i] = NAN;
    if (rc == HM_OK && (rc = hm_project__new(&proj, c, job->srs)) == HM_OK &&
        (rc = project_store(p, c, job->store, proj)) == HM_OK)
        rc = hm_project__wkt(proj, &p->wkt);
    hm_project__free(proj);
    if (rc != HM_OK) {
        projected_destroy(p, c);
        return rc;
    }
    *value = p;
    return HM_OK;
}

int hm_gridindex__projected(const hm_projected **out, hm_store *s, hm_ctx *ctx, const char *srs)
{
    projected_job job;
    char key[1100];
    void *value;
    int rc;

    *out = NULL;
    if (snprintf(key, sizeof(key), "proj:%s", srs) >= (int)sizeof(key))
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "SRS too long");
    job.store = s;
    job.srs = srs;
    rc = hm_memo__get(&value, &s->memo, s->ctx, ctx, key, compute_projected, projected_destroy,
                      &job);
    *out = value;
    return rc;
}

typedef struct grid_job {
    hm_store *store;        /* whose memo keeps the index */
    const hm_projected *pj; /* the tracks in the grid's CRS */
    double res;             /* the grid's resolution */
} grid_job;

static int compute_grid_index(void **value, hm_ctx *c, void *payload)
{
    const grid_job *job = payload;
    const hm_projected *pj = job->pj;
    hm_grid_index *g;
    hm_runs px;
    size_t i;
    int rc, nlevels;

    *value = NULL;
    g = hm_ctx__calloc(c, 1, sizeof(*g));
    px = pj->runs;
    px.xy = hm_ctx__reallocarray(c, NULL, pj->runs.npoints ? 2 * pj->runs.npoints : 1,
                                 sizeof(double));
    if (!g || !px.xy) {
        hm_ctx__free(c, g);
        hm_ctx__free(c, px.xy);
        return HM_RAISE_NOMEM(c);
    }
    {
        double tile = 256.0 * job->res, size;
        /* Pixels counted from a tile corner of the data, so every grid of this
         * resolution (its origin is on a tile corner) is a whole number of tiles away. */
        g->anchor_tx = pj->runs.npoints ? (int64_t)floor(pj->bbox[0] / tile) : 0;
        g->anchor_ty = pj->runs.npoints ? (int64_t)floor(-pj->bbox[3] / tile) : 0;
        for (i = 0; i < pj->runs.npoints; i++) {
            px.xy[2 * i] = (pj->runs.xy[2 * i] - (double)g->anchor_tx * tile) / job->res;
            px.xy[2 * i + 1] = (-(double)g->anchor_ty * tile - pj->runs.xy[2 * i + 1]) / job->res;
        }
        size = pj->runs.npoints
                   ? fmax(pj->bbox[2] - pj->bbox[0], pj->bbox[3] - pj->bbox[1]) / job->res + 512.0
                   : 256.0;
        nlevels = 2;
        while (nlevels < 36 && size > 256.0) {
            size /= 2.0;
            nlevels++;
        }
    }
    rc = hm_index__build_grid(&g->index, c, &px, nlevels);
    hm_ctx__free(c, px.xy);
    if (rc != HM_OK) {
        hm_ctx__free(c, g);
        return rc;
    }
    hm_index__rehome(g->index, job->store->ctx); /* c goes when this returns */
    *value = g;
    return HM_OK;
}

int hm_gridindex__get(const hm_grid_index **out, hm_store *s, hm_ctx *ctx, const char *srs,
                      const hm_projected *pj, double res)
{
    grid_job job;
    char key[1200];
    void *value;
    int rc;

    *out = NULL;
    if (snprintf(key, sizeof(key), "grid:%s|res=%.17g", srs, res) >= (int)sizeof(key))
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "SRS too long");
    job.store = s;
    job.pj = pj;
    job.res = res;
    rc = hm_memo__get(&value, &s->memo, s->ctx, ctx, key, compute_grid_index,
                      grid_index_destroy, &job);
    *out = value;
    return rc;
}
