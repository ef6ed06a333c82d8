/* SPDX-License-Identifier: MIT */
/*
 * Deterministic numbers (see gen_rand.h for why). The polynomials are plain
 * Taylor series after a Cody-Waite reduction: accurate to about 1e-16 on the
 * arguments used, which is far more than a GPS track needs; what matters is
 * that every platform evaluates the same operations in the same order.
 */
#include <math.h>

#include "gen_rand.h"
#include "track/geo_int.h" /* HM_EARTH_RADIUS_M: the engine's radius */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void hm_gen_rng_init(hm_gen_rng *rng, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    int i;

    for (i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
    if (!(rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]))
        rng->s[0] = 1;
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t hm_gen_rng_next(hm_gen_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double hm_gen_rng_uniform(hm_gen_rng *rng)
{
    return (double)(hm_gen_rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

double hm_gen_rng_range(hm_gen_rng *rng, double lo, double hi)
{
    return lo + (hi - lo) * hm_gen_rng_uniform(rng);
}

uint64_t hm_gen_rng_below(hm_gen_rng *rng, uint64_t n)
{
    /* The modulo bias is below 2^-40 for the sizes used here. */
    return hm_gen_rng_next(rng) % n;
}

double hm_gen_rng_normal(hm_gen_rng *rng)
{
    double sum = hm_gen_rng_uniform(rng) + hm_gen_rng_uniform(rng) + hm_gen_rng_uniform(rng) +
                 hm_gen_rng_uniform(rng);

    return (sum - 2.0) * 1.7320508075688772; /* variance 4/12 scaled to 1 */
}

/* Taylor polynomials on |r| <= pi/4, where the first omitted term is < 1e-16. */
static double poly_sin(double r)
{
    double r2 = r * r;

    return r * (1.0 + r2 * (-1.0 / 6 + r2 * (1.0 / 120 + r2 * (-1.0 / 5040 +
               r2 * (1.0 / 362880 + r2 * (-1.0 / 39916800 + r2 * (1.0 / 6227020800.0 +
               r2 * (-1.0 / 1307674368000.0))))))));
}

static double poly_cos(double r)
{
    double r2 = r * r;

    return 1.0 + r2 * (-1.0 / 2 + r2 * (1.0 / 24 + r2 * (-1.0 / 720 + r2 * (1.0 / 40320 +
                 r2 * (-1.0 / 3628800 + r2 * (1.0 / 479001600.0 + r2 * (-1.0 / 87178291200.0 +
                 r2 * (1.0 / 20922789888000.0))))))));
}

/* Cody-Waite reduction to r in [-pi/4, pi/4]; k * PIO2_HI is exact for |k| < 2^20. */
static int reduce(double x, double *r)
{
    static const double PIO2_HI = 1.57079632673412561417e+00;
    static const double PIO2_LO = 6.07710050650619224932e-11;
    double k = floor(x * (2.0 / HM_GEN_PI) + 0.5);

    *r = (x - k * PIO2_HI) - k * PIO2_LO;
    return (int)(((long long)k % 4 + 4) % 4);
}

double hm_gen_sin(double x)
{
    double r;

    switch (reduce(x, &r)) {
    case 0: return poly_sin(r);
    case 1: return poly_cos(r);
    case 2: return -poly_sin(r);
    default: return -poly_cos(r);
    }
}

double hm_gen_cos(double x)
{
    double r;

    switch (reduce(x, &r)) {
    case 0: return poly_cos(r);
    case 1: return -poly_sin(r);
    case 2: return -poly_cos(r);
    default: return poly_sin(r);
    }
}

static double gen_atan(double x)
{
    int neg = x < 0, inv;
    double base = 0.0, x2, term, sum = 0.0;
    int n;

    if (neg)
        x = -x;
    inv = x > 1.0;
    if (inv)
        x = 1.0 / x;
    if (x > 0.41421356237309503) { /* tan(pi/8): shift by pi/4 to keep the series short */
        base = HM_GEN_PI / 4;
        x = (x - 1.0) / (x + 1.0);
    }
    x2 = x * x;
    term = x;
    for (n = 0; n < 24; n++) {
        sum += (n & 1 ? -term : term) / (2 * n + 1);
        term *= x2;
    }
    sum += base;
    if (inv)
        sum = HM_GEN_PI / 2 - sum;
    return neg ? -sum : sum;
}

double hm_gen_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = HM_GEN_PI / 180.0;
    double s1 = hm_gen_sin((lat2 - lat1) * rad * 0.5);
    double s2 = hm_gen_sin((lon2 - lon1) * rad * 0.5);
    double a = s1 * s1 + hm_gen_cos(lat1 * rad) * hm_gen_cos(lat2 * rad) * s2 * s2;
    double y;

    if (a >= 1.0)
        return HM_GEN_PI * HM_EARTH_RADIUS_M;
    y = sqrt(a);
    return 2.0 * HM_EARTH_RADIUS_M * gen_atan(y / sqrt(1.0 - a)); /* asin(y) */
}
