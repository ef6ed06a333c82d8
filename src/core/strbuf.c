/* SPDX-License-Identifier: MIT */
/* hm_strbuf: see strbuf_int.h. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/strbuf_int.h"

static int reserve(hm_strbuf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (extra > SIZE_MAX - b->n - 1 ||
        hm_ctx__grow(b->ctx, (void **)&b->s, &b->cap, b->n + extra + 1, 1) != HM_OK) {
        b->oom = 1;
        return -1;
    }
    return 0;
}

void hm_strbuf_put(hm_strbuf *b, const void *s, size_t len)
{
    if (reserve(b, len) != 0)
        return;
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
}

void hm_strbuf_puts(hm_strbuf *b, const char *s)
{
    hm_strbuf_put(b, s, strlen(s));
}

void hm_strbuf_printf(hm_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0) {
        b->oom = 1;
        return;
    }
    if (reserve(b, (size_t)len) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)len + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)len;
}

char *hm_strbuf_reserve(hm_strbuf *b, size_t extra)
{
    return reserve(b, extra) == 0 ? b->s + b->n : NULL;
}

void hm_strbuf_added(hm_strbuf *b, size_t n)
{
    assert(b->oom || b->n + n < b->cap);
    if (b->oom)
        return;
    b->n += n;
    b->s[b->n] = '\0';
}

void hm_strbuf_clear(hm_strbuf *b)
{
    b->n = 0;
    if (b->s)
        b->s[0] = '\0';
}

int hm_strbuf_failed(const hm_strbuf *b)
{
    return b->oom;
}

int hm_strbuf_detach(hm_strbuf *b, char **out)
{
    *out = NULL;
    if (!b->oom && !b->s)
        hm_strbuf_put(b, "", 0);
    if (b->oom) {
        hm_strbuf_free(b);
        return HM_RAISE_NOMEM(b->ctx);
    }
    *out = b->s;
    b->s = NULL;
    b->n = b->cap = 0;
    return HM_OK;
}

void hm_strbuf_free(hm_strbuf *b)
{
    hm_ctx__free(b->ctx, b->s);
    b->s = NULL;
    b->n = b->cap = 0;
}
