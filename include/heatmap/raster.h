/* SPDX-License-Identifier: MIT */
/*
 * The heatmap raster: a folder of activities seen as a lazily computed,
 * multi-level raster. hm_spec collects and validates the user's options
 * (from GDAL open options, a "HEATMAP:" connection string or a descriptor
 * file); hm_raster_open() brings the source's track store up to date
 * (heatmap/source.h: the files are read, cleaned and indexed once, and kept
 * between processes) and lays a grid and a filter over it;
 * hm_raster_render_block() computes all bands of one block on demand.
 *
 * Grid: by default EPSG:3857 aligned to the XYZ tile grid (256 px blocks, a
 * block of level 0 is exactly one XYZ tile of the chosen zoom); with SRS and
 * RESOLUTION, any CRS PROJ knows. Level k (overview k) has pixels 2^k times
 * larger and the same origin; it is rendered natively, never resampled.
 *
 * Thread-safety: an hm_raster is immutable after open; any number of threads
 * may render blocks of it at once, each with its own hm_ctx.
 */
#ifndef HEATMAP_RASTER_H
#define HEATMAP_RASTER_H

#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The bands, in their default order. */
typedef enum hm_band {
    HM_BAND_COUNT = 0,     /**< distinct activities passing through the pixel */
    HM_BAND_LOG_COUNT = 1, /**< ln(1 + count) */
    HM_BAND_PACE = 2,      /**< mean over activities of their pace there, s/km */
    HM_BAND_HR = 3,        /**< mean over activities of their heart rate there, bpm */
    HM_BAND_RECENCY = 4,   /**< start of the newest activity there, days since 1970-01-01 UTC */
    HM_BAND_MAX = 5        /**< number of bands */
} hm_band;

/** Band name as used in BANDS= and as GDAL band description ("count", ...). Static. */
const char *hm_band_get_name(hm_band band);
/** Unit string ("activities", "s/km", "bpm", "days", ...). Static. */
const char *hm_band_get_unit(hm_band band);
/** 1 when the band has a nodata value (pace, hr, recency: NaN), 0 for count and log_count. */
int hm_band_get_has_nodata(hm_band band);

/* ---- options ------------------------------------------------------------ */

/** Type of an option, for documentation and GDAL's OpenOptionList. */
typedef enum hm_option_type {
    HM_OPTION_INT,
    HM_OPTION_FLOAT,
    HM_OPTION_BOOLEAN,
    HM_OPTION_STRING,
    HM_OPTION_STRING_SELECT /**< one of hm_option_info.choices (case-insensitive) */
} hm_option_type;

/** Description of one option key. */
typedef struct hm_option_info {
    const char *name;        /**< upper case key, e.g. "ZOOM" */
    hm_option_type type;     /**< value type */
    const char *description; /**< one sentence */
    const char *default_value; /**< as text, or NULL when the default is computed */
    const char *choices;     /**< HM_OPTION_STRING_SELECT: the values, comma-separated; else NULL */
    const char *min;         /**< smallest value of a number (inclusive), as text, or NULL */
    const char *max;         /**< largest value of a number (inclusive), as text, or NULL */
} hm_option_info;

/** Number of documented option keys. */
size_t hm_spec_get_option_count(void);
/** Option i (i < count). Static storage. */
const hm_option_info *hm_spec_get_option(size_t i);

/** A validated set of options plus the source path. */
typedef struct hm_spec hm_spec;

/** New empty spec (no path, every option at its default). Free with hm_spec_free(). */
int hm_spec_new(hm_spec **out, hm_ctx *ctx);
void hm_spec_free(hm_spec *spec);

/**
 * Set one option by key (case-insensitive) and text value, validating it.
 * @return HM_OK, or HM_EINVAL with a message like "ZOOM=abc: expected an integer from 0 to 22"
 *         (unknown keys are HM_EINVAL too).
 */
int hm_spec_set(hm_spec *spec, const char *key, const char *value);

/**
 * Choose the zoom automatically (as without ZOOM, which this unsets): the
 * largest XYZ zoom whose level-0 grid fits in max_width x max_height pixels,
 * or zoom 0 when none does. Without this call the bound is 4096 x 4096. Only
 * the EPSG:3857 grid has zooms: with SRS the grid is not affected.
 * @return HM_OK, or HM_EINVAL for a size below 1 x 1.
 */
int hm_spec_set_auto_zoom(hm_spec *spec, int max_width, int max_height);

/** Set the source path (a folder, a file or a VSI path). */
int hm_spec_set_path(hm_spec *spec, const char *path);
/** The source path, or NULL when none was set. Borrowed. */
const char *hm_spec_get_path(const hm_spec *spec);

/**
 * The prefix of connection strings, matched ignoring ASCII case: the one definition the
 * engine, the apps and the GDAL driver (Identify, GDAL_DMD_CONNECTION_PREFIX) use.
 */
#define HM_CONNECTION_PREFIX "HEATMAP:"

/**
 * Parse a connection string "HEATMAP:<path>[:KEY=VALUE[:KEY=VALUE...]]": the
 * path, and each value, ends at the first ':' followed by an option key and
 * '=' ([A-Za-z_][A-Za-z0-9_]*=), so values may hold ',' and ':'
 * ("SRS=EPSG:32633", "BOUNDS=14.4,46,14.6,46.1"); the path or a value may be
 * double-quoted when it must contain such a sequence. Sets the path and the
 * options it carries (they override earlier ones).
 * @return HM_OK, HM_EINVAL (malformed string or bad option value).
 */
int hm_spec_parse_connection(hm_spec *spec, const char *name);

/**
 * Parse a descriptor document (XML, root element <HeatmapDataset>): its
 * <Source> names the folder (a relative path resolves against the folder of
 * descriptor_path) and <Option name="KEY">VALUE</Option> elements set options.
 * @param descriptor_path the descriptor's own path, for relative sources and messages.
 * @return HM_OK, HM_EPARSE (not a descriptor, bad XML), HM_EINVAL (bad option).
 */
int hm_spec_parse_descriptor(hm_spec *spec, const char *descriptor_path, const void *buf,
                             size_t len);

/** Read a descriptor file through the I/O layer (VSI) and parse it as above. */
int hm_spec_read_descriptor(hm_spec *spec, const char *descriptor_path);

/** 1 when the first bytes of a file look like a descriptor document. */
int hm_spec_sniff_descriptor(const void *head, size_t len);

/**
 * Set the source from what a user typed: a "HEATMAP:" connection string, the
 * path of a descriptor file (recognised by its content), or a plain path.
 * @return HM_OK, HM_EINVAL, HM_EPARSE (bad descriptor), HM_EIO.
 */
int hm_spec_parse_source(hm_spec *spec, const char *text);

/**
 * Write the spec as a descriptor document (<HeatmapDataset>, every option
 * that differs from its default). <Source> is the spec's path as it is (a
 * relative one resolves against the descriptor's folder when read back);
 * options are written as they were given (trimmed), in table order, so the
 * document reads back (hm_spec_parse_descriptor) into an equal spec.
 * @param out receives a NUL-terminated string; free with hm_ctx_free_mem().
 * @return HM_OK, HM_EINVAL (no path, or a path or value XML cannot carry:
 *         not UTF-8, control characters, white space at an end), HM_ENOMEM.
 */
int hm_spec_write_descriptor(char **out, hm_ctx *ctx, const hm_spec *spec);

/** Bands the spec selects (BANDS=), in order; returns their number (1..HM_BAND_MAX). */
size_t hm_spec_get_bands(const hm_spec *spec, hm_band out[HM_BAND_MAX]);

/* ---- the raster --------------------------------------------------------- */

typedef struct hm_raster hm_raster;

/** Pixels per block side, at every level of every raster (blocks are square). */
#define HM_BLOCK_SIZE 256

/** Geometry of the raster at level 0. */
typedef struct hm_grid_info {
    char srs[64];       /**< the SRS option as given, "EPSG:3857" for the web grid */
    int zoom;           /**< XYZ zoom of level 0, or -1 for a non-web grid */
    double origin_x;    /**< grid CRS units, west edge */
    double origin_y;    /**< grid CRS units, north edge */
    double resolution;  /**< grid CRS units per pixel at level 0 */
    int width;          /**< pixels at level 0 */
    int height;         /**< pixels at level 0 */
    int block_size;     /**< HM_BLOCK_SIZE */
    int level_count;    /**< 1 + number of overviews */
} hm_grid_info;

/** Figures about the sources, for metadata. */
typedef struct hm_raster_stats {
    size_t files;          /**< activity files found */
    size_t skipped_files;  /**< files that could not be read */
    size_t activities;     /**< activities kept after the filters */
    size_t points;         /**< points with a position in the kept activities */
    double time_min;       /**< s since epoch, earliest point time; NaN when none */
    double time_max;       /**< s since epoch, latest point time; NaN when none */
    unsigned pyramid_levels; /**< bit k: the blocks of level k are copied from one of the
                                  store's pyramids (views pre-rendered when the store was
                                  written), not rendered from the tracks */
    const char *pyramid_view; /**< that view: "default" (no filter options) or a sport
                                   (SPORT=<sport>); "" when none; static for the raster */
} hm_raster_stats;

/**
 * Open a raster: open the source's store (hm_source_open: reads only files
 * that are new or changed since the store was written), select the
 * activities the filters keep (at render time: the store is the same for
 * every filter, zoom and BOUNDS), lay the grid over them. With a current
 * store this takes milliseconds. Another SRS than the web grid's projects
 * the stored tracks once per process and resolution.
 * @param out receives the raster; free with hm_raster_free().
 * @return HM_OK; HM_ENOTFOUND (no such folder), HM_EINVAL (no path, bad
 *         options, a folder with no usable tracks), HM_EIO, HM_ENOMEM.
 */
int hm_raster_open(hm_raster **out, hm_ctx *ctx, const hm_spec *spec);

/** Release a raster (the store goes when its last user is gone). NULL does nothing. */
void hm_raster_free(hm_raster *raster);

void hm_raster_get_grid(const hm_raster *raster, hm_grid_info *out);
/** Size in pixels of level k (k < level_count): ceil(width / 2^k) x ceil(height / 2^k). */
void hm_raster_get_level_size(const hm_raster *raster, int level, int *width, int *height);
void hm_raster_get_stats(const hm_raster *raster, hm_raster_stats *out);
/** WKT of the grid CRS. Borrowed, static for the raster's life. */
const char *hm_raster_get_srs_wkt(const hm_raster *raster);

/**
 * Render every band of one block.
 * @param bands HM_BAND_MAX buffers of block_size * block_size floats, row
 *        major; a NULL entry skips that band. Pixels outside the level's
 *        size are filled like empty pixels.
 * @param ctx the calling thread's context.
 * @return HM_OK, HM_EINVAL (level or block out of range), HM_ENOMEM.
 */
int hm_raster_render_block(const hm_raster *raster, hm_ctx *ctx, int level, int block_x,
                           int block_y, float *const bands[HM_BAND_MAX]);

/** Largest side of a window hm_raster_render_window() renders, pixels: a block and a margin
 * of 128 pixels on every side. */
#define HM_RASTER_MAX_WINDOW 512

/**
 * Render every band of a window of a level's pixels: (x, y) is its top left
 * pixel in the level's grid, and it may reach beyond the level on any side
 * (pixels there hold what the grid would have there: nothing, since the grid
 * covers the data, or what a BOUNDS left outside). A block is the window
 * (block_x * block_size, block_y * block_size, block_size, block_size); a
 * larger window around it is what a filter spreading over neighbours (a
 * glow) needs, and its pixels equal those of the blocks it covers.
 * @param bands HM_BAND_MAX buffers of width * height floats, row major; a
 *        NULL entry skips that band.
 * @param ctx the calling thread's context.
 * @return HM_OK, HM_EINVAL (no such level, a side not in 1..HM_RASTER_MAX_WINDOW),
 *         HM_ENOMEM.
 */
int hm_raster_render_window(const hm_raster *raster, hm_ctx *ctx, int level, int64_t x,
                            int64_t y, int width, int height,
                            float *const bands[HM_BAND_MAX]);

/**
 * 1 when the window (x, y, width, height) of a level's pixels may contain
 * data, 0 when it certainly does not (or names no level). Cheap (index only).
 */
int hm_raster_query_window(const hm_raster *raster, int level, int64_t x, int64_t y, int width,
                           int height);

/** 1 when the block may contain data, 0 when it is certainly empty. Cheap (index only). */
int hm_raster_query_block(const hm_raster *raster, int level, int block_x, int block_y);

/**
 * List the blocks of a level that may contain data, from the index alone:
 * cost follows the data, never the (possibly huge, mostly empty) extent.
 * @param out receives 2 * *count ints (block_x, block_y pairs, sorted by y
 *        then x); free with hm_ctx_free_mem().
 */
int hm_raster_query_blocks(int **out, size_t *count, const hm_raster *raster, hm_ctx *ctx,
                           int level);

/**
 * List the activities drawn in one pixel: exactly those the count band counts there (the
 * same level of detail, selection and rasterisation as hm_raster_render_block(), so the
 * list has as many entries as the pixel's count), whatever the bands shown. Activities
 * are numbered as hm_source_get_activity() numbers them (heatmap/source.h).
 * @param out receives *count activity numbers, increasing; free with hm_ctx_free_mem()
 *        (never NULL on success, even when *count is 0).
 * @param level 0 .. level_count - 1; (x, y) a pixel of that level's grid (its own pixels,
 *        not level 0's), within hm_raster_get_level_size().
 * @param ctx the calling thread's context.
 * @return HM_OK, HM_EINVAL (no such level or pixel), HM_ENOMEM.
 */
int hm_raster_query_pixel(size_t **out, size_t *count, const hm_raster *raster, hm_ctx *ctx,
                          int level, int x, int y);

/**
 * Number of activities the DEDUPE option left out of the raster as duplicates of drawn
 * ones (0 with DEDUPE=NO).
 */
size_t hm_raster_get_duplicate_count(const hm_raster *raster);

/**
 * Duplicate i (i < hm_raster_get_duplicate_count()): the activity left out and the one drawn
 * instead, numbered as hm_source_get_activity() numbers them. In increasing order of dup.
 */
void hm_raster_get_duplicate(const hm_raster *raster, size_t i, size_t *dup, size_t *kept);

#ifdef __cplusplus
}
#endif

#endif /* HEATMAP_RASTER_H */
