/* SPDX-License-Identifier: MIT */
/*
 * A pull stream of plain bytes: what every reader consumes. The source layer
 * stacks it over a VSI file handle and, for .gz content, zlib inflate; the
 * `*_buffer` entry points stack it over memory. Readers therefore never see
 * paths, compression or GDAL, and tests and fuzzers feed them memory.
 *
 * The stream enforces the decompressed size limit: reading past it fails
 * with HM_EUNSUPPORTED, so a gzip bomb costs bounded time and memory.
 */
#ifndef HM_IO_STREAM_INT_H
#define HM_IO_STREAM_INT_H

#include "core/ctx_int.h"
#include "heatmap/activity.h"

typedef struct hm_stream hm_stream;

/* Default limit on the bytes one file may yield after decompression: 1 GiB. */
#define HM_STREAM_DEFAULT_LIMIT ((uint64_t)1 << 30)

/*
 * Read up to `cap` bytes. *got = 0 with HM_OK means end of stream. On error
 * the code is returned and raised on the stream's context with the path and
 * the offset reached.
 */
int hm_stream__read(hm_stream *s, void *buf, size_t cap, size_t *got);

/* Bytes delivered so far. */
uint64_t hm_stream__tell(const hm_stream *s);

/* The path used in messages. */
const char *hm_stream__path(const hm_stream *s);

/* The context errors are raised on. */
hm_ctx *hm_stream__ctx(const hm_stream *s);

/* Non-fatal problems the stream noticed (e.g. trailing garbage after gzip data), or "" . */
const char *hm_stream__warning(const hm_stream *s);

/* A stream over memory (not copied: buf must outlive the stream). */
int hm_stream__new_memory(hm_stream **out, hm_ctx *ctx, const char *path, const void *buf,
                          size_t len);

/*
 * A stream over a file read through the I/O table (VSI by default), inflated
 * when it starts with the gzip magic. `limit` is the decompressed size limit
 * (0 for the default).
 */
int hm_stream__new_file(hm_stream **out, hm_ctx *ctx, const char *path, uint64_t limit);

/*
 * Look at the first bytes without consuming them: copies up to `cap` bytes
 * into head and sets *got. Only valid before the first hm_stream__read().
 */
int hm_stream__peek(hm_stream *s, void *head, size_t cap, size_t *got);

/*
 * Start again from the first byte, as if just created (a file is opened
 * again): for a reader that reads a document a second time. HM_OK, or the
 * error of opening the file again.
 */
int hm_stream__rewind(hm_stream *s);

void hm_stream__free(hm_stream *s);

/* A parser's streaming entry point (one per format, below). */
typedef int (*hm_stream_parse_fn)(hm_file **out, hm_ctx *ctx, hm_stream *in);

/* Run a streaming parser over memory: what every public `*_parse_buffer` is. */
int hm_stream__parse_buffer(hm_file **out, hm_ctx *ctx, const char *path, const void *buf,
                            size_t len, hm_stream_parse_fn parse);

/*
 * The parsers' streaming entry points. Each reads the stream to its end (or
 * to the first fatal problem) and builds an hm_file; the `*_parse_buffer`
 * public functions wrap these over a memory stream.
 */
int hm_gpx__parse_stream(hm_file **out, hm_ctx *ctx, hm_stream *in);
int hm_tcx__parse_stream(hm_file **out, hm_ctx *ctx, hm_stream *in);
int hm_fit__parse_stream(hm_file **out, hm_ctx *ctx, hm_stream *in);

#endif /* HM_IO_STREAM_INT_H */
