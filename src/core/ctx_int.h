/* SPDX-License-Identifier: MIT */
/*
 * Engine-internal side of the context: allocation through the context's
 * allocator (with overflow-checked size arithmetic), raising errors with
 * their location, and logging. Every engine module includes this; nothing
 * outside src/ does.
 */
#ifndef HM_CORE_CTX_INT_H
#define HM_CORE_CTX_INT_H

#include <stdarg.h>

#include "heatmap/common.h"

struct hm_io_api;

struct hm_ctx {
    hm_allocator alloc;  /* copied from the caller, or the C library's */
    const struct hm_io_api *io; /* file access table (src/io/vsi_int.h); NULL = GDAL VSI */
    hm_log_fn log_fn;    /* NULL drops messages */
    void *log_payload;   /* passed back to log_fn */
    hm_progress_fn progress_fn; /* NULL: no progress reports */
    void *progress_payload;     /* passed back to progress_fn */
    int has_error;       /* 1 when err holds the last error */
    hm_error err;        /* last error; strings below */
    char err_message[512];
    char err_path[1024];
    char err_where[96];
};

void *hm_ctx__malloc(hm_ctx *ctx, size_t size);
void *hm_ctx__calloc(hm_ctx *ctx, size_t count, size_t size);
/* realloc of count*size bytes; NULL on overflow or failure (ptr is then untouched). */
void *hm_ctx__reallocarray(hm_ctx *ctx, void *ptr, size_t count, size_t size);
void hm_ctx__free(hm_ctx *ctx, void *ptr);
char *hm_ctx__strndup(hm_ctx *ctx, const char *s, size_t len);
char *hm_ctx__strdup(hm_ctx *ctx, const char *s);

/*
 * Grow a dynamic array so that it holds at least `need` elements of `size`
 * bytes: doubles the capacity. Returns HM_OK or HM_ENOMEM (raised).
 */
int hm_ctx__grow(hm_ctx *ctx, void **array, size_t *capacity, size_t need, size_t size);

/* Record an error on the context and return its code. `path` may be NULL. */
int hm_ctx__raise(hm_ctx *ctx, int code, const char *path, long line, int64_t offset,
                  const char *src_file, int src_line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;
int hm_ctx__vraise(hm_ctx *ctx, int code, const char *path, long line, int64_t offset,
                   const char *src_file, int src_line, const char *fmt, va_list ap);

/* Raise with the engine source location filled in. */
#define HM_RAISE(ctx, code, path, line, offset, ...) \
    hm_ctx__raise((ctx), (code), (path), (line), (offset), __FILE__, __LINE__, __VA_ARGS__)
#define HM_RAISE_NOMEM(ctx) HM_RAISE((ctx), HM_ENOMEM, NULL, 0, -1, "out of memory")

void hm_ctx__log(hm_ctx *ctx, hm_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* A child context for a worker thread: same allocator, no log callback. */
int hm_ctx__new_child(hm_ctx **out, const hm_ctx *parent);

/* Copy the last error of `from` into `to` (used to pass a worker's error up). */
void hm_ctx__copy_error(hm_ctx *to, const hm_ctx *from);

#endif /* HM_CORE_CTX_INT_H */
