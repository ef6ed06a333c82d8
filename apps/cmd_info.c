/* SPDX-License-Identifier: MIT */
/*
 * `heatmap info PATH [--json]`: what the engine reads from a folder, one line
 * per activity file plus totals. It is the user's first check that an export
 * is understood, so every skipped file is listed with its reason, and the
 * JSON form is a stable, documented document (README.md) for scripts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <heatmap.h>

#include "cmd.h"

/* Everything `info` reports about one file, summed over its activities. */
typedef struct file_info {
    const char *path;     /* borrowed from the file */
    const char *format;   /* "gpx", "tcx", "fit" */
    char sport[128];      /* distinct sports joined by ',' */
    double start;         /* earliest start, s since epoch; NaN when unknown */
    size_t activities;    /* activities in the file */
    size_t points;        /* points with a position */
    size_t records;       /* all points, with or without position */
    int has_time, has_hr, has_cadence, has_power;
    double distance;      /* m */
    double duration;      /* s, summed over activities with times; NaN when none */
    const hm_error *error; /* why the file was skipped, or NULL */
} file_info;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: heatmap info PATH [--json] [--threads N]\n"
            "\n"
            "Read every .gpx/.tcx/.fit file (optionally .gz) below PATH (a folder, a\n"
            "single file, or any GDAL virtual path such as /vsizip/export.zip) and\n"
            "print one line per file and the totals.\n"
            "\n"
            "  --json        print one JSON document instead (see README.md)\n"
            "  --threads N   worker threads (default: one per core)\n"
            "\n"
            "Exit status: 0 when the folder was read (even if some files were\n"
            "skipped), 1 on failure, 2 on a usage error.\n");
}

static void format_time(double t, char *buf, size_t size)
{
    time_t secs;
    struct tm tm;

    if (isnan(t) || size == 0) {
        if (size)
            buf[0] = '\0';
        return;
    }
    secs = (time_t)floor(t + 0.5);
    if (!gmtime_r(&secs, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        buf[0] = '\0';
}

static void format_duration(double s, char *buf, size_t size)
{
    long t;

    if (isnan(s)) {
        snprintf(buf, size, "-");
        return;
    }
    t = (long)floor(s + 0.5);
    snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}


static void add_sport(file_info *fi, const char *sport)
{
    size_t len = strlen(fi->sport), slen = strlen(sport);
    const char *p = fi->sport;

    if (!slen)
        return;
    while ((p = strstr(p, sport)) != NULL) { /* already listed? */
        if ((p == fi->sport || p[-1] == ',') && (p[slen] == '\0' || p[slen] == ','))
            return;
        p += slen;
    }
    if (len + slen + 2 > sizeof(fi->sport))
        return;
    if (len)
        fi->sport[len++] = ',';
    memcpy(fi->sport + len, sport, slen + 1);
}

static void summarize(const hm_file *f, file_info *fi)
{
    size_t i;

    memset(fi, 0, sizeof(*fi));
    fi->path = hm_file_get_path(f);
    fi->format = hm_format_get_name(hm_file_get_format(f));
    fi->start = NAN;
    fi->duration = NAN;
    fi->error = hm_file_get_error(f);
    fi->activities = hm_file_get_activity_count(f);
    for (i = 0; i < fi->activities; i++) {
        const hm_activity *a = hm_file_get_activity(f, i);
        hm_activity_summary s;
        double start = hm_activity_get_start_time(a);

        hm_activity_get_summary(a, &s);
        add_sport(fi, hm_activity_get_sport(a));
        if (!isnan(start) && (isnan(fi->start) || start < fi->start))
            fi->start = start;
        fi->points += s.points_with_pos;
        fi->records += s.points;
        fi->has_time |= s.has_time;
        fi->has_hr |= s.has_hr;
        fi->has_cadence |= s.has_cadence;
        fi->has_power |= s.has_power;
        fi->distance += s.distance;
        if (!isnan(s.duration))
            fi->duration = (isnan(fi->duration) ? 0.0 : fi->duration) + s.duration;
    }
}

static void print_text_line(const hm_file *f, const file_info *fi)
{
    char start[32], dur[32], msg[2048];
    size_t i, nw = hm_file_get_warning_count(f);

    if (fi->error) {
        hm_error_format(msg, sizeof(msg), fi->error, 0);
        printf("%s  %s  skipped: %s\n", fi->path, fi->format, msg);
        return;
    }
    format_time(fi->start, start, sizeof(start));
    format_duration(fi->duration, dur, sizeof(dur));
    printf("%s  %s  %s  %s  %zu pts  %c%c%c%c  %.2f km  %s", fi->path, fi->format,
           fi->sport[0] ? fi->sport : "-", start[0] ? start : "-", fi->points,
           fi->has_time ? 'T' : '-', fi->has_hr ? 'H' : '-', fi->has_cadence ? 'C' : '-',
           fi->has_power ? 'P' : '-', fi->distance / 1000.0, dur);
    for (i = 0; i < nw; i++) {
        hm_error_format(msg, sizeof(msg), hm_file_get_warning(f, i), 0);
        printf("%s warning: %s", i ? ";" : " ", msg);
    }
    putchar('\n');
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void json_number_or_null(double v, const char *fmt)
{
    if (isnan(v))
        fputs("null", stdout);
    else
        printf(fmt, v);
}

static void print_json_file(const hm_file *f, const file_info *fi, int first)
{
    char start[32], msg[2048];
    size_t i, nw = hm_file_get_warning_count(f);

    format_time(fi->start, start, sizeof(start));
    printf("%s\n    {\"path\": ", first ? "" : ",");
    json_string(fi->path);
    printf(", \"format\": \"%s\", \"sport\": ", fi->format);
    json_string(fi->sport);
    fputs(", \"start\": ", stdout);
    if (start[0])
        json_string(start);
    else
        fputs("null", stdout);
    printf(", \"activities\": %zu, \"points\": %zu, \"records\": %zu", fi->activities,
           fi->points, fi->records);
    printf(", \"has_time\": %s, \"has_hr\": %s, \"has_cadence\": %s, \"has_power\": %s",
           fi->has_time ? "true" : "false", fi->has_hr ? "true" : "false",
           fi->has_cadence ? "true" : "false", fi->has_power ? "true" : "false");
    fputs(", \"distance_m\": ", stdout);
    json_number_or_null(fi->error ? NAN : fi->distance, "%.2f");
    fputs(", \"duration_s\": ", stdout);
    json_number_or_null(fi->duration, "%.0f");
    fputs(", \"warnings\": [", stdout);
    for (i = 0; i < nw; i++) {
        hm_error_format(msg, sizeof(msg), hm_file_get_warning(f, i), 0);
        if (i)
            fputs(", ", stdout);
        json_string(msg);
    }
    fputs("], \"error\": ", stdout);
    if (fi->error) {
        hm_error_format(msg, sizeof(msg), fi->error, 0);
        json_string(msg);
    } else {
        fputs("null", stdout);
    }
    putchar('}');
}

int hm_cmd_info(int argc, char **argv)
{
    hm_read_options opts = HM_READ_OPTIONS_INIT;
    const char *path = NULL;
    hm_collection *coll = NULL;
    hm_ctx *ctx = NULL;
    size_t i, n, nskipped = 0, nacts = 0, npoints = 0, nwarned = 0;
    int json = 0, rc;

    for (i = 1; i < (size_t)argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < (size_t)argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 64) {
                hm_app_error("info: --threads takes a number from 1 to 64");
                return HM_EXIT_USAGE;
            }
            opts.threads = (int)v;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return HM_EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            hm_app_error("info: unknown option '%s'", argv[i]);
            usage(stderr);
            return HM_EXIT_USAGE;
        } else if (!path) {
            path = argv[i];
        } else {
            hm_app_error("info: only one PATH may be given");
            return HM_EXIT_USAGE;
        }
    }
    if (!path) {
        usage(stderr);
        return HM_EXIT_USAGE;
    }
    if (hm_ctx_new(&ctx, NULL) != HM_OK) {
        hm_app_error("out of memory");
        return HM_EXIT_ERROR;
    }
    rc = hm_collection_read(&coll, ctx, path, &opts);
    if (rc != HM_OK) {
        char msg[2048];
        hm_error_format(msg, sizeof(msg), hm_ctx_last_error(ctx), 0);
        hm_app_error("%s", msg);
        hm_ctx_free(ctx);
        return HM_EXIT_ERROR;
    }
    n = hm_collection_get_file_count(coll);
    if (json)
        fputs("{\n  \"files\": [", stdout);
    for (i = 0; i < n; i++) {
        const hm_file *f = hm_collection_get_file(coll, i);
        file_info fi;

        summarize(f, &fi);
        if (fi.error)
            nskipped++;
        if (hm_file_get_warning_count(f))
            nwarned++;
        nacts += fi.activities;
        npoints += fi.points;
        if (json)
            print_json_file(f, &fi, i == 0);
        else
            print_text_line(f, &fi);
    }
    if (json)
        printf("\n  ],\n  \"totals\": {\"files\": %zu, \"read_files\": %zu, \"skipped_files\": "
               "%zu, \"files_with_warnings\": %zu, \"activities\": %zu, \"points\": %zu}\n}\n",
               n, n - nskipped, nskipped, nwarned, nacts, npoints);
    else
        printf("total: %zu files (%zu read, %zu skipped, %zu with warnings), %zu activities, "
               "%zu points with a position\n",
               n, n - nskipped, nskipped, nwarned, nacts, npoints);
    hm_collection_free(coll);
    hm_ctx_free(ctx);
    return HM_EXIT_OK;
}
