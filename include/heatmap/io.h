/* SPDX-License-Identifier: MIT */
/*
 * Reading activity files: one parser per format with a `*_buffer` entry
 * point, a file entry point that sniffs the format and decompresses gzip, and
 * a collection reader that lists a folder (any path GDAL's VSI layer
 * understands) and reads every activity file in it on all cores.
 *
 * Bad input policy: a file that cannot be read at all fails with HM_EPARSE
 * (or HM_EIO) and an error naming the path, the line or byte offset and the
 * reason; a file broken part-way keeps the points before the break and
 * carries a warning. Nothing here ever writes to the file system.
 */
#ifndef HEATMAP_IO_H
#define HEATMAP_IO_H

#include "activity.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Parse a GPX 1.0/1.1 document held in memory.
 * @param out receives the file on success (free with hm_file_free()); NULL on failure.
 * @param ctx context; on failure its last error names path and line.
 * @param path name used in messages and returned by hm_file_get_path().
 * @return HM_OK (possibly with warnings in the file), HM_EPARSE or HM_ENOMEM.
 */
int hm_gpx_parse_buffer(hm_file **out, hm_ctx *ctx, const char *path, const void *buf, size_t len);

/** Parse a TCX document held in memory. Same contract as hm_gpx_parse_buffer(). */
int hm_tcx_parse_buffer(hm_file **out, hm_ctx *ctx, const char *path, const void *buf, size_t len);

/** Parse a FIT file (possibly chained) held in memory. Same contract; errors carry the byte offset. */
int hm_fit_parse_buffer(hm_file **out, hm_ctx *ctx, const char *path, const void *buf, size_t len);

/** Guess the format of the first bytes of a (decompressed) file; HM_FORMAT_UNKNOWN when unsure. */
hm_format hm_format_sniff(const void *head, size_t len);

/** Format suggested by a file name: .gpx .tcx .fit in any case, optionally followed by .gz. */
hm_format hm_format_from_name(const char *path);

/** Options of hm_file_read() and hm_collection_read(). */
typedef struct hm_read_options {
    unsigned int version;       /**< HM_READ_OPTIONS_VERSION */
    int threads;                /**< worker threads for a collection; 0 = one per core */
    uint64_t max_file_bytes;    /**< limit on a file's decompressed size, bytes; 0 = default (1 GiB) */
} hm_read_options;

#define HM_READ_OPTIONS_VERSION 1
#define HM_READ_OPTIONS_INIT { HM_READ_OPTIONS_VERSION, 0, 0 }

/**
 * Read one activity file through GDAL's VSI layer: gzip is detected by its
 * magic bytes and inflated in memory, the format is sniffed from the content
 * (the name only breaks ties), and the file is parsed in a streaming fashion.
 * @param out receives the file on success (free with hm_file_free()).
 * @param options NULL for defaults.
 * @return HM_OK, HM_EIO, HM_EPARSE, HM_EUNSUPPORTED or HM_ENOMEM (details in the context).
 */
int hm_file_read(hm_file **out, hm_ctx *ctx, const char *path, const hm_read_options *options);

typedef struct hm_collection hm_collection;

/**
 * Read every activity file below a folder (recursively; or the single file
 * when path names one). Files are listed in sorted order; files whose name
 * does not end in .gpx/.tcx/.fit (optionally .gz, any case) are ignored.
 * Unreadable files do not fail the call: they are kept as entries whose
 * hm_file_get_error() says why.
 * @param out receives the collection (free with hm_collection_free()).
 * @param options NULL for defaults.
 * @return HM_OK; HM_ENOTFOUND or HM_EIO when the path cannot be listed; HM_ENOMEM.
 */
int hm_collection_read(hm_collection **out, hm_ctx *ctx, const char *path, const hm_read_options *options);

/** Number of activity files found (read or skipped). */
size_t hm_collection_get_file_count(const hm_collection *collection);
/** File i in sorted path order. Borrowed; lives as long as the collection. */
const hm_file *hm_collection_get_file(const hm_collection *collection, size_t i);
/** Free a collection and its files. NULL does nothing. */
void hm_collection_free(hm_collection *collection);

#ifdef __cplusplus
}
#endif

#endif /* HEATMAP_IO_H */
