/* SPDX-License-Identifier: MIT */
/*
 * `heatmap-generate --strava`: the folder laid out as Strava's bulk export
 * (activities.csv beside activities/<id>.<fmt>.gz). This part owns the
 * table: activity ids, the names, types, gear and commute flags a Strava
 * user's table has, a couple of manual activities (rows without a file),
 * and the figures Strava computes. It draws from a random stream of its
 * own, so --strava changes the layout and the table, never the tracks.
 */
#ifndef HM_TOOLS_GEN_STRAVA_H
#define HM_TOOLS_GEN_STRAVA_H

#include <stddef.h>
#include <stdint.h>

#include "gen_rand.h"
#include "gen_sim.h"
#include "gen_write.h"

/* The table being written; fields are private to gen_strava.c. */
typedef struct hm_gen_strava {
    hm_gen_rng rng;      /* names, gear, commutes, ids: the stream of --strava */
    size_t manual_at[2]; /* manual activity k goes before recorded activity manual_at[k] */
    int nmanual;         /* entries of manual_at */
    int manual_done;     /* manual activities written */
    size_t added;        /* recorded activities added so far */
    int64_t prev_start;  /* s since epoch, start of the previous row; 0 before the first */
    uint64_t last_id;    /* the previous row's id: ids grow with every row */
    hm_strbuf csv;       /* activities.csv so far */
} hm_gen_strava;

/* One recorded activity as the table describes it. */
typedef struct hm_gen_strava_activity {
    hm_gen_sport sport; /* kind of activity */
    int virtual_ride;   /* 1: a Zwift-style ride ("Virtual Ride") */
    int64_t start_time; /* s since epoch, UTC */
    int64_t utc_offset; /* s east of UTC at the place (commutes are on local weekdays) */
    const char *title;  /* the name in the file, e.g. "Morning Run" */
    const char *format; /* "gpx", "tcx", "fit": the file's extension */
} hm_gen_strava_activity;

/* Start a table of `activities` recorded activities (and 1 or 2 manual ones); ctx allocates. */
void hm_gen_strava_init(hm_gen_strava *s, hm_ctx *ctx, uint64_t seed, size_t activities);
void hm_gen_strava_free(hm_gen_strava *s);

/*
 * Add the row of a recorded activity, after any manual row due before it.
 * @param file_out receives "activities/<id>.<format>.gz", where its file goes.
 * @param a the samples, for the figures (distance, times, speeds, elevation, heart rate).
 * Check hm_strbuf_failed(&s->csv) at the end.
 */
void hm_gen_strava_add(hm_gen_strava *s, char *file_out, size_t size,
                       const hm_gen_strava_activity *act, const hm_gen_activity *a);

/* Add the manual rows still due (after the last recorded activity). */
void hm_gen_strava_finish(hm_gen_strava *s);

#endif /* HM_TOOLS_GEN_STRAVA_H */
