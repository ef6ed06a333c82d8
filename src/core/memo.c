/* SPDX-License-Identifier: MIT */
/*
 * The memo: a short list (a few levels times a few bands, a few grids)
 * behind a mutex and a condition variable. The lock is held only to look
 * up and update the list, never while a value is computed, so one slow
 * statistic does not hold up blocks that need another.
 */
#include <string.h>

#include "core/memo_int.h"

struct hm_memo_item {
    char *key;                  /* the caller's text, owned */
    void *value;                /* published value, or NULL while claimed */
    hm_memo_destroy_fn destroy; /* frees value */
    hm_memo_item *next;         /* next item */
};

void hm_memo__init(hm_memo *memo)
{
    pthread_mutex_init(&memo->lock, NULL);
    pthread_cond_init(&memo->done, NULL);
    memo->head = NULL;
}

void hm_memo__destroy(hm_memo *memo, hm_ctx *ctx)
{
    hm_memo_item *it = memo->head, *next;

    for (; it; it = next) {
        next = it->next;
        if (it->value)
            it->destroy(it->value, ctx);
        hm_ctx__free(ctx, it->key);
        hm_ctx__free(ctx, it);
    }
    memo->head = NULL;
    pthread_cond_destroy(&memo->done);
    pthread_mutex_destroy(&memo->lock);
}

static hm_memo_item *find(hm_memo *memo, const char *key)
{
    hm_memo_item *it;

    for (it = memo->head; it; it = it->next)
        if (strcmp(it->key, key) == 0)
            return it;
    return NULL;
}

int hm_memo__claim(hm_memo *memo, hm_ctx *ctx, const char *key, void **value)
{
    hm_memo_item *it, *fresh;

    *value = NULL;
    /* Allocated up front: nothing allocates under the lock. */
    fresh = hm_ctx__calloc(ctx, 1, sizeof(*fresh));
    if (!fresh || !(fresh->key = hm_ctx__strdup(ctx, key))) {
        hm_ctx__free(ctx, fresh);
        return HM_RAISE_NOMEM(ctx);
    }
    pthread_mutex_lock(&memo->lock);
    while ((it = find(memo, key)) != NULL && !it->value)
        pthread_cond_wait(&memo->done, &memo->lock);
    if (it) {
        *value = it->value;
    } else {
        fresh->next = memo->head;
        memo->head = fresh;
        fresh = NULL;
    }
    pthread_mutex_unlock(&memo->lock);
    if (fresh) {
        hm_ctx__free(ctx, fresh->key);
        hm_ctx__free(ctx, fresh);
    }
    return HM_OK;
}

void hm_memo__publish(hm_memo *memo, hm_ctx *ctx, const char *key, void *value,
                      hm_memo_destroy_fn destroy)
{
    hm_memo_item **pp, *gone = NULL;

    pthread_mutex_lock(&memo->lock);
    for (pp = &memo->head; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->key, key) == 0 && !(*pp)->value) {
            if (value) {
                (*pp)->value = value;
                (*pp)->destroy = destroy;
            } else {
                gone = *pp;
                *pp = gone->next;
            }
            break;
        }
    }
    pthread_cond_broadcast(&memo->done);
    pthread_mutex_unlock(&memo->lock);
    if (gone) {
        hm_ctx__free(ctx, gone->key);
        hm_ctx__free(ctx, gone);
    }
}

int hm_memo__get(void **value, hm_memo *memo, const hm_ctx *owner, hm_ctx *ctx, const char *key,
                 hm_memo_compute_fn compute, hm_memo_destroy_fn destroy, void *payload)
{
    hm_ctx *c;
    void *v = NULL;
    int rc;

    *value = NULL;
    if (hm_ctx__new_child(&c, owner) != HM_OK)
        return HM_RAISE_NOMEM(ctx);
    hm_ctx_set_log(c, ctx->log_fn, ctx->log_payload);
    if ((rc = hm_memo__claim(memo, c, key, &v)) == HM_OK && !v) {
        rc = compute(&v, c, payload);
        if (rc != HM_OK)
            v = NULL;
        hm_memo__publish(memo, c, key, v, destroy);
    }
    if (rc != HM_OK)
        hm_ctx__copy_error(ctx, c);
    hm_ctx_free(c);
    *value = v;
    return rc;
}
