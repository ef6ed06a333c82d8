/* SPDX-License-Identifier: MIT */
/*
 * TCX (Garmin Training Center Database v2) reader. Every Activity (also
 * inside a MultiSportSession) and every Course is one activity; every Track
 * is one segment, whatever the Laps around it say. An Activity gives the
 * sport (its Sport attribute), the start time (Id) and the device
 * (Creator/Name); a Course has no sport.
 *
 * Trackpoints without <Position> are kept with NaN lat/lon: indoor rides and
 * GPS dropouts still carry time, heart rate and cadence. Speed, Watts and
 * RunCadence are read by local name anywhere inside a Trackpoint's
 * <Extensions> (Garmin's ActivityExtension TPX, under any prefix);
 * RunCadence is the cadence when <Cadence> is absent.
 *
 * Elements are matched by local name whatever their namespace, and a root
 * other than TrainingCenterDatabase only earns a warning, so hand-edited or
 * truncated exports still give their activities. XML handling is in
 * xml_util.c, shared with the GPX reader.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "heatmap/io.h"
#include "io/stream_int.h"
#include "io/xml_util_int.h"
#include "track/builder_int.h"

/* Leaf values the reader captures (hm_xml capture codes). */
enum {
    T_NONE = 0,
    T_ID,          /* Activity Id: start time, ISO 8601 */
    T_NAME,        /* Creator/Name: device */
    T_TIME,        /* ISO 8601 */
    T_LAT,         /* degrees */
    T_LON,         /* degrees */
    T_ALT,         /* m */
    T_DIST,        /* m */
    T_HR,          /* bpm */
    T_CAD,         /* rpm or steps/min */
    T_SPEED,       /* m/s */
    T_WATTS,       /* W */
    T_RUNCAD       /* steps/min */
};

typedef struct tcx_reader {
    hm_xml xml;            /* parser state */
    hm_builder *b;         /* the file being built */
    int act_depth;         /* depth of the open Activity/Course, 0 when none */
    int creator_depth;     /* depth of the Activity's open Creator, 0 when none */
    int track_depth;       /* depth of the open Track, 0 when none */
    int tp_depth;          /* depth of the open Trackpoint, 0 when none */
    int pos_depth;         /* depth of the Trackpoint's open Position, 0 when none */
    int hr_depth;          /* depth of the Trackpoint's open HeartRateBpm, 0 when none */
    int ext_depth;         /* depth of the Trackpoint's open Extensions, 0 when none */
    int has_pos;           /* 1 when the open Trackpoint has a Position element */
    double lat;            /* its LatitudeDegrees, NaN when missing */
    double lon;            /* its LongitudeDegrees, NaN when missing */
    double run_cadence;    /* its RunCadence extension, NaN when missing */
    hm_point pt;           /* the point being read */
    size_t bad_pos;        /* Positions without a valid lat/lon (points kept without one) */
    long bad_pos_line;     /* line of the first one */
    char root[64];         /* an unexpected root element's name, or "" */
    long root_line;        /* its line */
} tcx_reader;

static void check(tcx_reader *r, int rc)
{
    if (rc != HM_OK)
        hm_xml__fail(&r->xml, rc);
}

static void activity_start(tcx_reader *r, int nattrs, const unsigned char **attrs, int course)
{
    char sport[64];
    size_t len;
    const char *v;

    r->act_depth = r->xml.depth;
    check(r, hm_builder__begin_activity(r->b));
    if (!course && (v = hm_xml__attr(nattrs, attrs, "Sport", &len)) != NULL) {
        if (len >= sizeof(sport))
            len = sizeof(sport) - 1;
        memcpy(sport, v, len);
        check(r, hm_builder__set_sport(r->b, sport, hm_xml__decode_amp(sport, len)));
    }
}

static void point_start(tcx_reader *r)
{
    hm_point__init(&r->pt);
    r->tp_depth = r->xml.depth;
    r->has_pos = 0;
    r->lat = NAN;
    r->lon = NAN;
    r->run_cadence = NAN;
}

/* Children of an open Trackpoint, at any depth below it. */
static void point_child(tcx_reader *r, const char *n, size_t len)
{
    hm_xml *x = &r->xml;
    int d = x->depth;

    if (r->ext_depth) {
        if (len == 5 && !memcmp(n, "Speed", 5))
            hm_xml__capture(x, T_SPEED);
        else if (len == 5 && !memcmp(n, "Watts", 5))
            hm_xml__capture(x, T_WATTS);
        else if (len == 10 && !memcmp(n, "RunCadence", 10))
            hm_xml__capture(x, T_RUNCAD);
        return;
    }
    if (r->pos_depth) {
        if (d == r->pos_depth + 1) {
            if (len == 15 && !memcmp(n, "LatitudeDegrees", 15))
                hm_xml__capture(x, T_LAT);
            else if (len == 16 && !memcmp(n, "LongitudeDegrees", 16))
                hm_xml__capture(x, T_LON);
        }
        return;
    }
    if (r->hr_depth) {
        if (d == r->hr_depth + 1 && len == 5 && !memcmp(n, "Value", 5))
            hm_xml__capture(x, T_HR);
        return;
    }
    if (d != r->tp_depth + 1)
        return;
    switch (len) {
    case 4:
        if (!memcmp(n, "Time", 4))
            hm_xml__capture(x, T_TIME);
        break;
    case 7:
        if (!memcmp(n, "Cadence", 7))
            hm_xml__capture(x, T_CAD);
        break;
    case 8:
        if (!memcmp(n, "Position", 8)) {
            r->pos_depth = d;
            r->has_pos = 1;
        }
        break;
    case 10:
        if (!memcmp(n, "Extensions", 10))
            r->ext_depth = d;
        break;
    case 12:
        if (!memcmp(n, "HeartRateBpm", 12))
            r->hr_depth = d;
        break;
    case 14:
        if (!memcmp(n, "AltitudeMeters", 14))
            hm_xml__capture(x, T_ALT);
        else if (!memcmp(n, "DistanceMeters", 14))
            hm_xml__capture(x, T_DIST);
        break;
    default: break;
    }
}

static void tcx_start(hm_xml *x, const char *n, size_t len, int nattrs,
                      const unsigned char **attrs)
{
    tcx_reader *r = x->payload;
    int d = x->depth;

    if (r->tp_depth) {
        point_child(r, n, len);
        return;
    }
    if (d == 1 && (len != 22 || memcmp(n, "TrainingCenterDatabase", 22) != 0)) {
        snprintf(r->root, sizeof(r->root), "%s", n);
        r->root_line = hm_xml__line(x);
    }
    if (!r->act_depth) {
        if (len == 8 && !memcmp(n, "Activity", 8))
            activity_start(r, nattrs, attrs, 0);
        else if (len == 6 && !memcmp(n, "Course", 6))
            activity_start(r, nattrs, attrs, 1);
        return;
    }
    switch (len) {
    case 2:
        if (d == r->act_depth + 1 && !memcmp(n, "Id", 2))
            hm_xml__capture(x, T_ID);
        break;
    case 4:
        if (r->creator_depth && d == r->creator_depth + 1 && !memcmp(n, "Name", 4))
            hm_xml__capture(x, T_NAME);
        break;
    case 5:
        if (!r->track_depth && !memcmp(n, "Track", 5)) {
            r->track_depth = d;
            check(r, hm_builder__begin_segment(r->b));
        }
        break;
    case 7:
        if (d == r->act_depth + 1 && !memcmp(n, "Creator", 7))
            r->creator_depth = d;
        break;
    case 10:
        if (!memcmp(n, "Trackpoint", 10))
            point_start(r);
        break;
    default: break;
    }
}

static void field_end(tcx_reader *r, int f)
{
    hm_xml *x = &r->xml;
    hm_point *p = &r->pt;
    const char *s;
    size_t len;
    double v;

    switch (f) {
    case T_NAME:
        if ((s = hm_xml__text(x, &len)) != NULL)
            check(r, hm_builder__set_device(r->b, s, len));
        return;
    case T_ID:
        if (hm_xml__text_time(x, &v) > 0)
            hm_builder__set_start_time(r->b, v);
        return;
    case T_TIME:
        if (isnan(p->time) && hm_xml__text_time(x, &v) > 0)
            p->time = v;
        return;
    default: break;
    }
    if (hm_xml__text_double(x, &v) <= 0)
        return;
    switch (f) {
    case T_LAT: r->lat = v; break;
    case T_LON: r->lon = v; break;
    case T_ALT: hm_xml__set_first(&p->ele, v); break;
    case T_DIST: hm_xml__set_first(&p->distance, v); break;
    case T_HR: hm_xml__set_first(&p->hr, v); break;
    case T_CAD: hm_xml__set_first(&p->cadence, v); break;
    case T_SPEED: hm_xml__set_first(&p->speed, v); break;
    case T_WATTS: hm_xml__set_first(&p->power, v); break;
    case T_RUNCAD:
        if (isnan(r->run_cadence))
            r->run_cadence = v;
        break;
    default: break;
    }
}

static void point_end(tcx_reader *r)
{
    hm_point *p = &r->pt;

    if (r->lat >= -90.0 && r->lat <= 90.0 && r->lon >= -180.0 && r->lon <= 180.0) {
        p->lat = r->lat;
        p->lon = r->lon;
    } else if (r->has_pos && r->bad_pos++ == 0) {
        r->bad_pos_line = hm_xml__line(&r->xml);
    }
    if (isnan(p->cadence) && !isnan(r->run_cadence))
        p->cadence = (float)r->run_cadence;
    check(r, hm_builder__add_point(r->b, p));
    r->tp_depth = 0;
    r->pos_depth = 0;
    r->hr_depth = 0;
    r->ext_depth = 0;
}

static void tcx_end(hm_xml *x)
{
    tcx_reader *r = x->payload;
    int d = x->depth;

    if (x->capture)
        field_end(r, x->capture);
    else if (d == r->tp_depth)
        point_end(r);
    else if (d == r->pos_depth)
        r->pos_depth = 0;
    else if (d == r->hr_depth)
        r->hr_depth = 0;
    else if (d == r->ext_depth)
        r->ext_depth = 0;
    else if (d == r->track_depth)
        r->track_depth = 0;
    else if (d == r->creator_depth)
        r->creator_depth = 0;
    else if (d == r->act_depth) {
        r->act_depth = 0;
        r->track_depth = 0;
        r->creator_depth = 0;
        check(r, hm_builder__end_activity(r->b));
    }
}

static int reader_warnings(tcx_reader *r)
{
    int rc = HM_OK;

    if (r->root[0])
        rc = hm_builder__warn(r->b, HM_EPARSE, r->root_line, -1,
                              "root element is <%s>, not <TrainingCenterDatabase>",
                              r->root);
    if (rc == HM_OK && r->bad_pos)
        rc = hm_builder__warn(r->b, HM_EPARSE, r->bad_pos_line, -1,
                              "%zu Position%s without a valid lat/lon, points kept "
                              "without position",
                              r->bad_pos, r->bad_pos == 1 ? "" : "s");
    return rc;
}

static int tcx_read(hm_file **out, hm_ctx *ctx, hm_stream *in, int scan)
{
    tcx_reader *r;
    int rc;

    *out = NULL;
    r = hm_ctx__calloc(ctx, 1, sizeof(*r));
    if (!r)
        return HM_RAISE_NOMEM(ctx);
    hm_xml__setup(&r->xml, ctx, tcx_start, tcx_end, r, scan);
    rc = hm_builder__new(&r->b, ctx, hm_stream__path(in), HM_FORMAT_TCX);
    if (rc == HM_OK)
        rc = hm_xml__parse(&r->xml, in);
    if (rc == HM_OK)
        rc = reader_warnings(r);
    if (rc == HM_OK)
        rc = hm_xml__report(&r->xml, r->b);
    if (rc == HM_OK)
        rc = hm_builder__finish(r->b, out);
    hm_builder__free(r->b);
    hm_ctx__free(ctx, r);
    return rc;
}

int hm_tcx__parse_stream(hm_file **out, hm_ctx *ctx, hm_stream *in)
{
    return hm_xml__read(out, ctx, in, tcx_read);
}

int hm_tcx_parse_buffer(hm_file **out, hm_ctx *ctx, const char *path, const void *buf, size_t len)
{
    return hm_stream__parse_buffer(out, ctx, path, buf, len, hm_tcx__parse_stream);
}
