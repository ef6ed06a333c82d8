/* SPDX-License-Identifier: MIT */
/*
 * The simulation behind `heatmap generate`: a seeded PRNG, a street network
 * around a centre, and activities that move along it at 1 Hz. Everything
 * that reaches an output file is computed with +, -, *, / and sqrt only
 * (sin, cos and atan are our own polynomials), so the same seed gives the
 * same bits with any C library; the CLI is built with -ffp-contract=off so
 * that no compiler fuses a multiply-add behind our back. The generator does
 * not use the engine: it writes the files the engine is tested against.
 */
#ifndef HM_APPS_GEN_SIM_H
#define HM_APPS_GEN_SIM_H

#include <stddef.h>
#include <stdint.h>

/* ---- deterministic numbers ------------------------------------------------ */

/* xoshiro256** state, seeded through splitmix64. */
typedef struct hm_gen_rng {
    uint64_t s[4]; /* state words, never all zero */
} hm_gen_rng;

/* Seed a generator from a seed and a stream number (independent streams). */
void hm_gen_rng_init(hm_gen_rng *rng, uint64_t seed, uint64_t stream);
/* Next 64 random bits. */
uint64_t hm_gen_rng_next(hm_gen_rng *rng);
/* Uniform in [0, 1). */
double hm_gen_rng_uniform(hm_gen_rng *rng);
/* Uniform in [lo, hi). */
double hm_gen_rng_range(hm_gen_rng *rng, double lo, double hi);
/* Uniform integer in [0, n); n > 0. */
uint64_t hm_gen_rng_below(hm_gen_rng *rng, uint64_t n);
/* Approximately standard normal (Irwin-Hall of 4 uniforms, rescaled). */
double hm_gen_rng_normal(hm_gen_rng *rng);

/* sin and cos of x (radians, |x| < 1e6), identical on every platform. */
double hm_gen_sin(double x);
double hm_gen_cos(double x);
/* Great-circle distance, m, with the engine's Earth radius; identical on every platform. */
double hm_gen_distance_m(double lat1, double lon1, double lat2, double lon2);

/* ---- activities ----------------------------------------------------------- */

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
    int virtual_ride;    /* 1 for a Zwift-style ride on a virtual course */
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

void hm_gen_activity_free(hm_gen_activity *a);

/* ---- street network ------------------------------------------------------- */

typedef struct hm_gen_network hm_gen_network;

/*
 * Build a jittered street grid about 8 km across, with diagonal avenues,
 * curved streets and a few missing blocks, around (lat, lon).
 * @param out receives the network; free it with hm_gen_network_free().
 * @param base_ele m above sea level at the centre.
 * @return 0, or -1 when out of memory.
 */
int hm_gen_network_new(hm_gen_network **out, double lat, double lon, double base_ele,
                       uint64_t seed, uint64_t stream);
void hm_gen_network_free(hm_gen_network *net);

/*
 * Simulate one activity on a network: a route (wandering, out-and-back,
 * laps or point-to-point), then 1 Hz motion along it with speed, heart rate,
 * cadence, elevation, stops, recording pauses and GPS noise.
 * @param out filled in; release with hm_gen_activity_free() (also on failure).
 * @return 0, or -1 when out of memory.
 */
int hm_gen_simulate(hm_gen_activity *out, const hm_gen_network *net, const hm_gen_plan *plan);

#endif /* HM_APPS_GEN_SIM_H */
