/* SPDX-License-Identifier: MIT */
/*
 * Time, for every layer: the proleptic Gregorian calendar (days since
 * 1970-01-01 to a date and back, Howard Hinnant's exact algorithms) and
 * ISO 8601 text, parsed and formatted in one place. Times are seconds
 * since 1970-01-01T00:00:00Z (double where a reader may have fractions,
 * int64_t where they are whole), always UTC: nothing here reads the clock,
 * the time zone or the locale. The formatter is public
 * (hm_time_format_iso8601 in include/heatmap/util.h).
 */
#ifndef HM_CORE_TIME_INT_H
#define HM_CORE_TIME_INT_H

#include <stddef.h>
#include <stdint.h>

#include "heatmap/util.h"

/* A UTC calendar date and time of day. */
typedef struct hm_time_civil {
    int64_t year;    /* proleptic Gregorian year (0 = 1 BC) */
    unsigned month;  /* 1-12 */
    unsigned day;    /* 1-31 */
    unsigned hour;   /* 0-23 */
    unsigned minute; /* 0-59 */
    unsigned second; /* 0-59 */
} hm_time_civil;

/* Days since 1970-01-01 of a proleptic Gregorian date (d beyond the month counts on). */
int64_t hm_time__days_from_civil(int64_t y, unsigned m, unsigned d);

/* The date of a day number (days since 1970-01-01), at 00:00:00: the inverse of the above. */
void hm_time__civil_from_days(hm_time_civil *out, int64_t days);

/* The date and time of day of t, whole seconds since epoch (negative: before 1970). */
void hm_time__civil_from_seconds(hm_time_civil *out, int64_t t);

/*
 * Parse an ISO 8601 date-time: YYYY-MM-DD('T'|' ')hh:mm[:ss[.fff...]] followed
 * by 'Z', +hh[:mm], -hh[:mm] or nothing (then taken as UTC). Surrounding
 * white space (hm_text__is_space) is allowed. *out gets seconds since epoch.
 * @return HM_OK, or HM_EINVAL when the text is not such a time.
 */
int hm_time__parse_iso8601(double *out, const char *s, size_t len);

/*
 * Parse an ISO 8601 calendar date, "YYYY-MM-DD" exactly (surrounding white space
 * allowed), a real date of the proleptic Gregorian calendar. *days gets days since
 * 1970-01-01. @return HM_OK or HM_EINVAL.
 */
int hm_time__parse_date(int64_t *days, const char *s, size_t len);

#endif /* HM_CORE_TIME_INT_H */
