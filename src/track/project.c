/* SPDX-License-Identifier: MIT */
/*
 * WGS84 -> grid CRS. Web mercator is the closed form (no PROJ database,
 * the exact formula web tiles use); everything else is PROJ, set up once
 * per projector: proj_create_crs_to_crs from EPSG:4326 then
 * proj_normalize_for_visualization, so input is always lon, lat whatever
 * the CRS axis order says. Each projector has its own PJ_CONTEXT with a
 * silent logger (library code never prints), which also makes it safe to
 * use projectors on several threads at once, one each.
 */
#include <math.h>
#include <proj.h>
#include <string.h>

#include "track/project_int.h"

struct hm_projector {
    hm_ctx *ctx;        /* allocator and error sink; borrowed */
    int is_web;         /* 1: closed-form web mercator, no PROJ objects */
    PJ_CONTEXT *pj_ctx; /* owned; NULL until needed for the web projector */
    PJ *crs;            /* owned target CRS, for WKT */
    PJ *op;             /* owned normalised EPSG:4326 -> crs operation; NULL for web */
};

/* WKT of EPSG:3857 when PROJ's database is not reachable: the grid must still say what it is. */
static const char web_wkt_fallback[] =
    "PROJCS[\"WGS 84 / Pseudo-Mercator\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\","
    "SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],"
    "AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
    "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
    "AUTHORITY[\"EPSG\",\"4326\"]],PROJECTION[\"Mercator_1SP\"],"
    "PARAMETER[\"central_meridian\",0],PARAMETER[\"scale_factor\",1],"
    "PARAMETER[\"false_easting\",0],PARAMETER[\"false_northing\",0],"
    "UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AXIS[\"Easting\",EAST],"
    "AXIS[\"Northing\",NORTH],EXTENSION[\"PROJ4\",\"+proj=merc +a=6378137 +b=6378137 "
    "+lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs\"],"
    "AUTHORITY[\"EPSG\",\"3857\"]]";

static void silent_log(void *payload, int level, const char *msg)
{
    (void)payload;
    (void)level;
    (void)msg;
}

static PJ_CONTEXT *new_pj_context(void)
{
    PJ_CONTEXT *c = proj_context_create();

    if (c)
        proj_log_func(c, NULL, silent_log);
    return c;
}

void hm_project__web(double lon, double lat, double *x, double *y)
{
    const double rad = 3.14159265358979323846 / 180.0;

    *x = HM_WEB_RADIUS * lon * rad;
    *y = HM_WEB_RADIUS * log(tan(0.25 * 3.14159265358979323846 + 0.5 * lat * rad));
}

void hm_project__free(hm_projector *p)
{
    if (!p)
        return;
    if (p->op)
        proj_destroy(p->op);
    if (p->crs)
        proj_destroy(p->crs);
    if (p->pj_ctx)
        proj_context_destroy(p->pj_ctx);
    hm_ctx__free(p->ctx, p);
}

int hm_project__new(hm_projector **out, hm_ctx *ctx, const char *srs)
{
    hm_projector *p = hm_ctx__calloc(ctx, 1, sizeof(*p));
    PJ *src = NULL, *raw = NULL;

    *out = NULL;
    if (!p)
        return HM_RAISE_NOMEM(ctx);
    p->ctx = ctx;
    if (!srs) {
        p->is_web = 1;
        *out = p;
        return HM_OK;
    }
    p->pj_ctx = new_pj_context();
    if (!p->pj_ctx) {
        hm_project__free(p);
        return HM_RAISE_NOMEM(ctx);
    }
    p->crs = proj_create(p->pj_ctx, srs);
    if (!p->crs || !proj_is_crs(p->crs)) {
        hm_project__free(p);
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "SRS=%s: not a CRS PROJ knows", srs);
    }
    src = proj_create(p->pj_ctx, "EPSG:4326");
    if (src)
        raw = proj_create_crs_to_crs_from_pj(p->pj_ctx, src, p->crs, NULL, NULL);
    if (raw)
        p->op = proj_normalize_for_visualization(p->pj_ctx, raw);
    if (raw)
        proj_destroy(raw);
    if (src)
        proj_destroy(src);
    if (!p->op) {
        hm_project__free(p);
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1,
                        "SRS=%s: no transformation from WGS84 (is PROJ's database installed?)",
                        srs);
    }
    *out = p;
    return HM_OK;
}

int hm_project__is_web(const hm_projector *p)
{
    return p->is_web;
}

void hm_project__points(hm_projector *p, double *xy, size_t n)
{
    size_t i;

    if (p->is_web) {
        for (i = 0; i < n; i++)
            hm_project__web(xy[2 * i], xy[2 * i + 1], &xy[2 * i], &xy[2 * i + 1]);
        return;
    }
    if (n)
        proj_trans_generic(p->op, PJ_FWD, xy, 2 * sizeof(double), n, xy + 1, 2 * sizeof(double), n,
                           NULL, 0, 0, NULL, 0, 0);
    /* PROJ marks failures with HUGE_VAL; the engine's convention is NaN. */
    for (i = 0; i < 2 * n; i += 2) {
        if (!isfinite(xy[i]) || !isfinite(xy[i + 1]) || fabs(xy[i]) > 1e300 ||
            fabs(xy[i + 1]) > 1e300) {
            xy[i] = NAN;
            xy[i + 1] = NAN;
        }
    }
    proj_errno_reset(p->op);
}

int hm_project__bounds(hm_projector *p, const double ll[4], double out[4])
{
    if (p->is_web) {
        double lat0 = fmax(ll[1], -HM_WEB_MAX_LAT), lat1 = fmin(ll[3], HM_WEB_MAX_LAT);
        hm_project__web(ll[0], lat0, &out[0], &out[1]);
        hm_project__web(ll[2], lat1, &out[2], &out[3]);
        return HM_OK;
    }
    if (!proj_trans_bounds(p->pj_ctx, p->op, PJ_FWD, ll[0], ll[1], ll[2], ll[3], &out[0], &out[1],
                           &out[2], &out[3], 21) ||
        !isfinite(out[0]) || !isfinite(out[1]) || !isfinite(out[2]) || !isfinite(out[3])) {
        proj_errno_reset(p->op);
        return HM_RAISE(p->ctx, HM_EINVAL, NULL, 0, -1,
                        "BOUNDS=%g,%g,%g,%g: cannot be projected to the grid CRS", ll[0], ll[1],
                        ll[2], ll[3]);
    }
    return HM_OK;
}

int hm_project__wkt(hm_projector *p, char **out)
{
    const char *const opts[] = {"MULTILINE=NO", NULL};
    const char *wkt = NULL;

    *out = NULL;
    if (p->is_web && !p->crs) {
        if (!p->pj_ctx)
            p->pj_ctx = new_pj_context();
        if (p->pj_ctx)
            p->crs = proj_create(p->pj_ctx, "EPSG:3857");
    }
    if (p->crs) {
        wkt = proj_as_wkt(p->pj_ctx, p->crs, PJ_WKT1_GDAL, opts);
        if (!wkt)
            wkt = proj_as_wkt(p->pj_ctx, p->crs, PJ_WKT2_2019, opts);
    }
    if (!wkt && p->is_web)
        wkt = web_wkt_fallback;
    if (!wkt)
        return HM_RAISE(p->ctx, HM_EINVAL, NULL, 0, -1, "the grid CRS has no WKT");
    *out = hm_ctx__strdup(p->ctx, wkt);
    return *out ? HM_OK : HM_RAISE_NOMEM(p->ctx);
}

void hm_project__web_inverse(double x, double y, double *lon, double *lat)
{
    *lon = x / HM_WEB_RADIUS * 180.0 / M_PI;
    *lat = atan(sinh(y / HM_WEB_RADIUS)) * 180.0 / M_PI;
}
