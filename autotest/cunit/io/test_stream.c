/* SPDX-License-Identifier: MIT */
/* Tests of src/io/stream.c: memory and file streams, gzip, the size limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "io/stream_int.h"
#include "test_util.h"

/* Write bytes to a fresh temporary file; returns its path (static buffer). */
static const char *temp_file(const void *data, size_t len)
{
    static char path[64];
    int fd;

    snprintf(path, sizeof(path), "/tmp/hm_stream_XXXXXX");
    fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, data, len) == (ssize_t)len);
    close(fd);
    return path;
}

/* gzip-compress src into a malloc'd buffer. */
static unsigned char *gzip_bytes(const void *src, size_t len, size_t *out_len)
{
    z_stream zs;
    size_t cap = compressBound((uLong)len) + 64;
    unsigned char *out = malloc(cap);

    memset(&zs, 0, sizeof(zs));
    CU_ASSERT_FATAL(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) ==
                    Z_OK);
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    CU_ASSERT_FATAL(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    *out_len = cap - zs.avail_out;
    deflateEnd(&zs);
    return out;
}

/* Read a whole stream; returns the code of the first failing read. */
static int drain(hm_stream *s, unsigned char *buf, size_t cap, size_t *total)
{
    unsigned char chunk[1000];
    size_t got;
    int rc;

    *total = 0;
    for (;;) {
        if ((rc = hm_stream__read(s, chunk, sizeof(chunk), &got)) != HM_OK)
            return rc;
        if (!got)
            return HM_OK;
        if (buf && *total + got <= cap)
            memcpy(buf + *total, chunk, got);
        *total += got;
    }
}

static void test_stream__memory_peek_then_read(void)
{
    hm_ctx *ctx;
    hm_stream *s;
    unsigned char head[4], all[16];
    size_t got, total;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_stream__new_memory(&s, ctx, "m", "hello world", 11), HM_OK);
    CU_ASSERT_EQUAL(hm_stream__peek(s, head, sizeof(head), &got), HM_OK);
    CU_ASSERT_EQUAL(got, 4);
    CU_ASSERT_EQUAL(memcmp(head, "hell", 4), 0);
    CU_ASSERT_EQUAL(drain(s, all, sizeof(all), &total), HM_OK);
    CU_ASSERT_EQUAL(total, 11);
    CU_ASSERT_EQUAL(memcmp(all, "hello world", 11), 0);
    CU_ASSERT_EQUAL(hm_stream__tell(s), 11);
    CU_ASSERT_EQUAL(hm_stream__peek(s, head, sizeof(head), &got), HM_EINVAL);
    hm_stream__free(s);
    hm_ctx_free(ctx);
}

static void test_stream__gzip_multi_member(void)
{
    static const char a[] = "first member|", b[] = "second member";
    unsigned char *ga, *gb, *both, out[64];
    size_t la, lb, total;
    hm_ctx *ctx;
    hm_stream *s;
    const char *path;

    ga = gzip_bytes(a, strlen(a), &la);
    gb = gzip_bytes(b, strlen(b), &lb);
    both = malloc(la + lb);
    memcpy(both, ga, la);
    memcpy(both + la, gb, lb);
    path = temp_file(both, la + lb);
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_stream__new_file(&s, ctx, path, 0), HM_OK);
    CU_ASSERT_EQUAL(drain(s, out, sizeof(out), &total), HM_OK);
    CU_ASSERT_EQUAL_FATAL(total, strlen(a) + strlen(b));
    CU_ASSERT_EQUAL(memcmp(out, "first member|second member", total), 0);
    CU_ASSERT_STRING_EQUAL(hm_stream__warning(s), "");
    hm_stream__free(s);
    unlink(path);
    hm_ctx_free(ctx);
    free(ga);
    free(gb);
    free(both);
}

static void test_stream__gzip_truncated(void)
{
    char text[5000];
    unsigned char *gz;
    size_t len, total;
    hm_ctx *ctx;
    hm_stream *s;
    const char *path;
    size_t i;

    for (i = 0; i < sizeof(text); i++)
        text[i] = (char)('a' + (i * 7919) % 26);
    gz = gzip_bytes(text, sizeof(text), &len);
    path = temp_file(gz, len / 2);
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_stream__new_file(&s, ctx, path, 0), HM_OK);
    CU_ASSERT_EQUAL(drain(s, NULL, 0, &total), HM_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(hm_ctx_last_error(ctx)->message, "truncated"));
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->path, path);
    hm_stream__free(s);
    unlink(path);
    hm_ctx_free(ctx);
    free(gz);
}

static void test_stream__gzip_bomb_hits_limit(void)
{
    /* 64 MiB of zeros compress to ~64 KiB; with a 1 MiB limit the read must stop early. */
    size_t big = 64u << 20, len, total;
    unsigned char *zeros = calloc(1, big), *gz;
    hm_ctx *ctx;
    hm_stream *s;
    const char *path;

    gz = gzip_bytes(zeros, big, &len);
    free(zeros);
    CU_ASSERT(len < big / 100);
    path = temp_file(gz, len);
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_stream__new_file(&s, ctx, path, 1u << 20), HM_OK);
    CU_ASSERT_EQUAL(drain(s, NULL, 0, &total), HM_EUNSUPPORTED);
    CU_ASSERT(total <= (1u << 20));
    CU_ASSERT_PTR_NOT_NULL(strstr(hm_ctx_last_error(ctx)->message, "limit"));
    hm_stream__free(s);
    unlink(path);
    hm_ctx_free(ctx);
    free(gz);
}

static void test_stream__missing_file(void)
{
    hm_ctx *ctx;
    hm_stream *s;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    CU_ASSERT_EQUAL(hm_stream__new_file(&s, ctx, "/nonexistent/x.gpx", 0), HM_EIO);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->path, "/nonexistent/x.gpx");
    hm_ctx_free(ctx);
}

void hm_test_stream_suite(void)
{
    static CU_TestInfo tests[] = {
        {"memory_peek_then_read", test_stream__memory_peek_then_read},
        {"gzip_multi_member", test_stream__gzip_multi_member},
        {"gzip_truncated", test_stream__gzip_truncated},
        {"gzip_bomb_hits_limit", test_stream__gzip_bomb_hits_limit},
        {"missing_file", test_stream__missing_file},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("stream", tests);
}
