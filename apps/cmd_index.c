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
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <heatmap.h>

#include "cmd.h"
#include "opt.h"
#include "spec_args.h"

#define VERB "index"

typedef struct index_opts {
    const char *source;    /* SRC */
    hm_app_spec_args spec; /* --store, --threads, --option */
} index_opts;

/* clang-format off */
static const hm_app_opt opts[] = {
    {.type = HM_APP_OPT_OPERAND, .name = "SRC", .offset = offsetof(index_opts, source)},
    {.type = HM_APP_OPT_VALUE, .name = "store", .value_name = "FILE", .key = "STORE",
     .help = "the store file (default: one per source in HEATMAP_STORE_DIR, else "
             "$XDG_CACHE_HOME/gdal-heatmap, else ~/.cache/gdal-heatmap)"},
    {.type = HM_APP_OPT_INT, .name = "threads", .value_name = "N", .min = 1, .max = 64,
     .key = "THREADS", .help = "threads reading files (default: one per core)"},
    {.type = HM_APP_OPT_KEYVAL, .name = "option", .value_name = "KEY=VALUE",
     .help = "another option (MAX_GAP changes what is stored)"},
    /* The style and filter options were always accepted (and checked) here, so scripts
     * may pass render's options to index; they are not listed because the store holds
     * every activity whatever they say (filters select at render time). */
    {.type = HM_APP_OPT_INCLUDE, .include = hm_app_spec_opts, .flags = HM_APP_OPT_HIDDEN},
    {.type = HM_APP_OPT_END},
};
/* clang-format on */

static const hm_app_command command = {
    VERB, opts,
    "Build or update the track store of SRC (a folder of activities, a single file,\n"
    "a GDAL virtual path, a descriptor file or a HEATMAP: string): files new or\n"
    "changed since the store was written are read, removed ones are dropped, the\n"
    "others are kept as they are. The driver, info, render and tiles use the same\n"
    "store, so once it is current they open SRC without reading a track.\n",
    "Exit status: 0 ok (even with skipped files), 1 error, 2 usage error.\n"};

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
    index_opts o;
    hm_source_update u;
    hm_source *src = NULL;
    hm_spec *spec = NULL;
    hm_ctx *ctx = NULL;
    progress prog = {0};
    uint64_t input = 0;
    size_t i, n;
    int ret;

    memset(&o, 0, sizeof(o));
    ret = hm_app_opt_parse(&command, &o, &o.spec, argc, argv);
    if (ret != HM_APP_OPT_OK)
        return ret == HM_APP_OPT_HELP ? HM_EXIT_OK : HM_EXIT_USAGE;
    if (hm_ctx_new(&ctx, NULL) != HM_OK) {
        hm_app_error(VERB ": out of memory");
        return HM_EXIT_ERROR;
    }
    hm_app_log_to_stderr(ctx);
    ret = hm_app_spec_build(&spec, ctx, VERB, o.source, &o.spec, NULL);
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
    printf("pyramid size: %.1f MB\n", (double)u.pyramid_bytes / 1e6);
    printf("time: %.2f s\n", u.seconds);
    ret = HM_EXIT_OK;

done:
    hm_source_free(src);
    hm_spec_free(spec);
    hm_ctx_free(ctx);
    return ret;
}
