/* SPDX-License-Identifier: MIT */
/*
 * Privacy: what a public heatmap must not show. Every part of every run
 * within a privacy zone (a circle in ground metres around a point) is cut
 * away, and so are the first and last TRIM_ENDS metres of each activity.
 * Runs are cut exactly where they cross the circle or the distance mark,
 * not at the nearest fix: a segment whose ends both lie outside a zone but
 * which passes through it loses the part inside (testing the fixes alone
 * would let a line cross the zone). This happens once, when the store is
 * built, before anything else is derived from the tracks, so nothing hidden
 * reaches any level of detail, band, style statistic or location query.
 *
 * Geometry: runs are in web mercator metres, and a drawn segment is the
 * straight line between its ends there. A point of it at parameter t is
 * taken back to degrees (inverse mercator, exact) and its ground distance to
 * a zone's centre is the haversine distance. Along a segment that distance
 * first falls then rises (a straight line passes a point once), so its
 * minimum is found by ternary search and each crossing of the radius by
 * bisection, to 1e-12 of the segment: far below a store unit. Lengths for
 * TRIM_ENDS are the great-circle lengths of the segments, shared along a
 * segment in proportion of t. A cut segment keeps the share of its duration,
 * length and heart-rate weight that the kept part has, so pace and heart
 * rate stay the segment's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "track/geo_int.h"
#include "track/privacy_int.h"
#include "track/project_int.h"

#define ITERATIONS 100 /* halvings and thirds: enough for 1e-12 of a segment */
#define MAX_HIDDEN 16  /* hidden intervals of one segment (zones are few) */

static double zone_distance(const hm_privacy_zone *z, const double *p, const double *q, double t)
{
    double lat, lon;

    hm_project__web_inverse(p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]), &lon, &lat);
    return hm_geo__distance_m(z->lat, z->lon, lat, lon);
}

/* Where d(t) - r changes sign in [a, b] (d(a) - r and d(b) - r of opposite signs). */
static double crossing(const hm_privacy_zone *z, const double *p, const double *q, double a,
                       double b)
{
    int inside_a = zone_distance(z, p, q, a) < z->radius, i;

    for (i = 0; i < ITERATIONS; i++) {
        double m = 0.5 * (a + b);
        if ((zone_distance(z, p, q, m) < z->radius) == inside_a)
            a = m;
        else
            b = m;
    }
    return 0.5 * (a + b);
}

/* The part [*t0, *t1] of segment p -> q inside zone z; 0 when none. */
static int zone_interval(const hm_privacy_zone *z, const double *p, const double *q, double *t0,
                         double *t1)
{
    double a = 0.0, b = 1.0, tmin;
    int i;

    for (i = 0; i < ITERATIONS; i++) { /* ternary search of the nearest point */
        double m1 = a + (b - a) / 3.0, m2 = b - (b - a) / 3.0;
        if (zone_distance(z, p, q, m1) < zone_distance(z, p, q, m2))
            b = m2;
        else
            a = m1;
    }
    tmin = 0.5 * (a + b);
    if (!(zone_distance(z, p, q, tmin) < z->radius))
        return 0;
    *t0 = zone_distance(z, p, q, 0.0) < z->radius ? 0.0 : crossing(z, p, q, 0.0, tmin);
    *t1 = zone_distance(z, p, q, 1.0) < z->radius ? 1.0 : crossing(z, p, q, tmin, 1.0);
    return 1;
}

/* 1 when segment p -> q may come near zone z (a cheap box test in mercator metres). */
static int may_meet(const hm_privacy_zone *z, const double *p, const double *q)
{
    double zx, zy, reach;

    hm_project__web(z->lon, z->lat, &zx, &zy);
    /* A ground metre is 1 / cos(lat) mercator metres; 2x covers the circle's whole height. */
    reach = 2.0 * z->radius / cos(fmin(fabs(z->lat), 85.06) * M_PI / 180.0) + 1.0;
    return !(fmax(p[0], q[0]) < zx - reach || fmin(p[0], q[0]) > zx + reach ||
             fmax(p[1], q[1]) < zy - reach || fmin(p[1], q[1]) > zy + reach);
}

/* Growable output runs. */
typedef struct cutter {
    hm_ctx *ctx;
    hm_runs out;
    size_t cap_xy, cap_seg, cap_first, cap_act;
    size_t start; /* first point of the open run */
    int open;     /* 1 while a run is being written */
    uint32_t act; /* its activity */
} cutter;

static int put_point(cutter *c, double x, double y)
{
    hm_runs *r = &c->out;
    int rc;

    if ((rc = hm_ctx__grow(c->ctx, (void **)&r->xy, &c->cap_xy, r->npoints + 1,
                           2 * sizeof(double))) != HM_OK ||
        (rc = hm_ctx__grow(c->ctx, (void **)&r->seg, &c->cap_seg, r->npoints + 1,
                           sizeof(hm_seg_attr))) != HM_OK)
        return rc;
    r->xy[2 * r->npoints] = x;
    r->xy[2 * r->npoints + 1] = y;
    memset(&r->seg[r->npoints], 0, sizeof(hm_seg_attr));
    r->npoints++;
    return HM_OK;
}

static int close_run(cutter *c)
{
    hm_runs *r = &c->out;
    int rc;

    if (!c->open)
        return HM_OK;
    c->open = 0;
    if (r->npoints - c->start < 2) {
        r->npoints = c->start;
        return HM_OK;
    }
    if ((rc = hm_ctx__grow(c->ctx, (void **)&r->run_first, &c->cap_first, r->nruns + 2,
                           sizeof(*r->run_first))) != HM_OK ||
        (rc = hm_ctx__grow(c->ctx, (void **)&r->run_act, &c->cap_act, r->nruns + 1,
                           sizeof(*r->run_act))) != HM_OK)
        return rc;
    memset(&r->seg[r->npoints - 1], 0, sizeof(hm_seg_attr));
    r->run_first[r->nruns] = c->start;
    r->run_act[r->nruns++] = c->act;
    r->run_first[r->nruns] = r->npoints;
    return HM_OK;
}

static int open_run(cutter *c, uint32_t act, double x, double y)
{
    int rc;

    if ((rc = close_run(c)) != HM_OK)
        return rc;
    c->start = c->out.npoints;
    c->open = 1;
    c->act = act;
    return put_point(c, x, y);
}

static int cmp_interval(const void *a, const void *b)
{
    const double *x = a, *y = b;

    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Great-circle length of a segment in mercator metres. */
static double ground_length(const double *p, const double *q)
{
    double la0, lo0, la1, lo1;

    hm_project__web_inverse(p[0], p[1], &lo0, &la0);
    hm_project__web_inverse(q[0], q[1], &lo1, &la1);
    return hm_geo__distance_m(la0, lo0, la1, lo1);
}

int hm_privacy__apply(hm_runs *runs, hm_ctx *ctx, const hm_privacy *pv)
{
    cutter c;
    size_t r, i, a0, a1;
    int rc = HM_OK;

    if (pv->nzones == 0 && !(pv->trim_ends > 0.0))
        return HM_OK;
    memset(&c, 0, sizeof(c));
    c.ctx = ctx;
    /* One activity at a time: its runs are consecutive (run_act nondecreasing). */
    for (a0 = 0; a0 < runs->nruns && rc == HM_OK; a0 = a1) {
        double total = 0.0, done = 0.0;

        for (a1 = a0; a1 < runs->nruns && runs->run_act[a1] == runs->run_act[a0]; a1++)
            for (i = runs->run_first[a1]; i + 1 < runs->run_first[a1 + 1]; i++)
                total += ground_length(runs->xy + 2 * i, runs->xy + 2 * i + 2);
        for (r = a0; r < a1 && rc == HM_OK; r++) {
            uint32_t act = runs->run_act[r];
            size_t first = runs->run_first[r], last = runs->run_first[r + 1];

            for (i = first; i + 1 < last && rc == HM_OK; i++) {
                const double *p = runs->xy + 2 * i, *q = p + 2;
                const hm_seg_attr *attr = &runs->seg[i];
                double hidden[MAX_HIDDEN + 2][2], len = ground_length(p, q), at = 0.0;
                size_t nh = 0, z, k;

                /* The hidden parts of this segment, as t intervals. */
                if (pv->trim_ends > 0.0 && len > 0.0) {
                    if (done < pv->trim_ends) {
                        hidden[nh][0] = 0.0;
                        hidden[nh++][1] = fmin(1.0, (pv->trim_ends - done) / len);
                    }
                    if (done + len > total - pv->trim_ends) {
                        hidden[nh][0] = fmax(0.0, (total - pv->trim_ends - done) / len);
                        hidden[nh++][1] = 1.0;
                    }
                } else if (pv->trim_ends > 0.0 && (done < pv->trim_ends ||
                                                   done > total - pv->trim_ends)) {
                    hidden[nh][0] = 0.0; /* a zero-length segment in a trimmed end */
                    hidden[nh++][1] = 1.0;
                }
                done += len;
                for (z = 0; z < pv->nzones && nh < MAX_HIDDEN + 2; z++) {
                    double t0, t1;
                    if (may_meet(&pv->zones[z], p, q) &&
                        zone_interval(&pv->zones[z], p, q, &t0, &t1)) {
                        hidden[nh][0] = t0;
                        hidden[nh++][1] = t1;
                    }
                }
                if (nh > 1)
                    qsort(hidden, nh, sizeof(hidden[0]), cmp_interval);
                /* The kept parts, between the hidden ones. A part hidden from the start
                 * ends the run that came to this segment's first point. */
                if (nh && hidden[0][0] <= 0.0)
                    rc = close_run(&c);
                else if (i == first)
                    rc = open_run(&c, act, p[0], p[1]);
                for (k = 0; k <= nh && rc == HM_OK; k++) {
                    double b = k < nh ? hidden[k][0] : 1.0;
                    if (b > at) {
                        double f = b - at;
                        if (!c.open)
                            rc = open_run(&c, act, p[0] + at * (q[0] - p[0]),
                                          p[1] + at * (q[1] - p[1]));
                        if (rc == HM_OK) {
                            hm_seg_attr *s = &c.out.seg[c.out.npoints - 1];
                            s->dt = attr->dt * (float)f;
                            s->len = attr->len * (float)f;
                            s->hr_sum = attr->hr_sum * (float)f;
                            s->hr_n = attr->hr_n * (float)f;
                            if (b >= 1.0)
                                rc = put_point(&c, q[0], q[1]);
                            else
                                rc = put_point(&c, p[0] + b * (q[0] - p[0]),
                                               p[1] + b * (q[1] - p[1]));
                        }
                        if (rc == HM_OK && b < 1.0)
                            rc = close_run(&c);
                    }
                    if (k < nh && hidden[k][1] > at)
                        at = hidden[k][1];
                }
            }
            if (rc == HM_OK)
                rc = close_run(&c);
        }
    }
    if (rc == HM_OK && !c.out.run_first &&
        hm_ctx__grow(ctx, (void **)&c.out.run_first, &c.cap_first, 1, sizeof(size_t)) != HM_OK)
        rc = HM_RAISE_NOMEM(ctx);
    if (rc != HM_OK) {
        hm_runs__free(&c.out, ctx);
        return rc;
    }
    if (c.out.nruns == 0)
        c.out.run_first[0] = 0;
    hm_runs__free(runs, ctx);
    *runs = c.out;
    return HM_OK;
}
