/* SPDX-License-Identifier: MIT */
/*
 * Values derived from what a raster draws (its grid and its filter), such as
 * a style's level statistics: computed once and shared by every raster with
 * the same grid and filter over the same store, in every thread (the store's
 * memo), and, when the value can be written as bytes, by every process
 * (a file beside the store file, src/store/derived.c). This is all a layer
 * above the raster needs of its internals; the rest goes through the public
 * interface (heatmap/raster.h: blocks of a level, a block's or window's
 * bands).
 */
#ifndef HM_RASTER_DERIVE_INT_H
#define HM_RASTER_DERIVE_INT_H

#include "core/ctx_int.h"
#include "heatmap/raster.h"

typedef struct hm_derived_ops {
    /* Compute the value from the raster (rendering blocks through the public interface);
     * allocate it with ctx. Returns HM_OK or an error raised on ctx. */
    int (*compute)(void **value, hm_ctx *ctx, const hm_raster *raster, void *payload);
    /* Release a value made by compute or decode. */
    void (*destroy)(void *value, hm_ctx *ctx);
    /* Optional (both or neither): the value as bytes and back, to keep it between
     * processes. encode returns HM_OK with *bytes allocated with ctx; decode returns HM_OK,
     * HM_EPARSE for bytes it does not accept (the value is then computed), or HM_ENOMEM. */
    int (*encode)(const void *value, hm_ctx *ctx, void **bytes, size_t *len);
    int (*decode)(void **value, hm_ctx *ctx, const void *bytes, size_t len);
} hm_derived_ops;

/*
 * The value `name` (which says what it is and its parameters, e.g.
 * "stats|level=2|band=count") of the raster's data: made once by ops, then
 * shared. Threads asking at once wait for the one computing it.
 * @param out borrowed; lives as long as the raster's store.
 * @param ctx the calling thread's context (errors are raised on it).
 * @return HM_OK or what compute returned (HM_ENOMEM ...).
 */
int hm_raster__derive(const void **out, const hm_raster *raster, hm_ctx *ctx, const char *name,
                      const hm_derived_ops *ops, void *payload);

#endif /* HM_RASTER_DERIVE_INT_H */
