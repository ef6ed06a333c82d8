/* SPDX-License-Identifier: MIT */
/*
 * Time: see time_int.h. Every time the project prints goes through
 * hm_time_format_iso8601 (the readers' messages, `heatmap info`, the
 * driver's metadata, the WHERE table, the sample generator's files), so
 * one time reads the same everywhere; it floors to the second because a
 * time printed must name the second, hence the day, that it is in (a
 * start at 23:59:59.7 belongs to that day for DATE_FROM and DATE_TO).
 */
#include <math.h>
#include <stdio.h>

#include "core/ctx_int.h"
#include "core/text_int.h"
#include "core/time_int.h"

/* Seconds since epoch of 0000-01-01T00:00:00Z and of 10000-01-01T00:00:00Z: the years
 * that four digits hold. */
#define HM_TIME_FORMAT_MIN (-62167219200.0)
#define HM_TIME_FORMAT_END 253402300800.0

int64_t hm_time__days_from_civil(int64_t y, unsigned m, unsigned d)
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

void hm_time__civil_from_days(hm_time_civil *out, int64_t days)
{
    /* Howard Hinnant's civil_from_days, the inverse of days_from_civil. */
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    out->day = doy - (153 * mp + 2) / 5 + 1;
    out->month = mp < 10 ? mp + 3 : mp - 9;
    out->year = (int64_t)yoe + era * 400 + (out->month <= 2);
    out->hour = out->minute = out->second = 0;
}

void hm_time__civil_from_seconds(hm_time_civil *out, int64_t t)
{
    int64_t days = (t >= 0 ? t : t - 86399) / 86400; /* floored */
    unsigned sod = (unsigned)(t - days * 86400);

    hm_time__civil_from_days(out, days);
    out->hour = sod / 3600;
    out->minute = sod / 60 % 60;
    out->second = sod % 60;
}

size_t hm_time_format_iso8601(char *out, size_t size, double t)
{
    hm_time_civil c;

    if (!(t >= HM_TIME_FORMAT_MIN && t < HM_TIME_FORMAT_END)) { /* NaN too */
        if (size)
            out[0] = '\0';
        return 0;
    }
    hm_time__civil_from_seconds(&c, (int64_t)floor(t));
    snprintf(out, size, "%04d-%02u-%02uT%02u:%02u:%02uZ", (int)c.year, c.month, c.day, c.hour,
             c.minute, c.second);
    return HM_TIME_ISO8601_SIZE - 1;
}

/* ---- parsing ----------------------------------------------------------------- */

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

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days in month m (1-12) of year y. */
static int month_length(int64_t y, int m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return days[m - 1] + (m == 2 && is_leap(y));
}

int hm_time__parse_date(int64_t *days, const char *s, size_t len)
{
    const char *p, *end;
    int y, m, d;

    s = hm_text__trim(s, &len);
    p = s;
    end = s + len;
    if (len != 10 || (y = digits_n(&p, end, 4)) < 0 || *p++ != '-' ||
        (m = digits_n(&p, end, 2)) < 1 || m > 12 || *p++ != '-' || (d = digits_n(&p, end, 2)) < 1 ||
        d > month_length(y, m))
        return HM_EINVAL;
    *days = hm_time__days_from_civil(y, (unsigned)m, (unsigned)d);
    return HM_OK;
}

int hm_time__parse_iso8601(double *out, const char *s, size_t len)
{
    const char *p, *end;
    int y, mo, d, h, mi, sec = 0;
    double frac = 0.0, offset = 0.0;

    s = hm_text__trim(s, &len);
    p = s;
    end = s + len;
    if ((y = digits_n(&p, end, 4)) < 0 || p >= end || *p++ != '-')
        return HM_EINVAL;
    if ((mo = digits_n(&p, end, 2)) < 1 || mo > 12 || p >= end || *p++ != '-')
        return HM_EINVAL;
    /* February 29 is taken in any year (it counts on to March 1), as the readers always
     * have: a device's date is not refused for it. */
    if ((d = digits_n(&p, end, 2)) < 1 || d > month_length(2000, mo))
        return HM_EINVAL;
    if (p >= end || (*p != 'T' && *p != 't' && *p != ' '))
        return HM_EINVAL;
    p++;
    if ((h = digits_n(&p, end, 2)) < 0 || h > 24 || p >= end || *p++ != ':')
        return HM_EINVAL;
    if ((mi = digits_n(&p, end, 2)) < 0 || mi > 59)
        return HM_EINVAL;
    if (p < end && *p == ':') {
        p++;
        if ((sec = digits_n(&p, end, 2)) < 0 || sec > 60)
            return HM_EINVAL;
        if (p < end && (*p == '.' || *p == ',')) {
            double scale = 0.1;
            p++;
            if (p >= end || *p < '0' || *p > '9')
                return HM_EINVAL;
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
                return HM_EINVAL;
            if (p < end && *p == ':')
                p++;
            if (p < end && (om = digits_n(&p, end, 2)) < 0)
                return HM_EINVAL;
            if (om > 59)
                return HM_EINVAL;
            offset = sign * (oh * 3600.0 + om * 60.0);
        }
    }
    if (p != end)
        return HM_EINVAL;
    *out = (double)hm_time__days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 + h * 3600.0 +
           mi * 60.0 + sec + frac - offset;
    return HM_OK;
}
