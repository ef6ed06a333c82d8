/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/core/strbuf.c: text and bytes appended in a series, filled in
 * place, cleared, handed over; and the sticky failure: with allocation i
 * failing, for every i, the series ends in HM_ENOMEM with nothing leaked and
 * no partial text handed over.
 */
#include <string.h>

#include "core/strbuf_int.h"
#include "test_util.h"

static hm_ctx *ctx;

static hm_ctx *test_ctx(void)
{
    if (!ctx)
        CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    return ctx;
}

static void test_strbuf__series(void)
{
    hm_strbuf b = HM_STRBUF_INIT(test_ctx());
    char *out = NULL;

    hm_strbuf_puts(&b, "zoom=");
    hm_strbuf_printf(&b, "%d", 14);
    hm_strbuf_put(&b, ";xyz", 2);
    CU_ASSERT_FALSE(hm_strbuf_failed(&b));
    CU_ASSERT_EQUAL(b.n, 9);
    CU_ASSERT_STRING_EQUAL(b.s, "zoom=14;x");
    CU_ASSERT_EQUAL_FATAL(hm_strbuf_detach(&b, &out), HM_OK);
    CU_ASSERT_STRING_EQUAL(out, "zoom=14;x");
    CU_ASSERT_PTR_NULL(b.s); /* handed over */
    hm_ctx_free_mem(ctx, out);
}

static void test_strbuf__empty_detaches_as_empty_text(void)
{
    hm_strbuf b = HM_STRBUF_INIT(test_ctx());
    char *out = NULL;

    CU_ASSERT_EQUAL_FATAL(hm_strbuf_detach(&b, &out), HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL(out, "");
    hm_ctx_free_mem(ctx, out);
    hm_strbuf_free(&b); /* after a detach: nothing to free, and no harm */
}

static void test_strbuf__bytes(void)
{
    static const unsigned char bytes[] = {0x0e, 0x10, 0x00, 0xff, 0x00};
    hm_strbuf b = HM_STRBUF_INIT(test_ctx());
    char *room;
    size_t i;

    hm_strbuf_put(&b, bytes, sizeof(bytes));
    CU_ASSERT_EQUAL(b.n, sizeof(bytes));
    CU_ASSERT_EQUAL(memcmp(b.s, bytes, sizeof(bytes)), 0);
    CU_ASSERT_EQUAL(b.s[b.n], '\0'); /* still terminated after the bytes */
    /* filled in place, as a compressor writes: room for more than is used */
    room = hm_strbuf_reserve(&b, 1000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(room);
    CU_ASSERT_PTR_EQUAL(room, b.s + b.n);
    for (i = 0; i < 300; i++)
        room[i] = (char)('a' + i % 26);
    hm_strbuf_added(&b, 300);
    CU_ASSERT_EQUAL(b.n, sizeof(bytes) + 300);
    CU_ASSERT_EQUAL(b.s[b.n], '\0');
    CU_ASSERT_EQUAL(b.s[sizeof(bytes) + 27], 'b');
    /* cleared, memory kept for the next file */
    room = b.s;
    hm_strbuf_clear(&b);
    CU_ASSERT_EQUAL(b.n, 0);
    CU_ASSERT_STRING_EQUAL(b.s, "");
    hm_strbuf_puts(&b, "again");
    CU_ASSERT_PTR_EQUAL(b.s, room);
    CU_ASSERT_STRING_EQUAL(b.s, "again");
    hm_strbuf_free(&b);
    CU_ASSERT_PTR_NULL(b.s);
    hm_strbuf_clear(&b); /* of a freed buffer: nothing to clear */
    CU_ASSERT_EQUAL(b.n, 0);
}

/* A series of appends that allocates several times; returns the detach's code. */
static int run_series(hm_test_alloc *fa, int *failed_early)
{
    hm_allocator a = hm_test_alloc_make(fa);
    hm_ctx *c = NULL;
    hm_strbuf b;
    char *out = NULL, *room;
    int i, rc;

    if (hm_ctx_new(&c, &a) != HM_OK)
        return HM_ENOMEM;
    {
        hm_strbuf init = HM_STRBUF_INIT(c);
        b = init;
    }
    *failed_early = 0;
    for (i = 0; i < 40; i++) {
        hm_strbuf_printf(&b, "item %d, ", i);
        hm_strbuf_puts(&b, "and some more text to grow the buffer; ");
        if (hm_strbuf_failed(&b)) {
            size_t n = b.n;
            /* sticky: nothing more is appended, whatever is asked */
            hm_strbuf_puts(&b, "x");
            hm_strbuf_printf(&b, "%s", "y");
            *failed_early |= b.n != n || hm_strbuf_reserve(&b, 1) != NULL;
        }
    }
    room = hm_strbuf_reserve(&b, 4096);
    if (room) {
        memset(room, 'z', 4096);
        hm_strbuf_added(&b, 4096);
    }
    rc = hm_strbuf_detach(&b, &out);
    if (rc == HM_OK) {
        CU_ASSERT(strlen(out) > 4096 && out[strlen(out) - 1] == 'z');
        hm_ctx_free_mem(c, out);
    } else {
        CU_ASSERT_PTR_NULL(out); /* never a partial text */
        CU_ASSERT_EQUAL(hm_ctx_last_error(c)->code, HM_ENOMEM);
    }
    hm_ctx_free(c);
    return rc;
}

static void test_strbuf__allocation_failures(void)
{
    hm_test_alloc fa = {-1, 0, 0, 0};
    long total, i;
    int early;

    CU_ASSERT_EQUAL_FATAL(run_series(&fa, &early), HM_OK);
    CU_ASSERT_EQUAL(fa.live, 0);
    total = fa.count;
    CU_ASSERT(total > 5);
    for (i = 1; i < total; i++) { /* allocation 0 is the context */
        hm_test_alloc f = {i, 0, 0, 0};

        CU_ASSERT_EQUAL(run_series(&f, &early), HM_ENOMEM);
        CU_ASSERT_FALSE(early);
        CU_ASSERT_EQUAL(f.live, 0);
    }
}

static void test_strbuf__cleanup(void)
{
    hm_ctx_free(ctx);
    ctx = NULL;
}

void hm_test_strbuf_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_strbuf__series", test_strbuf__series},
        {"test_strbuf__empty_detaches_as_empty_text", test_strbuf__empty_detaches_as_empty_text},
        {"test_strbuf__bytes", test_strbuf__bytes},
        {"test_strbuf__allocation_failures", test_strbuf__allocation_failures},
        {"test_strbuf__cleanup", test_strbuf__cleanup},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("strbuf", tests);
}
