/* SPDX-License-Identifier: MIT */
/* Shared helpers for the CUnit suites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_util.h"

void hm_test_add_suite(const char *name, CU_TestInfo *tests)
{
    CU_SuiteInfo suites[] = {{name, NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
    CU_register_suites(suites);
}

unsigned char *hm_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;

    *len = 0;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            *len = (size_t)n;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

/* Counts one allocation and says whether it must fail. */
static int test_alloc_fails(hm_test_alloc *t)
{
    long n = t->count++;

    return t->fail_at >= 0 && (t->sticky ? n >= t->fail_at : n == t->fail_at);
}

static void *test_alloc_malloc(size_t size, void *payload)
{
    hm_test_alloc *t = payload;
    void *p;

    if (test_alloc_fails(t))
        return NULL;
    if ((p = malloc(size)) != NULL)
        t->live++;
    return p;
}

static void *test_alloc_realloc(void *ptr, size_t size, void *payload)
{
    hm_test_alloc *t = payload;
    void *p;

    if (test_alloc_fails(t))
        return NULL;
    /* Only a fresh block (realloc of NULL) adds to live; resizing keeps the count. */
    if ((p = realloc(ptr, size)) != NULL && !ptr)
        t->live++;
    return p;
}

static void test_alloc_free(void *ptr, void *payload)
{
    hm_test_alloc *t = payload;

    if (ptr)
        t->live--;
    free(ptr);
}

hm_allocator hm_test_alloc_make(hm_test_alloc *t)
{
    hm_allocator a;

    a.malloc_fn = test_alloc_malloc;
    a.realloc_fn = test_alloc_realloc;
    a.free_fn = test_alloc_free;
    a.payload = t;
    return a;
}

int hm_test_have_shared(void)
{
    static int noted;
    struct stat st;

    if (stat(HM_SHARED_TESTDATA "/tracks", &st) == 0 && S_ISDIR(st.st_mode))
        return 1;
    if (!noted) {
        fprintf(stderr, "SKIP: %s/tracks not found; corpus tests need ../shared beside the repo\n",
                HM_SHARED_TESTDATA);
        noted = 1;
    }
    return 0;
}

hm_file *hm_test_parse_ok(hm_ctx *ctx, hm_test_parse_fn parse, const char *path, const char *doc,
                          size_t len)
{
    hm_file *f = NULL;
    int rc = parse(&f, ctx, path, doc, len);

    CU_ASSERT_EQUAL(rc, HM_OK);
    if (rc != HM_OK) {
        const hm_error *e = hm_ctx_last_error(ctx);
        fprintf(stderr, "\n  unexpected: %d %s\n", rc, e ? e->message : "");
    }
    return f;
}

const hm_error *hm_test_parse_fail(hm_ctx *ctx, hm_test_parse_fn parse, const char *path,
                                   const char *doc, size_t len, int code)
{
    hm_file *f = (hm_file *)1;
    const hm_error *e;

    hm_ctx_clear_error(ctx);
    CU_ASSERT_EQUAL(parse(&f, ctx, path, doc, len), code);
    CU_ASSERT_PTR_NULL(f);
    e = hm_ctx_last_error(ctx);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->code, code);
    CU_ASSERT_STRING_EQUAL(e->path, path);
    if (e->line < 1 && e->offset < 0)
        fprintf(stderr, "\n  error without a position: %s\n", e->message);
    return e;
}

int hm_test_has_warning(const hm_file *f, const char *needle, long line)
{
    size_t i;

    for (i = 0; i < hm_file_get_warning_count(f); i++) {
        const hm_error *w = hm_file_get_warning(f, i);
        if (strstr(w->message, needle) && (line == 0 || w->line == line))
            return 1;
    }
    fprintf(stderr, "\n  no warning \"%s\" at line %ld among:\n", needle, line);
    for (i = 0; i < hm_file_get_warning_count(f); i++)
        fprintf(stderr, "    %ld: %s\n", hm_file_get_warning(f, i)->line,
                hm_file_get_warning(f, i)->message);
    return 0;
}
