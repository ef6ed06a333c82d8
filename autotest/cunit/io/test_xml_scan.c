/* SPDX-License-Identifier: MIT */
/*
 * The XML scanner (src/io/xml_scan.c) against libxml2, the reference: every
 * document must read to the same file, byte for byte (points, metadata,
 * warnings with their lines, errors with their lines and messages), whether
 * the scanner read it or gave up on it. Documents: the real corpus in
 * ../shared/testdata/tracks (good and bad), files on disk (a gzip file read
 * again), hand-written documents for each construct, long documents cut at
 * many places by the reading chunks, and every truncation, insertion and
 * many one-byte edits of a small GPX and a small TCX.
 * Also checked: the scanner does read the documents it is for (it would be
 * correct, and useless, if it gave up on everything).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../../describe_file.h"
#include "io/xml_util_int.h"
#include "test_util.h"

#define TRACKS HM_SHARED_TESTDATA "/tracks"

static char *read_with(int scanner, hm_test_parse_fn parse, const char *path, const void *doc,
                       size_t len)
{
    hm_ctx *ctx;
    hm_file *f = NULL;
    char *s;
    int rc;

    if (hm_ctx_new(&ctx, NULL) != HM_OK)
        abort();
    hm_xml__set_scanner(scanner);
    rc = parse(&f, ctx, path, doc, len);
    hm_xml__set_scanner(1);
    s = hm_describe_file(ctx, rc, f);
    hm_file_free(f);
    hm_ctx_free(ctx);
    return s;
}

static unsigned long scanned(void)
{
    unsigned long r, g;
    hm_xml__scanner_counts(&r, &g);
    return r;
}

/*
 * Read doc with the scanner and with libxml2 alone: same text, or the test
 * fails showing both. Returns 1 when the scanner read it (did not give up).
 */
static int same(hm_test_parse_fn parse, const char *path, const void *doc, size_t len)
{
    unsigned long before = scanned();
    char *fast = read_with(1, parse, path, doc, len);
    int by_scanner = scanned() > before;
    char *ref = read_with(0, parse, path, doc, len);
    int ok = strcmp(fast, ref) == 0;

    CU_ASSERT(ok);
    if (!ok) {
        fprintf(stderr, "\n  %s (%zu bytes): scanner and libxml2 differ\n  doc: %.*s\n", path,
                len, (int)(len < 400 ? len : 400), (const char *)doc);
        fprintf(stderr, "  scanner:\n%.2000s\n  libxml2:\n%.2000s\n", fast, ref);
    }
    free(fast);
    free(ref);
    return by_scanner;
}

/* ---- the real corpus ---------------------------------------------------------- */

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* Every GPX/TCX file of a corpus folder; returns how many the scanner read. */
static size_t corpus_folder(const char *sub, size_t *files)
{
    char dir[1024], path[2048];
    DIR *dh;
    struct dirent *e;
    size_t n = 0;

    snprintf(dir, sizeof(dir), "%s/%s", TRACKS, sub);
    dh = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dh);
    while ((e = readdir(dh)) != NULL) {
        hm_test_parse_fn parse = ends_with(e->d_name, ".gpx") || ends_with(e->d_name, ".gpx.gz")
                                     ? hm_gpx_parse_buffer
                                 : ends_with(e->d_name, ".tcx") || ends_with(e->d_name, ".tcx.gz")
                                     ? hm_tcx_parse_buffer
                                     : NULL;
        unsigned char *doc;
        size_t len;

        if (!parse)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        doc = hm_test_xml_read_any(path, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
        n += (size_t)same(parse, path, doc, len);
        ++*files;
        free(doc);
    }
    closedir(dh);
    return n;
}

static void test_xml_scan__corpus_reads_the_same(void)
{
    size_t files = 0, by_scanner = 0, bad_files = 0, bad_scanned;

    if (!hm_test_have_shared())
        return;
    by_scanner += corpus_folder("gpx", &files);
    by_scanner += corpus_folder("tcx", &files);
    bad_scanned = corpus_folder("bad", &bad_files);
    CU_ASSERT(files >= 40);
    /* The corpus is what the scanner is for: it reads nearly all of it itself (the
     * Latin-1 file counts as read: decoded input goes to libxml2 from the start). */
    fprintf(stderr, "\n  scanner read %zu of %zu good corpus files, %zu of %zu bad ones\n",
            by_scanner, files, bad_scanned, bad_files);
    CU_ASSERT(by_scanner * 10 >= files * 8);
    /* The broken ones are libxml2's to report. */
    CU_ASSERT(bad_files >= 6);
}

/* Read path both ways (hm_file_read: a file stream); 1 when the scanner gave up on it. */
static int same_on_disk(const char *path)
{
    unsigned long read0, gave0, read1, gave1;
    char *out[2];
    int k;

    hm_xml__scanner_counts(&read0, &gave0);
    for (k = 0; k < 2; k++) {
        hm_ctx *ctx;
        hm_file *f = NULL;
        int rc;
        CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
        hm_xml__set_scanner(k == 0);
        rc = hm_file_read(&f, ctx, path, NULL);
        hm_xml__set_scanner(1);
        out[k] = hm_describe_file(ctx, rc, f);
        hm_file_free(f);
        hm_ctx_free(ctx);
    }
    hm_xml__scanner_counts(&read1, &gave1);
    CU_ASSERT_STRING_EQUAL(out[0], out[1]);
    free(out[0]);
    free(out[1]);
    return gave1 > gave0;
}

/* Files read from disk (file streams, the rewind when the scanner gives up). */
static void test_xml_scan__files_on_disk(void)
{
    static const char *rel[] = {"/bad/hotpot_corrupted.gpx", "/bad/runpandas_malformed.tcx",
                                "/bad/agp_garminBaseCampExport-truncated.gpx",
                                "/gpx/gpxgo_iso8859-1encoded.gpx", "/gpx/gpsbabel_basecamp.gpx",
                                "/tcx/sportslib_unknown_example.tcx"};
    size_t i;

    if (!hm_test_have_shared())
        return;
    for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        char path[2048];
        snprintf(path, sizeof(path), "%s%s", TRACKS, rel[i]);
        same_on_disk(path);
    }
}

/* A gzip file the scanner gives up on part-way: the stream is opened and inflated again. */
static void test_xml_scan__gzip_read_again(void)
{
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"t\">\n<trk><trkseg>\n"
        "<trkpt lat=\"46.1\" lon=\"14.5\"><ele>300</ele></trkpt>\n"
        "<trkpt lat=\"46.2\" lon=\"14.6\"><ele>301</ele></trkpt>\n"
        "</trkseg></trk>\n"; /* no </gpx>: libxml2 reports the premature end */
    char dir[] = "/tmp/hm-xml-scan-XXXXXX", path[64];
    gzFile g;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/cut.gpx.gz", dir);
    g = gzopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    CU_ASSERT_EQUAL(gzwrite(g, doc, (unsigned)strlen(doc)), (int)strlen(doc));
    gzclose(g);
    CU_ASSERT(same_on_disk(path));
    remove(path);
    rmdir(dir);
}

/* ---- constructs, one document each ------------------------------------------------ */

#define GPX_HEAD                                                                            \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                          \
    "<gpx version=\"1.1\" creator=\"t\" xmlns=\"http://www.topografix.com/GPX/1/1\" "       \
    "xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\">\n"
#define PT(lat, extra)                                                                      \
    "<trkpt lat=\"" lat "\" lon=\"14.5\"><ele>300.5</ele><time>2023-01-03T09:28:07Z</time>" \
    extra "</trkpt>\n"

static const struct {
    const char *doc;
    int scanner_reads; /* 1: the scanner must read it itself; 0: it must give up */
} constructs[] = {
    {GPX_HEAD "<trk><name>Run &amp; fun &#233;t&#xE9; &lt;3</name><type>running</type><trkseg>" PT(
         "46.1", "<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>140</gpxtpx:hr>"
                 "</gpxtpx:TrackPointExtension></extensions>") "</trkseg></trk></gpx>\n",
     1},
    /* CR LF everywhere, in text and between attributes */
    {"<?xml version=\"1.0\"?>\r\n<gpx version=\"1.1\"\r\n creator=\"a\r\nb\">\r\n<trk><name>A\r\nB"
     "</name><trkseg><trkpt lat=\"46.1\"\r\n lon=\"14.5\"><ele>\r\n300\r\n</ele></trkpt>\r\n"
     "<trkpt lat='46.2' lon='bad'/></trkseg></trk></gpx>\r\n",
     1},
    /* comments, PIs, CDATA, single quotes, self-closing, a creator with &amp; */
    {"<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<!-- head -->\n<?pi data?>\n"
     "<gpx creator='A &amp; B &#38; C' version='1.1'><!----><trk><name><![CDATA[<x> & y]]>"
     "</name><trkseg><trkpt lat=\"46.1\" lon=\"14.5\"><time>2023-01-03T09:28:07Z<!-- c -->"
     "</time><ele><?p?>12<![CDATA[.5]]></ele></trkpt><trkpt lat=\"46.2\" lon=\"14.6\"/>"
     "</trkseg></trk></gpx>\n<!-- tail --><?tail?>\n",
     1},
    /* bad values: warnings with lines */
    {GPX_HEAD "<trk><trkseg>\n" PT("46.1", "") PT("x", "") PT("46.2", "<extensions>\n<hr>abc</hr>"
                                                                      "</extensions>")
              "<trkpt lat=\"46.3\" lon=\"14.5\"><time>\nnot a time\n</time></trkpt>"
              "</trkseg></trk></gpx>",
     1},
    /* text longer than the leaf buffer */
    {GPX_HEAD "<trk><name>"
              "0123456789012345678901234567890123456789012345678901234567890123456789"
              "0123456789012345678901234567890123456789012345678901234567890123456789"
              "0123456789012345678901234567890123456789012345678901234567890123456789"
              "0123456789012345678901234567890123456789012345678901234567890123456789"
              "</name><trkseg>" PT("46.1", "") "</trkseg></trk></gpx>",
     1},
    /* UTF-8 text and attribute values */
    {GPX_HEAD "<trk><name>Laufen \xc3\xa0 M\xc3\xbcnchen \xe2\x82\xac \xf0\x9f\x8f\x83</name>"
              "<trkseg>" PT("46.1", "") "</trkseg></trk></gpx>",
     1},
    /* what the scanner leaves to libxml2 */
    {GPX_HEAD "<trk><trkseg>" PT("46.1", "") "</trkseg></trk>", 0},           /* truncated */
    {GPX_HEAD "<trk><trkseg>" PT("46.1", "") "</trkseg></trk></gpx><gpx/>", 0}, /* two roots */
    {GPX_HEAD "<trk><trkseg>" PT("46.1", "") "</trkseg></trx></gpx>", 0},      /* mismatch */
    {"<?xml version=\"1.0\"?>\n<!DOCTYPE gpx>\n<gpx><trk><trkseg>" PT("46.1", "")
     "</trkseg></trk></gpx>", 0},
    {GPX_HEAD "<trk><name>&nbsp;</name><trkseg>" PT("46.1", "") "</trkseg></trk></gpx>", 0},
    {GPX_HEAD "<trk><trkseg>" PT("46.1", "<extensions><ns3:hr>1</ns3:hr></extensions>")
              "</trkseg></trk></gpx>", 0}, /* undeclared prefix: a namespace error */
    {GPX_HEAD "<trk xml:lang=\"english\"><trkseg>" PT("46.1", "") "</trkseg></trk></gpx>", 0},
    {"<?xml version=\"1.0\"?>\n<gpx xmlns=\"topografix\"><trk><trkseg>" PT("46.1", "")
     "</trkseg></trk></gpx>", 0}, /* a relative namespace URI: a warning */
    {GPX_HEAD "<trk><n\xc3\xa4me>x</n\xc3\xa4me><trkseg>" PT("46.1", "") "</trkseg></trk></gpx>",
     0},
    {GPX_HEAD "<trk><name>a\rb</name><trkseg>" PT("46.1", "") "</trkseg></trk></gpx>", 0},
    {GPX_HEAD "<trk><name>a\x01</name><trkseg>" PT("46.1", "") "</trkseg></trk></gpx>", 0},
    {GPX_HEAD "<trk><name>\xc3\x28</name><trkseg>" PT("46.1", "") "</trkseg></trk></gpx>", 0},
    {GPX_HEAD "<trk><name>a]]>b</name><trkseg>" PT("46.1", "") "</trkseg></trk></gpx>", 0},
    {GPX_HEAD "<trk a=\"1\" a=\"2\"><trkseg>" PT("46.1", "") "</trkseg></trk></gpx>", 0},
    {"<?xml version=\"1.1\"?>\n<gpx><trk><trkseg>" PT("46.1", "") "</trkseg></trk></gpx>", 0},
    {"", 0},
    {"   \n  ", 0},
};

static void test_xml_scan__constructs(void)
{
    size_t i;

    for (i = 0; i < sizeof(constructs) / sizeof(constructs[0]); i++) {
        char path[64];
        int by_scanner;
        snprintf(path, sizeof(path), "construct-%zu.gpx", i);
        by_scanner = same(hm_gpx_parse_buffer, path, constructs[i].doc, strlen(constructs[i].doc));
        if (by_scanner != constructs[i].scanner_reads)
            fprintf(stderr, "\n  construct %zu: scanner %s, expected otherwise\n", i,
                    by_scanner ? "read it" : "gave up");
        CU_ASSERT_EQUAL(by_scanner, constructs[i].scanner_reads);
    }
}

/*
 * Documents longer than the 256 KiB the scanner is given at a time: every kind of
 * construct is cut by a chunk's end somewhere (a pad before the points moves the cuts),
 * and a construct longer than the buffer makes it give up.
 */
static void test_xml_scan__chunk_boundaries(void)
{
    static const char point[] =
        "<trkpt lat=\"46.0446566\" lon=\"14.4959124\">\r\n <ele>379.0</ele>"
        "<time>2023-01-03T09:28:07Z</time><!-- c --><name>a &amp; b</name>"
        "<extensions><gpxtpx:hr>90</gpxtpx:hr><cad><![CDATA[80]]></cad></extensions>"
        "</trkpt>\n";
    size_t cap = 700000, pad, i;
    char *doc = malloc(cap);

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    for (pad = 0; pad < sizeof(point); pad += 5) {
        size_t n = (size_t)snprintf(doc, cap, "%s<trk><trkseg><!--%*s-->", GPX_HEAD, (int)pad, "");
        for (i = 0; n + sizeof(point) + 64 < cap - 1000; i++) {
            memcpy(doc + n, point, sizeof(point) - 1);
            n += sizeof(point) - 1;
        }
        n += (size_t)snprintf(doc + n, cap - n, "</trkseg></trk></gpx>\n");
        CU_ASSERT(same(hm_gpx_parse_buffer, "long.gpx", doc, n));
    }
    /* One comment longer than the buffer: libxml2's. */
    {
        size_t n = (size_t)snprintf(doc, cap, "%s<trk><trkseg><!--", GPX_HEAD);
        memset(doc + n, 'x', 300000);
        n += 300000;
        n += (size_t)snprintf(doc + n, cap - n, "-->%s</trkseg></trk></gpx>\n", point);
        CU_ASSERT(!same(hm_gpx_parse_buffer, "long-comment.gpx", doc, n));
    }
    free(doc);
}

/* ---- every truncation and many one-byte edits of a small document ------------------ */

static const char small_gpx[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
    "<gpx creator=\"X &amp; Y\" version=\"1.1\" xmlns=\"http://www.topografix.com/GPX/1/1\"\n"
    " xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\">\n"
    " <metadata><time>2023-01-03T09:28:07Z</time></metadata>\n"
    " <trk><name>Morning &lt;Run&gt;</name><type>running</type>\n"
    "  <trkseg>\n"
    "   <trkpt lat=\"46.0446566\" lon=\"14.4959124\">\n"
    "    <ele>379.0</ele><time>2023-01-03T09:28:07Z</time>\n"
    "    <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>90</gpxtpx:hr>"
    "<gpxtpx:cad>x</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions>\n"
    "   </trkpt>\n"
    "   <trkpt lat='46.0446529' lon='14.4959017'><ele>37<!-- x -->9.5</ele>"
    "<time>2023-01-03T09:28:08Z</time></trkpt>\n"
    "   <trkpt lat=\"46.0446454\" lon=\"14.4958972\"><time>never</time></trkpt>\n"
    "   <trkpt lat=\"146.0446454\" lon=\"14.4958972\"/>\n"
    "  </trkseg>\n"
    " </trk>\n"
    "</gpx>\n";

static const char small_tcx[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<TrainingCenterDatabase xmlns=\"http://www.garmin.com/xmlschemas/"
    "TrainingCenterDatabase/v2\">\n"
    "<Activities><Activity Sport=\"Running\"><Id>2023-01-03T09:28:07Z</Id>\n"
    "<Lap StartTime=\"2023-01-03T09:28:07Z\"><Track>\n"
    "<Trackpoint><Time>2023-01-03T09:28:07Z</Time><Position><LatitudeDegrees>46.04"
    "</LatitudeDegrees><LongitudeDegrees>14.49</LongitudeDegrees></Position>"
    "<HeartRateBpm><Value>90</Value></HeartRateBpm></Trackpoint>\n"
    "<Trackpoint><Time>2023-01-03T09:28:08Z</Time><Position><LatitudeDegrees>46.05"
    "</LatitudeDegrees><LongitudeDegrees>14.50</LongitudeDegrees></Position>"
    "<AltitudeMeters>300</AltitudeMeters></Trackpoint>\n"
    "</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n";

static void mutations(hm_test_parse_fn parse, const char *name, const char *doc)
{
    static const char edits[] = "<>&\"'/=:?!-][;#x \r\n\t\x01\xc3\xff" "0a";
    static const char *inserts[] = {"\n", " ", "\r\n", "<!---->", "&#10;"};
    size_t len = strlen(doc), i, k, scanner_reads = 0, total = 0;
    char *buf = malloc(len + 16);

    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    CU_ASSERT(same(parse, name, doc, len));
    for (i = 0; i <= len; i++) {
        /* cut at i */
        scanner_reads += (size_t)same(parse, name, doc, i);
        total++;
        if (i == len)
            break;
        /* byte i deleted */
        memcpy(buf, doc, i);
        memcpy(buf + i, doc + i + 1, len - i - 1);
        scanner_reads += (size_t)same(parse, name, buf, len - 1);
        total++;
        /* a line break, a space, ... inserted before byte i */
        for (k = 0; k < sizeof(inserts) / sizeof(inserts[0]); k++) {
            size_t m = strlen(inserts[k]);
            memcpy(buf, doc, i);
            memcpy(buf + i, inserts[k], m);
            memcpy(buf + i + m, doc + i, len - i);
            scanner_reads += (size_t)same(parse, name, buf, len + m);
            total++;
        }
        /* byte i replaced */
        memcpy(buf, doc, len);
        for (k = 0; k < sizeof(edits) - 1; k++) {
            if (doc[i] == edits[k])
                continue;
            buf[i] = edits[k];
            scanner_reads += (size_t)same(parse, name, buf, len);
            total++;
        }
    }
    /* Many edits leave a well-formed document (in text, in values): the scanner reads those. */
    CU_ASSERT(scanner_reads > total / 10);
    free(buf);
}

static void test_xml_scan__gpx_mutations(void)
{
    mutations(hm_gpx_parse_buffer, "small.gpx", small_gpx);
}

static void test_xml_scan__tcx_mutations(void)
{
    mutations(hm_tcx_parse_buffer, "small.tcx", small_tcx);
}

void hm_test_xml_scan_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_xml_scan__corpus_reads_the_same", test_xml_scan__corpus_reads_the_same},
        {"test_xml_scan__files_on_disk", test_xml_scan__files_on_disk},
        {"test_xml_scan__gzip_read_again", test_xml_scan__gzip_read_again},
        {"test_xml_scan__constructs", test_xml_scan__constructs},
        {"test_xml_scan__chunk_boundaries", test_xml_scan__chunk_boundaries},
        {"test_xml_scan__gpx_mutations", test_xml_scan__gpx_mutations},
        {"test_xml_scan__tcx_mutations", test_xml_scan__tcx_mutations},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("xml_scan", tests);
}
