/* SPDX-License-Identifier: MIT */
/*
 * The flat store's side of bench/store_format.sh: map and check a store
 * (hm_store__open_file, as every open does), then fetch the level-0 pieces
 * of one 256-pixel block of XYZ zoom 15 at X Y (units) and touch every point
 * of them. Prints "open_ms block_ms pieces".
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/store_int.h"

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

int main(int argc, char **argv)
{
    double t0, t1, t2, x0, y0, w = 256.0 * 131072.0, box[4];
    uint32_t *ids = NULL;
    size_t n = 0, cap = 0, i, sum = 0;
    char why[256];
    hm_store *s;
    hm_ctx *ctx;

    if (argc != 4 || hm_ctx_new(&ctx, NULL) != HM_OK)
        return 2;
    x0 = atof(argv[2]);
    y0 = atof(argv[3]);
    t0 = now_ms();
    if (hm_store__open_file(&s, ctx, argv[1], why, sizeof(why)) != HM_OK) {
        fprintf(stderr, "flat_block: %s: %s\n", argv[1], why);
        return 1;
    }
    t1 = now_ms();
    box[0] = x0, box[1] = y0, box[2] = x0 + w, box[3] = y0 + w;
    if (hm_index__query(&s->index, ctx, 0, box, &ids, &n, &cap) != HM_OK)
        return 1;
    for (i = 0; i < n; i++) {
        const hm_level *lv = &s->index.levels[0];
        const hm_piece *p = &lv->pieces[ids[i]];
        uint32_t j;
        for (j = 0; j <= p->nseg; j++)
            sum += (size_t)(lv->points[2 * ((size_t)p->first + j)] & 1) +
                   (size_t)hm_level__attr(lv, (size_t)p->first + j).dt;
    }
    t2 = now_ms();
    printf("%.3f %.3f %zu\n", t1 - t0, t2 - t1, n + (sum & 0));
    hm_ctx__free(ctx, ids);
    hm_store__release(s);
    hm_ctx_free(ctx);
    return 0;
}
