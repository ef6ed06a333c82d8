/* SPDX-License-Identifier: MIT */
/*
 * A static, packed Hilbert R-tree in the flatbush style: built once from n
 * boxes, then only queried. Flat arrays, no pointers: boxes of the items
 * (sorted along a Hilbert curve of their centres) followed by the boxes of
 * each level of parent nodes, and one index per box (the item id of a leaf,
 * the position of the first child of a node). Because the arrays are flat
 * and their layout follows from (n, node_size) alone, a tree can live in a
 * mapped file: hm_rtree__view() wraps arrays it does not own. Queries are
 * read-only and allocate nothing but their output, so any number of
 * threads may query one tree at once.
 */
#ifndef HM_INDEX_RTREE_INT_H
#define HM_INDEX_RTREE_INT_H

#include "core/ctx_int.h"

/* Children per node when the caller does not care. */
#define HM_RTREE_NODE_SIZE 16
#define HM_RTREE_MAX_NODE_SIZE 64
#define HM_RTREE_MAX_LEVELS 40

typedef struct hm_rtree {
    hm_ctx *ctx;            /* allocator of the arrays when owned; NULL for a view */
    size_t nitems;          /* leaves */
    size_t node_size;       /* children per node */
    size_t nboxes;          /* leaves + nodes */
    const double *boxes;    /* 4 * nboxes: min x, min y, max x, max y */
    const uint32_t *indices; /* nboxes: item id (leaf) or first child position (node) */
    size_t nlevels;         /* entries in level_end */
    size_t level_end[HM_RTREE_MAX_LEVELS]; /* end position of each level, leaves first */
} hm_rtree;

/*
 * Build a tree over n boxes (min x, min y, max x, max y; 4 doubles each),
 * item i having id i, into *out (which then owns its arrays). n may be 0
 * (every query is then empty).
 * @param node_size children per node, clamped to 2..64 (0 = HM_RTREE_NODE_SIZE).
 * @return HM_OK, HM_EINVAL (n >= 2^31), HM_ENOMEM (*out is then empty).
 */
int hm_rtree__build(hm_rtree *out, hm_ctx *ctx, const double *boxes, size_t n, size_t node_size);

/* Release the arrays of a built tree and empty it; a view is just emptied. */
void hm_rtree__free(hm_rtree *tree);

/* Boxes (leaves and nodes) of a tree of n items, or 0 for an impossible node_size. */
size_t hm_rtree__box_count(size_t n, size_t node_size);

/*
 * A tree over arrays laid out by hm_rtree__build (hm_rtree__box_count()
 * entries each), e.g. in a mapped file. Not copied: they must outlive the tree.
 * @return 0, or -1 when n or node_size is impossible.
 */
int hm_rtree__view(hm_rtree *out, const double *boxes, const uint32_t *indices, size_t n,
                   size_t node_size);

/*
 * Check a tree that came from outside (a file that failed its trust test):
 * every leaf names an item, every node its packed first child, every box is
 * ordered (no NaN). Queries on a tree that passes never read out of bounds.
 * Reads every box. @return 0 or -1.
 */
int hm_rtree__check(const hm_rtree *tree);

/* Number of items. */
size_t hm_rtree__get_count(const hm_rtree *tree);

/*
 * Append to *ids the id of every item whose box intersects box (closed
 * intervals: touching counts), in no particular order.
 * @param ids, n, cap a growable array owned by the caller (allocated with ctx).
 * @return HM_OK or HM_ENOMEM.
 */
int hm_rtree__query(const hm_rtree *tree, hm_ctx *ctx, const double box[4], uint32_t **ids,
                    size_t *n, size_t *cap);

/*
 * 1 when some item's box intersects box and keep(id, payload) accepts it
 * (keep NULL accepts every item); stops at the first one.
 */
int hm_rtree__query_any(const hm_rtree *tree, const double box[4],
                        int (*keep)(uint32_t id, const void *payload), const void *payload);

#endif /* HM_INDEX_RTREE_INT_H */
