/* SPDX-License-Identifier: MIT */
/*
 * The one growable buffer of the project: a NUL-terminated string, or bytes
 * (NULs included: put copies len bytes), with a sticky out-of-memory flag.
 * Call the appenders in a series and check hm_strbuf_failed() once at the
 * end (libgit2's git_str idea): after a failure every append does nothing,
 * so the text is never silently incomplete. Allocation goes through the
 * context (a failure is also raised on it). Text that the engine writes
 * (keys, SQL, descriptors, messages) and files the sample generator writes
 * are built with it.
 */
#ifndef HM_CORE_STRBUF_INT_H
#define HM_CORE_STRBUF_INT_H

#include "core/ctx_int.h"

typedef struct hm_strbuf {
    hm_ctx *ctx; /* allocator */
    char *s;     /* text, NUL-terminated once anything was appended; NULL before */
    size_t n;    /* length */
    size_t cap;  /* allocated bytes */
    int oom;     /* 1 once an append failed: the text is incomplete */
} hm_strbuf;

#define HM_STRBUF_INIT(ctx) {(ctx), NULL, 0, 0, 0}

void hm_strbuf_put(hm_strbuf *b, const void *s, size_t len);
void hm_strbuf_puts(hm_strbuf *b, const char *s);
void hm_strbuf_printf(hm_strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/*
 * Room for `extra` more bytes (and the NUL) after the text, for a writer that fills them
 * in place (a compressor): returns where they go, b->s + b->n, or NULL when this or an
 * earlier append failed. Say how many were written with hm_strbuf_added().
 */
char *hm_strbuf_reserve(hm_strbuf *b, size_t extra);
/* n bytes (at most the `extra` of the last hm_strbuf_reserve) were written after the text. */
void hm_strbuf_added(hm_strbuf *b, size_t n);
/* Empty the text, keeping its memory (and a failure: it stays sticky). */
void hm_strbuf_clear(hm_strbuf *b);
/* 1 when an append failed. */
int hm_strbuf_failed(const hm_strbuf *b);
/*
 * Hand the text over (never NULL on success: "" when nothing was appended).
 * @return HM_OK, or HM_ENOMEM (raised on the context; the buffer is freed).
 */
int hm_strbuf_detach(hm_strbuf *b, char **out);
void hm_strbuf_free(hm_strbuf *b);

#endif /* HM_CORE_STRBUF_INT_H */
