/* SPDX-License-Identifier: MIT */
/*
 * A fast non-cryptographic 64-bit hash: the checksums of the store's header
 * and sections (a flipped byte or a truncation changes it with probability
 * 1 - 2^-64) and the names of store files. Four independent lanes of
 * multiply-rotate over 8-byte words, then a final avalanche; about 7 GB/s
 * on the machines we run on, so verifying a whole store costs less than
 * reading it. The value depends only on the bytes (read little-endian),
 * so it is the same on every platform.
 */
#ifndef HM_CORE_HASH_INT_H
#define HM_CORE_HASH_INT_H

#include <stddef.h>
#include <stdint.h>

/* Hash len bytes; seed separates uses (0 for checksums). */
uint64_t hm_hash64(const void *data, size_t len, uint64_t seed);

/* Incremental form: the same value as hm_hash64 over the concatenated input. */
typedef struct hm_hasher {
    uint64_t lane[4];       /* running lanes */
    unsigned char tail[32]; /* bytes not yet folded into the lanes */
    size_t ntail;           /* used bytes of tail */
    uint64_t total;         /* bytes added */
} hm_hasher;

void hm_hasher_init(hm_hasher *h, uint64_t seed);
void hm_hasher_add(hm_hasher *h, const void *data, size_t len);
uint64_t hm_hasher_final(const hm_hasher *h);

#endif /* HM_CORE_HASH_INT_H */
