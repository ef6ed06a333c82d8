/* SPDX-License-Identifier: MIT */
/*
 * The profile side of the FIT reader: which fields of which messages
 * matter, what their values mean, and the activity they make. fit.c hands
 * over each data message with the offsets of its interesting fields
 * (hm_fit_def); this file reads them, emits points and keeps what is needed
 * to describe the activity once the input ends (device, sport, start time,
 * virtual flag).
 *
 * Values are read with the base type the file declares, not the one the
 * profile expects, so a writer that stores heart rate as uint16 still
 * works; each base type's invalid value (all ones, 0x7F.., zero for the z
 * types) becomes NaN, never 0 pretending to be data.
 *
 * Times below 0x10000000 are seconds since the device powered on (the FIT
 * spec's "system time"). Points with such times are held back in a list,
 * because a timestamp_correlation message further on (VIRB cameras write
 * one once GPS time is known) tells how to make them UTC; the list is
 * handed over shifted when one comes, or as recorded when a point with a
 * UTC time comes or the input ends. Timer restarts while points are held
 * become marks, so segments come out the same either way.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/fit_int.h"
#include "io/units_int.h"

/* Global message numbers read here. */
#define MSG_FILE_ID 0
#define MSG_SPORT 12
#define MSG_SESSION 18
#define MSG_RECORD 20
#define MSG_EVENT 21
#define MSG_TIMESTAMP_CORRELATION 162

/* FIT date_time values below this are seconds since the device powered on, not UTC. */
#define FIT_SYSTEM_TIME_MAX 0x10000000u

/* Manufacturers whose files only ever hold virtual-world positions. */
#define MANUFACTURER_ZWIFT 260
#define MANUFACTURER_MYWHOOSH 331

/* Field slots, by message. */
enum { R_LAT, R_LON, R_ALT, R_EALT, R_HR, R_CAD, R_DIST, R_SPEED, R_ESPEED, R_POWER, R_TEMP };
enum { F_TYPE, F_MANUFACTURER, F_PRODUCT, F_TIME_CREATED };
enum { S_START_TIME, S_SPORT, S_SUB_SPORT };
enum { E_EVENT, E_EVENT_TYPE };
enum { C_SYSTEM_TIMESTAMP };

int hm_fit__slot_of(unsigned global, unsigned num)
{
    switch (global) {
    case MSG_RECORD:
        switch (num) {
        case 0: return R_LAT;
        case 1: return R_LON;
        case 2: return R_ALT;
        case 3: return R_HR;
        case 4: return R_CAD;
        case 5: return R_DIST;
        case 6: return R_SPEED;
        case 7: return R_POWER;
        case 13: return R_TEMP;
        case 73: return R_ESPEED;
        case 78: return R_EALT;
        }
        return -1;
    case MSG_FILE_ID:
        switch (num) {
        case 0: return F_TYPE;
        case 1: return F_MANUFACTURER;
        case 2: return F_PRODUCT;
        case 4: return F_TIME_CREATED;
        }
        return -1;
    case MSG_SESSION:
        switch (num) {
        case 2: return S_START_TIME;
        case 5: return S_SPORT;
        case 6: return S_SUB_SPORT;
        }
        return -1;
    case MSG_SPORT:
        return num == 0 ? S_SPORT : num == 1 ? S_SUB_SPORT : -1;
    case MSG_EVENT:
        return num == 0 ? E_EVENT : num == 1 ? E_EVENT_TYPE : -1;
    case MSG_TIMESTAMP_CORRELATION:
        return num == 1 ? C_SYSTEM_TIMESTAMP : -1;
    }
    return -1;
}

/* ---- field values ------------------------------------------------------- */

static uint16_t rd16(const unsigned char *p, int be)
{
    return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const unsigned char *p, int be)
{
    if (be)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const unsigned char *p, int be)
{
    uint64_t first = rd32(p, be), second = rd32(p + 4, be);
    return be ? first << 32 | second : second << 32 | first;
}

/*
 * Value of a field as a double; returns 0 when the message lacks the field
 * or it holds its base type's invalid value (or a non-finite float).
 */
static int get_num(const unsigned char *msg, hm_fit_field f, double *out)
{
    const unsigned char *p = msg + f.off;

    switch (f.kind) {
    case HM_FIT_U8:
        *out = p[0];
        return p[0] != 0xFF;
    case HM_FIT_S8:
        *out = (int8_t)p[0];
        return p[0] != 0x7F;
    case HM_FIT_U8Z:
        *out = p[0];
        return p[0] != 0;
    case HM_FIT_U16: {
        uint16_t v = rd16(p, f.be);
        *out = v;
        return v != 0xFFFF;
    }
    case HM_FIT_S16: {
        uint16_t v = rd16(p, f.be);
        *out = (int16_t)v;
        return v != 0x7FFF;
    }
    case HM_FIT_U16Z: {
        uint16_t v = rd16(p, f.be);
        *out = v;
        return v != 0;
    }
    case HM_FIT_U32: {
        uint32_t v = rd32(p, f.be);
        *out = v;
        return v != 0xFFFFFFFFu;
    }
    case HM_FIT_S32: {
        uint32_t v = rd32(p, f.be);
        *out = (int32_t)v;
        return v != 0x7FFFFFFFu;
    }
    case HM_FIT_U32Z: {
        uint32_t v = rd32(p, f.be);
        *out = v;
        return v != 0;
    }
    case HM_FIT_F32: {
        uint32_t v = rd32(p, f.be);
        float x;
        memcpy(&x, &v, sizeof(x));
        *out = x;
        return v != 0xFFFFFFFFu && isfinite(x);
    }
    case HM_FIT_F64: {
        uint64_t v = rd64(p, f.be);
        double x;
        memcpy(&x, &v, sizeof(x));
        *out = x;
        return v != UINT64_MAX && isfinite(x);
    }
    case HM_FIT_S64: {
        uint64_t v = rd64(p, f.be);
        *out = (double)(int64_t)v;
        return v != 0x7FFFFFFFFFFFFFFFull;
    }
    case HM_FIT_U64: {
        uint64_t v = rd64(p, f.be);
        *out = (double)v;
        return v != UINT64_MAX;
    }
    case HM_FIT_U64Z: {
        uint64_t v = rd64(p, f.be);
        *out = (double)v;
        return v != 0;
    }
    default:
        return 0;
    }
}

/* An unsigned 32-bit value (a date_time, an enum, an id); 0 when absent, invalid or out of range. */
static int get_u32(const unsigned char *msg, hm_fit_field f, uint32_t *out)
{
    double v;

    if (f.kind == HM_FIT_U32) { /* the usual case (every timestamp): no detour through double */
        *out = rd32(msg + f.off, f.be);
        return *out != 0xFFFFFFFFu;
    }
    if (!get_num(msg, f, &v) || v < 0 || v > 4294967295.0 || v != floor(v))
        return 0;
    *out = (uint32_t)v;
    return 1;
}

/* Semicircles in degrees; 0 when absent, invalid or not an int32. */
static int get_semicircles(const unsigned char *msg, hm_fit_field f, double *deg)
{
    double v;

    if (f.kind == HM_FIT_S32) { /* as the profile says */
        uint32_t u = rd32(msg + f.off, f.be);
        *deg = hm_units__semicircles_to_deg((int32_t)u);
        return u != 0x7FFFFFFFu;
    }
    if (!get_num(msg, f, &v) || v < -2147483648.0 || v > 2147483647.0 || v != floor(v))
        return 0;
    *deg = hm_units__semicircles_to_deg((int32_t)v);
    return 1;
}

/* A FIT date_time in s since 1970, UTC when possible; *relative = 1 when it stays device time. */
static double fit_time(const hm_fit_activity *a, uint32_t ts, int *relative)
{
    double t = hm_units__fit_time_to_unix(ts);

    *relative = 0;
    if (ts >= FIT_SYSTEM_TIME_MAX)
        return t;
    if (a->have_corr)
        return t + a->corr;
    *relative = 1;
    return t;
}

/* ---- points ------------------------------------------------------------- */

/* Hand the held-back points to the builder, their times shifted by `shift` s. */
static int flush_pending(hm_fit_activity *a, double shift)
{
    size_t i, m = 0;
    int rc;

    for (i = 0; i <= a->npend; i++) {
        for (; m < a->nmarks && a->marks[m] == i; m++)
            if (hm_builder__get_point_total(a->b) &&
                (rc = hm_builder__begin_segment(a->b)) != HM_OK)
                return rc;
        if (i == a->npend)
            break;
        a->pend[i].time += shift; /* NaN stays NaN */
        if ((rc = hm_builder__add_point(a->b, &a->pend[i])) != HM_OK)
            return rc;
    }
    a->npend = 0;
    a->nmarks = 0;
    return HM_OK;
}

static int add_point(hm_fit_activity *a, const hm_point *pt, int relative)
{
    int rc;

    /* Hold it back while its time is device-relative, or to keep order behind held points. */
    if ((relative && !a->have_corr) || (a->npend && isnan(pt->time))) {
        rc = hm_ctx__grow(a->ctx, (void **)&a->pend, &a->cap_pend, a->npend + 1, sizeof(*pt));
        if (rc != HM_OK)
            return rc;
        a->pend[a->npend++] = *pt;
        return HM_OK;
    }
    if (a->npend && (rc = flush_pending(a, 0.0)) != HM_OK)
        return rc;
    return hm_builder__add_point(a->b, pt);
}

static int on_record(hm_fit_activity *a, const hm_fit_def *d, const unsigned char *msg,
                     int have_ts, uint32_t ts)
{
    hm_point pt;
    double v, lat, lon;
    int relative = 0;

    hm_point__init(&pt);
    if (have_ts) {
        pt.time = fit_time(a, ts, &relative);
        a->any_time = 1;
    }
    /* Without both coordinates the point has no position, but it still has time, HR, ... */
    if (get_semicircles(msg, d->f[R_LAT], &lat) && get_semicircles(msg, d->f[R_LON], &lon)) {
        pt.lat = lat;
        pt.lon = lon;
        a->npos++;
    }
    if (get_num(msg, d->f[R_EALT], &v) || get_num(msg, d->f[R_ALT], &v))
        pt.ele = (float)(v / 5.0 - 500.0);
    if (get_num(msg, d->f[R_ESPEED], &v) || get_num(msg, d->f[R_SPEED], &v))
        pt.speed = (float)(v / 1000.0);
    if (get_num(msg, d->f[R_HR], &v) && v > 0) /* 0 bpm means "no strap", never a pulse */
        pt.hr = (float)v;
    if (get_num(msg, d->f[R_CAD], &v))
        pt.cadence = (float)v;
    if (get_num(msg, d->f[R_DIST], &v))
        pt.distance = (float)(v / 100.0);
    if (get_num(msg, d->f[R_POWER], &v))
        pt.power = (float)v;
    if (get_num(msg, d->f[R_TEMP], &v))
        pt.temperature = (float)v;
    a->seen = 1;
    return add_point(a, &pt, relative);
}

/* ---- other messages ----------------------------------------------------- */

/* timestamp_correlation: the UTC and device time of one instant. */
static int on_correlation(hm_fit_activity *a, const hm_fit_def *d, const unsigned char *msg,
                          int have_ts, uint32_t ts)
{
    uint32_t sys;

    if (a->have_corr || !have_ts || ts < FIT_SYSTEM_TIME_MAX ||
        !get_u32(msg, d->f[C_SYSTEM_TIMESTAMP], &sys) || sys >= FIT_SYSTEM_TIME_MAX)
        return HM_OK;
    a->have_corr = 1;
    a->corr = (double)ts - (double)sys;
    return flush_pending(a, a->corr);
}

static void on_file_id(hm_fit_activity *a, const hm_fit_def *d, const unsigned char *msg)
{
    uint32_t type, v;

    if (!get_u32(msg, d->f[F_TYPE], &type))
        type = 0xFF;
    /* The first file_id names the device, unless a later one is the activity file's. */
    if (a->have_device && (a->file_type == 4 || type != 4))
        return;
    a->have_device = 1;
    a->file_type = type;
    a->manufacturer = get_u32(msg, d->f[F_MANUFACTURER], &v) ? v : 0xFFFF;
    a->product = get_u32(msg, d->f[F_PRODUCT], &v) ? v : 0xFFFF;
    if (!a->have_created && get_u32(msg, d->f[F_TIME_CREATED], &v)) {
        a->have_created = 1;
        a->time_created = v;
    }
}

static void sports_add(hm_fit_sports *s, unsigned sport, unsigned sub)
{
    if (s->n++ == 0) {
        s->sport = sport;
        s->sub = sub;
        return;
    }
    if (sport != s->sport)
        s->sport_differs = 1;
    if (sub != s->sub)
        s->sub_differs = 1;
}

/* The sport and sub_sport of a session or sport message. */
static void on_sport(hm_fit_activity *a, hm_fit_sports *s, const hm_fit_def *d,
                     const unsigned char *msg)
{
    uint32_t sport, sub;

    a->seen = 1;
    if (!get_u32(msg, d->f[S_SUB_SPORT], &sub))
        sub = 0xFF;
    if (sub == 58) /* virtual_activity */
        a->saw_virtual = 1;
    if (!get_u32(msg, d->f[S_SPORT], &sport))
        return;
    if (sport == 2 && sub == 6) /* cycling, indoor_cycling */
        a->saw_indoor_cycling = 1;
    sports_add(s, sport, sub);
}

static int on_event(hm_fit_activity *a, const hm_fit_def *d, const unsigned char *msg)
{
    uint32_t event, type;
    int rc;

    if (!get_u32(msg, d->f[E_EVENT], &event) || event != 0 /* timer */ ||
        !get_u32(msg, d->f[E_EVENT_TYPE], &type))
        return HM_OK;
    a->seen = 1;
    if (type == 1 || type == 4 || type == 8 || type == 9) { /* stop, stop_all, stop_disable(_all) */
        a->timer_stopped = 1;
    } else if (type == 0 && a->timer_stopped) { /* start after a pause: never join across it */
        a->timer_stopped = 0;
        if (a->npend) {
            rc = hm_ctx__grow(a->ctx, (void **)&a->marks, &a->cap_marks, a->nmarks + 1,
                              sizeof(*a->marks));
            if (rc != HM_OK)
                return rc;
            a->marks[a->nmarks++] = a->npend;
        } else if (hm_builder__get_point_total(a->b)) {
            return hm_builder__begin_segment(a->b);
        }
    }
    return HM_OK;
}

int hm_fit__on_data(hm_fit_activity *a, const hm_fit_def *d, const unsigned char *msg,
                    int have_ts, uint32_t ts)
{
    if (d->ts.kind && get_u32(msg, d->ts, &ts)) {
        a->last_ts = ts;
        a->have_ts = 1;
        have_ts = 1;
    }
    switch (d->global) {
    case MSG_RECORD:
        return on_record(a, d, msg, have_ts, ts);
    case MSG_FILE_ID:
        on_file_id(a, d, msg);
        break;
    case MSG_SESSION:
        on_sport(a, &a->sessions, d, msg);
        if (!a->have_start && get_u32(msg, d->f[S_START_TIME], &a->start_time))
            a->have_start = 1;
        break;
    case MSG_SPORT:
        on_sport(a, &a->sports, d, msg);
        break;
    case MSG_EVENT:
        return on_event(a, d, msg);
    case MSG_TIMESTAMP_CORRELATION:
        return on_correlation(a, d, msg, have_ts, ts);
    }
    return HM_OK;
}

/* ---- the activity ------------------------------------------------------- */

void hm_fit__activity_init(hm_fit_activity *a, hm_ctx *ctx, hm_builder *b)
{
    memset(a, 0, sizeof(*a));
    a->ctx = ctx;
    a->b = b;
}

void hm_fit__activity_free(hm_fit_activity *a)
{
    hm_ctx__free(a->ctx, a->pend);
    hm_ctx__free(a->ctx, a->marks);
    a->pend = NULL;
    a->marks = NULL;
}

int hm_fit__activity_flush(hm_fit_activity *a)
{
    /* No correlation came: the device-relative times stay as recorded. */
    return a->npend || a->nmarks ? flush_pending(a, 0.0) : HM_OK;
}

/* Set a name, or prefix + number for a value the profile table does not know. */
static int set_name(hm_builder *b, int (*set)(hm_builder *, const char *, size_t),
                    const char *name, const char *prefix, unsigned value)
{
    char buf[32];

    if (!name) {
        snprintf(buf, sizeof(buf), "%s%u", prefix, value);
        name = buf;
    }
    return set(b, name, strlen(name));
}

static int set_sport(hm_fit_activity *a)
{
    /* Sessions say best; sport messages stand in for files without a session. */
    const hm_fit_sports *s = a->sessions.n ? &a->sessions : &a->sports;
    int rc;

    if (!s->n)
        return HM_OK;
    if (s->sport_differs) /* a triathlon: several sessions, several sports */
        rc = hm_builder__set_sport(a->b, "multisport", 10);
    else
        rc = set_name(a->b, hm_builder__set_sport, hm_fit__sport_name(s->sport), "sport_",
                      s->sport);
    if (rc == HM_OK && !s->sub_differs && s->sub != 0xFF)
        rc = set_name(a->b, hm_builder__set_sub_sport, hm_fit__sub_sport_name(s->sub),
                      "sub_sport_", s->sub);
    return rc;
}

static int set_device(hm_fit_activity *a)
{
    const char *name;
    char buf[96];

    if (!a->have_device || a->manufacturer == 0xFFFF)
        return HM_OK;
    name = hm_fit__manufacturer_name(a->manufacturer);
    if (name)
        snprintf(buf, sizeof(buf), "%s", name);
    else
        snprintf(buf, sizeof(buf), "%u", a->manufacturer);
    if (a->product != 0xFFFF)
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " %u", a->product);
    return hm_builder__set_device(a->b, buf, strlen(buf));
}

int hm_fit__activity_finish(hm_fit_activity *a)
{
    int rc, relative;

    if (!a->seen)
        return HM_OK; /* e.g. a settings file: no activity in it */
    /* Points open the activity; without any, open it here: the file says it exists. */
    if (hm_builder__get_point_total(a->b) == 0 && (rc = hm_builder__begin_activity(a->b)) != HM_OK)
        return rc;
    if ((rc = set_sport(a)) != HM_OK || (rc = set_device(a)) != HM_OK)
        return rc;
    /*
     * Virtual: the file says so, or an indoor ride carries positions (a
     * virtual course, OneLap style), or the writer only ever records virtual
     * worlds (Zwift, MyWhoosh; this also covers their unfinalised files,
     * which have no session).
     */
    hm_builder__set_virtual(a->b, a->saw_virtual || (a->saw_indoor_cycling && a->npos > 0) ||
                                      (a->have_device &&
                                       (a->manufacturer == MANUFACTURER_ZWIFT ||
                                        a->manufacturer == MANUFACTURER_MYWHOOSH)));
    /* A device-relative session start is no start time; the first point's time serves then. */
    if (a->have_start && (a->start_time >= FIT_SYSTEM_TIME_MAX || a->have_corr))
        hm_builder__set_start_time(a->b, fit_time(a, a->start_time, &relative));
    else if (!a->any_time && a->have_created)
        hm_builder__set_start_time(a->b, hm_units__fit_time_to_unix(a->time_created));
    return HM_OK;
}
