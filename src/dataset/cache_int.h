/* SPDX-License-Identifier: MIT */
/*
 * The process-wide list of open track stores, so that a second handle on
 * the same source shares the first one's immutable store instead of
 * mapping and checking it again. Entries are found by key (the store file,
 * or the source and data options of a store in memory) and checked against
 * a signature of the listing (names, sizes, mtimes): an entry whose
 * signature differs is stale and is no longer handed out, though its
 * current users keep it until they release it. An entry lives as long as
 * its users: the last release destroys it. All of this sits behind one
 * mutex; building data happens outside it.
 */
#ifndef HM_DATASET_CACHE_INT_H
#define HM_DATASET_CACHE_INT_H

#include <stddef.h>

/* Bookkeeping embedded (first) in the cached object. */
typedef struct hm_cache_entry {
    char *key;                   /* owned by the object; NULL for an object never listed */
    char *signature;             /* owned by the object; NULL likewise */
    size_t refs;                 /* handles using the object; guarded by the cache lock */
    int listed;                  /* 1 while acquire() can find it; guarded by the lock */
    struct hm_cache_entry *next; /* next listed entry; guarded by the lock */
    void (*destroy)(struct hm_cache_entry *entry); /* frees the object, called outside the lock */
} hm_cache_entry;

/* The listed entry with this key and signature, with one more reference; or NULL.
 * A listed entry with this key and another signature is unlisted (stale). */
hm_cache_entry *hm_cache__acquire(const char *key, const char *signature);

/*
 * List a freshly built entry (its refs must be 1). When an equal entry was
 * listed meanwhile (another thread built the same data), that one is
 * returned with one more reference and the caller must destroy its own.
 */
hm_cache_entry *hm_cache__insert(hm_cache_entry *entry);

/* Drop a reference; the last one unlists and destroys the entry. NULL does nothing. */
void hm_cache__release(hm_cache_entry *entry);

/* Number of listed entries (for tests and debug logs). */
size_t hm_cache__get_count(void);

#endif /* HM_DATASET_CACHE_INT_H */
