/* SPDX-License-Identifier: MIT */
/*
 * The track store: everything about a source that does not depend on the
 * grid, the filter or the block (the catalog of files with their errors
 * and warnings, activity metadata, the cleaned tracks at every level of
 * detail and their R-trees), as one image (format_int.h) that is either
 * mapped from a file in the cache folder or held in memory. A process opens
 * it in milliseconds and pays memory only for the pages blocks touch.
 *
 * Life of a store:
 *   - parts: each activity file read becomes an hm_store_part (its catalog
 *     entry, its activities, an index chunk), on the thread that read it
 *     (part.c), so parsed points never pile up;
 *   - write: parts and the unchanged files of an older store are written,
 *     file after file, into a new image (write.c); nothing of an unchanged
 *     file is parsed, cleaned or simplified again, only the R-trees are
 *     rebuilt;
 *   - load: an image is checked and viewed in place (load.c); a file whose
 *     size and mtime are those its writer stamped is trusted to be what was
 *     written, and only its catalog is verified; any other is verified
 *     entirely (checksums, indices, trees) before use;
 *   - files: written to a temporary file, fsync'ed, stamped and renamed
 *     over the old one, so a reader never sees a partial store and readers
 *     of the old one keep their mapping (file.c).
 *
 * A loaded hm_store is immutable and reference-counted; the one mutable
 * part is its memo (values derived lazily: other grids' indexes, style
 * statistics), behind its own lock.
 */
#ifndef HM_STORE_STORE_INT_H
#define HM_STORE_STORE_INT_H

#include <pthread.h>

#include "core/memo_int.h"
#include "index/index_int.h"
#include "io/csv_int.h"
#include "io/source_int.h"
#include "store/activity_int.h"
#include "store/format_int.h"
#include "track/privacy_int.h"

typedef struct hm_store {
    hm_ctx *ctx;                      /* owned: allocator of everything here */
    pthread_mutex_t lock;             /* guards refs */
    size_t refs;                      /* users; the last hm_store__release frees */
    unsigned char *image;             /* the whole image */
    size_t size;                      /* bytes of image */
    int mapped;                       /* 1: image is a read-only mapping, 0: heap */
    const hm_store_header *header;    /* in image */
    const hm_store_meta *meta;        /* in image */
    const hm_store_file *files;       /* meta->nfiles */
    const hm_store_warning *warnings; /* meta->nwarnings */
    const hm_store_act *acts;         /* meta->nacts */
    const char *strings;              /* strings_size bytes, NUL-terminated texts */
    size_t strings_size;
    const uint32_t *csv_header;       /* meta->csv_cols string offsets: the table's columns */
    const uint32_t *csv_cells;        /* meta->csv_rows * csv_cols string offsets */
    hm_csv_keys table_keys;           /* the table's key columns, found once at load */
    hm_index index;                   /* a view into image */
    double *act_days;                 /* owned: start of each activity, days since epoch */
    char *path;                       /* owned: the file it was mapped from; NULL in memory */
    hm_memo memo;                     /* derived values; the one mutable part */
    struct hm_pyramid *pyramids[HM_PYRAMID_MAX_VIEWS]; /* owned: views pre-rendered */
    size_t npyramids;
} hm_store;

/* Text at a string offset of the store (checked at load). */
static inline const char *hm_store__str(const hm_store *s, uint32_t off)
{
    return s->strings + off;
}

/*
 * The web index layout every store has: level 0 raw (exp 0), then one
 * level per XYZ zoom from HM_STORE_FIRST_LOD_ZOOM down to 0. Zooms finer
 * than that are drawn from the raw level: at 1 s sampling they simplify by
 * a few percent only, and a level costs its points in every store.
 */
#define HM_STORE_FIRST_LOD_ZOOM 14
void hm_store__web_layout(hm_index_layout *out);

/* ---- parts ------------------------------------------------------------------ */

typedef struct hm_part_warning {
    int code;       /* HM_E* */
    char *message;  /* owned */
    long line;      /* as hm_error */
    int64_t offset; /* as hm_error */
} hm_part_warning;

typedef struct hm_part_act {
    char *sport;      /* owned: the file's sport, lower case, "" unknown */
    char *sub_sport;  /* owned: the file's sub-sport */
    char *name;       /* owned: the file's name of the activity */
    char *device;     /* owned */
    hm_store_act rec; /* everything else (string, file and derived fields unused) */
} hm_part_act;

/* What the store keeps of one file, before it is in a store. */
typedef struct hm_store_part {
    hm_ctx *ctx;               /* allocator */
    int format;                /* hm_format */
    int error_code;            /* HM_OK when read */
    char *error_message;       /* owned, when not read */
    long error_line;           /* as hm_error */
    int64_t error_offset;      /* as hm_error */
    hm_part_warning *warnings; /* nwarnings */
    size_t nwarnings;
    hm_part_act *acts;         /* nacts, in file order */
    size_t nacts;
    hm_index_chunk chunk;      /* activity ids 0 .. nacts - 1; when spilled, only the
                                  counts (the arrays wait in the spill file) */
    int spilled;               /* 1: the chunk's arrays are in the spill file at spill_fd */
    int spill_fd;              /* borrowed from the hm_store_spill */
    uint64_t spill_at[HM_INDEX_MAX_LEVELS]; /* level k's pieces, then boxes, points, attrs */
} hm_store_part;

/*
 * Where the geometry of parts waits for the store writer (spill.c): an
 * unlinked temporary file in the store's folder. A reading thread moves a
 * part's arrays there as soon as the part is made, so a cold build holds in
 * memory the files being read, not every file read so far; the writer reads
 * them back input by input. Without a spill (no store file, a folder that
 * cannot take it, a write that fails) parts keep their arrays in memory.
 */
typedef struct hm_store_spill hm_store_spill;

/* Where a spilled part's level k lies, from hm_store_part.spill_at[k]: its pieces, then
 * their boxes (4 doubles each), its points (2 int32 each) and its attributes. The one
 * definition the spill file is written and read back with. */
typedef struct hm_spill_level {
    uint64_t boxes;  /* offset of the boxes (the pieces are at 0) */
    uint64_t points; /* offset of the points */
    uint64_t attrs;  /* offset of the attributes */
    uint64_t end;    /* bytes of the level */
} hm_spill_level;

static inline void hm_store__spill_level(hm_spill_level *out, size_t npieces, size_t npoints,
                                         size_t attr_size)
{
    out->boxes = (uint64_t)npieces * sizeof(hm_piece);
    out->points = out->boxes + (uint64_t)npieces * 4 * sizeof(double);
    out->attrs = out->points + (uint64_t)npoints * 2 * sizeof(int32_t);
    out->end = out->attrs + (uint64_t)npoints * attr_size;
}

/* A spill file beside the store file at path; *out NULL (nothing raised) when none can be
 * made. @return HM_OK or HM_ENOMEM. */
int hm_store__spill_new(hm_store_spill **out, hm_ctx *ctx, const char *store_path);
/* Close the spill file (its space goes with it). NULL does nothing. */
void hm_store__spill_free(hm_store_spill *spill);
/* Bytes the parts spilled so far take in the file (read once the reading threads are done). */
uint64_t hm_store__spill_get_size(const hm_store_spill *spill);

/*
 * Move a part's geometry (its chunk's arrays) to the spill file; thread-safe. When the
 * write fails (disk full) the part keeps its arrays, and later parts are kept in memory.
 */
void hm_store__spill_part(hm_store_spill *spill, hm_store_part *part);

/* How tracks are cleaned: the options that change stored data. */
typedef struct hm_store_clean {
    double max_gap;     /* MAX_GAP, m */
    hm_privacy privacy; /* PRIVACY_ZONES, TRIM_ENDS */
} hm_store_clean;

/*
 * The part of a parsed file: its activities' figures, then the activities
 * cleaned (web mercator, in units), simplified and cut into pieces.
 * @param out filled in; release with hm_store__part_free() (also on failure).
 * @return HM_OK or HM_ENOMEM (or HM_EINVAL for a file beyond the index's limits).
 */
int hm_store__part_from_file(hm_store_part *out, hm_ctx *ctx, const hm_file *file,
                             const hm_store_clean *clean);

/* The part of a file that was not read: its format and why (error copied). */
int hm_store__part_failed(hm_store_part *out, hm_ctx *ctx, int format, const hm_error *error);

void hm_store__part_free(hm_store_part *part);

/* ---- writing ---------------------------------------------------------------- */

/* Where the k-th file of a new store comes from. */
typedef struct hm_store_input {
    const hm_listing_entry *entry; /* as listed now (size, mtime, relative path) */
    const hm_store *old;           /* reuse file old_file of this store ... */
    size_t old_file;
    const hm_store_part *part;     /* ... or this part (old == NULL) */
    int racy;                      /* 1: listed with an mtime too close to the scan */
} hm_store_input;

/* What a store describes. */
typedef struct hm_store_info {
    const char *source;   /* canonical source path */
    const char *options;  /* the data options, as text */
    int root;             /* HM_STORE_ROOT_* */
    int64_t scan_time_ns; /* when the files were listed */
    const hm_csv *table;  /* the activities table joined to the files, or NULL */
    const char *table_path;  /* where it was read ("" / NULL when none) */
    uint64_t table_size;     /* its size and mtime as listed, so a change is seen */
    int64_t table_mtime_ns;
} hm_store_info;

/* An open output: a file (fd) or a growing heap buffer. */
typedef struct hm_store_sink hm_store_sink;

/*
 * Write the image of a store of `inputs` (in their order) to a sink.
 * @param stamp_mtime_ns the modification time the file will be given (0 in memory).
 * @return HM_OK, HM_EIO (write failed; raised with the path), HM_ENOMEM, HM_EINVAL
 *         (beyond the format's limits: 2^32 files, activities or points per level).
 */
int hm_store__write(hm_store_sink *sink, hm_ctx *ctx, const hm_store_info *info,
                    const hm_store_input *inputs, size_t n, int64_t stamp_mtime_ns);

/* A sink into memory. */
int hm_store__sink_memory(hm_store_sink **out, hm_ctx *ctx);
/* A sink into an open file descriptor (written from offset 0; not closed). */
int hm_store__sink_fd(hm_store_sink **out, hm_ctx *ctx, int fd, const char *path);
/* Take the memory image (memory sinks): *image is owned by the caller (hm_ctx__free). */
void hm_store__sink_take(hm_store_sink *sink, unsigned char **image, size_t *size);
void hm_store__sink_free(hm_store_sink *sink);

/* ---- loading ---------------------------------------------------------------- */

/*
 * Check an image and view it as a store. Takes the image in every case
 * (freed or unmapped on failure).
 * @param mapped 1: image is a read-only mapping of `size` bytes (munmap), 0: heap.
 * @param trusted 1: only the header and the catalog are verified (the file
 *        is what its writer wrote); 0: everything is.
 * @param why receives the reason on failure ("truncated", "checksum of section 18", ...).
 * @return HM_OK, HM_EPARSE (not a valid store of this version and byte order), HM_ENOMEM.
 */
int hm_store__load(hm_store **out, hm_ctx *ctx, unsigned char *image, size_t size, int mapped,
                   int trusted, char *why, size_t why_size);

/* One more user. */
void hm_store__acquire(hm_store *store);
/* One user less; the last frees the store. NULL does nothing. */
void hm_store__release(hm_store *store);

/* Let the pages of a mapped store go from the process (they stay in the page cache and
 * are mapped again when read): what a pass over the whole store does to keep its resident
 * memory bounded. Nothing for a store in memory. */
void hm_store__drop_pages(const hm_store *store);

/* The file record of a store whose path is rel, or -1 (binary search: FILES is sorted). */
long hm_store__find_file(const hm_store *store, const char *rel);

/* ---- files ------------------------------------------------------------------ */

/*
 * Map a store file and load it; trusted when its size and mtime are the
 * writer's stamp.
 * @return HM_OK, HM_ENOTFOUND (no file), HM_EIO (cannot open or map),
 *         HM_EPARSE (not a valid store; why says what), HM_ENOMEM.
 */
int hm_store__open_file(hm_store **out, hm_ctx *ctx, const char *path, char *why,
                        size_t why_size);

/*
 * Write a store atomically at path: a temporary file in the same folder,
 * fsync, stamped mtime, rename over path, fsync of the folder.
 * @param out when not NULL, receives the new store mapped from path.
 * @return HM_OK, HM_EIO (raised: cannot create or write, disk full...), HM_ENOMEM.
 */
int hm_store__write_file(hm_store **out, hm_ctx *ctx, const char *path,
                         const hm_store_info *info, const hm_store_input *inputs, size_t n);

/*
 * Build a store in memory (no file), as hm_store__write_file would write it.
 * @return as hm_store__write, or HM_EPARSE should the image not load (a bug).
 */
int hm_store__build_memory(hm_store **out, hm_ctx *ctx, const hm_store_info *info,
                           const hm_store_input *inputs, size_t n);

/*
 * An advisory lock on the store at path (path + ".lock", flock), waited
 * for, so that processes opening a new folder at once build its store once.
 * @return a descriptor to pass to hm_store__unlock, or -1 when no lock could
 *         be taken (read-only folder): go on without one.
 */
int hm_store__lock(const char *path);
void hm_store__unlock(int fd);

/* ---- derived values kept beside a store file (derived.c) ------------------------ */

/*
 * The bytes saved under key for this store's generation in the file beside it
 * ("<store>.stats"), if any.
 * @param data receives the bytes (free with hm_ctx__free) when found.
 * @return 1 found, 0 not (no file, no entry, a store in memory, damaged), HM_ENOMEM.
 */
int hm_store__derived_load(void **data, size_t *len, hm_ctx *ctx, const hm_store *store,
                           const char *key);

/* Append key's bytes to the file beside the store; never fails (a file that cannot be
 * written means computing again next time). */
void hm_store__derived_save(hm_ctx *ctx, const hm_store *store, const char *key,
                            const void *data, size_t len);

/* ---- the pyramid beside a store file (pyramid.c) ---------------------------------- */

/*
 * A mapped pyramid file (see format_int.h), checked against its store. A store has one
 * per view drawn: the default view (what an open without filter options draws, name "")
 * and one per sport that is not the whole of it (SPORT=<name>), "<store>.pyramid" and
 * "<store>.pyramid.<name>".
 */
typedef struct hm_pyramid {
    char name[32];                     /* the view: "" default, else a canonical sport */
    unsigned char *map;                /* the whole file, mapped read-only */
    size_t size;
    const hm_pyramid_header *header;   /* in map */
    const uint64_t *selection;         /* header->nacts bits: the activities drawn */
    const hm_pyramid_tile *tiles;      /* header->ntiles, sorted by (z, ty, tx) */
    const hm_pyramid_pixel *pixels;    /* header->npixels */
} hm_pyramid;

/*
 * Map each view's file that was drawn from this store's content and whose header,
 * selection and directory hold (a debug message says why one is not). Never fails:
 * without a pyramid, blocks are rendered.
 */
void hm_store__pyramid_attach(hm_store *store);

/* The store's view `name`, or NULL. */
const hm_pyramid *hm_store__pyramid_find(const hm_store *store, const char *name);

/* Bytes of all the store's views. */
uint64_t hm_store__pyramid_bytes(const hm_store *store);

/* Remove every view's file of the store at store_path (its content is being replaced). */
void hm_store__pyramid_remove(const char *store_path);

/*
 * Writing a pyramid, tile by tile, so that a build holds only the tiles being drawn: a
 * temporary file beside the store until hm_store__pyramid_finish renames it into place
 * and attaches it to the store (which must not be shared yet).
 */
typedef struct hm_pyramid_writer hm_pyramid_writer;

/* Start view `name`'s, for the activities selection draws (store->meta->nacts bits).
 * @return HM_OK, HM_EIO (raised), HM_ENOMEM. */
int hm_store__pyramid_begin(hm_pyramid_writer **out, hm_store *store, hm_ctx *ctx,
                            const char *name, const uint64_t *selection);

/* Add the next tile's non-empty pixels (in pixel order; tiles in (z, ty, tx) order; none
 * is nothing). @return HM_OK, HM_EIO (raised), HM_ENOMEM. */
int hm_store__pyramid_add(hm_pyramid_writer *w, int z, int64_t tx, int64_t ty,
                          const hm_pyramid_pixel *pixels, size_t n);

/* Write the directory and header (tiles of zooms zmin .. zmax, each drawn from
 * index_level[z]; -1 below zmin), put the file in place and attach it (in place of the
 * view's old one); frees w whatever happens.
 * @return HM_OK, HM_EIO (raised), HM_ENOMEM. */
int hm_store__pyramid_finish(hm_pyramid_writer *w, int zmin, int zmax,
                             const int *index_level);

/* Give up: the temporary file is removed. NULL does nothing. */
void hm_store__pyramid_abort(hm_pyramid_writer *w);

/* Unmap the store's views. */
void hm_store__pyramid_detach(hm_store *store);

/*
 * The non-empty pixels of tile (z, tx, ty).
 * @return 1 (*pixels, *npix set), 0 the tile is empty (or beyond the world or zooms),
 *         -1 its bytes are damaged: render instead.
 */
int hm_store__pyramid_tile(const hm_pyramid *p, int z, int64_t tx, int64_t ty,
                           const hm_pyramid_pixel **pixels, size_t *npix);

/* ---- duplicates (duplicates.c) ------------------------------------------------ */

#define HM_DUP_MAX_START_S 60.0          /* starts at most this far apart, s */
#define HM_DUP_MAX_START_M 200.0         /* first drawn points at most this far apart, m */
#define HM_DUP_MAX_LENGTH_FRACTION 0.05  /* lengths differing by at most this share */
#define HM_DUP_MAX_LENGTH_M 100.0        /* ... or this, m, whichever is larger */

/*
 * The duplicates among the drawn activities selected by mask (NULL: all), as pairs
 * (duplicate, the kept recording of the same activity) in activity order: what the raster
 * leaves out and the source lists.
 * @param pairs receives 2 * *n entries (at least one allocated), owned by the caller.
 * @return HM_OK or HM_ENOMEM.
 */
int hm_store__duplicate_pairs(const hm_store *store, const uint64_t *mask, hm_ctx *ctx,
                              uint32_t **pairs, size_t *n);

#endif /* HM_STORE_STORE_INT_H */
