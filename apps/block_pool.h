/* SPDX-License-Identifier: MIT */
/*
 * Styled block rendering on worker threads, for `render` and `tiles`. The
 * raster and the style are immutable and shared; each worker has its own
 * hm_ctx and block buffer, takes the next block from a shared counter,
 * renders it with hm_style_render_block() and hands the pixels to a sink
 * (which copies them into an image, or writes a tile). The first failure
 * stops the others. A progress bar is drawn on stderr when asked to.
 */
#ifndef HM_APPS_BLOCK_POOL_H
#define HM_APPS_BLOCK_POOL_H

#include <heatmap.h>

/*
 * Called on a worker thread for every rendered block; blocks are handed out
 * once each, so sinks writing to disjoint places need no lock.
 * @param pixels block_size^2 pixels of hm_app_pool_job.bytes_per_pixel bytes.
 * @param empty 1 when every pixel is transparent (alpha 0 or index 0).
 * @return 0, or -1 after writing a one-line message into err.
 */
typedef int (*hm_app_block_sink)(void *payload, hm_ctx *ctx, int block_x, int block_y,
                                 const uint8_t *pixels, int empty, char *err, size_t err_size);

typedef struct hm_app_pool_job {
    const hm_raster *raster; /* shared, read-only */
    const hm_style *style;   /* shared, read-only */
    int level;               /* raster level the blocks belong to */
    const int *blocks;       /* 2 * count ints: block_x, block_y pairs */
    size_t count;            /* blocks to render */
    int threads;             /* workers, >= 1 */
    hm_app_block_sink sink;  /* where the pixels go */
    void *payload;           /* passed to sink */
    const char *progress;    /* label of a progress bar on stderr, or NULL for none */
    int block_size;          /* pixels per block side (hm_grid_info.block_size) */
    int bytes_per_pixel;     /* 4 for RGBA, 1 for PALETTE */
} hm_app_pool_job;

/*
 * Render every block of the job; *drawn receives the number of blocks that
 * were not empty. Returns 0, or -1 with the first error in err ("block x,y:
 * msg" from the engine, or the sink's own message).
 */
int hm_app_pool_run(const hm_app_pool_job *job, size_t *drawn, char *err, size_t err_size);

#endif /* HM_APPS_BLOCK_POOL_H */
