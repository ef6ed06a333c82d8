/* SPDX-License-Identifier: MIT */
/*
 * Activities and files as the readers deliver them, and the builder that
 * makes them. Points of an activity are one flat array (segment after
 * segment) with a small array of segment starts, so a consumer can walk a
 * whole activity without pointer chasing. Once hm_builder__finish() returns,
 * the objects are never modified again, which is what makes them safe to
 * share between threads.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/text_int.h"
#include "track/builder_int.h"
#include "track/geo_int.h"

struct hm_activity {
    hm_format format;      /* format it was read from */
    char *sport;           /* lower case, "" when unknown */
    char *sub_sport;       /* lower case, "" when unknown */
    char *device;          /* "" when unknown */
    char *name;            /* as the file names it, "" when it does not */
    int is_virtual;        /* 1 for virtual rides/runs */
    double start_time;     /* s since epoch; NaN when unknown */
    hm_point *points;      /* all points, segment after segment */
    size_t npoints;        /* used entries of points */
    size_t cap_points;     /* allocated entries of points */
    size_t *seg_start;     /* index of the first point of each segment */
    size_t nsegs;          /* used entries of seg_start */
    size_t cap_segs;       /* allocated entries of seg_start */
};

struct hm_file {
    hm_ctx *ctx;           /* allocator owner; borrowed, must outlive the file */
    char *path;            /* as given */
    hm_format format;      /* detected format */
    hm_activity **acts;    /* activities in file order */
    size_t nacts;          /* used entries of acts */
    size_t cap_acts;       /* allocated entries of acts */
    int failed;            /* 1 when the file was skipped; error is valid */
    hm_error error;        /* why it was skipped */
    hm_error *warnings;    /* problems the reader got past */
    size_t nwarnings;      /* used entries of warnings */
    size_t cap_warnings;   /* allocated entries of warnings */
};

struct hm_builder {
    hm_ctx *ctx;           /* borrowed */
    hm_file *file;         /* being built; owned until finish */
    hm_activity *cur;      /* open activity or NULL; owned by file->acts */
    int seg_open;          /* 1 when begin_segment was called for cur */
    size_t total_points;   /* points added to the whole file */
};

static const char *const format_names[] = {"unknown", "gpx", "tcx", "fit"};

const char *hm_format_get_name(hm_format format)
{
    if ((unsigned)format < sizeof(format_names) / sizeof(format_names[0]))
        return format_names[format];
    return "unknown";
}

void hm_point__init(hm_point *p)
{
    p->time = NAN;
    p->lat = NAN;
    p->lon = NAN;
    p->ele = NAN;
    p->hr = NAN;
    p->cadence = NAN;
    p->power = NAN;
    p->speed = NAN;
    p->temperature = NAN;
    p->distance = NAN;
}

/* ---- accessors ---------------------------------------------------------- */

hm_format hm_activity_get_format(const hm_activity *a) { return a->format; }
const char *hm_activity_get_sport(const hm_activity *a) { return a->sport; }
const char *hm_activity_get_sub_sport(const hm_activity *a) { return a->sub_sport; }
int hm_activity_get_virtual(const hm_activity *a) { return a->is_virtual; }
const char *hm_activity_get_device(const hm_activity *a) { return a->device; }
const char *hm_activity_get_name(const hm_activity *a) { return a->name; }
size_t hm_activity_get_point_count(const hm_activity *a) { return a->npoints; }
const hm_point *hm_activity_get_points(const hm_activity *a) { return a->npoints ? a->points : NULL; }
size_t hm_activity_get_segment_count(const hm_activity *a) { return a->nsegs; }

size_t hm_activity_get_segment_start(const hm_activity *a, size_t i)
{
    return i < a->nsegs ? a->seg_start[i] : a->npoints;
}

double hm_activity_get_start_time(const hm_activity *a)
{
    size_t i;

    if (!isnan(a->start_time))
        return a->start_time;
    for (i = 0; i < a->npoints; i++)
        if (!isnan(a->points[i].time))
            return a->points[i].time;
    return NAN;
}

void hm_activity_get_summary(const hm_activity *a, hm_activity_summary *out)
{
    size_t s, i, nhr = 0;
    double hr_sum = 0.0;
    int has_ele = 0;

    memset(out, 0, sizeof(*out));
    out->points = a->npoints;
    out->duration = NAN;
    out->time_min = NAN;
    out->time_max = NAN;
    for (s = 0; s < a->nsegs; s++) {
        size_t end = hm_activity_get_segment_start(a, s + 1);
        const hm_point *prev = NULL, *prev_ele = NULL;

        for (i = a->seg_start[s]; i < end; i++) {
            const hm_point *p = &a->points[i];

            if (!isnan(p->time)) {
                out->has_time = 1;
                if (isnan(out->time_min) || p->time < out->time_min)
                    out->time_min = p->time;
                if (isnan(out->time_max) || p->time > out->time_max)
                    out->time_max = p->time;
            }
            if (!isnan(p->hr)) {
                out->has_hr = 1;
                hr_sum += p->hr;
                nhr++;
            }
            if (!isnan(p->cadence))
                out->has_cadence = 1;
            if (!isnan(p->power))
                out->has_power = 1;
            if (!isnan(p->ele)) {
                has_ele = 1;
                if (prev_ele && p->ele > prev_ele->ele)
                    out->elevation_gain += (double)p->ele - (double)prev_ele->ele;
                prev_ele = p;
            }
            if (isnan(p->lat) || isnan(p->lon))
                continue;
            out->points_with_pos++;
            if (prev) {
                double d = hm_geo__distance_m(prev->lat, prev->lon, p->lat, p->lon);
                double dt = p->time - prev->time; /* NaN when either has no time */
                out->distance += d;
                if (dt > 0.0 && dt <= 60.0 && d >= 0.5 * dt && d <= 60.0 * dt)
                    out->moving_time += dt;
            }
            prev = p;
        }
    }
    if (out->has_time)
        out->duration = out->time_max - out->time_min;
    out->elevation_gain = has_ele ? out->elevation_gain : NAN;
    out->avg_hr = nhr ? hr_sum / (double)nhr : NAN;
}

const char *hm_file_get_path(const hm_file *f) { return f->path; }
hm_format hm_file_get_format(const hm_file *f) { return f->format; }
size_t hm_file_get_activity_count(const hm_file *f) { return f->nacts; }
const hm_activity *hm_file_get_activity(const hm_file *f, size_t i) { return f->acts[i]; }
const hm_error *hm_file_get_error(const hm_file *f) { return f->failed ? &f->error : NULL; }
size_t hm_file_get_warning_count(const hm_file *f) { return f->nwarnings; }
const hm_error *hm_file_get_warning(const hm_file *f, size_t i) { return &f->warnings[i]; }
void hm_file__set_format(hm_file *f, hm_format format) { f->format = format; }

/* ---- lifetime ----------------------------------------------------------- */

static void activity_free(hm_ctx *ctx, hm_activity *a)
{
    if (!a)
        return;
    hm_ctx__free(ctx, a->sport);
    hm_ctx__free(ctx, a->sub_sport);
    hm_ctx__free(ctx, a->device);
    hm_ctx__free(ctx, a->name);
    hm_ctx__free(ctx, a->points);
    hm_ctx__free(ctx, a->seg_start);
    hm_ctx__free(ctx, a);
}

static void error_free_strings(hm_ctx *ctx, hm_error *e)
{
    hm_ctx__free(ctx, (char *)e->message);
    hm_ctx__free(ctx, (char *)e->path);
    hm_ctx__free(ctx, (char *)e->where);
}

void hm_file_free(hm_file *f)
{
    size_t i;

    if (!f)
        return;
    for (i = 0; i < f->nacts; i++)
        activity_free(f->ctx, f->acts[i]);
    for (i = 0; i < f->nwarnings; i++)
        error_free_strings(f->ctx, &f->warnings[i]);
    if (f->failed)
        error_free_strings(f->ctx, &f->error);
    hm_ctx__free(f->ctx, f->acts);
    hm_ctx__free(f->ctx, f->warnings);
    hm_ctx__free(f->ctx, f->path);
    hm_ctx__free(f->ctx, f);
}

static int file_new(hm_file **out, hm_ctx *ctx, const char *path, hm_format format)
{
    hm_file *f = hm_ctx__calloc(ctx, 1, sizeof(*f));

    *out = NULL;
    if (!f)
        return HM_RAISE_NOMEM(ctx);
    f->ctx = ctx;
    f->format = format;
    f->path = hm_ctx__strdup(ctx, path ? path : "");
    if (!f->path) {
        hm_ctx__free(ctx, f);
        return HM_RAISE_NOMEM(ctx);
    }
    *out = f;
    return HM_OK;
}

/* Deep-copy an error's strings; on failure e is left with NULL strings freed. */
static int error_copy(hm_ctx *ctx, hm_error *dst, int code, const char *message,
                      const char *path, long line, int64_t offset, const char *where)
{
    dst->code = code;
    dst->line = line;
    dst->offset = offset;
    dst->message = hm_ctx__strdup(ctx, message ? message : "");
    dst->path = hm_ctx__strdup(ctx, path ? path : "");
    dst->where = hm_ctx__strdup(ctx, where ? where : "");
    if (!dst->message || !dst->path || !dst->where) {
        error_free_strings(ctx, dst);
        return HM_RAISE_NOMEM(ctx);
    }
    return HM_OK;
}

int hm_file__new_failed(hm_file **out, hm_ctx *ctx, const char *path, hm_format format,
                        const hm_error *error)
{
    hm_file *f;
    int rc = file_new(&f, ctx, path, format);

    if (rc != HM_OK)
        return rc;
    rc = error_copy(ctx, &f->error, error->code, error->message, path, error->line,
                    error->offset, error->where);
    if (rc != HM_OK) {
        hm_file_free(f);
        return rc;
    }
    f->failed = 1;
    *out = f;
    return HM_OK;
}

int hm_file__add_warning(hm_file *f, int code, long line, int64_t offset, const char *msg)
{
    int rc = hm_ctx__grow(f->ctx, (void **)&f->warnings, &f->cap_warnings, f->nwarnings + 1,
                          sizeof(*f->warnings));

    if (rc != HM_OK)
        return rc;
    rc = error_copy(f->ctx, &f->warnings[f->nwarnings], code, msg, f->path, line, offset, "");
    if (rc == HM_OK)
        f->nwarnings++;
    return rc;
}

/* ---- builder ------------------------------------------------------------ */

int hm_builder__new(hm_builder **out, hm_ctx *ctx, const char *path, hm_format format)
{
    hm_builder *b = hm_ctx__calloc(ctx, 1, sizeof(*b));
    int rc;

    *out = NULL;
    if (!b)
        return HM_RAISE_NOMEM(ctx);
    b->ctx = ctx;
    rc = file_new(&b->file, ctx, path, format);
    if (rc != HM_OK) {
        hm_ctx__free(ctx, b);
        return rc;
    }
    *out = b;
    return HM_OK;
}

void hm_builder__free(hm_builder *b)
{
    if (!b)
        return;
    hm_file_free(b->file);
    hm_ctx__free(b->ctx, b);
}

static char *empty_string(hm_ctx *ctx)
{
    return hm_ctx__strndup(ctx, "", 0);
}

int hm_builder__begin_activity(hm_builder *b)
{
    hm_file *f = b->file;
    hm_activity *a;
    int rc;

    if (b->cur && (rc = hm_builder__end_activity(b)) != HM_OK)
        return rc;
    rc = hm_ctx__grow(b->ctx, (void **)&f->acts, &f->cap_acts, f->nacts + 1, sizeof(*f->acts));
    if (rc != HM_OK)
        return rc;
    a = hm_ctx__calloc(b->ctx, 1, sizeof(*a));
    if (!a)
        return HM_RAISE_NOMEM(b->ctx);
    a->format = f->format;
    a->start_time = NAN;
    a->sport = empty_string(b->ctx);
    a->sub_sport = empty_string(b->ctx);
    a->device = empty_string(b->ctx);
    a->name = empty_string(b->ctx);
    if (!a->sport || !a->sub_sport || !a->device || !a->name) {
        activity_free(b->ctx, a);
        return HM_RAISE_NOMEM(b->ctx);
    }
    f->acts[f->nacts++] = a;
    b->cur = a;
    b->seg_open = 0;
    return HM_OK;
}

static int ensure_activity(hm_builder *b)
{
    return b->cur ? HM_OK : hm_builder__begin_activity(b);
}

/* Replace *dst with a trimmed (and optionally lower-cased) copy of text. */
static int set_text(hm_builder *b, char **dst, const char *text, size_t len, int lower)
{
    char *s;
    size_t i;

    text = hm_text__trim(text, &len);
    s = hm_ctx__strndup(b->ctx, text, len);
    if (!s)
        return HM_RAISE_NOMEM(b->ctx);
    if (lower)
        for (i = 0; i < len; i++)
            s[i] = hm_text__lower(s[i]);
    hm_ctx__free(b->ctx, *dst);
    *dst = s;
    return HM_OK;
}

int hm_builder__set_sport(hm_builder *b, const char *text, size_t len)
{
    int rc = ensure_activity(b);
    return rc != HM_OK ? rc : set_text(b, &b->cur->sport, text, len, 1);
}

int hm_builder__set_sub_sport(hm_builder *b, const char *text, size_t len)
{
    int rc = ensure_activity(b);
    return rc != HM_OK ? rc : set_text(b, &b->cur->sub_sport, text, len, 1);
}

int hm_builder__set_device(hm_builder *b, const char *text, size_t len)
{
    int rc = ensure_activity(b);
    return rc != HM_OK ? rc : set_text(b, &b->cur->device, text, len, 0);
}

int hm_builder__set_name(hm_builder *b, const char *text, size_t len)
{
    int rc = ensure_activity(b);
    return rc != HM_OK ? rc : set_text(b, &b->cur->name, text, len, 0);
}

void hm_builder__set_virtual(hm_builder *b, int is_virtual)
{
    if (ensure_activity(b) == HM_OK)
        b->cur->is_virtual = is_virtual ? 1 : 0;
}

void hm_builder__set_start_time(hm_builder *b, double t)
{
    if (ensure_activity(b) == HM_OK)
        b->cur->start_time = t;
}

int hm_builder__begin_segment(hm_builder *b)
{
    hm_activity *a;
    int rc = ensure_activity(b);

    if (rc != HM_OK)
        return rc;
    a = b->cur;
    /* Reuse an empty segment instead of keeping it. */
    if (a->nsegs && a->seg_start[a->nsegs - 1] == a->npoints) {
        b->seg_open = 1;
        return HM_OK;
    }
    rc = hm_ctx__grow(b->ctx, (void **)&a->seg_start, &a->cap_segs, a->nsegs + 1,
                      sizeof(*a->seg_start));
    if (rc != HM_OK)
        return rc;
    a->seg_start[a->nsegs++] = a->npoints;
    b->seg_open = 1;
    return HM_OK;
}

int hm_builder__add_point(hm_builder *b, const hm_point *p)
{
    hm_activity *a;
    int rc;

    if (!b->cur || !b->seg_open) {
        if ((rc = hm_builder__begin_segment(b)) != HM_OK)
            return rc;
    }
    a = b->cur;
    if (a->npoints == a->cap_points) {
        rc = hm_ctx__grow(b->ctx, (void **)&a->points, &a->cap_points, a->npoints + 1,
                          sizeof(*a->points));
        if (rc != HM_OK)
            return rc;
    }
    a->points[a->npoints++] = *p;
    b->total_points++;
    return HM_OK;
}

size_t hm_builder__get_point_total(const hm_builder *b)
{
    return b->total_points;
}

int hm_builder__end_activity(hm_builder *b)
{
    hm_activity *a = b->cur;
    void *p;

    if (!a)
        return HM_OK;
    /* Drop a trailing empty segment. */
    if (a->nsegs && a->seg_start[a->nsegs - 1] == a->npoints)
        a->nsegs--;
    /* Give back the growth slack: activities live as long as the dataset. */
    if (a->npoints && a->npoints < a->cap_points) {
        p = hm_ctx__reallocarray(b->ctx, a->points, a->npoints, sizeof(*a->points));
        if (p) {
            a->points = p;
            a->cap_points = a->npoints;
        }
    }
    b->cur = NULL;
    b->seg_open = 0;
    return HM_OK;
}

int hm_builder__warn(hm_builder *b, int code, long line, int64_t offset, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return hm_file__add_warning(b->file, code, line, offset, msg);
}

int hm_builder__finish(hm_builder *b, hm_file **out)
{
    int rc = hm_builder__end_activity(b);

    *out = NULL;
    if (rc != HM_OK)
        return rc;
    *out = b->file;
    b->file = NULL;
    return HM_OK;
}
