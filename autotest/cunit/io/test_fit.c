/* SPDX-License-Identifier: MIT */
/*
 * Tests of the FIT reader (src/io/fit.c, fit_activity.c, fit_profile.c).
 * Inputs are built here by a tiny FIT encoder (fitw_*), so every expected
 * value is known by hand; the CRC is recomputed with a bitwise CRC-16 that
 * shares nothing with the engine's table-driven one. The corpus tests check
 * every file of ../shared/testdata/tracks/fit against MANIFEST.md and pin
 * the outcome of every .fit file in bad/.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "test_util.h"

#define TRACKS HM_SHARED_TESTDATA "/tracks"
#define FIT_EPOCH 631065600.0
#define T0 1000000000u /* a FIT date_time: 2021-09-09T01:46:40Z */

/* ---- a tiny FIT encoder ------------------------------------------------- */

typedef struct fitw {
    unsigned char *b; /* bytes written */
    size_t n;         /* used bytes */
    size_t cap;       /* allocated bytes */
    size_t hdr;       /* offset of the current part's header */
    int hsize;        /* its size, 12 or 14 */
} fitw;

static void w8(fitw *w, unsigned v)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 4096;
        w->b = realloc(w->b, w->cap);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w->b);
    }
    w->b[w->n++] = (unsigned char)v;
}

static void w16(fitw *w, unsigned v, int be)
{
    if (be) {
        w8(w, v >> 8);
        w8(w, v & 0xFF);
    } else {
        w8(w, v & 0xFF);
        w8(w, v >> 8);
    }
}

static void w32(fitw *w, uint32_t v, int be)
{
    if (be) {
        w16(w, v >> 16, 1);
        w16(w, v & 0xFFFF, 1);
    } else {
        w16(w, v & 0xFFFF, 0);
        w16(w, v >> 16, 0);
    }
}

/* CRC-16/ARC, bit by bit, as the FIT spec defines it. */
static uint16_t crc16(const unsigned char *p, size_t n)
{
    unsigned crc = 0, k;

    while (n--) {
        crc ^= *p++;
        for (k = 0; k < 8; k++)
            crc = crc & 1 ? (crc >> 1) ^ 0xA001 : crc >> 1;
    }
    return (uint16_t)crc;
}

/* Start a FIT file part with a 12- or 14-byte header (sizes filled in by fitw_end). */
static void fitw_begin(fitw *w, int hsize)
{
    w->hdr = w->n;
    w->hsize = hsize;
    w8(w, (unsigned)hsize);
    w8(w, 0x20);      /* protocol 2.0 */
    w16(w, 2132, 0);  /* profile 21.32 */
    w32(w, 0, 0);     /* data size, patched */
    w8(w, '.');
    w8(w, 'F');
    w8(w, 'I');
    w8(w, 'T');
    if (hsize == 14)
        w16(w, 0, 0); /* header CRC, patched */
}

static void put32le(unsigned char *p, uint32_t v)
{
    p[0] = v & 0xFF;
    p[1] = (v >> 8) & 0xFF;
    p[2] = (v >> 16) & 0xFF;
    p[3] = v >> 24;
}

/* End the part: data size, header CRC, file CRC. */
static void fitw_end(fitw *w)
{
    unsigned char *h = w->b + w->hdr;
    uint16_t crc;

    put32le(h + 4, (uint32_t)(w->n - w->hdr - (size_t)w->hsize));
    if (w->hsize == 14) {
        crc = crc16(h, 12);
        h[12] = crc & 0xFF;
        h[13] = crc >> 8;
    }
    w16(w, crc16(w->b + w->hdr, w->n - w->hdr), 0);
}

static void fitw_free(fitw *w)
{
    free(w->b);
    memset(w, 0, sizeof(*w));
}

/*
 * A definition message: local type, architecture (0 little, 1 big endian),
 * global number, field count, then (number, size, base type) per field,
 * then, when ndev > 0, (number, size, developer index) per developer field.
 */
static void fitw_def(fitw *w, int local, int be, unsigned global, int nf, int ndev, ...)
{
    va_list ap;
    int i;

    va_start(ap, ndev);
    w8(w, 0x40 | (ndev ? 0x20 : 0) | (unsigned)local);
    w8(w, 0);
    w8(w, (unsigned)be);
    w16(w, global, be);
    w8(w, (unsigned)nf);
    for (i = 0; i < 3 * nf; i++)
        w8(w, (unsigned)va_arg(ap, int));
    if (ndev) {
        w8(w, (unsigned)ndev);
        for (i = 0; i < 3 * ndev; i++)
            w8(w, (unsigned)va_arg(ap, int));
    }
    va_end(ap);
}

/* Record definition used by most tests: every field the reader decodes. */
static void def_record_full(fitw *w, int local, int be)
{
    fitw_def(w, local, be, 20, 12, 0,
             253, 4, 0x86,  /* timestamp uint32 */
             0, 4, 0x85,    /* position_lat sint32 */
             1, 4, 0x85,    /* position_long sint32 */
             2, 2, 0x84,    /* altitude uint16 */
             3, 1, 0x02,    /* heart_rate uint8 */
             4, 1, 0x02,    /* cadence uint8 */
             5, 4, 0x86,    /* distance uint32 */
             6, 2, 0x84,    /* speed uint16 */
             7, 2, 0x84,    /* power uint16 */
             13, 1, 0x01,   /* temperature sint8 */
             78, 4, 0x86,   /* enhanced_altitude uint32 */
             73, 4, 0x86);  /* enhanced_speed uint32 */
}

typedef struct rec {
    uint32_t ts, dist, ealt, espeed;
    int32_t lat, lon;
    unsigned alt, hr, cad, speed, power, temp;
} rec;

/* All fields invalid: the starting point of a record. */
static const rec rec_invalid = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu,
                                0x7FFFFFFF, 0x7FFFFFFF, 0xFFFF, 0xFF, 0xFF, 0xFFFF, 0xFFFF, 0x7F};

static void put_record_full(fitw *w, int local, int be, const rec *r)
{
    w8(w, (unsigned)local);
    w32(w, r->ts, be);
    w32(w, (uint32_t)r->lat, be);
    w32(w, (uint32_t)r->lon, be);
    w16(w, r->alt, be);
    w8(w, r->hr);
    w8(w, r->cad);
    w32(w, r->dist, be);
    w16(w, r->speed, be);
    w16(w, r->power, be);
    w8(w, r->temp);
    w32(w, r->ealt, be);
    w32(w, r->espeed, be);
}

/* A typical valid record at time ts. */
static rec rec_at(uint32_t ts)
{
    rec r = rec_invalid;

    r.ts = ts;
    r.lat = 1 << 30;    /* 90 degrees */
    r.lon = -(1 << 29); /* -45 degrees */
    r.alt = 2600;       /* 2600 / 5 - 500 = 20 m */
    r.hr = 150;
    r.cad = 90;
    r.dist = 123456;    /* 1234.56 m */
    r.speed = 5000;     /* 5 m/s */
    r.power = 250;
    r.temp = 0xFB;      /* -5 degC */
    return r;
}

/* Small record definition (local, timestamp, lat, lon) and its data. */
static void def_record_small(fitw *w, int local)
{
    fitw_def(w, local, 0, 20, 3, 0, 253, 4, 0x86, 0, 4, 0x85, 1, 4, 0x85);
}

static void put_record_small(fitw *w, int local, uint32_t ts, int32_t lat, int32_t lon)
{
    w8(w, (unsigned)local);
    w32(w, ts, 0);
    w32(w, (uint32_t)lat, 0);
    w32(w, (uint32_t)lon, 0);
}

/* file_id: type, manufacturer, product, time_created. */
static void put_file_id(fitw *w, int local, unsigned type, unsigned manufacturer, unsigned product)
{
    fitw_def(w, local, 0, 0, 4, 0, 0, 1, 0x00, 1, 2, 0x84, 2, 2, 0x84, 4, 4, 0x86);
    w8(w, (unsigned)local);
    w8(w, type);
    w16(w, manufacturer, 0);
    w16(w, product, 0);
    w32(w, T0, 0);
}

/* event: timestamp, event, event_type. */
static void put_event(fitw *w, int local, uint32_t ts, unsigned event, unsigned type)
{
    fitw_def(w, local, 0, 21, 3, 0, 253, 4, 0x86, 0, 1, 0x00, 1, 1, 0x00);
    w8(w, (unsigned)local);
    w32(w, ts, 0);
    w8(w, event);
    w8(w, type);
}

/* session: start_time, sport, sub_sport. */
static void put_session(fitw *w, int local, uint32_t start, unsigned sport, unsigned sub)
{
    fitw_def(w, local, 0, 18, 3, 0, 2, 4, 0x86, 5, 1, 0x00, 6, 1, 0x00);
    w8(w, (unsigned)local);
    w32(w, start, 0);
    w8(w, sport);
    w8(w, sub);
}

/* ---- helpers ------------------------------------------------------------ */

static hm_file *parse(hm_ctx *ctx, const fitw *w, int expect)
{
    hm_file *f = (hm_file *)1;
    int rc = hm_fit_parse_buffer(&f, ctx, "t.fit", w->b, w->n);

    CU_ASSERT_EQUAL(rc, expect);
    if (rc != HM_OK) {
        CU_ASSERT_PTR_NULL(f);
        return NULL;
    }
    CU_ASSERT_PTR_NOT_NULL(f);
    return f;
}

static const hm_activity *only_activity(const hm_file *f)
{
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 1);
    return hm_file_get_activity(f, 0);
}

/* 1 when some warning of f contains `text`. */
/* "byte N: message": the position the reader reports, as the CLI prints it. */
static const char *located(const hm_error *e)
{
    static char buf[1024];

    snprintf(buf, sizeof(buf), "byte %lld: %s", (long long)e->offset, e->message);
    return buf;
}

static int has_warning(const hm_file *f, const char *text)
{
    size_t i;

    for (i = 0; i < hm_file_get_warning_count(f); i++)
        if (strstr(located(hm_file_get_warning(f, i)), text))
            return 1;
    return 0;
}

/* Check the error on ctx: code, path, offset and a piece of the message. */
static void check_error(hm_ctx *ctx, int code, int64_t offset, const char *text)
{
    const hm_error *e = hm_ctx_last_error(ctx);

    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->code, code);
    CU_ASSERT_STRING_EQUAL(e->path, "t.fit");
    CU_ASSERT_EQUAL(e->line, 0);
    CU_ASSERT_EQUAL(e->offset, offset);
    CU_ASSERT_PTR_NOT_NULL(strstr(located(e), text));
    if (!strstr(located(e), text))
        fprintf(stderr, "\n  error was: %s\n", located(e));
}

static void check_full_point(const hm_point *p)
{
    CU_ASSERT_EQUAL(p->time, T0 + FIT_EPOCH);
    CU_ASSERT_EQUAL(p->lat, 90.0);
    CU_ASSERT_EQUAL(p->lon, -45.0);
    HM_ASSERT_NEAR(p->ele, 20.0, 1e-6);
    CU_ASSERT_EQUAL(p->hr, 150.0f);
    CU_ASSERT_EQUAL(p->cadence, 90.0f);
    HM_ASSERT_NEAR(p->distance, 1234.56, 1e-3);
    HM_ASSERT_NEAR(p->speed, 5.0, 1e-6);
    CU_ASSERT_EQUAL(p->power, 250.0f);
    CU_ASSERT_EQUAL(p->temperature, -5.0f);
}

/* One file_id and one full record in a part with the given header size and endianness. */
static void build_simple(fitw *w, int hsize, int be)
{
    rec r = rec_at(T0);

    fitw_begin(w, hsize);
    put_file_id(w, 0, 4, 1, 2337);
    def_record_full(w, 1, be);
    put_record_full(w, 1, be, &r);
    fitw_end(w);
}

/* ---- headers, definitions, values --------------------------------------- */

static void check_simple(int hsize, int be)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_activity *a;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    build_simple(&w, hsize, be);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_file_get_format(f), HM_FORMAT_FIT);
    CU_ASSERT_STRING_EQUAL(hm_file_get_path(f), "t.fit");
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    a = only_activity(f);
    CU_ASSERT_EQUAL(hm_activity_get_format(a), HM_FORMAT_FIT);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_point_count(a), 1);
    CU_ASSERT_EQUAL(hm_activity_get_segment_count(a), 1);
    check_full_point(hm_activity_get_points(a));
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(a), "garmin 2337");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(a), "");
    CU_ASSERT_EQUAL(hm_activity_get_virtual(a), 0);
    CU_ASSERT_EQUAL(hm_activity_get_start_time(a), T0 + FIT_EPOCH);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__header14_with_crc(void)
{
    check_simple(14, 0);
}

static void test_fit__header12(void)
{
    check_simple(12, 0);
}

static void test_fit__big_endian_definition(void)
{
    check_simple(14, 1);
}

static void test_fit__header_crc_zero_is_not_checked(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    build_simple(&w, 14, 0);
    /* Zero the header CRC and fix up the file CRC. */
    w.b[12] = w.b[13] = 0;
    w.n -= 2;
    w16(&w, crc16(w.b, w.n), 0);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__semicircles(void)
{
    static const struct {
        int32_t semi;
        double deg;
    } cases[] = {
        {1 << 30, 90.0}, {-(1 << 29), -45.0}, {INT32_MIN, -180.0}, {0, 0.0}, {1 << 23, 0.703125}};
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_point *p;
    size_t i, n = sizeof(cases) / sizeof(cases[0]);

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    def_record_small(&w, 0);
    for (i = 0; i < n; i++)
        put_record_small(&w, 0, T0 + (uint32_t)i, cases[i].semi, cases[n - 1 - i].semi);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_point_count(only_activity(f)), n);
    p = hm_activity_get_points(only_activity(f));
    for (i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(p[i].lat, cases[i].deg); /* exact */
        CU_ASSERT_EQUAL(p[i].lon, cases[n - 1 - i].deg);
    }
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__fit_epoch(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_point *p;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    def_record_small(&w, 0);
    put_record_small(&w, 0, 0, 0, 0);          /* the epoch itself */
    put_record_small(&w, 0, 0xFFFFFFFEu, 0, 0); /* the last valid date_time */
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = hm_activity_get_points(only_activity(f));
    CU_ASSERT_EQUAL(p[0].time, 631065600.0); /* 1989-12-31T00:00:00Z */
    CU_ASSERT_EQUAL(p[1].time, 631065600.0 + 4294967294.0);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__invalid_values_are_nan(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_activity *a;
    const hm_point *p;
    rec r = rec_invalid, half = rec_at(T0 + 1);
    hm_activity_summary s;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    half.lon = 0x7FFFFFFF; /* latitude without longitude: no position */
    fitw_begin(&w, 14);
    def_record_full(&w, 0, 0);
    put_record_full(&w, 0, 0, &r);
    put_record_full(&w, 0, 0, &half);
    r = rec_at(T0 + 2);
    r.hr = 0; /* 0 bpm is no pulse */
    r.cad = 0;
    r.power = 0;
    put_record_full(&w, 0, 0, &r);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    a = only_activity(f);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_point_count(a), 3);
    p = hm_activity_get_points(a);
    HM_ASSERT_NAN(p[0].time);
    HM_ASSERT_NAN(p[0].lat);
    HM_ASSERT_NAN(p[0].lon);
    HM_ASSERT_NAN(p[0].ele);
    HM_ASSERT_NAN(p[0].hr);
    HM_ASSERT_NAN(p[0].cadence);
    HM_ASSERT_NAN(p[0].distance);
    HM_ASSERT_NAN(p[0].speed);
    HM_ASSERT_NAN(p[0].power);
    HM_ASSERT_NAN(p[0].temperature);
    /* Still a point: it has time and heart rate, only no position. */
    CU_ASSERT_EQUAL(p[1].time, T0 + 1 + FIT_EPOCH);
    HM_ASSERT_NAN(p[1].lat);
    HM_ASSERT_NAN(p[1].lon);
    CU_ASSERT_EQUAL(p[1].hr, 150.0f);
    /* Zero cadence and power are data (coasting); zero heart rate is not. */
    HM_ASSERT_NAN(p[2].hr);
    CU_ASSERT_EQUAL(p[2].cadence, 0.0f);
    CU_ASSERT_EQUAL(p[2].power, 0.0f);
    hm_activity_get_summary(a, &s);
    CU_ASSERT_EQUAL(s.points_with_pos, 1);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__enhanced_fields_preferred(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_point *p;
    rec r = rec_at(T0);

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    def_record_full(&w, 0, 0);
    r.ealt = 3000;      /* 100 m, beats altitude's 20 m */
    r.espeed = 7250;    /* 7.25 m/s, beats speed's 5 m/s */
    put_record_full(&w, 0, 0, &r);
    r.ealt = 0xFFFFFFFFu; /* invalid enhanced values: the plain ones serve */
    r.espeed = 0xFFFFFFFFu;
    put_record_full(&w, 0, 0, &r);
    r.alt = 0xFFFF;
    r.ealt = 100000;    /* 19500 m: beyond uint16 altitude's range */
    put_record_full(&w, 0, 0, &r);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = hm_activity_get_points(only_activity(f));
    CU_ASSERT_EQUAL(p[0].ele, 100.0f);
    CU_ASSERT_EQUAL(p[0].speed, 7.25f);
    CU_ASSERT_EQUAL(p[1].ele, 20.0f);
    CU_ASSERT_EQUAL(p[1].speed, 5.0f);
    CU_ASSERT_EQUAL(p[2].ele, 19500.0f);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__compressed_timestamps(void)
{
    /* The base time ends in 0b01010 (10), so offsets below 10 roll over. */
    const uint32_t base = T0 + 10;
    static const struct {
        unsigned offset;
        uint32_t expect; /* relative to base */
    } steps[] = {{15, 5}, {31, 21}, {3, 25}, {3, 25}, {4, 26}, {0, 54}};
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_point *p;
    size_t i, n = sizeof(steps) / sizeof(steps[0]);

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 12);
    def_record_small(&w, 0);
    /* local 2: a record without its own timestamp, for compressed headers */
    fitw_def(&w, 2, 0, 20, 2, 0, 0, 4, 0x85, 1, 4, 0x85);
    put_record_small(&w, 0, base, 1 << 20, 1 << 20);
    for (i = 0; i < n; i++) {
        w8(&w, 0x80 | (2 << 5) | steps[i].offset);
        w32(&w, (uint32_t)(1 << 20), 0);
        w32(&w, (uint32_t)(1 << 20), 0);
    }
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_point_count(only_activity(f)), n + 1);
    p = hm_activity_get_points(only_activity(f));
    CU_ASSERT_EQUAL(p[0].time, base + FIT_EPOCH);
    for (i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(p[i + 1].time, base + steps[i].expect + FIT_EPOCH);
        CU_ASSERT_EQUAL(p[i + 1].lat, 180.0 / 2048.0);
    }
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__compressed_timestamp_without_base_has_no_time(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_point *p;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    fitw_def(&w, 1, 0, 20, 1, 0, 3, 1, 0x02);
    w8(&w, 0x80 | (1 << 5) | 7);
    w8(&w, 120);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = hm_activity_get_points(only_activity(f));
    HM_ASSERT_NAN(p[0].time);
    CU_ASSERT_EQUAL(p[0].hr, 120.0f);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__developer_fields_skipped(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_point *p;
    int i;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    /* developer_data_id (207): developer_data_index only */
    fitw_def(&w, 3, 0, 207, 1, 0, 3, 1, 0x02);
    w8(&w, 3);
    w8(&w, 0);
    /* a record with two developer fields of 3 and 8 bytes after timestamp, lat, lon */
    fitw_def(&w, 0, 0, 20, 3, 2, 253, 4, 0x86, 0, 4, 0x85, 1, 4, 0x85, 0, 3, 0, 1, 8, 0);
    for (i = 0; i < 3; i++) {
        int k;
        put_record_small(&w, 0, T0 + (uint32_t)i, (int32_t)(i + 1) << 24, -((int32_t)(i + 1) << 24));
        for (k = 0; k < 11; k++)
            w8(&w, 0x40 | (unsigned)k); /* developer bytes that look like definition headers */
    }
    /* a plain message after them must still be framed right */
    put_event(&w, 4, T0 + 3, 0, 4);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_point_count(only_activity(f)), 3);
    p = hm_activity_get_points(only_activity(f));
    for (i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(p[i].time, T0 + (uint32_t)i + FIT_EPOCH);
        CU_ASSERT_EQUAL(p[i].lat, (i + 1) * (180.0 / 128.0));
        CU_ASSERT_EQUAL(p[i].lon, -(i + 1) * (180.0 / 128.0));
    }
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__misaligned_field_is_skipped(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_point *p;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    /* power as uint16 in 3 bytes: not a whole number of values; cadence after it */
    fitw_def(&w, 0, 0, 20, 4, 0, 253, 4, 0x86, 7, 3, 0x84, 4, 1, 0x02, 3, 2, 0x84);
    w8(&w, 0);
    w32(&w, T0, 0);
    w8(&w, 100);
    w8(&w, 0);
    w8(&w, 0);
    w8(&w, 85);
    w16(&w, 140, 0); /* heart rate stored as uint16: read with the declared type */
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = hm_activity_get_points(only_activity(f));
    HM_ASSERT_NAN(p[0].power);
    CU_ASSERT_EQUAL(p[0].cadence, 85.0f);
    CU_ASSERT_EQUAL(p[0].hr, 140.0f);
    CU_ASSERT_EQUAL(p[0].time, T0 + FIT_EPOCH);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__large_messages_across_window(void)
{
    /* 12 records of about 51 KB each: several window refills, messages straddling them. */
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_point *p;
    int i, k;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    w8(&w, 0x40);
    w8(&w, 0);
    w8(&w, 0);
    w16(&w, 20, 0);
    w8(&w, 202);
    for (k = 0; k < 200; k++) {
        w8(&w, 100 + (unsigned)k % 100);
        w8(&w, 255);
        w8(&w, 0x0D);
    }
    w8(&w, 253), w8(&w, 4), w8(&w, 0x86);
    w8(&w, 3), w8(&w, 1), w8(&w, 0x02);
    for (i = 0; i < 12; i++) {
        w8(&w, 0);
        for (k = 0; k < 200 * 255; k++)
            w8(&w, (unsigned)(k * 7 + i) & 0xFF);
        w32(&w, T0 + (uint32_t)i, 0);
        w8(&w, 100 + (unsigned)i);
    }
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0); /* the CRC spans the refills */
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_point_count(only_activity(f)), 12);
    p = hm_activity_get_points(only_activity(f));
    for (i = 0; i < 12; i++) {
        CU_ASSERT_EQUAL(p[i].time, T0 + (uint32_t)i + FIT_EPOCH);
        CU_ASSERT_EQUAL(p[i].hr, (float)(100 + i));
    }
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

/* ---- chained files and CRCs --------------------------------------------- */

static void build_chained(fitw *w)
{
    fitw_begin(w, 14);
    put_file_id(w, 0, 4, 1, 3113);
    def_record_small(w, 1);
    put_record_small(w, 1, T0, 1 << 20, 1 << 21);
    put_record_small(w, 1, T0 + 1, 1 << 20, 1 << 21);
    fitw_end(w);
    fitw_begin(w, 12);
    def_record_small(w, 1); /* definitions do not carry over between parts */
    put_record_small(w, 1, T0 + 2, 1 << 20, 1 << 21);
    fitw_end(w);
}

static void test_fit__chained_files(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_activity *a;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    build_chained(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    a = only_activity(f); /* several files in one input are one recording */
    CU_ASSERT_EQUAL(hm_activity_get_point_count(a), 3);
    CU_ASSERT_EQUAL(hm_activity_get_segment_count(a), 1);
    CU_ASSERT_EQUAL(hm_activity_get_points(a)[2].time, T0 + 2 + FIT_EPOCH);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__chained_part_needs_its_own_definitions(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    size_t second;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    def_record_small(&w, 1);
    put_record_small(&w, 1, T0, 0, 0);
    fitw_end(&w);
    second = w.n;
    fitw_begin(&w, 12);
    put_record_small(&w, 1, T0 + 1, 0, 0);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_activity_get_point_count(only_activity(f)), 1);
    CU_ASSERT(has_warning(f, "undefined local message type 1; kept 1 points"));
    CU_ASSERT_EQUAL(hm_file_get_warning(f, 0)->offset, (int64_t)second + 12);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__bad_file_crc_warns(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_error *e;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    build_simple(&w, 14, 0);
    w.b[w.n - 1] ^= 0x5A;
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_activity_get_point_count(only_activity(f)), 1); /* data kept */
    CU_ASSERT_EQUAL_FATAL(hm_file_get_warning_count(f), 1);
    e = hm_file_get_warning(f, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "file CRC mismatch"));
    CU_ASSERT_EQUAL(e->offset, (int64_t)w.n - 2);
    CU_ASSERT_EQUAL(e->code, HM_EPARSE);
    CU_ASSERT_STRING_EQUAL(e->path, "t.fit");
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__bad_header_crc(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    size_t second;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    /* In the first header: the file cannot be trusted at all. */
    build_simple(&w, 14, 0);
    w.b[12] ^= 0xFF;
    parse(ctx, &w, HM_EPARSE);
    check_error(ctx, HM_EPARSE, 12, "byte 12: FIT header CRC mismatch");
    fitw_free(&w);
    /* In a later chained header: keep the parts before it. */
    build_chained(&w);
    second = w.n;
    build_simple(&w, 14, 0);
    w.b[second + 13] ^= 0x01;
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_activity_get_point_count(only_activity(f)), 3);
    CU_ASSERT(has_warning(f, "FIT header CRC mismatch"));
    CU_ASSERT(has_warning(f, "kept 3 points"));
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

/* ---- broken input ------------------------------------------------------- */

static void test_fit__truncated_mid_record(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_error *e;
    size_t third;
    char expect[128];

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    def_record_small(&w, 0);
    put_record_small(&w, 0, T0, 0, 0);
    put_record_small(&w, 0, T0 + 1, 0, 0);
    third = w.n;
    put_record_small(&w, 0, T0 + 2, 0, 0);
    fitw_end(&w);
    w.n = third + 6; /* cut inside the third record */
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_activity_get_point_count(only_activity(f)), 2);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_warning_count(f), 1);
    e = hm_file_get_warning(f, 0);
    snprintf(expect, sizeof(expect),
             "byte %zu: file ends inside a data message that starts at byte %zu; kept 2 points",
             third + 6, third);
    CU_ASSERT_STRING_EQUAL(located(e), expect);
    CU_ASSERT_EQUAL(e->offset, (int64_t)third + 6);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__data_size_beyond_end_of_file(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    build_simple(&w, 12, 0);
    put32le(w.b + 4, 2000000000u); /* claims 2 GB; nothing is allocated for it */
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_activity_get_point_count(only_activity(f)), 1);
    /* The old CRC bytes are read as a message header, then the input ends. */
    CU_ASSERT(has_warning(f, "kept 1 points"));
    hm_file_free(f);
    fitw_free(&w);
    /* Ending exactly at a message boundary says so. */
    build_simple(&w, 12, 0);
    w.n -= 2;
    put32le(w.b + 4, 5000);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT(has_warning(f, "file ends before the end of the data announced by the header"));
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__not_a_fit_file(void)
{
    static const char text[] = "<?xml version=\"1.0\"?><gpx></gpx>";
    hm_ctx *ctx;
    hm_file *f = NULL;
    fitw w = {0};

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    CU_ASSERT_EQUAL(hm_fit_parse_buffer(&f, ctx, "t.fit", text, sizeof(text) - 1), HM_EPARSE);
    CU_ASSERT_PTR_NULL(f);
    check_error(ctx, HM_EPARSE, 8, "byte 8: not a FIT file (no .FIT signature)");
    CU_ASSERT_EQUAL(hm_fit_parse_buffer(&f, ctx, "t.fit", NULL, 0), HM_EPARSE);
    check_error(ctx, HM_EPARSE, 0, "byte 0: empty file");
    CU_ASSERT_EQUAL(hm_fit_parse_buffer(&f, ctx, "t.fit", "\x0e\x10", 2), HM_EPARSE);
    check_error(ctx, HM_EPARSE, 0, "shorter than a FIT header");
    build_simple(&w, 14, 0);
    w.b[0] = 13;
    parse(ctx, &w, HM_EPARSE);
    check_error(ctx, HM_EPARSE, 0, "FIT header size 13");
    w.n = 13; /* 14-byte header cut short */
    w.b[0] = 14;
    parse(ctx, &w, HM_EPARSE);
    check_error(ctx, HM_EPARSE, 13, "file ends inside the FIT header");
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__undefined_local_type(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    /* As the first message: nothing decoded, so the file is unreadable. */
    fitw_begin(&w, 14);
    w8(&w, 5);
    w32(&w, 0, 0);
    fitw_end(&w);
    parse(ctx, &w, HM_EPARSE);
    check_error(ctx, HM_EPARSE, 14, "byte 14: undefined local message type 5");
    fitw_free(&w);
    /* After a point: kept, with a warning. A compressed header names types 0-3. */
    fitw_begin(&w, 14);
    def_record_small(&w, 0);
    put_record_small(&w, 0, T0, 0, 0);
    w8(&w, 0x80 | (3 << 5) | 1);
    w32(&w, 0, 0);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT(has_warning(f, "byte 42: undefined local message type 3; kept 1 points"));
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__bad_architecture_byte(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    def_record_small(&w, 0);
    put_record_small(&w, 0, T0, 0, 0);
    fitw_def(&w, 1, 7, 20, 1, 0, 3, 1, 0x02);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT(has_warning(f, "byte 44: definition message with architecture byte 7"));
    CU_ASSERT_EQUAL(hm_activity_get_point_count(only_activity(f)), 1);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__trailing_garbage(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    size_t end;
    char expect[96];

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    build_simple(&w, 14, 0);
    end = w.n;
    for (int i = 0; i < 40; i++)
        w8(&w, 'x');
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_activity_get_point_count(only_activity(f)), 1);
    snprintf(expect, sizeof(expect), "byte %zu: bytes after the end of the FIT data", end);
    CU_ASSERT(has_warning(f, expect));
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__data_size_zero(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    /* Never finalised: data size 0, messages follow, no CRC. */
    fitw_begin(&w, 12);
    def_record_small(&w, 0);
    put_record_small(&w, 0, T0, 0, 0);
    put_record_small(&w, 0, T0 + 1, 0, 0);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_activity_get_point_count(only_activity(f)), 2);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 1);
    CU_ASSERT(has_warning(f, "byte 4: FIT header data size is 0"));
    hm_file_free(f);
    /* With a valid CRC after the messages, that CRC is recognised as such. */
    w16(&w, crc16(w.b, w.n), 0);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 1);
    hm_file_free(f);
    fitw_free(&w);
    /* Nothing at all after the header. */
    fitw_begin(&w, 12);
    parse(ctx, &w, HM_EPARSE);
    check_error(ctx, HM_EPARSE, 4, "data size is 0 and no message follows");
    fitw_free(&w);
    hm_ctx_free(ctx);
}

/* ---- metadata ----------------------------------------------------------- */

/* A file with the given sessions (pairs of sport, sub_sport) and n positioned records. */
static hm_file *parse_sessions(hm_ctx *ctx, int npoints, int nsessions, ...)
{
    fitw w = {0};
    hm_file *f;
    va_list ap;
    int i;

    fitw_begin(&w, 14);
    def_record_small(&w, 0);
    for (i = 0; i < npoints; i++)
        put_record_small(&w, 0, T0 + 10 + (uint32_t)i, 1 << 20, 1 << 20);
    va_start(ap, nsessions);
    for (i = 0; i < nsessions; i++) {
        unsigned sport = (unsigned)va_arg(ap, int), sub = (unsigned)va_arg(ap, int);
        put_session(&w, 1, T0 + (uint32_t)i, sport, sub);
    }
    va_end(ap);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    fitw_free(&w);
    CU_ASSERT_PTR_NOT_NULL(f);
    return f;
}

static void test_fit__session_sport(void)
{
    hm_ctx *ctx;
    hm_file *f;
    const hm_activity *a;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    f = parse_sessions(ctx, 2, 1, 2, 7);
    a = only_activity(f);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(a), "cycling");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sub_sport(a), "road");
    CU_ASSERT_EQUAL(hm_activity_get_virtual(a), 0);
    CU_ASSERT_EQUAL(hm_activity_get_start_time(a), T0 + FIT_EPOCH); /* the session's, not the first point's */
    hm_file_free(f);
    f = parse_sessions(ctx, 1, 1, 5, 18);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(only_activity(f)), "swimming");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sub_sport(only_activity(f)), "open_water");
    hm_file_free(f);
    f = parse_sessions(ctx, 1, 1, 21, 0xFF); /* invalid sub_sport */
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(only_activity(f)), "e_biking");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sub_sport(only_activity(f)), "");
    hm_file_free(f);
    f = parse_sessions(ctx, 1, 1, 200, 150); /* not in the profile */
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(only_activity(f)), "sport_200");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sub_sport(only_activity(f)), "sub_sport_150");
    hm_file_free(f);
    /* A session and no record: the activity exists, without points. */
    f = parse_sessions(ctx, 0, 1, 1, 0);
    CU_ASSERT_EQUAL(hm_activity_get_point_count(only_activity(f)), 0);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(only_activity(f)), "running");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sub_sport(only_activity(f)), "generic");
    hm_file_free(f);
    hm_ctx_free(ctx);
}

static void test_fit__multisport(void)
{
    hm_ctx *ctx;
    hm_file *f;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    /* triathlon: swim (open water), transition, bike (road), transition, run */
    f = parse_sessions(ctx, 3, 5, 5, 18, 3, 0, 2, 7, 3, 0, 1, 0);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(only_activity(f)), "multisport");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sub_sport(only_activity(f)), "");
    hm_file_free(f);
    /* several sessions of one sport stay that sport */
    f = parse_sessions(ctx, 3, 2, 1, 3, 1, 3);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(only_activity(f)), "running");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sub_sport(only_activity(f)), "trail");
    hm_file_free(f);
    /* different sports, same sub_sport */
    f = parse_sessions(ctx, 3, 2, 1, 0, 2, 0);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(only_activity(f)), "multisport");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sub_sport(only_activity(f)), "generic");
    hm_file_free(f);
    hm_ctx_free(ctx);
}

static void test_fit__sport_message_without_session(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    fitw_def(&w, 2, 1, 12, 2, 0, 0, 1, 0x00, 1, 1, 0x00); /* sport, big endian */
    w8(&w, 2);
    w8(&w, 17); /* hiking */
    w8(&w, 3);  /* trail */
    def_record_small(&w, 0);
    put_record_small(&w, 0, T0, 0, 0);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(only_activity(f)), "hiking");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sub_sport(only_activity(f)), "trail");
    CU_ASSERT_EQUAL(hm_activity_get_start_time(only_activity(f)), T0 + FIT_EPOCH);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__virtual(void)
{
    hm_ctx *ctx;
    hm_file *f;
    fitw w = {0};

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    f = parse_sessions(ctx, 2, 1, 2, 58); /* cycling, virtual_activity */
    CU_ASSERT_EQUAL(hm_activity_get_virtual(only_activity(f)), 1);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sub_sport(only_activity(f)), "virtual_activity");
    hm_file_free(f);
    f = parse_sessions(ctx, 0, 1, 1, 58); /* a virtual run, even without points */
    CU_ASSERT_EQUAL(hm_activity_get_virtual(only_activity(f)), 1);
    hm_file_free(f);
    f = parse_sessions(ctx, 2, 1, 2, 6); /* indoor ride with positions: a virtual course */
    CU_ASSERT_EQUAL(hm_activity_get_virtual(only_activity(f)), 1);
    hm_file_free(f);
    f = parse_sessions(ctx, 0, 1, 2, 6); /* indoor ride without positions */
    CU_ASSERT_EQUAL(hm_activity_get_virtual(only_activity(f)), 0);
    hm_file_free(f);
    f = parse_sessions(ctx, 2, 1, 1, 6); /* running/6 (not indoor_cycling) */
    CU_ASSERT_EQUAL(hm_activity_get_virtual(only_activity(f)), 0);
    hm_file_free(f);
    /* written by Zwift (260), no session (an unfinalised file) */
    fitw_begin(&w, 14);
    put_file_id(&w, 0, 4, 260, 0);
    def_record_small(&w, 1);
    put_record_small(&w, 1, T0, 1 << 20, 1 << 20);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_activity_get_virtual(only_activity(f)), 1);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(only_activity(f)), "zwift 0");
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__device(void)
{
    static const struct {
        unsigned type, manufacturer, product;
        const char *device;
    } cases[] = {
        {4, 1, 2337, "garmin 2337"},       {4, 32, 28, "wahoo_fitness 28"},
        {4, 331, 3570, "mywhoosh 3570"},   {4, 307, 22, "onelap 22"},
        {4, 255, 0xFFFF, "development"},   {4, 9999, 5, "9999 5"},
        {4, 0xFFFF, 7, ""},                {0xFF, 15, 1, "dynastream 1"},
    };
    hm_ctx *ctx;
    size_t i;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fitw w = {0};
        hm_file *f;

        fitw_begin(&w, 14);
        put_file_id(&w, 0, cases[i].type, cases[i].manufacturer, cases[i].product);
        def_record_small(&w, 1);
        put_record_small(&w, 1, T0, 0, 0);
        fitw_end(&w);
        f = parse(ctx, &w, HM_OK);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        CU_ASSERT_STRING_EQUAL(hm_activity_get_device(only_activity(f)), cases[i].device);
        hm_file_free(f);
        fitw_free(&w);
    }
    hm_ctx_free(ctx);
}

static void test_fit__device_prefers_activity_file_id(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 12); /* a settings file (type 2) chained before the activity */
    put_file_id(&w, 0, 2, 1, 988);
    fitw_end(&w);
    fitw_begin(&w, 12);
    put_file_id(&w, 0, 4, 15, 1);
    def_record_small(&w, 1);
    put_record_small(&w, 1, T0, 0, 0);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(only_activity(f)), "dynastream 1");
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__no_activity_in_settings_file(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    put_file_id(&w, 0, 2, 1, 988);
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_file_get_activity_count(f), 0);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__timer_stop_start_segments(void)
{
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_activity *a;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    put_event(&w, 2, T0, 0, 0); /* timer start before any point: no empty segment */
    def_record_small(&w, 0);
    put_record_small(&w, 0, T0, 0, 0);
    put_record_small(&w, 0, T0 + 1, 0, 0);
    put_event(&w, 2, T0 + 2, 0, 4); /* stop_all */
    put_event(&w, 2, T0 + 2, 3, 3); /* a workout marker changes nothing */
    put_event(&w, 2, T0 + 600, 0, 0); /* start */
    put_record_small(&w, 0, T0 + 600, 0, 0);
    put_event(&w, 2, T0 + 601, 0, 1); /* stop */
    put_record_small(&w, 0, T0 + 601, 0, 0); /* written after the stop: same segment */
    put_event(&w, 2, T0 + 700, 0, 0);
    put_record_small(&w, 0, T0 + 700, 0, 0);
    put_event(&w, 2, T0 + 701, 0, 0); /* start without a stop: no split */
    put_record_small(&w, 0, T0 + 701, 0, 0);
    put_event(&w, 2, T0 + 702, 0, 4); /* stop at the end: nothing follows */
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    a = only_activity(f);
    CU_ASSERT_EQUAL(hm_activity_get_point_count(a), 6);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_segment_count(a), 3);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 0), 0);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 1), 2);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 2), 4);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

static void test_fit__timestamp_correlation(void)
{
    /* A camera without a clock fix: times since power-on until it learns UTC. */
    const uint32_t utc = T0, sys = 70;
    hm_ctx *ctx;
    fitw w = {0};
    hm_file *f;
    const hm_activity *a;
    const hm_point *p;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    fitw_begin(&w, 14);
    put_session(&w, 3, 2, 2, 0); /* session start_time 2: device time too */
    def_record_small(&w, 0);
    put_record_small(&w, 0, 66, 0, 0);
    put_event(&w, 2, 67, 0, 4);
    put_event(&w, 2, 67, 0, 0);
    put_record_small(&w, 0, 68, 0, 0);
    /* timestamp_correlation (162): timestamp (UTC), system_timestamp */
    fitw_def(&w, 1, 0, 162, 2, 0, 253, 4, 0x86, 1, 4, 0x86);
    w8(&w, 1);
    w32(&w, utc, 0);
    w32(&w, sys, 0);
    put_record_small(&w, 0, 71, 0, 0);
    put_record_small(&w, 0, T0 + 2, 0, 0); /* already UTC */
    fitw_end(&w);
    f = parse(ctx, &w, HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    a = only_activity(f);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_point_count(a), 4);
    p = hm_activity_get_points(a);
    CU_ASSERT_EQUAL(p[0].time, utc - 4 + FIT_EPOCH);
    CU_ASSERT_EQUAL(p[1].time, utc - 2 + FIT_EPOCH);
    CU_ASSERT_EQUAL(p[2].time, utc + 1 + FIT_EPOCH);
    CU_ASSERT_EQUAL(p[3].time, utc + 2 + FIT_EPOCH);
    CU_ASSERT_EQUAL(hm_activity_get_segment_count(a), 2); /* the pause inside held points */
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 1), 1);
    CU_ASSERT_EQUAL(hm_activity_get_start_time(a), utc - 68 + FIT_EPOCH);
    hm_file_free(f);
    fitw_free(&w);
    hm_ctx_free(ctx);
}

/* ---- allocation failures ------------------------------------------------ */

static void test_fit__enomem_sweep(void)
{
    hm_test_alloc fa = {-1, 0, 0, 0};
    hm_allocator alloc = hm_test_alloc_make(&fa);
    hm_ctx *ctx;
    fitw w = {0};
    rec r = rec_at(T0);
    hm_file *f;
    long i, base, total, tolerated = 0;
    int rc, i_rec;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, &alloc), HM_OK);
    base = fa.live;
    /* A file that exercises every allocation path: held points, warnings, metadata. */
    fitw_begin(&w, 14);
    put_file_id(&w, 0, 4, 1, 2337);
    put_session(&w, 3, T0, 2, 7);
    def_record_small(&w, 2);
    put_record_small(&w, 2, 5, 0, 0);
    put_event(&w, 1, 6, 0, 4);
    put_event(&w, 1, 7, 0, 0);
    def_record_full(&w, 0, 1);
    for (i_rec = 0; i_rec < 40; i_rec++) {
        r.ts = T0 + (uint32_t)i_rec;
        put_record_full(&w, 0, 1, &r);
    }
    fitw_end(&w);
    w.b[w.n - 1] ^= 1; /* and a CRC warning */
    /* Count the allocations of a successful run, then fail each one in turn. */
    fa.count = 0;
    CU_ASSERT_EQUAL_FATAL(hm_fit_parse_buffer(&f, ctx, "t.fit", w.b, w.n), HM_OK);
    hm_file_free(f);
    total = fa.count;
    CU_ASSERT(total > 5);
    for (i = 0; i < total; i++) {
        fa.fail_at = i;
        fa.count = 0;
        f = NULL;
        rc = hm_fit_parse_buffer(&f, ctx, "t.fit", w.b, w.n);
        if (rc == HM_OK) { /* a failure the engine may shrug off (giving back slack) */
            CU_ASSERT_EQUAL(hm_activity_get_point_count(only_activity(f)), 41);
            CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 1);
            hm_file_free(f);
            tolerated++;
        } else {
            CU_ASSERT_EQUAL(rc, HM_ENOMEM);
            CU_ASSERT_PTR_NULL(f);
            CU_ASSERT_EQUAL(hm_ctx_last_error(ctx)->code, HM_ENOMEM);
        }
        CU_ASSERT_EQUAL(fa.live, base);
    }
    CU_ASSERT(tolerated < total / 2);
    fa.fail_at = -1;
    fitw_free(&w);
    hm_ctx_free(ctx);
    CU_ASSERT_EQUAL(fa.live, 0);
}

/* ---- the corpus --------------------------------------------------------- */

/* A whole file, inflated when it is gzip; malloc'd, NULL on failure. */
static unsigned char *read_file(const char *path, size_t *len)
{
    gzFile g = gzopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0;
    int got;

    *len = 0;
    if (!g)
        return NULL;
    do {
        if (*len == cap) {
            unsigned char *nb = realloc(buf, cap = cap ? 2 * cap : 1 << 16);
            if (!nb) {
                free(buf);
                gzclose(g);
                return NULL;
            }
            buf = nb;
        }
        got = gzread(g, buf + *len, (unsigned)(cap - *len));
        if (got > 0)
            *len += (size_t)got;
    } while (got > 0);
    gzclose(g);
    if (got < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Parse a corpus file; returns the code, *out the file (or NULL). */
static int parse_corpus(hm_ctx *ctx, const char *path, hm_file **out)
{
    size_t len;
    unsigned char *buf = read_file(path, &len);
    int rc;

    *out = NULL;
    CU_ASSERT_PTR_NOT_NULL(buf);
    if (!buf)
        return HM_EIO;
    rc = hm_fit_parse_buffer(out, ctx, path, buf, len);
    free(buf);
    return rc;
}

static size_t positioned(const hm_file *f)
{
    hm_activity_summary s;
    size_t i, n = 0;

    for (i = 0; i < hm_file_get_activity_count(f); i++) {
        hm_activity_get_summary(hm_file_get_activity(f, i), &s);
        n += s.points_with_pos;
    }
    return n;
}

/*
 * Each "| `fit/<name>` | ... |" row of MANIFEST.md: the Points column
 * (the 8th cell) is the number of records with a position.
 */
static void test_fit__corpus_matches_manifest(void)
{
    FILE *m;
    char line[8192];
    hm_ctx *ctx;
    int rows = 0;

    if (!hm_test_have_shared())
        return;
    m = fopen(TRACKS "/MANIFEST.md", "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    while (fgets(line, sizeof(line), m)) {
        char *cell[9] = {0}, *p = line, *name, *tick, path[1024];
        int ncell = 0;
        hm_file *f;
        int rc;

        if (strncmp(line, "| `fit/", 7) != 0)
            continue;
        while (ncell < 9 && (p = strchr(p, '|')) != NULL)
            cell[ncell++] = ++p;
        CU_ASSERT_EQUAL_FATAL(ncell, 9);
        name = strchr(cell[0], '`') + 1;
        tick = strchr(name, '`');
        CU_ASSERT_PTR_NOT_NULL_FATAL(tick);
        *tick = '\0';
        snprintf(path, sizeof(path), "%s/%s", TRACKS, name);
        rc = parse_corpus(ctx, path, &f);
        CU_ASSERT_EQUAL(rc, HM_OK);
        if (rc != HM_OK) {
            fprintf(stderr, "\n  %s: %s\n", name, hm_ctx_last_error(ctx)->message);
            continue;
        }
        rows++;
        CU_ASSERT_EQUAL(hm_file_get_activity_count(f), 1);
        CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0); /* fit/ reads cleanly */
        CU_ASSERT_EQUAL(positioned(f), strtoul(cell[7], NULL, 10));
        if (positioned(f) != strtoul(cell[7], NULL, 10) || hm_file_get_warning_count(f))
            fprintf(stderr, "\n  %s: %zu positioned points, manifest says %lu; %zu warnings\n",
                    name, positioned(f), strtoul(cell[7], NULL, 10),
                    hm_file_get_warning_count(f));
        hm_file_free(f);
    }
    fclose(m);
    CU_ASSERT_EQUAL(rows, 44);
    hm_ctx_free(ctx);
}

static void test_fit__corpus_details(void)
{
    static const struct {
        const char *name, *sport, *sub_sport, *device;
        int is_virtual;
        size_t segments;
    } cases[] = {
        {"sportslib_2067489619.fit", "running", "generic", "garmin 2337", 0, 2},
        {"sportslib_4623204522.fit", "multisport", "", "garmin 2691", 0, 2},
        {"gc_Garmin945swimRRdata.fit", "swimming", "open_water", "garmin 3113", 0, 1},
        {"tormoder_0134902991.fit", "cycling", "indoor_cycling", "onelap 22", 1, 1},
        {"tormoder_unterminated-strings.fit", "cycling", "indoor_cycling", "wahoo_fitness 37", 0, 1},
        {"hotpot_virtual-ride.fit", "cycling", "virtual_activity", "mywhoosh 3570", 1, 1},
        {"fitparse_activity-large-fenxi2-multisport.fit", "multisport", "", "garmin 1967", 0, 1},
        {"gc_SigmaRox11_1.fit", "cycling", "road", "sigmasport 49", 0, 1},
        {"fitparse_garmin-edge-500-activity.fit", "cycling", "", "garmin 1036", 0, 47},
    };
    hm_ctx *ctx;
    size_t i;

    if (!hm_test_have_shared())
        return;
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[1024];
        hm_file *f;
        const hm_activity *a;

        snprintf(path, sizeof(path), "%s/fit/%s", TRACKS, cases[i].name);
        CU_ASSERT_EQUAL_FATAL(parse_corpus(ctx, path, &f), HM_OK);
        a = only_activity(f);
        CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(a), cases[i].sport);
        CU_ASSERT_STRING_EQUAL(hm_activity_get_sub_sport(a), cases[i].sub_sport);
        CU_ASSERT_STRING_EQUAL(hm_activity_get_device(a), cases[i].device);
        CU_ASSERT_EQUAL(hm_activity_get_virtual(a), cases[i].is_virtual);
        CU_ASSERT_EQUAL(hm_activity_get_segment_count(a), cases[i].segments);
        hm_file_free(f);
    }
    hm_ctx_free(ctx);
}

static void test_fit__corpus_bad_files(void)
{
    static const struct {
        const char *name;
        int code;
        const char *text; /* in a warning (HM_OK) or the error */
        size_t positioned;
    } cases[] = {
        {"fitparse_activity-activity-filecrc.fit", HM_OK, "byte 1540: file CRC mismatch", 28},
        {"fitparse_activity-filecrc.fit", HM_OK, "byte 769: file CRC mismatch", 14},
        {"fitparse_activity-settings-corruptheader.fit", HM_OK,
         "byte 771: bytes after the end of the FIT data are not a FIT header", 14},
        {"fitparse_activity-settings-nodata.fit", HM_OK,
         "byte 786: file ends inside a definition message that starts at byte 783; kept 14 points",
         14},
        {"fitparse_activity-unexpected-eof.fit", HM_OK,
         "byte 768: file ends inside a data message that starts at byte 751; kept 14 points", 14},
        {"fitparse_nick.fit", HM_OK,
         "byte 403437: data message of 28 bytes runs past the end of the data at byte 403454",
         14391},
        {"fitparse_strava-android-app-201.10-b1218918.fit", HM_OK,
         "byte 7471: undefined local message type 11; kept 473 points", 237},
        {"gpsbabel_lezyne_super_gps-garmin_fit-sample-bad-endian.fit", HM_OK,
         "byte 22227: definition message with architecture byte 229", 804},
        {"sportslib_empty-activities.fit", HM_OK, "byte 4: FIT header data size is 0", 2319},
        {"sportslib_empty-sessions.fit", HM_EPARSE, "byte 0: empty file", 0},
    };
    const size_t ncases = sizeof(cases) / sizeof(cases[0]);
    hm_ctx *ctx;
    DIR *dir;
    struct dirent *de;
    size_t i, nfit = 0;

    if (!hm_test_have_shared())
        return;
    /* Every .fit file in bad/ has a pinned outcome. */
    dir = opendir(TRACKS "/bad");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    while ((de = readdir(dir)) != NULL) {
        size_t n = strlen(de->d_name), known = 0;
        if (n < 4 || strcmp(de->d_name + n - 4, ".fit") != 0)
            continue;
        nfit++;
        for (i = 0; i < ncases; i++)
            known += strcmp(cases[i].name, de->d_name) == 0;
        CU_ASSERT_EQUAL(known, 1);
    }
    closedir(dir);
    CU_ASSERT_EQUAL(nfit, ncases);
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    for (i = 0; i < ncases; i++) {
        char path[1024];
        hm_file *f;
        int rc;

        snprintf(path, sizeof(path), "%s/bad/%s", TRACKS, cases[i].name);
        hm_ctx_clear_error(ctx);
        rc = parse_corpus(ctx, path, &f);
        CU_ASSERT_EQUAL(rc, cases[i].code);
        if (rc == HM_OK) {
            CU_ASSERT(has_warning(f, cases[i].text));
            CU_ASSERT_EQUAL(positioned(f), cases[i].positioned);
            if (!has_warning(f, cases[i].text))
                fprintf(stderr, "\n  %s: no warning \"%s\"\n", cases[i].name, cases[i].text);
            hm_file_free(f);
        } else {
            const hm_error *e = hm_ctx_last_error(ctx);
            CU_ASSERT_PTR_NOT_NULL_FATAL(e);
            CU_ASSERT_PTR_NOT_NULL(strstr(located(e), cases[i].text));
            CU_ASSERT_STRING_EQUAL(e->path, path);
        }
    }
    hm_ctx_free(ctx);
}

void hm_test_fit_suite(void)
{
    static CU_TestInfo tests[] = {
        {"header14_with_crc", test_fit__header14_with_crc},
        {"header12", test_fit__header12},
        {"big_endian_definition", test_fit__big_endian_definition},
        {"header_crc_zero_is_not_checked", test_fit__header_crc_zero_is_not_checked},
        {"semicircles", test_fit__semicircles},
        {"fit_epoch", test_fit__fit_epoch},
        {"invalid_values_are_nan", test_fit__invalid_values_are_nan},
        {"enhanced_fields_preferred", test_fit__enhanced_fields_preferred},
        {"compressed_timestamps", test_fit__compressed_timestamps},
        {"compressed_timestamp_without_base_has_no_time",
         test_fit__compressed_timestamp_without_base_has_no_time},
        {"developer_fields_skipped", test_fit__developer_fields_skipped},
        {"misaligned_field_is_skipped", test_fit__misaligned_field_is_skipped},
        {"large_messages_across_window", test_fit__large_messages_across_window},
        {"chained_files", test_fit__chained_files},
        {"chained_part_needs_its_own_definitions",
         test_fit__chained_part_needs_its_own_definitions},
        {"bad_file_crc_warns", test_fit__bad_file_crc_warns},
        {"bad_header_crc", test_fit__bad_header_crc},
        {"truncated_mid_record", test_fit__truncated_mid_record},
        {"data_size_beyond_end_of_file", test_fit__data_size_beyond_end_of_file},
        {"not_a_fit_file", test_fit__not_a_fit_file},
        {"undefined_local_type", test_fit__undefined_local_type},
        {"bad_architecture_byte", test_fit__bad_architecture_byte},
        {"trailing_garbage", test_fit__trailing_garbage},
        {"data_size_zero", test_fit__data_size_zero},
        {"session_sport", test_fit__session_sport},
        {"multisport", test_fit__multisport},
        {"sport_message_without_session", test_fit__sport_message_without_session},
        {"virtual", test_fit__virtual},
        {"device", test_fit__device},
        {"device_prefers_activity_file_id", test_fit__device_prefers_activity_file_id},
        {"no_activity_in_settings_file", test_fit__no_activity_in_settings_file},
        {"timer_stop_start_segments", test_fit__timer_stop_start_segments},
        {"timestamp_correlation", test_fit__timestamp_correlation},
        {"enomem_sweep", test_fit__enomem_sweep},
        {"corpus_matches_manifest", test_fit__corpus_matches_manifest},
        {"corpus_details", test_fit__corpus_details},
        {"corpus_bad_files", test_fit__corpus_bad_files},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("fit", tests);
}
