/* SPDX-License-Identifier: MIT */
/*
 * The context: allocator, last error and log callback. There is no global
 * mutable state in the engine; everything that would be global lives here,
 * and a context is used by one thread at a time. Error strings are kept in
 * fixed buffers inside the context so that raising an error never allocates
 * (an out-of-memory error must be reportable).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_int.h"

static void *default_malloc(size_t size, void *payload)
{
    (void)payload;
    return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *payload)
{
    (void)payload;
    return realloc(ptr, size);
}

static void default_free(void *ptr, void *payload)
{
    (void)payload;
    free(ptr);
}

const char *hm_strerror(int code)
{
    switch (code) {
    case HM_OK: return "no error";
    case HM_ENOMEM: return "out of memory";
    case HM_EIO: return "input/output error";
    case HM_EPARSE: return "parse error";
    case HM_EINVAL: return "invalid argument";
    case HM_EUNSUPPORTED: return "not supported";
    case HM_ENOTFOUND: return "not found";
    default: return "error";
    }
}

size_t hm_error_format(char *out, size_t size, const hm_error *e, int flags)
{
    const char *path = (flags & HM_ERROR_FORMAT_NO_PATH) || !e->path ? "" : e->path;
    const char *sep = path[0] ? ": " : "";
    int n;

    if (e->line > 0)
        n = path[0] ? snprintf(out, size, "%s:%ld: %s", path, e->line, e->message)
                    : snprintf(out, size, "line %ld: %s", e->line, e->message);
    else if (e->offset >= 0)
        n = snprintf(out, size, "%s%sbyte %lld: %s", path, sep, (long long)e->offset,
                     e->message);
    else
        n = snprintf(out, size, "%s%s%s", path, sep, e->message);
    return n < 0 ? 0 : (size_t)n;
}

int hm_ctx_new(hm_ctx **out, const hm_allocator *allocator)
{
    hm_allocator a = {default_malloc, default_realloc, default_free, NULL};
    hm_ctx *ctx;

    *out = NULL;
    if (allocator)
        a = *allocator;
    ctx = a.malloc_fn(sizeof(*ctx), a.payload);
    if (!ctx)
        return HM_ENOMEM;
    memset(ctx, 0, sizeof(*ctx));
    ctx->alloc = a;
    *out = ctx;
    return HM_OK;
}

int hm_ctx__new_child(hm_ctx **out, const hm_ctx *parent)
{
    int rc = hm_ctx_new(out, &parent->alloc);

    if (rc == HM_OK)
        (*out)->io = parent->io;
    return rc;
}

void hm_ctx_free(hm_ctx *ctx)
{
    if (!ctx)
        return;
    ctx->alloc.free_fn(ctx, ctx->alloc.payload);
}

void hm_ctx_set_log(hm_ctx *ctx, hm_log_fn fn, void *payload)
{
    ctx->log_fn = fn;
    ctx->log_payload = payload;
}

void hm_ctx_set_progress(hm_ctx *ctx, hm_progress_fn fn, void *payload)
{
    ctx->progress_fn = fn;
    ctx->progress_payload = payload;
}

const hm_error *hm_ctx_last_error(const hm_ctx *ctx)
{
    return ctx->has_error ? &ctx->err : NULL;
}

void hm_ctx_clear_error(hm_ctx *ctx)
{
    ctx->has_error = 0;
}

void hm_ctx_free_mem(hm_ctx *ctx, void *ptr)
{
    hm_ctx__free(ctx, ptr);
}

void *hm_ctx__malloc(hm_ctx *ctx, size_t size)
{
    return ctx->alloc.malloc_fn(size ? size : 1, ctx->alloc.payload);
}

void *hm_ctx__calloc(hm_ctx *ctx, size_t count, size_t size)
{
    void *p;

    if (size && count > SIZE_MAX / size)
        return NULL;
    p = hm_ctx__malloc(ctx, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *hm_ctx__reallocarray(hm_ctx *ctx, void *ptr, size_t count, size_t size)
{
    size_t bytes;

    if (size && count > SIZE_MAX / size)
        return NULL;
    bytes = count * size;
    return ctx->alloc.realloc_fn(ptr, bytes ? bytes : 1, ctx->alloc.payload);
}

void hm_ctx__free(hm_ctx *ctx, void *ptr)
{
    if (ptr)
        ctx->alloc.free_fn(ptr, ctx->alloc.payload);
}

char *hm_ctx__strndup(hm_ctx *ctx, const char *s, size_t len)
{
    char *d;

    if (len == SIZE_MAX)
        return NULL;
    d = hm_ctx__malloc(ctx, len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *hm_ctx__strdup(hm_ctx *ctx, const char *s)
{
    return hm_ctx__strndup(ctx, s, strlen(s));
}

int hm_ctx__grow(hm_ctx *ctx, void **array, size_t *capacity, size_t need, size_t size)
{
    size_t cap = *capacity;
    void *p;

    if (need <= cap)
        return HM_OK;
    if (cap < 16)
        cap = 16;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return HM_RAISE_NOMEM(ctx);
        cap *= 2;
    }
    p = hm_ctx__reallocarray(ctx, *array, cap, size);
    if (!p)
        return HM_RAISE_NOMEM(ctx);
    *array = p;
    *capacity = cap;
    return HM_OK;
}

int hm_ctx__vraise(hm_ctx *ctx, int code, const char *path, long line, int64_t offset,
                   const char *src_file, int src_line, const char *fmt, va_list ap)
{
    const char *base = strrchr(src_file, '/');

    vsnprintf(ctx->err_message, sizeof(ctx->err_message), fmt, ap);
    snprintf(ctx->err_path, sizeof(ctx->err_path), "%s", path ? path : "");
    snprintf(ctx->err_where, sizeof(ctx->err_where), "%s:%d", base ? base + 1 : src_file,
             src_line);
    ctx->err.code = code;
    ctx->err.message = ctx->err_message;
    ctx->err.path = ctx->err_path;
    ctx->err.line = line;
    ctx->err.offset = offset;
    ctx->err.where = ctx->err_where;
    ctx->has_error = 1;
    return code;
}

int hm_ctx__raise(hm_ctx *ctx, int code, const char *path, long line, int64_t offset,
                  const char *src_file, int src_line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    hm_ctx__vraise(ctx, code, path, line, offset, src_file, src_line, fmt, ap);
    va_end(ap);
    return code;
}

void hm_ctx__copy_error(hm_ctx *to, const hm_ctx *from)
{
    if (!from->has_error) {
        to->has_error = 0;
        return;
    }
    memcpy(to->err_message, from->err_message, sizeof(to->err_message));
    memcpy(to->err_path, from->err_path, sizeof(to->err_path));
    memcpy(to->err_where, from->err_where, sizeof(to->err_where));
    to->err = from->err;
    to->err.message = to->err_message;
    to->err.path = to->err_path;
    to->err.where = to->err_where;
    to->has_error = 1;
}

void hm_ctx__log(hm_ctx *ctx, hm_log_level level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    if (!ctx->log_fn)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ctx->log_fn(level, msg, ctx->log_payload);
}
