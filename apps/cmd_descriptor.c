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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heatmap.h>

#include "cmd.h"
#include "spec_args.h"

#define VERB "descriptor"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: heatmap descriptor SRC -o FILE [options]\n"
            "\n"
            "Write a descriptor file (XML, <HeatmapDataset>) naming SRC (a folder of\n"
            "activities, another descriptor or a HEATMAP: connection string) and the\n"
            "options to open it with. GDAL tools, QGIS and MapServer open it by its file\n"
            "name through the HEATMAP driver. A local SRC is written relative to FILE's\n"
            "folder. Without --band the descriptor exposes the raw Float32 bands; with\n"
            "--band it is a styled RGBA (or paletted) image, as gdal2tiles needs.\n"
            "\n"
            "  -o, --output FILE    descriptor to write ('-' for standard output)\n"
            "  --zoom Z             XYZ zoom of the full-resolution grid (ZOOM)\n"
            "\n%s"
            "\n"
            "Exit status: 0 ok, 1 error, 2 usage error.\n",
            hm_app_spec_args_help);
}

static int usage_error(void)
{
    fputs("usage: heatmap descriptor SRC -o FILE [options]  (see --help)\n", stderr);
    return HM_EXIT_USAGE;
}

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
    static const char *const valued[] = {"-o", "--output", "--zoom", NULL};
    hm_app_spec_args args;
    const char *source = NULL, *output = NULL;
    hm_ctx *ctx = NULL;
    hm_spec *spec = NULL;
    char *doc = NULL;
    int i, ret;
    long v;

    memset(&args, 0, sizeof(args));
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int how = hm_app_args_common(&args, VERB, argc, argv, &i, valued);

        if (how == HM_APP_ARG_HELP) {
            usage(stdout);
            return HM_EXIT_OK;
        }
        if (how != HM_APP_ARG_OTHER) {
            if (how == HM_APP_ARG_BAD)
                return usage_error();
            continue;
        }
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            output = argv[++i];
        } else if (strcmp(a, "--zoom") == 0) {
            if (hm_app_parse_int(argv[i + 1], 0, 22, &v) != 0) {
                hm_app_error(VERB ": --zoom %s: expected an integer from 0 to 22", argv[i + 1]);
                return usage_error();
            }
            if (hm_app_spec_args_add(&args, VERB, "ZOOM", argv[++i], "--zoom") != 0)
                return usage_error();
        } else if (a[0] == '-' && a[1]) {
            hm_app_error(VERB ": unknown option '%s'", a);
            return usage_error();
        } else if (!source) {
            source = a;
        } else {
            hm_app_error(VERB ": only one SRC may be given ('%s')", a);
            return usage_error();
        }
    }
    if (!source || !output) {
        hm_app_error(VERB ": %s", !source ? "SRC is missing" : "-o FILE is missing");
        return usage_error();
    }
    if (hm_ctx_new(&ctx, NULL) != HM_OK) {
        hm_app_error(VERB ": out of memory");
        return HM_EXIT_ERROR;
    }
    ret = hm_app_spec_build(&spec, ctx, VERB, source, &args, NULL);
    if (ret == HM_EXIT_OK)
        ret = place_source(spec, output);
    if (ret != HM_EXIT_OK)
        goto done;
    ret = HM_EXIT_ERROR;
    if (hm_spec_write_descriptor(&doc, ctx, spec) != HM_OK) {
        hm_app_engine_error(ctx, VERB);
        goto done;
    }
    if (strcmp(output, "-") == 0) {
        fputs(doc, stdout);
    } else {
        FILE *f = fopen(output, "w");
        int ok = f && fputs(doc, f) >= 0;

        if (f && fclose(f) != 0)
            ok = 0;
        if (!ok) {
            hm_app_error(VERB ": %s: %s", output, strerror(errno));
            goto done;
        }
        printf("%s: source %s\n", output, hm_spec_get_path(spec));
    }
    ret = HM_EXIT_OK;
done:
    hm_ctx_free_mem(ctx, doc);
    hm_spec_free(spec);
    hm_ctx_free(ctx);
    return ret;
}
