/* SPDX-License-Identifier: MIT */
/*
 * Normalisation on a histogram. The histogram is exact for the values it
 * was given (equal values merge, weights add) until it would exceed its
 * size, when it keeps only the group ends described in normalize_int.h:
 * grouping keeps every cumulative weight it keeps exact, so percentiles
 * and the equalisation CDF stay within one group (1/4095 of the pixels)
 * of the truth and are exact for discrete bands such as count, whose few
 * distinct values never need grouping.
 *
 * Equalisation is the classic histogram-equalisation mapping t = F(v), the
 * fraction of the level's pixels whose value is <= v, as the Strava global
 * heatmap does: each palette step then covers about as many pixels as the
 * next, so a few very busy streets do not leave everything else dark.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "style/normalize_int.h"

static const char *const method_names[] = {"linear", "log", "equalize"};

const char *hm_norm__name(hm_norm_method method)
{
    return method_names[method];
}

static int cmp_sample(const void *a, const void *b)
{
    float x = ((const hm_sample *)a)->value, y = ((const hm_sample *)b)->value;

    return (x > y) - (x < y);
}

int hm_hist__build(hm_hist *out, hm_ctx *ctx, hm_sample *samples, size_t n, size_t max_entries)
{
    size_t m = 0, i, k;
    double total = 0.0;

    memset(out, 0, sizeof(*out));
    out->min = NAN;
    out->max = NAN;
    if (n == 0)
        return HM_OK;
    qsort(samples, n, sizeof(*samples), cmp_sample);
    /* Distinct values: at most n. */
    for (i = 0; i < n; i++)
        if (i == 0 || samples[i].value != samples[i - 1].value)
            m++;
    out->value = hm_ctx__reallocarray(ctx, NULL, m, sizeof(double));
    out->cum = hm_ctx__reallocarray(ctx, NULL, m, sizeof(double));
    if (!out->value || !out->cum) {
        hm_hist__free(out, ctx);
        return HM_RAISE_NOMEM(ctx);
    }
    for (i = 0, k = 0; i < n; i++) {
        total += samples[i].weight;
        if (i + 1 == n || samples[i + 1].value != samples[i].value) {
            out->value[k] = samples[i].value;
            out->cum[k] = total;
            k++;
        }
    }
    out->n = m;
    out->total = total;
    out->min = out->value[0];
    out->max = out->value[m - 1];
    if (m > max_entries && max_entries >= 2) {
        /* Keep group ends only: their cumulative weights are unchanged. */
        double step = total / (double)(max_entries - 1);
        double prev = 0.0;

        for (i = 0, k = 0; i < m; i++) {
            double key = floor(out->cum[i] / step);

            if (i + 1 == m || key > prev) {
                out->value[k] = out->value[i];
                out->cum[k] = out->cum[i];
                k++;
            }
            prev = key;
        }
        out->n = k;
    }
    return HM_OK;
}

void hm_hist__free(hm_hist *hist, hm_ctx *ctx)
{
    hm_ctx__free(ctx, hist->value);
    hm_ctx__free(ctx, hist->cum);
    hist->value = hist->cum = NULL;
    hist->n = 0;
}

double hm_hist__percentile(const hm_hist *h, double p)
{
    double target;
    size_t lo = 0, hi;

    if (h->n == 0)
        return NAN;
    if (p <= 0.0)
        return h->min;
    if (p >= 100.0)
        return h->max;
    /* p * total / 100 is exact for whole percentages of whole weights; the tolerance
     * absorbs the rounding of the sums otherwise. */
    target = p * h->total / 100.0 * (1.0 - 1e-12);
    hi = h->n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (h->cum[mid] >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return h->value[lo];
}

/* Entries with value <= v (or < v when strict). */
static size_t rank(const hm_hist *h, double v, int strict)
{
    size_t lo = 0, hi = h->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strict ? h->value[mid] < v : h->value[mid] <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double hm_hist__cdf(const hm_hist *h, double v)
{
    size_t k = h->total > 0.0 ? rank(h, v, 0) : 0;

    return k ? h->cum[k - 1] / h->total : 0.0;
}

double hm_hist__cdf_below(const hm_hist *h, double v)
{
    size_t k = h->total > 0.0 ? rank(h, v, 1) : 0;

    return k ? h->cum[k - 1] / h->total : 0.0;
}

void hm_norm__prepare(hm_norm *out, const hm_hist *hist, hm_norm_method method,
                      double clip_lo_pct, double clip_hi_pct, int reverse)
{
    out->method = method;
    out->reverse = reverse;
    out->clip_lo = clip_lo_pct / 100.0;
    out->clip_hi = clip_hi_pct / 100.0;
    out->hist = hist;
    out->lo = hm_hist__percentile(hist, clip_lo_pct);
    out->hi = hm_hist__percentile(hist, clip_hi_pct);
}

static double clamp01(double t)
{
    return t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
}

double hm_norm__apply(const hm_norm *n, double v)
{
    double range = n->hi - n->lo, d, f;

    if (!(n->hist->total > 0.0))
        return 1.0;
    switch (n->method) {
    case HM_NORM_EQUALIZE:
        f = n->reverse ? 1.0 - hm_hist__cdf_below(n->hist, v) : hm_hist__cdf(n->hist, v);
        return clamp01((f - n->clip_lo) / (n->clip_hi - n->clip_lo));
    case HM_NORM_LOG:
        if (!(range > 0.0))
            return 1.0;
        d = n->reverse ? n->hi - v : v - n->lo;
        d = d < 0.0 ? 0.0 : d > range ? range : d;
        return clamp01(log1p(d) / log1p(range));
    case HM_NORM_LINEAR:
    default:
        if (!(range > 0.0))
            return 1.0;
        d = n->reverse ? n->hi - v : v - n->lo;
        return clamp01(d / range);
    }
}
