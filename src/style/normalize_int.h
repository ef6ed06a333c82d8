/* SPDX-License-Identifier: MIT */
/*
 * Normalisation: band values to intensities in [0, 1], from a histogram of
 * the values of a whole level. The histogram is a table of distinct values
 * with cumulative weights (a weight is how many pixels a sampled value
 * stands for); everything here is a pure function of it, so a level's
 * scale is fixed once its histogram is, whichever block is being drawn.
 */
#ifndef HM_STYLE_NORMALIZE_INT_H
#define HM_STYLE_NORMALIZE_INT_H

#include "core/ctx_int.h"

/* Most entries a histogram keeps; more distinct values are grouped (see hm_hist__build). */
#define HM_HIST_MAX 4096

typedef enum hm_norm_method {
    HM_NORM_LINEAR = 0,  /* (v - lo) / (hi - lo) */
    HM_NORM_LOG = 1,     /* ln(1 + (v - lo)) / ln(1 + (hi - lo)) */
    HM_NORM_EQUALIZE = 2 /* fraction of the level's pixels with a value <= v */
} hm_norm_method;

/* Names in NORMALIZE=, by method. Static. */
const char *hm_norm__name(hm_norm_method method);

/* One sampled value. */
typedef struct hm_sample {
    float value;  /* band value (finite) */
    float weight; /* pixels it stands for (> 0) */
} hm_sample;

typedef struct hm_hist {
    size_t n;     /* entries */
    double *value; /* n values, strictly increasing (a group's largest value) */
    double *cum;   /* n weights: of the values <= value[i] */
    double total;  /* cum[n - 1]; 0 for an empty histogram */
    double min;    /* smallest value (NaN when empty) */
    double max;    /* largest value (NaN when empty) */
} hm_hist;

/*
 * Build a histogram from samples (sorted in place). Equal values merge.
 * When more than max_entries distinct values remain, consecutive values are
 * grouped so that a group ends where the cumulative weight crosses a
 * multiple of total / (max_entries - 1): each entry then stands for at
 * most about 1/(max_entries - 1) of the pixels (a single heavier value
 * stays alone), and the entry's value is its group's largest.
 * @param out filled in; release with hm_hist__free().
 * @return HM_OK or HM_ENOMEM (raised).
 */
int hm_hist__build(hm_hist *out, hm_ctx *ctx, hm_sample *samples, size_t n, size_t max_entries);
void hm_hist__free(hm_hist *hist, hm_ctx *ctx);

/*
 * Percentile p (0..100), nearest rank: the smallest value whose cumulative
 * weight reaches p% of the total; p <= 0 gives min, p >= 100 max.
 */
double hm_hist__percentile(const hm_hist *hist, double p);

/* Fraction of the weight with a value <= v (0 for an empty histogram). */
double hm_hist__cdf(const hm_hist *hist, double v);
/* Fraction of the weight with a value < v. */
double hm_hist__cdf_below(const hm_hist *hist, double v);

/* A normalisation ready to apply: method, direction and the level's range. */
typedef struct hm_norm {
    hm_norm_method method; /* how */
    int reverse;           /* 1: low values are bright (pace: fast = bright) */
    double clip_lo;        /* lower clip, fraction 0..1 */
    double clip_hi;        /* upper clip, fraction 0..1, > clip_lo */
    double lo;             /* value at the lower clip percentile */
    double hi;             /* value at the upper clip percentile */
    const hm_hist *hist;   /* borrowed; used by equalize */
} hm_norm;

/*
 * Prepare a normalisation of hist. Linear and log map [lo, hi] = the
 * [clip_lo_pct, clip_hi_pct] percentiles onto [0, 1] (values beyond are
 * clamped); equalize maps the cumulative fraction F(v) (for reverse,
 * the fraction >= v) from [clip_lo, clip_hi] onto [0, 1].
 */
void hm_norm__prepare(hm_norm *out, const hm_hist *hist, hm_norm_method method,
                      double clip_lo_pct, double clip_hi_pct, int reverse);

/*
 * Intensity of value v, in [0, 1]. Reverse mirrors linear and log around
 * the range (v = lo is 1) and counts from the top for equalize. A
 * degenerate range (hi == lo, or an empty histogram) gives 1.
 */
double hm_norm__apply(const hm_norm *norm, double v);

#endif /* HM_STYLE_NORMALIZE_INT_H */
