/* SPDX-License-Identifier: MIT */
/*
 * Cleaning: from activities as recorded to runs that can be drawn. One pass
 * per activity: filter it (date, sport, virtual), keep the fixes that are
 * places on Earth, project them in one batch, then walk them joining
 * consecutive fixes unless the recording jumped. A jump is a fix farther
 * than max_gap from the previous one, a move faster than 60 m/s over more
 * than 100 m (no athlete does that; a GPS re-acquiring does), or a time gap
 * over 5 min that comes with a move over 200 m (the device was off while
 * the athlete moved). Fixes without a position are skipped, not breaks:
 * the line joins the fixes around them, subject to the same rules. A run
 * of one fix draws nothing and is dropped. File segments (trkseg, laps,
 * timer start/stop) are not breaks either: only the distance and time
 * between fixes decide, so a paused-and-resumed recording stays one line.
 *
 * Segment attributes are computed here, once, from the unprojected fixes:
 * great-circle length, duration, heart rate. A segment counts for pace only
 * when it is a plausible movement (0.5..60 m/s, at most 60 s long), so
 * stops and pauses do not drag the pace of a street down.
 */
#include <math.h>
#include <string.h>

#include "track/geo_int.h"
#include "track/project_int.h"
#include "track/track_int.h"

/* Growable output state of hm_tracks__build. */
typedef struct cleaner {
    hm_ctx *ctx;               /* allocator */
    hm_tracks *out;            /* being filled */
    size_t cap_points;         /* allocated entries (x, y pairs) of out->runs.xy */
    size_t cap_seg;            /* allocated entries of out->runs.seg */
    size_t cap_runs;           /* allocated entries of run_first (one more than runs) */
    size_t cap_run_act;        /* allocated entries of run_act */
    size_t cap_acts;           /* allocated entries of out->act_start */
    size_t cap_act_index;      /* allocated entries of out->act_index */
    size_t cap_act_points;     /* allocated entries of out->act_points */
    size_t cap_act_tmin;       /* allocated entries of out->act_tmin */
    size_t cap_act_tmax;       /* allocated entries of out->act_tmax */
    double act_tmin, act_tmax; /* time range of the current activity's kept fixes, NaN */
    double *cand;              /* lon, lat -> x, y of the current activity's candidate fixes */
    size_t *cand_idx;          /* index in the activity's points of each candidate */
    size_t cap_cand;           /* allocated candidates */
    size_t run_start;          /* first output point of the open run */
    double run_bbox[4];        /* bbox of the open run */
    double run_tmin, run_tmax; /* time range of the open run's fixes, NaN when none */
} cleaner;

void hm_runs__free(hm_runs *r, hm_ctx *ctx)
{
    hm_ctx__free(ctx, r->xy);
    hm_ctx__free(ctx, r->seg);
    hm_ctx__free(ctx, r->run_first);
    hm_ctx__free(ctx, r->run_act);
    hm_ctx__free(ctx, r->vstep);
    memset(r, 0, sizeof(*r));
}

void hm_tracks__free(hm_tracks *t)
{
    if (!t->ctx)
        return;
    hm_runs__free(&t->runs, t->ctx);
    hm_ctx__free(t->ctx, t->act_start);
    hm_ctx__free(t->ctx, t->act_index);
    hm_ctx__free(t->ctx, t->act_points);
    hm_ctx__free(t->ctx, t->act_tmin);
    hm_ctx__free(t->ctx, t->act_tmax);
    t->act_start = NULL;
    t->act_index = NULL;
    t->act_points = NULL;
    t->act_tmin = NULL;
    t->act_tmax = NULL;
    t->nacts = 0;
}

int hm_clean__accept_meta(int is_virtual, double start, const hm_clean_options *o)
{
    if (is_virtual && !o->include_virtual)
        return 0;
    /* An unknown start time cannot satisfy a date limit. */
    if (!isnan(o->date_from) && !(start >= o->date_from))
        return 0;
    return isnan(o->date_to) || start < o->date_to;
}

int hm_clean__accept(const hm_activity *a, const hm_clean_options *o)
{
    return hm_clean__accept_meta(hm_activity_get_virtual(a), hm_activity_get_start_time(a), o);
}

static int valid_position(const hm_point *p, double max_lat)
{
    if (!isfinite(p->lat) || !isfinite(p->lon))
        return 0;
    if (fabs(p->lat) > max_lat || fabs(p->lon) > 180.0)
        return 0;
    /* "Null island": a device with no fix writing zeros, not a place someone ran. */
    return !(p->lat == 0.0 && p->lon == 0.0);
}

static int valid_hr(float hr)
{
    return isfinite(hr) && hr > 0.0f && hr < 300.0f;
}

/* 1 when the recording jumped between fixes p and q, d m apart. */
static int is_jump(const hm_point *p, const hm_point *q, double d, const hm_clean_options *o)
{
    if (o->max_gap > 0.0 && d > o->max_gap)
        return 1;
    if (isfinite(p->time) && isfinite(q->time)) {
        double dt = q->time - p->time;
        if (d > HM_CLEAN_TELEPORT_MIN && (dt <= 0.0 || d / dt > HM_CLEAN_MAX_SPEED))
            return 1;
        if (dt > HM_CLEAN_PAUSE_GAP && d > HM_CLEAN_PAUSE_JUMP)
            return 1;
    }
    return 0;
}

static hm_seg_attr segment_attr(const hm_point *p, const hm_point *q, double d)
{
    hm_seg_attr a = {0.0f, 0.0f, 0.0f, 0.0f};

    if (isfinite(p->time) && isfinite(q->time)) {
        double dt = q->time - p->time;
        if (dt > 0.0 && dt <= HM_CLEAN_MAX_DT && d > 0.0) {
            double v = d / dt;
            if (v >= HM_CLEAN_STOP_SPEED && v <= HM_CLEAN_MAX_SPEED) {
                a.dt = (float)dt;
                a.len = (float)d;
            }
        }
    }
    if (valid_hr(p->hr) && valid_hr(q->hr)) {
        a.hr_sum = 0.5f * (p->hr + q->hr);
        a.hr_n = 1.0f;
    } else if (valid_hr(p->hr) || valid_hr(q->hr)) {
        a.hr_sum = valid_hr(p->hr) ? p->hr : q->hr;
        a.hr_n = 1.0f;
    }
    return a;
}

static void run_reset(cleaner *c)
{
    c->run_start = c->out->runs.npoints;
    c->run_bbox[0] = c->run_bbox[1] = INFINITY;
    c->run_bbox[2] = c->run_bbox[3] = -INFINITY;
    c->run_tmin = c->run_tmax = NAN;
}

static int append_point(cleaner *c, double x, double y, double t)
{
    hm_runs *r = &c->out->runs;
    size_t n = r->npoints;
    int rc;

    if ((rc = hm_ctx__grow(c->ctx, (void **)&r->xy, &c->cap_points, n + 1, 2 * sizeof(double))) !=
        HM_OK)
        return rc;
    if ((rc = hm_ctx__grow(c->ctx, (void **)&r->seg, &c->cap_seg, n + 1, sizeof(*r->seg))) != HM_OK)
        return rc;
    r->xy[2 * n] = x;
    r->xy[2 * n + 1] = y;
    memset(&r->seg[n], 0, sizeof(r->seg[n]));
    r->npoints = n + 1;
    c->run_bbox[0] = fmin(c->run_bbox[0], x);
    c->run_bbox[1] = fmin(c->run_bbox[1], y);
    c->run_bbox[2] = fmax(c->run_bbox[2], x);
    c->run_bbox[3] = fmax(c->run_bbox[3], y);
    if (isfinite(t)) {
        if (isnan(c->run_tmin) || t < c->run_tmin)
            c->run_tmin = t;
        if (isnan(c->run_tmax) || t > c->run_tmax)
            c->run_tmax = t;
    }
    return HM_OK;
}

/* Close the open run: keep it when it has a segment, else forget its lone point. */
static int close_run(cleaner *c, uint32_t act)
{
    hm_tracks *t = c->out;
    hm_runs *r = &t->runs;
    size_t n = r->npoints - c->run_start;
    int rc;

    if (n < 2) {
        r->npoints = c->run_start;
        run_reset(c);
        return HM_OK;
    }
    rc = hm_ctx__grow(c->ctx, (void **)&r->run_first, &c->cap_runs, r->nruns + 2,
                      sizeof(*r->run_first));
    if (rc == HM_OK)
        rc = hm_ctx__grow(c->ctx, (void **)&r->run_act, &c->cap_run_act, r->nruns + 1,
                          sizeof(*r->run_act));
    if (rc != HM_OK)
        return rc;
    r->run_first[r->nruns] = c->run_start;
    r->run_act[r->nruns] = act;
    r->nruns++;
    r->run_first[r->nruns] = r->npoints;
    t->bbox[0] = fmin(t->bbox[0], c->run_bbox[0]);
    t->bbox[1] = fmin(t->bbox[1], c->run_bbox[1]);
    t->bbox[2] = fmax(t->bbox[2], c->run_bbox[2]);
    t->bbox[3] = fmax(t->bbox[3], c->run_bbox[3]);
    if (!isnan(c->run_tmin)) {
        if (isnan(t->time_min) || c->run_tmin < t->time_min)
            t->time_min = c->run_tmin;
        if (isnan(t->time_max) || c->run_tmax > t->time_max)
            t->time_max = c->run_tmax;
        if (isnan(c->act_tmin) || c->run_tmin < c->act_tmin)
            c->act_tmin = c->run_tmin;
        if (isnan(c->act_tmax) || c->run_tmax > c->act_tmax)
            c->act_tmax = c->run_tmax;
    }
    run_reset(c);
    return HM_OK;
}

static int clean_activity(cleaner *c, const hm_activity *a, size_t index,
                          const hm_clean_options *o, hm_projector *proj)
{
    const hm_point *pts = hm_activity_get_points(a);
    size_t n = hm_activity_get_point_count(a), k = 0, i;
    double max_lat = hm_project__is_web(proj) ? HM_CLEAN_WEB_MAX_LAT : 90.0;
    hm_tracks *t = c->out;
    uint32_t act = (uint32_t)t->nacts;
    size_t runs_before = t->runs.nruns, points_before = t->runs.npoints;
    const hm_point *prev = NULL;
    int rc;

    if (t->nacts >= UINT32_MAX)
        return HM_RAISE(c->ctx, HM_EINVAL, NULL, 0, -1, "too many activities");
    if (n > c->cap_cand) {
        double *cand = hm_ctx__reallocarray(c->ctx, c->cand, n, 2 * sizeof(double));
        size_t *idx;
        if (!cand)
            return HM_RAISE_NOMEM(c->ctx);
        c->cand = cand;
        idx = hm_ctx__reallocarray(c->ctx, c->cand_idx, n, sizeof(size_t));
        if (!idx)
            return HM_RAISE_NOMEM(c->ctx);
        c->cand_idx = idx;
        c->cap_cand = n;
    }
    for (i = 0; i < n; i++) {
        if (!valid_position(&pts[i], max_lat))
            continue;
        c->cand[2 * k] = pts[i].lon;
        c->cand[2 * k + 1] = pts[i].lat;
        c->cand_idx[k++] = i;
    }
    hm_project__points(proj, c->cand, k);

    run_reset(c);
    c->act_tmin = c->act_tmax = NAN;
    for (i = 0; i < k; i++) {
        const hm_point *q = &pts[c->cand_idx[i]];

        if (isnan(c->cand[2 * i]))
            continue; /* outside what the CRS can show: skipped like a missing fix */
        if (prev) {
            double d = hm_geo__distance_m(prev->lat, prev->lon, q->lat, q->lon);
            if (is_jump(prev, q, d, o)) {
                if ((rc = close_run(c, act)) != HM_OK)
                    return rc;
            } else {
                t->runs.seg[t->runs.npoints - 1] = segment_attr(prev, q, d);
            }
        }
        if ((rc = append_point(c, c->cand[2 * i], c->cand[2 * i + 1], q->time)) != HM_OK)
            return rc;
        prev = q;
    }
    if ((rc = close_run(c, act)) != HM_OK)
        return rc;
    if (t->runs.nruns == runs_before)
        return HM_OK; /* nothing drawable: not a kept activity */
    if ((rc = hm_ctx__grow(c->ctx, (void **)&t->act_start, &c->cap_acts, t->nacts + 1,
                           sizeof(*t->act_start))) != HM_OK ||
        (rc = hm_ctx__grow(c->ctx, (void **)&t->act_index, &c->cap_act_index, t->nacts + 1,
                           sizeof(*t->act_index))) != HM_OK ||
        (rc = hm_ctx__grow(c->ctx, (void **)&t->act_points, &c->cap_act_points, t->nacts + 1,
                           sizeof(*t->act_points))) != HM_OK ||
        (rc = hm_ctx__grow(c->ctx, (void **)&t->act_tmin, &c->cap_act_tmin, t->nacts + 1,
                           sizeof(*t->act_tmin))) != HM_OK ||
        (rc = hm_ctx__grow(c->ctx, (void **)&t->act_tmax, &c->cap_act_tmax, t->nacts + 1,
                           sizeof(*t->act_tmax))) != HM_OK)
        return rc;
    t->act_start[t->nacts] = hm_activity_get_start_time(a);
    t->act_index[t->nacts] = index;
    t->act_points[t->nacts] = t->runs.npoints - points_before;
    t->act_tmin[t->nacts] = c->act_tmin;
    t->act_tmax[t->nacts] = c->act_tmax;
    t->nacts++;
    return HM_OK;
}

/* Give back growth slack: these arrays live as long as the raster. */
static void shrink(hm_ctx *ctx, void **p, size_t n, size_t size)
{
    void *q;

    if (!*p || !n)
        return;
    q = hm_ctx__reallocarray(ctx, *p, n, size);
    if (q)
        *p = q;
}

int hm_tracks__build(hm_tracks *out, hm_ctx *ctx, const hm_file *const *files, size_t nfiles,
                     const hm_clean_options *o, hm_projector *proj)
{
    cleaner c;
    size_t f, i, total = 0, index = 0;
    int rc = HM_OK;

    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    out->ctx = ctx;
    out->bbox[0] = out->bbox[1] = INFINITY;
    out->bbox[2] = out->bbox[3] = -INFINITY;
    out->time_min = out->time_max = NAN;
    c.ctx = ctx;
    c.out = out;
    /* Size the point arrays once for every point that may be kept: growing them by
     * doubling would copy (and fault in) hundreds of megabytes on a big folder. */
    for (f = 0; f < nfiles; f++) {
        if (!files[f] || hm_file_get_error(files[f]))
            continue;
        for (i = 0; i < hm_file_get_activity_count(files[f]); i++) {
            const hm_activity *a = hm_file_get_activity(files[f], i);
            if (hm_clean__accept(a, o))
                total += hm_activity_get_point_count(a);
        }
    }
    if (total) {
        rc = hm_ctx__grow(ctx, (void **)&out->runs.xy, &c.cap_points, total, 2 * sizeof(double));
        if (rc == HM_OK)
            rc = hm_ctx__grow(ctx, (void **)&out->runs.seg, &c.cap_seg, total, sizeof(hm_seg_attr));
    }
    for (f = 0; f < nfiles && rc == HM_OK; f++) {
        const hm_file *file = files[f];
        if (!file || hm_file_get_error(file))
            continue;
        for (i = 0; i < hm_file_get_activity_count(file) && rc == HM_OK; i++, index++) {
            const hm_activity *a = hm_file_get_activity(file, i);
            if (hm_clean__accept(a, o))
                rc = clean_activity(&c, a, index, o, proj);
        }
    }
    hm_ctx__free(ctx, c.cand);
    hm_ctx__free(ctx, c.cand_idx);
    if (rc == HM_OK && !out->runs.run_first) {
        /* No run at all: still a valid (empty) set, with its sentinel. */
        out->runs.run_first = hm_ctx__calloc(ctx, 1, sizeof(*out->runs.run_first));
        if (!out->runs.run_first)
            rc = HM_RAISE_NOMEM(ctx);
    }
    if (rc != HM_OK) {
        hm_tracks__free(out);
        return rc;
    }
    shrink(ctx, (void **)&out->runs.xy, out->runs.npoints, 2 * sizeof(double));
    shrink(ctx, (void **)&out->runs.seg, out->runs.npoints, sizeof(hm_seg_attr));
    out->points = out->runs.npoints;
    return HM_OK;
}
