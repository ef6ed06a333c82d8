/* SPDX-License-Identifier: MIT */
/*
 * slow_blocks: which blocks are slow, and what they hold. Public API only.
 * Opens a folder (its store must be current, or it is built first), then per
 * level renders every data-covered block (hm_raster_query_blocks; a fixed
 * random sample of --max-blocks when there are more) twice: the first pass
 * meets the store's pages cold (page faults of the mapping), the second is
 * the steady cost. Prints per level the median, p99 and max of both passes
 * and the --top slowest blocks of the second pass with what they drew
 * (pixels with data, the sum of the count band = activity-pixels folded,
 * the largest count). With --profile LEVEL it then renders that level's
 * --top slowest blocks --repeat times, for a profiler:
 *
 *   perf record -g -- slow_blocks DIR --profile 0 --top 5 --repeat 200
 *
 * Build (bench/blocks.sh does it):
 *   cc -O2 -g -Iinclude bench/slow_blocks.c build-bench/libheatmap.a \
 *      $(pkg-config --libs gdal libxml-2.0 proj libpng zlib sqlite3) -lpthread -lm
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <heatmap.h>

#define BLOCK 256

static clockid_t block_clock = CLOCK_MONOTONIC;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(block_clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct blk {
    int x, y;
    double first_ms, again_ms;
    long pixels;     /* pixels with count > 0 */
    double count_sum; /* sum of the count band */
    float count_max;
} blk;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int cmp_again_desc(const void *a, const void *b)
{
    double x = ((const blk *)a)->again_ms, y = ((const blk *)b)->again_ms;

    return x > y ? -1 : x < y;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int fail(hm_ctx *ctx, const char *what)
{
    const hm_error *e = hm_ctx_last_error(ctx);

    fprintf(stderr, "slow_blocks: %s: %s%s%s\n", what, e && e->path[0] ? e->path : "",
            e && e->path[0] ? ": " : "", e ? e->message : "failed");
    return 1;
}

static void usage(FILE *out)
{
    fputs("usage: slow_blocks DIR [--option KEY=VALUE]... [--top N] [--max-blocks M]\n"
          "                   [--cpu-time] [--profile LEVEL [--repeat R]]\n"
          "  --top N         slowest blocks listed per level (default 5)\n"
          "  --max-blocks M  covered blocks rendered per level, sampled beyond (default 3000)\n"
          "  --cpu-time      time in thread CPU time instead of wall time\n"
          "  --profile L     afterwards render level L's N slowest blocks R times (default 100)\n",
          out);
}

/* p-quantile of n sorted values (nearest rank, as hm_bench_raster reports p99). */
static double quant(const double *v, size_t n, double p)
{
    size_t i = (size_t)((double)n * p);

    return v[i < n ? i : n - 1];
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    int top = 5, max_blocks = 3000, profile = -1, repeat = 100, i, level;
    hm_ctx *ctx;
    hm_spec *spec;
    hm_raster *r;
    hm_grid_info g;
    float *mem, *bands[HM_BAND_MAX];
    blk *prof = NULL;
    int nprof = 0;

    if (hm_ctx_new(&ctx, NULL) != HM_OK || hm_spec_new(&spec, ctx) != HM_OK)
        return 1;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--top") == 0 && i + 1 < argc) {
            top = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--max-blocks") == 0 && i + 1 < argc) {
            max_blocks = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
            profile = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = atoi(argv[++i]);
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
    if (!dir || top < 1 || max_blocks < 1 || repeat < 1) {
        usage(stderr);
        return 2;
    }
    if (hm_spec_set_path(spec, dir) != HM_OK)
        return fail(ctx, dir);
    if (hm_raster_open(&r, ctx, spec) != HM_OK)
        return fail(ctx, "open");
    hm_raster_get_grid(r, &g);
    printf("grid %s zoom %d, %d x %d px, %d levels; %s\n", g.srs, g.zoom, g.width, g.height,
           g.level_count, block_clock == CLOCK_MONOTONIC ? "wall time" : "thread CPU time");
    {
        hm_raster_stats st;
        int k;
        hm_raster_get_stats(r, &st);
        printf("levels copied from the store's pyramid:");
        for (k = 0; k < g.level_count; k++)
            if (st.pyramid_levels >> k & 1u)
                printf(" %d", k);
        printf("%s; the others are rendered from the tracks\n", st.pyramid_levels ? "" : " none");
    }
    mem = malloc((size_t)HM_BAND_MAX * BLOCK * BLOCK * sizeof(float));
    if (!mem)
        return 1;
    for (i = 0; i < HM_BAND_MAX; i++)
        bands[i] = mem + (size_t)i * BLOCK * BLOCK;

    for (level = 0; level < g.level_count; level++) {
        int *xy = NULL;
        size_t n = 0, k, m;
        blk *b;
        double *t1, *t2;

        if (hm_raster_query_blocks(&xy, &n, r, ctx, level) != HM_OK)
            return fail(ctx, "query blocks");
        if (!n) {
            printf("\nlevel %d: no covered block\n", level);
            hm_ctx_free_mem(ctx, xy);
            continue;
        }
        /* A fixed sample when there are more than max_blocks (partial Fisher-Yates). */
        m = n > (size_t)max_blocks ? (size_t)max_blocks : n;
        for (k = 0; k < m && m < n; k++) {
            size_t j = k + (size_t)(next_rand() % (uint64_t)(n - k));
            int tx = xy[2 * k], ty = xy[2 * k + 1];
            xy[2 * k] = xy[2 * j], xy[2 * k + 1] = xy[2 * j + 1];
            xy[2 * j] = tx, xy[2 * j + 1] = ty;
        }
        b = calloc(m, sizeof(*b));
        t1 = malloc(m * sizeof(double));
        t2 = malloc(m * sizeof(double));
        if (!b || !t1 || !t2)
            return 1;
        for (k = 0; k < m; k++) {
            double t;
            size_t p;
            b[k].x = xy[2 * k];
            b[k].y = xy[2 * k + 1];
            t = now_s();
            if (hm_raster_render_block(r, ctx, level, b[k].x, b[k].y, bands) != HM_OK)
                return fail(ctx, "render");
            b[k].first_ms = (now_s() - t) * 1e3;
            for (p = 0; p < (size_t)BLOCK * BLOCK; p++) {
                float c = bands[HM_BAND_COUNT][p];
                if (c > 0.0f) {
                    b[k].pixels++;
                    b[k].count_sum += c;
                    if (c > b[k].count_max)
                        b[k].count_max = c;
                }
            }
        }
        for (k = 0; k < m; k++) {
            double t = now_s();
            if (hm_raster_render_block(r, ctx, level, b[k].x, b[k].y, bands) != HM_OK)
                return fail(ctx, "render");
            b[k].again_ms = (now_s() - t) * 1e3;
            t1[k] = b[k].first_ms;
            t2[k] = b[k].again_ms;
        }
        qsort(t1, m, sizeof(double), cmp_double);
        qsort(t2, m, sizeof(double), cmp_double);
        qsort(b, m, sizeof(*b), cmp_again_desc);
        printf("\nlevel %d: %zu covered blocks%s\n", level, n,
               m < n ? " (a sample rendered)" : "");
        printf("  first render  median %8.3f  p99 %8.3f  max %8.3f ms\n", quant(t1, m, 0.5),
               quant(t1, m, 0.99), t1[m - 1]);
        printf("  again         median %8.3f  p99 %8.3f  max %8.3f ms\n", quant(t2, m, 0.5),
               quant(t2, m, 0.99), t2[m - 1]);
        printf("  slowest (again): %6s %6s %9s %9s %8s %12s %9s\n", "x", "y", "ms", "first ms",
               "pixels", "count sum", "max count");
        for (k = 0; k < m && k < (size_t)top; k++)
            printf("  %17s %6d %6d %9.3f %9.3f %8ld %12.0f %9.0f\n", "", b[k].x, b[k].y,
                   b[k].again_ms, b[k].first_ms, b[k].pixels, b[k].count_sum,
                   (double)b[k].count_max);
        {
            /* What a median block holds, for comparison. */
            blk *mid = &b[m / 2];
            printf("  a median block: %6d %6d %9.3f %9.3f %8ld %12.0f %9.0f\n", mid->x, mid->y,
                   mid->again_ms, mid->first_ms, mid->pixels, mid->count_sum,
                   (double)mid->count_max);
        }
        if (level == profile) {
            nprof = (int)(m < (size_t)top ? m : (size_t)top);
            prof = malloc((size_t)nprof * sizeof(*prof));
            if (!prof)
                return 1;
            memcpy(prof, b, (size_t)nprof * sizeof(*prof));
        }
        free(b);
        free(t1);
        free(t2);
        hm_ctx_free_mem(ctx, xy);
    }

    if (prof) {
        double t = now_s();
        int rep, k;
        for (rep = 0; rep < repeat; rep++)
            for (k = 0; k < nprof; k++)
                if (hm_raster_render_block(r, ctx, profile, prof[k].x, prof[k].y, bands) != HM_OK)
                    return fail(ctx, "render");
        printf("\nprofile: level %d, %d blocks x %d: %.3f ms a block\n", profile, nprof, repeat,
               (now_s() - t) * 1e3 / (double)(nprof * repeat));
        free(prof);
    }
    free(mem);
    hm_raster_free(r);
    hm_spec_free(spec);
    hm_ctx_free(ctx);
    return 0;
}
