/* SPDX-License-Identifier: MIT */
/*
 * Fuzz harness for the store loader (src/store/load.c): any bytes as a
 * store image. Each input is loaded twice, untrusted (as a file whose mtime
 * stamp failed): once as it is, which exercises the header, the section
 * table and the checksums; and once with every checksum recomputed, so
 * that arbitrary contents reach the consistency checks of the catalog, the
 * pieces and the trees. Whatever loads is then drawn: a raster over it,
 * blocks of every level, block lists. Nothing may crash, leak, read out of
 * bounds or trip UBSan.
 *
 * Built by CMake as hm_fuzz_store (a standalone runner, HM_FUZZ_STANDALONE)
 * and run by ctest: it builds a small valid store with the engine, then
 * loads it, every truncation of it and byte flips at every position, with
 * and without fixed checksums. With clang's libFuzzer, build this file
 * without HM_FUZZ_STANDALONE against the engine library:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     autotest/fuzz/fuzz_store.c build/libheatmap.a $(gdal-config --libs) \
 *     $(xml2-config --libs) $(pkg-config --libs proj libpng) -lz -lm -lpthread
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash_int.h"
#include "raster/raster_int.h"
#include "store/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Draw what loaded: every level's block list, and its first block. */
static void draw(hm_store *store, hm_ctx *ctx)
{
    static float mem[HM_BAND_MAX][256 * 256];
    float *const bands[HM_BAND_MAX] = {mem[0], mem[1], mem[2], mem[3], mem[4]};
    hm_raster_request req;
    hm_raster *r = NULL;
    hm_grid_info g;
    int level;

    memset(&req, 0, sizeof(req));
    req.path = "fuzz";
    req.is_web = 1;
    req.zoom = -1;
    req.filter.date_from = NAN;
    req.filter.date_to = NAN;
    req.filter.include_virtual = 1;
    req.key = "fuzz";
    if (hm_raster__new(&r, ctx, store, &req) != HM_OK)
        return;
    hm_raster_get_grid(r, &g);
    for (level = 0; level < g.level_count; level++) {
        int *blocks = NULL;
        size_t n = 0, i;
        if (hm_raster_query_blocks(&blocks, &n, r, ctx, level) != HM_OK)
            continue;
        for (i = 0; i < n && i < 1; i++)
            hm_raster_render_block(r, ctx, level, blocks[2 * i], blocks[2 * i + 1], bands);
        hm_ctx_free_mem(ctx, blocks);
    }
    hm_raster_free(r);
}

/* Load a copy of the image; draw it when it loads. */
static void load(const uint8_t *data, size_t size, hm_ctx *ctx)
{
    unsigned char *copy = malloc(size ? size : 1);
    hm_store *store = NULL;
    char why[256];
    int rc;

    if (!copy)
        return;
    memcpy(copy, data, size);
    rc = hm_store__load(&store, ctx, copy, size, 0, 0, why, sizeof(why));
    if (rc == HM_OK) {
        draw(store, ctx);
        hm_store__release(store);
    } else {
        assert(rc == HM_EPARSE || rc == HM_ENOMEM);
        assert(rc != HM_EPARSE || why[0]);
    }
}

/* The image with every checksum made right again, when its header and table can be read. */
static uint8_t *fix_checksums(const uint8_t *data, size_t size)
{
    hm_store_header h;
    uint8_t *out;
    uint32_t i;

    if (size < sizeof(h))
        return NULL;
    memcpy(&h, data, sizeof(h));
    if (h.nsections > HM_STORE_MAX_SECTIONS || h.table_offset > size ||
        (size - h.table_offset) / sizeof(hm_store_section) < h.nsections || h.table_offset % 8)
        return NULL;
    out = malloc(size);
    if (!out)
        return NULL;
    memcpy(out, data, size);
    for (i = 0; i < h.nsections; i++) {
        hm_store_section s;
        memcpy(&s, out + h.table_offset + i * sizeof(s), sizeof(s));
        if (s.offset <= size && s.size <= size - s.offset) {
            s.hash = hm_hash64(out + s.offset, (size_t)s.size, 0);
            memcpy(out + h.table_offset + i * sizeof(s), &s, sizeof(s));
        }
    }
    h.file_size = size;
    h.table_hash = hm_hash64(out + h.table_offset, h.nsections * sizeof(hm_store_section), 0);
    h.header_hash = hm_hash64(&h, offsetof(hm_store_header, header_hash), 0);
    memcpy(out, &h, sizeof(h));
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hm_ctx *ctx;
    uint8_t *fixed;

    if (hm_ctx_new(&ctx, NULL) != HM_OK)
        return 0;
    load(data, size, ctx);
    if ((fixed = fix_checksums(data, size)) != NULL) {
        load(fixed, size, ctx);
        free(fixed);
    }
    hm_ctx_free(ctx);
    return 0;
}

#ifdef HM_FUZZ_STANDALONE
#include "track/builder_int.h"

/* A small valid store: two activities of a few dozen fixes, one with a long jump. */
static int seed_store(unsigned char **image, size_t *size)
{
    hm_listing_entry entry = {"seed.gpx", 1234, 1, HM_OK};
    hm_store_input in;
    hm_store_part part;
    /* An activities table joined to the file: the CSV sections are fuzzed too. */
    static char *header[] = {"Filename", "Activity Name"};
    static char *cells[] = {"activities/seed.gpx", "Morning run", "", "Manual"};
    hm_csv table;
    hm_store_clean clean;
    hm_store_info info;
    hm_store_sink *sink;
    hm_builder *b;
    hm_file *f = NULL;
    hm_ctx *ctx;
    int a, i, rc;

    memset(&clean, 0, sizeof(clean));
    clean.max_gap = 1000.0;
    memset(&table, 0, sizeof(table));
    table.ncols = 2;
    table.nrows = 2;
    table.header = header;
    table.cells = cells;
    memset(&info, 0, sizeof(info));
    info.source = "/fuzz/seed";
    info.options = "MAX_GAP=1000\n";
    info.root = HM_STORE_ROOT_FOLDER;
    info.table = &table;
    info.table_path = "/fuzz/seed/activities.csv";
    info.table_size = 64;
    info.table_mtime_ns = 1;
    if (hm_ctx_new(&ctx, NULL) != HM_OK || hm_builder__new(&b, ctx, "seed.gpx", HM_FORMAT_GPX))
        return -1;
    for (a = 0; a < 2; a++) {
        hm_builder__begin_activity(b);
        hm_builder__set_sport(b, a ? "cycling" : "running", a ? 7 : 7);
        for (i = 0; i < 40; i++) {
            hm_point p;
            hm_point__init(&p);
            p.lat = 46.05 + 0.0003 * i + (i == 20 ? 0.01 : 0.0) + 0.001 * a;
            p.lon = 14.5 + 0.0002 * i * (a ? -1 : 1);
            p.time = 1.6e9 + 86400.0 * a + 3.0 * i;
            p.hr = (float)(120 + i);
            hm_builder__add_point(b, &p);
        }
    }
    hm_builder__finish(b, &f);
    hm_builder__free(b);
    rc = hm_store__part_from_file(&part, ctx, f, &clean);
    hm_file_free(f);
    if (rc != HM_OK)
        return -1;
    memset(&in, 0, sizeof(in));
    in.entry = &entry;
    in.part = &part;
    rc = hm_store__sink_memory(&sink, ctx);
    if (rc == HM_OK) {
        unsigned char *img;
        rc = hm_store__write(sink, ctx, &info, &in, 1, 0);
        hm_store__sink_take(sink, &img, size);
        hm_store__sink_free(sink);
        *image = rc == HM_OK ? malloc(*size) : NULL;
        if (*image)
            memcpy(*image, img, *size);
        else
            rc = HM_ENOMEM;
        hm_ctx_free_mem(ctx, img);
    }
    hm_store__part_free(&part);
    hm_ctx_free(ctx);
    return rc == HM_OK ? 0 : -1;
}

/*
 * The seed; each of its truncations (every 7th length, and all of the header); a byte
 * flipped at every position (as is, and with fixed checksums: LLVMFuzzerTestOneInput does
 * both); and any files named on the command line.
 */
int main(int argc, char **argv)
{
    unsigned char *seed = NULL, *buf;
    size_t size = 0, i, runs = 0;
    int k;

    if (argc == 3 && strcmp(argv[1], "--write-seed") == 0) {
        /* The seed as a file: the first input of a libFuzzer corpus (scripts/test.sh). */
        FILE *fp = fopen(argv[2], "wb");
        int ok = fp && seed_store(&seed, &size) == 0 && fwrite(seed, 1, size, fp) == size;
        if (fp)
            ok = (fclose(fp) == 0) && ok;
        free(seed);
        return ok ? 0 : 1;
    }
    for (k = 1; k < argc; k++) {
        FILE *fp = fopen(argv[k], "rb");
        unsigned char b[1 << 16];
        size_t n;
        if (!fp)
            continue;
        n = fread(b, 1, sizeof(b), fp);
        fclose(fp);
        LLVMFuzzerTestOneInput(b, n);
        runs++;
    }
    if (seed_store(&seed, &size) != 0 || size < sizeof(hm_store_header)) {
        fprintf(stderr, "hm_fuzz_store: cannot build the seed store\n");
        return 1;
    }
    buf = malloc(size);
    if (!buf)
        return 1;
    LLVMFuzzerTestOneInput(seed, size);
    for (i = 0; i < size; i += i < 2 * sizeof(hm_store_header) ? 1 : 7, runs++)
        LLVMFuzzerTestOneInput(seed, i);
    /* Every byte of the header and the catalog, every 11th beyond (geometry repeats; the
     * libFuzzer build explores the rest). */
    for (i = 0; i < size; i += i < size / 8 ? 1 : 11, runs++) {
        memcpy(buf, seed, size);
        buf[i] ^= (unsigned char)(1u << (i % 8));
        LLVMFuzzerTestOneInput(buf, size);
    }
    printf("hm_fuzz_store: %zu inputs from a %zu-byte store, no crash\n", runs, size);
    free(buf);
    free(seed);
    return 0;
}
#endif
