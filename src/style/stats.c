/* SPDX-License-Identifier: MIT */
/*
 * Per-level statistics. A styled raster needs, for every level it draws,
 * one scale shared by all its blocks (a per-block scale would make seams
 * between tiles), so the scale comes from the whole level: the blocks the
 * index says hold data, all of them up to HM_STATS_MAX_BLOCKS and an even,
 * deterministic sample beyond, each contributing at most
 * HM_STATS_BLOCK_VALUES values weighted by how many pixels they stand for.
 * The cost is then bounded (1024 block renders) whatever the level's size,
 * the result does not depend on the order blocks are asked for, and a
 * process computes it once: the histogram is kept in the store's memo
 * (src/core/memo_int.h) under the raster's grid-and-filter key, shared by
 * every handle with that grid and filter, and allocated with the store's
 * allocator (the memo frees it with the store).
 */
#include <math.h>
#include <string.h>

#include "raster/grid_int.h"
#include "core/strbuf_int.h"
#include "raster/raster_int.h"
#include "style/stats_int.h"

#define NPIX ((size_t)HM_GRID_BLOCK * HM_GRID_BLOCK)

size_t hm_stats__pick(size_t i, size_t n, size_t max)
{
    if (n <= max)
        return i;
    /* i < max <= 2^10 and n < 2^53: the product is exact in a double; in integers
     * it could overflow size_t on 32-bit platforms. */
    return (size_t)floor((double)i * (double)n / (double)max);
}

static int is_data(hm_band band, float v)
{
    if (band == HM_BAND_COUNT || band == HM_BAND_LOG_COUNT)
        return v > 0.0f;
    return !isnan(v);
}

size_t hm_stats__sample_block(hm_sample *samples, hm_band band, const float *values,
                              size_t npix)
{
    size_t n = 0, i, next, k = 0, added = 0;
    float weight;

    for (i = 0; i < npix; i++)
        n += is_data(band, values[i]);
    if (n == 0)
        return 0;
    weight = n > HM_STATS_BLOCK_VALUES ? (float)((double)n / HM_STATS_BLOCK_VALUES) : 1.0f;
    /* Walk the data pixels in scan order; k counts them, next is the one to take. */
    next = hm_stats__pick(0, n, HM_STATS_BLOCK_VALUES);
    for (i = 0; i < npix && added < HM_STATS_BLOCK_VALUES; i++) {
        if (!is_data(band, values[i]))
            continue;
        if (k == next) {
            samples[added].value = values[i];
            samples[added].weight = weight;
            added++;
            next = hm_stats__pick(added, n, HM_STATS_BLOCK_VALUES);
        }
        k++;
    }
    return added;
}

static void hist_destroy(void *value, hm_ctx *ctx)
{
    hm_hist *h = value;

    hm_hist__free(h, ctx);
    hm_ctx__free(ctx, h);
}

static int compute(hm_hist **out, const hm_raster *raster, hm_ctx *ctx, int level, hm_band band)
{
    float *bands[HM_BAND_MAX] = {NULL, NULL, NULL, NULL, NULL};
    hm_sample *samples = NULL;
    size_t nblocks = 0, npick, nsamples = 0, i;
    int *blocks = NULL;
    float *values;
    hm_hist *h;
    int rc;

    *out = NULL;
    if ((rc = hm_raster_query_blocks(&blocks, &nblocks, raster, ctx, level)) != HM_OK)
        return rc;
    npick = nblocks < HM_STATS_MAX_BLOCKS ? nblocks : HM_STATS_MAX_BLOCKS;
    values = hm_ctx__reallocarray(ctx, NULL, NPIX, sizeof(*values));
    samples = hm_ctx__reallocarray(ctx, NULL, npick ? npick : 1,
                                   HM_STATS_BLOCK_VALUES * sizeof(*samples));
    h = hm_ctx__calloc(ctx, 1, sizeof(*h));
    if (!values || !samples || !h) {
        rc = HM_RAISE_NOMEM(ctx);
        goto done;
    }
    bands[band] = values;
    for (i = 0; i < npick; i++) {
        size_t b = hm_stats__pick(i, nblocks, HM_STATS_MAX_BLOCKS);

        rc = hm_raster_render_block(raster, ctx, level, blocks[2 * b], blocks[2 * b + 1], bands);
        if (rc != HM_OK)
            goto done;
        nsamples += hm_stats__sample_block(samples + nsamples, band, values, NPIX);
    }
    if ((rc = hm_hist__build(h, ctx, samples, nsamples, HM_HIST_MAX)) != HM_OK)
        goto done;
    hm_ctx__log(ctx, HM_LOG_DEBUG,
                "statistics of %s at level %d: %zu of %zu blocks, %zu values, %zu entries, "
                "range %g .. %g",
                hm_band_get_name(band), level, npick, nblocks, nsamples, h->n, h->min, h->max);
    *out = h;
    h = NULL;

done:
    hm_ctx__free(ctx, h);
    hm_ctx__free(ctx, samples);
    hm_ctx__free(ctx, values);
    hm_ctx__free(ctx, blocks);
    return rc;
}

typedef struct stats_job {
    const hm_raster *raster; /* whose level */
    const char *key;         /* grid, filter, level and band, as text */
    int level;
    hm_band band;
} stats_job;

/* The histogram: from the stats file beside the store when another process made it, else
 * computed (and added to that file). */
static int load_or_compute(void **value, hm_ctx *c, void *payload)
{
    const stats_job *job = payload;
    const hm_store *store = hm_raster__get_store(job->raster);
    hm_hist *h;
    int found, rc;

    *value = NULL;
    if (!(h = hm_ctx__calloc(c, 1, sizeof(*h))))
        return HM_RAISE_NOMEM(c);
    if ((found = hm_stats__load(h, c, store, job->key)) < 0) {
        hm_ctx__free(c, h);
        return found;
    }
    if (found) {
        hm_ctx__log(c, HM_LOG_DEBUG, "statistics of %s at level %d: from %s.stats",
                    hm_band_get_name(job->band), job->level, store->path);
        *value = h;
        return HM_OK;
    }
    hm_ctx__free(c, h);
    if ((rc = compute(&h, job->raster, c, job->level, job->band)) != HM_OK)
        return rc;
    hm_stats__save(c, store, job->key, h);
    *value = h;
    return HM_OK;
}

int hm_stats__get(const hm_hist **out, const hm_raster *raster, hm_ctx *ctx, int level,
                  hm_band band)
{
    hm_strbuf key = HM_STRBUF_INIT(ctx);
    stats_job job;
    void *value = NULL;
    int rc;

    *out = NULL;
    /* The grid and filter (the raster's key) with the level and band name the values. */
    hm_strbuf_printf(&key, "stats:%s|level=%d|band=%s", hm_raster__get_key(raster), level,
                     hm_band_get_name(band));
    if (hm_strbuf_failed(&key)) {
        hm_strbuf_free(&key);
        return HM_RAISE_NOMEM(ctx);
    }
    job.raster = raster;
    job.key = key.s;
    job.level = level;
    job.band = band;
    /* What the memo keeps is freed with the store's allocator, which need not be the
     * caller's: hm_memo__get allocates it with a child of the store's context. */
    rc = hm_memo__get(&value, hm_raster__get_memo(raster), hm_raster__get_data_ctx(raster), ctx,
                      key.s, load_or_compute, hist_destroy, &job);
    hm_strbuf_free(&key);
    *out = value;
    return rc;
}
