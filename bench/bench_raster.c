/* SPDX-License-Identifier: MIT */
/*
 * hm_bench_raster: what a GDAL client feels, through the public API only.
 * Opens a folder (cold: read, clean, project, index), opens it again in the
 * same process (the cache), then renders random data-covered blocks at
 * level 0 and at each overview level and reports median, p99 and max per
 * level, and times hm_raster_query_block() on blocks that hold nothing.
 * Blocks are drawn with a fixed seed, so runs compare.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <heatmap.h>

#define BLOCK 256
#define MAX_ENUM 4000000 /* blocks enumerated per level before sampling instead */

/* Block times: wall clock, or with --cpu-time the thread's CPU time (steadier on a shared
 * machine, where other processes take the CPU away mid-block). */
static clockid_t block_clock = CLOCK_MONOTONIC;

static double clock_s(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

static double block_now_s(void)
{
    return clock_s(block_clock);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void usage(FILE *out)
{
    fputs("usage: hm_bench_raster DIR [--blocks N] [--threads T] [--cpu-time]\n"
          "                          [--option KEY=VALUE]...\n"
          "  --blocks N   data-covered blocks rendered per level (default 200)\n"
          "  --threads T  render threads for the throughput figure (default 2; 0 skips it)\n"
          "  --cpu-time   time blocks in thread CPU time instead of wall time\n"
          "  --option K=V any open option (ZOOM=15, SRS=..., THREADS=...)\n",
          out);
}

static int fail(hm_ctx *ctx, const char *what)
{
    const hm_error *e = hm_ctx_last_error(ctx);

    fprintf(stderr, "hm_bench_raster: %s: %s%s%s\n", what, e && e->path[0] ? e->path : "",
            e && e->path[0] ? ": " : "", e ? e->message : "failed");
    return 1;
}

typedef struct job {
    const hm_raster *raster; /* shared, read-only */
    const int *blocks;       /* level, x, y triples */
    size_t n;                /* triples */
    size_t next;             /* next triple to render; guarded by lock */
    pthread_mutex_t lock;    /* guards next */
    int rc;                  /* first failure */
} job;

static void *render_worker(void *arg)
{
    job *j = arg;
    float *mem = malloc((size_t)HM_BAND_MAX * BLOCK * BLOCK * sizeof(float));
    float *bands[HM_BAND_MAX];
    hm_ctx *ctx;
    int b;

    if (!mem || hm_ctx_new(&ctx, NULL) != HM_OK) {
        free(mem);
        j->rc = HM_ENOMEM;
        return NULL;
    }
    for (b = 0; b < HM_BAND_MAX; b++)
        bands[b] = mem + (size_t)b * BLOCK * BLOCK;
    for (;;) {
        size_t i;
        pthread_mutex_lock(&j->lock);
        i = j->next++;
        pthread_mutex_unlock(&j->lock);
        if (i >= j->n)
            break;
        if (hm_raster_render_block(j->raster, ctx, j->blocks[3 * i], j->blocks[3 * i + 1],
                                   j->blocks[3 * i + 2], bands) != HM_OK)
            j->rc = HM_ERROR;
    }
    hm_ctx_free(ctx);
    free(mem);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    int nblocks = 200, nthreads = 2, i, level;
    hm_ctx *ctx, *ctx2;
    hm_spec *spec;
    hm_raster *r, *r2;
    hm_grid_info g;
    hm_raster_stats st;
    double t, t_cold, t_warm;
    float *mem, *bands[HM_BAND_MAX];
    int *all = NULL;
    size_t nall = 0, capall = 0;

    if (hm_ctx_new(&ctx, NULL) != HM_OK || hm_ctx_new(&ctx2, NULL) != HM_OK ||
        hm_spec_new(&spec, ctx) != HM_OK)
        return 1;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--blocks") == 0 && i + 1 < argc) {
            nblocks = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            nthreads = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--cpu-time") == 0) {
            block_clock = CLOCK_THREAD_CPUTIME_ID;
        } else if (strcmp(argv[i], "--option") == 0 && i + 1 < argc) {
            char key[64];
            const char *eq = strchr(argv[++i], '=');
            if (!eq || (size_t)(eq - argv[i]) >= sizeof(key)) {
                usage(stderr);
                return 2;
            }
            memcpy(key, argv[i], (size_t)(eq - argv[i]));
            key[eq - argv[i]] = '\0';
            if (hm_spec_set(spec, key, eq + 1) != HM_OK)
                return fail(ctx, argv[i]);
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] != '-' && !dir) {
            dir = argv[i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!dir || nblocks < 1) {
        usage(stderr);
        return 2;
    }
    if (hm_spec_set_path(spec, dir) != HM_OK)
        return fail(ctx, dir);

    t = now_s();
    if (hm_raster_open(&r, ctx, spec) != HM_OK)
        return fail(ctx, "open");
    t_cold = now_s() - t;
    t = now_s();
    if (hm_raster_open(&r2, ctx2, spec) != HM_OK)
        return fail(ctx2, "second open");
    t_warm = now_s() - t;
    hm_raster_get_grid(r, &g);
    hm_raster_get_stats(r, &st);
    printf("folder        %s\n", dir);
    printf("files         %zu (%zu skipped)\n", st.files, st.skipped_files);
    printf("activities    %zu\n", st.activities);
    printf("points        %zu\n", st.points);
    printf("grid          %s zoom %d, %d x %d px, %.6g units/px, %d levels\n", g.srs, g.zoom,
           g.width, g.height, g.resolution, g.level_count);
    printf("open cold     %.3f s\n", t_cold);
    {
        hm_source_update u;
        hm_source_get_update(hm_raster_get_source(r2), &u);
        printf("open again    %.3f ms (store %s)\n", t_warm * 1e3,
               u.state == HM_STORE_CURRENT ? "current, nothing read" : "NOT current");
    }
    hm_raster_free(r2);

    mem = malloc((size_t)HM_BAND_MAX * BLOCK * BLOCK * sizeof(float));
    if (!mem)
        return 1;
    for (i = 0; i < HM_BAND_MAX; i++)
        bands[i] = mem + (size_t)i * BLOCK * BLOCK;

    printf("\n%-6s %10s %9s %9s %10s %10s %10s%s\n", "level", "size", "blocks", "covered",
           "median ms", "p99 ms", "max ms",
           block_clock == CLOCK_MONOTONIC ? "" : "   (thread CPU time)");
    for (level = 0; level < g.level_count; level++) {
        int w, h, bw, bh, n = 0, k;
        size_t total, covered = 0, empty_q = 0;
        int *cand = NULL;
        size_t ncand = 0, capcand = 0;
        double *times, q_time = 0.0;

        hm_raster_get_level_size(r, level, &w, &h);
        bw = (w + BLOCK - 1) / BLOCK;
        bh = (h + BLOCK - 1) / BLOCK;
        total = (size_t)bw * (size_t)bh;
        /* Data-covered blocks: enumerate (timing the empty answers), or sample when huge. */
        for (k = 0; k < (total <= MAX_ENUM ? (int)total : MAX_ENUM); k++) {
            int bx, by, yes;
            if (total <= MAX_ENUM) {
                bx = k % bw;
                by = k / bw;
            } else {
                bx = (int)(next_rand() % (uint64_t)bw);
                by = (int)(next_rand() % (uint64_t)bh);
            }
            t = now_s();
            yes = hm_raster_query_block(r, level, bx, by);
            t = now_s() - t;
            if (!yes) {
                q_time += t;
                empty_q++;
                continue;
            }
            covered++;
            if (ncand == capcand) {
                capcand = capcand ? 2 * capcand : 1024;
                cand = realloc(cand, capcand * 2 * sizeof(int));
                if (!cand)
                    return 1;
            }
            cand[2 * ncand] = bx;
            cand[2 * ncand + 1] = by;
            ncand++;
        }
        if (!ncand) {
            printf("%-6d %4dx%-5d %9zu %9zu %10s\n", level, w, h, total, covered, "-");
            free(cand);
            continue;
        }
        times = malloc((size_t)nblocks * sizeof(double));
        if (!times)
            return 1;
        for (n = 0; n < nblocks; n++) {
            size_t c = (size_t)(next_rand() % ncand);
            if (nall == capall) {
                capall = capall ? 2 * capall : 1024;
                all = realloc(all, capall * 3 * sizeof(int));
                if (!all)
                    return 1;
            }
            all[3 * nall] = level;
            all[3 * nall + 1] = cand[2 * c];
            all[3 * nall + 2] = cand[2 * c + 1];
            nall++;
            t = block_now_s();
            if (hm_raster_render_block(r, ctx, level, cand[2 * c], cand[2 * c + 1], bands) != HM_OK)
                return fail(ctx, "render");
            times[n] = block_now_s() - t;
        }
        qsort(times, (size_t)nblocks, sizeof(double), cmp_double);
        printf("%-6d %4dx%-5d %9zu %9zu %10.3f %10.3f %10.3f", level, w, h, total, covered,
               times[nblocks / 2] * 1e3, times[(size_t)(nblocks * 0.99)] * 1e3,
               times[nblocks - 1] * 1e3);
        if (empty_q)
            printf("   empty query %.2f us", q_time / (double)empty_q * 1e6);
        printf("\n");
        free(times);
        free(cand);
    }

    if (nthreads > 0 && nall) {
        pthread_t tids[64];
        job j;
        int started = 0;

        memset(&j, 0, sizeof(j));
        j.raster = r;
        j.blocks = all;
        j.n = nall;
        pthread_mutex_init(&j.lock, NULL);
        if (nthreads > 64)
            nthreads = 64;
        t = now_s();
        for (i = 0; i < nthreads; i++)
            if (pthread_create(&tids[i], NULL, render_worker, &j) == 0)
                started++;
        for (i = 0; i < started; i++)
            pthread_join(tids[i], NULL);
        t = now_s() - t;
        pthread_mutex_destroy(&j.lock);
        printf("\n%d threads: %zu blocks (all levels) in %.3f s: %.0f blocks/s%s\n", started, nall,
               t, (double)nall / t, j.rc ? " (ERRORS)" : "");
    }
    free(all);
    free(mem);
    hm_raster_free(r);
    hm_spec_free(spec);
    hm_ctx_free(ctx2);
    hm_ctx_free(ctx);
    return 0;
}
