/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/raster/descriptor.c: sniffing, parsing descriptor documents
 * (sources resolved against the descriptor's folder, options applied and
 * validated), every structural error with its path and line, the hardening
 * (DOCTYPE, entities, encodings), reading through the I/O table, and an
 * allocation-failure sweep.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/vsi_int.h"
#include "dataset/spec_int.h"
#include "test_util.h"

static const char city[] =
    "<HeatmapDataset><Source>gpx/</Source><Option name=\"ZOOM\">14</Option>"
    "<Option name=\"SPORT\">running</Option></HeatmapDataset>";

static hm_ctx *ctx;

static hm_spec *spec_new(void)
{
    hm_spec *spec = NULL;

    if (!ctx)
        CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_FATAL(hm_spec_new(&spec, ctx) == HM_OK);
    return spec;
}

static int parse(hm_spec *spec, const char *path, const char *doc)
{
    return hm_spec_parse_descriptor(spec, path, doc, strlen(doc));
}

static void test_descriptor__sniff(void)
{
    static const struct {
        const char *head;
        int expected;
    } cases[] = {
        {"<HeatmapDataset>", 1},
        {"<HeatmapDataset/>", 1},
        {"<HeatmapDataset\n>", 1},
        {"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a city -->\n"
         "<HeatmapDataset>",
         1},
        {"  \n<?xml version=\"1.0\"?><?pi x?><HeatmapDataset><Source>", 1},
        {"<!DOCTYPE HeatmapDataset [<!ENTITY a \"b\">]>\n<HeatmapDataset>", 1},
        {"<HeatmapDataset", 0}, /* name not complete */
        {"<HeatmapDatasetX>", 0},
        {"<heatmapdataset>", 0},
        {"<VRTDataset>", 0},
        {"<?xml version=\"1.0\"?><gpx version=\"1.1\"><trk>", 0},
        {"<!-- <HeatmapDataset> -->", 0},
        {"<!-- unterminated <HeatmapDataset>", 0},
        {"HEATMAP:gpx/", 0},
        {"", 0},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = hm_spec_sniff_descriptor(cases[i].head, strlen(cases[i].head));

        if (got != cases[i].expected)
            fprintf(stderr, "\n  sniff case %zu: got %d\n", i, got);
        CU_ASSERT_EQUAL(got, cases[i].expected);
    }
    CU_ASSERT_EQUAL(hm_spec_sniff_descriptor(NULL, 0), 0);
}

static void test_descriptor__parse(void)
{
    hm_spec *spec = spec_new();

    CU_ASSERT_EQUAL_FATAL(parse(spec, "/data/city.heatmap", city), HM_OK);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), "/data/gpx/");
    CU_ASSERT_EQUAL(spec->zoom, 14);
    CU_ASSERT_EQUAL_FATAL(spec->nsports, 1);
    CU_ASSERT_STRING_EQUAL(spec->sports[0], "running");
    hm_spec_free(spec);
}

static void test_descriptor__pretty(void)
{
    static const char doc[] =
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
        "<!-- a descriptor -->\n"
        "<HeatmapDataset>\n"
        "  <!-- where -->\n"
        "  <Source>\n    tracks/2020\n  </Source>\n"
        "  <Option name=\"bands\"> hr, count </Option>\n"
        "  <Option name=\"SPORT\">Caf\xC3\xA9 &amp; run</Option>\n"
        "  <Option name=\"ZOOM\"><![CDATA[9]]></Option>\n"
        "  <Option name=\"ZOOM\">10</Option>\n"
        "</HeatmapDataset>\n";
    hm_spec *spec = spec_new();

    CU_ASSERT_EQUAL_FATAL(parse(spec, "x/y/z.heatmap", doc), HM_OK);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), "x/y/tracks/2020");
    CU_ASSERT_EQUAL(spec->nbands, 2);
    CU_ASSERT_EQUAL(spec->bands[0], HM_BAND_HR);
    CU_ASSERT_EQUAL(spec->zoom, 10); /* later options win */
    CU_ASSERT_EQUAL_FATAL(spec->nsports, 1);
    CU_ASSERT_STRING_EQUAL(spec->sports[0], "caf\xC3\xA9 & run");
    hm_spec_free(spec);
}

static void test_descriptor__sources(void)
{
    static const struct {
        const char *descriptor;
        const char *source;
        const char *expected;
    } cases[] = {
        {"city.heatmap", "gpx/", "gpx/"},
        {"./city.heatmap", "gpx/", "./gpx/"},
        {"/data/city.heatmap", "gpx", "/data/gpx"},
        {"/data/city.heatmap", "../all/gpx", "/data/../all/gpx"},
        {"/data/city.heatmap", "/abs/gpx", "/abs/gpx"},
        {"/vsizip/export.zip/d/city.heatmap", "activities", "/vsizip/export.zip/d/activities"},
        {"/data/city.heatmap", "/vsizip/x.zip", "/vsizip/x.zip"},
        {"C:\\maps\\city.heatmap", "gpx", "C:\\maps\\gpx"},
        {"C:\\maps\\city.heatmap", "D:\\gpx", "D:\\gpx"},
        {"C:\\maps\\city.heatmap", "D:/gpx", "D:/gpx"},
        {"/data/city.heatmap", "\\\\server\\share", "\\\\server\\share"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char doc[256];
        hm_spec *spec = spec_new();

        snprintf(doc, sizeof(doc), "<HeatmapDataset><Source>%s</Source></HeatmapDataset>",
                 cases[i].source);
        CU_ASSERT_EQUAL_FATAL(parse(spec, cases[i].descriptor, doc), HM_OK);
        CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), cases[i].expected);
        hm_spec_free(spec);
    }
}

/* Every error: code, path, line and message. */
static void test_descriptor__errors(void)
{
    static const struct {
        const char *doc;
        int code;
        long line;
        const char *message;
    } cases[] = {
        {"<HeatmapDataset><Source>x</Source>", HM_EPARSE, 1, "Premature end of data"},
        {"<HeatmapDataset>\n<Source>x</Sourc>\n</HeatmapDataset>", HM_EPARSE, 2,
         "Opening and ending tag mismatch"},
        {"<VRTDataset><Source>x</Source></VRTDataset>", HM_EPARSE, 1,
         "root element is <VRTDataset>, expected <HeatmapDataset>"},
        {"<?xml version=\"1.0\"?>\n<!DOCTYPE HeatmapDataset [<!ENTITY a \"b\">]>\n"
         "<HeatmapDataset><Source>&a;</Source></HeatmapDataset>",
         HM_EPARSE, 2, "DOCTYPE is not allowed"},
        {"<?xml version=\"1.0\"?>\n\n<!DOCTYPE HeatmapDataset SYSTEM \"file:///etc/passwd\">\n"
         "<HeatmapDataset><Source>x</Source></HeatmapDataset>",
         HM_EPARSE, 3, "DOCTYPE is not allowed"},
        {"<HeatmapDataset><Source>&xxe;</Source></HeatmapDataset>", HM_EPARSE, 1,
         "Entity 'xxe' not defined"},
        {"<HeatmapDataset>\n<Option name=\"ZOOM\">3</Option>\n</HeatmapDataset>", HM_EPARSE, 1,
         "missing <Source> element"},
        {"<HeatmapDataset>\n<Source>a</Source>\n<Source>b</Source>\n</HeatmapDataset>",
         HM_EPARSE, 3, "more than one <Source>"},
        {"<HeatmapDataset>\n<Source>  </Source>\n</HeatmapDataset>", HM_EPARSE, 2,
         "<Source> is empty"},
        {"<HeatmapDataset>\n<Source>a</Source>\n\n<Options name=\"ZOOM\">3</Options>\n"
         "</HeatmapDataset>",
         HM_EPARSE, 4, "unknown element <Options> (expected <Source> or <Option>)"},
        {"<HeatmapDataset>\n<Source>a</Source>\n<Option>3</Option>\n</HeatmapDataset>",
         HM_EPARSE, 3, "<Option> needs a name attribute"},
        {"<HeatmapDataset>\n<Source>a</Source>\n<Option name=\"\">3</Option>\n</HeatmapDataset>",
         HM_EPARSE, 3, "<Option> needs a name attribute"},
        {"<HeatmapDataset>\n<Source>a</Source>\n<Option name=\"ZOOM\" x=\"1\">3</Option>\n"
         "</HeatmapDataset>",
         HM_EPARSE, 3, "<Option> has an unknown attribute 'x'"},
        {"<HeatmapDataset>\n<Source>a</Source>\n<Option name=\"ZOOM\">abc</Option>\n"
         "</HeatmapDataset>",
         HM_EINVAL, 3, "ZOOM=abc: expected an integer from 0 to 22"},
        {"<HeatmapDataset>\n<Source>a</Source>\n<Option name=\"COLOUR\">red</Option>\n"
         "</HeatmapDataset>",
         HM_EINVAL, 3, "COLOUR: unknown option"},
        {"<HeatmapDataset>\n<Source>a<b/></Source>\n</HeatmapDataset>", HM_EPARSE, 2,
         "<Source> may only contain text"},
        {"<HeatmapDataset>\n<Source>a</Source>\nstray\n</HeatmapDataset>", HM_EPARSE, 3,
         "text outside <Source> and <Option> elements"},
        {"<HeatmapDataset zoom=\"3\"><Source>a</Source></HeatmapDataset>", HM_EPARSE, 1,
         "<HeatmapDataset> has an unknown attribute 'zoom'"},
        {"<HeatmapDataset><Source rel=\"1\">a</Source></HeatmapDataset>", HM_EPARSE, 1,
         "<Source> has an unknown attribute 'rel'"},
        {"<HeatmapDataset>\n<Source>caf\xE9</Source>\n</HeatmapDataset>", HM_EPARSE, 2,
         "descriptor is not UTF-8 text"},
        {"<HeatmapDataset>\n<Source>\xC0\xAF</Source>\n</HeatmapDataset>", HM_EPARSE, 2,
         "descriptor is not UTF-8 text"},
        {"garbage", HM_EPARSE, 1, "Start tag expected"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hm_spec *spec = spec_new();
        const hm_error *e;
        int rc = parse(spec, "dir/bad.heatmap", cases[i].doc);

        e = hm_ctx_last_error(ctx);
        CU_ASSERT_EQUAL(rc, cases[i].code);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        CU_ASSERT_EQUAL(e->code, cases[i].code);
        CU_ASSERT_STRING_EQUAL(e->path, "dir/bad.heatmap");
        CU_ASSERT_EQUAL(e->line, cases[i].line);
        if (e->line != cases[i].line || !strstr(e->message, cases[i].message))
            fprintf(stderr, "\n  case %zu: line %ld '%s'\n", i, e->line, e->message);
        CU_ASSERT_PTR_NOT_NULL(strstr(e->message, cases[i].message));
        hm_spec_free(spec);
    }
}

static void test_descriptor__binary(void)
{
    static const char nul[] = "<HeatmapDataset>\n<Source>a\0b</Source></HeatmapDataset>";
    static const char utf16[] = "\xFF\xFE<\0H\0";
    hm_spec *spec = spec_new();

    CU_ASSERT_EQUAL(hm_spec_parse_descriptor(spec, "n.heatmap", nul, sizeof(nul) - 1), HM_EPARSE);
    CU_ASSERT_EQUAL(hm_ctx_last_error(ctx)->line, 2);
    CU_ASSERT_EQUAL(hm_spec_parse_descriptor(spec, "u.heatmap", utf16, sizeof(utf16) - 1),
                    HM_EPARSE);
    CU_ASSERT_EQUAL(hm_spec_parse_descriptor(spec, "e.heatmap", "", 0), HM_EPARSE);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->message, "empty descriptor");
    CU_ASSERT_PTR_NULL(hm_spec_get_path(spec));
    hm_spec_free(spec);
}

/* Deep nesting is refused by libxml2's depth limit, not by running out of stack. */
static void test_descriptor__deep(void)
{
    enum { DEPTH = 5000 };
    size_t len = 0, i;
    char *doc = malloc(DEPTH * 7 + 64);
    hm_spec *spec = spec_new();

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    len += (size_t)sprintf(doc, "<HeatmapDataset>");
    for (i = 0; i < DEPTH; i++)
        len += (size_t)sprintf(doc + len, "<a>");
    CU_ASSERT_EQUAL(hm_spec_parse_descriptor(spec, "deep.heatmap", doc, len), HM_EPARSE);
    free(doc);
    hm_spec_free(spec);
}

/* ---- reading through the I/O table ---------------------------------------- */

typedef struct mem_file {
    const char *data; /* contents */
    size_t len;       /* bytes in data */
    size_t pos;       /* read position */
} mem_file;

static void *mem_open(const char *path, void *payload)
{
    mem_file *f;

    (void)payload;
    if (strcmp(path, "/mem/maps/city.heatmap") != 0)
        return NULL;
    f = calloc(1, sizeof(*f));
    if (f) {
        f->data = city;
        f->len = strlen(city);
    }
    return f;
}

static size_t mem_read(void *handle, void *buf, size_t n, void *payload)
{
    mem_file *f = handle;
    size_t k = f->len - f->pos < n ? f->len - f->pos : n;

    (void)payload;
    /* Small reads, so the reader has to loop. */
    if (k > 7)
        k = 7;
    memcpy(buf, f->data + f->pos, k);
    f->pos += k;
    return k;
}

static void mem_close(void *handle, void *payload)
{
    (void)payload;
    free(handle);
}

static int mem_stat(const char *path, int *is_dir, uint64_t *size, void *payload)
{
    (void)path, (void)is_dir, (void)size, (void)payload;
    return -1;
}

static char **mem_list(const char *path, void *payload)
{
    (void)path, (void)payload;
    return NULL;
}

static void mem_free_list(char **list, void *payload)
{
    (void)list, (void)payload;
}

static const hm_io_api mem_api = {mem_open, mem_read, mem_close, mem_stat,
                                  mem_list, mem_free_list, NULL};

static void test_descriptor__read(void)
{
    hm_spec *spec = spec_new();
    const hm_error *e;

    hm_io__set_api(ctx, &mem_api);
    CU_ASSERT_EQUAL_FATAL(hm_spec_read_descriptor(spec, "/mem/maps/city.heatmap"), HM_OK);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), "/mem/maps/gpx/");
    CU_ASSERT_EQUAL(spec->zoom, 14);
    CU_ASSERT_EQUAL(hm_spec_read_descriptor(spec, "/mem/maps/missing.heatmap"), HM_EIO);
    e = hm_ctx_last_error(ctx);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(e->path, "/mem/maps/missing.heatmap");
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), "/mem/maps/gpx/");
    hm_io__set_api(ctx, NULL);
    hm_spec_free(spec);
}

/* ---- writing ---------------------------------------------------------------- */

static void test_descriptor__write_round_trip(void)
{
    static const char expected[] =
        "<HeatmapDataset>\n"
        "  <Source>/data/runs &amp; rides/&lt;2024&gt;/</Source>\n"
        "  <Option name=\"ZOOM\">15</Option>\n"
        "  <Option name=\"SRS\">EPSG:32633</Option>\n"
        "  <Option name=\"RESOLUTION\">2.5</Option>\n"
        "  <Option name=\"BANDS\">count,hr</Option>\n"
        "  <Option name=\"DATE_TO\">2024-05-01T12:00:00Z</Option>\n"
        "  <Option name=\"SPORT\">running,\"trail\" &amp; road</Option>\n"
        "  <Option name=\"RENDER\">count</Option>\n"
        "  <Option name=\"RENDER_MODE\">PALETTE</Option>\n"
        "  <Option name=\"PALETTE\">0:000000;0.5:ff0000;1:ffffff</Option>\n"
        "  <Option name=\"GLOW\">2.5</Option>\n"
        "</HeatmapDataset>\n";
    hm_spec *spec = spec_new(), *back = spec_new();
    char *doc = NULL;

    CU_ASSERT_EQUAL_FATAL(hm_spec_set_path(spec, "/data/runs & rides/<2024>/"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "ZOOM", " 15"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "SRS", "EPSG:32633"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "RESOLUTION", "2.5"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "BANDS", "count,hr"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "DATE_TO", "2024-05-01T12:00:00Z"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "SPORT", "running,\"trail\" & road"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "MAX_GAP", "1000"), HM_OK);       /* the default */
    CU_ASSERT_EQUAL(hm_spec_set(spec, "INCLUDE_VIRTUAL", "no"), HM_OK); /* the default */
    CU_ASSERT_EQUAL(hm_spec_set(spec, "RENDER", "count"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "RENDER_MODE", "PALETTE"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "PALETTE", "0:000000;0.5:ff0000;1:ffffff"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_set(spec, "GLOW", "2.5"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_spec_write_descriptor(&doc, ctx, spec), HM_OK);
    if (strcmp(doc, expected) != 0) {
        fprintf(stderr, "\n%s", doc);
        CU_FAIL("unexpected document");
    }
    CU_ASSERT(hm_spec_sniff_descriptor(doc, strlen(doc)));
    CU_ASSERT_EQUAL_FATAL(hm_spec_parse_descriptor(back, "/elsewhere/x.heatmap", doc, strlen(doc)),
                          HM_OK);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(back), hm_spec_get_path(spec));
    CU_ASSERT_EQUAL(back->zoom, spec->zoom);
    CU_ASSERT_STRING_EQUAL(back->srs, spec->srs);
    HM_ASSERT_NEAR(back->resolution, spec->resolution, 0);
    CU_ASSERT_EQUAL(back->nbands, 2);
    HM_ASSERT_NEAR(back->date_to, spec->date_to, 0);
    CU_ASSERT_EQUAL(back->nsports, 2);
    CU_ASSERT_STRING_EQUAL(back->sports[1], "\"trail\" & road");
    CU_ASSERT_EQUAL(back->style.render, spec->style.render);
    CU_ASSERT_EQUAL(back->style.render_mode, 1);
    CU_ASSERT_EQUAL(back->style.has_palette, 1);
    CU_ASSERT(memcmp(back->style.palette, spec->style.palette, sizeof(spec->style.palette)) == 0);
    HM_ASSERT_NEAR(back->style.glow, 2.5, 0);
    hm_ctx_free_mem(ctx, doc);
    /* written again, the same document */
    CU_ASSERT_EQUAL_FATAL(hm_spec_write_descriptor(&doc, ctx, back), HM_OK);
    CU_ASSERT_STRING_EQUAL(doc, expected);
    hm_ctx_free_mem(ctx, doc);
    hm_spec_free(spec);
    hm_spec_free(back);
}

static void test_descriptor__write_minimal_and_cr(void)
{
    hm_spec *spec = spec_new(), *back = spec_new();
    char *doc = NULL;

    CU_ASSERT_EQUAL_FATAL(hm_spec_set_path(spec, "gpx/"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_spec_write_descriptor(&doc, ctx, spec), HM_OK);
    CU_ASSERT_STRING_EQUAL(doc, "<HeatmapDataset>\n  <Source>gpx/</Source>\n</HeatmapDataset>\n");
    hm_ctx_free_mem(ctx, doc);
    /* a CR in a value survives (a raw one would read back as LF) */
    CU_ASSERT_EQUAL_FATAL(hm_spec_set(spec, "SPORT", "a\r\nb"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_spec_write_descriptor(&doc, ctx, spec), HM_OK);
    CU_ASSERT(strstr(doc, "<Option name=\"SPORT\">a&#13;\nb</Option>") != NULL);
    CU_ASSERT_EQUAL_FATAL(hm_spec_parse_descriptor(back, "/d/x.heatmap", doc, strlen(doc)), HM_OK);
    CU_ASSERT_STRING_EQUAL(back->sports[0], "a\r\nb");
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(back), "/d/gpx/"); /* relative to the descriptor */
    hm_ctx_free_mem(ctx, doc);
    hm_spec_free(spec);
    hm_spec_free(back);
}

/* A value with white space of any of the six kinds around it is written trimmed: the setters
 * trimmed it, and the reader trims the same way. */
static void test_descriptor__write_trims_values(void)
{
    hm_spec *spec = spec_new(), *back = spec_new();
    char *doc = NULL;

    CU_ASSERT_EQUAL_FATAL(hm_spec_set_path(spec, "gpx/"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_spec_set(spec, "MAX_GAP", "\f250\v"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_spec_set(spec, "ZOOM", "\t\f12\r\n"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_spec_write_descriptor(&doc, ctx, spec), HM_OK);
    CU_ASSERT(strstr(doc, "<Option name=\"MAX_GAP\">250</Option>") != NULL);
    CU_ASSERT(strstr(doc, "<Option name=\"ZOOM\">12</Option>") != NULL);
    CU_ASSERT_EQUAL_FATAL(hm_spec_parse_descriptor(back, "d.heatmap", doc, strlen(doc)), HM_OK);
    HM_ASSERT_NEAR(back->max_gap, 250.0, 0);
    CU_ASSERT_EQUAL(back->zoom, 12);
    hm_ctx_free_mem(ctx, doc);
    hm_spec_free(spec);
    hm_spec_free(back);
}

static void test_descriptor__write_errors(void)
{
    hm_spec *spec = spec_new();
    char *doc = (char *)"untouched";

    CU_ASSERT_EQUAL(hm_spec_write_descriptor(&doc, ctx, spec), HM_EINVAL);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->message, "no source path to write");
    CU_ASSERT_EQUAL_FATAL(hm_spec_set_path(spec, "gpx\x01/"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_write_descriptor(&doc, ctx, spec), HM_EINVAL);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->message,
                           "the source path holds a control character: it cannot be written to "
                           "a descriptor");
    CU_ASSERT_EQUAL_FATAL(hm_spec_set_path(spec, "gpx\xff/"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_write_descriptor(&doc, ctx, spec), HM_EINVAL);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->message,
                           "the source path is not UTF-8 text: it cannot be written to a "
                           "descriptor");
    CU_ASSERT_EQUAL_FATAL(hm_spec_set_path(spec, " gpx/"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_write_descriptor(&doc, ctx, spec), HM_EINVAL);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->message,
                           "the source path starts or ends with white space: it cannot be "
                           "written to a descriptor");
    CU_ASSERT_EQUAL_FATAL(hm_spec_set_path(spec, "gpx/"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_spec_set(spec, "SPORT", "run\x02ning"), HM_OK);
    CU_ASSERT_EQUAL(hm_spec_write_descriptor(&doc, ctx, spec), HM_EINVAL);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->message,
                           "the value of SPORT holds a control character: it cannot be written "
                           "to a descriptor");
    CU_ASSERT_PTR_NULL(doc);
    hm_spec_free(spec);
}

/* ---- what a user typed ------------------------------------------------------ */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static void test_descriptor__parse_source(void)
{
    char dir[64], path[128], gpx[128], bad[128], *doc;
    hm_spec *spec;

    snprintf(dir, sizeof(dir), "/tmp/hm_test_source_%ld", (long)getpid());
    CU_ASSERT_FATAL(mkdir(dir, 0700) == 0);
    snprintf(path, sizeof(path), "%s/city.xml", dir); /* recognised by content, not name */
    write_file(path, "<?xml version=\"1.0\"?>\n<!-- mine -->\n<HeatmapDataset>\n"
                     "  <Source>gpx/</Source>\n  <Option name=\"RENDER\">count</Option>\n"
                     "</HeatmapDataset>\n");
    snprintf(gpx, sizeof(gpx), "%s/run.gpx", dir);
    write_file(gpx, "<?xml version=\"1.0\"?><gpx version=\"1.1\"></gpx>");
    snprintf(bad, sizeof(bad), "%s/bad.heatmap", dir);
    write_file(bad, "<HeatmapDataset>\n<Source>gpx/</Source>\n"
                    "<Option name=\"RENDER\">heat</Option>\n</HeatmapDataset>\n");

    /* a descriptor */
    spec = spec_new();
    CU_ASSERT_EQUAL(hm_spec_parse_source(spec, path), HM_OK);
    snprintf(gpx + strlen(dir), sizeof(gpx) - strlen(dir), "/gpx/");
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), gpx);
    CU_ASSERT_EQUAL(spec->style.render, 1 + HM_BAND_COUNT);
    hm_spec_free(spec);
    /* a connection string */
    spec = spec_new();
    CU_ASSERT_EQUAL(hm_spec_parse_source(spec, "heatmap:gpx/:GLOW=1"), HM_OK);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), "gpx/");
    HM_ASSERT_NEAR(spec->style.glow, 1.0, 0);
    CU_ASSERT_EQUAL(hm_spec_parse_source(spec, "HEATMAP:gpx/:GLOW=99"), HM_EINVAL);
    hm_spec_free(spec);
    /* a folder, an activity file, a path that does not exist: the source itself */
    spec = spec_new();
    CU_ASSERT_EQUAL(hm_spec_parse_source(spec, dir), HM_OK);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), dir);
    snprintf(gpx + strlen(dir), sizeof(gpx) - strlen(dir), "/run.gpx");
    CU_ASSERT_EQUAL(hm_spec_parse_source(spec, gpx), HM_OK);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), gpx);
    CU_ASSERT_EQUAL(hm_spec_parse_source(spec, "/no/such/folder"), HM_OK);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), "/no/such/folder");
    CU_ASSERT_EQUAL(hm_spec_parse_source(spec, ""), HM_EINVAL);
    /* a descriptor with a bad option: the descriptor's error, with its path and line */
    CU_ASSERT_EQUAL(hm_spec_parse_source(spec, bad), HM_EINVAL);
    CU_ASSERT_STRING_EQUAL(hm_ctx_last_error(ctx)->path, bad);
    CU_ASSERT_EQUAL(hm_ctx_last_error(ctx)->line, 3);
    CU_ASSERT(strstr(hm_ctx_last_error(ctx)->message, "RENDER=heat") != NULL);
    hm_spec_free(spec);
    /* what write_descriptor gives, parse_source reads */
    spec = spec_new();
    CU_ASSERT_EQUAL_FATAL(hm_spec_set_path(spec, dir), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_spec_set(spec, "RENDER", "hr"), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_spec_write_descriptor(&doc, ctx, spec), HM_OK);
    write_file(path, doc);
    hm_ctx_free_mem(ctx, doc);
    hm_spec_free(spec);
    spec = spec_new();
    CU_ASSERT_EQUAL(hm_spec_parse_source(spec, path), HM_OK);
    CU_ASSERT_STRING_EQUAL(hm_spec_get_path(spec), dir);
    CU_ASSERT_EQUAL(spec->style.render, 1 + HM_BAND_HR);
    hm_spec_free(spec);

    unlink(path);
    unlink(gpx);
    unlink(bad);
    rmdir(dir);
}

/* ---- allocation failures ------------------------------------------------- */

static int run_read(hm_test_alloc *fa)
{
    hm_allocator a = hm_test_alloc_make(fa);
    hm_ctx *c = NULL;
    hm_spec *spec = NULL;
    int rc;

    if (hm_ctx_new(&c, &a) != HM_OK)
        return HM_ENOMEM;
    hm_io__set_api(c, &mem_api);
    rc = hm_spec_new(&spec, c);
    if (rc == HM_OK)
        rc = hm_spec_read_descriptor(spec, "/mem/maps/city.heatmap");
    hm_spec_free(spec);
    hm_ctx_free(c);
    return rc;
}

static int run_write(hm_test_alloc *fa)
{
    hm_allocator a = hm_test_alloc_make(fa);
    hm_ctx *c = NULL;
    hm_spec *spec = NULL;
    char *doc = NULL;
    int rc;

    if (hm_ctx_new(&c, &a) != HM_OK)
        return HM_ENOMEM;
    rc = hm_spec_new(&spec, c);
    if (rc == HM_OK)
        rc = hm_spec_set_path(spec, "/data/gpx & co/");
    if (rc == HM_OK)
        rc = hm_spec_set(spec, "RENDER", "count");
    if (rc == HM_OK)
        rc = hm_spec_set(spec, "PALETTE", "0:000;1:fff");
    if (rc == HM_OK)
        rc = hm_spec_write_descriptor(&doc, c, spec);
    hm_ctx_free_mem(c, doc);
    hm_spec_free(spec);
    hm_ctx_free(c);
    return rc;
}

static void test_descriptor__write_alloc_failures(void)
{
    hm_test_alloc fa = {-1, 0, 0, 0};
    long total, i;

    CU_ASSERT_EQUAL_FATAL(run_write(&fa), HM_OK);
    CU_ASSERT_EQUAL(fa.live, 0);
    total = fa.count;
    for (i = 1; i < total; i++) {
        hm_test_alloc f = {i, 0, 0, 0};

        CU_ASSERT_EQUAL(run_write(&f), HM_ENOMEM);
        CU_ASSERT_EQUAL(f.live, 0);
    }
}

static void test_descriptor__alloc_failures(void)
{
    hm_test_alloc fa = {-1, 0, 0, 0};
    long total, i;

    CU_ASSERT_EQUAL_FATAL(run_read(&fa), HM_OK);
    CU_ASSERT_EQUAL(fa.live, 0);
    total = fa.count;
    for (i = 0; i < total; i++) {
        hm_test_alloc f = {i, 0, 0, 0};

        CU_ASSERT_EQUAL(run_read(&f), HM_ENOMEM);
        CU_ASSERT_EQUAL(f.live, 0);
    }
}

static void test_descriptor__cleanup(void)
{
    hm_ctx_free(ctx);
    ctx = NULL;
}

void hm_test_descriptor_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_descriptor__sniff", test_descriptor__sniff},
        {"test_descriptor__parse", test_descriptor__parse},
        {"test_descriptor__pretty", test_descriptor__pretty},
        {"test_descriptor__sources", test_descriptor__sources},
        {"test_descriptor__errors", test_descriptor__errors},
        {"test_descriptor__binary", test_descriptor__binary},
        {"test_descriptor__deep", test_descriptor__deep},
        {"test_descriptor__read", test_descriptor__read},
        {"test_descriptor__write_round_trip", test_descriptor__write_round_trip},
        {"test_descriptor__write_minimal_and_cr", test_descriptor__write_minimal_and_cr},
        {"test_descriptor__write_trims_values", test_descriptor__write_trims_values},
        {"test_descriptor__write_errors", test_descriptor__write_errors},
        {"test_descriptor__parse_source", test_descriptor__parse_source},
        {"test_descriptor__alloc_failures", test_descriptor__alloc_failures},
        {"test_descriptor__write_alloc_failures", test_descriptor__write_alloc_failures},
        {"test_descriptor__cleanup", test_descriptor__cleanup},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("descriptor", tests);
}
