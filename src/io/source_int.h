/* SPDX-License-Identifier: MIT */
/*
 * Sources as the store sees them: the listing of a source (every activity
 * file below a folder, or the file itself, with its size and modification
 * time, from a stat each and no read), and reading a chosen set of listed
 * files on a pool of threads, handing each parsed file to a callback on the
 * thread that read it, so the caller can reduce it to what it keeps and
 * free it at once instead of holding every parsed point of a folder.
 */
#ifndef HM_IO_SOURCE_INT_H
#define HM_IO_SOURCE_INT_H

#include "core/ctx_int.h"
#include "heatmap/io.h"

/* One activity file as listed. */
typedef struct hm_listing_entry {
    char *rel;        /* path relative to the root, '/' separated; "" when the root is the file */
    uint64_t size;    /* bytes; 0 when stat failed */
    int64_t mtime_ns; /* ns since epoch; -1 unknown */
    int status;       /* HM_OK; HM_EIO when it cannot be stat'ed (or, for a rel ending in '/',
                         a folder that cannot be listed); HM_EUNSUPPORTED when it is not a
                         regular file (a FIFO, a device: never opened) */
} hm_listing_entry;

typedef struct hm_listing {
    hm_ctx *ctx;                /* allocator; borrowed */
    char *root;                 /* the path as given, without trailing '/' */
    int is_file;                /* 1 when the root is a single file */
    char *table;                /* the folder's activities table (root/activities.csv), or
                                   NULL when it has none */
    uint64_t table_size;        /* its size and mtime as listed (mtime -1 unknown) */
    int64_t table_mtime_ns;
    int table_named;            /* 1: table is not the folder's own but one the user named */
    hm_listing_entry *entries;  /* sorted by rel (bytewise) */
    size_t n;                   /* entries */
    int64_t scan_time_ns;       /* wall clock when the listing started */
} hm_listing;

/* The activities table of a Strava export, at the top of its folder. */
#define HM_LISTING_TABLE "activities.csv"
/* Where a Strava export keeps the tracks of its activities. */
#define HM_LISTING_EXPORT_TRACKS "activities/"

/*
 * List a source: the activity files (names ending .gpx/.tcx/.fit, optionally
 * .gz, any case) below a folder, recursively, or the single file the path
 * names (whatever its name). A folder laid out as a Strava export (an
 * activities.csv at the top, tracks under activities/) lists only the
 * tracks under activities/ (an export's routes/ are plans, not activities)
 * and names the table.
 * @param out filled in; release with hm_listing__free() (also on failure).
 * @return HM_OK; HM_ENOTFOUND (no such path), HM_EIO (cannot list), HM_ENOMEM.
 */
int hm_listing__build(hm_listing *out, hm_ctx *ctx, const char *path);
void hm_listing__free(hm_listing *listing);

/* Why a listed entry whose status is not HM_OK is not read: fills out (strings static, the
 * path borrowed). */
void hm_listing__entry_error(const hm_listing_entry *entry, const char *path, hm_error *out);

/* The path of entry i as the files are opened (root + '/' + rel). Owned by the caller
 * (hm_ctx__free); NULL when out of memory. */
char *hm_listing__path(const hm_listing *listing, size_t i, hm_ctx *ctx);

/*
 * Called on a worker thread for paths[k]: file is parsed (it may carry
 * warnings), or NULL when it failed (error is why, valid during the call).
 * The callback owns the file. ctx is the worker's context (the allocator of
 * the file). Return HM_OK, or a fatal code (HM_ENOMEM, raised on ctx) that
 * stops the read.
 */
typedef int (*hm_read_each_fn)(size_t k, const char *path, hm_file *file, const hm_error *error,
                               hm_ctx *ctx, void *payload);

/*
 * Read paths[0..n) on the given worker contexts (one thread each; the
 * calling thread is the first), in any order.
 * @param workers nworkers (>= 1) contexts; files are allocated from them.
 * @return HM_OK, or the first fatal callback code (its error copied to ctx).
 */
int hm_source__read_each(hm_ctx *ctx, hm_ctx *const *workers, size_t nworkers,
                         char *const *paths, size_t n, const hm_read_options *options,
                         hm_read_each_fn fn, void *payload);

#endif /* HM_IO_SOURCE_INT_H */
