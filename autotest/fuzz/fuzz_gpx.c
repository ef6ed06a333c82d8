/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the GPX reader: any bytes through
 * hm_gpx_parse_buffer(). The reader must return HM_OK (with the file) or an
 * error code with a message, never crash, leak or print, and read the document
 * as libxml2 alone does (the XML scanner's contract). Not built by
 * default; for example:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     autotest/fuzz/fuzz_gpx.c src/core/{ctx,text,time}.c \
 *     src/io/{gpx,tcx,xml_util,xml_scan,stream,units,vsi}.c \
 *     src/track/{activity,geo}.c $(xml2-config --cflags --libs) \
 *     $(gdal-config --cflags) $(gdal-config --libs) -lz -lm
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heatmap.h>

#include "../describe_file.h"
#include "io/xml_util_int.h" /* hm_xml__set_scanner */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The scanner (src/io/xml_scan.c) reads the document first; libxml2 alone must read it to
 * the same file, or to the same error: what the scanner takes it takes exactly, and what it
 * gives up on libxml2 reads again.
 */
static void same_as_libxml2(hm_ctx *ctx, int rc, const hm_file *f, const uint8_t *data,
                            size_t size)
{
    hm_ctx *ref_ctx;
    hm_file *ref = NULL;
    int ref_rc;
    char *a, *b;

    if (hm_ctx_new(&ref_ctx, NULL) != HM_OK)
        return;
    hm_xml__set_scanner(0);
    ref_rc = hm_gpx_parse_buffer(&ref, ref_ctx, "fuzz.gpx", data, size);
    hm_xml__set_scanner(1);
    a = hm_describe_file(ctx, rc, f);
    b = hm_describe_file(ref_ctx, ref_rc, ref);
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "scanner:\n%.4000s\nlibxml2:\n%.4000s\n", a, b);
        assert(!"the scanner and libxml2 read the document differently");
    }
    free(a);
    free(b);
    hm_file_free(ref);
    hm_ctx_free(ref_ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hm_ctx *ctx;
    hm_file *f = NULL;
    int rc;

    if (hm_ctx_new(&ctx, NULL) != HM_OK)
        return 0;
    rc = hm_gpx_parse_buffer(&f, ctx, "fuzz.gpx", data, size);
    same_as_libxml2(ctx, rc, f, data, size);
    if (rc == HM_OK) {
        size_t i;
        assert(f != NULL);
        for (i = 0; i < hm_file_get_activity_count(f); i++) {
            hm_activity_summary s;
            hm_activity_get_summary(hm_file_get_activity(f, i), &s);
        }
    } else {
        const hm_error *e = hm_ctx_last_error(ctx);
        assert(f == NULL);
        assert(e != NULL && e->code == rc && strlen(e->message) > 0);
    }
    hm_file_free(f);
    hm_ctx_free(ctx);
    return 0;
}
