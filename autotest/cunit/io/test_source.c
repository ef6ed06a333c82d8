/* SPDX-License-Identifier: MIT */
/* Tests of src/io/source.c: sniffing, names, hm_file_read and folder collections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "io/vsi_int.h"
#include "test_util.h"

static const char gpx_doc[] =
    "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"t\" "
    "xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><trkseg>"
    "<trkpt lat=\"46.0\" lon=\"14.5\"><time>2020-01-01T00:00:00Z</time></trkpt>"
    "<trkpt lat=\"46.001\" lon=\"14.5\"><time>2020-01-01T00:00:01Z</time></trkpt>"
    "</trkseg></trk></gpx>\n";

static const char tcx_doc[] =
    "<?xml version=\"1.0\"?>\n<TrainingCenterDatabase "
    "xmlns=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2\"><Activities>"
    "<Activity Sport=\"Running\"><Id>2020-01-01T00:00:00Z</Id><Lap StartTime=\"2020-01-01T00:00:00Z\">"
    "<Track><Trackpoint><Time>2020-01-01T00:00:00Z</Time><Position><LatitudeDegrees>46"
    "</LatitudeDegrees><LongitudeDegrees>14</LongitudeDegrees></Position></Trackpoint>"
    "<Trackpoint><Time>2020-01-01T00:00:01Z</Time><Position><LatitudeDegrees>46.0001"
    "</LatitudeDegrees><LongitudeDegrees>14</LongitudeDegrees></Position></Trackpoint>"
    "<Trackpoint><Time>2020-01-01T00:00:02Z</Time><Position><LatitudeDegrees>46.0002"
    "</LatitudeDegrees><LongitudeDegrees>14</LongitudeDegrees></Position></Trackpoint>"
    "</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n";

static void test_source__sniff(void)
{
    static const unsigned char fit14[] = {14, 0x10, 0, 0, 0, 0, 0, 0, '.', 'F', 'I', 'T', 0, 0};
    static const unsigned char fit_bad[] = {14, 0x10, 0, 0, 0, 0, 0, 0, '.', 'F', 'I', 'X'};
    static const char bom_gpx[] = "\xEF\xBB\xBF<?xml version=\"1.0\"?><gpx>";
    static const char ws_tcx[] = "\n   <?xml version=\"1.0\"?>\n<!-- c --><TrainingCenterDatabase>";
    static const char prefixed[] = "<?xml version=\"1.0\"?><g:gpx xmlns:g=\"x\">";

    CU_ASSERT_EQUAL(hm_format_sniff(fit14, sizeof(fit14)), HM_FORMAT_FIT);
    CU_ASSERT_EQUAL(hm_format_sniff(fit_bad, sizeof(fit_bad)), HM_FORMAT_UNKNOWN);
    CU_ASSERT_EQUAL(hm_format_sniff(bom_gpx, strlen(bom_gpx)), HM_FORMAT_GPX);
    CU_ASSERT_EQUAL(hm_format_sniff(ws_tcx, strlen(ws_tcx)), HM_FORMAT_TCX);
    CU_ASSERT_EQUAL(hm_format_sniff(prefixed, strlen(prefixed)), HM_FORMAT_GPX);
    CU_ASSERT_EQUAL(hm_format_sniff("<Activities>", 12), HM_FORMAT_UNKNOWN);
    CU_ASSERT_EQUAL(hm_format_sniff("<gpx", 4), HM_FORMAT_UNKNOWN); /* name not complete */
    CU_ASSERT_EQUAL(hm_format_sniff("", 0), HM_FORMAT_UNKNOWN);
    CU_ASSERT_EQUAL(hm_format_sniff("random", 6), HM_FORMAT_UNKNOWN);
}

static void test_source__format_from_name(void)
{
    CU_ASSERT_EQUAL(hm_format_from_name("a/b/run.gpx"), HM_FORMAT_GPX);
    CU_ASSERT_EQUAL(hm_format_from_name("RUN.GPX"), HM_FORMAT_GPX);
    CU_ASSERT_EQUAL(hm_format_from_name("x.TCX.gz"), HM_FORMAT_TCX);
    CU_ASSERT_EQUAL(hm_format_from_name("x.fit.GZ"), HM_FORMAT_FIT);
    CU_ASSERT_EQUAL(hm_format_from_name("x.fit.zip"), HM_FORMAT_UNKNOWN);
    CU_ASSERT_EQUAL(hm_format_from_name("gpx"), HM_FORMAT_UNKNOWN);
    CU_ASSERT_EQUAL(hm_format_from_name("notes.txt"), HM_FORMAT_UNKNOWN);
    CU_ASSERT_EQUAL(hm_format_from_name(".gz"), HM_FORMAT_UNKNOWN);
}

static char tmpdir[64];

static void put(const char *rel, const void *data, size_t len)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
    f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_FATAL(fwrite(data, 1, len, f) == len);
    fclose(f);
}

static void put_gz(const char *rel, const char *text)
{
    char path[256];
    gzFile g;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
    g = gzopen(path, "wb");
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT_FATAL(gzwrite(g, text, (unsigned)strlen(text)) == (int)strlen(text));
    gzclose(g);
}

static void make_folder(void)
{
    static const unsigned char garbage[] = {0x00, 0x13, 0x37, 0xff, 'g', 'a', 'r', 'b'};
    char sub[128];

    snprintf(tmpdir, sizeof(tmpdir), "/tmp/hm_source_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(tmpdir) != NULL);
    snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
    CU_ASSERT_FATAL(mkdir(sub, 0700) == 0);
    put("a.gpx", gpx_doc, strlen(gpx_doc));
    put_gz("sub/b.TCX.gz", tcx_doc);
    put("c.fit", gpx_doc, strlen(gpx_doc)); /* content decides: this is GPX */
    put("empty.fit", "", 0);
    put("garbage.gpx", garbage, sizeof(garbage));
    put("notes.txt", gpx_doc, strlen(gpx_doc)); /* not an activity name: ignored */
    put("z.gpx.gz", gpx_doc, strlen(gpx_doc));  /* named .gz but plain: fine */
}

static void remove_folder(void)
{
    const char *names[] = {"a.gpx", "sub/b.TCX.gz", "c.fit", "empty.fit", "garbage.gpx",
                           "notes.txt", "z.gpx.gz", "sub", ""};
    char path[256];
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
        remove(path);
    }
}

static void check_collection(const hm_collection *c)
{
    const char *expect[] = {"a.gpx", "c.fit", "empty.fit", "garbage.gpx", "sub/b.TCX.gz",
                            "z.gpx.gz"};
    const hm_format formats[] = {HM_FORMAT_GPX, HM_FORMAT_GPX, HM_FORMAT_FIT,
                                 HM_FORMAT_GPX, HM_FORMAT_TCX, HM_FORMAT_GPX};
    const size_t points[] = {2, 2, 0, 0, 3, 2};
    size_t i;
    char path[256];

    CU_ASSERT_EQUAL_FATAL(hm_collection_get_file_count(c), 6);
    for (i = 0; i < 6; i++) {
        const hm_file *f = hm_collection_get_file(c, i);
        int skipped = strcmp(expect[i], "empty.fit") == 0 || strcmp(expect[i], "garbage.gpx") == 0;

        snprintf(path, sizeof(path), "%s/%s", tmpdir, expect[i]);
        CU_ASSERT_STRING_EQUAL(hm_file_get_path(f), path);
        CU_ASSERT_EQUAL(hm_file_get_format(f), formats[i]);
        CU_ASSERT_EQUAL(hm_file_get_error(f) != NULL, skipped);
        if (skipped) {
            CU_ASSERT_STRING_EQUAL(hm_file_get_error(f)->path, path);
            CU_ASSERT_EQUAL(hm_file_get_activity_count(f), 0);
        } else {
            CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 1);
            CU_ASSERT_EQUAL(hm_activity_get_point_count(hm_file_get_activity(f, 0)), points[i]);
        }
    }
    CU_ASSERT_STRING_EQUAL(hm_file_get_error(hm_collection_get_file(c, 2))->message,
                           "empty file");
}

static void test_source__collection_folder(void)
{
    hm_read_options one = HM_READ_OPTIONS_INIT, many = HM_READ_OPTIONS_INIT;
    hm_collection *c1, *c4;
    hm_ctx *ctx;

    one.threads = 1;
    many.threads = 4;
    make_folder();
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_collection_read(&c1, ctx, tmpdir, &one), HM_OK);
    check_collection(c1);
    CU_ASSERT_EQUAL_FATAL(hm_collection_read(&c4, ctx, tmpdir, &many), HM_OK);
    check_collection(c4);
    hm_collection_free(c1);
    hm_collection_free(c4);
    hm_ctx_free(ctx);
    remove_folder();
}

static void test_source__collection_single_file_and_missing(void)
{
    hm_collection *c;
    hm_ctx *ctx;
    char path[128];

    make_folder();
    snprintf(path, sizeof(path), "%s/sub/b.TCX.gz", tmpdir);
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_collection_read(&c, ctx, path, NULL), HM_OK);
    CU_ASSERT_EQUAL(hm_collection_get_file_count(c), 1);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(hm_file_get_activity(hm_collection_get_file(c, 0), 0)),
                           "running");
    hm_collection_free(c);
    CU_ASSERT_EQUAL(hm_collection_read(&c, ctx, "/nonexistent/folder", NULL), HM_ENOTFOUND);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->path, "/nonexistent/folder");
    hm_ctx_free(ctx);
    remove_folder();
}

/* An in-memory I/O table: the seam tests and fuzzers use instead of VSI. */
typedef struct mem_handle {
    const char *data; /* file content */
    size_t len, pos;  /* size and read position */
} mem_handle;

static void *mem_open(const char *path, void *payload)
{
    mem_handle *h;
    (void)payload;
    if (strcmp(path, "mem/one.gpx") && strcmp(path, "mem/two.tcx"))
        return NULL;
    h = calloc(1, sizeof(*h));
    h->data = strcmp(path, "mem/one.gpx") == 0 ? gpx_doc : tcx_doc;
    h->len = strlen(h->data);
    return h;
}

static size_t mem_read(void *handle, void *buf, size_t n, void *payload)
{
    mem_handle *h = handle;
    (void)payload;
    if (n > h->len - h->pos)
        n = h->len - h->pos;
    memcpy(buf, h->data + h->pos, n);
    h->pos += n;
    return n;
}

static void mem_close(void *handle, void *payload)
{
    (void)payload;
    free(handle);
}

static int mem_stat(const char *path, int *is_dir, uint64_t *size, void *payload)
{
    void *h;

    (void)payload;
    *size = 0;
    *is_dir = strcmp(path, "mem") == 0;
    if (*is_dir)
        return 0;
    h = mem_open(path, NULL);
    mem_close(h, NULL);
    return h ? 0 : -1;
}

static char *names[] = {"two.tcx", "readme.md", "one.gpx", NULL};

static char **mem_list(const char *path, void *payload)
{
    (void)payload;
    return strcmp(path, "mem") == 0 ? names : NULL;
}

static void mem_free_list(char **list, void *payload)
{
    (void)list;
    (void)payload;
}

static void test_source__io_table_seam(void)
{
    static const hm_io_api mem_api = {mem_open, mem_read, mem_close, mem_stat,
                                      mem_list, mem_free_list, NULL};
    hm_collection *c;
    hm_ctx *ctx;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    hm_io__set_api(ctx, &mem_api);
    CU_ASSERT_EQUAL_FATAL(hm_collection_read(&c, ctx, "mem", NULL), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_collection_get_file_count(c), 2);
    CU_ASSERT_STRING_EQUAL(hm_file_get_path(hm_collection_get_file(c, 0)), "mem/one.gpx");
    CU_ASSERT_STRING_EQUAL(hm_file_get_path(hm_collection_get_file(c, 1)), "mem/two.tcx");
    CU_ASSERT_EQUAL(hm_file_get_format(hm_collection_get_file(c, 1)), HM_FORMAT_TCX);
    hm_collection_free(c);
    hm_ctx_free(ctx);
}

void hm_test_source_suite(void)
{
    static CU_TestInfo tests[] = {
        {"sniff", test_source__sniff},
        {"format_from_name", test_source__format_from_name},
        {"collection_folder", test_source__collection_folder},
        {"collection_single_file_and_missing", test_source__collection_single_file_and_missing},
        {"io_table_seam", test_source__io_table_seam},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("source", tests);
}
