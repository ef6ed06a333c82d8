/* SPDX-License-Identifier: MIT */
/*
 * Deterministic numbers for `heatmap-generate`: a seeded xoshiro256** PRNG
 * and sin, cos and great-circle distance computed with +, -, *, / and sqrt
 * only. C libraries disagree in the last bit of sin() and friends, and one
 * bit is enough to move a rounded coordinate, so the generator uses these
 * everywhere a value can reach a file; with -ffp-contract=off (set for the
 * tool in CMakeLists.txt) the same seed gives the same bits everywhere.
 */
#ifndef HM_TOOLS_GEN_RAND_H
#define HM_TOOLS_GEN_RAND_H

#include <stdint.h>

#define HM_GEN_PI 3.14159265358979323846

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

#endif /* HM_TOOLS_GEN_RAND_H */
