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

/* File f: 2 + f activities, each a zigzag of n fixes 20 m apart near 46 N, 14.5 E (a new
 * row of the zigzag every 400 fixes). */
static hm_file *make_file(int f, int n)
{
    hm_builder *b;
    hm_file *file;
    int a, i;

    CU_ASSERT_FATAL(hm_builder__new(&b, ctx, "mem.gpx", HM_FORMAT_GPX) == HM_OK);
    for (a = 0; a < 2 + f; a++) {
        CU_ASSERT_FATAL(hm_builder__begin_activity(b) == HM_OK);
        for (i = 0; i < n; i++) {
            hm_point p;
            hm_point__init(&p);
            p.lat = 46.0 + 0.00018 * (i % 400) + 0.001 * a;
            p.lon = 14.5 + 0.0002 * f + (i % 7) * 0.00005 + 0.003 * (i / 400);
            p.time = 1.6e9 + 86400.0 * (3 * f + a) + 5.0 * i;
            p.hr = 120 + i % 30;
            CU_ASSERT_FATAL(hm_builder__add_point(b, &p) == HM_OK);
        }
    }
    CU_ASSERT_FATAL(hm_builder__finish(b, &file) == HM_OK);
    hm_builder__free(b);
    return file;
}

static void make_parts(hm_store_part *parts, int n)
{
    hm_store_clean clean;
    int f;

    memset(&clean, 0, sizeof(clean));
    clean.max_gap = 1000.0;
    for (f = 0; f < NFILES; f++) {
        hm_file *file = make_file(f, n);
        CU_ASSERT_FATAL(hm_store__part_from_file(&parts[f], ctx, file, &clean) == HM_OK);
        hm_file_free(file);
    }
}

/* What a store of the parts is written from: the info and one input per part. */
static void inputs_of(hm_store_info *info, hm_store_input *inputs, const hm_store_part *parts,
                      hm_listing_entry *entries)
{
    int f;

    memset(info, 0, sizeof(*info));
    info->source = "/nowhere";
    info->options = "";
    memset(inputs, 0, NFILES * sizeof(*inputs));
    for (f = 0; f < NFILES; f++) {
        inputs[f].entry = &entries[f];
        inputs[f].part = &parts[f];
    }
}

static hm_store *store_of(const hm_store_part *parts, hm_listing_entry *entries)
{
    hm_store_input inputs[NFILES];
    hm_store_info info;
    hm_store *s = NULL;

    inputs_of(&info, inputs, parts, entries);
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
    make_parts(kept, 400);
    make_parts(spilled, 400);
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
    make_parts(kept, 400);
    make_parts(tried, 400);
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

/* Every byte of a store file after the header (which has the time and a random
 * generation); NULL when it cannot be read. */
static unsigned char *file_body(const char *path, size_t *size)
{
    unsigned char *buf = NULL;
    FILE *fp = fopen(path, "rb");
    long n;

    if (fp && fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > (long)sizeof(hm_store_header) &&
        fseek(fp, (long)sizeof(hm_store_header), SEEK_SET) == 0) {
        *size = (size_t)n - sizeof(hm_store_header);
        if ((buf = malloc(*size)) && fread(buf, 1, *size, fp) != *size) {
            free(buf);
            buf = NULL;
        }
    }
    if (fp)
        fclose(fp);
    return buf;
}

/* How a cold build writes: parts from the spill file to a store file, through buffers that
 * a helper thread writes at their offsets. A store of several buffers is the image a memory
 * build makes, byte for byte after the header. */
static void test_spill__store_file(void)
{
    hm_store_part parts[NFILES];
    hm_store_input inputs[NFILES];
    hm_listing_entry entries[NFILES];
    char dir[] = "/tmp/hm_spill_XXXXXX", path[64], mem_path[64];
    hm_store_spill *spill = NULL;
    hm_store_sink *sink = NULL;
    unsigned char *image, *body_file, *body_mem;
    size_t size, nfile = 0, nmem = 0;
    hm_store_info info;
    hm_store *s = NULL;
    FILE *fp;
    int f;

    begin(dir, path, sizeof(path), entries);
    make_parts(parts, 30000);
    CU_ASSERT_EQUAL_FATAL(hm_store__spill_new(&spill, ctx, path), HM_OK);
    for (f = 0; f < NFILES; f++)
        hm_store__spill_part(spill, &parts[f]);
    inputs_of(&info, inputs, parts, entries);
    CU_ASSERT_EQUAL_FATAL(hm_store__write_file(&s, ctx, path, &info, inputs, NFILES), HM_OK);
    CU_ASSERT_PTR_NOT_NULL(s);
    hm_store__release(s);
    /* The same inputs through a memory sink. */
    CU_ASSERT_EQUAL_FATAL(hm_store__sink_memory(&sink, ctx), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_store__write(sink, ctx, &info, inputs, NFILES, 0), HM_OK);
    hm_store__sink_take(sink, &image, &size);
    hm_store__sink_free(sink);
    snprintf(mem_path, sizeof(mem_path), "%s/m.hmstore", dir);
    CU_ASSERT_FATAL((fp = fopen(mem_path, "wb")) != NULL);
    CU_ASSERT_EQUAL(fwrite(image, 1, size, fp), size);
    fclose(fp);
    hm_ctx__free(ctx, image);
    body_file = file_body(path, &nfile);
    body_mem = file_body(mem_path, &nmem);
    CU_ASSERT_FATAL(body_file && body_mem);
    CU_ASSERT(nfile > 4 * (1u << 20)); /* more bytes than the sink's buffers hold */
    CU_ASSERT_EQUAL_FATAL(nfile, nmem);
    CU_ASSERT(memcmp(body_file, body_mem, nfile) == 0);
    free(body_file);
    free(body_mem);
    CU_ASSERT_EQUAL(unlink(mem_path), 0);
    CU_ASSERT_EQUAL(unlink(path), 0);
    hm_store__pyramid_remove(path);
    {
        char lock[80];
        snprintf(lock, sizeof(lock), "%s.lock", path);
        unlink(lock);
    }
    for (f = 0; f < NFILES; f++)
        hm_store__part_free(&parts[f]);
    hm_store__spill_free(spill);
    CU_ASSERT_EQUAL(rmdir(dir), 0);
    hm_ctx_free(ctx);
    ctx = NULL;
}

/* A store file that cannot be written to its end (a full disk, here a file size limit of
 * 2 MiB, past the first buffers): HM_EIO with the reason, and no file is left behind. */
static void test_spill__store_file_write_fails(void)
{
    hm_store_part parts[NFILES];
    hm_store_input inputs[NFILES];
    hm_listing_entry entries[NFILES];
    char dir[] = "/tmp/hm_spill_XXXXXX", path[64];
    const hm_error *e;
    struct rlimit old, small;
    void (*was)(int);
    hm_store_info info;
    hm_store *s = NULL;
    int f, rc;

    begin(dir, path, sizeof(path), entries);
    make_parts(parts, 30000);
    inputs_of(&info, inputs, parts, entries);
    CU_ASSERT_FATAL(getrlimit(RLIMIT_FSIZE, &old) == 0);
    small = old;
    small.rlim_cur = 2u << 20;
    was = signal(SIGXFSZ, SIG_IGN);
    CU_ASSERT_FATAL(setrlimit(RLIMIT_FSIZE, &small) == 0);
    rc = hm_store__write_file(&s, ctx, path, &info, inputs, NFILES);
    CU_ASSERT_FATAL(setrlimit(RLIMIT_FSIZE, &old) == 0);
    signal(SIGXFSZ, was);
    CU_ASSERT_EQUAL(rc, HM_EIO);
    CU_ASSERT_PTR_NULL(s);
    e = hm_ctx_last_error(ctx);
    CU_ASSERT_FATAL(e != NULL);
    CU_ASSERT(strstr(e->message, "cannot write the store: File too large") != NULL);
    for (f = 0; f < NFILES; f++)
        hm_store__part_free(&parts[f]);
    CU_ASSERT_EQUAL(rmdir(dir), 0); /* empty: the temporary file is gone */
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
        {"test_spill__store_file", test_spill__store_file},
        {"test_spill__store_file_write_fails", test_spill__store_file_write_fails},
        {"test_spill__no_folder", test_spill__no_folder},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("spill", tests);
}
