/* SPDX-License-Identifier: MIT */
/*
 * A read file as text, for tests that compare two reads of one document
 * (the scanner against libxml2: autotest/cunit/io/test_xml_scan.c and the
 * GPX/TCX fuzz harnesses): the return code, the error or every warning with
 * its code, line and message, and every activity's metadata, segments and
 * points, doubles and floats by their bits. Header-only (static functions):
 * the fuzz harnesses are programs of their own.
 */
#ifndef HM_AUTOTEST_DESCRIBE_FILE_H
#define HM_AUTOTEST_DESCRIBE_FILE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heatmap.h>

typedef struct hm_dump {
    char *s;
    size_t len, cap;
} hm_dump;

static void hm_dump_put(hm_dump *d, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(d->s ? d->s + d->len : NULL, d->s ? d->cap - d->len : 0, fmt, ap);
        va_end(ap);
        if (d->s && (size_t)n < d->cap - d->len)
            break;
        d->cap = (d->cap + (size_t)n + 1) * 2;
        d->s = realloc(d->s, d->cap);
        if (!d->s)
            abort();
    }
    d->len += (size_t)n;
}

/* Bits of a double: NaN payloads and signs included. */
static unsigned long long hm_dump_bits(double v)
{
    unsigned long long b;
    memcpy(&b, &v, sizeof(b));
    return b;
}

static unsigned hm_dump_fbits(float v)
{
    unsigned b;
    memcpy(&b, &v, sizeof(b));
    return b;
}

static void hm_dump_error(hm_dump *d, const char *what, const hm_error *e)
{
    hm_dump_put(d, "%s code=%d line=%ld offset=%lld path=%s msg=%s\n", what, e->code, e->line,
                (long long)e->offset, e->path, e->message);
}

/* Everything a reader produced, or the error it failed with. */
static char *hm_describe_file(hm_ctx *ctx, int rc, const hm_file *f)
{
    hm_dump d = {NULL, 0, 0};
    size_t i, j;

    hm_dump_put(&d, "rc=%d\n", rc);
    if (rc != HM_OK) {
        hm_dump_error(&d, "error", hm_ctx_last_error(ctx));
        return d.s;
    }
    if (hm_file_get_error(f))
        hm_dump_error(&d, "file error", hm_file_get_error(f));
    for (i = 0; i < hm_file_get_warning_count(f); i++)
        hm_dump_error(&d, "warning", hm_file_get_warning(f, i));
    for (i = 0; i < hm_file_get_activity_count(f); i++) {
        const hm_activity *a = hm_file_get_activity(f, i);
        const hm_point *p = hm_activity_get_points(a);
        hm_dump_put(&d,
                    "activity format=%d sport=%s sub=%s virtual=%d start=%llx device=%s name=%s\n",
                    (int)hm_activity_get_format(a), hm_activity_get_sport(a),
                    hm_activity_get_sub_sport(a), hm_activity_get_virtual(a),
                    hm_dump_bits(hm_activity_get_start_time(a)), hm_activity_get_device(a),
                    hm_activity_get_name(a));
        for (j = 0; j < hm_activity_get_segment_count(a); j++)
            hm_dump_put(&d, "segment %zu\n", hm_activity_get_segment_start(a, j));
        for (j = 0; j < hm_activity_get_point_count(a); j++)
            hm_dump_put(&d, "%llx %llx %llx %x %x %x %x %x %x %x\n", hm_dump_bits(p[j].lat),
                        hm_dump_bits(p[j].lon), hm_dump_bits(p[j].time), hm_dump_fbits(p[j].ele),
                        hm_dump_fbits(p[j].hr), hm_dump_fbits(p[j].cadence),
                        hm_dump_fbits(p[j].power), hm_dump_fbits(p[j].speed),
                        hm_dump_fbits(p[j].temperature), hm_dump_fbits(p[j].distance));
    }
    return d.s;
}

#endif /* HM_AUTOTEST_DESCRIBE_FILE_H */
