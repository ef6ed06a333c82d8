/* SPDX-License-Identifier: MIT */
/*
 * The activity builder: the one sink every reader emits into. A reader
 * begins an activity, sets its metadata, begins segments and adds points,
 * records warnings, and finally turns the builder into an hm_file. Keeping
 * this in one place means the readers never allocate activity storage or
 * format warnings themselves, and every format yields the same objects.
 */
#ifndef HM_TRACK_BUILDER_INT_H
#define HM_TRACK_BUILDER_INT_H

#include "core/ctx_int.h"
#include "heatmap/activity.h"

typedef struct hm_builder hm_builder;

/* A point with every value missing (NaN). */
void hm_point__init(hm_point *p);

int hm_builder__new(hm_builder **out, hm_ctx *ctx, const char *path, hm_format format);
void hm_builder__free(hm_builder *b);

/* Start a new activity (ends the current one, if any). */
int hm_builder__begin_activity(hm_builder *b);
/* Metadata of the current activity; text is copied (lower-cased for sport/sub-sport, trimmed). */
int hm_builder__set_sport(hm_builder *b, const char *text, size_t len);
int hm_builder__set_sub_sport(hm_builder *b, const char *text, size_t len);
int hm_builder__set_device(hm_builder *b, const char *text, size_t len);
int hm_builder__set_name(hm_builder *b, const char *text, size_t len);
void hm_builder__set_virtual(hm_builder *b, int is_virtual);
void hm_builder__set_start_time(hm_builder *b, double t);
/* Start a new segment in the current activity (begins an activity if none is open).
 * An empty segment is dropped when the next one begins or the activity ends. */
int hm_builder__begin_segment(hm_builder *b);
/* Append a point to the current segment (begins activity/segment if none is open). */
int hm_builder__add_point(hm_builder *b, const hm_point *p);
/* Number of points added to the whole file so far (for "kept N points" messages). */
size_t hm_builder__get_point_total(const hm_builder *b);
/* End the current activity. Activities without points are kept: the file said they exist. */
int hm_builder__end_activity(hm_builder *b);

/* Record a warning (the file is still usable). Returns HM_OK or HM_ENOMEM. */
int hm_builder__warn(hm_builder *b, int code, long line, int64_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Hand the result over: ends the open activity and moves everything into *out. */
int hm_builder__finish(hm_builder *b, hm_file **out);

/* A file entry for a skipped file, carrying `error` (copied). */
int hm_file__new_failed(hm_file **out, hm_ctx *ctx, const char *path, hm_format format,
                        const hm_error *error);

/* Add a warning to an existing file (used by the source layer, e.g. a gzip trailer problem). */
int hm_file__add_warning(hm_file *file, int code, long line, int64_t offset, const char *msg);

/* Set the file's format (the source layer knows it better than a buffer parser). */
void hm_file__set_format(hm_file *file, hm_format format);

#endif /* HM_TRACK_BUILDER_INT_H */
