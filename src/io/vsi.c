/* SPDX-License-Identifier: MIT */
/*
 * The default I/O table over GDAL's C VSI API. VSI gives the engine every
 * virtual file system GDAL has (zip archives, HTTP, S3, memory) for free.
 * Sources are only ever read, so nothing is written next to the user's
 * files; the write side exists for outputs the user names (PNG images).
 */
#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <errno.h>
#include <string.h>

#include "io/vsi_int.h"

static void *vsi_open(const char *path, void *payload)
{
    (void)payload;
    return VSIFOpenL(path, "rb");
}

static size_t vsi_read(void *handle, void *buf, size_t n, void *payload)
{
    size_t got;

    (void)payload;
    got = VSIFReadL(buf, 1, n, (VSILFILE *)handle);
    /* GDAL 3.6 has no VSIFErrorL(), and its zip handles return short reads
     * without setting EOF: only "nothing read and not at EOF" is an error. */
    if (got == 0 && n > 0 && !VSIFEofL((VSILFILE *)handle))
        return (size_t)-1;
    return got;
}

static void vsi_close(void *handle, void *payload)
{
    (void)payload;
    VSIFCloseL((VSILFILE *)handle);
}

static int vsi_stat(const char *path, int *is_dir, uint64_t *size, void *payload)
{
    VSIStatBufL st;

    (void)payload;
    if (VSIStatExL(path, &st, VSI_STAT_EXISTS_FLAG | VSI_STAT_NATURE_FLAG | VSI_STAT_SIZE_FLAG) !=
        0)
        return -1;
    *is_dir = VSI_ISDIR(st.st_mode) ? 1 : 0;
    *size = (uint64_t)st.st_size;
    return 0;
}

/* Folders below the top are followed this deep at most (a symbolic link loop ends here). */
#define MAX_DEPTH 64

/* A growing NULL-terminated list of names (CSL-compatible: freed with CSLDestroy). */
typedef struct names {
    char **v;
    size_t n, cap;
} names;

static void add_name(names *l, const char *name)
{
    if (l->n + 2 > l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = (char **)CPLRealloc(l->v, l->cap * sizeof(char *));
    }
    l->v[l->n++] = CPLStrdup(name);
    l->v[l->n] = NULL;
}

/*
 * Append the names below folder path (relative, prefixed by rel) to l. A folder below the
 * top that cannot be opened is named with a trailing '/' (see hm_io_api.list), so the caller
 * can say which one and why instead of leaving its files out in silence.
 * @return 0, or -1 when path itself cannot be opened for lack of permission.
 */
static int list_folder(names *l, const char *path, const char *rel, int depth)
{
    const VSIDIREntry *e;
    VSIDIR *dir;

    errno = 0;
    dir = VSIOpenDir(path, 0, NULL);
    if (!dir)
        return errno == EACCES || errno == EPERM ? -1 : 0; /* else: nothing in it */
    while ((e = VSIGetNextDirEntry(dir)) != NULL) {
        char *sub = CPLStrdup(CPLFormFilename(path, e->pszName, NULL));
        char *subrel = CPLStrdup(rel[0] ? CPLFormFilename(rel, e->pszName, NULL) : e->pszName);
        int is_dir = e->bModeKnown ? VSI_ISDIR(e->nMode) : 0;
        VSIStatBufL st;

        if (!e->bModeKnown && VSIStatL(sub, &st) == 0)
            is_dir = VSI_ISDIR(st.st_mode);
        if (!is_dir)
            add_name(l, subrel);
        else if (depth < MAX_DEPTH && list_folder(l, sub, subrel, depth + 1) != 0)
            add_name(l, CPLSPrintf("%s/", subrel));
        CPLFree(sub);
        CPLFree(subrel);
    }
    VSICloseDir(dir);
    return 0;
}

static char **vsi_list(const char *path, void *payload)
{
    names l = {NULL, 0, 0};
    VSIStatBufL st;

    (void)payload;
    if (VSIStatL(path, &st) != 0 || !VSI_ISDIR(st.st_mode))
        return NULL;
    if (list_folder(&l, path, "", 0) != 0) {
        CSLDestroy(l.v);
        return NULL;
    }
    return l.v ? l.v : (char **)CPLCalloc(1, sizeof(char *));
}

static void vsi_free_list(char **list, void *payload)
{
    (void)payload;
    CSLDestroy(list);
}

static const hm_io_api vsi_api = {vsi_open, vsi_read, vsi_close, vsi_stat,
                                  vsi_list, vsi_free_list, NULL};

const hm_io_api *hm_io__api(const hm_ctx *ctx)
{
    return ctx->io ? ctx->io : &vsi_api;
}

void hm_io__set_api(hm_ctx *ctx, const hm_io_api *api)
{
    ctx->io = api;
}

int hm_io__stat_ex(const hm_ctx *ctx, const char *path, hm_io_stat *out)
{
    VSIStatBufL st;

    memset(out, 0, sizeof(*out));
    out->mtime_ns = -1;
    if (ctx->io) {
        if (ctx->io->stat(path, &out->is_dir, &out->size, ctx->io->payload) != 0)
            return -1;
        out->regular = !out->is_dir;
        return 0;
    }
    /* stat(), not open(): a FIFO named like a track must never block the caller. */
    if (VSIStatL(path, &st) != 0)
        return -1;
    out->is_dir = VSI_ISDIR(st.st_mode) ? 1 : 0;
    out->regular = VSI_ISREG(st.st_mode) ? 1 : 0;
    out->size = (uint64_t)st.st_size;
    out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + (int64_t)st.st_mtim.tv_nsec;
    return 0;
}

const char *hm_io__config(const char *key)
{
    return CPLGetConfigOption(key, NULL);
}

/* ---- writing ---------------------------------------------------------------- */

struct hm_io_writer {
    hm_ctx *ctx;  /* allocator and error sink; borrowed */
    VSILFILE *fp; /* the open file */
    char *path;   /* for messages and removal on failure */
    int failed;   /* 1 once a write failed */
};

int hm_io__create(hm_io_writer **out, hm_ctx *ctx, const char *path)
{
    hm_io_writer *w;

    *out = NULL;
    w = hm_ctx__calloc(ctx, 1, sizeof(*w));
    if (!w || !(w->path = hm_ctx__strdup(ctx, path))) {
        hm_ctx__free(ctx, w);
        return HM_RAISE_NOMEM(ctx);
    }
    w->ctx = ctx;
    w->fp = VSIFOpenL(path, "wb");
    if (!w->fp) {
        hm_ctx__free(ctx, w->path);
        hm_ctx__free(ctx, w);
        return HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot create file");
    }
    *out = w;
    return HM_OK;
}

int hm_io__write(hm_io_writer *w, const void *buf, size_t n)
{
    if (w->failed)
        return HM_EIO;
    if (n && VSIFWriteL(buf, 1, n, w->fp) != n) {
        w->failed = 1;
        return HM_RAISE(w->ctx, HM_EIO, w->path, 0, -1, "write failed (disk full?)");
    }
    return HM_OK;
}

int hm_io__close(hm_io_writer *w, int discard)
{
    hm_ctx *ctx;
    int rc = HM_OK;

    if (!w)
        return HM_OK;
    ctx = w->ctx;
    if (VSIFCloseL(w->fp) != 0 && !w->failed && !discard) {
        w->failed = 1;
        rc = HM_RAISE(ctx, HM_EIO, w->path, 0, -1, "write failed on close (disk full?)");
    }
    if (w->failed || discard) {
        VSIUnlink(w->path);
        if (rc == HM_OK && !discard)
            rc = HM_EIO;
    }
    hm_ctx__free(ctx, w->path);
    hm_ctx__free(ctx, w);
    return rc;
}
