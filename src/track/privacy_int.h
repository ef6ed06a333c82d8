/* SPDX-License-Identifier: MIT */
/*
 * Privacy zones and trimmed ends (src/track/privacy.c): cutting away what a
 * public heatmap must not show, exactly, before anything else is derived.
 */
#ifndef HM_TRACK_PRIVACY_INT_H
#define HM_TRACK_PRIVACY_INT_H

#include "track/track_int.h"

/* A circle on the ground. */
typedef struct hm_privacy_zone {
    double lon;    /* centre, degrees east */
    double lat;    /* centre, degrees north */
    double radius; /* m on the ground */
} hm_privacy_zone;

typedef struct hm_privacy {
    const hm_privacy_zone *zones; /* nzones circles */
    size_t nzones;
    double trim_ends; /* m hidden at the start and at the end of each activity; 0 = none */
} hm_privacy;

/*
 * Cut from runs (web mercator metres, run_act nondecreasing) every part
 * within a zone and the first and last trim_ends metres of each activity.
 * Runs may split, shrink or vanish; attributes of a cut segment are shared in
 * proportion. On success runs is replaced (the old arrays freed); on failure
 * it is left as it was.
 * @return HM_OK or HM_ENOMEM.
 */
int hm_privacy__apply(hm_runs *runs, hm_ctx *ctx, const hm_privacy *privacy);

#endif /* HM_TRACK_PRIVACY_INT_H */
