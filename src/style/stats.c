/* SPDX-License-Identifier: MIT */
/*
 * Per-level statistics. A styled raster needs, for every level it draws,
 * one scale shared by all its blocks (a per-block scale would make seams
 * between tiles), so the scale comes from the whole level: the blocks the
 * index says hold data, all of them up to HM_STATS_MAX_BLOCKS and an even,
 * deterministic sample beyond, each contributing at most
 * HM_STATS_BLOCK_VALUES values weighted by how many pixels they stand for.
 * The cost is then bounded (1024 block renders) whatever the level's size,
 * the result does not depend on the order blocks are asked for, and it is
 * computed once: the histogram is a value derived from the raster
 * (src/raster/derive_int.h), shared by every handle with that grid and
 * filter and, written as bytes beside the store file, by every process.
 */
#include <math.h>
#include <string.h>

#include <stdio.h>

#include "raster/derive_int.h"
#include "style/stats_int.h"

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

typedef struct stats_job {
    int level;
    hm_band band;
} stats_job;

static int compute(void **out, hm_ctx *ctx, const hm_raster *raster, void *payload)
{
    const stats_job *job = payload;
    float *bands[HM_BAND_MAX] = {NULL, NULL, NULL, NULL, NULL};
    hm_sample *samples = NULL;
    size_t nblocks = 0, npick, nsamples = 0, npix, i;
    int *blocks = NULL;
    hm_grid_info g;
    float *values;
    hm_hist *h;
    int rc;

    *out = NULL;
    hm_raster_get_grid(raster, &g);
    npix = (size_t)g.block_size * (size_t)g.block_size;
    if ((rc = hm_raster_query_blocks(&blocks, &nblocks, raster, ctx, job->level)) != HM_OK)
        return rc;
    npick = nblocks < HM_STATS_MAX_BLOCKS ? nblocks : HM_STATS_MAX_BLOCKS;
    values = hm_ctx__reallocarray(ctx, NULL, npix, sizeof(*values));
    samples = hm_ctx__reallocarray(ctx, NULL, npick ? npick : 1,
                                   HM_STATS_BLOCK_VALUES * sizeof(*samples));
    h = hm_ctx__calloc(ctx, 1, sizeof(*h));
    if (!values || !samples || !h) {
        rc = HM_RAISE_NOMEM(ctx);
        goto done;
    }
    bands[job->band] = values;
    for (i = 0; i < npick; i++) {
        size_t b = hm_stats__pick(i, nblocks, HM_STATS_MAX_BLOCKS);

        rc = hm_raster_render_block(raster, ctx, job->level, blocks[2 * b], blocks[2 * b + 1],
                                    bands);
        if (rc != HM_OK)
            goto done;
        nsamples += hm_stats__sample_block(samples + nsamples, job->band, values, npix);
    }
    if ((rc = hm_hist__build(h, ctx, samples, nsamples, HM_HIST_MAX)) != HM_OK)
        goto done;
    hm_ctx__log(ctx, HM_LOG_DEBUG,
                "statistics of %s at level %d: %zu of %zu blocks, %zu values, %zu entries, "
                "range %g .. %g",
                hm_band_get_name(job->band), job->level, npick, nblocks, nsamples, h->n, h->min,
                h->max);
    *out = h;
    h = NULL;

done:
    if (h)
        hist_destroy(h, ctx);
    hm_ctx__free(ctx, samples);
    hm_ctx__free(ctx, values);
    hm_ctx__free(ctx, blocks);
    return rc;
}

/* The bytes of a histogram: n (uint64), total, min, max, then n (value, cum) pairs; doubles
 * and integers in the machine's order, as the store file itself. */
#define HEAD_BYTES (4 * 8)

static int encode(const void *value, hm_ctx *ctx, void **bytes, size_t *len)
{
    const hm_hist *h = value;
    const uint64_t n = h->n;
    unsigned char *b;
    size_t i;

    *len = HEAD_BYTES + h->n * 16;
    if (!(b = hm_ctx__malloc(ctx, *len)))
        return HM_RAISE_NOMEM(ctx);
    memcpy(b, &n, 8);
    memcpy(b + 8, &h->total, 8);
    memcpy(b + 16, &h->min, 8);
    memcpy(b + 24, &h->max, 8);
    for (i = 0; i < h->n; i++) {
        memcpy(b + HEAD_BYTES + 16 * i, &h->value[i], 8);
        memcpy(b + HEAD_BYTES + 16 * i + 8, &h->cum[i], 8);
    }
    *bytes = b;
    return HM_OK;
}

static int decode(void **value, hm_ctx *ctx, const void *bytes, size_t len)
{
    const unsigned char *b = bytes;
    hm_hist *h;
    uint64_t n;
    size_t i;

    *value = NULL;
    if (len < HEAD_BYTES)
        return HM_EPARSE;
    memcpy(&n, b, 8);
    if (n > HM_HIST_MAX || len != HEAD_BYTES + n * 16)
        return HM_EPARSE;
    if (!(h = hm_ctx__calloc(ctx, 1, sizeof(*h))))
        return HM_RAISE_NOMEM(ctx);
    h->value = hm_ctx__reallocarray(ctx, NULL, n ? n : 1, sizeof(double));
    h->cum = hm_ctx__reallocarray(ctx, NULL, n ? n : 1, sizeof(double));
    if (!h->value || !h->cum) {
        hist_destroy(h, ctx);
        return HM_RAISE_NOMEM(ctx);
    }
    h->n = (size_t)n;
    memcpy(&h->total, b + 8, 8);
    memcpy(&h->min, b + 16, 8);
    memcpy(&h->max, b + 24, 8);
    for (i = 0; i < h->n; i++) {
        memcpy(&h->value[i], b + HEAD_BYTES + 16 * i, 8);
        memcpy(&h->cum[i], b + HEAD_BYTES + 16 * i + 8, 8);
    }
    *value = h;
    return HM_OK;
}

static const hm_derived_ops stats_ops = {compute, hist_destroy, encode, decode};

int hm_stats__get(const hm_hist **out, const hm_raster *raster, hm_ctx *ctx, int level,
                  hm_band band)
{
    stats_job job;
    char name[64];
    const void *value = NULL;
    int rc;

    job.level = level;
    job.band = band;
    snprintf(name, sizeof(name), "stats|level=%d|band=%s", level, hm_band_get_name(band));
    rc = hm_raster__derive(&value, raster, ctx, name, &stats_ops, &job);
    *out = value;
    return rc;
}
