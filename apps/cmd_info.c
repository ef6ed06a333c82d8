/* SPDX-License-Identifier: MIT */
/*
 * `heatmap info SRC [--json]`: what the engine reads from a folder, one line
 * per activity file plus totals. It is the user's first check that an export
 * is understood, so every skipped file is listed with its reason, and the
 * JSON form is a stable, documented document (README.md) for scripts. It
 * reads the source's track store (building or updating it first when files
 * are new or changed), the same store the driver, render and tiles use.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heatmap.h>

#include "cmd.h"
#include "opt.h"
#include "spec_args.h"

#define VERB "info"

typedef struct info_opts {
    const char *source;    /* SRC */
    int json;              /* --json */
    hm_app_spec_args spec; /* --threads, --store */
} info_opts;

/* Everything `info` reports about one file, summed over its activities. */
typedef struct file_info {
    const char *path;     /* borrowed from the source */
    const char *format;   /* "gpx", "tcx", "fit" */
    char sport[128];      /* distinct sports joined by ',' */
    const char *name;     /* the first activity's name ("" when none); borrowed */
    double start;         /* earliest start, s since epoch; NaN when unknown */
    size_t activities;    /* activities in the file */
    size_t points;        /* points with a position */
    size_t records;       /* all points, with or without position */
    int has_time, has_hr, has_cadence, has_power;
    double distance;      /* m */
    double duration;      /* s, summed over activities with times; NaN when none */
    const hm_error *error; /* why the file was skipped, or NULL */
    hm_error error_copy;   /* what error points to */
} file_info;

/* clang-format off */
static const hm_app_opt opts[] = {
    {.type = HM_APP_OPT_OPERAND, .name = "SRC", .offset = offsetof(info_opts, source)},
    {.type = HM_APP_OPT_SWITCH, .name = "json", .offset = offsetof(info_opts, json),
     .help = "print one JSON document instead (see README.md)"},
    {.type = HM_APP_OPT_INT, .name = "threads", .value_name = "N", .min = 1, .max = 64,
     .key = "THREADS", .help = "worker threads (default: one per core)"},
    {.type = HM_APP_OPT_VALUE, .name = "store", .value_name = "FILE", .key = "STORE",
     .help = "the track store to use (NO: none; default: the cache folder)"},
    {.type = HM_APP_OPT_END},
};
/* clang-format on */

static const hm_app_command command = {
    VERB, opts,
    "List every .gpx/.tcx/.fit file (optionally .gz) below SRC (a folder, a\n"
    "single file, any GDAL virtual path such as /vsizip/export.zip, a descriptor\n"
    "file or a HEATMAP: string) and print one line per file and the totals.\n"
    "Files are read once into the source's track store (see heatmap index).\n",
    "Exit status: 0 when the folder was read (even if some files were\n"
    "skipped), 1 on failure, 2 on a usage error.\n"};

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

static void summarize(const hm_source *src, size_t file, file_info *fi)
{
    hm_source_file f;
    size_t i;

    hm_source_get_file(src, file, &f);
    memset(fi, 0, sizeof(*fi));
    fi->path = f.path;
    fi->format = hm_format_get_name(f.format);
    fi->start = NAN;
    fi->duration = NAN;
    fi->error_copy = f.error;
    fi->error = f.error.code != HM_OK ? &fi->error_copy : NULL;
    fi->activities = f.activity_count;
    fi->name = "";
    for (i = 0; i < f.activity_count; i++) {
        hm_source_activity a;

        hm_source_get_activity(src, f.activity_first + i, &a);
        add_sport(fi, a.sport);
        if (i == 0)
            fi->name = a.name;
        if (!isnan(a.start_time) && (isnan(fi->start) || a.start_time < fi->start))
            fi->start = a.start_time;
        fi->points += a.points_with_pos;
        fi->records += a.points;
        fi->has_time |= a.has_time;
        fi->has_hr |= a.has_hr;
        fi->has_cadence |= a.has_cadence;
        fi->has_power |= a.has_power;
        fi->distance += a.distance;
        if (!isnan(a.duration))
            fi->duration = (isnan(fi->duration) ? 0.0 : fi->duration) + a.duration;
    }
}

/* The file of activity i. */
static const char *activity_path(const hm_source *src, size_t i)
{
    hm_source_activity a;
    hm_source_file f;

    hm_source_get_activity(src, i, &a);
    hm_source_get_file(src, a.file, &f);
    return f.path;
}

static void print_text_line(const hm_source *src, size_t file, const file_info *fi)
{
    char start[32], dur[32], msg[2048];
    hm_source_file f;
    hm_error w;
    size_t i, nw;

    hm_source_get_file(src, file, &f);
    nw = f.warning_count;

    if (fi->error) {
        hm_error_format(msg, sizeof(msg), fi->error, 0);
        printf("%s  %s  skipped: %s\n", fi->path, fi->format, msg);
        return;
    }
    hm_time_format_iso8601(start, sizeof(start), fi->start);
    format_duration(fi->duration, dur, sizeof(dur));
    printf("%s  %s  %s  %s  %zu pts  %c%c%c%c  %.2f km  %s", fi->path, fi->format,
           fi->sport[0] ? fi->sport : "-", start[0] ? start : "-", fi->points,
           fi->has_time ? 'T' : '-', fi->has_hr ? 'H' : '-', fi->has_cadence ? 'C' : '-',
           fi->has_power ? 'P' : '-', fi->distance / 1000.0, dur);
    for (i = 0; i < nw; i++) {
        hm_source_get_warning(src, file, i, &w);
        hm_error_format(msg, sizeof(msg), &w, 0);
        printf("%s warning: %s", i ? ";" : " ", msg);
    }
    putchar('\n');
}

/*
 * Print s as a JSON string that is valid whatever its bytes. File names need not be UTF-8,
 * so a byte that does not belong to a valid sequence becomes \udcXX (XX the byte), Python's
 * "surrogateescape": os.fsencode() of the decoded string gives back the original name.
 */
static void json_string(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s), n;

    putchar('"');
    for (; left; p += n, left -= n) {
        unsigned char c = *p;

        n = hm_utf8_length((const char *)p, left);
        if (n == 0) {
            printf("\\udc%02x", c);
            n = 1;
        } else if (c == '"' || c == '\\') {
            printf("\\%c", c);
        } else if (c == '\n') {
            fputs("\\n", stdout);
        } else if (c == '\t') {
            fputs("\\t", stdout);
        } else if (c < 0x20 || c == 0x7f) {
            printf("\\u%04x", c);
        } else {
            fwrite(p, 1, n, stdout);
        }
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

static void print_json_file(const hm_source *src, size_t file, const file_info *fi, int first)
{
    char start[32], msg[2048];
    hm_source_file f;
    hm_error w;
    size_t i, nw;

    hm_source_get_file(src, file, &f);
    nw = f.warning_count;

    hm_time_format_iso8601(start, sizeof(start), fi->start);
    printf("%s\n    {\"path\": ", first ? "" : ",");
    json_string(fi->path);
    printf(", \"format\": \"%s\", \"sport\": ", fi->format);
    json_string(fi->sport);
    fputs(", \"name\": ", stdout);
    json_string(fi->name);
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
        hm_source_get_warning(src, file, i, &w);
        hm_error_format(msg, sizeof(msg), &w, 0);
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

/* The source's spec: SRC, then --threads and --store in command-line order. */
static int open_spec(hm_spec **out, hm_ctx *ctx, const info_opts *o)
{
    size_t k;
    int rc = hm_spec_new(out, ctx);

    if (rc == HM_OK)
        rc = hm_spec_parse_source(*out, o->source);
    for (k = 0; rc == HM_OK && k < o->spec.count; k++)
        rc = hm_spec_set(*out, o->spec.pairs[k].key, o->spec.pairs[k].value);
    return rc;
}

int hm_cmd_info(int argc, char **argv)
{
    info_opts o;
    hm_source *src = NULL;
    hm_spec *spec = NULL;
    hm_ctx *ctx = NULL;
    size_t i, n, nskipped = 0, nacts = 0, npoints = 0, nwarned = 0, *dups = NULL, ndups = 0;
    int json, rc;

    memset(&o, 0, sizeof(o));
    rc = hm_app_opt_parse(&command, &o, &o.spec, argc, argv);
    if (rc != HM_APP_OPT_OK)
        return rc == HM_APP_OPT_HELP ? HM_EXIT_OK : HM_EXIT_USAGE;
    json = o.json;
    if (hm_ctx_new(&ctx, NULL) != HM_OK) {
        hm_app_error("out of memory");
        return HM_EXIT_ERROR;
    }
    hm_app_log_to_stderr(ctx);
    if (open_spec(&spec, ctx, &o) != HM_OK || hm_source_open(&src, ctx, spec) != HM_OK) {
        char msg[2048];
        hm_error_format(msg, sizeof(msg), hm_ctx_last_error(ctx), 0);
        hm_app_error("%s", msg);
        hm_spec_free(spec);
        hm_ctx_free(ctx);
        return HM_EXIT_ERROR;
    }
    n = hm_source_get_file_count(src);
    if (json)
        fputs("{\n  \"files\": [", stdout);
    for (i = 0; i < n; i++) {
        hm_source_file f;
        file_info fi;

        hm_source_get_file(src, i, &f);
        summarize(src, i, &fi);
        if (fi.error)
            nskipped++;
        if (f.warning_count)
            nwarned++;
        nacts += fi.activities;
        npoints += fi.points;
        if (json)
            print_json_file(src, i, &fi, i == 0);
        else
            print_text_line(src, i, &fi);
    }
    if (hm_source_find_duplicates(src, ctx, &dups, &ndups) != HM_OK) {
        hm_app_error("out of memory");
        ndups = 0;
    }
    if (json) {
        fputs("\n  ],\n  \"duplicates\": [", stdout);
        for (i = 0; i < ndups; i++) {
            fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", stdout);
            json_string(activity_path(src, dups[2 * i]));
            fputs(", \"counted_as\": ", stdout);
            json_string(activity_path(src, dups[2 * i + 1]));
            putchar('}');
        }
        printf("%s],\n  \"totals\": {\"files\": %zu, \"read_files\": %zu, \"skipped_files\": "
               "%zu, \"files_with_warnings\": %zu, \"activities\": %zu, \"points\": %zu, "
               "\"duplicates\": %zu}\n}\n",
               ndups ? "\n  " : "", n, n - nskipped, nskipped, nwarned, nacts, npoints, ndups);
    } else {
        for (i = 0; i < ndups; i++)
            printf("duplicate: %s is counted as %s (DEDUPE=NO counts both)\n",
                   activity_path(src, dups[2 * i]), activity_path(src, dups[2 * i + 1]));
        printf("total: %zu files (%zu read, %zu skipped, %zu with warnings), %zu activities, "
               "%zu points with a position, %zu duplicates\n",
               n, n - nskipped, nskipped, nwarned, nacts, npoints, ndups);
    }
    hm_ctx_free_mem(ctx, dups);
    hm_source_free(src);
    hm_spec_free(spec);
    hm_ctx_free(ctx);
    return HM_EXIT_OK;
}
