/* SPDX-License-Identifier: MIT */
/*
 * Values computed lazily from shared, immutable data and kept with it (a
 * store's grid indexes and style statistics): found by a text key,
 * computed once however many handles and threads ask at the same time, and
 * freed with the data.
 * The first thread to ask claims the key and computes the value outside
 * the lock; the others wait for it (a failed computation releases the
 * claim, and a waiter then tries itself).
 *
 * Allocation: hm_memo__destroy() frees items and values with the data's
 * own context, so the contexts passed to claim and publish must use the
 * same allocator: a child of the data's context (hm_ctx__new_child), not
 * merely the caller's.
 */
#ifndef HM_CORE_MEMO_INT_H
#define HM_CORE_MEMO_INT_H

#include <pthread.h>

#include "core/ctx_int.h"

typedef struct hm_memo_item hm_memo_item;

/* Frees a published value. */
typedef void (*hm_memo_destroy_fn)(void *value, hm_ctx *ctx);

typedef struct hm_memo {
    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t done;  /* signalled when a claim is published or released */
    hm_memo_item *head;   /* items, newest first */
} hm_memo;

void hm_memo__init(hm_memo *memo);
/* Free every published value (with ctx) and the items. No claim may be pending. */
void hm_memo__destroy(hm_memo *memo, hm_ctx *ctx);

/*
 * The value of key (copied). When it is there, *value is set. When nobody has it,
 * the caller gets the claim (*value NULL) and must end it with
 * hm_memo__publish(). When another thread holds the claim, waits for it.
 * @return HM_OK or HM_ENOMEM (raised on ctx).
 */
int hm_memo__claim(hm_memo *memo, hm_ctx *ctx, const char *key, void **value);

/*
 * End a claim: store value (owned by the memo from now on, freed with
 * destroy), or with value NULL give the claim up.
 */
void hm_memo__publish(hm_memo *memo, hm_ctx *ctx, const char *key, void *value,
                      hm_memo_destroy_fn destroy);

/* Computes a value: allocates with ctx (a child of the memo owner's context, which the
 * value must not keep: it is freed after the call), raises errors on it. */
typedef int (*hm_memo_compute_fn)(void **value, hm_ctx *ctx, void *payload);

/*
 * The value of key: found, waited for, or computed by compute() (and then kept) on a child
 * context of owner (the context the memo's values are freed with). The caller's ctx gets
 * the log messages and, on failure, the error.
 * @return HM_OK (*value set), or the code compute() returned, or HM_ENOMEM.
 */
int hm_memo__get(void **value, hm_memo *memo, const hm_ctx *owner, hm_ctx *ctx, const char *key,
                 hm_memo_compute_fn compute, hm_memo_destroy_fn destroy, void *payload);

#endif /* HM_CORE_MEMO_INT_H */
