/* SPDX-License-Identifier: MIT */
/*
 * Simplification for the levels of detail, in two steps.
 *
 * 1. Corridor simplification (hm_lod__build). From the last kept point (the
 *    anchor), the segment is stretched over the following points for as long
 *    as every point it skips stays within `tolerance` (half a pixel of the
 *    new level) of it and it stays shorter than `max_len`. A point within the
 *    tolerance of the anchor is always dropped, as a plain radial-distance
 *    rule would; beyond that, a straight street becomes a few segments of
 *    max_len pixels instead of one per pixel, which is what keeps overview
 *    blocks cheap when thousands of activities share the same streets. The
 *    test is O(1) per point: every skipped point farther than the tolerance
 *    narrows a cone of directions (from the anchor, the rays passing within
 *    the tolerance of it), and a candidate end is accepted while its
 *    direction stays inside the cone and it does not fall short of a skipped
 *    point. Only dense sampling (points whose steps to both neighbours in
 *    the original track are shorter than a pixel) is stretched over this
 *    way; a vertex between longer steps is shape, and stays as the radial
 *    rule would keep it. Kept points carry their original step length
 *    (hm_runs.vstep) up the levels, so a level built from the previous one
 *    still tells shape from sampling.
 *    Dropped segments are not lost: their duration, length and heart
 *    rate are added to the kept segment, so pace and heart rate stay exact
 *    sums (spread over at most max_len pixels). Run ends are always kept.
 *    Each level is built from the previous one, so the cost over all levels
 *    stays a small multiple of level 0.
 *
 * 2. Same-pixel merging (hm_lod__merge_pixels), exact: inside a run of
 *    consecutive points that fall in one pixel, only the first and the last
 *    are needed. A pixel is a convex square, so the dropped sub-segments lie
 *    in it, and so does the segment that replaces them: every pixel, count
 *    and sum the renderer computes stays the same. This is the only thing
 *    done to level 0.
 */
#include <math.h>
#include <string.h>

#include "index/lod_int.h"

static void attr_add(hm_seg_attr *a, const hm_seg_attr *b)
{
    a->dt += b->dt;
    a->len += b->len;
    a->hr_sum += b->hr_sum;
    a->hr_n += b->hr_n;
}

/* Directions from the anchor that pass within the tolerance of every skipped point. */
typedef struct cone {
    int set;         /* 0: no constraint yet */
    double lox, loy; /* clockwise-most allowed direction (unit) */
    double hix, hiy; /* counter-clockwise-most allowed direction (unit) */
} cone;

static int cone_holds(const cone *c, double vx, double vy)
{
    return !c->set || (c->lox * vy - c->loy * vx >= 0.0 && vx * c->hiy - vy * c->hix >= 0.0);
}

/* Narrow the cone to the rays passing within tol of v (|v| = d > tol); v holds already. */
static void cone_add(cone *c, double vx, double vy, double d, double tol)
{
    double s = tol / d, co = sqrt(1.0 - s * s), ux = vx / d, uy = vy / d;
    double lox = ux * co + uy * s, loy = -ux * s + uy * co; /* u turned by -asin(s) */
    double hix = ux * co - uy * s, hiy = ux * s + uy * co;  /* u turned by +asin(s) */

    if (!c->set) {
        c->set = 1;
        c->lox = lox, c->loy = loy, c->hix = hix, c->hiy = hiy;
        return;
    }
    if (c->lox * loy - c->loy * lox > 0.0) /* the new bound is counter-clockwise of lo */
        c->lox = lox, c->loy = loy;
    if (c->hix * hiy - c->hiy * hix < 0.0) /* the new bound is clockwise of hi */
        c->hix = hix, c->hiy = hiy;
}

/* Length of the step from point m to point m + 1, in the runs' units. */
static double step_len(const double *xy, size_t m)
{
    double dx = xy[2 * m + 2] - xy[2 * m], dy = xy[2 * m + 3] - xy[2 * m + 1];

    return sqrt(dx * dx + dy * dy);
}

/* The longer of point m's original steps (m in run [a, b)), in the units of `in`. */
static double vstep_of(const hm_runs *in, size_t a, size_t b, size_t m)
{
    double s0, s1;

    if (in->vstep)
        return in->vstep[m];
    s0 = m > a ? step_len(in->xy, m - 1) : 0.0;
    s1 = m + 1 < b ? step_len(in->xy, m) : 0.0;
    return s0 > s1 ? s0 : s1;
}

/*
 * Index of the next point to keep after anchor s in run [a, b). A point
 * farther than tol from the anchor is skipped only when it is part of dense
 * sampling (both its original steps shorter than a pixel of the new level):
 * a vertex between longer steps carries the track's shape and stays, as the
 * plain radial rule would keep it.
 */
static size_t stretch(const hm_runs *in, size_t a, size_t s, size_t b, double scale, double tol,
                      double max_len)
{
    const double *xy = in->xy;
    double ax = xy[2 * s] * scale, ay = xy[2 * s + 1] * scale, maxd = 0.0, prev_d = 0.0;
    size_t j, best = 0;
    cone c;

    c.set = 0;
    for (j = s + 1; j < b; j++) {
        double vx = xy[2 * j] * scale - ax, vy = xy[2 * j + 1] * scale - ay;
        double d = sqrt(vx * vx + vy * vy);

        /* Going on past j - 1 skips it: only a dense-sampling point may be skipped. */
        if (j > s + 1 && prev_d > tol && !(vstep_of(in, a, b, j - 1) * scale < 1.0))
            break;
        prev_d = d;
        if (d <= tol) {
            if (j + 1 == b)
                return j; /* the run's end is kept even when it is close */
            continue;
        }
        if (best && (d > max_len || !cone_holds(&c, vx, vy) || d + tol < maxd))
            break;
        best = j;
        cone_add(&c, vx, vy, d, tol);
        if (d > maxd)
            maxd = d;
    }
    return best ? best : b - 1;
}

int hm_lod__build(hm_runs *out, hm_ctx *ctx, const hm_runs *in, double scale, double tolerance,
                  double max_len)
{
    size_t r, n = 0;
    void *p;

    memset(out, 0, sizeof(*out));
    out->xy = hm_ctx__reallocarray(ctx, NULL, in->npoints ? in->npoints : 1, 2 * sizeof(double));
    out->seg = hm_ctx__reallocarray(ctx, NULL, in->npoints ? in->npoints : 1, sizeof(hm_seg_attr));
    out->run_first = hm_ctx__calloc(ctx, in->nruns + 1, sizeof(size_t));
    out->run_act = hm_ctx__calloc(ctx, in->nruns ? in->nruns : 1, sizeof(uint32_t));
    out->vstep = hm_ctx__reallocarray(ctx, NULL, in->npoints ? in->npoints : 1, sizeof(float));
    if (!out->xy || !out->seg || !out->run_first || !out->run_act || !out->vstep) {
        hm_runs__free(out, ctx);
        return HM_RAISE_NOMEM(ctx);
    }
    for (r = 0; r < in->nruns; r++) {
        size_t a = in->run_first[r], b = in->run_first[r + 1], s = a, i;

        out->run_first[r] = n;
        out->run_act[r] = in->run_act[r];
        out->xy[2 * n] = in->xy[2 * a] * scale;
        out->xy[2 * n + 1] = in->xy[2 * a + 1] * scale;
        out->vstep[n] = (float)(vstep_of(in, a, b, a) * scale);
        n++;
        while (s + 1 < b) {
            size_t e = stretch(in, a, s, b, scale, tolerance, max_len);
            hm_seg_attr acc = in->seg[s];

            for (i = s + 1; i < e; i++)
                attr_add(&acc, &in->seg[i]);
            out->seg[n - 1] = acc;
            out->xy[2 * n] = in->xy[2 * e] * scale;
            out->xy[2 * n + 1] = in->xy[2 * e + 1] * scale;
            out->vstep[n] = (float)(vstep_of(in, a, b, e) * scale);
            memset(&out->seg[n], 0, sizeof(out->seg[n]));
            n++;
            s = e;
        }
    }
    out->run_first[in->nruns] = n;
    out->nruns = in->nruns;
    out->npoints = n;
    hm_lod__merge_pixels(out);
    n = out->npoints;
    if (n && (p = hm_ctx__reallocarray(ctx, out->xy, n, 2 * sizeof(double))) != NULL)
        out->xy = p;
    if (n && (p = hm_ctx__reallocarray(ctx, out->seg, n, sizeof(hm_seg_attr))) != NULL)
        out->seg = p;
    if (n && (p = hm_ctx__reallocarray(ctx, out->vstep, n, sizeof(float))) != NULL)
        out->vstep = p;
    return HM_OK;
}

static int same_pixel(const double *p, const double *q)
{
    return floor(p[0]) == floor(q[0]) && floor(p[1]) == floor(q[1]);
}

void hm_lod__merge_pixels(hm_runs *runs)
{
    size_t r, o = 0;

    for (r = 0; r < runs->nruns; r++) {
        size_t a = runs->run_first[r], b = runs->run_first[r + 1], i;

        runs->run_first[r] = o;
        for (i = a; i < b; i++) {
            const double *p = runs->xy + 2 * i;
            /* Interior of a same-pixel streak: its segment joins the kept one before it. */
            if (i > a && i + 1 < b && same_pixel(p - 2, p) && same_pixel(p, p + 2)) {
                attr_add(&runs->seg[o - 1], &runs->seg[i]);
                continue;
            }
            runs->xy[2 * o] = p[0];
            runs->xy[2 * o + 1] = p[1];
            runs->seg[o] = runs->seg[i];
            if (runs->vstep)
                runs->vstep[o] = runs->vstep[i];
            o++;
        }
    }
    runs->run_first[runs->nruns] = o;
    runs->npoints = o;
}
