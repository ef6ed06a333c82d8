/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/core/pool.c: every job runs once, on some worker; a failing
 * job stops the handing out and says which worker failed; the thread count
 * follows the request, the cores and the jobs.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "core/pool_int.h"
#include "test_util.h"

#define NJOBS 2000

typedef struct tally {
    pthread_mutex_t lock;
    int runs[NJOBS];        /* times job k ran */
    size_t worker[NJOBS];   /* the worker that ran it */
    size_t fail_at;         /* the job that fails, or NJOBS */
    size_t started;         /* jobs started */
} tally;

static int count_job(size_t k, size_t w, void *payload)
{
    tally *t = payload;

    pthread_mutex_lock(&t->lock);
    t->runs[k]++;
    t->worker[k] = w;
    t->started++;
    pthread_mutex_unlock(&t->lock);
    return k == t->fail_at ? HM_EPARSE : HM_OK;
}

static void test_pool__every_job_once(void)
{
    static tally t;
    size_t k, failed = 99, nworkers = 4;
    int ok = 1;

    memset(&t, 0, sizeof(t));
    pthread_mutex_init(&t.lock, NULL);
    t.fail_at = NJOBS;
    CU_ASSERT_EQUAL(hm_pool__run(nworkers, NJOBS, count_job, &t, &failed), HM_OK);
    CU_ASSERT_EQUAL(failed, 0);
    for (k = 0; k < NJOBS; k++)
        ok &= t.runs[k] == 1 && t.worker[k] < nworkers;
    CU_ASSERT(ok);
    /* No job: nothing runs. */
    t.started = 0;
    CU_ASSERT_EQUAL(hm_pool__run(nworkers, 0, count_job, &t, &failed), HM_OK);
    CU_ASSERT_EQUAL(t.started, 0);
    pthread_mutex_destroy(&t.lock);
}

static void test_pool__failure_stops(void)
{
    static tally t;
    size_t k, failed = 99, nworkers = 3;
    int ok = 1;

    memset(&t, 0, sizeof(t));
    pthread_mutex_init(&t.lock, NULL);
    t.fail_at = 100;
    CU_ASSERT_EQUAL(hm_pool__run(nworkers, NJOBS, count_job, &t, &failed), HM_EPARSE);
    CU_ASSERT_EQUAL(failed, t.worker[100]);
    /* Jobs are handed out in order, each at most once: those before the failing one ran.
     * (How many started after it depends on the threads' timing.) */
    for (k = 0; k < NJOBS; k++)
        ok &= k <= 100 ? t.runs[k] == 1 : t.runs[k] <= 1;
    CU_ASSERT(ok);
    /* One worker: the calling thread alone, in order, stopping at once. */
    memset(t.runs, 0, sizeof(t.runs));
    t.started = 0;
    CU_ASSERT_EQUAL(hm_pool__run(1, NJOBS, count_job, &t, &failed), HM_EPARSE);
    CU_ASSERT_EQUAL(failed, 0);
    CU_ASSERT_EQUAL(t.started, 101);
    pthread_mutex_destroy(&t.lock);
}

static void test_pool__threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t expect = cores > 64 ? 64 : (size_t)cores;

    CU_ASSERT_EQUAL(hm_pool__threads(3, 10), 3);
    CU_ASSERT_EQUAL(hm_pool__threads(3, 2), 2);    /* no more workers than jobs */
    CU_ASSERT_EQUAL(hm_pool__threads(1000, 5000), HM_POOL_MAX_THREADS);
    CU_ASSERT_EQUAL(hm_pool__threads(0, 5000), expect); /* one per core */
    CU_ASSERT_EQUAL(hm_pool__threads(0, 1), 1);
    CU_ASSERT_EQUAL(hm_pool__threads(4, 0), 4);    /* no jobs: the request stands */
}

void hm_test_pool_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_pool__every_job_once", test_pool__every_job_once},
        {"test_pool__failure_stops", test_pool__failure_stops},
        {"test_pool__threads", test_pool__threads},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("pool", tests);
}
