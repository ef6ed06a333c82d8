/* SPDX-License-Identifier: MIT */
/*
 * The open path: spec -> store (found, checked against the listing, brought
 * up to date, shared within the process) -> raster. Everything that turns a
 * user's name and options into an engine object goes through here; the
 * layers below never see a spec.
 */
#ifndef HM_DATASET_OPEN_INT_H
#define HM_DATASET_OPEN_INT_H

#include "dataset/spec_int.h"
#include "heatmap/source.h"
#include "store/store_int.h"

/* A source path made canonical (realpath for local paths; virtual ones tidied). */
int hm_location__canonical(char **out, hm_ctx *ctx, const char *path);

/*
 * The store file of a source, or *out NULL when it is kept in memory
 * (STORE=NO, a /vsimem/ source, or no store folder can be made: a warning
 * is logged). Creates the default folder when needed.
 * @param mode HM_STORE_MODE_*; explicit_path with HM_STORE_MODE_FILE.
 * @return HM_OK or HM_ENOMEM.
 */
int hm_location__store_path(char **out, hm_ctx *ctx, const char *canonical,
                            const char *data_key, int mode, const char *explicit_path);

/* The store behind a source. Borrowed. */
hm_store *hm_source__get_store(const hm_source *source);

/*
 * A raster of files the caller already has (the files must outlive the
 * call), through a store built in memory: no listing, no cache, no file.
 * Tests use it with activities made by the builder.
 * @param path used in messages ("no usable tracks in <path>").
 */
int hm_raster__new_from_files(hm_raster **out, hm_ctx *ctx, const hm_spec *spec, const char *path,
                              const hm_file *const *files, size_t nfiles);

/* Number of stores the process shares right now (for tests and debug logs). */
size_t hm_source__cached_count(void);

#endif /* HM_DATASET_OPEN_INT_H */
