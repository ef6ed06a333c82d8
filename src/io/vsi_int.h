/* SPDX-License-Identifier: MIT */
/*
 * The narrow I/O seam of the engine: open/read/close/stat/list through one
 * table. The default table is GDAL's VSI (so local folders, /vsizip/,
 * /vsicurl/ and /vsimem/ all work); tests and fuzzers install their own
 * with hm_io__set_api(). This is the only place in src/ that includes a
 * GDAL header.
 */
#ifndef HM_IO_VSI_INT_H
#define HM_IO_VSI_INT_H

#include "core/ctx_int.h"

typedef struct hm_io_api {
    /* Open a file for reading; NULL when it cannot be opened. */
    void *(*open)(const char *path, void *payload);
    /* Read up to n bytes; returns the count, 0 at end of file, (size_t)-1 on error. */
    size_t (*read)(void *handle, void *buf, size_t n, void *payload);
    void (*close)(void *handle, void *payload);
    /* 0 when path exists (sets *is_dir, *size), -1 otherwise. */
    int (*stat)(const char *path, int *is_dir, uint64_t *size, void *payload);
    /* All entries below a folder, recursively, as paths relative to it with '/'
     * separators; a folder below it that cannot be listed (no permission) is named with a
     * trailing '/'. NULL-terminated, released with free_list. NULL on failure. */
    char **(*list)(const char *path, void *payload);
    void (*free_list)(char **list, void *payload);
    void *payload;
} hm_io_api;

/* The table in force for a context (the VSI one unless replaced). */
const hm_io_api *hm_io__api(const hm_ctx *ctx);

/* Replace the table for a context (NULL restores VSI). The table must outlive the context. */
void hm_io__set_api(hm_ctx *ctx, const hm_io_api *api);

/* What hm_io__stat_ex() tells about a path. */
typedef struct hm_io_stat {
    int is_dir;       /* 1 for a folder */
    int regular;      /* 1 for a regular file (not a folder, FIFO, device or socket) */
    uint64_t size;    /* bytes */
    int64_t mtime_ns; /* modification time, ns since epoch; -1 when unknown */
} hm_io_stat;

/*
 * stat() through the context's table, plus the kind of file and the
 * modification time when the table can tell: the VSI table gives VSIStatL's
 * (nanoseconds for local files, whole seconds for /vsizip/ and other
 * virtual file systems); a replaced table has no mtime member, so mtime_ns
 * is -1 ("unknown") there and every non-folder counts as regular.
 * (Members at the end of hm_io_api would break the positional initialisers
 * of existing tables under -Wmissing-field-initializers.)
 * @return 0 when path exists, -1 otherwise.
 */
int hm_io__stat_ex(const hm_ctx *ctx, const char *path, hm_io_stat *out);

/* A GDAL configuration option (or environment variable) of that name, or NULL. */
const char *hm_io__config(const char *key);

/*
 * Writing, for the engine's outputs (PNG images): create a file, write to
 * it, close it. Always through GDAL VSI, so /vsimem/ and every writable
 * virtual file system work; the read table above has no write side (new
 * members would break existing tables' positional initialisers), and the
 * tables tests install only ever replace where sources are read from.
 * Errors are raised on ctx with the path.
 */
typedef struct hm_io_writer hm_io_writer;

/* Create (or truncate) path for writing. @return HM_OK or HM_EIO. */
int hm_io__create(hm_io_writer **out, hm_ctx *ctx, const char *path);
/* Write n bytes. @return HM_OK or HM_EIO (raised on the writer's context). */
int hm_io__write(hm_io_writer *w, const void *buf, size_t n);
/*
 * Close: flush and release the writer. A failed writer (or discard = 1, to
 * abandon the output) leaves no file behind. NULL does nothing.
 * @return HM_OK, or HM_EIO when the final flush or close failed.
 */
int hm_io__close(hm_io_writer *w, int discard);

#endif /* HM_IO_VSI_INT_H */
