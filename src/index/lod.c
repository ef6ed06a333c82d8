/* SPDX-License-Identifier: MIT */
/*
 * Simplification for the levels of detail. Invariant: a pixel of level k
 * counts exactly the distinct activities whose original track meets the
 * pixel's footprint, as if the unsimplified tracks were drawn at level k.
 *
 * 1. Corridor simplification (hm_lod__build), as a pre-filter. From the last
 *    kept point (the anchor), the segment is stretched over the following
 *    points for as long as every point it skips stays within `tolerance`
 *    (half a pixel of the new level) of it and it stays shorter than
 *    `max_len`; a straight street becomes a few segments of max_len pixels
 *    instead of one per pixel, which is what keeps overview blocks cheap
 *    when thousands of activities share the same streets. The test is O(1)
 *    per point: every skipped point farther than the tolerance narrows a
 *    cone of directions (from the anchor, the rays passing within the
 *    tolerance of it), and a candidate end is accepted while its direction
 *    stays inside the cone and it does not fall short of a skipped point.
 *    Only dense sampling (points whose steps to both neighbours in the
 *    original track are shorter than a pixel) is stretched over; a vertex
 *    between longer steps is shape, and stays. Kept points carry their
 *    original step length (hm_runs.vstep) up the levels, so a level built
 *    from the previous one still tells shape from sampling.
 *
 * 2. The exactness check. Half a pixel is enough to move a line into the
 *    next pixel, so of the ends the corridor reaches, the farthest one e is
 *    kept whose segment anchor -> e covers exactly the level-k pixels of
 *    the input sub-polyline anchor .. e (both traversed at level k with the
 *    renderer's own supercover, src/index/supercover_int.h); the next point
 *    always qualifies. Why counts stay exact, by induction on k: level 0 is
 *    the original tracks after same-pixel merging (3., exact). A pixel
 *    (i, j) of level k is the union of the four pixels (2i + a, 2j + b) of
 *    level k - 1 (coordinates are halved exactly), so the level-k pixels of
 *    any polyline are the parents of its level-(k - 1) pixels. Level k - 1
 *    has, run by run, the pixels of the original run there, so it has its
 *    parents at level k too; each kept segment has the pixels of the
 *    sub-polyline it replaces, so every run of level k covers exactly the
 *    level-k pixels of its original run, and an activity meets a pixel at
 *    level k exactly when its original track does. (Exact as far as the
 *    traversal is: it computes row-edge crossings in floating point, so a
 *    line within about 1e-12 px of a pixel corner may be decided
 *    differently at two levels.) The check costs a few short traversals per
 *    point in a small stamped square, at build (open) time only, never per
 *    block.
 *    Attributes: the dropped segments' duration, length and heart rate are
 *    added to the kept segment, so totals stay exact, but a pixel that only
 *    part of the merged span crossed gets the whole span's sums: at coarse
 *    levels, pace and heart rate are averages over spans of up to max_len
 *    pixels. Counts and recency are exact. Run ends are always kept, and
 *    each level is built from the previous one, so the cost over all levels
 *    stays a small multiple of level 0.
 *
 * 3. Same-pixel merging (hm_lod__merge_pixels), exact: inside a run of
 *    consecutive points that fall in one pixel, only the first and the last
 *    are needed. A pixel is a convex square, so the dropped sub-segments lie
 *    in it, and so does the segment that replaces them: every pixel, count
 *    and sum the renderer computes stays the same. This is the only thing
 *    done to level 0, and it ends every build of a coarser level.
 */
#include <math.h>
#include <string.h>

#include "index/lod_int.h"
#include "index/supercover_int.h"

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
 * The exactness check. For the current anchor, `cover` holds the union U
 * of the level-k pixels of the input sub-polyline from the anchor on,
 * recording for every pixel the point at which it joined, and how many
 * pixels U had after each point; a candidate end e is exact when the pixels
 * V of the segment anchor -> e are exactly those that joined by point e. V
 * has no pixel twice (one span per row), so V == U is "every pixel of V is
 * in U by then, and there are as many". Pixels are kept in a COVER_SIDE
 * square around the anchor's pixel, stamped per anchor so nothing is ever
 * cleared: the corridor reaches at most max_len (8) pixels (only the next
 * point, which needs no check, may be farther), and a candidate whose
 * pixels reach outside the square just fails.
 */
#define COVER_SIDE 32
/* Points looked at past an anchor: bounds the backward search on a long stop's jitter. */
#define STRETCH_MAX_POINTS 256

typedef struct cover {
    int64_t ox, oy;                          /* level pixel of cell (0, 0) */
    uint32_t gen;                            /* stamp of the current anchor */
    uint32_t cur;                            /* point being added or checked, from the anchor */
    uint32_t n;                              /* distinct pixels in U */
    uint32_t overflow;                       /* first point that left the square; or max */
    uint32_t nv;                             /* pixels of V seen so far */
    int miss;                                /* 1: a pixel of V is not (yet) in U */
    uint32_t stamp[COVER_SIDE * COVER_SIDE]; /* gen of the anchor whose U has the pixel */
    uint32_t step[COVER_SIDE * COVER_SIDE];  /* point (from the anchor) that added it to U */
    uint32_t upto[STRETCH_MAX_POINTS + 1];   /* [p]: pixels in U once point p is added */
} cover;

static void cover_start(cover *cv, double ax, double ay)
{
    if (++cv->gen == 0) { /* wrapped: old stamps could look current */
        memset(cv->stamp, 0, sizeof(cv->stamp));
        cv->gen = 1;
    }
    cv->ox = hm_supercover__floor(ax) - COVER_SIDE / 2;
    cv->oy = hm_supercover__floor(ay) - COVER_SIDE / 2;
    cv->n = 0;
    cv->overflow = UINT32_MAX;
}

HM_SUPERCOVER_INLINE void add_span(int64_t row, int64_t c0, int64_t c1, void *payload)
{
    cover *cv = payload;
    int64_t base = (row - cv->oy) * COVER_SIDE - cv->ox, c;

    for (c = c0; c <= c1; c++) {
        size_t k = (size_t)(base + c);
        if (cv->stamp[k] == cv->gen)
            continue;
        cv->stamp[k] = cv->gen;
        cv->step[k] = cv->cur;
        cv->n++;
    }
}

HM_SUPERCOVER_INLINE void check_span(int64_t row, int64_t c0, int64_t c1, void *payload)
{
    cover *cv = payload;
    int64_t base = (row - cv->oy) * COVER_SIDE - cv->ox, c;

    for (c = c0; c <= c1; c++) {
        size_t k = (size_t)(base + c);
        cv->miss |= cv->stamp[k] != cv->gen || cv->step[k] > cv->cur;
    }
    cv->nv += (uint32_t)(c1 - c0 + 1);
}

/*
 * Add the pixels of input segment `step` - 1 -> `step` (level-k coordinates) to U. Many
 * input segments stay in one pixel of the coarser level, already in U (except the first).
 */
static void cover_add(cover *cv, double x0, double y0, double x1, double y1, uint32_t step)
{
    int64_t i0 = hm_supercover__floor(x0) - cv->ox, j0 = hm_supercover__floor(y0) - cv->oy;
    int64_t i1 = hm_supercover__floor(x1) - cv->ox, j1 = hm_supercover__floor(y1) - cv->oy;

    if (cv->overflow != UINT32_MAX) {
        return; /* every later candidate fails anyway */
    } else if (!(i0 >= 0 && i0 < COVER_SIDE && j0 >= 0 && j0 < COVER_SIDE && i1 >= 0 &&
                 i1 < COVER_SIDE && j1 >= 0 && j1 < COVER_SIDE)) {
        cv->overflow = step;
        return;
    } else if (!(i0 == i1 && j0 == j1 && step > 1)) {
        cv->cur = step;
        hm_supercover__spans(x0, y0, x1, y1, INT64_MIN, INT64_MAX, add_span, cv);
    }
    cv->upto[step] = cv->n;
}

/* 1 when the segment anchor -> end (point `step`) covers exactly the pixels of U by then. */
static int cover_equal(cover *cv, double ax, double ay, double ex, double ey, uint32_t step)
{
    int64_t i0 = hm_supercover__floor(ax) - cv->ox, j0 = hm_supercover__floor(ay) - cv->oy;
    int64_t i1 = hm_supercover__floor(ex) - cv->ox, j1 = hm_supercover__floor(ey) - cv->oy;

    if (step >= cv->overflow || i1 < 0 || i1 >= COVER_SIDE || j1 < 0 || j1 >= COVER_SIDE)
        return 0;
    /* A segment enters a new pixel only where it crosses a pixel line, at most once per
     * line: it has at most |di| + |dj| + 1 pixels. Most failures end here. */
    if (cv->upto[step] >
        (uint64_t)((i1 > i0 ? i1 - i0 : i0 - i1) + (j1 > j0 ? j1 - j0 : j0 - j1) + 1))
        return 0;
    cv->cur = step;
    cv->nv = 0;
    cv->miss = 0;
    hm_supercover__spans(ax, ay, ex, ey, INT64_MIN, INT64_MAX, check_span, cv);
    return !cv->miss && cv->nv == cv->upto[step];
}

/*
 * Index of the next point to keep after anchor s in run [a, b). The
 * corridor rule (see the top) says how far to look: while the skipped points
 * stay within tol of the segment and it stays within max_len, and only over
 * dense sampling (a point farther than tol from the anchor is skipped only
 * when both its original steps are shorter than a pixel of the new level).
 * Of the points it reaches, the farthest whose segment passes the
 * exactness check is kept; the next point always would (its segment is the
 * input's own).
 */
static size_t stretch(const hm_runs *in, size_t a, size_t s, size_t b, double scale, double tol,
                      double max_len, cover *cv)
{
    const double *xy = in->xy;
    double ax = xy[2 * s] * scale, ay = xy[2 * s + 1] * scale, maxd = 0.0, prev_d = 0.0;
    size_t j, last = s + 1;
    int far = 0;
    cone c;

    if (s + 2 >= b)
        return s + 1;
    c.set = 0;
    cover_start(cv, ax, ay);
    for (j = s + 1; j < b && j - s <= STRETCH_MAX_POINTS; j++) {
        double vx = xy[2 * j] * scale - ax, vy = xy[2 * j + 1] * scale - ay;
        double d = sqrt(vx * vx + vy * vy);

        /* Going on past j - 1 skips it: only a dense-sampling point may be skipped. */
        if (j > s + 1 && prev_d > tol && !(vstep_of(in, a, b, j - 1) * scale < 1.0))
            break;
        /* A point within tol of the anchor is no constraint; the first one beyond is
         * always reached (a longer original segment stays). */
        if (d > tol && far && (d > max_len || !cone_holds(&c, vx, vy) || d + tol < maxd))
            break;
        prev_d = d;
        cover_add(cv, xy[2 * j - 2] * scale, xy[2 * j - 1] * scale, xy[2 * j] * scale,
                  xy[2 * j + 1] * scale, (uint32_t)(j - s));
        last = j;
        if (d > tol) {
            far = 1;
            cone_add(&c, vx, vy, d, tol);
            if (d > maxd)
                maxd = d;
        }
    }
    for (j = last; j > s + 1; j--)
        if (cover_equal(cv, ax, ay, xy[2 * j] * scale, xy[2 * j + 1] * scale, (uint32_t)(j - s)))
            return j;
    return s + 1;
}

int hm_lod__build(hm_runs *out, hm_ctx *ctx, const hm_runs *in, double scale, double tolerance,
                  double max_len)
{
    size_t r, n = 0;
    cover *cv;
    void *p;

    memset(out, 0, sizeof(*out));
    cv = hm_ctx__malloc(ctx, sizeof(*cv));
    out->xy = hm_ctx__reallocarray(ctx, NULL, in->npoints ? in->npoints : 1, 2 * sizeof(double));
    out->seg = hm_ctx__reallocarray(ctx, NULL, in->npoints ? in->npoints : 1, sizeof(hm_seg_attr));
    out->run_first = hm_ctx__calloc(ctx, in->nruns + 1, sizeof(size_t));
    out->run_act = hm_ctx__calloc(ctx, in->nruns ? in->nruns : 1, sizeof(uint32_t));
    out->vstep = hm_ctx__reallocarray(ctx, NULL, in->npoints ? in->npoints : 1, sizeof(float));
    if (!cv || !out->xy || !out->seg || !out->run_first || !out->run_act || !out->vstep) {
        hm_ctx__free(ctx, cv);
        hm_runs__free(out, ctx);
        return HM_RAISE_NOMEM(ctx);
    }
    memset(cv->stamp, 0, sizeof(cv->stamp));
    cv->gen = 0;
    for (r = 0; r < in->nruns; r++) {
        size_t a = in->run_first[r], b = in->run_first[r + 1], s = a, i;

        out->run_first[r] = n;
        out->run_act[r] = in->run_act[r];
        out->xy[2 * n] = in->xy[2 * a] * scale;
        out->xy[2 * n + 1] = in->xy[2 * a + 1] * scale;
        out->vstep[n] = (float)(vstep_of(in, a, b, a) * scale);
        n++;
        while (s + 1 < b) {
            size_t e = stretch(in, a, s, b, scale, tolerance, max_len, cv);
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
    hm_ctx__free(ctx, cv);
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
