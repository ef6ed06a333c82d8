/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the FIT reader: hm_fit_parse_buffer() on arbitrary
 * bytes. Every outcome is fine except a crash, a sanitizer report, a leak
 * or a broken contract (HM_OK with no file, an error with a file). The
 * result is walked so that any inconsistency in what the reader built is
 * touched. Not built by default; for example:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     autotest/fuzz/fuzz_fit.c src/core/{ctx,text,time}.c src/io/fit*.c src/io/stream.c \
 *     src/io/units.c src/io/vsi.c src/track/activity.c src/track/geo.c \
 *     $(gdal-config --cflags --libs) -lz -lm -o fuzz_fit
 *   ./fuzz_fit -max_len=300000 corpus/   (seed: ../shared/testdata/tracks/fit)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <heatmap.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hm_ctx *ctx;
    hm_file *f = NULL;
    volatile double sink = 0; /* keeps the walk from being optimised away */
    size_t i, k;
    int rc;

    if (hm_ctx_new(&ctx, NULL) != HM_OK)
        return 0;
    rc = hm_fit_parse_buffer(&f, ctx, "fuzz.fit", data, size);
    if (rc == HM_OK) {
        if (!f)
            abort();
        for (i = 0; i < hm_file_get_activity_count(f); i++) {
            const hm_activity *a = hm_file_get_activity(f, i);
            const hm_point *p = hm_activity_get_points(a);
            hm_activity_summary s;

            for (k = 0; k < hm_activity_get_point_count(a); k++)
                sink += p[k].lat + p[k].time;
            for (k = 0; k < hm_activity_get_segment_count(a); k++)
                if (hm_activity_get_segment_start(a, k) > hm_activity_get_point_count(a))
                    abort();
            hm_activity_get_summary(a, &s);
            sink += (double)hm_activity_get_sport(a)[0] + (double)hm_activity_get_device(a)[0];
        }
        for (i = 0; i < hm_file_get_warning_count(f); i++)
            sink += (double)hm_file_get_warning(f, i)->message[0];
        hm_file_free(f);
    } else {
        const hm_error *e = hm_ctx_last_error(ctx);
        if (f || !e || e->code != rc || !e->message[0])
            abort();
    }
    hm_ctx_free(ctx);
    (void)sink;
    return 0;
}
