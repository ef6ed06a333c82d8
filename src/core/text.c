/* SPDX-License-Identifier: MIT */
/*
 * Text: see text_int.h for white space and the rules every helper follows.
 * Also the one test of what is UTF-8 (RFC 3629), shared by everything that
 * writes names it did not make (JSON and XML of file names, descriptors).
 *
 * Numbers are parsed by hand because strtod() follows LC_NUMERIC (a German
 * locale would read "48.1" as 48) and because the readers' own work must
 * stay small next to the XML parser's: most coordinates have at most 15
 * significant digits, and then a 64-bit mantissa scaled by an exact power of
 * ten is correctly rounded (Clinger's fast path). Anything longer goes to
 * strtod_l() in the C locale.
 */
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_int.h"
#include "core/text_int.h"

/* ---- white space and case ------------------------------------------------ */

int hm_text__is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

const char *hm_text__trim(const char *s, size_t *len)
{
    while (*len && hm_text__is_space(s[0])) {
        s++;
        (*len)--;
    }
    while (*len && hm_text__is_space(s[*len - 1]))
        (*len)--;
    return s;
}

char hm_text__lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

int hm_text__equal_ci(const char *a, size_t alen, const char *b)
{
    size_t i;

    for (i = 0; i < alen; i++)
        if (b[i] == '\0' || hm_text__lower(a[i]) != hm_text__lower(b[i]))
            return 0;
    return b[alen] == '\0';
}

int hm_text__starts_with_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (*s == '\0' || hm_text__lower(*s) != hm_text__lower(*prefix))
            return 0;
    return 1;
}

/* ---- lists ----------------------------------------------------------------- */

void hm_text__list_init(hm_text_list *it, const char *s, size_t len, char sep)
{
    it->next = s;
    it->end = s + len;
    it->sep = sep;
}

int hm_text__list_next(hm_text_list *it, const char **item, size_t *item_len)
{
    const char *p = it->next, *sep;
    size_t len;

    if (!p)
        return 0;
    sep = memchr(p, it->sep, (size_t)(it->end - p));
    len = sep ? (size_t)(sep - p) : (size_t)(it->end - p);
    it->next = sep ? sep + 1 : NULL;
    *item = hm_text__trim(p, &len);
    *item_len = len;
    return 1;
}

/* ---- integers -------------------------------------------------------------- */

/* Digits only (after trimming), at most max; the sign is the caller's. */
static int parse_digits(uint64_t *out, const char *s, size_t len, uint64_t max)
{
    uint64_t v = 0;
    size_t i;

    if (len == 0)
        return HM_EINVAL;
    for (i = 0; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');

        if (s[i] < '0' || s[i] > '9' || v > max / 10 || (v == max / 10 && d > max % 10))
            return HM_EINVAL;
        v = v * 10 + d;
    }
    *out = v;
    return HM_OK;
}

int hm_text__parse_uint64(uint64_t *out, const char *s, size_t len, uint64_t max)
{
    s = hm_text__trim(s, &len);
    return parse_digits(out, s, len, max);
}

int hm_text_parse_int(int64_t *out, const char *text, size_t len, int64_t lo, int64_t hi)
{
    const char *s = hm_text__trim(text, &len);
    uint64_t mag;
    int64_t v;
    int neg = 0;

    if (len && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++;
        len--;
    }
    /* The magnitude of INT64_MIN is INT64_MAX + 1. */
    if (parse_digits(&mag, s, len, (uint64_t)INT64_MAX + (uint64_t)neg) != HM_OK)
        return HM_EINVAL;
    v = !neg ? (int64_t)mag : mag == 0 ? 0 : -(int64_t)(mag - 1) - 1;
    if (v < lo || v > hi)
        return HM_EINVAL;
    *out = v;
    return HM_OK;
}

/* ---- decimal numbers ------------------------------------------------------- */

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale; /* written once under c_locale_once, then read-only */

static void c_locale_init(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

static int parse_double_slow(double *out, const char *s, size_t len)
{
    char buf[128];
    char *end;

    if (len >= sizeof(buf))
        return HM_EINVAL;
    pthread_once(&c_locale_once, c_locale_init);
    if (!c_locale)
        return HM_EINVAL;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *out = strtod_l(buf, &end, c_locale);
    return end == buf + len ? HM_OK : HM_EINVAL;
}

int hm_text__parse_double(double *out, const char *s, size_t len)
{
    const char *p, *end;
    uint64_t mant = 0;
    int digits = 0, frac_digits = 0, neg = 0, any = 0, exp = 0;
    double v;

    s = hm_text__trim(s, &len);
    if (!len)
        return HM_EINVAL;
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
            return parse_double_slow(out, s, len);
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
                return parse_double_slow(out, s, len);
            mant = mant * 10 + (uint64_t)(*p - '0');
            digits++;
            frac_digits++;
        }
    }
    if (!any)
        return HM_EINVAL;
    if (p < end && (*p == 'e' || *p == 'E')) {
        int eneg = 0, e = 0, edig = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        for (; p < end && *p >= '0' && *p <= '9'; p++, edig++)
            if (e < 10000)
                e = e * 10 + (*p - '0');
        if (!edig)
            return HM_EINVAL;
        exp = eneg ? -e : e;
    }
    if (p != end)
        return HM_EINVAL;
    exp -= frac_digits;
    if (digits > 15 || exp > 22 || exp < -22)
        return parse_double_slow(out, s, len);
    v = (double)mant;
    v = exp < 0 ? v / pow10_exact[-exp] : v * pow10_exact[exp];
    *out = neg ? -v : v;
    return HM_OK;
}

/* ---- UTF-8 ------------------------------------------------------------------ */

size_t hm_utf8_length(const char *text, size_t avail)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n, i;

    if (avail == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4;
    else
        return 0; /* a continuation byte, an overlong lead (C0, C1) or beyond F4 */
    if (avail < n)
        return 0;
    /* The second byte's range depends on the first (RFC 3629 section 4). */
    if (s[0] == 0xe0)
        lo = 0xa0; /* below: overlong */
    else if (s[0] == 0xed)
        hi = 0x9f; /* above: surrogates U+D800..DFFF */
    else if (s[0] == 0xf0)
        lo = 0x90; /* below: overlong */
    else if (s[0] == 0xf4)
        hi = 0x8f; /* above: beyond U+10FFFF */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}
