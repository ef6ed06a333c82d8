/* SPDX-License-Identifier: MIT */
/*
 * Where a source's store lives. The name of a default store is made from
 * the source's canonical path (realpath for a local path, so "data/",
 * "./data" and "/home/u/data" share one) and the options that change stored
 * data, so two MAX_GAP values never overwrite each other's store; a short
 * readable stem from the source's last component comes first, for people
 * looking in the folder. The folder is the first of HEATMAP_STORE_DIR,
 * $XDG_CACHE_HOME/gdal-heatmap, $HOME/.cache/gdal-heatmap and
 * CPL_TMPDIR (or /tmp)/gdal-heatmap-<uid> that is set; it is created when
 * missing. Nothing here writes beside the data or in the working folder.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash_int.h"
#include "core/strbuf_int.h"
#include "dataset/open_int.h"
#include "io/vsi_int.h"

int hm_location__canonical(char **out, hm_ctx *ctx, const char *path)
{
    hm_strbuf b = HM_STRBUF_INIT(ctx);
    char resolved[PATH_MAX];
    size_t i, n;

    *out = NULL;
    if (strncmp(path, "/vsi", 4) != 0) {
        if (realpath(path, resolved))
            return (*out = hm_ctx__strdup(ctx, resolved)) ? HM_OK : HM_RAISE_NOMEM(ctx);
        /* Not resolvable here (the listing already found it, so a race): as given. */
    }
    /* Virtual paths as given, without repeated or trailing slashes; a relative archive
     * path (/vsizip/export.zip/...) made absolute. */
    {
        static const char *const archives[] = {"/vsizip/", "/vsigzip/", "/vsitar/"};
        for (i = 0; i < sizeof(archives) / sizeof(archives[0]); i++) {
            size_t prefix = strlen(archives[i]);
            if (strncmp(path, archives[i], prefix) == 0 && path[prefix] != '/' &&
                getcwd(resolved, sizeof(resolved))) {
                hm_strbuf_printf(&b, "%s%s/", archives[i], resolved);
                path += prefix;
                break;
            }
        }
    }
    n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    for (i = 0; i < n; i++)
        if (!(path[i] == '/' && i > 0 && path[i - 1] == '/'))
            hm_strbuf_put(&b, path + i, 1);
    return hm_strbuf_detach(&b, out);
}

static int ensure_folder(const char *dir, mode_t mode)
{
    char buf[PATH_MAX];
    size_t i, n = strlen(dir);

    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, dir, n + 1);
    for (i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        buf[i] = '\0';
        if (mkdir(buf, mode) != 0 && errno != EEXIST)
            return -1;
        buf[i] = dir[i];
    }
    return 0;
}

/* The default store folder (not created). */
static int default_folder(hm_strbuf *b)
{
    const char *v;

    if ((v = hm_io__config("HEATMAP_STORE_DIR")) && v[0]) {
        hm_strbuf_puts(b, v);
        return 0;
    }
    if ((v = getenv("XDG_CACHE_HOME")) && v[0] == '/') {
        hm_strbuf_printf(b, "%s/gdal-heatmap", v);
        return 0;
    }
    if ((v = getenv("HOME")) && v[0] == '/') {
        hm_strbuf_printf(b, "%s/.cache/gdal-heatmap", v);
        return 0;
    }
    v = hm_io__config("CPL_TMPDIR");
    hm_strbuf_printf(b, "%s/gdal-heatmap-%ld", v && v[0] ? v : "/tmp", (long)getuid());
    return 1; /* shared temporary folder: private mode */
}

int hm_location__store_path(char **out, hm_ctx *ctx, const char *canonical,
                            const char *data_key, int mode, const char *explicit_path)
{
    hm_strbuf b = HM_STRBUF_INIT(ctx);
    const char *base, *end;
    uint64_t h;
    size_t i;
    int private_tmp;

    *out = NULL;
    if (mode == HM_STORE_MODE_NONE || strncmp(canonical, "/vsimem/", 8) == 0)
        return HM_OK;
    if (mode == HM_STORE_MODE_FILE) {
        *out = hm_ctx__strdup(ctx, explicit_path);
        return *out ? HM_OK : HM_RAISE_NOMEM(ctx);
    }
    private_tmp = default_folder(&b);
    if (hm_strbuf_failed(&b)) {
        hm_strbuf_free(&b);
        return HM_RAISE_NOMEM(ctx);
    }
    if (ensure_folder(b.s, private_tmp ? 0700 : 0755) != 0) {
        hm_ctx__log(ctx, HM_LOG_WARNING, "cannot create the store folder %s (%s): keeping %s in "
                    "memory", b.s, strerror(errno), canonical);
        hm_strbuf_free(&b);
        return HM_OK;
    }
    /* A readable stem: the last component, letters, digits, '-', '_', '.' only. */
    end = canonical + strlen(canonical);
    base = end;
    while (base > canonical && base[-1] != '/')
        base--;
    hm_strbuf_put(&b, "/", 1);
    for (i = 0; base + i < end && i < 40; i++) {
        char c = base[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.';
        hm_strbuf_put(&b, ok ? &c : "_", 1);
    }
    h = hm_hash64(canonical, strlen(canonical), 0x53544f5245ull);
    h = hm_hash64(data_key, strlen(data_key), h);
    hm_strbuf_printf(&b, "-%016llx.hmstore", (unsigned long long)h);
    return hm_strbuf_detach(&b, out);
}
