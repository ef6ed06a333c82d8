/* SPDX-License-Identifier: MIT */
/*
 * A source as the engine keeps it: the track store of a folder (or file,
 * or VSI path) of activities. Opening a source lists its files and compares
 * each one's size and modification time with the store's catalog (a stat
 * each, no read); unchanged files are reused, new and changed ones are read
 * and merged, removed ones dropped, and the store is written back. A new
 * process opens a current store in milliseconds, without reading a track.
 *
 * Where the store lives: the spec's STORE option (a file, or NO for none),
 * else one file per source (named from its canonical path) in the folder
 * the config option HEATMAP_STORE_DIR names, else $XDG_CACHE_HOME/gdal-heatmap,
 * else $HOME/.cache/gdal-heatmap, else under CPL_TMPDIR (or /tmp). Never
 * beside the data, never in the working directory. A store that cannot be
 * written is a warning (the source is then kept in memory); one that can
 * be read but not written is used as long as it is current; one that is
 * damaged, of another version or byte order, or built with other data
 * options is rebuilt. /vsimem/ sources are kept in memory only.
 *
 * Thread-safety: an hm_source is immutable; its strings live as long as it.
 */
#ifndef HEATMAP_SOURCE_H
#define HEATMAP_SOURCE_H

#include "raster.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hm_source hm_source;

/** One activity file of a source, as its store's catalog has it. */
typedef struct hm_source_file {
    const char *path;       /**< as the file is read: the source path, '/', its path below it */
    hm_format format;       /**< detected format (or the name's when it could not be read) */
    hm_error error;         /**< error.code is HM_OK when read; else why the file was skipped */
    size_t warning_count;   /**< problems after which reading went on */
    size_t activity_first;  /**< its activities are activity_first .. + activity_count - 1 */
    size_t activity_count;  /**< activities read from it */
    uint64_t size;          /**< bytes, as listed */
} hm_source_file;

/** One activity of a source. */
typedef struct hm_source_activity {
    size_t file;            /**< the file it was read from */
    hm_format format;       /**< format it was read from */
    const char *sport;      /**< canonical sport (README.md lists them), "" when unknown */
    const char *sub_sport;  /**< canonical sub-sport, "" when none */
    const char *source_sport; /**< the source's own word: the activities table's type, else
                                   the file's sport, as written */
    const char *name;       /**< the activities table's name, else the file's, "" when none */
    const char *gear;       /**< the activities table's gear, "" when none */
    int commute;            /**< 1 when the activities table says commute */
    long table_row;         /**< its row of the activities table (0 = first after the
                                 header), -1 when none */
    const char *device;     /**< device or creator application, "" when unknown */
    int is_virtual;         /**< 1 for a virtual ride/run (the file or the table says so) */
    double start_time;      /**< s since epoch; NaN when unknown */
    double start_lat;       /**< degrees, its first drawn point (never a hidden one); NaN */
    double start_lon;
    double moving_time;     /**< s moving (see hm_activity_summary); 0 without times */
    double elevation_gain;  /**< m; NaN without elevations */
    double avg_hr;          /**< bpm; NaN without heart rate */
    size_t points;          /**< points recorded */
    size_t points_with_pos; /**< of them, with a position */
    int has_time, has_hr, has_cadence, has_power; /**< 1 when some point has it */
    double distance;        /**< m, great-circle sum within segments */
    double duration;        /**< s, last time minus first time; NaN without times */
    size_t drawn_points;    /**< positioned points it draws after cleaning; 0: nothing drawn */
    double drawn_time_min;  /**< s since epoch, earliest drawn point; NaN when none */
    double drawn_time_max;  /**< s since epoch, latest drawn point; NaN when none */
} hm_source_activity;

/** What hm_source_open() found the store in. */
typedef enum hm_store_state {
    HM_STORE_CURRENT = 0, /**< used as it was: nothing read */
    HM_STORE_WRITTEN = 1, /**< built or updated, and written */
    HM_STORE_MEMORY = 2   /**< built or updated in memory only (STORE=NO, /vsimem/, or it
                               could not be written: see the warning) */
} hm_store_state;

/** What opening a source did. */
typedef struct hm_source_update {
    const char *store;      /**< the store file, or NULL when none is used; borrowed */
    hm_store_state state;   /**< see hm_store_state */
    size_t files;           /**< activity files listed */
    size_t added;           /**< files not in the store before */
    size_t changed;         /**< files whose size or modification time changed */
    size_t removed;         /**< files of the store no longer listed */
    size_t read;            /**< files read (parsed) by this open */
    size_t skipped;         /**< files that could not be read (in the catalog with why) */
    size_t activities;      /**< activities in the store */
    size_t points;          /**< positioned points drawn, all activities */
    uint64_t store_bytes;   /**< size of the store */
    uint64_t pyramid_bytes; /**< size of the pyramids beside it (views pre-rendered; see
                                 hm_raster_stats.pyramid_levels), 0 when none */
    double seconds;         /**< time the open took */
} hm_source_update;

/**
 * Open the store of spec's source, bringing it up to date (see above). Uses
 * the spec's path and its STORE, THREADS and MAX_GAP options; the context's
 * progress callback hears how many files were read.
 * @param out receives the source; free with hm_source_free().
 * @return HM_OK; HM_EINVAL (no path), HM_ENOTFOUND (no such path), HM_EIO
 *         (cannot list it), HM_ENOMEM.
 */
int hm_source_open(hm_source **out, hm_ctx *ctx, const hm_spec *spec);

/** Release a source (a store shared with open rasters stays with them). NULL does nothing. */
void hm_source_free(hm_source *source);

/** Number of activity files (read or skipped), in path order. */
size_t hm_source_get_file_count(const hm_source *source);
/** File i (i < count). Strings borrowed from the source. */
void hm_source_get_file(const hm_source *source, size_t i, hm_source_file *out);
/** Warning k (k < warning_count) of file i. Strings borrowed from the source. */
void hm_source_get_warning(const hm_source *source, size_t i, size_t k, hm_error *out);
/** Number of activities, file after file. */
size_t hm_source_get_activity_count(const hm_source *source);
/** Activity i (i < count). Strings borrowed from the source. */
void hm_source_get_activity(const hm_source *source, size_t i, hm_source_activity *out);
/** What opening the source did. */
void hm_source_get_update(const hm_source *source, hm_source_update *out);

/** The activities table joined to the files (a Strava export's activities.csv): its columns
 * (0 when none) and rows. */
size_t hm_source_get_table_column_count(const hm_source *source);
size_t hm_source_get_table_row_count(const hm_source *source);
/** Column name c, or cell (row, c) of the table. Borrowed. */
const char *hm_source_get_table_column(const hm_source *source, size_t c);
const char *hm_source_get_table_cell(const hm_source *source, size_t row, size_t c);

/**
 * The activities recorded twice (the rule of the DEDUPE option: same start within a minute,
 * same start point and length): pairs (duplicate, the activity counted instead).
 * @param pairs receives 2 * *n activity numbers; free with hm_ctx_free_mem(ctx, *pairs).
 * @return HM_OK or HM_ENOMEM.
 */
int hm_source_find_duplicates(const hm_source *source, hm_ctx *ctx, size_t **pairs, size_t *n);

/** The source a raster was opened from (hm_raster_open). Borrowed; lives as long as the raster. */
const hm_source *hm_raster_get_source(const hm_raster *raster);

#ifdef __cplusplus
}
#endif

#endif /* HEATMAP_SOURCE_H */
