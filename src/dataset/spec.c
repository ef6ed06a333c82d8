/* SPDX-License-Identifier: MIT */
/*
 * The options of a heatmap raster: one table (name, type, description,
 * default, setter) that both validates values (hm_spec_set) and documents
 * them (hm_spec_get_option, from which the GDAL driver builds its
 * OpenOptionList), so a key can never be accepted without being documented
 * or the other way round. Every setter checks its value completely before
 * touching the spec: a rejected value leaves the previous one in place.
 * The text of every accepted value is kept too, so that a descriptor can
 * be written back (hm_spec_write_descriptor) exactly as the user said it.
 *
 * Text is read with src/core's helpers: one white space (hm_text__trim),
 * locale-independent numbers (hm_text__parse_double, hm_text_parse_int),
 * dates (hm_time__parse_date, hm_time__parse_iso8601); an SRS is checked
 * by building it with PROJ on a private PROJ context (thread-safe, silent).
 * The style keys (RENDER ... GLOW) are the style's: src/style/options.c
 * documents and parses them into the spec's hm_style_params, and the list
 * shows them after the spec's own keys. The connection string is in
 * connection.c.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <proj.h>

#include "core/text_int.h"
#include "core/time_int.h"
#include "dataset/spec_int.h"
#include "style/style_int.h"

/* Web Mercator's latitude limit, as BOUNDS accepts it (degrees). */
#define HM_SPEC_MAX_LAT 85.0511
#define HM_SPEC_MAX_ZOOM 22
#define HM_SPEC_MAX_THREADS 64
/* Characters of a bad value quoted back in a message. */
#define HM_SPEC_QUOTE_MAX 80

typedef struct option_def option_def;
typedef int (*option_setter)(hm_spec *spec, const option_def *def, const char *value);
/* Appends the option's value as the spec holds it (default or set), canonically: two specs
 * that mean the same append the same text. */
typedef void (*option_canon)(const hm_spec *spec, hm_strbuf *out);

struct option_def {
    hm_option_info info; /* what hm_spec_get_option() returns */
    option_setter set;   /* validates and stores a value */
    const char *expect;  /* end of the error message: "expected ..." */
    hm_option_kind kind; /* what a change of it changes (the keys come from this) */
    option_canon canon;  /* its value for keys; NULL for kinds no key holds */
};

/* ---- small parsers ------------------------------------------------------- */

/* A finite decimal number in s[0..len), surrounding white space allowed. */
static int parse_number(const char *s, size_t len, double *out)
{
    if (hm_text__parse_double(out, s, len) != HM_OK || !isfinite(*out))
        return -1;
    return 0;
}

/*
 * Split a comma list: calls fn for each item (trimmed, may be empty).
 * Returns the first non-zero fn result, else 0.
 */
static int for_each_item(const char *value, int (*fn)(const char *item, size_t len, void *p),
                         void *payload)
{
    hm_text_list it;
    const char *item;
    size_t len;
    int rc;

    hm_text__list_init(&it, value, strlen(value), ',');
    while (hm_text__list_next(&it, &item, &len))
        if ((rc = fn(item, len, payload)) != 0)
            return rc;
    return 0;
}

/* ---- setters ------------------------------------------------------------- */

/* HM_EINVAL with "NAME=VALUE: why" (a long value is cut). */
static int reject_value(hm_spec *spec, const char *name, const char *value, const char *why)
{
    size_t n = strlen(value);
    int cut = n > HM_SPEC_QUOTE_MAX;

    return HM_RAISE(spec->ctx, HM_EINVAL, NULL, 0, -1, "%s=%.*s%s: %s", name,
                    (int)(cut ? HM_SPEC_QUOTE_MAX : n), value, cut ? "..." : "", why);
}

/* As reject_value, the reason being detail or else the option's "expected ...". */
static int reject(hm_spec *spec, const option_def *def, const char *value, const char *detail)
{
    return reject_value(spec, def->info.name, value, detail ? detail : def->expect);
}

static int set_zoom(hm_spec *spec, const option_def *def, const char *value)
{
    int64_t v;

    if (hm_text_parse_int(&v, value, strlen(value), 0, HM_SPEC_MAX_ZOOM) != HM_OK)
        return reject(spec, def, value, NULL);
    spec->zoom = (int)v;
    return HM_OK;
}

static int set_threads(hm_spec *spec, const option_def *def, const char *value)
{
    int64_t v;

    if (hm_text_parse_int(&v, value, strlen(value), 0, HM_SPEC_MAX_THREADS) != HM_OK)
        return reject(spec, def, value, NULL);
    spec->threads = (int)v;
    return HM_OK;
}

static int set_positive(hm_spec *spec, const option_def *def, const char *value, double *field)
{
    double v;

    if (parse_number(value, strlen(value), &v) != 0 || !(v > 0.0))
        return reject(spec, def, value, NULL);
    *field = v;
    return HM_OK;
}

static int set_resolution(hm_spec *spec, const option_def *def, const char *value)
{
    return set_positive(spec, def, value, &spec->resolution);
}

static int set_max_gap(hm_spec *spec, const option_def *def, const char *value)
{
    return set_positive(spec, def, value, &spec->max_gap);
}

static int set_boolean(hm_spec *spec, const option_def *def, const char *value, int *field)
{
    static const char *const yes[] = {"YES", "TRUE", "ON", "1"};
    static const char *const no[] = {"NO", "FALSE", "OFF", "0"};
    size_t len = strlen(value);
    const char *s = hm_text__trim(value, &len);
    size_t i;

    for (i = 0; i < 4; i++) {
        if (hm_text__equal_ci(s, len, yes[i])) {
            *field = 1;
            return HM_OK;
        }
        if (hm_text__equal_ci(s, len, no[i])) {
            *field = 0;
            return HM_OK;
        }
    }
    return reject(spec, def, value, NULL);
}

static int set_include_virtual(hm_spec *spec, const option_def *def, const char *value)
{
    return set_boolean(spec, def, value, &spec->include_virtual);
}

static int set_dedupe(hm_spec *spec, const option_def *def, const char *value)
{
    return set_boolean(spec, def, value, &spec->dedupe);
}

static int set_trim_ends(hm_spec *spec, const option_def *def, const char *value)
{
    double v;

    if (parse_number(value, strlen(value), &v) != 0 || !(v >= 0.0) || v > 1e7)
        return reject(spec, def, value, NULL);
    spec->trim_ends = v;
    return HM_OK;
}

/* PRIVACY_ZONES: lon,lat,radius_m[;lon,lat,radius_m...] */
static int set_privacy_zones(hm_spec *spec, const option_def *def, const char *value)
{
    hm_privacy_zone *zones = NULL;
    size_t n = 0, cap = 0, len;
    hm_text_list zone_list;
    const char *item;
    char detail[160];

    hm_text__list_init(&zone_list, value, strlen(value), ';');
    while (hm_text__list_next(&zone_list, &item, &len)) {
        hm_text_list number_list;
        const char *f;
        size_t flen;
        double v[3];
        int k = 0;

        if (!len)
            continue;
        /* up to three comma-separated numbers; k = 4 when there are more */
        hm_text__list_init(&number_list, item, len, ',');
        while (k < 4 && hm_text__list_next(&number_list, &f, &flen))
            k = k < 3 && parse_number(f, flen, &v[k]) == 0 ? k + 1 : 4;
        if (k != 3 || v[0] < -180.0 || v[0] > 180.0 || v[1] < -90.0 || v[1] > 90.0 ||
            !(v[2] > 0.0) || v[2] > 1e7) {
            hm_ctx__free(spec->ctx, zones);
            snprintf(detail, sizeof(detail),
                     "zone '%.*s': expected lon,lat,radius_m with -180 <= lon <= 180, "
                     "-90 <= lat <= 90, 0 < radius_m",
                     (int)(len > 48 ? 48 : len), item);
            return reject(spec, def, value, detail);
        }
        if (hm_ctx__grow(spec->ctx, (void **)&zones, &cap, n + 1, sizeof(*zones)) != HM_OK) {
            hm_ctx__free(spec->ctx, zones);
            return HM_RAISE_NOMEM(spec->ctx);
        }
        zones[n].lon = v[0];
        zones[n].lat = v[1];
        zones[n++].radius = v[2];
    }
    hm_ctx__free(spec->ctx, spec->zones);
    spec->zones = zones;
    spec->nzones = n;
    return HM_OK;
}

/* A text option kept as given (trimmed); "" unsets it. */
static int set_text(hm_spec *spec, const char *value, char **field)
{
    size_t len = strlen(value);
    const char *s = hm_text__trim(value, &len);
    char *copy = NULL;

    if (len && !(copy = hm_ctx__strndup(spec->ctx, s, len)))
        return HM_RAISE_NOMEM(spec->ctx);
    hm_ctx__free(spec->ctx, *field);
    *field = copy;
    return HM_OK;
}

static int set_activities_csv(hm_spec *spec, const option_def *def, const char *value)
{
    (void)def;
    return set_text(spec, value, &spec->activities_csv);
}

static int set_where(hm_spec *spec, const option_def *def, const char *value)
{
    (void)def;
    return set_text(spec, value, &spec->where);
}

typedef struct bounds_acc {
    double v[4]; /* minlon, minlat, maxlon, maxlat, degrees */
    int n;       /* numbers read so far; 5 = too many or not a number */
} bounds_acc;

static int bounds_item(const char *item, size_t len, void *p)
{
    bounds_acc *acc = p;

    if (acc->n >= 4 || parse_number(item, len, &acc->v[acc->n]) != 0) {
        acc->n = 5;
        return 1;
    }
    acc->n++;
    return 0;
}

static int set_bounds(hm_spec *spec, const option_def *def, const char *value)
{
    bounds_acc acc;
    const double *b = acc.v;

    memset(&acc, 0, sizeof(acc));
    for_each_item(value, bounds_item, &acc);
    if (acc.n != 4)
        return reject(spec, def, value, NULL);
    if (b[0] < -180.0 || b[2] > 180.0 || !(b[0] < b[2]))
        return reject(spec, def, value,
                      "expected -180 <= minlon < maxlon <= 180 (degrees)");
    if (b[1] < -HM_SPEC_MAX_LAT || b[3] > HM_SPEC_MAX_LAT || !(b[1] < b[3]))
        return reject(spec, def, value,
                      "expected -85.0511 <= minlat < maxlat <= 85.0511 (degrees)");
    memcpy(spec->bounds, acc.v, sizeof(spec->bounds));
    spec->has_bounds = 1;
    return HM_OK;
}

typedef struct bands_acc {
    hm_band bands[HM_BAND_MAX]; /* in the order listed */
    size_t n;                   /* entries in bands */
    const char *bad;            /* offending item, not NUL-terminated */
    size_t bad_len;             /* its length */
    int dup;                    /* 1 when bad is a duplicate, 0 when unknown */
} bands_acc;

static int bands_item(const char *item, size_t len, void *p)
{
    bands_acc *acc = p;
    size_t i;
    int b;

    for (b = 0; b < HM_BAND_MAX; b++)
        if (hm_text__equal_ci(item, len, hm_band_get_name((hm_band)b)))
            break;
    acc->bad = item;
    acc->bad_len = len;
    if (b == HM_BAND_MAX)
        return 1;
    for (i = 0; i < acc->n; i++) {
        if (acc->bands[i] == (hm_band)b) {
            acc->dup = 1;
            return 1;
        }
    }
    acc->bands[acc->n++] = (hm_band)b;
    return 0;
}

static int set_bands(hm_spec *spec, const option_def *def, const char *value)
{
    bands_acc acc;
    char detail[160];

    memset(&acc, 0, sizeof(acc));
    if (for_each_item(value, bands_item, &acc) != 0) {
        if (acc.bad_len == 0)
            snprintf(detail, sizeof(detail), "%s", def->expect);
        else
            snprintf(detail, sizeof(detail), acc.dup ? "band '%.*s' is listed twice" :
                     "unknown band '%.*s' (expected count, log_count, pace, hr, recency)",
                     (int)(acc.bad_len > 32 ? 32 : acc.bad_len), acc.bad);
        return reject(spec, def, value, detail);
    }
    memcpy(spec->bands, acc.bands, sizeof(spec->bands));
    spec->nbands = acc.n;
    return HM_OK;
}

/*
 * A date relative to today (UTC): -N followed by d (days), w (weeks), m
 * (calendar months) or y (calendar years), as in DATE_FROM=-365d. It names
 * a whole day, so a key made from it changes once a day, not every second.
 */
static int parse_relative_date(const char *s, size_t len, int64_t *days)
{
    int64_t n = 0, today;
    size_t i = 1;
    time_t now = time(NULL);
    hm_time_civil c;
    char unit;

    s = hm_text__trim(s, &len);
    if (len < 3 || s[0] != '-')
        return -1;
    for (; i < len - 1; i++) {
        if (s[i] < '0' || s[i] > '9' || n > 1000000)
            return -1;
        n = n * 10 + (s[i] - '0');
    }
    unit = hm_text__lower(s[len - 1]);
    hm_time__civil_from_seconds(&c, (int64_t)now);
    today = hm_time__days_from_civil(c.year, c.month, c.day);
    /* A day past the end of a month counts on into the next (March 31 - 1m: March 3). */
    if (unit == 'd') {
        *days = today - n;
    } else if (unit == 'w') {
        *days = today - 7 * n;
    } else if (unit == 'm') {
        int64_t m = c.year * 12 + (int64_t)c.month - 1 - n; /* months since January of year 0 */
        int64_t y = (m >= 0 ? m : m - 11) / 12;
        *days = hm_time__days_from_civil(y, (unsigned)(m - 12 * y) + 1, 1) + c.day - 1;
    } else if (unit == 'y') {
        *days = hm_time__days_from_civil(c.year - (n > 10000 ? 10000 : n), c.month, 1) + c.day - 1;
    } else {
        return -1;
    }
    return 0;
}

/* DATE_FROM / DATE_TO: a date covers its whole UTC day; a full time is inclusive. */
static int parse_date_limit(const char *value, int is_to, double *out)
{
    size_t len = strlen(value);
    int64_t days;
    double t;

    if (hm_time__parse_date(&days, value, len) == HM_OK ||
        parse_relative_date(value, len, &days) == 0) {
        *out = (double)(days + (is_to ? 1 : 0)) * 86400.0;
        return 0;
    }
    if (hm_time__parse_iso8601(&t, value, len) != HM_OK || !isfinite(t))
        return -1;
    /* date_to is stored exclusive: the smallest time after t keeps t itself inside. */
    *out = is_to ? nextafter(t, INFINITY) : t;
    return 0;
}

static int set_date_from(hm_spec *spec, const option_def *def, const char *value)
{
    double t;

    if (parse_date_limit(value, 0, &t) != 0)
        return reject(spec, def, value, NULL);
    spec->date_from = t;
    return HM_OK;
}

static int set_date_to(hm_spec *spec, const option_def *def, const char *value)
{
    double t;

    if (parse_date_limit(value, 1, &t) != 0)
        return reject(spec, def, value, NULL);
    spec->date_to = t;
    return HM_OK;
}

static void free_sports(hm_ctx *ctx, char **sports, size_t n)
{
    size_t i;

    if (!sports)
        return;
    for (i = 0; i < n; i++)
        hm_ctx__free(ctx, sports[i]);
    hm_ctx__free(ctx, sports);
}

typedef struct sport_acc {
    hm_ctx *ctx;    /* allocator */
    char **sports;  /* lower-case names, owned */
    size_t n;       /* entries in sports */
    size_t cap;     /* capacity of sports */
    int rc;         /* HM_ENOMEM (raised) or HM_EINVAL (empty item, not raised) */
} sport_acc;

static int sport_item(const char *item, size_t len, void *p)
{
    sport_acc *acc = p;
    size_t i;
    char *s;

    if (len == 0) {
        acc->rc = HM_EINVAL;
        return 1;
    }
    for (i = 0; i < acc->n; i++)
        if (hm_text__equal_ci(item, len, acc->sports[i]))
            return 0; /* a repeated sport changes nothing */
    if (hm_ctx__grow(acc->ctx, (void **)&acc->sports, &acc->cap, acc->n + 1,
                     sizeof(*acc->sports)) != HM_OK ||
        !(s = hm_ctx__strndup(acc->ctx, item, len))) {
        acc->rc = HM_RAISE_NOMEM(acc->ctx);
        return 1;
    }
    for (i = 0; i < len; i++)
        s[i] = hm_text__lower(s[i]);
    acc->sports[acc->n++] = s;
    return 0;
}

static int set_sport(hm_spec *spec, const option_def *def, const char *value)
{
    sport_acc acc;

    memset(&acc, 0, sizeof(acc));
    acc.ctx = spec->ctx;
    if (for_each_item(value, sport_item, &acc) != 0) {
        free_sports(spec->ctx, acc.sports, acc.n);
        return acc.rc == HM_ENOMEM ? acc.rc : reject(spec, def, value, NULL);
    }
    free_sports(spec->ctx, spec->sports, spec->nsports);
    spec->sports = acc.sports;
    spec->nsports = acc.n;
    return HM_OK;
}

/* 0 when PROJ builds a CRS a grid can be made in from text; else -1 with PROJ's reason in
 * why, or -2 for a CRS PROJ knows that is not planar (why says what it is). */
static int check_crs(const char *text, char *why, size_t cap)
{
    PJ_CONTEXT *pctx = proj_context_create();
    PJ *pj;
    int ok, planar = 1;

    why[0] = '\0';
    if (!pctx) {
        snprintf(why, cap, "cannot create a PROJ context");
        return -1;
    }
    proj_log_level(pctx, PJ_LOG_NONE);
    pj = proj_create(pctx, text);
    ok = pj && proj_is_crs(pj);
    if (!pj) {
        int err = proj_context_errno(pctx);
        snprintf(why, cap, "%s", err ? proj_context_errno_string(pctx, err) : "");
    } else if (ok) {
        /* A grid is a plane: a projected or a 2D geographic CRS (a bound or compound CRS is
         * looked at through its horizontal part). Geocentric, 3D or vertical CRSs are not. */
        PJ *h = proj_get_type(pj) == PJ_TYPE_BOUND_CRS ? proj_get_source_crs(pctx, pj)
                : proj_get_type(pj) == PJ_TYPE_COMPOUND_CRS ? proj_crs_get_sub_crs(pctx, pj, 0)
                                                            : NULL;
        PJ_TYPE t = proj_get_type(h ? h : pj);
        if (t != PJ_TYPE_PROJECTED_CRS && t != PJ_TYPE_GEOGRAPHIC_2D_CRS) {
            planar = 0;
            snprintf(why, cap, "not a planar CRS (%s): expected a projected or 2D geographic CRS",
                     t == PJ_TYPE_GEOCENTRIC_CRS       ? "geocentric"
                     : t == PJ_TYPE_GEOGRAPHIC_3D_CRS  ? "3D geographic"
                     : t == PJ_TYPE_VERTICAL_CRS       ? "vertical"
                     : t == PJ_TYPE_ENGINEERING_CRS    ? "engineering"
                                                       : "of another kind");
        }
        proj_destroy(h);
    }
    proj_destroy(pj);
    proj_context_destroy(pctx);
    return !ok ? -1 : !planar ? -2 : 0;
}

static int set_srs(hm_spec *spec, const option_def *def, const char *value)
{
    size_t len = strlen(value);
    const char *s = hm_text__trim(value, &len);
    char why[128], detail[200];
    char *copy;
    int rc = 0;

    copy = hm_ctx__strndup(spec->ctx, s, len);
    if (!copy)
        return HM_RAISE_NOMEM(spec->ctx);
    if (len == 0 || (rc = check_crs(copy, why, sizeof(why))) != 0) {
        hm_ctx__free(spec->ctx, copy);
        if (rc == -2) /* PROJ knows it, but it is not one a grid can be made in */
            snprintf(detail, sizeof(detail), "%s", why);
        else
            snprintf(detail, sizeof(detail), "%s%s%s%s", def->expect, why[0] ? " (" : "", why,
                     why[0] ? ")" : "");
        return reject(spec, def, value, detail);
    }
    hm_ctx__free(spec->ctx, spec->srs);
    spec->srs = copy;
    return HM_OK;
}

/* ---- the store ------------------------------------------------------------ */

static int set_store(hm_spec *spec, const option_def *def, const char *value)
{
    size_t len = strlen(value);
    const char *s = hm_text__trim(value, &len);
    char *copy;

    if (len == 0)
        return reject(spec, def, value, NULL);
    if (hm_text__equal_ci(s, len, "NO")) {
        hm_ctx__free(spec->ctx, spec->store);
        spec->store = NULL;
        spec->store_mode = HM_STORE_MODE_NONE;
        return HM_OK;
    }
    if (!(copy = hm_ctx__strndup(spec->ctx, s, len)))
        return HM_RAISE_NOMEM(spec->ctx);
    hm_ctx__free(spec->ctx, spec->store);
    spec->store = copy;
    spec->store_mode = HM_STORE_MODE_FILE;
    return HM_OK;
}

/* ---- canonical values ----------------------------------------------------- */

static void canon_date_from(const hm_spec *spec, hm_strbuf *b)
{
    hm_strbuf_printf(b, "%.17g", spec->date_from);
}

static void canon_date_to(const hm_spec *spec, hm_strbuf *b)
{
    hm_strbuf_printf(b, "%.17g", spec->date_to);
}

/* The sports, sorted (the order they were listed in changes nothing). */
static void canon_sport(const hm_spec *spec, hm_strbuf *b)
{
    const char *last = NULL;
    size_t n, i;

    for (n = 0; n < spec->nsports; n++) {
        const char *next = NULL;
        for (i = 0; i < spec->nsports; i++)
            if ((!last || strcmp(spec->sports[i], last) > 0) &&
                (!next || strcmp(spec->sports[i], next) < 0))
                next = spec->sports[i];
        if (!next)
            break;
        hm_strbuf_printf(b, "%s%s", last ? "," : "", next);
        last = next;
    }
}

static void canon_include_virtual(const hm_spec *spec, hm_strbuf *b)
{
    hm_strbuf_printf(b, "%d", spec->include_virtual);
}

static void canon_max_gap(const hm_spec *spec, hm_strbuf *b)
{
    hm_strbuf_printf(b, "%.17g", spec->max_gap);
}

static void canon_privacy_zones(const hm_spec *spec, hm_strbuf *b)
{
    size_t i;

    for (i = 0; i < spec->nzones; i++)
        hm_strbuf_printf(b, "%s%.17g,%.17g,%.17g", i ? ";" : "", spec->zones[i].lon,
                         spec->zones[i].lat, spec->zones[i].radius);
}

static void canon_trim_ends(const hm_spec *spec, hm_strbuf *b)
{
    hm_strbuf_printf(b, "%.17g", spec->trim_ends);
}

static void canon_activities_csv(const hm_spec *spec, hm_strbuf *b)
{
    if (spec->activities_csv)
        hm_strbuf_puts(b, spec->activities_csv);
}

static void canon_where(const hm_spec *spec, hm_strbuf *b)
{
    if (spec->where)
        hm_strbuf_puts(b, spec->where);
}

static void canon_dedupe(const hm_spec *spec, hm_strbuf *b)
{
    hm_strbuf_printf(b, "%d", spec->dedupe);
}

/* ---- the table ------------------------------------------------------------ */

static const option_def options[] = {
    {{"ZOOM", HM_OPTION_INT,
      "XYZ zoom level (0-22) of the full-resolution EPSG:3857 grid; default: chosen from the "
      "extent of the tracks",
      NULL,
      NULL, "0", "22"},
     set_zoom, "expected an integer from 0 to 22", HM_OPTION_KIND_GRID, NULL},
    {{"BOUNDS", HM_OPTION_STRING,
      "Area to cover as minlon,minlat,maxlon,maxlat in degrees (WGS84); default: the extent of "
      "the tracks",
      NULL,
      NULL, NULL, NULL},
     set_bounds, "expected minlon,minlat,maxlon,maxlat in degrees", HM_OPTION_KIND_GRID, NULL},
    {{"SRS", HM_OPTION_STRING,
      "CRS of the grid, any definition PROJ accepts (EPSG:32633, WKT, PROJ string); default: "
      "the EPSG:3857 XYZ tile grid",
      NULL,
      NULL, NULL, NULL},
     set_srs, "expected a CRS that PROJ knows", HM_OPTION_KIND_GRID, NULL},
    {{"RESOLUTION", HM_OPTION_FLOAT,
      "Pixel size at full resolution in SRS units; used with SRS; default: derived from the "
      "extent",
      NULL,
      NULL, NULL, NULL},
     set_resolution, "expected a number > 0 (SRS units per pixel)", HM_OPTION_KIND_GRID, NULL},
    {{"BANDS", HM_OPTION_STRING,
      "Bands to expose, comma-separated, in the order wanted: count, log_count, pace, hr, "
      "recency",
      "count,log_count,pace,hr,recency",
      NULL, NULL, NULL},
     set_bands, "expected a comma-separated list of count, log_count, pace, hr, recency", HM_OPTION_KIND_VIEW, NULL},
    {{"DATE_FROM", HM_OPTION_STRING,
      "Keep activities from this UTC date (YYYY-MM-DD, from 00:00:00), ISO 8601 time, or "
      "date relative to today (-30d, -12w, -6m, -1y) on (inclusive)",
      NULL,
      NULL, NULL, NULL},
     set_date_from, "expected YYYY-MM-DD, an ISO 8601 time or -N followed by d, w, m or y",
     HM_OPTION_KIND_FILTER, canon_date_from},
    {{"DATE_TO", HM_OPTION_STRING,
      "Keep activities up to this UTC date (YYYY-MM-DD, through the end of that day), ISO "
      "8601 time, or date relative to today (-30d ...) (inclusive)",
      NULL,
      NULL, NULL, NULL},
     set_date_to, "expected YYYY-MM-DD, an ISO 8601 time or -N followed by d, w, m or y",
     HM_OPTION_KIND_FILTER, canon_date_to},
    {{"SPORT", HM_OPTION_STRING,
      "Keep only these sports, comma-separated: canonical names (running, cycling, hiking...), "
      "their aliases (Ride, Radfahrt, Biking), sub-sport aliases (Gravel Ride, trail_run) or "
      "sport:sub_sport (cycling:gravel); case and separators ignored; default: every sport",
      NULL,
      NULL, NULL, NULL},
     set_sport, "expected a comma-separated list of sport names", HM_OPTION_KIND_FILTER, canon_sport},
    {{"WHERE", HM_OPTION_STRING,
      "Keep only activities for which this SQL expression (SQLite) is true, over the "
      "activity fields (sport, year, name, gear, commute, distance_km, ...) and the "
      "activities table's columns, e.g. sport = 'cycling' AND NOT commute",
      NULL,
      NULL, NULL, NULL},
     set_where, "expected an SQL expression", HM_OPTION_KIND_FILTER, canon_where},
    {{"DEDUPE", HM_OPTION_BOOLEAN,
      "Count an activity recorded twice (same start within a minute, same start point and "
      "length) once",
      "YES",
      NULL, NULL, NULL},
     set_dedupe, "expected YES, NO, TRUE, FALSE, ON, OFF, 1 or 0", HM_OPTION_KIND_FILTER,
     canon_dedupe},
    {{"INCLUDE_VIRTUAL", HM_OPTION_BOOLEAN,
      "Also draw virtual activities (Zwift-style), whose positions are not places on Earth",
      "NO",
      NULL, NULL, NULL},
     set_include_virtual, "expected YES, NO, TRUE, FALSE, ON, OFF, 1 or 0", HM_OPTION_KIND_FILTER, canon_include_virtual},
    {{"MAX_GAP", HM_OPTION_FLOAT,
      "Split a track where consecutive fixes are more than this many metres apart",
      "1000",
      NULL, NULL, NULL},
     set_max_gap, "expected a distance in metres > 0", HM_OPTION_KIND_DATA, canon_max_gap},
    {{"PRIVACY_ZONES", HM_OPTION_STRING,
      "Hide every part of every track within these circles: lon,lat,radius_m[;...] (degrees, "
      "metres on the ground); tracks are cut exactly at the circle",
      NULL,
      NULL, NULL, NULL},
     set_privacy_zones, "expected lon,lat,radius_m[;lon,lat,radius_m...]", HM_OPTION_KIND_DATA,
     canon_privacy_zones},
    {{"TRIM_ENDS", HM_OPTION_FLOAT,
      "Hide the first and the last this many metres of every activity",
      "0",
      NULL, "0", NULL},
     set_trim_ends, "expected a distance in metres >= 0", HM_OPTION_KIND_DATA, canon_trim_ends},
    {{"ACTIVITIES_CSV", HM_OPTION_STRING,
      "Activities table to join to the files by its Filename column (a Strava export's "
      "activities.csv); default: activities.csv at the top of the source, when there is one",
      NULL,
      NULL, NULL, NULL},
     set_activities_csv, "expected a file path", HM_OPTION_KIND_DATA, canon_activities_csv},
    {{"THREADS", HM_OPTION_INT,
      "Threads reading the activity files (0-64); 0 = one per core",
      "0",
      NULL, "0", "64"},
     set_threads, "expected an integer from 0 to 64", HM_OPTION_KIND_PROCESS, NULL},
    {{"STORE", HM_OPTION_STRING,
      "Track store file (the parsed, indexed tracks, kept between processes), or NO to keep "
      "nothing on disk; default: one per source under HEATMAP_STORE_DIR, else "
      "$XDG_CACHE_HOME/gdal-heatmap, else $HOME/.cache/gdal-heatmap",
      NULL,
      NULL, NULL, NULL},
     set_store, "expected a file path or NO", HM_OPTION_KIND_PROCESS, NULL},
};

/* The spec's own options; the style's (src/style/options.c) follow them, numbered from
 * OWN_COUNT, in the list and in spec->texts. */
#define OWN_COUNT (sizeof(options) / sizeof(options[0]))
#define OPTION_COUNT (OWN_COUNT + HM_STYLE_OPTION_COUNT)

/* spec->texts has a slot per option. */
typedef char option_count_check[OPTION_COUNT <= HM_SPEC_MAX_OPTIONS ? 1 : -1];

static const hm_option_info *option_info(size_t i)
{
    return i < OWN_COUNT ? &options[i].info : hm_style__option(i - OWN_COUNT);
}

void hm_spec__key(const hm_spec *spec, unsigned kinds, hm_strbuf *out)
{
    size_t i;

    for (i = 0; i < OWN_COUNT; i++) {
        if (!(kinds & (1u << options[i].kind)) || !options[i].canon)
            continue;
        hm_strbuf_printf(out, "%s=", options[i].info.name);
        options[i].canon(spec, out);
        hm_strbuf_put(out, "\n", 1);
    }
}

void hm_spec__idle_style(const hm_spec *spec, hm_strbuf *out)
{
    hm_style__idle_options(&spec->style, (const char *const *)spec->texts + OWN_COUNT, out);
}

size_t hm_spec_get_option_count(void)
{
    return OPTION_COUNT;
}

const hm_option_info *hm_spec_get_option(size_t i)
{
    assert(i < OPTION_COUNT);
    return option_info(i);
}

/* ---- the spec ------------------------------------------------------------- */

int hm_spec_new(hm_spec **out, hm_ctx *ctx)
{
    hm_spec *spec;
    int b;

    *out = NULL;
    spec = hm_ctx__calloc(ctx, 1, sizeof(*spec));
    if (!spec)
        return HM_RAISE_NOMEM(ctx);
    spec->ctx = ctx;
    spec->zoom = -1;
    spec->date_from = NAN;
    spec->date_to = NAN;
    spec->max_gap = 1000.0;
    spec->dedupe = 1;
    for (b = 0; b < HM_BAND_MAX; b++)
        spec->bands[b] = (hm_band)b;
    spec->nbands = HM_BAND_MAX;
    *out = spec;
    return HM_OK;
}

void hm_spec_free(hm_spec *spec)
{
    size_t i;

    if (!spec)
        return;
    free_sports(spec->ctx, spec->sports, spec->nsports);
    for (i = 0; i < HM_SPEC_MAX_OPTIONS; i++)
        hm_ctx__free(spec->ctx, spec->texts[i]);
    hm_ctx__free(spec->ctx, spec->store);
    hm_ctx__free(spec->ctx, spec->zones);
    hm_ctx__free(spec->ctx, spec->activities_csv);
    hm_ctx__free(spec->ctx, spec->where);
    hm_ctx__free(spec->ctx, spec->srs);
    hm_ctx__free(spec->ctx, spec->path);
    hm_ctx__free(spec->ctx, spec);
}

/* The number of the option named key[0..len), case-insensitively, or OPTION_COUNT. */
static size_t find_option(const char *key, size_t len)
{
    size_t i;

    for (i = 0; i < OPTION_COUNT; i++)
        if (hm_text__equal_ci(key, len, option_info(i)->name))
            break;
    return i;
}

/* Option i's setter: the spec's own, or the style's parser. */
static int set_value(hm_spec *spec, size_t i, const char *value)
{
    char why[256];

    if (i < OWN_COUNT)
        return options[i].set(spec, &options[i], value);
    if (hm_style__set_option(&spec->style, i - OWN_COUNT, value, why, sizeof(why)) != HM_OK)
        return reject_value(spec, option_info(i)->name, value, why);
    return HM_OK;
}

int hm_spec__set_option(hm_spec *spec, const char *key, size_t key_len, const char *value)
{
    size_t i = find_option(key, key_len), used = 0;
    char known[512];
    char *text;
    int rc;

    if (i < OPTION_COUNT) {
        /* The text is copied first: once the value is set, nothing can fail. */
        text = hm_ctx__strdup(spec->ctx, value);
        if (!text)
            return HM_RAISE_NOMEM(spec->ctx);
        if ((rc = set_value(spec, i, value)) != HM_OK) {
            hm_ctx__free(spec->ctx, text);
            return rc;
        }
        hm_ctx__free(spec->ctx, spec->texts[i]);
        spec->texts[i] = text;
        return HM_OK;
    }
    known[0] = '\0';
    for (i = 0; i < OPTION_COUNT && used < sizeof(known); i++)
        used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "",
                                 option_info(i)->name);
    return HM_RAISE(spec->ctx, HM_EINVAL, NULL, 0, -1, "%.*s: unknown option (known: %s)",
                    (int)(key_len > 64 ? 64 : key_len), key, known);
}

const char *hm_spec__get_text(const hm_spec *spec, size_t i)
{
    assert(i < OPTION_COUNT);
    return spec->texts[i];
}

int hm_spec_set(hm_spec *spec, const char *key, const char *value)
{
    assert(spec && key && value);
    return hm_spec__set_option(spec, key, strlen(key), value);
}

int hm_spec_set_path(hm_spec *spec, const char *path)
{
    char *copy;

    assert(spec && path);
    if (path[0] == '\0')
        return HM_RAISE(spec->ctx, HM_EINVAL, NULL, 0, -1, "empty source path");
    copy = hm_ctx__strdup(spec->ctx, path);
    if (!copy)
        return HM_RAISE_NOMEM(spec->ctx);
    hm_ctx__free(spec->ctx, spec->path);
    spec->path = copy;
    return HM_OK;
}

int hm_spec_set_auto_zoom(hm_spec *spec, int max_width, int max_height)
{
    size_t i = find_option("ZOOM", 4);

    assert(spec);
    if (max_width < 1 || max_height < 1)
        return HM_RAISE(spec->ctx, HM_EINVAL, NULL, 0, -1,
                        "an automatic zoom needs a size of at least 1 x 1 pixels, not %d x %d",
                        max_width, max_height);
    spec->zoom = -1;
    spec->fit[0] = max_width;
    spec->fit[1] = max_height;
    hm_ctx__free(spec->ctx, spec->texts[i]);
    spec->texts[i] = NULL;
    return HM_OK;
}

const char *hm_spec_get_path(const hm_spec *spec)
{
    return spec->path;
}

size_t hm_spec_get_bands(const hm_spec *spec, hm_band out[HM_BAND_MAX])
{
    memcpy(out, spec->bands, spec->nbands * sizeof(*out));
    return spec->nbands;
}

/* ---- styles ----------------------------------------------------------------- */

int hm_style_new(hm_style **out, hm_ctx *ctx, const hm_spec *spec)
{
    return hm_style__new(out, ctx, &spec->style);
}
