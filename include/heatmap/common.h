/* SPDX-License-Identifier: MIT */
/*
 * Error codes, the context and logging: the pieces every other public header
 * uses. A context (hm_ctx) holds the allocator, the last error and the log
 * callback; nothing in the engine keeps mutable global state. A context is
 * used by one thread at a time; give each thread its own.
 */
#ifndef HEATMAP_COMMON_H
#define HEATMAP_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Success. Every engine function that can fail returns HM_OK or one of the negative codes. */
#define HM_OK 0
/** Generic failure. */
#define HM_ERROR (-1)
/** Out of memory, or a size computation overflowed. */
#define HM_ENOMEM (-2)
/** Could not open, list or read a file. */
#define HM_EIO (-3)
/** The input is not valid (XML not well-formed, FIT structure broken, ...). */
#define HM_EPARSE (-4)
/** An argument or option value is invalid. */
#define HM_EINVAL (-5)
/** The input is valid but of a kind this engine does not handle. */
#define HM_EUNSUPPORTED (-6)
/** A path or object does not exist. */
#define HM_ENOTFOUND (-7)

/** A short English name of an error code ("out of memory", ...). Never NULL; static storage. */
const char *hm_strerror(int code);

/** Severity of a log message. */
typedef enum hm_log_level {
    HM_LOG_DEBUG = 0,
    HM_LOG_WARNING = 1,
    HM_LOG_ERROR = 2
} hm_log_level;

/** Log callback: called synchronously on the thread that uses the context. */
typedef void (*hm_log_fn)(hm_log_level level, const char *msg, void *payload);

/**
 * An error or warning with its location. Strings are owned by the object that
 * returned it (the context or a file) and live until that object is freed or
 * the error is replaced.
 */
typedef struct hm_error {
    int code;            /**< HM_E* code; for a warning, the code the problem would have had */
    const char *message; /**< one line, without the path */
    const char *path;    /**< input file, or "" when none applies */
    long line;           /**< 1-based line in an XML file, or 0 when unknown or binary */
    int64_t offset;      /**< byte offset in the (decompressed) input, or -1 when unknown */
    const char *where;   /**< engine source location that raised it, for debug logs */
} hm_error;

/** Flags of hm_error_format(). */
#define HM_ERROR_FORMAT_NO_PATH 1 /**< leave the path out: "line 12: msg" */

/**
 * Format an error or warning the one way the project prints them:
 * "path:line: msg" for text files, "path: byte N: msg" for binary ones,
 * "path: msg" when the position is unknown (and without "path" parts when
 * there is no path or HM_ERROR_FORMAT_NO_PATH is given). Messages never
 * contain their own position; it is in the line and offset fields.
 * @return the length the full text needs (as snprintf).
 */
size_t hm_error_format(char *out, size_t size, const hm_error *error, int flags);

/** Custom allocator. All engine memory goes through it. */
typedef struct hm_allocator {
    void *(*malloc_fn)(size_t size, void *payload);
    void *(*realloc_fn)(void *ptr, size_t size, void *payload);
    void (*free_fn)(void *ptr, void *payload);
    void *payload;
} hm_allocator;

typedef struct hm_ctx hm_ctx;

/**
 * Create a context.
 * @param out receives the context; free it with hm_ctx_free().
 * @param allocator NULL for the C library's allocator; otherwise copied, and
 *        it must be thread-safe because contexts made from it may run on
 *        worker threads.
 * @return HM_OK or HM_ENOMEM.
 */
int hm_ctx_new(hm_ctx **out, const hm_allocator *allocator);

/** Free a context. hm_ctx_free(NULL) does nothing. */
void hm_ctx_free(hm_ctx *ctx);

/** Set the log callback (NULL to drop messages). */
void hm_ctx_set_log(hm_ctx *ctx, hm_log_fn fn, void *payload);

/**
 * The last error raised on this context, or NULL when there is none.
 * Borrowed: valid until the next engine call on the context.
 */
const hm_error *hm_ctx_last_error(const hm_ctx *ctx);

/** Forget the last error. */
void hm_ctx_clear_error(hm_ctx *ctx);

/** Free memory that the engine allocated for the caller (strings, arrays). NULL does nothing. */
void hm_ctx_free_mem(hm_ctx *ctx, void *ptr);

/**
 * Progress callback of long operations (reading the files of a source):
 * `done` of `total` steps. Called from worker threads, one call at a time.
 */
typedef void (*hm_progress_fn)(size_t done, size_t total, void *payload);

/** Set the progress callback (NULL for none). */
void hm_ctx_set_progress(hm_ctx *ctx, hm_progress_fn fn, void *payload);

#ifdef __cplusplus
}
#endif

#endif /* HEATMAP_COMMON_H */
