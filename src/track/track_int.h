/* SPDX-License-Identifier: MIT */
/*
 * Cleaned tracks: what the raster engine keeps of the activities a reader
 * delivered. Cleaning (src/track/clean.c) filters activities, drops
 * impossible fixes, projects the rest into the grid CRS, splits a track
 * into runs where the recording jumped, and derives per-segment attributes.
 * A run is a polyline whose consecutive points are joined; two runs are
 * never joined. Everything downstream (levels of detail, index, renderer)
 * works on hm_runs, so the layout is flat: one coordinate array, one
 * attribute array, and run boundaries as indices into them.
 */
#ifndef HM_TRACK_TRACK_INT_H
#define HM_TRACK_TRACK_INT_H

#include "core/ctx_int.h"
#include "heatmap/activity.h"

struct hm_projector;

/*
 * Attributes of one segment (from a point to the next point of its run).
 * Sums, so that a simplified segment standing for several merged ones keeps
 * the exact totals: pace = dt / len * 1000 and HR = hr_sum / hr_n.
 */
typedef struct hm_seg_attr {
    float dt; /* s, duration counted for pace; 0 for a stop, pause, impossible or untimed segment */
    float len;    /* m, great-circle length counted for pace; 0 in the same cases */
    float hr_sum; /* bpm, sum of the heart rates of the merged segments that have one */
    float hr_n;   /* number of merged segments with a heart rate */
} hm_seg_attr;

/* Polylines grouped by activity. Point i's attribute describes segment i -> i+1. */
typedef struct hm_runs {
    size_t npoints;    /* points in all runs */
    double *xy;        /* 2 * npoints: x, y of each point (units set by the owner) */
    hm_seg_attr *seg;  /* npoints: attribute of the segment that starts at the point
                          (the last point of a run has a zero attribute) */
    size_t nruns;      /* number of runs */
    size_t *run_first; /* nruns + 1: points of run r are run_first[r] .. run_first[r+1]-1 */
    uint32_t *run_act; /* nruns: activity of each run, nondecreasing */
    float *vstep;      /* npoints, or NULL: the longer of the point's two steps in the
                          original track, in the runs' units (levels of detail carry it up, so
                          they tell dense sampling from shape); NULL: the runs are original */
} hm_runs;

/* Per-activity filters (from the spec). The sports are matched on the store's
 * activities, through the sport vocabulary (src/raster/raster.c): the store is built
 * with no filter, and hm_clean__accept() leaves sports alone. */
typedef struct hm_clean_options {
    double date_from;    /* s since epoch, inclusive, on the start time; NaN = open */
    double date_to;      /* s since epoch, exclusive; NaN = open */
    char *const *sports; /* SPORT items (hm_sport__matches); NULL/empty = every sport */
    size_t nsports;      /* entries in sports */
    int include_virtual; /* 0 drops activities flagged virtual */
    double max_gap;      /* m: a longer jump between fixes splits a run; <= 0 = no limit */
} hm_clean_options;

/* Split and pace thresholds (see clean.c for why these values). */
#define HM_CLEAN_MAX_SPEED 60.0      /* m/s: faster is a teleport (split) or impossible (no pace) */
#define HM_CLEAN_TELEPORT_MIN 100.0  /* m: a too-fast jump splits only beyond this distance */
#define HM_CLEAN_PAUSE_GAP 300.0     /* s: a time gap this long ... */
#define HM_CLEAN_PAUSE_JUMP 200.0    /* m: ... with a jump this long splits */
#define HM_CLEAN_STOP_SPEED 0.5      /* m/s: slower segments are stops, left out of pace */
#define HM_CLEAN_MAX_DT 60.0         /* s: longer segments are pauses, left out of pace */
#define HM_CLEAN_WEB_MAX_LAT 85.0511 /* degrees: web mercator cannot show beyond this */

/* The cleaned, projected tracks of a set of files. */
typedef struct hm_tracks {
    hm_ctx *ctx;       /* allocator of every array; borrowed */
    hm_runs runs;      /* x, y in grid CRS units */
    size_t nacts;      /* activities kept (at least one run) */
    double *act_start; /* nacts: start time, s since epoch; NaN when unknown */
    size_t *act_index; /* nacts: position of the kept activity among all activities of the
                          files (file after file, accepted or not) */
    size_t *act_points; /* nacts: points in the activity's runs */
    double *act_tmin;  /* nacts: earliest time of a kept point; NaN when none */
    double *act_tmax;  /* nacts: latest time of a kept point; NaN when none */
    double bbox[4];    /* grid CRS units: min x, min y, max x, max y of all points */
    size_t points;     /* points in kept runs (= runs.npoints) */
    double time_min;   /* s since epoch, earliest time of a kept point; NaN when none */
    double time_max;   /* s since epoch, latest time of a kept point; NaN when none */
} hm_tracks;

/* 1 when the activity passes the filters (date, virtual). */
int hm_clean__accept(const hm_activity *activity, const hm_clean_options *options);

/* The same test on an activity's stored figures (start s since epoch). */
int hm_clean__accept_meta(int is_virtual, double start, const hm_clean_options *options);

/*
 * Clean and project every activity of the files, in order (file i's
 * activities before file i+1's), numbering kept activities 0, 1, ...
 * Files that failed to read (hm_file_get_error) have no activities.
 * @param out filled in; release with hm_tracks__free() (also on failure).
 * @return HM_OK (possibly with no activity at all), HM_ENOMEM.
 */
int hm_tracks__build(hm_tracks *out, hm_ctx *ctx, const hm_file *const *files, size_t nfiles,
                     const hm_clean_options *options, struct hm_projector *projector);

void hm_tracks__free(hm_tracks *tracks);

/* Release the arrays of a runs struct allocated with ctx, and zero it. */
void hm_runs__free(hm_runs *runs, hm_ctx *ctx);

#endif /* HM_TRACK_TRACK_INT_H */
