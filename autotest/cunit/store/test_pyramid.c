/* SPDX-License-Identifier: MIT */
/*
 * The pyramid file (src/store/pyramid.c), with tiles made by hand: what is
 * written is what a lookup gives back, pixel for pixel; a tile that is not
 * there (or beyond the world or the zooms written) is empty; a flipped byte
 * in a tile's pixels makes that tile "damaged" (never its values), one in
 * the directory or header keeps the file from being used; a store written
 * again (a new generation) leaves no pyramid behind; and giving up leaves
 * nothing in the folder.
 */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"
#include "test_util.h"

static hm_ctx *ctx;

/* A store file with one empty activity file, in a new folder. */
static hm_store *new_store(char *dir, char *path, size_t size)
{
    hm_listing_entry entry;
    hm_store_input input;
    hm_store_part part;
    hm_store_info info;
    hm_error err;
    hm_store *s = NULL;

    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    snprintf(path, size, "%s/s.hmstore", dir);
    memset(&entry, 0, sizeof(entry));
    entry.rel = "a.gpx";
    entry.size = 10;
    entry.mtime_ns = 1;
    memset(&err, 0, sizeof(err));
    err.code = HM_EPARSE;
    err.message = "no track";
    err.path = "a.gpx";
    err.offset = -1;
    CU_ASSERT_FATAL(hm_store__part_failed(&part, ctx, HM_FORMAT_GPX, &err) == HM_OK);
    memset(&input, 0, sizeof(input));
    input.entry = &entry;
    input.part = &part;
    memset(&info, 0, sizeof(info));
    info.source = "/nowhere";
    info.options = "";
    CU_ASSERT_FATAL(hm_store__write_file(&s, ctx, path, &info, &input, 1) == HM_OK);
    hm_store__part_free(&part);
    return s;
}

/* The default view of a store. */
static const hm_pyramid *view(const hm_store *s)
{
    return hm_store__pyramid_find(s, "");
}

static hm_pyramid_pixel px(uint32_t pos, uint32_t count, float pace)
{
    hm_pyramid_pixel p;

    memset(&p, 0, sizeof(p));
    p.pos = pos;
    p.count = count;
    p.pace = pace;
    p.hr = NAN;
    p.recency = 19000.5f;
    return p;
}

static size_t files_in(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    CU_ASSERT_FATAL(d != NULL);
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Flip one byte of a file at off. */
static void flip(const char *path, long off)
{
    unsigned char c;
    int fd = open(path, O_RDWR);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(pread(fd, &c, 1, off) == 1);
    c ^= 0x40;
    CU_ASSERT_FATAL(pwrite(fd, &c, 1, off) == 1);
    close(fd);
}

static void rm_folder(const char *dir)
{
    char cmd[300];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT(system(cmd) == 0);
}

static void test_pyramid__round_trip(void)
{
    char dir[] = "/tmp/hm_pyramid_XXXXXX", path[64], pyr[80], why[128];
    const hm_pyramid_pixel a[2] = {px(0, 3, 300.0f), px(65535, 1, NAN)}, b[1] = {px(257, 2, 250.5f)};
    const hm_pyramid_pixel *got;
    uint64_t selection[1] = {1};
    int levels[4] = {0, 0, 1, 2};
    hm_pyramid_writer *w;
    hm_store *s, *again;
    size_t n;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    s = new_store(dir, path, sizeof(path));
    snprintf(pyr, sizeof(pyr), "%s.pyramid", path);
    CU_ASSERT_PTR_NULL(view(s));
    CU_ASSERT_EQUAL_FATAL(hm_store__pyramid_begin(&w, s, ctx, "", selection), HM_OK);
    CU_ASSERT_EQUAL(hm_store__pyramid_add(w, 0, 0, 0, NULL, 0), HM_OK); /* empty: no entry */
    CU_ASSERT_EQUAL(hm_store__pyramid_add(w, 3, 1, 2, a, 2), HM_OK);
    CU_ASSERT_EQUAL(hm_store__pyramid_add(w, 3, 2, 2, b, 1), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_store__pyramid_finish(w, 0, 3, levels), HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(view(s));
    CU_ASSERT_EQUAL(view(s)->header->zmax, 3);
    CU_ASSERT_EQUAL(view(s)->header->ntiles, 2);
    CU_ASSERT_EQUAL(view(s)->header->npixels, 3);
    CU_ASSERT_EQUAL(view(s)->header->index_level[3], 2);
    CU_ASSERT_EQUAL(view(s)->selection[0], 1);
    /* header 176 + selection 8 + 3 pixels of 20 (244, padded to 248) + 2 entries of 32 */
    CU_ASSERT_EQUAL(view(s)->size, 312);
    CU_ASSERT_EQUAL(files_in(dir), 2); /* the store and its pyramid: no temporary file left */

    CU_ASSERT_EQUAL(hm_store__pyramid_tile(view(s), 3, 1, 2, &got, &n), 1);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT(memcmp(got, a, sizeof(a)) == 0);
    CU_ASSERT_EQUAL(hm_store__pyramid_tile(view(s), 3, 2, 2, &got, &n), 1);
    CU_ASSERT(n == 1 && got[0].pos == 257 && got[0].count == 2 && got[0].pace == 250.5f);
    /* not written, beyond the world, beyond the zooms: empty */
    CU_ASSERT_EQUAL(hm_store__pyramid_tile(view(s), 3, 2, 1, &got, &n), 0);
    CU_ASSERT(n == 0 && got == NULL);
    CU_ASSERT_EQUAL(hm_store__pyramid_tile(view(s), 0, 0, 0, &got, &n), 0);
    CU_ASSERT_EQUAL(hm_store__pyramid_tile(view(s), 3, 8, 2, &got, &n), 0);
    CU_ASSERT_EQUAL(hm_store__pyramid_tile(view(s), 3, -1, 2, &got, &n), 0);
    CU_ASSERT_EQUAL(hm_store__pyramid_tile(view(s), 4, 2, 4, &got, &n), 0);

    /* Another process maps it with the store. */
    CU_ASSERT_EQUAL_FATAL(hm_store__open_file(&again, ctx, path, why, sizeof(why)), HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(view(again));
    CU_ASSERT_EQUAL(hm_store__pyramid_tile(view(again), 3, 1, 2, &got, &n), 1);
    hm_store__release(again);

    /* A pixel byte flipped (the mapping sees it): that tile is damaged, the other fine. */
    flip(pyr, 176 + 8 + 20 + 4);
    CU_ASSERT_EQUAL(hm_store__pyramid_tile(view(s), 3, 1, 2, &got, &n), -1);
    CU_ASSERT(n == 0 && got == NULL);
    CU_ASSERT_EQUAL(hm_store__pyramid_tile(view(s), 3, 2, 2, &got, &n), 1);
    flip(pyr, 176 + 8 + 20 + 4);
    /* A directory byte flipped: the file is not used. */
    flip(pyr, 248 + 32 + 4);
    CU_ASSERT_EQUAL_FATAL(hm_store__open_file(&again, ctx, path, why, sizeof(why)), HM_OK);
    CU_ASSERT_PTR_NULL(view(again));
    hm_store__release(again);
    flip(pyr, 248 + 32 + 4);
    /* Nor is a truncated one. */
    CU_ASSERT_EQUAL_FATAL(truncate(pyr, 300), 0);
    CU_ASSERT_EQUAL_FATAL(hm_store__open_file(&again, ctx, path, why, sizeof(why)), HM_OK);
    CU_ASSERT_PTR_NULL(view(again));
    hm_store__release(again);
    /* Written again whole; then the store is replaced by another content (a new
     * generation at the same path): the pyramid, intact, is not that store's. */
    CU_ASSERT_EQUAL_FATAL(hm_store__pyramid_begin(&w, s, ctx, "", selection), HM_OK);
    CU_ASSERT_EQUAL(hm_store__pyramid_add(w, 3, 1, 2, a, 2), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_store__pyramid_finish(w, 0, 3, levels), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_store__open_file(&again, ctx, path, why, sizeof(why)), HM_OK);
    CU_ASSERT_PTR_NOT_NULL(view(again));
    hm_store__release(again);
    hm_store__release(s);
    {
        char d2[] = "/tmp/hm_pyramid_XXXXXX", p2[64];
        hm_store *t = new_store(d2, p2, sizeof(p2));
        CU_ASSERT_EQUAL_FATAL(rename(p2, path), 0);
        hm_store__release(t);
        rm_folder(d2);
    }
    CU_ASSERT_EQUAL_FATAL(hm_store__open_file(&again, ctx, path, why, sizeof(why)), HM_OK);
    CU_ASSERT_PTR_NULL(view(again)); /* drawn from another content */
    hm_store__release(again);
    rm_folder(dir);
    hm_ctx_free(ctx);
    ctx = NULL;
}

/* Views side by side: each its own file, found by name, all removed with the store's
 * content. */
static void test_pyramid__views(void)
{
    char dir[] = "/tmp/hm_pyramid_XXXXXX", path[64], why[128];
    const hm_pyramid_pixel a[1] = {px(7, 4, 300.0f)}, b[1] = {px(9, 1, 200.0f)};
    const hm_pyramid_pixel *got;
    uint64_t all[1] = {1}, some[1] = {0};
    int levels[2] = {0, 0};
    hm_pyramid_writer *w;
    hm_store *s, *again;
    size_t n;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    s = new_store(dir, path, sizeof(path));
    CU_ASSERT_EQUAL_FATAL(hm_store__pyramid_begin(&w, s, ctx, "", all), HM_OK);
    CU_ASSERT_EQUAL(hm_store__pyramid_add(w, 1, 0, 1, a, 1), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_store__pyramid_finish(w, 0, 1, levels), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_store__pyramid_begin(&w, s, ctx, "running", some), HM_OK);
    CU_ASSERT_EQUAL(hm_store__pyramid_add(w, 1, 0, 1, b, 1), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_store__pyramid_finish(w, 0, 1, levels), HM_OK);
    CU_ASSERT_EQUAL(s->npyramids, 2);
    CU_ASSERT_EQUAL(files_in(dir), 3);
    CU_ASSERT_PTR_NULL(hm_store__pyramid_find(s, "cycling"));
    CU_ASSERT_EQUAL(hm_store__pyramid_tile(hm_store__pyramid_find(s, "running"), 1, 0, 1, &got,
                                           &n), 1);
    CU_ASSERT(n == 1 && got[0].count == 1 && got[0].pos == 9);
    CU_ASSERT_EQUAL(hm_store__pyramid_find(s, "running")->selection[0], 0);
    CU_ASSERT_EQUAL(hm_store__pyramid_tile(view(s), 1, 0, 1, &got, &n), 1);
    CU_ASSERT(n == 1 && got[0].count == 4);
    CU_ASSERT_EQUAL(hm_store__pyramid_bytes(s), hm_store__pyramid_find(s, "running")->size +
                                                    view(s)->size);
    /* Drawn again, a view replaces its own file only. */
    CU_ASSERT_EQUAL_FATAL(hm_store__pyramid_begin(&w, s, ctx, "running", some), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_store__pyramid_finish(w, 0, 1, levels), HM_OK);
    CU_ASSERT_EQUAL(s->npyramids, 2);
    CU_ASSERT_EQUAL(hm_store__pyramid_find(s, "running")->header->ntiles, 0);
    CU_ASSERT_EQUAL(view(s)->header->ntiles, 1);
    CU_ASSERT_EQUAL_FATAL(hm_store__open_file(&again, ctx, path, why, sizeof(why)), HM_OK);
    CU_ASSERT_EQUAL(again->npyramids, 2);
    hm_store__release(again);
    hm_store__pyramid_remove(path);
    CU_ASSERT_EQUAL(files_in(dir), 1);
    hm_store__release(s);
    rm_folder(dir);
    hm_ctx_free(ctx);
    ctx = NULL;
}

/* Giving up (a failed draw) leaves the folder as it was. */
static void test_pyramid__abort(void)
{
    char dir[] = "/tmp/hm_pyramid_XXXXXX", path[64];
    const hm_pyramid_pixel a[1] = {px(5, 1, 1.0f)};
    uint64_t selection[1] = {1};
    hm_pyramid_writer *w;
    hm_store *s;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    s = new_store(dir, path, sizeof(path));
    CU_ASSERT_EQUAL_FATAL(hm_store__pyramid_begin(&w, s, ctx, "", selection), HM_OK);
    CU_ASSERT_EQUAL(hm_store__pyramid_add(w, 1, 1, 1, a, 1), HM_OK);
    CU_ASSERT_EQUAL(files_in(dir), 2); /* the store and the temporary file ... */
    hm_store__pyramid_abort(w);
    CU_ASSERT_EQUAL(files_in(dir), 1); /* ... gone: the store alone */
    CU_ASSERT_PTR_NULL(view(s));
    hm_store__pyramid_abort(NULL);
    hm_store__release(s);
    rm_folder(dir);
    hm_ctx_free(ctx);
    ctx = NULL;
}

void hm_test_pyramid_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_pyramid__round_trip", test_pyramid__round_trip},
        {"test_pyramid__views", test_pyramid__views},
        {"test_pyramid__abort", test_pyramid__abort},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("pyramid", tests);
}
