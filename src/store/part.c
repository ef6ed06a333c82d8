/* SPDX-License-Identifier: MIT */
/*
 * From a parsed file to what the store keeps of it (hm_store_part): the
 * file's warnings, each activity's metadata and summary figures, and its
 * tracks cleaned once for every grid and filter: every activity is cleaned
 * (filters select at render time, so none is dropped here, virtual ones
 * included), projected to web mercator and turned into integer units of
 * 2^-40 of the world, then simplified and cut into pieces
 * (hm_index__build_chunk). This runs on the thread that read the file,
 * right after reading it, and the file's points are freed right after.
 */
#include <math.h>
#include <string.h>

#include "store/store_int.h"
#include "track/project_int.h"

void hm_store__web_layout(hm_index_layout *out)
{
    int z;

    memset(out, 0, sizeof(*out));
    out->exp[out->nlevels++] = 0;
    for (z = HM_STORE_FIRST_LOD_ZOOM; z >= 0; z--)
        out->exp[out->nlevels++] = HM_WEB_UNIT_BITS - 8 - z;
}

void hm_store__part_free(hm_store_part *p)
{
    size_t i;

    if (!p->ctx)
        return;
    hm_ctx__free(p->ctx, p->error_message);
    for (i = 0; i < p->nwarnings; i++)
        hm_ctx__free(p->ctx, p->warnings[i].message);
    hm_ctx__free(p->ctx, p->warnings);
    for (i = 0; i < p->nacts; i++) {
        hm_ctx__free(p->ctx, p->acts[i].sport);
        hm_ctx__free(p->ctx, p->acts[i].sub_sport);
        hm_ctx__free(p->ctx, p->acts[i].name);
        hm_ctx__free(p->ctx, p->acts[i].device);
    }
    hm_ctx__free(p->ctx, p->acts);
    hm_index__free_chunk(&p->chunk);
    memset(p, 0, sizeof(*p));
}

int hm_store__part_failed(hm_store_part *out, hm_ctx *ctx, int format, const hm_error *error)
{
    memset(out, 0, sizeof(*out));
    out->ctx = ctx;
    out->format = format;
    out->error_code = error->code != HM_OK ? error->code : HM_ERROR;
    out->error_line = error->line;
    out->error_offset = error->offset;
    out->error_message = hm_ctx__strdup(ctx, error->message ? error->message : "");
    return out->error_message ? HM_OK : HM_RAISE_NOMEM(ctx);
}

static int copy_meta(hm_store_part *p, const hm_file *file)
{
    hm_ctx *ctx = p->ctx;
    size_t i;
    size_t nw = hm_file_get_warning_count(file), na = hm_file_get_activity_count(file);

    p->warnings = hm_ctx__calloc(ctx, nw ? nw : 1, sizeof(*p->warnings));
    p->acts = hm_ctx__calloc(ctx, na ? na : 1, sizeof(*p->acts));
    if (!p->warnings || !p->acts)
        return HM_RAISE_NOMEM(ctx);
    p->nwarnings = nw; /* counted once there is room: part_free walks them */
    p->nacts = na;
    for (i = 0; i < p->nwarnings; i++) {
        const hm_error *w = hm_file_get_warning(file, i);
        p->warnings[i].code = w->code;
        p->warnings[i].line = w->line;
        p->warnings[i].offset = w->offset;
        if (!(p->warnings[i].message = hm_ctx__strdup(ctx, w->message)))
            return HM_RAISE_NOMEM(ctx);
    }
    for (i = 0; i < p->nacts; i++) {
        const hm_activity *a = hm_file_get_activity(file, i);
        hm_part_act *pa = &p->acts[i];
        hm_activity_summary sum;

        if (!(pa->sport = hm_ctx__strdup(ctx, hm_activity_get_sport(a))) ||
            !(pa->sub_sport = hm_ctx__strdup(ctx, hm_activity_get_sub_sport(a))) ||
            !(pa->name = hm_ctx__strdup(ctx, hm_activity_get_name(a))) ||
            !(pa->device = hm_ctx__strdup(ctx, hm_activity_get_device(a))))
            return HM_RAISE_NOMEM(ctx);
        hm_activity_get_summary(a, &sum);
        pa->rec.format = (uint32_t)hm_activity_get_format(a);
        pa->rec.flags = (hm_activity_get_virtual(a) ? HM_ACT_FILE_VIRTUAL : 0u) |
                        (sum.has_time ? HM_ACT_HAS_TIME : 0u) | (sum.has_hr ? HM_ACT_HAS_HR : 0u) |
                        (sum.has_cadence ? HM_ACT_HAS_CADENCE : 0u) |
                        (sum.has_power ? HM_ACT_HAS_POWER : 0u);
        pa->rec.start_time = hm_activity_get_start_time(a);
        pa->rec.points = sum.points;
        pa->rec.points_with_pos = sum.points_with_pos;
        pa->rec.distance = sum.distance;
        pa->rec.duration = sum.duration;
        pa->rec.moving_time = sum.moving_time;
        pa->rec.elevation_gain = sum.elevation_gain;
        pa->rec.avg_hr = sum.avg_hr;
        pa->rec.start_lat = NAN;
        pa->rec.start_lon = NAN;
        pa->rec.csv_row = HM_NO_ROW;
        pa->rec.kept_time_min = NAN;
        pa->rec.kept_time_max = NAN;
    }
    return HM_OK;
}

/* Metres from the world's west (north) edge to units (2^-40 of the world), rounded down: a
 * point stays in the pixel it is in at every zoom (pixels are whole units). */
static double to_units(double v)
{
    const double k = ldexp(1.0, HM_WEB_UNIT_BITS) / (2.0 * HM_WEB_HALF);
    double u = floor(v * k);

    return fmin(fmax(u, 0.0), ldexp(1.0, HM_WEB_UNIT_BITS));
}

int hm_store__part_from_file(hm_store_part *out, hm_ctx *ctx, const hm_file *file,
                             const hm_store_clean *clean)
{
    hm_clean_options co;
    hm_projector *proj = NULL;
    hm_index_layout layout;
    hm_tracks t;
    size_t i, r;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&t, 0, sizeof(t));
    out->ctx = ctx;
    out->format = (int)hm_file_get_format(file);
    if ((rc = copy_meta(out, file)) != HM_OK)
        goto done;
    co.date_from = NAN;
    co.date_to = NAN;
    co.sports = NULL;
    co.nsports = 0;
    co.include_virtual = 1;
    co.max_gap = clean->max_gap;
    if ((rc = hm_project__new(&proj, ctx, NULL)) != HM_OK ||
        (rc = hm_tracks__build(&t, ctx, &file, 1, &co, proj)) != HM_OK ||
        (rc = hm_privacy__apply(&t.runs, ctx, &clean->privacy)) != HM_OK)
        goto done;
    /* Where each activity starts: its first point drawn (never a hidden one). */
    for (r = t.runs.nruns; r-- > 0;) {
        hm_store_act *rec = &out->acts[t.act_index[t.runs.run_act[r]]].rec;
        const double *p = t.runs.xy + 2 * t.runs.run_first[r];
        hm_project__web_inverse(p[0], p[1], &rec->start_lon, &rec->start_lat);
    }
    for (i = 0; i < t.runs.npoints; i++) {
        double *p = t.runs.xy + 2 * i;
        p[0] = to_units(p[0] + HM_WEB_HALF);
        p[1] = to_units(HM_WEB_HALF - p[1]);
    }
    /* Drawn activities: their figures from their runs (privacy may have emptied some), and
     * their runs renumbered to the file's activities. */
    for (i = 0; i < t.nacts; i++) {
        hm_store_act *rec = &out->acts[t.act_index[i]].rec;
        rec->kept_time_min = t.act_tmin[i];
        rec->kept_time_max = t.act_tmax[i];
    }
    for (r = 0; r < t.runs.nruns; r++) {
        uint32_t a = (uint32_t)t.act_index[t.runs.run_act[r]];
        hm_store_act *rec = &out->acts[a].rec;
        if (!(rec->flags & HM_ACT_KEPT)) {
            rec->flags |= HM_ACT_KEPT;
            rec->bbox[0] = rec->bbox[1] = INT64_MAX;
            rec->bbox[2] = rec->bbox[3] = INT64_MIN;
        }
        rec->kept_points += t.runs.run_first[r + 1] - t.runs.run_first[r];
        for (i = t.runs.run_first[r]; i < t.runs.run_first[r + 1]; i++) {
            int64_t x = (int64_t)t.runs.xy[2 * i], y = (int64_t)t.runs.xy[2 * i + 1];
            rec->bbox[0] = x < rec->bbox[0] ? x : rec->bbox[0];
            rec->bbox[1] = y < rec->bbox[1] ? y : rec->bbox[1];
            rec->bbox[2] = x > rec->bbox[2] ? x : rec->bbox[2];
            rec->bbox[3] = y > rec->bbox[3] ? y : rec->bbox[3];
        }
        t.runs.run_act[r] = a;
    }
    for (i = 0; i < out->nacts; i++) {
        hm_store_act *rec = &out->acts[i].rec;
        if (!(rec->flags & HM_ACT_KEPT))
            rec->kept_time_min = rec->kept_time_max = NAN;
    }
    hm_store__web_layout(&layout);
    rc = hm_index__build_chunk(&out->chunk, ctx, &t.runs, &layout);

done:
    hm_tracks__free(&t);
    hm_project__free(proj);
    if (rc != HM_OK)
        hm_store__part_free(out);
    return rc;
}
