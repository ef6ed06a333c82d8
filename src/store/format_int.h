/* SPDX-License-Identifier: MIT */
/*
 * The store file, byte for byte. One flat, versioned, checksummed image
 * that is used in place (mapped), never parsed: a fixed header, a table of
 * sections, and the sections, each 64-byte aligned and each with its own
 * 64-bit checksum (hm_hash64). Integers and doubles are in the writer's
 * byte order; the header says which, and a store of the other order is
 * refused (and rebuilt), never byte-swapped. Every record is fixed-size and
 * naturally aligned, so a section is an array that a pointer into the
 * mapping can index.
 *
 * Sections: META (counts, the source and the data options it was built
 * with), FILES (one record per activity file, in path order), WARNINGS,
 * ACTS (one record per activity, file after file), STRINGS (NUL-terminated
 * texts the other sections point into by offset), CSV_HEADER and CSV_CELLS
 * (the activities table joined, a Strava export's activities.csv: string
 * offsets, header then rows), LEVELS (the index layout), and per index
 * level PIECES, POINTS, ATTRS, TREE_BOXES and TREE_INDICES
 * (src/index/index_int.h). The catalog sections are "small":
 * they are verified at every open. The geometry sections are verified
 * when the file is not known to be what its writer wrote (see store.c:
 * the mtime stamp).
 *
 * Changing any record or the meaning of a field means a new
 * HM_STORE_VERSION: an old store is then rebuilt, never misread.
 */
#ifndef HM_STORE_FORMAT_INT_H
#define HM_STORE_FORMAT_INT_H

#include <stdint.h>

#define HM_STORE_MAGIC "HMSTORE"    /* 8 bytes with its NUL */
#define HM_STORE_VERSION 2
#define HM_STORE_ENDIAN 0x01020304u /* reads 0x04030201 in the other byte order */
#define HM_STORE_ALIGN 64           /* section alignment, bytes */
#define HM_STORE_MAX_SECTIONS 256

enum {
    HM_SEC_META = 1,
    HM_SEC_FILES = 2,
    HM_SEC_WARNINGS = 3,
    HM_SEC_ACTS = 4,
    HM_SEC_STRINGS = 5,
    HM_SEC_LEVELS = 6,
    HM_SEC_CSV_HEADER = 7,
    HM_SEC_CSV_CELLS = 8,
    HM_SEC_LEVEL0 = 16 /* + 8 * level + HM_SEC_L_* */
};
enum { HM_SEC_L_PIECES, HM_SEC_L_POINTS, HM_SEC_L_ATTRS, HM_SEC_L_TREE_BOXES, HM_SEC_L_TREE_INDICES };

/* hm_store_section.flags: checked at every open (catalog), not only when untrusted. */
#define HM_SEC_SMALL 1u

typedef struct hm_store_header {
    char magic[8];           /* HM_STORE_MAGIC */
    uint32_t version;        /* HM_STORE_VERSION */
    uint32_t endian;         /* HM_STORE_ENDIAN */
    uint32_t header_size;    /* sizeof(hm_store_header) */
    uint32_t nsections;      /* entries in the section table */
    uint64_t file_size;      /* bytes of the whole file */
    uint64_t table_offset;   /* section table position */
    uint64_t table_hash;     /* hm_hash64 of the section table */
    int64_t stamp_mtime_ns;  /* the modification time the writer gave the file, ns since epoch */
    uint8_t generation[16];  /* random per write: names this content (style statistics) */
    uint64_t reserved[4];    /* zero */
    uint64_t header_hash;    /* hm_hash64 of the header up to here */
} hm_store_header;

typedef struct hm_store_section {
    uint32_t id;     /* HM_SEC_* */
    uint32_t flags;  /* HM_SEC_SMALL */
    uint64_t offset; /* from the start of the file, HM_STORE_ALIGN-aligned */
    uint64_t size;   /* bytes */
    uint64_t hash;   /* hm_hash64 of the bytes */
} hm_store_section;

/* meta.root: what the source path names. */
#define HM_STORE_ROOT_FOLDER 0
#define HM_STORE_ROOT_FILE 1

typedef struct hm_store_meta {
    uint32_t nfiles;      /* records in FILES */
    uint32_t nwarnings;   /* records in WARNINGS */
    uint32_t nacts;       /* records in ACTS */
    uint32_t nlevels;     /* records in LEVELS */
    uint32_t source;      /* string: canonical source path */
    uint32_t options;     /* string: the data options the tracks were cleaned with */
    uint32_t root;        /* HM_STORE_ROOT_* */
    uint32_t unit_bits;   /* HM_WEB_UNIT_BITS */
    uint32_t node_size;   /* R-tree children per node */
    uint32_t csv_path;    /* string: the activities table joined, as opened; "" when none */
    int64_t scan_time_ns; /* when the files were listed, ns since epoch (racy-file test) */
    uint64_t points;      /* positioned points kept in all activities */
    uint64_t csv_size;    /* the table's bytes, as listed */
    int64_t csv_mtime_ns; /* its modification time, as listed; -1 unknown */
    uint32_t csv_cols;    /* columns of CSV_HEADER and of each row of CSV_CELLS */
    uint32_t csv_rows;    /* rows of CSV_CELLS */
} hm_store_meta;

/* hm_store_file.flags */
#define HM_STORE_FILE_RACY 1u /* modified just before the scan: read again at the next open */

typedef struct hm_store_file {
    uint32_t path;          /* string: path relative to the source ("" when it is the file) */
    uint32_t format;        /* hm_format */
    uint64_t size;          /* bytes, as listed */
    int64_t mtime_ns;       /* as listed; -1 unknown */
    int32_t error_code;     /* HM_OK when read, else why it was skipped */
    uint32_t error_message; /* string */
    int64_t error_line;     /* as hm_error */
    int64_t error_offset;   /* as hm_error */
    uint32_t warning_first; /* WARNINGS records first .. first + count */
    uint32_t warning_count;
    uint32_t act_first;     /* ACTS records first .. first + count */
    uint32_t act_count;
    uint32_t flags;         /* HM_STORE_FILE_* */
    uint32_t reserved;      /* zero */
} hm_store_file;

typedef struct hm_store_warning {
    int32_t code;     /* HM_E* the problem would have had */
    uint32_t message; /* string */
    int64_t line;     /* as hm_error */
    int64_t offset;   /* as hm_error */
} hm_store_warning;

/* hm_store_act.flags */
#define HM_ACT_VIRTUAL 1u   /* a virtual ride/run (the file or the table says so) */
#define HM_ACT_KEPT 2u      /* has something to draw (at least one run) */
#define HM_ACT_HAS_TIME 4u  /* some point has a time */
#define HM_ACT_HAS_HR 8u
#define HM_ACT_HAS_CADENCE 16u
#define HM_ACT_HAS_POWER 32u
#define HM_ACT_FILE_VIRTUAL 64u /* the file itself says virtual */
#define HM_ACT_COMMUTE 128u     /* the activities table says it was a commute */

/* hm_store_act.csv_row of an activity without a row in the table. */
#define HM_NO_ROW 0xFFFFFFFFu

/*
 * An activity. The file_* fields are what its file said; sport, sub_sport,
 * name and the VIRTUAL and COMMUTE flags are derived from them and from its
 * row of the activities table when the store is written (src/store/
 * activity.c), so a new table changes them without reading a track again.
 */
typedef struct hm_store_act {
    uint32_t file;           /* FILES record */
    uint32_t format;         /* hm_format */
    uint32_t sport;          /* string: canonical sport (src/track/sport.c), "" unknown */
    uint32_t sub_sport;      /* string: canonical sub-sport, "" none */
    uint32_t source_sport;   /* string: the source's own word (the table's type, else the
                                file's sport), as written */
    uint32_t file_sport;     /* string: the file's sport, lower case */
    uint32_t file_sub_sport; /* string: the file's sub-sport, lower case */
    uint32_t file_name;      /* string: the file's name of the activity */
    uint32_t name;           /* string: the table's name, else the file's */
    uint32_t device;         /* string */
    uint32_t flags;          /* HM_ACT_* */
    uint32_t csv_row;        /* its row of CSV_CELLS, or HM_NO_ROW */
    double start_time;       /* s since epoch; NaN unknown */
    uint64_t points;         /* points recorded */
    uint64_t points_with_pos; /* of them, with a position */
    double distance;         /* m, great-circle within segments */
    double duration;         /* s, last minus first time; NaN without times */
    double moving_time;      /* s of segments moving (0.5 .. 60 m/s, at most 60 s long) */
    double elevation_gain;   /* m, sum of rises between points with an elevation; NaN none */
    double avg_hr;           /* bpm, mean over points with a heart rate; NaN none */
    double start_lat;        /* degrees, first point with a position; NaN none */
    double start_lon;
    uint64_t kept_points;    /* positioned points drawn (in runs) */
    double kept_time_min;    /* s since epoch, of the drawn points; NaN when none */
    double kept_time_max;
    int64_t bbox[4];         /* units: min x, min y, max x, max y of the drawn points */
} hm_store_act;

typedef struct hm_store_level {
    int32_t exp;        /* hm_level.exp */
    uint32_t packed;    /* hm_level.packed */
    uint64_t npieces;
    uint64_t npoints;
} hm_store_level;

/*
 * A pyramid file ("<store>.pyramid", src/store/pyramid.c): one view of the
 * store (the selection an open without filter options draws, or the one of
 * SPORT=<sport>: "<store>.pyramid.<sport>") rendered once, as global XYZ
 * tiles of 256 x 256 pixels at the web zooms zmin to zmax, so that a
 * block of that view costs a copy of its pixels whatever the data density. Header, the selection (nacts bits), each
 * tile's non-empty pixels in increasing pixel order (tile after tile, as they
 * are drawn), then the tile directory sorted by (z, ty, tx), 8-byte aligned.
 * Same byte order and versioning rules as the store; it names the store
 * generation it was drawn from.
 */
#define HM_PYRAMID_MAGIC "HMPYRMD" /* 8 bytes with its NUL */
#define HM_PYRAMID_VERSION 1
#define HM_PYRAMID_MAX_ZOOM 22     /* zooms 0 .. HM_PYRAMID_MAX_ZOOM */
#define HM_PYRAMID_MAX_VIEWS 32    /* files of one store: the default view and sports */

typedef struct hm_pyramid_header {
    char magic[8];           /* HM_PYRAMID_MAGIC */
    uint32_t version;        /* HM_PYRAMID_VERSION */
    uint32_t endian;         /* HM_STORE_ENDIAN */
    uint8_t generation[16];  /* the store's it was drawn from */
    uint32_t nacts;          /* bits of the selection (the store's activities) */
    int32_t zmax;            /* tiles of zooms zmin .. zmax */
    int32_t index_level[HM_PYRAMID_MAX_ZOOM + 1]; /* per zoom: the index level drawn */
    int32_t zmin;            /* (index_level of zooms below it: -1) */
    uint64_t ntiles;         /* directory entries */
    uint64_t npixels;        /* pixel records */
    uint64_t file_size;      /* bytes of the whole file */
    uint64_t body_hash;      /* hm_hash64 of the selection and the directory */
    uint64_t header_hash;    /* hm_hash64 of the header up to here */
} hm_pyramid_header;

typedef struct hm_pyramid_tile {
    uint32_t z, tx, ty;      /* XYZ tile */
    uint32_t npix;           /* its non-empty pixels, 1 .. 65536 */
    uint64_t first;          /* its first pixel record */
    uint64_t hash;           /* hm_hash64 of its pixel records */
} hm_pyramid_tile;

/* One non-empty pixel: the values the renderer gives it (log_count follows from count). */
typedef struct hm_pyramid_pixel {
    uint32_t pos;            /* row * 256 + column in its tile */
    uint32_t count;          /* activities, > 0 */
    float pace;              /* s/km, NaN none */
    float hr;                /* bpm, NaN none */
    float recency;           /* days since epoch, NaN none */
} hm_pyramid_pixel;

#endif /* HM_STORE_FORMAT_INT_H */
