/* SPDX-License-Identifier: MIT */
/*
 * `heatmap index SRC [--store FILE]`: build or bring up to date the track
 * store of a source, the one the driver, info, render and tiles open, and
 * say what was done: files added, changed, removed and read, the files
 * skipped with why, the points, the store's size next to the files' and
 * the time. Run it once after an export (or from cron, or before starting a
 * MapServer that may not write to the store folder); later opens are then
 * current and read nothing.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <heatmap.h>

#include "cmd.h"
#include "spec_args.h"

#define VERB "index"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: heatmap index SRC [--store FILE] [--threads N] [--option KEY=VALUE]...\n"
            "\n"
            "Build or update the track store of SRC (a folder of activities, a single file,\n"
            "a GDAL virtual path, a descriptor file or a HEATMAP: string): files new or\n"
            "changed since the store was written are read, removed ones are dropped, the\n"
            "others are kept as they are. The driver, info, render and tiles use the same\n"
            "store, so once it is current they open SRC without reading a track.\n"
            "\n"
            "  --store FILE         the store file (default: one per source in\n"
            "                       HEATMAP_STORE_DIR, else $XDG_CACHE_HOME/gdal-heatmap,\n"
            "                       else ~/.cache/gdal-heatmap)\n"
            "  --threads N          threads reading files (default: one per core)\n"
            "  --option KEY=VALUE   another option (MAX_GAP changes what is stored)\n"
            "\n"
            "Exit status: 0 ok (even with skipped files), 1 error, 2 usage error.\n");
}

typedef struct progress {
    int shown; /* 1 once a line was drawn */
} progress;

static void show_progress(size_t done, size_t total, void *payload)
{
    progress *p = payload;
    int width = 30, fill = total ? (int)((double)done / (double)total * width) : width, i;

    fputs("\rreading ", stderr);
    for (i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, " %zu/%zu files", done, total);
    fflush(stderr);
    p->shown = 1;
}

int hm_cmd_index(int argc, char **argv)
{
    static const char *const valued[] = {"--store", "--threads", NULL};
    hm_app_spec_args args;
    const char *source = NULL;
    hm_source_update u;
    hm_source *src = NULL;
    hm_spec *spec = NULL;
    hm_ctx *ctx = NULL;
    progress prog = {0};
    uint64_t input = 0;
    size_t i, n;
    long v;
    int ret;

    memset(&args, 0, sizeof(args));
    for (i = 1; i < (size_t)argc; i++) {
        int k = (int)i, how = hm_app_args_common(&args, VERB, argc, argv, &k, valued);
        const char *a = argv[k];

        i = (size_t)k;
        if (how == HM_APP_ARG_BAD)
            return HM_EXIT_USAGE;
        if (how == HM_APP_ARG_HELP) {
            usage(stdout);
            return HM_EXIT_OK;
        }
        if (how == HM_APP_ARG_USED)
            continue;
        if (strcmp(a, "--store") == 0) {
            if (hm_app_spec_args_add(&args, VERB, "STORE", argv[++i], "--store") != 0)
                return HM_EXIT_USAGE;
        } else if (strcmp(a, "--threads") == 0) {
            if (hm_app_parse_int(argv[++i], 1, 64, &v) != 0) {
                hm_app_error(VERB ": --threads takes a number from 1 to 64");
                return HM_EXIT_USAGE;
            }
            if (hm_app_spec_args_add(&args, VERB, "THREADS", argv[i], "--threads") != 0)
                return HM_EXIT_USAGE;
        } else if (a[0] == '-' && a[1]) {
            hm_app_error(VERB ": unknown option '%s'", a);
            usage(stderr);
            return HM_EXIT_USAGE;
        } else if (!source) {
            source = a;
        } else {
            hm_app_error(VERB ": only one SRC may be given");
            return HM_EXIT_USAGE;
        }
    }
    if (!source) {
        usage(stderr);
        return HM_EXIT_USAGE;
    }
    if (hm_ctx_new(&ctx, NULL) != HM_OK) {
        hm_app_error(VERB ": out of memory");
        return HM_EXIT_ERROR;
    }
    hm_app_log_to_stderr(ctx);
    ret = hm_app_spec_build(&spec, ctx, VERB, source, &args, NULL);
    if (ret != HM_EXIT_OK)
        goto done;
    if (isatty(STDERR_FILENO))
        hm_ctx_set_progress(ctx, show_progress, &prog);
    if (hm_source_open(&src, ctx, spec) != HM_OK) {
        if (prog.shown)
            fputc('\n', stderr);
        hm_app_engine_error(ctx, VERB);
        ret = HM_EXIT_ERROR;
        goto done;
    }
    if (prog.shown)
        fputc('\n', stderr);
    hm_source_get_update(src, &u);
    n = hm_source_get_file_count(src);
    printf("store: %s (%s)\n", u.store ? u.store : "none, in memory",
           u.state == HM_STORE_CURRENT   ? "current, nothing read"
           : u.state == HM_STORE_WRITTEN ? "written"
                                         : "not written");
    printf("files: %zu listed, %zu added, %zu changed, %zu removed, %zu read, %zu skipped\n",
           u.files, u.added, u.changed, u.removed, u.read, u.skipped);
    for (i = 0; i < n; i++) {
        hm_source_file f;
        char msg[2048];

        hm_source_get_file(src, i, &f);
        input += f.size;
        if (f.error.code == HM_OK)
            continue;
        hm_error_format(msg, sizeof(msg), &f.error, 0);
        printf("  skipped: %s\n", msg);
    }
    printf("activities: %zu, points drawn: %zu\n", u.activities, u.points);
    printf("store size: %.1f MB (%.1f%% of %.1f MB of files)\n", (double)u.store_bytes / 1e6,
           input ? 100.0 * (double)u.store_bytes / (double)input : 0.0, (double)input / 1e6);
    printf("time: %.2f s\n", u.seconds);
    ret = HM_EXIT_OK;

done:
    hm_source_free(src);
    hm_spec_free(spec);
    hm_ctx_free(ctx);
    return ret;
}
