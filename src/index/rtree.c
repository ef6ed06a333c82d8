/* SPDX-License-Identifier: MIT */
/*
 * Packed Hilbert R-tree, after flatbush (Vladimir Agafonkin, ISC). The
 * tree is static, so instead of splitting nodes it sorts the items along a
 * Hilbert curve (which keeps neighbours together) and packs them
 * node_size at a time, level by level, up to one root. Layout, in box
 * positions: [0, n) the sorted items, then each level of parents; level_end
 * holds where each level stops. indices[pos] is the item id for a leaf and
 * the position of the first child for a node, whose children run up to
 * node_size boxes or the end of that level. A query is a depth-first walk
 * with a fixed-size stack: depth is at most log2(2^31) levels of at most 64
 * children, so the stack never needs to grow and a query never allocates.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index/rtree_int.h"

#define STACK_SIZE (HM_RTREE_MAX_LEVELS * HM_RTREE_MAX_NODE_SIZE)



/* Position along a 2^16 x 2^16 Hilbert curve (flatbush's branch-free form). */
static uint32_t hilbert(uint32_t x, uint32_t y)
{
    uint32_t a = x ^ y, b = 0xFFFF ^ a, c = 0xFFFF ^ (x | y), d = x & (y ^ 0xFFFF);
    uint32_t A = a | (b >> 1), B = (a >> 1) ^ a;
    uint32_t C = ((c >> 1) ^ (b & (d >> 1))) ^ c, D = ((a & (c >> 1)) ^ (d >> 1)) ^ d;
    uint32_t i0, i1;

    a = A;
    b = B;
    c = C;
    d = D;
    A = (a & (a >> 2)) ^ (b & (b >> 2));
    B = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2));
    C ^= (a & (c >> 2)) ^ (b & (d >> 2));
    D ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2));

    a = A;
    b = B;
    c = C;
    d = D;
    A = (a & (a >> 4)) ^ (b & (b >> 4));
    B = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4));
    C ^= (a & (c >> 4)) ^ (b & (d >> 4));
    D ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4));

    a = A;
    b = B;
    c = C;
    d = D;
    C ^= (a & (c >> 8)) ^ (b & (d >> 8));
    D ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8));

    a = C ^ (C >> 1);
    b = D ^ (D >> 1);
    i0 = x ^ y;
    i1 = b | (0xFFFF ^ (i0 | a));
    i0 = (i0 | (i0 << 8)) & 0x00FF00FF;
    i0 = (i0 | (i0 << 4)) & 0x0F0F0F0F;
    i0 = (i0 | (i0 << 2)) & 0x33333333;
    i0 = (i0 | (i0 << 1)) & 0x55555555;
    i1 = (i1 | (i1 << 8)) & 0x00FF00FF;
    i1 = (i1 | (i1 << 4)) & 0x0F0F0F0F;
    i1 = (i1 | (i1 << 2)) & 0x33333333;
    i1 = (i1 | (i1 << 1)) & 0x55555555;
    return (i1 << 1) | i0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Scale v from [lo, lo + span] to 0..65535. */
static uint32_t grid16(double v, double lo, double span)
{
    double s = span > 0.0 ? floor(65535.0 * (v - lo) / span) : 0.0;
    return s <= 0.0 ? 0u : s >= 65535.0 ? 65535u : (uint32_t)s;
}

void hm_rtree__free(hm_rtree *t)
{
    if (!t || !t->ctx)
        return;
    hm_ctx__free(t->ctx, (void *)t->boxes);
    hm_ctx__free(t->ctx, (void *)t->indices);
    memset(t, 0, sizeof(*t));
}

/* Level sizes: n items, then ceil(count / node_size) until one root. */
static int layout(hm_rtree *t, size_t n, size_t node_size)
{
    size_t count = n;

    t->nitems = n;
    t->node_size = node_size;
    t->nboxes = 0;
    t->nlevels = 0;
    if (n == 0)
        return 0;
    t->nboxes = n;
    t->level_end[t->nlevels++] = n;
    do {
        if (t->nlevels == HM_RTREE_MAX_LEVELS)
            return -1;
        count = (count + node_size - 1) / node_size;
        t->nboxes += count;
        t->level_end[t->nlevels++] = t->nboxes;
    } while (count != 1);
    return 0;
}

size_t hm_rtree__box_count(size_t n, size_t node_size)
{
    hm_rtree t;

    if (node_size < 2 || node_size > HM_RTREE_MAX_NODE_SIZE || layout(&t, n, node_size) != 0)
        return 0;
    return t.nboxes;
}

int hm_rtree__view(hm_rtree *out, const double *boxes, const uint32_t *indices, size_t n,
                   size_t node_size)
{
    memset(out, 0, sizeof(*out));
    if (node_size < 2 || node_size > HM_RTREE_MAX_NODE_SIZE || n >= ((size_t)1 << 31) ||
        layout(out, n, node_size) != 0)
        return -1;
    out->boxes = boxes;
    out->indices = indices;
    return 0;
}

int hm_rtree__check(const hm_rtree *t)
{
    size_t l, pos, k;

    for (pos = 0; pos < t->nitems; pos++)
        if (t->indices[pos] >= t->nitems)
            return -1;
    for (pos = 0; pos < 4 * t->nboxes; pos += 4) {
        const double *b = t->boxes + pos;
        if (!(b[0] <= b[2]) || !(b[1] <= b[3])) /* also false for NaN */
            return -1;
    }
    /* A node's first child is where packing put it: node k of a level starts child k *
     * node_size of the level below. The search relies on nothing else. */
    for (l = 1; l < t->nlevels; l++) {
        size_t below = l >= 2 ? t->level_end[l - 2] : 0;
        for (pos = t->level_end[l - 1], k = 0; pos < t->level_end[l]; pos++, k++)
            if (t->indices[pos] != below + k * t->node_size)
                return -1;
    }
    return 0;
}

size_t hm_rtree__get_count(const hm_rtree *t)
{
    return t->nitems;
}

int hm_rtree__build(hm_rtree *t, hm_ctx *ctx, const double *boxes, size_t n, size_t node_size)
{
    uint64_t *order = NULL;
    double ext[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    double *tb;
    uint32_t *ti;
    size_t i, l, pos;

    memset(t, 0, sizeof(*t));
    if (n >= ((size_t)1 << 31))
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "too many items for the spatial index");
    if (node_size == 0)
        node_size = HM_RTREE_NODE_SIZE;
    node_size = node_size < 2 ? 2 : node_size > HM_RTREE_MAX_NODE_SIZE ? HM_RTREE_MAX_NODE_SIZE
                                                                       : node_size;
    layout(t, n, node_size); /* cannot fail below 2^31 items */
    if (n == 0)
        return HM_OK;
    tb = hm_ctx__reallocarray(ctx, NULL, t->nboxes, 4 * sizeof(double));
    ti = hm_ctx__reallocarray(ctx, NULL, t->nboxes, sizeof(uint32_t));
    order = hm_ctx__reallocarray(ctx, NULL, n, sizeof(uint64_t));
    if (!tb || !ti || !order) {
        hm_ctx__free(ctx, order);
        hm_ctx__free(ctx, tb);
        hm_ctx__free(ctx, ti);
        memset(t, 0, sizeof(*t));
        return HM_RAISE_NOMEM(ctx);
    }
    t->ctx = ctx;
    t->boxes = tb;
    t->indices = ti;
    for (i = 0; i < n; i++) {
        const double *b = boxes + 4 * i;
        ext[0] = fmin(ext[0], b[0]);
        ext[1] = fmin(ext[1], b[1]);
        ext[2] = fmax(ext[2], b[2]);
        ext[3] = fmax(ext[3], b[3]);
    }
    /* Sort key: Hilbert value of the centre, then the id (so ties sort the same every time). */
    for (i = 0; i < n; i++) {
        const double *b = boxes + 4 * i;
        uint32_t hx = grid16(0.5 * (b[0] + b[2]), ext[0], ext[2] - ext[0]);
        uint32_t hy = grid16(0.5 * (b[1] + b[3]), ext[1], ext[3] - ext[1]);
        order[i] = ((uint64_t)hilbert(hx, hy) << 32) | (uint64_t)i;
    }
    qsort(order, n, sizeof(*order), cmp_u64);
    for (i = 0; i < n; i++) {
        uint32_t id = (uint32_t)(order[i] & 0xFFFFFFFFu);
        memcpy(tb + 4 * i, boxes + 4 * (size_t)id, 4 * sizeof(double));
        ti[i] = id;
    }
    hm_ctx__free(ctx, order);

    /* Pack each level into its parents. */
    pos = 0;
    for (l = 0; l + 1 < t->nlevels; l++) {
        size_t end = t->level_end[l], parent = end;
        while (pos < end) {
            double nb[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
            size_t first = pos, j;
            for (j = 0; j < node_size && pos < end; j++, pos++) {
                const double *b = tb + 4 * pos;
                nb[0] = fmin(nb[0], b[0]);
                nb[1] = fmin(nb[1], b[1]);
                nb[2] = fmax(nb[2], b[2]);
                nb[3] = fmax(nb[3], b[3]);
            }
            memcpy(tb + 4 * parent, nb, sizeof(nb));
            ti[parent] = (uint32_t)first;
            parent++;
        }
    }
    return HM_OK;
}

static int intersects(const double *b, const double *q)
{
    return !(b[2] < q[0] || b[3] < q[1] || b[0] > q[2] || b[1] > q[3]);
}

/* End of the level that holds position pos. */
static size_t level_end_of(const hm_rtree *t, size_t pos)
{
    size_t l = 0;
    while (t->level_end[l] <= pos)
        l++;
    return t->level_end[l];
}

/*
 * Walk the tree. With ids == NULL, stop at the first hit that `keep` accepts (every hit
 * when keep is NULL) and return 1; otherwise append every hit and return HM_OK or
 * HM_ENOMEM.
 */
static int search(const hm_rtree *t, hm_ctx *ctx, const double *q, uint32_t **ids, size_t *n,
                  size_t *cap, int (*keep)(uint32_t id, const void *payload), const void *payload)
{
    size_t stack[STACK_SIZE];
    size_t sp = 0, node;

    if (t->nitems == 0)
        return ids ? HM_OK : 0;
    node = t->nboxes - 1; /* the root, alone on the last level */
    for (;;) {
        size_t end = level_end_of(t, node), pos;
        if (end > node + t->node_size)
            end = node + t->node_size;
        for (pos = node; pos < end; pos++) {
            if (!intersects(t->boxes + 4 * pos, q))
                continue;
            if (pos < t->nitems) {
                if (!ids) {
                    if (!keep || keep(t->indices[pos], payload))
                        return 1;
                    continue;
                }
                if (*n == *cap && hm_ctx__grow(ctx, (void **)ids, cap, *n + 1, sizeof(**ids)))
                    return HM_ENOMEM;
                (*ids)[(*n)++] = t->indices[pos];
            } else {
                stack[sp++] = t->indices[pos];
            }
        }
        if (sp == 0)
            break;
        node = stack[--sp];
    }
    return ids ? HM_OK : 0;
}

int hm_rtree__query(const hm_rtree *t, hm_ctx *ctx, const double box[4], uint32_t **ids, size_t *n,
                    size_t *cap)
{
    return search(t, ctx, box, ids, n, cap, NULL, NULL);
}

int hm_rtree__query_any(const hm_rtree *t, const double box[4],
                        int (*keep)(uint32_t id, const void *payload), const void *payload)
{
    return search(t, NULL, box, NULL, NULL, NULL, keep, payload);
}
