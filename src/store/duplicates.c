/* SPDX-License-Identifier: MIT */
/*
 * Duplicates: one activity recorded or exported twice (a Garmin FIT and the
 * Strava GPX of the same ride, a watch and a phone) counts once. Two
 * activities are the same when they start within HM_DUP_MAX_START_S of each
 * other, their first drawn points are within HM_DUP_MAX_START_M, and their
 * lengths differ by at most HM_DUP_MAX_LENGTH_FRACTION (or
 * HM_DUP_MAX_LENGTH_M, whichever is larger). Of a group the best recording
 * is kept: the one with heart rate, then with more points, then the first
 * in the store. Only the activities a caller selects take part, so a
 * filtered-out copy never hides one that is drawn.
 *
 * Cost: a sort of the selected activities by start time and, for each, a
 * look at those starting within the minute after it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "track/geo_int.h"

typedef struct cand {
    double start;  /* s since epoch */
    uint32_t act;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->act > y->act) - (x->act < y->act);
}

static int same_activity(const hm_store_act *a, const hm_store_act *b)
{
    double dl = fabs(a->distance - b->distance), longer = fmax(a->distance, b->distance);

    return hm_geo__distance_m(a->start_lat, a->start_lon, b->start_lat, b->start_lon) <=
               HM_DUP_MAX_START_M &&
           dl <= fmax(HM_DUP_MAX_LENGTH_FRACTION * longer, HM_DUP_MAX_LENGTH_M);
}

/* 1 when a is the better recording of the two. */
static int better(const hm_store_act *a, uint32_t ia, const hm_store_act *b, uint32_t ib)
{
    int ha = (a->flags & HM_ACT_HAS_HR) != 0, hb = (b->flags & HM_ACT_HAS_HR) != 0;

    if (ha != hb)
        return ha;
    if (a->points != b->points)
        return a->points > b->points;
    return ia < ib;
}

/* For every activity, the one it duplicates: (*dup_of)[i] == i for an activity that is kept
 * (or takes no part), else the kept recording of the same activity; nacts entries. */
static int find_duplicates(const hm_store *s, const uint64_t *mask, hm_ctx *ctx,
                           uint32_t **dup_of)
{
    size_t nacts = s->meta->nacts, n = 0, i, j;
    cand *c;
    uint32_t *of;

    *dup_of = NULL;
    of = hm_ctx__reallocarray(ctx, NULL, nacts ? nacts : 1, sizeof(*of));
    c = hm_ctx__reallocarray(ctx, NULL, nacts ? nacts : 1, sizeof(*c));
    if (!of || !c) {
        hm_ctx__free(ctx, of);
        hm_ctx__free(ctx, c);
        return HM_RAISE_NOMEM(ctx);
    }
    for (i = 0; i < nacts; i++) {
        const hm_store_act *a = &s->acts[i];
        of[i] = (uint32_t)i;
        if ((a->flags & HM_ACT_KEPT) && hm_index__selected(mask, (uint32_t)i) && isfinite(a->start_time) &&
            isfinite(a->start_lat) && isfinite(a->start_lon)) {
            c[n].start = a->start_time;
            c[n++].act = (uint32_t)i;
        }
    }
    qsort(c, n, sizeof(*c), cmp_cand);
    for (i = 0; i < n; i++) {
        uint32_t best;
        if (of[c[i].act] != c[i].act)
            continue; /* already in an earlier group */
        best = c[i].act;
        /* The group: those of the minute after it that are the same activity as it. */
        for (j = i + 1; j < n && c[j].start - c[i].start <= HM_DUP_MAX_START_S; j++) {
            uint32_t k = c[j].act;
            if (of[k] != k || !same_activity(&s->acts[c[i].act], &s->acts[k]))
                continue;
            of[k] = c[i].act; /* provisionally: the group's first */
            if (better(&s->acts[k], k, &s->acts[best], best))
                best = k;
        }
        if (best == c[i].act)
            continue;
        of[c[i].act] = best;
        for (j = i + 1; j < n && c[j].start - c[i].start <= HM_DUP_MAX_START_S; j++)
            if (of[c[j].act] == c[i].act)
                of[c[j].act] = best;
        of[best] = best;
    }
    hm_ctx__free(ctx, c);
    *dup_of = of;
    return HM_OK;
}

int hm_store__duplicate_pairs(const hm_store *s, const uint64_t *mask, hm_ctx *ctx,
                              uint32_t **pairs, size_t *n)
{
    uint32_t *dup_of, i;
    size_t k = 0;
    int rc;

    *pairs = NULL;
    *n = 0;
    if ((rc = find_duplicates(s, mask, ctx, &dup_of)) != HM_OK)
        return rc;
    for (i = 0; i < s->meta->nacts; i++)
        k += dup_of[i] != i;
    if (!(*pairs = hm_ctx__calloc(ctx, 2 * k + 1, sizeof(uint32_t)))) {
        hm_ctx__free(ctx, dup_of);
        return HM_RAISE_NOMEM(ctx);
    }
    for (i = 0; i < s->meta->nacts; i++) {
        if (dup_of[i] == i)
            continue;
        (*pairs)[2 * *n] = i;
        (*pairs)[2 * (*n)++ + 1] = dup_of[i];
    }
    hm_ctx__free(ctx, dup_of);
    return HM_OK;
}
