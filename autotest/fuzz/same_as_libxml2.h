/* SPDX-License-Identifier: MIT */
/*
 * The XML scanner's contract, for the GPX and TCX fuzz harnesses: the scanner
 * (src/io/xml_scan.c) reads a document first; libxml2 alone must read it to
 * the same file, or to the same error: what the scanner takes it takes
 * exactly, and what it gives up on libxml2 reads again.
 */
#ifndef HM_FUZZ_SAME_AS_LIBXML2_H
#define HM_FUZZ_SAME_AS_LIBXML2_H

#include <assert.h>
#include <stdint.h>

#include "../describe_file.h"
#include "io/xml_util_int.h" /* hm_xml__set_scanner */

/* A `*_parse_buffer` entry point (hm_gpx_parse_buffer, ...). */
typedef int (*hm_fuzz_parse_fn)(hm_file **out, hm_ctx *ctx, const char *path, const void *buf,
                                size_t len);

/* rc and f: what parse made of data (on ctx) with the scanner; parse it again without. */
static void hm_fuzz_same_as_libxml2(hm_fuzz_parse_fn parse, const char *path, hm_ctx *ctx,
                                    int rc, const hm_file *f, const uint8_t *data, size_t size)
{
    hm_ctx *ref_ctx;
    hm_file *ref = NULL;
    int ref_rc;
    char *a, *b;

    if (hm_ctx_new(&ref_ctx, NULL) != HM_OK)
        return;
    hm_xml__set_scanner(0);
    ref_rc = parse(&ref, ref_ctx, path, data, size);
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

#endif /* HM_FUZZ_SAME_AS_LIBXML2_H */
