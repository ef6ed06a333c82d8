/* SPDX-License-Identifier: MIT */
/*
 * The small text and time helpers the engine uses itself (src/core), offered
 * to the apps and the driver so that they write what the engine writes: one
 * test of UTF-8, one integer parser, one ISO 8601 format. None of them
 * allocates, needs a context or looks at the locale; all are thread-safe.
 */
#ifndef HEATMAP_UTIL_H
#define HEATMAP_UTIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Length of the valid UTF-8 sequence at text (1 to 4), or 0 when the bytes there are not
 * one: a stray continuation byte, an overlong form, an encoded surrogate, a code point
 * above U+10FFFF, or a sequence cut short by the end of the avail bytes (in a NUL-terminated
 * string the NUL cuts it short too, so any avail >= 4 is safe there). File names need not be
 * UTF-8: writers of JSON and XML use this to escape what is not.
 */
size_t hm_utf8_length(const char *text, size_t avail);

/**
 * Parse a decimal integer: an optional sign and digits, with ASCII white space (space,
 * tab, LF, VT, FF, CR; nothing else) allowed around it, as every option value is read.
 * @param out receives the value; untouched on failure.
 * @param text the text, len bytes (need not be NUL-terminated).
 * @param lo, hi the accepted range, inclusive.
 * @return HM_OK, or HM_EINVAL when the text is not such an integer or is outside [lo, hi].
 */
int hm_text_parse_int(int64_t *out, const char *text, size_t len, int64_t lo, int64_t hi);

/** Bytes hm_time_format_iso8601() writes, with the NUL: "YYYY-MM-DDThh:mm:ssZ". */
#define HM_TIME_ISO8601_SIZE 21

/**
 * Format a time as ISO 8601 in UTC, "YYYY-MM-DDThh:mm:ssZ": the one format of every time
 * the engine, the apps and the driver print. A fraction of a second is dropped (the time
 * is floored), so a time prints within the second, and on the day, it belongs to.
 * @param out receives the text, NUL-terminated and cut to size (as snprintf); "" when t is
 *        not a time (NaN, infinite, or outside the years 0000 to 9999).
 * @param size bytes at out; HM_TIME_ISO8601_SIZE is enough.
 * @param t seconds since 1970-01-01T00:00:00Z.
 * @return the length of the full text (20), or 0 when t is not a time.
 */
size_t hm_time_format_iso8601(char *out, size_t size, double t);

#ifdef __cplusplus
}
#endif

#endif /* HEATMAP_UTIL_H */
