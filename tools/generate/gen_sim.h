/* SPDX-License-Identifier: MIT */
/*
 * The activities of `heatmap-generate`: what the simulation is asked for
 * (a plan) and what it produces (1 Hz samples in recording segments). The
 * generator writes the files the engine is tested against, so it shares no
 * parsing with the readers: only the engine's FIT CRC, calendar and Earth
 * radius, which gpsbabel's read-back test (autotest/utilities/
 * test_heatmap_generate.py) checks independently.
 */
#ifndef HM_TOOLS_GEN_SIM_H
#define HM_TOOLS_GEN_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "gen_net.h"
#include "gen_rand.h"

typedef enum hm_gen_sport {
    HM_GEN_RUN = 0,
    HM_GEN_RIDE = 1,
    HM_GEN_WALK = 2,
    HM_GEN_HIKE = 3
} hm_gen_sport;

/* "run", "ride", "walk", "hike": the generator's own names (files, MANIFEST.csv). */
const char *hm_gen_sport_name(hm_gen_sport sport);

/* One recorded second. */
typedef struct hm_gen_sample {
    int64_t time; /* s since 1970-01-01T00:00:00Z */
    double lat;   /* degrees north, with GPS noise; unused when !has_pos */
    double lon;   /* degrees east, with GPS noise; unused when !has_pos */
    double ele;   /* m above sea level */
    double dist;  /* m, cumulative distance as the device records it */
    double speed; /* m/s, as the device records it */
    int hr;       /* bpm */
    int cadence;  /* rpm (ride) or steps/min per foot (run, walk, hike) */
    int has_pos;  /* 0 during a GPS dropout */
    int segment;  /* recording segment, 0-based: a recording pause starts the next */
} hm_gen_sample;

/* What the simulation is asked to produce. */
typedef struct hm_gen_plan {
    hm_gen_sport sport;  /* kind of activity */
    int virtual_ride;    /* 1 for a Zwift-style ride: no stops, pauses or GPS noise */
    int allow_dropouts;  /* 1 if the format can store points without a position */
    int64_t start_time;  /* s since epoch, UTC */
    uint64_t seed;       /* the run's --seed */
    uint64_t index;      /* activity number, selects the random stream */
} hm_gen_plan;

/* A simulated activity; the samples are owned and freed by hm_gen_activity_free(). */
typedef struct hm_gen_activity {
    hm_gen_sample *samples; /* count samples in time order */
    size_t count;           /* number of samples */
    size_t capacity;        /* allocated samples */
    int segments;           /* number of recording segments */
} hm_gen_activity;

/* Free the samples and empty the activity. */
void hm_gen_activity_free(hm_gen_activity *a);

/*
 * Simulate one activity on a network: a route (wandering, out-and-back,
 * laps or one-way, by sport), then 1 Hz motion along it with speed, heart
 * rate, cadence, elevation, stops, recording pauses and GPS noise.
 * @param out filled in; release with hm_gen_activity_free() (also on failure).
 * @return 0, or -1 when out of memory.
 */
int hm_gen_simulate(hm_gen_activity *out, const hm_gen_network *net, const hm_gen_plan *plan);

#endif /* HM_TOOLS_GEN_SIM_H */
