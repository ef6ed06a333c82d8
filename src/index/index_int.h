/* SPDX-License-Identifier: MIT */
/*
 * The spatial index: tracks as integer coordinates at several levels of
 * detail, cut into short pieces, with a packed R-tree per level. Immutable
 * once built, so any number of threads may query and render from it; its
 * arrays are flat and position-independent, so an index is either built in
 * memory or viewed in place in a mapped store file (src/store/).
 *
 * Units. Coordinates are signed 64-bit integers of one unit per index: the
 * web store uses 2^-40 of the world's width (HM_WEB_UNIT_BITS; 36 um at the
 * equator), so every XYZ zoom's pixel is a power-of-two number of units and
 * every zoom is an exact shift of the same data; an index built for one grid
 * (another CRS, tests) uses 2^-HM_GRID_UNIT_BITS of a level-0 pixel. x grows
 * east and y south.
 *
 * Levels. Level i is exact for pixels of 2^exp[i] units: each of its runs
 * meets exactly the pixels (squares of 2^exp[i] units aligned at 0) that
 * the original run meets, and therefore also every coarser aligned pixel,
 * which is the union of finer ones (src/index/lod.c). A renderer may draw a
 * grid level from any index level whose pixels nest in the grid's. A level
 * with exp 0 is the tracks as cleaned ("raw"): nothing merged, and its
 * segment attributes are packed into 8 bytes (hm_packed_attr).
 *
 * Pieces. A piece is at most HM_PIECE_MAX_SEGMENTS segments of one run and
 * at most HM_INDEX_MAX_SPAN units across; it stores its first point as an
 * origin and its nseg + 1 points as int32 offsets from it, so consecutive
 * pieces of a run repeat their shared point. No segment is longer than
 * HM_INDEX_MAX_SPAN units (longer ones are cut in collinear steps when the
 * index is built), so every offset fits. Pieces are numbered run after run,
 * runs come in activity order, so sorted piece ids come grouped by activity.
 */
#ifndef HM_INDEX_INDEX_INT_H
#define HM_INDEX_INDEX_INT_H

#include "index/rtree_int.h"
#include "track/track_int.h"

#define HM_INDEX_MAX_LEVELS 40
/* Longest segment and widest piece, units. */
#define HM_INDEX_MAX_SPAN ((int64_t)1 << 30)
/* Longest piece, in segments. */
#define HM_PIECE_MAX_SEGMENTS 64
/* Widest piece, in pixels of the coarsest grid level the index level serves. */
#define HM_PIECE_MAX_EXTENT 128.0
/* Units per world width of the web store: 2^40. A pixel of XYZ zoom z is 2^(32 - z) units. */
#define HM_WEB_UNIT_BITS 40
/* Units per level-0 pixel of an index built for one grid: 2^20. */
#define HM_GRID_UNIT_BITS 20

/* hm_piece.flags: the piece goes on from the end of the previous piece (same run). */
#define HM_PIECE_CONTINUES 1u

typedef struct hm_piece {
    int64_t ox, oy; /* units: the piece's first point; its points are offsets from here */
    uint32_t act;   /* activity id */
    uint32_t first; /* index of its first point in the level's points and attrs */
    uint32_t nseg;  /* segments: points first .. first + nseg */
    uint32_t flags; /* HM_PIECE_* */
} hm_piece;

/* Segment attributes of a raw level, 8 bytes (hm_seg_attr is 16). */
typedef struct hm_packed_attr {
    float len;      /* m counted for pace; meaningless when dt_ms is 0 */
    uint16_t dt_ms; /* ms counted for pace, 0 = none (a raw segment counts at most 60 s) */
    uint16_t hr_c;  /* heart rate, 1/100 bpm; HM_PACKED_NO_HR = none */
} hm_packed_attr;

#define HM_PACKED_NO_HR 0xFFFFu

typedef struct hm_level {
    int exp;                 /* exact for pixels of 2^exp units */
    int packed;              /* 1: attrs are hm_packed_attr (exp 0), 0: hm_seg_attr */
    size_t npieces;          /* entries in pieces */
    const hm_piece *pieces;  /* in activity order */
    size_t npoints;          /* entries in attrs, pairs in points */
    const int32_t *points;   /* 2 * npoints: x, y offsets from their piece's origin */
    const void *attrs;       /* npoints: attribute of the segment starting at the point */
    hm_rtree tree;           /* boxes of the pieces, units; item id = piece index */
} hm_level;

typedef struct hm_index {
    hm_ctx *ctx;                          /* allocator of owned arrays; NULL for a view */
    int nlevels;                          /* levels in use */
    hm_level levels[HM_INDEX_MAX_LEVELS]; /* exp increasing */
} hm_index;

/* Levels to build: exp[0] < exp[1] < ... (exp[0] == 0: level 0 is raw). */
typedef struct hm_index_layout {
    int nlevels;                  /* 1 .. HM_INDEX_MAX_LEVELS */
    int exp[HM_INDEX_MAX_LEVELS]; /* log2 units per pixel, 0 .. 52 */
} hm_index_layout;

/* 1 when level k of a layout holds raw segments (packed attributes): level 0 at exp 0. */
static inline int hm_index__level_packed(const hm_index_layout *layout, int k)
{
    return k == 0 && layout->exp[0] == 0;
}

/* The arrays of one level of a chunk, owned. */
typedef struct hm_chunk_level {
    hm_piece *pieces;  /* npieces, activity ids as in the runs */
    size_t npieces;
    int32_t *points;   /* 2 * npoints */
    void *attrs;       /* npoints, packed or not as the level */
    size_t npoints;
    double *boxes;     /* 4 * npieces: the pieces' boxes, units */
} hm_chunk_level;

/* Every level of some runs, before they get an R-tree (one file's activities, say). */
typedef struct hm_index_chunk {
    hm_ctx *ctx;                                /* allocator */
    hm_index_layout layout;                     /* what was built */
    hm_chunk_level levels[HM_INDEX_MAX_LEVELS]; /* layout.nlevels */
} hm_index_chunk;

/* Size of one attribute of a level. */
size_t hm_index__attr_size(int packed);

/*
 * Build every level of `runs` (coordinates in units, integral; run_act the
 * activity ids the pieces get): cut over-long segments, merge same-pixel
 * points (unless level 0 is raw), simplify level after level (hm_lod__build),
 * cut into pieces.
 * @param out filled in; release with hm_index__free_chunk() (also on failure).
 * @return HM_OK, HM_EINVAL (over 2^32 points in a level, a bad layout), HM_ENOMEM.
 */
int hm_index__build_chunk(hm_index_chunk *out, hm_ctx *ctx, const hm_runs *runs,
                          const hm_index_layout *layout);
void hm_index__free_chunk(hm_index_chunk *chunk);

/*
 * An index owning the chunk's arrays (the chunk is emptied, also on
 * failure), with an R-tree per level.
 * @return HM_OK, HM_ENOMEM.
 */
int hm_index__from_chunk(hm_index **out, hm_ctx *ctx, hm_index_chunk *chunk);

/*
 * The index of one grid, as tests and non-web grids use it: runs in level-0
 * pixel coordinates (x east, y south; |v| < 2^40), levels 0 .. nlevels-1 of
 * pixels 2^k times larger (level 0 merged per pixel, as it renders the same).
 * @return as hm_index__build_chunk.
 */
int hm_index__build_grid(hm_index **out, hm_ctx *ctx, const hm_runs *runs_px, int nlevels);

void hm_index__free(hm_index *index);

/* Free an owned index with ctx from now on (a context with the same allocator as the one
 * it was built with, that outlives it). */
void hm_index__rehome(hm_index *index, hm_ctx *ctx);

/*
 * Piece ids of `level` whose box intersects box (units), sorted ascending,
 * written to a growable array owned by the caller.
 * @return HM_OK or HM_ENOMEM.
 */
int hm_index__query(const hm_index *index, hm_ctx *ctx, int level, const double box[4],
                    uint32_t **ids, size_t *n, size_t *cap);

/*
 * 1 when some piece of `level` whose activity is selected (bit act of
 * `selected`; NULL selects all) has a box intersecting box (units).
 */
int hm_index__query_any(const hm_index *index, int level, const double box[4],
                        const uint64_t *selected);

/* 1 when bit i of a selection bitmap is set (NULL: every bit). */
static inline int hm_index__selected(const uint64_t *selected, uint32_t i)
{
    return !selected || (selected[i >> 6] >> (i & 63)) & 1u;
}

/* Segment attributes of point i of a level, unpacked. */
static inline hm_seg_attr hm_level__attr(const hm_level *lv, size_t i)
{
    hm_seg_attr a;

    if (lv->packed) {
        const hm_packed_attr *p = (const hm_packed_attr *)lv->attrs + i;
        a.dt = p->dt_ms ? (float)p->dt_ms / 1000.0f : 0.0f;
        a.len = p->dt_ms ? p->len : 0.0f;
        a.hr_sum = p->hr_c != HM_PACKED_NO_HR ? (float)p->hr_c / 100.0f : 0.0f;
        a.hr_n = p->hr_c != HM_PACKED_NO_HR ? 1.0f : 0.0f;
        return a;
    }
    return ((const hm_seg_attr *)lv->attrs)[i];
}

#endif /* HM_INDEX_INDEX_INT_H */
