/* SPDX-License-Identifier: MIT */
/*
 * The pixels of a segment: the one definition that the block renderer
 * (src/raster/render.c) draws and the levels of detail (src/index/lod.c)
 * preserve. A pixel is the half-open square [i, i+1) x [j, j+1), and a
 * segment covers it when some point of the segment lies in it (an exact
 * supercover). Row by row, the segment's x range within the row band comes
 * from one formula of the segment alone (x at the row's top and bottom
 * edges), so a traversal clipped to some rows yields exactly the spans the
 * whole traversal yields for those rows: blocks meet without gap or double
 * count, and the LOD check sees what any block will draw. Consecutive rows
 * share their edge x, so the line is connected.
 *
 * Shape: a static inline traversal that hands each row's column span to a
 * callback. Both are forced inline (the callback is a static function whose
 * address is a constant at the call site), so the renderer's per-pixel loop
 * has no call in it and there is still only one copy of the geometry.
 */
#ifndef HM_INDEX_SUPERCOVER_INT_H
#define HM_INDEX_SUPERCOVER_INT_H

#include <stdint.h>

/* For the traversal and for its callbacks: they run hundreds of thousands of times per block. */
#if defined(__GNUC__)
#define HM_SUPERCOVER_INLINE static inline __attribute__((always_inline))
#else
#define HM_SUPERCOVER_INLINE static inline
#endif

/* floor() of a pixel coordinate without a libm call; |v| < 2^52 (the index clamps points). */
HM_SUPERCOVER_INLINE int64_t hm_supercover__floor(double v)
{
    int64_t i = (int64_t)v;

    return i - ((double)i > v);
}

/* Receives columns c0..c1 (c0 <= c1) of one row; rows come in increasing order, once each. */
typedef void (*hm_supercover_span_fn)(int64_t row, int64_t c0, int64_t c1, void *payload);

/*
 * Yield the pixels of segment (x0, y0)-(x1, y1) that lie in rows
 * row_min..row_max (inclusive), one span per row. Coordinates are pixels
 * of the level, |v| < 2^52. Pass a static function as `span`, so that it is
 * inlined too.
 */
HM_SUPERCOVER_INLINE void hm_supercover__spans(double x0, double y0, double x1, double y1,
                                               int64_t row_min, int64_t row_max,
                                               hm_supercover_span_fn span, void *payload)
{
    int64_t i0 = hm_supercover__floor(x0), j0 = hm_supercover__floor(y0);
    int64_t i1 = hm_supercover__floor(x1), j1 = hm_supercover__floor(y1);
    int64_t j, jlo, jhi, ca;
    double slope, xa;

    /* Within one row (or column) every point is in it: the ends give the exact span. This
     * is most segments at the coarse levels, where they are about a pixel long. */
    if (j0 == j1) {
        if (j0 >= row_min && j0 <= row_max)
            span(j0, i0 < i1 ? i0 : i1, i0 < i1 ? i1 : i0, payload);
        return;
    }
    if (y0 > y1) {
        double t = x0;
        int64_t u = i0;
        x0 = x1, x1 = t, i0 = i1, i1 = u;
        t = y0, y0 = y1, y1 = t;
        u = j0, j0 = j1, j1 = u;
    }
    jlo = j0 > row_min ? j0 : row_min;
    jhi = j1 < row_max ? j1 : row_max;
    if (i0 == i1) {
        for (j = jlo; j <= jhi; j++)
            span(j, i0, i0, payload);
        return;
    }
    slope = (x1 - x0) / (y1 - y0);
    /* x where the segment enters the first row yielded (its start, or that row's top edge). */
    xa = jlo == j0 ? x0 : x0 + ((double)jlo - y0) * slope;
    ca = jlo == j0 ? i0 : hm_supercover__floor(xa);
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
            cb = next = hm_supercover__floor(xb);
            if (xb > xa && (double)cb == xb)
                cb--;
        }
        span(j, ca < cb ? ca : cb, ca < cb ? cb : ca, payload);
        xa = xb; /* the next row enters where this one left */
        ca = next;
    }
}

#endif /* HM_INDEX_SUPERCOVER_INT_H */
