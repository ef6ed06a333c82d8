/* SPDX-License-Identifier: MIT */
/*
 * A growable NUL-terminated string with a sticky out-of-memory flag: call
 * the appenders in a series, check hm_strbuf_failed() once at the end
 * (libgit2's git_str idea). Allocation goes through the context.
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

void hm_strbuf_put(hm_strbuf *b, const char *s, size_t len);
void hm_strbuf_puts(hm_strbuf *b, const char *s);
void hm_strbuf_printf(hm_strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* 1 when an append failed. */
int hm_strbuf_failed(const hm_strbuf *b);
/*
 * Hand the text over (never NULL on success: "" when nothing was appended).
 * @return HM_OK, or HM_ENOMEM (raised on the context; the buffer is freed).
 */
int hm_strbuf_detach(hm_strbuf *b, char **out);
void hm_strbuf_free(hm_strbuf *b);

#endif /* HM_CORE_STRBUF_INT_H */
