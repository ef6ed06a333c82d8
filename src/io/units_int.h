/* SPDX-License-Identifier: MIT */
/*
 * Units and text-to-number conversions, in one place for every reader:
 * ISO 8601 times, locale-independent decimal numbers, FIT semicircles and
 * the FIT epoch. None of these allocate or touch the locale.
 */
#ifndef HM_IO_UNITS_INT_H
#define HM_IO_UNITS_INT_H

#include <stddef.h>
#include <stdint.h>

/* Seconds between 1970-01-01T00:00:00Z and the FIT epoch 1989-12-31T00:00:00Z. */
#define HM_FIT_EPOCH_OFFSET 631065600.0

/*
 * Parse an ISO 8601 date-time: YYYY-MM-DD('T'|' ')hh:mm[:ss[.fff...]] followed
 * by 'Z', +hh[:mm], -hh[:mm] or nothing (then taken as UTC). Surrounding
 * white space is allowed. *out gets seconds since 1970-01-01T00:00:00Z.
 * Returns 0 on success, -1 when the text is not such a time.
 */
int hm_units__parse_iso8601(const char *s, size_t len, double *out);

/*
 * Parse a decimal number ([+-]digits[.digits][e[+-]digits], surrounding
 * white space allowed) independently of the locale. Returns 0 or -1.
 */
int hm_units__parse_double(const char *s, size_t len, double *out);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t hm_units__days_from_civil(int64_t y, unsigned m, unsigned d);

/* Proleptic Gregorian date of a day number (days since 1970-01-01): the inverse of the above. */
void hm_units__civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);

/* Format seconds since epoch as "YYYY-MM-DDThh:mm:ssZ" (buf >= 21 bytes); "" for NaN. */
void hm_units__format_iso8601(double t, char *buf, size_t size);

/* FIT semicircles (2^31 per 180 degrees) to degrees. */
double hm_units__semicircles_to_deg(int32_t semicircles);

/* FIT date_time (s since 1989-12-31T00:00:00Z) to s since 1970-01-01T00:00:00Z. */
double hm_units__fit_time_to_unix(uint32_t fit_time);

#endif /* HM_IO_UNITS_INT_H */
