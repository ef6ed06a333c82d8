/* SPDX-License-Identifier: MIT */
/*
 * The spatial index of a raster: for every level, the (simplified) runs in
 * that level's pixel coordinates, cut into short pieces, and a packed
 * R-tree over the pieces' boxes. Immutable once built, so any number of
 * threads may query and render from it at once.
 *
 * Coordinates of level k are level-0 pixel coordinates times 2^-k, exactly
 * (a power-of-two scale is exact in binary floating point): pixel (i, j) of
 * level k is the square [i, i+1) x [j, j+1), x to the east and y to the
 * south from the grid origin.
 */
#ifndef HM_INDEX_INDEX_INT_H
#define HM_INDEX_INDEX_INT_H

#include "index/rtree_int.h"
#include "track/track_int.h"

/* Longest piece, in segments, and widest, in pixels of its level. */
#define HM_PIECE_MAX_SEGMENTS 32
#define HM_PIECE_MAX_EXTENT 128.0

/*
 * A short stretch of one run. Consecutive pieces of a run share their
 * boundary point, so the line stays joined; pieces are numbered in
 * activity order, so sorted piece ids come grouped by activity.
 */
typedef struct hm_piece {
    uint32_t act;   /* activity id */
    uint32_t first; /* first point, in the level's runs */
    uint32_t nseg;  /* segments: points first .. first + nseg */
} hm_piece;

typedef struct hm_level {
    hm_runs runs;     /* points in this level's pixel coordinates */
    hm_piece *pieces; /* npieces pieces, in activity order */
    size_t npieces;   /* entries in pieces */
    hm_rtree *tree;   /* boxes of the pieces; item id = piece index */
} hm_level;

typedef struct hm_index {
    hm_ctx *ctx;            /* allocator of everything below; borrowed */
    int nlevels;            /* levels 0 .. nlevels-1 */
    hm_level *levels;       /* nlevels */
    size_t nacts;           /* activities */
    double *act_start_days; /* nacts: start time, days since 1970-01-01 UTC; NaN when unknown */
} hm_index;

/*
 * Build the index. level0 holds the runs in level-0 pixel coordinates; its
 * arrays are moved into the index (level0 is zeroed), on failure too.
 * @param act_start nacts start times, s since epoch (NaN when unknown).
 * @return HM_OK, HM_EINVAL (more than 2^32 points in a level), HM_ENOMEM.
 */
int hm_index__build(hm_index **out, hm_ctx *ctx, hm_runs *level0, const double *act_start,
                    size_t nacts, int nlevels);
void hm_index__free(hm_index *index);

/*
 * Piece ids of `level` whose box intersects box (level pixel coordinates),
 * sorted ascending, written to a growable array owned by the caller.
 * @return HM_OK or HM_ENOMEM.
 */
int hm_index__query(const hm_index *index, hm_ctx *ctx, int level, const double box[4],
                    uint32_t **ids, size_t *n, size_t *cap);

/* 1 when some piece of `level` has a box intersecting box. */
int hm_index__query_any(const hm_index *index, int level, const double box[4]);

#endif /* HM_INDEX_INDEX_INT_H */
