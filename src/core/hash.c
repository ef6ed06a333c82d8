/* SPDX-License-Identifier: MIT */
/*
 * hm_hash64 (see hash_int.h). The lanes take 32-byte stripes; the tail and
 * the length are folded in at the end, so inputs that differ only in
 * length (a truncated section) hash differently. Words are assembled byte
 * by byte from little-endian order, so the value is the same on a
 * big-endian machine (the store notices a foreign byte order by its
 * marker, not by a checksum mismatch).
 */
#include <string.h>

#include "core/hash_int.h"

#define P1 0x9E3779B97F4A7C15ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t load64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

static void stripe(uint64_t lane[4], const unsigned char *p)
{
    int k;

    for (k = 0; k < 4; k++)
        lane[k] = rotl(lane[k] + load64(p + 8 * k) * P2, 31) * P1;
}

void hm_hasher_init(hm_hasher *h, uint64_t seed)
{
    h->lane[0] = seed + P1 + P2;
    h->lane[1] = seed + P2;
    h->lane[2] = seed;
    h->lane[3] = seed - P1;
    h->ntail = 0;
    h->total = 0;
}

void hm_hasher_add(hm_hasher *h, const void *data, size_t len)
{
    const unsigned char *p = data;

    if (len == 0)
        return; /* data may then be NULL (an empty array) */
    h->total += len;
    if (h->ntail) {
        size_t take = 32 - h->ntail < len ? 32 - h->ntail : len;
        memcpy(h->tail + h->ntail, p, take);
        h->ntail += take;
        p += take;
        len -= take;
        if (h->ntail < 32)
            return;
        stripe(h->lane, h->tail);
        h->ntail = 0;
    }
    for (; len >= 32; p += 32, len -= 32)
        stripe(h->lane, p);
    memcpy(h->tail, p, len);
    h->ntail = len;
}

uint64_t hm_hasher_final(const hm_hasher *h)
{
    uint64_t v = rotl(h->lane[0], 1) + rotl(h->lane[1], 7) + rotl(h->lane[2], 12) +
                 rotl(h->lane[3], 18);
    size_t i = 0;

    v = (v ^ (h->total * P5)) * P4;
    for (; i + 8 <= h->ntail; i += 8)
        v = rotl(v ^ (rotl(load64(h->tail + i) * P2, 31) * P1), 27) * P1 + P4;
    for (; i < h->ntail; i++)
        v = rotl(v ^ ((uint64_t)h->tail[i] * P5), 11) * P1;
    v ^= v >> 33;
    v *= P2;
    v ^= v >> 29;
    v *= P3;
    v ^= v >> 32;
    return v;
}

uint64_t hm_hash64(const void *data, size_t len, uint64_t seed)
{
    hm_hasher h;

    hm_hasher_init(&h, seed);
    hm_hasher_add(&h, data, len);
    return hm_hasher_final(&h);
}
