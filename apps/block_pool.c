/* SPDX-License-Identifier: MIT */
/*
 * A fixed pool of render workers over a list of blocks. Work is handed out
 * one block at a time from a counter under a mutex: blocks differ a lot in
 * cost (a city centre against a lone track), so static partitioning would
 * leave a core idle. The main thread is one of the workers. The progress
 * bar is redrawn at most ten times a second, by whichever worker finishes a
 * block, under the same mutex.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block_pool.h"
#include "spec_args.h"

#define HM_APP_BAR_WIDTH 30

typedef struct pool {
    const hm_app_pool_job *job;
    pthread_mutex_t lock; /* guards everything below */
    size_t next;          /* next block to hand out */
    size_t done;          /* blocks finished */
    size_t drawn;         /* finished blocks that were not empty */
    int failed;           /* set once; workers then stop taking blocks */
    char err[1024];       /* first error */
    double last_draw;     /* s, monotonic: last progress redraw */
} pool;

int hm_app_pixels_empty(const uint8_t *pixels, size_t count, int bytes_per_pixel)
{
    size_t i;

    if (bytes_per_pixel == 4) {
        for (i = 0; i < count; i++)
            if (pixels[4 * i + 3])
                return 0;
        return 1;
    }
    for (i = 0; i < count; i++)
        if (pixels[i])
            return 0;
    return 1;
}

/* Called with the lock held. */
static void draw_progress(pool *p, int final)
{
    const hm_app_pool_job *job = p->job;
    double now = hm_app_now(), frac;
    char bar[HM_APP_BAR_WIDTH + 1];
    int i, fill;

    if (!job->progress || (!final && now - p->last_draw < 0.1))
        return;
    p->last_draw = now;
    frac = job->count ? (double)p->done / (double)job->count : 1.0;
    fill = (int)(frac * HM_APP_BAR_WIDTH + 0.5);
    for (i = 0; i < HM_APP_BAR_WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[HM_APP_BAR_WIDTH] = '\0';
    fprintf(stderr, "\r%s [%s] %zu/%zu %3.0f%%", job->progress, bar, p->done, job->count,
            frac * 100.0);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

static void fail(pool *p, const char *msg)
{
    pthread_mutex_lock(&p->lock);
    if (!p->failed) {
        p->failed = 1;
        snprintf(p->err, sizeof(p->err), "%s", msg);
    }
    pthread_mutex_unlock(&p->lock);
}

static void *worker(void *arg)
{
    pool *p = arg;
    const hm_app_pool_job *job = p->job;
    size_t npix = (size_t)job->block_size * (size_t)job->block_size;
    uint8_t *buf = malloc(npix * (size_t)job->bytes_per_pixel);
    hm_ctx *ctx = NULL;
    char msg[1024];

    if (!buf || hm_ctx_new(&ctx, NULL) != HM_OK) {
        fail(p, "out of memory");
        free(buf);
        return NULL;
    }
    for (;;) {
        size_t i;
        int bx, by, empty;

        pthread_mutex_lock(&p->lock);
        if (p->failed || p->next >= job->count) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        i = p->next++;
        pthread_mutex_unlock(&p->lock);
        bx = job->blocks[2 * i];
        by = job->blocks[2 * i + 1];
        if (hm_style_render_block(job->style, job->raster, ctx, job->level, bx, by, buf) !=
            HM_OK) {
            char e[900];
            hm_error_format(e, sizeof(e), hm_ctx_last_error(ctx), 0);
            snprintf(msg, sizeof(msg), "block %d,%d: %s", bx, by, e);
            fail(p, msg);
            break;
        }
        empty = hm_app_pixels_empty(buf, npix, job->bytes_per_pixel);
        if (job->sink(job->payload, ctx, bx, by, buf, empty, msg, sizeof(msg)) != 0) {
            fail(p, msg);
            break;
        }
        pthread_mutex_lock(&p->lock);
        p->done++;
        p->drawn += !empty;
        draw_progress(p, 0);
        pthread_mutex_unlock(&p->lock);
    }
    hm_ctx_free(ctx);
    free(buf);
    return NULL;
}

int hm_app_pool_run(const hm_app_pool_job *job, size_t *drawn, char *err, size_t err_size)
{
    pthread_t tids[64];
    pool p;
    int i, started = 0, n = job->threads < 1 ? 1 : job->threads > 64 ? 64 : job->threads;

    memset(&p, 0, sizeof(p));
    p.job = job;
    p.last_draw = -1.0;
    pthread_mutex_init(&p.lock, NULL);
    if ((size_t)n > job->count)
        n = job->count ? (int)job->count : 1;
    for (i = 1; i < n; i++) {
        if (pthread_create(&tids[started], NULL, worker, &p) != 0)
            break; /* fewer workers is still correct */
        started++;
    }
    worker(&p);
    for (i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    if (!p.failed)
        draw_progress(&p, 1);
    else if (job->progress)
        fputc('\n', stderr);
    pthread_mutex_destroy(&p.lock);
    *drawn = p.drawn;
    if (p.failed) {
        snprintf(err, err_size, "%s", p.err);
        return -1;
    }
    return 0;
}
