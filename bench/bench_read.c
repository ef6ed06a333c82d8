/* SPDX-License-Identifier: MIT */
/*
 * hm_bench_read: how fast the readers turn a folder into activities, through
 * the public hm_collection_read() only. The folder is read K times and the
 * median, min and max of the wall time are reported as MB/s (bytes on disk,
 * so compressed bytes for .gz) and points/s. A collection reads all formats
 * in one pass on a shared thread pool, so the time of one format inside a
 * mixed folder cannot be separated: per-format rows give files, bytes and
 * points only, and bench/read.sh benchmarks one folder per format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <heatmap.h>

#include "io/xml_util_int.h" /* hm_xml__set_scanner: --libxml2 */

#define NFORMATS 4 /* hm_format values 0..3 */

typedef struct tally {
    size_t files;    /* files found */
    size_t errors;   /* files that could not be read */
    uint64_t bytes;  /* bytes on disk */
    uint64_t points; /* points in all activities */
} tally;

static void usage(FILE *out)
{
    fputs("usage: hm_bench_read DIR [--threads N] [--repeat K] [--libxml2]\n"
          "  --threads N  reader threads, 0 = one per core (default 0)\n"
          "  --repeat K   read the folder K times (default 3)\n"
          "  --libxml2    GPX/TCX by libxml2 alone, without the scanner (src/io/xml_scan.c)\n",
          out);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v;

    if (!s)
        return -1;
    v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static void count(tally *per_format, const hm_collection *coll)
{
    size_t i, j;

    for (i = 0; i < hm_collection_get_file_count(coll); i++) {
        const hm_file *f = hm_collection_get_file(coll, i);
        hm_format fmt = hm_file_get_format(f);
        tally *t = &per_format[(unsigned)fmt < NFORMATS ? (unsigned)fmt : 0];
        struct stat st;

        t->files++;
        if (stat(hm_file_get_path(f), &st) == 0)
            t->bytes += (uint64_t)st.st_size;
        if (hm_file_get_error(f)) {
            t->errors++;
            continue;
        }
        for (j = 0; j < hm_file_get_activity_count(f); j++)
            t->points += hm_activity_get_point_count(hm_file_get_activity(f, j));
    }
}

int main(int argc, char **argv)
{
    hm_read_options opts = HM_READ_OPTIONS_INIT;
    tally per_format[NFORMATS], total;
    const char *dir = NULL, *formats_seen = "";
    char formats_buf[32] = "";
    double *secs, median, mb, tmin, tmax;
    hm_ctx *ctx = NULL;
    int threads = 0, repeat = 3, i, k, nformats = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--threads") == 0) {
            if (parse_int(i + 1 < argc ? argv[++i] : NULL, 0, 1024, &threads))
                goto bad_usage;
        } else if (strcmp(argv[i], "--repeat") == 0) {
            if (parse_int(i + 1 < argc ? argv[++i] : NULL, 1, 1000, &repeat))
                goto bad_usage;
        } else if (strcmp(argv[i], "--libxml2") == 0) {
            hm_xml__set_scanner(0);
        } else if (argv[i][0] == '-' || dir) {
            goto bad_usage;
        } else {
            dir = argv[i];
        }
    }
    if (!dir)
        goto bad_usage;
    opts.threads = threads;
    secs = calloc((size_t)repeat, sizeof(double));
    if (!secs || hm_ctx_new(&ctx, NULL) != HM_OK) {
        fprintf(stderr, "hm_bench_read: out of memory\n");
        return 1;
    }
    memset(per_format, 0, sizeof(per_format));
    for (k = 0; k < repeat; k++) {
        hm_collection *coll = NULL;
        double t0 = now_s();
        int rc = hm_collection_read(&coll, ctx, dir, &opts);

        secs[k] = now_s() - t0;
        if (rc != HM_OK) {
            const hm_error *e = hm_ctx_last_error(ctx);
            fprintf(stderr, "hm_bench_read: %s: %s\n", dir, e ? e->message : hm_strerror(rc));
            hm_ctx_free(ctx);
            free(secs);
            return 1;
        }
        if (k == 0)
            count(per_format, coll);
        hm_collection_free(coll);
    }

    memset(&total, 0, sizeof(total));
    printf("hm_bench_read %s  threads=%d repeat=%d\n\n", dir, threads, repeat);
    printf("%-8s %8s %7s %14s %12s\n", "format", "files", "errors", "bytes", "points");
    for (i = 0; i < NFORMATS; i++) {
        const tally *t = &per_format[i];
        if (!t->files)
            continue;
        printf("%-8s %8lu %7lu %14llu %12llu\n", hm_format_get_name((hm_format)i),
               (unsigned long)t->files, (unsigned long)t->errors, (unsigned long long)t->bytes,
               (unsigned long long)t->points);
        total.files += t->files;
        total.errors += t->errors;
        total.bytes += t->bytes;
        total.points += t->points;
        if (i != HM_FORMAT_UNKNOWN && strlen(formats_buf) + 5 < sizeof(formats_buf)) {
            if (nformats++)
                strcat(formats_buf, ",");
            strcat(formats_buf, hm_format_get_name((hm_format)i));
        }
    }
    formats_seen = nformats ? formats_buf : "none";
    printf("%-8s %8lu %7lu %14llu %12llu\n\n", "total", (unsigned long)total.files,
           (unsigned long)total.errors, (unsigned long long)total.bytes,
           (unsigned long long)total.points);

    qsort(secs, (size_t)repeat, sizeof(double), cmp_double);
    tmin = secs[0];
    tmax = secs[repeat - 1];
    median = repeat % 2 ? secs[repeat / 2] : 0.5 * (secs[repeat / 2 - 1] + secs[repeat / 2]);
    mb = (double)total.bytes / 1e6;
    if (nformats > 1)
        printf("(mixed folder: the rates below are for all formats together)\n");
    printf("%-10s %12s %12s %12s\n", "", "median", "best", "worst");
    printf("%-10s %12.3f %12.3f %12.3f\n", "seconds", median, tmin, tmax);
    printf("%-10s %12.1f %12.1f %12.1f\n", "MB/s", mb / median, mb / tmin, mb / tmax);
    printf("%-10s %12.0f %12.0f %12.0f\n", "points/s", (double)total.points / median,
           (double)total.points / tmin, (double)total.points / tmax);
    /* One line for scripts (bench/read.sh). */
    printf("\nRESULT formats=%s threads=%d repeat=%d files=%lu errors=%lu bytes=%llu points=%llu "
           "seconds_median=%.6f seconds_min=%.6f seconds_max=%.6f mb_s=%.3f points_s=%.0f\n",
           formats_seen, threads, repeat, (unsigned long)total.files, (unsigned long)total.errors,
           (unsigned long long)total.bytes, (unsigned long long)total.points, median, tmin, tmax,
           mb / median, (double)total.points / median);
    hm_ctx_free(ctx);
    free(secs);
    return total.errors ? 1 : 0;

bad_usage:
    usage(stderr);
    return 2;
}
