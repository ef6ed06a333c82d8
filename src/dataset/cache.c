/* SPDX-License-Identifier: MIT */
/*
 * The process-wide list of open track stores: a singly linked list behind a
 * mutex. It is the one piece of global mutable state in the engine, and it
 * is shaped to be small: lookups compare two strings per open entry (a
 * process has a handful of folders open, not thousands), and the lock is
 * never held while reading files or freeing data, so a slow open of one
 * folder never blocks another.
 */
#include <pthread.h>
#include <string.h>

#include "dataset/cache_int.h"

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static hm_cache_entry *cache_head; /* listed entries; guarded by cache_lock */

/* Remove e from the list; the lock is held. */
static void unlist(hm_cache_entry *e)
{
    hm_cache_entry **pp;

    for (pp = &cache_head; *pp; pp = &(*pp)->next) {
        if (*pp == e) {
            *pp = e->next;
            break;
        }
    }
    e->next = NULL;
    e->listed = 0;
}

/* The listed entry with this key, or NULL; the lock is held. */
static hm_cache_entry *find(const char *key)
{
    hm_cache_entry *e;

    for (e = cache_head; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

hm_cache_entry *hm_cache__acquire(const char *key, const char *signature)
{
    hm_cache_entry *e;

    pthread_mutex_lock(&cache_lock);
    e = find(key);
    if (e && strcmp(e->signature, signature) == 0) {
        e->refs++;
    } else {
        if (e)
            unlist(e); /* stale: the files changed */
        e = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
    return e;
}

hm_cache_entry *hm_cache__insert(hm_cache_entry *entry)
{
    hm_cache_entry *e;

    pthread_mutex_lock(&cache_lock);
    e = find(entry->key);
    if (e && strcmp(e->signature, entry->signature) == 0) {
        e->refs++;
    } else {
        if (e)
            unlist(e);
        entry->next = cache_head;
        entry->listed = 1;
        cache_head = entry;
        e = entry;
    }
    pthread_mutex_unlock(&cache_lock);
    return e;
}

void hm_cache__release(hm_cache_entry *e)
{
    int last;

    if (!e)
        return;
    pthread_mutex_lock(&cache_lock);
    last = --e->refs == 0;
    if (last && e->listed)
        unlist(e);
    pthread_mutex_unlock(&cache_lock);
    if (last)
        e->destroy(e);
}

size_t hm_cache__get_count(void)
{
    hm_cache_entry *e;
    size_t n = 0;

    pthread_mutex_lock(&cache_lock);
    for (e = cache_head; e; e = e->next)
        n++;
    pthread_mutex_unlock(&cache_lock);
    return n;
}
