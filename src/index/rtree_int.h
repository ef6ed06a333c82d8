/* SPDX-License-Identifier: MIT */
/*
 * A static, packed Hilbert R-tree in the flatbush style: built once from n
 * boxes, then only queried. Flat arrays, no pointers: boxes of the items
 * (sorted along a Hilbert curve of their centres) followed by the boxes of
 * each level of parent nodes, and one index per box (the item id of a leaf,
 * the position of the first child of a node). Queries are read-only and
 * allocate nothing but their output, so any number of threads may query
 * one tree at once.
 */
#ifndef HM_INDEX_RTREE_INT_H
#define HM_INDEX_RTREE_INT_H

#include "core/ctx_int.h"

/* Children per node when the caller does not care. */
#define HM_RTREE_NODE_SIZE 16

typedef struct hm_rtree hm_rtree;

/*
 * Build a tree over n boxes (min x, min y, max x, max y; 4 doubles each),
 * item i having id i. n may be 0 (every query is then empty).
 * @param node_size children per node, clamped to 2..64 (0 = HM_RTREE_NODE_SIZE).
 * @return HM_OK, HM_EINVAL (n >= 2^31), HM_ENOMEM.
 */
int hm_rtree__build(hm_rtree **out, hm_ctx *ctx, const double *boxes, size_t n, size_t node_size);
void hm_rtree__free(hm_rtree *tree);

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

/* 1 when some item's box intersects box; stops at the first one. */
int hm_rtree__query_any(const hm_rtree *tree, const double box[4]);

#endif /* HM_INDEX_RTREE_INT_H */
