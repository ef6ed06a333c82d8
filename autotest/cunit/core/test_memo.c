/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/core/memo.c: a value is computed once however many threads
 * ask at the same time (the others wait and share it), a given-up claim
 * passes to a waiter, and destroy frees every value.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/memo_int.h"
#include "test_util.h"

static int destroyed;

static void destroy_int(void *value, hm_ctx *ctx)
{
    destroyed++;
    hm_ctx__free(ctx, value);
}

typedef struct job {
    hm_memo *memo;          /* shared */
    pthread_mutex_t *lock;  /* guards computed */
    int *computed;          /* computations made */
    int give_up;            /* 1: the first computation gives its claim up */
    void *got;              /* the value obtained */
    int rc;                 /* last return code */
} job;

static void *worker(void *p)
{
    job *j = p;
    hm_ctx *c;
    void *v;

    if (hm_ctx_new(&c, NULL) != HM_OK) {
        j->rc = HM_ENOMEM;
        return NULL;
    }
    j->rc = hm_memo__claim(j->memo, c, "forty-two", &v);
    if (j->rc == HM_OK && !v) {
        int n;
        pthread_mutex_lock(j->lock);
        n = ++*j->computed;
        pthread_mutex_unlock(j->lock);
        usleep(20000); /* let the others pile up behind the claim */
        if (n == 1 && j->give_up) {
            hm_memo__publish(j->memo, c, "forty-two", NULL, destroy_int);
            j->got = NULL;
        } else {
            int *value = hm_ctx__malloc(c, sizeof(int));
            *value = n;
            hm_memo__publish(j->memo, c, "forty-two", value, destroy_int);
            j->got = value;
        }
    } else {
        j->got = v;
    }
    hm_ctx_free(c);
    return NULL;
}

static void run(int give_up)
{
    enum { N = 8 };
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_t th[N];
    job jobs[N];
    hm_memo memo;
    hm_ctx *c;
    void *v;
    int computed = 0, i, nulls = 0;

    CU_ASSERT_FATAL(hm_ctx_new(&c, NULL) == HM_OK);
    hm_memo__init(&memo);
    destroyed = 0;
    for (i = 0; i < N; i++) {
        jobs[i].memo = &memo;
        jobs[i].lock = &lock;
        jobs[i].computed = &computed;
        jobs[i].give_up = give_up;
        jobs[i].got = NULL;
        jobs[i].rc = -100;
        CU_ASSERT_FATAL(pthread_create(&th[i], NULL, worker, &jobs[i]) == 0);
    }
    for (i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    CU_ASSERT_EQUAL(computed, give_up ? 2 : 1);
    for (i = 0; i < N; i++) {
        CU_ASSERT_EQUAL(jobs[i].rc, HM_OK);
        if (!jobs[i].got) {
            nulls++;
            continue;
        }
        CU_ASSERT_EQUAL(*(int *)jobs[i].got, give_up ? 2 : 1);
    }
    CU_ASSERT_EQUAL(nulls, give_up ? 1 : 0);
    /* a later claim finds the value at once; another key is the caller's to compute */
    CU_ASSERT_EQUAL(hm_memo__claim(&memo, c, "forty-two", &v), HM_OK);
    CU_ASSERT_PTR_NOT_NULL(v);
    CU_ASSERT_EQUAL(hm_memo__claim(&memo, c, "seven", &v), HM_OK);
    CU_ASSERT_PTR_NULL(v);
    hm_memo__publish(&memo, c, "seven", hm_ctx__malloc(c, sizeof(int)), destroy_int);
    hm_memo__destroy(&memo, c);
    CU_ASSERT_EQUAL(destroyed, 2);
    hm_ctx_free(c);
}

static void test_memo__computed_once(void)
{
    run(0);
}

static void test_memo__given_up_claim_passes_on(void)
{
    run(1);
}

static int computations;

static int compute_int(void **value, hm_ctx *ctx, void *payload)
{
    int *v;

    computations++;
    if (payload) /* fail this time */
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "refused");
    v = hm_ctx__malloc(ctx, sizeof(*v));
    if (!v)
        return HM_RAISE_NOMEM(ctx);
    *v = 7;
    *value = v;
    return HM_OK;
}

/* hm_memo__get: computes once, keeps the value, reports a failure on the caller's context
 * and keeps nothing then (the next call computes again). */
static void test_memo__get_computes_once(void)
{
    hm_memo memo;
    hm_ctx *owner, *caller;
    void *v = NULL;
    int fail = 1;

    CU_ASSERT_FATAL(hm_ctx_new(&owner, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_ctx_new(&caller, NULL) == HM_OK);
    hm_memo__init(&memo);
    computations = 0;
    destroyed = 0;
    CU_ASSERT_EQUAL(hm_memo__get(&v, &memo, owner, caller, "k", compute_int, destroy_int, &fail),
                    HM_EINVAL);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(caller)->message, "refused");
    CU_ASSERT_EQUAL(hm_memo__get(&v, &memo, owner, caller, "k", compute_int, destroy_int, NULL),
                    HM_OK);
    CU_ASSERT_FATAL(v != NULL);
    CU_ASSERT_EQUAL(*(int *)v, 7);
    CU_ASSERT_EQUAL(hm_memo__get(&v, &memo, owner, caller, "k", compute_int, destroy_int, &fail),
                    HM_OK); /* kept: not computed (nor failed) again */
    CU_ASSERT_EQUAL(computations, 2);
    hm_memo__destroy(&memo, owner);
    CU_ASSERT_EQUAL(destroyed, 1);
    hm_ctx_free(caller);
    hm_ctx_free(owner);
}

void hm_test_memo_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_memo__computed_once", test_memo__computed_once},
        {"test_memo__given_up_claim_passes_on", test_memo__given_up_claim_passes_on},
        {"test_memo__get_computes_once", test_memo__get_computes_once},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("memo", tests);
}
