/* SPDX-License-Identifier: MIT */
/*
 * The one way jobs are spread over threads (the readers' files, the
 * pyramids' tiles): workers take job numbers from a shared counter, in
 * order, until none is left or a job failed. The calling thread is worker
 * 0, so one worker means no thread at all.
 */
#ifndef HM_CORE_POOL_INT_H
#define HM_CORE_POOL_INT_H

#include <stddef.h>

/* Most workers a pool runs. */
#define HM_POOL_MAX_THREADS 64

/* Workers for njobs jobs: `wanted` when > 0, else one per core; at least 1, at most
 * HM_POOL_MAX_THREADS and (when njobs > 0) njobs. */
size_t hm_pool__threads(int wanted, size_t njobs);

/* Job k, run by worker w (0 .. nworkers - 1): HM_OK, or a code that stops the pool. */
typedef int (*hm_pool_job_fn)(size_t k, size_t w, void *payload);

/*
 * Run jobs 0 .. njobs - 1 on nworkers workers (capped at HM_POOL_MAX_THREADS; fewer when
 * a thread cannot be started). After a failure no job starts; those running finish.
 * Returns HM_OK, or the code of the first job that failed with *failed set to its worker
 * (whose context, when the caller keeps one per worker, holds the error).
 */
int hm_pool__run(size_t nworkers, size_t njobs, hm_pool_job_fn job, void *payload,
                 size_t *failed);

#endif /* HM_CORE_POOL_INT_H */
