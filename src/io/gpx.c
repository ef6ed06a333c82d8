/* SPDX-License-Identifier: MIT */
/*
 * GPX 1.0/1.1 reader. One file is one activity; every trkseg (of every trk)
 * is a segment. Routes (each rte one segment) stand in only when the file
 * has no trkpt at all, and waypoints are ignored. Elements are matched by
 * local name only: real files come without xmlns, with misspelled
 * namespaces, or with extensions in whatever namespace their writer chose.
 *
 * Extensions are matched by local name anywhere inside a point's
 * <extensions> subtree, which covers Garmin TrackPointExtension v1 and v2,
 * cluetrust gpxdata, Strava's bare <power> and the bare <bpm>/<heartrate>
 * of Holux and Amazfit; when a point carries a value twice, the first wins.
 *
 * Routes may come before tracks in a file, so route points go into a
 * builder of their own and are kept only when no track point turned up.
 * Everything about XML (parser setup, errors, text) is in xml_util.c; the
 * per-element work here is a switch on the name length and a memcmp.
 *
 * OpenTracks marks a pause with a trkpt at lat="100" and the resume with one
 * at lat="200": they are breaks in the recording, not positions, so each
 * ends the current segment and is otherwise skipped. The file's own time
 * (<metadata><time>, or <time> under <gpx> in GPX 1.0) is the activity's
 * start only when no point has a time: it is when the file was written,
 * which for a timed track may be long after its first fix.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/text_int.h"
#include "heatmap/io.h"
#include "io/stream_int.h"
#include "io/xml_util_int.h"
#include "track/builder_int.h"

/* Leaf values the reader captures (hm_xml capture codes). */
enum {
    F_NONE = 0,
    F_TYPE,        /* trk <type>: the sport */
    F_FILE_TIME,   /* <metadata><time> (GPX 1.1) or <gpx><time> (GPX 1.0), ISO 8601 */
    F_NAME,        /* <trk><name>, <rte><name>, <metadata><name> */
    F_ELE,         /* m */
    F_TIME,        /* ISO 8601 */
    F_SPEED,       /* m/s */
    F_HR,          /* bpm */
    F_CAD,         /* rpm */
    F_POWER,       /* W */
    F_TEMP,        /* degrees C */
    F_DIST         /* m */
};

typedef struct gpx_reader {
    hm_xml xml;            /* parser state */
    hm_builder *trk;       /* activity built from trk/trkseg/trkpt */
    hm_builder *rte;       /* activity built from rte/rtept, kept only without trkpt */
    hm_builder *cur;       /* builder of the point being read */
    int trk_begun;         /* 1 once trk holds the activity */
    int rte_begun;         /* 1 once rte holds the activity */
    int ntrk;              /* trk elements seen */
    int trk_depth;         /* depth of the open trk, 0 when none */
    int seg_depth;         /* depth of the open trkseg, 0 when none */
    int rte_depth;         /* depth of the open rte, 0 when none */
    int meta_depth;        /* depth of the open metadata, 0 when none */
    int pt_depth;          /* depth of the open trkpt/rtept, 0 when none */
    int ext_depth;         /* depth of the point's open <extensions>, 0 when none */
    int pt_bad;            /* 1 when the open point has no valid lat/lon */
    hm_point pt;           /* the point being read */
    int trk_timed;         /* 1 once a trkpt with a time was kept */
    int rte_timed;         /* 1 once an rtept with a time was kept */
    double file_time;      /* the file's own time, s since epoch; NaN when none */
    size_t dropped;        /* points dropped for a missing or invalid lat/lon */
    long dropped_line;     /* line of the first one */
    char *creator;         /* gpx creator attribute (owned), or NULL */
    size_t creator_len;    /* its length */
    char sport[HM_XML_TEXT_MAX]; /* first trk's <type> text */
    size_t sport_len;      /* its length; 0 when none */
    char name[HM_XML_TEXT_MAX]; /* the activity's name: the first trk's, else the first rte's,
                                   else the file's <metadata><name> */
    size_t name_len;       /* its length; 0 when none */
    int name_rank;         /* where name came from: 3 trk, 2 rte, 1 metadata, 0 none */
    int name_pending;      /* rank of the <name> being read */
    char root[64];         /* an unexpected root element's name, or "" */
    long root_line;        /* its line */
} gpx_reader;

/* Local names inside a point's <extensions>, by length first. */
static int ext_field(const char *n, size_t len)
{
    switch (len) {
    case 2: return n[0] == 'h' && n[1] == 'r' ? F_HR : F_NONE;
    case 3:
        if (!memcmp(n, "cad", 3))
            return F_CAD;
        return !memcmp(n, "bpm", 3) ? F_HR : F_NONE;
    case 4: return !memcmp(n, "temp", 4) ? F_TEMP : F_NONE;
    case 5:
        switch (n[0]) {
        case 'a': return !memcmp(n, "atemp", 5) ? F_TEMP : F_NONE;
        case 'p': return !memcmp(n, "power", 5) ? F_POWER : F_NONE;
        case 's': return !memcmp(n, "speed", 5) ? F_SPEED : F_NONE;
        case 'w': return !memcmp(n, "watts", 5) ? F_POWER : F_NONE;
        default: return F_NONE;
        }
    case 7: return !memcmp(n, "cadence", 7) ? F_CAD : F_NONE;
    case 8: return !memcmp(n, "distance", 8) ? F_DIST : F_NONE;
    case 9: return !memcmp(n, "heartrate", 9) ? F_HR : F_NONE;
    case 11: return !memcmp(n, "temperature", 11) ? F_TEMP : F_NONE;
    case 12: return !memcmp(n, "PowerInWatts", 12) ? F_POWER : F_NONE;
    default: return F_NONE;
    }
}

static void check(gpx_reader *r, int rc)
{
    if (rc != HM_OK)
        hm_xml__fail(&r->xml, rc);
}

static int coord(int nattrs, const unsigned char **attrs, const char *name, double limit,
                 double *out)
{
    size_t len;
    const char *v = hm_xml__attr(nattrs, attrs, name, &len);

    return v && hm_text__parse_double(out, v, len) == HM_OK && *out >= -limit && *out <= limit;
}

/* 1 when the point is an OpenTracks pause (lat 100) or resume (lat 200) marker. */
static int is_pause_marker(int nattrs, const unsigned char **attrs)
{
    double lat;

    return coord(nattrs, attrs, "lat", 200.0, &lat) && (lat == 100.0 || lat == 200.0);
}

static void point_start(gpx_reader *r, hm_builder *b, int nattrs, const unsigned char **attrs)
{
    hm_point *p = &r->pt;

    hm_point__init(p);
    r->pt_depth = r->xml.depth;
    r->cur = b;
    if (is_pause_marker(nattrs, attrs)) {
        /* The builder reuses an empty segment, so a pause and its resume (or a marker
         * before any point, or just before </trkseg>) leave no empty segment behind. */
        r->pt_bad = 1;
        check(r, hm_builder__begin_segment(b));
        return;
    }
    r->pt_bad = !coord(nattrs, attrs, "lat", 90.0, &p->lat) ||
                !coord(nattrs, attrs, "lon", 180.0, &p->lon);
    if (r->pt_bad && r->dropped++ == 0)
        r->dropped_line = hm_xml__line(&r->xml);
}

/* trk or rte: the first one begins the activity of its builder; each is a segment. */
static void track_start(gpx_reader *r, hm_builder *b, int *begun)
{
    if (!*begun) {
        *begun = 1;
        check(r, hm_builder__begin_activity(b));
    }
    check(r, hm_builder__begin_segment(b));
}

static void root_start(gpx_reader *r, const char *n, size_t len, int nattrs,
                       const unsigned char **attrs)
{
    size_t clen;
    const char *creator;

    if (len != 3 || memcmp(n, "gpx", 3) != 0) {
        snprintf(r->root, sizeof(r->root), "%s", n);
        r->root_line = hm_xml__line(&r->xml);
    }
    creator = hm_xml__attr(nattrs, attrs, "creator", &clen);
    if (creator) {
        r->creator = hm_ctx__strndup(r->xml.ctx, creator, clen);
        if (!r->creator)
            check(r, HM_RAISE_NOMEM(r->xml.ctx));
        else
            r->creator_len = hm_xml__decode_amp(r->creator, clen);
    }
}

static void gpx_start(hm_xml *x, const char *n, size_t len, int nattrs,
                      const unsigned char **attrs)
{
    gpx_reader *r = x->payload;
    int d = x->depth, f;

    if (r->pt_depth) {
        if (r->ext_depth) {
            if ((f = ext_field(n, len)) != F_NONE)
                hm_xml__capture(x, f);
        } else if (d == r->pt_depth + 1) {
            if (len == 3 && !memcmp(n, "ele", 3))
                hm_xml__capture(x, F_ELE);
            else if (len == 4 && !memcmp(n, "time", 4))
                hm_xml__capture(x, F_TIME);
            else if (len == 5 && !memcmp(n, "speed", 5)) /* GPX 1.0 */
                hm_xml__capture(x, F_SPEED);
            else if (len == 10 && !memcmp(n, "extensions", 10))
                r->ext_depth = d;
        }
        return;
    }
    if (d == 1) {
        root_start(r, n, len, nattrs, attrs);
        return;
    }
    switch (len) {
    case 3:
        if (r->trk_depth || r->rte_depth)
            break;
        if (!memcmp(n, "trk", 3)) {
            r->trk_depth = d;
            r->ntrk++;
            track_start(r, r->trk, &r->trk_begun);
        } else if (!memcmp(n, "rte", 3)) {
            r->rte_depth = d;
            track_start(r, r->rte, &r->rte_begun);
        }
        break;
    case 4:
        if (r->ntrk == 1 && d == r->trk_depth + 1 && !memcmp(n, "type", 4)) {
            hm_xml__capture(x, F_TYPE);
        } else if (!memcmp(n, "name", 4)) {
            int rank = r->trk_depth && d == r->trk_depth + 1   ? 3
                       : r->rte_depth && d == r->rte_depth + 1 ? 2
                       : r->meta_depth && d == r->meta_depth + 1 ? 1
                                                                 : 0;
            if (rank > r->name_rank) {
                r->name_pending = rank;
                hm_xml__capture(x, F_NAME);
            }
        }
        else if ((d == 2 || (r->meta_depth && d == r->meta_depth + 1)) &&
                 !memcmp(n, "time", 4))
            hm_xml__capture(x, F_FILE_TIME);
        break;
    case 5:
        if (r->trk_depth && !memcmp(n, "trkpt", 5))
            point_start(r, r->trk, nattrs, attrs);
        else if (r->rte_depth && !memcmp(n, "rtept", 5))
            point_start(r, r->rte, nattrs, attrs);
        break;
    case 6:
        if (r->trk_depth && !r->seg_depth && !memcmp(n, "trkseg", 6)) {
            r->seg_depth = d;
            check(r, hm_builder__begin_segment(r->trk));
        }
        break;
    case 8:
        if (d == 2 && !memcmp(n, "metadata", 8))
            r->meta_depth = d;
        break;
    default: break;
    }
}

static void field_end(gpx_reader *r, int f)
{
    hm_xml *x = &r->xml;
    hm_point *p = &r->pt;
    const char *s;
    double v;

    switch (f) {
    case F_TYPE:
        if ((s = hm_xml__text(x, &r->sport_len)) != NULL)
            memcpy(r->sport, s, r->sport_len);
        return;
    case F_TIME:
        if (isnan(p->time) && hm_xml__text_time(x, &v) > 0)
            p->time = v;
        return;
    case F_FILE_TIME:
        if (isnan(r->file_time) && hm_xml__text_time(x, &v) > 0)
            r->file_time = v;
        return;
    case F_NAME: {
        size_t len;
        if ((s = hm_xml__text(x, &len)) != NULL && len) {
            memcpy(r->name, s, len);
            r->name_len = len;
            r->name_rank = r->name_pending;
        }
        return;
    }
    default: break;
    }
    if (hm_xml__text_double(x, &v) <= 0)
        return;
    switch (f) {
    case F_ELE: hm_xml__set_first(&p->ele, v); break;
    case F_SPEED: hm_xml__set_first(&p->speed, v); break;
    case F_HR: hm_xml__set_first(&p->hr, v); break;
    case F_CAD: hm_xml__set_first(&p->cadence, v); break;
    case F_POWER: hm_xml__set_first(&p->power, v); break;
    case F_TEMP: hm_xml__set_first(&p->temperature, v); break;
    case F_DIST: hm_xml__set_first(&p->distance, v); break;
    default: break;
    }
}

static void gpx_end(hm_xml *x)
{
    gpx_reader *r = x->payload;
    int d = x->depth;

    if (x->capture) {
        field_end(r, x->capture);
    } else if (d == r->pt_depth) {
        if (!r->pt_bad) {
            check(r, hm_builder__add_point(r->cur, &r->pt));
            if (!isnan(r->pt.time) && r->cur == r->trk)
                r->trk_timed = 1;
            else if (!isnan(r->pt.time))
                r->rte_timed = 1;
        }
        r->pt_depth = 0;
        r->ext_depth = 0;
    } else if (d == r->ext_depth) {
        r->ext_depth = 0;
    } else if (d == r->seg_depth) {
        r->seg_depth = 0;
    } else if (d == r->trk_depth) {
        r->trk_depth = 0;
        r->seg_depth = 0;
    } else if (d == r->rte_depth) {
        r->rte_depth = 0;
    } else if (d == r->meta_depth) {
        r->meta_depth = 0;
    }
}

/* Metadata and the reader's own warnings, on the builder that is kept. */
static int finish_meta(gpx_reader *r, hm_builder *b, int begun, int timed)
{
    int rc = HM_OK;

    /* Only now is it known that no point has a time; a timed track starts at its first fix. */
    if (begun && !timed && !isnan(r->file_time))
        hm_builder__set_start_time(b, r->file_time);
    if (begun && r->creator)
        rc = hm_builder__set_device(b, r->creator, r->creator_len);
    if (rc == HM_OK && begun && r->sport_len)
        rc = hm_builder__set_sport(b, r->sport, r->sport_len);
    if (rc == HM_OK && begun && r->name_len)
        rc = hm_builder__set_name(b, r->name, r->name_len);
    if (rc == HM_OK && r->root[0])
        rc = hm_builder__warn(b, HM_EPARSE, r->root_line, -1,
                              "root element is <%s>, not <gpx>", r->root);
    if (rc == HM_OK && r->dropped)
        rc = hm_builder__warn(b, HM_EPARSE, r->dropped_line, -1,
                              "%zu point%s without a valid lat/lon dropped",
                              r->dropped, r->dropped == 1 ? "" : "s");
    return rc;
}

static int gpx_read(hm_file **out, hm_ctx *ctx, hm_stream *in, int scan)
{
    gpx_reader *r;
    hm_builder *keep;
    int rc, begun;

    *out = NULL;
    r = hm_ctx__calloc(ctx, 1, sizeof(*r));
    if (!r)
        return HM_RAISE_NOMEM(ctx);
    hm_xml__setup(&r->xml, ctx, gpx_start, gpx_end, r, scan);
    r->file_time = NAN;
    rc = hm_builder__new(&r->trk, ctx, hm_stream__path(in), HM_FORMAT_GPX);
    if (rc == HM_OK)
        rc = hm_builder__new(&r->rte, ctx, hm_stream__path(in), HM_FORMAT_GPX);
    if (rc == HM_OK)
        rc = hm_xml__parse(&r->xml, in);
    if (rc == HM_OK) {
        int use_rte = hm_builder__get_point_total(r->trk) == 0 &&
                      hm_builder__get_point_total(r->rte) > 0;
        keep = use_rte ? r->rte : r->trk;
        begun = use_rte ? r->rte_begun : r->trk_begun;
        rc = finish_meta(r, keep, begun, use_rte ? r->rte_timed : r->trk_timed);
        if (rc == HM_OK)
            rc = hm_xml__report(&r->xml, keep);
        if (rc == HM_OK)
            rc = hm_builder__finish(keep, out);
    }
    hm_builder__free(r->trk);
    hm_builder__free(r->rte);
    hm_ctx__free(ctx, r->creator);
    hm_ctx__free(ctx, r);
    return rc;
}

int hm_gpx__parse_stream(hm_file **out, hm_ctx *ctx, hm_stream *in)
{
    return hm_xml__read(out, ctx, in, gpx_read);
}

int hm_gpx_parse_buffer(hm_file **out, hm_ctx *ctx, const char *path, const void *buf, size_t len)
{
    return hm_stream__parse_buffer(out, ctx, path, buf, len, hm_gpx__parse_stream);
}
