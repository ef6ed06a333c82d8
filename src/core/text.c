/* SPDX-License-Identifier: MIT */
/*
 * Text: the one test of what is UTF-8 (RFC 3629), shared by everything that
 * writes names it did not make (JSON and XML of file names, descriptors).
 */
#include "heatmap/common.h"

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
