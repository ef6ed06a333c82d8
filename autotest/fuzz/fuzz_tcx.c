/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the TCX reader: any bytes through
 * hm_tcx_parse_buffer(). The reader must return HM_OK (with the file) or an
 * error code with a message, never crash, leak or print, and read the document
 * as libxml2 alone does (the XML scanner's contract). Not built by
 * default; for example:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     autotest/fuzz/fuzz_tcx.c src/core/{ctx,text,time}.c \
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

#include "same_as_libxml2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hm_ctx *ctx;
    hm_file *f = NULL;
    int rc;

    if (hm_ctx_new(&ctx, NULL) != HM_OK)
        return 0;
    rc = hm_tcx_parse_buffer(&f, ctx, "fuzz.tcx", data, size);
    hm_fuzz_same_as_libxml2(hm_tcx_parse_buffer, "fuzz.tcx", ctx, rc, f, data, size);
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
