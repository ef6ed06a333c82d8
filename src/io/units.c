/* SPDX-License-Identifier: MIT */
/*
 * Units and number/time parsing shared by every reader. Numbers are parsed by
 * hand because strtod() follows LC_NUMERIC (a German locale would read
 * "48.1" as 48) and because the readers' own work must stay small next to
 * the XML parser's: most coordinates have at most 15 significant digits, and
 * then a 64-bit mantissa scaled by an exact power of ten is correctly
 * rounded (Clinger's fast path). Anything longer goes to strtod_l() in the C
 * locale.
 */
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/units_int.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void trim(const char **s, size_t *len)
{
    while (*len && is_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && is_space((*s)[*len - 1]))
        (*len)--;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale; /* written once under c_locale_once, then read-only */

static void c_locale_init(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static int parse_double_slow(const char *s, size_t len, double *out)
{
    char buf[128];
    char *end;

    if (len >= sizeof(buf))
        return -1;
    pthread_once(&c_locale_once, c_locale_init);
    if (!c_locale)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *out = strtod_l(buf, &end, c_locale);
    return end == buf + len ? 0 : -1;
}

int hm_units__parse_double(const char *s, size_t len, double *out)
{
    const char *p, *end;
    uint64_t mant = 0;
    int digits = 0, frac_digits = 0, neg = 0, any = 0, exp = 0;
    double v;

    trim(&s, &len);
    if (!len)
        return -1;
    p = s;
    end = s + len;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    while (p < end && *p == '0') { /* leading zeros are not significant */
        p++;
        any = 1;
    }
    for (; p < end && *p >= '0' && *p <= '9'; p++, any = 1) {
        if (digits >= 19)
            return parse_double_slow(s, len, out);
        mant = mant * 10 + (uint64_t)(*p - '0');
        digits++;
    }
    if (p < end && *p == '.') {
        p++;
        for (; p < end && *p >= '0' && *p <= '9'; p++, any = 1) {
            if (digits == 0 && *p == '0') { /* 0.000x: zeros after the point shift only */
                frac_digits++;
                continue;
            }
            if (digits >= 19)
                return parse_double_slow(s, len, out);
            mant = mant * 10 + (uint64_t)(*p - '0');
            digits++;
            frac_digits++;
        }
    }
    if (!any)
        return -1;
    if (p < end && (*p == 'e' || *p == 'E')) {
        int eneg = 0, e = 0, edig = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        for (; p < end && *p >= '0' && *p <= '9'; p++, edig++)
            if (e < 10000)
                e = e * 10 + (*p - '0');
        if (!edig)
            return -1;
        exp = eneg ? -e : e;
    }
    if (p != end)
        return -1;
    exp -= frac_digits;
    if (digits > 15 || exp > 22 || exp < -22)
        return parse_double_slow(s, len, out);
    v = (double)mant;
    v = exp < 0 ? v / pow10_exact[-exp] : v * pow10_exact[exp];
    *out = neg ? -v : v;
    return 0;
}

int64_t hm_units__days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Read exactly n digits at *p (advancing it); -1 when they are not all digits. */
static int digits_n(const char **p, const char *end, int n)
{
    int v = 0;

    if (end - *p < n)
        return -1;
    while (n--) {
        char c = *(*p)++;
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

static const unsigned char month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

int hm_units__parse_iso8601(const char *s, size_t len, double *out)
{
    const char *p, *end;
    int y, mo, d, h, mi, sec = 0;
    double frac = 0.0, offset = 0.0;

    trim(&s, &len);
    p = s;
    end = s + len;
    if ((y = digits_n(&p, end, 4)) < 0 || p >= end || *p++ != '-')
        return -1;
    if ((mo = digits_n(&p, end, 2)) < 1 || mo > 12 || p >= end || *p++ != '-')
        return -1;
    if ((d = digits_n(&p, end, 2)) < 1 || d > month_days[mo - 1])
        return -1;
    if (p >= end || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    if ((h = digits_n(&p, end, 2)) < 0 || h > 24 || p >= end || *p++ != ':')
        return -1;
    if ((mi = digits_n(&p, end, 2)) < 0 || mi > 59)
        return -1;
    if (p < end && *p == ':') {
        p++;
        if ((sec = digits_n(&p, end, 2)) < 0 || sec > 60)
            return -1;
        if (p < end && (*p == '.' || *p == ',')) {
            double scale = 0.1;
            p++;
            if (p >= end || *p < '0' || *p > '9')
                return -1;
            for (; p < end && *p >= '0' && *p <= '9'; p++, scale *= 0.1)
                frac += (*p - '0') * scale;
        }
    }
    if (p < end) {
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if ((oh = digits_n(&p, end, 2)) < 0 || oh > 23)
                return -1;
            if (p < end && *p == ':')
                p++;
            if (p < end && (om = digits_n(&p, end, 2)) < 0)
                return -1;
            if (om > 59)
                return -1;
            offset = sign * (oh * 3600.0 + om * 60.0);
        }
    }
    if (p != end)
        return -1;
    *out = (double)hm_units__days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 +
           h * 3600.0 + mi * 60.0 + sec + frac - offset;
    return 0;
}

void hm_units__civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    /* Howard Hinnant's civil_from_days, the inverse of days_from_civil. */
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = (int64_t)yoe + era * 400 + (*month <= 2);
}

void hm_units__format_iso8601(double t, char *buf, size_t size)
{
    int64_t secs, days, y;
    unsigned m, d, sod;

    if (isnan(t)) {
        if (size)
            buf[0] = '\0';
        return;
    }
    secs = (int64_t)floor(t + 0.5);
    days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    sod = (unsigned)(secs - days * 86400);
    hm_units__civil_from_days(days, &y, &m, &d);
    snprintf(buf, size, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d, sod / 3600,
             sod / 60 % 60, sod % 60);
}

double hm_units__semicircles_to_deg(int32_t semicircles)
{
    return semicircles * (180.0 / 2147483648.0);
}

double hm_units__fit_time_to_unix(uint32_t fit_time)
{
    return (double)fit_time + HM_FIT_EPOCH_OFFSET;
}
