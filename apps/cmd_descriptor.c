/* SPDX-License-Identifier: MIT */
/*
 * `heatmap descriptor SRC -o FILE`: write a descriptor file, the one form
 * of a heatmap that tools accepting only existing file names can open
 * (gdal2tiles, QGIS's file dialog, a MapServer DATA line).
 *
 * The engine resolves a relative <Source> against the descriptor's own
 * folder, so the source is written relative to that folder whenever both
 * are on the local file system: the pair can then be moved or shared
 * together. GDAL virtual paths (/vsizip/, /vsicurl/, ...) are written as
 * given. A missing local source is an error now rather than at open time.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heatmap.h>

#include "cmd.h"
#include "opt.h"
#include "spec_args.h"

#define VERB "descriptor"

typedef struct descriptor_opts {
    const char *source;    /* SRC */
    const char *output;    /* -o, "-" for standard output */
    hm_app_spec_args spec; /* --zoom, style, filters, --option */
} descriptor_opts;

/* clang-format off */
static const hm_app_opt opts[] = {
    {.type = HM_APP_OPT_OPERAND, .name = "SRC", .offset = offsetof(descriptor_opts, source)},
    {.type = HM_APP_OPT_VALUE, .name = "output", .alias = 'o', .value_name = "FILE",
     .offset = offsetof(descriptor_opts, output), .flags = HM_APP_OPT_REQUIRED,
     .help = "descriptor to write ('-' for standard output)"},
    {.type = HM_APP_OPT_INT, .name = "zoom", .value_name = "Z", .min = 0, .max = 22,
     .key = "ZOOM", .expect = "an integer from 0 to 22",
     .help = "XYZ zoom of the full-resolution grid"},
    {.type = HM_APP_OPT_INCLUDE, .include = hm_app_spec_opts},
    {.type = HM_APP_OPT_END},
};
/* clang-format on */

static const hm_app_command command = {
    VERB, opts,
    "Write a descriptor file (XML, <HeatmapDataset>) naming SRC (a folder of\n"
    "activities, another descriptor or a HEATMAP: connection string) and the\n"
    "options to open it with. GDAL tools, QGIS and MapServer open it by its file\n"
    "name through the HEATMAP driver. A local SRC is written relative to FILE's\n"
    "folder. Without --band the descriptor exposes the raw Float32 bands; with\n"
    "--band it is a styled RGBA (or paletted) image, as gdal2tiles needs.\n",
    "Exit status: 0 ok, 1 error, 2 usage error.\n"};

static int is_virtual(const char *path)
{
    return strncmp(path, "/vsi", 4) == 0 || strstr(path, "://") != NULL;
}

/* Next component of an absolute canonical path: *p moves past it. */
static size_t next_component(const char **p)
{
    size_t n;

    while (**p == '/')
        (*p)++;
    n = strcspn(*p, "/");
    return n;
}

/*
 * target relative to folder base, both absolute and canonical (realpath):
 * "../../data/tracks", "tracks" or ".". Returns -1 when it does not fit.
 */
static int relative_path(char *out, size_t size, const char *target, const char *base)
{
    const char *t = target, *b = base;
    size_t used = 0, tn, bn;

    for (;;) { /* skip the common leading components */
        const char *t2 = t, *b2 = b;
        tn = next_component(&t2);
        bn = next_component(&b2);
        if (tn == 0 || tn != bn || memcmp(t2, b2, tn) != 0)
            break;
        t = t2 + tn;
        b = b2 + bn;
    }
    out[0] = '\0';
    while ((bn = next_component(&b)) != 0) {
        if (used + 3 >= size)
            return -1;
        memcpy(out + used, "../", 4);
        used += 3;
        b += bn;
    }
    while (*t == '/')
        t++;
    if (strlen(t) + used + 1 > size)
        return -1;
    memcpy(out + used, t, strlen(t) + 1);
    used += strlen(t);
    if (used && out[used - 1] == '/')
        out[--used] = '\0';
    if (used == 0)
        snprintf(out, size, ".");
    return 0;
}

/* The folder part of a file name ("." when none). */
static void dir_name(char *out, size_t size, const char *file)
{
    const char *slash = strrchr(file, '/');

    if (!slash)
        snprintf(out, size, ".");
    else if (slash == file)
        snprintf(out, size, "/");
    else
        snprintf(out, size, "%.*s", (int)(slash - file), file);
}

/* Rewrite the spec's path for a descriptor written to output. */
static int place_source(hm_spec *spec, const char *output)
{
    const char *src = hm_spec_get_path(spec);
    char abs_src[PATH_MAX], abs_dir[PATH_MAX], dir[PATH_MAX], rel[PATH_MAX];

    if (!src || is_virtual(src))
        return HM_EXIT_OK;
    if (!realpath(src, abs_src)) {
        hm_app_error(VERB ": %s: %s", src,
                     errno == ENOENT ? "no such file or folder" : strerror(errno));
        return HM_EXIT_ERROR;
    }
    if (strcmp(output, "-") == 0) {
        hm_spec_set_path(spec, abs_src);
        return HM_EXIT_OK;
    }
    dir_name(dir, sizeof(dir), output);
    if (!realpath(dir, abs_dir)) {
        hm_app_error(VERB ": %s: %s", dir,
                     errno == ENOENT ? "no such folder" : strerror(errno));
        return HM_EXIT_ERROR;
    }
    if (hm_spec_set_path(spec, relative_path(rel, sizeof(rel), abs_src, abs_dir) == 0
                                   ? rel
                                   : abs_src) != HM_OK) {
        hm_app_error(VERB ": out of memory");
        return HM_EXIT_ERROR;
    }
    return HM_EXIT_OK;
}

int hm_cmd_descriptor(int argc, char **argv)
{
    descriptor_opts o;
    hm_ctx *ctx = NULL;
    hm_spec *spec = NULL;
    char *doc = NULL;
    int ret;

    memset(&o, 0, sizeof(o));
    ret = hm_app_opt_parse(&command, &o, &o.spec, argc, argv);
    if (ret != HM_APP_OPT_OK)
        return ret == HM_APP_OPT_HELP ? HM_EXIT_OK : HM_EXIT_USAGE;
    if (hm_ctx_new(&ctx, NULL) != HM_OK) {
        hm_app_error(VERB ": out of memory");
        return HM_EXIT_ERROR;
    }
    ret = hm_app_spec_build(&spec, ctx, VERB, o.source, &o.spec, NULL);
    if (ret == HM_EXIT_OK)
        ret = place_source(spec, o.output);
    if (ret != HM_EXIT_OK)
        goto done;
    ret = HM_EXIT_ERROR;
    if (hm_spec_write_descriptor(&doc, ctx, spec) != HM_OK) {
        hm_app_engine_error(ctx, VERB);
        goto done;
    }
    if (strcmp(o.output, "-") == 0) {
        fputs(doc, stdout);
    } else {
        FILE *f = fopen(o.output, "w");
        int ok = f && fputs(doc, f) >= 0;

        if (f && fclose(f) != 0)
            ok = 0;
        if (!ok) {
            hm_app_error(VERB ": %s: %s", o.output, strerror(errno));
            goto done;
        }
        printf("%s: source %s\n", o.output, hm_spec_get_path(spec));
    }
    ret = HM_EXIT_OK;
done:
    hm_ctx_free_mem(ctx, doc);
    hm_spec_free(spec);
    hm_ctx_free(ctx);
    return ret;
}
