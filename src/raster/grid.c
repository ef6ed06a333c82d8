/* SPDX-License-Identifier: MIT */
/*
 * Grid geometry. Everything is computed in whole tiles (256 pixels) first
 * and converted to pixels last, so the web grid lines up with the XYZ tiles
 * bit for bit: the origin is -HALF + tx0 * 256 * res, which is exactly the
 * formula a tile server uses. The data extent is snapped with floor + 1 on
 * its east and south edges, so a point lying exactly on a tile line still
 * falls inside the grid (pixels are half-open squares); BOUNDS is snapped
 * with ceil, so bounds that are already tile-aligned stay as given.
 */
#include <limits.h>
#include <math.h>

#include "raster/grid_int.h"
#include "track/project_int.h"

double hm_grid__web_resolution(int zoom)
{
    return 2.0 * HM_WEB_HALF / (256.0 * ldexp(1.0, zoom));
}

void hm_grid__level_size(const hm_grid *g, int level, int *w, int *h)
{
    int64_t d = (int64_t)1 << level;

    *w = (int)(((int64_t)g->width + d - 1) / d);
    *h = (int)(((int64_t)g->height + d - 1) / d);
}

/*
 * Tile range [*t0, *t1) covering [lo, hi] in tile units from the grid's
 * west/north edge. Bounds within a millionth of a tile of a tile line are
 * on it: projected BOUNDS carry rounding noise.
 */
static void snap(double lo, double hi, int exact, double *t0, double *t1)
{
    const double eps = 1e-6;

    *t0 = exact ? floor(lo + eps) : floor(lo);
    *t1 = exact ? ceil(hi - eps) : floor(hi) + 1.0;
    if (*t1 <= *t0)
        *t1 = *t0 + 1.0;
}

static void web_snap(const hm_grid_request *req, int zoom, double t[4])
{
    double tile = 256.0 * hm_grid__web_resolution(zoom), n = ldexp(1.0, zoom);
    const double *e = req->extent;

    if (req->has_units) {
        /* Whole tiles of the data's integer extent: a point on a tile line is in the
         * tile east (south) of it, exactly as the renderer's half-open pixels say. */
        int shift = 40 - zoom;
        t[0] = (double)(req->units[0] >> shift);
        t[1] = (double)(req->units[1] >> shift);
        t[2] = (double)((req->units[2] >> shift) + 1);
        t[3] = (double)((req->units[3] >> shift) + 1);
    } else {
        snap((e[0] + HM_WEB_HALF) / tile, (e[2] + HM_WEB_HALF) / tile, req->exact, &t[0], &t[2]);
        snap((HM_WEB_HALF - e[3]) / tile, (HM_WEB_HALF - e[1]) / tile, req->exact, &t[1], &t[3]);
    }
    /* The world ends: clamp to its tiles, keeping at least one. */
    t[0] = fmin(fmax(t[0], 0.0), n - 1.0);
    t[1] = fmin(fmax(t[1], 0.0), n - 1.0);
    t[2] = fmin(fmax(t[2], t[0] + 1.0), n);
    t[3] = fmin(fmax(t[3], t[1] + 1.0), n);
}

/* A 1-1.2-1.5-2-2.5-3-4-5-6-8 series number >= v. */
static double nice_ceil(double v)
{
    static const double steps[] = {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0};
    double p = pow(10.0, floor(log10(v)));
    size_t i;

    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        if (steps[i] * p >= v * (1.0 - 1e-12))
            return steps[i] * p;
    return 10.0 * p;
}

static void level_count(hm_grid *g)
{
    int k = 0, w, h;

    for (;;) {
        hm_grid__level_size(g, k, &w, &h);
        if (w <= HM_GRID_BLOCK && h <= HM_GRID_BLOCK)
            break;
        k++;
    }
    g->level_count = k + 1;
}

int hm_grid__build(hm_grid *g, hm_ctx *ctx, const hm_grid_request *req)
{
    const double *e = req->extent;
    double t[4], tile, tiles_w, tiles_h;

    g->block = HM_GRID_BLOCK;
    if (req->is_web && req->has_units) {
        if (req->units[2] < req->units[0] || req->units[3] < req->units[1])
            return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "the area to cover is empty");
    } else if (!isfinite(e[0]) || !isfinite(e[1]) || !isfinite(e[2]) || !isfinite(e[3]) ||
               e[2] < e[0] || e[3] < e[1]) {
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "the area to cover is empty or not finite");
    }
    if (req->is_web) {
        int z = req->zoom;
        if (z < 0) {
            double fw = req->fit[0] > 0 ? req->fit[0] : HM_GRID_AUTO_PIXELS;
            double fh = req->fit[1] > 0 ? req->fit[1] : HM_GRID_AUTO_PIXELS;
            for (z = HM_GRID_MAX_ZOOM; z > 0; z--) {
                web_snap(req, z, t);
                if ((t[2] - t[0]) * 256.0 <= fw && (t[3] - t[1]) * 256.0 <= fh)
                    break;
            }
        }
        web_snap(req, z, t);
        g->is_web = 1;
        g->zoom = z;
        g->res = hm_grid__web_resolution(z);
        tile = 256.0 * g->res;
        g->tile_x0 = (int64_t)t[0];
        g->tile_y0 = (int64_t)t[1];
        g->origin_x = -HM_WEB_HALF + t[0] * tile;
        g->origin_y = HM_WEB_HALF - t[1] * tile;
    } else {
        double r = req->resolution;
        if (!(r > 0.0)) {
            double span = fmax(e[2] - e[0], e[3] - e[1]);
            r = span > 0.0 ? nice_ceil(span / HM_GRID_AUTO_PIXELS) : 1.0;
        }
        tile = 256.0 * r;
        snap(e[0] / tile, e[2] / tile, req->exact, &t[0], &t[2]);
        /* y grows north in the CRS and south in the grid: snap the negated axis. */
        snap(-e[3] / tile, -e[1] / tile, req->exact, &t[1], &t[3]);
        g->is_web = 0;
        g->zoom = -1;
        g->res = r;
        if (!(fabs(t[0]) < 9e15) || !(fabs(t[1]) < 9e15))
            return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1,
                            "grid origin too far from the CRS origin (RESOLUTION too small?)");
        g->tile_x0 = (int64_t)t[0];
        g->tile_y0 = (int64_t)t[1];
        g->origin_x = t[0] * tile;
        g->origin_y = -t[1] * tile + 0.0; /* + 0.0: no negative zero */
    }
    tiles_w = t[2] - t[0];
    tiles_h = t[3] - t[1];
    if (!(tiles_w * 256.0 <= INT_MAX) || !(tiles_h * 256.0 <= INT_MAX))
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1,
                        "grid of %.0f x %.0f pixels is too large (RESOLUTION too small?)",
                        tiles_w * 256.0, tiles_h * 256.0);
    g->width = (int)(tiles_w * 256.0);
    g->height = (int)(tiles_h * 256.0);
    level_count(g);
    return HM_OK;
}
