/* SPDX-License-Identifier: MIT */
/* Jobs over threads (see pool_int.h). */
#include <pthread.h>
#include <unistd.h>

#include "core/ctx_int.h"
#include "core/pool_int.h"

typedef struct pool {
    hm_pool_job_fn job;
    void *payload;
    size_t njobs;
    pthread_mutex_t lock; /* guards next, rc and failed */
    size_t next;          /* the next job to hand out */
    int rc;               /* the first failure, or HM_OK */
    size_t failed;        /* its worker */
} pool;

typedef struct pool_worker {
    pool *p;
    size_t w;
} pool_worker;

size_t hm_pool__threads(int wanted, size_t njobs)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t t = wanted > 0 ? (size_t)wanted : cores > 0 ? (size_t)cores : 1;

    if (t > HM_POOL_MAX_THREADS)
        t = HM_POOL_MAX_THREADS;
    if (njobs && t > njobs)
        t = njobs;
    return t;
}

static void *work(void *arg)
{
    pool_worker *pw = arg;
    pool *p = pw->p;

    for (;;) {
        size_t k;
        int rc;

        pthread_mutex_lock(&p->lock);
        k = p->rc == HM_OK ? p->next++ : p->njobs;
        pthread_mutex_unlock(&p->lock);
        if (k >= p->njobs)
            break;
        if ((rc = p->job(k, pw->w, p->payload)) != HM_OK) {
            pthread_mutex_lock(&p->lock);
            if (p->rc == HM_OK) {
                p->rc = rc;
                p->failed = pw->w;
            }
            pthread_mutex_unlock(&p->lock);
            break;
        }
    }
    return NULL;
}

int hm_pool__run(size_t nworkers, size_t njobs, hm_pool_job_fn job, void *payload,
                 size_t *failed)
{
    pool p;
    pool_worker pws[HM_POOL_MAX_THREADS];
    pthread_t tids[HM_POOL_MAX_THREADS];
    size_t started = 0, i;

    *failed = 0;
    if (njobs == 0)
        return HM_OK;
    if (nworkers < 1)
        nworkers = 1;
    if (nworkers > HM_POOL_MAX_THREADS)
        nworkers = HM_POOL_MAX_THREADS;
    p.job = job;
    p.payload = payload;
    p.njobs = njobs;
    p.next = 0;
    p.rc = HM_OK;
    p.failed = 0;
    pthread_mutex_init(&p.lock, NULL);
    for (i = 0; i < nworkers; i++) {
        pws[i].p = &p;
        pws[i].w = i;
    }
    /* Worker 0 is the calling thread; a thread that cannot start leaves its share to it. */
    for (i = 1; i < nworkers; i++) {
        if (pthread_create(&tids[started], NULL, work, &pws[i]) != 0)
            break;
        started++;
    }
    work(&pws[0]);
    for (i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    pthread_mutex_destroy(&p.lock);
    *failed = p.failed;
    return p.rc;
}
