/* SPDX-License-Identifier: MIT */
/*
 * The spill file: parts whose geometry waited on disk give a store whose
 * index is byte for byte the one of the same parts kept in memory, the
 * parts hold no geometry once spilled, and a folder that cannot take a
 * spill file means no spill (the parts stay in memory), never an error.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/source_int.h"
#include "store/store_int.h"
#include "track/builder_int.h"
#include "test_util.h"

#define NFILES 3

static hm_ctx *ctx;

/* File f: 2 + f activities, each a zigzag of 400 fixes 20 m apart near 46 N, 14.5 E. */
static hm_file *make_file(int f)
{
    hm_builder *b;
    hm_file *file;
    int a, i;

    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "mem.gpx", HM_FORMAT_GPX) == HM_OK);
    for (a = 0; a < 2 + f; a++) {
        CU_ASSERT_FATAL(hm_builder__begin_activity(b) == HM_OK);
        for (i = 0; i < 400; i++) {
            hm_point p;
            hm_point__init(&p);
            p.lat = 46.0 + 0.00018 * i + 0.001 * a;
            p.lon = 14.5 + 0.0002 * f + (i % 7) * 0.00005;
            p.time = 1.6e9 + 86400.0 * (3 * f + a) + 5.0 * i;
            p.hr = 120 + i % 30;
            CU_ASSERT_FATAL(hm_builder__add_point(b, &p) == HM_OK);
        }
    }
    CU_ASSERT_FATAL(hm_builder__finish(b, &file) == HM_OK);
    hm_builder__free(b);
    return file;
}

static void make_parts(hm_store_part *parts)
{
    hm_store_clean clean;
    int f;

    memset(&clean, 0, sizeof(clean));
    clean.max_gap = 1000.0;
    for (f = 0; f < NFILES; f++) {
        hm_file *file = make_file(f);
        CU_ASSERT_FATAL(hm_store__part_from_file(&parts[f], ctx, file, &clean) == HM_OK);
        hm_file_free(file);
    }
}

static hm_store *store_of(const hm_store_part *parts, hm_listing_entry *entries)
{
    hm_store_input inputs[NFILES];
    hm_store_info info;
    hm_store *s = NULL;
    int f;

    memset(&info, 0, sizeof(info));
    info.source = "/nowhere";
    info.options = "";
    memset(inputs, 0, sizeof(inputs));
    for (f = 0; f < NFILES; f++) {
        inputs[f].entry = &entries[f];
        inputs[f].part = &parts[f];
    }
    CU_ASSERT_FATAL(hm_store__build_memory(&s, ctx, &info, inputs, NFILES) == HM_OK);
    return s;
}

/* A context, a new folder for the spill file (its path in path) and the files' listing. */
static void begin(char *dir, char *path, size_t size, hm_listing_entry *entries)
{
    static char rel[NFILES][8] = {"a.gpx", "b.gpx", "c.gpx"};
    int f;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    snprintf(path, size, "%s/s.hmstore", dir);
    memset(entries, 0, NFILES * sizeof(*entries));
    for (f = 0; f < NFILES; f++) {
        entries[f].rel = rel[f];
        entries[f].size = 1000 + f;
        entries[f].mtime_ns = 1;
    }
}

static void test_spill__same_store(void)
{
    hm_store_part kept[NFILES], spilled[NFILES];
    hm_listing_entry entries[NFILES];
    char dir[] = "/tmp/hm_spill_XXXXXX", path[64];
    hm_store_spill *spill = NULL;
    hm_store *a, *b;
    int f, k, any = 0;

    begin(dir, path, sizeof(path), entries);
    make_parts(kept);
    make_parts(spilled);
    CU_ASSERT_EQUAL_FATAL(hm_store__spill_new(&spill, ctx, path), HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(spill);
    for (f = 0; f < NFILES; f++)
        hm_store__spill_part(spill, &spilled[f]);
    /* every level's arrays left memory; the counts stayed */
    for (f = 0; f < NFILES; f++) {
        CU_ASSERT_EQUAL(spilled[f].spilled, 1);
        for (k = 0; k < spilled[f].chunk.layout.nlevels; k++) {
            CU_ASSERT_PTR_NULL(spilled[f].chunk.levels[k].points);
            CU_ASSERT_PTR_NULL(spilled[f].chunk.levels[k].pieces);
            CU_ASSERT_EQUAL(spilled[f].chunk.levels[k].npoints, kept[f].chunk.levels[k].npoints);
        }
    }
    CU_ASSERT(hm_store__spill_get_size(spill) > 0);
    /* the spill file is unlinked at once: the folder holds nothing */
    CU_ASSERT_EQUAL(rmdir(dir), 0);
    a = store_of(kept, entries);
    b = store_of(spilled, entries);
    CU_ASSERT_EQUAL_FATAL(a->index.nlevels, b->index.nlevels);
    for (k = 0; k < a->index.nlevels; k++) {
        const hm_level *la = &a->index.levels[k], *lb = &b->index.levels[k];
        size_t asize = hm_index__attr_size(la->packed);
        CU_ASSERT_EQUAL_FATAL(la->npieces, lb->npieces);
        CU_ASSERT_EQUAL_FATAL(la->npoints, lb->npoints);
        CU_ASSERT(memcmp(la->pieces, lb->pieces, la->npieces * sizeof(hm_piece)) == 0);
        CU_ASSERT(memcmp(la->points, lb->points, la->npoints * 2 * sizeof(int32_t)) == 0);
        CU_ASSERT(memcmp(la->attrs, lb->attrs, la->npoints * asize) == 0);
        CU_ASSERT_EQUAL_FATAL(la->tree.nboxes, lb->tree.nboxes);
        CU_ASSERT(memcmp(la->tree.boxes, lb->tree.boxes, la->tree.nboxes * 4 * sizeof(double)) ==
                  0);
        any += la->npoints > 0;
    }
    CU_ASSERT(any >= 10); /* level 0 and the levels of detail all hold points */
    hm_store__release(a);
    hm_store__release(b);
    for (f = 0; f < NFILES; f++) {
        hm_store__part_free(&kept[f]);
        hm_store__part_free(&spilled[f]);
    }
    hm_store__spill_free(spill);
    hm_ctx_free(ctx);
    ctx = NULL;
}

/* A spill file that cannot take more (a full disk, here a file size limit): the part being
 * moved and every later one keep their arrays, and the store is the same. */
static void test_spill__write_fails(void)
{
    hm_store_part kept[NFILES], tried[NFILES];
    hm_listing_entry entries[NFILES];
    char dir[] = "/tmp/hm_spill_XXXXXX", path[64];
    hm_store_spill *spill = NULL;
    struct rlimit old, small;
    void (*was)(int);
    hm_store *a, *b;
    int f, k;

    begin(dir, path, sizeof(path), entries);
    make_parts(kept);
    make_parts(tried);
    CU_ASSERT_EQUAL_FATAL(hm_store__spill_new(&spill, ctx, path), HM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(spill);
    /* Files may not grow past 4 KiB: the first part's pieces already do not fit. */
    CU_ASSERT_FATAL(getrlimit(RLIMIT_FSIZE, &old) == 0);
    small = old;
    small.rlim_cur = 4096;
    was = signal(SIGXFSZ, SIG_IGN);
    CU_ASSERT_FATAL(setrlimit(RLIMIT_FSIZE, &small) == 0);
    for (f = 0; f < NFILES; f++)
        hm_store__spill_part(spill, &tried[f]);
    CU_ASSERT_FATAL(setrlimit(RLIMIT_FSIZE, &old) == 0);
    signal(SIGXFSZ, was);
    for (f = 0; f < NFILES; f++) {
        CU_ASSERT_EQUAL(tried[f].spilled, 0);
        for (k = 0; k < tried[f].chunk.layout.nlevels; k++)
            if (tried[f].chunk.levels[k].npoints)
                CU_ASSERT_PTR_NOT_NULL(tried[f].chunk.levels[k].points);
    }
    a = store_of(kept, entries);
    b = store_of(tried, entries);
    for (k = 0; k < a->index.nlevels; k++) {
        const hm_level *la = &a->index.levels[k], *lb = &b->index.levels[k];
        CU_ASSERT_EQUAL_FATAL(la->npoints, lb->npoints);
        CU_ASSERT(memcmp(la->points, lb->points, la->npoints * 2 * sizeof(int32_t)) == 0);
    }
    hm_store__release(a);
    hm_store__release(b);
    for (f = 0; f < NFILES; f++) {
        hm_store__part_free(&kept[f]);
        hm_store__part_free(&tried[f]);
    }
    hm_store__spill_free(spill);
    CU_ASSERT_EQUAL(rmdir(dir), 0);
    hm_ctx_free(ctx);
    ctx = NULL;
}

/* A folder that cannot take the file: no spill and no error. */
static void test_spill__no_folder(void)
{
    hm_store_spill *spill = (hm_store_spill *)&spill;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_EQUAL(hm_store__spill_new(&spill, ctx, "/nonexistent-hm/dir/s.hmstore"), HM_OK);
    CU_ASSERT_PTR_NULL(spill);
    CU_ASSERT_PTR_NULL(hm_ctx_last_error(ctx));
    hm_ctx_free(ctx);
    ctx = NULL;
}

void hm_test_spill_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_spill__same_store", test_spill__same_store},
        {"test_spill__write_fails", test_spill__write_fails},
        {"test_spill__no_folder", test_spill__no_folder},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("spill", tests);
}
