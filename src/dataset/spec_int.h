/* SPDX-License-Identifier: MIT */
/*
 * The validated options of a raster, as the engine reads them. hm_spec_set()
 * is the only writer, so every value here has been checked. The style and
 * texts are at their defaults when zero, so a spec that tests fill in by
 * hand after a memset has no style.
 */
#ifndef HM_DATASET_SPEC_INT_H
#define HM_DATASET_SPEC_INT_H

#include "core/ctx_int.h"
#include "core/strbuf_int.h"
#include "heatmap/raster.h"
#include "style/style_int.h"
#include "track/privacy_int.h"

/*
 * What a change of an option changes, from the bottom up. The keys that name
 * shared things are made from this (hm_spec__key), never listed by hand: the
 * store by the source and the DATA options, a raster's derived values (style
 * statistics) by the FILTER options and the grid the raster builds. VIEW and STYLE
 * options only choose among or colour what is computed anyway; PROCESS
 * options say where or how, never what.
 */
typedef enum hm_option_kind {
    HM_OPTION_KIND_DATA = 0,    /* the tracks as stored (MAX_GAP, privacy, the table) */
    HM_OPTION_KIND_GRID = 1,    /* the pixels (ZOOM, BOUNDS, SRS, RESOLUTION) */
    HM_OPTION_KIND_FILTER = 2,  /* the activities drawn (dates, sports, WHERE, dedupe) */
    HM_OPTION_KIND_VIEW = 3,    /* which bands are shown (BANDS) */
    HM_OPTION_KIND_STYLE = 4,   /* colours (RENDER ... GLOW: the style's own table,
                                   src/style/options.c, listed after the spec's) */
    HM_OPTION_KIND_PROCESS = 5  /* where and how (THREADS, STORE) */
} hm_option_kind;

#define HM_OPTION_KINDS(k) (1u << (k))

/* spec->store_mode */
#define HM_STORE_MODE_DEFAULT 0 /* one per source in the cache folder */
#define HM_STORE_MODE_FILE 1    /* spec->store names the file */
#define HM_STORE_MODE_NONE 2    /* STORE=NO: nothing on disk */

/* Slots in texts: at least the number of options in the table (checked in spec.c). */
#define HM_SPEC_MAX_OPTIONS 32

struct hm_spec {
    hm_ctx *ctx;                 /* borrowed allocator/error owner */
    char *path;                  /* source folder/file/VSI path, or NULL */
    int zoom;                    /* ZOOM 0..22, or -1 for the automatic choice */
    int fit[2];                  /* automatic ZOOM: largest grid width, height (pixels);
                                    0: the engine's default (hm_spec_set_auto_zoom) */
    char *srs;                   /* SRS as given (NULL: EPSG:3857 web grid) */
    double resolution;           /* RESOLUTION in SRS units per pixel; 0 = automatic */
    int has_bounds;              /* 1 when BOUNDS was given */
    double bounds[4];            /* BOUNDS minlon, minlat, maxlon, maxlat (degrees) */
    double date_from;            /* DATE_FROM, s since epoch (inclusive); NaN = open */
    double date_to;              /* DATE_TO, s since epoch (exclusive); NaN = open */
    char **sports;               /* SPORT list, lower case; NULL = every sport */
    size_t nsports;              /* entries in sports */
    int include_virtual;         /* INCLUDE_VIRTUAL, 0 or 1 */
    double max_gap;              /* MAX_GAP, m: a longer jump between fixes splits a track */
    hm_privacy_zone *zones;      /* PRIVACY_ZONES, nzones circles (owned) */
    size_t nzones;
    double trim_ends;            /* TRIM_ENDS, m; 0 = none */
    char *activities_csv;        /* ACTIVITIES_CSV as given, or NULL */
    char *where;                 /* WHERE expression as given, or NULL */
    int dedupe;                  /* DEDUPE, 0 or 1 */
    hm_band bands[HM_BAND_MAX];  /* BANDS, in order */
    size_t nbands;               /* entries in bands */
    int threads;                 /* THREADS for reading; 0 = one per core */
    hm_style_params style;       /* RENDER ... GLOW, parsed by the style (src/style/) */
    int store_mode;              /* STORE: HM_STORE_MODE_* */
    char *store;                 /* STORE file (HM_STORE_MODE_FILE), as given */
    char *texts[HM_SPEC_MAX_OPTIONS]; /* text of each option as last set, by table index;
                                         NULL = never set */
};

/*
 * Set option key[0..key_len) from text (what hm_spec_set() and the
 * connection string do): validates, stores, keeps the text.
 * @return HM_OK, HM_EINVAL (unknown key or bad value), HM_ENOMEM.
 */
int hm_spec__set_option(hm_spec *spec, const char *key, size_t key_len, const char *value);

/* The text option i (table order) was last set from, or NULL when never set. */
const char *hm_spec__get_text(const hm_spec *spec, size_t i);

/*
 * Append "NAME=value\n" for every option whose kind is in `kinds` (a mask
 * of HM_OPTION_KINDS()), in table order, with the value the spec holds
 * (set or default) in a canonical form: specs that mean the same give the
 * same text.
 */
void hm_spec__key(const hm_spec *spec, unsigned kinds, hm_strbuf *out);

/* The style options set although RENDER is not ("GLOW, PALETTE"), which then do nothing;
 * nothing appended when RENDER is set or none is. */
void hm_spec__idle_style(const hm_spec *spec, hm_strbuf *out);

#endif /* HM_DATASET_SPEC_INT_H */
